/* h5w.h -- the results writer's state and the pieces of it shared by output/ files (h5.c,
 * compare.c). Internal to output/ (includes hdf5.h); the public interface is h5.h. */
#ifndef PHX_H5W_H
#define PHX_H5W_H

#include <hdf5.h>
#include "h5.h"
#include "../engine/outfile.h"

#define H5W_REP_SCALES 3     /* replication scale copies: scenario group, metrics/, groups/ */

struct h5_writer {
    phx_outfile out;            /* the temporary file and its final name (engine/outfile.h) */
    char *path;                 /* out.path: final name */
    char *tmp;                  /* out.tmp: "<path>.tmp.XXXXXX", where the data goes until commit */
    hid_t file;
    hid_t scenarios;            /* /scenarios */
    int broken;                 /* a call failed: only h5_writer_abort() is left */

    /* The open scenario, between begin and end. */
    const scenario *sc;
    hid_t sc_group;
    hid_t rep[H5W_REP_SCALES];  /* replication scales (extended with every block) */
    size_t n_rep;
    hid_t params;               /* parameters [replication x parameter]; -1 without slots */
    hid_t *metric;              /* metrics/<name>, model table order */
    hid_t *by_group;            /* <group_dim>s/<name>, for the metrics flagged METRIC_BY_GROUP */
    size_t n_metrics, n_group_metrics, n_groups;
    size_t n_written;           /* rows written so far */
    size_t n_rows;              /* rows the datasets hold: replications 0..n_rows-1 */
    size_t row;                 /* first row of the block being written (its first replication) */
    hsize_t chunk;              /* rows per chunk */

    /* Checkpoints (h5resume.c): "<path>.tmp.resume", a consistent copy of the file holding the
     * complete blocks so far, refreshed every H5W_CKPT_BLOCKS blocks or H5W_CKPT_SECONDS. */
    int checkpoint;             /* 0: none (sets of scenarios, precision control, MPI) */
    char *ckpt;                 /* its name */
    int ckpt_fd;                /* open with a shared lock while this writer lives; -1 none */
    size_t ckpt_blocks;         /* blocks since the last checkpoint */
    double ckpt_time;           /* when it was taken (monotonic seconds) */
    double ckpt_cost;           /* how long it took (seconds) */
};

#define H5W_CKPT_BLOCKS 64
#define H5W_CKPT_SECONDS 30.0

/* h5.c: a writer for `of`'s temporary file (taken over), nothing open; file access properties. */
h5_writer *h5w_alloc(const phx_outfile *of);
hid_t h5w_fapl(void);
/* h5resume.c: after a block, take a checkpoint when one is due. */
int h5w_checkpoint_due(h5_writer *w, phx_err *e);
/* h5resume.c: delete the checkpoint (after commit or abort) and free its name. */
void h5w_checkpoint_drop(h5_writer *w);

/* A scale of names (variable-length UTF-8) `name` in `loc`; NULL names are written as "". */
/* h5texts.c: the attribute `question` of scenario group `g` (when its file has one), and the
 * group dimension's scale with its Chinese names as attribute `names_zh` (when the model has them). */
int h5w_question(const h5_writer *w, hid_t g, const scenario *sc, phx_err *e);
hid_t h5w_scale_groups(const h5_writer *w, hid_t loc, const model_type *mt, phx_err *e);
hid_t h5w_scale_names(const h5_writer *w, hid_t loc, const char *name, const char *const *names,
                      size_t n, phx_err *e);
/* The calendar years of `sc` as scale `year` in `loc`. */
hid_t h5w_scale_years(const h5_writer *w, hid_t loc, const scenario *sc, phx_err *e);
/* Attach scales[k] to dimension k of `d`. */
int h5w_attach(const h5_writer *w, hid_t d, const char *name, const hid_t *scales, int rank,
               phx_err *e);
/* A new group `name` in `loc`; its links listed in creation order when `ordered`. */
hid_t h5w_group(const h5_writer *w, hid_t loc, const char *name, int ordered, phx_err *e);
/* A fixed-size float64 dataset `name` [dims] in `g` holding `data`, attached to `scales`, with
 * a long_name attribute. */
int h5w_summary_dataset(const h5_writer *w, hid_t g, const char *name, int rank,
                        const hsize_t *dims, const hid_t *scales, const double *data,
                        const char *long_name, phx_err *e);

/* Mark the writer unusable when st is an error; returns st. */
int h5w_broken(h5_writer *w, int st);
/* Close `id` on a success path: a failure becomes the status unless there is one already. */
int h5w_close(const h5_writer *w, hid_t id, const char *what, int st, phx_err *e);
/* Dataset `name` [dims] of `type` in `loc`; `extendible`: dims[0] grows with replications. */
hid_t h5w_dataset(const h5_writer *w, hid_t loc, const char *name, hid_t type, int rank,
                  const hsize_t *dims, int extendible);
/* A dimension scale `name` of n values `data` (file type ftype, memory type mtype). */
hid_t h5w_scale(const h5_writer *w, hid_t loc, const char *name, hid_t ftype, hid_t mtype,
                size_t n, const void *data, phx_err *e);
/* sweep.c: the lever values of /sweep in `g` as n texts (malloc'd each) into values[0..n-1]:
 * numbers formatted with 15 significant digits, value_text where the file has it, and files
 * of schema 1.0 whose `value` is text. */
int h5_sweep_read_values(hid_t g, const char *path, size_t n, char **values, phx_err *e);
/* compare.c: the paired statistics of two columns (a and b reused as scratch), in the order of
 * /comparisons' datasets: mean_diff, stderr_diff, stderr_unpaired, diff_q05, diff_q50, diff_q95,
 * p_better, p_equal. */
#define H5_CMP_COUNT 8
void h5_cmp_stats(double *a, double *b, size_t n, int direction, double out[H5_CMP_COUNT]);
/* Units of dataset `name` in g: `units_by_metric` (n strings, one per metric row) or, with
 * units NULL, a probability's `units` "1". */
int h5w_units(const h5_writer *w, hid_t g, const char *name, const char *const *units, size_t n,
              phx_err *e);
/* h5summary.c: compute and write the open scenario's summary/ group. */
int h5w_summary(h5_writer *w, phx_err *e);

#endif
