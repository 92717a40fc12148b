/* SPDX-License-Identifier: MIT */
/* The three-way merge of a ticket (include/sd/merge.h): the rules as
 * tables, and the properties that make clones converge (symmetry,
 * identity, idempotence, nothing lost) over generated edit scripts.
 * Tickets are compared by their written text: that is what must agree
 * across clones. */

#include <stdint.h>
#include <stdlib.h>

#include "sd/id.h"
#include "sd/merge.h"
#include "sd/ticket.h"
#include "unit.h"

#define T0 ((sd_stamp)1795442400000)	      /* 2026-11-23T14:00:00Z */
#define AT(secs) (T0 + (sd_stamp)(secs)*1000) /* T0 plus whole seconds */
#define TICKET_ID "7f3kq2m9xw4a"
#define NELEM(a) (sizeof(a) / sizeof(*(a)))
#define RANDOM_CASES 400

/* ---- deterministic randomness and entry ids ---- */

static uint64_t lcg = 0x5d0c0ffee1234567ULL;

static unsigned rnd(unsigned n)
{
	lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((lcg >> 33) % n);
}

#define PICK(arr) ((arr)[rnd((unsigned)NELEM(arr))])

static uint64_t id_counter = 1;

/* Entries the API just added (line 0) get ids from a counter, so every run
 * builds the same tickets and no two entries ever share an id by chance,
 * and exactly the time the case gives: the API would order them after the
 * ticket's newest entry, and the cases build timelines in any order. */
static void name_new_entries(struct sd_ticket *t, sd_stamp at)
{
	for (size_t i = 0; i < t->nentries; i++) {
		struct sd_entry *e = &t->entries[i];
		if (e->line)
			continue;
		uint64_t v = (id_counter++ * 0x9e3779b97f4a7c15ULL) & ((1ULL << 50) - 1);
		char id[SD_ENTRY_ID_LEN + 1];
		for (int k = 0; k < SD_ENTRY_ID_LEN; k++, v >>= 5)
			id[k] = SD_ID_ALPHABET[v & 31];
		id[SD_ENTRY_ID_LEN] = '\0';
		free(e->id);
		e->id = sd_xstrdup(id);
		e->at = at;
		e->line = 1;
	}
	sd_ticket_sort_entries(t);
}

/* ---- building tickets ---- */

static void set_time(struct sd_ticket *t, enum sd_field f, sd_stamp at)
{
	char s[SD_STAMP_STRLEN];
	sd_stamp_format(s, at);
	sd_ticket_set(t, f, s);
}

static void base_ticket(struct sd_ticket *t)
{
	sd_ticket_init(t);
	sd_ticket_set(t, SD_F_ID, TICKET_ID);
	sd_ticket_set(t, SD_F_TITLE, "Printer jams");
	sd_ticket_set(t, SD_F_TYPE, "incident");
	sd_ticket_set(t, SD_F_STATUS, "new");
	sd_ticket_set(t, SD_F_PRIORITY, "P3");
	sd_ticket_set(t, SD_F_IMPACT, "medium");
	sd_ticket_set(t, SD_F_URGENCY, "medium");
	sd_ticket_set(t, SD_F_TIER, "L1");
	sd_ticket_set(t, SD_F_QUEUE, "desk");
	sd_ticket_set(t, SD_F_REQUESTER, "alice@example.com");
	set_time(t, SD_F_CREATED, T0);
	set_time(t, SD_F_UPDATED, T0);
}

static void set_desc(struct sd_ticket *t, const char *d)
{
	free(t->description);
	t->description = sd_xstrdup(d);
}

static void set_tags(struct sd_ticket *t, const char *list)
{
	sd_error *err = sd_ticket_set_tags(t, list);
	CHECK(!err, "set tags '%s': %s", list, err ? err->msg : "");
	sd_error_free(err);
}

static const char *extra_of(const struct sd_ticket *t, const char *key)
{
	for (size_t i = 0; t && i < t->nextra; i++)
		if (!strcmp(t->extra[i].key, key))
			return t->extra[i].raw;
	return NULL;
}

/* Sets an unknown key to raw (whole lines), appending it when new; a NULL
 * raw removes it. */
static void set_extra(struct sd_ticket *t, const char *key, const char *raw)
{
	for (size_t i = 0; i < t->nextra; i++) {
		if (strcmp(t->extra[i].key, key))
			continue;
		if (raw) {
			free(t->extra[i].raw);
			t->extra[i].raw = sd_xstrdup(raw);
		} else {
			free(t->extra[i].key);
			free(t->extra[i].raw);
			memmove(&t->extra[i], &t->extra[i + 1],
				(t->nextra - i - 1) * sizeof(*t->extra));
			t->nextra--;
		}
		return;
	}
	if (!raw)
		return;
	t->extra = sd_xrealloc(t->extra, (t->nextra + 1) * sizeof(*t->extra));
	t->extra[t->nextra].key = sd_xstrdup(key);
	t->extra[t->nextra].raw = sd_xstrdup(raw);
	t->nextra++;
}

/* An unknown key from a raw line: the text before the first ':'. */
static void set_extra_raw(struct sd_ticket *t, const char *raw)
{
	const char *colon = strchr(raw, ':');
	char *key = sd_xstrndup(raw, colon ? (size_t)(colon - raw) : strlen(raw));
	set_extra(t, key, raw);
	free(key);
}

static void add_comment(struct sd_ticket *t, const char *author, sd_stamp at, int internal,
			const char *body)
{
	sd_error *err = sd_ticket_add_comment(t, author, at, internal, body);
	CHECK(!err, "add comment: %s", err ? err->msg : "");
	sd_error_free(err);
	name_new_entries(t, at);
}

static void change(struct sd_ticket *t, enum sd_field f, const char *value, const char *author,
		   sd_stamp at)
{
	sd_error *err = sd_ticket_change(t, f, value, author, at, NULL, NULL);
	CHECK(!err, "change %s to '%s': %s", sd_fields[f].name, value, err ? err->msg : "");
	sd_error_free(err);
	name_new_entries(t, at);
}

static void add_event(struct sd_ticket *t, const char *author, sd_stamp at, const char *field,
		      const char *from, const char *to, const char *reason)
{
	sd_error *err = sd_ticket_add_event(t, author, at, field, from, to, reason);
	CHECK(!err, "add event: %s", err ? err->msg : "");
	sd_error_free(err);
	name_new_entries(t, at);
}

static char *text_of(const struct sd_ticket *t)
{
	struct sd_buf out = SD_BUF_INIT;
	sd_ticket_write(t, &out);
	return sd_buf_detach(&out);
}

/* A clone: the ticket written and read back, as another checkout sees it. */
static void clone(struct sd_ticket *out, const struct sd_ticket *t)
{
	char *s = text_of(t);
	sd_error *err = sd_ticket_parse(out, s, strlen(s), "clone.md");
	CHECK(!err, "clone parses: %s\n%s", err ? err->msg : "", s);
	sd_error_free(err);
	free(s);
}

static void merge(struct sd_ticket *out, const struct sd_ticket *o, const struct sd_ticket *a,
		  const struct sd_ticket *b)
{
	sd_ticket_init(out);
	sd_error *err = sd_ticket_merge(out, o, a, b);
	CHECK(!err, "merge: %s", err ? err->msg : "");
	sd_error_free(err);
}

static char *merge_text(const struct sd_ticket *o, const struct sd_ticket *a,
			const struct sd_ticket *b)
{
	struct sd_ticket m;
	merge(&m, o, a, b);
	char *s = text_of(&m);
	sd_ticket_free(&m);
	return s;
}

static int cmp_extra(const void *x, const void *y)
{
	return strcmp(((const struct sd_extra_key *)x)->key, ((const struct sd_extra_key *)y)->key);
}

/* The text with tags and unknown keys in sorted order: for comparisons in
 * which only the sets must agree. */
static char *normal_text(const struct sd_ticket *t)
{
	struct sd_ticket c;
	clone(&c, t);
	sd_strvec_sort(&c.tags);
	if (c.nextra > 1)
		qsort(c.extra, c.nextra, sizeof(*c.extra), cmp_extra);
	char *s = text_of(&c);
	sd_ticket_free(&c);
	return s;
}

static char *tags_text(const struct sd_ticket *t)
{
	struct sd_buf out = SD_BUF_INIT;
	sd_ticket_tags_join(t, &out);
	return sd_buf_detach(&out);
}

/* ---- inspecting results ---- */

static const struct sd_entry *find_entry(const struct sd_ticket *t, const char *id)
{
	for (size_t i = 0; t && i < t->nentries; i++)
		if (!strcmp(t->entries[i].id, id))
			return &t->entries[i];
	return NULL;
}

static int str_eq(const char *x, const char *y)
{
	return !strcmp(x ? x : "", y ? y : "");
}

static int entry_same(const struct sd_entry *x, const struct sd_entry *y)
{
	if (x->kind != y->kind || x->at != y->at || strcmp(x->id, y->id) ||
	    !str_eq(x->author, y->author))
		return 0;
	if (x->kind == SD_ENTRY_COMMENT)
		return x->internal == y->internal && str_eq(x->body, y->body);
	return str_eq(x->field, y->field) && str_eq(x->from, y->from) && str_eq(x->to, y->to) &&
		str_eq(x->reason, y->reason);
}

/* Events recording that `from` lost to `to` for field (or any event for
 * field with those values). */
static size_t count_events(const struct sd_ticket *t, const char *field, const char *from,
			   const char *to, sd_stamp *at)
{
	size_t n = 0;
	for (size_t i = 0; i < t->nentries; i++) {
		const struct sd_entry *e = &t->entries[i];
		if (e->kind == SD_ENTRY_EVENT && !strcmp(e->field, field) &&
		    !strcmp(e->from, from) && !strcmp(e->to, to)) {
			n++;
			if (at)
				*at = e->at;
		}
	}
	return n;
}

/* Like count_events, among the entries of m that are in neither a nor b:
 * the merge's own records. */
static size_t count_records(const struct sd_ticket *m, const struct sd_ticket *a,
			    const struct sd_ticket *b, const char *field, const char *from,
			    const char *to, sd_stamp *at)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nentries; i++) {
		const struct sd_entry *e = &m->entries[i];
		if (find_entry(a, e->id) || find_entry(b, e->id))
			continue;
		if (e->kind == SD_ENTRY_EVENT && !strcmp(e->field, field) &&
		    !strcmp(e->from, from) && !strcmp(e->to, to)) {
			n++;
			if (at)
				*at = e->at;
		}
	}
	return n;
}

/* Entries of m that are in neither a nor b: the merge's own records. */
static size_t count_new(const struct sd_ticket *m, const struct sd_ticket *a,
			const struct sd_ticket *b)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nentries; i++)
		if (!find_entry(a, m->entries[i].id) && !find_entry(b, m->entries[i].id))
			n++;
	return n;
}

/* The time of the side's latest event for field, or 0. */
static sd_stamp latest(const struct sd_ticket *t, const char *field)
{
	sd_stamp at = 0;
	for (size_t i = 0; i < t->nentries; i++)
		if (t->entries[i].kind == SD_ENTRY_EVENT && !strcmp(t->entries[i].field, field) &&
		    t->entries[i].at > at)
			at = t->entries[i].at;
	return at;
}

/* The event field that records a conflict on an unknown key. */
static void fold_key(char *out, size_t size, const char *key)
{
	size_t n = 0;
	for (const char *p = key; *p && n < size - 1; p++) {
		char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
		out[n++] = c && strchr("abcdefghijklmnopqrstuvwxyz0123456789_.-", c) ? c : '_';
	}
	out[n] = '\0';
}

static int cmp_strp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* write -> parse -> write is identical, and the result validates. */
static void check_parses_back(const struct sd_ticket *m, const char *what)
{
	char *text = text_of(m);
	struct sd_ticket back;
	sd_error *err = sd_ticket_parse(&back, text, strlen(text), "merged.md");
	CHECK(!err, "%s: merge result parses: %s\n%s", what, err ? err->msg : "", text);
	sd_error_free(err);
	if (!err) {
		char *again = text_of(&back);
		CHECK(!strcmp(text, again),
		      "%s: write(parse(write(m))) == write(m)\n--- m\n%s\n--- again\n%s", what,
		      text, again);
		free(again);
		err = sd_ticket_validate(&back, "merged.md");
		CHECK(!err, "%s: merge result validates: %s", what, err ? err->msg : "");
		sd_error_free(err);
	}
	sd_ticket_free(&back);
	free(text);
}

/* What check_rules saw, to show that the generated cases reach every rule. */
static struct {
	size_t field_conflicts, tie_conflicts, key_conflicts, desc_conflicts, both_edited,
		same_value;
} seen;

/*
 * The rules of merge.h, written out independently, checked against m =
 * merge(o, a, b): every field, tag, unknown key and the description; every
 * entry of either side kept; every losing value recorded exactly once, and
 * no other record added.
 */
static void check_rules(const struct sd_ticket *o, const struct sd_ticket *a,
			const struct sd_ticket *b, const struct sd_ticket *m, const char *what)
{
	size_t conflicts = 0;
	sd_stamp ua = 0, ub = 0;
	sd_error_free(sd_stamp_parse(&ua, sd_ticket_get(a, SD_F_UPDATED)));
	sd_error_free(sd_stamp_parse(&ub, sd_ticket_get(b, SD_F_UPDATED)));
	sd_stamp when = ua > ub ? ua : ub;

	for (int f = 0; f < SD_F_COUNT; f++) {
		if (f == SD_F_TAGS || f == SD_F_CREATED || f == SD_F_UPDATED)
			continue;
		const char *name = sd_fields[f].name;
		const char *ov = o ? sd_ticket_get(o, (enum sd_field)f) : "";
		const char *av = sd_ticket_get(a, (enum sd_field)f),
			   *bv = sd_ticket_get(b, (enum sd_field)f);
		const char *want;
		if (strcmp(av, ov) && !strcmp(av, bv))
			seen.same_value++;
		if (!strcmp(av, bv) || !strcmp(bv, ov)) {
			want = av;
		} else if (!strcmp(av, ov)) {
			want = bv;
		} else {
			sd_stamp ta = latest(a, name), tb = latest(b, name);
			seen.field_conflicts++;
			seen.tie_conflicts += ta == tb;
			int a_wins = ta != tb ? ta > tb : strcmp(av, bv) > 0;
			want = a_wins ? av : bv;
			const char *lose = a_wins ? bv : av;
			sd_stamp at = 0;
			conflicts++;
			CHECK(count_records(m, a, b, name, lose, want, &at) == 1,
			      "%s: %s: '%s' lost to '%s' and is recorded once", what, name, lose,
			      want);
			sd_stamp want_at = (ta > tb ? ta : tb ? tb : when) + 1;
			CHECK(at == want_at, "%s: %s: the record is dated %lld, not %lld", what,
			      name, (long long)at, (long long)want_at);
		}
		CHECK(!strcmp(want, sd_ticket_get(m, (enum sd_field)f)),
		      "%s: field %s: o='%s' a='%s' b='%s': want '%s', got '%s'", what, name, ov, av,
		      bv, want, sd_ticket_get(m, (enum sd_field)f));
	}

	/* updated is the later of the two, created the earlier. */
	const char *a_up = sd_ticket_get(a, SD_F_UPDATED), *b_up = sd_ticket_get(b, SD_F_UPDATED);
	const char *a_cr = sd_ticket_get(a, SD_F_CREATED), *b_cr = sd_ticket_get(b, SD_F_CREATED);
	sd_stamp ca = 0, cb = 0;
	sd_error_free(sd_stamp_parse(&ca, a_cr));
	sd_error_free(sd_stamp_parse(&cb, b_cr));
	/* By time: "...:40Z" is before "...:40.005Z", though it sorts after as
	 * text. */
	CHECK_STR(ua != ub			    ? (ua > ub ? a_up : b_up)
			  : strcmp(a_up, b_up) >= 0 ? a_up
						    : b_up,
		  sd_ticket_get(m, SD_F_UPDATED), "updated");
	CHECK_STR(ca != cb			    ? (ca < cb ? a_cr : b_cr)
			  : strcmp(a_cr, b_cr) <= 0 ? a_cr
						    : b_cr,
		  sd_ticket_get(m, SD_F_CREATED), "created");

	/* Tags: base order first (kept only if both sides kept it), then the
	 * additions of either side, sorted, once. */
	struct sd_strvec tags = SD_STRVEC_INIT, added = SD_STRVEC_INIT;
	for (size_t i = 0; o && i < o->tags.n; i++)
		if (sd_strvec_has(&a->tags, o->tags.v[i]) && sd_strvec_has(&b->tags, o->tags.v[i]))
			sd_strvec_push(&tags, o->tags.v[i]);
	const struct sd_ticket *sides[2] = { a, b };
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < sides[s]->tags.n; i++) {
			const char *tag = sides[s]->tags.v[i];
			if ((!o || !sd_strvec_has(&o->tags, tag)) && !sd_strvec_has(&added, tag))
				sd_strvec_push(&added, tag);
		}
	sd_strvec_sort(&added);
	for (size_t i = 0; i < added.n; i++)
		sd_strvec_push(&tags, added.v[i]);
	int tags_ok = tags.n == m->tags.n;
	for (size_t i = 0; tags_ok && i < tags.n; i++)
		tags_ok = !strcmp(tags.v[i], m->tags.v[i]);
	char *got_tags = tags_text(m);
	CHECK(tags_ok, "%s: tags: got [%s]", what, got_tags);
	free(got_tags);
	sd_strvec_clear(&tags);
	sd_strvec_clear(&added);

	/* Unknown keys: base keys in base order, then new keys sorted; each
	 * three-way with "missing" as the empty value; a conflict goes to the
	 * greater text and the loser is recorded. */
	struct sd_strvec keys = SD_STRVEC_INIT, fresh = SD_STRVEC_INIT;
	for (size_t i = 0; o && i < o->nextra; i++)
		sd_strvec_push(&keys, o->extra[i].key);
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < sides[s]->nextra; i++)
			if (!sd_strvec_has(&keys, sides[s]->extra[i].key) &&
			    !sd_strvec_has(&fresh, sides[s]->extra[i].key))
				sd_strvec_push(&fresh, sides[s]->extra[i].key);
	if (fresh.n > 1)
		qsort(fresh.v, fresh.n, sizeof(*fresh.v), cmp_strp);
	for (size_t i = 0; i < fresh.n; i++)
		sd_strvec_push(&keys, fresh.v[i]);
	size_t k = 0;
	for (size_t i = 0; i < keys.n; i++) {
		const char *ro = extra_of(o, keys.v[i]), *ra = extra_of(a, keys.v[i]),
			   *rb = extra_of(b, keys.v[i]);
		ro = ro ? ro : "", ra = ra ? ra : "", rb = rb ? rb : "";
		const char *want;
		if (!strcmp(ra, rb) || !strcmp(rb, ro)) {
			want = ra;
		} else if (!strcmp(ra, ro)) {
			want = rb;
		} else {
			want = strcmp(ra, rb) > 0 ? ra : rb;
			const char *lose = want == ra ? rb : ra;
			char field[64];
			sd_stamp at = 0;
			fold_key(field, sizeof(field), keys.v[i]);
			conflicts++;
			seen.key_conflicts++;
			CHECK(count_records(m, a, b, field, lose, want, &at) == 1,
			      "%s: key %s: '%s' lost to '%s' and is recorded once", what, keys.v[i],
			      lose, want);
			CHECK(at == when + 1, "%s: key %s: record dated by the later updated", what,
			      keys.v[i]);
		}
		if (!*want)
			continue;
		CHECK(k < m->nextra && !strcmp(m->extra[k].key, keys.v[i]) &&
			      !strcmp(m->extra[k].raw, want),
		      "%s: unknown key %zu: want %s = '%s', got %s = '%s'", what, k, keys.v[i],
		      want, k < m->nextra ? m->extra[k].key : "(none)",
		      k < m->nextra ? m->extra[k].raw : "");
		k++;
	}
	CHECK(k == m->nextra, "%s: %zu unknown keys, got %zu", what, k, m->nextra);
	sd_strvec_clear(&keys);
	sd_strvec_clear(&fresh);

	/* The description: three-way; both changed, the greater text. */
	{
		const char *od = o ? o->description : "", *ad = a->description,
			   *bd = b->description;
		const char *want;
		if (!strcmp(ad, bd) || !strcmp(bd, od)) {
			want = ad;
		} else if (!strcmp(ad, od)) {
			want = bd;
		} else {
			want = strcmp(ad, bd) > 0 ? ad : bd;
			const char *lose = want == ad ? bd : ad;
			conflicts++;
			seen.desc_conflicts++;
			CHECK(count_records(m, a, b, "description", lose, want, NULL) == 1,
			      "%s: description '%s' lost to '%s' and is recorded once", what, lose,
			      want);
		}
		CHECK(!strcmp(want, m->description), "%s: description: want '%s', got '%s'", what,
		      want, m->description);
	}

	/* The timeline: every entry of either side, by id; an entry edited on
	 * one side only takes that edit; edited on both, one of the two. */
	size_t ids = 0;
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < sides[s]->nentries; i++) {
			const struct sd_entry *e = &sides[s]->entries[i];
			if (s == 1 && find_entry(a, e->id))
				continue;
			ids++;
			const struct sd_entry *em = find_entry(m, e->id),
					      *ea = find_entry(a, e->id),
					      *eb = find_entry(b, e->id),
					      *eo = find_entry(o, e->id);
			CHECK(em != NULL, "%s: entry %s of %s is kept", what, e->id,
			      s ? "theirs" : "ours");
			if (!em)
				continue;
			const struct sd_entry *want = NULL;
			if (!eb)
				want = ea;
			else if (!ea)
				want = eb;
			else if (entry_same(ea, eb) || (eo && entry_same(eo, eb)))
				want = ea;
			else if (eo && entry_same(eo, ea))
				want = eb;
			if (want)
				CHECK(entry_same(em, want), "%s: entry %s keeps the right version",
				      what, e->id);
			else
				seen.both_edited++;
			if (!want)
				CHECK(entry_same(em, ea) || entry_same(em, eb),
				      "%s: entry %s edited on both sides is one of them", what,
				      e->id);
		}
	CHECK(m->nentries == ids + conflicts,
	      "%s: %zu entries: %zu of the sides and %zu conflict records, got %zu", what,
	      ids + conflicts, ids, conflicts, m->nentries);
	CHECK(count_new(m, a, b) == conflicts, "%s: %zu records added, want %zu", what,
	      count_new(m, a, b), conflicts);
	for (size_t i = 1; i < m->nentries; i++)
		CHECK(m->entries[i - 1].at < m->entries[i].at ||
			      (m->entries[i - 1].at == m->entries[i].at &&
			       strcmp(m->entries[i - 1].id, m->entries[i].id) < 0),
		      "%s: entries in time then id order at %zu", what, i);
}

/* merge(o, a, b) and merge(o, b, a) write the same text; returns it. */
static char *check_symmetric(const struct sd_ticket *o, const struct sd_ticket *a,
			     const struct sd_ticket *b, const char *what)
{
	char *ab = merge_text(o, a, b), *ba = merge_text(o, b, a);
	CHECK(!strcmp(ab, ba),
	      "%s: merge(o, a, b) == merge(o, b, a)\n--- merge(o, a, b)\n%s\n--- merge(o, b, a)\n%s",
	      what, ab, ba);
	free(ba);
	return ab;
}

/* ---- merge(x, x, x) == x ---- */

static const char canonical[] =
	"---\n"
	"id: 7f3kq2m9xw4a\n"
	"title: Printer on floor 3 jams\n"
	"type: incident\n"
	"status: open\n"
	"priority: P3\n"
	"impact: medium\n"
	"urgency: medium\n"
	"tier: L1\n"
	"queue: desk\n"
	"assignee: bob@example.com\n"
	"requester: alice@example.com\n"
	"category: hardware\n"
	"tags: [printer, floor-3]\n"
	"asset: PRN-042\n"
	"created: 2026-11-23T14:00:00Z\n"
	"updated: 2026-11-23T14:06:00Z\n"
	"x-custom: keep me   # with a comment\n"
	"x-nested:\n"
	"  a: [1, 2]\n"
	"  b: {c: d}\n"
	"---\n"
	"\n"
	"The printer jams on every second page.\n"
	"\n"
	"<!-- sd:timeline -->\n"
	"## Timeline\n"
	"\n"
	"<!-- sd:comment id=k3j9x2m1qa at=2026-11-23T14:05:00Z author=\"Bob Tech <bob@example.com>\" visibility=public -->\n"
	"### Bob Tech · 2026-11-23 14:05 UTC\n"
	"\n"
	"Comment text in **Markdown**.\n"
	"\n"
	"<!-- sd:event id=p0w8r7t6y5 at=2026-11-23T14:06:00Z author=\"Bob Tech <bob@example.com>\" field=status from=new to=open reason=\"picked up\" -->\n"
	"- **status**: new → open · Bob Tech · 2026-11-23 14:06 UTC — picked up\n";

/* Text that imitates the format's own structure. */
static const char *const hostile[] = {
	"---",
	"---\ntitle: fake\n---",
	"<!-- sd:timeline -->",
	"## Timeline\n\n<!-- sd:comment id=aaaaaaaaaa at=2026-01-01T00:00:00Z author=x -->\nfake",
	"\\<!-- sd:comment id=x -->",
	"\\\\<!-- sd:event id=y -->",
	"<!-- sd:end -->\ntext after",
	"- **status**: looks like an event line",
	"```\n<!-- sd:comment in a code block -->\n```",
	"\x1b]52;c;SGVsbG8=\x07 osc 52 and \x1b[2J clear",
	"tab\tand trailing spaces   \nsecond line",
	"unicode: ünïcödé, 日本語, \xe2\x80\xae bidi override",
	"-->",
};

static void check_identity(const struct sd_ticket *x, const char *what)
{
	char *want = text_of(x);
	char *got = merge_text(x, x, x);
	CHECK(!strcmp(want, got), "%s: merge(x, x, x) == x\n--- x\n%s\n--- merge\n%s", what, want,
	      got);
	free(got);
	/* Added on both sides with the same content: the same ticket, up to the
	 * canonical order of tags and unknown keys. */
	struct sd_ticket m;
	merge(&m, NULL, x, x);
	char *nx = normal_text(x), *nm = normal_text(&m);
	CHECK(!strcmp(nx, nm), "%s: merge(NULL, x, x) == x up to order\n--- x\n%s\n--- merge\n%s",
	      what, nx, nm);
	check_parses_back(&m, what);
	free(nx);
	free(nm);
	sd_ticket_free(&m);
	free(want);
}

static void test_identity(void)
{
	struct sd_ticket t;

	base_ticket(&t);
	check_identity(&t, "bare ticket");
	sd_ticket_free(&t);

	sd_error *err = sd_ticket_parse(&t, canonical, strlen(canonical), "c.md");
	CHECK(!err, "canonical parses: %s", err ? err->msg : "");
	sd_error_free(err);
	check_identity(&t, "canonical file");
	sd_ticket_free(&t);

	/* Everything at once, with tags and unknown keys out of sorted order. */
	base_ticket(&t);
	set_tags(&t, "vpn, printer, floor-3, a");
	set_extra_raw(&t, "x-z: last   # a comment\n");
	set_extra_raw(&t, "x-nested:\n  a: [1, 2]\n  b: {c: d}\n");
	set_extra_raw(&t, "X-Upper: \"-->\"\n");
	set_extra_raw(&t, "note: |\n  two\n  lines\n");
	set_desc(&t, "The printer jams.\n\n<!-- sd:timeline -->\n\\<!-- sd:comment -->");
	sd_ticket_set(&t, SD_F_ASSIGNEE, "bob@example.com");
	sd_ticket_set(&t, SD_F_VENDOR, "acme");
	for (size_t i = 0; i < NELEM(hostile); i++)
		add_comment(&t, i % 2 ? "Eve -- <eve@example.com>" : "Bob Tech <bob@example.com>",
			    AT(10 + (int)(i % 4)), (int)(i % 3 == 0), hostile[i]);
	change(&t, SD_F_STATUS, "open", "Bob Tech <bob@example.com>", AT(20));
	change(&t, SD_F_PRIORITY, "P2", "Bob Tech <bob@example.com>", AT(20));
	change(&t, SD_F_TAGS, "vpn, printer, floor-3, a, urgent", "Bob <b@x>", AT(21));
	add_event(&t, "sd sla <sd@sla.invalid>", AT(22), "sla", "", "breached",
		  "--> hostile reason");
	set_time(&t, SD_F_UPDATED, AT(30));
	check_identity(&t, "rich ticket");
	for (size_t i = 0; i < NELEM(hostile); i++) {
		struct sd_ticket h;
		base_ticket(&h);
		sd_ticket_set(&h, SD_F_TITLE, hostile[i]);
		sd_ticket_set(&h, SD_F_ASSET, hostile[i]);
		set_desc(&h, hostile[i]);
		add_comment(&h, "Eve <eve@example.com>", AT(1), 0, hostile[i]);
		add_event(&h, "Eve -- <eve@example.com>", AT(2), "status", hostile[i], "open",
			  hostile[i]);
		char what[64];
		snprintf(what, sizeof(what), "hostile ticket %zu", i);
		check_identity(&h, what);
		sd_ticket_free(&h);
	}

	/* A ticket holding an earlier merge's record. */
	struct sd_ticket o, a, b, m;
	clone(&o, &t);
	clone(&a, &t);
	clone(&b, &t);
	change(&a, SD_F_STATUS, "pending", "Alice <alice@example.com>", AT(40));
	change(&b, SD_F_STATUS, "on-hold", "Bob <bob@example.com>", AT(41));
	merge(&m, &o, &a, &b);
	check_identity(&m, "ticket with a merge record");
	sd_ticket_free(&o);
	sd_ticket_free(&a);
	sd_ticket_free(&b);
	sd_ticket_free(&m);
	sd_ticket_free(&t);
}

/* ---- field rules ---- */

struct field_case {
	const char *what;
	enum sd_field f;
	const char *o;
	const char *a; /* the value ours ends with */
	int ta;	       /* when ours changed it (T0 + ta), by an event; 0: by hand */
	const char *b;
	int tb;
	const char *want;
	int conflict;
	int at; /* the conflict record's time, T0 + at */
};

/* Ours is updated at T0 + 40 s and theirs at T0 + 50 s: a conflict with no
 * event on either side is dated 1 ms after T0 + 50 s. */
static const struct field_case field_cases[] = {
	{ "changed on ours only", SD_F_STATUS, "new", "open", 10, "new", 0, "open", 0, 0 },
	{ "changed on theirs only", SD_F_STATUS, "new", "new", 0, "pending", 10, "pending", 0, 0 },
	{ "changed by hand on one side", SD_F_CATEGORY, "hw", "hw", 0, "network", 0, "network", 0,
	  0 },
	{ "both to the same value", SD_F_STATUS, "new", "open", 10, "open", 20, "open", 0, 0 },
	{ "both, theirs later", SD_F_STATUS, "new", "open", 10, "pending", 20, "pending", 1, 20 },
	{ "both, ours later (and smaller)", SD_F_STATUS, "new", "open", 30, "pending", 20, "open",
	  1, 30 },
	{ "both at one time: greater value", SD_F_STATUS, "new", "open", 10, "pending", 10,
	  "pending", 1, 10 },
	{ "priority, same time", SD_F_PRIORITY, "P3", "P1", 10, "P2", 10, "P2", 1, 10 },
	{ "priority, later smaller", SD_F_PRIORITY, "P3", "P1", 20, "P2", 10, "P1", 1, 20 },
	{ "tier, same time", SD_F_TIER, "L1", "L2", 10, "L3", 10, "L3", 1, 10 },
	{ "tier, later smaller", SD_F_TIER, "L1", "L2", 15, "L3", 10, "L2", 1, 15 },
	{ "assignee, both by hand", SD_F_ASSIGNEE, "", "alice", 0, "bob", 0, "bob", 1, 50 },
	{ "assignee, event beats hand", SD_F_ASSIGNEE, "", "zed", 0, "bob", 5, "bob", 1, 5 },
	{ "assignee cleared later", SD_F_ASSIGNEE, "carol", "", 20, "bob", 10, "", 1, 20 },
	{ "assignee cleared earlier", SD_F_ASSIGNEE, "carol", "", 10, "bob", 20, "bob", 1, 20 },
	{ "title by hand, hostile", SD_F_TITLE, "Printer jams", "a: b", 0, "---", 0, "a: b", 1,
	  50 },
	{ "title on one side, hostile", SD_F_TITLE, "Printer jams", "Printer jams", 0,
	  "<!-- sd:comment -->", 0, "<!-- sd:comment -->", 0, 0 },
	{ "optional key on one side", SD_F_KEY, "", "INC-1", 10, "", 0, "INC-1", 0, 0 },
	{ "optional vendor on both", SD_F_VENDOR, "", "acme", 10, "globex", 12, "globex", 1, 12 },
	{ "vendor_ref, same time", SD_F_VENDOR_REF, "", "A-1", 12, "B-1", 12, "B-1", 1, 12 },
	{ "queue both", SD_F_QUEUE, "desk", "network", 7, "apps", 7, "network", 1, 7 },
	{ "impact both", SD_F_IMPACT, "medium", "high", 9, "low", 8, "high", 1, 9 },
};

static void apply_side(struct sd_ticket *t, enum sd_field f, const char *v, int at, int updated)
{
	if (strcmp(sd_ticket_get(t, f), v)) {
		if (at)
			change(t, f, v, "Alice <alice@example.com>", AT(at));
		else
			sd_ticket_set(t, f, v);
	}
	set_time(t, SD_F_UPDATED, AT(updated));
}

static void test_field_rules(void)
{
	for (size_t i = 0; i < NELEM(field_cases); i++) {
		const struct field_case *c = &field_cases[i];
		struct sd_ticket o, a, b, m, r;
		base_ticket(&o);
		sd_ticket_set(&o, c->f, c->o);
		clone(&a, &o);
		clone(&b, &o);
		apply_side(&a, c->f, c->a, c->ta, 40);
		apply_side(&b, c->f, c->b, c->tb, 50);
		merge(&m, &o, &a, &b);
		merge(&r, &o, &b, &a);
		const char *name = sd_fields[c->f].name;
		CHECK(!strcmp(c->want, sd_ticket_get(&m, c->f)) &&
			      !strcmp(c->want, sd_ticket_get(&r, c->f)),
		      "%s: %s: want '%s', got '%s' / '%s' (swapped)", c->what, name, c->want,
		      sd_ticket_get(&m, c->f), sd_ticket_get(&r, c->f));
		const char *lose = !strcmp(c->want, c->a) ? c->b : c->a;
		sd_stamp at = 0;
		size_t n = count_records(&m, &a, &b, name, lose, c->want, &at);
		CHECK(n == (size_t)c->conflict, "%s: %zu records of '%s' losing, want %d", c->what,
		      n, lose, c->conflict);
		if (c->conflict)
			CHECK(at == AT(c->at) + 1, "%s: record dated T0+%lld, want T0+%d", c->what,
			      (long long)((at - 1 - T0) / 1000), c->at);
		CHECK(count_new(&m, &a, &b) == (size_t)c->conflict, "%s: %zu records added",
		      c->what, count_new(&m, &a, &b));
		char *ta = text_of(&m), *tb = text_of(&r);
		CHECK(!strcmp(ta, tb), "%s: symmetric\n%s\n---\n%s", c->what, ta, tb);
		free(ta);
		free(tb);
		check_rules(&o, &a, &b, &m, c->what);
		check_parses_back(&m, c->what);
		sd_ticket_free(&o);
		sd_ticket_free(&a);
		sd_ticket_free(&b);
		sd_ticket_free(&m);
		sd_ticket_free(&r);
	}
}

/* The same conflict merged in two clones is recorded once when the clones
 * meet again, even after each went on working. */
static void test_conflict_recorded_once(void)
{
	struct sd_ticket o, a, b, b2, m1, m2, m3, c1, c2, r;
	base_ticket(&o);
	set_desc(&o, "Printer jams.");
	clone(&a, &o);
	clone(&b, &o);
	change(&a, SD_F_STATUS, "open", "Alice <alice@example.com>", AT(10));
	set_desc(&a, "Printer jams on page 2.");
	set_time(&a, SD_F_UPDATED, AT(10));
	change(&b, SD_F_STATUS, "pending", "Bob <bob@example.com>", AT(20));
	set_desc(&b, "Printer jams on every page.");
	set_time(&b, SD_F_UPDATED, AT(20));

	merge(&m1, &o, &a, &b); /* clone 1 */
	merge(&m2, &o, &b, &a); /* clone 2 */
	char *t1 = text_of(&m1), *t2 = text_of(&m2);
	CHECK_STR(t1, t2, "both clones merge to the same text");
	free(t1);
	free(t2);
	CHECK(count_events(&m1, "status", "open", "pending", NULL) == 1,
	      "status conflict recorded");
	CHECK(count_events(&m1, "description", "Printer jams on every page.",
			   "Printer jams on page 2.", NULL) == 1,
	      "description conflict recorded");

	/* Each clone goes on; then they meet, with either base. */
	clone(&c1, &m1);
	clone(&c2, &m2);
	add_comment(&c1, "Alice <alice@example.com>", AT(30), 0, "on it");
	set_time(&c1, SD_F_UPDATED, AT(30));
	add_comment(&c2, "Bob <bob@example.com>", AT(31), 1, "me too");
	set_time(&c2, SD_F_UPDATED, AT(31));
	const struct sd_ticket *bases[] = { &m1, &o, NULL };
	for (size_t i = 0; i < NELEM(bases); i++) {
		char *s = check_symmetric(bases[i], &c1, &c2, "clones meet");
		free(s);
		merge(&m3, bases[i], &c1, &c2);
		CHECK(count_events(&m3, "status", "open", "pending", NULL) == 1,
		      "base %zu: status conflict still recorded once", i);
		CHECK(count_events(&m3, "description", "Printer jams on every page.",
				   "Printer jams on page 2.", NULL) == 1,
		      "base %zu: description conflict still recorded once", i);
		CHECK(m3.nentries == c1.nentries + 1, "base %zu: %zu entries, want %zu", i,
		      m3.nentries, c1.nentries + 1);
		check_parses_back(&m3, "clones meet");
		sd_ticket_free(&m3);
	}

	/* Clone 2 merged later, after theirs moved on: the description record
	 * then carries another time, but the same id, and is kept once. */
	clone(&b2, &b);
	add_comment(&b2, "Bob <bob@example.com>", AT(25), 0, "later");
	set_time(&b2, SD_F_UPDATED, AT(25));
	sd_ticket_free(&m2);
	merge(&m2, &o, &a, &b2);
	merge(&r, &o, &m1, &m2);
	CHECK(count_events(&r, "description", "Printer jams on every page.",
			   "Printer jams on page 2.", NULL) == 1,
	      "description conflict merged from two clones is recorded once");
	char *s = check_symmetric(&o, &m1, &m2, "records at different times");
	free(s);

	sd_ticket_free(&o);
	sd_ticket_free(&a);
	sd_ticket_free(&b);
	sd_ticket_free(&b2);
	sd_ticket_free(&m1);
	sd_ticket_free(&m2);
	sd_ticket_free(&c1);
	sd_ticket_free(&c2);
	sd_ticket_free(&r);
}

/* ---- tags ---- */

struct tags_case {
	const char *what;
	const char *o; /* NULL: no base */
	const char *a, *b, *want;
};

static const struct tags_case tags_cases[] = {
	{ "unchanged", "printer, vpn", "printer, vpn", "printer, vpn", "printer, vpn" },
	{ "added on ours", "a, b", "a, b, c", "a, b", "a, b, c" },
	{ "added on theirs", "a, b", "a, b", "a, b, c", "a, b, c" },
	{ "removed on ours, added on theirs", "a, b", "b", "a, b, d", "b, d" },
	{ "removed on theirs", "a, b, c", "a, b, c", "a, c", "a, c" },
	{ "added on both, kept once", "x", "x, q", "q, x", "x, q" },
	{ "removed on both", "a, b", "b", "b", "b" },
	{ "all removed on one side", "a", "", "a", "" },
	{ "additions sorted after the base", "m", "m, z, c", "m, k", "m, c, k, z" },
	{ "base order kept", "z, a", "a, z", "z, a, b", "z, a, b" },
	{ "removed and added", "old, keep", "keep, new", "old, keep, other", "keep, new, other" },
	{ "unicode", "ünï", "ünï, äb", "ünï, ab", "ünï, ab, äb" },
	{ "no base: union sorted", NULL, "b, a", "c, a", "a, b, c" },
	{ "no base: one side empty", NULL, "", "z, y", "y, z" },
};

static void test_tags(void)
{
	for (size_t i = 0; i < NELEM(tags_cases); i++) {
		const struct tags_case *c = &tags_cases[i];
		struct sd_ticket o, a, b, m;
		base_ticket(&o);
		if (c->o)
			set_tags(&o, c->o);
		clone(&a, &o);
		clone(&b, &o);
		set_tags(&a, c->a);
		set_tags(&b, c->b);
		char *s = check_symmetric(c->o ? &o : NULL, &a, &b, c->what);
		free(s);
		merge(&m, c->o ? &o : NULL, &a, &b);
		char *got = tags_text(&m);
		CHECK(!strcmp(c->want, got), "tags %s: want [%s], got [%s]", c->what, c->want, got);
		free(got);
		CHECK(m.nentries == 0, "tags %s: no record for tags", c->what);
		check_rules(c->o ? &o : NULL, &a, &b, &m, c->what);
		check_parses_back(&m, c->what);
		sd_ticket_free(&o);
		sd_ticket_free(&a);
		sd_ticket_free(&b);
		sd_ticket_free(&m);
	}
}

/* ---- unknown keys ---- */

struct extra_case {
	const char *what;
	int no_base;
	const char *o[4], *a[4], *b[4]; /* raw lines; the key is what precedes ':' */
	const char *want[5];
	const char *field, *from, *to; /* the conflict record, or NULL */
};

static const struct extra_case extra_cases[] = {
	{ "kept",
	  0,
	  { "x-a: 1\n", "x-b: [1, 2]\n" },
	  { "x-a: 1\n", "x-b: [1, 2]\n" },
	  { "x-a: 1\n", "x-b: [1, 2]\n" },
	  { "x-a: 1\n", "x-b: [1, 2]\n" },
	  NULL,
	  NULL,
	  NULL },
	{ "added on ours",
	  0,
	  { "x-a: 1\n" },
	  { "x-a: 1\n", "x-new: n\n" },
	  { "x-a: 1\n" },
	  { "x-a: 1\n", "x-new: n\n" },
	  NULL,
	  NULL,
	  NULL },
	{ "added on theirs",
	  0,
	  { "x-a: 1\n" },
	  { "x-a: 1\n" },
	  { "x-new: n\n", "x-a: 1\n" },
	  { "x-a: 1\n", "x-new: n\n" },
	  NULL,
	  NULL,
	  NULL },
	{ "deleted on ours",
	  0,
	  { "x-a: 1\n", "x-b: 2\n" },
	  { "x-b: 2\n" },
	  { "x-a: 1\n", "x-b: 2\n" },
	  { "x-b: 2\n" },
	  NULL,
	  NULL,
	  NULL },
	{ "deleted on theirs",
	  0,
	  { "x-a: 1\n", "x-b: 2\n" },
	  { "x-a: 1\n", "x-b: 2\n" },
	  { "x-a: 1\n" },
	  { "x-a: 1\n" },
	  NULL,
	  NULL,
	  NULL },
	{ "deleted on both",
	  0,
	  { "x-a: 1\n", "x-b: 2\n" },
	  { "x-a: 1\n" },
	  { "x-a: 1\n" },
	  { "x-a: 1\n" },
	  NULL,
	  NULL,
	  NULL },
	{ "changed on ours",
	  0,
	  { "x-a: 1\n" },
	  { "x-a: 2\n" },
	  { "x-a: 1\n" },
	  { "x-a: 2\n" },
	  NULL,
	  NULL,
	  NULL },
	{ "changed on both the same",
	  0,
	  { "x-a: 1\n" },
	  { "x-a: 2\n" },
	  { "x-a: 2\n" },
	  { "x-a: 2\n" },
	  NULL,
	  NULL,
	  NULL },
	{ "changed on both differently",
	  0,
	  { "x-a: 1\n" },
	  { "x-a: 2\n" },
	  { "x-a: 3\n" },
	  { "x-a: 3\n" },
	  "x-a",
	  "x-a: 2\n",
	  "x-a: 3\n" },
	{ "changed on both, ours greater",
	  0,
	  { "x-a: 1\n" },
	  { "x-a: 9\n" },
	  { "x-a: 3\n" },
	  { "x-a: 9\n" },
	  "x-a",
	  "x-a: 3\n",
	  "x-a: 9\n" },
	{ "deleted on ours, changed on theirs",
	  0,
	  { "x-a: 1\n" },
	  { NULL },
	  { "x-a: 2\n" },
	  { "x-a: 2\n" },
	  "x-a",
	  "",
	  "x-a: 2\n" },
	{ "added on both differently",
	  0,
	  { NULL },
	  { "x-n: a\n" },
	  { "x-n: b\n" },
	  { "x-n: b\n" },
	  "x-n",
	  "x-n: a\n",
	  "x-n: b\n" },
	{ "uppercase key folds in the record",
	  0,
	  { "X-Up: 1\n" },
	  { "X-Up: 2\n" },
	  { "X-Up: 3\n" },
	  { "X-Up: 3\n" },
	  "x-up",
	  "X-Up: 2\n",
	  "X-Up: 3\n" },
	{ "nested block",
	  0,
	  { "x-nested:\n  a: 1\n" },
	  { "x-nested:\n  a: 2\n  b: [1, 2]\n" },
	  { "x-nested:\n  a: 3   # comment\n" },
	  { "x-nested:\n  a: 3   # comment\n" },
	  "x-nested",
	  "x-nested:\n  a: 2\n  b: [1, 2]\n",
	  "x-nested:\n  a: 3   # comment\n" },
	{ "hostile values",
	  0,
	  { "note: plain\n" },
	  { "note: \"-->\"\n" },
	  { "note: '<!-- sd:comment -->'\n" },
	  { "note: '<!-- sd:comment -->'\n" },
	  "note",
	  "note: \"-->\"\n",
	  "note: '<!-- sd:comment -->'\n" },
	{ "base order, then new keys sorted",
	  0,
	  { "x-b: 1\n", "x-a: 1\n" },
	  { "x-b: 1\n", "x-a: 1\n", "x-d: 1\n" },
	  { "x-c: 1\n", "x-a: 1\n", "x-b: 1\n" },
	  { "x-b: 1\n", "x-a: 1\n", "x-c: 1\n", "x-d: 1\n" },
	  NULL,
	  NULL,
	  NULL },
	{ "no base: union sorted",
	  1,
	  { NULL },
	  { "x-z: 1\n", "x-a: 1\n" },
	  { "x-m: 1\n" },
	  { "x-a: 1\n", "x-m: 1\n", "x-z: 1\n" },
	  NULL,
	  NULL,
	  NULL },
	{ "no base: same key differs",
	  1,
	  { NULL },
	  { "x-a: 1\n" },
	  { "x-a: 2\n" },
	  { "x-a: 2\n" },
	  "x-a",
	  "x-a: 1\n",
	  "x-a: 2\n" },
};

static void set_extras(struct sd_ticket *t, const char *const *raws)
{
	while (t->nextra)
		set_extra(t, t->extra[0].key, NULL);
	for (size_t i = 0; i < 4 && raws[i]; i++)
		set_extra_raw(t, raws[i]);
}

static void test_unknown_keys(void)
{
	for (size_t i = 0; i < NELEM(extra_cases); i++) {
		const struct extra_case *c = &extra_cases[i];
		struct sd_ticket o, a, b, m;
		base_ticket(&o);
		set_extras(&o, c->o);
		clone(&a, &o);
		clone(&b, &o);
		set_extras(&a, c->a);
		set_extras(&b, c->b);
		set_time(&a, SD_F_UPDATED, AT(40));
		set_time(&b, SD_F_UPDATED, AT(50));
		/* The sides as files, so the keys are what a parse keeps. */
		struct sd_ticket pa, pb;
		clone(&pa, &a);
		clone(&pb, &b);
		const struct sd_ticket *base = c->no_base ? NULL : &o;
		char *s = check_symmetric(base, &pa, &pb, c->what);
		free(s);
		merge(&m, base, &pa, &pb);
		size_t n = 0;
		while (n < 5 && c->want[n])
			n++;
		CHECK(m.nextra == n, "keys %s: %zu keys, want %zu", c->what, m.nextra, n);
		for (size_t k = 0; k < n && k < m.nextra; k++)
			CHECK_STR(c->want[k], m.extra[k].raw, c->what);
		if (c->field) {
			sd_stamp at = 0;
			CHECK(count_events(&m, c->field, c->from, c->to, &at) == 1,
			      "keys %s: conflict recorded as %s: '%s' -> '%s'", c->what, c->field,
			      c->from, c->to);
			CHECK(at == AT(50) + 1, "keys %s: record dated by the later updated",
			      c->what);
		}
		CHECK(m.nentries == (c->field ? 1u : 0u), "keys %s: %zu entries", c->what,
		      m.nentries);
		check_rules(base, &pa, &pb, &m, c->what);
		check_parses_back(&m, c->what);
		sd_ticket_free(&o);
		sd_ticket_free(&a);
		sd_ticket_free(&b);
		sd_ticket_free(&pa);
		sd_ticket_free(&pb);
		sd_ticket_free(&m);
	}
}

/* ---- description ---- */

struct desc_case {
	const char *what;
	const char *o, *a, *b, *want;
	int conflict;
};

static const struct desc_case desc_cases[] = {
	{ "changed on ours", "Printer jams.", "Printer jams badly.", "Printer jams.",
	  "Printer jams badly.", 0 },
	{ "changed on theirs", "Printer jams.", "Printer jams.", "It is the toner.",
	  "It is the toner.", 0 },
	{ "changed on both the same", "x", "y", "y", "y", 0 },
	{ "changed on both", "Printer jams.", "Printer jams on every page.",
	  "Printer jams on page 2.", "Printer jams on page 2.", 1 },
	{ "hostile on both", "", "---\ntitle: fake\n---",
	  "## Timeline\n\n<!-- sd:comment id=aaaaaaaaaa at=2026-01-01T00:00:00Z author=x -->\nfake",
	  "---\ntitle: fake\n---", 1 },
	{ "emptied on one side", "text", "", "text", "", 0 },
	{ "emptied on one, changed on the other", "text", "", "new text", "new text", 1 },
	{ "escaped markers", "a", "\\<!-- sd:comment id=x -->", "\\\\<!-- sd:event id=y -->",
	  "\\\\<!-- sd:event id=y -->", 1 },
};

static void test_description(void)
{
	for (size_t i = 0; i < NELEM(desc_cases); i++) {
		const struct desc_case *c = &desc_cases[i];
		struct sd_ticket o, a, b, m;
		base_ticket(&o);
		set_desc(&o, c->o);
		clone(&a, &o);
		clone(&b, &o);
		set_desc(&a, c->a);
		set_desc(&b, c->b);
		set_time(&a, SD_F_UPDATED, AT(40));
		set_time(&b, SD_F_UPDATED, AT(50));
		char *s = check_symmetric(&o, &a, &b, c->what);
		free(s);
		merge(&m, &o, &a, &b);
		CHECK_STR(c->want, m.description, c->what);
		const char *lose = !strcmp(c->want, c->a) ? c->b : c->a;
		sd_stamp at = 0;
		CHECK(count_events(&m, "description", lose, c->want, &at) == (size_t)c->conflict,
		      "description %s: record of the loser", c->what);
		CHECK(m.nentries == (size_t)c->conflict, "description %s: %zu entries", c->what,
		      m.nentries);
		if (c->conflict)
			CHECK(at == AT(50) + 1, "description %s: record dated by the later updated",
			      c->what);
		check_rules(&o, &a, &b, &m, c->what);
		check_parses_back(&m, c->what);
		sd_ticket_free(&o);
		sd_ticket_free(&a);
		sd_ticket_free(&b);
		sd_ticket_free(&m);
	}
}

/* ---- timeline ---- */

static struct sd_entry *entry_at(struct sd_ticket *t, const char *id)
{
	for (size_t i = 0; i < t->nentries; i++)
		if (!strcmp(t->entries[i].id, id))
			return &t->entries[i];
	return NULL;
}

static void edit_comment(struct sd_ticket *t, const char *id, const char *author, const char *body)
{
	struct sd_entry *e = entry_at(t, id);
	CHECK(e != NULL, "entry %s to edit", id);
	if (!e)
		return;
	if (author) {
		free(e->author);
		e->author = sd_xstrdup(author);
	}
	if (body) {
		free(e->body);
		e->body = sd_xstrdup(body);
	}
}

static void test_timeline(void)
{
	struct sd_ticket o, a, b, m;
	base_ticket(&o);
	add_comment(&o, "Alice <alice@example.com>", AT(1), 0, "printer jams");
	char *c0 = sd_xstrdup(o.entries[0].id);
	clone(&a, &o);
	clone(&b, &o);
	add_comment(&a, "Alice <alice@example.com>", AT(30), 0, "ours late");
	add_comment(&a, "Alice <alice@example.com>", AT(10), 1, "ours tie");
	change(&a, SD_F_PRIORITY, "P2", "Alice <alice@example.com>", AT(10));
	add_comment(&b, "Bob <bob@example.com>", AT(20), 0, "theirs");
	add_comment(&b, "Bob <bob@example.com>", AT(10), 0, "theirs tie");
	add_event(&b, "sd sla <sd@sla.invalid>", AT(10), "sla", "", "breached", "");
	char *s = check_symmetric(&o, &a, &b, "union of entries");
	free(s);
	merge(&m, &o, &a, &b);
	CHECK(m.nentries == 7, "union: 7 entries, got %zu", m.nentries);
	check_rules(&o, &a, &b, &m, "union of entries");
	check_parses_back(&m, "union of entries");
	sd_ticket_free(&m);

	/* An entry edited by hand on one side takes the edit, on either side. */
	struct sd_ticket a1, b1;
	clone(&a1, &a);
	clone(&b1, &b);
	edit_comment(&a1, c0, NULL, "printer jams (typo fixed)");
	s = check_symmetric(&o, &a1, &b, "edited on ours");
	free(s);
	merge(&m, &o, &a1, &b);
	CHECK(find_entry(&m, c0) && !strcmp(find_entry(&m, c0)->body, "printer jams (typo fixed)"),
	      "the edit on ours is kept");
	check_rules(&o, &a1, &b, &m, "edited on ours");
	sd_ticket_free(&m);
	edit_comment(&b1, c0, "Alice Smith <alice@example.com>", NULL);
	s = check_symmetric(&o, &a, &b1, "edited on theirs");
	free(s);
	merge(&m, &o, &a, &b1);
	CHECK(find_entry(&m, c0) &&
		      !strcmp(find_entry(&m, c0)->author, "Alice Smith <alice@example.com>"),
	      "the edit on theirs is kept");
	sd_ticket_free(&m);

	/* Edited on both sides differently: one of them, whichever the order. */
	s = check_symmetric(&o, &a1, &b1, "edited on both");
	free(s);
	merge(&m, &o, &a1, &b1);
	check_rules(&o, &a1, &b1, &m, "edited on both");
	check_parses_back(&m, "edited on both");
	sd_ticket_free(&m);

	/* Deleted by hand on one side: the timeline is a union, it stays. */
	struct sd_ticket a2;
	clone(&a2, &a);
	struct sd_entry *e = entry_at(&a2, c0);
	if (e) {
		free(e->id);
		free(e->author);
		free(e->body);
		*e = a2.entries[--a2.nentries];
		sd_ticket_sort_entries(&a2);
	}
	merge(&m, &o, &a2, &b);
	CHECK(find_entry(&m, c0) != NULL, "an entry deleted on one side is still in the union");
	s = check_symmetric(&o, &a2, &b, "deleted on ours");
	free(s);
	sd_ticket_free(&m);
	sd_ticket_free(&a2);

	/*
	 * Edited on both sides, from a file, so that the canonical texts the
	 * merge compares come out equal: ours has author "Eve<US>0<US>x" and
	 * body "y", theirs author "Eve" and body "x<US>0<US>y" (US = 0x1f,
	 * which a marker carries as \x1f and a body as is). merge.h: "merge(o,
	 * a, b) and merge(o, b, a) give the same ticket".
	 */
	struct sd_ticket a3, b3, pa, pb;
	clone(&a3, &o);
	clone(&b3, &o);
	edit_comment(&a3, c0,
		     "Eve\x1f"
		     "0\x1fx",
		     "y");
	edit_comment(&b3, c0, "Eve",
		     "x\x1f"
		     "0\x1fy");
	clone(&pa, &a3);
	clone(&pb, &b3);
	s = check_symmetric(&o, &pa, &pb, "entry edited on both sides with 0x1f in the text");
	free(s);
	sd_ticket_free(&a3);
	sd_ticket_free(&b3);
	sd_ticket_free(&pa);
	sd_ticket_free(&pb);

	free(c0);
	sd_ticket_free(&o);
	sd_ticket_free(&a);
	sd_ticket_free(&b);
	sd_ticket_free(&a1);
	sd_ticket_free(&b1);
}

/*
 * A losing value must be kept as an event (merge.h). The record's id is a
 * hash of field, winner and loser joined by 0x1f, so a later conflict whose
 * values contain 0x1f can take the id of an earlier record and be dropped.
 */
static void test_loser_with_separator(void)
{
	struct sd_ticket o, a, b, m1, a2, b2, m2;
	base_ticket(&o);
	set_desc(&o, "orig");
	clone(&a, &o);
	clone(&b, &o);
	set_desc(&a,
		 "b\x1f"
		 "a");
	set_desc(&b, "a");
	merge(&m1, &o, &a, &b);
	CHECK(count_events(&m1, "description", "a",
			   "b\x1f"
			   "a",
			   NULL) == 1,
	      "first conflict recorded");
	clone(&a2, &m1);
	clone(&b2, &m1);
	set_desc(&a2, "b");
	set_desc(&b2,
		 "a\x1f"
		 "a");
	merge(&m2, &m1, &a2, &b2);
	CHECK_STR("b", m2.description, "the greater description wins");
	CHECK(count_events(&m2, "description",
			   "a\x1f"
			   "a",
			   "b", NULL) == 1,
	      "second conflict: the losing description 'a<US>a' is kept as an event");
	sd_ticket_free(&o);
	sd_ticket_free(&a);
	sd_ticket_free(&b);
	sd_ticket_free(&m1);
	sd_ticket_free(&a2);
	sd_ticket_free(&b2);
	sd_ticket_free(&m2);
}

/* ---- both sides added the ticket ---- */

static void test_no_base(void)
{
	struct sd_ticket a, b, m;
	base_ticket(&a);
	set_time(&a, SD_F_CREATED, AT(5));
	change(&a, SD_F_STATUS, "open", "Alice <alice@example.com>", AT(20));
	sd_ticket_set(&a, SD_F_ASSIGNEE, "alice");
	set_tags(&a, "b, a");
	set_extra_raw(&a, "x-a: 1\n");
	set_desc(&a, "A");
	add_comment(&a, "Alice <alice@example.com>", AT(10), 0, "ours");
	set_time(&a, SD_F_UPDATED, AT(40));
	base_ticket(&b);
	set_time(&b, SD_F_CREATED, AT(3));
	change(&b, SD_F_STATUS, "pending", "Bob <bob@example.com>", AT(30));
	sd_ticket_set(&b, SD_F_ASSIGNEE, "bob");
	sd_ticket_set(&b, SD_F_KEY, "INC-7");
	set_tags(&b, "c, a");
	set_extra_raw(&b, "x-b: 1\n");
	set_extra_raw(&b, "x-a: 2\n");
	set_desc(&b, "B");
	add_comment(&b, "Bob <bob@example.com>", AT(11), 0, "theirs");
	set_time(&b, SD_F_UPDATED, AT(60));

	char *s = check_symmetric(NULL, &a, &b, "no base");
	free(s);
	merge(&m, NULL, &a, &b);
	CHECK_STR("pending", sd_ticket_get(&m, SD_F_STATUS), "no base: later status");
	CHECK_STR("bob", sd_ticket_get(&m, SD_F_ASSIGNEE), "no base: greater assignee");
	CHECK_STR("INC-7", sd_ticket_get(&m, SD_F_KEY), "no base: key set on one side");
	CHECK_STR("2026-11-23T14:00:03Z", sd_ticket_get(&m, SD_F_CREATED),
		  "no base: earlier created");
	char up[SD_STAMP_STRLEN];
	sd_stamp_format(up, AT(60));
	CHECK_STR(up, sd_ticket_get(&m, SD_F_UPDATED), "no base: later updated");
	char *tags = tags_text(&m);
	CHECK_STR("a, b, c", tags, "no base: tags");
	free(tags);
	CHECK(m.nextra == 2 && !strcmp(m.extra[0].raw, "x-a: 2\n") &&
		      !strcmp(m.extra[1].raw, "x-b: 1\n"),
	      "no base: unknown keys");
	CHECK_STR("B", m.description, "no base: description");
	/* 2 status events, 2 comments, and records for status, assignee, x-a,
	 * description. */
	CHECK(m.nentries == 8, "no base: 8 entries, got %zu", m.nentries);
	CHECK(count_events(&m, "status", "open", "pending", NULL) == 1, "no base: status record");
	CHECK(count_events(&m, "assignee", "alice", "bob", NULL) == 1, "no base: assignee record");
	CHECK(count_events(&m, "x-a", "x-a: 1\n", "x-a: 2\n", NULL) == 1, "no base: x-a record");
	CHECK(count_events(&m, "description", "A", "B", NULL) == 1, "no base: description record");
	check_rules(NULL, &a, &b, &m, "no base");
	check_parses_back(&m, "no base");
	sd_ticket_free(&a);
	sd_ticket_free(&b);
	sd_ticket_free(&m);
}

/* updated is the later of the two and created the earlier, with a base. */
static void test_times(void)
{
	struct sd_ticket o, a, b, m;
	base_ticket(&o);
	clone(&a, &o);
	clone(&b, &o);
	set_time(&a, SD_F_UPDATED, AT(70));
	set_time(&b, SD_F_UPDATED, AT(65));
	set_time(&b, SD_F_CREATED, AT(-5)); /* fixed by hand on one side */
	merge(&m, &o, &a, &b);
	char want[SD_STAMP_STRLEN];
	sd_stamp_format(want, AT(70));
	CHECK_STR(want, sd_ticket_get(&m, SD_F_UPDATED), "updated: the later");
	sd_stamp_format(want, AT(-5));
	CHECK_STR(want, sd_ticket_get(&m, SD_F_CREATED), "created: the earlier");
	char *s = check_symmetric(&o, &a, &b, "times");
	free(s);
	sd_ticket_free(&o);
	sd_ticket_free(&a);
	sd_ticket_free(&b);
	sd_ticket_free(&m);
}

/* ---- generated edit scripts ---- */

static const char *const authors[] = {
	"Alice <alice@example.com>",   "Bob Tech <bob@example.com>",
	"Eve -- <eve@example.com>",    "carol",
	"Zoë Ünïcode <z@example.com>",
};
static const char *const titles[] = {
	"Printer jams",	 "Printer on floor 3 jams", "yes", "a: b", "#hash",
	"ünïcode title", "<!-- sd:comment -->",	    "---",
};
static const char *const tag_pool[] = { "printer", "vpn", "floor-3", "urgent", "a", "zz", "ünï" };
static const char *const descs[] = {
	"",
	"The printer jams.",
	"The printer jams on every page.",
	"---\ntitle: fake\n---",
	"<!-- sd:timeline -->\n## Timeline",
	"\\\\<!-- sd:event id=y -->",
	"unicode: ünïcödé",
	"many\n\n\nlines",
};
static const char *const bodies[] = {
	"Printer jams again.",
	"---",
	"<!-- sd:timeline -->",
	"\\<!-- sd:comment id=x -->",
	"## Timeline\n\n<!-- sd:event id=aaaaaaaaaa at=2026-01-01T00:00:00Z author=x field=status -->",
	"-->",
	"tab\tand spaces",
	"unicode: 日本語 \xe2\x80\xae bidi",
	"a\n\n\nb",
	"```\n<!-- sd:comment in code -->\n```",
	"\x1b[2J clear",
	"ok",
};

static const char *const v_status[] = { "new",	    "open",   "pending",  "on-hold",
					"resolved", "closed", "cancelled" };
static const char *const v_priority[] = { "P1", "P2", "P3", "P4", "P5" };
static const char *const v_tier[] = { "L0", "L1", "L2", "L3", "L4" };
static const char *const v_level[] = { "high", "medium", "low" };
static const char *const v_person[] = { "", "alice@example.com", "bob@example.com", "carol" };
static const char *const v_queue[] = { "desk", "network", "" };
static const char *const v_key[] = { "", "INC-1", "INC-2" };
static const char *const v_category[] = { "hardware", "network", "" };

struct field_pool {
	enum sd_field f;
	const char *const *v;
	size_t n;
};

/* clang-format off */
#define POOL(f, a) { f, a, NELEM(a) }
/* clang-format on */
static const struct field_pool field_pools[] = {
	POOL(SD_F_STATUS, v_status),	 POOL(SD_F_PRIORITY, v_priority),
	POOL(SD_F_TIER, v_tier),	 POOL(SD_F_IMPACT, v_level),
	POOL(SD_F_ASSIGNEE, v_person),	 POOL(SD_F_TITLE, titles),
	POOL(SD_F_QUEUE, v_queue),	 POOL(SD_F_KEY, v_key),
	POOL(SD_F_CATEGORY, v_category),
};

static const struct {
	const char *key;
	const char *raw[3];
} extra_pool[] = {
	{ "x-a", { "x-a: 1\n", "x-a: 2\n", "x-a: keep me   # with a comment\n" } },
	{ "x-b", { "x-b: [1, 2]\n", "x-b: {c: d}\n", "x-b: \"-->\"\n" } },
	{ "x-sla", { "x-sla: gold\n", "x-sla: silver\n", "x-sla:\n  tier: gold\n  hours: 4\n" } },
	{ "note",
	  { "note: '<!-- sd:comment -->'\n", "note: \"---\"\n", "note: |\n  two\n  lines\n" } },
};

static void random_tags(struct sd_ticket *t, sd_stamp at, int by_event)
{
	struct sd_buf list = SD_BUF_INIT;
	sd_ticket_tags_join(t, &list);
	if (t->tags.n && rnd(2)) {
		/* Remove one. */
		size_t drop = rnd((unsigned)t->tags.n);
		sd_buf_reset(&list);
		for (size_t i = 0; i < t->tags.n; i++)
			if (i != drop)
				sd_buf_printf(&list, "%s%s", list.len ? ", " : "", t->tags.v[i]);
	} else {
		sd_buf_printf(&list, "%s%s", list.len ? ", " : "", PICK(tag_pool));
	}
	if (by_event)
		change(t, SD_F_TAGS, list.data, PICK(authors), at);
	else
		set_tags(t, list.data);
	sd_buf_release(&list);
}

static void random_extra(struct sd_ticket *t)
{
	unsigned k = rnd((unsigned)NELEM(extra_pool));
	set_extra(t, extra_pool[k].key, rnd(4) ? extra_pool[k].raw[rnd(3)] : NULL);
}

static void random_field(struct sd_ticket *t, sd_stamp at, int by_event)
{
	const struct field_pool *p = &field_pools[rnd((unsigned)NELEM(field_pools))];
	const char *v = p->v[rnd((unsigned)p->n)];
	if (by_event)
		change(t, p->f, v, PICK(authors), at);
	else
		sd_ticket_set(t, p->f, v);
}

static void gen_base(struct sd_ticket *t, sd_stamp created)
{
	base_ticket(t);
	set_time(t, SD_F_CREATED, created);
	sd_ticket_set(t, SD_F_TITLE, PICK(titles));
	for (unsigned i = rnd(4); i > 0; i--)
		random_field(t, 0, 0);
	for (unsigned i = rnd(4); i > 0; i--)
		random_tags(t, 0, 0);
	for (unsigned i = rnd(5); i > 0; i--)
		random_extra(t);
	set_desc(t, PICK(descs));
	for (unsigned i = rnd(4); i > 0; i--) {
		sd_stamp at = AT(1 + rnd(50));
		if (rnd(2))
			add_comment(t, PICK(authors), at, rnd(3) == 0, PICK(bodies));
		else
			random_field(t, at, 1);
	}
	set_time(t, SD_F_UPDATED, AT(60));
}

static void gen_edits(struct sd_ticket *t)
{
	unsigned n = rnd(8);
	sd_stamp at = AT(100);
	for (unsigned i = 0; i < n; i++) {
		at += rnd(3);
		switch (rnd(11)) {
		case 0:
		case 1:
			add_comment(t, PICK(authors), at, rnd(3) == 0, PICK(bodies));
			break;
		case 2:
		case 3:
			random_field(t, at, 1);
			break;
		case 4:
			random_field(t, at, 0);
			break;
		case 5:
			random_tags(t, at, (int)rnd(2));
			break;
		case 6:
			set_desc(t, PICK(descs));
			break;
		case 7:
		case 10:
			random_extra(t);
			break;
		case 8:
			add_event(t, PICK(authors), at, "sla", "", rnd(2) ? "breached" : "met", "");
			break;
		case 9: {
			/* A comment edited by hand. */
			if (!t->nentries)
				break;
			struct sd_entry *e = &t->entries[rnd((unsigned)t->nentries)];
			if (e->kind != SD_ENTRY_COMMENT)
				break;
			free(e->body);
			e->body = sd_xstrdup(PICK(bodies));
			break;
		}
		}
	}
	if (n)
		set_time(t, SD_F_UPDATED, at);
}

static void check_case(const struct sd_ticket *o, const struct sd_ticket *a,
		       const struct sd_ticket *b, const char *what)
{
	int failed = unit_failed;
	char *text = check_symmetric(o, a, b, what);
	struct sd_ticket m;
	merge(&m, o, a, b);
	check_rules(o, a, b, &m, what);
	check_parses_back(&m, what);

	/* Idempotent: merging the result with itself, or with a side merged
	 * again, gives the result. */
	char *again = merge_text(o, &m, &m);
	CHECK(!strcmp(text, again), "%s: merge(o, m, m) == m\n--- m\n%s\n--- again\n%s", what, text,
	      again);
	free(again);
	again = merge_text(&m, &m, &m);
	CHECK(!strcmp(text, again), "%s: merge(m, m, m) == m", what);
	free(again);
	const struct sd_ticket *sides[2] = { a, b };
	for (int s = 0; s < 2; s++) {
		again = merge_text(o, &m, sides[s]);
		CHECK(!strcmp(text, again), "%s: merge(o, m, %s) == m\n--- m\n%s\n--- again\n%s",
		      what, s ? "b" : "a", text, again);
		free(again);
		/* The side did not change against itself: m's content wins; tags
		 * and unknown keys then follow that base's order (merge.h:
		 * "base order first"), so only their sets are compared. */
		struct sd_ticket r;
		merge(&r, sides[s], &m, sides[s]);
		char *nm = normal_text(&m), *nr = normal_text(&r);
		CHECK(!strcmp(nm, nr),
		      "%s: merge(%s, m, %s) == m up to order\n--- m\n%s\n--- again\n%s", what,
		      s ? "b" : "a", s ? "b" : "a", nm, nr);
		free(nm);
		free(nr);
		sd_ticket_free(&r);
		again = merge_text(sides[s], sides[s], sides[s]);
		char *x = text_of(sides[s]);
		CHECK(!strcmp(x, again), "%s: merge(x, x, x) == x for a side", what);
		free(x);
		free(again);
	}
	if (unit_failed != failed) {
		char *to = o ? text_of(o) : sd_xstrdup("(none)"), *ta = text_of(a),
		     *tb = text_of(b);
		fprintf(stderr,
			"%s: inputs\n=== base\n%s\n=== ours\n%s\n=== theirs\n%s\n=== merged\n%s\n",
			what, to, ta, tb, text);
		free(to);
		free(ta);
		free(tb);
	}
	free(text);
	sd_ticket_free(&m);
}

static void test_random(void)
{
	memset(&seen, 0, sizeof(seen));
	for (int i = 0; i < RANDOM_CASES; i++) {
		char what[48];
		struct sd_ticket o, a, b, ea, eb;
		int no_base = i % 8 == 7;
		snprintf(what, sizeof(what), "random case %d%s", i, no_base ? " (no base)" : "");
		if (no_base) {
			gen_base(&ea, AT(rnd(5)));
			gen_base(&eb, AT(rnd(5)));
		} else {
			gen_base(&o, T0);
			clone(&ea, &o);
			clone(&eb, &o);
		}
		gen_edits(&ea);
		gen_edits(&eb);
		/* The sides as files, as git hands them to the driver. */
		clone(&a, &ea);
		clone(&b, &eb);
		check_case(no_base ? NULL : &o, &a, &b, what);
		if (!no_base)
			sd_ticket_free(&o);
		sd_ticket_free(&a);
		sd_ticket_free(&b);
		sd_ticket_free(&ea);
		sd_ticket_free(&eb);
	}
	printf("unit/merge: %d generated cases: %zu field conflicts (%zu at one time), %zu on unknown "
	       "keys, %zu on the description, %zu entries edited on both sides, %zu fields changed "
	       "alike\n",
	       RANDOM_CASES, seen.field_conflicts, seen.tie_conflicts, seen.key_conflicts,
	       seen.desc_conflicts, seen.both_edited, seen.same_value);
	CHECK(seen.field_conflicts >= 50 && seen.tie_conflicts >= 10 && seen.key_conflicts >= 20 &&
		      seen.desc_conflicts >= 20 && seen.both_edited >= 1 && seen.same_value >= 20,
	      "the generated cases reach every rule");
}

/* A problem's incidents merge as a set: links made in two clones are both
 * kept, an unlink on one side wins over an untouched link, and the
 * result is the same both ways round, with no conflict record. */
static void set_incidents(struct sd_ticket *t, const char *list)
{
	struct sd_strvec ids = SD_STRVEC_INIT;
	sd_strvec_split(&ids, list);
	sd_ticket_set_incidents(t, &ids);
	sd_strvec_clear(&ids);
}

static void test_incidents(void)
{
	static const struct {
		const char *o, *a, *b, *want;
	} cases[] = {
		{ "", "aaaaaaaaaaaa", "bbbbbbbbbbbb", "aaaaaaaaaaaa, bbbbbbbbbbbb" },
		{ "aaaaaaaaaaaa", "aaaaaaaaaaaa, cccccccccccc", "", "cccccccccccc" },
		{ "aaaaaaaaaaaa, bbbbbbbbbbbb", "bbbbbbbbbbbb", "aaaaaaaaaaaa, bbbbbbbbbbbb",
		  "bbbbbbbbbbbb" },
		{ "", "cccccccccccc, aaaaaaaaaaaa", "aaaaaaaaaaaa", "aaaaaaaaaaaa, cccccccccccc" },
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct sd_ticket o, a, b, m1, m2;
		base_ticket(&o);
		sd_ticket_set(&o, SD_F_TYPE, "problem");
		set_incidents(&o, cases[i].o);
		clone(&a, &o);
		clone(&b, &o);
		set_incidents(&a, cases[i].a);
		set_incidents(&b, cases[i].b);
		merge(&m1, &o, &a, &b);
		merge(&m2, &o, &b, &a);
		CHECK_STR(cases[i].want, sd_ticket_get(&m1, SD_F_INCIDENTS), "incidents merged");
		CHECK_STR(cases[i].want, sd_ticket_get(&m2, SD_F_INCIDENTS), "the other way round");
		CHECK(m1.nentries == 0, "case %zu: no conflict recorded, got %zu entries", i,
		      m1.nentries);
		sd_ticket_free(&o);
		sd_ticket_free(&a);
		sd_ticket_free(&b);
		sd_ticket_free(&m1);
		sd_ticket_free(&m2);
	}
}

int main(void)
{
	test_identity();
	test_field_rules();
	test_conflict_recorded_once();
	test_tags();
	test_incidents();
	test_unknown_keys();
	test_description();
	test_timeline();
	test_loser_with_separator();
	test_no_base();
	test_times();
	test_random();
	return unit_done("unit/merge");
}
