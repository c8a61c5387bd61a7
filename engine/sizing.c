/* sizing.c -- checks and per-replication gathering for sizing a fund (see sizing.h). */
#include "sizing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

int sizing_check(const scenario *sc, const char *word, const char *const *required,
                 size_t n_required, const model_lever **lever, phx_err *e)
{
    const model_type *m = sc->model;
    if (m->sizing == NULL || m->sizing->n_levers == 0)
        return phx_fail(e, PHX_EINPUT, sc->path, 0, "scenario.model",
                        "phoenix fund needs a model that declares a fund to size, not %s", m->name);
    *lever = word ? model_lever_find(m, word) : &m->sizing->levers[0];
    if (*lever == NULL) {
        char words[256] = "";
        for (size_t k = 0; k < m->sizing->n_levers; k++)
            snprintf(words + strlen(words), sizeof words - strlen(words), "%s%s",
                     k == 0 ? "" : k + 1 == m->sizing->n_levers ? " or " : ", ", m->sizing->levers[k].word);
        return phx_fail(e, PHX_EINPUT, "--solve", 0, NULL, "'%s': expected %s", word, words);
    }
    for (size_t k = 0; k < n_required; k++) {
        int mi = model_metric_find(m, required[k]);
        if (mi < 0)
            return phx_fail(e, PHX_EINPUT, "--require", 0, NULL,
                            "unknown metric '%s' (phoenix params %s lists them)", required[k], m->name);
        if (scenario_target_of(sc, mi) == NULL)
            return phx_fail(e, PHX_EINPUT, "--require", 0, NULL,
                            "metric '%s' has no target: set targets.%s in [targets] of %s or with --set",
                            required[k], required[k], sc->path);
    }
    return (*lever)->check ? (*lever)->check(sc, e) : PHX_OK;
}

void sizing_sink_init(sizing_sink *s, const scenario *sc, const model_lever *lever,
                      const char *const *required, size_t n_required, const run_sink *inner)
{
    const model_type *m = sc->model;
    size_t n = (size_t)sc->replications;
    memset(s, 0, sizeof *s);
    s->inner = inner;
    s->lever = lever;
    s->ny = (size_t)sc->n_years;
    s->row_len = layout_row_len(m, sc->n_years);
    s->n_required = n_required;
    s->m_breakeven = model_metric_find(m, lever->breakeven_metric);
    s->m_balance = model_metric_find(m, m->sizing->balance_metric);
    s->p_value = scenario_param(sc, lever->param);
    for (size_t k = 0; k < n_required; k++) {
        s->m_req[k] = model_metric_find(m, required[k]);
        s->target[k] = scenario_target_of(sc, s->m_req[k])->value;
        s->direction[k] = m->metrics[s->m_req[k]].direction;
    }
    s->breakeven = phx_malloc((n ? n : 1) * sizeof *s->breakeven);
    s->own = phx_malloc((n ? n : 1) * sizeof *s->own);
    size_t cells = n * s->ny;
    cells = cells ? cells : 1;
    s->balance = phx_malloc(cells * sizeof *s->balance);
    s->slope = phx_malloc(cells * sizeof *s->slope);
    s->ok = phx_malloc(n ? n : 1);
}

void sizing_sink_free(sizing_sink *s)
{
    free(s->breakeven);
    free(s->own);
    free(s->balance);
    free(s->slope);
    free(s->ok);
}

/* Replication i's required targets: all met in the last year? Counts each. */
static int sizing_met(sizing_sink *s, const double *row)
{
    int all = 1;
    for (size_t k = 0; k < s->n_required; k++) {
        double x = layout_last(row, (size_t)s->m_req[k], s->ny);
        int met = s->direction[k] > 0 ? x >= s->target[k] : x <= s->target[k];
        s->met_each[k] += (size_t)met;
        all &= met;
    }
    return all;
}

static int sizing_block(void *ctx, const scenario *sc, const run_block *b, phx_err *e)
{
    sizing_sink *s = ctx;
    size_t ny = s->ny;
    for (size_t j = 0; j < b->n; j++) {
        size_t i = b->first + j;
        const double *row = b->rows + j * s->row_len, *theta = b->theta + j * sc->n_slots;
        s->own[i] = layout_param(sc, theta, s->p_value, 0);
        s->breakeven[i] = layout_last(row, (size_t)s->m_breakeven, ny);
        for (size_t y = 0; y < ny; y++) {
            s->balance[i * ny + y] = layout_value(row, (size_t)s->m_balance, y, ny);
            s->slope[i * ny + y] = s->lever->slope(sc, theta, row, (int)y);
        }
        s->ok[i] = (uint8_t)sizing_met(s, row);
        s->met += s->ok[i];
    }
    return s->inner ? s->inner->block(s->inner->ctx, sc, b, e) : PHX_OK;
}

run_sink sizing_sink_of(sizing_sink *s)
{
    return (run_sink){ s, sizing_block };
}
