/* compare.c -- paired comparisons of scenarios run on the same replications (common random
 * numbers): /comparisons/<b>_vs_<a>/ in the results file. */
#include "h5.h"
#include "h5util.h"
#include "h5w.h"
#include "../engine/layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "../engine/stats.h"

enum { C_MEAN, C_SE, C_SE_UNPAIRED, C_Q05, C_Q50, C_Q95, C_P_BETTER, C_P_EQUAL, C_COUNT };

static const struct { const char *name, *long_name; } cmp_cols[C_COUNT] = {
    { "mean_diff", "mean over replications of the paired difference b - a" },
    { "stderr_diff", "standard error of mean_diff (paired: sd of b - a over sqrt(n))" },
    { "stderr_unpaired", "standard error the difference of means would have without pairing" },
    { "diff_q05", "5% quantile of the paired difference b - a" },
    { "diff_q50", "median of the paired difference b - a" },
    { "diff_q95", "95% quantile of the paired difference b - a" },
    { "p_better", "share of replications where b is strictly better than a (by direction)" },
    { "p_equal", "share of replications where b equals a" },
};

/* Column y of /scenarios/<name>/metrics/<metric> (n values) into x. */
static void cmp_stats(double *a, double *b, size_t n, int direction, double out[C_COUNT]);

static int cmp_column(const h5_writer *w, const char *name, const char *metric, size_t y, size_t n,
                      double *x, phx_err *e)
{
    char path[1024];
    snprintf(path, sizeof path, "/scenarios/%s/metrics/%s", name, metric);
    hid_t d = H5Dopen2(w->file, path, H5P_DEFAULT);
    hsize_t start[2] = { 0, y }, count[2] = { n, 1 }, hn = n, dims[2];
    hid_t fs = d >= 0 ? H5Dget_space(d) : -1, ms = H5Screate_simple(1, &hn, NULL);
    int ok = fs >= 0 && ms >= 0 && H5Sget_simple_extent_dims(fs, dims, NULL) == 2 && dims[0] == n &&
             H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
             H5Dread(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, x) >= 0;
    h5u_close(ms);
    h5u_close(fs);
    h5u_close(d);
    return ok ? PHX_OK : h5u_fail(e, w->path, "cannot read %s for the comparison", path);
}

void h5_cmp_stats(double *a, double *b, size_t n, int direction, double out[H5_CMP_COUNT])
{
    double v[C_COUNT];
    cmp_stats(a, b, n, direction, v);
    for (int k = 0; k < C_COUNT; k++)
        out[k] = v[k];
}

/* The statistics of one metric and year from the two columns; a and b are reused as scratch. */
static void cmp_stats(double *a, double *b, size_t n, int direction, double out[C_COUNT])
{
    size_t better = 0, equal = 0;
    double var_a = n > 1 ? gsl_stats_variance(a, 1, n) : 0;
    double var_b = n > 1 ? gsl_stats_variance(b, 1, n) : 0;
    for (size_t i = 0; i < n; i++) {
        double d = b[i] - a[i];
        better += direction * d > 0;
        equal += d == 0;
        a[i] = d;
    }
    double mean = gsl_stats_mean(a, 1, n), sd = n > 1 ? gsl_stats_sd_m(a, 1, n, mean) : 0;
    out[C_MEAN] = mean;
    out[C_SE] = sd / sqrt((double)n);
    out[C_SE_UNPAIRED] = sqrt((var_a + var_b) / (double)n);
    gsl_sort(a, 1, n);
    out[C_Q05] = gsl_stats_quantile_from_sorted_data(a, 1, n, 0.05);
    out[C_Q50] = gsl_stats_quantile_from_sorted_data(a, 1, n, 0.50);
    out[C_Q95] = gsl_stats_quantile_from_sorted_data(a, 1, n, 0.95);
    out[C_P_BETTER] = (double)better / (double)n;
    out[C_P_EQUAL] = (double)equal / (double)n;
}

static int cmp_write(h5_writer *w, const scenario *a, const scenario *b, size_t n, const double *v,
                     phx_err *e)
{
    const model_type *m = a->model;
    size_t nm = m->n_metrics, ny = (size_t)a->n_years;
    char name[512];
    snprintf(name, sizeof name, "%s_vs_%s", b->name, a->name);
    hid_t top = -1, g = -1, scales[2] = { -1, -1 };
    int st = PHX_OK;
    int have = h5u_exists(w->file, "comparisons");
    if (have > 0)
        top = H5Gopen2(w->file, "comparisons", H5P_DEFAULT);
    else if (have == 0)
        top = h5w_group(w, w->file, "comparisons", 1, e);
    if (top < 0)
        st = h5u_fail(e, w->path, "cannot open /comparisons");
    if (st == PHX_OK && h5u_exists(top, name) > 0)
        st = phx_fail(e, PHX_EINPUT, w->path, 0, NULL, "comparison %s written twice", name);
    if (st == PHX_OK && (g = h5w_group(w, top, name, 1, e)) < 0)
        st = PHX_ERUN;
    const char **names = phx_malloc(nm * sizeof *names);
    const char **units = phx_malloc(nm * sizeof *units);
    for (size_t i = 0; i < nm; i++) {
        names[i] = m->metrics[i].name;
        units[i] = m->metrics[i].unit;
    }
    if (st == PHX_OK && ((scales[0] = h5w_scale_names(w, g, "metric", names, nm, e)) < 0 ||
                         (scales[1] = h5w_scale_years(w, g, a, e)) < 0))
        st = PHX_ERUN;
    if (st == PHX_OK)
        st = h5u_attr_str(g, "a", a->name, w->path, e);
    if (st == PHX_OK)
        st = h5u_attr_str(g, "b", b->name, w->path, e);
    if (st == PHX_OK)
        st = h5u_attr_i64(g, "n_replications", (int64_t)n, w->path, e);
    hsize_t dims[2] = { nm, ny };
    double *col = phx_malloc(nm * ny * sizeof *col);
    for (int c = 0; st == PHX_OK && c < C_COUNT; c++) {
        for (size_t k = 0; k < nm * ny; k++)
            col[k] = v[k * C_COUNT + (size_t)c];
        st = h5w_summary_dataset(w, g, cmp_cols[c].name, 2, dims, scales, col, cmp_cols[c].long_name, e);
        if (st == PHX_OK)
            st = c >= C_P_BETTER ? h5w_units(w, g, cmp_cols[c].name, NULL, 0, e) : h5w_units(w, g, cmp_cols[c].name, units, nm, e);
    }
    free(col);
    free(names);
    free(units);
    h5u_close(scales[0]);
    h5u_close(scales[1]);
    h5u_close(g);
    h5u_close(top);
    return st;
}

int h5_writer_compare(h5_writer *w, const scenario *a, const scenario *b, phx_err *e)
{
    return h5_writer_compare_n(w, a, b, (size_t)a->replications, e);
}

int h5_writer_compare_n(h5_writer *w, const scenario *a, const scenario *b, size_t n, phx_err *e)
{
    h5u_quiet();
    if (w->broken || w->sc != NULL)
        return phx_fail(e, PHX_ERUN, w->path, 0, NULL, "comparisons need a writer between scenarios");
    if (a->model != b->model || a->year_first != b->year_first || a->n_years != b->n_years ||
        a->replications != b->replications || a->seed != b->seed)
        return phx_fail(e, PHX_EINPUT, b->path, 0, NULL,
                        "cannot be compared with %s: model, years, seed and replications must agree",
                        a->path);
    const model_type *m = a->model;
    size_t nm = m->n_metrics, ny = (size_t)a->n_years;
    double *xa = phx_malloc(n * sizeof *xa), *xb = phx_malloc(n * sizeof *xb);
    double *v = phx_malloc(nm * ny * C_COUNT * sizeof *v);
    int st = PHX_OK;
    for (size_t mi = 0; st == PHX_OK && mi < nm; mi++)
        for (size_t y = 0; st == PHX_OK && y < ny; y++) {
            st = cmp_column(w, a->name, m->metrics[mi].name, y, n, xa, e);
            if (st == PHX_OK)
                st = cmp_column(w, b->name, m->metrics[mi].name, y, n, xb, e);
            if (st == PHX_OK)
                cmp_stats(xa, xb, n, m->metrics[mi].direction, &v[layout_cell(mi, y, ny) * C_COUNT]);
        }
    if (st == PHX_OK)
        st = cmp_write(w, a, b, n, v, e);
    free(v);
    free(xa);
    free(xb);
    return st;
}

/* ---- sweeps --------------------------------------------------------------------------- */

/* The last year of summary/<what> [metric x year] of scenario `name`, into v[0..nm-1]. */
static int sweep_last_year(const h5_writer *w, const char *name, const char *what, size_t nm,
                           size_t ny, double *v, phx_err *e)
{
    char path[1024];
    snprintf(path, sizeof path, "/scenarios/%s/summary", name);
    hid_t g = H5Gopen2(w->file, path, H5P_DEFAULT);
    double *all = NULL;
    size_t dims[3];
    int st = g < 0 ? h5u_fail(e, w->path, "cannot open %s", path)
                   : h5u_read_f64(g, what, 2, &all, dims, w->path, e);
    if (st == PHX_OK && (dims[0] != nm || dims[1] != ny))
        st = phx_fail(e, PHX_ERUN, w->path, 0, NULL, "%s/%s has unexpected dimensions", path, what);
    for (size_t m = 0; st == PHX_OK && m < nm; m++)
        v[m] = layout_last(all, m, ny);
    free(all);
    h5u_close(g);
    return st;
}

/* The lever values [point x lever]: `value` as numbers (NaN where a value is not a number, e.g.
 * a distribution) and, only when some value is not a number, `value_text` with every value as
 * written. */
static int sweep_write_values(const h5_writer *w, hid_t g, const hsize_t dv[2], const hid_t pl[2],
                              const char *const *values, phx_err *e)
{
    size_t n = (size_t)(dv[0] * dv[1]), n_text = 0;
    double *num = phx_malloc((n ? n : 1) * sizeof *num);
    for (size_t i = 0; i < n; i++)
        if (phx_parse_double(values[i], &num[i])) {
            num[i] = NAN;
            n_text++;
        }
    int st = h5w_summary_dataset(w, g, "value", 2, dv, pl, num, "value of each lever at each grid "
                                 "point (NaN: not a number, see value_text)", e);
    free(num);
    if (st != PHX_OK || n_text == 0)
        return st;
    hid_t str = h5u_vlen_str_type(), sp = H5Screate_simple(2, dv, NULL), d = -1;
    if (str >= 0 && sp >= 0)
        d = H5Dcreate2(g, "value_text", str, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (d < 0 || H5Dwrite(d, str, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0)
        st = h5u_fail(e, w->path, "cannot write /sweep/value_text");
    if (st == PHX_OK)
        st = h5w_attach(w, d, "value_text", pl, 2, e);
    if (st == PHX_OK)
        st = h5u_attr_str(d, "long_name", "value of each lever at each grid point, as written", w->path, e);
    h5u_close(d);
    h5u_close(sp);
    h5u_close(str);
    return st;
}

int h5_writer_sweep(h5_writer *w, scenario *const *points, size_t n_points, const char *const *keys,
                    size_t n_keys, const char *const *values, phx_err *e)
{
    h5u_quiet();
    if (w->broken || w->sc != NULL || n_points == 0)
        return phx_fail(e, PHX_ERUN, w->path, 0, NULL, "a sweep table needs finished scenarios");
    const model_type *m = points[0]->model;
    size_t nm = m->n_metrics, ny = (size_t)points[0]->n_years;
    const char **pn = phx_malloc(n_points * sizeof *pn), **mn = phx_malloc(nm * sizeof *mn);
    for (size_t p = 0; p < n_points; p++)
        pn[p] = points[p]->name;
    const char **mn_units = phx_malloc(nm * sizeof *mn_units);
    for (size_t i = 0; i < nm; i++) {
        mn[i] = m->metrics[i].name;
        mn_units[i] = m->metrics[i].unit;
    }
    double *mean = phx_malloc(n_points * nm * sizeof *mean), *pt = phx_malloc(n_points * nm * sizeof *pt);
    int st = PHX_OK;
    for (size_t p = 0; st == PHX_OK && p < n_points; p++) {
        st = sweep_last_year(w, pn[p], "mean", nm, ny, mean + p * nm, e);
        if (st == PHX_OK)
            st = sweep_last_year(w, pn[p], "p_target", nm, ny, pt + p * nm, e);
    }
    hid_t g = -1, sc3[3] = { -1, -1, -1 };
    if (st == PHX_OK && (g = h5w_group(w, w->file, "sweep", 1, e)) < 0)
        st = PHX_ERUN;
    if (st == PHX_OK && ((sc3[0] = h5w_scale_names(w, g, "point", pn, n_points, e)) < 0 ||
                         (sc3[1] = h5w_scale_names(w, g, "lever", keys, n_keys, e)) < 0 ||
                         (sc3[2] = h5w_scale_names(w, g, "metric", mn, nm, e)) < 0))
        st = PHX_ERUN;
    if (st == PHX_OK)
        st = h5u_attr_i64(g, "year", (int64_t)points[0]->year_last, w->path, e);
    hsize_t dv[2] = { n_points, n_keys }, dm[2] = { n_points, nm };
    hid_t pl[2] = { sc3[0], sc3[1] };
    if (st == PHX_OK)
        st = sweep_write_values(w, g, dv, pl, values, e);
    hid_t pm[2] = { sc3[0], sc3[2] };
    if (st == PHX_OK)
        st = h5w_summary_dataset(w, g, "mean", 2, dm, pm, mean, "mean in the last year", e);
    if (st == PHX_OK)
        st = h5w_units(w, g, "mean", mn_units, nm, e);
    if (st == PHX_OK)
        st = h5w_summary_dataset(w, g, "p_target", 2, dm, pm, pt,
                                 "P(target met) in the last year (NaN: no target)", e);
    if (st == PHX_OK)
        st = h5w_units(w, g, "p_target", NULL, 0, e);
    for (int k = 0; k < 3; k++)
        h5u_close(sc3[k]);
    h5u_close(g);
    free(mean);
    free(pt);
    free(pn);
    free(mn);
    free(mn_units);
    return st;
}
