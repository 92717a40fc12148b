/* SPDX-License-Identifier: MIT */
/* sd pull [REMOTE]: fetch with git, merge tickets by meaning. */

#include "cmd/cmd.h"
#include "sd/intake.h"
#include "sd/sync.h"

const struct sd_option pull_options[] = { { SD_OPT_END, 0, NULL, NULL, NULL } };

sd_error *sd_fetch(struct sd_ctx *ctx, const struct sd_sync_target *t)
{
	struct sd_buf output = SD_BUF_INIT, line = SD_BUF_INIT, refspec = SD_BUF_INIT;
	sd_buf_printf(&refspec, "+refs/heads/%s:%s", t->branch, t->tracking);
	/* A configured remote fetches by its own refspecs; a bare URL only
	 * the branch being synced. */
	/* With progress on, git's own is passed through (sd_git_run). */
	const char *quiet = sd_store_progress_on(ctx->store) ? "--progress" : "--quiet";
	const char *args[] = { "fetch", quiet, t->remote, t->url ? refspec.data : NULL, NULL };
	sd_error *err = sd_git_run(ctx->store, args, &output);
	if (err) {
		sd_error_free(err);
		sd_git_last_line(&line, &output);
		err = sd_error_fatal("cannot fetch from %s: %s; nothing was changed, work on offline "
				     "and sync later",
				     t->remote, line.len ? line.data : "git fetch failed");
	}
	sd_buf_release(&output);
	sd_buf_release(&line);
	sd_buf_release(&refspec);
	return err;
}

sd_error *sd_pull(struct sd_ctx *ctx, const struct sd_sync_target *t, struct sd_sync_stats *stats)
{
	sd_error *err = sd_fetch(ctx, t);
	if (err)
		return err;
	if (!sd_sync_has_ref(ctx->store, t->tracking)) {
		stats->received = stats->merged = stats->rebalanced = 0;
		return NULL; /* the remote has no such branch yet */
	}
	const char *author;
	stats->rebalanced = 0;
	if ((err = sd_sync_merge(ctx->store, t->tracking, stats)) || !stats->received)
		return err;
	/* Clones that routed offline chose from the same history, so their
	 * choices add up unevenly: even the queues out now that both are here. */
	if (!(err = sd_store_author(ctx->store, NULL, NULL, &author)))
		err = sd_rebalance_store(ctx->store, author, ctx->clock, &stats->rebalanced);
	return err;
}

/* "rebalanced N tickets ...", when any were. */
void sd_put_rebalanced(struct sd_ctx *ctx, size_t n)
{
	if (n)
		fprintf(ctx->out, "rebalanced %zu ticket%s among the agents of their queues\n", n,
			n == 1 ? "" : "s");
}

sd_error *cmd_pull(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_sync_target t;
	struct sd_sync_stats stats = { 0, 0, 0 };
	sd_error *err = sd_args_count(args, 0, 1, ctx->cmd->usage);
	if (err || (err = sd_sync_target(ctx->store, args->pos.n ? args->pos.v[0] : NULL, &t)))
		return err;
	if (!(err = sd_pull(ctx, &t, &stats)))
		fprintf(ctx->out, "received %zu ticket%s, merged %zu\n", stats.received,
			stats.received == 1 ? "" : "s", stats.merged);
	if (!err)
		sd_put_rebalanced(ctx, stats.rebalanced);
	sd_sync_target_release(&t);
	return err;
}
