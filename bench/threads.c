/* threads.c -- benchmarks 1 and 2: the plan scenario's model and its floor kernel (floor.h) at
 * each thread count, back to back in the same process so that both see the same machine.
 * With them the bare-draw floor (bare.h), one stream at a time and batched. Prints one CSV row
 * (bench.h) per kernel and thread count: best and median of --repeat runs of --reps
 * replications. Throughput, speed-up, efficiency and model/floor are derived from
 * these rows by bench/table.awk. */
#include "bench.h"
#include "floor.h"
#include "bare.h"

/* One timed run of `reps` replications on `threads` threads into a discarding sink: wall
 * seconds, and the process's CPU seconds in *cpu. */
static double timed_run(const scenario *sc, const void *shared, const bench_opts *o, long reps,
                        int threads, double *cpu)
{
    bench_discard d = { 0, 0 };
    run_sink sink = bench_discard_sink(&d);
    run_options ro = bench_run_options(sc, o, threads);
    phx_err e = { 0 };
    double c0 = bench_cpu(), t0 = bench_now();
    if (run_replications(sc, shared, 0, (size_t)reps, &ro, &sink, &e) != PHX_OK)
        bench_die(sc->model->name, &e);
    double dt = bench_now() - t0;
    *cpu = bench_cpu() - c0;
    if (d.rows != (size_t)reps || d.sum != d.sum)
        bench_die(sc->model->name, NULL);
    return dt;
}

int main(int argc, char **argv)
{
    bench_opts o;
    bench_parse(&o, argc, argv);
    /* the kernels timed side by side: the model, the floor kernel (floor.h), the bare-draw floor
     * one stream at a time and batched (bare.h; bare-batch only where the library has it) */
    static model_type kernels[4];
    const char *names[4] = { "model", "floor", "bare", "bare-batch" };
    void *shared[4] = { NULL, NULL, NULL, NULL };
    double t0 = bench_now();
    scenario *sc = bench_load(&o, &shared[0]);
    double prepare = bench_now() - t0;
    const model_type *model = sc->model;
    kernels[0] = *model;
    kernels[1] = floor_model();
    int nk = 3;
    bare_model(&kernels[2], 0);
    if (bare_model(&kernels[3], 1) == 0)
        nk = 4;
    phx_err e = { 0 };
    for (int k = 1; k < nk; k++)
        if (kernels[k].prepare(sc, &shared[k], &e) != PHX_OK)
            bench_die(names[k], &e);
    size_t firms = ((const floor_shared *)shared[1])->n;

    /* warm up every kernel (page faults of the scratch, CPU clocks) on the most threads */
    int tmax = o.threads[o.n_threads - 1];
    long warm = o.reps < 4L * tmax ? o.reps : 4L * tmax;
    double cpu;
    for (int k = 0; k < nk; k++) {
        sc->model = &kernels[k];
        timed_run(sc, shared[k], &o, warm, tmax, &cpu);
    }

    /* Rounds over every thread count, so that each count's best is drawn from samples spread
     * over the whole run, not from one stretch that a neighbour's load may have slowed; within
     * a round the kernels run back to back, and which goes first rotates. */
    size_t nr = (size_t)o.n_threads * (size_t)o.repeat;
    double *tw[4], *tc[4];
    for (int k = 0; k < nk; k++) {
        tw[k] = phx_malloc(nr * sizeof *tw[k]);
        tc[k] = phx_malloc(nr * sizeof *tc[k]);
    }
    for (int r = 0; r < o.repeat; r++)
        for (int t = 0; t < o.n_threads; t++) {
            size_t i = (size_t)t * (size_t)o.repeat + (size_t)r;
            for (int q = 0; q < nk; q++) {
                int k = (q + r + t) % nk;
                sc->model = &kernels[k];
                tw[k][i] = timed_run(sc, shared[k], &o, o.reps, o.threads[t], &tc[k][i]);
            }
        }
    for (int t = 0; t < o.n_threads; t++) {
        size_t at = (size_t)t * (size_t)o.repeat;
        bench_row row = { "threads", o.label, "model", "null", o.threads[t], o.reps, firms,
                          sc->n_years, o.repeat, 0, 0, prepare, 0, 0, 0, bench_peak_rss_kib(), 0 };
        for (int k = 0; k < nk; k++) {
            double *w = tw[k] + at, *c = tc[k] + at;
            int b = bench_argmin(w, o.repeat);
            row.kernel = names[k];
            row.best = w[b];
            row.cpu = c[b];
            row.median = bench_median(w, o.repeat);
            bench_print(&row);
        }
    }
    sc->model = model;
    for (int k = 0; k < nk; k++) {
        free(tw[k]);
        free(tc[k]);
        kernels[k].shared_free(shared[k]);
    }
    scenario_free(sc);
    return 0;
}
