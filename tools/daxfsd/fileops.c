// SPDX-License-Identifier: GPL-2.0
/* Open files: fh is the host fd.  Data paths go through coherence.c. */
#include "passthrough.h"

#include "coherence.h"
#include "inode.h"
#include "proto.h"
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Open flags we must not pass on:
 * - O_APPEND: pwrite() would append wherever the kernel said to write,
 *   and the window update would then go to the wrong bytes; the kernel
 *   already turned the append into an offset.
 * - O_DIRECT: our buffers (inside the request) are not aligned for it.
 * - O_NOFOLLOW: we open through the /proc/self/fd link.
 * - creation flags: the kernel has done that part (CREATE adds back
 *   O_CREAT and O_EXCL).
 */
static int host_flags(uint32_t flags)
{
	return (int)(flags & ~(uint32_t)(O_APPEND | O_DIRECT | O_NOFOLLOW |
					 O_CREAT | O_EXCL | O_NOCTTY)) | O_CLOEXEC;
}

void pt_open(struct req *r)
{
	const struct fuse_open_in *in = r->arg;
	struct inode *ino = pt_node(r);
	struct fuse_open_out out;
	int fd;

	if (!ino)
		return;
	fd = inode_reopen(ino, host_flags(in->flags));
	if (fd < 0) {
		reply_err(r, fd);
	} else {
		memset(&out, 0, sizeof(out));
		out.fh = (uint64_t)fd;
		reply_buf(r, &out, sizeof(out));
	}
	pt_put(r, ino);
}

void pt_create(struct req *r)
{
	const struct fuse_create_in *in = r->arg;
	const char *name;
	struct fuse_entry_out e;
	struct fuse_open_out out;
	struct inode *parent;
	int fd, err;

	parent = pt_parent(r, sizeof(*in), &name);
	if (!parent)
		return;
	/* O_EXCL still matters here: the name may have appeared in the
	 * source behind the kernel's back.  The kernel applied the umask
	 * already (we do not ask for FUSE_DONT_MASK). */
	fd = openat(parent->fd, name, host_flags(in->flags) | O_CREAT | (int)(in->flags & O_EXCL),
		    in->mode);
	if (fd < 0) {
		reply_err(r, -errno);
		pt_put(r, parent);
		return;
	}
	pt_chown_to_caller(r, parent->fd, name);
	err = pt_lookup_entry(r, parent, name, &e);
	if (err) {
		close(fd);
		reply_err(r, err);
	} else {
		memset(&out, 0, sizeof(out));
		out.fh = (uint64_t)fd;
		reply_two(r, &e, sizeof(e), &out, sizeof(out));
	}
	pt_put(r, parent);
}

void pt_read(struct req *r)
{
	const struct fuse_read_in *in = r->arg;
	size_t size = in->size < PROTO_MAX_WRITE ? in->size : PROTO_MAX_WRITE;
	char *buf;
	ssize_t n;

	if (in->offset > INT64_MAX) {
		reply_err(r, -EINVAL);
		return;
	}
	buf = malloc(size ? size : 1);
	if (!buf) {
		reply_err(r, -ENOMEM);
		return;
	}
	n = coh_pread(r->srv->win, r->in->nodeid, (int)in->fh, buf, size, (off_t)in->offset);
	if (n < 0)
		reply_err(r, (int)n);
	else
		reply_buf(r, buf, (size_t)n);
	free(buf);
}

void pt_write(struct req *r)
{
	const struct fuse_write_in *in = r->arg;
	const char *data = (const char *)r->arg + sizeof(*in);
	struct fuse_write_out out;
	ssize_t n;

	if (in->size > r->arglen - sizeof(*in) || in->offset > INT64_MAX) {
		reply_err(r, -EINVAL);
		return;
	}
	n = coh_pwrite(r->srv->win, r->in->nodeid, (int)in->fh, data, in->size, (off_t)in->offset);
	if (n < 0) {
		reply_err(r, (int)n);
		return;
	}
	memset(&out, 0, sizeof(out));
	out.size = (uint32_t)n;
	reply_buf(r, &out, sizeof(out));
}

/* close(2) of one of the guest's fds: make the file current. */
void pt_flush(struct req *r)
{
	reply_err(r, coh_sync(r->srv->win, r->in->nodeid));
}

void pt_fsync(struct req *r)
{
	const struct fuse_fsync_in *in = r->arg;
	int err = coh_sync(r->srv->win, r->in->nodeid);

	if (!err) {
		int rc = (in->fsync_flags & FUSE_FSYNC_FDATASYNC) ? fdatasync((int)in->fh)
								  : fsync((int)in->fh);
		err = rc == 0 ? 0 : -errno;
	}
	reply_err(r, err);
}

void pt_release(struct req *r)
{
	const struct fuse_release_in *in = r->arg;
	int err = coh_sync(r->srv->win, r->in->nodeid);

	close((int)in->fh);
	reply_err(r, err);
}

void pt_fallocate(struct req *r)
{
	const struct fuse_fallocate_in *in = r->arg;

	if (in->offset > INT64_MAX || in->length > INT64_MAX) {
		reply_err(r, -EINVAL);
		return;
	}
	reply_err(r, coh_fallocate(r->srv->win, r->in->nodeid, (int)in->fh, (int)in->mode,
				    (off_t)in->offset, (off_t)in->length));
}
