/* SPDX-License-Identifier: MIT */
/* The time and duration parsers, and the calendar's opening hours and
 * holidays: what parses formats to text that parses to the same value. */

#include "fuzz.h"
#include "sd/calendar.h"
#include "sd/time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 256)
		return 0;
	char *s = fuzz_cstr(data, size);
	sd_time t, t2;
	sd_stamp st, st2;
	int64_t d, d2;
	char buf[64];
	sd_error *err;

	if ((err = sd_time_parse(&t, s))) {
		sd_error_free(err);
	} else {
		sd_time_format(buf, t);
		if ((err = sd_time_parse(&t2, buf)))
			FUZZ_FAIL("'%s' parses, its form '%s' does not: %s", s, buf, err->msg);
		if (t2 != t)
			FUZZ_FAIL("'%s' is %lld, its form '%s' %lld", s, (long long)t, buf,
				  (long long)t2);
		sd_time_format_human(buf, t);
		sd_time_format_age(buf, t, 0);
		sd_time_format_age(buf, 0, t);
	}

	if ((err = sd_stamp_parse(&st, s))) {
		sd_error_free(err);
	} else {
		sd_stamp_format(buf, st);
		if ((err = sd_stamp_parse(&st2, buf)))
			FUZZ_FAIL("stamp '%s' parses, its form '%s' does not: %s", s, buf,
				  err->msg);
		if (st2 != st || sd_stamp_seconds(st) != t)
			FUZZ_FAIL("stamp '%s' is %lld, its form '%s' %lld", s, (long long)st, buf,
				  (long long)st2);
	}

	if ((err = sd_duration_parse(&d, s))) {
		sd_error_free(err);
	} else {
		sd_duration_format(buf, d);
		if ((err = sd_duration_parse(&d2, buf)))
			FUZZ_FAIL("'%s' parses, its form '%s' does not: %s", s, buf, err->msg);
		if (d2 != d)
			FUZZ_FAIL("'%s' is %lld s, its form '%s' %lld s", s, (long long)d, buf,
				  (long long)d2);
		sd_duration_format_minutes(buf, d);
		sd_duration_format_minutes(buf, -d);
	}

	struct sd_calendar cal;
	sd_calendar_init(&cal, "fuzz", "UTC");
	if ((err = sd_calendar_add_window(&cal, (int)(size % 7), s)))
		sd_error_free(err);
	if ((err = sd_calendar_add_holiday(&cal, s)))
		sd_error_free(err);
	sd_time out;
	/* 2026-11-23T09:00:00Z, over a week of the calendar. */
	int64_t secs = sd_calendar_seconds(&cal, 1795424400, 1795424400 + 7 * 86400);
	if (secs < 0 || secs > 7 * 86400)
		FUZZ_FAIL("a week holds %lld open seconds", (long long)secs);
	sd_calendar_add(&cal, 1795424400, 3600, &out);
	sd_calendar_release(&cal);
	free(s);
	return 0;
}
