// SPDX-License-Identifier: GPL-2.0
/* dax-stat: counters and latency histograms per DAX mount. */
#include "daxmon.bpf.h"
#include "dax_stat.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);			/* dev */
	__type(value, struct dax_stat);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 64 * DAX_NR_LAT_KINDS);
	__type(key, struct dax_stat_hist_key);
	__type(value, struct dax_hist);		/* microseconds */
} hists SEC(".maps");

static const struct dax_stat zero_stat;
static const struct dax_hist zero_hist;

static __always_inline struct dax_stat *stat_of(__u32 dev, __u64 *ctx,
						int pool_arg)
{
	struct dax_stat *s = map_get(&stats, &dev, &zero_stat);

	if (s)
		read_pool(&s->pool, ctx, pool_arg);
	return s;
}

static __always_inline void hist_add(__u32 dev, __u32 kind, __u64 ns)
{
	struct dax_stat_hist_key key = { .dev = dev, .kind = kind };
	struct dax_hist *h = map_get(&hists, &key, &zero_hist);

	if (!h)
		return;
	h->slots[log2_slot(ns / 1000)]++;
	h->sum_ns += ns;
}

static __always_inline int on_setup_begin(__u64 *ctx)
{
	__u32 dev = inode_dev((void *)ctx[0]);

	stat_of(dev, ctx, POOL_ARG_SETUP);
	start_begin(current_tid(), dev, DAX_LAT_SETUP, 0);
	return 0;
}

static __always_inline int on_setup_end(__u64 *ctx)
{
	__u32 dev = inode_dev((void *)ctx[0]);
	struct dax_stat *s = stat_of(dev, ctx, POOL_ARG_SETUP);
	__u64 ns = start_end(current_tid(), dev, DAX_LAT_SETUP, NULL);

	if (!s)
		return 0;
	if (ctx[SETUP_ARG_UPGRADE])
		s->upgrades++;
	else
		s->setups++;
	if ((int)ctx[SETUP_ARG_RET])
		s->setup_errors++;
	if (ns)
		hist_add(dev, DAX_LAT_SETUP, ns);
	return 0;
}

static __always_inline int on_remove_begin(__u64 *ctx)
{
	__u32 dev = inode_dev((void *)ctx[0]);

	stat_of(dev, ctx, POOL_ARG_SETUP);
	start_begin(ctx[REMOVE_ARG_WINDOW], dev, DAX_LAT_REMOVE, 0);
	return 0;
}

static __always_inline int on_remove_end(__u64 *ctx)
{
	__u32 dev = inode_dev((void *)ctx[0]);
	struct dax_stat *s = stat_of(dev, ctx, POOL_ARG_SETUP);
	__u64 ns = start_end(ctx[REMOVE_ARG_WINDOW], dev, DAX_LAT_REMOVE, NULL);
	__u32 reason = ctx[REMOVE_ARG_REASON];

	if (!s)
		return 0;
	if (reason < DAX_NR_REASONS)
		s->removals[reason]++;
	if ((int)ctx[REMOVE_ARG_RET])
		s->remove_errors++;
	if (ns)
		hist_add(dev, DAX_LAT_REMOVE, ns);
	return 0;
}

static __always_inline __u32 reclaim_kind(__u64 *ctx)
{
	return ctx[RECLAIM_ARG_REASON] == DAX_REASON_INLINE ?
		DAX_LAT_RECLAIM_INLINE : DAX_LAT_RECLAIM_BACKGROUND;
}

static __always_inline int on_reclaim_begin(__u64 *ctx)
{
	__u32 dev = ctx[RECLAIM_ARG_DEV];

	stat_of(dev, ctx, POOL_ARG_SETUP);
	start_begin(current_tid(), dev, reclaim_kind(ctx), 0);
	return 0;
}

static __always_inline int on_reclaim_end(__u64 *ctx)
{
	__u32 dev = ctx[RECLAIM_ARG_DEV], kind = reclaim_kind(ctx);
	struct dax_stat *s = stat_of(dev, ctx, POOL_ARG_SETUP);
	__u64 ns = start_end(current_tid(), dev, kind, NULL);
	int bg = kind == DAX_LAT_RECLAIM_BACKGROUND;

	if (!s)
		return 0;
	s->reclaims[bg]++;
	s->reclaimed[bg] += ctx[RECLAIM_ARG_FREED];
	if ((int)ctx[RECLAIM_ARG_RET] < 0)
		s->reclaim_errors[bg]++;
	if (ns)
		hist_add(dev, kind, ns);
	return 0;
}

static __always_inline int wait_begin(__u64 *ctx, __u32 kind)
{
	__u32 dev = inode_dev((void *)ctx[0]);
	struct dax_stat *s = stat_of(dev, ctx, POOL_ARG_WAIT);

	if (!s)
		return 0;
	if (kind == DAX_LAT_FAULT_WAIT)
		s->fault_waits++;
	else
		s->alloc_waits++;
	start_begin(current_tid(), dev, kind, inode_ino((void *)ctx[0]));
	return 0;
}

static __always_inline int wait_end(__u64 *ctx, __u32 kind)
{
	__u32 dev = inode_dev((void *)ctx[0]);
	struct dax_stat *s = stat_of(dev, ctx, POOL_ARG_WAIT);
	__u64 ns = start_end(current_tid(), dev, kind, NULL);

	/* a wait that began before we attached is not ours to end */
	if (!s || !ns)
		return 0;
	if (kind == DAX_LAT_FAULT_WAIT) {
		s->fault_waits_done++;
		s->fault_wait_ns += ns;
	} else {
		s->alloc_waits_done++;
		s->alloc_wait_ns += ns;
	}
	hist_add(dev, kind, ns);
	return 0;
}

DAX_PROGRAMS(fuse_dax_setup_begin, on_setup_begin)
DAX_PROGRAMS(fuse_dax_setup_end, on_setup_end)
DAX_PROGRAMS(fuse_dax_remove_begin, on_remove_begin)
DAX_PROGRAMS(fuse_dax_remove_end, on_remove_end)
DAX_PROGRAMS(fuse_dax_reclaim_begin, on_reclaim_begin)
DAX_PROGRAMS(fuse_dax_reclaim_end, on_reclaim_end)
DAX_WAIT_PROGRAMS(wait_begin, wait_end)

char LICENSE[] SEC("license") = "GPL";
