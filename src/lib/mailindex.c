/* SPDX-License-Identifier: MIT */
/* The per-run index of what sd mail threads by (see mailindex.h). */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sd/cache.h"
#include "sd/mailindex.h"
#include "sd/team.h"
#include "sd/util.h"

/* What the index knows of one ticket. */
struct record {
	char id[SD_ID_LEN + 1];
	char *subject; /* the sender (folded) and title: "addr\ntitle" */
	int open;      /* neither closed nor cancelled */
	sd_time updated;
	size_t next; /* the next record of the same subject; SIZE_MAX: none */
};

/* Open addressing, string keys, a record's index as the value. */
struct slot {
	char *key; /* NULL: empty */
	uint64_t hash;
	size_t val;
};

struct table {
	struct slot *v;
	size_t n, cap; /* cap a power of two, kept at most half full */
};

struct sd_mail_index {
	struct record *rec;
	size_t nrec, alloc;
	struct table ids;      /* ticket id -> record */
	struct table messages; /* Message-ID -> record */
	struct table subjects; /* subject -> first record of that subject */
};

static uint64_t hash_of(const char *s)
{
	uint64_t h = 14695981039346656037ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static struct slot *table_find(const struct table *t, const char *key, uint64_t h)
{
	if (!t->cap)
		return NULL;
	for (size_t i = (size_t)h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		struct slot *s = &t->v[i];
		if (!s->key || (s->hash == h && !strcmp(s->key, key)))
			return s;
	}
}

static void table_grow(struct table *t)
{
	struct table bigger = { sd_xcalloc(t->cap ? t->cap * 2 : 1024, sizeof(struct slot)), t->n,
				t->cap ? t->cap * 2 : 1024 };
	for (size_t i = 0; i < t->cap; i++)
		if (t->v[i].key)
			*table_find(&bigger, t->v[i].key, t->v[i].hash) = t->v[i];
	free(t->v);
	*t = bigger;
}

/* The slot of key, made (with key copied and val SIZE_MAX) if missing. */
static struct slot *table_get(struct table *t, const char *key)
{
	uint64_t h = hash_of(key);
	if (2 * (t->n + 1) > t->cap)
		table_grow(t);
	struct slot *s = table_find(t, key, h);
	if (!s->key) {
		s->key = sd_xstrdup(key);
		s->hash = h;
		s->val = SIZE_MAX;
		t->n++;
	}
	return s;
}

static const struct slot *table_lookup(const struct table *t, const char *key)
{
	const struct slot *s = table_find(t, key, hash_of(key));
	return s && s->key ? s : NULL;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->v[i].key);
	free(t->v);
}

static void subject_key(struct sd_buf *out, const char *addr, const char *title)
{
	for (const char *p = addr; *p; p++)
		sd_buf_addch(out, *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p);
	sd_buf_addch(out, '\n');
	sd_buf_adds(out, title);
}

static void add_message(struct sd_mail_index *ix, const char *mid, size_t r)
{
	if (!mid || !*mid)
		return;
	struct slot *s = table_get(&ix->messages, mid);
	if (s->val == SIZE_MAX || strcmp(ix->rec[r].id, ix->rec[s->val].id) < 0)
		s->val = r;
}

void sd_mail_index_add(struct sd_mail_index *ix, const struct sd_ticket *t)
{
	const char *id = sd_ticket_get(t, SD_F_ID), *key = sd_ticket_get(t, SD_F_KEY);
	const char *status = sd_ticket_get(t, SD_F_STATUS);
	struct sd_buf who = SD_BUF_INIT, subject = SD_BUF_INIT;
	if (strlen(id) != SD_ID_LEN)
		return;
	sd_email_of(&who, sd_ticket_get(t, SD_F_REQUESTER));
	subject_key(&subject, who.data, sd_ticket_get(t, SD_F_TITLE));
	struct slot *by_id = table_get(&ix->ids, id);
	size_t r = by_id->val;
	if (r != SIZE_MAX && strcmp(ix->rec[r].subject, subject.data)) {
		/* Retitled: the old record leaves its subject's chain, marked
		 * as nobody's, and a new one takes its place. */
		ix->rec[r].open = 0;
		r = SIZE_MAX;
	}
	if (r == SIZE_MAX) {
		if (ix->nrec == ix->alloc) {
			ix->alloc = ix->alloc ? ix->alloc * 2 : 1024;
			ix->rec = sd_xrealloc(ix->rec, ix->alloc * sizeof(*ix->rec));
		}
		r = ix->nrec++;
		struct record *rec = &ix->rec[r];
		memcpy(rec->id, id, SD_ID_LEN + 1);
		rec->subject = sd_buf_detach(&subject);
		struct slot *chain = table_get(&ix->subjects, rec->subject);
		rec->next = chain->val;
		chain->val = r;
		by_id->val = r;
	}
	ix->rec[r].open = strcmp(status, "closed") && strcmp(status, "cancelled");
	ix->rec[r].updated = 0;
	sd_error_free(sd_time_parse(&ix->rec[r].updated, sd_ticket_get(t, SD_F_UPDATED)));
	if (!strncmp(key, "mail:", 5))
		add_message(ix, key + 5, r);
	for (size_t i = 0; i < t->nentries; i++)
		add_message(ix, t->entries[i].message_id, r);
	sd_buf_release(&who);
	sd_buf_release(&subject);
}

static int take(struct sd_summary *s, void *arg)
{
	sd_mail_index_add(arg, &s->t);
	return 0;
}

sd_error *sd_mail_index_load(struct sd_mail_index **out, struct sd_store *store)
{
	struct sd_mail_index *ix = sd_xcalloc(1, sizeof(*ix));
	struct sd_summaries sums;
	memset(&sums, 0, sizeof(sums));
	/* A ticket that cannot be read threads nothing; sd check reports it. */
	sd_error *err = sd_summaries_load(store, &sums, take, ix);
	sd_summaries_free(&sums);
	if (err) {
		sd_mail_index_free(ix);
		ix = NULL;
	}
	*out = ix;
	return err;
}

void sd_mail_index_free(struct sd_mail_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->nrec; i++)
		free(ix->rec[i].subject);
	free(ix->rec);
	table_free(&ix->ids);
	table_free(&ix->messages);
	table_free(&ix->subjects);
	free(ix);
}

const char *sd_mail_index_message(const struct sd_mail_index *ix, const char *mid)
{
	const struct slot *s = mid && *mid ? table_lookup(&ix->messages, mid) : NULL;
	return s ? ix->rec[s->val].id : NULL;
}

const char *sd_mail_index_subject(const struct sd_mail_index *ix, const char *sender,
				  const char *title, sd_time since)
{
	struct sd_buf key = SD_BUF_INIT;
	subject_key(&key, sender, title);
	const struct slot *s = table_lookup(&ix->subjects, key.data);
	sd_buf_release(&key);
	const struct record *best = NULL;
	for (size_t r = s ? s->val : SIZE_MAX; r != SIZE_MAX; r = ix->rec[r].next) {
		const struct record *c = &ix->rec[r];
		if (!c->open || c->updated < since)
			continue;
		if (!best || c->updated > best->updated ||
		    (c->updated == best->updated && strcmp(c->id, best->id) < 0))
			best = c;
	}
	return best ? best->id : NULL;
}
