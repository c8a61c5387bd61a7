/* rpt.h -- internal to the report and plot files of output/: what a results file holds, as
 * read for the report (report_read*.c), the labels (report_text.c), the PLplot session
 * (plot.c) and the charts (plot_*.c). The public interface is report.h. */
#ifndef PHX_RPT_H
#define PHX_RPT_H

#include <stdint.h>
#include <stdio.h>
#include "../engine/phx.h"
#include "report.h"
#include "h5util.h"

/* ---- what the file holds ---------------------------------------------------------------- */

typedef struct rpt_metric {
    char *name, *unit, *long_en, *long_zh;
    int more;                  /* direction "more" */
    double target;             /* NaN: none */
} rpt_metric;

typedef struct rpt_scenario {
    char *name, *description, *model, *sampler, *text, *sha256;
    char *question;            /* the opening comment of the scenario text; NULL: none stored */
    int64_t n_rep;
    int32_t year_first, year_last;
    size_t nm, ny, nq;
    rpt_metric *metric;        /* nm */
    double *qlev;              /* nq quantile levels */
    double *mean, *p, *p_lo, *p_hi;   /* nm x ny */
    double *q;                 /* nm x ny x nq */
    /* districts: the by-group metrics, last year, across replications */
    char *group_dim;           /* e.g. "district"; NULL: the model has no groups */
    size_t ng, n_gm;
    char **group;              /* ng names */
    size_t *gm;                /* n_gm indices into metric[] */
    double *gq;                /* n_gm x ng x 3: 5%, 50%, 95% */
} rpt_scenario;

typedef struct rpt_comparison {
    char *name, *a, *b;
    size_t ia, ib;             /* indices of a and b among the scenarios */
    size_t nm, ny;
    double *q05, *q50, *q95, *p_better;   /* nm x ny */
} rpt_comparison;

typedef struct rpt_sweep {
    size_t np, nl, nm;
    char **point, **lever, **metric;
    char **value;              /* np x nl */
    double *mean, *p;          /* np x nm */
    int64_t year;
} rpt_sweep;

typedef struct rpt_fund {
    char *mode, *key, *units, *scenario;
    double confidence, answer, lower, upper, scenario_value;
    size_t ny, nq, n_be, n_search;
    int32_t *year;             /* ny */
    double *qlev;              /* nq */
    double *fan, *fan_answer;  /* ny x nq; fan NULL in targets mode */
    double *p_first;           /* ny; NULL in targets mode */
    double p_never;
    double *breakeven;         /* n_be; NULL in targets mode */
    double *search_value, *search_p;   /* n_search; targets mode */
} rpt_fund;

enum { RPT_SENS_SOBOL, RPT_SENS_MORRIS, RPT_SENS_TORNADO, RPT_SENS_N };
#define RPT_SENS_MAXV 7

typedef struct rpt_sens {
    int method;
    char *scenario;            /* may be NULL */
    int64_t N, seed, year;     /* year: -1 when not chosen */
    size_t nm, ny, nf;         /* tornado: ny = 1 */
    char **metric, **factor;
    int32_t *years;            /* ny (NULL for the tornado) */
    double *v[RPT_SENS_MAXV];  /* the method's arrays, in rpt_sens_names order */
} rpt_sens;

/* The arrays of each method, in the order of rpt_sens.v. */
extern const char *const rpt_sens_group[RPT_SENS_N];
extern const char *const rpt_sens_names[RPT_SENS_N][RPT_SENS_MAXV];

typedef struct rpt_file {
    char *path, *version, *git, *command, *created;
    uint64_t seed;
    size_t ns;
    rpt_scenario *sc;
    size_t nc;
    rpt_comparison *cmp;
    rpt_sweep *sweep;          /* NULL: none */
    rpt_fund *fund;            /* NULL: none */
    rpt_sens *sens[RPT_SENS_N];/* NULL: none */
} rpt_file;

/* Read everything the report shows (report_read.c, report_read2.c). */
int rpt_read(const char *path, rpt_file *f, phx_err *e);
void rpt_free(rpt_file *f);
/* The parts beyond the scenarios (report_read2.c), called by rpt_read with the file open. */
int rpt_read_extras(hid_t file, rpt_file *f, phx_err *e);
void rpt_free_extras(rpt_file *f);

/* Index of the scenario named `name`, or f->ns. Index of a metric, or sc->nm. Index of the
 * quantile level `lv` among sc->qlev (or any levels), or nq. */
size_t rpt_scenario_index(const rpt_file *f, const char *name);
size_t rpt_metric_index(const rpt_scenario *s, const char *name);
size_t rpt_level(const double *lev, size_t nq, double lv);

/* ---- labels (report_text.c) -------------------------------------------------------------- */

typedef enum {
    T_TITLE, T_PROVENANCE, T_VERSION, T_GIT, T_SEED, T_COMMAND, T_DATE, T_SHA, T_FILE,
    T_SCENARIO, T_QUESTION, T_NO_QUESTION, T_DESCRIPTION, T_MODEL, T_REPS, T_YEARS,
    T_TARGETS, T_NO_TARGETS, T_METRIC, T_UNIT, T_TARGET, T_MEDIAN, T_INTERVAL90, T_PTARGET,
    T_CI95, T_MEAN, T_OTHER_METRICS, T_YEAR, T_FAN, T_DISTRICTS, T_NO_DISTRICTS, T_DISTRICT,
    T_COMPARISONS, T_NO_COMPARISONS, T_DIFF, T_PBETTER, T_SWEEP, T_NO_SWEEP, T_LEVER,
    T_FUND, T_NO_FUND, T_BALANCE, T_AT_SCENARIO, T_AT_ANSWER, T_FIRST_SHORTFALL, T_BREAKEVEN,
    T_REPLICATIONS_N, T_ANSWER, T_SEARCH, T_NO_FUND_FAN, T_SENSITIVITY, T_NO_SENSITIVITY,
    T_SOBOL, T_MORRIS, T_TORNADO, T_FACTOR, T_INDEX, T_CHANCE, T_SWING, T_CONTENTS,
    T_SHARE, T_ZERO, T_NEVER, T_LOW, T_HIGH, T_COUNT
} rpt_text;

/* The label in the chosen language(s): "中文 / English" for both. */
const char *rpt_t(rpt_lang lang, rpt_text t);
/* A metric's label from its long names (the name when it has none). */
void rpt_metric_label(const rpt_metric *m, rpt_lang lang, char *buf, size_t n);
/* Two labels joined in the language's way: zh, en or "zh / en". */
void rpt_join(rpt_lang lang, const char *zh, const char *en, char *buf, size_t n);

/* A readable number: "-" for NaN, thousands separators from 1,000 to 1e15, else 4 digits
 * (as phoenix summary prints them). */
void rpt_num(char *buf, size_t n, double x);
/* A fund value: a rate in per cent, a capital in its units. */
void rpt_fund_value(const rpt_fund *u, double v, char *buf, size_t n);
/* The year index the sensitivity charts show. */
size_t rpt_sens_year(const rpt_sens *s);

/* ---- a growing string --------------------------------------------------------------------- */

typedef struct rpt_buf {
    char *s;
    size_t len, cap;
} rpt_buf;

void rpt_buf_add(rpt_buf *b, const char *s, size_t n);
void rpt_buf_printf(rpt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text with & < > " escaped for HTML and XML. */
void rpt_buf_esc(rpt_buf *b, const char *s);
void rpt_buf_free(rpt_buf *b);

/* ---- PLplot (plot.c) ------------------------------------------------------------------------ */

typedef struct plot_ctx plot_ctx;
typedef struct plot_arg plot_arg;
typedef void (*plot_fn)(plot_ctx *c, const void *arg);

struct plot_ctx {
    rpt_lang lang;
    int width, height;         /* points */
    rpt_buf data;              /* the numbers behind the chart, as SVG elements */
    char title[2048];
};

/* Draw `fn(c, arg)` with device "svg", "pngcairo" or "pdfcairo". For svg, the page's SVG
 * (with the chart's numbers, a <title> and a CJK font choice) goes to *svg (caller frees);
 * otherwise to the open file `out`, which PLplot closes. */
int plot_render(const char *device, int width, int height, rpt_lang lang, plot_fn fn,
                const void *arg, char **svg, FILE *out, phx_err *e);

/* Draw a chart into file `out` (temporary file renamed into place; plot_file.c). */
int rpt_draw_file(const char *device, int w, int h, rpt_lang lang, plot_fn fn, const plot_arg *a,
                  const char *out, int force, phx_err *e);

/* Record the numbers of a series: <g class="phx-data" data-series=... data-x=... data-y=...>. */
void plot_series(plot_ctx *c, const char *series, size_t n, const double *x, const double *y);
/* Record the category labels of a chart: data-labels="a|b|c". */
void plot_labels(plot_ctx *c, const char *series, size_t n, const char *const *labels);
/* A one-row legend above the plot: boxes (is_line 0) or lines in colours pc[], styles. */
void plot_legend(size_t n, const char *const *text, const int *is_line, const int *pc,
                 const int *style);
/* Record one named value. */
void plot_value(plot_ctx *c, const char *name, double v);

/* Drawing helpers over PLplot (text escaped for PLplot, colours from the palette). */
enum { PC_BG, PC_INK, PC_GRID, PC_BAND1, PC_BAND2, PC_LINE, PC_TARGET, PC_BAR, PC_BAR2, PC_ERR,
       PC_ALT1, PC_ALT2, PC_ALT3, PC_ALT4, PC_ALT5, PC_N };
void plot_color(int pc);
/* Axes, grid and labels; x_int 1: integer ticks (years), 2: no x numbers (categories). */
void plot_frame(double x0, double x1, double y0, double y1, const char *xlab, const char *ylab,
                const char *title, int x_int);
void plot_text(double x, double y, double just, const char *s);
/* plmtex with the text escaped. */
void plot_mtex(const char *side, double disp, double pos, double just, const char *s);
void plot_band(size_t n, const double *x, const double *lo, const double *hi, int pc);
void plot_line(size_t n, const double *x, const double *y, int pc, int style, double width);
void plot_rect(double x0, double x1, double y0, double y1, int pc);
void plot_whisker(double x, double lo, double hi, int horizontal, int pc);
/* The viewport of panel k of n in a grid of two columns; l, r, b, t within the panel. */
void plot_panel(size_t k, size_t n, double l, double r, double b, double t);
/* A padded range of values (NaN skipped); always a valid, non-empty window. */
void plot_range(const double *v, size_t n, double *lo, double *hi);
void plot_pad(double *lo, double *hi);
/* The tlhn-free horizontal category chart frame: labels on the left of rows 0..n-1. */
void plot_hframe(size_t n, const char *const *labels, double x0, double x1, const char *xlab,
                 const char *title);

/* ---- the charts (plot_scenario.c, plot_analysis.c, plot_fund.c, plot_sens.c) -------------- */

struct plot_arg {
    const rpt_file *f;
    size_t s;                  /* scenario (or comparison, or lever) index */
    size_t m;                  /* metric index */
    int which;                 /* chart variant */
};

void chart_fan(plot_ctx *c, const void *arg);
void chart_ptarget(plot_ctx *c, const void *arg);
void chart_districts(plot_ctx *c, const void *arg);
int chart_districts_height(const rpt_scenario *s);   /* points */
int chart_panels_height(size_t n_panels);            /* two panels a row */
int chart_hbar_height(size_t rows);                  /* a chart of horizontal bars */
size_t chart_compare_panels(const rpt_file *f, size_t comparison);
/* The sweep metrics shown (indices into sweep->metric, idx has room for nm): with a target,
 * else the first few. */
size_t rpt_sweep_metrics(const rpt_file *f, size_t *idx);
void chart_compare(plot_ctx *c, const void *arg);
void chart_pbetter(plot_ctx *c, const void *arg);
void chart_sweep(plot_ctx *c, const void *arg);
void chart_fund_fan(plot_ctx *c, const void *arg);
void chart_fund_shortfall(plot_ctx *c, const void *arg);
void chart_fund_breakeven(plot_ctx *c, const void *arg);
void chart_fund_search(plot_ctx *c, const void *arg);
void chart_sobol(plot_ctx *c, const void *arg);
void chart_morris(plot_ctx *c, const void *arg);
void chart_tornado(plot_ctx *c, const void *arg);

/* Metrics a chart set shows: those with a target in scenario `s`, else all; the count, the
 * indices into *idx (caller frees). */
size_t rpt_shown_metrics(const rpt_scenario *s, size_t **idx);
/* The metric index of sensitivity / sweep metric `name` in the first scenario that has it,
 * for its labels; NULL when none. */
const rpt_metric *rpt_find_metric(const rpt_file *f, const char *name);

#endif
