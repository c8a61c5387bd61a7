/* tlhn.c -- the 腾笼换鸟 model (docs/model.md): parameter and metric tables, checks, shared data,
 * scratch and the yearly loop of §6.4. The steps live in evaluate.c (§3), rectify.c (§4),
 * economy.c (§6, §4.6), attract.c (§5, §4.7) and fund.c (§7); see docs/model.md. */
#include "tlhn.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "../../engine/layout.h"
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
#define MIX(id, cls, act, def) \
    REAL(id, "rectify.mix." #cls "." #act, 0, "share", 0, 1, def, \
         "§4.3 share of class " #cls " starts whose action is " #act " (the class's mix sums to 1)")
#define ROW(id, ...) [id] = __VA_ARGS__
#define TLHN_PARAM_ROW(kind, id, ...) kind(id, __VA_ARGS__),

static const param_def tlhn_params[] = {
    TLHN_PARAMS(TLHN_PARAM_ROW)
#ifdef TLHN_POPULATION_PARAM_ROWS
    TLHN_POPULATION_PARAM_ROWS,
#endif
};
#define N_TLHN_PARAMS (sizeof tlhn_params / sizeof tlhn_params[0])
_Static_assert(N_TLHN_PARAMS >= P_COUNT, "every P_ row has a table row");

/* ---- metrics ---------------------------------------------------------------------------------- */

#define CUM(id, name, unit, en, zh, dir, flags) [id] = { name, unit, en, zh, dir, METRIC_CUMULATIVE, flags }
#define STATE(id, name, unit, en, zh, dir) [id] = { name, unit, en, zh, dir, METRIC_STATE, 0 }
/* Money: the model computes in 万元 and reports in 亿元 (the unit's scale, applied by record()). */
#define CUM_YI(id, name, en, zh, dir, flags) \
    [id] = { name, "亿元", en, zh, dir, METRIC_CUMULATIVE, (flags) | METRIC_SCALE_1E4 }
#define STATE_YI(id, name, en, zh, dir) [id] = { name, "亿元", en, zh, dir, METRIC_STATE, METRIC_SCALE_1E4 }
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
    CUM_YI(M_INVESTMENT_LANDED, "investment_landed_yi", "investment of landed projects",
        "落地项目总投资", MORE, 0),
    CUM_YI(M_INVESTMENT_COMPLETED, "investment_completed_yi", "investment completed",
        "完成投资", MORE, 0),
    CUM_YI(M_FUND_INFLOW, "fund_inflow_yi", "fund inflows", "腾笼换鸟资金流入", MORE, 0),
    CUM_YI(M_FUND_OUTFLOW, "fund_outflow_yi", "fund outflows", "腾笼换鸟资金支出", LESS, 0),
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
    CUM_YI(M_SURCHARGE_PAID, "surcharge_paid_yi", "differentiated electricity surcharges",
        "差别化电价加价", LESS, 0),
    CUM_YI(M_LAND_REVENUE, "land_revenue_yi", "land transfer revenue (the fund's contribution base)",
        "土地出让收入", MORE, 0),
    STATE_YI(M_FUND_BALANCE, "fund_balance_yi", "fund balance", "资金余额", MORE),
    STATE_YI(M_FUND_MIN_BALANCE, "fund_min_balance_yi", "lowest year-end fund balance so far",
          "资金最低余额", MORE),
    STATE(M_FUND_BREAKEVEN_RATE, "fund_breakeven_rate", "share",
          "smallest contribution rate keeping every year-end balance so far >= 0",
          "资金不透支所需最低提取比例", LESS),
    STATE_YI(M_FUND_BREAKEVEN_CAPITAL, "fund_breakeven_capital_yi",
          "smallest initial capital keeping every year-end balance so far >= 0",
          "资金不透支所需最低启动资金", LESS),
    STATE_YI(M_VA_TOTAL, "va_total_yi", "value added of 规上 industry", "规上工业增加值", MORE),
    STATE_YI(M_TAX_TOTAL, "tax_total_yi", "tax of 规上 industry", "规上工业税收", MORE),
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
    /* constraints that bind (issue 13): > 0 means the constraint bound; coverage.c, rectify.c,
     * attract.c */
    CUM(M_QUOTA_UNFILLED, "quota_unfilled", "firms",
        "rectification starts the quota asked for with no candidate left", "整治任务缺口(无候选企业)",
        LESS, METRIC_CONSTRAINT),
    CUM(M_QUOTA_UNFUNDED, "quota_unfunded", "firms",
        "rectification starts not made for want of money (fund.constrained)",
        "整治任务缺口(资金不足)", LESS, METRIC_CONSTRAINT),
    [M_PROJECTS_WAITING_LAND] = { "projects_waiting_for_land", "projects",
        "signed projects waiting at year end because the land left was too little",
        "因缺地待落地项目", LESS, METRIC_STATE, METRIC_CONSTRAINT },
    [M_PROJECTS_WAITING_ENERGY] = { "projects_waiting_for_energy", "projects",
        "signed projects with land waiting at year end for the energy budget (等量/减量替代)",
        "因用能指标待落地项目", LESS, METRIC_STATE, METRIC_CONSTRAINT },
    STATE(M_PROJECTS_LANDED_YEAR, "projects_landed_year", "projects",
          "projects landed in the year (not cumulative)", "当年落地项目", MORE),
    STATE(M_PROJECTS_MAJOR_LANDED_YEAR, "projects_major_landed_year", "projects",
          "major projects (≥ 10 亿元) landed in the year (not cumulative)",
          "当年落地10亿元以上制造业项目", MORE),
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
    free(sh->unit_ind);
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
    tlhn_coverage_prepare(sc, sh);      /* population.coverage, provenance (coverage.c) */
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
    double *d[] = { s->va, s->tax, s->energy, s->kwh, s->land, s->emissions,
                    s->score, s->surcharge };
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++)
        free(d[k]);
    free(s->alive);
    free(s->rect);
    free(s->action);
    free(s->cls);
    free(s->due);
    free(s->active);
    free(s->items);
    tlhn_rank_work_free(s->rank_work);
    free(s->ind);
    free(s->proj);
    free(s->theta);
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
    double **d[] = { &s->va, &s->tax, &s->energy, &s->kwh, &s->land, &s->emissions,
                     &s->score, &s->surcharge };
    for (size_t k = 0; k < sizeof d / sizeof d[0]; k++)
        *d[k] = phx_calloc(n, sizeof(double));
    s->alive = phx_calloc(n, 1);
    s->rect = phx_calloc(n, 1);
    s->action = phx_calloc(n, 1);
    s->cls = phx_calloc(n, 1);
    s->due = phx_calloc(n, sizeof *s->due);
    s->active = phx_calloc((n + 63) / 64, sizeof *s->active);
    s->items = phx_calloc(n, sizeof *s->items);
    s->rank_work = tlhn_rank_work_alloc(n);
    s->ind = phx_calloc(sh->unit_ind[sh->n_units] ? sh->unit_ind[sh->n_units] : 1,
                        sizeof *s->ind);        /* order.c, evaluate.c */
    s->cap_proj = sh->project_capacity;
    s->proj = phx_calloc(s->cap_proj, sizeof *s->proj);
    s->theta = phx_calloc(sh->n_slots ? sh->n_slots : 1, sizeof *s->theta);
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
    memcpy(s->emissions, f->emissions, nb);
    memset(s->score, 0, nb);
    memset(s->surcharge, 0, nb);
    memset(s->alive, 1, sh->n);
    memset(s->rect, RECT_NONE, sh->n);
    memset(s->action, 0, sh->n);
    memset(s->cls, 0, sh->n);
    memset(s->due, 0, sh->n * sizeof *s->due);
    memset(s->active, 0, (sh->n + 63) / 64 * sizeof *s->active);
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
            group_row[layout_group_cell((size_t)m, (size_t)y, (size_t)d, ny, TLHN_N_DISTRICTS)] = s->dcum[m][d];
    double v[M_COUNT];
    memcpy(v, s->cum, sizeof v);
    /* 规上 totals: operating firms, absorbed output, projects in production */
    double va = s->op_va, tax = s->op_tax, land = s->op_land, energy = s->op_energy;
    double emp = s->op_employees;                  /* summed in table order by economy.c */
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
    v[M_FUND_BALANCE] = s->fund_balance;
    v[M_FUND_MIN_BALANCE] = s->fund_min;
    v[M_FUND_BREAKEVEN_RATE] = s->fund_breakeven_rate;
    v[M_FUND_BREAKEVEN_CAPITAL] = s->fund_breakeven_capital;
    v[M_VA_TOTAL] = va;
    v[M_TAX_TOTAL] = tax;
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
    /* the year's landings: this year's cumulative count less last year's */
    v[M_PROJECTS_LANDED_YEAR] = v[M_PROJECTS_LANDED] -
        (y > 0 ? row[layout_cell(M_PROJECTS_LANDED, (size_t)y - 1, ny)] : 0);
    v[M_PROJECTS_MAJOR_LANDED_YEAR] = v[M_PROJECTS_MAJOR_LANDED] -
        (y > 0 ? row[layout_cell(M_PROJECTS_MAJOR_LANDED, (size_t)y - 1, ny)] : 0);
    for (int m = 0; m < M_COUNT; m++)           /* the one place a unit's scale is applied */
        row[layout_cell((size_t)m, (size_t)y, ny)] = metric_scaled(&tlhn_metrics[m], v[m]);
}

static int tlhn_simulate(const void *shared, void *scratch, const replication_ctx *rc,
                         double *row, double *group_row)
{
    const tlhn_shared *sh = shared;
    tlhn_scratch *s = scratch;
    replication_ctx covered;
    rc = tlhn_coverage_apply(sh, s, rc, &covered);   /* population.coverage < 1 (coverage.c) */
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
        tlhn_economy_year(sh, s, rc, y);          /* 5-6. growth and efficiency drift (§6.1),
                                                   * natural exits, idle land (§6.2, §4.6) */
        s->reserve += s->reserve_entering;        /* available from next year (§4.7) */
        s->reserve_entering = 0;
        if (s->fund_balance < s->fund_min || y == 0)
            s->fund_min = s->fund_balance;
        tlhn_fund_breakeven(s, rc);               /* for `phoenix fund` (docs/model.md) */
        record(sh, s, rc, y, row, group_row);     /* 7. metrics (§8) */
    }
    return PHX_OK;
}

/* The firms one replication simulates each year (for the run's throughput line). */
static size_t tlhn_n_entities(const void *shared)
{
    const tlhn_shared *sh = shared;
    return sh->firms->n;
}

/* phoenix synth: the firm table the scenario would run on (synthetic or read), as CSV. */
static int tlhn_synthesize(const scenario *sc, const char *path, size_t *n, phx_err *e)
{
    tlhn_firms *f = tlhn_firms_load(sc, e);
    if (f == NULL)
        return e->status ? e->status : PHX_ERUN;
    int st = tlhn_firms_write_csv(f, path, e);
    *n = f->n;
    tlhn_firms_free(f);
    return st;
}

/* The input table's generic options (--csv-delimiter, --encoding; engine/model.h). */
static const model_option tlhn_options[] = {
    { "input.csv_delimiter", "population.csv_delimiter" },
    { "input.encoding", "population.encoding" },
};

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
    .provenance = tlhn_provenance,
    .target_factor = tlhn_target_factor,
    .scratch_alloc = tlhn_scratch_alloc,
    .scratch_free = tlhn_scratch_free,
    .simulate = tlhn_simulate,
    .synthesize = tlhn_synthesize,
    .sizing = &tlhn_sizing,
    .group_names_zh = tlhn_district_zh,
    .n_entities = tlhn_n_entities,
    .entity = "firm",
    .options = tlhn_options,
    .n_options = sizeof tlhn_options / sizeof tlhn_options[0],
};
