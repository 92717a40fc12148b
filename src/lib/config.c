/* SPDX-License-Identifier: MIT */
/* .sd/config.yaml: defaults, parsing and validation. */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "sd/config.h"
#include "sd/ticket.h"
#include "sd/util.h"

const char sd_config_default_text[] =
	"# sd configuration: see sd-config(5).\n"
	"# Lines starting with # are comments; every value below is the default.\n"
	"\n"
	"priority_matrix:          # impact (rows) x urgency (columns) -> priority\n"
	"  high:   {high: P1, medium: P2, low: P3}\n"
	"  medium: {high: P2, medium: P3, low: P4}\n"
	"  low:    {high: P3, medium: P4, low: P5}\n"
	"\n"
	"tiers:                    # order matters: escalation goes down this list\n"
	"  L0: {name: Self-service}\n"
	"  L1: {name: Service desk, queue: desk}\n"
	"  L2: {name: Technical support, queue: second-line}\n"
	"  L3: {name: Experts, queue: experts}\n"
	"  L4: {name: External vendor}\n"
	"\n"
	"defaults:                 # what 'sd new' uses when not told otherwise\n"
	"  type: incident\n"
	"  tier: L1\n"
	"\n"
	"calendars:\n"
	"  office:\n"
	"    timezone: Europe/Ljubljana        # IANA name; local wall-clock hours\n"
	"    hours:\n"
	"      mon: [\"08:00-12:00\", \"13:00-17:00\"]\n"
	"      tue: [\"08:00-12:00\", \"13:00-17:00\"]\n"
	"      wed: [\"08:00-12:00\", \"13:00-17:00\"]\n"
	"      thu: [\"08:00-12:00\", \"13:00-17:00\"]\n"
	"      fri: [\"08:00-12:00\", \"13:00-15:00\"]\n"
	"    holidays: [2026-12-25, 01-01]   # local dates closed all day: YYYY-MM-DD once, MM-DD every year\n"
	"\n"
	"sla:\n"
	"  at_risk: 75%            # share of a target elapsed that makes a clock at-risk\n"
	"  pause: [pending]        # statuses that stop the resolution clock\n"
	"  policies:               # first match wins; 'match' keys: priority, type, queue, category, tag\n"
	"    - name: critical\n"
	"      match: {priority: [P1]}\n"
	"      calendar: 24x7      # built in: always open\n"
	"      first_response: 30m\n"
	"      resolution: 4h\n"
	"    - name: standard\n"
	"      match: {}\n"
	"      calendar: office\n"
	"      first_response: 4h\n"
	"      next_response: 8h   # optional\n"
	"      resolution: 2d4h\n"
	"  on_breach:\n"
	"    escalate: next-tier   # or: none\n"
	"    bump_priority: false  # true: P3 -> P2 on breach\n"
	"    notify: []            # argv of a command run with the ticket's JSON on stdin;\n"
	"                          # it runs only once approved on each clone (sd trust)\n"
	"  on_risk:\n"
	"    notify: []\n"
	"\n"
	"problems:\n"
	"  similarity: 0.25        # how alike (0 to 1) incidents must be for 'sd problem suggest'\n"
	"\n"
	"# The team and routing (sd-config(5), sd-route(1)): remove the # to use.\n"
	"# agents:\n"
	"#   - name: Ana Novak\n"
	"#     email: ana@example.com           # matched against SD_AUTHOR and git's user.email\n"
	"#     queues: [desk, network]\n"
	"#     tiers: [L1, L2]\n"
	"#     calendar: office                 # on shift in its hours; none: always\n"
	"#     away: [2026-12-24..2027-01-02]\n"
	"#     capacity: 10                     # most open tickets at once\n"
	"#   - name: Bor Kos\n"
	"#     email: bor@example.com\n"
	"#     queues: [desk]\n"
	"# queues:\n"
	"#   desk: {assign: round-robin}        # or least-loaded, none, an agent's email\n"
	"#   network: {assign: least-loaded}\n"
	"# routing:                             # first match wins\n"
	"#   - name: network\n"
	"#     match: {words: [vpn, wifi, \"ne dela\"], channel: [mail, web]}\n"
	"#     set: {queue: network, tier: L2, category: network}\n"
	"#   - name: finance\n"
	"#     match: {requester: \"*@finance.example.com\"}\n"
	"#     set: {urgency: high, tags: [finance], assign: ana@example.com}\n";

const char *const sd_match_keys[SD_MATCH_COUNT + 1] = { "priority", "type", "queue",
							"category", "tag",  NULL };

const char *const sd_command_keys[SD_CMD_COUNT + 1] = { "sla.on_breach.notify",
							"sla.on_risk.notify", NULL };

static const char *const default_matrix[3][3] = {
	{ "P1", "P2", "P3" },
	{ "P2", "P3", "P4" },
	{ "P3", "P4", "P5" },
};

static const char *const default_tier_names[5] = { "Self-service", "Service desk",
						   "Technical support", "Experts",
						   "External vendor" };
static const char *const default_tier_queues[5] = { "", "desk", "second-line", "experts", "" };

void sd_config_init(struct sd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			memcpy(cfg->priority_matrix[i][j], default_matrix[i][j], 3);
	for (int i = 0; i < 5; i++) {
		cfg->tiers[i].name = sd_xstrdup(default_tier_names[i]);
		cfg->tiers[i].queue = sd_xstrdup(default_tier_queues[i]);
	}
	cfg->default_type = sd_xstrdup("incident");
	cfg->default_tier = sd_xstrdup("L1");
	sd_calendar_init_24x7(&cfg->always);
	cfg->at_risk_percent = 75;
	sd_strvec_push(&cfg->pause, "pending");
	cfg->breach_escalate = 1;
	cfg->command_timeout = SD_COMMAND_TIMEOUT_DEFAULT;
	cfg->problem_similarity = 0.25;
}

static void release_policies(struct sd_config *cfg)
{
	for (size_t i = 0; i < cfg->npolicies; i++) {
		free(cfg->policies[i].name);
		free(cfg->policies[i].calendar);
		for (int k = 0; k < SD_MATCH_COUNT; k++)
			sd_strvec_clear(&cfg->policies[i].match[k]);
	}
	free(cfg->policies);
	cfg->policies = NULL;
	cfg->npolicies = 0;
}

static void release_calendars(struct sd_config *cfg)
{
	for (size_t i = 0; i < cfg->ncalendars; i++)
		sd_calendar_release(&cfg->calendars[i]);
	free(cfg->calendars);
	cfg->calendars = NULL;
	cfg->ncalendars = 0;
}

struct sd_calendar *sd_config_calendar(struct sd_config *cfg, const char *name)
{
	if (!strcmp(name, "24x7"))
		return &cfg->always;
	for (size_t i = 0; i < cfg->ncalendars; i++)
		if (!strcmp(cfg->calendars[i].name, name))
			return &cfg->calendars[i];
	return NULL;
}

void sd_config_release(struct sd_config *cfg)
{
	for (int i = 0; i < 5; i++) {
		free(cfg->tiers[i].name);
		free(cfg->tiers[i].queue);
	}
	free(cfg->default_type);
	free(cfg->default_tier);
	release_calendars(cfg);
	release_policies(cfg);
	sd_calendar_release(&cfg->always);
	sd_strvec_clear(&cfg->pause);
	sd_team_release(&cfg->team);
	for (int i = 0; i < SD_CMD_COUNT; i++) {
		sd_strvec_clear(&cfg->commands[i].tracked);
		sd_strvec_clear(&cfg->commands[i].local);
	}
	memset(cfg, 0, sizeof(*cfg));
}

const char *sd_config_priority(const struct sd_config *cfg, const char *impact, const char *urgency)
{
	int i = sd_value_index(sd_levels, impact), u = sd_value_index(sd_levels, urgency);
	if (i < 0 || u < 0)
		return NULL;
	return cfg->priority_matrix[i][u];
}

struct cfg_parse {
	yaml_document_t doc;
	const char *path;
};

static sd_error *node_error(struct cfg_parse *c, yaml_node_t *node, const char *fmt, ...)
	SD_PRINTF(3, 4);

static sd_error *node_error(struct cfg_parse *c, yaml_node_t *node, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sd_error *err = sd_error_newv(SD_EXIT_INVALID, fmt, ap);
	va_end(ap);
	return sd_error_wrap(err, "%s:%zu", c->path, node->start_mark.line + 1);
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A node as an error message shows it. */
static const char *shown(yaml_node_t *n)
{
	return scalar(n) ? scalar(n) : "(a list or mapping)";
}

static sd_error *expect_mapping(struct cfg_parse *c, yaml_node_t *n, const char *what)
{
	if (n->type != YAML_MAPPING_NODE)
		return node_error(c, n, "'%s' must be a mapping", what);
	return NULL;
}

static sd_error *parse_matrix(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map)
{
	sd_error *err = expect_mapping(c, map, "priority_matrix");
	if (err)
		return err;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&c->doc, p->value);
		int impact = scalar(k) ? sd_value_index(sd_levels, scalar(k)) : -1;
		if (impact < 0)
			return node_error(
				c, k,
				"priority_matrix: unknown impact '%s'; use high, medium or low",
				shown(k));
		if ((err = expect_mapping(c, v, shown(k))))
			return err;
		for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
		     q < v->data.mapping.pairs.top; q++) {
			yaml_node_t *uk = yaml_document_get_node(&c->doc, q->key);
			yaml_node_t *uv = yaml_document_get_node(&c->doc, q->value);
			int urgency = scalar(uk) ? sd_value_index(sd_levels, scalar(uk)) : -1;
			if (urgency < 0)
				return node_error(
					c, uk,
					"priority_matrix: unknown urgency '%s'; use high, medium or low",
					shown(uk));
			if (!scalar(uv) || sd_value_index(sd_priorities, scalar(uv)) < 0)
				return node_error(c, uv,
						  "priority_matrix: invalid priority '%s'; use P1 to P5",
						  shown(uv));
			memcpy(cfg->priority_matrix[impact][urgency], scalar(uv), 3);
		}
	}
	return NULL;
}

static sd_error *parse_tiers(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map)
{
	sd_error *err = expect_mapping(c, map, "tiers");
	if (err)
		return err;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&c->doc, p->value);
		int tier = scalar(k) ? sd_value_index(sd_tiers, scalar(k)) : -1;
		if (tier < 0)
			return node_error(c, k, "tiers: unknown tier '%s'; use L0 to L4", shown(k));
		if ((err = expect_mapping(c, v, shown(k))))
			return err;
		for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
		     q < v->data.mapping.pairs.top; q++) {
			yaml_node_t *fk = yaml_document_get_node(&c->doc, q->key);
			yaml_node_t *fv = yaml_document_get_node(&c->doc, q->value);
			const char *name = scalar(fk), *value = scalar(fv);
			if (!value)
				return node_error(c, fv, "tiers: '%s' must be a single value",
						  name ? name : "");
			char **slot = NULL;
			if (name && !strcmp(name, "name"))
				slot = &cfg->tiers[tier].name;
			else if (name && !strcmp(name, "queue"))
				slot = &cfg->tiers[tier].queue;
			else
				return node_error(c, fk,
						  "tiers: unknown key '%s'; a tier has name and queue",
						  shown(fk));
			free(*slot);
			*slot = sd_xstrdup(value);
		}
	}
	return NULL;
}

static sd_error *parse_defaults(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map)
{
	sd_error *err = expect_mapping(c, map, "defaults");
	if (err)
		return err;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&c->doc, p->value);
		const char *name = scalar(k), *value = scalar(v);
		enum sd_field f;
		char **slot;
		if (name && !strcmp(name, "type"))
			f = SD_F_TYPE, slot = &cfg->default_type;
		else if (name && !strcmp(name, "tier"))
			f = SD_F_TIER, slot = &cfg->default_tier;
		else
			return node_error(c, k, "defaults: unknown key '%s'; use type or tier",
					  name ? name : "");
		if (!value)
			return node_error(c, v, "defaults: '%s' must be a single value",
					  name ? name : "");
		if ((err = sd_field_validate(f, value)))
			return sd_error_wrap(err, "%s:%zu", c->path, v->start_mark.line + 1);
		free(*slot);
		*slot = sd_xstrdup(value);
	}
	return NULL;
}

/* ---- calendars and SLA ---- */

static yaml_node_t *node(struct cfg_parse *c, int index)
{
	return yaml_document_get_node(&c->doc, index);
}

/* A scalar or a list of scalars, appended to out; each checked by check
 * when not NULL. */
static sd_error *string_list(struct cfg_parse *c, yaml_node_t *n, const char *what,
			     struct sd_strvec *out, sd_error *(*check)(const char *))
{
	if (n->type == YAML_SCALAR_NODE) {
		sd_error *err = check ? check(scalar(n)) : NULL;
		if (err)
			return sd_error_wrap(err, "%s:%zu", c->path, n->start_mark.line + 1);
		sd_strvec_push(out, scalar(n));
		return NULL;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return node_error(c, n, "'%s' must be a list", what);
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *item = node(c, *it);
		if (!scalar(item))
			return node_error(c, item, "'%s' must be a list of plain values", what);
		sd_error *err = check ? check(scalar(item)) : NULL;
		if (err)
			return sd_error_wrap(err, "%s:%zu", c->path, item->start_mark.line + 1);
		sd_strvec_push(out, scalar(item));
	}
	return NULL;
}

static sd_error *check_status(const char *v)
{
	return sd_field_validate(SD_F_STATUS, v);
}

static sd_error *parse_calendar(struct cfg_parse *c, struct sd_calendar *cal, yaml_node_t *name,
				yaml_node_t *map)
{
	sd_error *err = expect_mapping(c, map, shown(name));
	yaml_node_t *zone = NULL, *hours = NULL, *holidays = NULL;
	if (err)
		return err;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
		const char *key = scalar(k) ? scalar(k) : "";
		if (!strcmp(key, "timezone"))
			zone = v;
		else if (!strcmp(key, "hours"))
			hours = v;
		else if (!strcmp(key, "holidays"))
			holidays = v;
		else
			return node_error(c, k,
					  "calendars: unknown key '%s'; a calendar has timezone, "
					  "hours and holidays",
					  shown(k));
	}
	if (!zone || !scalar(zone))
		return node_error(c, map, "calendar '%s' needs a timezone, e.g. Europe/Ljubljana",
				  shown(name));
	if ((err = sd_timezone_check(scalar(zone))))
		return sd_error_wrap(err, "%s:%zu", c->path, zone->start_mark.line + 1);
	sd_calendar_init(cal, scalar(name), scalar(zone));
	if (hours) {
		if ((err = expect_mapping(c, hours, "hours")))
			return err;
		for (yaml_node_pair_t *p = hours->data.mapping.pairs.start;
		     p < hours->data.mapping.pairs.top; p++) {
			yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
			int day = scalar(k) ? sd_value_index(sd_weekdays, scalar(k)) : -1;
			struct sd_strvec windows = SD_STRVEC_INIT;
			if (day < 0)
				return node_error(c, k,
						  "hours: unknown day '%s'; use mon, tue, wed, thu, "
						  "fri, sat or sun",
						  shown(k));
			err = string_list(c, v, "hours", &windows, NULL);
			for (size_t i = 0; !err && i < windows.n; i++)
				if ((err = sd_calendar_add_window(cal, day, windows.v[i])))
					err = sd_error_wrap(err, "%s:%zu", c->path,
							    v->start_mark.line + 1);
			sd_strvec_clear(&windows);
			if (err)
				return err;
		}
	}
	if (holidays) {
		struct sd_strvec days = SD_STRVEC_INIT;
		err = string_list(c, holidays, "holidays", &days, NULL);
		for (size_t i = 0; !err && i < days.n; i++)
			if ((err = sd_calendar_add_holiday(cal, days.v[i])))
				err = sd_error_wrap(err, "%s:%zu", c->path,
						    holidays->start_mark.line + 1);
		sd_strvec_clear(&days);
	}
	return err;
}

static sd_error *parse_calendars(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map)
{
	sd_error *err = expect_mapping(c, map, "calendars");
	if (err)
		return err;
	release_calendars(cfg);
	size_t n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
	cfg->calendars = sd_xcalloc(n, sizeof(*cfg->calendars));
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
		if (!scalar(k) || !*scalar(k))
			return node_error(c, k, "calendar names must be plain words");
		if (sd_config_calendar(cfg, scalar(k)))
			return node_error(c, k, "calendar '%s' is defined twice (24x7 is built in)",
					  scalar(k));
		struct sd_calendar *cal = &cfg->calendars[cfg->ncalendars];
		memset(cal, 0, sizeof(*cal));
		err = parse_calendar(c, cal, k, v);
		if (cal->name)
			cfg->ncalendars++;
		if (err)
			return err;
	}
	return NULL;
}

static sd_error *duration(struct cfg_parse *c, yaml_node_t *n, int64_t *out)
{
	sd_error *err = scalar(n) ? sd_duration_parse(out, scalar(n))
				  : sd_error_invalid("a duration must be a single value like 4h");
	return err ? sd_error_wrap(err, "%s:%zu", c->path, n->start_mark.line + 1) : NULL;
}

static sd_error *parse_policy(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map,
			      struct sd_sla_policy *pol)
{
	sd_error *err = expect_mapping(c, map, "policies");
	int have_first = 0, have_resolution = 0;
	yaml_node_t *calendar = NULL;
	if (err)
		return err;
	pol->next_response = -1;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
		const char *key = scalar(k) ? scalar(k) : "";
		if (!strcmp(key, "name")) {
			if (!scalar(v) || !*scalar(v))
				return node_error(c, v, "a policy name must be a plain word");
			free(pol->name);
			pol->name = sd_xstrdup(scalar(v));
		} else if (!strcmp(key, "match")) {
			if ((err = expect_mapping(c, v, "match")))
				return err;
			for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
			     q < v->data.mapping.pairs.top; q++) {
				yaml_node_t *mk = node(c, q->key), *mv = node(c, q->value);
				int m = scalar(mk) ? sd_value_index(sd_match_keys, scalar(mk)) : -1;
				if (m < 0)
					return node_error(c, mk,
							  "match: unknown key '%s'; use priority, type, "
							  "queue, category or tag",
							  shown(mk));
				if ((err = string_list(c, mv, sd_match_keys[m], &pol->match[m],
						       NULL)))
					return err;
				static const enum sd_field checked[] = { SD_F_PRIORITY, SD_F_TYPE };
				for (size_t i = 0; m < 2 && i < pol->match[m].n; i++)
					if ((err = sd_field_validate(checked[m],
								     pol->match[m].v[i])))
						return sd_error_wrap(err, "%s:%zu", c->path,
								     mv->start_mark.line + 1);
			}
		} else if (!strcmp(key, "calendar")) {
			calendar = v;
		} else if (!strcmp(key, "first_response")) {
			if ((err = duration(c, v, &pol->first_response)))
				return err;
			have_first = 1;
		} else if (!strcmp(key, "next_response")) {
			if ((err = duration(c, v, &pol->next_response)))
				return err;
		} else if (!strcmp(key, "resolution")) {
			if ((err = duration(c, v, &pol->resolution)))
				return err;
			have_resolution = 1;
		} else {
			return node_error(c, k,
					  "policies: unknown key '%s'; a policy has name, match, "
					  "calendar, first_response, next_response and resolution",
					  shown(k));
		}
	}
	if (!pol->name)
		return node_error(c, map, "a policy needs a name");
	if (!calendar || !scalar(calendar))
		return node_error(c, map, "policy '%s' needs a calendar (24x7 or one of calendars)",
				  pol->name);
	if (!sd_config_calendar(cfg, scalar(calendar)))
		return node_error(c, calendar,
				  "unknown calendar '%s': define it under calendars, or "
				  "use the built-in 24x7",
				  scalar(calendar));
	pol->calendar = sd_xstrdup(scalar(calendar));
	if (!have_first || !have_resolution)
		return node_error(c, map, "policy '%s' needs first_response and resolution",
				  pol->name);
	return NULL;
}

static sd_error *parse_notify(struct cfg_parse *c, yaml_node_t *map, const char *what,
			      struct sd_config_command *notify, struct sd_config *cfg, int breach)
{
	sd_error *err = expect_mapping(c, map, what);
	if (err)
		return err;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
		const char *key = scalar(k) ? scalar(k) : "", *value = scalar(v);
		if (!strcmp(key, "notify")) {
			sd_strvec_clear(&notify->tracked);
			notify->tracked_line = v->start_mark.line + 1;
			if ((err = string_list(c, v, "notify", &notify->tracked, NULL)))
				return err;
		} else if (breach && !strcmp(key, "escalate")) {
			if (!value || (strcmp(value, "next-tier") && strcmp(value, "none")))
				return node_error(c, v, "on_breach: escalate is next-tier or none");
			cfg->breach_escalate = !strcmp(value, "next-tier");
		} else if (breach && !strcmp(key, "bump_priority")) {
			if (!value || (strcmp(value, "true") && strcmp(value, "false")))
				return node_error(c, v,
						  "on_breach: bump_priority is true or false");
			cfg->breach_bump_priority = !strcmp(value, "true");
		} else {
			return node_error(c, k,
					  breach ? "on_breach: unknown key '%s'; use escalate, "
						   "bump_priority and notify"
						 : "on_risk: unknown key '%s'; use notify",
					  shown(k));
		}
	}
	return NULL;
}

static sd_error *parse_sla(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map,
			   yaml_node_t **policies_out)
{
	sd_error *err = expect_mapping(c, map, "sla");
	if (err)
		return err;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
		const char *key = scalar(k) ? scalar(k) : "";
		if (!strcmp(key, "at_risk")) {
			const char *s = scalar(v);
			char *end = NULL;
			long pct = s ? strtol(s, &end, 10) : -1;
			if (!s || end == s || strcmp(end, "%") || pct < 1 || pct > 100)
				return node_error(
					c, v,
					"at_risk must be a percentage from 1%% to 100%%, like 75%%");
			cfg->at_risk_percent = (int)pct;
		} else if (!strcmp(key, "pause")) {
			sd_strvec_clear(&cfg->pause);
			if ((err = string_list(c, v, "pause", &cfg->pause, check_status)))
				return err;
		} else if (!strcmp(key, "policies")) {
			if (v->type != YAML_SEQUENCE_NODE)
				return node_error(c, v, "'policies' must be a list");
			*policies_out = v; /* after calendars, which may come later in the file */
		} else if (!strcmp(key, "on_breach")) {
			if ((err = parse_notify(c, v, "on_breach",
						&cfg->commands[SD_CMD_BREACH_NOTIFY], cfg, 1)))
				return err;
		} else if (!strcmp(key, "on_risk")) {
			if ((err = parse_notify(c, v, "on_risk", &cfg->commands[SD_CMD_RISK_NOTIFY],
						cfg, 0)))
				return err;
		} else {
			return node_error(c, k,
					  "sla: unknown key '%s'; use at_risk, pause, policies, "
					  "on_breach and on_risk",
					  shown(k));
		}
	}
	return NULL;
}

static sd_error *parse_policies(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *list)
{
	release_policies(cfg);
	size_t n = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
	cfg->policies = sd_xcalloc(n, sizeof(*cfg->policies));
	for (yaml_node_item_t *it = list->data.sequence.items.start;
	     it < list->data.sequence.items.top; it++) {
		struct sd_sla_policy *pol = &cfg->policies[cfg->npolicies++];
		sd_error *err = parse_policy(c, cfg, node(c, *it), pol);
		if (err)
			return err;
	}
	return NULL;
}

/* Loads text as one YAML document into c->doc; *root gets its root
 * mapping, or NULL for an empty file. The caller deletes c->doc when
 * this succeeds. */
static sd_error *load(struct cfg_parse *c, const char *text, size_t len, yaml_node_t **root)
{
	yaml_parser_t parser;
	sd_error *err = NULL;
	*root = NULL;
	if (!yaml_parser_initialize(&parser))
		return sd_error_fatal("cannot initialise the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &c->doc)) {
		err = sd_error_invalid("%s:%zu: %s", c->path, parser.problem_mark.line + 1,
				       parser.problem ? parser.problem : "invalid YAML");
		yaml_parser_delete(&parser);
		return err;
	}
	yaml_parser_delete(&parser);
	*root = yaml_document_get_root_node(&c->doc);
	if (*root && (err = expect_mapping(c, *root, "the configuration"))) {
		yaml_document_delete(&c->doc);
		return err;
	}
	return NULL;
}

/* A decimal from 0 to 1 ("0.3", "1"), read digit by digit: strtod
 * follows LC_NUMERIC, and two clones must read the same number. */
static int parse_fraction(const char *s, double *out)
{
	double v = 0, scale = 1;
	int digits = 0;
	for (; sd_ascii_isdigit((unsigned char)*s); s++, digits++)
		v = v * 10 + (*s - '0');
	if (*s == '.')
		for (s++; sd_ascii_isdigit((unsigned char)*s); s++, digits++)
			v += (*s - '0') * (scale /= 10);
	if (*s || !digits || v > 1)
		return 0;
	*out = v;
	return 1;
}

static sd_error *parse_problems(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map)
{
	sd_error *err = expect_mapping(c, map, "problems");
	if (err)
		return err;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
		const char *key = scalar(k) ? scalar(k) : "";
		if (strcmp(key, "similarity"))
			return node_error(c, k, "problems: unknown key '%s'; use similarity",
					  shown(k));
		if (!scalar(v) || !parse_fraction(scalar(v), &cfg->problem_similarity))
			return node_error(c, v,
					  "problems.similarity must be a number from 0 to 1, "
					  "like 0.3");
	}
	return NULL;
}

sd_error *sd_config_parse(struct sd_config *cfg, const char *text, size_t len, const char *path)
{
	struct cfg_parse c = { .path = path };
	yaml_node_t *root, *policies = NULL;
	sd_error *err = load(&c, text, len, &root);
	if (err)
		return err;
	if (!root)
		goto done; /* an empty file keeps every default */
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(&c.doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&c.doc, p->value);
		const char *name = scalar(k);
		if (!name)
			err = node_error(&c, k, "keys must be plain words");
		else if (!strcmp(name, "priority_matrix"))
			err = parse_matrix(&c, cfg, v);
		else if (!strcmp(name, "tiers"))
			err = parse_tiers(&c, cfg, v);
		else if (!strcmp(name, "defaults"))
			err = parse_defaults(&c, cfg, v);
		else if (!strcmp(name, "calendars"))
			err = parse_calendars(&c, cfg, v);
		else if (!strcmp(name, "sla"))
			err = parse_sla(&c, cfg, v, &policies);
		else if (!strcmp(name, "problems"))
			err = parse_problems(&c, cfg, v);
		else if (!strcmp(name, "agents") || !strcmp(name, "routing") ||
			 !strcmp(name, "queues"))
			err = sd_team_parse(&cfg->team, &c.doc, name, v, c.path);
		else if (!strcmp(name, "commands"))
			err = node_error(&c, k,
					 "'commands' belongs in the local configuration, "
					 ".git/sd/config.yaml, not in the tracked file (see "
					 "sd-config(5))");
		/* Other sections belong to features that read them (sla,
		 * calendars, ...); unknown ones are left alone so that an older
		 * sd can work in a store configured by a newer one. */
		if (err)
			break;
	}
	if (!err && policies)
		err = parse_policies(&c, cfg, policies);
done:
	yaml_document_delete(&c.doc);
	return err;
}

/* ---- the local configuration ---- */

/* What .git/sd/config.yaml may set: what must never arrive by a pull,
 * because it decides what runs on this machine. A key added here (the
 * mail issue's mail.sendmail, say) is parsed by its kind. */
enum local_kind { LOCAL_COMMAND, LOCAL_SECONDS };
static const struct local_key {
	const char *key;
	enum local_kind kind;
	int command; /* an sd_command_key, for LOCAL_COMMAND */
} local_keys[] = {
	{ "sla.on_breach.notify", LOCAL_COMMAND, SD_CMD_BREACH_NOTIFY },
	{ "sla.on_risk.notify", LOCAL_COMMAND, SD_CMD_RISK_NOTIFY },
	{ "commands.timeout", LOCAL_SECONDS, -1 },
};
#define NLOCAL_KEYS (sizeof(local_keys) / sizeof(local_keys[0]))

static sd_error *local_value(struct cfg_parse *c, struct sd_config *cfg, const struct local_key *lk,
			     yaml_node_t *v)
{
	if (lk->kind == LOCAL_COMMAND) {
		struct sd_config_command *cmd = &cfg->commands[lk->command];
		sd_strvec_clear(&cmd->local);
		cmd->has_local = 1;
		return string_list(c, v, lk->key, &cmd->local, NULL);
	}
	/* Seconds, as a number or a duration like 2m. */
	const char *s = scalar(v);
	int64_t secs = -1;
	if (s && *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 9)
		secs = atol(s);
	else if (s)
		sd_error_free(sd_duration_parse(&secs, s));
	if (secs < 1 || secs > 86400)
		return node_error(c, v, "%s must be from 1 to 86400 seconds, like 30 or 2m",
				  lk->key);
	cfg->command_timeout = (int)secs;
	return NULL;
}

/* Walks the mappings of the local config, naming each value by its
 * dotted key, so that nested (sla: {on_risk: {notify: ...}}) and dotted
 * (sla.on_risk.notify: ...) spellings are the same. */
static sd_error *parse_local_map(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map,
				 const char *prefix)
{
	sd_error *err = NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     !err && p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
		if (!scalar(k))
			return node_error(c, k, "keys must be plain words");
		struct sd_buf key = SD_BUF_INIT;
		sd_buf_printf(&key, "%s%s%s", prefix, *prefix ? "." : "", scalar(k));
		size_t i = 0;
		while (i < NLOCAL_KEYS && strcmp(local_keys[i].key, key.data))
			i++;
		if (i < NLOCAL_KEYS)
			err = local_value(c, cfg, &local_keys[i], v);
		else if (v->type == YAML_MAPPING_NODE && key.len < 64)
			/* Bounded: no allowed key is that long, so hostile
			 * nesting ends as an unknown key, not a deep stack. */
			err = parse_local_map(c, cfg, v, key.data);
		else {
			struct sd_buf allowed = SD_BUF_INIT;
			for (size_t j = 0; j < NLOCAL_KEYS; j++)
				sd_buf_printf(&allowed, "%s%s", j ? ", " : "", local_keys[j].key);
			err = node_error(c, k,
					 "'%s' cannot be set in the local configuration; it "
					 "takes %s (the rest belongs in " SD_CONFIG_PATH ")",
					 key.data, allowed.data);
			sd_buf_release(&allowed);
		}
		sd_buf_release(&key);
	}
	return err;
}

sd_error *sd_config_parse_local(struct sd_config *cfg, const char *text, size_t len,
				const char *path)
{
	struct cfg_parse c = { .path = path };
	yaml_node_t *root;
	sd_error *err = load(&c, text, len, &root);
	if (err)
		return err;
	if (root)
		err = parse_local_map(&c, cfg, root, "");
	yaml_document_delete(&c.doc);
	return err;
}
