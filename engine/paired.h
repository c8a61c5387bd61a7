/* paired.h -- scenarios run together on the same replications (phoenix run with several
 * files, phoenix sweep): what must agree for their replications to be the same (common random
 * numbers), model-agnostic. */
#ifndef PHX_PAIRED_H
#define PHX_PAIRED_H

#include <stddef.h>
#include "phx.h"
#include "scenario.h"

/* Can the n scenarios run paired? Their names differ; they share model, years, seed,
 * replications and sampler; and with `by_precision` (the replication count decided by a
 * precision target) none uses lhs, which fixes the count. PHX_OK or PHX_EINPUT naming the file. */
int paired_check(scenario *const *sc, size_t n, int by_precision, phx_err *e);

#endif
