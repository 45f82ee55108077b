// SPDX-License-Identifier: GPL-2.0
/* Delays and the REMOVEMAPPING stall. */
#include "inject.h"

#include "opcode.h"

#include <errno.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Written only while parsing options, before any worker thread starts. */
static uint64_t delay_us[OPCODE_MAX];
static enum bad_reply bad_setupmapping;
static uint64_t fail_removemapping_nth;

/* REMOVEMAPPING requests seen, for --fail-removemapping */
static atomic_uint_least64_t removemappings;

static pthread_mutex_t stall_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stall_cond = PTHREAD_COND_INITIALIZER;
static bool stalled;
static bool released;

/* "250us", "2ms", "1s" -> microseconds; -1 if malformed. */
static long long parse_time_us(const char *s)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno || end == s || n < 0)
		return -1;
	if (strcmp(end, "us") == 0)
		return n;
	if (strcmp(end, "ms") == 0 && n <= 1000LL * 1000 * 1000)
		return n * 1000;
	if (strcmp(end, "s") == 0 && n <= 1000LL * 1000)
		return n * 1000 * 1000;
	return -1;
}

int inject_parse_delay(const char *spec, char *msg, int msglen)
{
	const char *eq = strchr(spec, '=');
	char name[64];
	long long us;
	int op;

	if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof(name)) {
		snprintf(msg, msglen, "--delay wants OP=TIME, e.g. setupmapping=2ms; got '%s'", spec);
		return -1;
	}
	memcpy(name, spec, eq - spec);
	name[eq - spec] = '\0';
	op = opcode_by_name(name);
	if (op < 0) {
		snprintf(msg, msglen, "--delay: unknown opcode '%s' (use the names of the stats JSON, e.g. setupmapping)", name);
		return -1;
	}
	us = parse_time_us(eq + 1);
	if (us < 0) {
		snprintf(msg, msglen, "--delay: bad time '%s' (a whole number with unit us, ms or s)", eq + 1);
		return -1;
	}
	delay_us[op] = (uint64_t)us;
	return 0;
}

int inject_parse_bad_reply(const char *kind)
{
	static const char *const names[] = {
		[BAD_SHORT] = "short", [BAD_UNIQUE] = "unique",
		[BAD_OVERSIZED] = "oversized", [BAD_ERROR] = "error",
	};

	for (int i = BAD_SHORT; i <= BAD_ERROR; i++) {
		if (strcmp(kind, names[i]) == 0) {
			bad_setupmapping = i;
			return 0;
		}
	}
	return -1;
}

int inject_parse_fail_removemapping(const char *n)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(n, &end, 10);
	if (errno || end == n || *end || *n == '-' || v < 1)
		return -1;
	fail_removemapping_nth = v;
	return 0;
}

bool inject_fail_removemapping(void)
{
	uint64_t nth = atomic_fetch_add(&removemappings, 1) + 1;

	return fail_removemapping_nth && nth == fail_removemapping_nth;
}

enum bad_reply inject_bad_reply(uint32_t opcode)
{
	return opcode == FUSE_SETUPMAPPING ? bad_setupmapping : BAD_NONE;
}

void inject_set_stall(bool on)
{
	pthread_mutex_lock(&stall_lock);
	stalled = on;
	pthread_cond_broadcast(&stall_cond);
	pthread_mutex_unlock(&stall_lock);
}

void inject_toggle_stall(void)
{
	pthread_mutex_lock(&stall_lock);
	stalled = !stalled;
	pthread_cond_broadcast(&stall_cond);
	pthread_mutex_unlock(&stall_lock);
}

bool inject_stalled(void)
{
	bool on;

	pthread_mutex_lock(&stall_lock);
	on = stalled && !released;
	pthread_mutex_unlock(&stall_lock);
	return on;
}

void inject_release(void)
{
	pthread_mutex_lock(&stall_lock);
	released = true;
	pthread_cond_broadcast(&stall_cond);
	pthread_mutex_unlock(&stall_lock);
}

static void sleep_us(uint64_t us)
{
	struct timespec ts = {
		.tv_sec = (time_t)(us / 1000000),
		.tv_nsec = (long)(us % 1000000) * 1000,
	};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

void inject_before_reply(uint32_t opcode)
{
	if (opcode >= OPCODE_MAX)
		return;
	if (delay_us[opcode])
		sleep_us(delay_us[opcode]);
	if (opcode != FUSE_REMOVEMAPPING)
		return;
	pthread_mutex_lock(&stall_lock);
	while (stalled && !released)
		pthread_cond_wait(&stall_cond, &stall_lock);
	pthread_mutex_unlock(&stall_lock);
}
