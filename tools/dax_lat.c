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
#include <bpf/libbpf.h>
#include <bpf/bpf.h>

#include "dax_lat.h"
#include "dax_lat.skel.h"
#include "args.h"
#include "attach.h"
#include "drops.h"
#include "interval.h"
#include "filter.h"
#include "hist.h"
#include "json.h"
#include "mounts.h"

static const char *tool = "dax-lat";

static struct env {
	int interval;
	long count;
	bool timestamp;
	bool ms;
	bool per_process;
	bool per_inode;
	bool json;
	bool force_raw;
	bool verbose;
	unsigned long long linear;
	unsigned int max_entries;	/* 0: the map's own size */
	struct dax_filter filter;
} env = { .interval = 99999999, .count = -1 };

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

enum { OPT_JSON = 1000, OPT_LINEAR, OPT_RAW, OPT_MAX_ENTRIES };

static const struct argp_option options[] = {
	{ "timestamp", 'T', NULL, 0, "Print a time before each interval", 0 },
	{ "milliseconds", 'm', NULL, 0, "Histograms in milliseconds", 0 },
	{ "linear", OPT_LINEAR, "STEP", 0, "Linear buckets STEP units wide", 0 },
	{ "pid", 'p', "PID", 0, "Only this process", 0 },
	{ "cgroup", 'c', "CGROUP_PATH", 0, "Only tasks in this cgroup (v2)", 0 },
	{ "pids", 'P', NULL, 0, "A histogram per process", 0 },
	{ "inodes", 'I', NULL, 0, "A histogram per inode", 0 },
	{ "max-entries", OPT_MAX_ENTRIES, "N", 0, "Histograms kept at most (default 10240)", 0 },
	{ "json", OPT_JSON, NULL, 0, "One JSON object per interval", 0 },
	{ "raw-tp", OPT_RAW, NULL, 0, "Attach with raw_tp even if tp_btf works", 0 },
	{ "verbose", 'v', NULL, 0, "Show libbpf messages", 0 },
	{},
};

static const char *const kind_names[DAX_NR_LAT_KINDS] = {
	"fault-wait", "alloc-wait", "setup", "remove", "reclaim-inline",
	"reclaim-background",
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	char *end;

	switch (key) {
	case 'T': env.timestamp = true; break;
	case 'm': env.ms = true; break;
	case 'P': env.per_process = true; break;
	case 'I': env.per_inode = true; break;
	case 'v': env.verbose = true; break;
	case OPT_JSON: env.json = true; break;
	case OPT_RAW: env.force_raw = true; break;
	case 'c': env.filter.cgroup = arg; break;
	case 'p':
		if (dax_parse_pid(arg, &env.filter.tgid))
			argp_error(state, "invalid PID '%s'", arg);
		break;
	case OPT_LINEAR:
		errno = 0;
		env.linear = strtoull(arg, &end, 10);
		if (errno || *end || !env.linear)
			argp_error(state, "invalid --linear step '%s': a positive number", arg);
		break;
	case OPT_MAX_ENTRIES:
		dax_parse_max_entries(state, arg, &env.max_entries);
		break;
	case ARGP_KEY_ARG:
		dax_parse_interval_count(state, arg, &env.interval, &env.count);
		break;
	case ARGP_KEY_END:
		if (env.per_process && env.per_inode)
			argp_error(state, "-P and -I exclude each other");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = options, .parser = parse_arg,
	.args_doc = "[interval] [count]", .doc = doc,
};

struct entry {
	struct dax_lat_key key;
	struct dax_lat_hist h;
};

struct table {
	int n, cap;
	struct entry *e;
};

static struct dax_lat_bpf *skel;

static struct entry *table_add(struct table *t, const struct dax_lat_key *key)
{
	if (t->n == t->cap) {
		int cap = t->cap ? 2 * t->cap : 64;
		struct entry *e = realloc(t->e, cap * sizeof(*e));

		if (!e)
			return NULL;
		t->e = e;
		t->cap = cap;
	}
	memset(&t->e[t->n], 0, sizeof(t->e[0]));
	t->e[t->n].key = *key;
	return &t->e[t->n++];
}

/* Every histogram in the map, the per-CPU copies summed. */
static int read_table(struct table *t)
{
	int ncpus = libbpf_num_possible_cpus();
	int fd = bpf_map__fd(skel->maps.hists);
	struct dax_lat_hist *values = calloc(ncpus, sizeof(*values));
	struct dax_lat_key key, *prev = NULL;

	t->n = 0;
	if (!values)
		return -ENOMEM;
	while (!bpf_map_get_next_key(fd, prev, &key)) {
		struct entry *e;

		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, values))
			continue;
		e = table_add(t, &key);
		if (!e) {
			free(values);
			return -ENOMEM;
		}
		for (int cpu = 0; cpu < ncpus; cpu++) {
			struct dax_hist *h = &values[cpu].hist;

			for (int i = 0; i < DAX_HIST_SLOTS; i++)
				e->h.hist.slots[i] += h->slots[i];
			e->h.hist.sum_ns += h->sum_ns;
			if (!e->h.comm[0] && values[cpu].comm[0])
				memcpy(e->h.comm, values[cpu].comm, DAX_COMM_LEN);
		}
	}
	free(values);
	return 0;
}

static int table_copy(struct table *to, const struct table *from)
{
	to->n = 0;
	for (int i = 0; i < from->n; i++) {
		struct entry *e = table_add(to, &from->e[i].key);

		if (!e)
			return -ENOMEM;
		*e = from->e[i];
	}
	return 0;
}

/* Histograms are cumulative in the map: subtract the last interval's. */
static void subtract(struct table *now, const struct table *before)
{
	for (int i = 0; i < now->n; i++) {
		struct dax_hist *h = &now->e[i].h.hist;

		for (int j = 0; j < before->n; j++) {
			const struct dax_hist *b = &before->e[j].h.hist;

			if (memcmp(&before->e[j].key, &now->e[i].key, sizeof(now->e[i].key)))
				continue;
			for (int s = 0; s < DAX_HIST_SLOTS; s++)
				h->slots[s] -= b->slots[s];
			h->sum_ns -= b->sum_ns;
		}
	}
}

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

static void report(struct table *t, __u64 dropped)
{
	struct json j;
	char when[16];
	time_t now = time(NULL);

	qsort(t->e, t->n, sizeof(t->e[0]), compare_entries);
	if (env.json) {
		json_init(&j, stdout);
		json_object_begin(&j);
		json_key(&j, "time");
		json_i64(&j, now);
		json_key(&j, "unit");
		json_string(&j, unit());
		json_key(&j, "dropped");
		json_u64(&j, dropped);
		json_key(&j, "histograms");
		json_array_begin(&j);
	} else if (env.timestamp) {
		strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
		printf("\n%s\n", when);
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

static int setup_bpf(void)
{

	skel = dax_lat_bpf__open();
	if (!skel) {
		fprintf(stderr, "%s: cannot open the BPF object: %s\n", tool, strerror(errno));
		return -1;
	}
	if (dax_choose_programs(tool, skel->obj, env.force_raw) ||
	    dax_filter_open_cgroup(tool, &env.filter))
		return -1;
	skel->rodata->targ_tgid = env.filter.tgid;
	skel->rodata->filter_cg = env.filter.cgroup != NULL;
	skel->rodata->targ_ms = env.ms;
	skel->rodata->targ_per_process = env.per_process;
	skel->rodata->targ_per_inode = env.per_inode;
	skel->rodata->targ_linear_step = env.linear;
	if (dax_size_table(tool, skel->maps.hists, env.max_entries) ||
	    dax_load_attach(tool, skel->skeleton, &env.filter,
			    skel->maps.cgroup_map))
		return -1;
	return dax_drop_privileges(tool);
}

int main(int argc, char **argv)
{
	struct table now = {}, before = {}, delta = {}, tmp;
	struct dax_drops drops = {};
	int err = 0;

	env.filter.cgroup_fd = -1;
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return 2;
	dax_libbpf_verbose(env.verbose);
	if (dax_preflight(tool) || setup_bpf()) {
		err = -1;
		goto out;
	}
	dax_stop_on_signals();
	dax_report_attached(tool, env.json ? NULL :
			    "Tracing DAX range pool latency");
	while (env.count != 0) {
		bool last = dax_sleep_interval(env.interval);

		err = read_table(&now) ?: table_copy(&delta, &now) ?:
		      dax_drops_read(skel->maps.drops, &drops);
		if (err)
			break;
		subtract(&delta, &before);
		/* samples lost in this interval: in JSON, and on stderr */
		report(&delta, dax_drops_unreported(&drops));
		dax_drops_report(tool, &drops, "raise --max-entries");
		tmp = before;
		before = now;
		now = tmp;
		if (last)
			break;
		if (env.count > 0)
			env.count--;
	}
out:
	free(now.e);
	free(before.e);
	free(delta.e);
	dax_filter_close(&env.filter);
	dax_lat_bpf__destroy(skel);
	return err ? 1 : 0;
}
