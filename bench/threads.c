/* threads.c -- benchmarks 1 and 2: the plan scenario's model and its floor kernel (floor.h) at
 * each thread count, back to back in the same process so that both see the same machine.
 * Prints one CSV row (bench.h) per kernel and thread count: best and median of --repeat runs
 * of --reps replications. Throughput, speed-up, efficiency and model/floor are derived from
 * these rows by bench/table.awk. */
#include "bench.h"
#include "floor.h"

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
    static model_type floor_kernel;
    floor_kernel = floor_model();
    void *shared_model = NULL, *shared_floor = NULL;
    double t0 = bench_now();
    scenario *sc = bench_load(&o, &shared_model);
    double prepare = bench_now() - t0;
    const model_type *model = sc->model;
    phx_err e = { 0 };
    if (floor_kernel.prepare(sc, &shared_floor, &e) != PHX_OK)
        bench_die("floor prepare", &e);
    size_t firms = ((const floor_shared *)shared_floor)->n;

    /* warm up both kernels (page faults of the scratch, CPU clocks) on the most threads */
    int tmax = o.threads[o.n_threads - 1];
    long warm = o.reps < 4L * tmax ? o.reps : 4L * tmax;
    double cpu;
    sc->model = model;
    timed_run(sc, shared_model, &o, warm, tmax, &cpu);
    sc->model = &floor_kernel;
    timed_run(sc, shared_floor, &o, warm, tmax, &cpu);

    /* Rounds over every thread count, so that each count's best is drawn from samples spread
     * over the whole run, not from one stretch that a neighbour's load may have slowed; within
     * a round the model and the floor run back to back, and which goes first alternates. */
    size_t nr = (size_t)o.n_threads * (size_t)o.repeat;
    double *tm = phx_malloc(nr * sizeof *tm), *tf = phx_malloc(nr * sizeof *tf);
    double *cm = phx_malloc(nr * sizeof *cm), *cf = phx_malloc(nr * sizeof *cf);
    for (int r = 0; r < o.repeat; r++)
        for (int k = 0; k < o.n_threads; k++) {
            size_t i = (size_t)k * (size_t)o.repeat + (size_t)r;
            int t = o.threads[k], floor_first = (r + k) % 2;
            for (int half = 0; half < 2; half++) {
                int is_floor = half ^ floor_first;
                sc->model = is_floor ? &floor_kernel : model;
                double c, w = timed_run(sc, is_floor ? shared_floor : shared_model, &o, o.reps, t,
                                        &c);
                (is_floor ? tf : tm)[i] = w;
                (is_floor ? cf : cm)[i] = c;
            }
        }
    for (int k = 0; k < o.n_threads; k++) {
        size_t at = (size_t)k * (size_t)o.repeat;
        bench_row row = { "threads", o.label, "model", "null", o.threads[k], o.reps, firms,
                          sc->n_years, o.repeat, 0, 0, prepare, 0, 0, 0, bench_peak_rss_kib(), 0 };
        for (int kernel = 0; kernel < 2; kernel++) {
            double *w = (kernel ? tf : tm) + at, *c = (kernel ? cf : cm) + at;
            int b = bench_argmin(w, o.repeat);
            row.kernel = kernel ? "floor" : "model";
            row.best = w[b];
            row.cpu = c[b];
            row.median = bench_median(w, o.repeat);
            bench_print(&row);
        }
    }
    free(tm);
    free(tf);
    free(cm);
    free(cf);
    sc->model = model;
    floor_kernel.shared_free(shared_floor);
    model->shared_free(shared_model);
    scenario_free(sc);
    return 0;
}
