// SPDX-License-Identifier: GPL-2.0
/* dax-top: the range pool of each mount, and who uses it. */
#include "daxmon.bpf.h"
#include "filter.bpf.h"
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

static const struct dax_top_row zero_row;

DAX_MOUNT_OF(mount_of, struct dax_top_mount, mounts)

/* The current task's row (or its inode's), NULL outside -p/-c. */
static __always_inline struct dax_top_row *row_of(__u32 dev, __u64 ino)
{
	struct dax_top_key key = { .dev = dev };
	struct dax_top_row *r;

	if (task_filtered())
		return NULL;
	if (targ_per_inode)
		key.ino = ino;
	else
		key.tgid = bpf_get_current_pid_tgid() >> 32;
	r = map_get(&rows, &key, &zero_row);
	if (r && !targ_per_inode && !r->comm[0])
		bpf_get_current_comm(r->comm, sizeof(r->comm));
	return r;
}

DAX_EVENT(fuse_dax_setup_end, SETUP)
{
	struct dax_top_mount *m = mount_of(dev, bpf_ktime_get_ns(), nr_free,
					   nr_busy, nr_ranges);
	struct dax_top_row *r = row_of(dev, ino);

	if (m)
		m->c[upgrade ? TOP_M_UPGRADES : TOP_M_SETUPS]++;
	if (r)
		r->c[upgrade ? TOP_UPGRADES : TOP_SETUPS]++;
	return 0;
}

/*
 * A row's removals are its task's as it sends them (inline: the reading
 * or writing task; background: the kworker): a function probe sees the
 * end in the server's reply.  The mount counts them as they end.
 */
DAX_EVENT(fuse_dax_remove_begin, REMOVE)
{
	struct dax_top_row *r = row_of(dev, ino);

	if (r)
		r->c[TOP_REMOVALS] += nr;
	return 0;
}

DAX_EVENT(fuse_dax_remove_end, REMOVE)
{
	struct dax_top_mount *m = mount_of(dev, bpf_ktime_get_ns(), nr_free,
					   nr_busy, nr_ranges);
	__u64 why = (__u32)reason;	/* 64 bits: the check bounds the index */

	if (m && why < DAX_NR_REASONS)
		m->c[TOP_M_REMOVALS + why] += nr;
	return 0;
}

DAX_EVENT(fuse_dax_reclaim_end, RECLAIM)
{
	struct dax_top_mount *m = mount_of(dev, bpf_ktime_get_ns(), nr_free,
					   nr_busy, nr_ranges);

	if (m)
		m->c[TOP_M_RECLAIMS + reclaim_mode(reason)]++;
	return 0;
}

/* Every begin goes into starts: user space counts the waits under way. */
DAX_WAIT_HANDLER(wait_begin)
{
	__u64 now = bpf_ktime_get_ns();
	struct dax_top_mount *m = mount_of(dev, now, nr_free, nr_busy, nr_ranges);
	struct dax_top_row *r = row_of(dev, ino);
	bool fault = kind == DAX_LAT_FAULT_WAIT;

	start_begin(DAX_ID_TASK, dev, kind, ino, now);
	if (m)
		m->c[fault ? TOP_M_FAULT_WAITS : TOP_M_ALLOC_WAITS]++;
	if (r)
		r->c[fault ? TOP_FAULT_WAITS : TOP_ALLOC_WAITS]++;
	return 0;
}

DAX_WAIT_HANDLER(wait_end)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 ns = start_end(DAX_ID_TASK, dev, kind, NULL, now);
	struct dax_top_mount *m = mount_of(dev, now, nr_free, nr_busy, nr_ranges);
	struct dax_top_row *r;

	if (!ns)
		return 0;
	if (m)
		m->c[TOP_M_WAIT_ENDS]++;
	r = row_of(dev, ino);
	if (!r)
		return 0;
	r->c[kind == DAX_LAT_FAULT_WAIT ? TOP_FAULT_WAIT_NS : TOP_ALLOC_WAIT_NS] += ns;
	if (r->gen != gen) {
		r->gen = gen;
		r->max_wait_ns = 0;
	}
	if (ns > r->max_wait_ns)
		r->max_wait_ns = ns;
	return 0;
}

DAX_WAIT_EVENTS(wait_begin, wait_end)
DAX_NO_EVENT(fuse_dax_setup_begin, SETUP)
DAX_NO_EVENT(fuse_dax_reclaim_begin, RECLAIM)
DAX_FN_PROGRAMS()

char LICENSE[] SEC("license") = "GPL";
