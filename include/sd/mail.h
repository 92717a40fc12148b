/* SPDX-License-Identifier: MIT */
#ifndef SD_MAIL_H
#define SD_MAIL_H

/*
 * Reading one mail message (RFC 5322, MIME) into plain C data, with GMime.
 *
 * The module owns the parse of a message's bytes: the headers sd needs
 * for threading, requesters and loop prevention, decoded to UTF-8
 * (RFC 2047 words, raw 8-bit headers, every charset iconv knows); the
 * text of the message (text/plain preferred, else its HTML read as text
 * by html.h); the attachments, decoded (RFC 2231 names, base64,
 * quoted-printable); and what kind of mail it is (a person's, an
 * auto-reply, a delivery report, list mail).
 *
 * Every string in a struct sd_mail is valid UTF-8 without control
 * characters other than newline and tab, never NULL (absent is ""), and
 * owned by the struct: sd_mail_free() releases all of it. Attachment bytes
 * are raw and may hold anything. Parsing never fails on broken input: a
 * message GMime cannot read at all gives empty fields, and the reader
 * keeps what it can.
 *
 * Nothing here touches a store, a path or the network.
 */

#include <stddef.h>
#include <stdint.h>

#include "sd/buf.h"
#include "sd/error.h"

struct sd_mail_address {
	char *name; /* display name, decoded; "" when none */
	char *addr; /* the address as written, local@domain; "" when none */
};

struct sd_mail_cid_piece; /* private to mail.c */

struct sd_mail_attachment {
	char *name;	    /* file name as sent (decoded, unsanitised); "" when none */
	char *content_type; /* "type/subtype", lower case */
	char *content_id;   /* without angle brackets; "" when none */
	int is_inline;	    /* Content-Disposition: inline (an inline image) */
	unsigned char *data;
	size_t size;
};

enum sd_mail_kind {
	SD_MAIL_PERSON = 0, /* written by someone */
	SD_MAIL_AUTO_REPLY, /* out-of-office and other automatic answers */
	SD_MAIL_BOUNCE,	    /* a delivery status report (RFC 3464) or a mailer's notice */
	SD_MAIL_LIST,	    /* mailing-list mail (List-Id) or bulk mail */
};

struct sd_mail {
	char *message_id;  /* without angle brackets; "" when none */
	char *in_reply_to; /* the first id of In-Reply-To, without brackets */
	char **references; /* References, oldest first, without brackets */
	size_t n_references;

	struct sd_mail_address from;	 /* the first mailbox of From */
	struct sd_mail_address reply_to; /* the first mailbox of Reply-To */
	struct sd_mail_address sender;	 /* Sender */
	struct sd_mail_address *to, *cc;
	size_t n_to, n_cc;
	int64_t date;  /* Date as Unix seconds; 0 when absent or unreadable */
	char *subject; /* decoded, white space collapsed to single spaces */

	/* Loop-prevention headers, as received ("" when absent). */
	char *auto_submitted, *precedence, *x_loop, *list_id, *return_path;
	int null_return_path; /* Return-Path: <> (RFC 3834: never answer) */
	enum sd_mail_kind kind;
	/* A delivery report: the failed recipient, its Action and Status,
	 * and the Message-ID of the message that bounced, when it says. */
	char *bounce_recipient, *bounce_action, *bounce_status, *bounce_message_id;

	char *body;	    /* the text, LF line ends, no trailing blank lines */
	int body_from_html; /* 1 when body was read from an HTML part */
	struct sd_mail_attachment *attachments;
	size_t n_attachments;
	/* The parts of body that refer to attachments by Content-ID, for
	 * sd_mail_body_linked; NULL when none does. */
	struct sd_mail_cid_piece *cid_pieces;
	size_t n_cid_pieces;
};

/* Parses len bytes of one message (headers, a blank line, a body; an
 * mbox "From " line first is skipped) into *out, which the caller frees
 * with sd_mail_free(). Fails only when it cannot allocate. */
sd_error *sd_mail_parse(struct sd_mail **out, const char *data, size_t len);
void sd_mail_free(struct sd_mail *mail);

/* Appends to out the body with its inline images linked to the stored
 * files: names has one entry per attachment, the name it was stored
 * under in the ticket's files/ directory, or NULL when it was not stored.
 * Where the HTML the body was read from shows an <img src="cid:ID"> and
 * the attachment with Content-ID ID was stored as NAME, the text has the
 * Markdown image "![ALT](<files/NAME>)" (ALT its alt text, else NAME)
 * instead of the alt text alone; Outlook's "[cid:ID]" in a text part
 * becomes the same with the attachment's name as ALT, or that name
 * alone in brackets when the file was dropped. A cid: that names no
 * attachment gives the alt text (HTML) or stays as written (text). ALT
 * and NAME are escaped (html.h), so nothing of the message's own can open
 * Markdown or HTML through them. names NULL: the body as it is. */
void sd_mail_body_linked(struct sd_buf *out, const struct sd_mail *m, const char *const *names);

/* The name of a kind, for messages and tests: "person", "auto-reply",
 * "bounce", "list". */
const char *sd_mail_kind_name(enum sd_mail_kind kind);

/* Appends to out the new part of a reply's text: body up to the quoted
 * message or the signature. It stops at an attribution line ("On ...
 * wrote:", "Am ... schrieb ...:", "... пишет:", "... je napisal(a):"),
 * at an Outlook header block ("-----Original Message-----", or "From:"
 * followed by "Sent:"/"Date:"/"To:"/"Subject:" and their German, Russian
 * and Slovenian forms), at the signature separator "-- ", and drops a
 * trailing block of "> " lines. A body that would become empty is kept
 * whole. Trailing blank lines are removed. */
void sd_mail_trim_reply(struct sd_buf *out, const char *body);

/* Appends subject without its chain of reply and forward prefixes, for a
 * ticket's title: "Re:", "RE[2]:", "Fwd:", "Fw:", "AW:", "WG:", "SV:",
 * "VS:", "Antw:", "Odg:", "Posl.:", "Отв:", "Ответ:", "Пересл:" and their
 * kin, in any case and any order ("Re: Fwd: AW: x" is "x"). A subject
 * that is nothing but prefixes is kept as it is. */
void sd_mail_clean_subject(struct sd_buf *out, const char *subject);

/* Finds a desk's tag in subject: "[TAG #ID]" with TAG compared without
 * regard to ASCII case and ID a run of letters, digits and dashes. Copies
 * ID (NUL-terminated, cut to size - 1) to id and returns 1, or returns 0
 * when subject has no such tag. */
int sd_mail_subject_tag(const char *subject, const char *tag, char *id, size_t size);

/* The next message of an mbox (messages each after a "From " line at the
 * start of a line), from *pos on in data[0..len): sets *start and *end to
 * the message without its "From " line and returns 1, or returns 0 at
 * the end. *pos moves past the message. Lines the mbox writer escaped as
 * ">From " are left as they are (mboxo cannot be told from mboxrd). */
int sd_mail_mbox_next(const char *data, size_t len, size_t *pos, size_t *start, size_t *end);

#endif
