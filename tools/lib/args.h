/* SPDX-License-Identifier: GPL-2.0 */
/* Command-line pieces every tool shares. */
#ifndef DAXMON_ARGS_H
#define DAXMON_ARGS_H

#include <argp.h>

/* The libbpf-tools positional arguments: [interval] [count]. */
void dax_parse_interval_count(struct argp_state *state, const char *arg,
			      int *interval, long *count);

#endif
