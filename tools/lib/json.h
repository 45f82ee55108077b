/* SPDX-License-Identifier: GPL-2.0 */
/* A small streaming JSON writer: commas and escaping handled here. */
#ifndef DAXMON_JSON_H
#define DAXMON_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *out;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
	bool after_key;
};

void json_init(struct json *j, FILE *out);
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_double(struct json *j, double v);
void json_bool(struct json *j, bool v);
/* A tool's report: {"time": when, ...; json_object_end() closes it. */
void json_report_begin(struct json *j, FILE *out, int64_t when);
/*
 * "key": {"names[0]": v[0], ...}: a count kept by reason or mode, less
 * the values whose bit is set in skip (a tool cannot see them).
 */
void json_u64_by(struct json *j, const char *key, const unsigned long long *v,
		 const char *const *names, int n, unsigned int skip);

#endif
