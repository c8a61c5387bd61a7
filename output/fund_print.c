/* fund_print.c -- the fund report for people (aligned text, through output/table.c) and for
 * machines (CSV rows). */
#include "fund.h"
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- printing --------------------------------------------------------------------------------- */

static void csv_num(FILE *out, double v)
{
    if (isnan(v))
        return;
    if (isinf(v))
        fputs(v > 0 ? "inf" : "-inf", out);
    else
        fprintf(out, "%.10g", v);
}

/* `v` in the unit of the solved value: a share in per cent, else in the lever's unit. */
static const char *fmt_value(const fund_report *r, double v, char *buf, size_t n)
{
    if (isinf(v))
        snprintf(buf, n, v > 0 ? "unbounded" : "-inf");
    else if (isnan(v))
        snprintf(buf, n, "n/a");
    else if (!fund_lever_of(r)->percent)
        snprintf(buf, n, "%#.4g %s", v, fund_lever_of(r)->unit);
    else
        snprintf(buf, n, "%#.4g%%", 100 * v);
    return buf;
}

/* The answer rounded *up* at 4 significant digits: printed, it still keeps its promise. */
static const char *fmt_answer(const fund_report *r, double v, char *buf, size_t n)
{
    int percent = fund_lever_of(r)->percent;
    double shown = !percent ? v : 100 * v;
    if (isfinite(v) && v > 0) {
        double scale = pow(10, 3 - floor(log10(shown)));
        shown = ceil(shown * scale - 1e-9) / scale;
        v = !percent ? shown : shown / 100;
    }
    return fmt_value(r, v, buf, n);
}

/* A row "label   0.900  [0.881, 0.917]" (n/a when not computed) of the P table `t`
 * (columns: label, P, interval, note), printed by the table printer (output/table.h). */
static void print_p(text_table *t, const char *label, double p, double lo, double hi, const char *tail)
{
    char lab[192], pv[32] = "n/a", ci[64] = "";
    snprintf(lab, sizeof lab, "  %s", label);
    if (!isnan(p)) {
        snprintf(pv, sizeof pv, "%.3f", p);
        snprintf(ci, sizeof ci, "[%.3f, %.3f]", lo, hi);
    }
    const char *row[] = { lab, pv, ci, tail };
    table_row(t, row);
}

static void p_table(text_table *t)
{
    static const char *const head[] = { "", "P", "95% interval", "" };
    static const int right[] = { 0, 1, 0, 0 };
    table_init(t, 4, head, right);
}

static void print_fan(const fund_report *r, const double *fan, const char *label, FILE *out)
{
    fprintf(out, "  %s %s\n", fund_sizing_of(r)->balance_title, label);
    const char *head[1 + STATS_NQ];
    int right[1 + STATS_NQ];
    char qs[STATS_NQ][16], cells[1 + STATS_NQ][32];
    head[0] = "  year";
    right[0] = 0;
    for (int q = 0; q < STATS_NQ; q++) {
        snprintf(qs[q], sizeof qs[q], "%.0f%%", 100 * stats_q_levels[q]);
        head[1 + q] = qs[q];
        right[1 + q] = 1;
    }
    text_table t;
    table_init(&t, 1 + STATS_NQ, head, right);
    for (int y = 0; y < r->n_years; y++) {
        const char *row[1 + STATS_NQ];
        snprintf(cells[0], sizeof cells[0], "  %d", r->year_first + y);
        for (int q = 0; q < STATS_NQ; q++)
            snprintf(cells[1 + q], sizeof cells[1 + q], "%.1f", fan[(size_t)y * STATS_NQ + (size_t)q]);
        for (int c = 0; c <= STATS_NQ; c++)
            row[c] = cells[c];
        table_row(&t, row);
    }
    table_print_text(&t, out);
    table_free(&t);
}

static void print_header(const fund_report *r, FILE *out)
{
    const char *key = fund_lever_of(r)->param, *sw = fund_sizing_of(r)->switch_param;
    fprintf(out, "fund sizing: %s, %zu replications\n", r->scenario, r->n);
    if (r->mode == FUND_SOLVENCY) {
        fprintf(out, "  question: the smallest %s with P(solvent) >= %g, solvent = every year-end\n"
                     "  balance >= 0 (%s = off; one run: each replication's break-even value)\n",
                key, r->confidence, sw);
        return;
    }
    fprintf(out, "  question: the smallest %s with P(every target met in %d) >= %g:", key,
            r->year_first + r->n_years - 1, r->confidence);
    for (size_t k = 0; k < r->n_required; k++)
        fprintf(out, " %s", r->required[k]);
    fprintf(out, "\n  (%s = on: an action waits until the balance covers it; %zu full "
                 "runs on the same replications)\n", sw, r->n_evals);
}

static void print_table(const fund_report *r, FILE *out)
{
    char a[64], b[64], c[64], label[128];
    const char *pname = r->mode == FUND_SOLVENCY ? "P(solvent)" : "P(targets met)";
    print_header(r, out);
    fprintf(out, "\n  answer: %s   (%.0f%% interval %s - %s)\n", fmt_answer(r, r->answer, a, sizeof a),
            100 * r->level, fmt_value(r, r->lower, b, sizeof b), fmt_value(r, r->upper, c, sizeof c));
    if (!isfinite(r->answer) && r->mode == FUND_TARGETS)
        fprintf(out, "  no value up to the key's bound reaches %g; with money to spare %s = %.3f\n",
                r->confidence, pname, r->p_ceiling);
    else if (!isfinite(r->answer))
        fprintf(out, "  no finite value reaches %g\n", r->confidence);
    fprintf(out, "  %s\n", pname);
    text_table pt;
    p_table(&pt);
    print_p(&pt, "at the answer", r->p_answer, r->p_answer_lo, r->p_answer_hi, "");
    print_p(&pt, "at 0.9 x the answer", r->p_below, r->p_below_lo, r->p_below_hi, "");
    print_p(&pt, "at 1.1 x the answer", r->p_above, r->p_above_lo, r->p_above_hi, "");
    snprintf(label, sizeof label, "at the scenario's %s", fmt_value(r, r->scenario_value, a, sizeof a));
    print_p(&pt, label, r->p_scenario, r->p_scenario_lo, r->p_scenario_hi,
            r->p_scenario >= r->confidence ? "-> enough" : "-> NOT enough");
    if (r->mode == FUND_TARGETS) {
        snprintf(label, sizeof label, "at %s (bracket below the answer)", fmt_value(r, r->bracket, a, sizeof a));
        if (!isnan(r->bracket))
            print_p(&pt, label, r->p_bracket, r->p_bracket_lo, r->p_bracket_hi, "");
        print_p(&pt, "with money to spare (constrained off)", r->p_ceiling, r->p_ceiling_lo,
                r->p_ceiling_hi, "");
    }
    table_print_rows(&pt, out);
    table_free(&pt);
    if (r->mode == FUND_TARGETS) {
        fprintf(out, "  %s non-decreasing over the %zu values run: %s; replications meeting the targets "
                     "at one value and not at a larger one: %zu\n", pname, r->n_evals,
                r->monotone ? "yes" : "NO", r->n_not_monotone);
        if (r->fan_value == r->answer)
            fmt_answer(r, r->fan_value, a, sizeof a);
        else
            fmt_value(r, r->fan_value, a, sizeof a);
        fprintf(out, "  each target at %s:", a);
        for (size_t k = 0; k < r->n_required; k++)
            fprintf(out, " %s %.3f%s", r->required[k], r->p_each[k], k + 1 < r->n_required ? "," : "\n");
        snprintf(label, sizeof label, "at %s", a);
        print_fan(r, r->fan_answer, label, out);
        return;
    }
    fprintf(out, "\n  at the scenario's %s: balance negative in %zu of %zu replications",
            fmt_value(r, r->scenario_value, a, sizeof a), r->n_shortfall, r->n);
    if (r->n_shortfall)
        fprintf(out, "; mean lowest balance %.2f %s [%.2f, %.2f]", r->shortfall, fund_sizing_of(r)->money_unit,
                r->shortfall_lo, r->shortfall_hi);
    fprintf(out, "\n  first year of shortfall:");
    for (int y = 0; y < r->n_years; y++)
        fprintf(out, " %d %.3f,", r->year_first + y, r->p_first[y]);
    fprintf(out, " never %.3f\n\n", r->p_first[r->n_years]);
    snprintf(label, sizeof label, "at the scenario's %s", fmt_value(r, r->scenario_value, a, sizeof a));
    print_fan(r, r->fan, label, out);
    snprintf(label, sizeof label, "at the answer %s", fmt_answer(r, r->answer, a, sizeof a));
    print_fan(r, r->fan_answer, label, out);
}

void fund_report_print(const fund_report *r, const char *format, FILE *out)
{
    if (strcmp(format, "csv") != 0) {
        print_table(r, out);
        return;
    }
    fund_row *rows;
    size_t n = fund_report_rows(r, &rows);
    fputs("quantity,value,lower,upper,q05,q95\n", out);
    for (size_t i = 0; i < n; i++) {
        fputs(rows[i].quantity, out);
        fputc(',', out);
        csv_num(out, rows[i].value);
        fputc(',', out);
        csv_num(out, rows[i].lower);
        fputc(',', out);
        csv_num(out, rows[i].upper);
        fputc(',', out);
        csv_num(out, rows[i].q05);
        fputc(',', out);
        csv_num(out, rows[i].q95);
        fputc('\n', out);
    }
    free(rows);
}

