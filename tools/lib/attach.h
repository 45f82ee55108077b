/* SPDX-License-Identifier: GPL-2.0 */
/* Checks before loading, choosing tp_btf or raw_tp, dropping privileges. */
#ifndef DAXMON_ATTACH_H
#define DAXMON_ATTACH_H

#include <stdbool.h>
#include <bpf/libbpf.h>

#include "args.h"

struct dax_filter;

/* What dax_setup() needs of a tool's BPF skeleton, once it is open. */
struct dax_bpf {
	struct bpf_object_skeleton *skeleton;
	struct bpf_map *table;		/* what --max-entries sizes, or NULL */
	struct bpf_map *cgroup_map;	/* with a filter: bpf/filter.bpf.h's */
	/* NULL, or the rodata targ_task_starts (bpf/daxmon.bpf.h) */
	volatile bool *task_starts;
};

/*
 * A function a tool probes where the kernel has it out of line, and the
 * functions whose programs stand in for it where a build inlined it:
 * the programs of the one not chosen are not loaded.
 */
struct dax_fn_alt {
	const char *fn;
	const char *const *instead;	/* NULL-terminated */
};

/* A tool as dax_setup() runs it. */
struct dax_tool {
	const char *name;		/* "dax-lat": every message starts so */
	const struct dax_opts *opts;
	struct dax_filter *filter;	/* -p/-c, or NULL: the tool has none */
	const char *what;		/* see dax_report_attached() */
	/* open the skeleton and set its rodata; 0, or -1 */
	int (*open)(struct dax_bpf *bpf);
	/* NULL, or what runs once attached, before privileges go */
	int (*attached)(void);
	/*
	 * NULL for a tool of the fuse_dax events (and DAX_FN_PROGRAMS on
	 * kernels without them); for a tool of function probes only, the
	 * functions it needs, NULL-terminated: auto starts at fentry, and
	 * --attach=tracepoint is refused.
	 */
	const char *const *functions;
	/* NULL, or more functions, each with its stand-ins ({ NULL } ends) */
	const struct dax_fn_alt *alts;
};

/*
 * Everything from the command line to the first interval, in the order
 * libbpf-tools use: preflight, open, choose tp_btf or raw_tp, open the
 * -c cgroup, size the table, load, fill the cgroup map, attach, the
 * tool's attached(), drop privileges, stop on signals, say "attached".
 * 0, or -1 with one line that names what failed.  The tool destroys its
 * skeleton and closes its filter however this ends.
 */
int dax_setup(const struct dax_tool *t);

/*
 * Fail early with one line naming the fix: missing privileges, a kernel
 * without BTF.  Returns 0 if the tool can go on.
 */
int dax_preflight(const char *tool);

/*
 * Keep one program of each set (see DAX_EVENT and DAX_FN_PROGRAMS in
 * bpf/daxmon.bpf.h), by o->attach; auto takes the first that works:
 * tp_btf when the kernel's BTF describes the fuse_dax events, raw_tp
 * when they exist without it (always with --raw-tp), fentry when BTF has
 * every function the function probes need, kprobe when kallsyms does.
 * Fails with a message naming what is missing and the fix.
 */
int dax_choose_programs(const struct dax_tool *t, struct bpf_object *obj);

/* --max-entries: resize map before load; 0 keeps the size it has. */
int dax_size_table(const char *tool, struct bpf_map *map, unsigned int n);

/* Load the skeleton (its rodata set); one line saying why not otherwise. */
int dax_load(const char *tool, struct bpf_object_skeleton *skeleton);

/*
 * Put the -c cgroup into cgroup_map when filter is given, attach; one line
 * naming what failed otherwise.
 */
int dax_attach(const char *tool, struct bpf_object_skeleton *skeleton,
	       struct dax_filter *filter, struct bpf_map *cgroup_map);

/*
 * Runs of the tool's loaded programs the kernel skipped since they were
 * loaded (bpf_prog_info's recursion_misses, summed): 0 before
 * dax_setup() loaded them.
 */
__u64 dax_prog_misses(void);

/* The mode dax_choose_programs() picked: tp_btf, raw_tp, fentry, kprobe */
const char *dax_attach_mode(void);

/*
 * What the function probes (fentry, kprobe) cannot see: the tools show
 * "-", leave it out of JSON and Prometheus, and say so once.
 */
enum dax_blind {
	DAX_BLIND_WAITS = 1 << 0,		/* fault and allocation waits */
	DAX_BLIND_INLINE_RECLAIM = 1 << 1,	/* inline reclaim runs, time */
	DAX_BLIND_RECLAIM_RESULT = 1 << 2,	/* ranges freed, failed runs */
	DAX_BLIND_RANGE_USES = 1 << 3,		/* removed ranges' uses, age */
};
#define DAX_BLIND_FN	(DAX_BLIND_WAITS | DAX_BLIND_INLINE_RECLAIM | \
			 DAX_BLIND_RECLAIM_RESULT | DAX_BLIND_RANGE_USES)

/* False if the mode attached cannot see what. */
bool dax_sees(enum dax_blind what);

/*
 * fuse's range reclaim policy now (its module parameter dax_reclaim:
 * "lfu", "fifo"), or NULL on a kernel without the choice.
 */
const char *dax_reclaim_policy(void);

/* The reclaim modes (1 << enum dax_mode) whose runs it cannot see. */
unsigned int dax_unseen_reclaim_modes(void);

/*
 * Say that tracing runs: "tool: attached (tp_btf)" on stderr, always, so
 * that a script can wait for it while output meant for programs stays
 * clean; and "what (tp_btf)... Hit Ctrl-C to end." on stdout when what
 * is given (the libbpf-tools way).
 */
void dax_report_attached(const char *tool, const char *what);

/*
 * After attaching: no capability is needed to read maps or print.  A
 * failure is said on stderr under TOOL's name, or not at all if NULL.
 */
int dax_drop_privileges(const char *tool);

/*
 * Whether PATH, a new file, can be created (and is removed again) by
 * this process once it has dropped its privileges: tried in a child that
 * drops them, so that a directory only a capability reaches is refused
 * before anything is loaded rather than at the first write.  0 or an
 * errno.
 */
int dax_creatable_unprivileged(const char *path);

/* libbpf messages only with -v */
void dax_libbpf_verbose(bool verbose);

#endif
