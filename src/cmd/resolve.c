/* SPDX-License-Identifier: MIT */
/* sd resolve ID -m RESOLUTION: the fix is in; the resolution is recorded. */

#include "cmd/cmd.h"

const struct sd_option resolve_options[] = {
	{ SD_OPT_STRING, 'm', "message", "RESOLUTION", "what fixed it (required)" },
	{ SD_OPT_STRING, 0, "kb", "SLUG", "the knowledge-base article that solved it" },
	{ SD_OPT_BOOL, 0, "incidents", NULL, "a problem: resolve its open linked incidents too" },
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

sd_error *cmd_resolve(struct sd_ctx *ctx, struct sd_args *args)
{
	const char *resolution = sd_arg_str(args, "message");
	sd_error *count_err = sd_args_count(args, 1, 1, ctx->cmd->usage);
	if (count_err)
		return count_err;
	if (!resolution || !*resolution)
		return sd_error_invalid("say how it was resolved: sd resolve %s -m RESOLUTION",
					args->pos.v[0]);
	if (sd_arg_flag(args, "incidents") && sd_arg_str(args, "kb"))
		return sd_error_invalid(
			"--incidents and --kb cannot be used together: resolve the "
			"problem with --kb first, then its incidents with --incidents");
	if (sd_arg_flag(args, "incidents"))
		return sd_resolve_incidents(ctx, args->pos.v[0], resolution);
	if (sd_arg_str(args, "kb"))
		return sd_kb_resolve(ctx, args->pos.v[0], resolution, sd_arg_str(args, "kb"));
	return sd_change_status(ctx, args->pos.v[0], "resolved", resolution, "resolve");
}
