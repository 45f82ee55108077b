/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File operations that keep the DAX window coherent with the file.
 * daxfsd's window is a copy (a real VMM maps the host page cache), so
 * every path that changes or reads file bytes goes through here:
 *   write     file, then every chunk that maps those bytes
 *   read      write back overlapping writable chunks, then read the file
 *   truncate  write back, ftruncate, zero the window past the new EOF
 *   fallocate write back, fallocate, refresh the window from the file
 *   sync      write back (FLUSH, FSYNC, RELEASE)
 * Each holds the window lock across the file change and the window
 * update so that no writeback can interleave with them.
 * With w == NULL (no --dax-dev) they are the plain system calls.
 * All return a count or 0 on success, -errno on failure.
 */
#ifndef DAXFSD_COHERENCE_H
#define DAXFSD_COHERENCE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct window;

ssize_t coh_pwrite(struct window *w, uint64_t nodeid, int fd, const void *buf,
		   size_t len, off_t off);
ssize_t coh_pread(struct window *w, uint64_t nodeid, int fd, void *buf,
		  size_t len, off_t off);
int coh_truncate(struct window *w, uint64_t nodeid, int fd, off_t size);
int coh_fallocate(struct window *w, uint64_t nodeid, int fd, int mode,
		  off_t off, off_t len);
int coh_sync(struct window *w, uint64_t nodeid);
/* The file changed behind the server (not through a request): file ->
 * window again for every chunk of nodeid.  The file's bytes win: stores
 * the guest has not written back yet are lost, as a copy cannot merge
 * them (a real VMM's window is the file and needs nothing). */
int coh_changed(struct window *w, uint64_t nodeid);

#endif
