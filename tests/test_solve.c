/* test_solve.c -- the level search (engine/solve.c) on analytic functions: replication i meets
 * the requirement from its own threshold t_i on, so the smallest value with k replications is
 * the k-th smallest threshold (a root of count(v) - k known in closed form). */
#include <math.h>
#include <stdlib.h>
#include "testutil.h"
#include "../engine/solve.h"

#define N 200

typedef struct {
    double t[N];
    int calls;
    int window;            /* 1: replication i meets the requirement only on [t_i, 3 t_i] */
} thresholds;

static int count_fn(void *ctx, double v, uint8_t *ok, size_t *met, phx_err *e)
{
    thresholds *th = ctx;
    th->calls++;
    *met = 0;
    for (size_t i = 0; i < N; i++) {
        ok[i] = v >= th->t[i] && (!th->window || v <= 3 * th->t[i] || isinf(v));
        *met += ok[i];
    }
    return PHX_OK;
}

/* t_i = 0.3 (1 - cos(pi (i + 1) / (2 N))): increasing in i, so the k-th smallest is t_{k-1}. */
static void fill(thresholds *th, int window)
{
    for (size_t i = 0; i < N; i++)
        th->t[i] = 0.3 * (1 - cos(M_PI * (double)(i + 1) / (2.0 * N)));
    th->calls = 0;
    th->window = window;
}

static void test_level_root(void)
{
    thresholds th;
    fill(&th, 0);
    solve_search *q = solve_alloc(N, 1, count_fn, &th);
    phx_err e = { 0 };
    double top, lo, hi;
    size_t k = 180;
    CU_ASSERT_EQUAL(solve_scan(q, k, 0, 0.01, 8, &top, &e), PHX_OK);
    CU_ASSERT(top >= th.t[k - 1]);                 /* the scan went past the crossing */
    double tol = 1e-6;
    CU_ASSERT_EQUAL(solve_level(q, k, tol, &lo, &hi, &e), PHX_OK);
    CU_ASSERT(hi >= th.t[k - 1] && hi <= th.t[k - 1] + tol);
    CU_ASSERT(lo < th.t[k - 1] && hi - lo <= tol);
    size_t met;
    CU_ASSERT_EQUAL(solve_eval_at(q, hi, &met, &e), PHX_OK);
    CU_ASSERT_EQUAL(met, k);
    int calls = th.calls;
    CU_ASSERT_EQUAL(solve_eval_at(q, hi, &met, &e), PHX_OK);   /* looked up, not rerun */
    CU_ASSERT_EQUAL(th.calls, calls);
    int mono;
    size_t flips;
    solve_monotone(q, &mono, &flips);
    CU_ASSERT_TRUE(mono);
    CU_ASSERT_EQUAL(flips, 0);
    size_t n_ev;
    solve_evals(q, &n_ev);
    CU_ASSERT_EQUAL((int)n_ev, th.calls);
    solve_free(q);
}

/* A level 0 already reaches: the answer is 0. A level no value reaches: +inf. */
static void test_edges(void)
{
    thresholds th;
    fill(&th, 0);
    th.t[0] = th.t[1] = 0;
    solve_search *q = solve_alloc(N, 1, count_fn, &th);
    phx_err e = { 0 };
    double top, lo, hi;
    CU_ASSERT_EQUAL(solve_scan(q, 2, 0.05, 0.01, 8, &top, &e), PHX_OK);
    CU_ASSERT_EQUAL(solve_level(q, 2, 1e-6, &lo, &hi, &e), PHX_OK);
    CU_ASSERT_EQUAL(hi, 0);
    CU_ASSERT(isnan(lo));
    CU_ASSERT_EQUAL(solve_level(q, N + 1, 1e-6, &lo, &hi, &e), PHX_OK);
    CU_ASSERT(isinf(hi));
    solve_free(q);
}

/* Replications that stop meeting the requirement above 3 t_i: the search reports it. */
static void test_not_monotone(void)
{
    thresholds th;
    fill(&th, 1);
    solve_search *q = solve_alloc(N, 1, count_fn, &th);
    phx_err e = { 0 };
    double top, lo, hi;
    CU_ASSERT_EQUAL(solve_scan(q, N, 0, 0.01, 8, &top, &e), PHX_OK);
    CU_ASSERT_EQUAL(solve_level(q, 20, 1e-6, &lo, &hi, &e), PHX_OK);
    size_t at_hi, at_lo;                           /* a crossing, whatever the shape */
    CU_ASSERT_EQUAL(solve_eval_at(q, hi, &at_hi, &e), PHX_OK);
    CU_ASSERT_EQUAL(solve_eval_at(q, lo, &at_lo, &e), PHX_OK);
    CU_ASSERT(at_hi >= 20 && at_lo < 20 && hi - lo <= 1e-6);
    int mono;
    size_t flips;
    solve_monotone(q, &mono, &flips);
    CU_ASSERT(flips > 0);
    size_t n_ev;
    solve_eval *ev = solve_take(q, &n_ev);
    CU_ASSERT_PTR_NOT_NULL(ev);
    CU_ASSERT_EQUAL((int)n_ev, th.calls);
    free(ev);
    solve_free(q);
}

/* A lever that lowers the count: replication i meets the requirement at v <= 2 - t_i. */
static int down_fn(void *ctx, double v, uint8_t *ok, size_t *met, phx_err *e)
{
    thresholds *th = ctx;
    th->calls++;
    *met = 0;
    for (size_t i = 0; i < N; i++) {
        ok[i] = v <= 2 - th->t[i];
        *met += ok[i];
    }
    return PHX_OK;
}

/* Over a range [a, b]: the smallest value reaching k when the lever raises the count (the k-th
 * threshold), the largest when it lowers it (2 minus the k-th threshold), a level out of reach
 * within the range, and a range whose start end already reaches it. */
static void test_range(void)
{
    thresholds th;
    fill(&th, 0);
    phx_err e = { 0 };
    double lo, hi, tol = 1e-7;
    size_t k = 150;
    solve_search *q = solve_alloc(N, 0.25, count_fn, &th);
    CU_ASSERT_EQUAL(solve_grid(q, 0.01, 0.25, 6, &e), PHX_OK);
    CU_ASSERT_EQUAL(solve_direction(q, 0.01, 0.25), 1);
    CU_ASSERT_EQUAL(solve_cross(q, k, 0.01, 0.25, 1, tol, &lo, &hi, &e), PHX_OK);
    CU_ASSERT(hi >= th.t[k - 1] && hi <= th.t[k - 1] + tol && lo < th.t[k - 1]);
    CU_ASSERT_EQUAL(solve_cross(q, N, 0.01, 0.25, 1, tol, &lo, &hi, &e), PHX_OK);
    CU_ASSERT(isnan(hi) && isnan(lo));             /* t_{N-1} = 0.3 > 0.25: out of reach */
    CU_ASSERT_EQUAL(solve_cross(q, 1, 0.01, 0.25, 1, tol, &lo, &hi, &e), PHX_OK);
    CU_ASSERT(hi == 0.01 && isnan(lo));            /* t_0 < 0.01: reached at the start end */
    solve_free(q);

    fill(&th, 0);
    q = solve_alloc(N, 2, down_fn, &th);
    CU_ASSERT_EQUAL(solve_grid(q, 1.6, 2.0, 5, &e), PHX_OK);
    CU_ASSERT_EQUAL(solve_direction(q, 1.6, 2.0), -1);
    CU_ASSERT_EQUAL(solve_cross(q, k, 1.6, 2.0, -1, tol, &lo, &hi, &e), PHX_OK);
    double want = 2 - th.t[k - 1];                 /* the largest v with v <= 2 - t_i for k of them */
    CU_ASSERT(hi <= want && hi >= want - tol && lo > want);
    size_t met;
    CU_ASSERT_EQUAL(solve_eval_at(q, hi, &met, &e), PHX_OK);
    CU_ASSERT(met >= k);
    int mono;
    size_t flips;
    solve_monotone_in(q, -1, &mono, &flips);
    CU_ASSERT(mono == 1 && flips == 0);            /* non-increasing in the value: monotone */
    solve_monotone(q, &mono, &flips);
    CU_ASSERT(mono == 0);
    solve_free(q);
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "the k-th threshold of a cosine family, within the tolerance", test_level_root },
        { "levels reached at 0 and never reached", test_edges },
        { "replications leaving the requirement are counted", test_not_monotone },
        { "ranges in both directions: crossing, out of reach, reached at the start", test_range },
        CU_TEST_INFO_NULL,
    };
    return tu_run("solve", tests);
}
