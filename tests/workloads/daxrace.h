/* SPDX-License-Identifier: GPL-2.0 */
/* daxrace: shared between daxrace.bpf.c and daxrace.c */
#ifndef DAXRACE_H
#define DAXRACE_H

/* Where the held writer stands; the BPF side moves it forward. */
enum race_state {
	RACE_IDLE,	/* not armed yet */
	RACE_ARMED,	/* the next fault of the target gets held */
	RACE_HOLDING,	/* the target is held after its lookup missed */
	RACE_RELEASED,	/* let go when user space said so */
	RACE_GAVE_UP,	/* let go because the hold ran out */
};

/* Bounds the hold (a spin in BPF) so that nothing can hang on it. */
#define RACE_HOLD_NS	(10ULL * 1000 * 1000 * 1000)

#endif /* DAXRACE_H */
