/* phx.h -- status codes, error records and the one out-of-memory handler shared by every module. */
#ifndef PHX_H
#define PHX_H

#include <stddef.h>

#define PHX_VERSION "0.1.0"

/* Status codes; they double as process exit codes. */
enum {
    PHX_OK = 0,      /* success */
    PHX_ERUN = 1,    /* runtime failure: I/O, library error */
    PHX_EINPUT = 2   /* usage or input error: bad file, key, value */
};

/* An error record. Functions that can fail take a `phx_err *` and, on failure, fill it with one
 * line that names the file, the line and the key ("plan.ini:12: rectify.p_complete: ...") and
 * return a nonzero status. A NULL `phx_err *` is allowed: the message is then dropped. */
typedef struct phx_err {
    int status;          /* PHX_EINPUT or PHX_ERUN; PHX_OK when nothing happened */
    char msg[1024];
} phx_err;

/* Fill `e` with "file:line: key: message" (parts that are NULL or 0 are left out) and return
 * `status`. Always returns `status`, so callers can write `return phx_fail(e, ...)`. */
int phx_fail(phx_err *e, int status, const char *file, int line, const char *key,
             const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Allocation that never returns NULL: on failure it prints one line and exits with PHX_ERUN.
 * Out of memory is handled here, in one place, so callers stay simple. */
void *phx_malloc(size_t n);
void *phx_calloc(size_t n, size_t size);
void *phx_realloc(void *p, size_t n);
char *phx_strdup(const char *s);

/* Free-form string helpers used across modules. */
char *phx_trim(char *s);                         /* strip leading/trailing blanks in place */
int phx_parse_double(const char *s, double *out); /* whole string a finite number? 0 = yes */
int phx_parse_long(const char *s, long *out);     /* whole string an integer? 0 = yes */

#endif
