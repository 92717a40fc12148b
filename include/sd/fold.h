/* SPDX-License-Identifier: MIT */
#ifndef SD_FOLD_H
#define SD_FOLD_H

/*
 * Case folding and whole-word search in UTF-8 text, the same in every
 * locale, for routing rules that name words in the languages a desk
 * serves. Folding covers ASCII, Latin-1, Latin Extended-A (Slovenian,
 * Croatian, Czech, Polish, ...), Greek and Cyrillic; other letters are
 * compared as they are. A table of our own rather than towlower(),
 * because towlower follows LC_CTYPE and two clones in different locales
 * must route a ticket the same way.
 */

#include <stddef.h>
#include "sd/buf.h"

/* The lower case of code point c (itself when it has none here). */
unsigned sd_fold_char(unsigned c);
/* Decodes the code point at s (NUL-terminated); *len gets its bytes (1
 * for a bad byte, which decodes as U+FFFD). */
unsigned sd_fold_decode(const char *s, size_t *len);
/* Appends code point c as UTF-8. */
void sd_fold_encode(struct sd_buf *out, unsigned c);
/* Appends s folded to out, every run of blanks made one space; invalid
 * UTF-8 bytes are copied as they are. */
void sd_fold(struct sd_buf *out, const char *s);
/* 1 when the folded text holds phrase (folded too) as whole words: not
 * preceded or followed by a letter or digit. */
int sd_fold_has_words(const char *folded_text, const char *phrase);

#endif
