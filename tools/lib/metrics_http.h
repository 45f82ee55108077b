/* SPDX-License-Identifier: GPL-2.0 */
/* /metrics over HTTP with libmicrohttpd. */
#ifndef DAXMON_METRICS_HTTP_H
#define DAXMON_METRICS_HTTP_H

#include <stddef.h>

struct metrics_http;

/* Returns a malloc'ed exposition and its length, or NULL. */
typedef char *(*metrics_render_fn)(size_t *len, void *ctx);

/* listen is "[ADDR:]PORT"; ADDR defaults to 127.0.0.1.  NULL on error,
 * with a message. */
struct metrics_http *metrics_http_start(const char *tool, const char *listen,
					metrics_render_fn render, void *ctx);
void metrics_http_stop(struct metrics_http *http);

#endif
