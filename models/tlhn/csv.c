/* csv.c -- the firm table as a CSV file (model-spec §1.1): reader and writer.
 * The format is plain: one header line naming the columns, comma-separated fields, no quoting.
 * A field can therefore never contain a comma; a quote character is an error, not a quote. */
#include "../../engine/outfile.h"
#include "firms.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The §1.1 columns, in the order the writer uses. */
enum {
    COL_ID, COL_DISTRICT, COL_SECTOR, COL_ABOVE_SCALE, COL_LAND, COL_VA, COL_TAX, COL_ENERGY,
    COL_ELECTRICITY, COL_EMPLOYEES, COL_RD, COL_EMISSIONS, N_COLS
};
static const char *const col_name[N_COLS] = {
    "id", "district", "sector", "above_scale", "land_mu", "value_added", "tax", "energy_tce",
    "electricity_kwh", "employees", "rd_ratio", "emissions"
};

/* The numeric column of `f` for column c (COL_LAND..COL_EMISSIONS). */
static double *num_col(const tlhn_firms *f, int c)
{
    switch (c) {
    case COL_LAND: return f->land_mu;
    case COL_VA: return f->value_added;
    case COL_TAX: return f->tax;
    case COL_ENERGY: return f->energy_tce;
    case COL_ELECTRICITY: return f->electricity_kwh;
    case COL_EMPLOYEES: return f->employees;
    case COL_RD: return f->rd_ratio;
    case COL_EMISSIONS: return f->emissions;
    default: return NULL;
    }
}

/* Split `line` at commas in place into at most `max` trimmed fields; returns the count found
 * (which may exceed `max`: the extra fields are counted, not stored). */
static size_t split(char *line, char **field, size_t max)
{
    size_t n = 0;
    for (char *p = line;; ) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (n < max)
            field[n] = phx_trim(p);
        n++;
        if (!comma)
            return n;
        p = comma + 1;
    }
}

/* Lines of the whole file, with their ends (\n or \r\n) cut off; NULL if it cannot be read. */
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
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(s);
        return NULL;
    }
    s[n] = '\0';
    *len = n;
    return s;
}

/* Reader state: the file, the column index of each §1.1 column in the header, and the table. */
typedef struct {
    const char *path;
    phx_err *e;
    size_t n_fields;              /* fields per line, from the header */
    size_t col[N_COLS];           /* field index of each column */
    char **field;                 /* n_fields slots */
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
    return phx_fail(rd->e, PHX_EINPUT, rd->path, line, column, "%s", msg);
}

static int read_header(reader *rd, char *line)
{
    if (strncmp(line, "\xEF\xBB\xBF", 3) == 0)   /* a UTF-8 byte-order mark */
        line += 3;
    if (strchr(line, '"'))
        return fail(rd, 1, NULL, "quoted fields are not supported");
    size_t n = 1;
    for (const char *q = line; *q; q++)
        n += *q == ',';
    rd->n_fields = n;
    rd->field = phx_calloc(n, sizeof *rd->field);
    split(line, rd->field, n);
    for (int c = 0; c < N_COLS; c++) {
        rd->col[c] = (size_t)-1;
        for (size_t k = 0; k < n; k++)
            if (strcmp(rd->field[k], col_name[c]) == 0) {
                if (rd->col[c] != (size_t)-1)
                    return fail(rd, 1, col_name[c], "column named twice in the header");
                rd->col[c] = k;
            }
        if (rd->col[c] == (size_t)-1)
            return fail(rd, 1, col_name[c], "missing column");
    }
    return PHX_OK;
}

/* Parse the numeric field of column c on `line` into row i, checking its bounds. */
static int read_number(reader *rd, tlhn_firms *f, size_t i, int c, int line)
{
    const char *s = rd->field[rd->col[c]];
    double v;
    if (phx_parse_double(s, &v) != 0)
        return fail(rd, line, col_name[c], "\"%s\" is not a number", s);
    if (v < 0)
        return fail(rd, line, col_name[c], "%s is negative", s);
    if (c == COL_LAND && v <= 0)
        return fail(rd, line, col_name[c], "%s: land must be more than 0 mu", s);
    if (c == COL_EMPLOYEES && v < 1)
        return fail(rd, line, col_name[c], "%s: a firm has at least 1 employee", s);
    if (c == COL_RD && v > 1)
        return fail(rd, line, col_name[c], "%s: the R&D ratio is a share of revenue, 0..1", s);
    num_col(f, c)[i] = v;
    return PHX_OK;
}

/* Parse one data line into row i. */
static int read_row(reader *rd, tlhn_firms *f, size_t i, char *text, int line)
{
    if (strchr(text, '"'))
        return fail(rd, line, NULL, "quoted fields are not supported");
    size_t n = split(text, rd->field, rd->n_fields);
    if (n != rd->n_fields)
        return fail(rd, line, NULL, "%zu fields where the header has %zu (a field may not "
                    "contain a comma)", n, rd->n_fields);
    const char *id = rd->field[rd->col[COL_ID]];
    if (*id == '\0')
        return fail(rd, line, "id", "empty id");
    const char *s = rd->field[rd->col[COL_DISTRICT]];
    int d = tlhn_district_find(s);
    if (d < 0)
        return fail(rd, line, "district", "unknown district \"%s\" (a §1.2 name or pinyin code, "
                    "e.g. 萧山, 萧山区 or xiaoshan)", s);
    s = rd->field[rd->col[COL_SECTOR]];
    int sec = tlhn_sector_find(s);
    if (sec < 0)
        return fail(rd, line, "sector", "unknown sector \"%s\" (one of textiles, chemicals, "
                    "minerals, metals, equipment, electronics, pharma, other)", s);
    s = rd->field[rd->col[COL_ABOVE_SCALE]];
    if (strcmp(s, "0") != 0 && strcmp(s, "1") != 0)
        return fail(rd, line, "above_scale", "\"%s\" is not 0 or 1", s);
    for (int c = COL_LAND; c < N_COLS; c++)
        if (read_number(rd, f, i, c, line) != PHX_OK)
            return PHX_EINPUT;
    f->id[i] = phx_strdup(id);
    f->district[i] = (uint8_t)d;
    f->sector[i] = (uint8_t)sec;
    f->above_scale[i] = s[0] == '1';
    return PHX_OK;
}

/* Is the line empty or blank? (Blank lines, e.g. a trailing one, are skipped.) */
static int blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r')
            return 0;
    return 1;
}

tlhn_firms *tlhn_firms_read_csv(const char *path, phx_err *e)
{
    size_t len;
    char *text = slurp(path, &len);
    if (text == NULL) {
        phx_fail(e, PHX_EINPUT, path, 0, NULL, "cannot read the firm table: %s",
                 strerror(errno));
        return NULL;
    }
    size_t n_lines = 1;
    for (size_t k = 0; k < len; k++)
        n_lines += text[k] == '\n';
    reader rd = { .path = path, .e = e };
    tlhn_firms *f = tlhn_firms_alloc(n_lines);
    int *line_of = phx_malloc(n_lines * sizeof *line_of);
    size_t n = 0;
    int rc = PHX_OK, line = 0;
    for (char *p = text, *next; p != NULL && rc == PHX_OK; p = next) {
        next = strchr(p, '\n');
        if (next)
            *next++ = '\0';
        else if (*p == '\0' && line > 0)
            break;                              /* the file ended with a line end */
        size_t l = strlen(p);
        if (l > 0 && p[l - 1] == '\r')
            p[l - 1] = '\0';
        line++;
        if (line == 1)
            rc = read_header(&rd, p);
        else if (!blank(p)) {
            line_of[n] = line;
            rc = read_row(&rd, f, n, p, line);
            n += rc == PHX_OK;
        }
    }
    f->n = n;
    size_t a, b;
    if (rc == PHX_OK && n == 0)
        rc = phx_fail(e, PHX_EINPUT, path, line, NULL, "the firm table has no firms");
    if (rc == PHX_OK && tlhn_firms_rank_ids(f, &a, &b) != 0)
        rc = phx_fail(e, PHX_EINPUT, path, line_of[b], "id",
                      "duplicate id \"%s\" (line %d has \"%s\")", f->id[b], line_of[a], f->id[a]);
    free(line_of);
    free(rd.field);
    free(text);
    if (rc != PHX_OK) {
        tlhn_firms_free(f);
        return NULL;
    }
    return f;
}

/* Can `id` be written as a plain CSV field that reads back as itself? */
static int id_writable(const char *id)
{
    return *id != '\0' && strpbrk(id, ",\"\r\n") == NULL
        && id[0] != ' ' && id[0] != '\t' && id[strlen(id) - 1] != ' '
        && id[strlen(id) - 1] != '\t';
}

static void write_rows(const tlhn_firms *f, FILE *fp)
{
    for (int c = 0; c < N_COLS; c++)
        fprintf(fp, "%s%s", c ? "," : "", col_name[c]);
    fputc('\n', fp);
    for (size_t i = 0; i < f->n; i++) {
        fprintf(fp, "%s,%s,%s,%d", f->id[i], tlhn_district_pinyin[f->district[i]],
                tlhn_sector_code[f->sector[i]], f->above_scale[i] ? 1 : 0);
        for (int c = COL_LAND; c < N_COLS; c++)
            fprintf(fp, ",%.17g", num_col(f, c)[i]);   /* 17 digits: reads back exactly */
        fputc('\n', fp);
    }
}

int tlhn_firms_write_csv(const tlhn_firms *f, const char *path, phx_err *e)
{
    for (size_t i = 0; i < f->n; i++)
        if (!id_writable(f->id[i]))
            return phx_fail(e, PHX_EINPUT, path, 0, "id", "id \"%s\" cannot be written to a CSV "
                            "field (empty, or a comma, quote, line break or edge blank)",
                            f->id[i]);
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
