/* tlhn.c -- the 腾笼换鸟 model (model-spec v1): parameter and metric tables, checks, shared data,
 * scratch and the yearly loop of §6.4. The steps live in evaluate.c (§3), rectify.c (§4),
 * economy.c (§6, §4.6), attract.c (§5, §4.7) and fund.c (§7); see docs/model.md. */
#include "tlhn.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "../../engine/scenario.h"
#include "../models.h"

/* ---- parameters --------------------------------------------------------------------------------- */

#define INF INFINITY
#define REAL(id, name, flags, unit, lo, hi, def, desc) \
    [id] = { name, PARAM_REAL, flags, unit, lo, hi, def, NULL, desc }
#define INT(id, name, unit, lo, hi, def, desc) \
    [id] = { name, PARAM_INT, 0, unit, lo, hi, def, NULL, desc }
#define CHOICE(id, name, def, choices, desc) \
    [id] = { name, PARAM_CHOICE, 0, "", 0, 0, def, choices, desc }
#define RND PARAM_RANDOM
#define PY PARAM_PER_YEAR
#define MIX(cls, act, ACT, def) \
    REAL(P_RECT_MIX_A_EXIT + N_ACTIONS * CLASS_##cls + ACT_##ACT, "rectify.mix." #cls "." #act, 0, "share", 0, 1, def, \
         "§4.3 share of class " #cls " starts whose action is " #act " (the class's mix sums to 1)")

static const param_def tlhn_params[] = {
    CHOICE(P_EVAL_SCOPE, "evaluation.scope", "district", "district|city",
           "§3.2 evaluation unit: benchmarks and class ranks within each district, or city-wide"),
    REAL(P_EVAL_CAP, "evaluation.cap", RND, "1", 0, INF, "3.0",
         "§3.2 cap on each indicator's ratio to its benchmark; 0 means no cap"),
    REAL(P_EVAL_BENCHMARK_FACTOR, "evaluation.benchmark_factor", RND, "1", 1e-6, INF, "1.0",
         "§3.2 benchmark = this factor x the mean of the indicator in the (unit, group)"),
    REAL(P_EVAL_SHARE_A, "evaluation.share.A", 0, "share", 0, 1, "0.10",
         "§3.3 share of firms in class A (优先发展); the four shares sum to 1"),
    REAL(P_EVAL_SHARE_B, "evaluation.share.B", 0, "share", 0, 1, "0.35",
         "§3.3 share of firms in class B (提升发展)"),
    REAL(P_EVAL_SHARE_C, "evaluation.share.C", 0, "share", 0, 1, "0.45",
         "§3.3 share of firms in class C (调控帮扶)"),
    REAL(P_EVAL_SHARE_D, "evaluation.share.D", 0, "share", 0, 1, "0.10",
         "§3.3 share of firms in class D (倒逼整治)"),
    REAL(P_EVAL_SURCHARGE_ABOVE_C, "evaluation.surcharge.above.C", RND, "元/kWh", 0, 10, "0",
         "§3.4 electricity surcharge of a 规上 class C firm"),
    REAL(P_EVAL_SURCHARGE_ABOVE_D, "evaluation.surcharge.above.D", RND, "元/kWh", 0, 10, "0.10",
         "§3.4 electricity surcharge of a 规上 class D firm [Ruian 2022]"),
    REAL(P_EVAL_SURCHARGE_BELOW_C, "evaluation.surcharge.below.C", RND, "元/kWh", 0, 10, "0.10",
         "§3.4 electricity surcharge of a 规下 class C firm [Ruian 2022]"),
    REAL(P_EVAL_SURCHARGE_BELOW_D, "evaluation.surcharge.below.D", RND, "元/kWh", 0, 10, "0.30",
         "§3.4 electricity surcharge of a 规下 class D firm [Ruian 2022]"),
    REAL(P_EVAL_SURCHARGE_CAP, "evaluation.surcharge_cap", RND, "万元", 0, INF, "50",
         "§3.4 cap on one firm's yearly surcharge; 0 means no cap"),
    REAL(P_EVAL_SURCHARGE_MIN_KWH, "evaluation.surcharge_min_kwh", 0, "kWh", 0, INF, "0",
         "§3.4 firms using less electricity pay no surcharge (Ruian exempts < 50,000 kWh)"),

    [P_RECT_CLASSES] = { "rectify.classes", PARAM_LIST, 0, "", 0, 0, "C, D", "A|B|C|D",
                         "§4.1 classes whose firms are candidates for rectification" },
    CHOICE(P_RECT_PRIORITY, "rectify.priority", "score", "score|energy|tax_per_mu",
           "§4.1 candidate order: lowest score, largest energy use or lowest tax per mu first"),
    REAL(P_RECT_MIN_ENERGY_INTENSITY, "rectify.min_energy_intensity", RND, "tce/万元", 0, INF, "0",
         "§4.1 only firms with energy / VA above this are candidates; 0 = no filter"),
    REAL(P_RECT_FIRMS_PER_YEAR, "rectify.firms_per_year", RND | PY, "firms", 0, 1e7,
         "300 300 250", "§4.2 actions started per year (rounded to an integer)"),
    MIX(A, exit, EXIT, "0.10"), MIX(A, merge, MERGE, "0.10"),
    MIX(A, relocate, RELOCATE, "0.20"), MIX(A, upgrade, UPGRADE, "0.60"),
    MIX(B, exit, EXIT, "0.10"), MIX(B, merge, MERGE, "0.10"),
    MIX(B, relocate, RELOCATE, "0.20"), MIX(B, upgrade, UPGRADE, "0.60"),
    MIX(C, exit, EXIT, "0.10"), MIX(C, merge, MERGE, "0.10"),
    MIX(C, relocate, RELOCATE, "0.20"), MIX(C, upgrade, UPGRADE, "0.60"),
    MIX(D, exit, EXIT, "0.35"), MIX(D, merge, MERGE, "0.10"),
    MIX(D, relocate, RELOCATE, "0.15"), MIX(D, upgrade, UPGRADE, "0.40"),
    REAL(P_RECT_P_COMPLETE, "rectify.p_complete", RND, "probability", 0, 1, "0.7",
         "§4.4 lag k ~ geometric with P(k = 0) = p_complete"),
    REAL(P_RECT_UPGRADE_P_SUCCESS, "rectify.upgrade.p_success", RND, "probability", 0, 1, "0.85",
         "§4.4 probability that a completed upgrade reaches the standard"),
    REAL(P_RECT_P_ESCALATE, "rectify.p_escalate", RND, "probability", 0, 1, "0.5",
         "§4.4 a failed upgrade is escalated to exit the next year with this probability"),
    REAL(P_RECT_EFFECT_CONCENTRATION, "rectify.effect_concentration", RND, "1", 0, INF, "20",
         "§4.5 per-firm effect shares ~ beta with the scenario mean and this concentration; 0 = mean"),
    REAL(P_RECT_EXIT_OUTPUT_RETAINED, "rectify.exit.output_retained", RND, "share", 0, 1, "0.3",
         "§4.5 mean share of an exiting firm's VA and tax that other local 规上 firms absorb"),
    REAL(P_RECT_EXIT_P_LEAK, "rectify.exit.p_leak", RND, "probability", 0, 1, "0.2",
         "§4.5 probability that an exiting firm's production moves outside the city"),
    REAL(P_RECT_MERGE_LAND_SHARE, "rectify.merge.land_share", RND, "share", 0, 1, "0.5",
         "§4.5 mean share of a merged firm's land that is released"),
    REAL(P_RECT_MERGE_ENERGY_CUT, "rectify.merge.energy_cut", RND, "share", 0, 1, "0.20",
         "§4.5 mean share of a merged firm's energy that is freed"),
    REAL(P_RECT_MERGE_VA_GAIN, "rectify.merge.va_gain", RND, "share", 0, 1, "0.05",
         "§4.5 mean relative gain of a merged firm's VA (and tax)"),
    REAL(P_RECT_RELOCATE_DENSITY, "rectify.relocate.density", RND, "share", 0, 1, "0.5",
         "§4.5 mean park land a relocated firm takes, as a share of its old land"),
    REAL(P_RECT_RELOCATE_ENERGY_CUT, "rectify.relocate.energy_cut", RND, "share", 0, 1, "0.25",
         "§4.5 mean share of a relocated firm's energy that is freed"),
    REAL(P_RECT_RELOCATE_VA_GAIN, "rectify.relocate.va_gain", RND, "share", 0, 1, "0.10",
         "§4.5 mean relative gain of a relocated firm's VA (and tax)"),
    REAL(P_RECT_RELOCATE_SUBSIDY, "rectify.relocate.subsidy", RND, "万元/mu", 0, INF, "20",
         "§7 relocation subsidy per mu of the old site, paid when the action starts"),
    REAL(P_RECT_UPGRADE_ENERGY_CUT, "rectify.upgrade.energy_cut", RND, "share", 0, 1,
         "triangular(0.05, 0.15, 0.30)", "§4.5 mean share of an upgraded firm's energy that is freed"),
    REAL(P_RECT_UPGRADE_VA_GAIN, "rectify.upgrade.va_gain", RND, "share", 0, 1, "0.15",
         "§4.5 mean relative gain of an upgraded firm's VA (and tax)"),
    REAL(P_RECT_UPGRADE_SUBSIDY_SHARE, "rectify.upgrade.subsidy_share", RND, "share", 0, 1, "0.15",
         "§7 share of an upgrade's investment paid by the fund when the action starts"),
    REAL(P_RECT_UPGRADE_INVESTMENT_PER_VA, "rectify.upgrade.investment_per_va", RND, "万元/万元", 0,
         INF, "0.5", "§7 investment of an upgrade per unit of the firm's VA"),

    REAL(P_ECON_GROWTH, "economy.growth", RND, "1/yr", -1, 1, "0.05",
         "§6.1 mean log growth μ of value added"),
    REAL(P_ECON_SIGMA_COMMON, "economy.sigma_common", RND, "1", 0, 1, "0.03",
         "§6.1 sd of the common yearly shock σ_c Z_t"),
    REAL(P_ECON_SIGMA_FIRM, "economy.sigma_firm", RND, "1", 0, 2, "0.10",
         "§6.1 sd of the firm's own yearly shock σ_i ε_it"),
    REAL(P_ECON_AUTONOMOUS_EFFICIENCY, "economy.autonomous_efficiency", RND, "1/yr", 0, 0.99,
         "0.02", "§6.1 yearly fall of every firm's energy intensity"),
    REAL(P_ECON_EXIT_HAZARD, "economy.exit_hazard", RND, "1/yr", 0, 1, "0.01",
         "§6.2 yearly natural exit hazard of a firm not in rectification"),
    REAL(P_ECON_SURCHARGE_HAZARD, "economy.surcharge_hazard", RND, "1/yr", 0, 1, "0.01",
         "§6.2 extra exit hazard per 10 万元 of surcharge paid this year"),
    REAL(P_CARBON_TCO2_PER_TCE, "carbon.tco2_per_tce", RND, "t CO2/tce", 0, 10, "2.0",
         "§6.3 carbon per tce [implied by the plan: 120万 t / 60万 tce]"),

    REAL(P_LAND_IDLE_RECOVERY, "land.idle_recovery", RND, "share/yr", 0, 1, "0.3",
         "§4.6 share of the idle-land stock recovered into the reserve each year"),
    REAL(P_LAND_CONVERSION_SHARE, "land.conversion_share", RND, "share", 0, 1, "0.1",
         "§4.7 share of land entering the reserve converted to non-industrial use"),
    REAL(P_LAND_NEW_SUPPLY_PER_YEAR, "land.new_supply_per_year", RND | PY, "mu/yr", 0, 1e12, "6000",
         "§5.3 new industrial land that projects may take each year [plan: ≥ 6,000 mu new]"),
    REAL(P_LAND_INITIAL_RESERVE, "land.initial_reserve", RND, "mu", 0, 1e12, "4000",
         "§4.7 reserve land available in the first year [ours: the plan's 1万亩/yr less 6,000 new]"),

    REAL(P_ATTR_MAJOR_PER_YEAR, "attract.major_per_year", RND | PY, "projects/yr", 0, 1e6, "80",
         "§5.1 mean yearly arrivals of major projects (≥ 10 亿元), Poisson"),
    REAL(P_ATTR_OTHER_PER_YEAR, "attract.other_per_year", RND | PY, "projects/yr", 0, 1e6, "200",
         "§5.1 mean yearly arrivals of ordinary projects, Poisson"),
    REAL(P_ATTR_LANDING_RATE, "attract.landing_rate", RND, "probability", 0, 1, "0.5",
         "§5.1 probability that an arriving project signs [plan task 11: 落地率 ≥ 50%]"),
    REAL(P_ATTR_MAJOR_EXCESS_MEDIAN, "attract.major_excess_median", RND, "亿元", 1e-6, INF, "15",
         "§5.2 median investment of a major project above 10 亿元 (median total 25 亿元)"),
    REAL(P_ATTR_MAJOR_EXCESS_SIGMA, "attract.major_excess_sigma", RND, "1", 0, 5, "0.8",
         "§5.2 log-sd of a major project's investment above 10 亿元 [ours]"),
    REAL(P_ATTR_OTHER_MEDIAN, "attract.other_median", RND, "亿元", 1e-6, 10, "2",
         "§5.2 median investment of an ordinary project"),
    REAL(P_ATTR_OTHER_SIGMA, "attract.other_sigma", RND, "1", 0, 5, "0.8",
         "§5.2 log-sd of an ordinary project's investment (capped at 10 亿元) [ours]"),
    REAL(P_ATTR_INTENSITY, "attract.intensity", RND, "万元/mu", 1e-6, INF, "800",
         "§5.2 investment per mu of land: land need = investment / intensity"),
    INT(P_ATTR_MAX_WAIT, "attract.max_wait", "yr", 0, 100, "2",
        "§5.3 a signed project without land or energy is lost after waiting this many years"),
    CHOICE(P_ATTR_ENERGY_OFFSET, "attract.energy_offset", "off", "off|on",
           "§5.4 on: a project starts only within the energy freed by rectification (等量/减量替代)"),
    REAL(P_ATTR_OFFSET_RATIO, "attract.offset_ratio", RND, "1", 1e-6, INF, "1.0",
         "§5.4 energy freed per unit granted: 1.0 等量, 1.2 减量替代"),
    INT(P_ATTR_BUILD_YEARS, "attract.build_years", "yr", 0, 20, "1",
        "§5.5 years from landing to production (then 50%, then 100%)"),
    REAL(P_ATTR_VA_PER_MU, "attract.va_per_mu", RND, "万元/mu", 0, INF, "400",
         "§5.5 median VA per mu of a new project at full production"),
    REAL(P_ATTR_VA_PER_MU_SIGMA, "attract.va_per_mu_sigma", RND, "1", 0, 5, "0.5",
         "§5.5 log-sd of a new project's VA per mu [ours]"),
    REAL(P_ATTR_TAX_PER_MU, "attract.tax_per_mu", RND, "万元/mu", 0, INF, "50",
         "§5.5 median tax per mu of a new project at full production"),
    REAL(P_ATTR_TAX_PER_MU_SIGMA, "attract.tax_per_mu_sigma", RND, "1", 0, 5, "0.5",
         "§5.5 log-sd of a new project's tax per mu [ours]"),
    REAL(P_ATTR_ENERGY_INTENSITY, "attract.energy_intensity", RND, "tce/万元", 0, INF, "0.25",
         "§5.5 median energy intensity of a new project"),
    REAL(P_ATTR_ENERGY_INTENSITY_SIGMA, "attract.energy_intensity_sigma", RND, "1", 0, 5, "0.5",
         "§5.5 log-sd of a new project's energy intensity [ours]"),
    REAL(P_ATTR_ENERGY_INTENSITY_MAX, "attract.energy_intensity_max", RND, "tce/万元", 0, INF,
         "0.52", "§5.5 entry standard: no new project above this energy intensity"),
    REAL(P_ATTR_VA_PER_EMPLOYEE, "attract.va_per_employee", RND, "万元/person", 1e-6, INF, "60",
         "§5.5 VA per employee of a new project at full production [ours]"),
    REAL(P_ATTR_COMMIT_TAX_PER_MU, "attract.commit_tax_per_mu", RND, "万元/mu", 0, INF, "35",
         "§5.6 标准地 commitment: tax per mu two years into production"),
    REAL(P_ATTR_P_ENFORCE, "attract.p_enforce", RND, "probability", 0, 1, "0.5",
         "§5.6 probability that a breach is enforced (land taken back, output removed)"),

    REAL(P_FUND_CONTRIBUTION_RATE, "fund.contribution_rate", RND, "share", 0, 1, "0.01",
         "§7 share of land transfer revenue paid into the fund [plan: ≥ 1%]"),
    REAL(P_FUND_LAND_REVENUE, "fund.land_revenue", RND | PY, "亿元/yr", 0, INF, "3000",
         "§7 median land transfer revenue [estimate]"),
    REAL(P_FUND_LAND_REVENUE_SIGMA, "fund.land_revenue_sigma", RND, "1", 0, 5, "0.25",
         "§7 log-sd of the yearly land revenue shock"),
    REAL(P_FUND_REVENUE_SHOCK_CORR, "fund.revenue_shock_corr", RND, "1", -1, 1, "0.5",
         "§7 correlation of the land revenue shock with the common growth shock Z_t"),
    REAL(P_FUND_LAND_PRICE, "fund.land_price", RND, "万元/mu", 0, INF, "40",
         "§7 price of reserve land sold to new projects"),
    REAL(P_FUND_INITIAL_CAPITAL, "fund.initial_capital", RND, "亿元", 0, INF, "0",
         "§7 capital paid in the first year [ours: none]"),
    REAL(P_FUND_BUYBACK_PRICE, "fund.buyback_price", RND, "万元/mu", 0, INF,
         "triangular(60, 90, 150)", "§7 buy-back price of an exiting firm's land [estimate]"),
    REAL(P_FUND_OTHER_SHARE, "fund.other_share", RND, "share", 0, 1, "0.2",
         "§7 share of inflows spent on housing and park infrastructure"),
    CHOICE(P_FUND_CONSTRAINED, "fund.constrained", "off", "off|on",
           "§7 on: an action that costs money starts only if the balance covers it"),
#ifdef TLHN_POPULATION_PARAM_ROWS
    TLHN_POPULATION_PARAM_ROWS,
#endif
};
#define N_TLHN_PARAMS (sizeof tlhn_params / sizeof tlhn_params[0])
_Static_assert(N_TLHN_PARAMS >= P_COUNT, "every P_ row has a table row");

/* ---- metrics ---------------------------------------------------------------------------------- */

#define CUM(id, name, unit, en, zh, dir, flags) [id] = { name, unit, en, zh, dir, METRIC_CUMULATIVE, flags }
#define STATE(id, name, unit, en, zh, dir) [id] = { name, unit, en, zh, dir, METRIC_STATE, 0 }
#define G METRIC_BY_GROUP
#define MORE METRIC_MORE
#define LESS METRIC_LESS

static const metric_def tlhn_metrics[] = {
    CUM(M_FIRMS_RECTIFIED, "firms_rectified", "firms", "firms rectified (completed actions)",
        "淘汰落后及整治提升企业", MORE, G),
    CUM(M_FIRMS_EXITED, "firms_exited", "firms", "firms exited (整体腾退/依法处置)", "腾退企业", MORE, G),
    CUM(M_FIRMS_MERGED, "firms_merged", "firms", "firms merged", "兼并重组企业", MORE, G),
    CUM(M_FIRMS_RELOCATED, "firms_relocated", "firms", "firms relocated into parks", "搬迁入园企业",
        MORE, G),
    CUM(M_FIRMS_UPGRADED, "firms_upgraded", "firms", "firms upgraded successfully", "改造提升企业",
        MORE, G),
    CUM(M_LAND_RELEASED, "land_released_mu", "mu", "land released by rectification",
        "整治腾出土地", MORE, G),
    CUM(M_LAND_IDLE_RECOVERED, "land_idle_recovered_mu", "mu", "idle industrial land recovered",
        "处置闲置工业用地", MORE, G),
    CUM(M_LAND_REVITALIZED, "land_revitalized_mu", "mu", "inefficient industrial land revitalised",
        "盘活低效工业用地", MORE, G),
    CUM(M_PARK_LAND_USED, "park_land_used_mu", "mu", "park land taken by relocated firms",
        "搬迁入园用地", LESS, G),
    CUM(M_ENERGY_FREED, "energy_freed_tce", "tce", "energy use freed by rectification",
        "腾出用能", MORE, G),
    CUM(M_CARBON_REDUCED, "carbon_reduced_t", "t CO2", "local carbon emissions reduced", "减碳",
        MORE, G),
    CUM(M_CARBON_LEAKED, "carbon_leaked_t", "t CO2", "carbon emissions moved outside the city",
        "碳泄漏", LESS, G),
    CUM(M_LAND_REUSED, "land_reused_mu", "mu", "reserve land given to new projects",
        "收储土地再利用", MORE, 0),
    CUM(M_LAND_NEW_SUPPLY, "land_new_supply_mu", "mu", "new industrial land given to projects",
        "新增工业用地", LESS, 0),
    CUM(M_ENERGY_NEW, "energy_new_tce", "tce", "energy granted to new projects (full production)",
        "新上项目用能", LESS, 0),
    CUM(M_PROJECTS_LANDED, "projects_landed", "projects", "projects landed (signed and given land)",
        "招引落地项目", MORE, 0),
    CUM(M_PROJECTS_MAJOR_LANDED, "projects_major_landed", "projects",
        "major projects (≥ 10 亿元) landed", "招引落地10亿元以上重大制造业项目", MORE, 0),
    CUM(M_INVESTMENT_LANDED, "investment_landed_yi", "亿元", "investment of landed projects",
        "落地项目总投资", MORE, 0),
    CUM(M_INVESTMENT_COMPLETED, "investment_completed_yi", "亿元", "investment completed",
        "完成投资", MORE, 0),
    CUM(M_FUND_INFLOW, "fund_inflow_yi", "亿元", "fund inflows", "腾笼换鸟资金流入", MORE, 0),
    CUM(M_FUND_OUTFLOW, "fund_outflow_yi", "亿元", "fund outflows", "腾笼换鸟资金支出", LESS, 0),
    CUM(M_FIRMS_STARTED, "firms_started", "firms", "rectification actions started",
        "启动整治企业", MORE, 0),
    CUM(M_UPGRADES_FAILED, "upgrades_failed", "firms", "upgrades that failed the standard",
        "改造未达标企业", LESS, 0),
    CUM(M_FIRMS_ESCALATED, "firms_escalated", "firms", "failed upgrades escalated to exit",
        "逾期未整改依法处置企业", LESS, 0),
    CUM(M_FIRMS_CLOSED, "firms_closed", "firms", "firms closed naturally", "自然退出企业", LESS, 0),
    CUM(M_ENERGY_CLOSED, "energy_closed_tce", "tce", "energy use of firms closed naturally",
        "自然退出企业用能", LESS, 0),
    CUM(M_LAND_RECLAIMED, "land_reclaimed_mu", "mu", "land taken back from breached projects",
        "违约收回土地", MORE, 0),
    CUM(M_LAND_CONVERTED, "land_converted_mu", "mu", "reserve land converted to other uses",
        "生态复垦及转型发展用地", MORE, 0),
    CUM(M_PROJECTS_LOST, "projects_lost", "projects", "signed projects lost waiting",
        "流失项目", LESS, 0),
    CUM(M_PROJECTS_BREACHED, "projects_breached", "projects", "projects in breach of commitments",
        "未兑现承诺项目", LESS, 0),
    CUM(M_SURCHARGE_PAID, "surcharge_paid_yi", "亿元", "differentiated electricity surcharges",
        "差别化电价加价", LESS, 0),
    CUM(M_LAND_REVENUE, "land_revenue_yi", "亿元", "land transfer revenue (the fund's contribution base)",
        "土地出让收入", MORE, 0),
    STATE(M_FUND_BALANCE, "fund_balance_yi", "亿元", "fund balance", "资金余额", MORE),
    STATE(M_FUND_MIN_BALANCE, "fund_min_balance_yi", "亿元", "lowest year-end fund balance so far",
          "资金最低余额", MORE),
    STATE(M_FUND_BREAKEVEN_RATE, "fund_breakeven_rate", "share",
          "smallest contribution rate keeping every year-end balance so far >= 0",
          "资金不透支所需最低提取比例", LESS),
    STATE(M_FUND_BREAKEVEN_CAPITAL, "fund_breakeven_capital_yi", "亿元",
          "smallest initial capital keeping every year-end balance so far >= 0",
          "资金不透支所需最低启动资金", LESS),
    STATE(M_VA_TOTAL, "va_total_yi", "亿元", "value added of 规上 industry", "规上工业增加值", MORE),
    STATE(M_TAX_TOTAL, "tax_total_yi", "亿元", "tax of 规上 industry", "规上工业税收", MORE),
    STATE(M_LAND_TOTAL, "land_total_mu", "mu", "land of 规上 industry in production",
          "规上工业用地", LESS),
    STATE(M_ENERGY_TOTAL, "energy_total_tce", "tce", "energy use of 规上 industry", "规上工业能耗",
          LESS),
    STATE(M_TAX_PER_MU, "tax_per_mu", "万元/mu", "tax per mu (规上)", "规上工业亩均税收", MORE),
    STATE(M_VA_PER_MU, "va_per_mu", "万元/mu", "value added per mu (规上)", "规上工业亩均增加值",
          MORE),
    STATE(M_LABOR_PRODUCTIVITY, "labor_productivity", "万元/person",
          "value added per employee (规上)", "规上全员劳动生产率", MORE),
    STATE(M_ENERGY_INTENSITY, "energy_intensity", "tce/万元", "energy per unit of value added (规上)",
          "单位工业增加值能耗", LESS),
    STATE(M_ENERGY_INTENSITY_CHANGE, "energy_intensity_change", "1",
          "change of energy intensity since the base year", "单位工业增加值能耗变化", LESS),
    STATE(M_FIRMS_A, "firms_A", "firms", "firms evaluated A", "A类企业", MORE),
    STATE(M_FIRMS_B, "firms_B", "firms", "firms evaluated B", "B类企业", MORE),
    STATE(M_FIRMS_C, "firms_C", "firms", "firms evaluated C", "C类企业", LESS),
    STATE(M_FIRMS_D, "firms_D", "firms", "firms evaluated D", "D类企业", LESS),
    STATE(M_LAND_RESERVE, "land_reserve_mu", "mu", "land in the reserve, available next year",
          "收储土地存量", MORE),
    STATE(M_LAND_IDLE, "land_idle_mu", "mu", "idle industrial land not yet recovered",
          "闲置工业用地存量", LESS),
    STATE(M_PROJECTS_WAITING, "projects_waiting", "projects", "signed projects waiting for land",
          "待落地项目", LESS),
};
_Static_assert(sizeof tlhn_metrics / sizeof tlhn_metrics[0] == M_COUNT, "metric table order");

/* ---- check ------------------------------------------------------------------------------------------ */

/* A constant value of `key`, or an error naming where it was set. */
static int constant_of(const scenario *sc, const char *key, double *v, phx_err *e)
{
    const dist *d = scenario_dist(sc, key, 0);
    if (d->kind != DIST_CONST) {
        const char *file;
        int line;
        scenario_origin(sc, key, &file, &line);
        return phx_fail(e, PHX_EINPUT, file, line, key,
                        "must be a constant (it is one of shares that must sum to 1)");
    }
    *v = d->a;
    return PHX_OK;
}

/* Do the shares of `keys` sum to 1 within 1e-9? The error names the one the user set last. */
static int check_sum(const scenario *sc, const char *const keys[], int n, const char *what,
                     phx_err *e)
{
    double sum = 0, v = 0;
    const char *file = "default", *bad = keys[0];
    int line = 0;
    for (int k = 0; k < n; k++) {
        if (constant_of(sc, keys[k], &v, e))
            return e->status;
        sum += v;
        const char *f;
        int l;
        scenario_origin(sc, keys[k], &f, &l);
        if (strcmp(f, "default") != 0 && (strcmp(file, "default") == 0 || l >= line)) {
            file = f;
            line = l;
            bad = keys[k];
        }
    }
    if (fabs(sum - 1) > 1e-9)
        return phx_fail(e, PHX_EINPUT, file, line, bad, "%s sum to %.12g, not 1", what, sum);
    return PHX_OK;
}

static int tlhn_check(const scenario *sc, phx_err *e)
{
    static const char *const shares[] = { "evaluation.share.A", "evaluation.share.B",
                                          "evaluation.share.C", "evaluation.share.D" };
    if (check_sum(sc, shares, 4, "evaluation.share.A..D", e))
        return e->status;
    static const char *const cls = "ABCD";
    static const char *const act[N_ACTIONS] = { "exit", "merge", "relocate", "upgrade" };
    for (int c = 0; c < N_CLASSES; c++) {
        char buf[N_ACTIONS][64], what[64];
        const char *keys[N_ACTIONS];
        for (int a = 0; a < N_ACTIONS; a++) {
            snprintf(buf[a], sizeof buf[a], "rectify.mix.%c.%s", cls[c], act[a]);
            keys[a] = buf[a];
        }
        snprintf(what, sizeof what, "rectify.mix.%c.exit..upgrade", cls[c]);
        if (check_sum(sc, keys, N_ACTIONS, what, e))
            return e->status;
    }
    return PHX_OK;
}

/* ---- prepare -------------------------------------------------------------------------------------- */

static void tlhn_shared_free(void *p)
{
    tlhn_shared *sh = p;
    if (sh == NULL)
        return;
    tlhn_firms_free(sh->firms);
    free(sh->unit_order);
    free(sh->unit_start);
    free(sh->unit_above);
    free(sh->unit_of);
    free(sh);
}

/* rectify.classes "C, D" -> bits. */
static unsigned classes_mask(const char *text)
{
    unsigned mask = 0;
    for (const char *p = text; *p; p++)
        if (*p >= 'A' && *p <= 'D' && (p == text || strchr(", \t", p[-1])) &&
            (p[1] == '\0' || strchr(", \t", p[1])))
            mask |= 1u << (*p - 'A');
    return mask;
}

/* Evaluation units (§3.2): district x group, or city x group. Firms never change unit (a firm
 * relocates within its district and keeps its 规上/规下 status [ours]). */
static void build_units(tlhn_shared *sh)
{
    const tlhn_firms *f = sh->firms;
    sh->n_units = sh->scope_city ? 2 : 2 * TLHN_N_DISTRICTS;
    sh->unit_start = phx_calloc(sh->n_units + 1, sizeof *sh->unit_start);
    sh->unit_above = phx_calloc(sh->n_units, sizeof *sh->unit_above);
    sh->unit_order = phx_malloc(f->n * sizeof *sh->unit_order);
    size_t *fill = phx_calloc(sh->n_units, sizeof *fill);
    for (size_t u = 0; u < sh->n_units; u++)
        sh->unit_above[u] = (uint8_t)(u & 1u);
    for (size_t i = 0; i < f->n; i++) {
        size_t u = (sh->scope_city ? 0 : 2u * f->district[i]) + (f->above_scale[i] != 0);
        sh->unit_start[u + 1]++;
    }
    for (size_t u = 0; u < sh->n_units; u++)
        sh->unit_start[u + 1] += sh->unit_start[u];
    for (size_t i = 0; i < f->n; i++) {
        size_t u = (sh->scope_city ? 0 : 2u * f->district[i]) + (f->above_scale[i] != 0);
        sh->unit_order[sh->unit_start[u] + fill[u]++] = (uint32_t)i;
    }
    free(fill);
}

static int tlhn_prepare(const scenario *sc, void **out, phx_err *e)
{
    for (size_t p = 0; p < N_TLHN_PARAMS; p++)   /* the designated initialisers left no hole */
        assert(tlhn_params[p].name != NULL);
    for (int m = 0; m < M_COUNT; m++)
        assert(tlhn_metrics[m].name != NULL &&
               ((tlhn_metrics[m].flags & METRIC_BY_GROUP) != 0) == (m < M_N_GROUP));
    tlhn_shared *sh = phx_calloc(1, sizeof *sh);
    sh->year_first = sc->year_first;
    sh->n_years = sc->n_years;
    sh->scope_city = strcmp(scenario_text(sc, "evaluation.scope"), "city") == 0;
    sh->classes_mask = classes_mask(scenario_text(sc, "rectify.classes"));
    const char *pr = scenario_text(sc, "rectify.priority");
    sh->priority = strcmp(pr, "energy") == 0       ? PRIORITY_ENERGY
                   : strcmp(pr, "tax_per_mu") == 0 ? PRIORITY_TAX_PER_MU
                                                   : PRIORITY_SCORE;
    sh->energy_offset = strcmp(scenario_text(sc, "attract.energy_offset"), "on") == 0;
    sh->fund_constrained = strcmp(scenario_text(sc, "fund.constrained"), "on") == 0;
    sh->firms = tlhn_firms_load(sc, e);
    if (sh->firms == NULL) {
        tlhn_shared_free(sh);
        return e && e->status ? e->status : PHX_EINPUT;
    }
    if (sh->firms->n > UINT32_MAX) {
        tlhn_shared_free(sh);
        return phx_fail(e, PHX_EINPUT, sc->firms, 0, NULL, "too many firms (at most %u)",
                        UINT32_MAX);
    }
    sh->n = sh->firms->n;
    build_units(sh);
    tlhn_units_index(sh);                  /* order.c */
    double va = 0, energy = 0;
    for (size_t i = 0; i < sh->n; i++)
        if (sh->firms->above_scale[i]) {
            va += sh->firms->value_added[i];
            energy += sh->firms->energy_tce[i];
        }
    sh->base_energy_intensity = va > 0 ? energy / va : 0;
    /* signed projects: a first guess from the mean arrivals (the scratch grows if needed) */
    double guess = 64;
    for (int y = 0; y < sc->n_years; y++)
        guess += 1.5 * (dist_mean(scenario_dist(sc, "attract.major_per_year", y)) +
                        dist_mean(scenario_dist(sc, "attract.other_per_year", y)));
    sh->project_capacity = guess < 1e6 ? (size_t)guess : 1000000;
    *out = sh;
    return PHX_OK;
}

/* ---- scratch -------------------------------------------------------------------------------------- */

static void tlhn_scratch_free(void *p)
{
    tlhn_scratch *s = p;
    if (s == NULL)
        return;
    gsl_rng_free(s->r);
    double *d[] = { s->va, s->tax, s->energy, s->kwh, s->land, s->employees, s->emissions,
                    s->score, s->surcharge };
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++)
        free(d[k]);
    free(s->alive);
    free(s->rect);
    free(s->action);
    free(s->cls);
    free(s->due);
    free(s->items);
    tlhn_rank_work_free(s->rank_work);
    free(s->ind);
    free(s->proj);
    free(s);
}

static void *tlhn_scratch_alloc(const void *shared)
{
    const tlhn_shared *sh = shared;
    size_t n = sh->n ? sh->n : 1;
    tlhn_scratch *s = phx_calloc(1, sizeof *s);
    s->r = gsl_rng_alloc(rng_philox);
    if (s->r == NULL)
        phx_malloc((size_t)-1);                  /* the one out-of-memory handler */
    s->n = sh->n;
    double **d[] = { &s->va, &s->tax, &s->energy, &s->kwh, &s->land, &s->employees, &s->emissions,
                     &s->score, &s->surcharge };
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++)
        *d[k] = phx_calloc(n, sizeof(double));
    s->alive = phx_calloc(n, 1);
    s->rect = phx_calloc(n, 1);
    s->action = phx_calloc(n, 1);
    s->cls = phx_calloc(n, 1);
    s->due = phx_calloc(n, sizeof *s->due);
    s->items = phx_calloc(n, sizeof *s->items);
    s->rank_work = tlhn_rank_work_alloc(n);
    s->ind = phx_calloc(7 * n, sizeof *s->ind);   /* evaluate.c: 6 indicator rows + land */
    s->cap_proj = sh->project_capacity;
    s->proj = phx_calloc(s->cap_proj, sizeof *s->proj);
    return s;
}

/* ---- the year loop -------------------------------------------------------------------------------- */

/* Start of a replication: the firms as in the base table, every account empty. */
static void reset(const tlhn_shared *sh, tlhn_scratch *s)
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
    memset(s->rect, RECT_NONE, sh->n);
    memset(s->action, 0, sh->n);
    memset(s->cls, 0, sh->n);
    memset(s->due, 0, sh->n * sizeof *s->due);
    s->n_proj = 0;
    memset(s->cum, 0, sizeof s->cum);
    memset(s->dcum, 0, sizeof s->dcum);
    memset(s->idle, 0, sizeof s->idle);
    memset(s->class_count, 0, sizeof s->class_count);
    s->reserve_entering = s->energy_granted = 0;
    s->absorbed_va = s->absorbed_tax = s->absorbed_new_va = s->absorbed_new_tax = 0;
    s->fund_balance = s->fund_min = 0;
    s->fund_breakeven_rate = s->fund_breakeven_capital = 0;
    s->z_common = 0;
}

/* §6.4 step 7: the metrics of year index y; state metrics on end-of-year values. */
static void record(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, int y,
                   double *row, double *group_row)
{
    size_t ny = (size_t)rc->n_years;
    for (int m = 0; m < M_N_GROUP; m++)
        for (int d = 0; d < TLHN_N_DISTRICTS; d++)
            group_row[((size_t)m * ny + (size_t)y) * TLHN_N_DISTRICTS + (size_t)d] = s->dcum[m][d];
    double v[M_COUNT];
    memcpy(v, s->cum, sizeof v);
    static const int money[] = { M_INVESTMENT_LANDED, M_INVESTMENT_COMPLETED, M_FUND_INFLOW,
                                 M_FUND_OUTFLOW, M_SURCHARGE_PAID, M_LAND_REVENUE };
    for (size_t k = 0; k < sizeof money / sizeof money[0]; k++)
        v[money[k]] /= 1e4;                              /* 万元 -> 亿元 */
    /* 规上 totals: operating firms, absorbed output, projects in production */
    double va = 0, tax = 0, land = 0, energy = 0, emp = 0;
    const uint8_t *above = sh->firms->above_scale;
    for (size_t i = 0; i < s->n; i++)
        if (s->alive[i] && above[i]) {
            va += s->va[i];
            tax += s->tax[i];
            land += s->land[i];
            energy += s->energy[i];
            emp += s->employees[i];
        }
    /* absorbed output needs energy (and, ours, workers) at the operating firms' averages */
    if (va > 0) {
        energy += s->absorbed_va * energy / va;
        emp += s->absorbed_va * emp / va;
    }
    va += s->absorbed_va;
    tax += s->absorbed_tax;
    double pva, ptax, pland, penergy, pemp;
    tlhn_attract_totals(s, rc, y, &pva, &ptax, &pland, &penergy, &pemp);
    va += pva;
    tax += ptax;
    land += pland;
    energy += penergy;
    emp += pemp;
    double idle = 0;
    for (int d = 0; d < TLHN_N_DISTRICTS; d++)
        idle += s->idle[d];
    size_t waiting = 0;
    for (size_t k = 0; k < s->n_proj; k++)
        waiting += s->proj[k].state == PROJ_WAITING;
    v[M_FUND_BALANCE] = s->fund_balance / 1e4;
    v[M_FUND_MIN_BALANCE] = s->fund_min / 1e4;
    v[M_FUND_BREAKEVEN_RATE] = s->fund_breakeven_rate;
    v[M_FUND_BREAKEVEN_CAPITAL] = s->fund_breakeven_capital / 1e4;
    v[M_VA_TOTAL] = va / 1e4;
    v[M_TAX_TOTAL] = tax / 1e4;
    v[M_LAND_TOTAL] = land;
    v[M_ENERGY_TOTAL] = energy;
    v[M_TAX_PER_MU] = land > 0 ? tax / land : 0;
    v[M_VA_PER_MU] = land > 0 ? va / land : 0;
    v[M_LABOR_PRODUCTIVITY] = emp > 0 ? va / emp : 0;
    v[M_ENERGY_INTENSITY] = va > 0 ? energy / va : 0;
    v[M_ENERGY_INTENSITY_CHANGE] =
        sh->base_energy_intensity > 0 ? v[M_ENERGY_INTENSITY] / sh->base_energy_intensity - 1 : 0;
    for (int c = 0; c < N_CLASSES; c++)
        v[M_FIRMS_A + c] = s->class_count[c];
    v[M_LAND_RESERVE] = s->reserve;
    v[M_LAND_IDLE] = idle;
    v[M_PROJECTS_WAITING] = (double)waiting;
    for (int m = 0; m < M_COUNT; m++)
        row[(size_t)m * ny + (size_t)y] = v[m];
}

static int tlhn_simulate(const void *shared, void *scratch, const replication_ctx *rc,
                         double *row, double *group_row)
{
    const tlhn_shared *sh = shared;
    tlhn_scratch *s = scratch;
    reset(sh, s);
    s->reserve = THETA(rc, P_LAND_INITIAL_RESERVE);   /* the stock the plan starts from */
    for (int y = 0; y < rc->n_years; y++) {
        int year = rc->year_first + y;
        /* Z_t, the common shock of growth (§6.1) and of land revenue (§7) */
        rng_address(s->r, rc->seed, rc->replication, RNG_TLHN_COMMON, 0, (uint32_t)year);
        s->z_common = gsl_ran_gaussian_ziggurat(s->r, 1.0);
        tlhn_fund_year_start(s, rc, y);
        tlhn_evaluate(sh, s, rc, y);              /* 1. evaluate and class (§3) */
        tlhn_rectify_start(sh, s, rc, y);         /* 2. candidates, actions, lags (§4.1-4.4) */
        tlhn_rectify_complete(sh, s, rc, y);      /* 3. completions and effects (§4.4-4.5) */
        if (tlhn_attract_year(sh, s, rc, y))      /* 4. new projects (§5) */
            return PHX_ERUN;
        tlhn_economy_grow(sh, s, rc, y);          /* 5. growth and efficiency drift (§6.1) */
        tlhn_economy_exits(sh, s, rc, y);         /* 6. natural exits, idle land (§6.2, §4.6) */
        s->reserve += s->reserve_entering;        /* available from next year (§4.7) */
        s->reserve_entering = 0;
        if (s->fund_balance < s->fund_min || y == 0)
            s->fund_min = s->fund_balance;
        tlhn_fund_breakeven(s, rc);               /* for `phoenix fund` (docs/model.md) */
        record(sh, s, rc, y, row, group_row);     /* 7. metrics (§8) */
    }
    return PHX_OK;
}

const model_type model_tlhn = {
    .name = "tlhn",
    .description = "腾笼换鸟、凤凰涅槃 (杭政函〔2021〕92号): 亩均 evaluation, rectification of "
                   "高耗低效 firms, new projects, land reserve and fund",
    .params = tlhn_params,
    .n_params = N_TLHN_PARAMS,
    .metrics = tlhn_metrics,
    .n_metrics = M_COUNT,
    .group_dim = "district",
    .group_names = tlhn_district_pinyin,
    .n_groups = TLHN_N_DISTRICTS,
    .check = tlhn_check,
    .prepare = tlhn_prepare,
    .shared_free = tlhn_shared_free,
    .scratch_alloc = tlhn_scratch_alloc,
    .scratch_free = tlhn_scratch_free,
    .simulate = tlhn_simulate,
};
