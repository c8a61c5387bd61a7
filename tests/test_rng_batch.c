/* test_rng_batch.c -- batched addressed streams (engine/rng_batch.c): every draw of the
 * portable and the AVX2 path equals rng_address() followed by the same GSL call. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "testutil.h"
#include "../engine/rng.h"
#include "../engine/rng_batch.h"

/* Addresses that exercise every field: seed high bits, replication, purpose, year. */
static const rng_batch_addr addrs[] = {
    { 0, 0, 0, 0 },
    { 7, 3, 16, 2021 },
    { 0x123456789abcdefULL, 999, 17, 2023 },
    { 42, 0xfffffffeu, 65535, 0xffff },
};
#define N_ADDR (sizeof addrs / sizeof addrs[0])
#define N_ENT 40011               /* odd: the AVX2 path's 16-lane steps leave a tail */

static int impls(rng_batch_impl out[2])
{
    int k = 0;
    out[k++] = RNG_BATCH_PORTABLE;
    if (rng_batch_have_avx2())
        out[k++] = RNG_BATCH_AVX2;
    return k;
}

/* Words 0 and 1 against the block function, at entity offsets that cross 2^32 - 1 nowhere. */
static void test_words(void)
{
    rng_batch_impl im[2];
    int ni = impls(im);
    uint32_t *w0 = malloc(N_ENT * sizeof *w0), *w1 = malloc(N_ENT * sizeof *w1);
    for (int k = 0; k < ni; k++) {
        CU_ASSERT_EQUAL(rng_batch_select(im[k]), 0);
        for (size_t a = 0; a < N_ADDR; a++) {
            const rng_batch_addr *ad = &addrs[a];
            uint32_t first = a == 3 ? 0xffffffffu - N_ENT : (uint32_t)(a * 1000);
            rng_batch_words(ad, first, N_ENT, w0, w1);
            size_t bad = 0;
            for (size_t e = 0; e < N_ENT; e++) {
                uint32_t ctr[4] = { 0, first + (uint32_t)e, (ad->purpose << 16) | (ad->year & 0xffffu),
                                    (uint32_t)(ad->seed >> 32) };
                uint32_t key[2] = { (uint32_t)ad->seed, ad->replication }, o[4];
                rng_philox_block(ctr, key, o);
                bad += o[0] != w0[e] || o[1] != w1[e];
            }
            CU_ASSERT_EQUAL(bad, 0);
        }
    }
    rng_batch_select(RNG_BATCH_AUTO);
    free(w0);
    free(w1);
}

/* Uniforms and ziggurat normals against the scalar calls, each path, every draw; the normals
 * include the lanes the fast path rejects (about 1-3% of N_ENT per address). */
static void test_draws(void)
{
    rng_batch_impl im[2];
    int ni = impls(im);
    gsl_rng *r = gsl_rng_alloc(rng_philox), *fix = gsl_rng_alloc(rng_philox);
    double *u = malloc(N_ENT * sizeof *u), *z = malloc(N_ENT * sizeof *z);
    double *z_first = malloc(N_ENT * sizeof *z);
    for (size_t a = 0; a < N_ADDR; a++) {
        const rng_batch_addr *ad = &addrs[a];
        for (int k = 0; k < ni; k++) {
            CU_ASSERT_EQUAL(rng_batch_select(im[k]), 0);
            rng_batch_uniform(ad, 5, N_ENT, u);
            rng_batch_gaussian_ziggurat(fix, ad, 5, N_ENT, z);
            size_t bad_u = 0, bad_z = 0, differ = 0;
            for (size_t e = 0; e < N_ENT; e++) {
                rng_address(r, ad->seed, ad->replication, ad->purpose, 5 + (uint32_t)e, ad->year);
                double want_u = gsl_rng_uniform(r);
                rng_address(r, ad->seed, ad->replication, ad->purpose, 5 + (uint32_t)e, ad->year);
                double want_z = gsl_ran_gaussian_ziggurat(r, 1.0);
                bad_u += memcmp(&want_u, &u[e], sizeof want_u) != 0;
                bad_z += memcmp(&want_z, &z[e], sizeof want_z) != 0;
                if (k == 1)                          /* AVX2 against portable, bit for bit */
                    differ += memcmp(&z_first[e], &z[e], sizeof z[e]) != 0;
            }
            CU_ASSERT_EQUAL(bad_u, 0);
            CU_ASSERT_EQUAL(bad_z, 0);
            CU_ASSERT_EQUAL(differ, 0);
            memcpy(z_first, z, N_ENT * sizeof *z);
        }
    }
    rng_batch_select(RNG_BATCH_AUTO);
    free(u);
    free(z);
    free(z_first);
    gsl_rng_free(r);
    gsl_rng_free(fix);
}

/* Short and empty batches (tails only), and the selection calls. */
static void test_small_and_select(void)
{
    gsl_rng *r = gsl_rng_alloc(rng_philox), *fix = gsl_rng_alloc(rng_philox);
    rng_batch_addr ad = { 11, 2, 20, 2022 };
    double z[17];
    for (size_t n = 0; n <= 17; n++) {
        rng_batch_gaussian_ziggurat(fix, &ad, 100, n, z);
        for (size_t e = 0; e < n; e++) {
            rng_address(r, ad.seed, ad.replication, ad.purpose, 100 + (uint32_t)e, ad.year);
            CU_ASSERT_EQUAL(gsl_ran_gaussian_ziggurat(r, 1.0), z[e]);
        }
    }
    CU_ASSERT_EQUAL(rng_batch_select(RNG_BATCH_PORTABLE), 0);
    CU_ASSERT_EQUAL(rng_batch_current(), RNG_BATCH_PORTABLE);
    CU_ASSERT_EQUAL(rng_batch_select(RNG_BATCH_AVX2), rng_batch_have_avx2() ? 0 : -1);
    CU_ASSERT_EQUAL(rng_batch_select(RNG_BATCH_AUTO), 0);
    CU_ASSERT_EQUAL(rng_batch_current(), rng_batch_have_avx2() ? RNG_BATCH_AVX2 : RNG_BATCH_PORTABLE);
    gsl_rng_free(r);
    gsl_rng_free(fix);
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "batched Philox words equal the block function (each path)", test_words },
        { "batched uniforms and ziggurat normals equal the scalar draws, AVX2 = portable", test_draws },
        { "short batches; choosing the path", test_small_and_select },
        CU_TEST_INFO_NULL,
    };
    return tu_run("rng_batch", tests);
}
