/* report_sections.c -- the report's sections on analyses: comparisons (paired differences,
 * P(better)), the sweep, the fund sizing and sensitivity; each says why when absent. */
#include "rpt.h"
#include "rpt_page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void comparison(rpt_page *p, size_t ci)
{
    const rpt_comparison *c = &p->f->cmp[ci];
    const rpt_scenario *a = &p->f->sc[c->ia];
    char h[700];
    snprintf(h, sizeof h, "%s − %s", c->b, c->a);
    page_h(p, 3, NULL, h);
    const char *head[5] = { rpt_t(p->lang, T_METRIC), rpt_t(p->lang, T_UNIT), rpt_t(p->lang, T_MEDIAN),
                            rpt_t(p->lang, T_INTERVAL90), rpt_t(p->lang, T_PBETTER) };
    rpt_buf_add(&p->b, "<table class=\"comparison\">\n", 27);
    page_row(p, 1, 5, head, 2);
    size_t *idx, n = rpt_shown_metrics(a, &idx);
    for (size_t i = 0; i < n; i++) {
        size_t k = idx[i] * c->ny + c->ny - 1;
        char lab[512], md[64], lo[64], hi[64], iv[140], pb[32];
        rpt_metric_label(&a->metric[idx[i]], p->lang, lab, sizeof lab);
        rpt_num(md, sizeof md, c->q50[k]);
        rpt_num(lo, sizeof lo, c->q05[k]);
        rpt_num(hi, sizeof hi, c->q95[k]);
        snprintf(iv, sizeof iv, "%s – %s", lo, hi);
        snprintf(pb, sizeof pb, "%.3f", c->p_better[k]);
        const char *row[5] = { lab, a->metric[idx[i]].unit, md, iv, pb };
        page_row(p, 0, 5, row, 2);
    }
    rpt_buf_add(&p->b, "</table>\n", 9);
    plot_arg arg = { p->f, ci, 0, 0 };
    page_figure(p, "pbetter", c->name, 900, chart_hbar_height(n < 12 ? n : 12), chart_pbetter, &arg, NULL);
    page_figure(p, "compare", c->name, 900, chart_panels_height(chart_compare_panels(p->f, ci)),
                chart_compare, &arg, NULL);
    free(idx);
}

static void sweep(rpt_page *p)
{
    const rpt_sweep *w = p->f->sweep;
    size_t *idx = phx_calloc(w->nm + 1, sizeof *idx), n = rpt_sweep_metrics(p->f, idx);
    free(idx);
    for (size_t l = 0; l < w->nl; l++) {
        char h[600];
        snprintf(h, sizeof h, "%s: %s", rpt_t(p->lang, T_LEVER), w->lever[l]);
        page_h(p, 3, NULL, h);
        plot_arg a = { p->f, l, 0, 0 };
        const char *cap = w->nl > 1 ? "with several levers, each point is the mean over the grid "
                                      "points at that value (the lever's main effect)" : NULL;
        page_figure(p, "sweep-mean", w->lever[l], 900, chart_panels_height(n), chart_sweep, &a, cap);
        a.which = 1;
        page_figure(p, "sweep-p", w->lever[l], 900, chart_panels_height(n), chart_sweep, &a, cap);
    }
}

static void fund(rpt_page *p)
{
    const rpt_fund *u = p->f->fund;
    char v[64], lo[64], hi[64], sv[64];
    rpt_fund_value(u, u->answer, v, sizeof v);
    rpt_fund_value(u, u->lower, lo, sizeof lo);
    rpt_fund_value(u, u->upper, hi, sizeof hi);
    rpt_fund_value(u, u->scenario_value, sv, sizeof sv);
    rpt_buf_add(&p->b, "<p class=\"fund-answer\">", 23);
    rpt_buf_printf(&p->b, "%s (%s, Q = %g): <b>", rpt_t(p->lang, T_ANSWER), u->mode ? u->mode : "-",
                   u->confidence);
    rpt_buf_esc(&p->b, u->key);
    rpt_buf_add(&p->b, " = ", 3);
    rpt_buf_esc(&p->b, v);
    rpt_buf_add(&p->b, "</b> (95%: ", 11);
    rpt_buf_esc(&p->b, lo);
    rpt_buf_add(&p->b, " – ", 5);
    rpt_buf_esc(&p->b, hi);
    rpt_buf_printf(&p->b, "); %s: ", rpt_t(p->lang, T_AT_SCENARIO));
    rpt_buf_esc(&p->b, sv);
    rpt_buf_add(&p->b, "</p>\n", 5);
    plot_arg a = { p->f, 0, 0, 0 };
    if (u->fan)
        page_figure(p, "fund-fan", "at_scenario", 640, 380, chart_fund_fan, &a, NULL);
    else
        page_absent(p, "fund-fan", rpt_t(p->lang, T_NO_FUND_FAN));
    a.which = 1;
    if (u->fan_answer)
        page_figure(p, "fund-fan-answer", "at_answer", 640, 380, chart_fund_fan, &a, NULL);
    if (u->p_first)
        page_figure(p, "fund-shortfall", "p_first_shortfall", 640, 360, chart_fund_shortfall, &a, NULL);
    else
        page_absent(p, "fund-shortfall", rpt_t(p->lang, T_NO_FUND_FAN));
    if (u->breakeven)
        page_figure(p, "fund-breakeven", "breakeven", 640, 360, chart_fund_breakeven, &a, NULL);
    else
        page_absent(p, "fund-breakeven", rpt_t(p->lang, T_NO_FUND_FAN));
    if (u->n_search)
        page_figure(p, "fund-search", "search", 640, 360, chart_fund_search, &a, NULL);
}

/* The metrics a sensitivity method shows: those with a target, else the first 12. */
static size_t sens_metrics(const rpt_file *f, const rpt_sens *s, size_t *idx)
{
    size_t n = 0;
    for (size_t m = 0; m < s->nm; m++) {
        const rpt_metric *d = rpt_find_metric(f, s->metric[m]);
        if (d != NULL && !isnan(d->target))
            idx[n++] = m;
    }
    for (size_t m = 0; n == 0 && m < s->nm && m < 12; m++)
        idx[m] = m;
    return n ? n : (s->nm < 12 ? s->nm : 12);
}

static void sensitivity(rpt_page *p)
{
    static const rpt_text title[RPT_SENS_N] = { T_SOBOL, T_MORRIS, T_TORNADO };
    static const char *const chart[RPT_SENS_N] = { "sobol", "morris", "tornado" };
    static const plot_fn fn[RPT_SENS_N] = { chart_sobol, chart_morris, chart_tornado };
    for (int k = 0; k < RPT_SENS_N; k++) {
        const rpt_sens *s = p->f->sens[k];
        page_h(p, 3, NULL, rpt_t(p->lang, title[k]));
        if (s == NULL) {
            char why[300];
            snprintf(why, sizeof why, "%s (--method %s)", rpt_t(p->lang, T_NO_SENSITIVITY), chart[k]);
            page_absent(p, chart[k], why);
            continue;
        }
        rpt_buf_printf(&p->b, "<p>N = %lld, %s %lld%s</p>\n", (long long)s->N,
                       rpt_t(p->lang, T_SEED), (long long)s->seed,
                       k == RPT_SENS_SOBOL ? "; S1 / ST with 95% bootstrap intervals; the last row "
                                             "is the model's own chance" : "");
        size_t *idx = phx_calloc(s->nm + 1, sizeof *idx), n = sens_metrics(p->f, s, idx);
        for (size_t i = 0; i < n; i++) {
            plot_arg a = { p->f, 0, idx[i], 0 };
            page_figure(p, chart[k], s->metric[idx[i]], 900, chart_hbar_height(s->nf), fn[k], &a, NULL);
        }
        free(idx);
    }
}

void report_analyses(rpt_page *p)
{
    const rpt_file *f = p->f;
    page_h(p, 2, "comparisons", rpt_t(p->lang, T_COMPARISONS));
    if (f->nc == 0)
        page_absent(p, "comparisons", rpt_t(p->lang, T_NO_COMPARISONS));
    for (size_t i = 0; p->st == PHX_OK && i < f->nc; i++)
        comparison(p, i);
    page_h(p, 2, "sweep", rpt_t(p->lang, T_SWEEP));
    if (f->sweep == NULL)
        page_absent(p, "sweep", rpt_t(p->lang, T_NO_SWEEP));
    else
        sweep(p);
    page_h(p, 2, "fund", rpt_t(p->lang, T_FUND));
    if (f->fund == NULL)
        page_absent(p, "fund", rpt_t(p->lang, T_NO_FUND));
    else
        fund(p);
    page_h(p, 2, "sensitivity", rpt_t(p->lang, T_SENSITIVITY));
    int any = 0;
    for (int k = 0; k < RPT_SENS_N; k++)
        any |= f->sens[k] != NULL;
    if (!any)
        page_absent(p, "sensitivity", rpt_t(p->lang, T_NO_SENSITIVITY));
    else
        sensitivity(p);
}
