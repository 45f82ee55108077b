/* SPDX-License-Identifier: GPL-2.0 */
/* The [interval] loop of the tools, and how it stops. */
#ifndef DAXMON_INTERVAL_H
#define DAXMON_INTERVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "args.h"

/* SIGINT and SIGTERM stop the loop: one more report, then exit. */
void dax_stop_on_signals(void);

/* The same from the tool itself (dax-top's 'q'). */
void dax_stop(void);

bool dax_stopping(void);

/*
 * Sleep an interval (DAX_UNTIL_STOP: until a stop), unless a stop came
 * first; a stop signal cuts the sleep short.  True when the report that
 * follows is the last: the stop came before its maps are read, so they
 * hold everything up to the stop.
 */
bool dax_sleep_interval(int seconds);

/*
 * Now as HH:MM:SS, local time, into buf (9 bytes or more).  The time
 * zone is read once: localtime() looks at /etc/localtime again on every
 * call, a stat per report (three lookups over a guest's 9p root, most of
 * dax-top's CPU in make bench).
 */
const char *dax_clock_hms(char *buf, size_t size);

/* What a tool's report() returns when it showed nothing (dax-top paused):
 * the interval does not count against [count]. */
#define DAX_NOT_SHOWN	1

/*
 * The loop of every tool: wait an interval (wait(ctx), or by default
 * dax_sleep_interval()), refresh the mount names, report(ctx, last);
 * until [count] reports, a stop, or report() fails (its negative errno
 * is returned).  wait() returns true when the report that follows is
 * the last.
 */
int dax_run(const struct dax_opts *o, int (*report)(void *ctx, bool last),
	    bool (*wait)(void *ctx), void *ctx);

#endif
