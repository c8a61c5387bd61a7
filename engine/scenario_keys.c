/* scenario_keys.c -- the scenario's own keys, the [scenario] section: one table of keys, each
 * with its parser and default (model, name, description, years, replications, seed, firms,
 * sampler; `base` is read by ini.c). */
#include "ini.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sampler.h"

#include <nettle/sha2.h>
#include <stdint.h>



/* ---- the [scenario] section -------------------------------------------------------------- */

static int parse_years(scenario *sc, const entry *en, phx_err *e)
{
    long a, b;
    char *buf = phx_strdup(en->value);        /* the whole value: never truncated */
    char *dash = strchr(buf, '-');
    int bad;
    if (dash) {
        *dash = '\0';
        bad = phx_parse_long(phx_trim(buf), &a) || phx_parse_long(phx_trim(dash + 1), &b);
    } else {
        bad = phx_parse_long(phx_trim(buf), &a);
        b = a;
    }
    free(buf);
    if (bad)
        return phx_fail(e, PHX_EINPUT, en->file, en->line, en->key,
                        "'%s' is not a year range like 2021-2023", en->value);
    if (a < 1900 || b > 2200 || b < a || b - a + 1 > MAX_YEARS)
        return phx_fail(e, PHX_EINPUT, en->file, en->line, en->key,
                        "years %ld-%ld out of bounds (1900..2200, first <= last, at most %d years)", a, b,
                        MAX_YEARS);
    sc->year_first = (int)a;
    sc->year_last = (int)b;
    sc->n_years = (int)(b - a + 1);
    return PHX_OK;
}

/* A value given by the caller rather than a file (an override: "--set", "-n", "--vary", ...):
 * entries from files always carry their line (>= 1). */
static int is_override(const char *file, int line)
{
    return line == 0 && file != NULL;
}

/* What a [scenario] key's parser gets: the entry (NULL when the key is not set: the default). */
typedef struct key_ctx {
    scenario *sc;
    const model_type *const *models;
    size_t n_models;
    const loader *L;
} key_ctx;

static int key_model(key_ctx *k, const entry *en, phx_err *e)
{
    scenario *sc = k->sc;
    const char *mname = en ? en->value : "tlhn";
    for (size_t i = 0; i < k->n_models; i++)
        if (strcmp(k->models[i]->name, mname) == 0)
            sc->model = k->models[i];
    if (sc->model != NULL)
        return PHX_OK;
    char known[256] = "";
    for (size_t i = 0; i < k->n_models; i++)
        snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "",
                 k->models[i]->name);
    return phx_fail(e, PHX_EINPUT, en ? en->file : sc->path, en ? en->line : 0, "scenario.model",
                    "unknown model '%s' (known: %s)", mname, known);
}

/* The --set overrides (not `name` itself) as "key=value+key=value", or NULL when none. */
static char *set_text(const loader *L)
{
    size_t len = 0, cap = 1;
    char *t = NULL;
    for (size_t i = 0; i < L->n; i++) {
        const entry *en = &L->e[i];
        if (!is_override(en->file, en->line) || strcmp(en->file, "--set") != 0 ||
            strcmp(en->key, "scenario.name") == 0)
            continue;
        cap += strlen(en->key) + strlen(en->value) + 2;
        t = phx_realloc(t, cap);
        len += (size_t)snprintf(t + len, cap - len, "%s%s=%s", len ? "+" : "", en->key, en->value);
    }
    return t;
}

/* A name changed by --set: "<name>+<key>=<value>[+...]" ('/' and control characters as '_'),
 * or "<name>+set-<8 hex digits of the SHA-256 of that text>" when it is longer than 80 bytes
 * (docs/scenarios.md, "Names"). */
static char *name_with_sets(const char *name, const char *sets)
{
    size_t n = strlen(name) + strlen(sets) + 16;
    char *out = phx_malloc(n);
    if (strlen(sets) <= 80) {
        snprintf(out, n, "%s+%s", name, sets);
        for (char *p = out + strlen(name); *p; p++)
            if (*p == '/' || iscntrl((unsigned char)*p))
                *p = '_';
        return out;
    }
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, strlen(sets), (const uint8_t *)sets);
    sha256_digest(&ctx, sizeof d, d);
    snprintf(out, n, "%s+set-%02x%02x%02x%02x", name, d[0], d[1], d[2], d[3]);
    return out;
}

/* The name: `name` if the top file or the command line gives it, else the top file's name
 * without its extension (a base's `name` is not inherited); a --set (of any key but `name`)
 * adds its suffix. */
static int key_name(key_ctx *k, const entry *en, phx_err *e)
{
    scenario *sc = k->sc;
    int own = en && en->value[0] && (strcmp(en->file, sc->path) == 0 || is_override(en->file, en->line));
    if (own) {
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
    char *sets = (en && is_override(en->file, en->line)) ? NULL : set_text(k->L);
    if (sets) {
        char *renamed = name_with_sets(sc->name, sets);
        free(sc->name);
        sc->name = renamed;
        free(sets);
    }
    return PHX_OK;
}

static int key_description(key_ctx *k, const entry *en, phx_err *e)
{
    k->sc->description = phx_strdup(en ? en->value : "");
    return PHX_OK;
}

static int key_years(key_ctx *k, const entry *en, phx_err *e)
{
    k->sc->year_first = 2021;
    k->sc->year_last = 2023;
    k->sc->n_years = 3;
    return en ? parse_years(k->sc, en, e) : PHX_OK;
}

static int key_replications(key_ctx *k, const entry *en, phx_err *e)
{
    long r = 1000;
    if (en && (phx_parse_long(en->value, &r) || r <= 0 || r > 1000000000L))
        return phx_fail(e, PHX_EINPUT, en->file, en->line, en->key,
                        "'%s' is not a positive number of replications", en->value);
    k->sc->replications = r;
    return PHX_OK;
}

static int key_seed(key_ctx *k, const entry *en, phx_err *e)
{
    k->sc->seed = 20211228;
    if (en == NULL)
        return PHX_OK;
    char *end;
    errno = 0;
    unsigned long long s = strtoull(en->value, &end, 10);
    if (en->value[0] == '\0' || en->value[0] == '-' || *end != '\0' || errno == ERANGE)
        return phx_fail(e, PHX_EINPUT, en->file, en->line, en->key,
                        "'%s' is not a non-negative integer seed", en->value);
    k->sc->seed = s;
    return PHX_OK;
}

static int key_firms(key_ctx *k, const entry *en, phx_err *e)
{
    if (en == NULL || en->value[0] == '\0' || strcmp(en->value, "synthetic") == 0)
        k->sc->firms = phx_strdup("synthetic");
    else if (is_override(en->file, en->line))
        k->sc->firms = phx_strdup(en->value);       /* given on the command line: relative to cwd */
    else
        k->sc->firms = path_relative_to(en->file, en->value);
    return PHX_OK;
}

static int key_sampler(key_ctx *k, const entry *en, phx_err *e)
{
    sampler_kind kind = SAMPLER_MC;
    k->sc->sampler = phx_strdup(en ? en->value : "mc");
    k->sc->sampler_kind = sampler_parse(k->sc->sampler, &kind) == 0 ? (int)kind : -1;
    if (k->sc->sampler_kind < 0)
        return phx_fail(e, PHX_EINPUT, en->file, en->line, en->key, "'%s' is not one of mc|lhs|sobol",
                        k->sc->sampler);
    return PHX_OK;
}

/* The keys of [scenario], handled by the engine itself, in the order they are read (`base` is
 * ini.c's). The one list: the parser, the check of unknown keys and its message use it. */
static const struct scenario_key {
    const char *key;
    int (*parse)(key_ctx *k, const entry *en, phx_err *e);
} scenario_keys[] = {
    { "model", key_model },     { "name", key_name },         { "description", key_description },
    { "base", NULL },           { "years", key_years },       { "replications", key_replications },
    { "seed", key_seed },       { "firms", key_firms },       { "sampler", key_sampler },
};
#define N_SCENARIO_KEYS (sizeof scenario_keys / sizeof scenario_keys[0])

int scenario_section_parse(scenario *sc, const loader *L, const model_type *const *models,
                           size_t n_models, phx_err *e)
{
    key_ctx k = { sc, models, n_models, L };
    for (size_t i = 0; i < N_SCENARIO_KEYS; i++) {
        char key[64];
        snprintf(key, sizeof key, "scenario.%s", scenario_keys[i].key);
        if (scenario_keys[i].parse && scenario_keys[i].parse(&k, find_entry(L, key), e))
            return e->status;
    }
    return PHX_OK;
}

int scenario_key_known(const char *key, char *known, size_t n)
{
    known[0] = '\0';
    for (size_t i = 0; i < N_SCENARIO_KEYS; i++) {
        if (strcmp(key, scenario_keys[i].key) == 0)
            return 1;
        snprintf(known + strlen(known), n - strlen(known), "%s%s", i ? ", " : "", scenario_keys[i].key);
    }
    return 0;
}
