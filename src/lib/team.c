/* SPDX-License-Identifier: MIT */
/* The team directory, routing rules and queues of .sd/config.yaml. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "sd/team.h"
#include "sd/ticket.h"
#include "sd/yamlnode.h"

const char *const sd_assign_names[] = { "", "none", "", "round-robin", "least-loaded", NULL };
const char *const sd_rule_keys[SD_RULE_COUNT + 1] = { "type",  "category", "tags", "requester",
						      "words", "channel",  NULL };
const char *const sd_rule_set_keys[SD_SET_COUNT + 1] = { "tier",   "queue",   "type", "category",
							 "impact", "urgency", NULL };
const int sd_rule_set_fields[SD_SET_COUNT] = { SD_F_TIER,     SD_F_QUEUE,  SD_F_TYPE,
					       SD_F_CATEGORY, SD_F_IMPACT, SD_F_URGENCY };

/* Each value of a list: one line, non-empty, valid as its field. */
static sd_error *field_value(enum sd_field f, const char *s)
{
	return *s ? sd_field_validate(f, s) : sd_error_invalid("an empty value");
}

static sd_error *check_line(const char *s)
{
	return field_value(SD_F_CATEGORY, s);
}

static sd_error *check_queue(const char *s)
{
	return field_value(SD_F_QUEUE, s);
}

static sd_error *check_tier(const char *s)
{
	return field_value(SD_F_TIER, s);
}

static sd_error *check_type(const char *s)
{
	return field_value(SD_F_TYPE, s);
}

static sd_error *check_tag(const char *s)
{
	return field_value(SD_F_TAGS, s);
}

static int valid_email(const char *s)
{
	const char *atp = strchr(s, '@');
	return atp && atp > s && atp[1] && !strpbrk(s, " \t<>,\"") && !strchr(atp + 1, '@');
}

static sd_error *parse_assign(const struct sd_ydoc *c, yaml_node_t *v, struct sd_assign *out)
{
	const char *s = sd_yscalar(v);
	out->line = v->start_mark.line + 1;
	if (s && !strcmp(s, "none"))
		out->kind = SD_ASSIGN_NONE;
	else if (s && !strcmp(s, "round-robin"))
		out->kind = SD_ASSIGN_ROUND_ROBIN;
	else if (s && !strcmp(s, "least-loaded"))
		out->kind = SD_ASSIGN_LEAST_LOADED;
	else if (s && valid_email(s)) {
		out->kind = SD_ASSIGN_AGENT;
		out->agent = sd_xstrdup(s);
	} else
		return sd_yerror(c, v,
				 "assign: '%s' is not an agent's e-mail, none, round-robin or "
				 "least-loaded",
				 s ? s : "(a list or mapping)");
	return NULL;
}

static int valid_day(const char *s)
{
	int y, m, d;
	char tail;
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return 0;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return s[4] == '-' && s[7] == '-' && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] &&
		(m != 2 || d < 29 || (y % 4 == 0 && (y % 100 || y % 400 == 0)));
}

static int away_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sd_away *)a)->from, ((const struct sd_away *)b)->from);
}

static sd_error *parse_away(const struct sd_ydoc *c, yaml_node_t *v, struct sd_agent *a)
{
	struct sd_strvec days = SD_STRVEC_INIT;
	sd_error *err = sd_ylist(c, v, "away", &days, check_line);
	a->away = sd_xcalloc(days.n ? days.n : 1, sizeof(*a->away));
	for (size_t i = 0; !err && i < days.n; i++) {
		const char *s = days.v[i], *dots = strstr(s, "..");
		char from[16] = "", to[16] = "";
		if (strlen(s) < sizeof(from) * 2 - 8) {
			size_t n = dots ? (size_t)(dots - s) : strlen(s);
			if (n < sizeof(from)) {
				memcpy(from, s, n);
				from[n] = '\0';
			}
			snprintf(to, sizeof(to), "%s", dots ? dots + 2 : from);
		}
		if (!valid_day(from) || !valid_day(to) || strcmp(from, to) > 0)
			err = sd_yerror(c, v,
					"away: '%s' is not a date or range of dates; write 2026-12-24 or "
					"2026-12-24..2027-01-02",
					s);
		else {
			memcpy(a->away[a->naway].from, from, 11);
			memcpy(a->away[a->naway].to, to, 11);
			a->naway++;
		}
	}
	sd_strvec_clear(&days);
	if (!err)
		qsort(a->away, a->naway, sizeof(*a->away), away_cmp);
	return err;
}

static sd_error *parse_agent(const struct sd_ydoc *c, yaml_node_t *map, struct sd_agent *a)
{
	if (map->type != YAML_MAPPING_NODE)
		return sd_yerror(c, map,
				 "agents: each agent must be a mapping, like {name: Ana, email: "
				 "ana@example.com, queues: [desk]}");
	sd_error *err = NULL;
	a->line = map->start_mark.line + 1;
	yaml_node_t *k, *v;
	SD_YAML_FOR_PAIRS(c, map, k, v)
	{
		const char *key = sd_yscalar(k) ? sd_yscalar(k) : "", *s = sd_yscalar(v);
		if (!strcmp(key, "name") || !strcmp(key, "email") || !strcmp(key, "calendar")) {
			char **slot = key[0] == 'n' ? &a->name
				: key[0] == 'e'	    ? &a->email
						    : &a->calendar;
			if (!s)
				return sd_yerror(c, v, "agents: '%s' must be a single value", key);
			if ((err = sd_field_validate(SD_F_ASSIGNEE, s)))
				return sd_ywrap(c, v, err);
			if (key[0] == 'e' && !valid_email(s))
				return sd_yerror(c, v,
						 "agents: '%s' is not an e-mail address; write it as "
						 "name@example.com",
						 s);
			if (key[0] == 'c')
				a->calendar_line = v->start_mark.line + 1;
			free(*slot);
			*slot = sd_xstrdup(s);
		} else if (!strcmp(key, "queues")) {
			if ((err = sd_ylist(c, v, "queues", &a->queues, check_queue)))
				return err;
		} else if (!strcmp(key, "tiers")) {
			if ((err = sd_ylist(c, v, "tiers", &a->tiers, check_tier)))
				return err;
		} else if (!strcmp(key, "away")) {
			if ((err = parse_away(c, v, a)))
				return err;
		} else if (!strcmp(key, "capacity")) {
			char *end = NULL;
			long n = s ? strtol(s, &end, 10) : -1;
			if (!s || !*s || *end || n < 1 || n > 1000000)
				return sd_yerror(
					c, v,
					"agents: capacity must be a whole number from 1, like 10");
			a->capacity = n;
		} else {
			return sd_yerror(c, k,
					 "agents: unknown key '%s'; an agent has name, email, queues, tiers, "
					 "calendar, away and capacity",
					 key);
		}
	}
	if (!a->email)
		return sd_yerror(c, map, "agents: every agent needs an email");
	if (!a->name)
		a->name = sd_xstrdup("");
	if (!a->calendar)
		a->calendar = sd_xstrdup("");
	return NULL;
}

static sd_error *parse_rule(const struct sd_ydoc *c, yaml_node_t *map, struct sd_rule *r,
			    size_t index)
{
	if (map->type != YAML_MAPPING_NODE)
		return sd_yerror(c, map,
				 "routing: each rule must be a mapping of name, match and set");
	sd_error *err = NULL;
	r->line = map->start_mark.line + 1;
	yaml_node_t *k, *v;
	SD_YAML_FOR_PAIRS(c, map, k, v)
	{
		const char *key = sd_yscalar(k) ? sd_yscalar(k) : "";
		if (!strcmp(key, "name")) {
			if (!sd_yscalar(v) || !*sd_yscalar(v))
				return sd_yerror(c, v,
						 "routing: a rule's name must be a plain word");
			if ((err = sd_field_validate(SD_F_CATEGORY, sd_yscalar(v))))
				return sd_ywrap(c, v, err);
			free(r->name);
			r->name = sd_xstrdup(sd_yscalar(v));
		} else if (!strcmp(key, "match")) {
			if ((err = sd_ymapping(c, v, "match")))
				return err;
			yaml_node_t *mk, *mv;
			SD_YAML_FOR_PAIRS(c, v, mk, mv)
			{
				int m = sd_yscalar(mk)
					? sd_value_index(sd_rule_keys, sd_yscalar(mk))
					: -1;
				if (m < 0)
					return sd_yerror(c, mk,
							 "match: unknown key '%s'; use type, category, tags, "
							 "requester, words or channel",
							 sd_yscalar(mk) ? sd_yscalar(mk) : "");
				sd_error *(*check)(const char *) = m == SD_RULE_TYPE ? check_type
					: m == SD_RULE_TAGS			     ? check_tag
										     : check_line;
				if ((err = sd_ylist(c, mv, sd_rule_keys[m], &r->match[m], check)))
					return err;
				for (size_t i = 0; m == SD_RULE_CHANNEL && i < r->match[m].n; i++)
					if (sd_value_index(sd_channels, r->match[m].v[i]) < 0)
						return sd_yerror(c, mv,
								 "match: unknown channel '%s'; use cli, "
								 "mail, web or import",
								 r->match[m].v[i]);
			}
		} else if (!strcmp(key, "set")) {
			if ((err = sd_ymapping(c, v, "set")))
				return err;
			yaml_node_t *sk, *sv;
			SD_YAML_FOR_PAIRS(c, v, sk, sv)
			{
				const char *name = sd_yscalar(sk) ? sd_yscalar(sk) : "";
				int s = sd_value_index(sd_rule_set_keys, name);
				if (!strcmp(name, "tags")) {
					if ((err = sd_ylist(c, sv, "tags", &r->tags, check_tag)))
						return err;
				} else if (!strcmp(name, "assign")) {
					free(r->assign.agent);
					r->assign.agent = NULL;
					if ((err = parse_assign(c, sv, &r->assign)))
						return err;
				} else if (s >= 0) {
					if (!sd_yscalar(sv) || !*sd_yscalar(sv))
						return sd_yerror(c, sv,
								 "set: '%s' must be a single value",
								 name);
					if ((err = sd_field_validate((enum sd_field)
									     sd_rule_set_fields[s],
								     sd_yscalar(sv))))
						return sd_ywrap(c, sv, err);
					free(r->set[s]);
					r->set[s] = sd_xstrdup(sd_yscalar(sv));
				} else {
					return sd_yerror(c, sk,
							 "set: unknown key '%s'; use queue, tier, category, "
							 "type, impact, urgency, tags or assign",
							 name);
				}
			}
		} else {
			return sd_yerror(c, k,
					 "routing: unknown key '%s'; a rule has name, match and set",
					 key);
		}
	}
	if (!r->name) {
		struct sd_buf name = SD_BUF_INIT;
		sd_buf_printf(&name, "rule %zu", index + 1);
		r->name = sd_buf_detach(&name);
	}
	return NULL;
}

static void release_agents(struct sd_team *t)
{
	for (size_t i = 0; i < t->nagents; i++) {
		struct sd_agent *a = &t->agents[i];
		free(a->name);
		free(a->email);
		free(a->calendar);
		free(a->away);
		sd_strvec_clear(&a->queues);
		sd_strvec_clear(&a->tiers);
	}
	free(t->agents);
	t->agents = NULL;
	t->nagents = 0;
}

static void release_rules(struct sd_team *t)
{
	for (size_t i = 0; i < t->nrules; i++) {
		struct sd_rule *r = &t->rules[i];
		free(r->name);
		for (int k = 0; k < SD_RULE_COUNT; k++)
			sd_strvec_clear(&r->match[k]);
		for (int k = 0; k < SD_SET_COUNT; k++)
			free(r->set[k]);
		sd_strvec_clear(&r->tags);
		free(r->assign.agent);
	}
	free(t->rules);
	t->rules = NULL;
	t->nrules = 0;
}

static void release_queues(struct sd_team *t)
{
	for (size_t i = 0; i < t->nqueues; i++) {
		free(t->queues[i].name);
		free(t->queues[i].assign.agent);
	}
	free(t->queues);
	t->queues = NULL;
	t->nqueues = 0;
}

void sd_team_release(struct sd_team *team)
{
	release_agents(team);
	release_rules(team);
	release_queues(team);
}

static size_t count(yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

sd_error *sd_team_parse(struct sd_team *team, yaml_document_t *doc, const char *section,
			yaml_node_t *value, const char *path)
{
	struct sd_ydoc c = { doc, path };
	sd_error *err = NULL;
	if (!strcmp(section, "queues")) {
		release_queues(team);
		if ((err = sd_ymapping(&c, value, "queues")))
			return err;
		size_t n =
			(size_t)(value->data.mapping.pairs.top - value->data.mapping.pairs.start);
		team->queues = sd_xcalloc(n ? n : 1, sizeof(*team->queues));
		yaml_node_t *k, *v;
		SD_YAML_FOR_PAIRS(&c, value, k, v)
		{
			struct sd_queue *q = &team->queues[team->nqueues];
			if (!sd_yscalar(k) || !*sd_yscalar(k))
				return sd_yerror(&c, k,
						 "queues: a queue's name must be a plain word");
			if ((err = sd_field_validate(SD_F_QUEUE, sd_yscalar(k))))
				return sd_ywrap(&c, k, err);
			if (v->type != YAML_MAPPING_NODE)
				return sd_yerror(&c, v,
						 "queues: '%s' must be a mapping, like {assign: "
						 "round-robin}",
						 sd_yscalar(k));
			q->name = sd_xstrdup(sd_yscalar(k));
			q->line = k->start_mark.line + 1;
			team->nqueues++;
			yaml_node_t *qk, *qv;
			SD_YAML_FOR_PAIRS(&c, v, qk, qv)
			{
				if (!sd_yscalar(qk) || strcmp(sd_yscalar(qk), "assign"))
					return sd_yerror(&c, qk,
							 "queues: unknown key '%s'; a queue has assign",
							 sd_yscalar(qk) ? sd_yscalar(qk) : "");
				free(q->assign.agent);
				q->assign.agent = NULL;
				if ((err = parse_assign(&c, qv, &q->assign)))
					return err;
			}
		}
		return NULL;
	}
	if (value->type != YAML_SEQUENCE_NODE)
		return sd_yerror(&c, value, "'%s' must be a list (each item starting with '- ')",
				 section);
	if (!strcmp(section, "agents")) {
		release_agents(team);
		team->agents = sd_xcalloc(count(value) + 1, sizeof(*team->agents));
		for (yaml_node_item_t *it = value->data.sequence.items.start;
		     it < value->data.sequence.items.top; it++) {
			yaml_node_t *a = sd_ynode(&c, *it);
			struct sd_agent *ag = &team->agents[team->nagents++];
			if ((err = parse_agent(&c, a, ag)))
				return err;
			for (size_t i = 0; i + 1 < team->nagents; i++)
				if (sd_strcaseeq(team->agents[i].email, ag->email))
					return sd_yerror(
						&c, a,
						"agents: %s is listed twice (first on line %zu)",
						ag->email, team->agents[i].line);
		}
	} else {
		release_rules(team);
		team->rules = sd_xcalloc(count(value) + 1, sizeof(*team->rules));
		for (yaml_node_item_t *it = value->data.sequence.items.start;
		     it < value->data.sequence.items.top; it++) {
			struct sd_rule *r = &team->rules[team->nrules];
			err = parse_rule(&c, sd_ynode(&c, *it), r, team->nrules);
			team->nrules++;
			if (err)
				return err;
		}
	}
	return NULL;
}

void sd_email_of(struct sd_buf *out, const char *who)
{
	const char *lt = strrchr(who, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt)
		sd_buf_add(out, lt + 1, (size_t)(gt - lt - 1));
	else
		sd_buf_adds(out, who);
}

const struct sd_agent *sd_team_agent(const struct sd_team *team, const char *who)
{
	struct sd_buf e = SD_BUF_INIT;
	const struct sd_agent *found = NULL;
	sd_email_of(&e, who);
	for (size_t i = 0; i < team->nagents && !found; i++)
		if (sd_strcaseeq(team->agents[i].email, e.data))
			found = &team->agents[i];
	sd_buf_release(&e);
	return found;
}

const struct sd_queue *sd_team_queue(const struct sd_team *team, const char *name)
{
	for (size_t i = 0; i < team->nqueues; i++)
		if (sd_strcaseeq(team->queues[i].name, name))
			return &team->queues[i];
	return NULL;
}

int sd_agent_in_queue(const struct sd_agent *a, const char *queue)
{
	for (size_t i = 0; i < a->queues.n; i++)
		if (sd_strcaseeq(a->queues.v[i], queue))
			return 1;
	return 0;
}

const struct sd_away *sd_agent_away_on(const struct sd_agent *a, const char *day)
{
	for (size_t i = 0; i < a->naway; i++)
		if (strcmp(a->away[i].from, day) <= 0 && strcmp(day, a->away[i].to) <= 0)
			return &a->away[i];
	return NULL;
}

int sd_glob_match(const char *p, const char *s)
{
	/* Iterative, with one backtrack point: linear enough for addresses. */
	const char *star = NULL, *resume = NULL;
	while (*s) {
		if (*p == '*') {
			star = ++p;
			resume = s;
		} else if (*p &&
			   (*p == '?' ||
			    sd_ascii_tolower((unsigned char)*p) ==
				    sd_ascii_tolower((unsigned char)*s))) {
			p++;
			s++;
		} else if (star) {
			p = star;
			s = ++resume;
		} else {
			return 0;
		}
	}
	while (*p == '*')
		p++;
	return !*p;
}
