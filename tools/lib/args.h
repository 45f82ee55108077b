/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line pieces every tool shares. */
#ifndef DAXMON_ARGS_H
#define DAXMON_ARGS_H

#include <argp.h>

/* The libbpf-tools positional arguments: [interval] [count]. */
void dax_parse_interval_count(struct argp_state *state, const char *arg,
			      int *interval, long *count);

/* --max-entries N: the size of a tool's biggest table, 1 to this. */
#define DAX_MAX_ENTRIES_LIMIT	65536
void dax_parse_max_entries(struct argp_state *state, const char *arg,
			   unsigned int *n);

#endif
