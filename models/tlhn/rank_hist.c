/* rank_hist.c -- ranking by (key, id rank) without moving items through partitions: a
 * histogram of the keys (§3.3 classes, §4.2 quota). Each key maps to a bucket by the top bits
 * of its order-preserving 64-bit image, so buckets follow the key order (equal keys share one;
 * a key's bits are roughly logarithmic, which keeps skewed keys such as energy use spread).
 * Counting gives each bucket's first rank; a bucket that no boundary cuts gets its class (or
 * is in or out of the quota) whole; only the few items of a cut bucket are ranked exactly, by
 * rank.c's selection, ties by id rank as everywhere. The sets are exactly those of a full
 * sort (tests/test_tlhn_rank.c compares them). */
#include "tlhn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HIST_MAX_BUCKETS 65536u
#define HIST_MIN_N 48             /* below this, rank.c's selection on a copy is as quick */
#define CUT 0xffu                 /* bclass mark: a boundary falls inside the bucket */

struct tlhn_rank_work {
    size_t cap;                   /* items the buffers hold */
    uint32_t *start;              /* HIST_MAX_BUCKETS + 1 counts, then first ranks */
    uint8_t *bclass;              /* per bucket: boundaries at or before its first rank, or CUT */
    tlhn_rank_item *tmp, *sel;    /* items of cut buckets; selected items */
};

tlhn_rank_work *tlhn_rank_work_alloc(size_t n)
{
    tlhn_rank_work *w = phx_calloc(1, sizeof *w);
    w->cap = n ? n : 1;
    w->start = phx_calloc(HIST_MAX_BUCKETS + 1, sizeof *w->start);
    w->bclass = phx_calloc(HIST_MAX_BUCKETS, 1);
    w->tmp = phx_calloc(w->cap, sizeof *w->tmp);
    w->sel = phx_calloc(w->cap, sizeof *w->sel);
    return w;
}

void tlhn_rank_work_free(tlhn_rank_work *w)
{
    if (w == NULL)
        return;
    free(w->start);
    free(w->bclass);
    free(w->tmp);
    free(w->sel);
    free(w);
}

/* The key's order-preserving image: -0.0 and 0.0 alike (they compare equal). */
static inline uint64_t key_bits(double key)
{
    double k = key + 0.0;
    uint64_t u;
    memcpy(&u, &k, sizeof u);
    uint64_t neg = (uint64_t)((int64_t)u >> 63);
    return u ^ (neg | 0x8000000000000000ull);
}

typedef struct hist {
    uint64_t lo;                  /* smallest key image */
    unsigned shift;               /* bucket = (image - lo) >> shift */
    size_t nb;                    /* buckets used */
} hist;

static inline size_t bucket_of(const hist *h, double key)
{
    return (size_t)((key_bits(key) - h->lo) >> h->shift);
}

/* Count the items per bucket and turn the counts into first ranks: start[b] .. start[b+1]. */
static void histogram(const tlhn_rank_item *a, size_t n, tlhn_rank_work *w, hist *h)
{
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t j = 0; j < n; j++) {
        uint64_t u = key_bits(a[j].key);
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    size_t want = n < HIST_MAX_BUCKETS ? n : HIST_MAX_BUCKETS;
    h->lo = lo;
    h->shift = 0;
    while (((hi - lo) >> h->shift) >= want)
        h->shift++;
    h->nb = (size_t)((hi - lo) >> h->shift) + 1;
    memset(w->start, 0, (h->nb + 1) * sizeof *w->start);
    for (size_t j = 0; j < n; j++)
        w->start[bucket_of(h, a[j].key) + 1]++;
    for (size_t b = 0; b < h->nb; b++)
        w->start[b + 1] += w->start[b];
}

/* bclass[b] = how many of the boundaries ks[0..nk) (ascending) lie at or before bucket b's
 * first rank, or CUT when one lies strictly inside it. */
static void bucket_classes(tlhn_rank_work *w, const hist *h, const size_t *ks, size_t nk)
{
    size_t c = 0;
    for (size_t b = 0; b < h->nb; b++) {
        size_t s = w->start[b], e = w->start[b + 1];
        while (c < nk && ks[c] <= s)
            c++;
        w->bclass[b] = (uint8_t)(c < nk && ks[c] < e ? CUT : c);
    }
}

/* Rank the items of one cut bucket (m items from first rank s) exactly; cls_at(j) of the j-th in
 * order is base + the boundaries at or before s + j. */
static void rank_cut(tlhn_rank_item *t, size_t m, size_t s, const size_t *ks, size_t nk,
                     size_t *base)
{
    size_t local[N_CLASSES + 1], nl = 0, c = 0;
    while (c < nk && ks[c] <= s)
        c++;
    *base = c;
    for (; c < nk && ks[c] < s + m && nl < N_CLASSES + 1; c++)
        local[nl++] = ks[c] - s;
    tlhn_rank_select_many(t, m, local, nl);
}

/* The bucket's index among the cut buckets cb[0..ncb). */
static inline size_t cut_slot(const size_t *cb, size_t ncb, size_t b)
{
    size_t k = 0;
    while (k + 1 < ncb && cb[k] != b)
        k++;
    return k;
}

/* Class of each item (cls[a[j].firm]): how many of ks[0..nk) (ascending, repeats allowed) are at
 * or before its rank. */
static void classes_cut(const tlhn_rank_item *a, size_t n, const size_t *ks, size_t nk,
                        uint8_t *cls, tlhn_rank_work *w, const hist *h)
{
    size_t cb[N_CLASSES + 1], off[N_CLASSES + 2], fill[N_CLASSES + 1], ncb = 0;
    off[0] = 0;
    for (size_t b = 0; b < h->nb && ncb < N_CLASSES + 1; b++)
        if (w->bclass[b] == CUT) {
            cb[ncb] = b;
            fill[ncb] = off[ncb];
            off[ncb + 1] = off[ncb] + (w->start[b + 1] - w->start[b]);
            ncb++;
        }
    for (size_t j = 0; j < n; j++) {
        size_t b = bucket_of(h, a[j].key);
        uint8_t c = w->bclass[b];
        if (c != CUT)
            cls[a[j].firm] = c;
        else
            w->tmp[fill[cut_slot(cb, ncb, b)]++] = a[j];
    }
    for (size_t k = 0; k < ncb; k++) {
        tlhn_rank_item *t = w->tmp + off[k];
        size_t m = off[k + 1] - off[k], s = w->start[cb[k]], c;
        rank_cut(t, m, s, ks, nk, &c);
        for (size_t j = 0; j < m; j++) {
            while (c < nk && ks[c] <= s + j)
                c++;
            cls[t[j].firm] = (uint8_t)c;
        }
    }
}

void tlhn_rank_classes(const tlhn_rank_item *a, size_t n, const size_t *ks, size_t nk,
                       uint8_t *cls, tlhn_rank_work *w)
{
    if (n == 0)
        return;
    if (n < HIST_MIN_N) {                        /* a copy, ranked by selection */
        memcpy(w->tmp, a, n * sizeof *a);
        size_t c;
        rank_cut(w->tmp, n, 0, ks, nk, &c);
        for (size_t j = 0; j < n; j++) {
            while (c < nk && ks[c] <= j)
                c++;
            cls[w->tmp[j].firm] = (uint8_t)c;
        }
        return;
    }
    hist h;
    histogram(a, n, w, &h);
    bucket_classes(w, &h, ks, nk);
    classes_cut(a, n, ks, nk, cls, w, &h);
}

/* Split a into the first k (to sel, or compacted at the front of a) and the rest (compacted at
 * the front of a when keep_rest); the cut bucket's items go to tmp. Returns how many went to
 * tmp; *ns and *nr the selected and kept counts. */
static size_t split_first(tlhn_rank_item *a, size_t n, int keep_rest, tlhn_rank_work *w,
                          const hist *h, size_t *ns, size_t *nr)
{
    size_t s = 0, r = 0, t = 0;
    tlhn_rank_item *sel = keep_rest ? w->sel : a;
    for (size_t j = 0; j < n; j++) {
        uint8_t c = w->bclass[bucket_of(h, a[j].key)];
        if (c == 0)
            sel[s++] = a[j];
        else if (c == CUT)
            w->tmp[t++] = a[j];
        else if (keep_rest)
            a[r++] = a[j];
    }
    *ns = s;
    *nr = r;
    return t;
}

size_t tlhn_rank_first(tlhn_rank_item *a, size_t n, size_t k, int keep_rest, tlhn_rank_work *w)
{
    if (k >= n) {
        tlhn_rank_sort(a, n);
        return n;
    }
    if (k == 0)
        return 0;
    if (n < HIST_MIN_N) {
        tlhn_rank_select(a, n, k);               /* a[0..k) first, the rest after */
        tlhn_rank_sort(a, k);
        return k;
    }
    hist h;
    histogram(a, n, w, &h);
    bucket_classes(w, &h, &k, 1);
    size_t s, r, t = split_first(a, n, keep_rest, w, &h, &s, &r), need = k - s, base;
    rank_cut(w->tmp, t, s, &k, 1, &base);      /* tmp[0..need) are the first of the cut */
    if (keep_rest) {
        memcpy(w->sel + s, w->tmp, need * sizeof *a);
        memcpy(a + r, w->tmp + need, (t - need) * sizeof *a);
        memmove(a + k, a, (n - k) * sizeof *a);
        memcpy(a, w->sel, k * sizeof *a);
    } else
        memcpy(a + s, w->tmp, need * sizeof *a);
    tlhn_rank_sort(a, k);
    return k;
}
