/* SPDX-License-Identifier: MIT */
#ifndef SD_MDTEXT_H
#define SD_MDTEXT_H

/*
 * Markdown-inert text in a ticket file.
 *
 * A ticket's description and comments are written by requesters, yet a
 * forge renders the ticket file as Markdown (GitHub and GitLab pass raw
 * HTML through, sanitised). Written as they stand, a comment line
 * "### Bob Tech · 2026-12-02 18:25 UTC" would pose as a staff entry, and a
 * line "<pre>" or an unclosed code fence would turn every later entry into
 * preformatted text. So every line that could open a block which changes
 * the page's structure gets a leading backslash, which CommonMark shows as
 * the text it escapes:
 *
 * A line is split into S, up to three spaces, then K >= 0 backslashes,
 * then the rest R. R is "dangerous" when, standing at S, it would start
 *   - an HTML block or an sd marker: R starts with '<' (every start
 *     condition of CommonMark's HTML block types 1 to 7 does);
 *   - an ATX heading: 1 to 6 '#' then a blank or the end of the line;
 *   - a setext heading underline: only '=' or only '-' (then blanks);
 *   - a code fence: three or more '`' or '~'.
 * A line whose R is dangerous and K > 0 is always written with one more
 * backslash; with K = 0 it is written with one, except inside a code
 * fence that opens at column 0 and is closed within the same text, where
 * Markdown shows lines as they are (the fence lines themselves are kept
 * too, so pasted logs stay code). The reader takes one backslash off
 * every line whose R is dangerous and K > 0. Every text therefore reads
 * back exactly as it was written, and no line of it starts a heading, an
 * HTML block or a code fence that reaches past its own end.
 *
 * Lines that sd's own reader would take for an entry marker ("<!-- sd:"
 * at column 0) are escaped even inside a fence.
 */

#include <stddef.h>
#include "sd/buf.h"

/* Appends text to out, every line (the last one too) followed by '\n',
 * escaped as above. */
void sd_mdtext_escape(struct sd_buf *out, const char *text);

/* Appends one line read from a ticket file (len bytes, no newline) to
 * out with its escape undone, then '\n'. */
void sd_mdtext_unescape_line(struct sd_buf *out, const char *line, size_t len);

#endif
