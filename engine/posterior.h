/* posterior.h -- a weighted posterior sample (a calibration's last generation) and what is done
 * with it: summaries, a run design that draws each replication's calibrated parameters from
 * it (`phoenix run --posterior`), and the posterior predictive check. Model-agnostic. */
#ifndef PHX_POSTERIOR_H
#define PHX_POSTERIOR_H

#include <stddef.h>
#include "phx.h"
#include "run.h"
#include "sampler.h"
#include "scenario.h"
#include "stats.h"

typedef struct posterior {
    char *source;              /* where it came from (a file), for messages */
    char *model;               /* the model it was calibrated on */
    size_t n, n_dim;
    char **names;              /* n_dim theta slot names, e.g. "economy.growth" */
    double *theta;             /* n x n_dim */
    double *weight;            /* n, normalised to sum 1 */
    double *cum;               /* cumulative weights (cum[n - 1] = 1) */
} posterior;

/* A posterior from n particles of n_dim values with weights >= 0 (normalised here). Returns
 * NULL and fills `e` (naming `source`) when the weights are not usable. */
posterior *posterior_alloc(const char *source, const char *model, size_t n, size_t n_dim,
                           const char *const *names, const double *theta, const double *weight,
                           phx_err *e);
void posterior_free(posterior *p);

/* Weighted mean, sd and the 5%, 50%, 95% quantiles of dimension d. */
void posterior_summary(const posterior *p, size_t d, double *mean, double *sd, double q[3]);

/* A design for run_replications: replication i takes the particle drawn with its weight from
 * the stream (seed, i, RNG_PURPOSE_POSTERIOR), for every slot the posterior names; the other
 * slots come from the scenario's own sampler exactly as in a plain run, and replication i
 * keeps model stream i. Scenarios with the same seed therefore draw the same particle for the
 * same replication (comparisons stay paired). Every posterior slot must be a slot of `sc`,
 * and the posterior's model sc's model; otherwise PHX_EINPUT. */
typedef struct posterior_design posterior_design;
int posterior_design_alloc(posterior_design **out, const posterior *p, const scenario *sc,
                           sampler_kind kind, size_t n_total, phx_err *e);
const run_design *posterior_design_get(const posterior_design *pd);
void posterior_design_free(posterior_design *pd);

/* The posterior predictive check: n_rep replications of `sc` with parameters from `p` (the
 * design above, sampler MC), every block passed on to `inner` (e.g. the results writer; a
 * NULL block function: none); per used observation of `a`, the quantiles (stats_q_levels) of
 * the replications and the share at or below the observation; and the prior predictive
 * quantiles (generation 0 of `a`). */
typedef struct predictive_check {
    size_t n_obs, n_rep;
    double *q;                 /* [observation x STATS_NQ] */
    double *p_below;           /* [observation] */
    double *prior_q;           /* [observation x STATS_NQ] */
} predictive_check;

struct abc;
int posterior_predictive(const struct abc *a, const posterior *p, const scenario *sc,
                         const void *shared, size_t n_rep, const run_options *o, run_sink inner,
                         predictive_check *out, phx_err *e);
void predictive_check_free(predictive_check *c);

/* The posterior of a finished calibration: its last generation, named by sc's slot names. */
posterior *posterior_from_abc(const struct abc *a, const scenario *sc, const char *source,
                              phx_err *e);

#endif
