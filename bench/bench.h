/* bench.h -- what the benchmark programs share: options, clocks, peak memory, a discarding sink,
 * a timing wrapper around any sink, the CSV row. Header-only (static inline) because each
 * program in bench/ is its own main, linked only against build/libphoenix.a. */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <omp.h>
#include "../engine/run.h"
#include "../engine/sampler.h"
#include "../engine/scenario.h"
#include "../models/models.h"

#define BENCH_MAX_THREADS 256
#define BENCH_MAX_SET 32

/* Column names of build/bench/results.csv; every program prints rows of exactly these. */
#define BENCH_CSV_HEADER                                                                         \
    "bench,label,kernel,sink,threads,reps,firms,years,repeat,seconds_best,seconds_median,"       \
    "prepare_s,out_s,out_bytes,file_bytes,peak_rss_kib,cpu_s"

typedef struct bench_opts {
    const char *scenario;                  /* --scenario (default: the plan) */
    long reps;                             /* --reps: replications per timed run */
    int repeat;                            /* --repeat: timed runs per case (best and median) */
    int threads[BENCH_MAX_THREADS];        /* --threads "1 2 4" */
    int n_threads;
    size_t block;                          /* --block: replications per block (0: engine default) */
    const char *kernel;                    /* --kernel model|floor */
    const char *sink;                      /* --sink null|h5 */
    const char *out;                       /* --out: the HDF5 file of --sink h5 (deleted after) */
    const char *label;                     /* --label: first CSV column */
    scenario_override set[BENCH_MAX_SET];  /* --set section.key=value */
    size_t n_set;
    char set_key[BENCH_MAX_SET][128];
} bench_opts;

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of the whole process (every thread) so far: compared with wall time x threads, it
 * shows how much of the run the threads were on a core (a shared machine's load takes the rest). */
static inline double bench_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Peak resident memory of this process in KiB: VmHWM from /proc/self/status, else ru_maxrss
 * (which Linux also reports in KiB). */
static inline long bench_peak_rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "VmHWM:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    if (f != NULL)
        fclose(f);
    if (kib < 0) {
        struct rusage ru;
        if (getrusage(RUSAGE_SELF, &ru) == 0)
            kib = ru.ru_maxrss;
    }
    return kib;
}

/* Die with a one-line message (benchmarks have no error recovery to offer). */
static inline void bench_die(const char *what, const phx_err *e)
{
    fprintf(stderr, "bench: %s: %s\n", what, e != NULL ? e->msg : "failed");
    exit(e != NULL && e->status ? e->status : 1);
}

/* "1 2 4" or "1,2,4" into o->threads; an empty list means 1, 2, ... the core count (every count
 * up to 8, then powers of two and the core count, so that a 64-core run stays short). */
static inline void bench_parse_threads(bench_opts *o, const char *text)
{
    o->n_threads = 0;
    for (const char *p = text; p != NULL && *p && o->n_threads < BENCH_MAX_THREADS;) {
        char *end;
        long t = strtol(p, &end, 10);
        if (end == p) {
            p++;
            continue;
        }
        if (t >= 1 && t <= BENCH_MAX_THREADS)
            o->threads[o->n_threads++] = (int)t;
        p = end;
    }
    if (o->n_threads > 0)
        return;
    int cores = omp_get_num_procs();
    for (int t = 1; t <= cores && o->n_threads < BENCH_MAX_THREADS; t = t < 8 ? t + 1 : 2 * t)
        o->threads[o->n_threads++] = t;
    if (o->threads[o->n_threads - 1] != cores && o->n_threads < BENCH_MAX_THREADS)
        o->threads[o->n_threads++] = cores;
}

static inline void bench_usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [--scenario FILE] [--reps N] [--repeat R] [--threads \"1 2 ...\"]\n"
            "          [--block B] [--kernel model|floor|bare|bare-batch] [--sink null|h5]\n"
            "          [--out FILE.h5]\n"
            "          [--label TEXT] [--set section.key=value ...]\n"
            "       %s --csv-header\n", prog, prog);
    exit(2);
}

/* Options with defaults: the plan scenario, 1000 replications, 1 repeat, every thread count. */
static inline void bench_parse(bench_opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->scenario = "scenarios/plan-2021-2023.ini";
    o->reps = 1000;
    o->repeat = 1;
    o->kernel = "model";
    o->sink = "null";
    o->out = "build/bench/bench.h5";
    o->label = "";
    const char *threads = NULL;
    if (argc == 2 && strcmp(argv[1], "--csv-header") == 0) {
        puts(BENCH_CSV_HEADER);
        exit(0);
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL)
            bench_usage(argv[0]);
        i++;
        if (strcmp(a, "--scenario") == 0)
            o->scenario = v;
        else if (strcmp(a, "--reps") == 0)
            o->reps = strtol(v, NULL, 10);
        else if (strcmp(a, "--repeat") == 0)
            o->repeat = atoi(v);
        else if (strcmp(a, "--threads") == 0)
            threads = v;
        else if (strcmp(a, "--block") == 0)
            o->block = (size_t)strtoul(v, NULL, 10);
        else if (strcmp(a, "--kernel") == 0)
            o->kernel = v;
        else if (strcmp(a, "--sink") == 0)
            o->sink = v;
        else if (strcmp(a, "--out") == 0)
            o->out = v;
        else if (strcmp(a, "--label") == 0)
            o->label = v;
        else if (strcmp(a, "--set") == 0 && o->n_set < BENCH_MAX_SET && strchr(v, '=') != NULL) {
            size_t k = (size_t)(strchr(v, '=') - v);
            if (k >= sizeof o->set_key[0])
                bench_usage(argv[0]);
            memcpy(o->set_key[o->n_set], v, k);
            o->set_key[o->n_set][k] = '\0';
            o->set[o->n_set] = (scenario_override){ "--set", o->set_key[o->n_set], v + k + 1 };
            o->n_set++;
        } else
            bench_usage(argv[0]);
    }
    if (o->reps < 1 || o->repeat < 1)
        bench_usage(argv[0]);
    bench_parse_threads(o, threads);
}

/* The scenario of `o` with its overrides and the replication count of --reps, prepared. */
static inline scenario *bench_load(const bench_opts *o, void **shared)
{
    phx_err e = { 0 };
    scenario *sc = NULL;
    char reps[32];
    scenario_override ov[BENCH_MAX_SET + 1];
    memcpy(ov, o->set, o->n_set * sizeof ov[0]);
    snprintf(reps, sizeof reps, "%ld", o->reps);
    ov[o->n_set] = (scenario_override){ "--reps", "scenario.replications", reps };
    if (scenario_load(&sc, o->scenario, models_all, models_n, ov, o->n_set + 1, &e) != PHX_OK)
        bench_die(o->scenario, &e);
    if (sc->model->prepare(sc, shared, &e) != PHX_OK)
        bench_die("prepare", &e);
    return sc;
}

/* Run options for `threads` threads with the scenario's sampler. */
static inline run_options bench_run_options(const scenario *sc, const bench_opts *o, int threads)
{
    run_options ro = { .threads = threads, .block = o->block, .progress = 0 };
    sampler_parse(sc->sampler, &ro.sampler);
    return ro;
}

/* ---- sinks ------------------------------------------------------------------------------- */

/* A sink that discards the rows but sums them, so that nothing the model writes is dead. */
typedef struct bench_discard {
    double sum;
    size_t rows;
} bench_discard;

static inline int bench_discard_block(void *ctx, const scenario *sc, const run_block *b,
                                      phx_err *e)
{
    (void)e;
    bench_discard *d = ctx;
    size_t len = b->n * sc->model->n_metrics * (size_t)sc->n_years;
    for (size_t k = 0; k < len; k++)
        d->sum += b->rows[k];
    d->rows += b->n;
    return PHX_OK;
}

static inline run_sink bench_discard_sink(bench_discard *d)
{
    return (run_sink){ d, bench_discard_block };
}

/* A sink that times another one and counts the bytes it is handed: replication indices (8 B
 * each), parameters, rows and group rows, all as float64. */
typedef struct bench_timed {
    run_sink inner;
    double seconds;
    double bytes;
} bench_timed;

static inline int bench_timed_block(void *ctx, const scenario *sc, const run_block *b,
                                    phx_err *e)
{
    bench_timed *t = ctx;
    const model_type *m = sc->model;
    size_t ny = (size_t)sc->n_years;
    size_t per_rep = 1 + sc->n_slots + m->n_metrics * ny +
                     model_n_group_metrics(m) * ny * m->n_groups;
    double t0 = bench_now();
    int st = t->inner.block(t->inner.ctx, sc, b, e);
    t->seconds += bench_now() - t0;
    t->bytes += 8.0 * (double)(b->n * per_rep);
    return st;
}

static inline run_sink bench_timed_sink(bench_timed *t)
{
    return (run_sink){ t, bench_timed_block };
}

/* ---- results ----------------------------------------------------------------------------- */

typedef struct bench_row {
    const char *bench, *label, *kernel, *sink;
    int threads;
    long reps;
    size_t firms;
    int years, repeat;
    double best, median, prepare, out_s, out_bytes, file_bytes;
    long rss_kib;
    double cpu;                 /* process CPU time of the best run (every thread) */
} bench_row;

static inline void bench_print(const bench_row *r)
{
    printf("%s,%s,%s,%s,%d,%ld,%zu,%d,%d,%.6f,%.6f,%.6f,%.6f,%.0f,%.0f,%ld,%.6f\n", r->bench,
           r->label, r->kernel, r->sink, r->threads, r->reps, r->firms, r->years, r->repeat,
           r->best, r->median, r->prepare, r->out_s, r->out_bytes, r->file_bytes, r->rss_kib,
           r->cpu);
    fflush(stdout);
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The index of the smallest of t[0..n), n >= 1. */
static inline int bench_argmin(const double *t, int n)
{
    int m = 0;
    for (int i = 1; i < n; i++)
        m = t[i] < t[m] ? i : m;
    return m;
}

/* Sorts t[0..n) and returns its median. */
static inline double bench_median(double *t, int n)
{
    qsort(t, (size_t)n, sizeof *t, bench_cmp_double);
    return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

#endif
