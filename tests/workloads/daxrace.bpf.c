// SPDX-License-Identifier: GPL-2.0
/*
 * Holds one task at a point of a race, until user space lets it go:
 *  - upgrade: between the lookup of its page fault, which missed, and its
 *    setup of the range: fuse_setup_new_dax_mapping() calls
 *    alloc_dax_mapping() exactly there, with no lock held on the inode's
 *    ranges;
 *  - open: in the inline reclaim of its write, after
 *    invalidate_inode_pages2_range() looked the range's DAX entries up
 *    (find_get_entries()) and before it removes them;
 *  - flush: in the writeback of its close(2), with a DAX entry locked and
 *    its TOWRITE mark cleared while its mappings are write-protected
 *    (dax_writeback_one() calls pfn_mkclean_range() there).
 * Only the program of the race asked for is loaded.  A BPF program cannot
 * sleep, so the hold is a bounded spin.
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

/* bpf_loop callback: 1 (stop) once user space let go or time is up */
static long hold_over(__u64 i, struct hold *h)
{
	return release || bpf_ktime_get_ns() > h->deadline;
}

/* one bpf_loop runs at most 2^23 times: nest them for seconds under TCG */
static long hold_longer(__u64 i, struct hold *h)
{
	bpf_loop(1 << 20, hold_over, h, 0);
	return hold_over(i, h);
}

/* Holds the target task if armed; 0 for the probes' return value. */
static __always_inline int hold_target(void)
{
	struct hold h;
	__u64 start;

	if (state != RACE_ARMED || bpf_get_current_pid_tgid() >> 32 != target_tgid)
		return 0;
	start = bpf_ktime_get_ns();
	h.deadline = start + RACE_HOLD_NS;
	state = RACE_HOLDING;
	bpf_loop(1 << 20, hold_longer, &h, 0);
	held_ns = bpf_ktime_get_ns() - start;
	state = release ? RACE_RELEASED : RACE_GAVE_UP;
	return 0;
}

SEC("kretprobe/alloc_dax_mapping")
int BPF_KRETPROBE(hold_fault, void *dmap)
{
	/* NULL: no free range, the fault waits and retries instead */
	return dmap ? hold_target() : 0;
}

/*
 * At the return of the lookup, not at the entry of the removal: a kprobe
 * on a function's entry runs with interrupts off here (no ftrace), and
 * every other CPU would wait for this one at its next TLB shootdown.
 */
SEC("kretprobe/find_get_entries")
int BPF_KRETPROBE(hold_reclaim, unsigned int found)
{
	return found ? hold_target() : 0;
}

/* once per mapping of the entry; the target's first call holds it */
SEC("kretprobe/pfn_mkclean_range")
int BPF_KRETPROBE(hold_flush, int cleaned)
{
	return hold_target();
}
