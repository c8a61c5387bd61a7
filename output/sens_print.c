/* sens_print.c -- the printed report of a sensitivity analysis: a ranked table per target
 * metric (terminal or markdown) or one CSV row per estimate. */
#include "sensitivity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <csv.h>
#include <gsl/gsl_sort.h>

/* ---- CSV ----------------------------------------------------------------------------------- */

/* A field, quoted by libcsv when it holds a comma, a quote or a line break. */
static void csv_field(FILE *out, const char *s)
{
    if (strpbrk(s, ",\"\r\n") != NULL)
        csv_fwrite(out, s, strlen(s));
    else
        fputs(s, out);
    fputc(',', out);
}

static void csv_num(FILE *out, double v, int last)
{
    if (!isnan(v))
        fprintf(out, "%.10g", v);
    fputc(last ? '\n' : ',', out);
}

static void csv_row(FILE *out, const sens_result *r, const scenario *sc, size_t m, size_t y,
                    const char *factor, const char *index, double v, double lo, double hi)
{
    char year[16];
    snprintf(year, sizeof year, "%d", (int)r->year[y]);
    csv_field(out, sens_method_name(r->method));
    csv_field(out, sc->model->metrics[r->metric[m]].name);
    csv_field(out, year);
    csv_field(out, factor);
    csv_field(out, index);
    csv_num(out, v, 0);
    csv_num(out, lo, 0);
    csv_num(out, hi, 1);
}

/* S2 rows of metric-year (m, y): factor "a:b" for every pair a < b of the scenario's factors. */
static void csv_s2(FILE *out, const sens_result *r, const scenario *sc, size_t m, size_t y)
{
    size_t K = r->n_factor, at = (m * r->n_year + y) * K * K;
    for (size_t i = 0; i + 1 < K; i++)
        for (size_t l = i + 1; l + 1 < K; l++) {
            char pair[256];
            snprintf(pair, sizeof pair, "%s:%s", r->factor[i], r->factor[l]);
            size_t a = at + i * K + l;
            csv_row(out, r, sc, m, y, pair, "S2", r->S2[a], r->S2_lower[a], r->S2_upper[a]);
        }
}

static void print_csv(const sens_result *r, const scenario *sc, FILE *out)
{
    fputs("method,metric,year,factor,index,value,lower,upper\n", out);
    for (size_t m = 0; m < r->n_metric; m++)
        for (size_t y = 0; y < r->n_year; y++) {
            if (r->method == SENS_TORNADO) {
                csv_row(out, r, sc, m, 0, "", "base", r->base[m], NAN, NAN);
                if (!isnan(r->p_base[m]))
                    csv_row(out, r, sc, m, 0, "", "p_base", r->p_base[m], NAN, NAN);
            }
            for (size_t f = 0; f < r->n_factor; f++) {
                size_t a = r->method == SENS_TORNADO ? m * r->n_factor + f : sens_at(r, m, y, f);
                const char *fn = r->factor[f];
                if (r->method == SENS_SOBOL) {
                    csv_row(out, r, sc, m, y, fn, "S1", r->S1[a], r->S1_lower[a], r->S1_upper[a]);
                    csv_row(out, r, sc, m, y, fn, "ST", r->ST[a], r->ST_lower[a], r->ST_upper[a]);
                } else if (r->method == SENS_MORRIS) {
                    csv_row(out, r, sc, m, y, fn, "mu_star", r->mu_star[a], r->mu_star_lower[a],
                            r->mu_star_upper[a]);
                    csv_row(out, r, sc, m, y, fn, "sigma", r->sigma[a], NAN, NAN);
                } else {
                    csv_row(out, r, sc, m, y, fn, "low", r->low[a], NAN, NAN);
                    csv_row(out, r, sc, m, y, fn, "high", r->high[a], NAN, NAN);
                    csv_row(out, r, sc, m, y, fn, "swing", r->swing[a], NAN, NAN);
                    if (!isnan(r->p_swing[a])) {
                        csv_row(out, r, sc, m, y, fn, "p_low", r->p_low[a], NAN, NAN);
                        csv_row(out, r, sc, m, y, fn, "p_high", r->p_high[a], NAN, NAN);
                        csv_row(out, r, sc, m, y, fn, "p_swing", r->p_swing[a], NAN, NAN);
                    }
                }
            }
            if (r->S2)
                csv_s2(out, r, sc, m, y);
        }
}

/* ---- tables -------------------------------------------------------------------------------- */

/* Columns a string takes on a terminal: CJK and other wide characters take two. */
static int display_width(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            w += *p >= 0xE1 ? 2 : 1;     /* lead bytes of U+1000 and above: wide enough */
    return w;
}

static void pad(FILE *out, const char *s, int width)
{
    fputs(s, out);
    for (int i = display_width(s); i < width; i++)
        fputc(' ', out);
}

/* The factors of one metric-year in decreasing order of `key` (NaN last). */
static void rank(const double *key, size_t n, size_t *order)
{
    double *neg = phx_malloc(n * sizeof *neg);
    for (size_t i = 0; i < n; i++)
        neg[i] = isnan(key[i]) ? INFINITY : -key[i];
    gsl_sort_index(order, neg, 1, n);
    free(neg);
}


#define NCOL 7
typedef struct tcell {
    char s[NCOL][96];
} tcell;

/* Print a table: a header and n rows of `ncol` columns, aligned by display width (terminal) or
 * as a markdown table. */
static void table_print(FILE *out, int md, const char *const *head, const tcell *rows, size_t n,
                        int ncol)
{
    int w[NCOL];
    for (int c = 0; c < ncol; c++) {
        w[c] = display_width(head[c]);
        for (size_t i = 0; i < n; i++)
            w[c] = display_width(rows[i].s[c]) > w[c] ? display_width(rows[i].s[c]) : w[c];
    }
    for (size_t i = 0; i <= n + (md ? 1 : 0); i++) {
        fputs(md ? "|" : " ", out);
        for (int c = 0; c < ncol; c++) {
            const char *s = i == 0 ? head[c] : md && i == 1 ? (c ? "---:" : "---") : rows[i - 1 - md].s[c];
            fputc(' ', out);
            pad(out, s, md || c + 1 == ncol ? 0 : w[c]);
            fputs(md ? " |" : c + 1 == ncol ? "" : " ", out);
        }
        fputc('\n', out);
    }
}

static void fmt_interval(char *buf, double lo, double hi)
{
    if (isnan(lo) || isnan(hi))
        snprintf(buf, 96, "-");
    else
        snprintf(buf, 96, "[%.3f, %.3f]", lo, hi);
}

static void fmt_num(char *buf, const char *fmt, double v)
{
    if (isnan(v))
        snprintf(buf, 96, "-");
    else
        snprintf(buf, 96, fmt, v);
}

static const char *factor_label(const sens_result *r, size_t f)
{
    return r->method == SENS_SOBOL && f + 1 == r->n_factor ? "chance (随机性)" : r->factor[f];
}

/* One metric's ranked rows (year index y) into rows[]; returns the column count. */
static int metric_rows(const sens_result *r, size_t m, size_t y, const size_t *order, tcell *rows)
{
    for (size_t i = 0; i < r->n_factor; i++) {
        size_t f = order[i], a = r->method == SENS_TORNADO ? m * r->n_factor + f : sens_at(r, m, y, f);
        char(*s)[96] = rows[i].s;
        snprintf(s[0], 96, "%s", factor_label(r, f));
        if (r->method == SENS_SOBOL) {
            fmt_num(s[1], "%.3f", r->ST[a]);
            fmt_interval(s[2], r->ST_lower[a], r->ST_upper[a]);
            fmt_num(s[3], "%.3f", r->S1[a]);
            fmt_interval(s[4], r->S1_lower[a], r->S1_upper[a]);
        } else if (r->method == SENS_MORRIS) {
            fmt_num(s[1], "%.4g", r->mu_star[a]);
            snprintf(s[2], 96, "[%.4g, %.4g]", r->mu_star_lower[a], r->mu_star_upper[a]);
            fmt_num(s[3], "%.4g", r->sigma[a]);
        } else {
            fmt_num(s[1], "%.6g", r->low[a]);
            fmt_num(s[2], "%.6g", r->high[a]);
            fmt_num(s[3], "%.6g", r->swing[a]);
            fmt_num(s[4], "%.3f", r->p_low[a]);
            fmt_num(s[5], "%.3f", r->p_high[a]);
            fmt_num(s[6], "%.3f", r->p_swing[a]);
        }
    }
    return r->method == SENS_SOBOL ? 5 : r->method == SENS_MORRIS ? 4 : 7;
}

static void metric_title(const sens_result *r, const scenario *sc, size_t m, size_t y, int md,
                         FILE *out)
{
    const metric_def *d = &sc->model->metrics[r->metric[m]];
    const scenario_target *t = scenario_target_of(sc, r->metric[m]);
    fprintf(out, "\n%s%s (%s, %s), %d", md ? "### " : "", d->name, d->long_name_zh, d->unit,
            (int)r->year[y]);
    if (t)
        fprintf(out, ", target %s %g", d->direction > 0 ? ">=" : "<=", t->value);
    if (r->method == SENS_SOBOL)
        fprintf(out, ": variance %.6g, ranked by total index ST\n", r->variance[m * r->n_year + y]);
    else if (r->method == SENS_MORRIS)
        fprintf(out, ": ranked by mu*\n");
    else if (isnan(r->p_base[m]))
        fprintf(out, ": mean %.6g at the medians; ranked by swing\n", r->base[m]);
    else
        fprintf(out, ": mean %.6g and P(target met) %.3f at the medians; ranked by swing\n",
                r->base[m], r->p_base[m]);
    if (md)
        fputc('\n', out);
}

static void print_metric(const sens_result *r, const scenario *sc, size_t m, int md, FILE *out)
{
    static const char *const heads[3][NCOL] = {
        { "factor", "ST", "ST interval", "S1", "S1 interval" },
        { "factor", "mu*", "mu* interval", "sigma" },
        { "factor", "mean at 10%", "mean at 90%", "swing", "P at 10%", "P at 90%", "P swing" } };
    size_t y = r->n_year - 1, n = r->n_factor;
    double *key = phx_malloc(n * sizeof *key);
    size_t *order = phx_malloc(n * sizeof *order);
    for (size_t f = 0; f < n; f++) {
        size_t a = r->method == SENS_TORNADO ? m * n + f : sens_at(r, m, y, f);
        key[f] = r->method == SENS_SOBOL ? r->ST[a] : r->method == SENS_MORRIS ? r->mu_star[a] : r->swing[a];
    }
    rank(key, n, order);
    tcell *rows = phx_calloc(n, sizeof *rows);
    int ncol = metric_rows(r, m, y, order, rows);
    metric_title(r, sc, m, y, md, out);
    table_print(out, md, heads[r->method], rows, n, ncol);
    free(rows);
    free(order);
    free(key);
}

void sens_print(const sens_result *r, const scenario *sc, const char *format, int all_metrics,
                FILE *out)
{
    if (strcmp(format, "csv") == 0) {
        print_csv(r, sc, out);
        return;
    }
    int md = strcmp(format, "md") == 0, any_target = 0;
    for (size_t m = 0; m < r->n_metric; m++)
        any_target |= scenario_target_of(sc, r->metric[m]) != NULL;
    const char *what = r->method == SENS_SOBOL ? "base samples" : r->method == SENS_MORRIS
                                                                      ? "trajectories"
                                                                      : "replications per point";
    fprintf(out, "%s%s sensitivity of %s: %zu factors, N = %zu %s, %zu model runs, seed %llu",
            md ? "## " : "", sens_method_name(r->method), r->scenario,
            r->n_factor - (r->method == SENS_SOBOL), r->N, what, r->rows, (unsigned long long)r->seed);
    if (r->method != SENS_TORNADO)
        fprintf(out, "; %g%% bootstrap intervals (%zu resamples)", 100 * r->level, r->n_boot);
    fputc('\n', out);
    for (size_t m = 0; m < r->n_metric; m++)
        if (all_metrics || !any_target || scenario_target_of(sc, r->metric[m]))
            print_metric(r, sc, m, md, out);
    if (r->method == SENS_SOBOL)
        fprintf(out, "\nchance (随机性): the share of variance left with every factor fixed (the "
                "model's own draws), from a second random stream per base sample.\n");
}
