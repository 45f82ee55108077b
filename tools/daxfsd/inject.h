/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault injection for tests: a fixed delay before the reply of chosen
 * opcodes (--delay), and holding REMOVEMAPPING replies while "stalled"
 * (--stall-removemapping, toggled by SIGUSR2), so a test can make the
 * guest's DAX range reclaim wait; and malformed replies to SETUPMAPPING
 * (--bad-setupmapping), so a test can see the kernel reject them.
 */
#ifndef DAXFSD_INJECT_H
#define DAXFSD_INJECT_H

#include <stdbool.h>
#include <stdint.h>

/* Parses "setupmapping=2ms" (units us, ms, s) and records it.  On error
 * returns -1 and puts a message for the user in msg. */
int inject_parse_delay(const char *spec, char *msg, int msglen);

void inject_set_stall(bool stalled);
void inject_toggle_stall(void);
bool inject_stalled(void);

/* What is wrong with every SETUPMAPPING reply (--bad-setupmapping KIND):
 *   SHORT      a header shorter than a header goes first (the kernel
 *              refuses the write), then the right reply
 *   UNIQUE     the reply goes first under a unique no request has (the
 *              kernel refuses it), then under the right one
 *   OVERSIZED  64 bytes of payload SETUPMAPPING does not have (the kernel
 *              ends the request with EIO)
 *   ERROR      an EIO error reply */
enum bad_reply { BAD_NONE, BAD_SHORT, BAD_UNIQUE, BAD_OVERSIZED, BAD_ERROR };

/* Parses KIND (short, unique, oversized, error); -1 if unknown. */
int inject_parse_bad_reply(const char *kind);
enum bad_reply inject_bad_reply(uint32_t opcode);

/* --fail-removemapping N: the Nth REMOVEMAPPING request (1 is the first)
 * fails with EIO and removes nothing.  Parses N; -1 if it is not 1 or
 * more.  inject_fail_removemapping() counts a request and says whether
 * it is that one. */
int inject_parse_fail_removemapping(const char *n);
bool inject_fail_removemapping(void);

/* At shutdown: stop holding replies for good, so workers can finish. */
void inject_release(void);

/* Called by the reply path just before a reply to opcode is written:
 * sleeps the configured delay, then waits while REMOVEMAPPING is stalled. */
void inject_before_reply(uint32_t opcode);

#endif
