/* seek.h -- goal seek over one lever (phoenix seek), model-agnostic: the value of a numeric
 * parameter, within a range, at which a metric meets its target in the last year with
 * probability at least Q, on common random numbers (every value runs the same replications with
 * the same seed), built on the level search of engine/solve.h.
 *
 * The count of replications meeting the target at value v is the count of replications whose
 * own threshold is passed; the answer is the crossing of rank k = ceil(n Q) (stats_ecdf_rank)
 * going from the range's start end, and its interval the crossings of the distribution-free
 * ranks of the Q-quantile (stats_quantile_ranks), as for the fund (docs/model.md "Sizing the
 * fund"). The lever's effect (raising or lowering the count) is read from the range's ends:
 * raising, the answer is the smallest value; lowering, the largest. */
#ifndef PHX_SEEK_H
#define PHX_SEEK_H

#include <stddef.h>
#include "phx.h"
#include "run.h"
#include "scenario.h"
#include "solve.h"

#define SEEK_MAX_CONSTRAINTS 16

/* Load the scenario with the lever at `value` (the caller's overrides and model registry). */
typedef int (*seek_load_fn)(void *ctx, double value, scenario **sc, phx_err *e);
/* Told after every simulation (for a progress line); may be NULL. */
typedef void (*seek_note_fn)(void *ctx, double value, size_t met, size_t n);

typedef struct seek_spec {
    const char *lever;         /* the parameter's key */
    const char *target;        /* the metric */
    double target_value;       /* NaN: the scenario's [targets] value */
    double confidence;         /* Q in (0, 1) */
    double level;              /* of every interval (0.95) */
    double a, b;               /* the range, a < b */
    int grid;                  /* the first scan: grid + 1 values over [a, b] */
    double tol;                /* the answer to within tol (0: (b - a) / 1024) */
    run_options ro;
    seek_load_fn load;
    seek_note_fn note;
    void *ctx;
} seek_spec;

/* A constraint indicator (METRIC_CONSTRAINT) at the value reported. */
typedef struct seek_constraint {
    int metric;                /* index in the model's metric table */
    double share_missing;      /* share of the replications missing the target where it is > 0 */
    double share;              /* share of all replications where it is > 0 */
    double mean;               /* its mean over replications (last year) */
} seek_constraint;

typedef struct seek_result {
    size_t n;                  /* replications */
    int metric;                /* the target's metric index */
    int year;                  /* the last year (where the target is judged) */
    double target;             /* the target value used */
    int target_more;           /* met when value >= target (else <=) */
    int direction;             /* +1: the lever raises P (smallest value); -1: lowers it (largest) */
    int reachable;             /* some value in the range gives P >= Q */
    double value, lower, upper;    /* the answer and its interval; NaN: out of reach / beyond the
                                      range on that side */
    double p, p_lo, p_hi;      /* P(target met) at the value reported (Wilson, `level`) */
    double reported;           /* the value reported: the answer, or the best one when out of reach */
    double p_a, p_b;           /* at the range's ends */
    size_t rank, rank_lower, rank_upper;
    int monotone;
    size_t n_not_monotone;
    seek_constraint binding[SEEK_MAX_CONSTRAINTS];   /* constraints > 0 somewhere, most often first */
    size_t n_binding;
    solve_eval *evals;         /* every simulation, in the order run */
    size_t n_evals;
} seek_result;

/* Check what `sc` (the scenario as loaded) allows: `lever` a real-valued parameter, `target` a
 * metric with a target (or target_value given), the range within the parameter's bounds (NaN
 * ends: the bounds). Sets *metric, *a, *b. PHX_EINPUT with a one-line message otherwise. */
int seek_check(const scenario *sc, const char *lever, const char *target, double target_value,
               double *a, double *b, int *metric, phx_err *e);

/* The search. `r` is filled (seek_result_free frees its arrays). */
int seek_run(const seek_spec *s, seek_result *r, phx_err *e);
void seek_result_free(seek_result *r);

#endif
