/* run.c -- `phoenix run` (one or several scenarios on the same replications, optionally until a
 * precision is reached) and `phoenix sweep` (a grid of lever values). */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/cluster.h"
#include "../engine/precision.h"
#include "../engine/run.h"
#include "../engine/sweep.h"
#include "../engine/stats.h"
#include "../models/models.h"
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
} run_args;

/* What the options say together: files, --vary, --precision, the output. */
static int check_args(int is_sweep, run_args *a)
{
    if (a->n_files == 0)
        return cli_usage_error("%s needs a scenario file", is_sweep ? "is_sweep" : "run");
    if (is_sweep && a->n_files != 1)
        return cli_usage_error("is_sweep takes one scenario file, got %s", "several");
    if (is_sweep && a->n_vary == 0)
        return cli_usage_error("is_sweep needs at least one --vary section.key=v1,v2,...%s", "");
    if (a->n_files > MAX_SCENARIOS)
        return cli_usage_error("at most %s scenarios", "4096");
    if (a->precision > 0 && a->max_reps < a->batch)
        return cli_usage_error("--max-replications must be at least --batch%s", "");
    if (!a->o.force && cli_file_exists(a->o.out)) {
        if (cluster_rank() == 0)
            fprintf(stderr, "phoenix: %s: exists; use --force to overwrite\n", a->o.out);
        return PHX_EINPUT;
    }
    return PHX_OK;
}

/* Options shared by run and sweep; `sweep` allows --vary. */
static int parse_args(int argc, char **argv, int is_sweep, run_args *a)
{
    static const struct option opts[] = {
        CLI_SHARED_OPTIONS,
        { "precision", required_argument, NULL, 'P' }, { "batch", required_argument, NULL, 'B' },
        { "max-replications", required_argument, NULL, 'M' }, { "vary", required_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 }
    };
    memset(a, 0, sizeof *a);
    a->o.out = is_sweep ? "is_sweep.h5" : "results.h5";
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
        case 'V':
            if (!is_sweep)
                return cli_usage_error("--vary belongs to phoenix is_sweep%s", "");
            if (a->n_vary == MAX_VARY)
                return cli_usage_error("at most %s --vary options", "8");
            a->vary[a->n_vary++] = optarg;
            break;
        default: return cli_usage_error("%s: bad option", is_sweep ? "is_sweep" : "run");
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

/* Scenarios compared on the same replications must agree on what makes replications the same. */
static int check_comparable(scenario *const *sc, size_t n, int by_precision, phx_err *e)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(sc[i]->name, sc[j]->name) == 0)
                return phx_fail(e, PHX_EINPUT, sc[i]->path, 0, "scenario.name",
                                "'%s' is also the name of %s; names must differ", sc[i]->name, sc[j]->path);
        if (by_precision && strcmp(sc[i]->sampler, "lhs") == 0)
            return phx_fail(e, PHX_EINPUT, sc[i]->path, 0, "scenario.sampler",
                            "--precision needs sampler mc or sobol (lhs fixes the replication count)");
        if (i == 0)
            continue;
        const char *what = sc[i]->model != sc[0]->model           ? "model"
                           : sc[i]->year_first != sc[0]->year_first ? "years"
                           : sc[i]->n_years != sc[0]->n_years       ? "years"
                           : sc[i]->seed != sc[0]->seed             ? "seed"
                           : sc[i]->replications != sc[0]->replications ? "replications"
                           : strcmp(sc[i]->sampler, sc[0]->sampler) ? "sampler"
                                                                    : NULL;
        if (what)
            return phx_fail(e, PHX_EINPUT, sc[i]->path, 0, NULL,
                            "%s differs from %s's; scenarios run together share model, years, seed, "
                            "replications and sampler (common random numbers)", what, sc[0]->path);
    }
    return PHX_OK;
}

/* ---- running a set of scenarios into one file ----------------------------------------- */

/* Run scenario i of the set into `w` (NULL on MPI ranks other than 0); with --precision the first
 * scenario's stopping point sets the replication count of all, so that they stay paired. The
 * scenarios are not changed: what ran goes to rec[i] and the file's run record. */
static int run_one(scenario *const *sc, size_t i, size_t n, const run_args *a, h5_writer *w,
                   void *prepared, run_record *rec, phx_err *e)
{
    void *shared = prepared;           /* scenario 0's, prepared before the file was opened */
    run_options ro = { .threads = (int)a->o.threads, .block = (size_t)a->o.block,
                       .progress = !a->o.quiet && isatty(STDERR_FILENO) };
    ro.sampler = (sampler_kind)sc[i]->sampler_kind;
    int by_precision = a->precision > 0 && i == 0;
    if (!a->o.quiet && n > 1)
        fprintf(stderr, "phoenix: scenario %zu of %zu: %s\n", i + 1, n, sc[i]->name);
    int st = shared ? PHX_OK : sc[i]->model->prepare(sc[i], &shared, e);
    rec[i] = i == 0 ? run_record_of(sc[i]) : (run_record){ rec[0].replications, RUN_STOP_PAIRED, 0, 0, 0 };
    if (st == PHX_OK && w != NULL)
        st = h5_writer_begin_scenario(w, sc[i], by_precision ? (size_t)a->batch : rec[i].replications, e);
    if (st == PHX_OK && w != NULL)
        st = h5_writer_provenance(w, sc[i]->model, shared, e);
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
        st = cluster_run(sc[i], shared, 0, rec[i].replications, &ro, &sink, e);
    }
    if (st == PHX_OK && w != NULL)
        st = h5_writer_run_record(w, &rec[i], e);
    if (st == PHX_OK && w != NULL)
        st = h5_writer_end_scenario(w, e);
    st = cluster_agree(st, e);
    if (shared)
        sc[i]->model->shared_free(shared);
    return st;
}

/* Run every scenario in turn into `w`, then compare each with the first. Under MPI every rank
 * runs this, in step (the same collective calls in the same order, the loop ruled by agreed
 * statuses); only rank 0 writes: `w` is NULL on the others. */
static int run_set(scenario **sc, size_t n, const run_args *a, h5_writer *w, void *shared0, phx_err *e)
{
    int st = PHX_OK;
    run_record *rec = phx_calloc(n, sizeof *rec);
    for (size_t i = 0; st == PHX_OK && i < n; i++)
        st = run_one(sc, i, n, a, w, i == 0 ? shared0 : NULL, rec, e);
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

/* An interrupted run (Ctrl-C, kill) deletes its temporary file: nothing is left behind. */
static char interrupted_tmp[4096];

static void on_signal(int sig)
{
    if (interrupted_tmp[0])
        unlink(interrupted_tmp);            /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void guard_temp_file(const char *tmp)
{
    if (tmp == NULL) {
        interrupted_tmp[0] = '\0';
        return;
    }
    snprintf(interrupted_tmp, sizeof interrupted_tmp, "%s", tmp);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
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
    void *shared0 = NULL;
    int st = check_comparable(sc, n, a->precision > 0, &e);
    if (st == PHX_OK)
        st = prepare_all(sc, n, &shared0, &e);
    if (st == PHX_OK && cluster_rank() == 0)   /* under MPI rank 0 writes (docs/output.md) */
        st = h5_writer_open(&w, a->o.out, a->o.force, command_line, sc[0]->seed, &e);
    if (st == PHX_OK && w != NULL)
        guard_temp_file(h5_writer_temp_path(w));
    st = cluster_agree(st, &e);
    if (st == PHX_OK)
        st = run_set(sc, n, a, w, shared0, &e);          /* frees shared0 */
    else if (shared0)
        sc[0]->model->shared_free(shared0);
    if (st == PHX_OK && grid && w != NULL)
        st = h5_writer_sweep(w, sc, n, grid->keys, grid->n_keys, grid->values, &e);
    if (st == PHX_OK && w != NULL) {
        st = h5_writer_commit(w, &e);
        w = NULL;
    }
    h5_writer_abort(w);
    guard_temp_file(NULL);
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
    for (int i = 0; st == PHX_OK && i < a.n_files; i++)
        st = scenario_load(&sc[i], a.files[i], models_all, models_n, a.o.ov, a.o.n_ov, &e);
    st = cluster_agree(st, &e);                /* every rank loads the (shared) files */
    st = st == PHX_OK ? run_and_write(sc, (size_t)a.n_files, &a, command_line, NULL) : cli_report(&e);
    free_set(sc, (size_t)a.n_files);
    return st;
}

/* ---- sweep -------------------------------------------------------------------------------- */

/* Load point p of the grid: the user's overrides, the point's levers, its name "<base>@NNN". */
static int load_point(const run_args *a, const sweep *g, const scenario *base, size_t p, char **name,
                      scenario **sc, phx_err *e)
{
    scenario_override ov[CLI_MAX_OVERRIDES + SWEEP_MAX_LEVERS + 1];
    memcpy(ov, a->o.ov, a->o.n_ov * sizeof *ov);
    size_t n_ov = a->o.n_ov;
    sweep_overrides(g, p, ov, &n_ov);
    *name = phx_malloc(strlen(base->name) + 16);
    sprintf(*name, "%s@%03zu", base->name, p);
    ov[n_ov++] = (scenario_override){ "--vary", "scenario.name", *name };
    return scenario_load(sc, a->files[0], models_all, models_n, ov, n_ov, e);
}

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
    st = scenario_load(&base, a.files[0], models_all, models_n, a.o.ov, a.o.n_ov, &e);
    for (size_t p = 0; st == PHX_OK && p < points; p++)
        st = load_point(&a, g, base, p, &names[p], &sc[p], &e);
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
