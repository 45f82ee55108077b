// SPDX-License-Identifier: GPL-2.0
/* Name and attribute operations of the passthrough. */
#include "passthrough.h"

#include "coherence.h"
#include "inode.h"
#include "proto.h"
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

static void fill_attr(struct fuse_attr *a, const struct stat *st)
{
	memset(a, 0, sizeof(*a));
	a->ino = st->st_ino;
	a->size = (uint64_t)st->st_size;
	a->blocks = (uint64_t)st->st_blocks;
	a->atime = (uint64_t)st->st_atim.tv_sec;
	a->mtime = (uint64_t)st->st_mtim.tv_sec;
	a->ctime = (uint64_t)st->st_ctim.tv_sec;
	a->atimensec = (uint32_t)st->st_atim.tv_nsec;
	a->mtimensec = (uint32_t)st->st_mtim.tv_nsec;
	a->ctimensec = (uint32_t)st->st_ctim.tv_nsec;
	a->mode = st->st_mode;
	a->nlink = (uint32_t)st->st_nlink;
	a->uid = st->st_uid;
	a->gid = st->st_gid;
	a->rdev = (uint32_t)st->st_rdev;
	a->blksize = (uint32_t)st->st_blksize;
}

static void reply_attr(struct req *r, const struct stat *st)
{
	struct fuse_attr_out out;

	memset(&out, 0, sizeof(out));
	out.attr_valid = PT_TIMEOUT;
	fill_attr(&out.attr, st);
	reply_buf(r, &out, sizeof(out));
}

/* GETATTR and SETATTR: st, or the error that stopped them. */
static void reply_attr_or_err(struct req *r, int err, const struct stat *st)
{
	if (err)
		reply_err(r, err);
	else
		reply_attr(r, st);
}

static int stat_inode(const struct inode *ino, struct stat *st)
{
	return fstatat(ino->fd, "", st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
}

struct inode *pt_node(struct req *r)
{
	struct inode *ino = inode_get(&r->srv->inodes, r->in->nodeid);

	if (!ino)
		reply_err(r, -ESTALE);
	return ino;
}

void pt_put(struct req *r, struct inode *ino)
{
	inode_put(&r->srv->inodes, ino);
}

struct inode *pt_parent(struct req *r, size_t off, const char **name)
{
	*name = req_string(r, off);
	if (!*name) {
		reply_err(r, -EINVAL);
		return NULL;
	}
	return pt_node(r);
}

int pt_lookup_entry(struct req *r, struct inode *parent, const char *name,
		    struct fuse_entry_out *e)
{
	struct inode *ino;
	struct stat st;
	int fd, err;

	fd = openat(parent->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0) {
		err = -errno;
		close(fd);
		return err;
	}
	ino = inode_add_lookup(&r->srv->inodes, fd, &st);
	if (!ino)
		return -ENOMEM;
	memset(e, 0, sizeof(*e));
	e->nodeid = ino->nodeid;
	e->entry_valid = PT_TIMEOUT;
	e->attr_valid = PT_TIMEOUT;
	fill_attr(&e->attr, &st);
	inode_put(&r->srv->inodes, ino);
	return 0;
}

void pt_chown_to_caller(const struct req *r, int dirfd, const char *name)
{
	/* daxfsd runs as root; without this every new file is root's.
	 * Root's own files keep the host's defaults (e.g. setgid dirs). */
	if (r->in->uid == 0 && r->in->gid == 0)
		return;
	if (fchownat(dirfd, name, r->in->uid, r->in->gid, AT_SYMLINK_NOFOLLOW) != 0)
		fprintf(stderr, "daxfsd: chown %s to %u:%u: %s\n", name, r->in->uid,
			r->in->gid, strerror(errno));
}

/* Replies with the entry of a name just created in parent. */
static void reply_new_entry(struct req *r, struct inode *parent, const char *name)
{
	struct fuse_entry_out e;
	int err;

	pt_chown_to_caller(r, parent->fd, name);
	err = pt_lookup_entry(r, parent, name, &e);
	if (err)
		reply_err(r, err);
	else
		reply_buf(r, &e, sizeof(e));
}

void pt_lookup(struct req *r)
{
	const char *name;
	struct fuse_entry_out e;
	struct inode *parent;
	int err;

	parent = pt_parent(r, 0, &name);
	if (!parent)
		return;
	err = pt_lookup_entry(r, parent, name, &e);
	if (err)
		reply_err(r, err);
	else
		reply_buf(r, &e, sizeof(e));
	pt_put(r, parent);
}

void pt_forget(struct req *r)
{
	const struct fuse_forget_in *in = r->arg;

	inode_forget(&r->srv->inodes, r->in->nodeid, in->nlookup);
}

void pt_batch_forget(struct req *r)
{
	const struct fuse_batch_forget_in *in = r->arg;
	const char *p = (const char *)r->arg + sizeof(*in);
	size_t room = (r->arglen - sizeof(*in)) / sizeof(struct fuse_forget_one);

	/* A count larger than the request is cut to what is there. */
	for (size_t i = 0; i < in->count && i < room; i++) {
		struct fuse_forget_one one;

		memcpy(&one, p + i * sizeof(one), sizeof(one));
		inode_forget(&r->srv->inodes, one.nodeid, one.nlookup);
	}
}

void pt_getattr(struct req *r)
{
	const struct fuse_getattr_in *in = r->arg;
	struct inode *ino = pt_node(r);
	struct stat st;
	int err;

	if (!ino)
		return;
	if (in->getattr_flags & FUSE_GETATTR_FH)
		err = fstat((int)in->fh, &st) == 0 ? 0 : -errno;
	else
		err = stat_inode(ino, &st);
	reply_attr_or_err(r, err, &st);
	pt_put(r, ino);
}

/* ---- SETATTR, one attribute at a time ---- */

static int set_mode(const struct fuse_setattr_in *in, const struct inode *ino)
{
	char path[64];

	if (in->valid & FATTR_FH)
		return fchmod((int)in->fh, in->mode) == 0 ? 0 : -errno;
	/* chmod does not work on an O_PATH fd; its /proc link does. */
	inode_proc_path(ino, path, sizeof(path));
	return chmod(path, in->mode) == 0 ? 0 : -errno;
}

static int set_owner(const struct fuse_setattr_in *in, const struct inode *ino)
{
	uid_t uid = (in->valid & FATTR_UID) ? in->uid : (uid_t)-1;
	gid_t gid = (in->valid & FATTR_GID) ? in->gid : (gid_t)-1;

	return fchownat(ino->fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
}

static int set_size(struct req *r, const struct fuse_setattr_in *in, const struct inode *ino)
{
	int fd = (int)in->fh;
	int err;

	if (in->size > INT64_MAX)
		return -EFBIG;
	if (!(in->valid & FATTR_FH)) {
		fd = inode_reopen(ino, O_WRONLY);
		if (fd < 0)
			return fd;
	}
	err = coh_truncate(r->srv->win, r->in->nodeid, fd, (off_t)in->size);
	if (!(in->valid & FATTR_FH))
		close(fd);
	return err;
}

static struct timespec time_of(uint32_t valid, uint32_t set, uint32_t now,
			       uint64_t sec, uint32_t nsec)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = UTIME_OMIT };

	if (valid & now) {
		ts.tv_nsec = UTIME_NOW;
	} else if (valid & set) {
		ts.tv_sec = (time_t)sec;
		ts.tv_nsec = nsec;
	}
	return ts;
}

static int set_times(const struct fuse_setattr_in *in, const struct inode *ino)
{
	struct timespec ts[2];
	char path[64];

	ts[0] = time_of(in->valid, FATTR_ATIME, FATTR_ATIME_NOW, in->atime, in->atimensec);
	ts[1] = time_of(in->valid, FATTR_MTIME, FATTR_MTIME_NOW, in->mtime, in->mtimensec);
	if (in->valid & FATTR_FH)
		return futimens((int)in->fh, ts) == 0 ? 0 : -errno;
	inode_proc_path(ino, path, sizeof(path));
	return utimensat(AT_FDCWD, path, ts, 0) == 0 ? 0 : -errno;
}

void pt_setattr(struct req *r)
{
	const struct fuse_setattr_in *in = r->arg;
	struct inode *ino = pt_node(r);
	struct stat st;
	int err = 0;

	if (!ino)
		return;
	if (in->valid & FATTR_MODE)
		err = set_mode(in, ino);
	if (!err && (in->valid & (FATTR_UID | FATTR_GID)))
		err = set_owner(in, ino);
	if (!err && (in->valid & FATTR_SIZE))
		err = set_size(r, in, ino);
	if (!err && (in->valid & (FATTR_ATIME | FATTR_MTIME | FATTR_ATIME_NOW | FATTR_MTIME_NOW)))
		err = set_times(in, ino);
	if (!err)
		err = stat_inode(ino, &st);
	reply_attr_or_err(r, err, &st);
	pt_put(r, ino);
}

/* ---- creating and removing names ---- */

/* MKNOD and MKDIR: make the name in the request's directory, reply
 * with its entry. */
static void make_name(struct req *r, size_t off, mode_t mode, dev_t rdev,
		      bool dir)
{
	const char *name;
	struct inode *parent = pt_parent(r, off, &name);
	int rc;

	if (!parent)
		return;
	rc = dir ? mkdirat(parent->fd, name, mode) :
		   mknodat(parent->fd, name, mode, rdev);
	if (rc != 0)
		reply_err(r, -errno);
	else
		reply_new_entry(r, parent, name);
	pt_put(r, parent);
}

void pt_mknod(struct req *r)
{
	const struct fuse_mknod_in *in = r->arg;

	make_name(r, sizeof(*in), in->mode, in->rdev, false);
}

void pt_mkdir(struct req *r)
{
	const struct fuse_mkdir_in *in = r->arg;

	make_name(r, sizeof(*in), in->mode, 0, true);
}

static void remove_name(struct req *r, int flags)
{
	const char *name;
	struct inode *parent;

	parent = pt_parent(r, 0, &name);
	if (!parent)
		return;
	reply_err(r, unlinkat(parent->fd, name, flags) == 0 ? 0 : -errno);
	pt_put(r, parent);
}

void pt_unlink(struct req *r)
{
	remove_name(r, 0);
}

void pt_rmdir(struct req *r)
{
	remove_name(r, AT_REMOVEDIR);
}

/* RENAME and RENAME2: names start at off, flags go to renameat2. */
static void rename_names(struct req *r, uint64_t newdir, size_t off, unsigned flags)
{
	const char *oldname = req_string(r, off);
	const char *newname = oldname ? req_string(r, off + strlen(oldname) + 1) : NULL;
	struct inode *from, *to;

	if (!newname) {
		reply_err(r, -EINVAL);
		return;
	}
	from = pt_node(r);
	if (!from)
		return;
	to = inode_get(&r->srv->inodes, newdir);
	if (!to)
		reply_err(r, -ESTALE);
	else if (renameat2(from->fd, oldname, to->fd, newname, flags) != 0)
		reply_err(r, -errno);
	else
		reply_err(r, 0);
	inode_put(&r->srv->inodes, to);
	pt_put(r, from);
}

void pt_rename(struct req *r)
{
	const struct fuse_rename_in *in = r->arg;

	rename_names(r, in->newdir, sizeof(*in), 0);
}

void pt_rename2(struct req *r)
{
	const struct fuse_rename2_in *in = r->arg;

	rename_names(r, in->newdir, sizeof(*in), in->flags);
}

void pt_statfs(struct req *r)
{
	struct inode *ino = pt_node(r);
	struct fuse_statfs_out out;
	struct statvfs sv;

	if (!ino)
		return;
	if (fstatvfs(ino->fd, &sv) != 0) {
		reply_err(r, -errno);
	} else {
		memset(&out, 0, sizeof(out));
		out.st.blocks = sv.f_blocks;
		out.st.bfree = sv.f_bfree;
		out.st.bavail = sv.f_bavail;
		out.st.files = sv.f_files;
		out.st.ffree = sv.f_ffree;
		out.st.bsize = (uint32_t)sv.f_bsize;
		out.st.namelen = (uint32_t)sv.f_namemax;
		out.st.frsize = (uint32_t)sv.f_frsize;
		reply_buf(r, &out, sizeof(out));
	}
	pt_put(r, ino);
}
