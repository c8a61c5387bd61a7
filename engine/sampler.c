/* sampler.c -- uniforms for the random parameter slots, mapped through inverse CDFs:
 * plain Monte Carlo, Latin hypercube (McKay, Beckman & Conover 1979) and a randomly shifted
 * Sobol sequence (GSL's gsl_qrng_sobol with a Cranley-Patterson rotation). */
#include "sampler.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include "rng.h"

#define LHS_STREAM 0xFFFFFFFFu   /* "replication" of run-wide streams (not a real replication) */

struct sampler {
    sampler_kind kind;
    const scenario *sc;
    size_t n_total;
    size_t n_dim;             /* random slots */
    size_t *dim_slot;         /* slot of each random dimension */
    gsl_rng *r;
    uint32_t **perm;          /* LHS: a permutation of 0..n_total-1 per dimension */
    gsl_qrng *q;              /* Sobol */
    double *shift;            /* Sobol: random shift per dimension */
    size_t q_next;            /* index of the next Sobol point */
    double *point;
};

int sampler_parse(const char *name, sampler_kind *kind)
{
    static const char *const names[] = { "mc", "lhs", "sobol" };
    for (int i = 0; i < 3; i++)
        if (strcmp(name, names[i]) == 0) {
            *kind = (sampler_kind)i;
            return 0;
        }
    return -1;
}

const char *sampler_name(sampler_kind kind)
{
    return kind == SAMPLER_LHS ? "lhs" : kind == SAMPLER_SOBOL ? "sobol" : "mc";
}

sampler *sampler_alloc(sampler_kind kind, const scenario *sc, size_t n_total, phx_err *e)
{
    sampler *s = phx_calloc(1, sizeof *s);
    s->kind = kind;
    s->sc = sc;
    s->n_total = n_total;
    s->r = gsl_rng_alloc(rng_philox);
    s->dim_slot = phx_calloc(sc->n_slots, sizeof *s->dim_slot);
    for (size_t k = 0; k < sc->n_slots; k++)
        if (sc->slot_random[k])
            s->dim_slot[s->n_dim++] = k;
    if (kind == SAMPLER_LHS) {
        if (n_total > 0xFFFFFFFFu) {
            sampler_free(s);
            phx_fail(e, PHX_EINPUT, sc->path, 0, "scenario.sampler", "lhs supports at most 2^32 replications");
            return NULL;
        }
        s->perm = phx_calloc(s->n_dim ? s->n_dim : 1, sizeof *s->perm);
        for (size_t d = 0; d < s->n_dim; d++) {
            s->perm[d] = phx_malloc(n_total * sizeof **s->perm);
            for (size_t i = 0; i < n_total; i++)
                s->perm[d][i] = (uint32_t)i;
            rng_address(s->r, sc->seed, LHS_STREAM, RNG_PURPOSE_LHS, (uint32_t)s->dim_slot[d], 0);
            gsl_ran_shuffle(s->r, s->perm[d], n_total, sizeof **s->perm);
        }
    } else if (kind == SAMPLER_SOBOL && s->n_dim > 0) {
        if (s->n_dim > 40) {
            phx_fail(e, PHX_EINPUT, sc->path, 0, "scenario.sampler",
                     "sobol supports at most 40 random parameters; this scenario has %zu", s->n_dim);
            sampler_free(s);
            return NULL;
        }
        s->q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)s->n_dim);
        s->shift = phx_malloc(s->n_dim * sizeof *s->shift);
        s->point = phx_malloc(s->n_dim * sizeof *s->point);
        for (size_t d = 0; d < s->n_dim; d++) {
            rng_address(s->r, sc->seed, LHS_STREAM, RNG_PURPOSE_SOBOL, (uint32_t)s->dim_slot[d], 0);
            s->shift[d] = gsl_rng_uniform(s->r);
        }
    }
    return s;
}

double sampler_bytes(sampler_kind kind, const scenario *sc, size_t n_total)
{
    size_t n_dim = 0;
    for (size_t k = 0; k < sc->n_slots; k++)
        n_dim += sc->slot_random[k] != 0;
    double b = (double)sc->n_slots * (double)sizeof(size_t);
    if (kind == SAMPLER_LHS)
        b += (double)n_dim * (double)n_total * sizeof(uint32_t);
    return b;
}

void sampler_free(sampler *s)
{
    if (s == NULL)
        return;
    if (s->perm)
        for (size_t d = 0; d < s->n_dim; d++)
            free(s->perm[d]);
    free(s->perm);
    if (s->q)
        gsl_qrng_free(s->q);
    free(s->shift);
    free(s->point);
    free(s->dim_slot);
    gsl_rng_free(s->r);
    free(s);
}

/* The uniform of dimension d for replication rep (MC and LHS). */
static double unit_draw(sampler *s, size_t rep, size_t d)
{
    rng_address(s->r, s->sc->seed, (uint32_t)rep, RNG_PURPOSE_SAMPLER, (uint32_t)s->dim_slot[d], 0);
    double u = gsl_rng_uniform_pos(s->r);
    if (s->kind == SAMPLER_LHS)
        u = (s->perm[d][rep] + u) / (double)s->n_total;
    return u;
}

/* Move the Sobol sequence to point `rep` (points are generated in order; going back restarts). */
static void sobol_seek(sampler *s, size_t rep)
{
    if (rep < s->q_next) {
        gsl_qrng_init(s->q);
        s->q_next = 0;
    }
    while (s->q_next < rep) {
        gsl_qrng_get(s->q, s->point);
        s->q_next++;
    }
}

void sampler_fill(sampler *s, size_t first, size_t n, double *theta)
{
    const scenario *sc = s->sc;
    if (s->q)
        sobol_seek(s, first);
    for (size_t i = 0; i < n; i++) {
        double *row = theta + i * sc->n_slots;
        for (size_t k = 0; k < sc->n_slots; k++) {
            const scenario_value *sv = &sc->values[sc->slot_param[k]];
            size_t y = k - sc->offset[sc->slot_param[k]];
            row[k] = sv->v[sv->n == 1 ? 0 : y].a;     /* constants; random slots below */
        }
        if (s->q) {
            gsl_qrng_get(s->q, s->point);
            s->q_next++;
        }
        for (size_t d = 0; d < s->n_dim; d++) {
            size_t k = s->dim_slot[d];
            double u;
            if (s->q) {
                u = s->point[d] + s->shift[d];
                if (u >= 1)
                    u -= 1;
                if (u <= 0)
                    u = 0x1p-53;
            } else {
                u = unit_draw(s, first + i, d);
            }
            const scenario_value *sv = &sc->values[sc->slot_param[k]];
            size_t y = k - sc->offset[sc->slot_param[k]];
            row[k] = dist_quantile(&sv->v[sv->n == 1 ? 0 : y], u);
        }
    }
}
