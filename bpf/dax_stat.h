/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DAX_STAT_H
#define DAX_STAT_H

#include "daxmon.h"

/*
 * The counters of a mount since the tool attached, by name: c[] of
 * struct dax_stat.  A counter kept by reason or mode takes one slot per
 * value, its name being the first (STAT_REMOVALS + DAX_REASON_EVICT).
 */
enum dax_stat_counter {
	STAT_SETUPS,			/* new mappings (setup_end) */
	STAT_UPGRADES,			/* read-only made writable */
	STAT_SETUP_ERRORS,		/* setup_end with ret != 0 */
	STAT_REMOVALS,			/* remove_end, + enum dax_reason */
	STAT_REMOVE_ERRORS = STAT_REMOVALS + DAX_NR_REASONS,
					/* remove_end with ret != 0 */
	STAT_RECLAIMS,			/* reclaim runs, + enum dax_mode */
	STAT_RECLAIMED = STAT_RECLAIMS + DAX_NR_MODES,
					/* ranges they freed, + mode */
	STAT_RECLAIM_ERRORS = STAT_RECLAIMED + DAX_NR_MODES,
					/* runs that ended with ret < 0 */
	STAT_FAULT_WAITS = STAT_RECLAIM_ERRORS + DAX_NR_MODES,
					/* fault_wait_begin */
	STAT_FAULT_WAITS_DONE,		/* fault_wait_end */
	STAT_FAULT_WAIT_NS,
	STAT_ALLOC_WAITS,
	STAT_ALLOC_WAITS_DONE,
	STAT_ALLOC_WAIT_NS,
	STAT_REMOVED_USES,		/* the uses of the ranges removed, */
					/* + enum dax_reason */
	STAT_REMOVED_AGE_NS = STAT_REMOVED_USES + DAX_NR_REASONS,
					/* the ranges' ages, + reason */
	NR_STAT_COUNTERS = STAT_REMOVED_AGE_NS + DAX_NR_REASONS,
};

/*
 * Per mount, per CPU in the map: the latency histograms too, so that an
 * end event finds all it updates in one map lookup.
 */
struct dax_stat {
	__u64 c[NR_STAT_COUNTERS];	/* enum dax_stat_counter */
	struct dax_pool pool;
	struct dax_hist hist[DAX_NR_LAT_KINDS];	/* microseconds */
};

#endif
