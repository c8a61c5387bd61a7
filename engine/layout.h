/* layout.h -- the one place that knows how a replication's results and parameters are laid out:
 * a result row is [metric x year], a group row [group metric x year x group], theta holds each
 * numeric parameter's slots (one, or n_years for a per-year one) at scenario->offset[p].
 * Everything else reads rows and parameters through these accessors. */
#ifndef PHX_LAYOUT_H
#define PHX_LAYOUT_H

#include <stddef.h>
#include "model.h"
#include "scenario.h"

/* Length of one replication's row: n_metrics x n_years. */
static inline size_t layout_row_len(const model_type *m, int n_years)
{
    return m->n_metrics * (size_t)n_years;
}

/* Length of one replication's group row: n_group_metrics x n_years x n_groups. */
static inline size_t layout_group_row_len(const model_type *m, int n_years)
{
    return model_n_group_metrics(m) * (size_t)n_years * m->n_groups;
}

/* Index of (metric m, year index y) in a row. */
static inline size_t layout_cell(size_t m, size_t y, size_t n_years)
{
    return m * n_years + y;
}

/* Index of (group metric gm, year index y, group g) in a group row. */
static inline size_t layout_group_cell(size_t gm, size_t y, size_t g, size_t n_years, size_t n_groups)
{
    return (gm * n_years + y) * n_groups + g;
}

/* Value of metric m in year index y of `row` (a row of a scenario with n_years years). */
static inline double layout_value(const double *row, size_t m, size_t y, size_t n_years)
{
    return row[layout_cell(m, y, n_years)];
}

/* Value of metric m in the last year. */
static inline double layout_last(const double *row, size_t m, size_t n_years)
{
    return row[layout_cell(m, n_years - 1, n_years)];
}

/* The slot of numeric parameter p (model table index) in year index y (0 for a scalar). */
static inline size_t layout_slot(const scenario *sc, int p, int y)
{
    return sc->offset[p] + (size_t)y;
}

/* The distribution behind slot k of theta (the year's own for a per-year parameter written
 * as a list; the one value for a scalar or a per-year one written once). */
static inline const dist *layout_slot_dist(const scenario *sc, size_t k)
{
    int p = sc->slot_param[k];
    const scenario_value *sv = &sc->values[p];
    return &sv->v[sv->n == 1 ? 0 : k - sc->offset[p]];
}

/* Value of numeric parameter p in year index y of `theta` (one replication's parameters). */
static inline double layout_param(const scenario *sc, const double *theta, int p, int y)
{
    return theta[layout_slot(sc, p, y)];
}

#endif
