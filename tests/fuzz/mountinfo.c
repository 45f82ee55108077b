// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the tools' reading of /proc/self/mountinfo (tools/lib/mounts.c):
 * the input is the file.  Whatever it holds, the name found fits the
 * buffer, and a name found came from a line for the device asked for.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>

#include "mounts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[64];
	FILE *f;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	memset(name, 'x', sizeof(name));
	if (dax_mountinfo_find(f, "0:42", name, sizeof(name))) {
		if (!memchr(name, '\0', sizeof(name)))
			__builtin_trap();
		if (!memmem(data, size, "0:42", 4))
			__builtin_trap();	/* found on a line without it */
	}
	fclose(f);
	return 0;
}
