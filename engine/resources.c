/* resources.c -- the thread cap and the memory check made before a run allocates anything. */
#include "resources.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <omp.h>

int phx_max_threads(void)
{
    int p = omp_get_num_procs();
    return PHX_THREADS_PER_CORE * (p > 0 ? p : 1);
}

/* $PHOENIX_MEMORY: "8G", "512M", "1000000"; 0 if unset or not a size. */
static double env_memory(void)
{
    const char *s = getenv("PHOENIX_MEMORY");
    if (s == NULL || *s == '\0')
        return 0;
    char *end;
    double v = strtod(s, &end);
    const char *units = "KMGT";
    const char *u = *end ? strchr(units, *end) : NULL;
    if (*end && (u == NULL || end[1] != '\0'))
        return 0;
    for (const char *k = units; u && k <= u; k++)
        v *= 1024;
    return v > 0 ? v : 0;
}

size_t phx_memory_limit(void)
{
    double lim = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (double)rl.rlim_cur < lim)
        lim = (double)rl.rlim_cur;
    double env = env_memory();
    if (env > 0 && env < lim)
        lim = env;
    return lim > 0 && lim < (double)SIZE_MAX ? (size_t)lim : SIZE_MAX;
}

static void bytes_text(double b, char *buf, size_t n)
{
    static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
    int k = 0;
    while (b >= 1024 && k < 6) {
        b /= 1024;
        k++;
    }
    snprintf(buf, n, k ? "%.1f %s" : "%.0f %s", b, unit[k]);
}

int phx_memory_check(double bytes, const char *what, const char *file, const char *key,
                     const char *hint, phx_err *e)
{
    double lim = (double)phx_memory_limit();
    if (bytes <= 0.75 * lim)
        return PHX_OK;
    char need[32], have[32];
    bytes_text(bytes, need, sizeof need);
    bytes_text(lim, have, sizeof have);
    return phx_fail(e, PHX_EINPUT, file, 0, key,
                    "%s needs %s of memory; this machine allows %s (ulimit -v, $PHOENIX_MEMORY): %s",
                    what, need, have, hint);
}
