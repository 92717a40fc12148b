/* SPDX-License-Identifier: MIT */
/* sd mail send: send the mail the timelines owe (outbox.h) through the
 * clone's sendmail, and record what was sent.
 *
 * Alone (no remote, or --local), a run sends, then records what it sent
 * in one commit. With a remote, records are claims: a run commits them
 * first, pushes that commit, and sends only what the remote took as its
 * claim (claim.h), so two clones running it send each message once. */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "cmd/cmd.h"
#include "sd/claim.h"
#include "sd/exec.h"
#include "sd/intake.h"
#include "sd/outbox.h"
#include "sd/sync.h"
#include "sd/text.h"
#include "sd/token.h"

/* A ticket is read whole only when it changed in this window: what it
 * could owe is younger (SD_OUTBOX_MAX_AGE_MS), with a day to spare. */
#define WINDOW_MS (SD_OUTBOX_MAX_AGE_MS + 24 * 3600 * 1000LL)

/* Pushes of a claim before giving up for this run, as sd sync. */
#define CLAIM_TRIES 5

/* sysexits.h: try again later (the remote cannot be reached). */
#define EX_TEMPFAIL 75

struct candidates {
	struct sd_strvec ids;
	const char *const *only; /* NULL: every ticket */
	size_t nonly;
	sd_stamp since;
};

static int take_recent(struct sd_summary *s, void *arg)
{
	struct candidates *c = arg;
	sd_stamp updated = 0;
	const char *id = sd_ticket_get(&s->t, SD_F_ID);
	if (sd_stamp_parse(&updated, sd_ticket_get(&s->t, SD_F_UPDATED)) || updated < c->since)
		return 0;
	if (c->only) {
		size_t i = 0;
		while (i < c->nonly && strcmp(c->only[i], id))
			i++;
		if (i == c->nonly)
			return 0;
	}
	sd_strvec_push(&c->ids, id);
	return 0;
}

struct loaded {
	struct sd_ticket t;
	char short_id[SD_ID_LEN + 1];
	sd_stamp created;
};

static int by_created(const void *a, const void *b)
{
	const struct loaded *x = a, *y = b;
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(sd_ticket_get(&x->t, SD_F_ID), sd_ticket_get(&y->t, SD_F_ID));
}

/* An auto-reply template from the store; out stays empty when there is
 * none (the outbox then uses sd's own text). The file came with a pull:
 * it is text to fill, never anything that runs. */
static sd_error *read_template(struct sd_store *store, const char *path, struct sd_buf *out)
{
	struct sd_buf full = SD_BUF_INIT, raw = SD_BUF_INIT;
	sd_buf_printf(&full, "%s%s", sd_store_root(store), path);
	sd_error *err = sd_buf_read_file(&raw, full.data, 64 * 1024);
	if (err && access(full.data, F_OK) && errno == ENOENT) {
		sd_error_free(err);
		err = NULL;
	}
	if (err)
		err = sd_error_wrap(err, "mail.auto_reply_template");
	else
		sd_text_clean(out, raw.data, raw.len);
	sd_buf_release(&full);
	sd_buf_release(&raw);
	return err;
}

/* The ticket's status link on the portal, when portal.base_url is set
 * on this clone (token.h); NULL otherwise. */
static char *status_link(void *arg, const char *id)
{
	struct sd_buf link = SD_BUF_INIT;
	sd_error *err = sd_status_link(arg, id, &link);
	if (err) {
		/* The mail still goes, without the link. */
		sd_warn(sd_xstrdup(err->msg));
		sd_error_free(err);
	}
	if (!link.len) {
		sd_buf_release(&link);
		return NULL;
	}
	return sd_buf_detach(&link);
}

/* Reads files/NAME of a ticket for its answer. The name comes from a
 * ticket file, which may have come with a pull: it must be a plain name,
 * and every directory on the way must be a directory, not a symlink, so
 * that nothing outside the ticket's files is ever mailed. */
static sd_error *read_file(void *arg, const char *id, const char *name, struct sd_buf *out)
{
	struct sd_ctx *ctx = arg;
	const char *parts[4];
	char shard[3] = { id[0], id[1], 0 };
	parts[0] = "tickets", parts[1] = shard, parts[2] = id, parts[3] = "files";
	if (!*name || *name == '.' || strchr(name, '/') || sd_text_has_control(name) ||
	    strlen(name) > 255)
		return sd_error_invalid("not a file name");
	int fd = open(sd_store_root(ctx->store), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; fd >= 0 && i < 4; i++) {
		int next = openat(fd, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	int f = fd >= 0 ? openat(fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
	if (fd >= 0)
		close(fd);
	if (f < 0)
		return sd_error_new(SD_EXIT_FATAL, "%s", strerror(errno));
	struct stat st;
	sd_error *err = NULL;
	int64_t max = sd_store_config(ctx->store)->mail.max_file_bytes;
	if (fstat(f, &st) || !S_ISREG(st.st_mode))
		err = sd_error_new(SD_EXIT_FATAL, "not a regular file");
	else if (st.st_size > max)
		err = sd_error_new(SD_EXIT_FATAL, "%lld bytes, over mail.max_file_bytes",
				   (long long)st.st_size);
	char chunk[65536];
	for (ssize_t n; !err && (n = read(f, chunk, sizeof(chunk))) != 0;) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = sd_error_new(SD_EXIT_FATAL, "%s", strerror(errno));
		} else if (out->len + (size_t)n > (size_t)max) {
			err = sd_error_new(SD_EXIT_FATAL, "over mail.max_file_bytes");
		} else {
			sd_buf_add(out, chunk, (size_t)n);
		}
	}
	close(f);
	return err;
}

/* Holds .git/sd/mail-send.lock for the run: two runs at once on one
 * clone would both send what neither has recorded yet. */
static sd_error *send_lock(struct sd_store *store, int *fd)
{
	struct sd_buf path = SD_BUF_INIT;
	sd_store_private_path(store, "mail-send.lock", &path);
	*fd = open(path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	sd_error *err = NULL;
	if (*fd < 0)
		err = sd_error_errno(path.data);
	else if (flock(*fd, LOCK_EX | LOCK_NB))
		err = sd_error_new(SD_EXIT_FATAL,
				   "another 'sd mail send' is running on this clone (%s); try "
				   "again when it is done",
				   path.data);
	sd_buf_release(&path);
	return err;
}

static void print_dry(struct sd_ctx *ctx, const struct loaded *l, const struct sd_outbox_message *m)
{
	struct sd_buf out = SD_BUF_INIT;
	sd_buf_printf(&out, "# %s %s", l->short_id, m->what);
	if (m->withheld) {
		sd_buf_adds(&out, ": not sent, ");
		sd_put_line(&out, m->withheld);
		sd_buf_addch(&out, '\n');
	} else {
		sd_buf_adds(&out, " to ");
		sd_put_line(&out, m->recipients);
		sd_buf_addch(&out, '\n');
		/* Headers are ASCII once composed; the body is encoded. */
		sd_put_text(&out, m->data.data);
		sd_buf_addch(&out, '\n');
	}
	fwrite(out.data, 1, out.len, ctx->out);
	sd_buf_release(&out);
}

/* Records the messages sent[] of the outbox in their tickets, re-read
 * under the lock (another sd may have changed them meanwhile), in one
 * commit, whose id goes to commit (when not NULL; "" when none was
 * made). added[i] (when not NULL) tells whether message i was recorded
 * now, not found recorded already. */
static sd_error *record(struct sd_ctx *ctx, const struct sd_outbox *ob, const unsigned char *sent,
			size_t *recorded, unsigned char *added_v, char commit[GIT_OID_HEXSZ + 1])
{
	const char *author;
	struct sd_strvec ids = SD_STRVEC_INIT;
	struct sd_change *changes = NULL;
	struct sd_buf *contents = NULL, *paths = NULL;
	struct sd_buf msg = SD_BUF_INIT, list = SD_BUF_INIT;
	size_t n = 0;
	sd_error *err = sd_store_author(ctx->store, NULL, NULL, &author);
	*recorded = 0;
	if (commit)
		*commit = '\0';
	for (size_t i = 0; !err && i < ob->n; i++)
		if (sent[i] && !sd_strvec_has(&ids, ob->v[i].ticket_id))
			sd_strvec_push(&ids, ob->v[i].ticket_id);
	if (err || !ids.n || (err = sd_store_lock(ctx->store)))
		goto done;
	changes = sd_xcalloc(ids.n, sizeof(*changes));
	contents = sd_xcalloc(ids.n, sizeof(*contents));
	paths = sd_xcalloc(ids.n, sizeof(*paths));
	for (size_t k = 0; k < ids.n && !err; k++) {
		struct sd_ticket t;
		size_t added = 0;
		if ((err = sd_store_read(ctx->store, ids.v[k], &t, NULL)))
			break;
		for (size_t i = 0; i < ob->n; i++)
			if (sent[i] && !strcmp(ob->v[i].ticket_id, ids.v[k])) {
				int one = sd_outbox_record(&t, &ob->v[i], author, ctx->clock);
				added += (size_t)one;
				if (added_v)
					added_v[i] = (unsigned char)one;
			}
		if (added) {
			char stamp[SD_STAMP_STRLEN], short_id[SD_ID_LEN + 1];
			sd_stamp_format(stamp, sd_ticket_updated_stamp(&t, ctx->clock));
			sd_ticket_set(&t, SD_F_UPDATED, stamp);
			sd_buf_init(&contents[n]);
			sd_buf_init(&paths[n]);
			sd_ticket_write(&t, &contents[n]);
			sd_error *big = sd_ticket_check_size(ids.v[k], contents[n].len);
			if (!big) {
				sd_ticket_path(&paths[n], ids.v[k]);
				changes[n] = (struct sd_change){ paths[n].data, contents[n].data,
								 contents[n].len };
				n++;
				*recorded += added;
				sd_error *e2 =
					sd_store_short_id_for(ctx->store, short_id, ids.v[k]);
				sd_buf_printf(&list, "%.*s: %zu message%s\n", e2 ? 8 : SD_ID_LEN,
					      e2 ? ids.v[k] : short_id, added,
					      added == 1 ? "" : "s");
				sd_error_free(e2);
			} else {
				/* One ticket that cannot grow must not leave the
				 * others' mail unrecorded (and sent again). */
				big = sd_error_wrap(big,
						    added_v ? "not claimed, not sent"
							    : "sent, but not recorded");
				sd_warn(sd_xstrdup(big->msg));
				sd_error_free(big);
				ctx->exit_status = SD_EXIT_FOUND_NOTHING;
				sd_buf_release(&contents[n]);
				sd_buf_release(&paths[n]);
				for (size_t i = 0; added_v && i < ob->n; i++)
					if (!strcmp(ob->v[i].ticket_id, ids.v[k]))
						added_v[i] = 0;
			}
		}
		sd_ticket_free(&t);
	}
	if (!err && n) {
		sd_buf_printf(&msg, "sd: mail send, %zu message%s\n\n%s", *recorded,
			      *recorded == 1 ? "" : "s", list.data);
		/* A claim is told from another clone's by its commit: two
		 * clones with one author and one clock would otherwise make
		 * the same commit, and each take it for its own. */
		unsigned char nonce[8];
		if (commit && RAND_bytes(nonce, sizeof(nonce)) == 1) {
			sd_buf_adds(&msg, "\nClaim: ");
			for (size_t i = 0; i < sizeof(nonce); i++)
				sd_buf_printf(&msg, "%02x", nonce[i]);
			sd_buf_addch(&msg, '\n');
		} else if (commit) {
			err = sd_error_fatal("cannot get random bytes from OpenSSL for the claim");
		}
		if (!err)
			err = sd_store_commit(ctx->store, changes, n, msg.data);
		git_oid head;
		if (!err && commit &&
		    !git_reference_name_to_id(&head, sd_store_repo(ctx->store), "HEAD"))
			git_oid_tostr(commit, GIT_OID_HEXSZ + 1, &head);
	}
	sd_store_unlock(ctx->store);
done:
	for (size_t i = 0; i < n; i++) {
		sd_buf_release(&contents[i]);
		sd_buf_release(&paths[i]);
	}
	free(changes);
	free(contents);
	free(paths);
	sd_strvec_clear(&ids);
	sd_buf_release(&msg);
	sd_buf_release(&list);
	return err;
}

/* What the sendmail runs of one clone came to. */
struct tally {
	size_t nsent, nfailed;
	sd_error *first_failure;
};

/* Hands one message to the clone's sendmail (argv from its own
 * configuration, the message on stdin, no shell); says so on report,
 * or the failure on stderr, kept in the tally. Returns 1 when sent. */
static int deliver(struct sd_ctx *ctx, const struct sd_strvec *argv, const char *short_id,
		   const char *what, const char *recipients, const struct sd_buf *data,
		   FILE *report, struct tally *ty)
{
	struct sd_config *cfg = sd_store_config(ctx->store);
	struct sd_exec cmd = { (const char *const *)argv->v, data->data, data->len,
			       cfg->command_timeout * 1000, 0 };
	struct sd_buf line = SD_BUF_INIT;
	sd_error *e = sd_exec_run(&cmd, NULL);
	if (e) {
		e = sd_error_wrap(e, "%s %s to %s: not sent", short_id, what, recipients);
		sd_put_line(&line, e->msg);
		fprintf(stderr, "sd: %s\n", line.data);
		if (!ty->first_failure)
			ty->first_failure = e;
		else
			sd_error_free(e);
		ty->nfailed++;
	} else {
		ty->nsent++;
		sd_buf_printf(&line, "%s: %s to ", short_id, what);
		sd_put_line(&line, recipients);
		fprintf(report, "%s\n", line.data);
	}
	sd_buf_release(&line);
	return !e;
}

static void short_of(struct sd_ctx *ctx, const char *id, char out[SD_ID_LEN + 1])
{
	sd_error *e = sd_store_short_id_for(ctx->store, out, id);
	if (e) {
		sd_error_free(e);
		memcpy(out, id, SD_ID_LEN + 1);
	}
}

/* Fetches the remote and merges it, as sd pull does (queues evened out
 * when tickets came in). A fetch that fails is EX_TEMPFAIL: try later. */
static sd_error *catch_up(struct sd_ctx *ctx, const struct sd_sync_target *t)
{
	struct sd_sync_stats stats = { 0, 0, 0 };
	const char *author;
	sd_error *err = sd_fetch(ctx, t);
	if (err) {
		err->status = EX_TEMPFAIL;
		return err;
	}
	if (!sd_sync_has_ref(ctx->store, t->tracking) ||
	    (err = sd_sync_merge(ctx->store, t->tracking, &stats)) || !stats.received)
		return err;
	if (!(err = sd_store_author(ctx->store, NULL, NULL, &author)))
		err = sd_rebalance_store(ctx->store, author, ctx->clock, &stats.rebalanced);
	return err;
}

/* The journal's claims from runs that ended early (killed, or the
 * remote out of reach): a claim whose record this clone does not hold
 * was never committed, and one withdrawn is owed again; both leave the
 * journal (the message is owed, and this run claims it afresh). */
static sd_error *settle_journal(struct sd_ctx *ctx, struct sd_claims *cs)
{
	size_t kept = 0;
	sd_error *err = NULL;
	for (size_t i = 0; i < cs->n; i++) {
		struct sd_claim *c = &cs->v[i];
		struct sd_ticket t;
		sd_error *e = sd_store_read(ctx->store, c->ticket_id, &t, NULL);
		int keep = 1;
		if (e) {
			/* Kept for a run that can read the ticket. */
			sd_warn(sd_xstrdup(e->msg));
			sd_error_free(e);
			ctx->exit_status = SD_EXIT_FOUND_NOTHING;
			keep = -1;
		} else {
			keep = sd_ticket_entry(&t, c->record_id) &&
				!sd_outbox_withdrawn(&t, c->record_id);
			sd_ticket_free(&t);
		}
		if (!keep && !err)
			err = sd_claim_remove(ctx->store, c);
		if (keep > 0) {
			cs->v[kept++] = *c;
		} else {
			free(c->what);
			free(c->recipients);
			sd_buf_release(&c->data);
		}
	}
	cs->n = kept;
	return err;
}

/* Pushes the claims until the remote takes them: before each push, a
 * claim the remote holds through our commit is ours, one it holds
 * otherwise is another clone's (dropped, not sent here), and the rest go
 * with the push. A push refused because the remote moved fetches and
 * merges it, and tries again. */
static sd_error *push_claims(struct sd_ctx *ctx, const struct sd_sync_target *t,
			     struct sd_claims *cs, unsigned char *lost, FILE *report)
{
	sd_error *err = NULL;
	for (int attempt = 1;; attempt++) {
		size_t open = 0;
		for (size_t i = 0; i < cs->n && !err; i++) {
			struct sd_claim *c = &cs->v[i];
			enum sd_claim_state st;
			if (c->won || lost[i] ||
			    (err = sd_claim_remote_state(ctx->store, t->tracking, c, &st)))
				continue;
			if (st == SD_CLAIM_OURS) {
				err = sd_claim_mark_won(ctx->store, c);
			} else if (st == SD_CLAIM_THEIRS) {
				char short_id[SD_ID_LEN + 1];
				lost[i] = 1;
				short_of(ctx, c->ticket_id, short_id);
				fprintf(report,
					"%s: %s claimed by another clone first, not sent here\n",
					short_id, c->what);
				err = sd_claim_remove(ctx->store, c);
			} else {
				open++;
			}
		}
		if (err || !open)
			return err;
		int rejected = 0;
		err = sd_push(ctx, t, &rejected);
		if (!err) {
			for (size_t i = 0; i < cs->n && !err; i++)
				if (!cs->v[i].won && !lost[i])
					err = sd_claim_mark_won(ctx->store, &cs->v[i]);
			return err;
		}
		if (attempt == CLAIM_TRIES) {
			sd_error *e = sd_error_new(EX_TEMPFAIL,
						   "%s kept moving (%d tries) or took no push: %s",
						   t->remote, CLAIM_TRIES, err->msg);
			sd_error_free(err);
			return e;
		}
		sd_error_free(err);
		if ((err = catch_up(ctx, t)))
			return err;
	}
}

/* Takes back the claims of the messages whose sendmail failed, in one
 * commit, and pushes it (merging as push_claims does) so that every
 * clone owes them again; a push that does not get through leaves the
 * commit for the next sync, and says so. */
static sd_error *withdraw(struct sd_ctx *ctx, const struct sd_sync_target *t,
			  const struct sd_claims *failed, const char *why)
{
	const char *author;
	struct sd_strvec ids = SD_STRVEC_INIT;
	struct sd_ticket *tickets = NULL;
	const struct sd_ticket **ptrs = NULL;
	size_t n = 0;
	sd_error *err = sd_store_author(ctx->store, NULL, NULL, &author);
	for (size_t i = 0; !err && i < failed->n; i++)
		if (!sd_strvec_has(&ids, failed->v[i].ticket_id))
			sd_strvec_push(&ids, failed->v[i].ticket_id);
	if (err || !ids.n || (err = sd_store_lock(ctx->store)))
		goto done;
	tickets = sd_xcalloc(ids.n, sizeof(*tickets));
	ptrs = sd_xcalloc(ids.n, sizeof(*ptrs));
	for (size_t k = 0; k < ids.n && !err; k++) {
		if ((err = sd_store_read(ctx->store, ids.v[k], &tickets[n], NULL)))
			break;
		size_t added = 0;
		for (size_t i = 0; i < failed->n; i++)
			if (!strcmp(failed->v[i].ticket_id, ids.v[k]))
				added += (size_t)sd_outbox_withdraw(&tickets[n], failed->v[i].what,
								    failed->v[i].record_id, author,
								    ctx->clock, why);
		if (added) {
			char stamp[SD_STAMP_STRLEN];
			sd_stamp_format(stamp, sd_ticket_updated_stamp(&tickets[n], ctx->clock));
			sd_ticket_set(&tickets[n], SD_F_UPDATED, stamp);
			ptrs[n] = &tickets[n];
			n++;
		} else {
			sd_ticket_free(&tickets[n]);
		}
	}
	if (!err && n)
		err = sd_store_save_tickets(ctx->store, ptrs, n,
					    "mail send: withdraw the claim of");
	sd_store_unlock(ctx->store);
	/* Only once the withdrawal is committed: until then, the journal is
	 * what says the message was claimed and not sent. */
	for (size_t i = 0; !err && i < failed->n; i++)
		err = sd_claim_remove(ctx->store, &failed->v[i]);
	for (int attempt = 1; !err && n; attempt++) {
		int rejected = 0;
		sd_error *e = sd_push(ctx, t, &rejected);
		if (e && attempt < CLAIM_TRIES) {
			sd_error_free(e);
			if (!(e = catch_up(ctx, t)))
				continue;
		}
		if (e) {
			struct sd_buf w = SD_BUF_INIT;
			sd_buf_printf(&w,
				      "the withdrawal is committed here and reaches %s with the "
				      "next sync (%s)",
				      t->remote, e->msg);
			sd_warn(sd_buf_detach(&w));
			sd_error_free(e);
		}
		break;
	}
done:
	for (size_t k = 0; k < n; k++)
		sd_ticket_free(&tickets[k]);
	free(tickets);
	free(ptrs);
	sd_strvec_clear(&ids);
	return err;
}

/* The claim, with a remote: sel[] of the outbox are committed as claims
 * (journalled first), pushed with the journal's claims of earlier runs,
 * and only what the remote took as ours is sent; a failed send is
 * withdrawn. */
static sd_error *claim_and_send(struct sd_ctx *ctx, const struct sd_sync_target *t,
				const struct sd_outbox *ob, const unsigned char *sel,
				const struct sd_strvec *argv, FILE *report, struct tally *ty)
{
	struct sd_claims cs = { NULL, 0 }, failed = { NULL, 0 };
	sd_error *warning = NULL, *err = NULL;
	unsigned char *added = sd_xcalloc(ob->n ? ob->n : 1, 1), *lost = NULL;
	char commit[GIT_OID_HEXSZ + 1];
	size_t recorded = 0, old;
	if ((err = sd_claims_load(ctx->store, &cs, &warning)))
		goto done;
	if (warning) {
		sd_warn(sd_xstrdup(warning->msg));
		sd_error_free(warning);
		ctx->exit_status = SD_EXIT_FOUND_NOTHING;
	}
	if ((err = settle_journal(ctx, &cs)))
		goto done;
	old = cs.n;
	/* Journalled before they are committed: a run killed in between
	 * leaves a claim that settle_journal finds never made. */
	for (size_t i = 0; i < ob->n && !err; i++) {
		const struct sd_outbox_message *m = &ob->v[i];
		if (!sel[i] || m->withheld)
			continue;
		struct sd_claim c;
		memset(&c, 0, sizeof(c));
		memcpy(c.ticket_id, m->ticket_id, sizeof(c.ticket_id));
		memcpy(c.record_id, m->record_id, sizeof(c.record_id));
		memset(c.commit, '0', GIT_OID_HEXSZ);
		c.what = m->what;
		c.recipients = m->recipients;
		c.data = m->data;
		if (!(err = sd_claim_write(ctx->store, &c)))
			sd_claims_add(&cs, &c);
	}
	if (!err)
		err = record(ctx, ob, sel, &recorded, added, commit);
	for (size_t i = 0, k = old; i < ob->n && k < cs.n; i++) {
		if (!sel[i] || ob->v[i].withheld)
			continue;
		struct sd_claim *c = &cs.v[k++];
		sd_error *e = NULL;
		if (err || !added[i] || !*commit) {
			/* Not claimed here: recorded already (another clone's
			 * record came with a pull), or the commit failed. */
			e = sd_claim_remove(ctx->store, c);
			c->won = -1;
		} else {
			memcpy(c->commit, commit, sizeof(c->commit));
			e = sd_claim_write(ctx->store, c);
		}
		if (e && !err)
			err = e;
		else
			sd_error_free(e);
	}
	if (err)
		goto done;
	lost = sd_xcalloc(cs.n ? cs.n : 1, 1);
	for (size_t k = 0; k < cs.n; k++)
		if (cs.v[k].won < 0)
			lost[k] = 1, cs.v[k].won = 0;
	if ((err = push_claims(ctx, t, &cs, lost, report))) {
		err = sd_error_wrap(err,
				    "the claims could not be pushed; nothing was sent, and the "
				    "next 'sd mail send' tries again");
		goto done;
	}
	for (size_t k = 0; k < cs.n && !err; k++) {
		struct sd_claim *c = &cs.v[k];
		char short_id[SD_ID_LEN + 1];
		if (lost[k] || !c->won)
			continue;
		short_of(ctx, c->ticket_id, short_id);
		if (deliver(ctx, argv, short_id, c->what, c->recipients, &c->data, report, ty))
			err = sd_claim_remove(ctx->store, c);
		else
			sd_claims_add(&failed, c);
	}
	if (!err && failed.n)
		err = withdraw(ctx, t, &failed, "the sendmail command failed; owed again");
done:
	free(added);
	free(lost);
	sd_claims_free(&cs);
	sd_claims_free(&failed);
	return err;
}

/* The mail owed by the tickets (all, or the nonly of only), those whose
 * WHAT starts with what_prefix (NULL: all); claim: through the remote t
 * (NULL: this clone alone). */
static sd_error *mail_send(struct sd_ctx *ctx, const char *const *only, size_t nonly,
			   const char *what_prefix, int dry_run, const struct sd_sync_target *t,
			   FILE *report)
{
	struct sd_config *cfg = sd_store_config(ctx->store);
	const struct sd_mail_config *mc = &cfg->mail;
	struct candidates c = { SD_STRVEC_INIT, only, nonly, ctx->clock - WINDOW_MS };
	struct sd_summaries sums;
	struct loaded *tickets = NULL;
	struct sd_buf tmpl = SD_BUF_INIT,
		      translated[SD_NLANGS] = { SD_BUF_INIT, SD_BUF_INIT, SD_BUF_INIT };
	struct sd_outbox ob;
	struct tally ty = { 0, 0, NULL };
	unsigned char *sent = NULL;
	size_t n = 0, recorded = 0;
	int lock = -1;
	sd_error *err = NULL;
	memset(&sums, 0, sizeof(sums));
	struct sd_outbox_settings s = {
		.desk_name = mc->name,
		.desk_address = mc->addresses.n ? mc->addresses.v[0] : "",
		.own = &mc->addresses,
		.tag = mc->tag,
		.auto_reply = mc->auto_reply,
		.auto_reply_limit = mc->auto_reply_limit,
		.notify = mc->notify,
		.cfg = cfg,
		.status_link = status_link,
		.status_link_arg = ctx->store,
		.read_file = read_file,
		.read_file_arg = ctx,
		.now = ctx->clock,
	};
	sd_outbox_init(&ob, &s);
	const struct sd_strvec *argv = sd_config_sendmail(cfg);
	if (!mc->addresses.n) {
		err = sd_error_invalid("mail.addresses is empty in " SD_CONFIG_PATH
				       ": set the desk's address (the From of its mail) first");
		goto done;
	}
	if (!dry_run && !argv->n) {
		err = sd_error_invalid("sending is off on this clone (mail.sendmail is [] in "
				       ".git/sd/config.yaml); nothing sent");
		goto done;
	}
	if (mc->auto_reply && (err = read_template(ctx->store, mc->auto_reply_template, &tmpl)))
		goto done;
	s.auto_reply_template = tmpl.len ? tmpl.data : NULL;
	/* Its translations: auto-reply.ru.md beside auto-reply.md. */
	for (int l = 0; mc->auto_reply && l < SD_NLANGS; l++) {
		struct sd_buf path = SD_BUF_INIT;
		const char *tpl = mc->auto_reply_template;
		size_t len = strlen(tpl);
		size_t stem = len > 3 && !strcmp(tpl + len - 3, ".md") ? len - 3 : len;
		sd_buf_printf(&path, "%.*s.%s%s", (int)stem, tpl, sd_lang_codes[l], tpl + stem);
		err = read_template(ctx->store, path.data, &translated[l]);
		sd_buf_release(&path);
		if (err)
			goto done;
		s.auto_reply_templates[l] = translated[l].len ? translated[l].data : NULL;
	}
	if (!dry_run && (err = send_lock(ctx->store, &lock)))
		goto done;
	if ((err = sd_summaries_load(ctx->store, &sums, take_recent, &c)))
		goto done;
	tickets = sd_xcalloc(c.ids.n ? c.ids.n : 1, sizeof(*tickets));
	for (size_t i = 0; i < c.ids.n; i++) {
		struct loaded *l = &tickets[n];
		sd_error *e = sd_store_read(ctx->store, c.ids.v[i], &l->t, NULL);
		if (e) {
			/* One broken ticket must not stop the desk's mail. */
			sd_warn(sd_xstrdup(e->msg));
			sd_error_free(e);
			ctx->exit_status = SD_EXIT_FOUND_NOTHING;
			continue;
		}
		sd_stamp_parse(&l->created, sd_ticket_get(&l->t, SD_F_CREATED));
		short_of(ctx, c.ids.v[i], l->short_id);
		n++;
	}
	qsort(tickets, n, sizeof(*tickets), by_created);
	for (size_t i = 0; i < n; i++)
		sd_outbox_count(&ob, &tickets[i].t);
	for (size_t i = 0; i < n && !err; i++)
		err = sd_outbox_collect(&ob, &tickets[i].t, tickets[i].short_id);
	if (err)
		goto done;
	sent = sd_xcalloc(ob.n ? ob.n : 1, 1);
	for (size_t i = 0; i < ob.n; i++) {
		const struct sd_outbox_message *m = &ob.v[i];
		const struct loaded *l = NULL;
		if (what_prefix && !sd_starts_with(m->what, what_prefix))
			continue;
		for (size_t k = 0; k < n && !l; k++)
			if (!strcmp(sd_ticket_get(&tickets[k].t, SD_F_ID), m->ticket_id))
				l = &tickets[k];
		if (dry_run) {
			print_dry(ctx, l, m);
			continue;
		}
		if (t) {
			sent[i] = 1; /* claimed first, sent once the remote agrees */
			continue;
		}
		if (!m->withheld &&
		    !deliver(ctx, argv, l->short_id, m->what, m->recipients, &m->data, report, &ty))
			continue; /* not recorded: the next run sends it */
		sent[i] = 1;
	}
	if (!dry_run && t)
		err = claim_and_send(ctx, t, &ob, sent, argv, report, &ty);
	else if (!dry_run)
		err = record(ctx, &ob, sent, &recorded, NULL, NULL);
	if (!err && !dry_run && (ty.nsent || ty.nfailed))
		fprintf(stderr, "sd: sent %zu message%s%s\n", ty.nsent, ty.nsent == 1 ? "" : "s",
			ty.nfailed ? ", some failed (above)" : "");
done:
	if (!err && ty.first_failure) {
		err = sd_error_new(SD_EXIT_FATAL,
				   t ? "%zu message%s not sent (the first: %s); owed again, the next "
				       "run sends %s"
				     : "%zu message%s not sent (the first: %s); the rest are recorded",
				   ty.nfailed, ty.nfailed == 1 ? "" : "s", ty.first_failure->msg,
				   ty.nfailed == 1 ? "it" : "them");
	}
	sd_error_free(ty.first_failure);
	if (lock >= 0)
		close(lock);
	for (size_t i = 0; i < n; i++)
		sd_ticket_free(&tickets[i].t);
	free(tickets);
	free(sent);
	sd_outbox_free(&ob);
	sd_summaries_free(&sums);
	sd_strvec_clear(&c.ids);
	sd_buf_release(&tmpl);
	for (int l = 0; l < SD_NLANGS; l++)
		sd_buf_release(&translated[l]);
	return err;
}

sd_error *sd_mail_send(struct sd_ctx *ctx, const char *const *only, size_t nonly,
		       const char *what_prefix, int dry_run, FILE *report)
{
	return mail_send(ctx, only, nonly, what_prefix, dry_run, NULL, report);
}

sd_error *cmd_mail_send(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_sync_target t;
	int claim = 0, dry_run = sd_arg_flag(args, "dry-run");
	if (args->pos.n > 1)
		return sd_error_invalid(
			"too many arguments; usage: sd mail send [--dry-run] [--local]");
	if (sd_arg_str(args, "mbox") || sd_arg_str(args, "maildir") || sd_arg_str(args, "tag"))
		return sd_error_invalid("sd mail send takes no --mbox, --maildir or --tag; "
					"usage: sd mail send [--dry-run] [--local]");
	if (!ctx->store) {
		sd_error *err = sd_store_open(&ctx->store, ctx->dir, 0);
		if (err)
			return err;
	}
	/* With a remote (the one sd sync uses) the clone claims what it
	 * sends through it; without one, or with --local, it sends alone. */
	if (!dry_run && !sd_arg_flag(args, "local")) {
		sd_error *err = sd_sync_target(ctx->store, NULL, &t);
		if (err && err->status != SD_EXIT_INVALID)
			return err;
		claim = !err;
		sd_error_free(err);
	}
	sd_error *err = mail_send(ctx, NULL, 0, NULL, dry_run, claim ? &t : NULL, ctx->out);
	if (claim)
		sd_sync_target_release(&t);
	return err;
}
