/* SPDX-License-Identifier: MIT */
/* sd new TITLE: open a ticket (or, with --key, find the open one). */

#include <stdlib.h>
#include <string.h>
#include <stddef.h>

#include "cmd/cmd.h"
#include "sd/intake.h"
#include "sd/text.h"

const struct sd_option new_options[] = {
	{ SD_OPT_STRING, 'm', "message", "TEXT", "the description" },
	{ SD_OPT_STRING, 'F', "file", "FILE",
	  "read the description from FILE (- for standard input)" },
	{ SD_OPT_STRING, 0, "type", "TYPE", "incident, request, problem or change" },
	{ SD_OPT_STRING, 0, "impact", "IMPACT", "how many are affected: high, medium or low" },
	{ SD_OPT_STRING, 0, "urgency", "URGENCY", "how soon it matters: high, medium or low" },
	{ SD_OPT_STRING, 0, "priority", "PRIORITY", "P1 to P5 (default: from impact and urgency)" },
	{ SD_OPT_STRING, 0, "category", "CATEGORY", "a category, e.g. hardware" },
	{ SD_OPT_STRING, 0, "queue", "QUEUE", "the queue (default: the tier's queue)" },
	{ SD_OPT_STRING, 0, "assignee", "ASSIGNEE", "who works on it" },
	{ SD_OPT_STRING, 0, "requester", "REQUESTER", "who asked (default: you)" },
	{ SD_OPT_LIST, 0, "tag", "TAG", "a tag (repeatable)" },
	{ SD_OPT_STRING, 0, "asset", "ASSET", "the asset concerned, e.g. PRN-042" },
	{ SD_OPT_STRING, 0, "tier", "TIER", "support tier L0 to L4 (default: L1)" },
	{ SD_OPT_STRING, 0, "key", "KEY", "idempotency key: reuse the open ticket with this key" },
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

static const char editor_help[] = "<!--\n"
				  "Write the title on the first line, then a blank line, then the\n"
				  "description in Markdown. Leave the title empty to cancel.\n"
				  "-->\n";

/* Asks for title and description in the editor. */
static sd_error *new_from_editor(struct sd_ctx *ctx, char **title, char **description)
{
	struct sd_buf text = SD_BUF_INIT, template = SD_BUF_INIT;
	sd_buf_printf(&template, "\n\n%s", editor_help);
	sd_error *err = sd_text_from_editor(ctx, "NEW_TICKET.md", template.data,
					    SD_TEXT_MAX_BYTES + sizeof(editor_help), &text);
	sd_buf_release(&template);
	if (err)
		goto done;
	char *help = strstr(text.data, editor_help);
	if (help) {
		size_t n = strlen(editor_help);
		memmove(help, help + n, strlen(help + n) + 1);
		text.len -= n;
	}
	if ((err = sd_text_validate(text.data, text.len, "the ticket text")))
		goto done;
	char *all = sd_text_trim_lines(text.data);
	char *nl = strchr(all, '\n');
	*title = sd_xstrndup(all, nl ? (size_t)(nl - all) : strlen(all));
	*description = sd_text_trim_lines(nl ? nl + 1 : "");
	free(all);
	if (!**title)
		err = sd_error_invalid("empty title; no ticket was opened");
done:
	sd_buf_release(&text);
	return err;
}

/* The options that set a field, and where the request takes them. */
#define REQ(name) offsetof(struct sd_request, name)
static const struct {
	const char *option;
	enum sd_field field;
	size_t offset;
} plain_fields[] = {
	{ "type", SD_F_TYPE, REQ(type) },
	{ "impact", SD_F_IMPACT, REQ(impact) },
	{ "urgency", SD_F_URGENCY, REQ(urgency) },
	{ "priority", SD_F_PRIORITY, REQ(priority) },
	{ "category", SD_F_CATEGORY, REQ(category) },
	{ "queue", SD_F_QUEUE, REQ(queue) },
	{ "assignee", SD_F_ASSIGNEE, REQ(assignee) },
	{ "requester", SD_F_REQUESTER, REQ(requester) },
	{ "asset", SD_F_ASSET, REQ(asset) },
	{ "tier", SD_F_TIER, REQ(tier) },
	{ "key", SD_F_KEY, REQ(key) },
};

sd_error *cmd_new(struct sd_ctx *ctx, struct sd_args *args)
{
	char *title = NULL, *text = NULL;
	const char *author;
	struct sd_intake_result res = { 0 };
	int given;
	sd_error *err = NULL;

	if (args->pos.n > 1) {
		err = sd_error_invalid("too many arguments; quote the title: sd new \"%s %s\"",
				       args->pos.v[0], args->pos.v[1]);
		goto done;
	}
	if ((err = sd_store_author(ctx->store, NULL, NULL, &author)))
		goto done;
	/* Check everything before touching anything. */
	if (sd_arg_str(args, "key") && !*sd_arg_str(args, "key")) {
		err = sd_error_invalid("--key needs a non-empty key");
		goto done;
	}
	for (size_t i = 0; i < sizeof(plain_fields) / sizeof(*plain_fields); i++) {
		const char *v = sd_arg_str(args, plain_fields[i].option);
		if (v && (err = sd_field_validate(plain_fields[i].field, v)))
			goto done;
	}
	const struct sd_strvec *tags = sd_arg_list(args, "tag");
	for (size_t i = 0; i < tags->n; i++)
		if ((err = sd_field_validate(SD_F_TAGS, tags->v[i])))
			goto done;
	if ((err = sd_read_message(ctx, args, "description", &text, &given)))
		goto done;
	if (args->pos.n) {
		title = sd_xstrdup(args->pos.v[0]);
	} else if (sd_arg_str(args, "key") && text) {
		title = NULL; /* only allowed when the key finds a ticket */
	} else if (ctx->stdin_tty && ctx->stdout_tty && !given) {
		if ((err = new_from_editor(ctx, &title, &text)))
			goto done;
	} else {
		err = sd_error_invalid("no title given; usage: sd new TITLE [-m TEXT]");
		goto done;
	}
	if (title && (err = sd_field_validate(SD_F_TITLE, title)))
		goto done;
	struct sd_request req = { .title = title,
				  .description = text,
				  .tags = tags,
				  .channel = "cli" };
	for (size_t i = 0; i < sizeof(plain_fields) / sizeof(*plain_fields); i++)
		*(const char **)((char *)&req + plain_fields[i].offset) =
			sd_arg_str(args, plain_fields[i].option);
	if ((err = sd_intake_open(ctx->store, &req, ctx->clock, &res)))
		goto done;
	free(ctx->pending_text);
	ctx->pending_text = NULL;
	fprintf(ctx->out, "%s\n", res.id);
	/* On a terminal, the knowledge base may already hold the answer. */
	if (ctx->stdout_tty && title) {
		struct sd_buf question = SD_BUF_INIT;
		sd_buf_printf(&question, "%s\n%s", title, text ? text : "");
		fflush(ctx->out);
		sd_kb_hint(ctx, question.data);
		sd_buf_release(&question);
	}
done:
	free(title);
	free(text);
	sd_route_outcome_release(&res.route);
	return err;
}
