// SPDX-License-Identifier: GPL-2.0
/*
 * daxbusy FILE FILLER NR: the background reclaim meets a range that was
 * taken into use after the worker chose it (tests/guest/reclaim-in-use.sh).
 *
 *  1. FILE's first page is mapped and read: FILE's first range is set up,
 *     the oldest busy range of the pool.
 *  2. vmsplice(2) puts that page into a pipe, which keeps a reference to
 *     it.
 *  3. A byte of each of FILLER's first NR ranges is read: NR more ranges,
 *     and the last takes the pool below its reclaim threshold.  The
 *     worker chooses the oldest range not in use, FILE's first, and sleeps
 *     in fuse_dax_break_layouts() until the pipe lets the page go, with
 *     none of FILE's locks held.
 *  4. Once the worker sleeps there (its /proc/PID/stack), a thread
 *     pread(2)s FILE's second page into a buffer registered with
 *     userfaultfd: the read holds a reference on FILE's first range and
 *     sleeps in its copy to the buffer.
 *  5. Once the userfaultfd reports that fault, the pipe is closed: the
 *     worker goes on and finds the range in use, so it cannot free it.
 *  6. Once the worker is idle, the fault is resolved; the read must
 *     complete.
 *
 * daxbusy --inline OLD FILE FILLER NR: the same meeting in the inline
 * reclaim of a read(2), which must then go on to another range of its
 * file.  The server holds every FUSE_REMOVEMAPPING reply
 * (--stall-removemapping) until this process says "let the server go".
 *
 *  1. OLD's first range is set up: the oldest, the one the worker takes
 *     and then waits on, holding only OLD's locks.
 *  2. FILE's first range is set up and its first page put into a pipe,
 *     as above; then FILE's second range.
 *  3. NR of FILLER's ranges: no range is left free.
 *  4. A thread pread(2)s a byte of FILE's third range.  With no range
 *     free it reclaims one of FILE's own inline: the first, and waits in
 *     fuse_dax_break_layouts() for the pipe's page.
 *  5. The userfaultfd reader takes FILE's first range into use, as above,
 *     and the pipe lets the page go: the thread finds the range in use,
 *     tries again, and removes FILE's second range instead, whose
 *     FUSE_REMOVEMAPPING the server holds.
 *  6. "let the server go"; the thread's read and the reader's must
 *     complete.
 *
 * What the worker or the inline reclaim reported (fuse_dax_reclaim_end)
 * is for the caller to compare with what they removed.  Exit status 0 if
 * every step happened.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include "proc.h"
#include "../../tools/daxfsd/window.h"	/* WINDOW_RANGE_SIZE */

#define PAGE		4096
#define WAIT_S		120	/* for each step, TCG and a debug kernel included */

struct busy {
	const char *path;	/* FILE */
	int fd;
	unsigned char *map;	/* FILE's first page */
	int pipe[2];		/* holds that page */
	int uffd;
	unsigned char *buf;	/* the reader's buffer, registered with uffd */
	pid_t worker;		/* the kworker that chose FILE's first range */
	pthread_t reader;
	pthread_t inliner;	/* --inline: the read that reclaims */
	pid_t inliner_tid;
	ssize_t inline_ret;
	int inline_errno;
	ssize_t read_ret;
	int read_errno;
};

static void die(const char *what)
{
	fprintf(stderr, "daxbusy: %s: %s\n", what, strerror(errno));
	exit(1);
}

/*
 * The task sleeping in the background reclaim's wait for a page, or 0.
 * A substring of the stack: fuse_dax_break_layouts() on 6.12, 7.3's
 * dax_break_layout() (fuse's wrapper is a tail call there).
 */
static pid_t find_waiting_worker(void)
{
	static const char *const worker_waits[] = {
		"dax_break_layout", "fuse_dax_free_mem_worker", NULL
	};
	struct dirent *d;
	pid_t pid = 0;
	DIR *proc;

	proc = opendir("/proc");
	if (!proc)
		die("/proc");
	while (!pid && (d = readdir(proc))) {
		pid_t p = atoi(d->d_name);

		if (p > 0 && task_state(p) == 'S' && stack_has_all(p, worker_waits))
			pid = p;
	}
	closedir(proc);
	return pid;
}

/* Polls every millisecond until done(arg), WAIT_S at most; false if not */
static bool poll_for(bool (*done)(const void *), const void *arg)
{
	const struct timespec ms = { .tv_nsec = 1000000 };
	double deadline = now() + WAIT_S;

	while (!done(arg)) {
		if (now() > deadline)
			return false;
		nanosleep(&ms, NULL);
	}
	return true;
}

struct task_wait {
	pid_t tid;
	char state;
	const char *const *what;
};

static bool task_waits(const void *arg)
{
	const struct task_wait *w = arg;

	return task_state(w->tid) == w->state && stack_has_all(w->tid, w->what);
}

/* Polls until task TID is in STATE with a stack naming all of WHAT. */
static void wait_task(pid_t tid, char state, const char *const *what, const char *doing)
{
	const struct task_wait w = { tid, state, what };

	if (!poll_for(task_waits, &w)) {
		char stack[4096] = "";

		read_proc(tid, "stack", stack, sizeof(stack));
		fprintf(stderr, "daxbusy: task %d did not %s within %d s; "
			"it is in state %c at:\n%s", (int)tid, doing, WAIT_S,
			task_state(tid) ?: '?', stack);
		exit(1);
	}
}

/* A byte at each range of PATH from FIRST, NR of them: ranges set up. */
static void read_ranges(const char *path, long first, long nr)
{
	unsigned char byte;
	long i;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		die(path);
	for (i = first; i < first + nr; i++)
		if (pread(fd, &byte, 1, (off_t)i * WINDOW_RANGE_SIZE) != 1)
			die("pread");
	close(fd);
}

/* Steps 1 and 2: FILE's first range set up, its first page in a pipe. */
static void pin_first_page(struct busy *b)
{
	struct iovec iov;

	b->map = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, b->fd, 0);
	if (b->map == MAP_FAILED)
		die("mmap FILE");
	(void)*(volatile unsigned char *)b->map;
	if (pipe(b->pipe))
		die("pipe");
	iov.iov_base = b->map;
	iov.iov_len = PAGE;
	if (vmsplice(b->pipe[1], &iov, 1, 0) != PAGE)
		die("vmsplice FILE's first page");
}

static bool worker_found(const void *arg)
{
	struct busy *b = (struct busy *)arg;

	return (b->worker = find_waiting_worker());
}

/* Step 3: NR of FILLER's ranges set up, then wait for the worker. */
static void fill_pool(struct busy *b, const char *filler, long nr)
{
	read_ranges(filler, 0, nr);
	if (!poll_for(worker_found, b)) {
		fprintf(stderr, "daxbusy: no reclaim worker waited for FILE's pinned "
			"page within %d s: was the pool taken below its threshold?\n", WAIT_S);
		exit(1);
	}
	printf("worker %d chose FILE's first range and waits for its page\n", (int)b->worker);
}

static void *reader(void *arg)
{
	struct busy *b = arg;

	b->read_ret = pread(b->fd, b->buf, PAGE, PAGE);
	b->read_errno = errno;
	return NULL;
}

/* Step 4: the reader holds FILE's first range, asleep in its copy. */
static void start_reader(struct busy *b)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct pollfd pfd;
	struct uffd_msg msg;

	b->uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (b->uffd < 0)
		die("userfaultfd (needs CONFIG_USERFAULTFD)");
	if (ioctl(b->uffd, UFFDIO_API, &api))
		die("UFFDIO_API");
	b->buf = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->buf == MAP_FAILED)
		die("mmap the reader's buffer");
	reg.range.start = (unsigned long)b->buf;
	reg.range.len = PAGE;
	if (ioctl(b->uffd, UFFDIO_REGISTER, &reg))
		die("UFFDIO_REGISTER");
	errno = pthread_create(&b->reader, NULL, reader, b);
	if (errno)
		die("pthread_create");
	pfd.fd = b->uffd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, WAIT_S * 1000) != 1) {
		fprintf(stderr, "daxbusy: the reader's copy did not fault within %d s\n", WAIT_S);
		exit(1);
	}
	if (read(b->uffd, &msg, sizeof(msg)) != sizeof(msg))
		die("read the userfaultfd");
	if (msg.event != UFFD_EVENT_PAGEFAULT) {
		fprintf(stderr, "daxbusy: userfaultfd event %u, not a page fault\n", msg.event);
		exit(1);
	}
	printf("reader holds FILE's first range, asleep in its copy\n");
}

static void let_page_go(struct busy *b)
{
	close(b->pipe[0]);
	close(b->pipe[1]);
}

/* a kworker with no work left is idle: state I */
static bool worker_idle(const void *arg)
{
	return task_state(((const struct busy *)arg)->worker) == 'I';
}

/* Step 5: let the page go; wait until the worker is done. */
static void release_page(struct busy *b)
{
	if (task_state(b->worker) != 'S') {
		fprintf(stderr, "daxbusy: worker %d stopped waiting for the page before "
			"it was let go\n", (int)b->worker);
		exit(1);
	}
	let_page_go(b);
	if (!poll_for(worker_idle, b)) {
		fprintf(stderr, "daxbusy: worker %d not idle within %d s\n",
			(int)b->worker, WAIT_S);
		exit(1);
	}
	printf("page let go, worker done\n");
}

/* Step 6: the reader's fault resolved, its read complete. */
static void finish_reader(struct busy *b)
{
	struct uffdio_zeropage zero = {
		.range = { .start = (unsigned long)b->buf, .len = PAGE },
	};

	if (ioctl(b->uffd, UFFDIO_ZEROPAGE, &zero))
		die("UFFDIO_ZEROPAGE");
	errno = pthread_join(b->reader, NULL);
	if (errno)
		die("pthread_join");
	if (b->read_ret != PAGE) {
		errno = b->read_ret < 0 ? b->read_errno : EIO;
		die("the reader's pread");
	}
	printf("reader done\n");
}

static bool inliner_started(const void *arg)
{
	return __atomic_load_n(&((const struct busy *)arg)->inliner_tid, __ATOMIC_ACQUIRE);
}

static void *inliner(void *arg)
{
	struct busy *b = arg;
	unsigned char byte;

	__atomic_store_n(&b->inliner_tid, gettid(), __ATOMIC_RELEASE);
	b->inline_ret = pread(b->fd, &byte, 1, 2 * (off_t)WINDOW_RANGE_SIZE);
	b->inline_errno = errno;
	return NULL;
}

/* --inline, steps 1 to 6 */
static void run_inline(struct busy *b, const char *old, const char *filler, long nr)
{
	/* a substring: fuse_dax_break_layouts() on 6.12, dax_break_layout() on 7.3 */
	static const char *const waits_page[] = { "dax_break_layout", NULL };
	/* the stack leaves out the scheduler's own functions, the wait's */
	static const char *const waits_reply[] = { "reclaim_one_dmap_locked", NULL };
	read_ranges(old, 0, 1);
	pin_first_page(b);
	read_ranges(b->path, 1, 1);
	read_ranges(filler, 0, nr);
	errno = pthread_create(&b->inliner, NULL, inliner, b);
	if (errno)
		die("pthread_create");
	if (!poll_for(inliner_started, b))
		die("the reading thread did not start");
	wait_task(b->inliner_tid, 'S', waits_page,
		  "wait for FILE's pinned page in its inline reclaim (was a range left free?)");
	printf("read %d reclaims FILE's first range inline and waits for its page\n",
	       (int)b->inliner_tid);
	start_reader(b);
	if (task_state(b->inliner_tid) != 'S') {
		fprintf(stderr, "daxbusy: the read stopped waiting for the page before it was let go\n");
		exit(1);
	}
	let_page_go(b);
	wait_task(b->inliner_tid, 'D', waits_reply,
		  "go on to another range and wait for its FUSE_REMOVEMAPPING reply");
	printf("the read went on to FILE's second range: let the server go\n");
	errno = pthread_join(b->inliner, NULL);
	if (errno)
		die("pthread_join");
	if (b->inline_ret != 1) {
		errno = b->inline_ret < 0 ? b->inline_errno : EIO;
		die("the inline reclaiming pread");
	}
	printf("the read is done\n");
}

/* NR: a positive number of ranges */
static long parse_nr(const char *arg)
{
	char *end;
	long nr;

	errno = 0;
	nr = strtol(arg, &end, 10);
	if (errno || *end || end == arg || nr < 1) {
		fprintf(stderr, "daxbusy: NR must be a positive number of ranges: %s\n", arg);
		exit(2);
	}
	return nr;
}

int main(int argc, char **argv)
{
	struct busy b = { .fd = -1 };
	bool inline_mode = argc == 6 && !strcmp(argv[1], "--inline");
	char **arg = argv + 1 + inline_mode;
	long nr;

	if (argc != 4 && !inline_mode) {
		fprintf(stderr, "usage: daxbusy FILE FILLER NR\n"
			"       daxbusy --inline OLD FILE FILLER NR\n");
		return 2;
	}
	nr = parse_nr(arg[2 + inline_mode]);
	b.path = arg[inline_mode];
	b.fd = open(b.path, O_RDONLY);
	if (b.fd < 0)
		die(b.path);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (inline_mode) {
		run_inline(&b, arg[0], arg[2], nr);
	} else {
		pin_first_page(&b);
		fill_pool(&b, arg[1], nr);
		start_reader(&b);
		release_page(&b);
	}
	finish_reader(&b);
	munmap(b.buf, PAGE);
	munmap(b.map, PAGE);
	close(b.uffd);
	close(b.fd);
	return 0;
}
