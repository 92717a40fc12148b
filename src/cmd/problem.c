/* SPDX-License-Identifier: MIT */
/* sd problem new|suggest|known-error: problem management, the cause
 * behind incidents that come back; and sd resolve PID --incidents. */

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "sd/calendar.h"
#include "sd/cluster.h"
#include "sd/intake.h"
#include "sd/kb.h"
#include "sd/problem.h"
#include "sd/text.h"

const struct sd_option problem_options[] = {
	{ SD_OPT_LIST, 0, "from", "ID", "new: an incident to link (repeatable; more may follow)" },
	{ SD_OPT_STRING, 'm', "message", "TEXT", "new: the description" },
	{ SD_OPT_STRING, 'F', "file", "FILE", "new: read the description from FILE (- for stdin)" },
	{ SD_OPT_STRING, 0, "priority", "PRIORITY", "new: P1 to P5" },
	{ SD_OPT_STRING, 0, "category", "CATEGORY", "new: the category (default: the incidents')" },
	{ SD_OPT_STRING, 0, "asset", "ASSET", "new: the asset (default: the incidents')" },
	{ SD_OPT_STRING, 0, "queue", "QUEUE", "new: the queue" },
	{ SD_OPT_STRING, 0, "assignee", "ASSIGNEE", "new: who works on it" },
	{ SD_OPT_STRING, 0, "since", "DURATION",
	  "suggest: incidents opened in this time, like 30d (default)" },
	{ SD_OPT_STRING, 0, "min", "N", "suggest: the fewest incidents in a cluster (default 3)" },
	{ SD_OPT_BOOL, 0, "json", NULL, "suggest: print the clusters as JSON" },
	{ SD_OPT_STRING, 0, "workaround", "TEXT", "known-error: the workaround (required)" },
	{ SD_OPT_BOOL, 0, "kb", NULL, "known-error: also draft a knowledge-base article of it" },
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

/* The options each subcommand takes; any other is a mistake to report,
 * not to ignore. */
static const struct {
	const char *name;
	const char *options[10];
} subcommands[] = {
	{ "new",
	  { "from", "message", "file", "priority", "category", "asset", "queue", "assignee" } },
	{ "suggest", { "since", "min", "json" } },
	{ "known-error", { "workaround", "kb" } },
};

static sd_error *check_sub_options(const struct sd_args *args, size_t sub)
{
	for (int i = 0; problem_options[i].kind != SD_OPT_END; i++) {
		const char *name = problem_options[i].long_name;
		int allowed = 0;
		if (!args->set[i])
			continue;
		for (size_t j = 0; j < 10 && subcommands[sub].options[j]; j++)
			allowed |= !strcmp(subcommands[sub].options[j], name);
		if (!allowed)
			return sd_error_invalid("'sd problem %s' takes no --%s; see sd problem --help",
						subcommands[sub].name, name);
	}
	return NULL;
}

/* The value every incident has for f, or NULL when they differ. */
static const char *shared_value(const struct sd_batch *b, size_t from, enum sd_field f)
{
	const char *v = NULL;
	for (size_t i = from; i < b->n; i++) {
		const char *x = sd_ticket_get(b->v[i], f);
		if (v && strcmp(v, x))
			return NULL;
		v = x;
	}
	return v && *v ? v : NULL;
}

static sd_error *problem_new(struct sd_ctx *ctx, struct sd_args *args)
{
	const struct sd_strvec *from = sd_arg_list(args, "from");
	struct sd_batch b = { 0 };
	struct sd_ticket *p = sd_xmalloc(sizeof(*p));
	struct sd_strvec ids = SD_STRVEC_INIT;
	char *text = NULL;
	const char *author;
	int given;
	sd_error *err = NULL;
	sd_ticket_init(p);
	/* Every --from takes one id; the ids after the title are more. */
	for (size_t i = 0; i < from->n; i++)
		sd_strvec_push(&ids, from->v[i]);
	for (size_t i = 2; i < args->pos.n; i++)
		sd_strvec_push(&ids, args->pos.v[i]);
	if (args->pos.n < 2 || !ids.n) {
		err = sd_error_invalid("usage: sd problem new TITLE --from ID... [-m TEXT]");
		goto done;
	}
	const char *title = args->pos.v[1];
	if ((err = sd_field_validate(SD_F_TITLE, title)) ||
	    (err = sd_read_message(ctx, args, "description", &text, &given)) ||
	    (err = sd_store_author(ctx->store, NULL, NULL, &author)))
		goto done;
	for (size_t i = 0; i < ids.n; i++) {
		struct sd_ticket *incident;
		if ((err = sd_batch_load(ctx, &b, ids.v[i], &incident)))
			goto done;
	}
	struct sd_request req = {
		.title = title,
		.description = text,
		.type = "problem",
		.priority = sd_arg_str(args, "priority"),
		.category = sd_arg_str(args, "category") ? sd_arg_str(args, "category")
							 : shared_value(&b, 0, SD_F_CATEGORY),
		.asset = sd_arg_str(args, "asset") ? sd_arg_str(args, "asset")
						   : shared_value(&b, 0, SD_F_ASSET),
		.queue = sd_arg_str(args, "queue"),
		.assignee = sd_arg_str(args, "assignee"),
		.channel = "cli",
	};
	if ((err = sd_request_validate(&req)))
		goto done;
	struct sd_route_outcome route;
	memset(&route, 0, sizeof(route));
	sd_ticket_free(p);
	err = sd_intake_prepare(p, &route, ctx->store, &req, NULL, author, ctx->clock);
	sd_route_outcome_release(&route);
	if (err)
		goto done;
	/* The problem goes first, so the commit is named after it. */
	b.v = sd_xrealloc(b.v, (b.n + 1) * sizeof(*b.v));
	b.dirty = sd_xrealloc(b.dirty, (b.n + 1) * sizeof(*b.dirty));
	memmove(b.v + 1, b.v, b.n * sizeof(*b.v));
	memmove(b.dirty + 1, b.dirty, b.n * sizeof(*b.dirty));
	b.v[0] = p;
	b.dirty[0] = 1;
	b.n++;
	p = NULL;
	size_t changed, nincidents = b.n - 1;
	/* A copy: unlinking from an old problem may load it into the batch. */
	struct sd_ticket **incidents = sd_xmalloc(nincidents * sizeof(*incidents));
	memcpy(incidents, b.v + 1, nincidents * sizeof(*incidents));
	err = sd_link_incidents(ctx, &b, b.v[0], incidents, nincidents, author, NULL, &changed);
	free(incidents);
	if (err)
		goto done;
	if ((err = sd_batch_save(ctx, &b, "new")))
		goto done;
	fprintf(ctx->out, "%s\n", sd_ticket_get(b.v[0], SD_F_ID));
done:
	if (p) {
		sd_ticket_free(p);
		free(p);
	}
	sd_batch_free(&b);
	sd_strvec_clear(&ids);
	free(text);
	return err;
}

/* A draft article from the known error, committed with the problem: the
 * problem as described and the workaround, internal until someone
 * reviews and publishes it. Its slug, free in the store, goes to *slug. */
static sd_error *known_error_article(struct sd_ctx *ctx, struct sd_ticket *p,
				     const char *workaround, const char *author, char **slug)
{
	struct sd_article a;
	struct sd_strvec slugs = SD_STRVEC_INIT, ids = SD_STRVEC_INIT;
	struct sd_buf body = SD_BUF_INIT, content = SD_BUF_INIT, path = SD_BUF_INIT,
		      verb = SD_BUF_INIT;
	char now[SD_STAMP_STRLEN], short_id[SD_ID_LEN + 1];
	char *base = NULL;
	const char *title = sd_ticket_get(p, SD_F_TITLE), *pid = sd_ticket_get(p, SD_F_ID);
	sd_error *err;
	sd_article_init(&a);
	*slug = NULL;
	if ((err = sd_kb_slug_from_title(&base, title)) ||
	    (err = sd_kb_list_slugs(ctx->store, &slugs)))
		goto done;
	/* The title's slug, or the first of SLUG-2, SLUG-3, ... that is free. */
	*slug = sd_xstrdup(base);
	for (int n = 2; sd_strvec_has(&slugs, *slug); n++) {
		struct sd_buf next = SD_BUF_INIT;
		sd_buf_printf(&next, "%.*s-%d", SD_KB_SLUG_MAX - 8, base, n);
		free(*slug);
		*slug = sd_buf_detach(&next);
	}
	sd_article_set(&a.title, title);
	sd_article_set(&a.slug, *slug);
	sd_article_set(&a.category, sd_ticket_get(p, SD_F_CATEGORY));
	sd_article_set(&a.audience, "internal");
	for (size_t i = 0; i < p->tags.n; i++)
		sd_strvec_push(&a.tags, p->tags.v[i]);
	/* The article answers the problem and every incident linked to it. */
	sd_article_add_ticket(&a, pid);
	sd_ticket_incidents(p, &ids);
	for (size_t i = 0; i < ids.n; i++)
		sd_article_add_ticket(&a, ids.v[i]);
	sd_buf_adds(&body, "## Problem\n\n");
	sd_buf_adds(&body, *p->description ? p->description : title);
	sd_buf_adds(&body, "\n\n## Workaround\n\n");
	char *trimmed = sd_text_trim_lines(workaround);
	sd_buf_adds(&body, trimmed);
	free(trimmed);
	sd_article_set(&a.body, body.data);
	/* The link, as sd resolve --kb records it: an event with field kb. */
	if ((err = sd_ticket_add_event(p, author, sd_ticket_next_stamp(p, ctx->clock), "kb", "",
				       *slug, "")))
		goto done;
	sd_stamp_format(now, sd_ticket_updated_stamp(p, ctx->clock));
	sd_ticket_set(p, SD_F_UPDATED, now);
	sd_article_set(&a.created, now);
	sd_article_set(&a.updated, now);
	sd_ticket_write(p, &content);
	sd_ticket_path(&path, pid);
	if ((err = sd_ticket_check_size(pid, content.len)) ||
	    (err = sd_store_short_id_for(ctx->store, short_id, pid)))
		goto done;
	struct sd_change change = { path.data, content.data, content.len };
	sd_buf_printf(&verb, "known-error %s", short_id);
	err = sd_kb_save(ctx->store, &a, verb.data, &change, 1);
done:
	if (err) {
		free(*slug);
		*slug = NULL;
	}
	free(base);
	sd_strvec_clear(&slugs);
	sd_strvec_clear(&ids);
	sd_buf_release(&body);
	sd_buf_release(&content);
	sd_buf_release(&path);
	sd_buf_release(&verb);
	sd_article_free(&a);
	return err;
}

static sd_error *problem_known_error(struct sd_ctx *ctx, struct sd_args *args)
{
	const char *workaround = sd_arg_str(args, "workaround");
	struct sd_batch b = { 0 };
	struct sd_ticket *p;
	const char *author;
	char *slug = NULL;
	sd_error *err;
	if (args->pos.n != 2 || !workaround)
		return sd_error_invalid(
			"usage: sd problem known-error PID --workaround TEXT [--kb]");
	if ((err = sd_text_validate(workaround, strlen(workaround), "the workaround")))
		return err;
	if ((err = sd_store_author(ctx->store, NULL, NULL, &author)) ||
	    (err = sd_batch_load(ctx, &b, args->pos.v[1], &p)) ||
	    (err = sd_problem_known_error(p, workaround, author, ctx->clock)))
		goto done;
	if (sd_arg_flag(args, "kb")) {
		/* One commit: the problem and its draft article together. */
		if ((err = known_error_article(ctx, p, workaround, author, &slug)))
			goto done;
		free(ctx->pending_text);
		ctx->pending_text = NULL;
		fprintf(ctx->out, "%s\n", slug);
		goto done;
	}
	sd_batch_mark(&b, p);
	err = sd_batch_save(ctx, &b, "known-error");
done:
	free(slug);
	sd_batch_free(&b);
	return err;
}

/* ---- suggest ---- */

static int cmp_rows_created(const void *x, const void *y)
{
	const struct sd_row *a = x, *b = y;
	if (a->created != b->created)
		return a->created < b->created ? -1 : 1;
	return strcmp(sd_ticket_get(&a->t, SD_F_ID), sd_ticket_get(&b->t, SD_F_ID));
}

static void cluster_json(struct sd_buf *out, const struct sd_cluster *c, struct sd_row *const *v)
{
	char num[32];
	sd_buf_adds(out, "{\"size\":");
	snprintf(num, sizeof(num), "%zu", c->n);
	sd_buf_adds(out, num);
	sd_buf_adds(out, ",\"title\":");
	sd_json_string(out, c->title);
	sd_buf_adds(out, ",\"words\":[");
	for (size_t i = 0; i < c->words.n; i++) {
		if (i)
			sd_buf_addch(out, ',');
		sd_json_string(out, c->words.v[i]);
	}
	snprintf(num, sizeof(num), "%.3f", c->cohesion);
	sd_buf_printf(out, "],\"similarity\":%s,\"central\":", num);
	sd_json_string(out, sd_ticket_get(&v[c->central]->t, SD_F_ID));
	sd_buf_adds(out, ",\"members\":[");
	for (size_t i = 0; i < c->n; i++) {
		if (i)
			sd_buf_addch(out, ',');
		sd_ticket_json(out, &v[c->members[i]]->t, v[c->members[i]]->short_id, 0);
	}
	sd_buf_adds(out, "]}");
}

static void cluster_human(struct sd_ctx *ctx, struct sd_buf *out, const struct sd_cluster *c,
			  struct sd_row *const *v)
{
	char num[32];
	snprintf(num, sizeof(num), "%.2f", c->cohesion);
	sd_buf_printf(out, "%s%zu incidents%s ", sd_color(ctx, SD_BOLD), c->n,
		      sd_color(ctx, SD_RESET));
	sd_put_line(out, c->title);
	sd_buf_printf(out, "\n  %ssimilarity %s", sd_color(ctx, SD_DIM), num);
	if (c->words.n) {
		sd_buf_adds(out, ", words: ");
		for (size_t i = 0; i < c->words.n; i++) {
			if (i)
				sd_buf_adds(out, ", ");
			sd_put_line(out, c->words.v[i]);
		}
	}
	sd_buf_printf(out, "%s\n", sd_color(ctx, SD_RESET));
	size_t w = 0;
	for (size_t i = 0; i < c->n; i++)
		if (strlen(v[c->members[i]]->short_id) > w)
			w = strlen(v[c->members[i]]->short_id);
	for (size_t i = 0; i < c->n; i++) {
		const struct sd_row *r = v[c->members[i]];
		char when[48];
		sd_format_when(ctx, when, r->created);
		sd_buf_printf(out, "  %s%-*s%s  %-8s %s  ", sd_color(ctx, SD_YELLOW), (int)w,
			      r->short_id, sd_color(ctx, SD_RESET),
			      sd_ticket_get(&r->t, SD_F_STATUS), when);
		sd_put_line(out, sd_ticket_get(&r->t, SD_F_TITLE));
		sd_buf_addch(out, '\n');
	}
	/* The title stays a placeholder: a ticket's title is someone else's
	 * text, and a command line is no place to paste it. */
	sd_buf_adds(out, "  sd problem new TITLE --from");
	for (size_t i = 0; i < c->n; i++)
		sd_buf_printf(out, " %s", v[c->members[i]]->short_id);
	sd_buf_adds(out, "\n");
}

static sd_error *problem_suggest(struct sd_ctx *ctx, struct sd_args *args)
{
	const char *since = sd_arg_str(args, "since"), *min_text = sd_arg_str(args, "min");
	struct sd_rows rows = { 0 };
	struct sd_row **cand = NULL;
	struct sd_cluster_doc *docs = NULL;
	struct sd_clusters found = { 0 };
	struct sd_buf out = SD_BUF_INIT;
	int64_t window = 30 * 86400;
	size_t min = 3, n = 0;
	sd_error *err = NULL;
	if (args->pos.n != 1)
		return sd_error_invalid("'sd problem suggest' takes no arguments, only options");
	if (since && (err = sd_duration_parse(&window, since)))
		return sd_error_wrap(err, "--since");
	if (min_text) {
		char *end = NULL;
		long v = strtol(min_text, &end, 10);
		if (!*min_text || *end || v < 2 || v > 100000)
			return sd_error_invalid("--min '%s': give a whole number of incidents, 2 or "
						"more",
						min_text);
		min = (size_t)v;
	}
	if ((err = sd_rows_load(ctx, &rows, NULL)))
		goto done;
	sd_rows_report(ctx, &rows);
	/* Incidents of the window not linked yet; cancelled ones were no
	 * incident at all. Resolved ones count: a fix that did not hold is
	 * how a problem shows itself. */
	qsort(rows.v, rows.n, sizeof(*rows.v), cmp_rows_created);
	cand = sd_xmalloc((rows.n ? rows.n : 1) * sizeof(*cand));
	for (size_t i = 0; i < rows.n; i++) {
		struct sd_row *r = &rows.v[i];
		if (strcmp(sd_ticket_get(&r->t, SD_F_TYPE), "incident") ||
		    *sd_ticket_get(&r->t, SD_F_PROBLEM) ||
		    !strcmp(sd_ticket_get(&r->t, SD_F_STATUS), "cancelled") ||
		    r->created < ctx->now - window)
			continue;
		if ((err = sd_row_read_full(ctx, r)))
			goto done;
		cand[n++] = r;
	}
	docs = sd_xcalloc(n ? n : 1, sizeof(*docs));
	for (size_t i = 0; i < n; i++)
		docs[i] = (struct sd_cluster_doc){ sd_ticket_get(&cand[i]->t, SD_F_TITLE),
						   cand[i]->t.description,
						   sd_ticket_get(&cand[i]->t, SD_F_CATEGORY),
						   sd_ticket_get(&cand[i]->t, SD_F_ASSET) };
	sd_cluster_find(&found, docs, n, sd_store_config(ctx->store)->problem_similarity, min);
	if (sd_arg_flag(args, "json")) {
		sd_buf_addch(&out, '[');
		for (size_t i = 0; i < found.n; i++) {
			sd_buf_adds(&out, i ? ",\n" : "\n");
			cluster_json(&out, &found.v[i], cand);
		}
		sd_buf_adds(&out, found.n ? "\n]\n" : "]\n");
	} else {
		for (size_t i = 0; i < found.n; i++) {
			if (i)
				sd_buf_addch(&out, '\n');
			cluster_human(ctx, &out, &found.v[i], cand);
		}
		if (!found.n) {
			char span[32];
			sd_duration_format(span, window);
			fprintf(stderr,
				"sd: no %zu or more similar incidents without a problem in the last "
				"%s (%zu incidents looked at)\n",
				min, span, n);
		}
	}
	if (!found.n)
		ctx->exit_status = SD_EXIT_FOUND_NOTHING;
	fwrite(out.data, 1, out.len, ctx->out);
done:
	sd_buf_release(&out);
	sd_clusters_free(&found);
	free(docs);
	free(cand);
	sd_rows_free(&rows);
	return err;
}

sd_error *cmd_problem(struct sd_ctx *ctx, struct sd_args *args)
{
	size_t sub;
	sd_error *err;
	if (!args->pos.n)
		return sd_error_invalid("usage: sd problem new|suggest|known-error ...; see sd "
					"problem --help");
	for (sub = 0; sub < sizeof(subcommands) / sizeof(*subcommands); sub++)
		if (!strcmp(subcommands[sub].name, args->pos.v[0]))
			break;
	if (sub == sizeof(subcommands) / sizeof(*subcommands))
		return sd_error_invalid("unknown 'sd problem %.40s': use new, suggest or known-error",
					args->pos.v[0]);
	if ((err = check_sub_options(args, sub)))
		return err;
	if (sub == 0)
		return problem_new(ctx, args);
	if (sub == 1)
		return problem_suggest(ctx, args);
	return problem_known_error(ctx, args);
}

/* ---- sd resolve PID --incidents ---- */

sd_error *sd_resolve_incidents(struct sd_ctx *ctx, const char *prefix, const char *resolution)
{
	struct sd_batch b = { 0 };
	struct sd_strvec ids = SD_STRVEC_INIT;
	struct sd_buf reason = SD_BUF_INIT;
	struct sd_ticket *p;
	const char *author;
	char short_id[SD_ID_LEN + 1];
	int changed;
	sd_error *err;
	if ((err = sd_text_validate(resolution, strlen(resolution), "the resolution")) ||
	    (err = sd_store_author(ctx->store, NULL, NULL, &author)) ||
	    (err = sd_batch_load(ctx, &b, prefix, &p)))
		goto done;
	const char *pid = sd_ticket_get(p, SD_F_ID);
	if (strcmp(sd_ticket_get(p, SD_F_TYPE), "problem")) {
		err = sd_error_invalid("ticket %s is not a problem; --incidents resolves a "
				       "problem's linked incidents",
				       prefix);
		goto done;
	}
	if ((err = sd_store_short_id_for(ctx->store, short_id, pid)))
		goto done;
	/* What each incident's resolution says: which problem, and how. */
	sd_buf_printf(&reason, "Resolved with problem %s: %s", short_id, resolution);
	sd_ticket_incidents(p, &ids);
	size_t resolved = 0;
	for (size_t i = 0; i < ids.n; i++) {
		struct sd_ticket *t;
		sd_error *gone = sd_batch_load(ctx, &b, ids.v[i], &t);
		if (gone) {
			struct sd_buf msg = SD_BUF_INIT;
			sd_buf_printf(&msg,
				      "problem %s lists incident %s, which cannot be read (%s)",
				      short_id, ids.v[i], gone->msg);
			sd_warn(sd_buf_detach(&msg));
			sd_error_free(gone);
			continue;
		}
		/* Only incidents that still name it: a one-sided link is
		 * reported by sd check, not acted on. */
		if (strcmp(sd_ticket_get(t, SD_F_PROBLEM), pid) ||
		    sd_status_is_done(sd_ticket_get(t, SD_F_STATUS)))
			continue;
		if ((err = sd_ticket_change(t, SD_F_STATUS, "resolved", author, ctx->clock,
					    reason.data, &changed)))
			goto done;
		sd_batch_mark(&b, t);
		resolved++;
	}
	if ((err = sd_ticket_change(p, SD_F_STATUS, "resolved", author, ctx->clock, resolution,
				    &changed)))
		goto done;
	if (changed)
		sd_batch_mark(&b, p);
	if (!sd_batch_dirty(&b)) {
		fprintf(stderr,
			"sd: problem %s is already resolved, and so are its incidents; "
			"nothing changed\n",
			prefix);
		goto done;
	}
	if ((err = sd_batch_save(ctx, &b, "resolve")))
		goto done;
	fprintf(stderr, "sd: resolved %s and %zu incident%s\n", short_id, resolved,
		resolved == 1 ? "" : "s");
done:
	sd_buf_release(&reason);
	sd_strvec_clear(&ids);
	sd_batch_free(&b);
	return err;
}
