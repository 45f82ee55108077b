// SPDX-License-Identifier: GPL-2.0
/*
 * dax-size: how big should the DAX window be?  Records the range lookups
 * of each DAX mount and replays them, as they come, through a model of
 * the kernel's range pool (tools/lib/dax_sim.c) at several window sizes:
 * per size, the FUSE_SETUPMAPPINGs and fault waits it would have had,
 * and what its struct pages cost the guest.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dax_size.h"
#include "dax_size.skel.h"
#include "args.h"
#include "attach.h"
#include "dax_sim.h"
#include "drops.h"
#include "interval.h"
#include "json.h"
#include "mounts.h"

#define RANGE_SHIFT	21			/* 2 MiB ranges */
/* struct pages of one range: 512 pages of 64 bytes */
#define MEMMAP_PER_RANGE	(512 * 64)
#define MAX_WINDOWS	16
#define MAX_MOUNTS	64

static const char *tool = "dax-size";

static struct env {
	struct dax_opts o;
	unsigned long long sizes[MAX_WINDOWS];	/* --sizes, bytes */
	int nr_sizes;
	int policy;				/* --policy, -1: the kernel's */
	unsigned long long within;		/* --within, % */
	unsigned long long sample;		/* --sample: one range in N */
	unsigned long long history;		/* --history */
	unsigned long long buffer;		/* --buffer, bytes */
	const char *plot;			/* --plot FILE */
	int plot_fd;				/* FILE, opened before the drop */
	bool timestamp;
	bool json;
} env = {
	/* no [interval]: the prediction once, when stopped */
	.o = { .interval = DAX_UNTIL_STOP, .count = -1 },
	.policy = -1,
	.plot_fd = -1,
	.within = 10,
	.sample = 1,
	.history = 65536,
	/*
	 * 37,000 lookups of 56 bytes; the reader is woken at a quarter.
	 * Counted twice in RSS from the start (libbpf maps the ring twice
	 * over, the kernel fills the mapping): 8M made dax-size 17.9 MiB.
	 */
	.buffer = 2 << 20,
};

const char *argp_program_version = "dax-size 0.1";
error_t argp_err_exit_status = 2;
static const char doc[] =
"Predict the FUSE_SETUPMAPPINGs of other DAX window sizes from the range\n"
"lookups of each DAX mount, and advise the smallest good window.\n"
"\n"
"USAGE: dax-size [--sizes LIST] [--policy lfu|fifo] [--within PCT]\n"
"                [--sample N] [--json] [interval] [count]\n"
"\n"
"The model replays every read, write and page fault that looks a 2 MiB\n"
"range up through the kernel's reclaim (the policy fuse runs, unless\n"
"--policy says otherwise) at 1/4x to 4x of the window, or at --sizes.\n"
"\n"
"EXAMPLES:\n"
"    dax-size                  # record until Ctrl-C, then predict\n"
"    dax-size 600 1            # record 10 minutes, then predict\n"
"    dax-size --sizes 1G,2G,4G,8G    # these window sizes\n"
"    dax-size --sample 16      # model one range in 16 (large windows)\n"
"    dax-size --json 60        # the prediction so far, every minute\n"
"    dax-size --plot size.png 600 1  # and draw it\n";

enum { OPT_SIZES = 1000, OPT_POLICY, OPT_WITHIN, OPT_SAMPLE, OPT_HISTORY,
       OPT_BUFFER, OPT_JSON, OPT_PLOT };

static const struct argp_option options[] = {
	{ "sizes", OPT_SIZES, "LIST", 0, "Window sizes to model, comma-separated (512M,1G; multiples of 2M)", 0 },
	{ "policy", OPT_POLICY, "POLICY", 0, "Reclaim policy to model: lfu or fifo (default: fuse's dax_reclaim, else fifo)", 0 },
	{ "within", OPT_WITHIN, "PCT", 0, "Advise the smallest window within PCT% of the fewest setups (default 10)", 0 },
	{ "sample", OPT_SAMPLE, "N", 0, "Model one range in N, the window scaled to match (default 1: all)", 0 },
	{ "history", OPT_HISTORY, "N", 0, "Ranges whose uses one window's model remembers (default 65536)", 0 },
	{ "buffer", OPT_BUFFER, "SIZE", 0, "Ring buffer of lookups (default 2M)", 0 },
	{ "timestamp", 'T', NULL, 0, "Print a time before each report", 0 },
	{ "json", OPT_JSON, NULL, 0, "One JSON object per report", 0 },
	{ "plot", OPT_PLOT, "FILE", 0, "Also draw the predictions into FILE, a PNG (needs gnuplot)", 0 },
	/* the other tools' filters, refused with the reason */
	{ "pid", 'p', "PID", OPTION_HIDDEN, NULL, 0 },
	{ "cgroup", 'c', "PATH", OPTION_HIDDEN, NULL, 0 },
	DAX_COMMON_OPTIONS,
	{},
};

/* argp_error() returns in the fuzzer (tests/fuzz): stop at the first */
static void parse_sizes(struct argp_state *state, char *arg)
{
	char *copy = strdup(arg), *save = NULL, *s;
	const char *bad = NULL;

	if (!copy) {
		argp_failure(state, 1, ENOMEM, "--sizes");
		return;
	}
	env.nr_sizes = 0;
	for (s = strtok_r(copy, ",", &save); s && !bad; s = strtok_r(NULL, ",", &save)) {
		unsigned long long b;

		if (env.nr_sizes == MAX_WINDOWS - 1) {
			argp_error(state, "--sizes: at most %d sizes", MAX_WINDOWS - 1);
			bad = s;
		} else if (dax_parse_size(s, &b) || !b || b & ((1ULL << RANGE_SHIFT) - 1) ||
			   b >> RANGE_SHIFT > UINT32_MAX) {
			argp_error(state, "invalid --sizes entry '%s': a size such as 512M or 4G, a multiple of 2M",
				   s);
			bad = s;
		} else {
			env.sizes[env.nr_sizes++] = b;
		}
	}
	if (!bad && !env.nr_sizes)
		argp_error(state, "invalid --sizes '%s': a list such as 512M,1G,2G", arg);
	free(copy);
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	unsigned long long v;

	switch (key) {
	case OPT_SIZES:
		parse_sizes(state, arg);
		break;
	case OPT_POLICY:
		env.policy = dax_sim_policy_by_name(arg);
		if (env.policy < 0)
			argp_error(state, "invalid --policy '%s': lfu or fifo", arg);
		break;
	case OPT_WITHIN:
		if (dax_parse_number(arg, 0, 1000, &env.within))
			argp_error(state, "invalid --within '%s': a percentage from 0 to 1000", arg);
		break;
	case OPT_SAMPLE:
		if (dax_parse_number(arg, 1, DAX_SIZE_SAMPLE_ONE, &env.sample))
			argp_error(state, "invalid --sample '%s': from 1 (every range) to %u",
				   arg, DAX_SIZE_SAMPLE_ONE);
		break;
	case OPT_HISTORY:
		if (dax_parse_number(arg, 0, 1ULL << 26, &env.history))
			argp_error(state, "invalid --history '%s': from 0 to %llu", arg,
				   1ULL << 26);
		break;
	case OPT_BUFFER:
		/* a power of two of pages, as BPF ring buffers are */
		if (dax_parse_size(arg, &v) || v < 4096 || v > 1ULL << 30 || (v & (v - 1)))
			argp_error(state, "invalid --buffer '%s': a power of two from 4K to 1G", arg);
		else
			env.buffer = v;
		break;
	case 'T':
		env.timestamp = true;
		break;
	case OPT_JSON:
		env.json = true;
		break;
	case 'p':
	case 'c':
		argp_error(state, "no -%c here: every process on a mount shares its pool, which dax-size models whole",
			   key);
		break;
	case OPT_PLOT:
		if (!*arg)
			argp_error(state, "invalid --plot '': a file name");
		else
			env.plot = arg;
		break;
	default:
		return dax_parse_common(key, arg, state, &env.o, NULL);
	}
	return 0;
}

static const struct argp argp = DAX_ARGP(options, parse_arg, doc);

/* One window size of a mount, and its model. */
struct window {
	unsigned long long ranges;	/* the size modelled */
	struct dax_sim *sim;		/* at ranges / sample */
	bool current;
};

struct mount {
	__u32 dev;
	unsigned long long nr_ranges;	/* the window it has */
	/* the models' clock, from the recording so far (mount_clock()) */
	unsigned long long setup_ns, remove_ns;
	/* by the worker, recording so far: if any, remove_ns is its own */
	unsigned long long kernel_removals;
	unsigned long long modelled;	/* lookups the models got (sampled in) */
	unsigned long long faults;	/* of them, page faults */
	int nr_windows;
	struct window w[MAX_WINDOWS];
};

struct run {
	struct ring_buffer *rb;
	struct timespec start;
	int nr_mounts;
	struct mount m[MAX_MOUNTS];
	struct dax_drops drops;
	int err;			/* from handling an event */
	bool too_many_mounts;
	long nr_reports;
};

static struct dax_size_bpf *skel;
/* the policy modelled: --policy, else fuse's dax_reclaim */
static enum dax_sim_policy policy;
/* the ring buffer is set up once attached, before privileges go */
static struct run *the_run;

static int compare_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* The sizes to model: --sizes or 1/4x to 4x, and the current one, sorted */
static int window_sizes(unsigned long long nr_ranges, unsigned long long *out)
{
	static const int eighths[] = { 2, 4, 6, 8, 12, 16, 24, 32 };
	int n = 0, kept = 0;

	if (env.nr_sizes) {
		for (int i = 0; i < env.nr_sizes; i++)
			out[n++] = env.sizes[i] >> RANGE_SHIFT;
	} else {
		for (size_t i = 0; i < sizeof(eighths) / sizeof(eighths[0]); i++) {
			unsigned long long r = nr_ranges * eighths[i] / 8;

			out[n++] = r ? r : 1;
		}
	}
	out[n++] = nr_ranges;
	qsort(out, n, sizeof(*out), compare_ull);
	for (int i = 0; i < n; i++)
		if (!kept || out[kept - 1] != out[i])
			out[kept++] = out[i];
	return kept;
}

static void mount_free(struct mount *m)
{
	for (int i = 0; i < m->nr_windows; i++)
		dax_sim_free(m->w[i].sim);
	m->nr_windows = 0;
}

static int mount_init(struct mount *m, __u32 dev)
{
	struct dax_size_mount km;
	unsigned long long sizes[MAX_WINDOWS];
	int n;

	if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.mounts), &dev, &km) ||
	    !km.nr_ranges)
		return -ENOENT;
	m->dev = dev;
	m->nr_ranges = km.nr_ranges;
	n = window_sizes(km.nr_ranges, sizes);
	for (int i = 0; i < n; i++) {
		/* SHARDS: a sample of 1/N of the ranges sees a window 1/N big */
		unsigned long long scaled = (sizes[i] + env.sample / 2) / env.sample;
		struct window *w = &m->w[m->nr_windows];

		w->ranges = sizes[i];
		w->current = sizes[i] == km.nr_ranges;
		w->sim = dax_sim_new(policy, scaled ? scaled : 1, env.history);
		if (!w->sim)
			return -ENOMEM;
		m->nr_windows++;
	}
	return 0;
}

static struct mount *mount_of(struct run *r, __u32 dev)
{
	struct mount *m;
	int err;

	for (int i = 0; i < r->nr_mounts; i++)
		if (r->m[i].dev == dev)
			return &r->m[i];
	if (r->nr_mounts == MAX_MOUNTS) {
		r->too_many_mounts = true;
		return NULL;
	}
	m = &r->m[r->nr_mounts];
	err = mount_init(m, dev);
	if (err) {
		mount_free(m);
		if (err == -ENOMEM)
			r->err = err;
		return NULL;
	}
	r->nr_mounts++;
	return m;
}

/* What the kernel counted on the mount (all of it: the map holds totals) */
static void kernel_counts(__u32 dev, struct dax_size_mount *km)
{
	if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.mounts), &dev, km))
		memset(km, 0, sizeof(*km));
}

/*
 * The models' clock, from what the recording has measured so far: a
 * setup's time, and a range's removal by the worker (a setup's until
 * the worker has run).  A sample of one range in N sees one setup and
 * one removal in N, each standing for N of the kernel's.
 */
static void mount_clock(struct mount *m)
{
	struct dax_size_mount km;
	const __u64 *c = km.c;

	kernel_counts(m->dev, &km);
	if (!c[DAX_SIZE_SETUPS])
		return;
	m->setup_ns = c[DAX_SIZE_SETUP_NS] / c[DAX_SIZE_SETUPS];
	m->kernel_removals = c[DAX_SIZE_WORKER_RANGES];
	m->remove_ns = m->kernel_removals ?
		       c[DAX_SIZE_WORKER_NS] / c[DAX_SIZE_WORKER_RANGES] : m->setup_ns;
	for (int i = 0; i < m->nr_windows; i++)
		dax_sim_set_costs(m->w[i].sim, m->setup_ns * env.sample,
				  m->remove_ns * env.sample);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct run *r = ctx;
	const struct dax_size_event *e = data;
	unsigned int flags;
	struct mount *m;

	if (size < sizeof(*e))
		return 0;
	m = mount_of(r, e->dev);
	if (!m)
		return r->err;
	/* counted here, not by a second atomic add on the BPF hot path */
	if (e->kind == DAX_SIZE_ACCESS) {
		m->modelled++;
		m->faults += !!(e->flags & DAX_SIZE_FAULT);
	}
	flags = (e->flags & DAX_SIZE_WRITE ? DAX_SIM_WRITE : 0) |
		(e->flags & DAX_SIZE_FAULT ? DAX_SIM_FAULT : 0);
	for (int i = 0; i < m->nr_windows; i++) {
		if (e->kind == DAX_SIZE_EVICT)
			dax_sim_evict(m->w[i].sim, e->ino);
		else if (dax_sim_access(m->w[i].sim, e->tid, e->ino, e->idx,
					(e->file_ranges + env.sample - 1) / env.sample,
					flags, e->task_ns))
			return r->err = -ENOMEM;
	}
	return 0;
}

/* The interval: the ring buffer drained into the models meanwhile */
static bool wait_interval(void *ctx)
{
	struct run *r = ctx;
	struct timespec now;
	long long ms;

	for (;;) {
		/* woken early only by a filling buffer (dax_size.bpf.c) */
		int n = ring_buffer__poll(r->rb, 100);

		for (int i = 0; i < r->nr_mounts; i++)
			mount_clock(&r->m[i]);
		if (n >= 0)
			n = ring_buffer__consume(r->rb);
		if (n < 0 && n != -EINTR) {
			r->err = n;
			return true;
		}
		if (r->err || dax_stopping()) {
			ring_buffer__consume(r->rb);
			return true;
		}
		if (env.o.interval == DAX_UNTIL_STOP)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (now.tv_sec - r->start.tv_sec) * 1000LL +
		     (now.tv_nsec - r->start.tv_nsec) / 1000000;
		if (ms >= (long long)env.o.interval * (r->nr_reports + 1) * 1000)
			return false;
	}
}

/* "512M", "1G", "1536M": sizes are multiples of 2 MiB */
static const char *size_str(unsigned long long bytes, char *buf, size_t size)
{
	if (bytes && !(bytes & ((1ULL << 30) - 1)))
		snprintf(buf, size, "%lluG", bytes >> 30);
	else if (bytes && !(bytes & ((1ULL << 20) - 1)))
		snprintf(buf, size, "%lluM", bytes >> 20);
	else
		snprintf(buf, size, "%lluK", bytes >> 10);
	return buf;
}

/* What one window's model predicts, scaled back from the sample */
struct prediction {
	unsigned long long ranges, setups, fault_waits, alloc_waits, wait_ns;
	bool current;
	bool floor;		/* setups: at least these (floor_only()) */
	bool judged;		/* weighed by the advice: floors only if all are */
};

/*
 * A page read through a mapping faults once and is then read with no
 * lookup at all.  A window smaller than the recording's that unmaps the
 * ranges the kernel kept takes those reads as faults again, and sets
 * their ranges up again: none of that is in the recording, so its count
 * is a floor (fio's random reads through mmap at half a window that held
 * them: 4,048 predicted, 8,342 in the kernel; docs/dax-size.md).  Where
 * the recording's own window reclaimed, its faults after each removal
 * carry those reads: replayed page by page (Zipf, uniform, sequential,
 * both policies), the model was within 6% wherever it removed up to
 * 5.7 times the kernel's ranges, and 7-60% low where the kernel removed
 * none.  Ten times is the line.
 */
#define FLOOR_REMOVALS	10

static bool floor_only(const struct mount *m, unsigned long long ranges,
		       unsigned long long removals)
{
	return m->faults && ranges < m->nr_ranges &&
	       removals > FLOOR_REMOVALS * m->kernel_removals;
}

static void predict(const struct mount *m, struct prediction *p)
{
	bool all_floors = true;

	for (int i = 0; i < m->nr_windows; i++) {
		const uint64_t *c = dax_sim_counts(m->w[i].sim);

		p[i] = (struct prediction){
			.ranges = m->w[i].ranges,
			.setups = c[DAX_SIM_SETUPS] * env.sample,
			.fault_waits = c[DAX_SIM_FAULT_WAITS] * env.sample,
			.alloc_waits = c[DAX_SIM_ALLOC_WAITS] * env.sample,
			/* the sample's clock already stands for the whole */
			.wait_ns = c[DAX_SIM_WAIT_NS],
			.current = m->w[i].current,
			.floor = floor_only(m, m->w[i].ranges,
					    c[DAX_SIM_REMOVALS] * env.sample),
		};
		all_floors &= p[i].floor;
	}
	for (int i = 0; i < m->nr_windows; i++)
		p[i].judged = !p[i].floor || all_floors;
}

/* The judged window with the fewest setups */
static int best_of(const struct prediction *p, int n)
{
	int b = -1;

	for (int i = 0; i < n; i++)
		if (p[i].judged && (b < 0 || p[i].setups < p[b].setups))
			b = i;
	return b;
}

/* The smallest judged window within --within % of the fewest setups */
static int advice(const struct prediction *p, int n)
{
	unsigned long long best = p[best_of(p, n)].setups;

	for (int i = 0; i < n; i++)
		if (p[i].judged && p[i].setups * 100 <= best * (100 + env.within))
			return i;
	return n - 1;
}

static void print_bar(unsigned long long v, unsigned long long max)
{
	int stars = max ? (int)(v * 40 / max) : 0;

	printf("  |%.*s%*s|", stars, "****************************************", 40 - stars, "");
}

static void print_mount_text(const struct mount *m, const struct dax_size_mount *km,
			     double secs)
{
	struct prediction p[MAX_WINDOWS];
	unsigned long long max = 0;
	char name[256], a[32], b[32], c[32], setups[32];
	int n = m->nr_windows, adv, best, cur = -1;
	bool floors = false, left_out = false;

	predict(m, p);
	for (int i = 0; i < n; i++) {
		if (p[i].setups > max)
			max = p[i].setups;
		if (p[i].current)
			cur = i;
	}
	printf("\n%s (%u:%u): window %s (%llu ranges), policy %s, %.1f s, %llu lookups",
	       dax_mount_name(m->dev, name, sizeof(name)), KDEV_MAJOR(m->dev), KDEV_MINOR(m->dev),
	       size_str(m->nr_ranges << RANGE_SHIFT, a, sizeof(a)), m->nr_ranges,
	       dax_sim_policy_name(policy), secs,
	       (unsigned long long)km->c[DAX_SIZE_ACCESSES]);
	if (env.sample > 1)
		printf(", one range in %llu modelled", env.sample);
	printf("\n  %8s %8s %10s %9s %11s %9s\n", "window", "ranges", "setups", "setups/s",
	       "fault-waits", "memmap");
	for (int i = 0; i < n; i++) {
		snprintf(setups, sizeof(setups), "%s%llu", p[i].floor ? ">=" : "", p[i].setups);
		printf("%s %8s %8llu %10s %9.1f %11llu %9s", p[i].current ? "*" : " ",
		       size_str(p[i].ranges << RANGE_SHIFT, a, sizeof(a)), p[i].ranges,
		       setups, secs > 0 ? p[i].setups / secs : 0.0, p[i].fault_waits,
		       size_str(p[i].ranges * MEMMAP_PER_RANGE, b, sizeof(b)));
		print_bar(p[i].setups, max);
		printf("\n");
		floors |= p[i].floor;
		left_out |= !p[i].judged;
	}
	if (floors)
		printf("  >=: at least this many: the window would unmap ranges whose pages the\n"
		       "  recording saw read through a mapping again without a fault; there\n"
		       "  those reads fault again.  %s; to count them, record at the\n"
		       "  smallest window you consider.\n",
		       left_out ? "Left out of the advice" :
		       "The advice has only these to go by");
	printf("  clock: a setup %.2f ms, a removal %.2f ms (%s); faults waited %.1f ms\n",
	       m->setup_ns / 1e6, m->remove_ns / 1e6, m->kernel_removals ? "the worker's" :
	       "the worker did not run: taken as a setup's",
	       km->c[DAX_SIZE_WAIT_NS] / 1e6);
	printf("  the kernel: %llu setups at %s", (unsigned long long)km->c[DAX_SIZE_SETUPS],
	       size_str(m->nr_ranges << RANGE_SHIFT, a, sizeof(a)));
	if (cur >= 0 && km->c[DAX_SIZE_SETUPS])
		printf(" (the model: %+.1f%%)",
		       100.0 * ((double)p[cur].setups / km->c[DAX_SIZE_SETUPS] - 1));
	printf("\n");
	adv = advice(p, n);
	best = best_of(p, n);
	printf("  advice: %s (%llu ranges) is within %llu%% of the fewest setups (%llu at %s)",
	       size_str(p[adv].ranges << RANGE_SHIFT, a, sizeof(a)), p[adv].ranges, env.within,
	       p[best].setups, size_str(p[best].ranges << RANGE_SHIFT, b, sizeof(b)));
	if (cur >= 0 && p[best].setups)
		printf("; %s sets up %.1fx as many",
		       size_str(p[cur].ranges << RANGE_SHIFT, c, sizeof(c)),
		       (double)p[cur].setups / p[best].setups);
	printf("\n");
}

static void json_windows(struct json *j, const struct prediction *p, int n,
			 double secs)
{
	json_key(j, "windows");
	json_array_begin(j);
	for (int i = 0; i < n; i++) {
		json_object_begin(j);
		json_key(j, "bytes");
		json_u64(j, p[i].ranges << RANGE_SHIFT);
		json_key(j, "ranges");
		json_u64(j, p[i].ranges);
		json_key(j, "current");
		json_bool(j, p[i].current);
		json_key(j, "setups");
		json_u64(j, p[i].setups);
		json_key(j, "setups_floor");
		json_bool(j, p[i].floor);
		json_key(j, "setups_per_s");
		json_double(j, secs > 0 ? p[i].setups / secs : 0);
		json_key(j, "fault_waits");
		json_u64(j, p[i].fault_waits);
		json_key(j, "alloc_waits");
		json_u64(j, p[i].alloc_waits);
		json_key(j, "wait_ns");
		json_u64(j, p[i].wait_ns);
		json_key(j, "memmap_bytes");
		json_u64(j, p[i].ranges * MEMMAP_PER_RANGE);
		json_object_end(j);
	}
	json_array_end(j);
}

static void print_mount_json(struct json *j, const struct mount *m,
			     const struct dax_size_mount *km, double secs)
{
	struct prediction p[MAX_WINDOWS];
	char name[256], devno[32];
	int adv;

	predict(m, p);
	adv = advice(p, m->nr_windows);
	snprintf(devno, sizeof(devno), "%u:%u", KDEV_MAJOR(m->dev), KDEV_MINOR(m->dev));
	json_object_begin(j);
	json_key(j, "mount");
	json_string(j, dax_mount_name(m->dev, name, sizeof(name)));
	json_key(j, "dev");
	json_string(j, devno);
	json_key(j, "ranges");
	json_u64(j, m->nr_ranges);
	json_key(j, "policy");
	json_string(j, dax_sim_policy_name(policy));
	json_key(j, "seconds");
	json_double(j, secs);
	json_key(j, "lookups");
	json_u64(j, km->c[DAX_SIZE_ACCESSES]);
	json_key(j, "modelled");
	json_u64(j, m->modelled);
	json_key(j, "sample");
	json_u64(j, env.sample);
	json_key(j, "kernel_setups");
	json_u64(j, km->c[DAX_SIZE_SETUPS]);
	json_key(j, "kernel_upgrades");
	json_u64(j, km->c[DAX_SIZE_UPGRADES]);
	json_key(j, "setup_ns");
	json_u64(j, m->setup_ns);
	json_key(j, "remove_ns");
	json_u64(j, m->remove_ns);
	json_key(j, "removals_seen");
	json_bool(j, m->kernel_removals > 0);
	json_key(j, "kernel_wait_ns");
	json_u64(j, km->c[DAX_SIZE_WAIT_NS]);
	json_windows(j, p, m->nr_windows, secs);
	json_key(j, "advice_ranges");
	json_u64(j, p[adv].ranges);
	json_key(j, "advice_bytes");
	json_u64(j, p[adv].ranges << RANGE_SHIFT);
	json_object_end(j);
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec - start->tv_sec + (now.tv_nsec - start->tv_nsec) / 1e9;
}

/* A mount's name as a gnuplot title: no quotes, no backslashes */
static void plot_title(const struct mount *m, char *buf, size_t size)
{
	char name[256];

	snprintf(buf, size, "%s (%s)", dax_mount_name(m->dev, name, sizeof(name)),
		 dax_sim_policy_name(policy));
	for (char *c = buf; *c; c++)
		if (*c == '"' || *c == '\\' || *c == '\n')
			*c = '_';
}

/*
 * --plot: the predicted setups per window size of every mount, a PNG.
 * gnuplot writes it to its stdout, the file opened before privileges
 * were dropped: opened again by name, it could be out of reach now.
 */
static int plot(const struct run *r)
{
	char cmd[64], title[300];
	FILE *gp;
	int status;

	snprintf(cmd, sizeof(cmd), "exec gnuplot >&%d", env.plot_fd);
	if (ftruncate(env.plot_fd, 0) || lseek(env.plot_fd, 0, SEEK_SET)) {
		fprintf(stderr, "%s: cannot rewrite %s: %s\n", tool, env.plot, strerror(errno));
		return -1;
	}
	gp = popen(cmd, "w");
	if (!gp) {
		fprintf(stderr, "%s: cannot run gnuplot: %s\n", tool, strerror(errno));
		return -1;
	}
	fprintf(gp, "set terminal pngcairo size 900,600 font 'sans,10' noenhanced\n"
		    "set title 'dax-size: predicted FUSE_SETUPMAPPINGs by window size'\n"
		    "set xlabel 'window (MiB)'\nset ylabel 'FUSE_SETUPMAPPING'\n"
		    "set logscale x 2\nset grid\nset yrange [0:*]\nset key top right\n");
	for (int i = 0; i < r->nr_mounts; i++) {
		struct prediction p[MAX_WINDOWS];

		predict(&r->m[i], p);
		fprintf(gp, "$m%d << EOD\n", i);
		for (int w = 0; w < r->m[i].nr_windows; w++)
			fprintf(gp, "%llu %llu %d\n", (p[w].ranges << RANGE_SHIFT) >> 20,
				p[w].setups, p[w].current);
		fprintf(gp, "EOD\n");
	}
	fprintf(gp, "plot ");
	for (int i = 0; i < r->nr_mounts; i++) {
		plot_title(&r->m[i], title, sizeof(title));
		fprintf(gp, "%s$m%d using 1:2 with linespoints lw 2 title \"%s\", "
			    "$m%d using 1:($3 > 0 ? $2 : 1/0) with points pt 7 ps 2 title \"current window\"",
			i ? ", " : "", i, title, i);
	}
	if (!r->nr_mounts)
		fprintf(gp, "1/0 title 'no DAX range lookups yet'");
	fprintf(gp, "\n");
	status = pclose(gp);
	if (status) {
		fprintf(stderr, "%s: gnuplot could not draw %s (status %d)\n", tool, env.plot, status);
		return -1;
	}
	return 0;
}

static int report(void *ctx, bool last)
{
	struct run *r = ctx;
	double secs = seconds_since(&r->start);
	time_t now = time(NULL);
	struct json j;
	char when[16];
	int err;

	(void)last;
	if (r->err) {
		fprintf(stderr, "%s: cannot go on modelling: %s\n", tool, strerror(-r->err));
		return r->err;
	}
	r->nr_reports++;
	err = dax_drops_read(skel->maps.drops, &r->drops);
	if (err)
		return err;
	if (env.json) {
		json_report_begin(&j, stdout, now);
		dax_drops_json(&j, &r->drops);
		json_key(&j, "mounts");
		json_array_begin(&j);
	} else if (env.timestamp) {
		printf("\n%s\n", dax_clock_hms(when, sizeof(when)));
	}
	for (int i = 0; i < r->nr_mounts; i++) {
		struct dax_size_mount km;

		kernel_counts(r->m[i].dev, &km);
		if (env.json)
			print_mount_json(&j, &r->m[i], &km, secs);
		else
			print_mount_text(&r->m[i], &km, secs);
	}
	if (env.json) {
		json_array_end(&j);
		json_object_end(&j);
	} else if (!r->nr_mounts) {
		printf("No DAX range lookups yet.\n");
	}
	fflush(stdout);
	if (env.plot && plot(r))
		return -EIO;
	/* a lost lookup makes every prediction after it wrong: say so */
	dax_drops_report(tool, &r->drops, NULL);
	if (r->too_many_mounts)
		fprintf(stderr, "%s: more than %d DAX mounts: the others are not modelled\n",
			tool, MAX_MOUNTS);
	return 0;
}

static int open_bpf(struct dax_bpf *bpf)
{
	int err;

	skel = dax_size_bpf__open();
	if (!skel)
		return -1;
	skel->rodata->targ_sample = DAX_SIZE_SAMPLE_ONE / env.sample;
	skel->rodata->targ_wakeup = env.buffer / 4;
	err = bpf_map__set_max_entries(skel->maps.events, env.buffer);
	if (err) {
		errno = -err;
		return -1;
	}
	*bpf = (struct dax_bpf){ .skeleton = skel->skeleton };
	return 0;
}

static int start_ring(void)
{
	the_run->rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event,
				       the_run, NULL);
	if (!the_run->rb) {
		fprintf(stderr, "%s: cannot map the ring buffer: %s\n", tool, strerror(errno));
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &the_run->start);
	return 0;
}

/* --policy, else what fuse runs; a kernel without the choice runs fifo */
static enum dax_sim_policy policy_to_model(void)
{
	const char *name;
	int p;

	if (env.policy >= 0)
		return env.policy;
	name = dax_reclaim_policy();
	p = name ? dax_sim_policy_by_name(name) : DAX_SIM_FIFO;
	return p < 0 ? DAX_SIM_FIFO : p;
}

/* --plot's gnuplot, looked for before anything is loaded */
static bool in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL, *dir, file[4096];
	bool found = false;

	copy = strdup(path ? path : "/usr/bin:/bin");
	for (dir = copy ? strtok_r(copy, ":", &save) : NULL; dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(file, sizeof(file), "%s/%s", dir, prog);
		found = !access(file, X_OK);
	}
	free(copy);
	return found;
}

/*
 * --plot's FILE, for gnuplot to inherit (not close-on-exec) and above
 * 2: started with stdin closed, popen() would put its pipe over it.
 */
static int open_plot(void)
{
	int fd = open(env.plot, O_WRONLY | O_CREAT, 0644);

	if (fd >= 0 && fd <= 2) {
		env.plot_fd = fcntl(fd, F_DUPFD, 3);
		close(fd);
	} else {
		env.plot_fd = fd;
	}
	if (env.plot_fd < 0) {
		fprintf(stderr, "%s: cannot write --plot %s: %s\n", tool, env.plot,
			strerror(errno));
		return -1;
	}
	return 0;
}

static const char *const functions[] = {
	"fuse_setup_one_mapping", "fuse_dax_inode_cleanup",
	"fuse_dax_free_mem_worker", "fuse_args_to_req", NULL,
};

/* the lookup; where inlined (7.3), where fs/dax returns to fuse */
static const char *const lookup_instead[] = { "dax_iomap_rw", "dax_iomap_fault", NULL };
static const struct dax_fn_alt alts[] = {
	{ "fuse_iomap_begin", lookup_instead },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	struct dax_tool t = {
		.name = tool, .opts = &env.o, .open = open_bpf,
		.attached = start_ring, .functions = functions, .alts = alts,
	};
	struct run *r;
	int err;

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return 2;
	if (env.plot && !in_path("gnuplot")) {
		fprintf(stderr, "%s: --plot needs gnuplot (Debian: apt install gnuplot-nox)\n", tool);
		return 1;
	}
	if (env.plot && open_plot())
		return 1;
	r = calloc(1, sizeof(*r));
	if (!r) {
		fprintf(stderr, "%s: out of memory\n", tool);
		return 1;
	}
	the_run = r;
	policy = policy_to_model();
	t.what = env.json ? NULL : "Recording DAX range lookups";
	err = dax_setup(&t) ?: dax_run(&env.o, report, wait_interval, r);
	ring_buffer__free(r->rb);
	for (int i = 0; i < r->nr_mounts; i++)
		mount_free(&r->m[i]);
	free(r);
	dax_size_bpf__destroy(skel);
	if (env.plot_fd >= 0)
		close(env.plot_fd);
	return err ? 1 : 0;
}
