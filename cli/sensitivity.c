/* sensitivity.c -- `phoenix sensitivity`: parse the options, hand the scenario to the library's
 * analysis (engine/sensitivity.h), write /sensitivity/<method> and print the report. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/cluster.h"
#include "../engine/sensitivity.h"
#include "../models/models.h"
#include "../output/h5.h"
#include "../output/sensitivity.h"
#include "cli.h"

#define MAX_LIST 64

typedef struct sens_args {
    cli_opts o;
    sens_options so;
    const char *format;
    int metric_idx[MAX_LIST];
    char *metric[MAX_LIST];
    size_t n_metric;
    sens_group group[MAX_LIST];
    const char *keys[MAX_LIST][MAX_LIST];
    size_t n_group;
    const char *file;
} sens_args;

/* --group NAME=key,key,... (modifies arg). */
static int parse_group(char *arg, sens_args *a)
{
    char *eq = strchr(arg, '=');
    if (eq == NULL || eq == arg || a->n_group == MAX_LIST)
        return cli_usage_error("--group '%s': expected NAME=key,key,... (at most 64 groups)", arg);
    *eq = '\0';
    sens_group *g = &a->group[a->n_group];
    *g = (sens_group){ arg, a->keys[a->n_group], 0 };
    for (char *k = strtok(eq + 1, ","); k != NULL; k = strtok(NULL, ",")) {
        if (g->n_keys == MAX_LIST)
            return cli_usage_error("--group %s: at most 64 keys", arg);
        a->keys[a->n_group][g->n_keys++] = k;
    }
    a->n_group++;
    return PHX_OK;
}

static int parse_option(int c, char *arg, sens_args *a)
{
    long v;
    switch (c) {
    case 'M':
        return sens_method_parse(arg, &a->so.method) ? cli_usage_error("--method '%s': expected "
                                                                       "sobol, morris or tornado", arg) : PHX_OK;
    case 'N': if (cli_positive_long("-N", arg, &v)) return PHX_EINPUT; a->so.N = (size_t)v; return PHX_OK;
    case 'B': if (cli_positive_long("--bootstrap", arg, &v)) return PHX_EINPUT; a->so.n_boot = (size_t)v; return PHX_OK;
    case 'L': if (cli_positive_long("--levels", arg, &v)) return PHX_EINPUT; a->so.levels = (int)v; return PHX_OK;
    case 'Y': if (cli_positive_long("--year", arg, &v)) return PHX_EINPUT; a->so.year = (int)v; return PHX_OK;
    case 'R': a->format = arg; return PHX_OK;
    case '2': a->so.second_order = 1; return PHX_OK;
    case 'G': return parse_group(arg, a);
    case 'T':
        for (char *m = strtok(arg, ","); m != NULL; m = strtok(NULL, ",")) {
            if (a->n_metric == MAX_LIST)
                return cli_usage_error("at most %s metrics", "64");
            a->metric[a->n_metric++] = m;
        }
        return PHX_OK;
    case 'X':
        if (a->o.n_ov >= CLI_MAX_OVERRIDES)
            return cli_usage_error("too many overrides (at most %s)", "256");
        if (cli_parse_set(arg, "--factor", &a->o.ov[a->o.n_ov]))
            return PHX_EINPUT;
        a->o.n_ov++;
        return PHX_OK;
    case 'n': return cli_usage_error("sensitivity: -n does not apply; -N sets the base samples%s", "");
    case 'm': return cli_usage_error("sensitivity: --sampler does not apply (the method's design "
                                     "chooses every point)%s", "");
    }
    return cli_usage_error("%s: bad option", "sensitivity");
}

static int parse_args(int argc, char **argv, sens_args *a)
{
    static const struct option opts[] = {
        CLI_SHARED_OPTIONS,
        { "method", required_argument, NULL, 'M' }, { "factor", required_argument, NULL, 'X' },
        { "group", required_argument, NULL, 'G' }, { "metric", required_argument, NULL, 'T' },
        { "year", required_argument, NULL, 'Y' }, { "format", required_argument, NULL, 'R' },
        { "bootstrap", required_argument, NULL, 'B' }, { "levels", required_argument, NULL, 'L' },
        { "second-order", no_argument, NULL, '2' },
        { NULL, 0, NULL, 0 }
    };
    memset(a, 0, sizeof *a);
    a->o.out = "sensitivity.h5";
    a->format = "table";
    int c;
    optind = 1;
    opterr = cluster_rank() == 0;
    while ((c = getopt_long(argc, argv, "o:n:N:", opts, NULL)) != -1) {
        int shared = c == 'n' || c == 'm' ? 0 : cli_shared_option(c, optarg, &a->o);
        if (shared < 0 || (shared == 0 && parse_option(c, optarg, a) != PHX_OK))
            return PHX_EINPUT;
    }
    if (strcmp(a->format, "table") && strcmp(a->format, "csv") && strcmp(a->format, "md"))
        return cli_usage_error("--format '%s': expected table, csv or md", a->format);
    if (optind + 1 != argc)
        return cli_usage_error("sensitivity takes one scenario file, got %s", optind == argc ? "none" : "several");
    a->file = argv[optind];
    return PHX_OK;
}

/* The --metric names as model indices. */
static int resolve_metrics(sens_args *a, const scenario *sc, phx_err *e)
{
    for (size_t i = 0; i < a->n_metric; i++) {
        a->metric_idx[i] = model_metric_find(sc->model, a->metric[i]);
        if (a->metric_idx[i] < 0)
            return phx_fail(e, PHX_EINPUT, NULL, 0, "--metric", "'%s' is not a metric of model %s "
                            "(phoenix params %s lists them)", a->metric[i], sc->model->name, sc->model->name);
    }
    a->so.metrics = a->n_metric ? a->metric_idx : NULL;
    a->so.n_metrics = a->n_metric;
    return PHX_OK;
}

/* Run the analysis (every rank), then on rank 0 estimate, write and commit. */
static int analyse(sens_args *a, scenario *sc, const char *command_line, sens_result **out,
                   phx_err *e)
{
    sens_factors *fs = NULL;
    sens *s = NULL;
    void *shared = NULL;
    h5_writer *w = NULL;
    int st = resolve_metrics(a, sc, e);
    if (st == PHX_OK)
        st = sens_factors_build(&fs, sc, a->group, a->n_group, e);
    if (st == PHX_OK && (s = sens_alloc(fs, &a->so, e)) == NULL)
        st = e->status;
    if (st == PHX_OK)
        st = sc->model->prepare(sc, &shared, e);
    if (st == PHX_OK && cluster_rank() == 0)
        st = h5_writer_open(&w, a->o.out, a->o.force, command_line, sc->seed, e);
    if (st == PHX_OK)
        cli_output_guard(w);
    st = cluster_agree(st, e);
    if (st == PHX_OK && !a->o.quiet)
        fprintf(stderr, "phoenix: %s sensitivity: %zu factors, %zu model runs\n",
                sens_method_name(a->so.method), fs->k, sens_rows(s));
    run_options ro = { .threads = (int)a->o.threads, .block = (size_t)a->o.block,
                       .progress = cli_progress_mode(a->o.quiet) };
    cli_clock clk;
    cli_clock_start(&clk);
    if (st == PHX_OK)
        st = sens_run(s, shared, &ro, cluster_run, e);
    if (st == PHX_OK && !a->o.quiet) {
        cli_clock_add(&clk, sc, shared, sens_rows(s));
        cli_clock_print(&clk);
    }
    if (st == PHX_OK && w != NULL) {
        *out = sens_estimate(s, (int)a->o.threads);
        st = sens_write(w, sc, *out, e);
    }
    st = cli_output_finish(w, st, e);
    if (shared)
        sc->model->shared_free(shared);
    sens_free(s);
    sens_factors_free(fs);
    return cluster_agree(st, e);
}

int cli_sensitivity(int argc, char **argv, const char *command_line)
{
    sens_args a;
    phx_err e = { 0 };
    int st = cluster_agree(parse_args(argc, argv, &a), &e);
    if (st != PHX_OK)
        return st;
    if (cluster_rank() != 0)
        a.o.quiet = 1;
    scenario *sc = NULL;
    sens_result *r = NULL;
    st = cli_single_target(a.file, &a.o, &e);
    if (st == PHX_OK)
        st = scenario_load(&sc, a.file, models_all, models_n, a.o.ov, a.o.n_ov, &e);
    if (st == PHX_OK)                          /* the inputs are good: now the output */
        st = cli_output_free_after(a.o.out, a.o.force, &sc, 1, &e);
    st = cluster_agree(st, &e);
    if (st == PHX_OK)
        st = analyse(&a, sc, command_line, &r, &e);
    if (st != PHX_OK)
        st = cli_report(&e);
    else if (r != NULL) {
        sens_print(r, sc, a.format, a.n_metric > 0, stdout);
        if (!a.o.quiet)
            fprintf(strcmp(a.format, "csv") ? stdout : stderr, "results: %s\n", a.o.out);
    }
    sens_result_free(r);
    scenario_free(sc);
    return st;
}
