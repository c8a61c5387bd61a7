/* cluster.c -- the optional MPI layer (cluster.h). Rank 0 writes: the other ranks send each block
 * to it as soon as it is simulated, and rank 0 takes it between two of its own replications.
 * Why rank 0 rather than parallel HDF5, and what it costs: docs/output.md, "Under MPI". */
#include "cluster.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cluster_part(size_t first, size_t n, int size, int rank, size_t *part_first, size_t *part_n)
{
    size_t k = size > 0 ? (size_t)size : 1, r = rank > 0 ? (size_t)rank : 0;
    size_t q = n / k, extra = n % k;
    *part_first = first + r * q + (r < extra ? r : extra);
    *part_n = r < k ? q + (r < extra ? 1 : 0) : 0;
}

#ifndef PHX_MPI

/* The serial build: one rank, nothing to exchange. */
int cluster_init(phx_err *e) { return PHX_OK; }
void cluster_finalize(void) { }
int cluster_enabled(void) { return 0; }
int cluster_launched(void) { return 0; }
int cluster_rank(void) { return 0; }
int cluster_size(void) { return 1; }
int cluster_agree(int status, phx_err *e) { return status; }
void cluster_bcast_int(int *v) { (void)v; }

int cluster_run(const scenario *sc, const void *shared, size_t first, size_t n,
                const run_options *o, const run_sink *sink, phx_err *e)
{
    return run_replications(sc, shared, first, n, o, sink, e);
}

#else

#include <mpi.h>

/* Messages. Worker to rank 0 (TAG_BLOCK): a header, then for a block (n > 0) its theta, rows
 * and group rows as doubles, or for the end of a rank's part (n = 0) its status and message.
 * Rank 0 to a worker (TAG_CTRL): at most one CANCEL, then always one FINAL with the outcome.
 * Same-source messages of one tag arrive in order (MPI's non-overtaking rule), so a worker
 * that has ended reads a late CANCEL before its FINAL. Ranks share one byte order. */
enum { TAG_BLOCK = 1, TAG_CTRL = 2 };
enum { CTRL_CANCEL = 1, CTRL_FINAL = 2 };
#define CL_CANCELLED (-1)   /* end status of a rank stopped by rank 0: not a failure of its own */

typedef struct cl_hdr {
    int64_t status, first, n, msg_len;
} cl_hdr;                   /* 32 bytes: the doubles after it stay aligned */

typedef struct cl_ctrl {
    int64_t kind, status;
    char msg[sizeof ((phx_err *)0)->msg];
} cl_ctrl;

static MPI_Comm cl_comm = MPI_COMM_NULL;  /* a duplicate of MPI_COMM_WORLD: our tags only */
static int cl_started, cl_rank, cl_size = 1;

/* Was this process started by an MPI launcher (OpenMPI's mpirun, or srun and others through
 * PMIx or PMI)? If not, it is one rank: it runs as the serial build and leaves MPI alone, which
 * spares a singleton MPI_Init its start-up time and shared-memory files. */
int cluster_launched(void)
{
    static const char *const vars[] = { "OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE" };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]) != NULL)
            return 1;
    return 0;
}

int cluster_init(phx_err *e)
{
    int init = 0, provided = 0;
    MPI_Initialized(&init);
    if (!init && !cluster_launched())
        return PHX_OK;                         /* one rank, no MPI */
    if (!init) {
        if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
            return phx_fail(e, PHX_ERUN, NULL, 0, NULL, "cannot start MPI");
        cl_started = 1;
    }
    if (MPI_Comm_dup(MPI_COMM_WORLD, &cl_comm) != MPI_SUCCESS)
        return phx_fail(e, PHX_ERUN, NULL, 0, NULL, "cannot set up the MPI communicator");
    MPI_Comm_rank(cl_comm, &cl_rank);
    MPI_Comm_size(cl_comm, &cl_size);
    return PHX_OK;
}

void cluster_finalize(void)
{
    if (cl_comm != MPI_COMM_NULL)
        MPI_Comm_free(&cl_comm);
    if (cl_started)
        MPI_Finalize();
    cl_started = 0;
    cl_rank = 0;
    cl_size = 1;
}

int cluster_enabled(void) { return 1; }
int cluster_rank(void) { return cl_rank; }
int cluster_size(void) { return cl_size; }

/* Fill `e` (if any) with `msg` (not e->msg itself), prefixed "rank R: " for a rank other than 0. */
static void cl_set_error(phx_err *e, int status, int rank, const char *msg)
{
    if (e == NULL)
        return;
    if (msg[0] == '\0')
        phx_fail(e, status, NULL, 0, NULL, "rank %d failed (exit status %d)", rank, status);
    else if (rank != 0)
        phx_fail(e, status, NULL, 0, NULL, "rank %d: %s", rank, msg);
    else
        phx_fail(e, status, NULL, 0, NULL, "%s", msg);
}

int cluster_agree(int status, phx_err *e)
{
    if (cl_size == 1)
        return status;
    int mine = status != PHX_OK ? cl_rank : cl_size, root = cl_size;
    MPI_Allreduce(&mine, &root, 1, MPI_INT, MPI_MIN, cl_comm);
    if (root == cl_size)
        return PHX_OK;
    cl_ctrl c = { CTRL_FINAL, status, "" };
    if (cl_rank == root && e != NULL && e->status != PHX_OK)
        snprintf(c.msg, sizeof c.msg, "%s", e->msg);
    MPI_Bcast(&c, (int)sizeof c, MPI_BYTE, root, cl_comm);
    if (root == 0 && cl_rank == 0)    /* rank 0 failed: its own message, as printed */
        return status;
    cl_set_error(e, (int)c.status, root, c.msg);
    return (int)c.status;
}

void cluster_bcast_int(int *v)
{
    if (cl_size > 1)
        MPI_Bcast(v, 1, MPI_INT, 0, cl_comm);
}

/* ---- the run ---------------------------------------------------------------------------- */

/* Doubles per replication in a block message. */
typedef struct cl_shape {
    size_t slots, row_len, grow_len;
} cl_shape;

static cl_shape cl_shape_of(const scenario *sc)
{
    size_t ny = (size_t)sc->n_years;
    cl_shape s = { sc->n_slots, sc->model->n_metrics * ny,
                   model_n_group_metrics(sc->model) * ny * sc->model->n_groups };
    return s;
}

/* A message buffer of at least `bytes`. */
static unsigned char *cl_reserve(unsigned char **buf, size_t *cap, size_t bytes)
{
    if (bytes > *cap) {
        *buf = phx_realloc(*buf, bytes);
        *cap = bytes;
    }
    return *buf;
}

/* ---- a worker: rank > 0 ---- */

typedef struct cl_worker {
    cl_shape shape;
    unsigned char *buf;
    size_t cap;
    int cancelled;
} cl_worker;

/* Has rank 0 asked this rank to stop? (A pending CTRL before our end message is a CANCEL.) */
static int cl_worker_cancelled(cl_worker *w)
{
    int flag = 0;
    if (!w->cancelled) {
        MPI_Iprobe(0, TAG_CTRL, cl_comm, &flag, MPI_STATUS_IGNORE);
        if (flag) {
            cl_ctrl c;
            MPI_Recv(&c, (int)sizeof c, MPI_BYTE, 0, TAG_CTRL, cl_comm, MPI_STATUS_IGNORE);
            w->cancelled = 1;
        }
    }
    return w->cancelled;
}

/* run_sink on a worker: send the block to rank 0. MPI_Send returns once rank 0 has taken it
 * (or MPI has buffered it): at most one block in flight, memory O(block). */
static int cl_worker_block(void *ctx, const scenario *sc, const run_block *b, phx_err *e)
{
    cl_worker *w = ctx;
    if (cl_worker_cancelled(w))
        return phx_fail(e, PHX_ERUN, NULL, 0, NULL, "stopped by rank 0");
    const cl_shape *s = &w->shape;
    size_t nt = b->n * s->slots, nr = b->n * s->row_len, ng = b->n * s->grow_len;
    size_t bytes = sizeof(cl_hdr) + (nt + nr + ng) * sizeof(double);
    if (bytes > INT_MAX)
        return phx_fail(e, PHX_ERUN, sc->path, 0, NULL,
                        "a block of %zu replications is too large for one MPI message; "
                        "use a smaller --block", b->n);
    unsigned char *m = cl_reserve(&w->buf, &w->cap, bytes);
    cl_hdr h = { PHX_OK, (int64_t)b->first, (int64_t)b->n, 0 };
    double *d = (double *)(m + sizeof h);
    memcpy(m, &h, sizeof h);
    if (nt)
        memcpy(d, b->theta, nt * sizeof *d);
    memcpy(d + nt, b->rows, nr * sizeof *d);
    if (ng)
        memcpy(d + nt + nr, b->group_rows, ng * sizeof *d);
    MPI_Send(m, (int)bytes, MPI_BYTE, 0, TAG_BLOCK, cl_comm);
    return PHX_OK;
}

static int cl_worker_run(const scenario *sc, const void *shared, size_t first, size_t n,
                         const run_options *o, phx_err *e)
{
    cl_worker w = { cl_shape_of(sc), NULL, 0, 0 };
    run_sink sink = { &w, cl_worker_block };
    run_options wo = *o;
    wo.progress = 0;                           /* only rank 0 talks to the terminal */
    int st = run_replications(sc, shared, first, n, &wo, &sink, e);

    /* The end of this rank's part: its status and, on failure, its message. */
    size_t len = st != PHX_OK && !w.cancelled && e != NULL ? strlen(e->msg) + 1 : 0;
    cl_hdr h = { w.cancelled ? CL_CANCELLED : st, 0, 0, (int64_t)len };
    unsigned char *m = cl_reserve(&w.buf, &w.cap, sizeof h + len + 1);
    memcpy(m, &h, sizeof h);
    if (len)
        memcpy(m + sizeof h, e->msg, len);
    MPI_Send(m, (int)(sizeof h + len), MPI_BYTE, 0, TAG_BLOCK, cl_comm);
    free(w.buf);

    cl_ctrl c;                                 /* a late CANCEL, then the outcome */
    do
        MPI_Recv(&c, (int)sizeof c, MPI_BYTE, 0, TAG_CTRL, cl_comm, MPI_STATUS_IGNORE);
    while (c.kind != CTRL_FINAL);
    if (c.status != PHX_OK)
        cl_set_error(e, (int)c.status, 0, c.msg);
    return (int)c.status;
}

/* ---- rank 0 ---- */

typedef struct cl_root {
    const run_sink *inner;
    const scenario *sc;
    cl_shape shape;
    unsigned char *buf;
    size_t cap;
    int active;                 /* workers whose end message has not come yet */
    char *ended;                /* per rank */
    MPI_Request *cancel;        /* per rank: the CANCEL sent, or MPI_REQUEST_NULL */
    cl_ctrl cancel_msg;
    int st;                     /* the first failure, PHX_OK if none */
    char msg[sizeof ((phx_err *)0)->msg];
} cl_root;

/* Record the first failure (of rank `rank`, message `msg`) and ask every worker still running
 * to stop after its current block. */
static void cl_root_fail(cl_root *r, int st, int rank, const char *msg)
{
    if (r->st != PHX_OK)
        return;
    r->st = st;
    if (msg == NULL || msg[0] == '\0')
        snprintf(r->msg, sizeof r->msg, "rank %d failed (exit status %d)", rank, st);
    else if (rank != 0)
        snprintf(r->msg, sizeof r->msg, "rank %d: %s", rank, msg);
    else
        snprintf(r->msg, sizeof r->msg, "%s", msg);
    for (int k = 1; k < cl_size; k++)
        if (!r->ended[k])
            MPI_Isend(&r->cancel_msg, (int)sizeof r->cancel_msg, MPI_BYTE, k, TAG_CTRL, cl_comm,
                      &r->cancel[k]);
}

/* Take one message from any worker: a block goes to the sink (or is dropped after a failure),
 * an end is counted. Without `wait`, returns 0 when nothing is pending; else 1. */
static int cl_root_receive(cl_root *r, int wait)
{
    MPI_Status s;
    int flag = 1, count = 0;
    if (wait)
        MPI_Probe(MPI_ANY_SOURCE, TAG_BLOCK, cl_comm, &s);
    else
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_BLOCK, cl_comm, &flag, &s);
    if (!flag)
        return 0;
    MPI_Get_count(&s, MPI_BYTE, &count);
    int src = s.MPI_SOURCE;
    unsigned char *m = cl_reserve(&r->buf, &r->cap, (size_t)count + 1);
    MPI_Recv(m, count, MPI_BYTE, src, TAG_BLOCK, cl_comm, MPI_STATUS_IGNORE);
    cl_hdr h;
    memcpy(&h, m, sizeof h);
    if (h.n == 0) {                            /* the end of rank src's part */
        r->ended[src] = 1;
        r->active--;
        m[count] = '\0';
        if (h.status != PHX_OK && h.status != CL_CANCELLED)
            cl_root_fail(r, (int)h.status, src, h.msg_len > 0 ? (char *)m + sizeof h : NULL);
        return 1;
    }
    if (r->st != PHX_OK)
        return 1;                              /* failed already: drain, write nothing */
    const cl_shape *sh = &r->shape;
    size_t n = (size_t)h.n;
    const double *d = (const double *)(m + sizeof h);
    run_block b = { (size_t)h.first, n, d, d + n * sh->slots,
                    sh->grow_len ? d + n * (sh->slots + sh->row_len) : NULL };
    phx_err e = { 0 };
    int st = r->inner->block(r->inner->ctx, r->sc, &b, &e);
    if (st != PHX_OK)
        cl_root_fail(r, st, 0, e.msg);
    return 1;
}

/* run_options.poll on rank 0, between two of its own replications: take whatever the workers
 * have sent, so that they wait in MPI_Send for one replication at most, not a whole block. */
static void cl_root_poll(void *ctx)
{
    cl_root *r = ctx;
    while (cl_root_receive(r, 0))
        ;
}

/* run_sink on rank 0: its own block to the sink, then every block the workers have sent. */
static int cl_root_block(void *ctx, const scenario *sc, const run_block *b, phx_err *e)
{
    cl_root *r = ctx;
    int st = r->inner->block(r->inner->ctx, sc, b, e);
    if (st != PHX_OK) {
        cl_root_fail(r, st, 0, e != NULL ? e->msg : NULL);
        return st;
    }
    while (r->st == PHX_OK && cl_root_receive(r, 0))
        ;
    return r->st;
}

static int cl_root_run(const scenario *sc, const void *shared, size_t first, size_t n,
                       const run_options *o, const run_sink *sink, phx_err *e)
{
    cl_root r = { sink, sc, cl_shape_of(sc), NULL, 0, cl_size - 1, NULL, NULL,
                  { CTRL_CANCEL, PHX_OK, "" }, PHX_OK, "" };
    r.ended = phx_calloc((size_t)cl_size, 1);
    r.cancel = phx_malloc((size_t)cl_size * sizeof *r.cancel);
    for (int k = 0; k < cl_size; k++)
        r.cancel[k] = MPI_REQUEST_NULL;
    run_sink own = { &r, cl_root_block };
    run_options ro = *o;
    ro.poll = cl_root_poll;
    ro.poll_ctx = &r;
    phx_err e0 = { 0 };
    int st = run_replications(sc, shared, first, n, &ro, &own, &e0);
    if (st != PHX_OK)
        cl_root_fail(&r, st, 0, e0.msg);       /* no-op when a worker's failure stopped it */
    while (r.active > 0)
        cl_root_receive(&r, 1);

    cl_ctrl fin = { CTRL_FINAL, r.st, "" };
    snprintf(fin.msg, sizeof fin.msg, "%s", r.msg);
    for (int k = 1; k < cl_size; k++)
        MPI_Send(&fin, (int)sizeof fin, MPI_BYTE, k, TAG_CTRL, cl_comm);
    MPI_Waitall(cl_size, r.cancel, MPI_STATUSES_IGNORE);
    if (r.st != PHX_OK)
        cl_set_error(e, r.st, 0, r.msg);
    free(r.cancel);
    free(r.ended);
    free(r.buf);
    return r.st;
}

int cluster_run(const scenario *sc, const void *shared, size_t first, size_t n,
                const run_options *o, const run_sink *sink, phx_err *e)
{
    if (cl_size == 1)
        return run_replications(sc, shared, first, n, o, sink, e);
    size_t pf, pn;
    cluster_part(first, n, cl_size, cl_rank, &pf, &pn);
    return cl_rank == 0 ? cl_root_run(sc, shared, pf, pn, o, sink, e)
                        : cl_worker_run(sc, shared, pf, pn, o, e);
}

#endif
