// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include "metrics_http.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

struct metrics_http {
	struct MHD_Daemon *daemon;
	metrics_render_fn render;
	void *ctx;
};

/*
 * libmicrohttpd, loaded by metrics_http_start() only: linked, it and the
 * ten libraries it pulls in (gnutls's) cost every dax-stat run 170 ms of
 * its start-up in a TCG guest (of 2.5 s; the other tools start in 1.3)
 * and 1.2 MiB, --listen or not.
 */
#define MHD_SONAME "libmicrohttpd.so.12"

static struct {
	void *lib;
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_create_response_from_buffer) *response_from_buffer;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_destroy_response) *destroy_response;
} mhd;

/* 0, or -1 with the reason in *why (dlerror()'s) */
static int mhd_load(const char **why)
{
	static const struct {
		const char *name;
		void **fn;
	} syms[] = {
		{ "MHD_start_daemon", (void **)&mhd.start_daemon },
		{ "MHD_stop_daemon", (void **)&mhd.stop_daemon },
		{ "MHD_create_response_from_buffer", (void **)&mhd.response_from_buffer },
		{ "MHD_add_response_header", (void **)&mhd.add_response_header },
		{ "MHD_queue_response", (void **)&mhd.queue_response },
		{ "MHD_destroy_response", (void **)&mhd.destroy_response },
	};

	if (mhd.lib)
		return 0;
	mhd.lib = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	for (size_t i = 0; mhd.lib && i < sizeof(syms) / sizeof(syms[0]); i++)
		if (!(*syms[i].fn = dlsym(mhd.lib, syms[i].name))) {
			dlclose(mhd.lib);
			mhd.lib = NULL;
		}
	if (!mhd.lib)
		*why = dlerror();
	return mhd.lib ? 0 : -1;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status,
			     const char *type, char *body, size_t len)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = mhd.response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	mhd.add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = mhd.queue_response(conn, status, resp);
	mhd.destroy_response(resp);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_size, void **req_ctx)
{
	struct metrics_http *http = cls;
	size_t len = 0;
	char *body;

	(void)version;
	(void)upload_data;
	(void)upload_size;
	(void)req_ctx;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
			     strdup("only GET\n"), 9);
	if (strcmp(url, "/metrics"))
		return reply(conn, MHD_HTTP_NOT_FOUND, "text/plain",
			     strdup("see /metrics\n"), 13);
	body = http->render(&len, http->ctx);
	if (!body)
		return reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain",
			     strdup("cannot read the BPF maps\n"), 25);
	return reply(conn, MHD_HTTP_OK,
		     "text/plain; version=0.0.4; charset=utf-8", body, len);
}

int metrics_http_parse_listen(const char *listen, struct sockaddr_in *addr)
{
	const char *colon = strrchr(listen, ':');
	char host[64] = "127.0.0.1";
	unsigned long long port;

	if (colon && colon != listen) {
		if ((size_t)(colon - listen) >= sizeof(host))
			return -1;
		memcpy(host, listen, colon - listen);
		host[colon - listen] = '\0';
	}
	if (dax_parse_number(colon ? colon + 1 : listen, 1, 65535, &port))
		return -1;
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_port = htons(port);
	return inet_pton(AF_INET, host, &addr->sin_addr) == 1 ? 0 : -1;
}

struct metrics_http *metrics_http_start(const char *tool, const char *listen,
					metrics_render_fn render, void *ctx)
{
	struct metrics_http *http;
	struct sockaddr_in addr;
	const char *why = NULL;

	if (metrics_http_parse_listen(listen, &addr)) {
		fprintf(stderr, "%s: bad --listen '%s': want [ADDR:]PORT, e.g. 9465 or 0.0.0.0:9465\n",
			tool, listen);
		return NULL;
	}
	if (mhd_load(&why)) {
		fprintf(stderr, "%s: --listen needs %s (Debian: libmicrohttpd12): %s\n",
			tool, MHD_SONAME, why ? why : "cannot load it");
		return NULL;
	}
	http = calloc(1, sizeof(*http));
	if (!http)
		return NULL;
	http->render = render;
	http->ctx = ctx;
	http->daemon = mhd.start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
					MHD_USE_ERROR_LOG,
					ntohs(addr.sin_port), NULL, NULL,
					handle, http,
					MHD_OPTION_SOCK_ADDR, &addr,
					MHD_OPTION_END);
	if (!http->daemon) {
		fprintf(stderr, "%s: cannot listen on %s: %s\n", tool, listen,
			strerror(errno));
		free(http);
		return NULL;
	}
	fprintf(stderr, "%s: serving http://%s:%u/metrics\n", tool,
		inet_ntoa(addr.sin_addr), ntohs(addr.sin_port));
	return http;
}

void metrics_http_stop(struct metrics_http *http)
{
	if (!http)
		return;
	mhd.stop_daemon(http->daemon);
	free(http);
}
