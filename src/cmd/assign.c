/* SPDX-License-Identifier: MIT */
/* sd assign ID USER: who works on the ticket. */

#include <string.h>

#include "cmd/cmd.h"

const struct sd_option assign_options[] = { { SD_OPT_BOOL, 0, "me", NULL,
					      "assign to yourself (your email address)" },
					    { SD_OPT_BOOL, 0, "none", NULL, "remove the assignee" },
					    { SD_OPT_STRING, 'm', "message", "REASON", "why" },
					    { SD_OPT_END, 0, NULL, NULL, NULL } };

sd_error *cmd_assign(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_ticket t;
	const char *author, *email, *who;
	const char *reason = sd_arg_str(args, "message");
	int me = sd_arg_flag(args, "me"), none = sd_arg_flag(args, "none"), changed;
	sd_error *err;
	size_t want = me || none ? 1 : 2;
	sd_ticket_init(&t);
	if (args->pos.n != want || (me && none)) {
		err = sd_error_invalid(
			"usage: sd assign ID USER, sd assign ID --me or sd assign ID --none");
		goto done;
	}
	if ((err = sd_store_author(ctx->store, NULL, &email, &author)))
		goto done;
	who = me ? email : none ? "" : args->pos.v[1];
	if (!me && !none && !*who) {
		err = sd_error_invalid("empty user; use --none to unassign");
		goto done;
	}
	if ((err = sd_field_validate(SD_F_ASSIGNEE, who)) ||
	    (reason && (err = sd_text_validate(reason, strlen(reason), "the reason"))))
		goto done;
	sd_ticket_free(&t);
	if ((err = sd_load_ticket(ctx, args->pos.v[0], &t)) ||
	    (err = sd_ticket_change(&t, SD_F_ASSIGNEE, who, author, ctx->clock, reason, &changed)))
		goto done;
	if (!changed) {
		struct sd_buf shown = SD_BUF_INIT;
		sd_put_text(&shown, who);
		fprintf(stderr, "sd: ticket %s is already %s%s; nothing changed\n", args->pos.v[0],
			*who ? "assigned to " : "unassigned", shown.data);
		sd_buf_release(&shown);
		goto done;
	}
	err = sd_save_ticket(ctx, &t, "assign");
done:
	sd_ticket_free(&t);
	return err;
}
