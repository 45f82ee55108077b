/* SPDX-License-Identifier: GPL-2.0 */
/* BPF helpers shared by the daxmon tools: the events' named arguments,
 * the tp_btf/raw_tp program twins, begin/end pairing, drops. */
#ifndef DAXMON_BPF_H
#define DAXMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "daxmon.h"

/*
 * The fuse_dax events pass pointers the kernel's call sites already hold
 * (TP_PROTO in kernel/patches, fuse_dax_trace.h; btf_trace_fuse_dax_* in
 * vmlinux.h), so that a disabled event loads nothing.  A tool's handler
 * gets their fields as values: FUSE_DAX_<class>_TP is the event's
 * prototype, FUSE_DAX_<class>_VALUES what is read from it, and
 * FUSE_DAX_<class>_ARGS the handler's parameters, named.  When an event
 * changes, this is the one place to follow it; a handler that uses an
 * argument by name stops compiling if it goes.
 */
#define FUSE_DAX_SETUP_TP						\
	const struct inode *inode, u64 offset,				\
	const struct fuse_dax_mapping *dmap, bool writable, bool upgrade, \
	int ret, const struct fuse_conn_dax *fcd
#define FUSE_DAX_SETUP_VALUES						\
	inode, dmap_window(dmap), upgrade, ret, POOL_VALUES(fcd)
#define FUSE_DAX_SETUP_ARGS						\
	const struct inode *inode, u64 window_offset, bool upgrade, int ret, \
	POOL_ARGS

#define FUSE_DAX_REMOVE_TP						\
	const struct inode *inode, const struct fuse_dax_mapping *dmap,	\
	enum fuse_dax_reason reason, unsigned int batch, int ret,	\
	const struct fuse_conn_dax *fcd
#define FUSE_DAX_REMOVE_VALUES						\
	inode, dmap_window(dmap), reason, ret, POOL_VALUES(fcd)
#define FUSE_DAX_REMOVE_ARGS						\
	const struct inode *inode, u64 window_offset,			\
	enum fuse_dax_reason reason, int ret, POOL_ARGS

/* inode is NULL for the background worker's reclaim */
#define FUSE_DAX_RECLAIM_TP						\
	const struct fuse_conn_dax *fcd, const struct inode *inode,	\
	enum fuse_dax_reason reason, unsigned long nr_to_free,		\
	unsigned long nr_freed, int ret
#define FUSE_DAX_RECLAIM_VALUES						\
	reclaim_dev(fcd, inode), inode_ino(inode), reason, nr_freed, ret, \
	POOL_VALUES(fcd)
#define FUSE_DAX_RECLAIM_ARGS						\
	__u32 dev, __u64 ino, enum fuse_dax_reason reason,		\
	unsigned long nr_freed, int ret, POOL_ARGS

#define FUSE_DAX_FAULT_WAIT_TP						\
	const struct vm_fault *vmf, const struct inode *inode, bool write, \
	int ret, const struct fuse_conn_dax *fcd
#define FUSE_DAX_ALLOC_WAIT_TP						\
	const struct inode *inode, loff_t pos, bool write, int ret,	\
	const struct fuse_conn_dax *fcd
#define FUSE_DAX_FAULT_WAIT_VALUES	inode, POOL_VALUES(fcd)
#define FUSE_DAX_ALLOC_WAIT_VALUES	inode, POOL_VALUES(fcd)
#define FUSE_DAX_FAULT_WAIT_ARGS	const struct inode *inode, POOL_ARGS
#define FUSE_DAX_ALLOC_WAIT_ARGS	const struct inode *inode, POOL_ARGS

/* The pool state every event ends with */
#define POOL_ARGS	long nr_free, unsigned long nr_busy, unsigned long nr_ranges
#define POOL_VALUES(fcd) pool_free(fcd), pool_busy(fcd), pool_ranges(fcd)

/*
 * The NULL checks are for the verifier: the pointer arguments of a
 * tracepoint defined in a module are PTR_MAYBE_NULL to tp_btf programs
 * (6.12.y and 6.13+), and fuse is a module on distribution kernels.
 */
static __always_inline __u32 inode_dev(const struct inode *inode)
{
	if (!inode)
		return 0;
	return BPF_CORE_READ(inode, i_sb, s_dev);
}

static __always_inline __u64 inode_ino(const struct inode *inode)
{
	if (!inode)
		return 0;
	return BPF_CORE_READ(inode, i_ino);
}

static __always_inline __u64 dmap_window(const struct fuse_dax_mapping *dmap)
{
	if (!dmap)
		return 0;
	return BPF_CORE_READ(dmap, window_offset);
}

static __always_inline long pool_free(const struct fuse_conn_dax *fcd)
{
	if (!fcd)
		return 0;
	return BPF_CORE_READ(fcd, nr_free_ranges);
}

static __always_inline unsigned long pool_busy(const struct fuse_conn_dax *fcd)
{
	if (!fcd)
		return 0;
	return BPF_CORE_READ(fcd, nr_busy_ranges);
}

static __always_inline unsigned long pool_ranges(const struct fuse_conn_dax *fcd)
{
	if (!fcd)
		return 0;
	return BPF_CORE_READ(fcd, nr_ranges);
}

/* The mount of a reclaim: its file's, or the worker's connection's */
static __always_inline __u32 reclaim_dev(const struct fuse_conn_dax *fcd,
					 const struct inode *inode)
{
	if (inode)
		return inode_dev(inode);
	if (!fcd)
		return 0;
	return BPF_CORE_READ(fcd, fc, dev);
}

/*
 * DAX_EVENT(event, class) { body }: the handler of event, with the
 * parameters FUSE_DAX_<class>_ARGS, as two programs: event_btf (tp_btf,
 * where the kernel's BTF describes the event) and event_raw (raw_tp
 * otherwise).  The tool keeps one of each pair (see tools/lib/attach.c).
 */
#define DAX_EVENT(event, class)						\
static __always_inline int event##_handler(FUSE_DAX_##class##_ARGS);	\
SEC("tp_btf/" #event)							\
int BPF_PROG(event##_btf, FUSE_DAX_##class##_TP)			\
{									\
	return event##_handler(FUSE_DAX_##class##_VALUES);		\
}									\
SEC("raw_tp/" #event)							\
int BPF_PROG(event##_raw, FUSE_DAX_##class##_TP)			\
{									\
	return event##_handler(FUSE_DAX_##class##_VALUES);		\
}									\
static __always_inline int event##_handler(FUSE_DAX_##class##_ARGS)

/* A tool's handler of wait begins or ends: kind is DAX_LAT_*_WAIT. */
#define DAX_WAIT_HANDLER(name)						\
static __always_inline int name(const struct inode *inode, __u32 kind,	\
				long nr_free, unsigned long nr_busy,	\
				unsigned long nr_ranges)

/* The four wait events, handled by the tool's DAX_WAIT_HANDLERs. */
#define DAX_WAIT_EVENTS(begin, end)					\
DAX_EVENT(fuse_dax_fault_wait_begin, FAULT_WAIT)		\
{									\
	return begin(inode, DAX_LAT_FAULT_WAIT, nr_free, nr_busy, nr_ranges); \
}									\
DAX_EVENT(fuse_dax_fault_wait_end, FAULT_WAIT)			\
{									\
	return end(inode, DAX_LAT_FAULT_WAIT, nr_free, nr_busy, nr_ranges); \
}									\
DAX_EVENT(fuse_dax_alloc_wait_begin, ALLOC_WAIT)		\
{									\
	return begin(inode, DAX_LAT_ALLOC_WAIT, nr_free, nr_busy, nr_ranges); \
}									\
DAX_EVENT(fuse_dax_alloc_wait_end, ALLOC_WAIT)			\
{									\
	return end(inode, DAX_LAT_ALLOC_WAIT, nr_free, nr_busy, nr_ranges); \
}

#define MAX_INFLIGHT	10240

/*
 * The two maps every tool has: begins waiting for their end (dax-top
 * also counts them as waits under way), and what could not be counted.
 */
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


/* The pool state that ends every fuse_dax_* event's arguments. */
static __always_inline void read_pool(struct dax_pool *pool, long nr_free,
				      unsigned long nr_busy,
				      unsigned long nr_ranges)
{
	pool->ts = bpf_ktime_get_ns();
	pool->nr_free = nr_free;
	pool->nr_busy = nr_busy;
	pool->nr_ranges = nr_ranges;
}

/*
 * DAX_MOUNT_OF(name, type, map): type *name(dev, nr_free, nr_busy,
 * nr_ranges), the mount's entry of map (made on first use, a full map
 * counted as a drop) with its pool state brought up to this event.
 */
#define DAX_MOUNT_OF(name, type, map)					\
static const type name##_zero;						\
static __always_inline type *name(__u32 dev, long nr_free,		\
				  unsigned long nr_busy,		\
				  unsigned long nr_ranges)		\
{									\
	type *m = map_get(&map, &dev, &name##_zero);			\
									\
	if (m)								\
		read_pool(&m->pool, nr_free, nr_busy, nr_ranges);	\
	return m;							\
}

/* Reclaim runs inline for reason inline, in the background otherwise. */
static __always_inline __u32 reclaim_mode(enum fuse_dax_reason reason)
{
	return (__u32)reason == DAX_REASON_INLINE ? DAX_MODE_INLINE :
						     DAX_MODE_BACKGROUND;
}

static __always_inline __u32 reclaim_kind(enum fuse_dax_reason reason)
{
	return DAX_LAT_RECLAIM_INLINE + reclaim_mode(reason);
}

static __always_inline __u64 current_tid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

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
