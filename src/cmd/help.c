/* SPDX-License-Identifier: MIT */
/* sd help [COMMAND]. */

#include "cmd/cmd.h"

const struct sd_option help_options[] = { { SD_OPT_END, 0, NULL, NULL, NULL } };

sd_error *cmd_help(struct sd_ctx *ctx, struct sd_args *args)
{
	sd_error *count_err = sd_args_count(args, 0, 1, ctx->cmd->usage);
	if (count_err)
		return count_err;
	sd_pager_start(ctx);
	if (!args->pos.n) {
		sd_main_usage(ctx->out);
		return NULL;
	}
	const struct sd_command *cmd = sd_command_lookup(args->pos.v[0]);
	if (!cmd || (cmd->flags & SD_HIDDEN))
		return sd_error_invalid("no such command '%s'; see 'sd help'", args->pos.v[0]);
	sd_command_usage(ctx->out, cmd);
	fprintf(ctx->out, "\nThe manual has the details: man sd-%s\n", cmd->name);
	return NULL;
}
