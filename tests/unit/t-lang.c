/* SPDX-License-Identifier: MIT */
/* The requester's language: the guess from the text, the words of sd's
 * mail in each language, due times in words across a DST change. */

#include <string.h>

#include "sd/lang.h"
#include "sd/outbox.h"
#include "unit.h"

static void expect_guess(const char *text, enum sd_lang want)
{
	enum sd_lang got = sd_lang_guess(text);
	CHECK(got == want, "%s: guessed %s, want %s", text ? text : "(null)", sd_lang_codes[got],
	      sd_lang_codes[want]);
}

static void expect_words(enum sd_lang lang, const char *when, const char *zone, const char *want)
{
	sd_time t = 0;
	char out[128];
	CHECK(!sd_time_parse(&t, when), "parse %s", when);
	sd_lang_time_in_words(out, lang, t, zone);
	CHECK_STR(want, out, when);
}

int main(void)
{
	expect_guess("Не работает принтер", SD_LANG_RU);
	expect_guess("Принтер HP LaserJet 1020 не печатает", SD_LANG_RU);
	expect_guess("Tiskalnik ne dela, čeprav je prižgan.", SD_LANG_SL);
	expect_guess("ŠKODA: ŽELEZNICA", SD_LANG_SL);
	expect_guess("The printer does not print.", SD_LANG_EN);
	expect_guess("Tiskalnik ne dela", SD_LANG_EN);			    /* no letter tells */
	expect_guess("Tiskárna netiskne, řekl jsem už včera.", SD_LANG_EN); /* Czech */
	expect_guess("Pisač ne radi, molim pomoć.", SD_LANG_EN);	    /* Croatian */
	expect_guess("", SD_LANG_EN);
	expect_guess(NULL, SD_LANG_EN);
	expect_guess("\xff\xfe broken \xd0", SD_LANG_EN);

	expect_words(SD_LANG_EN, "2026-12-08T10:00:00Z", NULL,
		     "Tuesday, 8 December 2026, 10:00 UTC");
	expect_words(SD_LANG_RU, "2026-12-08T10:00:00Z", "Europe/Moscow",
		     "вторник, 8 декабря 2026 г., 13:00 MSK");
	expect_words(SD_LANG_SL, "2026-12-08T10:00:00Z", "Europe/Ljubljana",
		     "torek, 8. decembra 2026, ob 11:00 CET");
	/* Across midnight and the change to summer time. */
	expect_words(SD_LANG_SL, "2026-03-29T22:30:00Z", "Europe/Ljubljana",
		     "ponedeljek, 30. marca 2026, ob 00:30 CEST");
	expect_words(SD_LANG_EN, "2024-02-29T23:59:00Z", "",
		     "Thursday, 29 February 2024, 23:59 UTC");
	expect_words(SD_LANG_RU, "1970-01-01T00:00:00Z", NULL,
		     "четверг, 1 января 1970 г., 00:00 UTC");

	for (int l = 0; l < SD_NLANGS; l++) {
		const char *footer = sd_lang_msg((enum sd_lang)l, SD_MSG_FOOTER);
		const char *at = strstr(footer, "%s");
		CHECK(at && !strstr(at + 2, "%"), "%s footer has one %%s and nothing else",
		      sd_lang_codes[l]);
		const char *tmpl = sd_lang_msg((enum sd_lang)l, SD_MSG_AUTO_REPLY);
		for (const char *const *p =
			     (const char *const[]){ "{{title}}", "{{short_id}}", "{{due}}",
						    "{{status_link}}", NULL };
		     *p; p++)
			CHECK(strstr(tmpl, *p) != NULL, "%s auto-reply names %s", sd_lang_codes[l],
			      *p);
		const char *values[5] = { "abc", "ab", "Принтер", "", "" };
		struct sd_buf out = SD_BUF_INIT;
		sd_outbox_fill_template(&out, tmpl, values, 0);
		CHECK(!strstr(out.data, "{{"), "%s auto-reply fills every placeholder",
		      sd_lang_codes[l]);
		sd_buf_release(&out);
	}
	return unit_done("t-lang");
}
