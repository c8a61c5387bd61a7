/* csv.c -- the firm table as a CSV file (docs/model-population.md §1.1): reader and writer.
 * Records are RFC 4180 (quoted fields, embedded delimiters, quotes and line breaks; LF, CR LF
 * or CR line ends), split by libcsv in strict mode. The text comes from tabletext.c (UTF-8, any
 * encoding converted); column names and cell values are columns.c's. The reader feeds libcsv
 * one byte at a time so that every message can name the line a field starts on. */
#include "table.h"
#include "../../engine/outfile.h"

#include <csv.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEADER_SEARCH 10        /* the header is among the first 10 records (title rows above) */

/* The numeric column of `f` for column c (TCOL_LAND..TCOL_EMISSIONS). */
static double *num_col(const tlhn_firms *f, int c)
{
    double *const cols[] = { f->land_mu, f->value_added, f->tax, f->energy_tce,
                             f->electricity_kwh, f->employees, f->rd_ratio, f->emissions };
    return cols[c - TCOL_LAND];
}

/* Reader state: the record being collected, the header's columns, the table. */
typedef struct {
    const char *path;
    phx_err *e;
    int rc;
    /* the current record: fields as NUL-terminated strings in buf, at off[k] */
    char *buf;
    size_t blen, bcap;
    size_t *off;
    size_t nf, fcap;
    int record_line;            /* line its first field starts on */
    int cur_line, field_line, pending;   /* line of the byte fed; of the field being read */
    /* header */
    int header_line, records;   /* 0 until found; records seen so far */
    phx_err first;              /* what is wrong with record 1 as a header */
    size_t n_fields;
    size_t col[TCOL_N];         /* field index of each column */
    double mult[TCOL_N];        /* unit factor of each column */
    char *head[TCOL_N];         /* header cell of each column, as written */
    /* the table */
    tlhn_firms *f;
    size_t n;
    int *line_of;
    char delim;
} reader;

static int fail(reader *rd, int line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(reader *rd, int line, const char *column, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rd->rc = phx_fail(rd->e, PHX_EINPUT, rd->path, line, column, "%s", msg);
    return rd->rc;
}

static const char *field(const reader *rd, size_t k)
{
    return rd->buf + rd->off[k];
}

/* ---- the header --------------------------------------------------------------------------- */

/* Map the record's fields to columns; the number recognised, or -1 after an error in `e`
 * (a column named twice). */
static int match_header(reader *rd, phx_err *e)
{
    int rank[TCOL_N], found = 0;
    for (int c = 0; c < TCOL_N; c++)
        rd->col[c] = (size_t)-1;
    for (size_t k = 0; k < rd->nf; k++) {
        double mult;
        int r, c = tlhn_col_find(field(rd, k), &mult, &r);
        if (c < 0)
            continue;
        if (rd->col[c] != (size_t)-1 && (c != TCOL_ID || r == rank[c])) {
            phx_fail(e, PHX_EINPUT, rd->path, rd->record_line, tlhn_col_name[c], "named twice "
                     "in the header (columns %zu \"%s\" and %zu \"%s\"); keep one", rd->col[c] + 1,
                     field(rd, rd->col[c]), k + 1, field(rd, k));
            return -1;
        }
        found += rd->col[c] == (size_t)-1;
        if (rd->col[c] == (size_t)-1 || r < rank[c]) {
            rd->col[c] = k;
            rd->mult[c] = mult;
            rank[c] = r;
        }
    }
    return found;
}

/* The message for a header that lacks columns: all of them, in one line. */
static void missing_columns(reader *rd, phx_err *e, char delim)
{
    char list[640] = "";
    int n = 0, last = 0;
    for (int c = 0; c < TCOL_N; c++)
        if (rd->col[c] == (size_t)-1) {
            size_t l = strlen(list);
            snprintf(list + l, sizeof list - l, "%s%s (%s)", n ? ", " : "", tlhn_col_name[c],
                     tlhn_col_zh[c]);
            n++;
            last = c;
        }
    const char *hint = "";
    if (rd->nf == 1 && strpbrk(field(rd, 0), ",;\t") != NULL)
        hint = "; the header is one field: is the delimiter another one (--csv-delimiter)?";
    const char *dn = delim == '\t' ? "tab" : delim == ';' ? "semicolon" : "comma";
    if (n == 1)
        phx_fail(e, PHX_EINPUT, rd->path, rd->record_line, tlhn_col_name[last], "missing column "
                 "(accepted headers: docs/model-population.md §1.1; read with delimiter %s)%s",
                 dn, hint);
    else
        phx_fail(e, PHX_EINPUT, rd->path, rd->record_line, NULL, "%d missing columns: %s "
                 "(accepted headers: docs/model-population.md §1.1; read with delimiter %s)%s",
                 n, list, dn, hint);
}

/* A record while the header is searched for: the header when it names at least two columns
 * (rows above it, such as a title, are skipped); the first record's problem otherwise. */
static void header_record(reader *rd)
{
    phx_err e = { 0 };
    int found = match_header(rd, &e);
    rd->records++;
    if (found == TCOL_N) {
        rd->header_line = rd->record_line;
        rd->n_fields = rd->nf;
        for (int c = 0; c < TCOL_N; c++)
            rd->head[c] = phx_strdup(field(rd, rd->col[c]));
        return;
    }
    if (found < 0 && (rd->records == 1 || e.status)) {
        *rd->e = e;
        rd->rc = e.status;
        return;
    }
    if (found >= 2) {                       /* a header, but an incomplete one */
        missing_columns(rd, rd->e, rd->delim);
        rd->rc = PHX_EINPUT;
        return;
    }
    if (rd->records == 1)
        missing_columns(rd, &rd->first, rd->delim);
    if (rd->records >= HEADER_SEARCH) {
        *rd->e = rd->first;
        rd->rc = PHX_EINPUT;
    }
}

/* ---- a data record -------------------------------------------------------------------------- */

/* " (column 6, 增加值(万元))": where a cell is, when its header is not the English name. */
static void cell_place(const reader *rd, int c, char *buf, size_t n)
{
    if (strcmp(rd->head[c], tlhn_col_name[c]) == 0)
        snprintf(buf, n, " (column %zu)", rd->col[c] + 1);
    else
        snprintf(buf, n, " (column %zu, %s)", rd->col[c] + 1, rd->head[c]);
}

/* Parse the numeric cell of column c into row i, checking its bounds (docs §1.1). */
static int read_number(reader *rd, size_t i, int c, int line)
{
    const char *s = field(rd, rd->col[c]), *name = tlhn_col_name[c];
    char why[160], at[320];
    double v;
    cell_place(rd, c, at, sizeof at);
    if (tlhn_cell_number(s, c == TCOL_RD, &v, why, sizeof why) != 0)
        return fail(rd, line, name, "\"%s\" %s%s", s, why, at);
    v *= rd->mult[c];
    if (v < 0)
        return fail(rd, line, name, "%s is negative%s", s, at);
    if (c == TCOL_LAND && v <= 0)
        return fail(rd, line, name, "%s: land must be more than 0 mu%s", s, at);
    if (c == TCOL_EMPLOYEES && v < 1)
        return fail(rd, line, name, "%s: a firm has at least 1 employee%s", s, at);
    if (c == TCOL_RD && v > 1)
        return fail(rd, line, name, "%s: the R&D ratio is a share of revenue, 0..1 (or a "
                    "percentage written with %%)%s", s, at);
    if (v > tlhn_col_max(c))
        return fail(rd, line, name, "%s is implausibly large (at most %g for one firm; see "
                    "docs/model-population.md §1.1)%s", s, tlhn_col_max(c), at);
    num_col(rd->f, c)[i] = v;
    return PHX_OK;
}

static int all_empty(const reader *rd)
{
    for (size_t k = 0; k < rd->nf; k++)
        if (field(rd, k)[0] != '\0')             /* fields are trimmed already */
            return 0;
    return 1;
}

/* One data record into row rd->n. */
static void data_record(reader *rd)
{
    int line = rd->record_line;
    if (all_empty(rd))
        return;                             /* a blank row (Excel often ends with ",,,,") */
    while (rd->nf > rd->n_fields && field(rd, rd->nf - 1)[0] == '\0')
        rd->nf--;                           /* empty cells right of the header's last column */
    if (rd->nf != rd->n_fields) {
        fail(rd, line, NULL, "%zu fields where the header (line %d) has %zu (a number with a "
             "thousands separator, or a name with the delimiter in it, must be quoted: "
             "\"12,345.6\")", rd->nf, rd->header_line, rd->n_fields);
        return;
    }
    size_t i = rd->n;
    tlhn_firms *f = rd->f;
    const char *id = field(rd, rd->col[TCOL_ID]);
    if (*id == '\0') {
        fail(rd, line, "id", "empty id");
        return;
    }
    if (tlhn_cell_is_total(id)) {
        fail(rd, line, "id", "\"%s\": a totals row, not a firm; delete it", id);
        return;
    }
    const char *s = field(rd, rd->col[TCOL_DISTRICT]);
    int d = tlhn_district_find(s);
    if (d < 0) {
        fail(rd, line, "district", "unknown district \"%s\" (a §1.2 name with or without 区/县/市, "
             "or its pinyin code: 萧山, 萧山区, xiaoshan)", s);
        return;
    }
    s = field(rd, rd->col[TCOL_SECTOR]);
    int sec = tlhn_sector_find(s);
    if (sec < 0) {
        fail(rd, line, "sector", "unknown sector \"%s\" (one of textiles, chemicals, minerals, "
             "metals, equipment, electronics, pharma, other; their Chinese names; or a GB/T 4754 "
             "manufacturing division, name or code, as in docs/model-population.md §1.3)", s);
        return;
    }
    s = field(rd, rd->col[TCOL_ABOVE_SCALE]);
    int above = tlhn_cell_above_scale(s);
    if (above < 0) {
        fail(rd, line, "above_scale", "\"%s\" is not 0 or 1 (or 是/否, 规上/规下)", s);
        return;
    }
    for (int c = TCOL_LAND; c < TCOL_N; c++)
        if (read_number(rd, i, c, line) != PHX_OK)
            return;
    f->id[i] = phx_strdup(id);
    f->district[i] = (uint8_t)d;
    f->sector[i] = (uint8_t)sec;
    f->above_scale[i] = (uint8_t)above;
    rd->line_of[i] = line;
    rd->n++;
}

/* ---- libcsv callbacks and feeding ----------------------------------------------------------- */

static void on_field(void *s, size_t len, void *data)
{
    reader *rd = data;
    if (rd->rc != PHX_OK)
        return;
    int line = rd->pending ? rd->cur_line : rd->field_line;
    rd->pending = 1;
    if (rd->nf == 0)
        rd->record_line = line;
    if (rd->nf == rd->fcap)
        rd->off = phx_realloc(rd->off, (rd->fcap = 2 * rd->fcap + 16) * sizeof *rd->off);
    if (rd->blen + len + 1 > rd->bcap)
        rd->buf = phx_realloc(rd->buf, rd->bcap = 2 * (rd->blen + len + 1));
    memcpy(rd->buf + rd->blen, s, len);
    rd->buf[rd->blen + len] = '\0';
    rd->off[rd->nf++] = rd->blen;
    char *cell = phx_trim(rd->buf + rd->blen);          /* trimmed in place */
    size_t cl = strlen(cell);
    memmove(rd->buf + rd->blen, cell, cl + 1);
    rd->blen += cl + 1;
}

static void on_record(int c, void *data)
{
    (void)c;
    reader *rd = data;
    if (rd->rc == PHX_OK && rd->nf > 0) {
        if (rd->header_line == 0)
            header_record(rd);
        else
            data_record(rd);
    }
    rd->nf = 0;
    rd->blen = 0;
    rd->pending = 1;
}

/* libcsv's blanks, trimmed around unquoted fields: spaces, and tabs unless tab delimits. */
static int blank_space(unsigned char c) { return c == ' '; }
static int blank_space_tab(unsigned char c) { return c == ' ' || c == '\t'; }

static int is_line_end(const char *t, size_t len, size_t k)
{
    return t[k] == '\n' || (t[k] == '\r' && (k + 1 >= len || t[k + 1] != '\n'));
}

/* Run text[0..len) through libcsv into rd; stop after `max_records` when > 0. */
static int feed(reader *rd, const char *text, size_t len, size_t max_records)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        phx_malloc((size_t)-1);                   /* the one out-of-memory handler */
    csv_set_delim(&p, (unsigned char)rd->delim);
    csv_set_space_func(&p, rd->delim == '\t' ? blank_space : blank_space_tab);
    rd->cur_line = 1;
    rd->pending = 1;
    for (size_t k = 0; k < len && rd->rc == PHX_OK; k++) {
        if (max_records && (size_t)rd->records >= max_records)
            break;
        if (rd->pending && text[k] != '\r' && text[k] != '\n') {
            rd->field_line = rd->cur_line;
            rd->pending = 0;
        }
        if (csv_parse(&p, text + k, 1, on_field, on_record, rd) != 1) {
            fail(rd, rd->cur_line, NULL, "a quote inside an unquoted field, or text after a "
                 "closing quote (RFC 4180: quote the whole field and double each quote in it)");
            break;
        }
        rd->cur_line += is_line_end(text, len, k);
    }
    if (rd->rc == PHX_OK && !(max_records && (size_t)rd->records >= max_records)
        && csv_fini(&p, on_field, on_record, rd) != 0)
        fail(rd, rd->field_line, NULL, "a quoted field is not closed before the end of the file");
    csv_free(&p);
    return rd->rc;
}

/* ---- the delimiter ---------------------------------------------------------------------------- */

/* A trial read of the first records with one delimiter: the most column names in one record,
 * and the fields of the first record. */
typedef struct {
    int records, names, best, first_fields, fields;
} probe;

static void probe_field(void *s, size_t len, void *data)
{
    probe *pr = data;
    char cell[256];
    double mult;
    int rank;
    snprintf(cell, sizeof cell, "%.*s", (int)(len < 255 ? len : 255), (const char *)s);
    pr->names += tlhn_col_find(phx_trim(cell), &mult, &rank) >= 0;
    pr->fields++;
}

static void probe_record(int c, void *data)
{
    (void)c;
    probe *pr = data;
    if (pr->records++ == 0)
        pr->first_fields = pr->fields;
    if (pr->names > pr->best)
        pr->best = pr->names;
    pr->names = pr->fields = 0;
}

static probe try_delimiter(const char *text, size_t len, char delim)
{
    probe pr = { 0 };
    struct csv_parser p;
    if (csv_init(&p, 0) != 0)
        phx_malloc((size_t)-1);
    csv_set_delim(&p, (unsigned char)delim);
    for (size_t k = 0; k < len && pr.records < HEADER_SEARCH; k += 256)
        csv_parse(&p, text + k, len - k < 256 ? len - k : 256, probe_field, probe_record, &pr);
    if (pr.records < HEADER_SEARCH)
        csv_fini(&p, probe_field, probe_record, &pr);
    csv_free(&p);
    return pr;
}

/* The delimiter that finds the most column names in one of the first records; on a tie the
 * one that splits the first record into more fields; then comma, tab, semicolon in that order. */
static char detect_delimiter(const char *text, size_t len)
{
    static const char cand[] = { ',', '\t', ';' };
    char best = ',';
    probe bp = { .best = -1 };
    for (size_t k = 0; k < sizeof cand; k++) {
        probe pr = try_delimiter(text, len, cand[k]);
        if (pr.best > bp.best || (pr.best == bp.best && pr.first_fields > bp.first_fields)) {
            bp = pr;
            best = cand[k];
        }
    }
    return best;
}

/* ---- the reader ------------------------------------------------------------------------------ */

static char delimiter_of(const char *name)
{
    if (name == NULL || strcmp(name, "auto") == 0)
        return 0;
    if (strcmp(name, "tab") == 0 || strcmp(name, "\t") == 0)
        return '\t';
    if (strcmp(name, "semicolon") == 0 || strcmp(name, ";") == 0)
        return ';';
    return ',';
}

/* Provenance of a table read from `path` (docs/output.md: /scenarios/<name>/provenance). */
static void set_source(tlhn_firms *f, const char *path, const tlhn_text *t, char delim,
                       int detected, int header_line)
{
    tlhn_firms_source *src = &f->src;
    src->path = phx_strdup(path);
    char *real = realpath(path, NULL);
    src->resolved = phx_strdup(real ? real : path);
    free(real);
    memcpy(src->sha256, t->sha256, sizeof src->sha256);
    src->encoding = t->encoding;
    src->encoding_detected = t->detected;
    src->delimiter = delim;
    src->delimiter_detected = detected;
    src->header_line = header_line;
}

static int finish(reader *rd, int line)
{
    tlhn_firms *f = rd->f;
    f->n = rd->n;
    size_t a, b;
    if (rd->header_line == 0)
        return rd->records > 0 ? (*rd->e = rd->first, PHX_EINPUT)
                               : fail(rd, 1, NULL, "the firm table is empty (no header)");
    if (rd->n == 0)
        return fail(rd, rd->header_line, NULL, "the firm table has no firms (a header and no "
                    "rows)");
    if (rd->n > UINT32_MAX)
        return fail(rd, line, NULL, "too many firms (at most %u)", UINT32_MAX);
    if (tlhn_firms_rank_ids(f, &a, &b) != 0)
        return fail(rd, rd->line_of[b], "id", "duplicate id \"%s\" (line %d has \"%s\")",
                    f->id[b], rd->line_of[a], f->id[a]);
    return PHX_OK;
}

tlhn_firms *tlhn_firms_read_csv_opts(const char *path, const tlhn_csv_opts *o, phx_err *e)
{
    phx_err local = { 0 };
    if (e == NULL)
        e = &local;
    tlhn_text t;
    if (tlhn_text_read(path, o ? o->encoding : NULL, &t, e) != PHX_OK)
        return NULL;
    char delim = delimiter_of(o ? o->delimiter : NULL);
    int detected = delim == 0;
    if (detected)
        delim = detect_delimiter(t.text, t.len);
    size_t upper = 1;                           /* records <= line ends + 1 */
    for (size_t k = 0; k < t.len; k++)
        upper += is_line_end(t.text, t.len, k);
    reader rd = { .path = path, .e = e, .delim = delim };
    rd.f = tlhn_firms_alloc(upper);
    rd.line_of = phx_malloc(upper * sizeof *rd.line_of);
    int rc = feed(&rd, t.text, t.len, 0);
    if (rc == PHX_OK)
        rc = finish(&rd, rd.cur_line);
    if (rc == PHX_OK)
        set_source(rd.f, path, &t, delim, detected, rd.header_line);
    free(rd.line_of);
    free(rd.buf);
    free(rd.off);
    for (int c = 0; c < TCOL_N; c++)
        free(rd.head[c]);
    tlhn_text_free(&t);
    if (rc != PHX_OK) {
        tlhn_firms_free(rd.f);
        return NULL;
    }
    return rd.f;
}

tlhn_firms *tlhn_firms_read_csv(const char *path, phx_err *e)
{
    return tlhn_firms_read_csv_opts(path, NULL, e);
}

/* ---- the writer ------------------------------------------------------------------------------ */

/* Can `id` be written to a field that reads back as itself (fields are trimmed)? */
static int id_writable(const char *id)
{
    size_t n = strlen(id);
    return n > 0 && id[0] != ' ' && id[0] != '\t' && id[n - 1] != ' ' && id[n - 1] != '\t';
}

static void write_rows(const tlhn_firms *f, FILE *fp)
{
    for (int c = 0; c < TCOL_N; c++)
        fprintf(fp, "%s%s", c ? "," : "", tlhn_col_name[c]);
    fputc('\n', fp);
    for (size_t i = 0; i < f->n; i++) {
        if (strpbrk(f->id[i], ",\"\r\n") != NULL)
            csv_fwrite(fp, f->id[i], strlen(f->id[i]));    /* quoted, quotes doubled */
        else
            fputs(f->id[i], fp);
        fprintf(fp, ",%s,%s,%d", tlhn_district_pinyin[f->district[i]],
                tlhn_sector_code[f->sector[i]], f->above_scale[i] ? 1 : 0);
        for (int c = TCOL_LAND; c < TCOL_N; c++)
            fprintf(fp, ",%.17g", num_col(f, c)[i]);   /* 17 digits: reads back exactly */
        fputc('\n', fp);
    }
}

int tlhn_firms_csv_sha256(const tlhn_firms *f, char hex[65])
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    if (fp == NULL)
        return -1;
    write_rows(f, fp);
    int bad = ferror(fp);
    if (fclose(fp) != 0 || bad) {
        free(text);
        return -1;
    }
    tlhn_sha256_hex(text, len, hex);
    free(text);
    return 0;
}

int tlhn_firms_write_csv(const tlhn_firms *f, const char *path, phx_err *e)
{
    for (size_t i = 0; i < f->n; i++)
        if (!id_writable(f->id[i]))
            return phx_fail(e, PHX_EINPUT, path, 0, "id", "id \"%s\" cannot be written to a CSV "
                            "field (empty, or a blank at an edge)", f->id[i]);
    /* The caller (phoenix synth) has applied --force; the one set of rules is engine/outfile.h. */
    phx_outfile of;
    int rc = outfile_open(&of, path, 1, e);
    if (rc != PHX_OK)
        return rc;
    FILE *fp = fopen(of.tmp, "w");
    int ok = fp != NULL;
    if (ok) {
        write_rows(f, fp);
        ok = !ferror(fp);
        ok = (fclose(fp) == 0) && ok;
    }
    if (!ok) {
        int err = errno;
        outfile_abort(&of);
        return phx_fail(e, PHX_ERUN, path, 0, NULL, "cannot write the firm table: %s",
                        strerror(err));
    }
    return outfile_commit(&of, e);
}
