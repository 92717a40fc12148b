/* SPDX-License-Identifier: MIT */
#ifndef SD_PATH_H
#define SD_PATH_H

/*
 * Paths inside a store, checked before sd writes, reads or records them.
 * A tree that arrives by a pull is somebody else's work: git itself
 * refuses to check out a path such as tickets/../../x or .git/config, but
 * sd writes ticket files without git's checkout, so it must refuse such
 * paths itself, as git's verify_path does, and more strictly where it
 * knows the layout (tickets/XX/ID.md).
 *
 * Every function here returns either NULL (the path is fine) or a static
 * phrase saying what is wrong with it, for a message such as
 * "'tickets/../x': a '..' component leads out of its directory"; the
 * caller frees nothing.
 */

#include <stddef.h>

#include <git2.h>

#include "sd/error.h"

/* Why name[0..len) cannot be one component of a path: empty, "." or ".."
 * (also with trailing dots or spaces, which Windows drops), ".git" in any
 * case (also as NTFS reads ".git. ", ".git::$INDEX_ALLOCATION" and the
 * short name "git~1", and as HFS+ reads it with ignorable Unicode code
 * points), or holding a '/', a '\' or a NUL. */
const char *sd_path_component_problem(const char *name, size_t len);

/* Why path cannot be a path in a store's tree: not relative, an empty
 * component (a leading, doubled or trailing '/'), or a component that
 * sd_path_component_problem refuses. */
const char *sd_path_problem(const char *path);

/* 1 when path is exactly tickets/XX/ID.md, ID a valid ticket id and XX its
 * first two characters. */
int sd_path_is_ticket(const char *path);

/* 1 when path is exactly kb/SLUG.md, SLUG a valid article slug
 * (sd_kb_slug_valid): a knowledge-base article. */
int sd_path_is_article(const char *path);

/* 1 when path is an attachment of a ticket, tickets/XX/ID/files/NAME, NAME
 * a plain name (no leading dot, no control characters, valid UTF-8). */
int sd_path_is_attachment(const char *path);

/* Why an entry of the given git file mode (GIT_FILEMODE_*) cannot be at
 * path in a store: sd_path_problem, and the layout sd keeps. tickets
 * and .sd are directories; under tickets/ there are only .gitkeep, shard
 * directories XX, ticket files XX/ID.md and attachment directories
 * XX/ID/files/, never a symlink or a submodule; nothing under .sd/ is a
 * symlink or a submodule, nor is a .gitattributes, .gitignore or
 * .gitmodules anywhere. Under kb/ there are only .gitkeep and article
 * files kb/SLUG.md. */
const char *sd_path_entry_problem(const char *path, unsigned mode);

/* An error (exit status 2) saying that path, shown inert (it may be
 * anybody's text), is refused for why. */
sd_error *sd_path_refused(const char *path, const char *why);

/* Checks every entry of tree that old (NULL: none) does not hold
 * identically, with sd_path_entry_problem, descending only into the
 * subtrees that differ, so a pull costs what it changes. Also refuses a
 * tree whose entries are out of git's order or repeated. On the first bad
 * entry returns its reason and sets *bad_path to its path (malloc'd, the
 * caller frees it); NULL when all is well. A tree that cannot be read is
 * a reason too. */
const char *sd_path_check_tree(git_repository *repo, const git_tree *tree, const git_tree *old,
			       char **bad_path);

/* Checks what a pull would bring in: the tree of the commit `theirs`
 * against `ours` (the tree of HEAD). On a bad entry, the error (exit
 * status 2) names the path, inert, its reason and the commit that
 * brought it in (the first one after ours whose tree has it), and says
 * that nothing was changed. where names the ref for the message, such as
 * "origin/main". */
sd_error *sd_path_check_incoming(git_repository *repo, const git_commit *theirs,
				 const git_commit *ours, const char *where);

#endif
