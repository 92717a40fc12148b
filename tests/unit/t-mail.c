/* SPDX-License-Identifier: MIT */
/* Reading mail (mail.h) and HTML as text (html.h). The messages are
 * written here, byte for byte, in each charset sd must read; the corpus
 * check at the end reads real mail from outside the tree when it is there
 * (SD_MAIL_CORPUS) and skips, saying so, when it is not. */

#include <dirent.h>
#include <stdlib.h>
#include <yaml.h>

#include "sd/html.h"
#include "sd/attach.h"
#include "sd/mail.h"
#include "sd/text.h"
#include "unit.h"

static struct sd_mail *parse(const char *msg, size_t len)
{
	struct sd_mail *m = NULL;
	sd_error *err = sd_mail_parse(&m, msg, len);
	CHECK(!err && m, "sd_mail_parse failed");
	return m;
}

#define PARSE(msg) parse((msg), sizeof(msg) - 1)

/* Every string of a parsed message is clean UTF-8. */
static int clean(const char *s)
{
	if (!s || !sd_utf8_valid(s, strlen(s), NULL))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
			return 0;
	return 1;
}

static void check_clean(const struct sd_mail *m, const char *what)
{
	const char *strings[] = { m->message_id,     m->in_reply_to,	   m->from.name,
				  m->from.addr,	     m->reply_to.addr,	   m->subject,
				  m->auto_submitted, m->precedence,	   m->x_loop,
				  m->list_id,	     m->return_path,	   m->bounce_recipient,
				  m->bounce_status,  m->bounce_message_id, m->body };
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		CHECK(clean(strings[i]), "%s: string %zu is not clean text", what, i);
	for (size_t i = 0; i < m->n_attachments; i++)
		CHECK(clean(m->attachments[i].name) && clean(m->attachments[i].content_type),
		      "%s: attachment %zu", what, i);
}

static const char msg_cp1251[] =
	"From: =?windows-1251?Q?=C8=E2=E0=ED_=CF=E5=F2=F0=EE=E2?= <ivan@example.ru>\n"
	"To: desk@example.com\n"
	"Subject: =?windows-1251?B?zeUg8ODh7vLg5fIg7/Do7fLl8A==?=\n"
	"Message-ID: <r1@example.ru>\n"
	"MIME-Version: 1.0\n"
	"Content-Type: text/plain; charset=windows-1251\n"
	"Content-Transfer-Encoding: quoted-printable\n"
	"\n"
	"=C4=EE=E1=F0=FB=E9 =E4=E5=ED=FC!\n"
	"=CF=F0=E8=ED=F2=E5=F0 =E2 =E1=F3=F5=E3=E0=EB=F2=E5=F0=E8=E8 =ED=E5 =EF=E5=\n"
	"=F7=E0=F2=E0=E5=F2.\n";

static const char msg_koi8r[] = "From: anna@example.ru\n"
				"To: desk@example.com\n"
				"Subject: =?koi8-r?Q?=F3=DE=A3=D4_=DA=C1_=CE=CF=D1=C2=D2=D8?=\n"
				"MIME-Version: 1.0\n"
				"Content-Type: text/plain; charset=\"KOI8-R\"\n"
				"Content-Transfer-Encoding: base64\n"
				"\n"
				"8NLJ28zJ1MUsINDP1sHM1crT1MEsINPeo9QuCg==\n";

static const char msg_latin2[] =
	"From: =?iso-8859-2?Q?=AEiga_=C8uk?= <ziga@example.si>\n"
	"To: desk@example.com\n"
	"Subject: =?iso-8859-2?Q?Te=BEava_s_tiskalnikom=3A_=E8_=B9_=BE?=\n"
	"MIME-Version: 1.0\n"
	"Content-Type: text/plain; charset=iso-8859-2\n"
	"Content-Transfer-Encoding: quoted-printable\n"
	"\n"
	"Tiskalnik v pisarni ne deluje. Lep pozdrav, =AEiga =C8uk - =B9ef\n";

static const char msg_cp1250[] = "From: mojca@example.si\n"
				 "To: desk@example.com\n"
				 "Subject: =?windows-1250?B?yGFrYW0gb2Rnb3Zvcg==?=\n"
				 "MIME-Version: 1.0\n"
				 "Content-Type: text/plain; charset=windows-1250\n"
				 "Content-Transfer-Encoding: 8bit\n"
				 "\n"
				 "\x8a"
				 "e vedno \xe8"
				 "akam na odgovor glede \x9eiga.\n";

static const char msg_sjis[] = "From: taro@example.jp\n"
			       "To: desk@example.com\n"
			       "Subject: =?shift_jis?B?g2OBW4OLgsyOv5bi?=\n"
			       "MIME-Version: 1.0\n"
			       "Content-Type: text/plain; charset=Shift_JIS\n"
			       "Content-Transfer-Encoding: 8bit\n"
			       "\n"
			       "\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd\x81"
			       "B\x83"
			       "c\x81[\x83\x8b\x82\xaa\x93\xae\x82\xab\x82\xdc\x82\xb9\x82\xf1\x81"
			       "B\n";

static const char msg_rfc2231[] = "From: a@example.com\n"
				  "To: desk@example.com\n"
				  "Subject: files\n"
				  "MIME-Version: 1.0\n"
				  "Content-Type: multipart/mixed; boundary=\"XX\"\n"
				  "\n"
				  "--XX\n"
				  "Content-Type: text/plain; charset=utf-8\n"
				  "\n"
				  "See attached.\n"
				  "--XX\n"
				  "Content-Type: application/pdf\n"
				  "Content-Disposition: attachment;\n"
				  " filename*=utf-8''%D0%BE%D1%82%D1%87%D1%91%D1%82.pdf\n"
				  "Content-Transfer-Encoding: base64\n"
				  "\n"
				  "JVBERi0xLjQgdGVzdAAB/w==\n"
				  "--XX\n"
				  "Content-Type: text/plain\n"
				  "Content-Disposition: attachment;\n"
				  " filename*0*=iso-8859-2''%E8rka%20;\n"
				  " filename*1*=%B9%E1.txt\n"
				  "\n"
				  "letter\n"
				  "--XX--\n";

static void test_charsets(void)
{
	struct sd_mail *m = PARSE(msg_cp1251);
	CHECK_STR("Не работает принтер", m->subject, "windows-1251 subject (RFC 2047 B)");
	CHECK_STR("Иван Петров", m->from.name, "windows-1251 display name (RFC 2047 Q)");
	CHECK_STR("ivan@example.ru", m->from.addr, "address");
	CHECK_STR("r1@example.ru", m->message_id, "Message-ID without brackets");
	CHECK_STR("Добрый день!\nПринтер в бухгалтерии не печатает.", m->body,
		  "windows-1251 quoted-printable body, soft break joined");
	CHECK(m->n_to == 1 && !strcmp(m->to[0].addr, "desk@example.com"), "To");
	CHECK_STR("person", sd_mail_kind_name(m->kind), "kind");
	check_clean(m, "cp1251");
	sd_mail_free(m);

	m = PARSE(msg_koi8r);
	CHECK_STR("Счёт за ноябрь", m->subject, "KOI8-R subject");
	CHECK_STR("Пришлите, пожалуйста, счёт.", m->body, "KOI8-R base64 body");
	sd_mail_free(m);

	m = PARSE(msg_latin2);
	CHECK_STR("Težava s tiskalnikom: č š ž", m->subject, "ISO-8859-2 subject");
	CHECK_STR("Žiga Čuk", m->from.name, "ISO-8859-2 name");
	CHECK_STR("Tiskalnik v pisarni ne deluje. Lep pozdrav, Žiga Čuk - šef", m->body,
		  "ISO-8859-2 body");
	sd_mail_free(m);

	m = PARSE(msg_cp1250);
	CHECK_STR("Čakam odgovor", m->subject, "windows-1250 subject");
	CHECK_STR("Še vedno čakam na odgovor glede žiga.", m->body, "windows-1250 8-bit body");
	sd_mail_free(m);

	m = PARSE(msg_sjis);
	CHECK_STR("ツールの質問", m->subject, "Shift_JIS subject");
	CHECK_STR("こんにちは。ツールが動きません。", m->body, "Shift_JIS body");
	sd_mail_free(m);
}

static void test_headers(void)
{
	/* Adjacent base64 words, the first padded: GMime alone loses the
	 * second. A character split across two Q words survives. */
	struct sd_mail *m = PARSE("From: a@b\n"
				  "Subject: =?UTF-8?B?0J/RgNC40LI=?=\n =?UTF-8?B?0LXRgg==?= x\n"
				  "\n");
	CHECK_STR("Привет x", m->subject, "padded base64 words joined");
	sd_mail_free(m);
	m = PARSE("From: a@b\nSubject: =?utf-8?Q?=D0?= =?utf-8?Q?=9F?=ok\n\n");
	CHECK_STR("Пok", m->subject, "character split between words");
	sd_mail_free(m);
	m = PARSE("From: a@b\nSubject: =?unknown-cs?Q?caf=E9?= and\xff raw\n\n");
	CHECK_STR("café andÿ raw", m->subject, "unknown charset and raw 8-bit as windows-1252");
	sd_mail_free(m);
	/* ISO-2022-JP with NEC's circled digits, which iconv's ISO-2022-JP
	 * refuses. */
	m = PARSE("From: a@b\nSubject: =?ISO-2022-JP?B?GyRCLSEbKEI=?=\n"
		  "Content-Type: text/plain; charset=ISO-2022-JP\n\n"
		  "\x1b$B-!#1\x1b(B ok\n");
	CHECK_STR("①", m->subject, "ISO-2022-JP subject with NEC extension");
	CHECK_STR("①１ ok", m->body, "ISO-2022-JP body with NEC extension");
	sd_mail_free(m);

	/* Who wrote it when From cannot say. */
	m = PARSE("Reply-To: <reply@example.com>\nSubject: no From\n\nx\n");
	CHECK_STR("reply@example.com", m->from.addr, "no From: Reply-To");
	sd_mail_free(m);
	m = PARSE("From: Test test@example.com\n\nx\n");
	CHECK_STR("test@example.com", m->from.addr, "From without brackets");
	sd_mail_free(m);
	m = PARSE("---- Original email message ----\nFrom: x@example.cz\nSubject: fwd\n\nbody\n");
	CHECK_STR("x@example.cz", m->from.addr, "a line of text before the headers skipped");
	CHECK_STR("body", m->body, "and the body found");
	sd_mail_free(m);
	/* An encoded word is not an address: never decoded into one. */
	m = PARSE("From: =?utf-8?Q?agent?=@example.com\n\nx\n");
	CHECK(strcmp(m->from.addr, "agent@example.com"), "encoded word in an address: %s",
	      m->from.addr);
	sd_mail_free(m);
}

static const char msg_outlook[] =
	"From: =?windows-1251?B?yOLg7SDP5fLw7uI=?= <ivan@example.ru>\r\n"
	"To: \"Help desk\" <desk@example.com>\r\n"
	"Cc: boss@example.ru\r\n"
	"Subject: =?windows-1251?B?ztLCOiDP8Ojt8uXw?=\r\n"
	"Thread-Topic: x\r\n"
	"X-MS-Has-Attach: yes\r\n"
	"Content-Language: ru-RU\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: multipart/related;\r\n"
	"\tboundary=\"_004_outlook_\";\r\n"
	"\ttype=\"multipart/alternative\"\r\n"
	"\r\n"
	"--_004_outlook_\r\n"
	"Content-Type: multipart/alternative;\r\n"
	"\tboundary=\"_000_outlook_\"\r\n"
	"\r\n"
	"--_000_outlook_\r\n"
	"Content-Type: text/plain; charset=\"windows-1251\"\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"=C7=E4=F0=E0=E2=F1=F2=E2=F3=E9=F2=E5!\r\n"
	"=CD=E5 =F0=E0=E1=EE=F2=E0=E5=F2 =EF=F0=E8=ED=F2=E5=F0 =E2 =EA=E0=E1=E8=ED=\r\n"
	"=E5=F2=E5 12.\r\n"
	"\r\n"
	"=D1 =F3=E2=E0=E6=E5=ED=E8=E5=EC,\r\n"
	"=C8=E2=E0=ED\r\n"
	"\r\n"
	"--_000_outlook_\r\n"
	"Content-Type: text/html; charset=\"windows-1251\"\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"<html><body><p>=C7=E4=F0=E0=E2=F1=F2=E2=F3=E9=F2=E5!</p><p>=CD=E5 =F0=E0=E1=\n"
	"=EE=F2=E0=E5=F2 =EF=F0=E8=ED=F2=E5=F0 =E2 =EA=E0=E1=E8=ED=E5=F2=E5 12.</p><=\n"
	"p><img src=3D\"cid:image001.png@01D0\"></p></body></html>\r\n"
	"\r\n"
	"--_000_outlook_--\r\n"
	"\r\n"
	"--_004_outlook_\r\n"
	"Content-Type: image/png; name=\"image001.png\"\r\n"
	"Content-Description: image001.png\r\n"
	"Content-Disposition: inline; filename=\"image001.png\"; size=4;\r\n"
	"Content-ID: <image001.png@01D0>\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"\r\n"
	"iVBORw==\r\n"
	"\r\n"
	"--_004_outlook_--\r\n";

static const char msg_apple[] = "From: Jane <jane@example.com>\n"
				"Content-Type: multipart/mixed; boundary=\"Apple-Mail=_1\"\n"
				"Subject: Two screenshots\n"
				"Message-Id: <A1@example.com>\n"
				"Mime-Version: 1.0 (Mac OS X Mail 16.0)\n"
				"\n"
				"--Apple-Mail=_1\n"
				"Content-Transfer-Encoding: 7bit\n"
				"Content-Type: text/plain; charset=us-ascii\n"
				"\n"
				"First screen:\n"
				"\n"
				"--Apple-Mail=_1\n"
				"Content-Disposition: inline; filename=one.png\n"
				"Content-Type: image/png; x-unix-mode=0644; name=\"one.png\"\n"
				"Content-Transfer-Encoding: base64\n"
				"\n"
				"iVBORw==\n"
				"--Apple-Mail=_1\n"
				"Content-Transfer-Encoding: 7bit\n"
				"Content-Type: text/plain; charset=us-ascii\n"
				"\n"
				"\n"
				"and after it.\n"
				"\n"
				"--Apple-Mail=_1--\n";

/* The shapes of the two mailers most requesters use. */
static void test_mailers(void)
{
	struct sd_mail *m = PARSE(msg_outlook);
	CHECK_STR("Иван Петров", m->from.name, "Outlook: name in windows-1251");
	CHECK_STR("ОТВ: Принтер", m->subject, "Outlook: Russian subject as sent");
	CHECK_STR("Здравствуйте!\nНе работает принтер в кабинете 12.\n\nС уважением,\nИван",
		  m->body, "Outlook: the text/plain alternative, CRLF read as LF");
	CHECK(m->n_cc == 1 && !strcmp(m->cc[0].addr, "boss@example.ru"), "Outlook: Cc");
	CHECK(m->n_attachments == 1 && !strcmp(m->attachments[0].name, "image001.png") &&
		      m->attachments[0].is_inline &&
		      !strcmp(m->attachments[0].content_id, "image001.png@01D0"),
	      "Outlook: the inline image");
	sd_mail_free(m);

	m = PARSE(msg_apple);
	CHECK_STR("First screen:\n\nand after it.", m->body,
		  "Apple Mail: text around an inline image is one body");
	CHECK(m->n_attachments == 1 && !strcmp(m->attachments[0].name, "one.png") &&
		      m->attachments[0].is_inline,
	      "Apple Mail: the image between");
	sd_mail_free(m);
}

/* Ten thousand parts, and multiparts nested far deeper than any mailer
 * does: read in full, and no stack to spare needed. */
static void test_large(void)
{
	struct sd_buf msg = SD_BUF_INIT;
	sd_buf_adds(&msg,
		    "From: a@b\nSubject: many\nContent-Type: multipart/mixed; boundary=q\n\n");
	for (int i = 0; i < 10000; i++)
		sd_buf_printf(&msg,
			      "--q\nContent-Type: application/octet-stream; name=f%d.bin\n"
			      "Content-Transfer-Encoding: base64\n\nAAEC\n",
			      i);
	sd_buf_adds(&msg, "--q\nContent-Type: text/plain\n\nthe text\n--q--\n");
	struct sd_mail *m = parse(msg.data, msg.len);
	CHECK(m->n_attachments == 10000 && !strcmp(m->attachments[9999].name, "f9999.bin") &&
		      m->attachments[9999].size == 3,
	      "10,000 parts, got %zu", m->n_attachments);
	CHECK_STR("the text", m->body, "the text after 10,000 parts");
	sd_mail_free(m);

	sd_buf_reset(&msg);
	sd_buf_adds(&msg, "From: a@b\nContent-Type: multipart/mixed; boundary=b0\n\n");
	for (int i = 1; i < 5000; i++)
		sd_buf_printf(&msg, "--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n", i - 1,
			      i);
	sd_buf_adds(&msg, "--b4999\nContent-Type: text/plain\n\ndeep\n");
	m = parse(msg.data, msg.len);
	check_clean(m, "5,000 nested multiparts");
	sd_mail_free(m);
	sd_buf_release(&msg);
}

static void subject(const char *in, const char *expected)
{
	struct sd_buf out = SD_BUF_INIT;
	sd_mail_clean_subject(&out, in);
	CHECK_STR(expected, out.data, in);
	sd_buf_release(&out);
}

static void test_subjects(void)
{
	subject("Re: Fwd: AW: printer", "printer");
	subject("RE[2]: SV: Re^3: VS: WG: Fw: x", "x");
	subject("Отв: Ответ: ОТВ: Пересл: принтер", "принтер");
	subject("Odg: Posl.: Tiskalnik", "Tiskalnik");
	subject("  re :  spaced", "spaced");
	subject("Reply needed", "Reply needed");
	subject("Re:", "Re:");
	subject("Report: Q3", "Report: Q3");

	char id[16];
	CHECK(sd_mail_subject_tag("Re: [desk #ab12cd] printer", "desk", id, sizeof(id)) &&
		      !strcmp(id, "ab12cd"),
	      "subject tag");
	CHECK(sd_mail_subject_tag("AW: [Desk #AB12] [x]", "DESK", id, sizeof(id)) &&
		      !strcmp(id, "AB12"),
	      "tag in any case");
	CHECK(!sd_mail_subject_tag("[other #ab12] x", "desk", id, sizeof(id)),
	      "another desk's tag");
	CHECK(!sd_mail_subject_tag("[desk #] x", "desk", id, sizeof(id)), "no id");
	CHECK(!sd_mail_subject_tag("[desk #a/b] x", "desk", id, sizeof(id)), "bad id");
	CHECK(sd_mail_subject_tag("[desk #0123456789abcdef0123] x", "desk", id, 9) &&
		      !strcmp(id, "01234567"),
	      "long id cut to the buffer");

	static const char mbox[] = "preamble\nFrom a@b Mon Dec  7 10:00:00 2026\nSubject: one\n\n"
				   "body\n>From here\n\nFrom c@d Mon Dec  7 10:01:00 2026\n"
				   "Subject: two\n\nsecond\n";
	size_t pos = 0, start, end;
	int n = 0;
	const char *want[] = { "Subject: one\n\nbody\n>From here\n", "Subject: two\n\nsecond\n" };
	while (sd_mail_mbox_next(mbox, sizeof(mbox) - 1, &pos, &start, &end)) {
		CHECK(n < 2 && end - start == strlen(want[n]) &&
			      !memcmp(mbox + start, want[n], end - start),
		      "mbox message %d: %.*s", n, (int)(end - start), mbox + start);
		n++;
	}
	CHECK(n == 2, "two messages in the mbox, got %d", n);
}

static void test_attachments(void)
{
	struct sd_mail *m = PARSE(msg_rfc2231);
	CHECK_STR("See attached.", m->body, "text part is the body");
	CHECK(m->n_attachments == 2, "two attachments, got %zu", m->n_attachments);
	if (m->n_attachments == 2) {
		struct sd_mail_attachment *a = &m->attachments[0], *b = &m->attachments[1];
		CHECK_STR("отчёт.pdf", a->name, "RFC 2231 UTF-8 name");
		CHECK_STR("application/pdf", a->content_type, "content type");
		CHECK(a->size == 16 && !memcmp(a->data, "%PDF-1.4 test\0\1\xff", 16),
		      "base64 bytes, NUL and 0xff kept (size %zu)", a->size);
		CHECK_STR("črka šá.txt", b->name, "RFC 2231 continuations in ISO-8859-2");
		CHECK(b->size == 6 && !memcmp(b->data, "letter", 6), "text attachment bytes");
	}
	sd_mail_free(m);
}

static const char msg_alternative[] = "From: \"Outlook, User\" <user@example.com>\r\n"
				      "To: desk@example.com, \"Second\" <second@example.com>\r\n"
				      "Cc: undisclosed:;, Boss <boss@example.com>\r\n"
				      "Subject: Re: Fwd: printer\r\n"
				      "In-Reply-To: <abc@desk.example>\r\n"
				      "References: <first@desk.example>\r\n"
				      " <abc@desk.example>\r\n"
				      "Date: Mon, 07 Dec 2026 10:00:00 +0100\r\n"
				      "MIME-Version: 1.0\r\n"
				      "Content-Type: multipart/alternative; boundary=b1\r\n"
				      "\r\n"
				      "--b1\r\n"
				      "Content-Type: text/html; charset=utf-8\r\n"
				      "\r\n"
				      "<p>HTML version</p>\r\n"
				      "--b1\r\n"
				      "Content-Type: text/plain; charset=utf-8\r\n"
				      "\r\n"
				      "Plain version\r\n"
				      "--b1--\r\n";

static const char msg_html_only[] =
	"From: web@example.com\n"
	"Subject: html\n"
	"Content-Type: multipart/related; boundary=r\n"
	"\n"
	"--r\n"
	"Content-Type: text/html; charset=windows-1251\n"
	"Content-Transfer-Encoding: quoted-printable\n"
	"\n"
	"<html><head><meta charset=3D\"utf-8\"><style>p {color: red}</style>\n"
	"<script>alert('x')</script></head><body><p>=CF=F0=E8=E2=E5=F2,\n"
	"   world</p><ul><li>one</li><li>two</li></ul>\n"
	"<p>See <a href=3D\"https://example.com/kb\">the article</a>.<br>Thanks</p>\n"
	"<img src=3D\"cid:logo\" alt=3D\"\"></body></html>\n"
	"--r\n"
	"Content-Type: image/png\n"
	"Content-ID: <logo>\n"
	"Content-Disposition: inline\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"iVBORw0K\n"
	"--r--\n";

static void test_structure(void)
{
	struct sd_mail *m = PARSE(msg_alternative);
	CHECK_STR("Plain version", m->body, "multipart/alternative prefers text/plain");
	CHECK(!m->body_from_html, "not from HTML");
	CHECK_STR("Outlook, User", m->from.name, "quoted display name");
	CHECK(m->n_to == 2 && m->n_cc == 1, "To 2, Cc 1 (empty group), got %zu %zu", m->n_to,
	      m->n_cc);
	CHECK_STR("abc@desk.example", m->in_reply_to, "In-Reply-To");
	CHECK(m->n_references == 2 && !strcmp(m->references[0], "first@desk.example") &&
		      !strcmp(m->references[1], "abc@desk.example"),
	      "References in order");
	CHECK(m->date == 1796634000, "Date %lld", (long long)m->date);
	CHECK_STR("Re: Fwd: printer", m->subject, "subject as sent");
	sd_mail_free(m);

	m = PARSE(msg_html_only);
	CHECK(m->body_from_html, "HTML-only mail is read from HTML");
	CHECK_STR("Привет, world\n\n- one\n- two\n\nSee the article <https://example.com/kb>.\nThanks",
		  m->body, "HTML as text, its charset from the MIME header not the meta tag");
	CHECK(m->n_attachments == 1 && m->attachments[0].is_inline &&
		      !strcmp(m->attachments[0].content_id, "logo") &&
		      !strcmp(m->attachments[0].content_type, "image/png"),
	      "inline image kept as an attachment with its Content-ID");
	sd_mail_free(m);
}

static const char msg_bounce[] = "Return-Path: <>\n"
				 "From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\n"
				 "To: desk@example.com\n"
				 "Subject: Undelivered Mail Returned to Sender\n"
				 "Auto-Submitted: auto-replied\n"
				 "MIME-Version: 1.0\n"
				 "Content-Type: multipart/report; report-type=delivery-status;\n"
				 "\tboundary=\"BB\"\n"
				 "\n"
				 "--BB\n"
				 "Content-Description: Notification\n"
				 "Content-Type: text/plain; charset=us-ascii\n"
				 "\n"
				 "I'm sorry to have to inform you that your message could not\n"
				 "be delivered to one or more recipients.\n"
				 "\n"
				 "--BB\n"
				 "Content-Description: Delivery report\n"
				 "Content-Type: message/delivery-status\n"
				 "\n"
				 "Reporting-MTA: dns; mx.example.com\n"
				 "\n"
				 "Final-Recipient: rfc822; gone@example.org\n"
				 "Action: failed\n"
				 "Status: 5.1.1\n"
				 "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n"
				 "\n"
				 "--BB\n"
				 "Content-Description: Undelivered Message\n"
				 "Content-Type: message/rfc822\n"
				 "\n"
				 "From: desk@example.com\n"
				 "To: gone@example.org\n"
				 "Subject: [desk #ab12cd] printer\n"
				 "Message-ID: <sd.ab12cd.1@desk.example.com>\n"
				 "\n"
				 "Your ticket.\n"
				 "--BB--\n";

static const char msg_exim_bounce[] =
	"From: Mail Delivery System <Mailer-Daemon@exim.example>\n"
	"X-Failed-Recipients: lost@example.net\n"
	"Subject: Mail delivery failed: returning message to sender\n"
	"\n"
	"This message was created automatically by mail delivery software.\n"
	"\n"
	"------ This is a copy of the message, including all the headers. ------\n"
	"\n"
	"Message-ID: <sd.ff00.2@desk.example.com>\n"
	"Subject: hello\n";

static const char msg_exchange_bounce[] =
	"From: Microsoft Outlook <postmaster@contoso.example>\r\n"
	"To: <desk@example.com>\r\n"
	"Subject: Undeliverable: [desk #ab12] printer\r\n"
	"Content-Type: multipart/report; report-type=delivery-status;\r\n"
	"\tboundary=\"ex_1\"\r\n"
	"X-MS-Exchange-Message-Is-Ndr: \r\n"
	"Auto-Submitted: auto-replied\r\n"
	"\r\n"
	"--ex_1\r\n"
	"Content-Type: multipart/alternative; boundary=\"ex_2\"\r\n"
	"\r\n"
	"--ex_2\r\n"
	"Content-Type: text/plain; charset=\"us-ascii\"\r\n"
	"\r\n"
	"Your message to gone@contoso.example couldn't be delivered.\r\n"
	"--ex_2\r\n"
	"Content-Type: text/html; charset=\"us-ascii\"\r\n"
	"\r\n"
	"<p>Your message couldn't be delivered.</p>\r\n"
	"--ex_2--\r\n"
	"--ex_1\r\n"
	"Content-Type: message/delivery-status\r\n"
	"\r\n"
	"Reporting-MTA: dns;mail.contoso.example\r\n"
	"\r\n"
	"Original-Recipient: rfc822;gone@contoso.example\r\n"
	"Final-Recipient: rfc822;gone@contoso.example\r\n"
	"Action: failed\r\n"
	"Status: 5.1.10\r\n"
	"\r\n"
	"--ex_1\r\n"
	"Content-Type: text/rfc822-headers\r\n"
	"\r\n"
	"From: desk@example.com\r\n"
	"Message-ID: <sd.ab12.3@desk.example.com>\r\n"
	"Subject: [desk #ab12] printer\r\n"
	"\r\n"
	"--ex_1--\r\n";

static void test_machine_mail(void)
{
	struct sd_mail *m = PARSE(msg_bounce);
	CHECK_STR("bounce", sd_mail_kind_name(m->kind), "RFC 3464 report is a bounce");
	CHECK(m->null_return_path, "Return-Path <> seen");
	CHECK_STR("gone@example.org", m->bounce_recipient, "Final-Recipient");
	CHECK_STR("failed", m->bounce_action, "Action");
	CHECK_STR("5.1.1", m->bounce_status, "Status");
	CHECK_STR("sd.ab12cd.1@desk.example.com", m->bounce_message_id, "bounced Message-ID");
	CHECK(!strncmp(m->body, "I'm sorry", 9), "human part is the body: %s", m->body);
	CHECK(m->n_attachments == 1 && !strcmp(m->attachments[0].content_type, "message/rfc822"),
	      "returned message attached");
	sd_mail_free(m);

	m = PARSE(msg_exchange_bounce);
	CHECK_STR("bounce", sd_mail_kind_name(m->kind), "Exchange report");
	CHECK_STR("gone@contoso.example", m->bounce_recipient, "Exchange Final-Recipient");
	CHECK_STR("5.1.10", m->bounce_status, "Exchange Status");
	CHECK_STR("sd.ab12.3@desk.example.com", m->bounce_message_id,
		  "Message-ID from text/rfc822-headers");
	CHECK_STR("Your message to gone@contoso.example couldn't be delivered.", m->body,
		  "Exchange: the plain alternative");
	sd_mail_free(m);

	m = PARSE(msg_exim_bounce);
	CHECK_STR("bounce", sd_mail_kind_name(m->kind), "Exim bounce without a report");
	CHECK_STR("lost@example.net", m->bounce_recipient, "X-Failed-Recipients");
	CHECK_STR("sd.ff00.2@desk.example.com", m->bounce_message_id, "Message-ID in the copy");
	sd_mail_free(m);

	static const struct {
		const char *headers, *kind;
	} cases[] = {
		{ "Auto-Submitted: auto-replied\n", "auto-reply" },
		{ "Auto-Submitted: auto-generated; owner-email=x@y\n", "auto-reply" },
		{ "Auto-Submitted: no\n", "person" },
		{ "X-Autoreply: yes\n", "auto-reply" },
		{ "X-Autorespond: Out of office\n", "auto-reply" },
		{ "X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent\n", "auto-reply" },
		{ "Precedence: bulk\n", "auto-reply" },
		{ "Precedence: auto_reply\n", "auto-reply" },
		{ "Precedence: junk\n", "auto-reply" },
		{ "Precedence: list\n", "auto-reply" },
		{ "precedence: BULK\n", "auto-reply" },
		{ "List-Id: Users <users.lists.example.org>\n", "list" },
		{ "X-Loop: desk@example.com\n", "person" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char msg[512];
		int n = snprintf(msg, sizeof(msg),
				 "From: Jane <jane@example.com>\nSubject: Out of office\n%s\nAway.\n",
				 cases[i].headers);
		m = parse(msg, (size_t)n);
		CHECK_STR(cases[i].kind, sd_mail_kind_name(m->kind), cases[i].headers);
		sd_mail_free(m);
	}
	m = PARSE("From: a@b\nX-Loop: desk@example.com\nReturn-Path: <a@b>\n\nx\n");
	CHECK_STR("desk@example.com", m->x_loop, "X-Loop kept");
	CHECK(!m->null_return_path, "Return-Path not null");
	sd_mail_free(m);
}

static void test_broken(void)
{
	static const char *const inputs[] = {
		"",
		"no headers at all",
		"From: \"unterminated <a@b\nSubject: =?utf-8?B?!!!?= =?x-unknown?Q?abc?=\n\nbody",
		"Subject: bad\xff\xfe raw \xd0\n\tcontinued\nFrom: <>\n\n\xff\xfe\xfd",
		"Subject: cr\ronly\rFrom: x@y\r\rbody\r",
		"From: a@b\nContent-Type: multipart/mixed; boundary=\n\n--\n--\n",
		"From: a@b\nContent-Type: multipart/mixed\n\nno boundary\n",
		"From: a@b\nContent-Type: text/plain; charset=no-such-charset\n\nt\xe9st\n",
		"From: a@b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: "
		"base64\n\n!!!not base64!!!\n",
		"From: a@b\nContent-Type: message/rfc822\n\n",
		"From: a@b\nDate: yesterday\nIn-Reply-To: junk\nReferences: <<<>>>\n\nx",
	};
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct sd_mail *m = parse(inputs[i], strlen(inputs[i]));
		char what[32];
		snprintf(what, sizeof(what), "broken input %zu", i);
		check_clean(m, what);
		sd_mail_free(m);
	}
	/* NUL bytes inside headers and body. */
	static const char nul[] = "From: a\0b@example.com\nSubject: x\0y\n\nbo\0dy\n";
	struct sd_mail *m = PARSE(nul);
	check_clean(m, "NUL bytes");
	sd_mail_free(m);
	m = PARSE("From: a@b\nContent-Type: text/plain; charset=no-such-charset\n\nt\xe9st\n");
	CHECK_STR("tést", m->body, "unknown charset read as windows-1252");
	sd_mail_free(m);
	m = PARSE("From: a@b\nContent-Type: text/plain; charset=utf-8\n\nbad \xff byte\n");
	CHECK_STR("bad \xc3\xbf byte", m->body, "invalid UTF-8 read as windows-1252, not lost");
	sd_mail_free(m);
	m = PARSE("From sender@example.com Mon May  7 07:45:48 2012\nFrom: s@example.com\n"
		  "Subject: mbox\n\nx\n");
	CHECK_STR("s@example.com", m->from.addr, "mbox From_ line skipped");
	CHECK_STR("mbox", m->subject, "subject after a From_ line");
	sd_mail_free(m);
}

static void trim(const char *body, const char *expected, const char *what)
{
	struct sd_buf out = SD_BUF_INIT;
	sd_mail_trim_reply(&out, body);
	CHECK_STR(expected, out.data, what);
	sd_buf_release(&out);
}

static void test_trim(void)
{
	trim("Thanks, it works.\n\nOn Mon, 7 Dec 2026 at 10:00, Desk <desk@example.com> wrote:\n"
	     "> Try again.\n",
	     "Thanks, it works.", "On ... wrote:");
	trim("Fine now.\n\nOn Mon, 7 Dec 2026 at 10:00, Help Desk\n<desk@example.com> wrote:\n> x\n",
	     "Fine now.", "wrapped attribution");
	trim("Yes.\n\n-- \nJane Doe\nACME\n", "Yes.", "signature");
	trim("Done.\n\n________________________________\nFrom: Desk <desk@example.com>\n"
	     "Sent: Monday, December 7, 2026 10:00 AM\nTo: Jane\nSubject: RE: printer\n\nold\n",
	     "Done.", "Outlook block after a rule");
	trim("Done.\n\nFrom: Desk <desk@example.com>\nSent: Monday\nTo: Jane\n", "Done.",
	     "Outlook block");
	trim("Ok.\n\n-----Original Message-----\nFrom: x\n", "Ok.", "Original Message");
	trim("Спасибо, всё работает.\n\n7 декабря 2026 г., 10:00, Служба поддержки пишет:\n> Ответ\n",
	     "Спасибо, всё работает.", "Russian attribution");
	trim("Hvala, deluje.\n\nV pon., 7. dec. 2026 ob 10:00 je Podpora napisal(a):\n> Odgovor\n",
	     "Hvala, deluje.", "Slovenian attribution");
	trim("Danke.\n\nAm 07.05.2012 08:10, schrieb Martin:\n> Hallo\n", "Danke.",
	     "German attribution");
	trim("> your question\n\nMy answer below the quote.\n",
	     "> your question\n\nMy answer below the quote.", "bottom posting kept");
	trim("Top.\n\n> quoted tail\n> more\n\n", "Top.", "trailing quote dropped");
	trim("> only a quote\n", "> only a quote", "nothing new: kept whole");
	trim("Plain text,\nno quote.\n", "Plain text,\nno quote.", "nothing to trim");
	trim("The From: line in text\nis not a header block.\n",
	     "The From: line in text\nis not a header block.", "From: inside a sentence");
}

static void html(const char *in, const char *expected, const char *what)
{
	struct sd_buf out = SD_BUF_INIT;
	sd_html_to_text(&out, in, strlen(in));
	CHECK_STR(expected, out.data, what);
	sd_buf_release(&out);
}

static void test_html(void)
{
	html("<p>One</p><p>Two</p>", "One\n\nTwo", "paragraphs");
	html("a<br>b<br/><br>c", "a\nb\n\nc", "line breaks");
	html("<p>  lots   of\n\n  space&nbsp;here </p>", "lots of space here", "white space");
	html("<ul><li>x</li><li>y<ul><li>z</li></ul></li></ul>", "- x\n- y\n  - z", "lists");
	html("<ol><li>first</li><li>second</li></ol>", "1. first\n2. second", "ordered list");
	html("<a href=\"https://e.org/\">site</a>", "site <https://e.org/>", "link");
	html("<a href=\"https://e.org/\">https://e.org/</a>", "https://e.org/",
	     "link that is its own text");
	html("<a href=\"mailto:a@b.c\">a@b.c</a>", "a@b.c", "mailto link of the address");
	html("<a href=\"javascript:alert(1)\">click</a>", "click", "script link");
	html("<head><title>T</title><style>x{}</style></head><script>evil()</script>ok", "ok",
	     "script, style and head dropped");
	html("<blockquote>quoted</blockquote>after", "> quoted\n\nafter", "blockquote");
	html("<pre>a  b\n  c</pre>", "a  b\n  c", "pre keeps spaces");
	html("&lt;tag&gt; &amp; &eacute; &#x416;", "<tag> & é Ж", "entities");
	html("<!DOCTYPE html SYSTEM \"http://example.com/x.dtd\"><p>&ext;</p>", "&ext;",
	     "no external entities");
	html("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc",
	     "table rows");
	html("bad \xff utf-8", "bad \xef\xbf\xbd utf-8", "invalid UTF-8 replaced");
	html("", "", "empty");
	html("a\x01\n&#x94;<u>", "a", "a C1 control from an entity leaves no trailing space");
	html("<div><div><p>x</p></div></div>", "x", "nested blocks");
}

static const char *image_target(void *arg, const char *src)
{
	(void)arg;
	return !strcmp(src, "cid:a@x") ? "files/a b (1).png" : NULL;
}

static void html_img(const char *in, const char *expected, const char *what)
{
	struct sd_buf out = SD_BUF_INIT;
	sd_html_to_text_images(&out, in, strlen(in), image_target, NULL);
	CHECK_STR(expected, out.data, what);
	sd_buf_release(&out);
}

static void test_inline_images(void)
{
	html_img("<p>See <img src=\"cid:a@x\" alt=\"схема\"> here</p>",
		 "See ![схема](<files/a b \\(1\\).png>) here", "a resolved image");
	html_img("<img src=\"cid:a@x\">", "![a b \\(1\\).png](<files/a b \\(1\\).png>)",
		 "no alt: the file's name");
	html_img("<img src=\"cid:b@x\" alt=\"čšž\">", "čšž", "unresolved: the alt text");
	html_img("<img src=\"cid:a@x\" alt=\"x](javascript:y) <b>&lt;i&gt; *z* \\ `q`\">",
		 "![x\\]\\(javascript\\:y\\) \\<b\\>\\<i\\> \\*z\\* \\\\ \\`q\\`](<files/a b "
		 "\\(1\\).png>)",
		 "alt text escaped");
	html_img("<img src=\"cid:a@x\" alt=\"a\n\n  b\">", "![a b](<files/a b \\(1\\).png>)",
		 "alt text on one line");

	/* Outlook: alternative inside related, [cid:] in the text part. */
	struct sd_mail *m = PARSE(
		"From: a@x\nMIME-Version: 1.0\nContent-Type: multipart/related; boundary=R\n\n"
		"--R\nContent-Type: text/plain; charset=utf-8\n\n"
		"Glej [cid:image001.png@01D] in [cid:image002.png@01D] in [cid:none@x]\n"
		"--R\nContent-Type: text/html\n\n<img src=\"cid:image002.png@01D\">\n"
		"--R\nContent-Type: image/png; name=image001.png\nContent-ID: <image001.png@01D>\n\nx\n"
		"--R\nContent-Type: image/png; name=image002.png\nContent-ID: <image002.png@01D>\n\ny\n"
		"--R--\n");
	const char *names[] = { "image001.png", NULL };
	struct sd_buf out = SD_BUF_INIT;
	CHECK(m->n_attachments == 2, "two images");
	sd_mail_body_linked(&out, m, names);
	CHECK_STR("Glej ![image001.png](<files/image001.png>) in \\[image002.png\\] in "
		  "[cid:none@x]",
		  out.data, "Outlook's [cid:] linked");
	sd_buf_reset(&out);
	sd_mail_body_linked(&out, m, NULL);
	CHECK_STR(m->body, out.data, "no names: the body as it is");
	sd_buf_release(&out);
	sd_mail_free(m);

	/* An HTML part of nothing but an image gives no text until linked,
	 * then the blank line between parts. */
	m = PARSE(
		"From: a@x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=M\n\n"
		"--M\nContent-Type: text/html\n\n<img src=\"cid:p%2Eq@x\">\n"
		"--M\nContent-Type: text/plain\n\nmiddle\n"
		"--M\nContent-Type: text/html\n\n<img src=\"CID:p%2eq@x\">\n"
		"--M\nContent-Type: image/png; name=\"p.png\"\nContent-ID: <p.q@x>\n\nz\n--M--\n");
	const char *one[] = { "p.png" };
	CHECK_STR("middle", m->body, "images without alt text give no text");
	sd_mail_body_linked(&out, m, one);
	CHECK_STR("![p.png](<files/p.png>)\n\nmiddle\n\n![p.png](<files/p.png>)", out.data,
		  "linked images, blank lines between parts");
	sd_buf_release(&out);
	sd_mail_free(m);
}

/* The corpus check: real mail read as Zammad reads it. */

/* The scalar value of key in the top-level mapping of a YAML file (tags
 * such as Ruby's are ignored); a malloc'd copy or NULL. */
static char *yaml_get(yaml_document_t *doc, const char *key)
{
	yaml_node_t *root = yaml_document_get_root_node(doc);
	if (!root || root->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		if (k && v && k->type == YAML_SCALAR_NODE && v->type == YAML_SCALAR_NODE &&
		    !strcmp((const char *)k->data.scalar.value, key))
			return strdup((const char *)v->data.scalar.value);
	}
	return NULL;
}

static int word_byte(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* The words of text (letters and digits, three bytes or more), lower
 * case, NUL-separated in out; HTML tags skipped when html. */
static void words(struct sd_buf *out, const char *text, int html)
{
	const unsigned char *p = (const unsigned char *)text;
	while (*p) {
		if (html && *p == '<') {
			while (*p && *p != '>')
				p++;
			continue;
		}
		if (html && *p == '&') {
			while (*p && *p != ';' && *p != ' ')
				p++;
			continue;
		}
		if (!word_byte(*p)) {
			p++;
			continue;
		}
		const unsigned char *s = p;
		while (word_byte(*p))
			p++;
		if (p - s >= 3) {
			for (const unsigned char *c = s; c < p; c++)
				sd_buf_addch(out, (char)(*c >= 'A' && *c <= 'Z' ? *c | 0x20 : *c));
			sd_buf_addch(out, '\0');
		}
	}
}

/* Whether w is in the word list set, or inside one of its words: text
 * in scripts without spaces (Chinese, Japanese) is one long word, and
 * Zammad's may be cut differently from ours. */
static int has_word(const struct sd_buf *set, const char *w)
{
	for (size_t i = 0; i < set->len; i += strlen(set->data + i) + 1)
		if (strstr(set->data + i, w))
			return 1;
	return 0;
}

static char *squeeze(const char *s)
{
	struct sd_buf b = SD_BUF_INIT;
	int space = 0;
	for (; s && *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = b.len > 0;
			continue;
		}
		if (space)
			sd_buf_addch(&b, ' ');
		space = 0;
		sd_buf_addch(&b, *s);
	}
	return sd_buf_detach(&b);
}

/* Compares one message with Zammad's reading; 1 when they agree, else 0
 * with the reason in why. */
static int corpus_one(const char *box, const char *yml, struct sd_buf *why)
{
	struct sd_buf raw = SD_BUF_INIT, ours = SD_BUF_INIT, theirs = SD_BUF_INIT;
	sd_error *err = sd_buf_read_file(&raw, box, 64 << 20);
	if (err) {
		sd_buf_printf(why, "cannot read: %s", err->msg);
		sd_error_free(err);
		return 0;
	}
	struct sd_mail *m = parse(raw.data, raw.len);
	check_clean(m, box);
	int agree = 1;
	FILE *f = fopen(yml, "rb");
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	if (f)
		yaml_parser_set_input_file(&parser, f);
	if (!f || !yaml_parser_load(&parser, &doc)) {
		sd_buf_adds(why, "unreadable yml");
		yaml_parser_delete(&parser);
		if (f)
			fclose(f);
		sd_mail_free(m);
		sd_buf_release(&raw);
		return 0;
	}
	char *from = yaml_get(&doc, "from_email"), *subject = yaml_get(&doc, "subject");
	char *body = yaml_get(&doc, "body"), *type = yaml_get(&doc, "content_type");
	if (from && *from && !sd_strcaseeq(from, m->from.addr)) {
		sd_buf_printf(why, "from: ours <%s>, Zammad's <%s>; ", m->from.addr, from);
		agree = 0;
	}
	char *s1 = squeeze(subject), *s2 = squeeze(m->subject);
	if (subject && strcmp(s1, s2)) {
		sd_buf_printf(why, "subject: ours \"%s\", Zammad's \"%s\"; ", s2, s1);
		agree = 0;
	}
	if (body && !strcmp(body, "no visible content")) {
		/* Zammad's words for a message without text. */
		words(&ours, m->body, 0);
		if (ours.len) {
			sd_buf_printf(why, "body: Zammad found no text, we found \"%.60s\"; ",
				      m->body);
			agree = 0;
		}
	} else if (body) {
		/* Older yml files give no content_type; their bodies are HTML
		 * when they hold its tags. */
		int html = type
			? strstr(type, "html") != NULL
			: strstr(body, "<div") || strstr(body, "<p>") || strstr(body, "<br");
		words(&theirs, body, html);
		words(&ours, m->body, 0);
		size_t total = 0, found = 0;
		const char *missing = NULL;
		for (size_t i = 0; i < theirs.len; i += strlen(theirs.data + i) + 1) {
			total++;
			if (has_word(&ours, theirs.data + i))
				found++;
			else if (!missing)
				missing = theirs.data + i;
		}
		if (total && found * 10 < total * 8) {
			sd_buf_printf(why,
				      "body: %zu of %zu words found (first missing \"%.40s\"); ",
				      found, total, missing);
			agree = 0;
		}
	}
	free(s1);
	free(s2);
	free(from);
	free(subject);
	free(body);
	free(type);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
	sd_mail_free(m);
	sd_buf_release(&raw);
	sd_buf_release(&ours);
	sd_buf_release(&theirs);
	return agree;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* At least this many of the corpus must agree: the count when the check
 * was written, so a change that reads real mail worse fails. */
#define CORPUS_AGREE_MIN 51

static void test_corpus(void)
{
	const char *env = getenv("SD_MAIL_CORPUS");
	/* The corpus is third-party data kept beside the source tree (and
	 * never copied into it): ../shared from a checkout, ../../shared
	 * from a worktree one level further down. */
	const char *const tries[] = { SD_SRCROOT "/../shared/mail-corpus",
				      SD_SRCROOT "/../../shared/mail-corpus" };
	char dir[4096] = "";
	DIR *d = NULL;
	for (size_t i = 0; i < (env ? 1 : 2) && !d; i++) {
		snprintf(dir, sizeof(dir), "%s/zammad", env ? env : tries[i]);
		d = opendir(dir);
	}
	if (!d) {
		printf("# skip: mail corpus check, no corpus at %s (set SD_MAIL_CORPUS)\n", dir);
		return;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len > 4 && !strcmp(e->d_name + len - 4, ".box")) {
			names = realloc(names, (n + 1) * sizeof(*names));
			names[n++] = strndup(e->d_name, len - 4);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	size_t agree = 0;
	for (size_t i = 0; i < n; i++) {
		char box[4400], yml[4400];
		snprintf(box, sizeof(box), "%s/%s.box", dir, names[i]);
		snprintf(yml, sizeof(yml), "%s/%s.yml", dir, names[i]);
		struct sd_buf why = SD_BUF_INIT;
		if (corpus_one(box, yml, &why))
			agree++;
		else
			printf("# differs from Zammad: %s: %s\n", names[i], why.data);
		sd_buf_release(&why);
		free(names[i]);
	}
	free(names);
	printf("# mail corpus (%s): %zu of %zu agree with Zammad\n", dir, agree, n);
	CHECK(agree >= CORPUS_AGREE_MIN, "only %zu of %zu corpus messages agree", agree, n);
}

/* The name an attachment is stored under (attach.h). */
static void test_stored_names(void)
{
	static const struct {
		const char *given, *stored;
	} cases[] = {
		{ "račun.pdf", "račun.pdf" },
		{ "../../.git/config", "config" },
		{ "C:\\Users\\Ana\\Документ.docx", "Документ.docx" },
		{ ".git", "git" },
		{ "git~1", "file-git~1" },
		{ "...hidden", "hidden" },
		{ "name. . ", "name" },
		{ "", "attachment" },
		{ "   ", "attachment" },
		{ "a\tb\x1b[31m.txt", "a_b_[31m.txt" },
		{ "invoice\xe2\x80\xae"
		  "fdp.exe",
		  "invoice_fdp.exe" },
		{ "what? <now>|:*\".txt", "what_ _now_____.txt" },
		{ "\xff\xfe.txt", "__.txt" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sd_buf out = SD_BUF_INIT;
		sd_attach_sanitize(&out, cases[i].given);
		CHECK_STR(cases[i].stored, out.data, cases[i].given);
		sd_buf_release(&out);
	}
	struct sd_buf long_name = SD_BUF_INIT, out = SD_BUF_INIT;
	for (int i = 0; i < 100; i++)
		sd_buf_adds(&long_name, "ž");
	sd_buf_adds(&long_name, ".pdf");
	sd_attach_sanitize(&out, long_name.data);
	CHECK(out.len <= 120 && sd_utf8_valid(out.data, out.len, NULL) &&
		      !strcmp(out.data + out.len - 4, ".pdf"),
	      "a long name is cut at a character, its extension kept: %s", out.data);
	sd_buf_release(&long_name);
	sd_buf_release(&out);
}

int main(void)
{
	test_stored_names();
	test_charsets();
	test_headers();
	test_attachments();
	test_structure();
	test_mailers();
	test_large();
	test_machine_mail();
	test_broken();
	test_trim();
	test_subjects();
	test_html();
	test_inline_images();
	test_corpus();
	return unit_done("t-mail");
}
