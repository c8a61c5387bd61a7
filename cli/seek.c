/* seek.c -- `phoenix seek`: the value of one lever at which a metric meets its target with
 * probability >= Q (engine/seek.c searches, output/seek_print.c prints; this file parses and
 * loads). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/seek.h"
#include "../models/models.h"
#include "../output/seek.h"
#include "cli.h"

typedef struct seek_args {
    cli_opts o;                /* -n, --seed, --threads, --set, ... (no -o: seek writes no file) */
    const char *file, *format;
    char *target;              /* METRIC or METRIC=VALUE (modified) */
    seek_spec spec;
    size_t n_run;
} seek_args;

/* --range a:b */
static int parse_range(char *arg, seek_spec *s)
{
    char *colon = strchr(arg, ':');
    if (colon == NULL)
        return cli_usage_error("--range '%s': expected a:b", arg);
    *colon = '\0';
    if (phx_parse_double(arg, &s->a) || phx_parse_double(colon + 1, &s->b) || !(s->a < s->b)) {
        *colon = ':';
        return cli_usage_error("--range '%s': expected a:b, numbers with a < b", arg);
    }
    return PHX_OK;
}

/* --target METRIC[=VALUE] */
static int parse_target(char *arg, seek_spec *s)
{
    char *eq = strchr(arg, '=');
    s->target = arg;
    s->target_value = NAN;
    if (eq == NULL)
        return PHX_OK;
    *eq = '\0';
    if (eq == arg || phx_parse_double(eq + 1, &s->target_value))
        return cli_usage_error("--target: expected METRIC or METRIC=VALUE%s", "");
    return PHX_OK;
}

static int parse_option(int c, char *arg, seek_args *a)
{
    switch (c) {
    case 'l': a->spec.lever = arg; return PHX_OK;
    case 'T': return parse_target(arg, &a->spec);
    case 'r': return parse_range(arg, &a->spec);
    case 'c':
        if (phx_parse_double(arg, &a->spec.confidence) || !(a->spec.confidence > 0 && a->spec.confidence < 1))
            return cli_usage_error("--confidence: '%s' is not a probability in (0, 1)", arg);
        return PHX_OK;
    case 'x':
        if (strcmp(arg, "table") && strcmp(arg, "csv"))
            return cli_usage_error("--format '%s': expected table or csv", arg);
        a->format = arg;
        return PHX_OK;
    }
    return cli_usage_error("%s: bad option", "seek");
}

static int parse_args(int argc, char **argv, seek_args *a)
{
    static const struct option opts[] = {
        CLI_SHARED_OPTIONS,
        { "lever", required_argument, NULL, 'l' }, { "target", required_argument, NULL, 'T' },
        { "confidence", required_argument, NULL, 'c' }, { "range", required_argument, NULL, 'r' },
        { "format", required_argument, NULL, 'x' }, { NULL, 0, NULL, 0 }
    };
    memset(a, 0, sizeof *a);
    a->format = "table";
    a->spec = (seek_spec){ .confidence = NAN, .level = 0.95, .a = NAN, .b = NAN, .grid = 8 };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:n:", opts, NULL)) != -1) {
        if (c == 'o')
            return cli_usage_error("seek writes no results file%s", "");
        int shared = cli_shared_option(c, optarg, &a->o);
        if (shared < 0 || (shared == 0 && parse_option(c, optarg, a) != PHX_OK))
            return PHX_EINPUT;
    }
    if (optind + 1 != argc)
        return cli_usage_error("seek takes one scenario file, got %s", optind == argc ? "none" : "several");
    a->file = argv[optind];
    if (a->spec.lever == NULL || a->spec.target == NULL || isnan(a->spec.confidence))
        return cli_usage_error("seek needs --lever KEY, --target METRIC and --confidence Q%s", "");
    return PHX_OK;
}

/* seek_load_fn: the user's overrides, then the lever at `value`. */
static int load_at(void *ctx, double value, scenario **sc, phx_err *e)
{
    seek_args *a = ctx;
    scenario_override ov[CLI_MAX_OVERRIDES + 2];
    char text[64];
    memcpy(ov, a->o.ov, a->o.n_ov * sizeof *ov);
    size_t n = a->o.n_ov;
    snprintf(text, sizeof text, "%.17g", value);
    ov[n++] = (scenario_override){ "phoenix seek", a->spec.lever, text };
    return scenario_load(sc, a->file, models_all, models_n, ov, n, e);
}

static void note(void *ctx, double value, size_t met, size_t n)
{
    seek_args *a = ctx;
    if (!a->o.quiet)
        fprintf(stderr, "phoenix seek: run %zu: %s = %.6g -> P(target met) = %.3f\n", ++a->n_run,
                a->spec.lever, value, n ? (double)met / (double)n : NAN);
}

int cli_seek(int argc, char **argv)
{
    seek_args a;
    int st = parse_args(argc, argv, &a);
    if (st != PHX_OK)
        return st;
    phx_err e = { 0 };
    scenario *own = NULL;
    int metric;
    st = scenario_load(&own, a.file, models_all, models_n, a.o.ov, a.o.n_ov, &e);
    if (st == PHX_OK)
        st = seek_check(own, a.spec.lever, a.spec.target, a.spec.target_value, &a.spec.a, &a.spec.b,
                        &metric, &e);
    a.spec.ro = (run_options){ .threads = (int)a.o.threads, .block = (size_t)a.o.block };
    a.spec.load = load_at;
    a.spec.note = note;
    a.spec.ctx = &a;
    seek_result r;
    memset(&r, 0, sizeof r);
    if (st == PHX_OK)
        st = seek_run(&a.spec, &r, &e);
    if (st == PHX_OK)
        seek_print(&r, &a.spec, own->model, own->name, a.format, stdout);
    seek_result_free(&r);
    scenario_free(own);
    return st == PHX_OK ? PHX_OK : cli_report(&e);
}
