// SPDX-License-Identifier: GPL-2.0
#include "filter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "args.h"

int dax_parse_pid(const char *arg, int *pid)
{
	unsigned long long v;

	if (dax_parse_number(arg, 1, DAX_PID_MAX, &v))
		return -1;
	*pid = v;
	return 0;
}

int dax_filter_open_cgroup(const char *tool, struct dax_filter *f)
{
	f->cgroup_fd = -1;
	if (!f->cgroup)
		return 0;
	f->cgroup_fd = open(f->cgroup, O_RDONLY | O_DIRECTORY);
	if (f->cgroup_fd < 0) {
		fprintf(stderr, "%s: cannot open cgroup %s: %s (want a cgroup v2 directory, e.g. /sys/fs/cgroup/system.slice)\n",
			tool, f->cgroup, strerror(errno));
		return -1;
	}
	return 0;
}

int dax_filter_apply(const char *tool, struct dax_filter *f,
		     struct bpf_map *cgroup_map)
{
	__u32 zero = 0;

	if (f->cgroup_fd < 0)
		return 0;
	if (bpf_map_update_elem(bpf_map__fd(cgroup_map), &zero, &f->cgroup_fd,
				BPF_ANY)) {
		fprintf(stderr, "%s: cannot filter on cgroup %s: %s\n", tool,
			f->cgroup, strerror(errno));
		return -1;
	}
	return 0;
}

void dax_filter_close(struct dax_filter *f)
{
	if (f->cgroup_fd >= 0)
		close(f->cgroup_fd);
	f->cgroup_fd = -1;
}
