/* SPDX-License-Identifier: MIT */
/* SHA-1 for the index checksum, against the FIPS 180 test vectors. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sd/sha1.h"
#include "unit.h"

static void expect_sha1(const char *name, const void *data, size_t len, const char *hex)
{
	unsigned char sum[20];
	char got[41];
	sd_sha1(data, len, sum);
	for (int i = 0; i < 20; i++) {
		static const char digits[] = "0123456789abcdef";
		got[2 * i] = digits[sum[i] >> 4];
		got[2 * i + 1] = digits[sum[i] & 15];
	}
	got[40] = '\0';
	CHECK(!strcmp(got, hex), "sha1 of %s: %s, want %s", name, got, hex);
}

static void vectors(void)
{
	expect_sha1("empty", "", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	expect_sha1("abc", "abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	expect_sha1("448 bits", two, strlen(two), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	/* Lengths around the block and padding boundaries. */
	char *a = malloc(1000000);
	memset(a, 'a', 1000000);
	expect_sha1("a million a", a, 1000000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	expect_sha1("55 a", a, 55, "c1c8bbdc22796e28c0e15163d20899b65621d65a");
	expect_sha1("56 a", a, 56, "c2db330f6083854c99d4b5bfb6e8f29f201be699");
	expect_sha1("64 a", a, 64, "0098ba824b5c16427bd7a1122a5a442a25ec644d");
	free(a);
}

/* The processor's SHA instructions, where there are any, and the portable
 * code agree on every length around the block boundaries and on data fed
 * in pieces. */
static void both_paths_agree(void)
{
	unsigned char data[700], fast[20], slow[20];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof(data); i++) {
		x = x * 1103515245 + 12345;
		data[i] = (unsigned char)(x >> 16);
	}
	int same = 1;
	for (size_t len = 0; len <= sizeof(data); len++) {
		sd_sha1_portable_only(0);
		sd_sha1(data, len, fast);
		sd_sha1_portable_only(1);
		struct sd_sha1_ctx c;
		sd_sha1_init(&c);
		for (size_t at = 0; at < len; at += 37)
			sd_sha1_add(&c, data + at, len - at < 37 ? len - at : 37);
		sd_sha1_done(&c, slow);
		if (memcmp(fast, slow, 20)) {
			CHECK(0, "sha1 of %zu bytes: both paths agree", len);
			same = 0;
			break;
		}
	}
	sd_sha1_portable_only(0);
	CHECK(same, "sha1: both paths agree on lengths 0 to 700");
}

int main(void)
{
	vectors();
	sd_sha1_portable_only(1);
	vectors();
	sd_sha1_portable_only(0);
	both_paths_agree();
	return unit_done("unit/sha1");
}
