/* SPDX-License-Identifier: MIT */
/* Reading mail (mail.h): any bytes parse, every string comes out as
 * clean UTF-8 (no NUL, CR or other control but newline and tab), the
 * kind is one of the four, an attachment's name sanitises to a plain
 * file name (attach.h), and trimming a reply gives clean text no
 * longer than the body. */

#include "fuzz.h"
#include "sd/attach.h"
#include "sd/mail.h"
#include "sd/path.h"
#include "sd/text.h"

static void check(const char *what, const char *s)
{
	if (!s)
		FUZZ_FAIL("%s is NULL", what);
	size_t len = strlen(s);
	if (!sd_utf8_valid(s, len, NULL))
		FUZZ_FAIL("%s is not UTF-8: %s", what, s);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			FUZZ_FAIL("%s has control 0x%02x: %s", what, c, s);
	}
}

static void check_one_line(const char *what, const char *s)
{
	check(what, s);
	if (strchr(s, '\n'))
		FUZZ_FAIL("%s has a line break: %s", what, s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 256 * 1024)
		return 0;
	struct sd_mail *m = NULL;
	sd_error *err = sd_mail_parse(&m, (const char *)data, size);
	if (err || !m)
		FUZZ_FAIL("sd_mail_parse failed");
	check_one_line("Message-ID", m->message_id);
	check_one_line("In-Reply-To", m->in_reply_to);
	for (size_t i = 0; i < m->n_references; i++)
		check_one_line("References", m->references[i]);
	check_one_line("From name", m->from.name);
	check_one_line("From address", m->from.addr);
	check_one_line("Reply-To", m->reply_to.addr);
	check_one_line("Sender", m->sender.addr);
	for (size_t i = 0; i < m->n_to; i++)
		check_one_line("To", m->to[i].addr);
	for (size_t i = 0; i < m->n_cc; i++)
		check_one_line("Cc", m->cc[i].name);
	check_one_line("Subject", m->subject);
	check_one_line("Auto-Submitted", m->auto_submitted);
	check_one_line("Precedence", m->precedence);
	check_one_line("X-Loop", m->x_loop);
	check_one_line("List-Id", m->list_id);
	check_one_line("Return-Path", m->return_path);
	check_one_line("bounce recipient", m->bounce_recipient);
	check_one_line("bounce status", m->bounce_status);
	check_one_line("bounce Message-ID", m->bounce_message_id);
	check("body", m->body);
	if (m->kind > SD_MAIL_LIST)
		FUZZ_FAIL("kind %d", (int)m->kind);
	for (size_t i = 0; i < m->n_attachments; i++) {
		check_one_line("attachment name", m->attachments[i].name);
		/* The name sd would store it under is a plain file name. */
		struct sd_buf stored = SD_BUF_INIT, path = SD_BUF_INIT;
		sd_attach_sanitize(&stored, m->attachments[i].name);
		sd_buf_printf(&path, "tickets/ab/abcdefghjkmn/files/%s", stored.data);
		if (!sd_path_is_attachment(path.data) || stored.len > 120)
			FUZZ_FAIL("stored name \"%s\" of \"%s\"", stored.data,
				  m->attachments[i].name);
		sd_buf_release(&stored);
		sd_buf_release(&path);
		check_one_line("attachment type", m->attachments[i].content_type);
		if (m->attachments[i].size > size * 4 + 1024)
			FUZZ_FAIL("attachment of %zu bytes from %zu", m->attachments[i].size, size);
	}
	/* A title is the subject's tail; a tag's id only letters, digits,
	 * dashes. */
	struct sd_buf title = SD_BUF_INIT;
	sd_mail_clean_subject(&title, m->subject);
	size_t slen = strlen(m->subject);
	if (title.len > slen || strcmp(m->subject + slen - title.len, title.data))
		FUZZ_FAIL("title \"%s\" is not a tail of \"%s\"", title.data, m->subject);
	sd_buf_release(&title);
	char id[32];
	if (sd_mail_subject_tag(m->subject, "desk", id, sizeof(id)))
		for (const char *c = id; *c; c++)
			if (!(*c == '-' || (*c >= '0' && *c <= '9') ||
			      ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z')))
				FUZZ_FAIL("tag id \"%s\" from \"%s\"", id, m->subject);

	/* Inline images linked to stored files: clean text too, and the
	 * body itself when no file was stored (but for Outlook's "[cid:]"
	 * of a dropped file, which becomes its name). */
	const char **names = calloc(m->n_attachments + 1, sizeof(*names));
	struct sd_buf linked = SD_BUF_INIT;
	sd_mail_body_linked(&linked, m, names);
	if (!strstr(m->body, "[cid:") && strcmp(linked.data, m->body))
		FUZZ_FAIL("no file stored, yet the body changed:\n%s\n---\n%s", m->body,
			  linked.data);
	for (size_t i = 0; i < m->n_attachments; i++)
		names[i] = i % 2 ? "a b ](x).png" : "image.png";
	sd_buf_reset(&linked);
	sd_mail_body_linked(&linked, m, names);
	check("linked body", linked.data);
	sd_buf_release(&linked);
	free(names);

	struct sd_buf trimmed = SD_BUF_INIT;
	sd_mail_trim_reply(&trimmed, m->body);
	check("trimmed body", trimmed.data);
	if (trimmed.len > strlen(m->body))
		FUZZ_FAIL("trimming made the body longer");
	sd_buf_release(&trimmed);
	sd_mail_free(m);
	return 0;
}
