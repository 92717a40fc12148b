/* SPDX-License-Identifier: MIT */
/* The portal's HTTP server on libmicrohttpd: connections and their
 * limits, the headers every answer carries, CSRF, rate limits and the
 * request log (web.h). */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "sd/text.h"
#include "sd/util.h"
#include "web/serve.h"
#include "web/web.h"

/* Every answer says: no script at all, styles and images only from here,
 * forms only to here, never in a frame, and no Referer, since the status
 * links in the address bar are secrets. */
#define WEB_CSP \
	"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " \
	"frame-ancestors 'none'; base-uri 'none'"

#define MAX_FIELDS 64
/* At most this long, on SIGTERM, for the requests in flight to finish. */
#define DRAIN_SECONDS 60
#define TEMPLATE_MAX_BYTES (256u << 10)

/* ---- templates ---- */

static sd_error *read_override(struct web_server *srv, const char *name, struct sd_buf *out,
			       int *found)
{
	struct sd_buf path = SD_BUF_INIT;
	struct stat st;
	sd_error *err = NULL;
	*found = 0;
	sd_buf_printf(&path, "%s.sd/templates/web/%s", srv->root, name);
	/* A template arrives by pull: only a regular file of a sane size is
	 * read, never one a symlink points at. */
	if (lstat(path.data, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			err = sd_error_invalid("%s: a template must be a regular file", path.data);
		else if ((err = sd_buf_read_file(out, path.data, TEMPLATE_MAX_BYTES)))
			err = sd_error_wrap(err, "template");
		else
			*found = 1;
	}
	sd_buf_release(&path);
	return err;
}

sd_error *web_load_templates(struct web_server *srv)
{
	struct sd_buf text = SD_BUF_INIT, name = SD_BUF_INIT;
	sd_error *err = NULL;
	int found;
	for (int i = 0; !err && i < WEB_NTEMPLATES; i++) {
		sd_buf_reset(&text);
		sd_buf_reset(&name);
		if ((err = read_override(srv, web_template_names[i], &text, &found)))
			break;
		if (found)
			sd_buf_printf(&name, ".sd/templates/web/%s", web_template_names[i]);
		else {
			sd_buf_adds(&text, web_template_defaults[i]);
			sd_buf_printf(&name, "(shipped) %s", web_template_names[i]);
		}
		err = sd_tmpl_parse(&srv->tmpl[i], text.data, text.len, name.data);
	}
	/* A store's catalog adds to the shipped one of its language (the
	 * last line of a key wins); Russian and Slovenian fall back to
	 * English for keys neither has. */
	for (int i = 0; !err && i < WEB_NLANGS; i++) {
		sd_buf_reset(&text);
		sd_buf_reset(&name);
		sd_buf_printf(&name, "%s.txt", web_languages[i]);
		struct sd_buf custom = SD_BUF_INIT;
		if (!(err = read_override(srv, name.data, &custom, &found))) {
			sd_buf_adds(&text, web_catalog_defaults[i]);
			sd_buf_addch(&text, '\n');
			sd_buf_add(&text, custom.data, custom.len);
			sd_buf_reset(&name);
			sd_buf_printf(&name, ".sd/templates/web/%s.txt", web_languages[i]);
			err = sd_tmpl_msgs_parse(&srv->msgs[i], text.data, text.len, name.data,
						 i ? srv->msgs[0] : NULL);
		}
		sd_buf_release(&custom);
	}
	sd_buf_release(&text);
	sd_buf_release(&name);
	return err;
}

void web_release_templates(struct web_server *srv)
{
	for (int i = 0; i < WEB_NTEMPLATES; i++) {
		sd_tmpl_free(srv->tmpl[i]);
		srv->tmpl[i] = NULL;
	}
	for (int i = WEB_NLANGS; i-- > 0;) {
		sd_tmpl_msgs_free(srv->msgs[i]);
		srv->msgs[i] = NULL;
	}
}

static int template_index(const char *name)
{
	for (int i = 0; i < WEB_NTEMPLATES; i++)
		if (!strcmp(web_template_names[i], name))
			return i;
	abort();
}

void web_page(struct web_request *req, int status, const char *tmpl, const char *title,
	      struct sd_tmpl_vars *vars)
{
	struct web_server *srv = req->srv;
	struct sd_buf body = SD_BUF_INIT;
	sd_error *err = sd_tmpl_render(srv->tmpl[template_index(tmpl)], vars, req->msgs, &body);
	if (err) {
		/* A desk's template that explodes: said in the log, and the
		 * page is an error rather than a worker lost to it. */
		web_log_error("cannot render a page", err);
		sd_error_free(err);
		sd_buf_adds(&body, "<p>This page cannot be shown.</p>");
		status = 500;
	}
	struct sd_tmpl_vars *layout = sd_tmpl_vars_new();
	sd_tmpl_set(layout, "lang", req->lang);
	sd_tmpl_set(layout, "title", title);
	sd_tmpl_set_html(layout, "body", body.data);
	for (int i = 0; i < WEB_NLANGS; i++) {
		if (!sd_strvec_has(&sd_store_config(req->store)->portal.languages,
				   web_languages[i]))
			continue;
		struct sd_tmpl_vars *l = sd_tmpl_add_item(layout, "langs");
		sd_tmpl_set(l, "code", web_languages[i]);
		sd_tmpl_set(l, "name", web_language_names[i]);
	}
	sd_buf_reset(&req->body);
	if ((err = sd_tmpl_render(srv->tmpl[template_index("layout.html")], layout, req->msgs,
				  &req->body))) {
		web_log_error("cannot render a page", err);
		sd_error_free(err);
		sd_buf_adds(&req->body,
			    "<!DOCTYPE html><title>Error</title><p>This page cannot be "
			    "shown.</p>");
		status = 500;
	}
	req->status = status;
	req->content_type = "text/html; charset=utf-8";
	sd_tmpl_vars_free(layout);
	sd_buf_release(&body);
}

void web_message(struct web_request *req, int status, const char *title_key, const char *text_key)
{
	struct sd_tmpl_vars *v = sd_tmpl_vars_new();
	const char *title = sd_tmpl_msg(req->msgs, title_key);
	sd_tmpl_set(v, "heading", title);
	sd_tmpl_set(v, "text", sd_tmpl_msg(req->msgs, text_key));
	web_page(req, status, "message.html", title, v);
	sd_tmpl_vars_free(v);
}

const char *web_field(const struct web_request *req, const char *name)
{
	for (size_t i = 0; i < req->nfields; i++)
		if (!req->fields[i].filename && !strcmp(req->fields[i].name, name))
			return req->fields[i].value.data;
	return NULL;
}

/* ---- CSRF ---- */

/* The form token binds the browser's nonce cookie to a scope (the public
 * form, or one ticket): a page elsewhere can neither read the cookie nor
 * send it (SameSite=Strict), so it cannot make a valid post. */
static void csrf_token(struct web_request *req, const char *scope, char out[SD_TOKEN_LEN + 1])
{
	struct sd_buf data = SD_BUF_INIT;
	sd_buf_printf(&data, "%s\n%s", req->csrf_nonce ? req->csrf_nonce : "", scope);
	sd_token_mac(req->srv->key, "sd-form", data.data, data.len, out);
	sd_buf_release(&data);
}

void web_csrf_vars(struct web_request *req, struct sd_tmpl_vars *vars, const char *scope)
{
	char tok[SD_TOKEN_LEN + 1];
	struct sd_buf html = SD_BUF_INIT;
	csrf_token(req, scope, tok);
	/* tok is base64url: nothing in it needs escaping. */
	sd_buf_printf(&html, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", tok);
	sd_tmpl_set_html(vars, "csrf", html.data);
	sd_buf_release(&html);
}

int web_csrf_ok(struct web_request *req, const char *scope)
{
	const char *given = web_field(req, "csrf");
	struct sd_buf data = SD_BUF_INIT;
	if (!req->csrf_nonce || !given)
		return 0;
	sd_buf_printf(&data, "%s\n%s", req->csrf_nonce, scope);
	int ok = sd_token_mac_verify(req->srv->key, "sd-form", data.data, data.len, given);
	sd_buf_release(&data);
	return ok;
}

static int nonce_valid(const char *s)
{
	if (!s || strlen(s) != 22)
		return 0;
	for (const char *p = s; *p; p++)
		if (!sd_ascii_isalpha(*p) && !sd_ascii_isdigit(*p) && *p != '-' && *p != '_')
			return 0;
	return 1;
}

static char *new_nonce(void)
{
	unsigned char raw[16], b64[25];
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		abort();
	EVP_EncodeBlock(b64, raw, sizeof(raw));
	for (int i = 0; i < 22; i++)
		b64[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : b64[i];
	return sd_xstrndup((const char *)b64, 22);
}

/* ---- rate limits ---- */

#define RATE_WINDOW_MS (3600 * 1000LL)
#define RATE_SLOTS 4096

struct web_rate {
	char *key; /* "a:ADDRESS" or "e:EMAIL" */
	sd_stamp *times;
	size_t n;
};

/* Drops the entries whose times have all passed, so the table holds
 * only the last hour's senders. */
static void rate_prune(struct web_server *srv, sd_stamp now)
{
	for (size_t i = 0; i < srv->nrates;) {
		struct web_rate *r = srv->rates[i];
		size_t keep = 0;
		for (size_t j = 0; j < r->n; j++)
			if (now - r->times[j] < RATE_WINDOW_MS)
				r->times[keep++] = r->times[j];
		r->n = keep;
		if (!keep) {
			free(r->key);
			free(r->times);
			free(r);
			srv->rates[i] = srv->rates[--srv->nrates];
			continue;
		}
		i++;
	}
}

/* The entry of key, made when missing; NULL when the table is full. */
static struct web_rate *rate_entry(struct web_server *srv, const char *key)
{
	for (size_t i = 0; i < srv->nrates; i++)
		if (!strcmp(srv->rates[i]->key, key))
			return srv->rates[i];
	if (srv->nrates == RATE_SLOTS)
		return NULL; /* full: the last hour's traffic decides */
	srv->rates = sd_xrealloc(srv->rates, (srv->nrates + 1) * sizeof(*srv->rates));
	struct web_rate *r = sd_xcalloc(1, sizeof(*r));
	r->key = sd_xstrdup(key);
	srv->rates[srv->nrates++] = r;
	return r;
}

int web_rate_take(struct web_server *srv, const char *client, const char *email, sd_stamp now)
{
	const struct sd_portal_config *p = &sd_store_config(srv->store)->portal;
	struct sd_buf ka = SD_BUF_INIT, ke = SD_BUF_INIT;
	int over = 0;
	sd_buf_printf(&ka, "a:%s", client);
	sd_buf_printf(&ke, "e:");
	for (const char *c = email; *c; c++)
		sd_buf_addch(&ke, sd_ascii_isupper(*c) ? (char)(*c + 32) : *c);
	pthread_mutex_lock(&srv->rate_lock);
	rate_prune(srv, now);
	struct web_rate *a = p->per_address ? rate_entry(srv, ka.data) : NULL;
	struct web_rate *e = p->per_email ? rate_entry(srv, ke.data) : NULL;
	if ((p->per_address && (!a || a->n >= (size_t)p->per_address)) ||
	    (p->per_email && (!e || e->n >= (size_t)p->per_email)))
		over = 1;
	struct web_rate *both[2] = { a, e };
	for (int i = 0; !over && i < 2; i++)
		if (both[i]) {
			struct web_rate *r = both[i];
			r->times = sd_xrealloc(r->times, (r->n + 1) * sizeof(*r->times));
			r->times[r->n++] = now;
		}
	pthread_mutex_unlock(&srv->rate_lock);
	sd_buf_release(&ka);
	sd_buf_release(&ke);
	return over;
}

void web_log_error(const char *what, const sd_error *err)
{
	struct sd_buf line = SD_BUF_INIT;
	sd_buf_printf(&line, "sd serve: %s: ", what);
	/* An error may quote what a request held: inert, on one line. */
	sd_text_inert(&line, err->msg, strlen(err->msg), 0);
	sd_buf_addch(&line, '\n');
	if (write(STDERR_FILENO, line.data, line.len) < 0) {
		/* A closed log must not stop the server. */
	}
	sd_buf_release(&line);
}

/* ---- connections ---- */

struct conn {
	struct web_request req;
	struct MHD_PostProcessor *pp;
	uint64_t received;
	uint64_t limit;
	uint64_t files; /* bytes of uploaded files */
	struct timespec start;
};

static __thread struct sd_store *thread_store;

/* Each worker thread reads through its own store handle (libgit2
 * objects are not shared between threads); all are freed at exit. */
static sd_error *worker_store(struct web_server *srv, struct sd_store **out)
{
	if (!thread_store) {
		sd_error *err = sd_store_open(&thread_store, srv->root, 0);
		if (err)
			return err;
		pthread_mutex_lock(&srv->stores_lock);
		srv->stores = sd_xrealloc(srv->stores, (srv->nstores + 1) * sizeof(*srv->stores));
		srv->stores[srv->nstores++] = thread_store;
		pthread_mutex_unlock(&srv->stores_lock);
	}
	*out = thread_store;
	return NULL;
}

static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *filename, const char *content_type,
				const char *transfer_encoding, const char *data, uint64_t off,
				size_t size)
{
	struct conn *c = cls;
	struct web_request *req = &c->req;
	const struct sd_portal_config *p = &sd_store_config(req->srv->store)->portal;
	(void)kind, (void)content_type, (void)transfer_encoding;
	struct web_field *f = req->nfields ? &req->fields[req->nfields - 1] : NULL;
	/* A new field starts at offset 0 (or is a new key). */
	if (!f || off == 0 || strcmp(f->name, key) || (!f->filename != !filename)) {
		if (req->nfields == MAX_FIELDS) {
			req->too_big = 1;
			return MHD_NO;
		}
		req->fields = sd_xrealloc(req->fields, (req->nfields + 1) * sizeof(*req->fields));
		f = &req->fields[req->nfields++];
		f->name = sd_xstrdup(key);
		sd_buf_init(&f->value);
		f->filename = filename ? sd_xstrdup(filename) : NULL;
		f->over = 0;
	}
	if (filename) {
		/* A file past the limit is read to its end but not kept; the
		 * page says it was dropped (the body limit still holds). */
		c->files += size;
		if (f->over || c->files > (uint64_t)p->max_upload) {
			f->over = 1;
			sd_buf_reset(&f->value);
			return MHD_YES;
		}
	} else if (f->value.len + size > (size_t)p->max_text + 4096) {
		req->too_big = 1;
		return MHD_NO;
	}
	sd_buf_add(&f->value, data, size);
	return MHD_YES;
}

static void add_headers(struct MHD_Response *r, struct web_request *req)
{
	MHD_add_response_header(r, "Content-Security-Policy", WEB_CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	if (req->content_type)
		MHD_add_response_header(r, "Content-Type", req->content_type);
	if ((!strncmp(req->path, "/static/", 8) || !strcmp(req->path, "/kb/sd.css") ||
	     !strcmp(req->path, "/favicon.ico")) &&
	    req->status == 200)
		MHD_add_response_header(r, "Cache-Control", "public, max-age=3600");
	else
		MHD_add_response_header(r, "Cache-Control", "no-store");
	if (req->set_cookie)
		MHD_add_response_header(r, "Set-Cookie", req->set_cookie);
	if (req->location)
		MHD_add_response_header(r, "Location", req->location);
	if (req->disposition)
		MHD_add_response_header(r, "Content-Disposition", req->disposition);
}

/* The path as the log shows it: a status link's token is replaced, the
 * query dropped, and bytes outside printable ASCII %-escaped, so the log
 * holds no secret and no terminal control sequence. */
static void log_path(struct sd_buf *out, const char *path)
{
	const char *p = path;
	int slashes = 0;
	int status_link = !strncmp(path, "/t/", 3);
	for (; *p && *p != '?' && out->len < 200; p++) {
		if (*p == '/')
			slashes++;
		if (status_link && slashes == 3) {
			sd_buf_adds(out, "/TOKEN");
			while (p[1] && p[1] != '/' && p[1] != '?')
				p++;
			slashes++;
			continue;
		}
		unsigned char ch = (unsigned char)*p;
		if (ch <= ' ' || ch >= 0x7f || ch == '"' || ch == '%' || ch == '\\')
			sd_buf_printf(out, "%%%02X", ch);
		else
			sd_buf_addch(out, (char)ch);
	}
}

static void log_request(struct conn *c)
{
	struct web_request *req = &c->req;
	struct timespec end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	double ms = (double)(end.tv_sec - c->start.tv_sec) * 1e3 +
		(double)(end.tv_nsec - c->start.tv_nsec) / 1e6;
	struct sd_buf line = SD_BUF_INIT;
	char when[SD_TIME_STRLEN];
	sd_time_format(when, sd_stamp_seconds(req->now));
	sd_buf_printf(&line, "%s %s \"%s ", when, req->client, req->method);
	log_path(&line, req->path);
	sd_buf_printf(&line, "\" %d %zu %.1fms", req->status, req->body.len, ms);
	if (req->log_id[0])
		sd_buf_printf(&line, " ticket=%s", req->log_id);
	sd_buf_addch(&line, '\n');
	/* One write per line, so lines from two threads never mix. */
	if (write(STDERR_FILENO, line.data, line.len) < 0) {
		/* Nothing to do: a closed log must not stop the server. */
	}
	sd_buf_release(&line);
}

static void release_conn(struct conn *c)
{
	if (c->pp)
		MHD_destroy_post_processor(c->pp);
	for (size_t i = 0; i < c->req.nfields; i++) {
		free(c->req.fields[i].name);
		free(c->req.fields[i].filename);
		sd_buf_release(&c->req.fields[i].value);
	}
	free(c->req.fields);
	free((char *)c->req.path);
	free((char *)c->req.client);
	free((char *)c->req.csrf_nonce);
	free(c->req.done);
	free(c->req.query);
	free(c->req.host);
	free(c->req.set_cookie);
	free(c->req.location);
	free(c->req.disposition);
	sd_buf_release(&c->req.body);
	free(c);
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct web_server *srv = cls;
	(void)connection, (void)toe;
	if (*con_cls) {
		release_conn(*con_cls);
		__atomic_sub_fetch(&srv->inflight, 1, __ATOMIC_SEQ_CST);
	}
	*con_cls = NULL;
}

/* The page language: ?lang=, then the sd_lang cookie, then the browser's
 * Accept-Language in its order (q values are not weighed: browsers list
 * languages by preference), then the first configured. */
static const char *choose_lang(struct MHD_Connection *conn, struct web_server *srv,
			       const struct sd_strvec *offered, char **cookie)
{
	const char *q = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "lang");
	const char *ck = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "sd_lang");
	(void)srv;
	for (size_t i = 0; q && i < offered->n; i++)
		if (!strcmp(q, offered->v[i])) {
			struct sd_buf b = SD_BUF_INIT;
			sd_buf_printf(&b, "sd_lang=%s; Path=/; SameSite=Lax; Max-Age=31536000",
				      offered->v[i]);
			*cookie = sd_buf_detach(&b);
			return offered->v[i];
		}
	for (size_t i = 0; ck && i < offered->n; i++)
		if (!strcmp(ck, offered->v[i]))
			return offered->v[i];
	const char *al = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Language");
	for (const char *p = al; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t n = strcspn(p, ",;- ");
		for (size_t i = 0; i < offered->n; i++)
			if (n == 2 && (p[0] | 32) == offered->v[i][0] &&
			    (p[1] | 32) == offered->v[i][1])
				return offered->v[i];
		p += strcspn(p, ",");
	}
	return offered->n ? offered->v[0] : "en";
}

/* An address from X-Forwarded-For, checked to be one; NULL if not. */
static char *form_addr(const char *s)
{
	while (*s == ' ')
		s++;
	size_t n = strcspn(s, " ,");
	char buf[INET6_ADDRSTRLEN];
	unsigned char bin[sizeof(struct in6_addr)];
	if (!n || n >= sizeof(buf))
		return NULL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, bin) != 1 && inet_pton(AF_INET6, buf, bin) != 1)
		return NULL;
	return sd_xstrdup(buf);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_data_size, void **con_cls)
{
	struct web_server *srv = cls;
	struct conn *c = *con_cls;
	(void)version;
	if (!c) {
		c = sd_xcalloc(1, sizeof(*c));
		*con_cls = c;
		__atomic_add_fetch(&srv->inflight, 1, __ATOMIC_SEQ_CST);
		clock_gettime(CLOCK_MONOTONIC, &c->start);
		struct web_request *req = &c->req;
		req->srv = srv;
		req->method = !strcmp(method, "GET") ? "GET"
			: !strcmp(method, "HEAD")    ? "HEAD"
			: !strcmp(method, "POST")    ? "POST"
						     : "OTHER";
		req->path = sd_xstrdup(url);
		sd_buf_init(&req->body);
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		char addr[INET6_ADDRSTRLEN] = "-";
		if (ci && ci->client_addr) {
			if (ci->client_addr->sa_family == AF_INET)
				inet_ntop(AF_INET,
					  &((struct sockaddr_in *)ci->client_addr)->sin_addr, addr,
					  sizeof(addr));
			else if (ci->client_addr->sa_family == AF_INET6)
				inet_ntop(AF_INET6,
					  &((struct sockaddr_in6 *)ci->client_addr)->sin6_addr,
					  addr, sizeof(addr));
		}
		/* Behind a reverse proxy every connection comes from it: the
		 * client is the last address the proxy added, trusted only
		 * when the peer is this machine. */
		const char *xff =
			srv->behind_proxy && (!strcmp(addr, "127.0.0.1") || !strcmp(addr, "::1"))
			? MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For")
			: NULL;
		if (xff) {
			const char *last = strrchr(xff, ',');
			char *one = form_addr(last ? last + 1 : xff);
			req->client = one ? one : sd_xstrdup(addr);
		} else
			req->client = sd_xstrdup(addr);
		sd_stamp_now(&req->now);
		sd_error *err = worker_store(srv, &req->store);
		if (err) {
			web_log_error("cannot open the store", err);
			sd_error_free(err);
			return MHD_NO;
		}
		const struct sd_portal_config *p = &sd_store_config(req->store)->portal;
		c->limit = (uint64_t)p->max_upload + 4 * (uint64_t)p->max_text + 65536;
		const char *cl =
			MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > c->limit)
			req->body_over = 1;
		/* Over the limit, the fields before it are still parsed: the
		 * request form names the files that made it too large and
		 * keeps what was typed (they come first). */
		if (!strcmp(req->method, "POST")) {
			c->pp = MHD_create_post_processor(conn, 16384, on_field, c);
			/* NULL: not a form encoding; the page answers 400. */
		}
		return MHD_YES;
	}
	struct web_request *req = &c->req;
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		/* Only the part within the limit is parsed. */
		if (c->received + n > c->limit) {
			n = c->received < c->limit ? (size_t)(c->limit - c->received) : 0;
			req->body_over = 1;
		}
		c->received += *upload_data_size;
		if (c->pp && n && !req->too_big && !req->status &&
		    MHD_post_process(c->pp, upload_data, n) != MHD_YES && !req->too_big &&
		    !req->body_over)
			req->status = 400;
		*upload_data_size = 0;
		return MHD_YES;
	}

	/* The whole request is here: answer it. */
	const struct sd_portal_config *p = &sd_store_config(req->store)->portal;
	req->lang = choose_lang(conn, srv, &p->languages, &req->set_cookie);
	for (int i = 0; i < WEB_NLANGS; i++)
		if (!strcmp(req->lang, web_languages[i]))
			req->msgs = srv->msgs[i];
	const char *arg = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "done");
	req->done = arg ? sd_xstrndup(arg, 16) : NULL;
	arg = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "q");
	req->query = arg ? sd_xstrndup(arg, 200) : NULL;
	arg = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	/* Only to show a link whole when no base URL is set: a host name
	 * and port, nothing else. */
	if (arg && strlen(arg) < 256 &&
	    strspn(arg,
		   "abcdefghijklmnopqrstuvwxyz"
		   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") == strlen(arg))
		req->host = sd_xstrdup(arg);
	const char *nonce = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "sd_csrf");
	if (nonce_valid(nonce))
		req->csrf_nonce = sd_xstrdup(nonce);
	else if (strcmp(req->path, "/static/style.css")) {
		/* A page with a form needs the nonce; it is made on any page
		 * so that the first form a browser sees can be posted. */
		req->csrf_nonce = new_nonce();
		struct sd_buf ck = SD_BUF_INIT;
		sd_buf_printf(&ck, "sd_csrf=%s; Path=/; HttpOnly; SameSite=Strict%s",
			      req->csrf_nonce, srv->secure_cookies ? "; Secure" : "");
		free(req->set_cookie); /* the language cookie can wait */
		req->set_cookie = sd_buf_detach(&ck);
	}
	if (!strcmp(req->method, "OTHER")) {
		web_message(req, 405, "notfound.title", "notfound.text");
	} else if (req->body_over && !req->too_big && !strcmp(req->path, "/request") && c->pp) {
		/* The form says which files made it too large. */
		web_route(req);
	} else if (req->too_big || req->body_over) {
		web_message(req, 413, "toolarge.title", "toolarge.text");
	} else if (req->status == 400 || (!strcmp(req->method, "POST") && !c->pp)) {
		web_message(req, 400, "badform.title", "badform.text");
	} else {
		web_route(req);
	}
	if (!req->status)
		req->status = 500;
	struct MHD_Response *r = MHD_create_response_from_buffer(req->body.len, req->body.data,
								 MHD_RESPMEM_MUST_COPY);
	add_headers(r, req);
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)req->status, r);
	MHD_destroy_response(r);
	log_request(c);
	return ret;
}

/* URL escapes decoded as usual, except %00, which is left as it is: a
 * NUL would cut the path short, and "name%00" must not name "name". */
static int hex_digit(char c)
{
	return sd_ascii_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls, (void)conn;
	char *w = s;
	for (const char *r = s; *r;) {
		if (r[0] == '%' && hex_digit(r[1]) && hex_digit(r[2]) &&
		    (r[1] != '0' || r[2] != '0')) {
			char hex[3] = { r[1], r[2], '\0' };
			*w++ = (char)strtoul(hex, NULL, 16);
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* ---- the daemon ---- */

static sd_error *parse_listen(const char *listen, struct sockaddr_storage *ss, int *ipv6)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof(host) || !colon[1])
		return sd_error_invalid("--listen '%s' must be ADDRESS:PORT, like 127.0.0.1:8080 "
					"or [::1]:8080",
					listen);
	const char *h = listen;
	size_t hl = (size_t)(colon - listen);
	if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']')
		h++, hl -= 2;
	memcpy(host, h, hl);
	host[hl] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return sd_error_invalid("--listen '%s': the port must be a number from 0 to 65535",
					listen);
	struct addrinfo hints, *ai = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &ai) || !ai)
		return sd_error_invalid("--listen '%s': '%s' is not an IP address", listen, host);
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*ipv6 = ai->ai_family == AF_INET6;
	freeaddrinfo(ai);
	if (*ipv6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	return NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* libmicrohttpd's messages name addresses and states, never
	 * request content; one line each. */
	msg[strcspn(msg, "\n")] = '\0';
	fprintf(stderr, "sd serve: %s\n", msg);
}

sd_error *web_serve(struct sd_store *store, const struct web_options *opt)
{
	struct web_server srv;
	struct sd_buf cert = SD_BUF_INIT, key = SD_BUF_INIT;
	struct MHD_Daemon *d = NULL;
	struct sockaddr_storage ss;
	int ipv6 = 0;
	sd_error *err = NULL;
	sigset_t sigs;

	memset(&srv, 0, sizeof(srv));
	srv.store = store;
	srv.root = sd_xstrdup(sd_store_root(store));
	pthread_mutex_init(&srv.write_lock, NULL);
	pthread_mutex_init(&srv.rate_lock, NULL);
	pthread_mutex_init(&srv.stores_lock, NULL);
	pthread_mutex_init(&srv.kb_lock, NULL);
	struct sd_portal_config *pc = &sd_store_config(store)->portal;
	srv.base_url = opt->base_url ? opt->base_url : pc->base_url;
	srv.secure_cookies = opt->tls_cert || !strncmp(srv.base_url, "https:", 6);
	srv.behind_proxy = opt->behind_proxy;
	if ((err = web_load_templates(&srv)) || (err = sd_token_key_load(&srv.key, store)))
		goto done;
	if ((err = parse_listen(opt->listen ? opt->listen : pc->listen, &ss, &ipv6)))
		goto done;
	if (opt->tls_cert &&
	    ((err = sd_buf_read_file(&cert, opt->tls_cert, 1 << 20)) ||
	     (err = sd_buf_read_file(&key, opt->tls_key, 1 << 20))))
		goto done;
	if (opt->check) {
		printf("sd serve: the configuration and templates are valid\n");
		goto done;
	}

	/* The workers inherit this mask, so only sigwait below sees
	 * SIGTERM and SIGINT, and a closed socket never kills the server. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	unsigned flags =
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_USE_ITC;
	if (ipv6)
		flags |= MHD_USE_IPv6;
	if (opt->tls_cert)
		flags |= MHD_USE_TLS;
	struct MHD_OptionItem tls[] = {
		{ opt->tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, cert.data },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, key.data },
		{ MHD_OPTION_END, 0, NULL },
	};
	d = MHD_start_daemon(flags, 0, NULL, NULL, answer, &srv, MHD_OPTION_EXTERNAL_LOGGER,
			     mhd_log, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)opt->threads,
			     /* A slow client cannot hold a connection: it is closed after
		 * this many idle seconds, and each has bounded memory for its
		 * headers and form buffers. */
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)opt->timeout,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)200,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, &srv,
			     MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL, MHD_OPTION_ARRAY, tls,
			     MHD_OPTION_END);
	if (!d) {
		err = sd_error_fatal("cannot listen on %s (in use, or not an address of this "
				     "machine?)",
				     opt->listen ? opt->listen : pc->listen);
		goto done;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	char shown[300];
	const char *lst = opt->listen ? opt->listen : pc->listen;
	snprintf(shown, sizeof(shown), "%.*s:%u", (int)(strrchr(lst, ':') - lst), lst,
		 di ? di->port : 0);
	fprintf(stderr, "sd serve: listening on %s://%s\n", opt->tls_cert ? "https" : "http",
		shown);

	int sig = 0;
	while (sigwait(&sigs, &sig) == 0 && sig == SIGPIPE)
		;
	/* Stop accepting, then let the workers finish the requests they
	 * hold, an upload still arriving included: its ticket is committed
	 * and its answer sent before the daemon is gone. Idle keep-alive
	 * connections hold no request and are closed at once; a client that
	 * stalls is cut by the idle timeout, and DRAIN_SECONDS bound the
	 * wait for one that trickles. */
	MHD_socket lsock = MHD_quiesce_daemon(d);
	/* A connection the kernel would still queue on the listening socket
	 * is refused instead of left waiting for an answer that never
	 * comes; the socket is closed once the daemon is gone (not before:
	 * a worker may still hold it). */
	if (lsock != MHD_INVALID_SOCKET)
		shutdown(lsock, SHUT_RDWR);
	/* Said once nothing new is taken. */
	fprintf(stderr, "sd serve: stopping on %s after the requests in flight\n",
		sig == SIGINT ? "SIGINT" : "SIGTERM");
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	for (int i = 0; i < DRAIN_SECONDS * 50 && __atomic_load_n(&srv.inflight, __ATOMIC_SEQ_CST);
	     i++)
		nanosleep(&tick, NULL);
	MHD_stop_daemon(d);
	d = NULL;
	if (lsock != MHD_INVALID_SOCKET)
		close(lsock);
done:
	if (d)
		MHD_stop_daemon(d);
	for (size_t i = 0; i < srv.nstores; i++)
		sd_store_free(srv.stores[i]);
	free(srv.stores);
	for (size_t i = 0; i < srv.nrates; i++) {
		free(srv.rates[i]->key);
		free(srv.rates[i]->times);
		free(srv.rates[i]);
	}
	free(srv.rates);
	web_release_templates(&srv);
	sd_token_key_free(srv.key);
	OPENSSL_cleanse(key.data, key.len);
	sd_buf_release(&cert);
	sd_buf_release(&key);
	free(srv.root);
	pthread_mutex_destroy(&srv.write_lock);
	pthread_mutex_destroy(&srv.rate_lock);
	pthread_mutex_destroy(&srv.stores_lock);
	pthread_mutex_destroy(&srv.kb_lock);
	for (size_t i = 0; i < srv.nkb_pages; i++) {
		free(srv.kb_pages[i].key);
		free(srv.kb_pages[i].signature);
		free(srv.kb_pages[i].html);
	}
	free(srv.kb_pages);
	return err;
}
