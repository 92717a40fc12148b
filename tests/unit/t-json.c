/* SPDX-License-Identifier: MIT */
/* The strict JSON reader: what it accepts, what it refuses and where. */

#include <stdlib.h>

#include "sd/json.h"
#include "sd/text.h"
#include "sd/util.h"
#include "unit.h"

/* A canonical rendering of a tree, to compare with expected text:
 * strings in JSON form, numbers as written, no blanks. */
static void render(struct sd_buf *out, const struct sd_json *v)
{
	switch (v->type) {
	case SD_JSON_NULL:
		sd_buf_adds(out, "null");
		break;
	case SD_JSON_TRUE:
		sd_buf_adds(out, "true");
		break;
	case SD_JSON_FALSE:
		sd_buf_adds(out, "false");
		break;
	case SD_JSON_NUMBER:
		sd_buf_adds(out, v->str);
		break;
	case SD_JSON_STRING:
		sd_json_string(out, v->str);
		break;
	case SD_JSON_ARRAY:
		sd_buf_addch(out, '[');
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				sd_buf_addch(out, ',');
			render(out, &v->items[i]);
		}
		sd_buf_addch(out, ']');
		break;
	case SD_JSON_OBJECT:
		sd_buf_addch(out, '{');
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				sd_buf_addch(out, ',');
			sd_json_string(out, v->members[i].key);
			sd_buf_addch(out, ':');
			render(out, &v->members[i].value);
		}
		sd_buf_addch(out, '}');
		break;
	}
}

/* Parses exactly len bytes from a buffer of that size, with no NUL after
 * it, so that the sanitizers catch any read past the end. */
static sd_error *parse_exact(struct sd_json **out, const char *text, size_t len, size_t *line)
{
	char *copy = sd_xmalloc(len ? len : 1);
	memcpy(copy, text, len);
	sd_error *err = sd_json_parse(out, copy, len, line);
	/* Strings in the tree are copies: the input may go now. */
	free(copy);
	return err;
}

static void test_valid(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "null", "null" },
		{ " true ", "true" },
		{ "\tfalse\r\n", "false" },
		{ "0", "0" },
		{ "-0", "-0" },
		{ "12.5e-3", "12.5e-3" },
		{ "1E+2", "1E+2" },
		{ "\"\"", "\"\"" },
		{ "\"a\\\"b\\\\c\\/d\"", "\"a\\\"b\\\\c/d\"" },
		{ "\"\\b\\f\\n\\r\\t\"", "\"\\b\\f\\n\\r\\t\"" },
		{ "\"\\u00e9\\u20AC\"", "\"\xc3\xa9\xe2\x82\xac\"" },
		{ "\"\\ud83d\\ude00\"", "\"\xf0\x9f\x98\x80\"" },
		{ "\"\xf0\x9f\x98\x80 raw\"", "\"\xf0\x9f\x98\x80 raw\"" },
		{ "\"\\u001b\"", "\"\\u001b\"" },
		{ "[]", "[]" },
		{ "[ 1 , [ 2 , [ ] ] ]", "[1,[2,[]]]" },
		{ "{}", "{}" },
		{ "{ \"a\" : 1 , \"b\" : { \"c\" : [ null ] } }",
		  "{\"a\":1,\"b\":{\"c\":[null]}}" },
		{ "{\"b\":1,\"a\":2}", "{\"b\":1,\"a\":2}" },
		{ "{\"\":\"empty key\"}", "{\"\":\"empty key\"}" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct sd_json *v = NULL;
		sd_error *err = parse_exact(&v, cases[i].in, strlen(cases[i].in), NULL);
		CHECK(!err, "'%s' parses: %s", cases[i].in, err ? err->msg : "");
		if (!err) {
			struct sd_buf b = SD_BUF_INIT;
			render(&b, v);
			CHECK_STR(cases[i].out, b.data, cases[i].in);
			sd_buf_release(&b);
		}
		sd_error_free(err);
		sd_json_free(v);
	}

	struct sd_json *v = NULL;
	sd_error *err = sd_json_parse(&v, "{\"n\": 2.5, \"s\": \"x\\u0041\"}", 26, NULL);
	CHECK(!err, "object parses");
	if (!err) {
		const struct sd_json *n = sd_json_get(v, "n"), *s = sd_json_get(v, "s");
		CHECK(n && n->type == SD_JSON_NUMBER && n->number == 2.5, "number value");
		CHECK(s && s->type == SD_JSON_STRING && s->len == 2 && !strcmp(s->str, "xA"),
		      "string value");
		CHECK(sd_json_get(v, "missing") == NULL, "missing key is NULL");
		CHECK(sd_json_get(n, "n") == NULL, "get on a non-object is NULL");
		CHECK(v->members[1].pos == 11, "key position is its byte offset (%zu)",
		      v->members[1].pos);
	}
	sd_json_free(v);
	sd_json_free(NULL);
}

static void test_invalid(void)
{
	static const struct {
		const char *in;
		size_t len; /* 0: strlen */
		size_t line, column;
		const char *msg; /* part of the message */
	} cases[] = {
		{ "", 0, 1, 1, "unexpected end of input" },
		{ "   ", 0, 1, 4, "unexpected end of input" },
		{ "nul", 0, 1, 1, "expected a JSON value" },
		{ "True", 0, 1, 1, "unexpected 'T'" },
		{ "'a'", 0, 1, 1, "unexpected '''" },
		{ "01", 0, 1, 1, "leading zeros" },
		{ "-", 0, 1, 1, "invalid number" },
		{ "1.", 0, 1, 1, "a digit must follow '.'" },
		{ ".5", 0, 1, 1, "unexpected '.'" },
		{ "1e", 0, 1, 1, "exponent" },
		{ "+1", 0, 1, 1, "unexpected '+'" },
		{ "1e999", 0, 1, 1, "out of range" },
		{ "NaN", 0, 1, 1, "unexpected 'N'" },
		{ "[1,]", 0, 1, 4, "trailing comma before ']'" },
		{ "{\"a\":1,}", 0, 1, 8, "trailing comma before '}'" },
		{ "[1 2]", 0, 1, 4, "expected ',' or ']'" },
		{ "{\"a\" 1}", 0, 1, 6, "':' after the key" },
		{ "{a:1}", 0, 1, 2, "a key in double quotes" },
		{ "{\"a\":1", 0, 1, 7, "expected ',' or '}'" },
		{ "[", 0, 1, 2, "unexpected end of input" },
		{ "{} {}", 0, 1, 4, "unexpected text after the JSON value" },
		{ "\"abc", 0, 1, 1, "unterminated string" },
		{ "\"a\\", 0, 1, 1, "unterminated string" },
		{ "\"a\tb\"", 0, 1, 3, "raw control character U+0009" },
		{ "\"a\nb\"", 0, 1, 3, "raw control character U+000A" },
		{ "\"\\x41\"", 0, 1, 2, "invalid escape '\\x'" },
		{ "\"\\u12\"", 0, 1, 4, "four hex digits" },
		{ "\"\\u0000\"", 0, 1, 2, "NUL" },
		{ "\"\\ud800\"", 0, 1, 2, "lone high surrogate" },
		{ "\"\\ud800\\u0041\"", 0, 1, 2, "lone high surrogate" },
		{ "\"\\ud800\\ud800\"", 0, 1, 2, "lone high surrogate" },
		{ "\"\\udc00\"", 0, 1, 2, "lone low surrogate" },
		{ "\"\xc0\x80\"", 0, 1, 2, "invalid UTF-8" },	      /* overlong NUL */
		{ "\"\xed\xa0\x80\"", 0, 1, 2, "invalid UTF-8" },     /* encoded surrogate */
		{ "\"\xf4\x90\x80\x80\"", 0, 1, 2, "invalid UTF-8" }, /* beyond U+10FFFF */
		{ "\"\xe2\x82\"", 0, 1, 2, "invalid UTF-8" },	      /* truncated */
		{ "\"\xff\"", 0, 1, 2, "invalid UTF-8" },
		{ "\"a\0b\"", 5, 1, 3, "raw control character U+0000" },
		{ "\xef\xbb\xbf{}", 0, 1, 1, "unexpected byte 0xef" },
		{ "[\n1,\n  x]", 0, 3, 3, "unexpected 'x'" },
		{ "[\"\xc3\xa9\xc3\xa9\", x]", 0, 1, 8,
		  "unexpected 'x'" }, /* columns count characters */
		{ "{\"a\":1,\"a\":2}", 0, 1, 8, "key \"a\" appears twice" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct sd_json *v = (struct sd_json *)1;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in), line = 0;
		sd_error *err = parse_exact(&v, cases[i].in, len, &line);
		CHECK(err && err->status == SD_EXIT_INVALID, "case %zu refused", i);
		CHECK(v == NULL, "case %zu: no tree on error", i);
		if (err) {
			char col[32];
			snprintf(col, sizeof(col), "column %zu: ", cases[i].column);
			CHECK(sd_starts_with(err->msg, col),
			      "case %zu: message '%s' starts with '%s'", i, err->msg, col);
			CHECK(strstr(err->msg, cases[i].msg) != NULL,
			      "case %zu: message '%s' has '%s'", i, err->msg, cases[i].msg);
			CHECK(line == cases[i].line, "case %zu: line %zu, want %zu", i, line,
			      cases[i].line);
		}
		sd_error_free(err);
	}
}

/* Depth and duplicate keys in large objects, built here. */
static void test_limits(void)
{
	struct sd_buf b = SD_BUF_INIT;
	struct sd_json *v = NULL;
	sd_error *err;
	for (int i = 0; i < SD_JSON_MAX_DEPTH; i++)
		sd_buf_addch(&b, '[');
	for (int i = 0; i < SD_JSON_MAX_DEPTH; i++)
		sd_buf_addch(&b, ']');
	err = sd_json_parse(&v, b.data, b.len, NULL);
	CHECK(!err, "%d levels of nesting are allowed", SD_JSON_MAX_DEPTH);
	sd_error_free(err);
	sd_json_free(v);
	sd_buf_reset(&b);
	for (int i = 0; i <= SD_JSON_MAX_DEPTH; i++)
		sd_buf_adds(&b, "{\"a\":");
	err = sd_json_parse(&v, b.data, b.len, NULL);
	CHECK(err && strstr(err->msg, "nested deeper"), "%d levels are refused: %s",
	      SD_JSON_MAX_DEPTH + 1, err ? err->msg : "accepted");
	sd_error_free(err);
	/* A deep hostile input costs no deep recursion. */
	sd_buf_reset(&b);
	for (int i = 0; i < 100000; i++)
		sd_buf_addch(&b, '[');
	err = sd_json_parse(&v, b.data, b.len, NULL);
	CHECK(err != NULL, "100000 open brackets are refused");
	sd_error_free(err);

	/* Many keys: the duplicate check sorts; the later one is named. */
	sd_buf_reset(&b);
	sd_buf_addch(&b, '{');
	for (int i = 0; i < 5000; i++)
		sd_buf_printf(&b, "%s\"k%d\":%d", i ? "," : "", i, i);
	sd_buf_addch(&b, '}');
	err = sd_json_parse(&v, b.data, b.len, NULL);
	CHECK(!err && v->n == 5000, "5000 distinct keys");
	if (!err)
		CHECK(sd_json_get(v, "k4999") && sd_json_get(v, "k4999")->number == 4999,
		      "get k4999");
	sd_error_free(err);
	sd_json_free(v);
	sd_buf_setlen(&b, b.len - 1);
	sd_buf_adds(&b, ",\"k17\":0,\"k3\":0}");
	err = sd_json_parse(&v, b.data, b.len, NULL);
	CHECK(err && strstr(err->msg, "key \"k17\" appears twice"), "duplicate among many: %s",
	      err ? err->msg : "accepted");
	sd_error_free(err);
	sd_buf_release(&b);

	size_t line, col;
	sd_json_position("ab\ncd\xc3\xa9x", 9, 7, &line, &col);
	CHECK(line == 2 && col == 4, "position: line %zu column %zu", line, col);
	CHECK(!strcmp(sd_json_type_name(SD_JSON_OBJECT), "an object"), "type names");
}

/* Mutated inputs must never crash or leak (run under the sanitizers). */
static void test_mutations(void)
{
	static const char seed[] =
		"{\"id\":\"7f3kq2m9xw4a\",\"tags\":[\"a\",\"b\"],\"n\":-1.5e3,\"t\":true,"
		"\"x\":null,\"s\":\"\\u00e9\\ud83d\\ude00\\n\",\"o\":{\"k\":[[],{}]}}";
	unsigned state = 12345;
	size_t parsed = 0, bad_utf8 = 0;
	for (int round = 0; round < 20000; round++) {
		char buf[sizeof(seed)];
		size_t len = sizeof(seed) - 1;
		memcpy(buf, seed, len);
		for (int k = 0; k < 1 + round % 4; k++) {
			if (!len)
				break;
			state = state * 1103515245u + 12345u;
			size_t at = (state >> 8) % len;
			state = state * 1103515245u + 12345u;
			switch ((state >> 16) % 3) {
			case 0:
				buf[at] = (char)(state >> 4);
				break;
			case 1:
				len = at;
				break;
			default:
				buf[at] = "{}[]\",:\\u0"[(state >> 5) % 11];
			}
		}
		struct sd_json *v = NULL;
		sd_error *err = parse_exact(&v, buf, len, NULL);
		parsed += err == NULL;
		if (!err) {
			struct sd_buf b = SD_BUF_INIT;
			render(&b, v);
			/* What was accepted is valid JSON and UTF-8 in every string. */
			bad_utf8 += !sd_utf8_valid(b.data, b.len, NULL);
			sd_buf_release(&b);
		}
		sd_error_free(err);
		sd_json_free(v);
	}
	CHECK(bad_utf8 == 0, "mutations: every accepted string is UTF-8 (%zu were not)", bad_utf8);
	CHECK(parsed > 0 && parsed < 20000, "mutations: some parse, some do not (%zu)", parsed);
}

int main(void)
{
	test_valid();
	test_invalid();
	test_limits();
	test_mutations();
	return unit_done("t-json");
}
