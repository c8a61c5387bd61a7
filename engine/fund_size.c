/* fund_size.c -- sizing a model's fund (fund_size.h): the targets search's driver around
 * engine/solve.c (the levels searched, the neighbour checks), and the whole analysis from a
 * scenario file: loading with the money switch forced, the runs, the answer's written run. */
#include "fund_size.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the targets search --------------------------------------------------------------------- */

static void wilson_of(size_t met, size_t n, double level, double *p, double *lo, double *hi)
{
    *p = n ? (double)met / (double)n : NAN;
    stats_wilson(met, n, level, lo, hi);
}

/* The answer and its interval: the crossings of the levels rank, rank_lower and rank_upper
 * (docs/model.md "Sizing the fund": with monotone replications, the order statistics of the
 * replications' own thresholds). */
static int search_answer(solve_search *q, double start, fund_report *r, phx_err *e)
{
    size_t ceiling = 0, need = r->rank_upper <= r->n ? r->rank_upper : r->rank;
    double top = 0, lo = NAN, tmp;
    int st = solve_scan(q, need, r->scenario_value, start, FUND_GRID, &top, e);
    if (st == PHX_OK)
        st = solve_eval_at(q, INFINITY, &ceiling, e);      /* looked up: money to spare */
    wilson_of(ceiling, r->n, r->level, &r->p_ceiling, &r->p_ceiling_lo, &r->p_ceiling_hi);
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
static int search_neighbours(solve_search *q, double vmax, fund_report *r, phx_err *e)
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
        if (isfinite(at[k]) && (st = solve_eval_at(q, fmin(at[k], vmax), &met, e)) == PHX_OK)
            wilson_of(met, r->n, r->level, p[k][0], p[k][1], p[k][2]);
    }
    return st;
}

int fund_search(solve_search *q, double start, double vmax, fund_report *r, phx_err *e)
{
    r->rank = stats_ecdf_rank(r->n, r->confidence);
    stats_quantile_ranks(r->n, r->confidence, r->level, &r->rank_lower, &r->rank_upper);
    int st = search_answer(q, start, r, e);
    if (st == PHX_OK)
        st = search_neighbours(q, vmax, r, e);
    if (st == PHX_OK)
        solve_monotone(q, &r->monotone, &r->n_not_monotone);
    free(r->evals);
    r->evals = solve_take(q, &r->n_evals);          /* the report owns them from here */
    return st;
}

/* ---- loading and running -------------------------------------------------------------------- */

/* The scenario with the user's overrides, the money switch forced to `constrained` and, when
 * `value` is not NaN, the lever's parameter set to it. */
static int load(const fund_size *fs, const char *constrained, double value, scenario **sc, phx_err *e)
{
    const fund_size_spec *p = &fs->spec;
    scenario_override *ov = phx_malloc((p->n_ov + 2) * sizeof *ov);
    char text[64];
    size_t n = p->n_ov;
    if (n)
        memcpy(ov, p->ov, n * sizeof *ov);
    ov[n++] = (scenario_override){ "phoenix fund", fs->sizing->switch_param, constrained };
    if (!isnan(value)) {
        snprintf(text, sizeof text, "%.17g", value);
        ov[n++] = (scenario_override){ "phoenix fund", fs->lever->param, text };
    }
    int st = scenario_load(sc, p->file, p->models, p->n_models, ov, n, e);
    free(ov);
    return st;
}

/* Every replication of `sc` into `s` (and through it on to s->inner, if any). */
static int run_all(const fund_size *fs, const scenario *sc, const void *shared, sizing_sink *s,
                   int progress, phx_err *e)
{
    run_options ro = fs->spec.ro;
    ro.progress = progress && ro.progress;
    ro.sampler = (sampler_kind)sc->sampler_kind;
    run_sink sink = sizing_sink_of(s);
    return run_replications(sc, shared, 0, (size_t)sc->replications, &ro, &sink, e);
}

/* The written run of `sc`: its rows through the output, then `finish` completes the report. */
static int written_run(const fund_size *fs, const scenario *sc, const void *shared,
                       const fund_output *out, fund_report *r,
                       void (*finish)(sizing_sink *, fund_report *), phx_err *e)
{
    sizing_sink s;
    sizing_sink_init(&s, sc, fs->lever, fs->spec.required, fs->spec.n_required, NULL);
    run_sink next = { 0 };
    int st = out->begin(out->ctx, sc, shared, &next, e);
    s.inner = &next;
    if (st == PHX_OK)
        st = run_all(fs, sc, shared, &s, 1, e);
    if (st == PHX_OK) {
        finish(&s, r);
        st = out->end(out->ctx, r, e);
    }
    sizing_sink_free(&s);
    return st;
}

static void report_init(fund_report *r, const fund_size *fs)
{
    const scenario *sc = fs->sc;
    memset(r, 0, sizeof *r);
    r->mode = fs->mode;
    r->sizing = fs->sizing;
    r->solve_capital = (int)(fs->lever - fs->sizing->levers);
    r->confidence = fs->spec.confidence;
    r->level = FUND_LEVEL;
    r->scenario = sc->name;
    r->n = (size_t)sc->replications;
    r->year_first = sc->year_first;
    r->n_years = sc->n_years;
    r->scenario_value = dist_mean(scenario_dist(sc, fs->lever->param, 0));
    r->required = fs->spec.required;
    r->n_required = fs->spec.n_required;
}

/* ---- solvency: one run ---------------------------------------------------------------------- */

static void finish_solvency(sizing_sink *s, fund_report *r)
{
    fund_runs in = { r->n, r->n_years, s->breakeven, s->balance, s->slope, s->own };
    fund_solvency(&in, r);
}

static int solvency(fund_size *fs, const fund_output *out, fund_report *r, phx_err *e)
{
    void *shared = NULL;
    int st = fs->sc->model->prepare(fs->sc, &shared, e);
    report_init(r, fs);
    if (st == PHX_OK)
        st = written_run(fs, fs->sc, shared, out, r, finish_solvency, e);
    if (shared)
        fs->sc->model->shared_free(shared);
    return st;
}

/* ---- targets: the search over full runs, then the answer's run ------------------------------- */

/* What one simulation of the search needs: the function of engine/solve.c. */
typedef struct eval_ctx {
    const fund_size *fs;
    const void *shared;            /* prepared with the money switch on (it keeps the switch) */
    void *shared_off;              /* and with it off, for the run with money to spare */
    size_t n, n_run;
} eval_ctx;

/* Every replication with the money switch on at `value`; value = +inf is money to spare: the
 * switch off, which `on` equals bit for bit once money never binds (docs/model.md §7), run with
 * the lever at 0 (it then moves only the balance) so that every run has the same random
 * parameter slots (common random numbers under every sampler). */
static int eval_at(void *ctx, double value, uint8_t *ok, size_t *met, phx_err *e)
{
    eval_ctx *q = ctx;
    const fund_size *fs = q->fs;
    scenario *sc = NULL;
    int st = load(fs, isinf(value) ? "off" : "on", isinf(value) ? 0 : value, &sc, e);
    sizing_sink s;
    if (st != PHX_OK)
        return st;
    if (isinf(value) && q->shared_off == NULL)
        st = sc->model->prepare(sc, &q->shared_off, e);
    sizing_sink_init(&s, sc, fs->lever, fs->spec.required, fs->spec.n_required, NULL);
    if (st == PHX_OK)
        st = run_all(fs, sc, isinf(value) ? q->shared_off : q->shared, &s, 0, e);
    if (st == PHX_OK) {
        memcpy(ok, s.ok, q->n);
        *met = s.met;
        if (fs->spec.on_eval)
            fs->spec.on_eval(fs->spec.ctx, ++q->n_run, fs->lever->param, value, s.met, q->n);
    }
    sizing_sink_free(&s);
    scenario_free(sc);
    return st;
}

/* The answer's run: its fan and each target's P. */
static void finish_targets(sizing_sink *s, fund_report *r)
{
    r->fan_answer = phx_malloc((size_t)(r->n_years ? r->n_years : 1) * STATS_NQ * sizeof *r->fan_answer);
    fund_fan(s->balance, r->n, r->n_years, r->fan_answer);
    r->p_each = phx_malloc((r->n_required ? r->n_required : 1) * sizeof *r->p_each);
    for (size_t k = 0; k < r->n_required; k++)
        r->p_each[k] = r->n ? (double)s->met_each[k] / (double)r->n : NAN;
}

/* The answer's run (the scenario's own value when none reaches Q) goes to the output. */
static int final_run(const fund_size *fs, const void *shared, const fund_output *out,
                     fund_report *r, phx_err *e)
{
    r->fan_value = isfinite(r->answer) ? r->answer : r->scenario_value;
    scenario *final = NULL;
    int st = load(fs, "on", r->fan_value, &final, e);
    if (st == PHX_OK)
        st = written_run(fs, final, shared, out, r, finish_targets, e);
    scenario_free(final);
    return st;
}

static int targets(fund_size *fs, const fund_output *out, fund_report *r, phx_err *e)
{
    void *shared = NULL;
    int st = fs->sc->model->prepare(fs->sc, &shared, e);
    report_init(r, fs);
    eval_ctx ec = { fs, shared, NULL, r->n, 0 };
    solve_search *q = solve_alloc(r->n, fs->lever->max, eval_at, &ec);
    if (st == PHX_OK)
        st = fund_search(q, fs->lever->start, fs->lever->max, r, e);
    if (st == PHX_OK)
        st = final_run(fs, shared, out, r, e);
    solve_free(q);
    if (ec.shared_off)
        fs->sc->model->shared_free(ec.shared_off);
    if (shared)
        fs->sc->model->shared_free(shared);
    return st;
}

/* ---- the object ----------------------------------------------------------------------------- */

int fund_size_alloc(fund_size **out, const fund_size_spec *spec, phx_err *e)
{
    fund_size *fs = phx_calloc(1, sizeof *fs);
    fs->spec = *spec;
    fs->mode = spec->n_required > 0 ? FUND_TARGETS : FUND_SOLVENCY;
    int st = scenario_load(&fs->own, spec->file, spec->models, spec->n_models, spec->ov, spec->n_ov, e);
    if (st == PHX_OK)
        st = sizing_check(fs->own, spec->lever, spec->required, spec->n_required, &fs->lever, e);
    fs->sizing = st == PHX_OK ? fs->own->model->sizing : NULL;
    if (st == PHX_OK) {
        fs->switch_was = scenario_text(fs->own, fs->sizing->switch_param);
        st = load(fs, fs->mode == FUND_TARGETS ? "on" : "off", NAN, &fs->sc, e);
    }
    if (st != PHX_OK) {
        fund_size_free(fs);
        fs = NULL;
    }
    *out = fs;
    return st;
}

void fund_size_free(fund_size *fs)
{
    if (fs == NULL)
        return;
    scenario_free(fs->sc);
    scenario_free(fs->own);
    free(fs);
}

int fund_size_run(fund_size *fs, const fund_output *out, fund_report *r, phx_err *e)
{
    return fs->mode == FUND_TARGETS ? targets(fs, out, r, e) : solvency(fs, out, r, e);
}
