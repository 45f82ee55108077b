// SPDX-License-Identifier: GPL-2.0
/*
 * The DAX range pool of fs/fuse/dax.c (6.12 with kernel/patches 0010 to
 * 0013), as a sequential model.  What it keeps from the kernel, by name:
 *
 *  - fuse_iomap_begin(): a lookup that finds the range counts a use
 *    (dmap_mark_used()), and a write to a read-only range upgrades it;
 *    one that does not sets it up (fuse_setup_new_dax_mapping()).
 *  - alloc_dax_mapping() takes a free range or, with none, says a task
 *    needs one (__fuse_dax_pressure()); __kick_dmap_free_worker() decides
 *    whether the worker runs.
 *  - A fault cannot reclaim: with no range free it waits for the worker.
 *    A read or write reclaims one of its own file's ranges inline
 *    (inode_pick_reclaim_dmap()), or waits if its file has none.
 *  - The worker (fuse_dax_reclaim_chunk(), __dmap_pick_fifo/lfu()); under
 *    lfu it refills the pool ahead of a short pool's tasks and of a scan
 *    (fuse_dax_scan_overflows()).
 *  - Uses: counted from 1 at setup, halved every 8 windows' worth of
 *    setups, remembered by the file when reclaim takes the range.
 *
 * The clock (dax_sim_set_costs()): a thread's time is the recording's,
 * stretched by the setups, waits and inline removals the model makes it
 * (each thread its own: threads run side by side).
 * The worker starts when kicked and frees one range per removal time
 * while the tasks go on; a task that finds none free sleeps until its
 * next removal ends.  Without a clock the worker runs at once where the
 * kernel queues it, at the point it would run on a guest whose task
 * sleeps on its FUSE_SETUPMAPPING (before the new range joins the busy
 * list), or when a task waits.  No range is ever in use by a concurrent
 * lookup.
 */
#include "dax_sim.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* fs/fuse/dax.c */
#define RECLAIM_THRESHOLD	20	/* % of the ranges kept free */
#define RECLAIM_CHUNK		10	/* ranges a worker run frees at most */
#define LFU_SCAN		64	/* busy ranges one lfu pick compares */
#define USES_HALF_LIFE		8	/* windows' worth of setups */
#define SCAN_FREE		3	/* kept free ahead of a scan */
#define SHORT_WINDOWS		4	/* windows' worth of setups */
#define USES_MAX		255

#define NONE			UINT32_MAX
#define TASK_SLOTS		256	/* threads' clocks a model keeps */

/* An open-addressing table of (ino, idx) -> value, linear probing. */
struct kv {
	uint64_t ino, idx;
	uint32_t val;
	bool used;
};

struct table {
	struct kv *e;
	size_t cap, n;		/* cap a power of two, n <= cap / 2 */
};

static size_t table_slot(const struct table *t, uint64_t ino, uint64_t idx)
{
	uint64_t h = (ino * 0x9e3779b97f4a7c15ULL) ^ (idx * 0xc2b2ae3d27d4eb4fULL);

	h ^= h >> 29;
	return (size_t)h & (t->cap - 1);
}

static struct kv *table_find(const struct table *t, uint64_t ino, uint64_t idx)
{
	if (!t->cap)
		return NULL;
	for (size_t i = table_slot(t, ino, idx);; i = (i + 1) & (t->cap - 1)) {
		struct kv *e = &t->e[i];

		if (!e->used)
			return NULL;
		if (e->ino == ino && e->idx == idx)
			return e;
	}
}

static int table_grow(struct table *t)
{
	struct table bigger = { .cap = t->cap ? t->cap * 2 : 64 };

	bigger.e = calloc(bigger.cap, sizeof(*bigger.e));
	if (!bigger.e)
		return -ENOMEM;
	for (size_t i = 0; i < t->cap; i++) {
		const struct kv *e = &t->e[i];
		size_t j;

		if (!e->used)
			continue;
		for (j = table_slot(&bigger, e->ino, e->idx); bigger.e[j].used;
		     j = (j + 1) & (bigger.cap - 1))
			;
		bigger.e[j] = *e;
		bigger.n++;
	}
	free(t->e);
	*t = bigger;
	return 0;
}

static int table_put(struct table *t, uint64_t ino, uint64_t idx, uint32_t val)
{
	struct kv *e = table_find(t, ino, idx);
	size_t i;

	if (e) {
		e->val = val;
		return 0;
	}
	if ((t->n + 1) * 2 > t->cap && table_grow(t))
		return -ENOMEM;
	for (i = table_slot(t, ino, idx); t->e[i].used; i = (i + 1) & (t->cap - 1))
		;
	t->e[i] = (struct kv){ .ino = ino, .idx = idx, .val = val, .used = true };
	t->n++;
	return 0;
}

/* Backward-shift deletion: no tombstones, lookups stay short. */
static void table_del_slot(struct table *t, size_t i)
{
	size_t mask = t->cap - 1;

	for (size_t j = (i + 1) & mask; t->e[j].used; j = (j + 1) & mask) {
		size_t home = table_slot(t, t->e[j].ino, t->e[j].idx);

		/* e[j] may move to i if its home is not within (i, j] */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->e[i] = t->e[j];
			i = j;
		}
	}
	t->e[i].used = false;
	t->n--;
}

static void table_del(struct table *t, uint64_t ino, uint64_t idx)
{
	struct kv *e = table_find(t, ino, idx);

	if (e)
		table_del_slot(t, e - t->e);
}

/*
 * A thread's stretch: the time the model's setups, waits and inline
 * removals took it.  By a hash of the thread; one that meets another's
 * slot starts again from none.
 */
struct task_slot {
	uint32_t tid;
	bool used;
	uint64_t stretch;
};

/* One range of the window. */
struct range {
	uint64_t ino, idx;
	uint64_t mapped_at;	/* model time its setup ended */
	uint32_t prev, next;	/* busy list, circular */
	uint8_t uses, epoch;
	bool busy, writable;
};

/* A file's ranges in the window, by index: inline reclaim's view. */
struct file {
	uint64_t ino;
	uint64_t hand;		/* lfu: where inline reclaim looks next */
	uint32_t n, cap;
	uint32_t nr_history;	/* its entries in the model's history */
	uint64_t *idx;		/* sorted */
	uint32_t *rid;
};

struct dax_sim {
	enum dax_sim_policy policy;
	uint32_t nr_ranges, nr_free, nr_busy;
	struct range *r;
	uint32_t *free;		/* stack of free range ids */
	uint32_t head;		/* busy list: the worker's hand */
	struct table mapped;	/* (ino, idx) -> range id */
	struct table history;	/* (ino, idx) -> uses | epoch << 8 */
	size_t max_history;
	struct table file_of;	/* (ino, 0) -> index in files */
	struct file *files;
	uint32_t nr_files, files_cap;
	/* __kick_dmap_free_worker()'s state */
	bool pressure, stream_full, worker_queued, ran_out;
	uint32_t refill;	/* free ranges to keep for the next tasks */
	uint32_t nr_new, last_setup;
	/* the clock: model time = a thread's own time + its stretch */
	uint64_t setup_ns, remove_ns;
	uint64_t now;
	struct task_slot task[TASK_SLOTS];
	struct task_slot *cur;	/* the thread of the lookup under way */
	/* the worker's run: kicked at kick_ns, its last step at worker_at */
	bool worker_running, worker_ahead;
	uint32_t worker_left, worker_freed;
	uint64_t kick_ns, worker_at, worker_since;
	uint64_t ran_out_setups;
	uint64_t nr_setups, epoch_setups;
	uint8_t epoch;
	uint64_t count[DAX_SIM_NR_COUNTS];
};

static const char *const policy_names[DAX_SIM_NR_POLICIES] = {
	[DAX_SIM_LFU] = "lfu",
	[DAX_SIM_FIFO] = "fifo",
};

int dax_sim_policy_by_name(const char *name)
{
	for (int p = 0; p < DAX_SIM_NR_POLICIES; p++)
		if (!strcmp(name, policy_names[p]))
			return p;
	return -1;
}

const char *dax_sim_policy_name(enum dax_sim_policy policy)
{
	return policy < DAX_SIM_NR_POLICIES ? policy_names[policy] : "?";
}

struct dax_sim *dax_sim_new(enum dax_sim_policy policy, unsigned int nr_ranges,
			    size_t max_history)
{
	struct dax_sim *s = calloc(1, sizeof(*s));

	if (!s || !nr_ranges)
		goto fail;
	s->policy = policy;
	s->nr_ranges = s->nr_free = nr_ranges;
	s->r = calloc(nr_ranges, sizeof(*s->r));
	s->free = calloc(nr_ranges, sizeof(*s->free));
	if (!s->r || !s->free)
		goto fail;
	for (uint32_t i = 0; i < nr_ranges; i++)
		s->free[i] = nr_ranges - 1 - i;
	s->head = s->last_setup = NONE;
	s->max_history = max_history;
	s->epoch_setups = (uint64_t)nr_ranges * USES_HALF_LIFE;
	return s;
fail:
	dax_sim_free(s);
	return NULL;
}

void dax_sim_free(struct dax_sim *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->nr_files; i++) {
		free(s->files[i].idx);
		free(s->files[i].rid);
	}
	free(s->files);
	free(s->file_of.e);
	free(s->mapped.e);
	free(s->history.e);
	free(s->free);
	free(s->r);
	free(s);
}

const uint64_t *dax_sim_counts(const struct dax_sim *s)
{
	return s->count;
}

size_t dax_sim_memory(const struct dax_sim *s)
{
	size_t bytes = sizeof(*s) + s->nr_ranges * (sizeof(*s->r) + sizeof(*s->free)) +
		       (s->mapped.cap + s->history.cap + s->file_of.cap) * sizeof(struct kv) +
		       s->files_cap * sizeof(*s->files);

	for (uint32_t i = 0; i < s->nr_files; i++)
		bytes += s->files[i].cap * (sizeof(uint64_t) + sizeof(uint32_t));
	return bytes;
}

/* fuse_dax_aged_uses() */
static uint8_t aged(uint8_t uses, uint8_t then, uint8_t now)
{
	uint8_t halvings = now - then;

	return halvings < 8 ? uses >> halvings : 0;
}

static uint8_t range_uses(const struct dax_sim *s, const struct range *r)
{
	return aged(r->uses, r->epoch, s->epoch);
}

static long free_threshold(const struct dax_sim *s)
{
	long t = (long)s->nr_ranges * RECLAIM_THRESHOLD / 100;

	return t > 1 ? t : 1;
}

static bool streaming(const struct dax_sim *s)
{
	return s->stream_full && s->nr_new >= s->nr_ranges / 2;
}

/* __fuse_dax_pressure(): a task needs a range and none is free */
static void pressure(struct dax_sim *s)
{
	s->pressure = s->stream_full = s->ran_out = true;
	s->ran_out_setups = s->nr_setups;
}

/* fuse_dax_short(): a task found none free not long ago, ranges come back */
static bool pool_short(const struct dax_sim *s)
{
	return s->ran_out && !s->nr_new &&
	       s->nr_setups - s->ran_out_setups < SHORT_WINDOWS * (uint64_t)s->nr_ranges;
}

/* __kick_dmap_free_worker() at time at: queued, it runs from then on */
static void kick_worker(struct dax_sim *s, uint64_t at)
{
	if (s->nr_free >= free_threshold(s) && s->nr_free >= s->refill) {
		s->pressure = false;
		s->refill = 0;
		return;
	}
	if (s->pressure || s->refill || streaming(s) || s->policy == DAX_SIM_FIFO) {
		if (!s->worker_queued)
			s->kick_ns = at;
		s->worker_queued = true;
	}
}

static void busy_add_tail(struct dax_sim *s, uint32_t id)
{
	struct range *r = &s->r[id];

	if (s->head == NONE) {
		r->prev = r->next = s->head = id;
	} else {
		uint32_t tail = s->r[s->head].prev;

		r->prev = tail;
		r->next = s->head;
		s->r[tail].next = id;
		s->r[s->head].prev = id;
	}
	r->busy = true;
	s->nr_busy++;
}

static void busy_del(struct dax_sim *s, uint32_t id)
{
	struct range *r = &s->r[id];

	if (r->next == id) {
		s->head = NONE;
	} else {
		s->r[r->prev].next = r->next;
		s->r[r->next].prev = r->prev;
		if (s->head == id)
			s->head = r->next;
	}
	r->busy = false;
	s->nr_busy--;
}

static struct file *file_get(struct dax_sim *s, uint64_t ino, bool create)
{
	struct kv *e = table_find(&s->file_of, ino, 0);
	struct file *f;

	if (e)
		return &s->files[e->val];
	if (!create)
		return NULL;
	if (s->nr_files == s->files_cap) {
		uint32_t cap = s->files_cap ? s->files_cap * 2 : 16;
		struct file *files = realloc(s->files, cap * sizeof(*files));

		if (!files)
			return NULL;
		s->files = files;
		s->files_cap = cap;
	}
	if (table_put(&s->file_of, ino, 0, s->nr_files))
		return NULL;
	f = &s->files[s->nr_files++];
	*f = (struct file){ .ino = ino };
	return f;
}

/* The position of the first of f's ranges at or after idx */
static uint32_t file_lower_bound(const struct file *f, uint64_t idx)
{
	uint32_t lo = 0, hi = f->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (f->idx[mid] < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int file_add(struct file *f, uint64_t idx, uint32_t id)
{
	uint32_t at = file_lower_bound(f, idx);

	if (f->n == f->cap) {
		uint32_t cap = f->cap ? f->cap * 2 : 8;
		uint64_t *ix = realloc(f->idx, cap * sizeof(*ix));
		uint32_t *rid;

		if (!ix)
			return -ENOMEM;
		f->idx = ix;
		rid = realloc(f->rid, cap * sizeof(*rid));
		if (!rid)
			return -ENOMEM;
		f->rid = rid;
		f->cap = cap;
	}
	memmove(&f->idx[at + 1], &f->idx[at], (f->n - at) * sizeof(*f->idx));
	memmove(&f->rid[at + 1], &f->rid[at], (f->n - at) * sizeof(*f->rid));
	f->idx[at] = idx;
	f->rid[at] = id;
	f->n++;
	return 0;
}

static void file_del(struct file *f, uint64_t idx)
{
	uint32_t at = file_lower_bound(f, idx);

	if (at == f->n || f->idx[at] != idx)
		return;
	f->n--;
	memmove(&f->idx[at], &f->idx[at + 1], (f->n - at) * sizeof(*f->idx));
	memmove(&f->rid[at], &f->rid[at + 1], (f->n - at) * sizeof(*f->rid));
}

/* dmap_remember_uses(): the file keeps the uses of a reclaimed range */
static void remember_uses(struct dax_sim *s, struct file *f, const struct range *r)
{
	struct kv *e = table_find(&s->history, r->ino, r->idx);
	uint8_t uses = range_uses(s, r);
	uint32_t val = uses | (uint32_t)s->epoch << 8;

	if (e && uses) {
		e->val = val;
	} else if (e) {
		table_del_slot(&s->history, e - s->history.e);
		f->nr_history--;
	} else if (uses && s->history.n < s->max_history &&
		   !table_put(&s->history, r->ino, r->idx, val)) {
		/* without room the range comes back as new, as without memory */
		f->nr_history++;
	}
}

/* The range leaves the window: reclaim_one_dmap_locked() */
static void unmap(struct dax_sim *s, uint32_t id)
{
	struct range *r = &s->r[id];
	struct file *f = file_get(s, r->ino, false);

	/* a mapped range's file is known */
	remember_uses(s, f, r);
	table_del(&s->mapped, r->ino, r->idx);
	file_del(f, r->idx);
	busy_del(s, id);
	if (s->last_setup == id)
		s->last_setup = NONE;
	s->count[DAX_SIM_REMOVALS]++;
}

/*
 * __dmap_pick_lfu(): the least used of the next LFU_SCAN from the hand,
 * set up before since (the run's start); NONE if all were set up after.
 */
static uint32_t pick_lfu(struct dax_sim *s, bool ahead, uint64_t since)
{
	uint32_t left = s->nr_busy < LFU_SCAN ? s->nr_busy : LFU_SCAN;
	uint32_t pick = NONE, last = NONE;
	uint8_t least = 0;

	/* each range passed goes to the tail: the hand moves on */
	while (left--) {
		uint32_t id = s->head;
		uint8_t uses;

		s->head = s->r[id].next;
		if (s->r[id].mapped_at > since)
			continue;
		if (ahead && id == s->last_setup) {
			last = id;
			continue;
		}
		uses = range_uses(s, &s->r[id]);
		if (pick == NONE || uses < least) {
			pick = id;
			least = uses;
		}
		if (!least)
			break;
	}
	return pick != NONE ? pick : last;
}

/* fuse_dax_reclaim_chunk() */
static uint32_t reclaim_chunk(const struct dax_sim *s, bool *ahead)
{
	long lack = 0;

	*ahead = false;
	if (s->policy == DAX_SIM_FIFO)
		return RECLAIM_CHUNK;
	*ahead = s->nr_free > 0 || s->refill;
	if (s->nr_free < s->refill && !s->pressure && !streaming(s))
		lack = (long)s->refill - s->nr_free;
	else if (!s->nr_free || streaming(s))
		lack = free_threshold(s) - (long)s->nr_free;
	if (lack < 0)
		return 0;
	return lack > RECLAIM_CHUNK ? RECLAIM_CHUNK : lack;
}

/*
 * fuse_dax_free_mem_worker(), a step at a time: a run starts (and
 * decides how many it frees), frees one range per removal time, ends
 * (and is queued again while it is kicked).
 */
static bool worker_done(const struct dax_sim *s)
{
	return !s->worker_left || !s->nr_busy;
}

/* When the worker's next step is, NEVER when it is idle */
#define NEVER	UINT64_MAX
static uint64_t worker_next(const struct dax_sim *s)
{
	if (s->worker_running)
		return worker_done(s) ? s->worker_at : s->worker_at + s->remove_ns;
	if (s->worker_queued)
		return s->kick_ns > s->worker_at ? s->kick_ns : s->worker_at;
	return NEVER;
}

static void worker_step(struct dax_sim *s)
{
	s->worker_at = worker_next(s);
	if (!s->worker_running) {
		/* the chunk first: a refill asked for decides it */
		s->worker_left = reclaim_chunk(s, &s->worker_ahead);
		s->worker_queued = false;
		s->refill = 0;
		s->worker_freed = 0;
		s->worker_since = s->worker_at;
		s->worker_running = true;
	} else if (!worker_done(s)) {
		uint32_t id = s->policy == DAX_SIM_FIFO ? s->head :
			      pick_lfu(s, s->worker_ahead, s->worker_since);

		/* every busy range is newer than the run: it ends */
		if (id == NONE) {
			s->worker_left = 0;
			return;
		}
		unmap(s, id);
		s->free[s->nr_free++] = id;
		s->worker_left--;
		s->worker_freed++;
	} else {
		s->worker_running = false;
		if (s->nr_free > 0)
			s->pressure = false;
		kick_worker(s, s->worker_at);
		/* the kernel would requeue for nothing: nothing left to free */
		if (!s->worker_freed)
			s->worker_queued = false;
	}
}

/* The worker's steps up to time t (without a clock, all of them) */
static void worker_until(struct dax_sim *s, uint64_t t)
{
	if (!s->remove_ns)
		t = NEVER - 1;
	while (worker_next(s) <= t)
		worker_step(s);
}

/* The tasks' time moves on by ns: a setup, a wait, an inline removal */
static void task_spends(struct dax_sim *s, uint64_t ns)
{
	s->now += ns;
	s->cur->stretch += ns;
}

/*
 * fuse_dax_scan_overflows(): a scan (idx starts file f, or follows the
 * range set up last) of a file with more ranges left, besides the one it
 * is about to get, than the pool has free
 */
static bool scan_overflows(const struct dax_sim *s, const struct file *f,
			   uint64_t idx, uint64_t file_ranges)
{
	const struct range *last = s->last_setup != NONE ? &s->r[s->last_setup] : NULL;

	if (idx && !(last && last->ino == f->ino && last->idx + 1 == idx))
		return false;
	return file_ranges > (uint64_t)f->n + 1 + s->nr_free;
}

/* alloc_dax_mapping() for range idx of file f */
static uint32_t alloc_range(struct dax_sim *s, const struct file *f,
			    uint64_t idx, uint64_t file_ranges)
{
	uint32_t id = NONE;

	if (s->nr_free) {
		id = s->free[--s->nr_free];
		if (s->nr_free < SCAN_FREE && s->policy == DAX_SIM_LFU &&
		    scan_overflows(s, f, idx, file_ranges))
			s->refill = SCAN_FREE;
		else if (!s->nr_free && pool_short(s) && !s->refill)
			s->refill = 1;
	} else {
		pressure(s);
	}
	kick_worker(s, s->now);
	return id;
}

/* A task sleeps until a range is free: fuse_dax_range_free() */
static uint32_t wait_for_range(struct dax_sim *s, enum dax_sim_count wait,
			       const struct file *f, uint64_t idx,
			       uint64_t file_ranges)
{
	s->count[wait]++;
	pressure(s);
	kick_worker(s, s->now);
	worker_until(s, s->now);
	/* under pressure the worker is queued, and frees at least one */
	while (!s->nr_free && worker_next(s) != NEVER) {
		uint64_t t = s->remove_ns ? worker_next(s) : s->now;

		if (t > s->now) {
			s->count[DAX_SIM_WAIT_NS] += t - s->now;
			task_spends(s, t - s->now);
		}
		worker_step(s);
	}
	return alloc_range(s, f, idx, file_ranges);
}

/* inode_pick_reclaim_dmap(): fifo its first range, lfu from its hand */
static uint32_t pick_inline(struct dax_sim *s, struct file *f)
{
	uint32_t at, left, pick = NONE;
	uint8_t least = 0;

	if (s->policy == DAX_SIM_FIFO)
		return f->rid[0];
	at = file_lower_bound(f, f->hand);
	left = f->n < LFU_SCAN ? f->n : LFU_SCAN;
	for (; left; left--, at++) {
		uint8_t uses;

		if (at == f->n)
			at = 0;
		uses = range_uses(s, &s->r[f->rid[at]]);
		if (pick == NONE || uses < least) {
			pick = f->rid[at];
			least = uses;
		}
		if (!least)
			break;
	}
	f->hand = s->r[pick].idx + 1;
	return pick;
}

/* fuse_dax_count_setup() and dmap_recall_uses(): true if the file knew it */
static bool recall_uses(struct dax_sim *s, struct range *r)
{
	const struct kv *e;
	uint8_t uses = 0;

	if (!(++s->nr_setups % s->epoch_setups))
		s->epoch++;
	e = table_find(&s->history, r->ino, r->idx);
	if (e)
		uses = aged(e->val & 0xff, e->val >> 8, s->epoch);
	r->uses = uses < USES_MAX ? uses + 1 : USES_MAX;
	r->epoch = s->epoch;
	return e != NULL;
}

/* fuse_setup_one_mapping() of a new range */
static int setup(struct dax_sim *s, uint32_t id, struct file *f, uint64_t idx,
		 bool writable)
{
	struct range *r = &s->r[id];

	*r = (struct range){ .ino = f->ino, .idx = idx, .writable = writable };
	/* the worker runs while the task waits for the server's reply */
	worker_until(s, s->now + s->setup_ns);
	task_spends(s, s->setup_ns);
	if (recall_uses(s, r)) {
		s->nr_new = 0;
		s->stream_full = false;
	} else if (s->nr_new < UINT32_MAX) {
		s->nr_new++;
	}
	if (table_put(&s->mapped, f->ino, idx, id) || file_add(f, idx, id))
		return -ENOMEM;
	busy_add_tail(s, id);
	r->mapped_at = s->now;
	s->last_setup = id;
	s->count[DAX_SIM_SETUPS]++;
	return 0;
}

/* dmap_mark_used() */
static void mark_used(struct dax_sim *s, struct range *r)
{
	uint8_t uses = range_uses(s, r);

	if (uses == USES_MAX && r->epoch == s->epoch)
		return;
	r->uses = uses < USES_MAX ? uses + 1 : USES_MAX;
	r->epoch = s->epoch;
}

void dax_sim_set_costs(struct dax_sim *s, uint64_t setup_ns, uint64_t remove_ns)
{
	s->setup_ns = setup_ns;
	s->remove_ns = remove_ns;
}

int dax_sim_access(struct dax_sim *s, uint32_t task, uint64_t ino, uint64_t idx,
		   uint64_t file_ranges, unsigned int flags, uint64_t task_ns)
{
	struct task_slot *t = &s->task[(task * 0x9e3779b9U) >> 24 & (TASK_SLOTS - 1)];
	bool write = flags & DAX_SIM_WRITE;
	struct file *f;
	struct kv *e;
	uint32_t id;

	if (!t->used || t->tid != task)
		*t = (struct task_slot){ .tid = task, .used = true };
	s->cur = t;
	/*
	 * Each thread on its own clock: threads run side by side, and the
	 * setups of one do not hold up the lookups of another
	 */
	s->now = task_ns + t->stretch;
	if (s->remove_ns)
		worker_until(s, s->now);
	s->count[DAX_SIM_ACCESSES]++;
	/* after the worker's steps: they may have taken the range */
	e = table_find(&s->mapped, ino, idx);
	if (e) {
		struct range *r = &s->r[e->val];

		mark_used(s, r);
		if (write && !r->writable) {
			r->writable = true;
			s->count[DAX_SIM_SETUPS]++;
			s->count[DAX_SIM_UPGRADES]++;
			task_spends(s, s->setup_ns);
		}
		return 0;
	}
	f = file_get(s, ino, true);
	if (!f)
		return -ENOMEM;
	id = alloc_range(s, f, idx, file_ranges);
	if (id == NONE && !(flags & DAX_SIM_FAULT) && f->n) {
		/* alloc_dax_mapping_reclaim(): one of its own, straight to use */
		id = pick_inline(s, f);
		unmap(s, id);
		s->count[DAX_SIM_INLINE]++;
		s->count[DAX_SIM_WAIT_NS] += s->remove_ns;
		task_spends(s, s->remove_ns);
	}
	while (id == NONE)
		id = wait_for_range(s, flags & DAX_SIM_FAULT ? DAX_SIM_FAULT_WAITS :
							     DAX_SIM_ALLOC_WAITS,
				    f, idx, file_ranges);
	return setup(s, id, f, idx, write);
}

/* Rebuilt without ino's entries: an eviction is rare, the table small */
static void drop_history(struct dax_sim *s, uint64_t ino)
{
	struct table kept = {};

	for (size_t i = 0; i < s->history.cap; i++) {
		const struct kv *e = &s->history.e[i];

		/* without memory for the copy, the old entries stay */
		if (e->used && e->ino != ino &&
		    table_put(&kept, e->ino, e->idx, e->val)) {
			free(kept.e);
			return;
		}
	}
	free(s->history.e);
	s->history = kept;
}

/* The file leaves the model: the last one takes its slot */
static void file_forget(struct dax_sim *s, struct file *f)
{
	struct file *last = &s->files[s->nr_files - 1];

	free(f->idx);
	free(f->rid);
	table_del(&s->file_of, f->ino, 0);
	if (f != last) {
		*f = *last;
		table_put(&s->file_of, f->ino, 0, f - s->files);
	}
	s->nr_files--;
}

void dax_sim_evict(struct dax_sim *s, uint64_t ino)
{
	struct file *f = file_get(s, ino, false);

	if (!f)
		return;
	/* room made without reclaim: inode_reclaim_dmap_range() */
	if (f->n)
		s->stream_full = false;
	while (f->n) {
		uint32_t id = f->rid[f->n - 1];

		unmap(s, id);
		s->free[s->nr_free++] = id;
	}
	/* the file's history goes with the inode */
	if (f->nr_history)
		drop_history(s, ino);
	file_forget(s, f);
}
