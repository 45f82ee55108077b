/* SPDX-License-Identifier: GPL-2.0 */
/* The names the tools print for the enums of bpf/daxmon.h. */
#ifndef DAXMON_NAMES_H
#define DAXMON_NAMES_H

#include "daxmon.h"

static const char *const dax_reason_names[DAX_NR_REASONS] = {
	[DAX_REASON_INLINE] = "inline",
	[DAX_REASON_BACKGROUND] = "background",
	[DAX_REASON_EVICT] = "evict",
};

static const char *const dax_mode_names[DAX_NR_MODES] = {
	[DAX_MODE_INLINE] = "inline",
	[DAX_MODE_BACKGROUND] = "background",
};

#endif
