/* SPDX-License-Identifier: MIT */
#ifndef SD_JSON_H
#define SD_JSON_H

/*
 * A strict JSON reader (RFC 8259), for sd import.
 *
 * Strict means: one value and nothing after it but white space; no
 * comments, trailing commas, single quotes or bare words; strings must be
 * valid UTF-8 and may not hold raw control characters; \u escapes are
 * decoded to UTF-8, surrogate pairs joined, and a lone surrogate or a
 * \u0000 (which no sd string can hold) refused; a key may appear only once
 * per object, since a repeated key would silently lose one of the values;
 * nesting is limited to SD_JSON_MAX_DEPTH and the text to
 * SD_JSON_MAX_BYTES. Numbers follow the RFC grammar and must be finite.
 *
 * The reader has no global state and never prints: it takes bytes and a
 * length (no NUL terminator needed) and returns a tree or an error, so it
 * can be fuzzed directly.
 *
 * Ownership: sd_json_parse hands the whole tree to the caller, who frees
 * it with sd_json_free; every string in it belongs to the tree.
 */

#include <stddef.h>

#include "sd/error.h"

#define SD_JSON_MAX_DEPTH 64
#define SD_JSON_MAX_BYTES (64u << 20)

enum sd_json_type {
	SD_JSON_NULL,
	SD_JSON_FALSE,
	SD_JSON_TRUE,
	SD_JSON_NUMBER,
	SD_JSON_STRING,
	SD_JSON_ARRAY,
	SD_JSON_OBJECT
};

struct sd_json_member;

struct sd_json {
	enum sd_json_type type;
	size_t pos;    /* byte offset of the value in the parsed text */
	char *str;     /* STRING: the text, UTF-8 without NUL; NUMBER: the literal; else NULL */
	size_t len;    /* strlen(str) */
	double number; /* NUMBER */
	size_t n;      /* ARRAY: elements; OBJECT: members */
	struct sd_json *items;		/* ARRAY: the elements */
	struct sd_json_member *members; /* OBJECT: the members, in input order */
};

struct sd_json_member {
	char *key;  /* UTF-8 without NUL */
	size_t pos; /* byte offset of the key */
	struct sd_json value;
};

/* Parses text[0..len). On success *out is the tree (free it with
 * sd_json_free). On error *out is NULL and the error (status 2) reads
 * "column C: what is wrong", C counting characters from 1 on the line of
 * the problem; that line (from 1) goes to *err_line when err_line is not
 * NULL, so a caller reading a multi-line text can name it. */
sd_error *sd_json_parse(struct sd_json **out, const char *text, size_t len, size_t *err_line);
void sd_json_free(struct sd_json *v);

/* The member called key of an object, or NULL (also when v is not an
 * object). Linear in the number of members. */
const struct sd_json *sd_json_get(const struct sd_json *v, const char *key);
/* "null", "a number", "a string", ... for messages. */
const char *sd_json_type_name(enum sd_json_type type);
/* The line and column (both from 1; the column in characters) of byte
 * offset pos in text. */
void sd_json_position(const char *text, size_t len, size_t pos, size_t *line, size_t *column);

#endif
