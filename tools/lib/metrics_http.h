/* SPDX-License-Identifier: GPL-2.0 */
/* /metrics over HTTP with libmicrohttpd. */
#ifndef DAXMON_METRICS_HTTP_H
#define DAXMON_METRICS_HTTP_H

#include <stddef.h>
#include <netinet/in.h>

struct metrics_http;

/* Returns a malloc'ed exposition and its length, or NULL.  Called on the
 * server's one thread, one request at a time. */
typedef char *(*metrics_render_fn)(size_t *len, void *ctx);

/* listen is "[ADDR:]PORT", an IPv4 address; ADDR defaults to 127.0.0.1.
 * 0 with *addr set, or -1: for the option's parser, before anything runs. */
int metrics_http_parse_listen(const char *listen, struct sockaddr_in *addr);

/* Serve listen (see above).  NULL on error, with a message. */
struct metrics_http *metrics_http_start(const char *tool, const char *listen,
					metrics_render_fn render, void *ctx);
void metrics_http_stop(struct metrics_http *http);

#endif
