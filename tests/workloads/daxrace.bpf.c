// SPDX-License-Identifier: GPL-2.0
/*
 * Holds one task between the lookup of its page fault, which missed, and
 * its setup of the range: fuse_setup_new_dax_mapping() calls
 * alloc_dax_mapping() exactly there, with no lock held on the inode's
 * ranges.  A BPF program cannot sleep, so the hold is a bounded spin.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "daxrace.h"

char LICENSE[] SEC("license") = "GPL";

/* written by user space through the mmap()ed .bss */
volatile __u32 target_tgid;
volatile __u32 state;
volatile __u32 release;
/* for the report */
__u64 held_ns;

struct hold {
	__u64 deadline;
};

static long hold_once(__u64 i, struct hold *h)
{
	return release || bpf_ktime_get_ns() > h->deadline;
}

static long hold_longer(__u64 i, struct hold *h)
{
	bpf_loop(1 << 20, hold_once, h, 0);
	return release || bpf_ktime_get_ns() > h->deadline;
}

SEC("kretprobe/alloc_dax_mapping")
int BPF_KRETPROBE(hold_writer, void *dmap)
{
	__u64 start = bpf_ktime_get_ns();
	struct hold h = { .deadline = start + RACE_HOLD_NS };

	/* NULL: no free range, the fault waits and retries instead */
	if (!dmap || state != RACE_ARMED ||
	    bpf_get_current_pid_tgid() >> 32 != target_tgid)
		return 0;
	state = RACE_HOLDING;
	bpf_loop(1 << 20, hold_longer, &h, 0);
	held_ns = bpf_ktime_get_ns() - start;
	state = release ? RACE_RELEASED : RACE_GAVE_UP;
	return 0;
}
