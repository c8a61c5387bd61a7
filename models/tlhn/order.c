/* order.c -- the firms in evaluation-unit order (§3.2 units: district or city x 规上/规下).
 *
 * The firm table stays in the user's order inside the model: every draw is addressed by that
 * index (§9), and every sum over firms (the 规上 totals, exits, completions, surcharges) runs in
 * that order, which fixes the bits of the results. What needs the unit order is the evaluation,
 * which reads seven columns unit by unit. Reading them through an index (unit_order) touches a
 * cache line per firm and column in each of the 26 units' passes: at 1M firms the columns do not
 * fit in cache and every line is loaded many times over. Instead, one sequential pass over the
 * firms in table order writes each operating firm's inputs into its unit's block of the scratch
 * (26 x 7 sequential write streams), the evaluation works on contiguous unit blocks, and one more
 * sequential pass brings the scores back. Within a unit the firms keep ascending table order, so
 * the benchmarks' sums are the very sums of before. */
#include "tlhn.h"

#include <stdlib.h>

void tlhn_units_index(tlhn_shared *sh)
{
    sh->unit_of = phx_malloc((sh->n ? sh->n : 1) * sizeof *sh->unit_of);
    for (size_t u = 0; u < sh->n_units; u++)
        for (size_t p = sh->unit_start[u]; p < sh->unit_start[u + 1]; p++)
            sh->unit_of[sh->unit_order[p]] = (uint8_t)u;
}

/* Unit u's block: rows of unit_start[u + 1] - unit_start[u] doubles from ind + 7 unit_start[u]. */
static inline double *unit_block(const tlhn_shared *sh, const tlhn_scratch *s, size_t u)
{
    return s->ind + 7 * sh->unit_start[u];
}

void tlhn_units_gather(const tlhn_shared *sh, tlhn_scratch *s, size_t *count)
{
    double *base[TLHN_MAX_UNITS];
    size_t m[TLHN_MAX_UNITS];
    for (size_t u = 0; u < sh->n_units; u++) {
        base[u] = unit_block(sh, s, u);
        m[u] = sh->unit_start[u + 1] - sh->unit_start[u];
        count[u] = 0;
    }
    const uint8_t *unit_of = sh->unit_of;
    const uint32_t *id_rank = sh->firms->id_rank;
    const double *rd = sh->firms->rd_ratio;
    for (size_t i = 0; i < s->n; i++) {
        if (!s->alive[i])
            continue;
        size_t u = unit_of[i], p = count[u]++, mu = m[u];
        double *x = base[u] + p;
        x[0] = s->tax[i];
        if (sh->unit_above[u]) {
            x[mu] = s->va[i];
            x[2 * mu] = s->energy[i];
            x[3 * mu] = s->emissions[i];
            x[4 * mu] = s->employees[i];
            x[5 * mu] = rd[i];
            x[6 * mu] = s->land[i];
        } else {
            x[mu] = s->kwh[i];
            x[2 * mu] = s->land[i];
        }
        s->items[sh->unit_start[u] + p] = (tlhn_rank_item){ 0, id_rank[i], (uint32_t)i };
    }
}

void tlhn_units_score_rows(const tlhn_shared *sh, tlhn_scratch *s, const size_t score_row[2],
                           const double **score)
{
    for (size_t u = 0; u < sh->n_units; u++) {
        size_t m = sh->unit_start[u + 1] - sh->unit_start[u];
        score[u] = unit_block(sh, s, u) + score_row[sh->unit_above[u] != 0] * m;
    }
}
