/* model.c -- small queries on a model's tables. */
#include "model.h"

#include <string.h>

size_t model_n_group_metrics(const model_type *m)
{
    size_t k = 0;
    for (size_t i = 0; i < m->n_metrics; i++)
        k += (m->metrics[i].flags & METRIC_BY_GROUP) != 0;
    return k;
}

int model_metric_find(const model_type *m, const char *name)
{
    for (size_t i = 0; i < m->n_metrics; i++)
        if (strcmp(m->metrics[i].name, name) == 0)
            return (int)i;
    return -1;
}

const char *model_option_param(const model_type *m, const char *option)
{
    for (size_t k = 0; k < m->n_options; k++)
        if (strcmp(m->options[k].option, option) == 0)
            return m->options[k].param;
    return NULL;
}

const model_lever *model_lever_find(const model_type *m, const char *word)
{
    for (size_t k = 0; m->sizing && k < m->sizing->n_levers; k++)
        if (strcmp(m->sizing->levers[k].word, word) == 0)
            return &m->sizing->levers[k];
    return NULL;
}
