/* summary.c -- `phoenix summary`: reading a results file's summary/ datasets and /comparisons
 * (the printing is summary_print.c and xlsx.c). Reads only the small summary datasets. */
#include "sum.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/layout.h"
#include "../engine/stats.h"

static void sum_scenario_free(sum_scenario *s)
{
    free(s->name);
    free(s->model);
    h5u_strs_free(s->metric, s->nm);
    h5u_strs_free(s->unit, s->nm);
    free(s->more);
    free(s->constraint);
    free(s->target);
    free(s->mean);
    free(s->p);
    free(s->p_lo);
    free(s->p_hi);
    free(s->q);
}

/* Index of level `lv` among the quantile levels, or nq. */
static size_t sum_level(const double *lev, size_t nq, double lv)
{
    for (size_t i = 0; i < nq; i++)
        if (fabs(lev[i] - lv) < 1e-9)
            return i;
    return nq;
}

/* Units and direction of every metric, from metrics/<name>. */
static int sum_load_metric_attrs(hid_t g, const char *path, sum_scenario *s, phx_err *e)
{
    hid_t mg = H5Gopen2(g, "metrics", H5P_DEFAULT);
    if (mg < 0)
        return h5u_damaged(e, path, "scenario %s: cannot open group metrics", s->name);
    int st = PHX_OK;
    s->unit = phx_calloc(s->nm ? s->nm : 1, sizeof *s->unit);
    s->more = phx_calloc(s->nm ? s->nm : 1, sizeof *s->more);
    s->constraint = phx_calloc(s->nm ? s->nm : 1, sizeof *s->constraint);
    for (size_t m = 0; st == PHX_OK && m < s->nm; m++) {
        char *dir = NULL;
        hid_t d = H5Dopen2(mg, s->metric[m], H5P_DEFAULT);
        if (d < 0) {
            st = h5u_damaged(e, path, "scenario %s: cannot open metrics/%s", s->name, s->metric[m]);
            break;
        }
        st = h5u_read_attr_str(d, "units", &s->unit[m], path, e);
        if (st == PHX_OK)
            st = h5u_read_attr_str(d, "direction", &dir, path, e);
        if (st == PHX_OK)
            s->more[m] = strcmp(dir, "less") != 0;
        s->constraint[m] = H5Aexists(d, "constraint") > 0;
        free(dir);
        h5u_close(d);
    }
    h5u_close(mg);
    return st;
}

/* Read summary/ of scenario `name`: every array must agree on [metric x year (x quantile)]. */
static int sum_load_arrays(hid_t sg, const char *path, sum_scenario *s, phx_err *e)
{
    size_t d1[1], d2[2], d3[3], n;
    double *lev = NULL;
    int st;
    if ((st = h5u_read_strs(sg, "metric", &s->metric, &s->nm, path, e)) ||
        (st = h5u_read_f64(sg, "quantile", 1, &lev, d1, path, e)))
        return st;
    s->nq = d1[0];
    s->q05 = sum_level(lev, s->nq, 0.05);
    s->q50 = sum_level(lev, s->nq, 0.50);
    s->q95 = sum_level(lev, s->nq, 0.95);
    free(lev);
    if (s->q05 == s->nq || s->q50 == s->nq || s->q95 == s->nq)
        return phx_fail(e, PHX_EINPUT, path, 0, NULL,
                        "scenario %s: summary/quantile lacks 0.05, 0.5 or 0.95", s->name);
    if ((st = h5u_read_f64(sg, "target", 1, &s->target, &n, path, e)) ||
        (st = h5u_read_f64(sg, "mean", 2, &s->mean, d2, path, e)))
        return st;
    s->ny = d2[1];
    struct { const char *name; double **v; } cols[] = {
        { "p_target", &s->p }, { "p_target_lower", &s->p_lo }, { "p_target_upper", &s->p_hi },
    };
    int bad = n != s->nm || d2[0] != s->nm || s->ny == 0;
    for (size_t i = 0; !bad && i < sizeof cols / sizeof cols[0]; i++) {
        if ((st = h5u_read_f64(sg, cols[i].name, 2, cols[i].v, d2, path, e)))
            return st;
        bad = d2[0] != s->nm || d2[1] != s->ny;
    }
    if (!bad && (st = h5u_read_f64(sg, "quantiles", 3, &s->q, d3, path, e)))
        return st;
    if (bad || d3[0] != s->nm || d3[1] != s->ny || d3[2] != s->nq)
        return phx_fail(e, PHX_EINPUT, path, 0, NULL,
                        "scenario %s: summary datasets disagree on their shapes", s->name);
    return PHX_OK;
}

static int sum_load(hid_t f, const char *path, const char *name, sum_scenario *s, phx_err *e)
{
    hid_t g = -1, sg = -1;
    memset(s, 0, sizeof *s);
    s->name = phx_strdup(name);
    int st = h5u_open_scenario(f, path, name, &g, e);
    if (st == PHX_OK)
        st = h5u_read_attr_str(g, "model", &s->model, path, e);
    if (st == PHX_OK)
        st = h5u_read_span(g, path, &s->n_rep, &s->year_first, &s->year_last, e);
    if (st == PHX_OK) {
        int ex = h5u_exists(g, "summary");
        if (ex <= 0)
            st = ex < 0 ? h5u_damaged(e, path, "scenario %s: cannot look up summary", name)
                        : phx_fail(e, PHX_EINPUT, path, 0, NULL, "scenario %s has no summary "
                                   "(the run did not finish)", name);
    }
    if (st == PHX_OK && (sg = H5Gopen2(g, "summary", H5P_DEFAULT)) < 0)
        st = h5u_damaged(e, path, "scenario %s: cannot open summary", name);
    if (st == PHX_OK)
        st = sum_load_arrays(sg, path, s, e);
    if (st == PHX_OK && (int64_t)s->ny != (int64_t)s->year_last - s->year_first + 1)
        st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "scenario %s: summary has %zu years, "
                      "year_first..year_last %d", name, s->ny, (int)(s->year_last - s->year_first + 1));
    if (st == PHX_OK)
        st = sum_load_metric_attrs(g, path, s, e);
    h5u_close(sg);
    h5u_close(g);
    return st;
}

/* ---- comparisons ------------------------------------------------------------------------ */

static void sum_cmp_free(sum_cmp *c)
{
    free(c->an);
    free(c->bn);
    free(c->mean);
    free(c->se);
    free(c->seu);
    free(c->pb);
}

static int sum_cmp_read(hid_t top, const char *cname, const char *path, sum_cmp *c, phx_err *e)
{
    hid_t g = H5Gopen2(top, cname, H5P_DEFAULT);
    int st = g < 0 ? h5u_damaged(e, path, "cannot open /comparisons/%s", cname) : PHX_OK;
    if (st == PHX_OK)
        st = h5u_read_attr_str(g, "a", &c->an, path, e);
    if (st == PHX_OK)
        st = h5u_read_attr_str(g, "b", &c->bn, path, e);
    if (st == PHX_OK)
        st = h5u_read_f64(g, "mean_diff", 2, &c->mean, c->dims, path, e);
    /* every array must have mean_diff's shape (a tampered one would be read past its end) */
    const char *names[] = { "stderr_diff", "stderr_unpaired", "p_better" };
    double **dst[] = { &c->se, &c->seu, &c->pb };
    for (int i = 0; st == PHX_OK && i < 3; i++) {
        size_t d[2];
        st = h5u_read_f64(g, names[i], 2, dst[i], d, path, e);
        if (st == PHX_OK && (d[0] != c->dims[0] || d[1] != c->dims[1]))
            st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "/comparisons/%s/%s: shape %zu x %zu, "
                          "mean_diff's is %zu x %zu", cname, names[i], d[0], d[1], c->dims[0],
                          c->dims[1]);
    }
    h5u_close(g);
    return st;
}

/* A comparison matched with its scenarios. */
static int sum_cmp_match(sum_file *f, sum_cmp *c, const char *cname, const char *path, phx_err *e)
{
    for (size_t k = 0; k < f->n_sc; k++) {
        if (strcmp(f->sc[k].name, c->an) == 0)
            c->a = &f->sc[k];
        if (strcmp(f->sc[k].name, c->bn) == 0)
            c->b = &f->sc[k];
    }
    if (c->a == NULL || c->b == NULL || c->dims[0] != c->a->nm || c->dims[1] != c->a->ny ||
        c->b->nm != c->a->nm || c->b->ny != c->a->ny)
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "/comparisons/%s does not match its scenarios", cname);
    return PHX_OK;
}

/* Every /comparisons/<b>_vs_<a>, in the order written. */
static int sum_load_comparisons(hid_t file, const char *path, sum_file *f, phx_err *e)
{
    if (h5u_exists(file, "comparisons") <= 0)
        return PHX_OK;
    int st = PHX_OK;
    H5G_info_t info;
    hid_t top = H5Gopen2(file, "comparisons", H5P_DEFAULT);
    if (top < 0 || H5Gget_info(top, &info) < 0) {
        h5u_close(top);
        return h5u_damaged(e, path, "cannot open /comparisons");
    }
    f->cmp = phx_calloc(info.nlinks ? info.nlinks : 1, sizeof *f->cmp);
    for (hsize_t i = 0; st == PHX_OK && i < info.nlinks; i++) {
        char cname[512];
        if (H5Lget_name_by_idx(top, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i, cname, sizeof cname,
                               H5P_DEFAULT) < 0 &&
            H5Lget_name_by_idx(top, ".", H5_INDEX_NAME, H5_ITER_INC, i, cname, sizeof cname,
                               H5P_DEFAULT) < 0) {
            st = h5u_damaged(e, path, "cannot list /comparisons");
            break;
        }
        sum_cmp *c = &f->cmp[f->n_cmp++];
        st = sum_cmp_read(top, cname, path, c, e);
        if (st == PHX_OK)
            st = sum_cmp_match(f, c, cname, path, e);
    }
    h5u_close(top);
    return st;
}

void sum_file_free(sum_file *f)
{
    for (size_t i = 0; i < f->n_sc; i++)
        sum_scenario_free(&f->sc[i]);
    for (size_t i = 0; i < f->n_cmp; i++)
        sum_cmp_free(&f->cmp[i]);
    free(f->sc);
    free(f->cmp);
    memset(f, 0, sizeof *f);
}

static int sum_load_file(const char *path, sum_file *f, phx_err *e)
{
    hid_t file;
    char **names = NULL;
    size_t n = 0;
    memset(f, 0, sizeof *f);
    int st = h5u_open_results(path, &file, e);
    if (st != PHX_OK)
        return st;
    st = h5u_scenario_names(file, path, &names, &n, e);
    f->sc = phx_calloc(n ? n : 1, sizeof *f->sc);
    for (size_t i = 0; st == PHX_OK && i < n; i++) {
        st = sum_load(file, path, names[i], &f->sc[i], e);
        f->n_sc++;                      /* freed later, loaded or not (as sum_load expects) */
    }
    if (st == PHX_OK)
        st = sum_load_comparisons(file, path, f, e);
    h5u_strs_free(names, n);
    h5u_close(file);
    return st;
}

/* ---- what is shown ---------------------------------------------------------------------- */

int sum_metric_shown(const sum_scenario *s, size_t m, const sum_select *o)
{
    if (o->metrics == NULL)
        return 1;
    for (size_t k = 0; k < o->n_metrics; k++)
        if (strcmp(o->metrics[k], s->metric[m]) == 0)
            return 1;
    return 0;
}

void sum_years(const sum_scenario *s, const sum_select *o, size_t *y0, size_t *y1)
{
    *y0 = 0;
    *y1 = s->ny - 1;
    if (o->year == H5_SUMMARY_LAST)
        *y0 = s->ny - 1;
    else if (o->year != H5_SUMMARY_ALL)
        *y0 = *y1 = (size_t)(o->year - s->year_first);
}

const sum_cmp *sum_cmp_of(const sum_file *f, const sum_scenario *s)
{
    for (size_t k = 0; k < f->n_cmp; k++)
        if (f->cmp[k].b == s)
            return &f->cmp[k];
    return NULL;
}

/* The selection against the file: the scenario, the metrics and the year exist. */
static int sum_check_select(const sum_file *f, const sum_select *o, const char *path, phx_err *e)
{
    size_t hit = 0;
    for (size_t i = 0; i < f->n_sc; i++) {
        const sum_scenario *s = &f->sc[i];
        if (o->scenario != NULL && strcmp(o->scenario, s->name) != 0)
            continue;
        hit++;
        for (size_t k = 0; k < o->n_metrics; k++) {
            size_t m = 0;
            while (m < s->nm && strcmp(s->metric[m], o->metrics[k]) != 0)
                m++;
            if (m == s->nm)
                return phx_fail(e, PHX_EINPUT, path, 0, "--metric", "'%s': scenario %s has no such "
                                "metric", o->metrics[k], s->name);
        }
        if (o->year != H5_SUMMARY_LAST && o->year != H5_SUMMARY_ALL &&
            (o->year < s->year_first || o->year > s->year_last))
            return phx_fail(e, PHX_EINPUT, path, 0, "--year", "%d: scenario %s covers %d-%d", o->year,
                            s->name, (int)s->year_first, (int)s->year_last);
    }
    if (o->scenario != NULL && hit == 0)
        return phx_fail(e, PHX_EINPUT, path, 0, "--scenario", "'%s': no such scenario in the file",
                        o->scenario);
    return PHX_OK;
}

static int sum_format_of(const char *format, sum_format *f, phx_err *e)
{
    static const char *const words[] = { "table", "csv", "md", "xlsx" };
    for (int k = 0; k < 4; k++)
        if (format != NULL && strcmp(format, words[k]) == 0) {
            *f = (sum_format)k;
            return PHX_OK;
        }
    return phx_fail(e, PHX_EINPUT, NULL, 0, "--format", "'%s': expected table, csv, md or xlsx",
                    format != NULL ? format : "");
}

int h5_summary_report(const char *path, const h5_summary_opts *opts, FILE *out, phx_err *e)
{
    sum_select o = { SUM_TABLE, opts->scenario, opts->year, opts->metrics, opts->n_metrics };
    int st = sum_format_of(opts->format, &o.f, e);
    if (st == PHX_OK && o.f == SUM_XLSX && opts->output == NULL)
        st = phx_fail(e, PHX_EINPUT, NULL, 0, "--format", "xlsx needs -o FILE.xlsx");
    if (st != PHX_OK)
        return st;
    sum_file f;
    st = sum_load_file(path, &f, e);
    if (st == PHX_OK)
        st = sum_check_select(&f, &o, path, e);
    if (st == PHX_OK && o.f == SUM_XLSX)
        st = sum_write_xlsx(&f, &o, path, opts->output, opts->force, e);
    else if (st == PHX_OK && o.f == SUM_CSV)
        sum_print_csv(&f, &o, out);
    else if (st == PHX_OK)
        sum_print_text(&f, &o, out);
    sum_file_free(&f);
    if (st == PHX_OK && ferror(out))
        st = phx_fail(e, PHX_ERUN, NULL, 0, NULL, "cannot write the summary");
    return st;
}

int h5_summary_print(const char *path, const char *format, FILE *out, phx_err *e)
{
    h5_summary_opts o = { .format = format, .year = H5_SUMMARY_LAST };
    return h5_summary_report(path, &o, out, e);
}
