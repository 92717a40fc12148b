/* SPDX-License-Identifier: MIT */
/* The three-way merge of a ticket (include/sd/merge.h). The input is up
 * to three ticket files separated by a line "%%%%": base, ours, theirs
 * (two: both sides added the ticket, no base; one: merged with itself).
 * Properties: merge(x, x, x) = x; merge(o, a, b) and merge(o, b, a) write
 * the same ticket; no entry of a or b is lost; the merge is a ticket sd
 * reads back as written; it refuses exactly the inputs where a side uses
 * an entry id twice. */

#include "fuzz.h"
#include "sd/merge.h"
#include "sd/ticket.h"

#define SEP "\n%%%%\n"

static char *text_of(const struct sd_ticket *t)
{
	struct sd_buf b = SD_BUF_INIT;
	sd_ticket_write(t, &b);
	return sd_buf_detach(&b);
}

static char *merged(const struct sd_ticket *o, const struct sd_ticket *a, const struct sd_ticket *b)
{
	struct sd_ticket m;
	sd_ticket_init(&m);
	sd_error *err = sd_ticket_merge(&m, o, a, b);
	char *s = NULL;
	if (err) /* the merge may refuse, but then both ways */
		sd_error_free(err);
	else
		s = text_of(&m);
	sd_ticket_free(&m);
	return s;
}

static int has_entry(const struct sd_ticket *t, const char *id)
{
	for (size_t i = 0; i < t->nentries; i++)
		if (!strcmp(t->entries[i].id, id))
			return 1;
	return 0;
}

/* Entries are matched by id, so the merge refuses a side that uses one
 * twice (only a hand edit makes one), and refuses nothing else. */
static int uses_id_twice(const struct sd_ticket *t)
{
	for (size_t i = 0; t && i < t->nentries; i++)
		for (size_t j = i + 1; j < t->nentries; j++)
			if (!strcmp(t->entries[i].id, t->entries[j].id))
				return 1;
	return 0;
}

static void check_merge(const struct sd_ticket *o, const struct sd_ticket *a,
			const struct sd_ticket *b)
{
	char *ab = merged(o, a, b), *ba = merged(o, b, a);
	if (!ab != !ba)
		FUZZ_FAIL("merge(o, a, b) %s, merge(o, b, a) %s", ab ? "merges" : "fails",
			  ba ? "merges" : "fails");
	int refusable = uses_id_twice(o) || uses_id_twice(a) || uses_id_twice(b);
	if ((ab == NULL) != refusable)
		FUZZ_FAIL("the merge %s, but %s side uses an entry id twice",
			  ab ? "merges" : "fails", refusable ? "a" : "no");
	if (!ab)
		return;
	if (strcmp(ab, ba))
		FUZZ_FAIL("merge(o, a, b) != merge(o, b, a)\n--- merge(o, a, b)\n%s\n--- merge(o, b, a)\n%s",
			  ab, ba);
	struct sd_ticket m;
	sd_error *err = sd_ticket_parse(&m, ab, strlen(ab), "merged.md");
	if (err)
		FUZZ_FAIL("the merge does not parse: %s\n--- merge\n%s", err->msg, ab);
	char *again = text_of(&m);
	if (strcmp(again, ab))
		FUZZ_FAIL("the merge reads back differently\n--- merge\n%s\n--- read back\n%s", ab,
			  again);
	const struct sd_ticket *sides[2] = { a, b };
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < sides[s]->nentries; i++)
			if (!has_entry(&m, sides[s]->entries[i].id))
				FUZZ_FAIL("entry %s of %s lost\n--- merge\n%s",
					  sides[s]->entries[i].id, s ? "theirs" : "ours", ab);
	free(again);
	sd_ticket_free(&m);
	free(ab);
	free(ba);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sd_ticket t[3];
	int nt = 0;
	if (size > 96 * 1024)
		return 0;
	const char *p = (const char *)data, *end = p + size;
	while (nt < 3) {
		const char *sep = NULL;
		for (const char *q = p; q + sizeof(SEP) - 1 <= end; q++)
			if (!memcmp(q, SEP, sizeof(SEP) - 1)) {
				sep = q;
				break;
			}
		const char *stop = sep ? sep + 1 : end; /* the part keeps its last newline */
		/* Parsing initialises the ticket, even when it fails. */
		sd_error *err = sd_ticket_parse(&t[nt], p, (size_t)(stop - p), "side.md");
		nt++;
		if (err) {
			sd_error_free(err);
			goto done;
		}
		if (!sep)
			break;
		p = sep + sizeof(SEP) - 1;
	}
	for (int i = 0; i < nt; i++) {
		char *x = text_of(&t[i]);
		char *xxx = merged(&t[i], &t[i], &t[i]);
		if (!xxx && uses_id_twice(&t[i])) {
			free(x);
			continue;
		}
		if (!xxx || strcmp(x, xxx))
			FUZZ_FAIL("merge(x, x, x) != x\n--- x\n%s\n--- merge\n%s", x,
				  xxx ? xxx : "(fails)");
		free(x);
		free(xxx);
	}
	if (nt == 2)
		check_merge(NULL, &t[0], &t[1]);
	else if (nt == 3)
		check_merge(&t[0], &t[1], &t[2]);
done:
	for (int i = 0; i < nt; i++)
		sd_ticket_free(&t[i]);
	return 0;
}
