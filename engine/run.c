/* run.c -- the replication loop: blocks of replications, sampled serially, simulated in parallel
 * (one obvious `omp parallel for` over independent replications), handed to a sink in order. */
#include "run.h"
#include "layout.h"
#include "resources.h"

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

/* Progress as plain lines, for a log (stderr not a terminal): one each time another 10% is done
 * or 30 s have passed since the last, and one at the end. */
typedef struct progress_log {
    double t0, last_t;
    int last_tenth;
} progress_log;

static void progress_line(progress_log *p, size_t done, size_t total)
{
    double t = now_seconds(), dt = t - p->t0;
    int tenth = total ? (int)(10.0 * (double)done / (double)total) : 10;
    if (tenth <= p->last_tenth && t - p->last_t < 30.0 && done != total)
        return;
    double rate = dt > 0 ? (double)done / dt : 0;
    fprintf(stderr, "phoenix: %zu of %zu replications (%d%%), %.0f s, %.0f rep/s, %.0f s left\n",
            done, total, total ? (int)(100.0 * (double)done / (double)total) : 100, dt, rate,
            rate > 0 ? (double)(total - done) / rate : 0);
    fflush(stderr);
    p->last_tenth = tenth;
    p->last_t = t;
}

/* One block's buffers. Two of them: the sink takes block k while the threads compute k + 1. */
typedef struct run_buf {
    size_t first, n;
    double *theta, *rows, *grows;
    uint32_t *stream;          /* each replication's random-stream index */
    int *status;
} run_buf;

/* Everything one call of run_replications() holds. */
typedef struct run_state {
    const scenario *sc;
    const void *shared;
    const run_options *o;
    const run_sink *sink;
    size_t row_len, grow_len, B;
    sampler *smp;              /* NULL with a caller-supplied design */
    int threads;
    run_buf buf[2];
    void **scratch;            /* per thread */
    int sink_st;
    phx_err sink_err;
} run_state;

/* Replications per block. Default: at least four blocks, so that output overlaps computation
 * even in small runs; between 64 and RUN_DEFAULT_BLOCK. */
static size_t run_block_size(const run_options *o, size_t n)
{
    size_t B = o->block ? o->block : (n + 3) / 4;
    if (!o->block && B > RUN_DEFAULT_BLOCK)
        B = RUN_DEFAULT_BLOCK;
    if (!o->block && B < 64)
        B = 64;
    if (B > n)
        B = n ? n : 1;
    return B;
}

/* Threads: as asked (or OpenMP's default), at most phx_max_threads() and never more than a
 * block's replications (an idle thread's scratch is memory for nothing). Results do not depend
 * on the thread count. */
static int run_threads(const run_options *o, size_t B)
{
    int t = o->threads > 0 ? o->threads : omp_get_max_threads();
    if (t > phx_max_threads())
        t = phx_max_threads();
    if ((size_t)t > B)
        t = (int)B;
    return t > 0 ? t : 1;
}

/* What the run is about to allocate (two blocks' buffers and the sampler; the model's scratch
 * is per thread, bounded by the thread cap), refused before anything is allocated. */
static int run_check_memory(const run_state *r, size_t n_total, phx_err *e)
{
    const scenario *sc = r->sc;
    double per_rep = (double)(sc->n_slots + r->row_len + r->grow_len) * sizeof(double) +
                     sizeof(int) + sizeof(uint32_t);
    char what[160];
    snprintf(what, sizeof what, "a block of %zu replications (two buffers of %zu values each)", r->B,
             sc->n_slots + r->row_len + r->grow_len);
    if (phx_memory_check(2.0 * (double)r->B * per_rep, what, sc->path, "--block",
                         "use a smaller --block", e))
        return e->status;
    if (r->o->design != NULL)
        return PHX_OK;
    snprintf(what, sizeof what, "sampler %s over %zu replications", sampler_name(r->o->sampler), n_total);
    return phx_memory_check(sampler_bytes(r->o->sampler, sc, n_total), what, sc->path,
                            "scenario.sampler", "use sampler mc or sobol, or fewer replications", e);
}

static int run_state_init(run_state *r, const scenario *sc, const void *shared, size_t first,
                          size_t n, const run_options *o, const run_sink *sink, phx_err *e)
{
    const model_type *m = sc->model;
    memset(r, 0, sizeof *r);
    *r = (run_state){ .sc = sc, .shared = shared, .o = o, .sink = sink,
                      .row_len = layout_row_len(m, sc->n_years),
                      .grow_len = layout_group_row_len(m, sc->n_years), .B = run_block_size(o, n) };
    size_t n_total = (size_t)sc->replications > first + n ? (size_t)sc->replications : first + n;
    r->threads = run_threads(o, r->B);
    if (run_check_memory(r, n_total, e) != PHX_OK)
        return e->status;
    if (o->design == NULL && (r->smp = sampler_alloc(o->sampler, sc, n_total, e)) == NULL)
        return e->status;
    size_t B = r->B;
    for (int k = 0; k < 2; k++) {
        r->buf[k].theta = phx_malloc(B * sc->n_slots * sizeof *r->buf[k].theta + 1);
        r->buf[k].rows = phx_malloc(B * r->row_len * sizeof *r->buf[k].rows + 1);
        r->buf[k].grows = r->grow_len ? phx_malloc(B * r->grow_len * sizeof *r->buf[k].grows) : NULL;
        r->buf[k].status = phx_malloc(B * sizeof *r->buf[k].status);
        r->buf[k].stream = phx_malloc(B * sizeof *r->buf[k].stream);
    }
    r->scratch = phx_calloc((size_t)r->threads, sizeof *r->scratch);
    for (int t = 0; t < r->threads; t++)     /* per-thread scratch: allocated once, here */
        r->scratch[t] = m->scratch_alloc ? m->scratch_alloc(shared) : NULL;
    return PHX_OK;
}

static void run_state_free(run_state *r)
{
    for (int t = 0; r->scratch && t < r->threads; t++)
        if (r->sc->model->scratch_free)
            r->sc->model->scratch_free(r->scratch[t]);
    free(r->scratch);
    for (int k = 0; k < 2; k++) {
        free(r->buf[k].status);
        free(r->buf[k].stream);
        free(r->buf[k].grows);
        free(r->buf[k].rows);
        free(r->buf[k].theta);
    }
    if (r->smp)
        sampler_free(r->smp);
}

/* Parameters and random streams of block `cur` (design or sampler), serially on the calling
 * thread, and zeroed rows. */
static void run_fill(run_state *r, run_buf *cur)
{
    const run_design *d = r->o->design;
    if (d)
        d->fill(d->ctx, r->sc, cur->first, cur->n, cur->theta);
    else
        sampler_fill(r->smp, cur->first, cur->n, cur->theta);
    for (size_t i = 0; i < cur->n; i++)
        cur->stream[i] = d && d->stream ? d->stream(d->ctx, cur->first + i) : (uint32_t)(cur->first + i);
    memset(cur->rows, 0, cur->n * r->row_len * sizeof *cur->rows);
    if (cur->grows)
        memset(cur->grows, 0, cur->n * r->grow_len * sizeof *cur->grows);
}

static int run_hand(run_state *r, const run_buf *b, phx_err *e)
{
    run_block blk = { b->first, b->n, b->theta, b->rows, b->grows };
    return r->sink->block(r->sink->ctx, r->sc, &blk, e);
}

/* Replication i of block `cur` on thread `tid`. */
static void run_one(run_state *r, run_buf *cur, size_t i, int tid)
{
    const scenario *sc = r->sc;
    replication_ctx rc = {
        .seed = sc->seed,
        .replication = cur->stream[i],
        .theta = cur->theta + i * sc->n_slots,
        .offset = sc->offset,
        .year_first = sc->year_first,
        .n_years = sc->n_years,
    };
    cur->status[i] = sc->model->simulate(r->shared, r->scratch[tid], &rc, cur->rows + i * r->row_len,
                                         cur->grows ? cur->grows + i * r->grow_len : NULL);
}

/* Simulate block `cur`. Thread 0 first hands the previous block (`pending`) to the sink, then
 * joins the others, which have started on this block: output overlaps computation. The sink and
 * the poll hook only ever run on thread 0 (the thread that called us), one at a time. */
static void run_compute(run_state *r, run_buf *cur, const run_buf *pending)
{
    const run_options *o = r->o;
#pragma omp parallel num_threads(r->threads)
    {
        if (pending != NULL && omp_get_thread_num() == 0)
            r->sink_st = run_hand(r, pending, &r->sink_err);
#pragma omp for schedule(dynamic, 1)
        for (size_t i = 0; i < cur->n; i++) {
            int tid = omp_get_thread_num();
            run_one(r, cur, i, tid);
            if (o->poll != NULL && tid == 0)
                o->poll(o->poll_ctx);
        }
    }
}

int run_replications(const scenario *sc, const void *shared, size_t first, size_t n,
                     const run_options *o, const run_sink *sink, phx_err *e)
{
    run_state r;
    int st = run_state_init(&r, sc, shared, first, n, o, sink, e);
    if (st != PHX_OK) {
        run_state_free(&r);
        return st;
    }
    run_buf *pending = NULL;          /* computed, not yet handed to the sink */
    double t0 = now_seconds();
    progress_log plog = { t0, t0, 0 };
    for (size_t b0 = 0, k = 0; b0 < n && st == PHX_OK; b0 += r.B, k++) {
        run_buf *cur = &r.buf[k % 2];
        cur->first = first + b0;
        cur->n = n - b0 < r.B ? n - b0 : r.B;
        run_fill(&r, cur);
        run_compute(&r, cur, pending);
        if (r.sink_st != PHX_OK) {
            *e = r.sink_err;
            st = r.sink_st;
        }
        for (size_t i = 0; i < cur->n && st == PHX_OK; i++)
            if (cur->status[i] != PHX_OK)
                st = phx_fail(e, PHX_ERUN, sc->path, 0, NULL, "model %s failed in replication %zu",
                              sc->model->name, cur->first + i);
        pending = cur;
        if (o->progress == 1)
            progress_draw(b0 + cur->n, n, t0);
        else if (o->progress == 2)
            progress_line(&plog, b0 + cur->n, n);
    }
    if (st == PHX_OK && pending != NULL)
        st = run_hand(&r, pending, e);
    run_state_free(&r);
    return st;
}

run_record run_record_of(const scenario *sc)
{
    return (run_record){ .replications = (size_t)sc->replications, .stopped = RUN_STOP_COUNT };
}
