/* SPDX-License-Identifier: MIT */
#ifndef SD_CSV_H
#define SD_CSV_H

/*
 * Comma-separated values as RFC 4180 describes them, for sd import and
 * sd export.
 *
 * Reading: fields are separated by commas and records by LF or CR LF; a
 * field may be enclosed in double quotes, and then holds commas, line
 * breaks and doubled quotes ("" for one "). A CR LF inside a quoted field
 * is read as LF: files with CRLF line endings use it for line breaks in
 * text too. A UTF-8 byte-order mark at the start is skipped, and empty
 * lines between records are ignored. A record may be malformed on its own
 * (a quote inside an unquoted field, text after a closing quote, a NUL
 * byte, too many fields): it is returned with an error, and reading goes
 * on with the next record. A quoted field still open at the end of the
 * input swallows the rest of it, so that is an error for the whole input.
 *
 * The reader has no global state and never prints, so it can be fuzzed
 * directly. Ownership: sd_csv_parse fills a struct sd_csv whose records,
 * fields and errors belong to it; release them with sd_csv_release.
 */

#include <stddef.h>

#include "sd/buf.h"
#include "sd/error.h"

#define SD_CSV_MAX_FIELDS 4096

struct sd_csv_record {
	size_t line;   /* physical line on which the record starts, from 1 */
	size_t n;      /* number of fields */
	char **fields; /* NUL-terminated; a field never holds a NUL byte */
	sd_error *err; /* a malformed record: what is wrong (status 2); n is then 0 */
};

struct sd_csv {
	struct sd_csv_record *records;
	size_t n;
};

/* Reads data[0..len). On error (status 2) *out is empty, and the line
 * the error concerns goes to *err_line when err_line is not NULL. */
sd_error *sd_csv_parse(struct sd_csv *out, const char *data, size_t len, size_t *err_line);
void sd_csv_release(struct sd_csv *csv);

/* Appends s as one field: as it is when it holds no comma, quote, CR or
 * LF and does not start or end with a blank, otherwise quoted with its
 * quotes doubled.
 *
 * A spreadsheet runs a cell that starts with '=', '+', '-' or '@' (and,
 * in some, tab or CR) as a formula, so a requester's title could make a
 * desk's spreadsheet fetch URLs or run commands. sd_csv_field neutralises
 * such a cell as OWASP recommends, with a leading "'", which spreadsheets
 * take as "text" and do not show; so that sd_csv_unneutralise can undo it
 * exactly, a cell of one or more "'" before one of those characters gets
 * one more too. sd_csv_field_raw writes s as it is, for programs. */
void sd_csv_field(struct sd_buf *out, const char *s);
void sd_csv_field_raw(struct sd_buf *out, const char *s);

/* The cell sd_csv_field neutralised, without its added "'": a pointer
 * into cell, which is returned itself when it has none. */
const char *sd_csv_unneutralise(const char *cell);

#endif
