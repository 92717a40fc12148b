/* SPDX-License-Identifier: MIT */
/* The CSV reader and field writer: records read from any bytes, written
 * back with sd_csv_field, read back the same. */

#include "fuzz.h"
#include "sd/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sd_csv a = { 0 }, b = { 0 };
	struct sd_buf out = SD_BUF_INIT;
	size_t line = 0;
	if (size > 256 * 1024)
		return 0;
	sd_error *err = sd_csv_parse(&a, (const char *)data, size, &line);
	if (err) {
		if (!err->msg[0])
			FUZZ_FAIL("an error without a message");
		sd_error_free(err);
		return 0;
	}
	/* A first record of its own, so a byte-order mark that a field
	 * starts with is not taken for the file's. Records that cannot come
	 * back as they are (an empty line is no record; CR LF in a field is
	 * read as LF) are left out. */
	sd_buf_adds(&out, "x\r\n");
	size_t kept = 0;
	size_t *which = calloc(a.n + 1, sizeof(*which));
	for (size_t i = 0; i < a.n; i++) {
		const struct sd_csv_record *r = &a.records[i];
		if (r->err) {
			if (!r->err->msg[0] || r->n)
				FUZZ_FAIL("record %zu: an error without a message, or with fields",
					  i);
			continue;
		}
		int skip = r->n == 1 && !r->fields[0][0];
		for (size_t f = 0; f < r->n; f++)
			skip |= strstr(r->fields[f], "\r\n") != NULL;
		if (skip)
			continue;
		for (size_t f = 0; f < r->n; f++) {
			if (f)
				sd_buf_addch(&out, ',');
			sd_csv_field(&out, r->fields[f]);
		}
		sd_buf_adds(&out, "\r\n");
		which[kept++] = i;
	}
	if ((err = sd_csv_parse(&b, out.data, out.len, &line)))
		FUZZ_FAIL("sd's own CSV does not parse: %s\n--- written\n%s", err->msg, out.data);
	if (b.n != kept + 1)
		FUZZ_FAIL("%zu records written, %zu read back\n--- written\n%s", kept, b.n - 1,
			  out.data);
	for (size_t k = 0; k < kept; k++) {
		const struct sd_csv_record *r = &a.records[which[k]], *r2 = &b.records[k + 1];
		if (r2->err || r2->n != r->n)
			FUZZ_FAIL("record %zu: %zu fields, %zu read back (%s)", which[k], r->n,
				  r2->n, r2->err ? r2->err->msg : "");
		for (size_t f = 0; f < r->n; f++)
			if (strcmp(r->fields[f], r2->fields[f]))
				FUZZ_FAIL("record %zu field %zu: '%s' read back as '%s'", which[k],
					  f, r->fields[f], r2->fields[f]);
	}
	free(which);
	sd_buf_release(&out);
	sd_csv_release(&a);
	sd_csv_release(&b);
	return 0;
}
