// SPDX-License-Identifier: GPL-2.0
/* dax-top: the range pool of each mount, and who uses it. */
#include "daxmon.bpf.h"
#include "dax_top.h"

const volatile bool targ_per_inode = false;

/*
 * The interval user space is in: it bumps gen as it reads the maps, and
 * a row's max_wait_ns starts again from 0 in each new generation.
 */
__u64 gen = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);			/* dev */
	__type(value, struct dax_top_mount);
} mounts SEC(".maps");

/*
 * LRU: a long run sees many processes come and go.  Preallocated for
 * every CPU: 4096 rows are 400 KiB a CPU.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct dax_top_key);
	__type(value, struct dax_top_row);
} rows SEC(".maps");

static const struct dax_top_mount zero_mount;
static const struct dax_top_row zero_row;

static __always_inline struct dax_top_mount *mount_of(__u32 dev, __u64 *ctx,
						      int pool_arg)
{
	struct dax_top_mount *m = map_get(&mounts, &dev, &zero_mount);

	if (m)
		read_pool(&m->pool, ctx, pool_arg);
	return m;
}

/* The current task's row (or its inode's), NULL outside -p/-c. */
static __always_inline struct dax_top_row *row_of(const struct inode *inode)
{
	struct dax_top_key key = { .dev = inode_dev(inode) };
	struct dax_top_row *r;

	if (task_filtered())
		return NULL;
	if (targ_per_inode)
		key.ino = inode_ino(inode);
	else
		key.tgid = bpf_get_current_pid_tgid() >> 32;
	r = map_get(&rows, &key, &zero_row);
	if (r && !targ_per_inode && !r->comm[0])
		bpf_get_current_comm(r->comm, sizeof(r->comm));
	return r;
}

static __always_inline int on_setup_end(__u64 *ctx)
{
	const struct inode *inode = (void *)ctx[0];
	struct dax_top_mount *m = mount_of(inode_dev(inode), ctx, POOL_ARG_SETUP);
	struct dax_top_row *r = row_of(inode);
	bool upgrade = ctx[SETUP_ARG_UPGRADE];

	if (m) {
		if (upgrade)
			m->upgrades++;
		else
			m->setups++;
	}
	if (r) {
		if (upgrade)
			r->upgrades++;
		else
			r->setups++;
	}
	return 0;
}

/* Inline: the reading or writing task; background: the kworker. */
static __always_inline int on_remove_end(__u64 *ctx)
{
	const struct inode *inode = (void *)ctx[0];
	struct dax_top_mount *m = mount_of(inode_dev(inode), ctx, POOL_ARG_SETUP);
	struct dax_top_row *r = row_of(inode);
	__u32 reason = ctx[REMOVE_ARG_REASON];

	if (m && reason < DAX_NR_REASONS)
		m->removals[reason]++;
	if (r)
		r->removals++;
	return 0;
}

static __always_inline int on_reclaim_end(__u64 *ctx)
{
	struct dax_top_mount *m = mount_of(ctx[RECLAIM_ARG_DEV], ctx,
					   POOL_ARG_SETUP);

	if (m)
		m->reclaims[ctx[RECLAIM_ARG_REASON] != DAX_REASON_INLINE]++;
	return 0;
}

/* Every begin goes into starts: user space counts the waits under way. */
static __always_inline int wait_begin(__u64 *ctx, __u32 kind)
{
	const struct inode *inode = (void *)ctx[0];
	__u32 dev = inode_dev(inode);
	struct dax_top_mount *m = mount_of(dev, ctx, POOL_ARG_WAIT);
	struct dax_top_row *r = row_of(inode);
	bool fault = kind == DAX_LAT_FAULT_WAIT;

	start_begin(current_tid(), dev, kind, inode_ino(inode));
	if (m) {
		if (fault)
			m->fault_waits++;
		else
			m->alloc_waits++;
	}
	if (r) {
		if (fault)
			r->fault_waits++;
		else
			r->alloc_waits++;
	}
	return 0;
}

static __always_inline int wait_end(__u64 *ctx, __u32 kind)
{
	const struct inode *inode = (void *)ctx[0];
	__u32 dev = inode_dev(inode);
	__u64 ns = start_end(current_tid(), dev, kind, NULL);
	struct dax_top_row *r;

	mount_of(dev, ctx, POOL_ARG_WAIT);
	if (!ns)
		return 0;
	r = row_of(inode);
	if (!r)
		return 0;
	if (kind == DAX_LAT_FAULT_WAIT)
		r->fault_wait_ns += ns;
	else
		r->alloc_wait_ns += ns;
	if (r->gen != gen) {
		r->gen = gen;
		r->max_wait_ns = 0;
	}
	if (ns > r->max_wait_ns)
		r->max_wait_ns = ns;
	return 0;
}

DAX_PROGRAMS(fuse_dax_setup_end, on_setup_end)
DAX_PROGRAMS(fuse_dax_remove_end, on_remove_end)
DAX_PROGRAMS(fuse_dax_reclaim_end, on_reclaim_end)
DAX_WAIT_PROGRAMS(wait_begin, wait_end)

char LICENSE[] SEC("license") = "GPL";
