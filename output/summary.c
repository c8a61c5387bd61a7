/* summary.c -- `phoenix summary`: the last year of every scenario in a results file, as an
 * aligned text table, CSV or Markdown. Reads only the small summary/ datasets. */
#include "table.h"
#include "h5.h"
#include "h5util.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/layout.h"
#include "../engine/stats.h"

typedef enum { SUM_TABLE, SUM_CSV, SUM_MD } sum_format;

/* ---- one scenario's summary, as read from the file ------------------------------------- */

typedef struct sum_scenario {
    char *name, *model;
    int64_t n_rep;
    int32_t year_first, year_last;
    size_t nm, ny;           /* metrics, years */
    char **metric;           /* nm names */
    char **unit;             /* nm units */
    int *more;               /* nm: direction "more"? */
    int *constraint;         /* nm: a constraint indicator (attribute "constraint")? */
    double *target;          /* nm; NaN: none */
    double *mean, *p, *p_lo, *p_hi;   /* nm x ny */
    double *q;               /* nm x ny x nq */
    size_t nq, q05, q50, q95;         /* quantile count and the indices used */
} sum_scenario;

static void sum_scenario_free(sum_scenario *s)
{
    free(s->name);
    free(s->model);
    h5u_strs_free(s->metric, s->nm);
    h5u_strs_free(s->unit, s->nm);
    free(s->more);
    free(s->constraint);
    free(s->target);
    free(s->mean);
    free(s->p);
    free(s->p_lo);
    free(s->p_hi);
    free(s->q);
}

/* Index of level `lv` among the quantile levels, or nq. */
static size_t sum_level(const double *lev, size_t nq, double lv)
{
    for (size_t i = 0; i < nq; i++)
        if (fabs(lev[i] - lv) < 1e-9)
            return i;
    return nq;
}

/* Units and direction of every metric, from metrics/<name>. */
static int sum_load_metric_attrs(hid_t g, const char *path, sum_scenario *s, phx_err *e)
{
    hid_t mg = H5Gopen2(g, "metrics", H5P_DEFAULT);
    if (mg < 0)
        return h5u_damaged(e, path, "scenario %s: cannot open group metrics", s->name);
    int st = PHX_OK;
    s->unit = phx_calloc(s->nm ? s->nm : 1, sizeof *s->unit);
    s->more = phx_calloc(s->nm ? s->nm : 1, sizeof *s->more);
    s->constraint = phx_calloc(s->nm ? s->nm : 1, sizeof *s->constraint);
    for (size_t m = 0; st == PHX_OK && m < s->nm; m++) {
        char *dir = NULL;
        hid_t d = H5Dopen2(mg, s->metric[m], H5P_DEFAULT);
        if (d < 0) {
            st = h5u_damaged(e, path, "scenario %s: cannot open metrics/%s", s->name, s->metric[m]);
            break;
        }
        st = h5u_read_attr_str(d, "units", &s->unit[m], path, e);
        if (st == PHX_OK)
            st = h5u_read_attr_str(d, "direction", &dir, path, e);
        if (st == PHX_OK)
            s->more[m] = strcmp(dir, "less") != 0;
        s->constraint[m] = H5Aexists(d, "constraint") > 0;
        free(dir);
        h5u_close(d);
    }
    h5u_close(mg);
    return st;
}

/* Read summary/ of scenario `name`: every array must agree on [metric x year (x quantile)]. */
static int sum_load_arrays(hid_t sg, const char *path, sum_scenario *s, phx_err *e)
{
    size_t d1[1], d2[2], d3[3], n;
    double *lev = NULL;
    int st;
    if ((st = h5u_read_strs(sg, "metric", &s->metric, &s->nm, path, e)) ||
        (st = h5u_read_f64(sg, "quantile", 1, &lev, d1, path, e)))
        return st;
    s->nq = d1[0];
    s->q05 = sum_level(lev, s->nq, 0.05);
    s->q50 = sum_level(lev, s->nq, 0.50);
    s->q95 = sum_level(lev, s->nq, 0.95);
    free(lev);
    if (s->q05 == s->nq || s->q50 == s->nq || s->q95 == s->nq)
        return phx_fail(e, PHX_EINPUT, path, 0, NULL,
                        "scenario %s: summary/quantile lacks 0.05, 0.5 or 0.95", s->name);
    if ((st = h5u_read_f64(sg, "target", 1, &s->target, &n, path, e)) ||
        (st = h5u_read_f64(sg, "mean", 2, &s->mean, d2, path, e)))
        return st;
    s->ny = d2[1];
    struct { const char *name; double **v; } cols[] = {
        { "p_target", &s->p }, { "p_target_lower", &s->p_lo }, { "p_target_upper", &s->p_hi },
    };
    int bad = n != s->nm || d2[0] != s->nm || s->ny == 0;
    for (size_t i = 0; !bad && i < sizeof cols / sizeof cols[0]; i++) {
        if ((st = h5u_read_f64(sg, cols[i].name, 2, cols[i].v, d2, path, e)))
            return st;
        bad = d2[0] != s->nm || d2[1] != s->ny;
    }
    if (!bad && (st = h5u_read_f64(sg, "quantiles", 3, &s->q, d3, path, e)))
        return st;
    if (bad || d3[0] != s->nm || d3[1] != s->ny || d3[2] != s->nq)
        return phx_fail(e, PHX_EINPUT, path, 0, NULL,
                        "scenario %s: summary datasets disagree on their shapes", s->name);
    return PHX_OK;
}

static int sum_load(hid_t f, const char *path, const char *name, sum_scenario *s, phx_err *e)
{
    hid_t g = -1, sg = -1;
    memset(s, 0, sizeof *s);
    s->name = phx_strdup(name);
    int st = h5u_open_scenario(f, path, name, &g, e);
    if (st == PHX_OK)
        st = h5u_read_attr_str(g, "model", &s->model, path, e);
    if (st == PHX_OK)
        st = h5u_read_attr_i64(g, "n_replications", &s->n_rep, path, e);
    if (st == PHX_OK)
        st = h5u_read_attr_i32s(g, "year_first", &s->year_first, 1, path, e);
    if (st == PHX_OK)
        st = h5u_read_attr_i32s(g, "year_last", &s->year_last, 1, path, e);
    if (st == PHX_OK) {
        int ex = h5u_exists(g, "summary");
        if (ex <= 0)
            st = ex < 0 ? h5u_damaged(e, path, "scenario %s: cannot look up summary", name)
                        : phx_fail(e, PHX_EINPUT, path, 0, NULL, "scenario %s has no summary "
                                   "(the run did not finish)", name);
    }
    if (st == PHX_OK && (sg = H5Gopen2(g, "summary", H5P_DEFAULT)) < 0)
        st = h5u_damaged(e, path, "scenario %s: cannot open summary", name);
    if (st == PHX_OK)
        st = sum_load_arrays(sg, path, s, e);
    if (st == PHX_OK && (int64_t)s->ny != (int64_t)s->year_last - s->year_first + 1)
        st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "scenario %s: summary has %zu years, "
                      "year_first..year_last %d", name, s->ny, (int)(s->year_last - s->year_first + 1));
    if (st == PHX_OK)
        st = sum_load_metric_attrs(g, path, s, e);
    h5u_close(sg);
    h5u_close(g);
    return st;
}

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

/* ---- the three formats ----------------------------------------------------------------- */

/* Value of [m, last year] in an nm x ny array; quantile j of [m, last year]. */
#define SUM_LAST(s, a, m) ((a)[layout_cell((m), (s)->ny - 1, (s)->ny)])
#define SUM_Q(s, m, j) ((s)->q[layout_cell((m), (s)->ny - 1, (s)->ny) * (s)->nq + (j)])

static void sum_target_text(char *buf, size_t n, const sum_scenario *s, size_t m, int ascii)
{
    char v[64];
    table_num(v, sizeof v, s->target[m]);
    snprintf(buf, n, "%s %s", s->more[m] ? (ascii ? ">=" : "≥") : (ascii ? "<=" : "≤"), v);
}

/* The two tables of one scenario: metrics with a target, then the others. */
static void sum_tables(const sum_scenario *s, text_table *tt, text_table *to)
{
    static const char *const th[] = { "metric", "unit", "target", "median", "90% interval",
                                       "P(target met)", "95% CI" };
    static const int tr[] = { 0, 0, 1, 1, 1, 1, 1 };
    static const char *const oh[] = { "metric", "unit", "mean", "median", "90% interval" };
    static const int orr[] = { 0, 0, 1, 1, 1 };
    table_init(tt, 7, th, tr);
    table_init(to, 5, oh, orr);
    for (size_t m = 0; m < s->nm; m++) {
        char tg[96], med[64], iv[160], p[32], ci[96], mean[64], lo[32], hi[32];
        table_num(med, sizeof med, SUM_Q(s, m, s->q50));
        sum_interval(iv, sizeof iv, SUM_Q(s, m, s->q05), SUM_Q(s, m, s->q95));
        if (!isnan(s->target[m])) {
            sum_target_text(tg, sizeof tg, s, m, 0);
            table_prob(p, sizeof p, SUM_LAST(s, s->p, m));
            table_prob(lo, sizeof lo, SUM_LAST(s, s->p_lo, m));
            table_prob(hi, sizeof hi, SUM_LAST(s, s->p_hi, m));
            snprintf(ci, sizeof ci, "%s – %s", lo, hi);
            const char *row[] = { s->metric[m], s->unit[m], tg, med, iv, p, ci };
            table_row(tt, row);
        } else {
            table_num(mean, sizeof mean, SUM_LAST(s, s->mean, m));
            const char *row[] = { s->metric[m], s->unit[m], mean, med, iv };
            table_row(to, row);
        }
    }
}

/* One line naming the constraint indicators that are > 0 in the last year (in at least one
 * replication: they are never negative, so a mean > 0 says so). */
static void sum_print_constraints(const sum_scenario *s, FILE *out)
{
    size_t n = 0;
    for (size_t m = 0; m < s->nm; m++) {
        double mean = SUM_LAST(s, s->mean, m), med = SUM_Q(s, m, s->q50);
        if (!s->constraint[m] || !(mean > 0))
            continue;
        char a[32], b[32];
        table_num(a, sizeof a, mean);
        table_num(b, sizeof b, med);
        fprintf(out, "%s%s (mean %s, median %s %s)", n++ ? "; " : "\nconstraints that bind in "
                "the last year: ", s->metric[m], a, b, s->unit[m]);
    }
    if (n > 0)
        fputc('\n', out);
}

static void sum_print_text(const sum_scenario *s, sum_format f, FILE *out)
{
    text_table tt, to;
    char years[64];
    sum_tables(s, &tt, &to);
    if (s->year_first == s->year_last)
        snprintf(years, sizeof years, "year %d", (int)s->year_first);
    else
        snprintf(years, sizeof years, "years %d–%d", (int)s->year_first, (int)s->year_last);
    if (f == SUM_MD) {
        fprintf(out, "### %s\n\nModel %s, %lld replications, %s; values for %d.\n\n", s->name,
                s->model, (long long)s->n_rep, years, (int)s->year_last);
    } else {
        fprintf(out, "scenario %s (model %s, %lld replications, %s; values for %d)\n", s->name,
                s->model, (long long)s->n_rep, years, (int)s->year_last);
    }
    if (tt.nrow > 0) {
        if (f == SUM_MD) {
            fputs("Targets:\n\n", out);
            table_print_md(&tt, out);
        } else {
            fputs("\n targets\n", out);
            table_print_text(&tt, out);
        }
    }
    if (to.nrow > 0) {
        if (f == SUM_MD) {
            fputs(tt.nrow > 0 ? "\nOther metrics:\n\n" : "Metrics:\n\n", out);
            table_print_md(&to, out);
        } else {
            fputs(tt.nrow > 0 ? "\n other metrics\n" : "\n metrics\n", out);
            table_print_text(&to, out);
        }
    }
    sum_print_constraints(s, out);
    fputc('\n', out);
    table_free(&tt);
    table_free(&to);
}

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
                                   "p_target,p_target_lower,p_target_upper\n";

/* One CSV row per metric, the metrics with a target first; empty fields where nothing applies. */
static void sum_print_csv(const sum_scenario *s, FILE *out)
{
    for (int pass = 0; pass < 2; pass++) {
        for (size_t m = 0; m < s->nm; m++) {
            int has = !isnan(s->target[m]);
            if (has != (pass == 0))
                continue;
            char v[9][64], year[16];
            snprintf(year, sizeof year, "%d", (int)s->year_last);
            sum_raw(v[0], 64, s->target[m]);
            sum_raw(v[1], 64, SUM_LAST(s, s->mean, m));
            sum_raw(v[2], 64, SUM_Q(s, m, s->q50));
            sum_raw(v[3], 64, SUM_Q(s, m, s->q05));
            sum_raw(v[4], 64, SUM_Q(s, m, s->q95));
            sum_raw(v[5], 64, has ? SUM_LAST(s, s->p, m) : NAN);
            sum_raw(v[6], 64, has ? SUM_LAST(s, s->p_lo, m) : NAN);
            sum_raw(v[7], 64, has ? SUM_LAST(s, s->p_hi, m) : NAN);
            sum_csv_field(out, s->name, 0);
            sum_csv_field(out, s->metric[m], 0);
            sum_csv_field(out, s->unit[m], 0);
            sum_csv_field(out, year, 0);
            sum_csv_field(out, s->more[m] ? "more" : "less", 0);
            for (int k = 0; k < 8; k++)
                sum_csv_field(out, v[k], k == 7);
        }
    }
}

/* ---- comparisons ------------------------------------------------------------------------ */

/* One /comparisons/<b>_vs_<a> group, as read. */
typedef struct sum_cmp {
    char *an, *bn;
    double *mean, *se, *seu, *pb;   /* [metric x year] */
    size_t dims[2];
} sum_cmp;

static void sum_cmp_free(sum_cmp *c)
{
    free(c->an);
    free(c->bn);
    free(c->mean);
    free(c->se);
    free(c->seu);
    free(c->pb);
}

static int sum_cmp_read(hid_t top, const char *cname, const char *path, sum_cmp *c, phx_err *e)
{
    hid_t g = H5Gopen2(top, cname, H5P_DEFAULT);
    int st = g < 0 ? h5u_damaged(e, path, "cannot open /comparisons/%s", cname) : PHX_OK;
    if (st == PHX_OK)
        st = h5u_read_attr_str(g, "a", &c->an, path, e);
    if (st == PHX_OK)
        st = h5u_read_attr_str(g, "b", &c->bn, path, e);
    if (st == PHX_OK)
        st = h5u_read_f64(g, "mean_diff", 2, &c->mean, c->dims, path, e);
    /* every array must have mean_diff's shape (a tampered one would be read past its end) */
    const char *names[] = { "stderr_diff", "stderr_unpaired", "p_better" };
    double **dst[] = { &c->se, &c->seu, &c->pb };
    for (int i = 0; st == PHX_OK && i < 3; i++) {
        size_t d[2];
        st = h5u_read_f64(g, names[i], 2, dst[i], d, path, e);
        if (st == PHX_OK && (d[0] != c->dims[0] || d[1] != c->dims[1]))
            st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "/comparisons/%s/%s: shape %zu x %zu, "
                          "mean_diff's is %zu x %zu", cname, names[i], d[0], d[1], c->dims[0],
                          c->dims[1]);
    }
    h5u_close(g);
    return st;
}

/* The comparison's table: the last year of every metric with a target (all when none has one). */
static void sum_cmp_print(const sum_cmp *c, const sum_scenario *a, const sum_scenario *b,
                          sum_format f, FILE *out)
{
    static const char *const head[] = { "metric", "unit", "median a", "median b", "mean b − a",
                                        "paired SE", "unpaired SE", "P(b better)" };
    static const int right[] = { 0, 0, 1, 1, 1, 1, 1, 1 };
    text_table t;
    table_init(&t, 8, head, right);
    int any_target = 0;
    for (size_t m = 0; m < a->nm; m++)
        any_target |= !isnan(a->target[m]);
    for (size_t m = 0; m < a->nm; m++) {
        if (any_target && isnan(a->target[m]))
            continue;
        size_t k = layout_cell(m, a->ny - 1, a->ny);
        char v[6][64];
        table_num(v[0], 64, SUM_Q(a, m, a->q50));
        table_num(v[1], 64, SUM_Q(b, m, b->q50));
        table_num(v[2], 64, c->mean[k]);
        table_num(v[3], 64, c->se[k]);
        table_num(v[4], 64, c->seu[k]);
        table_prob(v[5], 64, c->pb[k]);
        const char *row[] = { a->metric[m], a->unit[m], v[0], v[1], v[2], v[3], v[4], v[5] };
        table_row(&t, row);
    }
    if (f == SUM_MD) {
        fprintf(out, "### %s compared with %s\n\nPaired on the same replications; values for %d.\n\n",
                c->bn, c->an, (int)a->year_last);
        table_print_md(&t, out);
    } else {
        fprintf(out, "comparison: b = %s vs a = %s (paired, common random numbers; values for %d)\n",
                c->bn, c->an, (int)a->year_last);
        table_print_text(&t, out);
    }
    fputc('\n', out);
    table_free(&t);
}

/* Comparison `cname`: read, matched with its scenarios, printed. */
static int sum_print_comparison(hid_t top, const char *cname, const char *path, const sum_scenario *all,
                                size_t n_all, sum_format f, FILE *out, phx_err *e)
{
    sum_cmp c = { 0 };
    int st = sum_cmp_read(top, cname, path, &c, e);
    const sum_scenario *a = NULL, *b = NULL;
    for (size_t k = 0; st == PHX_OK && k < n_all; k++) {
        if (strcmp(all[k].name, c.an) == 0)
            a = &all[k];
        if (strcmp(all[k].name, c.bn) == 0)
            b = &all[k];
    }
    if (st == PHX_OK && (a == NULL || b == NULL || c.dims[0] != a->nm || c.dims[1] != a->ny ||
                         b->nm != a->nm || b->ny != a->ny))
        st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "/comparisons/%s does not match its scenarios", cname);
    if (st == PHX_OK)
        sum_cmp_print(&c, a, b, f, out);
    sum_cmp_free(&c);
    return st;
}

/* Every /comparisons/<b>_vs_<a>: per metric with a target (all when none has one), the last
 * year's medians, the paired mean difference with its standard error, the unpaired standard
 * error, and P(b better). */
static int sum_print_comparisons(hid_t file, const char *path, const sum_scenario *all, size_t n_all,
                                 sum_format f, FILE *out, phx_err *e)
{
    if (h5u_exists(file, "comparisons") <= 0)
        return PHX_OK;
    int st = PHX_OK;
    H5G_info_t info;
    hid_t top = H5Gopen2(file, "comparisons", H5P_DEFAULT);
    if (top < 0 || H5Gget_info(top, &info) < 0) {
        h5u_close(top);
        return h5u_damaged(e, path, "cannot open /comparisons");
    }
    for (hsize_t i = 0; st == PHX_OK && i < info.nlinks; i++) {
        char cname[512];
        if (H5Lget_name_by_idx(top, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i, cname, sizeof cname,
                               H5P_DEFAULT) < 0 &&
            H5Lget_name_by_idx(top, ".", H5_INDEX_NAME, H5_ITER_INC, i, cname, sizeof cname,
                               H5P_DEFAULT) < 0)
            st = h5u_damaged(e, path, "cannot list /comparisons");
        else
            st = sum_print_comparison(top, cname, path, all, n_all, f, out, e);
    }
    h5u_close(top);
    return st;
}

int h5_summary_print(const char *path, const char *format, FILE *out, phx_err *e)
{
    sum_format f;
    if (format != NULL && strcmp(format, "table") == 0)
        f = SUM_TABLE;
    else if (format != NULL && strcmp(format, "csv") == 0)
        f = SUM_CSV;
    else if (format != NULL && strcmp(format, "md") == 0)
        f = SUM_MD;
    else
        return phx_fail(e, PHX_EINPUT, NULL, 0, "--format",
                        "'%s': expected table, csv or md", format != NULL ? format : "");
    hid_t file;
    char **names = NULL;
    size_t n = 0, loaded = 0;
    int st = h5u_open_results(path, &file, e);
    if (st != PHX_OK)
        return st;
    if ((st = h5u_scenario_names(file, path, &names, &n, e)) == PHX_OK && f == SUM_CSV)
        fputs(sum_csv_head, out);
    sum_scenario *all = phx_calloc(n ? n : 1, sizeof *all);
    for (size_t i = 0; st == PHX_OK && i < n; i++) {
        st = sum_load(file, path, names[i], &all[i], e);
        loaded++;                       /* freed below, loaded or not (as sum_load expects) */
        if (st != PHX_OK)
            break;
        if (f == SUM_CSV)
            sum_print_csv(&all[i], out);
        else
            sum_print_text(&all[i], f, out);
    }
    if (st == PHX_OK && f != SUM_CSV)   /* CSV keeps one schema: scenarios only */
        st = sum_print_comparisons(file, path, all, loaded, f, out, e);
    for (size_t i = 0; i < loaded; i++)
        sum_scenario_free(&all[i]);
    free(all);
    h5u_strs_free(names, n);
    h5u_close(file);
    if (st == PHX_OK && ferror(out))
        st = phx_fail(e, PHX_ERUN, NULL, 0, NULL, "cannot write the summary");
    return st;
}
