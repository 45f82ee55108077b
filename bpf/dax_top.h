/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DAX_TOP_H
#define DAX_TOP_H

#include "daxmon.h"

/*
 * Totals per mount since the tool attached, per CPU in the map.  Never
 * filtered by -p/-c: the pool and its rates are the whole mount's.
 */
struct dax_top_mount {
	__u64 setups;			/* setup_end, new mappings */
	__u64 upgrades;			/* setup_end, read-only made writable */
	__u64 removals[DAX_NR_REASONS];	/* remove_end, by reason */
	__u64 reclaims[2];		/* reclaim_end: inline, background */
	__u64 fault_waits;		/* fault_wait_begin */
	__u64 alloc_waits;		/* alloc_wait_begin */
	struct dax_pool pool;		/* as the newest event saw it */
};

/* A row of the table: a process, or with -i an inode, on one mount. */
struct dax_top_key {
	__u32 dev;
	__u32 tgid;			/* 0 with -i */
	__u64 ino;			/* 0 without -i */
};

/* Totals of a row since the tool attached, per CPU in the map. */
struct dax_top_row {
	__u64 setups;			/* by the task that set them up */
	__u64 upgrades;
	__u64 removals;			/* by the task that ran them */
	__u64 fault_waits;		/* begins */
	__u64 alloc_waits;
	__u64 fault_wait_ns;		/* waits that ended */
	__u64 alloc_wait_ns;
	/* not totals: the longest wait that ended in generation gen */
	__u64 max_wait_ns;
	__u64 gen;
	char comm[DAX_COMM_LEN];	/* without -i */
};

/* The counters at the start of struct dax_top_row, summed over CPUs. */
#define DAX_TOP_ROW_COUNTERS	7

#endif
