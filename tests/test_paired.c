/* test_paired.c -- scenarios run on the same replications (engine/paired.c) and a sweep's
 * points (sweep_point_load, engine/sweep.c), on the Ishigami scenario. */
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "../engine/paired.h"
#include "../engine/sweep.h"
#include "../models/models.h"

#define ISHIGAMI "scenarios/ishigami.ini"

static scenario *load(const char *name, const char *key, const char *value)
{
    scenario_override ov[2] = { { "test", "scenario.name", name }, { "test", key, value } };
    scenario *sc = NULL;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL(scenario_load(&sc, ISHIGAMI, models_all, models_n, ov, key ? 2 : 1, &e), PHX_OK);
    return sc;
}

/* Does pairing a (the first) with b fail, and does the message name `word`? */
static int fails(scenario *a, scenario *b, int by_precision, const char *word)
{
    scenario *set[2] = { a, b };
    phx_err e = { 0 };
    int st = paired_check(set, b ? 2 : 1, by_precision, &e);
    if (st != PHX_OK && word && strstr(e.msg, word) == NULL)
        return 0;
    return st == PHX_EINPUT;
}

static void test_paired(void)
{
    scenario *a = load("a", NULL, NULL), *b = load("b", "ishigami.a", "5"),
             *same = load("a", NULL, NULL), *seed = load("c", "scenario.seed", "1"),
             *reps = load("d", "scenario.replications", "10"), *lhs = load("e", "scenario.sampler", "lhs");
    CU_ASSERT(!fails(a, b, 0, NULL));                   /* parameters may differ: that is the point */
    CU_ASSERT(!fails(a, b, 1, NULL));
    CU_ASSERT(fails(a, same, 0, "names must differ"));
    CU_ASSERT(fails(a, seed, 0, "seed differs"));
    CU_ASSERT(fails(a, reps, 0, "replications differs"));
    CU_ASSERT(fails(a, lhs, 0, "sampler differs"));
    CU_ASSERT(fails(lhs, NULL, 1, "lhs"));              /* precision needs an open-ended sampler */
    CU_ASSERT(!fails(lhs, NULL, 0, NULL));
    scenario *all[] = { a, b, same, seed, reps, lhs };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        scenario_free(all[i]);
}

static void test_sweep_points(void)
{
    const char *specs[] = { "ishigami.a=6,7", "ishigami.b=0.1,0.2,0.3" };
    sweep *g = NULL;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(sweep_alloc(&g, specs, 2, &e), PHX_OK);
    scenario_override ov[] = { { "-n", "scenario.replications", "7" } };
    for (size_t p = 0; p < sweep_n_points(g); p++) {
        char *name = NULL, want[32];
        scenario *sc = NULL;
        CU_ASSERT_EQUAL(sweep_point_load(g, p, ISHIGAMI, "base", models_all, models_n, ov, 1, &name,
                                         &sc, &e), PHX_OK);
        snprintf(want, sizeof want, "base@%03zu", p);
        CU_ASSERT_STRING_EQUAL(name, want);
        CU_ASSERT_STRING_EQUAL(sc->name, want);
        CU_ASSERT_EQUAL(sc->replications, 7);                          /* the caller's overrides */
        CU_ASSERT_STRING_EQUAL(scenario_text(sc, "ishigami.a"), p < 3 ? "6" : "7");   /* b fastest */
        static const char *const bs[] = { "0.1", "0.2", "0.3" };
        CU_ASSERT_STRING_EQUAL(scenario_text(sc, "ishigami.b"), bs[p % 3]);
        scenario_free(sc);
        free(name);
    }
    char *name = NULL;
    scenario *sc = NULL;
    const char *bad[] = { "ishigami.nothing=1,2" };
    sweep *h = NULL;
    CU_ASSERT_EQUAL_FATAL(sweep_alloc(&h, bad, 1, &e), PHX_OK);
    CU_ASSERT_EQUAL(sweep_point_load(h, 0, ISHIGAMI, "base", models_all, models_n, NULL, 0, &name, &sc,
                                     &e), PHX_EINPUT);
    CU_ASSERT_PTR_NULL(sc);
    free(name);
    sweep_free(h);
    sweep_free(g);
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "what paired scenarios must share", test_paired },
        { "a sweep's points: overrides, levers, names", test_sweep_points },
        CU_TEST_INFO_NULL,
    };
    return tu_run("paired", tests);
}
