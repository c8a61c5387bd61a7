/* rank.c -- ranking firms by (key, id rank): selection for class boundaries and quotas, a full
 * sort where the order itself matters, and the cumulative rounding of class sizes (§3.3). */
#include "tlhn.h"

#include <math.h>
#include <stdlib.h>

/* The order of §3.3: key ascending, ties by id ascending. A strict total order (id ranks are
 * unique), so selection and sorting give exactly the same sets. */
static inline int before(const tlhn_rank_item *a, const tlhn_rank_item *b)
{
    return a->key < b->key || (a->key == b->key && a->id_rank < b->id_rank);
}

static inline void swap(tlhn_rank_item *a, tlhn_rank_item *b)
{
    tlhn_rank_item t = *a;
    *a = *b;
    *b = t;
}

/* Insertion sort of a[lo..hi]. */
static void insertion(tlhn_rank_item *a, size_t lo, size_t hi)
{
    for (size_t i = lo + 1; i <= hi; i++)
        for (size_t j = i; j > lo && before(&a[j], &a[j - 1]); j--)
            swap(&a[j], &a[j - 1]);
}

/* Hoare partition of a[lo..hi] (hi - lo >= 2) around a median of three: returns j with
 * a[lo..j] <= a[j+1..hi], lo <= j < hi. */
static size_t partition(tlhn_rank_item *a, size_t lo, size_t hi)
{
    size_t mid = lo + (hi - lo) / 2;
    if (before(&a[mid], &a[lo]))
        swap(&a[mid], &a[lo]);
    if (before(&a[hi], &a[lo]))
        swap(&a[hi], &a[lo]);
    if (before(&a[hi], &a[mid]))
        swap(&a[hi], &a[mid]);
    tlhn_rank_item pivot = a[mid];
    size_t i = lo, j = hi;
    for (;;) {
        while (before(&a[i], &pivot))
            i++;
        while (before(&pivot, &a[j]))
            j--;
        if (i >= j)
            return j;
        swap(&a[i], &a[j]);
        i++;
        j--;
    }
}

/* Several boundaries at once: the partitions are shared, and each part is refined only where
 * a boundary falls. ks[0..nk) ascending, each in (lo, hi]. */
static void select_many(tlhn_rank_item *a, size_t lo, size_t hi, const size_t *ks, size_t nk)
{
    while (nk > 0 && hi > lo) {
        if (hi - lo < 16) {
            insertion(a, lo, hi);
            return;
        }
        size_t j = partition(a, lo, hi), left = 0;
        while (left < nk && ks[left] <= j)
            left++;
        select_many(a, lo, j, ks, left);      /* boundaries inside the left part */
        ks += left;
        nk -= left;
        while (nk > 0 && ks[0] == j + 1) {    /* a boundary on the cut is already in place */
            ks++;
            nk--;
        }
        lo = j + 1;
    }
}

void tlhn_rank_select_many(tlhn_rank_item *a, size_t n, const size_t *ks, size_t nk)
{
    size_t k[N_CLASSES + 1], m = 0;
    for (size_t i = 0; i < nk && m < N_CLASSES + 1; i++)   /* inner boundaries, ascending */
        if (ks[i] > 0 && ks[i] < n && (m == 0 || ks[i] > k[m - 1]))
            k[m++] = ks[i];
    if (n > 1)
        select_many(a, 0, n - 1, k, m);
}

/* Afterwards a[k] is the item the sorted order puts at k, with every item before it earlier
 * and every item after it later: item k alone between two boundaries. O(n) expected; a quota
 * needs no full sort. k >= n does nothing. */
void tlhn_rank_select(tlhn_rank_item *a, size_t n, size_t k)
{
    if (k >= n)
        return;
    size_t ks[2] = { k, k + 1 };
    tlhn_rank_select_many(a, n, ks, 2);
}

static int rank_cmp(const void *pa, const void *pb)
{
    const tlhn_rank_item *a = pa, *b = pb;
    return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}

void tlhn_rank_sort(tlhn_rank_item *a, size_t n)
{
    qsort(a, n, sizeof *a, rank_cmp);
}

/* round(n * cumulative share), half up. The 1e-9 lets 0.1 + 0.35 (= 0.44999999999999996 in
 * binary) times 10 count as the 4.5 the user wrote. */
void tlhn_class_bounds(size_t n, const double share[N_CLASSES], size_t bounds[N_CLASSES])
{
    double cum = 0;
    for (int c = 0; c < N_CLASSES; c++) {
        cum += share[c];
        double k = floor((double)n * cum + 0.5 + 1e-9);
        bounds[c] = k < 0 ? 0 : k > (double)n ? n : (size_t)k;
        if (c > 0 && bounds[c] < bounds[c - 1])
            bounds[c] = bounds[c - 1];
    }
    bounds[N_CLASSES - 1] = n;                  /* the rest are D */
}
