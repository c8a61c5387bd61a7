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
static inline void grow(tlhn_scratch *s, size_t i, double g, double eff)
{
    double ge = g * eff;
    s->va[i] *= g;
    s->tax[i] *= g;
    s->energy[i] *= ge;
    s->kwh[i] *= ge;
    s->emissions[i] *= ge;
}

/* §6.2: an operating firm not in rectification exits with hazard h0 + hs x its surcharge
 * (per 10 万元), on its own uniform u; its land becomes idle (闲置工业用地). */
static inline void maybe_exit(tlhn_scratch *s, size_t i, int district, double h0, double hs,
                              double u)
{
    double h = h0 + hs * s->surcharge[i] / 10;
    if (s->rect[i] == RECT_ACTIVE || h <= 0 || (h < 1 && u >= h))
        return;
    s->alive[i] = 0;
    s->idle[district] += s->land[i];
    s->cum[M_FIRMS_CLOSED] += 1;
    s->cum[M_ENERGY_CLOSED] += s->energy[i];      /* counted apart from policy */
}

/* The 规上 totals of the operating firms at the end of the year, for record() (tlhn.c). */
static inline void add_totals(tlhn_scratch *s, const double *employees, size_t i)
{
    s->op_va += s->va[i];
    s->op_tax += s->tax[i];
    s->op_land += s->land[i];
    s->op_energy += s->energy[i];
    s->op_employees += employees[i];
}

/* One pass over the firms in table order: each operating firm grows (§6.1), may exit (§6.2),
 * and if it still operates and is 规上, counts in the year's totals. Fused because at 1M firms
 * every pass streams the columns from memory (bench/README.md, issue 17); firm by firm the
 * steps read what the separate passes read, and every sum keeps table order, so the results
 * are the very bits of three passes. ε_it and the exit uniform come from each firm's own
 * (growth | exit, firm, year) stream, a chunk of firms at a time (engine/rng_batch.h). */
static void firms_pass(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, int y,
                       double common)
{
    uint32_t year = (uint32_t)(rc->year_first + y);
    double sf = THETA(rc, P_ECON_SIGMA_FIRM), eff = 1 - THETA(rc, P_ECON_AUTONOMOUS_EFFICIENCY);
    double h0 = THETA(rc, P_ECON_EXIT_HAZARD), hs = THETA(rc, P_ECON_SURCHARGE_HAZARD);
    const uint8_t *district = sh->firms->district, *above = sh->firms->above_scale;
    rng_batch_addr ag = { rc->seed, rc->replication, RNG_TLHN_GROWTH, year };
    rng_batch_addr ax = { rc->seed, rc->replication, RNG_TLHN_EXIT, year };
    double eps[ECON_CHUNK] = { 0 }, u[ECON_CHUNK];
    s->op_va = s->op_tax = s->op_land = s->op_energy = s->op_employees = 0;
    for (size_t at = 0; at < s->n; at += ECON_CHUNK) {
        size_t m = s->n - at < ECON_CHUNK ? s->n - at : ECON_CHUNK;
        if (sf > 0)
            rng_batch_gaussian_ziggurat(s->r, &ag, (uint32_t)at, m, eps);
        rng_batch_uniform(&ax, (uint32_t)at, m, u);
        for (size_t l = 0; l < m; l++) {
            size_t i = at + l;
            if (!s->alive[i])
                continue;
            grow(s, i, exp(common + sf * eps[l]), eff);
            maybe_exit(s, i, district[i], h0, hs, u[l]);
            if (s->alive[i] && above[i])
                add_totals(s, sh->firms->employees, i);
        }
    }
}

/* task 6: 对全市闲置工业用地依法依规加快处置 -- a deterministic share of the idle stock (§4.6). */
static void recover_idle(tlhn_scratch *s, const replication_ctx *rc)
{
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

void tlhn_economy_year(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, int y)
{
    double common = THETA(rc, P_ECON_GROWTH) + THETA(rc, P_ECON_SIGMA_COMMON) * s->z_common;
    firms_pass(sh, s, rc, y, common);
    /* §4.5: absorbed output grows at the economy's rate from the year after it was absorbed */
    double g = exp(common);
    s->absorbed_va = s->absorbed_va * g + s->absorbed_new_va;
    s->absorbed_tax = s->absorbed_tax * g + s->absorbed_new_tax;
    s->absorbed_new_va = s->absorbed_new_tax = 0;
    recover_idle(s, rc);
}

void tlhn_reserve_enter(tlhn_scratch *s, const replication_ctx *rc, double mu)
{
    /* §4.7 a share is converted to non-industrial use (task 6: 生态复垦、转型发展) */
    double conv = THETA(rc, P_LAND_CONVERSION_SHARE) * mu;
    s->cum[M_LAND_CONVERTED] += conv;
    s->reserve_entering += mu - conv;
}
