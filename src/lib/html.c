/* SPDX-License-Identifier: MIT */
/* HTML to readable text (html.h), over libxml2's HTML parser. */

#include <limits.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "sd/html.h"
#include "sd/text.h"

/* Deeper elements are read as if flat: libxml2 itself caps nesting, this
 * keeps the walk's stack small whatever the parser allows. */
#define MAX_DEPTH 200

struct writer {
	struct sd_buf *out;
	size_t start;		/* where this call's text begins in out */
	int newlines;		/* line breaks owed before the next text (0..2) */
	int space;		/* a space owed before the next text */
	int at_line;		/* out is at the start of a line */
	int quote;		/* blockquote depth: "> " per level */
	int pre;		/* inside <pre>: white space kept */
	int list;		/* list depth, for the indentation of items */
	sd_html_image_fn image; /* maps an image's src to a link target, or NULL */
	void *image_arg;
};

static int is_space(const unsigned char *p, size_t *n)
{
	if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f') {
		*n = 1;
		return 1;
	}
	/* U+00A0: mail HTML uses &nbsp; for spacing, which reads as a space. */
	if (p[0] == 0xc2 && p[1] == 0xa0) {
		*n = 2;
		return 1;
	}
	return 0;
}

static void line_start(struct writer *w)
{
	for (int i = 0; i < w->quote; i++)
		sd_buf_adds(w->out, "> ");
	w->at_line = 0;
}

/* Writes the breaks owed, then c or s. */
static void flush(struct writer *w)
{
	if (w->out->len > w->start && w->newlines) {
		for (int i = 0; i < w->newlines; i++)
			sd_buf_addch(w->out, '\n');
		w->at_line = 1;
		w->space = 0;
	}
	w->newlines = 0;
	if (w->at_line || w->out->len == w->start)
		line_start(w);
	else if (w->space)
		sd_buf_addch(w->out, ' ');
	w->space = 0;
}

static void text(struct writer *w, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n;
		if (w->pre && *p == '\n') {
			if (w->newlines < 2)
				w->newlines++;
			p++;
			continue;
		}
		if (!w->pre && is_space(p, &n)) {
			w->space = 1;
			p += n;
			continue;
		}
		const unsigned char *run = p;
		while (*p && !(w->pre ? *p == '\n' : is_space(p, &n)))
			p++;
		if (w->pre && w->newlines && w->out->len > w->start) {
			/* In <pre> each line break is one newline. */
			int owed = w->newlines;
			w->newlines = 0;
			for (int i = 0; i < owed; i++)
				sd_buf_addch(w->out, '\n');
			w->at_line = 1;
		}
		flush(w);
		sd_buf_add(w->out, run, (size_t)(p - run));
	}
}

static void block(struct writer *w, int breaks)
{
	if (w->newlines < breaks)
		w->newlines = breaks;
	w->space = 0;
}

static int name_is(const xmlNode *n, const char *name)
{
	return n->name && !strcasecmp((const char *)n->name, name);
}

static int name_in(const xmlNode *n, const char *const *names)
{
	for (; *names; names++)
		if (name_is(n, *names))
			return 1;
	return 0;
}

static const char *const paragraphs[] = {
	"p",	  "div",      "h1",   "h2",  "h3",	"h4",	   "h5",      "h6",	"table",
	"ul",	  "ol",	      "dl",   "pre", "address", "section", "article", "header", "footer",
	"center", "fieldset", "form", "hr",  "figure",	"main",	   "nav",     "aside",	NULL,
};
static const char *const lines[] = { "tr", "dt", "dd", "caption", "li", NULL };
static const char *const dropped[] = { "script", "style",  "head", "title", "template", "noscript",
				       "object", "iframe", "svg",  "math",  NULL };

/* The URL of a link worth showing beside its text: not a script, not a
 * fragment, not the text itself. */
static const char *link_target(const char *href, const char *shown)
{
	if (!href || !*href || href[0] == '#' || !strncasecmp(href, "javascript:", 11) ||
	    !strncasecmp(href, "data:", 5))
		return NULL;
	const char *bare = !strncasecmp(href, "mailto:", 7) ? href + 7 : href;
	if (shown && (!strcmp(shown, href) || !strcmp(shown, bare)))
		return NULL;
	return href;
}

/* Appends s with every ASCII punctuation character but '/', '.' and '-'
 * behind a backslash, which CommonMark reads as that character itself,
 * and line breaks as spaces: in an image's alt text or its destination in
 * angle brackets, nothing of s can end the image, open a link, an
 * emphasis, an entity or raw HTML. collapse: runs of white space become
 * one space, none at the ends (alt text); otherwise spaces are kept as
 * they are (a file name). */
static void md_literal(struct sd_buf *out, const char *s, int collapse)
{
	int space = 0;
	size_t start = out->len;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		size_t n;
		if (collapse && is_space(p, &n)) {
			space = 1;
			p += n - 1;
			continue;
		}
		if (space && out->len > start)
			sd_buf_addch(out, ' ');
		space = 0;
		if (*p > ' ' && *p < 0x7f && !(*p >= '0' && *p <= '9') &&
		    !((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') && !strchr("/.-", *p))
			sd_buf_addch(out, '\\');
		sd_buf_addch(out, *p == '\n' || *p == '\r' ? ' ' : (char)*p);
	}
}

void sd_html_markdown_text(struct sd_buf *out, const char *s)
{
	md_literal(out, s, 1);
}

void sd_html_markdown_image(struct sd_buf *out, const char *alt, const char *target)
{
	if (!alt || !*alt) {
		const char *slash = strrchr(target, '/');
		alt = slash ? slash + 1 : target;
	}
	sd_buf_adds(out, "![");
	md_literal(out, alt, 1);
	sd_buf_adds(out, "](<");
	md_literal(out, target, 0);
	sd_buf_adds(out, ">)");
}

/* An image the caller resolved, written as it stands, past the
 * collapsing of white space (a file name may hold two spaces in a row). */
static void image_link(struct writer *w, const char *alt, const char *target)
{
	flush(w);
	sd_html_markdown_image(w->out, alt, target);
}

static void walk(struct writer *w, xmlNode *node, int depth);

static void element(struct writer *w, xmlNode *n, int depth)
{
	if (name_in(n, dropped))
		return;
	if (name_is(n, "br")) {
		if (w->newlines < 2)
			w->newlines++;
		else if (w->out->len == w->start)
			w->newlines = 1;
		w->space = 0;
		return;
	}
	if (name_is(n, "img")) {
		xmlChar *alt = xmlGetProp(n, (const xmlChar *)"alt");
		xmlChar *src = w->image ? xmlGetProp(n, (const xmlChar *)"src") : NULL;
		const char *target = src ? w->image(w->image_arg, (const char *)src) : NULL;
		if (target && *target) {
			text(w, " ");
			image_link(w, (const char *)alt, target);
			w->space = 1;
		} else if (alt && *alt) {
			text(w, " ");
			text(w, (const char *)alt);
			w->space = 1;
		}
		xmlFree(alt);
		xmlFree(src);
		return;
	}
	int para = name_in(n, paragraphs), line = name_in(n, lines);
	int quote = name_is(n, "blockquote"), pre = name_is(n, "pre");
	int is_list = name_is(n, "ul") || name_is(n, "ol");
	if (quote) {
		block(w, 2);
		w->quote++;
	} else if (para) {
		block(w, w->list && is_list ? 1 : 2);
	} else if (line) {
		block(w, 1);
	} else if (name_is(n, "td") || name_is(n, "th")) {
		w->space = 1;
	}
	if (name_is(n, "li")) {
		flush(w);
		for (int i = 1; i < w->list; i++)
			sd_buf_adds(w->out, "  ");
		if (n->parent && name_is(n->parent, "ol")) {
			int k = 1;
			for (xmlNode *s = n->prev; s; s = s->prev)
				if (s->type == XML_ELEMENT_NODE && name_is(s, "li"))
					k++;
			sd_buf_printf(w->out, "%d. ", k);
		} else {
			sd_buf_adds(w->out, "- ");
		}
		w->space = 0;
	}
	if (pre)
		w->pre++;
	if (is_list)
		w->list++;

	size_t before = w->out->len;
	walk(w, n->children, depth + 1);

	if (name_is(n, "a")) {
		xmlChar *href = xmlGetProp(n, (const xmlChar *)"href");
		/* The text just written, to leave out a URL that repeats it. */
		const char *from = w->out->data + before;
		while (*from == ' ' || *from == '\n' || *from == '>')
			from++;
		char *shown = strndup(from, (size_t)(w->out->data + w->out->len - from));
		const char *url = link_target((const char *)href, shown);
		if (url) {
			if (w->out->len > before)
				w->space = 1;
			text(w, "<");
			sd_buf_adds(w->out, url);
			sd_buf_addch(w->out, '>');
		}
		free(shown);
		xmlFree(href);
	}
	if (is_list)
		w->list--;
	if (pre)
		w->pre--;
	if (quote) {
		block(w, 2);
		w->quote--;
	} else if (para) {
		block(w, w->list ? 1 : 2);
	} else if (line) {
		block(w, 1);
	}
}

static void walk(struct writer *w, xmlNode *node, int depth)
{
	for (xmlNode *n = node; n; n = n->next) {
		switch (n->type) {
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (n->content)
				text(w, (const char *)n->content);
			break;
		case XML_ELEMENT_NODE:
			if (depth < MAX_DEPTH)
				element(w, n, depth);
			else
				walk(w, n->children, depth);
			break;
		default:
			break;
		}
	}
}

void sd_html_to_text(struct sd_buf *out, const char *html, size_t len)
{
	sd_html_to_text_images(out, html, len, NULL, NULL);
}

void sd_html_to_text_images(struct sd_buf *out, const char *html, size_t len,
			    sd_html_image_fn image, void *arg)
{
	struct sd_buf clean = SD_BUF_INIT, raw = SD_BUF_INIT, clean_out = SD_BUF_INIT;
	/* libxml2 switches to Latin-1 at the first invalid UTF-8 byte and
	 * takes NUL for the end: it gets clean text. */
	sd_text_clean(&clean, html, len);
	if (!clean.len || clean.len > INT_MAX)
		goto done;
	size_t start = out->len;
	htmlDocPtr doc = htmlReadMemory(clean.data, (int)clean.len, NULL, "UTF-8",
					HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
						HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
						HTML_PARSE_IGNORE_ENC | HTML_PARSE_COMPACT);
	if (!doc)
		goto done;
	struct writer w = { .out = &raw, .start = 0, .image = image, .image_arg = arg };
	walk(&w, xmlDocGetRootElement(doc) ? doc->children : NULL, 0);
	xmlFreeDoc(doc);
	/* Controls go first (a C1 character from an entity such as &#x94;
	 * must not leave a trailing space behind), then lines lose their
	 * trailing spaces, and blank lines (from <pre>) come one at a time. */
	sd_text_clean(&clean_out, raw.data, raw.len);
	size_t i = 0;
	int blank = 1;
	while (i < clean_out.len) {
		const char *nl = memchr(clean_out.data + i, '\n', clean_out.len - i);
		size_t end = nl ? (size_t)(nl - clean_out.data) : clean_out.len, e = end;
		while (e > i && clean_out.data[e - 1] == ' ')
			e--;
		if (e > i || !blank) {
			sd_buf_add(out, clean_out.data + i, e - i);
			if (nl)
				sd_buf_addch(out, '\n');
		}
		blank = e == i;
		i = end + 1;
	}
	while (out->len > start && out->data[out->len - 1] == '\n')
		sd_buf_setlen(out, out->len - 1);
done:
	sd_buf_release(&raw);
	sd_buf_release(&clean_out);
	sd_buf_release(&clean);
}

void sd_html_escape(struct sd_buf *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			sd_buf_adds(out, "&amp;");
			break;
		case '<':
			sd_buf_adds(out, "&lt;");
			break;
		case '>':
			sd_buf_adds(out, "&gt;");
			break;
		case '"':
			sd_buf_adds(out, "&quot;");
			break;
		case '\'':
			sd_buf_adds(out, "&#39;");
			break;
		default:
			/* Control characters have no place in a page. */
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				sd_buf_adds(out, "\xef\xbf\xbd");
			else
				sd_buf_addch(out, *s);
		}
	}
}
