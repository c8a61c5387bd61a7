/* scenario.c -- the scenario's own keys ([scenario], [targets]) and the model's parameters:
 * validation of the entries ini.c loaded (files, base chains, overrides) against the model's
 * parameter table, values and distributions, and the resolved text + SHA-256. */
#include "scenario.h"
#include "ini.h"
#include "sampler.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nettle/sha2.h>


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

/* ---- checking every key ----------------------------------------------------------------- */

static int check_key(const scenario *sc, const entry *en, phx_err *e)
{
    const model_type *m = sc->model;
    const char *dot = strchr(en->key, '.');
    size_t slen = dot ? (size_t)(dot - en->key) : strlen(en->key);
    if (slen == 8 && strncmp(en->key, "scenario", 8) == 0) {
        char known[256];
        if (scenario_key_known(dot + 1, known, sizeof known))
            return PHX_OK;
        return phx_fail(e, PHX_EINPUT, en->file, en->line, en->key,
                        "unknown key (known in [scenario]: %s)", known);
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

/* Index of `word` among the '|'-separated `choices`, or -1. */
static int choice_index(const char *choices, const char *word, size_t len)
{
    int k = 0;
    for (const char *p = choices; p != NULL; k++) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == len && strncmp(p, word, len) == 0)
            return k;
        p = bar ? bar + 1 : NULL;
    }
    return -1;
}

/* Choices resolved to integers once, list parameters split once (values already checked). */
static void resolve_words(const param_def *pd, scenario_value *sv)
{
    sv->choice = -1;
    if (pd->kind == PARAM_CHOICE)
        sv->choice = choice_index(pd->choices, sv->text, strlen(sv->text));
    if (pd->kind != PARAM_LIST)
        return;
    for (const char *p = sv->text; *p;) {
        size_t n = strcspn(p, ", \t");
        int k = n ? choice_index(pd->choices, p, n) : -1;
        if (k >= 0 && k < 32)
            sv->items |= 1u << k;
        p += n;
        p += strspn(p, ", \t");
    }
}

/* An error about a model's default: the key that the user sets to avoid it. */
static void default_hint(phx_err *e, const char *key)
{
    size_t used = strlen(e->msg);
    snprintf(e->msg + used, sizeof e->msg - used,
             " (the model's default: set %s in the scenario file or with --set)", key);
}

/* A per-year default fitted to the horizon: its first n_years values, the last one repeated
 * beyond its end (docs/scenarios.md, "Per-year values"). NULL when it fits as written (a single
 * value, or one per year), so that the resolved text of a scenario is unchanged then. */
static char *fit_default(const param_def *pd, int n_years)
{
    if (!(pd->flags & PARAM_PER_YEAR) || pd->kind == PARAM_CHOICE || pd->kind == PARAM_LIST)
        return NULL;
    char *buf = phx_strdup(pd->def);
    char *items[MAX_YEARS + 1];
    int n = split_items(buf, items, MAX_YEARS);
    char *out = NULL;
    if (n > 1 && n <= MAX_YEARS && n != n_years) {
        size_t longest = 0, len = 0;
        for (int i = 0; i < n; i++)
            longest = strlen(items[i]) > longest ? strlen(items[i]) : longest;
        size_t cap = (size_t)n_years * (longest + 2) + 1;    /* n_years items and ", " each */
        out = phx_malloc(cap);
        for (int y = 0; y < n_years; y++)
            len += (size_t)snprintf(out + len, cap - len, "%s%s", y ? ", " : "", items[y < n ? y : n - 1]);
    }
    free(buf);
    return out;
}

/* Every parameter's value (or default), parsed; theta offsets. */
static int resolve_params(scenario *sc, const loader *L, phx_err *e)
{
    const model_type *m = sc->model;
    sc->values = phx_calloc(m->n_params, sizeof *sc->values);
    sc->offset = phx_calloc(m->n_params, sizeof *sc->offset);
    for (size_t p = 0; p < m->n_params; p++) {
        const param_def *pd = &m->params[p];
        const entry *en = find_entry(L, pd->name);
        scenario_value *sv = &sc->values[p];
        char *fitted = en ? NULL : fit_default(pd, sc->n_years);
        sv->text = fitted ? fitted : phx_strdup(en ? en->value : pd->def);
        sv->file = en ? en->file : "default";
        sv->line = en ? en->line : 0;
        if (parse_value(sc, pd, sv, e)) {
            if (en == NULL)        /* about a default: say which key to set */
                default_hint(e, pd->name);
            return e->status;
        }
        resolve_words(pd, sv);
        sc->offset[p] = sc->n_slots;
        if (pd->kind == PARAM_REAL || pd->kind == PARAM_INT)
            sc->n_slots += (pd->flags & PARAM_PER_YEAR) ? (size_t)sc->n_years : 1;
    }
    return PHX_OK;
}

/* Names, parameters and randomness of the theta slots. */
static void resolve_slots(scenario *sc)
{
    const model_type *m = sc->model;
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
}

/* [targets], in metric-table order. */
static int resolve_targets(scenario *sc, const loader *L, phx_err *e)
{
    const model_type *m = sc->model;
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
    return PHX_OK;
}

static int resolve(scenario *sc, const loader *L, phx_err *e)
{
    /* every key known? (in file order, so the first error is the first in the file) */
    for (size_t i = 0; i < L->n; i++)
        if (check_key(sc, &L->e[i], e))
            return e->status;
    if (resolve_params(sc, L, e))
        return e->status;
    resolve_slots(sc);
    if (resolve_targets(sc, L, e))
        return e->status;
    if (sc->model->check && sc->model->check(sc, e))
        return e->status;
    resolve_text(sc);                    /* the targets as written ... */
    for (size_t i = 0; sc->model->target_factor && i < sc->n_targets; i++)   /* ... and as applied */
        sc->targets[i].value *= sc->model->target_factor(sc, sc->targets[i].metric);
    return PHX_OK;
}

/* Overrides of generic options (MODEL_OPTION_PREFIX, engine/model.h) become the model's keys. */
static int resolve_options(const scenario *sc, loader *L, phx_err *e)
{
    size_t np = strlen(MODEL_OPTION_PREFIX);
    for (size_t i = 0; i < L->n; i++) {
        entry *x = &L->e[i];
        if (strncmp(x->key, MODEL_OPTION_PREFIX, np) != 0)
            continue;
        const char *param = model_option_param(sc->model, x->key + np);
        if (param == NULL)
            return phx_fail(e, PHX_EINPUT, x->file, x->line, NULL,
                            "model %s has no parameter for this option (%s); it applies to models "
                            "that declare it", sc->model->name, x->key + np);
        free(x->key);
        x->key = phx_strdup(param);
    }
    return PHX_OK;
}

static int build(scenario **out, loader *L, const char *path, const model_type *const *models,
                 size_t n_models, const scenario_override *ov, size_t n_ov, phx_err *e)
{
    if (add_overrides(L, ov, n_ov, e) != PHX_OK)
        goto fail;
    scenario *sc = phx_calloc(1, sizeof *sc);
    *out = sc;
    sc->path = phx_strdup(path);
    if (scenario_section_parse(sc, L, models, n_models, e) || resolve_options(sc, L, e) ||
        resolve(sc, L, e))
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

int scenario_choice(const scenario *sc, int p)
{
    return sc->values[p].choice;
}

unsigned scenario_list(const scenario *sc, int p)
{
    return sc->values[p].items;
}
