/* SPDX-License-Identifier: MIT */
#ifndef SD_INTAKE_H
#define SD_INTAKE_H

/*
 * Intake: the one way a ticket is opened, whatever brings it (sd new, sd
 * import --route, mail, the web portal). It validates the request, fills
 * the defaults, routes the ticket (routing leaves alone what the request
 * set) and commits it once, with routing's events in the same commit.
 * Callers may have nobody at the keyboard: everything is returned, nothing
 * printed.
 */

#include "sd/error.h"
#include "sd/id.h"
#include "sd/route.h"
#include "sd/store.h"
#include "sd/ticket.h"

struct sd_attach_file;
struct sd_attach_limits;

struct sd_request {
	const char *title;	 /* required, unless key finds a ticket */
	const char *description; /* NULL: none */
	const char *requester;	 /* NULL: the author's address */
	/* NULL: the default, or what routing sets */
	const char *type, *impact, *urgency, *priority, *category, *queue, *tier, *assignee, *asset,
		*key;
	const struct sd_strvec *tags; /* NULL: none */
	const char *channel;	      /* cli, mail, web or import */
	int no_route;		      /* open it as it is */
	/* Why the new ticket must get no auto-reply (outbox.h: the loop
	 * rules of RFC 3834), recorded with it; NULL: it may get one. */
	const char *no_auto_reply;
	/* Files that come with a new ticket (sd_intake_open only), committed
	 * in its commit with a field=file event each, by the requester. A
	 * file the limits (attach.h) would drop fails the whole request,
	 * naming the file and limit_name, and nothing is committed: the
	 * caller tells its user before anything is half kept. */
	const struct sd_attach_file *files;
	size_t nfiles;
	const struct sd_attach_limits *file_limits;
	const char *file_limit_name;
};

/* Checks every value of req; the error (status 2) names the field. */
sd_error *sd_request_validate(const struct sd_request *req);

/* Counts the open tickets and past assignments of the directory's agents
 * in every ticket of the store (nothing when there are no agents). */
sd_error *sd_team_load_store(struct sd_team_load *l, struct sd_store *store);

/* After a sync merged what other clones routed: evens out the queues'
 * loads as sd_route_rebalance says, moving tickets as author at `at`,
 * in one commit; *moved says how many tickets moved (0: no commit). */
sd_error *sd_rebalance_store(struct sd_store *store, const char *author, sd_stamp at,
			     size_t *moved);

/* Builds in *t (initialised here; the caller frees it) the ticket req
 * would open at now (a stamp, milliseconds), by author ("Name <email>"), routed unless
 * req->no_route, with a new id. route (optional) gets what routing did;
 * load holds the team's work (NULL: read from the store). Writes
 * nothing, so it also answers "what would happen". */
sd_error *sd_intake_prepare(struct sd_ticket *t, struct sd_route_outcome *route,
			    struct sd_store *store, const struct sd_request *req,
			    struct sd_team_load *load, const char *author, sd_stamp now);

struct sd_intake_result {
	char id[SD_ID_LEN + 1];	       /* the ticket opened or reused */
	int reused;		       /* req->key named an open ticket */
	struct sd_route_outcome route; /* what routing did; release it */
};

/* Validates, prepares and commits the ticket as the store's author. With
 * req->key, an open ticket (not closed or cancelled) that carries the key
 * is reused instead: the description becomes a public comment (nothing is
 * committed without one) and a resolved ticket is reopened, so that a
 * script reporting the same problem again does not open it twice; then
 * title may be NULL, and req->files are refused. */
sd_error *sd_intake_open(struct sd_store *store, const struct sd_request *req, sd_stamp now,
			 struct sd_intake_result *out);

#endif
