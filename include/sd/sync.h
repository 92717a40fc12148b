/* SPDX-License-Identifier: MIT */
#ifndef SD_SYNC_H
#define SD_SYNC_H

/*
 * Syncing a store with a remote. The network goes through the user's own
 * git (fetch, push), so ssh configs, agents, credential helpers and
 * proxies work as they do for the user; everything local is libgit2.
 */

#include "sd/store.h"

struct sd_sync_target {
	char *remote;	/* "origin" */
	char *branch;	/* the local branch, "main" */
	char *tracking; /* "refs/remotes/origin/main", or refs/sd/sync/main for a URL */
	int url;	/* remote is a path or URL, not a configured remote */
};

struct sd_sync_stats {
	size_t received;   /* tickets the other side changed (since the merge base) */
	size_t merged;	   /* tickets changed on both sides, merged by meaning */
	size_t rebalanced; /* tickets moved to even out the queues afterwards */
};

/* Runs `git -C ROOT ARGS...` (argv, no shell, no prompts), collecting
 * its output; an error when it fails. git's progress lines (with
 * --progress) are reported through the store's progress function
 * (sd_store_set_progress): the stage and its numbers only. */
sd_error *sd_git_run(struct sd_store *store, const char *const *args, struct sd_buf *output);
/* The last line of git's output, inert. */
void sd_git_last_line(struct sd_buf *out, const struct sd_buf *output);

/* The remote (REMOTE, else the branch's upstream, else origin) and the
 * branches to sync. Release with sd_sync_target_release. */
sd_error *sd_sync_target(struct sd_store *store, const char *remote, struct sd_sync_target *out);
void sd_sync_target_release(struct sd_sync_target *t);

/* Merges the fetched `tracking` ref into the current branch: a
 * fast-forward when possible, else a merge commit in which every ticket
 * changed on both sides is merged by meaning. Any other conflict, or a
 * local change the merge would overwrite, stops it with nothing changed. */
sd_error *sd_sync_merge(struct sd_store *store, const char *tracking, struct sd_sync_stats *stats);

/* Ticket files that differ between `tracking` and HEAD: what a push sends. */
size_t sd_sync_outgoing(struct sd_store *store, const char *tracking);
/* 1 when the ref exists. */
int sd_sync_has_ref(struct sd_store *store, const char *ref);

#endif
