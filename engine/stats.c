/* stats.c -- summary statistics of one metric column (GSL's sorting and gsl_stats_*). */
#include "stats.h"

#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

const double stats_q_levels[STATS_NQ] = { 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95 };

void stats_wilson(size_t k, size_t n, double conf, double *lower, double *upper)
{
    if (n == 0) {
        *lower = *upper = NAN;
        return;
    }
    /* Wilson (1927) score interval */
    double z = gsl_cdf_ugaussian_Pinv(0.5 + conf / 2), p = (double)k / (double)n;
    double z2n = z * z / (double)n, den = 1 + z2n;
    double mid = (p + z2n / 2) / den;
    double half = z * sqrt(p * (1 - p) / (double)n + z2n / (4 * (double)n)) / den;
    *lower = k == 0 ? 0 : fmax(0, mid - half);
    *upper = k == n ? 1 : fmin(1, mid + half);
}

void stats_summarize(double *x, size_t n, int has_target, double target, int direction,
                     stats_summary *out)
{
    out->n = n;
    out->p_target = out->p_lower = out->p_upper = NAN;
    if (n == 0) {
        out->mean = out->sd = out->se = NAN;
        for (int i = 0; i < STATS_NQ; i++)
            out->q[i] = NAN;
        return;
    }
    out->mean = gsl_stats_mean(x, 1, n);
    out->sd = n > 1 ? gsl_stats_sd_m(x, 1, n, out->mean) : 0;
    out->se = out->sd / sqrt((double)n);
    if (has_target) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            k += direction > 0 ? x[i] >= target : x[i] <= target;
        out->p_target = (double)k / (double)n;
        stats_wilson(k, n, 0.95, &out->p_lower, &out->p_upper);
    }
    gsl_sort(x, 1, n);
    for (int i = 0; i < STATS_NQ; i++)
        out->q[i] = gsl_stats_quantile_from_sorted_data(x, 1, n, stats_q_levels[i]);
}

size_t stats_ecdf_rank(size_t n, double q)
{
    if (n == 0)
        return 0;
    double k = ceil((double)n * q - 1e-9 * (double)n * q);   /* n q = 900.0000000001 is 900 */
    return k < 1 ? 1 : k > (double)n ? n : (size_t)k;
}

/* Largest j in [-1, n] with P(B <= j) <= p, B ~ binomial(n, q) (bisection on the CDF). */
static long binomial_last_below(size_t n, double q, double p)
{
    long lo = -1, hi = (long)n;            /* F(lo) <= p holds (F(-1) = 0); F(n) = 1 */
    if (p >= 1)
        return (long)n;
    while (hi - lo > 1) {
        long mid = lo + (hi - lo) / 2;
        if (gsl_cdf_binomial_P((unsigned)mid, q, (unsigned)n) <= p)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

void stats_quantile_ranks(size_t n, double q, double conf, size_t *lo, size_t *hi)
{
    double tail = (1 - conf) / 2;
    /* lower: P(X_(l) > xi) = P(B <= l - 1) <= tail: l - 1 = the last j with F(j) <= tail */
    *lo = (size_t)(binomial_last_below(n, q, tail) + 1);
    /* upper: P(X_(u) < xi) = P(B >= u) = 1 - F(u - 1) <= tail: u - 1 = the first j with
     * F(j) >= 1 - tail, one past the last j with F(j) < 1 - tail */
    long j = binomial_last_below(n, q, nextafter(1 - tail, 0));
    *hi = (size_t)(j + 2);
}
