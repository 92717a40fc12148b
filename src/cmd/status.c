/* SPDX-License-Identifier: MIT */
/* sd status ID STATUS: move a ticket through its life. */

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

const struct sd_option status_options[] = { { SD_OPT_STRING, 'm', "message", "REASON",
					      "why the status changes" },
					    { SD_OPT_END, 0, NULL, NULL, NULL } };

sd_error *sd_change_status(struct sd_ctx *ctx, const char *prefix, const char *status,
			   const char *reason, const char *verb)
{
	return sd_change_status_from(ctx, prefix, status, reason, verb, 0);
}

sd_error *sd_change_status_from(struct sd_ctx *ctx, const char *prefix, const char *status,
				const char *reason, const char *verb, int only_from_done)
{
	struct sd_ticket t;
	const char *author;
	int changed;
	sd_error *err;
	if ((err = sd_field_validate(SD_F_STATUS, status)))
		return err;
	if (reason && (err = sd_text_validate(reason, strlen(reason), "the reason")))
		return err;
	if ((err = sd_load_ticket(ctx, prefix, &t)))
		goto done;
	if (only_from_done && !sd_status_is_done(sd_ticket_get(&t, SD_F_STATUS))) {
		err = sd_error_invalid("ticket %s is %s, not resolved, closed or cancelled; "
				       "use 'sd status %s STATUS' to move it",
				       prefix, sd_ticket_get(&t, SD_F_STATUS), prefix);
		goto done;
	}
	if ((err = sd_store_author(ctx->store, NULL, NULL, &author)) ||
	    (err = sd_ticket_change(&t, SD_F_STATUS, status, author, ctx->clock, reason, &changed)))
		goto done;
	if (!changed) {
		/* Scripts may say the same thing twice; that is not an error. */
		fprintf(stderr, "sd: ticket %s is already %s; nothing changed\n", prefix, status);
		goto done;
	}
	err = sd_save_ticket(ctx, &t, verb);
done:
	sd_ticket_free(&t);
	return err;
}

sd_error *cmd_status(struct sd_ctx *ctx, struct sd_args *args)
{
	sd_error *count_err = sd_args_count(args, 2, 2, ctx->cmd->usage);
	if (count_err)
		return count_err;
	return sd_change_status(ctx, args->pos.v[0], args->pos.v[1], sd_arg_str(args, "message"),
				"status");
}
