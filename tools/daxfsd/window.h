/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DAX window: device memory that the guest kernel maps 2 MiB chunks
 * of files into.  A real VMM maps the host page cache there; daxfsd can
 * only copy, so this module keeps a table of which file range each chunk
 * holds and copies bytes between the window and the files:
 *   setup     file -> window (zeros past EOF)
 *   writeback window -> file for writable chunks, never past EOF
 * The window is opened with O_DIRECT so that, in the guest, daxfsd sees
 * the same bytes as the guest's DAX mappings of /dev/pmem0 (no page
 * cache in between).
 *
 * One mutex guards the table and all window I/O: correctness first.
 */
#ifndef DAXFSD_WINDOW_H
#define DAXFSD_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

/* The kernel's FUSE_DAX_SZ: SETUPMAPPING's unit and alignment. */
#define WINDOW_RANGE_SIZE (2u << 20)

struct window;

/* Opens a block device or a regular file as the window.  direct=false
 * (host tests on a filesystem without O_DIRECT) opens it buffered.
 * Returns 0 or -errno. */
int window_open(const char *path, bool direct, struct window **out);

/* Closes the files and frees w, without writing back: call
 * window_writeback_all() first to keep the guest's last stores. */
void window_close(struct window *w);

uint64_t window_size(const struct window *w);
uint64_t window_writeback_bytes(struct window *w);

/* FUSE_SETUPMAPPING: chunk at moffset now maps [foffset, foffset+len) of
 * nodeid's file.  Takes ownership of fd (an fd of that file, O_RDWR if
 * writable) even on error.  A chunk already in use is removed first
 * (written back if writable).  Returns 0 or -errno. */
int window_setup(struct window *w, uint64_t moffset, uint64_t nodeid, int fd,
		 uint64_t foffset, uint64_t len, bool writable);

/* FUSE_REMOVEMAPPING of [moffset, moffset+len): writes back writable
 * chunks, then forgets them.  Chunks not in use are ignored. */
int window_remove(struct window *w, uint64_t moffset, uint64_t len);

/* SYNCFS, DESTROY: writes back every writable chunk, keeps them mapped. */
int window_writeback_all(struct window *w);

/*
 * Building blocks for coherence.c, which must hold the lock around a file
 * change and the matching window update.  The file range is
 * [off, off+len) of nodeid's file; len may be UINT64_MAX for "to the end".
 */
void window_lock(struct window *w);
void window_unlock(struct window *w);

/* Window -> file for the writable chunks of nodeid that overlap. */
int window_writeback_node_locked(struct window *w, uint64_t nodeid,
				 uint64_t off, uint64_t len);

/* Puts buf (file bytes at off) into every chunk mapping them. */
int window_copy_in_locked(struct window *w, uint64_t nodeid, const void *buf,
			  uint64_t len, uint64_t off);

/* File -> window again for the overlapping bytes (zeros past EOF). */
int window_refresh_locked(struct window *w, uint64_t nodeid, uint64_t off,
			  uint64_t len);

/* Zeros the window bytes that map file offsets >= off. */
int window_zero_from_locked(struct window *w, uint64_t nodeid, uint64_t off);

#endif
