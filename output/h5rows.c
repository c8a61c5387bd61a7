/* h5rows.c -- the writer's rows: each block of replications appended to the open scenario's
 * datasets (the run_sink), and the attributes that come with a run (the run record). */
#include "h5.h"
#include "h5util.h"
#include "h5w.h"

#include <stdlib.h>
#include <string.h>

/* ---- blocks ---------------------------------------------------------------------------- */

/* Write count[0] rows to `d` (rank 1..3, rows first) from row w->row on, growing it as far as
 * needed (never shrinking it: blocks may arrive out of order under MPI), `count` (count[0] =
 * rows in the block), taking them from `mem` (a selection of `mspace`). */
static int h5w_append(const h5_writer *w, hid_t d, const char *what, int rank,
                      const hsize_t *count, hid_t mtype, hid_t mspace, const void *mem,
                      phx_err *e)
{
    hsize_t size[3], start[3] = { w->row, 0, 0 };
    for (int k = 0; k < rank; k++)
        size[k] = count[k];
    size[0] = w->row + count[0] > w->n_rows ? w->row + count[0] : w->n_rows;
    hid_t fspace = -1;
    int ok = H5Dset_extent(d, size) >= 0 && (fspace = H5Dget_space(d)) >= 0 &&
             H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
             H5Dwrite(d, mtype, mspace, fspace, H5P_DEFAULT, mem) >= 0;
    h5u_close(fspace);
    return ok ? PHX_OK : h5u_fail(e, w->path, "cannot append to %s", what);
}

/* Append the block's replication indices to every replication scale. */
static int h5w_block_replications(const h5_writer *w, const run_block *b, phx_err *e)
{
    int64_t *idx = phx_malloc(b->n * sizeof *idx);
    hsize_t count = b->n;
    for (size_t i = 0; i < b->n; i++)
        idx[i] = (int64_t)(b->first + i);
    hid_t mspace = H5Screate_simple(1, &count, NULL);
    int st = mspace < 0 ? h5u_fail(e, w->path, "cannot make a dataspace") : PHX_OK;
    for (size_t r = 0; st == PHX_OK && r < w->n_rep; r++)
        st = h5w_append(w, w->rep[r], "replication", 1, &count, H5T_NATIVE_INT64, mspace, idx, e);
    h5u_close(mspace);
    free(idx);
    return st;
}

/* Append one slice of an interleaved block: the memory block has dims mdims[0..mrank-1]; the
 * slice fixes dimension 1 at `index` (metric m of rows, or group metric gm of group_rows). */
static int h5w_block_slice(const h5_writer *w, hid_t d, const char *what, int frank,
                           const hsize_t *fcount, int mrank, const hsize_t *mdims, size_t index,
                           const double *mem, phx_err *e)
{
    hsize_t start[4] = { 0, index, 0, 0 }, count[4];
    for (int k = 0; k < mrank; k++)
        count[k] = mdims[k];
    count[1] = 1;
    hid_t mspace = H5Screate_simple(mrank, mdims, NULL);
    int st;
    if (mspace < 0 || H5Sselect_hyperslab(mspace, H5S_SELECT_SET, start, NULL, count, NULL) < 0)
        st = h5u_fail(e, w->path, "cannot select the block slice for %s", what);
    else
        st = h5w_append(w, d, what, frank, fcount, H5T_NATIVE_DOUBLE, mspace, mem, e);
    h5u_close(mspace);
    return st;
}

static int h5w_block(h5_writer *w, const scenario *sc, const run_block *b, phx_err *e)
{
    size_t ny = (size_t)sc->n_years;
    int st = h5w_block_replications(w, b, e);
    if (st == PHX_OK && w->params >= 0) {
        hsize_t count[2] = { b->n, sc->n_slots };
        hid_t mspace = H5Screate_simple(2, count, NULL);
        st = mspace < 0 ? h5u_fail(e, w->path, "cannot make a dataspace")
                        : h5w_append(w, w->params, "parameters", 2, count, H5T_NATIVE_DOUBLE,
                                     mspace, b->theta, e);
        h5u_close(mspace);
    }
    /* a block of rows is [replication x metric x year] (engine/layout.h): metric m is the slice [:, m, :]. */
    hsize_t mdims[3] = { b->n, w->n_metrics, ny }, fcount[3] = { b->n, ny, w->n_groups };
    for (size_t m = 0; st == PHX_OK && m < w->n_metrics; m++)
        st = h5w_block_slice(w, w->metric[m], sc->model->metrics[m].name, 2, fcount, 3, mdims, m,
                             b->rows, e);
    /* group rows are [replication x group metric x year x group] (engine/layout.h). */
    hsize_t gdims[4] = { b->n, w->n_group_metrics, ny, w->n_groups };
    for (size_t m = 0, gm = 0; st == PHX_OK && m < w->n_metrics; m++) {
        const metric_def *md = &sc->model->metrics[m];
        if (!(md->flags & METRIC_BY_GROUP))
            continue;
        st = h5w_block_slice(w, w->by_group[gm], md->name, 3, fcount, 4, gdims, gm, b->group_rows, e);
        gm++;
    }
    return st;
}

/* run_sink callback: append block `b` of the open scenario. */
static int h5w_sink_block(void *ctx, const scenario *sc, const run_block *b, phx_err *e)
{
    h5_writer *w = ctx;
    h5u_quiet();
    if (w->broken)
        return phx_fail(e, PHX_ERUN, w->path, 0, NULL, "writer failed earlier");
    if (w->sc == NULL || w->sc != sc)
        return h5w_broken(w, phx_fail(e, PHX_ERUN, w->path, 0, NULL,
                                      "block for scenario %s, which is not the one begun",
                                      sc != NULL && sc->name != NULL ? sc->name : "?"));
    if (b->n == 0)
        return PHX_OK;
    if (b->rows == NULL || (sc->n_slots > 0 && b->theta == NULL) ||
        (w->n_group_metrics > 0 && b->group_rows == NULL))
        return h5w_broken(w, phx_fail(e, PHX_ERUN, w->path, 0, NULL,
                                      "block of scenario %s lacks rows", sc->name));
    w->row = b->first;                         /* rows are placed by replication index */
    int st = h5w_block(w, sc, b, e);
    if (st == PHX_OK) {
        w->n_written += b->n;
        if (b->first + b->n > w->n_rows)
            w->n_rows = b->first + b->n;
        st = h5w_checkpoint_due(w, e);
    }
    return h5w_broken(w, st);
}

run_sink h5_writer_sink(h5_writer *w)
{
    run_sink s = { w, h5w_sink_block };
    return s;
}

/* ---- the run record ---------------------------------------------------------------------- */

int h5_writer_scenario_attr(h5_writer *w, const char *name, double value, phx_err *e)
{
    h5u_quiet();
    if (w->broken || w->sc == NULL)
        return phx_fail(e, PHX_ERUN, w->path, 0, NULL, "no scenario open for attribute %s", name);
    return h5w_broken(w, h5u_attr_f64(w->sc_group, name, value, w->path, e));
}

int h5_writer_run_record(h5_writer *w, const run_record *rec, phx_err *e)
{
    h5u_quiet();
    if (w->broken || w->sc == NULL)
        return phx_fail(e, PHX_ERUN, w->path, 0, NULL, "no scenario open for its run record");
    hid_t g = w->sc_group;
    int st = h5u_attr_i64(g, "run_replications", (int64_t)rec->replications, w->path, e);
    if (st == PHX_OK)
        st = h5u_attr_str(g, "run_stopped", rec->stopped, w->path, e);
    if (st == PHX_OK && rec->precision_rel > 0)
        st = h5u_attr_f64(g, "precision_rel", rec->precision_rel, w->path, e);
    if (st == PHX_OK && rec->precision_rel > 0)
        st = h5u_attr_f64(g, "precision_reached", rec->precision_reached, w->path, e);
    if (st == PHX_OK && rec->precision_rel > 0)
        st = h5u_attr_f64(g, "precision_batch", (double)rec->precision_batch, w->path, e);
    return h5w_broken(w, st);
}
