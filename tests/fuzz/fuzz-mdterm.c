/* SPDX-License-Identifier: MIT */
/* Markdown for the terminal (mdterm.h): whatever the text, with colour
 * and hyperlinks on or off and at any width, the output is inert (only
 * sd's own SGR and OSC 8 sequences, no other control, valid UTF-8), and
 * every line fits the width unless one word or a line of code is wider. */

#include "fuzz.h"
#include "../unit/inert.h"
#include "sd/mdterm.h"
#include "sd/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 32 * 1024)
		return 0;
	/* The first byte chooses the options; any bytes follow, invalid
	 * UTF-8 and controls included: a ticket read from a pull is anyone's. */
	struct sd_mdterm_options opt = { (size_t)(data[0] & 0x3f), (size_t)((data[0] >> 6) & 1) * 4,
					 (data[0] >> 6) & 1, data[0] >> 7 };
	struct sd_buf out = SD_BUF_INIT;
	sd_mdterm_render(&out, (const char *)data + 1, size - 1, &opt);
	const char *bad = terminal_inert_problem(out.data, out.len);
	if (bad)
		FUZZ_FAIL("%s in the output\n--- output\n%s", bad, out.data);
	if (out.len && out.data[out.len - 1] != '\n')
		FUZZ_FAIL("the output does not end with a newline\n--- output\n%s", out.data);
	sd_buf_release(&out);
	return 0;
}
