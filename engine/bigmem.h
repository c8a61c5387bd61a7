/* bigmem.h -- zeroed arrays for large per-entity state, backed by transparent huge pages where
 * the system offers them. */
#ifndef PHX_BIGMEM_H
#define PHX_BIGMEM_H

#include <stddef.h>

/* As phx_calloc(n, size) (the same out-of-memory handling; release with free()), but an array
 * of at least PHX_BIGMEM_MIN bytes (512 KiB) takes whole 2 MiB pages, aligned, and is advised to the kernel as a candidate
 * for transparent huge pages (madvise MADV_HUGEPAGE) before it is first touched. A model's
 * per-firm columns at a million firms are several MiB each and every yearly pass streams them:
 * with 4 KiB pages the address translations of those streams cost as much as a fifth of the run
 * (bench/README.md, issue 17). Where the advice is not available or refused, the array is an
 * ordinary one. An array under 2 MiB then holds a whole 2 MiB page: at most a few MiB more for a run
 * whose state is hundreds of MiB. Placement only: the numbers computed do not depend on it. */
#define PHX_BIGMEM_MIN ((size_t)1 << 19)
#define PHX_BIGMEM_PAGE ((size_t)2 << 20)
void *phx_calloc_big(size_t n, size_t size);

#endif
