/* abc.h -- approximate Bayesian computation by sequential Monte Carlo: the ABC population Monte
 * Carlo of Beaumont, Cornuet, Marin & Robert (2009, Biometrika 96:983-990) with adaptive
 * tolerances (each generation's tolerance the weighted alpha-quantile of the previous
 * generation's distances, after Del Moral, Doucet & Jasra 2012, Stat. Comput. 22:1009-1020)
 * and their perturbation kernel (a normal with twice the weighted covariance of the previous
 * generation). Model-agnostic: the priors are the scenario's distribution-valued slots, the
 * data are observations of the model's metrics, every simulation is a replication of the
 * engine (run_replications with a design), so a generation runs in parallel and its result
 * depends only on (scenario, seed, settings), never on the thread count.
 *
 * GSL-style use:
 *     abc *a = abc_alloc(sc, shared, obs, &settings, e);
 *     while (abc_test(a) == ABC_CONTINUE)
 *         if (abc_iterate(a, e)) ...error...
 *     ... abc_generation_at(a, abc_n_generations(a) - 1) is the posterior sample ...
 *     abc_free(a); */
#ifndef PHX_ABC_H
#define PHX_ABC_H

#include <stddef.h>
#include <stdint.h>
#include "phx.h"
#include "scenario.h"
#include "observed.h"

typedef struct abc_settings {
    size_t particles;          /* N: accepted particles per generation (default 500) */
    int max_generations;       /* generations at most, generation 0 (the prior) included (8) */
    double tolerance_final;    /* stop once the tolerance reaches this distance (0: never) */
    double quantile;           /* alpha of the adaptive tolerance (0.5) */
    double min_acceptance;     /* a generation that would accept less is not run (0.01) */
    int threads;               /* OpenMP threads; 0 = OpenMP's default */
    size_t block;              /* replications per block (run_options.block) */
    int progress;
} abc_settings;

void abc_settings_default(abc_settings *s);

/* One generation: N particles of the calibrated dimensions. */
typedef struct abc_generation {
    size_t n;
    double *theta;             /* n x n_dim */
    double *weight;            /* normalised to sum 1 */
    double *distance;          /* n */
    double *simulated;         /* n x n_obs: the particle's simulated value of each observation */
    double tolerance;          /* INFINITY for generation 0 */
    size_t n_simulations;      /* simulations run for this generation */
    size_t n_considered;       /* proposals up to the N-th accepted one */
    double acceptance_rate;    /* n / n_considered */
    double ess;                /* effective sample size 1 / sum w^2 */
} abc_generation;

enum { ABC_CONTINUE = 0, ABC_DONE = 1 };
enum {
    ABC_STOP_NONE = 0,
    ABC_STOP_TOLERANCE,        /* the final tolerance was reached */
    ABC_STOP_GENERATIONS,      /* max_generations ran */
    ABC_STOP_ACCEPTANCE        /* the next generation's acceptance fell below min_acceptance */
};

typedef struct abc abc;

/* Start a calibration of `sc` (the model's `shared` data prepared) against the used rows of
 * `obs`. Needs at least one random slot. Returns NULL and fills `e` on bad settings. */
abc *abc_alloc(const scenario *sc, const void *shared, const observed *obs, const abc_settings *s,
               phx_err *e);
/* Run the next generation. PHX_OK, or the model's failure. */
int abc_iterate(abc *a, phx_err *e);
int abc_test(const abc *a);                    /* ABC_CONTINUE or ABC_DONE */
int abc_stop_reason(const abc *a);
const char *abc_stop_text(int reason);
void abc_free(abc *a);

size_t abc_n_generations(const abc *a);
const abc_generation *abc_generation_at(const abc *a, size_t g);
size_t abc_n_dim(const abc *a);
const size_t *abc_dim_slots(const abc *a);     /* the scenario slot of each dimension */
size_t abc_n_obs(const abc *a);
const observation *abc_obs_at(const abc *a, size_t o);   /* the o-th used observation */
const size_t *abc_obs_rows(const abc *a);      /* its index in a replication's row */
size_t abc_total_simulations(const abc *a);

/* Weighted quantile at level q of x[0], x[stride], ... (n values, weights w summing to 1):
 * the smallest value whose cumulative weight reaches q. */
double abc_weighted_quantile(const double *x, size_t stride, const double *w, size_t n, double q);

#endif
