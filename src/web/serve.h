/* SPDX-License-Identifier: MIT */
#ifndef SD_WEB_SERVE_H
#define SD_WEB_SERVE_H

/* The portal's entry point for sd serve (src/cmd/serve.c). */

#include "sd/error.h"
#include "sd/store.h"

struct web_options {
	const char *listen;   /* NULL: portal.listen */
	const char *base_url; /* NULL: portal.base_url */
	const char *tls_cert, *tls_key;
	int check;	  /* validate config and templates, then return */
	int behind_proxy; /* take the client address from a loopback proxy's X-Forwarded-For */
	int threads;	  /* worker threads */
	int timeout;	  /* seconds a connection may idle */
};

/* Serves the portal until SIGTERM or SIGINT, then finishes the requests
 * in flight and returns. */
sd_error *web_serve(struct sd_store *store, const struct web_options *opt);

#endif
