/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include "sd/id.h"
#include "sd/util.h"

sd_error *sd_id_generate(char *out, size_t len)
{
	unsigned char bytes[32];
	if (len > sizeof(bytes))
		return sd_error_fatal("id length %zu is too long", len);
	size_t got = 0;
	while (got < len) {
		ssize_t n = getrandom(bytes + got, len - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return sd_error_errno("getrandom");
		}
		got += (size_t)n;
	}
	/* Each character takes five bits of its own random byte. */
	for (size_t i = 0; i < len; i++)
		out[i] = SD_ID_ALPHABET[bytes[i] & 31];
	out[len] = '\0';
	return NULL;
}

void sd_id_from_content(char *out, size_t len, const char *const *parts, size_t n)
{
	/* FNV-1a over length-prefixed parts; the state is stirred between
	 * characters so that long ids use all of it. */
	uint64_t h = 1469598103934665603ULL;
	for (size_t p = 0; p < n; p++) {
		uint64_t plen = strlen(parts[p]);
		for (int i = 0; i < 8; i++)
			h = (h ^ ((plen >> (8 * i)) & 0xff)) * 1099511628211ULL;
		for (const unsigned char *s = (const unsigned char *)parts[p]; *s; s++)
			h = (h ^ *s) * 1099511628211ULL;
	}
	for (size_t i = 0; i < len; i++) {
		out[i] = SD_ID_ALPHABET[h & 31];
		h = (h >> 5 | h << 59) * 1099511628211ULL;
	}
	out[len] = '\0';
}

static int is_id_char(char c)
{
	return c && strchr(SD_ID_ALPHABET, c) != NULL;
}

int sd_id_valid(const char *s)
{
	size_t i;
	for (i = 0; s[i]; i++)
		if (!is_id_char(s[i]))
			return 0;
	return i == SD_ID_LEN;
}

sd_error *sd_id_normalize_prefix(char out[SD_ID_LEN + 1], const char *s)
{
	size_t n = strlen(s);
	if (n == 0)
		return sd_error_invalid("empty ticket id; give an id or a unique prefix of one");
	if (n > SD_ID_LEN || strchr(s, '/') || strchr(s, '\\') || strstr(s, ".."))
		goto bad;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (sd_ascii_isupper((unsigned char)c))
			c = (char)sd_ascii_tolower((unsigned char)c);
		if (!is_id_char(c))
			goto bad;
		out[i] = c;
	}
	out[n] = '\0';
	/* A shorter prefix would pick whichever ticket it happens to match
	 * today, and another one tomorrow. */
	if (n < SD_SHORT_ID_MIN)
		return sd_error_invalid("ticket id '%s' is too short: give at least %d characters "
					"of the id (see 'sd list')",
					out, SD_SHORT_ID_MIN);
	return NULL;
bad:
	return sd_error_invalid("'%.40s' is not a ticket id: ids are up to %d characters of "
				"0-9 and a-z (without i, l, o, u); see 'sd list'",
				s, SD_ID_LEN);
}

size_t sd_id_unique_len(const char *id, char *const *others, size_t n)
{
	size_t best = SD_SHORT_ID_MIN;
	for (size_t i = 0; i < n; i++) {
		const char *o = others[i];
		if (!strcmp(o, id))
			continue;
		size_t common = 0;
		while (id[common] && id[common] == o[common])
			common++;
		if (common + 1 > best)
			best = common + 1;
	}
	size_t len = strlen(id);
	return best > len ? len : best;
}
