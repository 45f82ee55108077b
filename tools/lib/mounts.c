// SPDX-License-Identifier: GPL-2.0
#include "mounts.h"

#include <stdio.h>
#include <string.h>

const char *dax_mount_name(uint32_t dev, char *buf, size_t size)
{
	char line[4096], want[32];
	FILE *f = fopen("/proc/self/mountinfo", "r");

	snprintf(want, sizeof(want), "%u:%u", KDEV_MAJOR(dev), KDEV_MINOR(dev));
	snprintf(buf, size, "%s", want);
	if (!f)
		return buf;
	/* mount-id parent-id major:minor root mount-point ... */
	while (fgets(line, sizeof(line), f)) {
		char devno[32], point[4096];

		if (sscanf(line, "%*d %*d %31s %*s %4095s", devno, point) == 2 &&
		    !strcmp(devno, want)) {
			snprintf(buf, size, "%s", point);
			break;
		}
	}
	fclose(f);
	return buf;
}
