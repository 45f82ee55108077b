// SPDX-License-Identifier: GPL-2.0
#include "mounts.h"
#include "textbuf.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

bool dax_mountinfo_find(FILE *f, const char *devno, char *buf, size_t size)
{
	char *line = NULL, dev[32], point[4096];
	size_t cap = 0;
	bool found = false;

	/* mount-id parent-id major:minor root mount-point ...; whole lines
	 * however long (overlayfs options are), so no tail poses as one */
	while (!found && getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%*d %*d %31s %*s %4095s", dev, point) == 2 &&
		    !strcmp(dev, devno)) {
			unescape(point);
			snprintf(buf, size, "%s", point);
			found = true;
		}
	}
	free(line);
	return found;
}

/*
 * The whole of /proc/self/mountinfo as last read, and whether to read it
 * again when a name is next asked for (dax-stat's HTTP thread asks for
 * names too, hence the lock).  The file stays open: the kernel flags it
 * POLLPRI when this namespace's mount table changes, so an unchanged
 * table is not read again (a read was a tenth of a dax-stat scrape).
 */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static char *cache;
static size_t cache_len;
static bool stale = true;
static int mountinfo = -1;

static char *read_mountinfo(size_t *len)
{
	struct textbuf t;

	*len = 0;
	if (mountinfo < 0)
		mountinfo = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (mountinfo < 0 || lseek(mountinfo, 0, SEEK_SET))
		return NULL;
	tb_init(&t, 0);
	tb_read_fd(&t, mountinfo);
	return tb_take(&t, len);
}

/* Whether the mount table may have changed since the last read. */
static bool mounts_changed(void)
{
	struct pollfd p = { .fd = mountinfo, .events = POLLPRI };
	int n;

	if (mountinfo < 0)
		return true;
	/* POLLPRI | POLLERR: changed, and reset for the next poll */
	n = poll(&p, 1, 0);
	return n < 0 || (n > 0 && (p.revents & (POLLPRI | POLLERR)));
}

/* At exit, so that a leak checker sees everything freed. */
static void free_cache(void)
{
	pthread_mutex_lock(&cache_lock);
	free(cache);
	cache = NULL;
	if (mountinfo >= 0)
		close(mountinfo);
	mountinfo = -1;
	pthread_mutex_unlock(&cache_lock);
}

static void register_free(void)
{
	atexit(free_cache);
}

/* Only marks the names stale, and only if the mount table changed: an
 * interval that names no mount (dax-stat serving scrapes) reads nothing. */
void dax_mount_names_refresh(void)
{
	pthread_mutex_lock(&cache_lock);
	if (!stale && mounts_changed())
		stale = true;
	pthread_mutex_unlock(&cache_lock);
}

const char *dax_mount_name(uint32_t dev, char *buf, size_t size)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	char want[32];
	FILE *f;
	bool found = false;

	pthread_once(&once, register_free);
	snprintf(want, sizeof(want), "%u:%u", KDEV_MAJOR(dev), KDEV_MINOR(dev));
	pthread_mutex_lock(&cache_lock);
	if (stale) {
		free(cache);
		cache = read_mountinfo(&cache_len);
		stale = false;
	}
	f = cache ? fmemopen(cache, cache_len, "r") : NULL;
	if (f) {
		found = dax_mountinfo_find(f, want, buf, size);
		fclose(f);
	}
	pthread_mutex_unlock(&cache_lock);
	if (!found)
		snprintf(buf, size, "%s", want);
	return buf;
}
