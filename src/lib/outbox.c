/* SPDX-License-Identifier: MIT */
/* The outbox: mail owed by the timelines, composed with GMime (outbox.h). */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>
#include <gmime/gmime.h>

#include "sd/calendar.h"
#include "sd/lang.h"
#include "sd/outbox.h"
#include "sd/sla.h"
#include "sd/team.h"
#include "sd/text.h"

/* Auto-replies sent to one address in the last 24 hours. */
struct sd_outbox_sent {
	char *addr; /* lower case */
	size_t n;
};

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_start(void)
{
	/* GMime counts its initialisations; mail.c makes its own. */
	g_mime_init();
}

/* ---- addresses ---- */

int sd_outbox_address_ok(const char *addr)
{
	const char *at = strchr(addr, '@');
	size_t len = strlen(addr);
	if (!at || at == addr || !at[1] || strchr(at + 1, '@') || len > 254)
		return 0;
	for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("<>()[]\\,;:\"", *p))
			return 0;
	return addr[len - 1] != '.' && at[1] != '.';
}

/* The address of "Name <addr>" (or of "addr"), lower-cased, into out. */
static void address_of(struct sd_buf *out, const char *who)
{
	struct sd_buf a = SD_BUF_INIT;
	sd_email_of(&a, who);
	const char *s = a.data;
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	for (size_t i = 0; i < n; i++)
		sd_buf_addch(out, (char)sd_ascii_tolower((unsigned char)s[i]));
	sd_buf_release(&a);
}

/* The display name of "Name <addr>": "" when none. */
static void name_of(struct sd_buf *out, const char *who)
{
	const char *lt = strrchr(who, '<');
	if (!lt)
		return;
	const char *s = who, *e = lt;
	while (s < e && *s == ' ')
		s++;
	while (e > s && e[-1] == ' ')
		e--;
	/* "Name" <addr>: the quotes are syntax, not part of the name. */
	if (e - s >= 2 && *s == '"' && e[-1] == '"')
		s++, e--;
	sd_buf_add(out, s, (size_t)(e - s));
}

int sd_outbox_machine_address(const char *addr)
{
	static const char *const machines[] = { "mailer-daemon", "postmaster", "noreply",
						"no-reply",	 "no_reply",   "donotreply",
						"do-not-reply",	 "bounce",     "bounces" };
	struct sd_buf a = SD_BUF_INIT;
	address_of(&a, addr);
	const char *at = strchr(a.data, '@');
	size_t local = at ? (size_t)(at - a.data) : a.len;
	int machine = !a.len;
	for (size_t i = 0; !machine && i < sizeof(machines) / sizeof(*machines); i++) {
		size_t n = strlen(machines[i]);
		/* "bounces+x@", "noreply-42@": the word and a separator. */
		if (local >= n && !memcmp(a.data, machines[i], n) &&
		    (local == n || strchr("+-._", a.data[n])))
			machine = 1;
	}
	sd_buf_release(&a);
	return machine;
}

const char *sd_outbox_no_auto_reply(const struct sd_mail *m, const char *desk_address)
{
	if (m->kind == SD_MAIL_BOUNCE)
		return "the message is a delivery report";
	if (m->kind == SD_MAIL_AUTO_REPLY)
		return "the message is an automatic reply";
	if (m->kind == SD_MAIL_LIST)
		return "the message came from a mailing list or as bulk mail";
	if (m->null_return_path)
		return "the message has a null Return-Path";
	if (*m->x_loop && desk_address && *desk_address) {
		/* X-Loop may be repeated or carry a name: any mention of the
		 * desk's address is ours. */
		struct sd_buf want = SD_BUF_INIT;
		address_of(&want, desk_address);
		int ours = sd_strcasestr(m->x_loop, want.data) != NULL;
		sd_buf_release(&want);
		if (ours)
			return "the message carries this desk's X-Loop";
	}
	if (sd_outbox_machine_address(m->from.addr))
		return "the sender is a mailer or a no-reply address";
	return NULL;
}

/* ---- message ids ---- */

static void domain_of(struct sd_buf *out, const char *addr)
{
	const char *at = strrchr(addr, '@');
	sd_buf_adds(out, at && at[1] ? at + 1 : "localhost");
}

int sd_outbox_ticket_of_message_id(const char *message_id, char id[SD_ID_LEN + 1])
{
	if (!sd_starts_with(message_id, "sd-") || strlen(message_id) < 3 + SD_ID_LEN + 1 ||
	    message_id[3 + SD_ID_LEN] != '-')
		return 0;
	memcpy(id, message_id + 3, SD_ID_LEN);
	id[SD_ID_LEN] = '\0';
	return sd_id_valid(id);
}

/* A Message-ID fit for a header: printable ASCII, no brackets or blanks. */
static int message_id_ok(const char *id)
{
	if (!*id || strlen(id) > 250 || !strchr(id, '@'))
		return 0;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '<' || *p == '>')
			return 0;
	return 1;
}

/* ---- composing ---- */

/* Header text on one line: control characters (CR and LF among them)
 * become spaces, so that no value can end its header and start another;
 * GMime encodes what is not ASCII (RFC 2047). */
static char *header_text(const char *s)
{
	struct sd_buf clean = SD_BUF_INIT, out = SD_BUF_INIT;
	sd_text_clean(&clean, s, strlen(s));
	int space = 0;
	for (const char *p = clean.data; *p; p++) {
		if (*p == '\n' || *p == '\t' || *p == ' ') {
			space = out.len > 0;
			continue;
		}
		if (space)
			sd_buf_addch(&out, ' ');
		space = 0;
		sd_buf_addch(&out, *p);
	}
	sd_buf_release(&clean);
	return sd_buf_detach(&out);
}

/* Adds who ("Name <addr>") to the list of type; returns 0 when its
 * address is not usable. */
static int add_mailbox(GMimeMessage *msg, GMimeAddressType type, const char *who)
{
	struct sd_buf addr = SD_BUF_INIT, name = SD_BUF_INIT;
	address_of(&addr, who);
	name_of(&name, who);
	int ok = sd_outbox_address_ok(addr.data);
	if (ok) {
		char *n = header_text(name.data);
		InternetAddress *ia = internet_address_mailbox_new(n, addr.data);
		/* UTF-8 words, not whatever legacy charset would fit. */
		internet_address_set_charset(ia, "utf-8");
		internet_address_list_add(g_mime_message_get_addresses(msg, type), ia);
		g_object_unref(ia);
		free(n);
	}
	sd_buf_release(&addr);
	sd_buf_release(&name);
	return ok;
}

static GMimeObject *text_part(const char *subtype, const char *text)
{
	GMimePart *p = g_mime_part_new_with_type("text", subtype);
	g_mime_object_set_content_type_parameter((GMimeObject *)p, "charset", "utf-8");
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	GMimeDataWrapper *w =
		g_mime_data_wrapper_new_with_stream(st, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(p, w);
	g_mime_part_set_content_encoding(
		p, g_mime_part_get_best_content_encoding(p, GMIME_ENCODING_CONSTRAINT_7BIT));
	g_object_unref(w);
	g_object_unref(st);
	return (GMimeObject *)p;
}

/* The type a file's name says, for the reader's mail program; anything
 * else is application/octet-stream. */
static const char *type_of(const char *name)
{
	static const char *const types[][2] = {
		{ ".pdf", "application/pdf" }, { ".png", "image/png" },
		{ ".jpg", "image/jpeg" },      { ".jpeg", "image/jpeg" },
		{ ".gif", "image/gif" },       { ".txt", "text/plain" },
		{ ".log", "text/plain" },      { ".csv", "text/csv" },
		{ ".zip", "application/zip" }, { ".eml", "message/rfc822" },
		{ ".html", "text/plain" },     { ".htm", "text/plain" },
	};
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
		size_t k = strlen(types[i][0]);
		if (n > k && sd_strcaseeq(name + n - k, types[i][0]))
			return types[i][1];
	}
	return "application/octet-stream";
}

/* An attachment, base64, its name as GMime encodes it (RFC 2231 for
 * what is not ASCII). An .eml goes as bytes too: it is the requester's
 * original, not a message to nest. HTML goes as text, never to render. */
static GMimeObject *file_part(const struct sd_outbox_file *f)
{
	const char *type = type_of(f->name);
	if (!strcmp(type, "message/rfc822"))
		type = "application/octet-stream";
	char *slash = strchr(type, '/');
	char *major = sd_xstrndup(type, (size_t)(slash - type));
	GMimePart *p = g_mime_part_new_with_type(major, slash + 1);
	free(major);
	char *name = header_text(f->name);
	g_mime_part_set_filename(p, name);
	free(name);
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(f->data, f->len);
	GMimeDataWrapper *w =
		g_mime_data_wrapper_new_with_stream(st, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(p, w);
	g_mime_part_set_content_encoding(p, GMIME_CONTENT_ENCODING_BASE64);
	g_object_unref(w);
	g_object_unref(st);
	return (GMimeObject *)p;
}

/* The HTML part: the Markdown rendered by cmark with raw HTML and unsafe
 * links left out (CMARK_OPT_SAFE; the default of cmark 0.29 and later). */
static char *html_of(const char *markdown)
{
	char *body = cmark_markdown_to_html(markdown, strlen(markdown), CMARK_OPT_SAFE);
	struct sd_buf out = SD_BUF_INIT;
	sd_buf_printf(&out,
		      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n"
		      "<body>\n%s</body></html>\n",
		      body);
	free(body);
	return sd_buf_detach(&out);
}

sd_error *sd_outbox_compose(struct sd_buf *out, const struct sd_outbox_draft *d)
{
	pthread_once(&gmime_once, gmime_start);
	GMimeMessage *msg = g_mime_message_new(TRUE);
	GMimeObject *top = (GMimeObject *)msg;
	size_t recipients = 0;
	sd_error *err = NULL;
	char *s = NULL;

	struct sd_buf from = SD_BUF_INIT;
	sd_buf_printf(&from, "%s <%s>", d->from_name ? d->from_name : "", d->from_addr);
	if (!add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, from.data)) {
		err = sd_error_invalid("the desk's address '%s' is not local@domain in ASCII",
				       d->from_addr);
		sd_buf_release(&from);
		goto done;
	}
	sd_buf_release(&from);
	for (size_t i = 0; d->to && i < d->to->n; i++)
		recipients += (size_t)add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, d->to->v[i]);
	for (size_t i = 0; d->cc && i < d->cc->n; i++)
		recipients += (size_t)add_mailbox(msg, GMIME_ADDRESS_TYPE_CC, d->cc->v[i]);
	if (!recipients) {
		err = sd_error_invalid("the message has no usable recipient");
		goto done;
	}
	s = header_text(d->subject);
	g_mime_message_set_subject(msg, s, "utf-8");
	free(s);
	s = NULL;
	GDateTime *date = g_date_time_new_from_unix_utc(d->date);
	g_mime_message_set_date(msg, date);
	g_date_time_unref(date);
	if (message_id_ok(d->message_id))
		g_mime_message_set_message_id(msg, d->message_id);
	struct sd_buf refs = SD_BUF_INIT;
	const char *last = NULL;
	for (size_t i = 0; d->references && i < d->references->n; i++)
		if (message_id_ok(d->references->v[i])) {
			sd_buf_printf(&refs, "%s<%s>", refs.len ? " " : "", d->references->v[i]);
			last = d->references->v[i];
		}
	if (last) {
		struct sd_buf irt = SD_BUF_INIT;
		sd_buf_printf(&irt, "<%s>", last);
		g_mime_object_set_header(top, "In-Reply-To", irt.data, NULL);
		g_mime_object_set_header(top, "References", refs.data, NULL);
		sd_buf_release(&irt);
	}
	sd_buf_release(&refs);
	if (d->auto_submitted)
		g_mime_object_set_header(top, "Auto-Submitted", d->auto_submitted, NULL);
	if (d->bulk)
		g_mime_object_set_header(top, "Precedence", "bulk", NULL);
	if (d->x_loop && sd_outbox_address_ok(d->x_loop))
		g_mime_object_set_header(top, "X-Loop", d->x_loop, NULL);

	GMimeMultipart *alt = g_mime_multipart_new_with_subtype("alternative");
	GMimeObject *plain = text_part("plain", d->plain ? d->plain : d->markdown);
	s = html_of(d->markdown);
	GMimeObject *html = text_part("html", s);
	g_mime_multipart_add(alt, plain);
	g_mime_multipart_add(alt, html);
	g_object_unref(plain);
	g_object_unref(html);
	if (d->nfiles) {
		GMimeMultipart *mixed = g_mime_multipart_new_with_subtype("mixed");
		g_mime_multipart_add(mixed, (GMimeObject *)alt);
		for (size_t i = 0; i < d->nfiles; i++) {
			GMimeObject *f = file_part(&d->files[i]);
			g_mime_multipart_add(mixed, f);
			g_object_unref(f);
		}
		g_mime_message_set_mime_part(msg, (GMimeObject *)mixed);
		g_object_unref(mixed);
	} else {
		g_mime_message_set_mime_part(msg, (GMimeObject *)alt);
	}
	g_object_unref(alt);

	GMimeStream *st = g_mime_stream_mem_new();
	GMimeFormatOptions *fo = g_mime_format_options_clone(NULL);
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_UNIX);
	g_mime_object_write_to_stream(top, fo, st);
	GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(st));
	sd_buf_add(out, bytes->data, bytes->len);
	g_mime_format_options_free(fo);
	g_object_unref(st);
done:
	free(s);
	g_object_unref(msg);
	return err;
}

/* ---- templates ---- */

/* Appends s escaped for Markdown: every ASCII punctuation mark gets a
 * backslash, and line ends become spaces, so a title renders as its text
 * and never as a link, an emphasis or a heading. */
static void md_escape(struct sd_buf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		if (c < 0x80 && c > ' ' && !sd_ascii_isalnum(c))
			sd_buf_addch(out, '\\');
		sd_buf_addch(out, (char)c);
	}
}

void sd_outbox_fill_template(struct sd_buf *out, const char *tmpl, const char *const values[5],
			     int markdown)
{
	static const char *const names[] = { "id", "short_id", "title", "due", "status_link" };
	const char *line = tmpl;
	int dropped = 0;
	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line + 1) : strlen(line);
		size_t start = out->len;
		int placeholders = 0, filled = 0;
		for (size_t i = 0; i < len;) {
			const char *close = NULL;
			if (line[i] == '{' && i + 1 < len && line[i + 1] == '{')
				close = strstr(line + i + 2, "}}");
			int known = -1;
			if (close && close < line + len) {
				size_t n = (size_t)(close - (line + i + 2));
				for (int k = 0; k < 5; k++)
					if (strlen(names[k]) == n &&
					    !memcmp(line + i + 2, names[k], n))
						known = k;
			}
			if (known < 0) {
				sd_buf_addch(out, line[i++]);
				continue;
			}
			placeholders++;
			const char *v = values[known] ? values[known] : "";
			filled += *v != '\0';
			/* Links stay as they are: escaped, they would not be
			 * links any more, and sd made them itself. */
			if (markdown && known != 4) {
				md_escape(out, v);
			} else {
				/* A value is one line, whatever a pulled file holds. */
				char *one = header_text(v);
				sd_buf_adds(out, one);
				free(one);
			}
			i = (size_t)(close - line) + 2;
		}
		/* A line of empty placeholders goes, and the blank line that
		 * would then double a paragraph break with it. */
		if (placeholders && !filled) {
			sd_buf_setlen(out, start);
			dropped = 1;
		} else if (dropped && len == 1 && line[0] == '\n' && out->len >= 3 &&
			   !memcmp(out->data + out->len - 3, "\n\n\n", 3)) {
			sd_buf_setlen(out, out->len - 1);
		} else {
			dropped = 0;
		}
		line += len;
	}
}

/* The language the requester wrote the ticket in (lang.h): from its
 * title and description, so every clone answers in the same one. */
static enum sd_lang requester_lang(const struct sd_ticket *t)
{
	struct sd_buf text = SD_BUF_INIT;
	sd_buf_printf(&text, "%s\n%s", sd_ticket_get(t, SD_F_TITLE),
		      t->description ? t->description : "");
	enum sd_lang lang = sd_lang_guess(text.data);
	sd_buf_release(&text);
	return lang;
}

/* The zone a due time is told in: the desk's display.timezone, else
 * that of the calendar the SLA counts in, else UTC. */
static const char *due_zone(const struct sd_config *cfg, const struct sd_sla *sla)
{
	if (cfg->display_timezone && *cfg->display_timezone)
		return cfg->display_timezone;
	for (size_t i = 0; sla->policy && sla->policy->calendar && i < cfg->ncalendars; i++)
		if (!strcmp(cfg->calendars[i].name, sla->policy->calendar))
			return cfg->calendars[i].timezone;
	return NULL;
}

/* ---- what a ticket owes ---- */

void sd_outbox_init(struct sd_outbox *ob, const struct sd_outbox_settings *s)
{
	memset(ob, 0, sizeof(*ob));
	ob->s = s;
}

static void message_free(struct sd_outbox_message *m)
{
	free(m->what);
	free(m->recipients);
	free(m->message_id);
	free(m->withheld);
	sd_buf_release(&m->data);
}

void sd_outbox_free(struct sd_outbox *ob)
{
	for (size_t i = 0; i < ob->n; i++)
		message_free(&ob->v[i]);
	free(ob->v);
	for (size_t i = 0; i < ob->nsent; i++)
		free(ob->sent[i].addr);
	free(ob->sent);
	memset(ob, 0, sizeof(*ob));
}

static size_t *sent_count(struct sd_outbox *ob, const char *addr)
{
	for (size_t i = 0; i < ob->nsent; i++)
		if (!strcmp(ob->sent[i].addr, addr))
			return &ob->sent[i].n;
	if (ob->nsent == ob->sent_alloc) {
		ob->sent_alloc = ob->sent_alloc ? 2 * ob->sent_alloc : 16;
		ob->sent = sd_xrealloc(ob->sent, ob->sent_alloc * sizeof(*ob->sent));
	}
	ob->sent[ob->nsent] = (struct sd_outbox_sent){ sd_xstrdup(addr), 0 };
	return &ob->sent[ob->nsent++].n;
}

static int is_mail_record(const struct sd_entry *e)
{
	return e->kind == SD_ENTRY_EVENT && !strcmp(e->field, "mail");
}

static void record_id(char out[SD_ENTRY_ID_LEN + 1], const char *ticket, const char *what)
{
	const char *parts[] = { ticket, "mail", what };
	sd_id_from_content(out, SD_ENTRY_ID_LEN, parts, 3);
}

static int has_entry(const struct sd_ticket *t, const char *id)
{
	for (size_t i = 0; i < t->nentries; i++)
		if (!strcmp(t->entries[i].id, id))
			return 1;
	return 0;
}

/* The id of the withdrawal of claim (sd_outbox_withdraw): derived from
 * the claim's, so that it names the one claim it takes back. */
static void withdrawal_id(char out[SD_ENTRY_ID_LEN + 1], const char *ticket, const char *claim)
{
	const char *parts[] = { ticket, "mail-withdrawn", claim };
	sd_id_from_content(out, SD_ENTRY_ID_LEN, parts, 3);
}

static int withdrawn(const struct sd_ticket *t, const char *claim)
{
	char wid[SD_ENTRY_ID_LEN + 1];
	withdrawal_id(wid, sd_ticket_get(t, SD_F_ID), claim);
	return has_entry(t, wid);
}

/* Whether t owes the message WHAT, and the id its record (its claim)
 * takes. The first claim's id is record_id's; a claim taken back
 * (sendmail failed after it was pushed) is followed by its withdrawal,
 * and the message is owed again under the next claim id, "claim N".
 * Every clone walks the same ids, so two clones that claim the message
 * again claim it under one id, and a merge keeps one. Every kind of
 * message asks this, never has_entry of record_id alone, which would
 * leave a withdrawn message unsent for good. */
static int owed(const struct sd_ticket *t, const char *what, char rid[SD_ENTRY_ID_LEN + 1])
{
	const char *id = sd_ticket_get(t, SD_F_ID);
	record_id(rid, id, what);
	for (unsigned k = 1; has_entry(t, rid); k++) {
		char n[16];
		if (!withdrawn(t, rid) || k > 1000)
			return 0;
		snprintf(n, sizeof(n), "%u", k);
		const char *parts[] = { id, "mail", what, "claim", n };
		sd_id_from_content(rid, SD_ENTRY_ID_LEN, parts, 5);
	}
	return 1;
}

void sd_outbox_count(struct sd_outbox *ob, const struct sd_ticket *t)
{
	const sd_stamp day = 24 * 3600 * 1000LL;
	for (size_t i = 0; i < t->nentries; i++) {
		const struct sd_entry *e = &t->entries[i];
		if (is_mail_record(e) && !strcmp(e->from, "auto-reply") && *e->to &&
		    strcmp(e->to, "withdrawn") && e->at > ob->s->now - day &&
		    !withdrawn(t, e->id)) {
			struct sd_buf a = SD_BUF_INIT;
			address_of(&a, e->to);
			(*sent_count(ob, a.data))++;
			sd_buf_release(&a);
		}
	}
}

/* Whether mail to addr (lower case) bounced for this ticket, as sd mail
 * records a delivery report (field=mail from=ADDRESS to=bounced): then
 * it is not mailed again there. */
static int bounced(const struct sd_ticket *t, const char *addr)
{
	for (size_t i = 0; i < t->nentries; i++) {
		const struct sd_entry *e = &t->entries[i];
		if (e->kind == SD_ENTRY_EVENT && !strcmp(e->field, "mail") &&
		    !strcmp(e->to, "bounced")) {
			struct sd_buf a = SD_BUF_INIT;
			address_of(&a, e->from);
			int same = !strcmp(a.data, addr);
			sd_buf_release(&a);
			if (same)
				return 1;
		}
	}
	return 0;
}

/* A ticket's cc list: the front-matter cc, "a@x, b@y". */
static void ticket_cc(const struct sd_ticket *t, struct sd_strvec *out)
{
	sd_strvec_split(out, sd_ticket_get(t, SD_F_CC));
}

/* Whether author speaks for the desk: an agent of the directory, or,
 * for a desk without one, anyone but the requester and the cc. */
static int is_agent(const struct sd_outbox_settings *s, const struct sd_ticket *t,
		    const char *author)
{
	if (s->cfg->team.nagents)
		return sd_team_agent(&s->cfg->team, author) != NULL;
	struct sd_buf a = SD_BUF_INIT, r = SD_BUF_INIT;
	struct sd_strvec cc = SD_STRVEC_INIT;
	address_of(&a, author);
	address_of(&r, sd_ticket_get(t, SD_F_REQUESTER));
	int agent = strcmp(a.data, r.data) != 0;
	ticket_cc(t, &cc);
	for (size_t i = 0; agent && i < cc.n; i++) {
		struct sd_buf c = SD_BUF_INIT;
		address_of(&c, cc.v[i]);
		agent = strcmp(a.data, c.data) != 0;
		sd_buf_release(&c);
	}
	sd_strvec_clear(&cc);
	sd_buf_release(&a);
	sd_buf_release(&r);
	return agent;
}

/* Adds who to list unless its address is unusable, the desk's own, a
 * machine's, bounced for t, one of skip's, or there already. */
static void add_recipient(struct sd_strvec *list, const struct sd_outbox_settings *s,
			  const struct sd_ticket *t, const char *who, const char *skip)
{
	struct sd_buf a = SD_BUF_INIT;
	address_of(&a, who);
	int ok = sd_outbox_address_ok(a.data) && !sd_outbox_machine_address(a.data) &&
		!bounced(t, a.data);
	if (ok && skip) {
		struct sd_buf k = SD_BUF_INIT;
		address_of(&k, skip);
		ok = strcmp(k.data, a.data) != 0;
		sd_buf_release(&k);
	}
	for (size_t i = 0; ok && s->own && i < s->own->n; i++)
		ok = !sd_strcaseeq(s->own->v[i], a.data);
	for (size_t i = 0; ok && i < list->n; i++) {
		struct sd_buf k = SD_BUF_INIT;
		address_of(&k, list->v[i]);
		ok = strcmp(k.data, a.data) != 0;
		sd_buf_release(&k);
	}
	if (ok)
		sd_strvec_push(list, who);
	sd_buf_release(&a);
}

/* Adds who mail.notify names for event ev: the ticket's assignee, the
 * agents of its queue, and addresses. */
static void notify_recipients(struct sd_strvec *out, const struct sd_outbox_settings *s,
			      const struct sd_ticket *t, int ev, const char *skip)
{
	const struct sd_mail_notify *n = s->notify ? &s->notify[ev] : NULL;
	const char *assignee = sd_ticket_get(t, SD_F_ASSIGNEE);
	const char *q = sd_ticket_get(t, SD_F_QUEUE);
	const struct sd_team *team = &s->cfg->team;
	if (!n)
		return;
	if (n->assignee && *assignee) {
		const struct sd_agent *a = sd_team_agent(team, assignee);
		struct sd_buf who = SD_BUF_INIT;
		if (a && *a->name)
			sd_buf_printf(&who, "%s <%s>", a->name, a->email);
		else
			sd_buf_adds(&who, assignee);
		add_recipient(out, s, t, who.data, skip);
		sd_buf_release(&who);
	}
	if (n->queue && *q)
		for (size_t i = 0; i < team->nagents; i++)
			if (sd_agent_in_queue(&team->agents[i], q)) {
				struct sd_buf who = SD_BUF_INIT;
				sd_buf_printf(&who, "%s <%s>", team->agents[i].name,
					      team->agents[i].email);
				add_recipient(out, s, t, who.data, skip);
				sd_buf_release(&who);
			}
	for (size_t i = 0; i < n->addresses.n; i++)
		add_recipient(out, s, t, n->addresses.v[i], skip);
}

/* The Message-IDs the ticket's mail has had, oldest first: the message
 * that opened it (its key), else a root naming the ticket, so that every
 * message of a ticket threads together; then the ones sd sent. */
static void thread_of(struct sd_strvec *out, const struct sd_ticket *t, const char *domain)
{
	const char *key = sd_ticket_get(t, SD_F_KEY);
	struct sd_buf root = SD_BUF_INIT;
	if (sd_starts_with(key, "mail:") && message_id_ok(key + 5))
		sd_buf_adds(&root, key + 5);
	else
		sd_buf_printf(&root, "sd-%s@%s", sd_ticket_get(t, SD_F_ID), domain);
	sd_strvec_push(out, root.data);
	sd_buf_release(&root);
	for (size_t i = 0; i < t->nentries; i++) {
		const struct sd_entry *e = &t->entries[i];
		int mail = e->kind == SD_ENTRY_EVENT && !strcmp(e->field, "mail");
		/* The requester's side of the conversation: the messages that
		 * came in (the one that opened the ticket, replies) and what sd
		 * sent them; not notices to agents, nor delivery reports. */
		if (mail &&
		    (!strcmp(e->to, "bounced") || sd_starts_with(e->from, "notify-") || !*e->to ||
		     !strcmp(e->to, "withdrawn") || withdrawn(t, e->id)))
			continue;
		if (!mail && (e->kind != SD_ENTRY_COMMENT || e->internal))
			continue;
		char *id = NULL;
		if (e->message_id && *e->message_id) {
			id = sd_xstrdup(e->message_id);
		} else if (mail && sd_starts_with(e->reason, "Message-ID <")) {
			/* A record made before entries carried message_id. */
			const char *lt = strchr(e->reason, '<'), *gt = strchr(lt, '>');
			if (gt)
				id = sd_xstrndup(lt + 1, (size_t)(gt - lt - 1));
		}
		if (id && message_id_ok(id) && !sd_strvec_has(out, id))
			sd_strvec_push_owned(out, id);
		else
			free(id);
	}
	/* The root and the last few are what threading needs; a long
	 * conversation must not grow References without end. */
	if (out->n > 10) {
		for (size_t i = 1; i < out->n - 9; i++)
			free(out->v[i]);
		memmove(out->v + 1, out->v + out->n - 9, 9 * sizeof(*out->v));
		out->n = 10;
	}
}

struct pending {
	const char *what;
	struct sd_strvec to, cc;
	struct sd_buf subject, markdown, plain;
	const char *auto_submitted;
	int bulk;
	const char *withheld;	/* static */
	struct sd_strvec files; /* names under the ticket's files/ */
};

static void pending_init(struct pending *p, const char *what)
{
	memset(p, 0, sizeof(*p));
	p->what = what;
	sd_buf_init(&p->subject);
	sd_buf_init(&p->markdown);
	sd_buf_init(&p->plain);
}

static void pending_release(struct pending *p)
{
	sd_strvec_clear(&p->files);
	sd_strvec_clear(&p->to);
	sd_strvec_clear(&p->cc);
	sd_buf_release(&p->subject);
	sd_buf_release(&p->markdown);
	sd_buf_release(&p->plain);
}

/* Composes p as a message of ticket t and adds it to the outbox. */
static sd_error *add_message(struct sd_outbox *ob, const struct sd_ticket *t, struct pending *p)
{
	const struct sd_outbox_settings *s = ob->s;
	const char *id = sd_ticket_get(t, SD_F_ID);
	struct sd_outbox_message m;
	struct sd_buf domain = SD_BUF_INIT, mid = SD_BUF_INIT, rcpt = SD_BUF_INIT;
	struct sd_strvec refs = SD_STRVEC_INIT;
	sd_error *err = NULL;
	memset(&m, 0, sizeof(m));
	sd_buf_init(&m.data);
	memcpy(m.ticket_id, id, SD_ID_LEN + 1);
	owed(t, p->what, m.record_id);
	/* The Message-ID is the first claim's, whichever claim sends it: a
	 * message sent again after a failure is the same message. */
	char first[SD_ENTRY_ID_LEN + 1];
	record_id(first, id, p->what);
	domain_of(&domain, s->desk_address);
	sd_buf_printf(&mid, "sd-%s-%s@%s", id, first, domain.data);
	for (size_t i = 0; i < p->to.n + p->cc.n; i++) {
		struct sd_buf a = SD_BUF_INIT;
		address_of(&a, i < p->to.n ? p->to.v[i] : p->cc.v[i - p->to.n]);
		sd_buf_printf(&rcpt, "%s%s", rcpt.len ? ", " : "", a.data);
		sd_buf_release(&a);
	}
	struct sd_outbox_file *files = NULL;
	struct sd_buf *bytes = NULL;
	size_t nfiles = 0;
	if (!p->withheld && p->files.n && s->read_file) {
		files = sd_xcalloc(p->files.n, sizeof(*files));
		bytes = sd_xcalloc(p->files.n, sizeof(*bytes));
		for (size_t i = 0; i < p->files.n; i++) {
			sd_buf_init(&bytes[nfiles]);
			sd_error *e =
				s->read_file(s->read_file_arg, id, p->files.v[i], &bytes[nfiles]);
			if (e) {
				/* The answer still goes; the reader is told. */
				sd_buf_printf(&p->plain, "\n(%s is not attached: %s)\n",
					      p->files.v[i], e->msg);
				sd_buf_adds(&p->markdown, "\n\n(");
				md_escape(&p->markdown, p->files.v[i]);
				sd_buf_adds(&p->markdown, " is not attached.)\n");
				sd_error_free(e);
				sd_buf_release(&bytes[nfiles]);
				continue;
			}
			files[nfiles] = (struct sd_outbox_file){ p->files.v[i], bytes[nfiles].data,
								 bytes[nfiles].len };
			nfiles++;
		}
	}
	if (!p->withheld) {
		thread_of(&refs, t, domain.data);
		struct sd_outbox_draft d = {
			.from_name = s->desk_name,
			.from_addr = s->desk_address,
			.to = &p->to,
			.cc = &p->cc,
			.subject = p->subject.data,
			.message_id = mid.data,
			.references = &refs,
			.markdown = p->markdown.data,
			.plain = p->plain.len ? p->plain.data : NULL,
			.auto_submitted = p->auto_submitted,
			.bulk = p->bulk,
			.x_loop = s->desk_address,
			.date = sd_stamp_seconds(s->now),
			.files = files,
			.nfiles = nfiles,
		};
		if ((err = sd_outbox_compose(&m.data, &d))) {
			err = sd_error_wrap(err, "ticket %.8s, %s", id, p->what);
			goto done;
		}
	}
	m.what = sd_xstrdup(p->what);
	m.recipients = sd_buf_detach(&rcpt);
	m.message_id = sd_buf_detach(&mid);
	m.withheld = p->withheld ? sd_xstrdup(p->withheld) : NULL;
	ob->v = sd_xrealloc(ob->v, (ob->n + 1) * sizeof(*ob->v));
	ob->v[ob->n++] = m;
	memset(&m, 0, sizeof(m));
done:
	for (size_t i = 0; i < nfiles; i++)
		sd_buf_release(&bytes[i]);
	free(files);
	free(bytes);
	sd_buf_release(&m.data);
	sd_buf_release(&domain);
	sd_buf_release(&mid);
	sd_buf_release(&rcpt);
	sd_strvec_clear(&refs);
	return err;
}

static int same_person(const char *a, const char *b)
{
	struct sd_buf x = SD_BUF_INIT, y = SD_BUF_INIT;
	address_of(&x, a);
	address_of(&y, b);
	int same = !strcmp(x.data, y.data);
	sd_buf_release(&x);
	sd_buf_release(&y);
	return same;
}

/* The files that go with comment c (t->entries[c]): those its author
 * attached (field=file from="" to=NAME) after their previous public
 * comment and at most a second after this one, as sd attach and sd
 * comment are run one after the other. */
static void files_of(struct sd_strvec *out, const struct sd_ticket *t, size_t c)
{
	const struct sd_entry *e = &t->entries[c];
	sd_stamp from = INT64_MIN;
	for (size_t i = 0; i < c; i++) {
		const struct sd_entry *x = &t->entries[i];
		if (x->kind == SD_ENTRY_COMMENT && !x->internal &&
		    same_person(x->author, e->author))
			from = x->at;
	}
	for (size_t i = 0; i < t->nentries; i++) {
		const struct sd_entry *x = &t->entries[i];
		if (x->kind == SD_ENTRY_EVENT && !strcmp(x->field, "file") && !*x->from && *x->to &&
		    x->at > from && x->at <= e->at + 1000 && same_person(x->author, e->author) &&
		    !sd_strvec_has(out, x->to))
			sd_strvec_push(out, x->to);
	}
}

/* The files of the message that opened the ticket that were not stored
 * (field=file from=NAME to="", recorded with the ticket), for the
 * auto-reply to say. */
static void dropped_files(struct sd_buf *plain, struct sd_buf *md, const struct sd_ticket *t,
			  sd_stamp created, enum sd_lang lang)
{
	size_t n = 0;
	for (size_t i = 0; i < t->nentries; i++) {
		const struct sd_entry *x = &t->entries[i];
		if (x->kind != SD_ENTRY_EVENT || strcmp(x->field, "file") || !*x->from || *x->to ||
		    x->at > created + 1000)
			continue;
		if (!n++) {
			sd_buf_printf(plain, "\n%s\n\n", sd_lang_msg(lang, SD_MSG_NOT_KEPT));
			sd_buf_printf(md, "\n\n%s\n\n", sd_lang_msg(lang, SD_MSG_NOT_KEPT));
		}
		char *name = header_text(x->from), *why = header_text(x->reason);
		sd_buf_printf(plain, "- %s%s%s\n", name, *why ? ": " : "", why);
		sd_buf_adds(md, "- ");
		md_escape(md, name);
		if (*why) {
			sd_buf_adds(md, ": ");
			md_escape(md, why);
		}
		sd_buf_addch(md, '\n');
		free(name);
		free(why);
	}
}

/* The line at the end of mail to a requester. */
static void footer(struct sd_buf *plain, struct sd_buf *md, const struct sd_ticket *t,
		   const char *short_id, const char *link)
{
	enum sd_lang lang = requester_lang(t);
	/* The words around the ticket number ("Ticket %s. ..."). */
	const char *words = sd_lang_msg(lang, SD_MSG_FOOTER), *at = strstr(words, "%s");
	struct sd_buf line = SD_BUF_INIT;
	sd_buf_add(&line, words, (size_t)(at - words));
	sd_buf_adds(&line, short_id);
	sd_buf_adds(&line, at + 2);
	sd_buf_printf(plain, "\n\n-- \n%s\n", line.data);
	sd_buf_printf(md, "\n\n---\n\n%s\n", line.data);
	sd_buf_release(&line);
	if (link && *link) {
		sd_buf_printf(plain, "%s: %s\n", sd_lang_msg(lang, SD_MSG_STATUS), link);
		sd_buf_printf(md, "\n%s: <%s>\n", sd_lang_msg(lang, SD_MSG_STATUS), link);
	}
}

/* The end of a notice to agents: how to see the ticket. */
static void agent_footer(struct sd_buf *plain, struct sd_buf *md, const char *short_id,
			 const char *link)
{
	sd_buf_printf(plain, "\n-- \nsd show %s\n", short_id);
	sd_buf_printf(md, "\n\n---\n\n`sd show %s`\n", short_id);
	if (link && *link) {
		sd_buf_printf(plain, "Status page: %s\n", link);
		sd_buf_printf(md, "\nStatus page: <%s>\n", link);
	}
}

static void subject_of(struct sd_buf *out, const struct sd_outbox_settings *s, const char *short_id,
		       const char *label, const struct sd_ticket *t)
{
	sd_buf_printf(out, "[%s #%s] %s%s", s->tag, short_id, label, sd_ticket_get(t, SD_F_TITLE));
}

/* Quotes text (a requester's Markdown) inside a notification. */
static void quote(struct sd_buf *plain, struct sd_buf *md, const char *text)
{
	sd_buf_adds(plain, text);
	sd_buf_addch(plain, '\n');
	sd_buf_adds(md, text);
	sd_buf_addch(md, '\n');
}

static sd_error *auto_reply(struct sd_outbox *ob, const struct sd_ticket *t, const char *short_id,
			    const char *link)
{
	const struct sd_outbox_settings *s = ob->s;
	const char *requester = sd_ticket_get(t, SD_F_REQUESTER);
	struct pending p;
	struct sd_buf addr = SD_BUF_INIT;
	char due[128] = "";
	enum sd_lang lang = requester_lang(t);
	sd_error *err = NULL;
	pending_init(&p, "auto-reply");
	address_of(&addr, requester);
	if (!sd_outbox_address_ok(addr.data))
		goto done; /* no address to answer: nothing is owed */
	add_recipient(&p.to, s, t, requester, NULL);
	size_t *count = sent_count(ob, addr.data);
	if (sd_outbox_machine_address(addr.data))
		p.withheld = "the sender is a mailer or a no-reply address";
	else if (bounced(t, addr.data))
		p.withheld = "mail to the sender bounced";
	else if (!p.to.n)
		p.withheld = "the sender is one of the desk's addresses";
	else if (*count >= (size_t)s->auto_reply_limit)
		p.withheld = "mail.auto_reply_limit reached for this sender in 24 hours";
	if (!p.withheld) {
		struct sd_sla sla;
		sd_time created = 0;
		if (!sd_time_parse(&created, sd_ticket_get(t, SD_F_CREATED)) &&
		    !(err = sd_sla_evaluate(&sla, s->cfg, t, created)) && sla.policy &&
		    sla.first_response.present && sla.first_response.has_due)
			sd_lang_time_in_words(due, lang, sla.first_response.due,
					      due_zone(s->cfg, &sla));
		sd_error_free(err);
		err = NULL;
		const char *values[5] = { sd_ticket_get(t, SD_F_ID), short_id,
					  sd_ticket_get(t, SD_F_TITLE), due, link };
		/* The desk's text in the requester's language, else its own
		 * one text, else sd's in that language. */
		const char *tmpl = s->auto_reply_templates[lang] ? s->auto_reply_templates[lang]
			: s->auto_reply_template		 ? s->auto_reply_template
						 : sd_lang_msg(lang, SD_MSG_AUTO_REPLY);
		sd_outbox_fill_template(&p.plain, tmpl, values, 0);
		sd_outbox_fill_template(&p.markdown, tmpl, values, 1);
		sd_stamp opened = 0;
		if (!sd_stamp_parse(&opened, sd_ticket_get(t, SD_F_CREATED)))
			dropped_files(&p.plain, &p.markdown, t, opened, lang);
		subject_of(&p.subject, s, short_id, "", t);
		p.auto_submitted = "auto-replied";
		p.bulk = 1;
		(*count)++;
	}
	err = add_message(ob, t, &p);
done:
	pending_release(&p);
	sd_buf_release(&addr);
	return err;
}

/* Whether drop event x (field=file from=NAME to="") came with the same
 * message as drop event y: the same Message-ID, else the same author and
 * time. */
static int same_drop_message(const struct sd_entry *x, const struct sd_entry *y)
{
	if (x->message_id && *x->message_id && y->message_id && *y->message_id)
		return !strcmp(x->message_id, y->message_id);
	return x->at == y->at && !strcmp(x->author, y->author);
}

static int is_drop(const struct sd_entry *x)
{
	return x->kind == SD_ENTRY_EVENT && !strcmp(x->field, "file") && *x->from && !*x->to;
}

/* The files a follow-up by mail brought that were not stored: the sender
 * is told once per message ("dropped:EVENT", EVENT the first drop event of
 * that message), as the auto-reply tells it for the message that opened
 * the ticket. Not for an internal note (machine mail), and not past the
 * loop rules. */
static sd_error *drop_notices(struct sd_outbox *ob, const struct sd_ticket *t, const char *short_id,
			      const char *link, sd_stamp created)
{
	const struct sd_outbox_settings *s = ob->s;
	const sd_stamp cutoff = s->now - SD_OUTBOX_MAX_AGE_MS;
	sd_error *err = NULL;
	for (size_t i = 0; i < t->nentries && !err; i++) {
		const struct sd_entry *e = &t->entries[i];
		if (!is_drop(e) || e->at <= created + 1000 || e->at < cutoff)
			continue;
		int first = 1, internal = 0;
		for (size_t k = 0; k < t->nentries; k++) {
			const struct sd_entry *x = &t->entries[k];
			if (k < i && is_drop(x) && same_drop_message(x, e))
				first = 0;
			if (x->kind == SD_ENTRY_COMMENT && x->at == e->at &&
			    !strcmp(x->author, e->author) && x->internal)
				internal = 1;
		}
		if (!first || internal)
			continue;
		struct pending p;
		struct sd_buf what = SD_BUF_INIT, addr = SD_BUF_INIT;
		char rid[SD_ENTRY_ID_LEN + 1];
		sd_buf_printf(&what, "dropped:%s", e->id);
		pending_init(&p, what.data);
		address_of(&addr, e->author);
		add_recipient(&p.to, s, t, e->author, NULL);
		if (!owed(t, what.data, rid) || !sd_outbox_address_ok(addr.data))
			goto next; /* sent (or claimed), or nobody to tell */
		if (sd_outbox_machine_address(addr.data))
			p.withheld = "the sender is a mailer or a no-reply address";
		else if (bounced(t, addr.data))
			p.withheld = "mail to the sender bounced";
		else if (!p.to.n)
			goto next; /* one of the desk's own addresses */
		enum sd_lang lang = requester_lang(t);
		subject_of(&p.subject, s, short_id, "", t);
		sd_buf_printf(&p.plain, "%s\n\n", sd_lang_msg(lang, SD_MSG_DROP_INTRO));
		md_escape(&p.markdown, p.plain.data);
		for (size_t k = i; k < t->nentries; k++) {
			const struct sd_entry *x = &t->entries[k];
			if (!is_drop(x) || !same_drop_message(x, e))
				continue;
			char *name = header_text(x->from), *why = header_text(x->reason);
			sd_buf_printf(&p.plain, "- %s%s%s\n", name, *why ? ": " : "", why);
			sd_buf_adds(&p.markdown, "\n- ");
			md_escape(&p.markdown, name);
			if (*why) {
				sd_buf_adds(&p.markdown, ": ");
				md_escape(&p.markdown, why);
			}
			free(name);
			free(why);
		}
		sd_buf_printf(&p.plain, "\n%s\n", sd_lang_msg(lang, SD_MSG_DROP_ASK));
		sd_buf_printf(&p.markdown, "\n\n%s\n", sd_lang_msg(lang, SD_MSG_DROP_ASK));
		footer(&p.plain, &p.markdown, t, short_id, link);
		p.auto_submitted = "auto-replied";
		p.bulk = 1;
		err = add_message(ob, t, &p);
	next:
		pending_release(&p);
		sd_buf_release(&what);
		sd_buf_release(&addr);
	}
	return err;
}

sd_error *sd_outbox_collect(struct sd_outbox *ob, const struct sd_ticket *t, const char *short_id)
{
	const struct sd_outbox_settings *s = ob->s;
	const char *id = sd_ticket_get(t, SD_F_ID);
	const char *channel = sd_ticket_get(t, SD_F_CHANNEL);
	const char *requester = sd_ticket_get(t, SD_F_REQUESTER);
	const sd_stamp cutoff = s->now - SD_OUTBOX_MAX_AGE_MS;
	sd_stamp created = 0;
	char rid[SD_ENTRY_ID_LEN + 1];
	char *link = s->status_link ? s->status_link(s->status_link_arg, id) : NULL;
	struct sd_buf what = SD_BUF_INIT;
	struct sd_strvec cc = SD_STRVEC_INIT;
	sd_error *err = NULL;
	if (sd_stamp_parse(&created, sd_ticket_get(t, SD_F_CREATED)))
		goto done; /* sd check reports it; nothing is owed by a broken ticket */
	ticket_cc(t, &cc);

	if (s->auto_reply && created >= cutoff &&
	    (!strcmp(channel, "mail") || !strcmp(channel, "web")) && owed(t, "auto-reply", rid) &&
	    (err = auto_reply(ob, t, short_id, link)))
		goto done;

	if (created >= cutoff && owed(t, "notify-new", rid)) {
		struct pending p;
		pending_init(&p, "notify-new");
		notify_recipients(&p.to, s, t, SD_MAIL_EV_NEW_TICKET, NULL);
		if (p.to.n) {
			subject_of(&p.subject, s, short_id, "New: ", t);
			sd_buf_adds(&p.plain, "A new ticket from ");
			sd_buf_adds(&p.plain, requester);
			sd_buf_printf(&p.plain, " (%s, %s, queue %s):\n\n",
				      sd_ticket_get(t, SD_F_PRIORITY), *channel ? channel : "cli",
				      *sd_ticket_get(t, SD_F_QUEUE) ? sd_ticket_get(t, SD_F_QUEUE)
								    : "none");
			md_escape(&p.markdown, p.plain.data);
			sd_buf_adds(&p.markdown, "\n\n");
			quote(&p.plain, &p.markdown, t->description);
			agent_footer(&p.plain, &p.markdown, short_id, link);
			p.auto_submitted = "auto-generated";
			err = add_message(ob, t, &p);
		}
		pending_release(&p);
		if (err)
			goto done;
	}

	for (size_t i = 0; i < t->nentries && !err; i++) {
		const struct sd_entry *e = &t->entries[i];
		struct pending p;
		if (e->at < cutoff)
			continue;
		pending_init(&p, NULL);
		sd_buf_reset(&what);
		/* On a desk without an agents directory anyone but the
		 * requester and the cc counts as the desk, but never the
		 * sender of mail: a stranger who writes to the ticket by mail
		 * must not be relayed to the requester as the desk's answer. */
		int mailed = e->message_id && *e->message_id && !s->cfg->team.nagents;
		if (e->kind == SD_ENTRY_COMMENT && !e->internal && !mailed &&
		    is_agent(s, t, e->author)) {
			/* An agent's public answer goes to the requester and
			 * the cc; an internal note never leaves the desk. */
			sd_buf_printf(&what, "reply:%s", e->id);
			add_recipient(&p.to, s, t, requester, e->author);
			for (size_t k = 0; k < cc.n; k++)
				add_recipient(&p.cc, s, t, cc.v[k], e->author);
			subject_of(&p.subject, s, short_id, "", t);
			sd_buf_adds(&p.plain, e->body);
			sd_buf_adds(&p.markdown, e->body);
			files_of(&p.files, t, i);
			footer(&p.plain, &p.markdown, t, short_id, link);
		} else if (e->kind == SD_ENTRY_COMMENT && !e->internal) {
			sd_buf_printf(&what, "notify-reply:%s", e->id);
			notify_recipients(&p.to, s, t, SD_MAIL_EV_REQUESTER_REPLY, e->author);
			subject_of(&p.subject, s, short_id, "Reply: ", t);
			sd_buf_printf(&p.plain, "%s wrote:\n\n", e->author);
			md_escape(&p.markdown, p.plain.data);
			sd_buf_adds(&p.markdown, "\n\n");
			quote(&p.plain, &p.markdown, e->body);
			p.auto_submitted = "auto-generated";
		} else if (e->kind == SD_ENTRY_EVENT && !strcmp(e->field, "assignee") && *e->to &&
			   e->at >= created + 1000) {
			/* Routing's assignment when the ticket opened is told by
			 * the new-ticket notice. The assignee named is the one
			 * this event chose, not whoever holds the ticket now. */
			sd_buf_printf(&what, "notify-assign:%s", e->id);
			const struct sd_mail_notify *n =
				s->notify ? &s->notify[SD_MAIL_EV_ASSIGNED] : NULL;
			if (n && n->assignee)
				add_recipient(&p.to, s, t, e->to, e->author);
			for (size_t k = 0; n && k < n->addresses.n; k++)
				add_recipient(&p.to, s, t, n->addresses.v[k], e->author);
			subject_of(&p.subject, s, short_id, "Assigned: ", t);
			sd_buf_printf(&p.plain, "%s assigned the ticket to %s%s%s.\n\n", e->author,
				      e->to, *e->reason ? ": " : "", e->reason);
			md_escape(&p.markdown, p.plain.data);
			sd_buf_adds(&p.markdown, "\n\n");
			quote(&p.plain, &p.markdown, t->description);
			p.auto_submitted = "auto-generated";
		} else if (e->kind == SD_ENTRY_EVENT && !strcmp(e->field, "sla") &&
			   (!strcmp(e->to, "breached") || !strcmp(e->to, "at-risk"))) {
			sd_buf_printf(&what, "notify-sla:%s", e->id);
			notify_recipients(&p.to, s, t,
					  !strcmp(e->to, "breached") ? SD_MAIL_EV_SLA_BREACH
								     : SD_MAIL_EV_SLA_AT_RISK,
					  NULL);
			subject_of(&p.subject, s, short_id,
				   !strcmp(e->to, "breached") ? "SLA breached: " : "SLA at risk: ",
				   t);
			sd_buf_printf(&p.plain, "The %s clock is %s: %s.\n", e->from, e->to,
				      e->reason);
			md_escape(&p.markdown, p.plain.data);
			p.auto_submitted = "auto-generated";
		} else {
			pending_release(&p);
			continue;
		}
		if (p.auto_submitted)
			agent_footer(&p.plain, &p.markdown, short_id, link);
		p.what = what.data;
		if (p.to.n + p.cc.n && owed(t, p.what, rid))
			err = add_message(ob, t, &p);
		pending_release(&p);
	}
	if (!err && s->auto_reply)
		err = drop_notices(ob, t, short_id, link, created);
done:
	free(link);
	sd_strvec_clear(&cc);
	sd_buf_release(&what);
	return err;
}

int sd_outbox_record(struct sd_ticket *t, const struct sd_outbox_message *m, const char *author,
		     sd_stamp at)
{
	struct sd_buf reason = SD_BUF_INIT;
	if (m->withheld)
		sd_buf_printf(&reason, "not sent: %s", m->withheld);
	else
		sd_buf_printf(&reason, "Message-ID <%s>", m->message_id);
	int added = sd_ticket_add_event_with_id(t, m->record_id, author, at, "mail", m->what,
						m->withheld ? "" : m->recipients, reason.data);
	if (added && !m->withheld) {
		/* As sd mail marks what it receives: a reply that names this
		 * message finds the ticket on every clone. */
		struct sd_entry_mail mark = { .message_id = m->message_id };
		sd_entry_set_mail(sd_ticket_entry(t, m->record_id), &mark);
	}
	sd_buf_release(&reason);
	return added;
}

int sd_outbox_withdrawn(const struct sd_ticket *t, const char *claim)
{
	return withdrawn(t, claim);
}

int sd_outbox_withdraw(struct sd_ticket *t, const char *what, const char *claim, const char *author,
		       sd_stamp at, const char *why)
{
	char wid[SD_ENTRY_ID_LEN + 1];
	struct sd_buf reason = SD_BUF_INIT;
	withdrawal_id(wid, sd_ticket_get(t, SD_F_ID), claim);
	sd_buf_printf(&reason, "not sent: %s", why);
	int added = sd_ticket_add_event_with_id(t, wid, author, at, "mail", what, "withdrawn",
						reason.data);
	sd_buf_release(&reason);
	return added;
}

void sd_outbox_withhold_auto_reply(struct sd_ticket *t, const char *author, sd_stamp at,
				   const char *why)
{
	struct sd_outbox_message m;
	memset(&m, 0, sizeof(m));
	record_id(m.record_id, sd_ticket_get(t, SD_F_ID), "auto-reply");
	m.what = (char *)"auto-reply";
	m.recipients = (char *)"";
	m.withheld = (char *)why;
	sd_outbox_record(t, &m, author, at);
}
