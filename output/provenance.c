/* provenance.c -- the prepared model's provenance in the results file: the key/value strings a
 * model reports (model_type.provenance: for tlhn the firm table's path, resolved path, SHA-256,
 * rows, encoding, delimiter) as string attributes of /scenarios/<name>/provenance. */
#include "h5.h"
#include "h5util.h"
#include "h5w.h"

int h5_writer_provenance(h5_writer *w, const model_type *m, const void *shared, phx_err *e)
{
    if (m->provenance == NULL || shared == NULL)
        return PHX_OK;
    h5u_quiet();
    if (w->broken || w->sc == NULL)
        return phx_fail(e, PHX_ERUN, w->path, 0, NULL, "no scenario open for its provenance");
    const char *const *kv = NULL;
    size_t n = m->provenance(shared, &kv);
    hid_t g = h5w_group(w, w->sc_group, "provenance", 1, e);
    if (g < 0) {
        w->broken = 1;
        return PHX_ERUN;
    }
    int st = h5u_attr_str(g, "description", "where the model's prepared input came from (the "
                          "model's own keys; docs/output.md)", w->path, e);
    for (size_t k = 0; st == PHX_OK && k < n; k++)
        st = h5u_attr_str(g, kv[2 * k], kv[2 * k + 1], w->path, e);
    h5u_close(g);
    if (st != PHX_OK)
        w->broken = 1;
    return st;
}
