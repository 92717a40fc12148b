/* SPDX-License-Identifier: MIT */
/* sd log ID: the ticket's timeline beside the git commits that touched it. */

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "sd/history.h"
#include "sd/text.h"

const struct sd_option log_options[] = { { SD_OPT_BOOL, 0, "json", NULL,
					   "print a JSON array of entries and commits" },
					 SD_DATE_OPTION_ROW,
					 { SD_OPT_END, 0, NULL, NULL, NULL } };

struct log_item {
	sd_time at;
	int order; /* timeline entries before commits at the same second */
	size_t seq;
	char *text; /* the line for people */
	char *json; /* the object for programs */
};

struct log_items {
	struct log_item *v;
	size_t n;
};

static void add_item(struct log_items *items, sd_time at, int order, struct sd_buf *text,
		     struct sd_buf *json)
{
	items->v = sd_xrealloc(items->v, (items->n + 1) * sizeof(*items->v));
	items->v[items->n] =
		(struct log_item){ at, order, items->n, sd_buf_detach(text), sd_buf_detach(json) };
	items->n++;
}

static int cmp_items(const void *a, const void *b)
{
	const struct log_item *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (x->order != y->order)
		return x->order - y->order;
	/* Entries come in timeline order; commits newest first from the
	 * walk, so those of one second are turned round. */
	if (x->order)
		return x->seq > y->seq ? -1 : x->seq < y->seq;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A commit may carry any integer as its time (a pushed commit is anyone's
 * text), but RFC 3339 has four-digit years: a time outside years 0000 to
 * 9999 is printed as the nearest end of that range, and flagged. */
static sd_time commit_time(sd_time t, int *clamped)
{
	static const sd_time first = -62167219200LL; /* 0000-01-01T00:00:00Z */
	static const sd_time last = 253402300799LL;  /* 9999-12-31T23:59:59Z */
	*clamped = t < first || t > last;
	return t < first ? first : t > last ? last : t;
}

/* The blob id of path in commit, or zero when absent. */
static void blob_at(git_oid *out, git_commit *commit, const char *path)
{
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	memset(out, 0, sizeof(*out));
	if (git_commit_tree(&tree, commit) == 0 && git_tree_entry_bypath(&entry, tree, path) == 0)
		git_oid_cpy(out, git_tree_entry_id(entry));
	git_tree_entry_free(entry);
	git_tree_free(tree);
}

static sd_error *add_commits(struct sd_ctx *ctx, struct log_items *items, const char *path)
{
	git_repository *repo = sd_store_repo(ctx->store);
	struct sd_history *walk = NULL;
	git_oid oid;
	int more = 0;
	sd_error *err = sd_history_open(&walk, repo, NULL);
	while (!err && walk && !(err = sd_history_next(walk, &oid, &more)) && more) {
		git_commit *c = NULL;
		if (git_commit_lookup(&c, repo, &oid) < 0) {
			err = sd_error_git("cannot read a commit");
			break;
		}
		git_oid mine, theirs;
		blob_at(&mine, c, path);
		unsigned np = git_commit_parentcount(c);
		/* A commit touched the file when it differs from every parent
		 * (merges that only carried it over are skipped, as git log does). */
		int touched = 1;
		for (unsigned i = 0; i < np && touched; i++) {
			git_commit *p = NULL;
			/* A parent beyond a shallow boundary counts as none. */
			memset(&theirs, 0, sizeof(theirs));
			if (git_commit_parent(&p, c, i) == 0)
				blob_at(&theirs, p, path);
			if (git_oid_equal(&mine, &theirs))
				touched = 0;
			git_commit_free(p);
		}
		if (np == 0 && git_oid_is_zero(&mine))
			touched = 0;
		if (touched) {
			struct sd_buf line = SD_BUF_INIT;
			char when[48], sha[GIT_OID_HEXSZ + 1];
			const git_signature *a = git_commit_author(c);
			int clamped;
			sd_time t = commit_time((sd_time)a->when.time, &clamped);
			git_oid_tostr(sha, 8, &oid);
			sd_format_when(ctx, when, t);
			sd_buf_printf(&line, "%s%s%s  %scommit %s%s  ", sd_color(ctx, SD_DIM), when,
				      sd_color(ctx, SD_RESET), sd_color(ctx, SD_YELLOW), sha,
				      sd_color(ctx, SD_RESET));
			sd_put_text(&line, a->name);
			sd_buf_adds(&line, ": ");
			const char *summary = git_commit_summary(c);
			sd_put_text(&line, summary ? summary : "");
			struct sd_buf json = SD_BUF_INIT;
			char at[SD_TIME_STRLEN], full[GIT_OID_HEXSZ + 1];
			sd_time_format(at, t);
			git_oid_tostr(full, sizeof(full), &oid);
			sd_buf_adds(&json, "{\"schema_version\":1,\"kind\":\"commit\",\"commit\":");
			sd_json_string(&json, full);
			sd_buf_adds(&json, ",\"author\":");
			struct sd_buf who = SD_BUF_INIT;
			sd_buf_printf(&who, "%s <%s>", a->name, a->email);
			sd_json_string(&json, who.data);
			sd_buf_release(&who);
			sd_buf_adds(&json, ",\"at\":");
			sd_json_string(&json, at);
			sd_buf_adds(&json, ",\"summary\":");
			sd_json_string(&json, summary ? summary : "");
			if (clamped)
				sd_buf_adds(&json, ",\"time_clamped\":true");
			sd_buf_addch(&json, '}');
			add_item(items, (sd_time)a->when.time, 1, &line, &json);
		}
		git_commit_free(c);
	}
	sd_history_free(walk);
	return err;
}

static void first_line(struct sd_buf *out, const char *text)
{
	const char *nl = strchr(text, '\n');
	struct sd_buf part = SD_BUF_INIT;
	sd_buf_add(&part, text, nl ? (size_t)(nl - text) : strlen(text));
	sd_put_text(out, part.data);
	if (nl)
		sd_buf_adds(out, " …");
	sd_buf_release(&part);
}

sd_error *cmd_log(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_ticket t;
	struct log_items items = { NULL, 0 };
	struct sd_buf path = SD_BUF_INIT;
	char id[SD_ID_LEN + 1];
	sd_error *err;
	sd_ticket_init(&t);
	if ((err = sd_args_count(args, 1, 1, ctx->cmd->usage)) || (err = sd_date_option(ctx, args)))
		goto done;
	if ((err = sd_store_resolve(ctx->store, id, args->pos.v[0])))
		goto done;
	sd_ticket_free(&t);
	if ((err = sd_store_read(ctx->store, id, &t, NULL)))
		goto done;
	for (size_t i = 0; i < t.nentries; i++) {
		const struct sd_entry *e = &t.entries[i];
		struct sd_buf line = SD_BUF_INIT;
		char when[48];
		sd_format_when(ctx, when, sd_stamp_seconds(e->at));
		sd_buf_printf(&line, "%s%s%s  ", sd_color(ctx, SD_DIM), when,
			      sd_color(ctx, SD_RESET));
		sd_put_text(&line, e->author);
		if (e->kind == SD_ENTRY_COMMENT) {
			sd_buf_adds(&line, e->internal ? " noted (internal): " : " commented: ");
			first_line(&line, e->body);
		} else {
			sd_buf_adds(&line, " changed ");
			sd_put_text(&line, e->field);
			sd_buf_adds(&line, ": ");
			sd_put_text(&line, *e->from ? e->from : "(none)");
			sd_buf_adds(&line, " → ");
			sd_put_text(&line, *e->to ? e->to : "(none)");
			if (*e->reason) {
				sd_buf_adds(&line, " — ");
				first_line(&line, e->reason);
			}
		}
		/* Each item of the array stands alone, so each carries the
		 * version, as the ticket objects of sd list do. */
		struct sd_buf entry = SD_BUF_INIT, json = SD_BUF_INIT;
		sd_entry_json(&entry, e);
		sd_buf_adds(&json, "{\"schema_version\":1,");
		sd_buf_add(&json, entry.data + 1, entry.len - 1);
		sd_buf_release(&entry);
		add_item(&items, sd_stamp_seconds(e->at), 0, &line, &json);
	}
	sd_ticket_path(&path, id);
	if ((err = add_commits(ctx, &items, path.data)))
		goto done;
	qsort(items.v, items.n, sizeof(*items.v), cmp_items);
	if (sd_arg_flag(args, "json")) {
		fputc('[', ctx->out);
		for (size_t i = 0; i < items.n; i++)
			fprintf(ctx->out, "%s\n%s", i ? "," : "", items.v[i].json);
		fputs(items.n ? "\n]\n" : "]\n", ctx->out);
		goto done;
	}
	sd_pager_start(ctx);
	for (size_t i = 0; i < items.n; i++)
		fprintf(ctx->out, "%s\n", items.v[i].text);
done:
	for (size_t i = 0; i < items.n; i++) {
		free(items.v[i].text);
		free(items.v[i].json);
	}
	free(items.v);
	sd_buf_release(&path);
	sd_ticket_free(&t);
	return err;
}
