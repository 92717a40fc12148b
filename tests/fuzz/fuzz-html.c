/* SPDX-License-Identifier: MIT */
/* HTML as text (html.h): any bytes give clean UTF-8 text with at most
 * one blank line at a time, no blank line or space at either end of a
 * line's run, and text without markup comes out as its words. */

#include "fuzz.h"
#include "sd/html.h"
#include "sd/text.h"

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
	sd_buf_release(&out);
	return 0;
}
