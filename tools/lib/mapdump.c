// SPDX-License-Identifier: GPL-2.0
#include "mapdump.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define CHUNK 256

/*
 * Room for more entries.  New room is zeroed once, here: valgrind does not
 * know what the kernel writes into it, and zeroing the whole chunk before
 * every read was most of a reader's CPU (a per-CPU value is kilobytes).
 */
static int reserve(struct map_dump *d, int more)
{
	void *keys, *values;
	int cap;

	if (d->n + more <= d->cap)
		return 0;
	cap = d->cap ? d->cap : more;
	while (cap < d->n + more)
		cap *= 2;
	keys = realloc(d->keys, cap * d->key_size);
	if (!keys)
		return -ENOMEM;
	d->keys = keys;
	memset((char *)keys + d->cap * d->key_size, 0,
	       (cap - d->cap) * d->key_size);
	values = realloc(d->values, cap * d->value_size);
	if (!values)
		return -ENOMEM;
	d->values = values;
	memset((char *)values + d->cap * d->value_size, 0,
	       (cap - d->cap) * d->value_size);
	d->cap = cap;
	return 0;
}

static int read_by_key(struct map_dump *d, int fd)
{
	int err;

	d->n = 0;
	for (;;) {
		const void *prev = d->n ? map_dump_key(d, d->n - 1) : NULL;

		err = reserve(d, 1);
		if (err)
			return err;
		if (bpf_map_get_next_key(fd, prev, (char *)d->keys +
					 d->n * d->key_size))
			return errno == ENOENT ? 0 : -errno;
		if (!bpf_map_lookup_elem(fd, map_dump_key(d, d->n),
					 (char *)d->values + d->n * d->value_size))
			d->n++;
		else if (errno != ENOENT)	/* ENOENT: gone since, skip it */
			return -errno;
	}
}

int map_dump_read(struct map_dump *d, int fd)
{
	__u64 batch = 0;
	int chunk = d->chunk ? d->chunk : CHUNK, err;
	bool first = true;

	d->n = 0;
	for (;;) {
		__u32 count = chunk;

		err = reserve(d, chunk);
		if (err)
			return err;
		err = bpf_map_lookup_batch(fd, first ? NULL : &batch, &batch,
					   (char *)d->keys + d->n * d->key_size,
					   (char *)d->values + d->n * d->value_size,
					   &count, NULL);
		if (first && err && err != -ENOENT && err != -ENOSPC)
			return read_by_key(d, fd);	/* no batch ops */
		if (err == -ENOSPC && count == 0) {
			/* one bucket holds more than a chunk */
			chunk *= 2;
			continue;
		}
		first = false;
		d->n += count;
		if (err == -ENOENT)
			return 0;
		if (err && err != -ENOSPC)
			return err;
	}
}

int map_dump_map(struct map_dump *d, const struct bpf_map *map)
{
	size_t value_size = bpf_map__value_size(map);
	__u32 max;

	switch (bpf_map__type(map)) {
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		value_size = percpu_value_size(value_size);
		break;
	default:
		break;
	}
	d->key_size = bpf_map__key_size(map);
	d->value_size = value_size;
	/* a small map's dump holds no more than the map */
	max = bpf_map__max_entries(map);
	d->chunk = max < CHUNK ? max : CHUNK;
	return map_dump_read(d, bpf_map__fd(map));
}

void map_dump_free(struct map_dump *d)
{
	free(d->keys);
	free(d->values);
	d->keys = d->values = NULL;
	d->n = d->cap = 0;
}

size_t percpu_value_size(size_t value_size)
{
	return libbpf_num_possible_cpus() * ((value_size + 7) & ~(size_t)7);
}

const void *percpu_copy(const void *values, size_t value_size, int cpu)
{
	return (const char *)values + cpu * ((value_size + 7) & ~(size_t)7);
}

void percpu_sum_u64(__u64 *sum, size_t n, const void *values,
		    size_t value_size)
{
	int ncpus = libbpf_num_possible_cpus();

	for (int cpu = 0; cpu < ncpus; cpu++) {
		const __u64 *v = percpu_copy(values, value_size, cpu);

		for (size_t i = 0; i < n; i++)
			sum[i] += v[i];
	}
}

void percpu_sum_hist(struct dax_hist *sum, const void *values,
		     size_t value_size)
{
	int ncpus = libbpf_num_possible_cpus();

	for (int cpu = 0; cpu < ncpus; cpu++) {
		const struct dax_hist *h = percpu_copy(values, value_size, cpu);

		for (int i = 0; i < DAX_HIST_SLOTS; i++)
			sum->slots[i] += h->slots[i];
		sum->sum_ns += h->sum_ns;
	}
}

void percpu_newest_pool(struct dax_pool *pool, const struct dax_pool *first,
			size_t value_size)
{
	int ncpus = libbpf_num_possible_cpus();

	for (int cpu = 0; cpu < ncpus; cpu++) {
		const struct dax_pool *p = percpu_copy(first, value_size, cpu);

		if (p->ts > pool->ts)
			*pool = *p;
	}
}
