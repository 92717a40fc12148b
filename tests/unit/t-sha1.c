/* SHA-1 for the index checksum, against the FIPS 180 test vectors. */

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

int main(void)
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
	return unit_done("unit/sha1");
}
