/* table.h -- internals of the firm-table reader (docs/model-population.md §1.1), shared by its three files:
 * tabletext.c (the file's bytes: SHA-256, encoding, conversion to UTF-8, NUL check), columns.c
 * (column names and aliases, cell values) and csv.c (RFC 4180 records with libcsv). Only
 * models/tlhn/ includes it; docs/model-population.md §1.1 describes what it accepts. */
#ifndef TLHN_TABLE_H
#define TLHN_TABLE_H

#include <stddef.h>
#include "firms.h"

/* ---- tabletext.c ------------------------------------------------------------------------------ */

/* A table's text, converted to UTF-8 without a byte-order mark and NUL-terminated. */
typedef struct tlhn_text {
    char *text;                 /* UTF-8, no BOM, no NUL inside */
    size_t len;
    char sha256[65];            /* hex SHA-256 of the file's bytes as read (before conversion) */
    const char *encoding;       /* "UTF-8", "GB18030" or "UTF-16" */
    int detected;               /* 1: chosen by detection, 0: given */
    int bom;                    /* the file began with a byte-order mark */
} tlhn_text;

/* Read `path` and convert it to UTF-8 with iconv. `encoding` is "auto", "utf-8", "gb18030" or
 * "utf-16". auto: a UTF-16 or UTF-8 byte-order mark decides; else valid UTF-8 is UTF-8; else
 * GB18030 (which contains GBK and GB2312) if the whole file decodes; else an error naming the
 * line and byte of the first undecodable byte and suggesting --encoding. A NUL character
 * anywhere is an error naming its line and column. PHX_OK or PHX_EINPUT with `e` filled. */
int tlhn_text_read(const char *path, const char *encoding, tlhn_text *t, phx_err *e);
void tlhn_text_free(tlhn_text *t);
/* Hex SHA-256 of s[0..n) (nettle). */
void tlhn_sha256_hex(const char *s, size_t n, char hex[65]);

/* Line (1-based; a line ends with LF, CR LF or a lone CR) and column (1-based, in characters of
 * UTF-8 text, or in bytes when `bytes`) of byte offset `off` of text[0..len). */
void tlhn_text_position(const char *text, size_t len, size_t off, int bytes, int *line,
                        int *col);

/* ---- columns.c -------------------------------------------------------------------------------- */

/* The §1.1 columns, in the order the writer uses. */
enum {
    TCOL_ID, TCOL_DISTRICT, TCOL_SECTOR, TCOL_ABOVE_SCALE, TCOL_LAND, TCOL_VA, TCOL_TAX,
    TCOL_ENERGY, TCOL_ELECTRICITY, TCOL_EMPLOYEES, TCOL_RD, TCOL_EMISSIONS, TCOL_N
};
extern const char *const tlhn_col_name[TCOL_N];      /* "id", "district", ... */
extern const char *const tlhn_col_zh[TCOL_N];        /* the main Chinese header of each column */

/* The column a header cell names (its English name or one of its Chinese aliases; blanks,
 * full-width parentheses and ASCII case are ignored), or -1. *mult is the factor that converts
 * the column's unit to the model's (1, or e.g. 1e4 for 用电量(万千瓦时)); *rank is the alias's
 * priority (0 first): two header cells for the id column keep the lower rank. */
int tlhn_col_find(const char *header, double *mult, int *rank);

/* Parse the number in `cell` (blanks around it allowed; thousands separators "12,345.6" in
 * groups of three; a trailing % when `percent` divides by 100; subnormal values kept). 0 on
 * success; else -1 with a short reason in `why` ("is empty", "is not a number", ...). Values
 * too large for a double (overflow to inf) are refused. */
int tlhn_cell_number(const char *cell, int percent, double *v, char *why, size_t n);
/* 规上 flag of a cell: 1/0, 是/否, 规上/规下, yes/no, y/n, true/false; -1 if none. */
int tlhn_cell_above_scale(const char *cell);
/* Is the id one of 合计, 总计, 小计, total (a totals row an Excel sheet often ends with)? */
int tlhn_cell_is_total(const char *cell);
/* The plausibility bound of numeric column c (model units): larger values are refused. */
double tlhn_col_max(int c);

#endif
