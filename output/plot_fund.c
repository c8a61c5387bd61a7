/* plot_fund.c -- the fund's charts: the balance fan at the scenario's value and at the answer,
 * P(first shortfall) by year, the break-even distribution and (targets mode) the search. */
#include "rpt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <plplot.h>
#include <gsl/gsl_histogram.h>

/* A rate as a percentage, a capital in its units. */
void rpt_fund_value(const rpt_fund *u, double v, char *buf, size_t n)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else if (isinf(v))
        snprintf(buf, n, "∞");
    else if (u->units != NULL && strcmp(u->units, "share") == 0)
        snprintf(buf, n, "%.3g%%", 100 * v);
    else
        snprintf(buf, n, "%.4g %s", v, u->units != NULL ? u->units : "");
}

static double fan_q(const rpt_fund *u, const double *fan, size_t y, double lv)
{
    size_t j = rpt_level(u->qlev, u->nq, lv);
    return j < u->nq ? fan[y * u->nq + j] : NAN;
}

void chart_fund_fan(plot_ctx *c, const void *arg)
{
    const plot_arg *a = arg;
    const rpt_fund *u = a->f->fund;
    const double *fan = a->which ? u->fan_answer : u->fan;
    static const double lv[5] = { 0.05, 0.25, 0.50, 0.75, 0.95 };
    static const char *const qn[5] = { "q05", "q25", "q50", "q75", "q95" };
    size_t ny = u->ny, nx = ny == 1 ? 2 : ny;
    double *x = phx_malloc(nx * sizeof *x), *q[5], *all = phx_malloc((2 * nx + 1) * sizeof *all);
    for (int k = 0; k < 5; k++) {
        q[k] = phx_malloc(nx * sizeof *q[k]);
        for (size_t y = 0; y < nx; y++)
            q[k][y] = fan_q(u, fan, ny == 1 ? 0 : y, lv[k]);
    }
    for (size_t y = 0; y < nx; y++) {
        x[y] = ny == 1 ? u->year[0] + (y ? 0.3 : -0.3) : (double)u->year[y];
        all[2 * y] = q[0][y];
        all[2 * y + 1] = q[4][y];
    }
    all[2 * nx] = 0;
    double lo, hi;
    plot_range(all, 2 * nx + 1, &lo, &hi);
    char v[64];
    rpt_fund_value(u, a->which ? u->answer : u->scenario_value, v, sizeof v);
    snprintf(c->title, sizeof c->title, "%s (%s %s)", rpt_t(c->lang, T_BALANCE),
             rpt_t(c->lang, a->which ? T_AT_ANSWER : T_AT_SCENARIO), v);
    plvpor(0.19, 0.96, 0.30, 0.90);
    plot_frame(x[0] - 0.2, x[nx - 1] + 0.2, lo, hi, rpt_t(c->lang, T_YEAR), "亿元", c->title, 1);
    double zx[2] = { x[0] - 1, x[nx - 1] + 1 }, zy[2] = { 0, 0 };
    plot_band(nx, x, q[0], q[4], PC_BAND1);
    plot_band(nx, x, q[1], q[3], PC_BAND2);
    plot_line(nx, x, q[2], PC_LINE, 1, 2.5);
    plot_line(2, zx, zy, PC_TARGET, 2, 1.5);
    const char *lt[3] = { "5–95%", "25–75%", rpt_t(c->lang, T_MEDIAN) };
    static const int il[3] = { 0, 0, 1 }, pc[3] = { PC_BAND1, PC_BAND2, PC_LINE };
    plot_legend(3, lt, il, pc, NULL);
    char name[64];
    for (size_t y = 0; y < ny; y++)
        x[y] = u->year[y];
    for (int k = 0; k < 5; k++) {
        snprintf(name, sizeof name, "fund/%s/%s", a->which ? "at_answer" : "at_scenario", qn[k]);
        plot_series(c, name, ny, x, q[k]);
        free(q[k]);
    }
    free(x);
    free(all);
}

void chart_fund_shortfall(plot_ctx *c, const void *arg)
{
    const plot_arg *a = arg;
    const rpt_fund *u = a->f->fund;
    double *x = phx_malloc((u->ny + 1) * sizeof *x), hi = u->p_never;
    for (size_t y = 0; y < u->ny; y++) {
        x[y] = u->year[y];
        hi = u->p_first[y] > hi ? u->p_first[y] : hi;
    }
    char v[64];
    rpt_fund_value(u, u->scenario_value, v, sizeof v);
    snprintf(c->title, sizeof c->title, "%s (%s %s)", rpt_t(c->lang, T_FIRST_SHORTFALL),
             rpt_t(c->lang, T_AT_SCENARIO), v);
    plvpor(0.12, 0.96, 0.16, 0.90);
    double x0 = u->ny ? u->year[0] - 0.7 : 0, x1 = u->ny ? u->year[u->ny - 1] + 1.7 : 1;
    plot_frame(x0, x1, 0, isnan(hi) || hi <= 0 ? 1 : fmin(1, hi * 1.15), rpt_t(c->lang, T_YEAR),
               rpt_t(c->lang, T_SHARE), c->title, 1);
    for (size_t y = 0; y < u->ny; y++)
        if (!isnan(u->p_first[y]))
            plot_rect(x[y] - 0.35, x[y] + 0.35, 0, u->p_first[y], PC_TARGET);
    if (!isnan(u->p_never) && u->ny) {
        plot_rect(x1 - 1.05, x1 - 0.35, 0, u->p_never, PC_BAR);
        plot_color(PC_INK);
        plot_text(x1 - 0.7, u->p_never, 0.5, rpt_t(c->lang, T_NEVER));
    }
    plot_series(c, "fund/p_first_shortfall", u->ny, x, u->p_first);
    plot_value(c, "fund/p_no_shortfall", u->p_never);
    free(x);
}

void chart_fund_breakeven(plot_ctx *c, const void *arg)
{
    const plot_arg *a = arg;
    const rpt_fund *u = a->f->fund;
    double lo = INFINITY, hi = -INFINITY;
    size_t finite = 0;
    for (size_t i = 0; i < u->n_be; i++)
        if (isfinite(u->breakeven[i])) {
            lo = fmin(lo, u->breakeven[i]);
            hi = fmax(hi, u->breakeven[i]);
            finite++;
        }
    if (!(hi > lo)) {
        lo = finite ? lo - 0.5 : 0;
        hi = finite ? lo + 1 : 1;
    }
    size_t nb = finite < 100 ? 10 : 30;
    gsl_histogram *h = gsl_histogram_alloc(nb);
    gsl_histogram_set_ranges_uniform(h, lo, hi + (hi - lo) * 1e-9);
    for (size_t i = 0; i < u->n_be; i++)
        if (isfinite(u->breakeven[i]))
            gsl_histogram_increment(h, u->breakeven[i]);
    char v[64];
    rpt_fund_value(u, u->answer, v, sizeof v);
    snprintf(c->title, sizeof c->title, "%s (%s %s, Q = %g)", rpt_t(c->lang, T_BREAKEVEN),
             rpt_t(c->lang, T_ANSWER), v, u->confidence);
    plvpor(0.12, 0.96, 0.16, 0.90);
    double xr0 = fmin(lo, isfinite(u->answer) ? u->answer : lo), xr1 = fmax(hi, isfinite(u->answer) ? u->answer : hi);
    plot_pad(&xr0, &xr1);
    plot_frame(xr0, xr1, 0, gsl_histogram_max_val(h) * 1.1 + 1, u->key ? u->key : "",
               rpt_t(c->lang, T_REPLICATIONS_N), c->title, 0);
    double *edge = phx_malloc(nb * sizeof *edge), *cnt = phx_malloc(nb * sizeof *cnt);
    for (size_t b = 0; b < nb; b++) {
        double l, r;
        gsl_histogram_get_range(h, b, &l, &r);
        edge[b] = l;
        cnt[b] = gsl_histogram_get(h, b);
        plot_rect(l, r, 0, cnt[b], PC_BAND2);
    }
    double ax[2] = { u->answer, u->answer }, ay[2] = { 0, gsl_histogram_max_val(h) * 1.1 + 1 };
    if (isfinite(u->answer))
        plot_line(2, ax, ay, PC_TARGET, 1, 2);
    ax[0] = ax[1] = u->scenario_value;
    if (isfinite(u->scenario_value))
        plot_line(2, ax, ay, PC_INK, 2, 1.5);
    plot_series(c, "fund/breakeven/bins", nb, edge, cnt);
    plot_value(c, "fund/answer", u->answer);
    plot_value(c, "fund/breakeven/n_finite", (double)finite);
    free(edge);
    free(cnt);
    gsl_histogram_free(h);
}

void chart_fund_search(plot_ctx *c, const void *arg)
{
    const plot_arg *a = arg;
    const rpt_fund *u = a->f->fund;
    double x0, x1;
    plot_range(u->search_value, u->n_search, &x0, &x1);
    snprintf(c->title, sizeof c->title, "%s (Q = %g)", rpt_t(c->lang, T_SEARCH), u->confidence);
    plvpor(0.12, 0.96, 0.16, 0.90);
    plot_frame(x0, x1, 0, 1.02, u->key ? u->key : "", rpt_t(c->lang, T_PTARGET), c->title, 0);
    double qx[2] = { x0, x1 }, qy[2] = { u->confidence, u->confidence };
    plot_line(2, qx, qy, PC_TARGET, 2, 1.5);
    plot_color(PC_LINE);
    plssym(0, 1.6);
    if (u->n_search)
        plpoin((PLINT)u->n_search, u->search_value, u->search_p, 17);
    plot_series(c, "fund/search", u->n_search, u->search_value, u->search_p);
}
