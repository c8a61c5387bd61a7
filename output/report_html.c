/* report_html.c -- the report page: its frame (style sheet for screen and print, contents),
 * provenance and each scenario's section: question, targets table, P(target met), fans and
 * districts. The analyses' sections are in report_sections.c. */
#include "rpt.h"
#include "rpt_page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char page_style[] =
    "body{font-family:\"Noto Sans CJK SC\",\"Noto Sans CJK\",\"Source Han Sans SC\",\"Microsoft YaHei\","
    "\"PingFang SC\",sans-serif;margin:2em auto;max-width:1100px;color:#222;line-height:1.45;padding:0 1em}"
    "h1{font-size:1.7em;border-bottom:2px solid #14468c;padding-bottom:.2em}"
    "h2{font-size:1.35em;margin-top:2em;color:#14468c;border-bottom:1px solid #ccc}"
    "h3{font-size:1.1em;margin-top:1.4em}"
    "table{border-collapse:collapse;margin:.6em 0;font-size:.9em}"
    "th,td{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "th{background:#f0f4fa}"
    "figure{margin:1em 0;display:inline-block;vertical-align:top;max-width:100%}"
    "figure svg{max-width:100%;height:auto;display:block}"
    ".grid{display:grid;grid-template-columns:1fr 1fr;gap:0 1em}.grid figure{margin:.4em 0}"
    ".grid figure svg{width:100%}"
    "figcaption{font-size:.85em;color:#555;max-width:640px}"
    ".absent{color:#8a5a00;background:#fff7e6;border-left:4px solid #e0a030;padding:.4em .8em}"
    ".question{background:#f3f7fc;border-left:4px solid #14468c;padding:.5em .9em}"
    "code,pre{font-family:monospace;font-size:.9em;white-space:pre-wrap;word-break:break-all}"
    "nav ul{columns:2;font-size:.9em}"
    "@media print{body{margin:0;max-width:none;font-size:10pt}nav{display:none}"
    "h2{break-before:page}figure,table,.question{break-inside:avoid}"
    "figure svg{max-height:24cm}a{color:inherit;text-decoration:none}}";

void page_h(rpt_page *p, int level, const char *id, const char *text)
{
    if (id != NULL)
        rpt_buf_printf(&p->b, "<h%d id=\"", level);
    else
        rpt_buf_printf(&p->b, "<h%d>", level);
    if (id != NULL) {
        rpt_buf_esc(&p->b, id);
        rpt_buf_add(&p->b, "\">", 2);
    }
    rpt_buf_esc(&p->b, text);
    rpt_buf_printf(&p->b, "</h%d>\n", level);
}

void page_absent(rpt_page *p, const char *what, const char *why)
{
    rpt_buf_add(&p->b, "<p class=\"absent\" data-absent=\"", 31);
    rpt_buf_esc(&p->b, what);
    rpt_buf_add(&p->b, "\">", 2);
    rpt_buf_esc(&p->b, why);
    rpt_buf_add(&p->b, "</p>\n", 5);
}

void page_figure(rpt_page *p, const char *chart, const char *key, int w, int h, plot_fn fn,
                 const plot_arg *a, const char *caption)
{
    char *svg = NULL;
    if (p->st != PHX_OK)
        return;
    p->st = plot_render("svg", w, h, p->lang, fn, a, &svg, NULL, p->e);
    if (p->st != PHX_OK)
        return;
    rpt_buf_add(&p->b, "<figure class=\"chart\" data-chart=\"", 34);
    rpt_buf_esc(&p->b, chart);
    rpt_buf_add(&p->b, "\" data-key=\"", 12);
    rpt_buf_esc(&p->b, key);
    rpt_buf_add(&p->b, "\">", 2);
    rpt_buf_add(&p->b, svg, strlen(svg));
    if (caption != NULL) {
        rpt_buf_add(&p->b, "<figcaption>", 12);
        rpt_buf_esc(&p->b, caption);
        rpt_buf_add(&p->b, "</figcaption>", 13);
    }
    rpt_buf_add(&p->b, "</figure>\n", 10);
    free(svg);
}

/* A table row of escaped cells; cells from `first_num` on are numbers (right-aligned). */
void page_row(rpt_page *p, int head, size_t n, const char *const *cells, size_t first_num)
{
    rpt_buf_add(&p->b, "<tr>", 4);
    for (size_t i = 0; i < n; i++) {
        rpt_buf_add(&p->b, head ? "<th>" : i >= first_num ? "<td class=\"n\">" : "<td>",
                    head ? 4 : i >= first_num ? 14 : 4);
        rpt_buf_esc(&p->b, cells[i]);
        rpt_buf_add(&p->b, head ? "</th>" : "</td>", 5);
    }
    rpt_buf_add(&p->b, "</tr>\n", 6);
}

static void provenance(rpt_page *p)
{
    const rpt_file *f = p->f;
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)f->seed);
    page_h(p, 2, "provenance", rpt_t(p->lang, T_PROVENANCE));
    rpt_buf_add(&p->b, "<table class=\"provenance\">\n", 27);
    const char *rows[][2] = {
        { rpt_t(p->lang, T_FILE), f->path },       { rpt_t(p->lang, T_VERSION), f->version },
        { rpt_t(p->lang, T_GIT), f->git },         { rpt_t(p->lang, T_SEED), seed },
        { rpt_t(p->lang, T_COMMAND), f->command }, { rpt_t(p->lang, T_DATE), f->created },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *c[2] = { rows[i][0], rows[i][1] ? rows[i][1] : "-" };
        page_row(p, 0, 2, c, 2);
    }
    for (size_t i = 0; i < f->ns; i++) {
        char k[600];
        snprintf(k, sizeof k, "%s: %s", rpt_t(p->lang, T_SHA), f->sc[i].name);
        const char *c[2] = { k, f->sc[i].sha256 ? f->sc[i].sha256 : "-" };
        page_row(p, 0, 2, c, 2);
    }
    rpt_buf_add(&p->b, "</table>\n", 9);
}

/* The targets table of phoenix summary (last year), then the other metrics, folded. */
static void targets_table(rpt_page *p, const rpt_scenario *s, int targets)
{
    const char *head[7] = { rpt_t(p->lang, T_METRIC), rpt_t(p->lang, T_UNIT),
                            rpt_t(p->lang, targets ? T_TARGET : T_MEAN), rpt_t(p->lang, T_MEDIAN),
                            rpt_t(p->lang, T_INTERVAL90), rpt_t(p->lang, T_PTARGET),
                            rpt_t(p->lang, T_CI95) };
    size_t nq05 = rpt_level(s->qlev, s->nq, 0.05), nq50 = rpt_level(s->qlev, s->nq, 0.5),
           nq95 = rpt_level(s->qlev, s->nq, 0.95), ncol = targets ? 7 : 5;
    rpt_buf_printf(&p->b, "<table class=\"%s\">\n", targets ? "targets" : "others");
    page_row(p, 1, ncol, head, 2);
    for (size_t m = 0; m < s->nm; m++) {
        const rpt_metric *d = &s->metric[m];
        if (isnan(d->target) == targets)
            continue;
        size_t k = m * s->ny + s->ny - 1;
        const double *q = s->q + k * s->nq;
        char lab[512], c2[80], c3[64], a[64], b[64], c4[140], c5[32], c6[80];
        rpt_metric_label(d, p->lang, lab, sizeof lab);
        rpt_num(a, sizeof a, targets ? d->target : s->mean[k]);
        snprintf(c2, sizeof c2, "%s%s", targets ? (d->more ? "≥ " : "≤ ") : "", a);
        rpt_num(c3, sizeof c3, nq50 < s->nq ? q[nq50] : NAN);
        rpt_num(a, sizeof a, nq05 < s->nq ? q[nq05] : NAN);
        rpt_num(b, sizeof b, nq95 < s->nq ? q[nq95] : NAN);
        snprintf(c4, sizeof c4, "%s – %s", a, b);
        snprintf(c5, sizeof c5, "%.3f", s->p[k]);
        snprintf(c6, sizeof c6, "%.3f – %.3f", s->p_lo[k], s->p_hi[k]);
        const char *row[7] = { lab, d->unit, c2, c3, c4, c5, c6 };
        page_row(p, 0, ncol, row, 2);
    }
    rpt_buf_add(&p->b, "</table>\n", 9);
}

static void scenario_head(rpt_page *p, const rpt_scenario *s, size_t i)
{
    char id[32], h[600], meta[600];
    snprintf(id, sizeof id, "scenario-%zu", i + 1);
    snprintf(h, sizeof h, "%s: %s", rpt_t(p->lang, T_SCENARIO), s->name);
    page_h(p, 2, id, h);
    rpt_buf_printf(&p->b, "<p class=\"question\" data-scenario=\"");
    rpt_buf_esc(&p->b, s->name);
    rpt_buf_add(&p->b, "\"><b>", 5);
    rpt_buf_esc(&p->b, rpt_t(p->lang, T_QUESTION));
    rpt_buf_add(&p->b, ":</b> ", 6);
    rpt_buf_esc(&p->b, s->question ? s->question : rpt_t(p->lang, T_NO_QUESTION));
    rpt_buf_add(&p->b, "</p>\n", 5);
    snprintf(meta, sizeof meta, "%s: %s · %s: %lld · %s: %d–%d · sampler %s", rpt_t(p->lang, T_MODEL),
             s->model ? s->model : "-", rpt_t(p->lang, T_REPS), (long long)s->n_rep,
             rpt_t(p->lang, T_YEARS), (int)s->year_first, (int)s->year_last,
             s->sampler ? s->sampler : "-");
    rpt_buf_add(&p->b, "<p>", 3);
    if (s->description && s->description[0]) {
        rpt_buf_printf(&p->b, "%s: ", rpt_t(p->lang, T_DESCRIPTION));
        rpt_buf_esc(&p->b, s->description);
        rpt_buf_add(&p->b, "<br>", 4);
    }
    rpt_buf_esc(&p->b, meta);
    rpt_buf_add(&p->b, "</p>\n", 5);
}

static void scenario_section(rpt_page *p, size_t i)
{
    const rpt_scenario *s = &p->f->sc[i];
    size_t nt = 0, *idx;
    scenario_head(p, s, i);
    for (size_t m = 0; m < s->nm; m++)
        nt += !isnan(s->metric[m].target);
    page_h(p, 3, NULL, rpt_t(p->lang, T_TARGETS));
    plot_arg a = { p->f, i, 0, 0 };
    if (nt == 0) {
        page_absent(p, "targets", rpt_t(p->lang, T_NO_TARGETS));
    } else {
        targets_table(p, s, 1);
        page_figure(p, "ptarget", s->name, 900, chart_hbar_height(nt), chart_ptarget, &a, NULL);
    }
    char h[600];
    snprintf(h, sizeof h, "%s: %s", rpt_t(p->lang, T_FAN), nt ? rpt_t(p->lang, T_TARGETS) : rpt_t(p->lang, T_METRIC));
    page_h(p, 3, NULL, h);
    size_t n = rpt_shown_metrics(s, &idx);
    rpt_buf_add(&p->b, "<div class=\"grid\">\n", 19);
    for (size_t k = 0; k < n && k < 12; k++) {
        a.m = idx[k];
        char key[600];
        snprintf(key, sizeof key, "%s/%s", s->name, s->metric[idx[k]].name);
        page_figure(p, "fan", key, 430, 330, chart_fan, &a, NULL);
    }
    rpt_buf_add(&p->b, "</div>\n", 7);
    free(idx);
    page_h(p, 3, NULL, rpt_t(p->lang, T_DISTRICTS));
    if (s->group_dim == NULL || s->n_gm == 0 || s->ng == 0)
        page_absent(p, "districts", rpt_t(p->lang, T_NO_DISTRICTS));
    else
        page_figure(p, "districts", s->name, 900, chart_districts_height(s), chart_districts, &a, NULL);
    rpt_buf_printf(&p->b, "<details><summary>%s</summary>\n", rpt_t(p->lang, T_OTHER_METRICS));
    targets_table(p, s, 0);
    rpt_buf_add(&p->b, "</details>\n", 11);
}

static void contents(rpt_page *p)
{
    rpt_buf_printf(&p->b, "<nav><b>%s</b><ul>\n<li><a href=\"#provenance\">%s</a></li>\n",
                   rpt_t(p->lang, T_CONTENTS), rpt_t(p->lang, T_PROVENANCE));
    for (size_t i = 0; i < p->f->ns; i++) {
        rpt_buf_printf(&p->b, "<li><a href=\"#scenario-%zu\">%s: ", i + 1, rpt_t(p->lang, T_SCENARIO));
        rpt_buf_esc(&p->b, p->f->sc[i].name);
        rpt_buf_add(&p->b, "</a></li>\n", 10);
    }
    static const struct { const char *id; rpt_text t; } sec[] = {
        { "comparisons", T_COMPARISONS }, { "sweep", T_SWEEP }, { "fund", T_FUND },
        { "sensitivity", T_SENSITIVITY },
    };
    for (size_t i = 0; i < sizeof sec / sizeof sec[0]; i++)
        rpt_buf_printf(&p->b, "<li><a href=\"#%s\">%s</a></li>\n", sec[i].id, rpt_t(p->lang, sec[i].t));
    rpt_buf_add(&p->b, "</ul></nav>\n", 12);
}

int report_page(const rpt_file *f, rpt_lang lang, rpt_buf *out, phx_err *e)
{
    rpt_page p = { .f = f, .lang = lang, .e = e, .st = PHX_OK };
    rpt_buf_printf(&p.b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"generator\" content=\"phoenix %s\">\n<title>phoenix: ",
                   lang == RPT_LANG_EN ? "en" : "zh-Hans", PHX_VERSION);
    rpt_buf_esc(&p.b, rpt_t(lang, T_TITLE));
    rpt_buf_printf(&p.b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>phoenix: ", page_style);
    rpt_buf_esc(&p.b, rpt_t(lang, T_TITLE));
    rpt_buf_add(&p.b, "</h1>\n", 6);
    contents(&p);
    provenance(&p);
    for (size_t i = 0; p.st == PHX_OK && i < f->ns; i++)
        scenario_section(&p, i);
    if (p.st == PHX_OK)
        report_analyses(&p);
    rpt_buf_add(&p.b, "</body>\n</html>\n", 16);
    if (p.st != PHX_OK) {
        rpt_buf_free(&p.b);
        return p.st;
    }
    *out = p.b;
    return PHX_OK;
}
