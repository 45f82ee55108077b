/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The inode table: FUSE nodeids -> files of the source directory.
 * Each inode holds an O_PATH fd (so renames in the source keep working)
 * and the kernel's lookup count; nodeid 1 is the source directory.
 * Nodeids are never reused, so no generation numbers are needed.
 */
#ifndef DAXFSD_INODE_H
#define DAXFSD_INODE_H

#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>

#define INODE_BUCKETS 4096

struct inode {
	uint64_t nodeid;
	int fd;			/* O_PATH | O_NOFOLLOW */
	dev_t dev;
	ino_t ino;
	uint64_t nlookup;	/* the kernel's references (LOOKUP - FORGET) */
	unsigned refs;		/* handlers currently using this inode */
	struct inode *id_next;	/* chain in by_id */
	struct inode *key_next;	/* chain in by_key */
};

struct inode_table {
	pthread_mutex_t lock;
	uint64_t next_id;
	struct inode *by_id[INODE_BUCKETS];
	struct inode *by_key[INODE_BUCKETS];	/* (dev, ino) */
};

/* Makes the table with the root (nodeid 1) at rootfd.  0 or -errno. */
int inode_table_init(struct inode_table *t, int rootfd);

/* Closes every fd and frees every inode. */
void inode_table_destroy(struct inode_table *t);

/* The inode for nodeid with a reference for the caller, or NULL. */
struct inode *inode_get(struct inode_table *t, uint64_t nodeid);
void inode_put(struct inode_table *t, struct inode *ino);

/* After a successful lookup of a name: returns the inode for fd's file
 * (st its stat), counting one kernel lookup and one caller reference.
 * Takes fd (closes it if the file already has an inode).  NULL: ENOMEM. */
struct inode *inode_add_lookup(struct inode_table *t, int fd, const struct stat *st);

/* FORGET: drops n kernel references. */
void inode_forget(struct inode_table *t, uint64_t nodeid, uint64_t n);

/* The nodeids the kernel holds, the root aside: *ids a malloc()ed
 * array of *n (the caller frees it).  0 or -ENOMEM. */
int inode_known_ids(struct inode_table *t, uint64_t **ids, size_t *n);

/* "/proc/self/fd/N" for ino, to reopen an O_PATH fd with real access. */
void inode_proc_path(const struct inode *ino, char *buf, size_t size);

/* Opens ino's file with flags (O_RDONLY, O_RDWR, ...); fd or -errno. */
int inode_reopen(const struct inode *ino, int flags);

#endif
