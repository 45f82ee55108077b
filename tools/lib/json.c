// SPDX-License-Identifier: GPL-2.0
#include "json.h"

#include <inttypes.h>
#include <math.h>

void json_init(struct json *j, FILE *out)
{
	*j = (struct json){ .out = out };
}

/* Separate this value from the previous one at the same depth. */
static void begin_value(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		fputc(',', j->out);
	j->need_comma[j->depth] = true;
}

static void open_scope(struct json *j, char c)
{
	begin_value(j);
	fputc(c, j->out);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_scope(struct json *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	fputc(c, j->out);
	if (j->depth == 0)
		fputc('\n', j->out);
}

void json_object_begin(struct json *j) { open_scope(j, '{'); }
void json_object_end(struct json *j) { close_scope(j, '}'); }
void json_array_begin(struct json *j) { open_scope(j, '['); }
void json_array_end(struct json *j) { close_scope(j, ']'); }

static void write_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void json_key(struct json *j, const char *key)
{
	begin_value(j);
	write_string(j->out, key);
	fputc(':', j->out);
	j->after_key = true;
}

void json_string(struct json *j, const char *s)
{
	begin_value(j);
	write_string(j->out, s);
}

void json_u64(struct json *j, uint64_t v)
{
	begin_value(j);
	fprintf(j->out, "%" PRIu64, v);
}

void json_i64(struct json *j, int64_t v)
{
	begin_value(j);
	fprintf(j->out, "%" PRId64, v);
}

void json_double(struct json *j, double v)
{
	begin_value(j);
	/* JSON has no NaN or infinity */
	if (isfinite(v))
		fprintf(j->out, "%.6g", v);
	else
		fputs("null", j->out);
}

void json_bool(struct json *j, bool v)
{
	begin_value(j);
	fputs(v ? "true" : "false", j->out);
}

void json_u64_by(struct json *j, const char *key, const unsigned long long *v,
		 const char *const *names, int n, unsigned int skip)
{
	json_key(j, key);
	json_object_begin(j);
	for (int i = 0; i < n; i++) {
		if (skip & (1U << i))
			continue;
		json_key(j, names[i]);
		json_u64(j, v[i]);
	}
	json_object_end(j);
}

void json_report_begin(struct json *j, FILE *out, int64_t when)
{
	json_init(j, out);
	json_object_begin(j);
	json_key(j, "time");
	json_i64(j, when);
}
