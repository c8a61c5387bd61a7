/* test_cluster.c -- the MPI layer's pieces that hold in one process: how ranks split the
 * replications, that simulating the parts separately gives the same rows as one loop (what
 * makes an MPI run identical to a serial one), and the one-rank behaviour of the collectives.
 * Runs between ranks are tested by tests/t_mpi.sh under mpirun. */
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "../engine/cluster.h"
#include "../models/models.h"

/* Literal splits: the first n % size ranks take one more. */
static void test_part_known(void)
{
    struct { size_t first, n; int size; size_t want_first[4], want_n[4]; } cases[] = {
        { 0, 10, 3, { 0, 4, 7 }, { 4, 3, 3 } },
        { 0, 9, 3, { 0, 3, 6 }, { 3, 3, 3 } },
        { 0, 2, 3, { 0, 1, 2 }, { 1, 1, 0 } },
        { 0, 0, 2, { 0, 0 }, { 0, 0 } },
        { 1000, 7, 4, { 1000, 1002, 1004, 1006 }, { 2, 2, 2, 1 } },
        { 5, 3, 1, { 5 }, { 3 } },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (int r = 0; r < cases[c].size; r++) {
            size_t pf, pn;
            cluster_part(cases[c].first, cases[c].n, cases[c].size, r, &pf, &pn);
            CU_ASSERT_EQUAL(pf, cases[c].want_first[r]);
            CU_ASSERT_EQUAL(pn, cases[c].want_n[r]);
        }
}

/* For many (n, size): the parts are contiguous, in rank order, cover the range once, and
 * differ in size by at most one. */
static void test_part_cover(void)
{
    for (size_t n = 0; n < 60; n++)
        for (int size = 1; size <= 9; size++) {
            size_t next = 17, lo = (size_t)-1, hi = 0;
            for (int r = 0; r < size; r++) {
                size_t pf, pn;
                cluster_part(17, n, size, r, &pf, &pn);
                CU_ASSERT_EQUAL(pf, next);
                next = pf + pn;
                lo = pn < lo ? pn : lo;
                hi = pn > hi ? pn : hi;
            }
            CU_ASSERT_EQUAL(next, 17 + n);
            CU_ASSERT(hi - lo <= 1);
        }
}

/* A sink that keeps every block at its replication's place (tests only: memory O(n)). */
typedef struct {
    size_t n_slots, row_len, blocks;
    double *theta, *rows;
} keep_sink;

static int keep_block(void *ctx, const scenario *sc, const run_block *b, phx_err *e)
{
    keep_sink *k = ctx;
    memcpy(k->theta + b->first * k->n_slots, b->theta, b->n * k->n_slots * sizeof(double));
    memcpy(k->rows + b->first * k->row_len, b->rows, b->n * k->row_len * sizeof(double));
    k->blocks++;
    return PHX_OK;
}

static scenario *ishigami(long reps, const char *method)
{
    char n[32];
    snprintf(n, sizeof n, "%ld", reps);
    scenario_override ov[] = { { "-n", "scenario.replications", n },
                               { "--sampler", "scenario.sampler", method } };
    scenario *sc;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(scenario_defaults(&sc, &model_ishigami, ov, 2, &e), PHX_OK);
    return sc;
}

/* Every rank's part run on its own, with its own threads and blocks, gives exactly the rows
 * and parameters of one run over all replications: for each sampler and 1 to 5 "ranks". */
static void test_parts_equal_whole(void)
{
    const char *methods[] = { "mc", "lhs", "sobol" };
    for (size_t mi = 0; mi < 3; mi++) {
        scenario *sc = ishigami(2311, methods[mi]);
        size_t n = (size_t)sc->replications, rl = sc->model->n_metrics * (size_t)sc->n_years;
        run_options o = { .threads = 2, .block = 500 };
        sampler_parse(sc->sampler, &o.sampler);
        keep_sink whole = { sc->n_slots, rl, 0, malloc(n * sc->n_slots * sizeof(double)),
                            malloc(n * rl * sizeof(double)) };
        run_sink ws = { &whole, keep_block };
        phx_err e = { 0 };
        CU_ASSERT_EQUAL_FATAL(cluster_run(sc, NULL, 0, n, &o, &ws, &e), PHX_OK);
        for (int size = 1; size <= 5; size++) {
            keep_sink parts = { sc->n_slots, rl, 0, calloc(n * sc->n_slots, sizeof(double)),
                                calloc(n * rl, sizeof(double)) };
            run_sink ps = { &parts, keep_block };
            for (int r = size - 1; r >= 0; r--) {   /* last rank first: order must not matter */
                size_t pf, pn;
                cluster_part(0, n, size, r, &pf, &pn);
                run_options po = o;
                po.threads = 1 + r % 3;
                po.block = 97 + 50 * (size_t)r;
                CU_ASSERT_EQUAL(run_replications(sc, NULL, pf, pn, &po, &ps, &e), PHX_OK);
            }
            CU_ASSERT(memcmp(parts.rows, whole.rows, n * rl * sizeof(double)) == 0);
            CU_ASSERT(memcmp(parts.theta, whole.theta, n * sc->n_slots * sizeof(double)) == 0);
            free(parts.theta);
            free(parts.rows);
        }
        free(whole.theta);
        free(whole.rows);
        scenario_free(sc);
    }
}

/* One process (serial build, or an MPI build started without mpirun): rank 0 of 1, agreement
 * passes each status through untouched. */
static void test_one_rank(void)
{
    CU_ASSERT_EQUAL(cluster_rank(), 0);
    CU_ASSERT_EQUAL(cluster_size(), 1);
    phx_err e = { 0 };
    phx_fail(&e, PHX_EINPUT, "x.ini", 3, "scenario.seed", "bad");
    CU_ASSERT_EQUAL(cluster_agree(PHX_EINPUT, &e), PHX_EINPUT);
    CU_ASSERT_STRING_EQUAL(e.msg, "x.ini:3: scenario.seed: bad");
    CU_ASSERT_EQUAL(cluster_agree(PHX_OK, &e), PHX_OK);
    int v = 7;
    cluster_bcast_int(&v);
    CU_ASSERT_EQUAL(v, 7);
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "known splits", test_part_known },
        { "parts cover the range", test_part_cover },
        { "parts equal the whole run", test_parts_equal_whole },
        { "one rank", test_one_rank },
        CU_TEST_INFO_NULL,
    };
    return tu_run("cluster", tests);
}
