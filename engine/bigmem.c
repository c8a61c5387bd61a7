/* bigmem.c -- large zeroed arrays on transparent huge pages where offered (bigmem.h). */
#define _DEFAULT_SOURCE 1               /* MADV_HUGEPAGE in <sys/mman.h> */
#include "bigmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#if !defined(MADV_COLLAPSE) && defined(__linux__)
#include <linux/mman.h>
#endif

#include "phx.h"

void *phx_calloc_big(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return phx_calloc(n, size);         /* phx_calloc reports the impossible size */
    size_t bytes = n * size;
    if (bytes < PHX_BIGMEM_MIN)
        return phx_calloc(n, size);
    size_t whole = (bytes + PHX_BIGMEM_PAGE - 1) / PHX_BIGMEM_PAGE * PHX_BIGMEM_PAGE;
    void *p = NULL;
    if (whole < bytes || posix_memalign(&p, PHX_BIGMEM_PAGE, whole) != 0)
        return phx_calloc(n, size);         /* which fails the same way, or succeeds */
#ifdef MADV_HUGEPAGE
    madvise(p, whole, MADV_HUGEPAGE);       /* advice: refused or not, p is usable */
#endif
    memset(p, 0, bytes);
#ifdef MADV_COLLAPSE
    /* memory the allocator reuses was touched before the advice and stays on small pages;
     * Linux >= 6.1 collapses it now (older kernels refuse: it stays as it is) */
    madvise(p, whole, MADV_COLLAPSE);
#endif
    return p;
}
