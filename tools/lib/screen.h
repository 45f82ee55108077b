/* SPDX-License-Identifier: GPL-2.0 */
/* Full-screen text for the top-like tools, with ncurses kept in here. */
#ifndef DAXMON_SCREEN_H
#define DAXMON_SCREEN_H

#include <stdio.h>

/* What screen_key() returns besides plain characters. */
#define SCREEN_NO_KEY	-1	/* the time ran out (or a signal came) */
#define SCREEN_RESIZE	-2	/* the terminal changed size */

/* Take over the terminal: no echo, keys one at a time, no cursor. */
void screen_open(void);
void screen_close(void);
int screen_lines(void);

/*
 * Clear the screen and show what render() writes, one screen line per
 * line of text, clipped to the terminal; the line whose number (from 0)
 * render() returns is shown in reverse video, across the whole width.
 */
void screen_draw(int (*render)(FILE *out, void *ctx), void *ctx);

/* A key typed within timeout_ms; the arrow keys left and right come as
 * '<' and '>'. */
int screen_key(int timeout_ms);

#endif
