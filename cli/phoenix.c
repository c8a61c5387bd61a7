/* phoenix.c -- the command line: run, params, summary, synth. The only place that knows both the
 * models and the output module; everything else flows through engine/. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../engine/cluster.h"
#include "../engine/phx.h"
#include "../engine/resources.h"
#include "../engine/run.h"
#include "../engine/scenario.h"
#include "../models/models.h"
#include "../output/h5.h"
#include "../output/table.h"
#include "cli.h"

#ifndef PHX_GIT_SHA1
#define PHX_GIT_SHA1 "unknown"
#endif


int cli_usage_error(const char *fmt, const char *arg)
{
    if (cluster_rank() != 0)    /* under MPI every rank sees the same error; rank 0 says it */
        return PHX_EINPUT;
    fprintf(stderr, "phoenix: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see phoenix --help)\n");
    return PHX_EINPUT;
}

int cli_report(const phx_err *e)
{
    if (cluster_rank() == 0)
        fprintf(stderr, "phoenix: %s\n", e->msg);
    return e->status ? e->status : PHX_ERUN;
}

/* The command line as one string, for the results file's provenance. */
static char *join_args(int argc, char **argv)
{
    size_t n = 1;
    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) + 1;
    char *s = phx_malloc(n);
    s[0] = '\0';
    for (int i = 0; i < argc; i++) {
        strcat(s, argv[i]);
        if (i + 1 < argc)
            strcat(s, " ");
    }
    return s;
}

int cli_parse_set(char *arg, const char *origin, scenario_override *ov)
{
    char *eq = strchr(arg, '=');
    if (eq == NULL || eq == arg || strchr(arg, '.') == NULL || strchr(arg, '.') > eq) {
        if (cluster_rank() == 0)
            fprintf(stderr, "phoenix: %s '%s': expected section.key=value (see phoenix --help)\n",
                    origin, arg);
        return PHX_EINPUT;
    }
    *eq = '\0';
    *ov = (scenario_override){ origin, arg, eq + 1 };
    return PHX_OK;
}

int cli_positive_long(const char *opt, const char *arg, long *out)
{
    if (phx_parse_long(arg, out) || *out <= 0 || *out > 1000000000L) {
        if (cluster_rank() == 0)
            fprintf(stderr, "phoenix: %s: '%s' is not a positive integer\n", opt, arg);
        return PHX_EINPUT;
    }
    return PHX_OK;
}

int cli_shared_option(int c, const char *arg, cli_opts *o)
{
    if (o->n_ov >= CLI_MAX_OVERRIDES && strchr("nSmfsDE", c) != NULL) {
        cli_usage_error("too many overrides (at most %s)", "256");
        return -1;
    }
    switch (c) {
    case 'o': o->out = arg; return 1;
    case 'n': o->ov[o->n_ov++] = (scenario_override){ "-n", "scenario.replications", arg }; return 1;
    case 'S': o->ov[o->n_ov++] = (scenario_override){ "--seed", "scenario.seed", arg }; return 1;
    case 'm': o->ov[o->n_ov++] = (scenario_override){ "--sampler", "scenario.sampler", arg }; return 1;
    case 'f': o->ov[o->n_ov++] = (scenario_override){ "--firms", "scenario.firms", arg }; return 1;
    case 'D': /* the model's own key for its input table's options (engine/model.h, model_option) */
        o->ov[o->n_ov++] = (scenario_override){ "--csv-delimiter", MODEL_OPTION_PREFIX "input.csv_delimiter", arg };
        return 1;
    case 'E':
        o->ov[o->n_ov++] = (scenario_override){ "--encoding", MODEL_OPTION_PREFIX "input.encoding", arg };
        return 1;
    case 's': {
        char *a = (char *)arg, *eq = strchr(a, '='), *colon = NULL;
        for (char *p = a; eq != NULL && p < eq; p++)       /* NAME:section.key=value */
            if (*p == ':')
                colon = p;
        if (colon != NULL && colon > a) {
            *colon = '\0';
            o->target[o->n_ov] = a;
            a = colon + 1;
        } else {
            o->target[o->n_ov] = NULL;
        }
        if (cli_parse_set(a, "--set", &o->ov[o->n_ov]))
            return -1;
        o->n_ov++;
        return 1;
    }
    case 't': {
        if (cli_positive_long("--threads", arg, &o->threads))
            return -1;
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        if (o->threads > phx_max_threads()) {          /* more only costs memory (engine/resources.h) */
            if (cluster_rank() == 0)
                fprintf(stderr, "phoenix: warning: --threads %ld is more than %d (%d per processor); "
                                "using %d\n", o->threads, phx_max_threads(), PHX_THREADS_PER_CORE,
                        phx_max_threads());
            o->threads = phx_max_threads();
        } else if (cores > 0 && o->threads > cores && cluster_rank() == 0) {
            fprintf(stderr, "phoenix: warning: --threads %ld is more than the %ld cores of this "
                    "machine; the extra threads only compete for them\n", o->threads, cores);
        }
        return 1;
    }
    case 'b': return cli_positive_long("--block", arg, &o->block) ? -1 : 1;
    case 'F': o->force = 1; return 1;
    case 'q': o->quiet = 1; return 1;
    }
    return 0;
}

int cli_file_exists(const char *path)
{
    struct stat s;
    return stat(path, &s) == 0;
}

int cli_output_free(const char *path, int force, phx_err *e)
{
    if (!force && cli_file_exists(path))
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "exists; use --force to overwrite");
    return PHX_OK;
}

/* ---- phoenix summary ------------------------------------------------------------------- */

static int cmd_summary(int argc, char **argv)
{
    return cli_summary(argc, argv);             /* cli/summary.c */
}

/* ---- phoenix params ------------------------------------------------------------------------ */

static const char *kind_name(const param_def *p)
{
    switch (p->kind) {
    case PARAM_REAL: return (p->flags & PARAM_RANDOM) ? "real|dist" : "real";
    case PARAM_INT: return "integer";
    case PARAM_CHOICE: return "choice";
    case PARAM_LIST: return "list";
    case PARAM_TEXT: return "text";
    }
    return "?";
}

static void print_model_params(const model_type *m)
{
    printf("model %s: %s\n\nparameters (scenario keys; defaults are the plan-as-written values)\n",
           m->name, m->description);
    text_table t;
    static const char *const ph[] = { "key", "kind", "unit", "", "default", "bounds", "meaning" };
    static const int pr[] = { 0, 0, 0, 0, 0, 0, 0 };
    table_init(&t, 7, ph, pr);
    for (size_t i = 0; i < m->n_params; i++) {
        const param_def *p = &m->params[i];
        char bounds[96] = "", meaning[512];
        if (p->kind == PARAM_CHOICE || p->kind == PARAM_LIST)
            snprintf(bounds, sizeof bounds, "{%s}", p->choices);
        else if (p->kind == PARAM_REAL || p->kind == PARAM_INT)
            snprintf(bounds, sizeof bounds, "[%g, %g]", p->lo, p->hi);
        snprintf(meaning, sizeof meaning, "%s%s", (p->flags & PARAM_PER_YEAR) ? "(per year) " : "",
                 p->description);
        const char *row[] = { p->name, kind_name(p), p->unit, "default", p->def, bounds, meaning };
        table_row(&t, row);
    }
    table_print_rows(&t, stdout);
    table_free(&t);
    printf("\nmetrics (per replication and year)\n");
    static const char *const mh[] = { "metric", "unit", "direction", "kind", "meaning" };
    table_init(&t, 5, mh, pr);
    for (size_t i = 0; i < m->n_metrics; i++) {
        const metric_def *d = &m->metrics[i];
        char meaning[512];
        snprintf(meaning, sizeof meaning, "%s / %s%s", d->long_name, d->long_name_zh,
                 (d->flags & METRIC_BY_GROUP) ? " (by district)" : "");
        const char *row[] = { d->name, d->unit, d->direction > 0 ? "more" : "less",
                              d->kind == METRIC_CUMULATIVE ? "cumulative" : "state", meaning };
        table_row(&t, row);
    }
    table_print_rows(&t, stdout);
    table_free(&t);
}

/* Markdown reference of a model's keys and metrics: generated into docs/scenarios.md, so the
 * documentation cannot drift from the parameter table (tests/t_docs.sh checks it). */
static void print_model_params_md(const model_type *m)
{
    printf("## Model `%s`\n\n%s\n\n| key | kind | unit | default | bounds or choices | meaning |\n"
           "|---|---|---|---|---|---|\n", m->name, m->description);
    for (size_t i = 0; i < m->n_params; i++) {
        const param_def *p = &m->params[i];
        char bounds[128] = "";
        if (p->kind == PARAM_CHOICE || p->kind == PARAM_LIST) {
            size_t k = 0;
            for (const char *c = p->choices; *c && k + 4 < sizeof bounds; c++) {
                if (*c == '|') {
                    bounds[k++] = ',';
                    bounds[k++] = ' ';
                } else {
                    bounds[k++] = *c;
                }
            }
            bounds[k] = '\0';
        } else if (p->kind == PARAM_REAL || p->kind == PARAM_INT) {
            snprintf(bounds, sizeof bounds, "[%g, %g]", p->lo, p->hi);
        }
        printf("| `%s` | %s%s | %s | `%s` | %s | %s |\n", p->name, kind_name(p),
               (p->flags & PARAM_PER_YEAR) ? ", per year" : "", p->unit, p->def, bounds, p->description);
    }
    printf("\nMetrics (`[targets]` keys; a target is met when the value is at least the target for "
           "\"more\" metrics, at most for \"less\"):\n\n| metric | unit | better | kind | meaning |\n"
           "|---|---|---|---|---|\n");
    for (size_t i = 0; i < m->n_metrics; i++) {
        const metric_def *d = &m->metrics[i];
        printf("| `%s` | %s | %s | %s%s | %s (%s) |\n", d->name, d->unit, d->direction > 0 ? "more" : "less",
               d->kind == METRIC_CUMULATIVE ? "cumulative" : "state",
               (d->flags & METRIC_BY_GROUP) ? ", by district" : "", d->long_name, d->long_name_zh);
    }
    printf("\n");
}

static int cmd_params(int argc, char **argv)
{
    static const struct option opts[] = { { "format", required_argument, NULL, 'f' },
                                          { NULL, 0, NULL, 0 } };
    int c, md = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'f' || (strcmp(optarg, "md") && strcmp(optarg, "table")))
            return cli_usage_error("params: expected --format table|md%s", "");
        md = strcmp(optarg, "md") == 0;
    }
    argc -= optind - 1;
    argv += optind - 1;
    if (argc > 2)
        return cli_usage_error("params takes at most one model name, got %s", "several");
    if (md) {
        for (size_t i = 0; i < models_n; i++)
            if (argc == 1 || strcmp(models_all[i]->name, argv[1]) == 0)
                print_model_params_md(models_all[i]);
        return PHX_OK;
    }
    if (argc == 1) {
        printf("models:\n");
        for (size_t i = 0; i < models_n; i++)
            printf("  %-10s %s\n", models_all[i]->name, models_all[i]->description);
        return PHX_OK;
    }
    const model_type *m = models_find(argv[1]);
    if (m == NULL)
        return cli_usage_error("unknown model '%s' (phoenix params lists them)", argv[1]);
    print_model_params(m);
    return PHX_OK;
}

/* ---- phoenix synth -------------------------------------------------------------------- */

static int cmd_synth(int argc, char **argv)
{
    static const struct option opts[] = { { "output", required_argument, NULL, 'o' },
                                          { "set", required_argument, NULL, 's' },
                                          { "force", no_argument, NULL, 'F' },
                                          { "firms", required_argument, NULL, 'f' },
                                          { "csv-delimiter", required_argument, NULL, 'D' },
                                          { "encoding", required_argument, NULL, 'E' },
                                          { NULL, 0, NULL, 0 } };
    const char *out = NULL;
    scenario_override ov[CLI_MAX_OVERRIDES];
    size_t n_ov = 0;
    int force = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c == 'o')
            out = optarg;
        else if (c == 'F')
            force = 1;
        else if (c == 's' && n_ov < CLI_MAX_OVERRIDES) {
            if (cli_parse_set(optarg, "--set", &ov[n_ov]))
                return PHX_EINPUT;
            n_ov++;
        } else if (strchr("fDE", c) != NULL && n_ov < CLI_MAX_OVERRIDES) {
            cli_opts o = { .n_ov = 0 };        /* the shared handler's spelling of each key */
            cli_shared_option(c, optarg, &o);
            ov[n_ov++] = o.ov[0];
        } else
            return cli_usage_error("%s: bad option", "synth");
    }
    if (out == NULL)
        return cli_usage_error("synth needs -o FIRMS.csv%s", "");
    if (optind + 1 < argc)
        return cli_usage_error("synth takes at most one scenario file, got %s", "several");
    phx_err e = { 0 };
    scenario *sc = NULL;
    const model_type *dflt = NULL;          /* without a file: the first model that has a table */
    for (size_t i = 0; dflt == NULL && i < models_n; i++)
        dflt = models_all[i]->synthesize ? models_all[i] : NULL;
    if (optind == argc && dflt == NULL)
        return cli_usage_error("synth: no model has an input table to generate%s", "");
    int st = optind < argc ? scenario_load(&sc, argv[optind], models_all, models_n, ov, n_ov, &e)
                           : scenario_defaults(&sc, dflt, ov, n_ov, &e);
    if (st == PHX_OK && sc->model->synthesize == NULL)
        st = phx_fail(&e, PHX_EINPUT, sc->path, 0, "scenario.model",
                      "synth generates a model's input table; model %s has none", sc->model->name);
    size_t n = 0;
    if (st == PHX_OK)
        st = cli_output_free(out, force, &e);
    if (st == PHX_OK)
        st = sc->model->synthesize(sc, out, &n, &e);
    if (st == PHX_OK)
        fprintf(stderr, "phoenix: wrote %zu firms to %s\n", n, out);
    scenario_free(sc);
    return st == PHX_OK ? PHX_OK : cli_report(&e);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("%s", "no command given");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || (!strcmp(cmd, "help") && argc == 2)) {
        cli_help_all(stdout);
        return PHX_OK;
    }
    if (!strcmp(cmd, "help")) {       /* phoenix help CMD */
        const cli_command *c = cli_command_find(cli_wants_help(1, argv + 2) ? "help" : argv[2]);
        if (c == NULL)
            return cli_usage_error("help: unknown command '%s'", argv[2]);
        cli_help_one(c, stdout);
        return PHX_OK;
    }
    if (cli_command_find(cmd) != NULL && cli_wants_help(argc - 2, argv + 2)) {
        cli_help_one(cli_command_find(cmd), stdout);
        return PHX_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("phoenix %s (git %s%s)\n", PHX_VERSION, PHX_GIT_SHA1, cluster_enabled() ? "; mpi" : "");
        return PHX_OK;
    }
    if (!strcmp(cmd, "run") || !strcmp(cmd, "sweep") || !strcmp(cmd, "sensitivity")) {
        phx_err e = { 0 };
        if (cluster_init(&e))     /* MPI build: every rank runs its part (engine/cluster.h) */
            return cli_report(&e);
        char *cl = join_args(argc, argv);
        int st = (!strcmp(cmd, "run") ? cli_run : !strcmp(cmd, "sweep") ? cli_sweep
                                                                          : cli_sensitivity)(argc - 1, argv + 1, cl);
        free(cl);
        cluster_finalize();
        return st;
    }
    if (cluster_launched()) {     /* under mpirun only run, sweep and sensitivity share out the work */
        phx_err e = { 0 };
        int st = cluster_init(&e);
        if (st == PHX_OK)
            st = phx_fail(&e, PHX_EINPUT, NULL, 0, NULL,
                          "%s does not run under MPI; start it without mpirun", cmd);
        cli_report(&e);
        cluster_finalize();
        return st;
    }
    if (!strcmp(cmd, "fund") || !strcmp(cmd, "calibrate")) {
        char *cl = join_args(argc, argv);
        int st = (!strcmp(cmd, "fund") ? cli_fund : cli_calibrate)(argc - 1, argv + 1, cl);
        free(cl);
        return st;
    }
    if (!strcmp(cmd, "summary"))
        return cmd_summary(argc - 1, argv + 1);
    if (!strcmp(cmd, "report"))
        return cli_report_html(argc - 1, argv + 1);
    if (!strcmp(cmd, "plot"))
        return cli_plot(argc - 1, argv + 1);
    if (!strcmp(cmd, "seek"))
        return cli_seek(argc - 1, argv + 1);
    if (!strcmp(cmd, "compare"))
        return cli_compare(argc - 1, argv + 1);
    if (!strcmp(cmd, "params"))
        return cmd_params(argc - 1, argv + 1);
    if (!strcmp(cmd, "synth"))
        return cmd_synth(argc - 1, argv + 1);
    return cli_usage_error("unknown command '%s'", cmd);
}
