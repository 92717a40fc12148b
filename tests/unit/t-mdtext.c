/* SPDX-License-Identifier: MIT */
/* Markdown-inert text: what sd_mdtext_escape writes for each kind of line,
 * and that reading it back with sd_mdtext_unescape_line gives exactly the
 * original text. */

#include <stdlib.h>
#include <string.h>

#include "sd/buf.h"
#include "sd/mdtext.h"
#include "unit.h"

/* The text as a ticket file holds it, and as sd reads it back. */
static char *escaped(const char *text)
{
	struct sd_buf out = SD_BUF_INIT;
	sd_mdtext_escape(&out, text);
	return sd_buf_detach(&out);
}

static char *unescaped(const char *file)
{
	struct sd_buf out = SD_BUF_INIT;
	const char *p = file;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		sd_mdtext_unescape_line(&out, p, len);
		p += len + (nl != NULL);
	}
	return sd_buf_detach(&out);
}

/* The escape writes every line with its newline, so text that does not end
 * in one reads back with one added. */
static int reads_back(const char *text, const char *back)
{
	size_t n = strlen(text);
	if (strncmp(back, text, n))
		return 0;
	return n && text[n - 1] == '\n' ? !back[n] : !strcmp(back + n, n ? "\n" : "");
}

static const struct {
	const char *text, *file;
} cases[] = {
	/* Ordinary Markdown is written as it is. */
	{ "plain text", "plain text\n" },
	{ "- a list\n* another\n1. numbered", "- a list\n* another\n1. numbered\n" },
	{ "#hashtag, not a heading", "#hashtag, not a heading\n" },
	{ "####### seven is no heading", "####### seven is no heading\n" },
	{ "a < b and a <b> inline", "a < b and a <b> inline\n" },
	{ "    <pre> indented: code", "    <pre> indented: code\n" },
	{ "\t### tab: code", "\t### tab: code\n" },
	{ "> ### quoted", "> ### quoted\n" },
	{ "- - -\n***", "- - -\n***\n" },
	{ "``not a fence``", "``not a fence``\n" },
	{ "\\escaped star\\*", "\\escaped star\\*\n" },
	/* A heading that would pose as a staff entry. */
	{ "### Bob Tech · 2026-12-02 18:25 UTC\nFixed, closing.",
	  "\\### Bob Tech · 2026-12-02 18:25 UTC\nFixed, closing.\n" },
	{ "#\n## Timeline\n   ###### six", "\\#\n\\## Timeline\n   \\###### six\n" },
	/* Setext underlines, which make the line above a heading. */
	{ "Bob Tech\n---\nor\n===  ", "Bob Tech\n\\---\nor\n\\===  \n" },
	{ "-", "\\-\n" },
	/* Every HTML block start condition, and sd's markers. */
	{ "<pre>", "\\<pre>\n" },
	{ "<script src=x>\n<style>\n<textarea>", "\\<script src=x>\n\\<style>\n\\<textarea>\n" },
	{ "<!-- open\n<?php\n<!DOCTYPE x>\n<![CDATA[",
	  "\\<!-- open\n\\<?php\n\\<!DOCTYPE x>\n\\<![CDATA[\n" },
	{ "<div>\n</table>\n<custom-tag a=\"b\">\n  <p>",
	  "\\<div>\n\\</table>\n\\<custom-tag a=\"b\">\n  \\<p>\n" },
	{ "<!-- sd:comment id=x -->", "\\<!-- sd:comment id=x -->\n" },
	/* Lines already starting with backslashes get one more. */
	{ "\\<!-- sd:comment id=x -->", "\\\\<!-- sd:comment id=x -->\n" },
	{ "\\\\### x\n \\<pre>", "\\\\\\### x\n \\\\<pre>\n" },
	{ "\\- not dangerous as written", "\\- not dangerous as written\n" },
	/* A fence closed within the text stays code, its lines as they are. */
	{ "```sh\n<pre>\n### x\n<!-- sd:event -->\n\\<b>\n```\nafter\n<pre>",
	  "```sh\n<pre>\n### x\n\\<!-- sd:event -->\n\\\\<b>\n```\nafter\n\\<pre>\n" },
	{ "~~~~\n~~~\n<pre>\n~~~~~", "~~~~\n~~~\n<pre>\n~~~~~\n" },
	{ "```\n``` info\n<b>\n```", "```\n``` info\n<b>\n```\n" },
	/* An unclosed fence is escaped: it would swallow later entries. */
	{ "```\n<pre>", "\\```\n\\<pre>\n" },
	{ "````\n```\n<b>", "\\````\n\\```\n\\<b>\n" },
	{ "```\nx\n~~~", "\\```\nx\n\\~~~\n" },
	/* Only a fence at column 0 is surely not inside a list item. */
	{ "- a\n  ```\n<pre>\n  ```", "- a\n  \\```\n\\<pre>\n  \\```\n" },
	/* Only printable ASCII in an info string: renderers differ on the
	 * rest (cmark takes no fence for invalid UTF-8 there). */
	{ "```sh \xc3\xa9\n<i>\n```", "\\```sh \xc3\xa9\n\\<i>\n\\```\n" },
	/* A backtick fence's info string holds no backtick. */
	{ "```a`b\n<i>\n```", "\\```a`b\n\\<i>\n\\```\n" },
};

static const char *const round_trips[] = {
	"",
	"\n\n",
	"\\",
	"\\\\\\",
	"<",
	"   <",
	"    <",
	"\\ <pre>",
	"```\n```\n```",
	"```\n\\```\n```",
	"~~~\n\\<!-- sd:x\n<!-- sd:x\n\\\\<!-- sd:x\n~~~\n",
	"#\t\n=\n\\=\n\\\\-\n  \\\\\\~~~\n",
	"a\n\n\n\nb\n",
	"no newline at the end",
};

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *file = escaped(cases[i].text);
		CHECK_STR(cases[i].file, file, cases[i].text);
		char *back = unescaped(file);
		struct sd_buf want = SD_BUF_INIT;
		sd_buf_adds(&want, cases[i].text);
		sd_buf_addch(&want, '\n');
		CHECK_STR(want.data, back, "round trip");
		sd_buf_release(&want);
		free(file);
		free(back);
	}
	for (size_t i = 0; i < sizeof(round_trips) / sizeof(*round_trips); i++) {
		const char *text = round_trips[i];
		char *file = escaped(text), *back = unescaped(file);
		CHECK(reads_back(text, back), "round trip of '%s': got '%s'", text, back);
		free(file);
		free(back);
	}
	/* Every combination of a few dangerous pieces, lines of up to two. */
	static const char *const parts[] = { "", " ", "\\", "<", "#", "```", "~~~", "-", "x" };
	const size_t np = sizeof(parts) / sizeof(*parts);
	for (size_t a = 0; a < np * np * np; a++) {
		char text[64];
		snprintf(text, sizeof(text), "%s%s\n%s%s", parts[a % np], parts[a / np % np],
			 parts[a / np / np], parts[a % np]);
		char *file = escaped(text), *back = unescaped(file);
		CHECK(reads_back(text, back), "round trip of '%s': '%s'", text, back);
		free(file);
		free(back);
	}
	/* Hostile sizes stay linear: a hundred thousand unclosed fences. */
	struct sd_buf big = SD_BUF_INIT;
	for (int i = 0; i < 100000; i++)
		sd_buf_adds(&big, "```x\n");
	char *file = escaped(big.data);
	CHECK(strlen(file) == big.len + 100000, "every unclosed fence is escaped");
	free(file);
	sd_buf_release(&big);
	return unit_done("unit/mdtext");
}
