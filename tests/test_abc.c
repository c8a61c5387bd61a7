/* test_abc.c -- ABC-SMC (engine/abc.c) against closed forms: a normal mean of known variance
 * with a conjugate normal prior, defined here as a tiny model; reproducibility across threads;
 * and synthetic truth on the tlhn model (small population). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "testutil.h"
#include "../engine/abc.h"
#include "../engine/observed.h"
#include "../engine/rng.h"
#include "../engine/run.h"
#include "../models/models.h"

/* ---- the conjugate model: ybar = mu + s z, z ~ N(0, 1), prior mu ~ N(M0, T0) ------------- */

#define M0 0.0
#define T0 1.0
#define S 0.5           /* sd of ybar (sigma / sqrt(n): sigma 1, n 4) */
#define Y_OBS 0.8

static const param_def norm_params[] = {
    { "normal.mu", PARAM_REAL, PARAM_RANDOM, "1", -INFINITY, INFINITY, "normal(0, 1)", NULL, "mean" },
};
static const metric_def norm_metrics[] = {
    { "ybar", "1", "sample mean", "样本均值", METRIC_MORE, METRIC_STATE, 0 },
};

static int norm_prepare(const struct scenario *sc, void **shared, phx_err *e)
{
    *shared = NULL;
    return PHX_OK;
}

static void *norm_scratch_alloc(const void *shared)
{
    return gsl_rng_alloc(rng_philox);
}

static void norm_scratch_free(void *s)
{
    gsl_rng_free(s);
}

static int norm_simulate(const void *shared, void *scratch, const replication_ctx *rc, double *row,
                         double *group_row)
{
    rng_address(scratch, rc->seed, rc->replication, RNG_PURPOSE_MODEL, 0, 0);
    row[0] = THETA(rc, 0) + S * gsl_ran_gaussian_ziggurat(scratch, 1.0);
    return PHX_OK;
}

static const model_type model_norm = {
    .name = "normal", .description = "normal mean, known variance", .params = norm_params,
    .n_params = 1, .metrics = norm_metrics, .n_metrics = 1, .prepare = norm_prepare,
    .scratch_alloc = norm_scratch_alloc, .scratch_free = norm_scratch_free,
    .simulate = norm_simulate,
};

static scenario *norm_scenario(void)
{
    scenario_override ov[] = { { "--set", "scenario.years", "2021" } };
    scenario *sc = NULL;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(scenario_defaults(&sc, &model_norm, ov, 1, &e), PHX_OK);
    return sc;
}

static observed *norm_observed(const scenario *sc, char **dir)
{
    *dir = tu_tmpdir();
    char path[512], text[256];
    snprintf(path, sizeof path, "%s/obs.csv", *dir);
    snprintf(text, sizeof text, "metric,year,value,sd,source\nybar,2021,%.17g,%.17g,test\n", Y_OBS, S);
    CU_ASSERT_EQUAL_FATAL(tu_write(path, text), 0);
    observed *o = NULL;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(observed_load(path, sc, &o, &e), PHX_OK);
    return o;
}

/* Run to the end; returns the calibration (caller frees). */
static abc *calibrate(const scenario *sc, const observed *o, size_t n, double eps, int threads,
                      size_t block)
{
    abc_settings s;
    abc_settings_default(&s);
    s.particles = n;
    s.max_generations = 30;
    s.tolerance_final = eps;
    s.threads = threads;
    s.block = block;
    phx_err e = { 0 };
    abc *a = abc_alloc(sc, NULL, o, &s, &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    while (abc_test(a) == ABC_CONTINUE)
        CU_ASSERT_EQUAL_FATAL(abc_iterate(a, &e), PHX_OK);
    return a;
}

static void moments(const abc_generation *g, double *mean, double *var)
{
    double m = 0, v = 0;
    for (size_t i = 0; i < g->n; i++)
        m += g->weight[i] * g->theta[i];
    for (size_t i = 0; i < g->n; i++)
        v += g->weight[i] * (g->theta[i] - m) * (g->theta[i] - m);
    *mean = m;
    *var = v;
}

/* The exact ABC posterior at tolerance eps (uniform kernel of half-width eps S on ybar):
 * prior x [Phi((y - mu)/S + eps) - Phi((y - mu)/S - eps)], moments by quadrature. */
static void abc_exact(double eps, double *mean, double *var)
{
    double z = 0, m1 = 0, m2 = 0, h = 1e-4;
    for (double mu = -6; mu <= 6; mu += h) {
        double t = (Y_OBS - mu) / S;
        double w = gsl_ran_gaussian_pdf(mu - M0, T0) *
                   (gsl_cdf_ugaussian_P(t + eps) - gsl_cdf_ugaussian_P(t - eps));
        z += w;
        m1 += w * mu;
        m2 += w * mu * mu;
    }
    *mean = m1 / z;
    *var = m2 / z - *mean * *mean;
}

/* Closed form: posterior N(mean_n, var_n), var_n = 1 / (1/T0^2 + 1/S^2) = 0.2, mean_n = 0.64.
 * As the final tolerance shrinks from 1 to 0.1 (in units of S), the ABC posterior goes from
 * visibly wider (exact ABC variance 0.25 at eps = 1) to the closed form: at eps = 0.1 its mean
 * is within 0.03 (0.07 posterior sd; 2,000 particles) and its variance within 10% of it. At
 * every tolerance it matches the exact ABC posterior of that tolerance (mean within 0.03,
 * variance within 10%). */
static void test_conjugate_normal(void)
{
    scenario *sc = norm_scenario();
    char *dir;
    observed *o = norm_observed(sc, &dir);
    double var_n = 1 / (1 / (T0 * T0) + 1 / (S * S)), mean_n = var_n * (M0 / (T0 * T0) + Y_OBS / (S * S));
    double eps[] = { 1.0, 0.3, 0.1 }, err_var[3];
    for (int k = 0; k < 3; k++) {
        abc *a = calibrate(sc, o, 2000, eps[k], 2, 0);
        CU_ASSERT_EQUAL(abc_stop_reason(a), ABC_STOP_TOLERANCE);
        const abc_generation *g = abc_generation_at(a, abc_n_generations(a) - 1);
        CU_ASSERT_DOUBLE_EQUAL(g->tolerance, eps[k], 1e-12);
        double m, v, em, ev;
        moments(g, &m, &v);
        abc_exact(eps[k], &em, &ev);
        printf("\n  eps %.1f: ABC mean %.4f var %.4f | exact ABC %.4f %.4f | posterior %.4f %.4f | "
               "%zu generations, ESS %.0f", eps[k], m, v, em, ev, mean_n, var_n, abc_n_generations(a), g->ess);
        CU_ASSERT(fabs(m - em) < 0.03);
        CU_ASSERT(fabs(v / ev - 1) < 0.10);
        err_var[k] = fabs(v / var_n - 1);
        if (k == 2) {
            CU_ASSERT(fabs(m - mean_n) < 0.03);
            CU_ASSERT(err_var[k] < 0.10);
        }
        abc_free(a);
    }
    CU_ASSERT(err_var[0] > 0.15);          /* eps = 1 is visibly too wide (exact: +25%) */
    CU_ASSERT(err_var[2] < err_var[0]);
    observed_free(o);
    scenario_free(sc);
    free(dir);
}

/* Every generation's particles, weights, distances and tolerances are the same bits at 1 and 2
 * threads and at any block size. */
static void test_threads_identical(void)
{
    scenario *sc = norm_scenario();
    char *dir;
    observed *o = norm_observed(sc, &dir);
    abc *a = calibrate(sc, o, 500, 0.2, 1, 0), *b = calibrate(sc, o, 500, 0.2, 2, 37);
    CU_ASSERT_EQUAL_FATAL(abc_n_generations(a), abc_n_generations(b));
    for (size_t g = 0; g < abc_n_generations(a); g++) {
        const abc_generation *x = abc_generation_at(a, g), *y = abc_generation_at(b, g);
        CU_ASSERT_EQUAL(memcmp(x->theta, y->theta, x->n * sizeof(double)), 0);
        CU_ASSERT_EQUAL(memcmp(x->weight, y->weight, x->n * sizeof(double)), 0);
        CU_ASSERT_EQUAL(memcmp(x->distance, y->distance, x->n * sizeof(double)), 0);
        CU_ASSERT_EQUAL(memcmp(&x->tolerance, &y->tolerance, sizeof(double)), 0);
        CU_ASSERT_EQUAL(x->n_considered, y->n_considered);
    }
    abc_free(a);
    abc_free(b);
    observed_free(o);
    scenario_free(sc);
    free(dir);
}

/* ---- synthetic truth on tlhn (small population) ---------------------------------------- */

#define TRUE_GROWTH 0.04
#define TRUE_LANDING 0.6

static const char *const syn_set[][2] = {
    { "population.scale", "0.05" }, { "attract.major_per_year", "40" },
    { "attract.other_per_year", "20" }, { "land.new_supply_per_year", "1e9" },
    { "rectify.upgrade.energy_cut", "0.15" }, { "fund.buyback_price", "90" },
    { "rectify.firms_per_year", "15" }, { "attract.va_per_mu", "20" },
    { "economy.sigma_common", "0.01" },
};
#define N_SYN (sizeof syn_set / sizeof syn_set[0])

static scenario *syn_scenario(const char *growth, const char *landing, const char *seed)
{
    scenario_override ov[N_SYN + 3];
    for (size_t k = 0; k < N_SYN; k++)
        ov[k] = (scenario_override){ "--set", syn_set[k][0], syn_set[k][1] };
    ov[N_SYN] = (scenario_override){ "--set", "economy.growth", growth };
    ov[N_SYN + 1] = (scenario_override){ "--set", "attract.landing_rate", landing };
    ov[N_SYN + 2] = (scenario_override){ "--seed", "scenario.seed", seed };
    scenario *sc = NULL;
    phx_err e = { 0 };
    int st = scenario_defaults(&sc, &model_tlhn, ov, N_SYN + 3, &e);
    if (st)
        printf("%s\n", e.msg);
    CU_ASSERT_EQUAL_FATAL(st, PHX_OK);
    return sc;
}

typedef struct { double row[4096]; size_t len; } one_row;

static int one_block(void *ctx, const scenario *sc, const run_block *b, phx_err *e)
{
    one_row *r = ctx;
    memcpy(r->row, b->rows, r->len * sizeof(double));
    return PHX_OK;
}

/* Data simulated at the truth (another seed): va_total_yi and projects_major_landed_year of
 * 2021-2023, sd 2% and 3 projects. Writes obs.csv into dir. */
static void syn_data(const char *dir)
{
    scenario *sc = syn_scenario("0.04", "0.6", "777");
    void *shared = NULL;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(sc->model->prepare(sc, &shared, &e), PHX_OK);
    one_row r = { .len = sc->model->n_metrics * (size_t)sc->n_years };
    CU_ASSERT_FATAL(r.len <= 4096);
    run_options o = { .threads = 1 };
    run_sink sink = { &r, one_block };
    CU_ASSERT_EQUAL_FATAL(run_replications(sc, shared, 0, 1, &o, &sink, &e), PHX_OK);
    char path[512], text[2048] = "metric,year,value,sd,source\n";
    const char *metric[2] = { "va_total_yi", "projects_major_landed_year" };
    for (int m = 0; m < 2; m++)
        for (int y = 0; y < 3; y++) {
            double v = r.row[(size_t)model_metric_find(sc->model, metric[m]) * 3 + (size_t)y];
            snprintf(text + strlen(text), sizeof text - strlen(text), "%s,%d,%.17g,%.17g,synthetic\n",
                     metric[m], 2021 + y, v, m == 0 ? 0.02 * v : 3.0);
        }
    snprintf(path, sizeof path, "%s/obs.csv", dir);
    CU_ASSERT_EQUAL_FATAL(tu_write(path, text), 0);
    sc->model->shared_free(shared);
    scenario_free(sc);
}

/* The posterior 90% intervals of growth and landing rate contain the truth and are narrower
 * than the priors' (uniform(-0.02, 0.10): 0.108; uniform(0.2, 0.9): 0.63). 300 particles,
 * 6 generations, about 10 s on 2 cores. */
static void test_synthetic_truth(void)
{
    char *dir = tu_tmpdir(), path[512];
    syn_data(dir);
    scenario *sc = syn_scenario("uniform(-0.02, 0.10)", "uniform(0.2, 0.9)", "20211228");
    void *shared = NULL;
    observed *o = NULL;
    phx_err e = { 0 };
    snprintf(path, sizeof path, "%s/obs.csv", dir);
    CU_ASSERT_EQUAL_FATAL(observed_load(path, sc, &o, &e), PHX_OK);
    CU_ASSERT_EQUAL_FATAL(sc->model->prepare(sc, &shared, &e), PHX_OK);
    abc_settings s;
    abc_settings_default(&s);
    s.particles = 300;
    s.max_generations = 6;
    s.threads = 2;
    abc *a = abc_alloc(sc, shared, o, &s, &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    while (abc_test(a) == ABC_CONTINUE)
        CU_ASSERT_EQUAL_FATAL(abc_iterate(a, &e), PHX_OK);
    CU_ASSERT_EQUAL_FATAL(abc_n_dim(a), 2);
    const abc_generation *g = abc_generation_at(a, abc_n_generations(a) - 1);
    double truth[2] = { TRUE_GROWTH, TRUE_LANDING }, prior_width[2] = { 0.9 * 0.12, 0.9 * 0.7 };
    for (size_t d = 0; d < 2; d++) {
        double lo = abc_weighted_quantile(g->theta + d, 2, g->weight, g->n, 0.05);
        double hi = abc_weighted_quantile(g->theta + d, 2, g->weight, g->n, 0.95);
        printf("\n  %s: 90%% %.4g - %.4g (truth %.4g, prior width %.4g), tolerance %.3g",
               sc->slot_names[abc_dim_slots(a)[d]], lo, hi, truth[d], prior_width[d], g->tolerance);
        CU_ASSERT(lo <= truth[d] && truth[d] <= hi);
        CU_ASSERT(hi - lo < 0.6 * prior_width[d]);
    }
    abc_free(a);
    observed_free(o);
    sc->model->shared_free(shared);
    scenario_free(sc);
    free(dir);
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "conjugate normal: ABC posterior -> closed form as the tolerance shrinks", test_conjugate_normal },
        { "identical generations at 1 and 2 threads, any block size", test_threads_identical },
        { "synthetic truth on tlhn: 90% intervals hold the truth, narrower than the prior", test_synthetic_truth },
        CU_TEST_INFO_NULL
    };
    return tu_run("abc", tests);
}
