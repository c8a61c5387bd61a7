/* test_rng.c -- Philox4x32-10: known answers, the gsl_rng wrapper, addressed streams. */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>
#include "testutil.h"
#include "../engine/rng.h"

/* Random123's published known-answer vectors (kat_vectors): counter[4], key[2] -> output[4]. */
static const struct { uint32_t ctr[4], key[2], out[4]; } kat[] = {
    { { 0, 0, 0, 0 }, { 0, 0 }, { 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 } },
    { { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff }, { 0xffffffff, 0xffffffff },
      { 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd } },
    { { 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344 }, { 0xa4093822, 0x299f31d0 },
      { 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1 } },
};

static void test_known_answers(void)
{
    for (size_t i = 0; i < sizeof kat / sizeof kat[0]; i++) {
        uint32_t out[4];
        rng_philox_block(kat[i].ctr, kat[i].key, out);
        CU_ASSERT_EQUAL(memcmp(out, kat[i].out, sizeof out), 0);
    }
}

/* Through the gsl_rng interface: address (seed 0, replication 0, everything 0) is counter 0,
 * key 0, so the first four words are the first known answer. */
static void test_gsl_wrapper_words(void)
{
    gsl_rng *r = gsl_rng_alloc(rng_philox);
    CU_ASSERT_STRING_EQUAL(gsl_rng_name(r), "philox4x32-10");
    CU_ASSERT_EQUAL(gsl_rng_max(r), 0xffffffffUL);
    rng_address(r, 0, 0, 0, 0, 0);
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(gsl_rng_get(r), kat[0].out[i]);
    /* the fifth word is the first of counter (1,0,0,0) */
    uint32_t c1[4] = { 1, 0, 0, 0 }, k0[2] = { 0, 0 }, o[4];
    rng_philox_block(c1, k0, o);
    CU_ASSERT_EQUAL(gsl_rng_get(r), o[0]);
    gsl_rng_free(r);
}

/* Doubles carry 53 random bits: (a>>5)*2^26 + (b>>6) over 2^53. */
static void test_double_53_bits(void)
{
    gsl_rng *r = gsl_rng_alloc(rng_philox);
    rng_address(r, 0, 0, 0, 0, 0);
    double u = gsl_rng_uniform(r);
    double want = ((kat[0].out[0] >> 5) * 67108864.0 + (kat[0].out[1] >> 6)) / 9007199254740992.0;
    CU_ASSERT_EQUAL(u, want);
    /* many doubles: all in [0,1), and the low bits are used (u * 2^53 odd about half the time) */
    int odd = 0;
    for (int i = 0; i < 10000; i++) {
        double v = gsl_rng_uniform(r);
        CU_ASSERT(v >= 0 && v < 1);
        odd += ((uint64_t)(v * 9007199254740992.0)) & 1;
    }
    CU_ASSERT(odd > 4700 && odd < 5300);
    gsl_rng_free(r);
}

/* The same address gives the same stream; any change of a field gives another. */
static void test_addresses_distinct_and_repeatable(void)
{
    gsl_rng *r = gsl_rng_alloc(rng_philox);
    uint64_t seeds[] = { 1, 1ULL << 40 };
    unsigned long first[7];
    int k = 0;
    rng_address(r, 1, 2, 3, 4, 2021);
    first[k++] = gsl_rng_get(r);
    rng_address(r, seeds[1], 2, 3, 4, 2021);   /* seed high bits matter */
    first[k++] = gsl_rng_get(r);
    rng_address(r, 1, 9, 3, 4, 2021);
    first[k++] = gsl_rng_get(r);
    rng_address(r, 1, 2, 9, 4, 2021);
    first[k++] = gsl_rng_get(r);
    rng_address(r, 1, 2, 3, 9, 2021);
    first[k++] = gsl_rng_get(r);
    rng_address(r, 1, 2, 3, 4, 2022);
    first[k++] = gsl_rng_get(r);
    rng_address(r, 1, 2, 3, 4, 2021);
    first[k++] = gsl_rng_get(r);
    for (int i = 0; i < 6; i++)
        for (int j = i + 1; j < 6; j++)
            CU_ASSERT_NOT_EQUAL(first[i], first[j]);
    CU_ASSERT_EQUAL(first[6], first[0]);
    gsl_rng_free(r);
}

/* Independence of many addressed streams: the first draw of 20,000 neighbouring streams
 * (entity 0..19999) passes a chi-square uniformity test with 100 bins (p > 0.001), and the
 * correlation between draw k of stream i and of stream i+1 is within 4/sqrt(n) of 0. */
static void test_streams_independent(void)
{
    enum { N = 20000, BINS = 100 };
    gsl_rng *r = gsl_rng_alloc(rng_philox);
    static double a[N], b[N];
    unsigned count[BINS] = { 0 };
    for (uint32_t i = 0; i < N; i++) {
        rng_address(r, 20211228, 7, RNG_PURPOSE_MODEL, i, 2021);
        a[i] = gsl_rng_uniform(r);
        count[(int)(a[i] * BINS)]++;
        rng_address(r, 20211228, 7, RNG_PURPOSE_MODEL, i + 1, 2021);
        b[i] = gsl_rng_uniform(r);
    }
    double chi2 = 0, expect = (double)N / BINS;
    for (int k = 0; k < BINS; k++)
        chi2 += (count[k] - expect) * (count[k] - expect) / expect;
    CU_ASSERT(gsl_cdf_chisq_Q(chi2, BINS - 1) > 0.001);
    double rho = gsl_stats_correlation(a, 1, b, 1, N);
    CU_ASSERT(fabs(rho) < 4 / sqrt((double)N));
    /* replications next to each other too */
    for (uint32_t i = 0; i < N; i++) {
        rng_address(r, 20211228, i, RNG_PURPOSE_MODEL, 0, 2021);
        a[i] = gsl_rng_uniform(r);
        rng_address(r, 20211228, i + 1, RNG_PURPOSE_MODEL, 0, 2021);
        b[i] = gsl_rng_uniform(r);
    }
    rho = gsl_stats_correlation(a, 1, b, 1, N);
    CU_ASSERT(fabs(rho) < 4 / sqrt((double)N));
    gsl_rng_free(r);
}

/* GSL's distributions work on top: the mean of 100,000 standard normals is within 4 SE of 0. */
static void test_gsl_distributions(void)
{
    gsl_rng *r = gsl_rng_alloc(rng_philox);
    rng_address(r, 42, 0, RNG_PURPOSE_TEST, 0, 0);
    double s = 0, s2 = 0;
    for (int i = 0; i < 100000; i++) {
        double z = gsl_ran_gaussian_ziggurat(r, 1.0);
        s += z;
        s2 += z * z;
    }
    CU_ASSERT(fabs(s / 100000) < 4 / sqrt(100000.0));
    CU_ASSERT(fabs(s2 / 100000 - 1) < 0.02);
    gsl_rng_free(r);
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "Philox4x32-10 known-answer vectors", test_known_answers },
        { "gsl_rng wrapper yields the block words in order", test_gsl_wrapper_words },
        { "doubles carry 53 random bits", test_double_53_bits },
        { "addresses: distinct fields give distinct streams, same address repeats", test_addresses_distinct_and_repeatable },
        { "neighbouring streams: chi-square and correlation", test_streams_independent },
        { "GSL distributions on Philox", test_gsl_distributions },
        CU_TEST_INFO_NULL,
    };
    return tu_run("rng", tests);
}
