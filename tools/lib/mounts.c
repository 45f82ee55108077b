// SPDX-License-Identifier: GPL-2.0
#include "mounts.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

bool dax_mountinfo_find(FILE *f, const char *devno, char *buf, size_t size)
{
	char *line = NULL, dev[32], point[4096];
	size_t cap = 0;
	bool found = false;

	/* mount-id parent-id major:minor root mount-point ...; whole lines
	 * however long (overlayfs options are), so no tail poses as one */
	while (!found && getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%*d %*d %31s %*s %4095s", dev, point) == 2 &&
		    !strcmp(dev, devno)) {
			unescape(point);
			snprintf(buf, size, "%s", point);
			found = true;
		}
	}
	free(line);
	return found;
}

const char *dax_mount_name(uint32_t dev, char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char want[32];

	snprintf(want, sizeof(want), "%u:%u", KDEV_MAJOR(dev), KDEV_MINOR(dev));
	if (!f || !dax_mountinfo_find(f, want, buf, size))
		snprintf(buf, size, "%s", want);
	if (f)
		fclose(f);
	return buf;
}
