/* rng.h -- Random123 Philox4x32-10 as a gsl_rng_type, with addressed (counter-based) streams. */
#ifndef PHX_RNG_H
#define PHX_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

/* The generator type, usable with gsl_rng_alloc(rng_philox) and every gsl_ran_* function.
 * gsl_rng_get returns 32 random bits; gsl_rng_uniform returns a double with 53 random bits. */
extern const gsl_rng_type *rng_philox;

/* Purposes of draws (docs/model.md §9). The engine owns 0..15; models number theirs from
 * RNG_PURPOSE_MODEL upwards. */
enum {
    RNG_PURPOSE_TEST = 0,
    RNG_PURPOSE_SAMPLER = 1,      /* per-replication parameter draws (entity = parameter slot) */
    RNG_PURPOSE_LHS = 2,          /* Latin hypercube permutations (entity = parameter slot) */
    RNG_PURPOSE_SOBOL = 3,        /* Sobol random shift (entity = parameter slot) */
    RNG_PURPOSE_ABC = 8,          /* ABC proposals (replication = proposal, year = generation) */
    RNG_PURPOSE_POSTERIOR = 9,    /* posterior draws of `run --posterior` (replication) */
    RNG_PURPOSE_MODEL = 16
};

/* Point `r` (allocated with rng_philox) at the stream addressed by
 *   key     = (seed low 32 bits, replication)
 *   counter = (draw index, entity, purpose << 16 | year, seed high 32 bits).
 * The stream then yields draws k = 0, 1, 2, ... of that address. Setting an address is cheap
 * (no allocation); a result therefore depends only on its address, never on the thread, the
 * rank or the order of execution. `year` is the calendar year (or 0); purpose < 65536. */
void rng_address(gsl_rng *r, uint64_t seed, uint32_t replication, uint32_t purpose,
                 uint32_t entity, uint32_t year);

/* The raw block function: one Philox4x32-10 call, for known-answer tests. */
void rng_philox_block(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

#endif
