// SPDX-License-Identifier: GPL-2.0
/*
 * daxfsd: a FUSE server that passes a host directory through and plays
 * the VMM's part of virtio-fs DAX, with a pmem device as the DAX window.
 * This file: options, startup, signals, shutdown.
 */
#include "coherence.h"
#include "inject.h"
#include "inode.h"
#include "mount.h"
#include "proto.h"
#include "server.h"
#include "session.h"
#include "stats.h"
#include "window.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_THREADS 64

struct options {
	const char *source;
	const char *mountpoint;
	const char *dax_dev;
	const char *stats_path;
	const char *extra_opts;
	int threads;
	int ready_fd;
	bool stall;
	bool verbose;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: daxfsd [OPTIONS] SOURCE_DIR MOUNTPOINT\n"
"\n"
"Serves SOURCE_DIR at MOUNTPOINT over /dev/fuse.  With --dax-dev it also\n"
"plays the VMM of virtio-fs DAX: the guest kernel maps 2 MiB chunks of\n"
"files into the window device (FUSE_SETUPMAPPING) and daxfsd copies file\n"
"bytes in and writes stores back (FUSE_REMOVEMAPPING, fsync, close...).\n"
"Runs in the foreground until the file system is unmounted.\n"
"\n"
"Options:\n"
"  --dax-dev PATH       DAX window device (e.g. /dev/pmem0); mounts with\n"
"                       dax=always,dax_dev=PATH (needs the daxmon kernel).\n"
"                       Without it: plain passthrough, no DAX.\n"
"  --threads N          worker threads (default 4, at most %d)\n"
"  --stats FILE         write request counters as JSON to FILE on SIGUSR1\n"
"                       and at exit\n"
"  --delay OP=TIME      delay every reply to OP (a FUSE opcode name as in\n"
"                       the stats JSON, any case) by TIME (us, ms or s);\n"
"                       repeatable\n"
"  --stall-removemapping  start with REMOVEMAPPING replies held back;\n"
"                       SIGUSR2 toggles holding them (with or without this)\n"
"  --bad-setupmapping KIND  answer every SETUPMAPPING wrongly: short (a\n"
"                       truncated header first), unique (first under an\n"
"                       unknown unique), oversized (unexpected payload:\n"
"                       the kernel fails the request) or error (EIO);\n"
"                       refused replies count as rejected_replies\n"
"  --fail-removemapping N  fail the Nth REMOVEMAPPING request (1 is the\n"
"                       first) with EIO, removing nothing; its ranges count\n"
"                       as failed_removemapping_ranges\n"
"  --ready-fd N         write \"ready\\n\" to fd N once mounted, then close it\n"
"  -o OPTS              extra mount options, appended as they are\n"
"  -v                   log every request and reply to stderr\n"
"  -h, --help           this text\n"
"\n"
"A held or delayed reply keeps its worker thread busy: with --threads 1 a\n"
"stalled REMOVEMAPPING stops all service until SIGUSR2.\n"
"\n"
"Signals: SIGUSR1 writes the stats file; SIGUSR2 toggles the REMOVEMAPPING\n"
"stall; SIGRTMIN says the files in SOURCE_DIR changed behind daxfsd: it\n"
"copies them into the window again (stores the guest has not synced are\n"
"lost) and tells the kernel (FUSE_NOTIFY_INVAL_INODE, each file it\n"
"knows), then prints \"daxfsd: told the kernel N files changed\";\n"
"SIGINT/SIGTERM/SIGHUP release held replies and unmount lazily;\n"
"daxfsd exits when the kernel lets go of the file system (once nothing in\n"
"it is open).\n"
"Exit status: 0 after unmount, 1 on a runtime or mount error, 2 on bad\n"
"options.\n"
"\n"
"Stats JSON: {\"requests\":{\"LOOKUP\":N,...,\"SETUPMAPPING\":N,\"REMOVEMAPPING\":N,\n"
"...},\"removemapping_ranges\":N,\"writeback_bytes\":N,\"errors\":N,\n"
"\"rejected_replies\":N}; errors counts error replies other than ENOENT and\n"
"ENOSYS, and replies the kernel refused unasked; removemapping_ranges counts\n"
"the ranges of REMOVEMAPPING replies the kernel took (not of one it had\n"
"ended meanwhile, e.g. by an unmount).\n"
"\n"
"EXAMPLES\n"
"  # Plain passthrough; wait for the mount without sleeping:\n"
"  mkfifo /tmp/ready\n"
"  daxfsd --ready-fd 3 --stats /tmp/st.json /srv/data /mnt/fuse 3>/tmp/ready &\n"
"  read -r line </tmp/ready     # \"ready\", or nothing if the mount failed\n"
"  ...\n"
"  umount /mnt/fuse; wait       # daxfsd writes the stats, exits 0\n"
"\n"
"  # In the daxmon guest, /dev/pmem0 as the DAX window:\n"
"  daxfsd --dax-dev /dev/pmem0 --stats /tmp/st.json /srv/data /mnt/dax &\n"
"\n"
"  # Slow down mapping setup and hold range reclaim until SIGUSR2:\n"
"  daxfsd --dax-dev /dev/pmem0 --delay setupmapping=2ms \\\n"
"         --stall-removemapping /srv/data /mnt/dax &\n"
"  kill -USR2 $!    # let REMOVEMAPPING replies go\n",
		MAX_THREADS);
}

/* Bad options: one line, then exit 2. */
static void bad_option(const char *fmt, const char *arg)
{
	fprintf(stderr, "daxfsd: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see daxfsd --help)\n");
	exit(2);
}

/* A whole number in [min, max], or bad_option(). */
static int parse_int(const char *s, int min, int max, const char *what)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || *end || n < min || n > max)
		bad_option(what, s);
	return (int)n;
}

enum {
	OPT_DAX_DEV = 256,
	OPT_THREADS,
	OPT_STATS,
	OPT_DELAY,
	OPT_STALL,
	OPT_BAD_SETUPMAPPING,
	OPT_FAIL_REMOVEMAPPING,
	OPT_READY_FD,
};

static const struct option long_options[] = {
	{ "dax-dev", required_argument, NULL, OPT_DAX_DEV },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "stats", required_argument, NULL, OPT_STATS },
	{ "delay", required_argument, NULL, OPT_DELAY },
	{ "stall-removemapping", no_argument, NULL, OPT_STALL },
	{ "bad-setupmapping", required_argument, NULL, OPT_BAD_SETUPMAPPING },
	{ "fail-removemapping", required_argument, NULL, OPT_FAIL_REMOVEMAPPING },
	{ "ready-fd", required_argument, NULL, OPT_READY_FD },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/*
 * getopt_long, not argp as the tools use: daxfsd is invoked like a mount
 * helper ("+": options stop at SOURCE_DIR, -o passes mount options on)
 * and its contract, which tests/unit/daxfsd.sh and the guest tests
 * hold it to, is one line "daxfsd: unknown option '...' (see daxfsd
 * --help)" and exit 2; argp would add its own wording and a second line.
 */
static void parse_options(int argc, char **argv, struct options *o)
{
	char msg[256];
	int c;

	memset(o, 0, sizeof(*o));
	o->threads = 4;
	o->ready_fd = -1;
	opterr = 0;	/* we print our own messages */
	while ((c = getopt_long(argc, argv, "+:o:vh", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_DAX_DEV:
			o->dax_dev = optarg;
			break;
		case OPT_THREADS:
			o->threads = parse_int(optarg, 1, MAX_THREADS, "--threads wants 1..64, got '%s'");
			break;
		case OPT_STATS:
			o->stats_path = optarg;
			break;
		case OPT_DELAY:
			if (inject_parse_delay(optarg, msg, sizeof(msg)) != 0)
				bad_option("%s", msg);
			break;
		case OPT_STALL:
			o->stall = true;
			break;
		case OPT_BAD_SETUPMAPPING:
			if (inject_parse_bad_reply(optarg) != 0)
				bad_option("--bad-setupmapping wants short, unique, oversized or error; got '%s'", optarg);
			break;
		case OPT_FAIL_REMOVEMAPPING:
			if (inject_parse_fail_removemapping(optarg) != 0)
				bad_option("--fail-removemapping wants a request number, 1 or more; got '%s'", optarg);
			break;
		case OPT_READY_FD:
			o->ready_fd = parse_int(optarg, 0, INT_MAX, "--ready-fd wants a file descriptor number, got '%s'");
			if (fcntl(o->ready_fd, F_GETFD) < 0)
				bad_option("--ready-fd %s is not an open file descriptor", optarg);
			break;
		case 'o':
			o->extra_opts = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case ':':
			bad_option("option %s needs an argument", argv[optind - 1]);
			break;
		default:
			if (optopt && optopt < 256) {
				/* A short option, maybe inside a group like -vx. */
				snprintf(msg, sizeof(msg), "-%c", optopt);
				bad_option("unknown option '%s'", msg);
			}
			bad_option("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		bad_option("%s", "need SOURCE_DIR and MOUNTPOINT");
	o->source = argv[optind];
	o->mountpoint = argv[optind + 1];
}

/* ---- signals: one thread takes them all with sigwait() ---- */

struct signal_ctx {
	sigset_t set;
	struct server *srv;
	const struct options *opts;
	atomic_bool exiting;
};

static void write_stats(const struct server *srv, const char *path)
{
	uint64_t wb = srv->win ? window_writeback_bytes(srv->win) : 0;
	int err;

	if (!path)
		return;
	err = stats_write_json(path, wb);
	if (err)
		fprintf(stderr, "daxfsd: writing stats to %s: %s\n", path, strerror(-err));
}

/* SIGRTMIN: what a server does when its files change under it.  The
 * kernel may forget a file meanwhile (ENOENT): nothing to tell it then. */
static void tell_files_changed(struct server *srv)
{
	size_t n, told = 0;
	uint64_t *ids;
	int err;

	err = inode_known_ids(&srv->inodes, &ids, &n);
	if (err) {
		fprintf(stderr, "daxfsd: listing the files the kernel knows: %s\n", strerror(-err));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		err = coh_changed(srv->win, ids[i]);
		if (!err)
			err = proto_notify_inval_inode(srv->devfd, ids[i], 0, 0);
		if (!err)
			told++;
		else if (err != -ENOENT)
			fprintf(stderr, "daxfsd: telling the kernel nodeid %" PRIu64 " changed: %s\n",
				ids[i], strerror(-err));
	}
	free(ids);
	fprintf(stderr, "daxfsd: told the kernel %zu files changed\n", told);
}

static void *signal_thread(void *arg)
{
	struct signal_ctx *ctx = arg;
	int sig;

	for (;;) {
		if (sigwait(&ctx->set, &sig) != 0)
			continue;
		if (atomic_load(&ctx->exiting))
			return NULL;
		if (sig == SIGRTMIN) {	/* not a constant: no case label */
			tell_files_changed(ctx->srv);
			continue;
		}
		switch (sig) {
		case SIGUSR1:
			write_stats(ctx->srv, ctx->opts->stats_path);
			break;
		case SIGUSR2:
			inject_toggle_stall();
			fprintf(stderr, "daxfsd: REMOVEMAPPING replies %s\n",
				inject_stalled() ? "held" : "released");
			break;
		default:
			/* Let held replies go, or the unmount would wait for
			 * them forever. */
			inject_release();
			fuse_unmount_lazy(ctx->opts->mountpoint);
			break;
		}
	}
}

/* ---- startup ---- */

static bool is_regular_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Every looked-up inode and every mapped window chunk holds an fd: a
 * 1 GiB window alone is 512 chunks, so the usual 1024 is too few. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Opens everything the server needs before mounting; exits 1 on error. */
static void open_server(struct server *srv, const struct options *o)
{
	struct inode *root;
	int rootfd, fd, err;

	memset(srv, 0, sizeof(*srv));
	srv->verbose = o->verbose;
	rootfd = open(o->source, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		fprintf(stderr, "daxfsd: source %s: %s\n", o->source, strerror(errno));
		exit(1);
	}
	err = inode_table_init(&srv->inodes, rootfd);
	if (err) {
		fprintf(stderr, "daxfsd: source %s: %s\n", o->source, strerror(-err));
		exit(1);
	}
	/* Files are reopened through /proc/self/fd: check it works. */
	root = inode_get(&srv->inodes, FUSE_ROOT_ID);
	fd = inode_reopen(root, O_RDONLY | O_DIRECTORY);
	inode_put(&srv->inodes, root);
	if (fd < 0) {
		fprintf(stderr, "daxfsd: cannot reopen %s via /proc/self/fd (is /proc mounted?): %s\n",
			o->source, strerror(-fd));
		exit(1);
	}
	close(fd);
	if (o->dax_dev) {
		err = window_open(o->dax_dev, true, &srv->win);
		if (err == -EINVAL && is_regular_file(o->dax_dev)) {
			/* A file on tmpfs, in a host test: no O_DIRECT there,
			 * and no guest to be coherent with either. */
			fprintf(stderr, "daxfsd: %s: no O_DIRECT, using it buffered\n", o->dax_dev);
			err = window_open(o->dax_dev, false, &srv->win);
		}
		if (err) {
			fprintf(stderr, "daxfsd: DAX window %s: %s (needs a block device or file that supports O_DIRECT, at least 2 MiB)\n",
				o->dax_dev, strerror(-err));
			exit(1);
		}
	}
	srv->devfd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (srv->devfd < 0) {
		fprintf(stderr, "daxfsd: /dev/fuse: %s (modprobe fuse; run as root)\n", strerror(errno));
		exit(1);
	}
}

static void tell_ready(int fd)
{
	static const char msg[] = "ready\n";

	if (fd < 0)
		return;
	if (write(fd, msg, sizeof(msg) - 1) != (ssize_t)sizeof(msg) - 1)
		fprintf(stderr, "daxfsd: --ready-fd %d: %s\n", fd, strerror(errno));
	close(fd);
}

/* Runs the workers until unmount; returns the exit status. */
static int serve(struct server *srv, int nthreads)
{
	pthread_t threads[MAX_THREADS];
	int started = 0, status = 0;

	for (int i = 0; i < nthreads; i++) {
		int err = pthread_create(&threads[i], NULL, session_worker, srv);

		if (err) {
			fprintf(stderr, "daxfsd: starting worker %d: %s\n", i, strerror(err));
			status = 1;
			break;
		}
		started++;
	}
	for (int i = 0; i < started; i++) {
		void *ret;

		pthread_join(threads[i], &ret);
		if (ret)
			status = 1;
	}
	return status;
}

int main(int argc, char **argv)
{
	struct options o;
	struct server srv;
	struct signal_ctx sig = { .srv = &srv, .opts = &o };
	pthread_t sigthread;
	char *source;
	int status, err;

	parse_options(argc, argv, &o);
	inject_set_stall(o.stall);
	/* Block the signals before any thread exists, so that only the
	 * signal thread takes them. */
	sigemptyset(&sig.set);
	sigaddset(&sig.set, SIGINT);
	sigaddset(&sig.set, SIGTERM);
	sigaddset(&sig.set, SIGHUP);
	sigaddset(&sig.set, SIGUSR1);
	sigaddset(&sig.set, SIGUSR2);
	sigaddset(&sig.set, SIGRTMIN);
	pthread_sigmask(SIG_BLOCK, &sig.set, NULL);
	signal(SIGPIPE, SIG_IGN);

	raise_fd_limit();
	open_server(&srv, &o);
	/* The absolute source path, so /proc/mounts says what is served. */
	source = realpath(o.source, NULL);
	err = fuse_mount(srv.devfd, source ? source : o.source, o.mountpoint, o.dax_dev,
			 o.extra_opts);
	free(source);
	if (err)
		exit(1);
	tell_ready(o.ready_fd);

	atomic_init(&sig.exiting, false);
	err = pthread_create(&sigthread, NULL, signal_thread, &sig);
	if (err) {
		fprintf(stderr, "daxfsd: starting the signal thread: %s\n", strerror(err));
		fuse_unmount_lazy(o.mountpoint);
		exit(1);
	}
	status = serve(&srv, o.threads);
	if (status)
		fuse_unmount_lazy(o.mountpoint);

	atomic_store(&sig.exiting, true);
	pthread_kill(sigthread, SIGUSR1);
	pthread_join(sigthread, NULL);

	close(srv.devfd);
	if (srv.win) {
		/* The kernel ends the connection before it evicts inodes, so
		 * writable chunks still hold the guest's last stores. */
		err = window_writeback_all(srv.win);
		if (err) {
			fprintf(stderr, "daxfsd: final writeback: %s\n", strerror(-err));
			status = 1;
		}
	}
	write_stats(&srv, o.stats_path);
	window_close(srv.win);
	inode_table_destroy(&srv.inodes);
	return status;
}
