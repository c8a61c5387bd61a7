/* bare.h -- the bare-draw floor (issue 17): per firm-year exactly the three draws the 腾笼换鸟
 * model makes for every firm -- the growth normal ε (ziggurat) and its exp, and the exit
 * uniform -- addressed as the model addresses them ((growth, firm, year), (exit, firm, year)),
 * and nothing else: no model memory traffic (the values are summed). Two ways to draw:
 *   bare        one stream at a time, rng_address() + GSL (how the model drew before issue 17);
 *   bare-batch  a run of firms at once through engine/rng_batch.h (how it draws now), where the
 *               library has it (a build from before issue 17 has only `bare`).
 * exp is libm's scalar exp in both, as in the model. Header-only, like floor.h. */
#ifndef BENCH_BARE_H
#define BENCH_BARE_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "../engine/model.h"
#include "../engine/rng.h"
#include "../engine/scenario.h"
#include "../models/models.h"
#include "../models/tlhn/firms.h"
#if defined(__has_include)
#if __has_include("../engine/rng_batch.h")
#include "../engine/rng_batch.h"
#define BENCH_HAVE_BATCH 1
#endif
#endif

enum { BARE_GROWTH = RNG_PURPOSE_MODEL, BARE_EXIT };   /* tlhn.h's first two purposes */
#define BARE_CHUNK 256

typedef struct bare_shared {
    size_t n;
    int batch;
} bare_shared;

typedef struct bare_scratch {
    gsl_rng *r;
} bare_scratch;

static inline int bare_prepare_as(const scenario *sc, void **out, phx_err *e, int batch)
{
    tlhn_firms *f = tlhn_firms_load(sc, e);      /* only the count: the floor reads no firm */
    if (f == NULL)
        return e != NULL && e->status ? e->status : PHX_EINPUT;
    bare_shared *sh = phx_calloc(1, sizeof *sh);
    sh->n = f->n;
    sh->batch = batch;
    tlhn_firms_free(f);
    *out = sh;
    return PHX_OK;
}

static inline int bare_prepare(const scenario *sc, void **out, phx_err *e)
{
    return bare_prepare_as(sc, out, e, 0);
}

static inline int bare_prepare_batch(const scenario *sc, void **out, phx_err *e)
{
    return bare_prepare_as(sc, out, e, 1);
}

static inline void bare_shared_free(void *p)
{
    free(p);
}

static inline void *bare_scratch_alloc(const void *shared)
{
    (void)shared;
    bare_scratch *s = phx_calloc(1, sizeof *s);
    s->r = gsl_rng_alloc(rng_philox);
    if (s->r == NULL)
        phx_malloc((size_t)-1);
    return s;
}

static inline void bare_scratch_free(void *p)
{
    bare_scratch *s = p;
    if (s != NULL)
        gsl_rng_free(s->r);
    free(s);
}

/* One year's three draws per firm, one stream at a time. */
static inline double bare_year(const bare_shared *sh, bare_scratch *s, const replication_ctx *rc,
                               uint32_t year)
{
    double acc = 0;
    for (size_t i = 0; i < sh->n; i++) {
        rng_address(s->r, rc->seed, rc->replication, BARE_GROWTH, (uint32_t)i, year);
        acc += exp(0.05 + 0.1 * gsl_ran_gaussian_ziggurat(s->r, 1.0));
        rng_address(s->r, rc->seed, rc->replication, BARE_EXIT, (uint32_t)i, year);
        acc += gsl_rng_uniform(s->r);
    }
    return acc;
}

#ifdef BENCH_HAVE_BATCH
/* The same draws, a chunk of firms at a time. */
static inline double bare_year_batch(const bare_shared *sh, bare_scratch *s,
                                     const replication_ctx *rc, uint32_t year)
{
    rng_batch_addr g = { rc->seed, rc->replication, BARE_GROWTH, year };
    rng_batch_addr x = { rc->seed, rc->replication, BARE_EXIT, year };
    double eps[BARE_CHUNK], u[BARE_CHUNK], acc = 0;
    for (size_t at = 0; at < sh->n; at += BARE_CHUNK) {
        size_t m = sh->n - at < BARE_CHUNK ? sh->n - at : BARE_CHUNK;
        rng_batch_gaussian_ziggurat(s->r, &g, (uint32_t)at, m, eps);
        rng_batch_uniform(&x, (uint32_t)at, m, u);
        for (size_t l = 0; l < m; l++)
            acc += exp(0.05 + 0.1 * eps[l]) + u[l];
    }
    return acc;
}
#endif

static inline int bare_simulate(const void *shared, void *scratch, const replication_ctx *rc,
                                double *row, double *group_row)
{
    (void)group_row;
    const bare_shared *sh = shared;
    for (int y = 0; y < rc->n_years; y++) {
        uint32_t year = (uint32_t)(rc->year_first + y);
#ifdef BENCH_HAVE_BATCH
        double acc = sh->batch ? bare_year_batch(sh, scratch, rc, year)
                               : bare_year(sh, scratch, rc, year);
#else
        double acc = bare_year(sh, scratch, rc, year);
#endif
        row[y] = acc;                              /* metric 0's slot of year y */
    }
    return PHX_OK;
}

/* The bare floor as a model with the tlhn tables; `batch` selects bare-batch (0 where the
 * library has no batches: then NULL). */
static inline int bare_model(model_type *m, int batch)
{
#ifndef BENCH_HAVE_BATCH
    if (batch)
        return -1;
#endif
    *m = model_tlhn;
    m->name = batch ? "bare-batch" : "bare";
    m->description = "benchmark bare-draw floor: the three draws per firm-year, nothing else";
    m->prepare = batch ? bare_prepare_batch : bare_prepare;
    m->shared_free = bare_shared_free;
    m->scratch_alloc = bare_scratch_alloc;
    m->scratch_free = bare_scratch_free;
    m->simulate = bare_simulate;
    return 0;
}

#endif
