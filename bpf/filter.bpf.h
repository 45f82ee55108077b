/* SPDX-License-Identifier: GPL-2.0 */
/* -p PID and -c CGROUP_PATH on the BPF side, for the tools that filter
 * by task (set by tools/lib/filter.c between open and load). */
#ifndef DAXMON_FILTER_BPF_H
#define DAXMON_FILTER_BPF_H

#include "daxmon.bpf.h"

const volatile __u32 targ_tgid = 0;
const volatile bool filter_cg = false;

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} cgroup_map SEC(".maps");

/* True if the current task is outside the -p/-c filter. */
static __always_inline bool task_filtered(void)
{
	if (targ_tgid && (bpf_get_current_pid_tgid() >> 32) != targ_tgid)
		return true;
	if (filter_cg && !bpf_current_task_under_cgroup(&cgroup_map, 0))
		return true;
	return false;
}

#endif
