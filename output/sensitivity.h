/* sensitivity.h (output) -- a sensitivity analysis's results: the /sensitivity/<method> group of
 * the results file (docs/output.md) and the printed report (table, markdown, CSV rows). */
#ifndef PHX_OUTPUT_SENSITIVITY_H
#define PHX_OUTPUT_SENSITIVITY_H

#include <stdio.h>
#include "../engine/phx.h"
#include "../engine/scenario.h"
#include "../engine/sensitivity.h"
#include "h5.h"

/* Write /sensitivity/<method> for result `r` of scenario `sc` into the open results file `w`
 * (between scenarios). A second analysis of the same method in one file is an error. */
int sens_write(h5_writer *w, const scenario *sc, const sens_result *r, phx_err *e);

/* Print `r`: format "table" or "md" ranks the factors of each metric by total index (sobol),
 * mu* (morris) or swing (tornado), in the last analysed year, for the metrics with a target (or
 * every analysed metric when `all_metrics` or when none has one); "csv" prints every estimate as
 * rows `method,metric,year,factor,index,value,lower,upper` (empty where nothing applies). */
void sens_print(const sens_result *r, const scenario *sc, const char *format, int all_metrics,
                FILE *out);

#endif
