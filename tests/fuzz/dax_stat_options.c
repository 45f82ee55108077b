// SPDX-License-Identifier: GPL-2.0
/* Fuzz dax-stat's command line (see options.h). */
#define main dax_stat_main
#include "dax_stat.c"
#undef main

static bool settings_ok(void)
{
#ifdef FUZZ_PLANTED_BUG
	/* tests/unit/fuzz.sh: the corpus must find this */
	if (env.json)
		return false;
#endif
	return env.o.interval > 0 && (env.o.count == -1 || env.o.count > 0) &&
	       !(env.json && env.prometheus);
}

#include "options.h"
