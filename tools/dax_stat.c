// SPDX-License-Identifier: GPL-2.0
/*
 * dax-stat: DAX range pool counters per fuse mount, one line per interval,
 * as NDJSON, or as Prometheus metrics (stdout, a textfile, or HTTP).
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <bpf/libbpf.h>

#include "dax_stat.h"
#include "dax_stat.skel.h"
#include "args.h"
#include "attach.h"
#include "drops.h"
#include "interval.h"
#include "hist.h"
#include "json.h"
#include "mapdump.h"
#include "mounts.h"
#include "names.h"
#include "prom.h"
#include "metrics_http.h"

#define MAX_MOUNTS 64

static const char *tool = "dax-stat";

static struct env {
	struct dax_opts o;
	bool timestamp;
	bool json;
	bool prometheus;
	const char *prom_file;
	const char *listen;
} env = { .o = DAX_OPTS_DEFAULT };

const char *argp_program_version = "dax-stat 0.1";
error_t argp_err_exit_status = 2;
static const char doc[] =
"Count what the DAX range pool of each fuse mount does.\n"
"\n"
"USAGE: dax-stat [-T] [--json | --prometheus[=FILE] | --listen [ADDR:]PORT]\n"
"                [interval] [count]\n"
"\n"
"Per interval: pool state (ranges total/free/busy), mappings set up and\n"
"upgraded, removals by reason, inline and background reclaims, fault\n"
"and allocation waits and their time.  Prometheus output is cumulative.\n"
"\n"
"EXAMPLES:\n"
"    dax-stat                  # a line per mount every second\n"
"    dax-stat -T 5 12          # every 5 s for a minute, with times\n"
"    dax-stat --json 1 10      # NDJSON, one object per interval\n"
"    dax-stat --prometheus=/var/lib/node_exporter/daxmon.prom 15\n"
"    dax-stat --listen 9465    # serve http://127.0.0.1:9465/metrics\n";

enum { OPT_JSON = 1000, OPT_PROM, OPT_LISTEN };

static const struct argp_option options[] = {
	{ "timestamp", 'T', NULL, 0, "Print a time on each line", 0 },
	{ "json", OPT_JSON, NULL, 0, "One JSON object per interval (NDJSON)", 0 },
	{ "prometheus", OPT_PROM, "FILE", OPTION_ARG_OPTIONAL,
	  "Prometheus text to stdout, or written atomically to FILE", 0 },
	{ "listen", OPT_LISTEN, "[ADDR:]PORT", 0,
	  "Serve /metrics over HTTP (ADDR defaults to 127.0.0.1)", 0 },
	DAX_COMMON_OPTIONS,
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	struct sockaddr_in addr;

	switch (key) {
	case 'T': env.timestamp = true; break;
	case OPT_JSON: env.json = true; break;
	case OPT_PROM: env.prometheus = true; env.prom_file = arg; break;
	case OPT_LISTEN:
		if (metrics_http_parse_listen(arg, &addr))
			argp_error(state, "bad --listen '%s': want [ADDR:]PORT, e.g. 9465 or 0.0.0.0:9465",
				   arg);
		env.listen = arg;
		break;
	case ARGP_KEY_END:
		if (env.json + env.prometheus > 1)
			argp_error(state, "--json and --prometheus exclude each other");
		break;
	default:
		return dax_parse_common(key, arg, state, &env.o, NULL);
	}
	return 0;
}

static const struct argp argp = DAX_ARGP(options, parse_arg, doc);

struct mount_stat {
	__u32 dev;
	struct dax_stat s;		/* its histograms cumulative */
	char name[256];			/* its mount point, once per read */
};

/* The maps as one read saw them, the per-CPU copies summed. */
struct snapshot {
	int n;
	struct mount_stat m[MAX_MOUNTS];
	struct dax_drops drops;		/* n only: since attach */
	struct map_dump stats;		/* what the read got */
};

static struct dax_stat_bpf *skel;

/* The mount's entry, a new one the first time. */
static struct mount_stat *mount_of(struct snapshot *snap, __u32 dev)
{
	for (int i = 0; i < snap->n; i++)
		if (snap->m[i].dev == dev)
			return &snap->m[i];
	if (snap->n == MAX_MOUNTS)
		return NULL;
	snap->m[snap->n] = (struct mount_stat){ .dev = dev };
	/* once here, not per sample: a scrape has dozens per mount */
	dax_mount_name(dev, snap->m[snap->n].name, sizeof(snap->m[snap->n].name));
	return &snap->m[snap->n++];
}

static int read_snapshot(struct snapshot *snap)
{
	int err;

	snap->n = 0;
	err = dax_drops_read(skel->maps.drops, &snap->drops) ?:
	      map_dump_map(&snap->stats, skel->maps.stats);
	if (err)
		return err;
	for (int i = 0; i < snap->stats.n; i++) {
		const void *v = map_dump_value(&snap->stats, i);
		struct mount_stat *m;

		m = mount_of(snap, *(const __u32 *)map_dump_key(&snap->stats, i));
		if (!m)
			continue;
		/* the pool state is the newest any CPU saw */
		percpu_sum_u64(m->s.c, NR_STAT_COUNTERS, v, sizeof(m->s));
		percpu_newest_pool(&m->s.pool,
				   &((const struct dax_stat *)v)->pool, sizeof(m->s));
		for (int k = 0; k < DAX_NR_LAT_KINDS; k++)
			percpu_sum_hist(&m->s.hist[k],
					&((const struct dax_stat *)v)->hist[k], sizeof(m->s));
	}
	return 0;
}

static void free_snapshot(struct snapshot *snap)
{
	if (!snap)
		return;
	map_dump_free(&snap->stats);
	free(snap);
}

/* The counts of a mount since before: now less its totals then. */
static struct dax_stat counts_since(const struct mount_stat *now,
				    const struct snapshot *before)
{
	struct dax_stat d = now->s;

	for (int i = 0; i < before->n; i++) {
		if (before->m[i].dev != now->dev)
			continue;
		for (int c = 0; c < NR_STAT_COUNTERS; c++)
			d.c[c] -= before->m[i].s.c[c];
	}
	return d;
}

static void print_header(void)
{
	printf("%s%-16s %5s %5s %5s %6s %5s %6s %6s %6s %6s %6s %6s %8s %6s %8s %7s %8s\n",
	       env.timestamp ? "TIME     " : "", "MOUNT", "TOTAL", "FREE",
	       "BUSY", "SETUP", "UPGR", "RM:INL", "RM:BG", "RM:EVI",
	       "RC:INL", "RC:BG", "FWAIT", "FWAIT_MS", "AWAIT", "AWAIT_MS",
	       "RC_USES", "RC_AGE_S");
}

/* A column of the table: the number, or "-" where the mode is blind. */
static void col(int width, enum dax_blind needs, unsigned long long v)
{
	if (dax_sees(needs))
		printf(" %*llu", width, v);
	else
		printf(" %*s", width, "-");
}

static void col_ms(int width, enum dax_blind needs, unsigned long long ns)
{
	if (dax_sees(needs))
		printf(" %*.1f", width, ns / 1e6);
	else
		printf(" %*s", width, "-");
}

/*
 * The mean uses and age in seconds of the ranges reclaim (inline and
 * background, not eviction) removed: why they went.
 */
static void col_reclaim_uses(const struct dax_stat *d)
{
	__u64 n = 0, uses = 0, age_ns = 0;

	for (int r = DAX_REASON_INLINE; r <= DAX_REASON_BACKGROUND; r++) {
		n += d->c[STAT_REMOVALS + r];
		uses += d->c[STAT_REMOVED_USES + r];
		age_ns += d->c[STAT_REMOVED_AGE_NS + r];
	}
	if (dax_sees(DAX_BLIND_RANGE_USES) && n)
		printf(" %7.1f %8.1f", (double)uses / n, age_ns / 1e9 / n);
	else
		printf(" %7s %8s", "-", "-");
}

static void print_lines(struct snapshot *now, struct snapshot *before)
{
	char when[16];

	dax_clock_hms(when, sizeof(when));
	for (int i = 0; i < now->n; i++) {
		struct dax_stat d = counts_since(&now->m[i], before);

		printf("%s%s%-16s %5llu %5lld %5llu %6llu %5llu %6llu %6llu %6llu",
		       env.timestamp ? when : "", env.timestamp ? " " : "",
		       now->m[i].name,
		       d.pool.nr_ranges, d.pool.nr_free, d.pool.nr_busy,
		       d.c[STAT_SETUPS], d.c[STAT_UPGRADES],
		       d.c[STAT_REMOVALS + DAX_REASON_INLINE],
		       d.c[STAT_REMOVALS + DAX_REASON_BACKGROUND],
		       d.c[STAT_REMOVALS + DAX_REASON_EVICT]);
		col(6, DAX_BLIND_INLINE_RECLAIM, d.c[STAT_RECLAIMS + DAX_MODE_INLINE]);
		col(6, 0, d.c[STAT_RECLAIMS + DAX_MODE_BACKGROUND]);
		col(6, DAX_BLIND_WAITS, d.c[STAT_FAULT_WAITS]);
		col_ms(8, DAX_BLIND_WAITS, d.c[STAT_FAULT_WAIT_NS]);
		col(6, DAX_BLIND_WAITS, d.c[STAT_ALLOC_WAITS]);
		col_ms(8, DAX_BLIND_WAITS, d.c[STAT_ALLOC_WAIT_NS]);
		col_reclaim_uses(&d);
		putchar('\n');
	}
	fflush(stdout);
}

/* Updates the BPF side could not make in this interval. */
/* The interval's drops: what before counted is what was reported */
static struct dax_drops drops_since(const struct snapshot *now,
				    const struct snapshot *before)
{
	struct dax_drops d;

	memcpy(d.n, now->drops.n, sizeof(d.n));
	memcpy(d.reported, before->drops.n, sizeof(d.reported));
	return d;
}

static void print_json(struct snapshot *now, struct snapshot *before)
{
	struct dax_drops drops = drops_since(now, before);
	char devno[32];
	struct json j;

	json_report_begin(&j, stdout, time(NULL));
	json_key(&j, "interval_s");
	json_i64(&j, env.o.interval);
	dax_drops_json(&j, &drops);
	json_key(&j, "mounts");
	json_array_begin(&j);
	for (int i = 0; i < now->n; i++) {
		const struct mount_stat *m = &now->m[i];
		struct dax_stat d = counts_since(m, before);

		snprintf(devno, sizeof(devno), "%u:%u", KDEV_MAJOR(m->dev),
			 KDEV_MINOR(m->dev));
		json_object_begin(&j);
		json_key(&j, "mount");
		json_string(&j, m->name);
		json_key(&j, "dev");
		json_string(&j, devno);
		json_key(&j, "ranges");
		json_object_begin(&j);
		json_key(&j, "total");
		json_u64(&j, d.pool.nr_ranges);
		json_key(&j, "free");
		json_i64(&j, d.pool.nr_free);
		json_key(&j, "busy");
		json_u64(&j, d.pool.nr_busy);
		json_object_end(&j);
		json_key(&j, "setups");
		json_u64(&j, d.c[STAT_SETUPS]);
		json_key(&j, "upgrades");
		json_u64(&j, d.c[STAT_UPGRADES]);
		json_key(&j, "setup_errors");
		json_u64(&j, d.c[STAT_SETUP_ERRORS]);
		json_u64_by(&j, "removals", &d.c[STAT_REMOVALS],
			    dax_reason_names, DAX_NR_REASONS, 0);
		json_key(&j, "remove_errors");
		json_u64(&j, d.c[STAT_REMOVE_ERRORS]);
		if (dax_sees(DAX_BLIND_RANGE_USES)) {
			unsigned long long age_ms[DAX_NR_REASONS];

			for (int r = 0; r < DAX_NR_REASONS; r++)
				age_ms[r] = d.c[STAT_REMOVED_AGE_NS + r] / 1000000;
			json_u64_by(&j, "removed_uses", &d.c[STAT_REMOVED_USES],
				    dax_reason_names, DAX_NR_REASONS, 0);
			json_u64_by(&j, "removed_age_ms", age_ms,
				    dax_reason_names, DAX_NR_REASONS, 0);
		}
		json_u64_by(&j, "reclaims", &d.c[STAT_RECLAIMS],
			    dax_mode_names, DAX_NR_MODES, dax_unseen_reclaim_modes());
		if (dax_sees(DAX_BLIND_RECLAIM_RESULT)) {
			json_u64_by(&j, "reclaimed_ranges", &d.c[STAT_RECLAIMED],
				    dax_mode_names, DAX_NR_MODES, 0);
			json_u64_by(&j, "reclaim_errors", &d.c[STAT_RECLAIM_ERRORS],
				    dax_mode_names, DAX_NR_MODES, 0);
		}
		if (dax_sees(DAX_BLIND_WAITS)) {
			json_key(&j, "fault_waits");
			json_u64(&j, d.c[STAT_FAULT_WAITS]);
			json_key(&j, "fault_wait_ms");
			json_double(&j, d.c[STAT_FAULT_WAIT_NS] / 1e6);
			json_key(&j, "alloc_waits");
			json_u64(&j, d.c[STAT_ALLOC_WAITS]);
			json_key(&j, "alloc_wait_ms");
			json_double(&j, d.c[STAT_ALLOC_WAIT_NS] / 1e6);
		}
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
	fflush(stdout);
}

/* Where a metric's values come from, for each mount. */
enum source {
	SRC_RANGES,			/* the pool: nr_ranges */
	SRC_FREE,			/* nr_free */
	SRC_BUSY,			/* nr_busy */
	SRC_IN_PROGRESS,		/* c[index] begun less c[index + 1] ended */
	SRC_COUNTER,			/* c[index + the label value's number] */
	SRC_COUNTER_NS,			/* the same in ns, as seconds */
	SRC_HISTOGRAM,			/* hist[index + the label value's number] */
};

_Static_assert(STAT_FAULT_WAITS_DONE == STAT_FAULT_WAITS + 1 &&
	       STAT_ALLOC_WAITS_DONE == STAT_ALLOC_WAITS + 1,
	       "SRC_IN_PROGRESS: what ended follows what began");
_Static_assert(DAX_LAT_RECLAIM_BACKGROUND ==
	       DAX_LAT_RECLAIM_INLINE + DAX_MODE_BACKGROUND,
	       "the reclaim histograms by mode");

/*
 * The exposition, one family a row (ebpf_exporter's declarative metrics):
 * every mount has a sample of each, labelled mount= and, for a family
 * kept by reason or mode, label= each of its values.
 */
static const struct metric {
	const char *name, *type, *help;
	enum source source;
	int index;
	unsigned int needs;		/* enum dax_blind: else left out */
	const char *label;		/* NULL: mount= only */
	const char *const *values;	/* label's values, nvalues of them */
	int nvalues;
	bool by_run_mode;		/* mode="inline" needs INLINE_RECLAIM */
} metrics[] = {
#define GAUGE(source, name, help, index, needs) \
	{ name, "gauge", help, source, index, needs, NULL, NULL, 1, false }
#define COUNTER(name, help, index, needs) \
	{ name, "counter", help, SRC_COUNTER, index, needs, NULL, NULL, 1, false }
#define HISTOGRAM(name, help, kind, needs) \
	{ name, "histogram", help, SRC_HISTOGRAM, kind, needs, NULL, NULL, 1, false }
/* the same with a series for each value of a label (names.h) */
#define COUNTER_BY(by, name, help, index, needs) \
	{ name, "counter", help, SRC_COUNTER, index, needs, by }
#define HISTOGRAM_BY(by, name, help, kind, needs) \
	{ name, "histogram", help, SRC_HISTOGRAM, kind, needs, by }
#define COUNTER_NS_BY(by, name, help, index, needs) \
	{ name, "counter", help, SRC_COUNTER_NS, index, needs, by }
#define BY_REASON	"reason", dax_reason_names, DAX_NR_REASONS, false
#define BY_MODE		"mode", dax_mode_names, DAX_NR_MODES, false
#define BY_RUN_MODE	"mode", dax_mode_names, DAX_NR_MODES, true
#define WAITS		DAX_BLIND_WAITS
#define RESULTS		DAX_BLIND_RECLAIM_RESULT
#define USES		DAX_BLIND_RANGE_USES
	GAUGE(SRC_RANGES, "daxmon_window_ranges", "Ranges of 2 MiB in the DAX window.", 0, 0),
	GAUGE(SRC_FREE, "daxmon_free_ranges", "Ranges on the free list at the last event.", 0, 0),
	GAUGE(SRC_BUSY, "daxmon_busy_ranges", "Ranges mapping file data at the last event.", 0, 0),
	GAUGE(SRC_IN_PROGRESS, "daxmon_fault_waiting", "Page faults waiting for a free range now.", STAT_FAULT_WAITS, WAITS),
	GAUGE(SRC_IN_PROGRESS, "daxmon_alloc_waiting", "Reads and writes waiting for a free range now.", STAT_ALLOC_WAITS, WAITS),
	COUNTER("daxmon_setups_total", "New mappings set up (FUSE_SETUPMAPPING).", STAT_SETUPS, 0),
	COUNTER("daxmon_upgrades_total", "Read-only mappings made writable (FUSE_SETUPMAPPING).", STAT_UPGRADES, 0),
	COUNTER("daxmon_setup_errors_total", "FUSE_SETUPMAPPING requests that failed.", STAT_SETUP_ERRORS, 0),
	COUNTER_BY(BY_REASON, "daxmon_removals_total", "Ranges removed (FUSE_REMOVEMAPPING), by reason.", STAT_REMOVALS, 0),
	COUNTER("daxmon_remove_errors_total", "Range removals whose request failed.", STAT_REMOVE_ERRORS, 0),
	COUNTER_BY(BY_REASON, "daxmon_removed_uses_total", "Uses of the ranges removed (set up, or found mapped by a read, write or fault; halved as ranges are set up), summed, by reason.", STAT_REMOVED_USES, USES),
	COUNTER_NS_BY(BY_REASON, "daxmon_removed_age_seconds_total", "Ages of the ranges removed (time since set up), summed, by reason.", STAT_REMOVED_AGE_NS, USES),
	COUNTER_BY(BY_RUN_MODE, "daxmon_reclaims_total", "Reclaim runs, by mode.", STAT_RECLAIMS, 0),
	COUNTER_BY(BY_MODE, "daxmon_reclaimed_ranges_total", "Ranges freed by reclaim, by mode.", STAT_RECLAIMED, RESULTS),
	COUNTER_BY(BY_MODE, "daxmon_reclaim_errors_total", "Reclaim runs that ended in an error, by mode.", STAT_RECLAIM_ERRORS, RESULTS),
	COUNTER("daxmon_fault_waits_total", "Page faults that waited for a free range.", STAT_FAULT_WAITS, WAITS),
	COUNTER("daxmon_alloc_waits_total", "Reads and writes that waited for a free range.", STAT_ALLOC_WAITS, WAITS),
	HISTOGRAM("daxmon_fault_wait_seconds", "Time page faults waited for a free range.", DAX_LAT_FAULT_WAIT, WAITS),
	HISTOGRAM("daxmon_alloc_wait_seconds", "Time reads and writes waited for a free range.", DAX_LAT_ALLOC_WAIT, WAITS),
	HISTOGRAM("daxmon_setup_seconds", "FUSE_SETUPMAPPING round trips.", DAX_LAT_SETUP, 0),
	HISTOGRAM("daxmon_remove_seconds", "FUSE_REMOVEMAPPING round trips.", DAX_LAT_REMOVE, 0),
	HISTOGRAM_BY(BY_RUN_MODE, "daxmon_reclaim_seconds", "Duration of reclaim runs, by mode.", DAX_LAT_RECLAIM_INLINE, 0),
};

/*
 * A series the attach mode cannot see is left out: no fake zeros.  The
 * inline runs of a family by_run_mode need DAX_BLIND_INLINE_RECLAIM.
 */
static bool series_seen(const struct metric *f, int v)
{
	if (!dax_sees(f->needs))
		return false;
	return !f->by_run_mode || v != DAX_MODE_INLINE ||
	       dax_sees(DAX_BLIND_INLINE_RECLAIM);
}

/*
 * Waits begun and not yet ended.  A wait that began before the tool
 * attached ends without a counted begin: never let that go below zero.
 */
static double in_progress(__u64 begun, __u64 ended)
{
	return begun > ended ? (double)(begun - ended) : 0;
}

static struct prom_bounds bounds;	/* of every histogram here */

static void init_bounds(void)
{
	prom_bounds_init(&bounds, DAX_HIST_SLOTS, 0, 1000);
}

/* The sample of metric f for mount m and the label's v-th value. */
static void prom_write_sample(struct textbuf *out, const struct metric *f,
			      const struct mount_stat *m, int v)
{
	const struct dax_stat *s = &m->s;
	char labels[512];
	double value = 0;

	labels[0] = '\0';
	prom_label(labels, sizeof(labels), "mount", m->name);
	if (f->label)
		prom_label(labels, sizeof(labels), f->label, f->values[v]);
	switch (f->source) {
	case SRC_RANGES: value = s->pool.nr_ranges; break;
	case SRC_FREE: value = s->pool.nr_free; break;
	case SRC_BUSY: value = s->pool.nr_busy; break;
	case SRC_IN_PROGRESS:
		value = in_progress(s->c[f->index], s->c[f->index + 1]);
		break;
	case SRC_COUNTER: value = s->c[f->index + v]; break;
	case SRC_COUNTER_NS: value = s->c[f->index + v] / 1e9; break;
	case SRC_HISTOGRAM: {
		const struct dax_hist *h = &m->s.hist[f->index + v];
		struct hist view = { h->slots, DAX_HIST_SLOTS, 0 };

		prom_histogram(out, f->name, labels, &view, &bounds, h->sum_ns / 1e9);
		return;
	}
	}
	prom_sample(out, f->name, labels, value);
}

static void prom_drops(struct textbuf *out, const struct snapshot *snap)
{
	static const char *const causes[DAX_NR_DROPS] = {
		[DAX_DROP_TABLE_FULL] = "table_full",
		[DAX_DROP_INFLIGHT_FULL] = "inflight_full",
		[DAX_DROP_MISSED] = "missed",
	};
	char labels[64];

	prom_family(out, "daxmon_dropped_updates_total", "counter",
		    "Updates of dax-stat's BPF tables that could not be made, by cause.");
	for (int i = 0; i < DAX_NR_DROPS; i++) {
		/* dax-size's ring buffer: not dax-stat's */
		if (!causes[i])
			continue;
		labels[0] = '\0';
		prom_label(labels, sizeof(labels), "cause", causes[i]);
		prom_sample(out, "daxmon_dropped_updates_total", labels,
			    snap->drops.n[i]);
	}
}

/*
 * The whole exposition: every family once, every mount in it.  The
 * series of a histogram stay together by label value, those of a counter
 * by mount.
 */
static void write_prometheus(struct textbuf *out, const struct snapshot *snap)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, init_bounds);
	for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++) {
		const struct metric *f = &metrics[i];
		bool hist = f->source == SRC_HISTOGRAM;
		int outer = hist ? f->nvalues : snap->n;
		int inner = hist ? snap->n : f->nvalues;

		if (!dax_sees(f->needs))
			continue;
		prom_family(out, f->name, f->type, f->help);
		for (int a = 0; a < outer; a++)
			for (int b = 0; b < inner; b++)
				if (series_seen(f, hist ? a : b))
					prom_write_sample(out, f,
							  &snap->m[hist ? b : a],
							  hist ? a : b);
	}
	prom_drops(out, snap);
}

/* The exposition to out in one write; -1 if it could not be made. */
static int print_prometheus(FILE *out, const struct snapshot *snap)
{
	struct textbuf b;
	size_t len;
	char *text;
	int ret;

	tb_init(&b, 0);
	write_prometheus(&b, snap);
	text = tb_take(&b, &len);
	if (!text)
		return -1;
	ret = fwrite(text, 1, len, out) == len ? 0 : -1;
	free(text);
	return ret;
}

/* FILE is replaced through a new file beside it, FILE.tmp.PID */
static void prom_tmp_name(const char *path, char *buf, size_t size)
{
	snprintf(buf, size, "%s.tmp.%d", path, getpid());
}

/* node_exporter's textfile collector must never see half a file. */
static int write_prom_file(const char *path, const struct snapshot *snap)
{
	char tmp[4096];
	FILE *out;
	int err;

	prom_tmp_name(path, tmp, sizeof(tmp));
	out = fopen(tmp, "w");
	if (!out) {
		fprintf(stderr, "%s: cannot write %s: %s\n", tool, tmp, strerror(errno));
		return -1;
	}
	err = print_prometheus(out, snap);
	if (fclose(out) || err || rename(tmp, path)) {
		fprintf(stderr, "%s: cannot write %s: %s\n", tool, path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

struct run {
	struct snapshot *now, *before;
	struct snapshot *scraped;	/* the HTTP server's, one scrape at a time */
	struct dax_drops told;
	struct metrics_http *http;
};

static struct run run;

/* A scrape: the maps now, on the HTTP server's thread. */
static char *render_metrics(size_t *len, void *ctx)
{
	static size_t last_len;	/* the next scrape is about as long */
	struct snapshot *snap = ctx;
	struct textbuf b;
	char *text;

	dax_mount_names_refresh();
	if (read_snapshot(snap))
		return NULL;
	tb_init(&b, last_len + last_len / 8);
	write_prometheus(&b, snap);
	text = tb_take(&b, len);
	if (text)
		last_len = *len;
	return text;
}

static int report(void *ctx, bool last)
{
	struct run *r = ctx;
	struct snapshot *tmp;
	int err;

	(void)last;
	/* serving scrapes and printing nothing: only the drops to tell */
	if (env.listen && !env.json && !env.prometheus)
		err = dax_drops_read(skel->maps.drops, &r->now->drops);
	else
		err = read_snapshot(r->now);
	if (err)
		return err;
	if (env.json)
		print_json(r->now, r->before);
	else if (env.prometheus && env.prom_file)
		err = write_prom_file(env.prom_file, r->now);
	else if (env.prometheus) {
		/* errors as the other outputs to stdout: a closed pipe is SIGPIPE */
		print_prometheus(stdout, r->now);
		fflush(stdout);
	} else if (!env.listen)
		print_lines(r->now, r->before);
	if (err)
		return -EIO;
	memcpy(r->told.n, r->now->drops.n, sizeof(r->told.n));
	dax_drops_report(tool, &r->told, "more than 64 DAX mounts?");
	tmp = r->before;
	r->before = r->now;
	r->now = tmp;
	return 0;
}

static int open_bpf(struct dax_bpf *bpf)
{
	skel = dax_stat_bpf__open();
	if (!skel)
		return -1;
	bpf->skeleton = skel->skeleton;
	bpf->task_starts = &skel->rodata->targ_task_starts;
	return 0;
}

static int start_http(void)
{
	if (!env.listen)
		return 0;
	run.scraped = calloc(1, sizeof(*run.scraped));
	if (!run.scraped)
		return -1;
	run.http = metrics_http_start(tool, env.listen, render_metrics, run.scraped);
	return run.http ? 0 : -1;
}

/*
 * The file is written after privileges are dropped: a directory that
 * only root's CAP_DAC_OVERRIDE reaches (node_exporter's, owned by its
 * user) would fail every interval, so it is refused before anything
 * is loaded.
 */
static int check_prom_file(void)
{
	char tmp[4096];
	int err;

	prom_tmp_name(env.prom_file, tmp, sizeof(tmp));
	err = dax_creatable_unprivileged(tmp);
	if (err)
		fprintf(stderr, "%s: cannot write --prometheus=%s without privileges, as dax-stat runs once attached: %s "
			"(make its directory writable by this user, or run dax-stat as the directory's owner)\n",
			tool, env.prom_file, strerror(err));
	return err;
}

int main(int argc, char **argv)
{
	const struct dax_tool t = {
		.name = tool, .opts = &env.o, .open = open_bpf,
		.attached = start_http,
	};
	int err;

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return 2;
	if (env.prom_file && check_prom_file())
		return 1;
	run.now = calloc(1, sizeof(*run.now));
	run.before = calloc(1, sizeof(*run.before));
	err = !run.now || !run.before ? -ENOMEM : dax_setup(&t);
	if (!err) {
		if (!env.json && !env.prometheus && !env.listen)
			print_header();
		err = dax_run(&env.o, report, NULL, &run);
	}
	metrics_http_stop(run.http);
	free_snapshot(run.scraped);
	free_snapshot(run.now);
	free_snapshot(run.before);
	dax_stat_bpf__destroy(skel);
	return err ? 1 : 0;
}
