/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer harness for a tool's command line.  Included at the end of a
 * file that includes the tool's source with main() renamed, after it
 * defines settings_ok(): whether the tool's env is one its main() can
 * run with.  The input is the arguments, NUL-separated.  Every command
 * line must either be refused through argp_error() or leave settings_ok()
 * true.
 *
 * Linked with -Wl,--wrap=argp_error,--wrap=argp_state_help: an error or
 * --help returns instead of exiting (ARGP_NO_EXIT) and prints nothing,
 * but each message is still formatted, so a bad format or argument in
 * one shows up under ASan.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define FUZZ_MAX_ARGS 32

static bool fuzz_refused;
static FILE *fuzz_null;
static __typeof__(env) fuzz_defaults;

void __real_argp_state_help(const struct argp_state *state, FILE *stream,
			    unsigned int flags);
void __wrap_argp_error(const struct argp_state *state, const char *fmt, ...);
void __wrap_argp_state_help(const struct argp_state *state, FILE *stream,
			    unsigned int flags);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void __wrap_argp_error(const struct argp_state *state, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(fuzz_null, fmt, ap);
	va_end(ap);
	__real_argp_state_help(state, fuzz_null, ARGP_HELP_STD_ERR);
	fuzz_refused = true;
}

void __wrap_argp_state_help(const struct argp_state *state, FILE *stream,
			    unsigned int flags)
{
	(void)stream;
	__real_argp_state_help(state, fuzz_null, flags);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_null = fopen("/dev/null", "w");
	/* --version prints to stdout; libFuzzer reports on stderr */
	if (!fuzz_null || !freopen("/dev/null", "w", stdout))
		__builtin_trap();
	fuzz_defaults = env;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char prog[] = "fuzz", buf[4096];
	char *argv[FUZZ_MAX_ARGS + 2];
	size_t len = size < sizeof(buf) - 1 ? size : sizeof(buf) - 1, i;
	int argc = 0;
	error_t err;

	memcpy(buf, data, len);
	buf[len] = '\0';
	argv[argc++] = prog;
	for (i = 0; i < len && argc <= FUZZ_MAX_ARGS; i += strlen(buf + i) + 1) {
		/* glibc's hidden --HANG[=SECS] sleeps, by design: not ours */
		if (!strncmp(buf + i, "--H", 3))
			return 0;
		argv[argc++] = buf + i;
	}
	argv[argc] = NULL;

	env = fuzz_defaults;
	fuzz_refused = false;
	err = argp_parse(&argp, argc, argv, ARGP_NO_EXIT | ARGP_NO_ERRS, NULL, NULL);
	if (!err && !fuzz_refused && !settings_ok())
		__builtin_trap();	/* accepted, yet main() cannot use it */
	return 0;
}
