/* SPDX-License-Identifier: MIT */
/* sd reads front matter in the simple forms it writes without libyaml; for
 * every value here, in every form, that reader must agree with libyaml's
 * (sd_ticket_parse_reference): the same fields, tags and lines, or an
 * error from both. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sd/ticket.h"
#include "unit.h"

static const char *const values[] = {
	"Printer jams",
	"",
	" ",
	"~",
	"null",
	"Null",
	"NULL",
	"nul",
	"yes",
	"no",
	"true",
	"123",
	"0x1f",
	"1e3",
	".inf",
	"-",
	"- item",
	"-dash",
	"?",
	"? q",
	"a: b",
	"a:b",
	"a:",
	"C#",
	"a #b",
	"#hash",
	"a#b",
	"[x]",
	"{x}",
	"x, y",
	"&anchor",
	"*alias",
	"!tag",
	"|",
	">",
	"'single'",
	"it's",
	"\"dq\"",
	"say \"hi\"",
	"back\\slash",
	"%percent",
	"@at",
	"`tick`",
	"trailing ",
	" leading",
	"two  spaces",
	"tab\there",
	"Ljubljana Čćžšđ",
	"Привет мир",
	"emoji 🎉",
	"nel\xc2\x85x",
	"c1\xc2\x9bx",
	"nbsp\xc2\xa0x",
	"ls\xe2\x80\xa8x",
	"ps\xe2\x80\xa9x",
	"bom\xef\xbb\xbfx",
	"nonchar\xef\xbf\xbex",
	"del\x7fx",
	"ends:",
	"x --- y",
	"...",
	"---",
	"a\\nb",
	"P1",
	"L4",
	"2026-11-23T10:00:00Z",
	"not a time",
	"bob@example.org",
	"Bob <bob@example.org>",
};

static const char *const tag_forms[] = {
	"[]",	      "[a]",   "[a, b]", "[a,b]",   "[a, a]",
	"[A-b, c_d]", "[a, ]", "[ a]",	 "[\"a\"]", "a, b",
	"",	      "~",     "[-a]",	 "[a b]",   "[printer, vpn, hw.net]",
	"[é]",
};

static char *ticket_with(const char *key, const char *line)
{
	static const char *const base[][2] = {
		{ "id", "abcdefghjkmn" },
		{ "title", "T" },
		{ "type", "incident" },
		{ "status", "open" },
		{ "priority", "P3" },
		{ "impact", "medium" },
		{ "urgency", "medium" },
		{ "tier", "L1" },
		{ "queue", "Q" },
		{ "assignee", "\"\"" },
		{ "requester", "r@x.org" },
		{ "category", "\"\"" },
		{ "tags", "[]" },
		{ "asset", "\"\"" },
		{ "created", "2026-11-23T10:00:00Z" },
		{ "updated", "2026-11-23T10:00:00Z" },
	};
	size_t cap = 4096 + strlen(line);
	char *out = malloc(cap);
	size_t n = (size_t)snprintf(out, cap, "---\n");
	for (size_t i = 0; i < sizeof(base) / sizeof(*base); i++) {
		if (!strcmp(base[i][0], key))
			n += (size_t)snprintf(out + n, cap - n, "%s\n", line);
		else
			n += (size_t)snprintf(out + n, cap - n, "%s: %s\n", base[i][0], base[i][1]);
	}
	snprintf(out + n, cap - n, "---\n\nBody.\n");
	return out;
}

static int same_ticket(const struct sd_ticket *a, const struct sd_ticket *b)
{
	for (int f = 0; f < SD_F_COUNT; f++)
		if (strcmp(sd_ticket_get(a, (enum sd_field)f),
			   sd_ticket_get(b, (enum sd_field)f)) ||
		    a->field_line[f] != b->field_line[f])
			return 0;
	if (a->tags.n != b->tags.n || a->nextra != b->nextra ||
	    strcmp(a->description, b->description))
		return 0;
	for (size_t i = 0; i < a->tags.n; i++)
		if (strcmp(a->tags.v[i], b->tags.v[i]))
			return 0;
	return 1;
}

static void compare(const char *what, const char *text)
{
	struct sd_ticket fast, ref;
	sd_error *ef = sd_ticket_parse(&fast, text, strlen(text), "t.md");
	sd_error *er = sd_ticket_parse_reference(&ref, text, strlen(text), "t.md");
	if (ef || er)
		CHECK(ef && er && !strcmp(ef->msg, er->msg), "%s: errors agree: '%s' vs '%s'", what,
		      ef ? ef->msg : "none", er ? er->msg : "none");
	else
		CHECK(same_ticket(&fast, &ref), "%s: same ticket", what);
	sd_error_free(ef);
	sd_error_free(er);
	sd_ticket_free(&fast);
	sd_ticket_free(&ref);
}

int main(void)
{
	static const char *const keys[] = { "title",	"queue",    "assignee",
					    "category", "priority", "created" };
	char line[512], what[600];
	for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++)
		for (size_t v = 0; v < sizeof(values) / sizeof(*values); v++) {
			/* value as is, double-quoted, right after the colon, after two blanks */
			static const char *const before[] = { ": ", ": \"", ":", ":  " };
			static const char *const after[] = { "", "\"", "", "" };
			for (size_t f = 0; f < 4; f++) {
				snprintf(line, sizeof(line), "%s%s%s%s", keys[k], before[f],
					 values[v], after[f]);
				snprintf(what, sizeof(what), "[%s]", line);
				char *text = ticket_with(keys[k], line);
				compare(what, text);
				free(text);
			}
		}
	for (size_t t = 0; t < sizeof(tag_forms) / sizeof(*tag_forms); t++) {
		snprintf(line, sizeof(line), "tags: %s", tag_forms[t]);
		snprintf(what, sizeof(what), "[%s]", line);
		char *text = ticket_with("tags", line);
		compare(what, text);
		free(text);
	}
	/* The link fields: a list of ids in every form, a bad id, a problem. */
	static const char *const link_forms[] = {
		"incidents: [bbbbbbbbbbbb, aaaaaaaaaaaa]",
		"incidents: []",
		"incidents: [aaaaaaaaaaaa, aaaaaaaaaaaa]",
		"incidents: aaaaaaaaaaaa, bbbbbbbbbbbb",
		"incidents:\n  - aaaaaaaaaaaa\n  - bbbbbbbbbbbb",
		"incidents: [aaaaaaaaaaaa, not-an-id]",
		"incidents: [\"000000000000\"]",
		"incidents: {a: b}",
		"problem: aaaaaaaaaaaa\nknown_error: true",
		"problem: nope\nknown_error: false",
		"known_error: maybe",
	};
	for (size_t t = 0; t < sizeof(link_forms) / sizeof(*link_forms); t++) {
		snprintf(line, sizeof(line), "asset: \"\"\n%s", link_forms[t]);
		snprintf(what, sizeof(what), "[%s]", link_forms[t]);
		char *text = ticket_with("asset", line);
		compare(what, text);
		free(text);
	}
	/* Whole-file shapes: a key twice, an unknown key, a missing key. */
	char *text = ticket_with("title", "title: A\ntitle: B");
	compare("duplicate key", text);
	free(text);
	text = ticket_with("title", "title: A\nx_custom: 1");
	compare("unknown key", text);
	free(text);
	text = ticket_with("title", "# a comment");
	compare("comment line", text);
	free(text);
	text = ticket_with("title", "");
	compare("blank line", text);
	free(text);
	return unit_done("unit/frontmatter");
}
