/* SPDX-License-Identifier: MIT */
/* Intake: validate, default, route and commit a new ticket. */

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sd/attach.h"
#include "sd/cache.h"
#include "sd/intake.h"
#include "sd/outbox.h"
#include "sd/text.h"

static const struct {
	size_t offset;
	enum sd_field field;
} request_fields[] = {
	{ offsetof(struct sd_request, type), SD_F_TYPE },
	{ offsetof(struct sd_request, impact), SD_F_IMPACT },
	{ offsetof(struct sd_request, urgency), SD_F_URGENCY },
	{ offsetof(struct sd_request, priority), SD_F_PRIORITY },
	{ offsetof(struct sd_request, category), SD_F_CATEGORY },
	{ offsetof(struct sd_request, queue), SD_F_QUEUE },
	{ offsetof(struct sd_request, assignee), SD_F_ASSIGNEE },
	{ offsetof(struct sd_request, requester), SD_F_REQUESTER },
	{ offsetof(struct sd_request, asset), SD_F_ASSET },
	{ offsetof(struct sd_request, tier), SD_F_TIER },
	{ offsetof(struct sd_request, key), SD_F_KEY },
};
#define NFIELDS (sizeof(request_fields) / sizeof(*request_fields))

static const char *request_value(const struct sd_request *req, size_t i)
{
	return *(const char *const *)((const char *)req + request_fields[i].offset);
}

sd_error *sd_request_validate(const struct sd_request *req)
{
	sd_error *err;
	if (!req->title)
		return sd_error_invalid("no title given");
	if ((err = sd_field_validate(SD_F_TITLE, req->title)))
		return err;
	for (size_t i = 0; i < NFIELDS; i++) {
		const char *v = request_value(req, i);
		if (v && (err = sd_field_validate(request_fields[i].field, v)))
			return err;
	}
	for (size_t i = 0; req->tags && i < req->tags->n; i++)
		if ((err = sd_field_validate(SD_F_TAGS, req->tags->v[i])))
			return err;
	if (req->description &&
	    (err = sd_text_validate(req->description, strlen(req->description), "the description")))
		return err;
	if (!req->channel || sd_value_index(sd_channels, req->channel) < 0)
		return sd_error_invalid("invalid channel '%s': use one of cli, mail, web, import",
					req->channel ? req->channel : "");
	return NULL;
}

static int take_load(struct sd_summary *s, void *arg)
{
	void **a = arg;
	sd_team_load_add(a[0], a[1], &s->t);
	return 0;
}

sd_error *sd_team_load_store(struct sd_team_load *l, struct sd_store *store)
{
	struct sd_config *cfg = sd_store_config(store);
	struct sd_summaries sums;
	void *arg[2] = { l, &cfg->team };
	if (!cfg->team.nagents)
		return NULL;
	memset(&sums, 0, sizeof(sums));
	sd_error *err = sd_summaries_load(store, &sums, take_load, arg);
	/* A ticket that cannot be read has no say in who is busy; sd check
	 * reports it. */
	sd_summaries_free(&sums);
	return err;
}

/* What rebalancing reads: the load, and the open tickets assigned to an
 * agent in a queue with a round-robin or least-loaded chooser. */
struct rebalance_scan {
	struct sd_team_load *load;
	struct sd_config *cfg;
	struct sd_strvec ids;
};

static int balanced_queue(const struct sd_team *team, const char *queue)
{
	const struct sd_queue *q = sd_team_queue(team, queue);
	return q &&
		(q->assign.kind == SD_ASSIGN_ROUND_ROBIN ||
		 q->assign.kind == SD_ASSIGN_LEAST_LOADED);
}

static int take_rebalance(struct sd_summary *s, void *arg)
{
	struct rebalance_scan *r = arg;
	const struct sd_ticket *t = &s->t;
	sd_team_load_add(r->load, &r->cfg->team, t);
	if (!sd_status_is_done(sd_ticket_get(t, SD_F_STATUS)) &&
	    sd_team_agent(&r->cfg->team, sd_ticket_get(t, SD_F_ASSIGNEE)) &&
	    balanced_queue(&r->cfg->team, sd_ticket_get(t, SD_F_QUEUE)))
		sd_strvec_push(&r->ids, sd_ticket_get(t, SD_F_ID));
	return 0;
}

/* Whether some queue's agents differ by more than one open ticket: if
 * not, neither do its available ones, and no ticket needs reading. */
static int uneven(const struct sd_config *cfg, const struct sd_team_load *l)
{
	const struct sd_team *team = &cfg->team;
	for (size_t q = 0; q < team->nqueues; q++) {
		size_t lo = SIZE_MAX, hi = 0;
		if (!balanced_queue(team, team->queues[q].name))
			continue;
		for (size_t i = 0; i < team->nagents; i++) {
			if (!sd_agent_in_queue(&team->agents[i], team->queues[q].name))
				continue;
			size_t open = sd_team_load_open(l, &team->agents[i], team->queues[q].name);
			lo = open < lo ? open : lo;
			hi = open > hi ? open : hi;
		}
		if (lo != SIZE_MAX && hi > lo + 1)
			return 1;
	}
	return 0;
}

sd_error *sd_rebalance_store(struct sd_store *store, const char *author, sd_stamp at,
			     size_t *moved_out)
{
	struct sd_config *cfg = sd_store_config(store);
	struct sd_team_load load = { 0 };
	struct rebalance_scan scan = { &load, cfg, SD_STRVEC_INIT };
	struct sd_summaries sums;
	struct sd_ticket *tickets = NULL, **ptrs = NULL;
	unsigned char *moved = NULL;
	size_t n = 0, nmoved = 0;
	sd_error *err = NULL;
	*moved_out = 0;
	if (!cfg->team.nagents || !cfg->team.nqueues)
		return NULL;
	/* Held from reading the loads to the commit, so that no other sd
	 * assigns meanwhile from the same numbers. */
	if ((err = sd_store_lock(store)))
		return err;
	memset(&sums, 0, sizeof(sums));
	err = sd_summaries_load(store, &sums, take_rebalance, &scan);
	sd_summaries_free(&sums);
	if (err || !uneven(cfg, &load))
		goto done;
	tickets = sd_xcalloc(scan.ids.n + 1, sizeof(*tickets));
	ptrs = sd_xcalloc(scan.ids.n + 1, sizeof(*ptrs));
	moved = sd_xcalloc(scan.ids.n + 1, 1);
	for (; n < scan.ids.n && !err; n++) {
		err = sd_store_read(store, scan.ids.v[n], &tickets[n], NULL);
		ptrs[n] = &tickets[n];
		if (err) {
			/* Unreadable: it has no say (sd check reports it). */
			sd_error_free(err);
			err = NULL;
			sd_ticket_init(&tickets[n]);
		}
	}
	nmoved = sd_route_rebalance(cfg, &load, ptrs, n, author, at, moved);
	if (nmoved) {
		struct sd_change *changes = sd_xcalloc(nmoved, sizeof(*changes));
		struct sd_buf *texts = sd_xcalloc(nmoved, sizeof(*texts));
		struct sd_buf *paths = sd_xcalloc(nmoved, sizeof(*paths));
		struct sd_buf msg = SD_BUF_INIT;
		size_t k = 0;
		sd_buf_printf(&msg, "sd: rebalance after sync, %zu ticket%s\n\n", nmoved,
			      nmoved == 1 ? "" : "s");
		for (size_t i = 0; i < n; i++) {
			if (!moved[i])
				continue;
			char stamp[SD_STAMP_STRLEN];
			sd_stamp_format(stamp, sd_ticket_updated_stamp(&tickets[i], at));
			sd_ticket_set(&tickets[i], SD_F_UPDATED, stamp);
			sd_buf_init(&texts[k]);
			sd_buf_init(&paths[k]);
			sd_ticket_write(&tickets[i], &texts[k]);
			sd_ticket_path(&paths[k], sd_ticket_get(&tickets[i], SD_F_ID));
			changes[k] =
				(struct sd_change){ paths[k].data, texts[k].data, texts[k].len };
			sd_buf_printf(&msg, "%s -> %s\n", sd_ticket_get(&tickets[i], SD_F_ID),
				      sd_ticket_get(&tickets[i], SD_F_ASSIGNEE));
			k++;
		}
		/* One commit for every move, after the merge's. */
		err = sd_store_commit(store, changes, k, msg.data);
		for (size_t i = 0; i < k; i++) {
			sd_buf_release(&texts[i]);
			sd_buf_release(&paths[i]);
		}
		free(changes);
		free(texts);
		free(paths);
		sd_buf_release(&msg);
		if (!err)
			*moved_out = k;
	}
done:
	for (size_t i = 0; i < n; i++)
		sd_ticket_free(&tickets[i]);
	free(tickets);
	free(ptrs);
	free(moved);
	sd_strvec_clear(&scan.ids);
	sd_team_load_release(&load);
	sd_store_unlock(store);
	return err;
}

/* A fresh id no file has: ids are random, a clash astronomically rare,
 * but checking costs one stat. */
static sd_error *new_id(struct sd_store *store, char id[SD_ID_LEN + 1])
{
	for (;;) {
		struct sd_buf path = SD_BUF_INIT;
		struct stat st;
		sd_error *err = sd_id_generate(id, SD_ID_LEN);
		if (err)
			return err;
		sd_buf_printf(&path, "%s", sd_store_root(store));
		sd_ticket_path(&path, id);
		int exists = lstat(path.data, &st) == 0;
		sd_buf_release(&path);
		if (!exists)
			return NULL;
	}
}

sd_error *sd_intake_prepare(struct sd_ticket *t, struct sd_route_outcome *route,
			    struct sd_store *store, const struct sd_request *req,
			    struct sd_team_load *load, const char *author, sd_stamp now)
{
	struct sd_config *cfg = sd_store_config(store);
	struct sd_route_outcome own = { 0 };
	struct sd_team_load own_load = { 0 };
	struct sd_buf email = SD_BUF_INIT;
	char id[SD_ID_LEN + 1], stamp[SD_STAMP_STRLEN];
	unsigned long fixed = 0;
	sd_error *err;

	sd_ticket_init(t);
	if ((err = sd_request_validate(req)) || (err = new_id(store, id)))
		goto done;
	sd_email_of(&email, author);
	sd_stamp_format(stamp, now);
	sd_ticket_set(t, SD_F_ID, id);
	sd_ticket_set(t, SD_F_TITLE, req->title);
	sd_ticket_set(t, SD_F_STATUS, "new");
	sd_ticket_set(t, SD_F_TYPE, cfg->default_type);
	sd_ticket_set(t, SD_F_TIER, cfg->default_tier);
	sd_ticket_set(t, SD_F_IMPACT, "medium");
	sd_ticket_set(t, SD_F_URGENCY, "medium");
	sd_ticket_set(t, SD_F_REQUESTER, email.data);
	sd_ticket_set(t, SD_F_CHANNEL, req->channel);
	sd_ticket_set(t, SD_F_CREATED, stamp);
	sd_ticket_set(t, SD_F_UPDATED, stamp);
	for (size_t i = 0; i < NFIELDS; i++) {
		const char *v = request_value(req, i);
		if (v) {
			sd_ticket_set(t, request_fields[i].field, v);
			fixed |= SD_ROUTE_FIXED(request_fields[i].field);
		}
	}
	if (!req->priority)
		sd_ticket_set(t, SD_F_PRIORITY,
			      sd_config_priority(cfg, sd_ticket_get(t, SD_F_IMPACT),
						 sd_ticket_get(t, SD_F_URGENCY)));
	if (!req->queue) {
		int tier = sd_value_index(sd_tiers, sd_ticket_get(t, SD_F_TIER));
		sd_ticket_set(t, SD_F_QUEUE, cfg->tiers[tier].queue);
	}
	for (size_t i = 0; req->tags && i < req->tags->n; i++)
		if (!sd_strvec_has(&t->tags, req->tags->v[i]))
			sd_strvec_push(&t->tags, req->tags->v[i]);
	free(t->description);
	t->description = sd_xstrdup(req->description ? req->description : "");
	if (req->no_auto_reply)
		sd_outbox_withhold_auto_reply(t, author, now, req->no_auto_reply);
	if (req->no_route || (!cfg->team.nrules && !cfg->team.nqueues))
		goto done;
	if (!load) {
		load = &own_load;
		if ((err = sd_team_load_store(load, store)))
			goto done;
	}
	err = sd_route_apply(route ? route : &own, cfg, t, fixed, 0, load, author, now);
	/* Routing's events come a millisecond apart after the creation. */
	if (!err) {
		sd_stamp_format(stamp, sd_ticket_updated_stamp(t, now));
		sd_ticket_set(t, SD_F_UPDATED, stamp);
	}
done:
	if (err) {
		sd_ticket_free(t);
		sd_ticket_init(t);
	}
	sd_route_outcome_release(&own);
	sd_team_load_release(&own_load);
	sd_buf_release(&email);
	return err;
}

struct key_search {
	const char *key;
	char id[SD_ID_LEN + 1];
	int found;
};

static int take_key(struct sd_summary *s, void *arg)
{
	struct key_search *k = arg;
	const char *status = sd_ticket_get(&s->t, SD_F_STATUS);
	if (!k->found && !strcmp(sd_ticket_get(&s->t, SD_F_KEY), k->key) &&
	    strcmp(status, "closed") && strcmp(status, "cancelled")) {
		memcpy(k->id, sd_ticket_get(&s->t, SD_F_ID), SD_ID_LEN + 1);
		k->found = 1;
	}
	return 0;
}

/* Adds the text to the ticket that already carries the key. A resolved
 * ticket whose problem is reported again is reopened: the fix did not
 * hold, and a comment on a resolved ticket is easily missed. */
static sd_error *reuse(struct sd_store *store, const char *id, const struct sd_request *req,
		       const char *author, sd_stamp now)
{
	struct sd_ticket t;
	struct sd_buf reason = SD_BUF_INIT;
	char stamp[SD_STAMP_STRLEN];
	int reopened = 0;
	const char *text = req->description;
	sd_error *err = sd_store_read(store, id, &t, NULL);
	if (err || !text || !*text)
		goto done;
	if ((err = sd_text_validate(text, strlen(text), "the description")) ||
	    (err = sd_ticket_add_comment(&t, author, now, 0, text)))
		goto done;
	if (!strcmp(sd_ticket_get(&t, SD_F_STATUS), "resolved")) {
		sd_buf_printf(&reason, "reported again (key %s)", req->key);
		if ((err = sd_ticket_change(&t, SD_F_STATUS, "open", author, now, reason.data,
					    &reopened)))
			goto done;
	}
	sd_stamp_format(stamp, sd_ticket_updated_stamp(&t, now));
	sd_ticket_set(&t, SD_F_UPDATED, stamp);
	err = sd_store_save_ticket(store, &t, reopened ? "reopen" : "comment");
done:
	sd_buf_release(&reason);
	sd_ticket_free(&t);
	return err;
}

/* Commits the new ticket t with req's files, all or nothing. */
static sd_error *commit_new(struct sd_store *store, struct sd_ticket *t,
			    const struct sd_request *req, sd_stamp now)
{
	struct sd_attach_plan plan = { 0 };
	char stamp[SD_STAMP_STRLEN];
	const char *id = sd_ticket_get(t, SD_F_ID);
	const char *what = req->file_limit_name ? req->file_limit_name : "the file limits";
	sd_error *err;
	if (!req->nfiles)
		return sd_store_save_ticket(store, t, "new");
	if ((err = sd_attach_plan(&plan, store, id, req->files, req->nfiles, req->file_limits, what,
				  what)))
		goto done;
	for (size_t i = 0; i < plan.n; i++)
		if (plan.items[i].dropped) {
			err = sd_error_invalid("%s: %s; nothing was sent", plan.items[i].given,
					       plan.items[i].dropped);
			goto done;
		}
	/* The requester attached them: a file an agent attaches goes out
	 * with the agent's next answer (outbox.h), these must not. */
	if ((err = sd_attach_record(t, &plan, sd_ticket_get(t, SD_F_REQUESTER), now, 1, NULL)))
		goto done;
	sd_stamp_format(stamp, sd_ticket_updated_stamp(t, now));
	sd_ticket_set(t, SD_F_UPDATED, stamp);
	err = sd_attach_commit(store, t, &plan, "new");
done:
	sd_attach_plan_release(&plan);
	return err;
}

sd_error *sd_intake_open(struct sd_store *store, const struct sd_request *req, sd_stamp now,
			 struct sd_intake_result *out)
{
	struct sd_ticket t;
	const char *author;
	sd_error *err;
	sd_ticket_init(&t);
	out->reused = 0;
	out->id[0] = '\0';
	if (req->key && !*req->key)
		return sd_error_invalid("the key must not be empty");
	if (req->key && req->nfiles)
		return sd_error_invalid("files come only with a new ticket, not with a key");
	if (req->nfiles && !req->file_limits)
		return sd_error_invalid("files need limits");
	/* Everything is checked before anything is read or locked; a title
	 * may be missing only when the key is to find a ticket. */
	struct sd_request check = *req;
	if (!check.title && check.key)
		check.title = "-";
	if ((err = sd_request_validate(&check)))
		return err;
	/* Held from reading the tickets to the commit, so that two intakes
	 * at once neither open two tickets for one key nor both pick the
	 * same agent as least loaded. */
	if ((err = sd_store_author(store, NULL, NULL, &author)) || (err = sd_store_lock(store)))
		goto done;
	if (req->key) {
		struct key_search k = { req->key, "", 0 };
		struct sd_summaries sums;
		memset(&sums, 0, sizeof(sums));
		err = sd_summaries_load(store, &sums, take_key, &k);
		sd_summaries_free(&sums);
		if (err)
			goto done;
		if (k.found) {
			memcpy(out->id, k.id, SD_ID_LEN + 1);
			out->reused = 1;
			err = reuse(store, k.id, req, author, now);
			goto done;
		}
		if (!req->title) {
			err = sd_error_invalid("no open ticket has key '%s', and no title was given to "
					       "open one",
					       req->key);
			goto done;
		}
	}
	sd_ticket_free(&t);
	if ((err = sd_intake_prepare(&t, &out->route, store, req, NULL, author, now)) ||
	    (err = commit_new(store, &t, req, now)))
		goto done;
	memcpy(out->id, sd_ticket_get(&t, SD_F_ID), SD_ID_LEN + 1);
done:
	sd_ticket_free(&t);
	return err;
}
