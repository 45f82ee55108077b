/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a race workload needs to know of another task: the clock it
 * polls against, and where the task sleeps (/proc/PID/stat's state,
 * /proc/PID/stack, which leaves out the scheduler's own functions).
 * PID may be a thread's id.
 */
#ifndef WORKLOADS_PROC_H
#define WORKLOADS_PROC_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* /proc/PID/NAME into buf; false if it cannot be read or is empty */
static inline bool read_proc(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return true;
}

/* The state letter of PID ('D', 'S', 'I', ...), or 0 */
static inline char task_state(pid_t pid)
{
	char stat[512];
	const char *p;

	if (!read_proc(pid, "stat", stat, sizeof(stat)) || !(p = strrchr(stat, ')')))
		return 0;
	return p[1] == ' ' ? p[2] : 0;
}

/* Whether PID's kernel stack names any (or all) of the NULL-ended NAMES */
static inline bool stack_has(pid_t pid, const char *const *names, bool all)
{
	char stack[4096];

	if (!read_proc(pid, "stack", stack, sizeof(stack)))
		return false;
	for (; *names; names++)
		if (!strstr(stack, *names) == all)
			return !all;
	return all;
}

static inline bool stack_has_any(pid_t pid, const char *const *names)
{
	return stack_has(pid, names, false);
}

static inline bool stack_has_all(pid_t pid, const char *const *names)
{
	return stack_has(pid, names, true);
}

#endif /* WORKLOADS_PROC_H */
