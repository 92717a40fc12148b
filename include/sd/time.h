/* SPDX-License-Identifier: MIT */
#ifndef SD_TIME_H
#define SD_TIME_H

/*
 * Times are seconds since the epoch, UTC (sd_time): clocks, calendars and
 * durations count in them. Stamps (sd_stamp) are milliseconds since the
 * epoch: the times of timeline entries, created and updated, fine enough
 * that every change a script makes gets its own. SD_NOW replaces the clock.
 */

#include <stdint.h>
#include "sd/error.h"

typedef int64_t sd_time;
typedef int64_t sd_stamp;

#define SD_TIME_STRLEN 21 /* "2026-11-23T14:05:00Z" plus NUL */

/* Parses RFC 3339 ("2026-11-23T14:05:00Z", "...+01:00", fractional seconds
 * dropped). */
sd_error *sd_time_parse(sd_time *out, const char *s);
/* Formats as "2026-11-23T14:05:00Z". */
void sd_time_format(char out[SD_TIME_STRLEN], sd_time t);
/* Formats as "2026-11-23 14:05 UTC" for humans. */
void sd_time_format_human(char out[32], sd_time t);
/* The current time: SD_NOW when set (an error if it is not RFC 3339). */
sd_error *sd_time_now(sd_time *out);
#define SD_STAMP_STRLEN 25 /* "2026-11-23T14:05:00.123Z" plus NUL */

/* Parses RFC 3339 like sd_time_parse, keeping milliseconds (digits after
 * the third are dropped). */
sd_error *sd_stamp_parse(sd_stamp *out, const char *s);
/* Formats as "2026-11-23T14:05:00.123Z", or "2026-11-23T14:05:00Z" on a
 * whole second, so that files written before stamps had milliseconds read
 * and write back unchanged. */
void sd_stamp_format(char out[SD_STAMP_STRLEN], sd_stamp t);
/* The second a stamp falls in. */
sd_time sd_stamp_seconds(sd_stamp t);
/* The current time to the millisecond: SD_NOW when set. */
sd_error *sd_stamp_now(sd_stamp *out);
/* A short age such as "12m", "5h", "3d", "2w", "4mo", "1y". */
void sd_time_format_age(char out[16], sd_time since, sd_time now);

#endif
