// SPDX-License-Identifier: GPL-2.0
#include "inopath.h"

#include <fts.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "mounts.h"

struct entry {
	uint32_t dev;
	uint64_t ino;
	char *path;		/* NULL: not found yet */
	time_t retry;		/* look again from then */
};

struct inopath {
	unsigned int max_walk, retry_s;
	int n, cap;
	struct entry *e;
};

struct inopath *inopath_new(unsigned int max_walk, unsigned int retry_s)
{
	struct inopath *c = calloc(1, sizeof(*c));

	if (c) {
		c->max_walk = max_walk;
		c->retry_s = retry_s;
	}
	return c;
}

void inopath_free(struct inopath *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->n; i++)
		free(c->e[i].path);
	free(c->e);
	free(c);
}

static struct entry *find(struct inopath *c, uint32_t dev, uint64_t ino)
{
	for (int i = 0; i < c->n; i++)
		if (c->e[i].ino == ino && c->e[i].dev == dev)
			return &c->e[i];
	return NULL;
}

const char *inopath_get(struct inopath *c, uint32_t dev, uint64_t ino)
{
	struct entry *e = find(c, dev, ino);

	if (e)
		return e->path;
	if (c->n == c->cap) {
		int cap = c->cap ? 2 * c->cap : 64;
		struct entry *more = realloc(c->e, cap * sizeof(*more));

		if (!more)
			return NULL;
		c->e = more;
		c->cap = cap;
	}
	c->e[c->n++] = (struct entry){ .dev = dev, .ino = ino };
	return NULL;
}

/* Inodes of dev that are queued and due. */
static int due(struct inopath *c, uint32_t dev, time_t now)
{
	int n = 0;

	for (int i = 0; i < c->n; i++)
		n += c->e[i].dev == dev && !c->e[i].path && c->e[i].retry <= now;
	return n;
}

void inopath_resolve(struct inopath *c, uint32_t dev, const char *mnt)
{
	char *const roots[] = { (char *)mnt, NULL };
	time_t now = time(NULL);
	int wanted = due(c, dev, now);
	unsigned int visited = 0;
	FTSENT *f;
	FTS *fts;

	if (!wanted)
		return;
	fts = fts_open(roots, FTS_PHYSICAL | FTS_XDEV | FTS_NOCHDIR, NULL);
	while (fts && wanted && visited++ < c->max_walk &&
	       (f = fts_read(fts))) {
		struct entry *e;

		if (f->fts_info == FTS_DP || f->fts_info == FTS_NS ||
		    f->fts_info == FTS_NSOK || f->fts_info == FTS_ERR ||
		    major(f->fts_statp->st_dev) != KDEV_MAJOR(dev) ||
		    minor(f->fts_statp->st_dev) != KDEV_MINOR(dev))
			continue;
		e = find(c, dev, f->fts_statp->st_ino);
		if (e && !e->path) {
			e->path = strdup(f->fts_path);
			wanted -= e->path && e->retry <= now;
		}
	}
	if (fts)
		fts_close(fts);
	for (int i = 0; i < c->n; i++)
		if (c->e[i].dev == dev && !c->e[i].path && c->e[i].retry <= now)
			c->e[i].retry = now + c->retry_s;
}
