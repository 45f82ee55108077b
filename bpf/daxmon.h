/* SPDX-License-Identifier: GPL-2.0 */
/* Types shared by the daxmon BPF programs and the tools that read them. */
#ifndef DAXMON_H
#define DAXMON_H

#define DAX_HIST_SLOTS	32
#define DAX_COMM_LEN	16

/* Mirrors enum fuse_dax_reason of kernel/patches/0007 (the event ABI). */
enum dax_reason {
	DAX_REASON_INLINE,
	DAX_REASON_BACKGROUND,
	DAX_REASON_EVICT,
	DAX_NR_REASONS,
};

/* How a reclaim ran: inline (reason inline), else in the background. */
enum dax_mode {
	DAX_MODE_INLINE,
	DAX_MODE_BACKGROUND,
	DAX_NR_MODES,
};

/* What a latency histogram measures: the begin/end pairs of the events. */
enum dax_lat_kind {
	DAX_LAT_FAULT_WAIT,		/* fuse_dax_fault_wait_begin/end */
	DAX_LAT_ALLOC_WAIT,		/* fuse_dax_alloc_wait_begin/end */
	DAX_LAT_SETUP,			/* fuse_dax_setup_begin/end */
	DAX_LAT_REMOVE,			/* fuse_dax_remove_begin/end */
	DAX_LAT_RECLAIM_INLINE,		/* fuse_dax_reclaim_begin/end, inline */
	DAX_LAT_RECLAIM_BACKGROUND,	/* ... worker: RECLAIM_INLINE + mode */
	DAX_NR_LAT_KINDS,
};

/* Updates a tool could not make, by cause: the slots of its drops map. */
enum dax_drop {
	DAX_DROP_TABLE_FULL,		/* a counter or histogram table is full */
	DAX_DROP_INFLIGHT_FULL,		/* too many begins waiting for their end */
	DAX_DROP_EVENTS_FULL,		/* a record found the ring buffer full */
	/*
	 * Runs of a program the kernel skipped (its recursion_misses):
	 * read from the programs by user space, not counted by BPF.  Since
	 * 6.15 or so a tracepoint's or a trampoline's program runs with
	 * preemption on; on a preemptible kernel (7.x's lazy default) a
	 * task preempted inside it keeps every other task of that CPU
	 * from running it meanwhile.
	 */
	DAX_DROP_MISSED,
	DAX_NR_DROPS,
};

struct dax_hist {
	__u64 slots[DAX_HIST_SLOTS];
	__u64 sum_ns;		/* exact total of the samples */
};

/* The range pool as the newest event of a mount saw it. */
struct dax_pool {
	__u64 ts;		/* bpf_ktime_get_ns() of that event */
	__s64 nr_free;
	__u64 nr_busy;
	__u64 nr_ranges;
};

/* Key of an in-flight begin event, waiting for its end. */
struct dax_start_key {
	__u64 id;		/* thread id, or window offset for removals */
	__u32 dev;
	__u32 kind;		/* enum dax_lat_kind */
};

struct dax_start {
	__u64 ts;
	__u64 ino;
	__u32 tgid;
	__u32 pad;
};

#endif
