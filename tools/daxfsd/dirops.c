// SPDX-License-Identifier: GPL-2.0
/* Directories: fh points to a struct dirhandle. */
#include "passthrough.h"

#include "inode.h"
#include "proto.h"
#include "server.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct dirhandle {
	DIR *dp;
	off_t offset;		/* where the next readdir() continues */
	struct dirent *entry;	/* read but did not fit in the last reply */
};

void pt_opendir(struct req *r)
{
	struct inode *ino = pt_node(r);
	struct dirhandle *d;
	struct fuse_open_out out;
	int fd;

	if (!ino)
		return;
	d = calloc(1, sizeof(*d));
	fd = openat(ino->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!d || fd < 0) {
		reply_err(r, !d ? -ENOMEM : -errno);
		if (fd >= 0)
			close(fd);
		free(d);
		pt_put(r, ino);
		return;
	}
	d->dp = fdopendir(fd);
	if (!d->dp) {
		reply_err(r, -errno);
		close(fd);
		free(d);
		pt_put(r, ino);
		return;
	}
	memset(&out, 0, sizeof(out));
	out.fh = (uint64_t)(uintptr_t)d;
	reply_buf(r, &out, sizeof(out));
	pt_put(r, ino);
}

/* Appends one fuse_dirent to buf if it fits; returns its size or 0. */
static size_t add_dirent(char *buf, size_t room, const struct dirent *de)
{
	size_t namelen = strlen(de->d_name);
	size_t size = FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + namelen);
	struct fuse_dirent *fde = (struct fuse_dirent *)buf;

	if (size > room)
		return 0;
	fde->ino = de->d_ino;
	fde->off = (uint64_t)de->d_off;
	fde->namelen = (uint32_t)namelen;
	fde->type = de->d_type;
	memcpy(fde->name, de->d_name, namelen);
	memset(fde->name + namelen, 0, size - FUSE_NAME_OFFSET - namelen);
	return size;
}

void pt_readdir(struct req *r)
{
	const struct fuse_read_in *in = r->arg;
	struct dirhandle *d = (struct dirhandle *)(uintptr_t)in->fh;
	size_t size = in->size < PROTO_MAX_WRITE ? in->size : PROTO_MAX_WRITE;
	size_t used = 0;
	char *buf = calloc(1, size ? size : 1);
	int err = 0;

	if (!buf) {
		reply_err(r, -ENOMEM);
		return;
	}
	/* The kernel restarts at the offset of the last entry it got. */
	if ((off_t)in->offset != d->offset) {
		seekdir(d->dp, (long)in->offset);
		d->offset = (off_t)in->offset;
		d->entry = NULL;
	}
	for (;;) {
		size_t n;

		if (!d->entry) {
			errno = 0;
			d->entry = readdir(d->dp);
			if (!d->entry) {
				err = -errno;
				break;
			}
		}
		n = add_dirent(buf + used, size - used, d->entry);
		if (n == 0)
			break;	/* keep d->entry for the next call */
		used += n;
		d->offset = d->entry->d_off;
		d->entry = NULL;
	}
	/* An error after some entries: send those, the next call retries. */
	if (err && used == 0)
		reply_err(r, err);
	else
		reply_buf(r, buf, used);
	free(buf);
}

void pt_releasedir(struct req *r)
{
	const struct fuse_release_in *in = r->arg;
	struct dirhandle *d = (struct dirhandle *)(uintptr_t)in->fh;

	closedir(d->dp);
	free(d);
	reply_err(r, 0);
}
