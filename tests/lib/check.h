/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checks of daxmon's C host tests (tests/unit/lib_test.c,
 * tools/daxfsd/window_test.c, tools/daxfsd/proto_test.c): always
 * (what, expected, seen), the order of the shell's expect_eq, and a
 * failure says "FAIL: what: expected E, saw S".  A failure ends the test,
 * as later steps build on earlier ones, unless the test called
 * check_keep_going(): then they are counted in check_failures.
 */
#ifndef DAXMON_CHECK_H
#define DAXMON_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;
static bool check_going_on;

static inline void check_keep_going(void)
{
	check_going_on = true;
}

/* A failure whose expected and seen values are already words. */
static inline void check_fail(const char *what, const char *expected,
			      const char *seen)
{
	printf("FAIL: %s: expected %s, saw %s\n", what, expected, seen);
	check_failures++;
	if (!check_going_on)
		exit(1);
}

static inline bool check_eq(const char *what, long long expected,
			    long long seen)
{
	char e[32], s[32];

	if (seen == expected)
		return true;
	snprintf(e, sizeof(e), "%lld", expected);
	snprintf(s, sizeof(s), "%lld", seen);
	check_fail(what, e, s);
	return false;
}

static inline bool check_u64(const char *what, unsigned long long expected,
			     unsigned long long seen)
{
	char e[32], s[32];

	if (seen == expected)
		return true;
	snprintf(e, sizeof(e), "%llu", expected);
	snprintf(s, sizeof(s), "%llu", seen);
	check_fail(what, e, s);
	return false;
}

/* A return code: a negative one seen is also named (-errno). */
static inline bool check_rc(const char *what, long long expected,
			    long long seen)
{
	char e[32], s[96];

	if (seen == expected)
		return true;
	snprintf(e, sizeof(e), "%lld", expected);
	snprintf(s, sizeof(s), "%lld%s%s", seen, seen < 0 ? " " : "",
		 seen < 0 ? strerror((int)-seen) : "");
	check_fail(what, e, s);
	return false;
}

static inline bool check_str(const char *what, const char *expected,
			     const char *seen)
{
	if (!strcmp(seen, expected))
		return true;
	check_fail(what, expected, seen);
	return false;
}

/* Doubles equal to 1e-9. */
static inline bool check_near(const char *what, double expected, double seen)
{
	char e[32], s[32];

	if (expected - seen <= 1e-9 && seen - expected <= 1e-9)
		return true;
	snprintf(e, sizeof(e), "%.9g", expected);
	snprintf(s, sizeof(s), "%.9g", seen);
	check_fail(what, e, s);
	return false;
}

#endif
