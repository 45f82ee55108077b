// SPDX-License-Identifier: GPL-2.0
/* Fuzz dax-size's command line (see options.h). */
#define main dax_size_main
#include "dax_size.c"
#undef main

static bool sizes_ok(void)
{
	for (int i = 0; i < env.nr_sizes; i++)
		if (!env.sizes[i] || env.sizes[i] & ((1ULL << RANGE_SHIFT) - 1) ||
		    env.sizes[i] >> RANGE_SHIFT > UINT32_MAX)
			return false;
	return env.nr_sizes >= 0 && env.nr_sizes < MAX_WINDOWS;
}

static bool settings_ok(void)
{
	return env.o.interval > 0 && (env.o.count == -1 || env.o.count > 0) &&
	       sizes_ok() && env.policy >= -1 && env.policy < DAX_SIM_NR_POLICIES &&
	       env.within <= 1000 && env.sample >= 1 && env.sample <= DAX_SIZE_SAMPLE_ONE &&
	       env.history <= 1ULL << 26 && env.buffer >= 4096 && env.buffer <= 1ULL << 30 &&
	       !(env.buffer & (env.buffer - 1)) &&
	       (!env.plot || *env.plot);
}

#include "options.h"
