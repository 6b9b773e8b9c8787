/*
 * Helpers shared by the libFuzzer targets (tests/fuzz/fuzz_*.c).
 *
 * tests/fuzz/run.sh links each target with the library's objects compiled
 * for fuzzing; a target calls the library through its headers only (the
 * public ones, and the internal *_int.h for ohs__* entry points), never by
 * #including a .c file.  Any invariant
 * violation calls fuzz_fail(), which aborts: libFuzzer records the input.
 */
#ifndef OHS_FUZZ_COMMON_H
#define OHS_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ohsandbox.h"

#define fuzz_fail(...) do { \
	fprintf(stderr, "fuzz invariant failed at %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); \
	fputc('\n', stderr); \
	abort(); \
} while (0)

/* A NUL-terminated heap copy of the input (embedded NULs end the string). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Call ohs_error_clear() before the call.  Every failing call must leave a non-empty message naming the problem. */
static inline void fuzz_check_error(int rc, const char *what)
{
	const char *msg;

	if (rc >= 0)
		return;
	msg = ohs_error_last();
	if (!msg || !*msg)
		fuzz_fail("%s failed with %d but left no error message", what, rc);
	if (ohs_error_last_code() != rc)
		fuzz_fail("%s returned %d but the last error's code is %d (\"%s\")",
			what, rc, ohs_error_last_code(), msg);
}

#endif
