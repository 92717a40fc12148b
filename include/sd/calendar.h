/* SPDX-License-Identifier: MIT */
#ifndef SD_CALENDAR_H
#define SD_CALENDAR_H

/*
 * Business-hours calendars and the arithmetic of SLA clocks.
 *
 * A calendar opens in half-open windows of local wall-clock time
 * ("08:00-12:00") per weekday, in an IANA time zone read from the system's
 * tz database, and is closed on holidays. Instants are UTC seconds
 * (sd_time); every conversion goes through the zone, so daylight-saving
 * days are exact: a 00:00-24:00 window on a spring-forward day is 23 hours.
 *
 * Ownership: a calendar owns its strings and caches; release it with
 * sd_calendar_release. The functions that compute take a non-const
 * calendar because they fill its cache of days.
 */

#include <stdint.h>
#include "sd/error.h"
#include "sd/time.h"

#define SD_CAL_MAX_WINDOWS 8

struct sd_cal_window {
	int start, end; /* minutes after local midnight, start < end <= 1440 */
};

struct sd_cal_holiday {
	int year; /* 0: every year */
	int month, day;
};

struct sd_cal_day; /* cache entry, private */

struct sd_calendar {
	char *name;
	char *timezone;					   /* IANA name, e.g. "Europe/Ljubljana" */
	int always_open;				   /* the built-in 24x7 calendar */
	struct sd_cal_window hours[7][SD_CAL_MAX_WINDOWS]; /* [0] Monday .. [6] Sunday */
	int nhours[7];
	struct sd_cal_holiday *holidays;
	size_t nholidays;
	/* Open intervals of each local day, in UTC, computed on demand. */
	struct sd_cal_day *days;
	int64_t first_day; /* day number of days[0] */
	size_t ndays;
	/* open_before[i]: open seconds of days[0] .. days[i - 1], known for
	 * i < nopen_before; so a year-long span costs no more than a day. */
	int64_t *open_before;
	size_t nopen_before;
};

/* The weekday names used in config files, Monday first, NULL-terminated
 * for sd_value_index. */
extern const char *const sd_weekdays[8];

/* An empty calendar (closed always) in a zone; call sd_timezone_check first. */
void sd_calendar_init(struct sd_calendar *cal, const char *name, const char *zone);
/* The built-in "24x7" calendar: always open. */
void sd_calendar_init_24x7(struct sd_calendar *cal);
void sd_calendar_release(struct sd_calendar *cal);

/* Adds "HH:MM-HH:MM" (24:00 may end it) to a weekday (0 = Monday). A
 * window that overlaps another of the same day is an error. */
sd_error *sd_calendar_add_window(struct sd_calendar *cal, int weekday, const char *text);
/* Adds a holiday: "YYYY-MM-DD" once, "MM-DD" every year. */
sd_error *sd_calendar_add_holiday(struct sd_calendar *cal, const char *text);

/* Business seconds in [from, to); 0 when to <= from. */
int64_t sd_calendar_seconds(struct sd_calendar *cal, sd_time from, sd_time to);
/* The earliest instant at which `seconds` business seconds have passed
 * since from (from itself when seconds <= 0). Returns 0, or -1 when the
 * calendar does not open enough within the next 50 years. */
int sd_calendar_add(struct sd_calendar *cal, sd_time from, int64_t seconds, sd_time *out);

/* The date ("YYYY-MM-DD") at instant t in the calendar's zone; in UTC
 * for the 24x7 calendar or NULL. */
void sd_calendar_local_date(struct sd_calendar *cal, sd_time t, char out[11]);

/* Checks that name is a zone of the system's tz database. */
sd_error *sd_timezone_check(const char *name);

/* The zone people see times in when TZ is unset (display.timezone);
 * NULL or "" for UTC. The string is copied. */
void sd_time_set_display_zone(const char *zone);
/* The zone times are shown in: TZ when set, else the display zone, else
 * NULL (UTC). Never the host's /etc/localtime, so output is the same on
 * every machine unless someone chose a zone. */
const char *sd_time_user_zone(void);
/* An instant in a named zone, "2026-11-24 15:00 CET" (or, with iso,
 * "2026-11-24 15:00:00 +0100"): for a calendar's own zone. */
void sd_time_format_in_zone(char out[48], sd_time t, const char *zone, int iso);
/* An instant in the user's own time zone: "2026-11-24 15:00 CET". */
void sd_time_format_local(char out[48], sd_time t);
/* The same as git's --date=iso: "2026-11-24 15:00:00 +0100". */
void sd_time_format_local_iso(char out[48], sd_time t);

/* Durations: "30m", "4h", "1h30m", "2d4h", "90s"; d is 24 hours. */
sd_error *sd_duration_parse(int64_t *out, const char *text);
/* "2d4h", "1h30m", "45s", "0s"; negative values get a leading "-". */
void sd_duration_format(char out[32], int64_t seconds);
/* The same in whole minutes, for times shown beside a due date, where
 * seconds are noise: time left rounds down, time late rounds up. */
void sd_duration_format_minutes(char out[32], int64_t seconds);

#endif
