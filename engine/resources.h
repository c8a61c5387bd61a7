/* resources.h -- resource bounds checked before allocating: the thread cap and the memory a run
 * may ask for (docs/scenarios.md "Resources"). */
#ifndef PHX_RESOURCES_H
#define PHX_RESOURCES_H

#include <stddef.h>
#include "phx.h"

#define PHX_THREADS_PER_CORE 4      /* --threads beyond 4 x the cores only costs memory */

/* The most threads worth running: PHX_THREADS_PER_CORE x the processors OpenMP sees. */
int phx_max_threads(void);

/* The memory a run may use, in bytes: the smaller of the machine's physical memory, the
 * address-space limit (ulimit -v) and $PHOENIX_MEMORY (bytes, or with a K/M/G/T suffix). */
size_t phx_memory_limit(void);

/* PHX_OK if `bytes` (what `what` needs) fits in 3/4 of phx_memory_limit(); otherwise PHX_EINPUT
 * with "file: key: what needs N GiB; ... has M GiB: hint". */
int phx_memory_check(double bytes, const char *what, const char *file, const char *key,
                     const char *hint, phx_err *e);

#endif
