/* tlhn_harness.h -- a small driver for the tlhn tests: load a scenario with overrides, run its
 * replications into memory, read metrics by name; or simulate one replication and keep the
 * firm-level state. Header-only (static inline) because each test program links only
 * testutil.o besides the library. */
#ifndef TLHN_HARNESS_H
#define TLHN_HARNESS_H

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../engine/run.h"
#include "../engine/sampler.h"
#include "../engine/scenario.h"
#include "../models/models.h"
#include "../models/tlhn/tlhn.h"

typedef struct th_result {
    scenario *sc;
    const tlhn_shared *shared;
    size_t n;                /* replications */
    int ny;
    size_t len, glen;        /* row lengths */
    double *rows, *grows, *theta;
    phx_err e;
} th_result;

static inline int th_block(void *ctx, const scenario *sc, const run_block *b, phx_err *e)
{
    (void)e;
    th_result *r = ctx;
    memcpy(r->rows + b->first * r->len, b->rows, b->n * r->len * sizeof(double));
    if (r->glen)
        memcpy(r->grows + b->first * r->glen, b->group_rows, b->n * r->glen * sizeof(double));
    memcpy(r->theta + b->first * sc->n_slots, b->theta, b->n * sc->n_slots * sizeof(double));
    return PHX_OK;
}

/* Load `ini` with `ov` (--set overrides), prepare and run every replication on `threads`
 * threads. On error prints the message and returns its status. */
static inline int th_run(const char *ini, const scenario_override *ov, size_t nov, int threads,
                         th_result *r)
{
    memset(r, 0, sizeof *r);
    int st = scenario_load(&r->sc, ini, models_all, models_n, ov, nov, &r->e);
    void *shared = NULL;
    if (st == PHX_OK)
        st = r->sc->model->prepare(r->sc, &shared, &r->e);
    if (st != PHX_OK) {
        fprintf(stderr, "th_run: %s\n", r->e.msg);
        scenario_free(r->sc);
        r->sc = NULL;
        return st;
    }
    const model_type *m = r->sc->model;
    r->shared = shared;
    r->n = (size_t)r->sc->replications;
    r->ny = r->sc->n_years;
    r->len = m->n_metrics * (size_t)r->ny;
    r->glen = model_n_group_metrics(m) * (size_t)r->ny * m->n_groups;
    r->rows = calloc(r->n * r->len + 1, sizeof(double));
    r->grows = calloc(r->n * r->glen + 1, sizeof(double));
    r->theta = calloc(r->n * r->sc->n_slots + 1, sizeof(double));
    run_options o = { .threads = threads, .block = 5 };
    run_sink sink = { r, th_block };
    st = run_replications(r->sc, shared, 0, r->n, &o, &sink, &r->e);
    if (st != PHX_OK)
        fprintf(stderr, "th_run: %s\n", r->e.msg);
    return st;
}

static inline void th_free(th_result *r)
{
    if (r->sc && r->shared)
        r->sc->model->shared_free((void *)r->shared);
    scenario_free(r->sc);
    free(r->rows);
    free(r->grows);
    free(r->theta);
    memset(r, 0, sizeof *r);
}

static inline double th_metric(const th_result *r, const char *name, size_t rep, int y)
{
    int m = model_metric_find(r->sc->model, name);
    assert(m >= 0 && "unknown metric");
    return r->rows[rep * r->len + (size_t)m * (size_t)r->ny + (size_t)y];
}

/* District d of a METRIC_BY_GROUP metric. */
static inline double th_group(const th_result *r, const char *name, size_t rep, int y, int d)
{
    const model_type *m = r->sc->model;
    int mi = model_metric_find(m, name);
    assert(mi >= 0 && (m->metrics[mi].flags & METRIC_BY_GROUP));
    size_t g = 0;
    for (int k = 0; k < mi; k++)
        g += (m->metrics[k].flags & METRIC_BY_GROUP) != 0;
    return r->grows[rep * r->glen + (g * (size_t)r->ny + (size_t)y) * m->n_groups + (size_t)d];
}

/* One replication simulated directly, its scratch (the firms at the end) kept. */
typedef struct th_state {
    scenario *sc;
    void *shared, *scratch;
    double *row, *grow, *theta;
    phx_err e;
} th_state;

static inline void th_state_free(th_state *s)
{
    if (s->sc) {
        const model_type *m = s->sc->model;
        if (s->scratch)
            m->scratch_free(s->scratch);
        if (s->shared)
            m->shared_free(s->shared);
    }
    scenario_free(s->sc);
    free(s->row);
    free(s->grow);
    free(s->theta);
    memset(s, 0, sizeof *s);
}

static inline int th_state_run(const char *ini, const scenario_override *ov, size_t nov,
                               uint32_t rep, th_state *s)
{
    memset(s, 0, sizeof *s);
    int st = scenario_load(&s->sc, ini, models_all, models_n, ov, nov, &s->e);
    if (st == PHX_OK)
        st = s->sc->model->prepare(s->sc, &s->shared, &s->e);
    if (st != PHX_OK) {
        fprintf(stderr, "th_state_run: %s\n", s->e.msg);
        th_state_free(s);
        return st;
    }
    const model_type *m = s->sc->model;
    sampler_kind kind;
    sampler_parse(s->sc->sampler, &kind);
    sampler *smp = sampler_alloc(kind, s->sc, (size_t)s->sc->replications, &s->e);
    s->theta = calloc(s->sc->n_slots + 1, sizeof(double));
    sampler_fill(smp, rep, 1, s->theta);
    sampler_free(smp);
    s->scratch = m->scratch_alloc(s->shared);
    s->row = calloc(m->n_metrics * (size_t)s->sc->n_years + 1, sizeof(double));
    s->grow = calloc(model_n_group_metrics(m) * (size_t)s->sc->n_years * m->n_groups + 1,
                     sizeof(double));
    replication_ctx rc = { .seed = s->sc->seed, .replication = rep, .theta = s->theta,
                           .offset = s->sc->offset, .year_first = s->sc->year_first,
                           .n_years = s->sc->n_years };
    return m->simulate(s->shared, s->scratch, &rc, s->row, s->grow);
}

#endif
