/* SPDX-License-Identifier: MIT */
/* The ticket model: fields, validation and the changes commands make. */

#include <stdlib.h>
#include <string.h>

#include "sd/id.h"
#include "sd/text.h"
#include "sd/ticket.h"

const char *const sd_types[] = { "incident", "request", "problem", "change", NULL };
const char *const sd_statuses[] = { "new",	"open",	  "pending",   "on-hold",
				    "resolved", "closed", "cancelled", NULL };
const char *const sd_priorities[] = { "P1", "P2", "P3", "P4", "P5", NULL };
const char *const sd_levels[] = { "high", "medium", "low", NULL };
const char *const sd_tiers[] = { "L0", "L1", "L2", "L3", "L4", NULL };
const char *const sd_visibilities[] = { "public", "internal", NULL };
const char *const sd_channels[] = { "cli", "mail", "web", "import", NULL };
const char *const sd_booleans[] = { "true", "false", NULL };

const struct sd_field_info sd_fields[SD_F_COUNT] = {
	[SD_F_ID] = { "id", NULL, 0, 0 },
	[SD_F_TITLE] = { "title", NULL, 1, 0 },
	[SD_F_TYPE] = { "type", sd_types, 1, 0 },
	[SD_F_STATUS] = { "status", sd_statuses, 1, 0 },
	[SD_F_PRIORITY] = { "priority", sd_priorities, 1, 0 },
	[SD_F_IMPACT] = { "impact", sd_levels, 1, 0 },
	[SD_F_URGENCY] = { "urgency", sd_levels, 1, 0 },
	[SD_F_TIER] = { "tier", sd_tiers, 1, 0 },
	[SD_F_QUEUE] = { "queue", NULL, 1, 0 },
	[SD_F_ASSIGNEE] = { "assignee", NULL, 1, 0 },
	[SD_F_REQUESTER] = { "requester", NULL, 1, 0 },
	[SD_F_CATEGORY] = { "category", NULL, 1, 0 },
	[SD_F_TAGS] = { "tags", NULL, 1, 0 },
	[SD_F_ASSET] = { "asset", NULL, 1, 0 },
	[SD_F_KEY] = { "key", NULL, 1, 1 },
	[SD_F_VENDOR] = { "vendor", NULL, 1, 1 },
	[SD_F_VENDOR_REF] = { "vendor_ref", NULL, 1, 1 },
	[SD_F_CHANNEL] = { "channel", NULL, 0,
			   1 }, /* free text on read: a newer sd may add channels */
	/* Links are changed by sd link, sd unlink and sd problem, which keep
	 * both sides in step; not by sd set. */
	[SD_F_PROBLEM] = { "problem", NULL, 0, 1 },
	[SD_F_INCIDENTS] = { "incidents", NULL, 0, 1 },
	[SD_F_KNOWN_ERROR] = { "known_error", sd_booleans, 0, 1 },
	[SD_F_CC] = { "cc", NULL, 1, 1 },
	[SD_F_CREATED] = { "created", NULL, 0, 0 },
	[SD_F_UPDATED] = { "updated", NULL, 0, 0 },
};

#define SD_FIELD_MAX_BYTES 512

int sd_field_lookup(const char *name)
{
	for (int i = 0; i < SD_F_COUNT; i++)
		if (!strcmp(sd_fields[i].name, name))
			return i;
	return -1;
}

int sd_value_index(const char *const *values, const char *value)
{
	for (int i = 0; values[i]; i++)
		if (!strcmp(values[i], value))
			return i;
	return -1;
}

sd_error *sd_field_check_read(enum sd_field f, const char *value)
{
	/* What is already in a file is shown inert, not refused: only values
	 * sd computes with must be exact. */
	if (sd_fields[f].values || f == SD_F_ID || f == SD_F_CREATED || f == SD_F_UPDATED ||
	    f == SD_F_TAGS || f == SD_F_PROBLEM || f == SD_F_INCIDENTS || f == SD_F_CC)
		return sd_field_validate(f, value);
	return NULL;
}

int sd_status_is_done(const char *status)
{
	return !strcmp(status, "resolved") || !strcmp(status, "closed") ||
		!strcmp(status, "cancelled");
}

static void join_values(struct sd_buf *out, const char *const *values)
{
	for (int i = 0; values[i]; i++) {
		if (i)
			sd_buf_adds(out, ", ");
		sd_buf_adds(out, values[i]);
	}
}

static sd_error *validate_line(const char *what, const char *value, int required)
{
	size_t len = strlen(value);
	if (required && !len)
		return sd_error_invalid("%s must not be empty", what);
	if (!sd_utf8_valid(value, len, NULL))
		return sd_error_invalid("%s is not valid UTF-8", what);
	if (strchr(value, '\n') || strchr(value, '\r'))
		return sd_error_invalid("%s must be a single line", what);
	if (sd_text_has_control(value))
		return sd_error_invalid("%s contains control characters or bidirectional "
					"overrides; type it as plain text",
					what);
	if (len > SD_FIELD_MAX_BYTES)
		return sd_error_invalid("%s is longer than %d bytes", what, SD_FIELD_MAX_BYTES);
	return NULL;
}

sd_error *sd_field_validate(enum sd_field f, const char *value)
{
	const struct sd_field_info *info = &sd_fields[f];
	if (info->values) {
		if (sd_value_index(info->values, value) >= 0)
			return NULL;
		struct sd_buf allowed = SD_BUF_INIT;
		join_values(&allowed, info->values);
		struct sd_buf shown = SD_BUF_INIT;
		sd_text_inert(&shown, value, strlen(value), 0);
		sd_error *err = sd_error_invalid("invalid %s '%.60s': use one of %s", info->name,
						 shown.data, allowed.data);
		sd_buf_release(&allowed);
		sd_buf_release(&shown);
		return err;
	}
	switch (f) {
	case SD_F_ID:
		if (!sd_id_valid(value))
			return sd_error_invalid("invalid id '%.40s': an id is %d characters of %s",
						value, SD_ID_LEN, SD_ID_ALPHABET);
		return NULL;
	case SD_F_TITLE:
		return validate_line("title", value, 1);
	case SD_F_PROBLEM:
		if (*value && !sd_id_valid(value)) /* "": linked to none */
			return sd_error_invalid("invalid problem '%.40s': name the problem by its "
						"full id, %d characters of %s",
						value, SD_ID_LEN, SD_ID_ALPHABET);
		return NULL;
	case SD_F_INCIDENTS: {
		/* The list as held: full ids joined by ", " (see ticket.h). */
		struct sd_strvec ids = SD_STRVEC_INIT;
		sd_error *err = NULL;
		sd_strvec_split(&ids, value);
		for (size_t i = 0; !err && i < ids.n; i++)
			if (!sd_id_valid(ids.v[i]))
				err = sd_error_invalid("invalid incident '%.40s' in incidents: name "
						       "each incident by its full id, %d characters "
						       "of %s",
						       ids.v[i], SD_ID_LEN, SD_ID_ALPHABET);
		sd_strvec_clear(&ids);
		return err;
	}
	case SD_F_CREATED:
	case SD_F_UPDATED: {
		sd_stamp t;
		sd_error *err = sd_stamp_parse(&t, value);
		if (err)
			return sd_error_wrap(err, "%s", info->name);
		/* The forms sd writes: whole seconds, or milliseconds. */
		size_t len = strlen(value);
		if (value[len - 1] != 'Z')
			return sd_error_invalid("%s '%s' is not in UTC; write it like "
						"2026-11-23T14:05:00Z",
						info->name, value);
		if (len != SD_TIME_STRLEN - 1 && len != SD_STAMP_STRLEN - 1)
			return sd_error_invalid("%s '%s': write it like 2026-11-23T14:05:00Z or, "
						"to the millisecond, 2026-11-23T14:05:00.123Z",
						info->name, value);
		return NULL;
	}
	case SD_F_CC:
		return sd_cc_validate(value);
	case SD_F_TAGS:
		if (strchr(value, ',') || strchr(value, ' '))
			return sd_error_invalid("invalid tag '%.60s': tags have no commas or spaces",
						value);
		return validate_line("tag", value, 1);
	default:
		return validate_line(info->name, value, 0);
	}
}

/* One address of a cc list: local@domain, nothing a mail header or a
 * list could misread (spaces, brackets, quotes, commas, controls). */
static int cc_address(const char *a, size_t n)
{
	const char *at = memchr(a, '@', n);
	if (!n || n > 254 || !at || at == a || at == a + n - 1)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)a[i];
		if (c <= ' ' || c == 0x7f || strchr("<>\"(),;:[]\\", c))
			return 0;
	}
	return 1;
}

sd_error *sd_cc_validate(const char *value)
{
	const char *p = value;
	size_t count = 0;
	if (!sd_utf8_valid(value, strlen(value), NULL))
		return sd_error_invalid("invalid cc: not valid UTF-8");
	while (*p) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, ",");
		size_t m = n;
		while (m && p[m - 1] == ' ')
			m--;
		if (!cc_address(p, m))
			return sd_error_invalid("invalid cc address '%.*s': write addresses like "
						"ana@example.com, separated by commas",
						(int)(m > 80 ? 80 : m), p);
		if (++count > 100)
			return sd_error_invalid("cc lists at most 100 addresses");
		p += n;
		if (*p == ',')
			p++;
	}
	return NULL;
}

void sd_ticket_init(struct sd_ticket *t)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < SD_F_COUNT; i++)
		t->field[i] = sd_xstrdup("");
	t->description = sd_xstrdup("");
}

void sd_entry_release(struct sd_entry *e)
{
	free(e->id);
	free(e->author);
	free(e->body);
	free(e->field);
	free(e->from);
	free(e->to);
	free(e->reason);
	free(e->message_id);
	free(e->mail_from);
	free(e->mail_to);
	free(e->reply_to);
}

void sd_ticket_free(struct sd_ticket *t)
{
	if (t->borrowed) {
		if (t->borrowed != SD_BORROWED_ALL) {
			free(t->tags.v);
			free(t->entries);
		}
		free(t->extra);
		memset(t, 0, sizeof(*t));
		return;
	}
	for (int i = 0; i < SD_F_COUNT; i++)
		free(t->field[i]);
	sd_strvec_clear(&t->tags);
	for (size_t i = 0; i < t->nextra; i++) {
		free(t->extra[i].key);
		free(t->extra[i].raw);
	}
	free(t->extra);
	free(t->description);
	for (size_t i = 0; i < t->nentries; i++)
		sd_entry_release(&t->entries[i]);
	free(t->entries);
	memset(t, 0, sizeof(*t));
}

const char *sd_ticket_get(const struct sd_ticket *t, enum sd_field f)
{
	return t->field[f] ? t->field[f] : "";
}

void sd_ticket_set(struct sd_ticket *t, enum sd_field f, const char *value)
{
	char *copy = sd_xstrdup(value);
	free(t->field[f]);
	t->field[f] = copy;
}

void sd_ticket_tags_join(const struct sd_ticket *t, struct sd_buf *out)
{
	for (size_t i = 0; i < t->tags.n; i++) {
		if (i)
			sd_buf_adds(out, ", ");
		sd_buf_adds(out, t->tags.v[i]);
	}
}

sd_error *sd_ticket_set_tags(struct sd_ticket *t, const char *list)
{
	struct sd_strvec items = SD_STRVEC_INIT, tags = SD_STRVEC_INIT;
	sd_error *err = NULL;
	sd_strvec_split(&items, list);
	for (size_t i = 0; !err && i < items.n; i++)
		if (!(err = sd_field_validate(SD_F_TAGS, items.v[i])))
			sd_strvec_push(&tags, items.v[i]);
	sd_strvec_clear(&items);
	sd_strvec_uniq(&tags);
	if (err) {
		sd_strvec_clear(&tags);
		return err;
	}
	sd_strvec_clear(&t->tags);
	t->tags = tags;
	return NULL;
}

int sd_ticket_has_tag(const struct sd_ticket *t, const char *tag)
{
	return sd_strvec_has(&t->tags, tag);
}

void sd_ticket_incidents(const struct sd_ticket *t, struct sd_strvec *out)
{
	sd_strvec_split(out, sd_ticket_get(t, SD_F_INCIDENTS));
}

void sd_ticket_set_incidents(struct sd_ticket *t, const struct sd_strvec *ids)
{
	struct sd_strvec sorted = SD_STRVEC_INIT;
	struct sd_buf joined = SD_BUF_INIT;
	for (size_t i = 0; i < ids->n; i++)
		sd_strvec_push(&sorted, ids->v[i]);
	sd_strvec_sort(&sorted);
	sd_strvec_uniq(&sorted);
	for (size_t i = 0; i < sorted.n; i++) {
		if (i)
			sd_buf_adds(&joined, ", ");
		sd_buf_adds(&joined, sorted.v[i]);
	}
	sd_ticket_set(t, SD_F_INCIDENTS, joined.data);
	sd_buf_release(&joined);
	sd_strvec_clear(&sorted);
}

static struct sd_entry *append_entry(struct sd_ticket *t)
{
	t->entries = sd_xrealloc(t->entries, (t->nentries + 1) * sizeof(*t->entries));
	struct sd_entry *e = &t->entries[t->nentries++];
	memset(e, 0, sizeof(*e));
	return e;
}

static sd_error *new_entry_id(const struct sd_ticket *t, char out[SD_ENTRY_ID_LEN + 1])
{
	for (;;) {
		sd_error *err = sd_id_generate(out, SD_ENTRY_ID_LEN);
		if (err)
			return err;
		size_t i;
		for (i = 0; i < t->nentries; i++)
			if (!strcmp(t->entries[i].id, out))
				break;
		if (i == t->nentries)
			return NULL;
	}
}

sd_error *sd_ticket_check_size(const char *what, size_t len)
{
	if (len <= SD_TICKET_MAX_BYTES)
		return NULL;
	return sd_error_invalid("ticket %s would be %zu bytes, more than the limit of %u "
				"(8 MiB); nothing was written. Attach large logs elsewhere and "
				"link them, or split the ticket",
				what, len, SD_TICKET_MAX_BYTES);
}

char *sd_ticket_size_warning(const char *path, uint64_t size)
{
	if (size <= SD_TICKET_MAX_BYTES)
		return NULL;
	struct sd_buf msg = SD_BUF_INIT;
	sd_buf_printf(&msg,
		      "%s is %llu bytes, more than the limit of %u (8 MiB) that sd writes: "
		      "it is read, but every change to it is refused until 'sd edit' makes it "
		      "smaller",
		      path, (unsigned long long)size, SD_TICKET_MAX_BYTES);
	return sd_buf_detach(&msg);
}

sd_error *sd_text_validate(const char *text, size_t len, const char *what)
{
	size_t bad;
	if (len > SD_TEXT_MAX_BYTES)
		return sd_error_invalid("%s is %zu bytes, more than the limit of %u; "
					"attach large logs elsewhere and link them",
					what, len, SD_TEXT_MAX_BYTES);
	if (memchr(text, '\0', len))
		return sd_error_invalid("%s contains a NUL byte", what);
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		return sd_error_invalid("%s starts with a byte-order mark; save it as UTF-8 "
					"without BOM",
					what);
	if (!sd_utf8_valid(text, len, &bad))
		return sd_error_invalid("%s is not valid UTF-8 (byte %zu)", what, bad + 1);
	if (memchr(text, '\r', len))
		return sd_error_invalid("%s contains carriage returns (CRLF line endings); "
					"convert it to LF, e.g. with dos2unix",
					what);
	return NULL;
}

static int blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

char *sd_text_trim_lines(const char *text)
{
	const char *start = text, *end = text + strlen(text);
	/* Drop whole blank lines at the start. */
	for (;;) {
		const char *nl = strchr(start, '\n');
		if (!nl || !blank_line(start, (size_t)(nl - start)))
			break;
		start = nl + 1;
	}
	while (end > start && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (blank_line(start, (size_t)(end - start)))
		end = start;
	return sd_xstrndup(start, (size_t)(end - start));
}

sd_stamp sd_ticket_next_stamp(const struct sd_ticket *t, sd_stamp at)
{
	sd_stamp created;
	sd_error *err = sd_stamp_parse(&created, sd_ticket_get(t, SD_F_CREATED));
	if (!err && created > at)
		at = created;
	sd_error_free(err);
	/* A hand edit may leave entries out of order: look at them all. */
	for (size_t i = 0; i < t->nentries; i++)
		if (t->entries[i].at >= at)
			at = t->entries[i].at + 1;
	return at;
}

sd_stamp sd_ticket_updated_stamp(const struct sd_ticket *t, sd_stamp at)
{
	sd_stamp updated;
	sd_error *err = sd_stamp_parse(&updated, sd_ticket_get(t, SD_F_UPDATED));
	if (!err && updated > at)
		at = updated;
	sd_error_free(err);
	for (size_t i = 0; i < t->nentries; i++)
		if (t->entries[i].at > at)
			at = t->entries[i].at;
	return at;
}

sd_error *sd_ticket_add_comment(struct sd_ticket *t, const char *author, sd_stamp at, int internal,
				const char *body)
{
	return sd_ticket_add_mail_comment(t, author, at, internal, body, NULL, NULL);
}

sd_error *sd_ticket_add_mail_comment(struct sd_ticket *t, const char *author, sd_stamp at,
				     int internal, const char *body, const struct sd_entry_mail *m,
				     char id_out[SD_ENTRY_ID_LEN + 1])
{
	char id[SD_ENTRY_ID_LEN + 1];
	sd_error *err = new_entry_id(t, id);
	if (err)
		return err;
	at = sd_ticket_next_stamp(t, at);
	struct sd_entry *e = append_entry(t);
	e->kind = SD_ENTRY_COMMENT;
	e->id = sd_xstrdup(id);
	e->author = sd_xstrdup(author);
	e->at = at;
	e->internal = internal;
	e->body = sd_text_trim_lines(body);
	if (m)
		sd_entry_set_mail(e, m);
	if (id_out)
		memcpy(id_out, id, sizeof(id));
	sd_ticket_sort_entries(t);
	return NULL;
}

static void set_string(char **slot, const char *v)
{
	if (!v)
		return;
	free(*slot);
	*slot = sd_xstrdup(v);
}

void sd_entry_set_mail(struct sd_entry *e, const struct sd_entry_mail *m)
{
	set_string(&e->message_id, m->message_id);
	set_string(&e->mail_from, m->mail_from);
	set_string(&e->mail_to, m->mail_to);
	set_string(&e->reply_to, m->reply_to);
}

struct sd_entry *sd_ticket_entry(struct sd_ticket *t, const char *id)
{
	for (size_t i = 0; i < t->nentries; i++)
		if (!strcmp(t->entries[i].id, id))
			return &t->entries[i];
	return NULL;
}

sd_error *sd_ticket_change(struct sd_ticket *t, enum sd_field f, const char *value,
			   const char *author, sd_stamp at, const char *reason, int *changed)
{
	struct sd_buf old = SD_BUF_INIT;
	sd_error *err = NULL;
	at = sd_ticket_next_stamp(t, at);
	if (changed)
		*changed = 0;
	if (f == SD_F_TAGS) {
		sd_ticket_tags_join(t, &old);
		err = sd_ticket_set_tags(t, value);
		if (err)
			goto done;
		struct sd_buf now = SD_BUF_INIT;
		sd_ticket_tags_join(t, &now);
		int same = !strcmp(now.data, old.data);
		if (same) {
			sd_buf_release(&now);
			goto done;
		}
		value = NULL;
		/* Record the normalised list, not what was typed. */
		char id[SD_ENTRY_ID_LEN + 1];
		if ((err = new_entry_id(t, id))) {
			sd_buf_release(&now);
			goto done;
		}
		struct sd_entry *e = append_entry(t);
		e->kind = SD_ENTRY_EVENT;
		e->id = sd_xstrdup(id);
		e->author = sd_xstrdup(author);
		e->at = at;
		e->field = sd_xstrdup("tags");
		e->from = sd_buf_detach(&old);
		e->to = sd_buf_detach(&now);
		e->reason = sd_xstrdup(reason ? reason : "");
	} else {
		if ((err = sd_field_validate(f, value)))
			goto done;
		if (!strcmp(sd_ticket_get(t, f), value))
			goto done;
		char id[SD_ENTRY_ID_LEN + 1];
		if ((err = new_entry_id(t, id)))
			goto done;
		struct sd_entry *e = append_entry(t);
		e->kind = SD_ENTRY_EVENT;
		e->id = sd_xstrdup(id);
		e->author = sd_xstrdup(author);
		e->at = at;
		e->field = sd_xstrdup(sd_fields[f].name);
		e->from = sd_xstrdup(sd_ticket_get(t, f));
		e->to = sd_xstrdup(value);
		e->reason = sd_xstrdup(reason ? reason : "");
		sd_ticket_set(t, f, value);
	}
	if (changed)
		*changed = 1;
	sd_ticket_sort_entries(t);
done:
	sd_buf_release(&old);
	return err;
}

sd_error *sd_ticket_add_event(struct sd_ticket *t, const char *author, sd_stamp at,
			      const char *field, const char *from, const char *to,
			      const char *reason)
{
	char id[SD_ENTRY_ID_LEN + 1];
	sd_error *err = new_entry_id(t, id);
	if (err)
		return err;
	sd_ticket_add_event_with_id(t, id, author, at, field, from, to, reason);
	return NULL;
}

int sd_ticket_add_event_with_id(struct sd_ticket *t, const char *id, const char *author,
				sd_stamp at, const char *field, const char *from, const char *to,
				const char *reason)
{
	for (size_t i = 0; i < t->nentries; i++)
		if (!strcmp(t->entries[i].id, id))
			return 0;
	at = sd_ticket_next_stamp(t, at);
	struct sd_entry *e = append_entry(t);
	e->kind = SD_ENTRY_EVENT;
	e->id = sd_xstrdup(id);
	e->author = sd_xstrdup(author);
	e->at = at;
	e->field = sd_xstrdup(field);
	e->from = sd_xstrdup(from);
	e->to = sd_xstrdup(to);
	e->reason = sd_xstrdup(reason ? reason : "");
	sd_ticket_sort_entries(t);
	return 1;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct sd_entry *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return strcmp(x->id, y->id);
}

void sd_ticket_sort_entries(struct sd_ticket *t)
{
	if (t->nentries > 1)
		qsort(t->entries, t->nentries, sizeof(*t->entries), cmp_entry);
}

const struct sd_entry *sd_ticket_repeated_entry(const struct sd_ticket *t)
{
	struct sd_keyed *ids = sd_xmalloc((t->nentries ? t->nentries : 1) * sizeof(*ids));
	unsigned char *repeat = sd_xmalloc(t->nentries ? t->nentries : 1);
	const struct sd_entry *dup = NULL;
	for (size_t i = 0; i < t->nentries; i++)
		ids[i] = (struct sd_keyed){ t->entries[i].id, t->entries[i].line };
	sd_mark_repeats(ids, t->nentries, repeat);
	/* The first repeat in the file. */
	for (size_t i = 0; i < t->nentries; i++)
		if (repeat[i] && (!dup || t->entries[i].line < dup->line))
			dup = &t->entries[i];
	free(ids);
	free(repeat);
	return dup;
}

sd_error *sd_ticket_validate(const struct sd_ticket *t, const char *path)
{
	static const enum sd_field required[] = { SD_F_ID,     SD_F_TITLE,    SD_F_TYPE,
						  SD_F_STATUS, SD_F_PRIORITY, SD_F_CREATED,
						  SD_F_UPDATED };
	for (size_t i = 0; i < sizeof(required) / sizeof(*required); i++)
		if (!*sd_ticket_get(t, required[i]))
			return sd_error_invalid("%s:%zu: required field '%s' is %s", path,
						t->field_line[required[i]]
							? t->field_line[required[i]]
							: 1,
						sd_fields[required[i]].name,
						t->field_line[required[i]] ? "empty" : "missing");
	/* Impact, urgency and tier may be left out by hand; when present they
	 * must be valid. */
	for (int f = 0; f < SD_F_COUNT; f++) {
		if (f == SD_F_TAGS || !*sd_ticket_get(t, (enum sd_field)f))
			continue;
		sd_error *err =
			sd_field_check_read((enum sd_field)f, sd_ticket_get(t, (enum sd_field)f));
		if (err)
			return sd_error_wrap(err, "%s:%zu", path,
					     t->field_line[f] ? t->field_line[f] : 1);
	}
	const struct sd_entry *dup = sd_ticket_repeated_entry(t);
	if (dup)
		return sd_error_invalid("%s:%zu: entry id '%s' is used twice", path, dup->line,
					dup->id);
	return NULL;
}
