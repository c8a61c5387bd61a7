/* cli.h -- pieces shared by the phoenix subcommands (the files of cli/). */
#ifndef PHX_CLI_H
#define PHX_CLI_H

#include <stdio.h>

#include "../engine/phx.h"
#include "../engine/scenario.h"

#define CLI_MAX_OVERRIDES 256

/* The options that run, sweep and fund share. */
typedef struct cli_opts {
    const char *out;                                   /* -o */
    scenario_override ov[CLI_MAX_OVERRIDES + 2];       /* --set, -n, --seed, ... (+2: room for
                                                          keys a command forces) */
    size_t n_ov;
    const char *target[CLI_MAX_OVERRIDES + 2];         /* --set NAME:key=value: NAME, else NULL */
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
/* The output may be written: it does not exist, or --force. Checked after the inputs, so that the
 * real error of a bad input is the one reported. PHX_OK or fills `e`. */
int cli_output_free(const char *path, int force, phx_err *e);
/* The same after loaded scenarios: when the output exists (and no --force) each scenario's data
 * is prepared first (its firm table read), so that a bad input table is the error reported. */
int cli_output_free_after(const char *path, int force, scenario *const *sc, size_t n, phx_err *e);

/* An open results file's temporary is removed on SIGINT/SIGTERM from cli_output_guard(w) on
 * (w may be NULL: MPI ranks other than 0 write nothing); cli_output_finish() commits w when st
 * is PHX_OK, else abandons it, ends the guard, and returns st or the commit's failure. */
struct h5_writer;
void cli_output_guard(struct h5_writer *w);
int cli_output_finish(struct h5_writer *w, int st, phx_err *e);

/* cli/load.c: scenarios with the options' overrides. A plain --set applies to every scenario;
 * --set NAME:key=value only to the scenario named NAME (its name before --set renames it). */
int cli_load(const char *file, const cli_opts *o, unsigned char *used, scenario **sc, phx_err *e);
/* Every NAME:key=value named a loaded scenario (`used` from cli_load); a plain --set on several
 * scenarios is a warning that lists them. */
int cli_check_targets(const cli_opts *o, const unsigned char *used, scenario *const *sc, size_t n,
                      phx_err *e);
/* One-scenario commands: a NAME:key=value must name `file`'s scenario; it then becomes plain. */
int cli_single_target(const char *file, cli_opts *o, phx_err *e);
/* The progress mode for run_options.progress: 0 off (--quiet), 1 a bar (stderr a terminal),
 * 2 plain lines (every 10% or 30 s). */
int cli_progress_mode(int quiet);

/* What a set of runs did, for its closing line. */
typedef struct cli_clock {
    double t0;                 /* start, monotonic seconds */
    double replications;       /* replications done, all scenarios */
    double entity_years;       /* entities x years simulated (0: the model reports none) */
    const char *entity;        /* their noun, or NULL */
} cli_clock;
void cli_clock_start(cli_clock *c);
/* Count scenario `sc`'s `reps` replications on its prepared `shared` data. */
void cli_clock_add(cli_clock *c, const scenario *sc, const void *shared, size_t reps);
/* "phoenix: N replications in T s: R replications/s, F firm-years/s" on stderr. */
void cli_clock_print(const cli_clock *c);

/* cli/help.c: one row per command. */
typedef struct cli_command {
    const char *name;
    const char *synopsis;        /* its lines in `phoenix --help` */
    const char *options;         /* its options, for `phoenix CMD --help` */
    void (*more)(FILE *f);       /* anything else it lists (plot: the charts); NULL: none */
} cli_command;
const cli_command *cli_command_find(const char *name);   /* NULL: no such command */
void cli_help_all(FILE *f);                              /* phoenix --help */
void cli_help_one(const cli_command *c, FILE *f);        /* phoenix CMD --help */
/* Is there a --help or -h among argv[0..argc) (before a "--")? */
int cli_wants_help(int argc, char **argv);

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
/* `phoenix summary` (cli/summary.c), argv[0] "summary". */
int cli_summary(int argc, char **argv);
/* `phoenix compare` (cli/compare.c), argv[0] "compare". */
int cli_compare(int argc, char **argv);
/* `phoenix seek` (cli/seek.c), argv[0] "seek". */
int cli_seek(int argc, char **argv);

#endif
