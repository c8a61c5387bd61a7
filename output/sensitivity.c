/* sensitivity.c (output) -- /sensitivity/<method> in the results file (docs/output.md); the
 * printed report is in sens_print.c. */
#include "sensitivity.h"
#include "h5util.h"
#include "h5w.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- HDF5 ---------------------------------------------------------------------------------- */

/* A 1-D int32 dimension scale. */
static hid_t scale_i32(const h5_writer *w, hid_t g, const char *name, const int32_t *v, size_t n,
                       phx_err *e)
{
    hsize_t dim = n;
    hid_t s = H5Screate_simple(1, &dim, NULL), d = -1;
    if (s >= 0)
        d = H5Dcreate2(g, name, H5T_STD_I32LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    h5u_close(s);
    if (d < 0 || H5Dwrite(d, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0 ||
        H5DSset_scale(d, name) < 0) {
        h5u_close(d);
        h5u_fail(e, w->path, "cannot write dimension scale %s", name);
        return -1;
    }
    return d;
}

/* A contiguous float64 dataset of any rank (the writer's own helper takes at most three
 * dimensions; S2 has four), attached to `scales`, with a long_name. */
static int dataset_f64(const h5_writer *w, hid_t g, const char *name, int rank, const hsize_t *dims,
                       const hid_t *scales, const double *data, const char *long_name, phx_err *e)
{
    hid_t space = H5Screate_simple(rank, dims, NULL), d = -1;
    if (space >= 0)
        d = H5Dcreate2(g, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    h5u_close(space);
    int st = PHX_OK;
    if (d < 0 || H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        st = h5u_fail(e, w->path, "cannot write %s", name);
    if (st == PHX_OK)
        st = h5w_attach(w, d, name, scales, rank, e);
    if (st == PHX_OK)
        st = h5u_attr_str(d, "long_name", long_name, w->path, e);
    if (st == PHX_OK && h5u_close_ok(d) < 0)
        return h5u_fail(e, w->path, "cannot close %s", name);
    if (st != PHX_OK)
        h5u_close(d);
    return st;
}

static int sens_attrs(const h5_writer *w, hid_t g, const scenario *sc, const sens_result *r,
                      phx_err *e)
{
    const char *p = w->path;
    int st;
    if ((st = h5u_attr_str(g, "method", sens_method_name(r->method), p, e)) ||
        (st = h5u_attr_str(g, "scenario", sc->name, p, e)) ||
        (st = h5u_attr_str(g, "scenario_sha256", sc->sha256, p, e)) ||
        (st = h5u_attr_str(g, "scenario_text", sc->resolved_text, p, e)) ||
        (st = h5u_attr_i64(g, "N", (int64_t)r->N, p, e)) ||
        (st = h5u_attr_u64(g, "seed", r->seed, p, e)) ||
        (st = h5u_attr_i64(g, "runs", (int64_t)r->rows, p, e)))
        return st;
    if (r->year_chosen && (st = h5u_attr_i64(g, "year", r->year_chosen, p, e)))
        return st;
    if (r->method != SENS_TORNADO &&
        ((st = h5u_attr_i64(g, "n_bootstrap", (int64_t)r->n_boot, p, e)) ||
         (st = h5u_attr_f64(g, "level", r->level, p, e))))
        return st;
    if (r->method == SENS_SOBOL)
        st = h5u_attr_str(g, "chance_method", "second random stream per base sample: "
                          "S1 = mean f(B)(f(A)-f(A'))/V, ST = mean (f(A)-f(A'))^2/(2V), A' = A's "
                          "inputs on another stream (docs/sensitivity.md)", p, e);
    return st;
}

typedef struct sens_ds {
    const char *name;
    const double *data;
    const char *long_name;
} sens_ds;

/* The method's datasets; returns their number. */
static size_t sens_datasets(const sens_result *r, sens_ds *ds)
{
    const sens_ds sobol[] = {
        { "S1", r->S1, "first-order index (Saltelli et al. 2010)" },
        { "S1_lower", r->S1_lower, "S1, lower end of the bootstrap interval" },
        { "S1_upper", r->S1_upper, "S1, upper end of the bootstrap interval" },
        { "ST", r->ST, "total index (Jansen 1999)" },
        { "ST_lower", r->ST_lower, "ST, lower end of the bootstrap interval" },
        { "ST_upper", r->ST_upper, "ST, upper end of the bootstrap interval" } };
    const sens_ds morris[] = {
        { "mu_star", r->mu_star, "mean absolute elementary effect (per unit of probability)" },
        { "mu_star_lower", r->mu_star_lower, "mu_star, lower end of the bootstrap interval" },
        { "mu_star_upper", r->mu_star_upper, "mu_star, upper end of the bootstrap interval" },
        { "sigma", r->sigma, "standard deviation of the elementary effects" } };
    const sens_ds tornado[] = {
        { "low", r->low, "mean with the factor at its 10% quantile, the others at their medians" },
        { "high", r->high, "mean with the factor at its 90% quantile, the others at their medians" },
        { "swing", r->swing, "|high - low|" },
        { "p_low", r->p_low, "P(target met) with the factor at its 10% quantile" },
        { "p_high", r->p_high, "P(target met) with the factor at its 90% quantile" },
        { "p_swing", r->p_swing, "|p_high - p_low|" } };
    const sens_ds *src = r->method == SENS_SOBOL ? sobol : r->method == SENS_MORRIS ? morris : tornado;
    size_t n = r->method == SENS_SOBOL ? 6 : r->method == SENS_MORRIS ? 4 : 6;
    memcpy(ds, src, n * sizeof *ds);
    return n;
}

static int sens_write_data(const h5_writer *w, hid_t g, const sens_result *r, const hid_t *sc,
                           phx_err *e)
{
    sens_ds ds[8];
    size_t n = sens_datasets(r, ds);
    int tornado = r->method == SENS_TORNADO;
    hsize_t dims[3] = { r->n_metric, tornado ? r->n_factor : r->n_year, r->n_factor };
    hid_t scales[3] = { sc[0], tornado ? sc[2] : sc[1], sc[2] };
    int st = PHX_OK;
    for (size_t i = 0; st == PHX_OK && i < n; i++)
        st = h5w_summary_dataset(w, g, ds[i].name, tornado ? 2 : 3, dims, scales, ds[i].data,
                                 ds[i].long_name, e);
    hsize_t d4[4] = { r->n_metric, r->n_year, r->n_factor, r->n_factor };
    hid_t s4[4] = { sc[0], sc[1], sc[2], sc[2] };
    if (st == PHX_OK && r->S2)
        st = dataset_f64(w, g, "S2", 4, d4, s4, r->S2, "second-order index (Saltelli 2002); "
                                 "NaN on the diagonal and for chance", e);
    if (st == PHX_OK && r->S2)
        st = dataset_f64(w, g, "S2_lower", 4, d4, s4, r->S2_lower,
                                 "S2, lower end of the bootstrap interval", e);
    if (st == PHX_OK && r->S2)
        st = dataset_f64(w, g, "S2_upper", 4, d4, s4, r->S2_upper,
                                 "S2, upper end of the bootstrap interval", e);
    if (st == PHX_OK && tornado)
        st = h5w_summary_dataset(w, g, "base", 1, dims, scales, r->base,
                                 "mean with every factor at its median", e);
    if (st == PHX_OK && tornado)
        st = h5w_summary_dataset(w, g, "p_base", 1, dims, scales, r->p_base,
                                 "P(target met) with every factor at its median", e);
    return st;
}

/* /sensitivity (created by the first analysis written) and /sensitivity/<method>. */
static hid_t sens_group_open(const h5_writer *w, const sens_result *r, phx_err *e)
{
    hid_t top = h5u_exists(w->file, "sensitivity") > 0
                    ? H5Gopen2(w->file, "sensitivity", H5P_DEFAULT)
                    : h5w_group(w, w->file, "sensitivity", 1, e);
    if (top < 0)
        return -1;
    const char *m = sens_method_name(r->method);
    hid_t g = -1;
    if (h5u_exists(top, m) != 0)
        phx_fail(e, PHX_ERUN, w->path, 0, NULL, "/sensitivity/%s is already written", m);
    else
        g = h5w_group(w, top, m, 1, e);
    h5u_close(top);
    return g;
}

int sens_write(h5_writer *w, const scenario *sc, const sens_result *r, phx_err *e)
{
    h5u_quiet();
    if (w->broken || w->sc != NULL)
        return phx_fail(e, PHX_ERUN, w->path, 0, NULL, "/sensitivity needs a writer between scenarios");
    hid_t g = sens_group_open(w, r, e);
    if (g < 0)
        return e->status ? e->status : PHX_ERUN;
    const char **names = phx_malloc((r->n_metric ? r->n_metric : 1) * sizeof *names);
    for (size_t m = 0; m < r->n_metric; m++)
        names[m] = sc->model->metrics[r->metric[m]].name;
    hid_t s[3] = { h5w_scale_names(w, g, "metric", names, r->n_metric, e), -1, -1 };
    free(names);
    if (s[0] >= 0)
        s[1] = scale_i32(w, g, "year", r->year, r->n_year, e);
    if (s[1] >= 0)
        s[2] = h5w_scale_names(w, g, "factor", (const char *const *)r->factor, r->n_factor, e);
    int st = s[2] < 0 ? PHX_ERUN : sens_attrs(w, g, sc, r, e);
    if (st == PHX_OK)
        st = sens_write_data(w, g, r, s, e);
    for (int k = 0; k < 3; k++)
        h5u_close(s[k]);
    h5u_close(g);
    return st;
}
