/* fund.c -- `phoenix fund`: the contribution rate (or initial capital) that keeps the 腾笼换鸟
 * fund solvent, or that lets rectification reach required targets, with stated confidence
 * (杭政函〔2021〕92号 四(一): 提取土地出让收入的1%以上; docs/model.md "Sizing the fund").
 * Solvency: one unconstrained run, the Q-quantile of the replications' break-even values.
 * Targets: fund.constrained = on, bisection over full runs on the same replications. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/run.h"
#include "../engine/stats.h"
#include "../models/models.h"
#include "../output/fund.h"
#include "../output/h5.h"
#include "cli.h"

#define FUND_MAX_REQUIRED 64
#define FUND_LEVEL 0.95            /* of every interval */
#define FUND_CAPITAL_MAX 1e7       /* 亿元: the search for a capital gives up beyond this */
#define FUND_GRID 8                /* the first scan's grid: 1/8 of the range */

typedef struct fund_args {
    cli_opts o;                /* -o, -n, --seed, --threads, --set, ...; room for the forced fund.* keys */
    const char *format, *file;
    double confidence;
    int solve_capital;
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
        case 'v':
            if (strcmp(optarg, "rate") && strcmp(optarg, "capital"))
                return cli_usage_error("--solve '%s': expected rate or capital", optarg);
            a->solve_capital = strcmp(optarg, "capital") == 0;
            break;
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
    if (!a->o.force && cli_file_exists(a->o.out)) {
        fprintf(stderr, "phoenix: %s: exists; use --force to overwrite\n", a->o.out);
        return PHX_EINPUT;
    }
    return PHX_OK;
}

/* ---- checks of the scenario ------------------------------------------------------------------ */

static const char *solved_key(const fund_args *a)
{
    return a->solve_capital ? "fund.initial_capital" : "fund.contribution_rate";
}

/* Can the scenario be sized at all: a model with a fund, required metrics with targets, and for
 * the rate, contributions that exist. */
static int check_scenario(const scenario *sc, const fund_args *a, phx_err *e)
{
    const model_type *m = sc->model;
    if (model_metric_find(m, "fund_breakeven_rate") < 0 || scenario_param(sc, "fund.other_share") < 0)
        return phx_fail(e, PHX_EINPUT, sc->path, 0, "scenario.model",
                        "phoenix fund needs a model with a fund (tlhn), not %s", m->name);
    for (size_t k = 0; k < a->n_required; k++) {
        int mi = model_metric_find(m, a->required[k]);
        if (mi < 0)
            return phx_fail(e, PHX_EINPUT, "--require", 0, NULL,
                            "unknown metric '%s' (phoenix params %s lists them)", a->required[k], m->name);
        if (scenario_target_of(sc, mi) == NULL)
            return phx_fail(e, PHX_EINPUT, "--require", 0, NULL,
                            "metric '%s' has no target: set targets.%s in [targets] of %s or with --set",
                            a->required[k], a->required[k], sc->path);
    }
    if (a->solve_capital)
        return PHX_OK;
    const char *file;
    int line, revenue = 0;
    for (int y = 0; y < sc->n_years; y++) {
        double lo, hi;
        dist_support(scenario_dist(sc, "fund.land_revenue", y), &lo, &hi);
        revenue |= hi > 0;
    }
    if (!revenue) {
        scenario_origin(sc, "fund.land_revenue", &file, &line);
        return phx_fail(e, PHX_EINPUT, file, line, "fund.land_revenue",
                        "is 0 in every year: no contribution rate funds anything (--solve capital sizes "
                        "the initial capital instead)");
    }
    double lo, hi;
    dist_support(scenario_dist(sc, "fund.other_share", 0), &lo, &hi);
    if (lo >= 1) {
        scenario_origin(sc, "fund.other_share", &file, &line);
        return phx_fail(e, PHX_EINPUT, file, line, "fund.other_share",
                        "is 1: every contribution goes to other uses, no rate funds the actions "
                        "(--solve capital sizes the initial capital instead)");
    }
    return PHX_OK;
}

/* Load the scenario with the user's overrides, fund.constrained forced to `constrained` and,
 * when `value` is not NaN, the solved key set to it. */
static int load(const fund_args *a, const char *constrained, double value, scenario **sc, phx_err *e)
{
    scenario_override ov[CLI_MAX_OVERRIDES + 2];
    char text[64];
    size_t n = a->o.n_ov;
    memcpy(ov, a->o.ov, n * sizeof *ov);
    ov[n++] = (scenario_override){ "phoenix fund", "fund.constrained", constrained };
    if (!isnan(value)) {
        snprintf(text, sizeof text, "%.17g", value);
        ov[n++] = (scenario_override){ "phoenix fund", solved_key(a), text };
    }
    return scenario_load(sc, a->file, models_all, models_n, ov, n, e);
}

/* ---- collecting what the report needs from the rows ------------------------------------------ */

typedef struct fund_sink {
    const run_sink *inner;         /* the results file, or NULL */
    const fund_args *a;
    size_t ny, row_len;
    int m_breakeven, m_balance, m_revenue, p_value, p_other;
    int m_req[FUND_MAX_REQUIRED];
    double target[FUND_MAX_REQUIRED];
    int direction[FUND_MAX_REQUIRED];
    /* per replication, replication order */
    double *breakeven, *balance, *slope, *own;
    uint8_t *ok;                   /* every required target met in the last year */
    size_t met, met_each[FUND_MAX_REQUIRED];
} fund_sink;

static void sink_init(fund_sink *s, const scenario *sc, const fund_args *a, const run_sink *inner)
{
    const model_type *m = sc->model;
    size_t n = (size_t)sc->replications;
    memset(s, 0, sizeof *s);
    s->inner = inner;
    s->a = a;
    s->ny = (size_t)sc->n_years;
    s->row_len = m->n_metrics * s->ny;
    s->m_breakeven = model_metric_find(m, a->solve_capital ? "fund_breakeven_capital_yi" : "fund_breakeven_rate");
    s->m_balance = model_metric_find(m, "fund_balance_yi");
    s->m_revenue = model_metric_find(m, "land_revenue_yi");
    s->p_value = scenario_param(sc, solved_key(a));
    s->p_other = scenario_param(sc, "fund.other_share");
    for (size_t k = 0; k < a->n_required; k++) {
        s->m_req[k] = model_metric_find(m, a->required[k]);
        s->target[k] = scenario_target_of(sc, s->m_req[k])->value;
        s->direction[k] = m->metrics[s->m_req[k]].direction;
    }
    s->breakeven = phx_malloc((n ? n : 1) * sizeof *s->breakeven);
    s->own = phx_malloc((n ? n : 1) * sizeof *s->own);
    size_t cells = n * s->ny;
    cells = cells ? cells : 1;
    s->balance = phx_malloc(cells * sizeof *s->balance);
    s->slope = phx_malloc(cells * sizeof *s->slope);
    s->ok = phx_malloc(n ? n : 1);
}

static void sink_free(fund_sink *s)
{
    free(s->breakeven);
    free(s->own);
    free(s->balance);
    free(s->slope);
    free(s->ok);
}

static int sink_block(void *ctx, const scenario *sc, const run_block *b, phx_err *e)
{
    fund_sink *s = ctx;
    size_t ny = s->ny;
    for (size_t j = 0; j < b->n; j++) {
        size_t i = b->first + j;
        const double *row = b->rows + j * s->row_len, *theta = b->theta + j * sc->n_slots;
        double other = theta[sc->offset[s->p_other]];
        s->own[i] = theta[sc->offset[s->p_value]];
        s->breakeven[i] = row[(size_t)s->m_breakeven * ny + ny - 1];
        for (size_t y = 0; y < ny; y++) {
            s->balance[i * ny + y] = row[(size_t)s->m_balance * ny + y];
            s->slope[i * ny + y] = s->a->solve_capital ? 1 : (1 - other) * row[(size_t)s->m_revenue * ny + y];
        }
        int all = 1;
        for (size_t k = 0; k < s->a->n_required; k++) {
            double x = row[(size_t)s->m_req[k] * ny + ny - 1];
            int met = s->direction[k] > 0 ? x >= s->target[k] : x <= s->target[k];
            s->met_each[k] += (size_t)met;
            all &= met;
        }
        s->ok[i] = (uint8_t)all;
        s->met += (size_t)all;
    }
    return s->inner ? s->inner->block(s->inner->ctx, sc, b, e) : PHX_OK;
}

/* Run every replication of `sc` into `s` (and through it into the results file, if any). */
static int run_all(const scenario *sc, const void *shared, const fund_args *a, fund_sink *s,
                   int progress, phx_err *e)
{
    run_options ro = { .threads = (int)a->o.threads, .block = (size_t)a->o.block,
                       .progress = progress && !a->o.quiet && isatty(STDERR_FILENO) };
    sampler_parse(sc->sampler, &ro.sampler);
    run_sink sink = { s, sink_block };
    return run_replications(sc, shared, 0, (size_t)sc->replications, &ro, &sink, e);
}

/* Write the scenario's rows (through `s`) and /fund into a new results file. */
static int write_results(const scenario *sc, const void *shared, const fund_args *a,
                         const char *command_line, fund_sink *s, fund_report *r,
                         void (*finish)(fund_sink *, fund_report *), phx_err *e)
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

static void finish_solvency(fund_sink *s, fund_report *r)
{
    fund_runs in = { r->n, r->n_years, s->breakeven, s->balance, s->slope, s->own };
    fund_solvency(&in, r);
}

static void report_init(fund_report *r, const scenario *sc, const fund_args *a, int mode)
{
    memset(r, 0, sizeof *r);
    r->mode = mode;
    r->solve_capital = a->solve_capital;
    r->confidence = a->confidence;
    r->level = FUND_LEVEL;
    r->scenario = sc->name;
    r->n = (size_t)sc->replications;
    r->year_first = sc->year_first;
    r->n_years = sc->n_years;
    r->scenario_value = dist_mean(scenario_dist(sc, solved_key(a), 0));
    r->required = a->required;
    r->n_required = a->n_required;
}

static int solvency(const fund_args *a, const char *command_line, scenario *sc, fund_report *r,
                    phx_err *e)
{
    void *shared = NULL;
    int st = sc->model->prepare(sc, &shared, e);
    fund_sink s;
    sink_init(&s, sc, a, NULL);
    report_init(r, sc, a, FUND_SOLVENCY);
    if (st == PHX_OK)
        st = write_results(sc, shared, a, command_line, &s, r, finish_solvency, e);
    sink_free(&s);
    if (shared)
        sc->model->shared_free(shared);
    return st;
}

/* ---- targets: bisection over full runs ------------------------------------------------------------- */

typedef struct search {
    const fund_args *a;
    const void *shared;            /* prepared with fund.constrained = on (it keeps the switch) */
    void *shared_off;              /* and with it off, for the run with money to spare */
    size_t n;
    fund_eval *ev;                 /* every run, in the order run (value +inf: money to spare) */
    uint8_t **ok;                  /* ok[k][i]: replication i met every target in run k */
    size_t n_ev, cap;
    phx_err *e;
} search;

/* Run every replication with fund.constrained = on at `value`; value = +inf is money to spare:
 * fund.constrained = off, which `on` equals bit for bit once money never binds (docs/model.md
 * §7), run with the key at 0 (it then moves only the balance) so that every run has the same
 * random parameter slots (common random numbers under every sampler). A value already run is
 * looked up. Sets *met. */
static int search_eval(search *q, double value, size_t *met)
{
    for (size_t k = 0; k < q->n_ev; k++)
        if (q->ev[k].value == value) {
            *met = q->ev[k].met;
            return PHX_OK;
        }
    scenario *sc = NULL;
    int st = load(q->a, isinf(value) ? "off" : "on", isinf(value) ? 0 : value, &sc, q->e);
    fund_sink s;
    if (st != PHX_OK)
        return st;
    if (isinf(value) && q->shared_off == NULL)
        st = sc->model->prepare(sc, &q->shared_off, q->e);
    sink_init(&s, sc, q->a, NULL);
    if (st == PHX_OK)
        st = run_all(sc, isinf(value) ? q->shared_off : q->shared, q->a, &s, 0, q->e);
    if (st == PHX_OK) {
        if (q->n_ev == q->cap) {
            q->cap = q->cap ? 2 * q->cap : 64;
            q->ev = phx_realloc(q->ev, q->cap * sizeof *q->ev);
            q->ok = phx_realloc(q->ok, q->cap * sizeof *q->ok);
        }
        q->ev[q->n_ev] = (fund_eval){ value, s.met };
        q->ok[q->n_ev++] = s.ok;
        s.ok = NULL;
        *met = s.met;
        if (!q->a->o.quiet)
            fprintf(stderr, "phoenix fund: run %zu: %s = %.6g%s -> P(targets met) = %.3f\n", q->n_ev,
                    solved_key(q->a), value, isinf(value) ? " (money to spare)" : "",
                    (double)s.met / (double)q->n);
    }
    sink_free(&s);
    scenario_free(sc);
    return st;
}

/* The smallest finite value run so far with at least `level` replications meeting the targets,
 * or +inf. */
static double search_first(const search *q, size_t level)
{
    double best = INFINITY;
    for (size_t k = 0; k < q->n_ev; k++)
        if (q->ev[k].met >= level && q->ev[k].value < best)
            best = q->ev[k].value;
    return best;
}

/* Bisection for `level` (a count of replications) between the largest value run below the
 * first value reaching it and that value, until they are within `tol`. Afterwards: *hi reaches
 * the level, *lo does not, hi - lo <= tol, and no value run below hi reaches it (a crossing;
 * the smallest one when P is monotone). *hi = +inf when no finite value run reaches it, 0 when
 * 0 does (then *lo is NaN). */
static int search_level(search *q, size_t level, double tol, double *lo, double *hi)
{
    *hi = search_first(q, level);
    *lo = NAN;
    if (!isfinite(*hi))
        return PHX_OK;
    size_t met = 0;
    int st = search_eval(q, 0, &met);          /* the bottom of every bracket */
    if (st == PHX_OK && met >= level) {
        *hi = 0;
        return PHX_OK;
    }
    *lo = 0;
    for (size_t k = 0; k < q->n_ev; k++)
        if (q->ev[k].value < *hi && q->ev[k].value > *lo)
            *lo = q->ev[k].value;
    while (st == PHX_OK && *hi - *lo > tol) {
        double mid = *lo + (*hi - *lo) / 2;
        st = search_eval(q, mid, &met);
        if (met >= level)
            *hi = mid;
        else
            *lo = mid;
    }
    return st;
}

/* Index of the run at `value` (it was run). */
static size_t search_index(const search *q, double value)
{
    size_t k = 0;
    while (k + 1 < q->n_ev && q->ev[k].value != value)
        k++;
    return k;
}

/* The first scan: no money, money to spare, then doubling from `start` until a value reaches
 * `need` replications, money stops binding (the run meets the targets in the very replications
 * the run with money to spare does) or the key's bound; then FUND_GRID - 1 values evenly below
 * the last one, which bracket every crossing to 1/FUND_GRID of the range and show the shape of
 * P. Not assuming P monotone, the search never concludes from one value what another gives.
 * Sets *top, the largest finite value run. */
static int search_scan(search *q, size_t need, double start, double *top)
{
    double vmax = q->a->solve_capital ? FUND_CAPITAL_MAX : 1;
    size_t met = 0;
    int st = search_eval(q, INFINITY, &met);
    size_t spare = search_index(q, INFINITY);
    if (st == PHX_OK)
        st = search_eval(q, 0, &met);
    *top = start > 0 ? fmin(start, vmax) : q->a->solve_capital ? 10 : 0.01;
    if (st == PHX_OK)
        st = search_eval(q, *top, &met);
    while (st == PHX_OK && met < need && *top < vmax) {
        size_t k = search_index(q, *top);
        if (memcmp(q->ok[k], q->ok[spare], q->n) == 0)
            break;                                     /* money no longer binds */
        *top = fmin(2 * *top, vmax);
        st = search_eval(q, *top, &met);
    }
    for (int j = 1; st == PHX_OK && j < FUND_GRID; j++)
        st = search_eval(q, *top * j / FUND_GRID, &met);
    return st;
}

/* Monotonicity over every value run: is P non-decreasing, and which replications meet the
 * targets at one value and not at a larger one? */
static void search_monotone(const search *q, fund_report *r)
{
    size_t m = q->n_ev, *order = phx_malloc((m ? m : 1) * sizeof *order);
    for (size_t k = 0; k < m; k++) {          /* insertion sort by value: a few dozen runs */
        size_t j = k;
        for (; j > 0 && q->ev[order[j - 1]].value > q->ev[k].value; j--)
            order[j] = order[j - 1];
        order[j] = k;
    }
    r->monotone = 1;
    for (size_t k = 1; k < m; k++)
        if (q->ev[order[k]].met < q->ev[order[k - 1]].met)
            r->monotone = 0;
    r->n_not_monotone = 0;
    for (size_t i = 0; i < q->n; i++) {
        int seen = 0, flip = 0;
        for (size_t k = 0; k < m; k++) {
            seen |= q->ok[order[k]][i];
            flip |= seen && !q->ok[order[k]][i];
        }
        r->n_not_monotone += (size_t)flip;
    }
    free(order);
}

static void wilson_of(size_t met, size_t n, double *p, double *lo, double *hi)
{
    *p = n ? (double)met / (double)n : NAN;
    stats_wilson(met, n, FUND_LEVEL, lo, hi);
}

/* The final run, written to the results file: its fan and each target's P. */
static void finish_targets(fund_sink *s, fund_report *r)
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
static int search_answer(search *q, fund_report *r)
{
    size_t ceiling = 0, need = r->rank_upper <= r->n ? r->rank_upper : r->rank;
    double top = 0, lo = NAN, tmp;
    int st = search_scan(q, need, r->scenario_value, &top);
    if (st == PHX_OK)
        st = search_eval(q, INFINITY, &ceiling);      /* looked up: money to spare */
    wilson_of(ceiling, r->n, &r->p_ceiling, &r->p_ceiling_lo, &r->p_ceiling_hi);
    double tol = top / 1024;    /* 0.1% of the range searched; the interval's ends to 0.4% */
    if (st == PHX_OK)
        st = search_level(q, r->rank, tol, &lo, &r->answer);
    r->bracket = lo;
    r->lower = 0;                                      /* no order statistic: values are >= 0 */
    if (st == PHX_OK && r->rank_lower >= 1)
        st = search_level(q, r->rank_lower, 4 * tol, &tmp, &r->lower);
    r->upper = INFINITY;                               /* too few replications for a bound */
    if (st == PHX_OK && r->rank_upper <= r->n)
        st = search_level(q, r->rank_upper, 4 * tol, &tmp, &r->upper);
    return st;
}

/* P(targets met) at the answer, its neighbours and the scenario's own value. */
static int search_neighbours(search *q, fund_report *r)
{
    double vmax = q->a->solve_capital ? FUND_CAPITAL_MAX : 1;
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
        if (isfinite(at[k]) && (st = search_eval(q, fmin(at[k], vmax), &met)) == PHX_OK)
            wilson_of(met, r->n, p[k][0], p[k][1], p[k][2]);
    }
    return st;
}

static int targets(const fund_args *a, const char *command_line, scenario *sc, fund_report *r,
                   phx_err *e)
{
    void *shared = NULL;
    int st = sc->model->prepare(sc, &shared, e);
    report_init(r, sc, a, FUND_TARGETS);
    search q = { a, shared, NULL, r->n, NULL, NULL, 0, 0, e };
    r->rank = stats_ecdf_rank(r->n, a->confidence);
    stats_quantile_ranks(r->n, a->confidence, FUND_LEVEL, &r->rank_lower, &r->rank_upper);
    if (st == PHX_OK)
        st = search_answer(&q, r);
    if (st == PHX_OK)
        st = search_neighbours(&q, r);
    if (st == PHX_OK)
        search_monotone(&q, r);
    r->evals = q.ev;                  /* the report owns them from here */
    r->n_evals = q.n_ev;
    /* the answer's run (the scenario's own value when none reaches Q) goes to the results file */
    r->fan_value = isfinite(r->answer) ? r->answer : r->scenario_value;
    scenario *final = NULL;
    if (st == PHX_OK)
        st = load(a, "on", r->fan_value, &final, e);
    if (st == PHX_OK) {
        fund_sink s;
        sink_init(&s, final, a, NULL);
        st = write_results(final, shared, a, command_line, &s, r, finish_targets, e);
        sink_free(&s);
    }
    scenario_free(final);
    for (size_t k = 0; k < q.n_ev; k++)
        free(q.ok[k]);
    free(q.ok);
    if (q.shared_off)
        sc->model->shared_free(q.shared_off);
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
    st = scenario_load(&own, a.file, models_all, models_n, a.o.ov, a.o.n_ov, &e);
    if (st == PHX_OK)
        st = check_scenario(own, &a, &e);
    if (st == PHX_OK)
        st = load(&a, want_targets ? "on" : "off", NAN, &sc, &e);
    if (st == PHX_OK && !a.o.quiet) {
        const char *was = scenario_text(own, "fund.constrained");
        if (want_targets)
            fprintf(stderr, "phoenix fund: fund.constrained = on for --require (money limits what "
                            "rectification does)%s\n", strcmp(was, "on") ? "; the scenario has it off" : "");
        else if (strcmp(was, "off"))
            fprintf(stderr, "phoenix fund: fund.constrained = off for solvency sizing (the scenario "
                            "has it on; --require sizes for targets with it on)\n");
    }
    fund_report r;
    memset(&r, 0, sizeof r);
    if (st == PHX_OK)
        st = want_targets ? targets(&a, command_line, sc, &r, &e) : solvency(&a, command_line, sc, &r, &e);
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
