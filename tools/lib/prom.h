/* SPDX-License-Identifier: GPL-2.0 */
/* Prometheus text exposition format (version 0.0.4). */
#ifndef DAXMON_PROM_H
#define DAXMON_PROM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hist.h"

/* "# HELP" and "# TYPE" lines; type is counter, gauge or histogram. */
void prom_family(FILE *out, const char *name, const char *type,
		 const char *help);
/* Append name="value" (escaped) to a label set held in buf. */
void prom_label(char *buf, size_t size, const char *name, const char *value);
/* One sample: name{labels} v; labels from prom_label(), "" for none. */
void prom_sample(FILE *out, const char *name, const char *labels, double v);
/*
 * A histogram's samples: cumulative name_bucket{le=...} for every bucket
 * up to the last non-empty one, then +Inf, name_sum and name_count.
 * The last bucket of h also holds all larger samples, so it only counts
 * in +Inf.  A unit of h is unit_ns nanoseconds; sum is in seconds.
 */
void prom_histogram(FILE *out, const char *name, const char *labels,
		    const struct hist *h, uint64_t unit_ns, double sum);

#endif
