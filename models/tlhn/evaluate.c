/* evaluate.c -- the 亩均论英雄 evaluation (docs/model.md §3): indicators, benchmark-relative score,
 * classes by rank within each evaluation unit, differentiated electricity surcharges. */
#include "tlhn.h"

#include <math.h>
#include <string.h>

/* §3.2 weights [fact: the Huangyan District 亩均 formulas, 2021 and 2022 evaluation years]. */
enum { IND_TAX_MU, IND_VA_MU, IND_VA_ENERGY, IND_VA_EMISSION, IND_VA_EMPLOYEE, IND_RD, N_IND_ABOVE };
enum { IND_B_TAX_MU, IND_B_TAX_KWH, N_IND_BELOW };
static const double weight_above[N_IND_ABOVE] = { 30, 20, 20, 10, 10, 10 };
static const double weight_below[N_IND_BELOW] = { 50, 50 };
#define EVAL_TILE 512               /* firms per tile of a unit's passes */

/* Four lanes of doubles (GCC vector extensions: one AVX register in the avx2 clones, two SSE2
 * registers otherwise). Lane-wise IEEE division, product and sum give the bits of the scalar
 * code; a select replaces each `c ? a : b`, so that no division is conditional. */
typedef double v4d __attribute__((vector_size(32)));
typedef long long v4i __attribute__((vector_size(32)));
#define LD(p) ({ v4d v_; memcpy(&v_, (p), sizeof v_); v_; })
#define ST(p, v) do { v4d s_ = (v); memcpy((p), &s_, sizeof s_); } while (0)
#define SEL(m, a, b) ((v4d)((((v4i)(a)) & (m)) | (((v4i)(b)) & ~(m))))
#define V4(x) ((v4d){ (x), (x), (x), (x) })

/* §3.1, pass 2: the indicators in place, firm by firm, on n firms of a unit's block (tlhn.h:
 * blocks of four firms, R rows each). A zero denominator gives -1 (no value); every indicator
 * is otherwise >= 0. Row 1 holds VA (规上) or kWh (规下) on entry. */
__attribute__((target_clones("avx2", "default")))
static void ratios_unit(double *x, size_t n, int above)
{
    const v4d zero = V4(0), none = V4(-1);
    size_t j = 0;
    if (!above) {
        enum { R = TLHN_ROWS_BELOW, K = 4 * IND_B_TAX_KWH, L = 4 * N_IND_BELOW };
        for (; j + 4 <= n; j += 4) {
            double *q = x + j * R;
            v4d t = LD(q), k = LD(q + K);
            ST(q + K, SEL(k > zero, t / k, none));             /* 单位用电税收 */
            ST(q, t / LD(q + L));                               /* 亩均税收 */
        }
        for (; j < n; j++) {
            double *q = &TLHN_AT(x, R, 0, j);
            q[K] = q[K] > 0 ? q[0] / q[K] : -1;
            q[0] = q[0] / q[L];
        }
        return;
    }
    enum { R = TLHN_ROWS_ABOVE, V = 4 * IND_VA_MU, E = 4 * IND_VA_ENERGY, C = 4 * IND_VA_EMISSION,
           P = 4 * IND_VA_EMPLOYEE, L = 4 * N_IND_ABOVE };
    for (; j + 4 <= n; j += 4) {
        double *q = x + j * R;
        v4d v = LD(q + V), e = LD(q + E), c = LD(q + C), p = LD(q + P), l = LD(q + L);
        ST(q, LD(q) / l);
        ST(q + V, v / l);
        ST(q + E, SEL(e > zero, v / e, none));
        ST(q + C, SEL(c > zero, v / c, none));
        ST(q + P, SEL(p > zero, v / p, none));
    }
    for (; j < n; j++) {
        double *q = &TLHN_AT(x, R, 0, j), v = q[V];
        q[0] = q[0] / q[L];
        q[V] = v / q[L];
        q[E] = q[E] > 0 ? v / q[E] : -1;
        q[C] = q[C] > 0 ? v / q[C] : -1;
        q[P] = q[P] > 0 ? v / q[P] : -1;
    }
}

/* One indicator's term of the score: w min(x / b, cap); a missing value (x < 0) is neutral. */
static inline double score_term(double x, double b, double w, double cap)
{
    double ratio = x >= 0 ? x / b : 1;
    return w * (ratio < cap ? ratio : cap);
}

/* §3.2, pass 4: score = Σ_k w_k min(x / b_k, cap), summed in k order for each firm (four firms
 * at a time, never across k), of the n firms of a unit's block of nk + 1 rows; the rank key
 * -score into their items. b_k = 0 (no firm has the indicator) is neutral. */
__attribute__((target_clones("avx2", "default")))
static void score_unit(const double *x, size_t n, int nk, const double *w, const double *bench,
                       double cap, tlhn_rank_item *items)
{
    size_t R = (size_t)nk + 1, j = 0;
    double neutral = 1 < cap ? 1 : cap;
    const v4d vcap = V4(cap), zero = V4(0), one = V4(1);
    for (; j + 4 <= n; j += 4) {
        const double *q = x + j * R;
        v4d acc = V4(0);
        for (int k = 0; k < nk; k++) {
            if (!(bench[k] > 0)) {
                acc += V4(w[k] * neutral);
                continue;
            }
            v4d xv = LD(q + 4 * k), ratio = SEL(xv >= zero, xv / V4(bench[k]), one);
            acc += V4(w[k]) * SEL(ratio < vcap, ratio, vcap);
        }
        for (int l = 0; l < 4; l++)
            items[j + l].key = -acc[l];
    }
    for (; j < n; j++) {
        const double *q = &TLHN_AT(x, R, 0, j);
        double acc = 0;
        for (int k = 0; k < nk; k++)
            acc += bench[k] > 0 ? score_term(q[4 * k], bench[k], w[k], cap) : w[k] * neutral;
        items[j].key = -acc;
    }
}

/* §3.2, pass 3: Σ and count of each indicator over the n firms of a block of R rows that have
 * it (x >= 0), added to sum[k] and cnt[k] in firm order. The nk sums advance together, firm by
 * firm (independent chains); adding +0 for a missing value leaves a sum's bits unchanged (a sum
 * starts at +0 and adds values >= 0, so it is never -0). */
static void sum_unit(const double *x, size_t n, size_t R, int nk, double *sum, double *cnt)
{
    for (size_t j = 0; j < n; j++) {
        const double *q = &TLHN_AT(x, R, 0, j);
        for (int k = 0; k < nk; k++) {
            double v = q[4 * k];
            int has = v >= 0;
            sum[k] += has ? v : 0;
            cnt[k] += has;
        }
    }
}

/* Score the n operating firms of unit u, whose inputs tlhn_units_gather() put in the unit's
 * block and whose items it started; -score ends in each item's key. */
static void evaluate_unit(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc,
                          size_t u, size_t n)
{
    int above = sh->unit_above[u];
    int nk = above ? N_IND_ABOVE : N_IND_BELOW;
    size_t R = tlhn_unit_rows(sh, u);
    const double *w = above ? weight_above : weight_below;
    double *x = s->ind + sh->unit_ind[u];
    /* passes 2-3 a tile at a time (so that a large unit's block is read once from memory):
     * the indicators, then their sums in firm order for b_k = benchmark_factor x the mean over
     * the unit's firms that have the indicator */
    double sum[N_IND_ABOVE] = { 0 }, cnt[N_IND_ABOVE] = { 0 }, bench[N_IND_ABOVE];
    for (size_t t = 0; t < n; t += EVAL_TILE) {
        size_t len = n - t < EVAL_TILE ? n - t : EVAL_TILE;
        double *xt = x + t * R;
        ratios_unit(xt, len, above);
        sum_unit(xt, len, R, nk, sum, cnt);
    }
    double factor = THETA(rc, P_EVAL_BENCHMARK_FACTOR), cap = THETA(rc, P_EVAL_CAP);
    if (!(cap > 0))
        cap = INFINITY;
    for (int k = 0; k < nk; k++)
        bench[k] = cnt[k] > 0 ? factor * sum[k] / cnt[k] : 0;
    tlhn_rank_item *items = s->items + sh->unit_start[u];
    for (size_t t = 0; t < n; t += EVAL_TILE) {               /* pass 4, a tile at a time */
        size_t len = n - t < EVAL_TILE ? n - t : EVAL_TILE;
        score_unit(x + t * R, len, nk, w, bench, cap, items + t);
    }
}

/* §3.3: the first round(n sA) are A, up to round(n (sA + sB)) B, and so on. */
static void class_unit(const replication_ctx *rc, tlhn_scratch *s, const tlhn_rank_item *items,
                       size_t n)
{
    double share[N_CLASSES];
    size_t bounds[N_CLASSES];
    for (int c = 0; c < N_CLASSES; c++)
        share[c] = THETA(rc, P_EVAL_SHARE_A + c);
    tlhn_class_bounds(n, share, bounds);
    tlhn_rank_classes(items, n, bounds, N_CLASSES - 1, s->cls, s->rank_work);
    size_t from = 0;
    for (int c = 0; c < N_CLASSES; c++) {
        s->class_count[c] += (double)(bounds[c] - from);
        from = bounds[c];
    }
}

/* One pass in table order: each operating firm's score back from its item (the gather's
 * order), and §3.4 [fact: Ruian 2022]: a C or D firm pays a surcharge per kWh, capped per firm.
 * A cost, not a tax: it raises the natural exit hazard (§6.2) and is counted in
 * surcharge_paid_yi. One pass rather than two (issue 17: at 1M firms a pass streams from
 * memory); the same values, and `paid` summed in the same order. */
static void scores_and_surcharges(const tlhn_shared *sh, tlhn_scratch *s,
                                  const replication_ctx *rc)
{
    const tlhn_rank_item *items[TLHN_MAX_UNITS];           /* key -score, in gather order */
    size_t at[TLHN_MAX_UNITS] = { 0 };
    for (size_t u = 0; u < sh->n_units; u++)
        items[u] = s->items + sh->unit_start[u];
    double rate[2][N_CLASSES] = { { 0 } };                /* [above][class], 元/kWh */
    rate[1][CLASS_C] = THETA(rc, P_EVAL_SURCHARGE_ABOVE_C);
    rate[1][CLASS_D] = THETA(rc, P_EVAL_SURCHARGE_ABOVE_D);
    rate[0][CLASS_C] = THETA(rc, P_EVAL_SURCHARGE_BELOW_C);
    rate[0][CLASS_D] = THETA(rc, P_EVAL_SURCHARGE_BELOW_D);
    double cap = THETA(rc, P_EVAL_SURCHARGE_CAP), min_kwh = THETA(rc, P_EVAL_SURCHARGE_MIN_KWH);
    const uint8_t *above = sh->firms->above_scale, *unit_of = sh->unit_of;
    double paid = 0;
    for (size_t i = 0; i < s->n; i++) {
        double sc = 0;
        if (s->alive[i]) {
            size_t u = unit_of[i];
            s->score[i] = -items[u][at[u]++].key;            /* negation is exact */
            if (s->kwh[i] >= min_kwh) {
                sc = rate[above[i] != 0][s->cls[i]] * s->kwh[i] / 1e4;   /* 元 -> 万元 */
                if (cap > 0 && sc > cap)
                    sc = cap;
            }
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
    size_t count[TLHN_MAX_UNITS];
    tlhn_units_gather(sh, s, count);                          /* order.c */
    for (size_t u = 0; u < sh->n_units; u++) {
        evaluate_unit(sh, s, rc, u, count[u]);
        class_unit(rc, s, s->items + sh->unit_start[u], count[u]);
    }
    scores_and_surcharges(sh, s, rc);
}
