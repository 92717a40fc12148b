/* SPDX-License-Identifier: MIT */
/* A strict JSON reader; the rules are in include/sd/json.h. */

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sd/buf.h"
#include "sd/json.h"
#include "sd/text.h"
#include "sd/util.h"

struct parser {
	const char *s;
	size_t len, i;
	/* The first error: where and what. */
	size_t err_pos;
	char err[200];
	int failed;
};

static int fail_at(struct parser *p, size_t pos, const char *fmt, ...) SD_PRINTF(3, 4);

static int fail_at(struct parser *p, size_t pos, const char *fmt, ...)
{
	if (!p->failed) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(p->err, sizeof(p->err), fmt, ap);
		va_end(ap);
		p->err_pos = pos;
		p->failed = 1;
	}
	return -1;
}

/* Names the byte at i for a message: 'x', or a hex byte, or the end. */
static int fail_unexpected(struct parser *p, const char *wanted)
{
	if (p->i >= p->len)
		return fail_at(p, p->i, "unexpected end of input; expected %s", wanted);
	unsigned char c = (unsigned char)p->s[p->i];
	if (c > 0x20 && c < 0x7f)
		return fail_at(p, p->i, "unexpected '%c'; expected %s", c, wanted);
	return fail_at(p, p->i, "unexpected byte 0x%02x; expected %s", c, wanted);
}

static void skip_ws(struct parser *p)
{
	while (p->i < p->len) {
		char c = p->s[p->i];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->i++;
	}
}

static int hex4(struct parser *p, size_t at, uint32_t *out)
{
	uint32_t v = 0;
	if (p->len - at < 4)
		return fail_at(p, at, "a \\u escape needs four hex digits");
	for (size_t k = 0; k < 4; k++) {
		char c = p->s[at + k];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return fail_at(p, at, "a \\u escape needs four hex digits");
		v = v * 16 + (uint32_t)d;
	}
	*out = v;
	return 0;
}

/* Reads the string starting at the opening quote at p->i. */
static int parse_string(struct parser *p, char **out, size_t *outlen)
{
	struct sd_buf b = SD_BUF_INIT;
	size_t start = p->i++;
	for (;;) {
		/* Copy runs of plain bytes at once. */
		size_t run = p->i;
		while (run < p->len) {
			unsigned char c = (unsigned char)p->s[run];
			if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80)
				break;
			run++;
		}
		sd_buf_add(&b, p->s + p->i, run - p->i);
		p->i = run;
		if (p->i >= p->len) {
			fail_at(p, start, "unterminated string");
			goto bad;
		}
		unsigned char c = (unsigned char)p->s[p->i];
		if (c == '"') {
			p->i++;
			break;
		}
		if (c >= 0x80) {
			uint32_t cp;
			size_t n = sd_utf8_decode(p->s + p->i, p->len - p->i, &cp);
			if (!n) {
				fail_at(p, p->i, "invalid UTF-8 in a string");
				goto bad;
			}
			sd_buf_add(&b, p->s + p->i, n);
			p->i += n;
			continue;
		}
		if (c < 0x20) {
			fail_at(p, p->i,
				"raw control character U+%04X in a string; write it as \\u%04x", c,
				c);
			goto bad;
		}
		/* A backslash escape. */
		size_t esc = p->i;
		if (++p->i >= p->len) {
			fail_at(p, start, "unterminated string");
			goto bad;
		}
		char e = p->s[p->i++];
		switch (e) {
		case '"':
			sd_buf_addch(&b, '"');
			break;
		case '\\':
			sd_buf_addch(&b, '\\');
			break;
		case '/':
			sd_buf_addch(&b, '/');
			break;
		case 'b':
			sd_buf_addch(&b, '\b');
			break;
		case 'f':
			sd_buf_addch(&b, '\f');
			break;
		case 'n':
			sd_buf_addch(&b, '\n');
			break;
		case 'r':
			sd_buf_addch(&b, '\r');
			break;
		case 't':
			sd_buf_addch(&b, '\t');
			break;
		case 'u': {
			uint32_t cp, lo;
			if (hex4(p, p->i, &cp) < 0)
				goto bad;
			p->i += 4;
			if (cp == 0) {
				fail_at(p, esc, "\\u0000 (NUL) is not allowed in a string");
				goto bad;
			}
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				fail_at(p, esc, "lone low surrogate \\u%04x", cp);
				goto bad;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (p->len - p->i < 6 || p->s[p->i] != '\\' ||
				    p->s[p->i + 1] != 'u' || hex4(p, p->i + 2, &lo) < 0 ||
				    lo < 0xdc00 || lo > 0xdfff) {
					p->failed = 0; /* replace a hex-digit complaint */
					fail_at(p, esc,
						"lone high surrogate \\u%04x; a surrogate pair "
						"needs its low half next",
						cp);
					goto bad;
				}
				p->i += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			sd_utf8_put(&b, cp);
			break;
		}
		default:
			if ((unsigned char)e > 0x20 && (unsigned char)e < 0x7f)
				fail_at(p, esc, "invalid escape '\\%c' in a string", e);
			else
				fail_at(p, esc, "invalid escape in a string");
			goto bad;
		}
	}
	*outlen = b.len;
	*out = sd_buf_detach(&b);
	return 0;
bad:
	sd_buf_release(&b);
	return -1;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int parse_number(struct parser *p, struct sd_json *v)
{
	size_t start = p->i, i = p->i;
	if (i < p->len && p->s[i] == '-')
		i++;
	if (i >= p->len || !is_digit(p->s[i]))
		return fail_at(p, start, "invalid number");
	if (p->s[i] == '0') {
		i++;
		if (i < p->len && is_digit(p->s[i]))
			return fail_at(p, start, "numbers may not have leading zeros");
	} else {
		while (i < p->len && is_digit(p->s[i]))
			i++;
	}
	if (i < p->len && p->s[i] == '.') {
		i++;
		if (i >= p->len || !is_digit(p->s[i]))
			return fail_at(p, start, "invalid number: a digit must follow '.'");
		while (i < p->len && is_digit(p->s[i]))
			i++;
	}
	if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
		i++;
		if (i < p->len && (p->s[i] == '+' || p->s[i] == '-'))
			i++;
		if (i >= p->len || !is_digit(p->s[i]))
			return fail_at(p, start,
				       "invalid number: a digit must follow the exponent");
		while (i < p->len && is_digit(p->s[i]))
			i++;
	}
	char *lit = sd_xstrndup(p->s + start, i - start);
	double d = strtod(lit, NULL);
	if (!isfinite(d)) {
		free(lit);
		return fail_at(p, start, "number out of range");
	}
	v->type = SD_JSON_NUMBER;
	v->str = lit;
	v->len = i - start;
	v->number = d;
	p->i = i;
	return 0;
}

static void release(struct sd_json *v);

static int parse_value(struct parser *p, struct sd_json *v, int depth);

/* A key given twice would make one of its values vanish unseen. Small
 * objects are compared pairwise, large ones sorted, so that a hostile
 * object with many keys costs n log n. */
static int check_duplicates(struct parser *p, const struct sd_json *obj)
{
	const struct sd_json_member *dup = NULL;
	if (obj->n <= 16) {
		for (size_t i = 1; i < obj->n && !dup; i++)
			for (size_t j = 0; j < i; j++)
				if (!strcmp(obj->members[i].key, obj->members[j].key)) {
					dup = &obj->members[i];
					break;
				}
	} else {
		struct sd_keyed *keys = sd_xmalloc(obj->n * sizeof(*keys));
		unsigned char *repeat = sd_xmalloc(obj->n);
		for (size_t i = 0; i < obj->n; i++)
			keys[i] = (struct sd_keyed){ obj->members[i].key, obj->members[i].pos };
		sd_mark_repeats(keys, obj->n, repeat);
		for (size_t i = 0; i < obj->n; i++)
			if (repeat[i] && (!dup || obj->members[i].pos < dup->pos))
				dup = &obj->members[i];
		free(keys);
		free(repeat);
	}
	if (!dup)
		return 0;
	return fail_at(p, dup->pos, "key \"%.60s\" appears twice in an object", dup->key);
}

static int parse_object(struct parser *p, struct sd_json *v, int depth)
{
	size_t alloc = 0;
	v->type = SD_JSON_OBJECT;
	p->i++;
	skip_ws(p);
	if (p->i < p->len && p->s[p->i] == '}') {
		p->i++;
		return 0;
	}
	for (;;) {
		if (p->i >= p->len || p->s[p->i] != '"') {
			if (p->i < p->len && p->s[p->i] == '}' && v->n)
				return fail_at(p, p->i, "trailing comma before '}'");
			return fail_unexpected(p, "a key in double quotes");
		}
		if (v->n == alloc) {
			alloc = alloc ? alloc * 2 : 8;
			v->members = sd_xrealloc(v->members, alloc * sizeof(*v->members));
		}
		struct sd_json_member *m = &v->members[v->n];
		memset(m, 0, sizeof(*m));
		m->pos = p->i;
		size_t klen;
		if (parse_string(p, &m->key, &klen) < 0)
			return -1;
		v->n++; /* counted now, so that release frees the key */
		skip_ws(p);
		if (p->i >= p->len || p->s[p->i] != ':')
			return fail_unexpected(p, "':' after the key");
		p->i++;
		skip_ws(p);
		if (parse_value(p, &m->value, depth + 1) < 0)
			return -1;
		skip_ws(p);
		if (p->i < p->len && p->s[p->i] == ',') {
			p->i++;
			skip_ws(p);
			continue;
		}
		if (p->i < p->len && p->s[p->i] == '}') {
			p->i++;
			return check_duplicates(p, v);
		}
		return fail_unexpected(p, "',' or '}'");
	}
}

static int parse_array(struct parser *p, struct sd_json *v, int depth)
{
	size_t alloc = 0;
	v->type = SD_JSON_ARRAY;
	p->i++;
	skip_ws(p);
	if (p->i < p->len && p->s[p->i] == ']') {
		p->i++;
		return 0;
	}
	for (;;) {
		if (p->i < p->len && p->s[p->i] == ']' && v->n)
			return fail_at(p, p->i, "trailing comma before ']'");
		if (v->n == alloc) {
			alloc = alloc ? alloc * 2 : 8;
			v->items = sd_xrealloc(v->items, alloc * sizeof(*v->items));
		}
		struct sd_json *item = &v->items[v->n];
		memset(item, 0, sizeof(*item));
		v->n++;
		if (parse_value(p, item, depth + 1) < 0)
			return -1;
		skip_ws(p);
		if (p->i < p->len && p->s[p->i] == ',') {
			p->i++;
			skip_ws(p);
			continue;
		}
		if (p->i < p->len && p->s[p->i] == ']') {
			p->i++;
			return 0;
		}
		return fail_unexpected(p, "',' or ']'");
	}
}

static int literal(struct parser *p, const char *word, enum sd_json_type type, struct sd_json *v)
{
	size_t n = strlen(word);
	if (p->len - p->i < n || memcmp(p->s + p->i, word, n))
		return fail_unexpected(p, "a JSON value");
	v->type = type;
	p->i += n;
	return 0;
}

static int parse_value(struct parser *p, struct sd_json *v, int depth)
{
	memset(v, 0, sizeof(*v));
	v->pos = p->i;
	if (p->i >= p->len)
		return fail_unexpected(p, "a JSON value");
	char c = p->s[p->i];
	if ((c == '{' || c == '[') && depth >= SD_JSON_MAX_DEPTH)
		return fail_at(p, p->i, "nested deeper than %d levels", SD_JSON_MAX_DEPTH);
	switch (c) {
	case '{':
		return parse_object(p, v, depth);
	case '[':
		return parse_array(p, v, depth);
	case '"':
		v->type = SD_JSON_STRING;
		return parse_string(p, &v->str, &v->len);
	case 't':
		return literal(p, "true", SD_JSON_TRUE, v);
	case 'f':
		return literal(p, "false", SD_JSON_FALSE, v);
	case 'n':
		return literal(p, "null", SD_JSON_NULL, v);
	default:
		if (c == '-' || is_digit(c))
			return parse_number(p, v);
		return fail_unexpected(p, "a JSON value");
	}
}

static void release(struct sd_json *v)
{
	free(v->str);
	for (size_t i = 0; v->items && i < v->n; i++)
		release(&v->items[i]);
	free(v->items);
	for (size_t i = 0; v->members && i < v->n; i++) {
		free(v->members[i].key);
		release(&v->members[i].value);
	}
	free(v->members);
	memset(v, 0, sizeof(*v));
}

void sd_json_free(struct sd_json *v)
{
	if (!v)
		return;
	release(v);
	free(v);
}

void sd_json_position(const char *text, size_t len, size_t pos, size_t *line, size_t *column)
{
	size_t l = 1, c = 1;
	if (pos > len)
		pos = len;
	for (size_t i = 0; i < pos; i++) {
		unsigned char b = (unsigned char)text[i];
		if (b == '\n')
			l++, c = 1;
		else if ((b & 0xc0) != 0x80)
			c++;
	}
	*line = l;
	*column = c;
}

sd_error *sd_json_parse(struct sd_json **out, const char *text, size_t len, size_t *err_line)
{
	struct parser p;
	struct sd_json *v = sd_xcalloc(1, sizeof(*v));
	memset(&p, 0, sizeof(p));
	p.s = text;
	p.len = len;
	*out = NULL;
	if (err_line)
		*err_line = 1;
	if (len > SD_JSON_MAX_BYTES) {
		free(v);
		return sd_error_invalid("column 1: JSON text of %zu bytes is larger than the limit "
					"of %u",
					len, SD_JSON_MAX_BYTES);
	}
	skip_ws(&p);
	if (parse_value(&p, v, 0) == 0) {
		skip_ws(&p);
		if (p.i < p.len)
			fail_at(&p, p.i, "unexpected text after the JSON value");
	}
	if (p.failed) {
		size_t line, col;
		sd_json_position(text, len, p.err_pos, &line, &col);
		if (err_line)
			*err_line = line;
		sd_json_free(v);
		return sd_error_invalid("column %zu: %s", col, p.err);
	}
	*out = v;
	return NULL;
}

const struct sd_json *sd_json_get(const struct sd_json *v, const char *key)
{
	if (!v || v->type != SD_JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->members[i].key, key))
			return &v->members[i].value;
	return NULL;
}

const char *sd_json_type_name(enum sd_json_type type)
{
	switch (type) {
	case SD_JSON_NULL:
		return "null";
	case SD_JSON_FALSE:
	case SD_JSON_TRUE:
		return "a boolean";
	case SD_JSON_NUMBER:
		return "a number";
	case SD_JSON_STRING:
		return "a string";
	case SD_JSON_ARRAY:
		return "an array";
	case SD_JSON_OBJECT:
		return "an object";
	}
	return "a value";
}
