/* SPDX-License-Identifier: MIT */
#ifndef SD_TIME_H
#define SD_TIME_H

/* Times are seconds since the epoch, UTC. SD_NOW replaces the clock. */

#include <stdint.h>
#include "sd/error.h"

typedef int64_t sd_time;

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
/* A short age such as "12m", "5h", "3d", "2w", "4mo", "1y". */
void sd_time_format_age(char out[16], sd_time since, sd_time now);

#endif
