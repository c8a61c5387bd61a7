/* fuzz_scenario.c -- libFuzzer harness of the scenario loader, base chains included: the input
 * is split at the first "\n%%\n" into a child file (fuzz.ini) and a second file (b.ini) that the
 * child may name as its base (`base = b.ini`); both, and the child alone, are loaded against the
 * project's models with a command-line override. Any crash, leak or undefined behaviour is a
 * finding; an input error (status 2) is the expected answer to most inputs. */
#include <stdint.h>
#include "fuzz_util.h"
#include "../../engine/scenario.h"
#include "../../models/models.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *sep = NULL;
    for (size_t i = 0; i + 4 <= size && sep == NULL; i++)
        if (memcmp(data + i, "\n%%\n", 4) == 0)
            sep = data + i;
    size_t n1 = sep ? (size_t)(sep - data) + 1 : size;
    const char *child = fuzz_file(0, "fuzz.ini", data, n1);
    fuzz_file(1, "b.ini", sep ? sep + 4 : data, sep ? size - n1 - 3 : 0);
    scenario_override ov[] = { { "--set", "scenario.replications", "7" } };
    for (int k = 0; k < 2; k++) {
        scenario *sc = NULL;
        phx_err e = { 0 };
        int st = scenario_load(&sc, child, models_all, models_n, ov, (size_t)k, &e);
        if ((st == 0) != (sc != NULL) || (st != 0 && e.msg[0] == '\0'))
            abort();                 /* a status without its scenario, or an error without words */
        scenario_free(sc);
    }
    return 0;
}
