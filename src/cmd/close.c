/* SPDX-License-Identifier: MIT */
/* sd close ID: the requester is done with it. */

#include "cmd/cmd.h"

const struct sd_option close_options[] = { { SD_OPT_STRING, 'm', "message", "REASON",
					     "why it is closed" },
					   { SD_OPT_END, 0, NULL, NULL, NULL } };

sd_error *cmd_close(struct sd_ctx *ctx, struct sd_args *args)
{
	sd_error *count_err = sd_args_count(args, 1, 1, ctx->cmd->usage);
	if (count_err)
		return count_err;
	return sd_change_status(ctx, args->pos.v[0], "closed", sd_arg_str(args, "message"),
				"close");
}
