/* observed.c -- the observations CSV, parsed with libcsv (RFC 4180 quoting, so a source may
 * contain commas when quoted). The file is fed to the parser one byte at a time, so that every
 * field's line and column are known for error messages; observation files are small. */
#include "observed.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <csv.h>

enum { COL_METRIC, COL_YEAR, COL_VALUE, COL_SD, COL_SOURCE, N_COLS };
static const char *const col_name[N_COLS] = { "metric", "year", "value", "sd", "source" };

#define MAX_FIELDS 16

typedef struct field {
    char *text;
    int line, col;
} field;

typedef struct reader {
    const scenario *sc;
    observed *o;
    phx_err *e;
    int err;                        /* an error was reported: ignore the rest */
    int line, col;                  /* position of the byte being fed */
    int started, start_line, start_col;   /* where the field in progress starts */
    field f[MAX_FIELDS];
    size_t n_fields;                /* fields of the row in progress (may exceed MAX_FIELDS) */
    int header_done;
    int col_of[N_COLS];             /* field index of each column */
    int header_line;
} reader;

static int rd_fail(reader *r, int line, int col, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int rd_fail(reader *r, int line, int col, const char *what, const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->err = 1;
    if (what)
        return phx_fail(r->e, PHX_EINPUT, NULL, 0, NULL, "%s:%d:%d: %s: %s", r->o->path, line, col,
                        what, msg);
    return phx_fail(r->e, PHX_EINPUT, NULL, 0, NULL, "%s:%d:%d: %s", r->o->path, line, col, msg);
}

static void on_field(void *s, size_t len, void *data)
{
    reader *r = data;
    if (!r->started) {          /* an empty field: it stands where its terminator is */
        r->start_line = r->line;
        r->start_col = r->col;
    }
    r->started = 0;
    if (r->err || r->n_fields++ >= MAX_FIELDS)
        return;
    field *f = &r->f[r->n_fields - 1];
    free(f->text);
    f->text = phx_malloc(len + 1);
    if (len)
        memcpy(f->text, s, len);
    f->text[len] = '\0';
    f->line = r->start_line;
    f->col = r->start_col;
}

static void read_header(reader *r)
{
    for (int c = 0; c < N_COLS; c++)
        r->col_of[c] = -1;
    r->header_line = r->f[0].line;
    for (size_t k = 0; k < r->n_fields && !r->err; k++) {
        const char *name = r->f[k].text;
        if (k == 0 && strncmp(name, "\xEF\xBB\xBF", 3) == 0)   /* a UTF-8 byte-order mark */
            name += 3;
        int c = 0;
        while (c < N_COLS && strcmp(name, col_name[c]) != 0)
            c++;
        if (c == N_COLS)
            rd_fail(r, r->f[k].line, r->f[k].col, NULL,
                    "unknown column '%s' (expected metric, year, value, sd, source)", name);
        else if (r->col_of[c] >= 0)
            rd_fail(r, r->f[k].line, r->f[k].col, NULL, "column '%s' appears twice", name);
        else
            r->col_of[c] = (int)k;
    }
    for (int c = 0; c < N_COLS && !r->err; c++)
        if (r->col_of[c] < 0)
            rd_fail(r, r->header_line, 1, NULL, "the header has no column '%s' (expected metric, "
                    "year, value, sd, source)", col_name[c]);
}

/* One data row, fields already counted and within MAX_FIELDS. */
static void read_row(reader *r)
{
    const scenario *sc = r->sc;
    const field *fm = &r->f[r->col_of[COL_METRIC]], *fy = &r->f[r->col_of[COL_YEAR]];
    const field *fv = &r->f[r->col_of[COL_VALUE]], *fs = &r->f[r->col_of[COL_SD]];
    const field *fo = &r->f[r->col_of[COL_SOURCE]];
    observation ob = { 0 };
    long year;
    ob.metric = model_metric_find(sc->model, fm->text);
    ob.line = fm->line;
    if (ob.metric < 0) {
        rd_fail(r, fm->line, fm->col, "metric", "'%s' is not a metric of model %s (see `phoenix "
                "params %s`)", fm->text, sc->model->name, sc->model->name);
        return;
    }
    if (phx_parse_long(fy->text, &year) || year < 1900 || year > 2200) {
        rd_fail(r, fy->line, fy->col, "year", "'%s' is not a calendar year", fy->text);
        return;
    }
    if (phx_parse_double(fv->text, &ob.value)) {
        rd_fail(r, fv->line, fv->col, "value", "'%s' is not a number", fv->text);
        return;
    }
    if (phx_parse_double(fs->text, &ob.sd) || !(ob.sd > 0)) {
        rd_fail(r, fs->line, fs->col, "sd", "'%s' is not a positive number", fs->text);
        return;
    }
    if (fo->text[strspn(fo->text, " \t")] == '\0') {
        rd_fail(r, fo->line, fo->col, "source", "empty: name where the value comes from");
        return;
    }
    ob.year = (int)year;
    for (size_t i = 0; i < r->o->n; i++)
        if (r->o->obs[i].metric == ob.metric && r->o->obs[i].year == ob.year) {
            rd_fail(r, fm->line, fm->col, "metric", "%s %d is also observed at line %d",
                    fm->text, ob.year, r->o->obs[i].line);
            return;
        }
    ob.year_index = ob.year >= sc->year_first && ob.year <= sc->year_last ? ob.year - sc->year_first : -1;
    ob.source = phx_strdup(fo->text);
    r->o->obs = phx_realloc(r->o->obs, (r->o->n + 1) * sizeof *r->o->obs);
    r->o->obs[r->o->n++] = ob;
    r->o->n_used += ob.year_index >= 0;
}

static void on_row(int c, void *data)
{
    reader *r = data;
    size_t n = r->n_fields;
    r->n_fields = 0;
    r->started = 0;
    if (r->err || n == 0)
        return;
    if (!r->header_done) {
        r->header_done = 1;
        if (n > MAX_FIELDS) {
            rd_fail(r, r->f[0].line, r->f[0].col, NULL, "%zu columns; expected the five metric, "
                    "year, value, sd, source", n);
            return;
        }
        r->n_fields = n;
        read_header(r);
        r->header_line = r->f[0].line;
        r->n_fields = 0;
        return;
    }
    size_t want = 0;
    for (int k = 0; k < N_COLS; k++)
        want = (size_t)r->col_of[k] + 1 > want ? (size_t)r->col_of[k] + 1 : want;
    if (n != want) {
        const field *last = &r->f[(n < MAX_FIELDS ? n : MAX_FIELDS) - 1];
        rd_fail(r, r->f[0].line, n < want ? last->col : r->f[want < MAX_FIELDS ? want : 0].col,
                NULL, "%zu fields; the header (line %d) has %zu", n, r->header_line, want);
        return;
    }
    read_row(r);
}

/* Feed the file to libcsv byte by byte, tracking the position. */
static int parse_file(FILE *fp, reader *r)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return phx_fail(r->e, PHX_ERUN, r->o->path, 0, NULL, "cannot start the CSV parser");
    r->line = 1;
    r->col = 1;
    int ch;
    while (!r->err && (ch = fgetc(fp)) != EOF) {
        unsigned char b = (unsigned char)ch;
        if (!r->started && b != '\n' && b != '\r') {
            r->started = 1;
            r->start_line = r->line;
            r->start_col = r->col;
        }
        if (csv_parse(&p, &b, 1, on_field, on_row, r) != 1 && !r->err)
            rd_fail(r, r->line, r->col, NULL, "%s", csv_strerror(csv_error(&p)));
        if (b == '\n') {
            r->line++;
            r->col = 1;
        } else if ((b & 0xC0) != 0x80) {       /* a column per character, not per UTF-8 byte */
            r->col++;
        }
    }
    if (!r->err && csv_fini(&p, on_field, on_row, r) != 0 && !r->err)
        rd_fail(r, r->line, r->col, NULL, "%s (an unterminated quote?)", csv_strerror(csv_error(&p)));
    csv_free(&p);
    return r->err ? PHX_EINPUT : PHX_OK;
}

int observed_load(const char *path, const scenario *sc, observed **out, phx_err *e)
{
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "cannot read observations: %s", strerror(errno));
    observed *o = phx_calloc(1, sizeof *o);
    o->path = phx_strdup(path);
    reader r = { .sc = sc, .o = o, .e = e };
    int st = parse_file(fp, &r);
    fclose(fp);
    for (size_t k = 0; k < MAX_FIELDS; k++)
        free(r.f[k].text);
    if (st == PHX_OK && o->n == 0)
        st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "no observations (expected a header "
                      "metric,year,value,sd,source and at least one row)");
    if (st == PHX_OK && o->n_used == 0)
        st = phx_fail(e, PHX_EINPUT, path, 0, NULL, "no observation falls in the scenario's years "
                      "%d-%d", sc->year_first, sc->year_last);
    if (st != PHX_OK) {
        observed_free(o);
        return st;
    }
    *out = o;
    return PHX_OK;
}

void observed_free(observed *o)
{
    if (o == NULL)
        return;
    for (size_t i = 0; i < o->n; i++)
        free(o->obs[i].source);
    free(o->obs);
    free(o->path);
    free(o);
}

size_t observed_row_index(const observation *o, const scenario *sc)
{
    return (size_t)o->metric * (size_t)sc->n_years + (size_t)o->year_index;
}
