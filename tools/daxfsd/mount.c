// SPDX-License-Identifier: GPL-2.0
/* Mounting the FUSE file system with the options the kernel wants. */
#include "mount.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

/* What to check when mount(2) fails with err. */
static const char *hint(int err, const char *dax_dev)
{
	switch (err) {
	case EINVAL:
		return dax_dev ? "kernel lacks the daxmon pmem window patch or the device is not DAX-capable"
			       : "the kernel rejected the mount options (check -o)";
	case ENODEV:
		return "no FUSE in this kernel (CONFIG_FUSE_FS, modprobe fuse)";
	case EPERM:
		return "mounting needs root (CAP_SYS_ADMIN)";
	case ENOENT:
	case ENOTDIR:
		return dax_dev ? "the mountpoint must be an existing directory, and the dax device must exist"
			       : "the mountpoint must be an existing directory";
	case EBUSY:
		return "the mountpoint is busy, or the dax device is in use by another mount";
	case EOPNOTSUPP:
		return "the kernel does not support DAX on FUSE (CONFIG_FUSE_DAX)";
	default:
		return "see dmesg";
	}
}

int fuse_mount(int devfd, const char *source, const char *mountpoint,
	       const char *dax_dev, const char *extra)
{
	char opts[4096];
	int n;

	n = snprintf(opts, sizeof(opts),
		     "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other,default_permissions%s%s%s%s",
		     devfd, dax_dev ? ",dax=always,dax_dev=" : "", dax_dev ? dax_dev : "",
		     extra ? "," : "", extra ? extra : "");
	if (n < 0 || n >= (int)sizeof(opts)) {
		fprintf(stderr, "daxfsd: mount options too long\n");
		return -1;
	}
	if (mount(source, mountpoint, "fuse.daxfsd", MS_NOSUID | MS_NODEV, opts) != 0) {
		int err = errno;

		fprintf(stderr, "daxfsd: mount %s (%s): %s: %s\n", mountpoint, opts,
			strerror(err), hint(err, dax_dev));
		return -1;
	}
	return 0;
}

void fuse_unmount_lazy(const char *mountpoint)
{
	if (umount2(mountpoint, MNT_DETACH) != 0 && errno != EINVAL)
		fprintf(stderr, "daxfsd: unmount %s: %s\n", mountpoint, strerror(errno));
}
