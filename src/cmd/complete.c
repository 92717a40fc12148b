/* SPDX-License-Identifier: MIT */
/* sd __complete: candidates for the shell completions in completions/,
 * taken from the same tables that drive parsing and --help. */

#include <string.h>

#include "cmd/cmd.h"
#include "sd/kb.h"

const struct sd_option complete_options[] = { { SD_OPT_END, 0, NULL, NULL, NULL } };

static void print_values(FILE *out, const char *const *values)
{
	for (int i = 0; values[i]; i++)
		fprintf(out, "%s\n", values[i]);
}

/* Values in use in this store for a free-text field. */
static void print_used(struct sd_ctx *ctx, enum sd_field field)
{
	struct sd_rows rows;
	struct sd_strvec seen = SD_STRVEC_INIT;
	if (sd_rows_load(ctx, &rows, NULL))
		return;
	for (size_t i = 0; i < rows.n; i++) {
		const struct sd_ticket *t = &rows.v[i].t;
		if (field == SD_F_TAGS) {
			for (size_t j = 0; j < t->tags.n; j++)
				if (!sd_strvec_has(&seen, t->tags.v[j]))
					sd_strvec_push(&seen, t->tags.v[j]);
		} else if (*sd_ticket_get(t, field) &&
			   !sd_strvec_has(&seen, sd_ticket_get(t, field))) {
			sd_strvec_push(&seen, sd_ticket_get(t, field));
		}
	}
	/* The team's addresses and queues, before anyone has a ticket. */
	const struct sd_team *team = &sd_store_config(ctx->store)->team;
	for (size_t i = 0; i < team->nagents; i++) {
		const struct sd_agent *a = &team->agents[i];
		if (field == SD_F_ASSIGNEE && !sd_strvec_has(&seen, a->email))
			sd_strvec_push(&seen, a->email);
		for (size_t q = 0; field == SD_F_QUEUE && q < a->queues.n; q++)
			if (!sd_strvec_has(&seen, a->queues.v[q]))
				sd_strvec_push(&seen, a->queues.v[q]);
	}
	sd_strvec_sort(&seen);
	for (size_t i = 0; i < seen.n; i++) {
		struct sd_buf value = SD_BUF_INIT;
		sd_put_line(&value, seen.v[i]);
		fprintf(ctx->out, "%s\n", value.data);
		sd_buf_release(&value);
	}
	sd_strvec_clear(&seen);
	sd_rows_free(&rows);
}

static int open_store_quietly(struct sd_ctx *ctx)
{
	sd_error *err = sd_store_open(&ctx->store, ctx->dir, SD_STORE_LENIENT);
	sd_error_free(err);
	return err == NULL;
}

sd_error *cmd_complete(struct sd_ctx *ctx, struct sd_args *args)
{
	const char *what = args->pos.n ? args->pos.v[0] : "";
	if (!strcmp(what, "commands")) {
		for (const struct sd_command *c = sd_commands; c->name; c++)
			if (!(c->flags & SD_HIDDEN))
				fprintf(ctx->out, "%s\t%s\n", c->name, c->summary);
		return NULL;
	}
	if (!strcmp(what, "options") && args->pos.n == 2) {
		const struct sd_command *c = sd_command_lookup(args->pos.v[1]);
		if (!c)
			return NULL;
		for (const struct sd_option *o = c->options; o->kind; o++) {
			if (o->arg)
				fprintf(ctx->out, "--%s\t%s: %s\n", o->long_name, o->arg, o->help);
			else
				fprintf(ctx->out, "--%s\t%s\n", o->long_name, o->help);
			if (o->short_name && o->arg)
				fprintf(ctx->out, "-%c\t%s: %s\n", o->short_name, o->arg, o->help);
			else if (o->short_name)
				fprintf(ctx->out, "-%c\t%s\n", o->short_name, o->help);
		}
		fprintf(ctx->out, "--help\tshow help\n");
		return NULL;
	}
	if (!strcmp(what, "ids")) {
		struct sd_rows rows;
		if (!open_store_quietly(ctx) || sd_rows_load(ctx, &rows, NULL))
			return NULL;
		for (size_t i = 0; i < rows.n; i++) {
			struct sd_buf title = SD_BUF_INIT;
			sd_put_text(&title, sd_ticket_get(&rows.v[i].t, SD_F_TITLE));
			fprintf(ctx->out, "%s\t%s\n", rows.v[i].short_id, title.data);
			sd_buf_release(&title);
		}
		sd_rows_free(&rows);
		return NULL;
	}
	if (!strcmp(what, "kb-commands")) {
		static const char *const help[] = {
			"write an article",
			"change an article",
			"show an article",
			"list articles",
			"publish an article",
			"make an article a draft again",
			"rank every article against a text",
			"suggest published articles for a text or ticket",
			"draft an article from a resolved ticket"
		};
		for (size_t i = 0; sd_kb_subcommands[i]; i++)
			fprintf(ctx->out, "%s\t%s\n", sd_kb_subcommands[i], help[i]);
		return NULL;
	}
	if (!strcmp(what, "slugs")) {
		struct sd_article *v = NULL;
		size_t n = 0;
		if (!open_store_quietly(ctx) || sd_kb_read_all(ctx->store, &v, &n, NULL))
			return NULL;
		for (size_t i = 0; i < n; i++) {
			struct sd_buf title = SD_BUF_INIT;
			sd_put_line(&title, v[i].title);
			fprintf(ctx->out, "%s\t%s\n", v[i].slug, title.data);
			sd_buf_release(&title);
		}
		sd_kb_articles_free(v, n);
		return NULL;
	}
	if (!strcmp(what, "values") && args->pos.n == 2) {
		const char *field = args->pos.v[1];
		static const char *const sort_keys[] = { "priority", "created",	 "updated",
							 "status",   "id",	 "title",
							 "tier",     "assignee", NULL };
		static const char *const colors[] = { "auto", "always", "never", NULL };
		static const char *const formats[] = { "jsonl", "csv", NULL };
		static const char *const date_modes[] = { "local",    "utc",	  "iso",
							  "relative", "calendar", NULL };
		static const char *const by_fields[] = { "queue",    "tier", "assignee", "priority",
							 "category", "type", "channel",	 NULL };
		int f = sd_field_lookup(!strcmp(field, "tag") ? "tags" : field);
		if (!strcmp(field, "sort"))
			print_values(ctx->out, sort_keys);
		else if (!strcmp(field, "color"))
			print_values(ctx->out, colors);
		else if (!strcmp(field, "format"))
			print_values(ctx->out, formats);
		else if (!strcmp(field, "mode")) /* --date MODE */
			print_values(ctx->out, date_modes);
		else if (!strcmp(field, "audience"))
			print_values(ctx->out, sd_kb_audiences);
		else if (!strcmp(field, "field")) /* sd report --by FIELD */
			print_values(ctx->out, by_fields);
		else if (!strcmp(field, "visibility"))
			print_values(ctx->out, sd_visibilities);
		else if (!strcmp(field, "command"))
			print_values(ctx->out, sd_command_keys);
		else if (f >= 0 && sd_fields[f].values)
			print_values(ctx->out, sd_fields[f].values);
		else if (f >= 0 && open_store_quietly(ctx))
			print_used(ctx, (enum sd_field)f);
		return NULL;
	}
	return sd_error_invalid(
		"usage: sd __complete (commands | options CMD | ids | values FIELD)");
}
