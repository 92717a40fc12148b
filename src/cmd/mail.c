/* SPDX-License-Identifier: MIT */
/* sd mail: take mail in. One message on standard input (as an MTA alias,
 * procmail or fetchmail's mda run sd), or every message of --mbox FILE or
 * of --maildir DIR, becomes a new ticket or a comment on the ticket it
 * answers. Exit statuses follow sendmail's convention (sysexits.h), so
 * that the MTA retries or bounces as it should. */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "sd/intake.h"
#include "sd/mail.h"
#include "sd/text.h"

const struct sd_option mail_options[] = {
	{ SD_OPT_STRING, 0, "mbox", "FILE", "take every message of an mbox file" },
	{ SD_OPT_STRING, 0, "maildir", "DIR",
	  "take the messages in DIR/new, moving each to DIR/cur once taken" },
	{ SD_OPT_STRING, 0, "tag", "TAG",
	  "the desk's subject tag, as in [TAG #ID] (default: mail.tag of the config, sd)" },
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

/* sysexits.h, by value: what an MTA understands. */
#define EX_DATAERR 65
#define EX_TEMPFAIL 75

/* A message larger than this is refused, not read: no mail server passes
 * one on, and the store must not grow by it. */
#define MAIL_MAX_BYTES (64u << 20)

struct thread_search {
	struct sd_strvec keys; /* "mail:<Message-ID>" of the thread */
	char id[SD_ID_LEN + 1];
	int found;
};

static int take_thread(struct sd_summary *s, void *arg)
{
	struct thread_search *k = arg;
	const char *key = sd_ticket_get(&s->t, SD_F_KEY);
	if (k->found || strncmp(key, "mail:", 5))
		return 0;
	for (size_t i = 0; i < k->keys.n; i++)
		if (!strcmp(key, k->keys.v[i])) {
			memcpy(k->id, sd_ticket_get(&s->t, SD_F_ID), SD_ID_LEN + 1);
			k->found = 1;
			break;
		}
	return 0;
}

/* The ticket the message answers: its subject tag, else a ticket opened
 * by a message of its References or In-Reply-To. */
static sd_error *find_ticket(struct sd_store *store, const struct sd_mail *m, const char *tag,
			     char id[SD_ID_LEN + 1], int *found)
{
	char prefix[SD_ID_LEN + 1];
	*found = 0;
	if (sd_mail_subject_tag(m->subject, tag, prefix, sizeof(prefix))) {
		sd_error *err = sd_store_resolve(store, id, prefix);
		if (!err) {
			*found = 1;
			return NULL;
		}
		/* A tag naming no ticket of this desk: threading decides. */
		sd_error_free(err);
	}
	struct thread_search k = { .found = 0 };
	for (size_t i = 0; i < m->n_references; i++) {
		struct sd_buf key = SD_BUF_INIT;
		sd_buf_printf(&key, "mail:%s", m->references[i]);
		sd_strvec_push(&k.keys, key.data);
		sd_buf_release(&key);
	}
	if (*m->in_reply_to) {
		struct sd_buf key = SD_BUF_INIT;
		sd_buf_printf(&key, "mail:%s", m->in_reply_to);
		sd_strvec_push(&k.keys, key.data);
		sd_buf_release(&key);
	}
	sd_error *err = NULL;
	if (k.keys.n) {
		struct sd_summaries sums;
		memset(&sums, 0, sizeof(sums));
		err = sd_summaries_load(store, &sums, take_thread, &k);
		sd_summaries_free(&sums);
		if (!err && k.found) {
			memcpy(id, k.id, SD_ID_LEN + 1);
			*found = 1;
		}
	}
	sd_strvec_clear(&k.keys);
	return err;
}

/* "Name <address>" of the sender, as sd writes authors; angle brackets
 * and quotes in a display name would make it ambiguous. */
static void sender(struct sd_buf *out, const struct sd_mail *m)
{
	for (const char *p = m->from.name; *p; p++)
		if (*p != '<' && *p != '>' && *p != '"')
			sd_buf_addch(out, *p);
	if (out->len)
		sd_buf_addch(out, ' ');
	sd_buf_printf(out, "<%s>", m->from.addr);
}

/* An address sd can keep and answer: local@domain, printable ASCII or
 * UTF-8, no spaces or brackets. */
static int usable_address(const char *a)
{
	const char *at = strrchr(a, '@');
	if (!at || at == a || !at[1] || strlen(a) > 254)
		return 0;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == ',' || *p == 0x7f)
			return 0;
	return 1;
}

/* The text a ticket keeps of the message: its body, and a line for each
 * attachment, which this version does not store. */
static void message_text(struct sd_buf *out, const struct sd_mail *m, int reply)
{
	if (reply)
		sd_mail_trim_reply(out, m->body);
	else
		sd_buf_adds(out, m->body);
	if (!out->len)
		sd_buf_adds(out, "(no text)");
	for (size_t i = 0; i < m->n_attachments; i++)
		sd_buf_printf(out, "%sAttachment not stored: %s (%s, %zu bytes)", i ? "\n" : "\n\n",
			      *m->attachments[i].name ? m->attachments[i].name : "unnamed",
			      m->attachments[i].content_type, m->attachments[i].size);
}

/* Cuts buf to at most max bytes at a character boundary, adding note:
 * mail has no length limit, a ticket's fields do, and a long message is
 * still a request to answer. */
static void cut(struct sd_buf *buf, size_t max, const char *note)
{
	size_t n = strlen(note);
	if (buf->len <= max || max <= n)
		return;
	size_t at = max - n;
	while (at && ((unsigned char)buf->data[at] & 0xc0) == 0x80)
		at--;
	sd_buf_setlen(buf, at);
	sd_buf_adds(buf, note);
}

/* Takes one message into the store; report gets one line for the user. */
static sd_error *take_message(struct sd_ctx *ctx, const char *tag, const char *data, size_t len,
			      struct sd_buf *report)
{
	struct sd_mail *m = NULL;
	struct sd_buf author = SD_BUF_INIT, text = SD_BUF_INIT, title = SD_BUF_INIT,
		      key = SD_BUF_INIT;
	struct sd_ticket t;
	char id[SD_ID_LEN + 1];
	int found = 0;
	sd_ticket_init(&t);
	sd_error *err = sd_mail_parse(&m, data, len);
	if (err)
		goto done;
	if (m->kind == SD_MAIL_LIST) {
		err = sd_error_new(EX_DATAERR, "mailing-list mail is not taken (List-Id: %s)",
				   m->list_id);
		goto done;
	}
	if (!usable_address(m->from.addr)) {
		err = sd_error_new(EX_DATAERR,
				   "the message has no usable sender address (From: %s)",
				   *m->from.addr ? m->from.addr : "none");
		goto done;
	}
	sender(&author, m);
	if (*m->message_id) {
		/* The same message delivered again (a retry after a timeout,
		 * two MX hosts) is taken once. */
		struct sd_mail again = { .subject = "", .in_reply_to = m->message_id };
		if ((err = find_ticket(ctx->store, &again, tag, id, &found)))
			goto done;
		if (found) {
			sd_buf_printf(report, "%.8s: already taken (Message-ID %s)\n", id,
				      m->message_id);
			goto done;
		}
	}
	if ((err = find_ticket(ctx->store, m, tag, id, &found)))
		goto done;
	int machine = m->kind == SD_MAIL_BOUNCE || m->kind == SD_MAIL_AUTO_REPLY;
	if (!found && machine) {
		/* Never a ticket of its own: an answer to nothing is refused. */
		err = sd_error_new(EX_DATAERR, "%s answers no ticket of this desk; not taken",
				   m->kind == SD_MAIL_BOUNCE ? "the delivery report"
							     : "the automatic reply");
		goto done;
	}
	if (found) {
		int reopened = 0;
		if ((err = sd_store_lock(ctx->store)))
			goto done;
		sd_ticket_free(&t); /* sd_store_read initialises it again */
		if ((err = sd_store_read(ctx->store, id, &t, NULL)))
			goto done;
		const char *status = sd_ticket_get(&t, SD_F_STATUS);
		if (!machine && (!strcmp(status, "closed") || !strcmp(status, "cancelled"))) {
			/* A closed ticket stays closed: the follow-up opens a new
			 * one that names it. */
			sd_buf_printf(&text, "Follow-up to %.8s, which is %s.\n\n", id, status);
			found = 0;
		}
		if (found) {
			if (machine)
				sd_buf_printf(&text, "%s from %s: %s\n\n",
					      m->kind == SD_MAIL_BOUNCE ? "Delivery report"
									: "Automatic reply",
					      m->from.addr, m->subject);
			message_text(&text, m, 1);
			cut(&text, SD_TEXT_MAX_BYTES - 1024,
			    "\n\n(The message is longer; the rest was cut.)");
			if ((err = sd_text_validate(text.data, text.len, "the message text")) ||
			    (err = sd_ticket_add_comment(&t, author.data, ctx->clock, machine,
							 text.data)))
				goto done;
			if (!machine && !strcmp(status, "resolved") &&
			    (err = sd_ticket_change(&t, SD_F_STATUS, "open", author.data,
						    ctx->clock, "the requester wrote again",
						    &reopened)))
				goto done;
			char stamp[SD_STAMP_STRLEN];
			sd_stamp_format(stamp, sd_ticket_updated_stamp(&t, ctx->clock));
			sd_ticket_set(&t, SD_F_UPDATED, stamp);
			if ((err = sd_store_save_ticket(ctx->store, &t,
							reopened ? "reopen" : "comment")))
				goto done;
			sd_buf_printf(report, "%.8s: %s by %s\n", id,
				      machine		 ? "internal note"
					      : reopened ? "comment, reopened"
							 : "comment",
				      m->from.addr);
			goto done;
		}
	}
	sd_mail_clean_subject(&title, m->subject);
	if (!title.len)
		sd_buf_adds(&title, "(no subject)");
	cut(&title, 500, "\xe2\x80\xa6");
	message_text(&text, m, 0);
	cut(&text, SD_TEXT_MAX_BYTES - 1024, "\n\n(The message is longer; the rest was cut.)");
	if (*m->message_id)
		sd_buf_printf(&key, "mail:%s", m->message_id);
	struct sd_request req = {
		.title = title.data,
		.description = text.data,
		.requester = author.data,
		.channel = "mail",
		.key = key.len ? key.data : NULL,
	};
	struct sd_intake_result res = { 0 };
	err = sd_intake_open(ctx->store, &req, ctx->clock, &res);
	sd_route_outcome_release(&res.route);
	if (!err)
		sd_buf_printf(report, "%.8s: %s from %s\n", res.id,
			      res.reused ? "comment (sent again)" : "new ticket", m->from.addr);
done:
	if (err && err->status == SD_EXIT_INVALID) {
		/* Text the store refuses (too long, unsafe) is the message's
		 * fault: refused, never retried. */
		err->status = EX_DATAERR;
	} else if (err && err->status != EX_DATAERR) {
		err->status = EX_TEMPFAIL;
	}
	sd_ticket_free(&t);
	sd_mail_free(m);
	sd_buf_release(&author);
	sd_buf_release(&text);
	sd_buf_release(&title);
	sd_buf_release(&key);
	return err;
}

/* Keeps a message sd could not store under .git/sd/mail/failed/ and names
 * it in err. */
static void keep_failed(struct sd_ctx *ctx, const char *data, size_t len, sd_error *err)
{
	struct sd_buf dir = SD_BUF_INIT, path = SD_BUF_INIT;
	if (ctx->store) {
		sd_private_path(ctx, "mail", &dir);
		mkdir(dir.data, 0700);
		sd_buf_adds(&dir, "/failed");
	} else {
		const char *tmp = getenv("TMPDIR");
		sd_buf_printf(&dir, "%s/sd-mail-failed", tmp && *tmp ? tmp : "/tmp");
	}
	mkdir(dir.data, 0700);
	sd_buf_printf(&path, "%s/%lld-%ld.eml", dir.data, (long long)ctx->now, (long)getpid());
	FILE *f = fopen(path.data, "wxe");
	int kept = f && fwrite(data, 1, len, f) == len;
	if (f && fclose(f))
		kept = 0;
	struct sd_buf msg = SD_BUF_INIT;
	sd_buf_printf(&msg, "%s; the message %s %s", err->msg,
		      kept ? "is kept in" : "could not be kept in", path.data);
	free(err->msg);
	err->msg = sd_buf_detach(&msg);
	sd_buf_release(&dir);
	sd_buf_release(&path);
}

static sd_error *open_store(struct sd_ctx *ctx)
{
	if (ctx->store)
		return NULL;
	sd_error *err = sd_store_open(&ctx->store, ctx->dir, 0);
	if (err)
		err->status = EX_TEMPFAIL;
	return err;
}

static sd_error *take_mbox(struct sd_ctx *ctx, const char *tag, const char *file)
{
	struct sd_buf data = SD_BUF_INIT, report = SD_BUF_INIT;
	sd_error *err = sd_buf_read_file(&data, file, SIZE_MAX / 2);
	size_t pos = 0, start, end, n = 0, refused = 0;
	if (err)
		goto done;
	/* Counted first, for the progress line: a scan, no parsing. */
	size_t total = 0;
	for (size_t p = 0; sd_mail_mbox_next(data.data, data.len, &p, &start, &end);)
		total++;
	struct sd_progress *progress = sd_progress_start(ctx, "Taking mail", total);
	while (sd_mail_mbox_next(data.data, data.len, &pos, &start, &end)) {
		sd_progress_update(progress, n);
		n++;
		sd_error *one = take_message(ctx, tag, data.data + start, end - start, &report);
		/* Off the terminal before a line is printed to it. */
		if (ctx->stdout_tty || one)
			sd_progress_clear(progress);
		if (one && one->status == EX_DATAERR) {
			fprintf(stderr, "sd: %s: message %zu: %s\n", file, n, one->msg);
			sd_error_free(one);
			refused++;
		} else if (one) {
			err = sd_error_wrap(one, "%s: message %zu (this and later ones not taken)",
					    file, n);
			break;
		}
		fputs(report.data, ctx->out);
		sd_buf_reset(&report);
	}
	sd_progress_update(progress, n);
	if (err)
		sd_progress_abort(progress);
	else
		sd_progress_done(progress);
	if (!err && refused)
		err = sd_error_new(EX_DATAERR, "%s: %zu of %zu messages refused", file, refused, n);
done:
	sd_buf_release(&data);
	sd_buf_release(&report);
	return err;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static sd_error *take_maildir(struct sd_ctx *ctx, const char *tag, const char *dir)
{
	struct sd_buf newdir = SD_BUF_INIT, report = SD_BUF_INIT;
	struct sd_strvec names = { 0 };
	sd_error *err = NULL;
	size_t refused = 0;
	sd_buf_printf(&newdir, "%s/new", dir);
	DIR *d = opendir(newdir.data);
	if (!d) {
		err = sd_error_new(SD_EXIT_INVALID, "%s is not a Maildir (no new/): %s", dir,
				   strerror(errno));
		goto done;
	}
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] != '.')
			sd_strvec_push(&names, e->d_name);
	closedir(d);
	qsort(names.v, names.n, sizeof(*names.v), by_name);
	struct sd_progress *progress = sd_progress_start(ctx, "Taking mail", names.n);
	for (size_t i = 0; i < names.n && !err; i++) {
		struct sd_buf from = SD_BUF_INIT, to = SD_BUF_INIT, data = SD_BUF_INIT;
		sd_progress_update(progress, i);
		sd_buf_printf(&from, "%s/%s", newdir.data, names.v[i]);
		err = sd_buf_read_file(&data, from.data, MAIL_MAX_BYTES);
		sd_error *one = err ? NULL : take_message(ctx, tag, data.data, data.len, &report);
		/* Off the terminal before a line is printed to it. */
		if (ctx->stdout_tty || one)
			sd_progress_clear(progress);
		if (one && one->status == EX_DATAERR) {
			fprintf(stderr, "sd: %s: %s\n", from.data, one->msg);
			sd_error_free(one);
			one = NULL;
			refused++;
		}
		if (one) {
			err = sd_error_wrap(one, "%s (left in new/)", from.data);
		} else if (!err) {
			/* Taken (or refused): seen, so never taken twice. */
			sd_buf_printf(&to, "%s/cur/%s:2,S", dir, names.v[i]);
			if (rename(from.data, to.data))
				err = sd_error_errno(to.data);
			fputs(report.data, ctx->out);
			sd_buf_reset(&report);
		}
		sd_buf_release(&from);
		sd_buf_release(&to);
		sd_buf_release(&data);
	}
	sd_progress_update(progress, names.n);
	if (err)
		sd_progress_abort(progress);
	else
		sd_progress_done(progress);
	if (!err && refused)
		err = sd_error_new(EX_DATAERR, "%s: %zu of %zu messages refused", dir, refused,
				   names.n);
done:
	sd_strvec_clear(&names);
	sd_buf_release(&newdir);
	sd_buf_release(&report);
	return err;
}

sd_error *cmd_mail(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_buf data = SD_BUF_INIT, report = SD_BUF_INIT;
	const char *tag = sd_arg_str(args, "tag");
	const char *mbox = sd_arg_str(args, "mbox"), *maildir = sd_arg_str(args, "maildir");
	sd_error *err = NULL;
	if ((err = sd_args_count(args, 0, 0, ctx->cmd->usage)))
		goto done;
	if (mbox && maildir) {
		err = sd_error_invalid("--mbox and --maildir exclude each other; give one");
		goto done;
	}
	if (tag && (!*tag || strpbrk(tag, "[]# "))) {
		err = sd_error_invalid("invalid --tag '%s': a word without [, ], # or spaces", tag);
		goto done;
	}
	if (mbox || maildir) {
		if (!(err = open_store(ctx)) && !tag)
			tag = sd_store_config(ctx->store)->mail.tag;
		if (!err)
			err = mbox ? take_mbox(ctx, tag, mbox) : take_maildir(ctx, tag, maildir);
		goto done;
	}
	/* One message on standard input, read whole before anything else:
	 * from here on it is never lost. */
	if ((err = sd_buf_read_file(&data, "-", MAIL_MAX_BYTES))) {
		err->status = err->status == SD_EXIT_INVALID ? EX_DATAERR : EX_TEMPFAIL;
		goto done;
	}
	if (!(err = open_store(ctx)) && !tag)
		tag = sd_store_config(ctx->store)->mail.tag;
	if (err || (err = take_message(ctx, tag, data.data, data.len, &report))) {
		if (err->status == EX_TEMPFAIL)
			keep_failed(ctx, data.data, data.len, err);
		goto done;
	}
	fputs(report.data, ctx->out);
done:
	sd_buf_release(&data);
	sd_buf_release(&report);
	return err;
}
