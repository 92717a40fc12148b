/* SPDX-License-Identifier: MIT */
/* Markdown for the terminal (mdterm.h): what each construct looks like,
 * wrapping by display width, and that hostile text stays inert with
 * colour and hyperlinks on. */

#include <stdlib.h>
#include <string.h>

#include "inert.h"
#include "sd/mdterm.h"
#include "unit.h"

static char *render(const char *md, size_t width, int color, int links)
{
	struct sd_mdterm_options opt = { width, 0, color, links };
	struct sd_buf out = SD_BUF_INIT;
	sd_mdterm_render(&out, md, strlen(md), &opt);
	return sd_buf_detach(&out);
}

static const struct {
	const char *what, *md;
	size_t width;
	int color, links;
	const char *want;
} cases[] = {
	{ "heading and a wrapped paragraph",
	  "## Tiskalnik čšž\n\nThe printer on the second floor jams.\n", 20, 0, 0,
	  "## Tiskalnik čšž\n\nThe printer on the\nsecond floor jams.\n" },
	{ "emphasis keeps its markers without colour", "a *b* **c** `d e`", 0, 0, 0,
	  "a *b* **c** `d e`\n" },
	{ "emphasis by SGR with colour", "a *b* **c** `d`", 0, 1, 0,
	  "a \033[0;3mb\033[0m \033[0;1mc\033[0m \033[0;36md\033[0m\n" },
	{ "a link without hyperlinks: text (URL)", "see [the manual](https://x.org/m)", 0, 0, 0,
	  "see the manual (https://x.org/m)\n" },
	{ "an autolink is shown once", "<https://x.org/m>", 0, 0, 0, "https://x.org/m\n" },
	{ "a link as an OSC 8 hyperlink", "[m](https://x.org/m)", 0, 1, 1,
	  "\033[0;4m\033]8;;https://x.org/m\033\\m\033]8;;\033\\\033[0m\n" },
	{ "no hyperlink for other schemes", "[m](javascript:alert(1))", 0, 0, 1,
	  "m (javascript:alert(1))\n" },
	{ "lists, nested and numbered", "1. one\n2. two\n   - Кириллица\n   - b\n", 0, 0, 0,
	  "1. one\n2. two\n   • Кириллица\n   • b\n" },
	{ "a block quote in a list item: the bar after the marker, whole (fuzz-mdterm)",
	  "- > quoted in\n  > an item\n", 0, 0, 0, "• │ quoted in an item\n" },
	{ "a block quote", "> said\n> so\n>\n> again\n", 0, 0, 0, "│ said so\n│\n│ again\n" },
	{ "a code block, unwrapped", "```\n$ lpstat -t  # a long line of code here\n```\n", 10, 0,
	  0, "    $ lpstat -t  # a long line of code here\n" },
	{ "CJK wraps by display width", "日本語 日本語 日本語", 13, 0, 0,
	  "日本語 日本語\n日本語\n" },
	{ "a CJK run wider than the line breaks between characters", "日本語のテキストです", 10, 0,
	  0, "日本語のテ\nキストです\n" },
	{ "combining marks take no column", "c\xcc\x8c c\xcc\x8c c\xcc\x8c", 5, 0, 0,
	  "c\xcc\x8c c\xcc\x8c c\xcc\x8c\n" },
	{ "raw HTML is text", "<script>alert(1)</script>\n", 0, 0, 0,
	  "<script>alert(1)</script>\n" },
	{ "ESC in text", "red \033[31mtext\033]0;title\007", 0, 1, 1,
	  "red \\x1b[31mtext\\x1b]0;title\\x07\n" },
	{ "ESC and C1 from entities", "a &#27;[31m &#155;31m &#x202e;b", 0, 0, 0,
	  "a \\x1b[31m \\u009b31m \\u202eb\n" },
	{ "C1 bytes in text",
	  "a \xc2\x9b"
	  "31m",
	  0, 0, 0, "a \\u009b31m\n" },
	{ "ESC in a code block", "    \033]8;;http://evil\033\\x\n", 0, 0, 0,
	  "    \\x1b]8;;http://evil\\x1b\\x\n" },
	{ "a URL with controls, as a hyperlink", "[x](<https://a/&#27;]8;;evil&#7;&#x9b;>)", 0, 1,
	  1, "\033[0;4m\033]8;;https://a/%1B]8;;evil%07%C2%9B\033\\x\033]8;;\033\\\033[0m\n" },
	{ "a URL with controls, shown", "[x](<https://a/&#27;]8;;evil&#7;>)", 0, 0, 0,
	  "x (https://a/\\x1b]8;;evil\\x07)\n" },
	{ "link text with ESC", "[\033cgone](https://a/)", 0, 1, 1,
	  "\033[0;4m\033]8;;https://a/\033\\\\x1bcgone\033]8;;\033\\\033[0m\n" },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *got = render(cases[i].md, cases[i].width, cases[i].color, cases[i].links);
		CHECK_STR(cases[i].want, got, cases[i].what);
		const char *bad = terminal_inert_problem(got, strlen(got));
		CHECK(!bad, "%s: output not inert: %s", cases[i].what, bad);
		free(got);
		/* Inert with every option too. */
		got = render(cases[i].md, 30, 1, 1);
		bad = terminal_inert_problem(got, strlen(got));
		CHECK(!bad, "%s, colour and links: output not inert: %s", cases[i].what, bad);
		free(got);
	}
	/* An indent and a width: every line starts with the indent, none
	 * passes the width. */
	struct sd_mdterm_options opt = { 30, 4, 0, 0 };
	struct sd_buf out = SD_BUF_INIT;
	const char *md = "Ena dva tri štiri pet šest sedem osem devet deset enajst.\n\n> "
			 "Цитат из письма клиента, довольно длинный.\n";
	sd_mdterm_render(&out, md, strlen(md), &opt);
	for (const char *p = out.data; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = (size_t)(nl - p);
		char *line = strndup(p, n);
		CHECK(!n || !strncmp(line, "    ", 4), "indent missing: '%s'", line);
		CHECK(sd_text_width(line) <= 30, "line wider than 30: '%s'", line);
		free(line);
		p = nl + 1;
	}
	sd_buf_release(&out);
	return unit_done("t-mdterm");
}
