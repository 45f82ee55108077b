// SPDX-License-Identifier: GPL-2.0
/* Fuzz dax-lat's command line (see options.h). */
#define main dax_lat_main
#include "dax_lat.c"
#undef main

static bool settings_ok(void)
{
	return env.o.interval > 0 && (env.o.count == -1 || env.o.count > 0) &&
	       !(env.per_process && env.per_inode) && env.filter.tgid >= 0 &&
	       env.o.max_entries <= DAX_MAX_ENTRIES_LIMIT;
}

#include "options.h"
