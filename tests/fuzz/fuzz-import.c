/* SPDX-License-Identifier: MIT */
/* sd_import_parse over JSON Lines and CSV (the first byte chooses): every
 * ticket it returns parses, validates and writes back to the same bytes,
 * as import.h promises, and every record has a result. */

#include "fuzz.h"
#include "sd/config.h"
#include "sd/import.h"
#include "sd/ticket.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sd_config cfg;
	static int ready;
	if (!ready) {
		sd_config_init(&cfg);
		ready = 1;
	}
	if (size < 1 || size > 128 * 1024)
		return 0;
	struct sd_strvec existing = SD_STRVEC_INIT;
	sd_strvec_push(&existing, "7f3kq2m9xw4a"); /* an id "already in the store" */
	struct sd_import_options opt = {
		.format = (data[0] & 1) ? SD_IMPORT_CSV : SD_IMPORT_JSONL,
		.path = "fuzz",
		.cfg = &cfg,
		.author = "Imp Orter <imp@example.com>",
		.requester = "imp@example.com",
		.now = 1795424400000,
		.existing = &existing,
		.raw_csv = data[0] & 2,
	};
	struct sd_import im = { 0 };
	/* A copy of exactly the input, so the sanitizers see any overread. */
	size_t len = size - 1;
	char *copy = malloc(len ? len : 1);
	memcpy(copy, data + 1, len);
	sd_error *err = sd_import_parse(&im, copy, len, &opt);
	if (err) {
		if (!err->msg[0] || im.n)
			FUZZ_FAIL("an error without a message, or with results");
		sd_error_free(err);
		goto done;
	}
	size_t nerr = 0;
	for (size_t i = 0; i < im.n; i++) {
		struct sd_import_ticket *r = &im.v[i];
		if (r->err) {
			nerr++;
			if (!r->err->msg[0])
				FUZZ_FAIL("record %zu: an error without a message", i);
			continue;
		}
		if (!strcmp(r->id, "7f3kq2m9xw4a"))
			FUZZ_FAIL("record %zu: an id already in the store", i);
		struct sd_ticket t;
		struct sd_buf w = SD_BUF_INIT;
		sd_error *e = sd_ticket_parse(&t, r->text.data, r->text.len, "imported.md");
		if (!e)
			e = sd_ticket_validate(&t, "imported.md");
		if (e)
			FUZZ_FAIL("record %zu: the ticket made does not pass: %s\n--- ticket\n%s",
				  i, e->msg, r->text.data);
		if (strcmp(sd_ticket_get(&t, SD_F_ID), r->id))
			FUZZ_FAIL("record %zu: id %s, file says %s", i, r->id,
				  sd_ticket_get(&t, SD_F_ID));
		sd_ticket_write(&t, &w);
		fuzz_same("an imported ticket is not in canonical form", &r->text, &w);
		for (size_t j = 0; j < i; j++)
			if (!im.v[j].err && !strcmp(im.v[j].id, r->id))
				FUZZ_FAIL("records %zu and %zu share id %s", j, i, r->id);
		sd_buf_release(&w);
		sd_ticket_free(&t);
	}
	if (nerr != im.nerr)
		FUZZ_FAIL("nerr %zu, counted %zu", im.nerr, nerr);
	sd_import_release(&im);
done:
	sd_strvec_clear(&existing);
	free(copy);
	return 0;
}
