/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DAX_LAT_H
#define DAX_LAT_H

#include "daxmon.h"

/* One histogram per kind and mount, and per process or inode on request. */
struct dax_lat_key {
	__u32 kind;		/* enum dax_lat_kind */
	__u32 dev;
	__u32 tgid;		/* with -P, else 0 */
	__u32 pad;
	__u64 ino;		/* with -I, else 0 */
};

struct dax_lat_hist {
	struct dax_hist hist;	/* slots in the tool's unit */
	char comm[DAX_COMM_LEN];
};

#endif
