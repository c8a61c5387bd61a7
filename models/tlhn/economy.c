/* economy.c -- everything else that moves (docs/model.md §6): growth with a common shock,
 * autonomous efficiency, natural exits with the surcharge hazard; idle land (§4.6) and the entry
 * of land into the reserve (§4.7). */
#include "tlhn.h"

#include <math.h>
#include <gsl/gsl_randist.h>
#include "../../engine/rng_batch.h"

#define ECON_CHUNK 256             /* firms per batch of draws */

/* §6.1: VA grows by exp(μ + σ_c Z_t + σ_i ε_it) − 1; tax keeps its share of VA; energy intensity
 * falls by the autonomous efficiency gain (electricity and emissions follow energy [ours]). */
void tlhn_economy_grow(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, int y)
{
    (void)sh;
    int year = rc->year_first + y;
    double mu = THETA(rc, P_ECON_GROWTH), sc = THETA(rc, P_ECON_SIGMA_COMMON);
    double sf = THETA(rc, P_ECON_SIGMA_FIRM), eff = 1 - THETA(rc, P_ECON_AUTONOMOUS_EFFICIENCY);
    double common = mu + sc * s->z_common;
    /* ε_it from each firm's own (growth, firm, year) stream, rectified or not: drawn for a
     * chunk of firms at once (engine/rng_batch.h, the same numbers as one stream at a time) */
    rng_batch_addr ad = { rc->seed, rc->replication, RNG_TLHN_GROWTH, (uint32_t)year };
    double eps[ECON_CHUNK] = { 0 };
    for (size_t at = 0; at < s->n; at += ECON_CHUNK) {
        size_t m = s->n - at < ECON_CHUNK ? s->n - at : ECON_CHUNK;
        if (sf > 0)
            rng_batch_gaussian_ziggurat(s->r, &ad, (uint32_t)at, m, eps);
        for (size_t l = 0; l < m; l++) {
            size_t i = at + l;
            if (!s->alive[i])
                continue;
            double g = exp(common + sf * eps[l]), ge = g * eff;
            s->va[i] *= g;
            s->tax[i] *= g;
            s->energy[i] *= ge;
            s->kwh[i] *= ge;
            s->emissions[i] *= ge;
        }
    }
    /* §4.5: absorbed output grows at the economy's rate from the year after it was absorbed */
    double g = exp(common);
    s->absorbed_va = s->absorbed_va * g + s->absorbed_new_va;
    s->absorbed_tax = s->absorbed_tax * g + s->absorbed_new_tax;
    s->absorbed_new_va = s->absorbed_new_tax = 0;
}

void tlhn_reserve_enter(tlhn_scratch *s, const replication_ctx *rc, double mu)
{
    /* §4.7 a share is converted to non-industrial use (task 6: 生态复垦、转型发展) */
    double conv = THETA(rc, P_LAND_CONVERSION_SHARE) * mu;
    s->cum[M_LAND_CONVERTED] += conv;
    s->reserve_entering += mu - conv;
}

/* §6.2 natural exits of operating firms not in rectification, then §4.6 idle-land recovery. */
void tlhn_economy_exits(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, int y)
{
    int year = rc->year_first + y;
    double h0 = THETA(rc, P_ECON_EXIT_HAZARD), hs = THETA(rc, P_ECON_SURCHARGE_HAZARD);
    const uint8_t *district = sh->firms->district;
    rng_batch_addr ad = { rc->seed, rc->replication, RNG_TLHN_EXIT, (uint32_t)year };
    double u[ECON_CHUNK];
    for (size_t at = 0; at < s->n; at += ECON_CHUNK) {
        size_t m = s->n - at < ECON_CHUNK ? s->n - at : ECON_CHUNK;
        rng_batch_uniform(&ad, (uint32_t)at, m, u);   /* each firm's (exit, firm, year) draw */
        for (size_t l = 0; l < m; l++) {
            size_t i = at + l;
            if (!s->alive[i] || s->rect[i] == RECT_ACTIVE)
                continue;
            double h = h0 + hs * s->surcharge[i] / 10;   /* per 10 万元 of surcharge */
            if (h <= 0 || (h < 1 && u[l] >= h))
                continue;
            s->alive[i] = 0;
            s->idle[district[i]] += s->land[i];           /* 闲置工业用地 */
            s->cum[M_FIRMS_CLOSED] += 1;
            s->cum[M_ENERGY_CLOSED] += s->energy[i];      /* counted apart from policy */
        }
    }
    /* task 6: 对全市闲置工业用地依法依规加快处置 -- a deterministic share of the stock */
    double r = THETA(rc, P_LAND_IDLE_RECOVERY);
    for (int d = 0; d < TLHN_N_DISTRICTS; d++) {
        double rec = r * s->idle[d];
        if (rec <= 0)
            continue;
        s->idle[d] -= rec;
        tlhn_add(s, M_LAND_IDLE_RECOVERED, d, rec);
        tlhn_add(s, M_LAND_REVITALIZED, d, rec);
        tlhn_reserve_enter(s, rc, rec);
    }
}
