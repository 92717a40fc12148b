/* SPDX-License-Identifier: MIT */
/* Markdown-inert text lines: see include/sd/mdtext.h for the rules. */

#include <stdlib.h>
#include <string.h>

#include "sd/mdtext.h"
#include "sd/util.h"

#define MARKER_PREFIX "<!-- sd:"

/* The parts of a line: sp spaces (at most 3), then k backslashes, then R
 * at line + sp + k. Returns 1 when R is dangerous (see the header). A
 * line indented by four columns or more (a tab among the first ones
 * reaches column four) is never dangerous: it is code or continues a
 * paragraph. */
static int split_line(const char *line, size_t len, size_t *sp, size_t *k)
{
	size_t s = 0, b;
	while (s < len && s < 4 && line[s] == ' ')
		s++;
	*sp = s;
	*k = 0;
	if (s == 4 || (s < len && line[s] == '\t'))
		return 0;
	for (b = s; b < len && line[b] == '\\'; b++)
		;
	*k = b - s;
	const char *r = line + b;
	size_t n = len - b;
	if (!n)
		return 0;
	if (r[0] == '<')
		return 1;
	if (r[0] == '#') {
		size_t h = 0;
		while (h < n && r[h] == '#')
			h++;
		return h <= 6 && (h == n || r[h] == ' ' || r[h] == '\t');
	}
	if (r[0] == '=' || r[0] == '-') {
		size_t i = 0;
		while (i < n && r[i] == r[0])
			i++;
		while (i < n && (r[i] == ' ' || r[i] == '\t'))
			i++;
		return i == n;
	}
	if (r[0] == '`' || r[0] == '~')
		return n >= 3 && r[1] == r[0] && r[2] == r[0];
	return 0;
}

/* The length of the fence run at the start of line when it is a fence
 * line of character c: at most three spaces, three or more c. With
 * closing, only blanks may follow (a closing fence); otherwise an info
 * string may, and for '`' it must not hold another '`'. 0 when not.
 * Only printable ASCII counts as an info string here: renderers differ
 * on other bytes (cmark takes no fence whose info string is invalid
 * UTF-8), and a fence sd takes for one when a renderer does not would
 * leave the lines after it unescaped. */
static size_t fence_run(const char *line, size_t len, char c, int closing)
{
	size_t s = 0, i;
	while (s < len && s < 3 && line[s] == ' ')
		s++;
	for (i = s; i < len && line[i] == c; i++)
		;
	size_t run = i - s;
	if (run < 3)
		return 0;
	for (; i < len; i++) {
		unsigned char b = (unsigned char)line[i];
		if (closing && b != ' ' && b != '\t')
			return 0;
		if ((c == '`' && b == '`') || ((b < 0x20 || b > 0x7e) && b != '\t'))
			return 0;
	}
	return run;
}

struct mdline {
	const char *p;
	size_t len;
	size_t close_max[2]; /* longest closing fence of '`' / '~' after this line */
};

void sd_mdtext_escape(struct sd_buf *out, const char *text)
{
	/* Lines first, so that whether a fence is closed is known in one
	 * backward pass: hostile text may hold a hundred thousand fences. */
	size_t n = 0, alloc = 0;
	struct mdline *lines = NULL;
	const char *p = text, *end = text + strlen(text);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			lines = sd_xrealloc(lines, alloc * sizeof(*lines));
		}
		lines[n++] = (struct mdline){ p, len, { 0, 0 } };
		p = nl ? nl + 1 : end;
	}
	size_t after[2] = { 0, 0 };
	for (size_t i = n; i-- > 0;) {
		memcpy(lines[i].close_max, after, sizeof(after));
		for (int c = 0; c < 2; c++) {
			size_t run = fence_run(lines[i].p, lines[i].len, "`~"[c], 1);
			if (run > after[c])
				after[c] = run;
		}
	}

	char fence = 0; /* the character of the open fence, 0 outside */
	size_t fence_len = 0;
	for (size_t i = 0; i < n; i++) {
		const char *line = lines[i].p;
		size_t len = lines[i].len, sp, k;
		int danger = split_line(line, len, &sp, &k);
		int escape = danger;
		if (fence) {
			if (k == 0 && fence_run(line, len, fence, 1) >= fence_len) {
				fence = 0;
				escape = 0;
			} else {
				/* Code: shown as it is, but a backslash sd added
				 * must stay tellable from the text's own. */
				escape = danger && (k > 0 || sd_starts_with(line, MARKER_PREFIX));
			}
		} else if (danger && sp == 0 && k == 0) {
			/* Only a fence at column 0 is surely at the top level
			 * whatever came before (a list item does not reach it),
			 * so only such a fence, once closed, is left as code. */
			for (int c = 0; c < 2; c++) {
				size_t run = fence_run(line, len, "`~"[c], 0);
				if (run && lines[i].close_max[c] >= run) {
					fence = "`~"[c];
					fence_len = run;
					escape = 0;
				}
			}
		}
		sd_buf_add(out, line, sp);
		if (escape)
			sd_buf_addch(out, '\\');
		sd_buf_add(out, line + sp, len - sp);
		sd_buf_addch(out, '\n');
	}
	free(lines);
}

void sd_mdtext_unescape_line(struct sd_buf *out, const char *line, size_t len)
{
	size_t sp, k;
	if (split_line(line, len, &sp, &k) && k > 0) {
		sd_buf_add(out, line, sp);
		sd_buf_add(out, line + sp + 1, len - sp - 1);
	} else {
		sd_buf_add(out, line, len);
	}
	sd_buf_addch(out, '\n');
}
