/* SPDX-License-Identifier: GPL-2.0 */
/* Updates the BPF side could not make (the drops map of bpf/daxmon.bpf.h). */
#ifndef DAXMON_DROPS_H
#define DAXMON_DROPS_H

#include <bpf/libbpf.h>
#include "daxmon.h"

struct dax_drops {
	__u64 n[DAX_NR_DROPS];		/* since the tool attached */
	__u64 reported[DAX_NR_DROPS];	/* what dax_drops_report() told */
};

/* The map's per-CPU counts summed into d->n.  0 or a negative errno. */
int dax_drops_read(struct bpf_map *map, struct dax_drops *d);

/* Updates lost since the last dax_drops_report(), all causes. */
__u64 dax_drops_unreported(const struct dax_drops *d);

struct json;

/*
 * JSON's "dropped" (dax_drops_unreported()) and "missed": of those, the
 * runs of the tool's programs the kernel skipped (DAX_DROP_MISSED).
 */
void dax_drops_json(struct json *j, const struct dax_drops *d);

/*
 * One line on stderr for each cause that grew since the last call,
 * naming the fix; table_fix says how to make that tool's table bigger.
 */
void dax_drops_report(const char *tool, struct dax_drops *d,
		      const char *table_fix);

#endif
