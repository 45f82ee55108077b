/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A model of one mount's DAX range pool (fs/fuse/dax.c with the daxmon
 * series): fed the range accesses a recording saw, it counts what a
 * window of another size would have done with them.  dax-size runs one
 * per window size and policy.
 */
#ifndef DAXMON_DAX_SIM_H
#define DAXMON_DAX_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* fuse's module parameter dax_reclaim (kernel/patches 0010, 0011) */
enum dax_sim_policy {
	DAX_SIM_LFU,		/* the least used range goes (the default) */
	DAX_SIM_FIFO,		/* the range set up first goes (upstream) */
	DAX_SIM_NR_POLICIES,
};

/* What the model counts, as the kernel's events would. */
enum dax_sim_count {
	DAX_SIM_ACCESSES,	/* lookups of a range: read, write, fault */
	DAX_SIM_SETUPS,		/* FUSE_SETUPMAPPING requests: new + upgrades */
	DAX_SIM_UPGRADES,	/* of them, a read-only range made writable */
	DAX_SIM_REMOVALS,	/* ranges reclaimed or evicted */
	DAX_SIM_INLINE,		/* of them, taken by a read or write inline */
	DAX_SIM_FAULT_WAITS,	/* faults that found no free range */
	DAX_SIM_ALLOC_WAITS,	/* reads or writes that waited for one */
	DAX_SIM_WAIT_NS,	/* tasks' time waiting or reclaiming inline */
	DAX_SIM_NR_COUNTS,
};

/* dax_sim_access() flags: what the iomap lookup was for */
#define DAX_SIM_WRITE	(1U << 0)
#define DAX_SIM_FAULT	(1U << 1)

struct dax_sim;

/*
 * A pool of nr_ranges (at least 1) under policy.  max_history bounds the
 * ranges whose uses the files remember after reclaim (the kernel's
 * per-inode xarray); past it, a range comes back as new, as in the kernel
 * without memory.  NULL without memory.
 */
struct dax_sim *dax_sim_new(enum dax_sim_policy policy, unsigned int nr_ranges,
			    size_t max_history);

/*
 * The model's clock: what one FUSE_SETUPMAPPING costs the task that
 * makes it, and what one range costs the background worker to remove.
 * With remove_ns 0 (the default) the worker frees its ranges at once;
 * otherwise one every remove_ns while the tasks go on, as the kernel's
 * worker does, one FUSE_REMOVEMAPPING at a time.  May change between
 * accesses, as a recording measures them.
 */
void dax_sim_set_costs(struct dax_sim *s, uint64_t setup_ns, uint64_t remove_ns);

/*
 * A lookup by thread task of range idx (file offset / 2 MiB) of inode
 * ino, a file of file_ranges ranges (its size rounded up; 0 if not
 * known): a hit counts a use (and an upgrade, for a write to a read-only
 * range); a miss sets the range up, reclaiming as the policy does.
 * task_ns is when it happened on the thread's own clock, outside its
 * setups and waits (a recording's clock less the time of the thread's
 * setups and waits): the model adds the thread's setups and waits of its
 * own to it.  0, or -ENOMEM.
 */
int dax_sim_access(struct dax_sim *s, uint32_t task, uint64_t ino, uint64_t idx,
		   uint64_t file_ranges, unsigned int flags, uint64_t task_ns);

/* The inode left the cache: its ranges go back, and their history. */
void dax_sim_evict(struct dax_sim *s, uint64_t ino);

/* Counts so far, indexed by enum dax_sim_count */
const uint64_t *dax_sim_counts(const struct dax_sim *s);

/* Bytes the model holds now */
size_t dax_sim_memory(const struct dax_sim *s);

void dax_sim_free(struct dax_sim *s);

/* "lfu", "fifo"; -1 for another name */
int dax_sim_policy_by_name(const char *name);
const char *dax_sim_policy_name(enum dax_sim_policy policy);

#endif
