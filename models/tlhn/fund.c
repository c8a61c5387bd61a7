/* fund.c -- the 腾笼换鸟 fund (model-spec §7). Part 1: accounts not kept yet (issue 4). */
#include "tlhn.h"

void tlhn_fund_year_start(tlhn_scratch *s, const replication_ctx *rc, int y)
{
    (void)s;
    (void)rc;
    (void)y;
}

void tlhn_fund_in(tlhn_scratch *s, const replication_ctx *rc, double wan)
{
    (void)s;
    (void)rc;
    (void)wan;
}

void tlhn_fund_out(tlhn_scratch *s, double wan)
{
    (void)s;
    (void)wan;
}
