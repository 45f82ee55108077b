// SPDX-License-Identifier: GPL-2.0
/*
 * dax-lat: latency histograms of the DAX range pool: fault waits,
 * allocation waits, mapping setup and removal (FUSE round trips) and
 * reclaim runs, per mount and optionally per process or inode.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stdint.h>
#include <bpf/libbpf.h>

#include "dax_lat.h"
#include "dax_lat.skel.h"
#include "args.h"
#include "attach.h"
#include "drops.h"
#include "interval.h"
#include "filter.h"
#include "hist.h"
#include "json.h"
#include "mapdump.h"
#include "mounts.h"

static const char *tool = "dax-lat";

static struct env {
	struct dax_opts o;
	bool timestamp;
	bool ms;
	bool per_process;
	bool per_inode;
	bool json;
	unsigned long long linear;
	struct dax_filter filter;
} env = {
	/* no [interval]: the histograms once, when stopped (runqlat's way) */
	.o = { .interval = DAX_UNTIL_STOP, .count = -1 },
	.filter = { .cgroup_fd = -1 },
};

const char *argp_program_version = "dax-lat 0.1";
error_t argp_err_exit_status = 2;
static const char doc[] =
"Summarize DAX range pool latencies as histograms.\n"
"\n"
"USAGE: dax-lat [-T] [-m] [--linear STEP] [-p PID | -c CGROUP] [-P | -I]\n"
"               [--max-entries N] [--json] [interval] [count]\n"
"\n"
"fault-wait   page fault asleep until a range is free\n"
"alloc-wait   read/write asleep until a range is free\n"
"setup        FUSE_SETUPMAPPING round trip (new or upgrade)\n"
"remove       FUSE_REMOVEMAPPING round trip\n"
"reclaim-*    an inline reclaim attempt, a background worker run\n"
"\n"
"EXAMPLES:\n"
"    dax-lat                # histograms until Ctrl-C\n"
"    dax-lat -m 5 3         # millisecond histograms, every 5 s, 3 times\n"
"    dax-lat --linear 100   # 100 us buckets instead of log2\n"
"    dax-lat -p 185 -P      # process 185 only, one histogram per process\n"
"    dax-lat -c /sys/fs/cgroup/db.slice -I   # one cgroup, per inode\n"
"    dax-lat --json 1 10    # one JSON object per second\n";

enum { OPT_JSON = 1000, OPT_LINEAR };

static const struct argp_option options[] = {
	{ "timestamp", 'T', NULL, 0, "Print a time before each interval", 0 },
	{ "milliseconds", 'm', NULL, 0, "Histograms in milliseconds", 0 },
	{ "linear", OPT_LINEAR, "STEP", 0, "Linear buckets STEP units wide", 0 },
	{ "pid", 'p', "PID", 0, "Only this process", 0 },
	{ "cgroup", 'c', "CGROUP_PATH", 0, "Only tasks in this cgroup (v2)", 0 },
	{ "pids", 'P', NULL, 0, "A histogram per process", 0 },
	{ "inodes", 'I', NULL, 0, "A histogram per inode", 0 },
	{ "max-entries", DAX_OPT_MAX_ENTRIES, "N", 0, "Histograms kept at most (default 10240)", 0 },
	{ "json", OPT_JSON, NULL, 0, "One JSON object per interval", 0 },
	DAX_COMMON_OPTIONS,
	{},
};

static const char *const kind_names[DAX_NR_LAT_KINDS] = {
	"fault-wait", "alloc-wait", "setup", "remove", "reclaim-inline",
	"reclaim-background",
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'T': env.timestamp = true; break;
	case 'm': env.ms = true; break;
	case 'P': env.per_process = true; break;
	case 'I': env.per_inode = true; break;
	case OPT_JSON: env.json = true; break;
	case OPT_LINEAR:
		/* a step wider than a u32 bucket index makes one bucket */
		if (dax_parse_number(arg, 1, UINT32_MAX, &env.linear))
			argp_error(state, "invalid --linear step '%s': a positive number", arg);
		break;
	case ARGP_KEY_END:
		if (env.per_process && env.per_inode)
			argp_error(state, "-P and -I exclude each other");
		break;
	default:
		return dax_parse_common(key, arg, state, &env.o, &env.filter);
	}
	return 0;
}

static const struct argp argp = DAX_ARGP(options, parse_arg, doc);

struct entry {
	struct dax_lat_key key;
	struct dax_lat_hist h;
};

/* The histograms, sorted by key. */
struct table {
	int n, cap;
	struct entry *e;
};

static struct dax_lat_bpf *skel;

static int compare_entries(const void *a, const void *b)
{
	const struct dax_lat_key *x = &((const struct entry *)a)->key;
	const struct dax_lat_key *y = &((const struct entry *)b)->key;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static int table_reserve(struct table *t, int n)
{
	struct entry *e;

	if (n <= t->cap)
		return 0;
	e = realloc(t->e, n * sizeof(*e));
	if (!e)
		return -ENOMEM;
	t->e = e;
	t->cap = n;
	return 0;
}

/* Every histogram in the map, the per-CPU copies summed. */
static int read_table(struct table *t, struct map_dump *d)
{
	int err = map_dump_map(d, skel->maps.hists) ?: table_reserve(t, d->n);

	t->n = 0;
	if (err)
		return err;
	for (int i = 0; i < d->n; i++) {
		const void *v = map_dump_value(d, i);
		struct entry *e = &t->e[t->n++];

		memset(e, 0, sizeof(*e));
		e->key = *(const struct dax_lat_key *)map_dump_key(d, i);
		percpu_sum_hist(&e->h.hist, v, sizeof(struct dax_lat_hist));
		for (int cpu = 0; cpu < libbpf_num_possible_cpus(); cpu++) {
			const struct dax_lat_hist *h = percpu_copy(v, sizeof(*h), cpu);

			if (!e->h.comm[0] && h->comm[0])
				memcpy(e->h.comm, h->comm, DAX_COMM_LEN);
		}
	}
	if (t->n)
		qsort(t->e, t->n, sizeof(*t->e), compare_entries);
	return 0;
}

/* to = from, less what before held: histograms are cumulative in the map. */
static int interval_of(struct table *to, const struct table *from,
		       const struct table *before)
{
	int err = table_reserve(to, from->n);

	if (err)
		return err;
	to->n = from->n;
	if (from->n)
		memcpy(to->e, from->e, from->n * sizeof(*to->e));
	for (int i = 0; i < to->n; i++) {
		struct dax_hist *h = &to->e[i].h.hist;
		const struct entry *b = !before->n ? NULL :
			bsearch(&to->e[i], before->e, before->n,
				sizeof(*before->e), compare_entries);

		if (!b)
			continue;
		for (int s = 0; s < DAX_HIST_SLOTS; s++)
			h->slots[s] -= b->h.hist.slots[s];
		h->sum_ns -= b->h.hist.sum_ns;
	}
	return 0;
}

static const char *unit(void)
{
	return env.ms ? "msecs" : "usecs";
}

static void print_text(const struct entry *e)
{
	struct hist h = { e->h.hist.slots, DAX_HIST_SLOTS, env.linear };
	double unit_ns = env.ms ? 1e6 : 1e3;
	char name[256];

	printf("\n%s %s", kind_names[e->key.kind],
	       dax_mount_name(e->key.dev, name, sizeof(name)));
	if (env.per_process)
		printf(" pid %u (%s)", e->key.tgid, e->h.comm);
	if (env.per_inode)
		printf(" ino %llu", (unsigned long long)e->key.ino);
	printf("\n");
	hist_print(stdout, &h, unit(), e->h.hist.sum_ns / unit_ns);
}

static void print_json(struct json *j, const struct entry *e)
{
	struct hist h = { e->h.hist.slots, DAX_HIST_SLOTS, env.linear };
	double unit_ns = env.ms ? 1e6 : 1e3;
	__u64 count = hist_count(&h);
	char name[256];

	json_object_begin(j);
	json_key(j, "kind");
	json_string(j, kind_names[e->key.kind]);
	json_key(j, "mount");
	json_string(j, dax_mount_name(e->key.dev, name, sizeof(name)));
	if (env.per_process) {
		json_key(j, "pid");
		json_u64(j, e->key.tgid);
		json_key(j, "comm");
		json_string(j, e->h.comm);
	}
	if (env.per_inode) {
		json_key(j, "ino");
		json_u64(j, e->key.ino);
	}
	json_key(j, "count");
	json_u64(j, count);
	json_key(j, "avg");
	json_double(j, count ? e->h.hist.sum_ns / unit_ns / count : 0);
	json_key(j, "p50");
	json_double(j, hist_percentile(&h, 0.50));
	json_key(j, "p90");
	json_double(j, hist_percentile(&h, 0.90));
	json_key(j, "p99");
	json_double(j, hist_percentile(&h, 0.99));
	json_key(j, "buckets");
	json_array_begin(j);
	for (int i = 0; i < DAX_HIST_SLOTS; i++) {
		if (!h.slots[i])
			continue;
		json_object_begin(j);
		json_key(j, "low");
		json_u64(j, hist_low(i, h.step));
		json_key(j, "high");
		json_u64(j, hist_high(i, h.step));
		json_key(j, "count");
		json_u64(j, h.slots[i]);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static void print_table(const struct table *t, const struct dax_drops *drops)
{
	struct json j;
	char when[16];
	time_t now = time(NULL);

	if (env.json) {
		json_report_begin(&j, stdout, now);
		json_key(&j, "unit");
		json_string(&j, unit());
		dax_drops_json(&j, drops);
		json_key(&j, "histograms");
		json_array_begin(&j);
	} else if (env.timestamp) {
		printf("\n%s\n", dax_clock_hms(when, sizeof(when)));
	}
	for (int i = 0; i < t->n; i++) {
		struct hist h = { t->e[i].h.hist.slots, DAX_HIST_SLOTS, 0 };

		if (!hist_count(&h))
			continue;
		if (env.json)
			print_json(&j, &t->e[i]);
		else
			print_text(&t->e[i]);
	}
	if (env.json) {
		json_array_end(&j);
		json_object_end(&j);
	}
	fflush(stdout);
}

struct run {
	struct table now, before, delta;
	struct map_dump dump;
	struct dax_drops drops;
};

static int report(void *ctx, bool last)
{
	struct run *r = ctx;
	struct table tmp;
	int err;

	(void)last;
	err = read_table(&r->now, &r->dump) ?:
	      interval_of(&r->delta, &r->now, &r->before) ?:
	      dax_drops_read(skel->maps.drops, &r->drops);
	if (err)
		return err;
	/* samples lost in this interval: in JSON, and on stderr */
	print_table(&r->delta, &r->drops);
	dax_drops_report(tool, &r->drops, "raise --max-entries");
	tmp = r->before;
	r->before = r->now;
	r->now = tmp;
	return 0;
}

static int open_bpf(struct dax_bpf *bpf)
{
	skel = dax_lat_bpf__open();
	if (!skel)
		return -1;
	skel->rodata->targ_tgid = env.filter.tgid;
	skel->rodata->filter_cg = env.filter.cgroup != NULL;
	skel->rodata->targ_ms = env.ms;
	skel->rodata->targ_per_process = env.per_process;
	skel->rodata->targ_per_inode = env.per_inode;
	skel->rodata->targ_linear_step = env.linear;
	*bpf = (struct dax_bpf){
		.skeleton = skel->skeleton, .table = skel->maps.hists,
		.cgroup_map = skel->maps.cgroup_map,
		.task_starts = &skel->rodata->targ_task_starts,
	};
	return 0;
}

int main(int argc, char **argv)
{
	struct dax_tool t = {
		.name = tool, .opts = &env.o, .filter = &env.filter,
		.open = open_bpf,
	};
	struct run r = {};
	int err;

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return 2;
	t.what = env.json ? NULL : "Tracing DAX range pool latency";
	err = dax_setup(&t) ?: dax_run(&env.o, report, NULL, &r);
	free(r.now.e);
	free(r.before.e);
	free(r.delta.e);
	map_dump_free(&r.dump);
	dax_filter_close(&env.filter);
	dax_lat_bpf__destroy(skel);
	return err ? 1 : 0;
}
