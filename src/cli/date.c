/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "sd/calendar.h"

sd_error *sd_date_option(struct sd_ctx *ctx, const struct sd_args *a)
{
	static const char *const names[] = { "local", "utc", "iso", "relative" };
	const char *v = sd_arg_str(a, "date");
	ctx->date_mode = SD_DATE_LOCAL;
	if (!v)
		return NULL;
	for (int i = 0; i < 4; i++)
		if (!strcmp(v, names[i])) {
			ctx->date_mode = i;
			return NULL;
		}
	return sd_error_invalid("unknown --date '%s'; use local, utc, iso or relative", v);
}

/* "Local" is the zone in TZ; without TZ it is UTC and never the host's
 * /etc/localtime, so that output is the same on every machine unless the
 * user asks for a zone. */
static int user_zone(void)
{
	const char *tz = getenv("TZ");
	return tz && *tz;
}

void sd_format_when(const struct sd_ctx *ctx, char out[48], sd_time t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	switch (ctx->date_mode) {
	case SD_DATE_RELATIVE: {
		char age[16];
		if (t <= ctx->now) {
			sd_time_format_age(age, t, ctx->now);
			snprintf(out, 48, "%s ago", age);
		} else {
			sd_time_format_age(age, ctx->now, t);
			snprintf(out, 48, "in %s", age);
		}
		return;
	}
	case SD_DATE_ISO:
		if (user_zone()) {
			sd_time_format_local_iso(out, t);
			return;
		}
		gmtime_r(&tt, &tm);
		strftime(out, 48, "%Y-%m-%d %H:%M:%S +0000", &tm);
		return;
	case SD_DATE_LOCAL:
		if (user_zone()) {
			sd_time_format_local(out, t);
			return;
		}
		/* fall through */
	default:
		gmtime_r(&tt, &tm);
		strftime(out, 48, "%Y-%m-%d %H:%M UTC", &tm);
	}
}
