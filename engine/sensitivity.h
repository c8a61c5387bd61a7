/* sensitivity.h -- global sensitivity analysis of any model: which uncertain inputs (factors)
 * drive each metric, and how much of its variance is the model's own chance.
 *
 * Factors come from the scenario: every key given as a distribution is one factor (a per-year
 * key is one factor: its years move together, each year through its own distribution at the
 * same probability); groups merge several keys into one factor. Three methods share one shape
 * (alloc / run / estimate, GSL-style; the caller runs the replications):
 *   SENS_SOBOL    Saltelli's design on a randomised Sobol' sequence, S1 (Saltelli et al. 2010),
 *                 ST (Jansen 1999), percentile bootstrap intervals, and a `chance` factor
 *                 (engine/saltelli.c);
 *   SENS_MORRIS   elementary effects mu*, sigma on r trajectories (engine/morris.c);
 *   SENS_TORNADO  each factor at its 10% and 90% quantiles, the others at their medians: the
 *                 swing of each metric's mean and of P(target met) (engine/tornado.c).
 * docs/sensitivity.md describes the methods, the streams and the estimators. */
#ifndef PHX_SENSITIVITY_H
#define PHX_SENSITIVITY_H

#include <stddef.h>
#include <stdint.h>
#include "phx.h"
#include "run.h"
#include "scenario.h"

typedef enum { SENS_SOBOL = 0, SENS_MORRIS, SENS_TORNADO } sens_method;

/* Parse "sobol", "morris" or "tornado": 0 on success. */
int sens_method_parse(const char *name, sens_method *m);
const char *sens_method_name(sens_method m);

/* ---- factors ------------------------------------------------------------------------------- */

typedef struct sens_factor {
    char *name;          /* the key ("economy.growth"), or the group's name */
    size_t n_slots;
    size_t *slots;       /* theta slots it moves (a per-year key: one per year; a group: all) */
} sens_factor;

typedef struct sens_factors {
    const scenario *sc;
    sens_factor *f;
    size_t k;
    double *base;        /* [sc->n_slots]: the constants as written (factor slots overwritten) */
} sens_factors;

/* `--group NAME=key,key`: the keys of `keys` become one factor called `name`. */
typedef struct sens_group {
    const char *name;
    const char *const *keys;
    size_t n_keys;
} sens_group;

/* The factors of resolved scenario `sc`: every parameter with a distribution in some year, in
 * the model's table order, the grouped keys replaced by their group (at the place of its first
 * key). Errors (PHX_EINPUT, naming the option): a group key that is unknown, not a distribution
 * or in two groups; a group name that is a key, "chance" or used twice; no factor at all. */
int sens_factors_build(sens_factors **out, const scenario *sc, const sens_group *groups,
                       size_t n_groups, phx_err *e);
void sens_factors_free(sens_factors *fs);

/* theta (sc->n_slots) of the unit point u[0..k-1]: constants as written, the slots of factor i
 * at probability u[i] of their own distributions (dist_quantile). */
void sens_factors_theta(const sens_factors *fs, const double *u, double *theta);

/* ---- an analysis --------------------------------------------------------------------------- */

typedef struct sens_options {
    sens_method method;
    size_t N;              /* sobol: base samples; morris: trajectories; tornado: replications
                              per point. 0: 512, 64, 1000 */
    size_t n_boot;         /* bootstrap resamples for intervals; 0: 1000 */
    double level;          /* of every interval; 0: 0.95 */
    int levels;            /* morris: grid levels p (even, >= 2); 0: 4 */
    int second_order;      /* sobol: also S2 (the rows B_A^i: N (2k + 3) runs) */
    int year;              /* calendar year to analyse, or 0: every year (tornado: the last) */
    const int *metrics;    /* model metric indices to analyse; NULL: every metric */
    size_t n_metrics;
} sens_options;

typedef struct sens sens;

/* An analysis of the factors `fs` (which must outlive it). The design depends only on the
 * options and the scenario's seed. Errors (PHX_EINPUT): sobol with more than 20 factors (2k
 * Sobol' dimensions, GSL's limit is 40), a year outside the scenario, morris levels odd. */
sens *sens_alloc(const sens_factors *fs, const sens_options *o, phx_err *e);
void sens_free(sens *s);

/* Design rows to run (replications 0..rows-1 of run_replications). */
size_t sens_rows(const sens *s);
/* The design (each row's theta and random stream) and the sink that keeps the analysed
 * metric-years of every row, for run_replications or cluster_run (blocks in any order). */
run_design sens_design(sens *s);
run_sink sens_sink(sens *s);

/* A runner: run_replications, or cluster_run under MPI (same signature). */
typedef int (*sens_runner)(const scenario *sc, const void *shared, size_t first, size_t n,
                           const run_options *o, const run_sink *sink, phx_err *e);
/* Run every design row with `run` (NULL: run_replications); `ro` gives threads, block and
 * progress (its design is replaced). Returns PHX_OK or fills `e`. */
int sens_run(sens *s, const void *shared, const run_options *ro, sens_runner run, phx_err *e);

/* ---- results ------------------------------------------------------------------------------- */

/* Indices of every analysed metric, year and factor. Arrays [metric][year][factor] are indexed
 * with sens_at(); tornado arrays [metric][factor] with year index 0. Arrays a method does not
 * give are NULL. */
typedef struct sens_result {
    sens_method method;
    size_t N;                  /* base samples, trajectories or replications per point */
    uint64_t seed;
    size_t n_boot;
    double level;
    const char *scenario;      /* its name (owned by the scenario) */
    size_t n_metric, n_year, n_factor;
    int *metric;               /* model metric index of each */
    int32_t *year;             /* calendar year of each */
    int year_chosen;           /* the year asked for, or 0 */
    char **factor;             /* names; sobol: the last is "chance" */
    size_t rows;               /* model runs */
    int second_order;          /* S2 computed */
    /* sobol */
    double *S1, *S1_lower, *S1_upper, *ST, *ST_lower, *ST_upper;
    double *variance;          /* [metric][year]: total variance of the metric */
    double *S2, *S2_lower, *S2_upper;   /* with second_order: [metric][year][factor][factor] */
    /* morris */
    double *mu_star, *mu_star_lower, *mu_star_upper, *sigma, *mu;
    /* tornado: [metric][factor], base and p_base [metric] */
    double *low, *high, *swing, *p_low, *p_high, *p_swing, *base, *p_base;
} sens_result;

static inline size_t sens_at(const sens_result *r, size_t m, size_t y, size_t f)
{
    return (m * r->n_year + y) * r->n_factor + f;
}

/* The indices from the rows kept by the sink (every row must have run). The bootstrap is
 * parallel over metric-years (OpenMP, `threads`; 0 = default) and its resamples are addressed
 * by (seed, resample), so the result is the same at any thread count. Caller frees. */
sens_result *sens_estimate(const sens *s, int threads);
void sens_result_free(sens_result *r);

#endif
