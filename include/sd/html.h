/* SPDX-License-Identifier: MIT */
#ifndef SD_HTML_H
#define SD_HTML_H

/*
 * HTML to readable text, for mail that comes without a text part, and
 * text escaped for HTML.
 *
 * The module owns nothing beyond a call: it parses with libxml2's HTML
 * parser (never the network, no external entities, the document's own
 * charset declaration ignored because the caller has already converted
 * the text to UTF-8) and writes plain text: one blank line between
 * paragraphs, line breaks kept, list items as "- " (or "1. "), quotes as
 * "> ", links as "text <url>", images by their alt text, script and style
 * dropped, runs of white space collapsed. The result is valid UTF-8
 * without control characters other than newline, and ends without
 * trailing blank lines.
 */

#include <stddef.h>

#include "sd/buf.h"

/* Appends the text of html (len bytes of UTF-8; invalid bytes are
 * replaced) to out. Never fails: input libxml2 cannot parse at all gives
 * no text. */
void sd_html_to_text(struct sd_buf *out, const char *html, size_t len);

/* Maps an <img>'s src (as written, e.g. "cid:part1@example") to the
 * target of a Markdown image, such as "files/a.png", or returns NULL to
 * keep only the image's alt text. The string must live until the call
 * that asked for it returns. */
typedef const char *(*sd_html_image_fn)(void *arg, const char *src);

/* As sd_html_to_text, and an image whose src image(arg, src) maps to a
 * target becomes the Markdown image "![ALT](<TARGET>)": ALT is its alt
 * text, else the target's last component, and both have their ASCII
 * punctuation escaped, so that neither can end the image, open a link,
 * emphasis or raw HTML, whatever the message said. image NULL: as
 * sd_html_to_text. */
void sd_html_to_text_images(struct sd_buf *out, const char *html, size_t len,
			    sd_html_image_fn image, void *arg);

/* Appends the Markdown image "![ALT](<TARGET>)" as above (alt NULL or
 * "": TARGET's last component). */
void sd_html_markdown_image(struct sd_buf *out, const char *alt, const char *target);

/* Appends s as Markdown that shows s itself, as an image's alt text is
 * escaped (ASCII punctuation behind backslashes, white space as single
 * spaces). */
void sd_html_markdown_text(struct sd_buf *out, const char *s);

/* And the other way: appends s for a text node or a quoted attribute
 * value, with &, <, >, " and ' escaped and control characters other than
 * newline and tab replaced by U+FFFD. Every page sd writes or serves (the
 * site, the portal, reports) escapes through this one function. */
void sd_html_escape(struct sd_buf *out, const char *s);

#endif
