/* table.c -- the one table printer of every text output (see table.h). */
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/phx.h"

void table_init(text_table *t, size_t ncol, const char *const *head, const int *right)
{
    memset(t, 0, sizeof *t);
    t->ncol = ncol;
    for (size_t c = 0; c < ncol; c++) {
        t->head[c] = head[c];
        t->right[c] = right[c];
    }
}

/* Append a row of ncol cells (copied). */
void table_row(text_table *t, const char *const *cells)
{
    if (t->nrow == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 8;
        t->cell = phx_realloc(t->cell, t->cap * t->ncol * sizeof *t->cell);
    }
    for (size_t c = 0; c < t->ncol; c++)
        t->cell[t->nrow * t->ncol + c] = phx_strdup(cells[c]);
    t->nrow++;
}

void table_free(text_table *t)
{
    for (size_t i = 0; i < t->nrow * t->ncol; i++)
        free(t->cell[i]);
    free(t->cell);
}

/* Columns a UTF-8 string takes on a terminal: East Asian wide characters (亿元, 区) take two. */
size_t table_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned long c;
        int len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 1;
        c = len == 1 ? *p : (unsigned long)(*p & (0x7f >> len));
        for (int k = 1; k < len; k++) {
            if ((p[k] & 0xc0) != 0x80) {   /* malformed: count the byte and move on */
                len = 1;
                break;
            }
            c = (c << 6) | (p[k] & 0x3f);
        }
        p += len;
        int wide = (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) ||
                   (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
                   (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
                   (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd);
        w += wide ? 2 : 1;
    }
    return w;
}

static void table_pad(FILE *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fputc(' ', out);
}

/* Column widths: the widest cell (and header, when shown). */
static void table_widths(const text_table *t, int header, size_t *w)
{
    for (size_t c = 0; c < t->ncol; c++) {
        w[c] = header ? table_width(t->head[c]) : 0;
        for (size_t r = 0; r < t->nrow; r++) {
            size_t k = table_width(t->cell[r * t->ncol + c]);
            w[c] = k > w[c] ? k : w[c];
        }
    }
}

/* One line: cells (NULL: the rule) padded to w, two spaces apart; blanks are written only
 * before something visible, so lines carry no trailing blanks. */
static void table_line(const text_table *t, const char *const *cells, const size_t *w, FILE *out)
{
    size_t blanks = 2;
    for (size_t c = 0; c < t->ncol; c++) {
        const char *s = cells ? cells[c] : NULL;
        size_t pad = s ? w[c] - table_width(s) : 0;
        if (s == NULL || s[0] != '\0') {
            blanks += t->right[c] ? pad : 0;
            table_pad(out, blanks);
            blanks = 0;
            if (s == NULL)                                 /* the rule */
                for (size_t i = 0; i < w[c]; i++)
                    fputc('-', out);
            else
                fputs(s, out);
            blanks = t->right[c] ? 0 : pad;
        } else {
            blanks += w[c];
        }
        blanks += 2;
    }
    fputc('\n', out);
}

void table_print_text(const text_table *t, FILE *out)
{
    size_t w[TABLE_MAXCOL];
    table_widths(t, 1, w);
    table_line(t, t->head, w, out);
    table_line(t, NULL, w, out);
    for (size_t r = 0; r < t->nrow; r++)
        table_line(t, (const char *const *)&t->cell[r * t->ncol], w, out);
}

void table_print_rows(const text_table *t, FILE *out)
{
    size_t w[TABLE_MAXCOL];
    table_widths(t, 0, w);
    for (size_t r = 0; r < t->nrow; r++)
        table_line(t, (const char *const *)&t->cell[r * t->ncol], w, out);
}

static void table_md_cell(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', out);
        fputc(*s, out);
    }
}

void table_print_md(const text_table *t, FILE *out)
{
    fputs("|", out);
    for (size_t c = 0; c < t->ncol; c++) {
        fputc(' ', out);
        table_md_cell(out, t->head[c]);
        fputs(" |", out);
    }
    fputs("\n|", out);
    for (size_t c = 0; c < t->ncol; c++)
        fputs(t->right[c] ? "---:|" : "---|", out);
    fputc('\n', out);
    for (size_t r = 0; r < t->nrow; r++) {
        fputs("|", out);
        for (size_t c = 0; c < t->ncol; c++) {
            fputc(' ', out);
            table_md_cell(out, t->cell[r * t->ncol + c]);
            fputs(" |", out);
        }
        fputc('\n', out);
    }
}

/* ---- numbers as text ---- */

/* A readable number: "-" for NaN, thousands separators from 1,000 up to 1e15 (as an integer),
 * else 4 significant digits. */
void table_num(char *buf, size_t n, double x)
{
    if (isnan(x)) {
        snprintf(buf, n, "-");
        return;
    }
    double a = fabs(x);
    if (a < 1e3 || a >= 1e15) {
        snprintf(buf, n, "%.4g", x);
        return;
    }
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", a);
    size_t len = strlen(digits), o = 0;
    if (x < 0 && o + 1 < n)
        buf[o++] = '-';
    for (size_t i = 0; i < len && o + 1 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 1 < n)
            buf[o++] = ',';
        if (o + 1 < n)
            buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

void table_prob(char *buf, size_t n, double p)
{
    if (isnan(p))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.3f", p);
}

