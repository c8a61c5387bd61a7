/* sweep.c -- printing the /sweep grid of a results file (phoenix sweep's report). */
#include "h5.h"
#include "h5util.h"
#include "h5w.h"
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The /sweep grid of a results file, as read. */
typedef struct sweep_read {
    char **points, **levers, **metrics, **values;   /* values: [point x lever] */
    size_t np, nl, nmet;
    double *mean, *pt, *target;                      /* [point x metric], [metric] */
    int64_t year;
} sweep_read;

/* Format the numeric /sweep/value (15 significant digits: "0.6" reads back as written). */
static void sweep_value_format(const double *v, size_t n, char **out)
{
    for (size_t i = 0; i < n; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.15g", v[i]);
        out[i] = phx_strdup(buf);
    }
}

int h5_sweep_read_values(hid_t g, const char *path, size_t n, char **values, phx_err *e)
{
    hid_t d = H5Dopen2(g, "value", H5P_DEFAULT), ft = d >= 0 ? H5Dget_type(d) : -1;
    H5T_class_t cls = ft >= 0 ? H5Tget_class(ft) : H5T_NO_CLASS;
    h5u_close(ft);
    h5u_close(d);
    int has_text = h5u_exists(g, "value_text") > 0, st = PHX_OK;
    if (cls == H5T_FLOAT && n > 0) {
        double *num = NULL;
        size_t dims[3];
        if ((st = h5u_read_f64(g, "value", 2, &num, dims, path, e)) != PHX_OK)
            return st;
        if (dims[0] * dims[1] != n)
            st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "/sweep/value is not [point x lever]");
        if (st == PHX_OK && !has_text)
            sweep_value_format(num, n, values);
        free(num);
    }
    const char *name = cls == H5T_FLOAT ? "value_text" : "value";   /* older files: text */
    if (st != PHX_OK || n == 0 || (cls == H5T_FLOAT && !has_text))
        return st;
    return h5u_read_vlen_strs(g, name, n, values, path, e);   /* its count checked first */
}

/* /sweep/value: [point x lever]. */
static int sweep_read_values(hid_t g, const char *path, sweep_read *s, phx_err *e)
{
    size_t n = s->np * s->nl;
    s->values = phx_calloc(n > 0 ? n : 1, sizeof *s->values);
    return h5_sweep_read_values(g, path, n, s->values, e);
}

/* The targets, from the first point's summary. */
static int sweep_read_targets(hid_t file, const char *path, sweep_read *s, phx_err *e)
{
    char tpath[1024];
    size_t tdims[3];
    snprintf(tpath, sizeof tpath, "scenarios/%s/summary", s->points[0]);
    hid_t tg = H5Gopen2(file, tpath, H5P_DEFAULT);
    int st = tg < 0 ? h5u_damaged(e, path, "cannot open /%s", tpath)
                    : h5u_read_f64(tg, "target", 1, &s->target, tdims, path, e);
    if (st == PHX_OK)
        st = h5u_shape(path, "summary/target of the first point", 1, tdims, &s->nmet, e);
    h5u_close(tg);
    return st;
}

static int sweep_load(hid_t file, const char *path, sweep_read *s, phx_err *e)
{
    size_t dims[3];
    int st = PHX_OK;
    hid_t g = H5Gopen2(file, "sweep", H5P_DEFAULT);
    if (g < 0)
        st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "no /sweep in this file (made by phoenix sweep)");
    if (st == PHX_OK)
        st = h5u_read_strs(g, "point", &s->points, &s->np, path, e);
    if (st == PHX_OK)
        st = h5u_read_strs(g, "lever", &s->levers, &s->nl, path, e);
    if (st == PHX_OK)
        st = h5u_read_strs(g, "metric", &s->metrics, &s->nmet, path, e);
    if (st == PHX_OK)
        st = h5u_read_attr_i64(g, "year", &s->year, path, e);
    size_t want[2] = { s->np, s->nmet };       /* the scales point and metric */
    if (st == PHX_OK)
        st = h5u_read_f64(g, "mean", 2, &s->mean, dims, path, e);
    if (st == PHX_OK)
        st = h5u_shape(path, "/sweep/mean", 2, dims, want, e);
    if (st == PHX_OK)
        st = h5u_read_f64(g, "p_target", 2, &s->pt, dims, path, e);
    if (st == PHX_OK)
        st = h5u_shape(path, "/sweep/p_target", 2, dims, want, e);
    if (st == PHX_OK)
        st = sweep_read_values(g, path, s, e);
    if (st == PHX_OK && s->np > 0)
        st = sweep_read_targets(file, path, s, e);
    h5u_close(g);
    return st;
}

static void sweep_read_free(sweep_read *s)
{
    if (s->values) {
        for (size_t i = 0; i < s->np * s->nl; i++)
            free(s->values[i]);        /* vlen strings read by HDF5 are malloc'd */
        free(s->values);
    }
    h5u_strs_free(s->points, s->np);
    h5u_strs_free(s->levers, s->nl);
    h5u_strs_free(s->metrics, s->nmet);
    free(s->mean);
    free(s->pt);
    free(s->target);
}

/* One row per point and metric with a target (every metric when none has one). */
static void sweep_rows(const sweep_read *s, text_table *t)
{
    int any = 0;
    for (size_t m = 0; m < s->nmet; m++)
        any |= !isnan(s->target[m]);
    for (size_t p = 0; p < s->np; p++) {
        char lv[1024] = "";
        for (size_t k = 0; k < s->nl; k++)
            snprintf(lv + strlen(lv), sizeof lv - strlen(lv), "%s%s=%s", k ? "; " : "", s->levers[k],
                     s->values[p * s->nl + k] ? s->values[p * s->nl + k] : "");
        for (size_t m = 0; m < s->nmet; m++) {
            if (any && isnan(s->target[m]))
                continue;
            char tv[64], mv[64], pv[32];
            table_num(tv, sizeof tv, s->target[m]);
            table_num(mv, sizeof mv, s->mean[p * s->nmet + m]);
            table_prob(pv, sizeof pv, s->pt[p * s->nmet + m]);
            const char *row[] = { s->points[p], lv, s->metrics[m], tv, mv, pv };
            table_row(t, row);
        }
    }
}

int h5_sweep_print(const char *path, const char *format, FILE *out, phx_err *e)
{
    int md = format != NULL && strcmp(format, "md") == 0;
    if (!md && (format == NULL || strcmp(format, "table") != 0))
        return phx_fail(e, PHX_EINPUT, NULL, 0, "--format", "'%s': expected table or md",
                        format != NULL ? format : "");
    hid_t file;
    int st = h5u_open_results(path, &file, e);
    if (st != PHX_OK)
        return st;
    sweep_read s = { 0 };
    st = sweep_load(file, path, &s, e);
    if (st == PHX_OK) {
        static const char *const head[] = { "point", "levers", "metric", "target", "mean", "P(target met)" };
        static const int right[] = { 0, 0, 0, 1, 1, 1 };
        text_table t;
        table_init(&t, 6, head, right);
        sweep_rows(&s, &t);
        fprintf(out, md ? "### Sweep grid (values for %lld)\n\n" : "sweep grid (values for %lld)\n",
                (long long)s.year);
        if (md)
            table_print_md(&t, out);
        else
            table_print_text(&t, out);
        table_free(&t);
    }
    sweep_read_free(&s);
    h5u_close(file);
    return st;
}
