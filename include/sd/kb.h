/* SPDX-License-Identifier: MIT */
#ifndef SD_KB_H
#define SD_KB_H

/*
 * The knowledge base: articles kept in the store as kb/SLUG.md, a YAML
 * front matter (title, slug, tags, category, audience, status, faq,
 * created, updated, tickets) and a Markdown body. The format is specified
 * in doc/sd-kb.5.md; sd_article_parse() and sd_article_write() are its only
 * reader and writer.
 *
 * Ownership: a struct sd_article owns every string it points to, and
 * sd_article_free() releases them all. Setters copy their arguments.
 * Writes go through sd_store_commit, one commit per change, under the
 * store's lock like tickets.
 */

#include <stddef.h>

#include "sd/buf.h"
#include "sd/error.h"
#include "sd/time.h"
#include "sd/util.h"

struct sd_store;
struct sd_change;

/* An article file is never written over this (hand edits may be larger,
 * up to SD_KB_READ_MAX_BYTES, and are still read). */
#define SD_KB_MAX_BYTES (1u << 20)
#define SD_KB_READ_MAX_BYTES (8u << 20)
/* A slug is 1 to 80 bytes of a-z, 0-9 and '-', not starting or ending
 * with '-' nor holding "--". */
#define SD_KB_SLUG_MAX 80

struct sd_article {
	char *title;
	char *slug;
	char *category; /* "" when none */
	char *audience; /* "public" or "internal" */
	char *status;	/* "draft" or "published" */
	int faq;
	char *created, *updated; /* RFC 3339 stamps */
	struct sd_strvec tags;
	struct sd_strvec tickets; /* full ticket ids the article answered */
	char *body;		  /* Markdown, without trailing newline; "" when none */
};

extern const char *const sd_kb_audiences[]; /* public, internal */
extern const char *const sd_kb_statuses[];  /* draft, published */

/* An empty article: every string "", audience public, status draft. */
void sd_article_init(struct sd_article *a);
void sd_article_free(struct sd_article *a);
/* Replaces a string member (such as &a->title) with a copy of value. */
void sd_article_set(char **member, const char *value);

/* Parses text (len bytes). Errors read "path:line: message", status 2. */
sd_error *sd_article_parse(struct sd_article *a, const char *text, size_t len, const char *path);
/* Checks what parse cannot see alone: required fields, valid values, the
 * slug matching the file name (when path is kb/SLUG.md), stamps. */
sd_error *sd_article_validate(const struct sd_article *a, const char *path);
/* Serialises a in canonical form, appending to out. */
void sd_article_write(const struct sd_article *a, struct sd_buf *out);

/* 1 when slug follows the rules above. */
int sd_kb_slug_valid(const char *slug);
/* Makes a slug from a title: ASCII letters lowered, Cyrillic and the
 * Latin letters with diacritics that Slovenian and its neighbours use
 * transliterated (ж -> zh, č -> c), every other run of characters one
 * '-'. An error (status 2) when nothing usable is left, asking for
 * --slug. The caller frees *out. */
sd_error *sd_kb_slug_from_title(char **out, const char *title);
/* "kb/SLUG.md" in out. */
void sd_kb_path(struct sd_buf *out, const char *slug);

/* Every article slug in the work tree (kb/ *.md), sorted. */
sd_error *sd_kb_list_slugs(struct sd_store *store, struct sd_strvec *out);
/* Reads and parses kb/SLUG.md from the work tree; an unknown slug is an
 * error (status 2) that names the closest slug when one is close. */
sd_error *sd_kb_read(struct sd_store *store, const char *slug, struct sd_article *out);
/* Reads every article; those that fail to parse are skipped, their errors
 * appended to problems (when not NULL) as messages. The caller frees
 * *out with sd_kb_articles_free. */
sd_error *sd_kb_read_all(struct sd_store *store, struct sd_article **out, size_t *n,
			 struct sd_strvec *problems);
void sd_kb_articles_free(struct sd_article *v, size_t n);
/* Serialises and commits the article with message "sd: kb VERB SLUG". The
 * caller sets updated. Extra changes (another file in the same commit,
 * such as the ticket `sd resolve --kb` changes) go with it. */
sd_error *sd_kb_save(struct sd_store *store, const struct sd_article *a, const char *verb,
		     const struct sd_change *extra, size_t nextra);

/* Adds a ticket id to the article's tickets (kept sorted, no repeats);
 * returns 1 when it was not there. */
int sd_article_add_ticket(struct sd_article *a, const char *id);

/* Three-way merge of an article (base NULL: both sides added it). Front
 * matter field by field (changed on one side, that side wins; on both,
 * the later `updated` wins, the greater value on a tie); tags and tickets
 * as sets; the body line by line, with conflict markers only where both
 * sides changed the same lines (*conflicts then counts them). The result
 * does not depend on which side is ours, except the order of the two
 * halves of a conflict. */
sd_error *sd_article_merge(struct sd_article *out, const struct sd_article *base,
			   const struct sd_article *ours, const struct sd_article *theirs,
			   int *conflicts);

#endif
