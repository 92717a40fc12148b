/* SPDX-License-Identifier: MIT */
/* The ticket parser and writer: whatever parses, written out, reads back
 * to the same ticket (write(parse(write(parse(x)))) == write(parse(x))),
 * passes validation again if it passed once, and is read the same by the
 * libyaml reference parser. */

#include "fuzz.h"
#include "sd/ticket.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sd_ticket t, t2, t3;
	struct sd_buf w1 = SD_BUF_INIT, w2 = SD_BUF_INIT, w3 = SD_BUF_INIT;
	sd_error *err;
	if (size > 256 * 1024)
		return 0;
	/* Parsing initialises the ticket, even when it fails. */
	sd_ticket_init(&t2);
	sd_ticket_init(&t3);
	/* No NUL after the input: the sanitizers see any overread. */
	err = sd_ticket_parse(&t, (const char *)data, size, "fuzz.md");
	if (err) {
		if (!err->msg[0])
			FUZZ_FAIL("an error without a message");
		sd_error_free(err);
		goto done;
	}
	sd_error *valid = sd_ticket_validate(&t, "fuzz.md");
	sd_ticket_write(&t, &w1);
	sd_ticket_free(&t2);
	if ((err = sd_ticket_parse(&t2, w1.data, w1.len, "w1.md")))
		FUZZ_FAIL("sd's own output does not parse: %s\n--- written\n%s", err->msg, w1.data);
	sd_ticket_write(&t2, &w2);
	fuzz_same("write(parse(write(parse(x)))) != write(parse(x))", &w1, &w2);
	sd_error *valid2 = sd_ticket_validate(&t2, "w1.md");
	if (!valid && valid2)
		FUZZ_FAIL("valid before writing, invalid after: %s\n--- written\n%s", valid2->msg,
			  w1.data);
	/* What sd writes is in the simple forms; the libyaml reader must
	 * read it the same. */
	sd_ticket_free(&t3);
	if ((err = sd_ticket_parse_reference(&t3, w1.data, w1.len, "w1.md")))
		FUZZ_FAIL("the reference parser refuses sd's output: %s\n--- written\n%s", err->msg,
			  w1.data);
	sd_ticket_write(&t3, &w3);
	fuzz_same("the reference parser reads sd's output differently", &w1, &w3);
	sd_error_free(valid);
	sd_error_free(valid2);
done:
	sd_ticket_free(&t);
	sd_ticket_free(&t2);
	sd_ticket_free(&t3);
	sd_buf_release(&w1);
	sd_buf_release(&w2);
	sd_buf_release(&w3);
	return 0;
}
