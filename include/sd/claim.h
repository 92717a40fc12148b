/* SPDX-License-Identifier: MIT */
#ifndef SD_CLAIM_H
#define SD_CLAIM_H

/*
 * Claims of outgoing mail (sd mail send with a remote, sd-mail(1)): the
 * clone's journal of the messages it claimed, and what the remote says of
 * a claim.
 *
 * A clone claims a message by committing its record (outbox.h) and
 * pushing that commit; the message is its to send once a push carrying
 * the claim got through while the remote held no record of it. The
 * journal keeps each claimed message, whole, under
 * .git/sd/mail/claimed/TICKET-RECORD.claim until then (the push's fate
 * unknown), .send once it is the clone's to send; the file goes when the
 * message is sent, lost to another clone or withdrawn. So a clone killed
 * anywhere between its claim and its sendmail finds the message there on
 * its next run; nothing claimed is lost.
 *
 * The claim commit carries a random "Claim:" line (mail_send.c): two
 * clones with one author and one clock must still make two commits.
 *
 * Ownership: a struct sd_claims owns its claims and their strings;
 * sd_claims_free releases them. Nothing here runs a command or commits.
 */

#include <git2.h>

#include "sd/buf.h"
#include "sd/error.h"
#include "sd/id.h"
#include "sd/store.h"
#include "sd/ticket.h"

struct sd_claim {
	char ticket_id[SD_ID_LEN + 1];
	char record_id[SD_ENTRY_ID_LEN + 1]; /* the claim: the record's id */
	char commit[GIT_OID_HEXSZ + 1];	     /* the commit that made the claim */
	char *what;			     /* as in outbox.h: reply:ENTRY, auto-reply... */
	char *recipients;		     /* "a@x, b@y" */
	int won;			     /* 1: ours to send (.send); 0: push not known */
	struct sd_buf data;		     /* the message, as sendmail gets it */
};

struct sd_claims {
	struct sd_claim *v;
	size_t n;
};

/* Writes c to the journal (.claim, or .send when c->won) durably: a
 * temporary file, fsync, rename. */
sd_error *sd_claim_write(struct sd_store *store, const struct sd_claim *c);
/* Marks c ours to send (.claim becomes .send) and sets c->won. */
sd_error *sd_claim_mark_won(struct sd_store *store, struct sd_claim *c);
/* Removes c from the journal: sent, lost to another clone, or withdrawn. */
sd_error *sd_claim_remove(struct sd_store *store, const struct sd_claim *c);

/* Appends every claim of the journal to out, oldest file first; a file
 * that cannot be read is named in a warning (in *warning, which the
 * caller frees; NULL when none) and left where it is. */
sd_error *sd_claims_load(struct sd_store *store, struct sd_claims *out, sd_error **warning);
/* Appends a copy of c (its strings and data copied). */
void sd_claims_add(struct sd_claims *cs, const struct sd_claim *c);
void sd_claims_free(struct sd_claims *cs);

/* What the remote, as its tracking ref last fetched it, says of claim c:
 * SD_CLAIM_OURS when it holds c's commit (a push carrying our claim got
 * there), SD_CLAIM_THEIRS when it holds the record but not our commit
 * (another clone claimed the message first), SD_CLAIM_OPEN when neither
 * (or the ref does not exist yet). */
enum sd_claim_state { SD_CLAIM_OPEN, SD_CLAIM_OURS, SD_CLAIM_THEIRS };
sd_error *sd_claim_remote_state(struct sd_store *store, const char *tracking,
				const struct sd_claim *c, enum sd_claim_state *out);

#endif
