/* SPDX-License-Identifier: GPL-2.0 */
/* mount(2) of the /dev/fuse connection, and the lazy unmount. */
#ifndef DAXFSD_MOUNT_H
#define DAXFSD_MOUNT_H

/* Mounts source at mountpoint, served on devfd.  dax_dev (may be NULL)
 * adds dax=always,dax_dev=PATH; extra (may be NULL) is appended as is.
 * On failure prints one line saying what to check and returns -1. */
int fuse_mount(int devfd, const char *source, const char *mountpoint,
	       const char *dax_dev, const char *extra);

/* umount2(MNT_DETACH): the kernel ends the connection (and our workers
 * see ENODEV) once nothing uses the file system any more. */
void fuse_unmount_lazy(const char *mountpoint);

#endif
