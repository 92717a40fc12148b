/* SPDX-License-Identifier: MIT */
/* sd push [REMOTE]: send this branch with git. */

#include <string.h>

#include "cmd/cmd.h"
#include "sd/sync.h"

const struct sd_option push_options[] = { { SD_OPT_END, 0, NULL, NULL, NULL } };

sd_error *sd_push(struct sd_ctx *ctx, const struct sd_sync_target *t, int *rejected)
{
	struct sd_buf output = SD_BUF_INIT, line = SD_BUF_INIT, refspec = SD_BUF_INIT;
	sd_buf_printf(&refspec, "HEAD:refs/heads/%s", t->branch);
	const char *quiet = sd_store_progress_on(ctx->store) ? "--progress" : "--quiet";
	const char *args[] = { "push", quiet, "--porcelain", t->remote, refspec.data, NULL };
	sd_error *err = sd_git_run(ctx->store, args, &output);
	*rejected = 0;
	if (err) {
		sd_error_free(err);
		*rejected = strstr(output.data, "[rejected]") ||
			strstr(output.data, "non-fast-forward") ||
			strstr(output.data, "fetch first");
		sd_git_last_line(&line, &output);
		err = *rejected ? sd_error_fatal("%s has changes this clone does not have yet; run "
						 "'sd sync' to merge them first",
						 t->remote)
				: sd_error_fatal("cannot push to %s: %s", t->remote,
						 line.len ? line.data : "git push failed");
	}
	sd_buf_release(&output);
	sd_buf_release(&line);
	sd_buf_release(&refspec);
	return err;
}

sd_error *cmd_push(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_sync_target t;
	int rejected;
	sd_error *err = sd_args_count(args, 0, 1, ctx->cmd->usage);
	if (err || (err = sd_sync_target(ctx->store, args->pos.n ? args->pos.v[0] : NULL, &t)))
		return err;
	size_t sent = sd_sync_outgoing(ctx->store, t.tracking);
	if (!(err = sd_push(ctx, &t, &rejected)))
		fprintf(ctx->out, "sent %zu ticket%s\n", sent, sent == 1 ? "" : "s");
	sd_sync_target_release(&t);
	return err;
}
