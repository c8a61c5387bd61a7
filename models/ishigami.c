/* ishigami.c -- the Ishigami function (Ishigami & Homma 1990), a closed-form test model:
 * y = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i ~ U(-pi, pi).
 * E[y] = a/2; Var[y] = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2 (13.8446 for a = 7, b = 0.1). */
#include "models.h"

#include <math.h>

enum { P_A, P_B, P_X1, P_X2, P_X3, P_COUNT };

static const param_def ishigami_params[] = {
    { "ishigami.a", PARAM_REAL, PARAM_RANDOM, "1", -INFINITY, INFINITY, "7", NULL,
      "coefficient of sin^2 x2" },
    { "ishigami.b", PARAM_REAL, PARAM_RANDOM, "1", -INFINITY, INFINITY, "0.1", NULL,
      "coefficient of x3^4 sin x1" },
    { "ishigami.x1", PARAM_REAL, PARAM_RANDOM, "rad", -INFINITY, INFINITY,
      "uniform(-3.141592653589793, 3.141592653589793)", NULL, "input x1" },
    { "ishigami.x2", PARAM_REAL, PARAM_RANDOM, "rad", -INFINITY, INFINITY,
      "uniform(-3.141592653589793, 3.141592653589793)", NULL, "input x2" },
    { "ishigami.x3", PARAM_REAL, PARAM_RANDOM, "rad", -INFINITY, INFINITY,
      "uniform(-3.141592653589793, 3.141592653589793)", NULL, "input x3" },
};
_Static_assert(sizeof ishigami_params / sizeof ishigami_params[0] == P_COUNT, "table order");

static const metric_def ishigami_metrics[] = {
    { "y", "1", "Ishigami function value", "石神函数值", METRIC_MORE, METRIC_STATE, 0 },
};

static int ishigami_prepare(const struct scenario *sc, void **shared, phx_err *e)
{
    *shared = NULL;
    return PHX_OK;
}

static int ishigami_simulate(const void *shared, void *scratch, const replication_ctx *rc,
                             double *row, double *group_row)
{
    double a = THETA(rc, P_A), b = THETA(rc, P_B);
    double x1 = THETA(rc, P_X1), x2 = THETA(rc, P_X2), x3 = THETA(rc, P_X3);
    double s2 = sin(x2), x3sq = x3 * x3;
    double y = sin(x1) + a * s2 * s2 + b * x3sq * x3sq * sin(x1);
    for (int t = 0; t < rc->n_years; t++)
        row[t] = y;
    return PHX_OK;
}

const model_type model_ishigami = {
    .name = "ishigami",
    .description = "Ishigami test function: closed-form mean a/2 and variance",
    .params = ishigami_params,
    .n_params = P_COUNT,
    .metrics = ishigami_metrics,
    .n_metrics = sizeof ishigami_metrics / sizeof ishigami_metrics[0],
    .prepare = ishigami_prepare,
    .simulate = ishigami_simulate,
};
