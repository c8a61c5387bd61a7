/* test_tlhn_attract.c -- the 腾笼换鸟 model, part 2 (docs/model.md §4.7, §5, §7): the fund's
 * identity, the land reserve's accounts, landing counts against their expectation, the fund
 * constraint with no money and with money to spare, the energy offset, and the plan scenario. */
#include "testutil.h"
#include "tlhn_harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dir;
static char ini[4096];

static void write_synthetic(int reps, const char *extra)
{
    snprintf(ini, sizeof ini, "%s/syn.ini", dir);
    char text[2048];
    snprintf(text, sizeof text,
             "; Policy question: none -- test scenario on the synthetic population\n"
             "[scenario]\nmodel = tlhn\nyears = 2021-2023\nreplications = %d\nseed = 4242\n"
             "firms = synthetic\n%s", reps, extra);
    CU_ASSERT_FATAL(tu_write(ini, text) == 0);
}

#define CLOSE(a, b, tol) CU_ASSERT(fabs((a) - (b)) <= (tol) * (1 + fabs(b)))

/* §7: balance = initial capital + inflows − outflows; §4.7: the reserve is what entered it
 * (initial stock, released, recovered and reclaimed land, less conversions) minus what projects
 * took; it is never negative; projects never get more than the reserve and new supply held. */
static void test_identities(void)
{
    write_synthetic(24, "[fund]\ninitial_capital = 12.5\n[attract]\nbuild_years = 0\n"
                        "[land]\ninitial_reserve = 3000\n");
    th_result r;
    CU_ASSERT_FATAL(th_run(ini, NULL, 0, 2, &r) == PHX_OK);
    for (size_t rep = 0; rep < r.n; rep++)
        for (int y = 0; y < r.ny; y++) {
            double in = th_metric(&r, "fund_inflow_yi", rep, y);
            double out = th_metric(&r, "fund_outflow_yi", rep, y);
            CLOSE(th_metric(&r, "fund_balance_yi", rep, y), 12.5 + in - out, 1e-9);
            CU_ASSERT(in > 0 && out > 0);
            CU_ASSERT(th_metric(&r, "fund_min_balance_yi", rep, y) <=
                      th_metric(&r, "fund_balance_yi", rep, y));
            double entered = 3000 + th_metric(&r, "land_revitalized_mu", rep, y) +
                             th_metric(&r, "land_reclaimed_mu", rep, y);
            double converted = th_metric(&r, "land_converted_mu", rep, y);
            double reused = th_metric(&r, "land_reused_mu", rep, y);
            double reserve = th_metric(&r, "land_reserve_mu", rep, y);
            CLOSE(converted, 0.1 * (entered - 3000), 1e-9);
            CLOSE(reserve, entered - converted - reused, 1e-9);
            CU_ASSERT(reserve >= 0);
            CU_ASSERT(th_metric(&r, "land_new_supply_mu", rep, y) <= 6000.0 * (y + 1) + 1e-6);
            if (y > 0) {     /* land enters the reserve for the following years only */
                double before = 3000 + 0.9 * (th_metric(&r, "land_revitalized_mu", rep, y - 1) +
                                              th_metric(&r, "land_reclaimed_mu", rep, y - 1));
                CU_ASSERT(reused <= before + 1e-6);
            } else {
                CU_ASSERT(reused <= 3000 + 1e-6);
            }
            CU_ASSERT(th_metric(&r, "projects_major_landed", rep, y) <=
                      th_metric(&r, "projects_landed", rep, y));
            CU_ASSERT(th_metric(&r, "investment_completed_yi", rep, y) <=
                      th_metric(&r, "investment_landed_yi", rep, y) * (1 + 1e-12));
        }
    th_free(&r);
}

/* §5.1: with land and energy unconstrained, the landed count is Poisson(80) x landing rate a
 * year: its mean over T years is 80 p T, within 4 standard errors. */
static void test_landing_mean(void)
{
    write_synthetic(400, "[land]\nnew_supply_per_year = 1e9\n[attract]\nlanding_rate = 0.35\n"
                         "energy_offset = off\n");
    th_result r;
    CU_ASSERT_FATAL(th_run(ini, NULL, 0, 2, &r) == PHX_OK);
    static const char *const names[2] = { "projects_major_landed", "projects_landed" };
    static const double expect[2] = { 80 * 0.35 * 3, (80 + 200) * 0.35 * 3 };
    for (int k = 0; k < 2; k++) {
        double s = 0, ss = 0;
        for (size_t rep = 0; rep < r.n; rep++) {
            double x = th_metric(&r, names[k], rep, 2);
            s += x;
            ss += x * x;
        }
        double mean = s / (double)r.n, var = (ss - s * mean) / (double)(r.n - 1);
        double se = sqrt(var / (double)r.n);
        CU_ASSERT(fabs(mean - expect[k]) <= 4 * se);
        CU_ASSERT(se > 0);
    }
    for (size_t rep = 0; rep < r.n; rep++)
        CU_ASSERT_EQUAL(th_metric(&r, "projects_lost", rep, 2), 0);
    th_free(&r);
}

/* §7 fund.constrained = on with no money at all: nothing that costs money happens. */
static void test_constrained_no_money(void)
{
    write_synthetic(8, "[fund]\nconstrained = on\ncontribution_rate = 0\ninitial_capital = 0\n"
                       "land_price = 0\n");
    th_result r;
    CU_ASSERT_FATAL(th_run(ini, NULL, 0, 2, &r) == PHX_OK);
    for (size_t rep = 0; rep < r.n; rep++)
        for (int y = 0; y < r.ny; y++) {
            CU_ASSERT_EQUAL(th_metric(&r, "fund_outflow_yi", rep, y), 0);
            CU_ASSERT_EQUAL(th_metric(&r, "fund_balance_yi", rep, y), 0);
            CU_ASSERT_EQUAL(th_metric(&r, "firms_exited", rep, y), 0);
            CU_ASSERT_EQUAL(th_metric(&r, "firms_relocated", rep, y), 0);
            CU_ASSERT_EQUAL(th_metric(&r, "firms_upgraded", rep, y), 0);
            CU_ASSERT_EQUAL(th_metric(&r, "firms_rectified", rep, y),
                            th_metric(&r, "firms_merged", rep, y));
        }
    /* mergers cost nothing and still fill the quota */
    CU_ASSERT(th_metric(&r, "firms_merged", 0, 2) > 0);
    CU_ASSERT_EQUAL(th_metric(&r, "firms_started", 0, 0), 300);
    th_free(&r);
}

/* ... and with money to spare, exactly the unconstrained run. */
static void test_constrained_ample_money(void)
{
    th_result a, b;
    write_synthetic(8, "[fund]\ninitial_capital = 1e7\n");
    CU_ASSERT_FATAL(th_run(ini, NULL, 0, 2, &a) == PHX_OK);
    scenario_override on[] = { { "--set", "fund.constrained", "on" } };
    CU_ASSERT_FATAL(th_run(ini, on, 1, 2, &b) == PHX_OK);
    CU_ASSERT(memcmp(a.rows, b.rows, a.n * a.len * sizeof(double)) == 0);
    CU_ASSERT(memcmp(a.grows, b.grows, a.n * a.glen * sizeof(double)) == 0);
    CU_ASSERT(th_metric(&a, "fund_outflow_yi", 0, 2) > 0);
    th_free(&a);
    th_free(&b);
    /* in between, a little money: costs never take the balance below zero */
    write_synthetic(8, "[fund]\nconstrained = on\ninitial_capital = 3\ncontribution_rate = 0.002\n");
    CU_ASSERT_FATAL(th_run(ini, NULL, 0, 2, &a) == PHX_OK);
    for (size_t rep = 0; rep < a.n; rep++)
        for (int y = 0; y < a.ny; y++)
            CU_ASSERT(th_metric(&a, "fund_balance_yi", rep, y) >= -1e-9);
    CU_ASSERT(th_metric(&a, "firms_exited", 0, 2) > 0);
    th_free(&a);
}

/* §5.4: the energy offset never increases the energy granted to new projects. */
static void test_energy_offset(void)
{
    static const char *const ratio[] = { "1.0", "1.2" };
    write_synthetic(40, "");
    th_result off, on;
    CU_ASSERT_FATAL(th_run(ini, NULL, 0, 2, &off) == PHX_OK);
    for (int k = 0; k < 2; k++) {
        scenario_override ov[] = { { "--set", "attract.energy_offset", "on" },
                                   { "--set", "attract.offset_ratio", ratio[k] } };
        CU_ASSERT_FATAL(th_run(ini, ov, 2, 2, &on) == PHX_OK);
        for (size_t rep = 0; rep < on.n; rep++)
            for (int y = 0; y < on.ny; y++) {
                double e_on = th_metric(&on, "energy_new_tce", rep, y);
                CU_ASSERT(e_on <= th_metric(&off, "energy_new_tce", rep, y));
                /* within the budget: freed / ratio */
                CU_ASSERT(e_on <= th_metric(&on, "energy_freed_tce", rep, y) / atof(ratio[k]) *
                                      (1 + 1e-12));
            }
        th_free(&on);
    }
    th_free(&off);
}

/* §9: the pipeline is the same whatever the rectification quota: with land to spare, the same
 * projects land in both. */
static void test_pipeline_common(void)
{
    write_synthetic(6, "[land]\nnew_supply_per_year = 1e9\n");
    th_result a, b;
    scenario_override ov[] = { { "--set", "rectify.firms_per_year", "50" } };
    CU_ASSERT_FATAL(th_run(ini, NULL, 0, 1, &a) == PHX_OK);
    CU_ASSERT_FATAL(th_run(ini, ov, 1, 1, &b) == PHX_OK);
    for (size_t rep = 0; rep < a.n; rep++) {
        CU_ASSERT_EQUAL(th_metric(&a, "projects_landed", rep, 2), th_metric(&b, "projects_landed", rep, 2));
        CU_ASSERT_EQUAL(th_metric(&a, "investment_landed_yi", rep, 2),
                        th_metric(&b, "investment_landed_yi", rep, 2));
        CU_ASSERT(th_metric(&a, "firms_started", rep, 2) != th_metric(&b, "firms_started", rep, 2));
    }
    th_free(&a);
    th_free(&b);
}

/* §5.6: with production at once (build 0) and a high commitment, breaches are found two years
 * in and enforced ones hand their land back to the reserve. */
static void test_commitments(void)
{
    write_synthetic(6, "[attract]\nbuild_years = 0\ncommit_tax_per_mu = 60\np_enforce = 1\n");
    th_result r;
    CU_ASSERT_FATAL(th_run(ini, NULL, 0, 1, &r) == PHX_OK);
    for (size_t rep = 0; rep < r.n; rep++) {
        CU_ASSERT_EQUAL(th_metric(&r, "projects_breached", rep, 1), 0);
        CU_ASSERT(th_metric(&r, "projects_breached", rep, 2) > 0);
        CU_ASSERT(th_metric(&r, "land_reclaimed_mu", rep, 2) > 0);
    }
    th_free(&r);
}

/* The plan scenario loads, carries the nine §10 targets and runs. */
static void test_plan_scenario(void)
{
    const char *plan = "scenarios/plan-2021-2023.ini";
    if (!tu_exists(plan)) {
        CU_FAIL("run from the repository root");
        return;
    }
    scenario_override ov[] = { { "-n", "scenario.replications", "4" } };
    th_result r;
    CU_ASSERT_FATAL(th_run(plan, ov, 1, 2, &r) == PHX_OK);
    CU_ASSERT_EQUAL(r.sc->n_targets, 9);
    CU_ASSERT_EQUAL(r.sc->year_first, 2021);
    CU_ASSERT_EQUAL(r.sc->n_years, 3);
    CU_ASSERT(th_metric(&r, "firms_rectified", 0, 2) > 300);
    CU_ASSERT(th_metric(&r, "projects_major_landed", 0, 2) > 30);
    th_free(&r);
}

int main(void)
{
    dir = tu_tmpdir();
    if (dir == NULL)
        return 2;
    CU_TestInfo tests[] = {
        { "fund identity and land reserve accounts", test_identities },
        { "landed projects: mean within 4 SE", test_landing_mean },
        { "fund constrained, no money: nothing costly", test_constrained_no_money },
        { "fund constrained, ample money: unconstrained exactly", test_constrained_ample_money },
        { "energy offset never increases energy_new_tce", test_energy_offset },
        { "the pipeline is common to scenarios", test_pipeline_common },
        { "commitments: breaches and reclaimed land", test_commitments },
        { "the plan scenario", test_plan_scenario },
        CU_TEST_INFO_NULL,
    };
    int st = tu_run("tlhn_attract", tests);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    tu_sh(cmd, NULL);
    free(dir);
    return st;
}
