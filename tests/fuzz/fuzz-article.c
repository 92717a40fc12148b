/* SPDX-License-Identifier: MIT */
/* The knowledge-base article parser, writer, merge and page renderer:
 * whatever parses, written out, reads back to the same article
 * (write(parse(write(parse(x)))) == write(parse(x))), stays valid if it
 * was valid, merges with itself to itself, and renders to a page with no
 * raw markup from the article. */

#include <git2.h>

#include "fuzz.h"
#include "sd/kb.h"
#include "sd/site.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	struct sd_article a, b, m;
	struct sd_buf w1 = SD_BUF_INIT, w2 = SD_BUF_INIT, wm = SD_BUF_INIT, page = SD_BUF_INIT;
	sd_error *err;
	int conflicts = 0;
	if (size > 256 * 1024)
		return 0;
	if (!initialised) {
		git_libgit2_init();
		initialised = 1;
	}
	sd_article_init(&a);
	sd_article_init(&b);
	sd_article_init(&m);
	/* No NUL after the input: the sanitizers see any overread. */
	err = sd_article_parse(&a, (const char *)data, size, "kb/fuzz.md");
	if (err) {
		if (!err->msg[0])
			FUZZ_FAIL("an error without a message");
		sd_error_free(err);
		goto done;
	}
	sd_error *valid = sd_article_validate(&a, "fuzz.md");
	sd_article_write(&a, &w1);
	if ((err = sd_article_parse(&b, w1.data, w1.len, "w1.md")))
		FUZZ_FAIL("sd's own output does not parse: %s\n--- written\n%s", err->msg, w1.data);
	sd_article_write(&b, &w2);
	fuzz_same("write(parse(write(parse(x)))) != write(parse(x))", &w1, &w2);
	sd_error *valid2 = sd_article_validate(&b, "w1.md");
	if (!valid && valid2)
		FUZZ_FAIL("valid before writing, invalid after: %s\n--- written\n%s", valid2->msg,
			  w1.data);
	if ((err = sd_article_merge(&m, &a, &a, &a, &conflicts)))
		FUZZ_FAIL("merge(x, x, x) fails: %s", err->msg);
	sd_article_write(&m, &wm);
	fuzz_same("merge(x, x, x) != x", &w1, &wm);
	if (!valid) {
		struct sd_site_links l;
		sd_site_links_static(&l, NULL);
		sd_site_render_article(&page, &l, &a);
		if (strstr(page.data, "<script") || strstr(page.data, "javascript:"))
			FUZZ_FAIL("raw markup in the page\n--- page\n%s", page.data);
	}
	sd_error_free(valid);
	sd_error_free(valid2);
done:
	sd_article_free(&a);
	sd_article_free(&b);
	sd_article_free(&m);
	sd_buf_release(&w1);
	sd_buf_release(&w2);
	sd_buf_release(&wm);
	sd_buf_release(&page);
	return 0;
}
