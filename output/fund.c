/* fund.c -- `phoenix fund`'s report (terminal table and CSV rows), its /fund group in the
 * results file (docs/output.md) and the results file as the sizing's output (fund_output). The
 * analyses are engine/fund_size.c and engine/fund_solvency.c. */
#include "fund.h"
#include "../models/models.h"
#include "h5util.h"
#include "h5w.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the model's declaration ------------------------------------------------------------------ */

/* The model's declaration of what sizing needs (a report without one: the first registered
 * model's that has one). */
const model_sizing *fund_sizing_of(const fund_report *r)
{
    for (size_t k = 0; r->sizing == NULL && k < models_n; k++)
        if (models_all[k]->sizing)
            return models_all[k]->sizing;
    return r->sizing;
}

const model_lever *fund_lever_of(const fund_report *r)
{
    return &fund_sizing_of(r)->levers[r->solve_capital];
}

/* The lever's parameter name without its section: the report's row name. */
static const char *lever_row(const fund_report *r)
{
    const char *key = fund_lever_of(r)->param, *dot = strchr(key, '.');
    return dot ? dot + 1 : key;
}

/* ---- rows ----------------------------------------------------------------------------------- */

static fund_row *row_add(fund_row **rows, size_t *n, size_t *cap, const char *name, double v,
                         double lo, double hi)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 32;
        *rows = phx_realloc(*rows, *cap * sizeof **rows);
    }
    fund_row *row = &(*rows)[(*n)++];
    snprintf(row->quantity, sizeof row->quantity, "%s", name);
    row->value = v;
    row->lower = lo;
    row->upper = hi;
    row->q05 = row->q95 = NAN;
    return row;
}

/* Rows `<prefix>_<year>`: the median, with the 5% and 95% quantiles of a fan in q05 and q95
 * (lower and upper stay NaN: no interval of the median is computed). */
static void fan_rows(const fund_report *r, const double *fan, const char *prefix, fund_row **rows,
                     size_t *n, size_t *cap)
{
    char name[64];
    for (int y = 0; fan && y < r->n_years; y++) {
        const double *q = fan + (size_t)y * STATS_NQ;   /* levels 0.05 ... 0.50 (3) ... 0.95 (6) */
        snprintf(name, sizeof name, "%s_%d", prefix, r->year_first + y);
        fund_row *row = row_add(rows, n, cap, name, q[3], NAN, NAN);
        row->q05 = q[0];
        row->q95 = q[STATS_NQ - 1];
    }
}

size_t fund_report_rows(const fund_report *r, fund_row **rows)
{
    size_t n = 0, cap = 0;
    *rows = NULL;
    const char *what = r->mode == FUND_SOLVENCY ? "solvent" : "targets";
    char name[64];
    const model_sizing *z = fund_sizing_of(r);
    row_add(rows, &n, &cap, lever_row(r), r->answer,
            r->lower, r->upper);
    row_add(rows, &n, &cap, "confidence", r->confidence, NAN, NAN);
    row_add(rows, &n, &cap, "replications", (double)r->n, NAN, NAN);
    snprintf(name, sizeof name, "p_%s_at_answer", what);
    row_add(rows, &n, &cap, name, r->p_answer, r->p_answer_lo, r->p_answer_hi);
    snprintf(name, sizeof name, "p_%s_at_0.9x_answer", what);
    row_add(rows, &n, &cap, name, r->p_below, r->p_below_lo, r->p_below_hi);
    snprintf(name, sizeof name, "p_%s_at_1.1x_answer", what);
    row_add(rows, &n, &cap, name, r->p_above, r->p_above_lo, r->p_above_hi);
    snprintf(name, sizeof name, "scenario_%s", lever_row(r));
    row_add(rows, &n, &cap, name, r->scenario_value, NAN, NAN);
    snprintf(name, sizeof name, "p_%s_at_scenario", what);
    row_add(rows, &n, &cap, name, r->p_scenario, r->p_scenario_lo, r->p_scenario_hi);
    if (r->mode == FUND_SOLVENCY) {
        row_add(rows, &n, &cap, "shortfall_replications", (double)r->n_shortfall, NAN, NAN);
        snprintf(name, sizeof name, "expected_shortfall%s", z->money_suffix);
        row_add(rows, &n, &cap, name, r->shortfall, r->shortfall_lo, r->shortfall_hi);
        for (int y = 0; y <= r->n_years; y++) {
            if (y < r->n_years)
                snprintf(name, sizeof name, "p_first_shortfall_%d", r->year_first + y);
            else
                snprintf(name, sizeof name, "p_no_shortfall");
            row_add(rows, &n, &cap, name, r->p_first[y], r->p_first_lo[y], r->p_first_hi[y]);
        }
        snprintf(name, sizeof name, "%s%s", z->balance_stem, z->money_suffix);
        fan_rows(r, r->fan, name, rows, &n, &cap);
        snprintf(name, sizeof name, "%s_at_answer%s", z->balance_stem, z->money_suffix);
        fan_rows(r, r->fan_answer, name, rows, &n, &cap);
        return n;
    }
    row_add(rows, &n, &cap, "bracket_below", r->bracket, NAN, NAN);
    row_add(rows, &n, &cap, "p_targets_at_bracket_below", r->p_bracket, r->p_bracket_lo, r->p_bracket_hi);
    row_add(rows, &n, &cap, "p_targets_money_to_spare", r->p_ceiling, r->p_ceiling_lo, r->p_ceiling_hi);
    row_add(rows, &n, &cap, "monotone", r->monotone, NAN, NAN);
    row_add(rows, &n, &cap, "replications_not_monotone", (double)r->n_not_monotone, NAN, NAN);
    row_add(rows, &n, &cap, "simulations", (double)r->n_evals, NAN, NAN);
    const char *at = isfinite(r->answer) ? "answer" : "scenario";
    for (size_t k = 0; k < r->n_required; k++) {
        snprintf(name, sizeof name, "p_target_at_%s_%s", at, r->required[k]);
        row_add(rows, &n, &cap, name, r->p_each[k], NAN, NAN);
    }
    snprintf(name, sizeof name, "%s_at_%s%s", z->balance_stem, at, z->money_suffix);
    fan_rows(r, r->fan_answer, name, rows, &n, &cap);
    return n;
}

/* ---- /fund in the results file ------------------------------------------------------------- */

/* A fixed-size 1-D numeric dimension scale `name` in `g`. */
static hid_t fund_scale(const h5_writer *w, hid_t g, const char *name, hid_t ftype, hid_t mtype,
                        size_t n, const void *data, phx_err *e)
{
    hsize_t dim = n;
    hid_t sp = H5Screate_simple(1, &dim, NULL), d = -1;
    if (sp >= 0)
        d = H5Dcreate2(g, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    h5u_close(sp);
    if (d < 0 || (n > 0 && H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) ||
        H5DSset_scale(d, name) < 0) {
        h5u_close(d);
        h5u_fail(e, w->path, "cannot write /fund/%s", name);
        return -1;
    }
    return d;
}

static int fund_attrs(const h5_writer *w, hid_t g, const fund_report *r, phx_err *e)
{
    const char *f = w->path;
    int st = h5u_attr_str(g, "mode", r->mode == FUND_SOLVENCY ? "solvency" : "targets", f, e);
    if (st == PHX_OK)
        st = h5u_attr_str(g, "key", fund_lever_of(r)->param, f, e);
    if (st == PHX_OK)
        st = h5u_attr_str(g, "units", fund_lever_of(r)->unit, f, e);
    if (st == PHX_OK)
        st = h5u_attr_str(g, "scenario", r->scenario, f, e);
    if (st == PHX_OK)
        st = h5u_attr_str(g, "fund_constrained", r->mode == FUND_SOLVENCY ? "off" : "on", f, e);
    if (st == PHX_OK)
        st = h5u_attr_f64(g, "confidence", r->confidence, f, e);
    if (st == PHX_OK)
        st = h5u_attr_f64(g, "interval_level", r->level, f, e);
    if (st == PHX_OK)
        st = h5u_attr_i64(g, "n_replications", (int64_t)r->n, f, e);
    double v[3] = { r->answer, r->lower, r->upper };
    static const char *const vn[3] = { "answer", "answer_lower", "answer_upper" };
    for (int k = 0; st == PHX_OK && k < 3; k++)
        st = h5u_attr_f64(g, vn[k], v[k], f, e);
    int64_t rk[3] = { (int64_t)r->rank, (int64_t)r->rank_lower, (int64_t)r->rank_upper };
    static const char *const rn[3] = { "rank", "rank_lower", "rank_upper" };
    for (int k = 0; st == PHX_OK && k < 3; k++)
        st = h5u_attr_i64(g, rn[k], rk[k], f, e);
    if (st == PHX_OK && r->mode == FUND_TARGETS) {
        st = h5u_attr_strs(g, "required", r->required, r->n_required, f, e);
        if (st == PHX_OK)
            st = h5u_attr_i64(g, "monotone", r->monotone, f, e);
        if (st == PHX_OK)
            st = h5u_attr_i64(g, "replications_not_monotone", (int64_t)r->n_not_monotone, f, e);
    }
    return st;
}

/* quantity [row] and value, lower, upper: the CSV rows. */
static int fund_write_rows(const h5_writer *w, hid_t g, const fund_report *r, phx_err *e)
{
    fund_row *rows;
    size_t n = fund_report_rows(r, &rows);
    const char **names = phx_malloc(n * sizeof *names);
    double *col = phx_malloc(n * sizeof *col);
    for (size_t i = 0; i < n; i++)
        names[i] = rows[i].quantity;
    hid_t q = h5w_scale_names(w, g, "quantity", names, n, e);
    int st = q < 0 ? PHX_ERUN : PHX_OK;
    hsize_t dim = n;
    static const char *const cn[5] = { "value", "lower", "upper", "q05", "q95" };
    static const char *const ln[5] = { "the report's value (the CSV's value column)",
                                       "lower end of its 95% interval (NaN: none)",
                                       "upper end of its 95% interval (NaN: none)",
                                       "5% quantile over replications (balance rows; NaN: none)",
                                       "95% quantile over replications (balance rows; NaN: none)" };
    for (int c = 0; st == PHX_OK && c < 5; c++) {
        for (size_t i = 0; i < n; i++)
            col[i] = c == 0 ? rows[i].value : c == 1 ? rows[i].lower : c == 2 ? rows[i].upper
                   : c == 3 ? rows[i].q05 : rows[i].q95;
        st = h5w_summary_dataset(w, g, cn[c], 1, &dim, &q, col, ln[c], e);
    }
    h5u_close(q);
    free(col);
    free(names);
    free(rows);
    return st;
}

/* year and quantile scales with the fans and the first year of shortfall. */
static int fund_write_years(const h5_writer *w, hid_t g, const fund_report *r, phx_err *e)
{
    size_t ny = (size_t)r->n_years;
    int32_t *years = phx_malloc((ny ? ny : 1) * sizeof *years);
    for (size_t y = 0; y < ny; y++)
        years[y] = (int32_t)(r->year_first + (int)y);
    hid_t sc[2] = { fund_scale(w, g, "year", H5T_STD_I32LE, H5T_NATIVE_INT32, ny, years, e), -1 };
    free(years);
    if (sc[0] >= 0)
        sc[1] = fund_scale(w, g, "quantile", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, STATS_NQ,
                           stats_q_levels, e);
    int st = sc[0] < 0 || sc[1] < 0 ? PHX_ERUN : PHX_OK;
    hsize_t dims[2] = { ny, STATS_NQ };
    char own[128], at[128];
    snprintf(own, sizeof own, "year-end balance (%s) at the scenario's own value", fund_sizing_of(r)->money_unit);
    snprintf(at, sizeof at, "year-end balance (%s) at the answer (attribute value)", fund_sizing_of(r)->money_unit);
    if (st == PHX_OK && r->fan)
        st = h5w_summary_dataset(w, g, "balance_quantiles", 2, dims, sc, r->fan, own, e);
    if (st == PHX_OK)
        st = h5w_summary_dataset(w, g, "balance_quantiles_at_answer", 2, dims, sc, r->fan_answer, at, e);
    if (st == PHX_OK && r->p_first) {
        st = h5w_summary_dataset(w, g, "p_first_shortfall", 1, dims, sc, r->p_first,
                                 "P(first negative year-end balance in this year) at the scenario's value", e);
        if (st == PHX_OK)
            st = h5u_attr_f64(g, "p_no_shortfall", r->p_first[ny], w->path, e);
    }
    h5u_close(sc[0]);
    h5u_close(sc[1]);
    return st;
}

/* breakeven [replication] (solvency) or the search's runs [simulation] (targets). */
static int fund_write_runs(const h5_writer *w, hid_t g, const fund_report *r, phx_err *e)
{
    int solvency = r->mode == FUND_SOLVENCY;
    size_t n = solvency ? r->n : r->n_evals;
    int64_t *idx = phx_malloc((n ? n : 1) * sizeof *idx);
    double *v = phx_malloc((n ? n : 1) * sizeof *v), *p = phx_malloc((n ? n : 1) * sizeof *p);
    for (size_t i = 0; i < n; i++) {
        idx[i] = (int64_t)i;
        v[i] = solvency ? r->breakeven[i] : r->evals[i].value;
        p[i] = solvency ? 0 : r->n ? (double)r->evals[i].met / (double)r->n : NAN;
    }
    const char *dim = solvency ? "replication" : "simulation";
    hid_t s = fund_scale(w, g, dim, H5T_STD_I64LE, H5T_NATIVE_INT64, n, idx, e);
    int st = s < 0 ? PHX_ERUN : PHX_OK;
    hsize_t hn = n;
    if (st == PHX_OK && solvency)
        st = h5w_summary_dataset(w, g, "breakeven", 1, &hn, &s, v,
                                 "break-even value of each replication (smallest keeping it solvent)", e);
    if (st == PHX_OK && !solvency)
        st = h5w_summary_dataset(w, g, "search_value", 1, &hn, &s, v,
                                 "value simulated, in the order the search ran them", e);
    if (st == PHX_OK && !solvency)
        st = h5w_summary_dataset(w, g, "search_p_targets", 1, &hn, &s, p,
                                 "P(every required target met) at search_value", e);
    h5u_close(s);
    free(idx);
    free(v);
    free(p);
    return st;
}

int fund_write(h5_writer *w, const fund_report *r, phx_err *e)
{
    h5u_quiet();
    if (w->broken || w->sc != NULL)
        return phx_fail(e, PHX_ERUN, w->path, 0, NULL, "/fund needs a writer between scenarios");
    hid_t g = h5w_group(w, w->file, "fund", 1, e);
    int st = g < 0 ? PHX_ERUN : fund_attrs(w, g, r, e);
    if (st == PHX_OK)
        st = fund_write_rows(w, g, r, e);
    if (st == PHX_OK)
        st = fund_write_years(w, g, r, e);
    if (st == PHX_OK)
        st = fund_write_runs(w, g, r, e);
    h5u_close(g);
    return st;
}

/* ---- the results file as the sizing's output --------------------------------------------------- */

static int h5_begin(void *ctx, const scenario *sc, const void *shared, run_sink *sink, phx_err *e)
{
    h5_writer *w = ctx;
    int st = h5_writer_begin_scenario(w, sc, (size_t)sc->replications, e);
    if (st == PHX_OK)
        st = h5_writer_provenance(w, sc->model, shared, e);
    *sink = st == PHX_OK ? h5_writer_sink(w) : (run_sink){ 0 };
    return st;
}

static int h5_end(void *ctx, const fund_report *r, phx_err *e)
{
    int st = h5_writer_end_scenario(ctx, e);
    return st == PHX_OK ? fund_write(ctx, r, e) : st;
}

fund_output fund_h5_output(h5_writer *w)
{
    return (fund_output){ w, h5_begin, h5_end };
}
