/* SPDX-License-Identifier: MIT */
#ifndef SD_CONFIG_H
#define SD_CONFIG_H

/* The store's configuration: the tracked .sd/config.yaml, which every
 * clone pulls, and the clone's own .git/sd/config.yaml, which nobody can
 * push (doc/sd-config.5.md). */

#include <stdint.h>

#include "sd/buf.h"
#include "sd/calendar.h"
#include "sd/error.h"
#include "sd/team.h"
#include "sd/util.h"

#define SD_CONFIG_PATH ".sd/config.yaml"
/* The local configuration's name under sd's private directory, .git/sd/. */
#define SD_LOCAL_CONFIG_NAME "config.yaml"

/* The commands sd runs, by the dotted key that sets them. A command in
 * the tracked config runs only once a person approved that exact argv on
 * the clone (sd trust); one in the local config runs as it is. */
enum sd_command_key { SD_CMD_BREACH_NOTIFY, SD_CMD_RISK_NOTIFY, SD_CMD_COUNT };
/* "sla.on_breach.notify", ...; NULL-terminated for sd_value_index. */
extern const char *const sd_command_keys[SD_CMD_COUNT + 1];

struct sd_config_command {
	struct sd_strvec tracked; /* argv from .sd/config.yaml; empty: none */
	size_t tracked_line;	  /* its line there; 0: not set there */
	struct sd_strvec local;	  /* argv from .git/sd/config.yaml */
	int has_local;		  /* set there (an empty list turns it off) */
};

/* commands.timeout when unset, in seconds. */
#define SD_COMMAND_TIMEOUT_DEFAULT 30

struct sd_tier_config {
	char *name;  /* e.g. "Service desk"; "" when unset */
	char *queue; /* "" when unset */
};

/* What a policy's 'match' may test; a policy matches when every listed
 * key has one of its values (tags: the ticket has one of the tags). */
enum sd_match_key {
	SD_MATCH_PRIORITY,
	SD_MATCH_TYPE,
	SD_MATCH_QUEUE,
	SD_MATCH_CATEGORY,
	SD_MATCH_TAG,
	SD_MATCH_COUNT
};
/* Their names in config files, NULL-terminated for sd_value_index. */
extern const char *const sd_match_keys[SD_MATCH_COUNT + 1];

struct sd_sla_policy {
	char *name;
	struct sd_strvec match[SD_MATCH_COUNT]; /* empty: any value */
	char *calendar;
	int64_t first_response, next_response, resolution; /* seconds; next_response -1: none */
};

struct sd_config {
	/* priority_matrix[impact][urgency], indexes into sd_levels */
	char priority_matrix[3][3][3];
	struct sd_tier_config tiers[5]; /* L0..L4 */
	char *default_type;
	char *default_tier;

	struct sd_calendar *calendars; /* those of the config; "24x7" is built in */
	size_t ncalendars;
	struct sd_calendar always; /* the built-in 24x7 */
	int at_risk_percent;
	struct sd_strvec pause; /* statuses that stop the resolution clock */
	struct sd_sla_policy *policies;
	size_t npolicies;
	int breach_escalate;	  /* on_breach.escalate: next-tier */
	int breach_bump_priority; /* on_breach.bump_priority */
	struct sd_config_command commands[SD_CMD_COUNT];
	int command_timeout;	   /* seconds a command may run: commands.timeout */
	struct sd_team team;	   /* agents, routing and queues (team.h) */
	double problem_similarity; /* problems.similarity: sd problem suggest's threshold */
};

/* The text sd init writes: every default, with comments. */
extern const char sd_config_default_text[];

/* Fills cfg with the built-in defaults. Release with sd_config_release. */
void sd_config_init(struct sd_config *cfg);
/* Parses text over the defaults already in cfg. Errors are "path:line: ...",
 * exit status 2. */
sd_error *sd_config_parse(struct sd_config *cfg, const char *text, size_t len, const char *path);
/* Parses the local configuration, .git/sd/config.yaml, over cfg: only the
 * keys that must not come from a pull (the commands, commands.timeout);
 * any other key is an error naming the ones allowed. */
sd_error *sd_config_parse_local(struct sd_config *cfg, const char *text, size_t len,
				const char *path);
void sd_config_release(struct sd_config *cfg);
/* The calendar called name (the config's, or the built-in "24x7"), or NULL. */
struct sd_calendar *sd_config_calendar(struct sd_config *cfg, const char *name);
/* The priority ("P3") for impact and urgency names; NULL when either is not
 * high/medium/low. */
const char *sd_config_priority(const struct sd_config *cfg, const char *impact,
			       const char *urgency);

#endif
