/* prior.h -- densities of the scenario's distributions, read as priors (for ABC weights). */
#ifndef PHX_PRIOR_H
#define PHX_PRIOR_H

#include "dist.h"

/* log density of `d` at x; -INFINITY outside its support. A constant has no density: it
 * returns 0 at its value and -INFINITY elsewhere. Densities from GSL (gsl_ran_*_pdf); the
 * triangular one is closed-form (GSL has no triangular distribution). */
double prior_log_pdf(const dist *d, double x);

#endif
