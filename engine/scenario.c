/* scenario.c -- scenario files: INI parsed with libinih, `base` inheritance, command-line
 * overrides, validation against the model's parameter table, and the resolved text + SHA-256. */
#include "scenario.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>
#include <nettle/sha2.h>

#define MAX_YEARS 200
#define MAX_BASE_DEPTH 64

/* One `key = value` as found in a file or on the command line. */
typedef struct entry {
    char *key;          /* "section.key" */
    char *value;
    const char *file;   /* owned by the loader's string list */
    int line;
} entry;

typedef struct loader {
    entry *e;
    size_t n, cap;
    char **strings;     /* file names and origins, handed over to the scenario */
    size_t n_strings;
    char *chain[MAX_BASE_DEPTH];   /* real paths of the files being loaded (cycle check) */
    int depth;
} loader;

/* The keys of [scenario], handled by the engine itself. */
static const char *const scenario_keys[] = {
    "name", "description", "base", "model", "years", "replications", "seed", "firms", "sampler"
};
#define N_SCENARIO_KEYS (sizeof scenario_keys / sizeof scenario_keys[0])

static const char *keep_string(loader *L, const char *s)
{
    L->strings = phx_realloc(L->strings, (L->n_strings + 1) * sizeof *L->strings);
    return L->strings[L->n_strings++] = phx_strdup(s);
}

static void add_entry(loader *L, const char *key, const char *value, const char *file, int line)
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
    FILE *f;
    const char *file;
    int line;           /* line of the text last handed to inih */
    size_t first;       /* first entry of this file in L->e */
    phx_err err;        /* first error found by the handler */
} file_ctx;

/* An fgets that counts lines, so the handler knows where each key stands. */
static char *counting_reader(char *str, int num, void *stream)
{
    file_ctx *c = stream;
    char *r = fgets(str, num, c->f);
    if (r != NULL)
        c->line++;
    return r;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    file_ctx *c = user;
    if (c->err.status)
        return 1;       /* report only the first error */
    if (section[0] == '\0') {
        phx_fail(&c->err, PHX_EINPUT, c->file, c->line, name, "key outside any [section]");
        return 0;
    }
    char key[256];
    if (snprintf(key, sizeof key, "%s.%s", section, name) >= (int)sizeof key) {
        phx_fail(&c->err, PHX_EINPUT, c->file, c->line, name, "key too long");
        return 0;
    }
    for (size_t i = c->first; i < c->L->n; i++)
        if (strcmp(c->L->e[i].key, key) == 0) {
            phx_fail(&c->err, PHX_EINPUT, c->file, c->line, key, "set twice (first at line %d)",
                     c->L->e[i].line);
            return 0;
        }
    add_entry(c->L, key, value, c->file, c->line);
    return 1;
}

static int load_file(loader *L, const char *path, const char *from_file, int from_line, phx_err *e);

/* Directory part of `path` joined with `rel` (unless rel is absolute). */
static char *path_relative_to(const char *path, const char *rel)
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

static int load_file(loader *L, const char *path, const char *from_file, int from_line, phx_err *e)
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

    /* Debian's libinih exposes its options at run time: no multi-line values (an indented key
     * is a key, not a continuation), and a line buffer that grows for long lines. */
    ini_allow_multiline = false;
    ini_use_stack = false;
    ini_allow_realloc = true;

    file_ctx c = { .L = L, .f = f, .file = keep_string(L, path), .first = L->n };
    int r = ini_parse_stream(counting_reader, &c, on_key, &c);
    fclose(f);
    int st = PHX_OK;
    if (c.err.status) {
        *e = c.err;
        st = c.err.status;
    } else if (r > 0) {
        st = phx_fail(e, PHX_EINPUT, c.file, r, NULL,
                      "syntax error: expected '[section]' or 'key = value'");
    } else if (r < 0) {
        st = phx_fail(e, PHX_ERUN, c.file, 0, NULL, "cannot parse (out of memory)");
    }
    if (st == PHX_OK) {
        /* The base is loaded first and this file's entries moved after it, so the child wins. */
        for (size_t i = c.first; i < L->n; i++) {
            if (strcmp(L->e[i].key, "scenario.base") != 0 || L->e[i].value[0] == '\0')
                continue;
            size_t n_own = L->n - c.first;
            entry *own = phx_malloc(n_own * sizeof *own);
            memcpy(own, L->e + c.first, n_own * sizeof *own);
            L->n = c.first;
            char *bp = path_relative_to(path, own[i - c.first].value);
            st = load_file(L, bp, own[i - c.first].file, own[i - c.first].line, e);
            free(bp);
            for (size_t j = 0; j < n_own; j++) {
                if (st == PHX_OK)
                    add_entry(L, own[j].key, own[j].value, own[j].file, own[j].line);
                free(own[j].key);
                free(own[j].value);
            }
            free(own);
            break;
        }
    }
    free(L->chain[--L->depth]);
    return st;
}

/* ---- values ---------------------------------------------------------------------------------- */

/* Split a value into items at commas and blanks outside parentheses. Returns the count; items
 * are written into `buf` (modified copy) and pointed to by `items`. */
static int split_items(char *buf, char **items, int max)
{
    int n = 0, depth = 0;
    char *p = buf, *start = NULL;
    for (;; p++) {
        char ch = *p;
        int sep = (ch == '\0') || (depth == 0 && (ch == ',' || isspace((unsigned char)ch)));
        if (ch == '(')
            depth++;
        else if (ch == ')' && depth > 0)
            depth--;
        if (sep) {
            if (start) {
                *p = '\0';
                if (n == max)
                    return max + 1;
                items[n++] = start;
                start = NULL;
            }
            if (ch == '\0')
                break;
        } else if (!start) {
            start = p;
        }
    }
    return n;
}

static int parse_value(scenario *sc, const param_def *pd, scenario_value *sv, phx_err *e)
{
    const char *file = sv->file;
    int line = sv->line;
    if (pd->kind == PARAM_TEXT)
        return PHX_OK;
    char *buf = phx_strdup(sv->text);
    char *items[MAX_YEARS + 1];
    int n = split_items(buf, items, MAX_YEARS);
    int st = PHX_OK;
    if (n == 0) {
        st = phx_fail(e, PHX_EINPUT, file, line, pd->name, "empty value");
    } else if (pd->kind == PARAM_CHOICE || pd->kind == PARAM_LIST) {
        if (pd->kind == PARAM_CHOICE && n > 1)
            st = phx_fail(e, PHX_EINPUT, file, line, pd->name, "expects one of %s, got '%s'",
                          pd->choices, sv->text);
        for (int i = 0; st == PHX_OK && i < n; i++)
            if (!param_choice_ok(pd->choices, items[i]))
                st = phx_fail(e, PHX_EINPUT, file, line, pd->name, "'%s' is not one of %s", items[i],
                              pd->choices);
    } else if (n > 1 && !(pd->flags & PARAM_PER_YEAR)) {
        st = phx_fail(e, PHX_EINPUT, file, line, pd->name, "expects a single value, got %d", n);
    } else if (n > 1 && n != sc->n_years) {
        st = phx_fail(e, PHX_EINPUT, file, line, pd->name,
                      "expects 1 value or %d (one per year %d-%d), got %d", sc->n_years,
                      sc->year_first, sc->year_last, n);
    } else {
        sv->n = n;
        sv->v = phx_calloc((size_t)n, sizeof *sv->v);
        for (int i = 0; st == PHX_OK && i < n; i++) {
            dist *d = &sv->v[i];
            st = dist_parse(items[i], d, e, file, line, pd->name);
            if (st != PHX_OK)
                break;
            if (d->kind != DIST_CONST && !(pd->flags & PARAM_RANDOM)) {
                st = phx_fail(e, PHX_EINPUT, file, line, pd->name,
                              "must be a constant, not a distribution");
                break;
            }
            if (pd->kind == PARAM_INT && d->a != floor(d->a)) {
                st = phx_fail(e, PHX_EINPUT, file, line, pd->name, "'%s' is not an integer", items[i]);
                break;
            }
            double lo, hi;
            dist_support(d, &lo, &hi);
            if (lo < pd->lo || hi > pd->hi) {
                if (d->kind == DIST_CONST)
                    st = phx_fail(e, PHX_EINPUT, file, line, pd->name, "%s is out of bounds [%g, %g]",
                                  items[i], pd->lo, pd->hi);
                else
                    st = phx_fail(e, PHX_EINPUT, file, line, pd->name,
                                  "%s can draw values in [%g, %g], outside the bounds [%g, %g]",
                                  items[i], lo, hi, pd->lo, pd->hi);
            }
        }
    }
    free(buf);
    return st;
}

/* ---- the [scenario] section -------------------------------------------------------------- */

static const entry *find_entry(const loader *L, const char *key)
{
    for (size_t i = L->n; i-- > 0;)          /* last wins */
        if (strcmp(L->e[i].key, key) == 0)
            return &L->e[i];
    return NULL;
}

static int parse_years(scenario *sc, const entry *en, phx_err *e)
{
    long a, b;
    char buf[64];
    snprintf(buf, sizeof buf, "%s", en->value);
    char *dash = strchr(buf, '-');
    if (dash) {
        *dash = '\0';
        if (phx_parse_long(phx_trim(buf), &a) || phx_parse_long(phx_trim(dash + 1), &b))
            return phx_fail(e, PHX_EINPUT, en->file, en->line, en->key,
                            "'%s' is not a year range like 2021-2023", en->value);
    } else if (phx_parse_long(phx_trim(buf), &a) == 0) {
        b = a;
    } else {
        return phx_fail(e, PHX_EINPUT, en->file, en->line, en->key,
                        "'%s' is not a year range like 2021-2023", en->value);
    }
    if (a < 1900 || b > 2200 || b < a || b - a + 1 > MAX_YEARS)
        return phx_fail(e, PHX_EINPUT, en->file, en->line, en->key,
                        "years %ld-%ld out of bounds (1900..2200, first <= last, at most %d years)", a, b,
                        MAX_YEARS);
    sc->year_first = (int)a;
    sc->year_last = (int)b;
    sc->n_years = (int)(b - a + 1);
    return PHX_OK;
}

static int is_override(const char *file, int line)
{
    return line == 0 && file != NULL && file[0] == '-';
}

static int parse_scenario_section(scenario *sc, const loader *L, const model_type *const *models,
                                  size_t n_models, phx_err *e)
{
    const entry *en;
    /* model */
    en = find_entry(L, "scenario.model");
    const char *mname = en ? en->value : "tlhn";
    for (size_t i = 0; i < n_models; i++)
        if (strcmp(models[i]->name, mname) == 0)
            sc->model = models[i];
    if (sc->model == NULL) {
        char known[256] = "";
        for (size_t i = 0; i < n_models; i++)
            snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "",
                     models[i]->name);
        return phx_fail(e, PHX_EINPUT, en ? en->file : sc->path, en ? en->line : 0, "scenario.model",
                        "unknown model '%s' (known: %s)", mname, known);
    }
    /* name */
    en = find_entry(L, "scenario.name");
    if (en && en->value[0]) {
        for (const char *p = en->value; *p; p++)
            if (*p == '/' || (*p == '.' && p == en->value) || iscntrl((unsigned char)*p))
                return phx_fail(e, PHX_EINPUT, en->file, en->line, en->key,
                                "'%s' is not a valid name (no '/', no leading '.')", en->value);
        sc->name = phx_strdup(en->value);
    } else {
        const char *b = strrchr(sc->path, '/');
        b = b ? b + 1 : sc->path;
        sc->name = phx_strdup(b);
        char *dot = strrchr(sc->name, '.');
        if (dot && dot != sc->name)
            *dot = '\0';
    }
    en = find_entry(L, "scenario.description");
    sc->description = phx_strdup(en ? en->value : "");
    /* years */
    sc->year_first = 2021;
    sc->year_last = 2023;
    sc->n_years = 3;
    en = find_entry(L, "scenario.years");
    if (en && parse_years(sc, en, e))
        return e->status;
    /* replications */
    sc->replications = 1000;
    en = find_entry(L, "scenario.replications");
    if (en) {
        long r;
        if (phx_parse_long(en->value, &r) || r <= 0 || r > 1000000000L)
            return phx_fail(e, PHX_EINPUT, en->file, en->line, en->key,
                            "'%s' is not a positive number of replications", en->value);
        sc->replications = r;
    }
    /* seed */
    sc->seed = 20211228;
    en = find_entry(L, "scenario.seed");
    if (en) {
        char *end;
        errno = 0;
        unsigned long long s = strtoull(en->value, &end, 10);
        if (en->value[0] == '\0' || en->value[0] == '-' || *end != '\0' || errno == ERANGE)
            return phx_fail(e, PHX_EINPUT, en->file, en->line, en->key,
                            "'%s' is not a non-negative integer seed", en->value);
        sc->seed = s;
    }
    /* firms */
    en = find_entry(L, "scenario.firms");
    if (en == NULL || en->value[0] == '\0' || strcmp(en->value, "synthetic") == 0)
        sc->firms = phx_strdup("synthetic");
    else if (is_override(en->file, en->line))
        sc->firms = phx_strdup(en->value);       /* given on the command line: relative to cwd */
    else
        sc->firms = path_relative_to(en->file, en->value);
    /* sampler */
    en = find_entry(L, "scenario.sampler");
    sc->sampler = phx_strdup(en ? en->value : "mc");
    if (strcmp(sc->sampler, "mc") && strcmp(sc->sampler, "lhs") && strcmp(sc->sampler, "sobol"))
        return phx_fail(e, PHX_EINPUT, en->file, en->line, en->key, "'%s' is not one of mc|lhs|sobol",
                        sc->sampler);
    return PHX_OK;
}

/* ---- checking every key ----------------------------------------------------------------- */

static int check_key(const scenario *sc, const entry *en, phx_err *e)
{
    const model_type *m = sc->model;
    const char *dot = strchr(en->key, '.');
    size_t slen = dot ? (size_t)(dot - en->key) : strlen(en->key);
    if (slen == 8 && strncmp(en->key, "scenario", 8) == 0) {
        for (size_t i = 0; i < N_SCENARIO_KEYS; i++)
            if (strcmp(dot + 1, scenario_keys[i]) == 0)
                return PHX_OK;
        return phx_fail(e, PHX_EINPUT, en->file, en->line, en->key,
                        "unknown key (known in [scenario]: name, description, base, model, years, "
                        "replications, seed, firms, sampler)");
    }
    if (slen == 7 && strncmp(en->key, "targets", 7) == 0) {
        if (model_metric_find(m, dot + 1) < 0)
            return phx_fail(e, PHX_EINPUT, en->file, en->line, en->key,
                            "unknown metric '%s' of model %s (see `phoenix params %s`)", dot + 1,
                            m->name, m->name);
        return PHX_OK;
    }
    if (param_find(m->params, m->n_params, en->key) >= 0)
        return PHX_OK;
    int section_known = 0;
    for (size_t i = 0; i < m->n_params; i++)
        if (strncmp(m->params[i].name, en->key, slen) == 0 && m->params[i].name[slen] == '.')
            section_known = 1;
    const param_def *near = param_closest(m->params, m->n_params, en->key);
    if (!section_known)
        return phx_fail(e, PHX_EINPUT, en->file, en->line, en->key, "unknown section [%.*s]%s%s%s",
                        (int)slen, en->key, near ? " (did you mean " : "", near ? near->name : "",
                        near ? "?)" : "");
    return phx_fail(e, PHX_EINPUT, en->file, en->line, en->key, "unknown key%s%s%s",
                    near ? " (did you mean " : "", near ? near->name : "", near ? "?)" : "");
}

/* ---- resolution ---------------------------------------------------------------------------- */

static void text_append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void text_append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
        va_end(ap);
        if (k >= 0 && (size_t)k < *cap - *len) {
            *len += (size_t)k;
            return;
        }
        *cap = 2 * *cap + (k > 0 ? (size_t)k : 0);
        *buf = phx_realloc(*buf, *cap);
    }
}

static void resolve_text(scenario *sc)
{
    size_t len = 0, cap = 4096;
    char *t = phx_malloc(cap);
    t[0] = '\0';
    /* a firm table by its absolute path, so that the text saved as an .ini runs from anywhere */
    char *abs = strcmp(sc->firms, "synthetic") != 0 ? realpath(sc->firms, NULL) : NULL;
    text_append(&t, &len, &cap,
                "; resolved by phoenix %s: every key, defaults included\n[scenario]\n"
                "name = %s\ndescription = %s\nmodel = %s\nyears = %d-%d\nreplications = %ld\n"
                "seed = %llu\nfirms = %s\nsampler = %s\n",
                PHX_VERSION, sc->name, sc->description, sc->model->name, sc->year_first,
                sc->year_last, sc->replications, (unsigned long long)sc->seed,
                abs ? abs : sc->firms, sc->sampler);
    free(abs);
    const model_type *m = sc->model;
    char section[64] = "";
    for (size_t p = 0; p < m->n_params; p++) {
        const char *name = m->params[p].name, *dot = strchr(name, '.');
        size_t slen = (size_t)(dot - name);
        if (strlen(section) != slen || strncmp(section, name, slen) != 0) {
            snprintf(section, sizeof section, "%.*s", (int)slen, name);
            text_append(&t, &len, &cap, "\n[%s]\n", section);
        }
        text_append(&t, &len, &cap, "%s = %s\n", dot + 1, sc->values[p].text);
    }
    if (sc->n_targets) {
        text_append(&t, &len, &cap, "\n[targets]\n");
        for (size_t i = 0; i < sc->n_targets; i++)
            text_append(&t, &len, &cap, "%s = %.17g\n", m->metrics[sc->targets[i].metric].name,
                        sc->targets[i].value);
    }
    sc->resolved_text = t;
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, (const uint8_t *)t);
    sha256_digest(&ctx, sizeof digest, digest);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(sc->sha256 + 2 * i, 3, "%02x", digest[i]);
}

static int resolve(scenario *sc, const loader *L, phx_err *e)
{
    const model_type *m = sc->model;
    /* every key known? (in file order, so the first error is the first in the file) */
    for (size_t i = 0; i < L->n; i++)
        if (check_key(sc, &L->e[i], e))
            return e->status;
    /* parameters */
    sc->values = phx_calloc(m->n_params, sizeof *sc->values);
    sc->offset = phx_calloc(m->n_params, sizeof *sc->offset);
    for (size_t p = 0; p < m->n_params; p++) {
        const param_def *pd = &m->params[p];
        const entry *en = find_entry(L, pd->name);
        scenario_value *sv = &sc->values[p];
        sv->text = phx_strdup(en ? en->value : pd->def);
        sv->file = en ? en->file : "default";
        sv->line = en ? en->line : 0;
        if (parse_value(sc, pd, sv, e))
            return e->status;
        sc->offset[p] = sc->n_slots;
        if (pd->kind == PARAM_REAL || pd->kind == PARAM_INT)
            sc->n_slots += (pd->flags & PARAM_PER_YEAR) ? (size_t)sc->n_years : 1;
    }
    sc->slot_names = phx_calloc(sc->n_slots, sizeof *sc->slot_names);
    sc->slot_param = phx_calloc(sc->n_slots, sizeof *sc->slot_param);
    sc->slot_random = phx_calloc(sc->n_slots, sizeof *sc->slot_random);
    for (size_t p = 0; p < m->n_params; p++) {
        const param_def *pd = &m->params[p];
        if (pd->kind != PARAM_REAL && pd->kind != PARAM_INT)
            continue;
        size_t ns = (pd->flags & PARAM_PER_YEAR) ? (size_t)sc->n_years : 1;
        for (size_t y = 0; y < ns; y++) {
            size_t s = sc->offset[p] + y;
            char nm[160];
            if (pd->flags & PARAM_PER_YEAR)
                snprintf(nm, sizeof nm, "%s[%d]", pd->name, sc->year_first + (int)y);
            else
                snprintf(nm, sizeof nm, "%s", pd->name);
            sc->slot_names[s] = phx_strdup(nm);
            sc->slot_param[s] = (int)p;
            sc->slot_random[s] = scenario_dist(sc, pd->name, (int)y)->kind != DIST_CONST;
        }
    }
    /* targets, in metric-table order */
    sc->targets = phx_calloc(m->n_metrics, sizeof *sc->targets);
    for (size_t mi = 0; mi < m->n_metrics; mi++) {
        char key[160];
        snprintf(key, sizeof key, "targets.%s", m->metrics[mi].name);
        const entry *en = find_entry(L, key);
        if (en == NULL || en->value[0] == '\0')
            continue;
        double v;
        if (phx_parse_double(en->value, &v))
            return phx_fail(e, PHX_EINPUT, en->file, en->line, en->key, "'%s' is not a number",
                            en->value);
        sc->targets[sc->n_targets++] = (scenario_target){ (int)mi, v, en->file, en->line };
    }
    if (m->check && m->check(sc, e))
        return e->status;
    resolve_text(sc);                    /* the targets as written ... */
    for (size_t i = 0; m->target_factor && i < sc->n_targets; i++)   /* ... and as applied */
        sc->targets[i].value *= m->target_factor(sc, sc->targets[i].metric);
    return PHX_OK;
}

static int build(scenario **out, loader *L, const char *path, const model_type *const *models,
                 size_t n_models, const scenario_override *ov, size_t n_ov, phx_err *e)
{
    for (size_t i = 0; i < n_ov; i++) {
        const char *origin = keep_string(L, ov[i].origin);
        if (strchr(ov[i].key, '.') == NULL) {
            phx_fail(e, PHX_EINPUT, origin, 0, ov[i].key, "expected section.key=value");
            goto fail;
        }
        add_entry(L, ov[i].key, ov[i].value, origin, 0);
    }
    scenario *sc = phx_calloc(1, sizeof *sc);
    *out = sc;
    sc->path = phx_strdup(path);
    if (parse_scenario_section(sc, L, models, n_models, e) || resolve(sc, L, e))
        goto fail;
    sc->strings = L->strings;
    sc->n_strings = L->n_strings;
    L->strings = NULL;
    L->n_strings = 0;
    return PHX_OK;
fail:
    if (*out) {
        (*out)->strings = L->strings;
        (*out)->n_strings = L->n_strings;
        L->strings = NULL;
        L->n_strings = 0;
        scenario_free(*out);
        *out = NULL;
    }
    return e->status ? e->status : PHX_EINPUT;
}

static void loader_free(loader *L)
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

int scenario_load(scenario **out, const char *path, const model_type *const *models,
                  size_t n_models, const scenario_override *ov, size_t n_ov, phx_err *e)
{
    phx_err local = { 0 };
    if (e == NULL)
        e = &local;
    e->status = PHX_OK;
    *out = NULL;
    loader L = { 0 };
    int st = load_file(&L, path, NULL, 0, e);
    if (st == PHX_OK)
        st = build(out, &L, path, models, n_models, ov, n_ov, e);
    loader_free(&L);
    return st;
}

int scenario_defaults(scenario **out, const model_type *model, const scenario_override *ov,
                      size_t n_ov, phx_err *e)
{
    phx_err local = { 0 };
    if (e == NULL)
        e = &local;
    e->status = PHX_OK;
    *out = NULL;
    loader L = { 0 };
    const model_type *models[1] = { model };
    add_entry(&L, "scenario.model", model->name, keep_string(&L, "default"), 0);
    int st = build(out, &L, "defaults", models, 1, ov, n_ov, e);
    loader_free(&L);
    return st;
}

void scenario_free(scenario *sc)
{
    if (sc == NULL)
        return;
    if (sc->model && sc->values) {
        for (size_t p = 0; p < sc->model->n_params; p++) {
            free(sc->values[p].text);
            free(sc->values[p].v);
        }
    }
    for (size_t s = 0; sc->slot_names && s < sc->n_slots; s++)
        free(sc->slot_names[s]);
    for (size_t i = 0; i < sc->n_strings; i++)
        free(sc->strings[i]);
    free(sc->strings);
    free(sc->slot_names);
    free(sc->slot_param);
    free(sc->slot_random);
    free(sc->values);
    free(sc->offset);
    free(sc->targets);
    free(sc->resolved_text);
    free(sc->path);
    free(sc->name);
    free(sc->description);
    free(sc->firms);
    free(sc->sampler);
    free(sc);
}

int scenario_param(const scenario *sc, const char *key)
{
    return param_find(sc->model->params, sc->model->n_params, key);
}

const char *scenario_text(const scenario *sc, const char *key)
{
    int p = scenario_param(sc, key);
    assert(p >= 0 && "scenario_text: unknown key");
    return sc->values[p].text;
}

const dist *scenario_dist(const scenario *sc, const char *key, int y)
{
    int p = scenario_param(sc, key);
    assert(p >= 0 && sc->values[p].v != NULL && "scenario_dist: not a numeric key");
    const scenario_value *sv = &sc->values[p];
    return &sv->v[sv->n == 1 ? 0 : y];
}

void scenario_origin(const scenario *sc, const char *key, const char **file, int *line)
{
    int p = scenario_param(sc, key);
    if (p < 0) {
        *file = sc->path;
        *line = 0;
        return;
    }
    *file = sc->values[p].file;
    *line = sc->values[p].line;
}

const scenario_target *scenario_target_of(const scenario *sc, int m)
{
    for (size_t i = 0; i < sc->n_targets; i++)
        if (sc->targets[i].metric == m)
            return &sc->targets[i];
    return NULL;
}
