/* h5util.h -- helpers shared by the output/ files: HDF5 error capture, attributes, strings.
 * Internal to output/ (includes hdf5.h); the public interface is h5.h. */
#ifndef PHX_H5UTIL_H
#define PHX_H5UTIL_H

#include <hdf5.h>
#include <hdf5_hl.h>
#include <stddef.h>
#include <stdint.h>
#include "../engine/phx.h"

/* Stop HDF5 from printing its error stack on stderr: failures reach the user as one phx_err
 * line instead. Called first at every public entry point of output/ (idempotent, cheap); the
 * first call also turns off HDF5's exit-time clean-up (see h5util.c). */
void h5u_quiet(void);

/* Fill `e` with "file: <what> (HDF5: <innermost message of the current error stack>)" and
 * return PHX_ERUN. `fmt` describes what failed ("cannot create group /scenarios/x"). */
int h5u_fail(phx_err *e, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The same for a results file being read: what cannot be read of it is damaged input, so the
 * status is PHX_EINPUT (exit 2), as for a file that is not a results file at all. */
int h5u_damaged(phx_err *e, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Close an id of any kind if it is valid (>= 0), ignoring errors and keeping the pending
 * error stack (for h5u_fail after the cleanup). For cleanup paths. */
void h5u_close(hid_t id);
/* Close an id (if >= 0) where the close itself may fail -- a chunked dataset writes its cached
 * chunks when closed. Returns 0, or -1 with the HDF5 error stack set. */
int h5u_close_ok(hid_t id);

/* A variable-length UTF-8 string type (caller closes it), or a negative id. */
hid_t h5u_vlen_str_type(void);

/* Attributes on `loc` (a file, group or dataset). Each returns PHX_OK, or fills `e` naming
 * `file` and the attribute and returns PHX_ERUN. Strings are scalar variable-length UTF-8,
 * which h5py and h5netcdf return as str and which may be empty. */
int h5u_attr_str(hid_t loc, const char *name, const char *value, const char *file, phx_err *e);
int h5u_attr_strs(hid_t loc, const char *name, const char *const *v, size_t n, const char *file,
                  phx_err *e);
int h5u_attr_i32s(hid_t loc, const char *name, const int32_t *v, size_t n, const char *file,
                  phx_err *e);   /* n == 1: a scalar */
int h5u_attr_i64(hid_t loc, const char *name, int64_t v, const char *file, phx_err *e);
int h5u_attr_u64(hid_t loc, const char *name, uint64_t v, const char *file, phx_err *e);
int h5u_attr_f64(hid_t loc, const char *name, double v, const char *file, phx_err *e);

/* Reading attributes back. A missing attribute is an error (PHX_EINPUT: the file is not what
 * the schema says). h5u_read_attr_str returns a newly allocated string (caller frees). */
int h5u_read_attr_str(hid_t loc, const char *name, char **out, const char *file, phx_err *e);
int h5u_read_attr_f64(hid_t loc, const char *name, double *out, const char *file, phx_err *e);
int h5u_read_attr_i64(hid_t loc, const char *name, int64_t *out, const char *file, phx_err *e);
int h5u_read_attr_i32s(hid_t loc, const char *name, int32_t *out, size_t n, const char *file,
                       phx_err *e);

/* Read a 1-D variable-length string dataset: *out holds *n newly allocated strings (free with
 * h5u_strs_free). */
int h5u_read_strs(hid_t loc, const char *name, char ***out, size_t *n, const char *file,
                  phx_err *e);
void h5u_strs_free(char **s, size_t n);

/* Read a whole float64 dataset of rank `rank` (at most 3): dims in dims[], values newly
 * allocated in *out (caller frees). */
int h5u_read_f64(hid_t loc, const char *name, int rank, double **out, size_t *dims,
                 const char *file, phx_err *e);

/* Open results file `path` read-only after checking that it is one: an HDF5 file whose root
 * says filetype "phoenix-results" and schema_version major H5_SCHEMA_MAJOR. A missing file,
 * another kind of file or another major version is PHX_EINPUT. */
int h5u_open_results(const char *path, hid_t *file, phx_err *e);

/* h5heap.c: walk every global heap collection of file `path` as libhdf5 would; one on which
 * libhdf5 would loop forever (a damaged file) is PHX_EINPUT. Called by h5u_open_results. */
int h5u_check_heaps(const char *path, phx_err *e);

/* Open group "scenarios/<name>" of an open results file; a missing one is PHX_EINPUT naming
 * the scenarios the file holds. */
int h5u_open_scenario(hid_t file, const char *path, const char *name, hid_t *group, phx_err *e);

/* A scenario group's run span: its attributes n_replications, year_first and year_last (the
 * readers of summary, report and compare all start from them). PHX_OK or fills `e`. */
int h5u_read_span(hid_t g, const char *path, int64_t *n_rep, int32_t *year_first,
                  int32_t *year_last, phx_err *e);

/* Names of the scenarios in /scenarios, in the order they were written (name order for files
 * without creation order). Free with h5u_strs_free. */
int h5u_scenario_names(hid_t file, const char *path, char ***names, size_t *n, phx_err *e);

/* Is an array's shape got[0..rank-1] the one its scales give, want[]? PHX_OK, or PHX_EINPUT
 * naming `what` and both shapes. For readers: check before indexing anything read. */
int h5u_shape(const char *file, const char *what, int rank, const size_t *got,
              const size_t *want, phx_err *e);
/* Read dataset `name`, which must hold exactly n variable-length strings, into out[0..n-1]
 * (each to be freed with H5free_memory); another count or type is PHX_EINPUT, nothing read. */
int h5u_read_vlen_strs(hid_t loc, const char *name, size_t n, char **out, const char *file,
                       phx_err *e);

/* Does link `name` exist in `loc` (one path component)? 1 yes, 0 no, negative on error. */
int h5u_exists(hid_t loc, const char *name);

#endif
