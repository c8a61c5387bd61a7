/* ini_text.h -- a scenario file read whole and checked as text before it is parsed (internal to
 * engine/ini.c).
 *
 * Why not libinih's own file reading: it reads lines of at most `ini_max_line` bytes (200 in
 * Debian's build) and parses the rest of a longer line as a line of its own -- an 80-character
 * Chinese description became a syntax error on the "next" line, and the tail of a long comment
 * could set a key. Debian's libinih grows its line buffer (ini_allow_realloc) only up to
 * ini_max_line. So the whole file is read here first; libinih's limit is then set above the
 * file's size, and ini_text_reader() hands it the text one line at a time: no line is ever split,
 * and the line count is the file's. Reading the file whole also lets the loader refuse what is
 * not a scenario (empty, binary, not UTF-8, no [scenario] section) with its file and line. */
#ifndef PHX_INI_TEXT_H
#define PHX_INI_TEXT_H

#include <stddef.h>
#include <stdio.h>
#include "phx.h"

#define INI_TEXT_MAX (16 << 20)     /* a scenario file is text of at most 16 MiB */

typedef struct ini_text {
    char *buf;              /* the file, NUL-terminated, CR-only line ends made LF */
    size_t n, pos;          /* its length; the reader's position */
    int line;               /* the line the reader last started (1-based) */
    int at_line_start;      /* set it to 1 before parsing */
    int has_scenario;       /* a [scenario] header was seen */
} ini_text;

/* Read `f` (named `path`) whole and check it is a scenario's text: PHX_OK, or PHX_EINPUT with
 * "path:line: not a text file ..." and the like. ini_text_free() in either case. */
int ini_text_read(ini_text *t, FILE *f, const char *path, phx_err *e);
/* libinih's ini_reader over an ini_text: up to num-1 bytes, never past the end of a line. */
char *ini_text_reader(char *str, int num, void *stream);
void ini_text_free(ini_text *t);

#endif
