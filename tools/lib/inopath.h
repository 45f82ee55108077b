/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Paths for the inode numbers the fuse_dax events carry: found by
 * walking the mount, a bounded number of entries at a time, and cached.
 */
#ifndef DAXMON_INOPATH_H
#define DAXMON_INOPATH_H

#include <stdint.h>

struct inopath;

/* max_walk: entries one walk of a mount may visit; retry_s: how long an
 * inode the walk did not find stays unknown before it is looked for
 * again.  NULL if out of memory. */
struct inopath *inopath_new(unsigned int max_walk, unsigned int retry_s);
void inopath_free(struct inopath *c);

/*
 * The path of inode ino on the mount whose kernel dev_t is dev, or NULL
 * while it is unknown; an unknown inode is queued for the next
 * inopath_resolve() of that mount.
 */
const char *inopath_get(struct inopath *c, uint32_t dev, uint64_t ino);

/* Walk the mount at mnt (not crossing into other mounts) if inodes of
 * dev are queued; the walk stops once it found them all. */
void inopath_resolve(struct inopath *c, uint32_t dev, const char *mnt);

#endif
