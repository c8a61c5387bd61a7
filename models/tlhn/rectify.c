/* rectify.c -- 整治 of 高耗低效 firms (docs/model.md §4.1-§4.5): candidates, priority, quota, action
 * mix, completion lags, upgrade failure and escalation, per-firm effects, leakage.
 * 杭政函〔2021〕92号 task 2: 整体腾退、兼并重组、搬迁入园、改造提升, 一企一策, 达标销号. */
#include "tlhn.h"

#include <math.h>
#include <gsl/gsl_randist.h>

double tlhn_share_draw(gsl_rng *r, double m, double c)
{
    if (c <= 0 || m <= 0 || m >= 1)
        return m;
    return gsl_ran_beta(r, m * c, (1 - m) * c);
}

double tlhn_action_cost(const tlhn_scratch *s, const replication_ctx *rc, size_t i, int action)
{
    switch (action) {
    case ACT_EXIT:
    case ACT_ESCALATED_EXIT:        /* §7 buy-back of the whole site */
        return THETA(rc, P_FUND_BUYBACK_PRICE) * s->land[i];
    case ACT_RELOCATE:              /* §7 relocation subsidy per mu of the old site */
        return THETA(rc, P_RECT_RELOCATE_SUBSIDY) * s->land[i];
    case ACT_UPGRADE:               /* §7 subsidy share of the investment, investment ∝ VA */
        return THETA(rc, P_RECT_UPGRADE_SUBSIDY_SHARE) *
               THETA(rc, P_RECT_UPGRADE_INVESTMENT_PER_VA) * s->va[i];
    default:
        return 0;                   /* a merger is paid by the acquirer */
    }
}

/* §4.3: the action of firm i starting in `year`, from its class's mix. */
static int draw_action(const tlhn_scratch *s, const replication_ctx *rc, size_t i, int year)
{
    int c = s->cls[i];
    rng_address(s->r, rc->seed, rc->replication, RNG_TLHN_ACTION, (uint32_t)i, (uint32_t)year);
    double u = gsl_rng_uniform(s->r), cum = 0;
    int last = ACT_UPGRADE;
    for (int a = 0; a < N_ACTIONS; a++) {
        double p = THETA(rc, P_RECT_MIX_A_EXIT + N_ACTIONS * c + a);
        if (p <= 0)
            continue;
        cum += p;
        last = a;
        if (u < cum)
            return a;
    }
    return last;                    /* u beyond a sum that rounding left just below 1 */
}

/* §4.4: lag k >= 0 with P(k = 0) = p, geometric: P(k >= j) = (1 - p)^j. */
static int draw_lag(const tlhn_scratch *s, const replication_ctx *rc, size_t i, int year)
{
    double p = THETA(rc, P_RECT_P_COMPLETE);
    if (p >= 1)
        return 0;
    if (p <= 0)
        return rc->n_years + 1;                    /* never within the horizon */
    rng_address(s->r, rc->seed, rc->replication, RNG_TLHN_LAG, (uint32_t)i, (uint32_t)year);
    double k = floor(log(gsl_rng_uniform_pos(s->r)) / log1p(-p));
    return k > rc->n_years ? rc->n_years + 1 : (int)k;
}

/* Start firm i's action: costs are committed to the fund when an action starts (§6.4 step 2). */
static void start(tlhn_scratch *s, size_t i, int action, int due, double cost)
{
    s->rect[i] = RECT_ACTIVE;
    s->active[i / 64] |= (uint64_t)1 << (i % 64);
    s->action[i] = (uint8_t)action;
    s->due[i] = due;
    s->cum[M_FIRMS_STARTED] += 1;
    tlhn_fund_out(s, cost);
}

/* §4.1 candidates into s->items with the priority key (ascending; ties by id): operating, in
 * rectify.classes, not rectified or in progress, optionally 高耗. Every firm's item is written
 * and kept only if it qualifies (no unpredictable branch); returns how many. */
static size_t candidates(const tlhn_shared *sh, tlhn_scratch *s, double min_ei)
{
    const uint32_t *id_rank = sh->firms->id_rank;
    unsigned mask = sh->classes_mask;
    int prio = sh->priority, filter = min_ei > 0;
    size_t m = 0;
    for (size_t i = 0; i < s->n; i++) {
        double key = prio == PRIORITY_ENERGY       ? -s->energy[i]            /* largest first */
                     : prio == PRIORITY_TAX_PER_MU ? s->tax[i] / s->land[i]   /* lowest first */
                                                   : s->score[i];             /* lowest first */
        int ok = s->alive[i] & (s->rect[i] == RECT_NONE) & (int)((mask >> s->cls[i]) & 1u);
        ok &= !filter | (s->energy[i] > min_ei * s->va[i]);   /* energy / VA > threshold */
        s->items[m] = (tlhn_rank_item){ key, id_rank[i], (uint32_t)i };
        m += (size_t)ok;
    }
    return m;
}

void tlhn_rectify_start(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, int y)
{
    int year = rc->year_first + y;
    double q = floor(THETA_Y(rc, P_RECT_FIRMS_PER_YEAR, y) + 0.5);
    size_t quota = q > 0 ? (size_t)q : 0;
    double min_ei = THETA(rc, P_RECT_MIN_ENERGY_INTENSITY);
    size_t m = candidates(sh, s, min_ei);
    if (quota > m)                       /* issue 13: the quota binds (too few candidates) */
        s->cum[M_QUOTA_UNFILLED] += (double)(quota - m);
    if (!sh->fund_constrained) {
        /* §4.2: the first `quota` in priority order start, in that order (so the fund's sums
         * are the very sums of a constrained run with money to spare) */
        size_t k = tlhn_rank_first(s->items, m, quota, 0, s->rank_work);
        for (size_t j = 0; j < k; j++) {
            size_t i = s->items[j].firm;
            int a = draw_action(s, rc, i, year);
            start(s, i, a, y + draw_lag(s, rc, i, year), tlhn_action_cost(s, rc, i, a));
        }
        return;
    }
    /* §7 fund.constrained = on: in priority order, an action that costs more than the balance
     * waits (the firm stays a candidate); the next candidate is considered. */
    size_t started = 0, done = 0, chunk = 2 * quota + 64;
    while (started < quota && done < m) {
        /* the next `chunk` in priority order, sorted, the rest kept: no full sort */
        size_t k = tlhn_rank_first(s->items + done, m - done, chunk, 1, s->rank_work);
        for (size_t j = done; j < done + k && started < quota; j++) {
            size_t i = s->items[j].firm;
            int a = draw_action(s, rc, i, year);
            double cost = tlhn_action_cost(s, rc, i, a);
            if (cost > 0 && cost > s->fund_balance)
                continue;
            start(s, i, a, y + draw_lag(s, rc, i, year), cost);
            started++;
        }
        done += k;
        chunk *= 2;
    }
    s->cum[M_QUOTA_UNFUNDED] += (double)((quota < m ? quota : m) - started);   /* the fund binds */
}

/* ---- completion (§4.4, §4.5) ------------------------------------------------------------------- */

static double effect(const tlhn_scratch *s, const replication_ctx *rc, size_t i, int year,
                     uint32_t purpose, int param)
{
    rng_address(s->r, rc->seed, rc->replication, purpose, (uint32_t)i, (uint32_t)year);
    return tlhn_share_draw(s->r, THETA(rc, param), THETA(rc, P_RECT_EFFECT_CONCENTRATION));
}

static int draw_event(const tlhn_scratch *s, const replication_ctx *rc, size_t i, int year,
                      uint32_t purpose, double p)
{
    if (p <= 0)
        return 0;
    if (p >= 1)
        return 1;
    rng_address(s->r, rc->seed, rc->replication, purpose, (uint32_t)i, (uint32_t)year);
    return gsl_rng_uniform(s->r) < p;
}

/* Land released from firm i's site: revitalised, and into the reserve (§4.7). */
static void release_land(tlhn_scratch *s, const replication_ctx *rc, int d, double mu)
{
    tlhn_add(s, M_LAND_RELEASED, d, mu);
    tlhn_add(s, M_LAND_REVITALIZED, d, mu);
    tlhn_reserve_enter(s, rc, mu);
}

/* Cut firm i's energy by the share `cut` (electricity and emissions in proportion): freed. */
static double cut_energy(tlhn_scratch *s, const replication_ctx *rc, size_t i, int d, double cut)
{
    double freed = cut * s->energy[i];
    s->energy[i] -= freed;
    s->kwh[i] *= 1 - cut;
    s->emissions[i] *= 1 - cut;
    tlhn_add(s, M_ENERGY_FREED, d, freed);
    tlhn_add(s, M_CARBON_REDUCED, d, THETA(rc, P_CARBON_TCO2_PER_TCE) * freed);
    return freed;
}

static void gain_va(tlhn_scratch *s, size_t i, double gain)
{
    s->va[i] *= 1 + gain;
    s->tax[i] *= 1 + gain;          /* tax keeps its share of VA */
}

static void complete_exit(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc,
                          size_t i, int year)
{
    int d = sh->firms->district[i];
    release_land(s, rc, d, s->land[i]);
    double retained = effect(s, rc, i, year, RNG_TLHN_EFFECT_VA, P_RECT_EXIT_OUTPUT_RETAINED);
    s->absorbed_new_va += retained * s->va[i];   /* other local 规上 firms take over orders */
    s->absorbed_new_tax += retained * s->tax[i];
    double freed = cut_energy(s, rc, i, d, 1.0);
    if (draw_event(s, rc, i, year, RNG_TLHN_LEAK, THETA(rc, P_RECT_EXIT_P_LEAK)))
        tlhn_add(s, M_CARBON_LEAKED, d, THETA(rc, P_CARBON_TCO2_PER_TCE) * freed);
    tlhn_add(s, M_FIRMS_EXITED, d, 1);
    s->alive[i] = 0;
}

static void complete_merge(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc,
                           size_t i, int year)
{
    int d = sh->firms->district[i];
    double share = effect(s, rc, i, year, RNG_TLHN_EFFECT_LAND, P_RECT_MERGE_LAND_SHARE);
    double released = share * s->land[i];
    if (share >= 1)
        released = 0.999 * s->land[i];    /* the merged plant keeps some land (land > 0, §1) */
    s->land[i] -= released;
    release_land(s, rc, d, released);
    cut_energy(s, rc, i, d, effect(s, rc, i, year, RNG_TLHN_EFFECT_ENERGY,
                                   P_RECT_MERGE_ENERGY_CUT));
    gain_va(s, i, effect(s, rc, i, year, RNG_TLHN_EFFECT_VA, P_RECT_MERGE_VA_GAIN));
    tlhn_add(s, M_FIRMS_MERGED, d, 1);
}

static void complete_relocate(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc,
                              size_t i, int year)
{
    int d = sh->firms->district[i];
    double density = effect(s, rc, i, year, RNG_TLHN_EFFECT_LAND, P_RECT_RELOCATE_DENSITY);
    double old = s->land[i], park = density * old;
    if (park < 1e-3 * old)
        park = 1e-3 * old;                /* a plant needs some land (land > 0, §1) */
    release_land(s, rc, d, old);          /* the whole old site (task 5: 搬迁入园) */
    tlhn_add(s, M_PARK_LAND_USED, d, park);
    s->land[i] = park;
    cut_energy(s, rc, i, d, effect(s, rc, i, year, RNG_TLHN_EFFECT_ENERGY,
                                   P_RECT_RELOCATE_ENERGY_CUT));
    gain_va(s, i, effect(s, rc, i, year, RNG_TLHN_EFFECT_VA, P_RECT_RELOCATE_VA_GAIN));
    tlhn_add(s, M_FIRMS_RELOCATED, d, 1);
}

/* An upgrade that succeeds takes effect; one that fails is escalated to exit next year
 * (逾期未整改…依法处置) or returns the firm to the pool. Returns 1 if the action is done. */
static int complete_upgrade(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc,
                            size_t i, int y)
{
    int year = rc->year_first + y, d = sh->firms->district[i];
    if (draw_event(s, rc, i, year, RNG_TLHN_UPGRADE, THETA(rc, P_RECT_UPGRADE_P_SUCCESS))) {
        cut_energy(s, rc, i, d, effect(s, rc, i, year, RNG_TLHN_EFFECT_ENERGY,
                                       P_RECT_UPGRADE_ENERGY_CUT));
        gain_va(s, i, effect(s, rc, i, year, RNG_TLHN_EFFECT_VA, P_RECT_UPGRADE_VA_GAIN));
        tlhn_add(s, M_FIRMS_UPGRADED, d, 1);
        return 1;
    }
    s->cum[M_UPGRADES_FAILED] += 1;
    if (draw_event(s, rc, i, year, RNG_TLHN_ESCALATE, THETA(rc, P_RECT_P_ESCALATE))) {
        double cost = tlhn_action_cost(s, rc, i, ACT_ESCALATED_EXIT);
        if (!sh->fund_constrained || cost <= 0 || cost <= s->fund_balance) {
            s->action[i] = ACT_ESCALATED_EXIT;
            s->due[i] = y + 1;            /* no further lag draw */
            s->cum[M_FIRMS_ESCALATED] += 1;
            tlhn_fund_out(s, cost);
            return 0;
        }
    }
    s->rect[i] = RECT_NONE;               /* back to the candidate pool */
    return 0;
}

/* Firm i's action completes in year index y (§4.4-§4.5); returns 1 if it is still active. */
static int complete(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, size_t i,
                    int y)
{
    int year = rc->year_first + y, done = 1;
    switch (s->action[i]) {
    case ACT_EXIT:
    case ACT_ESCALATED_EXIT: complete_exit(sh, s, rc, i, year); break;
    case ACT_MERGE: complete_merge(sh, s, rc, i, year); break;
    case ACT_RELOCATE: complete_relocate(sh, s, rc, i, year); break;
    default: done = complete_upgrade(sh, s, rc, i, y); break;
    }
    if (done) {
        s->rect[i] = RECT_DONE;           /* 达标销号: never a candidate again */
        tlhn_add(s, M_FIRMS_RECTIFIED, sh->firms->district[i], 1);
    }
    return s->rect[i] == RECT_ACTIVE;     /* escalated to exit next year */
}

/* The actions due in year index y complete in ascending firm order (which fixes the order of
 * every sum they add to). The active firms are bits of s->active (set by start()), read word by
 * word in ascending order, rather than found by a scan of every firm's state: at 1M firms that
 * scan streams from memory for a few hundred firms (issue 17). */
void tlhn_rectify_complete(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc,
                           int y)
{
    for (size_t w = 0; w < (s->n + 63) / 64; w++) {
        for (uint64_t bits = s->active[w]; bits != 0; bits &= bits - 1) {
            size_t i = 64 * w + (size_t)__builtin_ctzll(bits);
            if (s->due[i] == y && !complete(sh, s, rc, i, y))
                s->active[w] &= ~((uint64_t)1 << (i % 64));
        }
    }
}
