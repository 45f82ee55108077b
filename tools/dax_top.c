// SPDX-License-Identifier: GPL-2.0
/*
 * dax-top: the DAX range pool of each fuse mount, and the processes or
 * inodes that set up, remove and wait for its ranges; full screen on a
 * terminal, plain tables or NDJSON otherwise.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "dax_top.h"
#include "dax_top.skel.h"
#include "args.h"
#include "attach.h"
#include "drops.h"
#include "filter.h"
#include "inopath.h"
#include "interval.h"
#include "json.h"
#include "mapdump.h"
#include "mounts.h"
#include "names.h"
#include "screen.h"

#define MAX_MOUNTS	64

static const char *tool = "dax-top";

enum { COL_SETUPS, COL_UPGRADES, COL_REMOVALS, COL_FAULT_WAITS,
       COL_ALLOC_WAITS, COL_WAIT, COL_MAX_WAIT, NR_COLS };

static const struct column {
	const char *head, *name;	/* table heading; -s and JSON name */
	int key, width;			/* interactive sort key */
	int counter;			/* enum dax_top_row_counter */
	enum dax_blind needs;		/* else "-", and not in JSON */
} cols[NR_COLS] = {
	{ "SETUP", "setups", 's', 6, TOP_SETUPS, 0 },
	{ "UPGR", "upgrades", 'u', 5, TOP_UPGRADES, 0 },
	{ "REMOVE", "removals", 'r', 6, TOP_REMOVALS, 0 },
	{ "FWAIT", "fault_waits", 'f', 6, TOP_FAULT_WAITS, DAX_BLIND_WAITS },
	{ "AWAIT", "alloc_waits", 'a', 6, TOP_ALLOC_WAITS, DAX_BLIND_WAITS },
	{ "WAIT_MS", "wait_ms", 'w', 9, -1, DAX_BLIND_WAITS },
	{ "MAX_MS", "max_wait_ms", 'm', 8, -1, DAX_BLIND_WAITS },
};

static struct env {
	struct dax_opts o;
	int rows;			/* 0: 20 in tables, all in JSON */
	int sort;			/* the column to start with */
	bool per_inode;
	bool batch;
	bool json;
	struct dax_filter filter;
} env = {
	.o = DAX_OPTS_DEFAULT, .sort = COL_SETUPS,
	.filter = { .cgroup_fd = -1 },
};

const char *argp_program_version = "dax-top 0.1";
error_t argp_err_exit_status = 2;
static const char doc[] =
"Show the DAX range pool of each fuse mount and who uses it, like top.\n"
"\n"
"USAGE: dax-top [-b] [--json] [-i] [-p PID | -c CGROUP_PATH] [-r ROWS]\n"
"               [-s COLUMN] [--max-entries N] [interval] [count]\n"
"\n"
"Per mount: ranges total/free/busy, occupancy, setups, upgrades, removals\n"
"and reclaims per second, fault and allocation waits, the tasks waiting\n"
"now and the longest of those waits.  Then a table of processes (or of\n"
"inodes with -i) by what they did in the interval.  -p and -c filter the\n"
"table only: the mount lines are always the whole mount's.\n"
"\n"
"COLUMN: setups upgrades removals fault_waits alloc_waits wait_ms\n"
"max_wait_ms.  Keys: s u r f a w m or < > sort, p pause, q quit.\n"
"\n"
"EXAMPLES:\n"
"    dax-top                 # full screen, every second\n"
"    dax-top -i -s wait_ms   # inodes, longest total wait first\n"
"    dax-top -b 5 12         # plain tables every 5 s for a minute\n"
"    dax-top -p 185          # only process 185 in the table\n"
"    dax-top -c /sys/fs/cgroup/db.slice\n"
"    dax-top --json 1 10     # one JSON object per second, 10 times\n";

enum { OPT_JSON = 1000 };

static const struct argp_option options[] = {
	{ "pid", 'p', "PID", 0, "Only this process in the table", 0 },
	{ "cgroup", 'c', "CGROUP_PATH", 0, "Only tasks in this cgroup (v2) in the table", 0 },
	{ "rows", 'r', "ROWS", 0, "Table rows at most (default 20; JSON: all)", 0 },
	{ "sort", 's', "COLUMN", 0, "Sort the table by COLUMN (default setups)", 0 },
	{ "inodes", 'i', NULL, 0, "A row per inode instead of per process", 0 },
	{ "batch", 'b', NULL, 0, "Plain tables, not full screen", 0 },
	{ "max-entries", DAX_OPT_MAX_ENTRIES, "N", 0, "Rows kept in the kernel at most (default 4096)", 0 },
	{ "json", OPT_JSON, NULL, 0, "One JSON object per interval (NDJSON)", 0 },
	DAX_COMMON_OPTIONS,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	unsigned long long v;

	switch (key) {
	case 'i': env.per_inode = true; break;
	case 'b': env.batch = true; break;
	case OPT_JSON: env.json = true; break;
	case 'r':
		if (dax_parse_number(arg, 1, 1000000000, &v))
			argp_error(state, "invalid ROWS '%s': a positive number", arg);
		else
			env.rows = v;
		break;
	case 's':
		for (env.sort = 0; env.sort < NR_COLS; env.sort++)
			if (!strcasecmp(arg, cols[env.sort].name) ||
			    !strcasecmp(arg, cols[env.sort].head))
				break;
		if (env.sort == NR_COLS)
			argp_error(state, "invalid sort column '%s': setups, upgrades, removals, fault_waits, alloc_waits, wait_ms or max_wait_ms", arg);
		break;
	default:
		return dax_parse_common(key, arg, state, &env.o, &env.filter);
	}
	return 0;
}

static const struct argp argp = DAX_ARGP(options, parse_arg, doc);

struct mount {
	__u32 dev;
	struct dax_top_mount s;		/* counters summed over the CPUs */
	unsigned int waiting[2];	/* fault, alloc waits under way */
	__u64 longest_ns[2];		/* the longest of them so far */
	char name[256];
};

struct row {
	struct dax_top_key key;
	struct dax_top_row v;		/* counters summed over the CPUs */
};

/* Totals at one time, or with interval_of() what one interval did. */
struct snapshot {
	double when;			/* CLOCK_MONOTONIC seconds */
	int nmounts, nrows, cap;
	struct mount mounts[MAX_MOUNTS];
	struct row *rows;		/* by key, or sorted for display */
};

/* What the renderers show: an interval, and what goes with it. */
struct view {
	struct snapshot *shown;		/* the interval: active rows, sorted */
	double elapsed;			/* its length in seconds */
	int sort;			/* the column rows are sorted by */
	bool paused;
	int rows_evicted;		/* by the LRU table, in the interval */
	struct dax_drops drops;
	struct inopath *paths;		/* with -i */
};

/* The maps as the last read saw them. */
struct dumps {
	struct map_dump mounts, rows, starts;
};

static struct dax_top_bpf *skel;

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* bpf_ktime_get_ns() */
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int key_cmp(const void *a, const void *b)
{
	const struct dax_top_key *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* The mount's index in s, or -1. */
static int mount_index(const struct snapshot *s, __u32 dev)
{
	for (int i = 0; i < s->nmounts; i++)
		if (s->mounts[i].dev == dev)
			return i;
	return -1;
}

static void read_mounts(struct snapshot *s, const struct map_dump *d)
{
	s->nmounts = 0;
	for (int i = 0; i < d->n && s->nmounts < MAX_MOUNTS; i++) {
		const void *v = map_dump_value(d, i);
		struct mount *m = &s->mounts[s->nmounts++];

		memset(m, 0, sizeof(*m));
		m->dev = *(const __u32 *)map_dump_key(d, i);
		percpu_sum_u64(m->s.c, NR_TOP_MOUNT_COUNTERS, v, sizeof(m->s));
		percpu_newest_pool(&m->s.pool,
				   &((const struct dax_top_mount *)v)->pool, sizeof(m->s));
		dax_mount_name(m->dev, m->name, sizeof(m->name));
	}
}

static int read_rows(struct snapshot *s, const struct map_dump *d, __u64 gen)
{
	if (s->cap < d->n) {
		struct row *rows = realloc(s->rows, d->n * sizeof(*rows));

		if (!rows)
			return -ENOMEM;
		s->rows = rows;
		s->cap = d->n;
	}
	s->nrows = d->n;
	for (int i = 0; i < d->n; i++) {
		const void *v = map_dump_value(d, i);
		struct row *r = &s->rows[i];

		memset(r, 0, sizeof(*r));
		r->key = *(const struct dax_top_key *)map_dump_key(d, i);
		percpu_sum_u64(r->v.c, NR_TOP_ROW_COUNTERS, v, sizeof(r->v));
		for (int cpu = 0; cpu < libbpf_num_possible_cpus(); cpu++) {
			const struct dax_top_row *p = percpu_copy(v, sizeof(*p), cpu);

			if (p->gen == gen && p->max_wait_ns > r->v.max_wait_ns)
				r->v.max_wait_ns = p->max_wait_ns;
			if (!r->v.comm[0])
				memcpy(r->v.comm, p->comm, DAX_COMM_LEN);
		}
		r->v.comm[DAX_COMM_LEN - 1] = '\0';
	}
	if (s->nrows)
		qsort(s->rows, s->nrows, sizeof(*s->rows), key_cmp);
	return 0;
}

/*
 * Rows of before that now lacks: nothing deletes rows but the LRU map,
 * when it is full (and it starts evicting a little before).
 */
static int count_evicted(const struct snapshot *before,
			 const struct snapshot *now)
{
	int n = 0;

	for (int i = 0; i < before->nrows; i++)
		if (!bsearch(&before->rows[i], now->rows, now->nrows,
			     sizeof(*now->rows), key_cmp))
			n++;
	return n;
}

/*
 * Whether a mount has a wait under way: one begun (all are kept in
 * starts) that has not ended.  A begin starts could not keep counts too,
 * so this may say yes with none: then starts is read for nothing.
 */
static bool waits_under_way(const struct snapshot *s)
{
	for (int i = 0; i < s->nmounts; i++) {
		const __u64 *c = s->mounts[i].s.c;

		if (c[TOP_M_FAULT_WAITS] + c[TOP_M_ALLOC_WAITS] > c[TOP_M_WAIT_ENDS])
			return true;
	}
	return false;
}

/* Waits under way: begins in starts that have not ended yet. */
static void read_waiting(struct snapshot *s, const struct map_dump *d)
{
	__u64 now = mono_ns();

	for (int i = 0; i < d->n; i++) {
		const struct dax_start_key *k = map_dump_key(d, i);
		const struct dax_start *v = map_dump_value(d, i);
		int at = mount_index(s, k->dev);
		int w = k->kind == DAX_LAT_ALLOC_WAIT;
		__u64 ns = now > v->ts ? now - v->ts : 0;
		struct mount *m;

		if (at < 0 || (k->kind != DAX_LAT_FAULT_WAIT && !w))
			continue;
		m = &s->mounts[at];
		m->waiting[w]++;
		if (ns > m->longest_ns[w])
			m->longest_ns[w] = ns;
	}
}

static int read_snapshot(struct snapshot *s, struct dumps *d,
			 struct dax_drops *drops)
{
	__u64 gen = skel->bss->gen;
	int err;

	/* from here on, waits that end count for the next interval's max */
	skel->bss->gen = gen + 1;
	s->when = mono_ns() / 1e9;
	err = map_dump_map(&d->mounts, skel->maps.mounts) ?:
	      map_dump_map(&d->rows, skel->maps.rows) ?:
	      dax_drops_read(skel->maps.drops, drops);
	if (err)
		return err;
	read_mounts(s, &d->mounts);
	/*
	 * Reading starts walks every bucket of a map of MAX_INFLIGHT entries:
	 * most of a quiet interval's CPU.  Not while no wait is under way.
	 */
	d->starts.n = 0;
	if (waits_under_way(s)) {
		err = map_dump_map(&d->starts, skel->maps.starts);
		if (err)
			return err;
	}
	read_waiting(s, &d->starts);
	return read_rows(s, &d->rows, gen);
}

static __u64 col_value(const struct row *r, int col)
{
	if (col == COL_WAIT)
		return r->v.c[TOP_FAULT_WAIT_NS] + r->v.c[TOP_ALLOC_WAIT_NS];
	if (col == COL_MAX_WAIT)
		return r->v.max_wait_ns;
	return r->v.c[cols[col].counter];
}

/* By the sort column (*col), largest first. */
static int row_cmp(const void *a, const void *b, void *col)
{
	__u64 x = col_value(a, *(int *)col), y = col_value(b, *(int *)col);

	if (x != y)
		return x > y ? -1 : 1;
	return key_cmp(a, b);
}

static void sort_rows(struct snapshot *s, int col)
{
	if (s->nrows)
		qsort_r(s->rows, s->nrows, sizeof(*s->rows), row_cmp, &col);
}

static int copy_snapshot(struct snapshot *to, const struct snapshot *from)
{
	struct row *rows = to->rows;
	int cap = to->cap;

	if (cap < from->nrows) {
		rows = realloc(rows, from->nrows * sizeof(*rows));
		if (!rows)
			return -ENOMEM;
		cap = from->nrows;
	}
	*to = *from;
	to->rows = rows;
	to->cap = cap;
	if (from->nrows)
		memcpy(rows, from->rows, from->nrows * sizeof(*rows));
	return 0;
}

/* to = what happened from before to now: active rows only, sorted. */
static int interval_of(struct snapshot *to, const struct snapshot *now,
		       const struct snapshot *before, int sort)
{
	int n = 0, err = copy_snapshot(to, now);

	if (err)
		return err;
	for (int i = 0; i < to->nmounts; i++) {
		struct mount *m = &to->mounts[i];
		int b = mount_index(before, m->dev);

		for (int j = 0; b >= 0 && j < NR_TOP_MOUNT_COUNTERS; j++)
			m->s.c[j] -= before->mounts[b].s.c[j];
	}
	for (int i = 0; i < to->nrows; i++) {
		struct row *r = &to->rows[i];
		const struct row *b = !before->nrows ? NULL :
			bsearch(&r->key, before->rows, before->nrows,
					      sizeof(*b), key_cmp);
		__u64 *c = r->v.c;
		bool active = r->v.max_wait_ns;

		for (int j = 0; j < NR_TOP_ROW_COUNTERS; j++) {
			/* smaller: the LRU map dropped the row since */
			if (b && c[j] >= b->v.c[j])
				c[j] -= b->v.c[j];
			active |= c[j] != 0;
		}
		if (active)
			to->rows[n++] = *r;
	}
	to->nrows = n;
	sort_rows(to, sort);
	return 0;
}

static void free_snapshot(struct snapshot *s)
{
	if (s)
		free(s->rows);
	free(s);
}

static int max_rows(void)
{
	return env.rows ? env.rows : env.json ? INT32_MAX : 20;
}

/* Look for the paths of the inodes on display. */
static void resolve_paths(const struct view *v)
{
	const struct snapshot *s = v->shown;

	for (int i = 0; i < s->nrows && i < max_rows(); i++)
		inopath_get(v->paths, s->rows[i].key.dev, s->rows[i].key.ino);
	for (int i = 0; i < s->nmounts; i++)
		inopath_resolve(v->paths, s->mounts[i].dev, s->mounts[i].name);
}

/* The name of a row's mount, "?" if it has none in the interval. */
static const char *mount_name(const struct view *v, __u32 dev)
{
	int at = mount_index(v->shown, dev);

	return at < 0 ? "?" : v->shown->mounts[at].name;
}

static __u64 removals(const struct mount *m)
{
	__u64 n = 0;

	for (int r = 0; r < DAX_NR_REASONS; r++)
		n += m->s.c[TOP_M_REMOVALS + r];
	return n;
}

/* "%.1f" of v, or "-" where the attach mode is blind */
static const char *fmt1(char *buf, size_t size, enum dax_blind needs, double v)
{
	if (!dax_sees(needs))
		return "-";
	snprintf(buf, size, "%.1f", v);
	return buf;
}

static void print_mount(FILE *out, const struct view *v, const struct mount *m)
{
	double e = v->elapsed > 0 ? v->elapsed : 1;
	char inl[32];

	const char *policy = dax_reclaim_policy();

	fprintf(out, "%s (%u:%u)  ranges %llu  free %lld  busy %llu  occupancy %.1f%%%s%s\n",
		m->name, KDEV_MAJOR(m->dev), KDEV_MINOR(m->dev),
		m->s.pool.nr_ranges, m->s.pool.nr_free, m->s.pool.nr_busy,
		m->s.pool.nr_ranges ? 100.0 * m->s.pool.nr_busy / m->s.pool.nr_ranges : 0,
		policy ? "  reclaim " : "", policy ? policy : "");
	fprintf(out, "  setups/s %.1f  upgrades/s %.1f  removals/s %.1f  reclaims/s %s inline %.1f bg\n",
		m->s.c[TOP_M_SETUPS] / e, m->s.c[TOP_M_UPGRADES] / e,
		removals(m) / e,
		fmt1(inl, sizeof(inl), DAX_BLIND_INLINE_RECLAIM,
		     m->s.c[TOP_M_RECLAIMS + DAX_MODE_INLINE] / e),
		m->s.c[TOP_M_RECLAIMS + DAX_MODE_BACKGROUND] / e);
	if (!dax_sees(DAX_BLIND_WAITS))
		fprintf(out, "  fault waits/s -  alloc waits/s -\n");
	else
		fprintf(out, "  fault waits/s %.1f  waiting %u  longest %.1f ms   alloc waits/s %.1f  waiting %u  longest %.1f ms\n",
			m->s.c[TOP_M_FAULT_WAITS] / e, m->waiting[0],
			m->longest_ns[0] / 1e6, m->s.c[TOP_M_ALLOC_WAITS] / e,
			m->waiting[1], m->longest_ns[1] / 1e6);
}

static void print_row(FILE *out, const struct view *v, const struct row *r)
{
	const char *path = v->paths ? inopath_get(v->paths, r->key.dev, r->key.ino) : NULL;

	if (env.per_inode)
		fprintf(out, "%10llu ", (unsigned long long)r->key.ino);
	else
		fprintf(out, "%7u %-16s ", r->key.tgid, r->v.comm);
	for (int c = 0; c < NR_COLS; c++) {
		if (!dax_sees(cols[c].needs))
			fprintf(out, "%*s ", cols[c].width, "-");
		else if (c < COL_WAIT)
			fprintf(out, "%*llu ", cols[c].width, col_value(r, c));
		else
			fprintf(out, "%*.1f ", cols[c].width, col_value(r, c) / 1e6);
	}
	if (env.per_inode && path)
		fprintf(out, "%s\n", path);
	else if (env.per_inode || v->shown->nmounts > 1)
		fprintf(out, "%s%s%s\n", env.per_inode ? "? (" : "",
			mount_name(v, r->key.dev), env.per_inode ? ")" : "");
	else
		fprintf(out, "\n");
}

/* The interval as text; returns the line number of the table head. */
static int print_text(FILE *out, const struct view *v, int rows)
{
	const struct snapshot *s = v->shown;
	char when[16];

	fprintf(out, "dax-top %s  interval %.1fs  %s by %s",
		dax_clock_hms(when, sizeof(when)), v->elapsed,
		env.per_inode ? "inodes" : "processes", cols[v->sort].name);
	if (env.filter.tgid)
		fprintf(out, "  table: pid %d", env.filter.tgid);
	if (env.filter.cgroup)
		fprintf(out, "  table: cgroup %s", env.filter.cgroup);
	if (v->rows_evicted)
		fprintf(out, "  TABLE FULL: %d rows dropped (--max-entries)", v->rows_evicted);
	if (v->drops.n[DAX_DROP_TABLE_FULL] + v->drops.n[DAX_DROP_INFLIGHT_FULL])
		fprintf(out, "  DROPPED %llu",
			(unsigned long long)(v->drops.n[DAX_DROP_TABLE_FULL] +
					     v->drops.n[DAX_DROP_INFLIGHT_FULL]));
	fprintf(out, "%s\n", v->paused ? "  PAUSED" : "");
	for (int i = 0; i < s->nmounts; i++)
		print_mount(out, v, &s->mounts[i]);
	fprintf(out, "\n%*s %s", env.per_inode ? 10 : 7, env.per_inode ? "INO" : "PID",
		env.per_inode ? "" : "COMM             ");
	for (int c = 0; c < NR_COLS; c++)
		fprintf(out, "%*s ", cols[c].width, cols[c].head);
	fprintf(out, "%s\n", env.per_inode ? "PATH" : s->nmounts > 1 ? "MOUNT" : "");
	for (int i = 0; i < s->nrows && i < rows; i++)
		print_row(out, v, &s->rows[i]);
	return 2 + 3 * s->nmounts;
}

static int render_screen(FILE *out, void *view)
{
	return print_text(out, view, env.rows ? env.rows : screen_lines());
}

static void json_wait(struct json *j, const char *key, __u64 count,
		      unsigned int waiting, __u64 longest_ns)
{
	json_key(j, key);
	json_object_begin(j);
	json_key(j, "count");
	json_u64(j, count);
	json_key(j, "waiting");
	json_u64(j, waiting);
	json_key(j, "longest_ms");
	json_double(j, longest_ns / 1e6);
	json_object_end(j);
}

static void json_mount(struct json *j, const struct mount *m)
{
	char devno[32];

	snprintf(devno, sizeof(devno), "%u:%u", KDEV_MAJOR(m->dev), KDEV_MINOR(m->dev));
	json_object_begin(j);
	json_key(j, "mount");
	json_string(j, m->name);
	json_key(j, "dev");
	json_string(j, devno);
	json_key(j, "ranges");
	json_object_begin(j);
	json_key(j, "total");
	json_u64(j, m->s.pool.nr_ranges);
	json_key(j, "free");
	json_i64(j, m->s.pool.nr_free);
	json_key(j, "busy");
	json_u64(j, m->s.pool.nr_busy);
	json_key(j, "occupancy_pct");
	json_double(j, m->s.pool.nr_ranges ? 100.0 * m->s.pool.nr_busy / m->s.pool.nr_ranges : 0);
	json_object_end(j);
	json_key(j, "setups");
	json_u64(j, m->s.c[TOP_M_SETUPS]);
	json_key(j, "upgrades");
	json_u64(j, m->s.c[TOP_M_UPGRADES]);
	json_u64_by(j, "removals", &m->s.c[TOP_M_REMOVALS], dax_reason_names,
		    DAX_NR_REASONS, 0);
	json_u64_by(j, "reclaims", &m->s.c[TOP_M_RECLAIMS], dax_mode_names,
		    DAX_NR_MODES, dax_unseen_reclaim_modes());
	if (dax_sees(DAX_BLIND_WAITS)) {
		json_wait(j, "fault_waits", m->s.c[TOP_M_FAULT_WAITS],
			  m->waiting[0], m->longest_ns[0]);
		json_wait(j, "alloc_waits", m->s.c[TOP_M_ALLOC_WAITS],
			  m->waiting[1], m->longest_ns[1]);
	}
	json_object_end(j);
}

static void json_row(struct json *j, const struct view *v, const struct row *r)
{
	const char *path = v->paths ? inopath_get(v->paths, r->key.dev, r->key.ino) : NULL;

	json_object_begin(j);
	json_key(j, "mount");
	json_string(j, mount_name(v, r->key.dev));
	if (env.per_inode) {
		json_key(j, "ino");
		json_u64(j, r->key.ino);
		if (path) {		/* none while unknown */
			json_key(j, "path");
			json_string(j, path);
		}
	} else {
		json_key(j, "pid");
		json_u64(j, r->key.tgid);
		json_key(j, "comm");
		json_string(j, r->v.comm);
	}
	for (int c = 0; c < COL_WAIT; c++) {
		if (!dax_sees(cols[c].needs))
			continue;
		json_key(j, cols[c].name);
		json_u64(j, col_value(r, c));
	}
	if (!dax_sees(DAX_BLIND_WAITS)) {
		json_object_end(j);
		return;
	}
	json_key(j, "fault_wait_ms");
	json_double(j, r->v.c[TOP_FAULT_WAIT_NS] / 1e6);
	json_key(j, "alloc_wait_ms");
	json_double(j, r->v.c[TOP_ALLOC_WAIT_NS] / 1e6);
	json_key(j, "wait_ms");
	json_double(j, col_value(r, COL_WAIT) / 1e6);
	json_key(j, "max_wait_ms");
	json_double(j, r->v.max_wait_ns / 1e6);
	json_object_end(j);
}

static void print_json(const struct view *v)
{
	const struct snapshot *s = v->shown;
	struct json j;

	json_report_begin(&j, stdout, time(NULL));
	json_key(&j, "interval_s");
	json_double(&j, v->elapsed);
	json_key(&j, "rows_by");
	json_string(&j, env.per_inode ? "inode" : "process");
	json_key(&j, "rows_evicted");
	json_u64(&j, v->rows_evicted);
	dax_drops_json(&j, &v->drops);
	json_key(&j, "mounts");
	json_array_begin(&j);
	for (int i = 0; i < s->nmounts; i++)
		json_mount(&j, &s->mounts[i]);
	json_array_end(&j);
	json_key(&j, "rows");
	json_array_begin(&j);
	for (int i = 0; i < s->nrows && i < max_rows(); i++)
		json_row(&j, v, &s->rows[i]);
	json_array_end(&j);
	json_object_end(&j);
}

struct run {
	struct snapshot *now, *before;
	struct dumps dumps;
	struct view view;
	bool tty;
};

static void show(struct view *v, bool tty)
{
	if (v->paths)
		resolve_paths(v);
	if (tty) {
		screen_draw(render_screen, v);
		return;
	}
	if (env.json) {
		print_json(v);
	} else {
		print_text(stdout, v, max_rows());
		printf("\n");
	}
	fflush(stdout);
	dax_drops_report(tool, &v->drops, "more than 64 DAX mounts?");
}

static int report(void *ctx, bool last)
{
	struct run *r = ctx;
	struct view *v = &r->view;
	struct snapshot *tmp;
	int err;

	if (v->paused && !last)
		return DAX_NOT_SHOWN;	/* the next interval spans the pause */
	err = read_snapshot(r->now, &r->dumps, &v->drops) ?:
	      interval_of(v->shown, r->now, r->before, v->sort);
	if (err)
		return err;
	v->rows_evicted = count_evicted(r->before, r->now);
	v->elapsed = r->now->when - r->before->when;
	show(v, r->tty);
	tmp = r->before;
	r->before = r->now;
	r->now = tmp;
	return 0;
}

/*
 * Sleep an interval; on a tty, answer keys meanwhile.  True when the
 * report that follows is the last (see dax_sleep_interval()).
 */
static bool wait_interval(void *ctx)
{
	struct run *r = ctx;
	struct view *v = &r->view;
	__u64 end = mono_ns() + env.o.interval * 1000000000ULL, now;

	if (!r->tty)
		return dax_sleep_interval(env.o.interval);
	while (!dax_stopping() && (now = mono_ns()) < end) {
		int key = screen_key((end - now) / 1000000 + 1);

		if (key == SCREEN_NO_KEY)
			continue;
		if (key == 'q' || key == 'Q')
			dax_stop();
		if (key == 'p' || key == 'P' || key == ' ')
			v->paused = !v->paused;
		if (key == '<')
			v->sort = (v->sort + NR_COLS - 1) % NR_COLS;
		if (key == '>')
			v->sort = (v->sort + 1) % NR_COLS;
		for (int c = 0; c < NR_COLS; c++)
			if (key == cols[c].key)
				v->sort = c;
		sort_rows(v->shown, v->sort);
		screen_draw(render_screen, v);
	}
	return dax_stopping();
}

static int open_bpf(struct dax_bpf *bpf)
{
	skel = dax_top_bpf__open();
	if (!skel)
		return -1;
	skel->rodata->targ_tgid = env.filter.tgid;
	skel->rodata->filter_cg = env.filter.cgroup != NULL;
	skel->rodata->targ_per_inode = env.per_inode;
	*bpf = (struct dax_bpf){
		.skeleton = skel->skeleton, .table = skel->maps.rows,
		.cgroup_map = skel->maps.cgroup_map,
	};
	return 0;
}

int main(int argc, char **argv)
{
	const struct dax_tool t = {
		.name = tool, .opts = &env.o, .filter = &env.filter,
		.open = open_bpf,
	};
	struct run r = {};
	int err = 0;

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return 2;
	r.tty = !env.batch && !env.json && isatty(STDOUT_FILENO);
	r.view.sort = env.sort;
	r.now = calloc(1, sizeof(*r.now));
	r.before = calloc(1, sizeof(*r.before));
	r.view.shown = calloc(1, sizeof(*r.view.shown));
	if (env.per_inode)
		r.view.paths = inopath_new(10000, 30);
	if (!r.now || !r.before || !r.view.shown || (env.per_inode && !r.view.paths)) {
		fprintf(stderr, "%s: out of memory\n", tool);
		err = -1;
		goto out;
	}
	if (dax_setup(&t)) {
		err = -1;
		goto out;
	}
	r.before->when = mono_ns() / 1e9;
	if (r.tty) {
		screen_open();
		screen_draw(render_screen, &r.view);
	}
	err = dax_run(&env.o, report, wait_interval, &r);
	if (r.tty)
		screen_close();
	if (err)
		fprintf(stderr, "%s: cannot read the BPF maps: %s\n", tool, strerror(-err));
out:
	free_snapshot(r.now);
	free_snapshot(r.before);
	free_snapshot(r.view.shown);
	map_dump_free(&r.dumps.mounts);
	map_dump_free(&r.dumps.rows);
	map_dump_free(&r.dumps.starts);
	inopath_free(r.view.paths);
	dax_filter_close(&env.filter);
	dax_top_bpf__destroy(skel);
	return err ? 1 : 0;
}
