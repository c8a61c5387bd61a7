/* firms.h -- the 腾笼换鸟 model's firm table (model-spec §1) and synthetic population (§2). */
#ifndef TLHN_FIRMS_H
#define TLHN_FIRMS_H

#include <stddef.h>
#include <stdint.h>
#include "../../engine/phx.h"

struct scenario;

#define TLHN_N_DISTRICTS 13
/* §1.2, 2021 boundaries, in this fixed order (index = district code). */
extern const char *const tlhn_district_zh[TLHN_N_DISTRICTS];     /* 上城, 拱墅, ... 建德 */
extern const char *const tlhn_district_pinyin[TLHN_N_DISTRICTS]; /* shangcheng, ... jiande */

/* §1.3 sectors: the project's list (documented in docs/model-population.md). */
#define TLHN_N_SECTORS 8
extern const char *const tlhn_sector_code[TLHN_N_SECTORS];       /* "textiles", "chemicals", ... */
extern const double tlhn_sector_energy_mult[TLHN_N_SECTORS];     /* energy-intensity multiplier */

/* The firm table of the base year (year_first - 1), structure of arrays, n firms.
 * Row i is firm i everywhere. Owned by the table; freed with tlhn_firms_free(). */
typedef struct tlhn_firms {
    size_t n;
    char **id;                  /* id as written */
    uint32_t *id_rank;          /* position of firm i when all ids are sorted by the §3.3 id order
                                   (integers as integers when both are integers, else bytes):
                                   ties anywhere are broken by comparing id_rank */
    uint8_t *district;          /* 0..TLHN_N_DISTRICTS-1 */
    uint8_t *sector;            /* 0..TLHN_N_SECTORS-1 */
    uint8_t *above_scale;       /* 1 = 规上, 0 = 规下 */
    double *land_mu;            /* > 0 */
    double *value_added;        /* 万元/yr */
    double *tax;                /* 万元/yr */
    double *energy_tce;         /* tce/yr */
    double *electricity_kwh;    /* kWh/yr */
    double *employees;          /* persons, >= 1 */
    double *rd_ratio;           /* 0..1 */
    double *emissions;          /* t/yr */
} tlhn_firms;

/* Settings of the synthetic generator: the population.* scenario keys. */
typedef struct tlhn_popcfg {
    uint64_t seed;              /* population.seed */
    double scale;               /* population.scale: multiplies firm counts and aggregates (1 = §2) */
    /* further calibration knobs of the joint distribution, each a population.* key */
    double sigma_land, sigma_va_per_mu, sigma_energy_int, sigma_tax_share;
    double rho_energy_va;       /* correlation of log energy intensity with log VA/mu (§2: -0.4) */
    double rho_land_va;         /* correlation of log land with log VA/mu (§2: -0.3) */
} tlhn_popcfg;

/* Rows for the model's parameter table (param_def initialisers), one per tlhn_popcfg field, so
 * that the table in tlhn.c can include them: { TLHN_POPULATION_PARAM_ROWS, ... }. */
/* (defined in firms.h below once the generator's knobs are final) */

/* Read the population.* keys of `sc` into `cfg`. */
void tlhn_popcfg_from_scenario(const struct scenario *sc, tlhn_popcfg *cfg);

/* Generate the synthetic population (§2), deterministic from cfg (Random123 streams addressed by
 * population.seed). Aggregates of each group match the §2 table (times scale) within 0.1%. */
tlhn_firms *tlhn_firms_synthesize(const tlhn_popcfg *cfg);

/* Read a firm table from CSV (§1.1). On a missing column, non-number, negative value, land <= 0,
 * unknown district or sector, or duplicate id: NULL, with `e` naming file, line and column. */
tlhn_firms *tlhn_firms_read_csv(const char *path, phx_err *e);

/* The scenario's firm table: synthetic (sc->firms == "synthetic") or read from sc->firms. */
tlhn_firms *tlhn_firms_load(const struct scenario *sc, phx_err *e);

/* Write the §1.1 CSV. Written to a temporary file and renamed; PHX_OK or fills `e`. */
int tlhn_firms_write_csv(const tlhn_firms *f, const char *path, phx_err *e);

void tlhn_firms_free(tlhn_firms *f);   /* NULL is a no-op */

#endif
