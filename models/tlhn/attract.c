/* attract.c -- 招引: new projects (docs/model.md §5) and the land reserve they draw on (§4.7).
 * 杭政函〔2021〕92号 task 11 (招大引强, 落地率 ≥ 50%, 当年落地项目投资完成率 ≥ 10%), task 3
 * (等量或减量替代), task 6 and 四(三) (new land, 标准地), task 14 (分阶段权证, 承诺兑现). */
#include "tlhn.h"

#include <math.h>
#include <gsl/gsl_randist.h>

#define MAJOR_MIN_YI 10.0           /* §5.1: a major project invests ≥ 10 亿元 */

/* Room for one more signed project. The scratch's first guess covers 1.5x the mean arrivals;
 * a replication that signs more grows it once (amortised, kept for later replications). */
static tlhn_project *project_push(tlhn_scratch *s)
{
    if (s->n_proj == s->cap_proj) {
        s->cap_proj = 2 * s->cap_proj + 16;
        s->proj = phx_realloc(s->proj, s->cap_proj * sizeof *s->proj);
    }
    return &s->proj[s->n_proj++];
}

/* §5.1-§5.2, §5.5: the arrivals of one kind in year index y. Every arriving project draws all
 * its attributes from its own (year, kind, index) stream, signed or not, so the pipeline is the
 * same in every scenario (§9). */
static void arrivals(tlhn_scratch *s, const replication_ctx *rc, int y, int major)
{
    int year = rc->year_first + y;
    double mean = THETA_Y(rc, major ? P_ATTR_MAJOR_PER_YEAR : P_ATTR_OTHER_PER_YEAR, y);
    if (mean <= 0)
        return;
    rng_address(s->r, rc->seed, rc->replication, RNG_TLHN_PIPELINE, major ? 0 : 1, (uint32_t)year);
    unsigned n = gsl_ran_poisson(s->r, mean);
    if (n > (1u << 24))
        n = 1u << 24;                       /* the address has 24 bits for the index */
    double landing = THETA(rc, P_ATTR_LANDING_RATE), intensity = THETA(rc, P_ATTR_INTENSITY);
    double va_mu = THETA(rc, P_ATTR_VA_PER_MU), va_sd = THETA(rc, P_ATTR_VA_PER_MU_SIGMA);
    double tax_mu = THETA(rc, P_ATTR_TAX_PER_MU), tax_sd = THETA(rc, P_ATTR_TAX_PER_MU_SIGMA);
    double ei_med = THETA(rc, P_ATTR_ENERGY_INTENSITY), ei_sd = THETA(rc, P_ATTR_ENERGY_INTENSITY_SIGMA);
    double ei_max = THETA(rc, P_ATTR_ENERGY_INTENSITY_MAX), va_emp = THETA(rc, P_ATTR_VA_PER_EMPLOYEE);
    double inv_med = THETA(rc, major ? P_ATTR_MAJOR_EXCESS_MEDIAN : P_ATTR_OTHER_MEDIAN);
    double inv_sd = THETA(rc, major ? P_ATTR_MAJOR_EXCESS_SIGMA : P_ATTR_OTHER_SIGMA);
    for (unsigned j = 0; j < n; j++) {
        uint32_t entity = (major ? 0u : 1u << 24) | j;
        rng_address(s->r, rc->seed, rc->replication, RNG_TLHN_PROJECT, entity, (uint32_t)year);
        double u_sign = gsl_rng_uniform(s->r);
        double z_inv = gsl_ran_gaussian_ziggurat(s->r, 1.0);
        double u_first = gsl_rng_uniform(s->r);
        double z_va = gsl_ran_gaussian_ziggurat(s->r, 1.0);
        double z_tax = gsl_ran_gaussian_ziggurat(s->r, 1.0);
        double z_ei = gsl_ran_gaussian_ziggurat(s->r, 1.0);
        if (u_sign >= landing)
            continue;
        double inv = inv_med * exp(inv_sd * z_inv);                       /* 亿元 */
        inv = major ? MAJOR_MIN_YI + inv : fmin(inv, MAJOR_MIN_YI);
        tlhn_project *p = project_push(s);
        p->entity = entity;
        p->year_arrived = y;
        p->year_landed = -1;
        p->major = (uint8_t)major;
        p->state = PROJ_WAITING;
        p->investment = inv * 1e4;                                        /* 万元 */
        p->first_share = 0.1 + 0.3 * u_first;    /* task 11: ≥ 10% in the landing year */
        p->land = p->investment / intensity;
        p->va_full = p->land * va_mu * exp(va_sd * z_va);
        p->tax_full = p->land * tax_mu * exp(tax_sd * z_tax);
        double ei = fmin(ei_med * exp(ei_sd * z_ei), ei_max);             /* entry standard */
        p->energy_full = p->va_full * ei;
        p->employees_full = p->va_full / va_emp;
    }
}

/* What is left to give this year while the queue is served. */
typedef struct allotment {
    double reserve, supply, budget, price, max_wait;
} allotment;

/* §5.3-§5.4: serve the waiting projects of one kind in arrival order (year, then index). A
 * project lands when land (reserve first, then new supply) and, with the energy offset, the
 * energy budget cover it; one that does not fit waits, and the next is tried. */
static void allocate_kind(tlhn_scratch *s, const replication_ctx *rc, int y, int major,
                          allotment *a)
{
    for (size_t k = 0; k < s->n_proj; k++) {
        tlhn_project *p = &s->proj[k];
        if (p->state != PROJ_WAITING || p->major != major)
            continue;
        if (p->land <= a->reserve + a->supply && p->energy_full <= a->budget) {
            double from_reserve = fmin(p->land, a->reserve), from_new = p->land - from_reserve;
            a->reserve -= from_reserve;
            a->supply = fmax(a->supply - from_new, 0);
            s->cum[M_LAND_REUSED] += from_reserve;
            s->cum[M_LAND_NEW_SUPPLY] += from_new;
            tlhn_fund_in(s, rc, a->price * from_reserve);    /* sale of reserve land */
            p->state = PROJ_LANDED;
            p->year_landed = y;
            s->cum[M_PROJECTS_LANDED] += 1;
            s->cum[M_PROJECTS_MAJOR_LANDED] += p->major;
            s->cum[M_INVESTMENT_LANDED] += p->investment;
            s->cum[M_ENERGY_NEW] += p->energy_full;
            s->energy_granted += p->energy_full;
            a->budget -= p->energy_full;
        } else if (y - p->year_arrived >= a->max_wait) {
            p->state = PROJ_LOST;
            s->cum[M_PROJECTS_LOST] += 1;
        } else {                         /* issue 13: which constraint keeps it waiting */
            s->cum[p->land > a->reserve + a->supply ? M_PROJECTS_WAITING_LAND
                                                    : M_PROJECTS_WAITING_ENERGY] += 1;
        }
    }
}

/* The queue: major projects first [ours, after task 6: 对用地规模较大的项目实行规划预留, and
 * 招大引强], then ordinary ones. */
static void allocate(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, int y)
{
    allotment a = { s->reserve, THETA_Y(rc, P_LAND_NEW_SUPPLY_PER_YEAR, y), INFINITY,
                    THETA(rc, P_FUND_LAND_PRICE), THETA(rc, P_ATTR_MAX_WAIT) };
    if (sh->energy_offset)
        a.budget = s->cum[M_ENERGY_FREED] / THETA(rc, P_ATTR_OFFSET_RATIO) - s->energy_granted;
    s->cum[M_PROJECTS_WAITING_LAND] = s->cum[M_PROJECTS_WAITING_ENERGY] = 0;   /* states */
    allocate_kind(s, rc, y, 1, &a);
    allocate_kind(s, rc, y, 0, &a);
    s->reserve = a.reserve;
}

/* Investment completed this year (§5.2) and the §5.6 commitment check of landed projects. */
static void construction(tlhn_scratch *s, const replication_ctx *rc, int y)
{
    int build = (int)THETA(rc, P_ATTR_BUILD_YEARS);
    double commit = THETA(rc, P_ATTR_COMMIT_TAX_PER_MU), p_enforce = THETA(rc, P_ATTR_P_ENFORCE);
    for (size_t k = 0; k < s->n_proj; k++) {
        tlhn_project *p = &s->proj[k];
        if (p->state != PROJ_LANDED && p->state != PROJ_REMOVED)
            continue;
        int t = p->year_landed;
        if (y == t)
            s->cum[M_INVESTMENT_COMPLETED] += build > 0 ? p->first_share * p->investment
                                                        : p->investment;
        else if (y > t && y <= t + build)
            s->cum[M_INVESTMENT_COMPLETED] += (1 - p->first_share) * p->investment / build;
        /* two years into production: below the committed tax per mu is a breach */
        if (p->state != PROJ_LANDED || y != t + build + 2 || p->tax_full >= commit * p->land)
            continue;
        s->cum[M_PROJECTS_BREACHED] += 1;
        int enforced = p_enforce >= 1;
        if (p_enforce > 0 && p_enforce < 1) {
            rng_address(s->r, rc->seed, rc->replication, RNG_TLHN_ENFORCE, p->entity,
                        (uint32_t)(rc->year_first + p->year_arrived));
            enforced = gsl_rng_uniform(s->r) < p_enforce;
        }
        if (enforced) {                    /* land taken back into the reserve, output gone */
            p->state = PROJ_REMOVED;
            s->cum[M_LAND_RECLAIMED] += p->land;
            tlhn_reserve_enter(s, rc, p->land);
        }
    }
}

int tlhn_attract_year(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, int y)
{
    arrivals(s, rc, y, 1);
    arrivals(s, rc, y, 0);
    allocate(sh, s, rc, y);
    construction(s, rc, y);
    return PHX_OK;
}

/* §5.5: in production build_years after landing, at 50% the first year, then 100%. Projects
 * join the 规上 totals (land included) once they produce [ours: firms still in construction are
 * 不定等级 in 亩均 practice, e.g. a Shandong county's evaluation rules]. */
void tlhn_attract_totals(const tlhn_scratch *s, const replication_ctx *rc, int y, double *va,
                         double *tax, double *land, double *energy, double *employees)
{
    int build = (int)THETA(rc, P_ATTR_BUILD_YEARS);
    *va = *tax = *land = *energy = *employees = 0;
    for (size_t k = 0; k < s->n_proj; k++) {
        const tlhn_project *p = &s->proj[k];
        int start = p->year_landed + build;
        if (p->state != PROJ_LANDED || y < start)
            continue;
        double level = y == start ? 0.5 : 1.0;
        *va += level * p->va_full;
        *tax += level * p->tax_full;
        *energy += level * p->energy_full;
        *employees += level * p->employees_full;
        *land += p->land;
    }
}
