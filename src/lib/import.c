/* SPDX-License-Identifier: MIT */
/*
 * sd import's records made into ticket files. doc/sd-import.1.md is the
 * specification; include/sd/import.h says what the results are.
 *
 * The work is linear in the input: each record is converted on its own,
 * ids are checked against each other and the store by sorting and binary
 * search, and nothing is written or committed here.
 */

#include <stdlib.h>
#include <string.h>

#include "sd/csv.h"
#include "sd/import.h"
#include "sd/json.h"
#include "sd/text.h"
#include "sd/ticket.h"
#include "sd/util.h"

const char *const sd_import_csv_columns[] = {
	"id",	"title",   "type",	 "status",	"priority", "impact",	 "urgency",
	"tier", "queue",   "assignee",	 "requester",	"category", "tags",	 "asset",
	"key",	"vendor",  "vendor_ref", "channel",	"problem",  "incidents", "known_error",
	"cc",	"created", "updated",	 "description", "timeline", "extra",	 NULL
};

/* Keys of a record besides the front-matter fields. */
enum { K_DESCRIPTION = SD_F_COUNT, K_TIMELINE, K_EXTRA, K_SHORT_ID, K_SCHEMA_VERSION, K_COUNT };

static const char *const other_keys[] = { "description", "timeline", "extra", "short_id",
					  "schema_version" };

/* Extras per ticket: far more than any tool stores, few enough that a
 * hostile record cannot make the YAML checks slow. */
#define MAX_EXTRA 256

static const char *key_name(int k)
{
	return k < SD_F_COUNT ? sd_fields[k].name : other_keys[k - SD_F_COUNT];
}

static int key_lookup(const char *name)
{
	for (int k = 0; k < K_COUNT; k++)
		if (!strcmp(key_name(k), name))
			return k;
	return -1;
}

/* " (did you mean 'title'?)" for a key close to a known one, else "". */
static void suggest(struct sd_buf *out, const char *name, const char *const *known, size_t n)
{
	const char *best = NULL;
	size_t best_d = 3;
	for (size_t i = 0; i < n; i++) {
		size_t d = sd_edit_distance(name, known[i]);
		/* Two edits make a typo of a long word, not of a short one. */
		if (d < best_d && 2 * d < strlen(name))
			best = known[i], best_d = d;
	}
	if (best)
		sd_buf_printf(out, "; did you mean '%s'?", best);
}

static sd_error *unknown_key(const char *what, const char *name, const char *hint)
{
	const char *known[K_COUNT];
	struct sd_buf shown = SD_BUF_INIT, tip = SD_BUF_INIT;
	for (int k = 0; k < K_COUNT; k++)
		known[k] = key_name(k);
	sd_text_inert(&shown, name, strlen(name), 0);
	suggest(&tip, name, known, K_COUNT);
	sd_error *err = sd_error_invalid("unknown %s '%.60s'%s%s", what, shown.data,
					 tip.len ? tip.data : "", tip.len ? "" : hint);
	sd_buf_release(&shown);
	sd_buf_release(&tip);
	return err;
}

/* ---- a record: what it says, before defaults ---- */

struct rec {
	const char *value[SD_F_COUNT]; /* NULL: not given; SD_F_TAGS unused */
	struct sd_strvec tags;
	const char *description;	/* NULL: not given */
	const struct sd_json *timeline; /* an array, or NULL */
	const struct sd_json *extra;	/* an object, or NULL */
	struct sd_json *owned[2];	/* timeline and extra parsed from CSV cells */
	char *incidents;		/* a JSON array of incidents, joined */
	struct sd_buf cc;		/* a cc given as a JSON list, joined */
};

static void rec_release(struct rec *r)
{
	sd_strvec_clear(&r->tags);
	sd_buf_release(&r->cc);
	sd_json_free(r->owned[0]);
	sd_json_free(r->owned[1]);
	free(r->incidents);
	memset(r, 0, sizeof(*r));
}

static sd_error *wrong_type(const char *key, const char *want, const struct sd_json *v)
{
	return sd_error_invalid("'%s' must be %s, not %s", key, want, sd_json_type_name(v->type));
}

static sd_error *check_schema_version(const struct sd_json *v)
{
	if (v->type == SD_JSON_NULL)
		return NULL;
	if (v->type != SD_JSON_NUMBER)
		return wrong_type("schema_version", "the number 1", v);
	if (v->number != 1)
		return sd_error_invalid("unsupported schema_version %.20s; this sd reads version 1",
					v->str);
	return NULL;
}

static sd_error *rec_from_json(struct rec *r, const struct sd_json *obj)
{
	if (obj->type != SD_JSON_OBJECT)
		return sd_error_invalid("a record must be a JSON object, not %s",
					sd_json_type_name(obj->type));
	for (size_t i = 0; i < obj->n; i++) {
		const char *key = obj->members[i].key;
		const struct sd_json *v = &obj->members[i].value;
		int k = key_lookup(key);
		if (k < 0)
			return unknown_key("key", key,
					   "; see sd-import(1) for the keys of a record");
		if (k == K_SCHEMA_VERSION) {
			sd_error *err = check_schema_version(v);
			if (err)
				return err;
			continue;
		}
		if (k == K_SHORT_ID || v->type == SD_JSON_NULL)
			continue;
		if (k == K_TIMELINE) {
			if (v->type != SD_JSON_ARRAY)
				return wrong_type(key, "an array of entries", v);
			r->timeline = v;
		} else if (k == K_EXTRA) {
			if (v->type != SD_JSON_OBJECT)
				return wrong_type(key, "an object of YAML texts", v);
			r->extra = v;
		} else if (k == SD_F_CC && v->type == SD_JSON_ARRAY) {
			/* As sd show --json writes it: joined as the field keeps it. */
			struct sd_buf *cc = &r->cc;
			for (size_t j = 0; j < v->n; j++) {
				if (v->items[j].type != SD_JSON_STRING)
					return sd_error_invalid("cc[%zu] must be a string, not %s",
								j,
								sd_json_type_name(
									v->items[j].type));
				sd_buf_printf(cc, "%s%s", j ? ", " : "", v->items[j].str);
			}
			r->value[SD_F_CC] = cc->data;
		} else if (k == SD_F_TAGS) {
			if (v->type != SD_JSON_ARRAY)
				return wrong_type(key, "an array of strings", v);
			for (size_t j = 0; j < v->n; j++) {
				if (v->items[j].type != SD_JSON_STRING)
					return sd_error_invalid("tags[%zu] must be a string, not %s",
								j,
								sd_json_type_name(
									v->items[j].type));
				sd_strvec_push(&r->tags, v->items[j].str);
			}
		} else if (k == SD_F_INCIDENTS && v->type == SD_JSON_ARRAY) {
			/* As export writes it; joined as the ticket holds it. */
			struct sd_buf joined = SD_BUF_INIT;
			for (size_t j = 0; j < v->n; j++) {
				if (v->items[j].type != SD_JSON_STRING) {
					sd_buf_release(&joined);
					return sd_error_invalid("incidents[%zu] must be a ticket id, "
								"not %s",
								j,
								sd_json_type_name(
									v->items[j].type));
				}
				sd_buf_printf(&joined, "%s%s", j ? ", " : "", v->items[j].str);
			}
			free(r->incidents);
			r->incidents = sd_buf_detach(&joined);
			r->value[k] = r->incidents;
		} else {
			if (v->type != SD_JSON_STRING)
				return wrong_type(key, "a string", v);
			if (k == K_DESCRIPTION)
				r->description = v->str;
			else
				r->value[k] = v->str;
		}
	}
	return NULL;
}

/* ---- CSV columns ---- */

static const struct {
	const char *alias, *name;
} column_aliases[] = {
	{ "subject", "title" }, { "summary", "title" },	     { "body", "description" },
	{ "labels", "tags" },	{ "created_at", "created" }, { "updated_at", "updated" },
};

/* The key a header cell names: blanks trimmed, ASCII case folded, ' '
 * and '-' read as '_', then the aliases. -1 when none. */
static int column_key(const char *cell)
{
	struct sd_buf name = SD_BUF_INIT;
	const char *end = cell + strlen(cell);
	while (*cell == ' ' || *cell == '\t')
		cell++;
	while (end > cell && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (const char *p = cell; p < end; p++) {
		char c = *p;
		if (sd_ascii_isupper((unsigned char)c))
			c = (char)sd_ascii_tolower((unsigned char)c);
		else if (c == ' ' || c == '-')
			c = '_';
		sd_buf_addch(&name, c);
	}
	for (size_t i = 0; i < sizeof(column_aliases) / sizeof(*column_aliases); i++)
		if (!strcmp(name.data, column_aliases[i].alias)) {
			sd_buf_reset(&name);
			sd_buf_adds(&name, column_aliases[i].name);
		}
	int k = key_lookup(name.data);
	sd_buf_release(&name);
	return k;
}

static sd_error *parse_cell_json(struct sd_json **out, const char *cell, const char *column,
				 enum sd_json_type want)
{
	size_t line;
	sd_error *err = sd_json_parse(out, cell, strlen(cell), &line);
	if (err) {
		if (line > 1)
			return sd_error_wrap(err, "%s column: line %zu of the cell", column, line);
		return sd_error_wrap(err, "%s column", column);
	}
	if ((*out)->type != want) {
		err = sd_error_invalid("%s column must hold %s, not %s", column,
				       sd_json_type_name(want), sd_json_type_name((*out)->type));
		sd_json_free(*out);
		*out = NULL;
	}
	return err;
}

static sd_error *rec_from_csv(struct rec *r, const struct sd_csv_record *row, const int *keys,
			      size_t ncols, int raw)
{
	if (row->n != ncols)
		return sd_error_invalid("%zu field%s, but the header has %zu columns", row->n,
					row->n == 1 ? "" : "s", ncols);
	for (size_t c = 0; c < ncols; c++) {
		const char *cell = raw ? row->fields[c] : sd_csv_unneutralise(row->fields[c]);
		int k = keys[c];
		size_t bad;
		if (!sd_utf8_valid(cell, strlen(cell), &bad))
			return sd_error_invalid("the %s column is not valid UTF-8 (byte %zu)",
						key_name(k), bad + 1);
		switch (k) {
		case K_SHORT_ID:
			break;
		case K_SCHEMA_VERSION:
			if (*cell && strcmp(cell, "1"))
				return sd_error_invalid("unsupported schema_version '%.20s'; this sd reads "
							"version 1",
							cell);
			break;
		case K_DESCRIPTION:
			r->description = cell;
			break;
		case K_TIMELINE:
			if (*cell) {
				sd_error *err = parse_cell_json(&r->owned[0], cell, "timeline",
								SD_JSON_ARRAY);
				if (err)
					return err;
				r->timeline = r->owned[0];
			}
			break;
		case K_EXTRA:
			if (*cell) {
				sd_error *err = parse_cell_json(&r->owned[1], cell, "extra",
								SD_JSON_OBJECT);
				if (err)
					return err;
				r->extra = r->owned[1];
			}
			break;
		case SD_F_TAGS:
			sd_strvec_split(&r->tags, cell);
			break;
		default:
			r->value[k] = cell;
		}
	}
	return NULL;
}

/* ---- a record made into a ticket ---- */

static const char *given(const struct rec *r, enum sd_field f)
{
	return r->value[f];
}

/* A given non-empty value, or NULL. */
static const char *nonempty(const struct rec *r, enum sd_field f)
{
	return r->value[f] && *r->value[f] ? r->value[f] : NULL;
}

/* created and updated: kept as given when already in the form a ticket
 * file holds, otherwise converted to UTC. */
static sd_error *set_time(struct sd_ticket *t, enum sd_field f, const char *value)
{
	sd_stamp when;
	char buf[SD_STAMP_STRLEN];
	sd_error *err = sd_field_validate(f, value);
	if (!err) {
		sd_ticket_set(t, f, value);
		return NULL;
	}
	sd_error_free(err);
	if ((err = sd_stamp_parse(&when, value)))
		return sd_error_wrap(err, "%s", sd_fields[f].name);
	sd_stamp_format(buf, when);
	sd_ticket_set(t, f, buf);
	return NULL;
}

/* Imported times come from another system, or from anyone who can hand a
 * file to the desk. A time well in the future would hold an SLA clock
 * still and sort a ticket or entry first for years; a day's slack allows
 * for clocks and time zones gone wrong. */
static sd_error *not_in_future(sd_stamp when, const char *what, const char *value, sd_stamp now)
{
	const sd_stamp one_day = 24 * 3600 * 1000;
	if (when <= now + one_day)
		return NULL;
	char shown[SD_STAMP_STRLEN];
	sd_stamp_format(shown, now);
	return sd_error_invalid("%s %.40s is more than a day in the future (it is now %s, from the "
				"clock or SD_NOW); give the real time",
				what, value, shown);
}

/* Text for a description or a comment: what sd_text_validate allows,
 * with leading and trailing blank lines trimmed as the file reader does. */
static sd_error *text_value(char **out, const char *text, const char *what)
{
	sd_error *err = sd_text_validate(text, strlen(text), what);
	if (err)
		return err;
	*out = sd_text_trim_lines(text);
	return NULL;
}

static int entry_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n < 4 || n > 32)
		return 0;
	return strspn(id, SD_ID_ALPHABET) == n;
}

static int event_field_valid(const char *f)
{
	return *f && strspn(f, "abcdefghijklmnopqrstuvwxyz0123456789_.-") == strlen(f);
}

static const char *const entry_keys[] = { "id",		"kind",	    "author",	  "at",
					  "visibility", "body",	    "field",	  "from",
					  "to",		"reason",   "message_id", "mail_from",
					  "mail_to",	"reply_to", NULL };
#define NENTRY_KEYS 14

static sd_error *entry_string(const struct sd_json *e, const char *key, const char **out)
{
	const struct sd_json *v = sd_json_get(e, key);
	*out = NULL;
	if (!v || v->type == SD_JSON_NULL)
		return NULL;
	if (v->type != SD_JSON_STRING)
		return wrong_type(key, "a string", v);
	*out = v->str;
	return NULL;
}

static sd_error *read_entry(struct sd_entry *e, const struct sd_json *j,
			    const struct sd_import_options *opt)
{
	const char *s[NENTRY_KEYS];
	sd_error *err;
	memset(e, 0, sizeof(*e));
	if (j->type != SD_JSON_OBJECT)
		return sd_error_invalid("must be an object, not %s", sd_json_type_name(j->type));
	for (size_t i = 0; i < j->n; i++)
		if (sd_value_index(entry_keys, j->members[i].key) < 0) {
			struct sd_buf shown = SD_BUF_INIT, tip = SD_BUF_INIT;
			sd_text_inert(&shown, j->members[i].key, strlen(j->members[i].key), 0);
			suggest(&tip, j->members[i].key, entry_keys, NENTRY_KEYS);
			err = sd_error_invalid(
				"unknown key '%.60s'%s", shown.data,
				tip.len ? tip.data
					: "; an entry has id, kind, author, at, "
					  "and visibility and body or field, from, to and reason");
			sd_buf_release(&shown);
			sd_buf_release(&tip);
			return err;
		}
	for (int k = 0; k < NENTRY_KEYS; k++)
		if ((err = entry_string(j, entry_keys[k], &s[k])))
			return err;
	struct sd_entry_mail mail = { s[10], s[11], s[12], s[13] };
	for (int k = 10; k < NENTRY_KEYS; k++)
		if (s[k] && (err = sd_field_validate(SD_F_KEY, s[k])))
			return sd_error_wrap(err, "%s", entry_keys[k]);
	sd_entry_set_mail(e, &mail);
	const char *id = s[0], *kind = s[1], *author = s[2], *at = s[3], *vis = s[4], *body = s[5],
		   *field = s[6], *from = s[7], *to = s[8], *reason = s[9];
	if (kind && *kind && strcmp(kind, "comment") && strcmp(kind, "event"))
		return sd_error_invalid("invalid kind '%.30s': use comment or event", kind);
	if (!kind || !*kind) {
		/* The kind can be told from the keys when it is left out. */
		if (body && !field)
			kind = "comment";
		else if (field && !body)
			kind = "event";
		else
			return sd_error_invalid("no kind: give \"kind\": \"comment\" or \"event\"");
	}
	e->kind = !strcmp(kind, "comment") ? SD_ENTRY_COMMENT : SD_ENTRY_EVENT;
	if (e->kind == SD_ENTRY_COMMENT) {
		const char *other = field ? "field"
			: from		  ? "from"
			: to		  ? "to"
			: reason	  ? "reason"
					  : NULL;
		if (other)
			return sd_error_invalid("a comment has no '%s'", other);
	} else {
		const char *other = body ? "body" : vis ? "visibility" : NULL;
		if (other)
			return sd_error_invalid("an event has no '%s'", other);
	}
	if (id && *id && !entry_id_valid(id))
		return sd_error_invalid("invalid id '%.40s': an entry id is 4 to 32 characters of %s",
					id, SD_ID_ALPHABET);
	e->at = -1; /* none given: read_timeline dates it */
	if (at && *at) {
		if ((err = sd_stamp_parse(&e->at, at)))
			return sd_error_wrap(err, "at");
		if ((err = not_in_future(e->at, "the entry's time", at, opt->now)))
			return err;
	}
	if (e->kind == SD_ENTRY_COMMENT) {
		if (vis && *vis && sd_value_index(sd_visibilities, vis) < 0)
			return sd_error_invalid("invalid visibility '%.30s': use public or internal",
						vis);
		e->internal = vis && !strcmp(vis, "internal");
		if ((err = text_value(&e->body, body ? body : "", "the body")))
			return err;
	} else {
		if (!field || !event_field_valid(field))
			return sd_error_invalid(
				"an event needs a field: a name of lowercase letters, "
				"digits, _ . and -");
		e->field = sd_xstrdup(field);
		e->from = sd_xstrdup(from ? from : "");
		e->to = sd_xstrdup(to ? to : "");
		e->reason = sd_xstrdup(reason ? reason : "");
	}
	e->id = sd_xstrdup(id && *id ? id : "");
	e->author = sd_xstrdup(author ? author : opt->author);
	return NULL;
}

static int cmp_entry_id(const void *a, const void *b)
{
	const struct sd_entry *x = *(const struct sd_entry *const *)a;
	const struct sd_entry *y = *(const struct sd_entry *const *)b;
	return strcmp(x->id, y->id);
}

/* Gives entries without an id a fresh one, unique in the ticket: sorted
 * neighbours are compared, and a generated id that collides is drawn
 * again, so a timeline of any length costs n log n. */
static sd_error *entry_ids(struct sd_ticket *t)
{
	size_t n = t->nentries;
	char *generated = sd_xcalloc(n ? n : 1, 1);
	struct sd_entry **v = sd_xmalloc((n ? n : 1) * sizeof(*v));
	sd_error *err = NULL;
	for (size_t i = 0; i < n; i++) {
		v[i] = &t->entries[i];
		generated[i] = !*t->entries[i].id;
	}
	for (size_t i = 0; i < n; i++)
		if (generated[i]) {
			char id[SD_ENTRY_ID_LEN + 1];
			if ((err = sd_id_generate(id, SD_ENTRY_ID_LEN)))
				goto done;
			free(t->entries[i].id);
			t->entries[i].id = sd_xstrdup(id);
		}
	for (int again = 1; again;) {
		again = 0;
		if (n > 1)
			qsort(v, n, sizeof(*v), cmp_entry_id);
		for (size_t i = 1; i < n; i++) {
			if (strcmp(v[i - 1]->id, v[i]->id))
				continue;
			size_t a = (size_t)(v[i - 1] - t->entries), b = (size_t)(v[i] - t->entries);
			if (!generated[a] && !generated[b]) {
				size_t lo = a < b ? a : b, hi = a < b ? b : a;
				err = sd_error_invalid(
					"timeline[%zu] and timeline[%zu] both have id '%s'", lo, hi,
					v[i]->id);
				goto done;
			}
			size_t redo = generated[b] ? b : a;
			char id[SD_ENTRY_ID_LEN + 1];
			if ((err = sd_id_generate(id, SD_ENTRY_ID_LEN)))
				goto done;
			free(t->entries[redo].id);
			t->entries[redo].id = sd_xstrdup(id);
			again = 1;
		}
	}
done:
	free(v);
	free(generated);
	return err;
}

static sd_error *read_timeline(struct sd_ticket *t, const struct sd_json *tl,
			       const struct sd_import_options *opt)
{
	sd_error *err = NULL;
	sd_stamp newest = -1;
	t->entries = sd_xcalloc(tl->n ? tl->n : 1, sizeof(*t->entries));
	for (size_t i = 0; i < tl->n; i++) {
		struct sd_entry *e = &t->entries[i];
		if ((err = read_entry(e, &tl->items[i], opt))) {
			sd_entry_release(e);
			return sd_error_wrap(err, "timeline[%zu]", i);
		}
		/* Entries without a time are made now, in the order given:
		 * each 1 ms after the newest before it, as sd dates changes. */
		if (e->at < 0)
			e->at = newest >= opt->now ? newest + 1 : opt->now;
		if (e->at > newest)
			newest = e->at;
		t->nentries++;
	}
	/* Entry positions in messages are input positions, so ids come
	 * before sorting. */
	if ((err = entry_ids(t)))
		return err;
	sd_ticket_sort_entries(t);
	return NULL;
}

/* Whole lines that start at the key, as the ticket reader keeps them. A
 * text is checked by reading it as a front matter of its own: it must
 * come back as exactly one key, this one, with exactly this text. */
static sd_error *read_extra(struct sd_ticket *t, const char *key, const char *raw)
{
	struct sd_buf text = SD_BUF_INIT, shown = SD_BUF_INIT;
	struct sd_ticket probe;
	sd_error *err = NULL;
	size_t len = strlen(raw);
	sd_text_inert(&shown, key, strlen(key), 0);
	if (sd_field_lookup(key) >= 0 || key_lookup(key) >= 0) {
		err = sd_error_invalid("extra '%s' is a key sd knows; give it as a key of the record",
				       shown.data);
		goto done;
	}
	if (!len) {
		err = sd_error_invalid("extra '%s' is empty; it holds the YAML lines of the key, "
				       "such as \"%s: value\"",
				       shown.data, shown.data);
		goto done;
	}
	sd_buf_adds(&text, "---\n");
	sd_buf_add(&text, raw, len);
	if (raw[len - 1] != '\n')
		sd_buf_addch(&text, '\n');
	size_t raw_end = text.len;
	sd_buf_adds(&text, "---\n");
	if ((err = sd_ticket_parse(&probe, text.data, text.len, "extra"))) {
		/* "extra:LINE: what" names a line of this small text: say which. */
		const char *what = err->msg;
		size_t line = 0;
		if (sd_starts_with(what, "extra:")) {
			line = strtoul(what + 6, NULL, 10);
			const char *colon = strstr(what + 6, ": ");
			what = colon ? colon + 2 : what;
		}
		size_t nlines = 0;
		for (const char *p = raw; *p; p++)
			nlines += *p == '\n';
		if (raw[len - 1] != '\n')
			nlines++;
		sd_error *e = line > 1 && line - 1 <= nlines
			? sd_error_invalid("extra '%s', line %zu: %s", shown.data, line - 1, what)
			: sd_error_invalid("extra '%s': %s", shown.data, what);
		sd_error_free(err);
		err = e;
		/* A failed parse leaves the ticket empty but allocated. */
		sd_ticket_free(&probe);
		goto done;
	}
	int fields = 0;
	for (int f = 0; f < SD_F_COUNT; f++)
		fields |= probe.field_line[f] != 0;
	if (fields || probe.nextra != 1 || strcmp(probe.extra[0].key, key) ||
	    strlen(probe.extra[0].raw) != raw_end - 4 ||
	    memcmp(probe.extra[0].raw, text.data + 4, raw_end - 4))
		err = sd_error_invalid("extra '%s' must be the YAML lines of that one key, starting "
				       "with it at the beginning of a line, such as \"%s: value\"",
				       shown.data, shown.data);
	else {
		t->extra = sd_xrealloc(t->extra, (t->nextra + 1) * sizeof(*t->extra));
		t->extra[t->nextra].key = sd_xstrdup(key);
		t->extra[t->nextra].raw = sd_xstrdup(probe.extra[0].raw);
		t->nextra++;
	}
	sd_ticket_free(&probe);
done:
	sd_buf_release(&text);
	sd_buf_release(&shown);
	return err;
}

/* Fills t from what the record says and the defaults of sd new. The id
 * is left empty when the record has none. */
static sd_error *make_ticket(struct sd_ticket *t, const struct rec *r,
			     const struct sd_import_options *opt)
{
	const struct sd_config *cfg = opt->cfg;
	sd_error *err = NULL;
	const char *v;

	/* Every value given is checked as sd check checks a ticket file. */
	for (int f = 0; f < SD_F_COUNT; f++) {
		if (f == SD_F_TAGS || f == SD_F_CREATED || f == SD_F_UPDATED)
			continue;
		v = given(r, (enum sd_field)f);
		if (v && (*v || f == SD_F_TITLE) && (err = sd_field_validate((enum sd_field)f, v)))
			return err;
	}
	if (!given(r, SD_F_TITLE))
		return sd_error_invalid("no title: every record needs one");

	for (int f = 0; f < SD_F_COUNT; f++)
		if (f != SD_F_TAGS && given(r, (enum sd_field)f))
			sd_ticket_set(t, (enum sd_field)f, given(r, (enum sd_field)f));
	if (given(r, SD_F_INCIDENTS)) {
		struct sd_strvec ids = SD_STRVEC_INIT;
		sd_ticket_incidents(t, &ids);
		sd_ticket_set_incidents(t, &ids); /* sorted, each once */
		sd_strvec_clear(&ids);
	}
	/* What sd new gives where the record says nothing; an empty value
	 * of a field that may be empty stays empty. */
	sd_ticket_set(t, SD_F_TYPE,
		      nonempty(r, SD_F_TYPE) ? nonempty(r, SD_F_TYPE) : cfg->default_type);
	sd_ticket_set(t, SD_F_STATUS, nonempty(r, SD_F_STATUS) ? nonempty(r, SD_F_STATUS) : "new");
	if (!given(r, SD_F_IMPACT))
		sd_ticket_set(t, SD_F_IMPACT, "medium");
	if (!given(r, SD_F_URGENCY))
		sd_ticket_set(t, SD_F_URGENCY, "medium");
	if (!given(r, SD_F_TIER))
		sd_ticket_set(t, SD_F_TIER, cfg->default_tier);
	if (!nonempty(r, SD_F_PRIORITY)) {
		const char *impact = sd_ticket_get(t, SD_F_IMPACT),
			   *urgency = sd_ticket_get(t, SD_F_URGENCY);
		sd_ticket_set(t, SD_F_PRIORITY,
			      sd_config_priority(cfg, *impact ? impact : "medium",
						 *urgency ? urgency : "medium"));
	}
	if (!given(r, SD_F_QUEUE)) {
		int tier = sd_value_index(sd_tiers, sd_ticket_get(t, SD_F_TIER));
		if (tier < 0)
			tier = sd_value_index(sd_tiers, cfg->default_tier);
		sd_ticket_set(t, SD_F_QUEUE, tier >= 0 ? cfg->tiers[tier].queue : "");
	}
	if (!given(r, SD_F_REQUESTER))
		sd_ticket_set(t, SD_F_REQUESTER, opt->requester);
	char now[SD_STAMP_STRLEN];
	sd_stamp_format(now, opt->now);
	if ((err = set_time(t, SD_F_CREATED,
			    nonempty(r, SD_F_CREATED) ? nonempty(r, SD_F_CREATED) : now)) ||
	    (err = set_time(t, SD_F_UPDATED,
			    nonempty(r, SD_F_UPDATED) ? nonempty(r, SD_F_UPDATED)
						      : sd_ticket_get(t, SD_F_CREATED))))
		return err;
	sd_stamp created = 0, updated = 0;
	const char *c = sd_ticket_get(t, SD_F_CREATED), *u = sd_ticket_get(t, SD_F_UPDATED);
	if ((err = sd_stamp_parse(&created, c)) || (err = sd_stamp_parse(&updated, u)))
		return err;
	if (created > updated)
		return sd_error_invalid("created %s is after updated %s; a ticket cannot change "
					"before it exists",
					c, u);
	if ((err = not_in_future(created, "created", c, opt->now)) ||
	    (err = not_in_future(updated, "updated", u, opt->now)))
		return err;

	for (size_t i = 0; i < r->tags.n; i++) {
		if ((err = sd_field_validate(SD_F_TAGS, r->tags.v[i])))
			return err;
		sd_strvec_push(&t->tags, r->tags.v[i]);
	}
	/* Repeats go by sorting, not by a scan per tag: a record may hold
	 * 150,000 tags, imported with the store lock held. */
	sd_strvec_uniq(&t->tags);
	if (r->description) {
		char *d;
		if ((err = text_value(&d, r->description, "the description")))
			return err;
		free(t->description);
		t->description = d;
	}
	if (r->timeline && (err = read_timeline(t, r->timeline, opt)))
		return err;
	/* Unless given, updated is the newest change, entries included. */
	if (!nonempty(r, SD_F_UPDATED)) {
		char newest[SD_STAMP_STRLEN];
		sd_stamp_format(newest, sd_ticket_updated_stamp(t, 0));
		sd_ticket_set(t, SD_F_UPDATED, newest);
	}
	if (r->extra) {
		if (r->extra->n > MAX_EXTRA)
			return sd_error_invalid("extra has %zu keys, more than the limit of %d",
						r->extra->n, MAX_EXTRA);
		for (size_t i = 0; i < r->extra->n; i++) {
			const struct sd_json_member *m = &r->extra->members[i];
			if (m->value.type != SD_JSON_STRING)
				return sd_error_invalid("extra '%.60s' must be a string of YAML, not %s",
							m->key, sd_json_type_name(m->value.type));
			if ((err = read_extra(t, m->key, m->value.str)))
				return err;
		}
	}
	return NULL;
}

/* ---- the whole input ---- */

struct work {
	struct sd_import *im;
	const struct sd_import_options *opt;
	struct sd_ticket *tickets; /* parallel to im->v; valid where err is NULL */
	char *id_given;
	size_t alloc;
};

static struct sd_import_ticket *add_result(struct work *w, size_t line)
{
	struct sd_import *im = w->im;
	if (im->n == w->alloc) {
		w->alloc = w->alloc ? w->alloc * 2 : 64;
		im->v = sd_xrealloc(im->v, w->alloc * sizeof(*im->v));
		w->tickets = sd_xrealloc(w->tickets, w->alloc * sizeof(*w->tickets));
		w->id_given = sd_xrealloc(w->id_given, w->alloc);
	}
	struct sd_import_ticket *r = &im->v[im->n];
	memset(r, 0, sizeof(*r));
	sd_buf_init(&r->text);
	r->line = line;
	sd_ticket_init(&w->tickets[im->n]);
	w->id_given[im->n] = 0;
	im->n++;
	return r;
}

static void record_error(struct work *w, size_t i, sd_error *err)
{
	struct sd_import_ticket *r = &w->im->v[i];
	r->err = sd_error_wrap(err, "%s:%zu", w->opt->path, r->line);
	sd_ticket_free(&w->tickets[i]);
	sd_ticket_init(&w->tickets[i]);
}

/* One record: convert, or keep why not. */
static void take_record(struct work *w, size_t line, struct rec *r, sd_error *err)
{
	add_result(w, line);
	size_t i = w->im->n - 1;
	if (!err)
		err = make_ticket(&w->tickets[i], r, w->opt);
	if (err)
		record_error(w, i, err);
	else
		w->id_given[i] = *sd_ticket_get(&w->tickets[i], SD_F_ID) != '\0';
	w->im->v[i].given = 0;
	for (int f = 0; f < SD_F_COUNT; f++)
		if (nonempty(r, (enum sd_field)f))
			w->im->v[i].given |= 1ul << f;
	rec_release(r);
}

static void read_jsonl(struct work *w, const char *data, size_t len)
{
	size_t line = 0;
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		line++;
		const char *q = p;
		while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q < eol) {
			struct sd_json *v = NULL;
			struct rec r;
			memset(&r, 0, sizeof(r));
			sd_error *err = sd_json_parse(&v, p, (size_t)(eol - p), NULL);
			if (!err)
				err = rec_from_json(&r, v);
			take_record(w, line, &r, err);
			sd_json_free(v);
		}
		p = nl ? nl + 1 : end;
	}
}

/* A whole JSON array of records, such as sd list --json writes. */
static sd_error *read_json_array(struct work *w, const char *data, size_t len)
{
	struct sd_json *all = NULL;
	size_t line;
	sd_error *err = sd_json_parse(&all, data, len, &line);
	if (err)
		return sd_error_wrap(err, "%s:%zu", w->opt->path, line);
	/* Lines are counted once, from one element to the next. */
	size_t at = 0;
	line = 1;
	for (size_t i = 0; i < all->n; i++) {
		const struct sd_json *v = &all->items[i];
		for (; at < v->pos; at++)
			line += data[at] == '\n';
		struct rec r;
		memset(&r, 0, sizeof(r));
		take_record(w, line, &r, rec_from_json(&r, v));
	}
	sd_json_free(all);
	return NULL;
}

static sd_error *read_csv(struct work *w, const char *data, size_t len)
{
	struct sd_csv csv;
	const struct sd_import_options *opt = w->opt;
	int *keys = NULL;
	size_t line;
	sd_error *err = sd_csv_parse(&csv, data, len, &line);
	if (err)
		return sd_error_wrap(err, "%s:%zu", opt->path, line);
	if (!csv.n)
		goto done;
	const struct sd_csv_record *head = &csv.records[0];
	if (head->err) {
		err = sd_error_invalid("%s:%zu: the header: %s", opt->path, head->line,
				       head->err->msg);
		goto done;
	}
	keys = sd_xcalloc(head->n, sizeof(*keys));
	for (size_t c = 0; c < head->n; c++) {
		keys[c] = column_key(head->fields[c]);
		if (keys[c] < 0) {
			sd_error *e =
				unknown_key("column", head->fields[c],
					    "; columns are named after sd's fields, see sd-import(1)");
			err = sd_error_wrap(e, "%s:%zu", opt->path, head->line);
			goto done;
		}
		for (size_t d = 0; d < c; d++)
			if (keys[d] == keys[c]) {
				struct sd_buf a = SD_BUF_INIT, b = SD_BUF_INIT;
				sd_text_inert(&a, head->fields[d], strlen(head->fields[d]), 0);
				sd_text_inert(&b, head->fields[c], strlen(head->fields[c]), 0);
				err = sd_error_invalid("%s:%zu: columns %zu ('%.40s') and %zu ('%.40s') both "
						       "give the %s",
						       opt->path, head->line, d + 1, a.data, c + 1,
						       b.data, key_name(keys[c]));
				sd_buf_release(&a);
				sd_buf_release(&b);
				goto done;
			}
	}
	for (size_t i = 1; i < csv.n; i++) {
		const struct sd_csv_record *row = &csv.records[i];
		struct rec r;
		memset(&r, 0, sizeof(r));
		sd_error *e = NULL;
		if (row->err)
			e = sd_error_invalid("%s", row->err->msg);
		else
			e = rec_from_csv(&r, row, keys, head->n, opt->raw_csv);
		take_record(w, row->line, &r, e);
	}
done:
	free(keys);
	sd_csv_release(&csv);
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int in_sorted(char *const *v, size_t n, const char *s)
{
	return n && bsearch(&s, v, n, sizeof(*v), cmp_str) != NULL;
}

/* Ids given twice in the input or already in the store are errors; the
 * others get fresh ids that clash with nothing. */
static sd_error *assign_ids(struct work *w)
{
	struct sd_import *im = w->im;
	const struct sd_strvec *existing = w->opt->existing;
	char *const *store_ids = existing ? existing->v : NULL;
	size_t nstore = existing ? existing->n : 0;
	struct sd_keyed *g = sd_xmalloc((im->n ? im->n : 1) * sizeof(*g));
	size_t ng = 0;
	sd_error *err = NULL;

	for (size_t i = 0; i < im->n; i++) {
		if (im->v[i].err || !w->id_given[i])
			continue;
		const char *id = sd_ticket_get(&w->tickets[i], SD_F_ID);
		if (in_sorted(store_ids, nstore, id)) {
			record_error(w, i,
				     sd_error_invalid("ticket %s already exists in the store", id));
			continue;
		}
		g[ng++] = (struct sd_keyed){ id, i };
	}
	sd_keyed_sort(g, ng);
	for (size_t i = 1; i < ng; i++) {
		size_t first = i - 1;
		while (i < ng && !strcmp(g[i].key, g[first].key)) {
			record_error(w, g[i].rank,
				     sd_error_invalid("id %s is also given on line %zu", g[i].key,
						      im->v[g[first].rank].line));
			i++;
		}
	}
	/* The ids now taken, sorted: the store's and the input's. */
	struct sd_strvec taken = SD_STRVEC_INIT, fresh = SD_STRVEC_INIT;
	size_t *fresh_index = sd_xmalloc((im->n ? im->n : 1) * sizeof(*fresh_index));
	for (size_t i = 0; i < nstore; i++)
		sd_strvec_push(&taken, store_ids[i]);
	for (size_t i = 0; i < im->n; i++)
		if (!im->v[i].err && w->id_given[i])
			sd_strvec_push(&taken, sd_ticket_get(&w->tickets[i], SD_F_ID));
	sd_strvec_sort(&taken);
	for (size_t i = 0; i < im->n; i++) {
		if (im->v[i].err || w->id_given[i])
			continue;
		char id[SD_ID_LEN + 1];
		do {
			if ((err = sd_id_generate(id, SD_ID_LEN)))
				goto done;
		} while (in_sorted(taken.v, taken.n, id));
		sd_ticket_set(&w->tickets[i], SD_F_ID, id);
		fresh_index[fresh.n] = i;
		sd_strvec_push(&fresh, id);
	}
	/* Fresh ids clashing with each other: astronomically rare, but
	 * checked, by sorting a copy and drawing again. */
	for (int again = 1; again && fresh.n > 1;) {
		again = 0;
		struct sd_keyed *f = sd_xmalloc(fresh.n * sizeof(*f));
		for (size_t i = 0; i < fresh.n; i++)
			f[i] = (struct sd_keyed){ fresh.v[i], i };
		sd_keyed_sort(f, fresh.n);
		for (size_t i = 1; i < fresh.n && !err; i++) {
			if (strcmp(f[i].key, f[i - 1].key))
				continue;
			char id[SD_ID_LEN + 1];
			do
				err = sd_id_generate(id, SD_ID_LEN);
			while (!err && in_sorted(taken.v, taken.n, id));
			if (err)
				break;
			size_t k = f[i].rank;
			free(fresh.v[k]);
			fresh.v[k] = sd_xstrdup(id);
			sd_ticket_set(&w->tickets[fresh_index[k]], SD_F_ID, id);
			again = 1;
		}
		free(f);
		if (err)
			break;
	}
done:
	sd_strvec_clear(&taken);
	sd_strvec_clear(&fresh);
	free(fresh_index);
	free(g);
	return err;
}

/* Writes the ticket and reads it back as sd will: the same ticket must
 * come out, and it must pass the checks of sd check. */
static sd_error *write_checked(struct sd_import_ticket *r, const struct sd_ticket *t)
{
	struct sd_ticket back;
	struct sd_buf again = SD_BUF_INIT;
	sd_ticket_write(t, &r->text);
	sd_error *err = sd_ticket_parse(&back, r->text.data, r->text.len, "ticket");
	if (!err)
		err = sd_ticket_validate(&back, "ticket");
	if (!err) {
		sd_ticket_write(&back, &again);
		if (again.len != r->text.len || memcmp(again.data, r->text.data, again.len))
			err = sd_error_invalid("the ticket does not read back as written");
	}
	sd_ticket_free(&back);
	sd_buf_release(&again);
	if (err) {
		sd_buf_release(&r->text);
		return sd_error_wrap(err, "the record makes no valid ticket file");
	}
	return NULL;
}

sd_error *sd_import_parse(struct sd_import *out, const char *data, size_t len,
			  const struct sd_import_options *opt)
{
	struct work w;
	sd_error *err = NULL;
	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	w.im = out;
	w.opt = opt;
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3) && opt->format == SD_IMPORT_JSONL)
		data += 3, len -= 3;
	if (opt->format == SD_IMPORT_CSV) {
		err = read_csv(&w, data, len);
	} else {
		size_t i = 0;
		while (i < len &&
		       (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
			i++;
		if (i < len && data[i] == '[')
			err = read_json_array(&w, data, len);
		else
			read_jsonl(&w, data, len);
	}
	if (!err)
		err = assign_ids(&w);
	for (size_t i = 0; i < out->n; i++) {
		struct sd_import_ticket *r = &out->v[i];
		if (!err && !r->err) {
			sd_error *e = opt->route
				? opt->route(opt->route_arg, &w.tickets[i], r->given)
				: NULL;
			if (!e)
				e = write_checked(r, &w.tickets[i]);
			if (e)
				record_error(&w, i, e);
			else
				memcpy(r->id, sd_ticket_get(&w.tickets[i], SD_F_ID), SD_ID_LEN + 1);
		}
		sd_ticket_free(&w.tickets[i]);
		if (out->v[i].err)
			out->nerr++;
		if (opt->progress && out->n >= 1000 && (i % 256 == 0 || i + 1 == out->n))
			opt->progress(opt->progress_arg, "Checking records", i + 1, out->n);
	}
	free(w.tickets);
	free(w.id_given);
	if (err)
		sd_import_release(out);
	return err;
}

void sd_import_release(struct sd_import *im)
{
	for (size_t i = 0; i < im->n; i++) {
		sd_buf_release(&im->v[i].text);
		sd_error_free(im->v[i].err);
	}
	free(im->v);
	memset(im, 0, sizeof(*im));
}
