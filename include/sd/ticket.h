/* SPDX-License-Identifier: MIT */
#ifndef SD_TICKET_H
#define SD_TICKET_H

/*
 * The ticket: a Markdown file with YAML front matter and a timeline.
 * The format is specified in doc/sd-ticket.5.md; sd_ticket_parse() and
 * sd_ticket_write() are its only reader and writer, so they cannot drift.
 *
 * Ownership: a struct sd_ticket owns every string it points to, and
 * sd_ticket_free() releases them all. Setters copy their arguments.
 */

#include <stddef.h>
#include <stdint.h>
#include "sd/buf.h"
#include "sd/error.h"
#include "sd/id.h"
#include "sd/time.h"
#include "sd/util.h"

/* Front-matter fields in file order. SD_F_TAGS is a list, the rest strings.
 * SD_F_INCIDENTS is a list in the file too ("incidents: [id, id]") but is
 * held as one string, the ids sorted and joined by ", ", so that the cache,
 * the filters and the merge see one value; sd_ticket_incidents() splits it. */
enum sd_field {
	SD_F_ID,
	SD_F_TITLE,
	SD_F_TYPE,
	SD_F_STATUS,
	SD_F_PRIORITY,
	SD_F_IMPACT,
	SD_F_URGENCY,
	SD_F_TIER,
	SD_F_QUEUE,
	SD_F_ASSIGNEE,
	SD_F_REQUESTER,
	SD_F_CATEGORY,
	SD_F_TAGS,
	SD_F_ASSET,
	SD_F_KEY,
	SD_F_VENDOR,	  /* the external vendor of an L4 escalation */
	SD_F_VENDOR_REF,  /* the vendor's own ticket reference */
	SD_F_CHANNEL,	  /* how the ticket came in: cli, mail, web, import */
	SD_F_PROBLEM,	  /* on an incident: the id of the problem it is linked to */
	SD_F_INCIDENTS,	  /* on a problem: the linked incidents' ids, see below */
	SD_F_KNOWN_ERROR, /* on a problem: "true" once its cause and workaround are known */
	SD_F_CC, /* other people who get the ticket's mail: "a@x, b@y"; a list in the file */
	SD_F_CREATED,
	SD_F_UPDATED,
	SD_F_COUNT
};

struct sd_field_info {
	const char *name;
	const char *const *values; /* allowed values, NULL-terminated; NULL: free text */
	int settable;		   /* may `sd set` change it */
	int optional;		   /* written only when not empty */
};

extern const struct sd_field_info sd_fields[SD_F_COUNT];
extern const char *const sd_types[];
extern const char *const sd_statuses[];
extern const char *const sd_priorities[];
extern const char *const sd_levels[]; /* impact and urgency */
extern const char *const sd_tiers[];
extern const char *const sd_visibilities[];
extern const char *const sd_channels[]; /* cli, mail, web, import */
extern const char *const sd_booleans[]; /* true, false: known_error */

/* Returns the field called name, or -1. */
int sd_field_lookup(const char *name);
/* Index of value in a NULL-terminated list, or -1. */
int sd_value_index(const char *const *values, const char *value);
/* Checks value for field; the error names the field and lists what is
 * allowed. Free-text values must be one line without control characters. */
sd_error *sd_field_validate(enum sd_field field, const char *value);
/* The check for a value read from a file: fields sd computes with (enums,
 * id, times, tags) must be valid; free text is accepted and shown inert. */
sd_error *sd_field_check_read(enum sd_field field, const char *value);
/* Checks a cc value: mail addresses separated by commas (and spaces). */
sd_error *sd_cc_validate(const char *value);
/* Statuses in which a ticket is done: resolved, closed, cancelled. */
int sd_status_is_done(const char *status);

enum sd_entry_kind { SD_ENTRY_COMMENT, SD_ENTRY_EVENT };

struct sd_entry {
	enum sd_entry_kind kind;
	char *id;
	char *author;
	sd_stamp at;
	/* comment */
	int internal;
	char *body;
	/* event */
	char *field;
	char *from;
	char *to;
	char *reason; /* "" when none */
	/* Mail: the message an entry records (a comment that came by mail,
	 * a record of mail received or sent). Optional attributes of either
	 * kind of marker; NULL or "" when none. message_id is without angle
	 * brackets; mail_to lists addresses separated by commas. */
	char *message_id, *mail_from, *mail_to, *reply_to;
	size_t line; /* line of the marker in the file it was read from */
};

/* The mail attributes an entry may carry, for sd_ticket_add_mail_comment
 * and sd_entry_set_mail; NULL members are left unset. */
struct sd_entry_mail {
	const char *message_id, *mail_from, *mail_to, *reply_to;
};

/* A key the format does not know, kept as its exact source lines. */
struct sd_extra_key {
	char *key;
	char *raw; /* whole lines, each ending in '\n' */
};

struct sd_ticket {
	char *field[SD_F_COUNT]; /* never NULL after parse/init; "" when empty; SD_F_TAGS unused */
	struct sd_strvec tags;
	size_t field_line[SD_F_COUNT]; /* where each field was read; 0 if not */
	struct sd_extra_key *extra;
	size_t nextra;
	char *description;
	struct sd_entry *entries;
	size_t nentries;
	/* Set for a summary read from the cache: its strings live in memory
	 * the cache owns, so sd_ticket_free releases only the arrays (none
	 * when SD_BORROWED_ALL: the cache owns those too), and the setters
	 * must not be used on it. */
	int borrowed;
};

#define SD_BORROWED_ALL 2

/* Limits that keep one hostile file from exhausting memory. sd never
 * writes a ticket file over SD_TICKET_MAX_BYTES (sd_ticket_check_size,
 * called by every write path); it reads files up to the larger
 * SD_TICKET_READ_MAX_BYTES, so that one already too big (pulled, edited
 * by hand) is still listed, checked and exported, never silently lost. */
#define SD_TICKET_MAX_BYTES (8u << 20)
#define SD_TICKET_READ_MAX_BYTES (32u << 20)
#define SD_TEXT_MAX_BYTES (1u << 20)

/* NULL when a ticket file of len bytes may be written; otherwise an error
 * (status 2) naming the ticket (its path, or id), its size and the limit. */
sd_error *sd_ticket_check_size(const char *what, size_t len);
/* For a ticket file already over SD_TICKET_MAX_BYTES (read, but no longer
 * changed): a message naming it (path), its size and the limit, to warn
 * with; NULL when size is within the limit. The caller frees it. */
char *sd_ticket_size_warning(const char *path, uint64_t size);

/* Initialises an empty ticket (all fields ""). */
void sd_ticket_init(struct sd_ticket *t);
void sd_ticket_free(struct sd_ticket *t);
/* Frees the strings an entry owns (not the entry itself): for code that
 * drops entries from a timeline it built. */
void sd_entry_release(struct sd_entry *e);

/* Appends v as a YAML scalar that every loader reads back as the same
 * string: plain where that is safe, else double-quoted with escapes (in a
 * flow list when in_flow). Tickets and articles write their values so. */
void sd_yaml_write_scalar(struct sd_buf *out, const char *v, int in_flow);

/* Parses text (len bytes). Errors read "path:line: message" and have exit
 * status 2. On error *t is left initialised and empty. */
sd_error *sd_ticket_parse(struct sd_ticket *t, const char *text, size_t len, const char *path);
/* The same, with every front matter read by libyaml: sd_ticket_parse reads
 * the simple forms sd writes itself, and tests hold it to this reference. */
sd_error *sd_ticket_parse_reference(struct sd_ticket *t, const char *text, size_t len,
				    const char *path);
/* Checks the rules parse cannot see alone: required fields present, valid
 * values, times parse. Errors carry path:line where known. */
sd_error *sd_ticket_validate(const struct sd_ticket *t, const char *path);
/* The entry whose id an earlier entry already has (the first such in the
 * file), or NULL: entries are told apart by id, so a hand edit that
 * repeats one makes the ticket invalid. */
const struct sd_entry *sd_ticket_repeated_entry(const struct sd_ticket *t);
/* Serialises t in canonical form, appending to out. */
void sd_ticket_write(const struct sd_ticket *t, struct sd_buf *out);

const char *sd_ticket_get(const struct sd_ticket *t, enum sd_field f);
/* Sets a string field (not SD_F_TAGS); copies value. */
void sd_ticket_set(struct sd_ticket *t, enum sd_field f, const char *value);
/* The tags joined with ", " into out. */
void sd_ticket_tags_join(const struct sd_ticket *t, struct sd_buf *out);
/* Replaces the tags with a comma-separated list (blanks trimmed, empty
 * items and duplicates dropped). */
sd_error *sd_ticket_set_tags(struct sd_ticket *t, const char *list);
int sd_ticket_has_tag(const struct sd_ticket *t, const char *tag);

/* Appends the ids of the problem's linked incidents to out. */
void sd_ticket_incidents(const struct sd_ticket *t, struct sd_strvec *out);
/* Makes ids (valid ticket ids, in any order, repeats allowed) the
 * incidents list: sorted, each once, joined as SD_F_INCIDENTS holds it.
 * Records nothing in the timeline. */
void sd_ticket_set_incidents(struct sd_ticket *t, const struct sd_strvec *ids);

/* The time a new entry gets: the clock, but never before the ticket was
 * created nor before its newest entry plus 1 ms (a hybrid logical clock per
 * ticket), so one clone's entries always sort in the order they were made,
 * however fast they come and wherever the clock stands. The functions below
 * that add an entry at clock `at` date it so. */
sd_stamp sd_ticket_next_stamp(const struct sd_ticket *t, sd_stamp at);
/* The later of `at`, the ticket's updated time and its newest entry: what
 * `updated` becomes when a change made at `at` is saved. */
sd_stamp sd_ticket_updated_stamp(const struct sd_ticket *t, sd_stamp at);

/* Appends a comment; generates its id. */
sd_error *sd_ticket_add_comment(struct sd_ticket *t, const char *author, sd_stamp at, int internal,
				const char *body);
/* sd_ticket_add_comment, with the attributes of the mail it came in;
 * *id_out (when not NULL) gets the new entry's id. */
sd_error *sd_ticket_add_mail_comment(struct sd_ticket *t, const char *author, sd_stamp at,
				     int internal, const char *body, const struct sd_entry_mail *m,
				     char id_out[SD_ENTRY_ID_LEN + 1]);
/* Copies m's non-NULL members into e. */
void sd_entry_set_mail(struct sd_entry *e, const struct sd_entry_mail *m);
/* The entry with id, or NULL. */
struct sd_entry *sd_ticket_entry(struct sd_ticket *t, const char *id);
/* Sets field (string fields and tags, given as its joined form) to value and
 * records an event with reason, unless the value does not change. Sets
 * *changed accordingly when changed is not NULL. */
sd_error *sd_ticket_change(struct sd_ticket *t, enum sd_field f, const char *value,
			   const char *author, sd_stamp at, const char *reason, int *changed);
/* Appends an event that records something other than a field's new value
 * (an SLA breach, say). Copies every string. */
sd_error *sd_ticket_add_event(struct sd_ticket *t, const char *author, sd_stamp at,
			      const char *field, const char *from, const char *to,
			      const char *reason);
/* The same with a given id; returns 0 (and adds nothing) when an entry
 * with that id exists. For records that clones must agree on. */
int sd_ticket_add_event_with_id(struct sd_ticket *t, const char *id, const char *author,
				sd_stamp at, const char *field, const char *from, const char *to,
				const char *reason);
/* Keeps entries ordered by time then id, as the format requires. */
void sd_ticket_sort_entries(struct sd_ticket *t);

/* Validates free text given for a description or comment: UTF-8, no NUL,
 * no CR, at most SD_TEXT_MAX_BYTES. `what` names it in the error. */
sd_error *sd_text_validate(const char *text, size_t len, const char *what);
/* Trims leading and trailing blank lines and trailing blanks of the last
 * line; returns a new string the caller frees. */
char *sd_text_trim_lines(const char *text);

#endif
