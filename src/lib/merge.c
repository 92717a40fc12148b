/* SPDX-License-Identifier: MIT */
/* Three-way merge of a ticket: see include/sd/merge.h for the rules. */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sd/id.h"
#include "sd/merge.h"
#include "sd/util.h"

#define MERGE_AUTHOR "sd merge <sd@merge.invalid>"

/* The value a three-way merge keeps, or NULL when both sides changed it
 * differently. */
static const char *three_way(const char *o, const char *a, const char *b)
{
	if (!strcmp(a, b))
		return a;
	if (!strcmp(a, o))
		return b;
	if (!strcmp(b, o))
		return a;
	return NULL;
}

/* The time of the side's latest event for field, or 0. */
static sd_stamp last_change(const struct sd_ticket *t, const char *field)
{
	sd_stamp at = 0;
	for (size_t i = 0; i < t->nentries; i++) {
		const struct sd_entry *e = &t->entries[i];
		if (e->kind == SD_ENTRY_EVENT && !strcmp(e->field, field) && e->at > at)
			at = e->at;
	}
	return at;
}

/* The id of a conflict record comes from its content: the same conflict
 * merged in two clones yields the same entry, kept once. */
static void content_id(char out[SD_ENTRY_ID_LEN + 1], const char *a, const char *b, const char *c)
{
	const char *parts[] = { a, b, c };
	sd_id_from_content(out, SD_ENTRY_ID_LEN, parts, 3);
}

/* Lookups by key go through a sorted table, never a scan per item: a
 * hostile side may hold 100,000 entries, tags or keys, and a scan per
 * item made one merge take minutes. */
struct table {
	struct sd_keyed *v; /* rank: the item's index */
	size_t n;
};

/* Sorts the n keys put in t->v (by key, then index). */
static void table_sort(struct table *t, size_t n)
{
	t->n = n;
	sd_keyed_sort(t->v, n);
}

static void table_of_entries(struct table *t, const struct sd_ticket *tk)
{
	size_t n = tk ? tk->nentries : 0;
	t->v = sd_xmalloc((n ? n : 1) * sizeof(*t->v));
	for (size_t i = 0; i < n; i++)
		t->v[i] = (struct sd_keyed){ tk->entries[i].id, i };
	table_sort(t, n);
}

static void table_of_strings(struct table *t, const struct sd_strvec *sv)
{
	size_t n = sv ? sv->n : 0;
	t->v = sd_xmalloc((n ? n : 1) * sizeof(*t->v));
	for (size_t i = 0; i < n; i++)
		t->v[i] = (struct sd_keyed){ sv->v[i], i };
	table_sort(t, n);
}

static void table_of_extra(struct table *t, const struct sd_ticket *tk)
{
	size_t n = tk ? tk->nextra : 0;
	t->v = sd_xmalloc((n ? n : 1) * sizeof(*t->v));
	for (size_t i = 0; i < n; i++)
		t->v[i] = (struct sd_keyed){ tk->extra[i].key, i };
	table_sort(t, n);
}

/* The index of the first item with key, or SIZE_MAX. */
static size_t table_find(const struct table *t, const char *key)
{
	return sd_keyed_find(t->v, t->n, key);
}

static void table_free(struct table *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

/* The merged timeline grows only here, from empty, so its array doubles
 * whenever the count reaches a power of two (from 8): one reallocation
 * per entry copied everything each time, quadratic on a long timeline. */
static void copy_entry(struct sd_ticket *t, const struct sd_entry *e)
{
	size_t have = t->nentries;
	if (have == 0 || (have >= 8 && !(have & (have - 1))))
		t->entries = sd_xrealloc(t->entries, (have ? 2 * have : 8) * sizeof(*t->entries));
	struct sd_entry *n = &t->entries[t->nentries++];
	*n = *e;
	n->id = sd_xstrdup(e->id);
	n->author = sd_xstrdup(e->author);
	n->body = e->body ? sd_xstrdup(e->body) : NULL;
	n->field = e->field ? sd_xstrdup(e->field) : NULL;
	n->from = e->from ? sd_xstrdup(e->from) : NULL;
	n->to = e->to ? sd_xstrdup(e->to) : NULL;
	n->reason = e->reason ? sd_xstrdup(e->reason) : NULL;
	n->message_id = e->message_id ? sd_xstrdup(e->message_id) : NULL;
	n->mail_from = e->mail_from ? sd_xstrdup(e->mail_from) : NULL;
	n->mail_to = e->mail_to ? sd_xstrdup(e->mail_to) : NULL;
	n->reply_to = e->reply_to ? sd_xstrdup(e->reply_to) : NULL;
}

/* Records that `loser` lost to `winner` for field, so nothing is lost.
 * Event fields are lowercase names; an unknown key is folded to one. */
static void record_conflict(struct sd_ticket *t, const char *name, const char *winner,
			    const char *loser, sd_stamp at)
{
	char id[SD_ENTRY_ID_LEN + 1], field[64];
	size_t n = 0;
	for (const char *p = name; *p && n < sizeof(field) - 1; p++) {
		char c = (char)sd_ascii_tolower((unsigned char)*p);
		field[n++] = strchr("abcdefghijklmnopqrstuvwxyz0123456789_.-", c) && c ? c : '_';
	}
	field[n] = '\0';
	/* A record already in the timeline (the same conflict merged in
	 * another clone) is dropped once all are made: drop_repeats. */
	content_id(id, field, winner, loser);
	struct sd_entry e;
	memset(&e, 0, sizeof(e));
	e.kind = SD_ENTRY_EVENT;
	e.id = id;
	e.author = MERGE_AUTHOR;
	e.at = at;
	e.field = (char *)field;
	e.from = (char *)loser;
	e.to = (char *)winner;
	e.reason = "merge: changed on both sides; the later change is kept";
	copy_entry(t, &e);
}

/* Resolves a conflict on field: the later change (to the millisecond)
 * wins, the greater value on a tie. The record is dated 1 ms after the
 * later change, or after `when` (the later of the two sides' updated) when
 * neither has an event, so that it sorts after both changes and a replay
 * of the timeline ends at the value kept. */
static const char *decide(struct sd_ticket *out, const char *field, const char *a, sd_stamp ta,
			  const char *b, sd_stamp tb, sd_stamp when)
{
	int a_wins = ta != tb ? ta > tb : strcmp(a, b) > 0;
	const char *winner = a_wins ? a : b, *loser = a_wins ? b : a;
	sd_stamp at = ta > tb ? ta : tb;
	record_conflict(out, field, winner, loser, (at ? at : when) + 1);
	return winner;
}

/* Whether time x (text sx) is later than y, the text deciding a tie so
 * that both orders of the sides agree. */
static int later(sd_stamp x, const char *sx, sd_stamp y, const char *sy)
{
	return x != y ? x > y : strcmp(sx, sy) >= 0;
}

static int same_opt(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static int entry_equal(const struct sd_entry *x, const struct sd_entry *y)
{
	if (x->kind != y->kind || x->at != y->at || strcmp(x->author, y->author) ||
	    !same_opt(x->message_id, y->message_id) || !same_opt(x->mail_from, y->mail_from) ||
	    !same_opt(x->mail_to, y->mail_to) || !same_opt(x->reply_to, y->reply_to))
		return 0;
	if (x->kind == SD_ENTRY_COMMENT)
		return x->internal == y->internal && !strcmp(x->body, y->body);
	return !strcmp(x->field, y->field) && !strcmp(x->from, y->from) && !strcmp(x->to, y->to) &&
		!strcmp(x->reason, y->reason);
}

static const struct sd_entry *find_entry(const struct table *ids, const struct sd_ticket *t,
					 const char *id)
{
	size_t i = table_find(ids, id);
	return i == SIZE_MAX ? NULL : &t->entries[i];
}

static void key_part(struct sd_buf *out, const char *s)
{
	s = s ? s : "";
	sd_buf_printf(out, "%zu:", strlen(s));
	sd_buf_adds(out, s);
}

/* A canonical text of an entry, to choose between two edits of it:
 * length-prefixed parts, so different entries never give equal keys. */
static void entry_key(struct sd_buf *out, const struct sd_entry *e)
{
	sd_buf_printf(out, "%d:%lld:%d:", (int)e->kind, (long long)e->at, e->internal);
	key_part(out, e->author);
	key_part(out, e->body);
	key_part(out, e->field);
	key_part(out, e->from);
	key_part(out, e->to);
	key_part(out, e->reason);
	key_part(out, e->message_id);
	key_part(out, e->mail_from);
	key_part(out, e->mail_to);
	key_part(out, e->reply_to);
}

static void merge_timeline(struct sd_ticket *out, const struct sd_ticket *o,
			   const struct sd_ticket *a, const struct sd_ticket *b)
{
	struct table io, ia, ib;
	table_of_entries(&io, o);
	table_of_entries(&ia, a);
	table_of_entries(&ib, b);
	for (size_t i = 0; i < a->nentries; i++) {
		const struct sd_entry *ea = &a->entries[i], *eb = find_entry(&ib, b, ea->id);
		if (!eb || entry_equal(ea, eb)) {
			copy_entry(out, ea);
			continue;
		}
		/* Edited by hand on one or both sides: three-way, else the
		 * greater canonical text, so both orders agree. */
		const struct sd_entry *eo = find_entry(&io, o, ea->id);
		if (eo && entry_equal(eo, ea)) {
			copy_entry(out, eb);
		} else if (eo && entry_equal(eo, eb)) {
			copy_entry(out, ea);
		} else {
			struct sd_buf ka = SD_BUF_INIT, kb = SD_BUF_INIT;
			entry_key(&ka, ea);
			entry_key(&kb, eb);
			copy_entry(out, strcmp(ka.data, kb.data) > 0 ? ea : eb);
			sd_buf_release(&ka);
			sd_buf_release(&kb);
		}
	}
	for (size_t i = 0; i < b->nentries; i++)
		if (!find_entry(&ia, a, b->entries[i].id))
			copy_entry(out, &b->entries[i]);
	table_free(&io);
	table_free(&ia);
	table_free(&ib);
}

/* Drops each entry whose id an earlier one has: a conflict record that
 * the timeline already holds, or one recorded twice. */
static void drop_repeats(struct sd_ticket *t)
{
	struct sd_keyed *ids = sd_xmalloc((t->nentries ? t->nentries : 1) * sizeof(*ids));
	unsigned char *repeat = sd_xmalloc(t->nentries ? t->nentries : 1);
	for (size_t i = 0; i < t->nentries; i++)
		ids[i] = (struct sd_keyed){ t->entries[i].id, i };
	sd_mark_repeats(ids, t->nentries, repeat);
	size_t kept = 0;
	for (size_t i = 0; i < t->nentries; i++) {
		if (repeat[i])
			sd_entry_release(&t->entries[i]);
		else
			t->entries[kept++] = t->entries[i];
	}
	t->nentries = kept;
	free(ids);
	free(repeat);
}

static int str_in(const struct table *t, const char *s)
{
	return table_find(t, s) != SIZE_MAX;
}

static int cmp_strp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Set merge: kept if on both sides, or added by one side; removed if one
 * side removed it. Base order first, then additions sorted. */
static void merge_sets(struct sd_strvec *out, const struct sd_strvec *ot,
		       const struct sd_strvec *at, const struct sd_strvec *bt)
{
	struct sd_strvec added = SD_STRVEC_INIT;
	struct table to, ta, tb;
	table_of_strings(&to, ot);
	table_of_strings(&ta, at);
	table_of_strings(&tb, bt);
	for (size_t i = 0; ot && i < ot->n; i++)
		if (str_in(&ta, ot->v[i]) && str_in(&tb, ot->v[i]))
			sd_strvec_push(out, ot->v[i]);
	const struct sd_strvec *sides[2] = { at, bt };
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < sides[s]->n; i++)
			if (!str_in(&to, sides[s]->v[i]))
				sd_strvec_push(&added, sides[s]->v[i]);
	/* Sorted, so an item both sides added is pushed once. */
	if (added.n > 1)
		qsort(added.v, added.n, sizeof(*added.v), cmp_strp);
	for (size_t i = 0; i < added.n; i++)
		if (!i || strcmp(added.v[i], added.v[i - 1]))
			sd_strvec_push(out, added.v[i]);
	sd_strvec_clear(&added);
	table_free(&to);
	table_free(&ta);
	table_free(&tb);
}

static void merge_tags(struct sd_ticket *out, const struct sd_ticket *o, const struct sd_ticket *a,
		       const struct sd_ticket *b)
{
	merge_sets(&out->tags, o ? &o->tags : NULL, &a->tags, &b->tags);
}

/* A problem's incidents merge as a set too: one clone linking an incident
 * while another links a second keeps both, never a conflict. */
static void merge_incidents(struct sd_ticket *out, const struct sd_ticket *o,
			    const struct sd_ticket *a, const struct sd_ticket *b)
{
	struct sd_strvec so = SD_STRVEC_INIT, sa = SD_STRVEC_INIT, sb = SD_STRVEC_INIT,
			 merged = SD_STRVEC_INIT;
	if (o)
		sd_ticket_incidents(o, &so);
	sd_ticket_incidents(a, &sa);
	sd_ticket_incidents(b, &sb);
	merge_sets(&merged, o ? &so : NULL, &sa, &sb);
	sd_ticket_set_incidents(out, &merged);
	sd_strvec_clear(&so);
	sd_strvec_clear(&sa);
	sd_strvec_clear(&sb);
	sd_strvec_clear(&merged);
}

static const char *extra_raw(const struct table *keys, const struct sd_ticket *t, const char *key)
{
	size_t i = table_find(keys, key);
	return i == SIZE_MAX ? NULL : t->extra[i].raw;
}

static void add_extra(struct sd_ticket *out, const char *key, const char *raw)
{
	size_t n = out->nextra; /* grown only here, from empty: see copy_entry */
	if (n == 0 || (n >= 8 && !(n & (n - 1))))
		out->extra = sd_xrealloc(out->extra, (n ? 2 * n : 8) * sizeof(*out->extra));
	out->extra[out->nextra].key = sd_xstrdup(key);
	out->extra[out->nextra].raw = sd_xstrdup(raw);
	out->nextra++;
}

static void merge_extra(struct sd_ticket *out, const struct sd_ticket *o, const struct sd_ticket *a,
			const struct sd_ticket *b, sd_stamp when)
{
	struct sd_strvec keys = SD_STRVEC_INIT, fresh = SD_STRVEC_INIT;
	struct table to, ta, tb;
	table_of_extra(&to, o);
	table_of_extra(&ta, a);
	table_of_extra(&tb, b);
	for (size_t i = 0; o && i < o->nextra; i++)
		sd_strvec_push(&keys, o->extra[i].key);
	const struct sd_ticket *sides[2] = { a, b };
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < sides[s]->nextra; i++)
			if (!str_in(&to, sides[s]->extra[i].key))
				sd_strvec_push(&fresh, sides[s]->extra[i].key);
	/* Sorted, so a key both sides added is taken once. */
	if (fresh.n > 1)
		qsort(fresh.v, fresh.n, sizeof(*fresh.v), cmp_strp);
	for (size_t i = 0; i < fresh.n; i++)
		if (!i || strcmp(fresh.v[i], fresh.v[i - 1]))
			sd_strvec_push(&keys, fresh.v[i]);
	for (size_t i = 0; i < keys.n; i++) {
		/* A missing key is "" here: deleted on one side, kept on the
		 * other unchanged, it goes. */
		const char *ro = extra_raw(&to, o, keys.v[i]), *ra = extra_raw(&ta, a, keys.v[i]),
			   *rb = extra_raw(&tb, b, keys.v[i]);
		const char *v = three_way(ro ? ro : "", ra ? ra : "", rb ? rb : "");
		if (!v)
			v = decide(out, keys.v[i], ra ? ra : "", 0, rb ? rb : "", 0, when);
		if (*v)
			add_extra(out, keys.v[i], v);
	}
	sd_strvec_clear(&keys);
	sd_strvec_clear(&fresh);
	table_free(&to);
	table_free(&ta);
	table_free(&tb);
}

sd_error *sd_ticket_merge(struct sd_ticket *out, const struct sd_ticket *base,
			  const struct sd_ticket *ours, const struct sd_ticket *theirs)
{
	sd_stamp ua = 0, ub = 0, ca = 0, cb = 0;
	sd_error_free(sd_stamp_parse(&ua, sd_ticket_get(ours, SD_F_UPDATED)));
	sd_error_free(sd_stamp_parse(&ub, sd_ticket_get(theirs, SD_F_UPDATED)));
	sd_error_free(sd_stamp_parse(&ca, sd_ticket_get(ours, SD_F_CREATED)));
	sd_error_free(sd_stamp_parse(&cb, sd_ticket_get(theirs, SD_F_CREATED)));
	sd_stamp when = ua > ub ? ua : ub;
	const struct sd_ticket *sides[] = { base, ours, theirs };
	for (size_t i = 0; i < 3; i++) {
		/* Entries are matched by id, so with one id twice on a side
		 * no merge is the same both ways round. */
		const struct sd_entry *dup = sides[i] ? sd_ticket_repeated_entry(sides[i]) : NULL;
		if (dup)
			return sd_error_invalid("ticket %s: entry id '%s' is used twice; give one of "
						"them another id by hand, then merge again",
						sd_ticket_get(sides[i], SD_F_ID), dup->id);
	}
	merge_timeline(out, base, ours, theirs);
	for (int f = 0; f < SD_F_COUNT; f++) {
		const char *a = sd_ticket_get(ours, (enum sd_field)f),
			   *b = sd_ticket_get(theirs, (enum sd_field)f),
			   *o = base ? sd_ticket_get(base, (enum sd_field)f) : "";
		if (f == SD_F_TAGS || f == SD_F_INCIDENTS)
			continue;
		/* By time, not text: "…:05Z" is later than "…:04.999Z". */
		if (f == SD_F_UPDATED) {
			sd_ticket_set(out, SD_F_UPDATED, later(ua, a, ub, b) ? a : b);
			continue;
		}
		if (f == SD_F_CREATED) {
			sd_ticket_set(out, SD_F_CREATED, later(cb, b, ca, a) ? a : b);
			continue;
		}
		const char *v = three_way(o, a, b);
		if (!v)
			v = decide(out, sd_fields[f].name, a, last_change(ours, sd_fields[f].name),
				   b, last_change(theirs, sd_fields[f].name), when);
		sd_ticket_set(out, (enum sd_field)f, v);
	}
	merge_tags(out, base, ours, theirs);
	merge_incidents(out, base, ours, theirs);
	merge_extra(out, base, ours, theirs, when);
	const char *d =
		three_way(base ? base->description : "", ours->description, theirs->description);
	if (!d)
		d = decide(out, "description", ours->description, 0, theirs->description, 0, when);
	free(out->description);
	out->description = sd_xstrdup(d);
	drop_repeats(out);
	sd_ticket_sort_entries(out);
	return NULL;
}
