/* report.h -- `phoenix report` (one self-contained HTML page of a results file, charts inline
 * as SVG) and `phoenix plot` (any one chart of it as SVG, PNG or PDF). docs/report.md. */
#ifndef PHX_REPORT_H
#define PHX_REPORT_H

#include "../engine/phx.h"

/* Labels: both languages (中文 first), Chinese only or English only. */
typedef enum { RPT_LANG_BOTH = 0, RPT_LANG_ZH, RPT_LANG_EN } rpt_lang;

/* "zh", "en" or "both" into *lang; PHX_EINPUT naming --lang otherwise. */
int rpt_lang_parse(const char *s, rpt_lang *lang, phx_err *e);

/* Write the report of results file `h5path` to `out` (a temporary file renamed into place;
 * an existing `out` is kept unless `force`). */
int report_write(const char *h5path, const char *out, rpt_lang lang, int force, phx_err *e);

/* Which chart `phoenix plot` draws: its name (plot_charts lists them) and what it is about.
 * NULL picks the default: the first metric with a target (else the first), the first
 * scenario (for comparison charts: the first comparison; a scenario picks the one whose b it
 * is), the first lever, the first sensitivity metric. */
typedef struct plot_request {
    const char *chart, *metric, *scenario, *lever;
} plot_request;

/* Write the chart to `out`; the format follows the extension: .svg, .png or .pdf. */
int plot_write(const char *h5path, const plot_request *rq, const char *out, rpt_lang lang,
               int force, phx_err *e);

/* The chart names with one line each, for --help. */
extern const char plot_charts[];

#endif
