/* SPDX-License-Identifier: MIT */
#ifndef SD_INDEX_H
#define SD_INDEX_H

/*
 * Updating a few entries of git's index without reading all of it into
 * libgit2: a commit touches one ticket, but libgit2 parses and rewrites
 * every entry, which at 100,000 tickets costs more than the rest of the
 * commit together. This editor copies the file, replacing or inserting
 * only the entries it is given, keeps the cache-tree extension with the
 * changed directories invalidated (as git does), drops the optional
 * extensions whose contents it would have to recompute, and writes the
 * result through index.lock like git.
 *
 * It handles index versions 2 and 3 without mandatory extensions (split
 * or sparse indexes); for anything else it says so and the caller uses
 * libgit2. A conflicted path's stages are replaced by the one new entry,
 * as git add does.
 */

#include <stddef.h>
#include <sys/stat.h>

#include "sd/error.h"

struct sd_index_update {
	const char *path;      /* relative to the work tree, '/'-separated */
	unsigned char oid[20]; /* the blob's SHA-1 */
	struct stat st;	       /* of the file in the work tree */
};

/* Applies the updates (sorted by path, no duplicates) to the index at
 * index_path. Returns NULL on success; *unsupported is set (and nothing
 * changed) when the index is of a kind this editor leaves to libgit2. */
sd_error *sd_index_update(const char *index_path, const struct sd_index_update *updates, size_t n,
			  int *unsupported);

#endif
