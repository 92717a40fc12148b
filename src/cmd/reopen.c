/* SPDX-License-Identifier: MIT */
/* sd reopen ID -m REASON: it came back. */

#include <string.h>

#include "cmd/cmd.h"

const struct sd_option reopen_options[] = { { SD_OPT_STRING, 'm', "message", "REASON",
					      "why it is reopened (required)" },
					    { SD_OPT_END, 0, NULL, NULL, NULL } };

sd_error *cmd_reopen(struct sd_ctx *ctx, struct sd_args *args)
{
	const char *reason = sd_arg_str(args, "message");
	sd_error *count_err = sd_args_count(args, 1, 1, ctx->cmd->usage);
	if (count_err)
		return count_err;
	if (!reason || !*reason)
		return sd_error_invalid("say why it is reopened: sd reopen %s -m REASON",
					args->pos.v[0]);
	return sd_change_status_from(ctx, args->pos.v[0], "open", reason, "reopen", 1);
}
