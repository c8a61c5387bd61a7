/* fund_size.h -- sizing a model's fund (phoenix fund), model-agnostic: the lever's value (the
 * model's declaration, model_type.sizing) that keeps the fund solvent, or that lets the model
 * reach required targets, with stated confidence (docs/model.md "Sizing the fund").
 *
 * Solvency: one run with the money switch off; the Q-quantile of the replications' break-even
 * values (fund_solvency). Targets: the money switch on, the level search of engine/solve.c over
 * full runs on the same replications (fund_search), then the answer's own run. fund_size_run()
 * drives either from a scenario file; the results file is the caller's (fund_output). */
#ifndef PHX_FUND_SIZE_H
#define PHX_FUND_SIZE_H

#include <stddef.h>
#include "model.h"
#include "phx.h"
#include "run.h"
#include "scenario.h"
#include "sizing.h"
#include "solve.h"
#include "stats.h"

enum { FUND_SOLVENCY = 0, FUND_TARGETS = 1 };

#define FUND_LEVEL 0.95            /* of every interval */
#define FUND_GRID 8                /* the targets search's first scan: 1/8 of the range */

/* Per-replication inputs of the solvency analysis: one run with the money switch off. */
typedef struct fund_runs {
    size_t n;
    int n_years;
    const double *breakeven;   /* [n] break-even rate or capital (亿元) of the last year */
    const double *balance;     /* [n x n_years] year-end balance at the replication's own value, 亿元 */
    const double *slope;       /* [n x n_years] d balance / d value: (1 - o) R_t for the rate, 1 for capital */
    const double *own;         /* [n] the rate or capital each replication ran with */
} fund_runs;

/* One full simulation of the targets search: the lever's value, replications meeting every
 * required target. */
typedef solve_eval fund_eval;

typedef struct fund_report {
    /* what was asked */
    int mode;                  /* FUND_SOLVENCY or FUND_TARGETS */
    const model_sizing *sizing;  /* the model's declaration; NULL: the first registered model's
                                    that has one (models_all) */
    int solve_capital;         /* index of the lever in sizing->levers (tlhn: 0 rate, 1 capital) */
    double confidence;         /* Q */
    double level;              /* of every interval: 0.95 */
    const char *scenario;      /* its name */
    size_t n;                  /* replications */
    int year_first, n_years;
    double scenario_value;     /* the scenario's own rate or capital (its mean if a distribution) */
    /* the answer: the smallest value with P >= Q; +inf when none reaches it. The interval is
     * [lower, upper] (upper +inf: too few replications for a bound at this level). */
    double answer, lower, upper;
    size_t rank, rank_lower, rank_upper;   /* order statistics behind them (1-based) */
    /* P(solvent) (solvency) or P(every required target met) (targets), with Wilson intervals */
    double p_answer, p_answer_lo, p_answer_hi;
    double p_below, p_below_lo, p_below_hi;   /* at 0.9 x answer */
    double p_above, p_above_lo, p_above_hi;   /* at 1.1 x answer */
    double p_scenario, p_scenario_lo, p_scenario_hi;   /* at the scenario's own value */
    /* solvency only: at the scenario's own value */
    size_t n_shortfall;        /* replications whose balance goes negative */
    double shortfall, shortfall_lo, shortfall_hi;   /* mean lowest balance where negative, 亿元 */
    double *p_first, *p_first_lo, *p_first_hi;      /* [n_years + 1]: first negative year; last: never */
    double *fan;               /* [n_years x STATS_NQ] balance quantiles, 亿元 (NULL in targets mode) */
    double *breakeven;         /* [n] per replication, replication order (NULL in targets mode) */
    /* both modes: the balance at the answer (targets: at fan_value, the scenario's own value
     * when no value reaches Q) */
    double *fan_answer;        /* [n_years x STATS_NQ] */
    double fan_value;
    /* targets only */
    const char *const *required;   /* metric names */
    size_t n_required;
    double *p_each;            /* [n_required] P(each target met) at fan_value */
    double bracket;            /* largest value simulated below the answer with P < Q */
    double p_bracket, p_bracket_lo, p_bracket_hi;
    double p_ceiling, p_ceiling_lo, p_ceiling_hi;   /* with money to spare (constrained off) */
    fund_eval *evals;          /* every simulation of the search, in the order run */
    size_t n_evals;
    int monotone;              /* was P non-decreasing over every value simulated? */
    size_t n_not_monotone;     /* replications meeting the targets at a value and not at a larger one */
} fund_report;

/* ---- the analyses (engine/fund_solvency.c, engine/fund_size.c) --------------------------------- */

/* The answer of the solvency question from one unconstrained run: the Q-quantile of the
 * break-even values (the k = ceil(n Q)-th smallest, raised by one part in 1e9 so that a rerun at
 * the answer keeps the binding replication solvent despite rounding), its distribution-free
 * interval (stats_quantile_ranks), P(solvent) at the answer, at 0.9x and 1.1x the answer and at
 * the scenario's own value, the shortfall, the first year of shortfall and the balance fans.
 * `r` must have mode, solve_capital, confidence, level, n_years and year_first set; its arrays
 * are allocated here (fund_report_free). */
void fund_solvency(const fund_runs *in, fund_report *r);

/* Quantiles (stats_q_levels) per year of balance [n x n_years] into fan [n_years x STATS_NQ]. */
void fund_fan(const double *balance, size_t n, int n_years, double *fan);

/* The targets search over `q` (its function simulates every replication at a value; +INFINITY is
 * money to spare), for a lever starting at `start` with values up to `vmax`. `r` must have n,
 * confidence, level and scenario_value set. Sets the ranks; the answer (the smallest value at
 * which rank replications meet the targets, to 0.1% of the range scanned) and its interval (the
 * crossings of rank_lower and rank_upper, to 0.4%); the bracket below it; P(targets met) with
 * Wilson intervals at the answer, 0.9x and 1.1x it, the scenario's value, the bracket and with
 * money to spare; whether the replications were monotone; and hands the simulations to r->evals. */
int fund_search(solve_search *q, double start, double vmax, fund_report *r, phx_err *e);

/* Free the arrays of `r` (not `r`); fund_report_free(NULL) is a no-op. */
void fund_report_free(fund_report *r);

/* ---- the driver (engine/fund_size.c) ------------------------------------------------------------ */

/* What to size. */
typedef struct fund_size_spec {
    const char *file;                        /* the scenario file */
    const model_type *const *models;         /* the models it may name */
    size_t n_models;
    const scenario_override *ov;             /* the user's overrides */
    size_t n_ov;
    const char *lever;                       /* the lever's word (--solve); NULL: the model's first */
    const char *const *required;             /* metrics whose targets must be met; none: solvency */
    size_t n_required;
    double confidence;                       /* Q in (0, 1) */
    run_options ro;                          /* threads, block; progress of the written run only */
    /* Called after each simulation of the targets search (NULL: none): the lever's parameter,
     * the value (+inf: money to spare), replications meeting the targets out of n. */
    void (*on_eval)(void *ctx, size_t run, const char *param, double value, size_t met, size_t n);
    void *ctx;
} fund_size_spec;

/* Where the written run goes (the results file; output/fund.h has the HDF5 one). */
typedef struct fund_output {
    void *ctx;
    /* Before the written run of `sc` (prepared: `shared`): set *sink, the block's next stop. */
    int (*begin)(void *ctx, const scenario *sc, const void *shared, run_sink *sink, phx_err *e);
    /* After it, with the report complete. */
    int (*end)(void *ctx, const fund_report *r, phx_err *e);
} fund_output;

typedef struct fund_size {
    fund_size_spec spec;
    scenario *own;                 /* the scenario as the user gave it */
    scenario *sc;                  /* with the money switch forced: off (solvency) or on (targets) */
    const model_sizing *sizing;    /* own->model->sizing */
    const model_lever *lever;
    int mode;                      /* FUND_SOLVENCY or FUND_TARGETS */
    const char *switch_was;        /* the switch's value in the user's scenario */
} fund_size;

/* Load `spec`'s scenario, check it can be sized (sizing_check) and load it again with the money
 * switch forced. `spec` (and what it points to) must outlive *fs. PHX_OK or PHX_EINPUT. */
int fund_size_alloc(fund_size **fs, const fund_size_spec *spec, phx_err *e);
void fund_size_free(fund_size *fs);

/* Size the fund into `r` (fund_report_free), writing the answer's run through `out`. */
int fund_size_run(fund_size *fs, const fund_output *out, fund_report *r, phx_err *e);

#endif
