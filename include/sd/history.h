/* SPDX-License-Identifier: MIT */
#ifndef SD_HISTORY_H
#define SD_HISTORY_H

/*
 * Walking the commits reachable from one, also in a shallow clone. libgit2
 * 1.5 knows nothing of shallow clones: its walk fails on the missing
 * parents at the boundary and loses the commits there. In a shallow clone
 * the walk is done here instead, the missing parents ending it (a linear
 * search of the commits seen: shallow histories are short); elsewhere it
 * is libgit2's, in its order.
 */

#include <git2.h>

#include "sd/error.h"

struct sd_history;

/* A walk from start, or from HEAD when start is NULL; *out is NULL, and
 * no error, when there is no commit to start from (an unborn branch). */
sd_error *sd_history_open(struct sd_history **out, git_repository *repo, const git_oid *start);
/* Sets *more and id to the next commit, or *more to 0 at the end. */
sd_error *sd_history_next(struct sd_history *h, git_oid *id, int *more);
void sd_history_free(struct sd_history *h);

/* Whether anc is desc or one of its ancestors. */
int sd_history_reaches(git_repository *repo, const git_oid *desc, const git_oid *anc);

#endif
