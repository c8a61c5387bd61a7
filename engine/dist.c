/* dist.c -- parsing, inverse CDFs and supports of the per-replication distributions.
 * Inverse CDFs come from GSL (gsl_cdf_*_Pinv); the triangular one is closed-form because GSL
 * has no triangular distribution. */
#include "dist.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

typedef struct {
    const char *name;
    dist_kind kind;
    int nargs;
    const char *args;       /* for error messages */
} dist_spec;

static const dist_spec dist_specs[] = {
    { "uniform", DIST_UNIFORM, 2, "uniform(lower, upper)" },
    { "triangular", DIST_TRIANGULAR, 3, "triangular(min, mode, max)" },
    { "normal", DIST_NORMAL, 2, "normal(mean, sd)" },
    { "lognormal", DIST_LOGNORMAL, 2, "lognormal(median, sigma)" },
    { "beta", DIST_BETA, 2, "beta(a, b)" },
    { "beta_mean", DIST_BETA_MEAN, 2, "beta_mean(mean, concentration)" },
};
#define N_SPECS (sizeof dist_specs / sizeof dist_specs[0])

/* Are the arguments of a parsed distribution admissible? NULL if yes, else why not. */
static const char *dist_args_problem(const dist *d)
{
    switch (d->kind) {
    case DIST_CONST: return NULL;
    case DIST_UNIFORM: return d->a < d->b ? NULL : "uniform needs lower < upper";
    case DIST_TRIANGULAR:
        return (d->a <= d->b && d->b <= d->c && d->a < d->c) ? NULL
                                                              : "triangular needs min <= mode <= max, min < max";
    case DIST_NORMAL: return d->b > 0 ? NULL : "normal needs sd > 0";
    case DIST_LOGNORMAL: return (d->a > 0 && d->b > 0) ? NULL : "lognormal needs median > 0 and sigma > 0";
    case DIST_BETA: return (d->a > 0 && d->b > 0) ? NULL : "beta needs a > 0 and b > 0";
    case DIST_BETA_MEAN:
        return (d->a > 0 && d->a < 1 && d->b > 0) ? NULL
                                                   : "beta_mean needs 0 < mean < 1 and concentration > 0";
    }
    return "unknown distribution";
}

int dist_parse(const char *text, dist *d, phx_err *e, const char *file, int line, const char *key)
{
    memset(d, 0, sizeof *d);
    while (isspace((unsigned char)*text))
        text++;
    if (phx_parse_double(text, &d->a) == 0) {
        d->kind = DIST_CONST;
        return PHX_OK;
    }
    const char *open = strchr(text, '(');
    if (open == NULL)
        return phx_fail(e, PHX_EINPUT, file, line, key, "'%s' is neither a number nor a distribution", text);
    size_t nlen = (size_t)(open - text);
    while (nlen > 0 && isspace((unsigned char)text[nlen - 1]))
        nlen--;
    const dist_spec *spec = NULL;
    for (size_t i = 0; i < N_SPECS; i++)
        if (strlen(dist_specs[i].name) == nlen && strncmp(dist_specs[i].name, text, nlen) == 0)
            spec = &dist_specs[i];
    if (spec == NULL)
        return phx_fail(e, PHX_EINPUT, file, line, key,
                        "unknown distribution '%.*s' (known: uniform, triangular, normal, lognormal, beta, beta_mean)",
                        (int)nlen, text);
    const char *close = strrchr(open, ')');
    const char *p = close ? close + 1 : NULL;
    while (p && isspace((unsigned char)*p))
        p++;
    if (close == NULL || *p != '\0')
        return phx_fail(e, PHX_EINPUT, file, line, key, "malformed '%s': expected %s", text, spec->args);
    char args[256];
    size_t alen = (size_t)(close - open - 1);
    if (alen >= sizeof args)
        return phx_fail(e, PHX_EINPUT, file, line, key, "arguments of '%s' too long", spec->name);
    memcpy(args, open + 1, alen);
    args[alen] = '\0';
    double v[3];
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(args, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n == 3 || phx_parse_double(phx_trim(tok), &v[n]) != 0)
            return phx_fail(e, PHX_EINPUT, file, line, key, "malformed '%s': expected %s", text, spec->args);
        n++;
    }
    if (n != spec->nargs)
        return phx_fail(e, PHX_EINPUT, file, line, key, "'%s' has %d argument%s: expected %s", text, n,
                        n == 1 ? "" : "s", spec->args);
    d->kind = spec->kind;
    d->a = v[0];
    d->b = v[1];
    d->c = n > 2 ? v[2] : 0;
    const char *why = dist_args_problem(d);
    if (why)
        return phx_fail(e, PHX_EINPUT, file, line, key, "'%s': %s", text, why);
    return PHX_OK;
}

double dist_quantile(const dist *d, double u)
{
    switch (d->kind) {
    case DIST_CONST: return d->a;
    case DIST_UNIFORM: return gsl_cdf_flat_Pinv(u, d->a, d->b);
    case DIST_TRIANGULAR: {
        double lo = d->a, mode = d->b, hi = d->c, f = (mode - lo) / (hi - lo);
        return u < f ? lo + sqrt(u * (hi - lo) * (mode - lo))
                     : hi - sqrt((1 - u) * (hi - lo) * (hi - mode));
    }
    case DIST_NORMAL: return d->a + gsl_cdf_gaussian_Pinv(u, d->b);
    case DIST_LOGNORMAL: return gsl_cdf_lognormal_Pinv(u, log(d->a), d->b);
    case DIST_BETA: return gsl_cdf_beta_Pinv(u, d->a, d->b);
    case DIST_BETA_MEAN: return gsl_cdf_beta_Pinv(u, d->a * d->b, (1 - d->a) * d->b);
    }
    return NAN;
}

void dist_support(const dist *d, double *lo, double *hi)
{
    switch (d->kind) {
    case DIST_CONST: *lo = *hi = d->a; return;
    case DIST_UNIFORM: *lo = d->a; *hi = d->b; return;
    case DIST_TRIANGULAR: *lo = d->a; *hi = d->c; return;
    case DIST_NORMAL: *lo = -INFINITY; *hi = INFINITY; return;
    case DIST_LOGNORMAL: *lo = 0; *hi = INFINITY; return;
    case DIST_BETA:
    case DIST_BETA_MEAN: *lo = 0; *hi = 1; return;
    }
}

double dist_mean(const dist *d)
{
    switch (d->kind) {
    case DIST_CONST: return d->a;
    case DIST_UNIFORM: return 0.5 * (d->a + d->b);
    case DIST_TRIANGULAR: return (d->a + d->b + d->c) / 3;
    case DIST_NORMAL: return d->a;
    case DIST_LOGNORMAL: return d->a * exp(0.5 * d->b * d->b);
    case DIST_BETA: return d->a / (d->a + d->b);
    case DIST_BETA_MEAN: return d->a;
    }
    return NAN;
}

void dist_format(const dist *d, char *buf, size_t n)
{
    if (d->kind == DIST_CONST) {
        snprintf(buf, n, "%.17g", d->a);
        return;
    }
    const dist_spec *spec = NULL;
    for (size_t i = 0; i < N_SPECS; i++)
        if (dist_specs[i].kind == d->kind)
            spec = &dist_specs[i];
    if (spec->nargs == 3)
        snprintf(buf, n, "%s(%.17g, %.17g, %.17g)", spec->name, d->a, d->b, d->c);
    else
        snprintf(buf, n, "%s(%.17g, %.17g)", spec->name, d->a, d->b);
}
