/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DAX_STAT_H
#define DAX_STAT_H

#include "daxmon.h"

/* Totals per mount since the tool attached; per CPU in the map. */
struct dax_stat {
	__u64 setups;			/* new mappings (setup_end) */
	__u64 upgrades;			/* read-only made writable */
	__u64 setup_errors;		/* setup_end with ret != 0 */
	__u64 removals[DAX_NR_REASONS];	/* remove_end, by reason */
	__u64 remove_errors;		/* remove_end with ret != 0 */
	__u64 reclaims[2];		/* reclaim runs: inline, background */
	__u64 reclaimed[2];		/* ranges they freed */
	__u64 reclaim_errors[2];	/* runs that ended with ret < 0 */
	__u64 fault_waits;		/* fault_wait_begin */
	__u64 fault_waits_done;		/* fault_wait_end */
	__u64 fault_wait_ns;
	__u64 alloc_waits;
	__u64 alloc_waits_done;
	__u64 alloc_wait_ns;
	struct dax_pool pool;
};

struct dax_stat_hist_key {
	__u32 dev;
	__u32 kind;			/* enum dax_lat_kind */
};

#endif
