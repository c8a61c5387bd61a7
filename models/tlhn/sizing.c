/* sizing.c -- what `phoenix fund` needs to size the 腾笼换鸟 fund (docs/model.md "Sizing the
 * fund"): its levers (the contribution rate of land transfer revenue, 杭政函〔2021〕92号 四(一):
 * 提取土地出让收入的1%以上, and the initial capital), each replication's break-even value of them,
 * and how the year-end balance responds to each. */
#include "tlhn.h"

#include "../../engine/layout.h"

/* d balance_y / d rate = (1 - other uses' share) x land revenue of year y (亿元). */
static double rate_slope(const scenario *sc, const double *theta, const double *row, int y)
{
    double other = layout_param(sc, theta, P_FUND_OTHER_SHARE, 0);
    return (1 - other) * layout_value(row, M_LAND_REVENUE, (size_t)y, (size_t)sc->n_years);
}

/* An initial capital stays in the fund: the balance moves one for one. */
static double capital_slope(const scenario *sc, const double *theta, const double *row, int y)
{
    return 1;
}

/* A rate funds something only when there is land revenue and not all of it goes elsewhere. */
static int rate_check(const scenario *sc, phx_err *e)
{
    const char *file;
    int line, revenue = 0;
    for (int y = 0; y < sc->n_years; y++) {
        double lo, hi;
        dist_support(scenario_dist(sc, "fund.land_revenue", y), &lo, &hi);
        revenue |= hi > 0;
    }
    if (!revenue) {
        scenario_origin(sc, "fund.land_revenue", &file, &line);
        return phx_fail(e, PHX_EINPUT, file, line, "fund.land_revenue",
                        "is 0 in every year: no contribution rate funds anything (--solve capital sizes "
                        "the initial capital instead)");
    }
    double lo, hi;
    dist_support(scenario_dist(sc, "fund.other_share", 0), &lo, &hi);
    if (lo >= 1) {
        scenario_origin(sc, "fund.other_share", &file, &line);
        return phx_fail(e, PHX_EINPUT, file, line, "fund.other_share",
                        "is 1: every contribution goes to other uses, no rate funds the actions "
                        "(--solve capital sizes the initial capital instead)");
    }
    return PHX_OK;
}

static const model_lever tlhn_levers[] = {
    { .word = "rate", .param = "fund.contribution_rate", .unit = "share", .percent = 1,
      .breakeven_metric = "fund_breakeven_rate", .max = 1, .start = 0.01, .slope = rate_slope,
      .check = rate_check },
    { .word = "capital", .param = "fund.initial_capital", .unit = "亿元", .percent = 0,
      .breakeven_metric = "fund_breakeven_capital_yi", .max = 1e7, .start = 10,
      .slope = capital_slope, .check = NULL },
};

const model_sizing tlhn_sizing = {
    .what = "the 腾笼换鸟 fund",
    .switch_param = "fund.constrained",
    .switch_note = "money limits what rectification does",
    .balance_metric = "fund_balance_yi",
    .balance_stem = "fund_balance",
    .money_suffix = "_yi",
    .money_unit = "亿元",
    .balance_title = "fund balance (亿元)",
    .levers = tlhn_levers,
    .n_levers = sizeof tlhn_levers / sizeof tlhn_levers[0],
};
