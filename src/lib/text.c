/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <string.h>

#include "sd/text.h"
#include "sd/util.h"

/* Decodes one UTF-8 sequence at s (n bytes left). Returns its length and
 * the code point in *cp, or 0 when the bytes are not valid UTF-8. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* One step of every walk over text here: the character at p (n bytes
 * left, n > 0) in *cp and its length, or, for a byte that starts no valid
 * sequence, SD_BAD_BYTE in *cp and 1, so that each caller decides in one
 * place what a bad byte becomes (an escape, U+FFFD, four columns). */
#define SD_BAD_BYTE 0xffffffffu
static size_t next_char(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len = utf8_decode(p, n, cp);
	if (len)
		return len;
	*cp = SD_BAD_BYTE;
	return 1;
}

int sd_utf8_valid(const char *s, size_t len, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = utf8_decode(p + i, len - i, &cp);
		if (!n) {
			if (bad)
				*bad = i;
			return 0;
		}
		i += n;
	}
	return 1;
}

static int is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
		cp == 0x200f || cp == 0x061c;
}

void sd_text_inert(struct sd_buf *out, const char *s, size_t len, int keep_newlines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = next_char(p + i, len - i, &cp);
		if (cp == SD_BAD_BYTE) {
			sd_buf_printf(out, "\\x%02x", p[i]);
		} else if ((cp == '\n' || cp == '\t') && keep_newlines) {
			sd_buf_addch(out, (char)cp);
		} else if (cp < 0x20 || cp == 0x7f) {
			sd_buf_printf(out, "\\x%02x", (unsigned)cp);
		} else if ((cp >= 0x80 && cp < 0xa0) || is_bidi_control(cp)) {
			sd_buf_printf(out, "\\u%04x", (unsigned)cp);
		} else {
			sd_buf_add(out, p + i, n);
		}
		i += n;
	}
}

void sd_json_string(struct sd_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;
	sd_buf_addch(out, '"');
	while (i < len) {
		uint32_t cp;
		size_t n = next_char(p + i, len - i, &cp);
		switch (cp) {
		case SD_BAD_BYTE:
			sd_buf_adds(out, "\\ufffd");
			break;
		case '"':
			sd_buf_adds(out, "\\\"");
			break;
		case '\\':
			sd_buf_adds(out, "\\\\");
			break;
		case '\n':
			sd_buf_adds(out, "\\n");
			break;
		case '\t':
			sd_buf_adds(out, "\\t");
			break;
		case '\r':
			sd_buf_adds(out, "\\r");
			break;
		case '\b':
			sd_buf_adds(out, "\\b");
			break;
		case '\f':
			sd_buf_adds(out, "\\f");
			break;
		default:
			/* Escape every control and bidi character so that even
			 * JSON printed raw to a terminal stays inert. */
			if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
			    is_bidi_control(cp))
				sd_buf_printf(out, "\\u%04x", (unsigned)cp);
			else
				sd_buf_add(out, p + i, n);
		}
		i += n;
	}
	sd_buf_addch(out, '"');
}

/* Columns one code point takes on a terminal, from a small table of its
 * own and never the C library's wcwidth: that depends on the locale, and
 * the same list must line up the same in every one. Wide: East Asian
 * wide and fullwidth blocks and emoji; zero: combining marks, variation
 * selectors and zero-width characters. Escapes are counted as shown. */
static size_t cp_width(uint32_t cp)
{
	if (cp == SD_BAD_BYTE)
		return 4; /* shown as \xNN */
	if (cp < 0x20 || cp == 0x7f)
		return 4; /* shown as \xNN */
	if ((cp >= 0x80 && cp < 0xa0) || is_bidi_control(cp))
		return 6; /* shown as \uNNNN */
	if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x483 && cp <= 0x489) ||
	    (cp >= 0x591 && cp <= 0x5bd) || (cp >= 0x610 && cp <= 0x61a) ||
	    (cp >= 0x64b && cp <= 0x65f) || (cp >= 0x1ab0 && cp <= 0x1aff) ||
	    (cp >= 0x1dc0 && cp <= 0x1dff) || (cp >= 0x200b && cp <= 0x200d) ||
	    (cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0x302a && cp <= 0x302f) ||
	    (cp >= 0x3099 && cp <= 0x309a) || (cp >= 0xfe00 && cp <= 0xfe0f) ||
	    (cp >= 0xfe20 && cp <= 0xfe2f) || cp == 0xfeff || (cp >= 0xe0100 && cp <= 0xe01ef))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
	    (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

size_t sd_text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, w = 0;
	while (i < len) {
		uint32_t cp;
		i += next_char(p + i, len - i, &cp);
		w += cp_width(cp);
	}
	return w;
}

size_t sd_text_inert_fit(struct sd_buf *out, const char *s, size_t max)
{
	if (sd_text_width(s) <= max) {
		sd_text_inert(out, s, strlen(s), 0);
		return sd_text_width(s);
	}
	if (!max)
		return 0;
	/* Whole characters (and whole escapes) up to max - 1 columns, then
	 * the ellipsis, so the cut never splits a sequence or an escape. */
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, w = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = next_char(p + i, len - i, &cp), cw = cp_width(cp);
		if (w + cw > max - 1)
			break;
		sd_text_inert(out, s + i, n, 0);
		w += cw;
		i += n;
	}
	sd_buf_adds(out, "…");
	return w + 1;
}

size_t sd_text_width_shown(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, w = 0;
	while (i < len) {
		if (p[i] == 0x1b && i + 1 < len && p[i + 1] == '[') {
			i += 2;
			while (i < len && !(p[i] >= 0x40 && p[i] <= 0x7e))
				i++;
			i++;
			continue;
		}
		uint32_t cp;
		i += next_char(p + i, len - i, &cp);
		w += cp == SD_BAD_BYTE ? 1 : cp_width(cp);
	}
	return w;
}

void sd_text_cut_line(struct sd_buf *line, size_t start, size_t max)
{
	const unsigned char *p = (const unsigned char *)line->data;
	size_t i = start, w = 0, keep = start;
	int csi = 0;
	while (i < line->len) {
		if (p[i] == 0x1b && i + 1 < line->len && p[i + 1] == '[') {
			/* A colour escape takes no column and is never cut. */
			size_t j = i + 2;
			while (j < line->len && !(p[j] >= 0x40 && p[j] <= 0x7e))
				j++;
			i = j < line->len ? j + 1 : j;
			csi = 1;
			continue;
		}
		uint32_t cp;
		size_t n = next_char(p + i, line->len - i, &cp);
		size_t cw = cp == SD_BAD_BYTE ? 1 : cp_width(cp);
		if (w + cw > max) {
			line->len = keep;
			sd_buf_adds(line, "…");
			if (csi)
				sd_buf_adds(line, "\033[0m");
			return;
		}
		w += cw;
		i += n;
		/* Where to cut: after the last character that leaves a
		 * column for the ellipsis. */
		if (w <= (max ? max - 1 : 0))
			keep = i;
	}
}

int sd_text_has_control(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = next_char(p + i, len - i, &cp);
		if (cp == SD_BAD_BYTE)
			return 1;
		/* U+FFFE and U+FFFF are not characters, and YAML refuses them. */
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || is_bidi_control(cp) ||
		    cp == 0xfffe || cp == 0xffff)
			return 1;
		i += n;
	}
	return 0;
}

/* Text is UTF-8 whatever the locale, so only ASCII letters fold: a
 * Latin-1 locale must not fold the bytes of a multibyte character. */
static int ascii_lower(char c)
{
	return sd_ascii_tolower((unsigned char)c);
}

const char *sd_strcasestr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	if (!n)
		return hay;
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] && ascii_lower(hay[i]) == ascii_lower(needle[i]))
			i++;
		if (i == n)
			return hay;
	}
	return NULL;
}

void sd_text_clean(struct sd_buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = next_char(p + i, len - i, &cp);
		if (cp == SD_BAD_BYTE) {
			sd_buf_adds(out, "\xef\xbf\xbd");
			i++;
			continue;
		}
		if ((cp < 0x20 && cp != '\n' && cp != '\t') || cp == 0x7f ||
		    (cp >= 0x80 && cp < 0xa0)) {
			i += n;
			continue;
		}
		sd_buf_add(out, p + i, n);
		i += n;
	}
}

size_t sd_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	return utf8_decode((const unsigned char *)s, n, cp);
}

unsigned sd_utf8_next(const char *s, size_t *len)
{
	uint32_t cp;
	/* Four bytes at most are read, and the decoder stops at the first
	 * byte that does not continue the sequence, such as the NUL. */
	size_t n = utf8_decode((const unsigned char *)s, 4, &cp);
	*len = n ? n : 1;
	return n ? cp : 0xfffd;
}

void sd_utf8_put(struct sd_buf *out, uint32_t cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6)), b[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12)), b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		b[0] = (char)(0xf0 | (cp >> 18)), b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), b[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
	}
	sd_buf_add(out, b, n);
}
