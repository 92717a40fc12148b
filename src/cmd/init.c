/* SPDX-License-Identifier: MIT */
/* sd init [DIR]: make a directory a ticket store. */

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

const struct sd_option init_options[] = { { SD_OPT_END, 0, NULL, NULL, NULL } };

sd_error *cmd_init(struct sd_ctx *ctx, struct sd_args *args)
{
	if (args->pos.n > 1)
		return sd_error_invalid("too many arguments; usage: sd init [DIR]");
	const char *dir = args->pos.n ? args->pos.v[0] : ctx->dir;
	struct sd_buf path = SD_BUF_INIT;
	/* "sd -C a init b" makes a/b, as git does. */
	if (args->pos.n && dir[0] != '/' && ctx->dir[0] && strcmp(ctx->dir, "."))
		sd_buf_printf(&path, "%s/%s", ctx->dir, dir);
	else
		sd_buf_adds(&path, dir);
	int created;
	char *root = NULL;
	sd_error *err = sd_store_init(path.data, &created, &root);
	if (!err) {
		struct sd_buf shown = SD_BUF_INIT;
		sd_put_line(&shown, root);
		if (created)
			fprintf(ctx->out, "Initialized sd store in %s\n", shown.data);
		else
			fprintf(ctx->out, "%s is already an sd store; nothing to do\n", shown.data);
		sd_buf_release(&shown);
	}
	free(root);
	sd_buf_release(&path);
	return err;
}
