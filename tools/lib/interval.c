// SPDX-License-Identifier: GPL-2.0
#include "interval.h"

#include <signal.h>
#include <time.h>

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

bool dax_sleep_interval(int seconds)
{
	struct timespec ts = { .tv_sec = seconds };

	if (!stopping)
		nanosleep(&ts, NULL);
	return stopping;
}
