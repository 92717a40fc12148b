/* SPDX-License-Identifier: MIT */
/* Ids, times, text and config: the small pure modules. */

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "sd/calendar.h"
#include "sd/config.h"
#include "sd/id.h"
#include "sd/text.h"
#include "sd/time.h"
#include "sd/util.h"
#include "unit.h"

static void test_ids(void)
{
	struct sd_strvec ids = SD_STRVEC_INIT;
	for (int i = 0; i < 2000; i++) {
		char id[SD_ID_LEN + 1];
		sd_error *err = sd_id_generate(id, SD_ID_LEN);
		CHECK(!err && sd_id_valid(id), "generated id '%s' is valid", id);
		sd_error_free(err);
		sd_strvec_push(&ids, id);
	}
	sd_strvec_sort(&ids);
	int dup = 0;
	for (size_t i = 1; i < ids.n; i++)
		dup |= !strcmp(ids.v[i - 1], ids.v[i]);
	CHECK(!dup, "2000 ids are distinct");
	sd_strvec_clear(&ids);

	static const struct {
		const char *in, *out;
	} good[] = { { "7F3K", "7f3k" }, { "7f3kq2m9xw4a", "7f3kq2m9xw4a" }, { "abcd", "abcd" } };
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		char out[SD_ID_LEN + 1];
		sd_error *err = sd_id_normalize_prefix(out, good[i].in);
		CHECK(!err, "'%s' accepted", good[i].in);
		if (!err)
			CHECK_STR(good[i].out, out, "normalised prefix");
		sd_error_free(err);
	}
	static const char *const bad[] = { "",	   "../x", "ab/cd", "a\\b", "7f3kq2m9xw4a0",
					   "iiii", "a b",  "..",    "-x",   "a",
					   "4",	   "7f3" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char out[SD_ID_LEN + 1];
		sd_error *err = sd_id_normalize_prefix(out, bad[i]);
		CHECK(err && err->status == SD_EXIT_INVALID, "'%s' refused", bad[i]);
		sd_error_free(err);
	}
	{
		char x[SD_ENTRY_ID_LEN + 1], y[SD_ENTRY_ID_LEN + 1], z[SD_ENTRY_ID_LEN + 1];
		const char *p1[] = { "ab", "c" }, *p2[] = { "a", "bc" };
		sd_id_from_content(x, SD_ENTRY_ID_LEN, p1, 2);
		sd_id_from_content(y, SD_ENTRY_ID_LEN, p1, 2);
		sd_id_from_content(z, SD_ENTRY_ID_LEN, p2, 2);
		CHECK(!strcmp(x, y), "content ids are deterministic");
		CHECK(strcmp(x, z) != 0, "parts are length-prefixed: ab|c differs from a|bc");
		CHECK(strspn(x, SD_ID_ALPHABET) == SD_ENTRY_ID_LEN,
		      "content id uses the id alphabet");
	}
	char *others[] = { "abcdefghjkmn", "abcdzzzzzzzz", "abxxxxxxxxxx", "q0000000000" };
	CHECK(sd_id_unique_len("abcdefghjkmn", others, 4) == 5, "abcde is unique");
	CHECK(sd_id_unique_len("abxxxxxxxxxx", others, 4) == 4, "at least 4");
	CHECK(sd_id_unique_len("q0000000000", others, 1) == 4, "alone: 4");
}

static void test_times(void)
{
	static const struct {
		const char *in;
		sd_time t;
	} good[] = {
		{ "2026-11-23T14:05:00Z", 1795442700 },
		{ "2026-11-23T15:05:00+01:00", 1795442700 },
		{ "2026-11-23T14:05:00.123Z", 1795442700 },
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2024-02-29T00:00:00Z", 1709164800 },
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		sd_time t = -1;
		sd_error *err = sd_time_parse(&t, good[i].in);
		CHECK(!err && t == good[i].t, "'%s' -> %lld (got %lld)", good[i].in,
		      (long long)good[i].t, (long long)t);
		sd_error_free(err);
	}
	static const char *const bad[] = { "",
					   "2026-11-23",
					   "2026-11-23T14:05:00",
					   "2026-13-01T00:00:00Z",
					   "2025-02-29T00:00:00Z",
					   "2026-11-23T24:00:00Z",
					   "yesterday",
					   "2026-11-23T14:05:00Zjunk",
					   "0999-01-01T00:00:00Z",
					   "1969-12-31T23:59:59Z" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		sd_time t;
		sd_error *err = sd_time_parse(&t, bad[i]);
		CHECK(err != NULL, "'%s' refused", bad[i]);
		sd_error_free(err);
	}
	char buf[SD_TIME_STRLEN];
	sd_time_format(buf, 1795442700);
	CHECK_STR("2026-11-23T14:05:00Z", buf, "format");

	/* Stamps keep milliseconds; a whole second writes as it always did. */
	static const struct {
		const char *in;
		sd_stamp t;
		const char *out;
	} stamps[] = {
		{ "2026-11-23T14:05:00Z", 1795442700000, "2026-11-23T14:05:00Z" },
		{ "2026-11-23T14:05:00.123Z", 1795442700123, "2026-11-23T14:05:00.123Z" },
		{ "2026-11-23T14:05:00.1Z", 1795442700100, "2026-11-23T14:05:00.100Z" },
		{ "2026-11-23T14:05:00.000Z", 1795442700000, "2026-11-23T14:05:00Z" },
		{ "2026-11-23T14:05:00.0019Z", 1795442700001, "2026-11-23T14:05:00.001Z" },
		{ "2026-11-23T15:05:00.999+01:00", 1795442700999, "2026-11-23T14:05:00.999Z" },
		{ "9999-12-31T23:59:59.999Z", 253402300799999, "9999-12-31T23:59:59.999Z" },
	};
	for (size_t i = 0; i < sizeof(stamps) / sizeof(*stamps); i++) {
		sd_stamp t = -1;
		char out[SD_STAMP_STRLEN];
		sd_error *err = sd_stamp_parse(&t, stamps[i].in);
		CHECK(!err && t == stamps[i].t, "stamp '%s' -> %lld (got %lld)", stamps[i].in,
		      (long long)stamps[i].t, (long long)t);
		sd_error_free(err);
		sd_stamp_format(out, stamps[i].t);
		CHECK_STR(stamps[i].out, out, "stamp format");
		CHECK(sd_stamp_seconds(stamps[i].t) == stamps[i].t / 1000, "seconds of a stamp");
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		sd_stamp t;
		sd_error *err = sd_stamp_parse(&t, bad[i]);
		CHECK(err != NULL, "stamp '%s' refused", bad[i]);
		sd_error_free(err);
	}
	char age[16];
	static const struct {
		sd_time secs;
		const char *age;
	} ages[] = { { 0, "0m" },	   { 59 * 60, "59m" },	 { 3600, "1h" },
		     { 86400 * 3, "3d" },  { 86400 * 20, "2w" }, { 86400 * 100, "3mo" },
		     { 86400 * 800, "2y" } };
	for (size_t i = 0; i < sizeof(ages) / sizeof(*ages); i++) {
		sd_time_format_age(age, 1000000000, 1000000000 + ages[i].secs);
		CHECK_STR(ages[i].age, age, "age");
	}
}

static void test_minutes(void)
{
	static const struct {
		int64_t seconds;
		const char *text;
	} rows[] = { { 125, "2m" },
		     { 7265, "2h1m" },
		     { 59, "0s" },
		     { -30, "-1m" },
		     { -3601, "-1h1m" } };
	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		char out[32];
		sd_duration_format_minutes(out, rows[i].seconds);
		CHECK_STR(rows[i].text, out, "time left rounds down, time late rounds up");
	}
}

static void test_text(void)
{
	CHECK(sd_utf8_valid("ünï", strlen("ünï"), NULL), "valid UTF-8");
	size_t bad;
	CHECK(!sd_utf8_valid("ab\xc0\xaf", 4, &bad) && bad == 2, "overlong refused at 2");
	CHECK(!sd_utf8_valid("\xed\xa0\x80", 3, NULL), "surrogate refused");
	struct sd_buf out = SD_BUF_INIT;
	const char *evil = "a\x1b]52;c;SGk=\x07 \xe2\x80\xae rtl\r\nnext\x9b";
	sd_text_inert(&out, evil, strlen(evil), 1);
	CHECK_STR("a\\x1b]52;c;SGk=\\x07 \\u202e rtl\\x0d\nnext\\x9b", out.data, "inert text");
	sd_buf_reset(&out);
	sd_json_string(&out, "q\"\\\n\x1b\xe2\x80\xae\xff");
	CHECK_STR("\"q\\\"\\\\\\n\\u001b\\u202e\\ufffd\"", out.data, "json string");
	sd_buf_release(&out);
	CHECK(sd_strcasestr("Printer JAMS", "jams") != NULL, "case-insensitive search");
	CHECK(sd_text_has_control("a\xef\xbf\xbe") && sd_text_has_control("\xef\xbf\xbf"),
	      "U+FFFE and U+FFFF count as control characters (YAML refuses them)");
	CHECK(!sd_text_has_control("ünïcode 日本語"), "ordinary text has none");
	struct sd_strvec argv = SD_STRVEC_INIT;
	sd_split_command(&argv, "vim -f 'a b' \"c d\"");
	CHECK(argv.n == 4 && !strcmp(argv.v[2], "a b") && !strcmp(argv.v[3], "c d"),
	      "command split into argv without a shell");
	sd_strvec_clear(&argv);
}

/* Display widths and cuts for rows that fit the terminal. */
static void test_width(void)
{
	CHECK(sd_text_width("Принтер") == 7, "Cyrillic: one column each");
	CHECK(sd_text_width("打印机") == 6, "CJK: two columns each");
	CHECK(sd_text_width("Cafe\xcc\x81") == 4, "a combining mark takes none");
	CHECK(sd_text_width("a\x1b") == 5, "an escape counts as shown");
	struct sd_buf out = SD_BUF_INIT;
	CHECK(sd_text_inert_fit(&out, "打印机在", 6) == 5 && !strcmp(out.data, "打印…"),
	      "CJK cut on a whole character: %s", out.data);
	sd_buf_reset(&out);
	sd_text_inert_fit(&out, "ab\x1b[31mred", 6);
	CHECK_STR("ab…", out.data, "an escape is never cut in two");
	sd_buf_reset(&out);
	sd_text_inert_fit(&out, "Cafe\xcc\x81 x", 5);
	CHECK_STR("Cafe\xcc\x81…", out.data, "a combining mark stays with its letter");
	sd_buf_reset(&out);
	sd_text_inert_fit(&out, "fits", 4);
	CHECK_STR("fits", out.data, "text that fits is whole");
	sd_buf_reset(&out);
	sd_buf_adds(&out, "\033[33mid\033[0m  Принтер");
	sd_text_cut_line(&out, 0, 6);
	CHECK_STR("\033[33mid\033[0m  П…\033[0m", out.data, "line cut: colour whole, then reset");
	sd_buf_release(&out);
}

static void test_config(void)
{
	struct sd_config cfg;
	sd_config_init(&cfg);
	sd_error *err = sd_config_parse(&cfg, sd_config_default_text,
					strlen(sd_config_default_text), "c.yaml");
	CHECK(!err, "default config parses: %s", err ? err->msg : "");
	sd_error_free(err);
	CHECK_STR("P1", sd_config_priority(&cfg, "high", "high"), "matrix high/high");
	CHECK_STR("P5", sd_config_priority(&cfg, "low", "low"), "matrix low/low");
	CHECK_STR("desk", cfg.tiers[1].queue, "L1 queue");
	CHECK(!cfg.mail.addresses.n && !strcmp(cfg.mail.tag, "sd") && cfg.mail.reopen_days == 14 &&
		      cfg.mail.max_file_bytes == 10000000 && cfg.mail.keep_original &&
		      cfg.mail.auto_reply && cfg.mail.auto_reply_limit == 3 &&
		      !cfg.mail.thread_window && cfg.mail.notify[SD_MAIL_EV_SLA_BREACH].queue &&
		      !cfg.mail.notify[SD_MAIL_EV_ASSIGNED].queue,
	      "mail defaults");
	CHECK(sd_config_sendmail(&cfg)->n == 3 &&
		      !strcmp(sd_config_sendmail(&cfg)->v[0], "/usr/sbin/sendmail"),
	      "sendmail default");
	const char *mail = "mail:\n  addresses: [Help@Example.com, pomoc@primer.si]\n"
			   "  name: Služba pomoči\n  tag: HD\n  thread_window: 3d\n"
			   "  max_file_bytes: 2MiB\n  keep_original: false\n"
			   "  notify: {new_ticket: none, assigned: [assignee, boss@example.com]}\n";
	err = sd_config_parse(&cfg, mail, strlen(mail), "c.yaml");
	CHECK(!err && cfg.mail.addresses.n == 2 &&
		      sd_config_own_address(&cfg, "HELP@example.com") &&
		      !sd_config_own_address(&cfg, "x@example.com") &&
		      !strcmp(cfg.mail.tag, "HD") && cfg.mail.thread_window == 3 * 86400 &&
		      cfg.mail.max_file_bytes == 2097152 && !cfg.mail.keep_original &&
		      !cfg.mail.notify[SD_MAIL_EV_NEW_TICKET].queue &&
		      cfg.mail.notify[SD_MAIL_EV_ASSIGNED].addresses.n == 1,
	      "mail section: %s", err ? err->msg : "");
	sd_error_free(err);
	const char *local = "mail:\n  sendmail: [/bin/msmtp, -t]\n";
	err = sd_config_parse_local(&cfg, local, strlen(local), "l.yaml");
	CHECK(!err && sd_config_sendmail(&cfg)->n == 2, "local mail.sendmail: %s",
	      err ? err->msg : "");
	sd_error_free(err);
	const char *custom = "priority_matrix:\n  low: {low: P4}\nfuture_feature: {enabled: yes}\n";
	err = sd_config_parse(&cfg, custom, strlen(custom), "c.yaml");
	CHECK(!err && !strcmp(sd_config_priority(&cfg, "low", "low"), "P4"),
	      "matrix override; unknown sections left to other features");
	sd_error_free(err);
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "priority_matrix:\n  huge: {low: P1}\n",
		  "c.yaml:2: priority_matrix: unknown impact 'huge'" },
		{ "priority_matrix:\n  low: {low: P7}\n",
		  "c.yaml:2: priority_matrix: invalid priority 'P7'" },
		{ "tiers:\n  L9: {name: x}\n", "c.yaml:2: tiers: unknown tier 'L9'" },
		{ "defaults:\n  type: bug\n", "c.yaml:2: invalid type 'bug'" },
		{ "tiers: [a]\n", "c.yaml:1: 'tiers' must be a mapping" },
		{ "a: [unclosed\n", "c.yaml:" },
		{ "mail:\n  addresses: [desk]\n",
		  "c.yaml:2: mail.addresses: 'desk' is not a mail address" },
		{ "mail:\n  tag: \"[x]\"\n", "c.yaml:2: mail.tag must be a word" },
		{ "mail:\n  reopen_days: -1\n", "c.yaml:2: mail.reopen_days must be" },
		{ "mail:\n  thread_window: soon\n", "c.yaml:2: mail.thread_window must be" },
		{ "mail:\n  max_file_bytes: 10XB\n", "c.yaml:2: mail.max_file_bytes must be" },
		{ "mail:\n  keep_original: maybe\n", "c.yaml:2: mail.keep_original must be" },
		{ "mail:\n  auto_reply_template: ../x\n",
		  "c.yaml:2: mail.auto_reply_template must be" },
		{ "mail:\n  notify: {closed: [queue]}\n", "c.yaml:2: mail.notify: unknown event" },
		{ "mail:\n  notify: {assigned: [boss]}\n",
		  "c.yaml:2: mail.notify.assigned: 'boss' is neither" },
		{ "mail:\n  sendmail: [x]\n", "c.yaml:2: mail.sendmail belongs in the local" },
		{ "mail:\n  size: 1\n", "c.yaml:2: mail: unknown key 'size'" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		err = sd_config_parse(&cfg, bad[i].text, strlen(bad[i].text), "c.yaml");
		CHECK(err && !strncmp(err->msg, bad[i].msg, strlen(bad[i].msg)),
		      "config case %zu\n  expected: %s\n  actual:   %s", i, bad[i].msg,
		      err ? err->msg : "(none)");
		sd_error_free(err);
	}
	sd_config_release(&cfg);
}

/* Repeats are the later-ranked of equal keys; NULL keys take no part. */
static void test_repeats(void)
{
	const struct sd_keyed items[] = {
		{ "b", 5 }, { "a", 9 }, { "b", 2 }, { NULL, 0 },
		{ "a", 1 }, { "c", 3 }, { "b", 2 }, { NULL, 0 },
	};
	const unsigned char want[] = { 1, 1, 0, 0, 0, 0, 1, 0 };
	unsigned char got[8];
	sd_mark_repeats(items, 8, got);
	for (size_t i = 0; i < 8; i++)
		CHECK(got[i] == want[i], "item %zu: repeat %d, want %d", i, got[i], want[i]);
	struct sd_strvec v = SD_STRVEC_INIT;
	const char *in[] = { "x", "y", "x", "z", "y", "x" };
	for (size_t i = 0; i < 6; i++)
		sd_strvec_push(&v, in[i]);
	sd_strvec_uniq(&v);
	CHECK(v.n == 3 && !strcmp(v.v[0], "x") && !strcmp(v.v[1], "y") && !strcmp(v.v[2], "z") &&
		      !v.v[3],
	      "uniq keeps the first of each, in order (%zu left)", v.n);
	sd_strvec_clear(&v);
}

/* Case folding is ASCII in every locale; under tr_TR.UTF-8 the C
 * library's tolower('I') is 'I'. The locale is set only when installed
 * (make deps generates it); the checks hold in C either way. */
static void test_folding(void)
{
	const char *locales[] = { "C", "tr_TR.UTF-8" };
	for (size_t i = 0; i < 2; i++) {
		if (!setlocale(LC_ALL, locales[i])) {
			fprintf(stderr,
				"unit/core: locale %s not installed, folding not checked in it\n",
				locales[i]);
			continue;
		}
		CHECK(sd_strcaseeq("IT-Desk", "it-desk"), "%s: queue names fold", locales[i]);
		CHECK(sd_strcaseeq("IVAN@EXAMPLE.COM", "ivan@example.com"), "%s: addresses fold",
		      locales[i]);
		CHECK(!sd_strcaseeq("\xc4\xb0", "i") && !sd_strcaseeq("\xc4\xb1", "I"),
		      "%s: dotted and dotless i are not ASCII letters", locales[i]);
		CHECK(sd_strncaseeq("Desk-1", "DESK-2", 5) && !sd_strncaseeq("Desk", "Des", 4),
		      "%s: prefix folding", locales[i]);
		CHECK(sd_strcasestr("Ticket for IT", "it") != NULL &&
			      sd_strcasestr("Ticket for IT", "for it") != NULL,
		      "%s: search folds", locales[i]);
		CHECK(sd_ascii_tolower('I') == 'i' && sd_ascii_toupper('i') == 'I' &&
			      sd_ascii_tolower(0xc4) == 0xc4 && !sd_ascii_isalpha(0xe9),
		      "%s: ASCII classes", locales[i]);
	}
	setlocale(LC_ALL, "C");
}

int main(void)
{
	test_ids();
	test_times();
	test_minutes();
	test_text();
	test_width();
	test_config();
	test_repeats();
	test_folding();
	return unit_done("unit/core");
}
