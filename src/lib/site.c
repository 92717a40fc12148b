/* SPDX-License-Identifier: MIT */
/* HTML pages of the knowledge base: see include/sd/site.h. */

#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "sd/site.h"

void sd_site_links_static(struct sd_site_links *out, const char *site_name)
{
	memset(out, 0, sizeof(*out));
	out->index = "index.html";
	out->faq = "faq.html";
	out->css = "sd.css";
	out->article_prefix = "";
	out->article_suffix = ".html";
	out->site_name = site_name && *site_name ? site_name : "Help centre";
	out->lang = "en";
}

/* Renders markdown with every heading moved down by shift levels (at most
 * h6), so that an article's own "# Heading" never competes with the
 * page's h1, nor a FAQ answer's with its question. */
static void markdown_shifted(struct sd_buf *out, const char *markdown, int shift)
{
	/* CMARK_OPT_SAFE: raw HTML and dangerous URLs are left out. cmark
	 * 0.29 and later do that unless CMARK_OPT_UNSAFE is given, which sd
	 * never gives; the flag says so for older versions too. */
	int opts = CMARK_OPT_DEFAULT | CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8;
	cmark_node *doc = cmark_parse_document(markdown, strlen(markdown), opts);
	if (!doc)
		return;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(node) == CMARK_NODE_HEADING) {
			int level = cmark_node_get_heading_level(node) + shift;
			cmark_node_set_heading_level(node, level > 6 ? 6 : level);
		}
	}
	cmark_iter_free(it);
	char *html = cmark_render_html(doc, opts);
	if (html)
		sd_buf_adds(out, html);
	free(html);
	cmark_node_free(doc);
}

void sd_site_markdown(struct sd_buf *out, const char *markdown)
{
	markdown_shifted(out, markdown, 0);
}

static const char css[] =
	"/* sd knowledge base: one stylesheet, no scripts. */\n"
	":root{--fg:#1b1b1b;--bg:#fff;--muted:#4a4a4a;--link:#0b57a4;--visited:#5a2a8a;"
	"--line:#d0d0d0;--accent:#f3f5f8}\n"
	"@media (prefers-color-scheme:dark){:root{--fg:#ececec;--bg:#141414;--muted:#c2c2c2;"
	"--link:#8cc4ff;--visited:#d2b0ff;--line:#3a3a3a;--accent:#1f2328}}\n"
	"*{box-sizing:border-box}\n"
	"html{font-size:100%;-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
	"body{margin:0;color:var(--fg);background:var(--bg);font-family:system-ui,-apple-system,"
	"\"Segoe UI\",Roboto,\"Noto Sans\",sans-serif;line-height:1.6}\n"
	".skip{position:absolute;left:-999px;top:0;background:var(--bg);padding:.5rem 1rem}\n"
	".skip:focus{left:.5rem;z-index:1}\n"
	"header,main,footer{max-width:46rem;margin:0 auto;padding:0 1rem}\n"
	"header{border-bottom:1px solid var(--line);padding-top:.75rem;padding-bottom:.75rem}\n"
	"header nav{display:flex;flex-wrap:wrap;align-items:baseline;gap:.5rem 1.25rem}\n"
	"header .home{font-weight:700;font-size:1.15rem;text-decoration:none;color:var(--fg)}\n"
	"header ul{display:flex;gap:1rem;list-style:none;margin:0;padding:0}\n"
	"main{padding-top:1rem;padding-bottom:2rem}\n"
	"footer{border-top:1px solid var(--line);color:var(--muted);font-size:.9rem;"
	"padding-top:.75rem;padding-bottom:1.5rem}\n"
	"a{color:var(--link);text-underline-offset:.15em}\n"
	"a:visited{color:var(--visited)}\n"
	"a:focus-visible{outline:3px solid var(--link);outline-offset:2px}\n"
	"h1{font-size:1.8rem;line-height:1.25;margin:.5rem 0 1rem}\n"
	"h2{font-size:1.35rem;line-height:1.3;margin:1.75rem 0 .5rem}\n"
	"h3{font-size:1.15rem;margin:1.25rem 0 .5rem}\n"
	".meta,.tags{color:var(--muted);font-size:.95rem}\n"
	"ul.articles{padding-left:1.25rem}\n"
	"ul.articles li{margin:.35rem 0}\n"
	"pre{background:var(--accent);padding:.75rem;overflow-x:auto;border-radius:4px}\n"
	"code{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;font-size:.92em}\n"
	"img{max-width:100%;height:auto}\n"
	"table{border-collapse:collapse;display:block;overflow-x:auto}\n"
	"th,td{border:1px solid var(--line);padding:.3rem .6rem}\n"
	"blockquote{margin:0;padding-left:1rem;border-left:4px solid var(--line);"
	"color:var(--muted)}\n"
	"section.faq{border-top:1px solid var(--line)}\n"
	"p,li{overflow-wrap:anywhere}\n";

const char *sd_site_css(void)
{
	return css;
}

void sd_site_page_begin(struct sd_buf *out, const struct sd_site_links *l, const char *title)
{
	sd_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"");
	sd_html_escape(out, l->lang ? l->lang : "en");
	sd_buf_adds(out,
		    "\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>");
	sd_html_escape(out, title);
	sd_buf_adds(out, " – ");
	sd_html_escape(out, l->site_name);
	sd_buf_adds(out, "</title>\n<link rel=\"stylesheet\" href=\"");
	sd_html_escape(out, l->css);
	sd_buf_adds(out,
		    "\">\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to "
		    "content</a>\n<header>\n<nav aria-label=\"Site\">\n<a class=\"home\" href=\"");
	sd_html_escape(out, l->index);
	sd_buf_adds(out, "\">");
	sd_html_escape(out, l->site_name);
	sd_buf_adds(out, "</a>\n<ul>\n<li><a href=\"");
	sd_html_escape(out, l->index);
	sd_buf_adds(out, "\">All articles</a></li>\n<li><a href=\"");
	sd_html_escape(out, l->faq);
	sd_buf_adds(out, "\">FAQ</a></li>\n</ul>\n</nav>\n</header>\n<main id=\"main\">\n");
}

void sd_site_page_end(struct sd_buf *out, const struct sd_site_links *l)
{
	sd_buf_adds(out, "</main>\n<footer>\n<p>");
	sd_html_escape(out, l->site_name);
	sd_buf_adds(out, " · made with sd</p>\n</footer>\n</body>\n</html>\n");
}

int sd_site_visible(const struct sd_article *a)
{
	return !strcmp(a->status, "published") && !strcmp(a->audience, "public");
}

static void article_href(struct sd_buf *out, const struct sd_site_links *l, const char *slug)
{
	sd_html_escape(out, l->article_prefix);
	sd_html_escape(out, slug); /* a valid slug needs no escaping; belt and braces */
	sd_html_escape(out, l->article_suffix);
}

void sd_site_render_article(struct sd_buf *out, const struct sd_site_links *l,
			    const struct sd_article *a)
{
	sd_site_page_begin(out, l, a->title);
	sd_buf_adds(out, "<article>\n<h1>");
	sd_html_escape(out, a->title);
	sd_buf_adds(out, "</h1>\n<p class=\"meta\">");
	if (*a->category) {
		sd_html_escape(out, a->category);
		sd_buf_adds(out, " · ");
	}
	sd_buf_adds(out, "Updated <time datetime=\"");
	sd_html_escape(out, a->updated);
	sd_buf_adds(out, "\">");
	char day[11];
	snprintf(day, sizeof(day), "%.10s", a->updated);
	sd_html_escape(out, day);
	sd_buf_adds(out, "</time></p>\n");
	markdown_shifted(out, a->body, 1);
	if (a->tags.n) {
		sd_buf_adds(out, "<p class=\"tags\">Tags: ");
		for (size_t i = 0; i < a->tags.n; i++) {
			if (i)
				sd_buf_adds(out, ", ");
			sd_html_escape(out, a->tags.v[i]);
		}
		sd_buf_adds(out, "</p>\n");
	}
	sd_buf_adds(out, "</article>\n<p><a href=\"");
	sd_html_escape(out, l->index);
	sd_buf_adds(out, "\">← All articles</a></p>\n");
	sd_site_page_end(out, l);
}

/* Sort orders for the index and the FAQ: by category, then title, then
 * slug, comparing bytes so that every machine orders the same. */
static const char *category_of(const struct sd_article *a)
{
	return *a->category ? a->category : "General";
}

static int cmp_articles(const void *x, const void *y)
{
	const struct sd_article *a = *(const struct sd_article *const *)x;
	const struct sd_article *b = *(const struct sd_article *const *)y;
	int c = strcmp(category_of(a), category_of(b));
	if (!c)
		c = strcmp(a->title, b->title);
	return c ? c : strcmp(a->slug, b->slug);
}

static int cmp_titles(const void *x, const void *y)
{
	const struct sd_article *a = *(const struct sd_article *const *)x;
	const struct sd_article *b = *(const struct sd_article *const *)y;
	int c = strcmp(a->title, b->title);
	return c ? c : strcmp(a->slug, b->slug);
}

static const struct sd_article **sorted(const struct sd_article *v, size_t n,
					int (*cmp)(const void *, const void *))
{
	const struct sd_article **p = sd_xcalloc(n ? n : 1, sizeof(*p));
	for (size_t i = 0; i < n; i++)
		p[i] = &v[i];
	if (n > 1)
		qsort(p, n, sizeof(*p), cmp);
	return p;
}

void sd_site_render_index(struct sd_buf *out, const struct sd_site_links *l,
			  const struct sd_article *v, size_t n)
{
	const struct sd_article **p = sorted(v, n, cmp_articles);
	size_t faqs = 0;
	for (size_t i = 0; i < n; i++)
		faqs += v[i].faq != 0;
	sd_site_page_begin(out, l, "All articles");
	sd_buf_adds(out, "<h1>");
	sd_html_escape(out, l->site_name);
	sd_buf_adds(out, "</h1>\n");
	if (faqs) {
		sd_buf_adds(out, "<p>Start with the <a href=\"");
		sd_html_escape(out, l->faq);
		sd_buf_adds(out, "\">frequently asked questions</a>.</p>\n");
	}
	if (!n)
		sd_buf_adds(out, "<p>No articles are published yet.</p>\n");
	for (size_t i = 0; i < n; i++) {
		if (!i || strcmp(category_of(p[i]), category_of(p[i - 1]))) {
			if (i)
				sd_buf_adds(out, "</ul>\n</section>\n");
			sd_buf_adds(out, "<section>\n<h2>");
			sd_html_escape(out, category_of(p[i]));
			sd_buf_adds(out, "</h2>\n<ul class=\"articles\">\n");
		}
		sd_buf_adds(out, "<li><a href=\"");
		article_href(out, l, p[i]->slug);
		sd_buf_adds(out, "\">");
		sd_html_escape(out, p[i]->title);
		sd_buf_adds(out, "</a></li>\n");
	}
	if (n)
		sd_buf_adds(out, "</ul>\n</section>\n");
	sd_site_page_end(out, l);
	free(p);
}

void sd_site_render_faq(struct sd_buf *out, const struct sd_site_links *l,
			const struct sd_article *v, size_t n)
{
	const struct sd_article **p = sorted(v, n, cmp_titles);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (p[i]->faq)
			p[k++] = p[i];
	sd_site_page_begin(out, l, "Frequently asked questions");
	sd_buf_adds(out, "<h1>Frequently asked questions</h1>\n");
	if (!k)
		sd_buf_adds(out, "<p>No questions here yet.</p>\n");
	else
		sd_buf_adds(out, "<nav aria-label=\"Questions\">\n<ul class=\"articles\">\n");
	for (size_t i = 0; i < k; i++) {
		sd_buf_adds(out, "<li><a href=\"#");
		sd_html_escape(out, p[i]->slug);
		sd_buf_adds(out, "\">");
		sd_html_escape(out, p[i]->title);
		sd_buf_adds(out, "</a></li>\n");
	}
	if (k)
		sd_buf_adds(out, "</ul>\n</nav>\n");
	for (size_t i = 0; i < k; i++) {
		sd_buf_adds(out, "<section class=\"faq\" aria-labelledby=\"");
		sd_html_escape(out, p[i]->slug);
		sd_buf_adds(out, "\">\n<h2 id=\"");
		sd_html_escape(out, p[i]->slug);
		sd_buf_adds(out, "\">");
		sd_html_escape(out, p[i]->title);
		sd_buf_adds(out, "</h2>\n");
		markdown_shifted(out, p[i]->body, 2);
		sd_buf_adds(out, "<p><a href=\"");
		article_href(out, l, p[i]->slug);
		sd_buf_adds(out, "\">The whole article: ");
		sd_html_escape(out, p[i]->title);
		sd_buf_adds(out, "</a></p>\n</section>\n");
	}
	sd_site_page_end(out, l);
	free(p);
}
