/* SPDX-License-Identifier: MIT */
/* Claims of outgoing mail: the journal under .git/sd/mail/claimed/ and
 * what the remote holds of a claim (claim.h). */

#define _GNU_SOURCE /* mkostemp: descriptors closed on exec */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sd/claim.h"
#include "sd/history.h"
#include "sd/util.h"

/* .git/sd/mail/claimed, made when missing. */
static void journal_dir(struct sd_store *store, struct sd_buf *out)
{
	sd_store_private_path(store, "mail", out);
	mkdir(out->data, 0700);
	sd_buf_adds(out, "/claimed");
	mkdir(out->data, 0700);
}

static void journal_path(struct sd_store *store, const struct sd_claim *c, int won,
			 struct sd_buf *out)
{
	journal_dir(store, out);
	sd_buf_printf(out, "/%s-%s.%s", c->ticket_id, c->record_id, won ? "send" : "claim");
}

/* The header written before the message: one "name value" a line, then
 * an empty line. Every value is sd's own (ids, a hex commit, outbox.h's
 * WHAT and checked addresses), never a line break. */
static void header(struct sd_buf *out, const struct sd_claim *c)
{
	sd_buf_printf(out, "sd-claim 1\nticket %s\nrecord %s\ncommit %s\nwhat %s\nto %s\n\n",
		      c->ticket_id, c->record_id, c->commit, c->what, c->recipients);
}

sd_error *sd_claim_write(struct sd_store *store, const struct sd_claim *c)
{
	struct sd_buf path = SD_BUF_INIT, tmp = SD_BUF_INIT, text = SD_BUF_INIT;
	sd_error *err = NULL;
	int fd = -1;
	journal_path(store, c, c->won, &path);
	sd_buf_printf(&tmp, "%s.tmpXXXXXX", path.data);
	header(&text, c);
	sd_buf_add(&text, c->data.data, c->data.len);
	if ((fd = mkostemp(tmp.data, O_CLOEXEC)) < 0) {
		err = sd_error_errno(tmp.data);
		goto done;
	}
	/* Synced before it is named: a claim on record must be whole. */
	if (sd_write_all(fd, text.data, text.len) < 0 || fsync(fd) < 0 ||
	    rename(tmp.data, path.data) < 0) {
		err = sd_error_errno(path.data);
		unlink(tmp.data);
	}
done:
	if (fd >= 0)
		close(fd);
	sd_buf_release(&path);
	sd_buf_release(&tmp);
	sd_buf_release(&text);
	return err;
}

sd_error *sd_claim_mark_won(struct sd_store *store, struct sd_claim *c)
{
	struct sd_buf from = SD_BUF_INIT, to = SD_BUF_INIT;
	sd_error *err = NULL;
	journal_path(store, c, 0, &from);
	journal_path(store, c, 1, &to);
	if (rename(from.data, to.data) < 0 && (errno != ENOENT || (err = sd_claim_write(store, c))))
		err = err ? err : sd_error_errno(from.data);
	if (!err)
		c->won = 1;
	sd_buf_release(&from);
	sd_buf_release(&to);
	return err;
}

sd_error *sd_claim_remove(struct sd_store *store, const struct sd_claim *c)
{
	struct sd_buf path = SD_BUF_INIT;
	sd_error *err = NULL;
	for (int won = 0; won < 2 && !err; won++) {
		sd_buf_reset(&path);
		journal_path(store, c, won, &path);
		if (unlink(path.data) < 0 && errno != ENOENT)
			err = sd_error_errno(path.data);
	}
	sd_buf_release(&path);
	return err;
}

static int plain_id(const char *s, size_t len)
{
	if (strlen(s) != len)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* Reads the value of "NAME value\n" at *p into out; 0 when the line is
 * not that. */
static int field(const char **p, const char *end, const char *name, struct sd_buf *out)
{
	size_t n = strlen(name);
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	if (!nl || (size_t)(nl - *p) < n + 1 || memcmp(*p, name, n) || (*p)[n] != ' ')
		return 0;
	sd_buf_add(out, *p + n + 1, (size_t)(nl - *p - n - 1));
	*p = nl + 1;
	return 1;
}

static sd_error *parse(struct sd_claim *c, const struct sd_buf *text, const char *path)
{
	const char *p = text->data, *end = text->data + text->len;
	struct sd_buf v[6];
	static const char *const names[6] = {
		"sd-claim", "ticket", "record", "commit", "what", "to"
	};
	int ok = 1;
	for (int i = 0; i < 6; i++)
		sd_buf_init(&v[i]);
	for (int i = 0; i < 6 && ok; i++)
		ok = field(&p, end, names[i], &v[i]);
	ok = ok && !strcmp(v[0].data, "1") && p < end && *p == '\n' &&
		plain_id(v[1].data, SD_ID_LEN) && plain_id(v[2].data, SD_ENTRY_ID_LEN) &&
		plain_id(v[3].data, GIT_OID_HEXSZ);
	if (ok) {
		memset(c, 0, sizeof(*c));
		memcpy(c->ticket_id, v[1].data, SD_ID_LEN + 1);
		memcpy(c->record_id, v[2].data, SD_ENTRY_ID_LEN + 1);
		memcpy(c->commit, v[3].data, GIT_OID_HEXSZ + 1);
		c->what = sd_buf_detach(&v[4]);
		c->recipients = sd_buf_detach(&v[5]);
		sd_buf_init(&c->data);
		p++;
		sd_buf_add(&c->data, p, (size_t)(end - p));
	}
	for (int i = 0; i < 6; i++)
		sd_buf_release(&v[i]);
	return ok ? NULL
		  : sd_error_fatal("%s is not a claimed message sd wrote; move it away once "
				   "you know whether it was sent",
				   path);
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n > k && !strcmp(s + n - k, suffix);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

sd_error *sd_claims_load(struct sd_store *store, struct sd_claims *out, sd_error **warning)
{
	struct sd_buf dir = SD_BUF_INIT;
	struct sd_strvec names = SD_STRVEC_INIT;
	sd_error *err = NULL;
	*warning = NULL;
	journal_dir(store, &dir);
	DIR *d = opendir(dir.data);
	if (!d) {
		err = errno == ENOENT ? NULL : sd_error_errno(dir.data);
		goto done;
	}
	for (struct dirent *de; (de = readdir(d));)
		if (has_suffix(de->d_name, ".claim") || has_suffix(de->d_name, ".send"))
			sd_strvec_push(&names, de->d_name);
	closedir(d);
	/* The file name starts with the ticket: one ticket's messages go in
	 * the order of their claims' ids, which is no order; but a journal
	 * holds a handful, and each is sent whatever its place. */
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), by_name);
	for (size_t i = 0; i < names.n && !err; i++) {
		struct sd_buf path = SD_BUF_INIT, text = SD_BUF_INIT;
		struct sd_claim c;
		sd_buf_printf(&path, "%s/%s", dir.data, names.v[i]);
		sd_error *e = sd_buf_read_file(&text, path.data, 256u << 20);
		if (!e)
			e = parse(&c, &text, path.data);
		if (e) {
			if (!*warning)
				*warning = e;
			else
				sd_error_free(e);
		} else {
			c.won = has_suffix(names.v[i], ".send");
			out->v = sd_xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
			out->v[out->n++] = c;
		}
		sd_buf_release(&path);
		sd_buf_release(&text);
	}
done:
	sd_strvec_clear(&names);
	sd_buf_release(&dir);
	return err;
}

void sd_claims_add(struct sd_claims *cs, const struct sd_claim *c)
{
	struct sd_claim copy = *c;
	copy.what = sd_xstrdup(c->what);
	copy.recipients = sd_xstrdup(c->recipients);
	sd_buf_init(&copy.data);
	sd_buf_add(&copy.data, c->data.data, c->data.len);
	cs->v = sd_xrealloc(cs->v, (cs->n + 1) * sizeof(*cs->v));
	cs->v[cs->n++] = copy;
}

void sd_claims_free(struct sd_claims *cs)
{
	for (size_t i = 0; i < cs->n; i++) {
		free(cs->v[i].what);
		free(cs->v[i].recipients);
		sd_buf_release(&cs->v[i].data);
	}
	free(cs->v);
	cs->v = NULL;
	cs->n = 0;
}

sd_error *sd_claim_remote_state(struct sd_store *store, const char *tracking,
				const struct sd_claim *c, enum sd_claim_state *out)
{
	git_repository *repo = sd_store_repo(store);
	git_oid tip, ours;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	struct sd_buf path = SD_BUF_INIT;
	struct sd_ticket t;
	sd_error *err = NULL;
	sd_ticket_init(&t);
	*out = SD_CLAIM_OPEN;
	if (git_reference_name_to_id(&tip, repo, tracking) < 0)
		goto done; /* nothing fetched yet: the remote holds nothing */
	if (!git_oid_fromstr(&ours, c->commit) && !git_oid_is_zero(&ours) &&
	    sd_history_reaches(repo, &tip, &ours)) {
		*out = SD_CLAIM_OURS;
		goto done;
	}
	sd_ticket_path(&path, c->ticket_id);
	if (git_commit_lookup(&commit, repo, &tip) < 0 || git_commit_tree(&tree, commit) < 0) {
		err = sd_error_git(tracking);
		goto done;
	}
	if (git_tree_entry_bypath(&entry, tree, path.data) < 0)
		goto done; /* the remote has no such ticket yet */
	if (git_blob_lookup(&blob, repo, git_tree_entry_id(entry)) < 0) {
		err = sd_error_git(path.data);
		goto done;
	}
	sd_ticket_free(&t); /* parse initialises it again */
	if ((err = sd_ticket_parse(&t, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
				   path.data)))
		goto done;
	if (sd_ticket_entry(&t, c->record_id))
		*out = SD_CLAIM_THEIRS;
done:
	sd_ticket_free(&t);
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	sd_buf_release(&path);
	return err;
}
