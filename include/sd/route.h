/* SPDX-License-Identifier: MIT */
#ifndef SD_ROUTE_H
#define SD_ROUTE_H

/*
 * Routing: the first rule of the config's routing section that matches a
 * ticket sets its fields, and a chooser picks its agent among those of
 * its queue who are on shift, not away and under capacity.
 *
 * What the choosers know comes from the tickets' timelines (who was
 * assigned what, when, in which queue), never from a counter kept apart,
 * so two clones that route while offline agree after a sync and the next
 * choice evens out what they did. Every change is an ordinary timeline
 * event whose reason names the rule.
 *
 * Ownership: a load and an outcome own their strings; release them.
 */

#include <stdint.h>

#include "sd/config.h"
#include "sd/team.h"
#include "sd/ticket.h"

/* One agent's work in one queue. */
struct sd_load_item {
	char *email; /* the agent's, as the directory spells it */
	char *queue;
	size_t open;	 /* open tickets assigned now */
	size_t assigned; /* assignments ever made, by the timelines */
	int64_t last_at; /* the last one (a stamp, ms); 0: never */
	uint64_t seq;	 /* order of those made by this process, after last_at */
};

struct sd_team_load {
	struct sd_load_item *v;
	size_t n, alloc;
	uint64_t seq;
};

void sd_team_load_release(struct sd_team_load *l);
/* Counts what ticket t says about the directory's agents: its assignee's
 * open ticket, and every assignment in its timeline, in t's queue. */
void sd_team_load_add(struct sd_team_load *l, const struct sd_team *team,
		      const struct sd_ticket *t);
/* Records an assignment just made at stamp `at`, so that the next choice
 * of the same run sees it. */
void sd_team_load_note(struct sd_team_load *l, const struct sd_agent *a, const char *queue,
		       int64_t at);
/* Open tickets of the agent in queue, or in every queue when queue is NULL. */
size_t sd_team_load_open(const struct sd_team_load *l, const struct sd_agent *a, const char *queue);

struct sd_agent_state {
	int on_shift;		    /* within its calendar's hours (always without one) */
	const struct sd_away *away; /* the range it is away in today, or NULL */
	size_t open;		    /* open tickets in every queue */
	int full;		    /* open >= capacity */
};
void sd_agent_state(struct sd_agent_state *out, struct sd_config *cfg, const struct sd_agent *a,
		    const struct sd_team_load *l, sd_time now);

/* The agent `how` (round-robin or least-loaded) picks for a ticket at
 * tier in queue, or NULL; then why says who was passed over and why
 * ("ana@example.com away until 2027-01-02, ..."), for the timeline. */
const struct sd_agent *sd_route_choose(struct sd_config *cfg, const struct sd_team_load *l,
				       const char *queue, const char *tier, enum sd_assign_kind how,
				       sd_time now, struct sd_buf *why);

/* The first rule that matches t, or NULL. */
const struct sd_rule *sd_route_match(const struct sd_team *team, const struct sd_ticket *t);

/* Bits of `fixed`: the fields the creator set, which routing leaves. */
#define SD_ROUTE_FIXED(f) (1ul << (f))

struct sd_route_outcome {
	const struct sd_rule *rule; /* NULL: no rule matched */
	struct sd_strvec changes;   /* "queue: desk -> network", one per change */
	char *assign_note;	    /* how the assignee was found, or why nobody was; NULL */
};

/* Routes t: the matching rule's settings (except fixed fields), then the
 * assignee by the rule's assign or the queue's chooser. A new ticket
 * (rerouting 0) gets an assignee whenever one is due; an existing one
 * only when it has none or routing moved it to another queue. Each
 * change is an event by author at stamp `at` whose reason names the
 * rule; an assignment that finds nobody is an event "routing" with the
 * reason. The second of `at` decides shifts and away days. */
sd_error *sd_route_apply(struct sd_route_outcome *out, struct sd_config *cfg, struct sd_ticket *t,
			 unsigned long fixed, int rerouting, struct sd_team_load *load,
			 const char *author, sd_stamp at);
void sd_route_outcome_release(struct sd_route_outcome *o);

/* After t moved to another queue (an escalation, say), gives it the
 * assignee the queue's chooser picks, if the queue has one; reason is
 * the move's, which the events' reasons start with. */
sd_error *sd_route_queue_assign(struct sd_route_outcome *out, struct sd_config *cfg,
				struct sd_ticket *t, struct sd_team_load *load, const char *author,
				sd_stamp at, const char *reason);

/* The directory's and rules' doubtful spots, for sd check: an agent in a
 * queue nothing mentions, an unknown calendar, overlapping away ranges,
 * an assign to someone not in the directory. "PATH:LINE: ..." each. */
void sd_team_check(struct sd_config *cfg, struct sd_strvec *out);

#endif
