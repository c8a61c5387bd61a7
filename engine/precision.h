/* precision.h -- precision control: run a scenario in batches until every metric with a target
 * is known well enough (model-agnostic; the caller supplies the scenario, its sink and a runner).
 *
 * The criterion, for every target metric's last-year value x over the replications done:
 *   95% half-width of the mean of x              <= rel x |mean of x|, and
 *   half-width of the 95% Wilson interval of P(target met) <= rel.
 * It is tested only at batch ends, on sums taken in replication order, so that the stopping point
 * depends on (scenario, seed, rel, batch) alone: never on threads, blocks or MPI ranks. */
#ifndef PHX_PRECISION_H
#define PHX_PRECISION_H

#include <stddef.h>
#include "phx.h"
#include "run.h"

/* ---- the accumulator (alloc / put / end batch / test), usable on any series of values ---- */

typedef struct precision precision;

/* `n_series` series; series s meets its target when direction[s] > 0 ? x >= target[s] :
 * x <= target[s]. Batches hold at most `batch` values per series. */
precision *precision_alloc(size_t n_series, const int *direction, const double *target, size_t batch);
void precision_free(precision *p);
/* Start a batch of replications first..first+n-1 (n <= batch; first = precision_count()). */
void precision_begin_batch(precision *p, size_t first, size_t n);
/* Value of series s in replication `rep` of the current batch (in any order). */
void precision_put(precision *p, size_t s, size_t rep, double x);
/* Add the batch to the sums, in replication order. */
void precision_end_batch(precision *p);
/* Replications added so far. */
size_t precision_count(const precision *p);
/* Is the criterion met at relative precision rel (1) or not (0)? Not met with no values. */
int precision_test(const precision *p, double rel);
/* Series s's mean, sample variance and count meeting its target, so far. */
void precision_moments(const precision *p, size_t s, double *mean, double *var, size_t *met);

/* ---- the driver --------------------------------------------------------------------------- */

typedef struct precision_spec {
    double rel;                 /* relative precision in (0, 1) */
    size_t batch;               /* replications per batch */
    size_t max_reps;            /* give up after this many (>= batch) */
} precision_spec;

/* Runs replications first..first+n-1 of sc into sink (cluster_run, or run_replications). */
typedef int (*precision_runner)(const scenario *sc, const void *shared, size_t first, size_t n,
                                const run_options *o, const run_sink *sink, phx_err *e);
/* Makes rank 0's decision everyone's (cluster_bcast_int), or NULL. */
typedef void (*precision_bcast)(int *v);

/* Run `sc` in batches of spec->batch into `sink` until the criterion holds for every target of
 * the scenario or spec->max_reps are done. The scenario is not changed: what ran goes to *rec
 * (replications done, why it stopped). A scenario without targets stops after one batch. */
int precision_run(const scenario *sc, const void *shared, const run_options *ro, const run_sink *sink,
                  const precision_spec *spec, precision_runner runner, precision_bcast bcast,
                  run_record *rec, phx_err *e);

#endif
