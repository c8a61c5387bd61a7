/* solve.c -- the level search over a lever (see solve.h). */
#include "solve.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct solve_search {
    size_t n;
    double vmax;
    solve_fn f;
    void *ctx;
    solve_eval *ev;            /* every simulation, in the order run */
    uint8_t **ok;              /* ok[k][i]: replication i met the requirement in simulation k */
    size_t n_ev, cap;
};

solve_search *solve_alloc(size_t n, double vmax, solve_fn f, void *ctx)
{
    solve_search *q = phx_calloc(1, sizeof *q);
    *q = (solve_search){ .n = n, .vmax = vmax, .f = f, .ctx = ctx };
    return q;
}

void solve_free(solve_search *q)
{
    if (q == NULL)
        return;
    for (size_t k = 0; k < q->n_ev; k++)
        free(q->ok[k]);
    free(q->ok);
    free(q->ev);
    free(q);
}

int solve_eval_at(solve_search *q, double value, size_t *met, phx_err *e)
{
    for (size_t k = 0; k < q->n_ev; k++)
        if (q->ev[k].value == value) {
            *met = q->ev[k].met;
            return PHX_OK;
        }
    uint8_t *ok = phx_calloc(q->n ? q->n : 1, 1);
    int st = q->f(q->ctx, value, ok, met, e);
    if (st != PHX_OK) {
        free(ok);
        return st;
    }
    if (q->n_ev == q->cap) {
        q->cap = q->cap ? 2 * q->cap : 64;
        q->ev = phx_realloc(q->ev, q->cap * sizeof *q->ev);
        q->ok = phx_realloc(q->ok, q->cap * sizeof *q->ok);
    }
    q->ev[q->n_ev] = (solve_eval){ value, *met };
    q->ok[q->n_ev++] = ok;
    return PHX_OK;
}

/* Index of the simulation at `value` (it was simulated). */
static size_t solve_index(const solve_search *q, double value)
{
    size_t k = 0;
    while (k + 1 < q->n_ev && q->ev[k].value != value)
        k++;
    return k;
}

/* The smallest finite value simulated with at least `level` replications, or +inf. */
static double solve_first(const solve_search *q, size_t level)
{
    double best = INFINITY;
    for (size_t k = 0; k < q->n_ev; k++)
        if (q->ev[k].met >= level && q->ev[k].value < best)
            best = q->ev[k].value;
    return best;
}

int solve_level(solve_search *q, size_t level, double tol, double *lo, double *hi, phx_err *e)
{
    *hi = solve_first(q, level);
    *lo = NAN;
    if (!isfinite(*hi))
        return PHX_OK;
    size_t met = 0;
    int st = solve_eval_at(q, 0, &met, e);        /* the bottom of every bracket */
    if (st == PHX_OK && met >= level) {
        *hi = 0;
        return PHX_OK;
    }
    *lo = 0;
    for (size_t k = 0; k < q->n_ev; k++)
        if (q->ev[k].value < *hi && q->ev[k].value > *lo)
            *lo = q->ev[k].value;
    while (st == PHX_OK && *hi - *lo > tol) {
        double mid = *lo + (*hi - *lo) / 2;
        st = solve_eval_at(q, mid, &met, e);
        if (met >= level)
            *hi = mid;
        else
            *lo = mid;
    }
    return st;
}

int solve_scan(solve_search *q, size_t need, double start, double dflt, int grid, double *top,
               phx_err *e)
{
    size_t met = 0;
    int st = solve_eval_at(q, INFINITY, &met, e);
    size_t spare = solve_index(q, INFINITY);
    if (st == PHX_OK)
        st = solve_eval_at(q, 0, &met, e);
    *top = start > 0 ? fmin(start, q->vmax) : dflt;
    if (st == PHX_OK)
        st = solve_eval_at(q, *top, &met, e);
    while (st == PHX_OK && met < need && *top < q->vmax) {
        size_t k = solve_index(q, *top);
        if (memcmp(q->ok[k], q->ok[spare], q->n) == 0)
            break;                                     /* the lever no longer binds */
        *top = fmin(2 * *top, q->vmax);
        st = solve_eval_at(q, *top, &met, e);
    }
    for (int j = 1; st == PHX_OK && j < grid; j++)
        st = solve_eval_at(q, *top * j / grid, &met, e);
    return st;
}

int solve_grid(solve_search *q, double a, double b, int grid, phx_err *e)
{
    size_t met;
    int st = PHX_OK;
    for (int j = 0; st == PHX_OK && j <= grid; j++)
        st = solve_eval_at(q, j == grid ? b : a + (b - a) * j / grid, &met, e);
    return st;
}

/* Count at a value already simulated; 0 when it was not. */
static size_t solve_met_of(const solve_search *q, double value)
{
    for (size_t k = 0; k < q->n_ev; k++)
        if (q->ev[k].value == value)
            return q->ev[k].met;
    return 0;
}

int solve_direction(const solve_search *q, double a, double b)
{
    return solve_met_of(q, b) >= solve_met_of(q, a) ? 1 : -1;
}

int solve_cross(solve_search *q, size_t level, double a, double b, int dir, double tol, double *lo,
                double *hi, phx_err *e)
{
    double lo_end = fmin(a, b), hi_end = fmax(a, b), start = dir > 0 ? lo_end : hi_end;
    *hi = *lo = NAN;
    for (size_t k = 0; k < q->n_ev; k++) {       /* the first reaching it, in the search's order */
        double v = q->ev[k].value;
        if (v >= lo_end && v <= hi_end && q->ev[k].met >= level && (isnan(*hi) || dir * v < dir * *hi))
            *hi = v;
    }
    if (isnan(*hi) || *hi == start)
        return PHX_OK;
    *lo = start;
    for (size_t k = 0; k < q->n_ev; k++) {       /* the value simulated just before it */
        double v = q->ev[k].value;
        if (v >= lo_end && v <= hi_end && dir * v < dir * *hi && dir * v > dir * *lo)
            *lo = v;
    }
    int st = PHX_OK;
    while (st == PHX_OK && fabs(*hi - *lo) > tol) {
        double mid = *lo + (*hi - *lo) / 2;
        size_t met = 0;
        if (mid == *lo || mid == *hi)
            break;                                 /* adjacent doubles */
        st = solve_eval_at(q, mid, &met, e);
        if (met >= level)
            *hi = mid;
        else
            *lo = mid;
    }
    return st;
}

void solve_monotone(const solve_search *q, int *monotone, size_t *n_not_monotone)
{
    solve_monotone_in(q, 1, monotone, n_not_monotone);
}

void solve_monotone_in(const solve_search *q, int dir, int *monotone, size_t *n_not_monotone)
{
    size_t m = q->n_ev, *order = phx_malloc((m ? m : 1) * sizeof *order);
    for (size_t k = 0; k < m; k++) {          /* insertion sort by value: a few dozen runs */
        size_t j = k;
        for (; j > 0 && dir * q->ev[order[j - 1]].value > dir * q->ev[k].value; j--)
            order[j] = order[j - 1];
        order[j] = k;
    }
    *monotone = 1;
    for (size_t k = 1; k < m; k++)
        if (q->ev[order[k]].met < q->ev[order[k - 1]].met)
            *monotone = 0;
    *n_not_monotone = 0;
    for (size_t i = 0; i < q->n; i++) {
        int seen = 0, flip = 0;
        for (size_t k = 0; k < m; k++) {
            seen |= q->ok[order[k]][i];
            flip |= seen && !q->ok[order[k]][i];
        }
        *n_not_monotone += (size_t)flip;
    }
    free(order);
}

const solve_eval *solve_evals(const solve_search *q, size_t *n)
{
    *n = q->n_ev;
    return q->ev;
}

solve_eval *solve_take(solve_search *q, size_t *n)
{
    solve_eval *ev = q->ev;
    *n = q->n_ev;
    q->ev = NULL;
    q->cap = 0;
    return ev;
}
