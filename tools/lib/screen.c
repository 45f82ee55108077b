// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include "screen.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <ncursesw/curses.h>

void screen_open(void)
{
	setlocale(LC_ALL, "");		/* UTF-8 paths */
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
}

void screen_close(void)
{
	endwin();
}

int screen_lines(void)
{
	return LINES;
}

void screen_draw(int (*render)(FILE *out, void *ctx), void *ctx)
{
	char *buf = NULL, *line, *next;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int mark, y = 0;

	if (!out)
		return;
	mark = render(out, ctx);
	fclose(out);
	erase();
	for (line = buf; line && *line && y < LINES; line = next, y++) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (y == mark)
			attron(A_REVERSE);
		mvaddnstr(y, 0, line, COLS);
		if (y == mark) {
			for (int x = strlen(line); x < COLS; x++)
				addch(' ');
			attroff(A_REVERSE);
		}
		if (!next)
			break;
	}
	refresh();
	free(buf);
}

int screen_key(int timeout_ms)
{
	int ch;

	timeout(timeout_ms);
	ch = getch();
	switch (ch) {
	case ERR: return SCREEN_NO_KEY;
	case KEY_RESIZE: return SCREEN_RESIZE;
	case KEY_LEFT: return '<';
	case KEY_RIGHT: return '>';
	default: return ch;
	}
}
