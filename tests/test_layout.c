/* test_layout.c -- engine/layout.h (row cells and parameter slots) and the values the engine
 * resolves once (choices as integers, lists as sets, the sampler). */
#include <string.h>
#include "testutil.h"
#include "../engine/layout.h"
#include "../engine/sampler.h"
#include "../models/models.h"

static scenario *tlhn(const scenario_override *ov, size_t n)
{
    scenario *sc;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(scenario_defaults(&sc, &model_tlhn, ov, n, &e), PHX_OK);
    return sc;
}

static void test_cells(void)
{
    CU_ASSERT_EQUAL(layout_cell(0, 0, 3), 0);
    CU_ASSERT_EQUAL(layout_cell(2, 1, 3), 7);
    CU_ASSERT_EQUAL(layout_group_cell(1, 2, 4, 3, 13), (1 * 3 + 2) * 13 + 4);
    double row[6] = { 1, 2, 3, 4, 5, 6 };    /* 2 metrics x 3 years */
    CU_ASSERT_EQUAL(layout_value(row, 1, 0, 3), 4);
    CU_ASSERT_EQUAL(layout_last(row, 0, 3), 3);
    CU_ASSERT_EQUAL(layout_last(row, 1, 3), 6);
    CU_ASSERT_EQUAL(layout_row_len(&model_tlhn, 3), model_tlhn.n_metrics * 3);
}

/* A per-year parameter's slots follow its offset, year by year; names say so. */
static void test_slots(void)
{
    scenario *sc = tlhn(NULL, 0);
    int p = scenario_param(sc, "rectify.firms_per_year");
    CU_ASSERT_FATAL(p >= 0);
    for (int y = 0; y < sc->n_years; y++) {
        char want[96];
        snprintf(want, sizeof want, "rectify.firms_per_year[%d]", sc->year_first + y);
        CU_ASSERT_STRING_EQUAL(sc->slot_names[layout_slot(sc, p, y)], want);
        CU_ASSERT_EQUAL(sc->slot_param[layout_slot(sc, p, y)], p);
    }
    double theta[4096] = { 0 };
    CU_ASSERT_FATAL(sc->n_slots <= 4096);
    theta[layout_slot(sc, p, 2)] = 42;
    CU_ASSERT_EQUAL(layout_param(sc, theta, p, 2), 42);
    scenario_free(sc);
}

static void test_resolved_once(void)
{
    scenario *sc = tlhn(NULL, 0);
    int pc = scenario_param(sc, "fund.constrained"), pl = scenario_param(sc, "rectify.classes");
    CU_ASSERT_EQUAL(scenario_choice(sc, pc), 0);            /* off|on: off */
    CU_ASSERT_EQUAL(scenario_list(sc, pl), (1u << 2) | (1u << 3));   /* "C, D" of A|B|C|D */
    CU_ASSERT_EQUAL(scenario_choice(sc, pl), -1);
    CU_ASSERT_EQUAL(sc->sampler_kind, SAMPLER_MC);
    scenario_free(sc);
    scenario_override ov[] = { { "--set", "fund.constrained", "on" }, { "--set", "rectify.classes", "A D" },
                               { "--sampler", "scenario.sampler", "sobol" } };
    sc = tlhn(ov, 3);
    CU_ASSERT_EQUAL(scenario_choice(sc, pc), 1);
    CU_ASSERT_EQUAL(scenario_list(sc, pl), (1u << 0) | (1u << 3));
    CU_ASSERT_EQUAL(sc->sampler_kind, SAMPLER_SOBOL);
    scenario_free(sc);
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "row and group cells", test_cells },
        { "parameter slots, per-year ones year by year", test_slots },
        { "choices, lists and the sampler resolved once", test_resolved_once },
        CU_TEST_INFO_NULL,
    };
    return tu_run("layout", tests);
}
