// SPDX-License-Identifier: GPL-2.0
/* Window/file coherence rules; see coherence.h. */
#include "coherence.h"

#include "window.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static off_t size_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? st.st_size : -errno;
}

ssize_t coh_pwrite(struct window *w, uint64_t nodeid, int fd, const void *buf,
		   size_t len, off_t off)
{
	off_t old;
	ssize_t n;
	int err;

	if (!w) {
		n = pwrite(fd, buf, len, off);
		return n < 0 ? -errno : n;
	}
	window_lock(w);
	old = size_of(fd);
	if (old < 0) {
		window_unlock(w);
		return old;
	}
	n = pwrite(fd, buf, len, off);
	if (n < 0) {
		n = -errno;
		window_unlock(w);
		return n;
	}
	err = window_copy_in_locked(w, nodeid, buf, (uint64_t)n, (uint64_t)off);
	/* A write past EOF leaves a hole that reads as zeros; the window may
	 * hold the guest's stores past the old EOF there. */
	if (!err && off > old)
		err = window_refresh_locked(w, nodeid, (uint64_t)old, (uint64_t)(off - old));
	window_unlock(w);
	return err ? err : n;
}

ssize_t coh_pread(struct window *w, uint64_t nodeid, int fd, void *buf,
		  size_t len, off_t off)
{
	ssize_t n;
	int err;

	if (!w) {
		n = pread(fd, buf, len, off);
		return n < 0 ? -errno : n;
	}
	window_lock(w);
	/* The guest may have stored into a writable chunk: the file is
	 * stale until that is written back. */
	err = window_writeback_node_locked(w, nodeid, (uint64_t)off, len);
	if (err) {
		n = err;
	} else {
		n = pread(fd, buf, len, off);
		if (n < 0)
			n = -errno;
	}
	window_unlock(w);
	return n;
}

int coh_truncate(struct window *w, uint64_t nodeid, int fd, off_t size)
{
	off_t old;
	int err;

	if (!w)
		return ftruncate(fd, size) == 0 ? 0 : -errno;
	window_lock(w);
	err = window_writeback_node_locked(w, nodeid, 0, UINT64_MAX);
	old = size_of(fd);
	if (!err && old < 0)
		err = (int)old;
	if (!err && ftruncate(fd, size) != 0)
		err = -errno;
	/* Zero from the lower of the two sizes: after a shrink the window
	 * still holds the cut bytes, and a later extend must read zeros;
	 * after an extend the guest may have left bytes past the old EOF in
	 * the window's last page. */
	if (!err)
		err = window_zero_from_locked(w, nodeid, (uint64_t)(size < old ? size : old));
	window_unlock(w);
	return err;
}

int coh_fallocate(struct window *w, uint64_t nodeid, int fd, int mode,
		  off_t off, off_t len)
{
	off_t old;
	uint64_t from;
	int err;

	/* The modes the FUSE kernel client can send; collapse and insert
	 * would move bytes between chunks. */
	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
		return -EOPNOTSUPP;
	if (off < 0 || len <= 0)
		return -EINVAL;
	if (len > INT64_MAX - off)
		return -EFBIG;
	if (!w)
		return fallocate(fd, mode, off, len) == 0 ? 0 : -errno;
	window_lock(w);
	err = window_writeback_node_locked(w, nodeid, (uint64_t)off, (uint64_t)len);
	old = size_of(fd);
	if (!err && old < 0)
		err = (int)old;
	if (!err && fallocate(fd, mode, off, len) != 0)
		err = -errno;
	/* An allocation past EOF grows the file: refresh from the old EOF
	 * too, so the window reads the zeros the file now has there. */
	from = (uint64_t)(old < off ? old : off);
	if (!err)
		err = window_refresh_locked(w, nodeid, from, (uint64_t)(off + len) - from);
	window_unlock(w);
	return err;
}

int coh_sync(struct window *w, uint64_t nodeid)
{
	int err;

	if (!w)
		return 0;
	window_lock(w);
	err = window_writeback_node_locked(w, nodeid, 0, UINT64_MAX);
	window_unlock(w);
	return err;
}

int coh_changed(struct window *w, uint64_t nodeid)
{
	int err;

	if (!w)
		return 0;
	window_lock(w);
	err = window_refresh_locked(w, nodeid, 0, UINT64_MAX);
	window_unlock(w);
	return err;
}
