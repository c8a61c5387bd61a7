/* load.c -- scenarios as the command line asks for them: the overrides of every scenario, the
 * --set NAME:key=value of one, and the progress mode of a run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../engine/cluster.h"
#include "../engine/tempguard.h"
#include "../models/models.h"
#include "../output/h5.h"
#include "cli.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void cli_clock_start(cli_clock *c)
{
    *c = (cli_clock){ .t0 = now_seconds() };
}

void cli_clock_add(cli_clock *c, const scenario *sc, const void *shared, size_t reps)
{
    c->replications += (double)reps;
    if (sc->model->n_entities == NULL || shared == NULL)
        return;
    c->entity = sc->model->entity ? sc->model->entity : "entity";
    c->entity_years += (double)reps * (double)sc->n_years * (double)sc->model->n_entities(shared);
}

void cli_clock_print(const cli_clock *c)
{
    double dt = now_seconds() - c->t0;
    double rate = dt > 0 ? c->replications / dt : 0;
    fprintf(stderr, "phoenix: %.0f replications in %.2f s: %.3g replications/s", c->replications,
            dt, rate);
    if (c->entity != NULL)
        fprintf(stderr, ", %.3g %s-years/s", dt > 0 ? c->entity_years / dt : 0, c->entity);
    fputc('\n', stderr);
}

int cli_output_free_after(const char *path, int force, scenario *const *sc, size_t n, phx_err *e)
{
    if (cli_output_free(path, force, e) == PHX_OK)
        return PHX_OK;
    phx_err in = { 0 };
    for (size_t i = 0; i < n; i++) {           /* the error path only: the run prepares again */
        void *shared = NULL;
        int st = sc[i]->model->prepare(sc[i], &shared, &in);
        if (shared)
            sc[i]->model->shared_free(shared);
        if (st != PHX_OK) {
            *e = in;
            return st;
        }
    }
    return e->status;
}

int cli_progress_mode(int quiet)
{
    if (quiet)
        return 0;
    return isatty(STDERR_FILENO) ? 1 : 2;
}

static int has_targets(const cli_opts *o)
{
    for (size_t i = 0; i < o->n_ov; i++)
        if (o->target[i] != NULL)
            return 1;
    return 0;
}

/* The scenario's name before any --set renames it: loaded with the other options only. */
static int plain_name(const char *file, const cli_opts *o, char **name, phx_err *e)
{
    scenario_override ov[CLI_MAX_OVERRIDES + 2];
    size_t n = 0;
    for (size_t i = 0; i < o->n_ov; i++)
        if (o->target[i] == NULL && strcmp(o->ov[i].origin, "--set") != 0)
            ov[n++] = o->ov[i];
    scenario *sc = NULL;
    int st = scenario_load(&sc, file, models_all, models_n, ov, n, e);
    if (st == PHX_OK)
        *name = phx_strdup(sc->name);
    scenario_free(sc);
    return st;
}

int cli_load(const char *file, const cli_opts *o, unsigned char *used, scenario **sc, phx_err *e)
{
    if (!has_targets(o))
        return scenario_load(sc, file, models_all, models_n, o->ov, o->n_ov, e);
    char *name = NULL;
    int st = plain_name(file, o, &name, e);
    if (st != PHX_OK)
        return st;
    scenario_override ov[CLI_MAX_OVERRIDES + 2];
    size_t n = 0;
    for (size_t i = 0; i < o->n_ov; i++) {
        int mine = o->target[i] != NULL && strcmp(o->target[i], name) == 0;
        if (o->target[i] == NULL || mine)
            ov[n++] = o->ov[i];
        if (mine && used != NULL)
            used[i] = 1;
    }
    free(name);
    return scenario_load(sc, file, models_all, models_n, ov, n, e);
}

/* "a, b, c" of the scenarios' names (at most `cap` bytes). */
static void list_names(scenario *const *sc, size_t n, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n && strlen(buf) + 8 < cap; i++)
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", i ? ", " : "", sc[i]->name);
}

int cli_check_targets(const cli_opts *o, const unsigned char *used, scenario *const *sc, size_t n,
                      phx_err *e)
{
    char names[512];
    list_names(sc, n, names, sizeof names);
    for (size_t i = 0; i < o->n_ov; i++) {
        if (o->target[i] != NULL && (used == NULL || !used[i]))
            return phx_fail(e, PHX_EINPUT, NULL, 0, NULL,
                            "--set %s:%s=%s: no scenario is named '%s' (the scenarios: %s)",
                            o->target[i], o->ov[i].key, o->ov[i].value, o->target[i], names);
        if (o->target[i] == NULL && n > 1 && strcmp(o->ov[i].origin, "--set") == 0 &&
            cluster_rank() == 0)
            fprintf(stderr, "phoenix: warning: --set %s=%s applies to all %zu scenarios (%s); "
                    "--set NAME:%s=%s sets it in one\n", o->ov[i].key, o->ov[i].value, n, names,
                    o->ov[i].key, o->ov[i].value);
    }
    return PHX_OK;
}

int cli_single_target(const char *file, cli_opts *o, phx_err *e)
{
    if (!has_targets(o))
        return PHX_OK;
    unsigned char used[CLI_MAX_OVERRIDES + 2] = { 0 };
    scenario *sc = NULL;
    int st = cli_load(file, o, used, &sc, e);
    if (st == PHX_OK)
        st = cli_check_targets(o, used, &sc, 1, e);
    scenario_free(sc);
    for (size_t i = 0; st == PHX_OK && i < o->n_ov; i++)
        o->target[i] = NULL;
    return st;
}

void cli_output_guard(h5_writer *w)
{
    if (w != NULL)
        tempguard_set(h5_writer_temp_path(w));
}

int cli_output_finish(h5_writer *w, int st, phx_err *e)
{
    if (st == PHX_OK && w != NULL)
        st = h5_writer_commit(w, e);          /* consumes w, committed or not */
    else
        h5_writer_abort(w);
    tempguard_set(NULL);
    return st;
}
