/* SPDX-License-Identifier: MIT */
/*
 * The ticket file format: the only reader and the only writer of it.
 * doc/sd-ticket.5.md is the specification; keep the two in step.
 */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "sd/id.h"
#include "sd/mdtext.h"
#include "sd/text.h"
#include "sd/ticket.h"

#define MARKER_PREFIX "<!-- sd:"
#define TIMELINE_MARKER "<!-- sd:timeline -->"
#define TIMELINE_HEADING "## Timeline"

/* A cursor over the lines of a text, counting line numbers from 1. */
struct lines {
	const char *p, *end;
	size_t lineno; /* of the line that next_line returns next */
};

/* Returns the next line (without the newline) in line and len; 0 at end of text. */
static int next_line(struct lines *l, const char **line, size_t *len)
{
	if (l->p >= l->end)
		return 0;
	const char *nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	*line = l->p;
	*len = nl ? (size_t)(nl - l->p) : (size_t)(l->end - l->p);
	l->p = nl ? nl + 1 : l->end;
	l->lineno++;
	return 1;
}

static int line_is(const char *line, size_t len, const char *s)
{
	return strlen(s) == len && !memcmp(line, s, len);
}

static int line_blank(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t')
			return 0;
	return 1;
}

static int line_starts(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && !memcmp(line, prefix, n);
}

/* Description and comment lines are escaped for Markdown on write and
 * unescaped on read (mdtext.h): a line that looks like a marker, a
 * heading, an HTML block or a code fence cannot cut the ticket apart for
 * sd or, rendered on a forge, pose as a staff entry or swallow the
 * entries after it. */
static void add_text_line(struct sd_buf *out, const char *line, size_t len)
{
	sd_mdtext_unescape_line(out, line, len);
}

static void write_escaped_text(struct sd_buf *out, const char *text)
{
	sd_mdtext_escape(out, text);
}

static sd_error *at_line(const char *path, size_t line, const char *fmt, ...) SD_PRINTF(3, 4);

static sd_error *at_line(const char *path, size_t line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sd_error *err = sd_error_newv(SD_EXIT_INVALID, fmt, ap);
	va_end(ap);
	return sd_error_wrap(err, "%s:%zu", path, line);
}

/* ---- front matter ---- */

struct yaml_reader {
	yaml_parser_t parser;
	yaml_event_t event;
	int have_event;
	const char *path;
	size_t first_line; /* file line of the front matter's first line */
	const char *text;  /* the front matter */
	size_t len;
};

static sd_error *yaml_fail(struct yaml_reader *r)
{
	const char *problem = r->parser.problem ? r->parser.problem : "invalid YAML";
	size_t line = r->parser.problem_mark.line;
	/* The reader (bad characters) reports a byte offset, not a mark. */
	if (r->parser.error == YAML_READER_ERROR) {
		line = 0;
		for (size_t i = 0; i < r->parser.problem_offset && i < r->len; i++)
			line += r->text[i] == '\n';
	}
	if (r->parser.context)
		return sd_error_invalid("%s:%zu: %s %s", r->path, r->first_line + line,
					r->parser.context, problem);
	return sd_error_invalid("%s:%zu: %s", r->path, r->first_line + line, problem);
}

static sd_error *yaml_next(struct yaml_reader *r)
{
	if (r->have_event)
		yaml_event_delete(&r->event);
	r->have_event = 0;
	if (!yaml_parser_parse(&r->parser, &r->event))
		return yaml_fail(r);
	r->have_event = 1;
	return NULL;
}

static size_t event_line(struct yaml_reader *r)
{
	return r->first_line + r->event.start_mark.line;
}

/* Refuses YAML features a ticket never needs and that make files unsafe or
 * ambiguous for other tools: anchors, aliases and explicit tags. */
static sd_error *plain_yaml_only(struct yaml_reader *r)
{
	yaml_event_t *e = &r->event;
	const yaml_char_t *anchor = NULL, *tag = NULL;
	switch (e->type) {
	case YAML_ALIAS_EVENT:
		return at_line(r->path, event_line(r),
			       "YAML aliases (*name) are not allowed in a ticket");
	case YAML_SCALAR_EVENT:
		anchor = e->data.scalar.anchor, tag = e->data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = e->data.sequence_start.anchor, tag = e->data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = e->data.mapping_start.anchor, tag = e->data.mapping_start.tag;
		break;
	default:
		break;
	}
	if (anchor)
		return at_line(r->path, event_line(r),
			       "YAML anchors (&name) are not allowed in a ticket");
	if (tag)
		return at_line(r->path, event_line(r),
			       "YAML tags (!tag) are not allowed in a ticket");
	return NULL;
}

/* Skips one value of any shape (for keys sd does not know). */
static sd_error *skip_value(struct yaml_reader *r)
{
	int depth = 0;
	for (;;) {
		sd_error *err = plain_yaml_only(r);
		if (err)
			return err;
		switch (r->event.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > 64)
				return at_line(r->path, event_line(r), "YAML nested too deeply");
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		if (depth == 0)
			return NULL;
		if ((err = yaml_next(r)))
			return err;
	}
}

static int scalar_is_null(const yaml_event_t *e)
{
	const char *v = (const char *)e->data.scalar.value;
	if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
		!strcmp(v, "NULL");
}

/* cc: a list of addresses, kept joined by ", " (a scalar "a, b" is
 * taken as well). */
static sd_error *read_cc(struct yaml_reader *r, struct sd_ticket *t)
{
	struct sd_buf joined = SD_BUF_INIT;
	sd_error *err = NULL;
	size_t line = event_line(r);
	if (r->event.type == YAML_SCALAR_EVENT) {
		if (!scalar_is_null(&r->event))
			sd_buf_adds(&joined, (const char *)r->event.data.scalar.value);
	} else if (r->event.type != YAML_SEQUENCE_START_EVENT) {
		return at_line(r->path, line, "cc must be a list, like [ana@example.com]");
	} else {
		for (;;) {
			if ((err = yaml_next(r)) || (err = plain_yaml_only(r)))
				goto done;
			if (r->event.type == YAML_SEQUENCE_END_EVENT)
				break;
			if (r->event.type != YAML_SCALAR_EVENT) {
				err = at_line(r->path, event_line(r),
					      "each cc must be a mail address");
				goto done;
			}
			if (joined.len)
				sd_buf_adds(&joined, ", ");
			sd_buf_adds(&joined, (const char *)r->event.data.scalar.value);
			if (joined.len > 64 * 1024) {
				err = at_line(r->path, line, "cc is too long");
				goto done;
			}
		}
	}
	if (joined.len && (err = sd_field_validate(SD_F_CC, joined.data))) {
		err = sd_error_wrap(err, "%s:%zu", r->path, line);
		goto done;
	}
	sd_ticket_set(t, SD_F_CC, joined.data);
done:
	sd_buf_release(&joined);
	return err;
}

static sd_error *read_tags(struct yaml_reader *r, struct sd_ticket *t)
{
	sd_error *err;
	if (r->event.type == YAML_SCALAR_EVENT) {
		/* Hand-written "tags: a, b" is accepted; sd writes a list. */
		if (scalar_is_null(&r->event))
			return NULL;
		err = sd_ticket_set_tags(t, (const char *)r->event.data.scalar.value);
		return err ? sd_error_wrap(err, "%s:%zu", r->path, event_line(r)) : NULL;
	}
	if (r->event.type != YAML_SEQUENCE_START_EVENT)
		return at_line(r->path, event_line(r), "tags must be a list, like [printer, vpn]");
	for (;;) {
		if ((err = yaml_next(r)) || (err = plain_yaml_only(r)))
			return err;
		if (r->event.type == YAML_SEQUENCE_END_EVENT) {
			sd_strvec_uniq(&t->tags);
			return NULL;
		}
		if (r->event.type != YAML_SCALAR_EVENT)
			return at_line(r->path, event_line(r), "each tag must be a plain word");
		const char *tag = (const char *)r->event.data.scalar.value;
		if ((err = sd_field_validate(SD_F_TAGS, tag)))
			return sd_error_wrap(err, "%s:%zu", r->path, event_line(r));
		sd_strvec_push(&t->tags, tag);
	}
}

/* incidents: a list of ticket ids, or (by hand) "a, b" in one scalar. */
static sd_error *read_incidents(struct yaml_reader *r, struct sd_ticket *t)
{
	struct sd_strvec ids = SD_STRVEC_INIT;
	sd_error *err = NULL;
	if (r->event.type == YAML_SCALAR_EVENT) {
		if (!scalar_is_null(&r->event))
			sd_strvec_split(&ids, (const char *)r->event.data.scalar.value);
	} else if (r->event.type != YAML_SEQUENCE_START_EVENT) {
		err = at_line(r->path, event_line(r),
			      "incidents must be a list of ticket ids, like [7f3kq2m9xw4a]");
		goto done;
	} else {
		for (;;) {
			if ((err = yaml_next(r)) || (err = plain_yaml_only(r)))
				goto done;
			if (r->event.type == YAML_SEQUENCE_END_EVENT)
				break;
			if (r->event.type != YAML_SCALAR_EVENT) {
				err = at_line(r->path, event_line(r),
					      "each incident must be a ticket id");
				goto done;
			}
			sd_strvec_push(&ids, (const char *)r->event.data.scalar.value);
		}
	}
	for (size_t i = 0; i < ids.n; i++)
		if ((err = sd_field_validate(SD_F_INCIDENTS, ids.v[i]))) {
			err = sd_error_wrap(err, "%s:%zu", r->path, event_line(r));
			goto done;
		}
	sd_ticket_set_incidents(t, &ids);
done:
	sd_strvec_clear(&ids);
	return err;
}

struct key_pos {
	char *key;
	size_t line; /* line within the front matter, from 0 */
	int known;
};

/* ---- the fast path for front matter as sd writes it ---- */

/* Whether the UTF-8 text (valid, as the whole file was checked) holds only
 * characters YAML reads as themselves on one line: no tab, no control, no
 * C1 character, no line or paragraph separator, no byte-order mark, no
 * non-character. */
static int yaml_printable_line(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		if (c < 0x20 || c == 0x7f)
			return 0;
		if (c < 0x80)
			continue;
		if (c == 0xc2 && i + 1 < n && p[i + 1] < 0xa0)
			return 0;
		if (c == 0xe2 && i + 2 < n && p[i + 1] == 0x80 &&
		    (p[i + 2] == 0xa8 || p[i + 2] == 0xa9))
			return 0;
		if (c == 0xef && i + 2 < n &&
		    ((p[i + 1] == 0xbb && p[i + 2] == 0xbf) ||
		     (p[i + 1] == 0xbf && (p[i + 2] == 0xbe || p[i + 2] == 0xbf))))
			return 0;
	}
	return 1;
}

/* A plain scalar that YAML reads as exactly its text, a string: nothing
 * that starts an indicator, no ": " or " #", no edge blanks. */
static int plain_as_is(const char *v, size_t n)
{
	if (!n || strchr(" -?:,[]{}#&*!|>'\"%@`", v[0]) || v[n - 1] == ' ' || v[n - 1] == ':')
		return 0;
	for (size_t i = 0; i + 1 < n; i++)
		if ((v[i] == ':' && v[i + 1] == ' ') || (v[i] == ' ' && v[i + 1] == '#'))
			return 0;
	return yaml_printable_line(v, n);
}

static int tag_word(const char *v, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
		      (v[i] >= '0' && v[i] <= '9') || (i && strchr("-_.", v[i]))))
			return 0;
	return 1;
}

/* Reads front matter made only of known keys with values in the simple
 * forms sd writes (plain words, "double quotes" without escapes, a flow
 * list of plain tags) without libyaml, which costs more than everything
 * else in reading a ticket. Returns 0, leaving t alone, for anything else:
 * then libyaml reads it and gives any error. */
static int fast_front_matter(struct sd_ticket *t, const char *fm, size_t len, size_t first_line)
{
	const char *value[SD_F_COUNT] = { NULL };
	size_t vlen[SD_F_COUNT] = { 0 }, line[SD_F_COUNT] = { 0 };
	const char *p = fm, *end = fm + len;
	size_t lineno = first_line;
	if (!len)
		return 0;
	for (; p < end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return 0;
		const char *colon = memchr(p, ':', (size_t)(nl - p));
		if (!colon || colon == p)
			return 0;
		char key[16];
		size_t klen = (size_t)(colon - p);
		if (klen >= sizeof(key))
			return 0;
		memcpy(key, p, klen);
		key[klen] = '\0';
		int f = sd_field_lookup(key);
		if (f < 0 || line[f])
			return 0;
		const char *v = colon + 1;
		if (v < nl) {
			if (*v != ' ')
				return 0;
			v++;
		}
		line[f] = lineno;
		value[f] = v;
		vlen[f] = (size_t)(nl - v);
		p = nl + 1;
	}
	/* Every value is checked before anything is set. */
	for (int f = 0; f < SD_F_COUNT; f++) {
		const char *v = value[f];
		size_t n = vlen[f];
		if (!v)
			continue;
		if (f == SD_F_CC)
			return 0; /* a list of addresses: libyaml reads it */
		if (f == SD_F_TAGS || f == SD_F_INCIDENTS) {
			if (n < 2 || v[0] != '[' || v[n - 1] != ']')
				return 0;
			for (size_t i = 1; i + 1 < n;) {
				size_t j = i;
				while (j + 1 < n && v[j] != ',')
					j++;
				if (!tag_word(v + i, j - i))
					return 0;
				i = j + 1;
				if (i + 1 < n) {
					if (v[i] != ' ')
						return 0;
					i++;
				}
			}
			continue;
		}
		if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
			if (memchr(v + 1, '"', n - 2) || memchr(v + 1, '\\', n - 2) ||
			    !yaml_printable_line(v + 1, n - 2))
				return 0;
		} else if (n && !plain_as_is(v, n)) {
			return 0;
		}
	}
	for (int f = 0; f < SD_F_COUNT; f++) {
		if (!value[f])
			continue;
		const char *v = value[f];
		size_t n = vlen[f];
		if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
			v++, n -= 2;
		else if ((n == 1 && *v == '~') ||
			 (n == 4 &&
			  (!memcmp(v, "null", 4) || !memcmp(v, "Null", 4) ||
			   !memcmp(v, "NULL", 4))))
			n = 0; /* YAML's null: no value */
		char *copy = sd_xstrndup(v, n);
		sd_error *bad = f != SD_F_TAGS && f != SD_F_INCIDENTS && *copy
			? sd_field_check_read((enum sd_field)f, copy)
			: NULL;
		if (bad) {
			/* Let the full reader report it, with its line. */
			sd_error_free(bad);
			free(copy);
			sd_ticket_free(t);
			sd_ticket_init(t);
			return 0;
		}
		t->field_line[f] = line[f];
		if (f == SD_F_TAGS) {
			for (size_t i = 1; i + 1 < vlen[f];) {
				size_t j = i;
				while (j + 1 < vlen[f] && value[f][j] != ',')
					j++;
				char *tag = sd_xstrndup(value[f] + i, j - i);
				sd_error *bad_tag = sd_field_validate(SD_F_TAGS, tag);
				if (bad_tag) {
					sd_error_free(bad_tag);
					free(tag);
					free(copy);
					sd_ticket_free(t);
					sd_ticket_init(t);
					return 0;
				}
				sd_strvec_push_owned(&t->tags, tag);
				i = j + 2;
			}
			sd_strvec_uniq(&t->tags);
		} else if (f == SD_F_INCIDENTS) {
			/* The same flow list; each item must be a ticket id. */
			struct sd_strvec ids = SD_STRVEC_INIT;
			copy[n - 1] = '\0';
			sd_strvec_split(&ids, copy + 1);
			int ok = 1;
			for (size_t i = 0; ok && i < ids.n; i++)
				ok = sd_id_valid(ids.v[i]);
			if (ok)
				sd_ticket_set_incidents(t, &ids);
			sd_strvec_clear(&ids);
			if (!ok) {
				free(copy);
				sd_ticket_free(t);
				sd_ticket_init(t);
				return 0;
			}
		} else {
			free(t->field[f]);
			t->field[f] = copy;
			copy = NULL;
		}
		free(copy);
	}
	return 1;
}

/* The first repeat of a key sd does not know: a front matter may hold
 * very many of them (known keys are checked as they are read). */
static sd_error *unknown_keys_unique(const struct key_pos *keys, size_t nkeys, size_t first_line,
				     const char *path)
{
	struct sd_keyed *items = sd_xmalloc((nkeys ? nkeys : 1) * sizeof(*items));
	unsigned char *repeat = sd_xmalloc(nkeys ? nkeys : 1);
	const struct key_pos *dup = NULL;
	for (size_t i = 0; i < nkeys; i++)
		items[i] = (struct sd_keyed){ keys[i].known ? NULL : keys[i].key, keys[i].line };
	sd_mark_repeats(items, nkeys, repeat);
	for (size_t i = 0; i < nkeys && !dup; i++)
		if (repeat[i])
			dup = &keys[i]; /* keys are in line order */
	free(items);
	free(repeat);
	if (dup)
		return at_line(path, first_line + dup->line, "key '%s' appears twice", dup->key);
	return NULL;
}

static sd_error *parse_front_matter(struct sd_ticket *t, const char *fm, size_t len,
				    size_t first_line, const char *path)
{
	struct yaml_reader r;
	struct key_pos *keys = NULL;
	size_t nkeys = 0, keys_alloc = 0;
	sd_error *err = NULL;

	/* YAML skips a byte-order mark at the start of a line, so such a line
	 * reads as a key at column 0 here but, once sd writes it elsewhere in
	 * the front matter, no longer parses. Refused, as in a whole file. */
	for (size_t i = 0, line = first_line; i < len; line++) {
		if (len - i >= 3 && !memcmp(fm + i, "\xef\xbb\xbf", 3))
			return at_line(path, line,
				       "line starts with a byte-order mark (U+FEFF); remove it");
		const char *nl = memchr(fm + i, '\n', len - i);
		i = nl ? (size_t)(nl - fm) + 1 : len;
	}
	memset(&r, 0, sizeof(r));
	r.path = path;
	r.first_line = first_line;
	r.text = fm;
	r.len = len;
	if (!yaml_parser_initialize(&r.parser))
		return sd_error_fatal("cannot initialise the YAML parser");
	yaml_parser_set_input_string(&r.parser, (const unsigned char *)fm, len);

	if ((err = yaml_next(&r)) || (err = yaml_next(&r)))
		goto done;
	if (r.event.type == YAML_STREAM_END_EVENT) {
		err = at_line(path, first_line - 1, "the front matter is empty");
		goto done;
	}
	if ((err = yaml_next(&r)))
		goto done;
	if (r.event.type != YAML_MAPPING_START_EVENT) {
		err = at_line(path, event_line(&r),
			      "the front matter must be a mapping of 'key: value' lines");
		goto done;
	}
	if ((err = plain_yaml_only(&r)))
		goto done;
	if (r.event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE) {
		err = at_line(path, event_line(&r),
			      "the front matter must be 'key: value' lines, not a {flow} mapping");
		goto done;
	}
	for (;;) {
		if ((err = yaml_next(&r)))
			goto done;
		if (r.event.type == YAML_MAPPING_END_EVENT)
			break;
		if ((err = plain_yaml_only(&r)))
			goto done;
		if (r.event.type != YAML_SCALAR_EVENT) {
			err = at_line(path, event_line(&r), "keys must be plain words");
			goto done;
		}
		const char *key = (const char *)r.event.data.scalar.value;
		size_t key_line = r.event.start_mark.line;
		/* Unknown keys are kept as whole lines and written after the
		 * known ones at column 0; an indented mapping would not survive. */
		if (r.event.start_mark.column != 0) {
			err = at_line(path, first_line + key_line,
				      "front-matter keys must start at the beginning of the line");
			goto done;
		}
		int f = sd_field_lookup(key);
		/* A known key seen before has its line set; unknown keys are
		 * compared once all are read, sorted, not pairwise here. */
		if (f >= 0 && t->field_line[f]) {
			err = at_line(path, first_line + key_line, "key '%s' appears twice", key);
			goto done;
		}
		if (nkeys == keys_alloc) {
			keys_alloc = keys_alloc ? 2 * keys_alloc : 32;
			keys = sd_xrealloc(keys, keys_alloc * sizeof(*keys));
		}
		keys[nkeys].key = sd_xstrdup(key);
		keys[nkeys].line = key_line;
		keys[nkeys].known = f >= 0;
		nkeys++;

		if ((err = yaml_next(&r)))
			goto done;
		if (f < 0) {
			if ((err = skip_value(&r)))
				goto done;
			continue;
		}
		if ((err = plain_yaml_only(&r)))
			goto done;
		t->field_line[f] = first_line + key_line;
		if (f == SD_F_TAGS) {
			if ((err = read_tags(&r, t)))
				goto done;
			continue;
		}
		if (f == SD_F_INCIDENTS) {
			if ((err = read_incidents(&r, t)))
				goto done;
			continue;
		}
		if (f == SD_F_CC) {
			if ((err = read_cc(&r, t)))
				goto done;
			continue;
		}
		if (r.event.type != YAML_SCALAR_EVENT) {
			err = at_line(path, event_line(&r), "'%s' must be a single value",
				      sd_fields[f].name);
			goto done;
		}
		const char *value =
			scalar_is_null(&r.event) ? "" : (const char *)r.event.data.scalar.value;
		if (*value && (err = sd_field_check_read((enum sd_field)f, value))) {
			err = sd_error_wrap(err, "%s:%zu", path, event_line(&r));
			goto done;
		}
		sd_ticket_set(t, (enum sd_field)f, value);
	}
	if ((err = unknown_keys_unique(keys, nkeys, first_line, path)))
		goto done;
	if ((err = yaml_next(&r)))
		goto done;
	if (r.event.type != YAML_DOCUMENT_END_EVENT) {
		err = at_line(path, event_line(&r), "unexpected text after the front matter");
		goto done;
	}
	if ((err = yaml_next(&r)))
		goto done;
	if (r.event.type != YAML_STREAM_END_EVENT) {
		err = at_line(path, event_line(&r),
			      "the front matter holds more than one document");
		goto done;
	}

	/* Unknown keys keep their exact source lines: from the key's line up
	 * to the next key's line (block mappings put each key on its own
	 * line), so comments and formatting survive a rewrite. */
	/* Lines as libyaml counts them, since its marks number them: NEL,
	 * LS and PS end a line too (CR never gets this far). Counting only
	 * LF took the wrong lines for a key after such a character. */
	const char **line_start = sd_xmalloc((len + 2) * sizeof(*line_start));
	size_t nlines = 0;
	line_start[nlines++] = fm;
	for (const char *p = fm; p < fm + len; p++) {
		const unsigned char *u = (const unsigned char *)p;
		if (*p == '\n')
			line_start[nlines++] = p + 1;
		else if (u[0] == 0xc2 && p + 1 < fm + len && u[1] == 0x85)
			line_start[nlines++] = p + 2;
		else if (u[0] == 0xe2 && p + 2 < fm + len && u[1] == 0x80 &&
			 (u[2] == 0xa8 || u[2] == 0xa9))
			line_start[nlines++] = p + 3;
	}
	size_t nunknown = 0;
	for (size_t i = 0; i < nkeys; i++)
		nunknown += !keys[i].known;
	if (nunknown)
		t->extra = sd_xrealloc(t->extra, (t->nextra + nunknown) * sizeof(*t->extra));
	for (size_t i = 0; i < nkeys; i++) {
		if (keys[i].known)
			continue;
		size_t from = keys[i].line;
		size_t to = i + 1 < nkeys ? keys[i + 1].line : nlines - 1;
		const char *a = line_start[from < nlines ? from : nlines - 1];
		const char *b = to < nlines ? line_start[to] : fm + len;
		t->extra[t->nextra].key = sd_xstrdup(keys[i].key);
		struct sd_buf raw = SD_BUF_INIT;
		sd_buf_add(&raw, a, (size_t)(b - a));
		if (!raw.len || raw.data[raw.len - 1] != '\n')
			sd_buf_addch(&raw, '\n');
		t->extra[t->nextra].raw = sd_buf_detach(&raw);
		t->nextra++;
	}
	free(line_start);

done:
	if (r.have_event)
		yaml_event_delete(&r.event);
	yaml_parser_delete(&r.parser);
	for (size_t i = 0; i < nkeys; i++)
		free(keys[i].key);
	free(keys);
	return err;
}

/* ---- entry markers ---- */

static int bare_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		strchr("._:@+/-", c);
}

static void write_attr_value(struct sd_buf *out, const char *v)
{
	int bare = *v != '\0' && !strstr(v, "--") && v[strlen(v) - 1] != '-';
	for (const char *p = v; bare && *p; p++)
		if (!bare_char(*p))
			bare = 0;
	if (bare) {
		sd_buf_adds(out, v);
		return;
	}
	sd_buf_addch(out, '"');
	for (const char *p = v; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\\' || c == '"')
			sd_buf_addch(out, '\\'), sd_buf_addch(out, (char)c);
		else if (c == '\n')
			sd_buf_adds(out, "\\n");
		else if (c == '\t')
			sd_buf_adds(out, "\\t");
		else if (c < 0x20 || c == 0x7f)
			sd_buf_printf(out, "\\x%02x", c);
		else if (c == '-' && p > v && p[-1] == '-')
			sd_buf_adds(out, "\\-");
		else if (c == '>' && p > v && p[-1] == '-')
			sd_buf_adds(out, "\\>");
		else
			sd_buf_addch(out, (char)c);
	}
	sd_buf_addch(out, '"');
}

static void write_attr(struct sd_buf *out, const char *name, const char *value)
{
	sd_buf_addch(out, ' ');
	sd_buf_adds(out, name);
	sd_buf_addch(out, '=');
	write_attr_value(out, value);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

struct attr {
	char *name;
	char *value;
};

/* Parses ` name=value name="quoted"` up to the end of s (len bytes). */
static sd_error *parse_attrs(const char *s, size_t len, struct attr **out, size_t *nout,
			     const char *path, size_t line)
{
	const char *p = s, *end = s + len;
	struct attr *attrs = NULL;
	size_t n = 0;
	while (p < end) {
		if (*p == ' ') {
			p++;
			continue;
		}
		const char *name = p;
		while (p < end && ((*p >= 'a' && *p <= 'z') || *p == '_'))
			p++;
		if (p == name || p >= end || *p != '=')
			goto bad;
		char *nm = sd_xstrndup(name, (size_t)(p - name));
		p++;
		struct sd_buf v = SD_BUF_INIT;
		if (p < end && *p == '"') {
			p++;
			while (p < end && *p != '"') {
				if (*p != '\\') {
					sd_buf_addch(&v, *p++);
					continue;
				}
				if (++p >= end)
					break;
				char c = *p++;
				if (c == 'n')
					sd_buf_addch(&v, '\n');
				else if (c == 't')
					sd_buf_addch(&v, '\t');
				else if (c == 'x' && end - p >= 2 && hexval(p[0]) >= 0 &&
					 hexval(p[1]) >= 0) {
					sd_buf_addch(&v, (char)(hexval(p[0]) * 16 + hexval(p[1])));
					p += 2;
				} else if (c == '\\' || c == '"' || c == '-' || c == '>')
					sd_buf_addch(&v, c);
				else {
					free(nm);
					sd_buf_release(&v);
					goto bad;
				}
			}
			if (p >= end) {
				free(nm);
				sd_buf_release(&v);
				goto bad;
			}
			p++;
			if (p < end && *p != ' ') {
				free(nm);
				sd_buf_release(&v);
				goto bad;
			}
		} else {
			while (p < end && *p != ' ') {
				if (!bare_char(*p)) {
					free(nm);
					sd_buf_release(&v);
					goto bad;
				}
				sd_buf_addch(&v, *p++);
			}
		}
		/* A marker has a handful of attributes; checking a line of
		 * millions for repeats would take hours. */
		if (n == 32) {
			sd_error *err =
				at_line(path, line, "too many attributes in an entry marker");
			free(nm);
			sd_buf_release(&v);
			*out = attrs, *nout = n;
			return err;
		}
		for (size_t i = 0; i < n; i++)
			if (!strcmp(attrs[i].name, nm)) {
				sd_error *err =
					at_line(path, line, "attribute '%s' appears twice", nm);
				free(nm);
				sd_buf_release(&v);
				*out = attrs, *nout = n;
				return err;
			}
		attrs = sd_xrealloc(attrs, (n + 1) * sizeof(*attrs));
		attrs[n].name = nm;
		attrs[n].value = sd_buf_detach(&v);
		n++;
	}
	*out = attrs, *nout = n;
	return NULL;
bad:
	*out = attrs, *nout = n;
	/* The marker need not end in a NUL: show at most what is left of it. */
	return at_line(path, line,
		       "malformed entry marker near '%.*s'; "
		       "attributes are name=value or name=\"quoted value\"",
		       p < end ? (int)(end - p < 30 ? end - p : 30) : 0, p < end ? p : "");
}

static void free_attrs(struct attr *attrs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(attrs[i].name);
		free(attrs[i].value);
	}
	free(attrs);
}

static char *take_attr(struct attr *attrs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (attrs[i].name && !strcmp(attrs[i].name, name)) {
			char *v = attrs[i].value;
			attrs[i].value = NULL;
			free(attrs[i].name);
			attrs[i].name = NULL;
			return v;
		}
	return NULL;
}

static int entry_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n < 4 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr(SD_ID_ALPHABET, id[i]))
			return 0;
	return 1;
}

static sd_error *parse_marker(struct sd_entry *e, const char *line, size_t len, const char *path,
			      size_t lineno)
{
	static const char comment[] = MARKER_PREFIX "comment ";
	static const char event[] = MARKER_PREFIX "event ";
	const char *attrs_start;
	struct attr *attrs = NULL;
	size_t nattrs = 0;
	sd_error *err = NULL;
	char *at = NULL, *vis = NULL;

	memset(e, 0, sizeof(*e));
	e->line = lineno;
	if (line_starts(line, len, comment)) {
		e->kind = SD_ENTRY_COMMENT;
		attrs_start = line + sizeof(comment) - 1;
	} else if (line_starts(line, len, event)) {
		e->kind = SD_ENTRY_EVENT;
		attrs_start = line + sizeof(event) - 1;
	} else {
		return at_line(path, lineno,
			       "unknown marker; entries start with "
			       "'<!-- sd:comment ...' or '<!-- sd:event ...'");
	}
	if (len < 4 || memcmp(line + len - 4, " -->", 4))
		return at_line(path, lineno, "entry marker does not end with ' -->'");
	/* "<!-- sd:comment -->": the prefix and the end share their space. */
	const char *attrs_end = line + len - 4;
	if (attrs_end < attrs_start)
		attrs_end = attrs_start;
	if ((err = parse_attrs(attrs_start, (size_t)(attrs_end - attrs_start), &attrs, &nattrs,
			       path, lineno)))
		goto done;
	e->id = take_attr(attrs, nattrs, "id");
	e->author = take_attr(attrs, nattrs, "author");
	at = take_attr(attrs, nattrs, "at");
	if (!e->id || !entry_id_valid(e->id)) {
		err = at_line(path, lineno, "entry needs an id of 4 to 32 characters of %s",
			      SD_ID_ALPHABET);
		goto done;
	}
	if (!at) {
		err = at_line(path, lineno, "entry needs a time: at=2026-11-23T14:05:00Z");
		goto done;
	}
	if ((err = sd_stamp_parse(&e->at, at))) {
		err = sd_error_wrap(err, "%s:%zu", path, lineno);
		goto done;
	}
	if (!e->author)
		e->author = sd_xstrdup("");
	e->message_id = take_attr(attrs, nattrs, "message_id");
	e->mail_from = take_attr(attrs, nattrs, "mail_from");
	e->mail_to = take_attr(attrs, nattrs, "mail_to");
	e->reply_to = take_attr(attrs, nattrs, "reply_to");
	if (e->kind == SD_ENTRY_COMMENT) {
		vis = take_attr(attrs, nattrs, "visibility");
		if (vis && sd_value_index(sd_visibilities, vis) < 0) {
			err = at_line(path, lineno,
				      "invalid visibility '%s': use public or internal", vis);
			goto done;
		}
		e->internal = vis && !strcmp(vis, "internal");
	} else {
		e->field = take_attr(attrs, nattrs, "field");
		e->from = take_attr(attrs, nattrs, "from");
		e->to = take_attr(attrs, nattrs, "to");
		e->reason = take_attr(attrs, nattrs, "reason");
		if (!e->field || !*e->field) {
			err = at_line(path, lineno, "event needs field=NAME");
			goto done;
		}
		for (const char *f = e->field; *f; f++)
			if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789_.-", *f)) {
				err = at_line(path, lineno,
					      "event field '%.40s' is not a field name "
					      "(lowercase letters, digits, _ . -)",
					      e->field);
				goto done;
			}
		if (!e->from)
			e->from = sd_xstrdup("");
		if (!e->to)
			e->to = sd_xstrdup("");
		if (!e->reason)
			e->reason = sd_xstrdup("");
	}
	for (size_t i = 0; i < nattrs; i++)
		if (attrs[i].name) {
			err = at_line(path, lineno, "unknown entry attribute '%s'", attrs[i].name);
			goto done;
		}
done:
	free(at);
	free(vis);
	free_attrs(attrs, nattrs);
	return err;
}

static void entry_display_name(struct sd_buf *out, const char *author)
{
	const char *lt = strstr(author, " <");
	size_t n = lt ? (size_t)(lt - author) : strlen(author);
	if (!n)
		n = strlen(author);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)author[i];
		sd_buf_addch(out, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	if (!n)
		sd_buf_adds(out, "unknown");
}

static void single_line(struct sd_buf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		sd_buf_addch(out, c < 0x20 || c == 0x7f ? ' ' : (char)c);
	}
}

/* The mail attributes, after the kind's own. */
static void write_mail_attrs(struct sd_buf *out, const struct sd_entry *e)
{
	static const char *const names[] = { "message_id", "mail_from", "mail_to", "reply_to" };
	const char *values[] = { e->message_id, e->mail_from, e->mail_to, e->reply_to };
	for (size_t i = 0; i < 4; i++)
		if (values[i] && *values[i])
			write_attr(out, names[i], values[i]);
}

static void write_entry(struct sd_buf *out, const struct sd_entry *e)
{
	char at[SD_STAMP_STRLEN], human[32];
	sd_stamp_format(at, e->at);
	sd_time_format_human(human, sd_stamp_seconds(e->at));
	sd_buf_adds(out,
		    e->kind == SD_ENTRY_COMMENT ? MARKER_PREFIX "comment" : MARKER_PREFIX "event");
	write_attr(out, "id", e->id);
	write_attr(out, "at", at);
	write_attr(out, "author", e->author);
	if (e->kind == SD_ENTRY_COMMENT) {
		write_attr(out, "visibility", e->internal ? "internal" : "public");
		write_mail_attrs(out, e);
		sd_buf_adds(out, " -->\n### ");
		entry_display_name(out, e->author);
		sd_buf_printf(out, " · %s%s\n", human, e->internal ? " · internal" : "");
		if (*e->body) {
			sd_buf_addch(out, '\n');
			write_escaped_text(out, e->body);
		}
		return;
	}
	write_attr(out, "field", e->field);
	write_attr(out, "from", e->from);
	write_attr(out, "to", e->to);
	if (*e->reason)
		write_attr(out, "reason", e->reason);
	write_mail_attrs(out, e);
	sd_buf_adds(out, " -->\n- **");
	single_line(out, e->field);
	sd_buf_adds(out, "**: ");
	single_line(out, *e->from ? e->from : "(none)");
	sd_buf_adds(out, " → ");
	single_line(out, *e->to ? e->to : "(none)");
	sd_buf_adds(out, " · ");
	entry_display_name(out, e->author);
	sd_buf_printf(out, " · %s", human);
	if (*e->reason) {
		sd_buf_adds(out, " — ");
		single_line(out, e->reason);
	}
	sd_buf_addch(out, '\n');
}

/* ---- body ---- */

static sd_error *finish_comment(struct sd_entry *e, struct sd_buf *body, const char *path)
{
	char *trimmed = sd_text_trim_lines(body->data);
	sd_buf_reset(body);
	if (strlen(trimmed) > SD_TEXT_MAX_BYTES) {
		free(trimmed);
		return at_line(path, e->line, "comment is larger than 1 MiB");
	}
	e->body = trimmed;
	return NULL;
}

/* Reads the timeline: everything after the timeline marker. */
static sd_error *parse_timeline(struct sd_ticket *t, struct lines *l, const char *path)
{
	struct sd_buf text = SD_BUF_INIT;
	const char *line;
	size_t len;
	sd_error *err = NULL;
	int seen_heading = 0;
	struct sd_entry *cur = NULL;
	size_t cap = t->nentries;

	while (next_line(l, &line, &len)) {
		if (line_starts(line, len, MARKER_PREFIX)) {
			if (cur && cur->kind == SD_ENTRY_COMMENT &&
			    (err = finish_comment(cur, &text, path)))
				goto done;
			/* Doubling: a file may hold tens of thousands of entries,
			 * and realloc need not grow a block in place. */
			if (t->nentries == cap) {
				cap = cap ? 2 * cap : 16;
				t->entries = sd_xrealloc(t->entries, cap * sizeof(*t->entries));
			}
			cur = &t->entries[t->nentries];
			err = parse_marker(cur, line, len, path, l->lineno);
			t->nentries++; /* counted even on error so that free releases it */
			if (err)
				goto done;
			/* The display line sd writes after the marker is derived
			 * from the marker and skipped. */
			struct lines peek = *l;
			const char *next;
			size_t nlen;
			if (next_line(&peek, &next, &nlen) &&
			    line_starts(next, nlen, cur->kind == SD_ENTRY_COMMENT ? "### " : "- "))
				*l = peek;
			continue;
		}
		if (!cur) {
			if (line_blank(line, len))
				continue;
			if (!seen_heading && line_is(line, len, TIMELINE_HEADING)) {
				seen_heading = 1;
				continue;
			}
			err = at_line(path, l->lineno,
				      "text in the timeline outside an entry; "
				      "add comments with 'sd comment'");
			goto done;
		}
		if (cur->kind == SD_ENTRY_EVENT) {
			if (line_blank(line, len))
				continue;
			err = at_line(path, l->lineno,
				      "text after an event entry; "
				      "comments need their own '<!-- sd:comment ... -->' marker");
			goto done;
		}
		add_text_line(&text, line, len);
	}
	if (cur && cur->kind == SD_ENTRY_COMMENT)
		err = finish_comment(cur, &text, path);
done:
	/* Comments cut short by an error still need a body to free. */
	for (size_t i = 0; i < t->nentries; i++)
		if (t->entries[i].kind == SD_ENTRY_COMMENT && !t->entries[i].body)
			t->entries[i].body = sd_xstrdup("");
	sd_buf_release(&text);
	return err;
}

/* The description ends at the timeline marker; it is parsed in a first
 * pass so that parse_body sees only the timeline. */
static sd_error *split_description(struct sd_ticket *t, struct lines *l, const char *path)
{
	struct sd_buf text = SD_BUF_INIT;
	const char *line;
	size_t len;
	size_t first = l->lineno + 1;
	struct lines save = *l;
	sd_error *err = NULL;
	int found = 0;
	while (next_line(l, &line, &len)) {
		if (line_is(line, len, TIMELINE_MARKER)) {
			found = 1;
			break;
		}
		if (line_starts(line, len, MARKER_PREFIX)) {
			err = at_line(path, l->lineno, "entry marker before '" TIMELINE_MARKER "'");
			goto done;
		}
		add_text_line(&text, line, len);
	}
	free(t->description);
	t->description = sd_text_trim_lines(text.data);
	if (strlen(t->description) > SD_TEXT_MAX_BYTES) {
		err = at_line(path, first, "description is larger than 1 MiB");
		goto done;
	}
	if (!found)
		*l = (struct lines){ save.end, save.end, l->lineno };
done:
	sd_buf_release(&text);
	return err;
}

static sd_error *parse_ticket(struct sd_ticket *t, const char *text, size_t len, const char *path,
			      int fast);

sd_error *sd_ticket_parse(struct sd_ticket *t, const char *text, size_t len, const char *path)
{
	return parse_ticket(t, text, len, path, 1);
}

sd_error *sd_ticket_parse_reference(struct sd_ticket *t, const char *text, size_t len,
				    const char *path)
{
	return parse_ticket(t, text, len, path, 0);
}

static sd_error *parse_ticket(struct sd_ticket *t, const char *text, size_t len, const char *path,
			      int fast)
{
	sd_error *err = NULL;
	size_t bad;
	sd_ticket_init(t);

	if (len > SD_TICKET_READ_MAX_BYTES)
		return sd_error_invalid("%s:1: file is %zu bytes, more than the read limit of %u",
					path, len, SD_TICKET_READ_MAX_BYTES);
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		return sd_error_invalid("%s:1: file starts with a byte-order mark; "
					"save it as UTF-8 without BOM",
					path);
	const char *nul = memchr(text, '\0', len);
	const char *cr = memchr(text, '\r', len);
	int utf8_ok = sd_utf8_valid(text, len, &bad);
	if (nul || cr || !utf8_ok) {
		const char *at = nul ? nul : cr ? cr : text + bad;
		if (!utf8_ok && text + bad < at)
			at = text + bad;
		size_t line = 1;
		for (const char *p = text; p < at; p++)
			line += *p == '\n';
		if (at == nul)
			return sd_error_invalid("%s:%zu: file contains a NUL byte", path, line);
		if (at == cr)
			return sd_error_invalid("%s:%zu: file has CRLF (Windows) line endings; "
						"convert it to LF, e.g. with dos2unix",
						path, line);
		return sd_error_invalid("%s:%zu: file is not valid UTF-8", path, line);
	}

	struct lines l = { text, text + len, 0 };
	const char *line;
	size_t llen;
	if (!next_line(&l, &line, &llen) || !line_is(line, llen, "---"))
		return sd_error_invalid("%s:1: a ticket starts with a '---' line opening its "
					"YAML front matter",
					path);
	const char *fm = l.p;
	size_t fm_first = l.lineno + 1;
	const char *fm_end = NULL;
	while (next_line(&l, &line, &llen))
		if (line_is(line, llen, "---") || line_is(line, llen, "...")) {
			fm_end = line;
			break;
		}
	if (!fm_end)
		return sd_error_invalid("%s:1: the front matter is never closed; "
					"add a '---' line after it",
					path);
	if ((!(fast && fast_front_matter(t, fm, (size_t)(fm_end - fm), fm_first)) &&
	     (err = parse_front_matter(t, fm, (size_t)(fm_end - fm), fm_first, path))) ||
	    (err = split_description(t, &l, path)) || (err = parse_timeline(t, &l, path))) {
		sd_ticket_free(t);
		sd_ticket_init(t);
		return err;
	}
	/* Hand edits may reorder entries; the next write puts them back. */
	sd_ticket_sort_entries(t);
	return NULL;
}

/* ---- writing ---- */

static int yaml_special_word(const char *v)
{
	static const char *const words[] = {
		"null",	 "Null", "NULL", "~",	 "true", "True", "TRUE", "false", "False", "FALSE",
		"yes",	 "Yes",	 "YES",	 "no",	 "No",	 "NO",	 "on",	 "On",	  "ON",	   "off",
		"Off",	 "OFF",	 "y",	 "Y",	 "n",	 "N",	 ".inf", ".Inf",  ".INF",  "-.inf",
		"+.inf", ".nan", ".NaN", ".NAN", "<<",	 "=",	 NULL
	};
	return sd_value_index(words, v) >= 0;
}

static int looks_numeric(const char *v)
{
	if (!((*v >= '0' && *v <= '9') || *v == '+' || *v == '-' || *v == '.'))
		return 0;
	for (const char *p = v; *p; p++)
		if (!strchr("0123456789+-.:_eExXoObBabcdefABCDEF", *p))
			return 0;
	return 1;
}

/* Whether v can be written as a plain YAML scalar that every loader reads
 * back as the same string. In a flow list, ",[]{}" are also special. */
static int yaml_plain_ok(const char *v, int in_flow)
{
	size_t n = strlen(v);
	unsigned char c0 = (unsigned char)v[0];
	if (!n || v[0] == ' ' || v[n - 1] == ' ' || v[n - 1] == ':')
		return 0;
	if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z') || (c0 >= '0' && c0 <= '9') ||
	      c0 >= 0x80 || strchr("(/._$", c0)))
		return 0;
	if (yaml_special_word(v) || looks_numeric(v))
		return 0;
	if (strstr(v, ": ") || strstr(v, " #") || strstr(v, "\xe2\x80\xa8") ||
	    strstr(v, "\xe2\x80\xa9") || strstr(v, "\xc2\x85"))
		return 0;
	for (const char *p = v; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			return 0;
		if (in_flow && strchr(",[]{}", c))
			return 0;
		/* libyaml refuses ':' before one of ",?[]{}" inside a flow
		 * sequence ("found unexpected ':'"); the others are quoted
		 * already. */
		if (in_flow && c == ':' && p[1] == '?')
			return 0;
	}
	return 1;
}

void sd_yaml_write_scalar(struct sd_buf *out, const char *v, int in_flow)
{
	if (yaml_plain_ok(v, in_flow)) {
		sd_buf_adds(out, v);
		return;
	}
	sd_buf_addch(out, '"');
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\')
			sd_buf_addch(out, '\\'), sd_buf_addch(out, (char)*p);
		else if (*p == '\n')
			sd_buf_adds(out, "\\n");
		else if (*p == '\t')
			sd_buf_adds(out, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			sd_buf_printf(out, "\\x%02x", *p);
		else if (p[0] == 0xc2 && p[1] == 0x85)
			sd_buf_adds(out, "\\N"), p++;
		else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
			sd_buf_adds(out, p[2] == 0xa8 ? "\\L" : "\\P"), p += 2;
		else
			sd_buf_addch(out, (char)*p);
	}
	sd_buf_addch(out, '"');
}

void sd_ticket_write(const struct sd_ticket *t, struct sd_buf *out)
{
	sd_buf_adds(out, "---\n");
	for (int f = 0; f < SD_F_COUNT; f++) {
		const char *v = sd_ticket_get(t, (enum sd_field)f);
		if (sd_fields[f].optional && !*v)
			continue;
		sd_buf_adds(out, sd_fields[f].name);
		sd_buf_adds(out, ": ");
		if (f == SD_F_TAGS) {
			sd_buf_addch(out, '[');
			for (size_t i = 0; i < t->tags.n; i++) {
				if (i)
					sd_buf_adds(out, ", ");
				sd_yaml_write_scalar(out, t->tags.v[i], 1);
			}
			sd_buf_addch(out, ']');
		} else if (f == SD_F_INCIDENTS) {
			struct sd_strvec ids = SD_STRVEC_INIT;
			sd_ticket_incidents(t, &ids);
			sd_buf_addch(out, '[');
			for (size_t i = 0; i < ids.n; i++) {
				if (i)
					sd_buf_adds(out, ", ");
				sd_yaml_write_scalar(out, ids.v[i], 1);
			}
			sd_buf_addch(out, ']');
			sd_strvec_clear(&ids);
		} else if (f == SD_F_KNOWN_ERROR && sd_value_index(sd_booleans, v) >= 0) {
			sd_buf_adds(out, v); /* a YAML boolean, read back as its text */
		} else if (f == SD_F_CC) {
			/* The value is "a, b": each address a list item. */
			sd_buf_addch(out, '[');
			while (*v == ' ')
				v++;
			for (const char *p = v; *p;) {
				size_t n = strcspn(p, ",");
				char *one = sd_xstrndup(p, n);
				if (p != v)
					sd_buf_adds(out, ", ");
				sd_yaml_write_scalar(out, one, 1);
				free(one);
				p += n;
				while (*p == ',' || *p == ' ')
					p++;
			}
			sd_buf_addch(out, ']');
		} else if (f == SD_F_CREATED || f == SD_F_UPDATED) {
			sd_buf_adds(out, *v ? v : "\"\"");
		} else if (*v) {
			sd_yaml_write_scalar(out, v, 0);
		} else {
			sd_buf_adds(out, "\"\"");
		}
		sd_buf_addch(out, '\n');
	}
	for (size_t i = 0; i < t->nextra; i++)
		sd_buf_adds(out, t->extra[i].raw);
	sd_buf_adds(out, "---\n");
	if (*t->description) {
		sd_buf_addch(out, '\n');
		write_escaped_text(out, t->description);
	}
	/* The marker is written even with no entries, so a person editing
	 * the file sees where the timeline goes. */
	sd_buf_adds(out, "\n" TIMELINE_MARKER "\n" TIMELINE_HEADING "\n");
	for (size_t i = 0; i < t->nentries; i++) {
		sd_buf_addch(out, '\n');
		write_entry(out, &t->entries[i]);
	}
}
