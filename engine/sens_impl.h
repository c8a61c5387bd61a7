/* sens_impl.h -- what the sensitivity methods (saltelli.c, morris.c, tornado.c) share with
 * sensitivity.c. Internal to engine/; the public interface is sensitivity.h. */
#ifndef PHX_SENS_IMPL_H
#define PHX_SENS_IMPL_H

#include <gsl/gsl_rng.h>
#include "sensitivity.h"

/* Random-number purposes of the designs and the bootstrap (rng.h reserves 0..15 for the engine;
 * these three are the sensitivity module's). Their draws use the run-wide stream index
 * SENS_STREAM, which no replication has (the streams of design rows are 0..2N-1). */
enum { SENS_PURPOSE_SOBOL = 12, SENS_PURPOSE_MORRIS = 13, SENS_PURPOSE_BOOT = 14 };
#define SENS_STREAM 0xFFFFFFFFu

/* A method: its design rows and its estimator. */
typedef struct sens_ops {
    size_t (*rows)(const sens *s);
    void (*unit)(const sens *s, size_t row, double *u);      /* the row's point in [0,1]^k */
    uint32_t (*stream)(const sens *s, size_t row);           /* the row's random stream */
    void (*estimate)(const sens *s, sens_result *r, int threads);
    void (*free)(void *state);
    size_t extra_factors;    /* factors the result adds after the scenario's (sobol: chance) */
    int per_year;            /* results per year (sobol, morris) or for one year (tornado) */
} sens_ops;

struct sens {
    const sens_factors *fs;
    const scenario *sc;
    sens_options o;          /* defaults filled in */
    const sens_ops *ops;
    void *state;             /* the method's design */
    int *metric;             /* analysed metrics (model indices) */
    size_t n_metric;
    int y0;                  /* first analysed year index */
    size_t n_year;
    size_t n_cells;          /* n_metric * n_year */
    size_t rows;
    double *y;               /* [cell][row]: cell = m * n_year + y */
    double *u;               /* [k]: fill's scratch */
};

/* Methods: set s->ops and s->state, or fill `e`. */
int sens_sobol_init(sens *s, phx_err *e);
int sens_morris_init(sens *s, phx_err *e);
int sens_tornado_init(sens *s, phx_err *e);

/* The values of cell c (metric-year) for design row `row`. */
static inline double sens_y(const sens *s, size_t c, size_t row)
{
    return s->y[c * s->rows + row];
}

/* Resample b of the bootstrap: n indices drawn uniformly from 0..n-1 with replacement, from
 * the stream addressed by (seed, b), so every metric and factor sees the same resamples. */
void sens_resample(const sens *s, gsl_rng *r, size_t b, size_t n, size_t *idx);
/* The percentile interval at `level` of x[0..n-1] (reordered); NaN when any x is NaN. */
void sens_percentile(double *x, size_t n, double level, double *lo, double *hi);

#endif
