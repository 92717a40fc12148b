/* SPDX-License-Identifier: MIT */
#ifndef SD_CACHE_H
#define SD_CACHE_H

/*
 * Ticket summaries for list, search and sla, and the cache that keeps them
 * cheap on a large store.
 *
 * The cache (<git dir>/sd/cache, never committed) maps each ticket file, as
 * lstat sees it, to its parsed front matter and timeline without the text.
 * It is never the source of truth:
 * - an entry is used only while the file's mtime, ctime, size and inode
 *   are exactly what they were when the entry was made, so a hand edit, a
 *   checkout or a git pull is seen at once;
 * - a file changed less than SD_CACHE_RACY_NS before the scan is not cached,
 *   since a second change within the file system's clock tick could keep
 *   its stat data (git's "racy clean" problem);
 * - the file is replaced by rename, so a reader sees the old or the new one
 *   whole; a damaged one fails its checksum and is rebuilt; one written by
 *   another version of sd is rebuilt.
 * Deleting it changes nothing but speed.
 */

#include <stddef.h>
#include <stdint.h>

#include "sd/error.h"
#include "sd/store.h"
#include "sd/ticket.h"
#include "sd/util.h"

#define SD_CACHE_RACY_NS (2 * (int64_t)1000000000)

/* Where a piece of searchable text lies in the ticket file. */
struct sd_text_span {
	uint32_t start, len;
};

/* What a summary knows besides the ticket. */
struct sd_summary_info {
	int slim; /* from the cache: see sd_summary */
	struct sd_ticket_file file;
	size_t file_index; /* in sd_summaries.files */
	/* For a slim summary whose text_known is set: the title, the
	 * description, every comment body and every event reason, as byte
	 * ranges of the file. */
	const struct sd_text_span *spans;
	size_t nspans;
	int text_known;
};

struct sd_summary {
	/* A summary from the cache is slim: its description, comment bodies,
	 * event reasons, entry ids and event authors are empty, and it is
	 * borrowed (see ticket.h). One read from the file because the cache
	 * could not vouch for it is the whole ticket. */
	struct sd_ticket t;
	struct sd_summary_info info;
	/* For sd_summary_keep: the record a slim summary lies in, while
	 * it is offered, and the cache that would keep it. */
	const unsigned char *rec;
	size_t rec_len;
	struct sd_cache *cache;
};

struct sd_cache;

struct sd_summaries {
	/* Files that could not be read, one message each, for the caller to
	 * report: one broken file must not hide the others. */
	struct sd_strvec problems;
	/* Every ticket file found, readable or not, sorted by id: what
	 * prefixes must tell apart. */
	struct sd_ticket_file *files;
	size_t nfiles;
	struct sd_cache *cache; /* owns the memory slim tickets borrow */
};

/* Summarises every ticket in the working tree in order of id, reading only
 * the files the cache cannot vouch for, and refreshes the cache when it
 * learned something. Failing to write the cache is not an error. Each
 * summary is offered to take, which returns 1 when it keeps it (and then
 * owns s->t) or 0 to have it freed: a filter applied before anything is
 * copied keeps a large store's memory small. Slim tickets stay valid until
 * sd_summaries_free. */
typedef int sd_summary_take_fn(struct sd_summary *s, void *arg);
/* What take must call before it keeps a summary (returns 1): while it is
 * offered, a slim summary lies in the cache's memory as read, and its
 * arrays are reused for the next one; this copies them to memory that
 * lives until sd_summaries_free. Summaries not kept cost no copy: most
 * of a list's tickets are resolved ones that the filter drops. */
void sd_summary_keep(struct sd_summary *s);
sd_error *sd_summaries_load(struct sd_store *store, struct sd_summaries *out,
			    sd_summary_take_fn *take, void *arg);
/* Frees the file list and the cache memory. */
void sd_summaries_free(struct sd_summaries *s);

/* The shortest unique prefix of the summary's id among all ticket files,
 * as sd_store_short_id gives it. */
void sd_summary_short_id(const struct sd_summaries *all, const struct sd_summary_info *s,
			 char out[SD_ID_LEN + 1]);

/* Whether every word occurs, ignoring ASCII case, in one of each ticket's
 * texts (title, description, a comment body or an event reason): results[i]
 * is 1 yes, 0 no, or -1 cannot tell (its text is not where the cache
 * says, or the file changed since the scan), for infos[i], which must
 * come from all. The texts come from a second cache, <git dir>/sd/texts,
 * kept like the summaries but apart, since only search needs them; files
 * it does not know are read on all cores, and it is refreshed. */
struct sd_texts;
void sd_summaries_text_match(struct sd_store *store, const struct sd_summaries *all,
			     struct sd_texts *texts, const struct sd_summary_info *const *infos,
			     size_t n, const struct sd_strvec *words, int *results);

/* The texts cache opened once, to test tickets as they are loaded, so a
 * search keeps rows only for tickets that can match; texts passed to
 * sd_summaries_text_match (or NULL there, to open it again) save reading
 * it twice. */
struct sd_texts *sd_texts_open(struct sd_store *store);
/* 1 or 0 when the cache holds the ticket's texts as its file has them, -1
 * when it cannot tell (then sd_summaries_text_match will). Asked in order
 * of id, as summaries are loaded, it lets the texts it has passed go from
 * memory. */
int sd_texts_match(struct sd_texts *t, const struct sd_summary_info *s,
		   const struct sd_strvec *words);
void sd_texts_close(struct sd_texts *t);

/* The same test on a whole ticket. */
int sd_ticket_text_match(const struct sd_ticket *t, const struct sd_strvec *words);

#endif
