/* SPDX-License-Identifier: MIT */
/* Business-hours calendars: seconds between instants, due instants, DST,
 * holidays, and the parsers of windows, holidays, zones and durations.
 *
 * The expected values of the tables were computed independently of this
 * code, by hand and with a brute-force reference over Python's zoneinfo
 * (an instant is open when its local wall-clock time is in a window of an
 * open day), never by running the implementation. */

#include <stdint.h>
#include <stdlib.h>

#include "sd/calendar.h"
#include "sd/time.h"
#include "unit.h"

enum { MON, TUE, WED, THU, FRI, SAT, SUN };

#define NCALS 9
static struct sd_calendar cals[NCALS];

static void window(struct sd_calendar *cal, int weekday, const char *text)
{
	sd_error *err = sd_calendar_add_window(cal, weekday, text);
	CHECK(!err, "window %s '%s' accepted: %s", sd_weekdays[weekday], text, err ? err->msg : "");
	sd_error_free(err);
}

static void holiday(struct sd_calendar *cal, const char *text)
{
	sd_error *err = sd_calendar_add_holiday(cal, text);
	CHECK(!err, "holiday '%s' accepted: %s", text, err ? err->msg : "");
	sd_error_free(err);
}

static void zone_ok(const char *zone)
{
	sd_error *err = sd_timezone_check(zone);
	CHECK(!err, "zone '%s' accepted: %s", zone, err ? err->msg : "");
	sd_error_free(err);
}

static void build_calendars(void)
{
	struct sd_calendar *c = &cals[0];
	zone_ok("Europe/Ljubljana");
	sd_calendar_init(c, "office", "Europe/Ljubljana");
	for (int d = MON; d <= THU; d++) {
		window(c, d, "08:00-12:00");
		window(c, d, "13:00-17:00");
	}
	window(c, FRI, "08:00-12:00");
	window(c, FRI, "13:00-15:00");
	holiday(c, "2026-12-25");
	holiday(c, "01-01");

	c = &cals[1];
	zone_ok("America/New_York");
	sd_calendar_init(c, "ny", "America/New_York");
	for (int d = MON; d <= FRI; d++)
		window(c, d, "09:00-17:00");

	c = &cals[2];
	zone_ok("Asia/Tokyo");
	sd_calendar_init(c, "tokyo", "Asia/Tokyo");
	for (int d = MON; d <= FRI; d++)
		window(c, d, "09:00-18:00");

	c = &cals[3];
	sd_calendar_init(c, "allday", "Europe/Ljubljana");
	for (int d = MON; d <= SUN; d++)
		window(c, d, "00:00-24:00");

	sd_calendar_init_24x7(&cals[4]);

	sd_calendar_init(&cals[5], "empty", "Europe/Ljubljana");

	/* Straddles the switch: 01:00-02:00 and 03:00-04:00 on 2026-03-29 (2h),
	 * 01:00-02:00 CEST, 02:00-03:00 twice, 03:00-04:00 CET on 2026-10-25 (4h). */
	c = &cals[6];
	sd_calendar_init(c, "dst", "Europe/Ljubljana");
	window(c, SUN, "01:00-04:00");

	/* The hour that is missing in spring and happens twice in autumn. */
	c = &cals[7];
	sd_calendar_init(c, "gap", "Europe/Ljubljana");
	window(c, SUN, "02:00-03:00");

	/* Starts inside the missing hour: only 03:00-04:00 CEST exists. */
	c = &cals[8];
	sd_calendar_init(c, "night", "Europe/Ljubljana");
	window(c, SUN, "02:30-04:00");
}

static struct sd_calendar *calendar(const char *name)
{
	for (int i = 0; i < NCALS; i++)
		if (!strcmp(cals[i].name, name))
			return &cals[i];
	fprintf(stderr, "no calendar '%s'\n", name);
	abort();
}

static sd_time T(const char *s)
{
	sd_time t = 0;
	sd_error *err = sd_time_parse(&t, s);
	if (err) {
		fprintf(stderr, "bad time in test table: '%s': %s\n", s, err->msg);
		abort();
	}
	return t;
}

struct sec_case {
	const char *cal, *from, *to;
	int64_t seconds;
	const char *why;
};

struct add_case {
	const char *cal, *from;
	int64_t seconds;
	const char *due; /* RFC 3339 UTC, or "never" */
	const char *why;
};

static const struct sec_case sec_cases[] = {
	{ "office", "2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z", 28800,
	  "Monday, a whole day: 4h + 4h" },
	{ "office", "2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z", 21600, "Friday: 4h + 2h" },
	{ "office", "2026-11-28T00:00:00Z", "2026-11-30T00:00:00Z", 0, "weekend" },
	{ "office", "2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z", 136800, "a week: 4*8h + 6h" },
	{ "office", "2026-11-23T11:00:00Z", "2026-11-23T12:00:00Z", 0, "lunch break 12:00-13:00" },
	{ "office", "2026-11-23T10:30:00Z", "2026-11-23T12:30:00Z", 3600,
	  "across lunch 11:30-13:30" },
	{ "office", "2026-11-23T06:00:00Z", "2026-11-23T08:00:00Z", 3600,
	  "before hours 07:00-09:00" },
	{ "office", "2026-11-23T16:30:00Z", "2026-11-24T07:30:00Z", 1800,
	  "after hours overnight 17:30-08:30" },
	{ "office", "2026-11-27T13:00:00Z", "2026-11-30T08:00:00Z", 7200,
	  "Friday 14:00 to Monday 09:00" },
	{ "office", "2026-11-23T07:59:30Z", "2026-11-23T08:00:30Z", 60, "one minute inside" },
	{ "office", "2026-11-23T06:59:59Z", "2026-11-23T07:00:01Z", 1, "one second after opening" },
	{ "office", "2026-11-27T13:59:59Z", "2026-11-27T14:00:01Z", 1, "Friday closes at 15:00" },
	{ "office", "2026-12-24T23:00:00Z", "2026-12-25T23:00:00Z", 0,
	  "holiday 2026-12-25 (a Friday)" },
	{ "office", "2026-12-21T00:00:00Z", "2026-12-28T00:00:00Z", 115200,
	  "Christmas week: 4*8h" },
	{ "office", "2026-12-31T00:00:00Z", "2027-01-04T00:00:00Z", 28800,
	  "every-year 01-01 in 2027 (Friday)" },
	{ "office", "2029-12-31T00:00:00Z", "2030-01-02T00:00:00Z", 28800,
	  "2030-01-01 (Tuesday) closed" },
	{ "office", "2031-12-25T00:00:00Z", "2031-12-26T00:00:00Z", 28800,
	  "2031-12-25 is no holiday (2026 only)" },
	{ "office", "2026-03-27T06:00:00Z", "2026-03-27T07:00:00Z", 0,
	  "Friday before spring forward: 07:00-08:00 CET" },
	{ "office", "2026-03-30T06:00:00Z", "2026-03-30T07:00:00Z", 3600,
	  "Monday after spring forward: 08:00-09:00 CEST" },
	{ "office", "2026-03-27T00:00:00Z", "2026-03-31T00:00:00Z", 50400,
	  "Fri 6h + Mon 8h across spring forward" },
	{ "office", "2026-10-23T06:00:00Z", "2026-10-23T07:00:00Z", 3600,
	  "Friday before fall back: 08:00-09:00 CEST" },
	{ "office", "2026-10-26T06:00:00Z", "2026-10-26T07:00:00Z", 0,
	  "Monday after fall back: 07:00-08:00 CET" },
	{ "office", "2026-10-23T15:00:00Z", "2026-10-26T08:00:00Z", 3600,
	  "Fri 17:00 CEST to Mon 09:00 CET" },
	{ "office", "2026-11-02T00:00:00Z", "2027-01-04T00:00:00Z", 1188000,
	  "two months with holidays" },
	{ "office", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", 7092000, "the year 2026" },
	{ "office", "2026-11-23T09:00:00Z", "2026-11-23T09:00:00Z", 0, "from == to" },
	{ "office", "2026-11-24T09:00:00Z", "2026-11-23T09:00:00Z", 0, "to < from" },
	{ "ny", "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", 28800,
	  "Monday 09:00-17:00 EST = 14:00-22:00Z" },
	{ "ny", "2026-03-02T00:00:00Z", "2026-03-16T00:00:00Z", 288000,
	  "two weeks across spring forward" },
	{ "ny", "2026-03-06T21:00:00Z", "2026-03-09T14:00:00Z", 7200,
	  "Fri 16:00 EST to Mon 10:00 EDT" },
	{ "ny", "2026-03-06T13:00:00Z", "2026-03-06T14:00:00Z", 0, "08:00-09:00 EST, closed" },
	{ "ny", "2026-03-09T13:00:00Z", "2026-03-09T14:00:00Z", 3600, "09:00-10:00 EDT, open" },
	{ "ny", "2026-03-09T21:00:00Z", "2026-03-09T22:00:00Z", 0, "17:00-18:00 EDT, closed" },
	{ "ny", "2026-03-07T00:00:00Z", "2026-03-09T00:00:00Z", 0, "spring-forward weekend" },
	{ "ny", "2026-10-30T20:00:00Z", "2026-11-02T15:00:00Z", 7200,
	  "Fri 16:00 EDT to Mon 10:00 EST" },
	{ "ny", "2026-11-02T13:00:00Z", "2026-11-02T14:00:00Z", 0, "08:00-09:00 EST, closed" },
	{ "ny", "2026-11-02T14:00:00Z", "2026-11-02T15:00:00Z", 3600, "09:00-10:00 EST, open" },
	{ "ny", "2026-10-31T00:00:00Z", "2026-11-02T00:00:00Z", 0, "fall-back weekend" },
	{ "ny", "2026-03-03T03:00:00Z", "2026-03-03T15:00:00Z", 3600,
	  "Mon 22:00 to Tue 10:00 EST" },
	{ "ny", "2026-10-01T00:00:00Z", "2026-12-01T00:00:00Z", 1238400, "October and November" },
	{ "tokyo", "2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z", 32400, "Monday: 9h" },
	{ "tokyo", "2026-11-27T08:00:00Z", "2026-11-30T01:00:00Z", 7200,
	  "Fri 17:00 to Mon 10:00 JST" },
	{ "tokyo", "2026-11-22T23:00:00Z", "2026-11-23T01:00:00Z", 3600,
	  "Sunday in UTC, Monday 08:00-10:00 in Tokyo" },
	{ "tokyo", "2026-11-27T15:00:00Z", "2026-11-28T15:00:00Z", 0,
	  "Friday evening UTC is Saturday in Tokyo" },
	{ "tokyo", "2026-03-27T00:00:00Z", "2026-03-31T00:00:00Z", 64800, "no DST in Tokyo" },
	{ "tokyo", "2026-10-23T00:00:00Z", "2026-10-27T00:00:00Z", 64800,
	  "no DST in Tokyo (fall)" },
	{ "allday", "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z", 82800,
	  "the local day 2026-03-29 is 23h" },
	{ "allday", "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z", 90000,
	  "the local day 2026-10-25 is 25h" },
	{ "allday", "2026-11-23T22:30:00Z", "2026-11-23T23:30:00Z", 3600,
	  "across local midnight, no gap" },
	{ "allday", "2026-03-23T00:00:00Z", "2026-03-30T00:00:00Z", 604800,
	  "a week across spring forward" },
	{ "allday", "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", 3600,
	  "02:30 CEST to 02:30 CET" },
	{ "allday", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", 31536000, "a year" },
	{ "24x7", "2026-03-29T00:00:00Z", "2026-03-30T00:00:00Z", 86400, "a day" },
	{ "24x7", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", 31536000, "a year" },
	{ "24x7", "2026-11-28T10:00:00Z", "2026-11-28T10:00:01Z", 1, "one second on a Saturday" },
	{ "24x7", "2026-11-28T10:00:00Z", "2026-11-27T10:00:00Z", 0, "to < from" },
	{ "empty", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", 0, "never open" },
	{ "empty", "2026-11-23T09:00:00Z", "2026-11-23T10:00:00Z", 0, "never open, a weekday" },
	{ "dst", "2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z", 7200,
	  "spring forward: 01:00 CET - 04:00 CEST = 2h" },
	{ "dst", "2026-10-24T00:00:00Z", "2026-10-26T00:00:00Z", 14400,
	  "fall back: 01:00 CEST - 04:00 CET = 4h" },
	{ "dst", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", 10800, "an ordinary Sunday: 3h" },
	{ "dst", "2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", 3600, "01:30 CET - 03:30 CEST" },
	{ "dst", "2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", 3600,
	  "the first 02:00-03:00 (CEST)" },
	{ "dst", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z", 3600,
	  "the second 02:00-03:00 (CET)" },
	{ "dst", "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z", 93600, "March and April" },
	{ "gap", "2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z", 0,
	  "02:00-03:00 does not exist on 2026-03-29" },
	{ "gap", "2026-03-21T00:00:00Z", "2026-03-23T00:00:00Z", 3600, "an ordinary Sunday: 1h" },
	{ "gap", "2026-10-24T00:00:00Z", "2026-10-26T00:00:00Z", 7200,
	  "02:00-03:00 happens twice on 2026-10-25" },
	{ "night", "2026-03-21T00:00:00Z", "2026-03-23T00:00:00Z", 5400,
	  "an ordinary Sunday: 1h30m" },
	{ "night", "2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z", 3600,
	  "only 03:00-04:00 CEST exists on 2026-03-29" },
};
static const struct add_case add_cases[] = {
	{ "office", "2026-11-23T07:00:00Z", 14400LL, "2026-11-23T11:00:00Z",
	  "Mon 08:00 + 4h: the instant lunch starts" },
	{ "office", "2026-11-23T07:00:00Z", 14401LL, "2026-11-23T12:00:01Z",
	  "+ 4h1s: a second after lunch" },
	{ "office", "2026-11-23T05:00:00Z", 3600LL, "2026-11-23T08:00:00Z", "opened before hours" },
	{ "office", "2026-11-23T11:30:00Z", 1800LL, "2026-11-23T12:30:00Z", "opened during lunch" },
	{ "office", "2026-11-23T17:00:00Z", 3600LL, "2026-11-24T08:00:00Z", "opened after hours" },
	{ "office", "2026-11-28T10:00:00Z", 3600LL, "2026-11-30T08:00:00Z",
	  "opened on a Saturday" },
	{ "office", "2026-11-27T13:30:00Z", 3600LL, "2026-11-30T07:30:00Z", "Friday 14:30 + 1h" },
	{ "office", "2026-11-23T08:15:00Z", 28800LL, "2026-11-24T08:15:00Z", "Mon 09:15 + 8h" },
	{ "office", "2026-12-24T15:00:00Z", 7200LL, "2026-12-28T08:00:00Z",
	  "over the 2026-12-25 holiday" },
	{ "office", "2026-12-31T15:00:00Z", 7200LL, "2027-01-04T08:00:00Z",
	  "over 2027-01-01 (every-year holiday)" },
	{ "office", "2026-03-27T13:30:00Z", 3600LL, "2026-03-30T06:30:00Z", "over spring forward" },
	{ "office", "2026-10-23T12:30:00Z", 3600LL, "2026-10-26T07:30:00Z", "over fall back" },
	{ "office", "2026-11-02T07:00:00Z", 720000LL, "2026-12-08T09:00:00Z",
	  "200h from Monday 08:00" },
	{ "office", "2026-12-14T07:00:00Z", 720000LL, "2027-01-20T14:00:00Z",
	  "200h over the holidays" },
	{ "office", "2026-11-28T10:00:00Z", 0LL, "2026-11-28T10:00:00Z",
	  "zero target on a Saturday" },
	{ "office", "2026-11-23T10:00:00Z", 0LL, "2026-11-23T10:00:00Z", "zero target in hours" },
	{ "office", "2026-11-23T10:00:00Z", -60LL, "2026-11-23T10:00:00Z", "negative target" },
	{ "office", "2026-11-23T10:00:00Z", 360000000LL, "never", "more than 50 years of hours" },
	{ "ny", "2026-03-06T21:00:00Z", 7200LL, "2026-03-09T14:00:00Z",
	  "Fri 16:00 EST + 2h over spring forward" },
	{ "ny", "2026-10-30T20:00:00Z", 7200LL, "2026-11-02T15:00:00Z",
	  "Fri 16:00 EDT + 2h over fall back" },
	{ "ny", "2026-03-08T12:00:00Z", 1LL, "2026-03-09T13:00:01Z",
	  "Sunday of spring forward + 1s" },
	{ "ny", "2026-11-01T12:00:00Z", 1LL, "2026-11-02T14:00:01Z", "Sunday of fall back + 1s" },
	{ "ny", "2026-02-02T14:00:00Z", 720000LL, "2026-03-06T22:00:00Z",
	  "200h = five weeks exactly" },
	{ "ny", "2026-10-05T13:00:00Z", 720000LL, "2026-11-06T22:00:00Z", "200h over fall back" },
	{ "tokyo", "2026-11-27T08:00:00Z", 7200LL, "2026-11-30T01:00:00Z", "Fri 17:00 JST + 2h" },
	{ "tokyo", "2026-11-22T23:30:00Z", 3600LL, "2026-11-23T01:00:00Z",
	  "Mon 08:30 JST (Sunday UTC) + 1h" },
	{ "allday", "2026-03-28T22:00:00Z", 86400LL, "2026-03-29T22:00:00Z",
	  "24h over spring forward" },
	{ "allday", "2026-10-24T22:00:00Z", 90000LL, "2026-10-25T23:00:00Z", "25h over fall back" },
	{ "allday", "2026-11-23T22:59:59Z", 2LL, "2026-11-23T23:00:01Z", "over local midnight" },
	{ "24x7", "2026-11-28T10:00:00Z", 3600LL, "2026-11-28T11:00:00Z", "Saturday + 1h" },
	{ "24x7", "2026-11-28T10:00:00Z", 0LL, "2026-11-28T10:00:00Z", "zero target" },
	{ "empty", "2026-11-23T10:00:00Z", 1LL, "never", "never" },
	{ "empty", "2026-11-23T10:00:00Z", 0LL, "2026-11-23T10:00:00Z",
	  "zero target is from even when never open" },
	{ "dst", "2026-03-28T12:00:00Z", 7200LL, "2026-03-29T02:00:00Z", "the whole short window" },
	{ "dst", "2026-03-28T12:00:00Z", 7201LL, "2026-04-04T23:00:01Z",
	  "one second more: next Sunday" },
	{ "dst", "2026-10-24T12:00:00Z", 14400LL, "2026-10-25T03:00:00Z", "the whole long window" },
	{ "dst", "2026-10-25T00:30:00Z", 3600LL, "2026-10-25T01:30:00Z", "from the first 02:30" },
	{ "gap", "2026-03-28T12:00:00Z", 1LL, "2026-04-05T00:00:01Z", "skips the missing hour" },
	{ "gap", "2026-10-24T12:00:00Z", 7200LL, "2026-10-25T02:00:00Z", "both 02:00-03:00 hours" },
};

static void test_seconds(void)
{
	for (size_t i = 0; i < sizeof(sec_cases) / sizeof(*sec_cases); i++) {
		const struct sec_case *k = &sec_cases[i];
		int64_t got = sd_calendar_seconds(calendar(k->cal), T(k->from), T(k->to));
		CHECK(got == k->seconds, "%s: seconds [%s, %s) = %lld, got %lld (%s)", k->cal,
		      k->from, k->to, (long long)k->seconds, (long long)got, k->why);
	}
}

static void test_add(void)
{
	for (size_t i = 0; i < sizeof(add_cases) / sizeof(*add_cases); i++) {
		const struct add_case *k = &add_cases[i];
		sd_time due = -12345;
		int rc = sd_calendar_add(calendar(k->cal), T(k->from), k->seconds, &due);
		char got[SD_TIME_STRLEN];
		if (rc)
			snprintf(got, sizeof(got), "never");
		else
			sd_time_format(got, due);
		CHECK(!strcmp(k->due, got) && (rc == 0 || rc == -1),
		      "%s: add(%s, %lld) = %s, got %s (rc %d) (%s)", k->cal, k->from,
		      (long long)k->seconds, k->due, got, rc, k->why);
	}
}

/* A fixed-seed LCG: the same "random" instants on every run. */
static uint64_t lcg_state = 20261123;

static uint64_t lcg(uint64_t bound)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (lcg_state >> 33) % bound;
}

/* add then seconds gives back the target, and the due instant is the
 * earliest: a second before it, one business second is still missing. */
static void test_round_trip(void)
{
	static const char *const names[] = { "office", "ny", "allday", "tokyo", "dst" };
	sd_time lo = T("2020-01-01T00:00:00Z"), hi = T("2036-01-01T00:00:00Z");
	for (size_t c = 0; c < sizeof(names) / sizeof(*names); c++) {
		struct sd_calendar *cal = calendar(names[c]);
		int bad = 0, bad_earliest = 0;
		for (int i = 0; i < 200; i++) {
			sd_time from = lo + (sd_time)lcg((uint64_t)(hi - lo));
			int64_t n;
			switch (i % 4) {
			case 0:
				n = (int64_t)lcg(60);
				break; /* seconds */
			case 1:
				n = (int64_t)lcg(8 * 3600);
				break; /* within a day */
			case 2:
				n = (int64_t)lcg(60) * 1800;
				break; /* half hours */
			default:
				n = (int64_t)lcg(300 * 3600);
				break; /* up to 300h */
			}
			sd_time due = 0;
			int rc = sd_calendar_add(cal, from, n, &due);
			int64_t back = rc ? -1 : sd_calendar_seconds(cal, from, due);
			if (rc || back != n || due < from) {
				if (bad++ < 5)
					CHECK(0,
					      "%s: round trip from %lld + %lld: rc %d, due %lld, seconds %lld",
					      names[c], (long long)from, (long long)n, rc,
					      (long long)due, (long long)back);
				continue;
			}
			if (n > 0 && sd_calendar_seconds(cal, from, due - 1) != n - 1) {
				if (bad_earliest++ < 5)
					CHECK(0, "%s: due %lld for %lld + %lld is not the earliest",
					      names[c], (long long)due, (long long)from,
					      (long long)n);
			}
			if (n == 0)
				CHECK(due == from, "%s: add(from, 0) == from", names[c]);
		}
		CHECK(!bad, "%s: %d of 200 round trips failed", names[c], bad);
		CHECK(!bad_earliest, "%s: %d of 200 due instants not the earliest", names[c],
		      bad_earliest);
	}
}

/* seconds(a, c) == seconds(a, b) + seconds(b, c), for a <= b <= c. */
static void test_additive(void)
{
	sd_time lo = T("2024-01-01T00:00:00Z"), hi = T("2030-01-01T00:00:00Z");
	for (int c = 0; c < NCALS; c++) {
		struct sd_calendar *cal = &cals[c];
		int bad = 0;
		for (int i = 0; i < 200; i++) {
			sd_time a = lo + (sd_time)lcg((uint64_t)(hi - lo));
			sd_time span = i % 2 ? 90 * 86400 : 3 * 86400;
			sd_time b = a + (sd_time)lcg((uint64_t)span),
				e = b + (sd_time)lcg((uint64_t)span);
			int64_t ac = sd_calendar_seconds(cal, a, e),
				ab = sd_calendar_seconds(cal, a, b),
				bc = sd_calendar_seconds(cal, b, e);
			if (ac != ab + bc || ab < 0 || bc < 0 || ac > e - a) {
				if (bad++ < 5)
					CHECK(0, "%s: [%lld,%lld,%lld): %lld != %lld + %lld",
					      cal->name, (long long)a, (long long)b, (long long)e,
					      (long long)ac, (long long)ab, (long long)bc);
			}
		}
		CHECK(!bad, "%s: %d of 200 splits not additive", cal->name, bad);
	}
}

/* 24x7 is the wall clock in UTC; allday is every instant too. */
static void test_always_open(void)
{
	int bad = 0;
	for (int i = 0; i < 200; i++) {
		sd_time a = T("2000-01-01T00:00:00Z") + (sd_time)lcg(40ULL * 366 * 86400);
		sd_time b = a + (sd_time)lcg(400ULL * 86400);
		sd_time due = 0;
		if (sd_calendar_seconds(calendar("24x7"), a, b) != b - a ||
		    sd_calendar_seconds(calendar("allday"), a, b) != b - a ||
		    sd_calendar_add(calendar("24x7"), a, b - a, &due) || due != b)
			bad++;
	}
	CHECK(!bad, "24x7 and allday: %d of 200 spans differ from to - from", bad);
}

/* Windows added out of order are sorted; adjacent windows do not overlap. */
static void test_window_order(void)
{
	struct sd_calendar cal;
	sd_calendar_init(&cal, "shuffled", "Europe/Ljubljana");
	window(&cal, MON, "13:00-17:00");
	window(&cal, MON, "08:00-12:00");
	window(&cal, MON, "12:00-12:30");
	CHECK(cal.nhours[MON] == 3 && cal.hours[MON][0].start == 8 * 60 &&
		      cal.hours[MON][1].start == 12 * 60 && cal.hours[MON][2].start == 13 * 60,
	      "windows kept in order");
	CHECK(sd_calendar_seconds(&cal, T("2026-11-23T00:00:00Z"), T("2026-11-24T00:00:00Z")) ==
		      30600,
	      "8h30m on a Monday");
	sd_time due = 0;
	CHECK(!sd_calendar_add(&cal, T("2026-11-23T07:00:00Z"), 4 * 3600 + 1800 + 1, &due) &&
		      due == T("2026-11-23T12:00:01Z"),
	      "12:00-12:30 then 13:00-17:00");
	sd_calendar_release(&cal);
}

static void test_window_errors(void)
{
	static const struct {
		const char *first, *text;
	} bad[] = {
		{ NULL, "8-12" },
		{ NULL, "12:00-08:00" },
		{ NULL, "25:00-26:00" },
		{ NULL, "08:60-09:00" },
		{ NULL, "08:00-08:00" },
		{ NULL, "24:00-24:00" },
		{ NULL, "00:00-24:01" },
		{ NULL, "00:00-24:30" },
		{ NULL, "08:00-12:00 " },
		{ NULL, "08:00_12:00" },
		{ NULL, "" },
		{ NULL, "ab:cd-ef:gh" },
		{ "08:00-12:00", "09:00-10:00" },
		{ "08:00-12:00", "07:00-08:30" },
		{ "08:00-12:00", "11:59-13:00" },
		{ "08:00-12:00", "08:00-12:00" },
		{ "08:00-12:00", "00:00-24:00" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct sd_calendar cal;
		sd_calendar_init(&cal, "c", "Europe/Ljubljana");
		if (bad[i].first)
			window(&cal, TUE, bad[i].first);
		sd_error *err = sd_calendar_add_window(&cal, TUE, bad[i].text);
		CHECK(err && err->status == SD_EXIT_INVALID, "window '%s' refused (after '%s')",
		      bad[i].text, bad[i].first ? bad[i].first : "nothing");
		CHECK(cal.nhours[TUE] == (bad[i].first ? 1 : 0), "refused window '%s' not added",
		      bad[i].text);
		sd_error_free(err);
		sd_calendar_release(&cal);
	}
	/* 24:00 only as an end. */
	static const char *const good[] = { "00:00-24:00", "23:00-24:00", "00:00-00:01",
					    "23:59-24:00" };
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		struct sd_calendar cal;
		sd_calendar_init(&cal, "c", "Europe/Ljubljana");
		window(&cal, WED, good[i]);
		sd_calendar_release(&cal);
	}
	/* At most SD_CAL_MAX_WINDOWS a day. */
	struct sd_calendar cal;
	sd_calendar_init(&cal, "c", "Europe/Ljubljana");
	for (int i = 0; i < SD_CAL_MAX_WINDOWS; i++) {
		char text[16];
		snprintf(text, sizeof(text), "%02d:00-%02d:30", i, i);
		window(&cal, THU, text);
	}
	sd_error *err = sd_calendar_add_window(&cal, THU, "20:00-21:00");
	CHECK(err != NULL, "window %d refused", SD_CAL_MAX_WINDOWS + 1);
	sd_error_free(err);
	sd_calendar_release(&cal);
}

static void test_holiday_parse(void)
{
	static const char *const good[] = { "2026-12-25", "01-01", "02-29", "2028-02-29", "12-31" };
	static const char *const bad[] = { "2026-02-30",  "13-01",	"xx",	     "",
					   "00-10",	  "12-00",	"12-32",     "2027-02-29",
					   "2026-13-01",  "2026/12/25", "2026-12-5", "1-01",
					   "2026-12-25x", "-12-25" };
	struct sd_calendar cal;
	sd_calendar_init(&cal, "c", "Europe/Ljubljana");
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		holiday(&cal, good[i]);
	CHECK(cal.nholidays == sizeof(good) / sizeof(*good), "all good holidays kept");
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		sd_error *err = sd_calendar_add_holiday(&cal, bad[i]);
		CHECK(err && err->status == SD_EXIT_INVALID, "holiday '%s' refused", bad[i]);
		sd_error_free(err);
	}
	CHECK(cal.nholidays == sizeof(good) / sizeof(*good), "no bad holiday kept");
	sd_calendar_release(&cal);
}

static void test_timezones(void)
{
	static const char *const good[] = { "Europe/Ljubljana", "America/New_York", "Asia/Tokyo",
					    "UTC" };
	static const char *const bad[] = {
		"Mars/Olympus",	     "../etc/passwd",	       "",
		"/etc/localtime",    "Europe/../Europe/Paris", "Europe",
		"Europe/Ljubljana ", "Europe/Ljubljana/",      "zone.tab",
		"europe;rm"
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		zone_ok(good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		sd_error *err = sd_timezone_check(bad[i]);
		CHECK(err && err->status == SD_EXIT_INVALID, "zone '%s' refused", bad[i]);
		sd_error_free(err);
	}
}

static void test_durations(void)
{
	static const struct {
		const char *in;
		int64_t seconds;
	} good[] = { { "30m", 1800 },	 { "4h", 14400 },	{ "1h30m", 5400 },
		     { "2d4h", 187200 }, { "90s", 90 },		{ "1d", 86400 },
		     { "1d1s", 86401 },	 { "1d1h1m1s", 90061 }, { "120m", 7200 } };
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		int64_t v = -1;
		sd_error *err = sd_duration_parse(&v, good[i].in);
		CHECK(!err && v == good[i].seconds, "duration '%s' = %lld, got %lld", good[i].in,
		      (long long)good[i].seconds, (long long)v);
		sd_error_free(err);
	}
	static const char *const bad[] = { "",	   "4",	  "h",	 "4x", "30m1h", "1h1h", "-5m",
					   "1.5h", "4h ", " 4h", "4H", "1h30",	"m30" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		int64_t v = 12345;
		sd_error *err = sd_duration_parse(&v, bad[i]);
		CHECK(err && err->status == SD_EXIT_INVALID && v == 12345, "duration '%s' refused",
		      bad[i]);
		sd_error_free(err);
	}
	static const struct {
		int64_t seconds;
		const char *out;
	} fmt[] = { { 187200, "2d4h" }, { 5400, "1h30m" }, { 0, "0s" },	    { -3600, "-1h" },
		    { 45, "45s" },	{ 60, "1m" },	   { 86400, "1d" }, { 90061, "1d1h1m1s" },
		    { -90, "-1m30s" },	{ 1800, "30m" },   { 14400, "4h" } };
	for (size_t i = 0; i < sizeof(fmt) / sizeof(*fmt); i++) {
		char out[32];
		sd_duration_format(out, fmt[i].seconds);
		CHECK_STR(fmt[i].out, out, "duration format");
	}
	/* format then parse is the identity on positive values. */
	int bad_rt = 0;
	for (int i = 0; i < 200; i++) {
		int64_t s = 1 + (int64_t)lcg(3000ULL * 86400), back = -1;
		char out[32];
		sd_duration_format(out, s);
		sd_error *err = sd_duration_parse(&back, out);
		bad_rt += err || back != s;
		sd_error_free(err);
	}
	CHECK(!bad_rt, "%d of 200 durations do not survive format then parse", bad_rt);
}

/* A span of many days is summed from whole-day totals; it must equal the
 * sum over the same span cut into pieces of a day or two, which take the
 * clipping path. Over years, DST switches and holidays, in every calendar. */
static void test_long_spans(void)
{
	uint64_t seed = 12345;
	for (int c = 0; c < NCALS; c++) {
		struct sd_calendar *cal = &cals[c];
		for (int k = 0; k < 40; k++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			sd_time from = T("2023-01-01T00:00:00Z") +
				(sd_time)((seed >> 33) % (3 * 365 * 86400ull));
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			sd_time to = from + (sd_time)((seed >> 33) % (700 * 86400ull));
			int64_t pieces = 0;
			for (sd_time a = from; a < to; a += 36 * 3600)
				pieces += sd_calendar_seconds(cal, a,
							      a + 36 * 3600 < to ? a + 36 * 3600
										 : to);
			int64_t whole = sd_calendar_seconds(cal, from, to);
			CHECK(whole == pieces, "%s: %lld s over %lld days, pieces say %lld",
			      cal->name, (long long)whole, (long long)((to - from) / 86400),
			      (long long)pieces);
		}
	}
}

int main(void)
{
	build_calendars();
	test_seconds();
	test_add();
	test_round_trip();
	test_additive();
	test_long_spans();
	test_always_open();
	test_window_order();
	test_window_errors();
	test_holiday_parse();
	test_timezones();
	test_durations();
	for (int i = 0; i < NCALS; i++)
		sd_calendar_release(&cals[i]);
	return unit_done("unit/calendar");
}
