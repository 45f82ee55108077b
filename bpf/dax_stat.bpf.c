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

DAX_MOUNT_OF(stat_of, struct dax_stat, stats)

/* n samples of ns each: a removal request times each of its ranges */
static __always_inline void hist_add(struct dax_stat *s, __u32 kind, __u64 ns,
				     unsigned int n)
{
	struct dax_hist *h;

	if (!ns || kind >= DAX_NR_LAT_KINDS)
		return;
	h = &s->hist[kind];
	h->slots[log2_slot(ns / 1000)] += n;
	h->sum_ns += ns * n;
}

/*
 * A begin event only starts its clock: the pool state is brought up to
 * date by the end events, and waits' begins, which count, so a begin
 * costs one map update, not two.
 */
DAX_EVENT(fuse_dax_setup_begin, SETUP)
{
	start_begin(DAX_ID_TASK, dev, DAX_LAT_SETUP, 0, bpf_ktime_get_ns());
	return 0;
}

DAX_EVENT(fuse_dax_setup_end, SETUP)
{
	__u64 now = bpf_ktime_get_ns();
	struct dax_stat *s = stat_of(dev, now, nr_free, nr_busy, nr_ranges);
	__u64 ns = start_end(DAX_ID_TASK, dev, DAX_LAT_SETUP, NULL, now);

	if (!s)
		return 0;
	s->c[upgrade ? STAT_UPGRADES : STAT_SETUPS]++;
	if (ret)
		s->c[STAT_SETUP_ERRORS]++;
	hist_add(s, DAX_LAT_SETUP, ns, 1);
	return 0;
}

DAX_EVENT(fuse_dax_remove_begin, REMOVE)
{
	start_begin(window_offset, dev, DAX_LAT_REMOVE, 0, bpf_ktime_get_ns());
	return 0;
}

DAX_EVENT(fuse_dax_remove_end, REMOVE)
{
	__u64 now = bpf_ktime_get_ns();
	struct dax_stat *s = stat_of(dev, now, nr_free, nr_busy, nr_ranges);
	__u64 ns = start_end(window_offset, dev, DAX_LAT_REMOVE, NULL, now);
	__u64 why = (__u32)reason;	/* 64 bits: the check bounds the index */

	if (!s)
		return 0;
	if (why < DAX_NR_REASONS) {
		s->c[STAT_REMOVALS + why] += nr;
		/* why the policy chose it: how used, how old it was */
		if (uses > 0)
			s->c[STAT_REMOVED_USES + why] += uses * nr;
		s->c[STAT_REMOVED_AGE_NS + why] += age_ns(mapped_ns) * nr;
	}
	if (ret)
		s->c[STAT_REMOVE_ERRORS] += nr;
	hist_add(s, DAX_LAT_REMOVE, ns, nr);
	return 0;
}

DAX_EVENT(fuse_dax_reclaim_begin, RECLAIM)
{
	start_begin(DAX_ID_TASK, dev, reclaim_kind(reason), 0, bpf_ktime_get_ns());
	return 0;
}

DAX_EVENT(fuse_dax_reclaim_end, RECLAIM)
{
	__u64 now = bpf_ktime_get_ns();
	struct dax_stat *s = stat_of(dev, now, nr_free, nr_busy, nr_ranges);
	__u32 mode = reclaim_mode(reason), kind = reclaim_kind(reason);
	__u64 ns = start_end(DAX_ID_TASK, dev, kind, NULL, now);

	if (!s)
		return 0;
	s->c[STAT_RECLAIMS + mode]++;
	s->c[STAT_RECLAIMED + mode] += nr_freed;
	if (ret < 0)
		s->c[STAT_RECLAIM_ERRORS + mode]++;
	hist_add(s, kind, ns, 1);
	return 0;
}

DAX_WAIT_HANDLER(wait_begin)
{
	__u64 now = bpf_ktime_get_ns();
	struct dax_stat *s = stat_of(dev, now, nr_free, nr_busy, nr_ranges);

	if (!s)
		return 0;
	s->c[kind == DAX_LAT_FAULT_WAIT ? STAT_FAULT_WAITS : STAT_ALLOC_WAITS]++;
	start_begin(DAX_ID_TASK, dev, kind, ino, now);
	return 0;
}

DAX_WAIT_HANDLER(wait_end)
{
	__u64 now = bpf_ktime_get_ns();
	struct dax_stat *s = stat_of(dev, now, nr_free, nr_busy, nr_ranges);
	__u64 ns = start_end(DAX_ID_TASK, dev, kind, NULL, now);
	bool fault = kind == DAX_LAT_FAULT_WAIT;

	/* a wait that began before we attached is not ours to end */
	if (!s || !ns)
		return 0;
	s->c[fault ? STAT_FAULT_WAITS_DONE : STAT_ALLOC_WAITS_DONE]++;
	s->c[fault ? STAT_FAULT_WAIT_NS : STAT_ALLOC_WAIT_NS] += ns;
	hist_add(s, kind, ns, 1);
	return 0;
}

DAX_WAIT_EVENTS(wait_begin, wait_end)
DAX_FN_PROGRAMS()

char LICENSE[] SEC("license") = "GPL";
