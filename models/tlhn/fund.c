/* fund.c -- the 腾笼换鸟 fund's accounts (docs/model.md §7; 杭政函〔2021〕92号 四(一): 提取土地出让
 * 收入的1%以上作为"腾笼换鸟"专项周转资金). Money is kept in 万元; metrics report 亿元.
 * Identity (up to rounding): balance = initial capital + inflows − outflows. */
#include "tlhn.h"

#include <math.h>
#include <gsl/gsl_randist.h>

/* Start of year y: initial capital (first year), then the contribution from land transfer
 * revenue, lognormal around its median with a shock correlated with Z_t. Booked before
 * actions start (§6.4 step 2), so that fund.constrained sees this year's money. */
void tlhn_fund_year_start(tlhn_scratch *s, const replication_ctx *rc, int y)
{
    int year = rc->year_first + y;
    if (y == 0)
        s->fund_balance += THETA(rc, P_FUND_INITIAL_CAPITAL) * 1e4;
    double rho = THETA(rc, P_FUND_REVENUE_SHOCK_CORR), sigma = THETA(rc, P_FUND_LAND_REVENUE_SIGMA);
    rng_address(s->r, rc->seed, rc->replication, RNG_TLHN_COMMON, 1, (uint32_t)year);
    double eta = gsl_ran_gaussian_ziggurat(s->r, 1.0);
    double shock = rho * s->z_common + sqrt(1 - rho * rho) * eta;
    double revenue = THETA_Y(rc, P_FUND_LAND_REVENUE, y) * exp(sigma * shock);   /* 亿元 */
    s->cum[M_LAND_REVENUE] += revenue * 1e4;
    tlhn_fund_in(s, rc, THETA(rc, P_FUND_CONTRIBUTION_RATE) * revenue * 1e4);
}

/* An inflow; `fund.other_share` of it goes at once to housing and park infrastructure. */
void tlhn_fund_in(tlhn_scratch *s, const replication_ctx *rc, double wan)
{
    if (wan <= 0)
        return;
    s->cum[M_FUND_INFLOW] += wan;
    s->fund_balance += wan;
    tlhn_fund_out(s, THETA(rc, P_FUND_OTHER_SHARE) * wan);
}

void tlhn_fund_out(tlhn_scratch *s, double wan)
{
    if (wan <= 0)
        return;
    s->cum[M_FUND_OUTFLOW] += wan;
    s->fund_balance -= wan;
}

/* Break-even values (docs/model.md, "Sizing the fund"). With fund.constrained = off nothing in
 * the model reads the balance, so the year-end balance is linear in the contribution rate r and
 * in the initial capital K:
 *     B_t = K + r (1 - o) R_t + D_t,
 * o = fund.other_share (a share of every inflow, so of the contributions too), R_t the land
 * revenue so far, D_t the rest: land sales net of their share o, less every outflow. The
 * smallest r >= 0 with B_t >= 0 for all t <= y is the largest of -(B_t - r (1 - o) R_t) /
 * ((1 - o) R_t) over the years with a negative rate-free part (0 if none; +inf if such a year has
 * (1 - o) R_t = 0); the smallest K >= 0 is max(0, K - min_t B_t). With fund.constrained = on the
 * same formulas describe the actions that did start, not what more money would have started. */
void tlhn_fund_breakeven(tlhn_scratch *s, const replication_ctx *rc)
{
    double base = (1 - THETA(rc, P_FUND_OTHER_SHARE)) * s->cum[M_LAND_REVENUE];   /* dB/dr */
    double rate_free = s->fund_balance - THETA(rc, P_FUND_CONTRIBUTION_RATE) * base;
    double need = rate_free >= 0 ? 0 : base > 0 ? -rate_free / base : INFINITY;
    if (need > s->fund_breakeven_rate)
        s->fund_breakeven_rate = need;
    double capital = THETA(rc, P_FUND_INITIAL_CAPITAL) * 1e4 - s->fund_min;
    s->fund_breakeven_capital = capital > 0 ? capital : 0;   /* fund_min is already the minimum */
}
