// SPDX-License-Identifier: GPL-2.0
/* Opcode names, kept apart so stats, --delay and -v agree on spelling. */
#include "opcode.h"

#include <stddef.h>
#include <strings.h>

/* Numbers from <linux/fuse.h>; STATX (52) is newer than the header. */
static const char *const names[OPCODE_MAX] = {
	[1] = "LOOKUP",		[2] = "FORGET",		[3] = "GETATTR",
	[4] = "SETATTR",	[5] = "READLINK",	[6] = "SYMLINK",
	[8] = "MKNOD",		[9] = "MKDIR",		[10] = "UNLINK",
	[11] = "RMDIR",		[12] = "RENAME",	[13] = "LINK",
	[14] = "OPEN",		[15] = "READ",		[16] = "WRITE",
	[17] = "STATFS",	[18] = "RELEASE",	[20] = "FSYNC",
	[21] = "SETXATTR",	[22] = "GETXATTR",	[23] = "LISTXATTR",
	[24] = "REMOVEXATTR",	[25] = "FLUSH",		[26] = "INIT",
	[27] = "OPENDIR",	[28] = "READDIR",	[29] = "RELEASEDIR",
	[30] = "FSYNCDIR",	[31] = "GETLK",		[32] = "SETLK",
	[33] = "SETLKW",	[34] = "ACCESS",	[35] = "CREATE",
	[36] = "INTERRUPT",	[37] = "BMAP",		[38] = "DESTROY",
	[39] = "IOCTL",		[40] = "POLL",		[41] = "NOTIFY_REPLY",
	[42] = "BATCH_FORGET",	[43] = "FALLOCATE",	[44] = "READDIRPLUS",
	[45] = "RENAME2",	[46] = "LSEEK",		[47] = "COPY_FILE_RANGE",
	[48] = "SETUPMAPPING",	[49] = "REMOVEMAPPING",	[50] = "SYNCFS",
	[51] = "TMPFILE",	[52] = "STATX",
};

const char *opcode_name(uint32_t opcode)
{
	if (opcode >= OPCODE_MAX)
		return NULL;
	return names[opcode];
}

int opcode_by_name(const char *name)
{
	for (int i = 0; i < OPCODE_MAX; i++)
		if (names[i] && strcasecmp(names[i], name) == 0)
			return i;
	return -1;
}
