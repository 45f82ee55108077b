// SPDX-License-Identifier: GPL-2.0
#include "drops.h"
#include "attach.h"
#include "json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <bpf/bpf.h>

int dax_drops_read(struct bpf_map *map, struct dax_drops *d)
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 *values;
	__u32 cause;

	if (ncpus < 0)
		return ncpus;
	values = calloc(ncpus, sizeof(*values));
	if (!values)
		return -ENOMEM;
	for (cause = 0; cause < DAX_DROP_MISSED; cause++) {
		if (bpf_map_lookup_elem(bpf_map__fd(map), &cause, values)) {
			free(values);
			return -errno;
		}
		d->n[cause] = 0;
		for (int cpu = 0; cpu < ncpus; cpu++)
			d->n[cause] += values[cpu];
	}
	free(values);
	d->n[DAX_DROP_MISSED] = dax_prog_misses();
	return 0;
}

__u64 dax_drops_unreported(const struct dax_drops *d)
{
	__u64 n = 0;

	for (int i = 0; i < DAX_NR_DROPS; i++)
		n += d->n[i] - d->reported[i];
	return n;
}

void dax_drops_json(struct json *j, const struct dax_drops *d)
{
	json_key(j, "dropped");
	json_u64(j, dax_drops_unreported(d));
	json_key(j, "missed");
	json_u64(j, d->n[DAX_DROP_MISSED] - d->reported[DAX_DROP_MISSED]);
}

void dax_drops_report(const char *tool, struct dax_drops *d,
		      const char *table_fix)
{
	static const char *const what[DAX_NR_DROPS] = {
		[DAX_DROP_TABLE_FULL] = "a table is full",
		[DAX_DROP_INFLIGHT_FULL] = "operations in flight that could not be timed (the begin table full, or no memory for a task's slot)",
		[DAX_DROP_EVENTS_FULL] = "the ring buffer was full",
		[DAX_DROP_MISSED] = "the kernel skipped a run of a program preempted inside another run of it (a preemptible kernel)",
	};

	for (int i = 0; i < DAX_NR_DROPS; i++) {
		if (d->n[i] == d->reported[i])
			continue;
		fprintf(stderr, "%s: %llu updates not counted (%llu in all): %s%s%s\n",
			tool, (unsigned long long)(d->n[i] - d->reported[i]),
			(unsigned long long)d->n[i], what[i],
			i == DAX_DROP_TABLE_FULL && table_fix ? ": " : "",
			i == DAX_DROP_TABLE_FULL && table_fix ? table_fix : "");
		d->reported[i] = d->n[i];
	}
}
