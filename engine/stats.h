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

#endif
