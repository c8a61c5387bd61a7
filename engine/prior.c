/* prior.c -- log densities of the distribution kinds of dist.h. */
#include "prior.h"

#include <math.h>
#include <gsl/gsl_randist.h>

#define LOG_SQRT_2PI 0.91893853320467274178

static double log_or_ninf(double p)
{
    return p > 0 ? log(p) : -INFINITY;
}

double prior_log_pdf(const dist *d, double x)
{
    if (!isfinite(x))
        return -INFINITY;
    switch (d->kind) {
    case DIST_CONST: return x == d->a ? 0 : -INFINITY;
    case DIST_UNIFORM: return x >= d->a && x <= d->b ? -log(d->b - d->a) : -INFINITY;
    case DIST_TRIANGULAR: {
        double lo = d->a, mode = d->b, hi = d->c;
        if (x < lo || x > hi)
            return -INFINITY;
        double p = x < mode ? 2 * (x - lo) / ((hi - lo) * (mode - lo))
                 : x > mode ? 2 * (hi - x) / ((hi - lo) * (hi - mode)) : 2 / (hi - lo);
        return log_or_ninf(p);
    }
    case DIST_NORMAL: {        /* in logs, so that the far tails do not underflow to -inf */
        double z = (x - d->a) / d->b;
        return -0.5 * z * z - log(d->b) - LOG_SQRT_2PI;
    }
    case DIST_LOGNORMAL: {
        if (!(x > 0))
            return -INFINITY;
        double z = (log(x) - log(d->a)) / d->b;
        return -0.5 * z * z - log(x * d->b) - LOG_SQRT_2PI;
    }
    case DIST_BETA: return x >= 0 && x <= 1 ? log_or_ninf(gsl_ran_beta_pdf(x, d->a, d->b)) : -INFINITY;
    case DIST_BETA_MEAN:
        return x >= 0 && x <= 1 ? log_or_ninf(gsl_ran_beta_pdf(x, d->a * d->b, (1 - d->a) * d->b))
                                : -INFINITY;
    }
    return -INFINITY;
}
