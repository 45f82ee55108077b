// SPDX-License-Identifier: GPL-2.0
/*
 * daxrace: races of the fuse DAX range code, on demand.  One task is held
 * at the point of the race by a BPF probe (daxrace.bpf.c) while this
 * process does the other side; then it goes on.  What came of it is for
 * the caller to check (the exit status, the file on the server's side).
 *
 * daxrace FILE (kernel patch 0004): a child stores into the first page of
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
#include "daxrace.skel.h"
#include "../../tools/daxfsd/window.h"	/* WINDOW_RANGE_SIZE */

#define PAGE		4096
#define STORE_BYTE	0x5a
#define WAIT_HOLD_S	30	/* for the child to be held, TCG included */

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

struct race {
	bool open;		/* --open: the reclaim against open(2) */
	const char *path;
	int fd;
	unsigned char *map;	/* the first page; with --open, all of FILE */
	size_t map_len;
	off_t write_at;		/* --open: where the child writes */
	int opened_fd;		/* --open: FILE opened during the hold */
};

/* The held task: waits for the go, then writes. */
static void run_writer(const struct race *r, int go_fd)
{
	unsigned char byte = STORE_BYTE;
	char c;

	if (read(go_fd, &c, 1) != 1)
		_exit(1);
	if (!r->open) {
		r->map[0] = STORE_BYTE;
		_exit(msync(r->map, PAGE, MS_SYNC) ? 2 : 0);
	}
	if (pwrite(r->fd, &byte, 1, r->write_at) != 1) {
		fprintf(stderr, "daxrace: the writer's pwrite at %lld: %s\n",
			(long long)r->write_at, strerror(errno));
		_exit(3);
	}
	_exit(0);
}

/*
 * The other side of the race, while the writer is held.  The file opened
 * stays open: close(2) would wait for the writer's inode lock.
 */
static int meddle(struct race *r)
{
	unsigned char buf[1];

	if (!r->open) {
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

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Polls until the BPF side holds the writer; 0, or -1 with why. */
static int wait_held(struct daxrace_bpf *skel, const struct race *r, pid_t writer)
{
	const struct timespec tick = { .tv_nsec = 1000000 };
	double deadline = now() + WAIT_HOLD_S;
	int status;

	while (skel->bss->state == RACE_ARMED) {
		if (waitpid(writer, &status, WNOHANG) == writer) {
			fprintf(stderr, "daxrace: the writer was never held: %s\n", r->open ?
				"its write found a free range (fill the pool first, "
				"and hold the server's REMOVEMAPPING)" :
				"the range was set up already (use a file untouched since the mount)");
			return -1;
		}
		if (now() > deadline) {
			fprintf(stderr, "daxrace: the writer was not held within %d s\n",
				WAIT_HOLD_S);
			return -1;
		}
		nanosleep(&tick, NULL);
	}
	return 0;
}

static int race(struct daxrace_bpf *skel, struct race *r)
{
	int go[2], status, bad = 0;
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

	if (waitpid(writer, &status, 0) != writer || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "daxrace: the writer failed (wait status %#x)\n", status);
		return -1;
	}
	if (bad)
		return -1;
	printf("%s while the writer was held\n", r->open ?
	       "opened the file" : "reader set the range up");
	printf("writer held %.1f ms, wrote %#x at offset %lld\n",
	       skel->bss->held_ns / 1e6, STORE_BYTE, (long long)r->write_at);
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

/* --open: every range of FILE but the last one mapped, by read faults. */
static int map_all_but_last(struct race *r)
{
	struct stat st;
	off_t off;

	if (fstat(r->fd, &st)) {
		fprintf(stderr, "daxrace: %s: %s\n", r->path, strerror(errno));
		return -1;
	}
	if (st.st_size < 2 * WINDOW_RANGE_SIZE) {
		fprintf(stderr, "daxrace: %s: --open needs a file of two ranges (%u MiB) or more\n",
			r->path, 2 * WINDOW_RANGE_SIZE >> 20);
		return -1;
	}
	r->map_len = st.st_size;
	r->write_at = (st.st_size - 1) / WINDOW_RANGE_SIZE * WINDOW_RANGE_SIZE;
	r->map = mmap(NULL, r->map_len, PROT_READ, MAP_SHARED, r->fd, 0);
	if (r->map == MAP_FAILED) {
		fprintf(stderr, "daxrace: mmap %s: %s\n", r->path, strerror(errno));
		return -1;
	}
	for (off = 0; off < r->write_at; off += WINDOW_RANGE_SIZE)
		(void)*(volatile unsigned char *)(r->map + off);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: daxrace [--open] FILE\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct race r = { .fd = -1, .map = MAP_FAILED, .opened_fd = -1 };
	struct daxrace_bpf *skel = NULL;
	int err = 1;

	if (argc == 3 && !strcmp(argv[1], "--open"))
		r.open = true;
	else if (argc != 2)
		return usage();
	r.path = argv[argc - 1];
	if (r.path[0] == '-')
		return usage();
	libbpf_set_print(libbpf_print);
	r.fd = open(r.path, O_RDWR);
	if (r.fd < 0) {
		fprintf(stderr, "daxrace: %s: %s\n", r.path, strerror(errno));
		return 1;
	}
	if (r.open ? map_all_but_last(&r) : map_first_page(&r))
		goto out;
	skel = daxrace_bpf__open();
	if (!skel) {
		fprintf(stderr, "daxrace: opening the BPF object failed\n");
		goto out;
	}
	bpf_program__set_autoload(r.open ? skel->progs.hold_fault : skel->progs.hold_reclaim, false);
	if (daxrace_bpf__load(skel)) {
		fprintf(stderr, "daxrace: loading the BPF program failed\n");
		goto out;
	}
	if (daxrace_bpf__attach(skel)) {
		fprintf(stderr, "daxrace: attaching a probe to %s failed: "
			"needs CONFIG_KPROBES and fs/fuse/dax.c built in\n",
			r.open ? "find_get_entries" : "alloc_dax_mapping");
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
