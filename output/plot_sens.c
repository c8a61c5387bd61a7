/* plot_sens.c -- the sensitivity charts: Sobol indices (S1 and ST with their intervals, the
 * chance row included), Morris mu* and sigma, and the tornado of swings. */
#include "rpt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <plplot.h>

/* The year index a sensitivity chart shows: the chosen year, else the last. */
size_t rpt_sens_year(const rpt_sens *s)
{
    for (size_t y = 0; s->years != NULL && y < s->ny; y++)
        if (s->year >= 0 && s->years[y] == s->year)
            return y;
    return s->ny ? s->ny - 1 : 0;
}

/* Factors ordered by `key` (largest first); the chance row, if any, stays last. */
static void order_by(const rpt_sens *s, const double *key, size_t *ord)
{
    size_t n = 0, chance = s->nf;
    for (size_t k = 0; k < s->nf; k++) {
        if (strcmp(s->factor[k], "chance") == 0) {
            chance = k;
            continue;
        }
        size_t i = n++;
        while (i > 0 && (key[ord[i - 1]] < key[k] || (isnan(key[ord[i - 1]]) && !isnan(key[k])))) {
            ord[i] = ord[i - 1];
            i--;
        }
        ord[i] = k;
    }
    if (chance < s->nf)
        ord[n] = chance;
}

static const char *factor_label(plot_ctx *c, const char *f)
{
    return strcmp(f, "chance") == 0 ? rpt_t(c->lang, T_CHANCE) : f;
}

static void sens_title(plot_ctx *c, const rpt_file *f, const rpt_sens *s, size_t m, rpt_text what,
                       int year)
{
    const rpt_metric *d = rpt_find_metric(f, s->metric[m]);
    char label[512];
    if (d)
        rpt_metric_label(d, c->lang, label, sizeof label);
    if (year >= 0)
        snprintf(c->title, sizeof c->title, "%s: %s, %d", rpt_t(c->lang, what),
                 d ? label : s->metric[m], year);
    else
        snprintf(c->title, sizeof c->title, "%s: %s", rpt_t(c->lang, what), d ? label : s->metric[m]);
}

/* Horizontal paired bars (value a with interval, value b with interval) per factor. */
static void pair_bars(plot_ctx *c, const rpt_sens *s, const double *const v[6], size_t base,
                      size_t stride, const char *prefix, const char *metric)
{
    size_t nf = s->nf, *ord = phx_malloc((nf + 1) * sizeof *ord);
    double *key = phx_malloc((nf + 1) * sizeof *key), hi = 1e-9;
    for (size_t k = 0; k < nf; k++) {
        key[k] = v[3][base + k * stride];
        for (int j = 0; j < 6; j++)
            if (v[j] != NULL && isfinite(v[j][base + k * stride]))
                hi = fmax(hi, v[j][base + k * stride]);
    }
    order_by(s, key, ord);
    const char **lab = phx_malloc((nf + 1) * sizeof *lab);
    for (size_t i = 0; i < nf; i++)
        lab[i] = factor_label(c, s->factor[ord[i]]);
    plot_hframe(nf, lab, 0, hi * 1.08, rpt_t(c->lang, T_INDEX), c->title);
    for (size_t i = 0; i < nf; i++) {
        size_t k = base + ord[i] * stride;
        double row = (double)(nf - 1 - i), val[6];
        for (int j = 0; j < 6; j++)
            val[j] = v[j] != NULL ? v[j][k] : NAN;
        if (isfinite(val[0]))
            plot_rect(0, fmax(0, val[0]), row + 0.02, row + 0.36, PC_BAR);
        if (isfinite(val[3]))
            plot_rect(0, fmax(0, val[3]), row - 0.36, row - 0.02, PC_BAR2);
        plot_whisker(row + 0.19, val[1], val[2], 1, PC_ERR);
        plot_whisker(row - 0.19, val[4], val[5], 1, PC_ERR);
        char name[400];
        snprintf(name, sizeof name, "%s/%s/%s", prefix, metric, s->factor[ord[i]]);
        plot_series(c, name, 6, NULL, val);
    }
    free(lab);
    free(key);
    free(ord);
}

void chart_sobol(plot_ctx *c, const void *arg)
{
    const plot_arg *a = arg;
    const rpt_sens *s = a->f->sens[RPT_SENS_SOBOL];
    size_t y = rpt_sens_year(s), base = (a->m * s->ny + y) * s->nf;
    sens_title(c, a->f, s, a->m, T_SOBOL, s->years ? s->years[y] : -1);
    const double *v[6] = { s->v[0], s->v[1], s->v[2], s->v[3], s->v[4], s->v[5] };
    pair_bars(c, s, v, base, 1, "sobol", s->metric[a->m]);
    const char *lt[2] = { "S1", "ST" };
    static const int il[2] = { 0, 0 }, pc[2] = { PC_BAR, PC_BAR2 };
    plot_legend(2, lt, il, pc, NULL);
}

void chart_morris(plot_ctx *c, const void *arg)
{
    const plot_arg *a = arg;
    const rpt_sens *s = a->f->sens[RPT_SENS_MORRIS];
    size_t y = rpt_sens_year(s), base = (a->m * s->ny + y) * s->nf;
    sens_title(c, a->f, s, a->m, T_MORRIS, s->years ? s->years[y] : -1);
    /* mu* with its interval in the first bar, sigma (no interval) in the second */
    const double *v[6] = { s->v[0], s->v[1], s->v[2], s->v[3], NULL, NULL };
    pair_bars(c, s, v, base, 1, "morris", s->metric[a->m]);
    const char *lt[2] = { "μ*", "σ" };
    static const int il[2] = { 0, 0 }, pc[2] = { PC_BAR, PC_BAR2 };
    plot_legend(2, lt, il, pc, NULL);
}

void chart_tornado(plot_ctx *c, const void *arg)
{
    const plot_arg *a = arg;
    const rpt_sens *s = a->f->sens[RPT_SENS_TORNADO];
    size_t nf = s->nf, o = a->m * nf, *ord = phx_malloc((nf + 1) * sizeof *ord);
    const double *low = s->v[0] + o, *high = s->v[1] + o, *swing = s->v[2] + o;
    double base = s->v[6][a->m], lo = base, hi = base;
    for (size_t k = 0; k < nf; k++) {
        lo = fmin(lo, fmin(low[k], high[k]));
        hi = fmax(hi, fmax(low[k], high[k]));
    }
    plot_pad(&lo, &hi);
    order_by(s, swing, ord);
    sens_title(c, a->f, s, a->m, T_TORNADO, (int)s->year);
    const char **lab = phx_malloc((nf + 1) * sizeof *lab);
    for (size_t i = 0; i < nf; i++)
        lab[i] = factor_label(c, s->factor[ord[i]]);
    const rpt_metric *d = rpt_find_metric(a->f, s->metric[a->m]);
    plot_hframe(nf, lab, lo, hi, d ? d->unit : s->metric[a->m], c->title);
    for (size_t i = 0; i < nf; i++) {
        size_t k = ord[i];
        double row = (double)(nf - 1 - i), val[3] = { low[k], high[k], swing[k] };
        if (isfinite(low[k]))
            plot_rect(fmin(base, low[k]), fmax(base, low[k]), row - 0.34, row + 0.34, PC_BAR);
        if (isfinite(high[k]))
            plot_rect(fmin(base, high[k]), fmax(base, high[k]), row - 0.34, row + 0.34, PC_BAR2);
        char name[400];
        snprintf(name, sizeof name, "tornado/%s/%s", s->metric[a->m], s->factor[k]);
        plot_series(c, name, 3, NULL, val);
    }
    double bx[2] = { base, base }, by[2] = { -1, (double)nf };
    plot_line(2, bx, by, PC_INK, 1, 1.5);
    char name[400];
    snprintf(name, sizeof name, "tornado/%s/base", s->metric[a->m]);
    plot_value(c, name, base);
    const char *lt[2] = { rpt_t(c->lang, T_LOW), rpt_t(c->lang, T_HIGH) };
    static const int il[2] = { 0, 0 }, pc[2] = { PC_BAR, PC_BAR2 };
    plot_legend(2, lt, il, pc, NULL);
    free(lab);
    free(ord);
}
