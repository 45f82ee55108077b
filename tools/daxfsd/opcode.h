/* SPDX-License-Identifier: GPL-2.0 */
/* Names of FUSE opcodes, as used in the stats JSON and by --delay. */
#ifndef DAXFSD_OPCODE_H
#define DAXFSD_OPCODE_H

#include <stdint.h>

/* Opcodes at or above this are "unknown" to daxfsd's tables. */
#define OPCODE_MAX 64

/* "SETUPMAPPING" for 48; NULL for a number with no name. */
const char *opcode_name(uint32_t opcode);

/* Inverse of opcode_name(), case-insensitive; -1 if no such name. */
int opcode_by_name(const char *name);

#endif
