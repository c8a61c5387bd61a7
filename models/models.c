/* models.c -- the registry of models: the one place that lists them all. */
#include "models.h"

#include <string.h>

const model_type *const models_all[] = {
    &model_ishigami,
    &model_tlhn,
};
const size_t models_n = sizeof models_all / sizeof models_all[0];

const model_type *models_find(const char *name)
{
    for (size_t i = 0; i < models_n; i++)
        if (strcmp(models_all[i]->name, name) == 0)
            return models_all[i];
    return NULL;
}
