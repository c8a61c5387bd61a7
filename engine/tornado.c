/* tornado.c -- the planner's tornado: every factor in turn at its 10% and its 90% quantile, the
 * others at their medians, for one year. Each of the 2k + 1 points (the base, all at medians,
 * first) runs the same N replications (streams 0..N-1: common random numbers), so the swing of a
 * metric's mean and of P(target met) is the factor's, not the difference of two draws. */
#include "sens_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TORNADO_LOW 0.10
#define TORNADO_HIGH 0.90

typedef struct tornado_state {
    size_t k, N;
} tornado_state;

static size_t tornado_rows(const sens *s)
{
    const tornado_state *t = s->state;
    return (2 * t->k + 1) * t->N;
}

/* Point c = row / N: 0 the base; 2i + 1 factor i low; 2i + 2 factor i high. */
static void tornado_unit(const sens *s, size_t row, double *u)
{
    const tornado_state *t = s->state;
    size_t c = row / t->N;
    for (size_t i = 0; i < t->k; i++)
        u[i] = 0.5;
    if (c > 0)
        u[(c - 1) / 2] = c % 2 ? TORNADO_LOW : TORNADO_HIGH;
}

static uint32_t tornado_stream(const sens *s, size_t row)
{
    const tornado_state *t = s->state;
    return (uint32_t)(row % t->N);
}

/* Mean and P(target met) of metric-year cell c at point pt (P NaN without a target). */
static void tornado_point(const sens *s, size_t c, size_t pt, const scenario_target *tg, int dir,
                          double *mean, double *p)
{
    const tornado_state *t = s->state;
    double sum = 0;
    size_t met = 0;
    for (size_t j = 0; j < t->N; j++) {
        double x = sens_y(s, c, pt * t->N + j);
        sum += x;
        if (tg)
            met += dir > 0 ? x >= tg->value : x <= tg->value;
    }
    *mean = sum / (double)t->N;
    *p = tg ? (double)met / (double)t->N : NAN;
}

static void tornado_estimate(const sens *s, sens_result *r, int threads)
{
    const tornado_state *t = s->state;
    for (size_t m = 0; m < s->n_metric; m++) {
        const scenario_target *tg = scenario_target_of(s->sc, s->metric[m]);
        int dir = s->sc->model->metrics[s->metric[m]].direction;
        tornado_point(s, m, 0, tg, dir, &r->base[m], &r->p_base[m]);
        for (size_t i = 0; i < t->k; i++) {
            size_t at = m * t->k + i;
            tornado_point(s, m, 2 * i + 1, tg, dir, &r->low[at], &r->p_low[at]);
            tornado_point(s, m, 2 * i + 2, tg, dir, &r->high[at], &r->p_high[at]);
            r->swing[at] = fabs(r->high[at] - r->low[at]);
            r->p_swing[at] = fabs(r->p_high[at] - r->p_low[at]);
        }
    }
}

static const sens_ops tornado_ops = {
    tornado_rows, tornado_unit, tornado_stream, tornado_estimate, free, 0, 0
};

int sens_tornado_init(sens *s, phx_err *e)
{
    if (s->o.N < 1 || s->o.N > 0xFFFFFFFFu)
        return phx_fail(e, PHX_EINPUT, NULL, 0, "-N", "tornado needs 1 to 2^32 replications per point");
    tornado_state *t = phx_calloc(1, sizeof *t);
    t->k = s->fs->k;
    t->N = s->o.N;
    s->state = t;
    s->ops = &tornado_ops;
    return PHX_OK;
}
