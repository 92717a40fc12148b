/* SPDX-License-Identifier: MIT */
/* .sd/config.yaml: defaults, parsing and validation. */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "sd/config.h"
#include "sd/yamlnode.h"
#include "sd/text.h"
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
	"#     set: {urgency: high, tags: [finance], assign: ana@example.com}\n"
	"\n"
	"mail:                     # sd mail (in) and sd mail send (out): sd-mail(1)\n"
	"  addresses: []           # the desk's own, e.g. [help@example.com]; the first is the From\n"
	"                          # of mail sd sends; mail from any of them is refused\n"
	"  name: \"\"                # display name of that From, e.g. \"Help desk\"\n"
	"  tag: sd                 # subject tag: [sd #1a2b3c4d] (sd mail --tag overrides it)\n"
	"  reopen_days: 14         # a reply reopens a ticket closed at most this many days ago;\n"
	"                          # later, it opens a new ticket that refers to the old one\n"
	"  thread_window: off      # e.g. 3d: a message with no reference or tag answers the\n"
	"                          # sender's ticket of the same subject updated this recently\n"
	"  max_message_bytes: 10MB # attachments of one message together; more are dropped\n"
	"  max_file_bytes: 10MB    # one attachment; a larger one is dropped (and the sender told)\n"
	"  keep_original: true     # keep each message as an .eml file beside its attachments\n"
	"  auto_reply: on          # acknowledge a new ticket from mail or the web\n"
	"  auto_reply_limit: 3     # at most this many auto-replies per sender per 24 hours\n"
	"  auto_reply_template: .sd/templates/auto-reply.md   # built-in text when missing\n"
	"  notify:                 # agents told by mail: queue (its agents), assignee, addresses\n"
	"    new_ticket: [queue]\n"
	"    assigned: [assignee]\n"
	"    requester_reply: [assignee]\n"
	"    sla_at_risk: [assignee, queue]\n"
	"    sla_breach: [assignee, queue]\n"
	"  # The command that sends is set per clone in .git/sd/config.yaml, as\n"
	"  # mail.sendmail: [/usr/sbin/sendmail, -t, -oi] (the default), never here.\n"
	"\n"
	"# display:\n"
	"#   timezone: Europe/Ljubljana   # times for people when TZ is unset (else UTC)\n";

const char *const sd_match_keys[SD_MATCH_COUNT + 1] = { "priority", "type", "queue",
							"category", "tag",  NULL };

const char *const sd_command_keys[SD_CMD_COUNT + 1] = { "sla.on_breach.notify",
							"sla.on_risk.notify", "mail.sendmail",
							NULL };

const char *const sd_mail_events[SD_MAIL_EV_COUNT + 1] = { "new_ticket",      "assigned",
							   "requester_reply", "sla_at_risk",
							   "sla_breach",      NULL };

static const char *const default_matrix[3][3] = {
	{ "P1", "P2", "P3" },
	{ "P2", "P3", "P4" },
	{ "P3", "P4", "P5" },
};

static void sd_portal_config_init(struct sd_portal_config *p);
static void sd_portal_config_release(struct sd_portal_config *p);

static const char *const default_tier_names[5] = { "Self-service", "Service desk",
						   "Technical support", "Experts",
						   "External vendor" };
static const char *const default_tier_queues[5] = { "", "desk", "second-line", "experts", "" };

static void mail_init(struct sd_mail_config *m)
{
	m->name = sd_xstrdup("");
	m->tag = sd_xstrdup(SD_MAIL_TAG_DEFAULT);
	m->reopen_days = SD_MAIL_REOPEN_DAYS_DEFAULT;
	m->max_message_bytes = SD_MAIL_MAX_BYTES_DEFAULT;
	m->max_file_bytes = SD_MAIL_MAX_BYTES_DEFAULT;
	m->keep_original = 1;
	m->auto_reply = 1;
	m->auto_reply_limit = SD_MAIL_AUTO_REPLY_LIMIT_DEFAULT;
	m->auto_reply_template = sd_xstrdup(SD_MAIL_TEMPLATE_DEFAULT);
	m->notify[SD_MAIL_EV_NEW_TICKET].queue = 1;
	m->notify[SD_MAIL_EV_ASSIGNED].assignee = 1;
	m->notify[SD_MAIL_EV_REQUESTER_REPLY].assignee = 1;
	m->notify[SD_MAIL_EV_SLA_AT_RISK].assignee = 1;
	m->notify[SD_MAIL_EV_SLA_AT_RISK].queue = 1;
	m->notify[SD_MAIL_EV_SLA_BREACH].assignee = 1;
	m->notify[SD_MAIL_EV_SLA_BREACH].queue = 1;
}

static void mail_release(struct sd_mail_config *m)
{
	sd_strvec_clear(&m->addresses);
	free(m->name);
	free(m->tag);
	free(m->auto_reply_template);
	for (int i = 0; i < SD_MAIL_EV_COUNT; i++)
		sd_strvec_clear(&m->notify[i].addresses);
}

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
	mail_init(&cfg->mail);
	static const char *const sendmail[] = { SD_SENDMAIL_DEFAULT };
	for (size_t i = 0; i < sizeof(sendmail) / sizeof(*sendmail); i++)
		sd_strvec_push(&cfg->sendmail_default, sendmail[i]);
	sd_portal_config_init(&cfg->portal);
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
	free(cfg->display_timezone);
	release_calendars(cfg);
	release_policies(cfg);
	sd_calendar_release(&cfg->always);
	sd_strvec_clear(&cfg->pause);
	sd_team_release(&cfg->team);
	for (int i = 0; i < SD_CMD_COUNT; i++) {
		sd_strvec_clear(&cfg->commands[i].tracked);
		sd_strvec_clear(&cfg->commands[i].local);
	}
	mail_release(&cfg->mail);
	sd_strvec_clear(&cfg->sendmail_default);
	sd_portal_config_release(&cfg->portal);
	memset(cfg, 0, sizeof(*cfg));
}

const struct sd_strvec *sd_config_sendmail(const struct sd_config *cfg)
{
	const struct sd_config_command *c = &cfg->commands[SD_CMD_SENDMAIL];
	return c->has_local ? &c->local : &cfg->sendmail_default;
}

int sd_config_own_address(const struct sd_config *cfg, const char *addr)
{
	for (size_t i = 0; i < cfg->mail.addresses.n; i++)
		if (sd_strcaseeq(cfg->mail.addresses.v[i], addr))
			return 1;
	return 0;
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
	struct sd_ydoc y; /* the two, for yamlnode.h */
};

/* A node as an error message shows it. */
static const char *shown(yaml_node_t *n)
{
	return sd_yscalar(n) ? sd_yscalar(n) : "(a list or mapping)";
}

static sd_error *parse_matrix(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map)
{
	sd_error *err = sd_ymapping(&c->y, map, "priority_matrix");
	if (err)
		return err;
	yaml_node_t *k, *v;
	SD_YAML_FOR_PAIRS(&c->y, map, k, v)
	{
		int impact = sd_yscalar(k) ? sd_value_index(sd_levels, sd_yscalar(k)) : -1;
		if (impact < 0)
			return sd_yerror(&c->y, k,
					 "priority_matrix: unknown impact '%s'; use high, medium or low",
					 shown(k));
		if ((err = sd_ymapping(&c->y, v, shown(k))))
			return err;
		yaml_node_t *uk, *uv;
		SD_YAML_FOR_PAIRS(&c->y, v, uk, uv)
		{
			int urgency =
				sd_yscalar(uk) ? sd_value_index(sd_levels, sd_yscalar(uk)) : -1;
			if (urgency < 0)
				return sd_yerror(
					&c->y, uk,
					"priority_matrix: unknown urgency '%s'; use high, medium or low",
					shown(uk));
			if (!sd_yscalar(uv) || sd_value_index(sd_priorities, sd_yscalar(uv)) < 0)
				return sd_yerror(&c->y, uv,
						 "priority_matrix: invalid priority '%s'; use P1 to P5",
						 shown(uv));
			memcpy(cfg->priority_matrix[impact][urgency], sd_yscalar(uv), 3);
		}
	}
	return NULL;
}

static sd_error *parse_tiers(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map)
{
	sd_error *err = sd_ymapping(&c->y, map, "tiers");
	if (err)
		return err;
	yaml_node_t *k, *v;
	SD_YAML_FOR_PAIRS(&c->y, map, k, v)
	{
		int tier = sd_yscalar(k) ? sd_value_index(sd_tiers, sd_yscalar(k)) : -1;
		if (tier < 0)
			return sd_yerror(&c->y, k, "tiers: unknown tier '%s'; use L0 to L4",
					 shown(k));
		if ((err = sd_ymapping(&c->y, v, shown(k))))
			return err;
		yaml_node_t *fk, *fv;
		SD_YAML_FOR_PAIRS(&c->y, v, fk, fv)
		{
			const char *name = sd_yscalar(fk), *value = sd_yscalar(fv);
			if (!value)
				return sd_yerror(&c->y, fv, "tiers: '%s' must be a single value",
						 name ? name : "");
			char **slot = NULL;
			if (name && !strcmp(name, "name"))
				slot = &cfg->tiers[tier].name;
			else if (name && !strcmp(name, "queue"))
				slot = &cfg->tiers[tier].queue;
			else
				return sd_yerror(&c->y, fk,
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
	sd_error *err = sd_ymapping(&c->y, map, "defaults");
	if (err)
		return err;
	yaml_node_t *k, *v;
	SD_YAML_FOR_PAIRS(&c->y, map, k, v)
	{
		const char *name = sd_yscalar(k), *value = sd_yscalar(v);
		enum sd_field f;
		char **slot;
		if (name && !strcmp(name, "type"))
			f = SD_F_TYPE, slot = &cfg->default_type;
		else if (name && !strcmp(name, "tier"))
			f = SD_F_TIER, slot = &cfg->default_tier;
		else
			return sd_yerror(&c->y, k, "defaults: unknown key '%s'; use type or tier",
					 name ? name : "");
		if (!value)
			return sd_yerror(&c->y, v, "defaults: '%s' must be a single value",
					 name ? name : "");
		if ((err = sd_field_validate(f, value)))
			return sd_ywrap(&c->y, v, err);
		free(*slot);
		*slot = sd_xstrdup(value);
	}
	return NULL;
}

/* display: how people see the store (display.timezone). */
static sd_error *parse_display(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map)
{
	sd_error *err = sd_ymapping(&c->y, map, "display");
	if (err)
		return err;
	yaml_node_t *k, *v;
	SD_YAML_FOR_PAIRS(&c->y, map, k, v)
	{
		const char *name = sd_yscalar(k), *value = sd_yscalar(v);
		if (!name || strcmp(name, "timezone"))
			return sd_yerror(&c->y, k, "display: unknown key '%s'; use timezone",
					 name ? name : "");
		if (!value)
			return sd_yerror(&c->y, v,
					 "display.timezone must be one zone name, such as "
					 "Europe/Ljubljana");
		if ((err = sd_timezone_check(value)))
			return sd_ywrap(&c->y, v, err);
		free(cfg->display_timezone);
		cfg->display_timezone = sd_xstrdup(value);
	}
	return NULL;
}

/* ---- calendars and SLA ---- */

static sd_error *check_status(const char *v)
{
	return sd_field_validate(SD_F_STATUS, v);
}

static sd_error *parse_calendar(struct cfg_parse *c, struct sd_calendar *cal, yaml_node_t *name,
				yaml_node_t *map)
{
	sd_error *err = sd_ymapping(&c->y, map, shown(name));
	yaml_node_t *zone = NULL, *hours = NULL, *holidays = NULL;
	if (err)
		return err;
	yaml_node_t *k, *v;
	SD_YAML_FOR_PAIRS(&c->y, map, k, v)
	{
		const char *key = sd_yscalar(k) ? sd_yscalar(k) : "";
		if (!strcmp(key, "timezone"))
			zone = v;
		else if (!strcmp(key, "hours"))
			hours = v;
		else if (!strcmp(key, "holidays"))
			holidays = v;
		else
			return sd_yerror(&c->y, k,
					 "calendars: unknown key '%s'; a calendar has timezone, "
					 "hours and holidays",
					 shown(k));
	}
	if (!zone || !sd_yscalar(zone))
		return sd_yerror(&c->y, map,
				 "calendar '%s' needs a timezone, e.g. Europe/Ljubljana",
				 shown(name));
	if ((err = sd_timezone_check(sd_yscalar(zone))))
		return sd_ywrap(&c->y, zone, err);
	sd_calendar_init(cal, sd_yscalar(name), sd_yscalar(zone));
	if (hours) {
		if ((err = sd_ymapping(&c->y, hours, "hours")))
			return err;
		SD_YAML_FOR_PAIRS(&c->y, hours, k, v)
		{
			int day = sd_yscalar(k) ? sd_value_index(sd_weekdays, sd_yscalar(k)) : -1;
			struct sd_strvec windows = SD_STRVEC_INIT;
			if (day < 0)
				return sd_yerror(&c->y, k,
						 "hours: unknown day '%s'; use mon, tue, wed, thu, "
						 "fri, sat or sun",
						 shown(k));
			err = sd_ylist(&c->y, v, "hours", &windows, NULL);
			for (size_t i = 0; !err && i < windows.n; i++)
				if ((err = sd_calendar_add_window(cal, day, windows.v[i])))
					err = sd_ywrap(&c->y, v, err);
			sd_strvec_clear(&windows);
			if (err)
				return err;
		}
	}
	if (holidays) {
		struct sd_strvec days = SD_STRVEC_INIT;
		err = sd_ylist(&c->y, holidays, "holidays", &days, NULL);
		for (size_t i = 0; !err && i < days.n; i++)
			if ((err = sd_calendar_add_holiday(cal, days.v[i])))
				err = sd_ywrap(&c->y, holidays, err);
		sd_strvec_clear(&days);
	}
	return err;
}

static sd_error *parse_calendars(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map)
{
	sd_error *err = sd_ymapping(&c->y, map, "calendars");
	if (err)
		return err;
	release_calendars(cfg);
	size_t n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
	cfg->calendars = sd_xcalloc(n, sizeof(*cfg->calendars));
	yaml_node_t *k, *v;
	SD_YAML_FOR_PAIRS(&c->y, map, k, v)
	{
		if (!sd_yscalar(k) || !*sd_yscalar(k))
			return sd_yerror(&c->y, k, "calendar names must be plain words");
		if (sd_config_calendar(cfg, sd_yscalar(k)))
			return sd_yerror(&c->y, k,
					 "calendar '%s' is defined twice (24x7 is built in)",
					 sd_yscalar(k));
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
	sd_error *err = sd_yscalar(n)
		? sd_duration_parse(out, sd_yscalar(n))
		: sd_error_invalid("a duration must be a single value like 4h");
	return err ? sd_ywrap(&c->y, n, err) : NULL;
}

static sd_error *parse_policy(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map,
			      struct sd_sla_policy *pol)
{
	sd_error *err = sd_ymapping(&c->y, map, "policies");
	int have_first = 0, have_resolution = 0;
	yaml_node_t *calendar = NULL;
	if (err)
		return err;
	pol->next_response = -1;
	yaml_node_t *k, *v;
	SD_YAML_FOR_PAIRS(&c->y, map, k, v)
	{
		const char *key = sd_yscalar(k) ? sd_yscalar(k) : "";
		if (!strcmp(key, "name")) {
			if (!sd_yscalar(v) || !*sd_yscalar(v))
				return sd_yerror(&c->y, v, "a policy name must be a plain word");
			free(pol->name);
			pol->name = sd_xstrdup(sd_yscalar(v));
		} else if (!strcmp(key, "match")) {
			if ((err = sd_ymapping(&c->y, v, "match")))
				return err;
			yaml_node_t *mk, *mv;
			SD_YAML_FOR_PAIRS(&c->y, v, mk, mv)
			{
				int m = sd_yscalar(mk)
					? sd_value_index(sd_match_keys, sd_yscalar(mk))
					: -1;
				if (m < 0)
					return sd_yerror(&c->y, mk,
							 "match: unknown key '%s'; use priority, type, "
							 "queue, category or tag",
							 shown(mk));
				if ((err = sd_ylist(&c->y, mv, sd_match_keys[m], &pol->match[m],
						    NULL)))
					return err;
				static const enum sd_field checked[] = { SD_F_PRIORITY, SD_F_TYPE };
				for (size_t i = 0; m < 2 && i < pol->match[m].n; i++)
					if ((err = sd_field_validate(checked[m],
								     pol->match[m].v[i])))
						return sd_ywrap(&c->y, mv, err);
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
			return sd_yerror(&c->y, k,
					 "policies: unknown key '%s'; a policy has name, match, "
					 "calendar, first_response, next_response and resolution",
					 shown(k));
		}
	}
	if (!pol->name)
		return sd_yerror(&c->y, map, "a policy needs a name");
	if (!calendar || !sd_yscalar(calendar))
		return sd_yerror(&c->y, map,
				 "policy '%s' needs a calendar (24x7 or one of calendars)",
				 pol->name);
	if (!sd_config_calendar(cfg, sd_yscalar(calendar)))
		return sd_yerror(&c->y, calendar,
				 "unknown calendar '%s': define it under calendars, or "
				 "use the built-in 24x7",
				 sd_yscalar(calendar));
	pol->calendar = sd_xstrdup(sd_yscalar(calendar));
	if (!have_first || !have_resolution)
		return sd_yerror(&c->y, map, "policy '%s' needs first_response and resolution",
				 pol->name);
	return NULL;
}

static sd_error *parse_notify(struct cfg_parse *c, yaml_node_t *map, const char *what,
			      struct sd_config_command *notify, struct sd_config *cfg, int breach)
{
	sd_error *err = sd_ymapping(&c->y, map, what);
	if (err)
		return err;
	yaml_node_t *k, *v;
	SD_YAML_FOR_PAIRS(&c->y, map, k, v)
	{
		const char *key = sd_yscalar(k) ? sd_yscalar(k) : "", *value = sd_yscalar(v);
		if (!strcmp(key, "notify")) {
			sd_strvec_clear(&notify->tracked);
			notify->tracked_line = v->start_mark.line + 1;
			if ((err = sd_ylist(&c->y, v, "notify", &notify->tracked, NULL)))
				return err;
		} else if (breach && !strcmp(key, "escalate")) {
			if (!value || (strcmp(value, "next-tier") && strcmp(value, "none")))
				return sd_yerror(&c->y, v,
						 "on_breach: escalate is next-tier or none");
			cfg->breach_escalate = !strcmp(value, "next-tier");
		} else if (breach && !strcmp(key, "bump_priority")) {
			if (!value || (strcmp(value, "true") && strcmp(value, "false")))
				return sd_yerror(&c->y, v,
						 "on_breach: bump_priority is true or false");
			cfg->breach_bump_priority = !strcmp(value, "true");
		} else {
			return sd_yerror(&c->y, k,
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
	sd_error *err = sd_ymapping(&c->y, map, "sla");
	if (err)
		return err;
	yaml_node_t *k, *v;
	SD_YAML_FOR_PAIRS(&c->y, map, k, v)
	{
		const char *key = sd_yscalar(k) ? sd_yscalar(k) : "";
		if (!strcmp(key, "at_risk")) {
			const char *s = sd_yscalar(v);
			char *end = NULL;
			long pct = s ? strtol(s, &end, 10) : -1;
			if (!s || end == s || strcmp(end, "%") || pct < 1 || pct > 100)
				return sd_yerror(
					&c->y, v,
					"at_risk must be a percentage from 1%% to 100%%, like 75%%");
			cfg->at_risk_percent = (int)pct;
		} else if (!strcmp(key, "pause")) {
			sd_strvec_clear(&cfg->pause);
			if ((err = sd_ylist(&c->y, v, "pause", &cfg->pause, check_status)))
				return err;
		} else if (!strcmp(key, "policies")) {
			if (v->type != YAML_SEQUENCE_NODE)
				return sd_yerror(&c->y, v, "'policies' must be a list");
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
			return sd_yerror(&c->y, k,
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
		sd_error *err = parse_policy(c, cfg, sd_ynode(&c->y, *it), pol);
		if (err)
			return err;
	}
	return NULL;
}

/* ---- mail ---- */

/* A byte count: a number, optionally with a unit: 10MB, 512KB, 2MiB, 1G. */
static int parse_bytes(const char *s, int64_t *out)
{
	static const struct {
		const char *unit;
		int64_t factor;
	} units[] = {
		{ "", 1 },	     { "b", 1 },	   { "k", 1000 },	 { "kb", 1000 },
		{ "kib", 1024 },     { "m", 1000000 },	   { "mb", 1000000 },	 { "mib", 1048576 },
		{ "g", 1000000000 }, { "gb", 1000000000 }, { "gib", 1073741824 }
	};
	char *end = NULL;
	if (!s || !(*s >= '0' && *s <= '9') || strlen(s) > 20)
		return 0;
	long long n = strtoll(s, &end, 10);
	while (*end == ' ')
		end++;
	for (size_t i = 0; i < sizeof(units) / sizeof(*units); i++)
		if (sd_strcaseeq(end, units[i].unit)) {
			if (n > INT64_MAX / units[i].factor)
				return 0;
			*out = n * units[i].factor;
			return 1;
		}
	return 0;
}

static int parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "true", "yes", "on", NULL };
	static const char *const no[] = { "false", "no", "off", NULL };
	if (s && sd_value_index(yes, s) >= 0)
		*out = 1;
	else if (s && sd_value_index(no, s) >= 0)
		*out = 0;
	else
		return 0;
	return 1;
}

/* An address sd can write in a header: local@domain in printable ASCII
 * or UTF-8, no spaces, brackets, quotes or commas. */
static sd_error *check_address(const char *a)
{
	const char *at = strrchr(a, '@');
	int ok = at && at != a && at[1] && strlen(a) <= 254;
	for (const unsigned char *p = (const unsigned char *)a; ok && *p; p++)
		if (*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == ',' || *p == ';' ||
		    *p == 0x7f)
			ok = 0;
	return ok ? NULL
		  : sd_error_invalid("'%s' is not a mail address; write it as name@example.com", a);
}

static sd_error *parse_mail_notify(struct cfg_parse *c, struct sd_mail_config *m, yaml_node_t *map)
{
	sd_error *err = sd_ymapping(&c->y, map, "mail.notify");
	if (err)
		return err;
	yaml_node_t *k, *v;
	SD_YAML_FOR_PAIRS(&c->y, map, k, v)
	{
		int ev = sd_yscalar(k) ? sd_value_index(sd_mail_events, sd_yscalar(k)) : -1;
		if (ev < 0)
			return sd_yerror(&c->y, k,
					 "mail.notify: unknown event '%s'; use new_ticket, "
					 "assigned, requester_reply, sla_at_risk and sla_breach",
					 shown(k));
		struct sd_mail_notify *n = &m->notify[ev];
		struct sd_strvec who = SD_STRVEC_INIT;
		n->queue = n->assignee = 0;
		sd_strvec_clear(&n->addresses);
		/* "none" and [] both mean nobody. */
		if (!(sd_yscalar(v) && (!strcmp(sd_yscalar(v), "none") || !*sd_yscalar(v))))
			err = sd_ylist(&c->y, v, "mail.notify", &who, NULL);
		for (size_t i = 0; !err && i < who.n; i++) {
			sd_error *bad = NULL;
			if (!strcmp(who.v[i], "queue"))
				n->queue = 1;
			else if (!strcmp(who.v[i], "assignee"))
				n->assignee = 1;
			else if (!(bad = check_address(who.v[i])))
				sd_strvec_push(&n->addresses, who.v[i]);
			else
				err = sd_yerror(&c->y, v,
						"mail.notify.%s: '%s' is neither queue, assignee "
						"nor a mail address like name@example.com",
						sd_mail_events[ev], who.v[i]);
			sd_error_free(bad);
		}
		sd_strvec_clear(&who);
		if (err)
			return err;
	}
	return NULL;
}

/* A path in the work tree, relative, with no '..', '.' or empty part. */
static int work_tree_path(const char *s)
{
	if (!*s || *s == '/' || strlen(s) > 255)
		return 0;
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, "/");
		if (!n || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)p[i] < ' ' || p[i] == 0x7f || p[i] == '\\')
				return 0;
		p += n;
		if (*p == '/' && !*++p)
			return 0;
	}
	return 1;
}

static sd_error *parse_mail(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map)
{
	struct sd_mail_config *m = &cfg->mail;
	sd_error *err = sd_ymapping(&c->y, map, "mail");
	if (err)
		return err;
	yaml_node_t *k, *v;
	SD_YAML_FOR_PAIRS(&c->y, map, k, v)
	{
		const char *key = sd_yscalar(k) ? sd_yscalar(k) : "", *value = sd_yscalar(v);
		int64_t n = 0;
		if (!strcmp(key, "addresses")) {
			sd_strvec_clear(&m->addresses);
			if ((err = sd_ylist(&c->y, v, "mail.addresses", &m->addresses,
					    check_address)))
				return err;
			for (size_t i = 0; i < m->addresses.n; i++)
				for (char *s = m->addresses.v[i]; *s; s++)
					if (*s >= 'A' && *s <= 'Z')
						*s = (char)(*s - 'A' + 'a');
		} else if (!strcmp(key, "name")) {
			int ok = value && strlen(value) <= 200;
			for (const char *s = value; ok && *s; s++)
				if ((unsigned char)*s < ' ' || *s == 0x7f)
					ok = 0;
			if (!ok || !sd_utf8_valid(value, strlen(value), NULL))
				return sd_yerror(&c->y, v,
						 "mail.name must be one line of text, like \"Help "
						 "desk\"");
			free(m->name);
			m->name = sd_xstrdup(value);
		} else if (!strcmp(key, "tag")) {
			if (!value || !*value || strpbrk(value, "[]# \t") || strlen(value) > 40)
				return sd_yerror(&c->y, v,
						 "mail.tag must be a word without [, ], # or "
						 "spaces, like sd");
			free(m->tag);
			m->tag = sd_xstrdup(value);
		} else if (!strcmp(key, "reopen_days")) {
			if (!value || strspn(value, "0123456789") != strlen(value) || !*value ||
			    strlen(value) > 5 || atoi(value) > 3650)
				return sd_yerror(&c->y, v,
						 "mail.reopen_days must be a number of days from 0 "
						 "to 3650, like 14");
			m->reopen_days = atoi(value);
		} else if (!strcmp(key, "thread_window")) {
			int on = 1;
			sd_error *bad = NULL;
			if (value && parse_bool(value, &on) && !on)
				n = 0;
			else if (!value || (bad = sd_duration_parse(&n, value)) || n < 1) {
				sd_error_free(bad);
				return sd_yerror(&c->y, v,
						 "mail.thread_window must be off or a duration, "
						 "like 3d");
			}
			m->thread_window = n;
		} else if (!strcmp(key, "max_message_bytes") || !strcmp(key, "max_file_bytes")) {
			if (!parse_bytes(value, &n) || n < 1 || n > (int64_t)1 << 30)
				return sd_yerror(&c->y, v,
						 "mail.%s must be a size from 1 byte to 1GiB, like "
						 "10MB",
						 key);
			*(key[4] == 'm' ? &m->max_message_bytes : &m->max_file_bytes) = n;
		} else if (!strcmp(key, "keep_original") || !strcmp(key, "auto_reply")) {
			int b;
			if (!parse_bool(value, &b))
				return sd_yerror(&c->y, v, "mail.%s must be true or false", key);
			*(key[0] == 'k' ? &m->keep_original : &m->auto_reply) = b;
		} else if (!strcmp(key, "auto_reply_limit")) {
			if (!value || !*value || strspn(value, "0123456789") != strlen(value) ||
			    strlen(value) > 4)
				return sd_yerror(&c->y, v,
						 "mail.auto_reply_limit must be a number of "
						 "auto-replies per sender per day, like 3");
			m->auto_reply_limit = atoi(value);
		} else if (!strcmp(key, "auto_reply_template")) {
			if (!value || !work_tree_path(value))
				return sd_yerror(&c->y, v,
						 "mail.auto_reply_template must be a path in the "
						 "store, like " SD_MAIL_TEMPLATE_DEFAULT);
			free(m->auto_reply_template);
			m->auto_reply_template = sd_xstrdup(value);
		} else if (!strcmp(key, "notify")) {
			if ((err = parse_mail_notify(c, m, v)))
				return err;
		} else if (!strcmp(key, "sendmail")) {
			return sd_yerror(&c->y, k,
					 "mail.sendmail belongs in the local configuration, "
					 ".git/sd/config.yaml, not in the tracked file (see "
					 "sd-config(5))");
		} else {
			return sd_yerror(&c->y, k,
					 "mail: unknown key '%s'; use addresses, name, tag, "
					 "reopen_days, thread_window, max_message_bytes, "
					 "max_file_bytes, keep_original, auto_reply, "
					 "auto_reply_limit, auto_reply_template and notify",
					 shown(k));
		}
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
	c->y = (struct sd_ydoc){ &c->doc, c->path };
	*root = yaml_document_get_root_node(&c->doc);
	if (*root && (err = sd_ymapping(&c->y, *root, "the configuration"))) {
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
	sd_error *err = sd_ymapping(&c->y, map, "problems");
	if (err)
		return err;
	yaml_node_t *k, *v;
	SD_YAML_FOR_PAIRS(&c->y, map, k, v)
	{
		const char *key = sd_yscalar(k) ? sd_yscalar(k) : "";
		if (strcmp(key, "similarity"))
			return sd_yerror(&c->y, k, "problems: unknown key '%s'; use similarity",
					 shown(k));
		if (!sd_yscalar(v) || !parse_fraction(sd_yscalar(v), &cfg->problem_similarity))
			return sd_yerror(&c->y, v,
					 "problems.similarity must be a number from 0 to 1, "
					 "like 0.3");
	}
	return NULL;
}

static sd_error *parse_portal(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map);

sd_error *sd_config_parse(struct sd_config *cfg, const char *text, size_t len, const char *path)
{
	struct cfg_parse c = { .path = path };
	yaml_node_t *root, *policies = NULL;
	sd_error *err = load(&c, text, len, &root);
	if (err)
		return err;
	if (!root)
		goto done; /* an empty file keeps every default */
	yaml_node_t *k, *v;
	SD_YAML_FOR_PAIRS(&c.y, root, k, v)
	{
		const char *name = sd_yscalar(k);
		if (!name)
			err = sd_yerror(&c.y, k, "keys must be plain words");
		else if (!strcmp(name, "priority_matrix"))
			err = parse_matrix(&c, cfg, v);
		else if (!strcmp(name, "tiers"))
			err = parse_tiers(&c, cfg, v);
		else if (!strcmp(name, "defaults"))
			err = parse_defaults(&c, cfg, v);
		else if (!strcmp(name, "calendars"))
			err = parse_calendars(&c, cfg, v);
		else if (!strcmp(name, "display"))
			err = parse_display(&c, cfg, v);
		else if (!strcmp(name, "sla"))
			err = parse_sla(&c, cfg, v, &policies);
		else if (!strcmp(name, "problems"))
			err = parse_problems(&c, cfg, v);
		else if (!strcmp(name, "agents") || !strcmp(name, "routing") ||
			 !strcmp(name, "queues"))
			err = sd_team_parse(&cfg->team, &c.doc, name, v, c.path);
		else if (!strcmp(name, "mail"))
			err = parse_mail(&c, cfg, v);
		else if (!strcmp(name, "portal"))
			err = parse_portal(&c, cfg, v);
		else if (!strcmp(name, "commands"))
			err = sd_yerror(&c.y, k,
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

/* ---- the requester portal (sd serve) ---- */

static const char *const portal_languages[] = { "en", "ru", "sl", NULL };

static void sd_portal_config_init(struct sd_portal_config *p)
{
	p->base_url = sd_xstrdup("");
	p->listen = sd_xstrdup("127.0.0.1:8080");
	for (size_t i = 0; portal_languages[i]; i++)
		sd_strvec_push(&p->languages, portal_languages[i]);
	p->per_address = 20;
	p->per_email = 5;
	p->max_upload = 10 << 20;
	p->max_text = 64 << 10;
	p->suggestions = 3;
}

static void sd_portal_config_release(struct sd_portal_config *p)
{
	free(p->base_url);
	free(p->listen);
	sd_strvec_clear(&p->categories);
	sd_strvec_clear(&p->languages);
}

static sd_error *check_language(const char *v)
{
	if (sd_value_index(portal_languages, v) < 0)
		return sd_error_invalid("unknown language '%s'; sd ships en, ru "
					"and sl",
					v);
	return NULL;
}

static sd_error *check_category(const char *v)
{
	return sd_field_validate(SD_F_CATEGORY, v);
}

/* A whole number from lo to hi, with an optional K or M (x1024) suffix
 * when sized. */
static sd_error *portal_number(struct cfg_parse *c, yaml_node_t *v, const char *what, int sized,
			       int64_t lo, int64_t hi, int64_t *out)
{
	const char *s = sd_yscalar(v);
	size_t digits = s ? strspn(s, "0123456789") : 0;
	int64_t n = -1;
	if (digits && digits < 10) {
		n = atol(s);
		if (sized && (!strcmp(s + digits, "K") || !strcmp(s + digits, "k")))
			n <<= 10;
		else if (sized && !strcmp(s + digits, "M"))
			n <<= 20;
		else if (s[digits])
			n = -1;
	}
	if (n < lo || n > hi)
		return sd_yerror(&c->y, v, "portal.%s must be a number from %lld to %lld%s", what,
				 (long long)lo, (long long)hi,
				 sized ? " (bytes; K and M suffixes allowed)" : "");
	*out = n;
	return NULL;
}

static sd_error *parse_portal(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map)
{
	struct sd_portal_config *p = &cfg->portal;
	sd_error *err = sd_ymapping(&c->y, map, "portal");
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
	     !err && pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = sd_ynode(&c->y, pr->key), *v = sd_ynode(&c->y, pr->value);
		const char *key = sd_yscalar(k) ? sd_yscalar(k) : "";
		int64_t n = 0;
		if (!strcmp(key, "categories")) {
			sd_strvec_clear(&p->categories);
			err = sd_ylist(&c->y, v, "portal.categories", &p->categories,
				       check_category);
		} else if (!strcmp(key, "languages")) {
			sd_strvec_clear(&p->languages);
			err = sd_ylist(&c->y, v, "portal.languages", &p->languages, check_language);
			if (!err && !p->languages.n)
				err = sd_yerror(&c->y, v,
						"portal.languages must name at least one");
		} else if (!strcmp(key, "rate_limit")) {
			err = sd_ymapping(&c->y, v, "portal.rate_limit");
			for (yaml_node_pair_t *q = err ? NULL : v->data.mapping.pairs.start;
			     !err && q < v->data.mapping.pairs.top; q++) {
				yaml_node_t *rk = sd_ynode(&c->y, q->key),
					    *rv = sd_ynode(&c->y, q->value);
				const char *r = sd_yscalar(rk) ? sd_yscalar(rk) : "";
				int *slot = !strcmp(r, "per_address") ? &p->per_address
					: !strcmp(r, "per_email")     ? &p->per_email
								      : NULL;
				if (!slot)
					err = sd_yerror(&c->y, rk,
							"portal.rate_limit: unknown key '%s'; use "
							"per_address or per_email (tickets per hour)",
							shown(rk));
				else if (!(err = portal_number(c, rv, "rate_limit", 0, 0, 100000,
							       &n)))
					*slot = (int)n;
			}
		} else if (!strcmp(key, "max_upload")) {
			if (!(err = portal_number(c, v, key, 1, 0, 1 << 30, &n)))
				p->max_upload = n;
		} else if (!strcmp(key, "max_text")) {
			if (!(err = portal_number(c, v, key, 1, 1024, SD_TEXT_MAX_BYTES, &n)))
				p->max_text = n;
		} else if (!strcmp(key, "suggestions")) {
			if (!(err = portal_number(c, v, key, 0, 0, 10, &n)))
				p->suggestions = (int)n;
		} else if (!strcmp(key, "base_url") || !strcmp(key, "listen")) {
			err = sd_yerror(&c->y, k,
					"'portal.%s' belongs in the local configuration, "
					".git/sd/config.yaml: status links carry secrets, so a "
					"pulled file must not choose where they point",
					key);
		} else {
			err = sd_yerror(&c->y, k,
					"portal: unknown key '%s'; use categories, languages, "
					"rate_limit, max_upload, max_text or suggestions (see "
					"sd-config(5))",
					shown(k));
		}
	}
	return err;
}

/* portal.base_url: an http or https URL without spaces, quotes or angle
 * brackets, since it goes into mail and HTML; kept without a trailing
 * slash. portal.listen: ADDR:PORT. */
static sd_error *portal_local_value(struct cfg_parse *c, struct sd_config *cfg, const char *key,
				    yaml_node_t *v)
{
	const char *s = sd_yscalar(v);
	if (!strcmp(key, "portal.base_url")) {
		int ok = s && (!strncmp(s, "https://", 8) || !strncmp(s, "http://", 7)) &&
			strlen(s) < 512;
		for (const char *q = s; ok && *q; q++)
			if ((unsigned char)*q <= ' ' || (unsigned char)*q >= 0x7f ||
			    strchr("\"'<>\\`", *q))
				ok = 0;
		size_t len = ok ? strlen(s) : 0;
		while (len && s[len - 1] == '/')
			len--;
		if (!ok || len < 9)
			return sd_yerror(&c->y, v,
					 "portal.base_url must be an http:// or https:// URL "
					 "without spaces or quotes, like https://help.example.com");
		free(cfg->portal.base_url);
		cfg->portal.base_url = sd_xstrndup(s, len);
		return NULL;
	}
	const char *colon = s ? strrchr(s, ':') : NULL;
	if (!colon || colon == s || !colon[1] ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) || atol(colon + 1) < 1 ||
	    atol(colon + 1) > 65535)
		return sd_yerror(&c->y, v,
				 "portal.listen must be ADDRESS:PORT, like 127.0.0.1:8080");
	free(cfg->portal.listen);
	cfg->portal.listen = sd_xstrdup(s);
	return NULL;
}

/* ---- the local configuration ---- */

/* What .git/sd/config.yaml may set: what must never arrive by a pull,
 * because it decides what runs on this machine. A key added here (the
 * mail issue's mail.sendmail, say) is parsed by its kind. */
enum local_kind { LOCAL_COMMAND, LOCAL_SECONDS, LOCAL_PORTAL };
static const struct local_key {
	const char *key;
	enum local_kind kind;
	int command; /* an sd_command_key, for LOCAL_COMMAND */
} local_keys[] = {
	{ "sla.on_breach.notify", LOCAL_COMMAND, SD_CMD_BREACH_NOTIFY },
	{ "sla.on_risk.notify", LOCAL_COMMAND, SD_CMD_RISK_NOTIFY },
	{ "mail.sendmail", LOCAL_COMMAND, SD_CMD_SENDMAIL },
	{ "commands.timeout", LOCAL_SECONDS, -1 },
	{ "portal.base_url", LOCAL_PORTAL, -1 },
	{ "portal.listen", LOCAL_PORTAL, -1 },
};
#define NLOCAL_KEYS (sizeof(local_keys) / sizeof(local_keys[0]))

static sd_error *local_value(struct cfg_parse *c, struct sd_config *cfg, const struct local_key *lk,
			     yaml_node_t *v)
{
	if (lk->kind == LOCAL_COMMAND) {
		struct sd_config_command *cmd = &cfg->commands[lk->command];
		sd_strvec_clear(&cmd->local);
		cmd->has_local = 1;
		return sd_ylist(&c->y, v, lk->key, &cmd->local, NULL);
	}
	if (lk->kind == LOCAL_PORTAL)
		return portal_local_value(c, cfg, lk->key, v);
	/* Seconds, as a number or a duration like 2m. */
	const char *s = sd_yscalar(v);
	int64_t secs = -1;
	if (s && *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 9)
		secs = atol(s);
	else if (s)
		sd_error_free(sd_duration_parse(&secs, s));
	if (secs < 1 || secs > 86400)
		return sd_yerror(&c->y, v, "%s must be from 1 to 86400 seconds, like 30 or 2m",
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
		yaml_node_t *k = sd_ynode(&c->y, p->key), *v = sd_ynode(&c->y, p->value);
		if (!sd_yscalar(k))
			return sd_yerror(&c->y, k, "keys must be plain words");
		struct sd_buf key = SD_BUF_INIT;
		sd_buf_printf(&key, "%s%s%s", prefix, *prefix ? "." : "", sd_yscalar(k));
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
			err = sd_yerror(&c->y, k,
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
