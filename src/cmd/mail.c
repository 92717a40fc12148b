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
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "sd/attach.h"
#include "sd/intake.h"
#include "sd/mail.h"
#include "sd/mailindex.h"
#include "sd/outbox.h"
#include "sd/text.h"

const struct sd_option mail_options[] = {
	{ SD_OPT_STRING, 0, "mbox", "FILE", "take every message of an mbox file" },
	{ SD_OPT_STRING, 0, "maildir", "DIR",
	  "take the messages in DIR/new, moving each to DIR/cur once taken" },
	{ SD_OPT_STRING, 0, "tag", "TAG",
	  "the desk's subject tag, as in [TAG #ID] (default: mail.tag of the config, sd)" },
	{ SD_OPT_BOOL, 0, "dry-run", NULL,
	  "with send: print the messages; send and record nothing" },
	{ SD_OPT_BOOL, 0, "local", NULL,
	  "with send: send from this clone alone, claiming nothing through the remote" },
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

/* sysexits.h, by value: what an MTA understands. */
#define EX_DATAERR 65
#define EX_TEMPFAIL 75

/* A message larger than this is refused, not read: no mail server passes
 * one on, and the store must not grow by it. */
#define MAIL_MAX_BYTES (64u << 20)

/* What a run of sd mail keeps between messages: read from the store once,
 * kept up to date as each message is filed (mailindex.h). */
struct mail_run {
	struct sd_mail_index *ix;
	struct sd_team_load load; /* the team's work, for routing */
	int load_ready;		  /* 0: to be read before the next routing */
};

static void run_init(struct mail_run *run)
{
	memset(run, 0, sizeof(*run));
}

static void run_release(struct mail_run *run)
{
	sd_mail_index_free(run->ix);
	sd_team_load_release(&run->load);
	memset(run, 0, sizeof(*run));
}

/* The team's load as routing the next ticket needs it: read once, then
 * kept by routing itself (it notes each assignment it makes). */
static sd_error *run_load(struct sd_ctx *ctx, struct mail_run *run, struct sd_team_load **out)
{
	if (!run->load_ready) {
		sd_team_load_release(&run->load);
		memset(&run->load, 0, sizeof(run->load));
		sd_error *err = sd_team_load_store(&run->load, ctx->store);
		if (err)
			return err;
		run->load_ready = 1;
	}
	*out = &run->load;
	return NULL;
}

/* After a message whose effect on the load routing did not note (a
 * reopened ticket, a routed ticket not committed): read it again when
 * next needed. */
static void run_load_stale(struct mail_run *run)
{
	run->load_ready = 0;
}

/* Whether In-Reply-To or References names a Message-ID sd sent, which
 * names its ticket (outbox.h): the ticket's full id in id. Such a reply
 * threads even in a clone that has not yet pulled the sending commit. */
static int sent_by_desk(struct sd_store *store, const struct sd_mail *m, char id[SD_ID_LEN + 1])
{
	char prefix[SD_ID_LEN + 1];
	for (size_t i = 0; i <= m->n_references; i++) {
		const char *ref = i < m->n_references ? m->references[i] : m->in_reply_to;
		if (!sd_outbox_ticket_of_message_id(ref, prefix))
			continue;
		sd_error *err = sd_store_resolve(store, id, prefix);
		if (!err)
			return 1;
		sd_error_free(err);
	}
	return 0;
}

/* The ticket a message answers, in the order: a Message-ID of
 * In-Reply-To or References (or, for a bounce, of the message that
 * bounced) that sd received or sent for a ticket; the subject tag; the
 * sender's open ticket of the same subject within mail.thread_window.
 * *dup is set instead when a ticket already holds the message. */
static sd_error *find_ticket(struct sd_ctx *ctx, struct mail_run *run, const struct sd_mail *m,
			     const char *tag, const char *title, char id[SD_ID_LEN + 1], int *found,
			     int *dup)
{
	const struct sd_config *cfg = sd_store_config(ctx->store);
	struct sd_strvec refs = SD_STRVEC_INIT; /* ids it answers, best first */
	char prefix[SD_ID_LEN + 1];
	const char *hit;
	sd_error *err = NULL;
	*found = *dup = 0;
	if (!run->ix && (err = sd_mail_index_load(&run->ix, ctx->store)))
		return err;
	if (*m->in_reply_to)
		sd_strvec_push(&refs, m->in_reply_to);
	for (size_t i = m->n_references; i-- > 0;)
		sd_strvec_push(&refs, m->references[i]);
	if (m->bounce_message_id && *m->bounce_message_id)
		sd_strvec_push(&refs, m->bounce_message_id);
	if ((hit = sd_mail_index_message(run->ix, m->message_id))) {
		memcpy(id, hit, SD_ID_LEN + 1);
		*dup = 1;
		goto done;
	}
	for (size_t i = 0; i < refs.n && !*found; i++)
		if ((hit = sd_mail_index_message(run->ix, refs.v[i]))) {
			memcpy(id, hit, SD_ID_LEN + 1);
			*found = 1;
		}
	if (*found || sent_by_desk(ctx->store, m, id)) {
		*found = 1;
	} else if (sd_mail_subject_tag(m->subject, tag, prefix, sizeof(prefix))) {
		sd_error *miss = sd_store_resolve(ctx->store, id, prefix);
		/* A tag naming no ticket of this desk: the next rule decides. */
		*found = !miss;
		sd_error_free(miss);
	}
	if (!*found && cfg->mail.thread_window > 0 && m->kind == SD_MAIL_PERSON &&
	    (hit = sd_mail_index_subject(run->ix, m->from.addr, title,
					 ctx->now - cfg->mail.thread_window))) {
		memcpy(id, hit, SD_ID_LEN + 1);
		*found = 1;
	}
done:
	sd_strvec_clear(&refs);
	return err;
}

/* The desk's first address, the From of its mail (and its X-Loop). */
static const char *cfg_desk_address(const struct sd_config *cfg)
{
	return cfg->mail.addresses.n ? cfg->mail.addresses.v[0] : "";
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
		if (*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == ',' || *p == ';' ||
		    *p == '(' || *p == ')' || *p == ':' || *p == '[' || *p == ']' || *p == '\\' ||
		    *p == 0x7f)
			return 0;
	return 1;
}

static int in_list(const char *list, const char *addr)
{
	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t n = strcspn(p, ",");
		while (n && p[n - 1] == ' ')
			n--;
		if (n && n == strlen(addr) && sd_strncaseeq(p, addr, n))
			return 1;
		p += n;
	}
	return 0;
}

/* The other recipients of m (To, then Cc), without the desk's own
 * addresses, the sender, what skip already lists and repeats, appended
 * to out as "a@x, b@y" (sep between items). A desk that has not set
 * mail.addresses cannot tell itself from the others in To, where it
 * usually is: then only Cc counts, so the desk never copies itself. */
static void other_recipients(struct sd_buf *out, const struct sd_config *cfg,
			     const struct sd_mail *m, const char *skip, const char *sep)
{
	const struct sd_mail_address *lists[2] = { m->to, m->cc };
	size_t counts[2] = { cfg->mail.addresses.n ? m->n_to : 0, m->n_cc };
	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < counts[l]; i++) {
			const char *a = lists[l][i].addr;
			if (!usable_address(a) || sd_config_own_address(cfg, a) ||
			    sd_strcaseeq(a, m->from.addr) || in_list(skip, a))
				continue;
			/* sep is "," or ", ": in_list reads either. */
			if (in_list(out->data, a) || out->len > 16 * 1024)
				continue;
			sd_buf_printf(out, "%s%s", out->len ? sep : "", a);
		}
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

/* The text a ticket keeps of the message: its body (a reply without the
 * quoted message), then the files stored and those dropped. */
static void message_text(struct sd_buf *out, const struct sd_mail *m, int reply,
			 const struct sd_attach_plan *plan, size_t original)
{
	/* Inline images link to their stored files: plan's first items are
	 * the message's attachments, in order (none for machine mail). */
	const char **names = NULL;
	struct sd_buf body = SD_BUF_INIT;
	if (plan && m->n_cid_pieces && plan->n >= m->n_attachments &&
	    (original == SIZE_MAX || original == m->n_attachments)) {
		names = sd_xcalloc(m->n_attachments + 1, sizeof(*names));
		for (size_t i = 0; i < m->n_attachments; i++)
			names[i] = plan->items[i].stored;
	}
	sd_mail_body_linked(&body, m, names);
	free(names);
	if (reply)
		sd_mail_trim_reply(out, body.data);
	else
		sd_buf_add(out, body.data, body.len);
	sd_buf_release(&body);
	if (!out->len)
		sd_buf_adds(out, "(no text)");
	cut(out, SD_TEXT_MAX_BYTES - 64 * 1024, "\n\n(The message is longer; the rest was cut.)");
	size_t shown = 0;
	for (size_t i = 0; plan && i < plan->n && shown < 200; i++) {
		const struct sd_attach_item *it = &plan->items[i];
		if (i == original) {
			/* The original is in files/ and named by its mail event;
			 * only its absence is news. */
			if (!it->stored)
				sd_buf_printf(out, "%sOriginal message not kept: %s",
					      shown++ ? "\n" : "\n\n", it->dropped);
			continue;
		}
		sd_buf_adds(out, shown++ ? "\n" : "\n\n");
		if (it->stored)
			sd_buf_printf(out, "Attached: files/%s (%zu bytes)", it->stored, it->len);
		else
			sd_buf_printf(out, "Not stored: %s (%s)",
				      *it->given ? it->given : "unnamed", it->dropped);
	}
	if (plan && shown < plan->n - (original != SIZE_MAX))
		sd_buf_printf(out, "\n(and %zu more files)",
			      plan->n - (original != SIZE_MAX) - shown);
}

/* Whether a ticket closed more than reopen_days ago, by its last status
 * event; a ticket closed by hand with no event counts from updated. */
static int closed_long_ago(const struct sd_ticket *t, const struct sd_config *cfg, sd_stamp now)
{
	sd_stamp when = 0;
	for (size_t i = t->nentries; i-- > 0;) {
		const struct sd_entry *e = &t->entries[i];
		if (e->kind == SD_ENTRY_EVENT && !strcmp(e->field, "status") &&
		    !strcmp(e->to, "closed")) {
			when = e->at;
			break;
		}
	}
	if (!when)
		sd_error_free(sd_stamp_parse(&when, sd_ticket_get(t, SD_F_UPDATED)));
	return now - when > (sd_stamp)cfg->mail.reopen_days * 86400 * 1000;
}

/* Plans the message's files for ticket id: its attachments (none for
 * machine mail, which holds our own message again), and the original
 * whole, last, unless mail.keep_original is false; *original gets its
 * index (SIZE_MAX: none). */
static sd_error *plan_files(struct sd_ctx *ctx, struct sd_attach_plan *plan, const char *id,
			    const struct sd_mail *m, const char *data, size_t len, int machine,
			    size_t *original)
{
	const struct sd_config *cfg = sd_store_config(ctx->store);
	size_t n = machine ? 0 : m->n_attachments;
	struct sd_attach_file *files = sd_xcalloc(n + 1, sizeof(*files));
	for (size_t i = 0; i < n; i++)
		files[i] = (struct sd_attach_file){ m->attachments[i].name, m->attachments[i].data,
						    m->attachments[i].size, 0 };
	*original = SIZE_MAX;
	if (cfg->mail.keep_original) {
		*original = n;
		files[n++] = (struct sd_attach_file){ "message.eml", data, len,
						      cfg->mail.max_message_bytes };
	}
	struct sd_attach_limits lim = { cfg->mail.max_file_bytes, cfg->mail.max_message_bytes,
					SD_ATTACH_MAX_FILES };
	sd_error *err = sd_attach_plan(plan, ctx->store, id, files, n, &lim, "mail.max_file_bytes",
				       "mail.max_message_bytes");
	free(files);
	return err;
}

/* Records the message's files on t: each stored attachment (so that the
 * portal shows the requester what they sent) and each dropped one, but
 * not the original .eml, the desk's own record of the message. */
static sd_error *record_files(struct sd_ticket *t, const struct sd_attach_plan *plan,
			      size_t original, const char *author, sd_stamp at,
			      const struct sd_entry_mail *mark)
{
	struct sd_attach_plan sent = *plan, kept = { 0 };
	if (original < plan->n) {
		/* The original is the plan's last item (plan_files). */
		sent.n = original;
		kept = (struct sd_attach_plan){ plan->items + original, 1, 0, 0 };
	}
	sd_error *err = sd_attach_record(t, &sent, author, at, 1, mark);
	return err ? err : sd_attach_record(t, &kept, author, at, 0, mark);
}

/* Adds a follow-up to the ticket it answers and commits it with its
 * files; *reopened says whether it reopened the ticket. */
static sd_error *follow_up(struct sd_ctx *ctx, struct sd_ticket *t, const struct sd_mail *m,
			   const char *data, size_t len, const char *author, int machine,
			   const struct sd_entry_mail *mark, int *reopened)
{
	const struct sd_config *cfg = sd_store_config(ctx->store);
	struct sd_attach_plan plan = { 0 };
	struct sd_buf text = SD_BUF_INIT, cc = SD_BUF_INIT;
	const char *id = sd_ticket_get(t, SD_F_ID), *status = sd_ticket_get(t, SD_F_STATUS);
	size_t original;
	char stamp[SD_STAMP_STRLEN];
	int was_done = !strcmp(status, "resolved") || !strcmp(status, "closed");
	sd_error *err = plan_files(ctx, &plan, id, m, data, len, machine, &original);
	if (err)
		goto done;
	if (machine)
		sd_buf_printf(&text, "%s from %s: %s\n\n",
			      m->kind == SD_MAIL_BOUNCE ? "Delivery report" : "Automatic reply",
			      m->from.addr, m->subject);
	message_text(&text, m, 1, &plan, original);
	if ((err = sd_text_validate(text.data, text.len, "the message text")) ||
	    (err = sd_ticket_add_mail_comment(t, author, ctx->clock, machine, text.data, mark,
					      NULL)) ||
	    (err = record_files(t, &plan, original, author, ctx->clock, mark)))
		goto done;
	if (m->kind == SD_MAIL_BOUNCE && *m->bounce_recipient) {
		/* Nothing more goes to that address for this ticket. */
		struct sd_buf why = SD_BUF_INIT;
		sd_buf_printf(&why, "delivery failed: %s%s%s",
			      *m->bounce_status ? m->bounce_status : "no status",
			      *m->bounce_action ? " " : "", m->bounce_action);
		for (const char *p = m->bounce_recipient; *p;) {
			while (*p == ' ' || *p == ',')
				p++;
			size_t n = strcspn(p, ", ");
			char *addr = sd_xstrndup(p, n);
			if (usable_address(addr)) {
				char eid[SD_ENTRY_ID_LEN + 1];
				if (!(err = sd_id_generate(eid, SD_ENTRY_ID_LEN))) {
					sd_ticket_add_event_with_id(t, eid, author, ctx->clock,
								    "mail", addr, "bounced",
								    why.data);
					struct sd_entry *e = sd_ticket_entry(t, eid);
					if (e)
						sd_entry_set_mail(e, mark);
				}
			}
			free(addr);
			p += n;
			if (err)
				break;
		}
		sd_buf_release(&why);
		if (err)
			goto done;
	}
	if (!machine) {
		/* New people on the thread get the ticket's mail from now on. */
		const char *old = sd_ticket_get(t, SD_F_CC);
		struct sd_buf skip = SD_BUF_INIT;
		sd_buf_printf(&skip, "%s, ", old);
		sd_email_of(&skip, sd_ticket_get(t, SD_F_REQUESTER));
		sd_buf_adds(&cc, old);
		size_t before = cc.len;
		other_recipients(&cc, cfg, m, skip.data, ", ");
		sd_buf_release(&skip);
		if (cc.len != before &&
		    (err = sd_ticket_change(t, SD_F_CC, cc.data, author, ctx->clock,
					    "in the To or Cc of mail on the ticket", NULL)))
			goto done;
	}
	if (!machine && was_done &&
	    (err = sd_ticket_change(t, SD_F_STATUS, "open", author, ctx->clock,
				    "the requester wrote again", reopened)))
		goto done;
	sd_stamp_format(stamp, sd_ticket_updated_stamp(t, ctx->clock));
	sd_ticket_set(t, SD_F_UPDATED, stamp);
	err = sd_attach_commit(ctx->store, t, &plan, *reopened ? "reopen" : "comment");
done:
	sd_attach_plan_release(&plan);
	sd_buf_release(&text);
	sd_buf_release(&cc);
	return err;
}

/* Opens a ticket for the message, with its files, in one commit. */
static sd_error *open_ticket(struct sd_ctx *ctx, struct mail_run *run, const struct sd_mail *m,
			     const char *data, size_t len, const char *author, const char *title,
			     const char *before, const struct sd_entry_mail *mark,
			     char id[SD_ID_LEN + 1])
{
	const struct sd_config *cfg = sd_store_config(ctx->store);
	struct sd_ticket t;
	struct sd_attach_plan plan = { 0 };
	struct sd_buf text = SD_BUF_INIT, key = SD_BUF_INIT, cc = SD_BUF_INIT;
	struct sd_route_outcome route = { 0 };
	char stamp[SD_STAMP_STRLEN], eid[SD_ENTRY_ID_LEN + 1];
	size_t original;
	/* No sd_ticket_init: sd_intake_prepare initialises t (also when it
	 * fails), and an init before it leaked. */
	if (*m->message_id)
		sd_buf_printf(&key, "mail:%s", m->message_id);
	other_recipients(&cc, cfg, m, "", ", ");
	struct sd_request req = {
		.title = title,
		.description = "-",
		.requester = author,
		.channel = "mail",
		.key = key.len ? key.data : NULL,
		.no_auto_reply = sd_outbox_no_auto_reply(m, cfg_desk_address(cfg)),
	};
	struct sd_team_load *load = NULL;
	sd_ticket_init(&t);
	sd_error *err = run_load(ctx, run, &load);
	if (err)
		goto done;
	sd_ticket_free(&t);
	/* The id comes first: the files' paths are under it. Routing notes
	 * its assignment in the run's load; if the ticket is not committed
	 * after all, that load is read again. */
	run_load_stale(run);
	if ((err = sd_intake_prepare(&t, &route, ctx->store, &req, load, author, ctx->clock)))
		goto done;
	if ((err = plan_files(ctx, &plan, sd_ticket_get(&t, SD_F_ID), m, data, len, 0, &original)))
		goto done;
	sd_buf_adds(&text, before);
	message_text(&text, m, 0, &plan, original);
	if ((err = sd_text_validate(text.data, text.len, "the message text")))
		goto done;
	free(t.description);
	t.description = sd_text_trim_lines(text.data);
	if (cc.len && !sd_cc_validate(cc.data))
		sd_ticket_set(&t, SD_F_CC, cc.data);
	if ((err = sd_id_generate(eid, SD_ENTRY_ID_LEN)))
		goto done;
	sd_ticket_add_event_with_id(&t, eid, author, ctx->clock, "mail", "", "received", "");
	struct sd_entry *e = sd_ticket_entry(&t, eid);
	if (e)
		sd_entry_set_mail(e, mark);
	if ((err = record_files(&t, &plan, original, author, ctx->clock, mark)))
		goto done;
	sd_stamp_format(stamp, sd_ticket_updated_stamp(&t, ctx->clock));
	sd_ticket_set(&t, SD_F_UPDATED, stamp);
	if ((err = sd_attach_commit(ctx->store, &t, &plan, "new")))
		goto done;
	run->load_ready = 1;
	sd_mail_index_add(run->ix, &t);
	memcpy(id, sd_ticket_get(&t, SD_F_ID), SD_ID_LEN + 1);
done:
	sd_route_outcome_release(&route);
	sd_attach_plan_release(&plan);
	sd_ticket_free(&t);
	sd_buf_release(&text);
	sd_buf_release(&key);
	sd_buf_release(&cc);
	return err;
}

/* Prints the report lines: they hold a message's addresses and
 * Message-ID, text from outside, so they are made inert first. */
static void print_report(struct sd_ctx *ctx, const struct sd_buf *report)
{
	struct sd_buf inert = SD_BUF_INIT;
	sd_put_text(&inert, report->data);
	fputs(inert.data, ctx->out);
	sd_buf_release(&inert);
}

/* Takes one message into the store; report gets one line for the user. */
static sd_error *take_message(struct sd_ctx *ctx, struct mail_run *run, const char *tag,
			      const char *data, size_t len, struct sd_buf *report)
{
	const struct sd_config *cfg;
	struct sd_mail *m = NULL;
	struct sd_buf author = SD_BUF_INIT, title = SD_BUF_INIT, before = SD_BUF_INIT,
		      to = SD_BUF_INIT;
	struct sd_ticket t;
	char id[SD_ID_LEN + 1];
	int found = 0, dup = 0, locked = 0;
	sd_ticket_init(&t);
	sd_error *err = sd_mail_parse(&m, data, len);
	if (err)
		goto done;
	cfg = sd_store_config(ctx->store);
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
	if (sd_config_own_address(cfg, m->from.addr)) {
		err = sd_error_new(EX_DATAERR,
				   "the message is from the desk's own address %s (mail.addresses); "
				   "not taken, so that mail never loops",
				   m->from.addr);
		goto done;
	}
	sender(&author, m);
	sd_mail_clean_subject(&title, m->subject);
	if (!title.len)
		sd_buf_adds(&title, "(no subject)");
	cut(&title, 500, "\xe2\x80\xa6");
	other_recipients(&to, cfg, m, "", ",");
	struct sd_entry_mail mark = { m->message_id, m->from.addr, to.data,
				      usable_address(m->reply_to.addr) &&
						      !sd_strcaseeq(m->reply_to.addr, m->from.addr)
					      ? m->reply_to.addr
					      : "" };
	/* From the look-up to the commit: two deliveries of one message at
	 * once must not both file it. */
	if ((err = sd_store_lock(ctx->store)))
		goto done;
	locked = 1;
	if ((err = find_ticket(ctx, run, m, tag, title.data, id, &found, &dup)))
		goto done;
	if (dup) {
		/* The same message delivered again (a retry after a timeout,
		 * two MX hosts) is taken once. */
		sd_buf_printf(report, "%.8s: already taken (Message-ID %s)\n", id, m->message_id);
		goto done;
	}
	int machine = m->kind == SD_MAIL_BOUNCE || m->kind == SD_MAIL_AUTO_REPLY;
	if (!found && machine) {
		/* Never a ticket of its own. Not refused either: a refusal
		 * makes the mail server bounce it to the machine that wrote
		 * it, which is an answer to an automatic reply, the loop RFC
		 * 3834 warns of. Accepted and dropped, and said. */
		sd_buf_printf(report, "dropped: %s from %s answers no ticket of this desk\n",
			      m->kind == SD_MAIL_BOUNCE ? "the delivery report"
							: "the automatic reply",
			      m->from.addr);
		goto done;
	}
	if (found) {
		int reopened = 0;
		sd_ticket_free(&t); /* sd_store_read initialises it again */
		if ((err = sd_store_read(ctx->store, id, &t, NULL)))
			goto done;
		const char *status = sd_ticket_get(&t, SD_F_STATUS);
		if (!machine &&
		    (!strcmp(status, "cancelled") ||
		     (!strcmp(status, "closed") && closed_long_ago(&t, cfg, ctx->clock)))) {
			/* Long closed, or cancelled: the follow-up opens a new
			 * ticket that names the old one. */
			sd_buf_printf(&before, "Follow-up to %.8s, which is %s.\n\n", id, status);
			found = 0;
		}
		if (found) {
			if ((err = follow_up(ctx, &t, m, data, len, author.data, machine, &mark,
					     &reopened)))
				goto done;
			sd_mail_index_add(run->ix, &t);
			if (reopened)
				run_load_stale(run); /* one more open ticket */
			sd_buf_printf(report, "%.8s: %s by %s\n", id,
				      machine		 ? "internal note"
					      : reopened ? "comment, reopened"
							 : "comment",
				      m->from.addr);
			goto done;
		}
	}
	if ((err = open_ticket(ctx, run, m, data, len, author.data, title.data, before.data, &mark,
			       id)))
		goto done;
	sd_buf_printf(report, "%.8s: new ticket from %s\n", id, m->from.addr);
done:
	if (locked)
		sd_store_unlock(ctx->store);
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
	sd_buf_release(&title);
	sd_buf_release(&before);
	sd_buf_release(&to);
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

/* Many messages are taken as a run of commits (store.h): each message is
 * still a commit of its own, but the commits become reachable from the
 * branch, and so delivered, at a checkpoint every CHECKPOINT_COMMITS
 * messages or CHECKPOINT_SECONDS, and at the end. Until then a message's
 * line is not printed and a Maildir message stays in new/: a kill loses
 * nothing, since the journal puts the work tree back and the messages are
 * still there to take again (one already filed is known by its
 * Message-ID). */
#define CHECKPOINT_COMMITS 1000
#define CHECKPOINT_SECONDS 10

/* The messages taken since the last checkpoint. */
struct delivery {
	struct sd_progress *progress;
	struct sd_buf reports;	   /* their lines for the user */
	struct sd_strvec from, to; /* Maildir files to move once delivered */
	struct timespec last;	   /* the last checkpoint */
	size_t pending;		   /* messages since */
	size_t every;
	long kill_after, taken; /* the test hook: see delivery_start */
};

static double seconds_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static sd_error *delivery_start(struct sd_ctx *ctx, struct delivery *d, size_t total)
{
	memset(d, 0, sizeof(*d));
	sd_buf_init(&d->reports);
	clock_gettime(CLOCK_MONOTONIC, &d->last);
	d->every = CHECKPOINT_COMMITS;
	/* For the tests of a kill in the middle of a run, which must be
	 * cheap: checkpoints every SD_TEST_MAIL_CHECKPOINT messages, and a
	 * SIGKILL right after message SD_TEST_MAIL_KILL_AFTER is taken. */
	const char *every = getenv("SD_TEST_MAIL_CHECKPOINT"),
		   *kill = getenv("SD_TEST_MAIL_KILL_AFTER");
	if (every && atoi(every) > 0)
		d->every = (size_t)atoi(every);
	d->kill_after = kill ? atol(kill) : 0;
	sd_error *err = sd_store_batch_begin(ctx->store);
	if (err)
		err->status = EX_TEMPFAIL;
	else
		d->progress = sd_progress_start(ctx, "Taking mail", total);
	return err;
}

/* Makes the messages taken so far durable, then says so: their lines
 * printed, their Maildir files moved to cur/. */
static sd_error *checkpoint(struct sd_ctx *ctx, struct delivery *d, int last)
{
	sd_error *err = last ? sd_store_batch_end(ctx->store) : sd_store_batch_flush(ctx->store);
	clock_gettime(CLOCK_MONOTONIC, &d->last);
	if (err) {
		err->status = EX_TEMPFAIL;
		err = sd_error_wrap(err,
				    "the last %zu messages could not be committed and are not "
				    "taken; take them again",
				    d->pending);
	}
	d->pending = 0;
	if (!err && d->reports.len) {
		sd_progress_clear(d->progress);
		print_report(ctx, &d->reports);
		fflush(ctx->out); /* said as soon as it is so */
	}
	sd_buf_reset(&d->reports);
	for (size_t i = 0; !err && i < d->from.n; i++)
		if (rename(d->from.v[i], d->to.v[i]))
			err = sd_error_errno(d->to.v[i]);
	sd_strvec_clear(&d->from);
	sd_strvec_clear(&d->to);
	return err;
}

/* After each message: a checkpoint when one is due. */
static sd_error *delivered(struct sd_ctx *ctx, struct delivery *d)
{
	d->pending++;
	if (d->kill_after && ++d->taken == d->kill_after)
		raise(SIGKILL);
	if (sd_store_batch_pending(ctx->store) < d->every &&
	    seconds_since(&d->last) < CHECKPOINT_SECONDS)
		return NULL;
	return checkpoint(ctx, d, 0);
}

/* Ends the run: the last checkpoint, unless err (which says what was not
 * taken) already ended it; the run's error, or that of the checkpoint. */
static sd_error *delivery_end(struct sd_ctx *ctx, struct delivery *d, sd_error *err, size_t n)
{
	sd_error *last = checkpoint(ctx, d, 1);
	if (err)
		sd_error_free(last);
	else
		err = last;
	sd_progress_update(d->progress, n);
	if (err)
		sd_progress_abort(d->progress);
	else
		sd_progress_done(d->progress);
	sd_buf_release(&d->reports);
	return err;
}

static sd_error *take_mbox(struct sd_ctx *ctx, struct mail_run *run, const char *tag,
			   const char *file)
{
	struct sd_buf data = SD_BUF_INIT;
	struct delivery d;
	sd_error *err = sd_buf_read_file(&data, file, SIZE_MAX / 2);
	size_t pos = 0, start, end, n = 0, refused = 0;
	if (err)
		goto done;
	/* Counted first, for the progress line: a scan, no parsing. */
	size_t total = 0;
	for (size_t p = 0; sd_mail_mbox_next(data.data, data.len, &p, &start, &end);)
		total++;
	if ((err = delivery_start(ctx, &d, total)))
		goto done;
	while (sd_mail_mbox_next(data.data, data.len, &pos, &start, &end)) {
		sd_progress_update(d.progress, n);
		n++;
		sd_error *one =
			take_message(ctx, run, tag, data.data + start, end - start, &d.reports);
		if (one && one->status == EX_DATAERR) {
			/* Off the terminal before a line is printed to it. */
			sd_progress_clear(d.progress);
			fprintf(stderr, "sd: %s: message %zu: %s\n", file, n, one->msg);
			sd_error_free(one);
			refused++;
		} else if (one) {
			err = sd_error_wrap(one, "%s: message %zu (this and later ones not taken)",
					    file, n);
			break;
		}
		if ((err = delivered(ctx, &d)))
			break;
	}
	err = delivery_end(ctx, &d, err, n);
	if (!err && refused)
		err = sd_error_new(EX_DATAERR, "%s: %zu of %zu messages refused", file, refused, n);
done:
	sd_buf_release(&data);
	return err;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static sd_error *take_maildir(struct sd_ctx *ctx, struct mail_run *run, const char *tag,
			      const char *dir)
{
	struct sd_buf newdir = SD_BUF_INIT;
	struct sd_strvec names = { 0 };
	struct delivery d;
	sd_error *err = NULL;
	size_t refused = 0;
	sd_buf_printf(&newdir, "%s/new", dir);
	DIR *dh = opendir(newdir.data);
	if (!dh) {
		err = sd_error_new(SD_EXIT_INVALID, "%s is not a Maildir (no new/): %s", dir,
				   strerror(errno));
		goto done;
	}
	for (struct dirent *e; (e = readdir(dh));)
		if (e->d_name[0] != '.')
			sd_strvec_push(&names, e->d_name);
	closedir(dh);
	qsort(names.v, names.n, sizeof(*names.v), by_name);
	if ((err = delivery_start(ctx, &d, names.n)))
		goto done;
	for (size_t i = 0; i < names.n && !err; i++) {
		struct sd_buf from = SD_BUF_INIT, to = SD_BUF_INIT, data = SD_BUF_INIT;
		sd_progress_update(d.progress, i);
		sd_buf_printf(&from, "%s/%s", newdir.data, names.v[i]);
		err = sd_buf_read_file(&data, from.data, MAIL_MAX_BYTES);
		sd_error *one =
			err ? NULL : take_message(ctx, run, tag, data.data, data.len, &d.reports);
		if (one && one->status == EX_DATAERR) {
			/* Off the terminal before a line is printed to it. */
			sd_progress_clear(d.progress);
			fprintf(stderr, "sd: %s: %s\n", from.data, one->msg);
			sd_error_free(one);
			one = NULL;
			refused++;
		}
		if (one) {
			err = sd_error_wrap(one, "%s (left in new/)", from.data);
		} else if (!err) {
			/* Taken (or refused): seen, so never taken twice, once
			 * the checkpoint has made it durable. */
			sd_buf_printf(&to, "%s/cur/%s:2,S", dir, names.v[i]);
			sd_strvec_push(&d.from, from.data);
			sd_strvec_push(&d.to, to.data);
			err = delivered(ctx, &d);
		}
		sd_buf_release(&from);
		sd_buf_release(&to);
		sd_buf_release(&data);
	}
	err = delivery_end(ctx, &d, err, names.n);
	if (!err && refused)
		err = sd_error_new(EX_DATAERR, "%s: %zu of %zu messages refused", dir, refused,
				   names.n);
done:
	sd_strvec_clear(&names);
	sd_buf_release(&newdir);
	return err;
}

sd_error *cmd_mail(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_buf data = SD_BUF_INIT, report = SD_BUF_INIT;
	const char *tag = sd_arg_str(args, "tag");
	const char *mbox = sd_arg_str(args, "mbox"), *maildir = sd_arg_str(args, "maildir");
	struct mail_run run;
	sd_error *err = NULL;
	run_init(&run);
	if (args->pos.n && !strcmp(args->pos.v[0], "send"))
		return cmd_mail_send(ctx, args); /* mail out: src/cmd/mail_send.c */
	if (sd_arg_flag(args, "dry-run") || sd_arg_flag(args, "local")) {
		err = sd_error_invalid("--dry-run and --local go with 'sd mail send'");
		goto done;
	}
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
			err = mbox ? take_mbox(ctx, &run, tag, mbox)
				   : take_maildir(ctx, &run, tag, maildir);
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
	if (err || (err = take_message(ctx, &run, tag, data.data, data.len, &report))) {
		if (err->status == EX_TEMPFAIL)
			keep_failed(ctx, data.data, data.len, err);
		goto done;
	}
	print_report(ctx, &report);
done:
	run_release(&run);
	sd_buf_release(&data);
	sd_buf_release(&report);
	return err;
}
