/* floor.h -- the floor kernel: a model_type that draws the variates the 腾笼换鸟 model draws and
 * streams through the arrays it streams through, in the same loops under the same engine, but
 * does none of its logic (no indicators, ranking, actions, exits, projects or accounts).
 * The model's time over the floor's is what its logic costs; the floor's own parallel efficiency
 * is the ceiling for the model's (bench/README.md). Header-only: included by bench programs.
 *
 * What the model does per replication-year (read from models/tlhn/ for this count) and what
 * the floor does instead, per firm i (n firms) unless said otherwise:
 *   draws   growth ε (ziggurat gaussian, economy.c) for every firm, exit (uniform, economy.c)
 *           for every firm, batched as the model draws them (engine/rng_batch.h; one stream
 *           at a time in a build from before issue 17, as the model then drew them);
 *           2 common shocks (address + ziggurat, tlhn.c and fund.c);
 *           per started action: action uniform + lag uniform_pos (rectify.c);
 *           per completed action: 0 to 3 beta effects + 0 to 2 uniforms (rectify.c; with the
 *           defaults and the lags, about 1.6 betas and 0.7 uniforms per start) -- the floor
 *           draws 1.5 betas and 1 uniform per start;
 *           per kind: 1 Poisson arrivals, then per arriving project 2 uniforms + 4 ziggurats
 *           (attract.c) -- the floor the same.
 *   arrays  reset: copy the 7 state columns from the base table, clear 2 double, 4 byte and 1
 *           int column; evaluation: gather the indicator inputs unit by unit through the unit
 *           order, write them to the indicator buffer, read them back, write score and rank
 *           items, write class; surcharge: read alive, kwh, class, above, write surcharge;
 *           candidates: read alive, rect, class, score, id rank, write items; completions:
 *           read rect; growth: read alive, read-write va, tax, energy, kwh, emissions; exits:
 *           read alive, rect, surcharge; record: read alive, above, va, tax, land, energy,
 *           employees; write the row and group row.
 * Left out, as logic: divisions, caps, exp/log, selection and sorting, actions' effects,
 * project queues (a few hundred projects: no memory traffic worth counting). */
#ifndef BENCH_FLOOR_H
#define BENCH_FLOOR_H

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "../engine/model.h"
#include "../engine/rng.h"
#include "../engine/scenario.h"
#include "../models/models.h"
#include "../models/tlhn/firms.h"

/* The model's purposes (models/tlhn/tlhn.h), so that the floor draws from the same addresses;
 * the cost of a draw does not depend on its address, but equal addresses make that obvious. */
enum {
    FLOOR_GROWTH = RNG_PURPOSE_MODEL, FLOOR_EXIT, FLOOR_COMMON, FLOOR_ACTION, FLOOR_LAG,
    FLOOR_UPGRADE, FLOOR_ESCALATE, FLOOR_LEAK, FLOOR_EFFECT_LAND, FLOOR_EFFECT_ENERGY,
    FLOOR_EFFECT_VA, FLOOR_PIPELINE, FLOOR_PROJECT
};
enum { FLOOR_N_CLASSES = 4, FLOOR_N_IND = 6, FLOOR_ACTIVE = 1 };

typedef struct floor_shared {
    tlhn_firms *firms;
    size_t n, n_units;
    uint32_t *unit_order;           /* firm indices grouped by (district, 规上/规下), as tlhn.c */
    size_t *unit_start;
    uint8_t *unit_above;
    unsigned classes_mask;          /* rectify.classes */
    /* parameter indices (model table order) of what the floor reads from theta */
    int p_share, p_quota, p_major, p_other, p_conc, p_cut, p_gain, p_rate_above_c,
        p_rate_above_d, p_rate_below_c, p_rate_below_d;
} floor_shared;

typedef struct floor_scratch {
    gsl_rng *r;
    double *va, *tax, *energy, *kwh, *land, *employees, *emissions, *score, *surcharge;
    uint8_t *alive, *rect, *action, *cls;
    int *due;
    struct floor_item { double key; uint32_t id_rank, firm; } *items;
    double *ind;
} floor_scratch;

static inline int floor_param(const scenario *sc, const char *key)
{
    int p = scenario_param(sc, key);
    assert(p >= 0);
    return p;
}

static inline void floor_shared_free(void *p)
{
    floor_shared *sh = p;
    if (sh == NULL)
        return;
    tlhn_firms_free(sh->firms);
    free(sh->unit_order);
    free(sh->unit_start);
    free(sh->unit_above);
    free(sh);
}

/* Units as the model builds them with evaluation.scope = district: (district, above) pairs. */
static inline void floor_units(floor_shared *sh)
{
    const tlhn_firms *f = sh->firms;
    sh->n_units = 2 * TLHN_N_DISTRICTS;
    sh->unit_start = phx_calloc(sh->n_units + 1, sizeof *sh->unit_start);
    sh->unit_above = phx_calloc(sh->n_units, sizeof *sh->unit_above);
    sh->unit_order = phx_malloc((f->n ? f->n : 1) * sizeof *sh->unit_order);
    size_t fill[2 * TLHN_N_DISTRICTS] = { 0 };
    for (size_t u = 0; u < sh->n_units; u++)
        sh->unit_above[u] = (uint8_t)(u & 1u);
    for (size_t i = 0; i < f->n; i++)
        sh->unit_start[2u * f->district[i] + (f->above_scale[i] != 0) + 1]++;
    for (size_t u = 0; u < sh->n_units; u++)
        sh->unit_start[u + 1] += sh->unit_start[u];
    for (size_t i = 0; i < f->n; i++) {
        size_t u = 2u * f->district[i] + (f->above_scale[i] != 0);
        sh->unit_order[sh->unit_start[u] + fill[u]++] = (uint32_t)i;
    }
}

static inline int floor_prepare(const scenario *sc, void **out, phx_err *e)
{
    floor_shared *sh = phx_calloc(1, sizeof *sh);
    sh->firms = tlhn_firms_load(sc, e);
    if (sh->firms == NULL) {
        free(sh);
        return e != NULL && e->status ? e->status : PHX_EINPUT;
    }
    sh->n = sh->firms->n;
    floor_units(sh);
    for (const char *c = scenario_text(sc, "rectify.classes"); *c; c++)
        if (*c >= 'A' && *c <= 'D')
            sh->classes_mask |= 1u << (*c - 'A');
    sh->p_share = floor_param(sc, "evaluation.share.A");   /* A..D are consecutive rows */
    sh->p_quota = floor_param(sc, "rectify.firms_per_year");
    sh->p_major = floor_param(sc, "attract.major_per_year");
    sh->p_other = floor_param(sc, "attract.other_per_year");
    sh->p_conc = floor_param(sc, "rectify.effect_concentration");
    sh->p_cut = floor_param(sc, "rectify.upgrade.energy_cut");
    sh->p_gain = floor_param(sc, "rectify.upgrade.va_gain");
    sh->p_rate_above_c = floor_param(sc, "evaluation.surcharge.above.C");
    sh->p_rate_above_d = floor_param(sc, "evaluation.surcharge.above.D");
    sh->p_rate_below_c = floor_param(sc, "evaluation.surcharge.below.C");
    sh->p_rate_below_d = floor_param(sc, "evaluation.surcharge.below.D");
    assert(floor_param(sc, "evaluation.share.D") == sh->p_share + 3);
    *out = sh;
    return PHX_OK;
}

static inline void floor_scratch_free(void *p)
{
    floor_scratch *s = p;
    if (s == NULL)
        return;
    gsl_rng_free(s->r);
    double *d[] = { s->va, s->tax, s->energy, s->kwh, s->land, s->employees, s->emissions,
                    s->score, s->surcharge, s->ind };
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++)
        free(d[k]);
    free(s->alive);
    free(s->rect);
    free(s->action);
    free(s->cls);
    free(s->due);
    free(s->items);
    free(s);
}

static inline void *floor_scratch_alloc(const void *shared)
{
    const floor_shared *sh = shared;
    size_t n = sh->n ? sh->n : 1;
    floor_scratch *s = phx_calloc(1, sizeof *s);
    s->r = gsl_rng_alloc(rng_philox);
    if (s->r == NULL)
        phx_malloc((size_t)-1);                  /* the library's one out-of-memory handler */
    double **d[] = { &s->va, &s->tax, &s->energy, &s->kwh, &s->land, &s->employees,
                     &s->emissions, &s->score, &s->surcharge };
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++)
        *d[k] = phx_calloc(n, sizeof(double));
    s->ind = phx_calloc(FLOOR_N_IND * n, sizeof(double));
    s->alive = phx_calloc(n, 1);
    s->rect = phx_calloc(n, 1);
    s->action = phx_calloc(n, 1);
    s->cls = phx_calloc(n, 1);
    s->due = phx_calloc(n, sizeof *s->due);
    s->items = phx_calloc(n, sizeof *s->items);
    return s;
}

/* The model's reset: state columns from the base table, the rest cleared. */
static inline void floor_reset(const floor_shared *sh, floor_scratch *s)
{
    const tlhn_firms *f = sh->firms;
    size_t nb = sh->n * sizeof(double);
    memcpy(s->va, f->value_added, nb);
    memcpy(s->tax, f->tax, nb);
    memcpy(s->energy, f->energy_tce, nb);
    memcpy(s->kwh, f->electricity_kwh, nb);
    memcpy(s->land, f->land_mu, nb);
    memcpy(s->employees, f->employees, nb);
    memcpy(s->emissions, f->emissions, nb);
    memset(s->score, 0, nb);
    memset(s->surcharge, 0, nb);
    memset(s->alive, 1, sh->n);
    memset(s->rect, 0, sh->n);
    memset(s->action, 0, sh->n);
    memset(s->cls, 0, sh->n);
    memset(s->due, 0, sh->n * sizeof *s->due);
}

/* Evaluation traffic of one unit: gather the inputs, write and reread the indicator buffer,
 * write score, items and class (by position: the class logic is a selection, left out). */
static inline void floor_unit(const floor_shared *sh, floor_scratch *s, const replication_ctx *rc,
                              size_t u)
{
    const uint32_t *idx = sh->unit_order + sh->unit_start[u];
    size_t m = sh->unit_start[u + 1] - sh->unit_start[u], n = 0;
    int above = sh->unit_above[u], nk = above ? FLOOR_N_IND : 2;
    const double *rd = sh->firms->rd_ratio;
    double *x = s->ind, sum[FLOOR_N_IND] = { 0 };
    for (size_t j = 0; j < m; j++) {
        size_t i = idx[j];
        if (!s->alive[i])
            continue;
        x[n] = s->tax[i] + s->land[i];
        if (above) {
            x[m + n] = s->va[i];
            x[2 * m + n] = s->energy[i];
            x[3 * m + n] = s->emissions[i];
            x[4 * m + n] = s->employees[i];
            x[5 * m + n] = rd[i];
        } else
            x[m + n] = s->kwh[i];
        for (int k = 0; k < nk; k++)
            sum[k] += x[(size_t)k * m + n];
        s->items[n++].firm = (uint32_t)i;
    }
    size_t bounds[FLOOR_N_CLASSES];
    double cum = 0;
    for (int c = 0; c < FLOOR_N_CLASSES; c++) {     /* §3.3 class sizes, cumulative rounding */
        cum += THETA(rc, sh->p_share + c);
        double b = (double)n * cum + 0.5;
        bounds[c] = c == FLOOR_N_CLASSES - 1 || b >= (double)n ? n : (size_t)b;
    }
    const uint32_t *id_rank = sh->firms->id_rank;
    for (size_t j = 0, c = 0; j < n; j++) {
        double score = 0;
        for (int k = 0; k < nk; k++)
            score += x[(size_t)k * m + j] + sum[k];
        uint32_t i = s->items[j].firm;
        s->score[i] = score;
        s->items[j] = (struct floor_item){ -score, id_rank[i], i };
        while (j >= bounds[c])
            c++;
        s->cls[i] = (uint8_t)c;
    }
}

static inline void floor_evaluate(const floor_shared *sh, floor_scratch *s,
                                  const replication_ctx *rc)
{
    for (size_t u = 0; u < sh->n_units; u++)
        floor_unit(sh, s, rc, u);
    double rate[2][FLOOR_N_CLASSES] = { { 0, 0, THETA(rc, sh->p_rate_below_c),
                                          THETA(rc, sh->p_rate_below_d) },
                                        { 0, 0, THETA(rc, sh->p_rate_above_c),
                                          THETA(rc, sh->p_rate_above_d) } };
    const uint8_t *above = sh->firms->above_scale;
    for (size_t i = 0; i < sh->n; i++)
        s->surcharge[i] = s->alive[i] ? rate[above[i] != 0][s->cls[i]] * s->kwh[i] : 0;
}

/* Candidates' traffic, then the draws of each start and of its completion. */
static inline double floor_actions(const floor_shared *sh, floor_scratch *s,
                                   const replication_ctx *rc, int y)
{
    uint32_t year = (uint32_t)(rc->year_first + y);
    size_t m = 0;
    for (size_t i = 0; i < sh->n; i++) {
        if (!s->alive[i] || s->rect[i] || !((sh->classes_mask >> s->cls[i]) & 1u))
            continue;
        s->items[m++] = (struct floor_item){ s->score[i], sh->firms->id_rank[i], (uint32_t)i };
    }
    double q = THETA_Y(rc, sh->p_quota, y) + 0.5, acc = 0;
    size_t quota = q >= 1 ? (size_t)q : 0, k = quota < m ? quota : m;
    double c = THETA(rc, sh->p_conc), cut = THETA(rc, sh->p_cut), gain = THETA(rc, sh->p_gain);
    for (size_t j = 0; j < k; j++) {
        uint32_t i = s->items[j].firm;
        rng_address(s->r, rc->seed, rc->replication, FLOOR_ACTION, i, year);
        acc += gsl_rng_uniform(s->r);
        rng_address(s->r, rc->seed, rc->replication, FLOOR_LAG, i, year);
        acc += gsl_rng_uniform_pos(s->r);
        s->rect[i] = FLOOR_ACTIVE;
        s->action[i] = 3;
        s->due[i] = y;
        rng_address(s->r, rc->seed, rc->replication, FLOOR_UPGRADE, i, year);
        acc += gsl_rng_uniform(s->r);
        rng_address(s->r, rc->seed, rc->replication, FLOOR_EFFECT_ENERGY, i, year);
        acc += gsl_ran_beta(s->r, cut * c, (1 - cut) * c);
        if (j % 2 == 0) {
            rng_address(s->r, rc->seed, rc->replication, FLOOR_EFFECT_VA, i, year);
            acc += gsl_ran_beta(s->r, gain * c, (1 - gain) * c);
        }
    }
    for (size_t i = 0; i < sh->n; i++)           /* the completion scan */
        if (s->rect[i] == FLOOR_ACTIVE)
            acc += s->due[i];
    return acc;
}

/* The project pipeline's draws, exactly as attract.c draws them (signed or not). */
static inline double floor_projects(const floor_shared *sh, floor_scratch *s,
                                    const replication_ctx *rc, int y)
{
    uint32_t year = (uint32_t)(rc->year_first + y);
    double acc = 0;
    for (int major = 1; major >= 0; major--) {
        double mean = THETA_Y(rc, major ? sh->p_major : sh->p_other, y);
        if (mean <= 0)
            continue;
        rng_address(s->r, rc->seed, rc->replication, FLOOR_PIPELINE, major ? 0 : 1, year);
        unsigned n = gsl_ran_poisson(s->r, mean);
        for (unsigned j = 0; j < n && j < (1u << 24); j++) {
            rng_address(s->r, rc->seed, rc->replication, FLOOR_PROJECT,
                        (major ? 0u : 1u << 24) | j, year);
            acc += gsl_rng_uniform(s->r) + gsl_ran_gaussian_ziggurat(s->r, 1.0);
            acc += gsl_rng_uniform(s->r) + gsl_ran_gaussian_ziggurat(s->r, 1.0);
            acc += gsl_ran_gaussian_ziggurat(s->r, 1.0) + gsl_ran_gaussian_ziggurat(s->r, 1.0);
        }
    }
    return acc;
}

/* Growth's draws and its read-write pass; exits' draws and their reads. Where the library has
 * batched streams (engine/rng_batch.h, issue 17) they are drawn as the model now draws them, a
 * chunk of firms at a time; otherwise one stream at a time, as the model drew them before. */
#if defined(__has_include)
#if __has_include("../engine/rng_batch.h")
#include "../engine/rng_batch.h"
#define FLOOR_BATCH 256
#endif
#endif
#ifdef FLOOR_BATCH
static inline double floor_economy(const floor_shared *sh, floor_scratch *s,
                                   const replication_ctx *rc, int y)
{
    uint32_t year = (uint32_t)(rc->year_first + y);
    rng_batch_addr g = { rc->seed, rc->replication, FLOOR_GROWTH, year };
    rng_batch_addr x = { rc->seed, rc->replication, FLOOR_EXIT, year };
    double eps[FLOOR_BATCH], u[FLOOR_BATCH], acc = 0;
    for (size_t at = 0; at < sh->n; at += FLOOR_BATCH) {
        size_t m = sh->n - at < FLOOR_BATCH ? sh->n - at : FLOOR_BATCH;
        rng_batch_gaussian_ziggurat(s->r, &g, (uint32_t)at, m, eps);
        for (size_t l = 0; l < m; l++) {
            size_t i = at + l;
            if (!s->alive[i])
                continue;
            double gr = 1 + 1e-9 * eps[l];
            s->va[i] *= gr;
            s->tax[i] *= gr;
            s->energy[i] *= gr;
            s->kwh[i] *= gr;
            s->emissions[i] *= gr;
        }
    }
    for (size_t at = 0; at < sh->n; at += FLOOR_BATCH) {
        size_t m = sh->n - at < FLOOR_BATCH ? sh->n - at : FLOOR_BATCH;
        rng_batch_uniform(&x, (uint32_t)at, m, u);
        for (size_t l = 0; l < m; l++) {
            size_t i = at + l;
            if (s->alive[i] && s->rect[i] != FLOOR_ACTIVE)
                acc += u[l] + s->surcharge[i];
        }
    }
    return acc;
}
#else
static inline double floor_economy(const floor_shared *sh, floor_scratch *s,
                                   const replication_ctx *rc, int y)
{
    uint32_t year = (uint32_t)(rc->year_first + y);
    double acc = 0;
    for (size_t i = 0; i < sh->n; i++) {
        if (!s->alive[i])
            continue;
        rng_address(s->r, rc->seed, rc->replication, FLOOR_GROWTH, (uint32_t)i, year);
        double g = 1 + 1e-9 * gsl_ran_gaussian_ziggurat(s->r, 1.0);
        s->va[i] *= g;
        s->tax[i] *= g;
        s->energy[i] *= g;
        s->kwh[i] *= g;
        s->emissions[i] *= g;
    }
    for (size_t i = 0; i < sh->n; i++) {
        if (!s->alive[i] || s->rect[i] == FLOOR_ACTIVE)
            continue;
        rng_address(s->r, rc->seed, rc->replication, FLOOR_EXIT, (uint32_t)i, year);
        acc += gsl_rng_uniform(s->r) + s->surcharge[i];
    }
    return acc;
}
#endif

static inline void floor_record(const floor_shared *sh, const floor_scratch *s,
                                const replication_ctx *rc, int y, double acc, double *row,
                                double *group_row)
{
    double t[5] = { 0 };
    const uint8_t *above = sh->firms->above_scale;
    for (size_t i = 0; i < sh->n; i++)
        if (s->alive[i] && above[i]) {
            t[0] += s->va[i];
            t[1] += s->tax[i];
            t[2] += s->land[i];
            t[3] += s->energy[i];
            t[4] += s->employees[i];
        }
    size_t ny = (size_t)rc->n_years, ng = model_tlhn.n_groups;
    size_t ngm = model_n_group_metrics(&model_tlhn);
    for (size_t m = 0; m < model_tlhn.n_metrics; m++)
        row[m * ny + (size_t)y] = m < 5 ? t[m] : acc;
    for (size_t m = 0; m < ngm; m++)
        for (size_t d = 0; d < ng; d++)
            group_row[(m * ny + (size_t)y) * ng + d] = acc;
}

static inline int floor_simulate(const void *shared, void *scratch, const replication_ctx *rc,
                                 double *row, double *group_row)
{
    const floor_shared *sh = shared;
    floor_scratch *s = scratch;
    floor_reset(sh, s);
    for (int y = 0; y < rc->n_years; y++) {
        uint32_t year = (uint32_t)(rc->year_first + y);
        double acc = 0;
        rng_address(s->r, rc->seed, rc->replication, FLOOR_COMMON, 0, year);
        acc += gsl_ran_gaussian_ziggurat(s->r, 1.0);
        rng_address(s->r, rc->seed, rc->replication, FLOOR_COMMON, 1, year);
        acc += gsl_ran_gaussian_ziggurat(s->r, 1.0);
        floor_evaluate(sh, s, rc);
        acc += floor_actions(sh, s, rc, y);
        acc += floor_projects(sh, s, rc, y);
        acc += floor_economy(sh, s, rc, y);
        floor_record(sh, s, rc, y, acc, row, group_row);
    }
    return PHX_OK;
}

/* The floor as a model: the 腾笼换鸟 model's tables (so that the plan scenario loads and the
 * rows have its shape) with the floor's functions. */
static inline model_type floor_model(void)
{
    model_type m = model_tlhn;
    m.name = "floor";
    m.description = "benchmark floor: the tlhn model's draws and memory traffic, no logic";
    m.prepare = floor_prepare;
    m.shared_free = floor_shared_free;
    m.scratch_alloc = floor_scratch_alloc;
    m.scratch_free = floor_scratch_free;
    m.simulate = floor_simulate;
    return m;
}

#endif
