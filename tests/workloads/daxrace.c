// SPDX-License-Identifier: GPL-2.0
/*
 * daxrace: races of the fuse DAX range code, on demand.  One task is held
 * at the point of the race by a BPF probe (daxrace.bpf.c) while this
 * process does the other side; then it goes on.  What came of it is for
 * the caller to check (the exit status, the file on the server's side).
 *
 * daxrace FILE (kernel patch 0002): a child stores into the first page of
 * FILE through a shared mapping; its write fault misses the range lookup
 * and is held right after it.  Meanwhile this process reads the second
 * page with pread(2), which sets the same range up read-only.  Then the
 * child goes on: it finds the range set up by the reader and must have it
 * upgraded to writable before it stores, or the server never learns of
 * the store.  Finally this process fsync()s FILE.  FILE must be at least
 * two pages long, with none of its first range mapped yet (a file nobody
 * touched since the mount).
 *
 * daxrace --open FILE: this process maps every range of FILE but the last
 * (read faults), then a child write(2)s one byte into the last range.
 * With no free range left the write reclaims one of FILE's own ranges
 * inline; the child is held there, after the range's DAX entries were
 * looked up and before they are removed, while this process open(2)s
 * FILE.  The write must succeed.  FILE must span at least two ranges, and
 * the pool must have no more free ranges than FILE's ranges but one, with
 * nothing freeing any (the server holding REMOVEMAPPING).  "let the
 * writer go" is printed once the hold ended: a held REMOVEMAPPING may be
 * let go from then on.
 *
 * daxrace --flush FILE: as --open, but this process stores into the
 * first page of FILE, and the held child is a close(2) of FILE, whose
 * writeback has that page's DAX entry locked.  Meanwhile another child
 * pread(2)s a byte of the last range: its inline reclaim of the first
 * range writes the entry back too and must wait for it, not skip it, or
 * the entry keeps a TOWRITE mark and its removal fails with EBUSY.  This
 * process waits until the reader sleeps on the entry (its kernel stack,
 * /proc/PID/stack), then lets the close go; the read must succeed.  Same
 * needs on FILE and the pool as --open.
 *
 * daxrace --attr FILE SERVER_FILE: as --open, but during the hold this
 * process grows FILE by a page on the server's side (SERVER_FILE is FILE
 * as the server sees it) and stat()s FILE, asking the server: the new
 * size makes fuse_change_attributes_i() invalidate FILE's pages, DAX
 * entries included, without invalidate_lock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "daxrace.h"
#include "proc.h"
#include "daxrace.skel.h"
#include "../../tools/daxfsd/window.h"	/* WINDOW_RANGE_SIZE */

#define PAGE		4096
#define STORE_BYTE	0x5a
#define WAIT_HOLD_S	30	/* for the child to be held, TCG included */

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

enum race_mode {
	RACE_UPGRADE,	/* a write fault against a reader's setup */
	RACE_OPEN,	/* inline reclaim against open(2) */
	RACE_FLUSH,	/* inline reclaim against the writeback of close(2) */
	RACE_ATTR,	/* inline reclaim against a size change seen by stat(2) */
	RACE_NR_MODES,
};

struct race {
	enum race_mode mode;
	const char *path;
	const char *server_path;	/* --attr */
	int fd;
	unsigned char *map;	/* the first page; else all of FILE */
	size_t map_len;
	off_t write_at;		/* where the writer (--flush: the reader) goes */
	int opened_fd;		/* --open: FILE opened during the hold */
	pid_t reader;		/* --flush: the child whose read reclaims */
};

/* What each race holds, where, and what to say about it. */
static const struct race_kind {
	const char *option;	/* NULL: the default */
	const char *prog;	/* the BPF program that holds */
	const char *probe;	/* the function it probes */
	const char *held;	/* the task it holds */
	const char *other_side;	/* what this process did meanwhile */
	const char *never_held;	/* why the held task may never get there */
} kinds[RACE_NR_MODES] = {
	[RACE_UPGRADE] = { NULL, "hold_fault", "alloc_dax_mapping", "writer",
			   "reader set the range up",
			   "the range was set up already (use a file untouched since the mount)" },
	[RACE_OPEN] = { "--open", "hold_reclaim", "find_get_entries", "writer",
			"opened the file",
			"its write found a free range (fill the pool first, "
			"and hold the server's REMOVEMAPPING)" },
	[RACE_FLUSH] = { "--flush", "hold_flush", "pfn_mkclean_range", "close",
			 "reader reclaimed the entry's range",
			 "it wrote nothing back (no dirty DAX entry of FILE mapped)" },
	[RACE_ATTR] = { "--attr", "hold_reclaim", "find_get_entries", "writer",
			"grew the file on the server and stat()ed it",
			"its write found a free range (fill the pool first, "
			"and hold the server's REMOVEMAPPING)" },
};

/* The held task: waits for the go, then writes. */
static void run_writer(const struct race *r, int go_fd)
{
	unsigned char byte = STORE_BYTE;
	char c;

	if (read(go_fd, &c, 1) != 1)
		_exit(1);
	if (r->mode == RACE_UPGRADE) {
		r->map[0] = STORE_BYTE;
		_exit(msync(r->map, PAGE, MS_SYNC) ? 2 : 0);
	}
	if (r->mode == RACE_FLUSH) {
		if (close(r->fd)) {
			fprintf(stderr, "daxrace: close: %s\n", strerror(errno));
			_exit(2);
		}
		_exit(0);
	}
	if (pwrite(r->fd, &byte, 1, r->write_at) != 1) {
		fprintf(stderr, "daxrace: the writer's pwrite at %lld: %s\n",
			(long long)r->write_at, strerror(errno));
		_exit(3);
	}
	_exit(0);
}

enum poll_end { POLL_DONE, POLL_EXITED, POLL_TIMEOUT };

/* Polls every millisecond until done(arg), CHILD exits (*status), or SECONDS pass. */
static enum poll_end poll_until(bool (*done)(const void *), const void *arg,
				pid_t child, int *status, double seconds)
{
	const struct timespec tick = { .tv_nsec = 1000000 };
	double deadline = now() + seconds;

	while (!done(arg)) {
		if (waitpid(child, status, WNOHANG) == child)
			return POLL_EXITED;
		if (now() > deadline)
			return POLL_TIMEOUT;
		nanosleep(&tick, NULL);
	}
	return POLL_DONE;
}

/* Waits for CHILD; true if it exited 0, else says how WHO failed. */
static bool child_succeeded(pid_t child, const char *who)
{
	int status = 0;

	if (waitpid(child, &status, 0) == child && WIFEXITED(status) &&
	    !WEXITSTATUS(status))
		return true;
	fprintf(stderr, "daxrace: the %s failed (wait status %#x)\n", who, status);
	return false;
}

/*
 * --flush: the reader sleeps uninterruptibly (state D) in its own
 * writeback of the held entry or in removing it; merely passing through
 * those functions is not enough.
 */
static bool reader_waits(const void *arg)
{
	static const char *const where[] = {
		"dax_writeback_mapping_range", "invalidate_inode_pages2_range", NULL
	};
	pid_t reader = *(const pid_t *)arg;

	return task_state(reader) == 'D' && stack_has_any(reader, where);
}

/*
 * --flush: a child reads a byte of the last range, so that its inline
 * reclaim meets the entry the held close(2) has locked; returns once the
 * child sleeps on it.
 */
static int start_reader(struct race *r)
{
	unsigned char byte;
	int status = 0;

	r->reader = fork();
	if (r->reader < 0) {
		perror("daxrace: fork");
		return -1;
	}
	if (r->reader == 0) {
		if (pread(r->fd, &byte, 1, r->write_at) != 1) {
			fprintf(stderr, "daxrace: the reader's pread at %lld: %s\n",
				(long long)r->write_at, strerror(errno));
			_exit(3);
		}
		_exit(0);
	}
	/* the close is held RACE_HOLD_NS at most: no use waiting longer */
	switch (poll_until(reader_waits, &r->reader, r->reader, &status, RACE_HOLD_NS / 1e9)) {
	case POLL_DONE:
		return 0;
	case POLL_EXITED:
		if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
			fprintf(stderr, "daxrace: the reader failed before it waited "
				"for the locked entry\n");
		else
			fprintf(stderr, "daxrace: the reader never waited for the locked "
				"entry: its read found a free range or reclaimed another\n");
		break;
	case POLL_TIMEOUT:
		fprintf(stderr, "daxrace: the reader did not wait for the entry within "
			"the hold (%.0f s)\n", RACE_HOLD_NS / 1e9);
		kill(r->reader, SIGKILL);
		waitpid(r->reader, NULL, 0);
		break;
	}
	r->reader = -1;
	return -1;
}

/*
 * --attr: FILE grows by a page on the server's side, and a stat(2) that
 * asks the server (AT_STATX_FORCE_SYNC) must see it.
 */
static int change_size(const struct race *r)
{
	off_t size = r->map_len + PAGE;
	struct statx stx;

	if (truncate(r->server_path, size)) {
		fprintf(stderr, "daxrace: truncate %s: %s\n", r->server_path, strerror(errno));
		return -1;
	}
	if (statx(AT_FDCWD, r->path, AT_STATX_FORCE_SYNC, STATX_SIZE, &stx)) {
		fprintf(stderr, "daxrace: statx %s: %s\n", r->path, strerror(errno));
		return -1;
	}
	if ((off_t)stx.stx_size != size) {
		fprintf(stderr, "daxrace: stat saw %llu bytes, not the server's %lld\n",
			(unsigned long long)stx.stx_size, (long long)size);
		return -1;
	}
	return 0;
}

/*
 * The other side of the race, while the writer is held.  The file opened
 * stays open: close(2) would wait for the writer's inode lock.
 */
static int meddle(struct race *r)
{
	unsigned char buf[1];

	if (r->mode == RACE_FLUSH)
		return start_reader(r);
	if (r->mode == RACE_ATTR)
		return change_size(r);
	if (r->mode == RACE_UPGRADE) {
		if (pread(r->fd, buf, 1, PAGE) != 1) {
			perror("daxrace: pread");
			return -1;
		}
		return 0;
	}
	r->opened_fd = open(r->path, O_RDONLY);
	if (r->opened_fd < 0) {
		fprintf(stderr, "daxrace: open %s: %s\n", r->path, strerror(errno));
		return -1;
	}
	return 0;
}

static bool armed_not_held(const void *arg)
{
	const struct daxrace_bpf *skel = arg;

	return skel->bss->state != RACE_ARMED;
}

/* Polls until the BPF side holds the writer; 0, or -1 with why. */
static int wait_held(struct daxrace_bpf *skel, const struct race *r, pid_t writer)
{
	const char *held = kinds[r->mode].held;
	int status;

	switch (poll_until(armed_not_held, skel, writer, &status, WAIT_HOLD_S)) {
	case POLL_DONE:
		return 0;
	case POLL_EXITED:
		fprintf(stderr, "daxrace: the %s was never held: %s\n", held,
			kinds[r->mode].never_held);
		break;
	case POLL_TIMEOUT:
		fprintf(stderr, "daxrace: the %s was not held within %d s\n", held, WAIT_HOLD_S);
		break;
	}
	return -1;
}

static void report(const struct daxrace_bpf *skel, const struct race *r)
{
	printf("%s while the %s was held\n", kinds[r->mode].other_side, kinds[r->mode].held);
	if (r->mode == RACE_FLUSH)
		printf("close held %.1f ms after storing %#x at offset 0\n",
		       skel->bss->held_ns / 1e6, STORE_BYTE);
	else
		printf("writer held %.1f ms, wrote %#x at offset %lld\n",
		       skel->bss->held_ns / 1e6, STORE_BYTE, (long long)r->write_at);
}

static int race(struct daxrace_bpf *skel, struct race *r)
{
	int go[2], bad = 0;
	double took;
	pid_t writer;

	if (pipe(go)) {
		perror("daxrace: pipe");
		return -1;
	}
	writer = fork();
	if (writer < 0) {
		perror("daxrace: fork");
		return -1;
	}
	if (writer == 0) {
		close(go[1]);
		run_writer(r, go[0]);
	}
	close(go[0]);
	skel->bss->target_tgid = writer;
	skel->bss->state = RACE_ARMED;
	if (write(go[1], "g", 1) != 1 || wait_held(skel, r, writer)) {
		close(go[1]);
		kill(writer, SIGKILL);
		waitpid(writer, NULL, 0);
		return -1;
	}
	close(go[1]);

	took = now();
	if (meddle(r))
		bad = 1;
	took = now() - took;
	if (skel->bss->state != RACE_HOLDING) {
		fprintf(stderr, "daxrace: the hold ended (after %.1f ms) before the other side "
			"was done (after %.1f ms)\n", skel->bss->held_ns / 1e6, took * 1e3);
		bad = 1;
	}
	skel->bss->release = 1;
	printf("let the writer go\n");
	fflush(stdout);

	if (!child_succeeded(writer, kinds[r->mode].held))
		bad = 1;
	if (r->reader > 0 && !child_succeeded(r->reader, "reader"))
		bad = 1;
	if (bad)
		return -1;
	report(skel, r);
	if (fsync(r->fd)) {
		perror("daxrace: fsync");
		return -1;
	}
	return 0;
}

/* The child's page, for the upgrade race. */
static int map_first_page(struct race *r)
{
	r->map_len = PAGE;
	r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (r->map == MAP_FAILED) {
		fprintf(stderr, "daxrace: mmap %s: %s\n", r->path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * --open, --flush: every range of FILE but the last one mapped, by read
 * faults; --flush stores into the first page.  The children do not
 * inherit the mapping: a munmap() in one would wait for the held close.
 */
static int map_all_but_last(struct race *r)
{
	struct stat st;
	off_t off;

	if (fstat(r->fd, &st)) {
		fprintf(stderr, "daxrace: %s: %s\n", r->path, strerror(errno));
		return -1;
	}
	if (st.st_size < 2 * WINDOW_RANGE_SIZE) {
		fprintf(stderr, "daxrace: %s: needs a file of two ranges (%u MiB) or more\n",
			r->path, 2 * WINDOW_RANGE_SIZE >> 20);
		return -1;
	}
	r->map_len = st.st_size;
	r->write_at = (st.st_size - 1) / WINDOW_RANGE_SIZE * WINDOW_RANGE_SIZE;
	r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (r->map == MAP_FAILED) {
		fprintf(stderr, "daxrace: mmap %s: %s\n", r->path, strerror(errno));
		return -1;
	}
	if (madvise(r->map, r->map_len, MADV_DONTFORK)) {
		fprintf(stderr, "daxrace: madvise(MADV_DONTFORK): %s\n", strerror(errno));
		return -1;
	}
	for (off = 0; off < r->write_at; off += WINDOW_RANGE_SIZE)
		(void)*(volatile unsigned char *)(r->map + off);
	if (r->mode == RACE_FLUSH)
		r->map[0] = STORE_BYTE;
	return 0;
}

/* The mode OPTION names; RACE_NR_MODES if none. */
static enum race_mode mode_of(const char *option)
{
	enum race_mode m;

	for (m = 0; m < RACE_NR_MODES; m++)
		if (kinds[m].option && !strcmp(option, kinds[m].option))
			break;
	return m;
}

static int usage(void)
{
	fprintf(stderr, "usage: daxrace [--open | --flush] FILE\n"
		"       daxrace --attr FILE SERVER_FILE\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct race r = { .fd = -1, .map = MAP_FAILED, .opened_fd = -1, .reader = -1 };
	struct daxrace_bpf *skel = NULL;
	struct bpf_program *prog;
	char **files;
	int err = 1;

	if (argc >= 3)
		r.mode = mode_of(argv[1]);
	if (argc < 2 || r.mode == RACE_NR_MODES)
		return usage();
	/* FILE, and --attr's SERVER_FILE; argv[argc] is NULL */
	files = argv + (kinds[r.mode].option ? 2 : 1);
	if (argv + argc - files != (r.mode == RACE_ATTR ? 2 : 1) || files[0][0] == '-')
		return usage();
	r.path = files[0];
	r.server_path = files[1];
	libbpf_set_print(libbpf_print);
	r.fd = open(r.path, O_RDWR);
	if (r.fd < 0) {
		fprintf(stderr, "daxrace: %s: %s\n", r.path, strerror(errno));
		return 1;
	}
	if (r.mode == RACE_UPGRADE ? map_first_page(&r) : map_all_but_last(&r))
		goto out;
	skel = daxrace_bpf__open();
	if (!skel) {
		fprintf(stderr, "daxrace: opening the BPF object failed\n");
		goto out;
	}
	/* only the program of the race asked for is loaded */
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog),
							kinds[r.mode].prog));
	if (daxrace_bpf__load(skel)) {
		fprintf(stderr, "daxrace: loading the BPF program failed\n");
		goto out;
	}
	if (daxrace_bpf__attach(skel)) {
		fprintf(stderr, "daxrace: attaching a probe to %s failed: "
			"needs CONFIG_KPROBES and fs/fuse/dax.c built in\n", kinds[r.mode].probe);
		goto out;
	}
	err = race(skel, &r) ? 1 : 0;
out:
	daxrace_bpf__destroy(skel);
	if (r.map != MAP_FAILED)
		munmap(r.map, r.map_len);
	if (r.opened_fd >= 0)
		close(r.opened_fd);
	close(r.fd);
	return err;
}
