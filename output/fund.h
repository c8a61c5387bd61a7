/* fund.h -- `phoenix fund`, sizing a model's fund (its levers and balance declared by the model,
 * model_type.sizing; for tlhn the 腾笼换鸟 fund): the analysis of one run's break-even
 * values, the report (terminal table, CSV rows) and its /fund group in the results file
 * (docs/model.md "Sizing the fund", docs/output.md "/fund"). */
#ifndef PHX_FUND_H
#define PHX_FUND_H

#include <stddef.h>
#include <stdio.h>
#include "../engine/phx.h"
#include "../engine/model.h"
#include "../engine/solve.h"
#include "../engine/stats.h"
#include "h5.h"

enum { FUND_SOLVENCY = 0, FUND_TARGETS = 1 };

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

/* The model's sizing declaration behind `r` (r->sizing, or the first registered model's that has
 * one) and the lever solved for. */
const model_sizing *fund_sizing_of(const fund_report *r);
const model_lever *fund_lever_of(const fund_report *r);

/* Free the arrays of `r` (not `r`); fund_report_free(NULL) is a no-op. */
void fund_report_free(fund_report *r);

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

#endif
