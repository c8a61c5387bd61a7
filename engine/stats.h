/* stats.h -- summary statistics of one metric column, and binomial intervals. */
#ifndef PHX_STATS_H
#define PHX_STATS_H

#include <stddef.h>

#define STATS_NQ 7
extern const double stats_q_levels[STATS_NQ];   /* 0.05 0.10 0.25 0.50 0.75 0.90 0.95 */

typedef struct stats_summary {
    size_t n;
    double mean, sd, se;          /* se = sd / sqrt(n) */
    double q[STATS_NQ];           /* quantiles at stats_q_levels */
    double p_target;              /* P(target met); NaN without a target */
    double p_lower, p_upper;      /* Wilson 95% interval of p_target; NaN without a target */
} stats_summary;

/* Summarize x[0..n-1]; x is sorted in place. With has_target, the target is met when
 * x >= target (direction > 0) or x <= target (direction < 0). */
void stats_summarize(double *x, size_t n, int has_target, double target, int direction,
                     stats_summary *out);

/* Wilson score interval for k successes in n trials at confidence `conf` (e.g. 0.95). */
void stats_wilson(size_t k, size_t n, double conf, double *lower, double *upper);

/* Rank (1-based) of the inverse empirical CDF at level q in (0, 1) among n values: the smallest
 * k with k / n >= q, i.e. ceil(n q). The k-th smallest value is the smallest x with at least a
 * share q of the values <= x. Returns 0 when n is 0. */
size_t stats_ecdf_rank(size_t n, double q);

/* Distribution-free interval for the q-quantile xi_q of a continuous distribution from the order
 * statistics X_(1) <= ... <= X_(n) of n independent draws: 1-based ranks *lo < *hi with
 *     P(X_(lo) <= xi_q <= X_(hi)) = P(lo <= B <= hi - 1) >= conf,   B ~ binomial(n, q),
 * each tail at most (1 - conf) / 2 (e.g. David & Nagaraja, Order Statistics, 2003, §7.1).
 * *lo = 0 means no order statistic is low enough at this n (the interval is open below, -inf);
 * *hi = n + 1 that none is high enough (+inf). With ties (atoms) the coverage only grows. */
void stats_quantile_ranks(size_t n, double q, double conf, size_t *lo, size_t *hi);

#endif
