/* SPDX-License-Identifier: MIT */
/* Page templates and message catalogs (tmpl.h). */

#include <stdlib.h>
#include <string.h>

#include "sd/site.h" /* sd_html_escape */
#include "sd/tmpl.h"
#include "sd/util.h"

enum node_kind { N_TEXT, N_VAR, N_MSG, N_SECTION, N_INVERTED };

struct node {
	enum node_kind kind;
	char *s;    /* text, or the name */
	size_t len; /* of text */
	size_t end; /* sections: index of the node after the section */
};

struct sd_tmpl {
	struct node *nodes;
	size_t n, alloc;
	char *name; /* for errors */
};

enum var_kind { V_TEXT, V_HTML, V_LIST };

struct var {
	char *name;
	enum var_kind kind;
	char *s;
	struct sd_tmpl_vars **items;
	size_t nitems, alloc;
};

struct sd_tmpl_vars {
	struct var *v;
	size_t n, alloc;
	const struct sd_tmpl_vars *parent;
};

struct sd_tmpl_msgs {
	struct sd_strvec keys, values;
	const struct sd_tmpl_msgs *fallback;
};

/* ---- parsing ---- */

static size_t push(struct sd_tmpl *t, enum node_kind kind, const char *s, size_t len)
{
	if (t->n == t->alloc) {
		t->alloc = t->alloc ? 2 * t->alloc : 32;
		t->nodes = sd_xrealloc(t->nodes, t->alloc * sizeof(*t->nodes));
	}
	struct node *n = &t->nodes[t->n];
	n->kind = kind;
	n->s = sd_xstrndup(s, len);
	n->len = len;
	n->end = 0;
	return t->n++;
}

static int name_ok(const char *s, size_t len)
{
	if (!len || len > 64)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!sd_ascii_isalpha(s[i]) && !sd_ascii_isdigit(s[i]) &&
		    (!s[i] || !strchr("_.-", s[i])))
			return 0;
	return 1;
}

static size_t line_of(const char *text, const char *at)
{
	size_t line = 1;
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

void sd_tmpl_free(struct sd_tmpl *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->nodes[i].s);
	free(t->nodes);
	free(t->name);
	free(t);
}

sd_error *sd_tmpl_parse(struct sd_tmpl **out, const char *text, size_t len, const char *name)
{
	struct sd_tmpl *t = sd_xcalloc(1, sizeof(*t));
	t->name = sd_xstrdup(name);
	size_t open[SD_TMPL_DEPTH];
	int depth = 0;
	const char *p = text, *end = text + len, *err_at = NULL;
	const char *why = NULL;
	*out = NULL;
	if (memchr(text, '\0', len)) {
		why = "a template must not contain NUL bytes";
		err_at = (const char *)memchr(text, '\0', len);
		goto fail;
	}
	while (p < end) {
		const char *tag = NULL;
		for (const char *q = p; q + 1 < end; q++)
			if (q[0] == '{' && q[1] == '{') {
				tag = q;
				break;
			}
		if (!tag) {
			push(t, N_TEXT, p, (size_t)(end - p));
			break;
		}
		if (tag > p)
			push(t, N_TEXT, p, (size_t)(tag - p));
		const char *close = NULL;
		for (const char *q = tag + 2; q + 1 < end; q++)
			if (q[0] == '}' && q[1] == '}') {
				close = q;
				break;
			}
		err_at = tag;
		if (!close) {
			why = "'{{' without a closing '}}'";
			goto fail;
		}
		const char *in = tag + 2;
		size_t inlen = (size_t)(close - in);
		char sigil = inlen ? in[0] : '\0';
		p = close + 2;
		if (sigil == '!')
			continue;
		if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '_')
			in++, inlen--;
		while (inlen && *in == ' ')
			in++, inlen--;
		while (inlen && in[inlen - 1] == ' ')
			inlen--;
		if (!name_ok(in, inlen)) {
			why = "a tag must hold a name of letters, digits, '_', '.' or '-' "
			      "(with #, ^, / or _ before it)";
			goto fail;
		}
		if (sigil == '#' || sigil == '^') {
			if (depth == SD_TMPL_DEPTH) {
				why = "sections nest too deep";
				goto fail;
			}
			open[depth++] = push(t, sigil == '#' ? N_SECTION : N_INVERTED, in, inlen);
		} else if (sigil == '/') {
			if (!depth || strlen(t->nodes[open[depth - 1]].s) != inlen ||
			    memcmp(t->nodes[open[depth - 1]].s, in, inlen)) {
				why = "'{{/...}}' does not close the section open here";
				goto fail;
			}
			depth--;
			t->nodes[open[depth]].end = t->n;
		} else {
			push(t, sigil == '_' ? N_MSG : N_VAR, in, inlen);
		}
	}
	if (depth) {
		why = "a section is not closed";
		err_at = end;
		goto fail;
	}
	*out = t;
	return NULL;
fail:
	sd_tmpl_free(t);
	return sd_error_invalid("%s:%zu: %s", name, line_of(text, err_at), why);
}

/* ---- values ---- */

struct sd_tmpl_vars *sd_tmpl_vars_new(void)
{
	return sd_xcalloc(1, sizeof(struct sd_tmpl_vars));
}

void sd_tmpl_vars_free(struct sd_tmpl_vars *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->v[i].name);
		free(v->v[i].s);
		for (size_t j = 0; j < v->v[i].nitems; j++)
			sd_tmpl_vars_free(v->v[i].items[j]);
		free(v->v[i].items);
	}
	free(v->v);
	free(v);
}

static struct var *slot(struct sd_tmpl_vars *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->v[i].name, name))
			return &v->v[i];
	if (v->n == v->alloc) {
		v->alloc = v->alloc ? 2 * v->alloc : 8;
		v->v = sd_xrealloc(v->v, v->alloc * sizeof(*v->v));
	}
	struct var *x = &v->v[v->n++];
	memset(x, 0, sizeof(*x));
	x->name = sd_xstrdup(name);
	return x;
}

static void set(struct sd_tmpl_vars *v, const char *name, const char *s, enum var_kind kind)
{
	struct var *x = slot(v, name);
	free(x->s);
	x->s = sd_xstrdup(s ? s : "");
	x->kind = kind;
}

void sd_tmpl_set(struct sd_tmpl_vars *v, const char *name, const char *text)
{
	set(v, name, text, V_TEXT);
}

void sd_tmpl_set_html(struct sd_tmpl_vars *v, const char *name, const char *html)
{
	set(v, name, html, V_HTML);
}

struct sd_tmpl_vars *sd_tmpl_add_item(struct sd_tmpl_vars *v, const char *name)
{
	struct var *x = slot(v, name);
	x->kind = V_LIST;
	if (x->nitems == x->alloc) {
		x->alloc = x->alloc ? 2 * x->alloc : 8;
		x->items = sd_xrealloc(x->items, x->alloc * sizeof(*x->items));
	}
	struct sd_tmpl_vars *item = sd_tmpl_vars_new();
	item->parent = v;
	x->items[x->nitems++] = item;
	return item;
}

static const struct var *lookup(const struct sd_tmpl_vars *v, const char *name)
{
	for (; v; v = v->parent)
		for (size_t i = 0; i < v->n; i++)
			if (!strcmp(v->v[i].name, name))
				return &v->v[i];
	return NULL;
}

/* ---- messages ---- */

sd_error *sd_tmpl_msgs_parse(struct sd_tmpl_msgs **out, const char *text, size_t len,
			     const char *name, const struct sd_tmpl_msgs *fallback)
{
	struct sd_tmpl_msgs *m = sd_xcalloc(1, sizeof(*m));
	const char *p = text, *end = text + len;
	size_t line = 0;
	m->fallback = fallback;
	*out = NULL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		line++;
		const char *a = p;
		while (a < le && (*a == ' ' || *a == '\t'))
			a++;
		if (a < le && *a != '#') {
			const char *eq = memchr(a, '=', (size_t)(le - a));
			const char *ke = eq;
			while (ke && ke > a && (ke[-1] == ' ' || ke[-1] == '\t'))
				ke--;
			if (!eq || !name_ok(a, (size_t)(ke - a)) ||
			    memchr(a, '\0', (size_t)(le - a))) {
				sd_tmpl_msgs_free(m);
				return sd_error_invalid("%s:%zu: a message line is 'key = text', the "
							"key of letters, digits, '_', '.' or '-'",
							name, line);
			}
			const char *v = eq + 1, *ve = le;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
				ve--;
			sd_strvec_push_owned(&m->keys, sd_xstrndup(a, (size_t)(ke - a)));
			sd_strvec_push_owned(&m->values, sd_xstrndup(v, (size_t)(ve - v)));
		}
		p = nl ? nl + 1 : end;
	}
	*out = m;
	return NULL;
}

void sd_tmpl_msgs_free(struct sd_tmpl_msgs *m)
{
	if (!m)
		return;
	sd_strvec_clear(&m->keys);
	sd_strvec_clear(&m->values);
	free(m);
}

const char *sd_tmpl_msg(const struct sd_tmpl_msgs *m, const char *key)
{
	for (; m; m = m->fallback)
		/* The last definition wins, as a desk's catalog appended to a
		 * copy of the shipped one expects. */
		for (size_t i = m->keys.n; i-- > 0;)
			if (!strcmp(m->keys.v[i], key))
				return m->values.v[i];
	return key;
}

/* ---- rendering ---- */

/* What one rendering may cost. A section that names a list inside a
 * section of the same list renders it once per item of each: sixteen
 * levels of a list of a thousand entries would never end. Templates come
 * from the store, which a pull can change, so a page stops at these. */
struct render_budget {
	size_t visits;	   /* nodes left to visit */
	size_t max_output; /* bytes this rendering may add */
	size_t start;	   /* out's length before it */
	int over;
};

static void render(const struct sd_tmpl *t, size_t from, size_t to, const struct sd_tmpl_vars *vars,
		   const struct sd_tmpl_msgs *msgs, struct sd_buf *out, struct render_budget *b)
{
	for (size_t i = from; i < to && !b->over; i++) {
		const struct node *n = &t->nodes[i];
		const struct var *x;
		if (!b->visits-- || out->len - b->start > b->max_output) {
			b->over = 1;
			return;
		}
		switch (n->kind) {
		case N_TEXT:
			sd_buf_add(out, n->s, n->len);
			break;
		case N_MSG:
			sd_html_escape(out, sd_tmpl_msg(msgs, n->s));
			break;
		case N_VAR:
			x = lookup(vars, n->s);
			if (x && x->kind == V_HTML)
				sd_buf_adds(out, x->s);
			else if (x && x->kind == V_TEXT)
				sd_html_escape(out, x->s);
			break;
		case N_SECTION:
		case N_INVERTED: {
			x = lookup(vars, n->s);
			int set = x && (x->kind == V_LIST ? x->nitems > 0 : *x->s != '\0');
			if (n->kind == N_INVERTED) {
				if (!set)
					render(t, i + 1, n->end, vars, msgs, out, b);
			} else if (set && x->kind == V_LIST) {
				for (size_t j = 0; j < x->nitems && !b->over; j++)
					render(t, i + 1, n->end, x->items[j], msgs, out, b);
			} else if (set) {
				render(t, i + 1, n->end, vars, msgs, out, b);
			}
			i = n->end - 1;
			break;
		}
		}
	}
}

sd_error *sd_tmpl_render_within(const struct sd_tmpl *t, const struct sd_tmpl_vars *vars,
				const struct sd_tmpl_msgs *msgs, struct sd_buf *out,
				size_t max_output, size_t max_visits)
{
	struct render_budget b = { max_visits, max_output, out->len, 0 };
	size_t start = out->len;
	render(t, 0, t->n, vars, msgs, out, &b);
	if (!b.over)
		return NULL;
	out->len = start;
	out->data[start] = '\0';
	return sd_error_new(SD_EXIT_INVALID,
			    "%s: the template renders more than %zu bytes or visits more than %zu "
			    "places; a section probably names a list inside itself",
			    t->name, max_output, max_visits);
}

sd_error *sd_tmpl_render(const struct sd_tmpl *t, const struct sd_tmpl_vars *vars,
			 const struct sd_tmpl_msgs *msgs, struct sd_buf *out)
{
	return sd_tmpl_render_within(t, vars, msgs, out, SD_TMPL_MAX_OUTPUT, SD_TMPL_MAX_VISITS);
}
