// SPDX-License-Identifier: GPL-2.0
/* Opcode -> handler, with the size of each opcode's in-struct.  Opcodes
 * not listed get ENOSYS (GETXATTR and friends, LSEEK, READDIRPLUS...). */
#include "proto.h"

#include "dax.h"
#include "opcode.h"
#include "passthrough.h"
#include "session.h"

#include <stddef.h>

static const struct op ops[OPCODE_MAX] = {
	[FUSE_INIT]		= { session_init, offsetof(struct fuse_init_in, flags2), false },
	[FUSE_DESTROY]		= { session_destroy, 0, false },
	[FUSE_INTERRUPT]	= { session_interrupt, sizeof(struct fuse_interrupt_in), true },
	[FUSE_LOOKUP]		= { pt_lookup, 0, false },
	[FUSE_FORGET]		= { pt_forget, sizeof(struct fuse_forget_in), true },
	[FUSE_BATCH_FORGET]	= { pt_batch_forget, sizeof(struct fuse_batch_forget_in), true },
	[FUSE_GETATTR]		= { pt_getattr, sizeof(struct fuse_getattr_in), false },
	[FUSE_SETATTR]		= { pt_setattr, sizeof(struct fuse_setattr_in), false },
	[FUSE_MKNOD]		= { pt_mknod, sizeof(struct fuse_mknod_in), false },
	[FUSE_MKDIR]		= { pt_mkdir, sizeof(struct fuse_mkdir_in), false },
	[FUSE_UNLINK]		= { pt_unlink, 0, false },
	[FUSE_RMDIR]		= { pt_rmdir, 0, false },
	[FUSE_RENAME]		= { pt_rename, sizeof(struct fuse_rename_in), false },
	[FUSE_RENAME2]		= { pt_rename2, sizeof(struct fuse_rename2_in), false },
	[FUSE_STATFS]		= { pt_statfs, 0, false },
	[FUSE_OPEN]		= { pt_open, sizeof(struct fuse_open_in), false },
	[FUSE_CREATE]		= { pt_create, sizeof(struct fuse_create_in), false },
	[FUSE_READ]		= { pt_read, sizeof(struct fuse_read_in), false },
	[FUSE_WRITE]		= { pt_write, sizeof(struct fuse_write_in), false },
	[FUSE_FLUSH]		= { pt_flush, sizeof(struct fuse_flush_in), false },
	[FUSE_FSYNC]		= { pt_fsync, sizeof(struct fuse_fsync_in), false },
	[FUSE_RELEASE]		= { pt_release, sizeof(struct fuse_release_in), false },
	[FUSE_FALLOCATE]	= { pt_fallocate, sizeof(struct fuse_fallocate_in), false },
	[FUSE_OPENDIR]		= { pt_opendir, sizeof(struct fuse_open_in), false },
	[FUSE_READDIR]		= { pt_readdir, sizeof(struct fuse_read_in), false },
	[FUSE_RELEASEDIR]	= { pt_releasedir, sizeof(struct fuse_release_in), false },
	[FUSE_SETUPMAPPING]	= { dax_setupmapping, sizeof(struct fuse_setupmapping_in), false },
	[FUSE_REMOVEMAPPING]	= { dax_removemapping, sizeof(struct fuse_removemapping_in), false },
	[FUSE_SYNCFS]		= { dax_syncfs, sizeof(struct fuse_syncfs_in), false },
};

const struct op *op_lookup(uint32_t opcode)
{
	if (opcode >= OPCODE_MAX || !ops[opcode].fn)
		return NULL;
	return &ops[opcode];
}
