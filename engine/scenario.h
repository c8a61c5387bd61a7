/* scenario.h -- scenario files (INI via libinih): inheritance, overrides, validation, resolution. */
#ifndef PHX_SCENARIO_H
#define PHX_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include "phx.h"
#include "dist.h"
#include "model.h"

/* A value given on the command line rather than in a file, e.g. --set rectify.p_complete=0.9.
 * `origin` names it in error messages ("--set", "-n", "--seed", "--firms"). */
typedef struct scenario_override {
    const char *origin;
    const char *key;      /* "section.key" */
    const char *value;
} scenario_override;

/* The resolved value of one model parameter. */
typedef struct scenario_value {
    char *text;           /* as written (trimmed), or the default */
    const char *file;     /* where it was set: a file path, an override origin, or "default" */
    int line;             /* line in `file` (0 for defaults and overrides) */
    int n;                /* number of values: 1, or n_years for a per-year list */
    dist *v;              /* n values (numbers and distributions); NULL for choice/list/text */
    int choice;           /* PARAM_CHOICE: index of the word in the row's choices; else -1 */
    unsigned items;       /* PARAM_LIST: bit k set when the k-th choice is listed (k < 32) */
} scenario_value;

typedef struct scenario_target {
    int metric;           /* index in the model's metric table */
    double value;
    const char *file;
    int line;
} scenario_target;

typedef struct scenario {
    char *path;                    /* the top file */
    char *name;                    /* [scenario] name (defaults to the file's base name) */
    char *description;
    const model_type *model;       /* [scenario] model */
    int year_first, year_last, n_years;   /* [scenario] years = 2021-2023 (or one year) */
    long replications;             /* [scenario] replications (default 1000) */
    uint64_t seed;                 /* [scenario] seed (default 20211228) */
    char *firms;                   /* [scenario] firms: "synthetic" or a path usable from the cwd */
    char *sampler;                 /* [scenario] sampler: mc | lhs | sobol (default mc) */
    int sampler_kind;              /* the same, parsed once: a sampler_kind (sampler.h) */

    scenario_value *values;        /* one per model parameter, model table order */
    size_t *offset;                /* offset[p]: first theta slot of parameter p */
    size_t n_slots;                /* theta length: numeric parameters, per-year ones n_years slots */
    char **slot_names;             /* "rectify.firms_per_year[2021]", "economy.growth", ... */
    int *slot_param;               /* parameter index of each slot */
    int *slot_random;              /* is the slot a distribution (not a constant)? */

    scenario_target *targets;      /* [targets] metric = value */
    size_t n_targets;

    char *resolved_text;           /* complete INI text: every key, defaults included */
    char sha256[65];               /* hex SHA-256 of resolved_text */

    char **strings;                /* owned strings (file names) kept for origins */
    size_t n_strings;
} scenario;

/* Load `path`, follow its `base` chain, apply `overrides` (in order, last wins), check every key
 * against the model's parameter table and bounds, run the model's check(), and resolve.
 * `models` is the registry of `n_models` known models (the engine knows none by itself).
 * On error returns PHX_EINPUT (or PHX_ERUN) with a one-line message naming file, line and key. */
int scenario_load(scenario **out, const char *path, const model_type *const *models,
                  size_t n_models, const scenario_override *overrides, size_t n_overrides,
                  phx_err *e);

/* A scenario from defaults alone (for `phoenix synth` without a file, and for tests). */
int scenario_defaults(scenario **out, const model_type *model, const scenario_override *overrides,
                      size_t n_overrides, phx_err *e);

void scenario_free(scenario *sc);

/* Index of parameter `key` in the model's table, or -1. */
int scenario_param(const scenario *sc, const char *key);
/* Text of a parameter (its value as written, or its default). `key` must exist (asserted). */
const char *scenario_text(const scenario *sc, const char *key);
/* The policy question of scenario file `path`: its opening comment block (the comment lines
 * before its first other line or empty comment line), one paragraph; NULL when it has none.
 * Caller frees. Not part of the resolved text (engine/scenario_question.c). */
char *scenario_question(const char *path);
/* The dist of numeric parameter `key` in year index y (a single value applies to all years). */
const dist *scenario_dist(const scenario *sc, const char *key, int y);
/* Where `key` was set (file and line; "default" and 0 when not set). */
void scenario_origin(const scenario *sc, const char *key, const char **file, int *line);

/* Choice parameter p (model table index) resolved once: the index of its word in the row's
 * `choices` ("off|on": 0 off, 1 on). */
int scenario_choice(const scenario *sc, int p);
/* List parameter p split once: bit k set when the k-th of the row's choices is listed. */
unsigned scenario_list(const scenario *sc, int p);

/* The target for metric index m, or NULL. */
const scenario_target *scenario_target_of(const scenario *sc, int m);

#endif
