/* SPDX-License-Identifier: MIT */
/* The figures of sd report from tickets' timelines (see report.h and
 * doc/sd-report.1.md, which defines every figure). */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sd/calendar.h"
#include "sd/report.h"
#include "sd/sla.h"
#include "sd/util.h"

const char *const sd_report_clocks[SD_RC_COUNT] = { "first_response", "next_response",
						    "resolution" };
const char *const sd_report_age_labels[SD_REPORT_AGES] = { "<1d", "1-3d", "3-7d", "7-30d",
							   ">=30d" };
const char *const sd_report_dist_labels[SD_REPORT_DIST] = { "<1h",  "1-8h",  "8h-1d", "1-3d",
							    "3-7d", "7-30d", ">=30d" };

#define DAY 86400
#define HOUR 3600

/* ---- names to positions: a small open-addressing hash ---- */

struct sd_report_index {
	size_t *slot; /* position + 1; 0: empty */
	size_t cap, n;
};

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* The position of name among names[0..*n), appending it (with a copy)
 * when it is new. names is an array of structs of `size` bytes whose
 * first member is the char *name. */
static size_t intern(struct sd_report_index **pidx, void **items, size_t *n, size_t size,
		     const char *name)
{
	struct sd_report_index *idx = *pidx;
	if (!idx) {
		idx = *pidx = sd_xcalloc(1, sizeof(*idx));
		idx->cap = 64;
		idx->slot = sd_xcalloc(idx->cap, sizeof(*idx->slot));
	}
	size_t mask = idx->cap - 1, i = (size_t)hash_name(name) & mask;
	for (; idx->slot[i]; i = (i + 1) & mask) {
		char *have = *(char **)((char *)*items + (idx->slot[i] - 1) * size);
		if (!strcmp(have, name))
			return idx->slot[i] - 1;
	}
	size_t pos = (*n)++;
	*items = sd_xrealloc(*items, *n * size);
	memset((char *)*items + pos * size, 0, size);
	*(char **)((char *)*items + pos * size) = sd_xstrdup(name);
	idx->slot[i] = pos + 1;
	if (++idx->n * 2 > idx->cap) {
		/* Grow and re-insert: positions stay, slots move. */
		size_t cap = idx->cap * 2;
		size_t *slot = sd_xcalloc(cap, sizeof(*slot));
		for (size_t k = 0; k < idx->cap; k++) {
			if (!idx->slot[k])
				continue;
			char *have = *(char **)((char *)*items + (idx->slot[k] - 1) * size);
			size_t j = (size_t)hash_name(have) & (cap - 1);
			while (slot[j])
				j = (j + 1) & (cap - 1);
			slot[j] = idx->slot[k];
		}
		free(idx->slot);
		idx->slot = slot;
		idx->cap = cap;
	}
	return pos;
}

static void index_free(struct sd_report_index *idx)
{
	if (idx)
		free(idx->slot);
	free(idx);
}

/* ---- small helpers ---- */

static void times_push(struct sd_report_times *t, int64_t v)
{
	if (t->n == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 16;
		t->v = sd_xrealloc(t->v, t->alloc * sizeof(*t->v));
	}
	t->v[t->n++] = v;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Nearest rank: the value at rank ceil(p/100 * n) of the sorted values. */
static int64_t percentile(const struct sd_report_times *t, int p)
{
	size_t rank = (t->n * (size_t)p + 99) / 100;
	return t->v[rank ? rank - 1 : 0];
}

static void times_finish(struct sd_report_times *t)
{
	if (!t->n)
		return;
	qsort(t->v, t->n, sizeof(*t->v), cmp_i64);
	int64_t sum = 0;
	for (size_t i = 0; i < t->n; i++)
		sum += t->v[i];
	t->mean = sum / (int64_t)t->n; /* durations are never negative: floor */
	t->median = percentile(t, 50);
	t->p90 = percentile(t, 90);
}

double sd_report_share(size_t part, size_t whole)
{
	return whole ? (double)part / (double)whole : -1;
}

static sd_time when(const struct sd_entry *e)
{
	return sd_stamp_seconds(e->at);
}

static int is_event(const struct sd_entry *e, const char *field)
{
	return e->kind == SD_ENTRY_EVENT && !strcmp(e->field, field);
}

const char *sd_report_field_at(const struct sd_ticket *t, enum sd_field f, sd_time at)
{
	const char *v = sd_ticket_get(t, f);
	const char *name = sd_fields[f].name;
	for (size_t i = t->nentries; i-- > 0;) {
		const struct sd_entry *e = &t->entries[i];
		if (when(e) >= at && is_event(e, name))
			v = e->from;
	}
	return v;
}

/* The address in "Name <addr>", or the whole text, compared without
 * case: the same test as the SLA clocks make. */
static int same_person(const char *a, const char *b)
{
	const char *la = strrchr(a, '<'), *lb = strrchr(b, '<');
	const char *ga = la ? strchr(la, '>') : NULL, *gb = lb ? strchr(lb, '>') : NULL;
	size_t na, nb;
	if (la && ga)
		a = la + 1, na = (size_t)(ga - a);
	else
		na = strlen(a);
	if (lb && gb)
		b = lb + 1, nb = (size_t)(gb - b);
	else
		nb = strlen(b);
	return na == nb && sd_strncaseeq(a, b, na);
}

static int is_requester(const struct sd_ticket *t, const char *author)
{
	const char *req = sd_ticket_get(t, SD_F_REQUESTER);
	return *req && same_person(author, req);
}

static int is_resolving(const char *status)
{
	return !strcmp(status, "resolved") || !strcmp(status, "closed");
}

static int prio_index(const char *p)
{
	int i = sd_value_index(sd_priorities, p);
	return i >= 0 && i < SD_REPORT_PRIOS - 1 ? i : SD_REPORT_PRIOS - 1;
}

static int tier_index(const char *tier)
{
	int i = sd_value_index(sd_tiers, tier);
	return i >= 0 && i < SD_REPORT_TIERS ? i : -1;
}

static int age_bucket(int64_t age)
{
	return age < DAY ? 0 : age < 3 * DAY ? 1 : age < 7 * DAY ? 2 : age < 30 * DAY ? 3 : 4;
}

static int dist_bucket(int64_t d)
{
	return d < HOUR	       ? 0
		: d < 8 * HOUR ? 1
		: d < DAY      ? 2
		: d < 3 * DAY  ? 3
		: d < 7 * DAY  ? 4
		: d < 30 * DAY ? 5
			       : 6;
}

/* ---- one ticket's part ---- */

struct facts {
	int opened, resolved, reopened, cancelled, backlog, age;
	int has_fr, has_res, fcr;
	int64_t fr[2], res[2]; /* business, wall */
	sd_time created, res_at;
	int prio;
	size_t decided[SD_RC_COUNT], met[SD_RC_COUNT];
	unsigned at_tier, escalated, deescalated; /* bit per tier */
	int kb, linked;
};

static int in_period(const struct sd_report *r, sd_time t)
{
	return t >= r->since && t < r->until;
}

static void count_clock(const struct sd_report *r, struct facts *x, int clock, int met,
			sd_time decided_at)
{
	if (!in_period(r, decided_at))
		return;
	x->decided[clock]++;
	x->met[clock] += met != 0;
}

/* A clock breaches at the first instant it shows more than its target:
 * when target + 1 business seconds have passed since it started. A
 * calendar that never opens enough never breaches it (-1). */
static sd_time breach_instant(struct sd_calendar *cal, sd_time start, int64_t target)
{
	sd_time b;
	return sd_calendar_add(cal, start, target + 1, &b) == 0 ? b : -1;
}

/* A clock that ran from start and stopped at stop (stopped) or still runs
 * at the end: met when it stopped within its target, counted when it
 * stopped; breached, counted when it breached. */
static void decide_clock(const struct sd_report *r, struct facts *x, int clock,
			 struct sd_calendar *cal, int64_t target, sd_time start, int stopped,
			 sd_time stop)
{
	if (stopped && sd_calendar_seconds(cal, start, stop) <= target) {
		count_clock(r, x, clock, 1, stop);
		return;
	}
	sd_time b = breach_instant(cal, start, target);
	if (b >= 0)
		count_clock(r, x, clock, 0, b);
}

/* Next-response cycles: each question of the requester (a public comment
 * by them while no question waits) starts one, the next public comment of
 * anyone else ends it. A question still waiting on a done ticket waits
 * for nothing. */
static void next_response_cycles(const struct sd_report *r, struct facts *x,
				 struct sd_calendar *cal, int64_t target, const struct sd_ticket *t,
				 int done_at_end)
{
	int waiting = 0;
	sd_time start = 0;
	for (size_t i = 0; i < t->nentries; i++) {
		const struct sd_entry *e = &t->entries[i];
		if (when(e) >= r->until)
			break;
		if (e->kind != SD_ENTRY_COMMENT || e->internal)
			continue;
		if (is_requester(t, e->author)) {
			if (!waiting)
				waiting = 1, start = when(e);
		} else if (waiting) {
			waiting = 0;
			decide_clock(r, x, SD_RC_NEXT_RESPONSE, cal, target, start, 1, when(e));
		}
	}
	if (waiting && !done_at_end)
		decide_clock(r, x, SD_RC_NEXT_RESPONSE, cal, target, start, 0, 0);
}

/* The calendar of the ticket's SLA policy: 24x7 without one. *policy is
 * NULL when no policy applies (or its calendar is unknown). */
static struct sd_calendar *calendar_of(struct sd_report *r, const struct sd_ticket *t,
				       const struct sd_sla_policy **policy)
{
	const struct sd_sla_policy *p = sd_sla_policy_for(r->cfg, t);
	struct sd_calendar *cal = p ? sd_config_calendar(r->cfg, p->calendar) : NULL;
	*policy = cal ? p : NULL;
	return cal ? cal : &r->cfg->always;
}

/* Whether the resolution clock counts in this status. */
static int counting(const struct sd_report *r, const char *status)
{
	return !sd_status_is_done(status) && !sd_strvec_has(&r->cfg->pause, status);
}

static size_t bucket_of(const struct sd_report *r, sd_time t)
{
	size_t lo = 0, hi = r->nbuckets;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (r->bucket_start[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* An open interval [a, b) (b < 0: still open) counts in the backlog at
 * the end E of every bucket with a < E <= b. */
static void backlog_interval(struct sd_report *r, sd_time a, sd_time b, int64_t *diff)
{
	for (size_t k = 0; k < r->nbuckets; k++) {
		sd_time end = k + 1 < r->nbuckets ? r->bucket_start[k + 1] : r->until;
		if (a < end && (b < 0 || b >= end))
			diff[k]++;
	}
}

static void add_figures(struct sd_report_figures *f, const struct facts *x)
{
	f->tickets++;
	f->opened += x->opened;
	f->resolved += x->resolved;
	f->reopened += x->reopened;
	f->cancelled += x->cancelled;
	if (x->backlog) {
		f->backlog++;
		f->age[x->age]++;
	}
	if (x->has_fr)
		for (int k = 0; k < 2; k++)
			times_push(&f->first_response[k], x->fr[k]);
	if (x->has_res) {
		for (int k = 0; k < 2; k++)
			times_push(&f->resolution[k], x->res[k]);
		f->dist[dist_bucket(x->res[1])]++;
		f->fcr += x->fcr;
		f->resolved_kb += x->kb;
	}
	for (int c = 0; c < SD_RC_COUNT; c++) {
		f->sla_decided[c][x->prio] += x->decided[c];
		f->sla_met[c][x->prio] += x->met[c];
	}
	f->linked_incidents += x->linked;
	for (int k = 0; k < SD_REPORT_TIERS; k++) {
		f->at_tier[k] += (x->at_tier >> k) & 1;
		f->escalated[k] += (x->escalated >> k) & 1;
		f->deescalated[k] += (x->deescalated >> k) & 1;
	}
}

sd_error *sd_report_add(struct sd_report *r, const struct sd_ticket *t)
{
	struct facts x;
	sd_stamp created_ms;
	memset(&x, 0, sizeof(x));
	sd_error *err = sd_stamp_parse(&created_ms, sd_ticket_get(t, SD_F_CREATED));
	if (err)
		return sd_error_wrap(err, "ticket %s: created", sd_ticket_get(t, SD_F_ID));
	x.created = sd_stamp_seconds(created_ms);
	if (x.created >= r->until)
		return NULL; /* it did not exist yet */

	/* Where the status and tier started: the `from` of their first events,
	 * else the fields as they are. */
	const char *status = NULL, *tier = NULL;
	int sees_all = 1;
	for (size_t i = 0; i < t->nentries; i++) {
		const struct sd_entry *e = &t->entries[i];
		if (when(e) >= r->until)
			sees_all = 0;
		if (!status && is_event(e, "status"))
			status = e->from;
		if (!tier && is_event(e, "tier"))
			tier = e->from;
	}
	if (!status)
		status = sd_ticket_get(t, SD_F_STATUS);
	if (!tier)
		tier = sd_ticket_get(t, SD_F_TIER);
	const int start_tier = tier_index(tier);

	const struct sd_sla_policy *policy;
	struct sd_calendar *cal = calendar_of(r, t, &policy);
	const int64_t res_target = policy ? policy->resolution : -1;
	sd_time res_breach = -1; /* when the resolution clock breached */
	int64_t *diff = r->series_backlog;
	sd_time seg = x.created; /* the current state began */
	sd_time open_since = sd_status_is_done(status) ? -1 : x.created;
	sd_time fr_at = 0, done_at = x.created, last_at = x.created;
	int fr_stopped = 0, reopened_ever = 0, agent_replies = 0;
	int64_t counted = 0; /* business seconds of the resolution clock so far */
	int fcr_replies = 0, fcr_reopened = 0, fcr_escalated = 0, has_kb = 0;

	for (size_t i = 0; i <= t->nentries; i++) {
		const struct sd_entry *e = i < t->nentries ? &t->entries[i] : NULL;
		if (e && when(e) >= r->until)
			e = NULL;
		sd_time at = e ? when(e) : r->until;
		if (at < x.created)
			at = x.created; /* entries never precede the ticket */
		/* The ticket's last state, read at the end, is its status as
		 * the file has it when no later entry exists (a hand edit may
		 * have set it without an event), as the SLA clocks read it. */
		if (!e && sees_all && strcmp(status, sd_ticket_get(t, SD_F_STATUS))) {
			const char *now = sd_ticket_get(t, SD_F_STATUS);
			if (sd_status_is_done(now) && open_since >= 0) {
				backlog_interval(r, open_since, last_at, diff);
				open_since = -1;
				done_at = last_at;
			} else if (!sd_status_is_done(now) && open_since < 0) {
				open_since = last_at;
			}
			status = now;
		}
		/* The segment [seg, at) in the current status and tier. */
		if (at > seg) {
			int ti = tier_index(tier);
			if (!sd_status_is_done(status) && ti >= 0 && seg < r->until &&
			    at > r->since)
				x.at_tier |= 1u << ti;
			if (counting(r, status)) {
				int64_t part = sd_calendar_seconds(cal, seg, at);
				if (res_target >= 0 && res_breach < 0 &&
				    counted + part > res_target)
					res_breach = breach_instant(cal, seg, res_target - counted);
				counted += part;
			}
			seg = at;
		}
		if (!e)
			break;
		last_at = at;
		if (e->kind == SD_ENTRY_COMMENT) {
			if (e->internal || is_requester(t, e->author))
				continue;
			agent_replies++;
			if (!fr_stopped)
				fr_stopped = 1, fr_at = at;
			continue;
		}
		if (!strcmp(e->field, "tier")) {
			int from = tier_index(e->from), to = tier_index(e->to);
			if (from >= 0 && to >= 0 && in_period(r, at)) {
				x.at_tier |= 1u << from;
				if (to > from)
					x.escalated |= 1u << from;
				else if (to < from)
					x.deescalated |= 1u << from;
			}
			if (from >= 0 && to > from)
				fcr_escalated = 1;
			tier = e->to;
			continue;
		}
		if (!strcmp(e->field, "kb") && *e->to) {
			has_kb = 1; /* sd resolve --kb: an article solved it */
			continue;
		}
		if (strcmp(e->field, "status"))
			continue;
		const char *from = status, *to = e->to;
		int was_done = sd_status_is_done(from), now_done = sd_status_is_done(to);
		if (!fr_stopped && now_done)
			fr_stopped = 1, fr_at = at;
		if (was_done && !now_done) {
			reopened_ever = 1;
			if (in_period(r, at))
				x.reopened = 1;
			open_since = at;
		}
		if (!was_done && now_done) {
			if (open_since >= 0)
				backlog_interval(r, open_since, at, diff);
			open_since = -1;
			done_at = at;
		}
		if (!strcmp(to, "cancelled") && strcmp(from, "cancelled") && in_period(r, at))
			x.cancelled = 1;
		if (!was_done && is_resolving(to) && in_period(r, at)) {
			x.resolved = 1;
			x.has_res = 1;
			x.res_at = at;
			x.res[0] = counted;
			x.res[1] = at - x.created;
			fcr_replies = agent_replies;
			fcr_reopened = reopened_ever;
			x.fcr = !fcr_escalated && !fcr_reopened && fcr_replies <= 1 &&
				start_tier >= 0 && tier_index(tier) == start_tier;
		}
		status = to;
	}
	int done_at_end = sd_status_is_done(status);
	if (!done_at_end) {
		x.backlog = 1;
		x.age = age_bucket(r->until - x.created);
		if (open_since >= 0)
			backlog_interval(r, open_since, -1, diff);
	}
	/* A ticket done without a status event (a hand edit) stopped its
	 * first-response clock with its last entry, as the SLA clocks say. */
	if (!fr_stopped && done_at_end)
		fr_stopped = 1, fr_at = done_at;
	if (fr_stopped && in_period(r, fr_at)) {
		x.has_fr = 1;
		x.fr[0] = sd_calendar_seconds(cal, x.created, fr_at);
		x.fr[1] = fr_at - x.created;
	}
	x.opened = in_period(r, x.created);
	x.kb = x.resolved && has_kb;
	const char *problem = sd_report_field_at(t, SD_F_PROBLEM, r->until);
	x.linked = x.opened && *problem &&
		!strcmp(sd_report_field_at(t, SD_F_TYPE, r->until), "incident");
	x.prio = prio_index(sd_report_field_at(t, SD_F_PRIORITY, r->until));
	if (policy) {
		decide_clock(r, &x, SD_RC_FIRST_RESPONSE, cal, policy->first_response, x.created,
			     fr_stopped, fr_at);
		if (done_at_end && counted <= res_target)
			count_clock(r, &x, SD_RC_RESOLUTION, 1, done_at);
		else if (res_breach >= 0)
			count_clock(r, &x, SD_RC_RESOLUTION, 0, res_breach);
		if (policy->next_response >= 0)
			next_response_cycles(r, &x, cal, policy->next_response, t, done_at_end);
	}

	/* The total, the group, the series, the recurring and the agents. */
	add_figures(&r->total, &x);
	if (r->by >= 0) {
		const char *key = r->by == SD_F_TAGS
			? ""
			: sd_report_field_at(t, (enum sd_field)r->by, r->until);
		size_t g = intern(&r->group_index, (void **)&r->groups, &r->ngroups,
				  sizeof(*r->groups), key);
		add_figures(&r->groups[g], &x);
	}
	if (x.opened)
		r->series_opened[bucket_of(r, x.created)]++;
	if (x.resolved)
		r->series_resolved[bucket_of(r, x.res_at)]++;
	if (x.opened) {
		const char *cat = sd_report_field_at(t, SD_F_CATEGORY, r->until);
		const char *asset = sd_report_field_at(t, SD_F_ASSET, r->until);
		/* intern may move the array: index it only afterwards. */
		if (*cat) {
			size_t k = intern(&r->category_index, (void **)&r->categories,
					  &r->ncategories, sizeof(*r->categories), cat);
			r->categories[k].n++;
		}
		if (*asset) {
			size_t k = intern(&r->asset_index, (void **)&r->assets, &r->nassets,
					  sizeof(*r->assets), asset);
			r->assets[k].n++;
		}
	}
	if (x.linked) {
		size_t k = intern(&r->problem_index, (void **)&r->problems, &r->nproblems,
				  sizeof(*r->problems), problem);
		r->problems[k].n++;
	}
	if (!strcmp(sd_ticket_get(t, SD_F_TYPE), "problem")) {
		/* Its title, for the problems its incidents name. */
		size_t k = intern(&r->problem_index, (void **)&r->problems, &r->nproblems,
				  sizeof(*r->problems), sd_ticket_get(t, SD_F_ID));
		free(r->problems[k].title);
		r->problems[k].title = sd_xstrdup(sd_ticket_get(t, SD_F_TITLE));
	}
	const char *agent = sd_report_field_at(t, SD_F_ASSIGNEE, r->until);
	if (*agent && (x.backlog || x.resolved)) {
		size_t k = intern(&r->agent_index, (void **)&r->agents, &r->nagents,
				  sizeof(*r->agents), agent);
		struct sd_report_agent *a = &r->agents[k];
		a->open += x.backlog;
		if (x.resolved) {
			a->resolved++;
			times_push(&a->resolution, x.res[1]);
		}
	}
	return NULL;
}

/* ---- portal deflections ---- */

/* The value of "KEY: value" in a record's lines, or NULL; points into
 * text, which it cuts at the line's end. */
static char *record_value(char *text, const char *key)
{
	size_t n = strlen(key);
	for (char *line = text; line && *line;) {
		char *next = strchr(line, '\n');
		if (!strncmp(line, key, n) && line[n] == ':' && line[n + 1] == ' ') {
			if (next)
				*next = '\0';
			char *v = line + n + 2, *end = v + strlen(v);
			while (end > v && (end[-1] == ' ' || end[-1] == '\r'))
				*--end = '\0';
			return v;
		}
		line = next ? next + 1 : NULL;
	}
	return NULL;
}

static void read_deflection(struct sd_report *r, const char *path, const char *category)
{
	struct sd_buf text = SD_BUF_INIT;
	sd_stamp at;
	sd_error *err = sd_buf_read_file(&text, path, 64 * 1024);
	if (err) {
		sd_error_free(err);
		return;
	}
	/* Each lookup cuts a line, so read each from its own copy. */
	char *a = sd_xstrdup(text.data), *b = sd_xstrdup(text.data), *c = sd_xstrdup(text.data);
	const char *when = record_value(a, "at"), *article = record_value(b, "article");
	const char *cat = record_value(c, "category");
	if (when && article && *article && !(err = sd_stamp_parse(&at, when)) &&
	    in_period(r, sd_stamp_seconds(at)) &&
	    (!category || sd_strcaseeq(cat ? cat : "", category))) {
		r->deflections++;
		size_t k = intern(&r->article_index, (void **)&r->deflection_articles,
				  &r->narticles, sizeof(*r->deflection_articles), article);
		r->deflection_articles[k].n++;
	}
	sd_error_free(err);
	free(a), free(b), free(c);
	sd_buf_release(&text);
}

sd_error *sd_report_read_deflections(struct sd_report *r, const char *dir, const char *category)
{
	DIR *top = opendir(dir);
	char first[SD_TIME_STRLEN], last[SD_TIME_STRLEN];
	if (!top)
		return NULL; /* no deflections yet */
	/* Only the months the period touches: YYYY-MM sorts as text. */
	sd_time_format(first, r->since);
	sd_time_format(last, r->until - 1);
	first[7] = last[7] = '\0';
	struct dirent *m;
	while ((m = readdir(top))) {
		if (strlen(m->d_name) != 7 || m->d_name[4] != '-' || strcmp(m->d_name, first) < 0 ||
		    strcmp(m->d_name, last) > 0)
			continue;
		struct sd_buf sub = SD_BUF_INIT;
		sd_buf_printf(&sub, "%s/%s", dir, m->d_name);
		DIR *d = opendir(sub.data);
		struct dirent *f;
		while (d && (f = readdir(d))) {
			size_t n = strlen(f->d_name);
			if (n < 6 || strcmp(f->d_name + n - 5, ".yaml") || f->d_name[0] == '.')
				continue;
			struct sd_buf path = SD_BUF_INIT;
			sd_buf_printf(&path, "%s/%s", sub.data, f->d_name);
			read_deflection(r, path.data, category);
			sd_buf_release(&path);
		}
		if (d)
			closedir(d);
		sd_buf_release(&sub);
	}
	closedir(top);
	return NULL;
}

/* ---- set-up and the end ---- */

sd_error *sd_report_init(struct sd_report *r, struct sd_config *cfg, sd_time since, sd_time until,
			 int by)
{
	memset(r, 0, sizeof(*r));
	if (until <= since)
		return sd_error_invalid("the period is empty: --since must come before --until");
	r->cfg = cfg;
	r->since = since;
	r->until = until;
	r->by = by;
	/* Days for up to about two months, else weeks (from Monday), made
	 * longer still so that a chart never has more than 160 bars. */
	int64_t days = (until - since + DAY - 1) / DAY;
	r->bucket_days = days <= 62 ? 1 : 7;
	while ((days + r->bucket_days) / r->bucket_days > 160)
		r->bucket_days += 7;
	int64_t len = (int64_t)r->bucket_days * DAY;
	/* 1970-01-05 was a Monday. */
	int64_t origin = r->bucket_days == 1 ? 0 : 4 * DAY;
	int64_t first = since - origin;
	first = (first >= 0 ? first / len : -((-first + len - 1) / len)) * len + origin;
	r->nbuckets = (size_t)((until - first + len - 1) / len);
	r->bucket_start = sd_xcalloc(r->nbuckets, sizeof(*r->bucket_start));
	r->series_opened = sd_xcalloc(r->nbuckets, sizeof(*r->series_opened));
	r->series_resolved = sd_xcalloc(r->nbuckets, sizeof(*r->series_resolved));
	r->series_backlog = sd_xcalloc(r->nbuckets, sizeof(*r->series_backlog));
	for (size_t k = 0; k < r->nbuckets; k++)
		r->bucket_start[k] = k ? first + (int64_t)k * len : since;
	return NULL;
}

static void figures_finish(struct sd_report_figures *f)
{
	for (int k = 0; k < 2; k++) {
		times_finish(&f->first_response[k]);
		times_finish(&f->resolution[k]);
	}
}

static void figures_release(struct sd_report_figures *f)
{
	free(f->key);
	for (int k = 0; k < 2; k++) {
		free(f->first_response[k].v);
		free(f->resolution[k].v);
	}
}

static int cmp_groups(const void *a, const void *b)
{
	return strcmp(((const struct sd_report_figures *)a)->key,
		      ((const struct sd_report_figures *)b)->key);
}

static int cmp_counts(const void *a, const void *b)
{
	const struct sd_report_count *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_agents(const void *a, const void *b)
{
	return strcmp(((const struct sd_report_agent *)a)->name,
		      ((const struct sd_report_agent *)b)->name);
}

static int cmp_problems(const void *a, const void *b)
{
	const struct sd_report_problem *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* The problems with linked incidents opened in the period, most first,
 * at most SD_REPORT_TOP. */
static void top_problems(struct sd_report *r)
{
	size_t keep = 0;
	for (size_t i = 0; i < r->nproblems; i++) {
		struct sd_report_problem *p = &r->problems[i];
		if (!p->title)
			p->title = sd_xstrdup("");
		if (p->n)
			r->problems[keep++] = *p;
		else
			free(p->id), free(p->title);
	}
	r->nproblems = keep;
	if (keep > 1)
		qsort(r->problems, keep, sizeof(*r->problems), cmp_problems);
	for (size_t i = SD_REPORT_TOP; i < r->nproblems; i++)
		free(r->problems[i].id), free(r->problems[i].title);
	if (r->nproblems > SD_REPORT_TOP)
		r->nproblems = SD_REPORT_TOP;
}

static void top(struct sd_report_count *v, size_t *n)
{
	if (*n > 1)
		qsort(v, *n, sizeof(*v), cmp_counts);
	for (size_t i = SD_REPORT_TOP; i < *n; i++)
		free(v[i].name);
	if (*n > SD_REPORT_TOP)
		*n = SD_REPORT_TOP;
}

void sd_report_finish(struct sd_report *r)
{
	figures_finish(&r->total);
	for (size_t i = 0; i < r->ngroups; i++)
		figures_finish(&r->groups[i]);
	/* The index no longer matches once sorted; nothing is added now. */
	index_free(r->group_index);
	index_free(r->category_index);
	index_free(r->asset_index);
	index_free(r->agent_index);
	index_free(r->problem_index);
	index_free(r->article_index);
	r->group_index = r->category_index = r->asset_index = r->agent_index = NULL;
	r->problem_index = r->article_index = NULL;
	top_problems(r);
	top(r->deflection_articles, &r->narticles);
	/* qsort must not see the NULL of an empty array. */
	if (r->ngroups > 1)
		qsort(r->groups, r->ngroups, sizeof(*r->groups), cmp_groups);
	top(r->categories, &r->ncategories);
	top(r->assets, &r->nassets);
	if (r->nagents > 1)
		qsort(r->agents, r->nagents, sizeof(*r->agents), cmp_agents);
	for (size_t i = 0; i < r->nagents; i++)
		times_finish(&r->agents[i].resolution);
}

void sd_report_release(struct sd_report *r)
{
	figures_release(&r->total);
	for (size_t i = 0; i < r->ngroups; i++)
		figures_release(&r->groups[i]);
	free(r->groups);
	for (size_t i = 0; i < r->ncategories; i++)
		free(r->categories[i].name);
	for (size_t i = 0; i < r->nassets; i++)
		free(r->assets[i].name);
	free(r->categories);
	free(r->assets);
	for (size_t i = 0; i < r->nagents; i++) {
		free(r->agents[i].name);
		free(r->agents[i].resolution.v);
	}
	free(r->agents);
	for (size_t i = 0; i < r->nproblems; i++)
		free(r->problems[i].id), free(r->problems[i].title);
	free(r->problems);
	for (size_t i = 0; i < r->narticles; i++)
		free(r->deflection_articles[i].name);
	free(r->deflection_articles);
	index_free(r->problem_index);
	index_free(r->article_index);
	index_free(r->group_index);
	index_free(r->category_index);
	index_free(r->asset_index);
	index_free(r->agent_index);
	free(r->bucket_start);
	free(r->series_opened);
	free(r->series_resolved);
	free(r->series_backlog);
	memset(r, 0, sizeof(*r));
}
