/* SPDX-License-Identifier: GPL-2.0 */
/* -p PID and -c CGROUP_PATH, shared by the tools that filter by task. */
#ifndef DAXMON_FILTER_H
#define DAXMON_FILTER_H

#include <stdbool.h>
#include <bpf/libbpf.h>

struct dax_filter {
	int tgid;		/* 0: any process */
	const char *cgroup;	/* NULL: any cgroup */
	int cgroup_fd;
};

/* PID_MAX_LIMIT of a 64-bit kernel */
#define DAX_PID_MAX	4194304

/* A -p value, from 1 to DAX_PID_MAX: 0, or -1 for the caller's argp_error(). */
int dax_parse_pid(const char *arg, int *pid);

/* Open the cgroup (after load: its fd goes into map slot 0).  Returns 0,
 * or -1 with a message naming the path. */
int dax_filter_open_cgroup(const char *tool, struct dax_filter *f);
int dax_filter_apply(const char *tool, struct dax_filter *f,
		     struct bpf_map *cgroup_map);
void dax_filter_close(struct dax_filter *f);

#endif
