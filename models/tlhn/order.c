/* order.c -- the firms in evaluation-unit order (§3.2 units: district or city x 规上/规下).
 *
 * The firm table stays in the user's order inside the model: every draw is addressed by that
 * index (§9), and every sum over firms (the 规上 totals, exits, completions, surcharges) runs in
 * that order, which fixes the bits of the results. What needs the unit order is the evaluation,
 * which reads seven columns unit by unit. Reading them through an index (unit_order) touches a
 * cache line per firm and column in each of the 26 units' passes: at 1M firms the columns do not
 * fit in cache and every line is loaded many times over. Instead, one sequential pass over the
 * firms in table order writes each operating firm's inputs into its unit's block of the scratch,
 * the evaluation works on contiguous unit blocks, and one more sequential pass brings the scores
 * back. A block holds four firms' rows side by side (tlhn.h, TLHN_AT), so the gather writes 26
 * sequential streams, not 26 x 7: at 1M firms the 182 streams of a row-per-unit layout cost
 * more than the rest of the evaluation (bench/README.md, issue 17). Within a unit the firms keep ascending table order, so
 * the benchmarks' sums are the very sums of before. */
#include "tlhn.h"

#include <stdlib.h>

void tlhn_units_index(tlhn_shared *sh)
{
    sh->unit_of = phx_malloc((sh->n ? sh->n : 1) * sizeof *sh->unit_of);
    sh->unit_ind = phx_calloc(sh->n_units + 1, sizeof *sh->unit_ind);
    for (size_t u = 0; u < sh->n_units; u++) {
        size_t m = sh->unit_start[u + 1] - sh->unit_start[u];
        sh->unit_ind[u + 1] = sh->unit_ind[u] + ((m + 3) & ~(size_t)3) * tlhn_unit_rows(sh, u);
        for (size_t p = sh->unit_start[u]; p < sh->unit_start[u + 1]; p++)
            sh->unit_of[sh->unit_order[p]] = (uint8_t)u;
    }
}

void tlhn_units_gather(const tlhn_shared *sh, tlhn_scratch *s, size_t *count)
{
    double *base[TLHN_MAX_UNITS];
    size_t rows[TLHN_MAX_UNITS];
    for (size_t u = 0; u < sh->n_units; u++) {
        base[u] = s->ind + sh->unit_ind[u];
        rows[u] = tlhn_unit_rows(sh, u);
        count[u] = 0;
    }
    const uint8_t *unit_of = sh->unit_of;
    const uint32_t *id_rank = sh->firms->id_rank;
    const double *rd = sh->firms->rd_ratio, *employees = sh->firms->employees;
    for (size_t i = 0; i < s->n; i++) {
        if (!s->alive[i])
            continue;
        size_t u = unit_of[i], p = count[u]++;
        double *x = &TLHN_AT(base[u], rows[u], 0, p);          /* row k at x[4 k] */
        x[0] = s->tax[i];
        if (sh->unit_above[u]) {
            x[4] = s->va[i];
            x[8] = s->energy[i];
            x[12] = s->emissions[i];
            x[16] = employees[i];
            x[20] = rd[i];
            x[24] = s->land[i];
        } else {
            x[4] = s->kwh[i];
            x[8] = s->land[i];
        }
        s->items[sh->unit_start[u] + p] = (tlhn_rank_item){ 0, id_rank[i], (uint32_t)i };
    }
}
