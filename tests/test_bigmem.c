/* test_bigmem.c -- engine/bigmem.h: large arrays are zeroed, aligned to 2 MiB and usable to their
 * last byte, small ones are ordinary; both are released with free(). The huge pages themselves
 * are the kernel's to grant and are not asserted (bench/README.md measures their effect). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "../engine/bigmem.h"

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0)
            return 0;
    return 1;
}

static void test_large(void)
{
    /* sizes around the threshold and the page, and one that is not a whole number of pages */
    size_t sizes[] = { PHX_BIGMEM_MIN, PHX_BIGMEM_PAGE, PHX_BIGMEM_PAGE + 8, 3 * PHX_BIGMEM_PAGE - 1 };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        for (int round = 0; round < 2; round++) {     /* the second reuses freed memory */
            unsigned char *p = phx_calloc_big(sizes[k], 1);
            CU_ASSERT_FATAL(p != NULL);
            CU_ASSERT_EQUAL((uintptr_t)p % PHX_BIGMEM_PAGE, 0);
            CU_ASSERT(all_zero(p, sizes[k]));
            memset(p, 0xA5, sizes[k]);               /* every byte is ours */
            CU_ASSERT_EQUAL(p[sizes[k] - 1], 0xA5);
            free(p);
        }
    }
    double *d = phx_calloc_big(PHX_BIGMEM_MIN / sizeof(double) + 1, sizeof(double));
    CU_ASSERT_FATAL(d != NULL);
    CU_ASSERT_EQUAL((uintptr_t)d % PHX_BIGMEM_PAGE, 0);
    CU_ASSERT_EQUAL(d[PHX_BIGMEM_MIN / sizeof(double)], 0.0);
    free(d);
}

static void test_small(void)
{
    size_t n = PHX_BIGMEM_MIN - 1;
    unsigned char *p = phx_calloc_big(n, 1);
    CU_ASSERT_FATAL(p != NULL);
    CU_ASSERT(all_zero(p, n));
    free(p);
    p = phx_calloc_big(0, 8);                        /* as phx_calloc: a valid pointer */
    CU_ASSERT(p != NULL);
    free(p);
}

int main(void)
{
    CU_TestInfo tests[] = {
        { "large arrays: zeroed, 2 MiB aligned, whole", test_large },
        { "small arrays: ordinary", test_small },
        CU_TEST_INFO_NULL,
    };
    return tu_run("bigmem", tests);
}
