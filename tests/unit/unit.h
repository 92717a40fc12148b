/* SPDX-License-Identifier: MIT */
#ifndef SD_UNIT_H
#define SD_UNIT_H

/* A minimal harness for table-driven unit tests of the core library.
 * Each test binary ends with unit_done(), which prints
 * "NAME: N passed, N failed" and returns the exit status. */

#include <stdio.h>
#include <string.h>

static int unit_passed, unit_failed;

#define CHECK(cond, ...) \
	do { \
		if (cond) { \
			unit_passed++; \
		} else { \
			unit_failed++; \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
		} \
	} while (0)

#define CHECK_STR(expected, actual, what) \
	CHECK(strcmp((expected), (actual)) == 0, "%s\n--- expected\n%s\n--- actual\n%s", (what), \
	      (expected), (actual))

static inline int unit_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif
