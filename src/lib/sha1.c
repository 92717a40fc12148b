/* SPDX-License-Identifier: MIT */
/* SHA-1 (FIPS 180-4), for git's index and pack checksums and object ids. */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sd/sha1.h"

static uint32_t rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

/* Unrolled, with the message schedule kept in a ring of sixteen words:
 * the index of a large store is megabytes, and its checksum is most of
 * what an update costs. */
#define W(i) \
	(w[(i)&15] = rol(w[((i) + 13) & 15] ^ w[((i) + 8) & 15] ^ w[((i) + 2) & 15] ^ w[(i)&15], 1))
#define F1(b, c, d) (((c ^ d) & b) ^ d)
#define F2(b, c, d) (b ^ c ^ d)
#define F3(b, c, d) ((b & c) | ((b | c) & d))
#define STEP(f, k, a, b, c, d, e, x) (e += rol(a, 5) + f(b, c, d) + (k) + (x), b = rol(b, 30))
#define FIVE(f, k, i, x) \
	do { \
		STEP(f, k, a, b, c, d, e, x((i))); \
		STEP(f, k, e, a, b, c, d, x((i) + 1)); \
		STEP(f, k, d, e, a, b, c, x((i) + 2)); \
		STEP(f, k, c, d, e, a, b, x((i) + 3)); \
		STEP(f, k, b, c, d, e, a, x((i) + 4)); \
	} while (0)
#define R(i) w[(i)]

static void sha1_block(struct sd_sha1_ctx *ctx, const unsigned char *p)
{
	uint32_t w[16];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
			(uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	uint32_t a = ctx->h[0], b = ctx->h[1], c = ctx->h[2], d = ctx->h[3], e = ctx->h[4];
	FIVE(F1, 0x5a827999, 0, R);
	FIVE(F1, 0x5a827999, 5, R);
	FIVE(F1, 0x5a827999, 10, R);
	STEP(F1, 0x5a827999, a, b, c, d, e, R(15));
	STEP(F1, 0x5a827999, e, a, b, c, d, W(16));
	STEP(F1, 0x5a827999, d, e, a, b, c, W(17));
	STEP(F1, 0x5a827999, c, d, e, a, b, W(18));
	STEP(F1, 0x5a827999, b, c, d, e, a, W(19));
	FIVE(F2, 0x6ed9eba1, 20, W);
	FIVE(F2, 0x6ed9eba1, 25, W);
	FIVE(F2, 0x6ed9eba1, 30, W);
	FIVE(F2, 0x6ed9eba1, 35, W);
	FIVE(F3, 0x8f1bbcdc, 40, W);
	FIVE(F3, 0x8f1bbcdc, 45, W);
	FIVE(F3, 0x8f1bbcdc, 50, W);
	FIVE(F3, 0x8f1bbcdc, 55, W);
	FIVE(F2, 0xca62c1d6, 60, W);
	FIVE(F2, 0xca62c1d6, 65, W);
	FIVE(F2, 0xca62c1d6, 70, W);
	FIVE(F2, 0xca62c1d6, 75, W);
	ctx->h[0] += a;
	ctx->h[1] += b;
	ctx->h[2] += c;
	ctx->h[3] += d;
	ctx->h[4] += e;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define SHA1_NI 1

/* Four rounds with the SHA extensions: group g of sixteen, message word
 * a = g % 4 just computed, function f = g / 5. */
#define NI_GROUP(ex, ey, ma, mb, mc, md, f) \
	do { \
		ex = _mm_sha1nexte_epu32(ex, ma); \
		ey = abcd; \
		mb = _mm_sha1msg2_epu32(mb, ma); \
		abcd = _mm_sha1rnds4_epu32(abcd, ex, f); \
		md = _mm_sha1msg1_epu32(md, ma); \
		mc = _mm_xor_si128(mc, ma); \
	} while (0)

/* The x86 SHA extensions do a block in a tenth of the time of the C code:
 * an index of 100,000 entries is 10 MB, summed twice per change. */
__attribute__((target("sha,sse4.1"))) static void
sha1_blocks_ni(uint32_t h[5], const unsigned char *p, size_t blocks)
{
	const __m128i swap = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
	__m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)h), 0x1b);
	__m128i e0 = _mm_set_epi32((int)h[4], 0, 0, 0), e1;
	__m128i m0, m1, m2, m3;
	for (; blocks; blocks--, p += 64) {
		__m128i abcd_saved = abcd, e0_saved = e0;
		m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), swap);
		e0 = _mm_add_epi32(e0, m0);
		e1 = abcd;
		abcd = _mm_sha1rnds4_epu32(abcd, e0, 0);

		m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), swap);
		e1 = _mm_sha1nexte_epu32(e1, m1);
		e0 = abcd;
		abcd = _mm_sha1rnds4_epu32(abcd, e1, 0);
		m0 = _mm_sha1msg1_epu32(m0, m1);

		m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), swap);
		e0 = _mm_sha1nexte_epu32(e0, m2);
		e1 = abcd;
		abcd = _mm_sha1rnds4_epu32(abcd, e0, 0);
		m1 = _mm_sha1msg1_epu32(m1, m2);
		m0 = _mm_xor_si128(m0, m2);

		m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), swap);
		NI_GROUP(e1, e0, m3, m0, m1, m2, 0); /* rounds 12-15 */
		NI_GROUP(e0, e1, m0, m1, m2, m3, 0); /* 16-19 */
		NI_GROUP(e1, e0, m1, m2, m3, m0, 1); /* 20-23 */
		NI_GROUP(e0, e1, m2, m3, m0, m1, 1);
		NI_GROUP(e1, e0, m3, m0, m1, m2, 1);
		NI_GROUP(e0, e1, m0, m1, m2, m3, 1);
		NI_GROUP(e1, e0, m1, m2, m3, m0, 1); /* 36-39 */
		NI_GROUP(e0, e1, m2, m3, m0, m1, 2); /* 40-43 */
		NI_GROUP(e1, e0, m3, m0, m1, m2, 2);
		NI_GROUP(e0, e1, m0, m1, m2, m3, 2);
		NI_GROUP(e1, e0, m1, m2, m3, m0, 2);
		NI_GROUP(e0, e1, m2, m3, m0, m1, 2); /* 56-59 */
		NI_GROUP(e1, e0, m3, m0, m1, m2, 3); /* 60-63 */

		NI_GROUP(e0, e1, m0, m1, m2, m3, 3); /* 64-67 */

		e1 = _mm_sha1nexte_epu32(e1, m1); /* 68-71: no words past 79 */
		e0 = abcd;
		m2 = _mm_sha1msg2_epu32(m2, m1);
		abcd = _mm_sha1rnds4_epu32(abcd, e1, 3);
		m3 = _mm_xor_si128(m3, m1);

		e0 = _mm_sha1nexte_epu32(e0, m2); /* 72-75 */
		e1 = abcd;
		m3 = _mm_sha1msg2_epu32(m3, m2);
		abcd = _mm_sha1rnds4_epu32(abcd, e0, 3);

		e1 = _mm_sha1nexte_epu32(e1, m3); /* 76-79 */
		e0 = abcd;
		abcd = _mm_sha1rnds4_epu32(abcd, e1, 3);

		e0 = _mm_sha1nexte_epu32(e0, e0_saved);
		abcd = _mm_add_epi32(abcd, abcd_saved);
	}
	abcd = _mm_shuffle_epi32(abcd, 0x1b);
	_mm_storeu_si128((__m128i *)h, abcd);
	h[4] = (uint32_t)_mm_extract_epi32(e0, 3);
}

/* Asks cpuid directly: clang before 16 has no "sha" for
 * __builtin_cpu_supports, and make fuzz builds with clang. */
static int have_sha_ni(void)
{
	static int known = -1;
	if (known < 0) {
		unsigned a, b, c, d;
		int sse41 = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_1);
		int sha = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
		known = sse41 && sha;
	}
	return known;
}
#endif

static int portable_only;

void sd_sha1_portable_only(int on)
{
	portable_only = on;
}

static void sha1_blocks(struct sd_sha1_ctx *c, const unsigned char *p, size_t blocks)
{
#ifdef SHA1_NI
	if (!portable_only && have_sha_ni()) {
		sha1_blocks_ni(c->h, p, blocks);
		return;
	}
#endif
	for (; blocks; blocks--, p += 64)
		sha1_block(c, p);
}

void sd_sha1_init(struct sd_sha1_ctx *c)
{
	static const uint32_t start[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
					   0xc3d2e1f0 };
	memcpy(c->h, start, sizeof(start));
	c->len = 0;
	c->used = 0;
}

void sd_sha1_add(struct sd_sha1_ctx *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	c->len += len;
	if (c->used) {
		size_t take = 64 - c->used < len ? 64 - c->used : len;
		memcpy(c->block + c->used, p, take);
		c->used += take;
		p += take;
		len -= take;
		if (c->used < 64)
			return;
		sha1_blocks(c, c->block, 1);
		c->used = 0;
	}
	sha1_blocks(c, p, len / 64);
	p += len / 64 * 64;
	len %= 64;
	memcpy(c->block, p, len);
	c->used = len;
}

void sd_sha1_done(struct sd_sha1_ctx *c, unsigned char out[20])
{
	uint64_t bits = c->len * 8;
	unsigned char pad = 0x80, zero = 0, be[8];
	sd_sha1_add(c, &pad, 1);
	while (c->used != 56)
		sd_sha1_add(c, &zero, 1);
	for (int i = 0; i < 8; i++)
		be[i] = (unsigned char)(bits >> (56 - 8 * i));
	sd_sha1_add(c, be, 8);
	for (int i = 0; i < 20; i++)
		out[i] = (unsigned char)(c->h[i / 4] >> (24 - 8 * (i % 4)));
}

void sd_sha1(const void *data, size_t len, unsigned char out[20])
{
	struct sd_sha1_ctx c;
	sd_sha1_init(&c);
	sd_sha1_add(&c, data, len);
	sd_sha1_done(&c, out);
}

void sd_git_object_id(const char *type, const void *data, size_t len, unsigned char out[20])
{
	char head[64];
	int n = snprintf(head, sizeof(head), "%s %zu", type, len);
	struct sd_sha1_ctx c;
	sd_sha1_init(&c);
	sd_sha1_add(&c, head, (size_t)n + 1); /* with its NUL */
	sd_sha1_add(&c, data, len);
	sd_sha1_done(&c, out);
}
