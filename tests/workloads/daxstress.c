// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress: many processes on one DAX mount at once, every byte checked.
 *
 * Each worker owns one file, where it may also truncate, punch holes and
 * write with O_DIRECT, and every page p of a shared file with
 * p % workers == its index: the workers fault on the same DAX ranges of
 * one inode without sharing a byte, so each can keep an exact model of
 * what it owns.  Every read, by read(2) or by a load from a mapping, is
 * compared with the model.  At the end each worker fsyncs and reads back
 * all it owns, the parent reads back the whole shared file, and the
 * models are written to REFDIR so that the files can be compared again
 * after a remount.
 *
 * --lose-write makes worker 0 change one byte of its file behind its
 * model's back just before the final check: the run must then fail.  The
 * tests use it to show that the check can fail.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE		4096UL
#define MAX_IO		(256UL << 10)
#define MAX_WORKERS	64

enum op {
	OP_READ, OP_WRITE, OP_DIRECT, OP_MREAD, OP_MWRITE, OP_TRUNCATE,
	OP_PUNCH, OP_FSYNC, OP_SHARED_READ, OP_SHARED_WRITE, OP_SHARED_MREAD,
	OP_SHARED_MWRITE, NR_OPS
};

static const char *const op_names[NR_OPS] = {
	"read", "write", "direct", "mread", "mwrite", "truncate", "punch",
	"fsync", "sread", "swrite", "smread", "smwrite",
};

struct options {
	unsigned int workers;
	unsigned int seconds;
	size_t own_max;		/* bytes */
	size_t shared_size;	/* bytes, a multiple of PAGE */
	uint64_t seed;
	bool lose_write;
	unsigned int ops;	/* bit per enum op allowed */
	const char *dir;
	const char *refdir;
};

/* What one worker owns and where it stands. */
struct worker {
	unsigned int index;
	const struct options *opt;
	uint64_t rng;
	int fd, dfd, sfd;
	unsigned char *model;	/* own file; zero beyond size */
	size_t size;
	unsigned char *shared_model;	/* MAP_SHARED: the parent reads it */
	unsigned char *shared_map;	/* the shared file, mapped all run long */
	unsigned char *io;		/* page-aligned, for O_DIRECT */
	unsigned long ops[NR_OPS];
	unsigned long n;
};

static uint64_t next_rand(uint64_t *s)
{
	/* xorshift64*: enough for picking offsets, and reproducible */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static size_t below(struct worker *w, size_t n)
{
	return n ? next_rand(&w->rng) % n : 0;
}

static void fill_random(uint64_t *s, unsigned char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = next_rand(s) >> 56;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die_errno(struct worker *w, const char *what)
{
	fprintf(stderr, "FAIL: worker %u op %lu: %s: %s\n",
		w->index, w->n, what, strerror(errno));
	exit(1);
}

/* Compare GOT (read at OFF of FILE) with WANT; report the first wrong byte. */
static bool same(const char *file, unsigned int worker, unsigned long n,
		 const char *what, size_t off, const unsigned char *got,
		 const unsigned char *want, size_t len)
{
	size_t i;

	if (!memcmp(got, want, len))
		return true;
	for (i = 0; i < len && got[i] == want[i]; i++)
		;
	if (i == len)	/* a mapping that changed under memcmp() */
		fprintf(stderr, "FAIL: worker %u op %lu %s: %s bytes %zu+%zu changed while compared\n",
			worker, n, what, file, off, len);
	else
		fprintf(stderr,
			"FAIL: worker %u op %lu %s: %s byte %zu is 0x%02x, model says 0x%02x\n",
			worker, n, what, file, off + i, got[i], want[i]);
	return false;
}

static void check(struct worker *w, const char *file, const char *what,
		  size_t off, const unsigned char *got,
		  const unsigned char *want, size_t len)
{
	if (!same(file, w->index, w->n, what, off, got, want, len))
		exit(1);
}

/* All of len bytes at off, or -1: errno set, or 0 for end of file. */
static int transfer(bool write, int fd, unsigned char *buf, size_t len,
		    size_t off)
{
	ssize_t r;

	while (len) {
		r = write ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);
		if (r <= 0) {
			if (!r)
				errno = 0;
			return -1;
		}
		buf += r;
		len -= r;
		off += r;
	}
	return 0;
}

/* "pwrite of 4096 bytes at 8192 of the shared file": which I/O failed */
static void die_transfer(struct worker *w, const char *what, int fd,
			 size_t len, size_t off)
{
	const char *file = fd == w->sfd ? "the shared file" :
			   fd == w->dfd ? "its own file (O_DIRECT)" : "its own file";

	fprintf(stderr, "FAIL: worker %u op %lu: %s of %zu bytes at %zu of %s: %s\n",
		w->index, w->n, what, len, off, file,
		errno ? strerror(errno) : "early end of file");
	exit(1);
}

static void pread_all(struct worker *w, int fd, unsigned char *buf,
		      size_t len, size_t off)
{
	if (transfer(false, fd, buf, len, off))
		die_transfer(w, "pread", fd, len, off);
}

static void pwrite_all(struct worker *w, int fd, const unsigned char *buf,
		       size_t len, size_t off)
{
	if (transfer(true, fd, (unsigned char *)buf, len, off))
		die_transfer(w, "pwrite", fd, len, off);
}

static void set_size(struct worker *w, size_t size)
{
	if (size < w->size)
		memset(w->model + size, 0, w->size - size);
	w->size = size;
}

static void own_read(struct worker *w, unsigned char *buf)
{
	size_t off = below(w, w->size), len;

	len = 1 + below(w, MAX_IO);
	if (len > w->size - off)
		len = w->size - off;
	pread_all(w, w->fd, buf, len, off);
	check(w, "own", "read", off, buf, w->model + off, len);
}

static void own_write(struct worker *w)
{
	size_t len = 1 + below(w, MAX_IO);
	size_t off = below(w, w->opt->own_max - len);

	fill_random(&w->rng, w->model + off, len);
	pwrite_all(w, w->fd, w->model + off, len, off);
	if (off + len > w->size)
		w->size = off + len;
}

static void own_direct(struct worker *w)
{
	size_t len = (1 + below(w, MAX_IO / PAGE)) * PAGE;
	size_t off = below(w, (w->opt->own_max - len) / PAGE) * PAGE;

	fill_random(&w->rng, w->io, len);
	pwrite_all(w, w->dfd, w->io, len, off);
	memcpy(w->model + off, w->io, len);
	if (off + len > w->size)
		w->size = off + len;
}

static void own_mapped(struct worker *w, bool write)
{
	size_t off = below(w, w->size), len = 1 + below(w, MAX_IO);
	unsigned char *map;

	if (len > w->size - off)
		len = w->size - off;
	map = mmap(NULL, w->size, PROT_READ | PROT_WRITE, MAP_SHARED, w->fd, 0);
	if (map == MAP_FAILED)
		die_errno(w, "mmap");
	if (write) {
		fill_random(&w->rng, w->model + off, len);
		memcpy(map + off, w->model + off, len);
		if (below(w, 2) && msync(map, w->size, MS_SYNC))
			die_errno(w, "msync");
	} else {
		check(w, "own", "mmap read", off, map + off, w->model + off, len);
	}
	munmap(map, w->size);
}

static void own_truncate(struct worker *w)
{
	size_t size = below(w, w->opt->own_max);

	if (ftruncate(w->fd, size))
		die_errno(w, "ftruncate");
	set_size(w, size);
}

static void own_punch(struct worker *w)
{
	size_t off = below(w, w->size), len = 1 + below(w, MAX_IO);

	if (len > w->size - off)
		len = w->size - off;
	if (fallocate(w->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len))
		die_errno(w, "fallocate punch hole");
	memset(w->model + off, 0, len);
}

/* A page of the shared file this worker owns, and a span inside it. */
static size_t shared_span(struct worker *w, size_t *len)
{
	size_t pages = w->opt->shared_size / PAGE, workers = w->opt->workers;
	size_t page = below(w, (pages - w->index + workers - 1) / workers);
	size_t in = below(w, PAGE);

	*len = 1 + below(w, PAGE - in);
	return (page * workers + w->index) * PAGE + in;
}

static void shared_op(struct worker *w, enum op op, unsigned char *buf)
{
	size_t len, off = shared_span(w, &len);
	unsigned char *want = w->shared_model + off;

	switch (op) {
	case OP_SHARED_READ:
		pread_all(w, w->sfd, buf, len, off);
		check(w, "shared", "read", off, buf, want, len);
		break;
	case OP_SHARED_MREAD:
		check(w, "shared", "mmap read", off, w->shared_map + off, want, len);
		break;
	case OP_SHARED_WRITE:
		fill_random(&w->rng, want, len);
		pwrite_all(w, w->sfd, want, len, off);
		break;
	default:
		fill_random(&w->rng, want, len);
		memcpy(w->shared_map + off, want, len);
		break;
	}
}

static void do_op(struct worker *w, enum op op, unsigned char *buf)
{
	/* own-file reads of an empty file have nothing to compare */
	if (!w->size && (op == OP_READ || op == OP_MREAD || op == OP_MWRITE ||
			 op == OP_PUNCH))
		op = OP_WRITE;
	if (op == OP_DIRECT && w->dfd < 0)
		op = OP_WRITE;
	switch (op) {
	case OP_READ: own_read(w, buf); break;
	case OP_WRITE: own_write(w); break;
	case OP_DIRECT: own_direct(w); break;
	case OP_MREAD: own_mapped(w, false); break;
	case OP_MWRITE: own_mapped(w, true); break;
	case OP_TRUNCATE: own_truncate(w); break;
	case OP_PUNCH: own_punch(w); break;
	case OP_FSYNC:
		if (fsync(below(w, 2) ? w->fd : w->sfd))
			die_errno(w, "fsync");
		break;
	default: shared_op(w, op, buf); break;
	}
	w->ops[op]++;
	w->n++;
}

static void lose_write(struct worker *w)
{
	size_t off;

	if (!w->size)
		own_write(w);
	off = below(w, w->size);
	unsigned char wrong = w->model[off] ^ 0xff;

	pwrite_all(w, w->fd, &wrong, 1, off);
	fprintf(stderr, "worker %u: lost write injected at byte %zu of its file\n",
		w->index, off);
}

/* Everything this worker owns, read back after fsync. */
static void final_check(struct worker *w, unsigned char *buf)
{
	size_t off, len, pages = w->opt->shared_size / PAGE, p;
	struct stat st;

	if (fsync(w->fd) || fsync(w->sfd))
		die_errno(w, "fsync");
	if (fstat(w->fd, &st))
		die_errno(w, "fstat");
	if ((size_t)st.st_size != w->size) {
		fprintf(stderr, "FAIL: worker %u: own file is %jd bytes, model says %zu\n",
			w->index, (intmax_t)st.st_size, w->size);
		exit(1);
	}
	for (off = 0; off < w->size; off += len) {
		len = w->size - off < MAX_IO ? w->size - off : MAX_IO;
		pread_all(w, w->fd, buf, len, off);
		check(w, "own", "final read", off, buf, w->model + off, len);
	}
	for (p = w->index; p < pages; p += w->opt->workers) {
		pread_all(w, w->sfd, buf, PAGE, p * PAGE);
		check(w, "shared", "final read", p * PAGE, buf,
		      w->shared_model + p * PAGE, PAGE);
	}
}

static int open_or_die(struct worker *w, const char *path, int flags)
{
	int fd = open(path, flags, 0644);

	if (fd < 0) {
		fprintf(stderr, "FAIL: worker %u: open %s: %s\n", w->index, path,
			strerror(errno));
		exit(1);
	}
	return fd;
}

static void write_file(const char *path, const unsigned char *buf, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "FAIL: writing %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static void run_worker(struct worker *w)
{
	const struct options *opt = w->opt;
	char path[4096], summary[512];
	unsigned char *buf = malloc(MAX_IO);
	double end = now() + opt->seconds;
	int i, at = 0;

	w->rng = opt->seed * 1000003 + w->index + 1;
	w->model = calloc(1, opt->own_max);
	if (!buf || !w->model || posix_memalign((void **)&w->io, PAGE, MAX_IO))
		die_errno(w, "memory");
	snprintf(path, sizeof(path), "%s/own.%u", opt->dir, w->index);
	w->fd = open_or_die(w, path, O_RDWR | O_CREAT | O_TRUNC);
	w->dfd = open(path, O_RDWR | O_DIRECT);
	snprintf(path, sizeof(path), "%s/shared", opt->dir);
	w->sfd = open_or_die(w, path, O_RDWR);
	w->shared_map = mmap(NULL, opt->shared_size, PROT_READ | PROT_WRITE,
			     MAP_SHARED, w->sfd, 0);
	if (w->shared_map == MAP_FAILED)
		die_errno(w, "mmap shared");

	while (now() < end) {
		enum op op = below(w, NR_OPS);

		if (opt->ops & 1u << op)
			do_op(w, op, buf);
	}
	if (opt->lose_write && w->index == 0)
		lose_write(w);
	final_check(w, buf);

	snprintf(path, sizeof(path), "%s/own.%u", opt->refdir, w->index);
	write_file(path, w->model, w->size);
	for (i = 0; i < NR_OPS; i++)
		at += snprintf(summary + at, sizeof(summary) - at, " %s %lu",
			       op_names[i], w->ops[i]);
	printf("worker %u: %lu ops, own file %zu bytes:%s\n", w->index, w->n,
	       w->size, summary);
	exit(0);
}

static int parse_uint(const char *arg, const char *name, unsigned long max,
		      unsigned long *val)
{
	char *end;

	errno = 0;
	*val = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || *val == 0 || *val > max) {
		fprintf(stderr, "daxstress: %s must be a number from 1 to %lu, not '%s'\n",
			name, max, arg);
		return -1;
	}
	return 0;
}

static int parse_ops(const char *arg, unsigned int *ops)
{
	char *copy = strdup(arg), *name, *save = NULL;
	int op, err = 0;

	*ops = 0;
	for (name = strtok_r(copy, ",", &save); name && !err;
	     name = strtok_r(NULL, ",", &save)) {
		for (op = 0; op < NR_OPS && strcmp(name, op_names[op]); op++)
			;
		if (op == NR_OPS) {
			fprintf(stderr, "daxstress: unknown operation '%s' in --ops\n", name);
			err = -1;
		}
		*ops |= 1u << op;
	}
	free(copy);
	if (!err && !*ops) {
		fprintf(stderr, "daxstress: --ops names no operation\n");
		err = -1;
	}
	return err;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: daxstress [-w WORKERS] [-t SECONDS] [-s MIB] [-S MIB] [--seed N]\n"
		"                 [--lose-write] DIR REFDIR\n"
		"Many processes read, write, map, truncate, punch and fsync files in DIR\n"
		"(a DAX mount), each byte checked against a model; the models are left\n"
		"in REFDIR.\n"
		"  -w WORKERS     processes (8)\n"
		"  -t SECONDS     how long they run (30)\n"
		"  -s MIB         largest size of each worker's own file (8)\n"
		"  -S MIB         size of the file all workers share (16)\n"
		"  --seed N       seed of every random choice (1)\n"
		"  --lose-write   worker 0 changes a byte behind its model: must fail\n"
		"  --ops LIST     only these operations (comma-separated; default all):\n"
		"                 read write direct mread mwrite truncate punch fsync\n"
		"                 sread swrite smread smwrite (s: the shared file)\n");
}

static int parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 'r' },
		{ "lose-write", no_argument, NULL, 'l' },
		{ "ops", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	unsigned long v;
	int c;

	*opt = (struct options){ .workers = 8, .seconds = 30,
				 .own_max = 8UL << 20, .shared_size = 16UL << 20,
				 .seed = 1, .ops = (1u << NR_OPS) - 1 };
	while ((c = getopt_long(argc, argv, "w:t:s:S:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (parse_uint(optarg, "-w", MAX_WORKERS, &v))
				return 2;
			opt->workers = v;
			break;
		case 't':
			if (parse_uint(optarg, "-t", 86400, &v))
				return 2;
			opt->seconds = v;
			break;
		case 's':
		case 'S':
			if (parse_uint(optarg, c == 's' ? "-s" : "-S", 1024, &v))
				return 2;
			*(c == 's' ? &opt->own_max : &opt->shared_size) = v << 20;
			break;
		case 'r':
			if (parse_uint(optarg, "--seed", ULONG_MAX, &v))
				return 2;
			opt->seed = v;
			break;
		case 'l':
			opt->lose_write = true;
			break;
		case 'o':
			if (parse_ops(optarg, &opt->ops))
				return 2;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	if (opt->shared_size / PAGE < opt->workers) {
		fprintf(stderr, "daxstress: -S is too small for %u workers\n",
			opt->workers);
		return 2;
	}
	opt->dir = argv[optind];
	opt->refdir = argv[optind + 1];
	return 0;
}

/* The shared file and its model, before the workers start. */
static unsigned char *make_shared(const struct options *opt)
{
	unsigned char *model;
	uint64_t rng = opt->seed;
	char path[4096];
	int fd;

	model = mmap(NULL, opt->shared_size, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (model == MAP_FAILED)
		return NULL;
	fill_random(&rng, model, opt->shared_size);
	snprintf(path, sizeof(path), "%s/shared", opt->dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || transfer(true, fd, model, opt->shared_size, 0) ||
	    fsync(fd) || close(fd)) {
		fprintf(stderr, "FAIL: creating %s: %s\n", path, strerror(errno));
		return NULL;
	}
	return model;
}

/* The whole shared file against the workers' models: no one wrote over another. */
static bool check_shared(const struct options *opt, const unsigned char *model)
{
	unsigned char *buf = malloc(opt->shared_size);
	char path[4096];
	bool ok;
	int fd;

	snprintf(path, sizeof(path), "%s/shared", opt->dir);
	fd = open(path, O_RDONLY);
	ok = buf && fd >= 0 && !transfer(false, fd, buf, opt->shared_size, 0);
	if (!ok)
		fprintf(stderr, "FAIL: reading %s back: %s\n", path,
			errno ? strerror(errno) : "early end of file");
	ok = ok && same("shared", 0, 0, "parent read", 0, buf, model,
			opt->shared_size);
	if (fd >= 0)
		close(fd);
	free(buf);
	return ok;
}

int main(int argc, char **argv)
{
	struct worker w = { 0 };
	pid_t pids[MAX_WORKERS];
	struct options opt;
	unsigned int i, failed = 0;
	unsigned char *shared;
	double start = now();
	char path[4096];
	int err, status;

	err = parse_options(argc, argv, &opt);
	if (err)
		return err;
	shared = make_shared(&opt);
	if (!shared)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < opt.workers; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("daxstress: fork");
			return 1;
		}
		pids[i] = pid;
		if (pid == 0) {
			w = (struct worker){ .index = i, .opt = &opt,
					     .shared_model = shared };
			run_worker(&w);
		}
	}
	for (i = 0; i < opt.workers; i++) {
		if (waitpid(pids[i], &status, 0) < 0) {
			perror("daxstress: wait");
			return 1;
		}
		if (WIFSIGNALED(status))
			printf("FAIL: worker %u killed by %s\n", i,
			       strsignal(WTERMSIG(status)));
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}
	if (failed) {
		printf("FAIL: %u of %u workers failed\n", failed, opt.workers);
		return 1;
	}
	if (!check_shared(&opt, shared))
		return 1;
	snprintf(path, sizeof(path), "%s/shared", opt.refdir);
	write_file(path, shared, opt.shared_size);
	printf("ok: %u workers for %.0f s, every byte as the models say\n",
	       opt.workers, now() - start);
	return 0;
}
