/* SPDX-License-Identifier: MIT */
#ifndef SD_PROBLEM_H
#define SD_PROBLEM_H

/*
 * Problem management: the links between a problem and its incidents, kept
 * on both sides (an incident's `problem:`, a problem's `incidents:`), and
 * the known-error mark. These functions change tickets in memory only,
 * each change with its timeline event; the caller commits every ticket
 * they touched together (sd_store_save_tickets), so a link is never
 * half made in history.
 *
 * The events (doc/sd-ticket.5.md), which reports count:
 *   on the incident: field "problem", from the old problem's id ("" when
 *     none) to the new one ("" when unlinked);
 *   on the problem: field "incidents", from the old list to the new, each
 *     the ids sorted and joined by ", ";
 *   on the problem: field "known_error", from "" to "true", its reason
 *     the first line of the workaround.
 * Strings are copied; nothing returned needs freeing.
 */

#include <stddef.h>

#include "sd/error.h"
#include "sd/ticket.h"
#include "sd/time.h"

/* Links the n incidents to problem: one event on the problem for them
 * all, one on each incident. Refuses (status 2, nothing changed) a
 * `problem` whose type is not problem, an incident whose type is not
 * incident, and an incident linked to another problem (the caller unlinks
 * it from that one first). *changed counts the incidents not linked to it
 * before. */
sd_error *sd_problem_link(struct sd_ticket *problem, struct sd_ticket *const *incidents, size_t n,
			  const char *author, sd_stamp at, const char *reason, size_t *changed);

/* Unlinks incident from its problem. problem is the ticket the incident
 * names, or NULL when that ticket is gone (then only the incident
 * changes). An incident linked to nothing is left alone (*changed 0). */
sd_error *sd_problem_unlink(struct sd_ticket *problem, struct sd_ticket *incident,
			    const char *author, sd_stamp at, const char *reason, int *changed);

/* Marks problem a known error whose workaround is text (recorded as a
 * public comment, as the incidents' requesters may be told it). Refuses a
 * ticket that is not a problem or an empty workaround. */
sd_error *sd_problem_known_error(struct sd_ticket *problem, const char *workaround,
				 const char *author, sd_stamp at);

/* 1 when t is marked a known error. */
int sd_problem_is_known_error(const struct sd_ticket *t);

#endif
