/* fund.h -- `phoenix fund`, sizing a model's fund (its levers and balance declared by the model,
 * model_type.sizing; for tlhn the 腾笼换鸟 fund): the report (terminal table, CSV rows), its
 * /fund group in the results file (docs/model.md "Sizing the fund", docs/output.md "/fund") and
 * the results file as the sizing's output. The analysis and its report struct: engine/fund_size.h. */
#ifndef PHX_FUND_H
#define PHX_FUND_H

#include <stddef.h>
#include <stdio.h>
#include "../engine/phx.h"
#include "../engine/model.h"
#include "../engine/fund_size.h"
#include "../engine/stats.h"
#include "h5.h"

/* The model's sizing declaration behind `r` (r->sizing, or the first registered model's that has
 * one) and the lever solved for. */
const model_sizing *fund_sizing_of(const fund_report *r);
const model_lever *fund_lever_of(const fund_report *r);

/* The report as rows `quantity,value,lower,upper,q05,q95` (NaN where nothing applies): lower
 * and upper are always the ends of a 95% interval of `value` (an answer's, a probability's, a
 * mean's); q05 and q95 the 5% and 95% quantiles over replications of a balance whose `value` is
 * the median. `*rows` is newly allocated (caller frees); returns their number. The first row is
 * contribution_rate or initial_capital. */
typedef struct fund_row {
    char quantity[64];
    double value, lower, upper, q05, q95;
} fund_row;
size_t fund_report_rows(const fund_report *r, fund_row **rows);

/* Print the report: format "table" (for people) or "csv" (the rows, header
 * quantity,value,lower,upper,q05,q95). */
void fund_report_print(const fund_report *r, const char *format, FILE *out);

/* Write /fund (docs/output.md) into the open results file `w`, between scenarios. Returns
 * PHX_OK or fills `e`. */
int fund_write(h5_writer *w, const fund_report *r, phx_err *e);

/* The sizing's written run into `w` (open, between scenarios): the scenario's rows with its
 * provenance, then /fund. The output keeps `w`; the caller commits it. */
fund_output fund_h5_output(h5_writer *w);

#endif
