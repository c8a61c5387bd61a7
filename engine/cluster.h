/* cluster.h -- the optional MPI layer: ranks split the replication range into contiguous parts,
 * each simulates its part with its own OpenMP threads, and rank 0 hands every block to the sink.
 * Built with -DPHX_MPI (make MPI=1); otherwise one rank, no messages, the same calls. */
#ifndef PHX_CLUSTER_H
#define PHX_CLUSTER_H

#include <stddef.h>
#include "phx.h"
#include "run.h"

/* Start MPI (thread level "funneled": only the main thread calls MPI, OpenMP threads compute)
 * when the process was started by an MPI launcher (mpirun, srun); otherwise, and in the serial
 * build, a no-op: one rank. Returns PHX_OK or PHX_ERUN with a message in `e`. */
int cluster_init(phx_err *e);
/* End MPI; a no-op when cluster_init() did not start it. */
void cluster_finalize(void);

int cluster_enabled(void);   /* 1 in an MPI build, 0 in the serial one */
int cluster_launched(void);  /* 1 when an MPI build was started by mpirun (or srun...), else 0 */
int cluster_rank(void);      /* this process's rank; 0 without MPI or before cluster_init() */
int cluster_size(void);      /* number of ranks; 1 without MPI or before cluster_init() */

/* The contiguous part of replications first..first+n-1 that `rank` of `size` runs: the first
 * n % size ranks take one more than the others. Sets *part_first and *part_n (possibly 0). */
void cluster_part(size_t first, size_t n, int size, int rank, size_t *part_first, size_t *part_n);

/* Collective: every rank passes its own status; every rank gets back the status of the lowest
 * rank that failed (PHX_OK if none), and `e` is filled with that rank's message, prefixed with
 * "rank R: " when it is not rank 0 (an empty message stays empty). */
int cluster_agree(int status, phx_err *e);

/* Collective: rank 0's *v on every rank. */
void cluster_bcast_int(int *v);

/* Collective: run replications first..first+n-1 of `sc` across all ranks, each rank its
 * cluster_part() with run_replications(). On rank 0, `sink` receives every block, its own and
 * those the other ranks send, each once, in no fixed order (b->first tells where it belongs);
 * on other ranks `sink` is not called. Returns the same status on every rank: PHX_OK, or the
 * first failure (a model failure on any rank, a failed sink on rank 0), whose message fills `e`
 * on every rank; the other ranks then stop after their current block. With one rank, this is
 * run_replications(). */
int cluster_run(const scenario *sc, const void *shared, size_t first, size_t n,
                const run_options *o, const run_sink *sink, phx_err *e);

#endif
