/* rng_batch.c -- the first draw of many addressed streams at once (rng_batch.h).
 *
 * A stream (purpose, entity, year) of rng.c starts at counter (0, entity, purpose << 16 | year,
 * seed high) under key (seed low, replication); its first Philox4x32-10 block holds the words
 * that one uniform (words 0 and 1) or one ziggurat normal (word 0, when the fast path accepts)
 * consume. Here the block is computed for a run of entities side by side -- eight lanes per
 * AVX2 register, or a plain C loop -- and mapped exactly as GSL and rng.c map it:
 *   uniform: ((w0 >> 5) * 2^26 + (w1 >> 6)) / 2^53 (rng.c's philox_get_double);
 *   ziggurat: GSL's gsl_ran_gaussian_ziggurat takes i = w0 & 0xff (bit 7 the sign, 7 bits the
 *   strip) and j = w0 >> 8, and returns ±j·w[i] when j < k[i]. The tables w and k are GSL's
 *   own: rather than copied, they are read out of GSL once, by calling the function with a
 *   generator that returns chosen words (probe_tables). The ≈ 1-3% of lanes that the fast
 *   path rejects are drawn again by the scalar call on their own stream.
 * The arithmetic is integer, or exact in double, so both paths give the very same bits; the
 * tests compare every draw of both with rng_address() + the GSL call. */
#include "rng_batch.h"

#include <pthread.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "rng.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define RNG_BATCH_X86 1
#endif

#define M0 0xD2511F53u       /* Philox4x32 multipliers and Weyl constants (Random123) */
#define M1 0xCD9E8D57u
#define W0 0x9E3779B9u
#define W1 0xBB67AE85u
#define CHUNK 512            /* entities per internal buffer */

/* ---- Philox4x32-10, portable ------------------------------------------------------------- */

static void words_portable(const rng_batch_addr *a, uint32_t first, size_t n, uint32_t *w0,
                           uint32_t *w1)
{
    uint32_t c2 = (a->purpose << 16) | (a->year & 0xffffu), c3 = (uint32_t)(a->seed >> 32);
    for (size_t l = 0; l < n; l++) {
        uint32_t x0 = 0, x1 = first + (uint32_t)l, x2 = c2, x3 = c3;
        uint32_t k0 = (uint32_t)a->seed, k1 = a->replication;
        for (int r = 0; r < 10; r++) {
            uint64_t p0 = (uint64_t)M0 * x0, p1 = (uint64_t)M1 * x2;
            uint32_t y0 = (uint32_t)(p1 >> 32) ^ x1 ^ k0, y2 = (uint32_t)(p0 >> 32) ^ x3 ^ k1;
            x1 = (uint32_t)p1;
            x3 = (uint32_t)p0;
            x0 = y0;
            x2 = y2;
            k0 += W0;
            k1 += W1;
        }
        w0[l] = x0;
        if (w1 != NULL)
            w1[l] = x1;
    }
}

/* ---- Philox4x32-10, AVX2: 2 x 8 lanes per step ---------------------------------------------- */

#ifdef RNG_BATCH_X86
/* hi and lo halves of the 32 x 32 -> 64-bit products a[l] * m, for the 8 lanes. */
__attribute__((target("avx2"))) static inline void mulhilo8(__m256i a, __m256i m, __m256i *hi,
                                                            __m256i *lo)
{
    __m256i pe = _mm256_mul_epu32(a, m);                          /* lanes 0, 2, 4, 6 */
    __m256i po = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);   /* lanes 1, 3, 5, 7 */
    *lo = _mm256_blend_epi32(pe, _mm256_slli_epi64(po, 32), 0xAA);
    *hi = _mm256_blend_epi32(_mm256_srli_epi64(pe, 32), po, 0xAA);
}

/* One Philox round on 8 lanes (x0..x3) with key (k0, k1): 2 x 4 products. */
#define ROUND8(x0, x1, x2, x3, k0, k1)                                                        \
    do {                                                                                     \
        __m256i hi0_, lo0_, hi1_, lo1_;                                                      \
        mulhilo8(x0, m0, &hi0_, &lo0_);                                                      \
        mulhilo8(x2, m1, &hi1_, &lo1_);                                                      \
        x0 = _mm256_xor_si256(_mm256_xor_si256(hi1_, x1), k0);                               \
        x2 = _mm256_xor_si256(_mm256_xor_si256(hi0_, x3), k1);                               \
        x1 = lo1_;                                                                           \
        x3 = lo0_;                                                                           \
    } while (0)

__attribute__((target("avx2"))) static void words_avx2(const rng_batch_addr *a, uint32_t first,
                                                       size_t n, uint32_t *w0, uint32_t *w1)
{
    const __m256i m0 = _mm256_set1_epi32((int)M0), m1 = _mm256_set1_epi32((int)M1);
    const __m256i step = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), eight = _mm256_set1_epi32(8);
    const __m256i c2 = _mm256_set1_epi32((int)((a->purpose << 16) | (a->year & 0xffffu)));
    const __m256i c3 = _mm256_set1_epi32((int)(uint32_t)(a->seed >> 32));
    __m256i k0[10], k1[10];                       /* the round keys */
    uint32_t kk0 = (uint32_t)a->seed, kk1 = a->replication;
    for (int r = 0; r < 10; r++, kk0 += W0, kk1 += W1) {
        k0[r] = _mm256_set1_epi32((int)kk0);
        k1[r] = _mm256_set1_epi32((int)kk1);
    }
    size_t l = 0;
    for (; l + 16 <= n; l += 16) {                /* two independent groups of 8 lanes */
        __m256i a0 = _mm256_setzero_si256(), a2 = c2, a3 = c3;
        __m256i a1 = _mm256_add_epi32(_mm256_set1_epi32((int)(first + (uint32_t)l)), step);
        __m256i b0 = a0, b1 = _mm256_add_epi32(a1, eight), b2 = c2, b3 = c3;
        for (int r = 0; r < 10; r++) {
            ROUND8(a0, a1, a2, a3, k0[r], k1[r]);
            ROUND8(b0, b1, b2, b3, k0[r], k1[r]);
        }
        _mm256_storeu_si256((__m256i *)(w0 + l), a0);
        _mm256_storeu_si256((__m256i *)(w0 + l + 8), b0);
        if (w1 != NULL) {
            _mm256_storeu_si256((__m256i *)(w1 + l), a1);
            _mm256_storeu_si256((__m256i *)(w1 + l + 8), b1);
        }
    }
    if (l < n)
        words_portable(a, first + (uint32_t)l, n - l, w0 + l, w1 != NULL ? w1 + l : NULL);
}
#endif

/* ---- choosing the implementation -------------------------------------------------------------- */

static rng_batch_impl impl_now = RNG_BATCH_AUTO;   /* AUTO until first use or select() */

int rng_batch_have_avx2(void)
{
#ifdef RNG_BATCH_X86
    return __builtin_cpu_supports("avx2") != 0;
#else
    return 0;
#endif
}

int rng_batch_select(rng_batch_impl impl)
{
    if (impl == RNG_BATCH_AUTO)
        impl = rng_batch_have_avx2() ? RNG_BATCH_AVX2 : RNG_BATCH_PORTABLE;
    if (impl == RNG_BATCH_AVX2 && !rng_batch_have_avx2())
        return -1;
    impl_now = impl;
    return 0;
}

rng_batch_impl rng_batch_current(void)
{
    rng_batch_impl impl = impl_now;
    if (impl == RNG_BATCH_AUTO)    /* every thread resolves it the same way: a benign race */
        impl = rng_batch_have_avx2() ? RNG_BATCH_AVX2 : RNG_BATCH_PORTABLE;
    return impl;
}

void rng_batch_words(const rng_batch_addr *a, uint32_t first, size_t n, uint32_t *w0,
                     uint32_t *w1)
{
#ifdef RNG_BATCH_X86
    if (rng_batch_current() == RNG_BATCH_AVX2) {
        words_avx2(a, first, n, w0, w1);
        return;
    }
#endif
    words_portable(a, first, n, w0, w1);
}

/* ---- uniforms --------------------------------------------------------------------------------- */

void rng_batch_uniform(const rng_batch_addr *a, uint32_t first, size_t n, double *out)
{
    uint32_t w0[CHUNK], w1[CHUNK];
    for (size_t at = 0; at < n; at += CHUNK) {
        size_t m = n - at < CHUNK ? n - at : CHUNK;
        rng_batch_words(a, first + (uint32_t)at, m, w0, w1);
        for (size_t l = 0; l < m; l++)
            out[at + l] = ((double)(w0[l] >> 5) * 67108864.0 + (double)(w1[l] >> 6)) *
                          (1.0 / 9007199254740992.0);
    }
}

/* ---- the ziggurat ------------------------------------------------------------------------------ */

/* A generator whose first word is `word`, then one that the fast path accepts; it counts the
 * doubles asked for (the fast path asks for none). */
typedef struct {
    uint32_t word;
    unsigned gets, doubles;
} probe_state;

#define PROBE_ACCEPT ((0u << 8) | 0x80u | 64u)   /* strip 64, j = 0: accepted in any table */

static unsigned long probe_get(void *v)
{
    probe_state *p = v;
    return p->gets++ == 0 ? p->word : PROBE_ACCEPT;
}

static double probe_double(void *v)
{
    ((probe_state *)v)->doubles++;
    return 0.5;
}

static void probe_set(void *v, unsigned long seed)
{
    (void)v;
    (void)seed;
}

static const gsl_rng_type probe_type = { "phx-probe", 0xffffffffUL, 0, sizeof(probe_state),
                                         probe_set, probe_get, probe_double };

/* GSL's ziggurat on the word (j << 8) | 0x80 | i: its value, and whether the fast path took it. */
static double probe(uint32_t i, uint32_t j, int *fast)
{
    probe_state st = { (j << 8) | 0x80u | i, 0, 0 };
    gsl_rng g = { &probe_type, &st };
    double x = gsl_ran_gaussian_ziggurat(&g, 1.0);
    *fast = st.doubles == 0 && st.gets == 1;
    return x;
}

static uint32_t zig_k[128];     /* the fast path accepts j < zig_k[i] ... */
static double zig_w[128];       /* ... with the value j * zig_w[i] */
static pthread_once_t zig_once = PTHREAD_ONCE_INIT;

/* zig_k[i] by bisection (the accepted j are 0 .. k - 1), zig_w[i] as the value at j = 1. */
static void probe_tables(void)
{
    for (uint32_t i = 0; i < 128; i++) {
        uint32_t lo = 0, hi = 1u << 24;            /* k in [lo, hi] */
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            int fast;
            probe(i, mid, &fast);
            if (fast)
                lo = mid + 1;
            else
                hi = mid;
        }
        zig_k[i] = lo;
        int fast = 0;
        zig_w[i] = lo > 1 ? probe(i, 1, &fast) : 0;
    }
}

void rng_batch_gaussian_ziggurat(gsl_rng *r, const rng_batch_addr *a, uint32_t first, size_t n,
                                 double *out)
{
    pthread_once(&zig_once, probe_tables);
    uint32_t w[CHUNK], slow[CHUNK];
    for (size_t at = 0; at < n; at += CHUNK) {
        size_t m = n - at < CHUNK ? n - at : CHUNK, ns = 0;
        rng_batch_words(a, first + (uint32_t)at, m, w, NULL);
        for (size_t l = 0; l < m; l++) {
            uint32_t i = w[l] & 0x7fu, j = w[l] >> 8;
            double x = (double)j * zig_w[i];
            uint64_t b;                              /* bit 7 clear: -x (a sign flip, no branch) */
            memcpy(&b, &x, sizeof b);
            b ^= (uint64_t)((~w[l] >> 7) & 1u) << 63;
            memcpy(&out[at + l], &b, sizeof b);
            slow[ns] = (uint32_t)l;
            ns += j >= zig_k[i];
        }
        for (size_t s = 0; s < ns; s++) {          /* the rejected lanes, on their own stream */
            uint32_t e = first + (uint32_t)(at + slow[s]);
            rng_address(r, a->seed, a->replication, a->purpose, e, a->year);
            out[at + slow[s]] = gsl_ran_gaussian_ziggurat(r, 1.0);
        }
    }
}
