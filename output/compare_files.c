/* compare_files.c -- `phoenix compare A.h5 B.h5`: the paired comparison of a scenario of one
 * results file with a scenario of another, when both ran the same replications (same model,
 * years, seed, random generator, sampler and replication count: the same random streams). */
#include "h5.h"
#include "h5util.h"
#include "h5w.h"
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/layout.h"
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

typedef struct cf_side {
    const char *path;
    char *name, *model, *sampler, *rng;
    uint64_t seed;
    int64_t n;
    int32_t y0, y1;
} cf_side;

static void cf_side_free(cf_side *s)
{
    free(s->name);
    free(s->model);
    free(s->sampler);
    free(s->rng);
}

static int cf_seed(hid_t file, const char *path, uint64_t *seed, phx_err *e)
{
    hid_t a = H5Aopen(file, "seed", H5P_DEFAULT);
    int ok = a >= 0 && H5Aread(a, H5T_NATIVE_UINT64, seed) >= 0;
    h5u_close(a);
    return ok ? PHX_OK : h5u_fail(e, path, "cannot read the seed attribute");
}

/* The scenario `name` of `path` (NULL: its first) and what pairing needs. */
static int cf_open(const char *path, const char *name, cf_side *s, phx_err *e)
{
    hid_t file = -1, g = -1;
    char **names = NULL;
    size_t n = 0;
    s->path = path;
    int st = h5u_open_results(path, &file, e);
    if (st != PHX_OK)
        return st;
    if ((st = h5u_scenario_names(file, path, &names, &n, e)) == PHX_OK && n == 0)
        st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "no scenarios in the file");
    s->name = st == PHX_OK ? phx_strdup(name != NULL ? name : names[0]) : NULL;
    if (st == PHX_OK)
        st = h5u_open_scenario(file, path, s->name, &g, e);
    if (st == PHX_OK)
        st = cf_seed(file, path, &s->seed, e);
    if (st == PHX_OK)
        st = h5u_read_attr_str(file, "rng", &s->rng, path, e);
    if (st == PHX_OK)
        st = h5u_read_attr_str(g, "model", &s->model, path, e);
    if (st == PHX_OK)
        st = h5u_read_attr_str(g, "sampler", &s->sampler, path, e);
    if (st == PHX_OK)
        st = h5u_read_span(g, path, &s->n, &s->y0, &s->y1, e);
    h5u_strs_free(names, n);
    h5u_close(g);
    h5u_close(file);
    return st;
}

/* Do a and b run the same replications? The first difference, as the reason. */
static int cf_pairable(const cf_side *a, const cf_side *b, phx_err *e)
{
    char why[256] = "";
    if (strcmp(a->model, b->model) != 0)
        snprintf(why, sizeof why, "the models differ (%s, %s)", a->model, b->model);
    else if (a->y0 != b->y0 || a->y1 != b->y1)
        snprintf(why, sizeof why, "the years differ (%d-%d, %d-%d)", (int)a->y0, (int)a->y1,
                 (int)b->y0, (int)b->y1);
    else if (a->seed != b->seed)
        snprintf(why, sizeof why, "the seeds differ (%llu, %llu)", (unsigned long long)a->seed,
                 (unsigned long long)b->seed);
    else if (strcmp(a->rng, b->rng) != 0 || strcmp(a->sampler, b->sampler) != 0)
        snprintf(why, sizeof why, "the random streams differ (generator %s, %s; sampler %s, %s)",
                 a->rng, b->rng, a->sampler, b->sampler);
    else if (a->n != b->n)
        snprintf(why, sizeof why, "the replication counts differ (%lld, %lld)", (long long)a->n,
                 (long long)b->n);
    if (why[0] == '\0')
        return PHX_OK;
    return phx_fail(e, PHX_EINPUT, b->path, 0, NULL, "scenario %s cannot be paired with %s of %s: %s; "
                    "a paired comparison needs the same model, years, seed, random streams and "
                    "replications", b->name, a->name, a->path, why);
}

/* Metric names, units, directions and targets (NaN: none) of a's scenario. */
typedef struct cf_metrics {
    char **name, **unit;
    int *more;
    double *target;
    size_t n;
} cf_metrics;

static void cf_metrics_free(cf_metrics *m)
{
    h5u_strs_free(m->name, m->n);
    h5u_strs_free(m->unit, m->n);
    free(m->more);
    free(m->target);
}

static int cf_read_metrics(const cf_side *a, cf_metrics *m, phx_err *e)
{
    hid_t file = -1, g = -1, sg = -1;
    int st = h5u_open_results(a->path, &file, e);
    if (st == PHX_OK)
        st = h5u_open_scenario(file, a->path, a->name, &g, e);
    if (st == PHX_OK && (sg = H5Gopen2(g, "summary", H5P_DEFAULT)) < 0)
        st = h5u_fail(e, a->path, "scenario %s has no summary", a->name);
    if (st == PHX_OK)
        st = h5u_read_strs(sg, "metric", &m->name, &m->n, a->path, e);
    m->unit = phx_calloc(m->n + 1, sizeof *m->unit);
    m->more = phx_calloc(m->n + 1, sizeof *m->more);
    m->target = phx_calloc(m->n + 1, sizeof *m->target);
    for (size_t k = 0; st == PHX_OK && k < m->n; k++) {
        char path[600], *dir = NULL;
        snprintf(path, sizeof path, "metrics/%s", m->name[k]);
        hid_t d = H5Dopen2(g, path, H5P_DEFAULT);
        st = d < 0 ? h5u_fail(e, a->path, "cannot open %s", path) : h5u_read_attr_str(d, "units", &m->unit[k], a->path, e);
        if (st == PHX_OK)
            st = h5u_read_attr_str(d, "direction", &dir, a->path, e);
        m->more[k] = dir == NULL || strcmp(dir, "less") != 0;
        m->target[k] = NAN;
        if (st == PHX_OK && H5Aexists(d, "target") > 0)
            st = h5u_read_attr_f64(d, "target", &m->target[k], a->path, e);
        free(dir);
        h5u_close(d);
    }
    h5u_close(sg);
    h5u_close(g);
    h5u_close(file);
    return st;
}

/* The statistics of metric k in every year: v[y * H5_CMP_COUNT + c]; medians ma, mb [y]. */
static int cf_metric(const cf_side *a, const cf_side *b, const cf_metrics *m, size_t k, double *v,
                     double *ma, double *mb, phx_err *e)
{
    double *xa = NULL, *xb = NULL;
    size_t na, nb, ya, yb;
    int st = h5_read_metric(a->path, a->name, m->name[k], &xa, &na, &ya, e);
    if (st == PHX_OK)
        st = h5_read_metric(b->path, b->name, m->name[k], &xb, &nb, &yb, e);
    if (st == PHX_OK && (na != nb || ya != yb))
        st = phx_fail(e, PHX_EINPUT, b->path, 0, NULL, "metric %s: shapes differ between the files", m->name[k]);
    double *ca = phx_malloc((na ? na : 1) * sizeof *ca), *cb = phx_malloc((na ? na : 1) * sizeof *cb);
    for (size_t y = 0; st == PHX_OK && y < ya; y++) {
        for (size_t i = 0; i < na; i++) {
            ca[i] = xa[i * ya + y];
            cb[i] = xb[i * ya + y];
        }
        h5_cmp_stats(ca, cb, na, m->more[k] ? 1 : -1, &v[y * H5_CMP_COUNT]);
        for (size_t i = 0; i < na; i++)
            cb[i] = xb[i * ya + y];                 /* the median of b (a's is the sum below) */
        ma[y] = mb[y] = NAN;
        if (na > 0) {
            gsl_sort(cb, 1, na);
            mb[y] = gsl_stats_median_from_sorted_data(cb, 1, na);
            for (size_t i = 0; i < na; i++)
                ca[i] = xa[i * ya + y];
            gsl_sort(ca, 1, na);
            ma[y] = gsl_stats_median_from_sorted_data(ca, 1, na);
        }
    }
    free(ca);
    free(cb);
    free(xa);
    free(xb);
    return st;
}

typedef struct cf_result {
    size_t nm, ny;
    double *v, *ma, *mb;       /* [metric x year x H5_CMP_COUNT], [metric x year] */
} cf_result;

static void cf_print_csv(const cf_metrics *m, const cf_result *r, const cf_side *a, size_t y0,
                         size_t y1, FILE *out)
{
    fputs("metric,unit,year,median_a,median_b,mean_diff,stderr_diff,stderr_unpaired,diff_q05,"
          "diff_q50,diff_q95,p_better,p_equal\n", out);
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < m->n; k++)
            for (size_t y = y0; isnan(m->target[k]) == (pass == 1) && y <= y1; y++) {
                size_t c = layout_cell(k, y, r->ny);
                fprintf(out, "%s,%s,%d,%.10g,%.10g", m->name[k], m->unit[k], (int)a->y0 + (int)y,
                        r->ma[c], r->mb[c]);
                for (int j = 0; j < H5_CMP_COUNT; j++)
                    fprintf(out, ",%.10g", r->v[c * H5_CMP_COUNT + (size_t)j]);
                fputc('\n', out);
            }
}

static void cf_print_table(const cf_metrics *m, const cf_result *r, const cf_side *a,
                           const cf_side *b, size_t y0, size_t y1, FILE *out)
{
    static const char *const head[] = { "metric", "unit", "median a", "median b", "mean b − a",
                                        "paired SE", "unpaired SE", "P(b better)" };
    static const int right[] = { 0, 0, 1, 1, 1, 1, 1, 1 };
    fprintf(out, "paired comparison: b = %s (%s) vs a = %s (%s)\n  %lld replications each, seed "
                 "%llu, sampler %s: the same random streams (common random numbers)\n\n", b->name,
            b->path, a->name, a->path, (long long)a->n, (unsigned long long)a->seed, a->sampler);
    for (size_t y = y0; y <= y1; y++) {
        text_table t;
        table_init(&t, 8, head, right);
        for (int pass = 0; pass < 2; pass++)
            for (size_t k = 0; k < m->n; k++) {
                if (isnan(m->target[k]) != (pass == 1))
                    continue;
                size_t c = layout_cell(k, y, r->ny);
                const double *v = &r->v[c * H5_CMP_COUNT];
                char s[6][64];
                table_num(s[0], 64, r->ma[c]);
                table_num(s[1], 64, r->mb[c]);
                table_num(s[2], 64, v[0]);
                table_num(s[3], 64, v[1]);
                table_num(s[4], 64, v[2]);
                table_prob(s[5], 64, v[6]);
                const char *row[] = { m->name[k], m->unit[k], s[0], s[1], s[2], s[3], s[4], s[5] };
                table_row(&t, row);
            }
        fprintf(out, " values for %d (metrics with a target in a first)\n", (int)a->y0 + (int)y);
        table_print_text(&t, out);
        fputc('\n', out);
        table_free(&t);
    }
}

int h5_compare_files(const char *pa, const char *pb, const h5_compare_opts *o, FILE *out, phx_err *e)
{
    int csv = o->format != NULL && strcmp(o->format, "csv") == 0;
    if (!csv && (o->format == NULL || strcmp(o->format, "table") != 0))
        return phx_fail(e, PHX_EINPUT, NULL, 0, "--format", "expected table or csv");
    cf_side a = { 0 }, b = { 0 };
    cf_metrics m = { 0 };
    cf_result r = { 0 };
    h5u_quiet();
    int st = cf_open(pa, o->a, &a, e);
    if (st == PHX_OK)
        st = cf_open(pb, o->b, &b, e);
    if (st == PHX_OK)
        st = cf_pairable(&a, &b, e);
    size_t ny = st == PHX_OK ? (size_t)(a.y1 - a.y0 + 1) : 0, y0 = 0, y1 = ny ? ny - 1 : 0;
    if (st == PHX_OK && o->year != H5_SUMMARY_ALL && o->year != H5_SUMMARY_LAST) {
        if (o->year < a.y0 || o->year > a.y1)
            st = phx_fail(e, PHX_EINPUT, pa, 0, "--year", "%d: the scenarios cover %d-%d", o->year,
                          (int)a.y0, (int)a.y1);
        y0 = y1 = (size_t)(o->year - a.y0);
    } else if (o->year == H5_SUMMARY_LAST) {
        y0 = y1;
    }
    if (st == PHX_OK)
        st = cf_read_metrics(&a, &m, e);
    r.nm = m.n;
    r.ny = ny;
    r.v = phx_malloc((m.n * ny + 1) * H5_CMP_COUNT * sizeof *r.v);
    r.ma = phx_malloc((m.n * ny + 1) * sizeof *r.ma);
    r.mb = phx_malloc((m.n * ny + 1) * sizeof *r.mb);
    for (size_t k = 0; st == PHX_OK && k < m.n; k++)
        st = cf_metric(&a, &b, &m, k, &r.v[k * ny * H5_CMP_COUNT], &r.ma[k * ny], &r.mb[k * ny], e);
    if (st == PHX_OK && csv)
        cf_print_csv(&m, &r, &a, y0, y1, out);
    else if (st == PHX_OK)
        cf_print_table(&m, &r, &a, &b, y0, y1, out);
    free(r.v);
    free(r.ma);
    free(r.mb);
    cf_metrics_free(&m);
    cf_side_free(&a);
    cf_side_free(&b);
    return st;
}
