/* sensitivity.c -- the factors of a scenario, the shape every sensitivity method shares (design
 * rows, the sink that keeps their metrics, the bootstrap) and the results. The methods are in
 * saltelli.c, morris.c and tornado.c. */
#include "sens_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "rng.h"

int sens_method_parse(const char *name, sens_method *m)
{
    static const char *const names[] = { "sobol", "morris", "tornado" };
    for (int i = 0; i < 3; i++)
        if (strcmp(name, names[i]) == 0) {
            *m = (sens_method)i;
            return 0;
        }
    return -1;
}

const char *sens_method_name(sens_method m)
{
    return m == SENS_MORRIS ? "morris" : m == SENS_TORNADO ? "tornado" : "sobol";
}

/* ---- factors ------------------------------------------------------------------------------- */

/* Is any slot of parameter p a distribution? */
static int param_random(const scenario *sc, int p)
{
    for (size_t k = 0; k < sc->n_slots; k++)
        if (sc->slot_param[k] == p && sc->slot_random[k])
            return 1;
    return 0;
}

/* Append the slots of parameter p to factor f. */
static void factor_add_param(const scenario *sc, sens_factor *f, int p)
{
    for (size_t k = 0; k < sc->n_slots; k++)
        if (sc->slot_param[k] == p) {
            f->slots = phx_realloc(f->slots, (f->n_slots + 1) * sizeof *f->slots);
            f->slots[f->n_slots++] = k;
        }
}

/* group_of[p]: the group of parameter p, or -1. Checks keys and names. */
static int groups_check(const scenario *sc, const sens_group *g, size_t ng, int *group_of,
                        phx_err *e)
{
    for (size_t i = 0; i < ng; i++) {
        if (strcmp(g[i].name, "chance") == 0 || scenario_param(sc, g[i].name) >= 0 || g[i].n_keys == 0)
            return phx_fail(e, PHX_EINPUT, NULL, 0, "--group", "'%s': a group needs a new name "
                            "(not a key, not 'chance') and at least one key", g[i].name);
        for (size_t j = 0; j < i; j++)
            if (strcmp(g[i].name, g[j].name) == 0)
                return phx_fail(e, PHX_EINPUT, NULL, 0, "--group", "'%s' is named twice", g[i].name);
        for (size_t k = 0; k < g[i].n_keys; k++) {
            int p = scenario_param(sc, g[i].keys[k]);
            if (p < 0)
                return phx_fail(e, PHX_EINPUT, NULL, 0, "--group", "%s: unknown key '%s'",
                                g[i].name, g[i].keys[k]);
            if (!param_random(sc, p))
                return phx_fail(e, PHX_EINPUT, sc->path, 0, "--group", "%s: %s is not a distribution "
                                "in this scenario (give it one with --factor %s=DIST)", g[i].name,
                                g[i].keys[k], g[i].keys[k]);
            if (group_of[p] >= 0)
                return phx_fail(e, PHX_EINPUT, NULL, 0, "--group", "%s is in groups %s and %s",
                                g[i].keys[k], g[group_of[p]].name, g[i].name);
            group_of[p] = (int)i;
        }
    }
    return PHX_OK;
}

/* The constants of every slot (random slots get their first value; factors overwrite them). */
static double *base_theta(const scenario *sc)
{
    double *t = phx_malloc((sc->n_slots ? sc->n_slots : 1) * sizeof *t);
    for (size_t k = 0; k < sc->n_slots; k++) {
        const scenario_value *sv = &sc->values[sc->slot_param[k]];
        size_t y = k - sc->offset[sc->slot_param[k]];
        t[k] = sv->v[sv->n == 1 ? 0 : y].a;
    }
    return t;
}

int sens_factors_build(sens_factors **out, const scenario *sc, const sens_group *groups,
                       size_t n_groups, phx_err *e)
{
    size_t np = sc->model->n_params;
    int *group_of = phx_malloc((np ? np : 1) * sizeof *group_of);
    int *group_factor = phx_malloc((n_groups ? n_groups : 1) * sizeof *group_factor);
    for (size_t p = 0; p < np; p++)
        group_of[p] = -1;
    for (size_t g = 0; g < n_groups; g++)
        group_factor[g] = -1;
    int st = groups_check(sc, groups, n_groups, group_of, e);
    sens_factors *fs = phx_calloc(1, sizeof *fs);
    fs->sc = sc;
    fs->f = phx_calloc(np ? np : 1, sizeof *fs->f);
    for (size_t p = 0; st == PHX_OK && p < np; p++) {
        if (!param_random(sc, (int)p))
            continue;
        int g = group_of[p];
        if (g >= 0 && group_factor[g] >= 0) {
            factor_add_param(sc, &fs->f[group_factor[g]], (int)p);
            continue;
        }
        if (g >= 0)
            group_factor[g] = (int)fs->k;
        fs->f[fs->k].name = phx_strdup(g >= 0 ? groups[g].name : sc->model->params[p].name);
        factor_add_param(sc, &fs->f[fs->k++], (int)p);
    }
    if (st == PHX_OK && fs->k == 0)
        st = phx_fail(e, PHX_EINPUT, sc->path, 0, NULL, "no key of this scenario is a distribution: "
                      "nothing to analyse (give factors with --factor section.key=DIST)");
    free(group_of);
    free(group_factor);
    if (st != PHX_OK) {
        sens_factors_free(fs);
        return st;
    }
    fs->base = base_theta(sc);
    *out = fs;
    return PHX_OK;
}

void sens_factors_free(sens_factors *fs)
{
    if (fs == NULL)
        return;
    for (size_t i = 0; i < fs->k; i++) {
        free(fs->f[i].name);
        free(fs->f[i].slots);
    }
    free(fs->f);
    free(fs->base);
    free(fs);
}

void sens_factors_theta(const sens_factors *fs, const double *u, double *theta)
{
    const scenario *sc = fs->sc;
    memcpy(theta, fs->base, sc->n_slots * sizeof *theta);
    for (size_t i = 0; i < fs->k; i++)
        for (size_t j = 0; j < fs->f[i].n_slots; j++) {
            size_t k = fs->f[i].slots[j];
            const scenario_value *sv = &sc->values[sc->slot_param[k]];
            size_t y = k - sc->offset[sc->slot_param[k]];
            theta[k] = dist_quantile(&sv->v[sv->n == 1 ? 0 : y], u[i]);
        }
}

/* ---- the analysis -------------------------------------------------------------------------- */

static int options_set(sens *s, const sens_options *o, phx_err *e)
{
    const scenario *sc = s->sc;
    s->o = *o;
    if (s->o.N == 0)
        s->o.N = o->method == SENS_SOBOL ? 512 : o->method == SENS_MORRIS ? 64 : 1000;
    if (s->o.n_boot == 0)
        s->o.n_boot = 1000;
    if (!(s->o.level > 0 && s->o.level < 1))
        s->o.level = 0.95;
    if (s->o.levels == 0)
        s->o.levels = 4;
    if (o->year != 0 && (o->year < sc->year_first || o->year > sc->year_last))
        return phx_fail(e, PHX_EINPUT, sc->path, 0, "--year", "%d is outside the scenario's years "
                        "%d-%d", o->year, sc->year_first, sc->year_last);
    s->y0 = o->year ? o->year - sc->year_first : o->method == SENS_TORNADO ? sc->n_years - 1 : 0;
    s->n_year = o->year || o->method == SENS_TORNADO ? 1 : (size_t)sc->n_years;
    s->n_metric = o->metrics ? o->n_metrics : sc->model->n_metrics;
    s->metric = phx_malloc((s->n_metric ? s->n_metric : 1) * sizeof *s->metric);
    for (size_t m = 0; m < s->n_metric; m++)
        s->metric[m] = o->metrics ? o->metrics[m] : (int)m;
    s->n_cells = s->n_metric * s->n_year;
    return PHX_OK;
}

sens *sens_alloc(const sens_factors *fs, const sens_options *o, phx_err *e)
{
    sens *s = phx_calloc(1, sizeof *s);
    s->fs = fs;
    s->sc = fs->sc;
    int st = options_set(s, o, e);
    if (st == PHX_OK)
        st = o->method == SENS_SOBOL    ? sens_sobol_init(s, e)
             : o->method == SENS_MORRIS ? sens_morris_init(s, e)
                                        : sens_tornado_init(s, e);
    if (st != PHX_OK) {
        sens_free(s);
        return NULL;
    }
    s->rows = s->ops->rows(s);
    size_t n_y = s->n_cells * s->rows;
    s->y = phx_malloc((n_y > 0 ? n_y : 1) * sizeof *s->y);
    for (size_t i = 0; i < n_y; i++)
        s->y[i] = NAN;
    s->u = phx_malloc(fs->k * sizeof *s->u);
    return s;
}

void sens_free(sens *s)
{
    if (s == NULL)
        return;
    if (s->ops && s->ops->free)
        s->ops->free(s->state);
    free(s->metric);
    free(s->y);
    free(s->u);
    free(s);
}

size_t sens_rows(const sens *s)
{
    return s->rows;
}

static void design_fill(void *ctx, const scenario *sc, size_t first, size_t n, double *theta)
{
    sens *s = ctx;
    for (size_t i = 0; i < n; i++) {
        s->ops->unit(s, first + i, s->u);
        sens_factors_theta(s->fs, s->u, theta + i * sc->n_slots);
    }
}

static uint32_t design_stream(void *ctx, size_t i)
{
    const sens *s = ctx;
    return s->ops->stream(s, i);
}

static int sink_block(void *ctx, const scenario *sc, const run_block *b, phx_err *e)
{
    sens *s = ctx;
    size_t row_len = sc->model->n_metrics * (size_t)sc->n_years;
    for (size_t i = 0; i < b->n; i++)
        for (size_t m = 0; m < s->n_metric; m++)
            for (size_t y = 0; y < s->n_year; y++)
                s->y[(m * s->n_year + y) * s->rows + b->first + i] =
                    b->rows[i * row_len + (size_t)s->metric[m] * (size_t)sc->n_years + (size_t)s->y0 + y];
    return PHX_OK;
}

run_design sens_design(sens *s)
{
    return (run_design){ s, design_fill, design_stream };
}

run_sink sens_sink(sens *s)
{
    return (run_sink){ s, sink_block };
}

int sens_run(sens *s, const void *shared, const run_options *ro, sens_runner run, phx_err *e)
{
    run_design d = sens_design(s);
    run_sink k = sens_sink(s);
    run_options o = *ro;
    o.design = &d;
    return (run ? run : run_replications)(s->sc, shared, 0, s->rows, &o, &k, e);
}

/* ---- bootstrap ----------------------------------------------------------------------------- */

void sens_resample(const sens *s, gsl_rng *r, size_t b, size_t n, size_t *idx)
{
    rng_address(r, s->sc->seed, SENS_STREAM, SENS_PURPOSE_BOOT, (uint32_t)b, 0);
    for (size_t j = 0; j < n; j++)
        idx[j] = (size_t)gsl_rng_uniform_int(r, n);
}

void sens_percentile(double *x, size_t n, double level, double *lo, double *hi)
{
    for (size_t i = 0; i < n; i++)
        if (isnan(x[i])) {
            *lo = *hi = NAN;
            return;
        }
    gsl_sort(x, 1, n);
    *lo = n ? gsl_stats_quantile_from_sorted_data(x, 1, n, (1 - level) / 2) : NAN;
    *hi = n ? gsl_stats_quantile_from_sorted_data(x, 1, n, (1 + level) / 2) : NAN;
}

/* ---- results ------------------------------------------------------------------------------- */

static double *nan_array(size_t n)
{
    double *a = phx_malloc((n ? n : 1) * sizeof *a);
    for (size_t i = 0; i < n; i++)
        a[i] = NAN;
    return a;
}

static sens_result *result_new(const sens *s)
{
    const scenario *sc = s->sc;
    sens_result *r = phx_calloc(1, sizeof *r);
    r->method = s->o.method;
    r->N = s->o.N;
    r->seed = sc->seed;
    r->n_boot = s->o.n_boot;
    r->level = s->o.level;
    r->scenario = sc->name;
    r->n_metric = s->n_metric;
    r->n_year = s->n_year;
    r->n_factor = s->fs->k + s->ops->extra_factors;
    r->rows = s->rows;
    r->second_order = s->o.method == SENS_SOBOL && s->o.second_order;
    r->year_chosen = s->o.year ? s->o.year : s->o.method == SENS_TORNADO ? sc->year_last : 0;
    r->metric = phx_malloc((r->n_metric ? r->n_metric : 1) * sizeof *r->metric);
    memcpy(r->metric, s->metric, r->n_metric * sizeof *r->metric);
    r->year = phx_malloc(r->n_year * sizeof *r->year);
    for (size_t y = 0; y < r->n_year; y++)
        r->year[y] = (int32_t)(sc->year_first + s->y0 + (int)y);
    r->factor = phx_calloc(r->n_factor, sizeof *r->factor);
    for (size_t i = 0; i < r->n_factor; i++)
        r->factor[i] = phx_strdup(i < s->fs->k ? s->fs->f[i].name : "chance");
    return r;
}

static void result_arrays(sens_result *r)
{
    size_t n = r->n_metric * r->n_year * r->n_factor;
    double **sobol[] = { &r->S1, &r->S1_lower, &r->S1_upper, &r->ST, &r->ST_lower, &r->ST_upper };
    double **morris[] = { &r->mu_star, &r->mu_star_lower, &r->mu_star_upper, &r->sigma, &r->mu };
    double **tornado[] = { &r->low, &r->high, &r->swing, &r->p_low, &r->p_high, &r->p_swing };
    if (r->method == SENS_SOBOL) {
        for (size_t i = 0; i < 6; i++)
            *sobol[i] = nan_array(n);
        r->variance = nan_array(r->n_metric * r->n_year);
        if (r->second_order) {
            r->S2 = nan_array(n * r->n_factor);
            r->S2_lower = nan_array(n * r->n_factor);
            r->S2_upper = nan_array(n * r->n_factor);
        }
    } else if (r->method == SENS_MORRIS) {
        for (size_t i = 0; i < 5; i++)
            *morris[i] = nan_array(n);
    } else {
        for (size_t i = 0; i < 6; i++)
            *tornado[i] = nan_array(n);
        r->base = nan_array(r->n_metric);
        r->p_base = nan_array(r->n_metric);
    }
}

sens_result *sens_estimate(const sens *s, int threads)
{
    sens_result *r = result_new(s);
    result_arrays(r);
    s->ops->estimate(s, r, threads);
    return r;
}

void sens_result_free(sens_result *r)
{
    if (r == NULL)
        return;
    double *a[] = { r->S1, r->S1_lower, r->S1_upper, r->ST, r->ST_lower, r->ST_upper, r->variance,
                    r->S2, r->S2_lower, r->S2_upper,
                    r->mu_star, r->mu_star_lower, r->mu_star_upper, r->sigma, r->mu, r->low,
                    r->high, r->swing, r->p_low, r->p_high, r->p_swing, r->base, r->p_base };
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++)
        free(a[i]);
    for (size_t i = 0; i < r->n_factor; i++)
        free(r->factor[i]);
    free(r->factor);
    free(r->metric);
    free(r->year);
    free(r);
}
