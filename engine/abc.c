/* abc.c -- ABC population Monte Carlo (Beaumont et al. 2009) with adaptive tolerances; see
 * abc.h. Proposal k of generation g is drawn from its own Philox stream (seed, k, ABC, g) and
 * simulated on model stream g * 2^26 + k, so a proposal, its simulation and its acceptance
 * depend only on (g, k); a generation accepts the first N proposals (in index order) within
 * its tolerance, whatever the rounds and threads that simulated them. */
#include "abc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>
#include "prior.h"
#include "rng.h"
#include "run.h"

#define ABC_GEN_BITS 26                        /* proposals per generation < 2^26 */
#define ABC_MAX_GENERATIONS 63                 /* generations < 2^(32 - 26) */
#define ABC_MAX_TRIES 1000                     /* perturbations tried to land inside the prior */

struct abc {
    const scenario *sc;
    const void *shared;
    abc_settings set;
    size_t n_dim, *dim_slot;
    const dist **prior;              /* prior of each dimension */
    size_t n_obs, *obs_row;
    const observation **obs;
    double *base;                    /* every slot's constant value (n_slots) */
    abc_generation *gen;
    size_t n_gen;
    int stop;
    size_t total_sims;
    gsl_rng *r;
    /* the generation being built */
    int g;
    double *chol;                    /* n_dim x n_dim: Cholesky factor of the kernel */
    double *cum;                     /* cumulative weights of the previous generation */
    size_t round_first;              /* proposal index of the round's first row */
    double *rtheta, *rdist, *rsim;   /* the round's proposals, distances, simulated values */
    uint8_t *rvalid;
    size_t rcap;
};

void abc_settings_default(abc_settings *s)
{
    *s = (abc_settings){ .particles = 500, .max_generations = 8, .tolerance_final = 0,
                         .quantile = 0.5, .min_acceptance = 0.01 };
}

static int check_settings(const abc_settings *s, const scenario *sc, phx_err *e)
{
    if (s->particles < 2 || s->particles > ((size_t)1 << ABC_GEN_BITS))
        return phx_fail(e, PHX_EINPUT, NULL, 0, "--particles", "%zu: expected 2 to %zu", s->particles,
                        (size_t)1 << ABC_GEN_BITS);
    if (s->max_generations < 1 || s->max_generations > ABC_MAX_GENERATIONS)
        return phx_fail(e, PHX_EINPUT, NULL, 0, "--generations", "%d: expected 1 to %d",
                        s->max_generations, ABC_MAX_GENERATIONS);
    if (!(s->tolerance_final >= 0) || !isfinite(s->tolerance_final))
        return phx_fail(e, PHX_EINPUT, NULL, 0, "--tolerance-final", "expected a distance >= 0");
    if (!(s->quantile > 0 && s->quantile < 1))
        return phx_fail(e, PHX_EINPUT, NULL, 0, "quantile", "expected a level in (0, 1)");
    if (!(s->min_acceptance > 0 && s->min_acceptance <= 1) ||
        (double)s->particles / s->min_acceptance > (double)((size_t)1 << ABC_GEN_BITS))
        return phx_fail(e, PHX_EINPUT, NULL, 0, "min_acceptance",
                        "expected (0, 1] with particles / min_acceptance < 2^%d", ABC_GEN_BITS);
    return PHX_OK;
}

abc *abc_alloc(const scenario *sc, const void *shared, const observed *obs, const abc_settings *s,
               phx_err *e)
{
    if (check_settings(s, sc, e))
        return NULL;
    size_t n_dim = 0;
    for (size_t k = 0; k < sc->n_slots; k++)
        n_dim += sc->slot_random[k] != 0;
    if (n_dim > 64) {
        phx_fail(e, PHX_EINPUT, sc->path, 0, NULL, "%zu parameters are distributions; calibration "
                 "takes at most 64", n_dim);
        return NULL;
    }
    if (n_dim == 0) {
        phx_fail(e, PHX_EINPUT, sc->path, 0, NULL, "no parameter is a distribution: nothing to "
                 "calibrate (give the parameters to calibrate a prior, e.g. uniform(lo, hi))");
        return NULL;
    }
    abc *a = phx_calloc(1, sizeof *a);
    a->sc = sc;
    a->shared = shared;
    a->set = *s;
    a->n_dim = n_dim;
    a->dim_slot = phx_calloc(n_dim, sizeof *a->dim_slot);
    a->prior = phx_calloc(n_dim, sizeof *a->prior);
    a->base = phx_calloc(sc->n_slots + 1, sizeof *a->base);
    for (size_t k = 0, d = 0; k < sc->n_slots; k++) {
        const scenario_value *sv = &sc->values[sc->slot_param[k]];
        const dist *pd = &sv->v[sv->n == 1 ? 0 : k - sc->offset[sc->slot_param[k]]];
        a->base[k] = pd->a;
        if (sc->slot_random[k]) {
            a->dim_slot[d] = k;
            a->prior[d++] = pd;
        }
    }
    a->obs = phx_calloc(obs->n_used + 1, sizeof *a->obs);
    a->obs_row = phx_calloc(obs->n_used + 1, sizeof *a->obs_row);
    for (size_t i = 0; i < obs->n; i++)
        if (obs->obs[i].year_index >= 0) {
            a->obs[a->n_obs] = &obs->obs[i];
            a->obs_row[a->n_obs++] = observed_row_index(&obs->obs[i], sc);
        }
    a->gen = phx_calloc((size_t)s->max_generations, sizeof *a->gen);
    a->chol = phx_calloc(n_dim * n_dim, sizeof *a->chol);
    a->cum = phx_calloc(s->particles, sizeof *a->cum);
    a->r = gsl_rng_alloc(rng_philox);
    return a;
}

static void generation_free(abc_generation *g)
{
    free(g->theta);
    free(g->weight);
    free(g->distance);
    free(g->simulated);
}

void abc_free(abc *a)
{
    if (a == NULL)
        return;
    for (size_t g = 0; g < a->n_gen; g++)
        generation_free(&a->gen[g]);
    free(a->gen);
    free(a->dim_slot);
    free(a->prior);
    free(a->obs);
    free(a->obs_row);
    free(a->base);
    free(a->chol);
    free(a->cum);
    free(a->rtheta);
    free(a->rdist);
    free(a->rsim);
    free(a->rvalid);
    gsl_rng_free(a->r);
    free(a);
}

/* ---- proposals --------------------------------------------------------------------------- */

static double log_prior(const abc *a, const double *x)
{
    double lp = 0;
    for (size_t d = 0; d < a->n_dim && lp > -INFINITY; d++)
        lp += prior_log_pdf(a->prior[d], x[d]);
    return lp;
}

/* Proposal k of the generation being built into x[n_dim]; 0 if no perturbation fell inside
 * the prior's support (x is then the chosen particle, never accepted). */
static int propose(abc *a, size_t k, double *x)
{
    rng_address(a->r, a->sc->seed, (uint32_t)k, RNG_PURPOSE_ABC, 0, (uint32_t)a->g);
    if (a->g == 0) {
        for (size_t d = 0; d < a->n_dim; d++)
            x[d] = dist_quantile(a->prior[d], gsl_rng_uniform_pos(a->r));
        return 1;
    }
    const abc_generation *prev = &a->gen[a->g - 1];
    size_t n = a->n_dim;
    for (int t = 0; t < ABC_MAX_TRIES; t++) {
        double u = gsl_rng_uniform(a->r);
        size_t lo = 0, hi = prev->n - 1;       /* first j with cum[j] > u */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (a->cum[mid] > u)
                hi = mid;
            else
                lo = mid + 1;
        }
        const double *p = prev->theta + lo * n;
        double z[64];
        for (size_t d = 0; d < n; d++)
            z[d] = gsl_ran_gaussian_ziggurat(a->r, 1.0);
        for (size_t d = 0; d < n; d++) {
            double s = 0;
            for (size_t c = 0; c <= d; c++)
                s += a->chol[d * n + c] * z[c];
            x[d] = p[d] + s;
        }
        if (log_prior(a, x) > -INFINITY)
            return 1;
        if (t + 1 == ABC_MAX_TRIES)
            memcpy(x, p, n * sizeof *x);
    }
    return 0;
}

static void design_fill(void *ctx, const scenario *sc, size_t first, size_t n, double *theta)
{
    abc *a = ctx;
    for (size_t i = 0; i < n; i++) {
        double *row = theta + i * sc->n_slots, *x = a->rtheta + (first + i) * a->n_dim;
        a->rvalid[first + i] = (uint8_t)propose(a, a->round_first + first + i, x);
        memcpy(row, a->base, sc->n_slots * sizeof *row);
        for (size_t d = 0; d < a->n_dim; d++)
            row[a->dim_slot[d]] = x[d];
    }
}

static uint32_t design_stream(void *ctx, size_t i)
{
    const abc *a = ctx;
    return ((uint32_t)a->g << ABC_GEN_BITS) | (uint32_t)(a->round_first + i);
}

/* The distance of each simulated row: Euclidean, each observation in units of its sd. */
static int design_sink(void *ctx, const scenario *sc, const run_block *b, phx_err *e)
{
    abc *a = ctx;
    size_t row_len = sc->model->n_metrics * (size_t)sc->n_years;
    for (size_t i = 0; i < b->n; i++) {
        const double *row = b->rows + i * row_len;
        double *sim = a->rsim + (b->first + i) * a->n_obs, d2 = 0;
        for (size_t o = 0; o < a->n_obs; o++) {
            sim[o] = row[a->obs_row[o]];
            double z = (sim[o] - a->obs[o]->value) / a->obs[o]->sd;
            d2 += z * z;
        }
        a->rdist[b->first + i] = isfinite(d2) ? sqrt(d2) : INFINITY;
    }
    return PHX_OK;
}

/* Simulate proposals first..first+m-1 of the generation being built. */
static int run_round(abc *a, size_t first, size_t m, phx_err *e)
{
    if (m > a->rcap) {
        a->rcap = m;
        a->rtheta = phx_realloc(a->rtheta, m * a->n_dim * sizeof *a->rtheta);
        a->rdist = phx_realloc(a->rdist, m * sizeof *a->rdist);
        a->rsim = phx_realloc(a->rsim, (m * a->n_obs + 1) * sizeof *a->rsim);
        a->rvalid = phx_realloc(a->rvalid, m);
    }
    a->round_first = first;
    run_design design = { a, design_fill, design_stream };
    run_options o = { .threads = a->set.threads, .block = a->set.block, .design = &design };
    run_sink sink = { a, design_sink };
    a->total_sims += m;
    return run_replications(a->sc, a->shared, 0, m, &o, &sink, e);
}

/* ---- a generation ------------------------------------------------------------------------ */

double abc_weighted_quantile(const double *x, size_t stride, const double *w, size_t n, double q)
{
    size_t *idx = phx_malloc(n * sizeof *idx);
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    /* insertion sort by value, ties by index: n is a particle count, and the order must not
     * depend on a library's sort (qsort is not stable) */
    for (size_t i = 1; i < n; i++) {
        size_t v = idx[i], j = i;
        while (j > 0 && x[idx[j - 1] * stride] > x[v * stride]) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
    double c = 0, out = x[idx[n - 1] * stride];
    for (size_t i = 0; i < n; i++) {
        c += w[idx[i]];
        if (c >= q * (1 - 1e-12)) {
            out = x[idx[i] * stride];
            break;
        }
    }
    free(idx);
    return out;
}

/* The kernel of Beaumont et al. (2009): a normal with twice the previous generation's weighted
 * covariance (its Cholesky factor in a->chol); a singular covariance gets a small ridge. */
static void build_kernel(abc *a)
{
    const abc_generation *p = &a->gen[a->g - 1];
    size_t n = a->n_dim;
    double mean[64] = { 0 };
    for (size_t i = 0; i < p->n; i++)
        for (size_t d = 0; d < n; d++)
            mean[d] += p->weight[i] * p->theta[i * n + d];
    gsl_matrix *m = gsl_matrix_calloc(n, n);
    for (size_t i = 0; i < p->n; i++)
        for (size_t d = 0; d < n; d++)
            for (size_t c = 0; c <= d; c++)
                *gsl_matrix_ptr(m, d, c) += 2 * p->weight[i] * (p->theta[i * n + d] - mean[d]) *
                                            (p->theta[i * n + c] - mean[c]);
    for (size_t d = 0; d < n; d++)
        for (size_t c = 0; c < d; c++)
            gsl_matrix_set(m, c, d, gsl_matrix_get(m, d, c));
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    for (double ridge = 1e-12; gsl_linalg_cholesky_decomp1(m) != 0; ridge *= 100) {
        for (size_t d = 0; d < n; d++)                      /* restore, then add the ridge */
            for (size_t c = 0; c <= d; c++) {
                double v = 0;
                for (size_t i = 0; i < p->n; i++)
                    v += 2 * p->weight[i] * (p->theta[i * n + d] - mean[d]) * (p->theta[i * n + c] - mean[c]);
                double w = fabs(mean[d]) > 0 ? fabs(mean[d]) : 1;
                gsl_matrix_set(m, d, c, v + (c == d ? ridge * w * w : 0));
                gsl_matrix_set(m, c, d, v);
            }
    }
    gsl_set_error_handler(old);
    for (size_t d = 0; d < n; d++)
        for (size_t c = 0; c < n; c++)
            a->chol[d * n + c] = c <= d ? gsl_matrix_get(m, d, c) : 0;
    gsl_matrix_free(m);
    double c = 0;
    for (size_t i = 0; i < p->n; i++)
        a->cum[i] = c += p->weight[i];
    a->cum[p->n - 1] = 1.0;                                 /* no gap above the last particle */
}

/* Importance weights of generation g (Beaumont et al. 2009): prior / sum_j w_j K(theta | theta_j),
 * in logs. Each particle's weight is its own sum in a fixed order: any thread count gives the
 * same bits. */
static void weights(abc *a, abc_generation *cur)
{
    const abc_generation *p = &a->gen[a->g - 1];
    size_t n = a->n_dim;
    int threads = a->set.threads > 0 ? a->set.threads : omp_get_max_threads();
#pragma omp parallel for num_threads(threads) schedule(static)
    for (size_t i = 0; i < cur->n; i++) {
        const double *x = cur->theta + i * n;
        double lmax = -INFINITY, s = 0, *lk = phx_malloc(p->n * sizeof *lk);
        for (size_t j = 0; j < p->n; j++) {
            double y[64], q = 0;
            for (size_t d = 0; d < n; d++) {          /* solve L y = x - theta_j */
                double v = x[d] - p->theta[j * n + d];
                for (size_t c = 0; c < d; c++)
                    v -= a->chol[d * n + c] * y[c];
                y[d] = v / a->chol[d * n + d];
                q += y[d] * y[d];
            }
            lk[j] = p->weight[j] > 0 ? log(p->weight[j]) - 0.5 * q : -INFINITY;
            lmax = lk[j] > lmax ? lk[j] : lmax;
        }
        for (size_t j = 0; j < p->n; j++)
            s += exp(lk[j] - lmax);
        cur->weight[i] = log_prior(a, x) - (lmax + log(s));
        free(lk);
    }
    double wmax = -INFINITY, sum = 0, sq = 0;
    for (size_t i = 0; i < cur->n; i++)
        wmax = cur->weight[i] > wmax ? cur->weight[i] : wmax;
    for (size_t i = 0; i < cur->n; i++)
        sum += cur->weight[i] = exp(cur->weight[i] - wmax);
    for (size_t i = 0; i < cur->n; i++) {
        cur->weight[i] /= sum;
        sq += cur->weight[i] * cur->weight[i];
    }
    cur->ess = 1 / sq;
}

/* Keep proposal i of the round as the next particle of `cur`. */
static void keep(abc *a, abc_generation *cur, size_t i)
{
    size_t k = cur->n++;
    memcpy(cur->theta + k * a->n_dim, a->rtheta + i * a->n_dim, a->n_dim * sizeof *cur->theta);
    memcpy(cur->simulated + k * a->n_obs, a->rsim + i * a->n_obs, a->n_obs * sizeof *cur->simulated);
    cur->distance[k] = a->rdist[i];
}

/* Rounds of proposals until N are accepted, or the budget N / min_acceptance is spent. Round
 * sizes follow the acceptance so far; they change nothing but the time (see the file's top). */
static int accept_rounds(abc *a, abc_generation *cur, double acc_guess, phx_err *e)
{
    size_t N = a->set.particles, budget = (size_t)ceil((double)N / a->set.min_acceptance);
    size_t done = 0;
    double acc = acc_guess;
    while (cur->n < N && done < budget) {
        size_t m = a->g == 0 ? N : (size_t)ceil(1.05 * (double)(N - cur->n) / acc) + 16;
        if (m > budget - done)
            m = budget - done;
        int st = run_round(a, done, m, e);
        if (st != PHX_OK)
            return st;
        for (size_t i = 0; i < m && cur->n < N; i++) {
            cur->n_considered++;
            if (a->rvalid[i] && a->rdist[i] <= cur->tolerance)
                keep(a, cur, i);
        }
        done += m;
        acc = cur->n > 0 ? (double)cur->n / (double)cur->n_considered : acc / 4;
        if (acc < a->set.min_acceptance / 2)
            acc = a->set.min_acceptance / 2;
    }
    cur->n_simulations = done;
    return PHX_OK;
}

int abc_iterate(abc *a, phx_err *e)
{
    if (abc_test(a) == ABC_DONE)
        return PHX_OK;
    size_t N = a->set.particles;
    a->g = (int)a->n_gen;
    abc_generation cur = { .tolerance = INFINITY };
    cur.theta = phx_malloc(N * a->n_dim * sizeof *cur.theta);
    cur.weight = phx_malloc(N * sizeof *cur.weight);
    cur.distance = phx_malloc(N * sizeof *cur.distance);
    cur.simulated = phx_malloc((N * a->n_obs + 1) * sizeof *cur.simulated);
    int final = 0;
    double guess = 1;
    if (a->g > 0) {
        const abc_generation *p = &a->gen[a->g - 1];
        cur.tolerance = abc_weighted_quantile(p->distance, 1, p->weight, p->n, a->set.quantile);
        if (cur.tolerance <= a->set.tolerance_final) {
            cur.tolerance = a->set.tolerance_final;
            final = 1;
        }
        guess = fmax(a->set.quantile * p->acceptance_rate, a->set.min_acceptance);
        build_kernel(a);
    }
    int st = accept_rounds(a, &cur, guess, e);
    if (st != PHX_OK || cur.n < N) {
        generation_free(&cur);
        if (st == PHX_OK)
            a->stop = ABC_STOP_ACCEPTANCE;
        return st;
    }
    cur.acceptance_rate = (double)cur.n / (double)cur.n_considered;
    if (a->g == 0) {
        for (size_t i = 0; i < N; i++)
            cur.weight[i] = 1.0 / (double)N;
        cur.ess = (double)N;
    } else {
        weights(a, &cur);
    }
    a->gen[a->n_gen++] = cur;
    if (final)
        a->stop = ABC_STOP_TOLERANCE;
    else if ((int)a->n_gen == a->set.max_generations)
        a->stop = ABC_STOP_GENERATIONS;
    return PHX_OK;
}

int abc_test(const abc *a)
{
    return a->stop != ABC_STOP_NONE ? ABC_DONE : ABC_CONTINUE;
}

int abc_stop_reason(const abc *a)
{
    return a->stop;
}

const char *abc_stop_text(int reason)
{
    switch (reason) {
    case ABC_STOP_TOLERANCE: return "final tolerance reached";
    case ABC_STOP_GENERATIONS: return "generations exhausted";
    case ABC_STOP_ACCEPTANCE: return "acceptance rate below the minimum";
    default: return "running";
    }
}

size_t abc_n_generations(const abc *a) { return a->n_gen; }
const abc_generation *abc_generation_at(const abc *a, size_t g) { return g < a->n_gen ? &a->gen[g] : NULL; }
size_t abc_n_dim(const abc *a) { return a->n_dim; }
const size_t *abc_dim_slots(const abc *a) { return a->dim_slot; }
size_t abc_n_obs(const abc *a) { return a->n_obs; }
const observation *abc_obs_at(const abc *a, size_t o) { return a->obs[o]; }
const size_t *abc_obs_rows(const abc *a) { return a->obs_row; }
size_t abc_total_simulations(const abc *a) { return a->total_sims; }
