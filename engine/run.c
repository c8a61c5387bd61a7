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

int run_replications(const scenario *sc, const void *shared, size_t first, size_t n,
                     const run_options *o, const run_sink *sink, phx_err *e)
{
    const model_type *m = sc->model;
    size_t n_years = (size_t)sc->n_years;
    size_t row_len = m->n_metrics * n_years;
    size_t grow_len = model_n_group_metrics(m) * n_years * m->n_groups;
    size_t B = o->block ? o->block : RUN_DEFAULT_BLOCK;
    if (B > n)
        B = n ? n : 1;
    size_t n_total = (size_t)sc->replications > first + n ? (size_t)sc->replications : first + n;
    sampler *smp = sampler_alloc(o->sampler, sc, n_total, e);
    if (smp == NULL)
        return e->status;

    int threads = o->threads > 0 ? o->threads : omp_get_max_threads();
    double *theta = phx_malloc(B * sc->n_slots * sizeof *theta + 1);
    double *rows = phx_malloc(B * row_len * sizeof *rows + 1);
    double *grows = grow_len ? phx_malloc(B * grow_len * sizeof *grows) : NULL;
    int *status = phx_malloc(B * sizeof *status);
    void **scratch = phx_calloc((size_t)threads, sizeof *scratch);
    for (int t = 0; t < threads; t++)     /* per-thread scratch: allocated once, here */
        scratch[t] = m->scratch_alloc ? m->scratch_alloc(shared) : NULL;

    int st = PHX_OK;
    double t0 = now_seconds();
    for (size_t b0 = 0; b0 < n && st == PHX_OK; b0 += B) {
        size_t nb = n - b0 < B ? n - b0 : B;
        sampler_fill(smp, first + b0, nb, theta);
        memset(rows, 0, nb * row_len * sizeof *rows);
        if (grows)
            memset(grows, 0, nb * grow_len * sizeof *grows);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
        for (size_t i = 0; i < nb; i++) {
            replication_ctx rc = {
                .seed = sc->seed,
                .replication = (uint32_t)(first + b0 + i),
                .theta = theta + i * sc->n_slots,
                .offset = sc->offset,
                .year_first = sc->year_first,
                .n_years = sc->n_years,
            };
            int tid = omp_get_thread_num();
            status[i] = m->simulate(shared, scratch[tid], &rc, rows + i * row_len,
                                    grows ? grows + i * grow_len : NULL);
            if (o->poll != NULL && tid == 0)
                o->poll(o->poll_ctx);
        }
        for (size_t i = 0; i < nb && st == PHX_OK; i++)
            if (status[i] != PHX_OK)
                st = phx_fail(e, PHX_ERUN, sc->path, 0, NULL, "model %s failed in replication %zu",
                              m->name, first + b0 + i);
        if (st == PHX_OK) {
            run_block blk = { first + b0, nb, theta, rows, grows };
            st = sink->block(sink->ctx, sc, &blk, e);
        }
        if (o->progress)
            progress_draw(b0 + nb, n, t0);
    }
    for (int t = 0; t < threads; t++)
        if (m->scratch_free)
            m->scratch_free(scratch[t]);
    free(scratch);
    free(status);
    free(grows);
    free(rows);
    free(theta);
    sampler_free(smp);
    return st;
}
