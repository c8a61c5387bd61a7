/* firms.h -- the 腾笼换鸟 model's firm table (docs/model-population.md §1) and synthetic population (§2). */
#ifndef TLHN_FIRMS_H
#define TLHN_FIRMS_H

#include <stddef.h>
#include <stdint.h>
#include "../../engine/param.h"
#include "../../engine/phx.h"
#include "../../engine/rng.h"

struct scenario;

#define TLHN_N_DISTRICTS 13
/* §1.2, 2021 boundaries, in this fixed order (index = district code). */
extern const char *const tlhn_district_zh[TLHN_N_DISTRICTS];     /* 上城, 拱墅, ... 建德 */
extern const char *const tlhn_district_pinyin[TLHN_N_DISTRICTS]; /* shangcheng, ... jiande */
extern const double tlhn_district_share[TLHN_N_DISTRICTS];       /* §2 share of firms [assumption] */

/* §1.3 sectors: the project's list (documented in docs/model-population.md). */
#define TLHN_N_SECTORS 8
extern const char *const tlhn_sector_code[TLHN_N_SECTORS];       /* "textiles", "chemicals", ... */
extern const char *const tlhn_sector_zh[TLHN_N_SECTORS];         /* 纺织化纤, 化工, ... */
extern const double tlhn_sector_energy_mult[TLHN_N_SECTORS];     /* energy-intensity multiplier */
extern const double tlhn_sector_share[TLHN_N_SECTORS];           /* share of firms [assumption] */

/* District index of `name`: the Chinese name, bare or followed by 区, 县 or 市 (older texts call
 * 富阳 and 临安 市), or the pinyin code (ASCII case ignored). -1 if unknown. */
int tlhn_district_find(const char *name);
/* Sector index of `code` (ASCII case ignored), or -1. */
int tlhn_sector_find(const char *code);

/* Where a table came from, for the results file's provenance (docs/output.md). */
typedef struct tlhn_firms_source {
    char *path;                 /* as given (scenario's firms); NULL for the synthetic table */
    char *resolved;             /* absolute path (realpath), or as given when that fails */
    char sha256[65];            /* hex SHA-256 of the file's bytes */
    const char *encoding;       /* "UTF-8", "GB18030", "UTF-16" (static) */
    int encoding_detected;      /* 1: detected, 0: given (population.encoding) */
    char delimiter;             /* ',', '\t' or ';' */
    int delimiter_detected;     /* 1: detected, 0: given (population.csv_delimiter) */
    int header_line;            /* line of the header (rows above it were titles) */
} tlhn_firms_source;

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
    tlhn_firms_source src;      /* zeroed for a table not read from a file */
} tlhn_firms;

/* Settings of the synthetic generator: the population.* scenario keys. Each knob is explained,
 * with the reason for its default, in docs/model-population.md. */
typedef struct tlhn_popcfg {
    uint64_t seed;              /* population.seed */
    double scale;               /* population.scale: multiplies firm counts and aggregates (1 = §2) */
    /* further calibration knobs of the joint distribution, each a population.* key */
    double sigma_land, sigma_va_per_mu, sigma_energy_int, sigma_tax_share;
    double rho_energy_va;       /* correlation of log energy intensity with log VA/mu (§2: -0.4) */
    double rho_land_va;         /* correlation of log land with log VA/mu (§2: -0.3) */
    double rho_land_energy;     /* correlation of log land with log energy intensity */
    double sigma_productivity;  /* log-sd of VA per employee */
    double rho_productivity_va; /* correlation of log VA/employee with log VA/mu */
} tlhn_popcfg;

#define TLHN_STR_(x) #x
#define TLHN_STR(x) TLHN_STR_(x)

/* The knobs of the generator, the one list: X(field, key, kind, unit, lo, hi, default,
 * description), one per numeric tlhn_popcfg field. It gives their parameter rows (below), their
 * defaults (tlhn_popcfg_default), the bounds tlhn_popcfg_check() applies and their reading from
 * a scenario (tlhn_popcfg_from_scenario), so these cannot drift. */
#define TLHN_POP_KNOBS(X) \
    X(seed, "population.seed", PARAM_INT, "1", 0, 9007199254740992.0, 20201231, \
      "§2 seed of the synthetic population's random streams (firms = synthetic)") \
    X(scale, "population.scale", PARAM_REAL, "1", 0.01, 100, 1, \
      "§2 multiplies the firm counts and every aggregate of the synthetic population") \
    X(sigma_land, "population.sigma_land", PARAM_REAL, "1", 0.05, 3, 1.3, \
      "§2 log-sd of firm land (lognormal)") \
    X(sigma_va_per_mu, "population.sigma_va_per_mu", PARAM_REAL, "1", 0.05, 3, 0.9, \
      "§2 log-sd of value added per mu (lognormal)") \
    X(sigma_energy_int, "population.sigma_energy_int", PARAM_REAL, "1", 0.05, 3, 0.9, \
      "§2 log-sd of energy intensity (tce/万元) around the sector's multiplier") \
    X(sigma_tax_share, "population.sigma_tax_share", PARAM_REAL, "1", 0, 1, 0.3, \
      "§2 log-sd of tax as a share of value added") \
    X(rho_energy_va, "population.rho_energy_va", PARAM_REAL, "1", -0.95, 0.95, -0.4, \
      "§2 Gaussian-copula correlation of log energy intensity with log VA/mu") \
    X(rho_land_va, "population.rho_land_va", PARAM_REAL, "1", -0.95, 0.95, -0.55, \
      "§2 Gaussian-copula correlation of log land with log VA/mu") \
    X(rho_land_energy, "population.rho_land_energy", PARAM_REAL, "1", -0.95, 0.95, 0.3, \
      "§2 Gaussian-copula correlation of log land with log energy intensity") \
    X(sigma_productivity, "population.sigma_productivity", PARAM_REAL, "1", 0, 3, 0.5, \
      "§2 log-sd of value added per employee") \
    X(rho_productivity_va, "population.rho_productivity_va", PARAM_REAL, "1", -0.95, 0.95, 0.5, \
      "§2 correlation of log VA per employee with log VA/mu")

#define TLHN_POP_KNOB_ROW(field, key, kind, unit, lo, hi, def, desc) \
    { key, kind, 0, unit, lo, hi, TLHN_STR(def), NULL, desc },

/* Rows for the model's parameter table (param_def initialisers, engine/param.h): the knobs'
 * and the table's own keys, so that the table in tlhn.c can include them:
 * { TLHN_POPULATION_PARAM_ROWS, ... }. Every population.* key is a constant (never drawn per
 * replication): the population is shared by all replications of a run. */
#define TLHN_POPULATION_PARAM_ROWS \
    TLHN_POP_KNOBS(TLHN_POP_KNOB_ROW) \
    { "population.coverage", PARAM_REAL, 0, "share", 0.001, 1, "1", NULL, \
      "§1.1 share of the city's industrial firms the table covers: the quota, project pipeline, " \
      "land supply and reserve, land revenue, initial capital and extensive targets are scaled " \
      "by it (docs/model-population.md §1.5)" }, \
    { "population.csv_delimiter", PARAM_CHOICE, 0, "", 0, 0, "auto", \
      "auto|comma|tab|semicolon", \
      "§1.1 delimiter of a firm table; auto: the one that finds the column names (--csv-delimiter)" }, \
    { "population.encoding", PARAM_CHOICE, 0, "", 0, 0, "auto", "auto|utf-8|gb18030|utf-16", \
      "§1.1 encoding of a firm table; auto: a byte-order mark, else valid UTF-8, else GB18030 " \
      "(--encoding)" }

/* Random-stream purposes of the generator (engine/rng.h). The population's streams use the
 * replication index 0xFFFFFFFF, which no run reaches, and purposes from RNG_PURPOSE_MODEL + 64,
 * above the model's own (tlhn.h): they can never meet a replication's draws. */
#define TLHN_POP_REPLICATION 0xFFFFFFFFu
enum {
    TLHN_PURPOSE_POP_DISTRICT = RNG_PURPOSE_MODEL + 64,  /* entity = group (0 规上, 1 规下) */
    TLHN_PURPOSE_POP_SECTOR = RNG_PURPOSE_MODEL + 65,    /* entity = group */
    TLHN_PURPOSE_POP_FIRM = RNG_PURPOSE_MODEL + 66       /* entity = row */
};

/* Fill `cfg` with the defaults above. */
void tlhn_popcfg_default(tlhn_popcfg *cfg);

/* Are the knobs admissible (scale > 0, sigmas >= 0, a positive-definite correlation matrix)?
 * PHX_OK, or PHX_EINPUT with `e` naming the population.* key. */
int tlhn_popcfg_check(const tlhn_popcfg *cfg, phx_err *e);

/* Read the population.* keys of `sc` into `cfg` (constants; a key the table lacks keeps its
 * default). */
void tlhn_popcfg_from_scenario(const struct scenario *sc, tlhn_popcfg *cfg);

/* Generate the synthetic population (§2), deterministic from cfg (Random123 streams addressed by
 * population.seed). Aggregates of each group match the §2 table (times scale) within 0.1%.
 * Ids are the integers 1..n, 规上 firms first. NULL when tlhn_popcfg_check() fails. */
tlhn_firms *tlhn_firms_synthesize(const tlhn_popcfg *cfg);

/* Read a firm table from CSV (§1.1), encoding and delimiter detected. On a missing file or
 * columns (all named), an undecodable byte, a NUL, malformed quotes, a wrong field count, a
 * non-number (the cell shown), a value out of its bounds or implausibly large, above_scale not
 * 0/1, an unknown district or sector, a duplicate id or an empty table: NULL, with `e` naming
 * file, line and column. */
tlhn_firms *tlhn_firms_read_csv(const char *path, phx_err *e);

/* Options of the CSV reader: "auto" or NULL detects. */
typedef struct tlhn_csv_opts {
    const char *delimiter;      /* auto | comma | tab | semicolon */
    const char *encoding;       /* auto | utf-8 | gb18030 | utf-16 */
} tlhn_csv_opts;

/* tlhn_firms_read_csv() with options (NULL: detect both). RFC 4180 records; the rules of
 * docs/model-population.md §1.1. Fills the table's `src`. */
tlhn_firms *tlhn_firms_read_csv_opts(const char *path, const tlhn_csv_opts *o, phx_err *e);

/* Hex SHA-256 of the CSV text tlhn_firms_write_csv() would write for `f` (the provenance of a
 * synthetic table: `phoenix synth` writes exactly these bytes). 0, or -1 without memory. */
int tlhn_firms_csv_sha256(const tlhn_firms *f, char hex[65]);

/* The scenario's firm table: synthetic (sc->firms == "synthetic") or read from sc->firms.
 * NULL with `e` filled on error. */
tlhn_firms *tlhn_firms_load(const struct scenario *sc, phx_err *e);

/* Write the §1.1 CSV (districts and sectors as codes, numbers with 17 significant digits so that
 * reading back gives identical doubles). Written to a temporary file and renamed; PHX_OK or
 * fills `e` (PHX_ERUN). */
int tlhn_firms_write_csv(const tlhn_firms *f, const char *path, phx_err *e);

/* A table of n rows, every column allocated and zeroed, ids NULL. */
tlhn_firms *tlhn_firms_alloc(size_t n);
/* Compute id_rank from id. Ids that are integers sort numerically before all other ids, which
 * sort as byte strings (see docs/model-population.md for why integers go first). Returns -1 and
 * sets *dup_a, *dup_b (rows, dup_a < dup_b) when two ids are equal (as integers or as bytes),
 * else 0. */
int tlhn_firms_rank_ids(tlhn_firms *f, size_t *dup_a, size_t *dup_b);
/* The §3.3 id order: < 0, 0, > 0 as a sorts before, equal to, after b. */
int tlhn_firms_id_cmp(const char *a, const char *b);

void tlhn_firms_free(tlhn_firms *f);   /* NULL is a no-op */

#endif
