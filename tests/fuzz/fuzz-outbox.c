/* SPDX-License-Identifier: MIT */
/* The outbox's template and composer (outbox.h) on anybody's text. The
 * input is a title, a newline, a display name, a newline and a template.
 * Properties: the filled template holds no control characters but
 * newlines and tabs; the composed message's header block is ASCII with
 * no bare CR, carries no header the input could have added (Bcc), and
 * reads back with one recipient at most. */

#include "fuzz.h"
#include "sd/mail.h"
#include "sd/outbox.h"
#include "sd/text.h"

static const char *next_line(char **p)
{
	char *s = *p, *nl = strchr(s, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = s + strlen(s);
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16 * 1024 || memchr(data, '\0', size))
		return 0;
	char *text = fuzz_cstr(data, size), *p = text;
	/* Ticket text is UTF-8 (sd refuses the rest); the title and name
	 * may still hold anything else a pulled file can. */
	if (!sd_utf8_valid(text, size, NULL)) {
		free(text);
		return 0;
	}
	const char *title = next_line(&p), *name = next_line(&p), *tmpl = p;
	const char *values[5] = { "0123456789ab", "0123", title, "Monday", "https://x.example/t" };
	struct sd_buf plain = SD_BUF_INIT, md = SD_BUF_INIT, who = SD_BUF_INIT, msg = SD_BUF_INIT;
	sd_outbox_fill_template(&plain, tmpl, values, 0);
	sd_outbox_fill_template(&md, tmpl, values, 1);
	for (const unsigned char *c = (const unsigned char *)plain.data; *c; c++)
		if ((*c < 0x20 && *c != '\n' && *c != '\t') || *c == 0x7f)
			if (!strchr(tmpl, (char)*c))
				FUZZ_FAIL("a control character 0x%02x came from a value", *c);

	struct sd_strvec to = SD_STRVEC_INIT;
	sd_buf_printf(&who, "%s <victim@example.com>", name);
	sd_strvec_push(&to, who.data);
	struct sd_outbox_draft d = { .from_name = name,
				     .from_addr = "desk@example.com",
				     .to = &to,
				     .subject = title,
				     .message_id = "sd-0123456789ab-0123456789@example.com",
				     .markdown = md.data,
				     .plain = plain.data,
				     .date = 1796000000 };
	sd_error *err = sd_outbox_compose(&msg, &d);
	if (err)
		FUZZ_FAIL("compose failed: %s", err->msg);
	const char *end = strstr(msg.data, "\n\n");
	size_t hlen = end ? (size_t)(end - msg.data) : msg.len;
	for (size_t i = 0; i < hlen; i++) {
		unsigned char c = (unsigned char)msg.data[i];
		if (c >= 0x80 || c == '\r' || (c < 0x20 && c != '\n' && c != '\t'))
			FUZZ_FAIL("header byte 0x%02x at %zu\n%.*s", c, i, (int)hlen, msg.data);
		if (c == '\n' && i + 5 <= hlen && !memcmp(msg.data + i + 1, "Bcc:", 4))
			FUZZ_FAIL("a Bcc header\n%.*s", (int)hlen, msg.data);
	}
	struct sd_mail *m = NULL;
	if ((err = sd_mail_parse(&m, msg.data, msg.len)))
		FUZZ_FAIL("reparse failed");
	if (m->n_to != 1 || strcmp(m->to[0].addr, "victim@example.com") || m->n_cc)
		FUZZ_FAIL("recipients changed: %zu to, %zu cc\n%.*s", m->n_to, m->n_cc, (int)hlen,
			  msg.data);
	sd_mail_free(m);
	sd_strvec_clear(&to);
	sd_buf_release(&plain);
	sd_buf_release(&md);
	sd_buf_release(&who);
	sd_buf_release(&msg);
	free(text);
	return 0;
}
