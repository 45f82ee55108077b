// SPDX-License-Identifier: GPL-2.0
/* Fuzz dax-top's command line (see options.h). */
#define main dax_top_main
#include "dax_top.c"
#undef main

static bool settings_ok(void)
{
	return env.o.interval > 0 && (env.o.count == -1 || env.o.count > 0) &&
	       env.rows >= 0 && env.sort >= 0 && env.sort < NR_COLS &&
	       env.filter.tgid >= 0 && env.o.max_entries <= DAX_MAX_ENTRIES_LIMIT;
}

#include "options.h"
