/* SPDX-License-Identifier: MIT */
#ifndef SD_RANK_H
#define SD_RANK_H

/*
 * Ranking documents against a question, as a search engine does, for the
 * knowledge base's suggestions: BM25F over a title (weighted 3), tags
 * (weighted 2) and a body.
 *
 * Words are split on anything that is not a letter or digit in UTF-8 (no
 * locale), folded with sd_fold_char (ё read as е), a few stop words of
 * English, Russian and Slovenian dropped, and lightly stemmed: common
 * inflection endings taken off (English -s, -es, -ed, -ing; Russian noun,
 * adjective and verb endings and the reflexive -ся; Slovenian case and
 * verb endings), never leaving fewer than three letters. A question word
 * also matches a document word that it begins, or that begins it, when
 * the shorter of the two has at least four letters, at a lower weight:
 * that catches the endings the stemmer leaves (подключ- / подключен-).
 *
 * The module owns nothing beyond a call; the caller frees what it gets.
 */

#include <stddef.h>

#include "sd/util.h"

struct sd_rank_doc {
	const char *title;
	const struct sd_strvec *tags;
	const char *body;
};

struct sd_rank_hit {
	size_t doc; /* index into the documents */
	double score;
};

/* Appends the words of text as the ranking sees them (folded, stemmed,
 * no stop words) to out. */
void sd_rank_words(struct sd_strvec *out, const char *text);

/* Scores every document against query; *out gets those scoring above 0,
 * best first (ties by index), and the count is returned. The caller
 * frees *out. */
size_t sd_rank(struct sd_rank_hit **out, const struct sd_rank_doc *docs, size_t n,
	       const char *query);

#endif
