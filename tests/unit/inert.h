/* SPDX-License-Identifier: MIT */
#ifndef SD_TEST_INERT_H
#define SD_TEST_INERT_H

/* Whether terminal output is inert: the only escape sequences are SGR
 * ("\033[" digits and ';' "m") and OSC 8 hyperlinks ("\033]8;;" printable
 * ASCII "\033\\"); no other C0 control than newline and tab, no DEL, no
 * C1 control, no bidirectional control, and valid UTF-8. Returns NULL, or
 * what is wrong. Shared by tests/unit/t-mdterm.c and the fuzz target. */

#include <stddef.h>
#include <string.h>

#include "sd/text.h"

static inline const char *terminal_inert_problem(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	if (!sd_utf8_valid(s, len, NULL))
		return "invalid UTF-8";
	for (size_t i = 0; i < len; i++) {
		if (p[i] == 0x1b) {
			if (i + 1 < len && p[i + 1] == '[') {
				size_t j = i + 2;
				while (j < len && ((p[j] >= '0' && p[j] <= '9') || p[j] == ';'))
					j++;
				if (j >= len || p[j] != 'm')
					return "an escape other than SGR after ESC [";
				i = j;
				continue;
			}
			if (len - i >= 5 && !memcmp(p + i, "\033]8;;", 5)) {
				size_t j = i + 5;
				while (j < len && p[j] > 0x20 && p[j] < 0x7f)
					j++;
				if (len - j < 2 || p[j] != 0x1b || p[j + 1] != '\\')
					return "an OSC 8 target with other than printable ASCII";
				i = j + 1;
				continue;
			}
			return "an ESC that starts no SGR or OSC 8";
		}
		if ((p[i] < 0x20 && p[i] != '\n' && p[i] != '\t') || p[i] == 0x7f)
			return "a C0 control or DEL";
		if (p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] < 0xa0)
			return "a C1 control";
		if (p[i] == 0xe2 && i + 2 < len && p[i + 1] == 0x80 &&
		    ((p[i + 2] >= 0xaa && p[i + 2] <= 0xae) || p[i + 2] == 0x8e ||
		     p[i + 2] == 0x8f))
			return "a bidirectional control";
		if (p[i] == 0xe2 && i + 2 < len && p[i + 1] == 0x81 && p[i + 2] >= 0xa6 &&
		    p[i + 2] <= 0xa9)
			return "a bidirectional isolate";
	}
	return NULL;
}

#endif
