/* test_tlhn.c -- the 腾笼换鸟 model, part 1 (docs/model.md §3, §4, §6, §9): exact accounting on
 * hand-made firm tables against an independent implementation of §3, literal class sizes and
 * ties, conservation, common random numbers, thread invariance and the checks of check(). */
#include "testutil.h"
#include "tlhn_harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a hand-made firm table and an independent §3 ------------------------------------------- */

typedef struct tfirm {
    char id[16];
    int district;            /* index into tlhn_district_pinyin */
    int above;
    double land, va, tax, energy, kwh, emp, rd, emis;
} tfirm;

#define MAXF 64
static tfirm T[MAXF];
static int NT;

static void add(const char *id, int d, int above, double land, double va, double tax,
                double energy, double kwh, double emp, double rd, double emis)
{
    tfirm *f = &T[NT++];
    snprintf(f->id, sizeof f->id, "%s", id);
    f->district = d;
    f->above = above;
    f->land = land, f->va = va, f->tax = tax, f->energy = energy, f->kwh = kwh;
    f->emp = emp, f->rd = rd, f->emis = emis;
}

/* 36 firms in two districts (萧山 4, 富阳 8), both groups, varied values, zero denominators, an
 * outlier that only the cap tames, and equal firms with ids 9 and 10. */
static void fixture_mixed(void)
{
    NT = 0;
    char id[16];
    for (int k = 0; k < 16; k++) {                  /* 规上 */
        snprintf(id, sizeof id, "%d", 100 + k);
        double land = 10 + (k * 37 % 41), vapm = 60 + (k * 53 % 97);
        add(id, k % 2 ? 4 : 8, 1, land, vapm * land, 0.18 * vapm * land * (0.7 + 0.05 * (k % 7)),
            k == 3 ? 0 : 0.4 * vapm * land * (0.5 + 0.1 * (k * 7 % 11)), 3e5 + 1e4 * k,
            20 + 5 * (k % 9), 0.01 * (k % 4), k == 5 ? 0 : 1 + (k % 5));
    }
    /* the outlier: enormous tax per mu, poor on everything else */
    add("200", 4, 1, 12, 400, 9000, 4000, 2e6, 300, 0, 50);
    add("201", 8, 1, 12, 400, 9000, 4000, 2e6, 300, 0, 50);
    for (int k = 0; k < 16; k++) {                  /* 规下 */
        snprintf(id, sizeof id, "%d", 300 + k);
        double land = 3 + (k * 29 % 17);
        add(id, k % 2 ? 4 : 8, 0, land, 40 * land, (2 + (k * 11 % 13)) * land,
            30 * land * (1 + 0.2 * (k % 3)), k == 6 ? 0 : 2e4 * land * (1 + 0.1 * (k % 5)), 5,
            0, 1);
    }
    /* equal firms (ties): same values, ids 9 and 10 */
    add("9", 8, 0, 4, 100, 8, 100, 8e4, 3, 0, 1);
    add("10", 8, 0, 4, 100, 8, 100, 8e4, 3, 0, 1);
}

/* 10 规下 firms in one district with proportional values: all scores tie exactly. */
static void fixture_ties(void)
{
    NT = 0;
    char id[16];
    for (int k = 1; k <= 10; k++) {
        snprintf(id, sizeof id, "%d", k);
        add(id, 4, 0, k, 50.0 * k, 10.0 * k, 20.0 * k, 1000.0 * k, 3, 0, 1);
    }
}

static void write_table(const char *path)
{
    FILE *f = fopen(path, "w");
    fprintf(f, "id,district,sector,above_scale,land_mu,value_added,tax,energy_tce,electricity_kwh,"
               "employees,rd_ratio,emissions\n");
    for (int i = 0; i < NT; i++)
        fprintf(f, "%s,%s,%s,%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", T[i].id,
                tlhn_district_pinyin[T[i].district], tlhn_sector_code[i % TLHN_N_SECTORS],
                T[i].above, T[i].land, T[i].va, T[i].tax, T[i].energy, T[i].kwh, T[i].emp,
                T[i].rd, T[i].emis);
    fclose(f);
}

/* §3.3 id order: as integers when both are integers, else as byte strings. */
static int id_cmp(const char *a, const char *b)
{
    char *ea, *eb;
    long long x = strtoll(a, &ea, 10), y = strtoll(b, &eb, 10);
    if (*a && *b && !*ea && !*eb)
        return (x > y) - (x < y);
    return strcmp(a, b);
}

static double ref_score[MAXF];
static int ref_cmp(const void *pa, const void *pb)
{
    int a = *(const int *)pa, b = *(const int *)pb;
    if (ref_score[a] != ref_score[b])
        return ref_score[a] > ref_score[b] ? -1 : 1;
    return id_cmp(T[a].id, T[b].id);
}

/* Indicator k of firm i straight from §3.1 (-1 = zero denominator). */
static double ref_ind(int i, int k)
{
    const tfirm *f = &T[i];
    if (!f->above)
        return k == 0 ? f->tax / f->land : f->kwh > 0 ? f->tax / f->kwh : -1;
    switch (k) {
    case 0: return f->tax / f->land;
    case 1: return f->va / f->land;
    case 2: return f->energy > 0 ? f->va / f->energy : -1;
    case 3: return f->emis > 0 ? f->va / f->emis : -1;
    case 4: return f->va / f->emp;
    default: return f->rd;
    }
}

/* Classes (0..3) of the `alive` firms, §3.2-§3.3, shares in percent. */
static void ref_classes(const int *alive, int city, double cap, const int pct[4], int *cls)
{
    static const double wa[6] = { 30, 20, 20, 10, 10, 10 }, wb[2] = { 50, 50 };
    for (int unit = 0; unit < 2 * TLHN_N_DISTRICTS; unit++) {
        int idx[MAXF], n = 0;
        for (int i = 0; i < NT; i++)
            if (alive[i] && T[i].above == unit % 2 && (city || T[i].district == unit / 2))
                idx[n++] = i;
        if (n == 0 || (city && unit >= 2))
            continue;
        int above = unit % 2, nk = above ? 6 : 2;
        double bench[6];
        for (int k = 0; k < nk; k++) {
            double s = 0;
            int c = 0;
            for (int j = 0; j < n; j++)
                if (ref_ind(idx[j], k) >= 0)
                    s += ref_ind(idx[j], k), c++;
            bench[k] = c ? s / c : 0;
        }
        for (int j = 0; j < n; j++) {
            double sc = 0;
            for (int k = 0; k < nk; k++) {
                double x = ref_ind(idx[j], k);
                double r = (x < 0 || bench[k] <= 0) ? 1 : x / bench[k];
                if (cap > 0 && r > cap)
                    r = cap;
                sc += (above ? wa : wb)[k] * r;
            }
            ref_score[idx[j]] = sc;
        }
        qsort(idx, (size_t)n, sizeof idx[0], ref_cmp);
        int cum = 0, from = 0;
        for (int c = 0; c < 4; c++) {
            cum += pct[c];
            int to = c == 3 ? n : (2 * n * cum + 100) / 200;   /* round half up, exactly */
            for (int j = from; j < to; j++)
                cls[idx[j]] = c;
            from = to;
        }
    }
}

/* ---- scenario files -------------------------------------------------------------------------- */

static char *dir;
static char ini[4096], csv[4096];

/* Every random element off (the §3/§4 accounting is then exact), D firms only, class shares
 * given in percent. */
static void write_deterministic(int years, const int pct[4])
{
    snprintf(csv, sizeof csv, "%s/firms.csv", dir);
    snprintf(ini, sizeof ini, "%s/det.ini", dir);
    write_table(csv);
    char text[4096];
    snprintf(text, sizeof text,
             "; Policy question: none -- exact accounting with every random element off\n"
             "[scenario]\nmodel = tlhn\nyears = 2021-%d\nreplications = 3\nseed = 5\n"
             "firms = firms.csv\n"
             "[evaluation]\nshare.A = %g\nshare.B = %g\nshare.C = %g\nshare.D = %g\n"
             "[rectify]\nclasses = D\nfirms_per_year = 1000\np_complete = 1\n"
             "upgrade.p_success = 1\neffect_concentration = 0\nexit.p_leak = 0\n"
             "upgrade.energy_cut = 0.15\nmix.D.exit = 1\nmix.D.merge = 0\nmix.D.relocate = 0\n"
             "mix.D.upgrade = 0\n"
             "[economy]\ngrowth = 0\nsigma_common = 0\nsigma_firm = 0\nautonomous_efficiency = 0\n"
             "exit_hazard = 0\nsurcharge_hazard = 0\n"
             "[land]\nconversion_share = 0\n",
             2020 + years, pct[0] / 100.0, pct[1] / 100.0, pct[2] / 100.0, pct[3] / 100.0);
    CU_ASSERT_FATAL(tu_write(ini, text) == 0);
}

static const int PCT_DEFAULT[4] = { 10, 35, 45, 10 };

#define CLOSE(a, b) CU_ASSERT(fabs((a) - (b)) <= 1e-9 * (1 + fabs(b)))

/* One deterministic run; checks every metric of the action against sums over the reference
 * D class. */
static void check_action(const char *action, int city, double cap, const int pct[4])
{
    write_deterministic(1, pct);
    char capv[32];
    snprintf(capv, sizeof capv, "%g", cap);
    char keyv[64];
    snprintf(keyv, sizeof keyv, "rectify.mix.D.%s", action);
    scenario_override ov[] = {
        { "--set", "rectify.mix.D.exit", "0" },
        { "--set", keyv, "1" },
        { "--set", "evaluation.scope", city ? "city" : "district" },
        { "--set", "evaluation.cap", capv },
    };
    th_result r;
    CU_ASSERT_FATAL(th_run(ini, ov, 4, 1, &r) == PHX_OK);
    int alive[MAXF], cls[MAXF];
    for (int i = 0; i < NT; i++)
        alive[i] = 1;
    ref_classes(alive, city, cap, pct, cls);
    double land = 0, energy = 0, nd = 0, dland[TLHN_N_DISTRICTS] = { 0 }, cnt[4] = { 0 };
    for (int i = 0; i < NT; i++) {
        cnt[cls[i]]++;
        if (cls[i] != 3)
            continue;
        nd++;
        double l = T[i].land;
        if (strcmp(action, "merge") == 0) {
            l *= 0.5;
            energy += 0.20 * T[i].energy;
        } else if (strcmp(action, "relocate") == 0) {
            energy += 0.25 * T[i].energy;
        } else if (strcmp(action, "upgrade") == 0) {
            l = 0;
            energy += 0.15 * T[i].energy;
        } else {
            energy += T[i].energy;
        }
        land += l;
        dland[T[i].district] += l;
    }
    CU_ASSERT(nd > 0);
    for (size_t rep = 0; rep < r.n; rep++) {
        CLOSE(th_metric(&r, "land_released_mu", rep, 0), land);
        CLOSE(th_metric(&r, "energy_freed_tce", rep, 0), energy);
        CLOSE(th_metric(&r, "carbon_reduced_t", rep, 0), 2.0 * energy);
        CLOSE(th_metric(&r, "firms_rectified", rep, 0), nd);
        CU_ASSERT(th_metric(&r, "firms_started", rep, 0) == nd);
        char name[64];
        snprintf(name, sizeof name, "firms_%s", strcmp(action, "exit") == 0 ? "exited"
                                                : strcmp(action, "merge") == 0 ? "merged"
                                                : strcmp(action, "relocate") == 0 ? "relocated"
                                                                                  : "upgraded");
        CU_ASSERT(th_metric(&r, name, rep, 0) == nd);
        CU_ASSERT(th_metric(&r, "firms_A", rep, 0) == cnt[0]);
        CU_ASSERT(th_metric(&r, "firms_D", rep, 0) == cnt[3]);
        for (int d = 0; d < TLHN_N_DISTRICTS; d++)
            CLOSE(th_group(&r, "land_released_mu", rep, 0, d), dland[d]);
        if (strcmp(action, "relocate") == 0) {
            double park = 0;
            for (int i = 0; i < NT; i++)
                park += cls[i] == 3 ? 0.5 * T[i].land : 0;
            CLOSE(th_metric(&r, "park_land_used_mu", rep, 0), park);
        }
    }
    th_free(&r);
}

static void test_exact_actions_district(void)
{
    fixture_mixed();
    check_action("exit", 0, 3.0, PCT_DEFAULT);
    check_action("merge", 0, 3.0, PCT_DEFAULT);
    check_action("relocate", 0, 3.0, PCT_DEFAULT);
    check_action("upgrade", 0, 3.0, PCT_DEFAULT);
}

static void test_exact_scope_city(void)
{
    fixture_mixed();
    int alive[MAXF], a[MAXF], b[MAXF], differ = 0;
    for (int i = 0; i < NT; i++)
        alive[i] = 1;
    ref_classes(alive, 0, 3.0, PCT_DEFAULT, a);
    ref_classes(alive, 1, 3.0, PCT_DEFAULT, b);
    for (int i = 0; i < NT; i++)
        differ += (a[i] == 3) != (b[i] == 3);
    CU_ASSERT(differ > 0);                  /* the fixture tells the scopes apart */
    check_action("exit", 1, 3.0, PCT_DEFAULT);
    check_action("merge", 1, 3.0, PCT_DEFAULT);
}

static void test_exact_cap(void)
{
    fixture_mixed();
    int alive[MAXF], a[MAXF], b[MAXF], differ = 0;
    for (int i = 0; i < NT; i++)
        alive[i] = 1;
    ref_classes(alive, 1, 1.5, PCT_DEFAULT, a);
    ref_classes(alive, 1, 0, PCT_DEFAULT, b);
    for (int i = 0; i < NT; i++)
        differ += (a[i] == 3) != (b[i] == 3);
    CU_ASSERT(differ > 0);                  /* the fixture tells the caps apart */
    check_action("exit", 1, 1.5, PCT_DEFAULT);
    check_action("exit", 1, 0, PCT_DEFAULT);
    check_action("exit", 0, 0, PCT_DEFAULT);
}

/* Literal: 10 tied firms, shares 10/35/40/15: round half up gives A 1, B 4 (4.5 -> 5), C 4
 * (8.5 -> 9), D 1; the D firm is the largest id as an integer: "10" (not "9"). */
static void test_ties_and_rounding(void)
{
    fixture_ties();
    static const int pct[4] = { 10, 35, 40, 15 };
    write_deterministic(1, pct);
    th_result r;
    CU_ASSERT_FATAL(th_run(ini, NULL, 0, 1, &r) == PHX_OK);
    CU_ASSERT_EQUAL(th_metric(&r, "firms_A", 0, 0), 1);
    CU_ASSERT_EQUAL(th_metric(&r, "firms_B", 0, 0), 4);
    CU_ASSERT_EQUAL(th_metric(&r, "firms_C", 0, 0), 4);
    CU_ASSERT_EQUAL(th_metric(&r, "firms_D", 0, 0), 1);
    CU_ASSERT_EQUAL(th_metric(&r, "firms_exited", 0, 0), 1);
    CU_ASSERT_EQUAL(th_metric(&r, "land_released_mu", 0, 0), 10);   /* firm "10" */
    CU_ASSERT_EQUAL(th_metric(&r, "energy_freed_tce", 0, 0), 200);
    th_free(&r);
}

/* Two years, exits only: year 2 re-evaluates the survivors (§3: firms as they are). */
static void test_exact_two_years(void)
{
    fixture_mixed();
    write_deterministic(2, PCT_DEFAULT);
    th_result r;
    CU_ASSERT_FATAL(th_run(ini, NULL, 0, 1, &r) == PHX_OK);
    int alive[MAXF], cls[MAXF];
    for (int i = 0; i < NT; i++)
        alive[i] = 1;
    double land = 0, n = 0;
    for (int y = 0; y < 2; y++) {
        ref_classes(alive, 0, 3.0, PCT_DEFAULT, cls);
        for (int i = 0; i < NT; i++)
            if (alive[i] && cls[i] == 3) {
                land += T[i].land;
                n++;
                alive[i] = 0;
            }
        CLOSE(th_metric(&r, "land_released_mu", 0, y), land);
        CLOSE(th_metric(&r, "firms_exited", 0, y), n);
    }
    th_free(&r);
}

/* A deterministic lag: p_complete 0 never completes; the quota still counts starts. */
static void test_no_completion(void)
{
    fixture_mixed();
    write_deterministic(2, PCT_DEFAULT);
    scenario_override ov[] = { { "--set", "rectify.p_complete", "0" } };
    th_result r;
    CU_ASSERT_FATAL(th_run(ini, ov, 1, 1, &r) == PHX_OK);
    CU_ASSERT(th_metric(&r, "firms_started", 0, 1) > 0);
    CU_ASSERT_EQUAL(th_metric(&r, "firms_rectified", 0, 1), 0);
    CU_ASSERT_EQUAL(th_metric(&r, "land_released_mu", 0, 1), 0);
    th_free(&r);
}

/* ---- the synthetic population: conservation, CRN, threads ---------------------------------- */

static void write_synthetic(int reps)
{
    snprintf(ini, sizeof ini, "%s/syn.ini", dir);
    char text[512];
    snprintf(text, sizeof text,
             "; Policy question: none -- the synthetic population with the defaults\n"
             "[scenario]\nmodel = tlhn\nyears = 2021-2023\nreplications = %d\nseed = 99\n"
             "firms = synthetic\n", reps);
    CU_ASSERT_FATAL(tu_write(ini, text) == 0);
}

static void check_counts(const th_result *r)
{
    for (size_t rep = 0; rep < r->n; rep++)
        for (int y = 0; y < r->ny; y++) {
            double sum = th_metric(r, "firms_exited", rep, y) + th_metric(r, "firms_merged", rep, y) +
                         th_metric(r, "firms_relocated", rep, y) +
                         th_metric(r, "firms_upgraded", rep, y);
            CU_ASSERT_EQUAL(th_metric(r, "firms_rectified", rep, y), sum);
            CU_ASSERT(th_metric(r, "firms_rectified", rep, y) <=
                      th_metric(r, "firms_started", rep, y));
            CLOSE(th_metric(r, "land_revitalized_mu", rep, y),
                  th_metric(r, "land_released_mu", rep, y) +
                      th_metric(r, "land_idle_recovered_mu", rep, y));
            CLOSE(th_metric(r, "carbon_reduced_t", rep, y),
                  2.0 * th_metric(r, "energy_freed_tce", rep, y));
            CU_ASSERT(th_metric(r, "carbon_leaked_t", rep, y) <=
                      th_metric(r, "carbon_reduced_t", rep, y));
            const char *g[] = { "firms_rectified", "land_released_mu", "energy_freed_tce" };
            for (int k = 0; k < 3; k++) {
                double s = 0;
                for (int d = 0; d < TLHN_N_DISTRICTS; d++)
                    s += th_group(r, g[k], rep, y, d);
                CLOSE(s, th_metric(r, g[k], rep, y));
            }
            if (y > 0)   /* cumulative metrics never fall */
                CU_ASSERT(th_metric(r, "land_released_mu", rep, y) >=
                          th_metric(r, "land_released_mu", rep, y - 1));
        }
}

static void test_conservation(void)
{
    write_synthetic(16);
    th_result r;
    CU_ASSERT_FATAL(th_run(ini, NULL, 0, 2, &r) == PHX_OK);
    double land = 0;
    for (size_t i = 0; i < r.shared->n; i++)
        land += r.shared->firms->land_mu[i];
    check_counts(&r);
    for (size_t rep = 0; rep < r.n; rep++) {
        double used = th_metric(&r, "land_revitalized_mu", rep, 2) + th_metric(&r, "land_idle_mu", rep, 2);
        CU_ASSERT(used <= land);
        CU_ASSERT(th_metric(&r, "firms_rectified", rep, 2) > 0);
    }
    th_free(&r);
    /* without growth no firm's energy ever rises: freed + closed <= the energy there was */
    scenario_override ov[] = { { "--set", "economy.growth", "0" },
                               { "--set", "economy.sigma_common", "0" },
                               { "--set", "economy.sigma_firm", "0" } };
    CU_ASSERT_FATAL(th_run(ini, ov, 3, 2, &r) == PHX_OK);
    double energy = 0;
    for (size_t i = 0; i < r.shared->n; i++)
        energy += r.shared->firms->energy_tce[i];
    check_counts(&r);
    for (size_t rep = 0; rep < r.n; rep++) {
        CU_ASSERT(th_metric(&r, "energy_freed_tce", rep, 2) + th_metric(&r, "energy_closed_tce", rep, 2) <=
                  energy);
        CU_ASSERT(th_metric(&r, "energy_freed_tce", rep, 2) > 0);
    }
    th_free(&r);
}

/* §9: scenarios that differ only in the quota give every firm that neither rectifies the same
 * growth shocks: its end value added is bit for bit the same. */
static void test_common_random_numbers(void)
{
    write_synthetic(4);
    scenario_override oa[] = { { "--set", "rectify.firms_per_year", "300" } };
    scenario_override ob[] = { { "--set", "rectify.firms_per_year", "100 200 50" } };
    for (uint32_t rep = 0; rep < 2; rep++) {
        th_state a, b;
        CU_ASSERT_FATAL(th_state_run(ini, oa, 1, rep, &a) == PHX_OK);
        CU_ASSERT_FATAL(th_state_run(ini, ob, 1, rep, &b) == PHX_OK);
        const tlhn_scratch *sa = a.scratch, *sb = b.scratch;
        size_t same = 0, differ = 0, compared = 0;
        for (size_t i = 0; i < sa->n; i++) {
            differ += sa->rect[i] != sb->rect[i];
            if (!sa->alive[i] || !sb->alive[i] || sa->rect[i] != RECT_NONE ||
                sb->rect[i] != RECT_NONE)
                continue;
            compared++;
            same += sa->va[i] == sb->va[i] && sa->energy[i] == sb->energy[i];
        }
        CU_ASSERT(differ > 100);               /* the quotas did change who is rectified */
        CU_ASSERT(compared > 10000);
        CU_ASSERT_EQUAL(same, compared);
        th_state_free(&a);
        th_state_free(&b);
    }
}

/* Same rows at 1 and 2 threads, and whatever the block size. */
static void test_threads(void)
{
    write_synthetic(6);
    th_result a, b;
    CU_ASSERT_FATAL(th_run(ini, NULL, 0, 1, &a) == PHX_OK);
    CU_ASSERT_FATAL(th_run(ini, NULL, 0, 2, &b) == PHX_OK);
    CU_ASSERT(memcmp(a.rows, b.rows, a.n * a.len * sizeof(double)) == 0);
    CU_ASSERT(memcmp(a.grows, b.grows, a.n * a.glen * sizeof(double)) == 0);
    th_free(&a);
    th_free(&b);
}

/* ---- ranking: selection agrees with a full sort ------------------------------------------------ */

static int item_cmp(const void *pa, const void *pb)
{
    const tlhn_rank_item *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return (a->id_rank > b->id_rank) - (a->id_rank < b->id_rank);
}

/* Many sizes, heavy ties in the key (so the id rank decides), boundaries anywhere, including 0
 * and n: every prefix the selection promises holds exactly the sorted prefix. */
static void test_rank_select(void)
{
    enum { NMAX = 700 };
    static tlhn_rank_item a[NMAX], b[NMAX];
    unsigned long long x = 88172645463325252ull;
    for (int trial = 0; trial < 400; trial++) {
        size_t n = (size_t)(trial * 7 % NMAX) + (trial % 3 == 0 ? 0 : 1);
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            a[i].key = (double)(x % (trial % 2 ? 5 : 100000));
            a[i].id_rank = (uint32_t)((i * 2654435761u) % 1000003u);
            a[i].firm = (uint32_t)i;
        }
        memcpy(b, a, n * sizeof *a);
        qsort(b, n, sizeof *b, item_cmp);
        double share[4] = { 0.1, 0.35, 0.45, 0.1 };
        if (trial % 5 == 0)
            share[0] = 0, share[1] = 0.5;
        size_t bounds[4];
        tlhn_class_bounds(n, share, bounds);
        tlhn_rank_select_many(a, n, bounds, 3);
        int ok = 1;
        for (size_t i = 0; i < n; i++) {      /* item i lies within its sorted class range */
            size_t c = 0;
            while (c < 3 && i >= bounds[c])
                c++;
            size_t lo = c ? bounds[c - 1] : 0, hi = bounds[c], found = 0;
            for (size_t j = lo; j < hi; j++)
                found |= b[j].firm == a[i].firm;
            ok &= found != 0;
        }
        CU_ASSERT(ok);
        if (n > 3) {                          /* a single select too */
            memcpy(a, b, n * sizeof *a);
            for (size_t i = 0; i + 1 < n; i += 2) {
                tlhn_rank_item t = a[i];
                a[i] = a[n - 1 - i];
                a[n - 1 - i] = t;
            }
            size_t k = n / 3;
            tlhn_rank_select(a, n, k);
            CU_ASSERT(a[k].firm == b[k].firm);
        }
    }
}

/* ---- check(): errors name the file, line and key ------------------------------------------- */

static void expect_error(const char *extra, const char *key, const char *line)
{
    snprintf(ini, sizeof ini, "%s/bad.ini", dir);
    char text[1024];
    snprintf(text, sizeof text, "[scenario]\nmodel = tlhn\nfirms = synthetic\n%s", extra);
    CU_ASSERT_FATAL(tu_write(ini, text) == 0);
    scenario *sc = NULL;
    phx_err e = { 0 };
    int st = scenario_load(&sc, ini, models_all, models_n, NULL, 0, &e);
    CU_ASSERT_EQUAL(st, PHX_EINPUT);
    CU_ASSERT(strstr(e.msg, key) != NULL);
    CU_ASSERT(strstr(e.msg, line) != NULL);
    scenario_free(sc);
}

static void test_check_errors(void)
{
    expect_error("[rectify]\nmix.D.exit = 0.5\n", "rectify.mix.D.exit", "bad.ini:5:");
    expect_error("[rectify]\nmix.C.upgrade = uniform(0.5, 0.6)\n", "rectify.mix.C.upgrade",
                 "bad.ini:5:");
    expect_error("[evaluation]\nshare.A = 0.2\n", "evaluation.share.A", "bad.ini:5:");
    expect_error("[evaluation]\nscope = county\n", "evaluation.scope", "bad.ini:5:");
    expect_error("[rectify]\nclasses = C, E\n", "rectify.classes", "bad.ini:5:");
    expect_error("[rectify]\np_complete = 1.5\n", "rectify.p_complete", "bad.ini:5:");
    /* a valid change of two shares that still sum to 1 loads */
    snprintf(ini, sizeof ini, "%s/good.ini", dir);
    CU_ASSERT_FATAL(tu_write(ini, "[scenario]\nmodel = tlhn\n[rectify]\nmix.D.exit = 0.45\n"
                                  "mix.D.upgrade = 0.30\nfirms_per_year = 200\n") == 0);
    scenario *sc = NULL;
    phx_err e = { 0 };
    CU_ASSERT_EQUAL(scenario_load(&sc, ini, models_all, models_n, NULL, 0, &e), PHX_OK);
    scenario_free(sc);
}

int main(void)
{
    dir = tu_tmpdir();
    if (dir == NULL)
        return 2;
    CU_TestInfo tests[] = {
        { "exact accounting per action, scope district", test_exact_actions_district },
        { "exact accounting, scope city", test_exact_scope_city },
        { "exact accounting, cap and no cap", test_exact_cap },
        { "ties by integer id, class sizes round half up", test_ties_and_rounding },
        { "exact accounting over two years", test_exact_two_years },
        { "p_complete 0: nothing completes", test_no_completion },
        { "conservation of land, energy and counts", test_conservation },
        { "common random numbers across quotas", test_common_random_numbers },
        { "identical at 1 and 2 threads", test_threads },
        { "rank selection agrees with a full sort", test_rank_select },
        { "check() errors name file, line and key", test_check_errors },
        CU_TEST_INFO_NULL,
    };
    int st = tu_run("tlhn", tests);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    tu_sh(cmd, NULL);
    free(dir);
    return st;
}
