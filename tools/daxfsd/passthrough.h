/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Passthrough of the source directory: name and attribute operations
 * (passthrough.c), open files (fileops.c), directories (dirops.c).
 * Every handler works with the *at() system calls on the O_PATH fds of
 * the inode table.
 */
#ifndef DAXFSD_PASSTHROUGH_H
#define DAXFSD_PASSTHROUGH_H

#include <linux/fuse.h>
#include <stddef.h>
#include <sys/stat.h>

struct req;
struct inode;

/* How long the kernel may cache names and attributes, in seconds. */
#define PT_TIMEOUT 1

/* Looks name up in parent, fills e and counts a kernel lookup.
 * Returns 0 or a negative errno. */
int pt_lookup_entry(struct req *r, struct inode *parent, const char *name,
		    struct fuse_entry_out *e);

/* A new file of the caller's: give it the caller's uid and gid. */
void pt_chown_to_caller(const struct req *r, int dirfd, const char *name);

/* The request's inode, or NULL after replying ESTALE. */
struct inode *pt_node(struct req *r);
void pt_put(struct req *r, struct inode *ino);

/*
 * For a request about a name in a directory: the directory (the
 * request's inode) and *name, the string at off of its argument; NULL
 * after replying EINVAL (no name) or ESTALE.  pt_put() the directory.
 */
struct inode *pt_parent(struct req *r, size_t off, const char **name);

void pt_lookup(struct req *r);
void pt_forget(struct req *r);
void pt_batch_forget(struct req *r);
void pt_getattr(struct req *r);
void pt_setattr(struct req *r);
void pt_mknod(struct req *r);
void pt_mkdir(struct req *r);
void pt_unlink(struct req *r);
void pt_rmdir(struct req *r);
void pt_rename(struct req *r);
void pt_rename2(struct req *r);
void pt_statfs(struct req *r);

/* fileops.c */
void pt_open(struct req *r);
void pt_create(struct req *r);
void pt_read(struct req *r);
void pt_write(struct req *r);
void pt_flush(struct req *r);
void pt_fsync(struct req *r);
void pt_release(struct req *r);
void pt_fallocate(struct req *r);

/* dirops.c */
void pt_opendir(struct req *r);
void pt_readdir(struct req *r);
void pt_releasedir(struct req *r);

#endif
