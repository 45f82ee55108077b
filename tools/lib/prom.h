/* SPDX-License-Identifier: GPL-2.0 */
/* Prometheus text exposition format (version 0.0.4). */
#ifndef DAXMON_PROM_H
#define DAXMON_PROM_H

#include <stddef.h>
#include <stdint.h>

#include "hist.h"
#include "textbuf.h"

/* Samples go into a textbuf: a scrape is written whole or not at all. */

/* The le="" bounds of a histogram's buckets, formatted once. */
#define PROM_MAX_BOUNDS	64
struct prom_bounds {
	int n;
	char le[PROM_MAX_BOUNDS][24];
};

/* "# HELP" and "# TYPE" lines; type is counter, gauge or histogram. */
void prom_family(struct textbuf *b, const char *name, const char *type,
		 const char *help);
/* Append name="value" (escaped) to a label set held in buf. */
void prom_label(char *buf, size_t size, const char *name, const char *value);
/* One sample: name{labels} v; labels from prom_label(), "" for none. */
void prom_sample(struct textbuf *b, const char *name, const char *labels,
		 double v);
/*
 * Bounds for histograms of nslots buckets of hist.h's shape (step), a
 * unit of unit_ns nanoseconds.  The last bucket also holds all larger
 * samples, so it only counts in +Inf and has no bound.
 */
void prom_bounds_init(struct prom_bounds *pb, int nslots, uint64_t step,
		      uint64_t unit_ns);
/*
 * A histogram's samples: cumulative name_bucket{le=...} for every bound
 * of pb (made for h's shape), then +Inf, name_sum and name_count; sum is
 * in seconds.
 */
void prom_histogram(struct textbuf *b, const char *name, const char *labels,
		    const struct hist *h, const struct prom_bounds *pb,
		    double sum);

#endif
