/* rng_batch.h -- many addressed streams at once: the first draw of the streams (purpose,
 * entity, year) for a run of consecutive entities, bit for bit the value that rng_address()
 * followed by the same GSL call gives, computed as one vectorisable pass (Philox4x32-10 over a
 * counter array). AVX2 is used where the CPU has it (chosen at run time); the portable path
 * gives the same numbers. engine/rng_batch.c says how each draw is reproduced. */
#ifndef PHX_RNG_BATCH_H
#define PHX_RNG_BATCH_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

/* The part of an address that the entities of a batch share (see rng_address()). */
typedef struct rng_batch_addr {
    uint64_t seed;
    uint32_t replication, purpose, year;
} rng_batch_addr;

typedef enum {
    RNG_BATCH_AUTO = 0,       /* AVX2 where the CPU has it, else portable (the default) */
    RNG_BATCH_PORTABLE,       /* plain C */
    RNG_BATCH_AVX2            /* x86-64 AVX2 */
} rng_batch_impl;

/* Does this CPU (and build) have the AVX2 path? */
int rng_batch_have_avx2(void);
/* Choose the implementation for the whole process (tests and benchmarks compare them). Returns
 * 0, or -1 (nothing changed) when AVX2 is asked for and unavailable. Not to be called while
 * other threads draw. */
int rng_batch_select(rng_batch_impl impl);
/* The implementation in use now (never AUTO). */
rng_batch_impl rng_batch_current(void);

/* Words 0 and 1 of the streams of entities first .. first + n - 1 (w1 may be NULL). */
void rng_batch_words(const rng_batch_addr *a, uint32_t first, size_t n, uint32_t *w0,
                     uint32_t *w1);

/* out[k] = gsl_rng_uniform() of stream (a, first + k): the first 53-bit double. */
void rng_batch_uniform(const rng_batch_addr *a, uint32_t first, size_t n, double *out);

/* out[k] = gsl_ran_gaussian_ziggurat(r, 1.0) of stream (a, first + k). `r` (of type rng_philox)
 * draws the few values that the ziggurat's fast path rejects; its state is left undefined. */
void rng_batch_gaussian_ziggurat(gsl_rng *r, const rng_batch_addr *a, uint32_t first, size_t n,
                                 double *out);

#endif
