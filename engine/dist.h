/* dist.h -- scalar values that are constants or distributions drawn once per replication. */
#ifndef PHX_DIST_H
#define PHX_DIST_H

#include "phx.h"

typedef enum {
    DIST_CONST = 0,    /* a:  value */
    DIST_UNIFORM,      /* a, b: lower, upper */
    DIST_TRIANGULAR,   /* a, b, c: min, mode, max */
    DIST_NORMAL,       /* a, b: mean, sd */
    DIST_LOGNORMAL,    /* a, b: median, sigma (of the log) */
    DIST_BETA,         /* a, b: shape a, shape b */
    DIST_BETA_MEAN     /* a, b: mean, concentration; stored as beta(mean*conc, (1-mean)*conc) */
} dist_kind;

typedef struct dist {
    dist_kind kind;
    double a, b, c;    /* as written by the user */
} dist;

/* Parse one value: a number or `name(args)`. On error fills `e` (with `file`, `line`, `key`)
 * and returns PHX_EINPUT. */
int dist_parse(const char *text, dist *d, phx_err *e, const char *file, int line,
               const char *key);

/* The value at probability u in (0,1) (inverse CDF, via GSL's gsl_cdf_*_Pinv). A constant
 * ignores u. */
double dist_quantile(const dist *d, double u);

/* Smallest and largest value the distribution can produce (may be +-INFINITY). */
void dist_support(const dist *d, double *lo, double *hi);

/* Mean of the distribution. */
double dist_mean(const dist *d);

/* Canonical text, e.g. "triangular(0.05, 0.15, 0.3)"; `buf` of `n` bytes. */
void dist_format(const dist *d, char *buf, size_t n);

#endif
