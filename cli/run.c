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
#include "../engine/run.h"
#include "../engine/stats.h"
#include "../models/models.h"
#include "../output/calibration.h"
#include "../output/h5.h"
#include "cli.h"

#define MAX_SCENARIOS 4096
#define MAX_VARY 8

typedef struct run_args {
    cli_opts o;                /* -o, -n, --seed, --threads, --set, ... */
    double precision;          /* 0: off */
    long batch, max_reps;
    char *vary[MAX_VARY];      /* sweep: "section.key=v1,v2" (modified in place) */
    int n_vary;
    char **files;
    int n_files;
    const char *posterior;     /* --posterior FILE.h5: parameters from its /calibration */
} run_args;

/* Options shared by run and sweep; `sweep` allows --vary. */
static int parse_args(int argc, char **argv, int sweep, run_args *a)
{
    static const struct option opts[] = {
        CLI_SHARED_OPTIONS,
        { "precision", required_argument, NULL, 'P' }, { "batch", required_argument, NULL, 'B' },
        { "max-replications", required_argument, NULL, 'M' }, { "vary", required_argument, NULL, 'V' },
        { "posterior", required_argument, NULL, 'Q' },
        { NULL, 0, NULL, 0 }
    };
    memset(a, 0, sizeof *a);
    a->o.out = sweep ? "sweep.h5" : "results.h5";
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
        case 'V':
            if (!sweep)
                return cli_usage_error("--vary belongs to phoenix sweep%s", "");
            if (a->n_vary == MAX_VARY)
                return cli_usage_error("at most %s --vary options", "8");
            a->vary[a->n_vary++] = optarg;
            break;
        default: return cli_usage_error("%s: bad option", sweep ? "sweep" : "run");
        }
    }
    a->files = argv + optind;
    a->n_files = argc - optind;
    if (a->n_files == 0)
        return cli_usage_error("%s needs a scenario file", sweep ? "sweep" : "run");
    if (sweep && a->n_files != 1)
        return cli_usage_error("sweep takes one scenario file, got %s", "several");
    if (sweep && a->n_vary == 0)
        return cli_usage_error("sweep needs at least one --vary section.key=v1,v2,...%s", "");
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
static int check_comparable(scenario *const *sc, size_t n, int precision, phx_err *e)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(sc[i]->name, sc[j]->name) == 0)
                return phx_fail(e, PHX_EINPUT, sc[i]->path, 0, "scenario.name",
                                "'%s' is also the name of %s; names must differ", sc[i]->name, sc[j]->path);
        if (precision && strcmp(sc[i]->sampler, "lhs") == 0)
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

/* ---- precision control ------------------------------------------------------------------ */

/* Running sums of the last year of every metric with a target, taken in replication order.
 * Blocks may come in any order (MPI ranks): each batch's values are kept by replication and
 * summed in order once the batch is complete, so the decision is the same for any split. */
typedef struct precision_sink {
    const run_sink *inner;
    size_t n, n_targets, row_len, last;
    const scenario_target *targets;
    int *direction;
    double *sum, *sumsq;
    size_t *met;
    size_t batch_first, batch_n;
    double *x;                 /* [target x batch]: the batch's last-year values */
} precision_sink;

static int precision_block(void *ctx, const scenario *sc, const run_block *b, phx_err *e)
{
    precision_sink *p = ctx;
    for (size_t i = 0; i < b->n; i++)
        for (size_t t = 0; t < p->n_targets; t++)
            p->x[t * p->batch_n + b->first - p->batch_first + i] =
                b->rows[i * p->row_len + (size_t)p->targets[t].metric * (size_t)sc->n_years + p->last];
    return p->inner->block(p->inner->ctx, sc, b, e);
}

/* Add the finished batch to the sums, in replication order. */
static void precision_add_batch(precision_sink *p)
{
    for (size_t i = 0; i < p->batch_n; i++)
        for (size_t t = 0; t < p->n_targets; t++) {
            double x = p->x[t * p->batch_n + i];
            p->sum[t] += x;
            p->sumsq[t] += x * x;
            p->met[t] += p->direction[t] > 0 ? x >= p->targets[t].value : x <= p->targets[t].value;
        }
    p->n += p->batch_n;
}

/* Has every target metric reached the precision: 95% half-width of the mean below rel x |mean|
 * and half-width of the Wilson interval of P(target met) below rel? */
static int precision_reached(const precision_sink *p, double rel)
{
    double z = 1.959963984540054, n = (double)p->n;
    for (size_t t = 0; t < p->n_targets; t++) {
        double mean = p->sum[t] / n;
        double var = n > 1 ? fmax(0, (p->sumsq[t] - n * mean * mean) / (n - 1)) : INFINITY;
        double lo, hi;
        stats_wilson(p->met[t], p->n, 0.95, &lo, &hi);
        if (z * sqrt(var / n) > rel * fabs(mean) || (hi - lo) / 2 > rel)
            return 0;
    }
    return 1;
}

/* Run `sc` in batches until the precision is reached or max_reps; returns the count in *n_done. */
static int run_precision(const scenario *sc, const void *shared, const run_options *ro,
                         const run_sink *sink, const run_args *a, size_t *n_done, int *reached,
                         phx_err *e)
{
    size_t nt = sc->n_targets;
    precision_sink p = { sink, 0, nt, sc->model->n_metrics * (size_t)sc->n_years,
                         (size_t)sc->n_years - 1, sc->targets, NULL, NULL, NULL, NULL, 0, 0, NULL };
    p.direction = phx_calloc(nt ? nt : 1, sizeof *p.direction);
    p.sum = phx_calloc(nt ? nt : 1, sizeof *p.sum);
    p.sumsq = phx_calloc(nt ? nt : 1, sizeof *p.sumsq);
    p.met = phx_calloc(nt ? nt : 1, sizeof *p.met);
    p.x = phx_calloc((nt ? nt : 1) * (size_t)a->batch, sizeof *p.x);
    for (size_t t = 0; t < nt; t++)
        p.direction[t] = sc->model->metrics[sc->targets[t].metric].direction;
    run_sink ps = { &p, precision_block };
    int st = PHX_OK;
    *reached = 0;
    while (st == PHX_OK && p.n < (size_t)a->max_reps && !*reached) {
        size_t nb = (size_t)a->batch;
        if (p.n + nb > (size_t)a->max_reps)
            nb = (size_t)a->max_reps - p.n;
        p.batch_first = p.n;
        p.batch_n = nb;
        st = cluster_run(sc, shared, p.n, nb, ro, &ps, e);
        if (st != PHX_OK)
            break;
        precision_add_batch(&p);               /* rank 0 has the values; it decides for all */
        *reached = precision_reached(&p, a->precision);
        cluster_bcast_int(reached);
    }
    *n_done = p.n;
    free(p.direction);
    free(p.sum);
    free(p.sumsq);
    free(p.met);
    free(p.x);
    return st;
}

/* ---- running a set of scenarios into one file ----------------------------------------- */

/* Run every scenario in turn into `w`, then compare each with the first. With --precision the
 * first scenario's stopping point sets the replication count of all (so they stay paired).
 * Under MPI every rank runs this, in step (the same collective calls in the same order, the
 * loop ruled by agreed statuses); only rank 0 writes: `w` is NULL on the others. */
static int run_set(scenario **sc, size_t n, const run_args *a, const posterior *post, h5_writer *w,
                   phx_err *e)
{
    int st = PHX_OK;
    for (size_t i = 0; st == PHX_OK && i < n; i++) {
        void *shared = NULL;
        run_options ro = { .threads = (int)a->o.threads, .block = (size_t)a->o.block,
                           .progress = !a->o.quiet && isatty(STDERR_FILENO) };
        sampler_parse(sc[i]->sampler, &ro.sampler);
        if (!a->o.quiet && n > 1)
            fprintf(stderr, "phoenix: scenario %zu of %zu: %s\n", i + 1, n, sc[i]->name);
        st = sc[i]->model->prepare(sc[i], &shared, e);
        posterior_design *pd = NULL;     /* --posterior: engine/posterior.h */
        if (st == PHX_OK && post != NULL)
            st = posterior_design_alloc(&pd, post, sc[i], ro.sampler, (size_t)sc[i]->replications, e);
        ro.design = posterior_design_get(pd);
        if (st == PHX_OK && w != NULL)
            st = h5_writer_begin_scenario(w, sc[i], a->precision > 0 && i == 0 ? (size_t)a->batch
                                                                             : (size_t)sc[i]->replications, e);
        if (st == PHX_OK && w != NULL && post != NULL)
            st = h5_writer_scenario_attr_str(w, "posterior", post->source, e);
        st = cluster_agree(st, e);
        run_sink sink = h5_writer_sink(w);
        if (st == PHX_OK && a->precision > 0 && i == 0) {
            size_t done;
            int reached;
            st = run_precision(sc[0], shared, &ro, &sink, a, &done, &reached, e);
            for (size_t j = 0; st == PHX_OK && j < n; j++)
                sc[j]->replications = (long)done;
            if (st == PHX_OK && w != NULL)
                st = h5_writer_scenario_attr(w, "precision_rel", a->precision, e);
            if (st == PHX_OK && w != NULL)
                st = h5_writer_scenario_attr(w, "precision_reached", reached, e);
            if (st == PHX_OK && w != NULL)
                st = h5_writer_scenario_attr(w, "precision_batch", (double)a->batch, e);
            if (st == PHX_OK && !a->o.quiet)
                fprintf(stderr, "phoenix: %s after %zu replications (--precision %g)\n",
                        reached ? "precision reached" : "precision NOT reached", done, a->precision);
        } else if (st == PHX_OK) {
            st = cluster_run(sc[i], shared, 0, (size_t)sc[i]->replications, &ro, &sink, e);
        }
        if (st == PHX_OK && w != NULL)
            st = h5_writer_end_scenario(w, e);
        st = cluster_agree(st, e);
        if (shared)
            sc[i]->model->shared_free(shared);
        posterior_design_free(pd);
    }
    for (size_t i = 1; st == PHX_OK && w != NULL && i < n; i++)
        st = h5_writer_compare(w, sc[0], sc[i], e);
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

static int run_and_write(scenario **sc, size_t n, const run_args *a, const char *command_line,
                         const sweep_grid *grid)
{
    int print_summary = grid == NULL;
    phx_err e = { 0 };
    h5_writer *w = NULL;
    int st = check_comparable(sc, n, a->precision > 0, &e);
    posterior *post = NULL;
    if (st == PHX_OK && a->posterior != NULL)
        st = calibration_posterior_load(a->posterior, &post, &e);
    if (st == PHX_OK && cluster_rank() == 0)   /* under MPI rank 0 writes (docs/output.md) */
        st = h5_writer_open(&w, a->o.out, a->o.force, command_line, sc[0]->seed, &e);
    if (st == PHX_OK && w != NULL)
        guard_temp_file(h5_writer_temp_path(w));
    st = cluster_agree(st, &e);
    if (st == PHX_OK)
        st = run_set(sc, n, a, post, w, &e);
    if (st == PHX_OK && grid && w != NULL)
        st = h5_writer_sweep(w, sc, n, grid->keys, grid->n_keys, grid->values, &e);
    if (st == PHX_OK && w != NULL) {
        st = h5_writer_commit(w, &e);
        w = NULL;
    }
    h5_writer_abort(w);
    posterior_free(post);
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

/* Split "v1,v2,..." at commas outside parentheses (distributions have commas inside). */
static int split_values(char *s, char **v, int max)
{
    int n = 0, depth = 0;
    char *start = s;
    for (char *p = s;; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')' && depth > 0)
            depth--;
        if (*p == '\0' || (*p == ',' && depth == 0)) {
            int end = *p == '\0';
            *p = '\0';
            if (n == max)
                return -1;
            v[n++] = phx_trim(start);
            if (end)
                break;
            start = p + 1;
        }
    }
    return n;
}

int cli_sweep(int argc, char **argv, const char *command_line)
{
    run_args a;
    int st = agree_args(parse_args(argc, argv, 1, &a), &a);
    if (st != PHX_OK)
        return st;
    enum { MAXV = 64 };
    const char *key[MAX_VARY];
    char *val[MAX_VARY][MAXV];
    int nval[MAX_VARY];
    size_t points = 1;
    for (int k = 0; k < a.n_vary; k++) {
        char *eq = strchr(a.vary[k], '=');
        if (eq == NULL || eq == a.vary[k] || strchr(a.vary[k], '.') == NULL || strchr(a.vary[k], '.') > eq)
            return cli_usage_error("--vary '%s': expected section.key=v1,v2,...", a.vary[k]);
        *eq = '\0';
        key[k] = a.vary[k];
        nval[k] = split_values(eq + 1, val[k], MAXV);
        if (nval[k] <= 0)
            return cli_usage_error("--vary %s: expected 1 to 64 comma-separated values", key[k]);
        for (int i = 0; i < nval[k]; i++)
            if (val[k][i][0] == '\0')
                return cli_usage_error("--vary %s: an empty value", key[k]);
        points *= (size_t)nval[k];
        if (points > MAX_SCENARIOS)
            return cli_usage_error("the grid has more than %s points", "4096");
    }
    scenario **sc = phx_calloc(points, sizeof *sc);
    char **names = phx_calloc(points, sizeof *names);
    phx_err e = { 0 };
    scenario *base = NULL;
    st = scenario_load(&base, a.files[0], models_all, models_n, a.o.ov, a.o.n_ov, &e);
    for (size_t p = 0; st == PHX_OK && p < points; p++) {
        scenario_override ov[CLI_MAX_OVERRIDES + MAX_VARY + 1];
        memcpy(ov, a.o.ov, a.o.n_ov * sizeof *ov);
        size_t n_ov = a.o.n_ov, rest = p;
        for (int k = a.n_vary - 1; k >= 0; k--) {       /* last lever varies fastest */
            ov[n_ov++] = (scenario_override){ "--vary", key[k], val[k][rest % (size_t)nval[k]] };
            rest /= (size_t)nval[k];
        }
        names[p] = phx_malloc(strlen(base->name) + 16);
        sprintf(names[p], "%s@%03zu", base->name, p);
        ov[n_ov++] = (scenario_override){ "--vary", "scenario.name", names[p] };
        st = scenario_load(&sc[p], a.files[0], models_all, models_n, ov, n_ov, &e);
    }
    st = cluster_agree(st, &e);
    const char **grid_values = phx_calloc(points * (size_t)a.n_vary, sizeof *grid_values);
    for (size_t p = 0; p < points; p++) {
        size_t rest = p;
        for (int k = a.n_vary - 1; k >= 0; k--) {
            grid_values[p * (size_t)a.n_vary + (size_t)k] = val[k][rest % (size_t)nval[k]];
            rest /= (size_t)nval[k];
        }
    }
    if (st == PHX_OK && !a.o.quiet) {
        printf("sweep of %s: %zu points (each compared with point 0 in %s)\n", base->name, points, a.o.out);
        for (size_t p = 0; p < points; p++) {
            printf("  %s:", names[p]);
            for (int k = 0; k < a.n_vary; k++)
                printf(" %s=%s", key[k], grid_values[p * (size_t)a.n_vary + (size_t)k]);
            printf("\n");
        }
        printf("\n");
    }
    sweep_grid grid = { key, (size_t)a.n_vary, grid_values };
    st = st == PHX_OK ? run_and_write(sc, points, &a, command_line, &grid) : cli_report(&e);
    free(grid_values);
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
    return st;
}
