/* seek.h -- printing the goal seek's answer (phoenix seek; the search is engine/seek.h). */
#ifndef PHX_OUTPUT_SEEK_H
#define PHX_OUTPUT_SEEK_H

#include <stdio.h>
#include "../engine/model.h"
#include "../engine/seek.h"

/* Format "table" (for people: the question, the answer with its interval, P at it, the
 * simulations run, the constraints that bind) or "csv": the header
 * lever,value,lower,upper,p_target,confidence and one row (value, lower, upper empty when out
 * of reach or beyond the range; p_target at the answer, or at the best value when out of reach).
 * `m` is the scenario's model, `scenario` its name. */
void seek_print(const seek_result *r, const seek_spec *s, const model_type *m, const char *sc_name,
                const char *format, FILE *out);

#endif
