/* h5resume.c -- checkpoints of a run being written, and resuming from one (OpenMC's restart,
 * for phoenix; docs/output.md "Checkpoints and --resume").
 *
 * A checkpoint is "<path>.tmp.resume": after the last complete block, the scenario group's
 * attribute resume_rows is set, the file is flushed (H5Fflush: every object and chunk on disk,
 * a consistent HDF5 file), and its bytes are copied to "<checkpoint>.new", fsync'd and renamed
 * over the checkpoint. The copy is taken while nothing else writes the file, so it is complete
 * whatever happens to the live temporary file afterwards (HDF5 rewrites metadata in place
 * between flushes: the live file after kill -9 is not to be trusted). The writer holds a shared
 * lock on the checkpoint: a checkpoint without one was left by a process that is gone. */
#include "h5.h"
#include "h5util.h"
#include "h5w.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

/* ---- the writer's file ---------------------------------------------------------------------- */

/* A writer for the temporary file of `of` (taken over), nothing open yet. */
h5_writer *h5w_alloc(const phx_outfile *of)
{
    h5_writer *w = phx_calloc(1, sizeof *w);
    w->out = *of;
    w->path = of->path;
    w->tmp = of->tmp;
    w->file = w->scenarios = w->sc_group = w->params = -1;
    w->ckpt_fd = -1;
    for (size_t i = 0; i < H5W_REP_SCALES; i++)
        w->rep[i] = -1;
    return w;
}

/* The file access properties of a results file being written, or a negative id. */
hid_t h5w_fapl(void)
{
    /* SEMI: H5Fclose fails if an object is still open, so a leak shows up as an error. */
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    /* The metadata cache (chunk indexes) would grow with the number of chunks, i.e. with the
     * replications, up to HDF5's default of 32 MiB: a fixed 2 MiB keeps memory flat. */
    H5AC_cache_config_t mdc = { .version = H5AC__CURR_CACHE_CONFIG_VERSION };
    if (fapl >= 0 && H5Pget_mdc_config(fapl, &mdc) >= 0) {
        mdc.set_initial_size = 1;
        mdc.initial_size = 2u << 20;
        mdc.max_size = 2u << 20;
        mdc.min_size = 1u << 20;
        if (H5Pset_mdc_config(fapl, &mdc) < 0)
            mdc.version = 0;
    }
    if (fapl >= 0 && (mdc.version == 0 || H5Pset_fclose_degree(fapl, H5F_CLOSE_SEMI) < 0)) {
        h5u_close(fapl);
        return -1;
    }
    return fapl;
}

size_t h5_writer_rows(const h5_writer *w)
{
    return w->sc != NULL ? w->n_written : 0;
}

int h5_writer_in_scenario(const h5_writer *w)
{
    return w->sc != NULL;
}

/* ---- checkpoints ---------------------------------------------------------------------------- */

static double h5r_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

char *h5_checkpoint_name(const char *path)
{
    size_t n = strlen(path) + sizeof ".tmp.resume";
    char *s = phx_malloc(n);
    snprintf(s, n, "%s.tmp.resume", path);
    return s;
}

/* Copy file `from` to `to` (created); 0 or an errno. */
static int h5r_copy(const char *from, const char *to)
{
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0666), err = 0;
    char buf[1 << 16];
    ssize_t n = 0;
    while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) {
            n = -1;
            break;
        }
    if (in < 0 || out < 0 || n < 0 || fsync(out) != 0)
        err = errno ? errno : EIO;
    if (in >= 0)
        close(in);
    if (out >= 0 && close(out) != 0 && err == 0)
        err = errno;
    return err;
}

/* "<checkpoint>.new": where a checkpoint is copied before its rename. */
static char *h5r_partial_name(const char *ckpt)
{
    size_t n = strlen(ckpt) + 5;
    char *tmp = phx_malloc(n);
    snprintf(tmp, n, "%s.new", ckpt);
    return tmp;
}

/* A run killed while copying a checkpoint leaves a partial "<checkpoint>.new"; the checkpoint
 * itself is intact (the rename never happened), so the copy is of no use: the run that takes
 * the checkpoint over deletes it. */
static void h5r_drop_partial(const char *ckpt)
{
    char *tmp = h5r_partial_name(ckpt);
    unlink(tmp);
    free(tmp);
}

/* Take a checkpoint now (see the top of this file). */
static int h5r_checkpoint(h5_writer *w, phx_err *e)
{
    int st = h5u_attr_i64(w->sc_group, "resume_rows", (int64_t)w->n_written, w->path, e);
    if (st == PHX_OK && H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0)
        st = h5u_fail(e, w->path, "cannot flush a checkpoint");
    if (st != PHX_OK)
        return st;
    char *tmp = h5r_partial_name(w->ckpt);
    int err = h5r_copy(w->tmp, tmp);
    if (err == 0 && rename(tmp, w->ckpt) != 0)
        err = errno;
    if (err != 0) {
        unlink(tmp);
        st = phx_fail(e, PHX_ERUN, w->ckpt, 0, NULL, "cannot write the checkpoint: %s",
                      strerror(err));
    }
    free(tmp);
    if (w->ckpt_fd >= 0)
        close(w->ckpt_fd);
    w->ckpt_fd = open(w->ckpt, O_RDONLY);     /* the lock says: a run is writing this */
    if (w->ckpt_fd >= 0)
        flock(w->ckpt_fd, LOCK_SH | LOCK_NB);
    w->ckpt_blocks = 0;
    w->ckpt_time = h5r_now();
    return st;
}

int h5w_checkpoint_due(h5_writer *w, phx_err *e)
{
    if (!w->checkpoint)
        return PHX_OK;
    /* every H5W_CKPT_BLOCKS blocks or H5W_CKPT_SECONDS, whichever first, but never more
     * often than 10 times the last checkpoint's cost: copying stays under ~10% of the run */
    double since = h5r_now() - w->ckpt_time;
    if ((++w->ckpt_blocks < H5W_CKPT_BLOCKS && since < H5W_CKPT_SECONDS) ||
        since < 10.0 * w->ckpt_cost)
        return PHX_OK;
    double t0 = h5r_now();
    int st = h5r_checkpoint(w, e);
    w->ckpt_cost = h5r_now() - t0;
    return st;
}

void h5w_checkpoint_drop(h5_writer *w)
{
    if (w->ckpt != NULL && w->checkpoint) {
        unlink(w->ckpt);
        h5r_drop_partial(w->ckpt);
    }
    if (w->ckpt_fd >= 0)
        close(w->ckpt_fd);
    w->ckpt_fd = -1;
    free(w->ckpt);
    w->ckpt = NULL;
}

int h5_writer_checkpoints(h5_writer *w, phx_err *e)
{
    h5u_quiet();
    if (w->sc == NULL || w->broken)
        return phx_fail(e, PHX_ERUN, w->path, 0, NULL, "checkpoints need an open scenario");
    char *name = h5_checkpoint_name(w->path);
    int fd = open(name, O_RDONLY);             /* another run's, still being written? */
    int busy = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0;
    if (fd >= 0)
        close(fd);
    if (busy) {
        free(name);
        return phx_fail(e, PHX_EINPUT, w->path, 0, NULL, "another phoenix run is writing it");
    }
    h5r_drop_partial(name);
    free(w->ckpt);
    w->ckpt = name;
    w->checkpoint = 1;
    w->ckpt_blocks = 0;
    w->ckpt_time = h5r_now();
    return PHX_OK;
}

/* ---- resuming ------------------------------------------------------------------------------- */

/* Is checkpoint `ckpt` of `sc`, unfinished, with rows? Its resume_rows go to *done. */
static int h5r_validate(const char *ckpt, const scenario *sc, size_t *done, phx_err *e)
{
    hid_t f = -1, g = -1;
    char **names = NULL, *sha = NULL, *model = NULL;
    size_t n = 0;
    int64_t rows = 0;
    int st = h5u_open_results(ckpt, &f, e);
    if (st == PHX_OK)
        st = h5u_scenario_names(f, ckpt, &names, &n, e);
    if (st == PHX_OK && (n != 1 || strcmp(names[0], sc->name) != 0))
        st = phx_fail(e, PHX_EINPUT, ckpt, 0, NULL, "cannot resume: the checkpoint is of "
                      "scenario '%s', not '%s'", names[0], sc->name);
    if (st == PHX_OK)
        st = h5u_open_scenario(f, ckpt, sc->name, &g, e);
    if (st == PHX_OK && (st = h5u_read_attr_str(g, "scenario_sha256", &sha, ckpt, e)) == PHX_OK &&
        strcmp(sha, sc->sha256) != 0)
        st = phx_fail(e, PHX_EINPUT, ckpt, 0, NULL, "cannot resume: the resolved scenario differs "
                      "(SHA-256 %.12s..., now %.12s...: another file, --set, -n, --seed, "
                      "--sampler or --firms)", sha, sc->sha256);
    if (st == PHX_OK && (st = h5u_read_attr_str(g, "model", &model, ckpt, e)) == PHX_OK &&
        strcmp(model, sc->model->name) != 0)
        st = phx_fail(e, PHX_EINPUT, ckpt, 0, NULL, "cannot resume: model %s, not %s", model,
                      sc->model->name);
    if (st == PHX_OK && h5u_exists(g, "summary") != 0)
        st = phx_fail(e, PHX_EINPUT, ckpt, 0, NULL, "cannot resume: the run had finished");
    if (st == PHX_OK)
        st = h5u_read_attr_i64(g, "resume_rows", &rows, ckpt, e);
    if (st == PHX_OK && (rows < 1 || (uint64_t)rows > (uint64_t)sc->replications))
        st = phx_fail(e, PHX_EINPUT, ckpt, 0, NULL, "cannot resume: %lld rows of %ld",
                      (long long)rows, sc->replications);
    *done = st == PHX_OK ? (size_t)rows : 0;
    free(sha);
    free(model);
    h5u_strs_free(names, n);
    h5u_close(g);
    h5u_close(f);
    return st;
}

/* Open dataset `name` of `loc` into *d and cut it to `rows` rows. */
static int h5r_dataset(h5_writer *w, hid_t loc, const char *name, hid_t *d, phx_err *e)
{
    hsize_t dims[3];
    hid_t sp = -1;
    int ok = (*d = H5Dopen2(loc, name, H5P_DEFAULT)) >= 0 && (sp = H5Dget_space(*d)) >= 0 &&
             H5Sget_simple_extent_ndims(sp) >= 1 && H5Sget_simple_extent_ndims(sp) <= 3 &&
             H5Sget_simple_extent_dims(sp, dims, NULL) >= 0;
    h5u_close(sp);
    dims[0] = w->n_rows;
    if (!ok || H5Dset_extent(*d, dims) < 0)
        return h5u_damaged(e, w->ckpt, "cannot resume %s", name);
    return PHX_OK;
}

/* The open scenario's ids, as h5_writer_begin_scenario() left them. */
static int h5r_reopen(h5_writer *w, const scenario *sc, phx_err *e)
{
    const model_type *mt = sc->model;
    char gname[256];
    snprintf(gname, sizeof gname, "%ss", mt->group_dim != NULL ? mt->group_dim : "");
    hid_t mg = -1, gg = -1;
    int st = (w->scenarios = H5Gopen2(w->file, "scenarios", H5P_DEFAULT)) < 0 ||
             (w->sc_group = H5Gopen2(w->scenarios, sc->name, H5P_DEFAULT)) < 0 ||
             (mg = H5Gopen2(w->sc_group, "metrics", H5P_DEFAULT)) < 0 ||
             (w->n_group_metrics > 0 && (gg = H5Gopen2(w->sc_group, gname, H5P_DEFAULT)) < 0)
                 ? h5u_damaged(e, w->ckpt, "cannot resume scenario %s", sc->name) : PHX_OK;
    hid_t rep_loc[H5W_REP_SCALES] = { w->sc_group, mg, gg };
    for (size_t r = 0; st == PHX_OK && r < (w->n_group_metrics > 0 ? 3u : 2u); r++)
        st = h5r_dataset(w, rep_loc[r], "replication", &w->rep[w->n_rep++], e);
    if (st == PHX_OK && sc->n_slots > 0)
        st = h5r_dataset(w, w->sc_group, "parameters", &w->params, e);
    for (size_t m = 0, gm = 0; st == PHX_OK && m < w->n_metrics; m++) {
        st = h5r_dataset(w, mg, mt->metrics[m].name, &w->metric[m], e);
        if (st == PHX_OK && (mt->metrics[m].flags & METRIC_BY_GROUP))
            st = h5r_dataset(w, gg, mt->metrics[m].name, &w->by_group[gm++], e);
    }
    h5u_close(gg);
    h5u_close(mg);
    return st;
}

/* Is `ckpt` there and left by a process that is gone? */
static int h5r_stale(const char *ckpt, const char *path, phx_err *e)
{
    int fd = open(ckpt, O_RDONLY);
    if (fd < 0)
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "nothing to resume: no checkpoint %s (a "
                        "run stopped before its first checkpoint starts again without --resume)",
                        ckpt);
    int busy = flock(fd, LOCK_EX | LOCK_NB) != 0;
    close(fd);
    return busy ? phx_fail(e, PHX_EINPUT, ckpt, 0, NULL, "a phoenix run is writing it") : PHX_OK;
}

/* The writer's view of open scenario `sc` with `done` rows, as after begin_scenario + blocks. */
static int h5r_open(h5_writer *w, const scenario *sc, size_t done, phx_err *e)
{
    int err = h5r_copy(w->ckpt, w->tmp);
    if (err != 0)
        return phx_fail(e, PHX_ERUN, w->tmp, 0, NULL, "cannot copy the checkpoint: %s",
                        strerror(err));
    hid_t fapl = h5w_fapl();
    if (fapl >= 0)
        w->file = H5Fopen(w->tmp, H5F_ACC_RDWR, fapl);
    h5u_close(fapl);
    if (w->file < 0)
        return h5u_damaged(e, w->ckpt, "cannot open the checkpoint");
    w->sc = sc;
    w->n_metrics = sc->model->n_metrics;
    w->n_group_metrics = model_n_group_metrics(sc->model);
    w->n_groups = sc->model->n_groups;
    w->metric = phx_malloc((w->n_metrics ? w->n_metrics : 1) * sizeof *w->metric);
    w->by_group = phx_malloc((w->n_group_metrics ? w->n_group_metrics : 1) * sizeof *w->by_group);
    for (size_t m = 0; m < w->n_metrics; m++)
        w->metric[m] = -1;
    for (size_t g = 0; g < w->n_group_metrics; g++)
        w->by_group[g] = -1;
    w->n_written = w->n_rows = done;
    return h5r_reopen(w, sc, e);
}

int h5_writer_resume(h5_writer **out, const char *path, int force, const scenario *sc,
                     size_t *done, phx_err *e)
{
    *out = NULL;
    *done = 0;
    h5u_quiet();
    char *ckpt = h5_checkpoint_name(path);
    int st = h5r_stale(ckpt, path, e);
    if (st == PHX_OK)
        st = h5r_validate(ckpt, sc, done, e);
    phx_outfile of = { 0 };
    if (st == PHX_OK)
        st = outfile_open(&of, path, force, e);
    if (st != PHX_OK) {
        free(ckpt);
        return st;
    }
    h5_writer *w = h5w_alloc(&of);
    w->ckpt = ckpt;
    w->checkpoint = 1;
    w->ckpt_time = h5r_now();
    w->ckpt_fd = open(ckpt, O_RDONLY);         /* ours now: a second --resume is refused */
    if (w->ckpt_fd >= 0)
        flock(w->ckpt_fd, LOCK_SH | LOCK_NB);
    h5r_drop_partial(ckpt);
    st = h5r_open(w, sc, *done, e);
    if (st != PHX_OK) {
        h5_writer_abort(w);
        *done = 0;
        return st;
    }
    *out = w;
    return PHX_OK;
}
