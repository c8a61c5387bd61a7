/* seek_print.c -- the goal seek's answer as a table (output/table.c) or one CSV row. */
#include "seek.h"
#include "table.h"
#include "../engine/stats.h"

#include <math.h>
#include <string.h>

static void csv_num(FILE *out, double v, int last)
{
    if (!isnan(v))
        fprintf(out, "%.10g", v);
    fputc(last ? '\n' : ',', out);
}

static const char *unit_of(const seek_spec *s, const model_type *m)
{
    for (size_t i = 0; i < m->n_params; i++)
        if (strcmp(m->params[i].name, s->lever) == 0)
            return m->params[i].unit;
    return "";
}

static void print_question(const seek_result *r, const seek_spec *s, const model_type *m,
                           const char *sc_name, FILE *out)
{
    const metric_def *d = &m->metrics[r->metric];
    char t[64];
    table_num(t, sizeof t, r->target);
    fprintf(out, "goal seek: %s, %zu replications (common random numbers: every value runs the "
                 "same replications)\n", sc_name, r->n);
    fprintf(out, "  question: the %s %s in [%g, %g] with P(%s %s %s %s in %d) >= %g\n",
            r->direction > 0 ? "smallest" : "largest", s->lever, s->a, s->b, d->name,
            r->target_more ? ">=" : "<=", t, d->unit, r->year, s->confidence);
    fprintf(out, "  the lever %s P(target met): %.3f at %g, %.3f at %g\n",
            r->p_a == r->p_b ? "does not move" : r->direction > 0 ? "raises" : "lowers", r->p_a, s->a,
            r->p_b, s->b);
}

static void print_answer(const seek_result *r, const seek_spec *s, const model_type *m, FILE *out)
{
    const char *unit = unit_of(s, m);
    if (r->reachable) {
        char lo[64] = "beyond the range", hi[64] = "beyond the range";
        if (!isnan(r->lower))
            snprintf(lo, sizeof lo, "%.4g", r->lower);
        if (!isnan(r->upper))
            snprintf(hi, sizeof hi, "%.4g", r->upper);
        fprintf(out, "\n  answer: %s = %.4g (%s)   (%.0f%% interval %s – %s)\n", s->lever, r->value,
                unit, 100 * s->level, lo, hi);
        fprintf(out, "  P(target met) at the answer: %.3f [%.3f, %.3f]\n", r->p, r->p_lo, r->p_hi);
        return;
    }
    fprintf(out, "\n  OUT OF REACH within [%g, %g]: no value gives P(target met) >= %g; the best, "
                 "%s = %.4g (%s), gives %.3f [%.3f, %.3f]\n", s->a, s->b, s->confidence, s->lever,
            r->reported, unit, r->p, r->p_lo, r->p_hi);
}

static void print_binding(const seek_result *r, const model_type *m, FILE *out)
{
    if (r->n_binding == 0) {
        fprintf(out, "  no constraint the model reports binds at %.4g\n", r->reported);
        return;
    }
    const metric_def *d = &m->metrics[r->binding[0].metric];
    char mean[64];
    table_num(mean, sizeof mean, r->binding[0].mean);
    fprintf(out, "  the constraint that binds: %s (%s): > 0 in %.0f%% of the replications missing "
                 "the target (%.0f%% of all), mean %s %s\n", d->name, d->long_name,
            100 * r->binding[0].share_missing, 100 * r->binding[0].share, mean, d->unit);
    for (size_t k = 1; k < r->n_binding; k++)
        fprintf(out, "  also: %s in %.0f%% of the replications missing the target\n",
                m->metrics[r->binding[k].metric].name, 100 * r->binding[k].share_missing);
}

static void print_runs(const seek_result *r, const seek_spec *s, FILE *out)
{
    static const char *const head[] = { "value", "P(target met)", "95% interval" };
    static const int right[] = { 1, 1, 1 };
    text_table t;
    table_init(&t, 3, head, right);
    for (size_t k = 0; k < r->n_evals; k++) {
        char v[32], p[32], iv[64];
        double lo, hi, pv = (double)r->evals[k].met / (double)r->n;
        stats_wilson(r->evals[k].met, r->n, s->level, &lo, &hi);
        snprintf(v, sizeof v, "%.6g", r->evals[k].value);
        snprintf(p, sizeof p, "%.3f", pv);
        snprintf(iv, sizeof iv, "%.3f – %.3f", lo, hi);
        const char *row[] = { v, p, iv };
        table_row(&t, row);
    }
    fprintf(out, "\n  the %zu simulations, in the order run (P %s over the values: %s; replications "
                 "leaving the target as the lever moves on: %zu)\n", r->n_evals,
            r->direction > 0 ? "non-decreasing" : "non-increasing", r->monotone ? "yes" : "NO",
            r->n_not_monotone);
    table_print_text(&t, out);
    table_free(&t);
}

void seek_print(const seek_result *r, const seek_spec *s, const model_type *m, const char *sc_name,
                const char *format, FILE *out)
{
    if (strcmp(format, "csv") == 0) {
        fputs("lever,value,lower,upper,p_target,confidence\n", out);
        fprintf(out, "%s,", s->lever);
        csv_num(out, r->reachable ? r->value : NAN, 0);
        csv_num(out, r->reachable ? r->lower : NAN, 0);
        csv_num(out, r->reachable ? r->upper : NAN, 0);
        csv_num(out, r->p, 0);
        csv_num(out, s->confidence, 1);
        return;
    }
    print_question(r, s, m, sc_name, out);
    print_answer(r, s, m, out);
    print_binding(r, m, out);
    print_runs(r, s, out);
}
