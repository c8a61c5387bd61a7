/* ini.h -- INI loading for scenario files (internal to engine/): libinih, line numbers, `base`
 * chains (the base is loaded first, so the child's keys win), and command-line overrides, into
 * a flat list of `section.key = value` entries with their origins. scenario.c then checks and
 * resolves the entries against the model. */
#ifndef PHX_INI_H
#define PHX_INI_H

#include <stddef.h>
#include "phx.h"
#include "scenario.h"

#define MAX_BASE_DEPTH 64
#define MAX_YEARS 200         /* the longest horizon (and per-year list) */

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

/* A copy of `s` kept until the loader's strings are freed or handed over. */
const char *keep_string(loader *L, const char *s);
/* Append an entry (value trimmed). */
void add_entry(loader *L, const char *key, const char *value, const char *file, int line);
/* Load `path` and its base chain; from_file/from_line name the `base` line that asked for it
 * (NULL/0 for the top file). PHX_OK or a one-line error naming file, line and key. */
int load_file(loader *L, const char *path, const char *from_file, int from_line, phx_err *e);
/* Append the overrides (in order: the last wins), each "section.key". */
int add_overrides(loader *L, const scenario_override *ov, size_t n_ov, phx_err *e);
/* Directory part of `path` joined with `rel` (unless rel is absolute); caller frees. */
char *path_relative_to(const char *path, const char *rel);
/* The entry for `key` that wins (the last one), or NULL. */
const entry *find_entry(const loader *L, const char *key);
void loader_free(loader *L);

/* scenario_keys.c: read the [scenario] section of the entries into `sc` (model, name, years...). */
int scenario_section_parse(scenario *sc, const loader *L, const model_type *const *models,
                           size_t n_models, phx_err *e);
/* Is `key` (without "scenario.") a [scenario] key? If not, `known` lists them. */
int scenario_key_known(const char *key, char *known, size_t n);

#endif
