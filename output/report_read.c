/* report_read.c -- what the report shows of a results file's root and scenarios: provenance,
 * each scenario's question, metrics, summary and districts (docs/output.md). */
#include "rpt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* An optional string attribute: a copy, or NULL when absent. */
static char *opt_str(hid_t loc, const char *name)
{
    char *s = NULL;
    if (H5Aexists(loc, name) > 0 && h5u_read_attr_str(loc, name, &s, NULL, NULL) != PHX_OK)
        s = NULL;
    return s;
}

size_t rpt_level(const double *lev, size_t nq, double lv)
{
    for (size_t i = 0; i < nq; i++)
        if (fabs(lev[i] - lv) < 1e-9)
            return i;
    return nq;
}

size_t rpt_scenario_index(const rpt_file *f, const char *name)
{
    for (size_t i = 0; name != NULL && i < f->ns; i++)
        if (strcmp(f->sc[i].name, name) == 0)
            return i;
    return f->ns;
}

size_t rpt_metric_index(const rpt_scenario *s, const char *name)
{
    for (size_t m = 0; name != NULL && m < s->nm; m++)
        if (strcmp(s->metric[m].name, name) == 0)
            return m;
    return s->nm;
}

/* The scenario's opening comment: the comment lines before the first section of its text,
 * without the line phoenix adds when it resolves a scenario. NULL when there are none. */
static char *question_of(const char *text)
{
    rpt_buf b = { 0 };
    for (const char *p = text; p != NULL && *p != '\0' && *p != '['; ) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p);
        if ((*p == ';' || *p == '#') && strncmp(p, "; resolved by phoenix", 21) != 0) {
            const char *c = p + 1;
            while (*c == ' ' && c < p + n)
                c++;
            if (b.len > 0)
                rpt_buf_add(&b, " ", 1);
            rpt_buf_add(&b, c, (size_t)(p + n - c));
        }
        p = eol ? eol + 1 : NULL;
    }
    return b.s;
}

/* Units, long names, direction and target of every metric, from metrics/<name>. */
static int read_metric_attrs(hid_t g, const char *path, rpt_scenario *s, phx_err *e)
{
    hid_t mg = H5Gopen2(g, "metrics", H5P_DEFAULT);
    if (mg < 0)
        return h5u_damaged(e, path, "scenario %s: cannot open group metrics", s->name);
    int st = PHX_OK;
    for (size_t m = 0; st == PHX_OK && m < s->nm; m++) {
        rpt_metric *d = &s->metric[m];
        hid_t ds = H5Dopen2(mg, d->name, H5P_DEFAULT);
        if (ds < 0) {
            st = h5u_damaged(e, path, "scenario %s: cannot open metrics/%s", s->name, d->name);
            break;
        }
        char *dir = opt_str(ds, "direction");
        d->more = dir == NULL || strcmp(dir, "less") != 0;
        free(dir);
        d->unit = opt_str(ds, "units");
        d->long_en = opt_str(ds, "long_name");
        d->long_zh = opt_str(ds, "long_name_zh");
        if (d->unit == NULL)
            d->unit = phx_strdup("");
        h5u_close(ds);
    }
    h5u_close(mg);
    return st;
}

/* summary/: every array [metric x year (x quantile)]. */
static int read_summary(hid_t g, const char *path, rpt_scenario *s, phx_err *e)
{
    hid_t sg = h5u_exists(g, "summary") > 0 ? H5Gopen2(g, "summary", H5P_DEFAULT) : -1;
    if (sg < 0)
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "scenario %s has no summary (the run did "
                        "not finish)", s->name);
    char **names = NULL;
    double *target = NULL;
    size_t d1[1], d2[2], d3[3], n = 0;
    int st = h5u_read_strs(sg, "metric", &names, &s->nm, path, e);
    if (st == PHX_OK)
        st = h5u_read_f64(sg, "quantile", 1, &s->qlev, d1, path, e);
    s->nq = st == PHX_OK ? d1[0] : 0;
    if (st == PHX_OK)
        st = h5u_read_f64(sg, "target", 1, &target, &n, path, e);
    double **arr[] = { &s->mean, &s->p, &s->p_lo, &s->p_hi };
    static const char *const an[] = { "mean", "p_target", "p_target_lower", "p_target_upper" };
    for (size_t k = 0; st == PHX_OK && k < 4; k++) {
        st = h5u_read_f64(sg, an[k], 2, arr[k], d2, path, e);
        if (st == PHX_OK && k == 0)
            s->ny = d2[1];
        if (st == PHX_OK && (d2[0] != s->nm || d2[1] != s->ny || s->ny == 0))
            st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "scenario %s: summary/%s has the wrong "
                          "shape", s->name, an[k]);
    }
    if (st == PHX_OK)
        st = h5u_read_f64(sg, "quantiles", 3, &s->q, d3, path, e);
    if (st == PHX_OK && (n != s->nm || d3[0] != s->nm || d3[1] != s->ny || d3[2] != s->nq))
        st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "scenario %s: summary datasets disagree on "
                      "their shapes", s->name);
    s->metric = phx_calloc(s->nm ? s->nm : 1, sizeof *s->metric);
    for (size_t m = 0; m < s->nm; m++) {
        s->metric[m].name = names[m];
        s->metric[m].target = st == PHX_OK ? target[m] : NAN;
    }
    free(names);
    free(target);
    h5u_close(sg);
    return st;
}

/* The 5%, 50% and 95% quantiles over replications of column `k` of rows [n x stride]. */
static void column_q(const double *v, size_t n, size_t stride, size_t k, double *x, double out[3])
{
    size_t m = 0;
    for (size_t r = 0; r < n; r++)
        if (!isnan(v[r * stride + k]))
            x[m++] = v[r * stride + k];
    gsl_sort(x, 1, m);
    static const double lv[3] = { 0.05, 0.50, 0.95 };
    for (int j = 0; j < 3; j++)
        out[j] = m ? gsl_stats_quantile_from_sorted_data(x, 1, m, lv[j]) : NAN;
}

/* Last year of `<group>s/<metric>` [replication x year x group]: quantiles per group. */
static int read_group_metric(hid_t gg, const char *path, rpt_scenario *s, size_t k, phx_err *e)
{
    const char *name = s->metric[s->gm[k]].name;
    hid_t d = H5Dopen2(gg, name, H5P_DEFAULT), sp = d < 0 ? -1 : H5Dget_space(d), ms = -1;
    hsize_t dims[3];
    int st = PHX_OK;
    if (sp < 0 || H5Sget_simple_extent_ndims(sp) != 3 || H5Sget_simple_extent_dims(sp, dims, NULL) < 0
        || dims[1] != s->ny || dims[2] != s->ng)
        st = h5u_damaged(e, path, "scenario %s: %ss/%s is not [replication x year x %s]", s->name,
                      s->group_dim, name, s->group_dim);
    size_t n = st == PHX_OK ? (size_t)dims[0] : 0;
    double *v = phx_malloc((n ? n : 1) * s->ng * sizeof *v), *x = phx_malloc((n ? n : 1) * sizeof *x);
    hsize_t start[3] = { 0, s->ny - 1, 0 }, count[3] = { n, 1, s->ng };
    if (st == PHX_OK && n > 0 &&
        ((ms = H5Screate_simple(3, count, NULL)) < 0 ||
         H5Sselect_hyperslab(sp, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
         H5Dread(d, H5T_NATIVE_DOUBLE, ms, sp, H5P_DEFAULT, v) < 0))
        st = h5u_damaged(e, path, "scenario %s: cannot read %ss/%s", s->name, s->group_dim, name);
    for (size_t g = 0; st == PHX_OK && g < s->ng; g++)
        column_q(v, n, s->ng, g, x, s->gq + (k * s->ng + g) * 3);
    free(v);
    free(x);
    h5u_close(ms);
    h5u_close(sp);
    h5u_close(d);
    return st;
}

/* The group dimension: a child group "<dim>s" next to a scale "<dim>". */
static herr_t find_group_dim(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    char **out = data;
    size_t n = strlen(name);
    if (*out != NULL || n < 2 || name[n - 1] != 's' || strcmp(name, "metrics") == 0)
        return 0;
    char dim[256];
    snprintf(dim, sizeof dim, "%.*s", (int)(n - 1), name);
    if (h5u_exists(g, dim) <= 0)
        return 0;
    hid_t o = H5Oopen(g, name, H5P_DEFAULT);
    if (o >= 0 && H5Iget_type(o) == H5I_GROUP)
        *out = phx_strdup(dim);
    h5u_close(o);
    return 0;
}

static int read_districts(hid_t g, const char *path, rpt_scenario *s, phx_err *e)
{
    hsize_t idx = 0;
    if (H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, find_group_dim, &s->group_dim) < 0)
        return h5u_damaged(e, path, "scenario %s: cannot list its groups", s->name);
    if (s->group_dim == NULL)
        return PHX_OK;
    char gname[300];
    snprintf(gname, sizeof gname, "%ss", s->group_dim);
    int st = h5u_read_strs(g, s->group_dim, &s->group, &s->ng, path, e);
    hid_t gg = st == PHX_OK ? H5Gopen2(g, gname, H5P_DEFAULT) : -1;
    if (st == PHX_OK && gg < 0)
        st = h5u_damaged(e, path, "scenario %s: cannot open %s", s->name, gname);
    s->gm = phx_calloc(s->nm ? s->nm : 1, sizeof *s->gm);
    for (size_t m = 0; st == PHX_OK && m < s->nm; m++)
        if (h5u_exists(gg, s->metric[m].name) > 0)
            s->gm[s->n_gm++] = m;
    s->gq = phx_calloc(s->n_gm * s->ng * 3 + 1, sizeof *s->gq);
    for (size_t k = 0; st == PHX_OK && k < s->n_gm; k++)
        st = read_group_metric(gg, path, s, k, e);
    h5u_close(gg);
    return st;
}

static int read_scenario(hid_t file, const char *path, const char *name, rpt_scenario *s, phx_err *e)
{
    hid_t g = -1;
    s->name = phx_strdup(name);
    int st = h5u_open_scenario(file, path, name, &g, e);
    if (st == PHX_OK)
        st = h5u_read_span(g, path, &s->n_rep, &s->year_first, &s->year_last, e);
    if (st == PHX_OK) {
        s->description = opt_str(g, "description");
        s->model = opt_str(g, "model");
        s->sampler = opt_str(g, "sampler");
        s->text = opt_str(g, "scenario_text");
        s->sha256 = opt_str(g, "scenario_sha256");
        s->question = opt_str(g, "question");     /* the file's opening comment (docs/output.md) */
        if (s->question == NULL)
            s->question = question_of(s->text);
        st = read_summary(g, path, s, e);
    }
    if (st == PHX_OK)
        st = read_metric_attrs(g, path, s, e);
    if (st == PHX_OK)
        st = read_districts(g, path, s, e);
    h5u_close(g);
    return st;
}

static int read_root(hid_t file, rpt_file *f, phx_err *e)
{
    f->version = opt_str(file, "phoenix_version");
    f->git = opt_str(file, "git_sha1");
    f->command = opt_str(file, "command_line");
    f->created = opt_str(file, "created_utc");
    if (H5Aexists(file, "seed") > 0 &&
        H5LTget_attribute(file, "/", "seed", H5T_NATIVE_UINT64, &f->seed) < 0)
        return h5u_damaged(e, f->path, "cannot read attribute seed");
    return PHX_OK;
}

int rpt_read(const char *path, rpt_file *f, phx_err *e)
{
    hid_t file;
    char **names = NULL;
    memset(f, 0, sizeof *f);
    f->path = phx_strdup(path);
    int st = h5u_open_results(path, &file, e);
    if (st != PHX_OK)
        return st;
    st = read_root(file, f, e);
    if (st == PHX_OK)
        st = h5u_scenario_names(file, path, &names, &f->ns, e);
    f->sc = phx_calloc(f->ns ? f->ns : 1, sizeof *f->sc);
    for (size_t i = 0; st == PHX_OK && i < f->ns; i++)
        st = read_scenario(file, path, names[i], &f->sc[i], e);
    if (st == PHX_OK)
        st = rpt_read_extras(file, f, e);
    h5u_strs_free(names, f->ns);
    h5u_close(file);
    return st;
}

static void free_scenario(rpt_scenario *s)
{
    void *p[] = { s->name, s->description, s->model, s->sampler, s->text, s->sha256, s->question,
                  s->qlev, s->mean, s->p, s->p_lo, s->p_hi, s->q, s->group_dim, s->gm, s->gq };
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        free(p[i]);
    for (size_t m = 0; s->metric != NULL && m < s->nm; m++) {
        free(s->metric[m].name);
        free(s->metric[m].unit);
        free(s->metric[m].long_en);
        free(s->metric[m].long_zh);
    }
    free(s->metric);
    h5u_strs_free(s->group, s->ng);
}

void rpt_free(rpt_file *f)
{
    for (size_t i = 0; f->sc != NULL && i < f->ns; i++)
        free_scenario(&f->sc[i]);
    free(f->sc);
    rpt_free_extras(f);
    free(f->path);
    free(f->version);
    free(f->git);
    free(f->command);
    free(f->created);
    memset(f, 0, sizeof *f);
}
