/* sizing.h -- sizing a model's fund (phoenix fund), model-agnostic: the model declares its
 * levers, break-even metrics and balance response (model_type.sizing); this module checks a
 * scenario against them and gathers, per replication, what the analysis needs. */
#ifndef PHX_SIZING_H
#define PHX_SIZING_H

#include <stddef.h>
#include <stdint.h>
#include "phx.h"
#include "run.h"

#define SIZING_MAX_REQUIRED 64

/* Can `sc` be sized with the lever called `word` for the `n_required` metrics `required`
 * (each must exist and have a target)? Sets *lever. PHX_OK or PHX_EINPUT with a message. */
int sizing_check(const scenario *sc, const char *word, const char *const *required,
                 size_t n_required, const model_lever **lever, phx_err *e);

/* A sink gathering, in replication order, each replication's break-even value (last year), its
 * own lever value, its balance and the balance's slope in the lever per year, and whether every
 * required target is met in the last year; then passing the block on to `inner` (or not, NULL). */
typedef struct sizing_sink {
    const run_sink *inner;
    const model_lever *lever;
    size_t ny, row_len, n_required;
    int m_breakeven, m_balance, p_value;
    int m_req[SIZING_MAX_REQUIRED];
    double target[SIZING_MAX_REQUIRED];
    int direction[SIZING_MAX_REQUIRED];
    double *breakeven, *own;       /* [n] */
    double *balance, *slope;       /* [n x ny] */
    uint8_t *ok;                   /* [n]: every required target met in the last year */
    size_t met, met_each[SIZING_MAX_REQUIRED];
} sizing_sink;

/* For every replication of `sc` (sc->replications); `required` as checked by sizing_check. */
void sizing_sink_init(sizing_sink *s, const scenario *sc, const model_lever *lever,
                      const char *const *required, size_t n_required, const run_sink *inner);
void sizing_sink_free(sizing_sink *s);
run_sink sizing_sink_of(sizing_sink *s);

#endif
