/* plot_select.c -- `phoenix plot`: the chart a name means, resolved against what the file holds
 * (scenario, metric, comparison, lever), drawn to SVG, PNG or PDF. */
#include "rpt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { N_SCENARIO, N_CMP, N_SWEEP, N_FUND, N_SOBOL, N_MORRIS, N_TORNADO } need_t;

static const struct chart_def {
    const char *name;
    plot_fn fn;
    need_t need;
    int which;
} charts[] = {
    { "fan", chart_fan, N_SCENARIO, 0 },        { "ptarget", chart_ptarget, N_SCENARIO, 0 },
    { "districts", chart_districts, N_SCENARIO, 0 }, { "compare", chart_compare, N_CMP, 0 },
    { "pbetter", chart_pbetter, N_CMP, 0 },     { "sweep-mean", chart_sweep, N_SWEEP, 0 },
    { "sweep-p", chart_sweep, N_SWEEP, 1 },     { "fund-fan", chart_fund_fan, N_FUND, 0 },
    { "fund-fan-answer", chart_fund_fan, N_FUND, 1 },
    { "fund-shortfall", chart_fund_shortfall, N_FUND, 0 },
    { "fund-breakeven", chart_fund_breakeven, N_FUND, 0 },
    { "fund-search", chart_fund_search, N_FUND, 0 },
    { "sobol", chart_sobol, N_SOBOL, 0 },       { "morris", chart_morris, N_MORRIS, 0 },
    { "tornado", chart_tornado, N_TORNADO, 0 },
};

/* The scenario's metric `name`, or its first metric with a target (else its first). */
static int pick_metric(const rpt_scenario *s, const char *name, size_t *m, const char *path, phx_err *e)
{
    if (name != NULL) {
        *m = rpt_metric_index(s, name);
        if (*m == s->nm)
            return phx_fail(e, PHX_EINPUT, path, 0, "--metric", "scenario %s has no metric '%s'",
                            s->name, name);
        return PHX_OK;
    }
    for (*m = 0; *m < s->nm && isnan(s->metric[*m].target); (*m)++)
        ;
    if (*m == s->nm)
        *m = 0;
    return s->nm ? PHX_OK : phx_fail(e, PHX_EINPUT, path, 0, NULL, "scenario %s has no metrics", s->name);
}

static int pick_scenario(const rpt_file *f, const plot_request *rq, plot_arg *a, phx_err *e)
{
    a->s = rq->scenario ? rpt_scenario_index(f, rq->scenario) : 0;
    if (f->ns == 0 || a->s == f->ns)
        return phx_fail(e, PHX_EINPUT, f->path, 0, "--scenario", "no scenario '%s' in the file",
                        rq->scenario ? rq->scenario : "");
    return pick_metric(&f->sc[a->s], rq->metric, &a->m, f->path, e);
}

static int pick_comparison(const rpt_file *f, const plot_request *rq, plot_arg *a, phx_err *e)
{
    if (f->nc == 0)
        return phx_fail(e, PHX_EINPUT, f->path, 0, NULL, "no comparisons in the file (run several "
                        "scenarios together, or phoenix sweep)");
    for (a->s = 0; rq->scenario != NULL && a->s < f->nc; a->s++)
        if (strcmp(f->cmp[a->s].b, rq->scenario) == 0)
            return PHX_OK;
    if (rq->scenario != NULL)
        return phx_fail(e, PHX_EINPUT, f->path, 0, "--scenario", "no comparison of '%s' with the "
                        "first scenario", rq->scenario);
    a->s = 0;
    return PHX_OK;
}

static int pick_lever(const rpt_file *f, const plot_request *rq, plot_arg *a, phx_err *e)
{
    if (f->sweep == NULL)
        return phx_fail(e, PHX_EINPUT, f->path, 0, NULL, "no /sweep in the file (made by phoenix sweep)");
    for (a->s = 0; rq->lever != NULL && a->s < f->sweep->nl; a->s++)
        if (strcmp(f->sweep->lever[a->s], rq->lever) == 0)
            return PHX_OK;
    if (rq->lever != NULL)
        return phx_fail(e, PHX_EINPUT, f->path, 0, "--lever", "the sweep has no lever '%s'", rq->lever);
    a->s = 0;
    return f->sweep->nl ? PHX_OK : phx_fail(e, PHX_EINPUT, f->path, 0, NULL, "the sweep has no levers");
}

static int pick_fund(const rpt_file *f, const struct chart_def *d, phx_err *e)
{
    const rpt_fund *u = f->fund;
    const char *why = u == NULL ? "no /fund in the file (made by phoenix fund)"
        : (d->fn == chart_fund_fan && d->which == 0 && u->fan == NULL) ||
          (d->fn == chart_fund_shortfall && u->p_first == NULL) ||
          (d->fn == chart_fund_breakeven && u->breakeven == NULL)
            ? "the fund sizing was made with --require (targets mode): it has the balance at the "
              "answer and the search only"
        : (d->fn == chart_fund_fan && u->fan_answer == NULL) || (d->fn == chart_fund_search && u->n_search == 0)
            ? "the fund sizing has no such chart (solvency mode has no search)" : NULL;
    return why ? phx_fail(e, PHX_EINPUT, f->path, 0, NULL, "%s: %s", d->name, why) : PHX_OK;
}

static int pick_sens(const rpt_file *f, const plot_request *rq, int method, plot_arg *a, phx_err *e)
{
    const rpt_sens *s = f->sens[method];
    if (s == NULL || s->nm == 0)
        return phx_fail(e, PHX_EINPUT, f->path, 0, NULL, "no /sensitivity/%s in the file (made by "
                        "phoenix sensitivity --method %s)", rpt_sens_group[method], rpt_sens_group[method]);
    for (a->m = 0; a->m < s->nm; a->m++) {
        const rpt_metric *d = rpt_find_metric(f, s->metric[a->m]);
        if (rq->metric ? strcmp(s->metric[a->m], rq->metric) == 0 : d != NULL && !isnan(d->target))
            return PHX_OK;
    }
    if (rq->metric != NULL)
        return phx_fail(e, PHX_EINPUT, f->path, 0, "--metric", "/sensitivity/%s has no metric '%s'",
                        rpt_sens_group[method], rq->metric);
    a->m = 0;
    return PHX_OK;
}

/* Resolve the request into the chart and its argument; its size in points. */
static int resolve(const rpt_file *f, const plot_request *rq, const struct chart_def **def,
                   plot_arg *a, int *w, int *h, phx_err *e)
{
    size_t i = 0, n = sizeof charts / sizeof charts[0];
    while (i < n && strcmp(charts[i].name, rq->chart) != 0)
        i++;
    if (i == n)
        return phx_fail(e, PHX_EINPUT, NULL, 0, NULL, "unknown chart '%s' (phoenix plot --help lists them)",
                        rq->chart);
    const struct chart_def *d = *def = &charts[i];
    *a = (plot_arg){ f, 0, 0, d->which };
    *w = 640;
    *h = 400;
    int st = d->need == N_SCENARIO ? pick_scenario(f, rq, a, e)
           : d->need == N_CMP ? pick_comparison(f, rq, a, e)
           : d->need == N_SWEEP ? pick_lever(f, rq, a, e)
           : d->need == N_FUND ? pick_fund(f, d, e)
           : pick_sens(f, rq, d->need == N_SOBOL ? RPT_SENS_SOBOL : d->need == N_MORRIS
                                  ? RPT_SENS_MORRIS : RPT_SENS_TORNADO, a, e);
    if (st != PHX_OK)
        return st;
    if (d->fn == chart_districts && f->sc[a->s].n_gm == 0)
        return phx_fail(e, PHX_EINPUT, f->path, 0, NULL, "scenario %s has no metrics by group",
                        f->sc[a->s].name);
    if (d->fn == chart_districts || d->fn == chart_compare || d->fn == chart_sweep ||
        d->fn == chart_ptarget || d->fn == chart_pbetter || d->need >= N_SOBOL)
        *w = 900;
    if (d->fn == chart_ptarget || d->fn == chart_pbetter) {
        size_t *idx, nt = 0, ns = rpt_shown_metrics(&f->sc[d->fn == chart_ptarget ? a->s : f->cmp[a->s].ia], &idx);
        for (size_t k = 0; k < ns; k++)
            nt += d->fn == chart_pbetter || !isnan(f->sc[a->s].metric[idx[k]].target);
        free(idx);
        *h = chart_hbar_height(nt < 12 || d->fn == chart_ptarget ? nt : 12);
    }
    if (d->fn == chart_districts)
        *h = chart_districts_height(&f->sc[a->s]);
    else if (d->fn == chart_compare)
        *h = chart_panels_height(chart_compare_panels(f, a->s));
    else if (d->fn == chart_sweep) {
        size_t *idx = phx_calloc(f->sweep->nm + 1, sizeof *idx);
        *h = chart_panels_height(rpt_sweep_metrics(f, idx));
        free(idx);
    } else if (d->need >= N_SOBOL) {
        const rpt_sens *s = f->sens[d->need == N_SOBOL ? 0 : d->need == N_MORRIS ? 1 : 2];
        *h = chart_hbar_height(s->nf);
    }
    return PHX_OK;
}

/* The device for `out`'s extension. */
static const char *device_of(const char *out, phx_err *e)
{
    const char *dot = strrchr(out, '.');
    if (dot != NULL && strcmp(dot, ".svg") == 0)
        return "svg";
    if (dot != NULL && strcmp(dot, ".png") == 0)
        return "pngcairo";
    if (dot != NULL && strcmp(dot, ".pdf") == 0)
        return "pdfcairo";
    phx_fail(e, PHX_EINPUT, out, 0, "-o", "expected a file name ending in .svg, .png or .pdf");
    return NULL;
}

int plot_write(const char *h5path, const plot_request *rq, const char *out, rpt_lang lang,
               int force, phx_err *e)
{
    const char *dev = device_of(out, e);
    if (dev == NULL)
        return PHX_EINPUT;
    rpt_file f;
    const struct chart_def *d = NULL;
    plot_arg a;
    int w = 0, h = 0;
    int st = rpt_read(h5path, &f, e);
    if (st == PHX_OK)
        st = resolve(&f, rq, &d, &a, &w, &h, e);
    if (st == PHX_OK)
        st = rpt_draw_file(dev, w, h, lang, d->fn, &a, out, force, e);
    rpt_free(&f);
    return st;
}
