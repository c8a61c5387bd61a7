/* observed.h -- observations to calibrate against: a small CSV `metric,year,value,sd,source`
 * read with libcsv, checked against a scenario's model and years. Model-agnostic. */
#ifndef PHX_OBSERVED_H
#define PHX_OBSERVED_H

#include <stddef.h>
#include "phx.h"
#include "scenario.h"

typedef struct observation {
    int metric;            /* index in the model's metric table */
    int year;              /* calendar year */
    int year_index;        /* index in the scenario's years; -1 when the scenario does not cover it */
    double value;          /* what was observed, in the metric's unit */
    double sd;             /* the error accepted for it (> 0): distances are in units of sd */
    char *source;          /* where it comes from (free text, never empty) */
    int line;              /* its line in the file */
} observation;

typedef struct observed {
    char *path;
    observation *obs;      /* every data row, in file order */
    size_t n;
    size_t n_used;         /* rows whose year the scenario covers */
} observed;

/* Read `path` for scenario `sc`: a header naming the five columns (any order), then one row
 * per observation. Metric names must be metrics of sc's model, years integers, value finite, sd
 * finite and > 0, source non-empty, and (metric, year) unique. On error returns PHX_EINPUT with
 * one line "path:line:column: column-name: what is wrong" (column: 1-based character column
 * where the field starts), and *out is NULL. */
int observed_load(const char *path, const scenario *sc, observed **out, phx_err *e);
void observed_free(observed *o);

/* Position of observation `o` in a replication's row (metric x year layout of model.h). `o`
 * must be used (year_index >= 0). */
size_t observed_row_index(const observation *o, const scenario *sc);

#endif
