/* test_fund_size.c -- the fund's targets search (engine/fund_size.c) on synthetic families of
 * replications: replication i meets the targets from its own threshold t_i on (monotone), or only
 * on [t_i, 3 t_i] (not monotone). The answer is then a root known in closed form (the k-th
 * smallest threshold), and every neighbour check is a count the test makes itself. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "../engine/fund_size.h"

#define N 200

typedef struct {
    double t[N];
    int window;            /* 1: replication i meets the targets only on [t_i, 3 t_i] */
    int calls;
} family;

static size_t count_at(const family *f, double v, uint8_t *ok)
{
    size_t met = 0;
    for (size_t i = 0; i < N; i++) {
        int m = v >= f->t[i] && (!f->window || v <= 3 * f->t[i] || isinf(v));
        if (ok)
            ok[i] = (uint8_t)m;
        met += (size_t)m;
    }
    return met;
}

static int family_fn(void *ctx, double v, uint8_t *ok, size_t *met, phx_err *e)
{
    family *f = ctx;
    f->calls++;
    *met = count_at(f, v, ok);
    return PHX_OK;
}

/* t_i = 0.3 (1 - cos(pi (i + 1) / (2 N))): increasing, so the k-th smallest is t_{k-1}. */
static void fill(family *f, int window)
{
    for (size_t i = 0; i < N; i++)
        f->t[i] = 0.3 * (1 - cos(M_PI * (double)(i + 1) / (2.0 * N)));
    f->window = window;
    f->calls = 0;
}

static void report_for(fund_report *r, double q, double own)
{
    memset(r, 0, sizeof *r);
    r->mode = FUND_TARGETS;
    r->n = N;
    r->confidence = q;
    r->level = FUND_LEVEL;
    r->scenario_value = own;
}

/* P and its Wilson interval as the search must have computed them at `v`. */
static void check_p(const family *f, double v, double p, double lo, double hi)
{
    size_t met = count_at(f, v, NULL);
    double wl, wh;
    stats_wilson(met, N, FUND_LEVEL, &wl, &wh);
    CU_ASSERT_EQUAL(p, (double)met / N);
    CU_ASSERT_EQUAL(lo, wl);
    CU_ASSERT_EQUAL(hi, wh);
}

/* Monotone: the answer is the root of count(v) = rank, t_{rank-1}, to 0.1% of the range. */
static void test_root(void)
{
    family f;
    fill(&f, 0);
    fund_report r;
    report_for(&r, 0.9, 0.01);
    solve_search *q = solve_alloc(N, 1, family_fn, &f);
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(fund_search(q, 0.01, 1, &r, &e), PHX_OK);
    CU_ASSERT_EQUAL(r.rank, 180);
    double root = 0.3 * (1 - cos(M_PI * 180 / (2.0 * N))), tol = 1.0 / 1024;
    CU_ASSERT(r.answer >= root && r.answer <= root + tol);
    CU_ASSERT(r.bracket < root && r.answer - r.bracket <= tol);
    CU_ASSERT(r.lower >= f.t[r.rank_lower - 1] && r.lower <= f.t[r.rank_lower - 1] + 4 * tol);
    CU_ASSERT(r.upper >= f.t[r.rank_upper - 1] && r.upper <= f.t[r.rank_upper - 1] + 4 * tol);
    CU_ASSERT(r.lower <= r.answer && r.answer <= r.upper);
    CU_ASSERT_EQUAL(r.p_answer, 0.9);
    check_p(&f, r.answer, r.p_answer, r.p_answer_lo, r.p_answer_hi);
    check_p(&f, 0.9 * r.answer, r.p_below, r.p_below_lo, r.p_below_hi);
    check_p(&f, 1.1 * r.answer, r.p_above, r.p_above_lo, r.p_above_hi);
    check_p(&f, 0.01, r.p_scenario, r.p_scenario_lo, r.p_scenario_hi);
    check_p(&f, r.bracket, r.p_bracket, r.p_bracket_lo, r.p_bracket_hi);
    CU_ASSERT(r.p_below < 0.9 && r.p_above > 0.9);
    CU_ASSERT_EQUAL(r.p_ceiling, 1);
    CU_ASSERT_EQUAL(r.monotone, 1);
    CU_ASSERT_EQUAL(r.n_not_monotone, 0);
    CU_ASSERT_EQUAL(r.n_evals, (size_t)f.calls);      /* every value simulated once, recorded */
    CU_ASSERT(isinf(r.evals[0].value) && r.evals[0].met == N);   /* money to spare first */
    solve_free(q);
    fund_report_free(&r);
}

/* Not monotone (each replication meets the targets on a window only): the answer is the first
 * crossing the search found, the neighbour checks are counts at 0.9x and 1.1x it, and the
 * replications that drop out at larger values are reported. */
static void test_not_monotone(void)
{
    family f;
    fill(&f, 1);
    fund_report r;
    report_for(&r, 0.3, 0.01);
    solve_search *q = solve_alloc(N, 1, family_fn, &f);
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(fund_search(q, 0.01, 1, &r, &e), PHX_OK);
    CU_ASSERT_EQUAL(r.rank, 60);
    CU_ASSERT(isfinite(r.answer));
    CU_ASSERT(count_at(&f, r.answer, NULL) >= r.rank);
    CU_ASSERT(count_at(&f, r.bracket, NULL) < r.rank && r.answer - r.bracket <= 1.0 / 1024);
    check_p(&f, r.answer, r.p_answer, r.p_answer_lo, r.p_answer_hi);
    check_p(&f, 0.9 * r.answer, r.p_below, r.p_below_lo, r.p_below_hi);
    check_p(&f, 1.1 * r.answer, r.p_above, r.p_above_lo, r.p_above_hi);
    check_p(&f, r.bracket, r.p_bracket, r.p_bracket_lo, r.p_bracket_hi);
    for (size_t k = 0; k < r.n_evals; k++)   /* no value simulated below the answer reaches it */
        CU_ASSERT(!(r.evals[k].value < r.answer && r.evals[k].met >= r.rank));
    int mono = 1;              /* the count over the values simulated, as the test sees it */
    for (size_t a = 0; a < r.n_evals; a++)
        for (size_t b = 0; b < r.n_evals; b++)
            if (r.evals[a].value < r.evals[b].value && r.evals[a].met > r.evals[b].met)
                mono = 0;
    CU_ASSERT_EQUAL(r.monotone, mono);
    CU_ASSERT(r.n_not_monotone > 0 && r.n_not_monotone <= N);   /* replications do drop out */
    CU_ASSERT_EQUAL(r.p_ceiling, 1);
    solve_free(q);
    fund_report_free(&r);
}

/* A level no finite value reaches (the window family never has 180 replications at once): the
 * answer is +inf, the checks around it NaN, and money to spare still counts. */
static void test_unreached(void)
{
    family f;
    fill(&f, 1);
    fund_report r;
    report_for(&r, 0.9, 0.01);
    solve_search *q = solve_alloc(N, 1, family_fn, &f);
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(fund_search(q, 0.01, 1, &r, &e), PHX_OK);
    CU_ASSERT(isinf(r.answer) && r.answer > 0);
    CU_ASSERT(isnan(r.p_answer) && isnan(r.p_below) && isnan(r.p_above));
    check_p(&f, 0.01, r.p_scenario, r.p_scenario_lo, r.p_scenario_hi);
    CU_ASSERT_EQUAL(r.p_ceiling, 1);
    solve_free(q);
    fund_report_free(&r);
}

/* The neighbour above an answer near the lever's maximum is simulated at the maximum. */
static void test_clamped(void)
{
    family f;
    fill(&f, 0);
    fund_report r;
    report_for(&r, 0.9, 0.01);
    double vmax = 0.26;                 /* t_179 = 0.2530..., 1.1 x it is past vmax */
    solve_search *q = solve_alloc(N, vmax, family_fn, &f);
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(fund_search(q, 0.01, vmax, &r, &e), PHX_OK);
    CU_ASSERT(1.1 * r.answer > vmax);
    check_p(&f, vmax, r.p_above, r.p_above_lo, r.p_above_hi);
    int seen = 0;
    for (size_t k = 0; k < r.n_evals; k++) {
        CU_ASSERT(isinf(r.evals[k].value) || r.evals[k].value <= vmax);
        seen |= r.evals[k].value == vmax;
    }
    CU_ASSERT(seen);
    solve_free(q);
    fund_report_free(&r);
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "the answer is the root of count(v) = rank", test_root },
        { "not monotone: first crossing, checks, drop-outs", test_not_monotone },
        { "a level never reached: +inf, NaN checks", test_unreached },
        { "the neighbour above is clamped to the lever's maximum", test_clamped },
        CU_TEST_INFO_NULL,
    };
    return tu_run("fund_size", tests);
}
