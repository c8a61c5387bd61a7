/* paired.c -- what scenarios run on the same replications must share (paired.h). */
#include "paired.h"

#include <string.h>

int paired_check(scenario *const *sc, size_t n, int by_precision, phx_err *e)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(sc[i]->name, sc[j]->name) == 0)
                return phx_fail(e, PHX_EINPUT, sc[i]->path, 0, "scenario.name",
                                "'%s' is also the name of %s; names must differ", sc[i]->name, sc[j]->path);
        if (by_precision && strcmp(sc[i]->sampler, "lhs") == 0)
            return phx_fail(e, PHX_EINPUT, sc[i]->path, 0, "scenario.sampler",
                            "--precision needs sampler mc or sobol (lhs fixes the replication count)");
        if (i == 0)
            continue;
        const char *what = sc[i]->model != sc[0]->model           ? "model"
                           : sc[i]->year_first != sc[0]->year_first ? "years"
                           : sc[i]->n_years != sc[0]->n_years       ? "years"
                           : sc[i]->seed != sc[0]->seed             ? "seed"
                           : sc[i]->replications != sc[0]->replications ? "replications"
                           : strcmp(sc[i]->sampler, sc[0]->sampler) ? "sampler"
                                                                    : NULL;
        if (what)
            return phx_fail(e, PHX_EINPUT, sc[i]->path, 0, NULL,
                            "%s differs from %s's; scenarios run together share model, years, seed, "
                            "replications and sampler (common random numbers)", what, sc[0]->path);
    }
    return PHX_OK;
}
