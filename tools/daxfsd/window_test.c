// SPDX-License-Identifier: GPL-2.0
/*
 * Host test of the window logic without a kernel: a regular file stands
 * in for /dev/pmem0 and a second fd on it plays the guest's DAX stores.
 *
 * Usage: window_test DIR [STEPS [SEED]]   (creates DIR/window, DIR/file;
 *        STEPS random operations against a model, default 3000)
 * Prints "ok: ..." per check; on failure "FAIL: expected X, saw Y" and
 * exits 1.
 */
#include "coherence.h"
#include "window.h"
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIB (1024u * 1024u)
#define CHUNK WINDOW_RANGE_SIZE
#define NODE 7			/* any nodeid */

static int guest_fd;		/* buffered fd on the window file */
static int file_fd;		/* the mapped file */
static char *want;		/* scratch buffers, CHUNK bytes */
static char *saw;
static char *zeros;		/* CHUNK zero bytes */

/* Fills buf with a pattern that differs per byte and per seed. */
static void pattern(char *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)((i * 131 + seed * 7 + (i >> 9)) & 0xff);
}

static void xpread(int fd, void *buf, size_t len, off_t off)
{
	if (pread(fd, buf, len, off) != (ssize_t)len) {
		perror("pread");
		exit(1);
	}
}

static void xpwrite(int fd, const void *buf, size_t len, off_t off)
{
	if (pwrite(fd, buf, len, off) != (ssize_t)len) {
		perror("pwrite");
		exit(1);
	}
}

/* Compares len bytes at off of fd with expected. */
static void expect_bytes(const char *what, int fd, off_t off, const char *expected, size_t len)
{
	char e[64], s[64];

	xpread(fd, saw, len, off);
	for (size_t i = 0; i < len; i++) {
		if (saw[i] == expected[i])
			continue;
		snprintf(e, sizeof(e), "byte 0x%02x at +%zu", (unsigned char)expected[i], i);
		snprintf(s, sizeof(s), "0x%02x", (unsigned char)saw[i]);
		check_fail(what, e, s);
	}
}

static void expect_zeros(const char *what, int fd, off_t off, size_t len)
{
	expect_bytes(what, fd, off, zeros, len);
}

static void expect_size(const char *what, off_t expected)
{
	struct stat st;
	char e[32], s[32];

	fstat(file_fd, &st);
	if (st.st_size == expected)
		return;
	snprintf(e, sizeof(e), "size %lld", (long long)expected);
	snprintf(s, sizeof(s), "%lld", (long long)st.st_size);
	check_fail(what, e, s);
}

/* window_setup takes the fd it is given. */
static int setup(struct window *w, uint64_t moff, uint64_t foff, int writable)
{
	return window_setup(w, moff, NODE, dup(file_fd), foff, CHUNK, writable);
}

/* Window: 4 chunks of garbage.  File: 3 MiB of pattern 1. */
static void reset(void)
{
	memset(want, 0xaa, CHUNK);
	for (off_t m = 0; m < 4 * CHUNK; m += CHUNK)
		xpwrite(guest_fd, want, CHUNK, m);
	check_rc("ftruncate", 0, ftruncate(file_fd, 0));
	pattern(want, CHUNK, 1);
	xpwrite(file_fd, want, CHUNK, 0);
	xpwrite(file_fd, want, MIB, CHUNK);
}

static void test_setup_copies(struct window *w)
{
	reset();
	check_rc("setup chunk 0", 0, setup(w, 0, 0, 0));
	check_rc("setup chunk 1", 0, setup(w, CHUNK, CHUNK, 0));
	pattern(want, CHUNK, 1);
	expect_bytes("setup copies the file", guest_fd, 0, want, CHUNK);
	expect_bytes("setup copies up to EOF", guest_fd, CHUNK, want, MIB);
	expect_zeros("setup zeros past EOF", guest_fd, CHUNK + MIB, MIB);
	printf("ok: setup copies file bytes, zeros past EOF\n");
	check_rc("unaligned moffset", -EINVAL, setup(w, 4096, 0, 0));
	check_rc("moffset past the window", -EINVAL, setup(w, 4 * CHUNK, 0, 0));
	printf("ok: setup rejects unaligned or out-of-window moffset\n");
	check_rc("remove", 0, window_remove(w, 0, 2 * CHUNK));
}

static void test_writeback_clamps(struct window *w)
{
	reset();
	check_rc("setup rw", 0, setup(w, CHUNK, CHUNK, 1));
	/* Guest stores across EOF (3 MiB = 1 MiB into chunk 1). */
	pattern(want, 8192, 2);
	xpwrite(guest_fd, want, 8192, CHUNK + MIB - 4096);
	check_rc("sync", 0, coh_sync(w, NODE));
	expect_size("writeback must not extend the file", CHUNK + MIB);
	expect_bytes("writeback stores bytes before EOF", file_fd, CHUNK + MIB - 4096, want, 4096);
	printf("ok: writeback writes the window back, clamped to the file size\n");
	check_rc("remove", 0, window_remove(w, CHUNK, CHUNK));
}

static void test_readonly_not_written_back(struct window *w)
{
	reset();
	check_rc("setup ro", 0, setup(w, 0, 0, 0));
	memset(want, 0x55, 4096);
	xpwrite(guest_fd, want, 4096, 0);
	check_rc("remove ro", 0, window_remove(w, 0, CHUNK));
	pattern(want, 4096, 1);
	expect_bytes("read-only chunk is not written back", file_fd, 0, want, 4096);
	printf("ok: read-only chunk is never written back\n");
}

static void test_remove_writes_back(struct window *w)
{
	uint64_t before = window_writeback_bytes(w);

	reset();
	check_rc("setup rw", 0, setup(w, 2 * CHUNK, 0, 1));
	pattern(want, 1000, 3);
	xpwrite(guest_fd, want, 1000, 2 * CHUNK + 12345);
	check_rc("remove rw", 0, window_remove(w, 2 * CHUNK, CHUNK));
	expect_bytes("remove writes back", file_fd, 12345, want, 1000);
	if (window_writeback_bytes(w) - before != CHUNK)
		check_fail("writeback_bytes counts a whole chunk", "2097152", "other");
	/* Removed: a write must no longer reach the window. */
	memset(want, 0x11, 100);
	check_rc("write after remove", 100, coh_pwrite(w, NODE, file_fd, want, 100, 0));
	xpread(guest_fd, saw, 1, 2 * CHUNK);
	if (saw[0] == 0x11)
		check_fail("removed chunk is left alone", "old byte", "0x11");
	printf("ok: remove writes a writable chunk back and forgets it\n");
}

static void test_resetup_keeps_stores(struct window *w)
{
	reset();
	check_rc("setup rw", 0, setup(w, 0, 0, 1));
	pattern(want, 512, 4);
	xpwrite(guest_fd, want, 512, 3 * 4096);
	check_rc("setup again", 0, setup(w, 0, 0, 1));
	expect_bytes("re-setup saves the guest's stores to the file", file_fd, 3 * 4096, want, 512);
	expect_bytes("re-setup keeps them in the window", guest_fd, 3 * 4096, want, 512);
	printf("ok: setting up a chunk again keeps the guest's stores\n");
	check_rc("remove", 0, window_remove(w, 0, CHUNK));
}

static void test_setup_takes_stale_range(struct window *w)
{
	reset();
	check_rc("setup rw in chunk 0", 0, setup(w, 0, 0, 1));
	pattern(want, 512, 5);
	xpwrite(guest_fd, want, 512, 5 * 4096);
	/* The guest let chunk 0 go; its REMOVEMAPPING comes after this */
	check_rc("setup the same bytes in chunk 1", 0, setup(w, CHUNK, 0, 0));
	expect_bytes("the new range starts from the stale one's stores", guest_fd,
		     CHUNK + 5 * 4096, want, 512);
	memset(want + 512, 0x33, 512);
	xpwrite(guest_fd, want + 512, 512, 5 * 4096);
	check_rc("the late remove of chunk 0", 0, window_remove(w, 0, CHUNK));
	expect_bytes("the late remove writes nothing back", file_fd, 5 * 4096, want, 512);
	printf("ok: a setup takes the stores of a range the guest let go of\n");
	check_rc("remove", 0, window_remove(w, CHUNK, CHUNK));
}

static void test_write_coherence(struct window *w)
{
	reset();
	check_rc("setup chunk 1", 0, setup(w, CHUNK, CHUNK, 0));
	/* Unaligned on both ends, spanning several 512-byte blocks. */
	pattern(want, 3000, 5);
	check_rc("write", 3000, coh_pwrite(w, NODE, file_fd, want, 3000, CHUNK + 1000));
	expect_bytes("write reaches the window", guest_fd, CHUNK + 1000, want, 3000);
	pattern(want, CHUNK, 1);
	expect_bytes("bytes before the write kept", guest_fd, CHUNK, want, 1000);
	expect_bytes("bytes after the write kept", guest_fd, CHUNK + 4000, want + 4000, 4000);
	/* An extending write past EOF, as DAX sends them. */
	pattern(want, 700, 6);
	check_rc("extending write", 700, coh_pwrite(w, NODE, file_fd, want, 700, CHUNK + MIB + 100));
	expect_bytes("extending write reaches the window", guest_fd, CHUNK + MIB + 100, want, 700);
	expect_size("extending write grows the file", CHUNK + MIB + 800);
	printf("ok: write updates the file and the window, edges kept\n");
	check_rc("remove", 0, window_remove(w, CHUNK, CHUNK));
}

static void test_truncate(struct window *w)
{
	off_t cut = CHUNK + 777;

	reset();
	check_rc("setup chunk 1 rw", 0, setup(w, CHUNK, CHUNK, 1));
	/* A store below the new EOF must survive, one above must not. */
	memset(want, 0x66, 100);
	xpwrite(guest_fd, want, 100, CHUNK + 500);
	xpwrite(guest_fd, want, 100, CHUNK + 900);
	check_rc("truncate down", 0, coh_truncate(w, NODE, file_fd, cut));
	expect_size("truncate down", cut);
	expect_bytes("store below the new EOF written back", file_fd, CHUNK + 500, want, 100);
	expect_zeros("window zero at and after the new EOF", guest_fd, cut, CHUNK - 777);
	check_rc("truncate up", 0, coh_truncate(w, NODE, file_fd, 3 * MIB));
	expect_size("truncate up", 3 * MIB);
	expect_zeros("file zero after truncate down + up", file_fd, cut, 3 * MIB - cut);
	expect_zeros("window zero after truncate down + up", guest_fd, cut, CHUNK - 777);
	printf("ok: truncate writes back, cuts, and zeros the window tail\n");
	check_rc("remove", 0, window_remove(w, CHUNK, CHUNK));
}

/* Guest bytes past EOF in the EOF page: zeros when the file grows. */
static void test_grow_after_store_past_eof(struct window *w)
{
	off_t eof = CHUNK + MIB;

	reset();
	check_rc("setup chunk 1 rw", 0, setup(w, CHUNK, CHUNK, 1));
	memset(want, 0x77, 512);
	xpwrite(guest_fd, want, 512, eof + 1000);
	/* An extending write past the stored bytes leaves a hole. */
	memset(want, 0x12, 100);
	check_rc("extending write", 100, coh_pwrite(w, NODE, file_fd, want, 100, eof + 3000));
	expect_zeros("window hole after an extending write", guest_fd, eof, 3000);
	expect_bytes("written bytes", guest_fd, eof + 3000, want, 100);
	/* The same with truncate up. */
	memset(want, 0x77, 512);
	xpwrite(guest_fd, want, 512, eof + 3100);
	check_rc("truncate up", 0, coh_truncate(w, NODE, file_fd, eof + 8192));
	expect_zeros("window after truncate up", guest_fd, eof + 3100, 8192 - 3100);
	printf("ok: stores past EOF read as zeros once the file grows\n");
	check_rc("remove", 0, window_remove(w, CHUNK, CHUNK));
}

static void test_read_writes_back(struct window *w)
{
	reset();
	check_rc("setup rw", 0, setup(w, 0, 0, 1));
	pattern(want, 2048, 7);
	xpwrite(guest_fd, want, 2048, 4096);
	check_rc("read", 2048, coh_pread(w, NODE, file_fd, saw, 2048, 4096));
	if (memcmp(saw, want, 2048) != 0)
		check_fail("read sees the guest's stores", "the stored bytes", "the file's old bytes");
	printf("ok: read writes back overlapping writable chunks first\n");
	check_rc("remove", 0, window_remove(w, 0, CHUNK));
}

static void test_punch_hole(struct window *w)
{
	int rc;

	reset();
	check_rc("setup ro", 0, setup(w, 0, 0, 0));
	rc = coh_fallocate(w, NODE, file_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 4096, 8192);
	if (rc == -EOPNOTSUPP) {
		printf("ok: punch hole not supported here, skipped\n");
	} else {
		check_rc("punch hole", 0, rc);
		expect_zeros("punched file", file_fd, 4096, 8192);
		expect_zeros("punched window", guest_fd, 4096, 8192);
		pattern(want, CHUNK, 1);
		expect_bytes("bytes after the hole kept", guest_fd, 12288, want + 12288, 4096);
		printf("ok: punch hole refreshes the window\n");
	}
	check_rc("collapse range refused", -EOPNOTSUPP, coh_fallocate(w, NODE, file_fd, FALLOC_FL_COLLAPSE_RANGE, 0, 4096));
	check_rc("remove", 0, window_remove(w, 0, CHUNK));
}

static void test_allocate_past_eof(struct window *w)
{
	reset();
	check_rc("setup chunk 1 rw", 0, setup(w, CHUNK, CHUNK, 1));
	/* Guest bytes past EOF in the window must not survive a grow. */
	memset(want, 0x77, 256);
	xpwrite(guest_fd, want, 256, CHUNK + MIB + 16);
	check_rc("allocate", 0, coh_fallocate(w, NODE, file_fd, 0, CHUNK + MIB + 4096, 4096));
	expect_size("allocate grows the file", CHUNK + MIB + 8192);
	expect_zeros("window zero between old EOF and allocation", guest_fd, CHUNK + MIB, 8192);
	printf("ok: allocating past EOF leaves zeros in the window\n");
	check_rc("remove", 0, window_remove(w, CHUNK, CHUNK));
}

/*
 * ---- random operations against a model ----
 * The model is the file as the guest sees it: bytes [0, size).  Each
 * step does one thing the guest can do (write, store through a writable
 * mapping, truncate, punch, allocate, read, map, unmap, sync) and checks
 * the result against the model, as the model-checking tester does in the
 * guest.  Every file chunk is mapped at most once, like the kernel does.
 */
#define FILE_CHUNKS 3
#define WIN_CHUNKS 4
#define FILE_MAX ((off_t)FILE_CHUNKS * CHUNK)

struct model {
	char *bytes;			/* FILE_MAX */
	off_t size;
	int fchunk[WIN_CHUNKS];		/* file chunk mapped, -1 if none */
	bool writable[WIN_CHUNKS];
	bool can_punch;
	uint64_t rng;
};

static uint64_t rnd(struct model *m, uint64_t n)
{
	/* xorshift64: reproducible from the seed on any libc. */
	m->rng ^= m->rng << 13;
	m->rng ^= m->rng >> 7;
	m->rng ^= m->rng << 17;
	return n ? m->rng % n : 0;
}

static void random_bytes(struct model *m, char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)rnd(m, 256);
}

static int chunk_of(const struct model *m, int fchunk)
{
	for (int c = 0; c < WIN_CHUNKS; c++)
		if (m->fchunk[c] == fchunk)
			return c;
	return -1;
}

static void step_fail(int step, const char *what, off_t where)
{
	printf("FAIL: random step %d: expected %s to match the model, saw a difference at %lld\n",
	       step, what, (long long)where);
	exit(1);
}

/* The window of chunk c against the model, up to EOF. */
static void check_chunk(struct model *m, int c, int step)
{
	off_t foff = (off_t)m->fchunk[c] * CHUNK;
	off_t end = m->size < foff + CHUNK ? m->size : foff + CHUNK;

	if (end <= foff)
		return;
	xpread(guest_fd, saw, (size_t)(end - foff), (off_t)c * CHUNK);
	for (off_t i = 0; i < end - foff; i++)
		if (saw[i] != m->bytes[foff + i])
			step_fail(step, "a mapped chunk", foff + i);
}

static void do_setup(struct window *w, struct model *m, int step)
{
	int f = (int)rnd(m, FILE_CHUNKS);
	bool wr = rnd(m, 2);
	int c = chunk_of(m, f);

	if (c < 0)
		c = (int)rnd(m, WIN_CHUNKS);	/* free, or reclaimed */
	check_rc("random setup", 0, setup(w, (uint64_t)c * CHUNK, (uint64_t)f * CHUNK, wr));
	m->fchunk[c] = f;
	m->writable[c] = wr;
	check_chunk(m, c, step);
}

static void do_remove(struct window *w, struct model *m)
{
	int c = (int)rnd(m, WIN_CHUNKS);

	check_rc("random remove", 0, window_remove(w, (uint64_t)c * CHUNK, CHUNK));
	m->fchunk[c] = -1;
}

static void do_write(struct window *w, struct model *m)
{
	size_t len = 1 + rnd(m, 20000);
	off_t off = (off_t)rnd(m, (uint64_t)(FILE_MAX - (off_t)len));

	random_bytes(m, want, len);
	check_rc("random write", (long long)len, coh_pwrite(w, NODE, file_fd, want, len, off));
	if (off > m->size)
		memset(m->bytes + m->size, 0, (size_t)(off - m->size));
	memcpy(m->bytes + off, want, len);
	if (off + (off_t)len > m->size)
		m->size = off + (off_t)len;
}

/* A store through a writable mapping, up to the end of the EOF page:
 * the bytes past EOF are the guest's to scribble on, never the file's. */
static void do_store(struct model *m)
{
	int c = (int)rnd(m, WIN_CHUNKS);
	off_t foff = (off_t)m->fchunk[c] * CHUNK;
	off_t page_end = (m->size + 4095) / 4096 * 4096;
	off_t end = page_end < foff + CHUNK ? page_end : foff + CHUNK;
	off_t off, len;

	if (m->fchunk[c] < 0 || !m->writable[c] || end <= foff)
		return;
	off = foff + (off_t)rnd(m, (uint64_t)(end - foff));
	/* Often aim at the EOF page: bytes stored past EOF must never come
	 * back as file data when the file grows. */
	if (rnd(m, 3) == 0 && page_end - 4096 >= foff && page_end <= end)
		off = page_end - 4096 + (off_t)rnd(m, 4096);
	len = 1 + (off_t)rnd(m, (uint64_t)(end - off) < 9000 ? (uint64_t)(end - off) : 9000);
	random_bytes(m, want, (size_t)len);
	xpwrite(guest_fd, want, (size_t)len, (off_t)c * CHUNK + (off - foff));
	if (off < m->size)
		memcpy(m->bytes + off, want, (size_t)((off + len < m->size ? off + len : m->size) - off));
}

static void do_truncate(struct window *w, struct model *m)
{
	off_t size = (off_t)rnd(m, (uint64_t)FILE_MAX + 1);

	check_rc("random truncate", 0, coh_truncate(w, NODE, file_fd, size));
	if (size > m->size)
		memset(m->bytes + m->size, 0, (size_t)(size - m->size));
	m->size = size;
}

static void do_fallocate(struct window *w, struct model *m)
{
	off_t len = 1 + (off_t)rnd(m, 3 * 4096);
	off_t off = (off_t)rnd(m, (uint64_t)(FILE_MAX - len));
	bool punch = rnd(m, 2);
	int mode = punch ? FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE : 0;

	if (!m->can_punch)
		return;
	check_rc("random fallocate", 0, coh_fallocate(w, NODE, file_fd, mode, off, len));
	if (punch) {
		if (off < m->size)
			memset(m->bytes + off, 0, (size_t)((off + len < m->size ? off + len : m->size) - off));
	} else if (off + len > m->size) {
		memset(m->bytes + m->size, 0, (size_t)(off + len - m->size));
		m->size = off + len;
	}
}

static void do_read(struct window *w, struct model *m, int step)
{
	size_t len = 1 + rnd(m, 30000);
	off_t off = (off_t)rnd(m, (uint64_t)FILE_MAX);
	off_t expected = off >= m->size ? 0 : (m->size - off < (off_t)len ? m->size - off : (off_t)len);
	ssize_t n = coh_pread(w, NODE, file_fd, saw, len, off);

	if (n != expected)
		step_fail(step, "the read length", off);
	for (ssize_t i = 0; i < n; i++)
		if (saw[i] != m->bytes[off + i])
			step_fail(step, "a read", off + i);
}

static void do_sync_and_compare(struct window *w, struct model *m, int step)
{
	struct stat st;

	check_rc("random sync", 0, coh_sync(w, NODE));
	fstat(file_fd, &st);
	if (st.st_size != m->size)
		step_fail(step, "the file size", st.st_size);
	for (off_t off = 0; off < m->size; off += CHUNK) {
		size_t n = (size_t)(m->size - off < CHUNK ? m->size - off : CHUNK);

		xpread(file_fd, saw, n, off);
		for (size_t i = 0; i < n; i++)
			if (saw[i] != m->bytes[off + (off_t)i])
				step_fail(step, "the file after sync", off + (off_t)i);
	}
}

static void test_random(struct window *w, int steps, uint64_t seed)
{
	struct model m = { .size = 0, .rng = seed ? seed : 1, .can_punch = true };
	int counts[10] = { 0 };

	m.bytes = calloc(1, FILE_MAX);
	for (int c = 0; c < WIN_CHUNKS; c++)
		m.fchunk[c] = -1;
	check_rc("remove all", 0, window_remove(w, 0, WIN_CHUNKS * CHUNK));
	check_rc("empty file", 0, ftruncate(file_fd, 0));
	if (fallocate(file_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096) != 0)
		m.can_punch = false;
	for (int step = 0; step < steps; step++) {
		int op = (int)rnd(&m, 10);

		counts[op]++;
		switch (op) {
		case 0: do_setup(w, &m, step); break;
		case 1: do_remove(w, &m); break;
		case 2: case 3: do_write(w, &m); break;
		case 4: case 5: do_store(&m); break;
		case 6: do_truncate(w, &m); break;
		case 7: do_fallocate(w, &m); break;
		case 8: do_read(w, &m, step); break;
		case 9: do_sync_and_compare(w, &m, step); break;
		}
		/* Stores make mapped chunks differ from the file until a
		 * writeback, but never from the model. */
		if (m.fchunk[step % WIN_CHUNKS] >= 0)
			check_chunk(&m, step % WIN_CHUNKS, step);
	}
	do_sync_and_compare(w, &m, steps);
	check_rc("remove all", 0, window_remove(w, 0, WIN_CHUNKS * CHUNK));
	free(m.bytes);
	printf("ok: %d random steps (seed %llu) match the model: %d setups, %d removes, "
	       "%d writes, %d stores, %d truncates, %d fallocates%s, %d reads, %d syncs\n",
	       steps, (unsigned long long)seed, counts[0], counts[1], counts[2] + counts[3],
	       counts[4] + counts[5], counts[6], counts[7], m.can_punch ? "" : " (skipped)",
	       counts[8], counts[9]);
}

int main(int argc, char **argv)
{
	char path[4096], fpath[4096];
	struct window *w;
	int wfd, rc;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: window_test DIR [STEPS [SEED]]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/window", argv[1]);
	snprintf(fpath, sizeof(fpath), "%s/file", argv[1]);
	wfd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	file_fd = open(fpath, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (wfd < 0 || file_fd < 0 || ftruncate(wfd, 4 * CHUNK) != 0) {
		perror(argv[1]);
		return 1;
	}
	close(wfd);
	guest_fd = open(path, O_RDWR);
	want = malloc(CHUNK);
	saw = malloc(CHUNK);
	zeros = calloc(1, CHUNK);

	rc = window_open(path, true, &w);
	if (rc == -EINVAL) {
		printf("ok: O_DIRECT not supported on %s, testing buffered\n", argv[1]);
		rc = window_open(path, false, &w);
	} else if (rc == 0) {
		printf("ok: window opened with O_DIRECT\n");
	}
	check_rc("window_open", 0, rc);
	if (window_size(w) != 4 * CHUNK)
		check_fail("window size", "8 MiB", "other");

	test_setup_copies(w);
	test_writeback_clamps(w);
	test_readonly_not_written_back(w);
	test_remove_writes_back(w);
	test_resetup_keeps_stores(w);
	test_setup_takes_stale_range(w);
	test_write_coherence(w);
	test_truncate(w);
	test_grow_after_store_past_eof(w);
	test_read_writes_back(w);
	test_punch_hole(w);
	test_allocate_past_eof(w);
	test_random(w, argc > 2 ? atoi(argv[2]) : 3000,
		    argc > 3 ? strtoull(argv[3], NULL, 0) : 42);

	check_rc("writeback all", 0, window_writeback_all(w));
	window_close(w);
	close(guest_fd);
	close(file_fd);
	free(want);
	free(saw);
	free(zeros);
	printf("ok: all window checks passed\n");
	return 0;
}
