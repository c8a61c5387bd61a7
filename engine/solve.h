/* solve.h -- the smallest value of a lever at which enough replications meet a requirement
 * (model-agnostic; the caller supplies the function). The caller's function simulates every
 * replication at a value and says which ones meet the requirement; the search never assumes the
 * count is monotone in the value: it scans, then bisects between a value below the level and the
 * first value reaching it, and reports how far from monotone the replications were.
 *
 * The value +INFINITY stands for "no limit" (the lever never binds); the caller decides what
 * simulating it means. Every value is simulated at most once (results are looked up). */
#ifndef PHX_SOLVE_H
#define PHX_SOLVE_H

#include <stddef.h>
#include <stdint.h>
#include "phx.h"

/* One simulation of the search. */
typedef struct solve_eval {
    double value;              /* the lever's value */
    size_t met;                /* replications meeting the requirement */
} solve_eval;

/* Simulate every replication at `value`: ok[i] = 1 when replication i meets the requirement
 * (ok has room for n); sets *met to their count. Returns PHX_OK or fills `e`. */
typedef int (*solve_fn)(void *ctx, double value, uint8_t *ok, size_t *met, phx_err *e);

typedef struct solve_search solve_search;

/* A search over n replications for values in [0, vmax] (and +INFINITY). */
solve_search *solve_alloc(size_t n, double vmax, solve_fn f, void *ctx);
void solve_free(solve_search *q);

/* Replications meeting the requirement at `value` (simulated once, then looked up). */
int solve_eval_at(solve_search *q, double value, size_t *met, phx_err *e);

/* The first scan: +INFINITY, 0, then doubling from `start` (or `dflt` when start <= 0) until a
 * value reaches `need`, the lever stops binding (the same replications meet the requirement as
 * at +INFINITY) or vmax; then `grid` - 1 values evenly below the last one, which bracket every
 * crossing to 1/grid of the range. Sets *top, the largest finite value simulated. */
int solve_scan(solve_search *q, size_t need, double start, double dflt, int grid, double *top,
               phx_err *e);

/* Bisection for `level` replications between the largest value simulated below the first value
 * reaching it and that value, until they are within `tol`. Afterwards *hi reaches the level,
 * *lo does not, hi - lo <= tol, and no value simulated below hi reaches it. *hi = +inf when no
 * finite value simulated reaches it, 0 when 0 does (then *lo is NaN). */
int solve_level(solve_search *q, size_t level, double tol, double *lo, double *hi, phx_err *e);

/* ---- searches over a range [a, b] in either direction (phoenix seek) ----------------------
 * The lever may raise the count (dir = +1: the answer is the smallest value reaching a level)
 * or lower it (dir = -1: the largest). The range's ends need not be >= 0; +INFINITY plays no
 * part. */

/* Simulate grid + 1 values evenly over [a, b], both ends included (grid >= 1). */
int solve_grid(solve_search *q, double a, double b, int grid, phx_err *e);

/* The lever's effect over [a, b] from the two ends (both simulated): +1 when at least as many
 * replications meet the requirement at b as at a, else -1. */
int solve_direction(const solve_search *q, double a, double b);

/* The crossing of `level` replications going from the start end (a for dir +1, b for dir -1)
 * through [a, b]: *hi is the first value simulated in that order reaching the level, then
 * bisected against the value simulated just before it (*lo, which does not reach it) until
 * |hi - lo| <= tol. *hi = NaN when no value simulated in [a, b] reaches the level (out of reach
 * within the range, as far as the values simulated show); *lo = NaN when the start end reaches
 * it. */
int solve_cross(solve_search *q, size_t level, double a, double b, int dir, double tol, double *lo,
                double *hi, phx_err *e);

/* Over every value simulated: is the count non-decreasing in the value, and how many
 * replications meet the requirement at one value and not at a larger one? */
void solve_monotone(const solve_search *q, int *monotone, size_t *n_not_monotone);
/* The same in the direction `dir`: -1 orders the values from the largest down. */
void solve_monotone_in(const solve_search *q, int dir, int *monotone, size_t *n_not_monotone);

/* The simulations so far, in the order run (owned by q; solve_take hands them over). */
const solve_eval *solve_evals(const solve_search *q, size_t *n);
solve_eval *solve_take(solve_search *q, size_t *n);

#endif
