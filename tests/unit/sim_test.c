// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of tools/lib/dax_sim.c, dax-size's model of the range pool:
 * sequences whose outcome the kernel's rules fix (tests/guest/reclaim-policy.sh
 * measures the same ones on the kernel), the bookkeeping under random
 * sequences, and the history bound.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "dax_sim.h"
#include "check.h"

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static struct dax_sim *sim(enum dax_sim_policy p, unsigned int ranges)
{
	struct dax_sim *s = dax_sim_new(p, ranges, 1 << 20);

	if (!s) {
		check_fail("dax_sim_new", "a model", "NULL");
		exit(1);
	}
	return s;
}

static uint64_t count(const struct dax_sim *s, enum dax_sim_count c)
{
	return dax_sim_counts(s)[c];
}

/* the files' sizes in ranges, by inode: 0 (not known) unless a test says */
static uint64_t file_ranges[8];

/* thread task's lookup at ns of its own clock */
static void access_by(struct dax_sim *s, uint32_t task, uint64_t ino,
		      uint64_t idx, unsigned int flags, uint64_t ns)
{
	if (dax_sim_access(s, task, ino, idx, ino < 8 ? file_ranges[ino] : 0,
			   flags, ns)) {
		check_fail("dax_sim_access", "0", "an error");
		exit(1);
	}
}

/* a lookup of the tests' one thread */
static void access_at(struct dax_sim *s, uint64_t ino, uint64_t idx,
		      unsigned int flags, uint64_t ns)
{
	if (dax_sim_access(s, 1, ino, idx, ino < 8 ? file_ranges[ino] : 0, flags, ns)) {
		check_fail("dax_sim_access", "0", "an error");
		exit(1);
	}
}

/* the tasks' clock: a lookup every microsecond */
static uint64_t test_ns;

static void access_or_fail(struct dax_sim *s, uint64_t ino, uint64_t idx,
			   unsigned int flags)
{
	test_ns += 1000;
	access_at(s, ino, idx, flags, test_ns);
}

/* Faults all over a file the window holds exactly: lfu keeps it. */
static void test_window_holds_file(void)
{
	for (int p = 0; p < DAX_SIM_NR_POLICIES; p++) {
		struct dax_sim *s = sim(p, 16);

		for (int i = 0; i < 5000; i++)
			access_or_fail(s, 2, rng() % 16, DAX_SIM_FAULT);
		if (p == DAX_SIM_LFU) {
			check_u64("lfu setups, window = file", 16, count(s, DAX_SIM_SETUPS));
			check_u64("lfu removals, window = file", 0, count(s, DAX_SIM_REMOVALS));
		} else if (count(s, DAX_SIM_SETUPS) <= 16) {
			/* the worker frees 10 once 14 are set up */
			check_fail("fifo setups, window = file", "more than 16", "16 or fewer");
		}
		dax_sim_free(s);
	}
}

/*
 * A scan of a 40-range file through a 16-range window sets each range up
 * once, and no fault waits: the fifo worker frees ahead of it, lfu's keeps
 * three ranges free once the file cannot fit (fuse_dax_scan_overflows()).
 * Of a file of unknown size, lfu's scan waits once, when the pool ran out.
 */
static void test_scan(void)
{
	for (int p = 0; p < DAX_SIM_NR_POLICIES; p++) {
		for (int sized = 0; sized < 2; sized++) {
			struct dax_sim *s = sim(p, 16);
			char what[64];

			file_ranges[2] = sized ? 40 : 0;
			for (int idx = 0; idx < 40; idx++)
				for (int page = 0; page < 512; page++)
					access_or_fail(s, 2, idx, DAX_SIM_FAULT);
			snprintf(what, sizeof(what), "%s scan setups%s",
				 dax_sim_policy_name(p), sized ? "" : ", size unknown");
			check_u64(what, 40, count(s, DAX_SIM_SETUPS));
			snprintf(what, sizeof(what), "%s scan fault waits%s",
				 dax_sim_policy_name(p), sized ? "" : ", size unknown");
			check_u64(what, p == DAX_SIM_LFU && !sized ? 1 : 0,
				  count(s, DAX_SIM_FAULT_WAITS));
			dax_sim_free(s);
		}
	}
	file_ranges[2] = 0;
}

/*
 * Faults all over a file twice the window: the pool keeps running out.
 * Once a fault found none free and ranges come back, lfu refills the pool
 * a range at a time when its last free one is taken, while that task sets
 * its range up, so the next fault finds one: faults wait while the file
 * is read for the first time and then once each time the shortness
 * lapsed, after 4 windows' worth of setups; at most one wait per 2
 * windows' worth in all (without the refill, each third setup waited:
 * 877 of 2,651).  The count of setups stays lfu's.
 */
static void test_short_pool(void)
{
	uint64_t setups[DAX_SIM_NR_POLICIES];

	for (int p = 0; p < DAX_SIM_NR_POLICIES; p++) {
		struct dax_sim *s = sim(p, 16);

		rng_state = 88172645463325252ULL;
		for (int i = 0; i < 5000; i++)
			access_or_fail(s, 2, rng() % 32, DAX_SIM_FAULT);
		setups[p] = count(s, DAX_SIM_SETUPS);
		if (p == DAX_SIM_LFU &&
		    count(s, DAX_SIM_FAULT_WAITS) > setups[p] / (2 * 16)) {
			char saw[64];

			snprintf(saw, sizeof(saw), "%llu for %llu setups",
				 (unsigned long long)count(s, DAX_SIM_FAULT_WAITS),
				 (unsigned long long)setups[p]);
			check_fail("lfu fault waits, file = 2x window",
				   "one per 2 windows' worth of setups", saw);
		}
		dax_sim_free(s);
	}
	if (setups[DAX_SIM_LFU] > setups[DAX_SIM_FIFO])
		check_fail("lfu setups, file = 2x window", "at most fifo's",
			   "more");
}

/*
 * A scan ran the pool out, and its file left the inode cache; a file the
 * window holds, read after it, is new to the pool, not coming back: lfu
 * sets it up once, with no refill throwing part of it out (as
 * tests/guest/reclaim-policy.sh holds the kernel to).
 */
static void test_fits_after_scan(void)
{
	struct dax_sim *s = sim(DAX_SIM_LFU, 16);
	uint64_t before;

	file_ranges[2] = 40;
	file_ranges[3] = 16;
	for (int idx = 0; idx < 40; idx++)
		for (int page = 0; page < 512; page++)
			access_or_fail(s, 2, idx, DAX_SIM_FAULT);
	dax_sim_evict(s, 2);
	before = count(s, DAX_SIM_SETUPS);
	rng_state = 7;
	for (int i = 0; i < 3000; i++)
		access_or_fail(s, 3, rng() % 16, DAX_SIM_FAULT);
	check_u64("lfu setups of a file the window holds, after a scan", 16,
		  count(s, DAX_SIM_SETUPS) - before);
	dax_sim_free(s);
	file_ranges[2] = file_ranges[3] = 0;
}

/*
 * Two files of 1.5 windows each read once with read(), interleaved (the
 * mixed case of tests/guest/dax-size.sh): each reader reclaims its own
 * ranges inline, and no range comes back, so nothing is refilled ahead:
 * each range is set up once.
 */
static void test_two_readers(void)
{
	struct dax_sim *s = sim(DAX_SIM_LFU, 16);

	for (int idx = 0; idx < 24; idx++)
		for (int chunk = 0; chunk < 32; chunk++) {
			access_or_fail(s, 2, idx, 0);
			access_or_fail(s, 3, idx, 0);
		}
	check_u64("lfu setups of two files read once, interleaved", 48,
		  count(s, DAX_SIM_SETUPS));
	dax_sim_free(s);
}

/* A write to a range read before: one upgrade, no new range. */
static void test_upgrade(void)
{
	struct dax_sim *s = sim(DAX_SIM_LFU, 4);

	access_or_fail(s, 7, 3, 0);
	access_or_fail(s, 7, 3, DAX_SIM_WRITE);
	access_or_fail(s, 7, 3, DAX_SIM_WRITE);
	check_u64("setups of read, write, write", 2, count(s, DAX_SIM_SETUPS));
	check_u64("upgrades of read, write, write", 1, count(s, DAX_SIM_UPGRADES));
	dax_sim_free(s);
}

/*
 * With the window full, a read of a file with no range of its own waits
 * for the worker (under lfu the wait is what starts it); a read of a file
 * with ranges takes one of its own inline.
 */
static void test_inline_and_alloc_wait(void)
{
	for (int own = 0; own < 2; own++) {
		struct dax_sim *s = sim(DAX_SIM_LFU, 8);

		for (int idx = 0; idx < 8; idx++)
			access_or_fail(s, 2, idx, 0);
		check_u64("removals before the window is full", 0,
			  count(s, DAX_SIM_REMOVALS));
		access_or_fail(s, own ? 2 : 3, 8, 0);
		check_u64(own ? "alloc waits of a file with ranges" :
				"alloc waits of a file with none",
			  own ? 0 : 1, count(s, DAX_SIM_ALLOC_WAITS));
		check_u64(own ? "inline reclaims of a file with ranges" :
				"inline reclaims of a file with none",
			  own ? 1 : 0, count(s, DAX_SIM_INLINE));
		dax_sim_free(s);
	}
}

/* An eviction gives the file's ranges back: no reclaim to read it again. */
static void test_evict(void)
{
	struct dax_sim *s = sim(DAX_SIM_LFU, 16);

	for (int idx = 0; idx < 16; idx++)
		access_or_fail(s, 2, idx, DAX_SIM_FAULT);
	dax_sim_evict(s, 2);
	check_u64("removals of an eviction", 16, count(s, DAX_SIM_REMOVALS));
	for (int idx = 0; idx < 16; idx++)
		access_or_fail(s, 5, idx, DAX_SIM_FAULT);
	check_u64("setups after the eviction", 32, count(s, DAX_SIM_SETUPS));
	check_u64("fault waits after the eviction", 0, count(s, DAX_SIM_FAULT_WAITS));
	dax_sim_free(s);
}

/* Zipf-like reads over 4x the window: lfu keeps the hot ranges. */
static void test_skewed(void)
{
	uint64_t setups[DAX_SIM_NR_POLICIES];

	for (int p = 0; p < DAX_SIM_NR_POLICIES; p++) {
		struct dax_sim *s = sim(p, 16);

		rng_state = 42;
		for (int i = 0; i < 20000; i++) {
			/* the square of a uniform draw: range 0 hottest */
			double u = (double)(rng() % 1000000) / 1e6;

			access_or_fail(s, 2, (uint64_t)(u * u * 64), DAX_SIM_FAULT);
		}
		setups[p] = count(s, DAX_SIM_SETUPS);
		dax_sim_free(s);
	}
	printf("skewed reads, 16 of 64 ranges: lfu %llu setups, fifo %llu\n",
	       (unsigned long long)setups[DAX_SIM_LFU],
	       (unsigned long long)setups[DAX_SIM_FIFO]);
	if (setups[DAX_SIM_LFU] >= setups[DAX_SIM_FIFO])
		check_fail("lfu setups on skewed reads", "fewer than fifo's", "as many or more");
}

/*
 * Random mixes of files, reads, writes, faults and evictions: what is
 * mapped (setups less upgrades less removals) never exceeds the window,
 * and the history stays within its bound.
 */
static void test_bookkeeping(void)
{
	for (int p = 0; p < DAX_SIM_NR_POLICIES; p++) {
		struct dax_sim *s = dax_sim_new(p, 5, 50);
		size_t most = 0;

		if (!s) {
			check_fail("dax_sim_new", "a model", "NULL");
			return;
		}
		for (int i = 0; i < 200000; i++) {
			uint64_t r = rng(), mapped;
			const uint64_t *c;

			if (r % 1000 == 0)
				dax_sim_evict(s, r % 4);
			else
				access_or_fail(s, r % 4, (r >> 8) % 100, (r >> 16) % 4);
			c = dax_sim_counts(s);
			mapped = c[DAX_SIM_SETUPS] - c[DAX_SIM_UPGRADES] - c[DAX_SIM_REMOVALS];
			if (mapped > 5 && !check_u64("ranges mapped, at most the window", 5, mapped))
				break;
			if (dax_sim_memory(s) > most)
				most = dax_sim_memory(s);
		}
		/* 50 history entries need at most a 128-slot table */
		if (most > 16384)
			check_fail("the model's memory with history bound 50",
				   "under 16 KiB", "more");
		dax_sim_free(s);
	}
}

/*
 * lfu's refill of a short pool frees one range, not what the pool lacks
 * of 20% free.  16 ranges faulted in; a 17th waits, and the worker frees
 * the 20% (3, the oldest: 0 to 2) and, while new ranges stream in, one
 * more each time one is taken (3, then 4 as 0 comes back).  0 to 3 come
 * back, 3 takes the last free range, and that refills the pool by one
 * (without the refill's own chunk, by three).
 */
static void test_refill_one(void)
{
	struct dax_sim *s = sim(DAX_SIM_LFU, 16);

	for (int idx = 0; idx < 17; idx++)
		access_or_fail(s, 2, idx, DAX_SIM_FAULT);
	check_u64("fault waits, the 17th range", 1, count(s, DAX_SIM_FAULT_WAITS));
	check_u64("removals of the wait and the stream", 4, count(s, DAX_SIM_REMOVALS));
	for (int idx = 0; idx < 4; idx++)
		access_or_fail(s, 2, idx, DAX_SIM_FAULT);
	check_u64("removals once the last free range is taken", 6,
		  count(s, DAX_SIM_REMOVALS));
	check_u64("fault waits after the refill", 1, count(s, DAX_SIM_FAULT_WAITS));
	dax_sim_free(s);
}

/*
 * fifo's worker, kicked when fewer than 20% of the ranges are free, takes
 * a removal's time per range: reads of 9 ranges through a window of 10
 * for a millisecond keep them all if a removal takes a second, where a
 * worker with no clock throws all of them out at each kick.
 */
static void test_paced_worker(void)
{
	struct dax_sim *slow = sim(DAX_SIM_FIFO, 10), *at_once = sim(DAX_SIM_FIFO, 10);

	dax_sim_set_costs(slow, 1000, 1000000000);
	for (int i = 0; i < 1000; i++) {
		access_at(slow, 2, i % 9, DAX_SIM_FAULT, i * 1000);
		access_at(at_once, 2, i % 9, DAX_SIM_FAULT, i * 1000);
	}
	check_u64("fifo setups, removals of a second", 9, count(slow, DAX_SIM_SETUPS));
	check_u64("fifo removals, removals of a second", 0, count(slow, DAX_SIM_REMOVALS));
	if (count(at_once, DAX_SIM_SETUPS) <= 100)
		check_fail("fifo setups, worker without a clock", "over 100", "100 or fewer");
	dax_sim_free(slow);
	dax_sim_free(at_once);
}

/*
 * A fault that finds no free range sleeps until the worker's next
 * removal ends, and its task's later lookups come that much later: a
 * window of 2 ranges full at 2 us kicks the worker (removal 1 ms); a
 * fault at 3 us waits for 2 us + 1 ms.
 */
static void test_paced_wait(void)
{
	struct dax_sim *s = sim(DAX_SIM_FIFO, 2);

	dax_sim_set_costs(s, 0, 1000000);
	access_at(s, 2, 0, DAX_SIM_FAULT, 1000);
	access_at(s, 2, 1, DAX_SIM_FAULT, 2000);
	access_at(s, 2, 2, DAX_SIM_FAULT, 3000);
	check_u64("fault waits, window of 2", 1, count(s, DAX_SIM_FAULT_WAITS));
	check_u64("time waited, ns", 999000, count(s, DAX_SIM_WAIT_NS));
	check_u64("removals once the wait ends", 1, count(s, DAX_SIM_REMOVALS));
	/* a hit 1 us later on the task's clock: the worker's next removal
	 * is still 1 ms off (without a clock it freed both at once) */
	access_at(s, 2, 2, DAX_SIM_FAULT, 4000);
	check_u64("removals 1 us after the wait", 1, count(s, DAX_SIM_REMOVALS));
	dax_sim_free(s);
}

/*
 * A lookup sees what the worker did up to it: 4 faults fill a window of 4
 * and kick the worker at 30 ms (setups of 10 ms), which takes the first
 * range at 50 ms (a removal 20 ms); a fault on it at 60 ms sets it up
 * again.
 */
static void test_worker_before_lookup(void)
{
	struct dax_sim *s = sim(DAX_SIM_FIFO, 4);

	dax_sim_set_costs(s, 10000000, 20000000);
	for (int i = 0; i < 4; i++)
		access_at(s, 2, i, DAX_SIM_FAULT, 1000 * (i + 1));
	access_at(s, 2, 0, DAX_SIM_FAULT, 20000000);
	check_u64("removals before the lookup", 1, count(s, DAX_SIM_REMOVALS));
	check_u64("setups, a range the worker took", 5, count(s, DAX_SIM_SETUPS));
	dax_sim_free(s);
}

/*
 * Threads on their own clocks: one thread's setups do not hold up
 * another's lookups.  A sets up 3 ranges of a window of 4 (10 ms each), B
 * the last at 4 us of its own clock, which kicks the worker (a removal
 * 20 ms): it takes A's first range at 20 ms, before A, 30 ms into its
 * own time, comes back to it.  On one clock B's lookup would come after
 * A's setups, and the range would still be there.
 */
static void test_threads(void)
{
	struct dax_sim *s = sim(DAX_SIM_FIFO, 4);

	dax_sim_set_costs(s, 10000000, 20000000);
	for (int i = 0; i < 3; i++)
		access_by(s, 1, 2, i, DAX_SIM_FAULT, 1000 * (i + 1));
	access_by(s, 2, 3, 0, DAX_SIM_FAULT, 4000);
	access_by(s, 1, 2, 0, DAX_SIM_FAULT, 5000);
	check_u64("setups, two threads' clocks", 5, count(s, DAX_SIM_SETUPS));
	dax_sim_free(s);
}

static void test_names(void)
{
	check_eq("policy lfu", DAX_SIM_LFU, dax_sim_policy_by_name("lfu"));
	check_eq("policy fifo", DAX_SIM_FIFO, dax_sim_policy_by_name("fifo"));
	check_eq("policy lru", -1, dax_sim_policy_by_name("lru"));
	if (dax_sim_new(DAX_SIM_LFU, 0, 10))
		check_fail("a model of 0 ranges", "NULL", "a model");
}

int main(void)
{
	check_keep_going();
	test_window_holds_file();
	test_scan();
	test_short_pool();
	test_fits_after_scan();
	test_two_readers();
	test_upgrade();
	test_inline_and_alloc_wait();
	test_evict();
	test_skewed();
	test_bookkeeping();
	test_refill_one();
	test_paced_worker();
	test_paced_wait();
	test_worker_before_lookup();
	test_threads();
	test_names();
	if (check_failures)
		return 1;
	printf("ok: the range pool model\n");
	return 0;
}
