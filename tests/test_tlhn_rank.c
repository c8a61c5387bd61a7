/* test_tlhn_rank.c -- the histogram ranking of rank_hist.c gives exactly the sets of a full sort
 * by (key, id rank): classes of §3.3 and the first k of §4.2, with ties, signed zeros, skewed
 * and constant keys, tiny and large n. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "../models/tlhn/tlhn.h"

enum { NMAX = 70000 };
static tlhn_rank_item a[NMAX], sorted[NMAX], work_items[NMAX];
static uint8_t cls[NMAX];
static unsigned long long rs = 88172645463325252ull;

static unsigned long long next(void)
{
    rs ^= rs << 13, rs ^= rs >> 7, rs ^= rs << 17;
    return rs;
}

static int item_cmp(const void *pa, const void *pb)
{
    const tlhn_rank_item *x = pa, *y = pb;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->id_rank > y->id_rank) - (x->id_rank < y->id_rank);
}

/* Keys of kind `kind`: 0 few distinct values (ties decided by id), 1 wide uniform, 2 lognormal
 * with a heavy tail and negative (like -energy), 3 all equal, 4 signed zeros and small ints,
 * 5 signed zeros only (equal keys with different bits). */
static double key_of(int kind)
{
    double u = (double)(next() >> 11) / 9007199254740992.0;
    switch (kind) {
    case 0: return (double)(next() % 5);
    case 1: return 300 * u;
    case 2: return -exp(6 * (u - 0.5) * 3);
    case 3: return 42.0;
    case 4: return next() % 3 == 0 ? -0.0 : next() % 2 ? 0.0 : (double)(next() % 3) - 1;
    default: return next() % 2 ? -0.0 : 0.0;
    }
}

static void fill(size_t n, int kind)
{
    for (size_t i = 0; i < n; i++) {
        a[i].key = key_of(kind);
        a[i].id_rank = (uint32_t)((i * 2654435761u) % 4000037u);
        a[i].firm = (uint32_t)i;
    }
    memcpy(sorted, a, n * sizeof *a);
    qsort(sorted, n, sizeof *sorted, item_cmp);
}

static const size_t sizes[] = { 0, 1, 2, 5, 47, 48, 49, 100, 615, 1000, 6300, 65537, NMAX };
#define N_SIZES (sizeof sizes / sizeof sizes[0])

static void test_classes(void)
{
    tlhn_rank_work *w = tlhn_rank_work_alloc(NMAX);
    for (size_t si = 0; si < N_SIZES; si++)
        for (int kind = 0; kind < 6; kind++) {
            size_t n = sizes[si];
            fill(n, kind);
            double share[4] = { 0.1, 0.35, 0.45, 0.1 };
            if (kind == 1)
                share[0] = 0, share[1] = 0.45;      /* an empty class: repeated bounds */
            size_t bounds[4];
            tlhn_class_bounds(n, share, bounds);
            memset(cls, 0xee, n);
            memcpy(work_items, a, n * sizeof *a);
            tlhn_rank_classes(work_items, n, bounds, 3, cls, w);
            CU_ASSERT_EQUAL(memcmp(work_items, a, n * sizeof *a), 0);   /* a is left as it is */
            size_t bad = 0;
            for (size_t r = 0, c = 0; r < n; r++) {
                while (c < 3 && bounds[c] <= r)
                    c++;
                bad += cls[sorted[r].firm] != c;
            }
            CU_ASSERT_EQUAL(bad, 0);
        }
    tlhn_rank_work_free(w);
}

static void test_first(void)
{
    tlhn_rank_work *w = tlhn_rank_work_alloc(NMAX);
    for (size_t si = 0; si < N_SIZES; si++)
        for (int kind = 0; kind < 6; kind++)
            for (int keep = 0; keep < 2; keep++) {
                size_t n = sizes[si], ks[] = { 0, 1, 300, n / 2, n ? n - 1 : 0, n, n + 5 };
                for (size_t q = 0; q < sizeof ks / sizeof ks[0]; q++) {
                    fill(n, kind);
                    size_t k = tlhn_rank_first(a, n, ks[q], keep, w), want = ks[q] < n ? ks[q] : n;
                    CU_ASSERT_EQUAL(k, want);
                    CU_ASSERT_EQUAL(memcmp(a, sorted, k * sizeof *a), 0);   /* in order */
                    if (keep && k < n) {        /* the rest is the rest: same firms */
                        static uint8_t seen[NMAX];
                        memset(seen, 0, n);
                        for (size_t j = 0; j < n; j++)
                            seen[a[j].firm]++;
                        size_t bad = 0;
                        for (size_t j = 0; j < n; j++)
                            bad += seen[j] != 1;
                        CU_ASSERT_EQUAL(bad, 0);
                    }
                }
            }
    tlhn_rank_work_free(w);
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "histogram classes equal the classes of a full sort", test_classes },
        { "histogram first-k equals the sorted prefix; the rest is kept", test_first },
        CU_TEST_INFO_NULL,
    };
    return tu_run("tlhn_rank", tests);
}
