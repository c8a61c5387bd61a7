/* ini.c -- INI loading for scenario files: libinih with line numbers, `base` chains and
 * command-line overrides (see ini.h). */
#include "ini.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>
#include "ini_text.h"

const char *keep_string(loader *L, const char *s)
{
    L->strings = phx_realloc(L->strings, (L->n_strings + 1) * sizeof *L->strings);
    return L->strings[L->n_strings++] = phx_strdup(s);
}

void add_entry(loader *L, const char *key, const char *value, const char *file, int line)
{
    if (L->n == L->cap) {
        L->cap = L->cap ? 2 * L->cap : 64;
        L->e = phx_realloc(L->e, L->cap * sizeof *L->e);
    }
    char *v = phx_strdup(value);
    char *t = phx_trim(v);
    memmove(v, t, strlen(t) + 1);
    L->e[L->n++] = (entry){ phx_strdup(key), v, file, line };
}

/* ---- reading one file ---------------------------------------------------------------------- */

typedef struct file_ctx {
    loader *L;
    ini_text t;         /* the file's text; t.line: the line last handed to inih */
    const char *file;
    size_t first;       /* first entry of this file in L->e */
    phx_err err;        /* first error found by the handler */
} file_ctx;

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    file_ctx *c = user;
    if (c->err.status)
        return 1;       /* report only the first error */
    if (section[0] == '\0') {
        phx_fail(&c->err, PHX_EINPUT, c->file, c->t.line, name, "key outside any [section]");
        return 0;
    }
    char key[256];
    if (snprintf(key, sizeof key, "%s.%s", section, name) >= (int)sizeof key) {
        phx_fail(&c->err, PHX_EINPUT, c->file, c->t.line, name, "key too long");
        return 0;
    }
    for (size_t i = c->first; i < c->L->n; i++)
        if (strcmp(c->L->e[i].key, key) == 0) {
            phx_fail(&c->err, PHX_EINPUT, c->file, c->t.line, key, "set twice (first at line %d)",
                     c->L->e[i].line);
            return 0;
        }
    add_entry(c->L, key, value, c->file, c->t.line);
    return 1;
}

/* Directory part of `path` joined with `rel` (unless rel is absolute). */
char *path_relative_to(const char *path, const char *rel)
{
    if (rel[0] == '/' || strchr(path, '/') == NULL)
        return phx_strdup(rel);
    size_t dl = (size_t)(strrchr(path, '/') - path);
    char *out = phx_malloc(dl + strlen(rel) + 2);
    memcpy(out, path, dl);
    out[dl] = '/';
    strcpy(out + dl + 1, rel);
    return out;
}

/* Open `path` and push it on the chain of files being loaded (cycle and depth checks). */
static int open_file(loader *L, const char *path, const char *from_file, int from_line, FILE **out,
                     phx_err *e)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        if (from_file)
            return phx_fail(e, PHX_EINPUT, from_file, from_line, "scenario.base",
                            "cannot read base file '%s': %s", path, strerror(errno));
        return phx_fail(e, PHX_EINPUT, path, 0, NULL, "cannot read scenario file: %s", strerror(errno));
    }
    char real[PATH_MAX];
    if (realpath(path, real) == NULL)
        snprintf(real, sizeof real, "%s", path);
    for (int i = 0; i < L->depth; i++)
        if (strcmp(L->chain[i], real) == 0) {
            fclose(f);
            return phx_fail(e, PHX_EINPUT, from_file, from_line, "scenario.base",
                            "base chain has a cycle: '%s' is already being loaded", path);
        }
    if (L->depth == MAX_BASE_DEPTH) {
        fclose(f);
        return phx_fail(e, PHX_EINPUT, from_file, from_line, "scenario.base", "base chain deeper than %d",
                        MAX_BASE_DEPTH);
    }
    L->chain[L->depth++] = phx_strdup(real);
    *out = f;
    return PHX_OK;
}

/* Parse the open file `f` (named `path`) into L's entries, from index *first on: read whole and
 * checked as text first, then handed to libinih a line at a time (ini_text.h says why). */
static int parse_file(loader *L, FILE *f, const char *path, size_t *first, const char **file,
                      phx_err *e)
{
    file_ctx c = { .L = L, .file = keep_string(L, path), .first = L->n };
    *first = c.first;
    *file = c.file;
    if (ini_text_read(&c.t, f, c.file, e) != PHX_OK) {
        ini_text_free(&c.t);
        return e->status;
    }
    /* Debian's libinih exposes its options at run time: no multi-line values (an indented key
     * is a key, not a continuation), and a line buffer that grows up to the longest line. */
    ini_allow_multiline = false;
    ini_use_stack = false;
    ini_allow_realloc = true;
    ini_max_line = (int)c.t.n + 2;
    c.t.at_line_start = 1;
    int r = ini_parse_stream(ini_text_reader, &c.t, on_key, &c);
    ini_text_free(&c.t);                     /* has_scenario stays */
    if (c.err.status) {
        *e = c.err;
        return c.err.status;
    }
    if (r > 0)
        return phx_fail(e, PHX_EINPUT, c.file, r, NULL, "syntax error: expected '[section]' or 'key = value'");
    if (r < 0)
        return phx_fail(e, PHX_ERUN, c.file, 0, NULL, "cannot parse (out of memory)");
    if (!c.t.has_scenario)
        return phx_fail(e, PHX_EINPUT, c.file, 0, NULL,
                        "not a scenario: no [scenario] section (docs/scenarios.md)");
    return PHX_OK;
}

/* If this file's entries (from `first`) name a base, load it first and move them after it, so
 * that the child wins. */
static int load_base(loader *L, const char *path, size_t first, phx_err *e)
{
    for (size_t i = first; i < L->n; i++) {
        if (strcmp(L->e[i].key, "scenario.base") != 0 || L->e[i].value[0] == '\0')
            continue;
        size_t n_own = L->n - first;
        entry *own = phx_malloc(n_own * sizeof *own);
        memcpy(own, L->e + first, n_own * sizeof *own);
        L->n = first;
        char *bp = path_relative_to(path, own[i - first].value);
        int st = load_file(L, bp, own[i - first].file, own[i - first].line, e);
        free(bp);
        for (size_t j = 0; j < n_own; j++) {
            if (st == PHX_OK)
                add_entry(L, own[j].key, own[j].value, own[j].file, own[j].line);
            free(own[j].key);
            free(own[j].value);
        }
        free(own);
        return st;
    }
    return PHX_OK;
}

int load_file(loader *L, const char *path, const char *from_file, int from_line, phx_err *e)
{
    FILE *f = NULL;
    int st = open_file(L, path, from_file, from_line, &f, e);
    if (st != PHX_OK)
        return st;
    size_t first = L->n;
    const char *file = NULL;
    st = parse_file(L, f, path, &first, &file, e);
    fclose(f);
    if (st == PHX_OK)
        st = load_base(L, path, first, e);
    free(L->chain[--L->depth]);
    return st;
}

int add_overrides(loader *L, const scenario_override *ov, size_t n_ov, phx_err *e)
{
    for (size_t i = 0; i < n_ov; i++) {
        const char *origin = keep_string(L, ov[i].origin);
        if (strchr(ov[i].key, '.') == NULL)
            return phx_fail(e, PHX_EINPUT, origin, 0, ov[i].key, "expected section.key=value");
        add_entry(L, ov[i].key, ov[i].value, origin, 0);
    }
    return PHX_OK;
}

const entry *find_entry(const loader *L, const char *key)
{
    for (size_t i = L->n; i-- > 0;)          /* last wins */
        if (strcmp(L->e[i].key, key) == 0)
            return &L->e[i];
    return NULL;
}

void loader_free(loader *L)
{
    for (size_t i = 0; i < L->n; i++) {
        free(L->e[i].key);
        free(L->e[i].value);
    }
    free(L->e);
    for (size_t i = 0; i < L->n_strings; i++)
        free(L->strings[i]);
    free(L->strings);
}

