/* SPDX-License-Identifier: MIT */
/* Loading, filtering, sorting and printing tickets: shared by list and search. */

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sd/calendar.h"
#include "sd/inbox.h"
#include "sd/sla.h"
#include "sd/text.h"

const struct sd_option sd_filter_options[] = {
	SD_FILTER_OPTION_ROWS,
	{ SD_OPT_STRING, 0, "sort", "SORT",
	  "sort by priority, created, updated, status, id, title, tier or assignee; -KEY reverses" },
	{ SD_OPT_BOOL, 0, "json", NULL, "print a JSON array" },
	{ SD_OPT_STRING, 0, "format", "FMT",
	  "print each ticket with FMT: %(field), %(short), %(age), %n, %t, %%" },
	SD_WIDE_OPTION_ROW,
	SD_DATE_OPTION_ROW,
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

struct sd_filter {
	struct sd_strvec statuses;
	const char *field[SD_F_COUNT]; /* exact match wanted, or NULL */
	const struct sd_strvec *tags;
	int all;
	int waiting; /* --waiting */
	char *me_email, *me_name;
	int sla_state; /* -1: any */
	struct sd_config *cfg;
	sd_time at;
	char problem[SD_ID_LEN + 1]; /* --problem, resolved to a full id */
};

static const struct {
	const char *option;
	enum sd_field field;
} exact_filters[] = {
	{ "type", SD_F_TYPE },	       { "priority", SD_F_PRIORITY },
	{ "tier", SD_F_TIER },	       { "queue", SD_F_QUEUE },
	{ "assignee", SD_F_ASSIGNEE }, { "requester", SD_F_REQUESTER },
	{ "category", SD_F_CATEGORY }, { "asset", SD_F_ASSET },
	{ "key", SD_F_KEY },
};

sd_error *sd_filter_new(struct sd_filter **out, struct sd_ctx *ctx, const struct sd_args *a,
			int default_all)
{
	struct sd_filter *f = sd_xcalloc(1, sizeof(*f));
	sd_error *err = NULL;
	const struct sd_strvec *st = sd_arg_list(a, "status");
	for (size_t i = 0; i < st->n; i++) {
		/* --status open,pending is accepted as well as repeated options. */
		struct sd_strvec parts = SD_STRVEC_INIT;
		sd_strvec_split(&parts, st->v[i]);
		if (!parts.n)
			sd_strvec_push(&parts, st->v[i]);
		for (size_t j = 0; !err && j < parts.n; j++) {
			err = sd_field_validate(SD_F_STATUS, parts.v[j]);
			if (!err)
				sd_strvec_push(&f->statuses, parts.v[j]);
		}
		sd_strvec_clear(&parts);
		if (err)
			goto done;
	}
	for (size_t i = 0; i < sizeof(exact_filters) / sizeof(*exact_filters); i++) {
		const char *v = sd_arg_str(a, exact_filters[i].option);
		if (!v)
			continue;
		if (sd_fields[exact_filters[i].field].values &&
		    (err = sd_field_validate(exact_filters[i].field, v)))
			goto done;
		f->field[exact_filters[i].field] = v;
	}
	const char *problem = sd_arg_str(a, "problem");
	if (problem) {
		if ((err = sd_store_resolve(ctx->store, f->problem, problem)))
			goto done;
		f->field[SD_F_PROBLEM] = f->problem;
	}
	f->tags = sd_arg_list(a, "tag");
	f->sla_state = -1;
	f->cfg = sd_store_config(ctx->store);
	f->at = ctx->now;
	const char *sla = sd_arg_str(a, "sla");
	if (sla && (f->sla_state = sd_value_index(sd_clock_states, sla)) < 0) {
		err = sd_error_invalid(
			"invalid --sla '%s': use running, at-risk, paused, met or breached", sla);
		goto done;
	}
	f->all = default_all || sd_arg_flag(a, "all");
	f->waiting = sd_arg_flag(a, "waiting");
	if (sd_arg_flag(a, "mine")) {
		const char *name, *email;
		if (sd_arg_str(a, "assignee")) {
			err = sd_error_invalid("--mine and --assignee cannot be used together");
			goto done;
		}
		if ((err = sd_store_author(ctx->store, &name, &email, NULL)))
			goto done;
		f->me_email = sd_xstrdup(email);
		f->me_name = sd_xstrdup(name);
	}
done:
	if (err) {
		sd_filter_free(f);
		f = NULL;
	}
	*out = f;
	return err;
}

struct sd_filter *sd_filter_open_tickets(struct sd_ctx *ctx)
{
	static const struct sd_strvec no_tags = SD_STRVEC_INIT;
	struct sd_filter *f = sd_xcalloc(1, sizeof(*f));
	f->tags = &no_tags;
	f->sla_state = -1;
	f->cfg = sd_store_config(ctx->store);
	f->at = ctx->now;
	return f;
}

void sd_filter_set_time(struct sd_filter *f, sd_time at)
{
	f->at = at;
}

void sd_filter_free(struct sd_filter *f)
{
	if (!f)
		return;
	sd_strvec_clear(&f->statuses);
	free(f->me_email);
	free(f->me_name);
	free(f);
}

int sd_filter_match(const struct sd_filter *f, const struct sd_ticket *t)
{
	const char *status = sd_ticket_get(t, SD_F_STATUS);
	if (f->statuses.n) {
		if (!sd_strvec_has(&f->statuses, status))
			return 0;
	} else if (!f->all && sd_status_is_done(status)) {
		return 0;
	}
	for (int i = 0; i < SD_F_COUNT; i++) {
		if (!f->field[i])
			continue;
		const char *v = sd_ticket_get(t, (enum sd_field)i);
		/* People and queues are compared without case: Bob@X.org is bob@x.org. */
		if (!sd_strcaseeq(v, f->field[i]))
			return 0;
	}
	for (size_t i = 0; i < f->tags->n; i++)
		if (!sd_ticket_has_tag(t, f->tags->v[i]))
			return 0;
	if (f->waiting && !sd_inbox_requester_spoke_last(t))
		return 0;
	if (f->sla_state >= 0) {
		struct sd_sla sla;
		sd_error *err = sd_sla_evaluate(&sla, f->cfg, t, f->at);
		int hit = 0;
		const struct sd_clock *clocks[] = { &sla.first_response, &sla.next_response,
						    &sla.resolution };
		for (int i = 0; !err && i < 3; i++)
			hit |= clocks[i]->present && clocks[i]->active &&
				(int)clocks[i]->state == f->sla_state;
		sd_error_free(err);
		if (!hit)
			return 0;
	}
	if (f->me_email) {
		const char *who = sd_ticket_get(t, SD_F_ASSIGNEE);
		if (!*who || (!sd_strcaseeq(who, f->me_email) && strcmp(who, f->me_name)))
			return 0;
	}
	return 1;
}

struct row_loader {
	struct sd_rows *rows;
	const struct sd_filter *filter;
	struct sd_texts *texts; /* with words: keep only what can match */
	const struct sd_strvec *words;
};

static int take_row(struct sd_summary *s, void *arg)
{
	struct row_loader *l = arg;
	struct sd_rows *rows = l->rows;
	if (l->filter && !sd_filter_match(l->filter, &s->t))
		return 0;
	int text_match = l->texts ? sd_texts_match(l->texts, &s->info, l->words) : 1;
	if (!text_match)
		return 0;
	if (rows->n == rows->alloc) {
		rows->alloc = rows->alloc ? rows->alloc * 2 : 256;
		rows->v = sd_xrealloc(rows->v, rows->alloc * sizeof(*rows->v));
	}
	sd_summary_keep(s);
	struct sd_row *r = &rows->v[rows->n++];
	memset(r, 0, sizeof(*r));
	r->t = s->t;
	r->info = s->info;
	r->text_match = text_match;
	sd_summary_short_id(&rows->sums, &r->info, r->short_id);
	sd_time_parse(&r->created, sd_ticket_get(&r->t, SD_F_CREATED));
	return 1;
}

sd_error *sd_rows_load(struct sd_ctx *ctx, struct sd_rows *rows, const struct sd_filter *filter)
{
	return sd_rows_load_text(ctx, rows, filter, NULL);
}

sd_error *sd_rows_load_text(struct sd_ctx *ctx, struct sd_rows *rows,
			    const struct sd_filter *filter, const struct sd_strvec *words)
{
	struct sd_texts *texts = words ? sd_texts_open(ctx->store) : NULL;
	struct row_loader loader = { rows, filter, texts, words };
	memset(rows, 0, sizeof(*rows));
	rows->texts = texts;
	sd_error *err = sd_summaries_load(ctx->store, &rows->sums, take_row, &loader);
	if (err)
		return err;
	/* One broken file must not hide every other ticket; sd check lists
	 * the problems. */
	for (size_t i = 0; i < rows->sums.problems.n; i++) {
		struct sd_buf msg = SD_BUF_INIT;
		sd_put_text(&msg, rows->sums.problems.v[i]);
		fprintf(stderr, "sd: skipping %s\n", msg.data);
		sd_buf_release(&msg);
	}
	return NULL;
}

void sd_warn(char *msg)
{
	struct sd_buf line = SD_BUF_INIT;
	sd_put_text(&line, msg);
	fprintf(stderr, "sd: warning: %s\n", line.data);
	sd_buf_release(&line);
	free(msg);
}

void sd_rows_report(struct sd_ctx *ctx, const struct sd_rows *rows)
{
	for (size_t i = 0; i < rows->sums.nfiles; i++) {
		const struct sd_ticket_file *f = &rows->sums.files[i];
		if (f->size <= (int64_t)SD_TICKET_MAX_BYTES)
			continue;
		struct sd_buf rel = SD_BUF_INIT;
		sd_ticket_path(&rel, f->id);
		sd_warn(sd_ticket_size_warning(rel.data, (uint64_t)f->size));
		sd_buf_release(&rel);
	}
	if (rows->sums.problems.n) {
		fprintf(stderr,
			"sd: %zu ticket file%s could not be read; 'sd check' lists the "
			"problems\n",
			rows->sums.problems.n, rows->sums.problems.n == 1 ? "" : "s");
		ctx->exit_status = SD_EXIT_FOUND_NOTHING;
	}
}

void sd_rows_free(struct sd_rows *rows)
{
	for (size_t i = 0; i < rows->n; i++)
		sd_ticket_free(&rows->v[i].t);
	free(rows->v);
	sd_summaries_free(&rows->sums);
	sd_texts_close(rows->texts);
	rows->texts = NULL;
	rows->v = NULL;
	rows->n = 0;
}

sd_error *sd_row_read_full(struct sd_ctx *ctx, struct sd_row *row)
{
	if (!row->t.borrowed)
		return NULL;
	struct sd_ticket full;
	sd_error *err = sd_store_read(ctx->store, sd_ticket_get(&row->t, SD_F_ID), &full, NULL);
	if (err) {
		sd_ticket_free(&full);
		return err;
	}
	sd_ticket_free(&row->t);
	row->t = full;
	return NULL;
}

/* ---- sorting ---- */

static int cmp_rows(const void *pa, const void *pb)
{
	const struct sd_row *a = *(const struct sd_row *const *)pa,
			    *b = *(const struct sd_row *const *)pb;
	int c = a->sort_rank - b->sort_rank;
	if (!c)
		c = a->sort_time < b->sort_time ? -1 : a->sort_time > b->sort_time;
	if (!c)
		c = strcmp(a->sort_text, b->sort_text);
	if (!c)
		c = a->created < b->created ? -1 : a->created > b->created;
	if (!c)
		c = strcmp(sd_ticket_get(&a->t, SD_F_ID), sd_ticket_get(&b->t, SD_F_ID));
	return c;
}

sd_error *sd_rows_sort(struct sd_rows *rows, const char *key)
{
	static const char *const keys[] = { "priority", "created", "updated",  "status", "id",
					    "title",	"tier",	   "assignee", NULL };
	if (!key)
		key = "priority";
	int reverse = key[0] == '-';
	const char *name = key + reverse;
	if (sd_value_index(keys, name) < 0)
		return sd_error_invalid("invalid sort key '%s': use priority, created, updated, "
					"status, id, title, tier or assignee (prefix - to reverse)",
					key);
	enum sd_field field = (enum sd_field)sd_field_lookup(name);
	const char *const *values = sd_fields[field].values;
	for (size_t i = 0; i < rows->n; i++) {
		struct sd_row *r = &rows->v[i];
		r->sort_text = sd_ticket_get(&r->t, field);
		/* As text "…:05Z" would sort after "…:05.200Z". */
		r->sort_time = 0;
		if (field == SD_F_CREATED || field == SD_F_UPDATED)
			sd_error_free(sd_stamp_parse(&r->sort_time, r->sort_text));
		/* Enumerations sort in their own order, unknown values last. */
		r->sort_rank = values ? sd_value_index(values, r->sort_text) : 0;
		if (r->sort_rank < 0)
			r->sort_rank = 1000;
	}
	if (rows->n < 2)
		return NULL;
	/* Rows are large; sorting pointers to them and moving each row once
	 * is many times cheaper than qsort moving rows. */
	struct sd_row **order = sd_xcalloc(rows->n, sizeof(*order));
	for (size_t i = 0; i < rows->n; i++)
		order[i] = &rows->v[i];
	qsort(order, rows->n, sizeof(*order), cmp_rows);
	size_t *from = sd_xcalloc(rows->n, sizeof(*from)); /* position i takes row from[i] */
	for (size_t i = 0; i < rows->n; i++)
		from[reverse ? rows->n - 1 - i : i] = (size_t)(order[i] - rows->v);
	free(order);
	/* Follow each cycle of the permutation with one spare row. */
	for (size_t i = 0; i < rows->n; i++) {
		if (from[i] == i)
			continue;
		struct sd_row spare = rows->v[i];
		size_t j = i;
		for (;;) {
			size_t k = from[j];
			from[j] = j;
			if (k == i) {
				rows->v[j] = spare;
				break;
			}
			rows->v[j] = rows->v[k];
			j = k;
		}
	}
	free(from);
	return NULL;
}

/* ---- JSON ---- */

static void json_key(struct sd_buf *out, const char *key, const char *value, int *first)
{
	if (!*first)
		sd_buf_addch(out, ',');
	*first = 0;
	sd_json_string(out, key);
	sd_buf_addch(out, ':');
	sd_json_string(out, value);
}

void sd_entry_json(struct sd_buf *out, const struct sd_entry *e)
{
	char at[SD_STAMP_STRLEN];
	int first = 1;
	sd_stamp_format(at, e->at);
	sd_buf_addch(out, '{');
	json_key(out, "id", e->id, &first);
	json_key(out, "kind", e->kind == SD_ENTRY_COMMENT ? "comment" : "event", &first);
	json_key(out, "author", e->author, &first);
	json_key(out, "at", at, &first);
	if (e->kind == SD_ENTRY_COMMENT) {
		json_key(out, "visibility", e->internal ? "internal" : "public", &first);
		json_key(out, "body", e->body, &first);
	} else {
		json_key(out, "field", e->field, &first);
		json_key(out, "from", e->from, &first);
		json_key(out, "to", e->to, &first);
		json_key(out, "reason", e->reason, &first);
	}
	/* Only on entries that carry them: most do not. */
	static const char *const mail_keys[] = { "message_id", "mail_from", "mail_to", "reply_to" };
	const char *mail_values[] = { e->message_id, e->mail_from, e->mail_to, e->reply_to };
	for (size_t i = 0; i < 4; i++)
		if (mail_values[i] && *mail_values[i])
			json_key(out, mail_keys[i], mail_values[i], &first);
	sd_buf_addch(out, '}');
}

void sd_ticket_json(struct sd_buf *out, const struct sd_ticket *t, const char *short_id,
		    int with_body)
{
	int first = 1;
	sd_buf_adds(out, "{\"schema_version\":1");
	first = 0;
	if (short_id)
		json_key(out, "short_id", short_id, &first);
	for (int f = 0; f < SD_F_COUNT; f++) {
		if (f == SD_F_TAGS) {
			sd_buf_adds(out, ",\"tags\":[");
			for (size_t i = 0; i < t->tags.n; i++) {
				if (i)
					sd_buf_addch(out, ',');
				sd_json_string(out, t->tags.v[i]);
			}
			sd_buf_addch(out, ']');
			continue;
		}
		if (f == SD_F_INCIDENTS) {
			/* An array, present (maybe empty) on every ticket. */
			struct sd_strvec ids = SD_STRVEC_INIT;
			sd_ticket_incidents(t, &ids);
			sd_buf_adds(out, ",\"incidents\":[");
			for (size_t i = 0; i < ids.n; i++) {
				if (i)
					sd_buf_addch(out, ',');
				sd_json_string(out, ids.v[i]);
			}
			sd_buf_addch(out, ']');
			sd_strvec_clear(&ids);
			continue;
		}
		if (f == SD_F_CC) {
			/* A list, like tags: "a@x, b@y" is two addresses. */
			sd_buf_adds(out, ",\"cc\":[");
			for (const char *p = sd_ticket_get(t, SD_F_CC); *p;) {
				while (*p == ' ' || *p == ',')
					p++;
				size_t n = strcspn(p, ",");
				while (n && p[n - 1] == ' ')
					n--;
				if (!n)
					break;
				char *one = sd_xstrndup(p, n);
				if (out->data[out->len - 1] != '[')
					sd_buf_addch(out, ',');
				sd_json_string(out, one);
				free(one);
				p += n;
			}
			sd_buf_addch(out, ']');
			continue;
		}
		json_key(out, sd_fields[f].name, sd_ticket_get(t, (enum sd_field)f), &first);
	}
	if (with_body) {
		json_key(out, "description", t->description, &first);
		sd_buf_adds(out, ",\"timeline\":[");
		for (size_t i = 0; i < t->nentries; i++) {
			if (i)
				sd_buf_addch(out, ',');
			sd_entry_json(out, &t->entries[i]);
		}
		sd_buf_addch(out, ']');
	}
	sd_buf_addch(out, '}');
}

/* ---- printing ---- */

static int nearest_due(struct sd_ctx *ctx, const struct sd_ticket *t, sd_time *due);

static sd_error *format_row(struct sd_ctx *ctx, struct sd_buf *out, const char *fmt,
			    const struct sd_row *r)
{
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			sd_buf_addch(out, *p);
			continue;
		}
		p++;
		if (*p == 'n') {
			sd_buf_addch(out, '\n');
		} else if (*p == 't') {
			sd_buf_addch(out, '\t');
		} else if (*p == '%') {
			sd_buf_addch(out, '%');
		} else if (*p == '(') {
			const char *close = strchr(p, ')');
			if (!close)
				return sd_error_invalid("--format: '%%(' without ')'");
			char *name = sd_xstrndup(p + 1, (size_t)(close - p - 1));
			int f = sd_field_lookup(name);
			if (!strcmp(name, "short")) {
				sd_buf_adds(out, r->short_id);
			} else if (!strcmp(name, "due")) {
				sd_time due;
				char when[SD_TIME_STRLEN] = "";
				if (nearest_due(ctx, &r->t, &due))
					sd_time_format(when, due);
				sd_buf_adds(out, when);
			} else if (!strcmp(name, "age")) {
				char age[16];
				sd_time_format_age(age, r->created, ctx->now);
				sd_buf_adds(out, age);
			} else if (f == SD_F_TAGS) {
				struct sd_buf tags = SD_BUF_INIT;
				sd_ticket_tags_join(&r->t, &tags);
				sd_put_line(out, tags.data);
				sd_buf_release(&tags);
			} else if (f >= 0) {
				sd_put_line(out, sd_ticket_get(&r->t, (enum sd_field)f));
			} else {
				sd_error *err = sd_error_invalid(
					"--format: unknown field '%%(%s)'; use a front-matter field, "
					"short or age",
					name);
				free(name);
				return err;
			}
			free(name);
			p = close;
		} else {
			return sd_error_invalid("--format: unknown placeholder '%%%c'; use %%(field), "
						"%%n, %%t or %%%%",
						*p ? *p : ' ');
		}
		if (!*p)
			break;
	}
	sd_buf_addch(out, '\n');
	return NULL;
}

/* When the ticket's nearest SLA target falls due, or 0 if none runs. */
static int nearest_due(struct sd_ctx *ctx, const struct sd_ticket *t, sd_time *due)
{
	struct sd_sla sla;
	int found = 0;
	/* Nothing is due on a ticket that is done, whatever its clocks say. */
	if (sd_status_is_done(sd_ticket_get(t, SD_F_STATUS)))
		return 0;
	sd_error *err = sd_sla_evaluate(&sla, sd_store_config(ctx->store), t, ctx->now);
	const struct sd_clock *clocks[] = { &sla.first_response, &sla.next_response,
					    &sla.resolution };
	for (int i = 0; !err && sla.policy && i < 3; i++) {
		const struct sd_clock *c = clocks[i];
		if (!c->present || !c->active || !c->has_due || c->state == SD_CLOCK_MET ||
		    c->state == SD_CLOCK_PAUSED)
			continue;
		if (!found || c->due < *due)
			*due = c->due;
		found = 1;
	}
	sd_error_free(err);
	return found;
}

/* "3h20m" until the nearest due time, "-45m" past it, "-" when nothing is
 * due; in whole minutes, since seconds are noise in a list. */
static void due_text(struct sd_ctx *ctx, const struct sd_ticket *t, char out[32])
{
	sd_time due;
	if (!nearest_due(ctx, t, &due)) {
		strcpy(out, "-");
		return;
	}
	sd_duration_format_minutes(out, due - ctx->now);
}

static const char *priority_color(const char *p)
{
	if (!strcmp(p, "P1"))
		return "1;31";
	if (!strcmp(p, "P2"))
		return SD_YELLOW;
	return SD_RESET;
}

static const char *status_color(const char *s)
{
	if (!strcmp(s, "new"))
		return SD_CYAN;
	if (!strcmp(s, "pending") || !strcmp(s, "on-hold"))
		return SD_YELLOW;
	if (sd_status_is_done(s))
		return SD_GREEN;
	return SD_RESET;
}

static void pad(struct sd_buf *out, size_t width, size_t used)
{
	for (; used < width; used++)
		sd_buf_addch(out, ' ');
}

/* A column of ticket text: inert, in colour when color is not "", cut
 * with "…" at max columns (0: whole), then padded to width + 2. */
static void put_cell(struct sd_buf *out, const char *color, const char *reset, const char *s,
		     size_t width, size_t max)
{
	sd_buf_adds(out, color);
	size_t used =
		max ? sd_text_inert_fit(out, s, max) : (sd_put_line(out, s), sd_text_width(s));
	sd_buf_adds(out, *color ? reset : "");
	pad(out, width + 2, used);
}

static size_t widest(size_t w, size_t n)
{
	return n > w ? n : w;
}

#define ASSIGNEE_MAX 24

/* Writes out what is buffered once it is large: the table of a search
 * for a common word is 12 MB at 100,000 tickets, and held whole it was a
 * tenth of the search's memory. Not for --format, whose error on a later
 * row must leave nothing printed. */
static void flush_some(struct sd_ctx *ctx, struct sd_buf *out)
{
	if (out->len >= 64 * 1024) {
		fwrite(out->data, 1, out->len, ctx->out);
		sd_buf_reset(out);
	}
}

sd_error *sd_rows_print(struct sd_ctx *ctx, const struct sd_rows *rows, const struct sd_args *a)
{
	struct sd_buf out = SD_BUF_INIT;
	sd_error *err = NULL;
	const char *fmt = sd_arg_str(a, "format");
	if (fmt && sd_arg_flag(a, "json"))
		return sd_error_invalid("--json and --format cannot be used together");
	if ((err = sd_date_option(ctx, a)))
		return err;
	/* With --date the AGE column is when the ticket was created, shown
	 * that way; without it, the short age. */
	int dated = sd_arg_str(a, "date") != NULL;
	if (sd_arg_flag(a, "json")) {
		sd_buf_addch(&out, '[');
		for (size_t i = 0; i < rows->n; i++) {
			sd_buf_adds(&out, i ? ",\n" : "\n");
			sd_ticket_json(&out, &rows->v[i].t, rows->v[i].short_id, 0);
			flush_some(ctx, &out);
		}
		sd_buf_adds(&out, rows->n ? "\n]\n" : "]\n");
		goto print;
	}
	if (fmt) {
		for (size_t i = 0; i < rows->n && !err; i++)
			err = format_row(ctx, &out, fmt, &rows->v[i]);
		goto print;
	}
	/* Every column as wide as its widest cell, by display width, so a
	 * list of short values leaves the title the most room. */
	size_t w_id = 0, w_prio = 2, w_status = 0, w_tier = 2, w_who = 1, w_age = 0, w_due = 1;
	/* sd list --type problem: how many incidents each has, before the title. */
	const char *only_type = sd_arg_declared(a, "type") ? sd_arg_str(a, "type") : NULL;
	int problems = only_type && !strcmp(only_type, "problem");
	size_t columns = sd_row_columns(ctx, a);
	/* Each row's age and due time, worked out once for both passes. */
	struct row_times {
		char age[48], due[32];
	} *times = sd_xcalloc(rows->n ? rows->n : 1, sizeof(*times));
	for (size_t i = 0; i < rows->n; i++) {
		const struct sd_row *r = &rows->v[i];
		if (dated)
			sd_format_when(ctx, times[i].age, r->created);
		else
			sd_time_format_age(times[i].age, r->created, ctx->now);
		due_text(ctx, &r->t, times[i].due);
		size_t n = strlen(times[i].due);
		if (n > w_due)
			w_due = n;
		if ((n = strlen(r->short_id)) > w_id)
			w_id = n;
		w_prio = widest(w_prio, sd_text_width(sd_ticket_get(&r->t, SD_F_PRIORITY)));
		w_status = widest(w_status, sd_text_width(sd_ticket_get(&r->t, SD_F_STATUS)));
		w_tier = widest(w_tier, sd_text_width(sd_ticket_get(&r->t, SD_F_TIER)));
		n = sd_text_width(sd_ticket_get(&r->t, SD_F_ASSIGNEE));
		w_who = widest(w_who, n > ASSIGNEE_MAX ? ASSIGNEE_MAX : n);
		w_age = widest(w_age, sd_text_width(times[i].age));
	}
	/* sd_color's buffers are reused; these three are needed on every row. */
	char reset[16], yellow[16], red[16];
	snprintf(reset, sizeof(reset), "%s", sd_color(ctx, SD_RESET));
	snprintf(yellow, sizeof(yellow), "%s", sd_color(ctx, SD_YELLOW));
	snprintf(red, sizeof(red), "%s", sd_color(ctx, "1;31"));
	for (size_t i = 0; i < rows->n; i++) {
		const struct sd_row *r = &rows->v[i];
		const struct sd_ticket *t = &r->t;
		const char *prio = sd_ticket_get(t, SD_F_PRIORITY);
		const char *status = sd_ticket_get(t, SD_F_STATUS);
		const char *who = sd_ticket_get(t, SD_F_ASSIGNEE);
		const char *tier = sd_ticket_get(t, SD_F_TIER);
		const char *due = times[i].due;
		size_t line = out.len;
		put_cell(&out, yellow, reset, r->short_id, w_id, 0);
		put_cell(&out, sd_color(ctx, priority_color(prio)), reset, prio, w_prio, 0);
		put_cell(&out, sd_color(ctx, status_color(status)), reset, status, w_status, 0);
		put_cell(&out, "", reset, tier, w_tier, 0);
		/* Long addresses are cut, by display width; the full one is in
		 * sd show. */
		put_cell(&out, "", reset, *who ? who : "-", w_who, ASSIGNEE_MAX);
		sd_buf_adds(&out, times[i].age);
		pad(&out, w_age + 2, sd_text_width(times[i].age));
		sd_buf_adds(&out, due[0] == '-' && due[1] ? red : reset);
		sd_buf_adds(&out, due);
		sd_buf_adds(&out, reset);
		pad(&out, w_due + 2, strlen(due));
		if (problems) {
			struct sd_strvec ids = SD_STRVEC_INIT;
			char count[32];
			sd_ticket_incidents(t, &ids);
			snprintf(count, sizeof(count), "%zu incident%s", ids.n,
				 ids.n == 1 ? "" : "s");
			sd_buf_adds(&out, count);
			pad(&out, 15, strlen(count));
			sd_strvec_clear(&ids);
		}
		sd_put_last_column(&out, line, sd_ticket_get(t, SD_F_TITLE), columns);
		sd_buf_addch(&out, '\n');
		flush_some(ctx, &out);
	}
	free(times);
print:
	if (!err)
		fwrite(out.data, 1, out.len, ctx->out);
	sd_buf_release(&out);
	return err;
}

void sd_put_last_column(struct sd_buf *out, size_t line, const char *s, size_t columns)
{
	if (!columns) {
		sd_put_line(out, s);
		return;
	}
	/* The last column takes what the others leave; on a terminal too
	 * narrow even for those, the line is cut as a whole. */
	size_t used = sd_text_width_shown(out->data + line, out->len - line);
	sd_text_inert_fit(out, s, used + 2 < columns ? columns - used : 2);
	sd_text_cut_line(out, line, columns);
}

size_t sd_row_columns(const struct sd_ctx *ctx, const struct sd_args *a)
{
	return sd_arg_flag(a, "wide") ? 0 : (size_t)ctx->columns;
}

/* ---- loading and saving one ticket for a change ---- */

sd_error *sd_load_ticket(struct sd_ctx *ctx, const char *prefix, struct sd_ticket *t)
{
	char id[SD_ID_LEN + 1];
	sd_ticket_init(t);
	/* Held from read to commit, released when the store is closed, so
	 * that two writers never interleave. */
	sd_error *err = sd_store_lock(ctx->store);
	if (err || (err = sd_store_resolve(ctx->store, id, prefix)))
		return err;
	sd_ticket_free(t);
	return sd_store_read(ctx->store, id, t, NULL);
}

sd_error *sd_save_ticket(struct sd_ctx *ctx, struct sd_ticket *t, const char *verb)
{
	char now[SD_STAMP_STRLEN];
	sd_stamp_format(now, sd_ticket_updated_stamp(t, ctx->clock));
	sd_ticket_set(t, SD_F_UPDATED, now);
	sd_error *err = sd_store_save_ticket(ctx->store, t, verb);
	if (!err) {
		free(ctx->pending_text);
		ctx->pending_text = NULL;
	}
	return err;
}
