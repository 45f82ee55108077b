// SPDX-License-Identifier: GPL-2.0
/* dax-lat: latency histograms of the DAX range pool's begin/end pairs. */
#include "daxmon.bpf.h"
#include "filter.bpf.h"
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

/* n samples of ns each: a removal request times each of its ranges */
static __always_inline void record(__u32 kind, __u32 dev, __u64 ino,
				   __u32 tgid, __u64 ns, unsigned int n)
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
	h->hist.slots[slot] += n;
	h->hist.sum_ns += ns * n;
	if (targ_per_process && !h->comm[0])
		bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/* Begin: remember when, for tasks the -p/-c filter keeps. */
static __always_inline int begin(__u64 id, __u32 dev, __u32 kind, __u64 ino)
{
	if (!task_filtered())
		start_begin(id, dev, kind, ino, bpf_ktime_get_ns());
	return 0;
}

/* End: n samples, if their begin was kept. */
static __always_inline int end_n(__u64 id, __u32 dev, __u32 kind,
				 unsigned int n)
{
	struct dax_start start;
	__u64 ns = start_end(id, dev, kind, &start, bpf_ktime_get_ns());

	if (ns)
		record(kind, dev, start.ino, start.tgid, ns, n);
	return 0;
}

static __always_inline int end(__u64 id, __u32 dev, __u32 kind)
{
	return end_n(id, dev, kind, 1);
}

DAX_EVENT(fuse_dax_setup_begin, SETUP)
{
	return begin(DAX_ID_TASK, dev, DAX_LAT_SETUP, ino);
}

DAX_EVENT(fuse_dax_setup_end, SETUP)
{
	return end(DAX_ID_TASK, dev, DAX_LAT_SETUP);
}

/* A removal is timed by its range: the worker may end another's. */
DAX_EVENT(fuse_dax_remove_begin, REMOVE)
{
	return begin(window_offset, dev, DAX_LAT_REMOVE, ino);
}

DAX_EVENT(fuse_dax_remove_end, REMOVE)
{
	return end_n(window_offset, dev, DAX_LAT_REMOVE, nr);
}

DAX_EVENT(fuse_dax_reclaim_begin, RECLAIM)
{
	return begin(DAX_ID_TASK, dev, reclaim_kind(reason), ino);
}

DAX_EVENT(fuse_dax_reclaim_end, RECLAIM)
{
	return end(DAX_ID_TASK, dev, reclaim_kind(reason));
}

DAX_WAIT_HANDLER(wait_begin)
{
	return begin(DAX_ID_TASK, dev, kind, ino);
}

DAX_WAIT_HANDLER(wait_end)
{
	return end(DAX_ID_TASK, dev, kind);
}

DAX_WAIT_EVENTS(wait_begin, wait_end)
DAX_FN_PROGRAMS()

char LICENSE[] SEC("license") = "GPL";
