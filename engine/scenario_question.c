/* scenario_question.c -- a scenario file's policy question: the opening comment block of the
 * file, kept beside (never inside) the resolved text, whose SHA-256 it does not change. */
#include "scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUESTION_MAX 8192

/* Append `s` (n bytes) to buf (len bytes used of cap), a space between lines. */
static void add_line(char *buf, size_t *len, size_t cap, const char *s, size_t n)
{
    if (*len > 0 && *len + 1 < cap)
        buf[(*len)++] = ' ';
    if (n > cap - 1 - *len)
        n = cap - 1 - *len;
    memcpy(buf + *len, s, n);
    *len += n;
    buf[*len] = '\0';
}

char *scenario_question(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    char line[1024], *buf = phx_malloc(QUESTION_MAX);
    size_t len = 0;
    buf[0] = '\0';
    while (fgets(line, sizeof line, f) != NULL) {
        char *s = line, *end = line + strcspn(line, "\r\n");
        *end = '\0';
        if (s[0] == '\xef' && s[1] == '\xbb' && s[2] == '\xbf' && len == 0)
            s += 3;                               /* a UTF-8 byte order mark */
        if (*s != ';' && *s != '#')
            break;                                /* the block ends at the first other line */
        s++;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0') {
            if (len > 0)
                break;                            /* ... or at an empty comment line */
            continue;
        }
        while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        add_line(buf, &len, QUESTION_MAX, s, (size_t)(end - s));
    }
    fclose(f);
    if (len == 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
