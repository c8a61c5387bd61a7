/* morris.c -- elementary effects (Morris 1991, Technometrics 33, 161-174), with mu* the mean of
 * their absolute values (Campolongo, Cariboni & Saltelli 2007, Environ. Model. Softw. 22,
 * 1509-1518), on r one-at-a-time trajectories in the unit cube of the factors' probabilities.
 *
 * Grid: p levels (even) at probabilities (l + 1/2) / p, l = 0..p-1 (the midpoints, so that no
 * factor is ever at probability 0 or 1, where a normal or lognormal has no finite quantile); a
 * step moves one factor p/2 levels (up from the lower half, down from the upper), a change of
 * +-1/2 in probability. Trajectory t: base levels drawn uniformly, factors moved in a random
 * order, each once: k + 1 rows, all on random stream t (common random numbers, so an effect is
 * the factor's, not the model's chance). EE = (f(after) - f(before)) / (+-1/2): the change of the
 * metric per unit of probability. mu* intervals: percentile bootstrap over trajectories. */
#include "sens_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>
#include <gsl/gsl_randist.h>
#include "rng.h"

typedef struct morris_state {
    size_t k, r;
    double *u;                /* [r x (k+1) x k]: every row's point */
    size_t *order;            /* [r x k]: the factor moved at step s */
    double *delta;            /* [r x k]: the signed change of that step */
} morris_state;

static size_t morris_rows(const sens *s)
{
    const morris_state *m = s->state;
    return m->r * (m->k + 1);
}

static void morris_unit(const sens *s, size_t row, double *u)
{
    const morris_state *m = s->state;
    memcpy(u, m->u + row * m->k, m->k * sizeof *u);
}

static uint32_t morris_stream(const sens *s, size_t row)
{
    const morris_state *m = s->state;
    return (uint32_t)(row / (m->k + 1));
}

/* mu*, mu and sigma of one factor over trajectories idx[0..r-1] of ee [r]. */
static void morris_moments(const double *ee, size_t r, const size_t *idx, double *mu_star,
                           double *mu, double *sigma)
{
    double sa = 0, sm = 0;
    for (size_t t = 0; t < r; t++) {
        sa += fabs(ee[idx[t]]);
        sm += ee[idx[t]];
    }
    *mu_star = sa / (double)r;
    *mu = sm / (double)r;
    if (sigma) {
        double ss = 0;
        for (size_t t = 0; t < r; t++)
            ss += (ee[idx[t]] - *mu) * (ee[idx[t]] - *mu);
        *sigma = r > 1 ? sqrt(ss / (double)(r - 1)) : NAN;
    }
}

/* One metric-year: elementary effects ee [k x r], moments, bootstrap interval of mu*. */
static void morris_cell(const sens *s, size_t c, sens_result *res, double *ee, size_t *idx,
                        double *boot, gsl_rng *rng)
{
    const morris_state *m = s->state;
    size_t k = m->k, r = m->r, B = s->o.n_boot, at = c * k;
    for (size_t t = 0; t < r; t++)
        for (size_t st = 0; st < k; st++) {
            size_t row = t * (k + 1) + st, i = m->order[t * k + st];
            ee[i * r + t] = (sens_y(s, c, row + 1) - sens_y(s, c, row)) / m->delta[t * k + st];
        }
    for (size_t t = 0; t < r; t++)
        idx[t] = t;
    for (size_t i = 0; i < k; i++)
        morris_moments(ee + i * r, r, idx, &res->mu_star[at + i], &res->mu[at + i], &res->sigma[at + i]);
    for (size_t b = 0; b < B; b++) {
        sens_resample(s, rng, b, r, idx);
        for (size_t i = 0; i < k; i++) {
            double mu;
            morris_moments(ee + i * r, r, idx, &boot[i * B + b], &mu, NULL);
        }
    }
    for (size_t i = 0; i < k; i++)
        sens_percentile(boot + i * B, B, s->o.level, &res->mu_star_lower[at + i],
                        &res->mu_star_upper[at + i]);
}

static void morris_estimate(const sens *s, sens_result *res, int threads)
{
    const morris_state *m = s->state;
    int nt = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel num_threads(nt)
    {
        double *ee = phx_malloc(m->k * m->r * sizeof *ee);
        size_t *idx = phx_malloc(m->r * sizeof *idx);
        double *boot = phx_malloc(m->k * s->o.n_boot * sizeof *boot);
        gsl_rng *rng = gsl_rng_alloc(rng_philox);
#pragma omp for schedule(dynamic, 1)
        for (size_t c = 0; c < s->n_cells; c++)
            morris_cell(s, c, res, ee, idx, boot, rng);
        gsl_rng_free(rng);
        free(boot);
        free(idx);
        free(ee);
    }
}

static void morris_free(void *state)
{
    morris_state *m = state;
    if (m) {
        free(m->u);
        free(m->order);
        free(m->delta);
    }
    free(m);
}

static const sens_ops morris_ops = {
    morris_rows, morris_unit, morris_stream, morris_estimate, morris_free, 0, 1
};

/* Trajectory t, from the stream addressed by (seed, t). */
static void morris_trajectory(morris_state *m, size_t t, int p, gsl_rng *r, int *level)
{
    size_t k = m->k, *order = m->order + t * k;
    double *u = m->u + t * (k + 1) * k;
    for (size_t i = 0; i < k; i++) {
        level[i] = (int)gsl_rng_uniform_int(r, (unsigned long)p);
        order[i] = i;
    }
    gsl_ran_shuffle(r, order, k, sizeof *order);
    for (size_t i = 0; i < k; i++)
        u[i] = (level[i] + 0.5) / p;
    for (size_t st = 0; st < k; st++) {
        size_t i = order[st];
        int up = level[i] < p / 2;
        level[i] += up ? p / 2 : -p / 2;
        m->delta[t * k + st] = up ? 0.5 : -0.5;
        memcpy(u + (st + 1) * k, u + st * k, k * sizeof *u);
        u[(st + 1) * k + i] = (level[i] + 0.5) / p;
    }
}

int sens_morris_init(sens *s, phx_err *e)
{
    int p = s->o.levels;
    if (p < 2 || p % 2 != 0 || p > 1000)
        return phx_fail(e, PHX_EINPUT, NULL, 0, "--levels", "morris needs an even number of "
                        "levels from 2 to 1000, not %d", p);
    if (s->o.N < 2 || s->o.N > 0xFFFFFFFFu)
        return phx_fail(e, PHX_EINPUT, NULL, 0, "-N", "morris needs 2 to 2^32 trajectories");
    morris_state *m = phx_calloc(1, sizeof *m);
    m->k = s->fs->k;
    m->r = s->o.N;
    m->u = phx_malloc(m->r * (m->k + 1) * m->k * sizeof *m->u);
    m->order = phx_malloc(m->r * m->k * sizeof *m->order);
    m->delta = phx_malloc(m->r * m->k * sizeof *m->delta);
    int *level = phx_malloc(m->k * sizeof *level);
    gsl_rng *r = gsl_rng_alloc(rng_philox);
    for (size_t t = 0; t < m->r; t++) {
        rng_address(r, s->sc->seed, SENS_STREAM, SENS_PURPOSE_MORRIS, (uint32_t)t, 0);
        morris_trajectory(m, t, p, r, level);
    }
    gsl_rng_free(r);
    free(level);
    s->state = m;
    s->ops = &morris_ops;
    return PHX_OK;
}
