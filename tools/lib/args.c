// SPDX-License-Identifier: GPL-2.0
#include "args.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

int dax_parse_number(const char *arg, unsigned long long min,
		     unsigned long long max, unsigned long long *v)
{
	unsigned long long n;
	char *end;

	/* strtoull would take "-1" as 2^64-1, and " 1" or "+1" as 1 */
	if (*arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	n = strtoull(arg, &end, 10);
	if (errno || *end || n < min || n > max)
		return -1;
	*v = n;
	return 0;
}

int dax_parse_size(const char *arg, unsigned long long *bytes)
{
	static const char units[] = "KMGT";
	unsigned long long n;
	const char *u;
	char *end;
	int shift = 0;

	if (*arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	n = strtoull(arg, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		u = strchr(units, *end);
		if (!u || end[1])
			return -1;
		shift = 10 * (u - units + 1);
	}
	if (n > ULLONG_MAX >> shift)
		return -1;
	*bytes = n << shift;
	return 0;
}

static void parse_interval_count(struct argp_state *state, const char *arg,
				 struct dax_opts *o)
{
	const char *what = state->arg_num ? "count" : "interval";
	unsigned long long v;

	if (state->arg_num > 1)
		argp_error(state, "unexpected argument '%s': [interval] [count]", arg);
	if (dax_parse_number(arg, 1, state->arg_num ? LONG_MAX : INT_MAX, &v)) {
		argp_error(state, "invalid %s '%s': a positive number", what, arg);
		return;
	}
	if (state->arg_num)
		o->count = v;
	else
		o->interval = v;
}

static const char *const attach_names[] = {
	[DAX_ATTACH_AUTO] = "auto",
	[DAX_ATTACH_TRACEPOINT] = "tracepoint",
	[DAX_ATTACH_FENTRY] = "fentry",
	[DAX_ATTACH_KPROBE] = "kprobe",
};

static void parse_attach(struct argp_state *state, const char *arg,
			 struct dax_opts *o)
{
	for (size_t i = 0; i < sizeof(attach_names) / sizeof(attach_names[0]); i++) {
		if (strcmp(arg, attach_names[i]))
			continue;
		if (o->force_raw && i > DAX_ATTACH_TRACEPOINT)
			argp_error(state, "--raw-tp and --attach=%s exclude each other",
				   arg);
		/* --raw-tp is a way of attaching to the tracepoints */
		o->attach = o->force_raw ? DAX_ATTACH_TRACEPOINT : i;
		return;
	}
	argp_error(state, "invalid --attach '%s': auto, tracepoint, fentry or kprobe",
		   arg);
}

error_t dax_parse_common(int key, char *arg, struct argp_state *state,
			 struct dax_opts *o, struct dax_filter *filter)
{
	unsigned long long v;

	if (filter && key == 'c') {
		filter->cgroup = arg;
		return 0;
	}
	if (filter && key == 'p') {
		if (dax_parse_pid(arg, &filter->tgid))
			argp_error(state, "invalid PID '%s'", arg);
		return 0;
	}
	switch (key) {
	case 'v':
		o->verbose = true;
		break;
	case 'h':
		argp_state_help(state, stderr, ARGP_HELP_STD_HELP);
		break;
	case DAX_OPT_RAW:
		o->force_raw = true;
		if (o->attach > DAX_ATTACH_TRACEPOINT)
			argp_error(state, "--raw-tp and --attach=%s exclude each other",
				   attach_names[o->attach]);
		o->attach = DAX_ATTACH_TRACEPOINT;
		break;
	case DAX_OPT_ATTACH:
		parse_attach(state, arg, o);
		break;
	case DAX_OPT_MAX_ENTRIES:
		if (dax_parse_number(arg, 1, DAX_MAX_ENTRIES_LIMIT, &v))
			argp_error(state, "invalid --max-entries '%s': from 1 to %d",
				   arg, DAX_MAX_ENTRIES_LIMIT);
		else
			o->max_entries = v;
		break;
	case ARGP_KEY_ARG:
		parse_interval_count(state, arg, o);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}
