/* xlsx.c -- the summary as an Excel workbook (libxlsxwriter), for planners: sheets for the
 * targets, every metric by year, the comparisons, and the file's sweep and fund when it has
 * them; headers in English and Chinese, a unit column in every sheet. Written through
 * engine/outfile.h (temporary file, then rename; --force to replace). */
#include "sum.h"
#include "h5w.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "../engine/layout.h"
#include "../engine/outfile.h"

typedef struct xl {
    lxw_workbook *wb;
    lxw_format *head;
    lxw_worksheet *ws;
    lxw_row_t row;
} xl;

/* A new sheet with its header row ("English 中文" cells). */
static void xl_sheet(xl *x, const char *name, const char *const *head, int n)
{
    x->ws = workbook_add_worksheet(x->wb, name);
    x->row = 0;
    for (int c = 0; x->ws && c < n; c++) {
        worksheet_write_string(x->ws, 0, (lxw_col_t)c, head[c], x->head);
        worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c, c < 3 ? 24 : 14, NULL);
    }
    if (x->ws)
        worksheet_freeze_panes(x->ws, 1, 0);
}

static void xl_str(xl *x, int c, const char *s)
{
    worksheet_write_string(x->ws, x->row, (lxw_col_t)c, s, NULL);
}

/* A number; NaN leaves the cell empty, infinities are written as text. */
static void xl_num(xl *x, int c, double v)
{
    if (isinf(v))
        xl_str(x, c, v > 0 ? "inf" : "-inf");
    else if (!isnan(v))
        worksheet_write_number(x->ws, x->row, (lxw_col_t)c, v, NULL);
}

/* The metric columns of one sheet row: scenario, metric, unit, year. */
static void xl_metric(xl *x, const sum_scenario *s, size_t m, size_t y)
{
    x->row++;
    xl_str(x, 0, s->name);
    xl_str(x, 1, s->metric[m]);
    xl_str(x, 2, s->unit[m]);
    xl_num(x, 3, (double)(s->year_first + (int32_t)y));
}

static int xl_shown(const sum_scenario *s, const sum_select *o)
{
    return o->scenario == NULL || strcmp(o->scenario, s->name) == 0;
}

static void xl_targets(xl *x, const sum_file *f, const sum_select *o)
{
    static const char *const h[] = { "scenario 情景", "metric 指标", "unit 单位", "year 年份",
                                     "direction 方向", "target 目标值", "median 中位数",
                                     "q05 5%分位", "q95 95%分位", "P(target met) 达标概率",
                                     "P lower 95%下限", "P upper 95%上限" };
    xl_sheet(x, "targets 目标", h, 12);
    for (size_t i = 0; x->ws && i < f->n_sc; i++) {
        const sum_scenario *s = &f->sc[i];
        for (size_t m = 0; xl_shown(s, o) && m < s->nm; m++)
            for (size_t y = 0; !isnan(s->target[m]) && sum_metric_shown(s, m, o) && y < s->ny; y++) {
                xl_metric(x, s, m, y);
                xl_str(x, 4, s->more[m] ? "more 越大越好" : "less 越小越好");
                xl_num(x, 5, s->target[m]);
                xl_num(x, 6, SUM_Q(s, m, y, s->q50));
                xl_num(x, 7, SUM_Q(s, m, y, s->q05));
                xl_num(x, 8, SUM_Q(s, m, y, s->q95));
                xl_num(x, 9, SUM_AT(s, s->p, m, y));
                xl_num(x, 10, SUM_AT(s, s->p_lo, m, y));
                xl_num(x, 11, SUM_AT(s, s->p_hi, m, y));
            }
    }
}

static void xl_metrics(xl *x, const sum_file *f, const sum_select *o)
{
    static const char *const h[] = { "scenario 情景", "metric 指标", "unit 单位", "year 年份",
                                     "mean 均值", "median 中位数", "q05 5%分位", "q95 95%分位" };
    xl_sheet(x, "metrics 指标", h, 8);
    for (size_t i = 0; x->ws && i < f->n_sc; i++) {
        const sum_scenario *s = &f->sc[i];
        for (size_t m = 0; xl_shown(s, o) && m < s->nm; m++)
            for (size_t y = 0; sum_metric_shown(s, m, o) && y < s->ny; y++) {
                xl_metric(x, s, m, y);
                xl_num(x, 4, SUM_AT(s, s->mean, m, y));
                xl_num(x, 5, SUM_Q(s, m, y, s->q50));
                xl_num(x, 6, SUM_Q(s, m, y, s->q05));
                xl_num(x, 7, SUM_Q(s, m, y, s->q95));
            }
    }
}

static void xl_comparisons(xl *x, const sum_file *f, const sum_select *o)
{
    static const char *const h[] = { "scenario b 情景b", "metric 指标", "unit 单位", "year 年份",
                                     "compared with a 对照情景a", "mean b − a 均值差",
                                     "paired SE 配对标准误", "unpaired SE 非配对标准误",
                                     "P(b better) b更优概率" };
    xl_sheet(x, "comparisons 比较", h, 9);
    for (size_t k = 0; x->ws && k < f->n_cmp; k++) {
        const sum_cmp *c = &f->cmp[k];
        if (!xl_shown(c->a, o) && !xl_shown(c->b, o))
            continue;
        for (size_t m = 0; m < c->b->nm; m++)
            for (size_t y = 0; sum_metric_shown(c->b, m, o) && y < c->b->ny; y++) {
                size_t cell = layout_cell(m, y, c->b->ny);
                xl_metric(x, c->b, m, y);
                xl_str(x, 4, c->an);
                xl_num(x, 5, c->mean[cell]);
                xl_num(x, 6, c->se[cell]);
                xl_num(x, 7, c->seu[cell]);
                xl_num(x, 8, c->pb[cell]);
            }
    }
}

/* The /sweep grid: one row per point and metric. */
static int xl_sweep(xl *x, hid_t file, const sum_file *f, const char *path, phx_err *e)
{
    static const char *const h[] = { "point 网格点", "levers 杠杆取值", "metric 指标", "unit 单位",
                                     "mean 均值", "P(target met) 达标概率" };
    char **pt = NULL, **lv = NULL, **mt = NULL, **val = NULL;
    size_t np = 0, nl = 0, nm = 0, d[3];
    double *mean = NULL, *p = NULL;
    hid_t g = H5Gopen2(file, "sweep", H5P_DEFAULT);
    int st = g < 0 ? h5u_fail(e, path, "cannot open /sweep") : PHX_OK;
    if (st == PHX_OK && (st = h5u_read_strs(g, "point", &pt, &np, path, e)) == PHX_OK &&
        (st = h5u_read_strs(g, "lever", &lv, &nl, path, e)) == PHX_OK &&
        (st = h5u_read_strs(g, "metric", &mt, &nm, path, e)) == PHX_OK &&
        (st = h5u_read_f64(g, "mean", 2, &mean, d, path, e)) == PHX_OK)
        st = h5u_read_f64(g, "p_target", 2, &p, d, path, e);
    val = phx_calloc(np * nl + 1, sizeof *val);
    if (st == PHX_OK)
        st = h5_sweep_read_values(g, path, np * nl, val, e);
    const sum_scenario *s0 = f->n_sc ? &f->sc[0] : NULL;
    xl_sheet(x, "sweep 扫描", h, 6);
    for (size_t i = 0; st == PHX_OK && x->ws && i < np; i++) {
        char levers[1024] = "";
        for (size_t k = 0; k < nl; k++)
            snprintf(levers + strlen(levers), sizeof levers - strlen(levers), "%s%s=%s", k ? "; " : "",
                     lv[k], val[i * nl + k] ? val[i * nl + k] : "");
        for (size_t m = 0; m < nm; m++) {
            x->row++;
            xl_str(x, 0, pt[i]);
            xl_str(x, 1, levers);
            xl_str(x, 2, mt[m]);
            xl_str(x, 3, s0 && m < s0->nm ? s0->unit[m] : "");
            xl_num(x, 4, mean[i * nm + m]);
            xl_num(x, 5, p[i * nm + m]);
        }
    }
    for (size_t i = 0; i < np * nl; i++)
        free(val[i]);
    free(val);
    h5u_strs_free(pt, np);
    h5u_strs_free(lv, nl);
    h5u_strs_free(mt, nm);
    free(mean);
    free(p);
    h5u_close(g);
    return st;
}

/* /fund's report rows: value, 95% interval, quantiles. */
static int xl_fund(xl *x, hid_t file, const char *path, phx_err *e)
{
    static const char *const h[] = { "quantity 项目", "value 数值", "lower 95%下限", "upper 95%上限",
                                     "q05 5%分位", "q95 95%分位" };
    static const char *const cols[] = { "value", "lower", "upper", "q05", "q95" };
    char **q = NULL;
    size_t n = 0, d[3];
    double *v[5] = { NULL };
    hid_t g = H5Gopen2(file, "fund", H5P_DEFAULT);
    int st = g < 0 ? h5u_fail(e, path, "cannot open /fund") : h5u_read_strs(g, "quantity", &q, &n, path, e);
    for (int c = 0; st == PHX_OK && c < 5; c++)
        if (c < 3 || h5u_exists(g, cols[c]) > 0)       /* q05, q95: not in older files */
            st = h5u_read_f64(g, cols[c], 1, &v[c], d, path, e);
    xl_sheet(x, "fund 资金", h, 6);
    for (size_t i = 0; st == PHX_OK && x->ws && i < n; i++) {
        x->row++;
        xl_str(x, 0, q[i]);
        for (int c = 0; c < 5; c++)
            if (v[c] != NULL)
                xl_num(x, 1 + c, v[c][i]);
    }
    h5u_strs_free(q, n);
    for (int c = 0; c < 5; c++)
        free(v[c]);
    h5u_close(g);
    return st;
}

/* The sheets read from the file itself: sweep and fund, when present. */
static int xl_file_sheets(xl *x, const sum_file *f, const char *h5path, phx_err *e)
{
    hid_t file = -1;
    int st = h5u_open_results(h5path, &file, e);
    if (st != PHX_OK)
        file = -1;
    if (st == PHX_OK && h5u_exists(file, "sweep") > 0)
        st = xl_sweep(x, file, f, h5path, e);
    if (st == PHX_OK && h5u_exists(file, "fund") > 0)
        st = xl_fund(x, file, h5path, e);
    if (file >= 0)
        h5u_close(file);
    return st;
}

int sum_write_xlsx(const sum_file *f, const sum_select *o, const char *h5path, const char *path,
                   int force, phx_err *e)
{
    phx_outfile of = { 0 };
    int st = outfile_open(&of, path, force, e);
    if (st != PHX_OK)
        return st;
    xl x = { workbook_new(of.tmp), NULL, NULL, 0 };
    if (x.wb == NULL) {
        outfile_abort(&of);
        return phx_fail(e, PHX_ERUN, path, 0, NULL, "cannot start the workbook");
    }
    x.head = workbook_add_format(x.wb);
    format_set_bold(x.head);
    format_set_text_wrap(x.head);
    xl_targets(&x, f, o);
    xl_metrics(&x, f, o);
    if (f->n_cmp > 0)
        xl_comparisons(&x, f, o);
    st = xl_file_sheets(&x, f, h5path, e);
    lxw_error err = workbook_close(x.wb);
    if (st == PHX_OK && err != LXW_NO_ERROR)
        st = phx_fail(e, PHX_ERUN, path, 0, NULL, "cannot write the workbook: %s", lxw_strerror(err));
    if (st == PHX_OK)
        return outfile_commit(&of, e);
    outfile_abort(&of);
    return st;
}
