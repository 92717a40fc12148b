/* SPDX-License-Identifier: MIT */
#ifndef SD_ATTACH_H
#define SD_ATTACH_H

/*
 * Files attached to a ticket: tickets/XX/ID/files/NAME, beside the ticket
 * file, committed in the same commit as the ticket change that brings
 * them (sd attach, sd mail, the portal's uploads).
 *
 * The module owns the names and limits: a name as sent (anybody's text)
 * becomes a plain file name (no path separators, controls, leading dots,
 * nothing git or Windows would misread), unique in the ticket's files
 * without regard to ASCII case; a file over the per-file limit, or past
 * the per-batch limit or count, is dropped with the reason. It plans,
 * commits and lists; it never decides what the ticket's text says.
 *
 * Ownership: a struct sd_attach_plan owns every string and copy it holds;
 * sd_attach_plan_release() frees them. The input bytes are copied, so the
 * caller may free them once the plan is made.
 */

#include <stddef.h>
#include <stdint.h>

#include "sd/buf.h"
#include "sd/error.h"
#include "sd/store.h"
#include "sd/ticket.h"

/* A file to attach, as it came: name as sent ("" when none), bytes. */
struct sd_attach_file {
	const char *name;
	const void *data;
	size_t len;
	/* 0: the limits hold; otherwise this file's own limit, and it counts
	 * toward neither the batch's bytes nor its files (a kept original
	 * message, which holds the attachments again). */
	int64_t own_limit;
};

struct sd_attach_limits {
	int64_t max_file;  /* bytes of one file */
	int64_t max_total; /* bytes of the batch together */
	size_t max_files;  /* files in one batch */
};

/* At most this many files come with one message or command. */
#define SD_ATTACH_MAX_FILES 100

struct sd_attach_item {
	char *given;  /* the name as sent, made safe to show (one line, UTF-8) */
	char *stored; /* the name under files/, or NULL when dropped */
	char *path;   /* tickets/XX/ID/files/NAME, or NULL when dropped */
	size_t len;
	char *dropped; /* why it was dropped ("52428800 bytes, over ..."), or NULL */
	void *data;    /* a copy of the bytes, for the commit; NULL when dropped */
};

struct sd_attach_plan {
	struct sd_attach_item *items; /* in the order given */
	size_t n;
	size_t nstored, ndropped;
};

/* Appends to out a stored file name for name: its last path component,
 * control, bidirectional, invalid and Windows-reserved characters as
 * '_', no leading dots or blanks, no trailing dots or blanks, at most 120
 * bytes (the extension kept), never empty ("attachment" then) and never
 * a name git or sd refuses. */
void sd_attach_sanitize(struct sd_buf *out, const char *name);

/* Plans the files for the ticket id: names sanitised and made unique
 * against what the ticket's files/ directory holds in the work tree and
 * against each other, limits applied in order (limit names go into the
 * reasons: what_file for the per-file limit, what_total for the batch,
 * such as "mail.max_file_bytes"). Release with sd_attach_plan_release,
 * also after an error. */
sd_error *sd_attach_plan(struct sd_attach_plan *out, struct sd_store *store, const char *id,
			 const struct sd_attach_file *files, size_t n,
			 const struct sd_attach_limits *limits, const char *what_file,
			 const char *what_total);
void sd_attach_plan_release(struct sd_attach_plan *plan);

/* Serialises ticket t and commits it with the stored files of plan (NULL:
 * none) in one commit, with the message "sd: VERB SHORT "TITLE"", as
 * sd_store_save_ticket does. */
sd_error *sd_attach_commit(struct sd_store *store, const struct sd_ticket *t,
			   const struct sd_attach_plan *plan, const char *verb);

/* At most this many dropped files of one batch are recorded as events. */
#define SD_ATTACH_MAX_DROPS_RECORDED 20

/* Adds to t an event field=file from="" to=NAME for each stored file and,
 * with mail not NULL, from=NAME to="" reason=WHY for each dropped one (the
 * first SD_ATTACH_MAX_DROPS_RECORDED),
 * carrying mail's attributes (see sd-ticket(5), "Mail and file events"). */
sd_error *sd_attach_record(struct sd_ticket *t, const struct sd_attach_plan *plan,
			   const char *author, sd_stamp at, int record_stored,
			   const struct sd_entry_mail *mail);

/* A file of a ticket, as listed. */
struct sd_attach_entry {
	char *name;
	uint64_t size;
};

/* The files of ticket id in the work tree, sorted by name; *out is an
 * array of *n the caller frees with sd_attach_list_free. None: *n = 0. */
sd_error *sd_attach_list(struct sd_store *store, const char *id, struct sd_attach_entry **out,
			 size_t *n);
void sd_attach_list_free(struct sd_attach_entry *list, size_t n);

/* Appends tickets/XX/ID/files (no trailing '/') to out. */
void sd_attach_dir(struct sd_buf *out, const char *id);

#endif
