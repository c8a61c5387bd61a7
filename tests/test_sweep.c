/* test_sweep.c -- grid expansion (engine/sweep.c): point order, distributions as values, limits. */
#include <string.h>
#include "testutil.h"
#include "../engine/sweep.h"

/* Two levers of 2 and 3 values: 6 points, the last lever fastest. */
static void test_grid(void)
{
    const char *specs[] = { "a.x=1,2", "b.y = u, triangular(0.1, 0.2, 0.3) ,w" };
    sweep *g;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(sweep_alloc(&g, specs, 2, &e), PHX_OK);
    CU_ASSERT_EQUAL(sweep_n_points(g), 6);
    CU_ASSERT_EQUAL(sweep_n_levers(g), 2);
    CU_ASSERT_STRING_EQUAL(sweep_keys(g)[0], "a.x");
    CU_ASSERT_STRING_EQUAL(sweep_keys(g)[1], "b.y ");
    const char *want[6][2] = { { "1", "u" }, { "1", "triangular(0.1, 0.2, 0.3)" }, { "1", "w" },
                               { "2", "u" }, { "2", "triangular(0.1, 0.2, 0.3)" }, { "2", "w" } };
    for (size_t p = 0; p < 6; p++)
        for (size_t k = 0; k < 2; k++) {
            CU_ASSERT_STRING_EQUAL(sweep_value(g, p, k), want[p][k]);
            CU_ASSERT_PTR_EQUAL(sweep_values(g)[p * 2 + k], sweep_value(g, p, k));
        }
    scenario_override ov[4];
    size_t n = 1;
    sweep_overrides(g, 4, ov, &n);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT_STRING_EQUAL(ov[1].key, "b.y ");
    CU_ASSERT_STRING_EQUAL(ov[1].value, "triangular(0.1, 0.2, 0.3)");
    CU_ASSERT_STRING_EQUAL(ov[2].key, "a.x");
    CU_ASSERT_STRING_EQUAL(ov[2].value, "2");
    CU_ASSERT_STRING_EQUAL(ov[2].origin, "--vary");
    sweep_free(g);
}

static int refused(const char *spec, const char *words)
{
    sweep *g = (sweep *)1;
    phx_err e = { 0 };
    int st = sweep_alloc(&g, &spec, 1, &e);
    return st == PHX_EINPUT && g == NULL && strstr(e.msg, words) != NULL;
}

static void test_refused(void)
{
    CU_ASSERT_TRUE(refused("nokey=1,2", "expected section.key=v1,v2"));
    CU_ASSERT_TRUE(refused("a.x", "expected section.key=v1,v2"));
    CU_ASSERT_TRUE(refused("=1", "expected section.key=v1,v2"));
    CU_ASSERT_TRUE(refused("a.x=1,,2", "an empty value"));
    char many[400] = "a.x=0";
    for (int i = 1; i <= 64; i++)
        sprintf(many + strlen(many), ",%d", i);
    CU_ASSERT_TRUE(refused(many, "1 to 64"));
    /* 8 levers of 3 values: 6561 points, over the limit of 4096. */
    const char *specs[8];
    char text[8][32];
    for (int k = 0; k < 8; k++) {
        sprintf(text[k], "s.k%d=1,2,3", k);
        specs[k] = text[k];
    }
    sweep *g;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL(sweep_alloc(&g, specs, 8, &e), PHX_EINPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "more than 4096 points"));
    CU_ASSERT_EQUAL(sweep_alloc(&g, specs, 7, &e), PHX_OK);    /* 2187 points */
    CU_ASSERT_EQUAL(sweep_n_points(g), 2187);
    CU_ASSERT_STRING_EQUAL(sweep_value(g, 2186, 0), "3");
    CU_ASSERT_STRING_EQUAL(sweep_value(g, 1, 6), "2");
    CU_ASSERT_STRING_EQUAL(sweep_value(g, 1, 5), "1");
    sweep_free(g);
}

/* Ranges: a:b:step and a:b/n expand to their values, mixed with plain values. */
static void test_ranges(void)
{
    const char *specs[] = { "a.x=0.3:0.9:0.2", "b.y=1, 0:1/5 ,beta(2, 3)", "c.z=5:1:-2" };
    sweep *g;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(sweep_alloc(&g, specs, 3, &e), PHX_OK);
    const char *x[] = { "0.3", "0.5", "0.7", "0.9" };
    const char *y[] = { "1", "0", "0.25", "0.5", "0.75", "1", "beta(2, 3)" };
    const char *z[] = { "5", "3", "1" };
    CU_ASSERT_EQUAL_FATAL(sweep_n_points(g), 4 * 7 * 3);
    for (size_t i = 0; i < 4; i++)
        CU_ASSERT_STRING_EQUAL(sweep_value(g, i * 21, 0), x[i]);
    for (size_t i = 0; i < 7; i++)
        CU_ASSERT_STRING_EQUAL(sweep_value(g, i * 3, 1), y[i]);
    for (size_t i = 0; i < 3; i++)
        CU_ASSERT_STRING_EQUAL(sweep_value(g, i, 2), z[i]);
    sweep_free(g);
    CU_ASSERT_TRUE(refused("a.x=0:1:0", "non-zero"));
    CU_ASSERT_TRUE(refused("a.x=0:1:-0.5", "towards b"));
    CU_ASSERT_TRUE(refused("a.x=0:1/1", "n must be 2 to 64"));
    CU_ASSERT_TRUE(refused("a.x=0:q:0.1", "not numbers"));
    CU_ASSERT_TRUE(refused("a.x=0:1", "expected a:b:step or a:b/n"));
    CU_ASSERT_TRUE(refused("a.x=0:100:1", "1 to 64"));
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "a 2 x 3 grid: last lever fastest, distributions as values", test_grid },
        { "malformed levers and oversized grids are refused", test_refused },
        { "ranges a:b:step and a:b/n expand to their values", test_ranges },
        CU_TEST_INFO_NULL,
    };
    return tu_run("sweep", tests);
}
