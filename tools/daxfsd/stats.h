/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Request counters, written as JSON for the tests and the demo:
 *   {"requests":{"LOOKUP":N,...},"removemapping_ranges":N,
 *    "writeback_bytes":N,"errors":N,"rejected_replies":N}
 * Counters are process-wide atomics so every worker thread can bump them
 * without a lock.
 */
#ifndef DAXFSD_STATS_H
#define DAXFSD_STATS_H

#include <stdint.h>

void stats_count_request(uint32_t opcode);

/* An error reply other than ENOENT and ENOSYS (the normal "no such name"
 * and "not implemented" answers), or a reply the kernel refused. */
void stats_count_error(void);

/* A malformed reply (--bad-setupmapping) the kernel refused, as it should. */
void stats_count_rejected(void);

/* REMOVEMAPPING: add the number of ranges one request names. */
void stats_add_removemapping_ranges(uint64_t n);

/* Ranges of REMOVEMAPPING requests failed on purpose (--fail-removemapping) */
void stats_add_failed_removemapping_ranges(uint64_t n);

/* Writes the JSON to path via path.tmp + rename, so a reader never sees
 * half a file.  writeback_bytes comes from the window (0 without one).
 * Returns 0, or -errno. */
int stats_write_json(const char *path, uint64_t writeback_bytes);

#endif
