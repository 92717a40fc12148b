/* SPDX-License-Identifier: MIT */
/* sd link ID... --problem PID and sd unlink ID...: an incident's problem,
 * changed on both tickets in one commit; and the batch of tickets that
 * such a change loads, shared with sd problem and sd resolve --incidents. */

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "sd/problem.h"

const struct sd_option link_options[] = { { SD_OPT_STRING, 0, "problem", "PID",
					    "the problem to link the incidents to (required)" },
					  { SD_OPT_STRING, 'm', "message", "REASON", "why" },
					  { SD_OPT_END, 0, NULL, NULL, NULL } };

const struct sd_option unlink_options[] = { { SD_OPT_STRING, 'm', "message", "REASON", "why" },
					    { SD_OPT_END, 0, NULL, NULL, NULL } };

sd_error *sd_batch_load(struct sd_ctx *ctx, struct sd_batch *b, const char *prefix,
			struct sd_ticket **out)
{
	char id[SD_ID_LEN + 1];
	/* Held from the first read to the commit, as sd_load_ticket holds it. */
	sd_error *err = sd_store_lock(ctx->store);
	*out = NULL;
	if (err || (err = sd_store_resolve(ctx->store, id, prefix)))
		return err;
	for (size_t i = 0; i < b->n; i++)
		if (!strcmp(sd_ticket_get(b->v[i], SD_F_ID), id)) {
			*out = b->v[i];
			return NULL;
		}
	struct sd_ticket *t = sd_xmalloc(sizeof(*t));
	sd_ticket_init(t);
	if ((err = sd_store_read(ctx->store, id, t, NULL))) {
		sd_ticket_free(t);
		free(t);
		return err;
	}
	b->v = sd_xrealloc(b->v, (b->n + 1) * sizeof(*b->v));
	b->dirty = sd_xrealloc(b->dirty, (b->n + 1) * sizeof(*b->dirty));
	b->v[b->n] = t;
	b->dirty[b->n] = 0;
	b->n++;
	*out = t;
	return NULL;
}

void sd_batch_mark(struct sd_batch *b, const struct sd_ticket *t)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i] == t)
			b->dirty[i] = 1;
}

size_t sd_batch_dirty(const struct sd_batch *b)
{
	size_t n = 0;
	for (size_t i = 0; i < b->n; i++)
		n += b->dirty[i] != 0;
	return n;
}

sd_error *sd_batch_save(struct sd_ctx *ctx, struct sd_batch *b, const char *verb)
{
	const struct sd_ticket **changed = sd_xcalloc(b->n ? b->n : 1, sizeof(*changed));
	size_t n = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (!b->dirty[i])
			continue;
		char now[SD_STAMP_STRLEN];
		sd_stamp_format(now, sd_ticket_updated_stamp(b->v[i], ctx->clock));
		sd_ticket_set(b->v[i], SD_F_UPDATED, now);
		changed[n++] = b->v[i];
	}
	sd_error *err = n ? sd_store_save_tickets(ctx->store, changed, n, verb) : NULL;
	if (!err && n) {
		free(ctx->pending_text);
		ctx->pending_text = NULL;
	}
	free(changed);
	return err;
}

void sd_batch_free(struct sd_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		sd_ticket_free(b->v[i]);
		free(b->v[i]);
	}
	free(b->v);
	free(b->dirty);
	memset(b, 0, sizeof(*b));
}

/* The problem the incident names, loaded into the batch; NULL (with a
 * warning) when that ticket is gone, so the link can still be undone. */
static struct sd_ticket *named_problem(struct sd_ctx *ctx, struct sd_batch *b,
				       const struct sd_ticket *incident)
{
	const char *pid = sd_ticket_get(incident, SD_F_PROBLEM);
	struct sd_ticket *p = NULL;
	if (!*pid)
		return NULL;
	sd_error *err = sd_batch_load(ctx, b, pid, &p);
	if (err) {
		struct sd_buf msg = SD_BUF_INIT;
		sd_buf_printf(&msg, "incident %s names problem %s, which cannot be read (%s)",
			      sd_ticket_get(incident, SD_F_ID), pid, err->msg);
		sd_warn(sd_buf_detach(&msg));
		sd_error_free(err);
		return NULL;
	}
	return p;
}

sd_error *sd_link_incidents(struct sd_ctx *ctx, struct sd_batch *b, struct sd_ticket *problem,
			    struct sd_ticket *const *incidents, size_t n, const char *author,
			    const char *reason, size_t *changed)
{
	const char *pid = sd_ticket_get(problem, SD_F_ID);
	sd_error *err;
	*changed = 0;
	/* Moving one from another problem: that one lets go in the same commit. */
	for (size_t i = 0; i < n; i++) {
		const char *now = sd_ticket_get(incidents[i], SD_F_PROBLEM);
		int c;
		if (!*now || !strcmp(now, pid) ||
		    strcmp(sd_ticket_get(incidents[i], SD_F_TYPE), "incident"))
			continue;
		struct sd_ticket *old = named_problem(ctx, b, incidents[i]);
		if ((err = sd_problem_unlink(old, incidents[i], author, ctx->clock, reason, &c)))
			return err;
		if (old)
			sd_batch_mark(b, old);
	}
	if ((err = sd_problem_link(problem, incidents, n, author, ctx->clock, reason, changed)))
		return err;
	if (*changed)
		sd_batch_mark(b, problem);
	for (size_t i = 0; i < n; i++)
		sd_batch_mark(b, incidents[i]);
	return NULL;
}

sd_error *cmd_link(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_batch b = { 0 };
	struct sd_ticket *problem;
	const char *pid = sd_arg_str(args, "problem"), *reason = sd_arg_str(args, "message");
	const char *author;
	sd_error *err;
	if (!args->pos.n || !pid || !*pid)
		return sd_error_invalid("usage: sd link ID... --problem PID");
	if (reason && (err = sd_text_validate(reason, strlen(reason), "the reason")))
		return err;
	if ((err = sd_store_author(ctx->store, NULL, NULL, &author)) ||
	    (err = sd_batch_load(ctx, &b, pid, &problem)))
		goto done;
	struct sd_ticket **incidents = sd_xcalloc(args->pos.n, sizeof(*incidents));
	size_t changed = 0;
	for (size_t i = 0; !err && i < args->pos.n; i++)
		err = sd_batch_load(ctx, &b, args->pos.v[i], &incidents[i]);
	if (!err)
		err = sd_link_incidents(ctx, &b, problem, incidents, args->pos.n, author, reason,
					&changed);
	free(incidents);
	if (err)
		goto done;
	if (!changed) {
		fprintf(stderr, "sd: already linked to problem %s; nothing changed\n", pid);
		goto done;
	}
	err = sd_batch_save(ctx, &b, "link");
done:
	sd_batch_free(&b);
	return err;
}

sd_error *cmd_unlink(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_batch b = { 0 };
	const char *reason = sd_arg_str(args, "message");
	const char *author;
	sd_error *err;
	if (!args->pos.n)
		return sd_error_invalid("usage: sd unlink ID...");
	if (reason && (err = sd_text_validate(reason, strlen(reason), "the reason")))
		return err;
	if ((err = sd_store_author(ctx->store, NULL, NULL, &author)))
		goto done;
	for (size_t i = 0; i < args->pos.n; i++) {
		struct sd_ticket *incident;
		int changed;
		if ((err = sd_batch_load(ctx, &b, args->pos.v[i], &incident)))
			goto done;
		if (!*sd_ticket_get(incident, SD_F_PROBLEM)) {
			fprintf(stderr, "sd: ticket %s is linked to no problem; nothing changed\n",
				args->pos.v[i]);
			continue;
		}
		struct sd_ticket *problem = named_problem(ctx, &b, incident);
		if ((err = sd_problem_unlink(problem, incident, author, ctx->clock, reason,
					     &changed)))
			goto done;
		sd_batch_mark(&b, incident);
		if (problem)
			sd_batch_mark(&b, problem);
	}
	err = sd_batch_save(ctx, &b, "unlink");
done:
	sd_batch_free(&b);
	return err;
}
