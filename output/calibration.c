/* calibration.c -- /calibration: writer and posterior reader (docs/output.md). */
#include "calibration.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "h5util.h"
#include "h5w.h"

/* A fixed-size numeric dataset `name` [dims] in `g` (memory and file type from `mtype`),
 * attached to `scales` (NULL: none; a scale itself when `scale_name`), with a long_name. */
static int cw_dataset(const h5_writer *w, hid_t g, const char *name, int rank, const hsize_t *dims,
                      hid_t mtype, const void *data, const hid_t *scales, const char *long_name,
                      phx_err *e)
{
    hid_t space = H5Screate_simple(rank, dims, NULL), d = -1;
    hid_t ftype = H5Tequal(mtype, H5T_NATIVE_DOUBLE) > 0 ? H5T_IEEE_F64LE
                  : H5Tequal(mtype, H5T_NATIVE_INT32) > 0 ? H5T_STD_I32LE : H5T_STD_I64LE;
    int st = PHX_OK;
    if (space < 0 || (d = H5Dcreate2(g, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        st = h5u_fail(e, w->path, "cannot write calibration/%s", name);
    if (st == PHX_OK && scales == NULL && H5DSset_scale(d, name) < 0)
        st = h5u_fail(e, w->path, "cannot make calibration/%s a dimension scale", name);
    if (st == PHX_OK && scales != NULL)
        st = h5w_attach(w, d, name, scales, rank, e);
    if (st == PHX_OK && long_name)
        st = h5u_attr_str(d, "long_name", long_name, w->path, e);
    h5u_close(space);
    if (st != PHX_OK)
        h5u_close(d);
    else if (h5u_close_ok(d) < 0)
        st = h5u_fail(e, w->path, "cannot close calibration/%s", name);
    return st;
}

/* A 1-D string dataset `name` [n] in `g`, attached to `scale`. */
static int cw_strings(const h5_writer *w, hid_t g, const char *name, const char *const *v,
                      size_t n, hid_t scale, const char *long_name, phx_err *e)
{
    hsize_t dim = n;
    hid_t t = h5u_vlen_str_type(), space = H5Screate_simple(1, &dim, NULL), d = -1;
    int st = PHX_OK;
    if (t < 0 || space < 0 || (d = H5Dcreate2(g, name, t, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        (n > 0 && H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0))
        st = h5u_fail(e, w->path, "cannot write calibration/%s", name);
    if (st == PHX_OK)
        st = h5w_attach(w, d, name, &scale, 1, e);
    if (st == PHX_OK)
        st = h5u_attr_str(d, "long_name", long_name, w->path, e);
    h5u_close(t);
    h5u_close(space);
    h5u_close(d);
    return st;
}

/* Scales: generation, particle, parameter, observation, quantile (ids in sc[0..4]). */
static int cw_scales(const h5_writer *w, hid_t g, const scenario *sc, const abc *a, hid_t s[5],
                     char ***obs_names, phx_err *e)
{
    size_t G = abc_n_generations(a), N = abc_generation_at(a, 0)->n, D = abc_n_dim(a), O = abc_n_obs(a);
    int32_t *gen = phx_malloc(G * sizeof *gen);
    int64_t *part = phx_malloc(N * sizeof *part);
    for (size_t i = 0; i < G; i++)
        gen[i] = (int32_t)i;
    for (size_t i = 0; i < N; i++)
        part[i] = (int64_t)i;
    const char **pn = phx_calloc(D, sizeof *pn);
    for (size_t d = 0; d < D; d++)
        pn[d] = sc->slot_names[abc_dim_slots(a)[d]];
    char **on = phx_calloc(O + 1, sizeof *on);
    for (size_t o = 0; o < O; o++) {
        const observation *ob = abc_obs_at(a, o);
        on[o] = phx_malloc(strlen(sc->model->metrics[ob->metric].name) + 16);
        sprintf(on[o], "%s[%d]", sc->model->metrics[ob->metric].name, ob->year);
    }
    *obs_names = on;
    hsize_t dg = G, dn = N, dq = STATS_NQ;
    int st = cw_dataset(w, g, "generation", 1, &dg, H5T_NATIVE_INT32, gen, NULL, NULL, e);
    if (st == PHX_OK)
        st = cw_dataset(w, g, "particle", 1, &dn, H5T_NATIVE_INT64, part, NULL, NULL, e);
    if (st == PHX_OK)
        st = cw_dataset(w, g, "quantile", 1, &dq, H5T_NATIVE_DOUBLE, stats_q_levels, NULL, NULL, e);
    if (st == PHX_OK && ((s[2] = h5w_scale_names(w, g, "parameter", pn, D, e)) < 0 ||
                         (s[3] = h5w_scale_names(w, g, "observation", (const char *const *)on, O, e)) < 0))
        st = PHX_ERUN;
    const char *names[5] = { "generation", "particle", NULL, NULL, "quantile" };
    for (int k = 0; st == PHX_OK && k < 5; k++)
        if (names[k] && (s[k] = H5Dopen2(g, names[k], H5P_DEFAULT)) < 0)
            st = h5u_fail(e, w->path, "cannot open calibration/%s", names[k]);
    free(gen);
    free(part);
    free(pn);
    return st;
}

/* Every generation: [generation x particle (x parameter | observation)] and [generation]. */
static int cw_generations(const h5_writer *w, hid_t g, const abc *a, const hid_t s[5], phx_err *e)
{
    size_t G = abc_n_generations(a), N = abc_generation_at(a, 0)->n, D = abc_n_dim(a), O = abc_n_obs(a);
    double *theta = phx_malloc(G * N * D * sizeof *theta), *wt = phx_malloc(G * N * sizeof *wt);
    double *dst = phx_malloc(G * N * sizeof *dst), *sim = phx_malloc((G * N * O + 1) * sizeof *sim);
    double *tol = phx_malloc(G * sizeof *tol), *acc = phx_malloc(G * sizeof *acc), *ess = phx_malloc(G * sizeof *ess);
    int64_t *nsim = phx_malloc(G * sizeof *nsim), *ncon = phx_malloc(G * sizeof *ncon);
    for (size_t k = 0; k < G; k++) {
        const abc_generation *x = abc_generation_at(a, k);
        memcpy(theta + k * N * D, x->theta, N * D * sizeof *theta);
        memcpy(wt + k * N, x->weight, N * sizeof *wt);
        memcpy(dst + k * N, x->distance, N * sizeof *dst);
        memcpy(sim + k * N * O, x->simulated, N * O * sizeof *sim);
        tol[k] = x->tolerance;
        acc[k] = x->acceptance_rate;
        ess[k] = x->ess;
        nsim[k] = (int64_t)x->n_simulations;
        ncon[k] = (int64_t)x->n_considered;
    }
    hsize_t d3[3] = { G, N, D }, o3[3] = { G, N, O }, d1 = G;
    hid_t s3[3] = { s[0], s[1], s[2] }, so[3] = { s[0], s[1], s[3] };
    int st = cw_dataset(w, g, "theta", 3, d3, H5T_NATIVE_DOUBLE, theta, s3,
                        "each generation's particles (calibrated parameter values)", e);
    if (st == PHX_OK)
        st = cw_dataset(w, g, "weight", 2, d3, H5T_NATIVE_DOUBLE, wt, s3, "importance weight (sums to 1)", e);
    if (st == PHX_OK)
        st = cw_dataset(w, g, "distance", 2, d3, H5T_NATIVE_DOUBLE, dst, s3,
                        "distance to the observations (Euclidean, in units of each sd)", e);
    if (st == PHX_OK)
        st = cw_dataset(w, g, "simulated", 3, o3, H5T_NATIVE_DOUBLE, sim, so,
                        "the particle's simulated value of each observation", e);
    if (st == PHX_OK)
        st = cw_dataset(w, g, "tolerance", 1, &d1, H5T_NATIVE_DOUBLE, tol, s, "tolerance (inf: generation 0)", e);
    if (st == PHX_OK)
        st = cw_dataset(w, g, "acceptance_rate", 1, &d1, H5T_NATIVE_DOUBLE, acc, s, "accepted / proposed", e);
    if (st == PHX_OK)
        st = cw_dataset(w, g, "ess", 1, &d1, H5T_NATIVE_DOUBLE, ess, s, "effective sample size 1 / sum w^2", e);
    if (st == PHX_OK)
        st = cw_dataset(w, g, "n_simulations", 1, &d1, H5T_NATIVE_INT64, nsim, s, "simulations run", e);
    if (st == PHX_OK)
        st = cw_dataset(w, g, "n_proposed", 1, &d1, H5T_NATIVE_INT64, ncon, s,
                        "proposals up to the N-th accepted one", e);
    free(theta);
    free(wt);
    free(dst);
    free(sim);
    free(tol);
    free(acc);
    free(ess);
    free(nsim);
    free(ncon);
    return st;
}

/* The observations used, on the observation scale. */
static int cw_observations(const h5_writer *w, hid_t g, const scenario *sc, const abc *a,
                           const hid_t s[5], phx_err *e)
{
    size_t O = abc_n_obs(a);
    const char **metric = phx_calloc(O + 1, sizeof *metric), **source = phx_calloc(O + 1, sizeof *source);
    int32_t *year = phx_calloc(O + 1, sizeof *year);
    double *value = phx_calloc(O + 1, sizeof *value), *sd = phx_calloc(O + 1, sizeof *sd);
    for (size_t o = 0; o < O; o++) {
        const observation *ob = abc_obs_at(a, o);
        metric[o] = sc->model->metrics[ob->metric].name;
        source[o] = ob->source;
        year[o] = ob->year;
        value[o] = ob->value;
        sd[o] = ob->sd;
    }
    hsize_t dim = O;
    int st = cw_strings(w, g, "observed_metric", metric, O, s[3], "metric observed", e);
    if (st == PHX_OK)
        st = cw_dataset(w, g, "observed_year", 1, &dim, H5T_NATIVE_INT32, year, &s[3], "year observed", e);
    if (st == PHX_OK)
        st = cw_dataset(w, g, "observed", 1, &dim, H5T_NATIVE_DOUBLE, value, &s[3], "observed value", e);
    if (st == PHX_OK)
        st = cw_dataset(w, g, "observed_sd", 1, &dim, H5T_NATIVE_DOUBLE, sd, &s[3],
                        "the error accepted for the observation (distance unit)", e);
    if (st == PHX_OK)
        st = cw_strings(w, g, "observed_source", source, O, s[3], "where the observation comes from", e);
    free(metric);
    free(source);
    free(year);
    free(value);
    free(sd);
    return st;
}

/* Prior and posterior of each parameter, on the parameter scale. */
static int cw_parameters(const h5_writer *w, hid_t g, const scenario *sc, const abc *a,
                         const hid_t s[5], phx_err *e)
{
    size_t D = abc_n_dim(a), G = abc_n_generations(a);
    const abc_generation *last = abc_generation_at(a, G - 1);
    char **text = phx_calloc(D, sizeof *text);
    double *v = phx_calloc(8 * D, sizeof *v);     /* prior mean q05 q95, posterior mean sd q05 q50 q95 */
    for (size_t d = 0; d < D; d++) {
        size_t k = abc_dim_slots(a)[d];
        const scenario_value *sv = &sc->values[sc->slot_param[k]];
        const dist *pd = &sv->v[sv->n == 1 ? 0 : k - sc->offset[sc->slot_param[k]]];
        text[d] = phx_malloc(256);
        if (sv->n == 1)                       /* as the user wrote it */
            snprintf(text[d], 256, "%s", sv->text);
        else
            dist_format(pd, text[d], 256);
        v[0 * D + d] = dist_mean(pd);
        v[1 * D + d] = dist_quantile(pd, 0.05);
        v[2 * D + d] = dist_quantile(pd, 0.95);
        double m = 0, var = 0;
        for (size_t i = 0; i < last->n; i++)
            m += last->weight[i] * last->theta[i * D + d];
        for (size_t i = 0; i < last->n; i++)
            var += last->weight[i] * pow(last->theta[i * D + d] - m, 2);
        v[3 * D + d] = m;
        v[4 * D + d] = sqrt(var);
        v[5 * D + d] = abc_weighted_quantile(last->theta + d, D, last->weight, last->n, 0.05);
        v[6 * D + d] = abc_weighted_quantile(last->theta + d, D, last->weight, last->n, 0.50);
        v[7 * D + d] = abc_weighted_quantile(last->theta + d, D, last->weight, last->n, 0.95);
    }
    static const char *const names[8] = { "prior_mean", "prior_q05", "prior_q95", "posterior_mean",
                                          "posterior_sd", "posterior_q05", "posterior_q50",
                                          "posterior_q95" };
    static const char *const longs[8] = { "prior mean", "prior 5% quantile", "prior 95% quantile",
                                          "posterior mean (weighted, last generation)", "posterior sd",
                                          "posterior 5% quantile", "posterior median",
                                          "posterior 95% quantile" };
    hsize_t dim = D;
    int st = cw_strings(w, g, "prior", (const char *const *)text, D, s[2],
                        "the scenario's distribution of the parameter (its prior)", e);
    for (int k = 0; st == PHX_OK && k < 8; k++)
        st = cw_dataset(w, g, names[k], 1, &dim, H5T_NATIVE_DOUBLE, v + (size_t)k * D, &s[2], longs[k], e);
    for (size_t d = 0; d < D; d++)
        free(text[d]);
    free(text);
    free(v);
    return st;
}

/* The posterior predictive check. */
static int cw_check(const h5_writer *w, hid_t g, const abc *a, const predictive_check *c,
                    const hid_t s[5], phx_err *e)
{
    hsize_t d2[2] = { abc_n_obs(a), STATS_NQ };
    hid_t s2[2] = { s[3], s[4] };
    int st = cw_dataset(w, g, "predictive_quantiles", 2, d2, H5T_NATIVE_DOUBLE, c->q, s2,
                        "posterior predictive quantiles of each observation", e);
    if (st == PHX_OK)
        st = cw_dataset(w, g, "prior_predictive_quantiles", 2, d2, H5T_NATIVE_DOUBLE, c->prior_q, s2,
                        "prior predictive quantiles (generation 0)", e);
    if (st == PHX_OK)
        st = cw_dataset(w, g, "predictive_p_below", 1, d2, H5T_NATIVE_DOUBLE, c->p_below, &s[3],
                        "share of the posterior predictive run at or below the observation", e);
    if (st == PHX_OK)
        st = h5u_attr_i64(g, "n_predictive", (int64_t)c->n_rep, w->path, e);
    return st;
}

static int cw_attrs(const h5_writer *w, hid_t g, const scenario *sc, const abc *a,
                    const observed *obs, const abc_settings *s, phx_err *e)
{
    const char *p = w->path;
    int st;
    if ((st = h5u_attr_str(g, "method", "ABC population Monte Carlo with adaptive tolerances", p, e)) ||
        (st = h5u_attr_str(g, "reference", "Beaumont, Cornuet, Marin & Robert (2009), Biometrika "
                           "96:983-990; tolerances after Del Moral, Doucet & Jasra (2012), Stat. "
                           "Comput. 22:1009-1020", p, e)) ||
        (st = h5u_attr_str(g, "scenario", sc->name, p, e)) ||
        (st = h5u_attr_str(g, "model", sc->model->name, p, e)) ||
        (st = h5u_attr_str(g, "scenario_text", sc->resolved_text, p, e)) ||
        (st = h5u_attr_str(g, "observed_file", obs->path, p, e)) ||
        (st = h5u_attr_i64(g, "n_particles", (int64_t)s->particles, p, e)) ||
        (st = h5u_attr_i64(g, "max_generations", s->max_generations, p, e)) ||
        (st = h5u_attr_f64(g, "tolerance_final", s->tolerance_final, p, e)) ||
        (st = h5u_attr_f64(g, "quantile", s->quantile, p, e)) ||
        (st = h5u_attr_f64(g, "min_acceptance", s->min_acceptance, p, e)) ||
        (st = h5u_attr_str(g, "stop_reason", abc_stop_text(abc_stop_reason(a)), p, e)) ||
        (st = h5u_attr_i64(g, "n_simulations", (int64_t)abc_total_simulations(a), p, e)) ||
        (st = h5u_attr_u64(g, "seed", sc->seed, p, e)))
        return st;
    return PHX_OK;
}

int h5_writer_calibration(h5_writer *w, const scenario *sc, const abc *a, const observed *obs,
                          const abc_settings *s, const predictive_check *chk, phx_err *e)
{
    h5u_quiet();
    if (abc_n_generations(a) == 0)
        return phx_fail(e, PHX_ERUN, w->path, 0, NULL, "no generation to write");
    hid_t g = h5w_group(w, w->file, "calibration", 1, e), sc5[5] = { -1, -1, -1, -1, -1 };
    char **on = NULL;
    int st = g < 0 ? PHX_ERUN : cw_scales(w, g, sc, a, sc5, &on, e);
    if (st == PHX_OK)
        st = cw_attrs(w, g, sc, a, obs, s, e);
    if (st == PHX_OK)
        st = cw_generations(w, g, a, sc5, e);
    if (st == PHX_OK)
        st = cw_observations(w, g, sc, a, sc5, e);
    if (st == PHX_OK)
        st = cw_parameters(w, g, sc, a, sc5, e);
    if (st == PHX_OK && chk)
        st = cw_check(w, g, a, chk, sc5, e);
    for (int k = 0; k < 5; k++)
        h5u_close(sc5[k]);
    for (size_t o = 0; on && o < abc_n_obs(a); o++)
        free(on[o]);
    free(on);
    h5u_close(g);
    if (st != PHX_OK)
        w->broken = 1;
    return st;
}

int h5_writer_scenario_attr_str(h5_writer *w, const char *name, const char *value, phx_err *e)
{
    h5u_quiet();
    return h5u_attr_str(w->sc_group, name, value, w->path, e);
}

/* ---- reading the posterior ------------------------------------------------------------------ */

int calibration_posterior_load(const char *path, posterior **out, phx_err *e)
{
    h5u_quiet();
    *out = NULL;
    hid_t f = -1, g = -1;
    int st = h5u_open_results(path, &f, e);
    if (st != PHX_OK)
        return st;
    if (h5u_exists(f, "calibration") <= 0) {
        h5u_close(f);
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "no /calibration group: not written by "
                        "phoenix calibrate");
    }
    g = H5Gopen2(f, "calibration", H5P_DEFAULT);
    char *model = NULL, **names = NULL;
    size_t n_names = 0, dt[3] = { 0 }, dw[3] = { 0 };
    double *theta = NULL, *wt = NULL;
    if (g < 0)
        st = h5u_fail(e, path, "cannot open /calibration");
    if (st == PHX_OK)
        st = h5u_read_attr_str(g, "model", &model, path, e);
    if (st == PHX_OK)
        st = h5u_read_strs(g, "parameter", &names, &n_names, path, e);
    if (st == PHX_OK)
        st = h5u_read_f64(g, "theta", 3, &theta, dt, path, e);
    if (st == PHX_OK)
        st = h5u_read_f64(g, "weight", 2, &wt, dw, path, e);
    if (st == PHX_OK && (dt[0] == 0 || dt[2] != n_names || dw[0] != dt[0] || dw[1] != dt[1]))
        st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "/calibration: theta, weight and parameter "
                      "do not agree in shape");
    if (st == PHX_OK) {
        size_t last = dt[0] - 1, N = dt[1], D = dt[2];
        *out = posterior_alloc(path, model, N, D, (const char *const *)names, theta + last * N * D,
                               wt + last * N, e);
        if (*out == NULL)
            st = PHX_EINPUT;
    }
    free(model);
    h5u_strs_free(names, n_names);
    free(theta);
    free(wt);
    h5u_close(g);
    h5u_close(f);
    return st;
}
