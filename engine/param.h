/* param.h -- a model's parameter table: names, kinds, units, bounds and defaults. */
#ifndef PHX_PARAM_H
#define PHX_PARAM_H

#include <stddef.h>

typedef enum {
    PARAM_REAL = 0,   /* number, or a distribution when PARAM_RANDOM is set; per-year with PARAM_PER_YEAR */
    PARAM_INT,        /* integer constant (e.g. a seed, a count); per-year with PARAM_PER_YEAR */
    PARAM_CHOICE,     /* one word of `choices` ("a|b|c"); on/off switches are choices "off|on" */
    PARAM_LIST,       /* comma- or space-separated words, each one of `choices` */
    PARAM_TEXT        /* free text (a path, a name) */
} param_kind;

enum {
    PARAM_RANDOM = 1u << 0,    /* a distribution is allowed (drawn once per replication) */
    PARAM_PER_YEAR = 1u << 1   /* one value per simulated year is allowed (a single value applies to all) */
};

/* One row of a parameter table. The table is the single source for validation, `phoenix params`,
 * HDF5 attributes and docs/scenarios.md. */
typedef struct param_def {
    const char *name;          /* "section.key", e.g. "rectify.p_complete" */
    param_kind kind;
    unsigned flags;            /* PARAM_RANDOM | PARAM_PER_YEAR */
    const char *unit;          /* "share", "万元/mu", "1", ... */
    double lo, hi;             /* inclusive bounds for numbers (use -INFINITY/INFINITY for none) */
    const char *def;           /* default, as a scenario value: "0.7", "triangular(0.05, 0.15, 0.30)",
                                  "300 300 250", "score", "C, D" */
    const char *choices;       /* PARAM_CHOICE / PARAM_LIST: "score|energy|tax_per_mu"; else NULL */
    const char *description;   /* one sentence; cites the spec section, e.g. "§4.4 ..." */
} param_def;

/* Index of `name` in `table` of `n` rows, or -1. */
int param_find(const param_def *table, size_t n, const char *name);

/* The row whose name is closest to `name` (edit distance), for "did you mean" hints; NULL if
 * none is reasonably close. */
const param_def *param_closest(const param_def *table, size_t n, const char *name);

/* Does `word` appear among the '|'-separated `choices`? */
int param_choice_ok(const char *choices, const char *word);

#endif
