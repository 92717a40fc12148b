/* SPDX-License-Identifier: MIT */
/* The team directory, routing rules and queues of .sd/config.yaml. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "sd/team.h"
#include "sd/ticket.h"

const char *const sd_assign_names[] = { "", "none", "", "round-robin", "least-loaded", NULL };
const char *const sd_rule_keys[SD_RULE_COUNT + 1] = { "type",  "category", "tags", "requester",
						      "words", "channel",  NULL };
const char *const sd_rule_set_keys[SD_SET_COUNT + 1] = { "tier",   "queue",   "type", "category",
							 "impact", "urgency", NULL };
const int sd_rule_set_fields[SD_SET_COUNT] = { SD_F_TIER,     SD_F_QUEUE,  SD_F_TYPE,
					       SD_F_CATEGORY, SD_F_IMPACT, SD_F_URGENCY };

struct tp {
	yaml_document_t *doc;
	const char *path;
};

static sd_error *at(struct tp *c, yaml_node_t *n, const char *fmt, ...) SD_PRINTF(3, 4);

static sd_error *at(struct tp *c, yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sd_error *err = sd_error_newv(SD_EXIT_INVALID, fmt, ap);
	va_end(ap);
	return sd_error_wrap(err, "%s:%zu", c->path, n->start_mark.line + 1);
}

static sd_error *wrap(struct tp *c, yaml_node_t *n, sd_error *err)
{
	return err ? sd_error_wrap(err, "%s:%zu", c->path, n->start_mark.line + 1) : NULL;
}

static yaml_node_t *node(struct tp *c, int i)
{
	return yaml_document_get_node(c->doc, i);
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A plain value or a list of them, appended to out, each a valid one-line
 * value (checked as field f when f >= 0). */
static sd_error *list(struct tp *c, yaml_node_t *n, const char *what, int f, struct sd_strvec *out)
{
	yaml_node_item_t *it = NULL, *end = NULL;
	if (n->type == YAML_SEQUENCE_NODE) {
		it = n->data.sequence.items.start;
		end = n->data.sequence.items.top;
	} else if (!scalar(n)) {
		return at(c, n, "'%s' must be a value or a list of values", what);
	}
	for (yaml_node_t *v = it ? (it < end ? node(c, *it) : NULL) : n; v;
	     v = it && ++it < end ? node(c, *it) : NULL) {
		const char *s = scalar(v);
		if (!s || !*s)
			return at(c, v, "'%s' must be a list of non-empty values", what);
		sd_error *err = sd_field_validate(f >= 0 ? (enum sd_field)f : SD_F_CATEGORY, s);
		if (err)
			return wrap(c, v, sd_error_wrap(err, "%s", what));
		sd_strvec_push(out, s);
	}
	return NULL;
}

static sd_error *mapping(struct tp *c, yaml_node_t *n, const char *what)
{
	return n->type == YAML_MAPPING_NODE ? NULL : at(c, n, "'%s' must be a mapping", what);
}

static int valid_email(const char *s)
{
	const char *atp = strchr(s, '@');
	return atp && atp > s && atp[1] && !strpbrk(s, " \t<>,\"") && !strchr(atp + 1, '@');
}

static sd_error *parse_assign(struct tp *c, yaml_node_t *v, struct sd_assign *out)
{
	const char *s = scalar(v);
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
		return at(c, v,
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

static sd_error *parse_away(struct tp *c, yaml_node_t *v, struct sd_agent *a)
{
	struct sd_strvec days = SD_STRVEC_INIT;
	sd_error *err = list(c, v, "away", -1, &days);
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
			err = at(c, v,
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

static sd_error *parse_agent(struct tp *c, yaml_node_t *map, struct sd_agent *a)
{
	if (map->type != YAML_MAPPING_NODE)
		return at(c, map,
			  "agents: each agent must be a mapping, like {name: Ana, email: "
			  "ana@example.com, queues: [desk]}");
	sd_error *err = NULL;
	a->line = map->start_mark.line + 1;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
		const char *key = scalar(k) ? scalar(k) : "", *s = scalar(v);
		if (!strcmp(key, "name") || !strcmp(key, "email") || !strcmp(key, "calendar")) {
			char **slot = key[0] == 'n' ? &a->name
				: key[0] == 'e'	    ? &a->email
						    : &a->calendar;
			if (!s)
				return at(c, v, "agents: '%s' must be a single value", key);
			if ((err = sd_field_validate(SD_F_ASSIGNEE, s)))
				return wrap(c, v, err);
			if (key[0] == 'e' && !valid_email(s))
				return at(c, v,
					  "agents: '%s' is not an e-mail address; write it as "
					  "name@example.com",
					  s);
			if (key[0] == 'c')
				a->calendar_line = v->start_mark.line + 1;
			free(*slot);
			*slot = sd_xstrdup(s);
		} else if (!strcmp(key, "queues")) {
			if ((err = list(c, v, "queues", SD_F_QUEUE, &a->queues)))
				return err;
		} else if (!strcmp(key, "tiers")) {
			if ((err = list(c, v, "tiers", SD_F_TIER, &a->tiers)))
				return err;
		} else if (!strcmp(key, "away")) {
			if ((err = parse_away(c, v, a)))
				return err;
		} else if (!strcmp(key, "capacity")) {
			char *end = NULL;
			long n = s ? strtol(s, &end, 10) : -1;
			if (!s || !*s || *end || n < 1 || n > 1000000)
				return at(c, v,
					  "agents: capacity must be a whole number from 1, like 10");
			a->capacity = n;
		} else {
			return at(c, k,
				  "agents: unknown key '%s'; an agent has name, email, queues, tiers, "
				  "calendar, away and capacity",
				  key);
		}
	}
	if (!a->email)
		return at(c, map, "agents: every agent needs an email");
	if (!a->name)
		a->name = sd_xstrdup("");
	if (!a->calendar)
		a->calendar = sd_xstrdup("");
	return NULL;
}

static sd_error *parse_rule(struct tp *c, yaml_node_t *map, struct sd_rule *r, size_t index)
{
	if (map->type != YAML_MAPPING_NODE)
		return at(c, map, "routing: each rule must be a mapping of name, match and set");
	sd_error *err = NULL;
	r->line = map->start_mark.line + 1;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
		const char *key = scalar(k) ? scalar(k) : "";
		if (!strcmp(key, "name")) {
			if (!scalar(v) || !*scalar(v))
				return at(c, v, "routing: a rule's name must be a plain word");
			if ((err = sd_field_validate(SD_F_CATEGORY, scalar(v))))
				return wrap(c, v, err);
			free(r->name);
			r->name = sd_xstrdup(scalar(v));
		} else if (!strcmp(key, "match")) {
			if ((err = mapping(c, v, "match")))
				return err;
			for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
			     q < v->data.mapping.pairs.top; q++) {
				yaml_node_t *mk = node(c, q->key), *mv = node(c, q->value);
				int m = scalar(mk) ? sd_value_index(sd_rule_keys, scalar(mk)) : -1;
				if (m < 0)
					return at(c, mk,
						  "match: unknown key '%s'; use type, category, tags, "
						  "requester, words or channel",
						  scalar(mk) ? scalar(mk) : "");
				int f = m == SD_RULE_TYPE   ? SD_F_TYPE
					: m == SD_RULE_TAGS ? SD_F_TAGS
							    : -1;
				if ((err = list(c, mv, sd_rule_keys[m], f, &r->match[m])))
					return err;
				for (size_t i = 0; m == SD_RULE_CHANNEL && i < r->match[m].n; i++)
					if (sd_value_index(sd_channels, r->match[m].v[i]) < 0)
						return at(c, mv,
							  "match: unknown channel '%s'; use cli, "
							  "mail, web or import",
							  r->match[m].v[i]);
			}
		} else if (!strcmp(key, "set")) {
			if ((err = mapping(c, v, "set")))
				return err;
			for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
			     q < v->data.mapping.pairs.top; q++) {
				yaml_node_t *sk = node(c, q->key), *sv = node(c, q->value);
				const char *name = scalar(sk) ? scalar(sk) : "";
				int s = sd_value_index(sd_rule_set_keys, name);
				if (!strcmp(name, "tags")) {
					if ((err = list(c, sv, "tags", SD_F_TAGS, &r->tags)))
						return err;
				} else if (!strcmp(name, "assign")) {
					free(r->assign.agent);
					r->assign.agent = NULL;
					if ((err = parse_assign(c, sv, &r->assign)))
						return err;
				} else if (s >= 0) {
					if (!scalar(sv) || !*scalar(sv))
						return at(c, sv, "set: '%s' must be a single value",
							  name);
					if ((err = sd_field_validate((enum sd_field)
									     sd_rule_set_fields[s],
								     scalar(sv))))
						return wrap(c, sv, err);
					free(r->set[s]);
					r->set[s] = sd_xstrdup(scalar(sv));
				} else {
					return at(c, sk,
						  "set: unknown key '%s'; use queue, tier, category, "
						  "type, impact, urgency, tags or assign",
						  name);
				}
			}
		} else {
			return at(c, k, "routing: unknown key '%s'; a rule has name, match and set",
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
	struct tp c = { doc, path };
	sd_error *err = NULL;
	if (!strcmp(section, "queues")) {
		release_queues(team);
		if ((err = mapping(&c, value, "queues")))
			return err;
		size_t n =
			(size_t)(value->data.mapping.pairs.top - value->data.mapping.pairs.start);
		team->queues = sd_xcalloc(n ? n : 1, sizeof(*team->queues));
		for (yaml_node_pair_t *p = value->data.mapping.pairs.start;
		     p < value->data.mapping.pairs.top; p++) {
			yaml_node_t *k = node(&c, p->key), *v = node(&c, p->value);
			struct sd_queue *q = &team->queues[team->nqueues];
			if (!scalar(k) || !*scalar(k))
				return at(&c, k, "queues: a queue's name must be a plain word");
			if ((err = sd_field_validate(SD_F_QUEUE, scalar(k))))
				return wrap(&c, k, err);
			if (v->type != YAML_MAPPING_NODE)
				return at(&c, v,
					  "queues: '%s' must be a mapping, like {assign: "
					  "round-robin}",
					  scalar(k));
			q->name = sd_xstrdup(scalar(k));
			q->line = k->start_mark.line + 1;
			team->nqueues++;
			for (yaml_node_pair_t *r = v->data.mapping.pairs.start;
			     r < v->data.mapping.pairs.top; r++) {
				yaml_node_t *qk = node(&c, r->key), *qv = node(&c, r->value);
				if (!scalar(qk) || strcmp(scalar(qk), "assign"))
					return at(&c, qk,
						  "queues: unknown key '%s'; a queue has assign",
						  scalar(qk) ? scalar(qk) : "");
				free(q->assign.agent);
				q->assign.agent = NULL;
				if ((err = parse_assign(&c, qv, &q->assign)))
					return err;
			}
		}
		return NULL;
	}
	if (value->type != YAML_SEQUENCE_NODE)
		return at(&c, value, "'%s' must be a list (each item starting with '- ')", section);
	if (!strcmp(section, "agents")) {
		release_agents(team);
		team->agents = sd_xcalloc(count(value) + 1, sizeof(*team->agents));
		for (yaml_node_item_t *it = value->data.sequence.items.start;
		     it < value->data.sequence.items.top; it++) {
			yaml_node_t *a = node(&c, *it);
			struct sd_agent *ag = &team->agents[team->nagents++];
			if ((err = parse_agent(&c, a, ag)))
				return err;
			for (size_t i = 0; i + 1 < team->nagents; i++)
				if (sd_strcaseeq(team->agents[i].email, ag->email))
					return at(&c, a,
						  "agents: %s is listed twice (first on line %zu)",
						  ag->email, team->agents[i].line);
		}
	} else {
		release_rules(team);
		team->rules = sd_xcalloc(count(value) + 1, sizeof(*team->rules));
		for (yaml_node_item_t *it = value->data.sequence.items.start;
		     it < value->data.sequence.items.top; it++) {
			struct sd_rule *r = &team->rules[team->nrules];
			err = parse_rule(&c, node(&c, *it), r, team->nrules);
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
