/* SPDX-License-Identifier: MIT */
/* Records made into ticket files: defaults, checks, ids and line numbers. */

#include <stdlib.h>

#include "sd/config.h"
#include "sd/import.h"
#include "sd/ticket.h"
#include "unit.h"

static struct sd_config cfg;

static sd_error *run(struct sd_import *im, enum sd_import_format format, const char *data,
		     const struct sd_strvec *existing)
{
	struct sd_import_options opt = {
		.format = format,
		.path = "in",
		.cfg = &cfg,
		.author = "Imp Orter <imp@example.com>",
		.requester = "imp@example.com",
		.now = 1795424400000 /* 2026-11-23T09:00:00Z */,
		.existing = existing,
	};
	/* No NUL after the input, so the sanitizers see any overread. */
	size_t len = strlen(data);
	char *copy = malloc(len ? len : 1);
	memcpy(copy, data, len);
	sd_error *err = sd_import_parse(im, copy, len, &opt);
	free(copy);
	return err;
}

/* The front matter of result i, or the error text. */
static const char *result(const struct sd_import *im, size_t i)
{
	if (i >= im->n)
		return "(no such result)";
	return im->v[i].err ? im->v[i].err->msg : im->v[i].text.data;
}

static int has(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

static void test_defaults(void)
{
	struct sd_import im;
	sd_error *err =
		run(&im, SD_IMPORT_JSONL,
		    "{\"title\": \"Printer jams\"}\n"
		    "\n"
		    "{\"title\": \"Urgent\", \"impact\": \"high\", \"urgency\": \"high\", \"tier\": \"L2\"}\n"
		    "{\"title\": \"Empty ones\", \"impact\": \"\", \"queue\": \"\", \"requester\": \"\", "
		    "\"type\": \"\", \"created\": \"2026-01-02T03:04:05+01:00\"}\n",
		    NULL);
	CHECK(!err && im.n == 3 && im.nerr == 0, "three records, no errors: %s",
	      err ? err->msg : result(&im, 0));
	if (!err && im.n == 3 && !im.nerr) {
		const char *t = result(&im, 0);
		CHECK(im.v[0].line == 1 && im.v[1].line == 3 && im.v[2].line == 4, "lines 1, 3, 4");
		CHECK(has(t, "\nstatus: new\n") && has(t, "\ntype: incident\n") &&
			      has(t, "\npriority: P3\n") && has(t, "\nimpact: medium\n") &&
			      has(t, "\ntier: L1\n") && has(t, "\nqueue: desk\n") &&
			      has(t, "\nrequester: imp@example.com\n") &&
			      has(t,
				  "\ncreated: 2026-11-23T09:00:00Z\nupdated: 2026-11-23T09:00:00Z\n"),
		      "sd new's defaults:\n%s", t);
		CHECK(strlen(im.v[0].id) == SD_ID_LEN && has(t, im.v[0].id), "a generated id");
		t = result(&im, 1);
		CHECK(has(t, "\npriority: P1\n") && has(t, "\nqueue: second-line\n") &&
			      has(t, "\ntier: L2\n"),
		      "priority from the matrix, tier given:\n%s", t);
		t = result(&im, 2);
		CHECK(has(t, "\nimpact: \"\"\n") && has(t, "\nqueue: \"\"\n") &&
			      has(t, "\nrequester: \"\"\n") && has(t, "\ntype: incident\n") &&
			      has(t,
				  "\ncreated: 2026-01-02T02:04:05Z\nupdated: 2026-01-02T02:04:05Z\n"),
		      "empty values stay empty where allowed; times in UTC:\n%s", t);
		CHECK(strcmp(im.v[0].id, im.v[1].id) && strcmp(im.v[1].id, im.v[2].id),
		      "distinct ids");
	}
	sd_import_release(&im);
	sd_error_free(err);
}

static void test_errors(void)
{
	static const struct {
		const char *line;
		const char *msg;
	} cases[] = {
		{ "{\"titel\": \"x\"}", "in:1: unknown key 'titel'; did you mean 'title'?" },
		{ "{\"zzz\": 1}", "in:1: unknown key 'zzz'; see sd-import(1)" },
		{ "{}", "in:1: no title" },
		{ "{\"title\": \"\"}", "in:1: title must not be empty" },
		{ "{\"title\": \"a\\nb\"}", "in:1: title must be a single line" },
		{ "{\"title\": 5}", "in:1: 'title' must be a string, not a number" },
		{ "{\"title\": \"x\", \"status\": \"done\"}", "in:1: invalid status 'done'" },
		{ "{\"title\": \"x\", \"id\": \"ABC\"}", "in:1: invalid id 'ABC'" },
		{ "{\"title\": \"x\", \"tags\": \"a,b\"}",
		  "in:1: 'tags' must be an array of strings" },
		{ "{\"title\": \"x\", \"tags\": [\"a b\"]}", "in:1: invalid tag 'a b'" },
		{ "{\"title\": \"x\", \"created\": \"now\"}",
		  "in:1: created: 'now' is not an RFC 3339" },
		{ "{\"title\": \"x\", \"description\": \"a\\rb\"}",
		  "in:1: the description contains carriage returns" },
		{ "{\"title\": \"x\", \"schema_version\": 2}",
		  "in:1: unsupported schema_version 2" },
		{ "{\"title\": \"x\", \"timeline\": [{\"body\": \"b\", \"field\": \"f\"}]}",
		  "in:1: timeline[0]: no kind" },
		{ "{\"title\": \"x\", \"timeline\": [{\"kind\": \"comment\", \"field\": \"f\"}]}",
		  "in:1: timeline[0]: a comment has no 'field'" },
		{ "{\"title\": \"x\", \"timeline\": [{\"kind\": \"event\"}]}",
		  "in:1: timeline[0]: an event needs a field" },
		{ "{\"title\": \"x\", \"timeline\": [{\"kind\": \"note\"}]}",
		  "in:1: timeline[0]: invalid kind 'note'" },
		{ "{\"title\": \"x\", \"timeline\": [{\"body\": \"b\", \"bdoy\": 1}]}",
		  "in:1: timeline[0]: unknown key 'bdoy'; did you mean 'body'?" },
		{ "{\"title\": \"x\", \"timeline\": [{\"body\": \"b\", \"id\": \"ab\"}]}",
		  "in:1: timeline[0]: invalid id 'ab'" },
		{ "{\"title\": \"x\", \"timeline\": [{\"body\": \"b\", \"visibility\": \"secret\"}]}",
		  "in:1: timeline[0]: invalid visibility 'secret'" },
		{ "{\"title\": \"x\", \"timeline\": [{\"body\": \"b\", \"id\": \"abcd\"}, {\"body\": \"c\", \"id\": \"abcd\"}]}",
		  "in:1: timeline[0] and timeline[1] both have id 'abcd'" },
		{ "{\"title\": \"x\", \"extra\": {\"a\": 1}}",
		  "in:1: extra 'a' must be a string of YAML, not a number" },
		{ "{\"title\": \"x\", \"extra\": {\"a\": \"b: 1\\n\"}}",
		  "in:1: extra 'a' must be the YAML lines of that one key" },
		{ "{\"title\": \"x\", \"extra\": {\"a\": \"a: 1\\nb: 2\\n\"}}",
		  "in:1: extra 'a' must be the YAML lines of that one key" },
		{ "{\"title\": \"x\", \"extra\": {\"a\": \"a: &x 1\\n\"}}",
		  "in:1: extra 'a', line 1: YAML anchors" },
		{ "{\"title\": \"x\", \"extra\": {\"status\": \"status: new\\n\"}}",
		  "in:1: extra 'status' is a key sd knows" },
		{ "{\"title\": \"x\", \"extra\": {\"a\": \"\"}}", "in:1: extra 'a' is empty" },
		{ "[[1]]", "in:1: a record must be a JSON object, not an array" },
		{ "{\"title\": \"x\",}", "in:1: column 15: trailing comma before '}'" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct sd_import im;
		sd_error *err = run(&im, SD_IMPORT_JSONL, cases[i].line, NULL);
		CHECK(!err && im.n == 1 && im.nerr == 1, "case %zu: one invalid record (%s)", i,
		      err ? err->msg : result(&im, 0));
		if (!err && im.n == 1 && im.v[0].err) {
			CHECK(sd_starts_with(im.v[0].err->msg, cases[i].msg),
			      "case %zu: '%s' starts with '%s'", i, im.v[0].err->msg, cases[i].msg);
			CHECK(im.v[0].text.len == 0 && !*im.v[0].id, "case %zu: no text, no id", i);
		}
		sd_import_release(&im);
		sd_error_free(err);
	}
}

static void test_ids(void)
{
	struct sd_strvec existing = SD_STRVEC_INIT;
	sd_strvec_push(&existing, "0000000000aa");
	sd_strvec_push(&existing, "7f3kq2m9xw4a");
	struct sd_import im;
	sd_error *err = run(&im, SD_IMPORT_JSONL,
			    "{\"title\": \"a\", \"id\": \"abcdefghjkmn\"}\n"
			    "{\"title\": \"b\", \"id\": \"7f3kq2m9xw4a\"}\n"
			    "{\"title\": \"c\", \"id\": \"abcdefghjkmn\"}\n"
			    "{\"title\": \"d\"}\n"
			    "{\"title\": \"e\", \"id\": \"abcdefghjkmn\"}\n",
			    &existing);
	CHECK(!err && im.n == 5 && im.nerr == 3, "three of five invalid");
	if (!err && im.n == 5) {
		CHECK(!im.v[0].err && !strcmp(im.v[0].id, "abcdefghjkmn"),
		      "first use of an id kept");
		CHECK_STR("in:2: ticket 7f3kq2m9xw4a already exists in the store", result(&im, 1),
			  "in store");
		CHECK_STR("in:3: id abcdefghjkmn is also given on line 1", result(&im, 2), "twice");
		CHECK(!im.v[3].err && strcmp(im.v[3].id, "abcdefghjkmn") &&
			      strcmp(im.v[3].id, "7f3kq2m9xw4a"),
		      "a fresh id");
		CHECK_STR("in:5: id abcdefghjkmn is also given on line 1", result(&im, 4),
			  "three times");
	}
	sd_import_release(&im);
	sd_error_free(err);
	sd_strvec_clear(&existing);

	/* Many records without ids all get distinct ones. */
	struct sd_buf many = SD_BUF_INIT;
	for (int i = 0; i < 3000; i++)
		sd_buf_printf(
			&many,
			"{\"title\": \"t%d\", \"timeline\": [{\"body\": \"x\"}, {\"body\": \"y\"}]}\n",
			i);
	err = run(&im, SD_IMPORT_JSONL, many.data, NULL);
	CHECK(!err && im.n == 3000 && im.nerr == 0, "3000 records");
	if (!err) {
		struct sd_strvec ids = SD_STRVEC_INIT;
		for (size_t i = 0; i < im.n; i++)
			sd_strvec_push(&ids, im.v[i].id);
		sd_strvec_sort(&ids);
		size_t dup = 0;
		for (size_t i = 1; i < ids.n; i++)
			dup += !strcmp(ids.v[i], ids.v[i - 1]);
		CHECK(dup == 0, "3000 distinct ids");
		sd_strvec_clear(&ids);
	}
	sd_import_release(&im);
	sd_error_free(err);
	sd_buf_release(&many);
}

/* Entries without a time are made at the import, in the order given. */
static void test_untimed_entries_in_order(void)
{
	struct sd_import im;
	sd_error *err = run(&im, SD_IMPORT_JSONL,
			    "{\"title\": \"x\", \"timeline\": [{\"body\": \"first\"}, "
			    "{\"body\": \"second\"}, {\"body\": \"third\"}]}\n",
			    NULL);
	CHECK(!err && im.n == 1 && im.nerr == 0, "untimed entries: %s",
	      err ? err->msg : result(&im, 0));
	if (!err && !im.nerr) {
		const char *t = result(&im, 0);
		const char *a = strstr(t, "at=2026-11-23T09:00:00Z "),
			   *b = strstr(t, "at=2026-11-23T09:00:00.001Z "),
			   *c = strstr(t, "at=2026-11-23T09:00:00.002Z "),
			   *first = strstr(t, "\nfirst\n"), *second = strstr(t, "\nsecond\n"),
			   *third = strstr(t, "\nthird\n");
		CHECK(a && b && c && first && second && third && a < first && first < b &&
			      b < second && second < c && c < third,
		      "1 ms apart, in the order given:\n%s", t);
	}
	sd_import_release(&im);
	sd_error_free(err);
}

static void test_timeline_and_extra(void)
{
	struct sd_import im;
	sd_error *err = run(
		&im, SD_IMPORT_JSONL,
		"{\"title\": \"x\", \"description\": \"\\n\\nDesc\\n<!-- sd:timeline -->\\n\\n\", "
		"\"timeline\": [{\"kind\": \"event\", \"id\": \"zzzzzzzzzz\", \"at\": \"2026-01-01T00:00:00Z\", "
		"\"author\": \"B <b@x>\", \"field\": \"status\", \"from\": \"new\", \"to\": \"open\", "
		"\"reason\": \"use --force\"}, {\"body\": \"\\nhi\\n\", \"at\": \"2025-12-31T23:00:00Z\", "
		"\"visibility\": \"internal\"}], \"extra\": {\"x_ref\": \"x_ref: 42  # theirs\\n\", "
		"\"list\": \"list:\\n  - a\"}}\n",
		NULL);
	CHECK(!err && im.n == 1 && im.nerr == 0, "timeline and extra: %s",
	      err ? err->msg : result(&im, 0));
	if (!err && !im.nerr) {
		const char *t = result(&im, 0);
		const char *comment = strstr(t, "<!-- sd:comment "),
			   *event = strstr(t, "<!-- sd:event id=zzzzzzzzzz ");
		CHECK(comment && event && comment < event, "entries sorted by time:\n%s", t);
		CHECK(has(t, "author=\"Imp Orter <imp@example.com>\" visibility=internal -->"),
		      "the importer is the author of an entry without one");
		CHECK(has(t, "\nhi\n") && has(t, "reason=\"use -\\-force\""),
		      "body trimmed, reason escaped");
		CHECK(has(t, "\n\nDesc\n\\<!-- sd:timeline -->\n\n<!-- sd:timeline -->\n"),
		      "description trimmed and escaped:\n%s", t);
		CHECK(has(t,
			  "updated: 2026-11-23T09:00:00Z\nx_ref: 42  # theirs\nlist:\n  - a\n---\n"),
		      "extra keys after the known ones, as given:\n%s", t);
	}
	sd_import_release(&im);
	sd_error_free(err);
}

static void test_json_array(void)
{
	struct sd_import im;
	sd_error *err =
		run(&im, SD_IMPORT_JSONL,
		    "\xef\xbb\xbf[\n  {\"title\": \"a\"},\n\n  {\"title\": \"\"},\n  {\"title\": \"c\", "
		    "\"short_id\": \"abcd\", \"schema_version\": 1}\n]\n",
		    NULL);
	CHECK(!err && im.n == 3 && im.nerr == 1, "a JSON array of records: %s",
	      err ? err->msg : "");
	if (!err && im.n == 3) {
		CHECK(im.v[0].line == 2 && im.v[1].line == 4 && im.v[2].line == 5,
		      "element lines %zu %zu %zu", im.v[0].line, im.v[1].line, im.v[2].line);
		CHECK_STR("in:4: title must not be empty", result(&im, 1),
			  "error at the element's line");
	}
	sd_import_release(&im);
	sd_error_free(err);

	err = run(&im, SD_IMPORT_JSONL, "[\n{\"title\": \"a\"},\n{\"title\": \"b\"\n]\n", NULL);
	CHECK(err && !strcmp(err->msg, "in:4: column 1: unexpected ']'; expected ',' or '}'"),
	      "a broken array is an error for the whole input: %s", err ? err->msg : "accepted");
	CHECK(im.n == 0 && im.v == NULL, "nothing kept");
	sd_error_free(err);
}

static void test_csv(void)
{
	struct sd_import im;
	sd_error *err =
		run(&im, SD_IMPORT_CSV,
		    "\xef\xbb\xbf Subject ,BODY,labels,Vendor-Ref,created_at,short_id,schema_version\r\n"
		    "\"Printer, floor 3\",\"Line 1\r\nLine \"\"2\"\"\",\"printer, floor-3\",R-1,,x,1\r\n"
		    "\r\n"
		    "VPN,,,,2026-01-01T00:00:00Z,,\r\n"
		    "bad\"quote,,,,,,\r\n"
		    "short,row\r\n",
		    NULL);
	CHECK(!err && im.n == 4 && im.nerr == 2, "CSV with aliases: %s", err ? err->msg : "");
	if (!err && im.n == 4) {
		const char *t = result(&im, 0);
		CHECK(has(t, "title: Printer, floor 3\n") && has(t, "tags: [printer, floor-3]\n") &&
			      has(t, "vendor_ref: R-1\n") && has(t, "\nLine 1\nLine \"2\"\n"),
		      "first record:\n%s", t);
		CHECK(im.v[1].line == 5 && has(result(&im, 1), "created: 2026-01-01T00:00:00Z"),
		      "second record");
		CHECK(im.v[2].line == 6 &&
			      sd_starts_with(result(&im, 2),
					     "in:6: a '\"' inside an unquoted field"),
		      "malformed record: %s", result(&im, 2));
		CHECK_STR("in:7: 2 fields, but the header has 7 columns", result(&im, 3),
			  "short record");
	}
	sd_import_release(&im);
	sd_error_free(err);

	static const struct {
		const char *in, *msg;
	} bad[] = {
		{ "title,colour\nx,red\n",
		  "in:1: unknown column 'colour'; columns are named after sd's fields" },
		{ "title,stauts\nx,new\n",
		  "in:1: unknown column 'stauts'; did you mean 'status'?" },
		{ "title,Subject\nx,y\n",
		  "in:1: columns 1 ('title') and 2 ('Subject') both give the title" },
		{ "title\n\"x\n", "in:2: a quoted field opens here and is never closed" },
		{ "ti\"tle\nx\n", "in:1: the header: a '\"' inside an unquoted field" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		err = run(&im, SD_IMPORT_CSV, bad[i].in, NULL);
		CHECK(err && sd_starts_with(err->msg, bad[i].msg),
		      "CSV case %zu: '%s' starts with '%s'", i, err ? err->msg : "accepted",
		      bad[i].msg);
		sd_error_free(err);
	}
	err = run(&im, SD_IMPORT_CSV, "title,timeline\nx,\"[{\"\"body\"\": 1}]\"\ny,\"{}\"\nz,[\n",
		  NULL);
	CHECK(!err && im.n == 3 && im.nerr == 3, "timeline cells are checked");
	if (!err && im.n == 3) {
		CHECK_STR("in:2: timeline[0]: 'body' must be a string, not a number",
			  result(&im, 0), "cell");
		CHECK_STR("in:3: timeline column must hold an array, not an object", result(&im, 1),
			  "cell");
		CHECK_STR("in:4: timeline column: column 2: unexpected end of input; expected a JSON value",
			  result(&im, 2), "cell");
	}
	sd_import_release(&im);
	sd_error_free(err);
	err = run(&im, SD_IMPORT_CSV, "title\n", NULL);
	CHECK(!err && im.n == 0, "a header alone: no records");
	sd_import_release(&im);
	sd_error_free(err);
	err = run(&im, SD_IMPORT_CSV, "", NULL);
	CHECK(!err && im.n == 0, "an empty CSV: no records");
	sd_error_free(err);
}

/* Every ticket written reads back and validates. */
static void test_written_tickets_read_back(void)
{
	struct sd_import im;
	sd_error *err = run(
		&im, SD_IMPORT_JSONL,
		"{\"title\": \"yes\", \"tags\": [\"no\", \"null\", \"123\", \"a:b\"], \"asset\": \"- x\", "
		"\"category\": \"[a]\", \"assignee\": \"'q'\", \"key\": \"#k\", \"vendor\": \"\\u00e9\"}\n",
		NULL);
	CHECK(!err && im.n == 1 && im.nerr == 0, "YAML-special values: %s",
	      err ? err->msg : result(&im, 0));
	if (!err && !im.nerr) {
		struct sd_ticket t;
		sd_error *e = sd_ticket_parse(&t, im.v[0].text.data, im.v[0].text.len, "t");
		if (!e)
			e = sd_ticket_validate(&t, "t");
		CHECK(!e, "reads back: %s", e ? e->msg : "");
		if (!e) {
			CHECK_STR("yes", sd_ticket_get(&t, SD_F_TITLE), "title");
			CHECK_STR("- x", sd_ticket_get(&t, SD_F_ASSET), "asset");
			CHECK(t.tags.n == 4 && !strcmp(t.tags.v[1], "null"), "tags");
		}
		sd_error_free(e);
		sd_ticket_free(&t);
	}
	sd_import_release(&im);
	sd_error_free(err);
	CHECK(!strcmp(sd_import_csv_columns[SD_F_VENDOR_REF], sd_fields[SD_F_VENDOR_REF].name) &&
		      !strcmp(sd_import_csv_columns[SD_F_COUNT], "description"),
	      "CSV columns follow the front-matter order");
}

int main(void)
{
	sd_config_init(&cfg);
	test_defaults();
	test_errors();
	test_ids();
	test_timeline_and_extra();
	test_untimed_entries_in_order();
	test_json_array();
	test_csv();
	test_written_tickets_read_back();
	sd_config_release(&cfg);
	return unit_done("t-import");
}
