/* posterior.c -- a weighted posterior sample: summaries, the `--posterior` run design and the
 * posterior predictive check. */
#include "posterior.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include "abc.h"
#include "rng.h"

posterior *posterior_alloc(const char *source, const char *model, size_t n, size_t n_dim,
                           const char *const *names, const double *theta, const double *weight,
                           phx_err *e)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(weight[i] >= 0) || !isfinite(weight[i])) {
            phx_fail(e, PHX_EINPUT, source, 0, NULL, "posterior weight %zu is %g", i, weight[i]);
            return NULL;
        }
        sum += weight[i];
    }
    if (n == 0 || n_dim == 0 || !(sum > 0)) {
        phx_fail(e, PHX_EINPUT, source, 0, NULL, "the posterior sample is empty");
        return NULL;
    }
    posterior *p = phx_calloc(1, sizeof *p);
    p->source = phx_strdup(source);
    p->model = phx_strdup(model);
    p->n = n;
    p->n_dim = n_dim;
    p->names = phx_calloc(n_dim, sizeof *p->names);
    for (size_t d = 0; d < n_dim; d++)
        p->names[d] = phx_strdup(names[d]);
    p->theta = phx_malloc(n * n_dim * sizeof *p->theta);
    memcpy(p->theta, theta, n * n_dim * sizeof *p->theta);
    p->weight = phx_malloc(n * sizeof *p->weight);
    p->cum = phx_malloc(n * sizeof *p->cum);
    double c = 0;
    for (size_t i = 0; i < n; i++) {
        p->weight[i] = weight[i] / sum;
        p->cum[i] = c += p->weight[i];
    }
    p->cum[n - 1] = 1.0;
    return p;
}

void posterior_free(posterior *p)
{
    if (p == NULL)
        return;
    for (size_t d = 0; d < p->n_dim; d++)
        free(p->names[d]);
    free(p->names);
    free(p->theta);
    free(p->weight);
    free(p->cum);
    free(p->source);
    free(p->model);
    free(p);
}

void posterior_summary(const posterior *p, size_t d, double *mean, double *sd, double q[3])
{
    double m = 0, v = 0;
    for (size_t i = 0; i < p->n; i++)
        m += p->weight[i] * p->theta[i * p->n_dim + d];
    for (size_t i = 0; i < p->n; i++) {
        double z = p->theta[i * p->n_dim + d] - m;
        v += p->weight[i] * z * z;
    }
    *mean = m;
    *sd = sqrt(v);
    static const double lv[3] = { 0.05, 0.50, 0.95 };
    for (int k = 0; k < 3; k++)
        q[k] = abc_weighted_quantile(p->theta + d, p->n_dim, p->weight, p->n, lv[k]);
}

/* ---- the run design ----------------------------------------------------------------------- */

struct posterior_design {
    run_design design;
    const posterior *p;
    const scenario *sc;
    sampler *smp;
    size_t *slot;              /* the scenario slot of each posterior dimension */
    gsl_rng *r;
};

static void pd_fill(void *ctx, const scenario *sc, size_t first, size_t n, double *theta)
{
    posterior_design *pd = ctx;
    const posterior *p = pd->p;
    sampler_fill(pd->smp, first, n, theta);
    for (size_t i = 0; i < n; i++) {
        rng_address(pd->r, sc->seed, (uint32_t)(first + i), RNG_PURPOSE_POSTERIOR, 0, 0);
        double u = gsl_rng_uniform(pd->r);
        size_t lo = 0, hi = p->n - 1;          /* the first particle with cum > u */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (p->cum[mid] > u)
                hi = mid;
            else
                lo = mid + 1;
        }
        for (size_t d = 0; d < p->n_dim; d++)
            theta[i * sc->n_slots + pd->slot[d]] = p->theta[lo * p->n_dim + d];
    }
}

int posterior_design_alloc(posterior_design **out, const posterior *p, const scenario *sc,
                           sampler_kind kind, size_t n_total, phx_err *e)
{
    *out = NULL;
    if (strcmp(p->model, sc->model->name) != 0)
        return phx_fail(e, PHX_EINPUT, p->source, 0, NULL, "the posterior is of model %s; "
                        "scenario %s is of model %s", p->model, sc->name, sc->model->name);
    posterior_design *pd = phx_calloc(1, sizeof *pd);
    pd->slot = phx_calloc(p->n_dim, sizeof *pd->slot);
    for (size_t d = 0; d < p->n_dim; d++) {
        size_t s = 0;
        while (s < sc->n_slots && strcmp(sc->slot_names[s], p->names[d]) != 0)
            s++;
        if (s == sc->n_slots) {
            free(pd->slot);
            free(pd);
            return phx_fail(e, PHX_EINPUT, p->source, 0, NULL, "posterior parameter %s is not a "
                            "parameter of scenario %s (years %d-%d)", p->names[d], sc->name,
                            sc->year_first, sc->year_last);
        }
        pd->slot[d] = s;
    }
    pd->smp = sampler_alloc(kind, sc, n_total, e);
    if (pd->smp == NULL) {
        free(pd->slot);
        free(pd);
        return e->status;
    }
    pd->p = p;
    pd->sc = sc;
    pd->r = gsl_rng_alloc(rng_philox);
    pd->design = (run_design){ pd, pd_fill, NULL };
    *out = pd;
    return PHX_OK;
}

const run_design *posterior_design_get(const posterior_design *pd)
{
    return pd ? &pd->design : NULL;
}

void posterior_design_free(posterior_design *pd)
{
    if (pd == NULL)
        return;
    sampler_free(pd->smp);
    gsl_rng_free(pd->r);
    free(pd->slot);
    free(pd);
}

/* ---- the predictive check ------------------------------------------------------------------ */

typedef struct predictive {
    run_sink inner;
    size_t n_obs, n_rep;
    const size_t *row_index;
    double *x;                 /* [obs x replication] */
} predictive;

static int pred_block(void *ctx, const scenario *sc, const run_block *b, phx_err *e)
{
    predictive *p = ctx;
    size_t row_len = sc->model->n_metrics * (size_t)sc->n_years;
    for (size_t i = 0; i < b->n; i++)
        for (size_t o = 0; o < p->n_obs; o++)
            if (b->first + i < p->n_rep)
                p->x[o * p->n_rep + b->first + i] = b->rows[i * row_len + p->row_index[o]];
    return p->inner.block ? p->inner.block(p->inner.ctx, sc, b, e) : PHX_OK;
}

int posterior_predictive(const abc *a, const posterior *p, const scenario *sc, const void *shared,
                         size_t n_rep, const run_options *o, run_sink inner, predictive_check *out,
                         phx_err *e)
{
    size_t O = abc_n_obs(a);
    *out = (predictive_check){ O, n_rep, NULL, NULL, NULL };
    posterior_design *pd = NULL;
    int st = posterior_design_alloc(&pd, p, sc, SAMPLER_MC, n_rep, e);
    if (st != PHX_OK)
        return st;
    predictive pr = { inner, O, n_rep, abc_obs_rows(a), phx_calloc(O * n_rep + 1, sizeof(double)) };
    run_options ro = *o;
    ro.design = posterior_design_get(pd);
    run_sink sink = { &pr, pred_block };
    st = run_replications(sc, shared, 0, n_rep, &ro, &sink, e);
    out->q = phx_calloc(O * STATS_NQ + 1, sizeof *out->q);
    out->prior_q = phx_calloc(O * STATS_NQ + 1, sizeof *out->prior_q);
    out->p_below = phx_calloc(O + 1, sizeof *out->p_below);
    const abc_generation *g0 = abc_generation_at(a, 0);
    for (size_t k = 0; st == PHX_OK && k < O; k++) {
        double value = abc_obs_at(a, k)->value, *x = pr.x + k * n_rep;
        size_t below = 0;
        for (size_t i = 0; i < n_rep; i++)
            below += x[i] <= value;
        stats_summary s;
        stats_summarize(x, n_rep, 0, 0, 1, &s);
        memcpy(out->q + k * STATS_NQ, s.q, sizeof s.q);
        out->p_below[k] = n_rep ? (double)below / (double)n_rep : NAN;
        for (int q = 0; q < STATS_NQ; q++)
            out->prior_q[k * STATS_NQ + (size_t)q] =
                abc_weighted_quantile(g0->simulated + k, O, g0->weight, g0->n, stats_q_levels[q]);
    }
    free(pr.x);
    posterior_design_free(pd);
    return st;
}

void predictive_check_free(predictive_check *c)
{
    free(c->q);
    free(c->p_below);
    free(c->prior_q);
    c->q = c->p_below = c->prior_q = NULL;
}

posterior *posterior_from_abc(const abc *a, const scenario *sc, const char *source, phx_err *e)
{
    size_t G = abc_n_generations(a), D = abc_n_dim(a);
    if (G == 0) {
        phx_fail(e, PHX_ERUN, source, 0, NULL, "the calibration has no generation");
        return NULL;
    }
    const abc_generation *g = abc_generation_at(a, G - 1);
    const char **names = phx_calloc(D, sizeof *names);
    for (size_t d = 0; d < D; d++)
        names[d] = sc->slot_names[abc_dim_slots(a)[d]];
    posterior *p = posterior_alloc(source, sc->model->name, g->n, D, names, g->theta, g->weight, e);
    free(names);
    return p;
}
