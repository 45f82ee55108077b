// SPDX-License-Identifier: GPL-2.0
#include "args.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

void dax_parse_interval_count(struct argp_state *state, const char *arg,
			      int *interval, long *count)
{
	const char *what = state->arg_num ? "count" : "interval";
	char *end;
	long v;

	if (state->arg_num > 1)
		argp_error(state, "unexpected argument '%s': [interval] [count]", arg);
	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || v <= 0 || (!state->arg_num && v > INT_MAX))
		argp_error(state, "invalid %s '%s': a positive number", what, arg);
	if (state->arg_num)
		*count = v;
	else
		*interval = v;
}

void dax_parse_max_entries(struct argp_state *state, const char *arg,
			   unsigned int *n)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v <= 0 || v > DAX_MAX_ENTRIES_LIMIT)
		argp_error(state, "invalid --max-entries '%s': from 1 to %d", arg,
			   DAX_MAX_ENTRIES_LIMIT);
	*n = v > 0 && v <= DAX_MAX_ENTRIES_LIMIT ? v : 0;
}
