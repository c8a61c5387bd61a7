/* testutil.h -- shared helpers for the CUnit test programs (one program per module). */
#ifndef PHX_TESTUTIL_H
#define PHX_TESTUTIL_H

#include <CUnit/CUnit.h>
#include <stddef.h>

/* Run one suite of `tests` (NULL-terminated CU_TestInfo array) named `suite` with the basic
 * interface in verbose mode. Returns the process exit status: 0 when every test passed. */
int tu_run(const char *suite, CU_TestInfo *tests);

/* A fresh empty directory under $TMPDIR (or /tmp) for a test's files; caller frees the string. */
char *tu_tmpdir(void);

/* Path of the phoenix binary ($PHOENIX, default build/phoenix). */
const char *tu_phoenix(void);

/* Run a shell command; return its exit status (or -1). stdout/stderr go to `log` if non-NULL. */
int tu_sh(const char *cmd, const char *log);

/* Does `path` exist? */
int tu_exists(const char *path);

/* Read a whole text file (caller frees), or NULL. */
char *tu_slurp(const char *path);

/* Write `text` to `path`. Returns 0 on success. */
int tu_write(const char *path, const char *text);

#endif
