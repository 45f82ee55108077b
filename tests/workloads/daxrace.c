// SPDX-License-Identifier: GPL-2.0
/*
 * daxrace: the race of kernel patch 0004, on demand.
 *
 * A child stores into the first page of FILE through a shared mapping; its
 * write fault misses the range lookup and is held right after it
 * (daxrace.bpf.c).  Meanwhile this process reads the second page with
 * pread(2), which sets the same range up read-only.  Then the child goes
 * on: it finds the range set up by the reader and must have it upgraded
 * to writable before it stores, or the server never learns of the store.
 * Finally this process fsync()s FILE.  Whether the store reached the file
 * is for the caller to check on the server's side.
 *
 * FILE must be on a DAX mount, at least two pages long, with none of its
 * first range mapped yet (a file nobody touched since the mount).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "daxrace.h"
#include "daxrace.skel.h"

#define PAGE		4096
#define STORE_BYTE	0x5a
#define WAIT_HOLD_S	30	/* for the child to be held, TCG included */

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

/* The writer: waits for the go, stores one byte, makes it durable. */
static void run_writer(unsigned char *map, int go_fd)
{
	char c;

	if (read(go_fd, &c, 1) != 1)
		_exit(1);
	map[0] = STORE_BYTE;
	_exit(msync(map, PAGE, MS_SYNC) ? 2 : 0);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Polls until the BPF side holds the writer; 0, or -1 with why. */
static int wait_held(struct daxrace_bpf *skel, pid_t writer)
{
	const struct timespec tick = { .tv_nsec = 1000000 };
	double deadline = now() + WAIT_HOLD_S;
	int status;

	while (skel->bss->state == RACE_ARMED) {
		if (waitpid(writer, &status, WNOHANG) == writer) {
			fprintf(stderr, "daxrace: the writer's fault was never held: "
				"the range was set up already (use a file untouched since the mount)\n");
			return -1;
		}
		if (now() > deadline) {
			fprintf(stderr, "daxrace: the writer's fault was not held within %d s\n",
				WAIT_HOLD_S);
			return -1;
		}
		nanosleep(&tick, NULL);
	}
	return 0;
}

static int race(struct daxrace_bpf *skel, int fd, unsigned char *map)
{
	unsigned char buf[1];
	int go[2], status, bad = 0;
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
		run_writer(map, go[0]);
	}
	close(go[0]);
	skel->bss->target_tgid = writer;
	skel->bss->state = RACE_ARMED;
	if (write(go[1], "g", 1) != 1 || wait_held(skel, writer)) {
		close(go[1]);
		kill(writer, SIGKILL);
		waitpid(writer, NULL, 0);
		return -1;
	}
	close(go[1]);

	if (pread(fd, buf, 1, PAGE) != 1) {
		perror("daxrace: pread");
		bad = 1;
	}
	if (skel->bss->state != RACE_HOLDING) {
		fprintf(stderr, "daxrace: the hold ended before the reader was done\n");
		bad = 1;
	}
	skel->bss->release = 1;

	if (waitpid(writer, &status, 0) != writer || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "daxrace: the writer failed (wait status %#x)\n", status);
		return -1;
	}
	if (bad)
		return -1;
	printf("reader set the range up while the writer was held\n");
	printf("writer held %.1f ms, stored %#x at offset 0\n",
	       skel->bss->held_ns / 1e6, STORE_BYTE);
	if (fsync(fd)) {
		perror("daxrace: fsync");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct daxrace_bpf *skel;
	unsigned char *map;
	int fd, err = 1;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: daxrace FILE\n");
		return 2;
	}
	libbpf_set_print(libbpf_print);
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "daxrace: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	map = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		fprintf(stderr, "daxrace: mmap %s: %s\n", argv[1], strerror(errno));
		close(fd);
		return 1;
	}
	skel = daxrace_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "daxrace: loading the BPF program failed\n");
		goto out;
	}
	if (daxrace_bpf__attach(skel)) {
		fprintf(stderr, "daxrace: attaching a kretprobe to alloc_dax_mapping failed: "
			"needs CONFIG_KPROBES and fs/fuse/dax.c built in\n");
		goto out;
	}
	err = race(skel, fd, map) ? 1 : 0;
out:
	daxrace_bpf__destroy(skel);
	munmap(map, PAGE);
	close(fd);
	return err;
}
