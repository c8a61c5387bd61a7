/* test_scenario_text.c -- a scenario file must be a scenario (issue 16): lines of any length, a
 * long comment never sets a key, line numbers never drift, empty / binary / non-UTF-8 files and
 * files without [scenario] refused with file and line, CR-only line ends, tiny and huge numbers,
 * the years value never truncated. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "../engine/dist.h"
#include "../engine/scenario.h"

static const param_def toy_params[] = {
    { "alpha.rate", PARAM_REAL, PARAM_RANDOM, "share", 0, 1, "0.5", NULL, "a share" },
    { "alpha.quota", PARAM_REAL, PARAM_PER_YEAR, "firms", 0, 1e6, "300", NULL, "per year" },
    { "alpha.note", PARAM_TEXT, 0, "", 0, 0, "", NULL, "free text" },
};
static const metric_def toy_metrics[] = {
    { "energy", "tce", "energy", "能", METRIC_MORE, METRIC_CUMULATIVE, 0 },
};
static const model_type toy = {
    .name = "toy", .description = "test", .params = toy_params, .n_params = 3,
    .metrics = toy_metrics, .n_metrics = 1,
};
static const model_type *const toy_models[] = { &toy };

static char *dir;

static const char *path_of(const char *name)
{
    static char buf[4][1024];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void write_bytes(const char *name, const char *bytes, size_t n)
{
    FILE *f = fopen(path_of(name), "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fwrite(bytes, 1, n, f);
    fclose(f);
}

#define WRITE(name, lit) write_bytes(name, lit, sizeof lit - 1)

static int load(const char *name, scenario **sc, phx_err *e)
{
    *e = (phx_err){ 0 };
    return scenario_load(sc, path_of(name), toy_models, 1, NULL, 0, e);
}

/* Status 2, no scenario, and a message holding `want`. */
static void expect_refused(const char *name, const char *want)
{
    scenario *sc = NULL;
    phx_err e;
    CU_ASSERT_EQUAL(load(name, &sc, &e), PHX_EINPUT);
    CU_ASSERT_PTR_NULL(sc);
    if (strstr(e.msg, want) == NULL) {
        fprintf(stderr, "\n    message '%s' lacks '%s'\n", e.msg, want);
        CU_FAIL("error message");
    }
    scenario_free(sc);
}

static void test_long_lines(void)
{
    /* 100 CJK characters (300 bytes) of description, a 200-year list on one line */
    char desc[400] = "", list[1200] = "", text[4096];
    for (int i = 0; i < 100; i++)
        strcat(desc, "杭");
    for (int i = 0; i < 200; i++)
        strcat(list, i ? " 5" : "5");
    snprintf(text, sizeof text,
             "[scenario]\nmodel = toy\ndescription = %s\nyears = 2001-2200\n[alpha]\nquota = %s\n",
             desc, list);
    tu_write(path_of("long.ini"), text);
    scenario *sc = NULL;
    phx_err e;
    CU_ASSERT_EQUAL_FATAL(load("long.ini", &sc, &e), PHX_OK);
    CU_ASSERT_STRING_EQUAL(sc->description, desc);
    CU_ASSERT_EQUAL(sc->n_years, 200);
    CU_ASSERT_EQUAL(scenario_dist(sc, "alpha.quota", 199)->a, 5);
    scenario_free(sc);

    /* a long comment whose tail reads like a key sets nothing; a line of 100 kB loads */
    char *big = malloc(200000);
    int n = snprintf(big, 200000, "[scenario]\nmodel = toy\n[alpha]\n; %0250d rate = 0.9\nnote = ", 0);
    memset(big + n, 'x', 100000);
    strcpy(big + n + 100000, "\nquota = 7\n");
    tu_write(path_of("comment.ini"), big);
    free(big);
    CU_ASSERT_EQUAL_FATAL(load("comment.ini", &sc, &e), PHX_OK);
    CU_ASSERT_EQUAL(scenario_dist(sc, "alpha.rate", 0)->a, 0.5);      /* the default */
    CU_ASSERT_EQUAL(strlen(scenario_text(sc, "alpha.note")), 100000);
    const char *f;
    int line;
    scenario_origin(sc, "alpha.quota", &f, &line);
    CU_ASSERT_EQUAL(line, 6);                                        /* no drift */
    scenario_free(sc);

    /* an error after long lines names its own line */
    snprintf(text, sizeof text, "[scenario]\nmodel = toy\ndescription = %s\n; %s\n[alpha]\nrate = 2\n",
             desc, desc);
    tu_write(path_of("drift.ini"), text);
    expect_refused("drift.ini", "drift.ini:6: alpha.rate: 2 is out of bounds");
    snprintf(text, sizeof text, "[scenario]\n; %s\n%s\n", desc, desc);
    tu_write(path_of("syntax.ini"), text);
    expect_refused("syntax.ini", "syntax.ini:3: syntax error");
}

static void test_not_a_scenario(void)
{
    WRITE("empty.ini", "");
    expect_refused("empty.ini", "empty.ini: not a scenario: the file is empty");
    WRITE("blank.ini", " \n\n\t\n");
    expect_refused("blank.ini", "blank.ini: not a scenario: the file is empty");
    WRITE("nul.ini", "[scenario]\nmodel = toy\x00x\n");
    expect_refused("nul.ini", "nul.ini:2: not a text file");
    WRITE("utf16.ini", "\xff\xfe[\0s\0");
    expect_refused("utf16.ini", "utf16.ini:1: not UTF-8 text (a UTF-16 byte-order mark)");
    WRITE("latin1.ini", "[scenario]\nmodel = toy\n[alpha]\nnote = caf\xe9\n");
    expect_refused("latin1.ini", "latin1.ini:4: not UTF-8 text");
    WRITE("overlong.ini", "[scenario]\nname = \xc0\xaf\n");
    expect_refused("overlong.ini", "overlong.ini:2: not UTF-8 text");
    WRITE("surrogate.ini", "[scenario]\nname = \xed\xa0\x80\n");
    expect_refused("surrogate.ini", "surrogate.ini:2: not UTF-8 text");
    tu_write(path_of("nosection.ini"), "[alpha]\nrate = 0.2\n");
    expect_refused("nosection.ini", "nosection.ini: not a scenario: no [scenario] section");
    tu_write(path_of("header.ini"), "; [scenario] in a comment is not a section\n[alpha]\nrate = 0.2\n");
    expect_refused("header.ini", "no [scenario] section");
    /* in a base chain the base is checked too, and the child names it */
    tu_write(path_of("child.ini"), "[scenario]\nmodel = toy\nbase = empty.ini\n");
    expect_refused("child.ini", "empty.ini: not a scenario");
    /* a directory is not a scenario either */
    expect_refused(".", "cannot read scenario file");
}

static void test_line_ends_and_bom(void)
{
    WRITE("cr.ini", "[scenario]\rmodel = toy\r[alpha]\rrate = 0.25\r");
    scenario *sc = NULL;
    phx_err e;
    CU_ASSERT_EQUAL_FATAL(load("cr.ini", &sc, &e), PHX_OK);
    CU_ASSERT_EQUAL(scenario_dist(sc, "alpha.rate", 0)->a, 0.25);
    const char *f;
    int line;
    scenario_origin(sc, "alpha.rate", &f, &line);
    CU_ASSERT_EQUAL(line, 4);
    scenario_free(sc);
    WRITE("crlf.ini", "\xef\xbb\xbf[scenario]\r\nmodel = toy\r\n[alpha]\r\nrate = 0.75\r\n");
    CU_ASSERT_EQUAL_FATAL(load("crlf.ini", &sc, &e), PHX_OK);
    CU_ASSERT_EQUAL(scenario_dist(sc, "alpha.rate", 0)->a, 0.75);
    scenario_free(sc);
}

static void test_numbers(void)
{
    double v = 1;
    CU_ASSERT_EQUAL(phx_parse_double("1e-320", &v), 0);      /* a subnormal is a number */
    CU_ASSERT(v > 0 && v < DBL_MIN);
    CU_ASSERT_EQUAL(phx_parse_double("-4.9e-324", &v), 0);
    CU_ASSERT_EQUAL(phx_parse_double("1e-400", &v), 0);      /* underflows to 0: still a number */
    CU_ASSERT_EQUAL(v, 0);
    CU_ASSERT_EQUAL(phx_parse_double("1e309", &v), -1);      /* overflow is not */
    CU_ASSERT_EQUAL(phx_parse_double("-1e309", &v), -1);
    CU_ASSERT_EQUAL(phx_parse_double("inf", &v), -1);
    tu_write(path_of("tiny.ini"), "[scenario]\nmodel = toy\n[alpha]\nrate = 1e-320\n[targets]\nenergy = 1e-320\n");
    scenario *sc = NULL;
    phx_err e;
    CU_ASSERT_EQUAL_FATAL(load("tiny.ini", &sc, &e), PHX_OK);
    CU_ASSERT_EQUAL(scenario_dist(sc, "alpha.rate", 0)->a, 1e-320);
    CU_ASSERT_EQUAL(sc->targets[0].value, 1e-320);
    scenario_free(sc);
    /* the years value is read whole: a tail past 63 characters is not dropped */
    char text[512];
    snprintf(text, sizeof text, "[scenario]\nmodel = toy\nyears = 2021-2023%70s9\n", "");
    tu_write(path_of("years.ini"), text);
    expect_refused("years.ini", "years.ini:3: scenario.years: '2021-2023");
    snprintf(text, sizeof text, "[scenario]\nmodel = toy\nyears = %70s2021 -  2023\n", "");
    tu_write(path_of("years2.ini"), text);
    CU_ASSERT_EQUAL_FATAL(load("years2.ini", &sc, &e), PHX_OK);
    CU_ASSERT_EQUAL(sc->n_years, 3);
    scenario_free(sc);
}

int main(void)
{
    dir = tu_tmpdir();
    CU_TestInfo tests[] = {
        { "lines of any length; comments never set keys; line numbers never drift", test_long_lines },
        { "empty, binary, non-UTF-8 and section-less files are refused", test_not_a_scenario },
        { "CR-only and CRLF line ends, a UTF-8 BOM", test_line_ends_and_bom },
        { "subnormal numbers; overflow refused; years never truncated", test_numbers },
        CU_TEST_INFO_NULL,
    };
    int st = tu_run("scenario_text", tests);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    tu_sh(cmd, NULL);
    free(dir);
    return st;
}
