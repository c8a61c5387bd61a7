/* param.c -- lookups in a model's parameter table. */
#include "param.h"

#include <stdlib.h>
#include <string.h>

int param_find(const param_def *table, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Levenshtein distance, capped by the short strings we compare (keys < 64 bytes). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return (size_t)-1;
    size_t prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            cur[j] = del < ins ? (del < sub ? del : sub) : (ins < sub ? ins : sub);
        }
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb];
}

/* The part of a key after its section ("p_complete" of "rectify.p_complete"). */
static const char *key_tail(const char *key)
{
    const char *dot = strchr(key, '.');
    return dot ? dot + 1 : key;
}

/* The closest key of any section: by the edit distance of the whole key, or of the key without
 * its section (`attract.p_complete` finds `rectify.p_complete`), whichever is smaller; close
 * enough when at most a third of the compared text is wrong. */
const param_def *param_closest(const param_def *table, size_t n, const char *name)
{
    const param_def *best = NULL;
    size_t best_d = (size_t)-1;
    const char *tail = key_tail(name);
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(name, table[i].name);
        if (d * 3 > strlen(name) + 2)
            d = (size_t)-1;
        size_t dt = edit_distance(tail, key_tail(table[i].name));
        if (dt * 3 <= strlen(tail) + 2 && dt < d)
            d = dt;
        if (d < best_d) {
            best_d = d;
            best = &table[i];
        }
    }
    return best_d != (size_t)-1 ? best : NULL;
}

int param_choice_ok(const char *choices, const char *word)
{
    size_t wl = strlen(word);
    for (const char *p = choices; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == wl && strncmp(p, word, len) == 0)
            return 1;
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}
