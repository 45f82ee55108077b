/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DAX_SIZE_H
#define DAX_SIZE_H

#include "daxmon.h"

/* What a record of dax-size's ring buffer is. */
enum dax_size_kind {
	DAX_SIZE_ACCESS,	/* a lookup of a range found or set up */
	DAX_SIZE_EVICT,		/* an inode left the cache, its ranges too */
};

/* A lookup's flags: DAX_SIM_WRITE and DAX_SIM_FAULT of tools/lib/dax_sim.h */
#define DAX_SIZE_WRITE	(1U << 0)
#define DAX_SIZE_FAULT	(1U << 1)

struct dax_size_event {
	__u64 ino;
	__u64 idx;		/* file offset / 2 MiB */
	__u64 task_ns;		/* ktime less the thread's setups and waits */
	__u64 file_ranges;	/* the file's size in 2 MiB ranges, rounded up */
	__u32 dev;
	__u32 tid;		/* the thread whose lookup it was */
	__u16 flags;		/* DAX_SIZE_* */
	__u8 kind;		/* enum dax_size_kind */
	__u8 pad[5];
};

/* What the kernel did on a mount while recording, and its window. */
enum dax_size_count {
	DAX_SIZE_SETUPS,	/* FUSE_SETUPMAPPING requests that succeeded */
	DAX_SIZE_UPGRADES,	/* of them, read-only ranges made writable */
	DAX_SIZE_ACCESSES,	/* accesses seen */
	DAX_SIZE_SETUP_NS,	/* the setups' time, entry to return */
	DAX_SIZE_WORKER_RANGES,	/* ranges the background worker removed */
	DAX_SIZE_WORKER_NS,	/* the time of its runs */
	DAX_SIZE_WAIT_NS,	/* threads' faults sent to wait, to the retries' end */
	DAX_SIZE_NR_COUNTS,
};

struct dax_size_mount {
	__u64 c[DAX_SIZE_NR_COUNTS];
	__u64 nr_ranges;	/* the window, in 2 MiB ranges */
	/* the waits not ended (a killed waiter's never ends: then slower) */
	__s64 waiting;
};

/* Spatial sampling: a range is kept if its hash is below this of 2^24 */
#define DAX_SIZE_SAMPLE_ONE	(1U << 24)

#endif
