/* scale.c -- benchmarks 3, 4 and 5: one run of the plan scenario (--reps replications, the
 * population of --set population.scale=..., the largest count of --threads) into a discarding
 * sink or the real HDF5 writer, timed in parts, with this process's peak resident memory.
 * bench/run.sh runs it once per size, each in its own process, so that every size has its own
 * peak. --kernel floor runs the floor kernel (floor.h) instead of the model, --kernel bare or
 * bare-batch the bare-draw floor (bare.h). Prints one CSV row
 * (bench.h); with --sink h5, out_s is the writer's whole time (open, begin, blocks, summary,
 * commit) and out_bytes what it was handed. */
#include <sys/stat.h>
#include <unistd.h>
#include "bench.h"
#include "floor.h"
#include "bare.h"
#include "../output/h5.h"

typedef struct scale_result {
    double run, out, bytes, file, cpu;
} scale_result;

/* Run into the HDF5 writer: a temporary results file, committed, measured, deleted. */
static scale_result run_h5(const scenario *sc, const void *shared, const bench_opts *o,
                           const run_options *ro)
{
    scale_result r = { 0, 0, 0, 0, 0 };
    phx_err e = { 0 };
    h5_writer *w = NULL;
    double c0 = bench_cpu(), t0 = bench_now();
    if (h5_writer_open(&w, o->out, 1, "bench/scale", sc->seed, &e) != PHX_OK ||
        h5_writer_begin_scenario(w, sc, (size_t)o->reps, &e) != PHX_OK)
        bench_die(o->out, &e);
    double t1 = bench_now();
    bench_timed timed = { h5_writer_sink(w), 0, 0 };
    run_sink sink = bench_timed_sink(&timed);
    if (run_replications(sc, shared, 0, (size_t)o->reps, ro, &sink, &e) != PHX_OK)
        bench_die("run", &e);
    double t2 = bench_now();
    if (getenv("BENCH_VERBOSE"))
        fprintf(stderr, "h5: peak before summary %ld KiB\n", bench_peak_rss_kib());
    if (h5_writer_end_scenario(w, &e) != PHX_OK || h5_writer_commit(w, &e) != PHX_OK)
        bench_die(o->out, &e);
    double t3 = bench_now();
    r.cpu = bench_cpu() - c0;
    struct stat st;
    r.file = stat(o->out, &st) == 0 ? (double)st.st_size : -1;
    unlink(o->out);
    r.run = t3 - t0;
    r.out = (t1 - t0) + timed.seconds + (t3 - t2);
    if (getenv("BENCH_VERBOSE"))
        fprintf(stderr, "h5: open+begin %.3f s, blocks %.3f s, end+commit %.3f s, run %.3f s\n",
                t1 - t0, timed.seconds, t3 - t2, t2 - t1);
    r.bytes = timed.bytes;
    return r;
}

static scale_result run_null(const scenario *sc, const void *shared, const bench_opts *o,
                             const run_options *ro)
{
    scale_result r = { 0, 0, 0, 0, 0 };
    phx_err e = { 0 };
    bench_discard d = { 0, 0 };
    bench_timed timed = { bench_discard_sink(&d), 0, 0 };
    run_sink sink = bench_timed_sink(&timed);
    double c0 = bench_cpu(), t0 = bench_now();
    if (run_replications(sc, shared, 0, (size_t)o->reps, ro, &sink, &e) != PHX_OK)
        bench_die("run", &e);
    r.run = bench_now() - t0;
    r.cpu = bench_cpu() - c0;
    r.out = timed.seconds;
    r.bytes = timed.bytes;
    if (d.rows != (size_t)o->reps || d.sum != d.sum)
        bench_die(sc->model->name, NULL);
    return r;
}

int main(int argc, char **argv)
{
    bench_opts o;
    bench_parse(&o, argc, argv);
    int h5 = strcmp(o.sink, "h5") == 0, use_floor = strcmp(o.kernel, "model") != 0;
    static model_type floor_kernel;
    if (strcmp(o.kernel, "floor") == 0)
        floor_kernel = floor_model();
    else if ((strcmp(o.kernel, "bare") == 0 && bare_model(&floor_kernel, 0) == 0) ||
             (strcmp(o.kernel, "bare-batch") == 0 && bare_model(&floor_kernel, 1) == 0))
        ;                                      /* the bare-draw floor (bare.h) */
    else if (use_floor)
        bench_usage(argv[0]);
    if (!h5 && strcmp(o.sink, "null") != 0)
        bench_usage(argv[0]);
    int threads = o.threads[o.n_threads - 1];

    double t0 = bench_now();
    void *shared = NULL;
    scenario *sc = bench_load(&o, &shared);
    const model_type *model = sc->model;
    double prepare = bench_now() - t0;
    phx_err e = { 0 };
    tlhn_firms *f = tlhn_firms_load(sc, &e);     /* only to count the firms */
    if (f == NULL)
        bench_die("firms", &e);
    size_t firms = f->n;
    tlhn_firms_free(f);
    if (use_floor) {
        model->shared_free(shared);
        t0 = bench_now();
        if (floor_kernel.prepare(sc, &shared, &e) != PHX_OK)
            bench_die("floor prepare", &e);
        prepare = bench_now() - t0;
        sc->model = &floor_kernel;
    }

    run_options ro = bench_run_options(sc, &o, threads);
    double *times = phx_malloc((size_t)o.repeat * sizeof *times);
    scale_result best = { 0, 0, 0, 0, 0 };
    for (int r = 0; r < o.repeat; r++) {
        scale_result one = h5 ? run_h5(sc, shared, &o, &ro) : run_null(sc, shared, &o, &ro);
        times[r] = one.run;
        if (r == 0 || one.run < best.run)
            best = one;
    }
    bench_row row = { "scale", o.label, o.kernel, o.sink, threads, o.reps, firms, sc->n_years,
                      o.repeat, 0, 0, prepare, best.out, best.bytes, best.file, 0, best.cpu };
    row.median = bench_median(times, o.repeat);
    row.best = times[0];
    row.rss_kib = bench_peak_rss_kib();
    bench_print(&row);
    free(times);
    sc->model->shared_free(shared);
    sc->model = model;
    scenario_free(sc);
    return 0;
}
