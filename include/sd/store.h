/* SPDX-License-Identifier: MIT */
#ifndef SD_STORE_H
#define SD_STORE_H

/*
 * The ticket store: a git work tree with .sd/config.yaml at its top.
 *
 * Reads come from the working tree, because hand edits are a feature: a file
 * a user changed in an editor is what sd sees, validated, and committed with
 * the next change sd makes to that ticket. Every write is one commit made
 * with libgit2 that touches only the files it names, leaving whatever else
 * the user has staged or changed alone.
 */

#include <stdint.h>
#include <git2.h>
#include "sd/buf.h"
#include "sd/config.h"
#include "sd/error.h"
#include "sd/id.h"
#include "sd/ticket.h"
#include "sd/time.h"
#include "sd/util.h"

struct sd_store;

/* Open even when the config is invalid (for sd check), keeping the error
 * for sd_store_config_error; the defaults are used meanwhile. */
#define SD_STORE_LENIENT 1u

/* Finds the store containing dir (walking up like git) and opens it.
 * The caller frees *out with sd_store_free. */
sd_error *sd_store_open(struct sd_store **out, const char *dir, unsigned flags);
/* The config problem found by a lenient open, or NULL. Owned by the store. */
const sd_error *sd_store_config_error(const struct sd_store *store);
/* Makes dir a store (creating the repository if needed) and commits the
 * store's files. *created is 0 when dir already was a store. *root gets
 * the store's top directory; the caller frees it. */
sd_error *sd_store_init(const char *dir, int *created, char **root);
void sd_store_free(struct sd_store *store);

const char *sd_store_root(const struct sd_store *store); /* with trailing '/' */
git_repository *sd_store_repo(struct sd_store *store);
/* The config; not const because evaluating SLA clocks fills the
 * calendars' caches. */
struct sd_config *sd_store_config(struct sd_store *store);

/* The acting user, from SD_AUTHOR ("Name <email>") or git's user.name and
 * user.email. The strings belong to the store. */
sd_error *sd_store_author(struct sd_store *store, const char **name, const char **email,
			  const char **full);

/* "tickets/ab/abcdefghjkmn.md" for an id, written to out. */
void sd_ticket_path(struct sd_buf *out, const char *id);

/* A ticket file as lstat saw it: what the summary cache keys on. Any
 * change to the file's content changes at least one of these. */
struct sd_ticket_file {
	char id[SD_ID_LEN + 1];
	int regular; /* a regular file, not a symlink or directory */
	int64_t mtime_ns, ctime_ns, size;
	uint64_t ino;
};

/* Every ticket file in the working tree with its lstat data, sorted by id.
 * The caller frees *out. */
sd_error *sd_store_scan(struct sd_store *store, struct sd_ticket_file **out, size_t *n);
/* Where sd keeps files of its own that are never committed:
 * "<git dir>/sd/NAME", written to out. */
void sd_store_private_path(struct sd_store *store, const char *name, struct sd_buf *out);

/* Every ticket id in the working tree, sorted. */
sd_error *sd_store_list_ids(struct sd_store *store, struct sd_strvec *out);
/* Resolves a unique prefix to a full id (SD_ID_LEN + 1 bytes). A prefix
 * shorter than SD_SHORT_ID_MIN, or an unknown or ambiguous one, is an error
 * (status 2); an ambiguous one names the candidate ids, with their titles
 * only when the output is a terminal (sd_store_set_terminal) and the work
 * tree belongs to the user running sd. */
sd_error *sd_store_resolve(struct sd_store *store, char out[SD_ID_LEN + 1], const char *prefix);
/* Says whether sd's output goes to a terminal (see sd_store_resolve). */
void sd_store_set_terminal(struct sd_store *store, int terminal);
/* Long work in the store (a cold rebuild of the cache, the files of a
 * large commit) reports how far it is through fn, which shows it; NULL
 * (the default) reports nothing. done == total ends a stage. */
typedef void sd_store_progress_fn(void *arg, const char *what, uint64_t done, uint64_t total);
void sd_store_set_progress(struct sd_store *store, sd_store_progress_fn *fn, void *arg);
/* 1 when the store has a progress function (git runs with --progress). */
int sd_store_progress_on(const struct sd_store *store);
/* Reports through the store's progress function, if any. */
void sd_store_progress(struct sd_store *store, const char *what, uint64_t done, uint64_t total);
/* The shortest unique prefix of id among the ids in out-of-band list ids
 * (sorted, as from sd_store_list_ids), written to out. */
void sd_store_short_id(char out[SD_ID_LEN + 1], const char *id, const struct sd_strvec *ids);
/* Same, reading only the ticket's shard (cheap: used for commit messages). */
sd_error *sd_store_short_id_for(struct sd_store *store, char out[SD_ID_LEN + 1], const char *id);

/* Reads and parses a ticket from the working tree. The file's bytes are
 * kept in raw when raw is not NULL. */
sd_error *sd_store_read(struct sd_store *store, const char *id, struct sd_ticket *out,
			struct sd_buf *raw);

/* A file to write in one commit. */
struct sd_change {
	const char *path;    /* relative to the store root */
	const char *content; /* full new content */
	size_t len;
};

/* Writes the files to the working tree and commits exactly them, on top of
 * HEAD, updating the index entries for those paths only. */
sd_error *sd_store_commit(struct sd_store *store, const struct sd_change *changes, size_t n,
			  const char *message);

/* A run of many commits made cheap (sd mail --mbox: one commit per
 * message). Between begin and end the store's lock is held, so other sd
 * processes wait rather than see half a run. Each sd_store_commit is still
 * one commit of its own, and writes its files to the work tree at once
 * (readers see the run's state), but its objects go to one pack kept in
 * memory (trees as deltas of their last version), and the branch, its
 * reflog and the index move only at a checkpoint: sd_store_batch_flush,
 * and sd_store_batch_end, which flushes and ends the run. A commit is
 * durable (reachable from the branch) only once a checkpoint after it has
 * returned; until then the journal names every file the run wrote, so a
 * kill puts the work tree back as it was at the last checkpoint. A failed
 * checkpoint does the same at once and returns the error. */
sd_error *sd_store_batch_begin(struct sd_store *store);
/* Commits made since the last checkpoint. */
size_t sd_store_batch_pending(const struct sd_store *store);
sd_error *sd_store_batch_flush(struct sd_store *store);
sd_error *sd_store_batch_end(struct sd_store *store);

/* Points the index entries of paths (sorted or not, no duplicates) at
 * ids, with the stat data of the files now in the work tree, leaving
 * every other entry alone, as git add would. */
sd_error *sd_store_update_index(struct sd_store *store, const char *const *paths,
				const git_oid *ids, size_t n);
/* A problem after a change landed (committed, but the index could not be
 * updated): not an error, since retrying would make the change twice, but
 * worth telling. The store keeps the first; the caller takes it (NULL if
 * none) and reports it. */
void sd_store_warn(struct sd_store *store, sd_error *warning);
sd_error *sd_store_take_warning(struct sd_store *store);

/* The commit journal: before writing the files of a commit (or a merge)
 * into the work tree, name each path with its new blob id and the id of
 * what the work tree held (zero: no file; the blob must exist); after
 * updating their index entries, remove it. The next sd to take the lock
 * after one was killed points the index entries that HEAD holds at them,
 * and puts back the files of a commit that was never made, if they still
 * hold what was written. */
void sd_store_journal_write(struct sd_store *store, const char *const *paths, const git_oid *ids,
			    const git_oid *old_ids, size_t n);
void sd_store_journal_remove(struct sd_store *store);
/* The last step of a journaled change whose branch has moved: points the
 * index entries of paths at ids and removes the journal. If the index
 * cannot be updated (another git holds index.lock) the change has still
 * landed, so that is a warning (see sd_store_warn) naming what (such as
 * "committed"), and the journal stays for the next sd. */
void sd_store_finish_index(struct sd_store *store, const char *const *paths, const git_oid *ids,
			   size_t n, const char *what);
/* Writes a file of the work tree (path relative to the store root)
 * through a temporary file and rename, making its directory if needed;
 * not synced, so only for content that is also in a commit. */
sd_error *sd_store_write_file(struct sd_store *store, const char *path, const void *data,
			      size_t len);

/* Serialises the ticket as it is (the caller sets `updated`) and commits it with message
 * "sd: VERB SHORT "TITLE"". */
sd_error *sd_store_save_ticket(struct sd_store *store, const struct sd_ticket *t, const char *verb);

/* Serialises the n tickets as they are and commits them together, in one
 * commit (a link changes both of its tickets at once): the message is
 * "sd: VERB SHORT "TITLE"" for the first ticket, with a line for each of
 * the others in its body. Every size check passes before anything is
 * written; the lock is taken as sd_store_commit takes it. */
sd_error *sd_store_save_tickets(struct sd_store *store, const struct sd_ticket *const *t, size_t n,
				const char *verb);

/* The line of .gitattributes that routes ticket files to sd's merge. */
#define SD_MERGE_ATTRIBUTE "tickets/**/*.md merge=sd"

/* Registers (or repairs) the merge driver in the repository's config, so
 * that git merge and git pull merge tickets as sd does. sd_store_open
 * calls it, which is how a fresh clone gets it. */
sd_error *sd_store_register_merge(struct sd_store *store);

/* Holds .git/sd.lock so that two sd processes never write at once; waits a
 * bounded time. sd_store_commit takes it itself; a command that reads,
 * changes and writes a ticket takes it around all three. Re-entrant. */
sd_error *sd_store_lock(struct sd_store *store);
void sd_store_unlock(struct sd_store *store);
/* Releases the lock however deep it was taken: for a process that lives
 * on after a write (sd serve), since a write keeps it until the store is
 * closed. */
void sd_store_unlock_all(struct sd_store *store);

#endif
