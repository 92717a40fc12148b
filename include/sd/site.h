/* SPDX-License-Identifier: MIT */
#ifndef SD_SITE_H
#define SD_SITE_H

/*
 * HTML pages of the knowledge base: an article, the index by category and
 * the FAQ, in one shared layout with one stylesheet. `sd site` writes them
 * as a static site; `sd serve` renders the same pages for /kb/, /kb/SLUG
 * and /faq. Every function renders into a caller's buffer and owns
 * nothing beyond the call.
 *
 * Safety: every piece of article text is HTML-escaped; bodies go through
 * cmark with raw HTML off (CMARK_OPT_SAFE: raw HTML becomes a comment,
 * javascript:, vbscript:, file: and most data: links are dropped). Pages
 * need no JavaScript.
 *
 * Links are made from struct sd_site_links, so the same pages work as
 * files (index.html, faq.html, SLUG.html, sd.css) and under a server
 * (/kb/, /faq, /kb/SLUG, /kb/sd.css).
 */

#include <stddef.h>

#include "sd/buf.h"
#include "sd/html.h" /* sd_html_escape */
#include "sd/kb.h"

struct sd_site_links {
	const char *index;	    /* the index page: "index.html" or "/kb/" */
	const char *faq;	    /* the FAQ page: "faq.html" or "/faq" */
	const char *css;	    /* the stylesheet: "sd.css" or "/kb/sd.css" */
	const char *article_prefix; /* before the slug: "" or "/kb/" */
	const char *article_suffix; /* after it: ".html" or "" */
	const char *site_name;	    /* shown in every header: "Help centre" */
	const char *lang;	    /* the lang attribute: "en" */
};

/* The links of a static site (the ones above) named site_name, lang "en". */
void sd_site_links_static(struct sd_site_links *out, const char *site_name);

/* Appends Markdown rendered to HTML by cmark in safe mode. */
void sd_site_markdown(struct sd_buf *out, const char *markdown);
/* The stylesheet every page links to (static text). */
const char *sd_site_css(void);

/* The shared layout: a whole page is begin, the caller's content, end.
 * title is the page's own title (escaped here). */
void sd_site_page_begin(struct sd_buf *out, const struct sd_site_links *l, const char *title);
void sd_site_page_end(struct sd_buf *out, const struct sd_site_links *l);

/* Whole pages. The caller passes only what may be shown: the published
 * public articles (sd_site_visible says which). */
int sd_site_visible(const struct sd_article *a);
void sd_site_render_article(struct sd_buf *out, const struct sd_site_links *l,
			    const struct sd_article *a);
/* The index: articles grouped by category (sorted, "General" for none),
 * each group sorted by title. */
void sd_site_render_index(struct sd_buf *out, const struct sd_site_links *l,
			  const struct sd_article *v, size_t n);
/* The FAQ: every article with faq set, questions as headings with their
 * answers below. */
void sd_site_render_faq(struct sd_buf *out, const struct sd_site_links *l,
			const struct sd_article *v, size_t n);

#endif
