// SPDX-License-Identifier: GPL-2.0
/* The DAX window table and the copies between window and files. */
#include "window.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* O_DIRECT wants offsets, lengths and buffers in units of the logical
 * block size; 512 is the smallest and what pmem uses. */
#define BLOCK 512u

struct range {
	bool in_use;
	bool writable;
	uint64_t nodeid;
	uint64_t foffset;	/* file offset the chunk starts at */
	uint64_t len;		/* bytes mapped, <= WINDOW_RANGE_SIZE */
	int fd;			/* the file, owned by the range */
};

struct window {
	int fd;
	uint64_t size;
	size_t nranges;
	struct range *ranges;	/* index = moffset / WINDOW_RANGE_SIZE */
	pthread_mutex_t lock;
	uint64_t writeback_bytes;
	/* Both BLOCK-aligned, used only under lock.  bounce stages file
	 * bytes; rmw holds the block-aligned span of an unaligned access. */
	char *bounce;		/* WINDOW_RANGE_SIZE */
	char *rmw;		/* WINDOW_RANGE_SIZE + 2 * BLOCK */
};

/* ---- plain I/O helpers ---- */

/* Reads until len bytes or EOF; returns the count or -errno. */
static int64_t full_pread(int fd, void *buf, uint64_t len, uint64_t off)
{
	uint64_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (uint64_t)n;
	}
	return (int64_t)done;
}

static int full_pwrite(int fd, const void *buf, uint64_t len, uint64_t off)
{
	uint64_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += (uint64_t)n;
	}
	return 0;
}

/* Current size of the file behind fd, or -errno. */
static int64_t file_size(int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return -errno;
	return st.st_size;
}

/* ---- window device I/O, honouring O_DIRECT alignment ---- */

static bool aligned(uint64_t moff, uint64_t len, const void *buf)
{
	return moff % BLOCK == 0 && len % BLOCK == 0 && (uintptr_t)buf % BLOCK == 0;
}

/* For an access [moff, moff+len) inside the BLOCK-aligned span
 * [start, end): reads the partial edge blocks of the span into w->rmw. */
static int read_edges(struct window *w, uint64_t start, uint64_t end,
		      uint64_t moff, uint64_t len)
{
	if (moff != start) {
		if (full_pread(w->fd, w->rmw, BLOCK, start) != BLOCK)
			return -EIO;
	}
	if (moff + len != end) {
		if (full_pread(w->fd, w->rmw + (end - BLOCK - start), BLOCK, end - BLOCK) != BLOCK)
			return -EIO;
	}
	return 0;
}

static int dev_write(struct window *w, uint64_t moff, const void *src, uint64_t len)
{
	uint64_t start = moff / BLOCK * BLOCK;
	uint64_t end = (moff + len + BLOCK - 1) / BLOCK * BLOCK;
	int err;

	if (len == 0)
		return 0;
	if (aligned(moff, len, src))
		return full_pwrite(w->fd, src, len, moff);
	if (end - start > WINDOW_RANGE_SIZE + 2 * BLOCK)
		return -EINVAL;
	/* Read-modify-write: keep the bytes of the edge blocks that are
	 * outside [moff, moff+len). */
	err = read_edges(w, start, end, moff, len);
	if (err)
		return err;
	memcpy(w->rmw + (moff - start), src, len);
	return full_pwrite(w->fd, w->rmw, end - start, start);
}

static int dev_read(struct window *w, uint64_t moff, void *dst, uint64_t len)
{
	uint64_t start = moff / BLOCK * BLOCK;
	uint64_t end = (moff + len + BLOCK - 1) / BLOCK * BLOCK;

	if (len == 0)
		return 0;
	if (aligned(moff, len, dst))
		return full_pread(w->fd, dst, len, moff) == (int64_t)len ? 0 : -EIO;
	if (end - start > WINDOW_RANGE_SIZE + 2 * BLOCK)
		return -EINVAL;
	if (full_pread(w->fd, w->rmw, end - start, start) != (int64_t)(end - start))
		return -EIO;
	memcpy(dst, w->rmw + (moff - start), len);
	return 0;
}

/* ---- opening and closing ---- */

static int device_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, size) == 0 ? 0 : -errno;
	if (S_ISREG(st.st_mode)) {
		*size = (uint64_t)st.st_size;
		return 0;
	}
	return -ENOTBLK;
}

int window_open(const char *path, bool direct, struct window **out)
{
	struct window *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return -ENOMEM;
	w->fd = open(path, O_RDWR | O_CLOEXEC | (direct ? O_DIRECT : 0));
	if (w->fd < 0) {
		err = -errno;
		free(w);
		return err;
	}
	err = device_size(w->fd, &w->size);
	if (!err && w->size < WINDOW_RANGE_SIZE)
		err = -ENOSPC;
	if (err) {
		close(w->fd);
		free(w);
		return err;
	}
	w->nranges = w->size / WINDOW_RANGE_SIZE;
	w->ranges = calloc(w->nranges, sizeof(*w->ranges));
	if (!w->ranges ||
	    posix_memalign((void **)&w->bounce, 4096, WINDOW_RANGE_SIZE) != 0 ||
	    posix_memalign((void **)&w->rmw, 4096, WINDOW_RANGE_SIZE + 2 * BLOCK) != 0) {
		free(w->ranges);
		free(w->bounce);
		close(w->fd);
		free(w);
		return -ENOMEM;
	}
	pthread_mutex_init(&w->lock, NULL);
	*out = w;
	return 0;
}

uint64_t window_size(const struct window *w)
{
	return w->size;
}

uint64_t window_writeback_bytes(struct window *w)
{
	uint64_t n;

	pthread_mutex_lock(&w->lock);
	n = w->writeback_bytes;
	pthread_mutex_unlock(&w->lock);
	return n;
}

void window_lock(struct window *w)
{
	pthread_mutex_lock(&w->lock);
}

void window_unlock(struct window *w)
{
	pthread_mutex_unlock(&w->lock);
}

/* ---- per-range copies (lock held) ---- */

static uint64_t range_moffset(const struct window *w, const struct range *r)
{
	return (uint64_t)(r - w->ranges) * WINDOW_RANGE_SIZE;
}

/* The file bytes [lo, hi) that r maps within [off, off+len); false if
 * r is not nodeid's or does not overlap. */
static bool overlap(const struct range *r, uint64_t nodeid, uint64_t off,
		    uint64_t len, uint64_t *lo, uint64_t *hi)
{
	uint64_t end = len > UINT64_MAX - off ? UINT64_MAX : off + len;

	if (!r->in_use || r->nodeid != nodeid)
		return false;
	*lo = off > r->foffset ? off : r->foffset;
	*hi = end < r->foffset + r->len ? end : r->foffset + r->len;
	return *lo < *hi;
}

/* Window -> file for file bytes [lo, hi) of r, clamped to the file size:
 * the window holds whole pages past EOF, and the file must not grow. */
static int writeback_part(struct window *w, struct range *r, uint64_t lo, uint64_t hi)
{
	int64_t size = file_size(r->fd);
	int err;

	if (size < 0)
		return (int)size;
	if (hi > (uint64_t)size)
		hi = (uint64_t)size;
	if (lo >= hi)
		return 0;
	err = dev_read(w, range_moffset(w, r) + (lo - r->foffset), w->bounce, hi - lo);
	if (!err)
		err = full_pwrite(r->fd, w->bounce, hi - lo, lo);
	if (!err)
		w->writeback_bytes += hi - lo;
	return err;
}

/* File -> window for file bytes [lo, hi) of r; bytes past EOF read as
 * zeros, as a mapped page past EOF must. */
static int refresh_part(struct window *w, struct range *r, uint64_t lo, uint64_t hi)
{
	int64_t n = full_pread(r->fd, w->bounce, hi - lo, lo);

	if (n < 0)
		return (int)n;
	memset(w->bounce + n, 0, (hi - lo) - (uint64_t)n);
	return dev_write(w, range_moffset(w, r) + (lo - r->foffset), w->bounce, hi - lo);
}

static int writeback_range(struct window *w, struct range *r)
{
	if (!r->in_use || !r->writable)
		return 0;
	return writeback_part(w, r, r->foffset, r->foffset + r->len);
}

static void forget_range(struct range *r)
{
	if (r->in_use)
		close(r->fd);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

/* Forgets r, writing it back first if writable. */
static int release_range(struct window *w, struct range *r)
{
	int err = writeback_range(w, r);

	forget_range(r);
	return err;
}

static int for_each_part(struct window *w, uint64_t nodeid, uint64_t off,
			 uint64_t len, bool writable_only,
			 int (*fn)(struct window *w, struct range *r, uint64_t lo,
				   uint64_t hi, const void *arg),
			 const void *arg);

static int part_release(struct window *w, struct range *r, uint64_t lo,
			uint64_t hi, const void *arg)
{
	(void)lo;
	(void)hi;
	(void)arg;
	return release_range(w, r);
}

/* ---- the FUSE operations ---- */

int window_setup(struct window *w, uint64_t moffset, uint64_t nodeid, int fd,
		 uint64_t foffset, uint64_t len, bool writable)
{
	struct range *r;
	int err;

	if (moffset % WINDOW_RANGE_SIZE != 0 || len == 0 || len > WINDOW_RANGE_SIZE ||
	    moffset >= w->size || len > w->size - moffset ||
	    foffset > UINT64_MAX - len) {
		close(fd);
		return -EINVAL;
	}
	pthread_mutex_lock(&w->lock);
	r = &w->ranges[moffset / WINDOW_RANGE_SIZE];
	/* Reuse or read-only -> writable upgrade: the guest may have stored
	 * into a writable chunk, so save that before copying over it. */
	err = release_range(w, r);
	/* The guest maps a file byte in one range at a time, so another
	 * range still holding these bytes is one it let go of whose
	 * REMOVEMAPPING has not come yet (a sender killed while it waited
	 * does not hold the file's locks until it does): its last stores go
	 * to the file first, and it maps nothing after. */
	if (!err)
		err = for_each_part(w, nodeid, foffset, len, false, part_release, NULL);
	r->nodeid = nodeid;
	r->foffset = foffset;
	r->len = len;
	r->fd = fd;
	r->in_use = true;
	if (!err)
		err = refresh_part(w, r, foffset, foffset + len);
	if (err)
		forget_range(r);
	else
		r->writable = writable;
	pthread_mutex_unlock(&w->lock);
	return err;
}

int window_remove(struct window *w, uint64_t moffset, uint64_t len)
{
	int err = 0;

	if (moffset % WINDOW_RANGE_SIZE != 0 || moffset >= w->size ||
	    len > w->size - moffset)
		return -EINVAL;
	pthread_mutex_lock(&w->lock);
	for (uint64_t m = moffset; m < moffset + len; m += WINDOW_RANGE_SIZE) {
		int e = release_range(w, &w->ranges[m / WINDOW_RANGE_SIZE]);

		if (e && !err)
			err = e;
	}
	pthread_mutex_unlock(&w->lock);
	return err;
}

int window_writeback_all(struct window *w)
{
	int err = 0;

	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < w->nranges; i++) {
		int e = writeback_range(w, &w->ranges[i]);

		if (e && !err)
			err = e;
	}
	pthread_mutex_unlock(&w->lock);
	return err;
}

void window_close(struct window *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->nranges; i++)
		forget_range(&w->ranges[i]);
	pthread_mutex_destroy(&w->lock);
	close(w->fd);
	free(w->ranges);
	free(w->bounce);
	free(w->rmw);
	free(w);
}

/* ---- coherence building blocks (caller holds the lock) ---- */

/*
 * fn(w, r, lo, hi, arg) for every part [lo, hi) of nodeid's file bytes
 * [off, off+len) that a range r maps (a writable range, if
 * writable_only).  Every part is tried; the first error is returned.
 */
static int for_each_part(struct window *w, uint64_t nodeid, uint64_t off,
			 uint64_t len, bool writable_only,
			 int (*fn)(struct window *w, struct range *r, uint64_t lo,
				   uint64_t hi, const void *arg),
			 const void *arg)
{
	uint64_t lo, hi;
	int err = 0;

	for (size_t i = 0; i < w->nranges; i++) {
		struct range *r = &w->ranges[i];
		int e;

		if ((writable_only && !r->writable) ||
		    !overlap(r, nodeid, off, len, &lo, &hi))
			continue;
		e = fn(w, r, lo, hi, arg);
		if (e && !err)
			err = e;
	}
	return err;
}

static int part_writeback(struct window *w, struct range *r, uint64_t lo,
			  uint64_t hi, const void *arg)
{
	(void)arg;
	return writeback_part(w, r, lo, hi);
}

int window_writeback_node_locked(struct window *w, uint64_t nodeid,
				 uint64_t off, uint64_t len)
{
	return for_each_part(w, nodeid, off, len, true, part_writeback, NULL);
}

/* The bytes written to the file at off, for the ranges that map them. */
struct copy_in {
	const char *buf;
	uint64_t off;
};

static int part_copy_in(struct window *w, struct range *r, uint64_t lo,
			uint64_t hi, const void *arg)
{
	const struct copy_in *c = arg;

	return dev_write(w, range_moffset(w, r) + (lo - r->foffset),
			 c->buf + (lo - c->off), hi - lo);
}

int window_copy_in_locked(struct window *w, uint64_t nodeid, const void *buf,
			  uint64_t len, uint64_t off)
{
	const struct copy_in c = { buf, off };

	return for_each_part(w, nodeid, off, len, false, part_copy_in, &c);
}

static int part_refresh(struct window *w, struct range *r, uint64_t lo,
			uint64_t hi, const void *arg)
{
	(void)arg;
	return refresh_part(w, r, lo, hi);
}

int window_refresh_locked(struct window *w, uint64_t nodeid, uint64_t off,
			  uint64_t len)
{
	return for_each_part(w, nodeid, off, len, false, part_refresh, NULL);
}

static int part_zero(struct window *w, struct range *r, uint64_t lo,
		     uint64_t hi, const void *arg)
{
	(void)arg;
	return dev_write(w, range_moffset(w, r) + (lo - r->foffset), w->bounce,
			 hi - lo);
}

int window_zero_from_locked(struct window *w, uint64_t nodeid, uint64_t off)
{
	memset(w->bounce, 0, WINDOW_RANGE_SIZE);
	return for_each_part(w, nodeid, off, UINT64_MAX, false, part_zero, NULL);
}
