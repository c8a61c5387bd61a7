/* fund.c -- `phoenix fund`: the value of a model's fund lever (declared by the model:
 * model_type.sizing) that keeps the fund solvent, or that lets the model reach required targets,
 * with stated confidence (docs/model.md "Sizing the fund"). This file parses and prints; the
 * analysis is engine/fund_size.c (the search engine/solve.c), the report and /fund output/fund.c. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/fund_size.h"
#include "../models/models.h"
#include "../output/fund.h"
#include "../output/h5.h"
#include "cli.h"

#define FUND_MAX_REQUIRED SIZING_MAX_REQUIRED

typedef struct fund_args {
    cli_opts o;                /* -o, -n, --seed, --threads, --set, ...; room for the forced switch and lever keys */
    const char *format, *file;
    double confidence;
    const char *solve;         /* --solve WORD; NULL: the model's first lever */
    const char *required[FUND_MAX_REQUIRED];
    size_t n_required;
} fund_args;

static int parse_confidence(const char *arg, double *q)
{
    if (phx_parse_double(arg, q) || !(*q > 0 && *q < 1)) {
        fprintf(stderr, "phoenix: --confidence: '%s' is not a probability in (0, 1)\n", arg);
        return PHX_EINPUT;
    }
    return PHX_OK;
}

/* --require takes one or more metric names: its argument, words after it that cannot be a
 * scenario file (no '.' or '/'), and comma-separated lists. */
static int add_required(fund_args *a, char *list)
{
    for (char *w = strtok(list, ", "); w; w = strtok(NULL, ", ")) {
        if (a->n_required == FUND_MAX_REQUIRED)
            return cli_usage_error("--require: at most %s metrics", "64");
        a->required[a->n_required++] = w;
    }
    return PHX_OK;
}

static int parse_args(int argc, char **argv, fund_args *a)
{
    static const struct option opts[] = {
        CLI_SHARED_OPTIONS,
        { "confidence", required_argument, NULL, 'c' }, { "solve", required_argument, NULL, 'v' },
        { "require", required_argument, NULL, 'r' },  { "format", required_argument, NULL, 'x' },
        { NULL, 0, NULL, 0 }
    };
    memset(a, 0, sizeof *a);
    a->o.out = "fund.h5";
    a->format = "table";
    a->confidence = NAN;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:n:", opts, NULL)) != -1) {
        int shared = cli_shared_option(c, optarg, &a->o);
        if (shared < 0)
            return PHX_EINPUT;
        if (shared > 0)
            continue;
        switch (c) {
        case 'c':
            if (parse_confidence(optarg, &a->confidence))
                return PHX_EINPUT;
            break;
        case 'v': a->solve = optarg; break;     /* checked against the model's levers */
        case 'r':
            if (add_required(a, optarg))
                return PHX_EINPUT;
            while (optind < argc && argv[optind][0] != '-' && !strpbrk(argv[optind], "./"))
                if (add_required(a, argv[optind++]))
                    return PHX_EINPUT;
            break;
        case 'x':
            if (strcmp(optarg, "table") && strcmp(optarg, "csv"))
                return cli_usage_error("--format '%s': expected table or csv", optarg);
            a->format = optarg;
            break;
        default: return cli_usage_error("%s: bad option", "fund");
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error("fund takes one scenario file, got %s", optind == argc ? "none" : "several");
    a->file = argv[optind];
    if (isnan(a->confidence))
        return cli_usage_error("fund needs --confidence Q, a probability in (0, 1)%s", "");
    return PHX_OK;     /* the output is checked once the inputs are good (cli_output_free_after) */
}

/* ---- the command -------------------------------------------------------------------------------- */

/* The closing line counts every run of the search and the written one. */
typedef struct fund_clock {
    cli_clock clock;
    size_t evals;              /* simulations of the targets search so far */
    int quiet;
    fund_output inner;         /* the results file */
} fund_clock;

static void print_eval(void *ctx, size_t run, const char *param, double value, size_t met, size_t n)
{
    fund_clock *fc = ctx;
    fc->evals++;
    if (fc->quiet)
        return;
    fprintf(stderr, "phoenix fund: run %zu: %s = %.6g%s -> P(targets met) = %.3f\n", run, param,
            value, isinf(value) ? " (money to spare)" : "", (double)met / (double)n);
}

/* What the money switch is set to, and why, when it differs from the scenario's. */
static void print_switch(const fund_size *fs)
{
    const char *sw = fs->sizing->switch_param, *was = fs->switch_was;
    if (fs->mode == FUND_TARGETS)
        fprintf(stderr, "phoenix fund: %s = on for --require (%s)%s\n", sw, fs->sizing->switch_note,
                strcmp(was, "on") ? "; the scenario has it off" : "");
    else if (strcmp(was, "off"))
        fprintf(stderr, "phoenix fund: %s = off for solvency sizing (the scenario has it on; "
                        "--require sizes for targets with it on)\n", sw);
}

/* The written run is the last: count it with the search's, on its prepared data. */
static int clock_begin(void *ctx, const scenario *sc, const void *shared, run_sink *sink, phx_err *e)
{
    fund_clock *fc = ctx;
    cli_clock_add(&fc->clock, sc, shared, (fc->evals + 1) * (size_t)sc->replications);
    return fc->inner.begin(fc->inner.ctx, sc, shared, sink, e);
}

static int clock_end(void *ctx, const fund_report *r, phx_err *e)
{
    fund_clock *fc = ctx;
    return fc->inner.end(fc->inner.ctx, r, e);
}

/* Size into a new results file (opened first: a bad -o fails before the simulations). */
static int size_and_write(const fund_args *a, const char *command_line, fund_size *fs,
                          fund_clock *fc, fund_report *r, phx_err *e)
{
    h5_writer *w = NULL;
    int st = h5_writer_open(&w, a->o.out, a->o.force, command_line, fs->sc->seed, e);
    if (st != PHX_OK)
        return st;
    cli_output_guard(w);
    fc->inner = fund_h5_output(w);
    fund_output out = { fc, clock_begin, clock_end };
    st = fund_size_run(fs, &out, r, e);
    return cli_output_finish(w, st, e);
}

int cli_fund(int argc, char **argv, const char *command_line)
{
    fund_args a;
    int st = parse_args(argc, argv, &a);
    if (st != PHX_OK)
        return st;
    fund_size_spec spec = {
        .file = a.file, .models = models_all, .n_models = models_n, .ov = a.o.ov, .n_ov = a.o.n_ov,
        .lever = a.solve, .required = a.required, .n_required = a.n_required,
        .confidence = a.confidence,
        .ro = { .threads = (int)a.o.threads, .block = (size_t)a.o.block,
                .progress = cli_progress_mode(a.o.quiet) },
        .on_eval = print_eval,
    };
    fund_clock fc = { .quiet = a.o.quiet };
    spec.ctx = &fc;
    phx_err e = { 0 };
    fund_size *fs = NULL;
    fund_report r;
    memset(&r, 0, sizeof r);
    st = cli_single_target(a.file, &a.o, &e);
    if (st == PHX_OK)
        st = fund_size_alloc(&fs, &spec, &e);
    if (st == PHX_OK)                          /* the inputs are good: now the output */
        st = cli_output_free_after(a.o.out, a.o.force, &fs->sc, 1, &e);
    if (st == PHX_OK && !a.o.quiet)
        print_switch(fs);
    cli_clock_start(&fc.clock);
    if (st == PHX_OK)
        st = size_and_write(&a, command_line, fs, &fc, &r, &e);
    if (st == PHX_OK && !a.o.quiet)
        cli_clock_print(&fc.clock);
    if (st == PHX_OK) {
        fund_report_print(&r, a.format, stdout);
        if (!a.o.quiet && strcmp(a.format, "csv"))
            printf("\nresults: %s (/fund)\n", a.o.out);
    }
    fund_report_free(&r);
    fund_size_free(fs);
    return st == PHX_OK ? PHX_OK : cli_report(&e);
}
