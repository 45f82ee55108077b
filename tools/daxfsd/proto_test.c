// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of the request path without a kernel: hand-made requests go
 * to proto_handle() and the replies land in a pipe that stands in for
 * /dev/fuse.  Checks INIT negotiation, malformed requests (EINVAL, never
 * a crash), ENOSYS, no reply to FORGET/INTERRUPT, SETUPMAPPING and
 * REMOVEMAPPING against a window file, delay and stall injection, stats,
 * and what SIGRTMIN does: the window refreshed from a file changed behind
 * the server, a well-formed FUSE_NOTIFY_INVAL_INODE for each known file.
 *
 * Usage: proto_test DIR   (uses DIR/src, DIR/window, DIR/stats.json)
 * Prints "ok: ..." per check; on failure "FAIL: expected X, saw Y".
 */
#include "coherence.h"
#include "inject.h"
#include "inode.h"
#include "proto.h"
#include "server.h"
#include "stats.h"
#include "window.h"
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024u * 1024u)

static struct server srv;
static int reply_fd;		/* read end of the pipe */
static uint64_t next_unique = 1;

/* Builds a request of opcode for nodeid with arg (arglen bytes) in a
 * buffer of its own, and hands it to proto_handle(). */
static void send_req(uint32_t opcode, uint64_t nodeid, const void *arg, size_t arglen)
{
	size_t len = sizeof(struct fuse_in_header) + arglen;
	char *buf = calloc(1, len);
	struct fuse_in_header *in = (struct fuse_in_header *)buf;

	in->len = (uint32_t)len;
	in->opcode = opcode;
	in->unique = next_unique++;
	in->nodeid = nodeid;
	if (arglen)
		memcpy(buf + sizeof(*in), arg, arglen);
	proto_handle(&srv, buf, len);
	free(buf);
}

/* True if a reply is waiting within ms milliseconds. */
static bool reply_ready(int ms)
{
	struct pollfd p = { .fd = reply_fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* Reads one reply; returns its error, copies up to size payload bytes. */
static int get_reply(void *payload, size_t size, size_t *got)
{
	char buf[4096];
	struct fuse_out_header out;
	ssize_t n;

	if (!reply_ready(5000)) {
		printf("FAIL: expected a reply, saw none\n");
		exit(1);
	}
	n = read(reply_fd, buf, sizeof(buf));
	if (n < (ssize_t)sizeof(out)) {
		printf("FAIL: expected a reply header, saw %zd bytes\n", n);
		exit(1);
	}
	memcpy(&out, buf, sizeof(out));
	check_eq("reply length field", n, out.len);
	if (payload) {
		size_t plen = (size_t)n - sizeof(out);

		memcpy(payload, buf + sizeof(out), plen < size ? plen : size);
		if (got)
			*got = plen;
	}
	return out.error;
}

static void expect_no_reply(const char *what)
{
	if (reply_ready(0)) {
		printf("FAIL: %s: expected no reply, saw one\n", what);
		exit(1);
	}
}

static void test_init(bool with_window)
{
	struct fuse_init_in in = { .major = 7, .minor = 41, .max_readahead = 131072,
				   .flags = FUSE_ASYNC_READ | FUSE_BIG_WRITES | FUSE_MAX_PAGES |
					    FUSE_WRITEBACK_CACHE | FUSE_DO_READDIRPLUS };
	struct fuse_init_out out;
	size_t got = 0;

	send_req(FUSE_INIT, 0, &in, sizeof(in));
	check_eq("INIT error", 0, get_reply(&out, sizeof(out), &got));
	check_eq("INIT reply size", sizeof(out), (long long)got);
	check_eq("INIT major", 7, out.major);
	check_eq("INIT minor is ours", FUSE_KERNEL_MINOR_VERSION, out.minor);
	check_eq("INIT max_write", PROTO_MAX_WRITE, out.max_write);
	check_eq("INIT max_pages", 256, out.max_pages);
	check_eq("INIT no writeback cache", 0, !!(out.flags & FUSE_WRITEBACK_CACHE));
	check_eq("INIT no readdirplus", 0, !!(out.flags & FUSE_DO_READDIRPLUS));
	check_eq("INIT MAX_PAGES", 1, !!(out.flags & FUSE_MAX_PAGES));
	check_eq("INIT MAP_ALIGNMENT iff window", with_window, !!(out.flags & FUSE_MAP_ALIGNMENT));
	check_eq("INIT map_alignment", with_window ? 12 : 0, out.map_alignment);
	in.minor = 30;
	send_req(FUSE_INIT, 0, &in, sizeof(in));
	check_eq("INIT error", 0, get_reply(&out, sizeof(out), NULL));
	check_eq("INIT minor follows an older kernel", 30, out.minor);
	in.major = 8;
	send_req(FUSE_INIT, 0, &in, sizeof(in));
	check_eq("INIT with another major", -EPROTO, get_reply(NULL, 0, NULL));
	printf("ok: INIT %s window\n", with_window ? "with" : "without");
}

static void test_malformed(void)
{
	struct fuse_in_header in = { .len = 40, .opcode = FUSE_GETATTR, .unique = 99, .nodeid = 1 };
	char small[8] = { 0 };
	char name[4] = { 'a', 'b', 'c', 'd' };	/* no NUL */
	struct { struct fuse_removemapping_in in; struct fuse_removemapping_one one; } __attribute__((packed)) rm = {
		.in = { .count = 5 },
	};

	proto_handle(&srv, &in, 20);
	expect_no_reply("request shorter than its header");
	in.len = 100;
	proto_handle(&srv, &in, sizeof(in));
	check_eq("len field larger than the request", -EINVAL, get_reply(NULL, 0, NULL));
	send_req(FUSE_SETUPMAPPING, 1, small, sizeof(small));
	check_eq("SETUPMAPPING shorter than its in-struct", -EINVAL, get_reply(NULL, 0, NULL));
	send_req(FUSE_WRITE, 1, small, sizeof(small));
	check_eq("WRITE shorter than its in-struct", -EINVAL, get_reply(NULL, 0, NULL));
	send_req(FUSE_LOOKUP, 1, name, sizeof(name));
	check_eq("LOOKUP name without NUL", -EINVAL, get_reply(NULL, 0, NULL));
	send_req(FUSE_LOOKUP, 1, NULL, 0);
	check_eq("LOOKUP without a name", -EINVAL, get_reply(NULL, 0, NULL));
	send_req(FUSE_REMOVEMAPPING, 1, &rm, sizeof(rm));
	check_eq("REMOVEMAPPING count beyond the request", -EINVAL, get_reply(NULL, 0, NULL));
	send_req(FUSE_FORGET, 2, small, 4);
	expect_no_reply("short FORGET");
	send_req(FUSE_GETATTR, 12345, &(struct fuse_getattr_in){ 0 }, sizeof(struct fuse_getattr_in));
	check_eq("GETATTR of an unknown nodeid", -ESTALE, get_reply(NULL, 0, NULL));
	printf("ok: malformed requests get EINVAL (or nothing without a header)\n");

	send_req(63, 1, NULL, 0);
	check_eq("unknown opcode", -ENOSYS, get_reply(NULL, 0, NULL));
	send_req(1000, 1, NULL, 0);
	check_eq("opcode past the table", -ENOSYS, get_reply(NULL, 0, NULL));
	send_req(FUSE_GETXATTR, 1, small, sizeof(small));
	check_eq("GETXATTR", -ENOSYS, get_reply(NULL, 0, NULL));
	send_req(FUSE_INTERRUPT, 1, &(struct fuse_interrupt_in){ 1 }, sizeof(struct fuse_interrupt_in));
	expect_no_reply("INTERRUPT");
	printf("ok: unknown opcodes get ENOSYS, INTERRUPT no reply\n");
}

/* LOOKUP name under the root; returns its nodeid. */
static uint64_t lookup(const char *name)
{
	struct fuse_entry_out e;

	send_req(FUSE_LOOKUP, 1, name, strlen(name) + 1);
	check_eq("LOOKUP", 0, get_reply(&e, sizeof(e), NULL));
	return e.nodeid;
}

static void test_lookup_forget(void)
{
	uint64_t id = lookup("data");
	struct fuse_forget_in f = { .nlookup = 2 };
	struct fuse_attr_out a;

	check_eq("second LOOKUP of a name gives the same nodeid", (long long)id, (long long)lookup("data"));
	send_req(FUSE_LOOKUP, 1, "nothing", 8);
	check_eq("LOOKUP of a missing name", -ENOENT, get_reply(NULL, 0, NULL));
	send_req(FUSE_GETATTR, id, &(struct fuse_getattr_in){ 0 }, sizeof(struct fuse_getattr_in));
	check_eq("GETATTR", 0, get_reply(&a, sizeof(a), NULL));
	check_eq("GETATTR size", 3 * MIB, (long long)a.attr.size);
	send_req(FUSE_FORGET, id, &f, sizeof(f));
	expect_no_reply("FORGET");
	send_req(FUSE_GETATTR, id, &(struct fuse_getattr_in){ 0 }, sizeof(struct fuse_getattr_in));
	check_eq("GETATTR after FORGET", -ESTALE, get_reply(NULL, 0, NULL));
	if (lookup("data") == id) {
		char e[48], s[32];

		snprintf(e, sizeof(e), "a new one, not %lld", (long long)id);
		snprintf(s, sizeof(s), "%lld", (long long)id);
		check_fail("nodeid after FORGET", e, s);
	}
	printf("ok: LOOKUP, GETATTR, FORGET\n");
}

/* DIR/name opened with flags, for the checks that look at the bytes */
static int open_in(const char *dir, const char *name, int flags)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return open(path, flags);
}

static void test_mapping(const char *dir, uint64_t id)
{
	struct fuse_setupmapping_in s = {
		.fh = (uint64_t)-1, .foffset = 2 * MIB, .len = 2 * MIB,
		.flags = FUSE_SETUPMAPPING_FLAG_READ | FUSE_SETUPMAPPING_FLAG_WRITE,
		.moffset = 2 * MIB,
	};
	struct { struct fuse_removemapping_in in; struct fuse_removemapping_one one; } __attribute__((packed)) rm = {
		.in = { .count = 1 }, .one = { .moffset = 2 * MIB, .len = 2 * MIB },
	};
	char a[64], b[64];
	int wfd, ffd;

	send_req(FUSE_SETUPMAPPING, id, &s, sizeof(s));
	check_eq("SETUPMAPPING", 0, get_reply(NULL, 0, NULL));
	wfd = open_in(dir, "window", O_RDWR);
	ffd = open_in(dir, "src/data", O_RDONLY);
	check_eq("read the window", sizeof(a), pread(wfd, a, sizeof(a), 2 * MIB + 4096));
	check_eq("read the file", sizeof(b), pread(ffd, b, sizeof(b), 2 * MIB + 4096));
	check_eq("window holds the file bytes", 0, memcmp(a, b, sizeof(a)));
	/* A guest store, then REMOVEMAPPING writes it back. */
	memset(a, 0x5a, sizeof(a));
	check_eq("store into the window", sizeof(a), pwrite(wfd, a, sizeof(a), 2 * MIB + 100));
	send_req(FUSE_REMOVEMAPPING, id, &rm, sizeof(rm));
	check_eq("REMOVEMAPPING", 0, get_reply(NULL, 0, NULL));
	check_eq("read the file", sizeof(b), pread(ffd, b, sizeof(b), 2 * MIB + 100));
	check_eq("REMOVEMAPPING wrote the store back", 0, memcmp(a, b, sizeof(a)));
	s.moffset = 3 * MIB;
	send_req(FUSE_SETUPMAPPING, id, &s, sizeof(s));
	check_eq("SETUPMAPPING at an unaligned moffset", -EINVAL, get_reply(NULL, 0, NULL));
	close(wfd);
	close(ffd);
	printf("ok: SETUPMAPPING copies in, REMOVEMAPPING writes back\n");
}

/* SIGRTMIN's parts (main.c's tell_files_changed()): which files, the
 * window refreshed, the notification's bytes */
static void test_changed(const char *dir, uint64_t id)
{
	struct fuse_setupmapping_in s = {
		.fh = (uint64_t)-1, .foffset = 0, .len = 2 * MIB,
		.flags = FUSE_SETUPMAPPING_FLAG_READ, .moffset = 0,
	};
	struct {
		struct fuse_out_header out;
		struct fuse_notify_inval_inode_out arg;
	} n;
	char a = 0x33, b = 0;
	uint64_t *ids;
	size_t nr;
	int wfd, ffd;

	check_eq("inode_known_ids", 0, inode_known_ids(&srv.inodes, &ids, &nr));
	check_eq("the files the kernel knows, the root aside", 1, nr);
	check_eq("the one known file", (long long)id, (long long)ids[0]);
	free(ids);

	send_req(FUSE_SETUPMAPPING, id, &s, sizeof(s));
	check_eq("SETUPMAPPING", 0, get_reply(NULL, 0, NULL));
	ffd = open_in(dir, "src/data", O_RDWR);
	wfd = open_in(dir, "window", O_RDONLY);
	check_eq("a byte changed behind the server", 1, pwrite(ffd, &a, 1, 12345));
	check_eq("coh_changed", 0, coh_changed(srv.win, id));
	check_eq("read the window", 1, pread(wfd, &b, 1, 12345));
	check_eq("the window has the changed byte", a, b);
	close(wfd);
	close(ffd);

	check_eq("proto_notify_inval_inode", 0, proto_notify_inval_inode(srv.devfd, id, 0, 0));
	check_eq("the notification's length", sizeof(n), read(reply_fd, &n, sizeof(n)));
	check_eq("its header's length field", sizeof(n), n.out.len);
	check_eq("its code", FUSE_NOTIFY_INVAL_INODE, n.out.error);
	check_eq("its unique (a notification)", 0, (long long)n.out.unique);
	check_eq("its nodeid", (long long)id, (long long)n.arg.ino);
	check_eq("its offset and length (the whole file)", 0, n.arg.off | n.arg.len);
	printf("ok: a file changed behind the server: window refreshed, kernel notified\n");
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct bg_req {
	uint64_t nodeid;
};

static void *send_removemapping(void *arg)
{
	struct { struct fuse_removemapping_in in; struct fuse_removemapping_one one; } __attribute__((packed)) rm = {
		.in = { .count = 1 }, .one = { .moffset = 0, .len = 2 * MIB },
	};

	send_req(FUSE_REMOVEMAPPING, ((struct bg_req *)arg)->nodeid, &rm, sizeof(rm));
	return NULL;
}

static void test_inject(uint64_t id)
{
	char msg[200];
	struct bg_req bg = { id };
	pthread_t t;
	double t0;

	check_eq("parse --delay statfs=30ms", 0, inject_parse_delay("StatFS=30ms", msg, sizeof(msg)));
	check_eq("parse --delay without unit", -1, inject_parse_delay("statfs=30", msg, sizeof(msg)));
	check_eq("parse --delay of no opcode", -1, inject_parse_delay("nope=1s", msg, sizeof(msg)));
	t0 = now_ms();
	send_req(FUSE_STATFS, 1, NULL, 0);
	check_eq("STATFS", 0, get_reply(NULL, 0, NULL));
	if (now_ms() - t0 < 30) {
		char s[32];

		snprintf(s, sizeof(s), "%lld", (long long)(now_ms() - t0));
		check_fail("STATFS with a 30 ms delay", "30 ms or more", s);
	}
	printf("ok: --delay holds the reply (%.0f ms)\n", now_ms() - t0);

	inject_set_stall(true);
	pthread_create(&t, NULL, send_removemapping, &bg);
	if (reply_ready(200)) {
		printf("FAIL: expected REMOVEMAPPING held while stalled, saw a reply\n");
		exit(1);
	}
	inject_toggle_stall();
	check_eq("REMOVEMAPPING after the stall", 0, get_reply(NULL, 0, NULL));
	pthread_join(t, NULL);
	printf("ok: stalled REMOVEMAPPING replies only after the toggle\n");
}

static void test_stats(const char *dir)
{
	char path[4096], json[8192];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/stats.json", dir);
	check_eq("stats_write_json", 0, stats_write_json(path, window_writeback_bytes(srv.win)));
	f = fopen(path, "r");
	n = fread(json, 1, sizeof(json) - 1, f);
	fclose(f);
	json[n] = '\0';
	/* REMOVEMAPPING: one malformed (not counted as ranges), two of one
	 * range; the writeback stops at the file's EOF, 1 MiB into the chunk. */
	if (!strstr(json, "\"REMOVEMAPPING\":3,") || !strstr(json, "\"removemapping_ranges\":2,") ||
	    !strstr(json, "\"SETUPMAPPING\":3,") || !strstr(json, "\"writeback_bytes\":1048576,")) {
		printf("FAIL: expected REMOVEMAPPING 3, ranges 2, SETUPMAPPING 3, writeback 1 MiB; saw %s\n", json);
		exit(1);
	}
	printf("ok: stats JSON counts\n");
}

int main(int argc, char **argv)
{
	char path[4096], *buf;
	int p[2], rootfd, fd;

	if (argc != 2) {
		fprintf(stderr, "usage: proto_test DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/src", argv[1]);
	mkdir(path, 0755);
	rootfd = open(path, O_PATH | O_DIRECTORY);
	snprintf(path, sizeof(path), "%s/src/data", argv[1]);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	buf = malloc(3 * MIB);
	for (size_t i = 0; i < 3 * MIB; i++)
		buf[i] = (char)(i * 7 + (i >> 12));
	if (rootfd < 0 || fd < 0 || write(fd, buf, 3 * MIB) != 3 * MIB) {
		perror(argv[1]);
		return 1;
	}
	close(fd);
	free(buf);
	snprintf(path, sizeof(path), "%s/window", argv[1]);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 8 * MIB) != 0 || pipe(p) != 0) {
		perror(path);
		return 1;
	}
	close(fd);
	reply_fd = p[0];
	srv.devfd = p[1];
	check_eq("inode_table_init", 0, inode_table_init(&srv.inodes, rootfd));

	test_init(false);
	test_malformed();
	test_lookup_forget();
	check_eq("window_open", 0, window_open(path, false, &srv.win));
	test_init(true);
	test_mapping(argv[1], lookup("data"));
	test_inject(lookup("data"));
	test_stats(argv[1]);
	test_changed(argv[1], lookup("data"));

	window_close(srv.win);
	inode_table_destroy(&srv.inodes);
	close(p[0]);
	close(p[1]);
	printf("ok: all protocol checks passed\n");
	return 0;
}
