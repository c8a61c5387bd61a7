/* h5texts.c -- texts of a scenario group beside its numbers: the policy question of its file,
 * and the group dimension's names in the model's other language (docs/output.md). */
#include "h5w.h"
#include "h5util.h"

#include <stdlib.h>

#include "../engine/model.h"
#include "../engine/scenario.h"

int h5w_question(const h5_writer *w, hid_t g, const scenario *sc, phx_err *e)
{
    char *q = scenario_question(sc->path);
    int st = q != NULL ? h5u_attr_str(g, "question", q, w->path, e) : PHX_OK;
    free(q);
    return st;
}

hid_t h5w_scale_groups(const h5_writer *w, hid_t loc, const model_type *mt, phx_err *e)
{
    hid_t d = h5w_scale_names(w, loc, mt->group_dim, mt->group_names, mt->n_groups, e);
    if (d >= 0 && mt->group_names_zh != NULL &&
        h5u_attr_strs(d, "names_zh", mt->group_names_zh, mt->n_groups, w->path, e) != PHX_OK) {
        h5u_close(d);
        return -1;
    }
    return d;
}
