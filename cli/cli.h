/* cli.h -- pieces shared by the phoenix subcommands (the files of cli/). */
#ifndef PHX_CLI_H
#define PHX_CLI_H

#include "../engine/phx.h"
#include "../engine/scenario.h"

#define CLI_MAX_OVERRIDES 256

/* The options that run, sweep and fund share. */
typedef struct cli_opts {
    const char *out;                                   /* -o */
    scenario_override ov[CLI_MAX_OVERRIDES + 2];       /* --set, -n, --seed, ... (+2: room for
                                                          keys a command forces) */
    size_t n_ov;
    long threads, block;
    int force, quiet;
} cli_opts;

/* getopt_long rows of the shared options, to open a command's option table. */
#define CLI_SHARED_OPTIONS                                                                     \
    { "output", required_argument, NULL, 'o' }, { "replications", required_argument, NULL, 'n' }, \
    { "seed", required_argument, NULL, 'S' }, { "threads", required_argument, NULL, 't' },        \
    { "sampler", required_argument, NULL, 'm' }, { "set", required_argument, NULL, 's' },         \
    { "firms", required_argument, NULL, 'f' }, { "block", required_argument, NULL, 'b' },         \
    { "force", no_argument, NULL, 'F' }, { "quiet", no_argument, NULL, 'q' },                  \
    { "csv-delimiter", required_argument, NULL, 'D' }, { "encoding", required_argument, NULL, 'E' }

/* Handle option `c` (with argument `arg`) if it is a shared one: 1 when handled, 0 when `c` is
 * not a shared option, -1 after printing the error of a bad value (exit status 2). */
int cli_shared_option(int c, const char *arg, cli_opts *o);

/* "phoenix: <fmt with arg> (see phoenix --help)" on stderr; returns PHX_EINPUT. */
int cli_usage_error(const char *fmt, const char *arg);
/* Print the error's one line on stderr; returns its status (PHX_ERUN if unset). */
int cli_report(const phx_err *e);
/* "section.key=value" from --set into an override pointing into `arg` (modified); `origin`
 * names the option in error messages. */
int cli_parse_set(char *arg, const char *origin, scenario_override *ov);
/* A positive integer option value, or PHX_EINPUT with a message naming the option. */
int cli_positive_long(const char *opt, const char *arg, long *out);
int cli_file_exists(const char *path);

/* Subcommands. `command_line` is the whole command, for provenance. */
int cli_run(int argc, char **argv, const char *command_line);
int cli_sweep(int argc, char **argv, const char *command_line);
/* `phoenix fund` (cli/fund.c). */
int cli_fund(int argc, char **argv, const char *command_line);
/* `phoenix sensitivity` (cli/sensitivity.c). */
int cli_sensitivity(int argc, char **argv, const char *command_line);
/* `phoenix report` and `phoenix plot` (cli/report.c), with argv[0] the command's name. */
int cli_report_html(int argc, char **argv);
int cli_plot(int argc, char **argv);
/* `phoenix calibrate` (cli/calibrate.c). */
int cli_calibrate(int argc, char **argv, const char *command_line);

#endif
