/* SPDX-License-Identifier: MIT */
/* sd comment ID: add a public comment or an internal note. */

#include <stdlib.h>

#include "cmd/cmd.h"

const struct sd_option comment_options[] = {
	{ SD_OPT_STRING, 'm', "message", "TEXT", "the comment" },
	{ SD_OPT_STRING, 'F', "file", "FILE", "read the comment from FILE (- for standard input)" },
	{ SD_OPT_BOOL, 0, "internal", NULL, "an internal note, not shown to the requester" },
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

/* Gets the comment from the editor when none was given on a terminal. */
static sd_error *comment_from_editor(struct sd_ctx *ctx, char **text)
{
	struct sd_buf buf = SD_BUF_INIT;
	sd_error *err = sd_text_from_editor(ctx, "COMMENT.md", "", SD_TEXT_MAX_BYTES + 1, &buf);
	if (!err && !(err = sd_text_validate(buf.data, buf.len, "the comment")))
		*text = sd_text_trim_lines(buf.data);
	sd_buf_release(&buf);
	return err;
}

sd_error *cmd_comment(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_ticket t;
	char *text = NULL;
	const char *author;
	int given;
	sd_error *err;
	sd_ticket_init(&t);
	if ((err = sd_args_count(args, 1, 1, ctx->cmd->usage)))
		goto done;
	if ((err = sd_read_message(ctx, args, "comment", &text, &given)))
		goto done;
	if (!given) {
		if (!ctx->stdin_tty || !ctx->stdout_tty) {
			err = sd_error_invalid("no comment given; use -m TEXT or -F FILE");
			goto done;
		}
	}
	sd_ticket_free(&t);
	if ((err = sd_load_ticket(ctx, args->pos.v[0], &t)))
		goto done;
	if (!given && (err = comment_from_editor(ctx, &text)))
		goto done;
	if (!*text) {
		err = sd_error_invalid("empty comment; nothing was added");
		goto done;
	}
	if ((err = sd_store_author(ctx->store, NULL, NULL, &author)) ||
	    (err = sd_ticket_add_comment(&t, author, ctx->clock, sd_arg_flag(args, "internal"),
					 text)) ||
	    (err = sd_save_ticket(ctx, &t, "comment")))
		goto done;
done:
	free(text);
	sd_ticket_free(&t);
	return err;
}
