/* SPDX-License-Identifier: GPL-2.0 */
/* What every request handler may need: one per daxfsd process. */
#ifndef DAXFSD_SERVER_H
#define DAXFSD_SERVER_H

#include "inode.h"

#include <stdbool.h>

struct window;

struct server {
	int devfd;			/* /dev/fuse */
	struct inode_table inodes;
	struct window *win;		/* NULL without --dax-dev */
	bool verbose;			/* -v: log each request */
};

#endif
