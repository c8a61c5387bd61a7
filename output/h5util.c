/* h5util.c -- HDF5 error capture, attribute and string helpers shared by the output/ files. */
#include "h5util.h"
#include "../engine/resources.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>

#include "h5.h"
#include "../engine/tempguard.h"

void h5u_quiet(void)
{
    static int first = 1;
    if (first) {
        /* Before the library starts: no HDF5 clean-up at exit. After a write error (disk full)
         * HDF5 1.10 can neither close the file nor, at exit, step over the half-closed file
         * without crashing; the temporary file is unlinked anyway and the process exits with
         * its error status. Files that were committed are closed explicitly before that. */
        H5dont_atexit();
        first = 0;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);   /* errors go through phx_err, not stderr */
}

#define H5U_MSG 400   /* room for HDF5's longest messages (file name, errno, offsets) */

/* H5Ewalk2 callback: keep the innermost (first, walking upward) message. */
static herr_t h5u_walk(unsigned n, const H5E_error2_t *err, void *data)
{
    char *buf = data;
    if (n != 0)
        return 0;
    if (err->desc != NULL && err->desc[0] != '\0') {
        snprintf(buf, H5U_MSG, "%s", err->desc);
    } else {
        H5E_type_t type;
        if (H5Eget_msg(err->min_num, &type, buf, H5U_MSG) < 0)
            buf[0] = '\0';
    }
    return 0;
}

int h5u_fail(phx_err *e, const char *file, const char *fmt, ...)
{
    char what[512], h5msg[H5U_MSG] = "";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, h5u_walk, h5msg);
    H5Eclear2(H5E_DEFAULT);
    char *o = h5msg;   /* one line: HDF5's system-call messages span several */
    for (const char *c = h5msg; *c; c++) {
        char ch = *c == '\n' || *c == '\r' || *c == '\t' ? ' ' : *c;
        if (ch != ' ' || (o > h5msg && o[-1] != ' '))
            *o++ = ch;
    }
    *o = '\0';
    /* A failed system call (disk full, file too large): only its own message, not HDF5's
     * report of buffers and offsets. */
    const char *sys = strstr(h5msg, "error message = '");
    if (sys != NULL) {
        sys += strlen("error message = '");
        const char *end = strchr(sys, '\'');
        return phx_fail(e, PHX_ERUN, file, 0, NULL, "%s: %.*s", what,
                        (int)(end != NULL ? end - sys : (ptrdiff_t)strlen(sys)), sys);
    }
    if (h5msg[0] != '\0')
        return phx_fail(e, PHX_ERUN, file, 0, NULL, "%s (HDF5: %s)", what, h5msg);
    return phx_fail(e, PHX_ERUN, file, 0, NULL, "%s", what);
}

int h5u_damaged(phx_err *e, const char *file, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    h5u_fail(e, file, "%s", what);
    if (e != NULL)
        e->status = PHX_EINPUT;
    return PHX_EINPUT;
}

/* Close an id of any kind; the HDF5 status. */
static herr_t h5u_close_id(hid_t id)
{
    switch (H5Iget_type(id)) {
    case H5I_FILE: return H5Fclose(id);
    case H5I_GROUP: return H5Gclose(id);
    case H5I_DATASET: return H5Dclose(id);
    case H5I_DATASPACE: return H5Sclose(id);
    case H5I_DATATYPE: return H5Tclose(id);
    case H5I_ATTR: return H5Aclose(id);
    case H5I_GENPROP_LST: return H5Pclose(id);
    default: return -1;
    }
}

static hid_t reading_file = -1;          /* the results file tempguard_reading() guards */

/* Closing the guarded results file ends the guard. */
static void end_reading(hid_t id)
{
    if (id == reading_file) {
        reading_file = -1;
        tempguard_reading(NULL);
    }
}

void h5u_close(hid_t id)
{
    if (id < 0)
        return;
    end_reading(id);
    /* Every HDF5 call clears the error stack; keep the one that explains the failure being
     * cleaned up after, so that h5u_fail() can still quote it. */
    hid_t saved = H5Eget_current_stack();
    H5E_BEGIN_TRY {
        h5u_close_id(id);
    } H5E_END_TRY;
    if (saved >= 0)
        H5Eset_current_stack(saved);
}

int h5u_close_ok(hid_t id)
{
    if (id < 0)
        return 0;
    end_reading(id);
    return h5u_close_id(id) < 0 ? -1 : 0;
}

hid_t h5u_vlen_str_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return t;
    if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return -1;
    }
    return t;
}

/* Create (replacing any old one) attribute `name` of `type` over `space` and write `buf`. */
static int h5u_attr_write(hid_t loc, const char *name, hid_t type, hid_t space, const void *buf,
                          const char *file, phx_err *e)
{
    int st = PHX_OK;
    hid_t a = -1;
    htri_t ex = H5Aexists(loc, name);
    if (space < 0 || ex < 0 || (ex > 0 && H5Adelete(loc, name) < 0)) {
        st = h5u_fail(e, file, "cannot write attribute %s", name);
        goto done;
    }
    a = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0 || (buf != NULL && H5Awrite(a, type, buf) < 0))
        st = h5u_fail(e, file, "cannot write attribute %s", name);
done:
    h5u_close(a);
    h5u_close(space);
    return st;
}

int h5u_attr_str(hid_t loc, const char *name, const char *value, const char *file, phx_err *e)
{
    const char *v = value != NULL ? value : "";
    hid_t t = h5u_vlen_str_type();
    if (t < 0)
        return h5u_fail(e, file, "cannot make a string type for attribute %s", name);
    int st = h5u_attr_write(loc, name, t, H5Screate(H5S_SCALAR), &v, file, e);
    H5Tclose(t);
    return st;
}

int h5u_attr_strs(hid_t loc, const char *name, const char *const *v, size_t n, const char *file,
                  phx_err *e)
{
    hsize_t dim = n;
    hid_t t = h5u_vlen_str_type();
    if (t < 0)
        return h5u_fail(e, file, "cannot make a string type for attribute %s", name);
    int st = h5u_attr_write(loc, name, t, H5Screate_simple(1, &dim, NULL), n ? (const void *)v : NULL,
                            file, e);
    H5Tclose(t);
    return st;
}

int h5u_attr_i32s(hid_t loc, const char *name, const int32_t *v, size_t n, const char *file,
                  phx_err *e)
{
    hsize_t dim = n;
    hid_t space = n == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dim, NULL);
    return h5u_attr_write(loc, name, H5T_STD_I32LE, space, v, file, e);
}

int h5u_attr_i64(hid_t loc, const char *name, int64_t v, const char *file, phx_err *e)
{
    return h5u_attr_write(loc, name, H5T_STD_I64LE, H5Screate(H5S_SCALAR), &v, file, e);
}

int h5u_attr_u64(hid_t loc, const char *name, uint64_t v, const char *file, phx_err *e)
{
    return h5u_attr_write(loc, name, H5T_STD_U64LE, H5Screate(H5S_SCALAR), &v, file, e);
}

int h5u_attr_f64(hid_t loc, const char *name, double v, const char *file, phx_err *e)
{
    return h5u_attr_write(loc, name, H5T_IEEE_F64LE, H5Screate(H5S_SCALAR), &v, file, e);
}

/* Open attribute `name` of `loc` into *a; a missing one is an input error. */
static int h5u_attr_open(hid_t loc, const char *name, hid_t *a, const char *file, phx_err *e)
{
    htri_t ex = H5Aexists(loc, name);
    *a = -1;
    if (ex < 0)
        return h5u_damaged(e, file, "cannot look for attribute %s", name);
    if (ex == 0)
        return phx_fail(e, PHX_EINPUT, file, 0, NULL, "attribute %s missing", name);
    if ((*a = H5Aopen(loc, name, H5P_DEFAULT)) < 0)
        return h5u_damaged(e, file, "cannot open attribute %s", name);
    return PHX_OK;
}

int h5u_read_attr_str(hid_t loc, const char *name, char **out, const char *file, phx_err *e)
{
    int st = PHX_OK;
    hid_t a = -1, ft = -1, mt = -1;
    *out = NULL;
    if ((st = h5u_attr_open(loc, name, &a, file, e)) != PHX_OK)
        return st;
    ft = H5Aget_type(a);
    htri_t vlen = ft < 0 ? -1 : H5Tis_variable_str(ft);
    if (vlen < 0 || H5Tget_class(ft) != H5T_STRING) {
        st = vlen < 0 ? h5u_damaged(e, file, "cannot read attribute %s", name)
                      : phx_fail(e, PHX_EINPUT, file, 0, NULL, "attribute %s is not a string", name);
        goto done;
    }
    if (vlen) {
        char *s = NULL;
        mt = h5u_vlen_str_type();
        if (mt < 0 || H5Aread(a, mt, &s) < 0) {
            st = h5u_damaged(e, file, "cannot read attribute %s", name);
            goto done;
        }
        *out = phx_strdup(s != NULL ? s : "");
        H5free_memory(s);
    } else {                                   /* fixed length, as netCDF-C writes them */
        size_t n = H5Tget_size(ft);
        mt = H5Tcopy(ft);
        char *s = phx_calloc(n + 1, 1);
        if (mt < 0 || H5Tset_strpad(mt, H5T_STR_NULLTERM) < 0 || H5Tset_size(mt, n + 1) < 0 ||
            H5Aread(a, mt, s) < 0) {
            free(s);
            st = h5u_damaged(e, file, "cannot read attribute %s", name);
            goto done;
        }
        *out = s;
    }
done:
    h5u_close(mt);
    h5u_close(ft);
    h5u_close(a);
    return st;
}

/* Read numeric attribute `name` (n values, converted to `mtype`). */
static int h5u_read_attr_num(hid_t loc, const char *name, hid_t mtype, void *out, size_t n,
                             const char *file, phx_err *e)
{
    hid_t a, sp = -1;
    int st = h5u_attr_open(loc, name, &a, file, e);
    if (st != PHX_OK)
        return st;
    sp = H5Aget_space(a);
    hssize_t np = sp < 0 ? -1 : H5Sget_simple_extent_npoints(sp);
    if (np < 0) {
        st = h5u_damaged(e, file, "cannot read attribute %s", name);
    } else if ((size_t)np != n) {
        st = phx_fail(e, PHX_EINPUT, file, 0, NULL, "attribute %s: %lld values, expected %zu", name,
                      (long long)np, n);
    } else if (H5Aread(a, mtype, out) < 0) {
        st = h5u_damaged(e, file, "cannot read attribute %s", name);
    }
    h5u_close(sp);
    h5u_close(a);
    return st;
}

int h5u_read_attr_f64(hid_t loc, const char *name, double *out, const char *file, phx_err *e)
{
    return h5u_read_attr_num(loc, name, H5T_NATIVE_DOUBLE, out, 1, file, e);
}

int h5u_read_attr_i64(hid_t loc, const char *name, int64_t *out, const char *file, phx_err *e)
{
    return h5u_read_attr_num(loc, name, H5T_NATIVE_INT64, out, 1, file, e);
}

int h5u_read_attr_i32s(hid_t loc, const char *name, int32_t *out, size_t n, const char *file,
                       phx_err *e)
{
    return h5u_read_attr_num(loc, name, H5T_NATIVE_INT32, out, n, file, e);
}

void h5u_strs_free(char **s, size_t n)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

int h5u_read_strs(hid_t loc, const char *name, char ***out, size_t *n, const char *file,
                  phx_err *e)
{
    int st = PHX_OK;
    hid_t d = -1, sp = -1, mt = -1;
    char **raw = NULL;
    hsize_t dim = 0;
    *out = NULL;
    *n = 0;
    d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0 || (sp = H5Dget_space(d)) < 0 || (mt = h5u_vlen_str_type()) < 0) {
        st = h5u_damaged(e, file, "cannot open dataset %s", name);
        goto done;
    }
    if (H5Sget_simple_extent_ndims(sp) != 1 || H5Sget_simple_extent_dims(sp, &dim, NULL) < 0) {
        st = phx_fail(e, PHX_EINPUT, file, 0, NULL, "dataset %s: not a 1-D list of names", name);
        goto done;
    }
    if (phx_memory_check(2.0 * (double)dim * sizeof *raw, name, file, NULL, "is the file damaged?", e)) {
        st = e->status;                      /* a damaged length, before allocating for it */
        goto done;
    }
    raw = phx_calloc(dim ? dim : 1, sizeof *raw);
    if (dim > 0 && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) < 0) {
        st = h5u_damaged(e, file, "cannot read dataset %s", name);
        goto done;
    }
    *out = phx_calloc(dim ? dim : 1, sizeof **out);
    for (hsize_t i = 0; i < dim; i++) {
        (*out)[i] = phx_strdup(raw[i] != NULL ? raw[i] : "");
        H5free_memory(raw[i]);
    }
    *n = dim;
done:
    free(raw);
    h5u_close(mt);
    h5u_close(sp);
    h5u_close(d);
    return st;
}

int h5u_read_f64(hid_t loc, const char *name, int rank, double **out, size_t *dims,
                 const char *file, phx_err *e)
{
    int st = PHX_OK;
    hid_t d = -1, sp = -1;
    hsize_t hd[3] = { 0, 0, 0 };
    *out = NULL;
    d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0 || (sp = H5Dget_space(d)) < 0) {
        st = h5u_damaged(e, file, "cannot open dataset %s", name);
        goto done;
    }
    if (rank > 3 || H5Sget_simple_extent_ndims(sp) != rank || H5Sget_simple_extent_dims(sp, hd, NULL) < 0) {
        st = phx_fail(e, PHX_EINPUT, file, 0, NULL, "dataset %s: expected rank %d", name, rank);
        goto done;
    }
    size_t total = 1;
    double bytes = sizeof **out;             /* in double: a damaged shape must not wrap around */
    for (int k = 0; k < rank; k++) {
        dims[k] = (size_t)hd[k];
        total *= dims[k];
        bytes *= (double)hd[k];
    }
    char what[160];
    snprintf(what, sizeof what, "dataset %s (%zu values)", name, total);
    if (phx_memory_check(bytes, what, file, NULL, "is the file damaged?", e)) {
        st = e->status;
        goto done;
    }
    *out = phx_malloc(total * sizeof **out);
    if (total > 0 && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) < 0) {
        free(*out);
        *out = NULL;
        st = h5u_damaged(e, file, "cannot read dataset %s", name);
    }
done:
    h5u_close(sp);
    h5u_close(d);
    return st;
}

int h5u_shape(const char *file, const char *what, int rank, const size_t *got,
              const size_t *want, phx_err *e)
{
    int same = 1;
    for (int k = 0; k < rank; k++)
        same &= got[k] == want[k];
    if (same)
        return PHX_OK;
    char g[96] = "", w[96] = "";
    for (int k = 0, ug = 0, uw = 0; k < rank; k++) {
        ug += snprintf(g + ug, sizeof g - (size_t)ug, "%s%zu", k ? " x " : "", got[k]);
        uw += snprintf(w + uw, sizeof w - (size_t)uw, "%s%zu", k ? " x " : "", want[k]);
    }
    return phx_fail(e, PHX_EINPUT, file, 0, NULL, "%s: shape %s, the file's scales say %s", what,
                    g, w);
}

int h5u_read_vlen_strs(hid_t loc, const char *name, size_t n, char **out, const char *file,
                       phx_err *e)
{
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT), t = h5u_vlen_str_type(), sp = -1;
    hssize_t np = d >= 0 && (sp = H5Dget_space(d)) >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
    htri_t vlen = -1;
    hid_t ft = d >= 0 ? H5Dget_type(d) : -1;
    if (ft >= 0)
        vlen = H5Tis_variable_str(ft);
    int st = PHX_OK;
    if (d < 0 || t < 0 || np < 0 || vlen < 0)
        st = h5u_damaged(e, file, "cannot read %s", name);
    else if ((size_t)np != n || !vlen)
        st = phx_fail(e, PHX_EINPUT, file, 0, NULL, "%s: %lld strings, the file's scales say %zu",
                      name, (long long)np, n);
    else if (n > 0 && H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0)
        st = h5u_damaged(e, file, "cannot read %s", name);
    h5u_close(ft);
    h5u_close(sp);
    h5u_close(t);
    h5u_close(d);
    return st;
}

int h5u_exists(hid_t loc, const char *name)
{
    htri_t r = H5Lexists(loc, name, H5P_DEFAULT);
    return r < 0 ? -1 : (int)r;
}

int h5u_open_results(const char *path, hid_t *file, phx_err *e)
{
    struct stat sb;
    *file = -1;
    h5u_quiet();
    if (stat(path, &sb) != 0)
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "cannot open: %s", strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "is a directory, not a results file");
    htri_t is = H5Fis_hdf5(path);
    if (is <= 0) {
        H5Eclear2(H5E_DEFAULT);
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "not an HDF5 file");
    }
    int st = h5u_check_heaps(path, e);   /* before libhdf5 can loop on a damaged heap */
    if (st != PHX_OK)
        return st;
    tempguard_reading(path);             /* until the file is closed (h5u_close) */
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    reading_file = f;
    if (f < 0) {                         /* an HDF5 signature but no readable file: truncated */
        tempguard_reading(NULL);
        H5Eclear2(H5E_DEFAULT);
        return phx_fail(e, PHX_EINPUT, path, 0, NULL,
                        "damaged or truncated HDF5 file (not completely written?)");
    }
    char *type = NULL;
    int32_t version[2] = { 0, 0 };
    if (H5Aexists(f, "filetype") <= 0 || h5u_read_attr_str(f, "filetype", &type, path, NULL) ||
        strcmp(type, "phoenix-results") != 0)
        st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "not a phoenix results file (no filetype "
                      "\"phoenix-results\")");
    else if ((st = h5u_read_attr_i32s(f, "schema_version", version, 2, path, e)) == PHX_OK &&
             version[0] != H5_SCHEMA_MAJOR)
        st = phx_fail(e, PHX_EINPUT, path, 0, NULL,
                      "schema version %d.%d; this phoenix reads version %d.x", (int)version[0],
                      (int)version[1], H5_SCHEMA_MAJOR);
    free(type);
    if (st != PHX_OK) {
        h5u_close(f);
        return st;
    }
    *file = f;
    return PHX_OK;
}

/* H5Literate2 callback: collect link names. */
typedef struct h5u_names {
    char **v;
    size_t n, cap;
} h5u_names;

static herr_t h5u_collect(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    h5u_names *nm = data;
    if (nm->n == nm->cap) {
        nm->cap = nm->cap ? 2 * nm->cap : 8;
        nm->v = phx_realloc(nm->v, nm->cap * sizeof *nm->v);
    }
    nm->v[nm->n++] = phx_strdup(name);
    return 0;
}

int h5u_scenario_names(hid_t file, const char *path, char ***names, size_t *n, phx_err *e)
{
    h5u_names nm = { NULL, 0, 0 };
    *names = NULL;
    *n = 0;
    int ex = h5u_exists(file, "scenarios");
    if (ex < 0)
        return h5u_fail(e, path, "cannot look up /scenarios");
    if (ex == 0)
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "no /scenarios group");
    hid_t g = H5Gopen2(file, "scenarios", H5P_DEFAULT);
    if (g < 0)
        return h5u_fail(e, path, "cannot open /scenarios");
    hsize_t idx = 0;
    herr_t r;
    H5E_BEGIN_TRY {   /* creation order may not be tracked: then name order */
        r = H5Literate(g, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, h5u_collect, &nm);
    } H5E_END_TRY;
    if (r < 0) {
        h5u_strs_free(nm.v, nm.n);
        nm.v = NULL;
        nm.n = nm.cap = 0;
        idx = 0;
        r = H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, h5u_collect, &nm);
    }
    H5Gclose(g);
    if (r < 0) {
        h5u_strs_free(nm.v, nm.n);
        return h5u_fail(e, path, "cannot list /scenarios");
    }
    if (nm.n == 0)
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "no scenarios in /scenarios (an empty "
                        "results file)");
    *names = nm.v;
    *n = nm.n;
    return PHX_OK;
}

int h5u_read_span(hid_t g, const char *path, int64_t *n_rep, int32_t *year_first,
                  int32_t *year_last, phx_err *e)
{
    int st = h5u_read_attr_i64(g, "n_replications", n_rep, path, e);
    if (st == PHX_OK)
        st = h5u_read_attr_i32s(g, "year_first", year_first, 1, path, e);
    if (st == PHX_OK)
        st = h5u_read_attr_i32s(g, "year_last", year_last, 1, path, e);
    return st;
}

int h5u_open_scenario(hid_t file, const char *path, const char *name, hid_t *group, phx_err *e)
{
    *group = -1;
    hid_t sg = -1;
    int ex = h5u_exists(file, "scenarios");
    if (ex > 0 && (sg = H5Gopen2(file, "scenarios", H5P_DEFAULT)) < 0)
        return h5u_fail(e, path, "cannot open /scenarios");
    if (ex > 0)
        ex = strchr(name, '/') == NULL && name[0] != '\0' ? h5u_exists(sg, name) : 0;
    if (ex < 0) {
        h5u_close(sg);
        return h5u_fail(e, path, "cannot look up scenario %s", name);
    }
    if (ex == 0) {
        char **v = NULL, list[512] = "";
        size_t n = 0, used = 0;
        h5u_close(sg);
        if (h5u_scenario_names(file, path, &v, &n, NULL) == PHX_OK)
            for (size_t i = 0; i < n && used < sizeof list; i++)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                         v[i]);
        h5u_strs_free(v, n);
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "no scenario '%s' (the file has: %s)", name,
                        list[0] ? list : "none");
    }
    *group = H5Gopen2(sg, name, H5P_DEFAULT);
    h5u_close(sg);
    if (*group < 0)
        return h5u_damaged(e, path, "cannot open scenario %s", name);
    return PHX_OK;
}
