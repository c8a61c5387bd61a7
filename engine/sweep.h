/* sweep.h -- a grid of lever values: "section.key=v1,v2,..." specifications expanded into
 * points, the last lever varying fastest (model-agnostic: keys are checked by scenario_load). */
#ifndef PHX_SWEEP_H
#define PHX_SWEEP_H

#include <stddef.h>
#include "phx.h"
#include "scenario.h"

#define SWEEP_MAX_LEVERS 8
#define SWEEP_MAX_VALUES 64
#define SWEEP_MAX_POINTS 4096

typedef struct sweep sweep;

/* Parse `n` specifications "section.key=v1,v2,..." (values split at commas outside
 * parentheses, so distributions may be values). A value "a:b:step" stands for a, a + step, ...
 * up to b (within 1e-9 steps; a negative step counts down), "a:b/n" for n values evenly from a
 * to b, both ends included; generated values are written with 15 significant digits. On a malformed one, too many levers, values or
 * points, returns PHX_EINPUT with a one-line message in `e` and sets *out to NULL. */
int sweep_alloc(sweep **out, const char *const *specs, size_t n, phx_err *e);
void sweep_free(sweep *s);

size_t sweep_n_points(const sweep *s);
size_t sweep_n_levers(const sweep *s);
/* The levers' keys, in the order given. */
const char *const *sweep_keys(const sweep *s);
/* Value of lever k at point p: p = sum over k of index_k x (product of later levers' counts). */
const char *sweep_value(const sweep *s, size_t p, size_t k);
/* Every point's values [point x lever], for the results file. */
const char *const *sweep_values(const sweep *s);
/* Append point p's overrides (origin "--vary", one per lever) to ov[*n...]: room for
 * sweep_n_levers() more is the caller's. */
void sweep_overrides(const sweep *s, size_t p, scenario_override *ov, size_t *n);

/* Load point p of the grid from `path`: the caller's overrides `ov` (n_ov of them), then the
 * point's levers, and the name "<base>@NNN" (*name, caller frees, also on failure). */
int sweep_point_load(const sweep *s, size_t p, const char *path, const char *base,
                     const model_type *const *models, size_t n_models, const scenario_override *ov,
                     size_t n_ov, char **name, scenario **sc, phx_err *e);

#endif
