/* SPDX-License-Identifier: MIT */
/* Routing: case folding, whole words, globs, config parsing, rule
 * matching and the choosers, computed from tickets' timelines. */

#include <stdlib.h>

#include "sd/config.h"
#include "sd/fold.h"
#include "sd/route.h"
#include "sd/ticket.h"
#include "unit.h"

static const struct {
	const char *text, *phrase;
	int found;
} words[] = {
	{ "Printer is jammed", "printer", 1 },
	{ "Printers are jammed", "printer", 0 },
	{ "reprinter", "printer", 0 },
	{ "VPN ne  DELA od jutra", "ne dela", 1 },
	{ "vpn nedela", "ne dela", 0 },
	{ "Tiskalnik v 3. nadstropju", "TISKALNIK", 1 },
	{ "ČAKAM na Šefa, žal", "čakam", 1 },
	{ "ČAKAM na Šefa, žal", "šefa", 1 },
	{ "Žal", "žal", 1 },
	{ "«Принтер» не печатает", "принтер", 1 },
	{ "ПРИНТЕРЫ", "принтер", 0 },
	{ "Ёлка", "ёлка", 1 },
	{ "ΕΚΤΥΠΩΤΉΣ χάλασε", "εκτυπωτής", 1 },
	{ "ΟΔΟΣ", "οδος", 1 },
	{ "straße", "STRASSE", 0 }, /* no full folding: ß stays ß */
	{ "ÉCOLE fermée", "école", 1 },
	{ "İstanbul", "istanbul", 1 },
	{ "wifi,vpn", "vpn", 1 },
	{ "", "vpn", 0 },
	{ "vpn", "", 0 },
};

static const struct {
	const char *pattern, *text;
	int match;
} globs[] = {
	{ "*@finance.example.com", "boss@FINANCE.example.com", 1 },
	{ "*@finance.example.com", "boss@finance.example.com.evil", 0 },
	{ "a?c@x", "abc@x", 1 },
	{ "*", "", 1 },
	{ "*a*b*", "xxaxxbxx", 1 },
	{ "*a*b", "xxaxxbxxc", 0 },
};

static const char config[] =
	"calendars:\n"
	"  office: {timezone: Europe/Ljubljana, hours: {mon: [\"08:00-16:00\"]}}\n"
	"agents:\n"
	"  - {email: ana@example.com, queues: [desk, net], calendar: office}\n"
	"  - {email: bor@example.com, queues: [desk, net], away: [2026-11-20..2026-11-24]}\n"
	"  - {email: cene@example.com, queues: [desk], capacity: 1}\n"
	"queues:\n"
	"  desk: {assign: round-robin}\n"
	"routing:\n"
	"  - name: net\n"
	"    match: {words: [vpn, \"ne dela\"], channel: [mail, web]}\n"
	"    set: {queue: net, tier: L2, assign: least-loaded}\n"
	"  - match: {requester: \"*@finance.example.com\"}\n"
	"    set: {urgency: high, tags: [finance]}\n";

static const struct {
	const char *text, *error;
} bad_configs[] = {
	{ "agents: [{name: x}]\n", "t.yaml:1: agents: every agent needs an email" },
	{ "agents:\n  - {email: nope}\n", "t.yaml:2: agents: 'nope' is not an e-mail address" },
	{ "agents:\n  - {email: a@x, away: [2026-12-24..2026-12-01]}\n", "t.yaml:2: away:" },
	{ "agents:\n  - {email: a@x}\n  - {email: A@x}\n",
	  "t.yaml:3: agents: A@x is listed twice" },
	{ "routing:\n  - match: {colour: red}\n", "t.yaml:2: match: unknown key 'colour'" },
	{ "routing:\n  - set: {assign: someone}\n", "t.yaml:2: assign: 'someone' is not" },
	{ "routing:\n  - match: {channel: fax}\n", "t.yaml:2: match: unknown channel 'fax'" },
	{ "routing:\n  - set: {tier: L9}\n", "t.yaml:2: invalid tier 'L9'" },
	{ "queues: {desk: {assign: sometimes}}\n", "t.yaml:1: assign: 'sometimes'" },
	{ "routing: {a: b}\n", "t.yaml:1: 'routing' must be a list" },
};

static void ticket(struct sd_ticket *t, const char *title, const char *queue, const char *assignee,
		   const char *channel)
{
	sd_ticket_init(t);
	sd_ticket_set(t, SD_F_ID, "aaaaaaaaaaaa");
	sd_ticket_set(t, SD_F_TITLE, title);
	sd_ticket_set(t, SD_F_STATUS, "new");
	sd_ticket_set(t, SD_F_TYPE, "incident");
	sd_ticket_set(t, SD_F_TIER, "L1");
	sd_ticket_set(t, SD_F_IMPACT, "medium");
	sd_ticket_set(t, SD_F_URGENCY, "medium");
	sd_ticket_set(t, SD_F_PRIORITY, "P3");
	sd_ticket_set(t, SD_F_QUEUE, queue);
	sd_ticket_set(t, SD_F_ASSIGNEE, assignee);
	sd_ticket_set(t, SD_F_REQUESTER, "x@example.com");
	sd_ticket_set(t, SD_F_CHANNEL, channel);
	sd_ticket_set(t, SD_F_CREATED, "2026-11-23T08:00:00Z");
}

int main(void)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++) {
		struct sd_buf f = SD_BUF_INIT;
		sd_fold(&f, words[i].text);
		CHECK(sd_fold_has_words(f.data, words[i].phrase) == words[i].found,
		      "'%s' in '%s' (folded '%s')", words[i].phrase, words[i].text, f.data);
		sd_buf_release(&f);
	}
	for (size_t i = 0; i < sizeof(globs) / sizeof(*globs); i++)
		CHECK(sd_glob_match(globs[i].pattern, globs[i].text) == globs[i].match, "%s ~ %s",
		      globs[i].pattern, globs[i].text);

	for (size_t i = 0; i < sizeof(bad_configs) / sizeof(*bad_configs); i++) {
		struct sd_config cfg;
		sd_config_init(&cfg);
		sd_error *err = sd_config_parse(&cfg, bad_configs[i].text,
						strlen(bad_configs[i].text), "t.yaml");
		CHECK(err && !strncmp(err->msg, bad_configs[i].error, strlen(bad_configs[i].error)),
		      "config %zu: want '%s', got '%s'", i, bad_configs[i].error,
		      err ? err->msg : "no error");
		sd_error_free(err);
		sd_config_release(&cfg);
	}

	struct sd_config cfg;
	sd_config_init(&cfg);
	sd_error *err = sd_config_parse(&cfg, config, strlen(config), "t.yaml");
	CHECK(!err, "config parses: %s", err ? err->msg : "");
	sd_error_free(err);
	CHECK(cfg.team.nagents == 3 && cfg.team.nrules == 2 && cfg.team.nqueues == 1,
	      "3 agents, 2 rules, 1 queue");
	CHECK_STR("rule 2", cfg.team.rules[1].name, "an unnamed rule is called by its place");

	/* Monday 2026-11-23 09:00 UTC: Ana (office, 10:00 local) on shift,
	 * Bor away, Cene free. */
	sd_stamp mon9; /* events are stamped in milliseconds */
	sd_error_free(sd_stamp_parse(&mon9, "2026-11-23T09:00:00Z"));
	struct sd_team_load load = { 0 };
	struct sd_ticket t;
	struct sd_route_outcome o = { 0 };

	ticket(&t, "VPN ne dela", "desk", "", "mail");
	err = sd_route_apply(&o, &cfg, &t, 0, 0, &load, "T <t@x>", mon9);
	CHECK(!err && o.rule && !strcmp(o.rule->name, "net"), "the words rule matches mail");
	CHECK_STR("net", sd_ticket_get(&t, SD_F_QUEUE), "queue set");
	CHECK_STR("L2", sd_ticket_get(&t, SD_F_TIER), "tier set");
	CHECK_STR("ana@example.com", sd_ticket_get(&t, SD_F_ASSIGNEE), "Bor is away: Ana");
	sd_route_outcome_release(&o);
	sd_ticket_free(&t);

	ticket(&t, "VPN ne dela", "desk", "", "cli");
	err = sd_route_apply(&o, &cfg, &t, 0, 0, &load, "T <t@x>", mon9);
	CHECK(!err && !o.rule, "the words rule is for mail and web only");
	CHECK_STR("ana@example.com", sd_ticket_get(&t, SD_F_ASSIGNEE),
		  "desk round-robin: Ana and Cene never had one in desk; by e-mail");
	sd_route_outcome_release(&o);
	sd_ticket_free(&t);
	ticket(&t, "x", "desk", "", "cli");
	err = sd_route_apply(&o, &cfg, &t, 0, 0, &load, "T <t@x>", mon9);
	CHECK_STR("cene@example.com", sd_ticket_get(&t, SD_F_ASSIGNEE),
		  "desk round-robin: Cene, assigned longer ago than Ana");
	sd_route_outcome_release(&o);
	sd_ticket_free(&t);

	/* Cene is at capacity (1), Bor away: Ana again; then at 17:00 UTC
	 * Ana is off shift and nobody is left. */
	ticket(&t, "x", "desk", "", "cli");
	err = sd_route_apply(&o, &cfg, &t, 0, 0, &load, "T <t@x>", mon9);
	CHECK_STR("ana@example.com", sd_ticket_get(&t, SD_F_ASSIGNEE), "Cene is full: Ana");
	sd_route_outcome_release(&o);
	sd_ticket_free(&t);
	ticket(&t, "x", "desk", "", "cli");
	err = sd_route_apply(&o, &cfg, &t, 0, 0, &load, "T <t@x>", mon9 + 8 * 3600 * 1000);
	CHECK_STR("", sd_ticket_get(&t, SD_F_ASSIGNEE), "nobody on shift");
	CHECK(o.assign_note && strstr(o.assign_note, "ana@example.com off shift") &&
		      strstr(o.assign_note, "bor@example.com away until 2026-11-24") &&
		      strstr(o.assign_note, "cene@example.com at capacity"),
	      "the reason names everyone: %s", o.assign_note ? o.assign_note : "(none)");
	CHECK(t.nentries == 1 && !strcmp(t.entries[0].field, "routing"),
	      "nobody available is recorded in the timeline");
	sd_route_outcome_release(&o);
	sd_ticket_free(&t);

	/* A requester glob; the creator's urgency stays. */
	ticket(&t, "x", "desk", "bor@example.com", "cli");
	sd_ticket_set(&t, SD_F_REQUESTER, "Boss <boss@Finance.example.com>");
	err = sd_route_apply(&o, &cfg, &t, SD_ROUTE_FIXED(SD_F_URGENCY), 0, &load, "T <t@x>", mon9);
	CHECK(o.rule && !strcmp(o.rule->name, "rule 2"), "requester glob matches");
	CHECK_STR("medium", sd_ticket_get(&t, SD_F_URGENCY), "a field the creator set stays");
	CHECK(sd_ticket_has_tag(&t, "finance"), "tags added");
	sd_route_outcome_release(&o);
	sd_ticket_free(&t);

	/* Loads from timelines: two assignment events to Bor in desk. */
	struct sd_team_load l2 = { 0 };
	ticket(&t, "x", "desk", "bor@example.com", "cli");
	sd_ticket_add_event(&t, "T", mon9 - 60000, "assignee", "", "ana@example.com", "");
	sd_ticket_add_event(&t, "T", mon9 - 30000, "assignee", "ana@example.com", "bor@example.com",
			    "");
	sd_team_load_add(&l2, &cfg.team, &t);
	CHECK(sd_team_load_open(&l2, &cfg.team.agents[1], "desk") == 1, "Bor has one open");
	CHECK(sd_team_load_open(&l2, &cfg.team.agents[0], NULL) == 0, "Ana none");
	sd_ticket_free(&t);
	sd_team_load_release(&l2);

	sd_team_load_release(&load);
	sd_config_release(&cfg);
	return unit_done("t-route");
}
