/* test_scenario.c -- scenario files: values, distributions, inheritance, overrides, errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "../engine/dist.h"
#include "../engine/scenario.h"

/* A small model with every kind of parameter, so these tests need no policy model. */
enum { P_RATE, P_QUOTA, P_MIXA, P_MIXB, P_MODE, P_CLASSES, P_SEED, P_COUNT };
static const param_def toy_params[] = {
    { "alpha.rate", PARAM_REAL, PARAM_RANDOM, "share", 0, 1, "0.5", NULL, "a share" },
    { "alpha.quota", PARAM_REAL, PARAM_PER_YEAR, "firms", 0, 1e6, "300 300 250", NULL, "per year" },
    { "mix.a", PARAM_REAL, 0, "share", 0, 1, "0.4", NULL, "mix part a" },
    { "mix.b", PARAM_REAL, 0, "share", 0, 1, "0.6", NULL, "mix part b" },
    { "beta.mode", PARAM_CHOICE, 0, "", 0, 0, "score", "score|energy|tax_per_mu", "priority" },
    { "beta.classes", PARAM_LIST, 0, "", 0, 0, "C, D", "A|B|C|D", "classes" },
    { "beta.seed", PARAM_INT, 0, "1", 0, 4294967295.0, "7", NULL, "seed" },
};
static const metric_def toy_metrics[] = {
    { "energy", "tce", "energy", "能", METRIC_MORE, METRIC_CUMULATIVE, 0 },
    { "cost", "yi", "cost", "成本", METRIC_LESS, METRIC_STATE, 0 },
};

static int toy_check(const scenario *sc, phx_err *e)
{
    double s = scenario_dist(sc, "mix.a", 0)->a + scenario_dist(sc, "mix.b", 0)->a;
    if (fabs(s - 1) > 1e-9) {
        const char *f;
        int l;
        scenario_origin(sc, "mix.b", &f, &l);
        return phx_fail(e, PHX_EINPUT, f, l, "mix", "shares sum to %g, not 1", s);
    }
    return PHX_OK;
}

static const model_type toy = {
    .name = "toy", .description = "test", .params = toy_params, .n_params = P_COUNT,
    .metrics = toy_metrics, .n_metrics = 2, .check = toy_check,
};
static const model_type *const toy_models[] = { &toy };

/* A model whose default is bad: the error must say which key to set. */
static const param_def bad_default_params[] = {
    { "gamma.share", PARAM_REAL, 0, "share", 0, 1, "1.5", NULL, "a share" },
};
static const model_type bad_default = {
    .name = "baddef", .description = "test", .params = bad_default_params, .n_params = 1,
    .metrics = toy_metrics, .n_metrics = 2,
};

static char *dir;

static char *path_of(const char *name)
{
    static char buf[8][1024];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static int load(const char *name, const char *text, scenario **sc, phx_err *e,
                const scenario_override *ov, size_t n_ov)
{
    if (text)
        tu_write(path_of(name), text);
    return scenario_load(sc, path_of(name), toy_models, 1, ov, n_ov, e);
}

static void test_values_and_defaults(void)
{
    scenario *sc;
    phx_err e = { 0 };
    int st = load("a.ini",
                  "; question\n[scenario]\nname = alpha-test\nmodel = toy\nyears = 2021-2023\n"
                  "replications = 50\nseed = 99\n[alpha]\nrate = triangular(0.1, 0.2, 0.4) ; comment\n"
                  "quota = 10, 20 30\n[beta]\nclasses = D\n[targets]\nenergy = 600\n",
                  &sc, &e, NULL, 0);
    CU_ASSERT_EQUAL_FATAL(st, PHX_OK);
    CU_ASSERT_STRING_EQUAL(sc->name, "alpha-test");
    CU_ASSERT_EQUAL(sc->replications, 50);
    CU_ASSERT_EQUAL(sc->seed, 99);
    CU_ASSERT_EQUAL(sc->n_years, 3);
    CU_ASSERT_EQUAL(scenario_dist(sc, "alpha.rate", 0)->kind, DIST_TRIANGULAR);
    CU_ASSERT_EQUAL(scenario_dist(sc, "alpha.quota", 2)->a, 30);
    CU_ASSERT_STRING_EQUAL(scenario_text(sc, "beta.mode"), "score");   /* default */
    CU_ASSERT_STRING_EQUAL(scenario_text(sc, "beta.classes"), "D");
    /* slots: rate 1, quota 3, mix 2, seed 1 */
    CU_ASSERT_EQUAL(sc->n_slots, 7);
    CU_ASSERT_STRING_EQUAL(sc->slot_names[sc->offset[P_QUOTA] + 1], "alpha.quota[2022]");
    CU_ASSERT_TRUE(sc->slot_random[sc->offset[P_RATE]]);
    CU_ASSERT_FALSE(sc->slot_random[sc->offset[P_QUOTA]]);
    CU_ASSERT_EQUAL(sc->n_targets, 1);
    CU_ASSERT_EQUAL(sc->targets[0].value, 600);
    CU_ASSERT_PTR_NOT_NULL(strstr(sc->resolved_text, "rate = triangular(0.1, 0.2, 0.4)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(sc->resolved_text, "mode = score"));
    CU_ASSERT_EQUAL(strlen(sc->sha256), 64);
    char sha[65];
    strcpy(sha, sc->sha256);
    scenario_free(sc);
    /* the same scenario resolves to the same text and hash */
    CU_ASSERT_EQUAL(load("a.ini", NULL, &sc, &e, NULL, 0), PHX_OK);
    CU_ASSERT_STRING_EQUAL(sc->sha256, sha);
    scenario_free(sc);
}

static void test_inheritance_and_overrides(void)
{
    scenario *sc;
    phx_err e = { 0 };
    tu_write(path_of("parent.ini"), "[scenario]\nmodel = toy\nreplications = 10\n[alpha]\nrate = 0.3\n"
                                    "quota = 5\n[beta]\nmode = energy\n");
    tu_write(path_of("child.ini"), "[scenario]\nbase = parent.ini\nname = child\n[alpha]\nrate = 0.4\n");
    char sub[1024];
    snprintf(sub, sizeof sub, "mkdir -p '%s/sub'", dir);
    tu_sh(sub, NULL);
    tu_write(path_of("sub/grandchild.ini"), "[scenario]\nbase = ../child.ini\n[beta]\nclasses = A B\n");
    scenario_override ov[] = { { "--set", "alpha.quota", "1 2 3" }, { "-n", "scenario.replications", "77" } };
    CU_ASSERT_EQUAL_FATAL(load("sub/grandchild.ini", NULL, &sc, &e, ov, 2), PHX_OK);
    CU_ASSERT_EQUAL(scenario_dist(sc, "alpha.rate", 0)->a, 0.4);          /* child wins */
    CU_ASSERT_STRING_EQUAL(scenario_text(sc, "beta.mode"), "energy");     /* from grandparent */
    CU_ASSERT_STRING_EQUAL(scenario_text(sc, "beta.classes"), "A B");
    CU_ASSERT_EQUAL(scenario_dist(sc, "alpha.quota", 1)->a, 2);           /* --set last */
    CU_ASSERT_EQUAL(sc->replications, 77);
    /* not the base's name: the file's, with the --set's suffix (docs/scenarios.md, "Names") */
    CU_ASSERT_STRING_EQUAL(sc->name, "grandchild+alpha.quota=1 2 3");
    const char *f;
    int l;
    scenario_origin(sc, "alpha.rate", &f, &l);
    CU_ASSERT_PTR_NOT_NULL(strstr(f, "child.ini"));
    CU_ASSERT_EQUAL(l, 5);
    scenario_free(sc);
}

/* Each bad input: status 2 and a message naming file, line and key. */
static void expect_error(const char *name, const char *text, const char *want1, const char *want2,
                         const scenario_override *ov, size_t n_ov)
{
    scenario *sc = NULL;
    phx_err e = { 0 };
    int st = load(name, text, &sc, &e, ov, n_ov);
    CU_ASSERT_EQUAL(st, PHX_EINPUT);
    CU_ASSERT_PTR_NULL(sc);
    if (strstr(e.msg, want1) == NULL || (want2 && strstr(e.msg, want2) == NULL)) {
        fprintf(stderr, "\n    message '%s' lacks '%s' / '%s'\n", e.msg, want1, want2 ? want2 : "");
        CU_FAIL("error message");
    }
    scenario_free(sc);
}

static void test_errors(void)
{
    const char *h = "[scenario]\nmodel = toy\n";
    char buf[512];
    expect_error("missing.ini", NULL, "missing.ini", "cannot read", NULL, 0);
    snprintf(buf, sizeof buf, "%s[gamma]\nx = 1\n", h);
    expect_error("e1.ini", buf, "e1.ini:4: gamma.x: unknown section [gamma]", NULL, NULL, 0);
    snprintf(buf, sizeof buf, "%s[alpha]\nrat = 0.2\n", h);
    expect_error("e2.ini", buf, "e2.ini:4: alpha.rat: unknown key", "did you mean alpha.rate", NULL, 0);
    snprintf(buf, sizeof buf, "%s[alpha]\nrate = triangle(1,2,3)\n", h);
    expect_error("e3.ini", buf, "e3.ini:4: alpha.rate: unknown distribution", NULL, NULL, 0);
    snprintf(buf, sizeof buf, "%s[alpha]\nrate = uniform(0.1)\n", h);
    expect_error("e4.ini", buf, "e4.ini:4: alpha.rate:", "expected uniform(lower, upper)", NULL, 0);
    snprintf(buf, sizeof buf, "%s[alpha]\nrate = 1.5\n", h);
    expect_error("e5.ini", buf, "e5.ini:4: alpha.rate: 1.5 is out of bounds", NULL, NULL, 0);
    snprintf(buf, sizeof buf, "%s[alpha]\nrate = normal(0.5, 0.1)\n", h);
    expect_error("e6.ini", buf, "e6.ini:4: alpha.rate:", "outside the bounds", NULL, 0);
    snprintf(buf, sizeof buf, "%s[alpha]\nquota = 1 2\n", h);
    expect_error("e7.ini", buf, "e7.ini:4: alpha.quota: expects 1 value or 3", NULL, NULL, 0);
    snprintf(buf, sizeof buf, "%s[alpha]\nquota = uniform(1, 2)\n", h);
    expect_error("e8.ini", buf, "alpha.quota: must be a constant", NULL, NULL, 0);
    snprintf(buf, sizeof buf, "%s[beta]\nmode = fastest\n", h);
    expect_error("e9.ini", buf, "e9.ini:4: beta.mode: 'fastest' is not one of", NULL, NULL, 0);
    snprintf(buf, sizeof buf, "%s[beta]\nclasses = C, E\n", h);
    expect_error("e10.ini", buf, "e10.ini:4: beta.classes: 'E' is not one of", NULL, NULL, 0);
    snprintf(buf, sizeof buf, "%s[beta]\nseed = 1.5\n", h);
    expect_error("e11.ini", buf, "beta.seed: '1.5' is not an integer", NULL, NULL, 0);
    snprintf(buf, sizeof buf, "%s[mix]\nb = 0.7\n", h);
    expect_error("e12.ini", buf, "e12.ini:4: mix: shares sum to 1.1", NULL, NULL, 0);
    snprintf(buf, sizeof buf, "%sreplications = 0\n", h);
    expect_error("e13.ini", buf, "e13.ini:3: scenario.replications:", "positive", NULL, 0);
    snprintf(buf, sizeof buf, "%syears = 2023-2021\n", h);
    expect_error("e14.ini", buf, "e14.ini:3: scenario.years:", NULL, NULL, 0);
    snprintf(buf, sizeof buf, "%s[alpha]\nrate = 0.1\nrate = 0.2\n", h);
    expect_error("e15.ini", buf, "e15.ini:5: alpha.rate: set twice (first at line 4)", NULL, NULL, 0);
    snprintf(buf, sizeof buf, "%s[alpha]\nthis line has no equals sign\n", h);
    expect_error("e16.ini", buf, "e16.ini:4: syntax error", NULL, NULL, 0);
    expect_error("e17.ini", "rate = 1\n", "e17.ini:1: rate: key outside any [section]", NULL, NULL, 0);
    expect_error("e18.ini", "[scenario]\nmodel = nosuch\n", "e18.ini:2: scenario.model: unknown model 'nosuch'", NULL, NULL, 0);
    snprintf(buf, sizeof buf, "%sbase = nothere.ini\n", h);
    expect_error("e19.ini", buf, "e19.ini:3: scenario.base: cannot read base file", NULL, NULL, 0);
    tu_write(path_of("cyc1.ini"), "[scenario]\nmodel = toy\nbase = cyc2.ini\n");
    expect_error("cyc2.ini", "[scenario]\nbase = cyc1.ini\n", "scenario.base: base chain has a cycle", NULL, NULL, 0);
    snprintf(buf, sizeof buf, "%s[targets]\nenergi = 5\n", h);
    expect_error("e20.ini", buf, "e20.ini:4: targets.energi: unknown metric", NULL, NULL, 0);
    expect_error("e21.ini", "[alpha]\nrate=0.1\n[scenario]\nmodel = toy\nfoo = 1\n",
                 "e21.ini:5: scenario.foo: unknown key", NULL, NULL, 0);
    scenario_override bad[] = { { "--set", "alpha.rate", "2" } };
    snprintf(buf, sizeof buf, "%s", h);
    expect_error("e22.ini", buf, "--set: alpha.rate: 2 is out of bounds", NULL, bad, 1);
    scenario_override badn[] = { { "-n", "scenario.replications", "-5" } };
    expect_error("e23.ini", buf, "-n: scenario.replications:", NULL, badn, 1);
    scenario_override badseed[] = { { "--seed", "scenario.seed", "abc" } };
    expect_error("e24.ini", buf, "--seed: scenario.seed: 'abc' is not", NULL, badseed, 1);
}

/* Issue 14: names, numbers, suggestions, defaults that fit any horizon, the question. */
static void test_everyday(void)
{
    scenario *sc = NULL;
    phx_err e = { 0 };
    /* the default name is the file's, not its base's; a --set adds "+key=value"; name wins */
    tu_write(path_of("base14.ini"), "; Policy question: what if?\n; second line\n;\n; not this\n"
                                    "[scenario]\nmodel = toy\nname = thebase\n");
    CU_ASSERT_EQUAL_FATAL(load("kid14.ini", "[scenario]\nbase = base14.ini\n", &sc, &e, NULL, 0), PHX_OK);
    CU_ASSERT_STRING_EQUAL(sc->name, "kid14");
    scenario_free(sc);
    scenario_override set[] = { { "--set", "alpha.rate", "0.25" }, { "--set", "scenario.firms", "a/b.csv" } };
    CU_ASSERT_EQUAL_FATAL(load("kid14.ini", NULL, &sc, &e, set, 1), PHX_OK);
    CU_ASSERT_STRING_EQUAL(sc->name, "kid14+alpha.rate=0.25");
    scenario_free(sc);
    CU_ASSERT_EQUAL_FATAL(load("kid14.ini", NULL, &sc, &e, set, 2), PHX_OK);
    CU_ASSERT_STRING_EQUAL(sc->name, "kid14+alpha.rate=0.25+scenario.firms=a_b.csv");   /* no '/' */
    scenario_free(sc);
    scenario_override named[] = { { "--set", "alpha.rate", "0.25" }, { "--set", "scenario.name", "mine" } };
    CU_ASSERT_EQUAL_FATAL(load("kid14.ini", NULL, &sc, &e, named, 2), PHX_OK);
    CU_ASSERT_STRING_EQUAL(sc->name, "mine");
    scenario_free(sc);
    CU_ASSERT_EQUAL_FATAL(load("base14.ini", NULL, &sc, &e, NULL, 0), PHX_OK);
    CU_ASSERT_STRING_EQUAL(sc->name, "thebase");
    scenario_free(sc);
    char *q = scenario_question(path_of("base14.ini"));
    CU_ASSERT_STRING_EQUAL(q, "Policy question: what if? second line");
    free(q);
    CU_ASSERT_PTR_NULL(scenario_question(path_of("kid14.ini")));
    /* numbers: 1e2 replications, a subnormal value, 1e999 refused */
    CU_ASSERT_EQUAL_FATAL(load("num.ini", "[scenario]\nmodel = toy\nreplications = 1e2\n[alpha]\nrate = 1e-320\n",
                               &sc, &e, NULL, 0), PHX_OK);
    CU_ASSERT_EQUAL(sc->replications, 100);
    CU_ASSERT(scenario_dist(sc, "alpha.rate", 0)->a > 0 && scenario_dist(sc, "alpha.rate", 0)->a < 1e-300);
    scenario_free(sc);
    CU_ASSERT_EQUAL(load("num.ini", "[scenario]\nmodel = toy\nreplications = 2.5\n", &sc, &e, NULL, 0), PHX_EINPUT);
    CU_ASSERT_EQUAL(load("num.ini", "[scenario]\nmodel = toy\n[alpha]\nrate = 1e999\n", &sc, &e, NULL, 0), PHX_EINPUT);
    /* the closest key of any section */
    CU_ASSERT_EQUAL(load("sug.ini", "[scenario]\nmodel = toy\n[mix]\nrate = 0.2\n", &sc, &e, NULL, 0), PHX_EINPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "did you mean alpha.rate?"));
    /* a per-year default (300 300 250) fits any horizon: cut to 2 years, extended to 5 */
    CU_ASSERT_EQUAL_FATAL(load("y2.ini", "[scenario]\nmodel = toy\nyears = 2021-2022\n", &sc, &e, NULL, 0), PHX_OK);
    CU_ASSERT_STRING_EQUAL(scenario_text(sc, "alpha.quota"), "300, 300");
    scenario_free(sc);
    CU_ASSERT_EQUAL_FATAL(load("y5.ini", "[scenario]\nmodel = toy\nyears = 2021-2025\n", &sc, &e, NULL, 0), PHX_OK);
    CU_ASSERT_EQUAL(scenario_dist(sc, "alpha.quota", 2)->a, 250);
    CU_ASSERT_EQUAL(scenario_dist(sc, "alpha.quota", 4)->a, 250);
    CU_ASSERT_EQUAL(scenario_dist(sc, "alpha.quota", 1)->a, 300);
    scenario_free(sc);
    /* an error about a default names the key to set */
    const model_type *const bad_models[] = { &bad_default };
    tu_write(path_of("bd.ini"), "[scenario]\nmodel = baddef\n");
    CU_ASSERT_EQUAL(scenario_load(&sc, path_of("bd.ini"), bad_models, 1, NULL, 0, &e), PHX_EINPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "default: gamma.share: 1.5 is out of bounds"));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "set gamma.share in the scenario file or with --set"));
    /* the 3-year text is the default as written (the SHA-256 of existing scenarios is kept) */
    CU_ASSERT_EQUAL_FATAL(load("y3.ini", "[scenario]\nmodel = toy\n", &sc, &e, NULL, 0), PHX_OK);
    CU_ASSERT_STRING_EQUAL(scenario_text(sc, "alpha.quota"), "300 300 250");
    scenario_free(sc);
}

static void test_dist_quantiles(void)
{
    dist d;
    phx_err e;
    CU_ASSERT_EQUAL(dist_parse("triangular(0, 1, 2)", &d, &e, "f", 1, "k"), PHX_OK);
    CU_ASSERT_DOUBLE_EQUAL(dist_quantile(&d, 0.5), 1.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(dist_quantile(&d, 0.125), 0.5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(dist_mean(&d), 1.0, 1e-12);
    CU_ASSERT_EQUAL(dist_parse("lognormal(2, 0.5)", &d, &e, "f", 1, "k"), PHX_OK);
    CU_ASSERT_DOUBLE_EQUAL(dist_quantile(&d, 0.5), 2.0, 1e-12);          /* median */
    CU_ASSERT_EQUAL(dist_parse("normal(1, 2)", &d, &e, "f", 1, "k"), PHX_OK);
    CU_ASSERT_DOUBLE_EQUAL(dist_quantile(&d, 0.975), 1 + 2 * 1.959963984540054, 1e-9);
    CU_ASSERT_EQUAL(dist_parse("beta_mean(0.25, 20)", &d, &e, "f", 1, "k"), PHX_OK);
    CU_ASSERT_DOUBLE_EQUAL(dist_mean(&d), 0.25, 1e-12);
    double lo, hi;
    dist_support(&d, &lo, &hi);
    CU_ASSERT(lo == 0 && hi == 1);
    CU_ASSERT_EQUAL(dist_parse("beta(2, 2)", &d, &e, "f", 1, "k"), PHX_OK);
    CU_ASSERT_DOUBLE_EQUAL(dist_quantile(&d, 0.5), 0.5, 1e-9);
    CU_ASSERT_EQUAL(dist_parse("uniform(2, 1)", &d, &e, "f", 1, "k"), PHX_EINPUT);
    CU_ASSERT_EQUAL(dist_parse("lognormal(-1, 1)", &d, &e, "f", 1, "k"), PHX_EINPUT);
    CU_ASSERT_EQUAL(dist_parse("normal(1, 2", &d, &e, "f", 1, "k"), PHX_EINPUT);
    CU_ASSERT_EQUAL(dist_parse("normal(1, x)", &d, &e, "f", 1, "k"), PHX_EINPUT);
    CU_ASSERT_EQUAL(dist_parse("nan", &d, &e, "f", 1, "k"), PHX_EINPUT);
    CU_ASSERT_EQUAL(dist_parse("1e999", &d, &e, "f", 1, "k"), PHX_EINPUT);
}

int main(void)
{
    dir = tu_tmpdir();
    CU_TestInfo tests[] = {
        { "values, lists, distributions, defaults, targets, resolved text", test_values_and_defaults },
        { "base chains and command-line overrides", test_inheritance_and_overrides },
        { "every input error names file, line and key", test_errors },
        { "distribution quantiles, means and argument checks", test_dist_quantiles },
        { "names, numbers, suggestions, per-year defaults, the question", test_everyday },
        CU_TEST_INFO_NULL,
    };
    int st = tu_run("scenario", tests);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    tu_sh(cmd, NULL);
    free(dir);
    return st;
}
