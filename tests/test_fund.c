/* test_fund.c -- sizing the 腾笼换鸟 fund (issue 6): the order-statistic interval of a quantile
 * (known ranks, exact binomial coverage, simulated coverage), the solvency analysis on literal
 * inputs, the model's break-even metrics (linearity of the balance in the rate and the capital),
 * and the one-pass answer against brute-force bisection over full simulations. */
#include "testutil.h"
#include "tlhn_harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include "../engine/stats.h"
#include "../output/fund.h"

#define CLOSE(a, b, tol) CU_ASSERT(fabs((a) - (b)) <= (tol) * (1 + fabs(b)))

/* ---- order statistics ------------------------------------------------------------------------ */

static void test_ecdf_rank(void)
{
    static const struct { size_t n; double q; size_t k; } cases[] = {
        { 1000, 0.9, 900 }, { 1000, 0.95, 950 }, { 10, 0.95, 10 }, { 3, 0.5, 2 }, { 4, 0.5, 2 },
        { 1, 0.01, 1 }, { 200, 0.999, 200 }, { 7, 0.1, 1 }, { 0, 0.5, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CU_ASSERT_EQUAL(stats_ecdf_rank(cases[i].n, cases[i].q), cases[i].k);
}

/* The classical table: the median of 100 has the 95% interval (X_(40), X_(61)), coverage
 * 0.9648; each tail of every case is at most 2.5% and one rank closer would break it. */
static void test_quantile_ranks(void)
{
    size_t lo, hi;
    stats_quantile_ranks(100, 0.5, 0.95, &lo, &hi);
    CU_ASSERT_EQUAL(lo, 40);
    CU_ASSERT_EQUAL(hi, 61);
    static const struct { size_t n; double q; } cases[] = {
        { 100, 0.5 }, { 1000, 0.9 }, { 300, 0.9 }, { 200, 0.95 }, { 50, 0.1 }, { 5000, 0.99 }, { 37, 0.7 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = cases[i].n;
        double q = cases[i].q;
        stats_quantile_ranks(n, q, 0.95, &lo, &hi);
        CU_ASSERT_FATAL(lo >= 1 && lo < hi && hi <= n);
        double below = gsl_cdf_binomial_P((unsigned)(lo - 1), q, (unsigned)n);   /* X_(lo) > xi */
        double above = gsl_cdf_binomial_Q((unsigned)(hi - 1), q, (unsigned)n);   /* X_(hi) < xi */
        CU_ASSERT(below <= 0.025 && above <= 0.025);
        CU_ASSERT(1 - below - above >= 0.95);
        CU_ASSERT(gsl_cdf_binomial_P((unsigned)lo, q, (unsigned)n) > 0.025);    /* tight */
        CU_ASSERT(gsl_cdf_binomial_Q((unsigned)(hi - 2), q, (unsigned)n) > 0.025);
        size_t k = stats_ecdf_rank(n, q);
        CU_ASSERT(lo <= k && k <= hi);
    }
    /* too few draws for an upper bound on the 95% point: open above */
    stats_quantile_ranks(20, 0.95, 0.95, &lo, &hi);
    CU_ASSERT_EQUAL(hi, 21);
    stats_quantile_ranks(20, 0.05, 0.95, &lo, &hi);
    CU_ASSERT_EQUAL(lo, 0);
}

/* Coverage by simulation: 4000 samples of 300 exponentials; the interval for the 0.9 quantile
 * (ln 10) must cover it in at least 95% of them, within 3 standard errors (0.0103). */
static void test_quantile_coverage(void)
{
    gsl_rng *r = gsl_rng_alloc(rng_philox);
    enum { N = 300, SAMPLES = 4000 };
    double x[N], xi = log(10);
    size_t lo, hi, covered = 0;
    stats_quantile_ranks(N, 0.9, 0.95, &lo, &hi);
    for (int s = 0; s < SAMPLES; s++) {
        rng_address(r, 77, (uint32_t)s, RNG_PURPOSE_TEST, 0, 0);
        for (int i = 0; i < N; i++)
            x[i] = -log(gsl_rng_uniform_pos(r));
        gsl_sort(x, 1, N);
        covered += x[lo - 1] <= xi && xi <= x[hi - 1];
    }
    double cov = (double)covered / SAMPLES;
    printf("\n  coverage of the 95%% interval for the 0.9 quantile (n = 300): %.4f\n", cov);
    CU_ASSERT(cov >= 0.95 - 3 * sqrt(0.95 * 0.05 / SAMPLES));
    gsl_rng_free(r);
}

/* ---- the solvency analysis on literal inputs --------------------------------------------------- */

/* 10 replications, 2 years. Break-even rates 0.01 .. 0.10; each ran at 0.05 with slope 100 亿元
 * per unit of rate, so replication i's balance is (0.05 - be_i) * 100 in its worst year. */
static void test_solvency_literal(void)
{
    enum { N = 10, NY = 2 };
    double be[N], bal[N * NY], slope[N * NY], own[N];
    for (int i = 0; i < N; i++) {
        be[i] = 0.01 * (N - i);                    /* not sorted */
        own[i] = 0.05;
        slope[i * NY] = slope[i * NY + 1] = 100;
        double worst = (0.05 - be[i]) * 100;
        bal[i * NY] = i % 2 ? worst : 1;           /* odd: the first year is the worst */
        bal[i * NY + 1] = i % 2 ? 2 : worst;
    }
    fund_runs in = { N, NY, be, bal, slope, own };
    fund_report r;
    memset(&r, 0, sizeof r);
    r.mode = FUND_SOLVENCY;
    r.confidence = 0.8;
    r.level = 0.95;
    r.year_first = 2021;
    r.n_years = NY;
    fund_solvency(&in, &r);
    CU_ASSERT_EQUAL(r.rank, 8);
    CLOSE(r.answer, 0.08, 1e-8);                   /* the 8th smallest of 0.01 .. 0.10 */
    CU_ASSERT(r.answer >= 0.08);                   /* never rounded down */
    CU_ASSERT_DOUBLE_EQUAL(r.p_answer, 0.8, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(r.p_below, 0.7, 1e-12); /* 0.072: 0.01 .. 0.07 */
    CU_ASSERT_DOUBLE_EQUAL(r.p_above, 0.8, 1e-12); /* 0.088 */
    CU_ASSERT_DOUBLE_EQUAL(r.p_scenario, 0.5, 1e-12);   /* 0.01 .. 0.05 */
    CU_ASSERT_EQUAL(r.n_shortfall, 5);
    CU_ASSERT_DOUBLE_EQUAL(r.shortfall, -(1 + 2 + 3 + 4 + 5) / 5.0, 1e-9);
    /* replications 0 .. 4 (be 0.10 .. 0.06) go negative: 1 and 3 in 2021, 0, 2 and 4 in 2022 */
    CU_ASSERT_DOUBLE_EQUAL(r.p_first[0], 0.2, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(r.p_first[1], 0.3, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(r.p_first[2], 0.5, 1e-12);
    /* at the answer every replication with be <= 0.08 is >= 0: the 5% quantile of the worst
     * year is that of (0.08 - be) * 100 over the first-year values 1 and the rest */
    CU_ASSERT(r.fan_answer[STATS_NQ * 1 + 3] > r.fan[STATS_NQ * 1 + 3]);
    CU_ASSERT_EQUAL(r.rank_upper, N + 1);          /* 10 draws: no upper bound at 95% */
    CU_ASSERT(isinf(r.upper));
    fund_row *rows;
    size_t nr = fund_report_rows(&r, &rows);
    CU_ASSERT(nr > 10 && strcmp(rows[0].quantity, "contribution_rate") == 0);
    CU_ASSERT_DOUBLE_EQUAL(rows[0].value, r.answer, 0);
    free(rows);
    fund_report_free(&r);
    fund_report_free(NULL);
}

/* ---- the model: a small synthetic city -------------------------------------------------------- */

static char *dir;
static char ini[4096];

/* 1/20 of the plan's city (800 firms), with land revenue, new supply, the reserve and the
 * project pipeline scaled alike; land sales to projects happen; other_share is drawn per
 * replication, so the break-even rate must scale the contributions by each one's (1 - o). */
static void write_small(int reps)
{
    snprintf(ini, sizeof ini, "%s/small.ini", dir);
    char text[2048];
    snprintf(text, sizeof text,
             "; Policy question: none -- test scenario, 1/20 of the city\n"
             "[scenario]\nmodel = tlhn\nyears = 2021-2023\nreplications = %d\nseed = 606\n"
             "firms = synthetic\n[population]\nscale = 0.05\n[rectify]\nfirms_per_year = 15 15 12\n"
             "[land]\nnew_supply_per_year = 300\ninitial_reserve = 200\n"
             "[attract]\nmajor_per_year = 4\nother_per_year = 10\n"
             "[fund]\nland_revenue = 150\nother_share = uniform(0.1, 0.3)\ninitial_capital = 0.5\n",
             reps);
    CU_ASSERT_FATAL(tu_write(ini, text) == 0);
}

static th_result run_at(const char *key, double value)
{
    char text[64];
    snprintf(text, sizeof text, "%.17g", value);
    scenario_override ov = { "--set", key, text };
    th_result r;
    CU_ASSERT_FATAL(th_run(ini, &ov, 1, 2, &r) == PHX_OK);
    return r;
}

/* Share of replications whose lowest year-end balance is >= 0. */
static double p_solvent(const char *key, double value)
{
    th_result r = run_at(key, value);
    size_t k = 0, n = r.n;
    for (size_t i = 0; i < n; i++)
        k += th_metric(&r, "fund_min_balance_yi", i, r.ny - 1) >= 0;
    th_free(&r);
    return (double)k / (double)n;
}

/* §7 with fund.constrained = off: the balance is linear in the rate, with slope (1 - o) R_t,
 * and in the capital, with slope 1; the break-even rate does not depend on the rate, nor the
 * break-even capital on the capital; the balance at a replication's own break-even rate has
 * its minimum at 0. */
static void test_linearity(void)
{
    write_small(16);
    th_result a = run_at("fund.contribution_rate", 0.004), b = run_at("fund.contribution_rate", 0.03);
    th_result c = run_at("fund.initial_capital", 7.5);
    int p_other = scenario_param(a.sc, "fund.other_share");
    for (size_t i = 0; i < a.n; i++) {
        double o = a.theta[i * a.sc->n_slots + a.sc->offset[p_other]];
        CU_ASSERT(o >= 0.1 && o <= 0.3);
        for (int y = 0; y < a.ny; y++) {
            double R = th_metric(&a, "land_revenue_yi", i, y);
            CU_ASSERT(R > 0);
            CLOSE(th_metric(&b, "fund_balance_yi", i, y) - th_metric(&a, "fund_balance_yi", i, y),
                  (0.03 - 0.004) * (1 - o) * R, 1e-9);
            CLOSE(th_metric(&c, "fund_balance_yi", i, y) - th_metric(&a, "fund_balance_yi", i, y),
                  7.5 - 0.5 + (0.01 - 0.004) * (1 - o) * R, 1e-9);
            CLOSE(th_metric(&b, "fund_breakeven_rate", i, y), th_metric(&a, "fund_breakeven_rate", i, y), 1e-9);
            CLOSE(th_metric(&a, "fund_breakeven_capital_yi", i, y),
                  fmax(0, 0.5 - th_metric(&a, "fund_min_balance_yi", i, y)), 1e-12);
        }
    }
    th_free(&a);
    th_free(&b);
    th_free(&c);
}

/* Bisection over full simulations for the smallest value of `key` in [0, hi] with
 * P(solvent) >= q, to a relative width of 1e-10. */
static double brute_force(const char *key, double hi, double q)
{
    double lo = 0;
    if (p_solvent(key, 0) >= q)
        return 0;
    CU_ASSERT_FATAL(p_solvent(key, hi) >= q);
    while (hi - lo > 1e-10 * hi) {
        double mid = lo + (hi - lo) / 2;
        if (p_solvent(key, mid) >= q)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

/* The one-pass answer (order statistic of the break-even values of one run) against brute
 * force: the same value, and therefore inside its interval. */
static void check_one_pass(int capital, double q)
{
    const char *key = capital ? "fund.initial_capital" : "fund.contribution_rate";
    th_result r;
    scenario_override ov = { "--set", "fund.constrained", "off" };
    CU_ASSERT_FATAL(th_run(ini, &ov, 1, 2, &r) == PHX_OK);
    size_t n = r.n, ny = (size_t)r.ny;
    double *be = malloc(n * sizeof *be), *own = malloc(n * sizeof *own);
    double *bal = malloc(n * ny * sizeof *bal), *slope = malloc(n * ny * sizeof *slope);
    int p_other = scenario_param(r.sc, "fund.other_share"), p_key = scenario_param(r.sc, key);
    for (size_t i = 0; i < n; i++) {
        double o = r.theta[i * r.sc->n_slots + r.sc->offset[p_other]];
        own[i] = r.theta[i * r.sc->n_slots + r.sc->offset[p_key]];
        be[i] = th_metric(&r, capital ? "fund_breakeven_capital_yi" : "fund_breakeven_rate", i, r.ny - 1);
        for (size_t y = 0; y < ny; y++) {
            bal[i * ny + y] = th_metric(&r, "fund_balance_yi", i, (int)y);
            slope[i * ny + y] = capital ? 1 : (1 - o) * th_metric(&r, "land_revenue_yi", i, (int)y);
        }
    }
    fund_runs in = { n, r.ny, be, bal, slope, own };
    fund_report rep;
    memset(&rep, 0, sizeof rep);
    rep.mode = FUND_SOLVENCY;
    rep.solve_capital = capital;
    rep.confidence = q;
    rep.level = 0.95;
    rep.year_first = r.sc->year_first;
    rep.n_years = r.ny;
    fund_solvency(&in, &rep);
    double brute = brute_force(key, capital ? 1000 : 1, q);
    printf("\n  %s for P(solvent) >= %g: one pass %.10g [%.10g, %.10g], brute force %.10g",
           key, q, rep.answer, rep.lower, rep.upper, brute);
    CU_ASSERT(rep.lower <= brute && brute <= rep.upper);
    CLOSE(brute, rep.answer, 1e-7);
    CU_ASSERT(p_solvent(key, rep.answer) >= q);    /* a rerun at the answer keeps its promise */
    CU_ASSERT(p_solvent(key, rep.answer * (1 - 1e-6)) < q);
    fund_report_free(&rep);
    free(be);
    free(own);
    free(bal);
    free(slope);
    th_free(&r);
}

static void test_one_pass_rate(void)
{
    write_small(64);
    check_one_pass(0, 0.9);
    check_one_pass(0, 0.5);
}

static void test_one_pass_capital(void)
{
    write_small(64);
    check_one_pass(1, 0.8);
}

int main(void)
{
    dir = tu_tmpdir();
    CU_TestInfo tests[] = {
        { "inverse empirical CDF rank", test_ecdf_rank },
        { "order-statistic interval: ranks, tails, tightness", test_quantile_ranks },
        { "order-statistic interval: simulated coverage", test_quantile_coverage },
        { "solvency analysis on literal inputs", test_solvency_literal },
        { "balance linear in rate and capital; break-even metrics", test_linearity },
        { "one-pass rate = brute-force bisection over full runs", test_one_pass_rate },
        { "one-pass capital = brute-force bisection over full runs", test_one_pass_capital },
        CU_TEST_INFO_NULL,
    };
    int st = tu_run("fund", tests);
    free(dir);
    return st;
}
