/* table.h -- the one table printer of every text output (summary, comparisons, sweep, fund,
 * phoenix params): cells of text, columns aligned by their display width on a terminal, as
 * aligned text or as Markdown.
 *
 * Display width, a small rule (not the locale's wcwidth, so output does not depend on LANG):
 * UTF-8 is decoded; a code point in the East Asian wide ranges (Hangul Jamo U+1100-115F, CJK
 * radicals to Yi U+2E80-A4CF, Hangul U+AC00-D7A3, CJK compatibility U+F900-FAFF and U+FE30-FE4F,
 * full-width forms U+FF00-FF60 and U+FFE0-FFE6, planes 2-3) takes two columns, every other one
 * (and every malformed byte) one. So 亿元 is 4 columns wide, ≥ and – are 1. */
#ifndef PHX_TABLE_H
#define PHX_TABLE_H

#include <stddef.h>
#include <stdio.h>

#define TABLE_MAXCOL 16

typedef struct text_table {
    size_t ncol, nrow, cap;
    const char *head[TABLE_MAXCOL];
    int right[TABLE_MAXCOL];   /* right-aligned (numbers)? */
    char **cell;               /* nrow x ncol */
} text_table;

/* A table of `ncol` (<= TABLE_MAXCOL) columns with headers `head` (kept, not copied) and
 * alignments `right`. */
void table_init(text_table *t, size_t ncol, const char *const *head, const int *right);
/* Append a row of ncol cells (copied). */
void table_row(text_table *t, const char *const *cells);
void table_free(text_table *t);
/* Columns the UTF-8 string `s` takes on a terminal (the rule above). */
size_t table_width(const char *s);
/* Aligned text: each line indented two spaces, columns two spaces apart, a rule under the
 * header. */
void table_print_text(const text_table *t, FILE *out);
/* Without header and rule (for lists such as phoenix params). */
void table_print_rows(const text_table *t, FILE *out);
/* A Markdown table ('|' in cells escaped). */
void table_print_md(const text_table *t, FILE *out);

/* A readable number: "-" for NaN, thousands separators from 1,000 up to 1e15 (as an
 * integer), else 4 significant digits. */
void table_num(char *buf, size_t n, double x);
/* A probability with 3 decimals, "-" for NaN. */
void table_prob(char *buf, size_t n, double p);

#endif
