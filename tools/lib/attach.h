/* SPDX-License-Identifier: GPL-2.0 */
/* Checks before loading, choosing tp_btf or raw_tp, dropping privileges. */
#ifndef DAXMON_ATTACH_H
#define DAXMON_ATTACH_H

#include <stdbool.h>
#include <bpf/libbpf.h>

/*
 * Fail early with one line naming the fix: missing privileges, a kernel
 * without BTF.  Returns 0 if the tool can go on.
 */
int dax_preflight(const char *tool);

/*
 * Keep the tp_btf or the raw_tp twin of each program (see DAX_PROGRAMS in
 * bpf/daxmon.bpf.h): tp_btf when the kernel's BTF describes the fuse_dax
 * events, raw_tp when they exist without it, or always with force_raw.
 * Fails with a message if the kernel has no fuse_dax events at all.
 */
int dax_choose_programs(const char *tool, struct bpf_object *obj,
			bool force_raw);

/* --max-entries: resize map before load; 0 keeps the size it has. */
int dax_size_table(const char *tool, struct bpf_map *map, unsigned int n);

struct dax_filter;

/*
 * Load the skeleton (its rodata set), put the -c cgroup into cgroup_map
 * when filter is given, attach; one line naming what failed otherwise.
 */
int dax_load_attach(const char *tool, struct bpf_object_skeleton *skeleton,
		    struct dax_filter *filter, struct bpf_map *cgroup_map);

/* The attach mode dax_choose_programs() picked: "tp_btf" or "raw_tp". */
const char *dax_attach_mode(void);

/*
 * Say that tracing runs: "tool: attached (tp_btf)" on stderr, always, so
 * that a script can wait for it while output meant for programs stays
 * clean; and "what (tp_btf)... Hit Ctrl-C to end." on stdout when what
 * is given (the libbpf-tools way).
 */
void dax_report_attached(const char *tool, const char *what);

/* After attaching: no capability is needed to read maps or print. */
int dax_drop_privileges(const char *tool);

/* libbpf messages only with -v */
void dax_libbpf_verbose(bool verbose);

#endif
