/* test_options.c -- generic options (engine/model.h, model_option): an override of
 * MODEL_OPTION_PREFIX "input.encoding" sets the key the model declares for it, and fails, naming
 * the option, for a model that declares none. */
#include <string.h>
#include "testutil.h"
#include "../engine/scenario.h"
#include "../models/models.h"

static void test_declared(void)
{
    const model_type *tlhn = models_find("tlhn");
    CU_ASSERT_PTR_NOT_NULL_FATAL(tlhn);
    CU_ASSERT_STRING_EQUAL(model_option_param(tlhn, "input.encoding"), "population.encoding");
    CU_ASSERT_STRING_EQUAL(model_option_param(tlhn, "input.csv_delimiter"), "population.csv_delimiter");
    CU_ASSERT_PTR_NULL(model_option_param(tlhn, "input.nothing"));
    scenario_override ov[] = { { "--encoding", MODEL_OPTION_PREFIX "input.encoding", "gb18030" },
                               { "--csv-delimiter", MODEL_OPTION_PREFIX "input.csv_delimiter", "tab" } };
    phx_err e = { 0 };
    scenario *sc = NULL;
    CU_ASSERT_EQUAL_FATAL(scenario_defaults(&sc, tlhn, ov, 2, &e), PHX_OK);
    CU_ASSERT_STRING_EQUAL(scenario_text(sc, "population.encoding"), "gb18030");
    CU_ASSERT_STRING_EQUAL(scenario_text(sc, "population.csv_delimiter"), "tab");
    const char *file;
    int line;
    scenario_origin(sc, "population.encoding", &file, &line);   /* where it was set: the option */
    CU_ASSERT_STRING_EQUAL(file, "--encoding");
    scenario_free(sc);
}

static void test_undeclared(void)
{
    const model_type *m = models_find("ishigami");
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_PTR_NULL(model_option_param(m, "input.encoding"));
    scenario_override ov[] = { { "--encoding", MODEL_OPTION_PREFIX "input.encoding", "utf-8" } };
    phx_err e = { 0 };
    scenario *sc = NULL;
    CU_ASSERT_EQUAL(scenario_defaults(&sc, m, ov, 1, &e), PHX_EINPUT);
    CU_ASSERT_PTR_NULL(sc);
    CU_ASSERT(strncmp(e.msg, "--encoding: ", 12) == 0);
    CU_ASSERT(strstr(e.msg, "ishigami") != NULL);
    /* a bad value is the model's key's error, named by the option */
    const model_type *tlhn = models_find("tlhn");
    scenario_override bad[] = { { "--encoding", MODEL_OPTION_PREFIX "input.encoding", "latin-9" } };
    CU_ASSERT_EQUAL(scenario_defaults(&sc, tlhn, bad, 1, &e), PHX_EINPUT);
    CU_ASSERT(strstr(e.msg, "--encoding") != NULL && strstr(e.msg, "population.encoding") != NULL);
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "a declared option sets the model's key", test_declared },
        { "an undeclared option fails naming it", test_undeclared },
        CU_TEST_INFO_NULL,
    };
    return tu_run("options", tests);
}
