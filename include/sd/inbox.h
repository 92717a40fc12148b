/* SPDX-License-Identifier: MIT */
#ifndef SD_INBOX_H
#define SD_INBOX_H

/*
 * What needs an agent now (sd inbox): which sections of the inbox a ticket
 * belongs in, and the clone's record of when the agent last looked at
 * each ticket.
 *
 * The sections, for open tickets only (resolved, closed and cancelled
 * ones need nobody):
 *   SLA      assigned to me, with a clock breached or at risk;
 *   WAITING  assigned to me, and the requester spoke last (the last public
 *            comment is the requester's): waiting for my answer;
 *   QUEUE    unassigned, in a queue I serve (the team directory);
 *   CHANGED  I am its requester, and it changed since I last looked at it
 *            (sd show), or since it was created when I never have.
 * Each is what a set of sd list filters shows: --mine --sla breached and
 * --sla at-risk; --mine --waiting; --queue Q --assignee '' for each of my
 * queues; --requester ME, less what did not change.
 *
 * The record of looks is .git/sd/seen, one "ID UPDATED" line per ticket:
 * this clone's and this person's, never committed. Ownership: an
 * sd_inbox_seen owns its lines; free it with sd_inbox_seen_free.
 */

#include "sd/config.h"
#include "sd/store.h"
#include "sd/ticket.h"
#include "sd/time.h"

enum sd_inbox_section {
	SD_INBOX_SLA,
	SD_INBOX_WAITING,
	SD_INBOX_QUEUE,
	SD_INBOX_CHANGED,
	SD_INBOX_COUNT
};

/* Names for JSON: "sla", "waiting", "queue", "changed". */
extern const char *const sd_inbox_section_names[SD_INBOX_COUNT];

struct sd_inbox_seen;

/* Who "I" am and what the sections are judged against. */
struct sd_inbox_me {
	const char *name, *email;     /* the author sd writes as */
	const struct sd_agent *agent; /* my entry in the team directory, or NULL */
	struct sd_config *cfg;	      /* for the SLA clocks */
	sd_time now;
	const struct sd_inbox_seen *seen; /* NULL: never looked at anything */
};

/* The sections t belongs in, as bits (1 << SD_INBOX_...). */
unsigned sd_inbox_sections(const struct sd_inbox_me *me, const struct sd_ticket *t);

/* 1 when who ("Name <a@b>", "a@b" or a name) is me: the address without
 * case, or the name exactly, as sd list --mine compares them. */
int sd_inbox_is_me(const struct sd_inbox_me *me, const char *who);

/* 1 when the requester spoke last: the ticket's last public comment is
 * the requester's. */
int sd_inbox_requester_spoke_last(const struct sd_ticket *t);

/* Reads .git/sd/seen (none yet is an empty record). */
sd_error *sd_inbox_seen_load(struct sd_inbox_seen **out, struct sd_store *store);
void sd_inbox_seen_free(struct sd_inbox_seen *seen);
/* The "updated" of ticket id when I last looked, or NULL. */
const char *sd_inbox_seen_get(const struct sd_inbox_seen *seen, const char *id);
/* Records that I looked at ticket id as it was at updated, rewriting the
 * file atomically; a failure is returned, the caller may just warn. */
sd_error *sd_inbox_seen_mark(struct sd_store *store, const char *id, const char *updated);

#endif
