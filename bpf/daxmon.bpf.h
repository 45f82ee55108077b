/* SPDX-License-Identifier: GPL-2.0 */
/* BPF helpers shared by the daxmon tools: filters, event arguments,
 * begin/end pairing, and the tp_btf/raw_tp program twins. */
#ifndef DAXMON_BPF_H
#define DAXMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "daxmon.h"

#define MAX_INFLIGHT	10240

/* Set by the tool between open and load (see tools/lib/filter.c). */
const volatile __u32 targ_tgid = 0;
const volatile bool filter_cg = false;

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} cgroup_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_INFLIGHT);
	__type(key, struct dax_start_key);
	__type(value, struct dax_start);
} starts SEC(".maps");

/* Never silent: what could not be counted (see enum dax_drop). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DAX_NR_DROPS);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

static __always_inline void count_drop(__u32 cause)
{
	__u64 *n = bpf_map_lookup_elem(&drops, &cause);

	if (n)
		(*n)++;
}

/* True if the current task is outside the -p/-c filter. */
static __always_inline bool task_filtered(void)
{
	if (targ_tgid && (bpf_get_current_pid_tgid() >> 32) != targ_tgid)
		return true;
	if (filter_cg && !bpf_current_task_under_cgroup(&cgroup_map, 0))
		return true;
	return false;
}

static __always_inline __u32 inode_dev(const struct inode *inode)
{
	return BPF_CORE_READ(inode, i_sb, s_dev);
}

static __always_inline __u64 inode_ino(const struct inode *inode)
{
	return BPF_CORE_READ(inode, i_ino);
}

/*
 * The pool state ends every fuse_dax_* event; first is the index of
 * nr_free among the event's arguments.
 */
static __always_inline void read_pool(struct dax_pool *pool, __u64 *ctx,
				      int first)
{
	pool->ts = bpf_ktime_get_ns();
	pool->nr_free = (__s64)ctx[first];
	pool->nr_busy = ctx[first + 1];
	pool->nr_ranges = ctx[first + 2];
}

/* Argument positions, from TP_PROTO in kernel/patches/0001. */
#define SETUP_ARG_WRITABLE	3
#define SETUP_ARG_UPGRADE	4
#define SETUP_ARG_RET		5
#define REMOVE_ARG_WINDOW	2
#define REMOVE_ARG_REASON	3
#define REMOVE_ARG_RET		5
#define RECLAIM_ARG_DEV		0
#define RECLAIM_ARG_INO		1
#define RECLAIM_ARG_REASON	2
#define RECLAIM_ARG_FREED	4
#define RECLAIM_ARG_RET		5
#define WAIT_ARG_RET		3
#define POOL_ARG_SETUP		6	/* setup, remove and reclaim events */
#define POOL_ARG_WAIT		4	/* wait events */

static __always_inline void start_begin(__u64 id, __u32 dev, __u32 kind,
					__u64 ino)
{
	struct dax_start_key key = { .id = id, .dev = dev, .kind = kind };
	struct dax_start start = {
		.ts = bpf_ktime_get_ns(),
		.ino = ino,
		.tgid = bpf_get_current_pid_tgid() >> 32,
	};

	if (bpf_map_update_elem(&starts, &key, &start, BPF_ANY))
		count_drop(DAX_DROP_INFLIGHT_FULL);
}

/*
 * Nanoseconds since the matching begin, 0 if it was not seen (the tool
 * started in between, or the filter dropped it).  The begin's record is
 * copied to *out when out is not NULL.
 */
static __always_inline __u64 start_end(__u64 id, __u32 dev, __u32 kind,
				       struct dax_start *out)
{
	struct dax_start_key key = { .id = id, .dev = dev, .kind = kind };
	struct dax_start *start = bpf_map_lookup_elem(&starts, &key);
	__u64 delta;

	if (!start)
		return 0;
	delta = bpf_ktime_get_ns() - start->ts;
	if (out)
		*out = *start;
	bpf_map_delete_elem(&starts, &key);
	return delta;
}

static __always_inline __u64 current_tid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

/*
 * One handler, two programs: tp_btf where the kernel's BTF describes the
 * event, raw_tp otherwise.  The tool keeps one of each pair (see
 * tools/lib/attach.c); handlers read the arguments from ctx either way.
 */
#define DAX_PROGRAMS(event, handler)					\
SEC("tp_btf/" #event)							\
int event##_btf(__u64 *ctx) { return handler(ctx); }			\
SEC("raw_tp/" #event)							\
int event##_raw(__u64 *ctx) { return handler(ctx); }

/* The same for a handler that also takes arg. */
#define DAX_PROGRAMS_ARG(event, handler, arg)				\
SEC("tp_btf/" #event)							\
int event##_btf(__u64 *ctx) { return handler(ctx, arg); }		\
SEC("raw_tp/" #event)							\
int event##_raw(__u64 *ctx) { return handler(ctx, arg); }

/* Fault and allocation waits share their handlers, told apart by kind. */
#define DAX_WAIT_PROGRAMS(begin, end)					\
DAX_PROGRAMS_ARG(fuse_dax_fault_wait_begin, begin, DAX_LAT_FAULT_WAIT)	\
DAX_PROGRAMS_ARG(fuse_dax_fault_wait_end, end, DAX_LAT_FAULT_WAIT)	\
DAX_PROGRAMS_ARG(fuse_dax_alloc_wait_begin, begin, DAX_LAT_ALLOC_WAIT)	\
DAX_PROGRAMS_ARG(fuse_dax_alloc_wait_end, end, DAX_LAT_ALLOC_WAIT)

/*
 * Lookup-or-create for the per-CPU maps of counters and histograms; a
 * full map is counted as a drop.
 */
static __always_inline void *map_get(void *map, const void *key,
				     const void *zero)
{
	void *value = bpf_map_lookup_elem(map, key);

	if (value)
		return value;
	bpf_map_update_elem(map, key, zero, BPF_NOEXIST);
	value = bpf_map_lookup_elem(map, key);
	if (!value)
		count_drop(DAX_DROP_TABLE_FULL);
	return value;
}

/* floor(log2(v)), 0 for 0 and 1: the slot of tools/lib/hist.c */
static __always_inline __u32 log2_u32(__u32 v)
{
	__u32 r, shift;

	r = (v > 0xffff) << 4;
	v >>= r;
	shift = (v > 0xff) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xf) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	return r | (v >> 1);
}

static __always_inline __u32 log2_slot(__u64 v)
{
	__u32 hi = v >> 32;
	__u32 slot = hi ? log2_u32(hi) + 32 : log2_u32(v);

	return slot < DAX_HIST_SLOTS ? slot : DAX_HIST_SLOTS - 1;
}

#endif
