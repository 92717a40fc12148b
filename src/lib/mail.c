/* SPDX-License-Identifier: MIT */
/* Reading one mail message with GMime 3 (mail.h). */

#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "sd/html.h"
#include "sd/mail.h"
#include "sd/text.h"

/* Multiparts nested deeper than this are not read further: real mail
 * nests a few levels, and the walk must not follow a hostile message
 * down the stack. */
#define MAX_DEPTH 32

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_start(void)
{
	g_mime_init();
}

/* A clean UTF-8 copy of s ("" for NULL): see the rules in mail.h. */
static char *clean_dup(const char *s)
{
	struct sd_buf b = SD_BUF_INIT;
	if (s)
		sd_text_clean(&b, s, strlen(s));
	return sd_buf_detach(&b);
}

/* Header text on one line: runs of white space become one space, and
 * the ends are trimmed. */
static char *line_dup(const char *s)
{
	char *c = clean_dup(s);
	char *w = c;
	int space = 0;
	for (const char *r = c; *r; r++) {
		if (*r == ' ' || *r == '\t' || *r == '\n') {
			space = w != c;
			continue;
		}
		if (space)
			*w++ = ' ';
		space = 0;
		*w++ = *r;
	}
	*w = '\0';
	return c;
}

static int ascii_only(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* Converts len bytes in charset to UTF-8, appending to out. Bytes that
 * are valid UTF-8 and not plain ASCII are taken as UTF-8 whatever the
 * label says: text in a single-byte charset is almost never valid UTF-8,
 * while mail mislabelled by its sender (or by a gateway that recoded it)
 * is common. Undeclared or unknown charsets that are not UTF-8 are read
 * as windows-1252, the usual unlabelled 8-bit text. Bytes the charset
 * does not map become U+FFFD. */
static void to_utf8(struct sd_buf *out, const char *bytes, size_t len, const char *charset);

/* ISO-2022-JP as EUC-JP: the same JIS X 0208 codes with the high bit set.
 * Japanese mail uses the NEC and IBM extensions (circled digits, Roman
 * numerals) that iconv's ISO-2022-JP refuses but its EUC-JP-MS reads. */
static void iso2022jp_to_utf8(struct sd_buf *out, const char *bytes, size_t len)
{
	struct sd_buf euc = SD_BUF_INIT;
	enum { ROMAN, JIS, KANA } mode = ROMAN;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)bytes[i];
		if (c == 0x1b && i + 2 < len) {
			char a = bytes[i + 1], b = bytes[i + 2];
			if (a == '$' && (b == 'B' || b == '@'))
				mode = JIS;
			else if (a == '(' && (b == 'B' || b == 'J'))
				mode = ROMAN;
			else if (a == '(' && b == 'I')
				mode = KANA;
			else
				continue;
			i += 2;
			continue;
		}
		if (c < 0x21 || c > 0x7e) {
			if (c == '\n')
				mode = ROMAN;
			sd_buf_addch(&euc, (char)c);
		} else if (mode == JIS) {
			sd_buf_addch(&euc, (char)(c | 0x80));
		} else if (mode == KANA) {
			sd_buf_addch(&euc, (char)0x8e);
			sd_buf_addch(&euc, (char)(c | 0x80));
		} else {
			sd_buf_addch(&euc, (char)c);
		}
	}
	to_utf8(out, euc.data, euc.len, "EUC-JP-MS");
	sd_buf_release(&euc);
}

static void to_utf8(struct sd_buf *out, const char *bytes, size_t len, const char *charset)
{
	int iso2022 = charset && !strncasecmp(charset, "iso-2022", 8);
	int ascii = ascii_only(bytes, len);
	if (ascii && !iso2022 && !(charset && !strncasecmp(charset, "utf-7", 5))) {
		sd_text_clean(out, bytes, len);
		return;
	}
	if (!ascii && sd_utf8_valid(bytes, len, NULL)) {
		sd_text_clean(out, bytes, len);
		return;
	}
	if (charset &&
	    (!strcasecmp(charset, "iso-2022-jp") || !strcasecmp(charset, "csISO2022JP"))) {
		iso2022jp_to_utf8(out, bytes, len);
		return;
	}
	if (!charset || !*charset || !strcasecmp(charset, "utf-8") ||
	    !strcasecmp(charset, "us-ascii"))
		charset = "windows-1252";
	iconv_t cd = g_mime_iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1)
		cd = g_mime_iconv_open("UTF-8", "windows-1252");
	if (cd == (iconv_t)-1) {
		sd_text_clean(out, bytes, len);
		return;
	}
	struct sd_buf conv = SD_BUF_INIT;
	char *in = (char *)bytes;
	size_t inleft = len;
	while (inleft) {
		sd_buf_grow(&conv, inleft * 4 + 16);
		char *o = conv.data + conv.len;
		size_t oleft = conv.alloc - conv.len - 1, room = oleft;
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		conv.len += room - oleft;
		conv.data[conv.len] = '\0';
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		/* EILSEQ or a sequence cut short at the end: one byte is lost,
		 * the reader is told where. */
		sd_buf_adds(&conv, "\xef\xbf\xbd");
		in++;
		inleft--;
	}
	/* The shift state of stateful charsets (ISO-2022-JP) is closed. */
	sd_buf_grow(&conv, 16);
	char *o = conv.data + conv.len;
	size_t oleft = 15, room = oleft;
	iconv(cd, NULL, NULL, &o, &oleft);
	conv.len += room - oleft;
	conv.data[conv.len] = '\0';
	g_mime_iconv_close(cd);
	sd_text_clean(out, conv.data, conv.len);
	sd_buf_release(&conv);
}

/* One RFC 2047 encoded word at p ("=?charset?B|Q?text?="): its charset
 * (language suffix dropped) and decoded bytes; returns its length, or 0
 * when p does not start one. */
static size_t encoded_word(const char *p, struct sd_buf *charset, struct sd_buf *bytes)
{
	if (p[0] != '=' || p[1] != '?')
		return 0;
	const char *cs = p + 2, *q1 = strchr(cs, '?');
	if (!q1 || q1 == cs || !q1[1] || q1[2] != '?')
		return 0;
	char enc = (char)(q1[1] | 0x20);
	const char *text = q1 + 3, *end = strstr(text, "?=");
	if ((enc != 'b' && enc != 'q') || !end)
		return 0;
	for (const char *c = cs; c < q1; c++)
		if (*c == ' ' || *c == '\t')
			return 0;
	const char *star = memchr(cs, '*', (size_t)(q1 - cs));
	sd_buf_reset(charset);
	sd_buf_add(charset, cs, (size_t)((star ? star : q1) - cs));
	sd_buf_reset(bytes);
	if (enc == 'b') {
		/* Each word decoded on its own: GMime joins the base64 of
		 * adjacent words before decoding and loses everything after a
		 * word that ends in padding. */
		gint state = 0;
		guint save = 0;
		size_t n = (size_t)(end - text);
		sd_buf_grow(bytes, n);
		size_t got = g_base64_decode_step(text, n, (guchar *)bytes->data, &state, &save);
		bytes->len = got;
		bytes->data[got] = '\0';
	} else {
		for (const char *c = text; c < end; c++) {
			if (*c == '_') {
				sd_buf_addch(bytes, ' ');
			} else if (*c == '=' && c + 2 < end && g_ascii_isxdigit(c[1]) &&
				   g_ascii_isxdigit(c[2])) {
				sd_buf_addch(bytes,
					     (char)(g_ascii_xdigit_value(c[1]) * 16 +
						    g_ascii_xdigit_value(c[2])));
				c += 2;
			} else {
				sd_buf_addch(bytes, *c);
			}
		}
	}
	return (size_t)(end + 2 - p);
}

/* Decodes unstructured header text (RFC 2047, with the usual sins: words
 * inside words, 8-bit bytes): adjacent words of one charset are joined
 * as bytes before conversion, so a character split between two words
 * survives, and white space between encoded words is dropped. */
static char *decode_text(const char *raw)
{
	struct sd_buf out = SD_BUF_INIT, group = SD_BUF_INIT, group_cs = SD_BUF_INIT;
	struct sd_buf cs = SD_BUF_INIT, bytes = SD_BUF_INIT;
	const char *p = raw;
	while (*p) {
		size_t n = encoded_word(p, &cs, &bytes);
		if (n) {
			if (group.len && strcasecmp(group_cs.data, cs.data)) {
				to_utf8(&out, group.data, group.len, group_cs.data);
				sd_buf_reset(&group);
			}
			sd_buf_reset(&group_cs);
			sd_buf_adds(&group_cs, cs.data);
			sd_buf_add(&group, bytes.data, bytes.len);
			p += n;
			/* White space up to the next encoded word goes. */
			const char *s = p;
			while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
				s++;
			if (s != p && encoded_word(s, &cs, &bytes))
				p = s;
			continue;
		}
		if (group.len) {
			to_utf8(&out, group.data, group.len, group_cs.data);
			sd_buf_reset(&group);
		}
		const char *next = strstr(p + 1, "=?");
		size_t lit = next ? (size_t)(next - p) : strlen(p);
		to_utf8(&out, p, lit, NULL);
		p += lit;
	}
	if (group.len)
		to_utf8(&out, group.data, group.len, group_cs.data);
	char *line = line_dup(out.data);
	sd_buf_release(&out);
	sd_buf_release(&group);
	sd_buf_release(&group_cs);
	sd_buf_release(&cs);
	sd_buf_release(&bytes);
	return line;
}

/* The raw (undecoded, unfolded) value of a header, or NULL; free with
 * g_free(). */
static char *raw_header(GMimeObject *obj, const char *name)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(obj);
	GMimeHeader *h = list ? g_mime_header_list_get_header(list, name) : NULL;
	const char *raw = h ? g_mime_header_get_raw_value(h) : NULL;
	return raw ? g_mime_utils_header_unfold(raw) : NULL;
}

/* The decoded bytes of a leaf part (transfer encoding undone). */
static void part_bytes(GMimePart *part, struct sd_buf *out)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	if (!content)
		return;
	GMimeStream *mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(content, mem);
	GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	if (bytes && bytes->len)
		sd_buf_add(out, bytes->data, bytes->len);
	g_object_unref(mem);
}

static void object_bytes(GMimeObject *obj, struct sd_buf *out)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	g_mime_object_write_to_stream(obj, NULL, mem);
	GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	if (bytes && bytes->len)
		sd_buf_add(out, bytes->data, bytes->len);
	g_object_unref(mem);
}

static void set_address(struct sd_mail_address *a, InternetAddress *ia)
{
	free(a->name);
	free(a->addr);
	a->name = line_dup(internet_address_get_name(ia));
	a->addr = line_dup(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
}

/* Appends the mailboxes of list (groups flattened) to *arr. */
static void add_addresses(struct sd_mail_address **arr, size_t *n, InternetAddressList *list,
			  int depth)
{
	int count = list ? internet_address_list_length(list) : 0;
	for (int i = 0; i < count; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			if (depth < 4)
				add_addresses(arr, n,
					      internet_address_group_get_members(
						      INTERNET_ADDRESS_GROUP(ia)),
					      depth + 1);
			continue;
		}
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		struct sd_mail_address *grown = realloc(*arr, (*n + 1) * sizeof(**arr));
		if (!grown)
			abort();
		*arr = grown;
		grown[*n].name = NULL;
		grown[*n].addr = NULL;
		set_address(&grown[*n], ia);
		(*n)++;
	}
}

/* The first mailbox of list into a, if any. */
static void first_address(struct sd_mail_address *a, InternetAddressList *list)
{
	struct sd_mail_address *arr = NULL;
	size_t n = 0;
	add_addresses(&arr, &n, list, 0);
	if (n) {
		free(a->name);
		free(a->addr);
		*a = arr[0];
	}
	for (size_t i = 1; i < n; i++) {
		free(arr[i].name);
		free(arr[i].addr);
	}
	free(arr);
}

/* An address GMime could not parse out of a From header ("Test
 * x@example.com", "<a b@example.com>"): what is inside angle brackets,
 * else the last word with an @. Written as sent; whoever replies must
 * check it. */
static char *loose_address(const char *value)
{
	const char *lt = strrchr(value, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt)
		return strndup(lt + 1, (size_t)(gt - lt - 1));
	const char *best = NULL, *best_end = NULL;
	for (const char *p = value; *p;) {
		while (*p == ' ' || *p == '\t' || *p == ',' || *p == ';')
			p++;
		const char *w = p;
		while (*p && *p != ' ' && *p != '\t' && *p != ',' && *p != ';')
			p++;
		if (memchr(w, '@', (size_t)(p - w))) {
			best = w;
			best_end = p;
		}
	}
	return best ? strndup(best, (size_t)(best_end - best)) : NULL;
}

static const char *header(GMimeObject *obj, const char *name)
{
	return g_mime_object_get_header(obj, name);
}

/* A piece of the body that refers to attachments by Content-ID, to be
 * written again once their stored names are known (sd_mail_body_linked):
 * body[at..at+len) is its text as read; html, when not NULL, is the
 * HTML it came from (UTF-8), else the text itself has "[cid:...]".
 * added: the piece gave text (an HTML part of images without alt text
 * gives none, until its images are linked). */
struct sd_mail_cid_piece {
	size_t at, len;
	char *html;
	int added;
};

struct walk {
	struct sd_mail *m;
	struct sd_buf body;
	int any_plain; /* the body has text from a text/plain part */
	int report;    /* inside a multipart/report */
};

static void add_cid_piece(struct walk *w, size_t at, size_t len, const char *html, int added)
{
	struct sd_mail *m = w->m;
	struct sd_mail_cid_piece *grown =
		realloc(m->cid_pieces, (m->n_cid_pieces + 1) * sizeof(*grown));
	if (!grown)
		abort();
	m->cid_pieces = grown;
	grown[m->n_cid_pieces++] =
		(struct sd_mail_cid_piece){ at, len, html ? clean_dup(html) : NULL, added };
}

static void add_attachment(struct walk *w, const char *name, const char *type, const char *cid,
			   int is_inline, struct sd_buf *bytes)
{
	struct sd_mail *m = w->m;
	struct sd_mail_attachment *grown =
		realloc(m->attachments, (m->n_attachments + 1) * sizeof(*grown));
	if (!grown)
		abort();
	m->attachments = grown;
	struct sd_mail_attachment *a = &grown[m->n_attachments++];
	a->name = line_dup(name);
	a->content_type = line_dup(type);
	for (char *p = a->content_type; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	a->content_id = line_dup(cid);
	a->is_inline = is_inline;
	a->size = bytes->len;
	a->data = (unsigned char *)sd_buf_detach(bytes);
}

/* "Name: value" lines of a delivery-status part (RFC 3464): the first
 * recipient's fields. The value of "rfc822; x@y" is x@y. */
static void delivery_field(char **dst, const char *text, const char *name)
{
	size_t nlen = strlen(name);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncasecmp(p, name, nlen) || p[nlen] != ':')
			continue;
		const char *v = p + nlen + 1;
		const char *end = strchr(v, '\n');
		char *val = strndup(v, end ? (size_t)(end - v) : strlen(v));
		const char *semi = strchr(val, ';');
		free(*dst);
		*dst = line_dup(semi ? semi + 1 : val);
		free(val);
		return;
	}
}

static void read_delivery_status(struct walk *w, GMimePart *part)
{
	struct sd_buf raw = SD_BUF_INIT, text = SD_BUF_INIT;
	part_bytes(part, &raw);
	sd_text_clean(&text, raw.data, raw.len);
	struct sd_mail *m = w->m;
	if (!*m->bounce_recipient)
		delivery_field(&m->bounce_recipient, text.data, "Final-Recipient");
	if (!*m->bounce_recipient)
		delivery_field(&m->bounce_recipient, text.data, "Original-Recipient");
	if (!*m->bounce_action)
		delivery_field(&m->bounce_action, text.data, "Action");
	if (!*m->bounce_status)
		delivery_field(&m->bounce_status, text.data, "Status");
	sd_buf_release(&raw);
	sd_buf_release(&text);
}

/* The Message-ID in a header block, for text/rfc822-headers. */
static void headers_message_id(char **dst, const char *text)
{
	char *id = NULL;
	delivery_field(&id, text, "Message-ID");
	if (id && *id) {
		char *s = id, *e;
		while (*s == '<' || *s == ' ')
			s++;
		e = strchr(s, '>');
		if (e)
			*e = '\0';
		free(*dst);
		*dst = line_dup(s);
	}
	free(id);
}

static int is_attachment(GMimeObject *obj)
{
	GMimeContentDisposition *disp = g_mime_object_get_content_disposition(obj);
	if (disp && g_mime_content_disposition_is_attachment(disp))
		return 1;
	return GMIME_IS_PART(obj) && g_mime_part_get_filename(GMIME_PART(obj)) != NULL;
}

static int is_inline(GMimeObject *obj)
{
	GMimeContentDisposition *disp = g_mime_object_get_content_disposition(obj);
	const char *d = disp ? g_mime_content_disposition_get_disposition(disp) : NULL;
	return d && !strcasecmp(d, "inline");
}

/* The part of text a body keeps: without trailing white space and blank
 * lines, and without leading blank lines. Sets *start and returns the
 * length (0: nothing to keep). */
static size_t kept_text(const char *text, size_t len, size_t *start)
{
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	*start = 0;
	while (*start < len && text[*start] == '\n')
		(*start)++;
	return len - *start;
}

/* Appends a part's text to the body, a blank line after the text before;
 * returns where it starts in the body, or SIZE_MAX when it had none. */
static size_t add_text(struct walk *w, const char *text, size_t len)
{
	size_t start, n = kept_text(text, len, &start);
	if (!n)
		return SIZE_MAX;
	if (w->body.len)
		sd_buf_adds(&w->body, "\n\n");
	size_t at = w->body.len;
	sd_buf_add(&w->body, text + start, n);
	return at;
}

static void leaf(struct walk *w, GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimePart *part = GMIME_PART(obj);
	int attached = is_attachment(obj);
	int plain = ct && g_mime_content_type_is_type(ct, "text", "plain");
	int html = ct && g_mime_content_type_is_type(ct, "text", "html");
	struct sd_buf bytes = SD_BUF_INIT;

	if (ct && g_mime_content_type_is_type(ct, "message", "delivery-status")) {
		read_delivery_status(w, part);
		return;
	}
	part_bytes(part, &bytes);
	if ((plain || html) && !attached) {
		const char *charset = g_mime_content_type_get_parameter(ct, "charset");
		struct sd_buf text = SD_BUF_INIT;
		to_utf8(&text, bytes.data, bytes.len, charset);
		if (html) {
			struct sd_buf conv = SD_BUF_INIT;
			sd_html_to_text(&conv, text.data, text.len);
			size_t at = add_text(w, conv.data, conv.len);
			if (sd_strcasestr(text.data, "cid:"))
				add_cid_piece(w, at == SIZE_MAX ? w->body.len : at,
					      at == SIZE_MAX ? 0 : w->body.len - at, text.data,
					      at != SIZE_MAX);
			if (conv.len && !w->any_plain)
				w->m->body_from_html = 1;
			sd_buf_release(&conv);
		} else {
			/* Strip trailing spaces of each line: format=flowed
			 * soft breaks and mailers' padding. */
			struct sd_buf lines = SD_BUF_INIT;
			for (const char *p = text.data; *p;) {
				const char *nl = strchr(p, '\n');
				size_t n = nl ? (size_t)(nl - p) : strlen(p);
				size_t e = n;
				while (e && (p[e - 1] == ' ' || p[e - 1] == '\t'))
					e--;
				sd_buf_add(&lines, p, e);
				if (!nl)
					break;
				sd_buf_addch(&lines, '\n');
				p = nl + 1;
			}
			size_t at = add_text(w, lines.data, lines.len);
			if (at != SIZE_MAX && strstr(lines.data, "[cid:"))
				add_cid_piece(w, at, w->body.len - at, NULL, 1);
			if (lines.len) {
				w->any_plain = 1;
				w->m->body_from_html = 0;
			}
			sd_buf_release(&lines);
		}
		sd_buf_release(&text);
		sd_buf_release(&bytes);
		return;
	}
	if (w->report && ct && g_mime_content_type_is_type(ct, "text", "rfc822-headers")) {
		struct sd_buf text = SD_BUF_INIT;
		sd_text_clean(&text, bytes.data, bytes.len);
		headers_message_id(&w->m->bounce_message_id, text.data);
		sd_buf_release(&text);
	}
	char *type = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	add_attachment(w, g_mime_part_get_filename(part), type ? type : "application/octet-stream",
		       g_mime_object_get_content_id(obj), is_inline(obj), &bytes);
	g_free(type);
	sd_buf_release(&bytes);
}

/* Whether obj holds a text part of the given subtype that would be read
 * as the body. */
static int has_body(GMimeObject *obj, const char *subtype, int depth)
{
	if (depth > MAX_DEPTH || !obj)
		return 0;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);
		for (int i = 0; i < n; i++)
			if (has_body(g_mime_multipart_get_part(mp, i), subtype, depth + 1))
				return 1;
		return 0;
	}
	if (!GMIME_IS_PART(obj) || is_attachment(obj))
		return 0;
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	return ct && g_mime_content_type_is_type(ct, "text", subtype);
}

static void walk(struct walk *w, GMimeObject *obj, int depth)
{
	if (!obj || depth > MAX_DEPTH)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		GMimeContentType *ct = g_mime_object_get_content_type(obj);
		int n = g_mime_multipart_get_count(mp);
		if (ct && g_mime_content_type_is_type(ct, "multipart", "alternative") && n > 0) {
			/* One alternative: the text/plain one, else the HTML one,
			 * else the last (the sender's preferred). */
			int pick = -1;
			for (int i = 0; i < n && pick < 0; i++)
				if (has_body(g_mime_multipart_get_part(mp, i), "plain", depth + 1))
					pick = i;
			for (int i = n - 1; i >= 0 && pick < 0; i--)
				if (has_body(g_mime_multipart_get_part(mp, i), "html", depth + 1))
					pick = i;
			walk(w, g_mime_multipart_get_part(mp, pick < 0 ? n - 1 : pick), depth + 1);
			return;
		}
		int report = ct && g_mime_content_type_is_type(ct, "multipart", "report");
		if (report) {
			const char *rt = g_mime_content_type_get_parameter(ct, "report-type");
			if (rt && !strcasecmp(rt, "delivery-status"))
				w->m->kind = SD_MAIL_BOUNCE;
			w->report++;
		}
		for (int i = 0; i < n; i++)
			walk(w, g_mime_multipart_get_part(mp, i), depth + 1);
		if (report)
			w->report--;
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		struct sd_buf bytes = SD_BUF_INIT, name = SD_BUF_INIT;
		if (inner) {
			object_bytes(GMIME_OBJECT(inner), &bytes);
			const char *id = g_mime_message_get_message_id(inner);
			if (w->report && id && !*w->m->bounce_message_id) {
				free(w->m->bounce_message_id);
				w->m->bounce_message_id = line_dup(id);
			}
			const char *subject = g_mime_message_get_subject(inner);
			sd_buf_adds(&name, subject && *subject ? subject : "message");
			sd_buf_adds(&name, ".eml");
		}
		const char *fn = g_mime_object_get_content_disposition_parameter(obj, "filename");
		add_attachment(w, fn ? fn : name.data, "message/rfc822",
			       g_mime_object_get_content_id(obj), 0, &bytes);
		sd_buf_release(&bytes);
		sd_buf_release(&name);
		return;
	}
	if (GMIME_IS_PART(obj))
		leaf(w, obj);
}

static int starts_with_ci(const char *s, const char *prefix)
{
	return !strncasecmp(s, prefix, strlen(prefix));
}

static void classify(struct sd_mail *m, GMimeObject *top)
{
	const char *local_end = strchr(m->from.addr, '@');
	size_t local_len = local_end ? (size_t)(local_end - m->from.addr) : strlen(m->from.addr);
	int daemon = (local_len == 13 && starts_with_ci(m->from.addr, "mailer-daemon")) ||
		(local_len == 10 && starts_with_ci(m->from.addr, "postmaster") &&
		 (m->null_return_path || *m->auto_submitted));
	const char *failed = header(top, "X-Failed-Recipients");
	if (m->kind == SD_MAIL_BOUNCE || daemon || failed) {
		m->kind = SD_MAIL_BOUNCE;
		if (failed && !*m->bounce_recipient) {
			free(m->bounce_recipient);
			m->bounce_recipient = line_dup(failed);
		}
		if (!*m->bounce_message_id)
			headers_message_id(&m->bounce_message_id, m->body);
		return;
	}
	if (*m->list_id) {
		m->kind = SD_MAIL_LIST;
		return;
	}
	const char *p = m->precedence;
	int auto_sub = *m->auto_submitted && !starts_with_ci(m->auto_submitted, "no");
	if (auto_sub || header(top, "X-Autoreply") || header(top, "X-Autorespond") ||
	    header(top, "X-MS-Exchange-Generated-Message-Source") ||
	    starts_with_ci(p, "auto_reply") || starts_with_ci(p, "bulk") ||
	    starts_with_ci(p, "junk") || starts_with_ci(p, "list"))
		m->kind = SD_MAIL_AUTO_REPLY;
}

static char *strip_brackets(const char *id)
{
	char *s = line_dup(id);
	size_t n = strlen(s);
	if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
		memmove(s, s + 1, n - 2);
		s[n - 2] = '\0';
	}
	return s;
}

static void read_references(struct sd_mail *m, GMimeParserOptions *opts, GMimeObject *top)
{
	const char *irt = header(top, "In-Reply-To");
	if (irt) {
		GMimeReferences *refs = g_mime_references_parse(opts, irt);
		if (refs && g_mime_references_length(refs) > 0) {
			free(m->in_reply_to);
			m->in_reply_to = line_dup(g_mime_references_get_message_id(refs, 0));
		}
		if (refs)
			g_mime_references_free(refs);
	}
	const char *rs = header(top, "References");
	if (rs) {
		GMimeReferences *refs = g_mime_references_parse(opts, rs);
		int n = refs ? g_mime_references_length(refs) : 0;
		if (n > 0) {
			m->references = calloc((size_t)n, sizeof(char *));
			if (!m->references)
				abort();
			for (int i = 0; i < n; i++)
				m->references[m->n_references++] =
					line_dup(g_mime_references_get_message_id(refs, i));
		}
		if (refs)
			g_mime_references_free(refs);
	}
}

static struct sd_mail *mail_new(void)
{
	struct sd_mail *m = calloc(1, sizeof(*m));
	if (!m)
		abort();
	char **strings[] = { &m->message_id,
			     &m->in_reply_to,
			     &m->from.name,
			     &m->from.addr,
			     &m->reply_to.name,
			     &m->reply_to.addr,
			     &m->sender.name,
			     &m->sender.addr,
			     &m->subject,
			     &m->auto_submitted,
			     &m->precedence,
			     &m->x_loop,
			     &m->list_id,
			     &m->return_path,
			     &m->bounce_recipient,
			     &m->bounce_action,
			     &m->bounce_status,
			     &m->bounce_message_id,
			     &m->body };
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		*strings[i] = clean_dup(NULL);
	return m;
}

/* Whether a line starts like a header field: a name of printable ASCII
 * without spaces, then a colon. */
static int header_like(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && s[i] > ' ' && s[i] < 127 && s[i] != ':')
		i++;
	return i > 0 && i < len && s[i] == ':';
}

sd_error *sd_mail_parse(struct sd_mail **out, const char *data, size_t len)
{
	*out = NULL;
	pthread_once(&gmime_once, gmime_start);
	struct sd_mail *m = mail_new();

	/* An mbox "From " line is not a header. */
	if (len >= 5 && !memcmp(data, "From ", 5)) {
		const char *nl = memchr(data, '\n', len);
		size_t skip = nl ? (size_t)(nl - data) + 1 : len;
		data += skip;
		len -= skip;
	}

	/* A line or two of text before the headers ("---- Original email
	 * message ----" from a forwarding script) is not the message. */
	for (int skipped = 0; skipped < 3; skipped++) {
		const char *nl = memchr(data, '\n', len);
		if (!nl || header_like(data, (size_t)(nl - data)) || nl == data ||
		    (nl == data + 1 && data[0] == '\r'))
			break;
		const char *next = nl + 1;
		const char *nl2 = memchr(next, '\n', len - (size_t)(next - data));
		if (!header_like(next, nl2 ? (size_t)(nl2 - next) : len - (size_t)(next - data)))
			break;
		len -= (size_t)(next - data);
		data = next;
	}

	GMimeParserOptions *opts = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
	/* Raw 8-bit headers: UTF-8 when they are, else the usual 8-bit. */
	const char *fallback[] = { "utf-8", "windows-1252", NULL };
	g_mime_parser_options_set_fallback_charsets(opts, fallback);

	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, opts);
	if (!msg)
		goto done;
	GMimeObject *top = GMIME_OBJECT(msg);

	const char *id = g_mime_message_get_message_id(msg);
	if (id) {
		free(m->message_id);
		m->message_id = strip_brackets(id);
	}
	read_references(m, opts, top);
	first_address(&m->from, g_mime_message_get_from(msg));
	first_address(&m->reply_to, g_mime_message_get_reply_to(msg));
	first_address(&m->sender, g_mime_message_get_sender(msg));
	if (!*m->from.addr) {
		/* Who wrote it, by the next best header. */
		char *raw = raw_header(top, "From"), *loose = NULL;
		if (raw) {
			char *value = line_dup(raw);
			loose = loose_address(value);
			free(value);
			g_free(raw);
		}
		const struct sd_mail_address *alt = *m->reply_to.addr ? &m->reply_to
			: *m->sender.addr			      ? &m->sender
								      : NULL;
		if (loose) {
			free(m->from.addr);
			m->from.addr = line_dup(loose);
			free(loose);
		} else if (alt) {
			free(m->from.name);
			free(m->from.addr);
			m->from.name = line_dup(alt->name);
			m->from.addr = line_dup(alt->addr);
		}
	}
	add_addresses(&m->to, &m->n_to, g_mime_message_get_to(msg), 0);
	add_addresses(&m->cc, &m->n_cc, g_mime_message_get_cc(msg), 0);
	GDateTime *date = g_mime_message_get_date(msg);
	if (date)
		m->date = g_date_time_to_unix(date);
	char *subject = raw_header(top, "Subject");
	if (subject) {
		free(m->subject);
		m->subject = decode_text(subject);
		g_free(subject);
	}

	struct {
		char **dst;
		const char *name;
	} loop[] = {
		{ &m->auto_submitted, "Auto-Submitted" },
		{ &m->precedence, "Precedence" },
		{ &m->x_loop, "X-Loop" },
		{ &m->list_id, "List-Id" },
		{ &m->return_path, "Return-Path" },
	};
	for (size_t i = 0; i < sizeof(loop) / sizeof(loop[0]); i++) {
		const char *v = header(top, loop[i].name);
		if (v) {
			free(*loop[i].dst);
			*loop[i].dst = line_dup(v);
		}
	}
	if (header(top, "Return-Path")) {
		const char *rp = m->return_path;
		while (*rp == ' ' || *rp == '<')
			rp++;
		m->null_return_path = *rp == '>' || *rp == '\0';
	}

	struct walk w = { .m = m, .body = SD_BUF_INIT };
	walk(&w, g_mime_message_get_mime_part(msg), 0);
	free(m->body);
	m->body = sd_buf_detach(&w.body);
	classify(m, top);

done:
	if (msg)
		g_object_unref(msg);
	g_object_unref(parser);
	g_object_unref(stream);
	g_mime_parser_options_free(opts);
	*out = m;
	return NULL;
}

static void free_address(struct sd_mail_address *a)
{
	free(a->name);
	free(a->addr);
}

void sd_mail_free(struct sd_mail *m)
{
	if (!m)
		return;
	char *strings[] = { m->message_id,
			    m->in_reply_to,
			    m->subject,
			    m->auto_submitted,
			    m->precedence,
			    m->x_loop,
			    m->list_id,
			    m->return_path,
			    m->bounce_recipient,
			    m->bounce_action,
			    m->bounce_status,
			    m->bounce_message_id,
			    m->body };
	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		free(strings[i]);
	for (size_t i = 0; i < m->n_references; i++)
		free(m->references[i]);
	free(m->references);
	free_address(&m->from);
	free_address(&m->reply_to);
	free_address(&m->sender);
	for (size_t i = 0; i < m->n_to; i++)
		free_address(&m->to[i]);
	for (size_t i = 0; i < m->n_cc; i++)
		free_address(&m->cc[i]);
	free(m->to);
	free(m->cc);
	for (size_t i = 0; i < m->n_attachments; i++) {
		free(m->attachments[i].name);
		free(m->attachments[i].content_type);
		free(m->attachments[i].content_id);
		free(m->attachments[i].data);
	}
	free(m->attachments);
	for (size_t i = 0; i < m->n_cid_pieces; i++)
		free(m->cid_pieces[i].html);
	free(m->cid_pieces);
	free(m);
}

/* ---- inline images ---- */

struct linker {
	const struct sd_mail *m;
	const char *const *names;
	struct sd_buf target;
};

static int hex_value(char c)
{
	return c >= '0' && c <= '9'			 ? c - '0'
		: (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
							 : -1;
}

/* The attachment whose Content-ID is id (len bytes, %XX escapes read as
 * RFC 2392 asks), or SIZE_MAX. An exact match wins over one that differs
 * in case. */
static size_t cid_attachment(const struct sd_mail *m, const char *id, size_t len)
{
	struct sd_buf want = SD_BUF_INIT;
	for (size_t i = 0; i < len; i++) {
		int hi, lo;
		if (id[i] == '%' && i + 2 < len && (hi = hex_value(id[i + 1])) >= 0 &&
		    (lo = hex_value(id[i + 2])) >= 0) {
			sd_buf_addch(&want, (char)(hi * 16 + lo));
			i += 2;
		} else {
			sd_buf_addch(&want, id[i]);
		}
	}
	size_t found = SIZE_MAX;
	for (size_t i = 0; want.len && i < m->n_attachments; i++) {
		const char *cid = m->attachments[i].content_id;
		if (!strcmp(cid, want.data)) {
			found = i;
			break;
		}
		if (found == SIZE_MAX && !strcasecmp(cid, want.data))
			found = i;
	}
	sd_buf_release(&want);
	return found;
}

static const char *link_cid(void *arg, const char *src)
{
	struct linker *l = arg;
	while (*src == ' ')
		src++;
	if (strncasecmp(src, "cid:", 4))
		return NULL;
	size_t i = cid_attachment(l->m, src + 4, strlen(src + 4));
	if (i == SIZE_MAX || !l->names[i])
		return NULL;
	sd_buf_reset(&l->target);
	sd_buf_printf(&l->target, "files/%s", l->names[i]);
	return l->target.data;
}

/* Outlook's text part marks an inline image "[cid:image001.png@01D9...]":
 * one of a stored attachment becomes its image, one of a dropped file its
 * name; one that names no attachment stays as written. */
static void link_plain(struct sd_buf *out, struct linker *l, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *open = p;
		while (open + 5 <= end && memcmp(open, "[cid:", 5))
			open++;
		if (open + 5 > end) {
			sd_buf_add(out, p, (size_t)(end - p));
			break;
		}
		const char *id = open + 5, *close = id;
		while (close < end && *close != ']' && *close != '\n' && *close != ' ' &&
		       *close != '[')
			close++;
		size_t i = close < end && *close == ']' && close > id
			? cid_attachment(l->m, id, (size_t)(close - id))
			: SIZE_MAX;
		if (i == SIZE_MAX) {
			sd_buf_add(out, p, (size_t)(id - p));
			p = id;
			continue;
		}
		sd_buf_add(out, p, (size_t)(open - p));
		const struct sd_mail_attachment *a = &l->m->attachments[i];
		if (l->names[i]) {
			sd_buf_reset(&l->target);
			sd_buf_printf(&l->target, "files/%s", l->names[i]);
			sd_html_markdown_image(out, a->name, l->target.data);
		} else {
			sd_buf_adds(out, "\\[");
			sd_html_markdown_text(out, *a->name ? a->name : "image");
			sd_buf_adds(out, "\\]");
		}
		p = close + 1;
	}
}

void sd_mail_body_linked(struct sd_buf *out, const struct sd_mail *m, const char *const *names)
{
	if (!names || !m->n_cid_pieces) {
		sd_buf_adds(out, m->body);
		return;
	}
	struct linker l = { .m = m, .names = names, .target = SD_BUF_INIT };
	struct sd_buf html = SD_BUF_INIT;
	size_t body_len = strlen(m->body), pos = 0, start = out->len;
	for (size_t k = 0; k < m->n_cid_pieces; k++) {
		const struct sd_mail_cid_piece *piece = &m->cid_pieces[k];
		sd_buf_add(out, m->body + pos, piece->at - pos);
		pos = piece->at + piece->len;
		if (!piece->html) {
			link_plain(out, &l, m->body + piece->at, piece->len);
			continue;
		}
		sd_buf_reset(&html);
		sd_html_to_text_images(&html, piece->html, strlen(piece->html), link_cid, &l);
		size_t from, n = kept_text(html.data, html.len, &from);
		if (!n) {
			continue;
		} else if (piece->added) {
			sd_buf_add(out, html.data + from, n);
		} else if (out->len > start) {
			/* A part that had no text before now has: the blank line
			 * between parts, as add_text would have written. */
			sd_buf_adds(out, "\n\n");
			sd_buf_add(out, html.data + from, n);
		} else {
			sd_buf_add(out, html.data + from, n);
			if (pos < body_len)
				sd_buf_adds(out, "\n\n");
		}
	}
	sd_buf_add(out, m->body + pos, body_len - pos);
	sd_buf_release(&html);
	sd_buf_release(&l.target);
}

const char *sd_mail_kind_name(enum sd_mail_kind kind)
{
	switch (kind) {
	case SD_MAIL_AUTO_REPLY:
		return "auto-reply";
	case SD_MAIL_BOUNCE:
		return "bounce";
	case SD_MAIL_LIST:
		return "list";
	case SD_MAIL_PERSON:
		break;
	}
	return "person";
}

/* Reply trimming. */

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	return len >= n && !memcmp(s + len - n, suffix, n);
}

static int ends_with_ci(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	return len >= n && !strncasecmp(s + len - n, suffix, n);
}

/* An attribution line: "On ... wrote:", "Am ..., schrieb X:", "X пишет:",
 * "X je napisal(a):" and their kin. */
static int is_attribution(const char *s, size_t len)
{
	static const char *const tails[] = {
		"wrote:",
		"schrieb:",
		"\xd0\xbf\xd0\xb8\xd1\x88\xd0\xb5\xd1\x82:",
		"napisal(a):",
		"napisal:",
		"napisala:",
		"napisal/a:",
		"a \xc3\xa9"
		"crit :",
		"a \xc3\xa9"
		"crit:",
		"\xd0\xbd\xd0\xb0\xd0\xbf\xd0\xb8\xd1\x81\xd0\xb0\xd0\xbb(\xd0\xb0):",
		"\xd0\xbd\xd0\xb0\xd0\xbf\xd0\xb8\xd1\x81\xd0\xb0\xd0\xbb:",
		"\xd0\xbd\xd0\xb0\xd0\xbf\xd0\xb8\xd1\x81\xd0\xb0\xd0\xbb\xd0\xb0:",
		NULL,
	};
	for (const char *const *t = tails; *t; t++)
		if (ends_with_ci(s, len, *t))
			return 1;
	/* "Am 07.05.2012 08:10, schrieb Martin Edenhofer:" */
	if (len > 3 && !strncmp(s, "Am ", 3) && ends_with(s, len, ":")) {
		for (size_t i = 0; i + 9 <= len; i++)
			if (!memcmp(s + i, " schrieb ", 9))
				return 1;
	}
	return 0;
}

static int header_line(const char *s, size_t len, const char *const *names)
{
	for (const char *const *n = names; *n; n++) {
		size_t k = strlen(*n);
		if (len > k && !strncasecmp(s, *n, k))
			return 1;
	}
	return 0;
}

/* "From:" in the languages sd is tested with; "Od:" is Slovenian, "От:"
 * Russian, "Von:" German. */
static const char *const from_names[] = { "From:", "Von:", "\xd0\x9e\xd1\x82:", "Od:", "De:", NULL };
static const char *const next_names[] = {
	"Sent:",
	"Date:",
	"To:",
	"Subject:",
	"Cc:",
	"Gesendet:",
	"Datum:",
	"An:",
	"Betreff:",
	"Poslano:",
	"Za:",
	"Zadeva:",
	"Kp:",
	"Envoy\xc3\xa9:",
	"\xd0\x9e\xd1\x82\xd0\xbf\xd1\x80\xd0\xb0\xd0\xb2\xd0\xbb\xd0\xb5\xd0\xbd\xd0\xbe:",
	"\xd0\x9a\xd0\xbe\xd0\xbc\xd1\x83:",
	"\xd0\xa2\xd0\xb5\xd0\xbc\xd0\xb0:",
	"Objet:",
	"\xc3\x80:",
	NULL,
};

struct line {
	const char *s;
	size_t len;
};

static int is_rule(const char *s, size_t len, char c)
{
	if (len < 10)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] != c)
			return 0;
	return 1;
}

void sd_mail_trim_reply(struct sd_buf *out, const char *body)
{
	struct line *lines = NULL;
	size_t n = 0, alloc = 0;
	for (const char *p = body; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			lines = realloc(lines, alloc * sizeof(*lines));
			if (!lines)
				abort();
		}
		lines[n].s = p;
		lines[n++].len = len;
		if (!nl)
			break;
		p = nl + 1;
	}

	size_t cut = n;
	for (size_t i = 0; i < n && cut == n; i++) {
		const char *s = lines[i].s;
		size_t len = lines[i].len;
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t') &&
		       !(len == 3 && s[0] == '-'))
			len--;
		if ((len == 3 && !memcmp(s, "-- ", 3)) || (len == 2 && !memcmp(s, "--", 2))) {
			cut = i;
		} else if (len && s[0] != '>' && is_attribution(s, len)) {
			/* An attribution wrapped onto two lines starts a line
			 * earlier: "On Mon, 7 May 2012, Martin" / "<m@x> wrote:". */
			cut = i;
			if (i > 0 && lines[i - 1].len > 3 && !strncmp(lines[i - 1].s, "On ", 3) &&
			    !ends_with(lines[i - 1].s, lines[i - 1].len, ":"))
				cut = i - 1;
		} else if (len >= 5 && !strncmp(s, "-----", 5) &&
			   (sd_strcasestr(s, "original") || sd_strcasestr(s, "urspr") ||
			    strstr(s, "\xd0\x98\xd1\x81\xd1\x85\xd0\xbe\xd0\xb4\xd0\xbd") ||
			    sd_strcasestr(s, "izvirno"))) {
			cut = i;
		} else if (header_line(s, len, from_names) || is_rule(s, len, '_')) {
			/* Outlook's block: From:, then Sent:/To:/Subject: within
			 * a few lines (a rule of underscores may come first). */
			size_t from = i;
			if (is_rule(s, len, '_')) {
				from = i + 1;
				while (from < n && !lines[from].len)
					from++;
				if (from >= n ||
				    !header_line(lines[from].s, lines[from].len, from_names))
					continue;
			}
			for (size_t j = from + 1; j < n && j <= from + 4; j++)
				if (header_line(lines[j].s, lines[j].len, next_names)) {
					cut = i;
					break;
				}
		}
	}
	/* A trailing block of quoted lines (and the blank lines around it). */
	size_t end = cut;
	for (;;) {
		while (end > 0 && lines[end - 1].len == 0)
			end--;
		size_t q = end;
		while (q > 0 && lines[q - 1].len && lines[q - 1].s[0] == '>')
			q--;
		if (q == end)
			break;
		end = q;
	}
	int empty = 1;
	for (size_t i = 0; i < end && empty; i++)
		for (size_t k = 0; k < lines[i].len; k++)
			if (lines[i].s[k] != ' ' && lines[i].s[k] != '\t') {
				empty = 0;
				break;
			}
	if (empty)
		end = n;
	while (end > 0 && lines[end - 1].len == 0)
		end--;
	for (size_t i = 0; i < end; i++) {
		sd_buf_add(out, lines[i].s, lines[i].len);
		if (i + 1 < end)
			sd_buf_addch(out, '\n');
	}
	free(lines);
}

/* Subjects and mailboxes. */

/* The length of a reply or forward prefix at s ("Re:", "RE[2]:",
 * "Re^2:", "Fwd :"), white space after it included; 0 when none. */
static size_t subject_prefix(const char *s)
{
	static const char *const words[] = {
		"re",
		"fwd",
		"fw",
		"aw",
		"wg",
		"sv",
		"vs",
		"antw",
		"antwort",
		"odg",
		"posl.",
		"tr",
		"rif",
		"ref",
		"r",
		"enc",
		"doorst",
		"vl",
		"vb",
		"továbbítás",
		"\xd0\xbe\xd1\x82\xd0\xb2",			    /* отв */
		"\xd0\x9e\xd1\x82\xd0\xb2",			    /* Отв */
		"\xd0\x9e\xd0\xa2\xd0\x92",			    /* ОТВ */
		"\xd0\xbe\xd1\x82\xd0\xb2\xd0\xb5\xd1\x82",	    /* ответ */
		"\xd0\x9e\xd1\x82\xd0\xb2\xd0\xb5\xd1\x82",	    /* Ответ */
		"\xd0\xbf\xd0\xb5\xd1\x80\xd0\xb5\xd1\x81\xd0\xbb", /* пересл */
		"\xd0\x9f\xd0\xb5\xd1\x80\xd0\xb5\xd1\x81\xd0\xbb", /* Пересл */
		"\xd0\x9f\xd0\x95\xd0\xa0\xd0\x95\xd0\xa1\xd0\x9b", /* ПЕРЕСЛ */
		NULL,
	};
	for (const char *const *w = words; *w; w++) {
		size_t n = strlen(*w);
		if (strncasecmp(s, *w, n))
			continue;
		const char *p = s + n;
		if (*p == '[') { /* RE[2]: */
			p++;
			while (*p >= '0' && *p <= '9')
				p++;
			if (*p != ']')
				continue;
			p++;
		} else if (*p == '^') { /* Re^2: */
			p++;
			while (*p >= '0' && *p <= '9')
				p++;
		}
		while (*p == ' ')
			p++;
		if (*p != ':' && strncmp(p, "\xef\xbc\x9a", 3)) /* ':' or fullwidth ':' */
			continue;
		p += *p == ':' ? 1 : 3;
		while (*p == ' ' || *p == '\t')
			p++;
		return (size_t)(p - s);
	}
	return 0;
}

void sd_mail_clean_subject(struct sd_buf *out, const char *subject)
{
	const char *s = subject;
	while (*s == ' ' || *s == '\t')
		s++;
	for (size_t n; (n = subject_prefix(s));)
		s += n;
	if (!*s)
		s = subject;
	sd_buf_adds(out, s);
}

int sd_mail_subject_tag(const char *subject, const char *tag, char *id, size_t size)
{
	size_t tlen = strlen(tag);
	if (!tlen || !size)
		return 0;
	for (const char *p = strchr(subject, '['); p; p = strchr(p + 1, '[')) {
		const char *q = p + 1;
		while (*q == ' ')
			q++;
		if (strncasecmp(q, tag, tlen))
			continue;
		q += tlen;
		while (*q == ' ')
			q++;
		if (*q++ != '#')
			continue;
		const char *start = q;
		while ((*q >= '0' && *q <= '9') || ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z') ||
		       *q == '-')
			q++;
		size_t n = (size_t)(q - start);
		while (*q == ' ')
			q++;
		if (!n || *q != ']')
			continue;
		if (n >= size)
			n = size - 1;
		memcpy(id, start, n);
		id[n] = '\0';
		return 1;
	}
	return 0;
}

/* Whether data[i..len) starts an mbox "From " line at a line start. */
static int mbox_from(const char *data, size_t len, size_t i)
{
	return (i == 0 || data[i - 1] == '\n') && len - i >= 5 && !memcmp(data + i, "From ", 5);
}

int sd_mail_mbox_next(const char *data, size_t len, size_t *pos, size_t *start, size_t *end)
{
	size_t i = *pos;
	while (i < len && !mbox_from(data, len, i)) {
		/* Text before the first "From " line is not a message. */
		const char *nl = memchr(data + i, '\n', len - i);
		i = nl ? (size_t)(nl - data) + 1 : len;
	}
	if (i >= len)
		return 0;
	const char *nl = memchr(data + i, '\n', len - i);
	*start = nl ? (size_t)(nl - data) + 1 : len;
	size_t j = *start;
	while (j < len && !mbox_from(data, len, j)) {
		const char *n2 = memchr(data + j, '\n', len - j);
		j = n2 ? (size_t)(n2 - data) + 1 : len;
	}
	*end = j;
	/* The blank line the mbox writer put before the next "From ". */
	if (j<len && * end> * start && data[*end - 1] == '\n') {
		size_t e = *end - 1;
		if (e > *start && data[e - 1] == '\n')
			*end = e;
		else if (e > *start + 1 && data[e - 1] == '\r' && data[e - 2] == '\n')
			*end = e - 1;
	}
	*pos = j;
	return 1;
}
