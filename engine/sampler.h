/* sampler.h -- per-replication parameter draws: plain Monte Carlo, Latin hypercube, Sobol. */
#ifndef PHX_SAMPLER_H
#define PHX_SAMPLER_H

#include <stddef.h>
#include "phx.h"
#include "scenario.h"

typedef enum { SAMPLER_MC = 0, SAMPLER_LHS, SAMPLER_SOBOL } sampler_kind;

typedef struct sampler sampler;

/* Parse "mc", "lhs" or "sobol". Returns 0 on success. */
int sampler_parse(const char *name, sampler_kind *kind);
const char *sampler_name(sampler_kind kind);

/* A sampler for the random slots of `sc`, for replications 0..n_total-1 (LHS stratifies over
 * n_total; MC and Sobol need it only as a bound). On error (Sobol with more than 40 random
 * dimensions) returns NULL and fills `e`. */
sampler *sampler_alloc(sampler_kind kind, const scenario *sc, size_t n_total, phx_err *e);
void sampler_free(sampler *s);
/* The bytes sampler_alloc() would take (LHS: a permutation of n_total per random slot), so that
 * a run can refuse before allocating. */
double sampler_bytes(sampler_kind kind, const scenario *sc, size_t n_total);

/* Fill theta for replications first..first+n-1: theta[i * sc->n_slots + slot]. Constants are
 * copied; random slots are inverse-CDF images of the sampler's uniforms. The values depend only
 * on (kind, seed, replication index, slot): never on how the range is split into calls. */
void sampler_fill(sampler *s, size_t first, size_t n, double *theta);

#endif
