/* SPDX-License-Identifier: MIT */
/* The ticket format: round trips, hostile text, and every parse error. */

#include <stdlib.h>

#include "sd/ticket.h"
#include "unit.h"

static const char canonical[] =
	"---\n"
	"id: 7f3kq2m9xw4a\n"
	"title: Printer on floor 3 jams\n"
	"type: incident\n"
	"status: open\n"
	"priority: P3\n"
	"impact: medium\n"
	"urgency: medium\n"
	"tier: L1\n"
	"queue: desk\n"
	"assignee: bob@example.com\n"
	"requester: alice@example.com\n"
	"category: hardware\n"
	"tags: [printer, floor-3]\n"
	"asset: PRN-042\n"
	"created: 2026-11-23T14:00:00Z\n"
	"updated: 2026-11-23T14:06:00Z\n"
	"x-custom: keep me   # with a comment\n"
	"x-nested:\n"
	"  a: [1, 2]\n"
	"  b: {c: d}\n"
	"---\n"
	"\n"
	"The printer jams on every second page.\n"
	"\n"
	"<!-- sd:timeline -->\n"
	"## Timeline\n"
	"\n"
	"<!-- sd:comment id=k3j9x2m1qa at=2026-11-23T14:05:00Z author=\"Bob Tech <bob@example.com>\" visibility=public -->\n"
	"### Bob Tech · 2026-11-23 14:05 UTC\n"
	"\n"
	"Comment text in **Markdown**.\n"
	"\n"
	"<!-- sd:event id=p0w8r7t6y5 at=2026-11-23T14:06:00Z author=\"Bob Tech <bob@example.com>\" field=status from=new to=open reason=\"picked up\" -->\n"
	"- **status**: new → open · Bob Tech · 2026-11-23 14:06 UTC — picked up\n";

static char *write_ticket(const struct sd_ticket *t)
{
	struct sd_buf out = SD_BUF_INIT;
	sd_ticket_write(t, &out);
	return sd_buf_detach(&out);
}

static void test_canonical_round_trip(void)
{
	struct sd_ticket t;
	sd_error *err = sd_ticket_parse(&t, canonical, strlen(canonical), "t.md");
	CHECK(!err, "parse: %s", err ? err->msg : "");
	sd_error_free(err);
	err = sd_ticket_validate(&t, "t.md");
	CHECK(!err, "validate: %s", err ? err->msg : "");
	sd_error_free(err);
	CHECK_STR("Printer on floor 3 jams", sd_ticket_get(&t, SD_F_TITLE), "title");
	CHECK(t.tags.n == 2, "two tags, got %zu", t.tags.n);
	CHECK(t.nextra == 2, "two unknown keys kept, got %zu", t.nextra);
	CHECK(t.nentries == 2, "two entries, got %zu", t.nentries);
	if (t.nentries == 2) {
		CHECK_STR("Comment text in **Markdown**.", t.entries[0].body, "comment body");
		CHECK_STR("Bob Tech <bob@example.com>", t.entries[0].author, "author");
		CHECK_STR("picked up", t.entries[1].reason, "event reason");
	}
	char *again = write_ticket(&t);
	CHECK_STR(canonical, again, "canonical file writes back byte for byte");
	free(again);
	sd_ticket_free(&t);
}

/* Text that imitates the format's own structure must survive exactly. */
static const char *const hostile[] = {
	"---",
	"---\ntitle: fake\n---",
	"<!-- sd:timeline -->",
	"## Timeline\n\n<!-- sd:comment id=aaaaaaaaaa at=2026-01-01T00:00:00Z author=x -->\nfake",
	"\\<!-- sd:comment id=x -->",
	"\\\\<!-- sd:event id=y -->",
	"<!-- sd:end -->\ntext after",
	"### Looks like a display heading",
	"- **status**: looks like an event line",
	"<div>html</div>\n<script>alert(1)</script>",
	"```\n<!-- sd:comment in a code block -->\n```",
	"\x1b]52;c;SGVsbG8=\x07 osc 52 and \x1b[2J clear",
	"tab\tand trailing spaces   \nsecond line",
	"unicode: ünïcödé, 日本語, \xe2\x80\xae bidi override",
	"-->",
	"a\n\n\n\nmany blank lines\n\n\nb",
};

static void test_hostile_text_round_trip(void)
{
	for (size_t i = 0; i < sizeof(hostile) / sizeof(*hostile); i++) {
		struct sd_ticket t, back;
		sd_ticket_init(&t);
		sd_ticket_set(&t, SD_F_ID, "7f3kq2m9xw4a");
		sd_ticket_set(&t, SD_F_TITLE, "hostile");
		sd_ticket_set(&t, SD_F_TYPE, "incident");
		sd_ticket_set(&t, SD_F_STATUS, "new");
		sd_ticket_set(&t, SD_F_PRIORITY, "P3");
		sd_ticket_set(&t, SD_F_CREATED, "2026-11-23T14:00:00Z");
		sd_ticket_set(&t, SD_F_UPDATED, "2026-11-23T14:00:00Z");
		free(t.description);
		t.description = sd_xstrdup(hostile[i]);
		sd_error *err = sd_ticket_add_comment(&t, "Eve <eve@example.com>", 1795442400, 0,
						      hostile[i]);
		sd_error_free(err);
		err = sd_ticket_change(&t, SD_F_STATUS, "open", "Eve -- <eve@example.com>",
				       1795442401, hostile[i], NULL);
		CHECK(!err, "change: %s", err ? err->msg : "");
		sd_error_free(err);
		char *text = write_ticket(&t);
		err = sd_ticket_parse(&back, text, strlen(text), "h.md");
		CHECK(!err, "case %zu parses: %s\n%s", i, err ? err->msg : "", text);
		sd_error_free(err);
		if (!err) {
			CHECK_STR(t.description, back.description, "description");
			CHECK(back.nentries == 2, "case %zu: two entries, got %zu", i,
			      back.nentries);
			if (back.nentries == 2) {
				CHECK_STR(t.entries[0].body, back.entries[0].body, "comment body");
				CHECK_STR(hostile[i], back.entries[1].reason, "event reason");
				CHECK_STR("Eve -- <eve@example.com>", back.entries[1].author,
					  "author with --");
			}
			char *again = write_ticket(&back);
			CHECK_STR(text, again, "write(parse(write(t))) == write(t)");
			free(again);
		}
		free(text);
		sd_ticket_free(&back);
		sd_ticket_free(&t);
	}
}

/* Values that YAML would read as something else are quoted. */
static void test_yaml_scalars(void)
{
	static const char *const titles[] = {
		"yes",
		"No",
		"null",
		"~",
		"123",
		"1.5",
		"0x1f",
		"2026-12-25",
		"a: b",
		"#hash",
		"ends with colon:",
		"- dash",
		"[bracket]",
		"{brace}",
		"\"quoted\"",
		"'single'",
		"back\\slash",
		"ünïcode title",
		"&anchor",
		"*alias",
		"!tag",
		"%percent",
		"@at",
		"`tick`",
		"a #not comment",
		" leading space",
		"trailing space ",
		".inf",
		"<<",
		"x, y",
		"a | b",
		"> folded",
		"?question",
		"=",
	};
	for (size_t i = 0; i < sizeof(titles) / sizeof(*titles); i++) {
		struct sd_ticket t, back;
		sd_ticket_init(&t);
		sd_ticket_set(&t, SD_F_ID, "7f3kq2m9xw4a");
		sd_ticket_set(&t, SD_F_TITLE, titles[i]);
		sd_ticket_set(&t, SD_F_TYPE, "incident");
		sd_ticket_set(&t, SD_F_STATUS, "new");
		sd_ticket_set(&t, SD_F_PRIORITY, "P3");
		sd_ticket_set(&t, SD_F_ASSET, titles[i]);
		sd_ticket_set(&t, SD_F_CREATED, "2026-11-23T14:00:00Z");
		sd_ticket_set(&t, SD_F_UPDATED, "2026-11-23T14:00:00Z");
		char *text = write_ticket(&t);
		sd_error *err = sd_ticket_parse(&back, text, strlen(text), "q.md");
		CHECK(!err, "'%s' parses: %s\n%s", titles[i], err ? err->msg : "", text);
		if (!err) {
			CHECK_STR(titles[i], sd_ticket_get(&back, SD_F_TITLE), "title");
			CHECK_STR(titles[i], sd_ticket_get(&back, SD_F_ASSET), "asset");
		}
		sd_error_free(err);
		free(text);
		sd_ticket_free(&back);
		sd_ticket_free(&t);
	}
	/* Tags are written in a flow sequence, where libyaml refuses ':'
	 * before '?' in a plain scalar (found by fuzz-ticket). */
	struct sd_ticket t, back;
	sd_ticket_init(&t);
	sd_ticket_set(&t, SD_F_ID, "7f3kq2m9xw4a");
	sd_ticket_set(&t, SD_F_TITLE, "t");
	sd_strvec_push(&t.tags, "a:?b");
	sd_strvec_push(&t.tags, "os:linux");
	char *text = write_ticket(&t);
	sd_error *err = sd_ticket_parse(&back, text, strlen(text), "q.md");
	CHECK(!err && back.tags.n == 2 && !strcmp(back.tags.v[0], "a:?b"),
	      "a tag with ':?' reads back: %s\n%s", err ? err->msg : "", text);
	CHECK(strstr(text, "tags: [\"a:?b\", os:linux]") != NULL, "quoted only where needed:\n%s",
	      text);
	sd_error_free(err);
	free(text);
	sd_ticket_free(&back);
	sd_ticket_free(&t);
}

struct bad_case {
	const char *text;
	const char *message; /* expected error, including path:line */
};

static const struct bad_case bad[] = {
	{ "id: x\n", "b.md:1: a ticket starts with a '---' line" },
	{ "---\nid: 7f3kq2m9xw4a\ntitle: t\n", "b.md:1: the front matter is never closed" },
	{ "\xef\xbb\xbf---\n---\n", "b.md:1: file starts with a byte-order mark" },
	{ "---\r\ntitle: t\r\n---\r\n", "b.md:1: file has CRLF" },
	{ "---\ntitle: a\0b\n---\n", "b.md:2: file contains a NUL byte" },
	{ "---\ntitle: \xff\n---\n", "b.md:2: file is not valid UTF-8" },
	{ "---\ntitle: a\ntitle: b\n---\n", "b.md:3: key 'title' appears twice" },
	{ "---\na: &x [1]\nb: *x\n---\n", "b.md:2: YAML anchors" },
	{ "---\nb: *x\n---\n", "b.md:2:" },
	{ "---\ntitle: !!str x\n---\n", "b.md:2: YAML tags" },
	{ "---\n{title: x}\n---\n", "b.md:2: the front matter must be 'key: value' lines" },
	{ "---\n- a\n- b\n---\n", "b.md:2: the front matter must be a mapping" },
	{ "---\nstatus: done\n---\n", "b.md:2: invalid status 'done'" },
	{ "---\npriority: P9\n---\n", "b.md:2: invalid priority 'P9'" },
	{ "---\ntitle: [a, b]\n---\n", "b.md:2: 'title' must be a single value" },
	{ "---\ntitle: \"unclosed\n---\n", "b.md:" },
	{ "---\n---\n", "b.md:1: the front matter is empty" },
	{ "---\nx: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n---\n",
	  "b.md:2: YAML nested too deeply" },
	{ "---\ntitle: t\n---\n<!-- sd:comment id=abcd at=2026-01-01T00:00:00Z -->\n",
	  "b.md:4: entry marker before '<!-- sd:timeline -->'" },
	{ "---\ntitle: t\n---\n<!-- sd:timeline -->\nstray text\n",
	  "b.md:5: text in the timeline outside an entry" },
	{ "---\ntitle: t\n---\n<!-- sd:timeline -->\n<!-- sd:comment id=abcd -->\n",
	  "b.md:5: entry needs a time" },
	{ "---\ntitle: t\n---\n<!-- sd:timeline -->\n<!-- sd:comment at=2026-01-01T00:00:00Z -->\n",
	  "b.md:5: entry needs an id" },
	{ "---\ntitle: t\n---\n<!-- sd:timeline -->\n<!-- sd:comment id=abcd at=yesterday -->\n",
	  "b.md:5: 'yesterday' is not an RFC 3339 time" },
	{ "---\ntitle: t\n---\n<!-- sd:timeline -->\n<!-- sd:comment id=abcd at=2026-01-01T00:00:00Z visibility=secret -->\n",
	  "b.md:5: invalid visibility 'secret'" },
	{ "---\ntitle: t\n---\n<!-- sd:timeline -->\n<!-- sd:comment id=abcd at=2026-01-01T00:00:00Z color=red -->\n",
	  "b.md:5: unknown entry attribute 'color'" },
	{ "---\ntitle: t\n---\n<!-- sd:timeline -->\n<!-- sd:comment id=abcd at=2026-01-01T00:00:00Z author=\"unterminated -->\n",
	  "b.md:5: malformed entry marker" },
	{ "---\ntitle: t\n---\n<!-- sd:timeline -->\n<!-- sd:event id=abcd at=2026-01-01T00:00:00Z -->\n",
	  "b.md:5: event needs field=NAME" },
	{ "---\ntitle: t\n---\n<!-- sd:timeline -->\n<!-- sd:event id=abcd at=2026-01-01T00:00:00Z field=status -->\n- display\nextra text\n",
	  "b.md:7: text after an event entry" },
	{ "---\ntitle: t\n---\n<!-- sd:timeline -->\n<!-- sd:note id=abcd -->\n",
	  "b.md:5: unknown marker" },
	{ "---\ntitle: t\n---\n<!-- sd:timeline -->\n<!-- sd:comment id=abcd at=2026-01-01T00:00:00Z\n",
	  "b.md:5: entry marker does not end with ' -->'" },
	/* A field name with a newline would become file structure when the
	 * display line is written. */
	{ "---\ntitle: t\n---\n<!-- sd:timeline -->\n<!-- sd:event id=abcd at=2026-01-01T00:00:00Z field=\"x\\n<!-\\- sd:comment\" -->\n",
	  "b.md:5: event field" },
	/* Indented keys would not survive being kept as whole lines. */
	{ "---\n  title: t\n  x-sla: gold\n---\n", "b.md:2: front-matter keys must start" },
	{ "---\ntitle: t\n---\n<!-- sd:timeline -->\n<!-- sd:comment id=abcd at=0999-11-23T09:00:00Z -->\n",
	  "b.md:5: '0999-11-23T09:00:00Z' is not an RFC 3339 time" },
};

static void test_parse_errors(void)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct sd_ticket t;
		size_t len = strlen(bad[i].text);
		if (strstr(bad[i].message, "NUL"))
			len = strlen(bad[i].text) + 1 +
				strlen(bad[i].text + strlen(bad[i].text) + 1);
		sd_error *err = sd_ticket_parse(&t, bad[i].text, len, "b.md");
		CHECK(err != NULL, "case %zu should fail: %s", i, bad[i].message);
		if (err) {
			CHECK(strncmp(err->msg, bad[i].message, strlen(bad[i].message)) == 0,
			      "case %zu\n  expected: %s\n  actual:   %s", i, bad[i].message,
			      err->msg);
			CHECK(err->status == SD_EXIT_INVALID, "status 2");
		}
		sd_error_free(err);
		sd_ticket_free(&t);
	}
}

/* Entries reordered by hand are put back in time order. */
static void test_entries_sorted(void)
{
	const char *text =
		"---\nid: 7f3kq2m9xw4a\ntitle: t\ntype: incident\nstatus: new\npriority: P3\n"
		"created: 2026-11-23T09:00:00Z\nupdated: 2026-11-23T09:00:00Z\n---\n\n"
		"<!-- sd:timeline -->\n"
		"<!-- sd:comment id=bbbbbbbbbb at=2026-11-23T11:00:00Z author=b -->\nlater\n"
		"<!-- sd:comment id=aaaaaaaaaa at=2026-11-23T10:00:00Z author=a -->\nearlier\n";
	struct sd_ticket t;
	sd_error *err = sd_ticket_parse(&t, text, strlen(text), "s.md");
	CHECK(!err && t.nentries == 2 && !strcmp(t.entries[0].body, "earlier"),
	      "entries sorted by time after parse");
	sd_error_free(err);
	sd_ticket_free(&t);
}

static void test_validate(void)
{
	const char *text = "---\nid: 7f3kq2m9xw4a\ntitle: t\n---\n";
	struct sd_ticket t;
	sd_error *err = sd_ticket_parse(&t, text, strlen(text), "v.md");
	CHECK(!err, "parse");
	sd_error_free(err);
	err = sd_ticket_validate(&t, "v.md");
	CHECK(err && strstr(err->msg, "required field 'type'"), "missing type reported: %s",
	      err ? err->msg : "(none)");
	sd_error_free(err);
	sd_ticket_free(&t);
}

static void test_tags_and_changes(void)
{
	struct sd_ticket t;
	sd_ticket_init(&t);
	sd_error *err = sd_ticket_set_tags(&t, " vpn, printer,,vpn ,x ");
	CHECK(!err && t.tags.n == 3, "tags split, trimmed, deduplicated: %zu", t.tags.n);
	sd_error_free(err);
	err = sd_ticket_set_tags(&t, "has space");
	CHECK(err != NULL, "a tag with a space is refused");
	sd_error_free(err);
	int changed;
	err = sd_ticket_change(&t, SD_F_PRIORITY, "P9", "a <a@b>", 0, NULL, &changed);
	CHECK(err && strstr(err->msg, "invalid priority 'P9': use one of P1, P2, P3, P4, P5"),
	      "priority validated: %s", err ? err->msg : "(none)");
	sd_error_free(err);
	err = sd_ticket_change(&t, SD_F_PRIORITY, "P2", "a <a@b>", 5, "why", &changed);
	CHECK(!err && changed && t.nentries == 1, "event recorded");
	sd_error_free(err);
	err = sd_ticket_change(&t, SD_F_PRIORITY, "P2", "a <a@b>", 6, NULL, &changed);
	CHECK(!err && !changed && t.nentries == 1, "no event when nothing changes");
	sd_error_free(err);
	sd_ticket_free(&t);
}

/* Entries made at one clock reading, or with the clock gone back, still
 * sort in the order made: each is 1 ms after the ticket's newest. */
static void test_hybrid_clock(void)
{
	const sd_stamp t0 = 1795424400000; /* 2026-11-23T09:00:00Z */
	struct sd_ticket t;
	sd_ticket_init(&t);
	sd_ticket_set(&t, SD_F_CREATED, "2026-11-23T09:00:00.500Z");
	CHECK(sd_ticket_next_stamp(&t, t0) == t0 + 500, "never before created");
	static const char *const statuses[] = { "open", "pending", "open", "resolved" };
	for (size_t i = 0; i < 4; i++) {
		sd_error *err = sd_ticket_change(&t, SD_F_STATUS, statuses[i], "a <a@b>",
						 i == 3 ? t0 - 60000 : t0, NULL, NULL);
		CHECK(!err, "change %zu", i);
		sd_error_free(err);
	}
	sd_error *err = sd_ticket_add_comment(&t, "a <a@b>", t0 + 400, 0, "last");
	CHECK(!err, "comment");
	sd_error_free(err);
	CHECK(t.nentries == 5, "five entries");
	for (size_t i = 0; i < t.nentries && i < 4; i++)
		CHECK(t.entries[i].at == t0 + 500 + (sd_stamp)i &&
			      !strcmp(t.entries[i].to, statuses[i]),
		      "entry %zu in the order made, at created + %zu ms", i, i);
	CHECK(t.nentries == 5 && t.entries[4].kind == SD_ENTRY_COMMENT &&
		      t.entries[4].at == t0 + 504,
	      "a clock behind the newest entry: 1 ms after it");
	CHECK(sd_ticket_updated_stamp(&t, t0) == t0 + 504, "updated: the newest entry");
	CHECK(sd_ticket_updated_stamp(&t, t0 + 9000) == t0 + 9000, "updated: the clock");
	sd_ticket_free(&t);

	static const struct {
		const char *value;
		int ok;
	} times[] = { { "2026-11-23T09:00:00Z", 1 },	  { "2026-11-23T09:00:00.123Z", 1 },
		      { "2026-11-23T09:00:00.1Z", 0 },	  { "2026-11-23T09:00:00.1234Z", 0 },
		      { "2026-11-23T10:00:00+01:00", 0 }, { "2026-11-23T09:00:00z", 0 } };
	for (size_t i = 0; i < sizeof(times) / sizeof(*times); i++) {
		err = sd_field_validate(SD_F_UPDATED, times[i].value);
		CHECK((err == NULL) == times[i].ok, "updated '%s' %s", times[i].value,
		      times[i].ok ? "valid" : "refused");
		sd_error_free(err);
	}
}

/* The link fields: the incidents list is read in any order and form,
 * held sorted and joined, written as a flow list, and read back the same;
 * a bad id is refused with its line. */
static void test_links(void)
{
	static const char text[] = "---\n"
				   "id: 7f3kq2m9xw4a\n"
				   "title: Printers\n"
				   "type: problem\n"
				   "status: new\n"
				   "priority: P3\n"
				   "incidents:\n"
				   "  - zzzzzzzzzzzz\n"
				   "  - aaaaaaaaaaaa\n"
				   "known_error: true\n"
				   "created: 2026-11-23T14:00:00Z\n"
				   "updated: 2026-11-23T14:00:00Z\n"
				   "---\n";
	struct sd_ticket t, back;
	sd_error *err = sd_ticket_parse(&t, text, strlen(text), "p.md");
	CHECK(!err, "parses: %s", err ? err->msg : "");
	sd_error_free(err);
	CHECK_STR("aaaaaaaaaaaa, zzzzzzzzzzzz", sd_ticket_get(&t, SD_F_INCIDENTS), "held sorted");
	CHECK_STR("true", sd_ticket_get(&t, SD_F_KNOWN_ERROR), "known_error");
	char *out = write_ticket(&t);
	CHECK(strstr(out, "\nincidents: [aaaaaaaaaaaa, zzzzzzzzzzzz]\nknown_error: true\n") != NULL,
	      "written as a flow list:\n%s", out);
	CHECK(!strstr(out, "problem:"), "an empty problem is not written:\n%s", out);
	err = sd_ticket_parse(&back, out, strlen(out), "p.md");
	CHECK(!err &&
		      !strcmp(sd_ticket_get(&back, SD_F_INCIDENTS),
			      sd_ticket_get(&t, SD_F_INCIDENTS)),
	      "read back: %s", err ? err->msg : sd_ticket_get(&back, SD_F_INCIDENTS));
	sd_error_free(err);
	struct sd_strvec ids = SD_STRVEC_INIT;
	sd_ticket_incidents(&back, &ids);
	CHECK(ids.n == 2 && !strcmp(ids.v[1], "zzzzzzzzzzzz"), "split: %zu", ids.n);
	sd_strvec_clear(&ids);
	free(out);
	sd_ticket_free(&back);
	sd_ticket_free(&t);

	err = sd_field_validate(SD_F_PROBLEM, "Tiskalnik");
	CHECK(err && strstr(err->msg, "invalid problem"), "bad problem id: %s",
	      err ? err->msg : "accepted");
	sd_error_free(err);
	err = sd_field_validate(SD_F_INCIDENTS, "aaaaaaaaaaaa, принтер");
	CHECK(err && strstr(err->msg, "invalid incident"), "bad incident id: %s",
	      err ? err->msg : "accepted");
	sd_error_free(err);
}

int main(void)
{
	test_hybrid_clock();
	test_canonical_round_trip();
	test_hostile_text_round_trip();
	test_yaml_scalars();
	test_parse_errors();
	test_validate();
	test_entries_sorted();
	test_tags_and_changes();
	test_links();
	return unit_done("unit/ticket");
}
