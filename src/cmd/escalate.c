/* SPDX-License-Identifier: MIT */
/* sd escalate ID: move a ticket up (or, with --to, down) the support tiers. */

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "sd/intake.h"

const struct sd_option escalate_options[] = {
	{ SD_OPT_STRING, 0, "to", "TIER",
	  "the tier to move to (default: the next one); lower is a de-escalation" },
	{ SD_OPT_STRING, 'm', "message", "REASON", "why (required)" },
	{ SD_OPT_STRING, 0, "assignee", "ASSIGNEE", "who takes it over at the new tier" },
	{ SD_OPT_STRING, 0, "queue", "QUEUE", "the queue (default: the new tier's queue)" },
	{ SD_OPT_STRING, 0, "vendor", "VENDOR", "the external vendor (needed for L4)" },
	{ SD_OPT_STRING, 0, "vendor-ref", "REF", "the vendor's own ticket reference" },
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

sd_error *sd_escalate_ticket(struct sd_ctx *ctx, struct sd_ticket *t, int to, const char *author,
			     const char *reason, const char *queue)
{
	const struct sd_config *cfg = sd_store_config(ctx->store);
	sd_error *err =
		sd_ticket_change(t, SD_F_TIER, sd_tiers[to], author, ctx->clock, reason, NULL);
	if (!err && !queue && *cfg->tiers[to].queue)
		queue = cfg->tiers[to].queue;
	if (!err && queue)
		err = sd_ticket_change(t, SD_F_QUEUE, queue, author, ctx->clock, reason, NULL);
	return err;
}

static sd_error *assign_in_queue(struct sd_ctx *ctx, struct sd_ticket *t, const char *author,
				 const char *reason)
{
	struct sd_config *cfg = sd_store_config(ctx->store);
	struct sd_team_load load = { 0 };
	struct sd_route_outcome o = { 0 };
	sd_error *err = NULL;
	if (sd_team_queue(&cfg->team, sd_ticket_get(t, SD_F_QUEUE)) &&
	    !(err = sd_team_load_store(&load, ctx->store)))
		err = sd_route_queue_assign(&o, cfg, t, &load, author, ctx->clock, reason);
	sd_route_outcome_release(&o);
	sd_team_load_release(&load);
	return err;
}

sd_error *cmd_escalate(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_ticket t;
	struct sd_buf why = SD_BUF_INIT;
	const char *author, *reason = sd_arg_str(args, "message"), *to_arg = sd_arg_str(args, "to");
	const char *assignee = sd_arg_str(args, "assignee"), *queue = sd_arg_str(args, "queue");
	const char *vendor = sd_arg_str(args, "vendor"),
		   *vendor_ref = sd_arg_str(args, "vendor-ref");
	sd_error *err;
	sd_ticket_init(&t);
	if ((err = sd_args_count(args, 1, 1, ctx->cmd->usage)))
		goto done;
	if (!reason || !*reason) {
		err = sd_error_invalid("say why: sd escalate %s -m REASON", args->pos.v[0]);
		goto done;
	}
	if ((err = sd_text_validate(reason, strlen(reason), "the reason")) ||
	    (to_arg && (err = sd_field_validate(SD_F_TIER, to_arg))) ||
	    (assignee && (err = sd_field_validate(SD_F_ASSIGNEE, assignee))) ||
	    (queue && (err = sd_field_validate(SD_F_QUEUE, queue))) ||
	    (vendor && (err = sd_field_validate(SD_F_VENDOR, vendor))) ||
	    (vendor_ref && (err = sd_field_validate(SD_F_VENDOR_REF, vendor_ref))) ||
	    (err = sd_store_author(ctx->store, NULL, NULL, &author)))
		goto done;
	sd_ticket_free(&t);
	if ((err = sd_load_ticket(ctx, args->pos.v[0], &t)))
		goto done;
	int from = sd_value_index(sd_tiers, sd_ticket_get(&t, SD_F_TIER));
	int to = to_arg ? sd_value_index(sd_tiers, to_arg) : from + 1;
	if (from < 0)
		from = 1; /* a ticket without a tier is treated as the service desk's */
	if (to > 4) {
		err = sd_error_invalid("ticket %s is at L4, the last tier; there is no tier to escalate "
				       "to (use --to to move it elsewhere)",
				       args->pos.v[0]);
		goto done;
	}
	if (to == from) {
		err = sd_error_invalid("ticket %s is already at %s", args->pos.v[0], sd_tiers[to]);
		goto done;
	}
	if (to == 4 && !vendor && !*sd_ticket_get(&t, SD_F_VENDOR)) {
		err = sd_error_invalid("escalating to L4 needs the vendor: add --vendor NAME "
				       "(and --vendor-ref REF, the vendor's ticket)");
		goto done;
	}
	if (to != 4 && (vendor || vendor_ref)) {
		err = sd_error_invalid("--vendor and --vendor-ref are for escalations to L4");
		goto done;
	}
	int down = to < from;
	char *queue_before = sd_xstrdup(sd_ticket_get(&t, SD_F_QUEUE));
	sd_buf_printf(&why, "%s: %s", down ? "de-escalated" : "escalated", reason);
	err = sd_escalate_ticket(ctx, &t, to, author, why.data, queue);
	/* The new queue's chooser hands it over, unless told who takes it. */
	if (!err && !assignee && !sd_strcaseeq(queue_before, sd_ticket_get(&t, SD_F_QUEUE)))
		err = assign_in_queue(ctx, &t, author, why.data);
	free(queue_before);
	if (err ||
	    (assignee &&
	     (err = sd_ticket_change(&t, SD_F_ASSIGNEE, assignee, author, ctx->clock, why.data,
				     NULL))) ||
	    (vendor &&
	     (err = sd_ticket_change(&t, SD_F_VENDOR, vendor, author, ctx->clock, why.data,
				     NULL))) ||
	    (vendor_ref &&
	     (err = sd_ticket_change(&t, SD_F_VENDOR_REF, vendor_ref, author, ctx->clock, why.data,
				     NULL))))
		goto done;
	err = sd_save_ticket(ctx, &t, down ? "de-escalate" : "escalate");
done:
	sd_buf_release(&why);
	sd_ticket_free(&t);
	return err;
}
