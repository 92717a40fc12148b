/* SPDX-License-Identifier: MIT */
#ifndef SD_TEXT_H
#define SD_TEXT_H

/* Text validation and safe rendering of untrusted ticket text. */

#include <stddef.h>
#include <stdint.h>
#include "sd/buf.h"

/* Returns 1 when s[0..len) is valid UTF-8 (no overlongs, no surrogates);
 * otherwise 0 and, when bad is not NULL, the offset of the first bad byte. */
int sd_utf8_valid(const char *s, size_t len, size_t *bad);

/* Decodes the UTF-8 sequence at s (n > 0 bytes left): its length, with
 * the code point in *cp; 0 when the bytes are not valid UTF-8 (overlong,
 * surrogate, beyond U+10FFFF, truncated). Every module that walks text by
 * character uses this one decoder, so they agree on what is valid. */
size_t sd_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* The code point at s, a NUL-terminated string, for code that splits
 * text into words: a byte that does not start valid UTF-8 reads as
 * U+FFFD and *len is 1, so the walk always moves on. */
unsigned sd_utf8_next(const char *s, size_t *len);

/* Appends code point cp (at most U+10FFFF) as UTF-8. */
void sd_utf8_put(struct sd_buf *out, uint32_t cp);

/* Appends s to out so that it is inert on a terminal: control characters,
 * DEL, C1 controls, bidirectional overrides and invalid UTF-8 become visible
 * escapes (\x1b, \u202e). Newlines and tabs are kept when keep_newlines. */
void sd_text_inert(struct sd_buf *out, const char *s, size_t len, int keep_newlines);

/* Appends s as a JSON string literal, quotes included. Invalid UTF-8 bytes
 * become U+FFFD so the output is always valid JSON. */
void sd_json_string(struct sd_buf *out, const char *s);

/* Display width of a UTF-8 string in terminal columns, as sd_text_inert
 * shows it: two for East Asian wide characters, none for combining marks. */
size_t sd_text_width(const char *s);

/* Appends s as sd_text_inert does on one line, at most max columns wide:
 * when it is wider, cut after a whole character (or escape) and ended
 * with "…". Returns the columns written. */
size_t sd_text_inert_fit(struct sd_buf *out, const char *s, size_t max);

/* Columns that s[0..len), text already made inert and maybe coloured,
 * takes on a terminal: colour escapes take none. */
size_t sd_text_width_shown(const char *s, size_t len);

/* Cuts the terminal line in line->data[start..] to at most max columns,
 * ending it with "…" when cut: colour escapes take no column and are
 * never split, nor a UTF-8 sequence; a reset follows the ellipsis when
 * the line had colour. */
void sd_text_cut_line(struct sd_buf *line, size_t start, size_t max);

/* 1 when s contains a control character (C0 including newline, DEL, C1),
 * a bidirectional control, or invalid UTF-8. */
int sd_text_has_control(const char *s);

/* Case-insensitive (ASCII) substring search. */
const char *sd_strcasestr(const char *hay, const char *needle);

/* Appends s[0..len) to out as clean UTF-8 text, for text from outside
 * (mail, HTML): invalid bytes become U+FFFD, and control characters other
 * than newline and tab (NUL, CR, ESC, DEL, C1) are dropped, so CRLF line
 * ends become LF. */
void sd_text_clean(struct sd_buf *out, const char *s, size_t len);

#endif
