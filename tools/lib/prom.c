// SPDX-License-Identifier: GPL-2.0
#include "prom.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void prom_family(struct textbuf *b, const char *name, const char *type,
		 const char *help)
{
	tb_puts(b, "# HELP ");
	tb_puts(b, name);
	tb_putc(b, ' ');
	tb_puts(b, help);
	tb_puts(b, "\n# TYPE ");
	tb_puts(b, name);
	tb_putc(b, ' ');
	tb_puts(b, type);
	tb_putc(b, '\n');
}

void prom_label(char *buf, size_t size, const char *name, const char *value)
{
	size_t len = strlen(buf);

	len += snprintf(buf + len, size - len, "%s%s=\"", len ? "," : "", name);
	for (; *value && len + 3 < size; value++) {
		if (*value == '\n') {
			buf[len++] = '\\';
			buf[len++] = 'n';
			continue;
		}
		if (*value == '\\' || *value == '"')
			buf[len++] = '\\';
		buf[len++] = *value;
	}
	snprintf(buf + len, size - len, "\"");
}

/* name[suffix], then {labels[,le="le"]} if either is there */
static void put_series(struct textbuf *b, const char *name, const char *suffix,
		       const char *labels, const char *le)
{
	bool has_labels = labels && *labels;

	tb_puts(b, name);
	tb_puts(b, suffix);
	if (!has_labels && !le)
		return;
	tb_putc(b, '{');
	if (has_labels)
		tb_puts(b, labels);
	if (has_labels && le)
		tb_putc(b, ',');
	if (le) {
		tb_puts(b, "le=\"");
		tb_puts(b, le);
		tb_putc(b, '"');
	}
	tb_putc(b, '}');
}

static void put_value(struct textbuf *b, double v)
{
	tb_putc(b, ' ');
	/* counters print as integers, other values with enough digits */
	if (v == (double)(int64_t)v && v < 9007199254740992.0 &&
	    v > -9007199254740992.0) {
		if (v < 0)
			tb_putc(b, '-');
		tb_u64(b, (uint64_t)(v < 0 ? -v : v));
	} else {
		tb_printf(b, "%.9g", v);
	}
	tb_putc(b, '\n');
}

/* a count as it is: a double would round it above 2^53 */
static void put_count(struct textbuf *b, uint64_t n)
{
	tb_putc(b, ' ');
	tb_u64(b, n);
	tb_putc(b, '\n');
}

void prom_sample(struct textbuf *b, const char *name, const char *labels,
		 double v)
{
	put_series(b, name, "", labels, NULL);
	put_value(b, v);
}

/* Exact decimal seconds, e.g. 2000 ns is "0.000002", not 1.9999e-06. */
static void format_seconds(char *buf, size_t size, uint64_t ns)
{
	int len = snprintf(buf, size, "%llu.%09llu",
			   (unsigned long long)(ns / 1000000000),
			   (unsigned long long)(ns % 1000000000));

	while (len > 2 && buf[len - 1] == '0' && buf[len - 2] != '.')
		buf[--len] = '\0';
}

void prom_bounds_init(struct prom_bounds *pb, int nslots, uint64_t step,
		      uint64_t unit_ns)
{
	pb->n = nslots - 1 < PROM_MAX_BOUNDS ? nslots - 1 : PROM_MAX_BOUNDS;
	/* samples are whole units, so high + 1 bounds them */
	for (int i = 0; i < pb->n; i++)
		format_seconds(pb->le[i], sizeof(pb->le[i]),
			       (hist_high(i, step) + 1) * unit_ns);
}

void prom_histogram(struct textbuf *b, const char *name, const char *labels,
		    const struct hist *h, const struct prom_bounds *pb,
		    double sum)
{
	uint64_t cumulative = 0, total = hist_count(h);

	/*
	 * Every bucket, empty or not: rate() needs a series to exist before
	 * its first sample lands in it, or that sample is never counted.
	 */
	for (int i = 0; i < pb->n; i++) {
		cumulative += h->slots[i];
		put_series(b, name, "_bucket", labels, pb->le[i]);
		put_count(b, cumulative);
	}
	put_series(b, name, "_bucket", labels, "+Inf");
	put_count(b, total);
	put_series(b, name, "_sum", labels, NULL);
	put_value(b, sum);
	put_series(b, name, "_count", labels, NULL);
	put_count(b, total);
}
