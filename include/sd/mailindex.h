/* SPDX-License-Identifier: MIT */
#ifndef SD_MAILINDEX_H
#define SD_MAILINDEX_H

/*
 * What sd mail needs to know about the store to file a message: which
 * ticket holds a Message-ID (as a ticket's "mail:" key or an entry's
 * marker), and each ticket's requester, title, status and last update
 * for threading by sender and subject. Read once per run from every
 * ticket's summary, then kept up to date by the caller after each message
 * it files, so that a batch of ten thousand messages costs one pass over
 * the store, not one per message, and message k+1 sees what message k did.
 *
 * Ownership: the index owns copies of every string; sd_mail_index_free
 * frees them. Ids returned point into the index and live until the next
 * sd_mail_index_add or the free.
 */

#include "sd/error.h"
#include "sd/store.h"
#include "sd/ticket.h"
#include "sd/time.h"

struct sd_mail_index;

/* Reads every ticket's summary into a new index. */
sd_error *sd_mail_index_load(struct sd_mail_index **out, struct sd_store *store);
void sd_mail_index_free(struct sd_mail_index *ix);

/* Adds what ticket t says (its key, its entries' Message-IDs, its
 * requester, title, status and updated), replacing what the index knew
 * of it. */
void sd_mail_index_add(struct sd_mail_index *ix, const struct sd_ticket *t);

/* The ticket holding Message-ID mid (without angle brackets), or NULL;
 * when several do, the first by id. */
const char *sd_mail_index_message(const struct sd_mail_index *ix, const char *mid);

/* The ticket that the sender's (an address, ASCII case folded) mail of
 * this title most likely continues: not closed or cancelled, updated at
 * or after since, the latest such (the first by id on a tie); NULL if
 * none. */
const char *sd_mail_index_subject(const struct sd_mail_index *ix, const char *sender,
				  const char *title, sd_time since);

#endif
