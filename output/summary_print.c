/* summary_print.c -- the summary report as aligned text, Markdown (output/table.c) or CSV:
 * every scenario's metrics with a target first, then the others, for the years chosen; then
 * every comparison, for every metric (targets first). */
#include "sum.h"
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/layout.h"

/* ---- numbers as text ------------------------------------------------------------------- */

/* For CSV: full enough precision for a machine, empty for NaN. */
static void sum_raw(char *buf, size_t n, double x)
{
    if (isnan(x))
        buf[0] = '\0';
    else
        snprintf(buf, n, "%.10g", x);
}

static void sum_interval(char *buf, size_t n, double lo, double hi)
{
    char a[64], b[64];
    table_num(a, sizeof a, lo);
    table_num(b, sizeof b, hi);
    snprintf(buf, n, "%s – %s", a, b);
}

static void sum_target_text(char *buf, size_t n, const sum_scenario *s, size_t m)
{
    char v[64];
    table_num(v, sizeof v, s->target[m]);
    snprintf(buf, n, "%s %s", s->more[m] ? "≥" : "≤", v);
}

static int sum_scenario_shown(const sum_scenario *s, const sum_select *o)
{
    return o->scenario == NULL || strcmp(o->scenario, s->name) == 0;
}

/* ---- one scenario --------------------------------------------------------------------- */

/* The two tables of one scenario in year index y: metrics with a target, then the others. */
static void sum_tables(const sum_scenario *s, const sum_select *o, size_t y, text_table *tt,
                       text_table *to)
{
    static const char *const th[] = { "metric", "unit", "target", "median", "90% interval",
                                       "P(target met)", "95% CI" };
    static const int tr[] = { 0, 0, 1, 1, 1, 1, 1 };
    static const char *const oh[] = { "metric", "unit", "mean", "median", "90% interval" };
    static const int orr[] = { 0, 0, 1, 1, 1 };
    table_init(tt, 7, th, tr);
    table_init(to, 5, oh, orr);
    for (size_t m = 0; m < s->nm; m++) {
        if (!sum_metric_shown(s, m, o))
            continue;
        char tg[96], med[64], iv[160], p[32], ci[96], mean[64], lo[32], hi[32];
        table_num(med, sizeof med, SUM_Q(s, m, y, s->q50));
        sum_interval(iv, sizeof iv, SUM_Q(s, m, y, s->q05), SUM_Q(s, m, y, s->q95));
        if (!isnan(s->target[m])) {
            sum_target_text(tg, sizeof tg, s, m);
            table_prob(p, sizeof p, SUM_AT(s, s->p, m, y));
            table_prob(lo, sizeof lo, SUM_AT(s, s->p_lo, m, y));
            table_prob(hi, sizeof hi, SUM_AT(s, s->p_hi, m, y));
            snprintf(ci, sizeof ci, "%s – %s", lo, hi);
            const char *row[] = { s->metric[m], s->unit[m], tg, med, iv, p, ci };
            table_row(tt, row);
        } else {
            table_num(mean, sizeof mean, SUM_AT(s, s->mean, m, y));
            const char *row[] = { s->metric[m], s->unit[m], mean, med, iv };
            table_row(to, row);
        }
    }
}

/* One line naming the constraint indicators that are > 0 in year index y (in at least one
 * replication: they are never negative, so a mean > 0 says so). */
static void sum_print_constraints(const sum_scenario *s, size_t y, FILE *out)
{
    size_t n = 0;
    for (size_t m = 0; m < s->nm; m++) {
        double mean = SUM_AT(s, s->mean, m, y), med = SUM_Q(s, m, y, s->q50);
        if (!s->constraint[m] || !(mean > 0))
            continue;
        char a[32], b[32];
        table_num(a, sizeof a, mean);
        table_num(b, sizeof b, med);
        if (n++ == 0 && y + 1 == s->ny)
            fputs("\nconstraints that bind in the last year: ", out);
        else if (n == 1)
            fprintf(out, "\nconstraints that bind in %d: ", (int)s->year_first + (int)y);
        else
            fputs("; ", out);
        fprintf(out, "%s (mean %s, median %s %s)", s->metric[m], a, b, s->unit[m]);
    }
    if (n > 0)
        fputc('\n', out);
}

static void sum_print_table(const text_table *t, const char *md_title, const char *title,
                            int md, FILE *out)
{
    if (t->nrow == 0)
        return;
    fputs(md ? md_title : title, out);
    if (md)
        table_print_md(t, out);
    else
        table_print_text(t, out);
}

static void sum_print_year(const sum_scenario *s, const sum_select *o, size_t y, FILE *out)
{
    int md = o->f == SUM_MD, year = (int)s->year_first + (int)y;
    char years[64];
    text_table tt, to;
    sum_tables(s, o, y, &tt, &to);
    if (s->year_first == s->year_last)
        snprintf(years, sizeof years, "year %d", (int)s->year_first);
    else
        snprintf(years, sizeof years, "years %d–%d", (int)s->year_first, (int)s->year_last);
    fprintf(out, md ? "### %s\n\nModel %s, %lld replications, %s; values for %d.\n\n"
                    : "scenario %s (model %s, %lld replications, %s; values for %d)\n",
            s->name, s->model, (long long)s->n_rep, years, year);
    sum_print_table(&tt, "Targets:\n\n", "\n targets\n", md, out);
    sum_print_table(&to, tt.nrow > 0 ? "\nOther metrics:\n\n" : "Metrics:\n\n",
                    tt.nrow > 0 ? "\n other metrics\n" : "\n metrics\n", md, out);
    sum_print_constraints(s, y, out);
    fputc('\n', out);
    table_free(&tt);
    table_free(&to);
}

/* ---- comparisons ------------------------------------------------------------------------ */

/* A comparison's row of metric m in year index y into t. */
static void sum_cmp_row(const sum_cmp *c, size_t m, size_t y, text_table *t)
{
    const sum_scenario *a = c->a, *b = c->b;
    size_t k = layout_cell(m, y, a->ny);
    char v[6][64];
    table_num(v[0], 64, SUM_Q(a, m, y, a->q50));
    table_num(v[1], 64, SUM_Q(b, m, y, b->q50));
    table_num(v[2], 64, c->mean[k]);
    table_num(v[3], 64, c->se[k]);
    table_num(v[4], 64, c->seu[k]);
    table_prob(v[5], 64, c->pb[k]);
    const char *row[] = { a->metric[m], a->unit[m], v[0], v[1], v[2], v[3], v[4], v[5] };
    table_row(t, row);
}

/* The comparison's table in year index y: every metric shown, those with a target first. */
static void sum_cmp_print(const sum_cmp *c, const sum_select *o, size_t y, FILE *out)
{
    static const char *const head[] = { "metric", "unit", "median a", "median b", "mean b − a",
                                        "paired SE", "unpaired SE", "P(b better)" };
    static const int right[] = { 0, 0, 1, 1, 1, 1, 1, 1 };
    const sum_scenario *a = c->a;
    text_table t;
    table_init(&t, 8, head, right);
    for (int pass = 0; pass < 2; pass++)
        for (size_t m = 0; m < a->nm; m++)
            if (sum_metric_shown(a, m, o) && isnan(a->target[m]) == (pass == 1))
                sum_cmp_row(c, m, y, &t);
    int year = (int)a->year_first + (int)y;
    if (o->f == SUM_MD) {
        fprintf(out, "### %s compared with %s\n\nPaired on the same replications; values for %d.\n\n",
                c->bn, c->an, year);
        table_print_md(&t, out);
    } else {
        fprintf(out, "comparison: b = %s vs a = %s (paired, common random numbers; values for %d)\n",
                c->bn, c->an, year);
        table_print_text(&t, out);
    }
    fputc('\n', out);
    table_free(&t);
}

void sum_print_text(const sum_file *f, const sum_select *o, FILE *out)
{
    size_t y0, y1;
    for (size_t i = 0; i < f->n_sc; i++) {
        if (!sum_scenario_shown(&f->sc[i], o))
            continue;
        sum_years(&f->sc[i], o, &y0, &y1);
        for (size_t y = y0; y <= y1; y++)
            sum_print_year(&f->sc[i], o, y, out);
    }
    for (size_t k = 0; k < f->n_cmp; k++) {
        const sum_cmp *c = &f->cmp[k];
        if (!sum_scenario_shown(c->a, o) && !sum_scenario_shown(c->b, o))
            continue;
        sum_years(c->a, o, &y0, &y1);
        for (size_t y = y0; y <= y1; y++)
            sum_cmp_print(c, o, y, out);
    }
}

/* ---- CSV ---------------------------------------------------------------------------------- */

/* A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
static void sum_csv_field(FILE *out, const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n") != NULL) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
    fputc(last ? '\n' : ',', out);
}

static const char sum_csv_head[] = "scenario,metric,unit,year,direction,target,mean,median,q05,q95,"
                                   "p_target,p_target_lower,p_target_upper,compared_with,mean_diff,"
                                   "stderr_diff,stderr_unpaired,p_better\n";

/* One row: metric m of s in year index y, with its comparison's columns (empty without one). */
static void sum_csv_row(const sum_scenario *s, const sum_cmp *c, size_t m, size_t y, FILE *out)
{
    int has = !isnan(s->target[m]);
    size_t k = layout_cell(m, y, s->ny);
    char v[12][64], year[16];
    snprintf(year, sizeof year, "%d", (int)s->year_first + (int)y);
    double x[12] = { s->target[m], s->mean[k], SUM_Q(s, m, y, s->q50), SUM_Q(s, m, y, s->q05),
                     SUM_Q(s, m, y, s->q95), has ? s->p[k] : NAN, has ? s->p_lo[k] : NAN,
                     has ? s->p_hi[k] : NAN, c ? c->mean[k] : NAN, c ? c->se[k] : NAN,
                     c ? c->seu[k] : NAN, c ? c->pb[k] : NAN };
    for (int j = 0; j < 12; j++)
        sum_raw(v[j], 64, x[j]);
    sum_csv_field(out, s->name, 0);
    sum_csv_field(out, s->metric[m], 0);
    sum_csv_field(out, s->unit[m], 0);
    sum_csv_field(out, year, 0);
    sum_csv_field(out, s->more[m] ? "more" : "less", 0);
    for (int j = 0; j < 8; j++)
        sum_csv_field(out, v[j], 0);
    sum_csv_field(out, c ? c->an : "", 0);
    for (int j = 8; j < 12; j++)
        sum_csv_field(out, v[j], j == 11);
}

void sum_print_csv(const sum_file *f, const sum_select *o, FILE *out)
{
    fputs(sum_csv_head, out);
    for (size_t i = 0; i < f->n_sc; i++) {
        const sum_scenario *s = &f->sc[i];
        if (!sum_scenario_shown(s, o))
            continue;
        const sum_cmp *c = sum_cmp_of(f, s);
        size_t y0, y1;
        sum_years(s, o, &y0, &y1);
        for (int pass = 0; pass < 2; pass++)
            for (size_t m = 0; m < s->nm; m++)
                for (size_t y = y0; sum_metric_shown(s, m, o) && isnan(s->target[m]) == (pass == 1) &&
                                    y <= y1; y++)
                    sum_csv_row(s, c, m, y, out);
    }
}
