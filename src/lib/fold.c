/* SPDX-License-Identifier: MIT */
/* Locale-free case folding and whole-word search in UTF-8 text. */

#include <string.h>

#include "sd/fold.h"
#include "sd/text.h"
#include "sd/util.h"

unsigned sd_fold_char(unsigned c)
{
	if (c < 0x80)
		return (unsigned)sd_ascii_tolower((int)c);
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		return c + 0x20; /* Latin-1 capitals */
	if (c >= 0x100 && c <= 0x17f) {
		if (c == 0x130)
			return 'i'; /* capital I with dot */
		if (c == 0x178)
			return 0xff;
		/* Latin Extended-A pairs capital and small letter, capital
		 * even except in the runs 0139-0148 and 0179-017E. */
		int odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e);
		if (c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17f)
			return c;
		if (odd_upper ? (c & 1) : !(c & 1))
			return c + 1;
		return c;
	}
	if (c >= 0x391 && c <= 0x3a9 && c != 0x3a2)
		return c + 0x20; /* Greek capitals */
	if (c == 0x386)
		return 0x3ac;
	if (c >= 0x388 && c <= 0x38a)
		return c + 0x25;
	if (c == 0x38c)
		return 0x3cc;
	if (c == 0x38e || c == 0x38f)
		return c + 0x3f;
	if (c == 0x3c2)
		return 0x3c3; /* final sigma folds to sigma */
	if (c >= 0x410 && c <= 0x42f)
		return c + 0x20; /* Cyrillic capitals А-Я */
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50; /* Ѐ-Џ */
	if (((c >= 0x460 && c <= 0x481) || (c >= 0x48a && c <= 0x4bf) ||
	     (c >= 0x4d0 && c <= 0x4ff)) &&
	    !(c & 1))
		return c + 1;
	if (c >= 0x4c1 && c <= 0x4ce && (c & 1))
		return c + 1;
	return c;
}

void sd_fold(struct sd_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int blank = 0;
	sd_buf_adds(out, "");
	while (*p) {
		if (sd_ascii_isspace(*p)) {
			blank = 1;
			p++;
			continue;
		}
		if (blank && out->len && out->data[out->len - 1] != ' ')
			sd_buf_adds(out, " ");
		blank = 0;
		size_t n;
		unsigned c = sd_utf8_next((const char *)p, &n);
		if (c == 0xfffd && n == 1 && *p >= 0x80)
			sd_buf_add(out, (const char *)p, 1);
		else
			sd_utf8_put(out, sd_fold_char(c));
		p += n;
	}
}

/* Letters and digits: ASCII ones, and every code point beyond ASCII but
 * the punctuation and symbol blocks a text is likely to hold, so that
 * "tiskalnik," and "«принтер»" end where a reader sees them end. */
static int word_char(unsigned c)
{
	if (c < 0x80)
		return sd_ascii_isalnum((int)c);
	if (c < 0xc0 || c == 0xd7 || c == 0xf7)
		return 0; /* Latin-1 punctuation, no-break space, signs */
	if (c >= 0x2000 && c <= 0x2bff)
		return 0; /* punctuation, symbols, arrows */
	if (c >= 0x3000 && c <= 0x303f)
		return 0;
	if (c == 0xfffd || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff0f))
		return 0;
	return 1;
}

/* The code point that ends just before s[at], or 0 at the start. */
static unsigned before(const char *s, size_t at)
{
	if (!at)
		return 0;
	size_t i = at - 1, n;
	while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80 && at - i < 4)
		i--;
	unsigned c = sd_utf8_next((const char *)s + i, &n);
	return i + n == at ? c : 0xfffd;
}

int sd_fold_has_words(const char *folded_text, const char *phrase)
{
	struct sd_buf want = SD_BUF_INIT;
	int found = 0;
	sd_fold(&want, phrase);
	if (want.len && want.data[want.len - 1] == ' ')
		want.data[--want.len] = '\0';
	const char *w = want.data[0] == ' ' ? want.data + 1 : want.data;
	size_t wn = strlen(w);
	for (const char *p = wn ? strstr(folded_text, w) : NULL; p && !found;
	     p = strstr(p + 1, w)) {
		size_t at = (size_t)(p - folded_text), n;
		unsigned next = p[wn] ? sd_utf8_next((const char *)p + wn, &n) : 0;
		found = !word_char(before(folded_text, at)) && !word_char(next);
	}
	sd_buf_release(&want);
	return found;
}
