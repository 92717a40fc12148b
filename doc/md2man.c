/* SPDX-License-Identifier: MIT */
/*
 * md2man - render one of sd's Markdown manual pages as a roff man page.
 *
 * Usage: md2man NAME SECTION VERSION DATE < page.md > page.roff
 *
 * The output is a .TH line followed by the page body as rendered by
 * libcmark's man renderer.  The pages in doc/ use level-1 headings
 * (# NAME, # SYNOPSIS, ...), which cmark renders as .SH sections.
 *
 * Before rendering, the document tree is adjusted where cmark's man
 * renderer falls short: it has no notion of a definition list, emits a
 * hard line break without a preceding newline, and leaves a "." or "'"
 * at the start of a code block's later lines unescaped.
 *
 *   - A bullet list in which every item's first paragraph contains a
 *     hard line break (a line ending in a backslash) is a definition
 *     list: each item becomes a tagged paragraph (.TP) whose tag is the
 *     text before the break.  On GitHub the same source shows as a
 *     bullet list with the term on its own line, so a page reads well
 *     in both places:
 *
 *         - `-m` *TEXT*\
 *           Use TEXT as the comment.
 *
 *   - Every other hard line break becomes a .br request.
 *
 *   - Code blocks are rendered here, escaped line by line.
 *
 *   - Code spans are shown in bold, as literal text is in git's pages.
 *
 * Characters outside ASCII are written as groff \[uXXXX] escapes.
 *
 * Errors go to stderr and make the exit status 1.
 */

#include <cmark.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *progname = "md2man";

static void die(const char *msg, const char *detail)
{
	if (detail)
		fprintf(stderr, "%s: %s: %s\n", progname, msg, detail);
	else
		fprintf(stderr, "%s: %s\n", progname, msg);
	exit(1);
}

/*
 * Read all of standard input into a NUL-terminated buffer.  The caller
 * frees the result with free().
 */
static char *read_stdin(size_t *out_len)
{
	size_t cap = 8192, len = 0, n;
	char *buf = malloc(cap);

	if (!buf)
		die("out of memory", NULL);
	for (;;) {
		if (cap - len < 4096) {
			char *grown;

			if (cap > ((size_t)-1) / 2)
				die("input too large", NULL);
			grown = realloc(buf, cap * 2);
			if (!grown)
				die("out of memory", NULL);
			buf = grown;
			cap *= 2;
		}
		n = fread(buf + len, 1, cap - len - 1, stdin);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(stdin))
		die("error reading standard input", strerror(errno));
	buf[len] = '\0';
	*out_len = len;
	return buf;
}

/*
 * Refuse an empty argument or one with a control character, which would
 * end the .TH line early.
 */
static void check_arg(const char *what, const char *s)
{
	const unsigned char *p;

	if (!*s)
		die("empty argument", what);
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			die("control character in argument", what);
}

/* Returned by next_code_point() for a malformed sequence. */
#define BAD_CODE_POINT 0x110000UL

/*
 * Decode the UTF-8 sequence at *P, advance *P past it and return the
 * code point, or BAD_CODE_POINT for a malformed sequence, of which one
 * byte is consumed.
 */
static unsigned long next_code_point(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned long cp, min;
	int n, i;

	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	} else if ((s[0] & 0xe0) == 0xc0) {
		n = 1, cp = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 2, cp = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 3, cp = s[0] & 0x07, min = 0x10000;
	} else {
		*p = s + 1;
		return BAD_CODE_POINT;
	}
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*p = s + 1;
			return BAD_CODE_POINT;
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
		*p = s + 1;
		return BAD_CODE_POINT;
	}
	*p = s + n + 1;
	return cp;
}

/*
 * Refuse input that is not UTF-8 text: cmark would silently drop the
 * rest of a line after a malformed sequence.
 */
static void check_input(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;
	const unsigned char *end = p + len;
	unsigned long line = 1;
	char where[64];

	while (p < end) {
		if (*p == '\0' || next_code_point(&p) == BAD_CODE_POINT) {
			snprintf(where, sizeof(where), "line %lu", line);
			die("input is not UTF-8 text", where);
		}
		if (p[-1] == '\n')
			line++;
	}
}

/*
 * Write S as roff text.  Characters outside ASCII become groff's
 * \[uXXXX] escapes, so that the page renders correctly whether or not
 * the formatter is told the input encoding.  In a quoted macro argument
 * (QUOTED set), double quotes and backslashes are escaped as well; the
 * body from cmark has its backslashes escaped already.
 */
static void put_roff(const char *s, int quoted)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned long cp = next_code_point(&p);
		char esc[12];
		int len = 0, shift;

		if (cp == BAD_CODE_POINT)
			cp = 0xfffd;
		if (cp >= 0x80) {
			esc[len++] = '\\';
			esc[len++] = '[';
			esc[len++] = 'u';
			shift = cp > 0xffff ? (cp > 0xfffff ? 20 : 16) : 12;
			for (; shift >= 0; shift -= 4)
				esc[len++] = hex[(cp >> shift) & 0xf];
			esc[len++] = ']';
			fwrite(esc, 1, (size_t)len, stdout);
		} else if (quoted && cp == '"') {
			fputs("\\(dq", stdout);
		} else if (quoted && cp == '\\') {
			fputs("\\e", stdout);
		} else {
			putchar((int)cp);
		}
	}
}

static cmark_node *new_node(cmark_node_type type)
{
	cmark_node *node = cmark_node_new(type);

	if (!node)
		die("out of memory", NULL);
	return node;
}

static cmark_node *new_custom(cmark_node_type type, const char *on_enter, const char *on_exit)
{
	cmark_node *node = new_node(type);

	if (!cmark_node_set_on_enter(node, on_enter) || !cmark_node_set_on_exit(node, on_exit))
		die("out of memory", NULL);
	return node;
}

static void append(cmark_node *parent, cmark_node *child)
{
	if (!cmark_node_append_child(parent, child))
		die("internal error: cannot build document tree", NULL);
}

static void insert_before(cmark_node *node, cmark_node *sibling)
{
	if (!cmark_node_insert_before(node, sibling))
		die("internal error: cannot build document tree", NULL);
}

/* Does ITEM start with a paragraph holding text, a hard break, and more? */
static int is_definition(cmark_node *item)
{
	cmark_node *para = cmark_node_first_child(item), *in;

	if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
		return 0;
	in = cmark_node_first_child(para);
	if (!in || cmark_node_get_type(in) == CMARK_NODE_LINEBREAK)
		return 0;
	for (; in; in = cmark_node_next(in))
		if (cmark_node_get_type(in) == CMARK_NODE_LINEBREAK)
			return 1;
	return 0;
}

static int is_definition_list(cmark_node *list)
{
	cmark_node *item = cmark_node_first_child(list);

	if (cmark_node_get_list_type(list) != CMARK_BULLET_LIST || !item)
		return 0;
	for (; item; item = cmark_node_next(item))
		if (!is_definition(item))
			return 0;
	return 1;
}

/*
 * Replace LIST, a definition list, by one .TP block per item.  The tag
 * and the text after the break are separated by a soft break, which the
 * renderer turns into a newline, so the tag is the line after .TP as
 * the man macros expect.  Further blocks of the item are indented with
 * .RS/.RE so that they stay under the tag's text.
 */
static void convert_definition_list(cmark_node *list)
{
	cmark_node *item, *next_item;

	for (item = cmark_node_first_child(list); item; item = next_item) {
		cmark_node *para = cmark_node_first_child(item);
		cmark_node *tp = new_custom(CMARK_NODE_CUSTOM_BLOCK, ".TP", "");
		cmark_node *in, *block;
		int split = 0;

		next_item = cmark_node_next(item);
		while ((in = cmark_node_first_child(para))) {
			if (!split && cmark_node_get_type(in) == CMARK_NODE_LINEBREAK) {
				append(tp, new_node(CMARK_NODE_SOFTBREAK));
				cmark_node_free(in);
				split = 1;
			} else {
				append(tp, in);
			}
		}
		insert_before(list, tp);

		if (cmark_node_next(para)) {
			cmark_node *rs = new_custom(CMARK_NODE_CUSTOM_BLOCK, ".RS", ".RE");

			while ((block = cmark_node_next(para)))
				append(rs, block);
			insert_before(list, rs);
		}
	}
	cmark_node_free(list);
}

/* Convert every definition list below NODE, innermost first. */
static void convert_definition_lists(cmark_node *node)
{
	cmark_node *child, *next;

	for (child = cmark_node_first_child(node); child; child = next) {
		next = cmark_node_next(child);
		convert_definition_lists(child);
		if (cmark_node_get_type(child) == CMARK_NODE_LIST && is_definition_list(child))
			convert_definition_list(child);
	}
}

/* A growable string; data is always NUL-terminated once anything is put. */
struct buf {
	char *data;
	size_t len, cap;
};

static void buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->cap - b->len <= n) {
		size_t cap = b->cap ? b->cap : 256;
		char *grown;

		while (cap - b->len <= n) {
			if (cap > ((size_t)-1) / 2)
				die("input too large", NULL);
			cap *= 2;
		}
		grown = realloc(b->data, cap);
		if (!grown)
			die("out of memory", NULL);
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

/*
 * Return the roff for a code block holding TEXT: an indented block with
 * filling off, each line escaped like running text.  cmark's own
 * rendering leaves a "." or "'" at the start of the second and later
 * lines unescaped, which roff would take for a request.  The caller
 * frees the result with free().
 */
static char *code_block_roff(const char *text)
{
	struct buf b = { NULL, 0, 0 };
	int bol = 1;

	buf_puts(&b, ".IP\n.nf\n\\f[C]\n");
	for (; *text; text++) {
		if (bol && (*text == '.' || *text == '\''))
			buf_puts(&b, "\\&");
		if (*text == '\\')
			buf_puts(&b, "\\e");
		else if (*text == '-')
			buf_puts(&b, "\\-");
		else
			buf_put(&b, text, 1);
		bol = *text == '\n';
	}
	if (!bol)
		buf_puts(&b, "\n");
	buf_puts(&b, "\\f[]\n.fi");
	return b.data;
}

/*
 * Replace code blocks and hard line breaks below NODE by custom nodes
 * whose roff is written here, and code spans by bold text (see above).
 * IN_FONT is set below bold or italic text.
 */
static void fix_literals(cmark_node *node, int in_font)
{
	cmark_node *child, *next, *repl, *text;
	cmark_node_type type;
	char *roff;

	for (child = cmark_node_first_child(node); child; child = next) {
		next = cmark_node_next(child);
		type = cmark_node_get_type(child);
		fix_literals(child,
			     in_font || type == CMARK_NODE_STRONG || type == CMARK_NODE_EMPH);
		switch (type) {
		case CMARK_NODE_CODE:
			/*
			 * Literal text is bold, as in git's pages; \f[C]
			 * looks like plain text on a terminal.  Inside
			 * bold or italic text, \f[] would restore the
			 * wrong font, so the code span stays as it is.
			 */
			if (in_font)
				continue;
			repl = new_node(CMARK_NODE_STRONG);
			text = new_node(CMARK_NODE_TEXT);
			if (!cmark_node_set_literal(text, cmark_node_get_literal(child)))
				die("out of memory", NULL);
			append(repl, text);
			break;
		case CMARK_NODE_CODE_BLOCK:
			roff = code_block_roff(cmark_node_get_literal(child));
			repl = new_custom(CMARK_NODE_CUSTOM_BLOCK, roff, "");
			free(roff);
			break;
		case CMARK_NODE_LINEBREAK:
			repl = new_custom(CMARK_NODE_CUSTOM_INLINE, "\n.br\n", "");
			break;
		default:
			continue;
		}
		insert_before(child, repl);
		cmark_node_free(child);
	}
}

int main(int argc, char **argv)
{
	char *input, *body;
	size_t len;
	cmark_node *doc;

	if (argc != 5) {
		fprintf(stderr,
			"usage: %s NAME SECTION VERSION DATE "
			"< page.md > page.roff\n",
			progname);
		return 1;
	}

	check_arg("NAME", argv[1]);
	check_arg("SECTION", argv[2]);
	check_arg("VERSION", argv[3]);
	check_arg("DATE", argv[4]);

	input = read_stdin(&len);
	check_input(input, len);
	doc = cmark_parse_document(input, len, CMARK_OPT_DEFAULT);
	if (!doc)
		die("cannot parse input", NULL);
	free(input);
	convert_definition_lists(doc);
	fix_literals(doc, 0);
	body = cmark_render_man(doc, CMARK_OPT_DEFAULT, 0);
	if (!body)
		die("cannot render page", NULL);
	cmark_node_free(doc);

	/* .TH "NAME" "SECTION" "DATE" "sd VERSION" "sd Manual" */
	fputs(".TH \"", stdout);
	put_roff(argv[1], 1);
	fputs("\" \"", stdout);
	put_roff(argv[2], 1);
	fputs("\" \"", stdout);
	put_roff(argv[4], 1);
	fputs("\" \"sd ", stdout);
	put_roff(argv[3], 1);
	fputs("\" \"sd Manual\"\n", stdout);
	fputs(".\\\" Generated by doc/md2man from Markdown; do not edit.\n", stdout);
	/* Left-justified and unhyphenated, so option names stay intact. */
	fputs(".nh\n.ad l\n", stdout);
	put_roff(body, 0);
	free(body);

	if (fflush(stdout) != 0 || ferror(stdout))
		die("error writing standard output", strerror(errno));
	if (fclose(stdout) != 0)
		die("error writing standard output", strerror(errno));
	return 0;
}
