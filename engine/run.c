/* run.c -- the replication loop: blocks of replications, sampled serially, simulated in parallel
 * (one obvious `omp parallel for` over independent replications), handed to a sink in order. */
#include "run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <omp.h>

#define RUN_DEFAULT_BLOCK 1024

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* "[=======>      ]  45%  1234 rep/s  12 s left" on stderr, redrawn in place. */
static void progress_draw(size_t done, size_t total, double t0)
{
    double dt = now_seconds() - t0, rate = dt > 0 ? (double)done / dt : 0;
    int width = 30, fill = total ? (int)((double)width * (double)done / (double)total) : width;
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '=' : (i == fill ? '>' : ' ');
    bar[width] = '\0';
    double left = rate > 0 ? (double)(total - done) / rate : 0;
    fprintf(stderr, "\r[%s] %3d%%  %.0f rep/s  %.0f s left ", bar,
            total ? (int)(100.0 * (double)done / (double)total) : 100, rate, left);
    if (done == total)
        fputc('\n', stderr);
    fflush(stderr);
}

/* One block's buffers. Two of them: the sink takes block k while the threads compute k + 1. */
typedef struct run_buf {
    size_t first, n;
    double *theta, *rows, *grows;
    int *status;
} run_buf;

int run_replications(const scenario *sc, const void *shared, size_t first, size_t n,
                     const run_options *o, const run_sink *sink, phx_err *e)
{
    const model_type *m = sc->model;
    size_t n_years = (size_t)sc->n_years;
    size_t row_len = m->n_metrics * n_years;
    size_t grow_len = model_n_group_metrics(m) * n_years * m->n_groups;
    /* Default: at least four blocks, so that output overlaps computation even in small runs. */
    size_t B = o->block ? o->block : (n + 3) / 4;
    if (!o->block && B > RUN_DEFAULT_BLOCK)
        B = RUN_DEFAULT_BLOCK;
    if (!o->block && B < 64)
        B = 64;
    if (B > n)
        B = n ? n : 1;
    size_t n_total = (size_t)sc->replications > first + n ? (size_t)sc->replications : first + n;
    const run_design *d = o->design;
    sampler *smp = d ? NULL : sampler_alloc(o->sampler, sc, n_total, e);
    if (d == NULL && smp == NULL)
        return e->status;

    int threads = o->threads > 0 ? o->threads : omp_get_max_threads();
    run_buf buf[2];
    for (int k = 0; k < 2; k++) {
        buf[k].theta = phx_malloc(B * sc->n_slots * sizeof *buf[k].theta + 1);
        buf[k].rows = phx_malloc(B * row_len * sizeof *buf[k].rows + 1);
        buf[k].grows = grow_len ? phx_malloc(B * grow_len * sizeof *buf[k].grows) : NULL;
        buf[k].status = phx_malloc(B * sizeof *buf[k].status);
    }
    void **scratch = phx_calloc((size_t)threads, sizeof *scratch);
    for (int t = 0; t < threads; t++)     /* per-thread scratch: allocated once, here */
        scratch[t] = m->scratch_alloc ? m->scratch_alloc(shared) : NULL;

    int st = PHX_OK, sink_st = PHX_OK;
    phx_err sink_err = { 0 };
    run_buf *pending = NULL;          /* computed, not yet handed to the sink */
    double t0 = now_seconds();
    for (size_t b0 = 0, k = 0; b0 < n && st == PHX_OK; b0 += B, k++) {
        run_buf *cur = &buf[k % 2];
        cur->first = first + b0;
        cur->n = n - b0 < B ? n - b0 : B;
        if (d)
            d->fill(d->ctx, sc, cur->first, cur->n, cur->theta);
        else
            sampler_fill(smp, cur->first, cur->n, cur->theta);
        memset(cur->rows, 0, cur->n * row_len * sizeof *cur->rows);
        if (cur->grows)
            memset(cur->grows, 0, cur->n * grow_len * sizeof *cur->grows);
        /* Thread 0 hands the previous block to the sink, then joins the others, which have
         * started on this block: output overlaps computation. The sink and the poll hook only
         * ever run on thread 0 (the thread that called us), one at a time. */
#pragma omp parallel num_threads(threads)
        {
            if (pending != NULL && omp_get_thread_num() == 0) {
                run_block blk = { pending->first, pending->n, pending->theta, pending->rows,
                                  pending->grows };
                sink_st = sink->block(sink->ctx, sc, &blk, &sink_err);
            }
#pragma omp for schedule(dynamic, 1)
            for (size_t i = 0; i < cur->n; i++) {
                replication_ctx rc = {
                    .seed = sc->seed,
                    .replication = d && d->stream ? d->stream(d->ctx, cur->first + i)
                                                  : (uint32_t)(cur->first + i),
                    .theta = cur->theta + i * sc->n_slots,
                    .offset = sc->offset,
                    .year_first = sc->year_first,
                    .n_years = sc->n_years,
                };
                int tid = omp_get_thread_num();
                cur->status[i] = m->simulate(shared, scratch[tid], &rc, cur->rows + i * row_len,
                                             cur->grows ? cur->grows + i * grow_len : NULL);
                if (o->poll != NULL && tid == 0)
                    o->poll(o->poll_ctx);
            }
        }
        if (sink_st != PHX_OK) {
            *e = sink_err;
            st = sink_st;
        }
        for (size_t i = 0; i < cur->n && st == PHX_OK; i++)
            if (cur->status[i] != PHX_OK)
                st = phx_fail(e, PHX_ERUN, sc->path, 0, NULL, "model %s failed in replication %zu",
                              m->name, cur->first + i);
        pending = cur;
        if (o->progress)
            progress_draw(b0 + cur->n, n, t0);
    }
    if (st == PHX_OK && pending != NULL) {
        run_block blk = { pending->first, pending->n, pending->theta, pending->rows, pending->grows };
        st = sink->block(sink->ctx, sc, &blk, e);
    }
    for (int t = 0; t < threads; t++)
        if (m->scratch_free)
            m->scratch_free(scratch[t]);
    free(scratch);
    for (int k = 0; k < 2; k++) {
        free(buf[k].status);
        free(buf[k].grows);
        free(buf[k].rows);
        free(buf[k].theta);
    }
    if (smp)
        sampler_free(smp);
    return st;
}
