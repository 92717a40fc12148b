/* SPDX-License-Identifier: MIT */
#ifndef SD_FUZZ_H
#define SD_FUZZ_H

/* Shared by the libFuzzer targets in this directory (see run.sh and the
 * fuzz target of the Makefile). A target checks properties, not only the
 * absence of crashes: a property that fails calls FUZZ_FAIL, which prints
 * what differed and aborts, so libFuzzer saves the input as a crash. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sd/buf.h"
#include "sd/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_FAIL(...) \
	do { \
		fprintf(stderr, "%s:%d: property failed: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} while (0)

/* A NUL-terminated copy of data, for the APIs that take C strings; the
 * caller frees it. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The written texts a and b must be equal. */
static inline void fuzz_same(const char *what, const struct sd_buf *a, const struct sd_buf *b)
{
	if (a->len != b->len || memcmp(a->data, b->data, a->len))
		FUZZ_FAIL("%s\n--- first\n%s\n--- second\n%s", what, a->data, b->data);
}

#endif
