/* SPDX-License-Identifier: MIT */
/* The outbox (outbox.h): what a timeline owes, and the messages composed
 * for it; each composed message is read back with the mail reader. */

#include <stdlib.h>

#include "sd/mail.h"
#include "sd/outbox.h"
#include "unit.h"

static struct sd_mail *reread(const struct sd_buf *b)
{
	struct sd_mail *m = NULL;
	sd_error *err = sd_mail_parse(&m, b->data, b->len);
	CHECK(!err && m, "sd_mail_parse failed");
	return m;
}

/* The header block of a message: everything before the first blank line. */
static char *headers_of(const char *msg)
{
	const char *end = strstr(msg, "\n\n");
	return sd_xstrndup(msg, end ? (size_t)(end - msg + 1) : strlen(msg));
}

static void test_addresses(void)
{
	static const struct {
		const char *addr;
		int ok;
	} cases[] = {
		{ "alice@example.com", 1 },
		{ "a.b+c@sub.example.org", 1 },
		{ "alice@example.com\nBcc: x@evil.com", 0 },
		{ "alice@example.com\r", 0 },
		{ "al ice@example.com", 0 },
		{ "<alice@example.com>", 0 },
		{ "alice@", 0 },
		{ "@example.com", 0 },
		{ "a@b@c", 0 },
		{ "alice", 0 },
		{ "a,b@example.com", 0 },
		{ "ivan@пример.рф", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		CHECK(sd_outbox_address_ok(cases[i].addr) == cases[i].ok, "address %zu", i);
	static const struct {
		const char *addr;
		int machine;
	} m[] = {
		{ "MAILER-DAEMON@example.com", 1 }, { "postmaster@example.com", 1 },
		{ "noreply@example.com", 1 },	    { "No-Reply <no-reply@shop.example>", 1 },
		{ "bounces+123@list.example", 1 },  { "donotreply@example.com", 1 },
		{ "alice@example.com", 0 },	    { "Nora Eply <nora@example.com>", 0 },
		{ "postmasterful@example.com", 0 }, { "", 1 },
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(*m); i++)
		CHECK(sd_outbox_machine_address(m[i].addr) == m[i].machine, "machine %zu: %s", i,
		      m[i].addr);
}

static void test_loop_rules(void)
{
	static const struct {
		const char *msg;
		int refused;
	} cases[] = {
		{ "From: a@example.com\nSubject: hi\n\nhello\n", 0 },
		{ "From: a@example.com\nAuto-Submitted: auto-replied\nSubject: away\n\nx\n", 1 },
		{ "From: a@example.com\nReturn-Path: <>\nSubject: hi\n\nx\n", 1 },
		{ "From: a@example.com\nX-Loop: desk@example.com\nSubject: hi\n\nx\n", 1 },
		{ "From: a@example.com\nX-Loop: other@example.com\nSubject: hi\n\nx\n", 0 },
		{ "From: MAILER-DAEMON@example.com\nSubject: hi\n\nx\n", 1 },
		{ "From: noreply@shop.example\nSubject: your order\n\nx\n", 1 },
		{ "From: a@example.com\nList-Id: <l.example.com>\nSubject: hi\n\nx\n", 1 },
		{ "From: a@example.com\nPrecedence: bulk\nSubject: hi\n\nx\n", 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct sd_mail *m = NULL;
		sd_error *err = sd_mail_parse(&m, cases[i].msg, strlen(cases[i].msg));
		CHECK(!err, "parse %zu", i);
		const char *why = sd_outbox_no_auto_reply(m, "desk@example.com");
		CHECK((why != NULL) == cases[i].refused, "loop rule %zu: %s", i,
		      why ? why : "none");
		sd_mail_free(m);
	}
	char id[SD_ID_LEN + 1];
	CHECK(sd_outbox_ticket_of_message_id("sd-0123456789ab-abcdefghjk@example.com", id) &&
		      !strcmp(id, "0123456789ab"),
	      "ticket of message id");
	CHECK(!sd_outbox_ticket_of_message_id("sd-0123@example.com", id), "short id");
	CHECK(!sd_outbox_ticket_of_message_id("x1@example.com", id), "foreign id");
	CHECK(!sd_outbox_ticket_of_message_id("sd-0123456789aU-x@example.com", id), "bad char");
}

static void test_template(void)
{
	const char *values[5] = { "0123456789ab", "0123", "Printer *jams* [x](javascript:y)", "",
				  "https://desk.example/s/t0k" };
	struct sd_buf plain = SD_BUF_INIT, md = SD_BUF_INIT;
	const char *tmpl = "Ticket {{short_id}}: {{title}}\nDue {{due}}.\n{{status_link}}\n"
			   "{{unknown}} stays\n";
	sd_outbox_fill_template(&plain, tmpl, values, 0);
	CHECK_STR("Ticket 0123: Printer *jams* [x](javascript:y)\nhttps://desk.example/s/t0k\n"
		  "{{unknown}} stays\n",
		  plain.data, "plain template");
	sd_outbox_fill_template(&md, tmpl, values, 1);
	CHECK(strstr(md.data, "Printer \\*jams\\* \\[x\\]\\(javascript\\:y\\)") != NULL,
	      "markdown escapes the title: %s", md.data);
	sd_buf_release(&plain);
	sd_buf_release(&md);
}

static void test_compose(void)
{
	struct sd_strvec to = SD_STRVEC_INIT, cc = SD_STRVEC_INIT, refs = SD_STRVEC_INIT;
	struct sd_buf out = SD_BUF_INIT;
	sd_strvec_push(&to, "Иван Петров <ivan@example.ru>");
	sd_strvec_push(&to, "Evil\r\nBcc: victim@example.com <evil@example.com>");
	sd_strvec_push(&to, "broken\nBcc: x@y.z");
	sd_strvec_push(&cc, "Špela Čuk <spela@example.si>");
	sd_strvec_push(&refs, "orig@example.ru");
	sd_strvec_push(&refs, "bad id with spaces");
	sd_strvec_push(&refs, "sd-0123456789ab-abcdefghjk@desk.example");
	struct sd_outbox_draft d = {
		.from_name = "Help \"desk\"",
		.from_addr = "desk@desk.example",
		.to = &to,
		.cc = &cc,
		.subject = "[sd #0123] Принтер не печатает\r\nBcc: victim@example.com",
		.message_id = "sd-0123456789ab-0000000000@desk.example",
		.references = &refs,
		.markdown = "Hello **Иван**, <script>alert(1)</script> čšž\n",
		.auto_submitted = "auto-replied",
		.bulk = 1,
		.x_loop = "desk@desk.example",
		.date = 1796000000,
	};
	sd_error *err = sd_outbox_compose(&out, &d);
	CHECK(!err, "compose: %s", err ? err->msg : "");
	char *h = headers_of(out.data);
	CHECK(!strstr(h, "\nBcc:"), "no injected Bcc header:\n%s", h);
	CHECK(!strstr(out.data, "\r"), "no CR in the message");
	CHECK(strstr(h, "\nAuto-Submitted: auto-replied\n") != NULL, "Auto-Submitted:\n%s", h);
	CHECK(strstr(h, "\nPrecedence: bulk\n") != NULL, "Precedence");
	CHECK(strstr(h, "\nX-Loop: desk@desk.example\n") != NULL, "X-Loop");
	CHECK(strstr(h, "In-Reply-To: <sd-0123456789ab-abcdefghjk@desk.example>") != NULL,
	      "In-Reply-To:\n%s", h);
	for (const unsigned char *p = (const unsigned char *)h; *p; p++)
		CHECK(*p < 0x80, "header byte %02x is not ASCII", *p);
	struct sd_mail *m = reread(&out);
	CHECK_STR("[sd #0123] Принтер не печатает Bcc: victim@example.com", m->subject,
		  "subject decodes");
	CHECK_STR("Help \"desk\"", m->from.name, "from name");
	CHECK(m->n_to == 2 && !strcmp(m->to[0].name, "Иван Петров") &&
		      !strcmp(m->to[1].addr, "evil@example.com"),
	      "to: %zu", m->n_to);
	CHECK(m->n_cc == 1 && !strcmp(m->cc[0].name, "Špela Čuk"), "cc");
	CHECK_STR("sd-0123456789ab-0000000000@desk.example", m->message_id, "message id");
	CHECK(m->n_references == 2, "references: %zu", m->n_references);
	CHECK(strstr(m->body, "Hello **Иван**") != NULL, "plain part is the Markdown: %s", m->body);
	CHECK(strstr(out.data, "&lt;script&gt;") == NULL && strstr(out.data, "<script>") == NULL,
	      "no raw HTML passes into the HTML part");
	free(h);
	sd_mail_free(m);

	/* Nobody left to send to: an error, nothing composed. */
	struct sd_strvec bad = SD_STRVEC_INIT;
	sd_strvec_push(&bad, "nobody");
	d.to = &bad;
	d.cc = NULL;
	sd_buf_reset(&out);
	err = sd_outbox_compose(&out, &d);
	CHECK(err != NULL, "no recipient is an error");
	sd_error_free(err);
	sd_strvec_clear(&bad);
	sd_strvec_clear(&to);
	sd_strvec_clear(&cc);
	sd_strvec_clear(&refs);
	sd_buf_release(&out);
}

static const char ticket_text[] =
	"---\n"
	"id: 0123456789ab\n"
	"title: Принтер не печатает\n"
	"type: incident\n"
	"status: open\n"
	"priority: P3\n"
	"impact: medium\n"
	"urgency: medium\n"
	"tier: L1\n"
	"queue: desk\n"
	"assignee: bob@desk.example\n"
	"requester: Иван <ivan@example.ru>\n"
	"category: \"\"\n"
	"tags: []\n"
	"asset: \"\"\n"
	"key: \"mail:orig@example.ru\"\n"
	"channel: mail\n"
	"created: 2026-12-07T10:00:00Z\n"
	"updated: 2026-12-07T11:00:00Z\n"
	"---\n"
	"\n"
	"Не печатает.\n"
	"\n"
	"<!-- sd:timeline -->\n"
	"## Timeline\n"
	"\n"
	"<!-- sd:event id=f000000000 at=2026-12-07T10:00:00Z author=\"Иван <ivan@example.ru>\" "
	"field=file from=big.iso to=\"\" reason=\"not stored: 52428800 bytes\" -->\n"
	"\n"
	"<!-- sd:event id=f000000001 at=2026-12-07T10:29:00Z author=\"Bob <bob@desk.example>\" "
	"field=file from=\"\" to=\"журнал.txt\" -->\n"
	"\n"
	"<!-- sd:comment id=c000000001 at=2026-12-07T10:30:00Z author=\"Bob <bob@desk.example>\" "
	"visibility=public -->\n"
	"Try turning it off and on.\n"
	"\n"
	"<!-- sd:comment id=c000000002 at=2026-12-07T10:31:00Z author=\"Bob <bob@desk.example>\" "
	"visibility=internal -->\n"
	"He never does.\n"
	"\n"
	"<!-- sd:comment id=c000000003 at=2026-12-07T10:40:00Z author=\"Иван <ivan@example.ru>\" "
	"visibility=public -->\n"
	"Спасибо, работает.\n";

static sd_error *fake_file(void *arg, const char *id, const char *name, struct sd_buf *out)
{
	(void)arg;
	if (strcmp(id, "0123456789ab") || strcmp(name, "журнал.txt"))
		return sd_error_invalid("no such file");
	sd_buf_adds(out, "строка журнала\n");
	return NULL;
}

static void test_collect(void)
{
	struct sd_config cfg;
	struct sd_ticket t;
	struct sd_outbox ob;
	struct sd_strvec own = SD_STRVEC_INIT;
	sd_config_init(&cfg);
	sd_strvec_push(&own, "desk@desk.example");
	sd_error *err = sd_ticket_parse(&t, ticket_text, sizeof(ticket_text) - 1, "t.md");
	CHECK(!err, "parse: %s", err ? err->msg : "");
	sd_stamp now = 0;
	sd_stamp_parse(&now, "2026-12-07T12:00:00Z");
	struct sd_outbox_settings s = {
		.desk_name = "Desk",
		.desk_address = "desk@desk.example",
		.own = &own,
		.tag = "sd",
		.auto_reply = 1,
		.auto_reply_limit = 3,
		.notify = cfg.mail.notify,
		.cfg = &cfg,
		.read_file = fake_file,
		.now = now,
	};
	sd_outbox_init(&ob, &s);
	sd_outbox_count(&ob, &t);
	err = sd_outbox_collect(&ob, &t, "0123");
	CHECK(!err, "collect: %s", err ? err->msg : "");
	/* The auto-reply, Bob's public answer (not his note), and the notice
	 * of Иван's reply to Bob. */
	CHECK(ob.n == 3, "three messages owed, not %zu", ob.n);
	CHECK(ob.n > 0 && !strcmp(ob.v[0].what, "auto-reply") &&
		      !strcmp(ob.v[0].recipients, "ivan@example.ru"),
	      "auto-reply first");
	CHECK(ob.n > 1 && !strcmp(ob.v[1].what, "reply:c000000001"), "the answer");
	CHECK(ob.n > 2 && !strcmp(ob.v[2].what, "notify-reply:c000000003") &&
		      !strcmp(ob.v[2].recipients, "bob@desk.example"),
	      "the notice");
	for (size_t i = 0; i < ob.n; i++)
		CHECK(!strstr(ob.v[i].data.data, "He never does"), "the note is never sent");
	if (ob.n == 3) {
		struct sd_mail *auto_reply = reread(&ob.v[0].data), *answer = reread(&ob.v[1].data);
		CHECK(strstr(auto_reply->body, "- big.iso: not stored: 52428800 bytes") != NULL,
		      "the auto-reply lists the file not kept:\n%s", auto_reply->body);
		CHECK(answer->n_attachments == 1 &&
			      !strcmp(answer->attachments[0].name, "журнал.txt") &&
			      answer->attachments[0].size == strlen("строка журнала\n") &&
			      !memcmp(answer->attachments[0].data, "строка журнала\n",
				      answer->attachments[0].size),
		      "the answer carries Bob's file: %zu", answer->n_attachments);
		CHECK(auto_reply->n_attachments == 0, "the auto-reply carries no file");
		sd_mail_free(auto_reply);
		sd_mail_free(answer);
	}
	/* Recorded, they are owed no more; recording twice adds nothing. */
	for (size_t i = 0; i < ob.n; i++)
		CHECK(sd_outbox_record(&t, &ob.v[i], "cron <cron@desk.example>", now), "record %zu",
		      i);
	CHECK(!sd_outbox_record(&t, &ob.v[0], "cron <cron@desk.example>", now + 5),
	      "a second record of the same message is none");
	struct sd_buf text = SD_BUF_INIT;
	sd_ticket_write(&t, &text);
	CHECK(strstr(text.data,
		     "field=mail from=auto-reply to=ivan@example.ru reason=\"Message-ID "
		     "<sd-0123456789ab-") != NULL,
	      "the record:\n%s", text.data);
	sd_buf_release(&text);
	sd_outbox_free(&ob);
	sd_outbox_init(&ob, &s);
	sd_outbox_count(&ob, &t);
	err = sd_outbox_collect(&ob, &t, "0123");
	CHECK(!err && ob.n == 0, "nothing owed after the records: %zu", ob.n);
	sd_outbox_free(&ob);

	/* Its claim withdrawn (the sendmail failed after the claim was
	 * pushed), the answer is owed again, under the next claim id and
	 * with the same Message-ID; recorded again, owed no more. */
	char first[SD_ENTRY_ID_LEN + 1] = "";
	for (size_t i = 0; i < t.nentries; i++)
		if (t.entries[i].kind == SD_ENTRY_EVENT && !strcmp(t.entries[i].field, "mail") &&
		    !strcmp(t.entries[i].from, "reply:c000000001"))
			memcpy(first, t.entries[i].id, SD_ENTRY_ID_LEN + 1);
	CHECK(*first, "the answer's record");
	CHECK(sd_outbox_withdraw(&t, "reply:c000000001", first, "cron <cron@desk.example>",
				 now + 10, "sendmail failed"),
	      "withdrawn");
	CHECK(!sd_outbox_withdraw(&t, "reply:c000000001", first, "cron <cron@desk.example>",
				  now + 11, "sendmail failed"),
	      "withdrawn once");
	CHECK(sd_outbox_withdrawn(&t, first), "sd_outbox_withdrawn");
	sd_outbox_init(&ob, &s);
	sd_outbox_count(&ob, &t);
	err = sd_outbox_collect(&ob, &t, "0123");
	CHECK(!err && ob.n == 1 && !strcmp(ob.v[0].what, "reply:c000000001") &&
		      strcmp(ob.v[0].record_id, first) && strstr(ob.v[0].message_id, first),
	      "owed again, a new claim, the same Message-ID: %zu", ob.n);
	if (ob.n == 1) {
		CHECK(sd_outbox_record(&t, &ob.v[0], "cron <cron@desk.example>", now + 20),
		      "claimed again");
		CHECK(!sd_outbox_withdrawn(&t, ob.v[0].record_id), "the new claim stands");
	}
	sd_outbox_free(&ob);
	sd_outbox_init(&ob, &s);
	err = sd_outbox_collect(&ob, &t, "0123");
	CHECK(!err && ob.n == 0, "nothing owed after the second claim: %zu", ob.n);
	sd_outbox_free(&ob);

	/* The limit: with one auto-reply sent to Иван in the last day, a
	 * limit of 1 withholds the next. */
	struct sd_ticket t2;
	sd_ticket_parse(&t2, ticket_text, sizeof(ticket_text) - 1, "t.md");
	sd_ticket_set(&t2, SD_F_ID, "0123456789ac");
	s.auto_reply_limit = 1;
	s.notify = NULL;
	sd_outbox_init(&ob, &s);
	sd_outbox_count(&ob, &t);
	err = sd_outbox_collect(&ob, &t2, "0123456789ac");
	CHECK(!err && ob.n == 2 && ob.v[0].withheld && !ob.v[0].data.len,
	      "auto-reply withheld over the limit");
	sd_outbox_free(&ob);

	/* Mail to Иван bounced for this ticket: nothing more goes to him. */
	static const char bounce[] =
		"<!-- sd:event id=b000000001 at=2026-12-07T10:35:00Z author=\"MAILER-DAEMON "
		"<mailer-daemon@example.ru>\" field=mail from=ivan@example.ru to=bounced "
		"reason=\"5.1.1\" -->\n";
	struct sd_buf text3 = SD_BUF_INIT;
	struct sd_ticket t3;
	sd_buf_add(&text3, ticket_text, sizeof(ticket_text) - 1);
	sd_buf_addch(&text3, '\n');
	sd_buf_adds(&text3, bounce);
	err = sd_ticket_parse(&t3, text3.data, text3.len, "t3.md");
	CHECK(!err, "parse t3: %s", err ? err->msg : "");
	s.auto_reply_limit = 3;
	sd_outbox_init(&ob, &s);
	err = sd_outbox_collect(&ob, &t3, "0123");
	CHECK(!err && ob.n == 1 && ob.v[0].withheld &&
		      !strcmp(ob.v[0].withheld, "mail to the sender bounced"),
	      "bounced: only the withheld auto-reply, %zu", ob.n);
	sd_outbox_free(&ob);
	sd_ticket_free(&t3);
	sd_buf_release(&text3);
	sd_ticket_free(&t2);

	sd_ticket_free(&t);
	sd_strvec_clear(&own);
	sd_config_release(&cfg);
}

/* Files dropped from a reply by mail are told to its sender, once per
 * message; none for machine mail (an internal note). */
static void test_drop_notices(void)
{
	static const char drops[] =
		"\n<!-- sd:comment id=c000000010 at=2026-12-07T10:50:00Z author=\"Špela "
		"<spela@example.si>\" visibility=public message_id=sp1@example.si -->\n"
		"Tudi pri nas.\n"
		"\n<!-- sd:event id=f000000010 at=2026-12-07T10:50:00Z author=\"Špela "
		"<spela@example.si>\" field=file from=\"dnevnik čšž.zip\" to=\"\" reason=\"not stored: "
		"3000 bytes\" message_id=sp1@example.si -->\n"
		"\n<!-- sd:event id=f000000011 at=2026-12-07T10:50:00Z author=\"Špela "
		"<spela@example.si>\" field=file from=posnetek.mp4 to=\"\" reason=\"not stored: "
		"past the message's limit\" message_id=sp1@example.si -->\n"
		"\n<!-- sd:comment id=c000000011 at=2026-12-07T10:55:00Z author=\"Ivan "
		"<ivan@example.ru>\" visibility=internal message_id=ooo@example.ru -->\n"
		"Automatic reply.\n"
		"\n<!-- sd:event id=f000000012 at=2026-12-07T10:55:00Z author=\"Ivan "
		"<ivan@example.ru>\" field=file from=message.eml to=\"\" reason=\"not stored: "
		"too large\" message_id=ooo@example.ru -->\n";
	struct sd_config cfg;
	struct sd_ticket t;
	struct sd_outbox ob;
	struct sd_strvec own = SD_STRVEC_INIT;
	struct sd_buf text = SD_BUF_INIT;
	sd_config_init(&cfg);
	sd_strvec_push(&own, "desk@desk.example");
	sd_buf_add(&text, ticket_text, sizeof(ticket_text) - 1);
	sd_buf_adds(&text, drops);
	sd_error *err = sd_ticket_parse(&t, text.data, text.len, "t.md");
	CHECK(!err, "parse: %s", err ? err->msg : "");
	sd_stamp now = 0;
	sd_stamp_parse(&now, "2026-12-07T12:00:00Z");
	struct sd_outbox_settings s = {
		.desk_name = "Desk",
		.desk_address = "desk@desk.example",
		.own = &own,
		.tag = "sd",
		.auto_reply = 1,
		.auto_reply_limit = 3,
		.cfg = &cfg,
		.now = now,
	};
	sd_outbox_init(&ob, &s);
	err = sd_outbox_collect(&ob, &t, "0123");
	CHECK(!err, "collect: %s", err ? err->msg : "");
	size_t k = SIZE_MAX, n = 0;
	for (size_t i = 0; i < ob.n; i++)
		if (!strncmp(ob.v[i].what, "dropped:", 8))
			k = i, n++;
	for (size_t i = 0; i < ob.n; i++)
		CHECK(strcmp(ob.v[i].what, "reply:c000000010"),
		      "Špela's mail is not relayed to Иван as the desk's answer");
	CHECK(n == 1 && !strcmp(ob.v[k].what, "dropped:f000000010") &&
		      !strcmp(ob.v[k].recipients, "spela@example.si") && !ob.v[k].withheld,
	      "one notice, to Špela, none for the internal note: %zu", n);
	if (n == 1) {
		struct sd_mail *m = reread(&ob.v[k].data);
		CHECK(strstr(m->body,
			     "- dnevnik čšž.zip: not stored: 3000 bytes\n- posnetek.mp4: "
			     "not stored: past the message's limit") != NULL,
		      "both files of the message, and why:\n%s", m->body);
		CHECK(!strstr(m->body, "big.iso") && !strstr(m->body, "message.eml"),
		      "not the first message's drop, nor the internal note's");
		CHECK(!strcmp(m->auto_submitted, "auto-replied") &&
			      !strcmp(m->in_reply_to, "sp1@example.si"),
		      "automatic, an answer to her message: %s", m->in_reply_to);
		sd_mail_free(m);
		CHECK(sd_outbox_record(&t, &ob.v[k], "cron <cron@desk.example>", now), "record");
	}
	sd_outbox_free(&ob);
	sd_outbox_init(&ob, &s);
	err = sd_outbox_collect(&ob, &t, "0123");
	for (size_t i = 0; i < ob.n; i++)
		CHECK(strncmp(ob.v[i].what, "dropped:", 8), "owed again: %s", ob.v[i].what);
	sd_outbox_free(&ob);
	/* Without auto-replies, none is owed. */
	s.auto_reply = 0;
	sd_ticket_free(&t);
	sd_ticket_parse(&t, text.data, text.len, "t.md");
	sd_outbox_init(&ob, &s);
	err = sd_outbox_collect(&ob, &t, "0123");
	for (size_t i = 0; i < ob.n; i++)
		CHECK(strncmp(ob.v[i].what, "dropped:", 8), "owed with mail.auto_reply off");
	sd_outbox_free(&ob);
	sd_ticket_free(&t);
	sd_buf_release(&text);
	sd_strvec_clear(&own);
	sd_config_release(&cfg);
}

int main(void)
{
	test_addresses();
	test_loop_rules();
	test_template();
	test_compose();
	test_collect();
	test_drop_notices();
	return unit_done("t-outbox");
}
