/* coverage.c -- a firm table that covers only part of the city (issue 13), and the table's
 * provenance for the results file.
 *
 * population.coverage = c (0 < c <= 1) says the table holds that share of the city's industrial
 * firms (one district, a sample). The model's other inputs are city-wide; with c < 1 each of
 * them is scaled by c in every replication, after its value is drawn: the rectification quota,
 * the project pipeline, new land supply and the initial reserve, land transfer revenue and the
 * fund's initial capital. Targets of extensive metrics (counts, mu, tce, money) are scaled by c
 * when the scenario is loaded; ratios (per mu, intensity, productivity, rates) are not.
 * docs/model-population.md §1.5 gives the reasons. With c = 1 nothing changes. */
#include "tlhn.h"

#include <stdio.h>
#include <string.h>
#include "../../engine/scenario.h"
#include "../models.h"

/* The parameters that stand for the whole city. */
static const int city_wide[] = {
    P_RECT_FIRMS_PER_YEAR, P_ATTR_MAJOR_PER_YEAR, P_ATTR_OTHER_PER_YEAR,
    P_LAND_NEW_SUPPLY_PER_YEAR, P_LAND_INITIAL_RESERVE, P_FUND_LAND_REVENUE,
    P_FUND_INITIAL_CAPITAL,
};

/* Metrics that are ratios: their targets hold for any part of the city. */
static const int intensive[] = {
    M_TAX_PER_MU, M_VA_PER_MU, M_LABOR_PRODUCTIVITY, M_ENERGY_INTENSITY,
    M_ENERGY_INTENSITY_CHANGE, M_FUND_BREAKEVEN_RATE,
};

static double coverage_of(const scenario *sc)
{
    if (scenario_param(sc, "population.coverage") < 0)
        return 1;
    return scenario_dist(sc, "population.coverage", 0)->a;   /* a constant (flags 0) */
}

double tlhn_target_factor(const scenario *sc, int m)
{
    for (size_t k = 0; k < sizeof intensive / sizeof intensive[0]; k++)
        if (intensive[k] == m)
            return 1;
    return coverage_of(sc);
}

const replication_ctx *tlhn_coverage_apply(const tlhn_shared *sh, tlhn_scratch *s,
                                           const replication_ctx *rc, replication_ctx *local)
{
    if (sh->coverage == 1)
        return rc;
    memcpy(s->theta, rc->theta, sh->n_slots * sizeof *s->theta);
    for (size_t k = 0; k < sizeof city_wide / sizeof city_wide[0]; k++) {
        int p = city_wide[k];
        size_t n = (model_tlhn.params[p].flags & PARAM_PER_YEAR) ? (size_t)rc->n_years : 1;
        for (size_t y = 0; y < n; y++)
            s->theta[rc->offset[p] + y] *= sh->coverage;
    }
    *local = *rc;
    local->theta = s->theta;
    return local;
}

static void prov_add(tlhn_shared *sh, const char *key, const char *value)
{
    if (sh->n_prov + 2 <= sizeof sh->prov / sizeof sh->prov[0]) {
        sh->prov[sh->n_prov++] = key;
        sh->prov[sh->n_prov++] = value;
    }
}

/* Coverage and provenance: after the table is loaded (sh->firms). */
void tlhn_coverage_prepare(const scenario *sc, tlhn_shared *sh)
{
    sh->coverage = coverage_of(sc);
    sh->n_slots = sc->n_slots;
    const tlhn_firms_source *src = &sh->firms->src;
    static const char *const delim_name[] = { "comma", "tab", "semicolon" };
    snprintf(sh->prov_text[0], sizeof sh->prov_text[0], "%zu", sh->firms->n);
    snprintf(sh->prov_text[1], sizeof sh->prov_text[1], "%.17g", sh->coverage);
    if (src->path == NULL) {                   /* synthetic: the CSV `phoenix synth` writes */
        prov_add(sh, "firm_table", "synthetic");
        if (tlhn_firms_csv_sha256(sh->firms, sh->prov_text[2]) == 0)
            prov_add(sh, "firm_table_sha256", sh->prov_text[2]);
    } else {
        prov_add(sh, "firm_table", src->path);
        prov_add(sh, "firm_table_resolved", src->resolved);
        prov_add(sh, "firm_table_sha256", src->sha256);
        prov_add(sh, "firm_table_encoding", src->encoding);
        prov_add(sh, "firm_table_delimiter", delim_name[src->delimiter == '\t' ? 1 :
                                                        src->delimiter == ';' ? 2 : 0]);
        snprintf(sh->prov_text[3], sizeof sh->prov_text[3], "%d", src->header_line);
        prov_add(sh, "firm_table_header_line", sh->prov_text[3]);
    }
    prov_add(sh, "firm_table_rows", sh->prov_text[0]);
    prov_add(sh, "population_coverage", sh->prov_text[1]);
}

size_t tlhn_provenance(const void *shared, const char *const **kv)
{
    const tlhn_shared *sh = shared;
    *kv = sh->prov;
    return sh->n_prov / 2;
}
