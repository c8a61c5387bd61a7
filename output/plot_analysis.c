/* plot_analysis.c -- the charts of analyses over several scenarios: a comparison's paired
 * differences and P(better), a sweep's mean and P(target met) against each lever. */
#include "rpt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <plplot.h>

#define PANELS_MAX 12   /* a chart of panels shows at most this many metrics */

int chart_panels_height(size_t n_panels)
{
    size_t rows = (n_panels + 1) / 2;
    return 270 * (int)(rows > 0 ? rows : 1);
}

int chart_hbar_height(size_t rows)
{
    return 110 + 30 * (int)rows;
}

/* The metrics of comparison `c` shown: those with a target in `a`, else the first PANELS_MAX. */
static size_t cmp_metrics(const rpt_file *f, const rpt_comparison *c, size_t **idx)
{
    size_t n = rpt_shown_metrics(&f->sc[c->ia], idx);
    return n > PANELS_MAX ? PANELS_MAX : n;
}

size_t chart_compare_panels(const rpt_file *f, size_t ci)
{
    size_t *idx, n = cmp_metrics(f, &f->cmp[ci], &idx);
    free(idx);
    return n;
}

static void compare_panel(plot_ctx *c, const rpt_file *f, const rpt_comparison *cp, size_t m,
                          size_t pi, size_t np)
{
    const rpt_scenario *a = &f->sc[cp->ia];
    size_t ny = cp->ny, nx = ny == 1 ? 2 : ny, o = m * ny;
    double *x = phx_malloc(nx * sizeof *x), *lo = phx_malloc(nx * sizeof *lo),
           *md = phx_malloc(nx * sizeof *md), *hi = phx_malloc(nx * sizeof *hi),
           *all = phx_malloc((2 * nx + 1) * sizeof *all);
    for (size_t y = 0; y < nx; y++) {
        size_t k = o + (ny == 1 ? 0 : y);
        x[y] = ny == 1 ? a->year_first + (y ? 0.3 : -0.3) : (double)(a->year_first + (int)y);
        lo[y] = all[2 * y] = cp->q05[k];
        md[y] = cp->q50[k];
        hi[y] = all[2 * y + 1] = cp->q95[k];
    }
    all[2 * nx] = 0;
    double y0, y1;
    plot_range(all, 2 * nx + 1, &y0, &y1);
    char label[512], pb[300];
    rpt_metric_label(&a->metric[m], c->lang, label, sizeof label);
    snprintf(pb, sizeof pb, "%s %d: %.3f", rpt_t(c->lang, T_PBETTER), (int)a->year_last,
             cp->p_better[o + ny - 1]);
    plot_panel(pi, np, 0.14, 0.96, 0.22, 0.86);
    plot_frame(x[0] - 0.2, x[nx - 1] + 0.2, y0, y1, rpt_t(c->lang, T_YEAR), a->metric[m].unit, label, 1);
    plot_color(PC_INK);
    plot_mtex("t", -1.3, 0.03, 0.0, pb);
    double zx[2] = { x[0] - 1, x[nx - 1] + 1 }, zy[2] = { 0, 0 };
    plot_line(2, zx, zy, PC_INK, 2, 1);
    plot_band(nx, x, lo, hi, PC_BAND1);
    plot_line(nx, x, md, PC_LINE, 1, 2.5);
    char name[300];
    static const char *const qn[4] = { "q05", "q50", "q95", "p_better" };
    const double *src[4] = { cp->q05 + o, cp->q50 + o, cp->q95 + o, cp->p_better + o };
    for (size_t y = 0; y < ny; y++)
        x[y] = a->year_first + (int)y;
    for (int j = 0; j < 4; j++) {
        snprintf(name, sizeof name, "compare/%s/%s", a->metric[m].name, qn[j]);
        plot_series(c, name, ny, x, src[j]);
    }
    free(x);
    free(lo);
    free(md);
    free(hi);
    free(all);
}

void chart_compare(plot_ctx *c, const void *arg)
{
    const plot_arg *a = arg;
    const rpt_comparison *cp = &a->f->cmp[a->s];
    size_t *idx, n = cmp_metrics(a->f, cp, &idx);
    snprintf(c->title, sizeof c->title, "%s − %s: %s (%s 5–95%%)", cp->b, cp->a,
             rpt_t(c->lang, T_DIFF), rpt_t(c->lang, T_MEDIAN));
    plschr(3.1, 1.0);
    for (size_t i = 0; i < n; i++) {
        compare_panel(c, a->f, cp, idx[i], i, n);
    }
    free(idx);
}

void chart_pbetter(plot_ctx *c, const void *arg)
{
    const plot_arg *a = arg;
    const rpt_comparison *cp = &a->f->cmp[a->s];
    const rpt_scenario *sa = &a->f->sc[cp->ia];
    size_t *idx, n = cmp_metrics(a->f, cp, &idx);
    char **lab = phx_calloc(n ? n : 1, sizeof *lab);
    for (size_t i = 0; i < n; i++) {
        lab[i] = phx_malloc(512);
        rpt_metric_label(&sa->metric[idx[i]], c->lang, lab[i], 512);
    }
    snprintf(c->title, sizeof c->title, "%s vs %s: %s %d", cp->b, cp->a, rpt_t(c->lang, T_PBETTER),
             (int)sa->year_last);
    plot_hframe(n, (const char *const *)lab, 0, 1, rpt_t(c->lang, T_PBETTER), c->title);
    double hx[2] = { 0.5, 0.5 }, hy[2] = { -1, (double)n };
    plot_line(2, hx, hy, PC_INK, 2, 1);
    for (size_t i = 0; i < n; i++) {
        double v = cp->p_better[idx[i] * cp->ny + cp->ny - 1], row = (double)(n - 1 - i);
        if (!isnan(v))
            plot_rect(0, v, row - 0.32, row + 0.32, PC_BAR2);
        char name[300];
        snprintf(name, sizeof name, "p_better/%s", sa->metric[idx[i]].name);
        plot_value(c, name, v);
        free(lab[i]);
    }
    free(lab);
    free(idx);
}

/* ---- sweeps ----------------------------------------------------------------------------------- */

/* One lever's axis: its distinct values in grid order, their x positions (the numbers when
 * every value is one, else 0, 1, ...), and each grid point's value index. */
typedef struct lever_axis {
    size_t nv;
    const char **vals;
    double *x;
    size_t *of;
    int numeric;
} lever_axis;

static void lever_values(const rpt_sweep *w, size_t l, lever_axis *ax)
{
    ax->nv = 0;
    ax->numeric = 1;
    ax->vals = phx_calloc(w->np + 1, sizeof *ax->vals);
    ax->x = phx_calloc(w->np + 1, sizeof *ax->x);
    ax->of = phx_calloc(w->np + 1, sizeof *ax->of);
    for (size_t p = 0; p < w->np; p++) {
        const char *v = w->value[p * w->nl + l] ? w->value[p * w->nl + l] : "";
        size_t k = 0;
        while (k < ax->nv && strcmp(ax->vals[k], v) != 0)
            k++;
        if (k == ax->nv) {
            ax->vals[ax->nv] = v;
            ax->numeric &= phx_parse_double(v, &ax->x[ax->nv]) == 0;
            ax->nv++;
        }
        ax->of[p] = k;
    }
    for (size_t k = 0; !ax->numeric && k < ax->nv; k++)
        ax->x[k] = (double)k;
}

/* The sweep's metrics shown: those with a target, else the first PANELS_MAX. */
size_t rpt_sweep_metrics(const rpt_file *f, size_t *idx)
{
    size_t n = 0;
    for (size_t m = 0; m < f->sweep->nm; m++) {
        const rpt_metric *d = rpt_find_metric(f, f->sweep->metric[m]);
        if (d != NULL && !isnan(d->target))
            idx[n++] = m;
    }
    for (size_t m = 0; n == 0 && m < f->sweep->nm && m < PANELS_MAX; m++)
        idx[m] = m;
    return n ? n : (f->sweep->nm < PANELS_MAX ? f->sweep->nm : PANELS_MAX);
}

/* The main effect of lever l on column m of `v` [point x metric]: the mean over the grid
 * points at each of the lever's values (exactly the points' values when it is the only lever). */
static void main_effect(const rpt_sweep *w, const double *v, size_t m, const size_t *of, size_t nv,
                        double *out)
{
    for (size_t k = 0; k < nv; k++) {
        double s = 0;
        size_t cnt = 0;
        for (size_t p = 0; p < w->np; p++)
            if (of[p] == k && !isnan(v[p * w->nm + m])) {
                s += v[p * w->nm + m];
                cnt++;
            }
        out[k] = cnt ? s / (double)cnt : NAN;
    }
}

static void sweep_panel(plot_ctx *c, const rpt_file *f, size_t l, size_t m, const lever_axis *ax,
                        int which, size_t pi, size_t np)
{
    const rpt_sweep *w = f->sweep;
    size_t nv = ax->nv;
    double *y = phx_malloc((nv + 1) * sizeof *y);
    main_effect(w, which ? w->p : w->mean, m, ax->of, nv, y);
    const rpt_metric *d = rpt_find_metric(f, w->metric[m]);
    char name[400], label[512];
    snprintf(name, sizeof name, "sweep/%s/%s/%s", w->lever[l], w->metric[m], which ? "p_target" : "mean");
    plot_series(c, name, nv, ax->x, y);
    double y0 = 0, y1 = 1.02, xr0, xr1, tgt = d && !which ? d->target : NAN;
    y[nv] = tgt;
    if (!which)
        plot_range(y, nv + 1, &y0, &y1);
    plot_range(ax->x, nv, &xr0, &xr1);
    if (d)
        rpt_metric_label(d, c->lang, label, sizeof label);
    plot_panel(pi, np, 0.14, 0.96, 0.18, 0.86);
    plot_frame(xr0, xr1, y0, y1, w->lever[l], which ? rpt_t(c->lang, T_PTARGET) : d ? d->unit : "",
               d ? label : w->metric[m], ax->numeric ? 0 : 2);
    for (size_t k = 0; !ax->numeric && k < nv; k++)    /* values that are not numbers: as text */
        plot_mtex("b", 1.2, (ax->x[k] - xr0) / (xr1 - xr0), 0.5, ax->vals[k]);
    if (!isnan(tgt)) {
        double tx[2] = { xr0, xr1 }, ty[2] = { tgt, tgt };
        plot_line(2, tx, ty, PC_TARGET, 2, 2);
    }
    int pc = which ? PC_BAR2 : PC_LINE;
    plot_line(nv, ax->x, y, pc, 1, 2.5);
    plot_color(pc);
    plssym(0, 1.6);
    plpoin((PLINT)nv, ax->x, y, 17);
    free(y);
}

void chart_sweep(plot_ctx *c, const void *arg)
{
    const plot_arg *a = arg;
    const rpt_sweep *w = a->f->sweep;
    lever_axis ax;
    lever_values(w, a->s, &ax);
    size_t *idx = phx_calloc(w->nm + 1, sizeof *idx), n = rpt_sweep_metrics(a->f, idx);
    snprintf(c->title, sizeof c->title, "%s: %s (%lld)", w->lever[a->s],
             rpt_t(c->lang, a->which ? T_PTARGET : T_MEAN), (long long)w->year);
    plot_labels(c, "sweep/values", ax.nv, ax.vals);
    plschr(3.1, 1.0);
    for (size_t i = 0; i < n; i++)
        sweep_panel(c, a->f, a->s, idx[i], &ax, a->which, i, n);
    free(ax.vals);
    free(ax.x);
    free(ax.of);
    free(idx);
}
