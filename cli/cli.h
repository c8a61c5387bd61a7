/* cli.h -- pieces shared by the phoenix subcommands (the files of cli/). */
#ifndef PHX_CLI_H
#define PHX_CLI_H

#include "../engine/phx.h"
#include "../engine/scenario.h"

#define CLI_MAX_OVERRIDES 256

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
/* `phoenix fund` (cli/fund.c), with main's argc and argv (argv[1] is "fund"): it records the
 * whole command line itself. */
int cli_fund(int argc, char **argv);

#endif
