/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sd/time.h"

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

/* Both parsers: seconds in *out, the milliseconds of a fraction in *ms. */
static sd_error *parse_rfc3339(sd_time *out, int *ms, const char *s)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	const char *p = s;
	if (strlen(s) < 20 || digits(p, 4, &y) || p[4] != '-' || digits(p + 5, 2, &mo) ||
	    p[7] != '-' || digits(p + 8, 2, &d) || (p[10] != 'T' && p[10] != 't' && p[10] != ' ') ||
	    digits(p + 11, 2, &h) || p[13] != ':' || digits(p + 14, 2, &mi) || p[16] != ':' ||
	    digits(p + 17, 2, &sec))
		goto bad;
	p += 19;
	*ms = 0;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			goto bad;
		for (int scale = 100; *p >= '0' && *p <= '9'; p++, scale /= 10)
			*ms += scale * (*p - '0');
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 ||
		    om > 59)
			goto bad;
		p += 6;
	} else {
		goto bad;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
	    sec > 60)
		goto bad;
	struct tm tm = { 0 };
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec > 59 ? 59 : sec;
	*out = (sd_time)timegm(&tm) - sign * (oh * 3600 + om * 60);
	/* Years 1970 to 9999 only, so every time writes back as it reads. */
	if (*out < 0 || *out > 253402300799LL)
		goto bad;
	return NULL;
bad:
	return sd_error_invalid("'%s' is not an RFC 3339 time (like 2026-11-23T14:05:00Z)", s);
}

sd_error *sd_time_parse(sd_time *out, const char *s)
{
	int ms;
	return parse_rfc3339(out, &ms, s);
}

sd_error *sd_stamp_parse(sd_stamp *out, const char *s)
{
	sd_time secs;
	int ms;
	sd_error *err = parse_rfc3339(&secs, &ms, s);
	if (!err)
		*out = secs * 1000 + ms;
	return err;
}

sd_time sd_stamp_seconds(sd_stamp t)
{
	return t >= 0 ? t / 1000 : -((-t + 999) / 1000);
}

void sd_stamp_format(char out[SD_STAMP_STRLEN], sd_stamp t)
{
	sd_time secs = sd_stamp_seconds(t);
	int ms = (int)(t - secs * 1000);
	sd_time_format(out, secs);
	if (ms)
		snprintf(out + SD_TIME_STRLEN - 2, SD_STAMP_STRLEN - (SD_TIME_STRLEN - 2), ".%03dZ",
			 ms);
}

void sd_time_format(char out[SD_TIME_STRLEN], sd_time t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	/* Four digits always: parse accepts only such years. */
	char buf[96]; /* room for any int, so the compiler sees nothing is cut */
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	memcpy(out, buf, SD_TIME_STRLEN - 1);
	out[SD_TIME_STRLEN - 1] = '\0';
}

void sd_time_format_human(char out[32], sd_time t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm);
}

sd_error *sd_time_now(sd_time *out)
{
	const char *env = getenv("SD_NOW");
	if (env && *env) {
		sd_error *err = sd_time_parse(out, env);
		if (err)
			return sd_error_wrap(err, "SD_NOW");
		return NULL;
	}
	*out = (sd_time)time(NULL);
	return NULL;
}

sd_error *sd_stamp_now(sd_stamp *out)
{
	const char *env = getenv("SD_NOW");
	if (env && *env) {
		sd_error *err = sd_stamp_parse(out, env);
		if (err)
			return sd_error_wrap(err, "SD_NOW");
		return NULL;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	*out = (sd_stamp)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	return NULL;
}

void sd_time_format_age(char out[16], sd_time since, sd_time now)
{
	sd_time s = now - since;
	if (s < 0)
		s = 0;
	if (s < 3600)
		snprintf(out, 16, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(out, 16, "%lldh", (long long)(s / 3600));
	else if (s < 14 * 86400)
		snprintf(out, 16, "%lldd", (long long)(s / 86400));
	else if (s < 61 * 86400)
		snprintf(out, 16, "%lldw", (long long)(s / (7 * 86400)));
	else if (s < 365 * 86400)
		snprintf(out, 16, "%lldmo", (long long)(s / (30 * 86400)));
	else
		snprintf(out, 16, "%lldy", (long long)(s / (365 * 86400)));
}
