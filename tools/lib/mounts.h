/* SPDX-License-Identifier: GPL-2.0 */
/* Names for the kernel dev_t values the fuse_dax events carry. */
#ifndef DAXMON_MOUNTS_H
#define DAXMON_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The kernel's dev_t: 12 bits of major, 20 of minor. */
#define KDEV_MAJOR(dev)	((unsigned int)((dev) >> 20))
#define KDEV_MINOR(dev)	((unsigned int)((dev) & 0xfffff))

/*
 * Mount point of dev, else "major:minor": from /proc/self/mountinfo, read
 * at the first name asked for, and again at the first after a
 * dax_mount_names_refresh() (the interval loop calls it once an
 * interval) that found the mount table changed.  Safe from any thread.
 */
const char *dax_mount_name(uint32_t dev, char *buf, size_t size);
void dax_mount_names_refresh(void);

/* Mount point (unescaped) of devno, "major:minor", in a mountinfo stream. */
bool dax_mountinfo_find(FILE *f, const char *devno, char *buf, size_t size);

#endif
