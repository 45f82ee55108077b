/* SPDX-License-Identifier: GPL-2.0 */
/* The [interval] loop of the tools, and how it stops. */
#ifndef DAXMON_INTERVAL_H
#define DAXMON_INTERVAL_H

#include <stdbool.h>

/* SIGINT and SIGTERM stop the loop: one more report, then exit. */
void dax_stop_on_signals(void);

/* The same from the tool itself (dax-top's 'q'). */
void dax_stop(void);

bool dax_stopping(void);

/*
 * Sleep an interval, unless a stop came first; a stop signal cuts the
 * sleep short.  True when the report that follows is the last: the stop
 * came before its maps are read, so they hold everything up to the stop.
 */
bool dax_sleep_interval(int seconds);

#endif
