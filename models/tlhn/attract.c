/* attract.c -- 招引: new projects (model-spec §5). Part 1: no projects yet (issue 4). */
#include "tlhn.h"

int tlhn_attract_year(const tlhn_shared *sh, tlhn_scratch *s, const replication_ctx *rc, int y)
{
    (void)sh;
    (void)s;
    (void)rc;
    (void)y;
    return PHX_OK;
}

void tlhn_attract_totals(const tlhn_scratch *s, const replication_ctx *rc, int y, double *va,
                         double *tax, double *land, double *energy, double *employees)
{
    (void)s;
    (void)rc;
    (void)y;
    *va = *tax = *land = *energy = *employees = 0;
}
