/* fund.c -- `phoenix fund`: the value of a model's fund lever (declared by the model:
 * model_type.sizing) that keeps the fund solvent, or that lets the model reach required targets,
 * with stated confidence (docs/model.md "Sizing the fund"). This file parses, loads and prints;
 * the search is engine/solve.c, the per-replication gathering engine/sizing.c, the analysis and
 * report output/fund.c.
 * Solvency: one run with the money switch off, the Q-quantile of the break-even values.
 * Targets: the switch on, the level search over full runs on the same replications. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/run.h"
#include "../engine/sizing.h"
#include "../engine/solve.h"
#include "../engine/stats.h"
#include "../models/models.h"
#include "../output/fund.h"
#include "../output/h5.h"
#include "cli.h"

#define FUND_MAX_REQUIRED SIZING_MAX_REQUIRED
#define FUND_LEVEL 0.95            /* of every interval */
#define FUND_GRID 8                /* the first scan's grid: 1/8 of the range */

typedef struct fund_args {
    cli_opts o;                /* -o, -n, --seed, --threads, --set, ...; room for the forced switch and lever keys */
    const char *format, *file;
    double confidence;
    const char *solve;         /* --solve WORD; NULL: the model's first lever */
    const model_lever *lever;  /* set once the scenario is loaded */
    const model_sizing *sizing;
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
    return PHX_OK;
}

/* ---- loading ---------------------------------------------------------------------------------- */

/* Load the scenario with the user's overrides, the model's money switch forced to `constrained`
 * and, when `value` is not NaN, the lever's parameter set to it. */
static int load(const fund_args *a, const char *constrained, double value, scenario **sc, phx_err *e)
{
    scenario_override ov[CLI_MAX_OVERRIDES + 2];
    char text[64];
    size_t n = a->o.n_ov;
    memcpy(ov, a->o.ov, n * sizeof *ov);
    ov[n++] = (scenario_override){ "phoenix fund", a->sizing->switch_param, constrained };
    if (!isnan(value)) {
        snprintf(text, sizeof text, "%.17g", value);
        ov[n++] = (scenario_override){ "phoenix fund", a->lever->param, text };
    }
    return scenario_load(sc, a->file, models_all, models_n, ov, n, e);
}

/* ---- running ------------------------------------------------------------------------------------ */

/* Run every replication of `sc` into `s` (and through it into the results file, if any). */
/* Every run of the search counts towards the closing line of wall time and throughput. */
static cli_clock fund_clock;

static int run_all(const scenario *sc, const void *shared, const fund_args *a, sizing_sink *s,
                   int progress, phx_err *e)
{
    run_options ro = { .threads = (int)a->o.threads, .block = (size_t)a->o.block,
                       .progress = progress ? cli_progress_mode(a->o.quiet) : 0 };
    ro.sampler = (sampler_kind)sc->sampler_kind;
    run_sink sink = sizing_sink_of(s);
    int st = run_replications(sc, shared, 0, (size_t)sc->replications, &ro, &sink, e);
    if (st == PHX_OK)
        cli_clock_add(&fund_clock, sc, shared, (size_t)sc->replications);
    return st;
}

/* Write the scenario's rows (through `s`) and /fund into a new results file. */
static int write_results(const scenario *sc, const void *shared, const fund_args *a,
                         const char *command_line, sizing_sink *s, fund_report *r,
                         void (*finish)(sizing_sink *, fund_report *), phx_err *e)
{
    h5_writer *w = NULL;
    int st = h5_writer_open(&w, a->o.out, a->o.force, command_line, sc->seed, e);
    if (st == PHX_OK)
        st = h5_writer_begin_scenario(w, sc, (size_t)sc->replications, e);
    if (st == PHX_OK)
        st = h5_writer_provenance(w, sc->model, shared, e);
    run_sink h5 = st == PHX_OK ? h5_writer_sink(w) : (run_sink){ 0 };
    s->inner = &h5;
    if (st == PHX_OK)
        st = run_all(sc, shared, a, s, 1, e);
    s->inner = NULL;
    if (st == PHX_OK)
        st = h5_writer_end_scenario(w, e);
    if (st == PHX_OK) {
        finish(s, r);
        st = fund_write(w, r, e);
    }
    if (st == PHX_OK) {
        st = h5_writer_commit(w, e);
        w = NULL;
    }
    h5_writer_abort(w);
    return st;
}

/* ---- solvency: one run ------------------------------------------------------------------------- */

static void finish_solvency(sizing_sink *s, fund_report *r)
{
    fund_runs in = { r->n, r->n_years, s->breakeven, s->balance, s->slope, s->own };
    fund_solvency(&in, r);
}

static void report_init(fund_report *r, const scenario *sc, const fund_args *a, int mode)
{
    memset(r, 0, sizeof *r);
    r->mode = mode;
    r->sizing = a->sizing;
    r->solve_capital = (int)(a->lever - a->sizing->levers);
    r->confidence = a->confidence;
    r->level = FUND_LEVEL;
    r->scenario = sc->name;
    r->n = (size_t)sc->replications;
    r->year_first = sc->year_first;
    r->n_years = sc->n_years;
    r->scenario_value = dist_mean(scenario_dist(sc, a->lever->param, 0));
    r->required = a->required;
    r->n_required = a->n_required;
}

static int solvency(const fund_args *a, const char *command_line, scenario *sc, fund_report *r,
                    phx_err *e)
{
    void *shared = NULL;
    int st = sc->model->prepare(sc, &shared, e);
    sizing_sink s;
    sizing_sink_init(&s, sc, a->lever, a->required, a->n_required, NULL);
    report_init(r, sc, a, FUND_SOLVENCY);
    if (st == PHX_OK)
        st = write_results(sc, shared, a, command_line, &s, r, finish_solvency, e);
    sizing_sink_free(&s);
    if (shared)
        sc->model->shared_free(shared);
    return st;
}

/* ---- targets: bisection over full runs ------------------------------------------------------------- */

/* What one simulation of the search needs: the caller's function of engine/solve.c. */
typedef struct fund_search {
    const fund_args *a;
    const void *shared;            /* prepared with the money switch on (it keeps the switch) */
    void *shared_off;              /* and with it off, for the run with money to spare */
    size_t n, n_run;
} fund_search;

/* Run every replication with the money switch on at `value`; value = +inf is money to spare:
 * the switch off, which `on` equals bit for bit once money never binds (docs/model.md §7), run
 * with the lever at 0 (it then moves only the balance) so that every run has the same random
 * parameter slots (common random numbers under every sampler). */
static int fund_eval_at(void *ctx, double value, uint8_t *ok, size_t *met, phx_err *e)
{
    fund_search *q = ctx;
    scenario *sc = NULL;
    int st = load(q->a, isinf(value) ? "off" : "on", isinf(value) ? 0 : value, &sc, e);
    sizing_sink s;
    if (st != PHX_OK)
        return st;
    if (isinf(value) && q->shared_off == NULL)
        st = sc->model->prepare(sc, &q->shared_off, e);
    sizing_sink_init(&s, sc, q->a->lever, q->a->required, q->a->n_required, NULL);
    if (st == PHX_OK)
        st = run_all(sc, isinf(value) ? q->shared_off : q->shared, q->a, &s, 0, e);
    if (st == PHX_OK) {
        memcpy(ok, s.ok, q->n);
        *met = s.met;
        if (!q->a->o.quiet)
            fprintf(stderr, "phoenix fund: run %zu: %s = %.6g%s -> P(targets met) = %.3f\n", ++q->n_run,
                    q->a->lever->param, value, isinf(value) ? " (money to spare)" : "",
                    (double)s.met / (double)q->n);
    }
    sizing_sink_free(&s);
    scenario_free(sc);
    return st;
}

static void wilson_of(size_t met, size_t n, double *p, double *lo, double *hi)
{
    *p = n ? (double)met / (double)n : NAN;
    stats_wilson(met, n, FUND_LEVEL, lo, hi);
}

/* The final run, written to the results file: its fan and each target's P. */
static void finish_targets(sizing_sink *s, fund_report *r)
{
    r->fan_answer = phx_malloc((size_t)(r->n_years ? r->n_years : 1) * STATS_NQ * sizeof *r->fan_answer);
    fund_fan(s->balance, r->n, r->n_years, r->fan_answer);
    r->p_each = phx_malloc((r->n_required ? r->n_required : 1) * sizeof *r->p_each);
    for (size_t k = 0; k < r->n_required; k++)
        r->p_each[k] = r->n ? (double)s->met_each[k] / (double)r->n : NAN;
}

/* The answer and its interval: the crossings of the levels rank, rank_lower and rank_upper
 * (docs/model.md "Sizing the fund": with monotone replications, the order statistics of the
 * replications' own thresholds). */
static int search_answer(solve_search *q, const model_lever *lv, fund_report *r, phx_err *e)
{
    size_t ceiling = 0, need = r->rank_upper <= r->n ? r->rank_upper : r->rank;
    double top = 0, lo = NAN, tmp;
    int st = solve_scan(q, need, r->scenario_value, lv->start, FUND_GRID, &top, e);
    if (st == PHX_OK)
        st = solve_eval_at(q, INFINITY, &ceiling, e);      /* looked up: money to spare */
    wilson_of(ceiling, r->n, &r->p_ceiling, &r->p_ceiling_lo, &r->p_ceiling_hi);
    double tol = top / 1024;    /* 0.1% of the range searched; the interval's ends to 0.4% */
    if (st == PHX_OK)
        st = solve_level(q, r->rank, tol, &lo, &r->answer, e);
    r->bracket = lo;
    r->lower = 0;                                      /* no order statistic: values are >= 0 */
    if (st == PHX_OK && r->rank_lower >= 1)
        st = solve_level(q, r->rank_lower, 4 * tol, &tmp, &r->lower, e);
    r->upper = INFINITY;                               /* too few replications for a bound */
    if (st == PHX_OK && r->rank_upper <= r->n)
        st = solve_level(q, r->rank_upper, 4 * tol, &tmp, &r->upper, e);
    return st;
}

/* P(targets met) at the answer, its neighbours and the scenario's own value. */
static int search_neighbours(solve_search *q, const model_lever *lv, fund_report *r, phx_err *e)
{
    double at[5] = { r->answer, 0.9 * r->answer, 1.1 * r->answer, r->scenario_value, r->bracket };
    double *p[5][3] = { { &r->p_answer, &r->p_answer_lo, &r->p_answer_hi },
                        { &r->p_below, &r->p_below_lo, &r->p_below_hi },
                        { &r->p_above, &r->p_above_lo, &r->p_above_hi },
                        { &r->p_scenario, &r->p_scenario_lo, &r->p_scenario_hi },
                        { &r->p_bracket, &r->p_bracket_lo, &r->p_bracket_hi } };
    int st = PHX_OK;
    for (int k = 0; st == PHX_OK && k < 5; k++) {
        size_t met = 0;
        *p[k][0] = *p[k][1] = *p[k][2] = NAN;
        if (isfinite(at[k]) && (st = solve_eval_at(q, fmin(at[k], lv->max), &met, e)) == PHX_OK)
            wilson_of(met, r->n, p[k][0], p[k][1], p[k][2]);
    }
    return st;
}

/* The answer's run (the scenario's own value when none reaches Q) goes to the results file. */
static int write_final(const fund_args *a, const char *command_line, const void *shared,
                       fund_report *r, phx_err *e)
{
    r->fan_value = isfinite(r->answer) ? r->answer : r->scenario_value;
    scenario *final = NULL;
    int st = load(a, "on", r->fan_value, &final, e);
    if (st == PHX_OK) {
        sizing_sink s;
        sizing_sink_init(&s, final, a->lever, a->required, a->n_required, NULL);
        st = write_results(final, shared, a, command_line, &s, r, finish_targets, e);
        sizing_sink_free(&s);
    }
    scenario_free(final);
    return st;
}

static int targets(const fund_args *a, const char *command_line, scenario *sc, fund_report *r,
                   phx_err *e)
{
    void *shared = NULL;
    int st = sc->model->prepare(sc, &shared, e);
    report_init(r, sc, a, FUND_TARGETS);
    fund_search fs = { a, shared, NULL, r->n, 0 };
    solve_search *q = solve_alloc(r->n, a->lever->max, fund_eval_at, &fs);
    r->rank = stats_ecdf_rank(r->n, a->confidence);
    stats_quantile_ranks(r->n, a->confidence, FUND_LEVEL, &r->rank_lower, &r->rank_upper);
    if (st == PHX_OK)
        st = search_answer(q, a->lever, r, e);
    if (st == PHX_OK)
        st = search_neighbours(q, a->lever, r, e);
    if (st == PHX_OK)
        solve_monotone(q, &r->monotone, &r->n_not_monotone);
    r->evals = solve_take(q, &r->n_evals);          /* the report owns them from here */
    if (st == PHX_OK)
        st = write_final(a, command_line, shared, r, e);
    solve_free(q);
    if (fs.shared_off)
        sc->model->shared_free(fs.shared_off);
    if (shared)
        sc->model->shared_free(shared);
    return st;
}

/* ---- the command -------------------------------------------------------------------------------- */

/* The whole command line, for the results file's provenance (caller frees). */
static char *command_line_of(int argc, char **argv)
{
    size_t n = 1;
    for (int i = 0; i < argc; i++)
        n += strlen(argv[i]) + 1;
    char *s = phx_malloc(n), *p = s;
    for (int i = 0; i < argc; i++)
        p += sprintf(p, i + 1 < argc ? "%s " : "%s", argv[i]);
    *p = '\0';
    return s;
}

int cli_fund(int argc, char **argv)
{
    fund_args a;
    int st = parse_args(argc - 1, argv + 1, &a);
    if (st != PHX_OK)
        return st;
    char *command_line = command_line_of(argc, argv);
    int want_targets = a.n_required > 0;
    phx_err e = { 0 };
    scenario *own = NULL, *sc = NULL;
    st = cli_single_target(a.file, &a.o, &e);
    if (st == PHX_OK)
        st = scenario_load(&own, a.file, models_all, models_n, a.o.ov, a.o.n_ov, &e);
    if (st == PHX_OK)
        st = sizing_check(own, a.solve, a.required, a.n_required, &a.lever, &e);
    a.sizing = st == PHX_OK ? own->model->sizing : NULL;
    if (st == PHX_OK)
        st = load(&a, want_targets ? "on" : "off", NAN, &sc, &e);
    if (st == PHX_OK)                          /* the inputs are good: now the output */
        st = cli_output_free_after(a.o.out, a.o.force, &sc, 1, &e);
    if (st == PHX_OK && !a.o.quiet) {
        const char *sw = a.sizing->switch_param, *was = scenario_text(own, sw);
        if (want_targets)
            fprintf(stderr, "phoenix fund: %s = on for --require (%s)%s\n", sw, a.sizing->switch_note,
                    strcmp(was, "on") ? "; the scenario has it off" : "");
        else if (strcmp(was, "off"))
            fprintf(stderr, "phoenix fund: %s = off for solvency sizing (the scenario has it on; "
                            "--require sizes for targets with it on)\n", sw);
    }
    fund_report r;
    memset(&r, 0, sizeof r);
    cli_clock_start(&fund_clock);
    if (st == PHX_OK)
        st = want_targets ? targets(&a, command_line, sc, &r, &e) : solvency(&a, command_line, sc, &r, &e);
    if (st == PHX_OK && !a.o.quiet)
        cli_clock_print(&fund_clock);
    if (st == PHX_OK) {
        fund_report_print(&r, a.format, stdout);
        if (!a.o.quiet && strcmp(a.format, "csv"))
            printf("\nresults: %s (/fund)\n", a.o.out);
    }
    fund_report_free(&r);
    scenario_free(sc);
    scenario_free(own);
    free(command_line);
    return st == PHX_OK ? PHX_OK : cli_report(&e);
}
