/* SPDX-License-Identifier: MIT */
/* Business-hours calendars: local windows, holidays, time zones. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sd/calendar.h"
#include "sd/util.h"

const char *const sd_weekdays[8] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL };

struct sd_cal_interval {
	sd_time start, end;
};

/* A window can come in two pieces on a fall-back day. */
#define DAY_MAX_INTERVALS (2 * SD_CAL_MAX_WINDOWS)

struct sd_cal_day {
	int ready;
	int n;
	struct sd_cal_interval open[DAY_MAX_INTERVALS];
};

#define MAX_SEARCH_DAYS (50 * 366)

/* ---- civil dates (proleptic Gregorian), after H. Hinnant's algorithms ---- */

static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* ---- the process's time zone ---- */

/* sd is single-threaded; the zone of the calendar being computed is
 * selected through TZ, the portable way to use the system's tz database. */
static char *zone_in_use; /* NULL: the user's own zone */
static char *user_tz;	  /* TZ as sd found it */
static int user_tz_saved;

static void save_user_zone(void)
{
	if (user_tz_saved)
		return;
	const char *tz = getenv("TZ");
	user_tz = tz ? sd_xstrdup(tz) : NULL;
	user_tz_saved = 1;
}

static void use_zone(const char *zone)
{
	if (zone_in_use && !strcmp(zone_in_use, zone))
		return;
	save_user_zone();
	setenv("TZ", zone, 1);
	tzset();
	free(zone_in_use);
	zone_in_use = sd_xstrdup(zone);
}

static void use_user_zone(void)
{
	if (!zone_in_use)
		return;
	if (user_tz)
		setenv("TZ", user_tz, 1);
	else
		unsetenv("TZ");
	tzset();
	free(zone_in_use);
	zone_in_use = NULL;
}

static char *display_zone; /* display.timezone, for when TZ is unset */

void sd_time_set_display_zone(const char *zone)
{
	free(display_zone);
	display_zone = zone && *zone ? sd_xstrdup(zone) : NULL;
}

const char *sd_time_user_zone(void)
{
	save_user_zone();
	if (user_tz && *user_tz)
		return user_tz;
	return display_zone;
}

static void local_tm(struct tm *tm, sd_time t)
{
	time_t tt = (time_t)t;
	save_user_zone();
	if (!(user_tz && *user_tz) && display_zone)
		use_zone(display_zone);
	else
		use_user_zone();
	localtime_r(&tt, tm);
}

void sd_time_format_in_zone(char out[48], sd_time t, const char *zone, int iso)
{
	time_t tt = (time_t)t;
	struct tm tm;
	use_zone(zone);
	localtime_r(&tt, &tm);
	strftime(out, 48, iso ? "%Y-%m-%d %H:%M:%S %z" : "%Y-%m-%d %H:%M %Z", &tm);
}

void sd_time_format_local(char out[48], sd_time t)
{
	struct tm tm;
	local_tm(&tm, t);
	strftime(out, 48, "%Y-%m-%d %H:%M %Z", &tm);
}

void sd_time_format_local_iso(char out[48], sd_time t)
{
	struct tm tm;
	local_tm(&tm, t);
	strftime(out, 48, "%Y-%m-%d %H:%M:%S %z", &tm);
}

static long utc_offset(sd_time t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	return tm.tm_gmtoff;
}

static int64_t local_day_of(sd_time t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	return days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void sd_calendar_local_date(struct sd_calendar *cal, sd_time t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (cal && !cal->always_open) {
		use_zone(cal->timezone);
		localtime_r(&tt, &tm);
	} else {
		gmtime_r(&tt, &tm);
	}
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* ---- building calendars ---- */

void sd_calendar_init(struct sd_calendar *cal, const char *name, const char *zone)
{
	memset(cal, 0, sizeof(*cal));
	cal->name = sd_xstrdup(name);
	cal->timezone = sd_xstrdup(zone);
}

void sd_calendar_init_24x7(struct sd_calendar *cal)
{
	sd_calendar_init(cal, "24x7", "UTC");
	cal->always_open = 1;
}

void sd_calendar_release(struct sd_calendar *cal)
{
	free(cal->name);
	free(cal->timezone);
	free(cal->holidays);
	free(cal->days);
	free(cal->open_before);
	memset(cal, 0, sizeof(*cal));
}

static int parse_hhmm(const char *s, int *minutes)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] != ':' || s[3] < '0' ||
	    s[3] > '5' || s[4] < '0' || s[4] > '9')
		return -1;
	int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
	if (h > 24 || (h == 24 && m != 0))
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

sd_error *sd_calendar_add_window(struct sd_calendar *cal, int weekday, const char *text)
{
	int start, end;
	if (strlen(text) != 11 || text[5] != '-' || parse_hhmm(text, &start) ||
	    parse_hhmm(text + 6, &end))
		return sd_error_invalid("'%s' is not a window of hours like \"08:00-12:00\"", text);
	if (start >= end)
		return sd_error_invalid("window '%s' ends before it starts; windows cannot span "
					"midnight, split it into two days",
					text);
	int n = cal->nhours[weekday];
	for (int i = 0; i < n; i++)
		if (start < cal->hours[weekday][i].end && cal->hours[weekday][i].start < end)
			return sd_error_invalid("window '%s' overlaps another window on %s", text,
						sd_weekdays[weekday]);
	if (n >= SD_CAL_MAX_WINDOWS)
		return sd_error_invalid("more than %d windows on %s", SD_CAL_MAX_WINDOWS,
					sd_weekdays[weekday]);
	/* Kept in order, so a day's intervals come out sorted. */
	int at = n;
	while (at > 0 && cal->hours[weekday][at - 1].start > start) {
		cal->hours[weekday][at] = cal->hours[weekday][at - 1];
		at--;
	}
	cal->hours[weekday][at] = (struct sd_cal_window){ start, end };
	cal->nhours[weekday]++;
	return NULL;
}

static int two_digits(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + s[1] - '0';
}

sd_error *sd_calendar_add_holiday(struct sd_calendar *cal, const char *text)
{
	struct sd_cal_holiday h = { 0, 0, 0 };
	size_t len = strlen(text);
	const char *md = text;
	if (len == 10 && text[4] == '-') {
		int hi = two_digits(text), lo = two_digits(text + 2);
		if (hi < 0 || lo < 0)
			goto bad;
		h.year = hi * 100 + lo;
		md = text + 5;
	} else if (len != 5) {
		goto bad;
	}
	h.month = two_digits(md);
	h.day = two_digits(md + 3);
	if (md[2] != '-' || h.month < 1 || h.month > 12 || h.day < 1 ||
	    h.day > days_in_month(h.year ? h.year : 2000, h.month))
		goto bad;
	cal->holidays = sd_xrealloc(cal->holidays, (cal->nholidays + 1) * sizeof(*cal->holidays));
	cal->holidays[cal->nholidays++] = h;
	return NULL;
bad:
	return sd_error_invalid("'%s' is not a holiday: use YYYY-MM-DD for one date or MM-DD for "
				"every year",
				text);
}

sd_error *sd_timezone_check(const char *name)
{
	size_t n = strlen(name);
	if (!n || name[0] == '/' || strstr(name, ".."))
		goto bad;
	for (size_t i = 0; i < n; i++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-",
			    name[i]))
			goto bad;
	const char *dir = getenv("TZDIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	FILE *f = fopen(path, "rbe");
	char magic[4] = { 0 };
	int ok = f && fread(magic, 1, 4, f) == 4 && !memcmp(magic, "TZif", 4);
	if (f)
		fclose(f);
	if (ok)
		return NULL;
bad:
	return sd_error_invalid("unknown time zone '%s': use an IANA name such as Europe/Ljubljana "
				"or America/New_York (see /usr/share/zoneinfo)",
				name);
}

/* ---- the arithmetic ---- */

static int is_holiday(const struct sd_calendar *cal, int y, int m, int d)
{
	for (size_t i = 0; i < cal->nholidays; i++) {
		const struct sd_cal_holiday *h = &cal->holidays[i];
		if (h->month == m && h->day == d && (!h->year || h->year == y))
			return 1;
	}
	return 0;
}

static int has_hours(const struct sd_calendar *cal)
{
	for (int i = 0; i < 7; i++)
		if (cal->nhours[i])
			return 1;
	return 0;
}

/* The open intervals of local day dn, from the cache. */
static const struct sd_cal_day *day_of(struct sd_calendar *cal, int64_t dn)
{
	if (!cal->ndays || dn < cal->first_day || dn >= cal->first_day + (int64_t)cal->ndays) {
		int64_t lo = cal->ndays ? cal->first_day : dn,
			hi = cal->ndays ? lo + (int64_t)cal->ndays : dn + 1;
		if (dn < lo)
			lo = dn - 64;
		if (dn >= hi)
			hi = dn + 64;
		struct sd_cal_day *days = sd_xcalloc((size_t)(hi - lo), sizeof(*days));
		if (cal->ndays)
			memcpy(days + (cal->first_day - lo), cal->days, cal->ndays * sizeof(*days));
		free(cal->days);
		cal->days = days;
		cal->first_day = lo;
		cal->ndays = (size_t)(hi - lo);
		cal->nopen_before = 0; /* the days moved */
	}
	struct sd_cal_day *day = &cal->days[dn - cal->first_day];
	if (day->ready)
		return day;
	day->ready = 1;
	int y, m, d;
	civil_from_days(dn, &y, &m, &d);
	if (is_holiday(cal, y, m, d))
		return day;
	int weekday = (int)(((dn + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
	if (!cal->nhours[weekday])
		return day;
	/* An instant is open when its local wall-clock time lies in a window
	 * of its local day. The UTC instants that can belong to local day dn
	 * lie within [lo, hi); split that span where the UTC offset changes
	 * (a DST switch), and map each window through each piece's offset.
	 * So a skipped hour is never open and a repeated hour is open twice. */
	sd_time local_midnight = (sd_time)dn * 86400;
	sd_time lo = local_midnight - 15 * 3600, hi = local_midnight + 86400 + 13 * 3600;
	sd_time cut[3] = { lo, hi, hi };
	long off[2] = { utc_offset(lo), utc_offset(hi - 1) };
	int pieces = 1;
	if (off[0] != off[1]) {
		sd_time a = lo, b = hi - 1; /* offset(a) == off[0], offset(b) == off[1] */
		while (b - a > 1) {
			sd_time mid = a + (b - a) / 2;
			if (utc_offset(mid) == off[0])
				a = mid;
			else
				b = mid;
		}
		cut[1] = b;
		pieces = 2;
	}
	for (int i = 0; i < cal->nhours[weekday]; i++) {
		const struct sd_cal_window *w = &cal->hours[weekday][i];
		for (int p = 0; p < pieces; p++) {
			sd_time s = local_midnight + w->start * 60 - off[p];
			sd_time e = local_midnight + w->end * 60 - off[p];
			if (s < cut[p])
				s = cut[p];
			if (e > cut[p + 1])
				e = cut[p + 1];
			if (e > s)
				day->open[day->n++] = (struct sd_cal_interval){ s, e };
		}
	}
	/* Pieces of different windows can interleave; keep them in order and
	 * join touching ones so the intervals stay disjoint and sorted. */
	for (int i = 1; i < day->n; i++)
		for (int j = i; j > 0 && day->open[j].start < day->open[j - 1].start; j--) {
			struct sd_cal_interval tmp = day->open[j];
			day->open[j] = day->open[j - 1];
			day->open[j - 1] = tmp;
		}
	return day;
}

/* Open seconds of whole days a .. b (day numbers, a <= b). */
static int64_t open_in_days(struct sd_calendar *cal, int64_t a, int64_t b)
{
	day_of(cal, a);
	day_of(cal, b); /* both in the cache now, so it stops moving */
	size_t ia = (size_t)(a - cal->first_day), ib = (size_t)(b - cal->first_day) + 1;
	if (cal->nopen_before <= ib) {
		cal->open_before =
			sd_xrealloc(cal->open_before, (cal->ndays + 1) * sizeof(int64_t));
		if (!cal->nopen_before) {
			cal->open_before[0] = 0;
			cal->nopen_before = 1;
		}
		for (size_t i = cal->nopen_before; i <= ib; i++) {
			const struct sd_cal_day *day = day_of(cal, cal->first_day + (int64_t)i - 1);
			int64_t total = 0;
			for (int k = 0; k < day->n; k++)
				total += day->open[k].end - day->open[k].start;
			cal->open_before[i] = cal->open_before[i - 1] + total;
		}
		cal->nopen_before = ib + 1;
	}
	return cal->open_before[ib] - cal->open_before[ia];
}

/* Open seconds of day dn that fall in [from, to). */
static int64_t open_in_day(struct sd_calendar *cal, int64_t dn, sd_time from, sd_time to)
{
	const struct sd_cal_day *day = day_of(cal, dn);
	int64_t total = 0;
	for (int i = 0; i < day->n; i++) {
		sd_time s = day->open[i].start > from ? day->open[i].start : from;
		sd_time e = day->open[i].end < to ? day->open[i].end : to;
		if (e > s)
			total += e - s;
	}
	return total;
}

int64_t sd_calendar_seconds(struct sd_calendar *cal, sd_time from, sd_time to)
{
	if (to <= from)
		return 0;
	if (cal->always_open)
		return to - from;
	if (!has_hours(cal))
		return 0;
	use_zone(cal->timezone);
	/* One day of margin each side: a day's windows stay within that
	 * local day, which is within a day of the UTC instants. */
	int64_t first = local_day_of(from) - 1, last = local_day_of(to) + 1;
	int64_t total = 0;
	/* Days two or more after from's local day and before to's lie wholly
	 * inside the span: their totals are summed without clipping. */
	if (last - first > 4) {
		total += open_in_days(cal, first + 2, last - 2);
		for (int64_t dn = first; dn < first + 2; dn++)
			total += open_in_day(cal, dn, from, to);
		for (int64_t dn = last - 1; dn <= last; dn++)
			total += open_in_day(cal, dn, from, to);
		return total;
	}
	for (int64_t dn = first; dn <= last; dn++)
		total += open_in_day(cal, dn, from, to);
	return total;
}

int sd_calendar_add(struct sd_calendar *cal, sd_time from, int64_t seconds, sd_time *out)
{
	if (seconds <= 0) {
		*out = from;
		return 0;
	}
	if (cal->always_open) {
		*out = from + seconds;
		return 0;
	}
	if (!has_hours(cal))
		return -1;
	use_zone(cal->timezone);
	int64_t first = local_day_of(from) - 1;
	for (int64_t dn = first; dn < first + MAX_SEARCH_DAYS; dn++) {
		const struct sd_cal_day *day = day_of(cal, dn);
		for (int i = 0; i < day->n; i++) {
			if (day->open[i].end <= from)
				continue;
			sd_time s = day->open[i].start > from ? day->open[i].start : from;
			int64_t avail = day->open[i].end - s;
			if (avail >= seconds) {
				*out = s + seconds;
				return 0;
			}
			seconds -= avail;
		}
	}
	return -1;
}

/* ---- durations ---- */

sd_error *sd_duration_parse(int64_t *out, const char *text)
{
	static const struct {
		char unit;
		int64_t seconds;
	} units[] = { { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 } };
	const char *p = text;
	int64_t total = 0;
	size_t next_unit = 0;
	if (!*p)
		goto bad;
	while (*p) {
		if (*p < '0' || *p > '9')
			goto bad;
		int64_t n = 0;
		while (*p >= '0' && *p <= '9') {
			n = n * 10 + (*p++ - '0');
			if (n > 1000000)
				goto bad;
		}
		size_t u = next_unit;
		while (u < 4 && units[u].unit != *p)
			u++;
		if (u == 4)
			goto bad;
		total += n * units[u].seconds;
		next_unit = u + 1;
		p++;
	}
	if (total > 3660LL * 86400)
		goto bad;
	*out = total;
	return NULL;
bad:
	return sd_error_invalid("'%s' is not a duration: use units d, h, m, s in that order, "
				"like 30m, 4h, 1h30m or 2d4h (d is 24 hours)",
				text);
}

void sd_duration_format_minutes(char out[32], int64_t seconds)
{
	sd_duration_format(out, seconds >= 0 ? seconds / 60 * 60 : -((-seconds + 59) / 60 * 60));
}

void sd_duration_format(char out[32], int64_t seconds)
{
	char *p = out;
	size_t left = 32;
	if (seconds < -3660LL * 86400 * 100)
		seconds = -3660LL * 86400 * 100; /* far beyond any target; keeps -seconds defined */
	if (seconds < 0) {
		*p++ = '-';
		left--;
		seconds = -seconds;
	}
	if (seconds == 0) {
		snprintf(p, left, "0s");
		return;
	}
	int64_t d = seconds / 86400, h = seconds % 86400 / 3600, m = seconds % 3600 / 60,
		s = seconds % 60;
	int n;
	*p = '\0';
	if (d && (n = snprintf(p, left, "%lldd", (long long)d)) > 0)
		p += n, left -= (size_t)n;
	if (h && (n = snprintf(p, left, "%lldh", (long long)h)) > 0)
		p += n, left -= (size_t)n;
	if (m && (n = snprintf(p, left, "%lldm", (long long)m)) > 0)
		p += n, left -= (size_t)n;
	if (s)
		snprintf(p, left, "%llds", (long long)s);
}
