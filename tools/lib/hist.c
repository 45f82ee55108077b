// SPDX-License-Identifier: GPL-2.0
#include "hist.h"

#include <string.h>

unsigned int hist_slot(uint64_t value, uint64_t step, int nslots)
{
	unsigned int slot = 0;

	if (step) {
		uint64_t i = value / step;

		return i < (uint64_t)nslots ? i : (unsigned int)nslots - 1;
	}
	while (value > 1 && slot < (unsigned int)nslots - 1) {
		value >>= 1;
		slot++;
	}
	return slot;
}

uint64_t hist_low(int slot, uint64_t step)
{
	if (step)
		return slot * step;
	return slot ? 1ULL << slot : 0;
}

uint64_t hist_high(int slot, uint64_t step)
{
	if (step)
		return (slot + 1) * step - 1;
	return (1ULL << (slot + 1)) - 1;
}

uint64_t hist_count(const struct hist *h)
{
	uint64_t n = 0;

	for (int i = 0; i < h->nslots; i++)
		n += h->slots[i];
	return n;
}

double hist_percentile(const struct hist *h, double p)
{
	uint64_t total = hist_count(h), seen = 0;
	double rank = p * total;

	if (!total)
		return 0;
	for (int i = 0; i < h->nslots; i++) {
		uint64_t n = h->slots[i];

		if (n && seen + n >= rank) {
			double low = hist_low(i, h->step);
			double width = hist_high(i, h->step) + 1 - low;

			return low + width * (rank - seen) / n;
		}
		seen += n;
	}
	return hist_high(h->nslots - 1, h->step);
}

static void print_bar(FILE *out, uint64_t n, uint64_t max, int width)
{
	int stars = max ? (int)(n * width / max) : 0;

	for (int i = 0; i < width; i++)
		fputc(i < stars ? '*' : ' ', out);
}

void hist_print(FILE *out, const struct hist *h, const char *unit, double sum)
{
	uint64_t max = 0, total = hist_count(h);
	int last = -1, width;

	for (int i = 0; i < h->nslots; i++) {
		if (h->slots[i])
			last = i;
		if (h->slots[i] > max)
			max = h->slots[i];
	}
	if (last < 0) {
		fprintf(out, "     (no samples)\n");
		return;
	}
	width = hist_high(last, h->step) > 9999999999ULL ? 20 : 10;
	fprintf(out, "%*s%-*s : count    distribution\n",
		width - 5, "", width + 9, unit);
	for (int i = 0; i <= last; i++) {
		fprintf(out, "%*llu -> %-*llu : %-8llu |", width,
			(unsigned long long)hist_low(i, h->step), width,
			(unsigned long long)hist_high(i, h->step),
			(unsigned long long)h->slots[i]);
		print_bar(out, h->slots[i], max, 40);
		fprintf(out, "|\n");
	}
	fprintf(out, "count %llu  avg %.1f  p50 %.1f  p90 %.1f  p99 %.1f %s\n",
		(unsigned long long)total, total ? sum / total : 0.0,
		hist_percentile(h, 0.50), hist_percentile(h, 0.90),
		hist_percentile(h, 0.99), unit);
}
