/* SPDX-License-Identifier: MIT */
/* Runs a fuzz target's LLVMFuzzerTestOneInput over files, without
 * libFuzzer, so make check replays the seed corpus and every input that
 * once crashed a target (tests/fuzz/regress/TARGET/) with the ordinary
 * compiler, plain and under the sanitizers. A failed property aborts.
 *
 *	replay NAME FILE...
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: replay NAME FILE...\n");
		return 2;
	}
	int n = 0;
	for (int i = 2; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 1;
		}
		struct sd_buf b = SD_BUF_INIT;
		char chunk[4096];
		size_t got;
		while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
			sd_buf_add(&b, chunk, got);
		fclose(f);
		/* An exact-size copy, so the sanitizers see any overread. */
		uint8_t *data = malloc(b.len ? b.len : 1);
		if (!data)
			abort();
		memcpy(data, b.data, b.len);
		LLVMFuzzerTestOneInput(data, b.len);
		free(data);
		sd_buf_release(&b);
		n++;
	}
	printf("%s: %d inputs replayed\n", argv[1], n);
	return 0;
}
