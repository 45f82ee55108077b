/* SPDX-License-Identifier: GPL-2.0 */
/* The life of the FUSE connection: INIT, DESTROY, and the worker loop. */
#ifndef DAXFSD_SESSION_H
#define DAXFSD_SESSION_H

struct req;

void session_init(struct req *r);
void session_destroy(struct req *r);
void session_interrupt(struct req *r);

/* Thread body: serves requests until the file system is unmounted.
 * arg is the struct server.  Returns NULL, or (void *)1 if /dev/fuse
 * failed in some other way. */
void *session_worker(void *arg);

#endif
