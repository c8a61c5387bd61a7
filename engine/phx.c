/* phx.c -- error records, the out-of-memory handler and small string helpers. */
#include "phx.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int phx_fail(phx_err *e, int status, const char *file, int line, const char *key,
             const char *fmt, ...)
{
    if (e == NULL)
        return status;
    e->status = status;
    size_t n = sizeof e->msg, used = 0;
    int k = 0;
    if (file != NULL && line > 0)
        k = snprintf(e->msg, n, "%s:%d: ", file, line);
    else if (file != NULL)
        k = snprintf(e->msg, n, "%s: ", file);
    used = k > 0 ? (size_t)k : 0;
    if (key != NULL && used < n) {
        k = snprintf(e->msg + used, n - used, "%s: ", key);
        used += k > 0 ? (size_t)k : 0;
    }
    if (used < n) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg + used, n - used, fmt, ap);
        va_end(ap);
    }
    return status;
}

static void phx_oom(size_t n)
{
    fprintf(stderr, "phoenix: out of memory (asked for %zu bytes)\n", n);
    exit(PHX_ERUN);
}

void *phx_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        phx_oom(n);
    return p;
}

void *phx_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        phx_oom(n * size);
    return p;
}

void *phx_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        phx_oom(n);
    return q;
}

char *phx_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = phx_malloc(n);
    memcpy(d, s, n);
    return d;
}

char *phx_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* A finite number in C notation. An underflow (1e-320, a subnormal or 0) is a number; an
 * overflow (1e999) is not. */
int phx_parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    /* ERANGE on underflow (1e-320: a subnormal, 1e-400: 0) is still a number; overflow is not */
    if (end == s || !isfinite(v) || (errno == ERANGE && fabs(v) > DBL_MIN))
        return -1;
    while (isspace((unsigned char)*end))
        end++;
    if (*end != '\0')
        return -1;
    *out = v;
    return 0;
}

/* An integer, in integer notation or any number notation whose value is integral ("1e3",
 * "2.0"), so that -n, --set and scenario files read numbers alike. */
int phx_parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || errno == ERANGE)
        return -1;
    while (isspace((unsigned char)*end))
        end++;
    if (*end != '\0') {
        double d;
        if (strpbrk(s, "xXpP") != NULL || phx_parse_double(s, &d) || d != floor(d) || d < -9.2e18 || d > 9.2e18)
            return -1;
        v = (long)d;
    }
    *out = v;
    return 0;
}
