/* saltelli.c -- Sobol' indices: Saltelli's design (matrices A, B and the k matrices A_B^i) on a
 * randomised Sobol' sequence (GSL's gsl_qrng_sobol, shifted by a random Cranley-Patterson
 * rotation), first-order indices by Saltelli et al. (2010, Comput. Phys. Commun. 181, 259-270,
 * table 2 (b)), total indices by Jansen (1999, ibid. 117, 35-43), percentile bootstrap intervals
 * over base samples.
 *
 * The model's own chance is a factor of its own. Base sample j gives k + 3 rows:
 *   A_j, B_j, A_B^1_j .. A_B^k_j   on random stream 2j (common random numbers: the model's draws
 *                                  cancel in the differences the estimators take);
 *   A'_j = A_j                     on stream 2j + 1 (the same inputs, other draws).
 * For chance the roles are: "A" = A', "B" = B, "A_B" = A (B and A share the stream only), so the
 * same two estimators give its first-order and total indices:
 *   S1_chance = mean f(B)(f(A) - f(A')) / V,   ST_chance = mean (f(A) - f(A'))^2 / 2V,
 * where ST_chance is the share of variance left at fixed inputs, E[Var(Y | x)] / V.
 * f(B) is centred on the mean of the resample in every S1 product (the expectation is the same,
 * since E[f(A_B^i) - f(A)] = 0, but a metric with a large mean no longer swamps the estimate). */
#include "sens_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>
#include <gsl/gsl_qrng.h>
#include "rng.h"

#define SOBOL_MAX_DIM 40      /* gsl_qrng_sobol */

typedef struct sobol_state {
    size_t k, N, R;           /* factors, base samples, rows per base sample (k + 3; 2k + 3 with S2) */
    int s2;                   /* second-order indices: the rows B_A^i too */
    double *pts;              /* [N x 2k]: A_j then B_j, shifted, in (0, 1) */
} sobol_state;

static size_t sobol_rows(const sens *s)
{
    const sobol_state *q = s->state;
    return q->N * q->R;
}

static void sobol_unit(const sens *s, size_t row, double *u)
{
    const sobol_state *q = s->state;
    size_t j = row / q->R, t = row % q->R;
    const double *a = q->pts + j * 2 * q->k, *b = a + q->k;
    memcpy(u, t == 1 ? b : a, q->k * sizeof *u);
    if (t >= 2 && t < 2 + q->k)
        u[t - 2] = b[t - 2];
    if (q->s2 && t >= 2 + q->k && t < 2 + 2 * q->k) {    /* B_A^i: B with coordinate i from A */
        memcpy(u, b, q->k * sizeof *u);
        u[t - 2 - q->k] = a[t - 2 - q->k];
    }
}

static uint32_t sobol_stream(const sens *s, size_t row)
{
    const sobol_state *q = s->state;
    size_t j = row / q->R, t = row % q->R;
    return (uint32_t)(2 * j + (t == q->R - 1));
}

/* S1[0..k] and ST[0..k] (k: chance) of one metric-year from f [R x N] (row t of base sample j at
 * f[t * N + j]: 0 A, 1 B, 2.. A_B^i, (2 + k.. B_A^i,) R-1 A'), over the base samples
 * idx[0..N-1]; the mean and variance of f(A), f(B) in mv[0], mv[1]. */
static void sobol_indices(const double *f, size_t N, size_t k, size_t R, const size_t *idx,
                          double *S1, double *ST, double *mv)
{
    const double *fA = f, *fB = f + N, *fA2 = f + (R - 1) * N;
    double sum = 0, ss = 0;
    for (size_t n = 0; n < N; n++)
        sum += fA[idx[n]] + fB[idx[n]];
    double mean = sum / (2.0 * (double)N);
    for (size_t n = 0; n < N; n++) {
        double a = fA[idx[n]] - mean, b = fB[idx[n]] - mean;
        ss += a * a + b * b;
    }
    double V = N > 0 ? ss / (2.0 * (double)N - 1) : NAN;
    mv[0] = mean;
    mv[1] = V;
    for (size_t i = 0; i <= k; i++) {
        const double *fAB = i < k ? f + (2 + i) * N : fA;   /* chance: A' in A's role */
        const double *fa = i < k ? fA : fA2;
        double s1 = 0, st = 0;
        for (size_t n = 0; n < N; n++) {
            size_t j = idx[n];
            double d = fAB[j] - fa[j];
            s1 += (fB[j] - mean) * d;
            st += d * d;
        }
        S1[i] = V > 0 && isfinite(V) ? s1 / (double)N / V : NAN;
        ST[i] = V > 0 && isfinite(V) ? st / (2.0 * (double)N) / V : NAN;
    }
}

/* One metric-year: gather its rows, point estimates, then the bootstrap intervals. */
static void sobol_cell(const sens *s, size_t c, sens_result *r, double *f, size_t *idx,
                       double *boot, gsl_rng *rng)
{
    const sobol_state *q = s->state;
    size_t N = q->N, K = q->k + 1, B = s->o.n_boot, at = c * K;
    for (size_t j = 0; j < N; j++)
        for (size_t t = 0; t < q->R; t++)
            f[t * N + j] = sens_y(s, c, j * q->R + t);
    for (size_t j = 0; j < N; j++)
        idx[j] = j;
    double mv[2];
    sobol_indices(f, N, q->k, q->R, idx, r->S1 + at, r->ST + at, mv);
    r->variance[c] = mv[1];
    double *b1 = boot, *bt = boot + B * K, *s1 = bt + B * K, *st = s1 + K;
    for (size_t b = 0; b < B; b++) {
        sens_resample(s, rng, b, N, idx);
        sobol_indices(f, N, q->k, q->R, idx, s1, st, mv);
        for (size_t i = 0; i < K; i++) {
            b1[i * B + b] = s1[i];
            bt[i * B + b] = st[i];
        }
    }
    for (size_t i = 0; i < K; i++) {
        sens_percentile(b1 + i * B, B, s->o.level, &r->S1_lower[at + i], &r->S1_upper[at + i]);
        sens_percentile(bt + i * B, B, s->o.level, &r->ST_lower[at + i], &r->ST_upper[at + i]);
    }
}

/* Second-order indices S2[K x K] (Saltelli 2002, Comput. Phys. Commun. 145, 280-297, eq. 12,
 * centred like S1): V_il = mean (f(B_A^i) - m)(f(A_B^l) - m) - (f(A) - m)(f(B) - m), S2 = V_il / V
 * - S1_i - S1_l, for factors i < l (symmetric; NaN on the diagonal and for chance). */
static void sobol_s2(const double *f, size_t N, size_t k, size_t R, const size_t *idx, double *S1,
                     double *ST, double *S2)
{
    size_t K = k + 1;
    double mv[2];
    sobol_indices(f, N, k, R, idx, S1, ST, mv);
    for (size_t i = 0; i < K * K; i++)
        S2[i] = NAN;
    const double *fA = f, *fB = f + N;
    for (size_t i = 0; i < k; i++)
        for (size_t l = i + 1; l < k; l++) {
            const double *fBA = f + (2 + k + i) * N, *fAB = f + (2 + l) * N;
            double sum = 0;
            for (size_t n = 0; n < N; n++) {
                size_t j = idx[n];
                sum += (fBA[j] - mv[0]) * (fAB[j] - mv[0]) - (fA[j] - mv[0]) * (fB[j] - mv[0]);
            }
            double v = mv[1] > 0 && isfinite(mv[1]) ? sum / (double)N / mv[1] - S1[i] - S1[l] : NAN;
            S2[i * K + l] = S2[l * K + i] = v;
        }
}

/* One metric-year's S2 and their bootstrap intervals (f already gathered by sobol_cell). */
static void sobol_cell_s2(const sens *s, size_t c, sens_result *r, const double *f, size_t *idx,
                          double *boot, gsl_rng *rng)
{
    const sobol_state *q = s->state;
    size_t N = q->N, K = q->k + 1, KK = K * K, B = s->o.n_boot, at = c * KK;
    double *s1 = boot + B * KK, *st = s1 + K, *s2 = st + K;
    for (size_t j = 0; j < N; j++)
        idx[j] = j;
    sobol_s2(f, N, q->k, q->R, idx, s1, st, r->S2 + at);
    for (size_t b = 0; b < B; b++) {
        sens_resample(s, rng, b, N, idx);
        sobol_s2(f, N, q->k, q->R, idx, s1, st, s2);
        for (size_t i = 0; i < KK; i++)
            boot[i * B + b] = s2[i];
    }
    for (size_t i = 0; i < KK; i++)
        sens_percentile(boot + i * B, B, s->o.level, &r->S2_lower[at + i], &r->S2_upper[at + i]);
}

static void sobol_estimate(const sens *s, sens_result *r, int threads)
{
    const sobol_state *q = s->state;
    size_t K = q->k + 1, B = s->o.n_boot;
    int nt = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel num_threads(nt)
    {
        double *f = phx_malloc(q->R * q->N * sizeof *f);
        size_t *idx = phx_malloc(q->N * sizeof *idx);
        size_t nb = q->s2 ? B * K * K + 2 * K + K * K : 2 * B * K + 2 * K;
        double *boot = phx_malloc(nb * sizeof *boot);
        gsl_rng *rng = gsl_rng_alloc(rng_philox);
#pragma omp for schedule(dynamic, 1)
        for (size_t c = 0; c < s->n_cells; c++) {
            sobol_cell(s, c, r, f, idx, boot, rng);
            if (q->s2)
                sobol_cell_s2(s, c, r, f, idx, boot, rng);
        }
        gsl_rng_free(rng);
        free(boot);
        free(idx);
        free(f);
    }
}

static void sobol_free(void *state)
{
    sobol_state *q = state;
    if (q)
        free(q->pts);
    free(q);
}

static const sens_ops sobol_ops = {
    sobol_rows, sobol_unit, sobol_stream, sobol_estimate, sobol_free, 1, 1
};

/* The base samples: points 0..N-1 of the 2k-dimensional Sobol' sequence, each dimension shifted
 * by its own uniform (addressed by the seed), modulo 1, kept inside (0, 1). */
static void sobol_points(sobol_state *q, uint64_t seed)
{
    size_t D = 2 * q->k;
    double *shift = phx_malloc(D * sizeof *shift);
    gsl_rng *r = gsl_rng_alloc(rng_philox);
    for (size_t d = 0; d < D; d++) {
        rng_address(r, seed, SENS_STREAM, SENS_PURPOSE_SOBOL, (uint32_t)d, 0);
        shift[d] = gsl_rng_uniform(r);
    }
    gsl_qrng *g = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)D);
    q->pts = phx_malloc(q->N * D * sizeof *q->pts);
    for (size_t j = 0; j < q->N; j++) {
        double *p = q->pts + j * D;
        gsl_qrng_get(g, p);
        for (size_t d = 0; d < D; d++) {
            p[d] += shift[d];
            if (p[d] >= 1)
                p[d] -= 1;
            if (p[d] <= 0)
                p[d] = 0x1p-53;
        }
    }
    gsl_qrng_free(g);
    gsl_rng_free(r);
    free(shift);
}

int sens_sobol_init(sens *s, phx_err *e)
{
    size_t k = s->fs->k;
    if (2 * k > SOBOL_MAX_DIM)
        return phx_fail(e, PHX_EINPUT, s->sc->path, 0, NULL, "sobol takes at most %d factors (the "
                        "design uses 2k Sobol' dimensions, GSL has %d); this scenario has %zu: "
                        "merge keys with --group or screen them with --method morris",
                        SOBOL_MAX_DIM / 2, SOBOL_MAX_DIM, k);
    if (s->o.N < 2 || 2 * s->o.N > 0xFFFFFFFFu)
        return phx_fail(e, PHX_EINPUT, NULL, 0, "-N", "sobol needs 2 to 2^31 base samples");
    sobol_state *q = phx_calloc(1, sizeof *q);
    q->k = k;
    q->N = s->o.N;
    q->s2 = s->o.second_order;
    q->R = q->s2 ? 2 * k + 3 : k + 3;
    sobol_points(q, s->sc->seed);
    s->state = q;
    s->ops = &sobol_ops;
    return PHX_OK;
}
