/* SPDX-License-Identifier: MIT */
/* SLA clocks from a ticket's timeline: first response, next response,
 * resolution. */

#include <string.h>

#include "sd/sla.h"
#include "sd/util.h"

const char *const sd_clock_states[] = { "running", "at-risk", "paused", "met", "breached", NULL };

static int policy_matches(const struct sd_sla_policy *p, const struct sd_ticket *t)
{
	static const enum sd_field fields[] = { SD_F_PRIORITY, SD_F_TYPE, SD_F_QUEUE,
						SD_F_CATEGORY };
	for (int k = 0; k < SD_MATCH_COUNT; k++) {
		const struct sd_strvec *want = &p->match[k];
		if (!want->n)
			continue;
		int ok = 0;
		for (size_t i = 0; i < want->n && !ok; i++)
			ok = k == SD_MATCH_TAG
				? sd_ticket_has_tag(t, want->v[i])
				: sd_strcaseeq(sd_ticket_get(t, fields[k]), want->v[i]);
		if (!ok)
			return 0;
	}
	return 1;
}

const struct sd_sla_policy *sd_sla_policy_for(const struct sd_config *cfg,
					      const struct sd_ticket *t)
{
	for (size_t i = 0; i < cfg->npolicies; i++)
		if (policy_matches(&cfg->policies[i], t))
			return &cfg->policies[i];
	return NULL;
}

/* The address in "Name <addr>", or the whole text. */
static void email_of(const char *who, char *out, size_t size)
{
	const char *lt = strrchr(who, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	size_t n;
	if (lt && gt) {
		who = lt + 1;
		n = (size_t)(gt - who);
	} else {
		n = strlen(who);
	}
	if (n >= size)
		n = size - 1;
	memcpy(out, who, n);
	out[n] = '\0';
}

static int is_requester(const struct sd_ticket *t, const char *author)
{
	char a[256], r[256];
	const char *requester = sd_ticket_get(t, SD_F_REQUESTER);
	if (!*requester)
		return 0;
	email_of(author, a, sizeof(a));
	email_of(requester, r, sizeof(r));
	return sd_strcaseeq(a, r);
}

/* The second of an entry: clocks count whole seconds, and the timeline's
 * order (to the millisecond) says what came first within one. */
static sd_time when(const struct sd_entry *e)
{
	return sd_stamp_seconds(e->at);
}

/* Running / at-risk / breached for a clock that is still counting. */
static void running_state(struct sd_clock *c, int at_risk_percent)
{
	if (c->elapsed > c->target)
		c->state = SD_CLOCK_BREACHED;
	else if (c->elapsed * 100 >= c->target * at_risk_percent)
		c->state = SD_CLOCK_AT_RISK;
	else
		c->state = SD_CLOCK_RUNNING;
}

/* A clock that runs without pauses from start until stop (or `at`). */
static void simple_clock(struct sd_clock *c, struct sd_calendar *cal, int64_t target, sd_time start,
			 sd_time stop, int stopped, int at_risk_percent)
{
	c->present = c->active = 1;
	c->target = target;
	c->started = start;
	c->elapsed = sd_calendar_seconds(cal, start, stop);
	c->has_due = sd_calendar_add(cal, start, target, &c->due) == 0;
	if (stopped)
		c->state = c->elapsed > target ? SD_CLOCK_BREACHED : SD_CLOCK_MET;
	else
		running_state(c, at_risk_percent);
}

/* Whether every entry is at or before `at`: the clocks are read now, not
 * at some past moment, so the front matter's status is the current one. */
static int sees_all(const struct sd_ticket *t, sd_time at)
{
	for (size_t i = 0; i < t->nentries; i++)
		if (when(&t->entries[i]) > at)
			return 0;
	return 1;
}

/* The time of the newest entry at or before `at`, or `since`. */
static sd_time last_entry(const struct sd_ticket *t, sd_time since, sd_time at)
{
	for (size_t i = 0; i < t->nentries; i++)
		if (when(&t->entries[i]) <= at && when(&t->entries[i]) > since)
			since = when(&t->entries[i]);
	return since;
}

static void first_response(struct sd_clock *c, struct sd_calendar *cal,
			   const struct sd_sla_policy *p, const struct sd_ticket *t,
			   sd_time created, sd_time at, int risk)
{
	sd_time stop = at;
	int stopped = 0;
	for (size_t i = 0; i < t->nentries && !stopped; i++) {
		const struct sd_entry *e = &t->entries[i];
		if (when(e) > at || when(e) < created)
			continue;
		if (e->kind == SD_ENTRY_COMMENT && !e->internal && !is_requester(t, e->author))
			stopped = 1;
		else if (e->kind == SD_ENTRY_EVENT && !strcmp(e->field, "status") &&
			 sd_status_is_done(e->to))
			stopped = 1;
		if (stopped)
			stop = when(e);
	}
	/* A ticket that is done (by a hand edit, say, with no status event)
	 * waits for no answer: the clock stopped with its last entry. */
	if (!stopped && sd_status_is_done(sd_ticket_get(t, SD_F_STATUS)) && sees_all(t, at)) {
		stopped = 1;
		stop = last_entry(t, created, at);
	}
	simple_clock(c, cal, p->first_response, created, stop, stopped, risk);
}

static void next_response(struct sd_clock *c, struct sd_calendar *cal,
			  const struct sd_sla_policy *p, const struct sd_ticket *t, sd_time at,
			  int risk)
{
	sd_time waiting_since = 0;
	int waiting = 0, cycles = 0;
	memset(c, 0, sizeof(*c));
	c->present = 1;
	c->target = p->next_response;
	c->state = SD_CLOCK_MET;
	for (size_t i = 0; i < t->nentries; i++) {
		const struct sd_entry *e = &t->entries[i];
		if (when(e) > at || e->kind != SD_ENTRY_COMMENT || e->internal)
			continue;
		if (is_requester(t, e->author)) {
			if (!waiting)
				waiting = 1, waiting_since = when(e);
		} else if (waiting) {
			simple_clock(c, cal, p->next_response, waiting_since, when(e), 1, risk);
			waiting = 0;
			cycles++;
		}
	}
	/* The current question, or else the last answered one. */
	if (waiting && !sd_status_is_done(sd_ticket_get(t, SD_F_STATUS)))
		simple_clock(c, cal, p->next_response, waiting_since, at, 0, risk);
	else if (!cycles)
		c->active = 0; /* nothing has waited for an answer yet */
}

/* The status a ticket had before its first status event. */
static const char *initial_status(const struct sd_ticket *t)
{
	for (size_t i = 0; i < t->nentries; i++)
		if (t->entries[i].kind == SD_ENTRY_EVENT && !strcmp(t->entries[i].field, "status"))
			return t->entries[i].from;
	return sd_ticket_get(t, SD_F_STATUS);
}

static void resolution(struct sd_clock *c, struct sd_calendar *cal, const struct sd_config *cfg,
		       const struct sd_sla_policy *p, const struct sd_ticket *t, sd_time created,
		       sd_time at)
{
	const char *status = initial_status(t);
	sd_time since = created;
	int64_t elapsed = 0;
	int now = sees_all(t, at);
	int reached = 0; /* the target was used up: due is when that happened */
	memset(c, 0, sizeof(*c));
	c->present = c->active = 1;
	c->target = p->resolution;
	c->started = created;

	/* Walk the status history as intervals [since, next change). */
	for (size_t i = 0; i <= t->nentries; i++) {
		const struct sd_entry *e = i < t->nentries ? &t->entries[i] : NULL;
		if (e &&
		    (e->kind != SD_ENTRY_EVENT || strcmp(e->field, "status") || when(e) < created))
			continue;
		sd_time until = e && when(e) < at ? when(e) : at;
		/* Read now, the last interval is in the ticket's status, which
		 * a hand edit may have set without an event: a done ticket has
		 * no running clock. */
		if (!e && now)
			status = sd_ticket_get(t, SD_F_STATUS);
		int counting = !sd_status_is_done(status) && !sd_strvec_has(&cfg->pause, status);
		if (counting && until > since) {
			int64_t part = sd_calendar_seconds(cal, since, until);
			if (!reached && elapsed + part >= c->target) {
				reached = 1;
				c->has_due = sd_calendar_add(cal, since, c->target - elapsed,
							     &c->due) == 0;
			}
			elapsed += part;
		}
		/* An entry at `at` itself has happened: it counts. */
		if (!e || when(e) > at)
			break;
		status = e->to;
		since = when(e);
	}
	c->elapsed = elapsed;
	if (elapsed > c->target) {
		c->state = SD_CLOCK_BREACHED; /* stays so, whatever happens next */
		return;
	}
	int done = sd_status_is_done(status), paused = sd_strvec_has(&cfg->pause, status);
	if (done) {
		c->state = SD_CLOCK_MET;
		/* The deadline as it stood when the clock stopped. */
		if (!reached)
			c->has_due = sd_calendar_add(cal, since, c->target - elapsed, &c->due) == 0;
	} else if (paused) {
		c->state = SD_CLOCK_PAUSED;
		c->has_due = 0;
	} else {
		running_state(c, cfg->at_risk_percent);
		if (!reached)
			c->has_due = sd_calendar_add(cal, at, c->target - elapsed, &c->due) == 0;
	}
}

sd_error *sd_sla_evaluate(struct sd_sla *out, struct sd_config *cfg, const struct sd_ticket *t,
			  sd_time at)
{
	sd_time created;
	memset(out, 0, sizeof(*out));
	out->policy = sd_sla_policy_for(cfg, t);
	if (!out->policy)
		return NULL;
	sd_error *err = sd_time_parse(&created, sd_ticket_get(t, SD_F_CREATED));
	if (err)
		return err;
	struct sd_calendar *cal = sd_config_calendar(cfg, out->policy->calendar);
	if (!cal)
		return sd_error_invalid("policy '%s' names unknown calendar '%s'",
					out->policy->name, out->policy->calendar);
	if (at < created)
		at = created;
	first_response(&out->first_response, cal, out->policy, t, created, at,
		       cfg->at_risk_percent);
	if (out->policy->next_response >= 0)
		next_response(&out->next_response, cal, out->policy, t, at, cfg->at_risk_percent);
	resolution(&out->resolution, cal, cfg, out->policy, t, created, at);
	return NULL;
}

static int state_rank(const struct sd_clock *c)
{
	static const int rank[] = { [SD_CLOCK_BREACHED] = 4,
				    [SD_CLOCK_AT_RISK] = 3,
				    [SD_CLOCK_RUNNING] = 2,
				    [SD_CLOCK_PAUSED] = 1,
				    [SD_CLOCK_MET] = 0 };
	return c->present && c->active ? rank[c->state] : 0;
}

int sd_sla_urgency(const struct sd_sla *sla)
{
	int a = state_rank(&sla->first_response), b = state_rank(&sla->next_response),
	    c = state_rank(&sla->resolution);
	int m = a > b ? a : b;
	return m > c ? m : c;
}
