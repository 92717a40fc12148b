/* SPDX-License-Identifier: MIT */
/* HTML as text (html.h): any bytes give clean UTF-8 text with at most
 * one blank line at a time, no blank line or space at either end of a
 * line's run, and text without markup comes out as its words. */

#include <cmark.h>

#include "fuzz.h"
#include "sd/html.h"
#include "sd/text.h"

/* A file name with every character an image's target must not let
 * through unescaped. */
#define TARGET "files/a ]) <b> [x](y) `\\ *_&amp;.png"

static const char *every_cid(void *arg, const char *src)
{
	(void)arg;
	return !strncmp(src, "cid:", 4) ? TARGET : NULL;
}

/* Each image of the Markdown links to TARGET: an alt text cannot end
 * an image early or make one of its own. */
static void check_images(cmark_node *n, const char *md)
{
	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
		if (cmark_node_get_type(c) == CMARK_NODE_IMAGE &&
		    strcmp(cmark_node_get_url(c), TARGET))
			FUZZ_FAIL("an image of \"%s\" in\n%s", cmark_node_get_url(c), md);
		check_images(c, md);
	}
}

static int plain_words(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		uint8_t c = data[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == ' ' || c == '.' || c == ','))
			return 0;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64 * 1024)
		return 0;
	struct sd_buf out = SD_BUF_INIT;
	sd_html_to_text(&out, (const char *)data, size);
	if (!sd_utf8_valid(out.data, out.len, NULL))
		FUZZ_FAIL("invalid UTF-8 in\n%s", out.data);
	if (strlen(out.data) != out.len)
		FUZZ_FAIL("NUL in the text");
	for (size_t i = 0; i < out.len; i++) {
		unsigned char c = (unsigned char)out.data[i];
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			FUZZ_FAIL("control character 0x%02x at %zu in\n%s", c, i, out.data);
		if (c == ' ' && (i + 1 == out.len || out.data[i + 1] == '\n'))
			FUZZ_FAIL("trailing space at %zu in\n%s", i, out.data);
	}
	if (strstr(out.data, "\n\n\n"))
		FUZZ_FAIL("two blank lines in a row in\n%s", out.data);
	if (out.len && (out.data[0] == '\n' || out.data[out.len - 1] == '\n'))
		FUZZ_FAIL("blank line at an end of\n%s", out.data);

	/* Text without markup is its words, one space apart. */
	if (plain_words(data, size)) {
		struct sd_buf words = SD_BUF_INIT;
		for (size_t i = 0; i < size; i++) {
			if (data[i] == ' ')
				continue;
			if (i && data[i - 1] == ' ' && words.len)
				sd_buf_addch(&words, ' ');
			sd_buf_addch(&words, (char)data[i]);
		}
		fuzz_same("plain text", &words, &out);
		sd_buf_release(&words);
	}

	/* With images resolved: the same rules, and when the input has no
	 * '!' nor '&' of its own, every image is one of ours. */
	sd_buf_reset(&out);
	sd_html_to_text_images(&out, (const char *)data, size, every_cid, NULL);
	if (!sd_utf8_valid(out.data, out.len, NULL) || strlen(out.data) != out.len)
		FUZZ_FAIL("images: invalid UTF-8 or NUL in\n%s", out.data);
	if (!memchr(data, '!', size) && !memchr(data, '&', size)) {
		cmark_node *doc = cmark_parse_document(out.data, out.len, CMARK_OPT_DEFAULT);
		check_images(doc, out.data);
		cmark_node_free(doc);
	}
	sd_buf_release(&out);
	return 0;
}
