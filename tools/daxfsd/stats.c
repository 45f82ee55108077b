// SPDX-License-Identifier: GPL-2.0
/* Per-opcode counters and their JSON file. */
#include "stats.h"

#include "opcode.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static atomic_uint_least64_t requests[OPCODE_MAX];
static atomic_uint_least64_t unknown_requests;
static atomic_uint_least64_t removemapping_ranges;
static atomic_uint_least64_t failed_removemapping_ranges;
static atomic_uint_least64_t errors;
static atomic_uint_least64_t rejected;

/* SIGUSR1 and the exit path may both write: one tmp file at a time. */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

void stats_count_request(uint32_t opcode)
{
	if (opcode < OPCODE_MAX && opcode_name(opcode))
		atomic_fetch_add(&requests[opcode], 1);
	else
		atomic_fetch_add(&unknown_requests, 1);
}

void stats_count_error(void)
{
	atomic_fetch_add(&errors, 1);
}

void stats_count_rejected(void)
{
	atomic_fetch_add(&rejected, 1);
}

void stats_add_failed_removemapping_ranges(uint64_t n)
{
	atomic_fetch_add(&failed_removemapping_ranges, n);
}

void stats_add_removemapping_ranges(uint64_t n)
{
	atomic_fetch_add(&removemapping_ranges, n);
}

static void print_json(FILE *f, uint64_t writeback_bytes)
{
	const char *sep = "";

	fprintf(f, "{\"requests\":{");
	for (uint32_t op = 0; op < OPCODE_MAX; op++) {
		if (!opcode_name(op))
			continue;
		fprintf(f, "%s\"%s\":%" PRIu64, sep, opcode_name(op),
			(uint64_t)atomic_load(&requests[op]));
		sep = ",";
	}
	fprintf(f, ",\"UNKNOWN\":%" PRIu64 "},",
		(uint64_t)atomic_load(&unknown_requests));
	fprintf(f, "\"removemapping_ranges\":%" PRIu64 ",",
		(uint64_t)atomic_load(&removemapping_ranges));
	fprintf(f, "\"failed_removemapping_ranges\":%" PRIu64 ",",
		(uint64_t)atomic_load(&failed_removemapping_ranges));
	fprintf(f, "\"writeback_bytes\":%" PRIu64 ",", writeback_bytes);
	fprintf(f, "\"errors\":%" PRIu64 ",", (uint64_t)atomic_load(&errors));
	fprintf(f, "\"rejected_replies\":%" PRIu64 "}\n", (uint64_t)atomic_load(&rejected));
}

int stats_write_json(const char *path, uint64_t writeback_bytes)
{
	char tmp[4096];
	FILE *f;
	int err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	pthread_mutex_lock(&write_lock);
	f = fopen(tmp, "w");
	if (!f) {
		err = -errno;
		goto out;
	}
	print_json(f, writeback_bytes);
	if (ferror(f))
		err = -EIO;
	if (fclose(f) != 0 && !err)
		err = -errno;
	if (!err && rename(tmp, path) != 0)
		err = -errno;
	if (err)
		unlink(tmp);
out:
	pthread_mutex_unlock(&write_lock);
	return err;
}
