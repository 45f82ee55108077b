/* SPDX-License-Identifier: GPL-2.0 */
/* The VMM's half of virtio-fs DAX: FUSE_SETUPMAPPING, FUSE_REMOVEMAPPING
 * and FUSE_SYNCFS, on top of window.c. */
#ifndef DAXFSD_DAX_H
#define DAXFSD_DAX_H

struct req;

void dax_setupmapping(struct req *r);
void dax_removemapping(struct req *r);
void dax_syncfs(struct req *r);

#endif
