// SPDX-License-Identifier: GPL-2.0
#include "prom.h"

#include <stdbool.h>
#include <string.h>

void prom_family(FILE *out, const char *name, const char *type,
		 const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
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

static void write_series(FILE *out, const char *name, const char *labels,
			 const char *le)
{
	bool has_labels = labels && *labels;

	fputs(name, out);
	if (!has_labels && !le)
		return;
	fprintf(out, "{%s%s%s}", has_labels ? labels : "",
		has_labels && le ? "," : "", le ? le : "");
}

void prom_sample(FILE *out, const char *name, const char *labels, double v)
{
	write_series(out, name, labels, NULL);
	/* counters print as integers, other values with enough digits */
	if (v == (double)(int64_t)v && v < 9007199254740992.0 &&
	    v > -9007199254740992.0)
		fprintf(out, " %lld\n", (long long)v);
	else
		fprintf(out, " %.9g\n", v);
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

void prom_histogram(FILE *out, const char *name, const char *labels,
		    const struct hist *h, uint64_t unit_ns, double sum)
{
	char series[256], le[64], secs[32];
	uint64_t cumulative = 0, total = hist_count(h);

	/*
	 * Every bucket, empty or not: rate() needs a series to exist before
	 * its first sample lands in it, or that sample is never counted.
	 */
	snprintf(series, sizeof(series), "%s_bucket", name);
	for (int i = 0; i < h->nslots - 1; i++) {
		cumulative += h->slots[i];
		/* samples are whole units, so high + 1 bounds them */
		format_seconds(secs, sizeof(secs),
			       (hist_high(i, h->step) + 1) * unit_ns);
		snprintf(le, sizeof(le), "le=\"%s\"", secs);
		write_series(out, series, labels, le);
		fprintf(out, " %llu\n", (unsigned long long)cumulative);
	}
	write_series(out, series, labels, "le=\"+Inf\"");
	fprintf(out, " %llu\n", (unsigned long long)total);
	snprintf(series, sizeof(series), "%s_sum", name);
	prom_sample(out, series, labels, sum);
	snprintf(series, sizeof(series), "%s_count", name);
	prom_sample(out, series, labels, (double)total);
}
