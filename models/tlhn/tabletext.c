/* tabletext.c -- a firm table's bytes (docs/model-population.md §1.1): read, SHA-256, encoding detected or
 * given, converted to UTF-8 with iconv, NUL characters refused with their line and column. */
#include "table.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nettle/sha2.h>

/* The whole file; NULL (errno set) if it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0, k;
    char *s = phx_malloc(cap);
    while ((k = fread(s + n, 1, cap - n - 1, fp)) > 0) {
        n += k;
        if (cap - n < 2)
            s = phx_realloc(s, cap *= 2);
    }
    int bad = ferror(fp), err = errno;
    fclose(fp);
    if (bad) {
        free(s);
        errno = err ? err : EIO;
        return NULL;
    }
    s[n] = '\0';
    *len = n;
    return s;
}

void tlhn_text_position(const char *text, size_t len, size_t off, int bytes, int *line,
                        int *col)
{
    int l = 1, c = 1;
    for (size_t k = 0; k < off && k < len; k++) {
        unsigned char b = (unsigned char)text[k];
        if (b == '\n' || (b == '\r' && (k + 1 >= len || text[k + 1] != '\n'))) {
            l++;
            c = 1;
        } else if (b != '\r' && (bytes || (b & 0xC0) != 0x80)) {
            c++;                                   /* UTF-8: count lead bytes only */
        }
    }
    *line = l;
    *col = c;
}

/* n bytes of `in` converted from `from` to UTF-8 (NUL-terminated, length in *out_len); NULL with
 * *bad = offset of the first byte that does not decode (or n for a sequence cut off at the end,
 * SIZE_MAX when iconv does not know `from`). */
static char *convert(const char *from, const char *in, size_t n, size_t *out_len, size_t *bad)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1) {
        *bad = SIZE_MAX;
        return NULL;
    }
    size_t cap = 2 * n + 16;
    char *out = phx_malloc(cap + 1);
    char *ip = (char *)in, *op = out;
    size_t il = n, ol = cap;
    int ok = 1;
    for (;;) {
        int flush = il == 0;             /* all input taken: write out any shift state */
        size_t r = flush ? iconv(cd, NULL, NULL, &op, &ol) : iconv(cd, &ip, &il, &op, &ol);
        if (r != (size_t)-1) {
            if (flush)
                break;
            continue;
        }
        if (errno == E2BIG) {
            size_t used = (size_t)(op - out);
            cap *= 2;
            out = phx_realloc(out, cap + 1);
            op = out + used;
            ol = cap - used;
            continue;
        }
        ok = 0;                          /* EILSEQ, or EINVAL: a sequence cut off at the end */
        *bad = (size_t)(ip - in);
        break;
    }
    iconv_close(cd);
    if (!ok) {
        free(out);
        return NULL;
    }
    *out_len = (size_t)(op - out);
    out[*out_len] = '\0';
    return out;
}

void tlhn_sha256_hex(const char *s, size_t n, char hex[65])
{
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, n, (const uint8_t *)s);
    sha256_digest(&ctx, sizeof d, d);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* "byte B (0xNN)" of raw offset `bad` into buf; returns its line (a byte-oriented encoding's
 * line breaks are the ASCII ones, so lines count right in UTF-8 and GB18030 alike). */
static int where(const char *raw, size_t n, size_t bad, char *buf, size_t size)
{
    int line, col;
    tlhn_text_position(raw, n, bad, 1, &line, &col);
    if (bad < n)
        snprintf(buf, size, "byte %d (0x%02X)", col, (unsigned char)raw[bad]);
    else
        snprintf(buf, size, "byte %d (a character cut off at the end)", col);
    return line;
}

/* Decode raw[0..n) by the rule of tlhn_text_read(); fills t->text, t->encoding, t->detected. */
static int decode(const char *path, const char *enc, const char *raw, size_t n, tlhn_text *t,
                  phx_err *e)
{
    char w[96], w2[96];
    size_t bad = 0, bad2 = 0;
    int utf16_bom = n >= 2 && ((raw[0] == '\xFF' && raw[1] == '\xFE') ||
                               (raw[0] == '\xFE' && raw[1] == '\xFF'));
    int utf8_bom = n >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0;
    t->detected = strcmp(enc, "auto") == 0;
    t->bom = utf16_bom || utf8_bom;
    if (strcmp(enc, "utf-16") == 0 || (t->detected && utf16_bom)) {
        t->encoding = "UTF-16";
        if ((t->text = convert("UTF-16", raw, n, &t->len, &bad)) != NULL)
            return PHX_OK;
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "byte %zu does not decode as UTF-16%s "
                        "(give --encoding utf-8 or gb18030 if the file is not UTF-16)", bad,
                        utf16_bom ? "" : " (no byte-order mark: UTF-16 is read big-endian)");
    }
    int line = 0, line2 = 0;
    if (strcmp(enc, "gb18030") != 0) {
        t->encoding = "UTF-8";
        if ((t->text = convert("UTF-8", raw, n, &t->len, &bad)) != NULL)
            return PHX_OK;
        line = where(raw, n, bad, w, sizeof w);
        if (!t->detected || utf8_bom)
            return phx_fail(e, PHX_EINPUT, path, line, NULL, "%s: not valid UTF-8%s; if the "
                            "file is GBK/GB18030 (what Chinese Excel saves), give --encoding "
                            "gb18030", w, utf8_bom ? " (the file begins with a UTF-8 byte-order "
                            "mark)" : "");
    }
    t->encoding = "GB18030";
    if ((t->text = convert("GB18030", raw, n, &t->len, &bad2)) != NULL)
        return PHX_OK;
    line2 = where(raw, n, bad2, w2, sizeof w2);
    if (!t->detected)
        return phx_fail(e, PHX_EINPUT, path, line2, NULL, "%s: not valid GB18030; give "
                        "--encoding utf-8 if the file is UTF-8", w2);
    return phx_fail(e, PHX_EINPUT, path, line, NULL, "%s: neither UTF-8 nor GB18030 (which "
                    "fails at line %d, %s); save the table as UTF-8 or GBK, or give --encoding",
                    w, line2, w2);
}

int tlhn_text_read(const char *path, const char *encoding, tlhn_text *t, phx_err *e)
{
    memset(t, 0, sizeof *t);
    size_t n = 0;
    char *raw = slurp(path, &n);
    if (raw == NULL)
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "cannot read the firm table: %s",
                        strerror(errno));
    tlhn_sha256_hex(raw, n, t->sha256);
    int st = decode(path, encoding ? encoding : "auto", raw, n, t, e);
    free(raw);
    if (st != PHX_OK)
        return st;
    if (t->len >= 3 && memcmp(t->text, "\xEF\xBB\xBF", 3) == 0) {   /* U+FEFF, the BOM */
        memmove(t->text, t->text + 3, t->len - 2);
        t->len -= 3;
    }
    const char *nul = memchr(t->text, '\0', t->len);
    if (nul != NULL) {
        int line, col;
        tlhn_text_position(t->text, t->len, (size_t)(nul - t->text), 0, &line, &col);
        tlhn_text_free(t);
        return phx_fail(e, PHX_EINPUT, path, line, NULL, "column %d: a NUL character (a table "
                        "is text; is this a spreadsheet's binary file rather than its CSV?)",
                        col);
    }
    return PHX_OK;
}

void tlhn_text_free(tlhn_text *t)
{
    free(t->text);
    t->text = NULL;
    t->len = 0;
}
