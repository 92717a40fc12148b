/* SPDX-License-Identifier: MIT */
/* Routing rules and the choosers of an agent. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sd/fold.h"
#include "sd/route.h"

/* ---- load, from the timelines ---- */

void sd_team_load_release(struct sd_team_load *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].email);
		free(l->v[i].queue);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static struct sd_load_item *item(struct sd_team_load *l, const struct sd_agent *a,
				 const char *queue)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].email, a->email) && sd_strcaseeq(l->v[i].queue, queue))
			return &l->v[i];
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? 2 * l->alloc : 16;
		l->v = sd_xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	struct sd_load_item *it = &l->v[l->n++];
	memset(it, 0, sizeof(*it));
	it->email = sd_xstrdup(a->email);
	it->queue = sd_xstrdup(queue);
	return it;
}

void sd_team_load_add(struct sd_team_load *l, const struct sd_team *team, const struct sd_ticket *t)
{
	const char *queue = sd_ticket_get(t, SD_F_QUEUE);
	const struct sd_agent *now = sd_team_agent(team, sd_ticket_get(t, SD_F_ASSIGNEE));
	int seen_now = 0;
	if (!team->nagents)
		return;
	for (size_t i = 0; i < t->nentries; i++) {
		const struct sd_entry *e = &t->entries[i];
		if (e->kind != SD_ENTRY_EVENT || strcmp(e->field, "assignee") || !*e->to)
			continue;
		const struct sd_agent *a = sd_team_agent(team, e->to);
		if (!a)
			continue;
		struct sd_load_item *it = item(l, a, queue);
		it->assigned++;
		if (e->at > it->last_at)
			it->last_at = e->at;
		seen_now |= a == now;
	}
	if (now) {
		struct sd_load_item *it = item(l, now, queue);
		if (!sd_status_is_done(sd_ticket_get(t, SD_F_STATUS)))
			it->open++;
		/* Assigned when it was opened: no event says so. */
		sd_stamp created = 0;
		sd_error *bad =
			seen_now ? NULL : sd_stamp_parse(&created, sd_ticket_get(t, SD_F_CREATED));
		sd_error_free(bad);
		if (!seen_now && !bad) {
			it->assigned++;
			if (created > it->last_at)
				it->last_at = created;
		}
	}
}

void sd_team_load_note(struct sd_team_load *l, const struct sd_agent *a, const char *queue,
		       int64_t at)
{
	struct sd_load_item *it = item(l, a, queue);
	it->open++;
	it->assigned++;
	if (at > it->last_at)
		it->last_at = at;
	it->seq = ++l->seq;
}

static const struct sd_load_item *find(const struct sd_team_load *l, const struct sd_agent *a,
				       const char *queue)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].email, a->email) && sd_strcaseeq(l->v[i].queue, queue))
			return &l->v[i];
	return NULL;
}

size_t sd_team_load_open(const struct sd_team_load *l, const struct sd_agent *a, const char *queue)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].email, a->email) &&
		    (!queue || sd_strcaseeq(l->v[i].queue, queue)))
			n += l->v[i].open;
	return n;
}

void sd_agent_state(struct sd_agent_state *out, struct sd_config *cfg, const struct sd_agent *a,
		    const struct sd_team_load *l, sd_time now)
{
	/* An unknown calendar (sd check warns) counts as none: a typo must
	 * not take an agent off every shift. */
	struct sd_calendar *cal = *a->calendar ? sd_config_calendar(cfg, a->calendar) : NULL;
	char today[11];
	out->on_shift = !cal || sd_calendar_seconds(cal, now, now + 1) > 0;
	sd_calendar_local_date(cal, now, today);
	out->away = sd_agent_away_on(a, today);
	out->open = sd_team_load_open(l, a, NULL);
	out->full = a->capacity > 0 && out->open >= (size_t)a->capacity;
}

/* ---- choosers ---- */

static int serves_tier(const struct sd_agent *a, const char *tier)
{
	return !a->tiers.n || !*tier || sd_strvec_has(&a->tiers, tier);
}

/* <0 when a should be picked before b by round-robin: assigned longer
 * ago in the queue, then fewer times (times tie when clones ran with the
 * same clock), then by e-mail, so every clone picks the same. */
static int rr_cmp(const struct sd_load_item *a, const struct sd_load_item *b, const char *ea,
		  const char *eb)
{
	static const struct sd_load_item none = { 0 };
	if (!a)
		a = &none;
	if (!b)
		b = &none;
	if (a->last_at != b->last_at)
		return a->last_at < b->last_at ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	if (a->assigned != b->assigned)
		return a->assigned < b->assigned ? -1 : 1;
	return strcmp(ea, eb);
}

const struct sd_agent *sd_route_choose(struct sd_config *cfg, const struct sd_team_load *l,
				       const char *queue, const char *tier, enum sd_assign_kind how,
				       sd_time now, struct sd_buf *why)
{
	const struct sd_team *team = &cfg->team;
	const struct sd_agent *best = NULL;
	size_t best_open = 0, members = 0;
	for (size_t i = 0; i < team->nagents; i++) {
		const struct sd_agent *a = &team->agents[i];
		struct sd_agent_state st;
		if (!sd_agent_in_queue(a, queue) || !serves_tier(a, tier))
			continue;
		members++;
		sd_agent_state(&st, cfg, a, l, now);
		const char *skip = NULL;
		char buf[64];
		if (st.away) {
			snprintf(buf, sizeof(buf), "away until %s", st.away->to);
			skip = buf;
		} else if (!st.on_shift) {
			skip = "off shift";
		} else if (st.full) {
			snprintf(buf, sizeof(buf), "at capacity (%ld open)", a->capacity);
			skip = buf;
		}
		if (skip) {
			sd_buf_printf(why, "%s%s %s", why->len ? ", " : "", a->email, skip);
			continue;
		}
		size_t open = sd_team_load_open(l, a, NULL);
		int better;
		if (!best)
			better = 1;
		else if (how == SD_ASSIGN_LEAST_LOADED && open != best_open)
			better = open < best_open;
		else
			better = rr_cmp(find(l, a, queue), find(l, best, queue), a->email,
					best->email) < 0;
		if (better) {
			best = a;
			best_open = open;
		}
	}
	if (!best && !members)
		sd_buf_printf(why, "no agent serves queue %s%s%s", queue, *tier ? " at " : "",
			      tier);
	return best;
}

/* ---- rules ---- */

static int any_eq(const struct sd_strvec *want, const char *value)
{
	for (size_t i = 0; i < want->n; i++)
		if (sd_strcaseeq(want->v[i], value))
			return 1;
	return 0;
}

static int rule_matches(const struct sd_rule *r, const struct sd_ticket *t, const char *folded)
{
	const struct sd_strvec *m = r->match;
	if (m[SD_RULE_TYPE].n && !any_eq(&m[SD_RULE_TYPE], sd_ticket_get(t, SD_F_TYPE)))
		return 0;
	if (m[SD_RULE_CATEGORY].n && !any_eq(&m[SD_RULE_CATEGORY], sd_ticket_get(t, SD_F_CATEGORY)))
		return 0;
	if (m[SD_RULE_CHANNEL].n && !any_eq(&m[SD_RULE_CHANNEL], sd_ticket_get(t, SD_F_CHANNEL)))
		return 0;
	if (m[SD_RULE_TAGS].n) {
		int ok = 0;
		for (size_t i = 0; i < m[SD_RULE_TAGS].n && !ok; i++)
			ok = sd_ticket_has_tag(t, m[SD_RULE_TAGS].v[i]);
		if (!ok)
			return 0;
	}
	if (m[SD_RULE_REQUESTER].n) {
		struct sd_buf addr = SD_BUF_INIT;
		int ok = 0;
		sd_email_of(&addr, sd_ticket_get(t, SD_F_REQUESTER));
		for (size_t i = 0; i < m[SD_RULE_REQUESTER].n && !ok; i++)
			ok = sd_glob_match(m[SD_RULE_REQUESTER].v[i], addr.data);
		sd_buf_release(&addr);
		if (!ok)
			return 0;
	}
	if (m[SD_RULE_WORDS].n) {
		int ok = 0;
		for (size_t i = 0; i < m[SD_RULE_WORDS].n && !ok; i++)
			ok = sd_fold_has_words(folded, m[SD_RULE_WORDS].v[i]);
		if (!ok)
			return 0;
	}
	return 1;
}

const struct sd_rule *sd_route_match(const struct sd_team *team, const struct sd_ticket *t)
{
	struct sd_buf folded = SD_BUF_INIT;
	const struct sd_rule *found = NULL;
	/* A newline between them, so that no phrase spans title and text. */
	sd_fold(&folded, sd_ticket_get(t, SD_F_TITLE));
	sd_buf_adds(&folded, "\n");
	sd_fold(&folded, t->description ? t->description : "");
	for (size_t i = 0; i < team->nrules && !found; i++)
		if (rule_matches(&team->rules[i], t, folded.data))
			found = &team->rules[i];
	sd_buf_release(&folded);
	return found;
}

/* ---- applying ---- */

struct apply {
	struct sd_route_outcome *out;
	struct sd_ticket *t;
	const char *author;
	sd_stamp at; /* of the events */
	sd_time now; /* for shifts and away days */
};

static sd_error *change(struct apply *a, enum sd_field f, const char *value, const char *reason)
{
	struct sd_buf before = SD_BUF_INIT;
	int changed = 0;
	if (f == SD_F_TAGS)
		sd_ticket_tags_join(a->t, &before);
	else
		sd_buf_adds(&before, sd_ticket_get(a->t, f));
	sd_error *err = sd_ticket_change(a->t, f, value, a->author, a->at, reason, &changed);
	if (!err && changed) {
		struct sd_buf line = SD_BUF_INIT, after = SD_BUF_INIT;
		if (f == SD_F_TAGS)
			sd_ticket_tags_join(a->t, &after);
		else
			sd_buf_adds(&after, sd_ticket_get(a->t, f));
		sd_buf_printf(&line, "%s: %s -> %s", sd_fields[f].name,
			      *before.data ? before.data : "(none)",
			      *after.data ? after.data : "(none)");
		sd_strvec_push_owned(&a->out->changes, sd_buf_detach(&line));
		sd_buf_release(&after);
	}
	sd_buf_release(&before);
	return err;
}

/* Gives t an assignee as how says, with reason (to which the chooser's
 * name is added); an existing assignee is cleared when nobody can be
 * found and clear is set (the ticket moved to another queue). */
static sd_error *assign_with(struct apply *a, struct sd_config *cfg, const struct sd_assign *how,
			     struct sd_team_load *load, const char *queue, int clear,
			     struct sd_buf *reason)
{
	struct sd_ticket *t = a->t;
	struct sd_buf why = SD_BUF_INIT, note = SD_BUF_INIT;
	const char *current = sd_ticket_get(t, SD_F_ASSIGNEE);
	sd_error *err = NULL;
	if (how->kind == SD_ASSIGN_NONE) {
		if (*current)
			err = change(a, SD_F_ASSIGNEE, "", reason->data);
	} else if (how->kind == SD_ASSIGN_AGENT) {
		err = change(a, SD_F_ASSIGNEE, how->agent, reason->data);
		const struct sd_agent *ag = sd_team_agent(&cfg->team, how->agent);
		if (!err && ag)
			sd_team_load_note(load, ag, queue, a->at);
	} else if (how->kind != SD_ASSIGN_UNSET) {
		const char *kind = sd_assign_names[how->kind];
		const struct sd_agent *ag =
			sd_route_choose(cfg, load, queue, sd_ticket_get(t, SD_F_TIER), how->kind,
					a->now, &why);
		if (ag) {
			sd_buf_printf(&note, "%s in queue %s", kind, queue);
			sd_buf_printf(reason, ", %s", kind);
			err = change(a, SD_F_ASSIGNEE, ag->email, reason->data);
			if (!err)
				sd_team_load_note(load, ag, queue, a->at);
		} else {
			sd_buf_printf(&note, "nobody available in queue %s (%s)", queue, why.data);
			sd_buf_printf(reason, ", %s: %s", kind, note.data);
			if (*current && clear)
				err = change(a, SD_F_ASSIGNEE, "", reason->data);
			if (!err)
				err = sd_ticket_add_event(t, a->author, a->at, "routing", "",
							  "unassigned", reason->data);
		}
		free(a->out->assign_note);
		a->out->assign_note = sd_buf_detach(&note);
	}
	sd_buf_release(&why);
	sd_buf_release(&note);
	return err;
}

sd_error *sd_route_queue_assign(struct sd_route_outcome *out, struct sd_config *cfg,
				struct sd_ticket *t, struct sd_team_load *load, const char *author,
				sd_stamp at, const char *reason)
{
	struct apply a = { out, t, author, at, sd_stamp_seconds(at) };
	const char *queue = sd_ticket_get(t, SD_F_QUEUE);
	const struct sd_queue *q = sd_team_queue(&cfg->team, queue);
	struct sd_buf why = SD_BUF_INIT;
	if (!q)
		return NULL;
	sd_buf_printf(&why, "%s; routing: queue \"%s\"", reason, queue);
	sd_error *err = assign_with(&a, cfg, &q->assign, load, queue, 1, &why);
	sd_buf_release(&why);
	return err;
}

sd_error *sd_route_apply(struct sd_route_outcome *out, struct sd_config *cfg, struct sd_ticket *t,
			 unsigned long fixed, int rerouting, struct sd_team_load *load,
			 const char *author, sd_stamp at)
{
	struct apply a = { out, t, author, at, sd_stamp_seconds(at) };
	struct sd_buf reason = SD_BUF_INIT;
	char *queue_before = sd_xstrdup(sd_ticket_get(t, SD_F_QUEUE));
	const struct sd_rule *r = sd_route_match(&cfg->team, t);
	sd_error *err = NULL;
	out->rule = r;
	if (r) {
		sd_buf_printf(&reason, "routing: rule \"%s\"", r->name);
		for (int s = 0; s < SD_SET_COUNT && !err; s++) {
			enum sd_field f = (enum sd_field)sd_rule_set_fields[s];
			if (!r->set[s] || (fixed & SD_ROUTE_FIXED(f)))
				continue;
			err = change(&a, f, r->set[s], reason.data);
			/* A new tier brings its queue, as sd new and escalate do. */
			if (!err && s == SD_SET_TIER && !r->set[SD_SET_QUEUE] &&
			    !(fixed & SD_ROUTE_FIXED(SD_F_QUEUE))) {
				int tier = sd_value_index(sd_tiers, r->set[s]);
				if (*cfg->tiers[tier].queue)
					err = change(&a, SD_F_QUEUE, cfg->tiers[tier].queue,
						     reason.data);
			}
		}
		if (!err && r->tags.n) {
			struct sd_buf tags = SD_BUF_INIT;
			sd_ticket_tags_join(t, &tags);
			for (size_t i = 0; i < r->tags.n; i++)
				sd_buf_printf(&tags, "%s%s", tags.len ? ", " : "", r->tags.v[i]);
			err = change(&a, SD_F_TAGS, tags.data, reason.data);
			sd_buf_release(&tags);
		}
		if (!err && (r->set[SD_SET_IMPACT] || r->set[SD_SET_URGENCY]) &&
		    !(fixed & SD_ROUTE_FIXED(SD_F_PRIORITY))) {
			const char *p = sd_config_priority(cfg, sd_ticket_get(t, SD_F_IMPACT),
							   sd_ticket_get(t, SD_F_URGENCY));
			if (p)
				err = change(&a, SD_F_PRIORITY, p, reason.data);
		}
	}
	if (err || (fixed & SD_ROUTE_FIXED(SD_F_ASSIGNEE)))
		goto done;

	const char *queue = sd_ticket_get(t, SD_F_QUEUE);
	const struct sd_queue *q = sd_team_queue(&cfg->team, queue);
	const struct sd_assign *how = r && r->assign.kind != SD_ASSIGN_UNSET ? &r->assign
		: q							     ? &q->assign
									     : NULL;
	int moved = !sd_strcaseeq(queue_before, queue);
	if (!how || how->kind == SD_ASSIGN_UNSET ||
	    (rerouting && *sd_ticket_get(t, SD_F_ASSIGNEE) && !moved))
		goto done;
	if (!r || how != &r->assign) {
		sd_buf_reset(&reason);
		sd_buf_printf(&reason, "routing: queue \"%s\"", queue);
	}
	err = assign_with(&a, cfg, how, load, queue, moved, &reason);
done:
	free(queue_before);
	sd_buf_release(&reason);
	return err;
}

void sd_route_outcome_release(struct sd_route_outcome *o)
{
	sd_strvec_clear(&o->changes);
	free(o->assign_note);
	memset(o, 0, sizeof(*o));
}

/* ---- sd check ---- */

static int queue_mentioned(const struct sd_config *cfg, const char *queue)
{
	for (int i = 0; i < 5; i++)
		if (sd_strcaseeq(cfg->tiers[i].queue, queue))
			return 1;
	if (sd_team_queue(&cfg->team, queue))
		return 1;
	for (size_t i = 0; i < cfg->team.nrules; i++)
		if (cfg->team.rules[i].set[SD_SET_QUEUE] &&
		    sd_strcaseeq(cfg->team.rules[i].set[SD_SET_QUEUE], queue))
			return 1;
	return 0;
}

static void check_assign(struct sd_config *cfg, const struct sd_assign *as, const char *what,
			 struct sd_strvec *out)
{
	if (as->kind != SD_ASSIGN_AGENT || sd_team_agent(&cfg->team, as->agent))
		return;
	struct sd_buf w = SD_BUF_INIT;
	sd_buf_printf(&w, "%s:%zu: %s assigns to %s, who is not in agents", SD_CONFIG_PATH,
		      as->line, what, as->agent);
	sd_strvec_push_owned(out, sd_buf_detach(&w));
}

void sd_team_check(struct sd_config *cfg, struct sd_strvec *out)
{
	const struct sd_team *team = &cfg->team;
	struct sd_buf w = SD_BUF_INIT;
	for (size_t i = 0; i < team->nagents; i++) {
		const struct sd_agent *a = &team->agents[i];
		for (size_t q = 0; q < a->queues.n; q++)
			if (!queue_mentioned(cfg, a->queues.v[q])) {
				sd_buf_printf(&w,
					      "%s:%zu: agent %s is in queue '%s', which no tier, "
					      "queue or routing rule mentions",
					      SD_CONFIG_PATH, a->line, a->email, a->queues.v[q]);
				sd_strvec_push_owned(out, sd_buf_detach(&w));
			}
		if (*a->calendar && !sd_config_calendar(cfg, a->calendar)) {
			sd_buf_printf(&w,
				      "%s:%zu: agent %s has an unknown calendar '%s', so is taken "
				      "as always on shift; define it under calendars",
				      SD_CONFIG_PATH, a->calendar_line, a->email, a->calendar);
			sd_strvec_push_owned(out, sd_buf_detach(&w));
		}
		for (size_t k = 1; k < a->naway; k++)
			if (strcmp(a->away[k].from, a->away[k - 1].to) <= 0) {
				sd_buf_printf(
					&w,
					"%s:%zu: agent %s has overlapping away ranges (%s..%s and %s..%s)",
					SD_CONFIG_PATH, a->line, a->email, a->away[k - 1].from,
					a->away[k - 1].to, a->away[k].from, a->away[k].to);
				sd_strvec_push_owned(out, sd_buf_detach(&w));
			}
	}
	for (size_t i = 0; i < team->nrules; i++) {
		sd_buf_printf(&w, "rule \"%s\"", team->rules[i].name);
		check_assign(cfg, &team->rules[i].assign, w.data, out);
		sd_buf_reset(&w);
	}
	for (size_t i = 0; i < team->nqueues; i++) {
		const struct sd_queue *q = &team->queues[i];
		sd_buf_printf(&w, "queue %s", q->name);
		check_assign(cfg, &q->assign, w.data, out);
		sd_buf_reset(&w);
		int members = 0;
		for (size_t k = 0; k < team->nagents && !members; k++)
			members = sd_agent_in_queue(&team->agents[k], q->name);
		if (!members &&
		    (q->assign.kind == SD_ASSIGN_ROUND_ROBIN ||
		     q->assign.kind == SD_ASSIGN_LEAST_LOADED)) {
			sd_buf_printf(&w, "%s:%zu: queue %s assigns %s, but no agent is in it",
				      SD_CONFIG_PATH, q->line, q->name,
				      sd_assign_names[q->assign.kind]);
			sd_strvec_push_owned(out, sd_buf_detach(&w));
		}
	}
	sd_buf_release(&w);
}
