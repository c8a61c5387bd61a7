/* plot_scenario.c -- the charts of one scenario: a metric's fan over the years, P(target met)
 * with its 95% intervals, and the districts as small multiples. */
#include "rpt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <plplot.h>

size_t rpt_shown_metrics(const rpt_scenario *s, size_t **idx)
{
    size_t n = 0;
    *idx = phx_malloc((s->nm ? s->nm : 1) * sizeof **idx);
    for (size_t m = 0; m < s->nm; m++)
        if (!isnan(s->metric[m].target))
            (*idx)[n++] = m;
    for (size_t m = 0; n == 0 && m < s->nm; m++)
        (*idx)[m] = m;
    return n ? n : s->nm;
}

const rpt_metric *rpt_find_metric(const rpt_file *f, const char *name)
{
    for (size_t i = 0; i < f->ns; i++) {
        size_t m = rpt_metric_index(&f->sc[i], name);
        if (m < f->sc[i].nm)
            return &f->sc[i].metric[m];
    }
    return NULL;
}

/* Quantile `lv` of metric m, year y (NaN when the file lacks that level). */
static double quant(const rpt_scenario *s, size_t m, size_t y, double lv)
{
    size_t j = rpt_level(s->qlev, s->nq, lv);
    return j < s->nq ? s->q[(m * s->ny + y) * s->nq + j] : NAN;
}

static const double fan_lv[5] = { 0.05, 0.25, 0.50, 0.75, 0.95 };
static const char *const fan_name[5] = { "q05", "q25", "q50", "q75", "q95" };

void chart_fan(plot_ctx *c, const void *arg)
{
    const plot_arg *a = arg;
    const rpt_scenario *s = &a->f->sc[a->s];
    const rpt_metric *m = &s->metric[a->m];
    size_t ny = s->ny, nx = ny == 1 ? 2 : ny;
    double *x = phx_malloc(nx * sizeof *x), *q[5], *yr = phx_malloc(nx * sizeof *yr);
    double *all = phx_malloc((2 * nx + 1) * sizeof *all);
    for (int k = 0; k < 5; k++) {
        q[k] = phx_malloc(nx * sizeof *q[k]);
        for (size_t y = 0; y < nx; y++)
            q[k][y] = quant(s, a->m, ny == 1 ? 0 : y, fan_lv[k]);
    }
    for (size_t y = 0; y < nx; y++)   /* one year: a band 0.6 wide around it */
        x[y] = ny == 1 ? s->year_first + (y ? 0.3 : -0.3) : (double)(s->year_first + (int)y);
    double lo, hi;
    size_t k = 0;
    for (size_t y = 0; y < nx; y++) {
        all[k++] = q[0][y];
        all[k++] = q[4][y];
    }
    all[k++] = m->target;
    plot_range(all, k, &lo, &hi);
    char label[512];
    rpt_metric_label(m, c->lang, label, sizeof label);
    snprintf(c->title, sizeof c->title, "%s: %s", s->name, label);
    plvpor(0.19, 0.96, 0.30, 0.90);
    plot_frame(x[0] - (ny == 1 ? 0.7 : 0.2), x[nx - 1] + (ny == 1 ? 0.7 : 0.2), lo, hi,
               rpt_t(c->lang, T_YEAR), m->unit, label, 1);
    plot_band(nx, x, q[0], q[4], PC_BAND1);
    plot_band(nx, x, q[1], q[3], PC_BAND2);
    plot_line(nx, x, q[2], PC_LINE, 1, 2.5);
    if (!isnan(m->target)) {
        double tx[2] = { x[0] - 1, x[nx - 1] + 1 }, ty[2] = { m->target, m->target };
        plot_line(2, tx, ty, PC_TARGET, 2, 2);
    }
    const char *lt[4] = { "5–95%", "25–75%", rpt_t(c->lang, T_MEDIAN), rpt_t(c->lang, T_TARGET) };
    static const int il[4] = { 0, 0, 1, 1 }, pc[4] = { PC_BAND1, PC_BAND2, PC_LINE, PC_TARGET },
                     st[4] = { 1, 1, 1, 2 };
    plot_legend(isnan(m->target) ? 3 : 4, lt, il, pc, st);
    for (size_t y = 0; y < ny; y++)
        yr[y] = s->year_first + (int)y;
    char name[300];
    for (int j = 0; j < 5; j++) {
        snprintf(name, sizeof name, "fan/%s/%s", m->name, fan_name[j]);
        plot_series(c, name, ny, yr, q[j]);
    }
    snprintf(name, sizeof name, "fan/%s/target", m->name);
    plot_value(c, name, m->target);
    for (int j = 0; j < 5; j++)
        free(q[j]);
    free(x);
    free(yr);
    free(all);
}

void chart_ptarget(plot_ctx *c, const void *arg)
{
    const plot_arg *a = arg;
    const rpt_scenario *s = &a->f->sc[a->s];
    size_t n = 0, *idx = phx_malloc((s->nm ? s->nm : 1) * sizeof *idx), last = s->ny - 1;
    for (size_t m = 0; m < s->nm; m++)
        if (!isnan(s->metric[m].target))
            idx[n++] = m;
    char **lab = phx_calloc(n ? n : 1, sizeof *lab);
    for (size_t i = 0; i < n; i++) {
        lab[i] = phx_malloc(512);
        rpt_metric_label(&s->metric[idx[i]], c->lang, lab[i], 512);
    }
    snprintf(c->title, sizeof c->title, "%s: %s %d", s->name, rpt_t(c->lang, T_PTARGET), (int)s->year_last);
    plot_hframe(n, (const char *const *)lab, 0, 1, rpt_t(c->lang, T_PTARGET), c->title);
    for (size_t i = 0; i < n; i++) {
        size_t k = idx[i] * s->ny + last;
        double row = (double)(n - 1 - i), v[3] = { s->p[k], s->p_lo[k], s->p_hi[k] };
        if (!isnan(v[0]))
            plot_rect(0, v[0], row - 0.32, row + 0.32, PC_BAR);
        plot_whisker(row, v[1], v[2], 1, PC_ERR);
        char name[300];
        snprintf(name, sizeof name, "p_target/%s", s->metric[idx[i]].name);
        plot_series(c, name, 3, NULL, v);
        free(lab[i]);
    }
    free(lab);
    free(idx);
}

/* One panel: metric k of the by-group metrics, each district's median and 90% interval. */
static void district_panel(plot_ctx *c, const rpt_scenario *s, size_t k, size_t pi, size_t np)
{
    const rpt_metric *m = &s->metric[s->gm[k]];
    const double *g = s->gq + k * s->ng * 3;
    double lo, hi, *all = phx_malloc(2 * s->ng * sizeof *all);
    for (size_t i = 0; i < s->ng; i++) {
        all[2 * i] = g[3 * i];
        all[2 * i + 1] = g[3 * i + 2];
    }
    plot_range(all, 2 * s->ng, &lo, &hi);
    if (lo > 0 && lo < 0.3 * hi)
        lo = 0;
    char label[512];
    rpt_metric_label(m, c->lang, label, sizeof label);
    plot_panel(pi, np, 0.14, 0.96, 0.33, 0.86);
    plot_frame(-0.6, (double)s->ng - 0.4, lo, hi, "", m->unit, label, 2);
    double *x = phx_malloc(s->ng * sizeof *x), *med = phx_malloc(s->ng * sizeof *med);
    for (size_t i = 0; i < s->ng; i++) {
        x[i] = (double)i;
        med[i] = g[3 * i + 1];
        plot_rect(i - 0.3, i + 0.3, lo > 0 ? lo : 0, med[i], PC_BAND2);
        plot_whisker((double)i, g[3 * i], g[3 * i + 2], 0, PC_ERR);
        plot_color(PC_INK);
        plot_mtex("bv", 0.6, (i + 0.5) / (double)s->ng, 1.0, s->group[i]);
    }
    char name[300];
    static const char *const qn[3] = { "q05", "q50", "q95" };
    for (int j = 0; j < 3; j++) {
        for (size_t i = 0; i < s->ng; i++)
            all[i] = g[3 * i + (size_t)j];
        snprintf(name, sizeof name, "districts/%s/%s", m->name, qn[j]);
        plot_series(c, name, s->ng, x, all);
    }
    free(x);
    free(med);
    free(all);
}

/* The by-group metrics a district chart shows: those with a target, else all. */
static size_t district_metrics(const rpt_scenario *s, size_t *out)
{
    size_t n = 0;
    for (size_t k = 0; k < s->n_gm; k++)
        if (!isnan(s->metric[s->gm[k]].target))
            out[n++] = k;
    for (size_t k = 0; n == 0 && k < s->n_gm; k++)
        out[k] = k;
    return n ? n : s->n_gm;
}

void chart_districts(plot_ctx *c, const void *arg)
{
    const plot_arg *a = arg;
    const rpt_scenario *s = &a->f->sc[a->s];
    size_t *which = phx_malloc((s->n_gm ? s->n_gm : 1) * sizeof *which);
    size_t n = district_metrics(s, which);
    snprintf(c->title, sizeof c->title, "%s: %s %d", s->name, rpt_t(c->lang, T_DISTRICTS),
             (int)s->year_last);
    plot_labels(c, "districts/groups", s->ng, (const char *const *)s->group);
    plschr(3.1, 1.0);
    for (size_t i = 0; i < n; i++) {
        district_panel(c, s, which[i], i, n);
    }
    free(which);
}

/* Height of the district chart: a row of two panels per two metrics. */
int chart_districts_height(const rpt_scenario *s)
{
    size_t *which = phx_malloc((s->n_gm ? s->n_gm : 1) * sizeof *which);
    size_t n = district_metrics(s, which);
    free(which);
    return 270 * (int)((n + 1) / 2 > 0 ? (n + 1) / 2 : 1) + 20;
}
