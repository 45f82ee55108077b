// SPDX-License-Identifier: GPL-2.0
/*
 * dax-stat's own Prometheus writer, run on the host without BPF: prints
 * the exposition dax-stat would serve for one mount whose every counter,
 * gauge and histogram is non-zero.  tests/unit/prometheus-rules.sh checks
 * the rules and the dashboard against these names and labels, so that
 * they follow the exporter instead of a list typed out a second time.
 *
 * dax-stat's writer is static in tools/dax_stat.c, so that file is
 * included here with its main() renamed; nothing of BPF runs.
 *
 * Usage: prom_exposition [MAJOR:MINOR]   (the mount label when that device
 * is not mounted; default 0:4242)
 */
#define main dax_stat_main
#include "dax_stat.c"
#undef main

int main(int argc, char **argv)
{
	static struct snapshot snap;
	unsigned int major = 0, minor = 4242;
	struct mount_stat *m = &snap.m[0];

	if (argc > 1 && sscanf(argv[1], "%u:%u", &major, &minor) != 2) {
		fprintf(stderr, "usage: %s [MAJOR:MINOR]\n", argv[0]);
		return 2;
	}
	snap.n = 1;
	m->dev = major << 20 | minor;
	dax_mount_name(m->dev, m->name, sizeof(m->name));
	/* A busy window of 16 ranges: all numbers distinct and non-zero. */
	m->s = (struct dax_stat){ .c = {
		[STAT_SETUPS] = 1000, [STAT_UPGRADES] = 40,
		[STAT_SETUP_ERRORS] = 2,
		[STAT_REMOVALS + DAX_REASON_INLINE] = 600,
		[STAT_REMOVALS + DAX_REASON_BACKGROUND] = 350,
		[STAT_REMOVALS + DAX_REASON_EVICT] = 30,
		[STAT_REMOVE_ERRORS] = 1,
		[STAT_RECLAIMS + DAX_MODE_INLINE] = 300,
		[STAT_RECLAIMS + DAX_MODE_BACKGROUND] = 60,
		[STAT_RECLAIMED + DAX_MODE_INLINE] = 600,
		[STAT_RECLAIMED + DAX_MODE_BACKGROUND] = 350,
		[STAT_RECLAIM_ERRORS + DAX_MODE_INLINE] = 3,
		[STAT_RECLAIM_ERRORS + DAX_MODE_BACKGROUND] = 5,
		[STAT_FAULT_WAITS] = 120, [STAT_FAULT_WAITS_DONE] = 119,
		[STAT_FAULT_WAIT_NS] = 9000000000ULL,
		[STAT_ALLOC_WAITS] = 80, [STAT_ALLOC_WAITS_DONE] = 78,
		[STAT_ALLOC_WAIT_NS] = 4000000000ULL, },
		.pool = { .ts = 1, .nr_free = 1, .nr_busy = 14, .nr_ranges = 16 },
	};
	/* Samples from 2 us to 500 ms, so that every family has buckets. */
	for (int kind = 0; kind < DAX_NR_LAT_KINDS; kind++) {
		for (int slot = 0; slot < 19; slot++)
			m->s.hist[kind].slots[slot] = 1 + (slot * 7 + kind) % 11;
		m->s.hist[kind].sum_ns = 123456789ULL * (kind + 1);
	}
	snap.drops.n[DAX_DROP_TABLE_FULL] = 3;
	snap.drops.n[DAX_DROP_INFLIGHT_FULL] = 1;
	print_prometheus(stdout, &snap);
	return fflush(stdout) ? 1 : 0;
}
