/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DAX_TOP_H
#define DAX_TOP_H

#include "daxmon.h"

/* The counters of a mount since the tool attached: c[] of dax_top_mount. */
enum dax_top_mount_counter {
	TOP_M_SETUPS,			/* setup_end, new mappings */
	TOP_M_UPGRADES,			/* setup_end, read-only made writable */
	TOP_M_REMOVALS,			/* remove_end, + enum dax_reason */
	TOP_M_RECLAIMS = TOP_M_REMOVALS + DAX_NR_REASONS,
					/* reclaim_end, + enum dax_mode */
	TOP_M_FAULT_WAITS = TOP_M_RECLAIMS + DAX_NR_MODES,
					/* fault_wait_begin */
	TOP_M_ALLOC_WAITS,		/* alloc_wait_begin */
	TOP_M_WAIT_ENDS,		/* wait ends whose begin was seen */
	NR_TOP_MOUNT_COUNTERS,
};

/*
 * Per mount, per CPU in the map.  Never filtered by -p/-c: the pool and
 * its rates are the whole mount's.
 */
struct dax_top_mount {
	__u64 c[NR_TOP_MOUNT_COUNTERS];	/* enum dax_top_mount_counter */
	struct dax_pool pool;		/* as the newest event saw it */
};

/* A row of the table: a process, or with -i an inode, on one mount. */
struct dax_top_key {
	__u32 dev;
	__u32 tgid;			/* 0 with -i */
	__u64 ino;			/* 0 without -i */
};

/* The counters of a row since the tool attached: c[] of dax_top_row. */
enum dax_top_row_counter {
	TOP_SETUPS,			/* by the task that set them up */
	TOP_UPGRADES,
	TOP_REMOVALS,			/* by the task that ran them */
	TOP_FAULT_WAITS,		/* begins */
	TOP_ALLOC_WAITS,
	TOP_FAULT_WAIT_NS,		/* waits that ended */
	TOP_ALLOC_WAIT_NS,
	NR_TOP_ROW_COUNTERS,
};

/* Per row, per CPU in the map. */
struct dax_top_row {
	__u64 c[NR_TOP_ROW_COUNTERS];	/* enum dax_top_row_counter */
	/* not a total: the longest wait that ended in generation gen */
	__u64 max_wait_ns;
	__u64 gen;
	char comm[DAX_COMM_LEN];	/* without -i */
};

#endif
