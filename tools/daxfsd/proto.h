/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The /dev/fuse wire protocol: reading one request, checking its sizes,
 * dispatching it by opcode and writing the reply.
 */
#ifndef DAXFSD_PROTO_H
#define DAXFSD_PROTO_H

#include <linux/fuse.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct server;

/* Largest WRITE payload we accept (told to the kernel in INIT). */
#define PROTO_MAX_WRITE (1u << 20)
#define PROTO_MAX_PAGES 256
/* A request is at most a header, a fuse_write_in and the payload. */
#define PROTO_BUFSIZE (PROTO_MAX_WRITE + 4096)

struct req {
	struct server *srv;
	const struct fuse_in_header *in;
	const void *arg;	/* the opcode's in-struct, then names/data */
	size_t arglen;
	bool replied;
};

/* Reads one request into buf (PROTO_BUFSIZE bytes).  Returns its length,
 * 0 when the file system is gone (ENODEV: unmounted), or -errno. */
long proto_read(int devfd, void *buf, size_t size);

/* Checks the sizes of the request in buf, counts it, runs its handler. */
void proto_handle(struct server *srv, void *buf, size_t len);

/* Replies: err is 0 for success or a negative errno, as everything in
 * daxfsd returns them (kernel style); only the reply itself carries the
 * positive value.  Every request except FORGET, BATCH_FORGET and
 * INTERRUPT gets exactly one reply. */
void reply_err(struct req *r, int err);
/* reply_err(), and whether the kernel took the reply: false when it
 * had given up on the request or the connection was gone. */
bool reply_err_taken(struct req *r, int err);
void reply_buf(struct req *r, const void *data, size_t len);
void reply_two(struct req *r, const void *a, size_t alen, const void *b, size_t blen);

/* FUSE_NOTIFY_INVAL_INODE: nodeid's attributes and its data from off
 * (len bytes, 0 for all) may have changed.  The kernel handles it before
 * the write returns.  0, or -errno (-ENOENT: the kernel forgot nodeid). */
int proto_notify_inval_inode(int devfd, uint64_t nodeid, int64_t off, int64_t len);

/* The NUL-terminated string at arg + off, or NULL if it runs past the
 * request (the caller replies EINVAL). */
const char *req_string(const struct req *r, size_t off);

/* The handler table (ops.c). */
struct op {
	void (*fn)(struct req *r);
	size_t in_size;		/* minimum argument size */
	bool no_reply;		/* FORGET and friends: the kernel wants none */
};
const struct op *op_lookup(uint32_t opcode);

#endif
