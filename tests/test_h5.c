/* test_h5.c -- the HDF5 results writer and reader: values round-trip whatever the block sizes,
 * summaries equal stats_summarize() on the same columns, --force and temporary-file semantics,
 * error paths. Leaves $BUILD/tests/h5_fixture.h5 behind for tests/t_interop.py. */
#include "testutil.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../engine/run.h"
#include "../engine/scenario.h"
#include "../engine/stats.h"
#include "../models/models.h"
#include "../output/h5.h"

/* ---- a fake model and a hand-built scenario: independent of the scenario loader --------- */

enum { NM = 3, NGM = 2, NY = 3, NG = 3, NSLOT = 2 };

static const metric_def fake_metrics[NM] = {
    { "firms_rectified", "家", "firms rectified", "整治企业数", METRIC_MORE, METRIC_CUMULATIVE,
      METRIC_BY_GROUP },
    { "energy_tce", "tce", "energy use", "能耗", METRIC_LESS, METRIC_STATE, 0 },
    { "land_mu", "mu", "land released", "腾出土地", METRIC_MORE, METRIC_CUMULATIVE,
      METRIC_BY_GROUP },
};
static const char *const fake_groups[NG] = { "上城区", "拱墅区", "西湖区" };
static const model_type fake_model = {
    .name = "fake",
    .description = "test model for the HDF5 writer",
    .metrics = fake_metrics,
    .n_metrics = NM,
    .group_dim = "district",
    .group_names = fake_groups,
    .n_groups = NG,
};

/* Known values: replication r, metric m, year index y (group g). */
static double fake_value(size_t r, size_t m, size_t y)
{
    return 700.0 + 120.0 * sin(1.3 * (double)r + 0.7 * (double)m + 0.11 * (double)y) +
           (double)(m * 10 + y);
}

static double fake_group_value(size_t r, size_t gm, size_t y, size_t g)
{
    return fake_value(r, gm == 0 ? 0 : 2, y) / 3.0 + (double)g;
}

static double fake_theta(size_t r, size_t s)
{
    return (double)r + 0.5 * (double)s;
}

static char *fake_slot_names[NSLOT] = { "rectify.p_complete", "rectify.firms_per_year[2021]" };
static scenario_target fake_targets[2] = { { 0, 700.0, "fake.ini", 12 }, { 1, 710.0, "fake.ini", 13 } };

/* A scenario named `name` for the fake model (fields the writer reads). */
static scenario fake_scenario(char *name)
{
    scenario sc;
    memset(&sc, 0, sizeof sc);
    sc.path = "fake.ini";
    sc.name = name;
    sc.description = "测试 scenario: known values";
    sc.model = &fake_model;
    sc.year_first = 2021;
    sc.year_last = 2021 + NY - 1;
    sc.n_years = NY;
    sc.replications = 2500;
    sc.seed = 42;
    sc.sampler = "mc";
    sc.n_slots = NSLOT;
    sc.slot_names = fake_slot_names;
    sc.targets = fake_targets;
    sc.n_targets = 2;
    sc.resolved_text = "[scenario]\nname = fake\nmodel = fake\n";
    snprintf(sc.sha256, sizeof sc.sha256, "%064d", 0);
    return sc;
}

/* Feed replications first..first+nb-1 (known values) through the writer's sink as one block. */
static int feed_block(h5_writer *w, const scenario *sc, size_t first, size_t nb, phx_err *e)
{
    run_sink sink = h5_writer_sink(w);
    double *theta = malloc(nb * NSLOT * sizeof *theta);
    double *rows = malloc(nb * NM * NY * sizeof *rows);
    double *grows = malloc(nb * NGM * NY * NG * sizeof *grows);
    for (size_t i = 0; i < nb; i++) {
        for (size_t s = 0; s < NSLOT; s++)
            theta[i * NSLOT + s] = fake_theta(first + i, s);
        for (size_t m = 0; m < NM; m++)
            for (size_t y = 0; y < NY; y++)
                rows[i * (NM * NY) + m * NY + y] = fake_value(first + i, m, y);
        for (size_t gm = 0; gm < NGM; gm++)
            for (size_t y = 0; y < NY; y++)
                for (size_t g = 0; g < NG; g++)
                    grows[i * (NGM * NY * NG) + (gm * NY + y) * NG + g] =
                        fake_group_value(first + i, gm, y, g);
    }
    run_block b = { first, nb, theta, rows, grows };
    int st = sink.block(sink.ctx, sc, &b, e);
    free(theta);
    free(rows);
    free(grows);
    return st;
}

/* Feed replications 0..n-1 through the writer's sink in blocks of sizes[0], sizes[1], ...
 * (cycling). Returns the first failing status. */
static int feed(h5_writer *w, const scenario *sc, size_t n, const size_t *sizes, size_t n_sizes,
                phx_err *e)
{
    size_t k = 0;
    for (size_t first = 0; first < n; k++) {
        size_t nb = sizes[k % n_sizes];
        nb = nb > n - first ? n - first : nb;
        int st = feed_block(w, sc, first, nb, e);
        if (st != PHX_OK)
            return st;
        first += nb;
    }
    return PHX_OK;
}

/* A whole file: one fake scenario of n replications in blocks of `sizes`. */
static int write_fake(const char *path, size_t n, size_t hint, const size_t *sizes,
                      size_t n_sizes, phx_err *e)
{
    h5_writer *w = NULL;
    scenario sc = fake_scenario("fake-test");
    /* A resolved text far over HDF5's 64 KiB limit for attributes stored in the object
     * header: variable-length strings live in the global heap. t_interop.py checks it. */
    static char text[200 * 1024];
    if (text[0] == '\0') {
        size_t used = (size_t)snprintf(text, sizeof text, "%s", sc.resolved_text);
        while (used + 12 < sizeof text)
            used += (size_t)snprintf(text + used, sizeof text - used, "; padding.\n");
    }
    sc.resolved_text = text;
    int st = h5_writer_open(&w, path, 1, "test_h5 write_fake", 42, e);
    if (st == PHX_OK)
        st = h5_writer_begin_scenario(w, &sc, hint, e);
    if (st == PHX_OK)
        st = feed(w, &sc, n, sizes, n_sizes, e);
    if (st == PHX_OK)
        st = h5_writer_end_scenario(w, e);
    if (st == PHX_OK) {
        st = h5_writer_commit(w, e);
        w = NULL;
    }
    h5_writer_abort(w);
    return st;
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Number of entries in `dir` (besides . and ..). */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *de;
    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void rm_dir(char *dir)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    tu_sh(cmd, NULL);
    free(dir);
}

/* Read dataset `ds` of `path` and check its shape. */
static double *read_array(const char *path, const char *ds, int rank, size_t d0, size_t d1,
                          size_t d2)
{
    double *v = NULL;
    size_t dims[3];
    int r = 0;
    phx_err e = { 0 };
    int st = h5_read_array(path, ds, &v, dims, &r, &e);
    CU_ASSERT_EQUAL_FATAL(st, PHX_OK);
    CU_ASSERT_EQUAL(r, rank);
    const size_t want[3] = { d0, d1, d2 };
    for (int k = 0; k < rank && k < r; k++)
        CU_ASSERT_EQUAL(dims[k], want[k]);
    return v;
}

static int same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/* ---- tests ----------------------------------------------------------------------------- */

/* Every value written comes back exactly, in the documented layout. */
static void test_values(void)
{
    char *dir = tu_tmpdir(), *path = join(dir, "v.h5");
    const size_t sizes[] = { 1000 };
    phx_err e = { 0 };
    const size_t n = 2500;
    CU_ASSERT_EQUAL_FATAL(write_fake(path, n, n, sizes, 1, &e), PHX_OK);

    double *v;
    size_t nr, ny;
    CU_ASSERT_EQUAL_FATAL(h5_read_metric(path, "fake-test", "energy_tce", &v, &nr, &ny, &e), PHX_OK);
    CU_ASSERT_EQUAL(nr, n);
    CU_ASSERT_EQUAL(ny, NY);
    int ok = 1;
    for (size_t r = 0; r < n; r++)
        for (size_t y = 0; y < NY; y++)
            ok &= v[r * NY + y] == fake_value(r, 1, y);
    CU_ASSERT(ok);
    free(v);

    v = read_array(path, "/scenarios/fake-test/districts/land_mu", 3, n, NY, NG);
    ok = 1;
    for (size_t r = 0; r < n; r++)
        for (size_t y = 0; y < NY; y++)
            for (size_t g = 0; g < NG; g++)
                ok &= v[(r * NY + y) * NG + g] == fake_group_value(r, 1, y, g);
    CU_ASSERT(ok);
    free(v);

    v = read_array(path, "/scenarios/fake-test/parameters", 2, n, NSLOT, 0);
    ok = 1;
    for (size_t r = 0; r < n; r++)
        for (size_t s = 0; s < NSLOT; s++)
            ok &= v[r * NSLOT + s] == fake_theta(r, s);
    CU_ASSERT(ok);
    free(v);

    const char *reps[] = { "/scenarios/fake-test/replication", "/scenarios/fake-test/metrics/replication",
                           "/scenarios/fake-test/districts/replication" };
    for (size_t k = 0; k < 3; k++) {
        v = read_array(path, reps[k], 1, n, 0, 0);
        ok = 1;
        for (size_t r = 0; r < n; r++)
            ok &= v[r] == (double)r;
        CU_ASSERT(ok);
        free(v);
    }
    v = read_array(path, "/scenarios/fake-test/year", 1, NY, 0, 0);
    CU_ASSERT(v[0] == 2021 && v[NY - 1] == 2021 + NY - 1);
    free(v);
    free(path);
    rm_dir(dir);
}

/* The datasets do not depend on how the replications were split into blocks. */
static void test_block_sizes(void)
{
    char *dir = tu_tmpdir();
    const size_t n = 2600;
    const size_t one[] = { 2600 }, tiny[] = { 1 }, odd[] = { 7, 1, 1500, 3 }, big[] = { 1024 };
    struct { const size_t *s; size_t n, hint; } cases[] = {
        { one, 1, 2600 }, { tiny, 1, 10 }, { odd, 4, 100 }, { big, 1, 5000 },
    };
    const char *ds[] = { "metrics/firms_rectified", "metrics/energy_tce", "metrics/land_mu",
                         "districts/firms_rectified", "districts/land_mu", "parameters",
                         "replication", "summary/mean", "summary/quantiles", "summary/p_target" };
    const size_t n_ds = sizeof ds / sizeof ds[0];
    double *ref[sizeof ds / sizeof ds[0]];
    size_t len[sizeof ds / sizeof ds[0]];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char name[32];
        snprintf(name, sizeof name, "b%zu.h5", c);
        char *path = join(dir, name);
        phx_err e = { 0 };
        CU_ASSERT_EQUAL_FATAL(write_fake(path, n, cases[c].hint, cases[c].s, cases[c].n, &e), PHX_OK);
        for (size_t k = 0; k < n_ds; k++) {
            char full[256];
            double *v = NULL;
            size_t dims[3];
            int rank;
            snprintf(full, sizeof full, "/scenarios/fake-test/%s", ds[k]);
            CU_ASSERT_EQUAL_FATAL(h5_read_array(path, full, &v, dims, &rank, &e), PHX_OK);
            size_t total = 1;
            for (int j = 0; j < rank; j++)
                total *= dims[j];
            if (c == 0) {
                ref[k] = v;
                len[k] = total;
                continue;
            }
            CU_ASSERT_EQUAL(total, len[k]);
            int ok = total == len[k];
            for (size_t i = 0; ok && i < total; i++)
                ok = same(v[i], ref[k][i]);
            CU_ASSERT(ok);
            free(v);
        }
        free(path);
    }
    for (size_t k = 0; k < n_ds; k++)
        free(ref[k]);
    rm_dir(dir);
}

/* Blocks in any order (as MPI ranks deliver them) land at their replications' rows: the file
 * holds the same values as one written in order. Missing or repeated rows are an error when
 * the scenario ends, and nothing is written. */
static void test_block_order(void)
{
    char *dir = tu_tmpdir(), *ref = join(dir, "in-order.h5");
    const size_t n = 2500, sizes[] = { 700 };
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(write_fake(ref, n, n, sizes, 1, &e), PHX_OK);
    /* three "ranks" of 834, 833, 833 replications in blocks of 300, interleaved */
    const size_t order[][2] = { { 0, 300 }, { 834, 300 }, { 1667, 300 }, { 1967, 300 },
                                { 300, 300 }, { 1134, 300 }, { 2267, 233 }, { 600, 234 },
                                { 1434, 233 } };
    const size_t gap[][2] = { { 0, 300 }, { 600, 300 } };
    const size_t twice[][2] = { { 0, 300 }, { 300, 300 }, { 300, 300 } };
    struct { const char *name; const size_t (*b)[2]; size_t n; int ok; } cases[] = {
        { "shuffled.h5", order, sizeof order / sizeof order[0], 1 },
        { "gap.h5", gap, 2, 0 },
        { "twice.h5", twice, 3, 0 },
    };
    const char *ds[] = { "metrics/energy_tce", "districts/land_mu", "parameters", "replication",
                         "metrics/replication", "summary/mean", "summary/quantiles" };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char *path = join(dir, cases[c].name);
        scenario sc = fake_scenario("fake-test");
        h5_writer *w = NULL;
        int st = h5_writer_open(&w, path, 1, "test_h5 block order", 42, &e);
        if (st == PHX_OK)
            st = h5_writer_begin_scenario(w, &sc, n, &e);
        for (size_t k = 0; st == PHX_OK && k < cases[c].n; k++)
            st = feed_block(w, &sc, cases[c].b[k][0], cases[c].b[k][1], &e);
        CU_ASSERT_EQUAL(st, PHX_OK);
        if (st == PHX_OK)
            st = h5_writer_end_scenario(w, &e);
        if (st == PHX_OK) {
            st = h5_writer_commit(w, &e);
            w = NULL;
        }
        h5_writer_abort(w);
        if (!cases[c].ok) {
            CU_ASSERT_EQUAL(st, PHX_ERUN);
            CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "rows written for replications"));
            CU_ASSERT(!tu_exists(path));
            free(path);
            continue;
        }
        CU_ASSERT_EQUAL_FATAL(st, PHX_OK);
        for (size_t k = 0; k < sizeof ds / sizeof ds[0]; k++) {
            char full[256];
            double *a = NULL, *b = NULL;
            size_t da[3], db[3];
            int ra = 0, rb = 0;
            snprintf(full, sizeof full, "/scenarios/fake-test/%s", ds[k]);
            CU_ASSERT_EQUAL_FATAL(h5_read_array(ref, full, &a, da, &ra, &e), PHX_OK);
            CU_ASSERT_EQUAL_FATAL(h5_read_array(path, full, &b, db, &rb, &e), PHX_OK);
            size_t total = 1;
            CU_ASSERT_EQUAL(ra, rb);
            for (int j = 0; j < ra && j < rb; j++) {
                CU_ASSERT_EQUAL(da[j], db[j]);
                total *= da[j] < db[j] ? da[j] : db[j];
            }
            int ok = 1;
            for (size_t i = 0; ok && i < total; i++)
                ok = same(a[i], b[i]);
            CU_ASSERT(ok);
            free(a);
            free(b);
        }
        free(path);
    }
    free(ref);
    rm_dir(dir);
}

/* summary/ holds exactly what stats_summarize() gives on each column. */
static void test_summary_values(void)
{
    char *dir = tu_tmpdir(), *path = join(dir, "s.h5");
    const size_t n = 1999, sizes[] = { 300, 77 };
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(write_fake(path, n, n, sizes, 2, &e), PHX_OK);
    double *mean = read_array(path, "/scenarios/fake-test/summary/mean", 2, NM, NY, 0);
    double *sd = read_array(path, "/scenarios/fake-test/summary/sd", 2, NM, NY, 0);
    double *se = read_array(path, "/scenarios/fake-test/summary/stderr", 2, NM, NY, 0);
    double *p = read_array(path, "/scenarios/fake-test/summary/p_target", 2, NM, NY, 0);
    double *lo = read_array(path, "/scenarios/fake-test/summary/p_target_lower", 2, NM, NY, 0);
    double *hi = read_array(path, "/scenarios/fake-test/summary/p_target_upper", 2, NM, NY, 0);
    double *q = read_array(path, "/scenarios/fake-test/summary/quantiles", 3, NM, NY, STATS_NQ);
    double *lev = read_array(path, "/scenarios/fake-test/summary/quantile", 1, STATS_NQ, 0, 0);
    double *tg = read_array(path, "/scenarios/fake-test/summary/target", 1, NM, 0, 0);
    double *x = malloc(n * sizeof *x);
    for (size_t j = 0; j < STATS_NQ; j++)
        CU_ASSERT_EQUAL(lev[j], stats_q_levels[j]);
    CU_ASSERT(tg[0] == 700.0 && tg[1] == 710.0 && isnan(tg[2]));
    for (size_t m = 0; m < NM; m++) {
        for (size_t y = 0; y < NY; y++) {
            stats_summary s;
            for (size_t r = 0; r < n; r++)
                x[r] = fake_value(r, m, y);
            int has = m < 2;
            stats_summarize(x, n, has, has ? fake_targets[m].value : 0, fake_metrics[m].direction, &s);
            size_t k = m * NY + y;
            CU_ASSERT(same(mean[k], s.mean) && same(sd[k], s.sd) && same(se[k], s.se));
            CU_ASSERT(same(p[k], has ? s.p_target : NAN));
            CU_ASSERT(same(lo[k], has ? s.p_lower : NAN) && same(hi[k], has ? s.p_upper : NAN));
            for (size_t j = 0; j < STATS_NQ; j++)
                CU_ASSERT(same(q[k * STATS_NQ + j], s.q[j]));
            if (has) {   /* the data straddle both targets: a real test of direction */
                CU_ASSERT(s.p_target > 0.05 && s.p_target < 0.95);
            }
        }
    }
    free(x);
    free(mean), free(sd), free(se), free(p), free(lo), free(hi), free(q), free(lev), free(tg);
    free(path);
    rm_dir(dir);
}

/* Without force an existing file is kept and nothing is written; with force it is replaced. */
static void test_force(void)
{
    char *dir = tu_tmpdir(), *path = join(dir, "out.h5");
    CU_ASSERT_EQUAL_FATAL(tu_write(path, "keep me\n"), 0);
    h5_writer *w = NULL;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL(h5_writer_open(&w, path, 0, "x", 1, &e), PHX_EINPUT);
    CU_ASSERT_PTR_NULL(w);
    CU_ASSERT_EQUAL(e.status, PHX_EINPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "exists; use --force to overwrite"));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, path));
    char *text = tu_slurp(path);
    CU_ASSERT_STRING_EQUAL(text, "keep me\n");
    free(text);
    CU_ASSERT_EQUAL(count_entries(dir), 1);

    const size_t sizes[] = { 64 };
    CU_ASSERT_EQUAL(write_fake(path, 100, 100, sizes, 1, &e), PHX_OK);   /* force = 1 */
    CU_ASSERT_EQUAL(count_entries(dir), 1);                              /* no temporary left */
    double *v;
    size_t nr, ny;
    CU_ASSERT_EQUAL(h5_read_metric(path, "fake-test", "land_mu", &v, &nr, &ny, &e), PHX_OK);
    CU_ASSERT_EQUAL(nr, 100);
    free(v);
    struct stat sb;
    CU_ASSERT(stat(path, &sb) == 0 && (sb.st_mode & 0044) != 0);   /* not mkstemp's 0600 */

    /* A file that appears while the writer runs is not overwritten without force either. */
    char *late = join(dir, "late.h5");
    scenario sc = fake_scenario("late");
    CU_ASSERT_EQUAL_FATAL(h5_writer_open(&w, late, 0, "x", 1, &e), PHX_OK);
    CU_ASSERT_EQUAL(h5_writer_begin_scenario(w, &sc, 10, &e), PHX_OK);
    CU_ASSERT_EQUAL(h5_writer_end_scenario(w, &e), PHX_OK);
    CU_ASSERT_EQUAL(tu_write(late, "late\n"), 0);
    CU_ASSERT_EQUAL(h5_writer_commit(w, &e), PHX_EINPUT);
    text = tu_slurp(late);
    CU_ASSERT_STRING_EQUAL(text, "late\n");
    free(text);
    CU_ASSERT_EQUAL(count_entries(dir), 2);
    free(late);
    free(path);
    rm_dir(dir);
}

/* abort() removes the temporary file at any stage; abort(NULL) is a no-op. */
static void test_abort(void)
{
    char *dir = tu_tmpdir(), *path = join(dir, "a.h5");
    h5_writer *w = NULL;
    phx_err e = { 0 };
    scenario sc = fake_scenario("a");
    const size_t sizes[] = { 10 };
    h5_writer_abort(NULL);
    CU_ASSERT_EQUAL_FATAL(h5_writer_open(&w, path, 0, "x", 1, &e), PHX_OK);
    CU_ASSERT_EQUAL(count_entries(dir), 1);        /* the temporary file */
    CU_ASSERT_FALSE(tu_exists(path));
    h5_writer_abort(w);
    CU_ASSERT_EQUAL(count_entries(dir), 0);

    CU_ASSERT_EQUAL_FATAL(h5_writer_open(&w, path, 0, "x", 1, &e), PHX_OK);
    CU_ASSERT_EQUAL(h5_writer_begin_scenario(w, &sc, 30, &e), PHX_OK);
    CU_ASSERT_EQUAL(feed(w, &sc, 25, sizes, 1, &e), PHX_OK);
    h5_writer_abort(w);                            /* mid-scenario, datasets open */
    CU_ASSERT_EQUAL(count_entries(dir), 0);
    free(path);
    rm_dir(dir);
}

/* Failures come back as statuses and messages, never crashes or partial files. */
static void test_errors(void)
{
    char *dir = tu_tmpdir(), *path = join(dir, "e.h5");
    h5_writer *w = NULL;
    phx_err e = { 0 };
    const size_t sizes[] = { 10 };

    /* A directory that does not exist. */
    CU_ASSERT_EQUAL(h5_writer_open(&w, "/nonexistent-phoenix-dir/sub/out.h5", 1, "x", 1, &e), PHX_ERUN);
    CU_ASSERT_PTR_NULL(w);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "/nonexistent-phoenix-dir/sub/out.h5"));
    /* The output is a directory. */
    CU_ASSERT_EQUAL(h5_writer_open(&w, dir, 1, "x", 1, &e), PHX_EINPUT);

    /* Bad scenario names; the same name twice; a block for another scenario; no end. */
    scenario slash = fake_scenario("a/b"), a = fake_scenario("a"), other = fake_scenario("b");
    CU_ASSERT_EQUAL_FATAL(h5_writer_open(&w, path, 0, "x", 1, &e), PHX_OK);
    CU_ASSERT_EQUAL(h5_writer_begin_scenario(w, &slash, 10, &e), PHX_EINPUT);
    CU_ASSERT_EQUAL(h5_writer_begin_scenario(w, &a, 10, &e), PHX_OK);   /* still usable */
    CU_ASSERT_EQUAL(h5_writer_begin_scenario(w, &other, 10, &e), PHX_ERUN);   /* a not ended */
    CU_ASSERT_EQUAL(h5_writer_end_scenario(w, &e), PHX_OK);
    CU_ASSERT_EQUAL(h5_writer_end_scenario(w, &e), PHX_ERUN);   /* nothing begun */
    CU_ASSERT_EQUAL(h5_writer_begin_scenario(w, &a, 10, &e), PHX_EINPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "already in"));
    CU_ASSERT_EQUAL(h5_writer_begin_scenario(w, &other, 10, &e), PHX_OK);
    CU_ASSERT_EQUAL(feed(w, &a, 5, sizes, 1, &e), PHX_ERUN);        /* wrong scenario */
    CU_ASSERT_EQUAL(feed(w, &other, 5, sizes, 1, &e), PHX_ERUN);    /* writer now broken */
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "failed earlier"));
    CU_ASSERT_EQUAL(h5_writer_commit(w, &e), PHX_ERUN);             /* commit aborts */
    CU_ASSERT_EQUAL(count_entries(dir), 0);

    CU_ASSERT_EQUAL_FATAL(h5_writer_open(&w, path, 0, "x", 1, &e), PHX_OK);
    CU_ASSERT_EQUAL(h5_writer_begin_scenario(w, &a, 10, &e), PHX_OK);
    CU_ASSERT_EQUAL(h5_writer_commit(w, &e), PHX_ERUN);             /* scenario not ended */
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "not ended"));
    CU_ASSERT_EQUAL(count_entries(dir), 0);

    /* Readers: missing file, text file, missing scenario and metric, unknown format. */
    double *v = NULL;
    size_t nr, ny;
    CU_ASSERT_EQUAL(h5_read_metric(path, "a", "y", &v, &nr, &ny, &e), PHX_EINPUT);
    CU_ASSERT_EQUAL(tu_write(path, "not hdf5\n"), 0);
    CU_ASSERT_EQUAL(h5_read_metric(path, "a", "y", &v, &nr, &ny, &e), PHX_EINPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "not an HDF5 file"));
    CU_ASSERT_EQUAL(h5_summary_print(path, "table", stdout, &e), PHX_EINPUT);
    unlink(path);
    CU_ASSERT_EQUAL_FATAL(write_fake(path, 20, 20, sizes, 1, &e), PHX_OK);
    CU_ASSERT_EQUAL(h5_read_metric(path, "nope", "y", &v, &nr, &ny, &e), PHX_EINPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "fake-test"));              /* lists what is there */
    CU_ASSERT_EQUAL(h5_read_metric(path, "fake-test", "nope", &v, &nr, &ny, &e), PHX_EINPUT);
    CU_ASSERT_EQUAL(h5_read_metric(path, "fake-test", "year", &v, &nr, &ny, &e), PHX_EINPUT);
    CU_ASSERT_PTR_NULL(v);
    size_t dims[3];
    int rank;
    CU_ASSERT_EQUAL(h5_read_array(path, "/scenarios/fake-test/nope", &v, dims, &rank, &e), PHX_EINPUT);
    CU_ASSERT_EQUAL(h5_summary_print(path, "xml", stdout, &e), PHX_EINPUT);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "xml"));
    free(path);
    rm_dir(dir);
}

/* A failed write (the file size limit, as on a full disk) is an error with the system's
 * reason in one plain line (not HDF5's report of buffers and offsets), never a crash or a file
 * under the final name. */
static void test_write_failure(void)
{
    char *dir = tu_tmpdir(), *path = join(dir, "full.h5");
    struct rlimit old, small;
    CU_ASSERT_EQUAL_FATAL(getrlimit(RLIMIT_FSIZE, &old), 0);
    small = old;
    small.rlim_cur = 64 * 1024;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);   /* write() then fails with EFBIG */
    CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_FSIZE, &small), 0);
    const size_t sizes[] = { 1024 };
    phx_err e = { 0 };
    int st = write_fake(path, 50000, 50000, sizes, 1, &e);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    CU_ASSERT_EQUAL(st, PHX_ERUN);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, path));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "File too large"));
    CU_ASSERT_PTR_NULL(strstr(e.msg, "HDF5"));
    CU_ASSERT_PTR_NULL(strstr(e.msg, "bytes actually written"));
    CU_ASSERT_EQUAL(count_entries(dir), 0);
    free(path);
    rm_dir(dir);
}

/* A model whose layout HDF5 refuses (two metrics of one name): HDF5's reason, nothing left. */
static void test_bad_model(void)
{
    static const metric_def twice[2] = {
        { "same", "1", "a", "甲", METRIC_MORE, METRIC_STATE, 0 },
        { "same", "1", "b", "乙", METRIC_MORE, METRIC_STATE, 0 },
    };
    static const metric_def clash[1] = { { "year", "1", "a", "甲", METRIC_MORE, METRIC_STATE, 0 } };
    model_type m = fake_model;
    m.metrics = twice;
    m.n_metrics = 2;
    m.group_dim = NULL;
    char *dir = tu_tmpdir(), *path = join(dir, "m.h5");
    scenario sc = fake_scenario("m");
    sc.model = &m;
    sc.n_targets = 0;
    h5_writer *w = NULL;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(h5_writer_open(&w, path, 0, "x", 1, &e), PHX_OK);
    CU_ASSERT_EQUAL(h5_writer_begin_scenario(w, &sc, 10, &e), PHX_ERUN);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "metrics/same"));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "(HDF5: "));
    h5_writer_abort(w);
    CU_ASSERT_EQUAL(count_entries(dir), 0);

    m.metrics = clash;
    m.n_metrics = 1;
    CU_ASSERT_EQUAL_FATAL(h5_writer_open(&w, path, 0, "x", 1, &e), PHX_OK);
    CU_ASSERT_EQUAL(h5_writer_begin_scenario(w, &sc, 10, &e), PHX_ERUN);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "clashes"));
    h5_writer_abort(w);
    CU_ASSERT_EQUAL(count_entries(dir), 0);
    free(path);
    rm_dir(dir);
}

/* A scenario without replications: a valid file whose summaries are NaN. */
static void test_zero_replications(void)
{
    char *dir = tu_tmpdir(), *path = join(dir, "z.h5");
    const size_t sizes[] = { 1 };
    phx_err e = { 0 };
    CU_ASSERT_EQUAL_FATAL(write_fake(path, 0, 0, sizes, 1, &e), PHX_OK);
    double *v = NULL;
    size_t nr = 9, ny = 9;
    CU_ASSERT_EQUAL(h5_read_metric(path, "fake-test", "land_mu", &v, &nr, &ny, &e), PHX_OK);
    CU_ASSERT_EQUAL(nr, 0);
    CU_ASSERT_EQUAL(ny, NY);
    free(v);
    v = read_array(path, "/scenarios/fake-test/summary/mean", 2, NM, NY, 0);
    CU_ASSERT(isnan(v[0]) && isnan(v[NM * NY - 1]));
    free(v);
    FILE *out = tmpfile();
    CU_ASSERT_EQUAL(h5_summary_print(path, "table", out, &e), PHX_OK);
    fclose(out);
    free(path);
    rm_dir(dir);
}

/* Print a summary to a string (caller frees). */
static char *summary_text(const char *path, const char *format)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    phx_err e = { 0 };
    CU_ASSERT_EQUAL(h5_summary_print(path, format, out, &e), PHX_OK);
    fclose(out);
    return buf;
}

/* Two scenarios, listed in the order written; targets first; the three formats. */
static void test_summary_print(void)
{
    char *dir = tu_tmpdir(), *path = join(dir, "p.h5");
    h5_writer *w = NULL;
    phx_err e = { 0 };
    const size_t sizes[] = { 100 };
    scenario z = fake_scenario("zeta"), a = fake_scenario("alpha");
    a.n_targets = 0;
    CU_ASSERT_EQUAL_FATAL(h5_writer_open(&w, path, 0, "x", 1, &e), PHX_OK);
    CU_ASSERT_EQUAL(h5_writer_begin_scenario(w, &z, 400, &e), PHX_OK);
    CU_ASSERT_EQUAL(feed(w, &z, 400, sizes, 1, &e), PHX_OK);
    CU_ASSERT_EQUAL(h5_writer_end_scenario(w, &e), PHX_OK);
    CU_ASSERT_EQUAL(h5_writer_begin_scenario(w, &a, 400, &e), PHX_OK);
    CU_ASSERT_EQUAL(feed(w, &a, 400, sizes, 1, &e), PHX_OK);
    CU_ASSERT_EQUAL(h5_writer_end_scenario(w, &e), PHX_OK);
    CU_ASSERT_EQUAL_FATAL(h5_writer_commit(w, &e), PHX_OK);

    char *t = summary_text(path, "table");
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "scenario zeta"));
    CU_ASSERT(strstr(t, "scenario zeta") < strstr(t, "scenario alpha"));   /* creation order */
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "≥ 700"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "≤ 710"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "P(target met)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "家"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "values for 2023"));
    free(t);

    t = summary_text(path, "md");
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "### zeta"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, "| metric | unit | target |"));
    free(t);

    /* CSV: a header, then one row per metric; zeta's targets first (firms, energy, then land). */
    t = summary_text(path, "csv");
    const char head[] = "scenario,metric,unit,year,direction,target,mean,median,q05,q95,"
                        "p_target,p_target_lower,p_target_upper,compared_with,mean_diff,"
                        "stderr_diff,stderr_unpaired,p_better\n";
    CU_ASSERT(strncmp(t, head, strlen(head)) == 0);
    const char *r1 = strstr(t, "\nzeta,firms_rectified,家,2023,more,700,");
    const char *r2 = strstr(t, "\nzeta,energy_tce,tce,2023,less,710,");
    const char *r3 = strstr(t, "\nzeta,land_mu,mu,2023,more,,");
    const char *r4 = strstr(t, "\nalpha,firms_rectified,家,2023,more,,");
    CU_ASSERT(r1 && r2 && r3 && r4 && r1 < r2 && r2 < r3 && r3 < r4);
    int lines = 0;
    for (const char *c = t; *c; c++)
        lines += *c == '\n';
    CU_ASSERT_EQUAL(lines, 1 + 2 * NM);
    /* The median printed is the file's summary median of the last year. */
    double *q = read_array(path, "/scenarios/zeta/summary/quantiles", 3, NM, NY, STATS_NQ);
    char want[64];
    snprintf(want, sizeof want, ",%.10g,", q[((2 * NY) + NY - 1) * STATS_NQ + 3]);
    CU_ASSERT_PTR_NOT_NULL(r3 ? strstr(r3, want) : NULL);
    free(q);
    free(t);
    free(path);
    rm_dir(dir);
}

/* Through the real replication loop (Ishigami): threads and block sizes change nothing. */
static void test_engine_blocks(void)
{
    char *dir = tu_tmpdir();
    scenario *sc = NULL;
    phx_err e = { 0 };
    const scenario_override ov[] = { { "test", "scenario.years", "2021-2022" },
                                     { "test", "scenario.replications", "3000" } };
    CU_ASSERT_EQUAL_FATAL(scenario_defaults(&sc, &model_ishigami, ov, 2, &e), PHX_OK);
    void *shared = NULL;
    CU_ASSERT_EQUAL_FATAL(sc->model->prepare(sc, &shared, &e), PHX_OK);
    struct { int threads; size_t block; } cases[] = { { 1, 3000 }, { 4, 7 }, { 2, 1024 } };
    double *ref = NULL;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char name[32];
        snprintf(name, sizeof name, "i%zu.h5", c);
        char *path = join(dir, name);
        h5_writer *w = NULL;
        run_options ro = { .threads = cases[c].threads, .block = cases[c].block };
        CU_ASSERT_EQUAL_FATAL(h5_writer_open(&w, path, 0, "test", sc->seed, &e), PHX_OK);
        CU_ASSERT_EQUAL_FATAL(h5_writer_begin_scenario(w, sc, 3000, &e), PHX_OK);
        run_sink sink = h5_writer_sink(w);
        CU_ASSERT_EQUAL_FATAL(run_replications(sc, shared, 0, 3000, &ro, &sink, &e), PHX_OK);
        CU_ASSERT_EQUAL_FATAL(h5_writer_end_scenario(w, &e), PHX_OK);
        CU_ASSERT_EQUAL_FATAL(h5_writer_commit(w, &e), PHX_OK);
        double *v;
        size_t nr, ny;
        CU_ASSERT_EQUAL_FATAL(h5_read_metric(path, sc->name, "y", &v, &nr, &ny, &e), PHX_OK);
        CU_ASSERT(nr == 3000 && ny == 2);
        if (ref == NULL) {
            ref = v;
        } else {
            CU_ASSERT(memcmp(v, ref, nr * ny * sizeof *v) == 0);
            free(v);
        }
        free(path);
    }
    /* The summary agrees with the model: Ishigami's mean a/2 = 3.5 within 4 standard errors
     * (sd 3.72, n 3000: se 0.068). */
    char *path = join(dir, "i0.h5"), ds[256];
    snprintf(ds, sizeof ds, "/scenarios/%s/summary/mean", sc->name);
    double *mean = read_array(path, ds, 2, 1, 2, 0);
    CU_ASSERT(fabs(mean[0] - 3.5) < 4 * 0.068);
    free(mean);
    free(path);
    free(ref);
    if (sc->model->shared_free)
        sc->model->shared_free(shared);
    scenario_free(sc);
    rm_dir(dir);
}

/* The file tests/t_interop.py reads: $BUILD/tests/h5_fixture.h5 (known values, 2500 reps). */
static void test_fixture(void)
{
    const char *build = getenv("BUILD");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/h5_fixture.h5", build && *build ? build : "build");
    const size_t sizes[] = { 700, 1, 333 };
    phx_err e = { 0 };
    int st = write_fake(path, 2500, 2500, sizes, 3, &e);
    if (st != PHX_OK)
        fprintf(stderr, "fixture: %s\n", e.msg);
    CU_ASSERT_EQUAL(st, PHX_OK);
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "values round-trip", test_values },
        { "block sizes change nothing", test_block_sizes },
        { "blocks in any order", test_block_order },
        { "summary equals stats_summarize", test_summary_values },
        { "force and existing files", test_force },
        { "abort leaves nothing", test_abort },
        { "error paths", test_errors },
        { "failed write (file size limit)", test_write_failure },
        { "model layouts HDF5 refuses", test_bad_model },
        { "zero replications", test_zero_replications },
        { "summary print formats", test_summary_print },
        { "engine loop through the sink", test_engine_blocks },
        { "fixture for t_interop.py", test_fixture },
        CU_TEST_INFO_NULL,
    };
    return tu_run("h5", tests);
}
