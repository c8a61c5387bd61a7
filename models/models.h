/* models.h -- the registry of policy and test models known to phoenix. */
#ifndef PHX_MODELS_H
#define PHX_MODELS_H

#include <stddef.h>
#include "../engine/model.h"

extern const model_type model_ishigami;   /* models/ishigami.c: closed-form test model */
extern const model_type model_tlhn;       /* models/tlhn/: the 腾笼换鸟 model */

extern const model_type *const models_all[];
extern const size_t models_n;

/* The model called `name`, or NULL. */
const model_type *models_find(const char *name);

#endif
