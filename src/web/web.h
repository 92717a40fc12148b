/* SPDX-License-Identifier: MIT */
#ifndef SD_WEB_H
#define SD_WEB_H

/*
 * The requester portal behind sd serve: an HTTP server (libmicrohttpd) in
 * front of one store. server.c owns the daemon, the connections, security
 * headers, CSRF, rate limits and the log; pages.c owns what each route
 * shows and does; defaults.c holds the templates, catalogs and CSS sd
 * ships, which .sd/templates/web/ may replace file by file.
 */

#include <pthread.h>
#include <stdint.h>

#include "sd/buf.h"
#include "sd/error.h"
#include "sd/store.h"
#include "sd/tmpl.h"
#include "sd/token.h"

/* The page templates, by name: "layout.html" and one per page. */
extern const char *const web_template_names[];
/* Their shipped text, in the same order. */
extern const char *const web_template_defaults[];
/* The shipped catalogs: "en", "ru", "sl" and their text. */
extern const char *const web_languages[];
extern const char *const web_language_names[];
extern const char *const web_catalog_defaults[];
extern const char web_style_css[];
extern const char web_icon_svg[];

#define WEB_NTEMPLATES 7
#define WEB_NLANGS 3

struct web_server;

/* One request as the pages see it: the form fields arrive parsed. */
struct web_field {
	char *name;
	struct sd_buf value;
	char *filename; /* an uploaded file's name; NULL for plain fields */
	int over;	/* a file past portal.max_upload: its bytes were not kept */
};

struct web_request {
	struct web_server *srv;
	struct sd_store *store; /* this thread's handle */
	const char *method, *path;
	const char *client; /* the peer address, as text */
	const char *lang;   /* the page language chosen */
	const struct sd_tmpl_msgs *msgs;
	const char *csrf_nonce; /* from the cookie; NULL: none yet */
	char *done;		/* ?done= of a status page after a post */
	char *query;		/* ?q= of a search */
	char *host;		/* the Host header, for showing a link whole */
	struct web_field *fields;
	size_t nfields;
	int too_big; /* a field went over its limit, or too many came */
	/* The body went over its limit: the fields before that point
	 * arrived, the rest was read and dropped. */
	int body_over;
	sd_stamp now;
	/* what the page answers */
	int status;
	struct sd_buf body;
	const char *content_type;
	char *set_cookie;
	char *location;	   /* a redirect (303 See Other) */
	char *disposition; /* Content-Disposition of a file served; NULL: none */
	char log_id[16];   /* a ticket id to log, never a token */
};

/* A rendered knowledge-base list page and the state of kb/ it shows. */
struct web_kb_page {
	char *key;	 /* path and language */
	char *signature; /* every article file's name, size, times and inode */
	char *html;
};

struct web_server {
	struct sd_store *store; /* the main thread's handle */
	char *root;		/* the store's directory */
	struct sd_token_key *key;
	struct sd_tmpl *tmpl[WEB_NTEMPLATES];
	struct sd_tmpl_msgs *msgs[WEB_NLANGS];
	const char *base_url;
	int secure_cookies;
	int behind_proxy;
	pthread_mutex_t write_lock; /* one commit at a time within the server */
	pthread_mutex_t rate_lock;
	struct web_rate **rates;
	size_t nrates;
	pthread_mutex_t kb_lock;
	struct web_kb_page *kb_pages; /* rendered /kb/ and /faq, by language */
	size_t nkb_pages;
	pthread_mutex_t stores_lock;
	struct sd_store **stores; /* one per worker thread, freed at exit */
	size_t nstores;
	int inflight; /* requests begun and not yet completed (atomic) */
};

/* Loads the templates and catalogs: the store's .sd/templates/web/ files
 * where present, else the shipped ones. Errors name the file and line. */
sd_error *web_load_templates(struct web_server *srv);
void web_release_templates(struct web_server *srv);

/* Answers req (pages.c). */
void web_route(struct web_request *req);

/* The value of form field name, or NULL. */
const char *web_field(const struct web_request *req, const char *name);
/* Renders template name (a web_template_names entry) with vars inside the
 * layout, titled title, into req->body with status. */
void web_page(struct web_request *req, int status, const char *tmpl, const char *title,
	      struct sd_tmpl_vars *vars);
/* A short page saying message (a catalog key) with status. */
void web_message(struct web_request *req, int status, const char *title_key, const char *text_key);
/* Adds the CSRF fields of scope (hidden inputs) to vars as "csrf". */
void web_csrf_vars(struct web_request *req, struct sd_tmpl_vars *vars, const char *scope);
/* 1 when the POST carries a valid CSRF token for scope. */
int web_csrf_ok(struct web_request *req, const char *scope);
/* Logs "sd serve: what: message", the message made inert, in one write. */
void web_log_error(const char *what, const sd_error *err);
/* 0 when the client address and email may open another ticket now
 * (and counts it); 1 when either is over its hourly limit. */
int web_rate_take(struct web_server *srv, const char *client, const char *email, sd_stamp now);

#endif
