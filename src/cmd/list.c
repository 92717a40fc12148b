/* SPDX-License-Identifier: MIT */
/* sd list: the tickets that match the filters, most urgent first. */

#include "cmd/cmd.h"

sd_error *cmd_list(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_filter *filter = NULL;
	struct sd_rows rows = { 0 };
	sd_error *err;
	if (args->pos.n)
		return sd_error_invalid("'sd list' takes no arguments, only options; did you mean "
					"'sd show %s' or 'sd search %s'?",
					args->pos.v[0], args->pos.v[0]);
	if ((err = sd_filter_new(&filter, ctx, args, 0)) ||
	    (err = sd_rows_load(ctx, &rows, filter)))
		goto done;
	sd_rows_report(ctx, &rows);
	/* A script asking for its key learns from the status whether a
	 * ticket exists. */
	if (!rows.n && sd_arg_str(args, "key"))
		ctx->exit_status = SD_EXIT_FOUND_NOTHING;
	if ((err = sd_rows_sort(&rows, sd_arg_str(args, "sort"))))
		goto done;
	if (!sd_arg_flag(args, "json") && !sd_arg_str(args, "format"))
		sd_pager_start(ctx);
	err = sd_rows_print(ctx, &rows, args);
done:
	sd_rows_free(&rows);
	sd_filter_free(filter);
	return err;
}
