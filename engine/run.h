/* run.h -- the replication loop: sample, simulate in parallel, hand rows to a sink in blocks. */
#ifndef PHX_RUN_H
#define PHX_RUN_H

#include <stddef.h>
#include "phx.h"
#include "scenario.h"
#include "sampler.h"

/* A block of finished replications, in replication order. */
typedef struct run_block {
    size_t first, n;            /* replications first..first+n-1 */
    const double *theta;        /* n x sc->n_slots */
    const double *rows;         /* n x (n_metrics * n_years) */
    const double *group_rows;   /* n x (n_group_metrics * n_years * n_groups); NULL if none */
} run_block;

/* Where blocks go (the HDF5 writer, a test's buffer...). Called serially, in replication order,
 * on the thread that called run_replications(), while the other threads compute the next block:
 * a sink must not touch what the model reads. */
typedef struct run_sink {
    void *ctx;
    int (*block)(void *ctx, const scenario *sc, const run_block *b, phx_err *e);
} run_sink;

/* Optional: the caller supplies each replication's parameters and random stream, instead of the
 * scenario's sampler: sensitivity designs, calibration particles, posterior draws. */
typedef struct run_design {
    void *ctx;
    /* Fill theta[i * sc->n_slots + slot] for design rows first..first+n-1. Called serially on the
     * calling thread; must depend only on the row indices (not on how the range is split). */
    void (*fill)(void *ctx, const scenario *sc, size_t first, size_t n, double *theta);
    /* The random-stream index (replication_ctx.replication) of design row i: rows that share it
     * share every model draw (common random numbers). Called serially on the calling thread,
     * once per row run, before the row is simulated. NULL: row i uses stream i. */
    uint32_t (*stream)(void *ctx, size_t i);
} run_design;

typedef struct run_options {
    int threads;                /* OpenMP threads; 0 = OpenMP's default */
    size_t block;               /* replications per block; 0 = a default (1024) */
    sampler_kind sampler;
    int progress;               /* on stderr: 0 none, 1 a bar redrawn in place (a terminal),
                                   2 a plain line every 10% or 30 s (a log) */
    /* Called on the calling thread (OpenMP thread 0) after each replication it simulates, while
     * the other threads go on: the MPI layer receives other ranks' blocks there. NULL: none. */
    void (*poll)(void *ctx);
    void *poll_ctx;
    /* NULL: parameters from the scenario's sampler, row i on stream i. */
    const run_design *design;
} run_options;

/* What actually ran, recorded beside the (immutable) resolved scenario: the scenario says what
 * was asked for, the record what was done and why it stopped (docs/output.md "The run record"). */
#define RUN_STOP_COUNT "replications"            /* the scenario's replication count */
#define RUN_STOP_PRECISION "precision reached"   /* --precision: the criterion held */
#define RUN_STOP_MAX "max-replications"          /* --precision: the cap came first */
#define RUN_STOP_PAIRED "paired"                 /* as many as the first scenario of the set */

typedef struct run_record {
    size_t replications;        /* replications done (rows written) */
    const char *stopped;        /* one of RUN_STOP_* */
    double precision_rel;       /* 0: no precision control */
    size_t precision_batch;
    int precision_reached;
} run_record;

/* The record of a run of the scenario's own replication count. */
run_record run_record_of(const scenario *sc);

/* Run replications first..first+n-1 of `sc` with the model's prepared `shared` data, sending
 * every block to `sink`. Memory is O(block), not O(n). The rows depend only on (scenario, seed,
 * replication index): never on threads or block size. Returns PHX_OK or fills `e`. */
int run_replications(const scenario *sc, const void *shared, size_t first, size_t n,
                     const run_options *o, const run_sink *sink, phx_err *e);

#endif
