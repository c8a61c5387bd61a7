/* tlhn.h -- internals of the 腾笼换鸟 model: parameter and metric indices, the shared data, the
 * per-thread scratch and the yearly steps (model-spec §3-§8). Only models/tlhn/ includes it. */
#ifndef TLHN_TLHN_H
#define TLHN_TLHN_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "../../engine/model.h"
#include "../../engine/rng.h"
#include "firms.h"

/* Rows of the parameter table, in table order. tlhn.c fills the table with designated
 * initialisers ([P_x] = {...}), so row P_x is parameter P_x by construction; prepare() also
 * checks that no row was left empty. The population.* rows of firms.h follow P_COUNT. */
enum {
    /* §3 亩均论英雄 evaluation */
    P_EVAL_SCOPE, P_EVAL_CAP, P_EVAL_BENCHMARK_FACTOR,
    P_EVAL_SHARE_A, P_EVAL_SHARE_B, P_EVAL_SHARE_C, P_EVAL_SHARE_D,
    P_EVAL_SURCHARGE_ABOVE_C, P_EVAL_SURCHARGE_ABOVE_D,
    P_EVAL_SURCHARGE_BELOW_C, P_EVAL_SURCHARGE_BELOW_D,
    P_EVAL_SURCHARGE_CAP, P_EVAL_SURCHARGE_MIN_KWH,
    /* §4 整治 */
    P_RECT_CLASSES, P_RECT_PRIORITY, P_RECT_MIN_ENERGY_INTENSITY, P_RECT_FIRMS_PER_YEAR,
    P_RECT_MIX_A_EXIT, P_RECT_MIX_A_MERGE, P_RECT_MIX_A_RELOCATE, P_RECT_MIX_A_UPGRADE,
    P_RECT_MIX_B_EXIT, P_RECT_MIX_B_MERGE, P_RECT_MIX_B_RELOCATE, P_RECT_MIX_B_UPGRADE,
    P_RECT_MIX_C_EXIT, P_RECT_MIX_C_MERGE, P_RECT_MIX_C_RELOCATE, P_RECT_MIX_C_UPGRADE,
    P_RECT_MIX_D_EXIT, P_RECT_MIX_D_MERGE, P_RECT_MIX_D_RELOCATE, P_RECT_MIX_D_UPGRADE,
    P_RECT_P_COMPLETE, P_RECT_UPGRADE_P_SUCCESS, P_RECT_P_ESCALATE, P_RECT_EFFECT_CONCENTRATION,
    P_RECT_EXIT_OUTPUT_RETAINED, P_RECT_EXIT_P_LEAK,
    P_RECT_MERGE_LAND_SHARE, P_RECT_MERGE_ENERGY_CUT, P_RECT_MERGE_VA_GAIN,
    P_RECT_RELOCATE_DENSITY, P_RECT_RELOCATE_ENERGY_CUT, P_RECT_RELOCATE_VA_GAIN,
    P_RECT_RELOCATE_SUBSIDY,
    P_RECT_UPGRADE_ENERGY_CUT, P_RECT_UPGRADE_VA_GAIN, P_RECT_UPGRADE_SUBSIDY_SHARE,
    P_RECT_UPGRADE_INVESTMENT_PER_VA,
    /* §6 economy and carbon */
    P_ECON_GROWTH, P_ECON_SIGMA_COMMON, P_ECON_SIGMA_FIRM, P_ECON_AUTONOMOUS_EFFICIENCY,
    P_ECON_EXIT_HAZARD, P_ECON_SURCHARGE_HAZARD,
    P_CARBON_TCO2_PER_TCE,
    /* §4.6, §4.7, §5.3 land */
    P_LAND_IDLE_RECOVERY, P_LAND_CONVERSION_SHARE, P_LAND_NEW_SUPPLY_PER_YEAR, P_LAND_INITIAL_RESERVE,
    /* §5 招引 */
    P_ATTR_MAJOR_PER_YEAR, P_ATTR_OTHER_PER_YEAR, P_ATTR_LANDING_RATE,
    P_ATTR_MAJOR_EXCESS_MEDIAN, P_ATTR_MAJOR_EXCESS_SIGMA, P_ATTR_OTHER_MEDIAN, P_ATTR_OTHER_SIGMA,
    P_ATTR_INTENSITY, P_ATTR_MAX_WAIT, P_ATTR_ENERGY_OFFSET, P_ATTR_OFFSET_RATIO,
    P_ATTR_BUILD_YEARS, P_ATTR_VA_PER_MU, P_ATTR_VA_PER_MU_SIGMA, P_ATTR_TAX_PER_MU,
    P_ATTR_TAX_PER_MU_SIGMA, P_ATTR_ENERGY_INTENSITY, P_ATTR_ENERGY_INTENSITY_SIGMA,
    P_ATTR_ENERGY_INTENSITY_MAX, P_ATTR_VA_PER_EMPLOYEE, P_ATTR_COMMIT_TAX_PER_MU,
    P_ATTR_P_ENFORCE,
    /* §7 fund */
    P_FUND_CONTRIBUTION_RATE, P_FUND_LAND_REVENUE, P_FUND_LAND_REVENUE_SIGMA,
    P_FUND_REVENUE_SHOCK_CORR, P_FUND_LAND_PRICE, P_FUND_INITIAL_CAPITAL, P_FUND_BUYBACK_PRICE,
    P_FUND_OTHER_SHARE, P_FUND_CONSTRAINED,
    P_COUNT
};

/* Rows of the metric table. The METRIC_BY_GROUP metrics come first, so that the g-th group
 * metric of model.h's layout is metric g (M_N_GROUP of them); tlhn.c asserts this. */
enum {
    /* cumulative, also per district */
    M_FIRMS_RECTIFIED, M_FIRMS_EXITED, M_FIRMS_MERGED, M_FIRMS_RELOCATED, M_FIRMS_UPGRADED,
    M_LAND_RELEASED, M_LAND_IDLE_RECOVERED, M_LAND_REVITALIZED, M_PARK_LAND_USED,
    M_ENERGY_FREED, M_CARBON_REDUCED, M_CARBON_LEAKED,
    M_N_GROUP,
    /* cumulative, city-wide */
    M_LAND_REUSED = M_N_GROUP, M_LAND_NEW_SUPPLY, M_ENERGY_NEW,
    M_PROJECTS_LANDED, M_PROJECTS_MAJOR_LANDED, M_INVESTMENT_LANDED, M_INVESTMENT_COMPLETED,
    M_FUND_INFLOW, M_FUND_OUTFLOW,
    /* cumulative, ours (docs/model.md) */
    M_FIRMS_STARTED, M_UPGRADES_FAILED, M_FIRMS_ESCALATED, M_FIRMS_CLOSED, M_ENERGY_CLOSED,
    M_LAND_RECLAIMED, M_LAND_CONVERTED, M_PROJECTS_LOST, M_PROJECTS_BREACHED, M_SURCHARGE_PAID,
    M_LAND_REVENUE,
    /* state at year end */
    M_FUND_BALANCE, M_FUND_MIN_BALANCE, M_FUND_BREAKEVEN_RATE, M_FUND_BREAKEVEN_CAPITAL,
    M_VA_TOTAL, M_TAX_TOTAL, M_LAND_TOTAL, M_ENERGY_TOTAL,
    M_TAX_PER_MU, M_VA_PER_MU, M_LABOR_PRODUCTIVITY, M_ENERGY_INTENSITY,
    M_ENERGY_INTENSITY_CHANGE, M_FIRMS_A, M_FIRMS_B, M_FIRMS_C, M_FIRMS_D,
    M_LAND_RESERVE, M_LAND_IDLE, M_PROJECTS_WAITING,
    M_COUNT
};

/* Purposes of the model's random draws (§9); each is addressed by (purpose, entity, year). */
enum {
    RNG_TLHN_GROWTH = RNG_PURPOSE_MODEL, /* entity firm: ε_it of §6.1 */
    RNG_TLHN_EXIT,                       /* entity firm: natural exit §6.2 */
    RNG_TLHN_COMMON,                     /* entity 0: Z_t of §6.1; entity 1: η_t of §7 */
    RNG_TLHN_ACTION,                     /* entity firm, start year: action §4.3 */
    RNG_TLHN_LAG,                        /* entity firm, start year: lag §4.4 */
    RNG_TLHN_UPGRADE,                    /* entity firm, completion year: success §4.4 */
    RNG_TLHN_ESCALATE,                   /* entity firm, completion year: escalation §4.4 */
    RNG_TLHN_LEAK,                       /* entity firm, completion year: leakage §4.5 */
    RNG_TLHN_EFFECT_LAND,                /* entity firm, completion year: land share / density */
    RNG_TLHN_EFFECT_ENERGY,              /* entity firm, completion year: energy cut */
    RNG_TLHN_EFFECT_VA,                  /* entity firm, completion year: VA gain / retained */
    RNG_TLHN_PIPELINE,                   /* entity 0 major, 1 other: arrivals §5.1 */
    RNG_TLHN_PROJECT,                    /* entity kind << 24 | arrival index: attributes §5 */
    RNG_TLHN_ENFORCE                     /* entity as PROJECT, arrival year: §5.6 */
};

enum { CLASS_A, CLASS_B, CLASS_C, CLASS_D, N_CLASSES };
enum { ACT_EXIT, ACT_MERGE, ACT_RELOCATE, ACT_UPGRADE, N_ACTIONS, ACT_ESCALATED_EXIT = N_ACTIONS };
enum { PRIORITY_SCORE, PRIORITY_ENERGY, PRIORITY_TAX_PER_MU };
enum { RECT_NONE, RECT_ACTIVE, RECT_DONE };      /* a firm's place in §4 */
enum { PROJ_WAITING, PROJ_LANDED, PROJ_LOST, PROJ_REMOVED };

/* Shared, read-only data built by prepare(). */
typedef struct tlhn_shared {
    tlhn_firms *firms;
    size_t n;                       /* firms */
    int year_first, n_years;
    int scope_city;                 /* evaluation.scope = city */
    unsigned classes_mask;          /* rectify.classes: bit c for class c */
    int priority;                   /* rectify.priority */
    int energy_offset;              /* attract.energy_offset = on */
    int fund_constrained;           /* fund.constrained = on */
    size_t n_units;                 /* evaluation units: (district or city) x (规上, 规下) */
    uint32_t *unit_order;           /* firm indices grouped by unit, ascending within a unit */
    size_t *unit_start;             /* n_units + 1 offsets into unit_order */
    uint8_t *unit_above;            /* is unit u a 规上 unit? */
    uint8_t *unit_of;               /* unit of firm i (order.c) */
    double base_energy_intensity;   /* 规上 Σ energy / Σ VA of the base year (tce/万元) */
    size_t project_capacity;        /* first guess of signed projects per replication */
} tlhn_shared;

/* One item to rank: ascending key, then ascending id rank (§3.3). */
typedef struct tlhn_rank_item {
    double key;
    uint32_t id_rank;
    uint32_t firm;
} tlhn_rank_item;

/* A signed project of §5 (one that passed the landing draw), in queue order. */
typedef struct tlhn_project {
    uint32_t entity;                /* kind << 24 | arrival index (§9 address) */
    int year_arrived;               /* year index */
    int year_landed;                /* year index, or -1 */
    uint8_t major;
    uint8_t state;                  /* PROJ_* */
    double investment;              /* 万元 */
    double first_share;             /* share of the investment completed in the landing year */
    double land;                    /* mu */
    double va_full, tax_full, energy_full, employees_full;   /* at full production */
} tlhn_project;

/* Per-thread working state of one replication. */
typedef struct tlhn_scratch {
    gsl_rng *r;
    size_t n;
    /* firm state (structure of arrays), copied from the base table at the start */
    double *va, *tax, *energy, *kwh, *land, *employees, *emissions;
    double *score;                  /* §3.2 score of this year's evaluation */
    double *surcharge;              /* §3.4 surcharge of this year, 万元 */
    uint8_t *alive;                 /* operating (not exited, not closed) */
    uint8_t *rect;                  /* RECT_* */
    uint8_t *action;                /* ACT_* of an active action */
    uint8_t *cls;                   /* class of this year's evaluation */
    int *due;                       /* year index when an active action completes */
    tlhn_rank_item *items;          /* n items for ranking */
    struct tlhn_rank_work *rank_work;   /* rank_hist.c's buffers */
    double *ind;                    /* 7 n: indicators of one evaluation unit (§3.1) */
    /* projects (§5): grows in the rare replication that signs more than the first guess */
    tlhn_project *proj;
    size_t n_proj, cap_proj;
    /* accounts */
    double cum[M_COUNT];            /* cumulative metrics (city) */
    double dcum[M_N_GROUP][TLHN_N_DISTRICTS];   /* the same per district */
    double idle[TLHN_N_DISTRICTS];  /* idle industrial land stock (§4.6), mu */
    double reserve;                 /* land reserve available to projects (§4.7), mu */
    double reserve_entering;        /* land that entered this year: available next year */
    double energy_granted;          /* energy granted to new projects (§5.4), tce */
    double absorbed_va, absorbed_tax;          /* absorbed output (§4.5), 万元 */
    double absorbed_new_va, absorbed_new_tax;  /* absorbed this year (grows from next year) */
    double fund_balance, fund_min;  /* 万元 */
    double fund_breakeven_rate;     /* smallest contribution rate solvent so far (share) */
    double fund_breakeven_capital;  /* smallest initial capital solvent so far, 万元 */
    double class_count[N_CLASSES];
    double z_common;                /* Z_t of this year */
} tlhn_scratch;

/* ---- steps (one file each) ------------------------------------------------------------------- */

/* rank.c: order items by (key, id_rank). */
void tlhn_rank_select(tlhn_rank_item *a, size_t n, size_t k);
void tlhn_rank_sort(tlhn_rank_item *a, size_t n);
/* Afterwards, for each boundary k of ks[0..nk) (ascending, at most N_CLASSES + 1), a[0..k)
 * holds the k first items in order (each part unordered inside). */
void tlhn_rank_select_many(tlhn_rank_item *a, size_t n, const size_t *ks, size_t nk);

/* rank_hist.c: the same sets by a histogram of the keys, without partitioning the items.
 * Working memory for up to n items (one per scratch). */
typedef struct tlhn_rank_work tlhn_rank_work;
tlhn_rank_work *tlhn_rank_work_alloc(size_t n);
void tlhn_rank_work_free(tlhn_rank_work *w);
/* cls[a[j].firm] = how many of the boundaries ks[0..nk) (ascending, repeats allowed) are <= the
 * rank of item j: with class bounds, its class. a is left as it is. */
void tlhn_rank_classes(const tlhn_rank_item *a, size_t n, const size_t *ks, size_t nk,
                       uint8_t *cls, tlhn_rank_work *w);
/* Afterwards a[0..k) are the k first items in order (all n sorted when k >= n); with keep_rest
 * the others follow in a[k..n) (unordered), else a[k..n) is undefined. Returns min(k, n). */
size_t tlhn_rank_first(tlhn_rank_item *a, size_t n, size_t k, int keep_rest, tlhn_rank_work *w);

/* Class sizes by cumulative rounding, round half up (§3.3): bounds[c] = number of firms of
 * class <= c among n. */
void tlhn_class_bounds(size_t n, const double share[N_CLASSES], size_t bounds[N_CLASSES]);

/* order.c: the evaluation's unit-order layout. At most TLHN_MAX_UNITS units. */
#define TLHN_MAX_UNITS (2 * TLHN_N_DISTRICTS)
/* Fill sh->unit_of from unit_order and unit_start (prepare). */
void tlhn_units_index(tlhn_shared *sh);
/* One pass in table order: unit u's operating firms, in table order, into its block of s->ind
 * (7 (unit_start[u+1] - unit_start[u]) doubles from 7 unit_start[u], rows of that length:
 * 规上 tax, VA, energy, emissions, employees, rd ratio, land; 规下 tax, kWh, land) and into
 * s->items from unit_start[u] (key 0, id rank, firm); count[u] of them. */
void tlhn_units_gather(const tlhn_shared *sh, tlhn_scratch *s, size_t *count);
/* One pass in table order: s->score of each operating firm from row score_row[above] of its
 * unit's block. */
void tlhn_units_scores(const tlhn_shared *sh, tlhn_scratch *s, const size_t score_row[2]);

/* evaluate.c: §3 on the firms as they are at the start of year index y. */
void tlhn_evaluate(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, int y);

/* rectify.c: §4.1-§4.4 starts and §4.4-§4.5 completions of year index y. */
void tlhn_rectify_start(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, int y);
void tlhn_rectify_complete(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc,
                           int y);
/* The money an action costs when it starts (§7), 万元. */
double tlhn_action_cost(const tlhn_scratch *s, const replication_ctx *rc, size_t i, int action);

/* economy.c: §6.1 growth, §6.2 natural exits and §4.6 idle-land recovery of year index y. */
void tlhn_economy_grow(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, int y);
void tlhn_economy_exits(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, int y);
/* Land entering the reserve (§4.7) this year, net of the share converted to other uses. */
void tlhn_reserve_enter(tlhn_scratch *s, const replication_ctx *rc, double mu);

/* attract.c: §5 new projects of year index y. Returns PHX_OK. */
int tlhn_attract_year(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, int y);
/* The 规上 totals of new projects in production in year index y. */
void tlhn_attract_totals(const tlhn_scratch *s, const replication_ctx *rc, int y, double *va,
                         double *tax, double *land, double *energy, double *employees);

/* fund.c: §7. */
void tlhn_fund_year_start(tlhn_scratch *s, const replication_ctx *rc, int y);
void tlhn_fund_in(tlhn_scratch *s, const replication_ctx *rc, double wan);   /* inflow */
void tlhn_fund_out(tlhn_scratch *s, double wan);                              /* outflow */
/* End of year y, after fund_min: the break-even contribution rate and initial capital so far. */
void tlhn_fund_breakeven(tlhn_scratch *s, const replication_ctx *rc);

/* Add v to cumulative metric m, city-wide and, for group metrics, in district d. */
static inline void tlhn_add(tlhn_scratch *s, int m, int d, double v)
{
    s->cum[m] += v;
    if (m < M_N_GROUP)
        s->dcum[m][d] += v;
}

/* Per-firm share with mean m and concentration c (§4.5): beta(m c, (1 - m) c); exactly m
 * when c = 0 or m is 0 or 1. */
double tlhn_share_draw(gsl_rng *r, double m, double c);

#endif
