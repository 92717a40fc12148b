/* SPDX-License-Identifier: MIT */
/* Knowledge-base articles: the file format, slugs, reading and saving. */

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>
#include <yaml.h>

#include "sd/fold.h"
#include "sd/id.h"
#include "sd/kb.h"
#include "sd/path.h"
#include "sd/store.h"
#include "sd/text.h"
#include "sd/ticket.h"

const char *const sd_kb_audiences[] = { "public", "internal", NULL };
const char *const sd_kb_statuses[] = { "draft", "published", NULL };

#define KB_DIR "kb"
#define KB_ATTRIBUTE "kb/*.md merge=sd"

void sd_article_init(struct sd_article *a)
{
	memset(a, 0, sizeof(*a));
	a->title = sd_xstrdup("");
	a->slug = sd_xstrdup("");
	a->category = sd_xstrdup("");
	a->audience = sd_xstrdup("public");
	a->status = sd_xstrdup("draft");
	a->created = sd_xstrdup("");
	a->updated = sd_xstrdup("");
	a->body = sd_xstrdup("");
}

void sd_article_free(struct sd_article *a)
{
	free(a->title);
	free(a->slug);
	free(a->category);
	free(a->audience);
	free(a->status);
	free(a->created);
	free(a->updated);
	free(a->body);
	sd_strvec_clear(&a->tags);
	sd_strvec_clear(&a->tickets);
	memset(a, 0, sizeof(*a));
}

void sd_article_set(char **member, const char *value)
{
	char *copy = sd_xstrdup(value);
	free(*member);
	*member = copy;
}

/* ---- slugs ---- */

int sd_kb_slug_valid(const char *slug)
{
	size_t n = strlen(slug);
	if (n == 0 || n > SD_KB_SLUG_MAX || slug[0] == '-' || slug[n - 1] == '-' ||
	    strstr(slug, "--"))
		return 0;
	for (const char *p = slug; *p; p++)
		if (!(sd_ascii_islower(*p) || sd_ascii_isdigit(*p) || *p == '-'))
			return 0;
	return 1;
}

/* The ASCII spelling of a (folded) letter for a slug, or NULL. */
static const char *translit(unsigned c)
{
	/* Russian, after GOST 7.79 system B without diacritics, as most
	 * Russian sites spell their URLs. */
	static const char *const cyr[32] = { "a",  "b",	   "v", "g", "d", "e",	"zh", "z",
					     "i",  "y",	   "k", "l", "m", "n",	"o",  "p",
					     "r",  "s",	   "t", "u", "f", "kh", "ts", "ch",
					     "sh", "shch", "",	"y", "",  "e",	"yu", "ya" };
	if (c >= 0x430 && c <= 0x44f)
		return cyr[c - 0x430];
	switch (c) {
	case 0x451:
		return "e"; /* ё */
	case 0x456:
		return "i"; /* і */
	case 0x457:
		return "yi";
	case 0x454:
		return "ye";
	case 0x491:
		return "g";
	case 0x452:
		return "dj"; /* ђ */
	case 0x458:
		return "j";
	case 0x459:
		return "lj";
	case 0x45a:
		return "nj";
	case 0x45b:
		return "c";
	case 0x45f:
		return "dz";
	case 0x10d:
	case 0x107:
		return "c"; /* č ć */
	case 0x161:
		return "s"; /* š */
	case 0x17e:
		return "z"; /* ž */
	case 0x111:
		return "d"; /* đ */
	case 0xdf:
		return "ss";
	case 0xe6:
		return "ae";
	case 0xf8:
		return "o";
	case 0x142:
		return "l";
	default:
		break;
	}
	return NULL;
}

sd_error *sd_kb_slug_from_title(char **out, const char *title)
{
	static const char lat1[] = "aaaaaaaceeeeiiiidnooooo-ouuuuyty";
	struct sd_buf slug = SD_BUF_INIT;
	const unsigned char *p = (const unsigned char *)title;
	int dash = 0;
	*out = NULL;
	while (*p) {
		size_t len;
		unsigned c = sd_fold_char(sd_utf8_next((const char *)p, &len));
		p += len;
		char one[2] = { 0, 0 };
		const char *t = NULL;
		if (c < 0x80 && (sd_ascii_islower((int)c) || sd_ascii_isdigit((int)c)))
			one[0] = (char)c, t = one;
		else if ((t = translit(c)) == NULL && c >= 0xe0 && c <= 0xff &&
			 lat1[c - 0xe0] != '-')
			one[0] = lat1[c - 0xe0], t = one;
		else if (c == '\'' || c == 0x2019 || c == 0x44a || c == 0x44c)
			continue; /* apostrophes and hard/soft signs join a word */
		if (!t) {
			dash = slug.len > 0;
			continue;
		}
		if (!*t)
			continue;
		if (dash && slug.len < SD_KB_SLUG_MAX)
			sd_buf_addch(&slug, '-');
		dash = 0;
		sd_buf_adds(&slug, t);
		if (slug.len >= SD_KB_SLUG_MAX)
			break;
	}
	if (slug.len > SD_KB_SLUG_MAX)
		sd_buf_setlen(&slug, SD_KB_SLUG_MAX);
	while (slug.len && slug.data[slug.len - 1] == '-')
		sd_buf_setlen(&slug, slug.len - 1);
	if (!slug.len) {
		sd_buf_release(&slug);
		return sd_error_invalid(
			"cannot make a slug from this title (no letters sd can spell "
			"in ASCII); give one with --slug, such as --slug vpn-setup");
	}
	*out = sd_buf_detach(&slug);
	return NULL;
}

void sd_kb_path(struct sd_buf *out, const char *slug)
{
	sd_buf_printf(out, KB_DIR "/%s.md", slug);
}

/* ---- parsing ---- */

static sd_error *at_line(const char *path, size_t line, const char *fmt, ...) SD_PRINTF(3, 4);
static sd_error *at_line(const char *path, size_t line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sd_error *err = sd_error_newv(SD_EXIT_INVALID, fmt, ap);
	va_end(ap);
	return sd_error_wrap(err, "%s:%zu", path, line);
}

struct reader {
	yaml_parser_t parser;
	yaml_event_t event;
	int have;
	const char *path;
};

static sd_error *next(struct reader *r)
{
	if (r->have)
		yaml_event_delete(&r->event);
	r->have = 0;
	if (!yaml_parser_parse(&r->parser, &r->event))
		return at_line(r->path, r->parser.problem_mark.line + 2, "%s",
			       r->parser.problem ? r->parser.problem : "invalid YAML");
	r->have = 1;
	const yaml_event_t *e = &r->event;
	size_t line = e->start_mark.line + 2;
	if (e->type == YAML_ALIAS_EVENT ||
	    (e->type == YAML_SCALAR_EVENT && (e->data.scalar.anchor || e->data.scalar.tag)) ||
	    (e->type == YAML_SEQUENCE_START_EVENT &&
	     (e->data.sequence_start.anchor || e->data.sequence_start.tag)) ||
	    (e->type == YAML_MAPPING_START_EVENT &&
	     (e->data.mapping_start.anchor || e->data.mapping_start.tag)))
		return at_line(r->path, line,
			       "YAML anchors, aliases and tags are not allowed in an article");
	return NULL;
}

static const char *const keys[] = { "title", "slug",	"tags",	   "category", "audience", "status",
				    "faq",   "created", "updated", "tickets",  NULL };

static char **string_member(struct sd_article *a, const char *key)
{
	if (!strcmp(key, "title"))
		return &a->title;
	if (!strcmp(key, "slug"))
		return &a->slug;
	if (!strcmp(key, "category"))
		return &a->category;
	if (!strcmp(key, "audience"))
		return &a->audience;
	if (!strcmp(key, "status"))
		return &a->status;
	if (!strcmp(key, "created"))
		return &a->created;
	if (!strcmp(key, "updated"))
		return &a->updated;
	return NULL;
}

static sd_error *read_list(struct reader *r, struct sd_strvec *out, const char *key)
{
	sd_error *err;
	sd_strvec_clear(out);
	if (r->event.type == YAML_SCALAR_EVENT) {
		/* An empty value is an empty list, as a hand edit may leave it. */
		if (*r->event.data.scalar.value)
			return at_line(r->path, r->event.start_mark.line + 2,
				       "%s must be a list, such as [a, b]", key);
		return NULL;
	}
	if (r->event.type != YAML_SEQUENCE_START_EVENT)
		return at_line(r->path, r->event.start_mark.line + 2,
			       "%s must be a list, such as [a, b]", key);
	for (;;) {
		if ((err = next(r)))
			return err;
		if (r->event.type == YAML_SEQUENCE_END_EVENT)
			return NULL;
		if (r->event.type != YAML_SCALAR_EVENT)
			return at_line(r->path, r->event.start_mark.line + 2,
				       "%s must be a list of plain values", key);
		sd_strvec_push(out, (const char *)r->event.data.scalar.value);
	}
}

static sd_error *parse_front(struct sd_article *a, const char *fm, size_t len, const char *path)
{
	struct reader r;
	sd_error *err = NULL;
	unsigned seen = 0;
	memset(&r, 0, sizeof(r));
	r.path = path;
	yaml_parser_initialize(&r.parser);
	yaml_parser_set_input_string(&r.parser, (const unsigned char *)fm, len);
	if ((err = next(&r)) || (err = next(&r)) || (err = next(&r)))
		goto done; /* stream, document, mapping */
	if (r.event.type != YAML_MAPPING_START_EVENT) {
		err = at_line(path, 2, "the front matter must be a mapping of keys to values");
		goto done;
	}
	for (;;) {
		if ((err = next(&r)))
			goto done;
		if (r.event.type == YAML_MAPPING_END_EVENT)
			break;
		size_t line = r.event.start_mark.line + 2;
		if (r.event.type != YAML_SCALAR_EVENT) {
			err = at_line(path, line, "a key must be a plain word");
			goto done;
		}
		char *key = sd_xstrdup((const char *)r.event.data.scalar.value);
		int k = sd_value_index(keys, key);
		if (k < 0) {
			err = at_line(path, line,
				      "unknown key '%s'; an article has title, slug, tags, category, "
				      "audience, status, faq, created, updated and tickets",
				      key);
		} else if (seen & (1u << k)) {
			err = at_line(path, line, "'%s' is given twice", key);
		}
		seen |= 1u << (k < 0 ? 0 : k);
		if (!err)
			err = next(&r);
		if (!err) {
			char **member = string_member(a, key);
			if (!strcmp(key, "tags"))
				err = read_list(&r, &a->tags, key);
			else if (!strcmp(key, "tickets"))
				err = read_list(&r, &a->tickets, key);
			else if (r.event.type != YAML_SCALAR_EVENT)
				err = at_line(path, line, "'%s' must be a single value", key);
			else if (member)
				sd_article_set(member, (const char *)r.event.data.scalar.value);
			else { /* faq */
				const char *v = (const char *)r.event.data.scalar.value;
				if (!strcmp(v, "true") || !strcmp(v, "yes"))
					a->faq = 1;
				else if (!strcmp(v, "false") || !strcmp(v, "no") || !*v)
					a->faq = 0;
				else
					err = at_line(path, line,
						      "faq must be true or false, not '%s'", v);
			}
		}
		free(key);
		if (err)
			goto done;
	}
done:
	if (r.have)
		yaml_event_delete(&r.event);
	yaml_parser_delete(&r.parser);
	return err;
}

sd_error *sd_article_parse(struct sd_article *a, const char *text, size_t len, const char *path)
{
	sd_error *err;
	sd_article_free(a);
	sd_article_init(a);
	if (memchr(text, '\0', len) || !sd_utf8_valid(text, len, NULL))
		return at_line(path, 1, "not UTF-8 text");
	if (len < 4 || memcmp(text, "---\n", 4))
		return at_line(path, 1,
			       "an article starts with a line '---', then its front matter");
	/* The front matter ends at the next line that is exactly "---". */
	const char *fm = text + 4, *end = text + len, *close = NULL;
	for (const char *l = fm; l < end;) {
		const char *nl = memchr(l, '\n', (size_t)(end - l));
		size_t n = nl ? (size_t)(nl - l) : (size_t)(end - l);
		if (n == 3 && !memcmp(l, "---", 3)) {
			close = l;
			break;
		}
		l = nl ? nl + 1 : end;
	}
	if (!close)
		return at_line(path, 1, "the front matter is not closed by a line '---'");
	if ((err = parse_front(a, fm, (size_t)(close - fm), path)))
		return err;
	const char *body = close + 3;
	if (body < end && *body == '\n')
		body++;
	/* One blank line separates the front matter from the body. */
	if (body < end && *body == '\n')
		body++;
	char *copy = sd_xstrndup(body, (size_t)(end - body));
	if (strchr(copy, '\r')) {
		free(copy);
		return at_line(path, 1, "carriage returns (CRLF line ends) are not allowed");
	}
	free(a->body);
	a->body = sd_text_trim_lines(copy);
	free(copy);
	return NULL;
}

/* One line of text without control characters, for titles and such. */
static sd_error *check_line(const char *path, const char *what, const char *v, int required)
{
	if (required && !*v)
		return sd_error_invalid("%s: %s is empty; give the article a %s", path, what, what);
	if (sd_text_has_control(v))
		return sd_error_invalid("%s: %s holds control characters or a line break", path,
					what);
	if (strlen(v) > 500)
		return sd_error_invalid("%s: %s is longer than 500 bytes", path, what);
	return NULL;
}

sd_error *sd_article_validate(const struct sd_article *a, const char *path)
{
	sd_error *err;
	if ((err = check_line(path, "title", a->title, 1)) ||
	    (err = check_line(path, "category", a->category, 0)))
		return err;
	if (!sd_kb_slug_valid(a->slug))
		return sd_error_invalid("%s: slug '%s' is not valid: use a-z, 0-9 and '-', at most %d "
					"characters, such as vpn-does-not-connect",
					path, a->slug, SD_KB_SLUG_MAX);
	if (sd_starts_with(path, KB_DIR "/")) {
		size_t n = strlen(a->slug);
		if (strncmp(path + 3, a->slug, n) || strcmp(path + 3 + n, ".md"))
			return sd_error_invalid("%s: slug '%s' is not the file's name; rename the "
						"file to kb/%s.md or change the slug",
						path, a->slug, a->slug);
	}
	if (sd_value_index(sd_kb_audiences, a->audience) < 0)
		return sd_error_invalid("%s: audience '%s' is not public or internal", path,
					a->audience);
	if (sd_value_index(sd_kb_statuses, a->status) < 0)
		return sd_error_invalid("%s: status '%s' is not draft or published", path,
					a->status);
	for (size_t i = 0; i < a->tags.n; i++)
		if ((err = sd_field_validate(SD_F_TAGS, a->tags.v[i])))
			return sd_error_wrap(err, "%s", path);
	for (size_t i = 0; i < a->tickets.n; i++)
		if (!sd_id_valid(a->tickets.v[i]))
			return sd_error_invalid("%s: tickets: '%s' is not a ticket id", path,
						a->tickets.v[i]);
	const char *stamps[2] = { a->created, a->updated };
	static const char *const names[2] = { "created", "updated" };
	for (int i = 0; i < 2; i++) {
		sd_stamp t;
		sd_error *e = sd_stamp_parse(&t, stamps[i]);
		if (e) {
			sd_error_free(e);
			return sd_error_invalid("%s: %s '%s' is not a time such as "
						"2026-11-23T14:05:00Z",
						path, names[i], stamps[i]);
		}
	}
	return sd_text_validate(a->body, strlen(a->body), "the article's text");
}

/* ---- writing ---- */

static void write_scalar(struct sd_buf *out, const char *v)
{
	sd_yaml_write_scalar(out, v, 0);
}

/* Times are written plain, as in tickets, when they are times. */
static void write_stamp(struct sd_buf *out, const char *v)
{
	sd_stamp t;
	sd_error *err = sd_stamp_parse(&t, v);
	if (!err && *v && strspn(v, "0123456789-:.TZ+") == strlen(v))
		sd_buf_adds(out, v);
	else
		write_scalar(out, v);
	sd_error_free(err);
}

static void write_list(struct sd_buf *out, const struct sd_strvec *v)
{
	sd_buf_addch(out, '[');
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			sd_buf_adds(out, ", ");
		sd_yaml_write_scalar(out, v->v[i], 1);
	}
	sd_buf_addch(out, ']');
}

void sd_article_write(const struct sd_article *a, struct sd_buf *out)
{
	sd_buf_adds(out, "---\ntitle: ");
	write_scalar(out, a->title);
	sd_buf_adds(out, "\nslug: ");
	write_scalar(out, a->slug);
	sd_buf_adds(out, "\ntags: ");
	write_list(out, &a->tags);
	sd_buf_adds(out, "\ncategory: ");
	write_scalar(out, a->category);
	sd_buf_adds(out, "\naudience: ");
	write_scalar(out, a->audience);
	sd_buf_adds(out, "\nstatus: ");
	write_scalar(out, a->status);
	sd_buf_printf(out, "\nfaq: %s\ncreated: ", a->faq ? "true" : "false");
	write_stamp(out, a->created);
	sd_buf_adds(out, "\nupdated: ");
	write_stamp(out, a->updated);
	sd_buf_adds(out, "\ntickets: ");
	write_list(out, &a->tickets);
	sd_buf_adds(out, "\n---\n");
	if (*a->body) {
		sd_buf_addch(out, '\n');
		sd_buf_adds(out, a->body);
		sd_buf_addch(out, '\n');
	}
}

int sd_article_add_ticket(struct sd_article *a, const char *id)
{
	if (sd_strvec_has(&a->tickets, id))
		return 0;
	sd_strvec_push(&a->tickets, id);
	sd_strvec_sort(&a->tickets);
	return 1;
}

/* ---- the store ---- */

sd_error *sd_kb_list_slugs(struct sd_store *store, struct sd_strvec *out)
{
	struct sd_buf dir = SD_BUF_INIT;
	sd_buf_printf(&dir, "%s" KB_DIR, sd_store_root(store));
	DIR *d = opendir(dir.data);
	sd_error *err = NULL;
	if (!d) {
		if (errno != ENOENT && errno != ENOTDIR)
			err = sd_error_errno(dir.data);
		sd_buf_release(&dir);
		return err;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 4 || strcmp(e->d_name + n - 3, ".md"))
			continue;
		char *slug = sd_xstrndup(e->d_name, n - 3);
		if (sd_kb_slug_valid(slug))
			sd_strvec_push_owned(out, slug);
		else
			free(slug);
	}
	closedir(d);
	sd_buf_release(&dir);
	sd_strvec_sort(out);
	return NULL;
}

/* The slug closest to the one asked for, for "did you mean". */
static const char *closest_slug(const struct sd_strvec *slugs, const char *slug)
{
	const char *best = NULL;
	size_t best_d = 4;
	for (size_t i = 0; i < slugs->n; i++) {
		size_t d = sd_edit_distance(slug, slugs->v[i]);
		if (d < best_d || (sd_starts_with(slugs->v[i], slug) && best_d > 1))
			best = slugs->v[i], best_d = d < best_d ? d : 1;
	}
	return best;
}

sd_error *sd_kb_read(struct sd_store *store, const char *slug, struct sd_article *out)
{
	struct sd_buf rel = SD_BUF_INIT, abs = SD_BUF_INIT, text = SD_BUF_INIT;
	sd_error *err = NULL;
	struct stat st;
	if (!sd_kb_slug_valid(slug)) {
		struct sd_buf shown = SD_BUF_INIT;
		sd_text_inert(&shown, slug, strlen(slug), 0);
		err = sd_error_invalid("'%s' is not an article slug (a-z, 0-9 and '-'); "
				       "'sd kb list' shows the slugs",
				       shown.data);
		sd_buf_release(&shown);
		return err;
	}
	sd_kb_path(&rel, slug);
	sd_buf_printf(&abs, "%s%s", sd_store_root(store), rel.data);
	if (lstat(abs.data, &st) < 0 || !S_ISREG(st.st_mode)) {
		struct sd_strvec slugs = SD_STRVEC_INIT;
		sd_error_free(sd_kb_list_slugs(store, &slugs));
		const char *best = closest_slug(&slugs, slug);
		if (best)
			err = sd_error_invalid("no article '%s'; did you mean '%s'?", slug, best);
		else
			err = sd_error_invalid("no article '%s'; 'sd kb list' shows the slugs",
					       slug);
		sd_strvec_clear(&slugs);
		goto done;
	}
	if ((err = sd_buf_read_file(&text, abs.data, SD_KB_READ_MAX_BYTES)) ||
	    (err = sd_article_parse(out, text.data, text.len, rel.data)))
		goto done;
	err = sd_article_validate(out, rel.data);
done:
	sd_buf_release(&rel);
	sd_buf_release(&abs);
	sd_buf_release(&text);
	return err;
}

void sd_kb_articles_free(struct sd_article *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sd_article_free(&v[i]);
	free(v);
}

sd_error *sd_kb_read_all(struct sd_store *store, struct sd_article **out, size_t *n,
			 struct sd_strvec *problems)
{
	struct sd_strvec slugs = SD_STRVEC_INIT;
	sd_error *err = sd_kb_list_slugs(store, &slugs);
	*out = NULL;
	*n = 0;
	if (err)
		return err;
	struct sd_article *v = sd_xcalloc(slugs.n ? slugs.n : 1, sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < slugs.n; i++) {
		sd_article_init(&v[k]);
		sd_error *e = sd_kb_read(store, slugs.v[i], &v[k]);
		if (e) {
			if (problems)
				sd_strvec_push(problems, e->msg);
			sd_error_free(e);
			sd_article_free(&v[k]);
			continue;
		}
		k++;
	}
	sd_strvec_clear(&slugs);
	*out = v;
	*n = k;
	return NULL;
}

sd_error *sd_kb_save(struct sd_store *store, const struct sd_article *a, const char *verb,
		     const struct sd_change *extra, size_t nextra)
{
	struct sd_buf msg = SD_BUF_INIT;
	sd_buf_printf(&msg, "sd: kb %s %s \"", verb, a->slug);
	sd_text_inert(&msg, a->title, strlen(a->title), 0);
	sd_buf_adds(&msg, "\"\n");
	sd_error *err = sd_kb_save_message(store, a, msg.data, extra, nextra);
	sd_buf_release(&msg);
	return err;
}

sd_error *sd_kb_save_message(struct sd_store *store, const struct sd_article *a,
			     const char *message, const struct sd_change *extra, size_t nextra)
{
	struct sd_buf content = SD_BUF_INIT, path = SD_BUF_INIT;
	struct sd_buf attr_path = SD_BUF_INIT, attributes = SD_BUF_INIT;
	struct sd_change *changes = sd_xcalloc(nextra + 2, sizeof(*changes));
	size_t n = 0;
	sd_error *err;
	sd_kb_path(&path, a->slug);
	if ((err = sd_article_validate(a, path.data)))
		goto done;
	sd_article_write(a, &content);
	if (content.len > SD_KB_MAX_BYTES) {
		err = sd_error_invalid("%s would be %zu bytes, over the limit of %u; shorten it",
				       path.data, content.len, SD_KB_MAX_BYTES);
		goto done;
	}
	changes[n++] = (struct sd_change){ path.data, content.data, content.len };
	for (size_t i = 0; i < nextra; i++)
		changes[n++] = extra[i];
	/* Articles merge by their meaning too: a store made before the
	 * knowledge base gets the attribute with its first article. */
	sd_buf_printf(&attr_path, "%s.gitattributes", sd_store_root(store));
	sd_error *e = sd_buf_read_file(&attributes, attr_path.data, 1u << 20);
	sd_error_free(e);
	if (!strstr(attributes.data, KB_ATTRIBUTE)) {
		if (attributes.len && attributes.data[attributes.len - 1] != '\n')
			sd_buf_addch(&attributes, '\n');
		sd_buf_adds(&attributes,
			    "# Articles merge by their meaning too: see sd-kb(5).\n" KB_ATTRIBUTE
			    "\n");
		changes[n++] =
			(struct sd_change){ ".gitattributes", attributes.data, attributes.len };
	}
	err = sd_store_commit(store, changes, n, message);
done:
	free(changes);
	sd_buf_release(&content);
	sd_buf_release(&path);
	sd_buf_release(&attr_path);
	sd_buf_release(&attributes);
	return err;
}

/* ---- merging ---- */

static const char *three_way(const char *o, const char *a, const char *b)
{
	if (!strcmp(a, b))
		return a;
	if (!strcmp(a, o))
		return b;
	if (!strcmp(b, o))
		return a;
	return NULL;
}

static int cmp_strp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* A sorted copy of v's pointers, for lookups in O(log n): a hostile side
 * may hold a million tags, and a scan per item would take hours. */
static const char **sorted_copy(const struct sd_strvec *v, size_t *n)
{
	*n = v ? v->n : 0;
	const char **p = sd_xcalloc(*n ? *n : 1, sizeof(*p));
	for (size_t i = 0; i < *n; i++)
		p[i] = v->v[i];
	if (*n > 1)
		qsort(p, *n, sizeof(*p), cmp_strp);
	return p;
}

static int in_sorted(const char **p, size_t n, const char *s)
{
	return bsearch(&s, p, n, sizeof(*p), cmp_strp) != NULL;
}

/* Set merge: kept when both sides keep it, added when one side adds it.
 * The base's order first, then the additions sorted. */
static void merge_set(struct sd_strvec *out, const struct sd_strvec *o, const struct sd_strvec *a,
		      const struct sd_strvec *b)
{
	struct sd_strvec added = SD_STRVEC_INIT;
	size_t no, na, nb;
	const char **so = sorted_copy(o, &no), **sa = sorted_copy(a, &na),
		   **sb = sorted_copy(b, &nb);
	for (size_t i = 0; o && i < o->n; i++)
		if (in_sorted(sa, na, o->v[i]) && in_sorted(sb, nb, o->v[i]))
			sd_strvec_push(out, o->v[i]);
	const struct sd_strvec *sides[2] = { a, b };
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < sides[s]->n; i++)
			if (!in_sorted(so, no, sides[s]->v[i]))
				sd_strvec_push(&added, sides[s]->v[i]);
	sd_strvec_sort(&added);
	for (size_t i = 0; i < added.n; i++)
		if (!i || strcmp(added.v[i], added.v[i - 1]))
			sd_strvec_push(out, added.v[i]);
	sd_strvec_clear(&added);
	free(so);
	free(sa);
	free(sb);
}

static sd_error *merge_body(char **out, const char *o, const char *a, const char *b, int *conflicts)
{
	const char *v = three_way(o, a, b);
	if (v) {
		sd_article_set(out, v);
		return NULL;
	}
	/* Line by line, as git merges text: markers only where both sides
	 * changed the same lines. Each side ends in a newline so that a
	 * change to the last line is a change to a whole line. */
	struct sd_buf so = SD_BUF_INIT, sa = SD_BUF_INIT, sb = SD_BUF_INIT;
	sd_buf_printf(&so, "%s\n", o);
	sd_buf_printf(&sa, "%s\n", a);
	sd_buf_printf(&sb, "%s\n", b);
	git_merge_file_input io, ia, ib;
	git_merge_file_options opts;
	git_merge_file_input_init(&io, GIT_MERGE_FILE_INPUT_VERSION);
	git_merge_file_input_init(&ia, GIT_MERGE_FILE_INPUT_VERSION);
	git_merge_file_input_init(&ib, GIT_MERGE_FILE_INPUT_VERSION);
	git_merge_file_options_init(&opts, GIT_MERGE_FILE_OPTIONS_VERSION);
	io.ptr = so.data, io.size = so.len, io.path = "base";
	ia.ptr = sa.data, ia.size = sa.len, ia.path = "ours";
	ib.ptr = sb.data, ib.size = sb.len, ib.path = "theirs";
	opts.ancestor_label = "base";
	opts.our_label = "ours";
	opts.their_label = "theirs";
	git_merge_file_result res;
	memset(&res, 0, sizeof(res));
	sd_error *err = NULL;
	if (git_merge_file(&res, &io, &ia, &ib, &opts) < 0) {
		err = sd_error_git("cannot merge the article's text");
	} else {
		char *text = sd_xstrndup(res.ptr ? res.ptr : "", res.len);
		if (!res.automergeable) {
			int n = 0;
			for (const char *p = text; (p = strstr(p, "<<<<<<< ")); p++)
				if (p == text || p[-1] == '\n')
					n++;
			*conflicts += n ? n : 1;
		}
		free(*out);
		*out = sd_text_trim_lines(text);
		free(text);
	}
	git_merge_file_result_free(&res);
	sd_buf_release(&so);
	sd_buf_release(&sa);
	sd_buf_release(&sb);
	return err;
}

static sd_stamp stamp_of(const char *s)
{
	sd_stamp t = 0;
	sd_error_free(sd_stamp_parse(&t, s));
	return t;
}

sd_error *sd_article_merge(struct sd_article *out, const struct sd_article *base,
			   const struct sd_article *ours, const struct sd_article *theirs,
			   int *conflicts)
{
	static const char *const fields[] = { "title",	  "slug",   "category",
					      "audience", "status", NULL };
	sd_stamp ua = stamp_of(ours->updated), ub = stamp_of(theirs->updated);
	/* Which side wins a field both changed: the later update, the greater
	 * text on a tie, so that both orders of the sides agree. */
	int a_later = ua != ub ? ua > ub : strcmp(ours->updated, theirs->updated) >= 0;
	*conflicts = 0;
	for (int i = 0; fields[i]; i++) {
		char **mo = base ? string_member((struct sd_article *)base, fields[i]) : NULL;
		char **ma = string_member((struct sd_article *)ours, fields[i]);
		char **mb = string_member((struct sd_article *)theirs, fields[i]);
		const char *v = three_way(mo ? *mo : "", *ma, *mb);
		if (!v)
			v = a_later ? *ma : *mb;
		sd_article_set(string_member(out, fields[i]), v);
	}
	int fo = base ? base->faq : 0;
	out->faq = ours->faq == theirs->faq ? ours->faq
		: ours->faq == fo	    ? theirs->faq
		: theirs->faq == fo	    ? ours->faq
		: a_later		    ? ours->faq
					    : theirs->faq;
	sd_stamp ca = stamp_of(ours->created), cb = stamp_of(theirs->created);
	sd_article_set(&out->created,
		       (ca != cb ? ca < cb : strcmp(ours->created, theirs->created) <= 0)
			       ? ours->created
			       : theirs->created);
	sd_article_set(&out->updated, a_later ? ours->updated : theirs->updated);
	sd_strvec_clear(&out->tags);
	sd_strvec_clear(&out->tickets);
	/* Both keep the base's order (a hand edit may have changed it), so
	 * merging an article with itself changes nothing. */
	merge_set(&out->tags, base ? &base->tags : NULL, &ours->tags, &theirs->tags);
	merge_set(&out->tickets, base ? &base->tickets : NULL, &ours->tickets, &theirs->tickets);
	return merge_body(&out->body, base ? base->body : "", ours->body, theirs->body, conflicts);
}
