/* tlhn.h -- internals of the 腾笼换鸟 model: parameter and metric indices, the shared data, the
 * per-thread scratch and the yearly steps (docs/model.md §3-§8). Only models/tlhn/ includes it. */
#ifndef TLHN_TLHN_H
#define TLHN_TLHN_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "../../engine/model.h"
#include "../../engine/rng.h"
#include "firms.h"

/* The parameter table, the one list: each row gives its enum id and its table row (tlhn.c
 * expands it into the table with designated initialisers; this header into the enum), so the
 * two cannot drift. Rows: X(REAL, id, name, flags, unit, lo, hi, default, description),
 * X(INT, id, name, unit, lo, hi, default, description), X(CHOICE, id, name, default, choices,
 * description), X(MIX, id, class, action, default) for rectify.mix.<class>.<action>, and
 * X(ROW, id, {a param_def initialiser}). Flags: RND (a distribution allowed), PY (per year). The
 * population.* rows of firms.h follow P_COUNT. */
#define TLHN_PARAMS(X) \
    X(CHOICE, P_EVAL_SCOPE, "evaluation.scope", "district", "district|city", \
        "§3.2 evaluation unit: benchmarks and class ranks within each district, or city-wide") \
    X(REAL, P_EVAL_CAP, "evaluation.cap", RND, "1", 0, INF, "3.0", \
        "§3.2 cap on each indicator's ratio to its benchmark; 0 means no cap") \
    X(REAL, P_EVAL_BENCHMARK_FACTOR, "evaluation.benchmark_factor", RND, "1", 1e-6, INF, "1.0", \
        "§3.2 benchmark = this factor x the mean of the indicator in the (unit, group)") \
    X(REAL, P_EVAL_SHARE_A, "evaluation.share.A", 0, "share", 0, 1, "0.10", \
        "§3.3 share of firms in class A (优先发展); the four shares sum to 1") \
    X(REAL, P_EVAL_SHARE_B, "evaluation.share.B", 0, "share", 0, 1, "0.35", \
        "§3.3 share of firms in class B (提升发展)") \
    X(REAL, P_EVAL_SHARE_C, "evaluation.share.C", 0, "share", 0, 1, "0.45", \
        "§3.3 share of firms in class C (调控帮扶)") \
    X(REAL, P_EVAL_SHARE_D, "evaluation.share.D", 0, "share", 0, 1, "0.10", \
        "§3.3 share of firms in class D (倒逼整治)") \
    X(REAL, P_EVAL_SURCHARGE_ABOVE_C, "evaluation.surcharge.above.C", RND, "元/kWh", 0, 10, "0", \
        "§3.4 electricity surcharge of a 规上 class C firm") \
    X(REAL, P_EVAL_SURCHARGE_ABOVE_D, "evaluation.surcharge.above.D", RND, "元/kWh", 0, 10, \
        "0.10", "§3.4 electricity surcharge of a 规上 class D firm [Ruian 2022]") \
    X(REAL, P_EVAL_SURCHARGE_BELOW_C, "evaluation.surcharge.below.C", RND, "元/kWh", 0, 10, \
        "0.10", "§3.4 electricity surcharge of a 规下 class C firm [Ruian 2022]") \
    X(REAL, P_EVAL_SURCHARGE_BELOW_D, "evaluation.surcharge.below.D", RND, "元/kWh", 0, 10, \
        "0.30", "§3.4 electricity surcharge of a 规下 class D firm [Ruian 2022]") \
    X(REAL, P_EVAL_SURCHARGE_CAP, "evaluation.surcharge_cap", RND, "万元", 0, INF, "50", \
        "§3.4 cap on one firm's yearly surcharge; 0 means no cap") \
    X(REAL, P_EVAL_SURCHARGE_MIN_KWH, "evaluation.surcharge_min_kwh", 0, "kWh", 0, INF, "0", \
        "§3.4 firms using less electricity pay no surcharge (Ruian exempts < 50,000 kWh)") \
    X(ROW, P_RECT_CLASSES, { "rectify.classes", PARAM_LIST, 0, "", 0, 0, "C, D", "A|B|C|D", \
        "§4.1 classes whose firms are candidates for rectification" }) \
    X(CHOICE, P_RECT_PRIORITY, "rectify.priority", "score", "score|energy|tax_per_mu", \
        "§4.1 candidate order: lowest score, largest energy use or lowest tax per mu first") \
    X(REAL, P_RECT_MIN_ENERGY_INTENSITY, "rectify.min_energy_intensity", RND, "tce/万元", 0, INF, \
        "0", "§4.1 only firms with energy / VA above this are candidates; 0 = no filter") \
    X(REAL, P_RECT_FIRMS_PER_YEAR, "rectify.firms_per_year", RND | PY, "firms", 0, 1e7, \
        "300 300 250", "§4.2 actions started per year (rounded to an integer)") \
    X(MIX, P_RECT_MIX_A_EXIT, A, exit, "0.10") \
    X(MIX, P_RECT_MIX_A_MERGE, A, merge, "0.10") \
    X(MIX, P_RECT_MIX_A_RELOCATE, A, relocate, "0.20") \
    X(MIX, P_RECT_MIX_A_UPGRADE, A, upgrade, "0.60") \
    X(MIX, P_RECT_MIX_B_EXIT, B, exit, "0.10") \
    X(MIX, P_RECT_MIX_B_MERGE, B, merge, "0.10") \
    X(MIX, P_RECT_MIX_B_RELOCATE, B, relocate, "0.20") \
    X(MIX, P_RECT_MIX_B_UPGRADE, B, upgrade, "0.60") \
    X(MIX, P_RECT_MIX_C_EXIT, C, exit, "0.10") \
    X(MIX, P_RECT_MIX_C_MERGE, C, merge, "0.10") \
    X(MIX, P_RECT_MIX_C_RELOCATE, C, relocate, "0.20") \
    X(MIX, P_RECT_MIX_C_UPGRADE, C, upgrade, "0.60") \
    X(MIX, P_RECT_MIX_D_EXIT, D, exit, "0.35") \
    X(MIX, P_RECT_MIX_D_MERGE, D, merge, "0.10") \
    X(MIX, P_RECT_MIX_D_RELOCATE, D, relocate, "0.15") \
    X(MIX, P_RECT_MIX_D_UPGRADE, D, upgrade, "0.40") \
    X(REAL, P_RECT_P_COMPLETE, "rectify.p_complete", RND, "probability", 0, 1, "0.7", \
        "§4.4 lag k ~ geometric with P(k = 0) = p_complete") \
    X(REAL, P_RECT_UPGRADE_P_SUCCESS, "rectify.upgrade.p_success", RND, "probability", 0, 1, \
        "0.85", "§4.4 probability that a completed upgrade reaches the standard") \
    X(REAL, P_RECT_P_ESCALATE, "rectify.p_escalate", RND, "probability", 0, 1, "0.5", \
        "§4.4 a failed upgrade is escalated to exit the next year with this probability") \
    X(REAL, P_RECT_EFFECT_CONCENTRATION, "rectify.effect_concentration", RND, "1", 0, INF, "20", \
        "§4.5 per-firm effect shares ~ beta with the scenario mean and this concentration; 0 = mean") \
    X(REAL, P_RECT_EXIT_OUTPUT_RETAINED, "rectify.exit.output_retained", RND, "share", 0, 1, \
        "0.3", "§4.5 mean share of an exiting firm's VA and tax that other local 规上 firms absorb") \
    X(REAL, P_RECT_EXIT_P_LEAK, "rectify.exit.p_leak", RND, "probability", 0, 1, "0.2", \
        "§4.5 probability that an exiting firm's production moves outside the city") \
    X(REAL, P_RECT_MERGE_LAND_SHARE, "rectify.merge.land_share", RND, "share", 0, 1, "0.5", \
        "§4.5 mean share of a merged firm's land that is released") \
    X(REAL, P_RECT_MERGE_ENERGY_CUT, "rectify.merge.energy_cut", RND, "share", 0, 1, "0.20", \
        "§4.5 mean share of a merged firm's energy that is freed") \
    X(REAL, P_RECT_MERGE_VA_GAIN, "rectify.merge.va_gain", RND, "share", 0, 1, "0.05", \
        "§4.5 mean relative gain of a merged firm's VA (and tax)") \
    X(REAL, P_RECT_RELOCATE_DENSITY, "rectify.relocate.density", RND, "share", 0, 1, "0.5", \
        "§4.5 mean park land a relocated firm takes, as a share of its old land") \
    X(REAL, P_RECT_RELOCATE_ENERGY_CUT, "rectify.relocate.energy_cut", RND, "share", 0, 1, \
        "0.25", "§4.5 mean share of a relocated firm's energy that is freed") \
    X(REAL, P_RECT_RELOCATE_VA_GAIN, "rectify.relocate.va_gain", RND, "share", 0, 1, "0.10", \
        "§4.5 mean relative gain of a relocated firm's VA (and tax)") \
    X(REAL, P_RECT_RELOCATE_SUBSIDY, "rectify.relocate.subsidy", RND, "万元/mu", 0, INF, "20", \
        "§7 relocation subsidy per mu of the old site, paid when the action starts") \
    X(REAL, P_RECT_UPGRADE_ENERGY_CUT, "rectify.upgrade.energy_cut", RND, "share", 0, 1, \
        "triangular(0.05, 0.15, 0.30)", \
        "§4.5 mean share of an upgraded firm's energy that is freed") \
    X(REAL, P_RECT_UPGRADE_VA_GAIN, "rectify.upgrade.va_gain", RND, "share", 0, 1, "0.15", \
        "§4.5 mean relative gain of an upgraded firm's VA (and tax)") \
    X(REAL, P_RECT_UPGRADE_SUBSIDY_SHARE, "rectify.upgrade.subsidy_share", RND, "share", 0, 1, \
        "0.15", "§7 share of an upgrade's investment paid by the fund when the action starts") \
    X(REAL, P_RECT_UPGRADE_INVESTMENT_PER_VA, "rectify.upgrade.investment_per_va", RND, "万元/万元", \
        0, INF, "0.5", "§7 investment of an upgrade per unit of the firm's VA") \
    X(REAL, P_ECON_GROWTH, "economy.growth", RND, "1/yr", -1, 1, "0.05", \
        "§6.1 mean log growth μ of value added") \
    X(REAL, P_ECON_SIGMA_COMMON, "economy.sigma_common", RND, "1", 0, 1, "0.03", \
        "§6.1 sd of the common yearly shock σ_c Z_t") \
    X(REAL, P_ECON_SIGMA_FIRM, "economy.sigma_firm", RND, "1", 0, 2, "0.10", \
        "§6.1 sd of the firm's own yearly shock σ_i ε_it") \
    X(REAL, P_ECON_AUTONOMOUS_EFFICIENCY, "economy.autonomous_efficiency", RND, "1/yr", 0, 0.99, \
        "0.02", "§6.1 yearly fall of every firm's energy intensity") \
    X(REAL, P_ECON_EXIT_HAZARD, "economy.exit_hazard", RND, "1/yr", 0, 1, "0.01", \
        "§6.2 yearly natural exit hazard of a firm not in rectification") \
    X(REAL, P_ECON_SURCHARGE_HAZARD, "economy.surcharge_hazard", RND, "1/yr", 0, 1, "0.01", \
        "§6.2 extra exit hazard per 10 万元 of surcharge paid this year") \
    X(REAL, P_CARBON_TCO2_PER_TCE, "carbon.tco2_per_tce", RND, "t CO2/tce", 0, 10, "2.0", \
        "§6.3 carbon per tce [implied by the plan: 120万 t / 60万 tce]") \
    X(REAL, P_LAND_IDLE_RECOVERY, "land.idle_recovery", RND, "share/yr", 0, 1, "0.3", \
        "§4.6 share of the idle-land stock recovered into the reserve each year") \
    X(REAL, P_LAND_CONVERSION_SHARE, "land.conversion_share", RND, "share", 0, 1, "0.1", \
        "§4.7 share of land entering the reserve converted to non-industrial use") \
    X(REAL, P_LAND_NEW_SUPPLY_PER_YEAR, "land.new_supply_per_year", RND | PY, "mu/yr", 0, 1e12, \
        "6000", "§5.3 new industrial land that projects may take each year [plan: ≥ 6,000 mu new]") \
    X(REAL, P_LAND_INITIAL_RESERVE, "land.initial_reserve", RND, "mu", 0, 1e12, "4000", \
        "§4.7 reserve land available in the first year [ours: the plan's 1万亩/yr less 6,000 new]") \
    X(REAL, P_ATTR_MAJOR_PER_YEAR, "attract.major_per_year", RND | PY, "projects/yr", 0, 1e6, \
        "80", "§5.1 mean yearly arrivals of major projects (≥ 10 亿元), Poisson") \
    X(REAL, P_ATTR_OTHER_PER_YEAR, "attract.other_per_year", RND | PY, "projects/yr", 0, 1e6, \
        "200", "§5.1 mean yearly arrivals of ordinary projects, Poisson") \
    X(REAL, P_ATTR_LANDING_RATE, "attract.landing_rate", RND, "probability", 0, 1, "0.5", \
        "§5.1 probability that an arriving project signs [plan task 11: 落地率 ≥ 50%]") \
    X(REAL, P_ATTR_MAJOR_EXCESS_MEDIAN, "attract.major_excess_median", RND, "亿元", 1e-6, INF, \
        "15", "§5.2 median investment of a major project above 10 亿元 (median total 25 亿元)") \
    X(REAL, P_ATTR_MAJOR_EXCESS_SIGMA, "attract.major_excess_sigma", RND, "1", 0, 5, "0.8", \
        "§5.2 log-sd of a major project's investment above 10 亿元 [ours]") \
    X(REAL, P_ATTR_OTHER_MEDIAN, "attract.other_median", RND, "亿元", 1e-6, 10, "2", \
        "§5.2 median investment of an ordinary project") \
    X(REAL, P_ATTR_OTHER_SIGMA, "attract.other_sigma", RND, "1", 0, 5, "0.8", \
        "§5.2 log-sd of an ordinary project's investment (capped at 10 亿元) [ours]") \
    X(REAL, P_ATTR_INTENSITY, "attract.intensity", RND, "万元/mu", 1e-6, INF, "800", \
        "§5.2 investment per mu of land: land need = investment / intensity") \
    X(INT, P_ATTR_MAX_WAIT, "attract.max_wait", "yr", 0, 100, "2", \
        "§5.3 a signed project without land or energy is lost after waiting this many years") \
    X(CHOICE, P_ATTR_ENERGY_OFFSET, "attract.energy_offset", "off", "off|on", \
        "§5.4 on: a project starts only within the energy freed by rectification (等量/减量替代)") \
    X(REAL, P_ATTR_OFFSET_RATIO, "attract.offset_ratio", RND, "1", 1e-6, INF, "1.0", \
        "§5.4 energy freed per unit granted: 1.0 等量, 1.2 减量替代") \
    X(INT, P_ATTR_BUILD_YEARS, "attract.build_years", "yr", 0, 20, "1", \
        "§5.5 years from landing to production (then 50%, then 100%)") \
    X(REAL, P_ATTR_VA_PER_MU, "attract.va_per_mu", RND, "万元/mu", 0, INF, "400", \
        "§5.5 median VA per mu of a new project at full production") \
    X(REAL, P_ATTR_VA_PER_MU_SIGMA, "attract.va_per_mu_sigma", RND, "1", 0, 5, "0.5", \
        "§5.5 log-sd of a new project's VA per mu [ours]") \
    X(REAL, P_ATTR_TAX_PER_MU, "attract.tax_per_mu", RND, "万元/mu", 0, INF, "50", \
        "§5.5 median tax per mu of a new project at full production") \
    X(REAL, P_ATTR_TAX_PER_MU_SIGMA, "attract.tax_per_mu_sigma", RND, "1", 0, 5, "0.5", \
        "§5.5 log-sd of a new project's tax per mu [ours]") \
    X(REAL, P_ATTR_ENERGY_INTENSITY, "attract.energy_intensity", RND, "tce/万元", 0, INF, "0.25", \
        "§5.5 median energy intensity of a new project") \
    X(REAL, P_ATTR_ENERGY_INTENSITY_SIGMA, "attract.energy_intensity_sigma", RND, "1", 0, 5, \
        "0.5", "§5.5 log-sd of a new project's energy intensity [ours]") \
    X(REAL, P_ATTR_ENERGY_INTENSITY_MAX, "attract.energy_intensity_max", RND, "tce/万元", 0, INF, \
        "0.52", "§5.5 entry standard: no new project above this energy intensity") \
    X(REAL, P_ATTR_VA_PER_EMPLOYEE, "attract.va_per_employee", RND, "万元/person", 1e-6, INF, "60", \
        "§5.5 VA per employee of a new project at full production [ours]") \
    X(REAL, P_ATTR_COMMIT_TAX_PER_MU, "attract.commit_tax_per_mu", RND, "万元/mu", 0, INF, "35", \
        "§5.6 标准地 commitment: tax per mu two years into production") \
    X(REAL, P_ATTR_P_ENFORCE, "attract.p_enforce", RND, "probability", 0, 1, "0.5", \
        "§5.6 probability that a breach is enforced (land taken back, output removed)") \
    X(REAL, P_FUND_CONTRIBUTION_RATE, "fund.contribution_rate", RND, "share", 0, 1, "0.01", \
        "§7 share of land transfer revenue paid into the fund [plan: ≥ 1%]") \
    X(REAL, P_FUND_LAND_REVENUE, "fund.land_revenue", RND | PY, "亿元/yr", 0, INF, "3000", \
        "§7 median land transfer revenue [estimate]") \
    X(REAL, P_FUND_LAND_REVENUE_SIGMA, "fund.land_revenue_sigma", RND, "1", 0, 5, "0.25", \
        "§7 log-sd of the yearly land revenue shock") \
    X(REAL, P_FUND_REVENUE_SHOCK_CORR, "fund.revenue_shock_corr", RND, "1", -1, 1, "0.5", \
        "§7 correlation of the land revenue shock with the common growth shock Z_t") \
    X(REAL, P_FUND_LAND_PRICE, "fund.land_price", RND, "万元/mu", 0, INF, "40", \
        "§7 price of reserve land sold to new projects") \
    X(REAL, P_FUND_INITIAL_CAPITAL, "fund.initial_capital", RND, "亿元", 0, INF, "0", \
        "§7 capital paid in the first year [ours: none]") \
    X(REAL, P_FUND_BUYBACK_PRICE, "fund.buyback_price", RND, "万元/mu", 0, INF, \
        "triangular(60, 90, 150)", "§7 buy-back price of an exiting firm's land [estimate]") \
    X(REAL, P_FUND_OTHER_SHARE, "fund.other_share", RND, "share", 0, 1, "0.2", \
        "§7 share of inflows spent on housing and park infrastructure") \
    X(CHOICE, P_FUND_CONSTRAINED, "fund.constrained", "off", "off|on", \
        "§7 on: an action that costs money starts only if the balance covers it")

#define TLHN_PARAM_ID(kind, id, ...) id,
enum {
    TLHN_PARAMS(TLHN_PARAM_ID)
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
    /* constraints that bind (issue 13; METRIC_CONSTRAINT) */
    M_QUOTA_UNFILLED, M_QUOTA_UNFUNDED, M_PROJECTS_WAITING_LAND, M_PROJECTS_WAITING_ENERGY,
    /* the year's own count, beside the cumulative one (for observations of one year) */
    M_PROJECTS_LANDED_YEAR, M_PROJECTS_MAJOR_LANDED_YEAR,
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
    size_t *unit_ind;               /* n_units + 1 offsets of the units' blocks in s->ind */
    double base_energy_intensity;   /* 规上 Σ energy / Σ VA of the base year (tce/万元) */
    size_t project_capacity;        /* first guess of signed projects per replication */
    double coverage;                /* population.coverage (coverage.c) */
    size_t n_slots;                 /* theta length */
    const char *prov[16];           /* provenance key/value pairs (coverage.c) */
    size_t n_prov;
    char prov_text[4][72];          /* their numbers as text */
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
    /* firm state (structure of arrays), copied from the base table at the start; employees
     * never change, and are read from the base table (sh->firms->employees) */
    double *va, *tax, *energy, *kwh, *land, *emissions;
    double *score;                  /* §3.2 score of this year's evaluation */
    double *surcharge;              /* §3.4 surcharge of this year, 万元 */
    uint8_t *alive;                 /* operating (not exited, not closed) */
    uint8_t *rect;                  /* RECT_* */
    uint8_t *action;                /* ACT_* of an active action */
    uint8_t *cls;                   /* class of this year's evaluation */
    int *due;                       /* year index when an active action completes */
    uint64_t *active;               /* bit i: firm i has rect RECT_ACTIVE (rectify.c) */
    tlhn_rank_item *items;          /* n items for ranking */
    struct tlhn_rank_work *rank_work;   /* rank_hist.c's buffers */
    double *ind;                    /* the units' blocks of inputs and indicators (order.c) */
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
    double op_va, op_tax, op_land, op_energy, op_employees;   /* 规上 operating, end of year */
    double z_common;                /* Z_t of this year */
    double *theta;                  /* n_slots: theta with population.coverage applied */
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

/* order.c: the evaluation's unit-order layout. At most TLHN_MAX_UNITS units. Unit u's block of
 * s->ind starts at sh->unit_ind[u] and holds its firms in blocks of four: the R rows of a
 * block (规上 R = 7: tax, VA, energy, emissions, employees, rd ratio, land; 规下 R = 3: tax,
 * kWh, land) are four consecutive doubles each, so that the gather writes one contiguous stretch
 * per unit and the evaluation loads a row of four firms as one vector. */
#define TLHN_MAX_UNITS (2 * TLHN_N_DISTRICTS)
#define TLHN_ROWS_ABOVE 7
#define TLHN_ROWS_BELOW 3
/* Row k of the firm at position p of a block of R rows. */
#define TLHN_AT(x, R, k, p) ((x)[((p) & ~(size_t)3) * (R) + 4 * (size_t)(k) + ((p) & 3)])
static inline size_t tlhn_unit_rows(const tlhn_shared *sh, size_t u)
{
    return sh->unit_above[u] ? TLHN_ROWS_ABOVE : TLHN_ROWS_BELOW;
}
/* Fill sh->unit_of and sh->unit_ind from unit_order and unit_start (prepare). */
void tlhn_units_index(tlhn_shared *sh);
/* One pass in table order: unit u's operating firms, in table order, into its block of s->ind
 * and into s->items from unit_start[u] (key 0, id rank, firm); count[u] of them. */
void tlhn_units_gather(const tlhn_shared *sh, tlhn_scratch *s, size_t *count);

/* evaluate.c: §3 on the firms as they are at the start of year index y. */
void tlhn_evaluate(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, int y);

/* rectify.c: §4.1-§4.4 starts and §4.4-§4.5 completions of year index y. */
void tlhn_rectify_start(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, int y);
void tlhn_rectify_complete(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc,
                           int y);
/* The money an action costs when it starts (§7), 万元. */
double tlhn_action_cost(const tlhn_scratch *s, const replication_ctx *rc, size_t i, int action);

/* economy.c: §6.1 growth, §6.2 natural exits and §4.6 idle-land recovery of year index y, and
 * the operating 规上 firms' end-of-year totals (s->op_*) that record() reports. */
void tlhn_economy_year(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, int y);
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

/* coverage.c: a table that covers part of the city (population.coverage, docs/model-population.md
 * §1.5) and the provenance of the table. */
void tlhn_coverage_prepare(const struct scenario *sc, tlhn_shared *sh);
/* rc itself when coverage is 1; else `local`, a copy of rc whose theta (the scratch's) has the
 * city-wide parameters scaled by the coverage. */
const replication_ctx *tlhn_coverage_apply(const tlhn_shared *sh, tlhn_scratch *s,
                                           const replication_ctx *rc, replication_ctx *local);
double tlhn_target_factor(const struct scenario *sc, int m);
size_t tlhn_provenance(const void *shared, const char *const **kv);

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

/* sizing.c: what `phoenix fund` needs (levers, break-even metrics, balance response). */
extern const model_sizing tlhn_sizing;

#endif
