/* rpt_page.h -- internal to report_html.c and report_sections.c: the page being written and
 * the pieces both use. */
#ifndef PHX_RPT_PAGE_H
#define PHX_RPT_PAGE_H

#include "rpt.h"

typedef struct rpt_page {
    rpt_buf b;
    const rpt_file *f;
    rpt_lang lang;
    int st;                    /* the first failure stops every later figure */
    phx_err *e;
} rpt_page;

/* <hN id=...>text</hN> (id may be NULL). */
void page_h(rpt_page *p, int level, const char *id, const char *text);
/* A section's part the file does not hold, and why: <p class="absent" data-absent=what>. */
void page_absent(rpt_page *p, const char *what, const char *why);
/* A chart as <figure class="chart" data-chart=chart data-key=key> with PLplot's SVG inside. */
void page_figure(rpt_page *p, const char *chart, const char *key, int w, int h, plot_fn fn,
                 const plot_arg *a, const char *caption);
/* A table row; cells from first_num on are right-aligned numbers. */
void page_row(rpt_page *p, int head, size_t n, const char *const *cells, size_t first_num);

/* The comparisons, sweep, fund and sensitivity sections (report_sections.c). */
void report_analyses(rpt_page *p);
/* The whole page into *out (report_html.c). */
int report_page(const rpt_file *f, rpt_lang lang, rpt_buf *out, phx_err *e);

#endif
