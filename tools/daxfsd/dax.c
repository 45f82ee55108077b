// SPDX-License-Identifier: GPL-2.0
/* SETUPMAPPING / REMOVEMAPPING requests -> window table. */
#include "dax.h"

#include "inject.h"
#include "inode.h"
#include "proto.h"
#include "server.h"
#include "stats.h"
#include "window.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

void dax_setupmapping(struct req *r)
{
	const struct fuse_setupmapping_in *in = r->arg;
	bool writable = in->flags & FUSE_SETUPMAPPING_FLAG_WRITE;
	struct inode *ino;
	int fd;

	if (!r->srv->win) {
		reply_err(r, -ENOSYS);
		return;
	}
	/* in->fh is -1: a mapping belongs to the inode, not to an open
	 * file, so the window keeps an fd of its own. */
	ino = inode_get(&r->srv->inodes, r->in->nodeid);
	if (!ino) {
		reply_err(r, -ESTALE);
		return;
	}
	fd = inode_reopen(ino, writable ? O_RDWR : O_RDONLY);
	inode_put(&r->srv->inodes, ino);
	if (fd < 0) {
		reply_err(r, fd);
		return;
	}
	reply_err(r, window_setup(r->srv->win, in->moffset, r->in->nodeid, fd,
				   in->foffset, in->len, writable));
}

void dax_removemapping(struct req *r)
{
	const struct fuse_removemapping_in *in = r->arg;
	/* The ranges follow the 4-byte count directly: read them with
	 * memcpy, they are not 8-byte aligned. */
	const char *p = (const char *)r->arg + sizeof(*in);
	int err = 0;

	if (in->count > (r->arglen - sizeof(*in)) / sizeof(struct fuse_removemapping_one)) {
		reply_err(r, -EINVAL);
		return;
	}
	if (inject_fail_removemapping()) {
		stats_add_failed_removemapping_ranges(in->count);
		reply_err(r, -EIO);
		return;
	}
	if (!r->srv->win) {
		if (reply_err_taken(r, -ENOSYS))
			stats_add_removemapping_ranges(in->count);
		return;
	}
	for (uint32_t i = 0; i < in->count; i++) {
		struct fuse_removemapping_one one;
		int e;

		memcpy(&one, p + i * sizeof(one), sizeof(one));
		e = window_remove(r->srv->win, one.moffset, one.len);
		if (e && !err)
			err = e;
	}
	/*
	 * Counted once the kernel took the reply: a reply to a request
	 * the kernel ended meanwhile (an unmount aborts the connection
	 * with a removal in flight) is a removal it saw fail.
	 */
	if (reply_err_taken(r, err))
		stats_add_removemapping_ranges(in->count);
}

void dax_syncfs(struct req *r)
{
	reply_err(r, r->srv->win ? window_writeback_all(r->srv->win) : 0);
}
