/* SPDX-License-Identifier: MIT */
/* sd kb SUBCOMMAND: the knowledge base (new, edit, show, list, publish,
 * unpublish, search, suggest, from). */

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "sd/kb.h"
#include "sd/rank.h"
#include "sd/text.h"

const struct sd_option kb_options[] = {
	{ SD_OPT_STRING, 'm', "message", "TEXT", "the article's text (Markdown)" },
	{ SD_OPT_STRING, 'F', "file", "FILE", "read the text from FILE (- for standard input)" },
	{ SD_OPT_STRING, 0, "title", "TITLE", "a new title (edit)" },
	{ SD_OPT_STRING, 0, "slug", "SLUG", "the article's name in kb/ (default: from the title)" },
	{ SD_OPT_LIST, 't', "tag", "TAG", "a tag (repeatable; a filter for list)" },
	{ SD_OPT_STRING, 0, "category", "CATEGORY", "the category, e.g. network" },
	{ SD_OPT_STRING, 0, "audience", "AUDIENCE", "public or internal" },
	{ SD_OPT_STRING, 's', "status", "STATUS", "draft or published" },
	{ SD_OPT_BOOL, 0, "faq", NULL, "on the FAQ page (a filter for list)" },
	{ SD_OPT_BOOL, 0, "no-faq", NULL, "not on the FAQ page" },
	{ SD_OPT_STRING, 0, "ticket", "ID", "suggest articles for this ticket" },
	{ SD_OPT_STRING, 'n', "limit", "N", "show at most N suggestions (default 3)" },
	{ SD_OPT_BOOL, 0, "json", NULL, "print JSON" },
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

/* ---- shared pieces ---- */

/* Refuses the options a subcommand does not take: one table serves all
 * of them, so an option given to the wrong one must not pass silently. */
static sd_error *only_options(const struct sd_args *a, const char *sub, const char *allowed)
{
	for (size_t i = 0; a->options[i].kind; i++) {
		const char *name = a->options[i].long_name;
		if (!a->set[i])
			continue;
		const char *p = strstr(allowed, name);
		size_t n = strlen(name);
		int ok = 0;
		for (; p; p = strstr(p + 1, name))
			if ((p == allowed || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
				ok = 1;
		if (!ok)
			return sd_error_invalid("'sd kb %s' does not take --%s; see 'sd help kb'",
						sub, name);
	}
	return NULL;
}

static sd_error *need_args(const struct sd_args *a, size_t n, const char *usage)
{
	if (a->pos.n - 1 < n)
		return sd_error_invalid("usage: sd kb %s", usage);
	if (a->pos.n - 1 > n) {
		struct sd_buf shown = SD_BUF_INIT;
		sd_put_line(&shown, a->pos.v[n + 1]);
		sd_error *err = sd_error_invalid("unexpected argument '%s' (quote text with "
						 "spaces); usage: sd kb %s",
						 shown.data, usage);
		sd_buf_release(&shown);
		return err;
	}
	return NULL;
}

static void now_stamp(struct sd_ctx *ctx, char out[SD_STAMP_STRLEN])
{
	sd_stamp_format(out, ctx->clock);
}

/* Applies the field options (title, tags, category, audience, status,
 * faq) to a; *changed counts what they changed. */
static sd_error *apply_options(struct sd_article *a, const struct sd_args *args, int *changed)
{
	const char *v;
	sd_error *err;
	*changed = 0;
	if ((v = sd_arg_str(args, "title"))) {
		if ((err = sd_field_validate(SD_F_TITLE, v)))
			return err;
		*changed += strcmp(a->title, v) != 0;
		sd_article_set(&a->title, v);
	}
	if ((v = sd_arg_str(args, "category"))) {
		if (*v && (err = sd_field_validate(SD_F_CATEGORY, v)))
			return err;
		*changed += strcmp(a->category, v) != 0;
		sd_article_set(&a->category, v);
	}
	if ((v = sd_arg_str(args, "audience"))) {
		if (sd_value_index(sd_kb_audiences, v) < 0)
			return sd_error_invalid("invalid audience '%s': use public or internal", v);
		*changed += strcmp(a->audience, v) != 0;
		sd_article_set(&a->audience, v);
	}
	if ((v = sd_arg_str(args, "status"))) {
		if (sd_value_index(sd_kb_statuses, v) < 0)
			return sd_error_invalid("invalid status '%s': use draft or published", v);
		*changed += strcmp(a->status, v) != 0;
		sd_article_set(&a->status, v);
	}
	if (sd_arg_flag(args, "faq") && sd_arg_flag(args, "no-faq"))
		return sd_error_invalid("give --faq or --no-faq, not both");
	if (sd_arg_flag(args, "faq") || sd_arg_flag(args, "no-faq")) {
		int faq = sd_arg_flag(args, "faq");
		*changed += a->faq != faq;
		a->faq = faq;
	}
	const struct sd_strvec *tags = sd_arg_list(args, "tag");
	if (tags->n) {
		struct sd_strvec v2 = SD_STRVEC_INIT;
		for (size_t i = 0; i < tags->n; i++) {
			if ((err = sd_field_validate(SD_F_TAGS, tags->v[i]))) {
				sd_strvec_clear(&v2);
				return err;
			}
			if (!sd_strvec_has(&v2, tags->v[i]))
				sd_strvec_push(&v2, tags->v[i]);
		}
		int same = v2.n == a->tags.n;
		for (size_t i = 0; same && i < v2.n; i++)
			same = !strcmp(v2.v[i], a->tags.v[i]);
		*changed += !same;
		sd_strvec_clear(&a->tags);
		a->tags = v2;
	}
	return NULL;
}

static sd_error *slug_for(char **out, const struct sd_args *args, const char *title)
{
	const char *given = sd_arg_str(args, "slug");
	if (!given)
		return sd_kb_slug_from_title(out, title);
	if (!sd_kb_slug_valid(given)) {
		struct sd_buf shown = SD_BUF_INIT;
		sd_put_line(&shown, given);
		sd_error *err = sd_error_invalid("invalid --slug '%s': use a-z, 0-9 and '-' (not "
						 "at the ends, not twice in a row), at most %d "
						 "characters",
						 shown.data, SD_KB_SLUG_MAX);
		sd_buf_release(&shown);
		return err;
	}
	*out = sd_xstrdup(given);
	return NULL;
}

static int article_exists(struct sd_ctx *ctx, const char *slug)
{
	struct sd_strvec slugs = SD_STRVEC_INIT;
	sd_error_free(sd_kb_list_slugs(ctx->store, &slugs));
	int has = sd_strvec_has(&slugs, slug);
	sd_strvec_clear(&slugs);
	return has;
}

/* Saves a new article: the slug must be free. */
static sd_error *create(struct sd_ctx *ctx, struct sd_article *a)
{
	char now[SD_STAMP_STRLEN];
	sd_error *err = sd_store_lock(ctx->store);
	if (err)
		return err;
	if (article_exists(ctx, a->slug))
		return sd_error_invalid("an article kb/%s.md exists already; choose another name "
					"with --slug, or change it with 'sd kb edit %s'",
					a->slug, a->slug);
	now_stamp(ctx, now);
	sd_article_set(&a->created, now);
	sd_article_set(&a->updated, now);
	if ((err = sd_kb_save(ctx->store, a, "new", NULL, 0)))
		return err;
	free(ctx->pending_text);
	ctx->pending_text = NULL;
	fprintf(ctx->out, "%s\n", a->slug);
	return NULL;
}

/* ---- new, edit ---- */

static const char editor_help[] = "<!--\n"
				  "Write the article in Markdown. Save an empty text to cancel.\n"
				  "-->\n";

static sd_error *kb_new(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_article a;
	char *text = NULL, *slug = NULL;
	int given, changed;
	sd_error *err;
	sd_article_init(&a);
	if ((err = only_options(args, "new",
				"message file slug tag category audience status faq")) ||
	    (err = need_args(args, 1, "new TITLE [-m TEXT | -F FILE] [options]")))
		goto done;
	const char *title = args->pos.v[1];
	if ((err = sd_field_validate(SD_F_TITLE, title)) ||
	    (err = apply_options(&a, args, &changed)) || (err = slug_for(&slug, args, title)))
		goto done;
	sd_article_set(&a.title, title);
	sd_article_set(&a.slug, slug);
	if ((err = sd_read_message(ctx, args, "the article's text", &text, &given)))
		goto done;
	if (!given && ctx->stdin_tty && ctx->stdout_tty) {
		struct sd_buf buf = SD_BUF_INIT, template = SD_BUF_INIT;
		sd_buf_printf(&template, "\n\n%s", editor_help);
		err = sd_text_from_editor(ctx, "NEW_ARTICLE.md", template.data,
					  SD_TEXT_MAX_BYTES + sizeof(editor_help), &buf);
		sd_buf_release(&template);
		char *help = err ? NULL : strstr(buf.data, editor_help);
		if (help)
			memmove(help, help + strlen(editor_help),
				strlen(help + strlen(editor_help)) + 1);
		if (!err &&
		    !(err = sd_text_validate(buf.data, strlen(buf.data), "the article's text")))
			text = sd_text_trim_lines(buf.data);
		sd_buf_release(&buf);
		if (!err && !*text)
			err = sd_error_invalid("empty text; no article was written");
		if (err)
			goto done;
	}
	sd_article_set(&a.body, text ? text : "");
	err = create(ctx, &a);
done:
	free(text);
	free(slug);
	sd_article_free(&a);
	return err;
}

static sd_error *kb_edit(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_article old, edited;
	struct sd_buf raw = SD_BUF_INIT, path = SD_BUF_INIT, text = SD_BUF_INIT, rel = SD_BUF_INIT;
	char *body = NULL;
	int keep = 0, changed = 0, given = 0;
	sd_error *err;
	sd_article_init(&old);
	sd_article_init(&edited);
	if ((err = only_options(args, "edit",
				"message file title tag category audience status faq no-faq")) ||
	    (err = need_args(args, 1, "edit SLUG [options]")))
		goto done;
	const char *slug = args->pos.v[1];
	if ((err = sd_store_lock(ctx->store)) || (err = sd_kb_read(ctx->store, slug, &old)))
		goto done;
	sd_kb_path(&rel, slug);
	int options = 0;
	for (size_t i = 0; args->options[i].kind; i++)
		options += args->set[i];
	if (options) {
		/* Options change the article without an editor, for scripts. */
		if ((err = sd_read_message(ctx, args, "the article's text", &body, &given)))
			goto done;
		/* A copy of old to change. */
		sd_article_write(&old, &raw);
		if ((err = sd_article_parse(&edited, raw.data, raw.len, rel.data)) ||
		    (err = apply_options(&edited, args, &changed)))
			goto done;
		if (given) {
			changed += strcmp(edited.body, body) != 0;
			sd_article_set(&edited.body, body);
		}
		if (!changed) {
			fprintf(stderr, "sd: kb/%s.md already says that; nothing changed\n", slug);
			goto done;
		}
	} else {
		sd_article_write(&old, &raw);
		sd_private_path(ctx, "edit-article.md", &path);
		FILE *f = fopen(path.data, "we");
		if (!f || fwrite(raw.data, 1, raw.len, f) != raw.len || fclose(f) != 0) {
			err = sd_error_errno(path.data);
			goto done;
		}
		if ((err = sd_run_editor(path.data)) ||
		    (err = sd_buf_read_file(&text, path.data, SD_KB_MAX_BYTES + 1)))
			goto done;
		if (text.len == raw.len && !memcmp(text.data, raw.data, raw.len)) {
			fprintf(stderr, "sd: no changes\n");
			goto done;
		}
		keep = 1;
		if ((err = sd_article_parse(&edited, text.data, text.len, rel.data)))
			goto done;
		if (strcmp(edited.slug, old.slug)) {
			err = sd_error_invalid("%s: the slug cannot be changed (it names the file); "
					       "make a new article instead",
					       rel.data);
			goto done;
		}
		if (strcmp(edited.created, old.created)) {
			err = sd_error_invalid("%s: the creation time cannot be changed", rel.data);
			goto done;
		}
	}
	char now[SD_STAMP_STRLEN];
	now_stamp(ctx, now);
	sd_article_set(&edited.updated, now);
	if ((err = sd_kb_save(ctx->store, &edited, "edit", NULL, 0)))
		goto done;
	free(ctx->pending_text);
	ctx->pending_text = NULL;
	keep = 0;
done:
	if (keep && err) {
		sd_error *kept =
			sd_error_new(err->status,
				     "%s\nsd: the edit was not saved; your text is kept in %s",
				     err->msg, path.data);
		sd_error_free(err);
		err = kept;
	} else if (path.len) {
		remove(path.data);
	}
	free(body);
	sd_buf_release(&raw);
	sd_buf_release(&path);
	sd_buf_release(&text);
	sd_buf_release(&rel);
	sd_article_free(&old);
	sd_article_free(&edited);
	return err;
}

static sd_error *kb_publish(struct sd_ctx *ctx, struct sd_args *args, const char *sub,
			    const char *status)
{
	struct sd_article a;
	sd_error *err;
	sd_article_init(&a);
	if ((err = only_options(args, sub, "")) || (err = need_args(args, 1, "publish SLUG")))
		goto done;
	if ((err = sd_store_lock(ctx->store)) || (err = sd_kb_read(ctx->store, args->pos.v[1], &a)))
		goto done;
	if (!strcmp(a.status, status)) {
		fprintf(stderr, "sd: kb/%s.md is already %s; nothing changed\n", a.slug, status);
		goto done;
	}
	char now[SD_STAMP_STRLEN];
	now_stamp(ctx, now);
	sd_article_set(&a.status, status);
	sd_article_set(&a.updated, now);
	err = sd_kb_save(ctx->store, &a, sub, NULL, 0);
done:
	sd_article_free(&a);
	return err;
}

/* ---- show, list ---- */

static void json_list(struct sd_buf *out, const struct sd_strvec *v)
{
	sd_buf_addch(out, '[');
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			sd_buf_addch(out, ',');
		sd_json_string(out, v->v[i]);
	}
	sd_buf_addch(out, ']');
}

static void article_json(struct sd_buf *out, const struct sd_article *a, int with_body)
{
	sd_buf_adds(out, "{\"schema_version\":1,\"slug\":");
	sd_json_string(out, a->slug);
	sd_buf_adds(out, ",\"title\":");
	sd_json_string(out, a->title);
	sd_buf_adds(out, ",\"tags\":");
	json_list(out, &a->tags);
	sd_buf_adds(out, ",\"category\":");
	sd_json_string(out, a->category);
	sd_buf_adds(out, ",\"audience\":");
	sd_json_string(out, a->audience);
	sd_buf_adds(out, ",\"status\":");
	sd_json_string(out, a->status);
	sd_buf_printf(out, ",\"faq\":%s,\"created\":", a->faq ? "true" : "false");
	sd_json_string(out, a->created);
	sd_buf_adds(out, ",\"updated\":");
	sd_json_string(out, a->updated);
	sd_buf_adds(out, ",\"tickets\":");
	json_list(out, &a->tickets);
	if (with_body) {
		sd_buf_adds(out, ",\"body\":");
		sd_json_string(out, a->body);
	}
	sd_buf_addch(out, '}');
}

static void field_line(struct sd_ctx *ctx, struct sd_buf *out, const char *name, const char *value)
{
	sd_buf_printf(out, "%s%-9s%s ", sd_color(ctx, SD_DIM), name, sd_color(ctx, SD_RESET));
	sd_put_line(out, *value ? value : "-");
	sd_buf_addch(out, '\n');
}

static sd_error *kb_show(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_article a;
	struct sd_buf out = SD_BUF_INIT, tmp = SD_BUF_INIT;
	sd_error *err;
	sd_article_init(&a);
	if ((err = only_options(args, "show", "json")) ||
	    (err = need_args(args, 1, "show SLUG [--json]")) ||
	    (err = sd_kb_read(ctx->store, args->pos.v[1], &a)))
		goto done;
	if (sd_arg_flag(args, "json")) {
		article_json(&out, &a, 1);
		sd_buf_addch(&out, '\n');
	} else {
		sd_pager_start(ctx);
		sd_buf_printf(&out, "%s", sd_color(ctx, SD_BOLD));
		sd_put_line(&out, a.title);
		sd_buf_printf(&out, "%s\n", sd_color(ctx, SD_RESET));
		field_line(ctx, &out, "slug", a.slug);
		sd_buf_printf(&tmp, "%s, %s%s", a.status, a.audience, a.faq ? ", faq" : "");
		field_line(ctx, &out, "status", tmp.data);
		field_line(ctx, &out, "category", a.category);
		sd_buf_reset(&tmp);
		for (size_t i = 0; i < a.tags.n; i++)
			sd_buf_printf(&tmp, "%s%s", i ? ", " : "", a.tags.v[i]);
		field_line(ctx, &out, "tags", tmp.data);
		sd_buf_reset(&tmp);
		for (size_t i = 0; i < a.tickets.n; i++) {
			char short_id[SD_ID_LEN + 1];
			sd_error *e = sd_store_short_id_for(ctx->store, short_id, a.tickets.v[i]);
			sd_buf_printf(&tmp, "%s%s", i ? ", " : "", e ? a.tickets.v[i] : short_id);
			sd_error_free(e);
		}
		field_line(ctx, &out, "tickets", tmp.data);
		field_line(ctx, &out, "updated", a.updated);
		if (*a.body) {
			sd_buf_addch(&out, '\n');
			sd_put_text(&out, a.body);
			sd_buf_addch(&out, '\n');
		}
	}
	fwrite(out.data, 1, out.len, ctx->out);
done:
	sd_buf_release(&out);
	sd_buf_release(&tmp);
	sd_article_free(&a);
	return err;
}

/* Prints the problems of articles that could not be read, and makes the
 * exit status 1, as list does for tickets: a script never passes over an
 * article it lost. */
static void report_problems(struct sd_ctx *ctx, struct sd_strvec *problems)
{
	for (size_t i = 0; i < problems->n; i++)
		sd_warn(sd_xstrdup(problems->v[i]));
	if (problems->n)
		ctx->exit_status = 1;
	sd_strvec_clear(problems);
}

static sd_error *kb_list(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_article *v = NULL;
	struct sd_strvec problems = SD_STRVEC_INIT;
	struct sd_buf out = SD_BUF_INIT;
	size_t n = 0;
	sd_error *err;
	const char *audience = sd_arg_str(args, "audience"), *status = sd_arg_str(args, "status");
	const char *category = sd_arg_str(args, "category");
	const struct sd_strvec *tags = sd_arg_list(args, "tag");
	if ((err = only_options(args, "list", "faq audience status category tag json")) ||
	    (err = need_args(args, 0, "list [--faq] [--audience A] [--status S] [--json]")))
		return err;
	if (audience && sd_value_index(sd_kb_audiences, audience) < 0)
		return sd_error_invalid("invalid audience '%s': use public or internal", audience);
	if (status && sd_value_index(sd_kb_statuses, status) < 0)
		return sd_error_invalid("invalid status '%s': use draft or published", status);
	if ((err = sd_kb_read_all(ctx->store, &v, &n, &problems)))
		return err;
	int json = sd_arg_flag(args, "json");
	if (json)
		sd_buf_addch(&out, '[');
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		const struct sd_article *a = &v[i];
		int ok = (!sd_arg_flag(args, "faq") || a->faq) &&
			(!audience || !strcmp(a->audience, audience)) &&
			(!status || !strcmp(a->status, status)) &&
			(!category || !strcmp(a->category, category));
		for (size_t t = 0; ok && t < tags->n; t++)
			ok = sd_strvec_has(&a->tags, tags->v[t]);
		if (!ok)
			continue;
		if (json) {
			if (shown)
				sd_buf_addch(&out, ',');
			article_json(&out, a, 0);
		} else {
			size_t line = out.len;
			sd_buf_printf(&out, "%-*s  %-9s  %-8s  %-3s  ", 24, a->slug, a->status,
				      a->audience, a->faq ? "faq" : "-");
			sd_put_last_column(&out, line, a->title, (size_t)ctx->columns);
			sd_buf_addch(&out, '\n');
		}
		shown++;
	}
	if (json)
		sd_buf_adds(&out, "]\n");
	fwrite(out.data, 1, out.len, ctx->out);
	sd_buf_release(&out);
	sd_kb_articles_free(v, n);
	report_problems(ctx, &problems);
	return NULL;
}

/* ---- search, suggest ---- */

/* Ranks v against query and prints up to limit (0: all) to out, as lines
 * each starting with lead, or as JSON; returns how many. */
static size_t put_ranked(struct sd_ctx *ctx, FILE *f, const struct sd_article *v, size_t n,
			 const char *query, size_t limit, int json, const char *lead)
{
	struct sd_rank_doc *docs = sd_xcalloc(n ? n : 1, sizeof(*docs));
	struct sd_rank_hit *hits = NULL;
	struct sd_buf out = SD_BUF_INIT;
	for (size_t i = 0; i < n; i++)
		docs[i] = (struct sd_rank_doc){ v[i].title, &v[i].tags, v[i].body };
	size_t nhits = sd_rank(&hits, docs, n, query);
	if (limit && nhits > limit)
		nhits = limit;
	if (json)
		sd_buf_addch(&out, '[');
	for (size_t i = 0; i < nhits; i++) {
		const struct sd_article *a = &v[hits[i].doc];
		if (json) {
			sd_buf_adds(&out,
				    i ? ",{\"schema_version\":1,\"slug\":"
				      : "{\"schema_version\":1,\"slug\":");
			sd_json_string(&out, a->slug);
			sd_buf_adds(&out, ",\"title\":");
			sd_json_string(&out, a->title);
			sd_buf_printf(&out, ",\"score\":%.4f,\"status\":", hits[i].score);
			sd_json_string(&out, a->status);
			sd_buf_adds(&out, ",\"audience\":");
			sd_json_string(&out, a->audience);
			sd_buf_addch(&out, '}');
		} else {
			size_t line = out.len;
			sd_buf_printf(&out, "%s%-24s  ", lead, a->slug);
			sd_put_last_column(&out, line, a->title, (size_t)ctx->columns);
			sd_buf_addch(&out, '\n');
		}
	}
	if (json)
		sd_buf_adds(&out, "]\n");
	fwrite(out.data, 1, out.len, f);
	sd_buf_release(&out);
	free(hits);
	free(docs);
	return nhits;
}

static sd_error *print_ranked(struct sd_ctx *ctx, const struct sd_article *v, size_t n,
			      const char *query, size_t limit, int json)
{
	if (!put_ranked(ctx, ctx->out, v, n, query, limit, json, ""))
		ctx->exit_status = 1;
	return NULL;
}

static sd_error *kb_search(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_article *v = NULL;
	struct sd_strvec problems = SD_STRVEC_INIT;
	size_t n = 0;
	sd_error *err;
	if ((err = only_options(args, "search", "json")) ||
	    (err = need_args(args, 1, "search TEXT [--json]")) ||
	    (err = sd_kb_read_all(ctx->store, &v, &n, &problems)))
		return err;
	/* Every article, drafts and internal ones too: search is for agents. */
	err = print_ranked(ctx, v, n, args->pos.v[1], 0, sd_arg_flag(args, "json"));
	sd_kb_articles_free(v, n);
	report_problems(ctx, &problems);
	return err;
}

/* The question a ticket asks: its title and description. */
static sd_error *ticket_question(struct sd_ctx *ctx, const char *prefix, struct sd_buf *out)
{
	struct sd_ticket t;
	char id[SD_ID_LEN + 1];
	sd_ticket_init(&t);
	sd_error *err = sd_store_resolve(ctx->store, id, prefix);
	if (!err) {
		sd_ticket_free(&t);
		err = sd_store_read(ctx->store, id, &t, NULL);
	}
	if (!err)
		sd_buf_printf(out, "%s\n%s", sd_ticket_get(&t, SD_F_TITLE), t.description);
	sd_ticket_free(&t);
	return err;
}

/* The published articles of v (the others freed), moved to its front;
 * returns their count. */
static size_t keep_published(struct sd_article *v, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].status, "published")) {
			sd_article_free(&v[i]);
			continue;
		}
		if (k != i) {
			v[k] = v[i];
			memset(&v[i], 0, sizeof(v[i]));
		}
		k++;
	}
	return k;
}

sd_error *sd_kb_suggest(struct sd_ctx *ctx, const char *question, size_t limit, int json)
{
	struct sd_article *v = NULL;
	size_t n = 0;
	sd_error *err = sd_kb_read_all(ctx->store, &v, &n, NULL);
	if (err)
		return err;
	err = print_ranked(ctx, v, keep_published(v, n), question, limit, json);
	sd_kb_articles_free(v, n);
	return err;
}

void sd_kb_hint(struct sd_ctx *ctx, const char *question)
{
	struct sd_article *v = NULL;
	size_t n = 0;
	sd_error *err = sd_kb_read_all(ctx->store, &v, &n, NULL);
	if (err) {
		sd_error_free(err);
		return;
	}
	size_t k = keep_published(v, n);
	struct sd_rank_doc *docs = sd_xcalloc(k ? k : 1, sizeof(*docs));
	struct sd_rank_hit *hits = NULL;
	for (size_t i = 0; i < k; i++)
		docs[i] = (struct sd_rank_doc){ v[i].title, &v[i].tags, v[i].body };
	if (k && sd_rank(&hits, docs, k, question)) {
		fprintf(stderr, "sd: articles that may answer it ('sd kb show SLUG'):\n");
		fflush(stderr);
		put_ranked(ctx, stderr, v, k, question, 3, 0, "  ");
	}
	free(hits);
	free(docs);
	sd_kb_articles_free(v, n);
}

static sd_error *kb_suggest(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_buf question = SD_BUF_INIT;
	const char *ticket = sd_arg_str(args, "ticket"), *limit_s = sd_arg_str(args, "limit");
	long limit = 3;
	sd_error *err;
	if ((err = only_options(args, "suggest", "ticket limit json")) ||
	    (err = need_args(args, ticket ? 0 : 1, "suggest (TEXT | --ticket ID) [--json]")))
		goto done;
	if (limit_s) {
		char *end;
		limit = strtol(limit_s, &end, 10);
		if (*end || limit < 1 || limit > 1000) {
			err = sd_error_invalid("invalid --limit '%s': give a number from 1 to 1000",
					       limit_s);
			goto done;
		}
	}
	if (ticket && (err = ticket_question(ctx, ticket, &question)))
		goto done;
	if (!ticket)
		sd_buf_adds(&question, args->pos.v[1]);
	err = sd_kb_suggest(ctx, question.data, (size_t)limit, sd_arg_flag(args, "json"));
done:
	sd_buf_release(&question);
	return err;
}

/* ---- from: a draft from a resolved ticket ---- */

/* The resolution: the reason of the last change of status to resolved
 * (or closed), which is what sd resolve -m records. */
static const char *resolution_of(const struct sd_ticket *t)
{
	const char *best = NULL;
	for (size_t i = 0; i < t->nentries; i++) {
		const struct sd_entry *e = &t->entries[i];
		if (e->kind == SD_ENTRY_EVENT && !strcmp(e->field, "status") && *e->reason &&
		    (!strcmp(e->to, "resolved") || (!strcmp(e->to, "closed") && !best)))
			best = e->reason;
	}
	return best;
}

static sd_error *kb_from(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_ticket t;
	struct sd_article a;
	struct sd_buf body = SD_BUF_INIT;
	char id[SD_ID_LEN + 1], *slug = NULL;
	int changed;
	sd_error *err;
	sd_ticket_init(&t);
	sd_article_init(&a);
	sd_article_set(&a.audience, "internal");
	if ((err = only_options(args, "from", "slug tag category audience faq")) ||
	    (err = need_args(args, 1, "from ID [--slug SLUG] [--audience A]")))
		goto done;
	if ((err = sd_store_resolve(ctx->store, id, args->pos.v[1])))
		goto done;
	sd_ticket_free(&t);
	if ((err = sd_store_read(ctx->store, id, &t, NULL)))
		goto done;
	const char *status = sd_ticket_get(&t, SD_F_STATUS);
	if (strcmp(status, "resolved") && strcmp(status, "closed")) {
		err = sd_error_invalid("ticket %s is %s, not resolved: an article is drafted from "
				       "a ticket once it is solved ('sd resolve %s -m HOW')",
				       args->pos.v[1], status, args->pos.v[1]);
		goto done;
	}
	const char *title = sd_ticket_get(&t, SD_F_TITLE);
	if ((err = slug_for(&slug, args, title)))
		goto done;
	sd_article_set(&a.title, title);
	sd_article_set(&a.slug, slug);
	sd_article_set(&a.category, sd_ticket_get(&t, SD_F_CATEGORY));
	for (size_t i = 0; i < t.tags.n; i++)
		sd_strvec_push(&a.tags, t.tags.v[i]);
	if ((err = apply_options(&a, args, &changed)))
		goto done;
	sd_article_add_ticket(&a, id);
	/* What the requester described and how it was solved; internal notes
	 * stay out, since an article may be published. */
	sd_buf_adds(&body, "## Problem\n\n");
	sd_buf_adds(&body, *t.description ? t.description : title);
	sd_buf_adds(&body, "\n\n## Solution\n\n");
	const char *resolution = resolution_of(&t);
	sd_buf_adds(&body, resolution ? resolution : "(Describe the solution.)");
	sd_article_set(&a.body, body.data);
	err = create(ctx, &a);
done:
	free(slug);
	sd_buf_release(&body);
	sd_ticket_free(&t);
	sd_article_free(&a);
	return err;
}

/* ---- sd resolve --kb ---- */

sd_error *sd_kb_resolve(struct sd_ctx *ctx, const char *prefix, const char *resolution,
			const char *slug)
{
	struct sd_ticket t;
	struct sd_article a;
	struct sd_buf content = SD_BUF_INIT, path = SD_BUF_INIT, msg = SD_BUF_INIT;
	const char *author;
	char short_id[SD_ID_LEN + 1], now[SD_STAMP_STRLEN];
	int changed = 0;
	sd_error *err;
	sd_article_init(&a);
	if (resolution &&
	    (err = sd_text_validate(resolution, strlen(resolution), "the resolution")))
		return err;
	/* sd_load_ticket takes the lock, held until the commit. */
	if ((err = sd_load_ticket(ctx, prefix, &t)))
		goto done;
	if ((err = sd_kb_read(ctx->store, slug, &a)) ||
	    (err = sd_store_author(ctx->store, NULL, NULL, &author)))
		goto done;
	const char *id = sd_ticket_get(&t, SD_F_ID);
	if ((err = sd_ticket_change(&t, SD_F_STATUS, "resolved", author, ctx->clock, resolution,
				    &changed)))
		goto done;
	int linked = 0;
	for (size_t i = 0; i < t.nentries; i++)
		if (t.entries[i].kind == SD_ENTRY_EVENT && !strcmp(t.entries[i].field, "kb") &&
		    !strcmp(t.entries[i].to, slug))
			linked = 1;
	/* The link, as reports count it: an event with field "kb", from ""
	 * to the article's slug. */
	if (!linked &&
	    (err = sd_ticket_add_event(&t, author, sd_ticket_next_stamp(&t, ctx->clock), "kb", "",
				       slug, "")))
		goto done;
	int added = sd_article_add_ticket(&a, id);
	if (!changed && linked && !added) {
		fprintf(stderr,
			"sd: ticket %s is already resolved with kb/%s.md; nothing changed\n",
			prefix, slug);
		goto done;
	}
	sd_stamp_format(now, sd_ticket_updated_stamp(&t, ctx->clock));
	sd_ticket_set(&t, SD_F_UPDATED, now);
	sd_article_set(&a.updated, now);
	sd_ticket_write(&t, &content);
	sd_ticket_path(&path, id);
	if ((err = sd_ticket_check_size(id, content.len)) ||
	    (err = sd_store_short_id_for(ctx->store, short_id, id)))
		goto done;
	struct sd_change change = { path.data, content.data, content.len };
	/* The ticket's own message, as sd resolve writes it, so that sd log
	 * reads the same; the body names the article. */
	const char *title = sd_ticket_get(&t, SD_F_TITLE);
	sd_buf_printf(&msg, "sd: resolve %s \"", short_id);
	sd_text_inert(&msg, title, strlen(title), 0);
	sd_buf_printf(&msg, "\"\n\nkb: %s\n", slug);
	if ((err = sd_kb_save_message(ctx->store, &a, msg.data, &change, 1)))
		goto done;
	free(ctx->pending_text);
	ctx->pending_text = NULL;
done:
	sd_buf_release(&content);
	sd_buf_release(&path);
	sd_buf_release(&msg);
	sd_ticket_free(&t);
	sd_article_free(&a);
	return err;
}

/* ---- dispatch ---- */

static sd_error *kb_publish_cmd(struct sd_ctx *ctx, struct sd_args *args)
{
	return kb_publish(ctx, args, "publish", "published");
}

static sd_error *kb_unpublish_cmd(struct sd_ctx *ctx, struct sd_args *args)
{
	return kb_publish(ctx, args, "unpublish", "draft");
}

static const struct {
	const char *name;
	sd_error *(*run)(struct sd_ctx *, struct sd_args *);
} subcommands[] = {
	{ "new", kb_new },	 { "edit", kb_edit },		{ "show", kb_show },
	{ "list", kb_list },	 { "publish", kb_publish_cmd }, { "unpublish", kb_unpublish_cmd },
	{ "search", kb_search }, { "suggest", kb_suggest },	{ "from", kb_from },
};

const char *const sd_kb_subcommands[] = { "new",       "edit",	 "show",    "list", "publish",
					  "unpublish", "search", "suggest", "from", NULL };

sd_error *cmd_kb(struct sd_ctx *ctx, struct sd_args *args)
{
	if (!args->pos.n)
		return sd_error_invalid(
			"usage: sd kb (new | edit | show | list | publish | "
			"unpublish | search | suggest | from) ...; see 'sd help kb'");
	const char *sub = args->pos.v[0];
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(*subcommands); i++)
		if (!strcmp(subcommands[i].name, sub))
			return subcommands[i].run(ctx, args);
	struct sd_buf shown = SD_BUF_INIT;
	sd_put_line(&shown, sub);
	sd_error *err = sd_error_invalid("'%s' is not an sd kb command: use new, edit, show, list, "
					 "publish, unpublish, search, suggest or from",
					 shown.data);
	sd_buf_release(&shown);
	return err;
}
