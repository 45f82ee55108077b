// SPDX-License-Identifier: GPL-2.0
/*
 * daxpages FILE READS PATTERN [SEED]: READS page reads through a shared
 * mapping of FILE, one byte each, in one of these patterns:
 *   seq        page after page, from the start again at the end;
 *   uniform    a page drawn uniformly from the file;
 *   zipf:ALPHA a 2 MiB range drawn from a Zipf distribution of exponent
 *              ALPHA over FILE's ranges, the page uniformly within it.
 *              The ranges' popularity order is a permutation of the file
 *              drawn from SEED, so the hot ranges are not the first set up.
 *
 * The sequence depends only on the arguments and FILE's size: two runs
 * with the same arguments make the same reads, which is what lets the
 * reclaim benchmark compare the kernel's policies on one sequence.
 *
 * Prints "reads N ranges R pattern P seed S seconds T" (T: the reads'
 * wall time); exits 2 on bad arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RANGE_SIZE	(2UL << 20)
#define PAGE		4096UL

static uint64_t rng_state;

/* xorshift64*: small, and the same sequence on every machine */
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static double rng_unit(void)
{
	return (rng() >> 11) * (1.0 / 9007199254740992.0);
}

static int usage(const char *why)
{
	fprintf(stderr, "daxpages: %s\nusage: daxpages FILE READS seq|uniform|zipf:ALPHA [SEED]\n",
		why);
	return 2;
}

/* The rank (0 = most popular) whose cumulative share first reaches u */
static size_t zipf_rank(const double *cdf, size_t n, double u)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

enum pattern { SEQ, UNIFORM, ZIPF };

struct zipf {
	double *cdf;	/* cumulative share of the ranks, 0 = most popular */
	size_t *range;	/* the range of each rank */
};

/* The Zipf table of NRANGES ranges, the ranks shuffled by the generator */
static int zipf_init(struct zipf *z, size_t nranges, double alpha)
{
	double total = 0;
	size_t r;

	z->cdf = calloc(nranges, sizeof(*z->cdf));
	z->range = calloc(nranges, sizeof(*z->range));
	if (!z->cdf || !z->range)
		return -1;
	for (r = 0; r < nranges; r++) {
		total += pow(r + 1, -alpha);
		z->cdf[r] = total;
		z->range[r] = r;
	}
	for (r = 0; r < nranges; r++)
		z->cdf[r] /= total;
	for (r = nranges - 1; r > 0; r--) {	/* Fisher-Yates */
		size_t j = rng() % (r + 1), t = z->range[r];

		z->range[r] = z->range[j];
		z->range[j] = t;
	}
	return 0;
}

/* The page of the Nth read */
static size_t next_page(enum pattern pattern, const struct zipf *z,
			size_t nranges, unsigned long n)
{
	const size_t per_range = RANGE_SIZE / PAGE;
	size_t range;

	switch (pattern) {
	case SEQ:
		return n % (nranges * per_range);
	case UNIFORM:
		return rng() % (nranges * per_range);
	case ZIPF:
		break;
	}
	range = z->range[zipf_rank(z->cdf, nranges, rng_unit())];
	return range * per_range + rng() % per_range;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long reads, seed = 1, n;
	enum pattern pattern;
	struct zipf z = { NULL, NULL };
	volatile const unsigned char *map;
	unsigned char sum = 0;
	double alpha = 0, start;
	struct stat st;
	size_t nranges;
	char *end;
	int fd;

	if (argc < 4 || argc > 5)
		return usage("wrong number of arguments");
	errno = 0;
	reads = strtoul(argv[2], &end, 10);
	if (errno || *end || !reads || argv[2][0] == '-')
		return usage("READS must be a positive integer");
	if (!strcmp(argv[3], "seq")) {
		pattern = SEQ;
	} else if (!strcmp(argv[3], "uniform")) {
		pattern = UNIFORM;
	} else if (!strncmp(argv[3], "zipf:", 5)) {
		pattern = ZIPF;
		alpha = strtod(argv[3] + 5, &end);
		if (end == argv[3] + 5 || *end || !(alpha > 0 && alpha < 10))
			return usage("the Zipf exponent must be a number in (0, 10)");
	} else {
		return usage("PATTERN must be seq, uniform or zipf:ALPHA");
	}
	if (argc == 5) {
		errno = 0;
		seed = strtoul(argv[4], &end, 10);
		if (errno || *end || !seed || argv[4][0] == '-')
			return usage("SEED must be a positive integer");
	}
	rng_state = seed;

	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "daxpages: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	nranges = st.st_size / RANGE_SIZE;
	if (!nranges)
		return usage("FILE must hold at least one 2 MiB range");
	map = mmap(NULL, nranges * RANGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		fprintf(stderr, "daxpages: mmap %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (pattern == ZIPF && zipf_init(&z, nranges, alpha)) {
		fprintf(stderr, "daxpages: out of memory\n");
		return 1;
	}

	start = now_s();
	for (n = 0; n < reads; n++)
		sum += map[next_page(pattern, &z, nranges, n) * PAGE];
	printf("reads %lu ranges %zu pattern %s seed %lu seconds %.3f\n", reads,
	       nranges, argv[3], seed, now_s() - start);
	/* the reads happened (volatile); the sum only keeps them honest */
	(void)sum;
	free(z.cdf);
	free(z.range);
	munmap((void *)map, nranges * RANGE_SIZE);
	close(fd);
	return 0;
}
