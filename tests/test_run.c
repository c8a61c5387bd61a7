/* test_run.c -- the replication loop, samplers and statistics, on the Ishigami model. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_statistics_double.h>
#include "testutil.h"
#include "../engine/run.h"
#include "../engine/stats.h"
#include "../models/models.h"

/* A sink that keeps everything (tests only: memory O(n)). */
typedef struct {
    size_t n_slots, row_len, next;
    double *theta, *rows;
    int out_of_order;
} keep_sink;

static int keep_block(void *ctx, const scenario *sc, const run_block *b, phx_err *e)
{
    keep_sink *k = ctx;
    if (b->first != k->next)
        k->out_of_order = 1;
    memcpy(k->theta + b->first * k->n_slots, b->theta, b->n * k->n_slots * sizeof(double));
    memcpy(k->rows + b->first * k->row_len, b->rows, b->n * k->row_len * sizeof(double));
    k->next = b->first + b->n;
    return PHX_OK;
}

static scenario *ishigami(long reps, const char *method)
{
    char n[32];
    snprintf(n, sizeof n, "%ld", reps);
    scenario_override ov[] = { { "-n", "scenario.replications", n }, { "--set", "scenario.years", "2021" },
                               { "--sampler", "scenario.sampler", method } };
    scenario *sc;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(scenario_defaults(&sc, &model_ishigami, ov, 3, &e), PHX_OK);
    return sc;
}

/* Run all replications with `threads` and `block`; returns the rows (caller frees). */
static double *run_all(scenario *sc, int threads, size_t block, sampler_kind kind, double **theta)
{
    size_t n = (size_t)sc->replications;
    keep_sink k = { sc->n_slots, sc->model->n_metrics * (size_t)sc->n_years, 0, NULL, NULL, 0 };
    k.theta = malloc(n * k.n_slots * sizeof(double));
    k.rows = malloc(n * k.row_len * sizeof(double));
    run_options o = { .threads = threads, .block = block, .sampler = kind };
    run_sink sink = { &k, keep_block };
    phx_err e = { 0 };
    CU_ASSERT_EQUAL(run_replications(sc, NULL, 0, n, &o, &sink, &e), PHX_OK);
    CU_ASSERT_FALSE(k.out_of_order);
    CU_ASSERT_EQUAL(k.next, n);
    if (theta)
        *theta = k.theta;
    else
        free(k.theta);
    return k.rows;
}

/* Closed form: mean a/2 = 3.5, variance 13.8446 (a = 7, b = 0.1). */
static void test_ishigami_moments(void)
{
    scenario *sc = ishigami(200000, "mc");
    double *y = run_all(sc, 0, 0, SAMPLER_MC, NULL);
    double mean = gsl_stats_mean(y, 1, 200000), var = gsl_stats_variance(y, 1, 200000);
    double se = sqrt(var / 200000);
    CU_ASSERT(fabs(mean - 3.5) < 3 * se);
    CU_ASSERT(fabs(var / 13.8446 - 1) < 0.01);
    free(y);
    scenario_free(sc);
}

/* Bit-identical rows at 1, 2, 3 and 8 threads and at any block size. */
static void test_thread_and_block_invariance(void)
{
    scenario *sc = ishigami(5000, "mc");
    double *ref = run_all(sc, 1, 1024, SAMPLER_MC, NULL);
    int threads[] = { 2, 3, 8 };
    for (int i = 0; i < 3; i++) {
        double *y = run_all(sc, threads[i], 1024, SAMPLER_MC, NULL);
        CU_ASSERT_EQUAL(memcmp(ref, y, 5000 * sizeof(double)), 0);
        free(y);
    }
    size_t blocks[] = { 1, 7, 333, 5000 };
    for (int i = 0; i < 4; i++) {
        double *y = run_all(sc, 2, blocks[i], SAMPLER_MC, NULL);
        CU_ASSERT_EQUAL(memcmp(ref, y, 5000 * sizeof(double)), 0);
        free(y);
    }
    free(ref);
    scenario_free(sc);
}

/* LHS: each random dimension has exactly one point in each of the n strata; invariant in
 * threads and blocks too. */
static void test_lhs_strata(void)
{
    enum { N = 1000 };
    scenario *sc = ishigami(N, "lhs");
    double *theta, *theta2;
    double *y = run_all(sc, 1, 100, SAMPLER_LHS, &theta);
    double *y2 = run_all(sc, 3, 37, SAMPLER_LHS, &theta2);
    CU_ASSERT_EQUAL(memcmp(theta, theta2, N * sc->n_slots * sizeof(double)), 0);
    for (size_t s = 0; s < sc->n_slots; s++) {
        if (!sc->slot_random[s])
            continue;
        int hit[N] = { 0 };
        for (size_t i = 0; i < N; i++) {
            double u = (theta[i * sc->n_slots + s] + 3.141592653589793) / (2 * 3.141592653589793);   /* U(-pi, pi) -> (0,1) */
            int k = (int)(u * N);
            if (k >= 0 && k < N)
                hit[k]++;
        }
        int ones = 0;
        for (int k = 0; k < N; k++)
            ones += hit[k] == 1;
        CU_ASSERT_EQUAL(ones, N);
    }
    free(y);
    free(y2);
    free(theta);
    free(theta2);
    scenario_free(sc);
}

/* Sobol and LHS estimate the Ishigami mean better than plain MC at equal n: over 10 seeds, the
 * root-mean-square error of the mean from 4,096 points is smaller with Sobol than with MC. */
static void test_sobol_beats_mc(void)
{
    double err_mc = 0, err_sobol = 0;
    for (int seed = 1; seed <= 10; seed++) {
        char s[16];
        snprintf(s, sizeof s, "%d", seed);
        for (int kind = 0; kind < 2; kind++) {
            scenario_override ov[] = { { "-n", "scenario.replications", "4096" },
                                       { "--set", "scenario.years", "2021" },
                                       { "--seed", "scenario.seed", s } };
            scenario *sc;
            phx_err e = { 0 };
            CU_ASSERT_EQUAL_FATAL(scenario_defaults(&sc, &model_ishigami, ov, 3, &e), PHX_OK);
            double *y = run_all(sc, 2, 500, kind ? SAMPLER_SOBOL : SAMPLER_MC, NULL);
            double d = gsl_stats_mean(y, 1, 4096) - 3.5;
            *(kind ? &err_sobol : &err_mc) += d * d;
            free(y);
            scenario_free(sc);
        }
    }
    CU_ASSERT(err_sobol < err_mc);
}

/* A range split across two calls (as MPI ranks would) gives the same rows as one call. */
static void test_split_ranges(void)
{
    scenario *sc = ishigami(3000, "lhs");
    double *ref = run_all(sc, 1, 0, SAMPLER_LHS, NULL);
    keep_sink k = { sc->n_slots, 1, 0, NULL, NULL, 0 };
    k.theta = malloc(3000 * k.n_slots * sizeof(double));
    k.rows = malloc(3000 * sizeof(double));
    run_options o = { .threads = 2, .sampler = SAMPLER_LHS };
    run_sink sink = { &k, keep_block };
    phx_err e = { 0 };
    CU_ASSERT_EQUAL(run_replications(sc, NULL, 0, 1234, &o, &sink, &e), PHX_OK);
    CU_ASSERT_EQUAL(run_replications(sc, NULL, 1234, 1766, &o, &sink, &e), PHX_OK);
    CU_ASSERT_EQUAL(memcmp(ref, k.rows, 3000 * sizeof(double)), 0);
    free(k.theta);
    free(k.rows);
    free(ref);
    scenario_free(sc);
}

/* A caller-supplied design: theta rows given in reverse order give the reference rows reversed,
 * at any thread count and block size. */
typedef struct { const double *theta; size_t n, n_slots; int streamed; } rev_design;

static void rev_fill(void *ctx, const scenario *sc, size_t first, size_t n, double *theta)
{
    const rev_design *d = ctx;
    for (size_t i = 0; i < n; i++)
        memcpy(theta + i * d->n_slots, d->theta + (d->n - 1 - (first + i)) * d->n_slots,
               d->n_slots * sizeof *theta);
}

static uint32_t rev_stream(void *ctx, size_t i)
{
    rev_design *d = ctx;
#pragma omp atomic
    d->streamed++;                  /* stream() is called from the worker threads */
    return (uint32_t)i;
}

static void test_design(void)
{
    scenario *sc = ishigami(1000, "mc");
    double *theta;
    double *ref = run_all(sc, 1, 0, SAMPLER_MC, &theta);
    rev_design d = { theta, 1000, sc->n_slots, 0 };
    run_design design = { &d, rev_fill, rev_stream };
    for (int threads = 1; threads <= 3; threads += 2) {
        keep_sink k = { sc->n_slots, 1, 0, NULL, NULL, 0 };
        k.theta = malloc(1000 * k.n_slots * sizeof(double));
        k.rows = malloc(1000 * sizeof(double));
        run_options o = { .threads = threads, .block = threads == 1 ? 0 : 77, .design = &design };
        run_sink sink = { &k, keep_block };
        phx_err e = { 0 };
        CU_ASSERT_EQUAL(run_replications(sc, NULL, 0, 1000, &o, &sink, &e), PHX_OK);
        size_t bad = 0;
        for (size_t i = 0; i < 1000; i++)
            bad += k.rows[i] != ref[999 - i];
        CU_ASSERT_EQUAL(bad, 0);
        free(k.theta);
        free(k.rows);
    }
    CU_ASSERT_EQUAL(d.streamed, 2000);
    free(theta);
    free(ref);
    scenario_free(sc);
}

static void test_stats(void)
{
    double x[] = { 5, 1, 4, 2, 3, 6, 7, 8, 9, 10 };
    stats_summary s;
    stats_summarize(x, 10, 1, 8, METRIC_MORE, &s);
    CU_ASSERT_DOUBLE_EQUAL(s.mean, 5.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s.sd, sqrt(82.5 / 9), 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s.q[3], 5.5, 1e-12);          /* median */
    CU_ASSERT_DOUBLE_EQUAL(s.q[0], 1.45, 1e-12);         /* GSL: (n-1) p interpolation */
    CU_ASSERT_DOUBLE_EQUAL(s.p_target, 0.3, 1e-12);      /* 8, 9, 10 */
    CU_ASSERT(s.p_lower < 0.3 && s.p_upper > 0.3);
    stats_summarize(x, 10, 1, 2, METRIC_LESS, &s);
    CU_ASSERT_DOUBLE_EQUAL(s.p_target, 0.2, 1e-12);
    /* Wilson: 0 of 10 -> [0, 0.2775]; 10 of 10 -> [0.7225, 1] */
    double lo, hi;
    stats_wilson(0, 10, 0.95, &lo, &hi);
    CU_ASSERT_DOUBLE_EQUAL(lo, 0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(hi, 0.27753, 1e-4);
    stats_wilson(10, 10, 0.95, &lo, &hi);
    CU_ASSERT_DOUBLE_EQUAL(lo, 0.72247, 1e-4);
    stats_wilson(50, 100, 0.95, &lo, &hi);
    CU_ASSERT_DOUBLE_EQUAL(lo, 0.40383, 1e-4);
    CU_ASSERT_DOUBLE_EQUAL(hi, 0.59617, 1e-4);
    stats_summarize(x, 10, 0, 0, METRIC_MORE, &s);
    CU_ASSERT(isnan(s.p_target));
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "Ishigami: mean within 3 SE of 3.5, variance within 1% of 13.8446", test_ishigami_moments },
        { "identical rows at 1, 2, 3, 8 threads and any block size", test_thread_and_block_invariance },
        { "Latin hypercube: one point per stratum, thread-invariant", test_lhs_strata },
        { "Sobol: smaller error of the mean than MC", test_sobol_beats_mc },
        { "split replication ranges give the same rows", test_split_ranges },
        { "a caller-supplied design: its theta rows and streams", test_design },
        { "statistics: moments, quantiles, P(target), Wilson", test_stats },
        CU_TEST_INFO_NULL,
    };
    return tu_run("run", tests);
}
