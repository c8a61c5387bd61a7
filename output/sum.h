/* sum.h -- the summary report's pieces inside output/ (summary.c reads a results file's
 * summary/ and /comparisons, summary_print.c prints them as text, CSV or Markdown, xlsx.c as a
 * workbook). Internal to output/ (includes hdf5.h through h5util.h). */
#ifndef PHX_SUM_H
#define PHX_SUM_H

#include <stdio.h>
#include "h5.h"
#include "h5util.h"

typedef enum { SUM_TABLE, SUM_CSV, SUM_MD, SUM_XLSX } sum_format;

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

/* One /comparisons/<b>_vs_<a> group, as read, with its scenarios. */
typedef struct sum_cmp {
    char *an, *bn;
    double *mean, *se, *seu, *pb;   /* [metric x year] */
    size_t dims[2];
    const sum_scenario *a, *b;      /* matched in the file's scenarios */
} sum_cmp;

/* What is shown: every scenario or one, every metric or some, the last year, one or all. */
typedef struct sum_select {
    sum_format f;
    const char *scenario;           /* NULL: all */
    int year;                       /* H5_SUMMARY_LAST, H5_SUMMARY_ALL or a calendar year */
    const char *const *metrics;     /* NULL: all */
    size_t n_metrics;
} sum_select;

/* A results file's summaries and comparisons, as read. */
typedef struct sum_file {
    sum_scenario *sc;
    size_t n_sc;
    sum_cmp *cmp;
    size_t n_cmp;
} sum_file;

void sum_file_free(sum_file *f);

/* Is metric m / year index y shown? The year indices [*y0, *y1] shown of s. */
int sum_metric_shown(const sum_scenario *s, size_t m, const sum_select *o);
void sum_years(const sum_scenario *s, const sum_select *o, size_t *y0, size_t *y1);
/* The comparison whose b is scenario `s`, or NULL. */
const sum_cmp *sum_cmp_of(const sum_file *f, const sum_scenario *s);

/* summary_print.c: text and Markdown (one section per scenario and year, then the
 * comparisons), CSV (one row per scenario, metric and year, its comparison's columns). */
void sum_print_text(const sum_file *f, const sum_select *o, FILE *out);
void sum_print_csv(const sum_file *f, const sum_select *o, FILE *out);
/* xlsx.c: the workbook, written to `path` through engine/outfile.h. */
int sum_write_xlsx(const sum_file *f, const sum_select *o, const char *h5path, const char *path,
                   int force, phx_err *e);

/* Value of a [metric x year] array; quantile j of [m, y]. */
#define SUM_AT(s, a, m, y) ((a)[layout_cell((m), (y), (s)->ny)])
#define SUM_Q(s, m, y, j) ((s)->q[layout_cell((m), (y), (s)->ny) * (s)->nq + (j)])

#endif
