// SPDX-License-Identifier: GPL-2.0
#include "interval.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "mounts.h"

static volatile sig_atomic_t stopping;

static void on_stop_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

void dax_stop_on_signals(void)
{
	signal(SIGINT, on_stop_signal);
	signal(SIGTERM, on_stop_signal);
}

void dax_stop(void)
{
	stopping = 1;
}

bool dax_stopping(void)
{
	return stopping;
}

const char *dax_clock_hms(char *buf, size_t size)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	time_t now = time(NULL);
	struct tm tm;

	/* glibc's localtime_r() takes the zone tzset() read, and reads no more */
	pthread_once(&once, tzset);
	if (!localtime_r(&now, &tm) || !strftime(buf, size, "%H:%M:%S", &tm))
		snprintf(buf, size, "?");
	return buf;
}

bool dax_sleep_interval(int seconds)
{
	struct timespec ts = { .tv_sec = seconds };
	/* until a stop: in short naps, so that one just before is seen */
	struct timespec nap = { .tv_nsec = 100000000 };

	if (seconds == DAX_UNTIL_STOP) {
		while (!stopping)
			nanosleep(&nap, NULL);
	} else if (!stopping) {
		nanosleep(&ts, NULL);
	}
	return stopping;
}

int dax_run(const struct dax_opts *o, int (*report)(void *ctx, bool last),
	    bool (*wait)(void *ctx), void *ctx)
{
	long count = o->count;
	int err;

	while (count != 0) {
		bool last = wait ? wait(ctx) : dax_sleep_interval(o->interval);

		dax_mount_names_refresh();
		err = report(ctx, last);
		if (err < 0)
			return err;
		if (last)
			break;
		if (count > 0 && err != DAX_NOT_SHOWN)
			count--;
	}
	return 0;
}
