/* SPDX-License-Identifier: MIT */
/* The portal's pages: the request form, suggestions, status pages and
 * the requester's actions on them (web.h). */

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmark.h>

#include "sd/attach.h"
#include "sd/id.h"
#include "sd/intake.h"
#include "sd/kb.h"
#include "sd/rank.h"
#include "sd/site.h"
#include "sd/sla.h"
#include "sd/text.h"
#include "sd/ticket.h"
#include "sd/util.h"
#include "web/web.h"

static const char *const levels[] = { "low", "medium", "high", NULL };

/* Text from a form as sd keeps it: CR LF (what browsers send) as LF,
 * blank lines around trimmed. The caller frees it. */
static char *form_text(const char *s)
{
	struct sd_buf b = SD_BUF_INIT;
	for (const char *p = s ? s : ""; *p; p++)
		if (*p != '\r')
			sd_buf_addch(&b, *p);
	char *t = sd_text_trim_lines(b.data);
	sd_buf_release(&b);
	return t;
}

/* One line, blanks around trimmed. The caller frees it. */
static char *form_line(const char *s)
{
	if (!s)
		return sd_xstrdup("");
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return sd_xstrndup(s, n);
}

static int email_ok(const char *e)
{
	const char *at = strchr(e, '@');
	size_t n = strlen(e);
	if (!at || at == e || n > 254 || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
	    at[1] == '.' || e[n - 1] == '.')
		return 0;
	for (const char *p = e; *p; p++)
		if (!sd_ascii_isalpha(*p) && !sd_ascii_isdigit(*p) &&
		    !strchr(p < at ? ".!#$%&'*+/=?^_`{|}~-@" : ".-@", *p))
			return 0;
	return 1;
}

static int name_ok(const char *n)
{
	return *n && strlen(n) <= 100 && !strpbrk(n, "<>\"@") &&
		!sd_field_validate(SD_F_REQUESTER, n);
}

/* The ticket's files a page may link: the status page's own path and
 * the public files (sorted by name). */
struct file_links {
	const char *self;
	const struct sd_attach_entry *files;
	size_t n;
};

static void file_href(struct sd_buf *out, const char *self, const char *name);
static int is_public_file(const struct sd_attach_entry *files, size_t n, const char *name);

/* Images and links to files/NAME (as sd mail writes an inline image of
 * a message) point at the download of NAME when the requester may have
 * it; otherwise they become their text, so that no link leads to a file
 * the page does not offer, and none is broken. */
static void link_files(cmark_node *doc, const struct file_links *fl)
{
	cmark_node **found = NULL;
	size_t n = 0;
	cmark_iter *it = cmark_iter_new(doc);
	for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(node);
		const char *url = cmark_node_get_url(node);
		if (ev == CMARK_EVENT_ENTER &&
		    (type == CMARK_NODE_IMAGE || type == CMARK_NODE_LINK) && url &&
		    !strncmp(url, "files/", 6)) {
			found = sd_xrealloc(found, (n + 1) * sizeof(*found));
			found[n++] = node;
		}
	}
	cmark_iter_free(it);
	/* Changed after the walk: the tree must not change under it. Inner
	 * nodes come after outer ones, so the last is changed first. */
	for (size_t i = n; i-- > 0;) {
		cmark_node *node = found[i];
		const char *name = cmark_node_get_url(node) + 6;
		if (fl && is_public_file(fl->files, fl->n, name)) {
			struct sd_buf href = SD_BUF_INIT;
			file_href(&href, fl->self, name);
			cmark_node_set_url(node, href.data);
			sd_buf_release(&href);
			continue;
		}
		for (cmark_node *c; (c = cmark_node_first_child(node));)
			cmark_node_insert_before(node, c);
		cmark_node_free(node);
	}
	free(found);
}

/* Markdown (or plain text, which is Markdown too) as safe HTML: cmark
 * with raw HTML left out and unsafe links dropped; links to the
 * ticket's files as link_files says (fl NULL: no file is public). */
static void set_markdown(struct sd_tmpl_vars *v, const char *name, const char *text,
			 const struct file_links *fl)
{
	/* Hard breaks: most requesters write plain text, where a new line
	 * means one. */
	int opts = CMARK_OPT_SAFE | CMARK_OPT_HARDBREAKS;
	cmark_node *doc = cmark_parse_document(text, strlen(text), opts);
	link_files(doc, fl);
	char *html = cmark_render_html(doc, opts);
	cmark_node_free(doc);
	sd_tmpl_set_html(v, name, html);
	free(html);
}

/* ---- uploads ---- */

/* At most this many files come with one post. */
#define WEB_MAX_FILES 10

/* The portal's limits for the files of one post: portal.max_upload for
 * each and for all together, as on the status page. */
static struct sd_attach_limits upload_limits(const struct web_request *req)
{
	int64_t max = sd_store_config(req->store)->portal.max_upload;
	return (struct sd_attach_limits){ max, max, WEB_MAX_FILES };
}

/* Whether field i is a file the requester chose (a file input left
 * empty arrives with an empty name and no bytes). */
static int is_upload(const struct web_request *req, size_t i)
{
	const struct web_field *f = &req->fields[i];
	return f->filename && *f->filename && !strcmp(f->name, "files");
}

/* The uploaded files of req that were kept (not past the limit while
 * they arrived), in *n; the caller frees the array. *over counts those
 * that were not kept. */
static struct sd_attach_file *uploads(const struct web_request *req, size_t *n, size_t *over)
{
	struct sd_attach_file *files = sd_xcalloc(req->nfields ? req->nfields : 1, sizeof(*files));
	*n = *over = 0;
	for (size_t i = 0; i < req->nfields; i++) {
		if (!is_upload(req, i))
			continue;
		if (req->fields[i].over)
			(*over)++;
		else
			files[(*n)++] = (struct sd_attach_file){ req->fields[i].filename,
								 req->fields[i].value.data,
								 req->fields[i].value.len, 0 };
	}
	return files;
}

/* A number of bytes in words a person reads: "20 KB", "10 MB". */
static void human_size(struct sd_buf *out, uint64_t n)
{
	if (n >= 10u << 20)
		sd_buf_printf(out, "%llu MB", (unsigned long long)(n >> 20));
	else if (n >= 1u << 20)
		sd_buf_printf(out, "%.1f MB", (double)n / (1 << 20));
	else if (n >= 1024)
		sd_buf_printf(out, "%llu KB", (unsigned long long)((n + 1023) / 1024));
	else
		sd_buf_printf(out, "%llu B", (unsigned long long)n);
}

/* ---- the request form ---- */

struct request_form {
	char *name, *email, *title, *category, *impact, *urgency, *description;
};

static void form_release(struct request_form *f)
{
	free(f->name), free(f->email), free(f->title), free(f->category);
	free(f->impact), free(f->urgency), free(f->description);
}

static void form_read(struct web_request *req, struct request_form *f)
{
	f->name = form_line(web_field(req, "name"));
	f->email = form_line(web_field(req, "email"));
	f->title = form_line(web_field(req, "title"));
	f->category = form_line(web_field(req, "category"));
	f->impact = form_line(web_field(req, "impact"));
	f->urgency = form_line(web_field(req, "urgency"));
	f->description = form_text(web_field(req, "description"));
}

/* The problems of f, as catalog keys added to errors. */
static void form_check(struct web_request *req, const struct request_form *f,
		       struct sd_strvec *errors)
{
	const struct sd_portal_config *p = &sd_store_config(req->store)->portal;
	sd_error *e = NULL;
	if (!name_ok(f->name))
		sd_strvec_push(errors, "error.name");
	if (!email_ok(f->email))
		sd_strvec_push(errors, "error.email");
	if (!*f->title || strlen(f->title) > 200 || (e = sd_field_validate(SD_F_TITLE, f->title)))
		sd_strvec_push(errors, "error.title");
	sd_error_free(e);
	if (strlen(f->description) > (size_t)p->max_text ||
	    (e = sd_text_validate(f->description, strlen(f->description), "the description")))
		sd_strvec_push(errors, "error.description");
	sd_error_free(e);
	if ((*f->impact && sd_value_index(levels, f->impact) < 0) ||
	    (*f->urgency && sd_value_index(levels, f->urgency) < 0) ||
	    (*f->category && !sd_strvec_has(&p->categories, f->category)))
		sd_strvec_push(errors, "error.choice");
}

/* The files of the form, when they are over the limits: an error for
 * the page naming them and the limit (nothing is sent then, so that the
 * requester can send the request again with smaller files, rather than
 * find half of it kept). 0 when they fit. */
static int files_check(struct web_request *req, struct sd_strvec *errors)
{
	size_t n, over;
	struct sd_attach_file *files = uploads(req, &n, &over);
	struct sd_attach_limits lim = upload_limits(req);
	struct sd_buf text = SD_BUF_INIT, names = SD_BUF_INIT;
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += files[i].len;
	/* A body cut at its limit cut the file it was in. */
	for (size_t i = req->nfields; req->body_over && i-- > 0;)
		if (is_upload(req, i)) {
			req->fields[i].over = 1;
			break;
		}
	int bad = req->body_over || over || n + over > lim.max_files ||
		total > (uint64_t)lim.max_total;
	if (bad) {
		sd_buf_printf(&text, "%s %s ", sd_tmpl_msg(req->msgs, "error.files"),
			      sd_tmpl_msg(req->msgs, "error.files.size"));
		human_size(&text, (uint64_t)lim.max_total);
		sd_buf_printf(&text, ", %s %zu.", sd_tmpl_msg(req->msgs, "error.files.count"),
			      lim.max_files);
		/* The names the browser sent of the files not accepted, as one
		 * line of text; the page escapes them. */
		for (size_t i = 0, k = 0; i < req->nfields; i++)
			if (is_upload(req, i) && req->fields[i].over) {
				struct sd_buf clean = SD_BUF_INIT;
				sd_text_inert(&clean, req->fields[i].filename,
					      strlen(req->fields[i].filename), 0);
				if (!k)
					sd_buf_printf(&names, " %s",
						      sd_tmpl_msg(req->msgs, "error.files.over"));
				sd_buf_printf(&names, "%s„%.*s“", k++ ? ", " : " ",
					      (int)(clean.len > 120 ? 120 : clean.len), clean.data);
				sd_buf_release(&clean);
			}
		sd_buf_add(&text, names.data, names.len);
		sd_strvec_push(errors, text.data);
	}
	free(files);
	sd_buf_release(&text);
	sd_buf_release(&names);
	return bad;
}

static void show_form(struct web_request *req, int status, const struct request_form *f,
		      const struct sd_strvec *errors)
{
	const struct sd_portal_config *p = &sd_store_config(req->store)->portal;
	struct sd_tmpl_vars *v = sd_tmpl_vars_new();
	web_csrf_vars(req, v, "new");
	if (f) {
		sd_tmpl_set(v, "name", f->name);
		sd_tmpl_set(v, "email", f->email);
		sd_tmpl_set(v, "title_value", f->title);
		sd_tmpl_set(v, "description", f->description);
	}
	/* A catalog key, or (for the files) a whole text. */
	for (size_t i = 0; errors && i < errors->n; i++)
		sd_tmpl_set(sd_tmpl_add_item(v, "errors"), "text",
			    strncmp(errors->v[i], "error.", 6)
				    ? errors->v[i]
				    : sd_tmpl_msg(req->msgs, errors->v[i]));
	if (p->categories.n)
		sd_tmpl_set(v, "has_categories", "1");
	for (size_t i = 0; i < p->categories.n; i++) {
		struct sd_tmpl_vars *c = sd_tmpl_add_item(v, "categories");
		sd_tmpl_set(c, "value", p->categories.v[i]);
		if (f && !strcmp(f->category, p->categories.v[i]))
			sd_tmpl_set(c, "selected", "1");
	}
	for (int i = 0; levels[i]; i++) {
		struct sd_buf key = SD_BUF_INIT;
		struct sd_tmpl_vars *c = sd_tmpl_add_item(v, "impacts");
		sd_tmpl_set(c, "value", levels[i]);
		sd_buf_printf(&key, "form.affected.%s", levels[i]);
		sd_tmpl_set(c, "label", sd_tmpl_msg(req->msgs, key.data));
		if (f && *f->impact ? !strcmp(f->impact, levels[i]) : i == 0)
			sd_tmpl_set(c, "checked", "1");
		sd_buf_reset(&key);
		c = sd_tmpl_add_item(v, "urgencies");
		sd_tmpl_set(c, "value", levels[i]);
		sd_buf_printf(&key, "form.urgency.%s", levels[i]);
		sd_tmpl_set(c, "label", sd_tmpl_msg(req->msgs, key.data));
		if (f && *f->urgency ? !strcmp(f->urgency, levels[i]) : i == 1)
			sd_tmpl_set(c, "checked", "1");
		sd_buf_release(&key);
	}
	if (p->max_upload > 0) {
		struct sd_buf lim = SD_BUF_INIT;
		sd_tmpl_set(v, "can_upload", "1");
		human_size(&lim, (uint64_t)p->max_upload);
		sd_tmpl_set(v, "max_upload", lim.data);
		sd_buf_release(&lim);
	}
	web_page(req, status, "index.html", sd_tmpl_msg(req->msgs, "index.title"), v);
	sd_tmpl_vars_free(v);
}

/* The status link's path of id. */
static void status_path(struct web_request *req, const char *id, struct sd_buf *out)
{
	char tok[SD_TOKEN_LEN + 1];
	sd_token_make(req->srv->key, id, tok);
	sd_buf_printf(out, "/t/%s/%s", id, tok);
}

static void redirect(struct web_request *req, const char *location)
{
	free(req->location);
	req->location = sd_xstrdup(location);
	req->status = 303;
	req->content_type = "text/plain; charset=utf-8";
	sd_buf_reset(&req->body);
}

static size_t add_matches(struct web_request *req, struct sd_tmpl_vars *v, const char *name,
			  const char *query, size_t max);

/* "Does one of these solve it?": the articles that match the title, with
 * the request carried in hidden fields to send it anyway. 0 when none
 * match (or suggestions are off), and nothing was shown. */
static int show_suggestions(struct web_request *req, const struct request_form *f)
{
	int max = sd_store_config(req->store)->portal.suggestions;
	struct sd_tmpl_vars *v = sd_tmpl_vars_new();
	int shown = max > 0 && add_matches(req, v, "articles", f->title, (size_t)max) > 0;
	if (shown) {
		const char *names[] = { "name",	  "email",   "title",	   "category",
					"impact", "urgency", "description" };
		const char *values[] = { f->name,   f->email,	f->title,      f->category,
					 f->impact, f->urgency, f->description };
		web_csrf_vars(req, v, "new");
		sd_tmpl_set(v, "category", f->category);
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			struct sd_tmpl_vars *h = sd_tmpl_add_item(v, "hidden");
			sd_tmpl_set(h, "name", names[i]);
			sd_tmpl_set(h, "value", values[i]);
		}
		web_page(req, 200, "suggest.html", sd_tmpl_msg(req->msgs, "suggest.title"), v);
	}
	sd_tmpl_vars_free(v);
	return shown;
}

static void post_request(struct web_request *req)
{
	struct request_form f;
	struct sd_strvec errors = SD_STRVEC_INIT;
	struct sd_buf requester = SD_BUF_INIT, loc = SD_BUF_INIT;
	struct sd_intake_result res;
	struct sd_attach_file *files = NULL;
	size_t nfiles = 0, nover = 0;
	memset(&res, 0, sizeof(res));
	form_read(req, &f);
	if (!web_csrf_ok(req, "new")) {
		web_message(req, 403, "badform.title", "badform.text");
		goto done;
	}
	if (req->body_over) {
		/* Too large without a file to blame: the plain answer. */
		int any = 0;
		for (size_t i = 0; i < req->nfields; i++)
			any |= is_upload(req, i);
		if (!any) {
			web_message(req, 413, "toolarge.title", "toolarge.text");
			goto done;
		}
	}
	form_check(req, &f, &errors);
	int files_over = files_check(req, &errors);
	if (errors.n) {
		show_form(req, files_over ? 413 : 400, &f, &errors);
		goto done;
	}
	files = uploads(req, &nfiles, &nover);
	/* A browser cannot carry chosen files on to the suggestions page:
	 * a request with files is sent at once. */
	if (!nfiles && !web_field(req, "send") && show_suggestions(req, &f))
		goto done;
	if (web_rate_take(req->srv, req->client, f.email, req->now)) {
		web_message(req, 429, "toomany.title", "toomany.text");
		goto done;
	}
	sd_buf_printf(&requester, "%s <%s>", f.name, f.email);
	struct sd_request r;
	memset(&r, 0, sizeof(r));
	r.title = f.title;
	r.description = *f.description ? f.description : NULL;
	r.requester = requester.data;
	r.impact = *f.impact ? f.impact : "low";
	r.urgency = *f.urgency ? f.urgency : "medium";
	r.category = *f.category ? f.category : NULL;
	r.channel = "web";
	struct sd_attach_limits lim = upload_limits(req);
	r.files = files;
	r.nfiles = nfiles;
	r.file_limits = &lim;
	r.file_limit_name = "portal.max_upload";
	/* One commit at a time from this server; the store's lock keeps the
	 * CLI and a cron sync out meanwhile. */
	pthread_mutex_lock(&req->srv->write_lock);
	sd_error *err = sd_intake_open(req->store, &r, req->now, &res);
	sd_store_unlock_all(req->store);
	pthread_mutex_unlock(&req->srv->write_lock);
	sd_route_outcome_release(&res.route);
	if (err) {
		web_log_error("cannot open a ticket", err);
		sd_error_free(err);
		web_message(req, 503, "failed.title", "failed.text");
		goto done;
	}
	memcpy(req->log_id, res.id, SD_ID_LEN + 1);
	status_path(req, res.id, &loc);
	sd_buf_adds(&loc, "?done=sent");
	redirect(req, loc.data);
done:
	free(files);
	form_release(&f);
	sd_strvec_clear(&errors);
	sd_buf_release(&requester);
	sd_buf_release(&loc);
}

/* ---- status pages ---- */

/* The name part of "Name <email>", or the whole when there is none. */
static char *display_name(const char *author)
{
	const char *lt = strchr(author, '<');
	if (!lt)
		return form_line(strchr(author, '@') ? "" : author);
	char *n = sd_xstrndup(author, (size_t)(lt - author));
	char *t = form_line(n);
	free(n);
	return t;
}

static int same_person(const char *a, const char *b)
{
	const char *ea = strchr(a, '<'), *eb = strchr(b, '<');
	ea = ea ? ea : a, eb = eb ? eb : b;
	return sd_strcaseeq(ea, eb);
}

static void words(struct web_request *req, const char *kind, const char *value, struct sd_buf *out)
{
	struct sd_buf key = SD_BUF_INIT;
	sd_buf_printf(&key, "words.%s.%s", kind, value);
	const char *w = sd_tmpl_msg(req->msgs, key.data);
	sd_buf_adds(out, w == key.data ? value : w);
	sd_buf_release(&key);
}

/* ---- the ticket's files ---- */

/* The files of ticket t the requester may download, sorted by name, in
 * *out (free with sd_attach_list_free); returns how many. A file is
 * public when a field=file event names it (the portal's uploads, sd
 * attach, whose files go out with the desk's next answer by mail too)
 * and it is a regular file in the ticket's files/. Everything else
 * there is neither listed nor served: the original messages sd mail
 * keeps (also of machine mail, which is filed as an internal note), and
 * files that only message text names, since a sender can write that
 * text too. */
static size_t public_files(struct web_request *req, const char *id, const struct sd_ticket *t,
			   struct sd_attach_entry **out)
{
	size_t n = 0, k = 0;
	sd_error *err = sd_attach_list(req->store, id, out, &n);
	if (err) {
		sd_error_free(err);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		int named = 0;
		for (size_t j = 0; j < t->nentries && !named; j++) {
			const struct sd_entry *e = &t->entries[j];
			named = e->kind == SD_ENTRY_EVENT && e->field &&
				!strcmp(e->field, "file") && e->to &&
				!strcmp(e->to, (*out)[i].name);
		}
		if (named)
			(*out)[k++] = (*out)[i];
		else
			free((*out)[i].name);
	}
	return k;
}

static int is_public_file(const struct sd_attach_entry *files, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(files[i].name, name))
			return 1;
	return 0;
}

/* The link of file name of the status page self: every byte outside
 * the unreserved characters %-escaped, so no name reads as a path. */
static void file_href(struct sd_buf *out, const char *self, const char *name)
{
	sd_buf_printf(out, "%s/files/", self);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (sd_ascii_isalpha((char)*p) || sd_ascii_isdigit((char)*p) || strchr("-._~", *p))
			sd_buf_addch(out, (char)*p);
		else
			sd_buf_printf(out, "%%%02X", *p);
}

/* A type a browser may show for bytes a requester sent: only images
 * whose bytes say so (never SVG, never HTML); anything else is served as
 * plain bytes to save. */
static const char *safe_type(const unsigned char *d, size_t n)
{
	if (n >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
		return "image/jpeg";
	if (n >= 6 && (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6)))
		return "image/gif";
	if (n >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4))
		return "image/webp";
	return "application/octet-stream";
}

/* Content-Disposition for name (RFC 6266): attachment, an ASCII
 * fallback name and the whole name in RFC 5987's UTF-8 form. */
static char *disposition(const char *name)
{
	struct sd_buf b = SD_BUF_INIT;
	sd_buf_adds(&b, "attachment; filename=\"");
	/* One '_' for each character the fallback cannot hold. */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if ((*p & 0xc0) != 0x80)
			sd_buf_addch(&b,
				     *p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\' || *p == '%'
					     ? '_'
					     : (char)*p);
	sd_buf_adds(&b, "\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (sd_ascii_isalpha((char)*p) || sd_ascii_isdigit((char)*p) ||
		    strchr("!#$&+-.^_`|~", *p))
			sd_buf_addch(&b, (char)*p);
		else
			sd_buf_printf(&b, "%%%02X", *p);
	return sd_buf_detach(&b);
}

/* Serves file name of ticket id; 0 when it is not one the requester may
 * download (the caller answers as for an unknown ticket). */
static int serve_file(struct web_request *req, const char *id, const char *name)
{
	struct sd_ticket t;
	struct sd_attach_entry *files = NULL;
	struct sd_buf path = SD_BUF_INIT;
	size_t n = 0;
	int ok = 0;
	sd_error *err = sd_store_read(req->store, id, &t, NULL);
	if (err) {
		sd_error_free(err);
		return 0;
	}
	n = public_files(req, id, &t, &files);
	/* Only a name of the list, compared whole: "..", "/" and their
	 * encodings (which the server decoded) are never one. */
	for (size_t i = 0; i < n && !ok; i++) {
		if (strcmp(files[i].name, name))
			continue;
		sd_buf_adds(&path, sd_store_root(req->store));
		sd_attach_dir(&path, id);
		sd_buf_printf(&path, "/%s", files[i].name);
		sd_buf_reset(&req->body);
		if ((err = sd_buf_read_file(&req->body, path.data, (size_t)files[i].size + 1))) {
			web_log_error(id, err);
			sd_error_free(err);
			sd_buf_reset(&req->body);
			break;
		}
		req->status = 200;
		req->content_type = safe_type((const unsigned char *)req->body.data, req->body.len);
		free(req->disposition);
		req->disposition = disposition(files[i].name);
		ok = 1;
	}
	sd_attach_list_free(files, n);
	sd_buf_release(&path);
	sd_ticket_free(&t);
	return ok;
}

static void show_status(struct web_request *req, const char *id, struct sd_ticket *t)
{
	struct sd_tmpl_vars *v = sd_tmpl_vars_new();
	struct sd_buf self = SD_BUF_INIT, b = SD_BUF_INIT;
	char when[32], iso[SD_TIME_STRLEN];
	const char *requester = sd_ticket_get(t, SD_F_REQUESTER);
	const char *status = sd_ticket_get(t, SD_F_STATUS);
	status_path(req, id, &self);
	sd_tmpl_set(v, "self", self.data);
	web_csrf_vars(req, v, id);
	sd_tmpl_set(v, "ticket_title", sd_ticket_get(t, SD_F_TITLE));
	sd_tmpl_set(v, "status", status);
	words(req, "status", status, &b);
	sd_tmpl_set(v, "status_words", b.data);
	sd_buf_reset(&b);
	words(req, "priority", sd_ticket_get(t, SD_F_PRIORITY), &b);
	sd_tmpl_set(v, "priority_words", b.data);
	sd_stamp created = 0;
	if (!sd_stamp_parse(&created, sd_ticket_get(t, SD_F_CREATED))) {
		sd_time_format_human(when, sd_stamp_seconds(created));
		sd_time_format(iso, sd_stamp_seconds(created));
		sd_tmpl_set(v, "created", when);
		sd_tmpl_set(v, "created_iso", iso);
	}
	struct sd_sla sla;
	sd_error *err =
		sd_sla_evaluate(&sla, sd_store_config(req->store), t, sd_stamp_seconds(req->now));
	if (!err && sla.policy && sla.resolution.present && sla.resolution.has_due &&
	    sla.resolution.state != SD_CLOCK_MET && !sd_status_is_done(status)) {
		sd_time_format_human(when, sla.resolution.due);
		sd_time_format(iso, sla.resolution.due);
		sd_tmpl_set(v, "due", when);
		sd_tmpl_set(v, "due_iso", iso);
	}
	sd_error_free(err);
	struct sd_attach_entry *files = NULL;
	size_t nfiles = public_files(req, id, t, &files);
	struct file_links fl = { self.data, files, nfiles };
	set_markdown(v, "description", t->description ? t->description : "", &fl);
	for (size_t i = 0; i < nfiles; i++) {
		struct sd_tmpl_vars *x = sd_tmpl_add_item(v, "files");
		sd_buf_reset(&b);
		file_href(&b, self.data, files[i].name);
		sd_tmpl_set(x, "href", b.data);
		sd_tmpl_set(x, "name", files[i].name);
		sd_buf_reset(&b);
		human_size(&b, files[i].size);
		sd_tmpl_set(x, "size", b.data);
	}
	for (size_t i = 0; i < t->nentries; i++) {
		const struct sd_entry *e = &t->entries[i];
		/* Only what the requester may see: public comments, and the
		 * status and priority as they changed. Internal notes and
		 * every other field (assignee, queue, tags...) stay out. */
		int comment = e->kind == SD_ENTRY_COMMENT && !e->internal;
		int event = e->kind == SD_ENTRY_EVENT && e->field &&
			(!strcmp(e->field, "status") || !strcmp(e->field, "priority") ||
			 !strcmp(e->field, "file")) &&
			e->to && *e->to;
		if (!comment && !event)
			continue;
		struct sd_tmpl_vars *x = sd_tmpl_add_item(v, "entries");
		char *name = NULL;
		if (same_person(e->author, requester))
			sd_tmpl_set(x, "who", sd_tmpl_msg(req->msgs, "status.you"));
		else if (*(name = display_name(e->author)))
			sd_tmpl_set(x, "who", name);
		else
			sd_tmpl_set(x, "who", sd_tmpl_msg(req->msgs, "status.desk"));
		free(name);
		sd_time_format_human(when, sd_stamp_seconds(e->at));
		sd_time_format(iso, sd_stamp_seconds(e->at));
		sd_tmpl_set(x, "at", when);
		sd_tmpl_set(x, "at_iso", iso);
		if (comment) {
			set_markdown(x, "text", e->body ? e->body : "", &fl);
		} else {
			int st = !strcmp(e->field, "status");
			sd_buf_reset(&b);
			if (!strcmp(e->field, "file") && is_public_file(files, nfiles, e->to)) {
				/* The name is the link, after the words. */
				sd_buf_adds(&b, sd_tmpl_msg(req->msgs, "status.file"));
				struct sd_buf href = SD_BUF_INIT;
				file_href(&href, self.data, e->to);
				sd_tmpl_set(x, "file", e->to);
				sd_tmpl_set(x, "file_href", href.data);
				sd_buf_release(&href);
			} else if (!strcmp(e->field, "file")) {
				sd_buf_printf(&b, "%s %s", sd_tmpl_msg(req->msgs, "status.file"),
					      e->to);
			} else {
				sd_buf_printf(&b, "%s ",
					      sd_tmpl_msg(req->msgs,
							  st ? "status.changed"
							     : "status.priority.changed"));
				words(req, st ? "status" : "priority", e->to, &b);
			}
			sd_tmpl_set(x, "event", b.data);
		}
	}
	if (sd_store_config(req->store)->portal.max_upload > 0)
		sd_tmpl_set(v, "can_upload", "1");
	if (!strcmp(status, "resolved") || !sd_status_is_done(status))
		sd_tmpl_set(v, "can_solve", "1");
	if (!strcmp(status, "resolved") || !strcmp(status, "closed"))
		sd_tmpl_set(v, "can_reopen", "1");
	if (req->done && !strcmp(req->done, "sent")) {
		struct sd_tmpl_vars *c = sd_tmpl_vars_new();
		struct sd_buf link = SD_BUF_INIT, html = SD_BUF_INIT;
		if (*req->srv->base_url)
			sd_buf_printf(&link, "%s%s", req->srv->base_url, self.data);
		else if (req->host)
			sd_buf_printf(&link, "http://%s%s", req->host, self.data);
		else
			sd_buf_adds(&link, self.data);
		sd_tmpl_set(c, "link", link.data);
		sd_error *over = sd_tmpl_render(req->srv->tmpl[3], c, req->msgs, &html);
		if (over) {
			web_log_error("cannot render a page", over);
			sd_error_free(over);
		}
		sd_tmpl_set_html(v, "created_box", html.data);
		sd_tmpl_vars_free(c);
		sd_buf_release(&link);
		sd_buf_release(&html);
	} else if (req->done) {
		const char *key = !strcmp(req->done, "comment") ? "status.notice.comment"
			: !strcmp(req->done, "solved")		? "status.notice.solved"
			: !strcmp(req->done, "reopened")	? "status.notice.reopened"
			: !strcmp(req->done, "attached")	? "status.notice.attached"
			: !strcmp(req->done, "dropped")		? "status.notice.dropped"
								: NULL;
		if (key)
			sd_tmpl_set(v, "notice", sd_tmpl_msg(req->msgs, key));
	}
	web_page(req, 200, "status.html", sd_ticket_get(t, SD_F_TITLE), v);
	sd_attach_list_free(files, nfiles);
	sd_tmpl_vars_free(v);
	sd_buf_release(&self);
	sd_buf_release(&b);
}

static void not_found(struct web_request *req)
{
	web_message(req, 404, "notfound.title", "notfound.text");
}

/* A requester's action on their ticket, as one commit. */
static void act(struct web_request *req, const char *id, const char *action)
{
	struct sd_ticket t;
	struct sd_buf loc = SD_BUF_INIT;
	char *text = NULL;
	const char *done = NULL;
	sd_error *err = NULL;
	int changed = 0, locked = 0;
	size_t nfiles = 0, dropped = 0;
	struct sd_attach_plan plan;
	memset(&plan, 0, sizeof(plan));
	sd_ticket_init(&t);
	if (!web_csrf_ok(req, id)) {
		web_message(req, 403, "badform.title", "badform.text");
		goto done;
	}
	for (size_t i = 0; i < req->nfields; i++)
		if (is_upload(req, i))
			nfiles++;
	if (!strcmp(action, "comment")) {
		text = form_text(web_field(req, "comment"));
		if ((!*text && !nfiles) ||
		    strlen(text) > (size_t)sd_store_config(req->store)->portal.max_text ||
		    (err = sd_text_validate(text, strlen(text), "the comment"))) {
			sd_error_free(err);
			err = NULL;
			web_message(req, 400, "badform.title", "error.description");
			goto done;
		}
	}
	pthread_mutex_lock(&req->srv->write_lock);
	locked = 1;
	if ((err = sd_store_lock(req->store)))
		goto done;
	sd_ticket_free(&t); /* sd_store_read initialises it again */
	if ((err = sd_store_read(req->store, id, &t, NULL)))
		goto done;
	const char *who = sd_ticket_get(&t, SD_F_REQUESTER);
	const char *status = sd_ticket_get(&t, SD_F_STATUS);
	const char *verb = action;
	if (!strcmp(action, "comment") && nfiles) {
		/* The files go in the same commit as the comment, under the
		 * portal's limits; one over them is dropped and said so. */
		size_t k, over;
		struct sd_attach_file *files = uploads(req, &k, &over);
		struct sd_attach_limits lim = upload_limits(req);
		err = sd_attach_plan(&plan, req->store, id, files, k, &lim, "portal.max_upload",
				     "portal.max_upload");
		dropped = over;
		free(files);
		if (!err)
			err = sd_attach_record(&t, &plan, who, req->now, 1, NULL);
		changed = 1;
	}
	if (err) {
		/* reported below */
	} else if (!strcmp(action, "comment") && !*text) {
		done = plan.ndropped || dropped ? "dropped" : "attached";
	} else if (!strcmp(action, "comment")) {
		err = sd_ticket_add_comment(&t, who, req->now, 0, text);
		/* The desk waits on the requester in pending: an answer moves
		 * the ticket back to the desk. */
		if (!err && !strcmp(status, "pending"))
			err = sd_ticket_change(&t, SD_F_STATUS, "open", who, req->now,
					       "the requester answered on the portal", NULL);
		changed = 1;
		done = plan.ndropped || dropped ? "dropped" : "comment";
	} else if (!strcmp(action, "solved")) {
		const char *to = !strcmp(status, "resolved") ? "closed" : "resolved";
		if (strcmp(status, "resolved") && sd_status_is_done(status))
			to = NULL;
		if (to)
			err = sd_ticket_change(&t, SD_F_STATUS, to, who, req->now,
					       "the requester confirmed it is solved", &changed);
		done = "solved";
		verb = to && !strcmp(to, "closed") ? "close" : "resolve";
	} else {
		if (!strcmp(status, "resolved") || !strcmp(status, "closed"))
			err = sd_ticket_change(&t, SD_F_STATUS, "open", who, req->now,
					       "the requester says it is not solved", &changed);
		done = "reopened";
		verb = "reopen";
	}
	if (!err && changed) {
		char now[SD_STAMP_STRLEN];
		sd_stamp_format(now, sd_ticket_updated_stamp(&t, req->now));
		sd_ticket_set(&t, SD_F_UPDATED, now);
		err = plan.nstored ? sd_attach_commit(req->store, &t, &plan, verb)
				   : sd_store_save_ticket(req->store, &t, verb);
	}
	if (err)
		goto done;
	status_path(req, id, &loc);
	sd_buf_printf(&loc, "?done=%s", done);
	redirect(req, loc.data);
done:
	if (locked) {
		sd_store_unlock_all(req->store);
		pthread_mutex_unlock(&req->srv->write_lock);
	}
	if (err) {
		web_log_error(id, err);
		sd_error_free(err);
		web_message(req, 503, "failed.title", "failed.text");
	}
	free(text);
	sd_attach_plan_release(&plan);
	sd_buf_release(&loc);
	sd_ticket_free(&t);
}

/* /t/ID/TOKEN[/ACTION]: a wrong, short or long token, an id that is not
 * one and a ticket that does not exist all answer the same 404. */
static void status_route(struct web_request *req)
{
	char id[SD_ID_LEN + 1], token[SD_TOKEN_LEN + 2];
	const char *p = req->path + 3, *slash = strchr(p, '/');
	const char *action = NULL;
	struct sd_ticket t;
	sd_ticket_init(&t);
	if (!slash || slash - p != SD_ID_LEN)
		goto unknown;
	memcpy(id, p, SD_ID_LEN);
	id[SD_ID_LEN] = '\0';
	const char *tk = slash + 1, *end = strchr(tk, '/');
	size_t tl = end ? (size_t)(end - tk) : strlen(tk);
	if (tl > SD_TOKEN_LEN)
		tl = SD_TOKEN_LEN + 1; /* longer than any token: wrong */
	memcpy(token, tk, tl);
	token[tl] = '\0';
	if (end)
		action = end + 1;
	if (!sd_token_verify(req->srv->key, id, token))
		goto unknown;
	memcpy(req->log_id, id, SD_ID_LEN + 1);
	if (action && !strncmp(action, "files/", 6)) {
		if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD"))
			goto unknown;
		if (!serve_file(req, id, action + 6))
			goto unknown;
		sd_ticket_free(&t);
		return;
	}
	if (action && strcmp(req->method, "POST"))
		goto unknown;
	if (action) {
		if (strcmp(action, "comment") && strcmp(action, "solved") &&
		    strcmp(action, "reopen"))
			goto unknown;
		sd_ticket_free(&t);
		act(req, id, action);
		return;
	}
	if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD"))
		goto unknown;
	sd_ticket_free(&t); /* sd_store_read initialises it again */
	sd_error *err = sd_store_read(req->store, id, &t, NULL);
	if (err) {
		sd_error_free(err);
		goto unknown;
	}
	show_status(req, id, &t);
	sd_ticket_free(&t);
	return;
unknown:
	sd_ticket_free(&t);
	not_found(req);
}

/* ---- deflections ---- */

static int slug_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (!n || n > 100)
		return 0;
	for (const char *p = s; *p; p++)
		if (!sd_ascii_islower(*p) && !sd_ascii_isdigit(*p) && *p != '-')
			return 0;
	return 1;
}

/* "That solved it": a record committed under deflections/, one file per
 * deflection with an id of its own, so clones never conflict and a
 * report counts files (doc/sd-serve.1.md, DEFLECTIONS). */
static void post_deflect(struct web_request *req)
{
	const char *article = web_field(req, "article");
	const char *category = web_field(req, "category");
	const struct sd_portal_config *p = &sd_store_config(req->store)->portal;
	if (!web_csrf_ok(req, "new")) {
		web_message(req, 403, "badform.title", "badform.text");
		return;
	}
	if (!slug_ok(article) ||
	    (category && *category && !sd_strvec_has(&p->categories, category))) {
		web_message(req, 400, "badform.title", "error.choice");
		return;
	}
	char rid[SD_ID_LEN + 1], at[SD_STAMP_STRLEN], month[8];
	struct sd_buf path = SD_BUF_INIT, text = SD_BUF_INIT, msg = SD_BUF_INIT;
	sd_error *err = sd_id_generate(rid, SD_ID_LEN);
	sd_stamp_format(at, req->now);
	memcpy(month, at, 7);
	month[7] = '\0';
	sd_buf_printf(&path, "deflections/%s/%s.yaml", month, rid);
	sd_buf_printf(&text,
		      "# sd: a requester on the portal said this article solved their "
		      "problem\nat: %s\narticle: %s\nchannel: web\n",
		      at, article);
	if (category && *category)
		sd_buf_printf(&text, "category: %s\n", category);
	sd_buf_printf(&msg, "sd: deflection by article %s", article);
	struct sd_change ch = { path.data, text.data, text.len };
	if (!err) {
		pthread_mutex_lock(&req->srv->write_lock);
		err = sd_store_commit(req->store, &ch, 1, msg.data);
		sd_store_unlock_all(req->store);
		pthread_mutex_unlock(&req->srv->write_lock);
	}
	if (err) {
		web_log_error("cannot record a deflection", err);
		sd_error_free(err);
		web_message(req, 503, "failed.title", "failed.text");
	} else {
		web_message(req, 200, "deflected.title", "deflected.text");
	}
	sd_buf_release(&path);
	sd_buf_release(&text);
	sd_buf_release(&msg);
}

/* ---- the knowledge base ---- */

/* The published public articles (sd_site_visible), moved to the front
 * of v; returns how many. */
static size_t keep_visible(struct sd_article *v, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (sd_site_visible(&v[i])) {
			struct sd_article tmp = v[k];
			v[k++] = v[i];
			v[i] = tmp;
		}
	return k;
}

static void site_links(struct web_request *req, struct sd_site_links *l)
{
	memset(l, 0, sizeof(*l));
	l->index = "/kb/";
	l->faq = "/faq";
	l->css = "/kb/sd.css";
	l->article_prefix = "/kb/";
	l->article_suffix = "";
	l->site_name = sd_tmpl_msg(req->msgs, "site.name");
	l->lang = req->lang;
}

/* A line of an article to show under its title: the first line of text,
 * without Markdown's heading and list marks, cut on a character
 * boundary. The caller frees it. */
static char *article_summary(const char *body)
{
	const char *p = body;
	for (;;) {
		while (*p == '\n' || *p == ' ' || *p == '#' || *p == '*' || *p == '-' || *p == '>')
			p++;
		if (*p != '\n')
			break;
	}
	struct sd_buf b = SD_BUF_INIT;
	/* Past 160 bytes, only the rest of a character started. */
	for (; *p && *p != '\n' && (b.len < 160 || ((unsigned char)*p & 0xc0) == 0x80); p++)
		if (!strchr("*_`", *p))
			sd_buf_addch(&b, *p);
	return sd_buf_detach(&b);
}

/* Up to max published public articles matching query, best first, as
 * items of list name in v; returns how many. */
static size_t add_matches(struct web_request *req, struct sd_tmpl_vars *v, const char *name,
			  const char *query, size_t max)
{
	struct sd_article *arts = NULL;
	size_t n = 0, shown = 0;
	sd_error *err = sd_kb_read_all(req->store, &arts, &n, NULL);
	if (err) {
		sd_error_free(err);
		return 0;
	}
	size_t k = keep_visible(arts, n);
	struct sd_rank_doc *docs = sd_xcalloc(k ? k : 1, sizeof(*docs));
	struct sd_rank_hit *hits = NULL;
	for (size_t i = 0; i < k; i++)
		docs[i] = (struct sd_rank_doc){ arts[i].title, &arts[i].tags, arts[i].body };
	size_t nhits = k ? sd_rank(&hits, docs, k, query) : 0;
	for (size_t i = 0; i < nhits && shown < max; i++, shown++) {
		const struct sd_article *a = &arts[hits[i].doc];
		struct sd_tmpl_vars *x = sd_tmpl_add_item(v, name);
		char *summary = article_summary(a->body);
		sd_tmpl_set(x, "slug", a->slug);
		sd_tmpl_set(x, "title", a->title);
		sd_tmpl_set(x, "summary", summary);
		free(summary);
	}
	free(hits);
	free(docs);
	sd_kb_articles_free(arts, n);
	return shown;
}

static void not_found(struct web_request *req);

static void kb_search(struct web_request *req)
{
	struct sd_tmpl_vars *v = sd_tmpl_vars_new();
	const char *title = sd_tmpl_msg(req->msgs, "kb.results");
	if (add_matches(req, v, "articles", req->query, 20))
		sd_tmpl_set(v, "has_articles", "1");
	sd_tmpl_set(v, "heading", title);
	sd_tmpl_set(v, "query", req->query);
	web_page(req, 200, "kb.html", title, v);
	sd_tmpl_vars_free(v);
}

/* What the index and FAQ pages depend on: each article file's name,
 * size, modification and change times and inode, as lstat sees them. */
static void kb_signature(struct sd_store *store, struct sd_buf *out)
{
	struct sd_strvec slugs = SD_STRVEC_INIT;
	struct sd_buf path = SD_BUF_INIT;
	struct stat st;
	sd_error_free(sd_kb_list_slugs(store, &slugs));
	for (size_t i = 0; i < slugs.n; i++) {
		sd_buf_reset(&path);
		sd_buf_printf(&path, "%skb/%s.md", sd_store_root(store), slugs.v[i]);
		if (lstat(path.data, &st) < 0)
			continue;
		sd_buf_printf(out, "%s %lld %lld.%09ld %lld.%09ld %llu\n", slugs.v[i],
			      (long long)st.st_size, (long long)st.st_mtim.tv_sec,
			      st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec,
			      (unsigned long long)st.st_ino);
	}
	sd_strvec_clear(&slugs);
	sd_buf_release(&path);
}

static void kb_route(struct web_request *req)
{
	const char *path = req->path;
	struct sd_site_links l;
	struct sd_article *arts = NULL;
	size_t n = 0;
	site_links(req, &l);
	if (!strcmp(path, "/kb/sd.css")) {
		sd_buf_adds(&req->body, sd_site_css());
		req->status = 200;
		req->content_type = "text/css; charset=utf-8";
		return;
	}
	if (!strcmp(path, "/kb/") && req->query && *req->query) {
		kb_search(req);
		return;
	}
	if (strcmp(path, "/kb/") && strcmp(path, "/faq")) {
		struct sd_article a;
		sd_article_init(&a);
		sd_error *err = sd_kb_read(req->store, path + 4, &a);
		if (err || !sd_site_visible(&a)) {
			sd_error_free(err);
			sd_article_free(&a);
			not_found(req);
			return;
		}
		sd_site_render_article(&req->body, &l, &a);
		sd_article_free(&a);
	} else {
		/* The index and the FAQ read and render every article: kept
		 * rendered while no article file changed (a change to any
		 * shows at once, as with tickets). */
		struct sd_buf key = SD_BUF_INIT, sig = SD_BUF_INIT;
		struct web_server *srv = req->srv;
		sd_buf_printf(&key, "%s %s", path, req->lang);
		kb_signature(req->store, &sig);
		pthread_mutex_lock(&srv->kb_lock);
		struct web_kb_page *page = NULL;
		for (size_t i = 0; i < srv->nkb_pages; i++)
			if (!strcmp(srv->kb_pages[i].key, key.data))
				page = &srv->kb_pages[i];
		if (page && !strcmp(page->signature, sig.data))
			sd_buf_adds(&req->body, page->html);
		pthread_mutex_unlock(&srv->kb_lock);
		if (!req->body.len) {
			sd_error *err = sd_kb_read_all(req->store, &arts, &n, NULL);
			if (err) {
				sd_error_free(err);
				sd_buf_release(&key);
				sd_buf_release(&sig);
				web_message(req, 503, "failed.title", "failed.text");
				return;
			}
			size_t k = keep_visible(arts, n);
			if (!strcmp(path, "/faq"))
				sd_site_render_faq(&req->body, &l, arts, k);
			else
				sd_site_render_index(&req->body, &l, arts, k);
			sd_kb_articles_free(arts, n);
			pthread_mutex_lock(&srv->kb_lock);
			page = NULL;
			for (size_t i = 0; i < srv->nkb_pages; i++)
				if (!strcmp(srv->kb_pages[i].key, key.data))
					page = &srv->kb_pages[i];
			if (!page) {
				srv->kb_pages =
					sd_xrealloc(srv->kb_pages,
						    (srv->nkb_pages + 1) * sizeof(*srv->kb_pages));
				page = &srv->kb_pages[srv->nkb_pages++];
				page->key = sd_buf_detach(&key);
				page->signature = page->html = NULL;
			}
			free(page->signature);
			free(page->html);
			page->signature = sd_buf_detach(&sig);
			page->html = sd_xstrdup(req->body.data);
			pthread_mutex_unlock(&srv->kb_lock);
		}
		sd_buf_release(&key);
		sd_buf_release(&sig);
	}
	req->status = 200;
	req->content_type = "text/html; charset=utf-8";
}

/* ---- routes ---- */

void web_route(struct web_request *req)
{
	const char *path = req->path;
	int get = !strcmp(req->method, "GET") || !strcmp(req->method, "HEAD");
	int post = !strcmp(req->method, "POST");
	if (get && !strcmp(path, "/")) {
		show_form(req, 200, NULL, NULL);
	} else if (get && !strcmp(path, "/static/style.css")) {
		sd_buf_adds(&req->body, web_style_css);
		req->status = 200;
		req->content_type = "text/css; charset=utf-8";
	} else if (get && (!strcmp(path, "/static/icon.svg") || !strcmp(path, "/favicon.ico"))) {
		/* Browsers ask for an icon unbidden: a small one, rather than
		 * a 404 in every log. */
		sd_buf_adds(&req->body, web_icon_svg);
		req->status = 200;
		req->content_type = "image/svg+xml";
	} else if (post && !strcmp(path, "/request")) {
		post_request(req);
	} else if (post && !strcmp(path, "/deflect")) {
		post_deflect(req);
	} else if (!strncmp(path, "/t/", 3)) {
		status_route(req);
	} else if (get &&
		   (!strcmp(path, "/kb/") || !strcmp(path, "/faq") || !strcmp(path, "/kb/sd.css") ||
		    (!strncmp(path, "/kb/", 4) && sd_kb_slug_valid(path + 4)))) {
		kb_route(req);
	} else {
		not_found(req);
	}
}
