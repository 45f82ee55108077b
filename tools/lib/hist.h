/* SPDX-License-Identifier: GPL-2.0 */
/* Latency histograms: bucket bounds, percentile estimates, text layout. */
#ifndef DAXMON_HIST_H
#define DAXMON_HIST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>

/*
 * A histogram is an array of bucket counts.  log2 (step == 0): bucket 0
 * holds 0 and 1, bucket i > 0 holds [2^i, 2^(i+1) - 1], as in
 * libbpf-tools.  Linear (step > 0): bucket i holds [i*step, (i+1)*step - 1];
 * the last bucket also holds everything above.
 */
struct hist {
	const __u64 *slots;	/* as the BPF maps hold them */
	int nslots;
	uint64_t step;
};

unsigned int hist_slot(uint64_t value, uint64_t step, int nslots);
uint64_t hist_low(int slot, uint64_t step);
uint64_t hist_high(int slot, uint64_t step);
uint64_t hist_count(const struct hist *h);
/* Value under which a fraction p (0..1) of the samples lie, interpolated
 * linearly inside the bucket that holds it; 0 for an empty histogram. */
double hist_percentile(const struct hist *h, double p);
/* The libbpf-tools layout, then a line with count, average and
 * p50/p90/p99.  sum is the exact total of the samples, in unit. */
void hist_print(FILE *out, const struct hist *h, const char *unit, double sum);

#endif
