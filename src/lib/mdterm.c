/* SPDX-License-Identifier: MIT */
/* Markdown rendered for a terminal (mdterm.h): a walk over cmark's tree
 * into a line writer that wraps words by display width. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "sd/mdterm.h"
#include "sd/text.h"
#include "sd/util.h"

enum { ST_BOLD = 1, ST_ITALIC = 2, ST_UNDERLINE = 4, ST_CODE = 8, ST_HEADING = 16 };

struct writer {
	struct sd_buf *out;
	const struct sd_mdterm_options *opt;
	struct sd_buf prefix; /* what starts every line here: blanks, quote bars */
	size_t prefix_w;
	const char *marker; /* a list item's marker, for its first line */
	size_t marker_w;
	size_t marker_at; /* where in prefix the blanks it stands for start */
	size_t col;	  /* columns used on the open line */
	int line_open;	  /* the prefix of the current line is written */
	int space;	  /* a blank is due before the next word */
	int styles;	  /* ST_ bits in force */
	char *link;	  /* the OSC 8 target in force, or NULL */
	/* What the terminal was last told on this line: sequences are
	 * written just before the text they apply to, so a blank or a line
	 * end never carries an underline or a link. */
	int shown_styles;
	int shown_link;
	int blocks; /* blocks written, for the blank line between two */
	int tight;  /* inside a tight list: no blank line between items */
};

/* ---- escape sequences of sd's own ---- */

static void sgr(struct writer *w)
{
	w->shown_styles = w->styles;
	if (!w->opt->color)
		return;
	sd_buf_adds(w->out, "\033[0");
	if (w->styles & (ST_BOLD | ST_HEADING))
		sd_buf_adds(w->out, ";1");
	if (w->styles & ST_ITALIC)
		sd_buf_adds(w->out, ";3");
	if (w->styles & ST_UNDERLINE)
		sd_buf_adds(w->out, ";4");
	if (w->styles & ST_CODE)
		sd_buf_adds(w->out, ";36");
	sd_buf_addch(w->out, 'm');
}

static void osc8(struct writer *w, const char *url)
{
	sd_buf_adds(w->out, "\033]8;;");
	sd_buf_adds(w->out, url);
	sd_buf_adds(w->out, "\033\\");
	w->shown_link = *url != '\0';
}

/* Brings the terminal to the styles and link in force, before text. */
static void sync(struct writer *w)
{
	if (w->shown_link && !w->link)
		osc8(w, "");
	if (w->shown_styles != w->styles)
		sgr(w);
	if (w->link && !w->shown_link)
		osc8(w, w->link);
}

/* A blank between words carries only what both sides share, so that no
 * underline or link reaches into it. */
static void blank(struct writer *w)
{
	int keep = w->shown_styles & w->styles;
	if (w->shown_link && !w->link)
		osc8(w, "");
	if (w->shown_styles != keep) {
		int styles = w->styles;
		w->styles = keep;
		sgr(w);
		w->styles = styles;
	}
	sd_buf_addch(w->out, ' ');
	w->col++;
}

/* ---- lines ---- */

static size_t avail(const struct writer *w)
{
	if (!w->opt->width)
		return (size_t)-1;
	/* However deep the nesting, a line keeps room for a few words. */
	size_t min = w->prefix_w + 10;
	return w->opt->width > min ? w->opt->width : min;
}

static void start_line(struct writer *w)
{
	if (w->line_open)
		return;
	if (w->marker) {
		/* The item's first line: its marker where the blanks that
		 * line up its other lines are (a quote bar opened in the item
		 * may follow them). */
		sd_buf_add(w->out, w->prefix.data, w->marker_at);
		sd_buf_adds(w->out, w->marker);
		sd_buf_add(w->out, w->prefix.data + w->marker_at + w->marker_w,
			   w->prefix.len - w->marker_at - w->marker_w);
		w->marker = NULL;
	} else {
		sd_buf_add(w->out, w->prefix.data, w->prefix.len);
	}
	w->col = w->prefix_w;
	w->line_open = 1;
	w->space = 0;
}

static void end_line(struct writer *w)
{
	if (!w->line_open) {
		/* A blank line: the prefix (quote bars) without its blanks. */
		size_t n = w->prefix.len;
		while (n && w->prefix.data[n - 1] == ' ')
			n--;
		sd_buf_add(w->out, w->prefix.data, n);
		sd_buf_addch(w->out, '\n');
		w->space = 0;
		return;
	}
	if (w->shown_link)
		osc8(w, "");
	if (w->shown_styles && w->opt->color)
		sd_buf_adds(w->out, "\033[0m");
	w->shown_styles = 0;
	sd_buf_addch(w->out, '\n');
	w->line_open = 0;
	w->space = 0;
}

/* One word of untrusted text: made inert, then placed on this line or,
 * when it would pass the width, at the start of the next. */
static void word(struct writer *w, const char *s, size_t len)
{
	struct sd_buf inert = SD_BUF_INIT;
	sd_text_inert(&inert, s, len, 0);
	size_t width = sd_text_width_shown(inert.data, inert.len);
	if (w->opt->width && width > avail(w) - w->prefix_w) {
		/* Wider than any line (CJK runs without blanks, long URLs):
		 * broken between two characters, never inside one. */
		sd_buf_release(&inert);
		for (size_t i = 0; i < len;) {
			uint32_t cp;
			size_t n = sd_utf8_decode(s + i, len - i, &cp);
			n = n ? n : 1;
			struct sd_buf one = SD_BUF_INIT;
			sd_text_inert(&one, s + i, n, 0);
			size_t cw = sd_text_width_shown(one.data, one.len);
			if (w->line_open && w->col > w->prefix_w &&
			    w->col + w->space + cw > avail(w))
				end_line(w);
			start_line(w);
			if (w->space && w->col > w->prefix_w)
				blank(w);
			w->space = 0;
			sync(w);
			sd_buf_add(w->out, one.data, one.len);
			w->col += cw;
			sd_buf_release(&one);
			i += n;
		}
		return;
	}
	if (w->line_open && w->col > w->prefix_w && w->col + w->space + width > avail(w))
		end_line(w);
	start_line(w);
	if (w->space && w->col > w->prefix_w)
		blank(w);
	w->space = 0;
	sync(w);
	sd_buf_add(w->out, inert.data, inert.len);
	w->col += width;
	sd_buf_release(&inert);
}

/* sd's own text (markers), glued to what is before it. */
static void glue(struct writer *w, const char *s)
{
	start_line(w);
	if (w->space && w->col > w->prefix_w)
		blank(w);
	w->space = 0;
	sync(w);
	sd_buf_adds(w->out, s);
	w->col += sd_text_width(s);
}

/* Text of a text node: words split at blanks, a blank kept as due. */
static void text(struct writer *w, const char *s)
{
	size_t n = strlen(s), i = 0;
	while (i < n) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
			w->space = 1;
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && s[j] != ' ' && s[j] != '\t' && s[j] != '\n')
			j++;
		word(w, s + i, j - i);
		i = j;
	}
}

static void set_styles(struct writer *w, int styles)
{
	w->styles = styles;
}

static void push_prefix(struct writer *w, const char *s, size_t width)
{
	sd_buf_adds(&w->prefix, s);
	w->prefix_w += width;
}

static void pop_prefix(struct writer *w, size_t len, size_t width)
{
	w->prefix.len = len;
	w->prefix.data[len] = '\0';
	w->prefix_w = width;
}

/* A blank line between two blocks, none before the first. */
static void block_gap(struct writer *w)
{
	if (w->line_open)
		end_line(w);
	if (w->blocks++ && !w->tight)
		end_line(w);
}

/* ---- links ---- */

static int safe_scheme(const char *url)
{
	static const char *const schemes[] = { "http://", "https://", "mailto:" };
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(schemes[i]), k = 0;
		while (k < n && url[k] && sd_ascii_tolower((unsigned char)url[k]) == schemes[i][k])
			k++;
		if (k == n)
			return 1;
	}
	return 0;
}

/* The URL as an OSC 8 target: printable ASCII only, the rest (controls,
 * blanks, bytes of UTF-8) percent-encoded, so nothing in it can end the
 * sequence or start another. */
static char *osc8_target(const char *url)
{
	struct sd_buf b = SD_BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p > 0x20 && *p < 0x7f)
			sd_buf_addch(&b, (char)*p);
		else
			sd_buf_printf(&b, "%%%02X", *p);
	}
	return sd_buf_detach(&b);
}

static int link_text_is_url(cmark_node *link, const char *url)
{
	cmark_node *c = cmark_node_first_child(link);
	if (!c || cmark_node_next(c) || cmark_node_get_type(c) != CMARK_NODE_TEXT)
		return 0;
	const char *t = cmark_node_get_literal(c);
	if (!t)
		return 0;
	if (!strcmp(t, url))
		return 1;
	/* <me@example.com> links to mailto:me@example.com. */
	return !strncmp(url, "mailto:", 7) && !strcmp(t, url + 7);
}

/* ---- the walk ---- */

static void render(struct writer *w, cmark_node *n);

static void children(struct writer *w, cmark_node *n)
{
	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c))
		render(w, c);
}

static void inline_marked(struct writer *w, cmark_node *n, int style, const char *mark)
{
	int saved = w->styles;
	if (!w->opt->color)
		glue(w, mark);
	set_styles(w, saved | style);
	children(w, n);
	set_styles(w, saved);
	if (!w->opt->color) {
		w->space = 0; /* the closing marker hugs the text */
		glue(w, mark);
	}
}

static void render_link(struct writer *w, cmark_node *n, int image)
{
	const char *url = cmark_node_get_url(n);
	url = url ? url : "";
	int hyper = w->opt->hyperlinks && !image && *url && safe_scheme(url) && !w->link;
	int saved = w->styles;
	if (hyper)
		w->link = osc8_target(url);
	if (image)
		text(w, "[image:");
	set_styles(w, saved | (image ? 0 : ST_UNDERLINE));
	children(w, n);
	set_styles(w, saved);
	if (image) {
		w->space = 0;
		glue(w, "]");
	}
	if (hyper) {
		free(w->link);
		w->link = NULL;
		return;
	}
	if (!*url || (!image && link_text_is_url(n, url)))
		return;
	/* Not a hyperlink: the address after the text, as any terminal
	 * shows it, made inert like the rest. */
	struct sd_buf shown = SD_BUF_INIT;
	sd_buf_printf(&shown, "(%s)", url);
	w->space = 1;
	word(w, shown.data, shown.len);
	sd_buf_release(&shown);
}

static void render_code_block(struct writer *w, cmark_node *n)
{
	const char *code = cmark_node_get_literal(n);
	size_t len = code ? strlen(code) : 0, plen = w->prefix.len, pw = w->prefix_w;
	block_gap(w);
	push_prefix(w, "    ", 4);
	int saved = w->styles;
	w->styles = ST_CODE;
	/* Code is shown line for line, never wrapped: a log line cut in two
	 * reads as two. */
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(code + i, '\n', len - i);
		size_t n_ = nl ? (size_t)(nl - code - i) : len - i;
		if (n_) {
			start_line(w);
			sync(w);
			struct sd_buf inert = SD_BUF_INIT;
			/* Tabs stay tabs; every other control is escaped. */
			for (size_t k = 0; k < n_; k++) {
				if (code[i + k] == '\t') {
					sd_buf_addch(&inert, '\t');
					continue;
				}
				size_t e = k;
				while (e < n_ && code[i + e] != '\t')
					e++;
				sd_text_inert(&inert, code + i + k, e - k, 0);
				k = e - 1;
			}
			sd_buf_add(w->out, inert.data, inert.len);
			sd_buf_release(&inert);
		}
		end_line(w);
		i += n_ + 1;
	}
	w->styles = saved;
	pop_prefix(w, plen, pw);
}

static void render(struct writer *w, cmark_node *n)
{
	size_t plen = w->prefix.len, pw = w->prefix_w;
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_DOCUMENT:
		children(w, n);
		break;
	case CMARK_NODE_PARAGRAPH:
		block_gap(w);
		children(w, n);
		end_line(w);
		break;
	case CMARK_NODE_HEADING: {
		int level = cmark_node_get_heading_level(n), saved = w->styles;
		char marks[8] = "######";
		block_gap(w);
		marks[level > 0 && level <= 6 ? level : 1] = '\0';
		set_styles(w, ST_HEADING | (level == 1 ? ST_UNDERLINE : 0));
		glue(w, marks);
		w->space = 1;
		children(w, n);
		set_styles(w, saved);
		end_line(w);
		break;
	}
	case CMARK_NODE_BLOCK_QUOTE: {
		int tight = w->tight;
		block_gap(w);
		w->tight = 0;
		w->blocks = 0;
		push_prefix(w, "│ ", 2);
		children(w, n);
		pop_prefix(w, plen, pw);
		w->tight = tight;
		break;
	}
	case CMARK_NODE_LIST: {
		int tight = w->tight, number = cmark_node_get_list_start(n);
		int ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
		block_gap(w);
		w->tight = cmark_node_get_list_tight(n);
		w->blocks = 0;
		for (cmark_node *item = cmark_node_first_child(n); item;
		     item = cmark_node_next(item), number++) {
			char marker[24];
			if (ordered)
				snprintf(marker, sizeof(marker), "%d. ", number);
			else
				snprintf(marker, sizeof(marker), "• ");
			size_t mw = sd_text_width(marker);
			if (w->line_open)
				end_line(w);
			if (!w->tight && item != cmark_node_first_child(n))
				end_line(w);
			w->marker_at = w->prefix.len;
			for (size_t k = 0; k < mw; k++)
				push_prefix(w, " ", 1);
			w->marker = marker;
			w->marker_w = mw;
			w->blocks = 0;
			int inner_tight = w->tight;
			w->tight = 1; /* the item's first block follows its marker */
			for (cmark_node *c = cmark_node_first_child(item); c;
			     c = cmark_node_next(c)) {
				render(w, c);
				w->tight = inner_tight;
			}
			if (w->marker) { /* an empty item still shows its marker */
				start_line(w);
				end_line(w);
			}
			w->marker = NULL;
			pop_prefix(w, plen, pw);
		}
		w->tight = tight;
		w->blocks = 1;
		break;
	}
	case CMARK_NODE_CODE_BLOCK:
		render_code_block(w, n);
		break;
	case CMARK_NODE_HTML_BLOCK: {
		/* Raw HTML is shown as the text it is, never interpreted. */
		const char *lit = cmark_node_get_literal(n);
		block_gap(w);
		for (const char *p = lit ? lit : ""; *p;) {
			const char *nl = strchr(p, '\n');
			size_t k = nl ? (size_t)(nl - p) : strlen(p);
			char *line = sd_xstrndup(p, k);
			text(w, line);
			free(line);
			end_line(w);
			p += k + (nl != NULL);
		}
		break;
	}
	case CMARK_NODE_THEMATIC_BREAK: {
		size_t width = w->opt->width ? avail(w) - w->prefix_w : 40;
		block_gap(w);
		start_line(w);
		for (size_t i = 0; i < (width > 40 ? 40 : width); i++)
			sd_buf_adds(w->out, "─");
		end_line(w);
		break;
	}
	case CMARK_NODE_TEXT:
		text(w, cmark_node_get_literal(n) ? cmark_node_get_literal(n) : "");
		break;
	case CMARK_NODE_SOFTBREAK:
		w->space = 1;
		break;
	case CMARK_NODE_LINEBREAK:
		end_line(w);
		break;
	case CMARK_NODE_CODE: {
		const char *lit = cmark_node_get_literal(n);
		int saved = w->styles;
		if (!w->opt->color)
			glue(w, "`");
		set_styles(w, saved | ST_CODE);
		/* Words of code wrap at its blanks like any other. */
		size_t k = strlen(lit ? lit : "");
		for (size_t i = 0; i < k;) {
			size_t j = i;
			while (j < k && lit[j] != ' ')
				j++;
			if (j > i)
				word(w, lit + i, j - i);
			w->space = 1;
			i = j + 1;
		}
		set_styles(w, saved);
		if (!w->opt->color) {
			w->space = 0;
			glue(w, "`");
		}
		break;
	}
	case CMARK_NODE_HTML_INLINE:
		text(w, cmark_node_get_literal(n) ? cmark_node_get_literal(n) : "");
		break;
	case CMARK_NODE_EMPH:
		inline_marked(w, n, ST_ITALIC, "*");
		break;
	case CMARK_NODE_STRONG:
		inline_marked(w, n, ST_BOLD, "**");
		break;
	case CMARK_NODE_LINK:
		render_link(w, n, 0);
		break;
	case CMARK_NODE_IMAGE:
		render_link(w, n, 1);
		break;
	default:
		children(w, n);
	}
}

void sd_mdterm_render(struct sd_buf *out, const char *markdown, size_t len,
		      const struct sd_mdterm_options *opt)
{
	struct writer w;
	memset(&w, 0, sizeof(w));
	w.out = out;
	w.opt = opt;
	sd_buf_init(&w.prefix);
	for (size_t i = 0; i < opt->indent; i++)
		push_prefix(&w, " ", 1);
	/* Raw HTML is never passed on (CMARK_OPT_SAFE) and a NUL becomes
	 * U+FFFD in cmark's reader. */
	cmark_node *doc = cmark_parse_document(markdown, len, CMARK_OPT_SAFE);
	render(&w, doc);
	if (w.line_open)
		end_line(&w);
	cmark_node_free(doc);
	free(w.link);
	sd_buf_release(&w.prefix);
}

static int env_is(const char *name, const char *value)
{
	const char *v = getenv(name);
	return v && !strcmp(v, value);
}

int sd_mdterm_hyperlinks_supported(void)
{
	const char *term = getenv("TERM"), *vte = getenv("VTE_VERSION");
	if (!term || !*term || !strcmp(term, "dumb") || !strncmp(term, "screen", 6) ||
	    !strncmp(term, "tmux", 4) || getenv("TMUX"))
		return 0;
	static const char *const programs[] = { "iTerm.app", "WezTerm", "vscode", "ghostty",
						"Hyper" };
	for (size_t i = 0; i < sizeof(programs) / sizeof(*programs); i++)
		if (env_is("TERM_PROGRAM", programs[i]))
			return 1;
	if (vte && atoi(vte) >= 5000)
		return 1;
	if (getenv("KONSOLE_VERSION") || getenv("WT_SESSION"))
		return 1;
	static const char *const terms[] = { "xterm-kitty", "foot", "alacritty", "wezterm",
					     "xterm-ghostty" };
	for (size_t i = 0; i < sizeof(terms) / sizeof(*terms); i++)
		if (!strcmp(term, terms[i]))
			return 1;
	return 0;
}
