/* calibration.h -- the /calibration group of a results file: every generation of an ABC-SMC
 * calibration, the posterior summary and the posterior predictive check (writer), and the
 * posterior sample for `phoenix run --posterior` (reader). Layout: docs/output.md. */
#ifndef PHX_CALIBRATION_H
#define PHX_CALIBRATION_H

#include "../engine/abc.h"
#include "../engine/observed.h"
#include "../engine/posterior.h"
#include "../engine/stats.h"
#include "h5.h"

/* Write /calibration for calibration `a` of `sc` against `obs` (settings `s`) into the open
 * results file of `w`. */
int h5_writer_calibration(h5_writer *w, const scenario *sc, const abc *a, const observed *obs,
                          const abc_settings *s, const predictive_check *chk, phx_err *e);

/* The posterior sample of results file `path`: the last generation of /calibration. A file
 * without /calibration (or not a results file) is PHX_EINPUT naming it. */
int calibration_posterior_load(const char *path, posterior **out, phx_err *e);

/* A string attribute on the open scenario's group (e.g. the posterior file a run drew from). */
int h5_writer_scenario_attr_str(h5_writer *w, const char *name, const char *value, phx_err *e);

#endif
