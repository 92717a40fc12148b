/* SPDX-License-Identifier: MIT */
/* Work that grows with hostile input stays near-linear: the merge of two
 * sides with many entries, tags and unknown keys, reading such a ticket,
 * and importing a record with many tags. Nothing is timed (a slow machine
 * must not fail a test): every string comparison the library makes is
 * counted, through a strcmp of our own that the linker takes before the C
 * library's, at 1,000 and at 16,000 items. n log n grows about 22 times
 * between the two; a scan per item (n squared) 256 times. */

#include <stdint.h>
#include <stdlib.h>

#include "sd/buf.h"
#include "sd/config.h"
#include "sd/id.h"
#include "sd/import.h"
#include "sd/merge.h"
#include "sd/ticket.h"
#include "unit.h"

#define SMALL 1000
#define LARGE 16000
/* 16 * log2(16000) / log2(1000) is 22.4; half as much again for the
 * constant parts. Quadratic work gives 256. */
#define MAX_GROWTH 34.0

static unsigned long long compares;

int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
	compares++;
	while (*x && *x == *y) {
		x++;
		y++;
	}
	return (int)*x - (int)*y;
}

/* A distinct entry id for each n. */
static void entry_id(char out[SD_ENTRY_ID_LEN + 1], uint64_t n)
{
	uint64_t v = (n * 0x9e3779b97f4a7c15ULL) & ((1ULL << 50) - 1);
	for (int k = 0; k < SD_ENTRY_ID_LEN; k++, v >>= 5)
		out[k] = SD_ID_ALPHABET[v & 31];
	out[SD_ENTRY_ID_LEN] = '\0';
}

/* One side of a merge with n items of each kind: the base's, and for the
 * sides ('a', 'b') half as many again of their own; every unknown key
 * changed differently on the two sides, so each is a conflict. */
static void side_text(struct sd_buf *out, size_t n, char side)
{
	size_t own = side == 'o' ? 0 : n / 2;
	sd_buf_adds(out,
		    "---\nid: 7f3kq2m9xw4a\ntitle: Many things\ntype: incident\n"
		    "status: new\ncreated: 2026-11-23T09:00:00Z\n"
		    "updated: 2026-11-23T09:00:00Z\ntags: [");
	for (size_t i = 0; i < n + own; i++)
		sd_buf_printf(out, "%st%c%zu", i ? ", " : "", i < n ? 'o' : side, i);
	sd_buf_adds(out, "]\n");
	for (size_t i = 0; i < n; i++)
		sd_buf_printf(out, "x%zu: %c\n", i, side);
	sd_buf_adds(out, "---\n\nText.\n\n<!-- sd:timeline -->\n## Timeline\n");
	for (size_t i = 0; i < n + own; i++) {
		char id[SD_ENTRY_ID_LEN + 1];
		entry_id(id, i < n ? i : (size_t)side * 1000000 + i);
		sd_buf_printf(out,
			      "\n<!-- sd:comment id=%s at=2026-11-23T10:%02zu:%02zuZ "
			      "author=\"B <b@example.com>\" visibility=public -->\n"
			      "### B · 2026-11-23 10:%02zu UTC\n\nc%zu\n",
			      id, i / 60 % 60, i % 60, i / 60 % 60, i);
	}
}

/* Compares spent reading the three sides, and merging them. */
static void merge_cost(size_t n, unsigned long long *read, unsigned long long *merge)
{
	struct sd_ticket t[3], out;
	const char sides[3] = { 'o', 'a', 'b' };
	*read = 0;
	for (int s = 0; s < 3; s++) {
		struct sd_buf text = SD_BUF_INIT;
		side_text(&text, n, sides[s]);
		compares = 0;
		sd_error *err = sd_ticket_parse(&t[s], text.data, text.len, "side.md");
		*read += compares;
		CHECK(!err, "side %c of %zu items does not parse: %s", sides[s], n,
		      err ? err->msg : "");
		sd_error_free(err);
		sd_buf_release(&text);
	}
	sd_ticket_init(&out);
	compares = 0;
	sd_error *err = sd_ticket_merge(&out, &t[0], &t[1], &t[2]);
	*merge = compares;
	CHECK(!err, "merge of %zu items: %s", n, err ? err->msg : "");
	sd_error_free(err);
	/* Everything is there: every entry and tag of both sides, and one
	 * conflict record per unknown key. */
	CHECK(out.nentries == 2 * n + n, "merge of %zu: %zu entries", n, out.nentries);
	CHECK(out.tags.n == 2 * n, "merge of %zu: %zu tags", n, out.tags.n);
	CHECK(out.nextra == n, "merge of %zu: %zu unknown keys", n, out.nextra);
	sd_ticket_free(&out);
	for (int s = 0; s < 3; s++)
		sd_ticket_free(&t[s]);
}

/* Compares spent importing one record of n tags, each given twice. */
static unsigned long long import_cost(size_t n)
{
	struct sd_config cfg;
	struct sd_buf rec = SD_BUF_INIT;
	struct sd_import im;
	sd_config_init(&cfg);
	sd_buf_adds(&rec, "{\"title\": \"Many tags\", \"tags\": [");
	for (size_t i = 0; i < 2 * n; i++)
		sd_buf_printf(&rec, "%s\"t%zu\"", i ? ", " : "", i % n);
	sd_buf_adds(&rec, "]}\n");
	struct sd_import_options opt = {
		.format = SD_IMPORT_JSONL,
		.path = "in",
		.cfg = &cfg,
		.author = "Imp Orter <imp@example.com>",
		.requester = "imp@example.com",
		.now = 1795424400000,
	};
	compares = 0;
	sd_error *err = sd_import_parse(&im, rec.data, rec.len, &opt);
	unsigned long long cost = compares;
	CHECK(!err && im.n == 1 && !im.v[0].err, "import of %zu tags: %s", n,
	      err			    ? err->msg
		      : im.n && im.v[0].err ? im.v[0].err->msg
					    : "");
	if (!err) {
		struct sd_ticket t;
		sd_error *e2 = sd_ticket_parse(&t, im.v[0].text.data, im.v[0].text.len, "in.md");
		CHECK(!e2 && t.tags.n == n, "import of %zu tags: %zu read back", n, t.tags.n);
		sd_error_free(e2);
		sd_ticket_free(&t);
		sd_import_release(&im);
	}
	sd_error_free(err);
	sd_buf_release(&rec);
	sd_config_release(&cfg);
	return cost;
}

static void check_growth(const char *what, unsigned long long small, unsigned long long large)
{
	double growth = small ? (double)large / (double)small : 0;
	printf("t-ops: %s: %llu compares at %d items, %llu at %d (x%.1f)\n", what, small, SMALL,
	       large, LARGE, growth);
	CHECK(small > 0 && growth <= MAX_GROWTH,
	      "%s: compares grow %.1f times from %d to %d items, more than n log n (%.1f)", what,
	      growth, SMALL, LARGE, MAX_GROWTH);
}

int main(void)
{
	unsigned long long read_s, merge_s, read_l, merge_l;
	merge_cost(SMALL, &read_s, &merge_s);
	merge_cost(LARGE, &read_l, &merge_l);
	check_growth("reading a side", read_s, read_l);
	check_growth("merging", merge_s, merge_l);
	check_growth("importing tags", import_cost(SMALL), import_cost(LARGE));
	return unit_done("t-ops");
}
