/* h5.c -- the HDF5 results writer: provenance, per-scenario datasets streamed in blocks,
 * summaries computed column by column, and the temporary-name-then-rename commit.
 * The layout is documented in docs/output.md (schema version 1), which is the authority. */
#include "h5.h"
#include "h5util.h"
#include "h5w.h"
#include "../engine/outfile.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../engine/layout.h"
#include "../engine/stats.h"

#define H5W_CHUNK_MAX 1024   /* rows per chunk: ~1024 x n_years doubles, a few tens of KB */
#define H5W_CHUNK_BYTES (1u << 20)   /* ...but at most 1 MiB a chunk (many districts, years) */
#define H5W_DEFLATE 4        /* zlib level: most of the gain of 9 at a fraction of the time */

/* The git revision is wired by the Makefile as -DPHX_GIT_SHA1=... (a string literal or a bare
 * token); both are accepted: the stringized form is stripped of its quotes at run time. */
#define H5W_STR_(x) #x
#define H5W_STR(x) H5W_STR_(x)
#ifdef PHX_GIT_SHA1
#define H5W_GIT_SHA1 H5W_STR(PHX_GIT_SHA1)
#else
#define H5W_GIT_SHA1 "unknown"
#endif


/* ---- small pieces ---------------------------------------------------------------------- */

/* Now, as ISO 8601 UTC ("2026-01-31T12:00:00Z"). */
static void h5w_now_utc(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    if (t == (time_t)-1 || gmtime_r(&t, &tm) == NULL || strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, n, "unknown");
}

/* PHX_GIT_SHA1 without the quotes a string-literal definition leaves after stringizing. */
static void h5w_git_sha1(char *buf, size_t n)
{
    const char *s = H5W_GIT_SHA1;
    size_t len = strlen(s);
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"')
        snprintf(buf, n, "%.*s", (int)(len - 2), s + 1);
    else
        snprintf(buf, n, "%s", s);
    if (buf[0] == '\0')
        snprintf(buf, n, "unknown");
}

/* Is `name` usable as one HDF5 link name? */
static int h5w_name_ok(const char *name)
{
    return name != NULL && name[0] != '\0' && strchr(name, '/') == NULL && strcmp(name, ".") != 0;
}

/* Mark the writer unusable and pass the status on. */
int h5w_broken(h5_writer *w, int st)
{
    if (st != PHX_OK)
        w->broken = 1;
    return st;
}

/* Close `id` on a success path: a failure (a dataset's last chunks not written) becomes the
 * status unless there is one already. */
int h5w_close(const h5_writer *w, hid_t id, const char *what, int st, phx_err *e)
{
    if (h5u_close_ok(id) < 0 && st == PHX_OK)
        return h5u_fail(e, w->path, "cannot finish writing %s", what);
    return st;
}

/* Close every id of the open scenario and forget it. Returns the first failure (after an
 * error, callers ignore it: only the cleanup matters). */
static int h5w_scenario_close(h5_writer *w, phx_err *e)
{
    int st = PHX_OK;
    for (size_t i = 0; i < H5W_REP_SCALES; i++) {
        st = h5w_close(w, w->rep[i], "replication", st, e);
        w->rep[i] = -1;
    }
    for (size_t m = 0; w->metric != NULL && m < w->n_metrics; m++)
        st = h5w_close(w, w->metric[m], w->sc->model->metrics[m].name, st, e);
    for (size_t g = 0; w->by_group != NULL && g < w->n_group_metrics; g++)
        st = h5w_close(w, w->by_group[g], "a by-group metric", st, e);
    free(w->metric);
    free(w->by_group);
    w->metric = w->by_group = NULL;
    st = h5w_close(w, w->params, "parameters", st, e);
    st = h5w_close(w, w->sc_group, "the scenario group", st, e);
    w->params = w->sc_group = -1;
    w->n_rep = w->n_metrics = w->n_group_metrics = w->n_groups = w->n_written = 0;
    w->n_rows = w->row = 0;
    w->sc = NULL;
    return st;
}

/* ---- datasets -------------------------------------------------------------------------- */

/* Create dataset `name` in `loc`. With `extendible`, dims[0] starts at 0 and grows without
 * bound (replications), in chunks of up to w->chunk whole rows (at most H5W_CHUNK_BYTES),
 * shuffled and deflate-compressed; float64 datasets are filled with NaN where nothing was
 * written. Returns the id or a negative one. */
hid_t h5w_dataset(const h5_writer *w, hid_t loc, const char *name, hid_t type, int rank,
                  const hsize_t *dims, int extendible)
{
    hsize_t cur[3], max[3], chunk[3], row_bytes = H5Tget_size(type);
    hid_t space = -1, dcpl = -1, dapl = -1, d = -1;
    for (int k = 0; k < rank; k++) {
        cur[k] = max[k] = chunk[k] = dims[k];
        row_bytes *= k > 0 ? dims[k] : 1;
    }
    if ((dcpl = H5Pcreate(H5P_DATASET_CREATE)) < 0 || (dapl = H5Pcreate(H5P_DATASET_ACCESS)) < 0)
        goto done;
    if (extendible) {
        hsize_t rows = row_bytes > 0 ? H5W_CHUNK_BYTES / row_bytes : w->chunk;
        cur[0] = 0;
        max[0] = H5S_UNLIMITED;
        chunk[0] = rows < 1 ? 1 : rows < w->chunk ? rows : w->chunk;
        /* Room for two chunks: a block that ends inside a chunk completes it in the cache
         * (rather than recompressing it block after block), and no more, so that memory stays
         * flat however many replications are written (HDF5 keeps written chunks until the
         * cache is full: with a larger cache every dataset holds on to megabytes). */
        size_t cache = 2 * (size_t)(chunk[0] * (row_bytes > 0 ? row_bytes : 1));
        if (H5Pset_chunk(dcpl, rank, chunk) < 0 || H5Pset_shuffle(dcpl) < 0 ||
            H5Pset_deflate(dcpl, H5W_DEFLATE) < 0 ||
            H5Pset_chunk_cache(dapl, H5D_CHUNK_CACHE_NSLOTS_DEFAULT, cache,
                               H5D_CHUNK_CACHE_W0_DEFAULT) < 0)
            goto done;
    }
    if (H5Tequal(type, H5T_IEEE_F64LE) > 0) {
        double nan = NAN;
        if (H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan) < 0)
            goto done;
    }
    if ((space = H5Screate_simple(rank, cur, max)) < 0)
        goto done;
    d = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, dapl);
done:
    h5u_close(space);
    h5u_close(dapl);
    h5u_close(dcpl);
    return d;
}

/* A fixed-size 1-D dimension scale `name` in `loc` holding `data` (of memory type `mtype`). */
hid_t h5w_scale(const h5_writer *w, hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                size_t n, const void *data, phx_err *e)
{
    hsize_t dim = n;
    hid_t d = h5w_dataset(w, loc, name, ftype, 1, &dim, 0);
    if (d < 0 || (n > 0 && H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) ||
        H5DSset_scale(d, name) < 0) {
        h5u_close(d);
        h5u_fail(e, w->path, "cannot write dimension scale %s", name);
        return -1;
    }
    return d;
}

/* A scale of names (variable-length UTF-8); NULL names are written as "". */
hid_t h5w_scale_names(const h5_writer *w, hid_t loc, const char *name,
                             const char *const *names, size_t n, phx_err *e)
{
    hid_t t = h5u_vlen_str_type();
    if (t < 0) {
        h5u_fail(e, w->path, "cannot make a string type for %s", name);
        return -1;
    }
    const char **v = phx_calloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = names != NULL && names[i] != NULL ? names[i] : "";
    hid_t d = h5w_scale(w, loc, name, t, t, n, v, e);
    free(v);
    H5Tclose(t);
    return d;
}

/* The calendar years year_first..year_last as scale `year` in `loc`. */
hid_t h5w_scale_years(const h5_writer *w, hid_t loc, const scenario *sc, phx_err *e)
{
    int32_t *years = phx_malloc((size_t)sc->n_years * sizeof *years);
    for (int y = 0; y < sc->n_years; y++)
        years[y] = (int32_t)(sc->year_first + y);
    hid_t d = h5w_scale(w, loc, "year", H5T_STD_I32LE, H5T_NATIVE_INT32, (size_t)sc->n_years, years, e);
    free(years);
    return d;
}

/* The extendible int64 scale `replication` in `loc` (w->rep[w->n_rep]). */
static int h5w_scale_replication(h5_writer *w, hid_t loc, phx_err *e)
{
    hsize_t dim = 0;
    hid_t d = h5w_dataset(w, loc, "replication", H5T_STD_I64LE, 1, &dim, 1);
    if (d < 0 || H5DSset_scale(d, "replication") < 0) {
        h5u_close(d);
        return h5u_fail(e, w->path, "cannot create dimension scale replication");
    }
    w->rep[w->n_rep++] = d;
    return PHX_OK;
}

/* Attach scales[k] to dimension k of `d`. */
int h5w_attach(const h5_writer *w, hid_t d, const char *name, const hid_t *scales, int rank,
                      phx_err *e)
{
    for (int k = 0; k < rank; k++)
        if (H5DSattach_scale(d, scales[k], (unsigned)k) < 0)
            return h5u_fail(e, w->path, "cannot attach dimension %d of %s to its scale", k, name);
    return PHX_OK;
}

/* A new group `name` in `loc`; its links listed in creation order when `ordered`. */
hid_t h5w_group(const h5_writer *w, hid_t loc, const char *name, int ordered, phx_err *e)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE), g = -1;
    if (gcpl >= 0 && (!ordered || H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED |
                                                             H5P_CRT_ORDER_INDEXED) >= 0))
        g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    h5u_close(gcpl);
    if (g < 0)
        h5u_fail(e, w->path, "cannot create group %s", name);
    return g;
}

/* ---- open ------------------------------------------------------------------------------ */

static int h5w_root_attrs(h5_writer *w, const char *command_line, uint64_t seed, phx_err *e)
{
    const int32_t version[2] = { H5_SCHEMA_MAJOR, H5_SCHEMA_MINOR };
    char created[32], sha[128];
    h5w_now_utc(created, sizeof created);
    h5w_git_sha1(sha, sizeof sha);
    const char *p = w->path;
    int st;
    if ((st = h5u_attr_str(w->file, "filetype", "phoenix-results", p, e)) ||
        (st = h5u_attr_i32s(w->file, "schema_version", version, 2, p, e)) ||
        (st = h5u_attr_str(w->file, "phoenix_version", PHX_VERSION, p, e)) ||
        (st = h5u_attr_str(w->file, "git_sha1", sha, p, e)) ||
        (st = h5u_attr_str(w->file, "created_utc", created, p, e)) ||
        (st = h5u_attr_str(w->file, "command_line", command_line, p, e)) ||
        (st = h5u_attr_u64(w->file, "seed", seed, p, e)) ||
        (st = h5u_attr_str(w->file, "rng", "philox4x32-10", p, e)))
        return st;
    return PHX_OK;
}

int h5_writer_open(h5_writer **out, const char *path, int force, const char *command_line,
                   uint64_t seed, phx_err *e)
{
    *out = NULL;
    h5u_quiet();
    phx_outfile of;
    int st = outfile_open(&of, path, force, e);   /* the rules of every output file */
    if (st != PHX_OK)
        return st;
    h5_writer *w = h5w_alloc(&of);
    hid_t fapl = h5w_fapl();
    if (fapl >= 0)
        w->file = H5Fcreate(w->tmp, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    h5u_close(fapl);
    if (w->file < 0)
        st = h5u_fail(e, w->path, "cannot create HDF5 file %s", w->tmp);
    if (st == PHX_OK)
        st = h5w_root_attrs(w, command_line, seed, e);
    if (st == PHX_OK && (w->scenarios = h5w_group(w, w->file, "scenarios", 1, e)) < 0)
        st = PHX_ERUN;
    if (st != PHX_OK) {
        h5_writer_abort(w);
        return st;
    }
    *out = w;
    return PHX_OK;
}

/* ---- begin_scenario -------------------------------------------------------------------- */

static const char *h5w_direction(int d)
{
    return d == METRIC_LESS ? "less" : "more";
}

static const char *h5w_kind(int k)
{
    return k == METRIC_STATE ? "state" : "cumulative";
}

/* Attributes of a metric dataset (metrics/<name> and <group_dim>s/<name>). */
static int h5w_metric_attrs(const h5_writer *w, hid_t d, const scenario *sc, size_t m, phx_err *e)
{
    const metric_def *md = &sc->model->metrics[m];
    const scenario_target *t = scenario_target_of(sc, (int)m);
    const char *p = w->path;
    int st;
    if ((st = h5u_attr_str(d, "units", md->unit, p, e)) ||
        (st = h5u_attr_str(d, "long_name", md->long_name, p, e)) ||
        (st = h5u_attr_str(d, "long_name_zh", md->long_name_zh, p, e)) ||
        (st = h5u_attr_str(d, "direction", h5w_direction(md->direction), p, e)) ||
        (st = h5u_attr_str(d, "kind", h5w_kind(md->kind), p, e)))
        return st;
    if ((md->flags & METRIC_CONSTRAINT) &&
        (st = h5u_attr_str(d, "constraint", "binds when > 0", p, e)))
        return st;
    if (t != NULL)
        return h5u_attr_f64(d, "target", t->value, p, e);
    return PHX_OK;
}

static int h5w_scenario_attrs(const h5_writer *w, const scenario *sc, phx_err *e)
{
    const char *p = w->path;
    hid_t g = w->sc_group;
    const int32_t first = sc->year_first, last = sc->year_last;
    int st;
    if ((st = h5u_attr_str(g, "name", sc->name, p, e)) ||
        (st = h5u_attr_str(g, "description", sc->description, p, e)) ||
        (st = h5u_attr_str(g, "model", sc->model->name, p, e)) ||
        (st = h5u_attr_str(g, "scenario_text", sc->resolved_text, p, e)) ||
        (st = h5u_attr_str(g, "scenario_sha256", sc->sha256, p, e)) ||
        (st = h5w_question(w, g, sc, e)) ||
        (st = h5u_attr_i32s(g, "year_first", &first, 1, p, e)) ||
        (st = h5u_attr_i32s(g, "year_last", &last, 1, p, e)) ||
        (st = h5u_attr_str(g, "sampler", sc->sampler, p, e)) ||
        (st = h5u_attr_u64(g, "seed", sc->seed, p, e)))
        return st;
    return PHX_OK;
}

/* Reject what would not make a valid layout, before anything is written. */
static int h5w_check_scenario(const h5_writer *w, const scenario *sc, phx_err *e)
{
    const model_type *mt = sc->model;
    if (!h5w_name_ok(sc->name))
        return phx_fail(e, PHX_EINPUT, sc->path, 0, "scenario.name",
                        "'%s' cannot name an HDF5 group (empty, '.' or contains '/')",
                        sc->name != NULL ? sc->name : "");
    int ex = h5u_exists(w->scenarios, sc->name);
    if (ex < 0)
        return h5u_fail(e, w->path, "cannot look up /scenarios/%s", sc->name);
    if (ex > 0)
        return phx_fail(e, PHX_EINPUT, sc->path, 0, "scenario.name",
                        "'%s' is already in %s; scenarios in one file need different names",
                        sc->name, w->path);
    if (sc->n_years < 1)
        return phx_fail(e, PHX_ERUN, w->path, 0, NULL, "scenario %s has no years", sc->name);
    for (size_t m = 0; m < mt->n_metrics; m++) {
        const char *n = mt->metrics[m].name;
        if (!h5w_name_ok(n) || strcmp(n, "year") == 0 || strcmp(n, "replication") == 0 ||
            (mt->group_dim != NULL && strcmp(n, mt->group_dim) == 0))
            return phx_fail(e, PHX_ERUN, w->path, 0, NULL,
                            "model %s: metric name '%s' clashes with the file layout", mt->name, n);
    }
    if (model_n_group_metrics(mt) > 0 &&
        (mt->group_dim == NULL || !h5w_name_ok(mt->group_dim) || mt->n_groups == 0))
        return phx_fail(e, PHX_ERUN, w->path, 0, NULL,
                        "model %s: metrics by group need a group dimension and groups", mt->name);
    return PHX_OK;
}

/* metrics/: year and replication scales, one [replication x year] dataset per metric. */
static int h5w_begin_metrics(h5_writer *w, const scenario *sc, phx_err *e)
{
    hid_t g = h5w_group(w, w->sc_group, "metrics", 1, e), year = -1;
    int st = g < 0 ? PHX_ERUN : PHX_OK;
    if (st == PHX_OK && (year = h5w_scale_years(w, g, sc, e)) < 0)
        st = PHX_ERUN;
    if (st == PHX_OK)
        st = h5w_scale_replication(w, g, e);
    hsize_t dims[2] = { 0, (hsize_t)sc->n_years };
    for (size_t m = 0; st == PHX_OK && m < w->n_metrics; m++) {
        const char *name = sc->model->metrics[m].name;
        hid_t scales[2] = { w->rep[w->n_rep - 1], year };
        w->metric[m] = h5w_dataset(w, g, name, H5T_IEEE_F64LE, 2, dims, 1);
        if (w->metric[m] < 0)
            st = h5u_fail(e, w->path, "cannot create dataset metrics/%s", name);
        if (st == PHX_OK)
            st = h5w_attach(w, w->metric[m], name, scales, 2, e);
        if (st == PHX_OK)
            st = h5w_metric_attrs(w, w->metric[m], sc, m, e);
    }
    h5u_close(year);
    h5u_close(g);
    return st;
}

/* <group_dim>s/ ("districts"): scales year, replication, <group_dim>; one
 * [replication x year x group] dataset per metric flagged METRIC_BY_GROUP. */
static int h5w_begin_groups(h5_writer *w, const scenario *sc, phx_err *e)
{
    const model_type *mt = sc->model;
    char gname[256];
    snprintf(gname, sizeof gname, "%ss", mt->group_dim);
    hid_t g = h5w_group(w, w->sc_group, gname, 1, e), year = -1, grp = -1;
    int st = g < 0 ? PHX_ERUN : PHX_OK;
    if (st == PHX_OK && (year = h5w_scale_years(w, g, sc, e)) < 0)
        st = PHX_ERUN;
    if (st == PHX_OK)
        st = h5w_scale_replication(w, g, e);
    if (st == PHX_OK &&
        (grp = h5w_scale_groups(w, g, mt, e)) < 0)
        st = PHX_ERUN;
    hsize_t dims[3] = { 0, (hsize_t)sc->n_years, (hsize_t)mt->n_groups };
    size_t gm = 0;
    for (size_t m = 0; st == PHX_OK && m < mt->n_metrics; m++) {
        if (!(mt->metrics[m].flags & METRIC_BY_GROUP))
            continue;
        const char *name = mt->metrics[m].name;
        hid_t scales[3] = { w->rep[w->n_rep - 1], year, grp };
        w->by_group[gm] = h5w_dataset(w, g, name, H5T_IEEE_F64LE, 3, dims, 1);
        if (w->by_group[gm] < 0)
            st = h5u_fail(e, w->path, "cannot create dataset %s/%s", gname, name);
        if (st == PHX_OK)
            st = h5w_attach(w, w->by_group[gm], name, scales, 3, e);
        if (st == PHX_OK)
            st = h5w_metric_attrs(w, w->by_group[gm], sc, m, e);
        gm++;
    }
    h5u_close(grp);
    h5u_close(year);
    h5u_close(g);
    return st;
}

/* The scenario group's own scales and the parameters dataset. */
static int h5w_begin_top(h5_writer *w, const scenario *sc, phx_err *e)
{
    const model_type *mt = sc->model;
    hid_t year = -1, par = -1, grp = -1;
    int st = PHX_OK;
    if ((year = h5w_scale_years(w, w->sc_group, sc, e)) < 0 ||
        (st = h5w_scale_replication(w, w->sc_group, e)) != PHX_OK ||
        (par = h5w_scale_names(w, w->sc_group, "parameter", (const char *const *)sc->slot_names,
                               sc->n_slots, e)) < 0 ||
        (mt->group_dim != NULL && (grp = h5w_scale_groups(w, w->sc_group, mt, e)) < 0))
        st = PHX_ERUN;
    /* No parameters dataset without slots: a chunk cannot span a fixed dimension of size 0. */
    if (st == PHX_OK && sc->n_slots > 0) {
        hsize_t dims[2] = { 0, sc->n_slots };
        hid_t scales[2] = { w->rep[0], par };
        w->params = h5w_dataset(w, w->sc_group, "parameters", H5T_IEEE_F64LE, 2, dims, 1);
        if (w->params < 0)
            st = h5u_fail(e, w->path, "cannot create dataset parameters");
        if (st == PHX_OK)
            st = h5w_attach(w, w->params, "parameters", scales, 2, e);
        if (st == PHX_OK)
            st = h5u_attr_strs(w->params, "names", (const char *const *)sc->slot_names,
                               sc->n_slots, w->path, e);
    }
    h5u_close(grp);
    h5u_close(par);
    h5u_close(year);
    return st;
}

int h5_writer_begin_scenario(h5_writer *w, const scenario *sc, size_t n_hint, phx_err *e)
{
    h5u_quiet();
    if (w->broken)
        return phx_fail(e, PHX_ERUN, w->path, 0, NULL, "writer failed earlier");
    if (w->sc != NULL)
        return phx_fail(e, PHX_ERUN, w->path, 0, NULL, "scenario %s not ended", w->sc->name);
    int st = h5w_check_scenario(w, sc, e);
    if (st != PHX_OK)
        return st;                             /* nothing written: the writer stays usable */
    w->sc = sc;
    w->n_metrics = sc->model->n_metrics;
    w->n_group_metrics = model_n_group_metrics(sc->model);
    w->n_groups = sc->model->n_groups;
    /* n_hint 0: unknown, so full-size chunks rather than one-row ones */
    w->chunk = n_hint < 1 || n_hint > H5W_CHUNK_MAX ? H5W_CHUNK_MAX : (hsize_t)n_hint;
    w->metric = phx_malloc((w->n_metrics ? w->n_metrics : 1) * sizeof *w->metric);
    w->by_group = phx_malloc((w->n_group_metrics ? w->n_group_metrics : 1) * sizeof *w->by_group);
    for (size_t m = 0; m < w->n_metrics; m++)
        w->metric[m] = -1;
    for (size_t g = 0; g < w->n_group_metrics; g++)
        w->by_group[g] = -1;
    if ((w->sc_group = h5w_group(w, w->scenarios, sc->name, 1, e)) < 0)
        return h5w_broken(w, PHX_ERUN);
    if ((st = h5w_scenario_attrs(w, sc, e)) || (st = h5w_begin_top(w, sc, e)) ||
        (st = h5w_begin_metrics(w, sc, e)))
        return h5w_broken(w, st);
    if (w->n_group_metrics > 0 && (st = h5w_begin_groups(w, sc, e)))
        return h5w_broken(w, st);
    return PHX_OK;
}

/* ---- end_scenario (the summary itself: h5summary.c) ------------------------------------ */

int h5_writer_end_scenario(h5_writer *w, phx_err *e)
{
    h5u_quiet();
    if (w->broken)
        return phx_fail(e, PHX_ERUN, w->path, 0, NULL, "writer failed earlier");
    if (w->sc == NULL)
        return phx_fail(e, PHX_ERUN, w->path, 0, NULL, "no scenario begun");
    if (w->n_written != w->n_rows)             /* a block missing or written twice */
        return h5w_broken(w, phx_fail(e, PHX_ERUN, w->path, 0, NULL,
                                      "scenario %s: %zu rows written for replications 0..%zu",
                                      w->sc->name, w->n_written, w->n_rows - 1));
    if (H5Aexists(w->sc_group, "resume_rows") > 0 && H5Adelete(w->sc_group, "resume_rows") < 0)
        return h5w_broken(w, h5u_fail(e, w->path, "cannot finish the checkpointed scenario"));
    int st = h5u_attr_i64(w->sc_group, "n_replications", (int64_t)w->n_written, w->path, e);
    if (st == PHX_OK)
        st = h5w_summary(w, e);
    if (st == PHX_OK)
        st = h5w_scenario_close(w, e);
    return h5w_broken(w, st);
}

/* ---- commit / abort -------------------------------------------------------------------- */

int h5_writer_commit(h5_writer *w, phx_err *e)
{
    int st = PHX_OK;
    h5u_quiet();
    if (w->broken)
        st = phx_fail(e, PHX_ERUN, w->path, 0, NULL, "writer failed earlier; nothing written");
    else if (w->sc != NULL)
        st = phx_fail(e, PHX_ERUN, w->path, 0, NULL, "scenario %s not ended; nothing written",
                      w->sc->name);
    if (st == PHX_OK) {
        herr_t r = H5Gclose(w->scenarios);
        w->scenarios = -1;
        if (r < 0)
            st = h5u_fail(e, w->path, "cannot close group /scenarios");
    }
    if (st == PHX_OK) {
        herr_t r = H5Fclose(w->file);
        if (r >= 0)
            w->file = -1;                      /* else abort closes what is left */
        else
            st = h5u_fail(e, w->path, "cannot close %s", w->tmp);
    }
    if (st == PHX_OK && (st = outfile_commit(&w->out, e)) != PHX_OK)
        w->path = w->tmp = NULL;               /* outfile_commit deleted and freed them */
    if (st != PHX_OK) {
        h5_writer_abort(w);
        return st;
    }
    h5w_checkpoint_drop(w);                    /* the result is there: no resuming it */
    free(w);
    return PHX_OK;
}

void h5_writer_abort(h5_writer *w)
{
    if (w == NULL)
        return;
    h5u_quiet();
    if (w->sc != NULL)
        h5w_scenario_close(w, NULL);
    h5u_close(w->scenarios);
    if (w->file >= 0) {
        /* Close whatever is still open in the file, then the file itself. */
        ssize_t n = H5Fget_obj_count(w->file, H5F_OBJ_ALL & ~H5F_OBJ_FILE);
        if (n > 0) {
            hid_t *ids = phx_malloc((size_t)n * sizeof *ids);
            ssize_t k = H5Fget_obj_ids(w->file, H5F_OBJ_ALL & ~H5F_OBJ_FILE, (size_t)n, ids);
            for (ssize_t i = 0; i < k; i++)
                h5u_close(ids[i]);
            free(ids);
        }
        h5u_close(w->file);
    }
    outfile_abort(&w->out);
    if (w->ckpt_fd >= 0)                       /* the checkpoint stays for --resume */
        close(w->ckpt_fd);
    free(w->ckpt);
    free(w);
}

const char *h5_writer_temp_path(const h5_writer *w)
{
    return w->tmp;
}
