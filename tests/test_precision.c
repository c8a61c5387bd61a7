/* test_precision.c -- precision control (engine/precision.c): the accumulator against closed-form
 * moments, and the batch loop on the Ishigami model, whose variance is known. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "../engine/precision.h"
#include "../engine/run.h"
#include "../models/models.h"

/* 1, 3, 1, 3, ...: mean 2, sample variance n / (n - 1). */
static precision *alternating(size_t n, size_t batch)
{
    int dir = 1;
    double target = 0;
    precision *p = precision_alloc(1, &dir, &target, batch);
    for (size_t first = 0; first < n; first += batch) {
        size_t nb = n - first < batch ? n - first : batch;
        precision_begin_batch(p, first, nb);
        for (size_t i = nb; i-- > 0;)             /* any order within the batch */
            precision_put(p, 0, first + i, (first + i) % 2 ? 3.0 : 1.0);
        precision_end_batch(p);
    }
    return p;
}

static void test_accumulator(void)
{
    precision *p = alternating(1000, 100);
    double mean, var;
    size_t met;
    precision_moments(p, 0, &mean, &var, &met);
    CU_ASSERT_EQUAL(precision_count(p), 1000);
    CU_ASSERT_DOUBLE_EQUAL(mean, 2.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(var, 1000.0 / 999.0, 1e-9);
    CU_ASSERT_EQUAL(met, 1000);
    /* 95% half-width of the mean: 1.96 x sqrt(var / n) = 0.06201; rel x |mean| = 2 rel. */
    CU_ASSERT_FALSE(precision_test(p, 0.030));
    CU_ASSERT_TRUE(precision_test(p, 0.032));
    /* The same values in one batch: the same sums, bit for bit. */
    precision *q = alternating(1000, 1000);
    double mean2, var2;
    size_t met2;
    precision_moments(q, 0, &mean2, &var2, &met2);
    CU_ASSERT(mean2 == mean && var2 == var && met2 == met);
    precision_free(q);
    precision_free(p);
}

/* The Wilson part: half the values meet the target; half-width 1.96 x sqrt(1/4n) ~ 0.031 at
 * n = 1000, so rel 0.03 fails and 0.035 passes (the mean part is loose: values 1 and 3). */
static void test_wilson_part(void)
{
    int dir = 1;
    double target = 2;
    precision *p = precision_alloc(1, &dir, &target, 1000);
    precision_begin_batch(p, 0, 1000);
    for (size_t i = 0; i < 1000; i++)
        precision_put(p, 0, i, i % 2 ? 3.0 : 1.0);
    precision_end_batch(p);
    CU_ASSERT_FALSE(precision_test(p, 0.030));
    CU_ASSERT_TRUE(precision_test(p, 0.035));
    precision_free(p);
}

/* An empty accumulator never meets the criterion. */
static void test_empty(void)
{
    int dir = -1;
    double target = 1;
    precision *p = precision_alloc(1, &dir, &target, 10);
    CU_ASSERT_FALSE(precision_test(p, 0.9));
    precision_free(p);
}

/* A sink that keeps the last-year value of metric 0 (Ishigami's y). */
typedef struct {
    double *y;
    size_t cap;
} keep_y;

static int keep_block(void *ctx, const scenario *sc, const run_block *b, phx_err *e)
{
    keep_y *k = ctx;
    for (size_t i = 0; i < b->n; i++)
        if (b->first + i < k->cap)
            k->y[b->first + i] = b->rows[i * sc->model->n_metrics];
    return PHX_OK;
}

static scenario *ishigami(void)
{
    scenario_override ov[] = { { "--set", "scenario.years", "2021" }, { "--set", "targets.y", "3.5" } };
    scenario *sc;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(scenario_defaults(&sc, &model_ishigami, ov, 2, &e), PHX_OK);
    return sc;
}

/* Does the criterion hold for the first n values? */
static int holds(const double *y, size_t n, double rel)
{
    int dir = 1;
    double target = 3.5;
    precision *p = precision_alloc(1, &dir, &target, n);
    precision_begin_batch(p, 0, n);
    for (size_t i = 0; i < n; i++)
        precision_put(p, 0, i, y[i]);
    precision_end_batch(p);
    int ok = precision_test(p, rel);
    precision_free(p);
    return ok;
}

static size_t run_to_precision(scenario *sc, int threads, size_t block, double rel, size_t max,
                               keep_y *k, run_record *rec)
{
    run_options o = { .threads = threads, .block = block, .sampler = SAMPLER_MC };
    run_sink sink = { k, keep_block };
    precision_spec spec = { rel, 100, max };
    phx_err e = { 0 };
    long asked = sc->replications;
    CU_ASSERT_EQUAL(precision_run(sc, NULL, &o, &sink, &spec, run_replications, NULL, rec, &e), PHX_OK);
    CU_ASSERT_EQUAL(sc->replications, asked);          /* the scenario is not changed */
    return rec->replications;
}

/* Ishigami (a = 7, b = 0.1): mean 3.5, variance 13.8446. At rel = 0.05 the mean's half-width
 * needs n ~ (1.96 x 3.7208 / 0.175)^2 = 1737 (P(y >= 3.5)'s needs ~ 384): the stop is the first
 * batch end where the criterion holds, near 1737, the same at any thread count and block. */
static void test_ishigami_stop(void)
{
    scenario *sc = ishigami();
    keep_y k = { calloc(5000, sizeof(double)), 5000 };
    run_record rec;
    size_t n = run_to_precision(sc, 1, 0, 0.05, 5000, &k, &rec);
    CU_ASSERT(n >= 1400 && n <= 2100);
    CU_ASSERT_EQUAL(n % 100, 0);
    CU_ASSERT_TRUE(rec.precision_reached);
    CU_ASSERT_STRING_EQUAL(rec.stopped, RUN_STOP_PRECISION);
    CU_ASSERT_TRUE(holds(k.y, n, 0.05));
    CU_ASSERT_FALSE(holds(k.y, n - 100, 0.05));
    run_record rec2;
    CU_ASSERT_EQUAL(run_to_precision(sc, 3, 37, 0.05, 5000, &k, &rec2), n);
    /* Out of replications first: stopped by the cap, not reached. */
    CU_ASSERT_EQUAL(run_to_precision(sc, 2, 0, 0.001, 450, &k, &rec), 450);
    CU_ASSERT_FALSE(rec.precision_reached);
    CU_ASSERT_STRING_EQUAL(rec.stopped, RUN_STOP_MAX);
    free(k.y);
    scenario_free(sc);
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "accumulator: closed-form mean and variance, half-width threshold", test_accumulator },
        { "accumulator: the Wilson part of the criterion", test_wilson_part },
        { "accumulator: no values, no precision", test_empty },
        { "Ishigami: stops near n = 1737 at rel 0.05, at any threads and block", test_ishigami_stop },
        CU_TEST_INFO_NULL,
    };
    return tu_run("precision", tests);
}
