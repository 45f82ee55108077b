// SPDX-License-Identifier: GPL-2.0
/*
 * dax-size: the sequence of range lookups of each DAX mount, for the
 * pool model in user space, and what the kernel did meanwhile.
 *
 * The lookup is fuse_iomap_begin(), through which every DAX read, write
 * and page fault finds or sets up its range (fs/fuse/dax.c): at its
 * return, so that a fault sent to wait for a free range (-EAGAIN) and
 * retried counts once, and a read past the end of the file (a hole, no
 * range) not at all: fexit where the kernel's BTF has it, else kprobe
 * and kretprobe.  Up to 7.2 it is called through iomap_ops, so it is
 * out of line; 7.3 inlines it into the fuse_iomap_next() that
 * DEFINE_IOMAP_ITER_NEXT_END() makes.  There the same lookups are taken
 * where fs/dax returns to fuse: a read or write that moved [pos, pos +
 * done) looked up each range it spans, a fault that mapped its page the
 * range of that page (a fault sent to wait fails, and is retried).
 *
 * The model's clock: each lookup's time less the setups' time before it
 * and the time faults spent sent to wait for a free range (the tasks' own
 * time: the model adds setups and waits of its own), what a setup costs
 * (fuse_setup_one_mapping(), entry to return) and what a removal costs
 * the background worker (its runs' time over the ranges its
 * FUSE_REMOVEMAPPINGs carried).
 */
#include "daxmon.bpf.h"
#include "dax_size.h"

/* The event handlers daxmon.bpf.h's function probes call: none here */
DAX_NO_EVENT(fuse_dax_setup_begin, SETUP)
DAX_NO_EVENT(fuse_dax_remove_begin, REMOVE)
DAX_NO_EVENT(fuse_dax_remove_end, REMOVE)
DAX_NO_EVENT(fuse_dax_reclaim_begin, RECLAIM)
DAX_NO_EVENT(fuse_dax_reclaim_end, RECLAIM)

#define FUSE_DAX_SHIFT	21
#define EAGAIN		11
#define IOMAP_WRITE	(1 << 0)
#define IOMAP_FAULT	(1 << 3)
#define FUSE_SUPER_MAGIC	0x65735546
#define FAULT_FLAG_WRITE	(1 << 0)
/* a fault that mapped nothing: VM_FAULT_ERROR, RETRY or FALLBACK */
#define VM_FAULT_NOT_MAPPED	(0x0001 | 0x0002 | 0x0010 | 0x0020 | 0x0040 | \
				 0x0400 | 0x0800)
/* what an error of fuse_iomap_begin() makes of a fault: vmf_error() */
#define VM_FAULT_SIGBUS		0x0002

/* Ranges kept: a hash of (inode, range) below this, of 2^24 */
const volatile __u32 targ_sample = DAX_SIZE_SAMPLE_ONE;
/* Bytes in the ring buffer that wake the reader early: a quarter of it */
const volatile __u64 targ_wakeup = 1 << 20;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);	/* the tool sizes it (--buffer) */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);			/* dev */
	__type(value, struct dax_size_mount);
} mounts SEC(".maps");

/* A run of the background worker on a thread (a kworker) */
struct worker_run {
	const struct fuse_conn_dax *fcd;
	__u64 start;
	__u64 ranges;			/* removed so far */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);			/* thread id */
	__type(value, struct worker_run);
} worker_runs SEC(".maps");

/* kprobe: fuse_iomap_begin()'s arguments, for its kretprobe */
struct lookup {
	const struct inode *inode;
	__s64 pos;
	__u32 flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_INFLIGHT);
	__type(key, __u64);			/* thread id */
	__type(value, struct lookup);
} lookups SEC(".maps");

/* A fault sent to wait for a free range, on a thread, since when */
struct wait {
	__u64 since;			/* its thread's setup-free time */
	__u32 dev;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_INFLIGHT);
	__type(key, __u64);			/* thread id */
	__type(value, struct wait);
} waits SEC(".maps");

/*
 * A thread's own clock: the time it slept in setups and in waits for a
 * free range.  Its lookups carry ktime less these.  Not the mount's sums:
 * the setups of threads that share a mount overlap, and their sum grows
 * faster than time (two readers' clock ran backwards).  LRU: a thread
 * that ended is not told of; one forgotten starts again from ktime.
 */
struct task_clock {
	__u64 setup_ns;
	__u64 wait_ns;
	/*
	 * The setup under way, here and not in a hash of its own: the
	 * setup's end looks the clock up anyway, and a hash's update and
	 * delete per setup were a third of its programs' time (13.9 -> 8.8
	 * us a setup under -icount)
	 */
	__u64 setup_start;		/* 0: none */
	const struct inode *setup_inode;	/* kprobe's arguments */
	bool setup_upgrade;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_INFLIGHT);
	__type(key, __u64);			/* thread id */
	__type(value, struct task_clock);
} clocks SEC(".maps");

static const struct dax_size_mount mount_zero;
static const struct task_clock clock_zero;

/* direct: how inode is read (daxmon.bpf.h); fexit and fentry programs
 * get it from the kernel's BTF, the others as a bare address */
static __always_inline struct dax_size_mount *mount_of(const struct inode *inode,
						       __u32 dev, bool direct)
{
	struct dax_size_mount *m = map_get(&mounts, &dev, &mount_zero);

	if (m && !m->nr_ranges)
		m->nr_ranges = pool_ranges(inode_fcd(inode, direct), false);
	return m;
}

/* SHARDS: the same ranges are kept or left out all along */
static __always_inline bool sampled_out(__u64 ino, __u64 idx)
{
	__u64 h = ino * 0x9e3779b97f4a7c15ULL ^ idx * 0xc2b2ae3d27d4eb4fULL;

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return (h & (DAX_SIZE_SAMPLE_ONE - 1)) >= targ_sample;
}

/*
 * A wakeup of the reader is an irq_work queued from the program: for
 * every event it would be most of the event's cost.  The reader drains
 * the buffer every 100 ms anyway; it is woken early only once the buffer
 * holds targ_wakeup bytes.
 */
static __always_inline __u64 wakeup_flags(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= targ_wakeup ?
	       BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline int record(__u32 dev, __u32 tid, __u64 ino, __u64 idx,
				  __u64 file_ranges, __u64 task_ns, __u16 flags,
				  __u8 kind)
{
	struct dax_size_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		count_drop(DAX_DROP_EVENTS_FULL);
		return 0;
	}
	e->dev = dev;
	e->tid = tid;
	e->ino = ino;
	e->idx = idx;
	e->file_ranges = file_ranges;
	e->task_ns = task_ns;
	e->flags = flags;
	e->kind = kind;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	bpf_ringbuf_submit(e, wakeup_flags());
	return 0;
}

/* A fault sent to wait: again, if retried in vain, since the first time */
static __always_inline void wait_begin(struct dax_size_mount *m, __u32 dev)
{
	__u64 tid = current_tid();
	/* read only: a thread with no clock yet has had no setups */
	struct task_clock *tc = bpf_map_lookup_elem(&clocks, &tid);
	struct wait w = {
		.since = bpf_ktime_get_ns() - (tc ? tc->setup_ns : 0), .dev = dev,
	};

	if (!bpf_map_update_elem(&waits, &tid, &w, BPF_NOEXIST))
		__sync_fetch_and_add(&m->waiting, 1);
}

/*
 * The thread's lookup succeeded at ktime now: a wait it was sent to
 * ends.  Its time goes to the thread's clock and to the mount's sum, on
 * the thread's clock less its setups: the retry that ends a wait sets
 * its range up, and that time is a setup's, not the wait's.
 */
static __always_inline void wait_end(struct dax_size_mount *m, __u32 dev, __u64 now)
{
	__u64 tid = current_tid(), since, ns;
	struct wait *w = bpf_map_lookup_elem(&waits, &tid);
	struct task_clock *tc;

	if (!w || w->dev != dev)
		return;
	since = w->since;
	if (bpf_map_delete_elem(&waits, &tid))
		return;
	__sync_fetch_and_add(&m->waiting, -1);
	tc = map_get(&clocks, &tid, &clock_zero);
	if (!tc || now - tc->setup_ns <= since)
		return;
	ns = now - tc->setup_ns - since;
	__sync_fetch_and_add(&tc->wait_ns, ns);
	__sync_fetch_and_add(&m->c[DAX_SIZE_WAIT_NS], ns);
}

/*
 * A lookup ended with ret.  A fault sent to wait (-EAGAIN) comes back
 * when retried: only its wait is noted.  Errors and reads past the end of
 * the file (no range) are not lookups of a range.
 */
static __always_inline int lookup_done(const struct inode *inode, __s64 pos,
				       __u32 flags, int ret, bool direct)
{
	__u32 dev = inode_dev(inode, direct);
	struct dax_size_mount *m;
	struct task_clock *tc;
	__u64 ino, idx, now, size, tid;

	if (ret == -EAGAIN && (flags & IOMAP_FAULT)) {
		m = mount_of(inode, dev, direct);
		if (m)
			wait_begin(m, dev);
		return 0;
	}
	if (ret || pos < 0)
		return 0;
	/*
	 * Read after those checks: hoisted above them, the load met a NULL
	 * inode path that 6.12's verifier refuses
	 */
	size = direct ? inode->i_size : BPF_CORE_READ(inode, i_size);
	if (pos >= size)
		return 0;
	m = mount_of(inode, dev, direct);
	if (!m)
		return 0;
	now = bpf_ktime_get_ns();
	/* the hot path looks for a wait only while one is under way */
	if (m->waiting > 0)
		wait_end(m, dev, now);
	__sync_fetch_and_add(&m->c[DAX_SIZE_ACCESSES], 1);
	ino = inode_ino(inode, direct);
	idx = (__u64)pos >> FUSE_DAX_SHIFT;
	if (sampled_out(ino, idx))
		return 0;
	tid = current_tid();
	tc = map_get(&clocks, &tid, &clock_zero);
	if (!tc)
		return 0;
	/* the kernel's refills ahead of a scan look at the file's size */
	return record(dev, (__u32)tid, ino, idx,
		      ((__u64)size + (1ULL << FUSE_DAX_SHIFT) - 1) >> FUSE_DAX_SHIFT,
		      now - tc->setup_ns - tc->wait_ns,
		      (flags & IOMAP_WRITE ? DAX_SIZE_WRITE : 0) |
		      (flags & IOMAP_FAULT ? DAX_SIZE_FAULT : 0),
		      DAX_SIZE_ACCESS);
}

static __always_inline int setup_begin(const struct inode *inode, bool upgrade)
{
	__u64 tid = current_tid();
	struct task_clock *tc = map_get(&clocks, &tid, &clock_zero);

	if (!tc)
		return 0;
	tc->setup_inode = inode;
	tc->setup_upgrade = upgrade;
	tc->setup_start = bpf_ktime_get_ns();
	return 0;
}

/* The thread's clock if a setup is under way on it; that setup ends */
static __always_inline struct task_clock *setup_end(__u64 *start)
{
	__u64 tid = current_tid();
	struct task_clock *tc = bpf_map_lookup_elem(&clocks, &tid);

	if (!tc || !tc->setup_start)
		return NULL;
	*start = tc->setup_start;
	tc->setup_start = 0;
	return tc;
}

/* direct: how inode is read; start: when the setup began, on tc's thread */
static __always_inline int setup_done(const struct inode *inode, bool upgrade,
				      __u64 start, int ret, bool direct,
				      struct task_clock *tc)
{
	__u64 ns = bpf_ktime_get_ns() - start;
	struct dax_size_mount *m;

	if (ret)
		return 0;
	m = mount_of(inode, inode_dev(inode, direct), direct);
	if (!m)
		return 0;
	__sync_fetch_and_add(&m->c[DAX_SIZE_SETUPS], 1);
	if (upgrade)
		__sync_fetch_and_add(&m->c[DAX_SIZE_UPGRADES], 1);
	__sync_fetch_and_add(&m->c[DAX_SIZE_SETUP_NS], ns);
	__sync_fetch_and_add(&tc->setup_ns, ns);
	fn_dev_remember(inode_fcd(inode, direct), inode_dev(inode, direct));
	return 0;
}

static __always_inline int evict(const struct inode *inode, bool direct)
{
	return record(inode_dev(inode, direct), 0, inode_ino(inode, direct), 0, 0,
		      0, 0, DAX_SIZE_EVICT);
}

static __always_inline int worker_begin(const struct fuse_conn_dax *fcd)
{
	struct worker_run w = { .fcd = fcd, .start = bpf_ktime_get_ns() };

	return call_save(&worker_runs, &w);
}

/* A run ends: its time and ranges to its mount's, once a setup showed it */
static __always_inline int worker_end(void)
{
	struct dax_size_mount *m;
	struct worker_run w;
	__u64 key;
	__u32 *dev;

	if (!call_done(&worker_runs, &w, sizeof(w)))
		return 0;
	key = (__u64)w.fcd;
	dev = bpf_map_lookup_elem(&fn_devs, &key);
	m = dev ? bpf_map_lookup_elem(&mounts, dev) : NULL;
	if (!m)
		return 0;
	__sync_fetch_and_add(&m->c[DAX_SIZE_WORKER_NS], bpf_ktime_get_ns() - w.start);
	__sync_fetch_and_add(&m->c[DAX_SIZE_WORKER_RANGES], w.ranges);
	return 0;
}

/*
 * Every fuse request is made here: a FUSE_REMOVEMAPPING the worker sends
 * adds its ranges to the run.  The in_args are void pointers: probe reads.
 */
static __always_inline int removal_sent(const struct fuse_args *args, bool direct)
{
	const struct fuse_removemapping_in *in;
	struct worker_run *w;
	__u64 tid;
	unsigned int arg;

	if ((direct ? args->opcode : BPF_CORE_READ(args, opcode)) != FUSE_REMOVEMAPPING)
		return 0;
	tid = current_tid();
	w = bpf_map_lookup_elem(&worker_runs, &tid);
	if (!w)
		return 0;
	arg = removal_in_arg(args, direct);
	in = BPF_CORE_READ(args, in_args[arg].value);
	w->ranges += BPF_CORE_READ(in, count);
	return 0;
}

#define LOOKUP_PROTO							\
	struct inode *inode, loff_t pos, loff_t length, unsigned int flags, \
	struct iomap *iomap, struct iomap *srcmap

SEC("fexit/fuse_iomap_begin")
int BPF_PROG(lookup_exit_fn, LOOKUP_PROTO, int ret)
{
	return lookup_done(inode, pos, flags, ret, true);
}

/* BPF_KPROBE takes five arguments at most: the first four are enough */
SEC("kprobe/fuse_iomap_begin")
int BPF_KPROBE(lookup_entry_kp, struct inode *inode, loff_t pos, loff_t length,
	       unsigned int flags)
{
	struct lookup l = { .inode = inode, .pos = pos, .flags = flags };

	return call_save(&lookups, &l);
}

SEC("kretprobe/fuse_iomap_begin")
int BPF_KRETPROBE(lookup_exit_kp, int ret)
{
	struct lookup l;

	return call_done(&lookups, &l, sizeof(l)) ?
	       lookup_done(l.inode, l.pos, l.flags, ret, false) : 0;
}

/* fs/dax's stand-ins for fuse_iomap_begin(), for fuse files only */
static __always_inline bool fuse_file(const struct inode *inode, bool direct)
{
	if (!inode)
		return false;
	return (direct ? inode->i_sb->s_magic : BPF_CORE_READ(inode, i_sb, s_magic)) ==
	       FUSE_SUPER_MAGIC;
}

/* A read or write, walked a range at a time by bpf_loop() */
struct rw_walk {
	const struct inode *inode;
	__s64 pos;
	__u32 flags;
};

static long rw_range(__u64 i, void *ctx)
{
	struct rw_walk *w = ctx;

	lookup_done(w->inode, w->pos, w->flags, 0, false);	/* from ctx: no BTF */
	w->pos = (__s64)((((__u64)w->pos >> FUSE_DAX_SHIFT) + 1) << FUSE_DAX_SHIFT);
	return 0;
}

static __always_inline int rw_done(const struct kiocb *iocb,
				   const struct iov_iter *iter, long done)
{
	struct rw_walk w = {
		.inode = BPF_CORE_READ(iocb, ki_filp, f_mapping, host),
		.flags = BPF_CORE_READ(iter, data_source) ? IOMAP_WRITE : 0,
	};
	__s64 end = BPF_CORE_READ(iocb, ki_pos);	/* moved by done */

	if (done <= 0 || !fuse_file(w.inode, false))
		return 0;
	w.pos = end - done;
	bpf_loop(((__u64)(end - 1) >> FUSE_DAX_SHIFT) -
		 ((__u64)w.pos >> FUSE_DAX_SHIFT) + 1, rw_range, &w, 0);
	return 0;
}

/* A fault ended with ret; *errp is what fuse_iomap_begin() returned */
static __always_inline int fault_done(const struct vm_fault *vmf, const int *errp,
				      unsigned int ret, bool direct)
{
	const struct inode *inode;
	__u32 flags = IOMAP_FAULT;
	int err = 0;

	/* -EAGAIN: sent to wait for a free range (vmf_error() made it SIGBUS) */
	if ((ret & VM_FAULT_SIGBUS) && errp)
		bpf_probe_read_kernel(&err, sizeof(err), errp);
	if ((ret & VM_FAULT_NOT_MAPPED) && err != -EAGAIN)
		return 0;
	inode = direct ? vmf->vma->vm_file->f_mapping->host :
			 BPF_CORE_READ(vmf, vma, vm_file, f_mapping, host);
	if (!fuse_file(inode, direct))
		return 0;
	if ((direct ? vmf->flags : BPF_CORE_READ(vmf, flags)) & FAULT_FLAG_WRITE)
		flags |= IOMAP_WRITE;
	return lookup_done(inode,
			   (__s64)(direct ? vmf->pgoff : BPF_CORE_READ(vmf, pgoff)) << 12,
			   flags, err, direct);
}

SEC("fexit/dax_iomap_rw")
int BPF_PROG(rw_exit_fn, struct kiocb *iocb, struct iov_iter *iter,
	     const struct iomap_ops *ops, long ret)
{
	return rw_done(iocb, iter, ret);
}

/* the pfn argument's type changed in 7.3; it is not read */
SEC("fexit/dax_iomap_fault")
int BPF_PROG(fault_exit_fn, struct vm_fault *vmf, unsigned int order,
	     void *pfnp, int *iomap_errp, const struct iomap_ops *ops,
	     unsigned int ret)
{
	return fault_done(vmf, iomap_errp, ret, true);
}

/*
 * kprobe: dax_iomap_rw()'s and dax_iomap_fault()'s arguments, a map
 * each: a read(2) into a buffer mapped from a DAX file faults inside
 * dax_iomap_rw().
 */
struct rw_call {
	const struct kiocb *iocb;
	const struct iov_iter *iter;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_INFLIGHT);
	__type(key, __u64);			/* thread id */
	__type(value, struct rw_call);
} rw_calls SEC(".maps");

struct fault_call {
	const struct vm_fault *vmf;
	const int *errp;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_INFLIGHT);
	__type(key, __u64);			/* thread id */
	__type(value, struct fault_call);
} fault_calls SEC(".maps");

SEC("kprobe/dax_iomap_rw")
int BPF_KPROBE(rw_entry_kp, const struct kiocb *iocb, const struct iov_iter *iter)
{
	struct rw_call c = { .iocb = iocb, .iter = iter };

	return call_save(&rw_calls, &c);
}

SEC("kretprobe/dax_iomap_rw")
int BPF_KRETPROBE(rw_exit_kp, long ret)
{
	struct rw_call c;

	return call_done(&rw_calls, &c, sizeof(c)) ? rw_done(c.iocb, c.iter, ret) : 0;
}

SEC("kprobe/dax_iomap_fault")
int BPF_KPROBE(fault_entry_kp, const struct vm_fault *vmf, unsigned int order,
	       void *pfnp, const int *iomap_errp)
{
	struct fault_call c = { .vmf = vmf, .errp = iomap_errp };

	return call_save(&fault_calls, &c);
}

SEC("kretprobe/dax_iomap_fault")
int BPF_KRETPROBE(fault_exit_kp, unsigned int ret)
{
	struct fault_call c;

	return call_done(&fault_calls, &c, sizeof(c)) ?
	       fault_done(c.vmf, c.errp, ret, false) : 0;
}

SEC("fentry/fuse_setup_one_mapping")
int BPF_PROG(setup_entry_fn, FN_SETUP_PROTO)
{
	return setup_begin(inode, upgrade);
}

SEC("fexit/fuse_setup_one_mapping")
int BPF_PROG(setup_exit_fn, FN_SETUP_PROTO, int ret)
{
	struct task_clock *tc;
	__u64 start;

	tc = setup_end(&start);
	return tc ? setup_done(inode, upgrade, start, ret, true, tc) : 0;
}

/* kprobe: inside fuse_iomap_begin(), whose arguments are in lookups */
SEC("kprobe/fuse_setup_one_mapping")
int BPF_KPROBE(setup_entry_kp, FN_SETUP_PROTO)
{
	return setup_begin(inode, upgrade);
}

SEC("kretprobe/fuse_setup_one_mapping")
int BPF_KRETPROBE(setup_exit_kp, int ret)
{
	struct task_clock *tc;
	__u64 start;

	tc = setup_end(&start);
	return tc ? setup_done(tc->setup_inode, tc->setup_upgrade, start, ret,
			       false, tc) : 0;
}

SEC("fentry/fuse_dax_free_mem_worker")
int BPF_PROG(worker_entry_fn, struct work_struct *work)
{
	return worker_begin(work_fcd(work));
}

SEC("fexit/fuse_dax_free_mem_worker")
int BPF_PROG(worker_exit_fn, struct work_struct *work)
{
	return worker_end();
}

SEC("kprobe/fuse_dax_free_mem_worker")
int BPF_KPROBE(worker_entry_kp, struct work_struct *work)
{
	return worker_begin(work_fcd(work));
}

SEC("kretprobe/fuse_dax_free_mem_worker")
int BPF_KRETPROBE(worker_exit_kp)
{
	return worker_end();
}

SEC("fentry/fuse_args_to_req")
int BPF_PROG(removal_sent_fn, struct fuse_req *req, struct fuse_args *args)
{
	return removal_sent(args, true);
}

SEC("kprobe/fuse_args_to_req")
int BPF_KPROBE(removal_sent_kp, struct fuse_req *req, struct fuse_args *args)
{
	return removal_sent(args, false);
}

SEC("fentry/fuse_dax_inode_cleanup")
int BPF_PROG(evict_fn, struct inode *inode)
{
	return evict(inode, true);
}

SEC("kprobe/fuse_dax_inode_cleanup")
int BPF_KPROBE(evict_kp, struct inode *inode)
{
	return evict(inode, false);
}

char LICENSE[] SEC("license") = "GPL";
