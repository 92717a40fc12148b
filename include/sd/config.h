#ifndef SD_CONFIG_H
#define SD_CONFIG_H

/* The store's configuration, .sd/config.yaml (doc/sd-config.5.md). */

#include "sd/buf.h"
#include "sd/error.h"

#define SD_CONFIG_PATH ".sd/config.yaml"

struct sd_tier_config {
	char *name;  /* e.g. "Service desk"; "" when unset */
	char *queue; /* "" when unset */
};

struct sd_config {
	/* priority_matrix[impact][urgency], indexes into sd_levels */
	char priority_matrix[3][3][3];
	struct sd_tier_config tiers[5]; /* L0..L4 */
	char *default_type;
	char *default_tier;
};

/* The text sd init writes: every default, with comments. */
extern const char sd_config_default_text[];

/* Fills cfg with the built-in defaults. Release with sd_config_release. */
void sd_config_init(struct sd_config *cfg);
/* Parses text over the defaults already in cfg. Errors are "path:line: ...",
 * exit status 2. */
sd_error *sd_config_parse(struct sd_config *cfg, const char *text, size_t len,
			  const char *path);
void sd_config_release(struct sd_config *cfg);
/* The priority ("P3") for impact and urgency names; NULL when either is not
 * high/medium/low. */
const char *sd_config_priority(const struct sd_config *cfg, const char *impact,
			       const char *urgency);

#endif
