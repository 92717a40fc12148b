/* SPDX-License-Identifier: MIT */
/* Sync: the network through the user's own git, everything local through
 * libgit2, and ticket files merged by their meaning. */

#define _GNU_SOURCE /* pipe2, mkostemp: descriptors closed on exec */

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sd/history.h"
#include "sd/id.h"
#include "sd/kb.h"
#include "sd/merge.h"
#include "sd/path.h"
#include "sd/sha1.h"
#include "sd/sync.h"
#include "sd/text.h"

/* ---- running git ---- */

/* One segment of git's output (between two \r or \n): when it is a
 * progress line, "Receiving objects:  45% (450/1000), 1.2 MiB", the
 * stage and the numbers go to the store's progress function. Only those
 * are taken, letters and digits, so nothing a remote sends ("remote: ...")
 * reaches the terminal as it is. */
static void git_progress(struct sd_store *s, const char *seg, size_t len)
{
	char what[48];
	size_t i = 0, n = 0;
	unsigned long long done = 0, total = 0;
	if (len >= 8 && !memcmp(seg, "remote: ", 8))
		i = 8;
	while (i < len && n + 1 < sizeof(what) &&
	       ((seg[i] >= 'A' && seg[i] <= 'Z') || (seg[i] >= 'a' && seg[i] <= 'z') ||
		seg[i] == ' '))
		what[n++] = seg[i++];
	what[n] = '\0';
	if (!n || i >= len || seg[i] != ':')
		return;
	i++;
	while (i < len && seg[i] == ' ')
		i++;
	while (i < len && seg[i] >= '0' && seg[i] <= '9')
		i++;
	if (i + 2 >= len || seg[i] != '%' || seg[i + 1] != ' ' || seg[i + 2] != '(')
		return;
	i += 3;
	for (; i < len && seg[i] >= '0' && seg[i] <= '9' && done < (1ull << 60); i++)
		done = done * 10 + (unsigned)(seg[i] - '0');
	if (i >= len || seg[i] != '/')
		return;
	for (i++; i < len && seg[i] >= '0' && seg[i] <= '9' && total < (1ull << 60); i++)
		total = total * 10 + (unsigned)(seg[i] - '0');
	if (i >= len || seg[i] != ')' || !total)
		return;
	sd_store_progress(s, what, done, total);
}

sd_error *sd_git_run(struct sd_store *s, const char *const *args, struct sd_buf *output)
{
	struct sd_strvec argv = SD_STRVEC_INIT;
	int fds[2];
	sd_strvec_push(&argv, "git");
	sd_strvec_push(&argv, "-C");
	sd_strvec_push(&argv, sd_store_root(s));
	for (size_t i = 0; args[i]; i++)
		sd_strvec_push(&argv, args[i]);
	if (pipe2(fds, O_CLOEXEC) < 0) {
		sd_strvec_clear(&argv);
		return sd_error_errno("pipe");
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		sd_strvec_clear(&argv);
		return sd_error_errno("fork");
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		/* Never wait for a password prompt: fail fast, as offline. */
		setenv("GIT_TERMINAL_PROMPT", "0", 1);
		execvp("git", argv.v);
		fprintf(stderr, "cannot run git: %s\n", strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	char buf[4096];
	ssize_t n;
	struct sd_buf seg = SD_BUF_INIT;
	while ((n = read(fds[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
		if (n > 0 && output)
			sd_buf_add(output, buf, (size_t)n);
		for (ssize_t k = 0; k < n; k++) {
			if (buf[k] == '\r' || buf[k] == '\n') {
				git_progress(s, seg.data, seg.len);
				sd_buf_reset(&seg);
			} else if (seg.len < 256) {
				sd_buf_addch(&seg, buf[k]);
			}
		}
	}
	sd_buf_release(&seg);
	close(fds[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sd_strvec_clear(&argv);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return NULL;
	return sd_error_new(SD_EXIT_FATAL, "git %s failed", args[0]);
}

/* git's own one-line reason ("fatal: ..." without the prefix), else the
 * last non-empty line of its output, inert, for a one-line message. */
void sd_git_last_line(struct sd_buf *out, const struct sd_buf *output)
{
	const char *fatal = strstr(output->data, "fatal: ");
	if (!fatal)
		fatal = strstr(output->data, "error: ");
	if (fatal) {
		const char *start = fatal + 7, *nl = strchr(start, '\n');
		sd_text_inert(out, start, nl ? (size_t)(nl - start) : strlen(start), 0);
		return;
	}
	const char *end = output->data + output->len, *start;
	while (end > output->data && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		end--;
	start = end;
	while (start > output->data && start[-1] != '\n')
		start--;
	sd_text_inert(out, start, (size_t)(end - start), 0);
}

/* ---- where to sync with ---- */

void sd_sync_target_release(struct sd_sync_target *t)
{
	free(t->remote);
	free(t->branch);
	free(t->tracking);
	memset(t, 0, sizeof(*t));
}

sd_error *sd_sync_target(struct sd_store *s, const char *remote_arg, struct sd_sync_target *out)
{
	git_repository *repo = sd_store_repo(s);
	git_reference *head = NULL;
	git_buf upstream_remote = { 0 }, upstream_name = { 0 };
	sd_error *err = NULL;
	memset(out, 0, sizeof(*out));
	if (git_repository_head_unborn(repo) == 1) {
		err = sd_error_invalid("this repository has no commits yet; open a ticket (sd new) "
				       "or fetch the remote's history (git pull) first");
		goto done;
	}
	if (git_repository_head(&head, repo) < 0 || !git_reference_is_branch(head)) {
		err = sd_error_invalid(
			"HEAD is not on a branch (detached?); check out a branch to sync");
		goto done;
	}
	const char *refname = git_reference_name(head);
	out->branch = sd_xstrdup(refname + strlen("refs/heads/"));
	/* The upstream from branch.NAME.remote/merge, read directly: the
	 * git_branch_upstream_* calls leak in libgit2 1.5's regex code. */
	int have_upstream = 0;
	{
		git_config *snap = NULL;
		struct sd_buf k1 = SD_BUF_INIT, k2 = SD_BUF_INIT;
		git_buf merge = { 0 };
		sd_buf_printf(&k1, "branch.%s.remote", out->branch);
		sd_buf_printf(&k2, "branch.%s.merge", out->branch);
		if (git_repository_config_snapshot(&snap, repo) == 0 &&
		    git_config_get_string_buf(&upstream_remote, snap, k1.data) == 0 &&
		    git_config_get_string_buf(&merge, snap, k2.data) == 0 &&
		    sd_starts_with(merge.ptr, "refs/heads/")) {
			struct sd_buf name = SD_BUF_INIT;
			sd_buf_printf(&name, "refs/remotes/%s/%s", upstream_remote.ptr,
				      merge.ptr + strlen("refs/heads/"));
			git_buf_set(&upstream_name, name.data, name.len + 1);
			upstream_name.size = name.len;
			sd_buf_release(&name);
			have_upstream = 1;
		}
		git_buf_dispose(&merge);
		git_config_free(snap);
		sd_buf_release(&k1);
		sd_buf_release(&k2);
	}
	out->remote = sd_xstrdup(remote_arg		 ? remote_arg
					 : have_upstream ? upstream_remote.ptr
							 : "origin");
	/* Looked up by its url key rather than git_remote_lookup, whose
	 * regex matching leaks in libgit2 1.5. */
	git_config *cfg = NULL;
	git_buf url = { 0 };
	struct sd_buf key = SD_BUF_INIT;
	sd_buf_printf(&key, "remote.%s.url", out->remote);
	int named = git_repository_config_snapshot(&cfg, repo) == 0 &&
		git_config_get_string_buf(&url, cfg, key.data) == 0;
	git_buf_dispose(&url);
	git_config_free(cfg);
	sd_buf_release(&key);
	struct sd_buf t = SD_BUF_INIT;
	if (named && have_upstream && !strcmp(out->remote, upstream_remote.ptr)) {
		sd_buf_adds(&t, upstream_name.ptr);
	} else if (named) {
		sd_buf_printf(&t, "refs/remotes/%s/%s", out->remote, out->branch);
	} else if (strchr(out->remote, '/') || strchr(out->remote, ':')) {
		/* A path or URL without a remote of its own: its branch is
		 * fetched into a ref of sd's, so no remote-tracking branch of
		 * the user's is touched. */
		out->url = 1;
		sd_buf_printf(&t, "refs/sd/sync/%s", out->branch);
	} else {
		err = sd_error_invalid("no remote '%s'; add one with 'git remote add %s URL', or give a "
				       "path or URL",
				       out->remote, out->remote);
	}
	out->tracking = sd_buf_detach(&t);
done:
	if (err)
		sd_sync_target_release(out); /* the caller owns nothing on error */
	git_buf_dispose(&upstream_remote);
	git_buf_dispose(&upstream_name);
	git_reference_free(head);
	return err;
}

/* ---- merging ---- */

static sd_error *blob_ticket(struct sd_ticket *t, git_repository *repo, const git_oid *id,
			     const char *path)
{
	git_blob *blob = NULL;
	if (git_blob_lookup(&blob, repo, id) < 0)
		return sd_error_git(path);
	sd_ticket_free(t); /* parse initialises it again */
	sd_error *err =
		sd_ticket_parse(t, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), path);
	git_blob_free(blob);
	return err;
}

static sd_error *stage(git_repository *repo, git_index *index, const char *path,
		       const struct sd_ticket *t)
{
	struct sd_buf text = SD_BUF_INIT;
	git_index_entry entry;
	sd_error *err = NULL;
	sd_ticket_write(t, &text);
	memset(&entry, 0, sizeof(entry));
	entry.mode = GIT_FILEMODE_BLOB;
	entry.path = path;
	if (git_blob_create_from_buffer(&entry.id, repo, text.data, text.len) < 0 ||
	    git_index_add(index, &entry) < 0)
		err = sd_error_git(path);
	sd_buf_release(&text);
	return err;
}

/* Two clones created different tickets under one id (60 random bits make
 * this all but impossible, but nothing may be lost if it happens): ours
 * keeps the id, theirs gets a new one, and the rename is noted in its
 * timeline. Chosen by content, so every clone renames the same one. */
static sd_error *keep_both(git_repository *repo, git_index *index, const char *path,
			   struct sd_ticket *a, struct sd_ticket *b, struct sd_strvec *touched)
{
	struct sd_buf pa = SD_BUF_INIT, pb = SD_BUF_INIT, new_path = SD_BUF_INIT;
	sd_ticket_write(a, &pa);
	sd_ticket_write(b, &pb);
	struct sd_ticket *keep = strcmp(pa.data, pb.data) <= 0 ? a : b, *moved = keep == a ? b : a;
	char id[SD_ID_LEN + 1];
	sd_stamp now = 0;
	sd_error *err = sd_stamp_parse(&now, sd_ticket_get(moved, SD_F_UPDATED));
	sd_error_free(err);
	/* The new id is derived from both tickets, so clones agree on it. */
	const char *texts[2] = { keep == a ? pa.data : pb.data, keep == a ? pb.data : pa.data };
	sd_id_from_content(id, SD_ID_LEN, texts, 2);
	char *old = sd_xstrdup(sd_ticket_get(moved, SD_F_ID));
	sd_ticket_set(moved, SD_F_ID, id);
	err = sd_ticket_add_event(moved, "sd sync <sd@merge.invalid>", now, "id", old, id,
				  "two clones created tickets with the same id; this one was renamed");
	sd_ticket_path(&new_path, id);
	if (!err && !(err = stage(repo, index, path, keep)))
		err = stage(repo, index, new_path.data, moved);
	if (!err)
		sd_strvec_push(touched, new_path.data);
	free(old);
	sd_buf_release(&pa);
	sd_buf_release(&pb);
	sd_buf_release(&new_path);
	return err;
}

/* Merges one ticket changed on both sides and stages the result. */
static sd_error *merge_one(git_repository *repo, git_index *index, const char *path,
			   const git_index_entry *anc, const git_index_entry *ours,
			   const git_index_entry *theirs, struct sd_strvec *touched)
{
	struct sd_ticket o, a, b, m;
	struct sd_buf text = SD_BUF_INIT;
	sd_error *err = NULL;
	sd_ticket_init(&o);
	sd_ticket_init(&a);
	sd_ticket_init(&b);
	sd_ticket_init(&m);
	if ((anc && (err = blob_ticket(&o, repo, &anc->id, path))) ||
	    (err = blob_ticket(&a, repo, &ours->id, path)) ||
	    (err = blob_ticket(&b, repo, &theirs->id, path)))
		goto done;
	if (!anc && strcmp(sd_ticket_get(&a, SD_F_CREATED), sd_ticket_get(&b, SD_F_CREATED))) {
		err = keep_both(repo, index, path, &a, &b, touched);
		goto done;
	}
	if ((err = sd_ticket_merge(&m, anc ? &o : NULL, &a, &b)))
		goto done;
	sd_ticket_write(&m, &text);
	/* A result over the write limit is left as a conflict, as by git's
	 * merge driver (sd merge-file). */
	if ((err = sd_ticket_check_size(path, text.len)))
		goto done;
	git_index_entry entry;
	memset(&entry, 0, sizeof(entry));
	entry.mode = GIT_FILEMODE_BLOB;
	entry.path = path;
	if (git_blob_create_from_buffer(&entry.id, repo, text.data, text.len) < 0 ||
	    git_index_add(index, &entry) < 0)
		err = sd_error_git(path);
done:
	sd_buf_release(&text);
	sd_ticket_free(&o);
	sd_ticket_free(&a);
	sd_ticket_free(&b);
	sd_ticket_free(&m);
	return err;
}

/* Merges one article changed on both sides (sd_article_merge) and stages
 * it; lines both sides changed are an error, so the file is left to git
 * as a conflict for the user. */
static sd_error *merge_article_one(git_repository *repo, git_index *index, const char *path,
				   const git_index_entry *anc, const git_index_entry *ours,
				   const git_index_entry *theirs)
{
	const git_index_entry *sides[3] = { anc, ours, theirs };
	struct sd_article a[3], m;
	struct sd_buf text = SD_BUF_INIT;
	sd_error *err = NULL;
	int conflicts = 0;
	sd_article_init(&m);
	for (int i = 0; i < 3; i++)
		sd_article_init(&a[i]);
	for (int i = 0; i < 3 && !err; i++) {
		git_blob *blob = NULL;
		if (!sides[i])
			continue;
		if (git_blob_lookup(&blob, repo, &sides[i]->id) < 0) {
			err = sd_error_git(path);
			break;
		}
		err = sd_article_parse(&a[i], git_blob_rawcontent(blob),
				       (size_t)git_blob_rawsize(blob), path);
		git_blob_free(blob);
	}
	if (!err)
		err = sd_article_merge(&m, anc ? &a[0] : NULL, &a[1], &a[2], &conflicts);
	if (!err && conflicts)
		err = sd_error_invalid("%s: both sides changed the same lines", path);
	if (!err) {
		git_index_entry entry;
		sd_article_write(&m, &text);
		memset(&entry, 0, sizeof(entry));
		entry.mode = GIT_FILEMODE_BLOB;
		entry.path = path;
		if (git_blob_create_from_buffer(&entry.id, repo, text.data, text.len) < 0 ||
		    git_index_add(index, &entry) < 0)
			err = sd_error_git(path);
	}
	sd_buf_release(&text);
	for (int i = 0; i < 3; i++)
		sd_article_free(&a[i]);
	sd_article_free(&m);
	return err;
}

/* A conflict outside the tickets: leave the repository as git merge
 * would (conflicts in the work tree and index, MERGE_HEAD set), with the
 * tickets already merged by meaning, for the user to finish with git. */
/* Brings the work tree to the merge when it only adds and changes ticket
 * files (the usual case): each file is written directly, and the caller
 * edits their index entries in place once the branch has moved, which
 * costs far less on a large store than a checkout, whose index handling
 * reads and rewrites every entry. A file the user changed stops everything
 * before anything is written. *done is 0, and nothing touched, when the
 * merge has other changes: the caller then checks out as git would. */
/* The files a merge writes directly, in the order of its diff: their
 * paths, new blob ids, and the ids the work tree held (zero: no file). */
struct direct_writes {
	const char **paths;
	git_oid *ids, *old_ids;
	size_t n;
};

static void direct_writes_release(struct direct_writes *w)
{
	free(w->paths);
	free(w->ids);
	free(w->old_ids);
	memset(w, 0, sizeof(*w));
}

static sd_error *write_ticket_changes(struct sd_store *s, git_diff *changes,
				      struct direct_writes *w, int *done)
{
	git_repository *repo = sd_store_repo(s);
	size_t n = git_diff_num_deltas(changes);
	struct sd_buf abs = SD_BUF_INIT, text = SD_BUF_INIT;
	sd_error *err = NULL;
	*done = 0;
	for (size_t i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(changes, i);
		/* Checked with the whole tree already; checked again here,
		 * where a path becomes a file name. */
		const char *why = d->status == GIT_DELTA_DELETED
			? NULL
			: sd_path_entry_problem(d->new_file.path, d->new_file.mode);
		if (why)
			return sd_path_refused(d->new_file.path, why);
	}
	for (size_t i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(changes, i);
		if ((d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_MODIFIED) ||
		    d->new_file.mode != GIT_FILEMODE_BLOB ||
		    !sd_starts_with(d->new_file.path, "tickets/"))
			return NULL;
	}
	for (size_t i = 0; i < n && !err; i++) {
		const git_diff_delta *d = git_diff_get_delta(changes, i);
		sd_buf_reset(&abs);
		sd_buf_printf(&abs, "%s%s", sd_store_root(s), d->new_file.path);
		sd_buf_reset(&text);
		struct stat st;
		if (lstat(abs.data, &st) < 0) {
			if (errno != ENOENT)
				err = sd_error_errno(abs.data);
			else if (d->status == GIT_DELTA_MODIFIED)
				err = sd_error_invalid(
					"%s was deleted in the work tree, and the merge "
					"changes it; restore or commit it, then sync again",
					d->new_file.path);
			continue;
		}
		/* What is there must be what HEAD has (or already the merge's). */
		git_oid have;
		if (!S_ISREG(st.st_mode) ||
		    (err = sd_buf_read_file(&text, abs.data, SD_TICKET_READ_MAX_BYTES * 2))) {
			err = err ? err
				  : sd_error_invalid("%s is not a regular file", d->new_file.path);
			continue;
		}
		sd_git_object_id("blob", text.data, text.len, have.id);
		if (!git_oid_equal(&have, &d->new_file.id) &&
		    (d->status == GIT_DELTA_ADDED || !git_oid_equal(&have, &d->old_file.id)))
			err = sd_error_invalid("your changes to %s would be overwritten by the merge; "
					       "commit or stash your changes, then sync again",
					       d->new_file.path);
	}
	if (!err && n) {
		/* Journaled first, so that files written for a merge whose
		 * branch never moved are put back by the next sd. */
		w->paths = sd_xcalloc(n, sizeof(*w->paths));
		w->ids = sd_xcalloc(n, sizeof(*w->ids));
		w->old_ids = sd_xcalloc(n, sizeof(*w->old_ids));
		w->n = n;
		for (size_t i = 0; i < n; i++) {
			const git_diff_delta *d = git_diff_get_delta(changes, i);
			w->paths[i] = d->new_file.path;
			w->ids[i] = d->new_file.id;
			if (d->status == GIT_DELTA_MODIFIED)
				w->old_ids[i] = d->old_file.id;
		}
		sd_store_journal_write(s, w->paths, w->ids, w->old_ids, n);
	}
	for (size_t i = 0; i < n && !err; i++) {
		const git_diff_delta *d = git_diff_get_delta(changes, i);
		git_blob *blob = NULL;
		if (git_blob_lookup(&blob, repo, &d->new_file.id) < 0) {
			err = sd_error_git("cannot read a merged ticket");
			break;
		}
		err = sd_store_write_file(s, d->new_file.path, git_blob_rawcontent(blob),
					  (size_t)git_blob_rawsize(blob));
		git_blob_free(blob);
	}
	sd_buf_release(&abs);
	sd_buf_release(&text);
	*done = !err;
	return err;
}

static sd_error *leave_git_merge(struct sd_store *s, git_index *merged, const git_oid *their_id,
				 const struct sd_strvec *tickets, const struct sd_strvec *conflicts)
{
	git_repository *repo = sd_store_repo(s);
	git_annotated_commit *head = NULL;
	git_index *index = NULL;
	git_merge_options mo;
	git_checkout_options co;
	struct sd_buf list = SD_BUF_INIT;
	sd_error *err = NULL;
	git_merge_options_init(&mo, GIT_MERGE_OPTIONS_VERSION);
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_SAFE | GIT_CHECKOUT_ALLOW_CONFLICTS;
	if (git_annotated_commit_lookup(&head, repo, their_id) < 0 ||
	    git_merge(repo, (const git_annotated_commit **)&head, 1, &mo, &co) < 0) {
		err = sd_error_new(SD_EXIT_INVALID,
				   "%s; commit or stash your changes, then sync again",
				   git_error_last() ? git_error_last()->message : "cannot merge");
		goto done;
	}
	if (git_repository_index(&index, repo) < 0 || git_index_read(index, 1) < 0) {
		err = sd_error_git("cannot read the index");
		goto done;
	}
	for (size_t i = 0; i < tickets->n && !err; i++) {
		const git_index_entry *e = git_index_get_bypath(merged, tickets->v[i], 0);
		git_blob *blob = NULL;
		struct sd_buf abs = SD_BUF_INIT;
		if (!e ||
		    (!sd_path_is_ticket(tickets->v[i]) && !sd_path_is_article(tickets->v[i])) ||
		    git_blob_lookup(&blob, repo, &e->id) < 0)
			continue;
		sd_buf_printf(&abs, "%s%s", sd_store_root(s), tickets->v[i]);
		FILE *f = fopen(abs.data, "wbe");
		size_t len = (size_t)git_blob_rawsize(blob);
		if (!f || fwrite(git_blob_rawcontent(blob), 1, len, f) != len || fclose(f) != 0)
			err = sd_error_errno(abs.data);
		git_index_conflict_remove(index, tickets->v[i]);
		if (!err && git_index_add_bypath(index, tickets->v[i]) < 0)
			err = sd_error_git(tickets->v[i]);
		git_blob_free(blob);
		sd_buf_release(&abs);
	}
	if (!err && git_index_write(index) < 0)
		err = sd_error_git("cannot write the index");
	if (err)
		goto done;
	for (size_t i = 0; i < conflicts->n && i < 10; i++)
		sd_buf_printf(&list, "%s%s", i ? ", " : "", conflicts->v[i]);
	err = sd_error_invalid("conflict in %s, left as git merge leaves it (the tickets are merged): "
			       "resolve it, git add it, git commit, then run sd sync again",
			       list.data);
done:
	sd_buf_release(&list);
	git_index_free(index);
	git_annotated_commit_free(head);
	return err;
}

/* Counts the ticket files that differ between two trees. */
static size_t tickets_changed(git_repository *repo, git_tree *from, git_tree *to)
{
	git_diff *diff = NULL;
	git_diff_options opts;
	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	char *spec = "tickets/*";
	opts.pathspec.strings = &spec;
	opts.pathspec.count = 1;
	size_t n = 0;
	if (git_diff_tree_to_tree(&diff, repo, from, to, &opts) == 0)
		n = git_diff_num_deltas(diff);
	git_diff_free(diff);
	return n;
}

/* Moves the branch to the merge, then points the index entries of the
 * files written directly (w; none after a checkout, which did its own) at
 * them, under the commit journal write_ticket_changes began, in the order
 * of a commit: killed before the branch moves, the next sd puts the files
 * back; killed after, it finishes the index. */
static sd_error *move_branch(struct sd_store *s, git_reference *head, const git_oid *commit_id,
			     const struct direct_writes *w, git_reference **updated)
{
	/* If it fails, the journal stays: the next sd puts the files back. */
	if (git_reference_set_target(updated, head, commit_id, "sd: sync") < 0)
		return sd_error_git("merged, but cannot move the branch");
	sd_store_finish_index(s, w->paths, w->ids, w->n, "merged");
	return NULL;
}

sd_error *sd_sync_merge(struct sd_store *s, const char *tracking, struct sd_sync_stats *stats)
{
	git_repository *repo = sd_store_repo(s);
	git_reference *head = NULL, *updated = NULL;
	git_commit *ours = NULL, *theirs = NULL;
	git_tree *our_tree = NULL, *their_tree = NULL, *base_tree = NULL, *result_tree = NULL;
	git_commit *base = NULL;
	git_index *index = NULL;
	git_signature *sig = NULL;
	struct sd_strvec other_conflicts = SD_STRVEC_INIT, touched = SD_STRVEC_INIT;
	git_oid their_id, base_id, tree_id, commit_id;
	sd_error *err = NULL;

	memset(stats, 0, sizeof(*stats));
	if ((err = sd_store_lock(s)))
		return err;
	if (git_reference_name_to_id(&their_id, repo, tracking) < 0) {
		err = sd_error_invalid(
			"nothing to merge: %s does not exist (has the remote this branch?)",
			tracking);
		goto done;
	}
	if (git_repository_head(&head, repo) < 0 ||
	    git_reference_peel((git_object **)&ours, head, GIT_OBJECT_COMMIT) < 0 ||
	    git_commit_lookup(&theirs, repo, &their_id) < 0 ||
	    git_commit_tree(&our_tree, ours) < 0 || git_commit_tree(&their_tree, theirs) < 0) {
		err = sd_error_git("cannot read the commits to merge");
		goto done;
	}
	if (sd_history_reaches(repo, git_commit_id(ours), &their_id) == 1)
		goto done; /* already up to date */
	/* Whatever arrives is somebody else's tree: a path that leaves the
	 * work tree, reaches into .git or is not where sd keeps tickets
	 * stops the pull here, before anything is written. The message
	 * names "origin/main", or for a URL the branch. */
	const char *where = tracking;
	if (sd_starts_with(tracking, "refs/remotes/") || sd_starts_with(tracking, "refs/sd/sync/"))
		where = tracking + 13;
	if ((err = sd_path_check_incoming(repo, theirs, ours, where)))
		goto done;
	int fast_forward = sd_history_reaches(repo, &their_id, git_commit_id(ours)) == 1;
	if (fast_forward) {
		stats->received = tickets_changed(repo, our_tree, their_tree);
		if (git_tree_lookup(&result_tree, repo, git_tree_id(their_tree)) < 0) {
			err = sd_error_git("cannot read the tree to check out");
			goto done;
		}
		commit_id = their_id;
	} else {
		if (git_merge_base(&base_id, repo, git_commit_id(ours), &their_id) == 0 &&
		    (git_commit_lookup(&base, repo, &base_id) < 0 ||
		     git_commit_tree(&base_tree, base) < 0)) {
			err = sd_error_git("cannot read the merge base");
			goto done;
		}
		/* The merge is done here rather than by git_merge_trees, which
		 * looks up attributes (a realpath per file) for every change:
		 * start from our tree, take their changes to paths we did not
		 * touch, and merge tickets both sides changed by meaning. The
		 * merged tickets collect in an in-memory index. */
		if (git_index_new(&index) < 0) {
			err = sd_error_git("cannot make an index");
			goto done;
		}
		git_diff *ours_diff = NULL, *theirs_diff = NULL;
		git_diff_options dopts;
		git_diff_options_init(&dopts, GIT_DIFF_OPTIONS_VERSION);
		if (git_diff_tree_to_tree(&ours_diff, repo, base_tree, our_tree, &dopts) < 0 ||
		    git_diff_tree_to_tree(&theirs_diff, repo, base_tree, their_tree, &dopts) < 0) {
			git_diff_free(ours_diff);
			git_diff_free(theirs_diff);
			err = sd_error_git("cannot compare the two sides");
			goto done;
		}
		/* Received: the tickets they changed since the merge base, not
		 * every difference between the two sides (ours included). */
		for (size_t i = 0; i < git_diff_num_deltas(theirs_diff); i++)
			stats->received +=
				sd_path_is_ticket(
					git_diff_get_delta(theirs_diff, i)->new_file.path) ||
				sd_path_is_ticket(
					git_diff_get_delta(theirs_diff, i)->old_file.path);
		struct sd_strvec ours_changed = SD_STRVEC_INIT;
		for (size_t i = 0; i < git_diff_num_deltas(ours_diff); i++)
			sd_strvec_push(&ours_changed,
				       git_diff_get_delta(ours_diff, i)->new_file.path);
		size_t ntheirs = git_diff_num_deltas(theirs_diff), nupdates = 0;
		git_tree_update *updates = sd_xcalloc(ntheirs ? ntheirs : 1, sizeof(*updates));
		for (size_t i = 0; !err && i < ntheirs; i++) {
			const git_diff_delta *d = git_diff_get_delta(theirs_diff, i);
			const char *path = d->new_file.path;
			if (!sd_strvec_has(&ours_changed, path)) {
				git_tree_update *u = &updates[nupdates++];
				u->path = path;
				if (d->status == GIT_DELTA_DELETED) {
					u->action = GIT_TREE_UPDATE_REMOVE;
				} else {
					u->action = GIT_TREE_UPDATE_UPSERT;
					u->id = d->new_file.id;
					u->filemode = d->new_file.mode;
				}
				continue;
			}
			const git_diff_delta *od = NULL;
			for (size_t j = 0; j < git_diff_num_deltas(ours_diff) && !od; j++)
				if (!strcmp(git_diff_get_delta(ours_diff, j)->new_file.path, path))
					od = git_diff_get_delta(ours_diff, j);
			if (od && git_oid_equal(&od->new_file.id, &d->new_file.id) &&
			    od->status == d->status)
				continue; /* both made the same change */
			int article = sd_path_is_article(path);
			if ((!sd_path_is_ticket(path) && !article) ||
			    d->status == GIT_DELTA_DELETED ||
			    (od && od->status == GIT_DELTA_DELETED)) {
				sd_strvec_push(&other_conflicts, path);
				continue;
			}
			git_tree_entry *ea = NULL, *eo = NULL, *et = NULL;
			git_index_entry anc, our, their;
			memset(&anc, 0, sizeof(anc));
			memset(&our, 0, sizeof(our));
			memset(&their, 0, sizeof(their));
			int have_anc =
				base_tree && git_tree_entry_bypath(&ea, base_tree, path) == 0;
			if (git_tree_entry_bypath(&eo, our_tree, path) == 0 &&
			    git_tree_entry_bypath(&et, their_tree, path) == 0) {
				if (have_anc)
					anc.id = *git_tree_entry_id(ea);
				our.id = *git_tree_entry_id(eo);
				their.id = *git_tree_entry_id(et);
				/* Articles merge by meaning too (sd-kb(5)). */
				sd_error *e = article
					? merge_article_one(repo, index, path,
							    have_anc ? &anc : NULL, &our, &their)
					: merge_one(repo, index, path, have_anc ? &anc : NULL, &our,
						    &their, &touched);
				if (e) {
					/* Not a ticket sd can read: a conflict for git. */
					sd_error_free(e);
					sd_strvec_push(&other_conflicts, path);
				} else {
					stats->merged++;
					sd_strvec_push(&touched, path);
				}
			}
			git_tree_entry_free(ea);
			git_tree_entry_free(eo);
			git_tree_entry_free(et);
		}
		if (!err && !other_conflicts.n) {
			/* The merged tickets, from the in-memory index. */
			size_t nindex = git_index_entrycount(index);
			updates = sd_xrealloc(updates, (nupdates + nindex + 1) * sizeof(*updates));
			for (size_t i = 0; i < nindex; i++) {
				const git_index_entry *e = git_index_get_byindex(index, i);
				git_tree_update *u = &updates[nupdates++];
				memset(u, 0, sizeof(*u));
				u->action = GIT_TREE_UPDATE_UPSERT;
				u->id = e->id;
				u->filemode = GIT_FILEMODE_BLOB;
				u->path = e->path;
			}
			if (git_tree_create_updated(&tree_id, repo, our_tree, nupdates, updates) <
				    0 ||
			    git_tree_lookup(&result_tree, repo, &tree_id) < 0)
				err = sd_error_git("cannot write the merged tree");
		}
		free(updates);
		sd_strvec_clear(&ours_changed);
		git_diff_free(ours_diff);
		git_diff_free(theirs_diff);
		if (err)
			goto done;
		if (other_conflicts.n) {
			err = leave_git_merge(s, index, &their_id, &touched, &other_conflicts);
			goto done;
		}
		const char *name, *email;
		sd_time now;
		if ((err = sd_store_author(s, &name, &email, NULL)) || (err = sd_time_now(&now)))
			goto done;
		if (git_signature_new(&sig, name, email, (git_time_t)now, 0) < 0) {
			err = sd_error_git("cannot make the commit signature");
			goto done;
		}
		struct sd_buf msg = SD_BUF_INIT;
		sd_buf_printf(&msg, "sd: merge %s\n\n%zu ticket%s merged by meaning.\n",
			      tracking + (sd_starts_with(tracking, "refs/remotes/") ? 13 : 0),
			      stats->merged, stats->merged == 1 ? "" : "s");
		const git_commit *parents[2] = { ours, theirs };
		int rc = git_commit_create(&commit_id, repo, NULL, sig, sig, NULL, msg.data,
					   result_tree, 2, parents);
		sd_buf_release(&msg);
		if (rc < 0) {
			err = sd_error_git("cannot commit the merge");
			goto done;
		}
	}
	/* The work tree first, safely: a file the user changed that the
	 * merge would touch stops everything before anything is written. */
	git_checkout_options co;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_SAFE | GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
	co.baseline = our_tree;
	/* Only the paths the merge changes: checking every file of a large
	 * store against the work tree would cost more than the merge. */
	git_diff *changes = NULL;
	git_diff_options dco;
	git_diff_options_init(&dco, GIT_DIFF_OPTIONS_VERSION);
	if (git_diff_tree_to_tree(&changes, repo, our_tree, result_tree, &dco) < 0) {
		err = sd_error_git("cannot compare the merge with HEAD");
		goto done;
	}
	int written = 0;
	struct direct_writes direct = { 0 };
	if ((err = write_ticket_changes(s, changes, &direct, &written))) {
		direct_writes_release(&direct);
		git_diff_free(changes);
		goto done;
	}
	size_t nchanges = written ? 0 : git_diff_num_deltas(changes);
	char **paths = sd_xcalloc(nchanges ? 2 * nchanges : 1, sizeof(*paths));
	size_t npaths = 0;
	for (size_t i = 0; i < nchanges; i++) {
		const git_diff_delta *d = git_diff_get_delta(changes, i);
		paths[npaths++] = (char *)d->new_file.path;
		if (strcmp(d->old_file.path, d->new_file.path))
			paths[npaths++] = (char *)d->old_file.path;
	}
	co.paths.strings = paths;
	co.paths.count = npaths;
	int rc = npaths ? git_checkout_tree(repo, (const git_object *)result_tree, &co) : 0;
	free(paths);
	if (rc == 0)
		err = move_branch(s, head, &commit_id, &direct, &updated);
	else
		err = sd_error_new(SD_EXIT_INVALID,
				   "%s; commit or stash your changes, then sync again",
				   git_error_last() ? git_error_last()->message
						    : "checkout failed");
	direct_writes_release(&direct);
	git_diff_free(changes);
done:
	sd_strvec_clear(&other_conflicts);
	sd_strvec_clear(&touched);
	git_index_free(index);
	git_signature_free(sig);
	git_tree_free(result_tree);
	git_tree_free(base_tree);
	git_tree_free(our_tree);
	git_tree_free(their_tree);
	git_commit_free(base);
	git_commit_free(ours);
	git_commit_free(theirs);
	git_reference_free(updated);
	git_reference_free(head);
	sd_store_unlock(s);
	return err;
}

size_t sd_sync_outgoing(struct sd_store *s, const char *tracking)
{
	git_repository *repo = sd_store_repo(s);
	git_oid theirs, ours;
	git_commit *tc = NULL, *oc = NULL;
	git_tree *tt = NULL, *ot = NULL;
	size_t n = 0;
	if (git_reference_name_to_id(&ours, repo, "HEAD") < 0 ||
	    git_commit_lookup(&oc, repo, &ours) < 0 || git_commit_tree(&ot, oc) < 0)
		goto done;
	if (git_reference_name_to_id(&theirs, repo, tracking) == 0 &&
	    git_commit_lookup(&tc, repo, &theirs) == 0)
		git_commit_tree(&tt, tc);
	n = tickets_changed(repo, tt, ot);
done:
	git_tree_free(tt);
	git_tree_free(ot);
	git_commit_free(tc);
	git_commit_free(oc);
	return n;
}

int sd_sync_has_ref(struct sd_store *s, const char *ref)
{
	git_oid id;
	return git_reference_name_to_id(&id, sd_store_repo(s), ref) == 0;
}
