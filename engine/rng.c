/* rng.c -- Random123 Philox4x32-10 wrapped as a gsl_rng_type with addressed streams (spec §9).
 * The block function is Random123's own (philox.h); this file only keeps the counter and key. */
#include "rng.h"

#include <string.h>
#include <Random123/philox.h>

typedef struct {
    philox4x32_key_t key;     /* (seed low, replication) */
    philox4x32_ctr_t ctr;     /* (draw block, entity, purpose << 16 | year, seed high) */
    philox4x32_ctr_t out;     /* the current block of four outputs */
    unsigned idx;             /* next unused word of out; 4 = block used up */
} philox_state;

static void philox_refill(philox_state *s)
{
    s->out = philox4x32(s->ctr, s->key);
    s->ctr.v[0]++;
    s->idx = 0;
}

static inline uint32_t philox_next(philox_state *s)
{
    if (s->idx == 4)
        philox_refill(s);
    return s->out.v[s->idx++];
}

static unsigned long philox_get(void *vstate)
{
    return philox_next(vstate);
}

/* 53 random bits: 27 from one word, 26 from the next (as in the usual genrand_res53). */
static double philox_get_double(void *vstate)
{
    philox_state *s = vstate;
    uint32_t a = philox_next(s) >> 5, b = philox_next(s) >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

static void philox_set(void *vstate, unsigned long seed)
{
    philox_state *s = vstate;
    memset(s, 0, sizeof *s);
    s->key.v[0] = (uint32_t)seed;
    s->ctr.v[3] = (uint32_t)((uint64_t)seed >> 32);
    s->idx = 4;
}

static const gsl_rng_type philox_type = {
    "philox4x32-10", 0xffffffffUL, 0, sizeof(philox_state),
    philox_set, philox_get, philox_get_double
};

const gsl_rng_type *rng_philox = &philox_type;

void rng_address(gsl_rng *r, uint64_t seed, uint32_t replication, uint32_t purpose,
                 uint32_t entity, uint32_t year)
{
    philox_state *s = r->state;
    s->key.v[0] = (uint32_t)seed;
    s->key.v[1] = replication;
    s->ctr.v[0] = 0;
    s->ctr.v[1] = entity;
    s->ctr.v[2] = (purpose << 16) | (year & 0xffffu);
    s->ctr.v[3] = (uint32_t)(seed >> 32);
    s->idx = 4;
}

void rng_philox_block(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    philox4x32_ctr_t c = { { ctr[0], ctr[1], ctr[2], ctr[3] } };
    philox4x32_key_t k = { { key[0], key[1] } };
    philox4x32_ctr_t o = philox4x32(c, k);
    memcpy(out, o.v, sizeof o.v);
}
