/* seek.c -- goal seek over one lever (see seek.h). */
#include "seek.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "stats.h"

/* What one simulation saw, beyond the replications meeting the target. */
typedef struct seek_sim {
    double value;
    size_t met, missing;
    size_t bound[SEEK_MAX_CONSTRAINTS], bound_missing[SEEK_MAX_CONSTRAINTS];
    double sum[SEEK_MAX_CONSTRAINTS];
} seek_sim;

typedef struct seek_ctx {
    const seek_spec *s;
    size_t n, ny, row_len;
    int year;
    int metric, more;
    double target;
    int cons[SEEK_MAX_CONSTRAINTS];
    size_t n_cons;
    seek_sim cur, *sims;       /* the simulation running; every one finished, in order */
    size_t n_sims;
    uint8_t *ok;
} seek_ctx;

int seek_check(const scenario *sc, const char *lever, const char *target, double target_value,
               double *a, double *b, int *metric, phx_err *e)
{
    const model_type *m = sc->model;
    int p = scenario_param(sc, lever);
    if (p < 0)
        return phx_fail(e, PHX_EINPUT, sc->path, 0, lever, "not a parameter of model %s "
                        "(phoenix params %s lists them)", m->name, m->name);
    const param_def *d = &m->params[p];
    if (d->kind != PARAM_REAL)
        return phx_fail(e, PHX_EINPUT, sc->path, 0, lever, "a lever must be a real-valued parameter");
    *metric = -1;
    for (size_t i = 0; i < m->n_metrics; i++)
        if (strcmp(m->metrics[i].name, target) == 0)
            *metric = (int)i;
    if (*metric < 0)
        return phx_fail(e, PHX_EINPUT, sc->path, 0, NULL, "--target %s: not a metric of model %s "
                        "(phoenix params %s lists them)", target, m->name, m->name);
    if (isnan(target_value) && scenario_target_of(sc, *metric) == NULL)
        return phx_fail(e, PHX_EINPUT, sc->path, 0, NULL, "--target %s: the scenario sets no target "
                        "for it; set one in [targets] or give --target %s=VALUE", target, target);
    if (isnan(*a))
        *a = d->lo;
    if (isnan(*b))
        *b = d->hi;
    if (!isfinite(*a) || !isfinite(*b) || !(*a < *b) || *a < d->lo || *b > d->hi)
        return phx_fail(e, PHX_EINPUT, sc->path, 0, lever, "--range %g:%g: expected a < b within "
                        "the key's bounds [%g, %g]", *a, *b, d->lo, d->hi);
    return PHX_OK;
}

/* A block of replications: the target met in the last year? the constraints bound? */
static int seek_block(void *ctx, const scenario *sc, const run_block *b, phx_err *e)
{
    seek_ctx *c = ctx;
    for (size_t j = 0; j < b->n; j++) {
        const double *row = b->rows + j * c->row_len;
        double x = layout_last(row, (size_t)c->metric, c->ny);
        int met = c->more ? x >= c->target : x <= c->target;
        c->ok[b->first + j] = (uint8_t)met;
        c->cur.met += (size_t)met;
        c->cur.missing += (size_t)!met;
        for (size_t k = 0; k < c->n_cons; k++) {
            double v = layout_last(row, (size_t)c->cons[k], c->ny);
            c->cur.bound[k] += v > 0;
            c->cur.bound_missing[k] += v > 0 && !met;
            c->cur.sum[k] += v;
        }
    }
    return PHX_OK;
}

/* solve_fn: every replication with the lever at `value`. */
static int seek_eval(void *ctx, double value, uint8_t *ok, size_t *met, phx_err *e)
{
    seek_ctx *c = ctx;
    scenario *sc = NULL;
    void *shared = NULL;
    int st = c->s->load(c->s->ctx, value, &sc, e);
    if (st == PHX_OK)
        st = sc->model->prepare(sc, &shared, e);
    memset(&c->cur, 0, sizeof c->cur);
    c->cur.value = value;
    c->ok = ok;
    run_sink sink = { c, seek_block };
    run_options ro = c->s->ro;
    if (st == PHX_OK) {
        ro.sampler = (sampler_kind)sc->sampler_kind;
        st = run_replications(sc, shared, 0, c->n, &ro, &sink, e);
    }
    if (shared)
        sc->model->shared_free(shared);
    scenario_free(sc);
    if (st != PHX_OK)
        return st;
    c->sims = phx_realloc(c->sims, (c->n_sims + 1) * sizeof *c->sims);
    c->sims[c->n_sims++] = c->cur;
    *met = c->cur.met;
    if (c->s->note)
        c->s->note(c->s->ctx, value, *met, c->n);
    return PHX_OK;
}

/* The replication count, the target and the constraint indicators, from the scenario at a. */
static int seek_ctx_init(seek_ctx *c, const seek_spec *s, phx_err *e)
{
    scenario *sc = NULL;
    memset(c, 0, sizeof *c);
    c->s = s;
    int st = s->load(s->ctx, s->a, &sc, e);
    if (st != PHX_OK)
        return st;
    const model_type *m = sc->model;
    double a = s->a, b = s->b;
    st = seek_check(sc, s->lever, s->target, s->target_value, &a, &b, &c->metric, e);
    c->n = (size_t)sc->replications;
    c->ny = (size_t)sc->n_years;
    c->year = sc->year_last;
    c->row_len = layout_row_len(m, sc->n_years);
    c->more = st == PHX_OK && m->metrics[c->metric].direction > 0;
    if (st == PHX_OK)
        c->target = isnan(s->target_value) ? scenario_target_of(sc, c->metric)->value : s->target_value;
    for (size_t i = 0; i < m->n_metrics && c->n_cons < SEEK_MAX_CONSTRAINTS; i++)
        if (m->metrics[i].flags & METRIC_CONSTRAINT)
            c->cons[c->n_cons++] = (int)i;
    scenario_free(sc);
    return st;
}

/* The crossing of `rank` replications; rank 0 (no order statistic low enough): the start end;
 * rank > n: none (NaN). */
static int seek_bound(solve_search *q, const seek_spec *s, size_t rank, size_t n, int dir,
                      double tol, double *out, phx_err *e)
{
    double lo;
    *out = NAN;
    if (rank == 0) {
        *out = dir > 0 ? s->a : s->b;
        return PHX_OK;
    }
    return rank > n ? PHX_OK : solve_cross(q, rank, s->a, s->b, dir, tol, &lo, out, e);
}

/* The value simulated with the most replications meeting the target (among ties the one
 * farthest from the start end: the lever pushed furthest). */
static double seek_best(const seek_ctx *c, int dir)
{
    double best = NAN;
    size_t most = 0;
    for (size_t k = 0; k < c->n_sims; k++) {
        const seek_sim *m = &c->sims[k];
        if (isnan(best) || m->met > most || (m->met == most && dir * m->value > dir * best)) {
            best = m->value;
            most = m->met;
        }
    }
    return best;
}

/* The constraints that bound at the value reported, the most often among the replications
 * missing the target first. */
static void seek_constraints(const seek_ctx *c, seek_result *r)
{
    const seek_sim *m = NULL;
    for (size_t k = 0; k < c->n_sims; k++)
        if (c->sims[k].value == r->reported)
            m = &c->sims[k];
    for (size_t k = 0; m != NULL && k < c->n_cons; k++) {
        if (m->bound[k] == 0)
            continue;
        seek_constraint x = { c->cons[k], m->missing ? (double)m->bound_missing[k] / (double)m->missing : 0,
                              (double)m->bound[k] / (double)c->n, m->sum[k] / (double)c->n };
        size_t j = r->n_binding++;
        for (; j > 0 && r->binding[j - 1].share_missing < x.share_missing; j--)
            r->binding[j] = r->binding[j - 1];
        r->binding[j] = x;
    }
}

/* The answer, its interval and P at the value reported. */
static int seek_answer(solve_search *q, const seek_spec *s, seek_ctx *c, seek_result *r, phx_err *e)
{
    double tol = s->tol > 0 ? s->tol : (s->b - s->a) / 1024, lo, x_l = NAN, x_u = NAN;
    int dir = r->direction;
    int st = solve_cross(q, r->rank, s->a, s->b, dir, tol, &lo, &r->value, e);
    r->reachable = !isnan(r->value);
    if (st == PHX_OK && r->reachable)
        st = seek_bound(q, s, r->rank_lower, r->n, dir, 4 * tol, &x_l, e);
    if (st == PHX_OK && r->reachable)
        st = seek_bound(q, s, r->rank_upper, r->n, dir, 4 * tol, &x_u, e);
    r->lower = dir > 0 ? x_l : x_u;
    r->upper = dir > 0 ? x_u : x_l;
    r->reported = r->reachable ? r->value : seek_best(c, dir);
    size_t met = 0;
    if (st == PHX_OK)
        st = solve_eval_at(q, r->reported, &met, e);      /* looked up */
    r->p = r->n ? (double)met / (double)r->n : NAN;
    stats_wilson(met, r->n, s->level, &r->p_lo, &r->p_hi);
    return st;
}

int seek_run(const seek_spec *s, seek_result *r, phx_err *e)
{
    memset(r, 0, sizeof *r);
    seek_ctx c;
    int st = seek_ctx_init(&c, s, e);
    if (st != PHX_OK)
        return st;
    r->n = c.n;
    r->metric = c.metric;
    r->year = c.year;
    r->target = c.target;
    r->target_more = c.more;
    r->rank = stats_ecdf_rank(c.n, s->confidence);
    stats_quantile_ranks(c.n, s->confidence, s->level, &r->rank_lower, &r->rank_upper);
    solve_search *q = solve_alloc(c.n, s->b, seek_eval, &c);
    st = solve_grid(q, s->a, s->b, s->grid > 0 ? s->grid : 8, e);
    size_t met_a = 0, met_b = 0;
    if (st == PHX_OK && (st = solve_eval_at(q, s->a, &met_a, e)) == PHX_OK)
        st = solve_eval_at(q, s->b, &met_b, e);
    r->p_a = c.n ? (double)met_a / (double)c.n : NAN;
    r->p_b = c.n ? (double)met_b / (double)c.n : NAN;
    r->direction = solve_direction(q, s->a, s->b);
    if (st == PHX_OK)
        st = seek_answer(q, s, &c, r, e);
    if (st == PHX_OK) {
        seek_constraints(&c, r);
        solve_monotone_in(q, r->direction, &r->monotone, &r->n_not_monotone);
    }
    r->evals = solve_take(q, &r->n_evals);
    solve_free(q);
    free(c.sims);
    return st;
}

void seek_result_free(seek_result *r)
{
    if (r == NULL)
        return;
    free(r->evals);
    r->evals = NULL;
}
