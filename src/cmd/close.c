/* sd close ID: the requester is done with it. */

#include "cmd/cmd.h"

const struct sd_option close_options[] = {
	{ SD_OPT_STRING, 'm', "message", "REASON", "why it is closed" },
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

sd_error *cmd_close(struct sd_ctx *ctx, struct sd_args *args)
{
	if (args->pos.n != 1)
		return sd_error_invalid("usage: sd close ID [-m REASON]");
	return sd_change_status(ctx, args->pos.v[0], "closed", sd_arg_str(args, "message"), "close");
}
