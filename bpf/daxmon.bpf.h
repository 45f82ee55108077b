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
#define FUSE_DAX_SETUP_VALUES(d)					\
	inode_dev(inode, d), inode_ino(inode, d), dmap_window(dmap, d),	\
	upgrade, ret, POOL_VALUES(fcd, d)
#define FUSE_DAX_SETUP_ARGS						\
	__u32 dev, __u64 ino, u64 window_offset, bool upgrade, int ret,	\
	POOL_ARGS

#define FUSE_DAX_REMOVE_TP						\
	const struct inode *inode, const struct fuse_dax_mapping *dmap,	\
	enum fuse_dax_reason reason, unsigned int batch, int ret,	\
	const struct fuse_conn_dax *fcd
/*
 * One range per event; the function probes (DAX_FN_PROGRAMS) see a
 * request: nr ranges from window_offset, and neither the file (ino 0)
 * nor the range's uses and set-up time (-1 and 0, as on kernels without
 * the reclaim policy patch).
 */
#define FUSE_DAX_REMOVE_VALUES(d)					\
	inode_dev(inode, d), inode_ino(inode, d), dmap_window(dmap, d),	\
	reason, ret, 1, dmap_uses(dmap, d), dmap_mapped_ns(dmap, d),	\
	POOL_VALUES(fcd, d)
#define FUSE_DAX_REMOVE_ARGS						\
	__u32 dev, __u64 ino, u64 window_offset,			\
	enum fuse_dax_reason reason, int ret, unsigned int nr,		\
	int uses, __u64 mapped_ns, POOL_ARGS

/* inode is NULL for the background worker's reclaim */
#define FUSE_DAX_RECLAIM_TP						\
	const struct fuse_conn_dax *fcd, const struct inode *inode,	\
	enum fuse_dax_reason reason, unsigned long nr_to_free,		\
	unsigned long nr_freed, int ret
#define FUSE_DAX_RECLAIM_VALUES(d)					\
	reclaim_dev(fcd, inode, d), inode_ino(inode, d), reason, nr_freed, \
	ret, POOL_VALUES(fcd, d)
#define FUSE_DAX_RECLAIM_ARGS						\
	__u32 dev, __u64 ino, enum fuse_dax_reason reason,		\
	unsigned long nr_freed, int ret, POOL_ARGS

#define FUSE_DAX_FAULT_WAIT_TP						\
	const struct vm_fault *vmf, const struct inode *inode, bool write, \
	int ret, const struct fuse_conn_dax *fcd
#define FUSE_DAX_ALLOC_WAIT_TP						\
	const struct inode *inode, loff_t pos, bool write, int ret,	\
	const struct fuse_conn_dax *fcd
#define FUSE_DAX_FAULT_WAIT_VALUES(d)	WAIT_VALUES(inode, fcd, d)
#define FUSE_DAX_ALLOC_WAIT_VALUES(d)	WAIT_VALUES(inode, fcd, d)
#define FUSE_DAX_FAULT_WAIT_ARGS	__u32 dev, __u64 ino, POOL_ARGS
#define FUSE_DAX_ALLOC_WAIT_ARGS	__u32 dev, __u64 ino, POOL_ARGS
#define WAIT_VALUES(inode, fcd, d)					\
	inode_dev(inode, d), inode_ino(inode, d), POOL_VALUES(fcd, d)

/* The pool state every event ends with */
#define POOL_ARGS	long nr_free, unsigned long nr_busy, unsigned long nr_ranges
#define POOL_VALUES(fcd, d)						\
	pool_free(fcd, d), pool_busy(fcd, d), pool_ranges(fcd, d)

/*
 * Reading the kernel's structures.  tp_btf and fentry/fexit programs get
 * pointers the kernel's BTF describes, and load their fields directly
 * (the verifier makes a load that faults read 0).  raw_tp and kprobe
 * programs get bare addresses, and each field costs a call of
 * bpf_probe_read_kernel() (BPF_CORE_READ): seven for every event when
 * all programs read that way, most of a handler's run.  So each reader
 * takes direct, a constant the compiler folds, and each program of a
 * pair reads its own way; a direct load nobody uses is not made at all.
 *
 * The NULL checks are for the verifier: the pointer arguments of a
 * tracepoint defined in a module are PTR_MAYBE_NULL to tp_btf programs
 * (6.12.y and 6.13+), and fuse is a module on distribution kernels.
 */
static __always_inline __u32 inode_dev(const struct inode *inode, bool direct)
{
	if (!inode)
		return 0;
	return direct ? inode->i_sb->s_dev : BPF_CORE_READ(inode, i_sb, s_dev);
}

static __always_inline __u64 inode_ino(const struct inode *inode, bool direct)
{
	if (!inode)
		return 0;
	return direct ? inode->i_ino : BPF_CORE_READ(inode, i_ino);
}

static __always_inline __u64 dmap_window(const struct fuse_dax_mapping *dmap,
					 bool direct)
{
	if (!dmap)
		return 0;
	return direct ? dmap->window_offset : BPF_CORE_READ(dmap, window_offset);
}

/*
 * What the reclaim policy patch (kernel/patches 0010) keeps for a range:
 * its uses, and when it was set up.  Other kernels have neither.
 */
struct fuse_dax_mapping___policy {
	u8 uses;
	u64 mapped_ns;
} __attribute__((preserve_access_index));

/*
 * The range's uses, 0 to 255; -1 where the kernel does not count them.
 * At a removal the kernel has just aged the count to the moment.
 */
static __always_inline int dmap_uses(const struct fuse_dax_mapping *dmap,
				     bool direct)
{
	const struct fuse_dax_mapping___policy *p = (const void *)dmap;

	if (!dmap || !bpf_core_field_exists(p->uses))
		return -1;
	return direct ? p->uses : BPF_CORE_READ(p, uses);
}

/* When the range was set up (ktime ns); 0 where the kernel does not say */
static __always_inline __u64 dmap_mapped_ns(const struct fuse_dax_mapping *dmap,
					    bool direct)
{
	const struct fuse_dax_mapping___policy *p = (const void *)dmap;

	if (!dmap || !bpf_core_field_exists(p->mapped_ns))
		return 0;
	return direct ? p->mapped_ns : BPF_CORE_READ(p, mapped_ns);
}

/* Nanoseconds since mapped_ns; 0 where the kernel does not say */
static __always_inline __u64 age_ns(__u64 mapped_ns)
{
	return mapped_ns ? bpf_ktime_get_ns() - mapped_ns : 0;
}

static __always_inline long pool_free(const struct fuse_conn_dax *fcd,
				      bool direct)
{
	if (!fcd)
		return 0;
	return direct ? fcd->nr_free_ranges : BPF_CORE_READ(fcd, nr_free_ranges);
}

static __always_inline unsigned long pool_busy(const struct fuse_conn_dax *fcd,
					       bool direct)
{
	if (!fcd)
		return 0;
	return direct ? fcd->nr_busy_ranges : BPF_CORE_READ(fcd, nr_busy_ranges);
}

static __always_inline unsigned long pool_ranges(const struct fuse_conn_dax *fcd,
						 bool direct)
{
	if (!fcd)
		return 0;
	return direct ? fcd->nr_ranges : BPF_CORE_READ(fcd, nr_ranges);
}

/*
 * The mount of a reclaim: its file's, or the worker's connection's.
 * fcd->fc stays a direct load from the trusted fcd, searches and all
 * (see untrusted()): bpf_rdonly_cast() cannot name fcd's type where
 * fuse is a module, and bpf_probe_read_kernel() made every worker
 * reclaim event a third dearer.
 */
static __always_inline __u32 reclaim_dev(const struct fuse_conn_dax *fcd,
					 const struct inode *inode, bool direct)
{
	if (inode)
		return inode_dev(inode, direct);
	if (!fcd)
		return 0;
	return direct ? fcd->fc->dev : BPF_CORE_READ(fcd, fc, dev);
}

/*
 * A tp_btf program's pointer arguments are trusted, and 6.12's verifier
 * answers each load of a pointer field through one (inode->i_sb) by
 * searching the kernel's BTF, name by name, for up to four types that
 * would say whether the field keeps the trust.  None exists, and those
 * searches were 32% of dax-lat's start-up.  bpf_rdonly_cast() (6.2+;
 * the verifier turns the call into a register move) hands back the same
 * pointer untrusted: its loads need no search and fault to 0 like the
 * fields loaded from it already did.  type must be in vmlinux's BTF.
 * Every kernel with the fuse_dax events has the kfunc; __weak keeps the
 * object loadable on kernels without it, where no tp_btf program loads.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;
#define untrusted(p, type)						\
	((const type *)bpf_rdonly_cast(p, bpf_core_type_id_kernel(type)))

/*
 * DAX_EVENT(event, class) { body }: the handler of event, with the
 * parameters FUSE_DAX_<class>_ARGS, as two programs: event_btf (tp_btf,
 * where the kernel's BTF describes the event; direct loads) and
 * event_raw (raw_tp otherwise).  The tool keeps one of each pair (see
 * tools/lib/attach.c).  Every event passes an inode.
 */
#define DAX_EVENT(event, class)						\
static __always_inline int event##_handler(FUSE_DAX_##class##_ARGS);	\
SEC("tp_btf/" #event)							\
int BPF_PROG(event##_btf, FUSE_DAX_##class##_TP)			\
{									\
	inode = untrusted(inode, struct inode);				\
	return event##_handler(FUSE_DAX_##class##_VALUES(true));	\
}									\
SEC("raw_tp/" #event)							\
int BPF_PROG(event##_raw, FUSE_DAX_##class##_TP)			\
{									\
	return event##_handler(FUSE_DAX_##class##_VALUES(false));	\
}									\
static __always_inline int event##_handler(FUSE_DAX_##class##_ARGS)

/* The handler of an event a tool does not use: the function probes call it. */
#define DAX_NO_EVENT(event, class)					\
static __always_inline int event##_handler(FUSE_DAX_##class##_ARGS)	\
{									\
	return 0;							\
}

/* A tool's handler of wait begins or ends: kind is DAX_LAT_*_WAIT. */
#define DAX_WAIT_HANDLER(name)						\
static __always_inline int name(__u32 dev, __u64 ino, __u32 kind,	\
				long nr_free, unsigned long nr_busy,	\
				unsigned long nr_ranges)

/* The four wait events, handled by the tool's DAX_WAIT_HANDLERs. */
#define DAX_WAIT_EVENTS(begin, end)					\
DAX_EVENT(fuse_dax_fault_wait_begin, FAULT_WAIT)		\
{									\
	return begin(dev, ino, DAX_LAT_FAULT_WAIT, nr_free, nr_busy, nr_ranges); \
}									\
DAX_EVENT(fuse_dax_fault_wait_end, FAULT_WAIT)			\
{									\
	return end(dev, ino, DAX_LAT_FAULT_WAIT, nr_free, nr_busy, nr_ranges); \
}									\
DAX_EVENT(fuse_dax_alloc_wait_begin, ALLOC_WAIT)		\
{									\
	return begin(dev, ino, DAX_LAT_ALLOC_WAIT, nr_free, nr_busy, nr_ranges); \
}									\
DAX_EVENT(fuse_dax_alloc_wait_end, ALLOC_WAIT)			\
{									\
	return end(dev, ino, DAX_LAT_ALLOC_WAIT, nr_free, nr_busy, nr_ranges); \
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

/*
 * A task's setup and inline reclaim begins, by kind, in the task itself:
 * a slot found without hashing or a bucket lock, where starts would make
 * and delete an entry per pair (a setup's end 6.9 -> 4.1 us under
 * -icount).  Only where the mode's programs may use task storage
 * (tools/lib/attach.c sets targ_task_starts: not kprobes, which have it
 * since 6.2 only).  The worker's runs stay in starts: each may run on
 * another kworker, whose slot would be made for one use (a run's begin
 * took 4.3 -> 8.8 us).  So do the waits: dax-top counts the waits under
 * way there.  A slot set per task that set a range up, freed with the
 * task or with the map when the tool ends.
 */
const volatile bool targ_task_starts = false;

struct dax_task_start {
	__u64 ts;		/* 0: none */
	__u64 ino;
	__u32 tgid;
	__u32 dev;
};

struct dax_task_starts {
	struct dax_task_start setup, reclaim_inline;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct dax_task_starts);
} task_starts SEC(".maps");

/* A kind kept in the task's slots */
static __always_inline bool in_task_starts(__u32 kind)
{
	return targ_task_starts &&
	       (kind == DAX_LAT_SETUP || kind == DAX_LAT_RECLAIM_INLINE);
}

/* The slot of kind, one of in_task_starts()'s */
static __always_inline struct dax_task_start *task_start(__u32 kind, __u64 flags)
{
	struct dax_task_starts *t;

	t = bpf_task_storage_get(&task_starts, bpf_get_current_task_btf(),
				 NULL, flags);
	if (!t)
		return NULL;
	return kind == DAX_LAT_SETUP ? &t->setup : &t->reclaim_inline;
}

/*
 * The pool state that ends every fuse_dax_* event's arguments, at now.
 * A handler reads the clock once (bpf_ktime_get_ns()) and gives the time
 * to everything of that event that needs it: one helper call, not two.
 */
static __always_inline void read_pool(struct dax_pool *pool, __u64 now,
				      long nr_free, unsigned long nr_busy,
				      unsigned long nr_ranges)
{
	pool->ts = now;
	pool->nr_free = nr_free;
	pool->nr_busy = nr_busy;
	pool->nr_ranges = nr_ranges;
}

/*
 * DAX_MOUNT_OF(name, type, map): type *name(dev, now, nr_free, nr_busy,
 * nr_ranges), the mount's entry of map (made on first use, a full map
 * counted as a drop) with its pool state brought up to this event.
 */
#define DAX_MOUNT_OF(name, type, map)					\
static const type name##_zero;						\
static __always_inline type *name(__u32 dev, __u64 now, long nr_free,	\
				  unsigned long nr_busy,		\
				  unsigned long nr_ranges)		\
{									\
	type *m = map_get(&map, &dev, &name##_zero);			\
									\
	if (m)								\
		read_pool(&m->pool, now, nr_free, nr_busy, nr_ranges);	\
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

/* A begin and end on the same thread: start_begin() and start_end()'s id */
#define DAX_ID_TASK	((__u64)-1)

/*
 * A begin at now, to be paired with its end by id: DAX_ID_TASK for the
 * current thread (one helper call for the thread and its process, where
 * current_tid() would be a second), else a range's window offset.
 */
static __always_inline void start_begin(__u64 id, __u32 dev, __u32 kind,
					__u64 ino, __u64 now)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct dax_start_key key = {
		.id = id == DAX_ID_TASK ? (__u32)pid_tgid : id,
		.dev = dev,
		.kind = kind,
	};
	struct dax_start start = {
		.ts = now,
		.ino = ino,
		.tgid = pid_tgid >> 32,
	};
	struct dax_task_start *slot;

	if (in_task_starts(kind)) {
		slot = task_start(kind, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!slot) {
			count_drop(DAX_DROP_INFLIGHT_FULL);
			return;
		}
		slot->ts = now;
		slot->ino = ino;
		slot->tgid = start.tgid;
		slot->dev = dev;
		return;
	}
	if (bpf_map_update_elem(&starts, &key, &start, BPF_ANY))
		count_drop(DAX_DROP_INFLIGHT_FULL);
}

/* start_end() of a kind kept in the task */
static __always_inline __u64 task_start_end(__u32 dev, __u32 kind,
					    struct dax_start *out, __u64 now)
{
	struct dax_task_start *slot = task_start(kind, 0);
	__u64 delta;

	if (!slot || !slot->ts || slot->dev != dev)
		return 0;
	delta = now - slot->ts;
	if (out) {
		out->ts = slot->ts;
		out->ino = slot->ino;
		out->tgid = slot->tgid;
		out->pad = 0;
	}
	slot->ts = 0;
	return delta;
}

/*
 * Nanoseconds from the matching begin to now, 0 if it was not seen (the
 * tool started in between, or the filter dropped it); id as the begin's.
 * The begin's record is copied to *out when out is not NULL.
 */
static __always_inline __u64 start_end(__u64 id, __u32 dev, __u32 kind,
				       struct dax_start *out, __u64 now)
{
	struct dax_start_key key = { .id = id, .dev = dev, .kind = kind };
	struct dax_start *start;
	__u64 delta;

	if (in_task_starts(kind))
		return task_start_end(dev, kind, out, now);
	if (id == DAX_ID_TASK)
		key.id = current_tid();
	start = bpf_map_lookup_elem(&starts, &key);
	if (!start)
		return 0;
	delta = now - start->ts;
	if (out)
		*out = *start;
	bpf_map_delete_elem(&starts, &key);
	return delta;
}

/*
 * Lookup-or-create for the per-CPU maps of counters and histograms; a
 * full map is counted as a drop.
 */
/* kprobe: a function's arguments kept by thread for its kretprobe */
static __always_inline int call_save(void *map, const void *args)
{
	__u64 tid = current_tid();

	if (bpf_map_update_elem(map, &tid, args, BPF_ANY))
		count_drop(DAX_DROP_INFLIGHT_FULL);
	return 0;
}

/* kretprobe: take them back out of map into args; false if none */
static __always_inline bool call_done(void *map, void *args, __u32 size)
{
	__u64 tid = current_tid();
	void *p = bpf_map_lookup_elem(map, &tid);

	if (!p)
		return false;
	__builtin_memcpy(args, p, size);
	bpf_map_delete_elem(map, &tid);
	return true;
}

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

/*
 * Kernels without the fuse_dax events: fentry/fexit (programs ending in
 * _fn) or kprobe/kretprobe (_kp) on functions that stock kernels keep
 * out of line (tools/lib/attach.c checks each exists), feeding the same
 * handlers as the events:
 *   setup_begin/end	fuse_setup_one_mapping(), entry and return;
 *   remove_begin/end	fuse_args_to_req() and fuse_request_end() of a
 *			FUSE_REMOVEMAPPING request: nr ranges at a time,
 *			sent inline, by the worker or by eviction as the
 *			sender was inside neither, the worker, or
 *			fuse_dax_inode_cleanup();
 *   reclaim_begin/end	fuse_dax_free_mem_worker(), background only,
 *			without its result (nr_freed and ret 0), for
 *			pools whose mount a setup showed (fn_devs).
 * The waits and inline reclaim runs happen inside functions that are
 * inlined or too wide to stand for them: no probe, and the tools say so.
 */

/* Each tool defines them, with DAX_EVENT or DAX_NO_EVENT. */
static __always_inline int fuse_dax_setup_begin_handler(FUSE_DAX_SETUP_ARGS);
static __always_inline int fuse_dax_setup_end_handler(FUSE_DAX_SETUP_ARGS);
static __always_inline int fuse_dax_remove_begin_handler(FUSE_DAX_REMOVE_ARGS);
static __always_inline int fuse_dax_remove_end_handler(FUSE_DAX_REMOVE_ARGS);
static __always_inline int fuse_dax_reclaim_begin_handler(FUSE_DAX_RECLAIM_ARGS);
static __always_inline int fuse_dax_reclaim_end_handler(FUSE_DAX_RECLAIM_ARGS);

/* Where a task is: inside the reclaim worker, inside eviction. */
struct fn_task {
	const struct fuse_conn_dax *fcd;	/* the worker's */
	__u8 worker;
	__u8 evict;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_INFLIGHT);
	__type(key, __u64);			/* thread id */
	__type(value, struct fn_task);
} fn_tasks SEC(".maps");

/* A FUSE_REMOVEMAPPING request between its sending and its end. */
struct fn_removal {
	__u64 window_offset;		/* of its first range */
	__u32 dev;
	__u32 reason;			/* enum fuse_dax_reason */
	__u32 nr;			/* ranges */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_INFLIGHT);
	__type(key, __u64);			/* struct fuse_req * */
	__type(value, struct fn_removal);
} fn_removals SEC(".maps");

/*
 * The mount of each pool the probes have seen a setup of, for the
 * worker's runs: upstream's struct fuse_conn_dax has no way back to its
 * connection (the tracepoint patch adds ->fc).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);			/* struct fuse_conn_dax * */
	__type(value, __u32);			/* dev */
} fn_devs SEC(".maps");

/* kprobe: fuse_setup_one_mapping()'s arguments, for its kretprobe. */
struct fn_setup {
	const struct inode *inode;
	__u64 window_offset;
	bool upgrade;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_INFLIGHT);
	__type(key, __u64);			/* thread id */
	__type(value, struct fn_setup);
} fn_setups SEC(".maps");

/*
 * s_fs_info is a void *, which leaves BTF behind: the pool this returns
 * is read with bpf_probe_read_kernel() (direct false) whatever the caller.
 */
static __always_inline const struct fuse_conn_dax *
inode_fcd(const struct inode *inode, bool direct)
{
	const struct fuse_mount *fm;

	fm = direct ? inode->i_sb->s_fs_info : BPF_CORE_READ(inode, i_sb, s_fs_info);
	return BPF_CORE_READ(fm, fc, dax);
}

/* container_of(work, struct fuse_conn_dax, free_work.work): an address
 * the verifier has no type for, read with direct false */
static __always_inline const struct fuse_conn_dax *
work_fcd(const struct work_struct *work)
{
	return (const void *)work -
	       bpf_core_field_offset(struct fuse_conn_dax, free_work);
}

/* Enter (in = true) or leave the worker or eviction. */
static __always_inline void fn_task_mark(const struct fuse_conn_dax *fcd,
					 bool evict, bool in)
{
	__u64 tid = current_tid();
	struct fn_task zero = {}, *t = bpf_map_lookup_elem(&fn_tasks, &tid);

	if (!t) {
		if (!in)
			return;
		bpf_map_update_elem(&fn_tasks, &tid, &zero, BPF_NOEXIST);
		t = bpf_map_lookup_elem(&fn_tasks, &tid);
		if (!t) {
			count_drop(DAX_DROP_INFLIGHT_FULL);
			return;
		}
	}
	if (evict) {
		t->evict = in;
	} else {
		t->worker = in;
		t->fcd = fcd;
	}
	if (!t->evict && !t->worker)
		bpf_map_delete_elem(&fn_tasks, &tid);
}

static __always_inline const struct fuse_conn_dax *fn_worker_fcd(void)
{
	__u64 tid = current_tid();
	struct fn_task *t = bpf_map_lookup_elem(&fn_tasks, &tid);

	return t ? t->fcd : NULL;
}

static __always_inline __u32 fn_reason(void)
{
	__u64 tid = current_tid();
	struct fn_task *t = bpf_map_lookup_elem(&fn_tasks, &tid);

	if (t && t->evict)
		return DAX_REASON_EVICT;
	if (t && t->worker)
		return DAX_REASON_BACKGROUND;
	return DAX_REASON_INLINE;
}

/*
 * 7.2 put a request's connection behind a channel (req->chan->conn, no
 * req->fm): CO-RE tells which layout the running kernel has.
 */
struct fuse_chan___chan {
	struct fuse_conn *conn;
} __attribute__((preserve_access_index));

struct fuse_req___chan {
	struct fuse_chan___chan *chan;
} __attribute__((preserve_access_index));

static __always_inline const struct fuse_conn_dax *
req_fcd(const struct fuse_req *req, bool direct)
{
	const struct fuse_req___chan *r = (const void *)req;

	if (bpf_core_field_exists(r->chan))
		return direct ? r->chan->conn->dax : BPF_CORE_READ(r, chan, conn, dax);
	return direct ? req->fm->fc->dax : BPF_CORE_READ(req, fm, fc, dax);
}

/*
 * The mount's device: from the request, else from a setup seen on its
 * pool (0 for a removal before any setup the tool saw: shown as 0:0).
 */
static __always_inline __u32 req_dev(const struct fuse_req *req,
				     const struct fuse_conn_dax *fcd, bool direct)
{
	__u64 key = (__u64)fcd;
	__u32 *dev;

	if (bpf_core_field_exists(req->fm))
		return direct ? req->fm->sb->s_dev : BPF_CORE_READ(req, fm, sb, s_dev);
	dev = bpf_map_lookup_elem(&fn_devs, &key);
	return dev ? *dev : 0;
}

/*
 * Which in_arg of a request's args holds fuse_removemapping_in: since
 * 6.14 an empty header comes first (fuse_set_zero_arg0()).
 */
static __always_inline unsigned int removal_in_arg(const struct fuse_args *args,
						   bool direct)
{
	return (direct ? args->in_numargs : BPF_CORE_READ(args, in_numargs)) == 3;
}

/* The pool's mount, remembered for its worker's runs (fn_devs) */
static __always_inline void fn_dev_remember(const struct fuse_conn_dax *fcd,
					    __u32 dev)
{
	__u64 key = (__u64)fcd;
	__u32 *known = bpf_map_lookup_elem(&fn_devs, &key);

	/* a pool freed and its memory reused by a new mount: the new dev */
	if (!known || *known != dev)
		bpf_map_update_elem(&fn_devs, &key, &dev, BPF_ANY);
}

/*
 * A FUSE_REMOVEMAPPING request is made: remember it, begin its ranges.
 * Every request comes here: its opcode is read first.  The in_args are
 * void pointers, read with bpf_probe_read_kernel() in any program.
 */
static __always_inline int fn_removal_sent(const struct fuse_req *req,
					   const struct fuse_args *args,
					   bool direct)
{
	const struct fuse_removemapping_in *in;
	const struct fuse_removemapping_one *one;
	const struct fuse_conn_dax *fcd;
	struct fn_removal r = {};
	__u64 key = (__u64)req;
	unsigned int arg;

	if ((direct ? args->opcode : BPF_CORE_READ(args, opcode)) != FUSE_REMOVEMAPPING)
		return 0;
	arg = removal_in_arg(args, direct);
	in = BPF_CORE_READ(args, in_args[arg].value);
	one = BPF_CORE_READ(args, in_args[arg + 1].value);
	r.nr = BPF_CORE_READ(in, count);
	r.window_offset = BPF_CORE_READ(one, moffset);
	fcd = req_fcd(req, direct);
	r.dev = req_dev(req, fcd, direct);
	r.reason = fn_reason();
	if (bpf_map_update_elem(&fn_removals, &key, &r, BPF_ANY)) {
		count_drop(DAX_DROP_INFLIGHT_FULL);
		return 0;
	}
	return fuse_dax_remove_begin_handler(r.dev, 0, r.window_offset,
					     (enum fuse_dax_reason)r.reason, 0,
					     r.nr, -1, 0, POOL_VALUES(fcd, direct));
}

/* A request ends: if it is a removal we saw made, end its ranges. */
static __always_inline int fn_request_end(const struct fuse_req *req,
					  bool direct)
{
	const struct fuse_conn_dax *fcd;
	__u64 key = (__u64)req;
	struct fn_removal *p, r;

	if ((direct ? req->in.h.opcode : BPF_CORE_READ(req, in.h.opcode)) !=
	    FUSE_REMOVEMAPPING)
		return 0;
	p = bpf_map_lookup_elem(&fn_removals, &key);
	if (!p)
		return 0;
	r = *p;
	bpf_map_delete_elem(&fn_removals, &key);
	fcd = req_fcd(req, direct);
	return fuse_dax_remove_end_handler(r.dev, 0, r.window_offset,
		(enum fuse_dax_reason)r.reason,
		direct ? req->out.h.error : BPF_CORE_READ(req, out.h.error),
		r.nr, -1, 0, POOL_VALUES(fcd, direct));
}

static __always_inline int fn_setup_begin(const struct inode *inode,
					  __u64 window_offset, bool upgrade,
					  bool direct)
{
	const struct fuse_conn_dax *fcd = inode_fcd(inode, direct);
	__u32 dev = inode_dev(inode, direct);

	fn_dev_remember(fcd, dev);
	return fuse_dax_setup_begin_handler(dev, inode_ino(inode, direct),
					    window_offset, upgrade, 0,
					    POOL_VALUES(fcd, false));
}

/* fuse_setup_one_mapping() returned ret (a macro: dax-size, which has
 * no handlers, includes this file) */
#define FN_SETUP_END(inode, window_offset, upgrade, ret, direct)	\
	fuse_dax_setup_end_handler(inode_dev(inode, direct),		\
		inode_ino(inode, direct), window_offset, upgrade, ret,	\
		POOL_VALUES(inode_fcd(inode, direct), false))

static __always_inline int fn_worker(const struct fuse_conn_dax *fcd,
				     bool begin)
{
	enum fuse_dax_reason bg = (enum fuse_dax_reason)DAX_REASON_BACKGROUND;
	__u64 key = (__u64)fcd;
	__u32 *devp = bpf_map_lookup_elem(&fn_devs, &key);
	__u32 dev;

	fn_task_mark(fcd, false, begin);
	/* a pool none of whose setups was seen yet: not a mount to show */
	if (!devp)
		return 0;
	dev = *devp;
	if (begin)
		return fuse_dax_reclaim_begin_handler(dev, 0, bg, 0, 0,
						      POOL_VALUES(fcd, false));
	return fuse_dax_reclaim_end_handler(dev, 0, bg, 0, 0,
					    POOL_VALUES(fcd, false));
}

#define FN_SETUP_PROTO							\
	struct inode *inode, unsigned long start_idx,			\
	struct fuse_dax_mapping *dmap, bool writable, bool upgrade

/*
 * The function programs of a tool: after its handlers, every one of
 * fuse_dax_{setup,remove,reclaim}_{begin,end}_handler defined (by
 * DAX_EVENT or DAX_NO_EVENT).
 */
#define DAX_FN_PROGRAMS()						\
SEC("fentry/fuse_setup_one_mapping")					\
int BPF_PROG(setup_entry_fn, FN_SETUP_PROTO)				\
{									\
	return fn_setup_begin(inode, dmap_window(dmap, true), upgrade, true); \
}									\
SEC("fexit/fuse_setup_one_mapping")					\
int BPF_PROG(setup_exit_fn, FN_SETUP_PROTO, int ret)			\
{									\
	return FN_SETUP_END(inode, dmap_window(dmap, true), upgrade, ret, \
			    true);					\
}									\
SEC("kprobe/fuse_setup_one_mapping")					\
int BPF_KPROBE(setup_entry_kp, FN_SETUP_PROTO)				\
{									\
	struct fn_setup s = {						\
		.inode = inode,						\
		.window_offset = dmap_window(dmap, false),		\
		.upgrade = upgrade,					\
	};								\
									\
	call_save(&fn_setups, &s);					\
	return fn_setup_begin(inode, s.window_offset, upgrade, false);	\
}									\
SEC("kretprobe/fuse_setup_one_mapping")					\
int BPF_KRETPROBE(setup_exit_kp, int ret)				\
{									\
	struct fn_setup s;						\
									\
	if (!call_done(&fn_setups, &s, sizeof(s)))			\
		return 0;						\
	return FN_SETUP_END(s.inode, s.window_offset, s.upgrade, ret,	\
			    false);					\
}									\
SEC("fentry/fuse_args_to_req")						\
int BPF_PROG(removal_sent_fn, struct fuse_req *req, struct fuse_args *args) \
{									\
	return fn_removal_sent(req, args, true);			\
}									\
SEC("kprobe/fuse_args_to_req")						\
int BPF_KPROBE(removal_sent_kp, struct fuse_req *req,			\
	       struct fuse_args *args)					\
{									\
	return fn_removal_sent(req, args, false);			\
}									\
SEC("fentry/fuse_request_end")						\
int BPF_PROG(request_end_fn, struct fuse_req *req)			\
{									\
	return fn_request_end(req, true);				\
}									\
SEC("kprobe/fuse_request_end")						\
int BPF_KPROBE(request_end_kp, struct fuse_req *req)			\
{									\
	return fn_request_end(req, false);				\
}									\
SEC("fentry/fuse_dax_free_mem_worker")					\
int BPF_PROG(worker_entry_fn, struct work_struct *work)			\
{									\
	return fn_worker(work_fcd(work), true);				\
}									\
SEC("fexit/fuse_dax_free_mem_worker")					\
int BPF_PROG(worker_exit_fn, struct work_struct *work)			\
{									\
	return fn_worker(work_fcd(work), false);			\
}									\
SEC("kprobe/fuse_dax_free_mem_worker")					\
int BPF_KPROBE(worker_entry_kp, struct work_struct *work)		\
{									\
	return fn_worker(work_fcd(work), true);				\
}									\
SEC("kretprobe/fuse_dax_free_mem_worker")				\
int BPF_KRETPROBE(worker_exit_kp)					\
{									\
	return fn_worker(fn_worker_fcd(), false);			\
}									\
SEC("fentry/fuse_dax_inode_cleanup")					\
int BPF_PROG(evict_entry_fn, struct inode *inode)			\
{									\
	fn_task_mark(NULL, true, true);					\
	return 0;							\
}									\
SEC("fexit/fuse_dax_inode_cleanup")					\
int BPF_PROG(evict_exit_fn, struct inode *inode)			\
{									\
	fn_task_mark(NULL, true, false);				\
	return 0;							\
}									\
SEC("kprobe/fuse_dax_inode_cleanup")					\
int BPF_KPROBE(evict_entry_kp, struct inode *inode)			\
{									\
	fn_task_mark(NULL, true, true);					\
	return 0;							\
}									\
SEC("kretprobe/fuse_dax_inode_cleanup")					\
int BPF_KRETPROBE(evict_exit_kp)					\
{									\
	fn_task_mark(NULL, true, false);				\
	return 0;							\
}

#endif
