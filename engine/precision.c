/* precision.c -- precision control: an accumulator of last-year target values in replication
 * order, the stopping criterion, and the batch loop that uses them. */
#include "precision.h"

#include <math.h>
#include <stdlib.h>

#include "layout.h"
#include "stats.h"

#define PRECISION_Z95 1.959963984540054

struct precision {
    size_t n_series, batch, n;
    int *direction;
    double *target;
    double *sum, *sumsq;
    size_t *met;
    size_t batch_first, batch_n;
    double *x;                 /* [series x batch]: the current batch's values */
};

precision *precision_alloc(size_t n_series, const int *direction, const double *target, size_t batch)
{
    size_t ns = n_series ? n_series : 1;
    precision *p = phx_calloc(1, sizeof *p);
    p->n_series = n_series;
    p->batch = batch;
    p->direction = phx_calloc(ns, sizeof *p->direction);
    p->target = phx_calloc(ns, sizeof *p->target);
    p->sum = phx_calloc(ns, sizeof *p->sum);
    p->sumsq = phx_calloc(ns, sizeof *p->sumsq);
    p->met = phx_calloc(ns, sizeof *p->met);
    p->x = phx_calloc(ns * (batch ? batch : 1), sizeof *p->x);
    for (size_t s = 0; s < n_series; s++) {
        p->direction[s] = direction[s];
        p->target[s] = target[s];
    }
    return p;
}

void precision_free(precision *p)
{
    if (p == NULL)
        return;
    free(p->direction);
    free(p->target);
    free(p->sum);
    free(p->sumsq);
    free(p->met);
    free(p->x);
    free(p);
}

void precision_begin_batch(precision *p, size_t first, size_t n)
{
    p->batch_first = first;
    p->batch_n = n;
}

void precision_put(precision *p, size_t s, size_t rep, double x)
{
    p->x[s * p->batch_n + rep - p->batch_first] = x;
}

void precision_end_batch(precision *p)
{
    for (size_t i = 0; i < p->batch_n; i++)
        for (size_t s = 0; s < p->n_series; s++) {
            double x = p->x[s * p->batch_n + i];
            p->sum[s] += x;
            p->sumsq[s] += x * x;
            p->met[s] += p->direction[s] > 0 ? x >= p->target[s] : x <= p->target[s];
        }
    p->n += p->batch_n;
    p->batch_n = 0;
}

size_t precision_count(const precision *p)
{
    return p->n;
}

void precision_moments(const precision *p, size_t s, double *mean, double *var, size_t *met)
{
    double n = (double)p->n;
    *mean = p->n ? p->sum[s] / n : NAN;
    *var = p->n > 1 ? fmax(0, (p->sumsq[s] - n * *mean * *mean) / (n - 1)) : INFINITY;
    *met = p->met[s];
}

int precision_test(const precision *p, double rel)
{
    if (p->n == 0)
        return 0;
    for (size_t s = 0; s < p->n_series; s++) {
        double mean, var, lo, hi;
        size_t met;
        precision_moments(p, s, &mean, &var, &met);
        stats_wilson(met, p->n, 0.95, &lo, &hi);
        if (PRECISION_Z95 * sqrt(var / (double)p->n) > rel * fabs(mean) || (hi - lo) / 2 > rel)
            return 0;
    }
    return 1;
}

/* ---- the driver: a sink that takes each target's last-year value, then passes the block on -- */

typedef struct precision_sink {
    precision *p;
    const run_sink *inner;
    size_t row_len;
} precision_sink;

static int precision_block(void *ctx, const scenario *sc, const run_block *b, phx_err *e)
{
    precision_sink *ps = ctx;
    size_t ny = (size_t)sc->n_years;
    for (size_t i = 0; i < b->n; i++)
        for (size_t t = 0; t < sc->n_targets; t++)
            precision_put(ps->p, t, b->first + i,
                          layout_last(b->rows + i * ps->row_len, (size_t)sc->targets[t].metric, ny));
    return ps->inner->block(ps->inner->ctx, sc, b, e);
}

static precision *precision_of(const scenario *sc, size_t batch)
{
    size_t nt = sc->n_targets;
    int *dir = phx_calloc(nt ? nt : 1, sizeof *dir);
    double *target = phx_calloc(nt ? nt : 1, sizeof *target);
    for (size_t t = 0; t < nt; t++) {
        dir[t] = sc->model->metrics[sc->targets[t].metric].direction;
        target[t] = sc->targets[t].value;
    }
    precision *p = precision_alloc(nt, dir, target, batch);
    free(dir);
    free(target);
    return p;
}

int precision_run(const scenario *sc, const void *shared, const run_options *ro, const run_sink *sink,
                  const precision_spec *spec, precision_runner runner, precision_bcast bcast,
                  run_record *rec, phx_err *e)
{
    precision_sink ps = { precision_of(sc, spec->batch), sink, layout_row_len(sc->model, sc->n_years) };
    run_sink s = { &ps, precision_block };
    int st = PHX_OK, reached = 0;
    while (st == PHX_OK && precision_count(ps.p) < spec->max_reps && !reached) {
        size_t done = precision_count(ps.p), nb = spec->batch;
        if (done + nb > spec->max_reps)
            nb = spec->max_reps - done;
        precision_begin_batch(ps.p, done, nb);
        st = runner(sc, shared, done, nb, ro, &s, e);
        if (st != PHX_OK)
            break;
        precision_end_batch(ps.p);           /* rank 0 has the values; it decides for all */
        reached = precision_test(ps.p, spec->rel);
        if (bcast)
            bcast(&reached);
    }
    *rec = (run_record){ .replications = precision_count(ps.p),
                         .stopped = reached ? RUN_STOP_PRECISION : RUN_STOP_MAX,
                         .precision_rel = spec->rel, .precision_batch = spec->batch,
                         .precision_reached = reached };
    precision_free(ps.p);
    return st;
}
