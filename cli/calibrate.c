/* calibrate.c -- `phoenix calibrate SCENARIO.ini --observed FILE.csv`: parse, call the
 * library (engine/abc.c, engine/posterior.c, output/calibration.c) and print. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../engine/abc.h"
#include "../engine/layout.h"
#include "../engine/observed.h"
#include "../engine/posterior.h"
#include "../models/models.h"
#include "../output/calibration.h"
#include "../output/h5.h"
#include "cli.h"

typedef struct cal_args {
    cli_opts o;
    const char *observed, *file;
    abc_settings s;
} cal_args;

static int parse_double_opt(const char *opt, const char *arg, double lo, double *out)
{
    if (phx_parse_double(arg, out) || !(*out >= lo)) {
        fprintf(stderr, "phoenix: %s: '%s' is not a number >= %g\n", opt, arg, lo);
        return PHX_EINPUT;
    }
    return PHX_OK;
}

static int parse_args(int argc, char **argv, cal_args *a)
{
    static const struct option opts[] = {
        CLI_SHARED_OPTIONS,
        { "observed", required_argument, NULL, 'O' }, { "particles", required_argument, NULL, 'N' },
        { "generations", required_argument, NULL, 'G' },
        { "tolerance-final", required_argument, NULL, 'E' },
        { "quantile", required_argument, NULL, 'A' },
        { "min-acceptance", required_argument, NULL, 'C' }, { NULL, 0, NULL, 0 }
    };
    memset(a, 0, sizeof *a);
    abc_settings_default(&a->s);
    a->o.out = "posterior.h5";
    long v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:n:", opts, NULL)) != -1) {
        int shared = cli_shared_option(c, optarg, &a->o);
        if (shared < 0)
            return PHX_EINPUT;
        if (shared > 0)
            continue;
        int st = PHX_OK;
        switch (c) {
        case 'O': a->observed = optarg; break;
        case 'N': st = cli_positive_long("--particles", optarg, &v); a->s.particles = (size_t)v; break;
        case 'G': st = cli_positive_long("--generations", optarg, &v); a->s.max_generations = (int)v; break;
        case 'E': st = parse_double_opt("--tolerance-final", optarg, 0, &a->s.tolerance_final); break;
        case 'A': st = parse_double_opt("--quantile", optarg, 0, &a->s.quantile); break;
        case 'C': st = parse_double_opt("--min-acceptance", optarg, 0, &a->s.min_acceptance); break;
        default: return cli_usage_error("%s: bad option", "calibrate");
        }
        if (st != PHX_OK)
            return st;
    }
    if (optind + 1 != argc)
        return cli_usage_error("calibrate takes one scenario file, got %s", optind == argc ? "none" : "several");
    a->file = argv[optind];
    if (a->observed == NULL)
        return cli_usage_error("calibrate needs --observed FILE.csv%s", "");
    if (!a->o.force && cli_file_exists(a->o.out)) {
        fprintf(stderr, "phoenix: %s: exists; use --force to overwrite\n", a->o.out);
        return PHX_EINPUT;
    }
    a->s.threads = (int)a->o.threads;
    a->s.block = (size_t)a->o.block;
    return PHX_OK;
}

static void print_observed(const observed *obs, const scenario *sc)
{
    for (size_t i = 0; i < obs->n; i++)
        if (obs->obs[i].year_index < 0)
            fprintf(stderr, "phoenix: %s:%d: %s %d is outside the scenario's years %d-%d: not used\n",
                    obs->path, obs->obs[i].line, sc->model->metrics[obs->obs[i].metric].name,
                    obs->obs[i].year, sc->year_first, sc->year_last);
}

static void print_generation(const abc *a, size_t g)
{
    const abc_generation *x = abc_generation_at(a, g);
    fprintf(stderr, "phoenix: generation %zu: tolerance %-9.4g acceptance %.3f (%zu simulations)  "
            "ESS %.0f\n", g, x->tolerance, x->acceptance_rate, x->n_simulations, x->ess);
}

static void print_posterior(const abc *a, const scenario *sc, const posterior *p)
{
    printf("\n posterior (%zu particles, generation %zu, tolerance %.4g)\n", p->n,
           abc_n_generations(a) - 1, abc_generation_at(a, abc_n_generations(a) - 1)->tolerance);
    printf("  %-34s  %-30s  %21s  %10s  %21s\n", "parameter", "prior", "prior 90%", "post. mean",
           "posterior 90%");
    for (size_t d = 0; d < p->n_dim; d++) {
        size_t k = abc_dim_slots(a)[d];
        const scenario_value *sv = &sc->values[sc->slot_param[k]];
        const dist *pd = layout_slot_dist(sc, k);
        char text[128];
        if (sv->n == 1)                       /* as the user wrote it */
            snprintf(text, sizeof text, "%s", sv->text);
        else
            dist_format(pd, text, sizeof text);
        double mean, sd, q[3];
        posterior_summary(p, d, &mean, &sd, q);
        printf("  %-34s  %-30.30s  %9.4g – %-9.4g  %10.4g  %9.4g – %-9.4g\n", p->names[d], text,
               dist_quantile(pd, 0.05), dist_quantile(pd, 0.95), mean, q[0], q[2]);
    }
}

static void print_check(const abc *a, const scenario *sc, const predictive_check *c)
{
    printf("\n posterior predictive check (%zu replications)\n", c->n_rep);
    printf("  %-32s  %10s  %8s  %21s  %10s  %21s  %8s\n", "observation", "observed", "sd",
           "prior 90%", "median", "posterior 90%", "P(<=obs)");
    for (size_t o = 0; o < c->n_obs; o++) {
        const observation *ob = abc_obs_at(a, o);
        const double *q = c->q + o * STATS_NQ, *pq = c->prior_q + o * STATS_NQ;
        char name[96];
        snprintf(name, sizeof name, "%s[%d]", sc->model->metrics[ob->metric].name, ob->year);
        printf("  %-32s  %10.5g  %8.4g  %9.5g – %-9.5g  %10.5g  %9.5g – %-9.5g  %8.3f\n", name,
               ob->value, ob->sd, pq[0], pq[STATS_NQ - 1], q[3], q[0], q[STATS_NQ - 1], c->p_below[o]);
    }
}

/* The generations, then the predictive run and /calibration into the results file. */
static int calibrate_and_write(const cal_args *ca, const scenario *sc, const void *shared,
                               const observed *obs, const char *command_line, phx_err *e)
{
    abc *a = abc_alloc(sc, shared, obs, &ca->s, e);
    if (a == NULL)
        return e->status;
    h5_writer *w = NULL;            /* opened first: a bad -o fails before the simulations */
    int st = h5_writer_open(&w, ca->o.out, ca->o.force, command_line, sc->seed, e);
    if (st != PHX_OK) {
        abc_free(a);
        return st;
    }
    cli_output_guard(w);
    if (!ca->o.quiet)
        print_observed(obs, sc);
    while (st == PHX_OK && abc_test(a) == ABC_CONTINUE) {
        size_t before = abc_n_generations(a);
        st = abc_iterate(a, e);
        if (st == PHX_OK && !ca->o.quiet && abc_n_generations(a) > before)
            print_generation(a, before);
    }
    if (st == PHX_OK && !ca->o.quiet)
        fprintf(stderr, "phoenix: stopped: %s\n", abc_stop_text(abc_stop_reason(a)));
    posterior *p = st == PHX_OK ? posterior_from_abc(a, sc, ca->o.out, e) : NULL;
    if (st == PHX_OK && p == NULL)
        st = e->status;
    predictive_check chk = { 0 };
    if (st == PHX_OK)
        st = h5_writer_begin_scenario(w, sc, (size_t)sc->replications, e);
    if (st == PHX_OK) {
        run_options ro = { .threads = ca->s.threads, .block = ca->s.block };
        st = posterior_predictive(a, p, sc, shared, (size_t)sc->replications, &ro, h5_writer_sink(w),
                                  &chk, e);
    }
    if (st == PHX_OK)
        st = h5_writer_scenario_attr_str(w, "posterior", "drawn from /calibration of this file", e);
    if (st == PHX_OK)
        st = h5_writer_end_scenario(w, e);
    if (st == PHX_OK)
        st = h5_writer_calibration(w, sc, a, obs, &ca->s, &chk, e);
    st = cli_output_finish(w, st, e);
    if (st == PHX_OK && !ca->o.quiet) {
        print_posterior(a, sc, p);
        print_check(a, sc, &chk);
        printf("\nposterior: %s (/calibration; the predictive run in /scenarios/%s)\n", ca->o.out,
               sc->name);
    }
    predictive_check_free(&chk);
    posterior_free(p);
    abc_free(a);
    return st;
}

int cli_calibrate(int argc, char **argv, const char *command_line)
{
    cal_args ca;
    int st = parse_args(argc, argv, &ca);
    if (st != PHX_OK)
        return st;
    phx_err e = { 0 };
    scenario *sc = NULL;
    observed *obs = NULL;
    void *shared = NULL;
    st = scenario_load(&sc, ca.file, models_all, models_n, ca.o.ov, ca.o.n_ov, &e);
    if (st == PHX_OK)
        st = observed_load(ca.observed, sc, &obs, &e);
    if (st == PHX_OK)
        st = sc->model->prepare(sc, &shared, &e);
    if (st == PHX_OK)
        st = calibrate_and_write(&ca, sc, shared, obs, command_line, &e);
    if (shared)
        sc->model->shared_free(shared);
    observed_free(obs);
    scenario_free(sc);
    return st == PHX_OK ? PHX_OK : cli_report(&e);
}
