/* sweep.c -- expanding --vary specifications into a grid of points. */
#include "sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sweep {
    size_t n_levers, n_points;
    char *text[SWEEP_MAX_LEVERS];                      /* owned copies, split in place */
    const char *key[SWEEP_MAX_LEVERS];
    char *val[SWEEP_MAX_LEVERS][SWEEP_MAX_VALUES];
    char *gen[SWEEP_MAX_LEVERS];                       /* values expanded from ranges */
    size_t n_val[SWEEP_MAX_LEVERS];
    const char **grid;                                 /* [point x lever] */
};

/* Split "v1,v2,..." at commas outside parentheses (distributions have commas inside); -1 when
 * there are more than `max`. */
static int split_values(char *s, char **v, int max)
{
    int n = 0, depth = 0;
    char *start = s;
    for (char *p = s;; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')' && depth > 0)
            depth--;
        if (*p == '\0' || (*p == ',' && depth == 0)) {
            int end = *p == '\0';
            *p = '\0';
            if (n == max)
                return -1;
            v[n++] = phx_trim(start);
            if (end)
                break;
            start = p + 1;
        }
    }
    return n;
}

#define SWEEP_GEN_WIDTH 32                             /* room for one generated value */

/* A range "a:b:step" (a, a + step, ... up to b) or "a:b/n" (n values from a to b): its values
 * as text into the lever's generated buffer, appended at v[*n]. 0: not a range; 1: expanded;
 * -1: a malformed range (message in e). */
static int expand_range(sweep *s, size_t k, const char *item, char **v, int *n, phx_err *e)
{
    char a[64], b[64], c[64], sep = 0, end;
    if (strchr(item, '(') != NULL || strchr(item, ':') == NULL)
        return 0;
    if (sscanf(item, "%63[^:]:%63[^:/]%c%63s%c", a, b, &sep, c, &end) != 4 || (sep != ':' && sep != '/'))
        return phx_fail(e, PHX_EINPUT, NULL, 0, NULL, "--vary %s: '%s': expected a:b:step or a:b/n",
                        s->key[k], item), -1;
    double lo, hi, step;
    long count = 0;
    if (phx_parse_double(phx_trim(a), &lo) || phx_parse_double(phx_trim(b), &hi))
        return phx_fail(e, PHX_EINPUT, NULL, 0, NULL, "--vary %s: '%s': the ends are not numbers",
                        s->key[k], item), -1;
    if (sep == '/') {
        if (phx_parse_long(phx_trim(c), &count) || count < 2 || count > SWEEP_MAX_VALUES)
            return phx_fail(e, PHX_EINPUT, NULL, 0, NULL, "--vary %s: '%s': n must be 2 to %d",
                            s->key[k], item, SWEEP_MAX_VALUES), -1;
        step = (hi - lo) / (double)(count - 1);
    } else if (phx_parse_double(phx_trim(c), &step) || step == 0 || (hi - lo) * step < 0) {
        return phx_fail(e, PHX_EINPUT, NULL, 0, NULL, "--vary %s: '%s': the step must be a non-zero "
                        "number going from a towards b", s->key[k], item), -1;
    } else {
        double span = (hi - lo) / step;
        count = span > SWEEP_MAX_VALUES ? SWEEP_MAX_VALUES + 1 : (long)floor(span + 1e-9) + 1;
    }
    if (*n + count > SWEEP_MAX_VALUES)
        return phx_fail(e, PHX_EINPUT, NULL, 0, NULL, "--vary %s: expected 1 to 64 values", s->key[k]), -1;
    if (s->gen[k] == NULL)
        s->gen[k] = phx_calloc(SWEEP_MAX_VALUES, SWEEP_GEN_WIDTH);
    for (long i = 0; i < count; i++) {
        char *slot = s->gen[k] + (size_t)*n * SWEEP_GEN_WIDTH;
        double x = sep == '/' && i == count - 1 ? hi : lo + (double)i * step;
        snprintf(slot, SWEEP_GEN_WIDTH, "%.15g", x);
        v[(*n)++] = slot;
    }
    return 1;
}

/* Replace range items among v[0..n-1] by their values (in place, order kept); -1 on an error. */
static int expand_ranges(sweep *s, size_t k, char **v, int n, phx_err *e)
{
    char *items[SWEEP_MAX_VALUES];
    int m = 0;
    memcpy(items, v, (size_t)n * sizeof *items);
    for (int i = 0; i < n; i++) {
        int r = expand_range(s, k, items[i], v, &m, e);
        if (r < 0)
            return -1;
        if (r == 0) {
            if (m == SWEEP_MAX_VALUES)
                return phx_fail(e, PHX_EINPUT, NULL, 0, NULL, "--vary %s: expected 1 to 64 values",
                                s->key[k]), -1;
            v[m++] = items[i];
        }
    }
    return m;
}

/* Lever k from its specification. */
static int sweep_lever(sweep *s, size_t k, const char *spec, phx_err *e)
{
    char *t = s->text[k] = phx_strdup(spec);
    char *eq = strchr(t, '='), *dot = strchr(t, '.');
    if (eq == NULL || eq == t || dot == NULL || dot > eq)
        return phx_fail(e, PHX_EINPUT, NULL, 0, NULL, "--vary '%s': expected section.key=v1,v2,...", spec);
    *eq = '\0';
    s->key[k] = t;
    int n = split_values(eq + 1, s->val[k], SWEEP_MAX_VALUES);
    if (n <= 0)
        return phx_fail(e, PHX_EINPUT, NULL, 0, NULL, "--vary %s: expected 1 to 64 comma-separated values", t);
    for (int i = 0; i < n; i++)
        if (s->val[k][i][0] == '\0')
            return phx_fail(e, PHX_EINPUT, NULL, 0, NULL, "--vary %s: an empty value", t);
    if ((n = expand_ranges(s, k, s->val[k], n, e)) < 0)
        return PHX_EINPUT;
    s->n_val[k] = (size_t)n;
    return PHX_OK;
}

int sweep_alloc(sweep **out, const char *const *specs, size_t n, phx_err *e)
{
    *out = NULL;
    if (n == 0 || n > SWEEP_MAX_LEVERS)
        return phx_fail(e, PHX_EINPUT, NULL, 0, NULL, "a sweep has 1 to %d --vary options", SWEEP_MAX_LEVERS);
    sweep *s = phx_calloc(1, sizeof *s);
    s->n_points = 1;
    int st = PHX_OK;
    for (size_t k = 0; st == PHX_OK && k < n; k++) {
        s->n_levers = k + 1;
        st = sweep_lever(s, k, specs[k], e);
        s->n_points *= st == PHX_OK ? s->n_val[k] : 1;
        if (st == PHX_OK && s->n_points > SWEEP_MAX_POINTS)
            st = phx_fail(e, PHX_EINPUT, NULL, 0, NULL, "the grid has more than %d points", SWEEP_MAX_POINTS);
    }
    if (st != PHX_OK) {
        sweep_free(s);
        return st;
    }
    s->grid = phx_calloc(s->n_points * n, sizeof *s->grid);
    for (size_t p = 0; p < s->n_points; p++) {
        size_t rest = p;
        for (size_t k = n; k-- > 0;) {            /* last lever varies fastest */
            s->grid[p * n + k] = s->val[k][rest % s->n_val[k]];
            rest /= s->n_val[k];
        }
    }
    *out = s;
    return PHX_OK;
}

void sweep_free(sweep *s)
{
    if (s == NULL)
        return;
    for (size_t k = 0; k < s->n_levers; k++) {
        free(s->text[k]);
        free(s->gen[k]);
    }
    free(s->grid);
    free(s);
}

size_t sweep_n_points(const sweep *s) { return s->n_points; }
size_t sweep_n_levers(const sweep *s) { return s->n_levers; }
const char *const *sweep_keys(const sweep *s) { return s->key; }
const char *const *sweep_values(const sweep *s) { return s->grid; }

const char *sweep_value(const sweep *s, size_t p, size_t k)
{
    return s->grid[p * s->n_levers + k];
}

void sweep_overrides(const sweep *s, size_t p, scenario_override *ov, size_t *n)
{
    for (size_t k = s->n_levers; k-- > 0;)      /* the order the command always used */
        ov[(*n)++] = (scenario_override){ "--vary", s->key[k], sweep_value(s, p, k) };
}

int sweep_point_load(const sweep *s, size_t p, const char *path, const char *base,
                     const model_type *const *models, size_t n_models, const scenario_override *ov,
                     size_t n_ov, char **name, scenario **sc, phx_err *e)
{
    scenario_override *all = phx_malloc((n_ov + SWEEP_MAX_LEVERS + 1) * sizeof *all);
    if (n_ov)
        memcpy(all, ov, n_ov * sizeof *all);
    size_t n = n_ov;
    sweep_overrides(s, p, all, &n);
    *name = phx_malloc(strlen(base) + 24);
    sprintf(*name, "%s@%03zu", base, p);
    all[n++] = (scenario_override){ "--vary", "scenario.name", *name };
    int st = scenario_load(sc, path, models, n_models, all, n, e);
    free(all);
    return st;
}
