/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "sd/calendar.h"

sd_error *sd_date_option(struct sd_ctx *ctx, const struct sd_args *a)
{
	static const char *const names[] = { "local", "utc", "iso", "relative", "calendar" };
	const char *v = sd_arg_str(a, "date");
	ctx->date_mode = SD_DATE_LOCAL;
	if (!v)
		return NULL;
	for (int i = 0; i < 5; i++)
		if (!strcmp(v, names[i])) {
			ctx->date_mode = i;
			return NULL;
		}
	return sd_error_invalid("unknown --date '%s'; use local, utc, iso, relative or calendar",
				v);
}

/* "Local" is the zone in TZ, else display.timezone of the store's config;
 * without either it is UTC and never the host's /etc/localtime, so that
 * output is the same on every machine unless someone chose a zone. */
static int user_zone(void)
{
	return sd_time_user_zone() != NULL;
}

void sd_format_due(const struct sd_ctx *ctx, char out[48], sd_time t, const char *calendar)
{
	if (ctx->date_mode == SD_DATE_CALENDAR && calendar && ctx->store) {
		struct sd_calendar *cal = sd_config_calendar(sd_store_config(ctx->store), calendar);
		/* The 24x7 calendar has no zone of its own: UTC, said so. */
		if (cal && !cal->always_open) {
			sd_time_format_in_zone(out, t, cal->timezone, 0);
			return;
		}
		time_t tt = (time_t)t;
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(out, 48, "%Y-%m-%d %H:%M UTC", &tm);
		return;
	}
	sd_format_when(ctx, out, t);
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
	case SD_DATE_CALENDAR: /* only due times differ (sd_format_due) */
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
