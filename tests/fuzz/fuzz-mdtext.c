/* SPDX-License-Identifier: MIT */
/* Markdown-inert text (mdtext.h): any text, escaped, reads back exactly;
 * and rendered by cmark as a ticket file places it, between an entry's
 * heading and the next entry's marker, it opens no heading or HTML block
 * at the top level and leaves the next entry's marker and heading as
 * they are. */

#include <cmark.h>

#include "fuzz.h"
#include "sd/mdtext.h"
#include "sd/text.h"

#define NEXT_ENTRY "<!-- sd:comment id=next -->\n### Next entry\n"

/* The top-level blocks of doc: the first is the entry's own heading,
 * the last two must be the next entry's marker and heading, and every
 * one between must be neither a heading nor an HTML block. */
static void check_structure(const char *doc, size_t len)
{
	cmark_node *root = cmark_parse_document(doc, len, CMARK_OPT_DEFAULT);
	cmark_node *last = cmark_node_last_child(root);
	cmark_node *marker = last ? cmark_node_previous(last) : NULL;
	if (!last || cmark_node_get_type(last) != CMARK_NODE_HEADING ||
	    cmark_node_get_heading_level(last) != 3 || !marker ||
	    cmark_node_get_type(marker) != CMARK_NODE_HTML_BLOCK ||
	    strcmp(cmark_node_get_literal(marker), "<!-- sd:comment id=next -->\n"))
		FUZZ_FAIL("the text swallowed or moved the next entry\n--- file\n%s", doc);
	cmark_node *first = cmark_node_first_child(root);
	if (first == marker)
		FUZZ_FAIL("the entry's own heading is gone\n--- file\n%s", doc);
	for (cmark_node *n = cmark_node_next(first); n != marker; n = cmark_node_next(n)) {
		cmark_node_type type = cmark_node_get_type(n);
		if (type == CMARK_NODE_HEADING || type == CMARK_NODE_HTML_BLOCK)
			FUZZ_FAIL("the text renders a %s at line %d\n--- file\n%s",
				  cmark_node_get_type_string(n), cmark_node_get_start_line(n), doc);
	}
	cmark_node_free(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Ticket text is valid UTF-8 without NUL or CR (sd refuses the
	 * rest), and cmark would take a CR for a line end that sd does not
	 * see. */
	if (size > 64 * 1024 || memchr(data, '\0', size) || memchr(data, '\r', size) ||
	    !sd_utf8_valid((const char *)data, size, NULL))
		return 0;
	char *text = fuzz_cstr(data, size);
	struct sd_buf file = SD_BUF_INIT, back = SD_BUF_INIT, doc = SD_BUF_INIT;
	sd_mdtext_escape(&file, text);

	const char *p = file.data, *end = file.data + file.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		sd_mdtext_unescape_line(&back, p, (size_t)(nl - p));
		p = nl + 1;
	}
	/* Every line comes back with a newline, the last one too. */
	int exact = back.len == size + (size && text[size - 1] != '\n') &&
		!memcmp(back.data, text, size);
	if (!exact)
		FUZZ_FAIL("the text does not read back exactly\n--- text\n%s\n--- read\n%s", text,
			  back.data);

	/* As sd_ticket_write places a comment: its heading, a blank line,
	 * the text, a blank line, the next entry. */
	sd_buf_adds(&doc, "### Requester\n\n");
	sd_buf_add(&doc, file.data, file.len);
	sd_buf_adds(&doc, "\n" NEXT_ENTRY);
	check_structure(doc.data, doc.len);

	free(text);
	sd_buf_release(&file);
	sd_buf_release(&back);
	sd_buf_release(&doc);
	return 0;
}
