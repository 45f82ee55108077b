// SPDX-License-Identifier: GPL-2.0
/* Inode table: two hash chains (by nodeid, by dev+ino), one mutex. */
#include "inode.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/fuse.h>

static unsigned id_bucket(uint64_t nodeid)
{
	return (unsigned)(nodeid % INODE_BUCKETS);
}

static unsigned key_bucket(dev_t dev, ino_t ino)
{
	return (unsigned)(((uint64_t)ino * 31 + (uint64_t)dev) % INODE_BUCKETS);
}

static void link_inode(struct inode_table *t, struct inode *ino)
{
	unsigned b = id_bucket(ino->nodeid);
	unsigned k = key_bucket(ino->dev, ino->ino);

	ino->id_next = t->by_id[b];
	t->by_id[b] = ino;
	ino->key_next = t->by_key[k];
	t->by_key[k] = ino;
}

static void unlink_inode(struct inode_table *t, struct inode *ino)
{
	struct inode **p;

	for (p = &t->by_id[id_bucket(ino->nodeid)]; *p != ino; p = &(*p)->id_next)
		;
	*p = ino->id_next;
	for (p = &t->by_key[key_bucket(ino->dev, ino->ino)]; *p != ino; p = &(*p)->key_next)
		;
	*p = ino->key_next;
}

static struct inode *find_id(struct inode_table *t, uint64_t nodeid)
{
	struct inode *ino;

	for (ino = t->by_id[id_bucket(nodeid)]; ino; ino = ino->id_next)
		if (ino->nodeid == nodeid)
			return ino;
	return NULL;
}

static struct inode *find_key(struct inode_table *t, dev_t dev, ino_t i)
{
	struct inode *ino;

	for (ino = t->by_key[key_bucket(dev, i)]; ino; ino = ino->key_next)
		if (ino->dev == dev && ino->ino == i)
			return ino;
	return NULL;
}

/* Frees ino once neither the kernel nor a handler uses it.  The root is
 * kept until the table goes. */
static void maybe_free(struct inode_table *t, struct inode *ino)
{
	if (ino->nlookup || ino->refs || ino->nodeid == FUSE_ROOT_ID)
		return;
	unlink_inode(t, ino);
	close(ino->fd);
	free(ino);
}

int inode_table_init(struct inode_table *t, int rootfd)
{
	struct inode *root = calloc(1, sizeof(*root));
	struct stat st;

	if (!root)
		return -ENOMEM;
	if (fstat(rootfd, &st) != 0) {
		free(root);
		return -errno;
	}
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	root->nodeid = FUSE_ROOT_ID;
	root->fd = rootfd;
	root->dev = st.st_dev;
	root->ino = st.st_ino;
	root->nlookup = 1;
	link_inode(t, root);
	t->next_id = FUSE_ROOT_ID + 1;
	return 0;
}

void inode_table_destroy(struct inode_table *t)
{
	for (unsigned b = 0; b < INODE_BUCKETS; b++) {
		struct inode *ino = t->by_id[b];

		while (ino) {
			struct inode *next = ino->id_next;

			close(ino->fd);
			free(ino);
			ino = next;
		}
	}
	pthread_mutex_destroy(&t->lock);
}

struct inode *inode_get(struct inode_table *t, uint64_t nodeid)
{
	struct inode *ino;

	pthread_mutex_lock(&t->lock);
	ino = find_id(t, nodeid);
	if (ino)
		ino->refs++;
	pthread_mutex_unlock(&t->lock);
	return ino;
}

void inode_put(struct inode_table *t, struct inode *ino)
{
	if (!ino)
		return;
	pthread_mutex_lock(&t->lock);
	ino->refs--;
	maybe_free(t, ino);
	pthread_mutex_unlock(&t->lock);
}

struct inode *inode_add_lookup(struct inode_table *t, int fd, const struct stat *st)
{
	struct inode *ino;

	pthread_mutex_lock(&t->lock);
	ino = find_key(t, st->st_dev, st->st_ino);
	if (ino) {
		/* Known file (another name, or a racing lookup): keep the
		 * fd we have so the nodeid stays tied to one open file. */
		close(fd);
	} else {
		ino = calloc(1, sizeof(*ino));
		if (!ino) {
			pthread_mutex_unlock(&t->lock);
			close(fd);
			return NULL;
		}
		ino->nodeid = t->next_id++;
		ino->fd = fd;
		ino->dev = st->st_dev;
		ino->ino = st->st_ino;
		link_inode(t, ino);
	}
	ino->nlookup++;
	ino->refs++;
	pthread_mutex_unlock(&t->lock);
	return ino;
}

void inode_forget(struct inode_table *t, uint64_t nodeid, uint64_t n)
{
	struct inode *ino;

	pthread_mutex_lock(&t->lock);
	ino = find_id(t, nodeid);
	if (ino) {
		ino->nlookup = n < ino->nlookup ? ino->nlookup - n : 0;
		maybe_free(t, ino);
	}
	pthread_mutex_unlock(&t->lock);
}

int inode_known_ids(struct inode_table *t, uint64_t **ids, size_t *n)
{
	size_t cap = 0;

	*n = 0;
	*ids = NULL;
	pthread_mutex_lock(&t->lock);
	for (unsigned b = 0; b < INODE_BUCKETS; b++) {
		for (struct inode *ino = t->by_id[b]; ino; ino = ino->id_next) {
			uint64_t *more;

			if (!ino->nlookup || ino->nodeid == FUSE_ROOT_ID)
				continue;
			if (*n == cap) {
				cap = cap ? cap * 2 : 16;
				more = realloc(*ids, cap * sizeof(**ids));
				if (!more) {
					pthread_mutex_unlock(&t->lock);
					free(*ids);
					*ids = NULL;
					*n = 0;
					return -ENOMEM;
				}
				*ids = more;
			}
			(*ids)[(*n)++] = ino->nodeid;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

void inode_proc_path(const struct inode *ino, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/self/fd/%d", ino->fd);
}

int inode_reopen(const struct inode *ino, int flags)
{
	char path[64];
	int fd;

	inode_proc_path(ino, path, sizeof(path));
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}
