/* evaluate.c -- the 亩均论英雄 evaluation (docs/model.md §3): indicators, benchmark-relative score,
 * classes by rank within each evaluation unit, differentiated electricity surcharges. */
#include "tlhn.h"

#include <math.h>

/* §3.2 weights [fact: the Huangyan District 亩均 formulas, 2021 and 2022 evaluation years]. */
enum { IND_TAX_MU, IND_VA_MU, IND_VA_ENERGY, IND_VA_EMISSION, IND_VA_EMPLOYEE, IND_RD, N_IND_ABOVE };
enum { IND_B_TAX_MU, IND_B_TAX_KWH, N_IND_BELOW };
static const double weight_above[N_IND_ABOVE] = { 30, 20, 20, 10, 10, 10 };
static const double weight_below[N_IND_BELOW] = { 50, 50 };

/* §3.1 indicators of firm i into x[k * stride]; a zero denominator gives -1 (no value).
 * Every indicator is otherwise >= 0. */
static void indicators(const tlhn_scratch *s, size_t i, int above, double rd, double *x,
                       size_t stride)
{
    double land = s->land[i];                                 /* > 0 (§1) */
    if (!above) {
        x[0] = s->tax[i] / land;                              /* 亩均税收 */
        x[stride] = s->kwh[i] > 0 ? s->tax[i] / s->kwh[i] : -1; /* 单位用电税收 */
        return;
    }
    double va = s->va[i];
    x[IND_TAX_MU * stride] = s->tax[i] / land;
    x[IND_VA_MU * stride] = va / land;
    x[IND_VA_ENERGY * stride] = s->energy[i] > 0 ? va / s->energy[i] : -1;
    x[IND_VA_EMISSION * stride] = s->emissions[i] > 0 ? va / s->emissions[i] : -1;
    x[IND_VA_EMPLOYEE * stride] = s->employees[i] > 0 ? va / s->employees[i] : -1;
    x[IND_RD * stride] = rd;
}

/* Score the operating firms of one unit into s->score and s->items; returns how many. */
static size_t evaluate_unit(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc,
                            size_t u)
{
    const uint32_t *idx = sh->unit_order + sh->unit_start[u];
    size_t m = sh->unit_start[u + 1] - sh->unit_start[u];
    int above = sh->unit_above[u];
    int nk = above ? N_IND_ABOVE : N_IND_BELOW;
    const double *w = above ? weight_above : weight_below;
    const double *rd = sh->firms->rd_ratio;
    double *x = s->ind;                                       /* x[k * m + j] */
    double sum[N_IND_ABOVE] = { 0 }, cnt[N_IND_ABOVE] = { 0 }, bench[N_IND_ABOVE];
    size_t n = 0;
    for (size_t j = 0; j < m; j++) {
        size_t i = idx[j];
        if (!s->alive[i])
            continue;
        indicators(s, i, above, rd[i], x + n, m);
        for (int k = 0; k < nk; k++)
            if (x[(size_t)k * m + n] >= 0) {
                sum[k] += x[(size_t)k * m + n];
                cnt[k] += 1;
            }
        s->items[n++].firm = (uint32_t)i;
    }
    /* b_k = benchmark_factor x the mean over the unit's firms that have the indicator; the
     * score adds w_k min(x / b_k, cap). A missing value, or a unit where b_k is 0, is neutral:
     * x = b_k. */
    double factor = THETA(rc, P_EVAL_BENCHMARK_FACTOR), cap = THETA(rc, P_EVAL_CAP);
    if (!(cap > 0))
        cap = INFINITY;
    for (int k = 0; k < nk; k++)
        bench[k] = cnt[k] > 0 ? factor * sum[k] / cnt[k] : 0;
    const uint32_t *id_rank = sh->firms->id_rank;
    for (size_t j = 0; j < n; j++) {
        double score = 0;
        for (int k = 0; k < nk; k++) {
            double xk = x[(size_t)k * m + j];
            double ratio = xk >= 0 && bench[k] > 0 ? xk / bench[k] : 1;
            score += w[k] * (ratio < cap ? ratio : cap);
        }
        uint32_t i = s->items[j].firm;
        s->score[i] = score;
        s->items[j] = (tlhn_rank_item){ -score, id_rank[i], i };
    }
    return n;
}

/* §3.3: the first round(n sA) are A, up to round(n (sA + sB)) B, and so on. */
static void class_unit(const replication_ctx *rc, tlhn_scratch *s, size_t n)
{
    double share[N_CLASSES];
    size_t bounds[N_CLASSES];
    for (int c = 0; c < N_CLASSES; c++)
        share[c] = THETA(rc, P_EVAL_SHARE_A + c);
    tlhn_class_bounds(n, share, bounds);
    tlhn_rank_select_many(s->items, n, bounds, N_CLASSES - 1);
    size_t from = 0;
    for (int c = 0; c < N_CLASSES; c++) {
        for (size_t j = from; j < bounds[c]; j++)
            s->cls[s->items[j].firm] = (uint8_t)c;
        s->class_count[c] += (double)(bounds[c] - from);
        from = bounds[c];
    }
}

/* §3.4 [fact: Ruian 2022]: a C or D firm pays a surcharge per kWh, capped per firm. A cost, not
 * a tax: it raises the natural exit hazard (§6.2) and is counted in surcharge_paid_yi. */
static void surcharges(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc)
{
    double rate[2][N_CLASSES] = { { 0 } };                /* [above][class], 元/kWh */
    rate[1][CLASS_C] = THETA(rc, P_EVAL_SURCHARGE_ABOVE_C);
    rate[1][CLASS_D] = THETA(rc, P_EVAL_SURCHARGE_ABOVE_D);
    rate[0][CLASS_C] = THETA(rc, P_EVAL_SURCHARGE_BELOW_C);
    rate[0][CLASS_D] = THETA(rc, P_EVAL_SURCHARGE_BELOW_D);
    double cap = THETA(rc, P_EVAL_SURCHARGE_CAP), min_kwh = THETA(rc, P_EVAL_SURCHARGE_MIN_KWH);
    const uint8_t *above = sh->firms->above_scale;
    double paid = 0;
    for (size_t i = 0; i < s->n; i++) {
        double sc = 0;
        if (s->alive[i] && s->kwh[i] >= min_kwh) {
            sc = rate[above[i] != 0][s->cls[i]] * s->kwh[i] / 1e4;   /* 元 -> 万元 */
            if (cap > 0 && sc > cap)
                sc = cap;
        }
        s->surcharge[i] = sc;
        paid += sc;
    }
    s->cum[M_SURCHARGE_PAID] += paid;
}

void tlhn_evaluate(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, int y)
{
    (void)y;
    for (int c = 0; c < N_CLASSES; c++)
        s->class_count[c] = 0;
    for (size_t u = 0; u < sh->n_units; u++) {
        size_t n = evaluate_unit(sh, s, rc, u);
        class_unit(rc, s, n);
    }
    surcharges(sh, s, rc);
}
