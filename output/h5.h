/* h5.h -- the HDF5 results file: writer (streamed blocks, provenance, summaries) and reader.
 * This module and its .c files are the only ones that include hdf5.h. */
#ifndef PHX_H5_H
#define PHX_H5_H

#include <stdio.h>
#include <stdint.h>
#include "../engine/phx.h"
#include "../engine/scenario.h"
#include "../engine/run.h"

#define H5_SCHEMA_MAJOR 1
#define H5_SCHEMA_MINOR 0

typedef struct h5_writer h5_writer;

/* Start a results file for `path`. If `path` exists and !force: PHX_EINPUT ("exists; use
 * --force"), nothing written. The data goes to a temporary file in the same directory
 * ("<path>.tmp.XXXXXX"), renamed over `path` by h5_writer_commit(). Root attributes: filetype,
 * schema_version, phoenix_version, git_sha1, created_utc, command_line, seed, rng. */
int h5_writer_open(h5_writer **w, const char *path, int force, const char *command_line,
                   uint64_t seed, phx_err *e);

/* Create /scenarios/<sc->name>/ with its attributes, dimension scales and (extendible, chunked,
 * deflate-compressed) datasets. `n_hint` is the expected number of replications. */
int h5_writer_begin_scenario(h5_writer *w, const scenario *sc, size_t n_hint, phx_err *e);

/* A sink for run_replications() that writes each block to the current scenario, at the rows of
 * its replications (row r holds replication r). Blocks may come in any order (MPI ranks), but
 * when the scenario ends they must cover replications 0..n-1, each once. */
run_sink h5_writer_sink(h5_writer *w);

/* Compute the summary statistics of the current scenario from the rows written (one column at a
 * time: memory O(replications) for one column) and write /scenarios/<name>/summary. */
int h5_writer_end_scenario(h5_writer *w, phx_err *e);

/* The temporary file's name, for a signal handler that must delete it (valid until commit or
 * abort). */
const char *h5_writer_temp_path(const h5_writer *w);

/* The prepared model's provenance (model_type.provenance, e.g. its input table's path and
 * SHA-256) as string attributes of /scenarios/<name>/provenance; nothing when the model reports
 * none (output/provenance.c). */
int h5_writer_provenance(h5_writer *w, const model_type *m, const void *shared, phx_err *e);

/* A numeric attribute on the open scenario's group (e.g. the precision reached). */
int h5_writer_scenario_attr(h5_writer *w, const char *name, double value, phx_err *e);

/* Paired comparison of two finished scenarios of the file (same model, years and replications):
 * writes /comparisons/<b>_vs_<a>/ with, per metric and year, the mean of the paired difference
 * b - a, its standard error, the standard error an unpaired comparison would have, quantiles of
 * the difference, P(b better than a) by the metric's direction and P(equal). */
int h5_writer_compare(h5_writer *w, const scenario *a, const scenario *b, phx_err *e);

/* The same for scenarios that ran `n` replications each (the run record's count). */
int h5_writer_compare_n(h5_writer *w, const scenario *a, const scenario *b, size_t n, phx_err *e);

/* The run record (what actually ran) on the open scenario's group, beside its resolved text:
 * run_replications, run_stopped and, under precision control, precision_rel, precision_reached
 * and precision_batch (docs/output.md "The run record"). */
int h5_writer_run_record(h5_writer *w, const run_record *rec, phx_err *e);

/* The grid of a sweep: /sweep/ with scales `point` (scenario names) and `lever` (keys), the
 * lever values [point x lever] as text, and, from each point's summary, the last year's `mean`
 * and `p_target` [point x metric]. Call after every point's scenario has ended. */
int h5_writer_sweep(h5_writer *w, scenario *const *points, size_t n_points, const char *const *keys,
                    size_t n_keys, const char *const *values, phx_err *e);

/* Print the /sweep grid of results file `path` (format "table" or "md"): one row per point and
 * metric with a target (every metric when none has one). */
int h5_sweep_print(const char *path, const char *format, FILE *out, phx_err *e);

/* Checkpoints and --resume (output/h5resume.c; docs/output.md "Checkpoints and --resume").
 * h5_writer_checkpoints: from now on, every H5W_CKPT_BLOCKS blocks or 30 s, the complete blocks
 * so far are saved as "<path>.tmp.resume" (a consistent copy of the file, fsync'd, renamed into
 * place), deleted on commit. For a run of one scenario on one process, after begin_scenario.
 * h5_writer_resume: a writer continuing the run saved in that checkpoint, refused (PHX_EINPUT,
 * with the reason) unless it was left by a process that is gone and holds the unfinished
 * scenario `sc` itself (same name, model and SHA-256 of the resolved scenario); *done is the
 * number of replications it holds (0..done-1): run the rest into the writer's sink, then end
 * the scenario and commit as usual. */
int h5_writer_checkpoints(h5_writer *w, phx_err *e);
int h5_writer_resume(h5_writer **w, const char *path, int force, const scenario *sc,
                     size_t *done, phx_err *e);
/* "<path>.tmp.resume" (caller frees). */
char *h5_checkpoint_name(const char *path);
/* Rows written so far to the open scenario (0 when none is open); is a scenario open? */
size_t h5_writer_rows(const h5_writer *w);
int h5_writer_in_scenario(const h5_writer *w);

/* Close the file and rename it to its final name. Frees w. */
int h5_writer_commit(h5_writer *w, phx_err *e);
/* Close and delete the temporary file (after an error). Frees w. h5_writer_abort(NULL) is a no-op. */
void h5_writer_abort(h5_writer *w);

/* Print the summary of every scenario in results file `path`: format "table", "csv" or "md".
 * Metrics with a target come first, with median, 90% interval and P(target met) in the last
 * year; then the rest. Returns PHX_OK or fills `e`. */
int h5_summary_print(const char *path, const char *format, FILE *out, phx_err *e);

/* What `phoenix summary` shows (h5_summary_report): the scenario (NULL: all), the year (the
 * last, all, or a calendar year), the metrics (NULL: all), the format ("table", "csv", "md" or
 * "xlsx"; xlsx writes `output`, replacing it only with `force`). Every scenario's metrics with
 * a target come first; each scenario compared with another in the file has its comparison for
 * every metric shown (in CSV, as columns of its rows). */
#define H5_SUMMARY_LAST 0
#define H5_SUMMARY_ALL (-1)
typedef struct h5_summary_opts {
    const char *format;
    const char *scenario;
    int year;
    const char *const *metrics;
    size_t n_metrics;
    const char *output;
    int force;
} h5_summary_opts;
int h5_summary_report(const char *path, const h5_summary_opts *o, FILE *out, phx_err *e);

/* `phoenix compare A.h5 B.h5` (compare_files.c): scenario `b` of file pb (NULL: its first)
 * compared with scenario `a` of pa, paired replication by replication, when both ran the same
 * replications: the same model, years, seed, generator, sampler and replication count, else
 * PHX_EINPUT naming the first difference. Every metric (those with a target in a first), for
 * the last year, all years or one (`year` as in h5_summary_opts); format "table" or "csv". */
typedef struct h5_compare_opts {
    const char *a, *b;
    int year;
    const char *format;
} h5_compare_opts;
int h5_compare_files(const char *pa, const char *pb, const h5_compare_opts *o, FILE *out, phx_err *e);

/* Read metric `metric` of scenario `scenario_name`: n_rep x n_year values into a newly
 * allocated array (caller frees). For tests and later analyses. */
int h5_read_metric(const char *path, const char *scenario_name, const char *metric,
                   double **values, size_t *n_rep, size_t *n_year, phx_err *e);

/* Read any numeric dataset of rank 1 to 3 of results file `path` as float64: `dataset` is its
 * path in the file ("/scenarios/x/districts/land_mu"). Sets *rank and dims[0..*rank-1]; the
 * values (row-major) go to a newly allocated array (caller frees). A missing dataset is
 * PHX_EINPUT. For tests and later analyses. */
int h5_read_array(const char *path, const char *dataset, double **values, size_t dims[3],
                  int *rank, phx_err *e);

#endif
