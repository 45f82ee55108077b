// SPDX-License-Identifier: GPL-2.0
/* dax-lat: latency histograms of the DAX range pool's begin/end pairs. */
#include "daxmon.bpf.h"
#include "dax_lat.h"

const volatile bool targ_ms = false;
const volatile bool targ_per_process = false;
const volatile bool targ_per_inode = false;
const volatile __u64 targ_linear_step = 0;	/* 0: log2 buckets */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 10240);
	__type(key, struct dax_lat_key);
	__type(value, struct dax_lat_hist);
} hists SEC(".maps");

static const struct dax_lat_hist zero;

static __always_inline void record(__u32 kind, __u32 dev, __u64 ino,
				   __u32 tgid, __u64 ns)
{
	struct dax_lat_key key = { .kind = kind, .dev = dev };
	struct dax_lat_hist *h;
	__u64 v = ns / (targ_ms ? 1000000 : 1000);
	__u32 slot;

	if (targ_per_process)
		key.tgid = tgid;
	if (targ_per_inode)
		key.ino = ino;
	h = map_get(&hists, &key, &zero);
	if (!h)
		return;
	if (targ_linear_step) {
		slot = v / targ_linear_step;
		if (slot >= DAX_HIST_SLOTS)
			slot = DAX_HIST_SLOTS - 1;
	} else {
		slot = log2_slot(v);
	}
	h->hist.slots[slot]++;
	h->hist.sum_ns += ns;
	if (targ_per_process && !h->comm[0])
		bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/* Begin: remember when, for tasks the -p/-c filter keeps. */
static __always_inline int begin(__u64 id, __u32 dev, __u32 kind, __u64 ino)
{
	if (!task_filtered())
		start_begin(id, dev, kind, ino);
	return 0;
}

/* End: one sample, if its begin was kept. */
static __always_inline int end(__u64 id, __u32 dev, __u32 kind)
{
	struct dax_start start;
	__u64 ns = start_end(id, dev, kind, &start);

	if (ns)
		record(kind, dev, start.ino, start.tgid, ns);
	return 0;
}

static __always_inline int on_setup_begin(__u64 *ctx)
{
	const struct inode *inode = (void *)ctx[0];

	return begin(current_tid(), inode_dev(inode), DAX_LAT_SETUP,
		     inode_ino(inode));
}

static __always_inline int on_setup_end(__u64 *ctx)
{
	return end(current_tid(), inode_dev((void *)ctx[0]), DAX_LAT_SETUP);
}

static __always_inline int on_remove_begin(__u64 *ctx)
{
	const struct inode *inode = (void *)ctx[0];

	return begin(ctx[REMOVE_ARG_WINDOW], inode_dev(inode), DAX_LAT_REMOVE,
		     inode_ino(inode));
}

static __always_inline int on_remove_end(__u64 *ctx)
{
	return end(ctx[REMOVE_ARG_WINDOW], inode_dev((void *)ctx[0]),
		   DAX_LAT_REMOVE);
}

static __always_inline __u32 reclaim_kind(__u64 *ctx)
{
	return ctx[RECLAIM_ARG_REASON] == DAX_REASON_INLINE ?
		DAX_LAT_RECLAIM_INLINE : DAX_LAT_RECLAIM_BACKGROUND;
}

static __always_inline int on_reclaim_begin(__u64 *ctx)
{
	return begin(current_tid(), ctx[RECLAIM_ARG_DEV], reclaim_kind(ctx),
		     ctx[RECLAIM_ARG_INO]);
}

static __always_inline int on_reclaim_end(__u64 *ctx)
{
	return end(current_tid(), ctx[RECLAIM_ARG_DEV], reclaim_kind(ctx));
}

static __always_inline int wait_begin(__u64 *ctx, __u32 kind)
{
	const struct inode *inode = (void *)ctx[0];

	return begin(current_tid(), inode_dev(inode), kind, inode_ino(inode));
}

static __always_inline int wait_end(__u64 *ctx, __u32 kind)
{
	return end(current_tid(), inode_dev((void *)ctx[0]), kind);
}

DAX_PROGRAMS(fuse_dax_setup_begin, on_setup_begin)
DAX_PROGRAMS(fuse_dax_setup_end, on_setup_end)
DAX_PROGRAMS(fuse_dax_remove_begin, on_remove_begin)
DAX_PROGRAMS(fuse_dax_remove_end, on_remove_end)
DAX_PROGRAMS(fuse_dax_reclaim_begin, on_reclaim_begin)
DAX_PROGRAMS(fuse_dax_reclaim_end, on_reclaim_end)
DAX_WAIT_PROGRAMS(wait_begin, wait_end)

char LICENSE[] SEC("license") = "GPL";
