/* h5summary.c -- /scenarios/<name>/summary: the statistics of every metric and year, computed
 * from the rows written (one column at a time) when a scenario ends. */
#include "h5.h"
#include "h5util.h"
#include "h5w.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/layout.h"
#include "../engine/stats.h"


/* The [metric x year] summary arrays, filled column by column. */
typedef struct h5w_summary_t {
    size_t nm, ny;
    double *mean, *sd, *se, *p, *p_lo, *p_hi;   /* nm * ny */
    double *q;                                  /* nm * ny * STATS_NQ */
    double *target;                             /* nm; NaN without a target */
} h5w_summary_t;

static void h5w_summary_alloc(h5w_summary_t *s, size_t nm, size_t ny)
{
    size_t n = nm * ny > 0 ? nm * ny : 1;
    s->nm = nm;
    s->ny = ny;
    s->mean = phx_malloc(6 * n * sizeof *s->mean);
    s->sd = s->mean + n;
    s->se = s->sd + n;
    s->p = s->se + n;
    s->p_lo = s->p + n;
    s->p_hi = s->p_lo + n;
    s->q = phx_malloc(n * STATS_NQ * sizeof *s->q);
    s->target = phx_malloc((nm ? nm : 1) * sizeof *s->target);
}

static void h5w_summary_free(h5w_summary_t *s)
{
    free(s->mean);
    free(s->q);
    free(s->target);
}

/* Read column (all replications, year y) of dataset d into x[0..n-1]. */
static int h5w_read_column(const h5_writer *w, hid_t d, const char *name, size_t y, double *x,
                           phx_err *e)
{
    hsize_t start[2] = { 0, y }, count[2] = { w->n_written, 1 }, n = w->n_written;
    hid_t fspace = H5Dget_space(d), mspace = H5Screate_simple(1, &n, NULL);
    int ok = fspace >= 0 && mspace >= 0 &&
             H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
             H5Dread(d, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, x) >= 0;
    h5u_close(mspace);
    h5u_close(fspace);
    return ok ? PHX_OK : h5u_fail(e, w->path, "cannot read back metrics/%s", name);
}

/* Summarize every metric and year from the file; memory: one column of n_written values. */
static int h5w_summarize(const h5_writer *w, h5w_summary_t *s, phx_err *e)
{
    const scenario *sc = w->sc;
    double *x = phx_malloc((w->n_written ? w->n_written : 1) * sizeof *x);
    int st = PHX_OK;
    for (size_t m = 0; st == PHX_OK && m < s->nm; m++) {
        const metric_def *md = &sc->model->metrics[m];
        const scenario_target *t = scenario_target_of(sc, (int)m);
        s->target[m] = t != NULL ? t->value : NAN;
        for (size_t y = 0; st == PHX_OK && y < s->ny; y++) {
            size_t k = layout_cell(m, y, s->ny);
            stats_summary ss;
            if (w->n_written == 0) {           /* nothing to summarize: NaN throughout */
                s->mean[k] = s->sd[k] = s->se[k] = s->p[k] = s->p_lo[k] = s->p_hi[k] = NAN;
                for (size_t j = 0; j < STATS_NQ; j++)
                    s->q[k * STATS_NQ + j] = NAN;
                continue;
            }
            if ((st = h5w_read_column(w, w->metric[m], md->name, y, x, e)) != PHX_OK)
                break;
            stats_summarize(x, w->n_written, t != NULL, t != NULL ? t->value : 0.0, md->direction, &ss);
            s->mean[k] = ss.mean;
            s->sd[k] = ss.sd;
            s->se[k] = ss.se;
            s->p[k] = t != NULL ? ss.p_target : NAN;
            s->p_lo[k] = t != NULL ? ss.p_lower : NAN;
            s->p_hi[k] = t != NULL ? ss.p_upper : NAN;
            memcpy(&s->q[k * STATS_NQ], ss.q, sizeof ss.q);
        }
    }
    free(x);
    return st;
}

/* Write dataset `name` [dims] of `data` in `g`, its dimensions attached to `scales`, with a
 * long_name attribute. */
int h5w_summary_dataset(const h5_writer *w, hid_t g, const char *name, int rank,
                               const hsize_t *dims, const hid_t *scales, const double *data,
                               const char *long_name, phx_err *e)
{
    hsize_t total = 1;
    for (int k = 0; k < rank; k++)
        total *= dims[k];
    hid_t d = h5w_dataset(w, g, name, H5T_IEEE_F64LE, rank, dims, 0);
    int st = PHX_OK;
    if (d < 0 || (total > 0 && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0))
        st = h5u_fail(e, w->path, "cannot write summary/%s", name);
    if (st == PHX_OK)
        st = h5w_attach(w, d, name, scales, rank, e);
    if (st == PHX_OK)
        st = h5u_attr_str(d, "long_name", long_name, w->path, e);
    if (st != PHX_OK)
        h5u_close(d);
    else
        st = h5w_close(w, d, name, st, e);
    return st;
}

int h5w_units(const h5_writer *w, hid_t g, const char *name, const char *const *units, size_t n,
              phx_err *e)
{
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    int st = d < 0 ? h5u_fail(e, w->path, "cannot open %s to set its units", name)
             : units == NULL ? h5u_attr_str(d, "units", "1", w->path, e)
                             : h5u_attr_strs(d, "units_by_metric", units, n, w->path, e);
    h5u_close(d);
    return st;
}

static int h5w_write_summary(const h5_writer *w, const h5w_summary_t *s, phx_err *e)
{
    const scenario *sc = w->sc;
    const char **names = phx_malloc((s->nm ? s->nm : 1) * sizeof *names);
    for (size_t m = 0; m < s->nm; m++)
        names[m] = sc->model->metrics[m].name;
    hid_t g = h5w_group(w, w->sc_group, "summary", 1, e), sc3[3] = { -1, -1, -1 };
    int st = g < 0 ? PHX_ERUN : PHX_OK;
    if (st == PHX_OK &&
        ((sc3[0] = h5w_scale_names(w, g, "metric", names, s->nm, e)) < 0 ||
         (sc3[1] = h5w_scale_years(w, g, sc, e)) < 0 ||
         (sc3[2] = h5w_scale(w, g, "quantile", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, STATS_NQ,
                             stats_q_levels, e)) < 0))
        st = PHX_ERUN;
    hsize_t dims[3] = { s->nm, s->ny, STATS_NQ };
    if (st == PHX_OK)
        st = h5u_attr_i64(g, "n_replications", (int64_t)w->n_written, w->path, e);
    if (st == PHX_OK)
        st = h5u_attr_f64(g, "confidence", 0.95, w->path, e);
    if (st == PHX_OK)
        st = h5w_summary_dataset(w, g, "target", 1, dims, sc3, s->target,
                                 "target (NaN: none); met when value >= target (direction more) "
                                 "or <= target (direction less)", e);
    struct { const char *name; const double *v; const char *long_name; } cols[] = {
        { "mean", s->mean, "mean over replications" },
        { "sd", s->sd, "standard deviation over replications" },
        { "stderr", s->se, "standard error of the mean (sd / sqrt(n))" },
        { "p_target", s->p, "share of replications meeting the target (NaN: no target)" },
        { "p_target_lower", s->p_lo, "Wilson 95% interval of p_target: lower bound" },
        { "p_target_upper", s->p_hi, "Wilson 95% interval of p_target: upper bound" },
    };
    for (size_t i = 0; st == PHX_OK && i < sizeof cols / sizeof cols[0]; i++)
        st = h5w_summary_dataset(w, g, cols[i].name, 2, dims, sc3, cols[i].v, cols[i].long_name, e);
    if (st == PHX_OK)
        st = h5w_summary_dataset(w, g, "quantiles", 3, dims, sc3, s->q,
                                 "quantiles over replications at the levels of `quantile`", e);
    const char **units = phx_malloc((s->nm ? s->nm : 1) * sizeof *units);
    for (size_t m = 0; m < s->nm; m++)
        units[m] = sc->model->metrics[m].unit;
    static const char *const in_metric_units[] = { "target", "mean", "sd", "stderr", "quantiles" };
    for (size_t i = 0; st == PHX_OK && i < 5; i++)
        st = h5w_units(w, g, in_metric_units[i], units, s->nm, e);
    for (size_t i = 3; st == PHX_OK && i < sizeof cols / sizeof cols[0]; i++)
        st = h5w_units(w, g, cols[i].name, NULL, 0, e);          /* the p_target columns */
    free(units);
    for (int k = 0; k < 3; k++)
        h5u_close(sc3[k]);
    h5u_close(g);
    free(names);
    return st;
}

int h5w_summary(h5_writer *w, phx_err *e)
{
    h5w_summary_t s;
    h5w_summary_alloc(&s, w->n_metrics, (size_t)w->sc->n_years);
    int st = h5w_summarize(w, &s, e);
    if (st == PHX_OK)
        st = h5w_write_summary(w, &s, e);
    h5w_summary_free(&s);
    return st;
}
