/* SPDX-License-Identifier: GPL-2.0 */
/* Reading a whole BPF hash map at once, and summing per-CPU values. */
#ifndef DAXMON_MAPDUMP_H
#define DAXMON_MAPDUMP_H

#include <stddef.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

#include "daxmon.h"

/*
 * The entries of a map as one read saw them: n keys of key_size bytes
 * and n values of value_size bytes, where a per-CPU map's value_size is
 * that of all its CPUs' copies (see percpu_value_size()).  Reuse one dump
 * for every read of the same map; map_dump_free() at the end.
 */
struct map_dump {
	size_t key_size, value_size;
	int n, cap;
	int chunk;			/* entries per batch read, 0: 256 */
	void *keys, *values;
};

/* Every entry of the map: BPF_MAP_LOOKUP_BATCH, which does not start
 * over when entries go away under it, or key by key on kernels without
 * it.  0, or a negative errno. */
int map_dump_read(struct map_dump *d, int fd);
/* The same for a map of a skeleton: its key and value sizes (every
 * CPU's copy of a per-CPU map's value) are set from the map. */
int map_dump_map(struct map_dump *d, const struct bpf_map *map);
void map_dump_free(struct map_dump *d);

static inline const void *map_dump_key(const struct map_dump *d, int i)
{
	return (const char *)d->keys + (size_t)i * d->key_size;
}

static inline const void *map_dump_value(const struct map_dump *d, int i)
{
	return (const char *)d->values + (size_t)i * d->value_size;
}

/* Bytes of one entry of a per-CPU map in user space: every CPU's copy,
 * each rounded up to 8 bytes. */
size_t percpu_value_size(size_t value_size);
/* The copy of one CPU among values of value_size bytes each (the map's
 * value size, not percpu_value_size()). */
const void *percpu_copy(const void *values, size_t value_size, int cpu);
/* sum[i] += the i-th __u64 of every CPU's copy, for i < n. */
void percpu_sum_u64(__u64 *sum, size_t n, const void *values,
		    size_t value_size);
/* A histogram (struct dax_hist at the start of each copy), summed. */
void percpu_sum_hist(struct dax_hist *sum, const void *values,
		     size_t value_size);
/* The pool state of the copy that saw the newest event; first is the
 * pool of the first CPU's copy (values of value_size bytes each). */
void percpu_newest_pool(struct dax_pool *pool, const struct dax_pool *first,
			size_t value_size);

#endif
