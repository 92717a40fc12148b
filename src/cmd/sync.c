/* SPDX-License-Identifier: MIT */
/* sd sync [REMOTE]: pull, then push; if the remote moved on meanwhile,
 * pull and push again, a bounded number of times. */

#include "cmd/cmd.h"
#include "sd/sync.h"

#define SYNC_TRIES 5

const struct sd_option sync_options[] = { { SD_OPT_END, 0, NULL, NULL, NULL } };

sd_error *cmd_sync(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_sync_target t;
	struct sd_sync_stats total = { 0, 0, 0 };
	size_t sent = 0;
	sd_error *err = sd_args_count(args, 0, 1, ctx->cmd->usage);
	if (err || (err = sd_sync_target(ctx->store, args->pos.n ? args->pos.v[0] : NULL, &t)))
		return err;
	for (int attempt = 1;; attempt++) {
		struct sd_sync_stats stats = { 0, 0, 0 };
		int rejected = 0;
		if ((err = sd_pull(ctx, &t, &stats)))
			break;
		total.received += stats.received;
		total.merged += stats.merged;
		total.rebalanced += stats.rebalanced;
		sent = sd_sync_outgoing(ctx->store, t.tracking);
		if (!sent && sd_sync_has_ref(ctx->store, t.tracking))
			break; /* nothing to send */
		err = sd_push(ctx, &t, &rejected);
		if (!err || !rejected)
			break;
		if (attempt == SYNC_TRIES) {
			sd_error_free(err);
			err = sd_error_fatal("%s kept moving while syncing (%d tries); nothing is lost, "
					     "run 'sd sync' again",
					     t.remote, SYNC_TRIES);
			break;
		}
		sd_error_free(err);
		err = NULL;
	}
	if (!err)
		fprintf(ctx->out, "received %zu ticket%s, sent %zu, merged %zu\n", total.received,
			total.received == 1 ? "" : "s", sent, total.merged);
	if (!err)
		sd_put_rebalanced(ctx, total.rebalanced);
	sd_sync_target_release(&t);
	return err;
}
