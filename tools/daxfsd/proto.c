// SPDX-License-Identifier: GPL-2.0
/* Reading, checking, dispatching and answering /dev/fuse requests. */
#include "proto.h"

#include "inject.h"
#include "opcode.h"
#include "server.h"
#include "stats.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

long proto_read(int devfd, void *buf, size_t size)
{
	for (;;) {
		ssize_t n = read(devfd, buf, size);

		if (n > 0)
			return n;
		if (n == 0 || errno == ENODEV)
			return 0;
		/* ENOENT: the request was interrupted before we got it. */
		if (errno == EINTR || errno == EAGAIN || errno == ENOENT)
			continue;
		return -errno;
	}
}

static const char *name_of(uint32_t opcode)
{
	const char *name = opcode_name(opcode);

	return name ? name : "UNKNOWN";
}

/*
 * A malformed reply of --bad-setupmapping, written before (or instead
 * of) the real one.  Returns true if the kernel refused it with the
 * errno it should: then the request is still waiting for its reply.
 */
static bool send_refused(struct req *r, enum bad_reply bad)
{
	struct fuse_out_header out = { .len = sizeof(out), .unique = r->in->unique };
	int want = EINVAL;

	if (bad == BAD_SHORT) {
		out.len = sizeof(out) / 2;
	} else {
		out.unique ^= 1ull << 62;	/* no request has it */
		want = ENOENT;
	}
	if (write(r->srv->devfd, &out, sizeof(out)) < 0 && errno == want) {
		stats_count_rejected();
		return true;
	}
	fprintf(stderr, "daxfsd: the kernel took a malformed reply to %s\n", name_of(r->in->opcode));
	stats_count_error();
	return false;
}

static bool send_reply(struct req *r, int err, const struct iovec *payload, int n)
{
	static const char junk[64];
	struct fuse_out_header out = { .error = -err, .unique = r->in->unique };
	enum bad_reply bad = inject_bad_reply(r->in->opcode);
	struct iovec iov[4];
	int cnt = 1;

	if (bad == BAD_ERROR && !err) {
		err = EIO;
		out.error = -EIO;
	}
	iov[0].iov_base = &out;
	iov[0].iov_len = sizeof(out);
	out.len = sizeof(out);
	for (int i = 0; !err && i < n; i++) {
		iov[cnt++] = payload[i];
		out.len += (uint32_t)payload[i].iov_len;
	}
	if (bad == BAD_OVERSIZED && !err) {
		iov[cnt].iov_base = (void *)junk;
		iov[cnt++].iov_len = sizeof(junk);
		out.len += sizeof(junk);
	}
	inject_before_reply(r->in->opcode);
	if ((bad == BAD_SHORT || bad == BAD_UNIQUE) && !send_refused(r, bad))
		return false;
	/* ENOENT and ENOSYS are ordinary answers (no such name, optional
	 * operation not implemented), not failures worth counting. */
	if (err && err != ENOENT && err != ENOSYS)
		stats_count_error();
	if (r->srv->verbose)
		fprintf(stderr, "daxfsd: <- %s unique=%" PRIu64 " error=%d%s%s len=%u\n",
			name_of(r->in->opcode), (uint64_t)r->in->unique, -err,
			err ? " " : "", err ? strerror(err) : "", out.len);
	r->replied = true;
	if (bad == BAD_OVERSIZED && !err) {
		/* the kernel ends the request with EIO and refuses the write */
		if (writev(r->srv->devfd, iov, cnt) < 0 && errno == EINVAL)
			stats_count_rejected();
		else
			stats_count_error();
		return false;
	}
	if (writev(r->srv->devfd, iov, cnt) >= 0)
		return true;
	/* ENOENT: the kernel gave up on the request (interrupted). */
	if (errno != ENOENT) {
		fprintf(stderr, "daxfsd: reply to %s: %s\n", name_of(r->in->opcode), strerror(errno));
		stats_count_error();
	}
	return false;
}

void reply_err(struct req *r, int err)
{
	send_reply(r, -err, NULL, 0);
}

bool reply_err_taken(struct req *r, int err)
{
	return send_reply(r, -err, NULL, 0);
}

void reply_buf(struct req *r, const void *data, size_t len)
{
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };

	send_reply(r, 0, &iov, len ? 1 : 0);
}

void reply_two(struct req *r, const void *a, size_t alen, const void *b, size_t blen)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)a, .iov_len = alen },
		{ .iov_base = (void *)b, .iov_len = blen },
	};

	send_reply(r, 0, iov, 2);
}

int proto_notify_inval_inode(int devfd, uint64_t nodeid, int64_t off, int64_t len)
{
	struct fuse_notify_inval_inode_out arg = { .ino = nodeid, .off = off, .len = len };
	struct fuse_out_header out = {
		.len = sizeof(out) + sizeof(arg),
		.error = FUSE_NOTIFY_INVAL_INODE,	/* unique 0: a notification */
	};
	struct iovec iov[] = {
		{ .iov_base = &out, .iov_len = sizeof(out) },
		{ .iov_base = &arg, .iov_len = sizeof(arg) },
	};

	return writev(devfd, iov, 2) < 0 ? -errno : 0;
}

const char *req_string(const struct req *r, size_t off)
{
	const char *s = (const char *)r->arg + off;

	if (off >= r->arglen || !memchr(s, '\0', r->arglen - off))
		return NULL;
	return s;
}

void proto_handle(struct server *srv, void *buf, size_t len)
{
	struct req r = { .srv = srv, .in = buf };
	size_t extlen;
	const struct op *op;

	if (len < sizeof(*r.in)) {
		/* Without a header there is no unique to answer to. */
		fprintf(stderr, "daxfsd: short request (%zu bytes) ignored\n", len);
		stats_count_error();
		return;
	}
	stats_count_request(r.in->opcode);
	if (srv->verbose)
		fprintf(stderr, "daxfsd: -> %s unique=%" PRIu64 " nodeid=%" PRIu64 " len=%u\n",
			name_of(r.in->opcode), (uint64_t)r.in->unique,
			(uint64_t)r.in->nodeid, r.in->len);
	op = op_lookup(r.in->opcode);
	extlen = (size_t)r.in->total_extlen * 8;
	if (r.in->len != len || extlen > len - sizeof(*r.in)) {
		if (!op || !op->no_reply)
			reply_err(&r, -EINVAL);
		return;
	}
	r.arg = (const char *)buf + sizeof(*r.in);
	/* Extensions (security context, groups) follow the arguments; we
	 * never ask for them, but keep them out of the names. */
	r.arglen = len - sizeof(*r.in) - extlen;
	if (!op) {
		reply_err(&r, -ENOSYS);
		return;
	}
	if (r.arglen < op->in_size) {
		if (!op->no_reply)
			reply_err(&r, -EINVAL);
		return;
	}
	op->fn(&r);
	if (!r.replied && !op->no_reply) {
		fprintf(stderr, "daxfsd: bug: %s got no reply\n", name_of(r.in->opcode));
		reply_err(&r, -EIO);
	}
}
