/* report_read2.c -- what the report shows beyond the scenarios: /comparisons, /sweep, /fund and
 * /sensitivity/<method> (docs/output.md; the sensitivity groups as issue 11 writes them). */
#include "rpt.h"
#include "h5w.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const rpt_sens_group[RPT_SENS_N] = { "sobol", "morris", "tornado" };
const char *const rpt_sens_names[RPT_SENS_N][RPT_SENS_MAXV] = {
    { "S1", "S1_lower", "S1_upper", "ST", "ST_lower", "ST_upper", NULL },
    { "mu_star", "mu_star_lower", "mu_star_upper", "sigma", NULL, NULL, NULL },
    { "low", "high", "swing", "p_low", "p_high", "p_swing", "base" },
};

static char *opt_str(hid_t loc, const char *name)
{
    char *s = NULL;
    if (H5Aexists(loc, name) > 0 && h5u_read_attr_str(loc, name, &s, NULL, NULL) != PHX_OK)
        s = NULL;
    return s;
}

/* An optional numeric attribute (any integer or float type), `def` when absent. */
static double opt_num(hid_t loc, const char *name, double def)
{
    double v = def;
    hid_t a = H5Aexists(loc, name) > 0 ? H5Aopen(loc, name, H5P_DEFAULT) : -1;
    if (a >= 0 && H5Aread(a, H5T_NATIVE_DOUBLE, &v) < 0)
        v = def;
    h5u_close(a);
    return v;
}

/* An optional float64 dataset of rank `rank`: NULL (and PHX_OK) when absent. */
static int opt_f64(hid_t g, const char *name, int rank, double **v, size_t *dims, const char *path,
                   phx_err *e)
{
    *v = NULL;
    if (h5u_exists(g, name) <= 0)
        return PHX_OK;
    return h5u_read_f64(g, name, rank, v, dims, path, e);
}

/* ---- comparisons ------------------------------------------------------------------------- */

static int read_comparison(hid_t top, const char *path, const char *name, rpt_file *f,
                           rpt_comparison *c, phx_err *e)
{
    hid_t g = H5Gopen2(top, name, H5P_DEFAULT);
    size_t d[2] = { 0, 0 };
    c->name = phx_strdup(name);
    int st = g < 0 ? h5u_damaged(e, path, "cannot open /comparisons/%s", name) : PHX_OK;
    if (st == PHX_OK)
        st = h5u_read_attr_str(g, "a", &c->a, path, e);
    if (st == PHX_OK)
        st = h5u_read_attr_str(g, "b", &c->b, path, e);
    double **arr[] = { &c->q05, &c->q50, &c->q95, &c->p_better };
    static const char *const an[] = { "diff_q05", "diff_q50", "diff_q95", "p_better" };
    size_t d0[2] = { 0, 0 };
    for (int k = 0; st == PHX_OK && k < 4; k++) {
        st = h5u_read_f64(g, an[k], 2, arr[k], k == 0 ? d : d0, path, e);
        if (st == PHX_OK && k > 0)              /* every array has diff_q05's shape */
            st = h5u_shape(path, an[k], 2, d0, d, e);
    }
    char **metric = NULL;
    size_t nmet = 0;
    if (st == PHX_OK)
        st = h5u_read_strs(g, "metric", &metric, &nmet, path, e);
    if (st == PHX_OK) {
        c->ia = rpt_scenario_index(f, c->a);
        c->ib = rpt_scenario_index(f, c->b);
        c->nm = d[0];
        c->ny = d[1];
        int bad = c->ia == f->ns || c->ib == f->ns || f->sc[c->ia].nm != c->nm ||
                  f->sc[c->ia].ny != c->ny || nmet != c->nm;
        for (size_t m = 0; !bad && m < nmet; m++)      /* the rows are the scenario's metrics */
            bad = strcmp(metric[m], f->sc[c->ia].metric[m].name) != 0;
        if (bad)
            st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "/comparisons/%s does not match its "
                          "scenarios", name);
    }
    h5u_strs_free(metric, nmet);
    h5u_close(g);
    return st;
}

/* H5Literate callback: collect link names in creation order. */
static herr_t collect(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    rpt_buf *b = data;
    rpt_buf_add(b, name, strlen(name) + 1);
    return 0;
}

/* Names of the links of group `g` as one buffer of NUL-separated names. */
static int list_links(hid_t g, rpt_buf *b)
{
    hsize_t idx = 0;
    herr_t r;
    H5E_BEGIN_TRY {
        r = H5Literate(g, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, collect, b);
    } H5E_END_TRY;
    if (r < 0) {
        b->len = 0;
        idx = 0;
        r = H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, collect, b);
    }
    return r < 0 ? -1 : 0;
}

static int read_comparisons(hid_t file, rpt_file *f, phx_err *e)
{
    if (h5u_exists(file, "comparisons") <= 0)
        return PHX_OK;
    hid_t top = H5Gopen2(file, "comparisons", H5P_DEFAULT);
    rpt_buf names = { 0 };
    if (top < 0 || list_links(top, &names) < 0) {
        h5u_close(top);
        rpt_buf_free(&names);
        return h5u_damaged(e, f->path, "cannot list /comparisons");
    }
    int st = PHX_OK;
    for (size_t o = 0; o < names.len; o += strlen(names.s + o) + 1)
        f->nc++;
    f->cmp = phx_calloc(f->nc ? f->nc : 1, sizeof *f->cmp);
    size_t i = 0;
    for (size_t o = 0; st == PHX_OK && o < names.len; o += strlen(names.s + o) + 1)
        st = read_comparison(top, f->path, names.s + o, f, &f->cmp[i++], e);
    rpt_buf_free(&names);
    h5u_close(top);
    return st;
}

/* ---- sweep ---------------------------------------------------------------------------------- */

static int read_sweep(hid_t file, rpt_file *f, phx_err *e)
{
    if (h5u_exists(file, "sweep") <= 0)
        return PHX_OK;
    rpt_sweep *w = f->sweep = phx_calloc(1, sizeof *w);
    hid_t g = H5Gopen2(file, "sweep", H5P_DEFAULT);
    size_t d[2];
    int st = g < 0 ? h5u_damaged(e, f->path, "cannot open /sweep") : PHX_OK;
    if (st == PHX_OK)
        st = h5u_read_strs(g, "point", &w->point, &w->np, f->path, e);
    if (st == PHX_OK)
        st = h5u_read_strs(g, "lever", &w->lever, &w->nl, f->path, e);
    if (st == PHX_OK)
        st = h5u_read_strs(g, "metric", &w->metric, &w->nm, f->path, e);
    size_t want[2] = { w->np, w->nm };
    if (st == PHX_OK)
        st = h5u_read_f64(g, "mean", 2, &w->mean, d, f->path, e);
    if (st == PHX_OK)
        st = h5u_shape(f->path, "/sweep/mean", 2, d, want, e);
    if (st == PHX_OK)
        st = h5u_read_f64(g, "p_target", 2, &w->p, d, f->path, e);
    if (st == PHX_OK)
        st = h5u_shape(f->path, "/sweep/p_target", 2, d, want, e);
    w->year = (int64_t)opt_num(g, "year", 0);
    w->value = phx_calloc(w->np * w->nl + 1, sizeof *w->value);
    if (st == PHX_OK)
        st = h5_sweep_read_values(g, f->path, w->np * w->nl, w->value, e);
    h5u_close(g);
    return st;
}

/* ---- fund ------------------------------------------------------------------------------------ */

/* The scenario's own value: the report row whose quantity starts "scenario_". */
static double fund_scenario_value(hid_t g, const char *path, phx_err *e)
{
    char **q = NULL;
    size_t n = 0, d[1];
    double *v = NULL, out = NAN;
    if (h5u_read_strs(g, "quantity", &q, &n, path, e) == PHX_OK &&
        h5u_read_f64(g, "value", 1, &v, d, path, e) == PHX_OK && d[0] == n)
        for (size_t i = 0; i < n; i++)
            if (strncmp(q[i], "scenario_", 9) == 0)
                out = v[i];
    h5u_strs_free(q, n);
    free(v);
    return out;
}

static int read_fund(hid_t file, rpt_file *f, phx_err *e)
{
    if (h5u_exists(file, "fund") <= 0)
        return PHX_OK;
    rpt_fund *u = f->fund = phx_calloc(1, sizeof *u);
    hid_t g = H5Gopen2(file, "fund", H5P_DEFAULT);
    size_t d[2] = { 0, 0 }, dq[2] = { 0, 0 };
    double *yr = NULL;
    int st = g < 0 ? h5u_damaged(e, f->path, "cannot open /fund") : PHX_OK;
    if (st == PHX_OK) {
        u->mode = opt_str(g, "mode");
        u->key = opt_str(g, "key");
        u->units = opt_str(g, "units");
        u->scenario = opt_str(g, "scenario");
        u->confidence = opt_num(g, "confidence", NAN);
        u->answer = opt_num(g, "answer", NAN);
        u->lower = opt_num(g, "answer_lower", NAN);
        u->upper = opt_num(g, "answer_upper", NAN);
        u->p_never = opt_num(g, "p_no_shortfall", NAN);
        u->scenario_value = fund_scenario_value(g, f->path, e);
        st = h5u_read_f64(g, "year", 1, &yr, d, f->path, e);
    }
    u->ny = d[0];
    u->year = phx_calloc(u->ny + 1, sizeof *u->year);
    for (size_t y = 0; yr != NULL && y < u->ny; y++)
        u->year[y] = (int32_t)yr[y];
    free(yr);
    if (st == PHX_OK)
        st = h5u_read_f64(g, "quantile", 1, &u->qlev, dq, f->path, e);
    u->nq = dq[0];
    if (st == PHX_OK)
        st = opt_f64(g, "balance_quantiles", 2, &u->fan, d, f->path, e);
    if (st == PHX_OK)
        st = opt_f64(g, "balance_quantiles_at_answer", 2, &u->fan_answer, d, f->path, e);
    if (st == PHX_OK)
        st = opt_f64(g, "p_first_shortfall", 1, &u->p_first, d, f->path, e);
    if (st == PHX_OK && (st = opt_f64(g, "breakeven", 1, &u->breakeven, d, f->path, e)) == PHX_OK)
        u->n_be = u->breakeven ? d[0] : 0;
    if (st == PHX_OK && (st = opt_f64(g, "search_value", 1, &u->search_value, d, f->path, e)) == PHX_OK)
        u->n_search = u->search_value ? d[0] : 0;
    if (st == PHX_OK)
        st = opt_f64(g, "search_p_targets", 1, &u->search_p, d, f->path, e);
    h5u_close(g);
    return st;
}

/* ---- sensitivity --------------------------------------------------------------------------- */

static int read_sens(hid_t top, const char *path, int method, rpt_sens *s, phx_err *e)
{
    hid_t g = H5Gopen2(top, rpt_sens_group[method], H5P_DEFAULT);
    int st = g < 0 ? h5u_damaged(e, path, "cannot open /sensitivity/%s", rpt_sens_group[method]) : PHX_OK;
    s->method = method;
    s->ny = 1;
    s->year = -1;
    if (st == PHX_OK) {
        s->scenario = opt_str(g, "scenario");
        s->N = (int64_t)opt_num(g, "N", 0);
        s->seed = (int64_t)opt_num(g, "seed", 0);
        s->year = (int64_t)opt_num(g, "year", -1);
        st = h5u_read_strs(g, "metric", &s->metric, &s->nm, path, e);
    }
    if (st == PHX_OK)
        st = h5u_read_strs(g, "factor", &s->factor, &s->nf, path, e);
    if (st == PHX_OK && method != RPT_SENS_TORNADO) {
        double *y = NULL;
        size_t d[1];
        st = h5u_read_f64(g, "year", 1, &y, d, path, e);
        s->ny = st == PHX_OK ? d[0] : 0;
        s->years = phx_calloc(s->ny + 1, sizeof *s->years);
        for (size_t k = 0; k < s->ny; k++)
            s->years[k] = (int32_t)y[k];
        free(y);
    }
    for (int k = 0; st == PHX_OK && k < RPT_SENS_MAXV && rpt_sens_names[method][k]; k++) {
        const char *nm = rpt_sens_names[method][k];
        int base = method == RPT_SENS_TORNADO && strcmp(nm, "base") == 0;
        int rank = method == RPT_SENS_TORNADO ? (base ? 1 : 2) : 3;
        size_t d[3] = { 0, 0, 0 }, want[3] = { s->nm, method == RPT_SENS_TORNADO ? s->nf : s->ny, s->nf };
        st = h5u_read_f64(g, nm, rank, &s->v[k], d, path, e);
        for (int j = 0; st == PHX_OK && j < rank; j++)
            if (d[j] != want[j])
                st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "/sensitivity/%s/%s has the wrong shape",
                              rpt_sens_group[method], nm);
    }
    h5u_close(g);
    return st;
}

static int read_sensitivity(hid_t file, rpt_file *f, phx_err *e)
{
    if (h5u_exists(file, "sensitivity") <= 0)
        return PHX_OK;
    hid_t top = H5Gopen2(file, "sensitivity", H5P_DEFAULT);
    int st = top < 0 ? h5u_damaged(e, f->path, "cannot open /sensitivity") : PHX_OK;
    for (int m = 0; st == PHX_OK && m < RPT_SENS_N; m++) {
        if (h5u_exists(top, rpt_sens_group[m]) <= 0)
            continue;
        f->sens[m] = phx_calloc(1, sizeof *f->sens[m]);
        st = read_sens(top, f->path, m, f->sens[m], e);
    }
    h5u_close(top);
    return st;
}

int rpt_read_extras(hid_t file, rpt_file *f, phx_err *e)
{
    int st = read_comparisons(file, f, e);
    if (st == PHX_OK)
        st = read_sweep(file, f, e);
    if (st == PHX_OK)
        st = read_fund(file, f, e);
    if (st == PHX_OK)
        st = read_sensitivity(file, f, e);
    return st;
}

void rpt_free_extras(rpt_file *f)
{
    for (size_t i = 0; f->cmp != NULL && i < f->nc; i++) {
        rpt_comparison *c = &f->cmp[i];
        void *p[] = { c->name, c->a, c->b, c->q05, c->q50, c->q95, c->p_better };
        for (size_t k = 0; k < sizeof p / sizeof p[0]; k++)
            free(p[k]);
    }
    free(f->cmp);
    if (f->sweep != NULL) {
        rpt_sweep *w = f->sweep;
        for (size_t i = 0; i < w->np * w->nl; i++)
            free(w->value[i]);    /* strings read by HDF5 are malloc'd */
        free(w->value);
        h5u_strs_free(w->point, w->np);
        h5u_strs_free(w->lever, w->nl);
        h5u_strs_free(w->metric, w->nm);
        free(w->mean);
        free(w->p);
        free(w);
    }
    if (f->fund != NULL) {
        rpt_fund *u = f->fund;
        void *p[] = { u->mode, u->key, u->units, u->scenario, u->year, u->qlev, u->fan, u->fan_answer,
                      u->p_first, u->breakeven, u->search_value, u->search_p, u };
        for (size_t k = 0; k < sizeof p / sizeof p[0]; k++)
            free(p[k]);
    }
    for (int m = 0; m < RPT_SENS_N; m++) {
        rpt_sens *s = f->sens[m];
        if (s == NULL)
            continue;
        for (int k = 0; k < RPT_SENS_MAXV; k++)
            free(s->v[k]);
        h5u_strs_free(s->metric, s->nm);
        h5u_strs_free(s->factor, s->nf);
        free(s->years);
        free(s->scenario);
        free(s);
    }
}
