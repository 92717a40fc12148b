/* SPDX-License-Identifier: MIT */
/* Page templates (tmpl.h): any input either parses or is refused with an
 * error; a parsed template renders, and a value placed by {{x}} never
 * brings markup of its own: the input rendered as the value of x in a
 * fixed template holds no '<', '>', '"' or '\'' of the input. The input
 * is also read as a message catalog. */

#include "fuzz.h"
#include "sd/tmpl.h"

/* The bounds of a rendering here: small, so that an input that nests a
 * list in itself costs milliseconds, not the seconds the page bounds
 * allow. */
#define FUZZ_MAX_OUTPUT (256 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct sd_tmpl *t = NULL, *fixed = NULL;
	struct sd_tmpl_msgs *m = NULL;
	struct sd_tmpl_vars *v = sd_tmpl_vars_new();
	struct sd_buf out = SD_BUF_INIT;
	sd_tmpl_set(v, "x", s);
	sd_tmpl_add_item(v, "items");
	sd_tmpl_add_item(v, "items");
	sd_error_free(sd_tmpl_msgs_parse(&m, (const char *)data, size, "fuzz", NULL));
	sd_error *err = sd_tmpl_parse(&t, (const char *)data, size, "fuzz");
	if (!err == !t)
		FUZZ_FAIL("parse gave %s and %s", err ? "an error" : "no error",
			  t ? "a template" : "none");
	if (t) {
		/* Either within the bounds or refused, leaving nothing. */
		sd_error *over = sd_tmpl_render_within(t, v, m, &out, FUZZ_MAX_OUTPUT, 100000);
		if (over ? out.len != 0 : out.len > FUZZ_MAX_OUTPUT + 6 * size)
			FUZZ_FAIL("rendering gave %zu bytes and %s", out.len,
				  over ? "an error" : "no error");
		sd_error_free(over);
	}
	sd_error_free(err);
	sd_buf_reset(&out);
	if ((err = sd_tmpl_parse(&fixed, "<p>{{x}}</p>", 12, "fixed")))
		FUZZ_FAIL("the fixed template: %s", err->msg);
	if ((err = sd_tmpl_render(fixed, v, m, &out)))
		FUZZ_FAIL("the fixed template: %s", err->msg);
	if (strcspn(out.data + 3, "<>\"'") != out.len - 7)
		FUZZ_FAIL("a value brought markup: %s", out.data);
	sd_buf_release(&out);
	sd_tmpl_free(fixed);
	sd_tmpl_free(t);
	sd_tmpl_msgs_free(m);
	sd_tmpl_vars_free(v);
	free(s);
	return 0;
}
