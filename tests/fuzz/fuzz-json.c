/* SPDX-License-Identifier: MIT */
/* The strict JSON reader: any bytes give a tree or an error with a
 * message and a line within the input. */

#include "fuzz.h"
#include "sd/json.h"

static void walk(const struct sd_json *v, size_t size)
{
	if (v->pos > size)
		FUZZ_FAIL("value at %zu past the end (%zu)", v->pos, size);
	if ((v->type == SD_JSON_STRING || v->type == SD_JSON_NUMBER) && strlen(v->str) != v->len)
		FUZZ_FAIL("string length %zu, strlen %zu", v->len, strlen(v->str));
	for (size_t i = 0; v->type == SD_JSON_ARRAY && i < v->n; i++)
		walk(&v->items[i], size);
	for (size_t i = 0; v->type == SD_JSON_OBJECT && i < v->n; i++) {
		if (sd_json_get(v, v->members[i].key) != &v->members[i].value)
			FUZZ_FAIL("member %s not found by its key", v->members[i].key);
		walk(&v->members[i].value, size);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sd_json *v = NULL;
	size_t line = 0, lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	sd_error *err = sd_json_parse(&v, (const char *)data, size, &line);
	if (err) {
		if (!err->msg[0] || v)
			FUZZ_FAIL("an error without a message, or with a tree");
		if (line < 1 || line > lines)
			FUZZ_FAIL("error on line %zu of %zu", line, lines);
		sd_error_free(err);
		return 0;
	}
	walk(v, size);
	sd_json_free(v);
	return 0;
}
