/* model.h -- the interface between the engine and a policy model (a const table of functions). */
#ifndef PHX_MODEL_H
#define PHX_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "phx.h"
#include "param.h"

struct scenario;

enum {
    METRIC_MORE = 1,          /* direction: more is better; a target is met when value >= target */
    METRIC_LESS = -1          /* less is better; met when value <= target */
};
enum {
    METRIC_CUMULATIVE = 0,    /* summed since year_first */
    METRIC_STATE = 1          /* a state at year end */
};
enum {
    METRIC_BY_GROUP = 1u << 0, /* also stored per group (district): [replication x year x group] */
    METRIC_SCALE_1E4 = 1u << 1, /* the unit's scale: the model computes in units 10^4 times
                                  smaller (万元), the metric is raw / 1e4 (亿元); metric_scaled() */
    METRIC_CONSTRAINT = 1u << 2 /* a constraint indicator: > 0 means the constraint bound (the
                                   summary says so in a line of its own) */
};

typedef struct metric_def {
    const char *name;          /* "energy_freed_tce" */
    const char *unit;          /* "tce", "mu", "亿元" ... */
    const char *long_name;     /* English */
    const char *long_name_zh;  /* Chinese */
    int direction;             /* METRIC_MORE or METRIC_LESS */
    int kind;                  /* METRIC_CUMULATIVE or METRIC_STATE */
    unsigned flags;            /* METRIC_BY_GROUP, METRIC_SCALE_1E4 */
} metric_def;

/* A raw model value in the metric's unit: the unit's scale is part of the definition (its
 * flags), applied here and nowhere else. */
static inline double metric_scaled(const metric_def *d, double raw)
{
    return (d->flags & METRIC_SCALE_1E4) ? raw / 1e4 : raw;
}

/* Everything a replication needs to know about itself. */
typedef struct replication_ctx {
    uint64_t seed;             /* the run's seed (key of every random stream) */
    uint32_t replication;      /* global replication index, 0-based */
    const double *theta;       /* this replication's parameter values; see scenario_slot() */
    const size_t *offset;      /* offset[p] = first slot of parameter p (model table order) */
    int year_first, n_years;   /* calendar years simulated */
} replication_ctx;

/* Value of numeric parameter `p` (model table index) in year index `y` (0-based; 0 for scalars).
 * Per-year parameters have n_years slots; scalar ones have one. */
#define THETA(rc, p) ((rc)->theta[(rc)->offset[(p)]])
#define THETA_Y(rc, p, y) ((rc)->theta[(rc)->offset[(p)] + (size_t)(y)])

/* ---- what sizing a fund needs (phoenix fund), declared by a model that has one ------------- */

/* A lever: a parameter whose smallest value meeting a requirement is sought. */
typedef struct model_lever {
    const char *word;              /* its name on the command line (--solve WORD) */
    const char *param;             /* the parameter solved for (a numeric scalar) */
    const char *unit;              /* of the parameter, for reports */
    int percent;                   /* shown in per cent (a share) */
    const char *breakeven_metric;  /* each replication's break-even value of it (last year) */
    double max;                    /* the search gives up beyond this */
    double start;                  /* first value tried when the scenario's own is 0 */
    /* d balance / d value in year index y of one replication (its theta and row). */
    double (*slope)(const struct scenario *sc, const double *theta, const double *row, int y);
    /* Can `sc` be sized with this lever (something for it to act on)? PHX_OK or fills `e`
     * naming file, line and key. NULL: always. */
    int (*check)(const struct scenario *sc, phx_err *e);
} model_lever;

typedef struct model_sizing {
    const char *what;              /* "the 腾笼换鸟 fund", for messages */
    const char *switch_param;      /* off|on choice: on, money limits what the model does */
    const char *switch_note;       /* what the switch on means, for messages */
    const char *balance_metric;    /* year-end balance (solvent: >= 0 in every year) */
    const char *balance_stem;      /* report rows: <stem><suffix>, <stem>_at_answer<suffix> */
    const char *money_suffix;      /* "_yi": the money unit's tag in report row names */
    const char *money_unit;        /* "亿元": of the balance and the break-even capital */
    const char *balance_title;     /* "fund balance (亿元)" */
    const model_lever *levers;     /* levers[0] is the default */
    size_t n_levers;
} model_sizing;

/* A generic command-line option set on whichever parameter the model declares for it: the
 * input table's --csv-delimiter and --encoding, for instance, which every model with a table of
 * its own reads under its own key. The command line writes an override with the key
 * MODEL_OPTION_PREFIX + option (e.g. "@input.csv_delimiter"); the scenario loader replaces it
 * with the model's key, or fails naming the option when the scenario's model declares none. */
#define MODEL_OPTION_PREFIX "@"
typedef struct model_option {
    const char *option;            /* "input.csv_delimiter" */
    const char *param;             /* the model's parameter it sets */
} model_option;

/* A model. Output layout of one replication (engine/layout.h, the one place that knows it):
 *   row[layout_cell(m, y, n_years)]                        every metric m of the table
 *   group_row[layout_group_cell(g_m, y, d, n_years, n_groups)]  the g_m-th METRIC_BY_GROUP metric
 * Both arrays are zeroed by the engine before simulate() is called. */
typedef struct model_type {
    const char *name;                 /* "tlhn", "ishigami" */
    const char *description;
    const param_def *params;
    size_t n_params;
    const metric_def *metrics;
    size_t n_metrics;
    const char *group_dim;            /* name of the group dimension ("district"), or NULL */
    const char *const *group_names;   /* n_groups names */
    size_t n_groups;

    /* Extra checks on a resolved scenario beyond bounds and choices (shares summing to 1, ...).
     * May be NULL. Returns PHX_OK or fills `e` naming file, line and key (scenario_origin()). */
    int (*check)(const struct scenario *sc, phx_err *e);
    /* Build the shared, read-only data (firm table, ...) from the resolved scenario (its
     * `firms` setting is already a usable path or "synthetic"). Returns PHX_OK and sets *shared,
     * or fills `e`. */
    int (*prepare)(const struct scenario *sc, void **shared, phx_err *e);
    void (*shared_free)(void *shared);
    /* Optional (NULL: none). Provenance of the prepared data as n key/value string pairs in
     * kv[0..2n) (e.g. the input table's path and SHA-256), valid while `shared` lives; the
     * results file stores them as attributes of /scenarios/<name>/provenance. */
    size_t (*provenance)(const void *shared, const char *const **kv);
    /* Optional (NULL: 1). The factor applied to the scenario's target for metric `m` when the
     * scenario is loaded (e.g. a model run on part of a population scales city-wide targets);
     * the scenario's text keeps the targets as written. */
    double (*target_factor)(const struct scenario *sc, int m);
    /* Per-thread scratch, allocated once per thread, never inside the replication loop. */
    void *(*scratch_alloc)(const void *shared);
    void (*scratch_free)(void *scratch);
    /* Simulate one replication. Must depend only on (shared, rc) -- never on the scratch's
     * previous contents, the thread or other replications. Returns PHX_OK or PHX_ERUN. */
    int (*simulate)(const void *shared, void *scratch, const replication_ctx *rc, double *row,
                    double *group_row);
    /* phoenix synth: write the model's synthetic input table for `sc` to `path` (through
     * engine/outfile.h), setting *n to its rows. NULL: the model has none. */
    int (*synthesize)(const struct scenario *sc, const char *path, size_t *n, phx_err *e);
    /* What sizing its fund needs (phoenix fund); NULL: the model has no fund. */
    const model_sizing *sizing;
    /* Optional (NULL: none). The groups' names in Chinese, n_groups of them, stored beside
     * group_names in the results file (docs/output.md). */
    const char *const *group_names_zh;
    /* Optional (NULL: none). How many entities one replication simulates in each year, from the
     * prepared data, and their noun ("firm"): a run's closing line reports <noun>-years/s. */
    size_t (*n_entities)(const void *shared);
    const char *entity;
    /* Generic options it takes (model_option); NULL / 0: none. */
    const model_option *options;
    size_t n_options;
} model_type;

/* The lever of `m`'s sizing called `word`, or NULL (also when m has no sizing). */
const model_lever *model_lever_find(const model_type *m, const char *word);

/* The parameter key of `m` that the generic option `option` sets, or NULL. */
const char *model_option_param(const model_type *m, const char *option);

/* Number of metrics flagged METRIC_BY_GROUP. */
size_t model_n_group_metrics(const model_type *m);
/* Index of metric `name`, or -1. */
int model_metric_find(const model_type *m, const char *name);

#endif
