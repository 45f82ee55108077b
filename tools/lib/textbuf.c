// SPDX-License-Identifier: GPL-2.0
#include "textbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void tb_init(struct textbuf *b, size_t hint)
{
	*b = (struct textbuf){ 0 };
	if (hint && !(b->s = malloc(hint)))
		b->failed = true;
	else
		b->cap = hint;
}

/* Room for n more bytes and the NUL tb_take() adds. */
static bool reserve(struct textbuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *s;

	if (b->failed)
		return false;
	if (b->len + n < b->cap)
		return true;
	while (cap <= b->len + n)
		cap *= 2;
	s = realloc(b->s, cap);
	if (!s) {
		b->failed = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

void tb_putn(struct textbuf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
}

void tb_puts(struct textbuf *b, const char *s)
{
	tb_putn(b, s, strlen(s));
}

void tb_putc(struct textbuf *b, char c)
{
	if (reserve(b, 1))
		b->s[b->len++] = c;
}

void tb_u64(struct textbuf *b, uint64_t v)
{
	char digits[20];
	int i = sizeof(digits);

	do
		digits[--i] = '0' + v % 10;
	while (v /= 10);
	tb_putn(b, digits + i, sizeof(digits) - i);
}

void tb_printf(struct textbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if (!reserve(b, n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

void tb_read_fd(struct textbuf *b, int fd)
{
	ssize_t n;

	/* one byte of room at least, so that the read which sees EOF fits */
	while (reserve(b, 1)) {
		n = read(fd, b->s + b->len, b->cap - b->len - 1);
		if (n <= 0) {
			b->failed |= n < 0;
			return;
		}
		b->len += n;
	}
}

char *tb_take(struct textbuf *b, size_t *len)
{
	char *s = NULL;

	if (reserve(b, 0)) {
		s = b->s;
		s[b->len] = '\0';
		*len = b->len;
	} else {
		free(b->s);
	}
	*b = (struct textbuf){ 0 };
	return s;
}
