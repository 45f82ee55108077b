/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text built in memory, for output that goes out whole: a scrape, a file
 * renamed into place.  Appends are plain copies; dax-stat's scrapes spent
 * over half their time in printf into an open_memstream() (perf, TCG
 * guest).  A failed allocation sticks and shows in tb_take().
 */
#ifndef DAXMON_TEXTBUF_H
#define DAXMON_TEXTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct textbuf {
	char *s;
	size_t len, cap;
	bool failed;
};

/* An empty buffer with room for hint bytes (0: grown as needed). */
void tb_init(struct textbuf *b, size_t hint);
void tb_putn(struct textbuf *b, const char *s, size_t n);
void tb_puts(struct textbuf *b, const char *s);
void tb_putc(struct textbuf *b, char c);
void tb_u64(struct textbuf *b, uint64_t v);
void tb_printf(struct textbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* What fd has left to read, to its end; a read error sticks like a failed append. */
void tb_read_fd(struct textbuf *b, int fd);
/*
 * The text, NUL-terminated, now the caller's to free(), its length in
 * *len; NULL (and nothing to free) if an append failed.  b is left empty.
 */
char *tb_take(struct textbuf *b, size_t *len);

#endif
