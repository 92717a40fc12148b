/* SPDX-License-Identifier: MIT */
/* RFC 4180 comma-separated values; the rules are in include/sd/csv.h. */

#include <stdlib.h>
#include <string.h>

#include "sd/csv.h"
#include "sd/util.h"

struct reader {
	const char *s;
	size_t len, i;
	size_t line; /* of s[i] */
};

/* The record being read: its fields, and the first thing wrong with it. */
struct record {
	char **fields;
	size_t n, alloc;
	const char *bad; /* a message, or NULL */
};

static void bad(struct record *r, const char *why)
{
	if (!r->bad)
		r->bad = why;
}

static void push_field(struct record *r, struct sd_buf *b)
{
	if (r->n == SD_CSV_MAX_FIELDS) {
		bad(r, "more than 4096 fields");
		sd_buf_reset(b);
		return;
	}
	if (r->n == r->alloc) {
		r->alloc = r->alloc ? r->alloc * 2 : 16;
		r->fields = sd_xrealloc(r->fields, r->alloc * sizeof(*r->fields));
	}
	r->fields[r->n++] = sd_buf_detach(b);
}

static void free_fields(char **fields, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(fields[i]);
	free(fields);
}

/* At a record's end: LF, CR LF, or the end of the input. */
static int at_end_of_record(const struct reader *rd)
{
	return rd->i >= rd->len || rd->s[rd->i] == '\n' ||
		(rd->s[rd->i] == '\r' && rd->i + 1 < rd->len && rd->s[rd->i + 1] == '\n');
}

/* Reads unquoted text up to a comma or the end of the record into b. */
static void read_bare(struct reader *rd, struct record *r, struct sd_buf *b)
{
	size_t start = rd->i;
	while (rd->i < rd->len && rd->s[rd->i] != ',' && !at_end_of_record(rd)) {
		char c = rd->s[rd->i];
		if (c == '"')
			bad(r,
			    "a '\"' inside an unquoted field; quote the whole field and double "
			    "the quotes in it");
		else if (c == '\0')
			bad(r, "a NUL byte");
		rd->i++;
	}
	sd_buf_add(b, rd->s + start, rd->i - start);
}

/* Reads a quoted field, its opening quote at rd->i, into b. Returns -1
 * when the input ends inside it. */
static int read_quoted(struct reader *rd, struct record *r, struct sd_buf *b)
{
	rd->i++;
	for (;;) {
		size_t start = rd->i;
		while (rd->i < rd->len && rd->s[rd->i] != '"' && rd->s[rd->i] != '\n' &&
		       rd->s[rd->i] != '\r' && rd->s[rd->i] != '\0')
			rd->i++;
		sd_buf_add(b, rd->s + start, rd->i - start);
		if (rd->i >= rd->len)
			return -1;
		char c = rd->s[rd->i];
		if (c == '"') {
			if (rd->i + 1 < rd->len && rd->s[rd->i + 1] == '"') {
				sd_buf_addch(b, '"');
				rd->i += 2;
				continue;
			}
			rd->i++;
			break;
		}
		if (c == '\r' && rd->i + 1 < rd->len && rd->s[rd->i + 1] == '\n') {
			sd_buf_addch(b, '\n');
			rd->i += 2;
			rd->line++;
		} else {
			if (c == '\n')
				rd->line++;
			else if (c == '\0')
				bad(r, "a NUL byte");
			sd_buf_addch(b, c);
			rd->i++;
		}
	}
	if (rd->i < rd->len && rd->s[rd->i] != ',' && !at_end_of_record(rd)) {
		/* Kept as text so the record ends where it would anyway. */
		bad(r,
		    "text after the closing quote of a field; quote the whole field and "
		    "double the quotes in it");
		read_bare(rd, r, b);
	}
	return 0;
}

sd_error *sd_csv_parse(struct sd_csv *out, const char *data, size_t len, size_t *err_line)
{
	struct reader rd = { data, len, 0, 1 };
	struct sd_buf field = SD_BUF_INIT;
	size_t alloc = 0;
	out->records = NULL;
	out->n = 0;
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		rd.i = 3;
	while (rd.i < rd.len) {
		/* Empty lines separate nothing. */
		if (data[rd.i] == '\n') {
			rd.i++, rd.line++;
			continue;
		}
		if (data[rd.i] == '\r' && rd.i + 1 < len && data[rd.i + 1] == '\n') {
			rd.i += 2, rd.line++;
			continue;
		}
		struct record r = { NULL, 0, 0, NULL };
		size_t start_line = rd.line;
		for (;;) {
			if (rd.i < len && data[rd.i] == '"') {
				size_t open_line = rd.line;
				if (read_quoted(&rd, &r, &field) < 0) {
					sd_error *err = sd_error_invalid(
						"a quoted field opens here and is never closed");
					if (err_line)
						*err_line = open_line;
					free_fields(r.fields, r.n);
					sd_buf_release(&field);
					sd_csv_release(out);
					return err;
				}
			} else {
				read_bare(&rd, &r, &field);
			}
			push_field(&r, &field);
			if (rd.i < len && data[rd.i] == ',') {
				rd.i++;
				continue;
			}
			/* The end of the record. */
			if (rd.i < len)
				rd.i += data[rd.i] == '\r' ? 2 : 1;
			rd.line++;
			break;
		}
		if (out->n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			out->records = sd_xrealloc(out->records, alloc * sizeof(*out->records));
		}
		struct sd_csv_record *rec = &out->records[out->n++];
		rec->line = start_line;
		if (r.bad) {
			rec->err = sd_error_invalid("%s", r.bad);
			rec->n = 0;
			rec->fields = NULL;
			free_fields(r.fields, r.n);
		} else {
			rec->err = NULL;
			rec->n = r.n;
			rec->fields = r.fields;
		}
	}
	sd_buf_release(&field);
	return NULL;
}

void sd_csv_release(struct sd_csv *csv)
{
	for (size_t i = 0; i < csv->n; i++) {
		free_fields(csv->records[i].fields, csv->records[i].n);
		sd_error_free(csv->records[i].err);
	}
	free(csv->records);
	csv->records = NULL;
	csv->n = 0;
}

/* Whether s, past any "'", starts like a formula (see csv.h). */
static int formula_like(const char *s)
{
	while (*s == '\'')
		s++;
	return *s && strchr("=+-@\t\r", *s);
}

static void field(struct sd_buf *out, const char *s, int neutralise)
{
	size_t n = strlen(s);
	const char *prefix = neutralise && formula_like(s) ? "'" : "";
	int quote = n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t');
	if (!quote && strpbrk(s, ",\"\r\n"))
		quote = 1;
	if (!quote) {
		sd_buf_adds(out, prefix);
		sd_buf_add(out, s, n);
		return;
	}
	sd_buf_addch(out, '"');
	sd_buf_adds(out, prefix);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			sd_buf_addch(out, '"');
		sd_buf_addch(out, *p);
	}
	sd_buf_addch(out, '"');
}

void sd_csv_field(struct sd_buf *out, const char *s)
{
	field(out, s, 1);
}

void sd_csv_field_raw(struct sd_buf *out, const char *s)
{
	field(out, s, 0);
}

const char *sd_csv_unneutralise(const char *cell)
{
	return cell[0] == '\'' && formula_like(cell) ? cell + 1 : cell;
}
