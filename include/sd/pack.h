/* SPDX-License-Identifier: MIT */
#ifndef SD_PACK_H
#define SD_PACK_H

/*
 * Writing many new objects as one git pack, for a commit of thousands of
 * tickets (sd import). Loose objects cost a file each; libgit2's in-memory
 * backend packs them only after searching for deltas, which is most of an
 * import's time. This writer deflates each object once, without deltas,
 * and writes the pack and its version 2 index (git's
 * Documentation/gitformat-pack.txt); git gc finds the deltas later.
 *
 * The index is written last, by rename: until it exists git does not see
 * the pack, so a writer killed half way leaves only a temporary file.
 */

#include <stddef.h>

#include <git2.h>

#include "sd/error.h"
#include "sd/store.h"

/* Object types as a pack numbers them. */
enum sd_pack_type { SD_PACK_COMMIT = 1, SD_PACK_TREE = 2, SD_PACK_BLOB = 3 };

struct sd_pack_writer;

/* Starts a pack to be written into pack_dir (".git/objects/pack"). */
struct sd_pack_writer *sd_pack_new(const char *pack_dir);
/* Adds an object, giving its id in oid. The same object twice is kept
 * once. */
void sd_pack_add(struct sd_pack_writer *w, enum sd_pack_type type, const void *data, size_t len,
		 unsigned char oid[20]);
/* Writes the pack and its index; with no objects, writes nothing. Frees w
 * either way. */
sd_error *sd_pack_finish(struct sd_pack_writer *w);
/* Abandons the pack, writing nothing. */
void sd_pack_free(struct sd_pack_writer *w);

/* Makes a commit of many ticket files (paths "tickets/XX/ID.md") on top of
 * parent (NULL: the first commit) as one pack: the blobs, the trees along
 * their paths and the commit. Does not move any ref. blob_ids[i] gets the
 * id of changes[i]. *unsupported is set, and nothing written, when a path
 * is not a ticket's: the caller then commits the usual way. */
sd_error *sd_pack_commit(git_repository *repo, const git_commit *parent,
			 const struct sd_change *changes, size_t n, const git_signature *sig,
			 const char *message, git_oid *blob_ids, git_oid *commit_id,
			 int *unsupported);

/* A commit object of tree on top of parent (NULL: none), by sig for both
 * author and committer, added to w; its id in out. */
void sd_pack_add_commit(struct sd_pack_writer *w, const git_oid *tree, const git_oid *parent,
			const git_signature *sig, const char *message, git_oid *out);

/* A tree changed commit after commit, as a run of commits makes them
 * (sd_store_batch_begin): the trees along changed paths are read from the
 * repository once and kept; each version written goes to a pack writer,
 * a large tree as a delta against its version before, since one commit
 * changes an entry or two of a thousand. Owned by the caller: free it with
 * sd_pack_tree_free. */
struct sd_pack_tree;
/* Starts from the tree base (NULL: the empty tree). */
struct sd_pack_tree *sd_pack_tree_new(git_repository *repo, const git_oid *base);
/* Points path (a file, mode 100644) at blob, making the trees along it. */
sd_error *sd_pack_tree_set(struct sd_pack_tree *t, const char *path, const git_oid *blob);
/* Adds every tree changed since the last write to w; the root's id in
 * root. */
void sd_pack_tree_write(struct sd_pack_tree *t, struct sd_pack_writer *w, git_oid *root);
void sd_pack_tree_free(struct sd_pack_tree *t);

#endif
