/* SPDX-License-Identifier: MIT */
#ifndef SD_OUTBOX_H
#define SD_OUTBOX_H

/*
 * The outbox: the mail a desk owes, derived from the tickets' timelines,
 * and the messages that pay it, composed with GMime.
 *
 * Nothing is queued. A message is owed when the timeline holds what calls
 * for it (a public comment by an agent, a new ticket from mail or the web,
 * an assignment, a requester's reply, an SLA event) and no `mail` event
 * records it yet. The record's id and the message's Message-ID both come
 * from what the message is (the ticket, its kind and the entry it
 * carries), so a second run, or another clone that sent it too, adds the
 * same record, and a merge keeps one.
 *
 * The record is an event (doc/sd-ticket.5.md, "Mail events"):
 *
 *   field=mail from=WHAT to="ADDR, ADDR" reason="Message-ID <ID>"
 *
 * A message whose sendmail failed after its record was pushed (the claim
 * of sd mail send, sd-mail(1)) is owed again once a withdrawal follows
 * its record (sd_outbox_withdraw); the next record of it takes the next
 * claim id, so the records of one message are claim, withdrawal, claim...
 *
 * WHAT is `reply:ENTRY` (a public comment sent to the requester and cc),
 * `auto-reply`, `notify-new`, `notify-assign:ENTRY`, `notify-reply:ENTRY`
 * or `notify-sla:ENTRY`; or `dropped:ENTRY`, the files of a later message
 * by mail that were not stored, told to its sender (ENTRY: the first of
 * their file events). A message withheld by the loop rules is recorded
 * with to="" and reason="not sent: WHY", so that no clone sends it later.
 *
 * Ownership: a struct sd_outbox owns its messages and every string in
 * them; sd_outbox_free releases all. Settings are borrowed for the
 * outbox's life. Nothing here runs a command or writes a file.
 */

#include <stddef.h>

#include "sd/buf.h"
#include "sd/config.h"
#include "sd/error.h"
#include "sd/id.h"
#include "sd/lang.h"
#include "sd/mail.h"
#include "sd/ticket.h"
#include "sd/time.h"
#include "sd/util.h"

/* The store's auto-reply template; sd init writes it (English) and its
 * translations beside it, auto-reply.ru.md and auto-reply.sl.md
 * (lang.h has the texts). */
#define SD_OUTBOX_TEMPLATE_PATH ".sd/templates/auto-reply.md"

/* Entries older than this are owed nothing: turning mail on for a store
 * with years of comments must not mail them all. */
#define SD_OUTBOX_MAX_AGE_MS (7 * 24 * 3600 * 1000LL)

/* A ticket's status link (the portal's), or NULL when there is none; the
 * caller frees it. */
typedef char *sd_outbox_link_fn(void *arg, const char *ticket_id);
/* Reads the file NAME attached to ticket_id (its files/ directory) into
 * out; an error when it cannot (the message then goes without it, and
 * says so). */
typedef sd_error *sd_outbox_file_fn(void *arg, const char *ticket_id, const char *name,
				    struct sd_buf *out);

struct sd_outbox_settings {
	const char *desk_name;		 /* the From display name; "" for none */
	const char *desk_address;	 /* From, X-Loop; local@domain */
	const struct sd_strvec *own;	 /* every address of the desk: never mailed */
	const char *tag;		 /* the subject tag: "[TAG #SHORT] title" */
	int auto_reply;			 /* send auto-replies to new tickets */
	int auto_reply_limit;		 /* at most this many per sender per 24 h */
	const char *auto_reply_template; /* Markdown; NULL: the default */
	/* The desk's text per language (auto-reply.LANG.md beside the
	 * template); NULL: auto_reply_template, else sd's own in it. */
	const char *auto_reply_templates[SD_NLANGS];
	/* Who is told of each event (config.h, SD_MAIL_EV_COUNT of them);
	 * NULL: nobody. */
	const struct sd_mail_notify *notify;
	struct sd_config *cfg;		/* the team directory, SLA policies */
	sd_outbox_link_fn *status_link; /* NULL: no status links */
	void *status_link_arg;
	sd_outbox_file_fn *read_file; /* NULL: answers go without their files */
	void *read_file_arg;
	sd_stamp now;
};

struct sd_outbox_message {
	char ticket_id[SD_ID_LEN + 1];
	char record_id[SD_ENTRY_ID_LEN + 1];
	char *what;	    /* see above */
	char *recipients;   /* "a@x, b@y": every To and Cc address */
	char *message_id;   /* without angle brackets */
	char *withheld;	    /* NULL: to send; else why not (only recorded) */
	struct sd_buf data; /* the message, RFC 5322 with LF line ends */
};

struct sd_outbox {
	struct sd_outbox_message *v;
	size_t n;
	/* private */
	const struct sd_outbox_settings *s;
	struct sd_outbox_sent *sent; /* auto-replies per sender in 24 h */
	size_t nsent, sent_alloc;
};

/* Starts an empty outbox over settings, which must outlive it. */
void sd_outbox_init(struct sd_outbox *ob, const struct sd_outbox_settings *s);
void sd_outbox_free(struct sd_outbox *ob);

/* Counts the auto-replies t's timeline records in the 24 hours before
 * settings.now, for auto_reply_limit. Call for every ticket that may hold
 * one before sd_outbox_collect, so that clones count alike. */
void sd_outbox_count(struct sd_outbox *ob, const struct sd_ticket *t);

/* Adds every message t owes (a whole ticket, not a summary), composed;
 * short_id is the ticket's short id for subjects. */
sd_error *sd_outbox_collect(struct sd_outbox *ob, const struct sd_ticket *t, const char *short_id);

/* Records message m in its ticket t as a mail event by author at `at`;
 * returns 0 when t already holds it (recorded by another clone). */
int sd_outbox_record(struct sd_ticket *t, const struct sd_outbox_message *m, const char *author,
		     sd_stamp at);

/* Takes back the claim (record) `claim` of the message WHAT of t, whose
 * sendmail failed after the claim was pushed: an event field=mail
 * from=WHAT to=withdrawn reason="not sent: WHY", its id derived from the
 * claim's. The message is then owed again, under a new claim id (every
 * clone derives the same), and its Message-ID stays the same. Returns 0
 * when t holds it already. */
int sd_outbox_withdraw(struct sd_ticket *t, const char *what, const char *claim, const char *author,
		       sd_stamp at, const char *why);

/* Whether t holds the withdrawal of claim. */
int sd_outbox_withdrawn(const struct sd_ticket *t, const char *claim);

/* Why the mail m, opening a new ticket, must get no auto-reply (RFC
 * 3834), or NULL: machine mail, list mail, a null Return-Path, a sender
 * such as MAILER-DAEMON, postmaster or noreply, or the desk's own X-Loop
 * (desk_address). A static string. */
const char *sd_outbox_no_auto_reply(const struct sd_mail *m, const char *desk_address);
/* The same test for an address alone. */
int sd_outbox_machine_address(const char *addr);
/* Records in a new ticket t that its auto-reply is withheld, and why. */
void sd_outbox_withhold_auto_reply(struct sd_ticket *t, const char *author, sd_stamp at,
				   const char *why);

/* The ticket id a Message-ID sd sent names ("sd-<ticket>-<record>@..."),
 * into id; returns 1, or 0 when it is not one of sd's. */
int sd_outbox_ticket_of_message_id(const char *message_id, char id[SD_ID_LEN + 1]);

/* ---- composing (pure, for tests) ---- */

/* A file attached to a message. */
struct sd_outbox_file {
	const char *name; /* as stored: a plain file name */
	const void *data;
	size_t len;
};

struct sd_outbox_draft {
	const char *from_name, *from_addr;
	const struct sd_strvec *to, *cc; /* "Name <addr>" or "addr" each */
	const char *subject;
	const char *message_id;		    /* without brackets */
	const struct sd_strvec *references; /* oldest first, without brackets */
	const char *markdown;		    /* the body; rendered to HTML by cmark */
	const char *plain;		    /* the text/plain part; NULL: markdown */
	const char *auto_submitted;	    /* NULL, "auto-replied", "auto-generated" */
	int bulk;			    /* Precedence: bulk */
	const char *x_loop;		    /* NULL: none */
	sd_time date;
	const struct sd_outbox_file *files; /* attachments; the message becomes multipart/mixed */
	size_t nfiles;
};

/* Writes the message to out: headers made safe (control characters
 * become spaces, non-ASCII is RFC 2047 encoded, addresses that are not
 * plain local@domain are dropped), multipart/alternative of text/plain
 * and text/html (cmark, raw HTML never passed through). An error (status
 * 2) when no recipient is left. */
sd_error *sd_outbox_compose(struct sd_buf *out, const struct sd_outbox_draft *d);

/* 1 when addr is local@domain of printable ASCII, nothing a header could
 * read as syntax. */
int sd_outbox_address_ok(const char *addr);

/* Fills the template: {{id}}, {{short_id}}, {{title}}, {{due}} (the
 * first-response due time in words), {{status_link}}. A line whose
 * placeholders all came out empty is dropped. markdown != 0 escapes the
 * values for Markdown. */
void sd_outbox_fill_template(struct sd_buf *out, const char *tmpl, const char *const values[5],
			     int markdown);

#endif
