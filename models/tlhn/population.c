/* population.c -- the synthetic firm population of the base year 2020 (docs/model-population.md §2).
 *
 * Each firm draws a Gaussian vector from its own Random123 stream (so a firm's values depend
 * only on the seed and its row), maps it through lognormal margins, and then each column of each
 * group is scaled by one factor so that the group's aggregates equal the §2 table. Scaling by a
 * common factor leaves every ratio between firms, and so every rank and correlation, as drawn.
 * docs/model-population.md explains each choice and the defaults of the knobs. */
#include "firms.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

/* One group (规上 or 规下) of the §2 table, in model units (mu, 万元, tce, persons). */
typedef struct {
    double firms, land, value_added, tax, energy, employees;
    double land_floor;          /* mu: 规下 firms are screened from 3 mu up [fact, 浙政发〔2021〕31号] */
    double rd_p_zero;           /* share of firms reporting no R&D [assumption] */
    double rd_median;           /* median R&D/revenue of those that report some [assumption] */
} group_spec;

static const group_spec groups[2] = {
    /* 规上: 3,650 亿元 VA, 665 亿元 tax, 1,460 万 tce, 1.12 million employees */
    { 6300, 190000, 3.65e7, 6.65e6, 1.46e7, 1120000, 0, 0.15, 0.020 },
    /* 规下: 700 亿元 VA, 120 亿元 tax, 420 万 tce, 0.4 million employees */
    { 9700, 110000, 7.0e6, 1.2e6, 4.2e6, 400000, 3, 0.60, 0.010 },
};

/* Share of a sector's energy (等价值) that is electricity [assumption]: process industries burn
 * coal and gas, assembly runs on power. */
static const double sector_elec_share[TLHN_N_SECTORS] = {
    0.55, 0.30, 0.20, 0.45, 0.75, 0.85, 0.50, 0.55
};
/* Main-pollutant emissions per tce, relative to the base factor [assumption]. */
static const double sector_emis_mult[TLHN_N_SECTORS] = {
    1.5, 2.0, 2.0, 1.5, 0.5, 0.5, 1.5, 1.0
};
#define KGCE_PER_KWH 0.30        /* 等价值 of electricity, ≈ 300 gce/kWh [estimate: national 供电煤耗 ≈ 300 gce/kWh] */
#define EMIS_T_PER_TCE 5e-4      /* VA/emissions ≈ 4,930 万元/t at VA/energy ≈ 2.6 万元/tce in
                                    Huangyan District's benchmarks (2022): ≈ 5e-4 t per tce */
#define SIGMA_ELEC_SHARE 0.25    /* log-sd of a firm's electricity share [assumption] */
#define SIGMA_EMIS 0.5           /* log-sd of a firm's emissions per tce [assumption] */
#define SIGMA_RD 0.8             /* log-sd of a reporting firm's R&D ratio [assumption] */
#define RHO_RD_VA 0.5            /* correlation of log R&D ratio with log VA/mu [assumption] */
#define RD_MAX 0.30              /* R&D ratios are clipped here */

/* Lower-triangular Cholesky factor of the correlation of (log VA/mu, log land, log energy
 * intensity); tlhn_popcfg_check() has made sure it exists. */
static void copula_factor(const tlhn_popcfg *cfg, double L[3][3])
{
    double a = cfg->rho_land_va, b = cfg->rho_energy_va, c = cfg->rho_land_energy;
    L[0][0] = 1, L[0][1] = 0, L[0][2] = 0;
    L[1][0] = a, L[1][1] = sqrt(1 - a * a), L[1][2] = 0;
    L[2][0] = b, L[2][1] = (c - a * b) / L[1][1];
    L[2][2] = sqrt(1 - L[2][0] * L[2][0] - L[2][1] * L[2][1]);
}

/* Exact counts per category: largest remainder of n * share (ties to the lower index). */
static void quotas(size_t n, const double *share, int k, size_t *count)
{
    double rem[TLHN_N_DISTRICTS > TLHN_N_SECTORS ? TLHN_N_DISTRICTS : TLHN_N_SECTORS];
    size_t used = 0;
    for (int c = 0; c < k; c++) {
        double q = (double)n * share[c];
        count[c] = (size_t)floor(q);
        rem[c] = q - floor(q);
        used += count[c];
    }
    for (; used < n; used++) {
        int best = 0;
        for (int c = 1; c < k; c++)
            if (rem[c] > rem[best])
                best = c;
        count[best]++;
        rem[best] = -1;
    }
}

/* Give rows [first, first + n) categories in exact quota, in an order shuffled by the stream
 * (purpose, group). */
static void assign(uint8_t *col, size_t first, size_t n, const double *share, int k,
                   gsl_rng *r, const tlhn_popcfg *cfg, uint32_t purpose, uint32_t group)
{
    size_t count[TLHN_N_DISTRICTS > TLHN_N_SECTORS ? TLHN_N_DISTRICTS : TLHN_N_SECTORS];
    quotas(n, share, k, count);
    size_t i = first;
    for (int c = 0; c < k; c++)
        for (size_t j = 0; j < count[c]; j++)
            col[i++] = (uint8_t)c;
    rng_address(r, cfg->seed, TLHN_POP_REPLICATION, purpose, group, 0);
    gsl_ran_shuffle(r, col + first, n, 1);
}

/* Raw draws of one firm, before calibration; margins have median 1 where they are scaled. */
typedef struct {
    double land, va_per_mu, energy_int, tax_share, productivity, rd_ratio, elec_share, emis;
} firm_draw;

static firm_draw draw_firm(gsl_rng *r, const tlhn_popcfg *cfg, const double L[3][3],
                           const group_spec *g, int sector, size_t row)
{
    rng_address(r, cfg->seed, TLHN_POP_REPLICATION, TLHN_PURPOSE_POP_FIRM, (uint32_t)row, 0);
    double x[3];
    for (int k = 0; k < 3; k++)
        x[k] = gsl_ran_gaussian(r, 1.0);
    double z_va = x[0];
    double z_land = L[1][0] * x[0] + L[1][1] * x[1];
    double z_ei = L[2][0] * x[0] + L[2][1] * x[1] + L[2][2] * x[2];
    double z_tax = gsl_ran_gaussian(r, 1.0);
    double z_prod = gsl_ran_gaussian(r, 1.0);
    double z_rd = gsl_ran_gaussian(r, 1.0);
    double u_rd = gsl_rng_uniform(r);
    double z_elec = gsl_ran_gaussian(r, 1.0);
    double z_emis = gsl_ran_gaussian(r, 1.0);

    firm_draw d;
    d.land = exp(cfg->sigma_land * z_land);
    d.va_per_mu = exp(cfg->sigma_va_per_mu * z_va);
    d.energy_int = tlhn_sector_energy_mult[sector] * exp(cfg->sigma_energy_int * z_ei);
    d.tax_share = exp(cfg->sigma_tax_share * z_tax);
    double rp = cfg->rho_productivity_va;
    d.productivity = exp(cfg->sigma_productivity * (rp * z_va + sqrt(1 - rp * rp) * z_prod));
    if (u_rd < g->rd_p_zero) {
        d.rd_ratio = 0;
    } else {
        double z = RHO_RD_VA * z_va + sqrt(1 - RHO_RD_VA * RHO_RD_VA) * z_rd;
        d.rd_ratio = fmin(RD_MAX, g->rd_median * exp(SIGMA_RD * z));
    }
    d.elec_share = fmin(1.0, sector_elec_share[sector] * exp(SIGMA_ELEC_SHARE * z_elec));
    d.emis = EMIS_T_PER_TCE * sector_emis_mult[sector] * exp(SIGMA_EMIS * z_emis);
    return d;
}

static double column_sum(const double *v, size_t first, size_t n)
{
    double s = 0;
    for (size_t i = first; i < first + n; i++)
        s += v[i];
    return s;
}

static void column_scale(double *v, size_t first, size_t n, double target)
{
    double c = target / column_sum(v, first, n);
    for (size_t i = first; i < first + n; i++)
        v[i] *= c;
}

/* Draw and calibrate rows [first, first + n) of group g (0 规上, 1 规下). */
static void make_group(tlhn_firms *f, size_t first, size_t n, int g, gsl_rng *r,
                       const tlhn_popcfg *cfg)
{
    const group_spec *gs = &groups[g];
    double L[3][3];
    copula_factor(cfg, L);
    assign(f->district, first, n, tlhn_district_share, TLHN_N_DISTRICTS, r, cfg,
           TLHN_PURPOSE_POP_DISTRICT, (uint32_t)g);
    assign(f->sector, first, n, tlhn_sector_share, TLHN_N_SECTORS, r, cfg,
           TLHN_PURPOSE_POP_SECTOR, (uint32_t)g);

    firm_draw *d = phx_malloc(n * sizeof *d);
    for (size_t j = 0; j < n; j++)
        d[j] = draw_firm(r, cfg, L, gs, f->sector[first + j], first + j);

    /* land: the floor plus a lognormal excess; the excess is scaled to the group's total */
    double floor_mu = gs->land_floor, excess = 0;
    for (size_t j = 0; j < n; j++)
        excess += d[j].land;
    double c_land = (gs->land * cfg->scale - floor_mu * (double)n) / excess;
    for (size_t j = 0; j < n; j++) {
        size_t i = first + j;
        f->above_scale[i] = g == 0;
        f->land_mu[i] = floor_mu + c_land * d[j].land;
        f->value_added[i] = f->land_mu[i] * d[j].va_per_mu;
    }
    column_scale(f->value_added, first, n, gs->value_added * cfg->scale);
    for (size_t j = 0; j < n; j++) {
        size_t i = first + j;
        f->tax[i] = f->value_added[i] * d[j].tax_share;
        f->energy_tce[i] = f->value_added[i] * d[j].energy_int;
        f->employees[i] = f->value_added[i] / d[j].productivity;
        f->rd_ratio[i] = d[j].rd_ratio;
    }
    column_scale(f->tax, first, n, gs->tax * cfg->scale);
    column_scale(f->energy_tce, first, n, gs->energy * cfg->scale);
    column_scale(f->employees, first, n, gs->employees * cfg->scale);
    for (size_t j = 0; j < n; j++) {
        size_t i = first + j;
        /* whole persons; rounding moves the total by far less than 0.1% */
        f->employees[i] = fmax(1.0, round(f->employees[i]));
        f->electricity_kwh[i] = f->energy_tce[i] * d[j].elec_share * 1000.0 / KGCE_PER_KWH;
        f->emissions[i] = f->energy_tce[i] * d[j].emis;
    }
    free(d);
}

tlhn_firms *tlhn_firms_synthesize(const tlhn_popcfg *cfg)
{
    if (tlhn_popcfg_check(cfg, NULL) != PHX_OK)
        return NULL;
    size_t n_grp[2];
    for (int g = 0; g < 2; g++) {
        double want = round(groups[g].firms * cfg->scale);
        n_grp[g] = want < 1 ? 1 : (size_t)want;
    }
    tlhn_firms *f = tlhn_firms_alloc(n_grp[0] + n_grp[1]);
    gsl_rng *r = gsl_rng_alloc(rng_philox);
    if (r == NULL) {
        fprintf(stderr, "phoenix: out of memory (gsl_rng_alloc)\n");
        exit(PHX_ERUN);
    }
    make_group(f, 0, n_grp[0], 0, r, cfg);
    make_group(f, n_grp[0], n_grp[1], 1, r, cfg);
    gsl_rng_free(r);
    for (size_t i = 0; i < f->n; i++) {
        char buf[24];
        snprintf(buf, sizeof buf, "%zu", i + 1);
        f->id[i] = phx_strdup(buf);
        f->id_rank[i] = (uint32_t)i;   /* the ids 1..n are already in §3.3 order */
    }
    return f;
}
