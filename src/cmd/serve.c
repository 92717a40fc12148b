/* SPDX-License-Identifier: MIT */
/* sd serve: the requester portal (src/web/). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "sd/token.h"
#include "web/serve.h"

const struct sd_option serve_options[] = {
	{ SD_OPT_STRING, 0, "listen", "ADDR:PORT",
	  "where to listen (default: portal.listen, 127.0.0.1:8080)" },
	{ SD_OPT_STRING, 0, "base-url", "URL", "the portal's public URL, for status links" },
	{ SD_OPT_STRING, 0, "tls-cert", "FILE", "serve HTTPS with this PEM certificate" },
	{ SD_OPT_STRING, 0, "tls-key", "FILE", "the PEM private key of --tls-cert" },
	{ SD_OPT_BOOL, 0, "behind-proxy", NULL,
	  "a reverse proxy on this machine forwards; take clients from X-Forwarded-For" },
	{ SD_OPT_STRING, 0, "threads", "N", "worker threads (default 4)" },
	{ SD_OPT_STRING, 0, "timeout", "SECONDS",
	  "close a connection idle this long (default 30)" },
	{ SD_OPT_BOOL, 0, "check", NULL, "check the configuration and templates, then exit" },
	{ SD_OPT_STRING, 0, "link", "ID", "print the status link of a ticket, then exit" },
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

static sd_error *number(const char *s, const char *what, int lo, int hi, int *out)
{
	char *end;
	long n = s ? strtol(s, &end, 10) : 0;
	if (!s)
		return NULL;
	if (!*s || *end || n < lo || n > hi)
		return sd_error_invalid("--%s must be a number from %d to %d", what, lo, hi);
	*out = (int)n;
	return NULL;
}

sd_error *cmd_serve(struct sd_ctx *ctx, struct sd_args *args)
{
	struct web_options opt;
	sd_error *err;
	memset(&opt, 0, sizeof(opt));
	opt.threads = 4;
	opt.timeout = 30;
	if ((err = sd_args_count(args, 0, 0, ctx->cmd->usage)))
		return err;
	opt.listen = sd_arg_str(args, "listen");
	opt.base_url = sd_arg_str(args, "base-url");
	opt.tls_cert = sd_arg_str(args, "tls-cert");
	opt.tls_key = sd_arg_str(args, "tls-key");
	opt.check = sd_arg_flag(args, "check");
	opt.behind_proxy = sd_arg_flag(args, "behind-proxy");
	if (!opt.tls_cert != !opt.tls_key)
		return sd_error_invalid("--tls-cert and --tls-key go together");
	if ((err = number(sd_arg_str(args, "threads"), "threads", 1, 64, &opt.threads)) ||
	    (err = number(sd_arg_str(args, "timeout"), "timeout", 1, 3600, &opt.timeout)))
		return err;
	struct sd_portal_config *pc = &sd_store_config(ctx->store)->portal;
	if (opt.base_url) {
		/* Checked like portal.base_url, and used for links from here. */
		size_t n = strlen(opt.base_url);
		int ok = (!strncmp(opt.base_url, "https://", 8) ||
			  !strncmp(opt.base_url, "http://", 7)) &&
			n < 512 && !strpbrk(opt.base_url, " \t\"'<>\\`");
		for (const char *q = opt.base_url; ok && *q; q++)
			ok = (unsigned char)*q > ' ' && (unsigned char)*q < 0x7f;
		if (!ok)
			return sd_error_invalid("--base-url must be an http:// or https:// URL "
						"without spaces or quotes, like "
						"https://help.example.com");
		while (n && opt.base_url[n - 1] == '/')
			n--;
		free(pc->base_url);
		pc->base_url = sd_xstrndup(opt.base_url, n);
		opt.base_url = pc->base_url;
	}
	const char *link_of = sd_arg_str(args, "link");
	if (link_of) {
		char id[SD_ID_LEN + 1];
		struct sd_buf link = SD_BUF_INIT;
		if ((err = sd_store_resolve(ctx->store, id, link_of)))
			return err;
		if (!*pc->base_url)
			return sd_error_invalid("no base URL: set portal.base_url in "
						".git/sd/config.yaml, or give --base-url");
		if (!(err = sd_status_link(ctx->store, id, &link)))
			printf("%s\n", link.data);
		sd_buf_release(&link);
		return err;
	}
	const char *name, *email, *full;
	if ((err = sd_store_author(ctx->store, &name, &email, &full))) {
		/* Commits need an author; a server set up by hand often runs
		 * as a user without git's user.name. */
		sd_error_free(err);
		setenv("SD_AUTHOR", "sd portal <portal@localhost>", 1);
	}
	return web_serve(ctx->store, &opt);
}
