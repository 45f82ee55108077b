// SPDX-License-Identifier: GPL-2.0
/* INIT negotiation, DESTROY, INTERRUPT and the per-thread request loop. */
#include "session.h"

#include "proto.h"
#include "server.h"
#include "window.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kernel's fs/fuse/dax.c refuses DAX if the window's page alignment
 * is above PAGE_SHIFT; 4 KiB pages. */
#define MAP_ALIGNMENT_LOG2 12

void session_init(struct req *r)
{
	const struct fuse_init_in *in = r->arg;
	struct fuse_init_out out;
	/* No writeback cache (the window is the cache in DAX mode), no
	 * READDIRPLUS, no per-inode DAX (we mount dax=always). */
	uint32_t want = FUSE_ASYNC_READ | FUSE_BIG_WRITES | FUSE_MAX_PAGES;

	if (in->major != FUSE_KERNEL_VERSION) {
		fprintf(stderr, "daxfsd: kernel speaks FUSE %u.%u, we speak %u.x\n",
			in->major, in->minor, FUSE_KERNEL_VERSION);
		reply_err(r, -EPROTO);
		return;
	}
	memset(&out, 0, sizeof(out));
	out.major = FUSE_KERNEL_VERSION;
	out.minor = in->minor < FUSE_KERNEL_MINOR_VERSION ? in->minor : FUSE_KERNEL_MINOR_VERSION;
	out.max_readahead = in->max_readahead;
	out.flags = in->flags & want;
	if (r->srv->win) {
		/* Required for DAX even if the kernel did not offer it. */
		out.flags |= FUSE_MAP_ALIGNMENT;
		out.map_alignment = MAP_ALIGNMENT_LOG2;
	}
	out.max_background = 16;
	out.congestion_threshold = 12;
	out.max_write = PROTO_MAX_WRITE;
	out.time_gran = 1;
	out.max_pages = PROTO_MAX_PAGES;
	reply_buf(r, &out, sizeof(out));
}

void session_destroy(struct req *r)
{
	int err = r->srv->win ? window_writeback_all(r->srv->win) : 0;

	reply_err(r, err);
}

/* We never block a request on anything the guest could interrupt out
 * of, so there is nothing to cancel; INTERRUPT gets no reply. */
void session_interrupt(struct req *r)
{
	(void)r;
}

void *session_worker(void *arg)
{
	struct server *srv = arg;
	void *buf = malloc(PROTO_BUFSIZE);
	void *status = NULL;

	if (!buf) {
		fprintf(stderr, "daxfsd: out of memory for a request buffer\n");
		return (void *)1;
	}
	for (;;) {
		long n = proto_read(srv->devfd, buf, PROTO_BUFSIZE);

		if (n == 0)
			break;
		if (n < 0) {
			fprintf(stderr, "daxfsd: reading /dev/fuse: %s\n", strerror((int)-n));
			status = (void *)1;
			break;
		}
		proto_handle(srv, buf, (size_t)n);
	}
	free(buf);
	return status;
}
