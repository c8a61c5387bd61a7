/* ini_text.c -- a scenario file's text, read whole and checked before libinih sees it: not
 * empty, no NUL byte, valid UTF-8, a [scenario] section, at most INI_TEXT_MAX bytes; CR-only line
 * ends made LF (the loader refuses a file without [scenario] once it has parsed). Then a reader that hands libinih whole lines (see ini_text.h for why). */
#include "ini_text.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (n bytes left), or 0 if it is not one (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if (len == 2 && c < 0xC2)
        return 0;
    if (len == 3 && ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0)))
        return 0;
    if (len == 4 && ((c == 0xF0 && p[1] < 0x90) || c > 0xF4 || (c == 0xF4 && p[1] >= 0x90)))
        return 0;
    return len;
}

/* Is the line [s, s+n) a "[scenario]" header (blanks allowed, as libinih reads it)? */
static int is_scenario_header(const char *s, size_t n)
{
    size_t i = 0;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n && isspace((unsigned char)s[i]))
        i++;
    if (i == n || s[i] != '[')
        return 0;
    const char *close = memchr(s + i, ']', n - i);
    if (close == NULL)
        return 0;
    const char *a = s + i + 1, *b = close;
    while (a < b && isspace((unsigned char)*a))
        a++;
    while (b > a && isspace((unsigned char)b[-1]))
        b--;
    return b - a == 8 && memcmp(a, "scenario", 8) == 0;
}

/* Check the text line by line, and note a [scenario] header; CR-only line ends become LF (CRLF stays: libinih strips the CR). */
static int check_text(ini_text *t, const char *path, phx_err *e)
{
    int line = 1, header = 0;
    size_t start = 0;
    for (size_t i = 0; i < t->n;) {
        unsigned char c = (unsigned char)t->buf[i];
        if (c == '\0')
            return phx_fail(e, PHX_EINPUT, path, line, NULL,
                            "not a text file (a NUL byte at byte %zu; a scenario is UTF-8 text)", i + 1);
        if (c == '\r' && (i + 1 == t->n || t->buf[i + 1] != '\n'))
            t->buf[i] = '\n', c = '\n';
        if (c == '\n') {
            header |= is_scenario_header(t->buf + start, i - start);
            line++;
            start = ++i;
            continue;
        }
        size_t k = utf8_len((const unsigned char *)t->buf + i, t->n - i);
        if (k == 0)
            return phx_fail(e, PHX_EINPUT, path, line, NULL,
                            "not UTF-8 text (byte %zu, 0x%02X); save the scenario as UTF-8", i + 1, c);
        i += k;
    }
    t->has_scenario = header | is_scenario_header(t->buf + start, t->n - start);
    return PHX_OK;
}

int ini_text_read(ini_text *t, FILE *f, const char *path, phx_err *e)
{
    memset(t, 0, sizeof *t);
    size_t cap = 4096;
    t->buf = phx_malloc(cap + 1);
    for (;;) {
        size_t k = fread(t->buf + t->n, 1, cap - t->n, f);
        t->n += k;
        if (k == 0)
            break;
        if (t->n > INI_TEXT_MAX)
            return phx_fail(e, PHX_EINPUT, path, 0, NULL,
                            "not a scenario: larger than %d MiB", INI_TEXT_MAX >> 20);
        if (t->n == cap)
            t->buf = phx_realloc(t->buf, (cap *= 2) + 1);
    }
    if (ferror(f))
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "cannot read scenario file: %s", strerror(errno));
    t->buf[t->n] = '\0';
    size_t blank = 0;
    while (blank < t->n && isspace((unsigned char)t->buf[blank]))
        blank++;
    if (blank == t->n)
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "not a scenario: the file is empty");
    if (t->n >= 2 && ((unsigned char)t->buf[0] == 0xFF || (unsigned char)t->buf[0] == 0xFE) &&
        ((unsigned char)t->buf[1] ^ (unsigned char)t->buf[0]) == 0x01)
        return phx_fail(e, PHX_EINPUT, path, 1, NULL,
                        "not UTF-8 text (a UTF-16 byte-order mark); save the scenario as UTF-8");
    return check_text(t, path, e);
}

char *ini_text_reader(char *str, int num, void *stream)
{
    ini_text *t = stream;
    if (t->pos >= t->n || num < 2)
        return NULL;
    if (t->at_line_start)
        t->line++;
    size_t room = (size_t)num - 1, k = 0;
    while (k < room && t->pos + k < t->n && t->buf[t->pos + k] != '\n')
        k++;
    if (k < room && t->pos + k < t->n)
        k++;                                  /* the '\n' */
    memcpy(str, t->buf + t->pos, k);
    str[k] = '\0';
    t->pos += k;
    t->at_line_start = str[k - 1] == '\n';
    return str;
}

void ini_text_free(ini_text *t)
{
    free(t->buf);
    t->buf = NULL;
}
