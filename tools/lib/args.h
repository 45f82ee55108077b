/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line pieces every tool shares. */
#ifndef DAXMON_ARGS_H
#define DAXMON_ARGS_H

#include <argp.h>
#include <limits.h>
#include <stdbool.h>

/* --attach: how the tools see the pool (tools/lib/attach.c). */
enum dax_attach {
	DAX_ATTACH_AUTO,		/* the first of the others that works */
	DAX_ATTACH_TRACEPOINT,		/* the fuse_dax_* events */
	DAX_ATTACH_FENTRY,		/* fentry/fexit on fuse's functions */
	DAX_ATTACH_KPROBE,		/* kprobe/kretprobe on the same */
};

/* What every tool's command line sets, and its defaults. */
struct dax_opts {
	int interval;			/* seconds; DAX_UNTIL_STOP: one report */
	long count;			/* reports at most; -1: until stopped */
	unsigned int max_entries;	/* --max-entries; 0: the table's size */
	enum dax_attach attach;		/* --attach */
	bool force_raw;			/* --raw-tp: tracepoints, by raw_tp */
	bool verbose;			/* -v */
};

/*
 * dax-lat's default [interval]: one report, when the tool is stopped
 * (runqlat's way; its man page and tests say so).  As a number, longer
 * than any interval anyone asks for.
 */
#define DAX_UNTIL_STOP	INT_MAX

#define DAX_OPTS_DEFAULT	{ .interval = 1, .count = -1 }

/* Keys of the options every tool has (see DAX_COMMON_OPTIONS). */
enum { DAX_OPT_RAW = 900, DAX_OPT_MAX_ENTRIES, DAX_OPT_ATTACH };

#define DAX_COMMON_OPTIONS						\
	{ "attach", DAX_OPT_ATTACH, "MODE", 0,				\
	  "auto (default), tracepoint, fentry or kprobe", 0 },		\
	{ "raw-tp", DAX_OPT_RAW, NULL, 0,				\
	  "Attach to the tracepoints with raw_tp even if tp_btf works", 0 }, \
	{ "verbose", 'v', NULL, 0, "Show libbpf messages", 0 },		\
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show this help", 0 }

struct dax_filter;

/*
 * The keys of DAX_COMMON_OPTIONS, --max-entries, -p PID and -c CGROUP
 * (into filter, for a tool that has them) and the libbpf-tools
 * positional arguments [interval] [count]; ARGP_ERR_UNKNOWN for others.
 * A bad value ends in argp_error() (exit 2) before anything is loaded.
 */
error_t dax_parse_common(int key, char *arg, struct argp_state *state,
			 struct dax_opts *o, struct dax_filter *filter);

/* A tool's struct argp: its options, parser and doc; [interval] [count]. */
#define DAX_ARGP(opts, parse, text)					\
	{ .options = opts, .parser = parse,				\
	  .args_doc = "[interval] [count]", .doc = text }

/* --max-entries N: the size of a tool's biggest table, 1 to this. */
#define DAX_MAX_ENTRIES_LIMIT	65536

/*
 * The one number parser: a whole decimal number from min to max, digits
 * only (no sign, space or anything after), without overflow.  0 and *v
 * set, or -1.
 */
int dax_parse_number(const char *arg, unsigned long long min,
		     unsigned long long max, unsigned long long *v);

/*
 * A size: a whole decimal number as dax_parse_number() takes it, with an
 * optional binary unit K, M, G or T after it ("512M"), without overflow.
 * 0 and *bytes set, or -1.
 */
int dax_parse_size(const char *arg, unsigned long long *bytes);

#endif
