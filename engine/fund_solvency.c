/* fund_solvency.c -- the solvency analysis of one run's break-even values (fund_size.h): the
 * quantile and its order-statistic interval, P(solvent) near the answer, the shortfall and the
 * balance fans. */
#include "fund_size.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* Share of k of n replications, and its Wilson interval at `level`. */
static void share(size_t k, size_t n, double level, double *p, double *lo, double *hi)
{
    *p = n ? (double)k / (double)n : NAN;
    stats_wilson(k, n, level, lo, hi);
}

/* Replications solvent at `value`: those whose break-even value is at most it. */
static size_t solvent_at(const double *sorted, size_t n, double value)
{
    size_t lo = 0, hi = n;                 /* first index with sorted[i] > value */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] <= value)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void fund_fan(const double *balance, size_t n, int n_years, double *fan)
{
    double *x = phx_malloc((n ? n : 1) * sizeof *x);
    for (int y = 0; y < n_years; y++) {
        for (size_t i = 0; i < n; i++)
            x[i] = balance[i * (size_t)n_years + (size_t)y];
        gsl_sort(x, 1, n);
        for (int q = 0; q < STATS_NQ; q++)
            fan[(size_t)y * STATS_NQ + (size_t)q] =
                n ? gsl_stats_quantile_from_sorted_data(x, 1, n, stats_q_levels[q]) : NAN;
    }
    free(x);
}

/* The shortfall at the scenario's own value: how often, how deep, and when it starts. */
static void shortfall(const fund_runs *in, fund_report *r)
{
    size_t n = in->n, ny = (size_t)in->n_years, m = 0, solvent = 0;
    size_t *first = phx_calloc(ny + 1, sizeof *first);
    double *lowest = phx_malloc((n ? n : 1) * sizeof *lowest);
    for (size_t i = 0; i < n; i++) {
        const double *b = in->balance + i * ny;
        size_t y0 = ny;                    /* first year with a negative year-end balance */
        double low = b[0];
        for (size_t y = 0; y < ny; y++) {
            if (b[y] < 0 && y0 == ny)
                y0 = y;
            low = b[y] < low ? b[y] : low;
        }
        first[y0]++;
        if (low < 0)
            lowest[m++] = low;
        else
            solvent++;
    }
    share(solvent, n, r->level, &r->p_scenario, &r->p_scenario_lo, &r->p_scenario_hi);
    r->n_shortfall = m;
    r->shortfall = m ? gsl_stats_mean(lowest, 1, m) : NAN;
    double half = m > 1 ? gsl_cdf_tdist_Pinv(0.5 + r->level / 2, (double)(m - 1)) *
                              gsl_stats_sd_m(lowest, 1, m, r->shortfall) / sqrt((double)m)
                        : NAN;
    r->shortfall_lo = r->shortfall - half;
    r->shortfall_hi = r->shortfall + half;
    r->p_first = phx_malloc((ny + 1) * sizeof *r->p_first);
    r->p_first_lo = phx_malloc((ny + 1) * sizeof *r->p_first_lo);
    r->p_first_hi = phx_malloc((ny + 1) * sizeof *r->p_first_hi);
    for (size_t y = 0; y <= ny; y++)
        share(first[y], n, r->level, &r->p_first[y], &r->p_first_lo[y], &r->p_first_hi[y]);
    free(lowest);
    free(first);
}

void fund_solvency(const fund_runs *in, fund_report *r)
{
    size_t n = in->n, ny = (size_t)in->n_years;
    r->n = n;
    r->breakeven = phx_malloc((n ? n : 1) * sizeof *r->breakeven);
    memcpy(r->breakeven, in->breakeven, n * sizeof *r->breakeven);
    double *x = phx_malloc((n ? n : 1) * sizeof *x);
    memcpy(x, in->breakeven, n * sizeof *x);
    gsl_sort(x, 1, n);                     /* +inf sorts last */
    r->rank = stats_ecdf_rank(n, r->confidence);
    stats_quantile_ranks(n, r->confidence, r->level, &r->rank_lower, &r->rank_upper);
    /* break-even values are >= 0, so 0 bounds the quantile below when no order statistic does */
    r->answer = n ? x[r->rank - 1] * (1 + 1e-9) : NAN;
    r->lower = r->rank_lower >= 1 ? x[r->rank_lower - 1] : 0;
    r->upper = r->rank_upper <= n ? x[r->rank_upper - 1] : INFINITY;
    share(solvent_at(x, n, r->answer), n, r->level, &r->p_answer, &r->p_answer_lo, &r->p_answer_hi);
    share(solvent_at(x, n, 0.9 * r->answer), n, r->level, &r->p_below, &r->p_below_lo, &r->p_below_hi);
    share(solvent_at(x, n, 1.1 * r->answer), n, r->level, &r->p_above, &r->p_above_lo, &r->p_above_hi);
    shortfall(in, r);
    r->fan = phx_malloc((ny ? ny : 1) * STATS_NQ * sizeof *r->fan);
    fund_fan(in->balance, n, in->n_years, r->fan);
    /* the balance at the answer: linear in the value (the money switch off) */
    size_t cells = n * ny;
    double *b = phx_malloc((cells ? cells : 1) * sizeof *b);
    double answer = isfinite(r->answer) ? r->answer : NAN;
    for (size_t i = 0; i < n; i++)
        for (size_t y = 0; y < ny; y++)
            b[i * ny + y] = in->balance[i * ny + y] + (answer - in->own[i]) * in->slope[i * ny + y];
    r->fan_answer = phx_malloc((ny ? ny : 1) * STATS_NQ * sizeof *r->fan_answer);
    fund_fan(b, n, in->n_years, r->fan_answer);
    r->fan_value = r->answer;
    free(b);
    free(x);
}

void fund_report_free(fund_report *r)
{
    if (r == NULL)
        return;
    free(r->p_first);
    free(r->p_first_lo);
    free(r->p_first_hi);
    free(r->fan);
    free(r->fan_answer);
    free(r->breakeven);
    free(r->p_each);
    free(r->evals);
    r->p_first = r->p_first_lo = r->p_first_hi = r->fan = r->fan_answer = r->breakeven = NULL;
    r->p_each = NULL;
    r->evals = NULL;
}
