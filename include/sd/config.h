/* SPDX-License-Identifier: MIT */
#ifndef SD_CONFIG_H
#define SD_CONFIG_H

/* The store's configuration, .sd/config.yaml (doc/sd-config.5.md). */

#include <stdint.h>

#include "sd/buf.h"
#include "sd/calendar.h"
#include "sd/error.h"
#include "sd/util.h"

#define SD_CONFIG_PATH ".sd/config.yaml"

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
	int breach_escalate;			     /* on_breach.escalate: next-tier */
	int breach_bump_priority;		     /* on_breach.bump_priority */
	struct sd_strvec breach_notify, risk_notify; /* argv; empty: none */
};

/* The text sd init writes: every default, with comments. */
extern const char sd_config_default_text[];

/* Fills cfg with the built-in defaults. Release with sd_config_release. */
void sd_config_init(struct sd_config *cfg);
/* Parses text over the defaults already in cfg. Errors are "path:line: ...",
 * exit status 2. */
sd_error *sd_config_parse(struct sd_config *cfg, const char *text, size_t len, const char *path);
void sd_config_release(struct sd_config *cfg);
/* The calendar called name (the config's, or the built-in "24x7"), or NULL. */
struct sd_calendar *sd_config_calendar(struct sd_config *cfg, const char *name);
/* The priority ("P3") for impact and urgency names; NULL when either is not
 * high/medium/low. */
const char *sd_config_priority(const struct sd_config *cfg, const char *impact,
			       const char *urgency);

#endif
