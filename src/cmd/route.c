/* SPDX-License-Identifier: MIT */
/* sd route ID...: apply the routing rules again; --explain: say what they
 * would do with a request. */

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "sd/intake.h"

const struct sd_option route_options[] = {
	{ SD_OPT_BOOL, 'n', "dry-run", NULL, "say what would change, but change nothing" },
	{ SD_OPT_BOOL, 0, "explain", NULL,
	  "show which rule a request would match and who would get it" },
	{ SD_OPT_STRING, 0, "title", "TITLE", "--explain: the request's title" },
	{ SD_OPT_STRING, 'm', "message", "TEXT", "--explain: the request's description" },
	{ SD_OPT_STRING, 0, "type", "TYPE", "--explain: incident, request, problem or change" },
	{ SD_OPT_STRING, 0, "category", "CATEGORY", "--explain: the category" },
	{ SD_OPT_STRING, 0, "requester", "REQUESTER", "--explain: who asks (default: you)" },
	{ SD_OPT_LIST, 0, "tag", "TAG", "--explain: a tag (repeatable)" },
	{ SD_OPT_STRING, 0, "channel", "CHANNEL",
	  "--explain: cli, mail, web or import (default: cli)" },
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

/* The changes, each after sep and before end. */
static void put_outcome(struct sd_buf *out, const struct sd_route_outcome *o, const char *sep,
			const char *end)
{
	for (size_t i = 0; i < o->changes.n; i++) {
		sd_buf_adds(out, sep);
		sd_put_line(out, o->changes.v[i]);
		sd_buf_adds(out, end);
	}
	if (o->assign_note) {
		sd_buf_printf(out, "%s(", sep);
		sd_put_line(out, o->assign_note);
		sd_buf_printf(out, ")%s", end);
	}
}

static sd_error *explain(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_config *cfg = sd_store_config(ctx->store);
	struct sd_ticket t;
	struct sd_route_outcome o = { 0 };
	struct sd_buf out = SD_BUF_INIT;
	const char *author;
	const char *channel = sd_arg_str(args, "channel");
	struct sd_request req = {
		.title = sd_arg_str(args, "title") ? sd_arg_str(args, "title") : "-",
		.description = sd_arg_str(args, "message"),
		.type = sd_arg_str(args, "type"),
		.category = sd_arg_str(args, "category"),
		.requester = sd_arg_str(args, "requester"),
		.tags = sd_arg_list(args, "tag"),
		.channel = channel ? channel : "cli",
	};
	sd_ticket_init(&t);
	sd_error *err = sd_args_count(args, 0, 0, ctx->cmd->usage);
	if (!err && channel && sd_value_index(sd_channels, channel) < 0)
		err = sd_error_invalid("invalid channel '%s': use one of cli, mail, web, import",
				       channel);
	if (err || (err = sd_store_author(ctx->store, NULL, NULL, &author)))
		goto done;
	sd_ticket_free(&t);
	if ((err = sd_intake_prepare(&t, &o, ctx->store, &req, NULL, author, ctx->clock)))
		goto done;
	if (o.rule) {
		sd_buf_adds(&out, "rule \"");
		sd_put_line(&out, o.rule->name);
		sd_buf_printf(&out, "\" (%s:%zu) matches\n", SD_CONFIG_PATH, o.rule->line);
	} else {
		sd_buf_printf(&out, "no rule matches%s\n",
			      cfg->team.nrules ? "" : " (" SD_CONFIG_PATH " has no routing rules)");
	}
	put_outcome(&out, &o, "  ", "\n");
	sd_buf_adds(&out, "queue ");
	sd_put_line(&out, sd_ticket_get(&t, SD_F_QUEUE));
	sd_buf_printf(&out, ", tier %s, priority %s, assignee ", sd_ticket_get(&t, SD_F_TIER),
		      sd_ticket_get(&t, SD_F_PRIORITY));
	sd_put_line(&out,
		    *sd_ticket_get(&t, SD_F_ASSIGNEE) ? sd_ticket_get(&t, SD_F_ASSIGNEE)
						      : "(none)");
	sd_buf_adds(&out, "\n");
	fwrite(out.data, 1, out.len, ctx->out);
done:
	sd_buf_release(&out);
	sd_route_outcome_release(&o);
	sd_ticket_free(&t);
	return err;
}

sd_error *cmd_route(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_config *cfg = sd_store_config(ctx->store);
	struct sd_team_load load = { 0 };
	struct sd_buf out = SD_BUF_INIT;
	const char *author;
	int dry = sd_arg_flag(args, "dry-run");
	sd_error *err = NULL;

	if (sd_arg_flag(args, "explain"))
		return explain(ctx, args);
	static const char *const explain_only[] = { "title",	 "message", "type",    "category",
						    "requester", "tag",	    "channel", NULL };
	for (int i = 0; explain_only[i]; i++)
		if (sd_arg_str(args, explain_only[i]) || sd_arg_list(args, explain_only[i])->n)
			return sd_error_invalid("--%s describes a request for --explain; sd route "
						"ID... routes existing tickets",
						explain_only[i]);
	if ((err = sd_args_count(args, 1, SIZE_MAX, ctx->cmd->usage)) ||
	    (err = sd_store_author(ctx->store, NULL, NULL, &author)))
		return err;
	if (!cfg->team.nrules && !cfg->team.nqueues)
		return sd_error_invalid("%s has no routing rules and no queues with a chooser; "
					"see sd-config(5)",
					SD_CONFIG_PATH);
	/* Held from reading the load to the last commit, so that no other sd
	 * assigns meanwhile from the same numbers. */
	if ((err = sd_store_lock(ctx->store)) || (err = sd_team_load_store(&load, ctx->store)))
		goto done;
	for (size_t i = 0; i < args->pos.n && !err; i++) {
		struct sd_ticket t;
		struct sd_route_outcome o = { 0 };
		char short_id[SD_ID_LEN + 1];
		if ((err = sd_load_ticket(ctx, args->pos.v[i], &t)))
			break;
		int done = sd_status_is_done(sd_ticket_get(&t, SD_F_STATUS));
		if (!(err = sd_store_short_id_for(ctx->store, short_id,
						  sd_ticket_get(&t, SD_F_ID))) &&
		    done) {
			/* Work that is over is not handed to anyone. */
			sd_buf_printf(&out, "%s: %s; not routed\n", short_id,
				      sd_ticket_get(&t, SD_F_STATUS));
		} else if (!err &&
			   !(err = sd_route_apply(&o, cfg, &t, 0, 1, &load, author, ctx->clock))) {
			sd_buf_printf(&out, "%s: ", short_id);
			if (o.rule) {
				sd_buf_adds(&out, "rule \"");
				sd_put_line(&out, o.rule->name);
				sd_buf_adds(&out, "\"");
			} else {
				sd_buf_adds(&out, "no rule matches");
			}
			if (!o.changes.n)
				sd_buf_adds(&out, "; unchanged");
			put_outcome(&out, &o, o.changes.n ? "; " : " ", "");
			sd_buf_adds(&out, "\n");
			if (o.changes.n && !dry)
				err = sd_save_ticket(ctx, &t, "route");
		}
		/* Each line as its ticket is done: an error with a later
		 * ticket must not hide what was already committed. */
		if (!err) {
			fwrite(out.data, 1, out.len, ctx->out);
			sd_buf_reset(&out);
		}
		sd_route_outcome_release(&o);
		sd_ticket_free(&t);
	}
	if (dry && !err)
		sd_buf_adds(&out, "dry run: nothing was changed\n");
	fwrite(out.data, 1, out.len, ctx->out);
done:
	sd_buf_release(&out);
	sd_team_load_release(&load);
	return err;
}
