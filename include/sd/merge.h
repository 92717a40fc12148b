/* SPDX-License-Identifier: MIT */
#ifndef SD_MERGE_H
#define SD_MERGE_H

/*
 * The semantic three-way merge of one ticket, used by git's merge driver
 * (sd merge-file) and, later, by sd sync.
 *
 * The timeline is the union of both sides' entries (by entry id, ordered
 * by time then id); each front-matter field merges three-way against the
 * base: changed on one side, that side wins; changed on both to different
 * values, the side whose latest event for the field is later wins (the
 * greater value on a tie), and the losing value is kept as a timeline
 * event with an id derived from its content, so merging the same conflict
 * in two clones records it once. Every choice depends on the values, not
 * on which side is "ours", so merge(o, a, b) and merge(o, b, a) give the
 * same ticket, and merge(x, x, x) is x.
 */

#include "sd/ticket.h"

/* Merges ours and theirs against base (NULL when both sides added the
 * ticket) into out, which the caller initialises and frees. Refuses, and
 * leaves the conflict to the user, when a side uses an entry id twice. */
sd_error *sd_ticket_merge(struct sd_ticket *out, const struct sd_ticket *base,
			  const struct sd_ticket *ours, const struct sd_ticket *theirs);

#endif
