/* test_sensitivity.c -- Sobol', Morris and tornado analyses (engine/sensitivity.h) against
 * closed-form answers: the Ishigami function, Sobol's G-function, a linear model and a model
 * with additive noise of known variance drawn from the engine's streams. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "testutil.h"
#include "../engine/rng.h"
#include "../engine/run.h"
#include "../engine/sensitivity.h"
#include "../models/models.h"

/* ---- test models --------------------------------------------------------------------------- */

#define UNIT "uniform(0, 1)"

/* G-function (Sobol' 1998; Saltelli et al. 2010 §4): prod (|4 x_i - 2| + a_i) / (1 + a_i). */
static const param_def g_params[] = {
    { "g.x1", PARAM_REAL, PARAM_RANDOM, "1", 0, 1, UNIT, NULL, "x1" },
    { "g.x2", PARAM_REAL, PARAM_RANDOM, "1", 0, 1, UNIT, NULL, "x2" },
    { "g.x3", PARAM_REAL, PARAM_RANDOM, "1", 0, 1, UNIT, NULL, "x3" },
    { "g.x4", PARAM_REAL, PARAM_RANDOM, "1", 0, 1, UNIT, NULL, "x4" },
    { "g.x5", PARAM_REAL, PARAM_RANDOM, "1", 0, 1, UNIT, NULL, "x5" },
    { "g.x6", PARAM_REAL, PARAM_RANDOM, "1", 0, 1, UNIT, NULL, "x6" },
};
static const double g_a[6] = { 0, 1, 4.5, 9, 99, 99 };
static const metric_def y_metric[] = { { "y", "1", "y", "y", METRIC_MORE, METRIC_STATE, 0 } };

static int no_prepare(const struct scenario *sc, void **shared, phx_err *e)
{
    *shared = NULL;
    return PHX_OK;
}

static int g_simulate(const void *shared, void *scratch, const replication_ctx *rc, double *row,
                      double *group_row)
{
    double y = 1;
    for (int i = 0; i < 6; i++)
        y *= (fabs(4 * THETA(rc, i) - 2) + g_a[i]) / (1 + g_a[i]);
    for (int t = 0; t < rc->n_years; t++)
        row[t] = y;
    return PHX_OK;
}

static const model_type model_g = { .name = "g", .description = "G-function", .params = g_params,
                                    .n_params = 6, .metrics = y_metric, .n_metrics = 1,
                                    .prepare = no_prepare, .simulate = g_simulate };

/* Linear: y_t = sum c_i x_i + inter x1 x2 + shift_t + sigma * eps (eps ~ N(0,1) from the
 * replication's stream; sigma = 0: no chance). Metrics y and its square z = y^2. */
enum { L_C1, L_C2, L_C3, L_C4, L_X1, L_X2, L_X3, L_X4, L_INTER, L_SHIFT, L_SIGMA, L_N };
static const param_def lin_params[] = {
    { "lin.c1", PARAM_REAL, 0, "1", -INFINITY, INFINITY, "10", NULL, "c1" },
    { "lin.c2", PARAM_REAL, 0, "1", -INFINITY, INFINITY, "5", NULL, "c2" },
    { "lin.c3", PARAM_REAL, 0, "1", -INFINITY, INFINITY, "-1", NULL, "c3" },
    { "lin.c4", PARAM_REAL, 0, "1", -INFINITY, INFINITY, "0", NULL, "c4" },
    { "lin.x1", PARAM_REAL, PARAM_RANDOM, "1", -INFINITY, INFINITY, UNIT, NULL, "x1" },
    { "lin.x2", PARAM_REAL, PARAM_RANDOM, "1", -INFINITY, INFINITY, UNIT, NULL, "x2" },
    { "lin.x3", PARAM_REAL, PARAM_RANDOM, "1", -INFINITY, INFINITY, UNIT, NULL, "x3" },
    { "lin.x4", PARAM_REAL, PARAM_RANDOM, "1", -INFINITY, INFINITY, UNIT, NULL, "x4" },
    { "lin.inter", PARAM_REAL, 0, "1", -INFINITY, INFINITY, "0", NULL, "x1 x2 coefficient" },
    { "lin.shift", PARAM_REAL, PARAM_RANDOM | PARAM_PER_YEAR, "1", -INFINITY, INFINITY, "0", NULL,
      "added to y in each year" },
    { "lin.sigma", PARAM_REAL, 0, "1", 0, INFINITY, "0", NULL, "sd of the model's own noise" },
};
static const metric_def lin_metrics[] = {
    { "y", "1", "y", "y", METRIC_MORE, METRIC_STATE, 0 },
    { "z", "1", "y squared", "z", METRIC_LESS, METRIC_STATE, 0 },
};

static void *lin_scratch(const void *shared)
{
    return gsl_rng_alloc(rng_philox);
}

static void lin_scratch_free(void *s)
{
    gsl_rng_free(s);
}

static int lin_simulate(const void *shared, void *scratch, const replication_ctx *rc, double *row,
                        double *group_row)
{
    double y = THETA(rc, L_INTER) * THETA(rc, L_X1) * THETA(rc, L_X2);
    for (int i = 0; i < 4; i++)
        y += THETA(rc, L_C1 + i) * THETA(rc, L_X1 + i);
    rng_address(scratch, rc->seed, rc->replication, RNG_PURPOSE_MODEL, 0, 0);
    y += THETA(rc, L_SIGMA) * gsl_ran_gaussian_ziggurat(scratch, 1.0);
    for (int t = 0; t < rc->n_years; t++) {
        row[t] = y + THETA_Y(rc, L_SHIFT, t);
        row[rc->n_years + t] = row[t] * row[t];
    }
    return PHX_OK;
}

static const model_type model_lin = { .name = "lin", .description = "linear", .params = lin_params,
                                      .n_params = L_N, .metrics = lin_metrics, .n_metrics = 2,
                                      .prepare = no_prepare, .scratch_alloc = lin_scratch,
                                      .scratch_free = lin_scratch_free, .simulate = lin_simulate };

/* ---- helpers ------------------------------------------------------------------------------- */

static scenario *load(const model_type *m, const char *years, const scenario_override *extra,
                      size_t n_extra)
{
    scenario_override ov[16] = { { "--set", "scenario.years", years } };
    if (n_extra)
        memcpy(ov + 1, extra, n_extra * sizeof *ov);
    scenario *sc = NULL;
    phx_err e = { 0 };
    int st = scenario_defaults(&sc, m, ov, n_extra + 1, &e);
    if (st)
        fprintf(stderr, "%s\n", e.msg);
    CU_ASSERT_EQUAL_FATAL(st, PHX_OK);
    return sc;
}

/* Analyse `sc` (no groups) with `o`, on `threads` threads and blocks of `block`. */
static sens_result *analyse(const scenario *sc, const sens_options *o, int threads, size_t block)
{
    sens_factors *fs = NULL;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(sens_factors_build(&fs, sc, NULL, 0, &e), PHX_OK);
    sens *s = sens_alloc(fs, o, &e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    void *shared = NULL;
    run_options ro = { .threads = threads, .block = block };
    CU_ASSERT_EQUAL_FATAL(sens_run(s, shared, &ro, NULL, &e), PHX_OK);
    sens_result *r = sens_estimate(s, threads);
    sens_free(s);
    sens_factors_free(fs);
    return r;
}

static int within(double x, double lo, double hi)
{
    return x >= lo && x <= hi;
}

/* ---- Sobol' -------------------------------------------------------------------------------- */

/* Ishigami (a = 7, b = 0.1): S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437), each
 * inside its 95% bootstrap interval at N = 4096; every interval narrower at N = 16384 than at
 * N = 512; no chance (the function is deterministic): exactly 0. */
static void test_ishigami(void)
{
    const double s1[3] = { 0.3139, 0.4424, 0 }, st[3] = { 0.5576, 0.4424, 0.2437 };
    scenario *sc = load(&model_ishigami, "2021", NULL, 0);
    sens_options o = { .method = SENS_SOBOL, .N = 4096 };
    sens_result *r = analyse(sc, &o, 0, 0);
    CU_ASSERT_EQUAL_FATAL(r->n_factor, 4);
    CU_ASSERT_STRING_EQUAL(r->factor[0], "ishigami.x1");
    CU_ASSERT_STRING_EQUAL(r->factor[3], "chance");
    for (size_t i = 0; i < 3; i++) {
        size_t at = sens_at(r, 0, 0, i);
        CU_ASSERT(within(s1[i], r->S1_lower[at], r->S1_upper[at]));
        CU_ASSERT(within(st[i], r->ST_lower[at], r->ST_upper[at]));
        CU_ASSERT(fabs(r->S1[at] - s1[i]) < 0.03 && fabs(r->ST[at] - st[i]) < 0.03);
    }
    CU_ASSERT_EQUAL(r->S1[3], 0);
    CU_ASSERT_EQUAL(r->ST[3], 0);
    CU_ASSERT(fabs(r->variance[0] / 13.8446 - 1) < 0.03);
    sens_result *small, *big;
    o.N = 512;
    small = analyse(sc, &o, 0, 0);
    o.N = 16384;
    big = analyse(sc, &o, 0, 0);
    for (size_t i = 0; i < 3; i++) {
        CU_ASSERT(big->S1_upper[i] - big->S1_lower[i] < small->S1_upper[i] - small->S1_lower[i]);
        CU_ASSERT(big->ST_upper[i] - big->ST_lower[i] < small->ST_upper[i] - small->ST_lower[i]);
        CU_ASSERT(big->S1_upper[i] - big->S1_lower[i] < r->S1_upper[i] - r->S1_lower[i]);
    }
    sens_result_free(big);
    sens_result_free(small);
    sens_result_free(r);
    scenario_free(sc);
}

/* G-function, a = (0, 1, 4.5, 9, 99, 99): V_i = 1 / (3 (1 + a_i)^2), V = prod (1 + V_i) - 1,
 * S1_i = V_i / V, ST_i = V_i prod_{j != i} (1 + V_j) / V. N = 8192: within 0.02 of each, and
 * inside the bootstrap interval widened by 0.005 (the interval of an index near 0 is tiny). */
static void test_g_function(void)
{
    double Vi[6], V = 1;
    for (int i = 0; i < 6; i++) {
        Vi[i] = 1 / (3 * (1 + g_a[i]) * (1 + g_a[i]));
        V *= 1 + Vi[i];
    }
    V -= 1;
    scenario *sc = load(&model_g, "2021", NULL, 0);
    sens_options o = { .method = SENS_SOBOL, .N = 8192 };
    sens_result *r = analyse(sc, &o, 0, 0);
    CU_ASSERT_EQUAL_FATAL(r->n_factor, 7);
    for (int i = 0; i < 6; i++) {
        double s1 = Vi[i] / V, st = Vi[i] / V;
        for (int j = 0; j < 6; j++)
            st *= j == i ? 1 : 1 + Vi[j];
        CU_ASSERT(fabs(r->S1[i] - s1) < 0.02);
        CU_ASSERT(fabs(r->ST[i] - st) < 0.02);
        CU_ASSERT(within(s1, r->S1_lower[i] - 0.005, r->S1_upper[i] + 0.005));
        CU_ASSERT(within(st, r->ST_lower[i] - 0.005, r->ST_upper[i] + 0.005));
    }
    CU_ASSERT(r->S1[0] > r->S1[1] && r->S1[1] > r->S1[2] && r->S1[2] > r->S1[3]);
    sens_result_free(r);
    scenario_free(sc);
}

/* Second-order indices. Ishigami: only x1 and x3 interact, S13 = ST3 = 0.2437, S12 = S23 = 0.
 * G-function: S2_ij = V_i V_j / V. Asking for S2 changes no S1 or ST (the same rows, streams). */
static void test_second_order(void)
{
    scenario *sc = load(&model_ishigami, "2021", NULL, 0);
    sens_options o = { .method = SENS_SOBOL, .N = 4096, .second_order = 1 };
    sens_result *r = analyse(sc, &o, 0, 0), *plain;
    size_t K = r->n_factor;
    CU_ASSERT_EQUAL_FATAL(K, 4);
    CU_ASSERT_EQUAL(r->rows, 4096 * 9);
    CU_ASSERT(fabs(r->S2[0 * K + 2] - 0.2437) < 0.03);
    CU_ASSERT(within(0.2437, r->S2_lower[0 * K + 2], r->S2_upper[0 * K + 2]));
    CU_ASSERT(within(0, r->S2_lower[0 * K + 1], r->S2_upper[0 * K + 1]));
    CU_ASSERT(within(0, r->S2_lower[1 * K + 2], r->S2_upper[1 * K + 2]));
    CU_ASSERT_EQUAL(r->S2[2 * K + 0], r->S2[0 * K + 2]);
    CU_ASSERT(isnan(r->S2[0]) && isnan(r->S2[3 * K + 0]));
    o.second_order = 0;
    plain = analyse(sc, &o, 0, 0);
    CU_ASSERT(memcmp(plain->S1, r->S1, K * sizeof *r->S1) == 0);
    CU_ASSERT(memcmp(plain->ST_upper, r->ST_upper, K * sizeof *r->S1) == 0);
    CU_ASSERT_PTR_NULL(plain->S2);
    sens_result_free(plain);
    sens_result_free(r);
    scenario_free(sc);
    double Vi[6], V = 1;
    for (int i = 0; i < 6; i++) {
        Vi[i] = 1 / (3 * (1 + g_a[i]) * (1 + g_a[i]));
        V *= 1 + Vi[i];
    }
    V -= 1;
    sc = load(&model_g, "2021", NULL, 0);
    o = (sens_options){ .method = SENS_SOBOL, .N = 8192, .second_order = 1, .n_boot = 200 };
    r = analyse(sc, &o, 0, 0);
    for (int i = 0; i < 6; i++)
        for (int l = i + 1; l < 6; l++)
            CU_ASSERT(fabs(r->S2[i * 7 + l] - Vi[i] * Vi[l] / V) < 0.02);
    sens_result_free(r);
    scenario_free(sc);
}

/* y = 10 x1 + 5 x2 - x3 + 0 x4 + 0.9 eps, x ~ U(0,1), eps ~ N(0,1) from the model's stream:
 * V = (100 + 25 + 1) / 12 + 0.81 = 11.31; chance's share 0.81 / 11.31 = 0.0716 (S1 = ST: the
 * noise is additive), S1_x1 = (100/12) / 11.31 = 0.7368. */
static void test_noise_share(void)
{
    scenario_override ov[] = { { "--set", "lin.sigma", "0.9" } };
    scenario *sc = load(&model_lin, "2021", ov, 1);
    sens_options o = { .method = SENS_SOBOL, .N = 8192 };
    sens_result *r = analyse(sc, &o, 0, 0);
    double V = 126.0 / 12 + 0.81, chance = 0.81 / V;
    CU_ASSERT_EQUAL_FATAL(r->n_factor, 5);
    size_t c = sens_at(r, 0, 0, 4);
    CU_ASSERT(within(chance, r->ST_lower[c], r->ST_upper[c]));
    CU_ASSERT(within(chance, r->S1_lower[c], r->S1_upper[c]));
    CU_ASSERT(fabs(r->ST[c] - chance) < 0.005);
    CU_ASSERT(fabs(r->S1[c] - chance) < 0.02);
    CU_ASSERT(fabs(r->S1[0] - (100.0 / 12) / V) < 0.02);
    CU_ASSERT(fabs(r->ST[3]) < 1e-12);              /* c4 = 0: x4 does nothing */
    CU_ASSERT(fabs(r->variance[0] / V - 1) < 0.03);
    sens_result_free(r);
    scenario_free(sc);
}

/* ---- Morris and tornado -------------------------------------------------------------------- */

/* Linear y: every elementary effect is c_i exactly (x ~ U(0,1): a change of 1/2 in probability
 * is 1/2 in x), so mu* = |c_i| = (10, 5, 1, 0) in that order and sigma = 0; with an x1 x2 term
 * x1 and x2 get sigma > 0 and x3, x4 keep sigma = 0. */
static void test_morris(void)
{
    scenario *sc = load(&model_lin, "2021", NULL, 0);
    sens_options o = { .method = SENS_MORRIS, .N = 50 };
    sens_result *r = analyse(sc, &o, 0, 0);
    const double c[4] = { 10, 5, 1, 0 };
    for (size_t i = 0; i < 4; i++) {
        CU_ASSERT(fabs(r->mu_star[i] - c[i]) < 1e-9);
        CU_ASSERT(fabs(r->sigma[i]) < 1e-9);
    }
    CU_ASSERT(r->mu_star[0] > r->mu_star[1] && r->mu_star[1] > r->mu_star[2] &&
              r->mu_star[2] > r->mu_star[3]);
    CU_ASSERT(fabs(r->mu[2] + 1) < 1e-9);
    sens_result_free(r);
    scenario_free(sc);
    scenario_override ov[] = { { "--set", "lin.inter", "8" } };
    sc = load(&model_lin, "2021", ov, 1);
    r = analyse(sc, &o, 0, 0);
    CU_ASSERT(r->sigma[0] > 1 && r->sigma[1] > 1 && r->sigma[2] < 1e-9 && r->sigma[3] < 1e-9);
    CU_ASSERT(within(r->mu_star[0], r->mu_star_lower[0], r->mu_star_upper[0]));
    CU_ASSERT(r->mu_star_upper[0] > r->mu_star_lower[0]);
    sens_result_free(r);
    scenario_free(sc);
}

/* Tornado of the linear model: low_i = sum_{j != i} c_j med_j + c_i q10_i, swing c_i (q90 - q10):
 * x1 ~ U(2, 4): 10 x 1.6 = 16; x2 ~ N(1, 2): 5 x 2 x 2 x 1.2815516 = 25.63; x3 ~ U(0,1): 0.8. */
static void test_tornado(void)
{
    scenario_override ov[] = { { "--set", "lin.x1", "uniform(2, 4)" },
                               { "--set", "lin.x2", "normal(1, 2)" } };
    scenario *sc = load(&model_lin, "2021-2022", ov, 2);
    sens_options o = { .method = SENS_TORNADO, .N = 10 };
    sens_result *r = analyse(sc, &o, 0, 0);
    double z = 1.2815515655446004, med = 10 * 3 + 5 * 1 - 0.5;
    CU_ASSERT_EQUAL_FATAL(r->n_year, 1);
    CU_ASSERT_EQUAL(r->year[0], 2022);
    CU_ASSERT(fabs(r->base[0] - med) < 1e-9);
    CU_ASSERT(fabs(r->low[0] - (med - 10 * 0.8)) < 1e-9);
    CU_ASSERT(fabs(r->high[0] - (med + 10 * 0.8)) < 1e-9);
    CU_ASSERT(fabs(r->swing[0] - 16) < 1e-9);
    CU_ASSERT(fabs(r->swing[1] - 5 * 2 * 2 * z) < 1e-9);
    CU_ASSERT(fabs(r->low[2] - (med + 0.4)) < 1e-9);     /* c3 < 0: low x3, higher y */
    CU_ASSERT(fabs(r->swing[2] - 0.8) < 1e-9);
    CU_ASSERT(fabs(r->swing[3]) < 1e-12);
    CU_ASSERT(isnan(r->p_swing[0]));                     /* no target */
    sens_result_free(r);
    scenario_free(sc);
    scenario_override ov2[] = { { "--set", "lin.x1", "uniform(2, 4)" }, { "--set", "targets.y", "36" } };
    sc = load(&model_lin, "2021", ov2, 2);
    r = analyse(sc, &o, 0, 0);
    CU_ASSERT_EQUAL(r->p_base[0], 0);     /* 34.5 < 36 */
    CU_ASSERT_EQUAL(r->p_low[0], 0);
    CU_ASSERT_EQUAL(r->p_high[0], 1);     /* 42.5 */
    CU_ASSERT_EQUAL(r->p_swing[0], 1);
    CU_ASSERT_EQUAL(r->p_swing[1], 0);
    sens_result_free(r);
    scenario_free(sc);
}

/* ---- factors, reproducibility, errors ------------------------------------------------------ */

static void test_factors(void)
{
    scenario_override ov[] = { { "--set", "lin.shift", "uniform(0, 1) 0 normal(0, 1)" } };
    scenario *sc = load(&model_lin, "2021-2023", ov, 1);
    sens_factors *fs = NULL;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(sens_factors_build(&fs, sc, NULL, 0, &e), PHX_OK);
    CU_ASSERT_EQUAL(fs->k, 5);
    CU_ASSERT_STRING_EQUAL(fs->f[4].name, "lin.shift");
    CU_ASSERT_EQUAL(fs->f[4].n_slots, 3);
    double u[5] = { 0.5, 0.5, 0.5, 0.5, 0.975 }, theta[64];
    sens_factors_theta(fs, u, theta);
    CU_ASSERT_DOUBLE_EQUAL(theta[sc->offset[L_SHIFT]], 0.975, 1e-12);
    CU_ASSERT_EQUAL(theta[sc->offset[L_SHIFT] + 1], 0);
    CU_ASSERT_DOUBLE_EQUAL(theta[sc->offset[L_SHIFT] + 2], 1.959963984540054, 1e-9);
    CU_ASSERT_EQUAL(theta[sc->offset[L_C1]], 10);
    sens_factors_free(fs);
    const char *keys[] = { "lin.x2", "lin.shift" }, *bad[] = { "lin.c1" }, *nokey[] = { "lin.nope" };
    sens_group g[] = { { "pair", keys, 2 } }, gb[] = { { "c", bad, 1 } }, gn[] = { { "n", nokey, 1 } },
               gc[] = { { "chance", keys, 1 } }, g2[] = { { "a", keys, 1 }, { "b", keys, 1 } };
    CU_ASSERT_EQUAL_FATAL(sens_factors_build(&fs, sc, g, 1, &e), PHX_OK);
    CU_ASSERT_EQUAL(fs->k, 4);
    CU_ASSERT_STRING_EQUAL(fs->f[1].name, "pair");
    CU_ASSERT_EQUAL(fs->f[1].n_slots, 4);
    sens_factors_free(fs);
    CU_ASSERT_EQUAL(sens_factors_build(&fs, sc, gb, 1, &e), PHX_EINPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "not a distribution"));
    CU_ASSERT_EQUAL(sens_factors_build(&fs, sc, gn, 1, &e), PHX_EINPUT);
    CU_ASSERT_EQUAL(sens_factors_build(&fs, sc, gc, 1, &e), PHX_EINPUT);
    CU_ASSERT_EQUAL(sens_factors_build(&fs, sc, g2, 2, &e), PHX_EINPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "in groups a and b"));
    scenario_free(sc);
    scenario_override none[] = { { "--set", "ishigami.x1", "0" }, { "--set", "ishigami.x2", "0" },
                                 { "--set", "ishigami.x3", "1" } };
    sc = load(&model_ishigami, "2021", none, 3);
    CU_ASSERT_EQUAL(sens_factors_build(&fs, sc, NULL, 0, &e), PHX_EINPUT);
    scenario_free(sc);
}

static void test_options(void)
{
    scenario *sc = load(&model_g, "2021-2022", NULL, 0);
    sens_factors *fs = NULL;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(sens_factors_build(&fs, sc, NULL, 0, &e), PHX_OK);
    sens_options o = { .method = SENS_SOBOL, .year = 2030 };
    CU_ASSERT_PTR_NULL(sens_alloc(fs, &o, &e));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "outside"));
    o = (sens_options){ .method = SENS_MORRIS, .levels = 5 };
    CU_ASSERT_PTR_NULL(sens_alloc(fs, &o, &e));
    o = (sens_options){ .method = SENS_SOBOL, .N = 16, .year = 2022 };
    sens *s = sens_alloc(fs, &o, &e);
    CU_ASSERT_EQUAL(sens_rows(s), 16 * 9);
    sens_free(s);
    sens_factors_free(fs);
    scenario_free(sc);
}

static int same(const double *a, const double *b, size_t n)
{
    return (a == NULL && b == NULL) || (a && b && memcmp(a, b, n * sizeof *a) == 0);
}

/* The same numbers, bit for bit, at 1 and 3 threads and any block size (run and bootstrap). */
static void test_thread_invariance(void)
{
    scenario_override ov[] = { { "--set", "lin.sigma", "0.5" }, { "--set", "lin.inter", "3" } };
    scenario *sc = load(&model_lin, "2021-2023", ov, 2);
    sens_method methods[] = { SENS_SOBOL, SENS_MORRIS, SENS_TORNADO };
    for (int k = 0; k < 3; k++) {
        sens_options o = { .method = methods[k], .N = 300, .second_order = k == 0 };
        sens_result *a = analyse(sc, &o, 1, 0), *b = analyse(sc, &o, 3, 37);
        size_t n = a->n_metric * a->n_year * a->n_factor;
        CU_ASSERT(same(a->S1, b->S1, n) && same(a->S1_lower, b->S1_lower, n) &&
                  same(a->ST_upper, b->ST_upper, n));
        CU_ASSERT(same(a->mu_star, b->mu_star, n) && same(a->mu_star_upper, b->mu_star_upper, n) &&
                  same(a->sigma, b->sigma, n));
        CU_ASSERT(same(a->swing, b->swing, n) && same(a->p_swing, b->p_swing, n));
        CU_ASSERT(same(a->S2, b->S2, n * a->n_factor) && same(a->S2_lower, b->S2_lower, n * a->n_factor));
        CU_ASSERT(a->S1 == NULL || !isnan(a->S1[0]));
        sens_result_free(a);
        sens_result_free(b);
    }
    scenario_free(sc);
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "Ishigami: S1, ST inside the bootstrap intervals; intervals shrink with N", test_ishigami },
        { "G-function: the closed-form indices", test_g_function },
        { "second-order indices: Ishigami, G-function", test_second_order },
        { "additive noise of known variance: the chance row is its share", test_noise_share },
        { "Morris: mu* and sigma of a linear model, ordering, interactions", test_morris },
        { "tornado of a linear model: the analytic swings and P(target)", test_tornado },
        { "factors: per-year keys, groups and their errors", test_factors },
        { "options: year, levels, rows", test_options },
        { "bit for bit at any thread count and block size", test_thread_invariance },
        CU_TEST_INFO_NULL,
    };
    return tu_run("sensitivity", tests);
}
