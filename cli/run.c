/* run.c -- `phoenix run` (one or several scenarios on the same replications, optionally until a
 * precision is reached) and `phoenix sweep` (a grid of lever values). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/cluster.h"
#include "../engine/paired.h"
#include "../engine/precision.h"
#include "../engine/run.h"
#include "../engine/sweep.h"
#include "../engine/stats.h"
#include "../models/models.h"
#include "../output/calibration.h"
#include "../output/h5.h"
#include "cli.h"

#define MAX_SCENARIOS 4096
#define MAX_VARY SWEEP_MAX_LEVERS

typedef struct run_args {
    cli_opts o;                /* -o, -n, --seed, --threads, --set, ... */
    double precision;          /* 0: off */
    long batch, max_reps;
    char *vary[MAX_VARY];      /* sweep: "section.key=v1,v2" (modified in place) */
    int n_vary;
    char **files;
    int n_files;
    const char *posterior;     /* --posterior FILE.h5: parameters from its /calibration */
    int resume;                /* --resume: continue from FILE.tmp.resume */
} run_args;

/* What the options say together: files, --vary, --precision, the output. */
static int check_args(int is_sweep, run_args *a)
{
    if (a->n_files == 0)
        return cli_usage_error("%s needs a scenario file", is_sweep ? "sweep" : "run");
    if (is_sweep && a->n_files != 1)
        return cli_usage_error("sweep takes one scenario file, got %s", "several");
    if (is_sweep && a->n_vary == 0)
        return cli_usage_error("sweep needs at least one --vary section.key=v1,v2,...%s", "");
    if (a->n_files > MAX_SCENARIOS)
        return cli_usage_error("at most %s scenarios", "4096");
    if (a->precision > 0 && a->max_reps < a->batch)
        return cli_usage_error("--max-replications must be at least --batch%s", "");
    if (a->resume && (is_sweep || a->n_files != 1 || a->precision > 0 || cluster_size() > 1))
        return cli_usage_error("--resume continues a run of one scenario (no sweep, no "
                               "--precision, no MPI)%s", "");
    return PHX_OK;
}

/* Options shared by run and sweep; `sweep` allows --vary. */
static int parse_args(int argc, char **argv, int is_sweep, run_args *a)
{
    static const struct option opts[] = {
        CLI_SHARED_OPTIONS,
        { "precision", required_argument, NULL, 'P' }, { "batch", required_argument, NULL, 'B' },
        { "max-replications", required_argument, NULL, 'M' }, { "vary", required_argument, NULL, 'V' },
        { "posterior", required_argument, NULL, 'Q' }, { "resume", no_argument, NULL, 'R' },
        { NULL, 0, NULL, 0 }
    };
    memset(a, 0, sizeof *a);
    a->o.out = is_sweep ? "sweep.h5" : "results.h5";
    a->batch = 1000;
    a->max_reps = 1000000;
    int c;
    optind = 1;
    opterr = cluster_rank() == 0;              /* getopt's own messages: rank 0 only */
    while ((c = getopt_long(argc, argv, "o:n:", opts, NULL)) != -1) {
        int shared = cli_shared_option(c, optarg, &a->o);
        if (shared < 0)
            return PHX_EINPUT;
        if (shared > 0)
            continue;
        switch (c) {
        case 'B':
            if (cli_positive_long("--batch", optarg, &a->batch))
                return PHX_EINPUT;
            break;
        case 'M':
            if (cli_positive_long("--max-replications", optarg, &a->max_reps))
                return PHX_EINPUT;
            break;
        case 'P':
            if (phx_parse_double(optarg, &a->precision) || !(a->precision > 0 && a->precision < 1)) {
                if (cluster_rank() == 0)
                    fprintf(stderr, "phoenix: --precision: '%s' is not a relative precision in (0, 1)\n", optarg);
                return PHX_EINPUT;
            }
            break;
        case 'Q': a->posterior = optarg; break;
        case 'R':
            a->resume = 1;
            break;
        case 'V':
            if (!is_sweep)
                return cli_usage_error("--vary belongs to phoenix sweep%s", "");
            if (a->n_vary == MAX_VARY)
                return cli_usage_error("at most %s --vary options", "8");
            a->vary[a->n_vary++] = optarg;
            break;
        default: return cli_usage_error("%s: bad option", is_sweep ? "sweep" : "run");
        }
    }
    a->files = argv + optind;
    a->n_files = argc - optind;
    return check_args(is_sweep, a);
}

/* Under MPI: every rank parsed the same arguments; if a rank other than 0 alone failed, rank 0
 * says so. Only rank 0 talks: the others run quiet. */
static int agree_args(int st, run_args *a)
{
    phx_err e = { 0 };
    int mine = st;
    st = cluster_agree(st, &e);
    if (st != PHX_OK && mine == PHX_OK)
        cli_report(&e);
    if (cluster_rank() != 0)
        a->o.quiet = 1;
    return st;
}

/* ---- running a set of scenarios into one file ----------------------------------------- */

/* Run scenario i of the set into `w` (NULL on MPI ranks other than 0); with --precision the first
 * scenario's stopping point sets the replication count of all, so that they stay paired. The
 * scenarios are not changed: what ran goes to rec[i] and the file's run record. */
static int run_one(scenario *const *sc, size_t i, size_t n, const run_args *a,
                   const posterior *post, h5_writer *w, void *prepared, run_record *rec,
                   cli_clock *clk, phx_err *e)
{
    void *shared = prepared;           /* scenario 0's, prepared before the file was opened */
    run_options ro = { .threads = (int)a->o.threads, .block = (size_t)a->o.block,
                       .progress = cli_progress_mode(a->o.quiet) };
    ro.sampler = (sampler_kind)sc[i]->sampler_kind;
    int by_precision = a->precision > 0 && i == 0;
    if (!a->o.quiet && n > 1)
        fprintf(stderr, "phoenix: scenario %zu of %zu: %s\n", i + 1, n, sc[i]->name);
    int st = shared ? PHX_OK : sc[i]->model->prepare(sc[i], &shared, e);
    posterior_design *pd = NULL;         /* --posterior: engine/posterior.h */
    if (st == PHX_OK && post != NULL)
        st = posterior_design_alloc(&pd, post, sc[i], ro.sampler, (size_t)sc[i]->replications, e);
    ro.design = posterior_design_get(pd);
    rec[i] = i == 0 ? run_record_of(sc[i]) : (run_record){ rec[0].replications, RUN_STOP_PAIRED, 0, 0, 0 };
    int resumed = w != NULL && h5_writer_in_scenario(w);   /* --resume: begun, rows 0..first-1 */
    size_t first = resumed ? h5_writer_rows(w) : 0;
    if (st == PHX_OK && w != NULL && !resumed)
        st = h5_writer_begin_scenario(w, sc[i], by_precision ? (size_t)a->batch : rec[i].replications, e);
    if (st == PHX_OK && w != NULL && !resumed)
        st = h5_writer_provenance(w, sc[i]->model, shared, e);
    if (st == PHX_OK && w != NULL && !resumed && post != NULL)
        st = h5_writer_scenario_attr_str(w, "posterior", post->source, e);
    if (st == PHX_OK && w != NULL && !resumed && n == 1 && !by_precision && cluster_size() == 1)
        st = h5_writer_checkpoints(w, e);
    if (st == PHX_OK && resumed && !a->o.quiet)
        fprintf(stderr, "phoenix: resuming %s after replication %zu of %zu\n", sc[i]->name, first,
                rec[i].replications);
    st = cluster_agree(st, e);
    run_sink sink = h5_writer_sink(w);
    if (st == PHX_OK && by_precision) {
        precision_spec spec = { a->precision, (size_t)a->batch, (size_t)a->max_reps };
        st = precision_run(sc[0], shared, &ro, &sink, &spec, cluster_run, cluster_bcast_int, &rec[0], e);
        if (st == PHX_OK && !a->o.quiet)
            fprintf(stderr, "phoenix: %s after %zu replications (--precision %g)\n",
                    rec[0].precision_reached ? "precision reached" : "precision NOT reached",
                    rec[0].replications, a->precision);
    } else if (st == PHX_OK) {
        st = cluster_run(sc[i], shared, first, rec[i].replications - first, &ro, &sink, e);
    }
    if (st == PHX_OK)
        cli_clock_add(clk, sc[i], shared, rec[i].replications);
    if (st == PHX_OK && w != NULL)
        st = h5_writer_run_record(w, &rec[i], e);
    if (st == PHX_OK && w != NULL)
        st = h5_writer_end_scenario(w, e);
    st = cluster_agree(st, e);
    if (shared)
        sc[i]->model->shared_free(shared);
    posterior_design_free(pd);
    return st;
}

/* Run every scenario in turn into `w`, then compare each with the first. Under MPI every rank
 * runs this, in step (the same collective calls in the same order, the loop ruled by agreed
 * statuses); only rank 0 writes: `w` is NULL on the others. */
static int run_set(scenario **sc, size_t n, const run_args *a, const posterior *post, h5_writer *w,
                   void *shared0, phx_err *e)
{
    int st = PHX_OK;
    run_record *rec = phx_calloc(n, sizeof *rec);
    cli_clock clk;
    cli_clock_start(&clk);
    for (size_t i = 0; st == PHX_OK && i < n; i++)
        st = run_one(sc, i, n, a, post, w, i == 0 ? shared0 : NULL, rec, &clk, e);
    if (st == PHX_OK && !a->o.quiet)
        cli_clock_print(&clk);
    for (size_t i = 1; st == PHX_OK && w != NULL && i < n; i++)
        st = h5_writer_compare_n(w, sc[0], sc[i], rec[0].replications, e);
    free(rec);
    return st;
}

/* What a sweep adds to the file once every point has run. */
typedef struct sweep_grid {
    const char *const *keys;
    size_t n_keys;
    const char *const *values;   /* [point x key] */
} sweep_grid;

/* A checkpoint of an interrupted run of this output is there: say that --resume continues it. */
static void note_checkpoint(const char *out)
{
    char *ckpt = h5_checkpoint_name(out);
    if (cli_file_exists(ckpt))
        fprintf(stderr, "phoenix: note: %s holds an interrupted run of %s: `phoenix run ... "
                "--resume` continues it (this run replaces it)\n", ckpt, out);
    free(ckpt);
}

/* Every scenario's inputs (firm tables ...) read and checked before the output's temporary file
 * exists: the first one's prepared data is kept for its run, the others' freed (prepared again
 * when their turn comes, so that only one is held at a time). */
static int prepare_all(scenario **sc, size_t n, void **shared0, phx_err *e)
{
    int st = PHX_OK;
    for (size_t i = 0; st == PHX_OK && i < n; i++) {
        void *shared = NULL;
        st = sc[i]->model->prepare(sc[i], &shared, e);
        if (i == 0)
            *shared0 = shared;
        else if (shared)
            sc[i]->model->shared_free(shared);
    }
    return cluster_agree(st, e);
}

static int run_and_write(scenario **sc, size_t n, const run_args *a, const char *command_line,
                         const sweep_grid *grid)
{
    int print_summary = grid == NULL;
    phx_err e = { 0 };
    h5_writer *w = NULL;
    void *shared0 = NULL;               /* the inputs are read before the output is opened */
    int st = paired_check(sc, n, a->precision > 0, &e);
    posterior *post = NULL;
    if (st == PHX_OK && a->posterior != NULL)
        st = calibration_posterior_load(a->posterior, &post, &e);
    if (st == PHX_OK)
        st = prepare_all(sc, n, &shared0, &e);
    size_t done = 0;
    if (st == PHX_OK && cluster_rank() == 0 && a->resume)
        st = h5_writer_resume(&w, a->o.out, a->o.force, sc[0], &done, &e);
    else if (st == PHX_OK && cluster_rank() == 0) {  /* under MPI rank 0 writes (docs/output.md) */
        note_checkpoint(a->o.out);
        st = h5_writer_open(&w, a->o.out, a->o.force, command_line, sc[0]->seed, &e);
    }
    if (st == PHX_OK)
        cli_output_guard(w);
    st = cluster_agree(st, &e);
    if (st == PHX_OK)
        st = run_set(sc, n, a, post, w, shared0, &e);    /* frees shared0 */
    else if (shared0)
        sc[0]->model->shared_free(shared0);
    if (st == PHX_OK && grid && w != NULL)
        st = h5_writer_sweep(w, sc, n, grid->keys, grid->n_keys, grid->values, &e);
    st = cli_output_finish(w, st, &e);
    posterior_free(post);
    st = cluster_agree(st, &e);                /* every rank exits with rank 0's outcome */
    if (st != PHX_OK)
        return cli_report(&e);
    if (print_summary && !a->o.quiet) {
        if (h5_summary_print(a->o.out, "table", stdout, &e))
            return cli_report(&e);
        printf("results: %s\n", a->o.out);
    }
    return PHX_OK;
}

static void free_set(scenario **sc, size_t n)
{
    for (size_t i = 0; i < n; i++)
        scenario_free(sc[i]);
    free(sc);
}

int cli_run(int argc, char **argv, const char *command_line)
{
    run_args a;
    int st = agree_args(parse_args(argc, argv, 0, &a), &a);
    if (st != PHX_OK)
        return st;
    scenario **sc = phx_calloc((size_t)a.n_files, sizeof *sc);
    phx_err e = { 0 };
    unsigned char used[CLI_MAX_OVERRIDES + 2] = { 0 };
    for (int i = 0; st == PHX_OK && i < a.n_files; i++)
        st = cli_load(a.files[i], &a.o, used, &sc[i], &e);
    if (st == PHX_OK)
        st = cli_check_targets(&a.o, used, sc, (size_t)a.n_files, &e);
    if (st == PHX_OK)                          /* the inputs are good: now the output */
        st = cli_output_free_after(a.o.out, a.o.force, sc, (size_t)a.n_files, &e);
    st = cluster_agree(st, &e);                /* every rank loads the (shared) files */
    st = st == PHX_OK ? run_and_write(sc, (size_t)a.n_files, &a, command_line, NULL) : cli_report(&e);
    free_set(sc, (size_t)a.n_files);
    return st;
}

/* ---- sweep -------------------------------------------------------------------------------- */

static void print_grid(const sweep *g, const scenario *base, char *const *names, const char *out)
{
    size_t points = sweep_n_points(g), nk = sweep_n_levers(g);
    printf("sweep of %s: %zu points (each compared with point 0 in %s)\n", base->name, points, out);
    for (size_t p = 0; p < points; p++) {
        printf("  %s:", names[p]);
        for (size_t k = 0; k < nk; k++)
            printf(" %s=%s", sweep_keys(g)[k], sweep_value(g, p, k));
        printf("\n");
    }
    printf("\n");
}

int cli_sweep(int argc, char **argv, const char *command_line)
{
    run_args a;
    int st = agree_args(parse_args(argc, argv, 1, &a), &a);
    if (st != PHX_OK)
        return st;
    sweep *g = NULL;
    phx_err e = { 0 };
    if (sweep_alloc(&g, (const char *const *)a.vary, (size_t)a.n_vary, &e) != PHX_OK)
        return cli_usage_error("%s", e.msg);
    size_t points = sweep_n_points(g);
    scenario **sc = phx_calloc(points, sizeof *sc);
    char **names = phx_calloc(points, sizeof *names);
    scenario *base = NULL;
    st = cli_single_target(a.files[0], &a.o, &e);
    if (st == PHX_OK)
        st = scenario_load(&base, a.files[0], models_all, models_n, a.o.ov, a.o.n_ov, &e);
    for (size_t p = 0; st == PHX_OK && p < points; p++)
        st = sweep_point_load(g, p, a.files[0], base->name, models_all, models_n, a.o.ov, a.o.n_ov,
                              &names[p], &sc[p], &e);
    if (st == PHX_OK)
        st = cli_output_free_after(a.o.out, a.o.force, &base, 1, &e);
    st = cluster_agree(st, &e);
    if (st == PHX_OK && !a.o.quiet)
        print_grid(g, base, names, a.o.out);
    sweep_grid grid = { sweep_keys(g), sweep_n_levers(g), sweep_values(g) };
    st = st == PHX_OK ? run_and_write(sc, points, &a, command_line, &grid) : cli_report(&e);
    if (st == PHX_OK && !a.o.quiet) {
        if (h5_sweep_print(a.o.out, "table", stdout, &e))
            st = cli_report(&e);
        else
            printf("results: %s\n", a.o.out);
    }
    for (size_t p = 0; p < points; p++)
        free(names[p]);
    free(names);
    scenario_free(base);
    free_set(sc, points);
    sweep_free(g);
    return st;
}
