/* SPDX-License-Identifier: MIT */
#ifndef SD_TEAM_H
#define SD_TEAM_H

/*
 * The team as .sd/config.yaml describes it: the agents (section agents),
 * the routing rules (section routing) and the queues' default choosers
 * (section queues). Parsed with the rest of the config (config.c hands
 * these sections here); applied by route.h.
 *
 * Ownership: a struct sd_team owns every string and array in it;
 * sd_team_release frees them all.
 */

#include <stddef.h>

#include "sd/buf.h"
#include "sd/error.h"
#include "sd/util.h"

struct yaml_document_s;
struct yaml_node_s;

/* How a ticket gets its assignee: `assign:` in a rule or a queue. */
enum sd_assign_kind {
	SD_ASSIGN_UNSET, /* not said: the queue's chooser, if any */
	SD_ASSIGN_NONE,	 /* nobody */
	SD_ASSIGN_AGENT, /* one agent, by e-mail */
	SD_ASSIGN_ROUND_ROBIN,
	SD_ASSIGN_LEAST_LOADED
};
/* "", "none", "", "round-robin", "least-loaded" */
extern const char *const sd_assign_names[];

struct sd_away {
	char from[11], to[11]; /* "YYYY-MM-DD", both days included */
};

struct sd_agent {
	char *name;  /* "" when unset */
	char *email; /* never empty */
	struct sd_strvec queues;
	struct sd_strvec tiers; /* empty: any tier */
	char *calendar;		/* "" when unset: always on shift */
	struct sd_away *away;	/* sorted by from */
	size_t naway;
	long capacity; /* most open tickets at once; 0: no limit */
	size_t line, calendar_line;
};

/* What a rule's match may test; every key listed must match (one of its
 * values); a rule with no match matches everything. */
enum sd_rule_key {
	SD_RULE_TYPE,
	SD_RULE_CATEGORY,
	SD_RULE_TAGS,
	SD_RULE_REQUESTER, /* globs on the address */
	SD_RULE_WORDS,	   /* words or phrases in the title or description */
	SD_RULE_CHANNEL,
	SD_RULE_COUNT
};
extern const char *const sd_rule_keys[SD_RULE_COUNT + 1];

/* The fields a rule may set (besides tags and assign), in the order they
 * are applied. */
enum sd_rule_set {
	SD_SET_TIER,
	SD_SET_QUEUE,
	SD_SET_TYPE,
	SD_SET_CATEGORY,
	SD_SET_IMPACT,
	SD_SET_URGENCY,
	SD_SET_COUNT
};
extern const char *const sd_rule_set_keys[SD_SET_COUNT + 1];
/* The ticket field each sets (an enum sd_field). */
extern const int sd_rule_set_fields[SD_SET_COUNT];

struct sd_assign {
	enum sd_assign_kind kind;
	char *agent; /* SD_ASSIGN_AGENT: the e-mail */
	size_t line;
};

struct sd_rule {
	char *name; /* given, or "rule N" (N from 1) */
	struct sd_strvec match[SD_RULE_COUNT];
	char *set[SD_SET_COUNT]; /* NULL: not set */
	struct sd_strvec tags;	 /* added */
	struct sd_assign assign;
	size_t line;
};

struct sd_queue {
	char *name;
	struct sd_assign assign;
	size_t line;
};

struct sd_team {
	struct sd_agent *agents;
	size_t nagents;
	struct sd_rule *rules;
	size_t nrules;
	struct sd_queue *queues;
	size_t nqueues;
};

/* Parses one section (agents, routing or queues) of the config document
 * over what team holds, replacing that section. Errors read
 * "path:line: ..." with exit status 2. */
sd_error *sd_team_parse(struct sd_team *team, struct yaml_document_s *doc, const char *section,
			struct yaml_node_s *value, const char *path);
void sd_team_release(struct sd_team *team);

/* The agent whose e-mail is the address in who ("Name <a@b>" or "a@b"),
 * ignoring ASCII case, or NULL. */
const struct sd_agent *sd_team_agent(const struct sd_team *team, const char *who);
/* The queue's settings, or NULL. */
const struct sd_queue *sd_team_queue(const struct sd_team *team, const char *name);
/* Whether the agent serves the queue. */
int sd_agent_in_queue(const struct sd_agent *a, const char *queue);
/* The away range that holds day ("YYYY-MM-DD"), or NULL. */
const struct sd_away *sd_agent_away_on(const struct sd_agent *a, const char *day);

/* The address in "Name <addr>", or the whole text, into out. */
void sd_email_of(struct sd_buf *out, const char *who);
/* Glob match ('*' any run, '?' one byte), ASCII case folded. */
int sd_glob_match(const char *pattern, const char *text);

#endif
