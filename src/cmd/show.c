/* SPDX-License-Identifier: MIT */
/* sd show ID: one ticket, for people or (--json) for programs. */

#include <string.h>

#include "cmd/cmd.h"
#include "sd/attach.h"
#include "sd/calendar.h"
#include "sd/inbox.h"
#include "sd/mdterm.h"
#include "sd/sla.h"
#include "sd/text.h"

const struct sd_option show_options[] = {
	{ SD_OPT_BOOL, 0, "json", NULL, "print the ticket as JSON" },
	{ SD_OPT_BOOL, 0, "raw", NULL,
	  "show the description and comments as their Markdown source" },
	{ SD_OPT_BOOL, 0, "files", NULL, "list the ticket's files: name, tab, size in bytes" },
	SD_DATE_OPTION_ROW,
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

static void field_line(struct sd_ctx *ctx, struct sd_buf *out, const char *name, const char *value)
{
	sd_buf_printf(out, "%s%-10s%s ", sd_color(ctx, SD_DIM), name, sd_color(ctx, SD_RESET));
	sd_put_text(out, *value ? value : "-");
	sd_buf_addch(out, '\n');
}

/* On a terminal, the description and comments are rendered from their
 * Markdown (inert: mdterm.h); --raw and a pipe get the source. */
static int rendered;

static void indent_text(struct sd_ctx *ctx, struct sd_buf *out, const char *text, int markdown)
{
	if (rendered && markdown) {
		struct sd_mdterm_options opt = { (size_t)ctx->columns, 4, ctx->color,
						 ctx->color && sd_mdterm_hyperlinks_supported() };
		sd_mdterm_render(out, text, strlen(text), &opt);
		return;
	}
	struct sd_buf inert = SD_BUF_INIT;
	sd_put_text(&inert, text);
	const char *p = inert.data;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n)
			sd_buf_adds(out, "    ");
		sd_buf_add(out, p, n);
		sd_buf_addch(out, '\n');
		p += n + (nl ? 1 : 0);
	}
	sd_buf_release(&inert);
}

static void clock_line(struct sd_ctx *ctx, struct sd_buf *out, const char *name,
		       const struct sd_clock *c, const char *calendar)
{
	sd_buf_printf(out, "  %-16s ", name);
	if (!c->present || !c->active) {
		sd_buf_adds(out, c->present ? "- (nothing waits for an answer)\n" : "-\n");
		return;
	}
	const char *color = c->state == SD_CLOCK_BREACHED ? "1;31"
		: c->state == SD_CLOCK_AT_RISK		  ? SD_YELLOW
		: c->state == SD_CLOCK_MET		  ? SD_GREEN
							  : SD_RESET;
	char left[32], due[48];
	sd_duration_format(left, c->target - c->elapsed);
	sd_buf_printf(out, "%s%s%s", sd_color(ctx, color), sd_clock_states[c->state],
		      sd_color(ctx, SD_RESET));
	if (c->has_due && c->state != SD_CLOCK_PAUSED && c->state != SD_CLOCK_MET) {
		sd_format_due(ctx, due, c->due, calendar);
		sd_buf_printf(out, ", due %s", due);
	}
	if (c->state != SD_CLOCK_MET)
		sd_buf_printf(out, c->elapsed > c->target ? ", %s over" : ", %s left",
			      c->elapsed > c->target ? left + 1 : left);
	sd_buf_addch(out, '\n');
}

static void show_sla(struct sd_ctx *ctx, struct sd_buf *out, const struct sd_ticket *t)
{
	struct sd_sla sla;
	sd_error *err = sd_sla_evaluate(&sla, sd_store_config(ctx->store), t, ctx->now);
	if (err || !sla.policy) {
		sd_error_free(err);
		return;
	}
	sd_buf_printf(out, "%s%-10s%s ", sd_color(ctx, SD_DIM), "sla", sd_color(ctx, SD_RESET));
	sd_put_line(out, sla.policy->name);
	sd_buf_adds(out, " (");
	sd_put_line(out, sla.policy->calendar);
	sd_buf_adds(out, " hours)\n");
	clock_line(ctx, out, "first response", &sla.first_response, sla.policy->calendar);
	if (sla.next_response.present)
		clock_line(ctx, out, "next response", &sla.next_response, sla.policy->calendar);
	clock_line(ctx, out, "resolution", &sla.resolution, sla.policy->calendar);
}

/* The problem an incident is linked to, and a problem's incidents, each
 * with its title and status (read from their files: a few at most). */
static void show_links(struct sd_ctx *ctx, struct sd_buf *out, const struct sd_ticket *t)
{
	const char *pid = sd_ticket_get(t, SD_F_PROBLEM);
	struct sd_strvec ids = SD_STRVEC_INIT;
	struct sd_buf line = SD_BUF_INIT;
	if (*pid)
		sd_strvec_push(&ids, pid);
	sd_ticket_incidents(t, &ids);
	for (size_t i = 0; i < ids.n; i++) {
		struct sd_ticket other;
		char short_id[SD_ID_LEN + 1];
		sd_error *err = sd_store_short_id_for(ctx->store, short_id, ids.v[i]);
		sd_ticket_init(&other);
		if (!err)
			err = sd_store_read(ctx->store, ids.v[i], &other, NULL);
		sd_buf_reset(&line);
		if (err)
			sd_buf_printf(&line, "%s (missing: %s)", ids.v[i], err->msg);
		else
			sd_buf_printf(&line, "%s %s %s", short_id,
				      sd_ticket_get(&other, SD_F_STATUS),
				      sd_ticket_get(&other, SD_F_TITLE));
		/* One incident a line, the first named "incidents". */
		field_line(ctx, out,
			   i == 0 && *pid		   ? "problem"
				   : i == (*pid ? 1u : 0u) ? "incidents"
							   : "",
			   line.data);
		sd_error_free(err);
		sd_ticket_free(&other);
	}
	if (!strcmp(sd_ticket_get(t, SD_F_TYPE), "problem") && ids.n == (*pid ? 1u : 0u))
		field_line(ctx, out, "incidents", "");
	if (!strcmp(sd_ticket_get(t, SD_F_KNOWN_ERROR), "true"))
		field_line(ctx, out, "known err", "yes: the workaround is in the timeline");
	sd_buf_release(&line);
	sd_strvec_clear(&ids);
}

static void show_human(struct sd_ctx *ctx, struct sd_buf *out, const struct sd_ticket *t,
		       const char *short_id, const struct sd_attach_entry *files, size_t nfiles)
{
	const struct sd_config *cfg = sd_store_config(ctx->store);
	struct sd_buf tmp = SD_BUF_INIT;
	char created[48], updated[48], age[16];
	sd_time c = ctx->now, u = ctx->now;
	sd_time_parse(&c, sd_ticket_get(t, SD_F_CREATED));
	sd_time_parse(&u, sd_ticket_get(t, SD_F_UPDATED));
	sd_format_when(ctx, created, c);
	sd_format_when(ctx, updated, u);
	sd_time_format_age(age, c, ctx->now);

	sd_buf_printf(out, "%s%s%s %s", sd_color(ctx, SD_YELLOW), short_id, sd_color(ctx, SD_RESET),
		      sd_color(ctx, SD_BOLD));
	sd_put_text(out, sd_ticket_get(t, SD_F_TITLE));
	sd_buf_printf(out, "%s\n\n", sd_color(ctx, SD_RESET));
	field_line(ctx, out, "id", sd_ticket_get(t, SD_F_ID));
	field_line(ctx, out, "status", sd_ticket_get(t, SD_F_STATUS));
	field_line(ctx, out, "type", sd_ticket_get(t, SD_F_TYPE));
	sd_buf_printf(&tmp, "%s (impact %s, urgency %s)", sd_ticket_get(t, SD_F_PRIORITY),
		      *sd_ticket_get(t, SD_F_IMPACT) ? sd_ticket_get(t, SD_F_IMPACT) : "-",
		      *sd_ticket_get(t, SD_F_URGENCY) ? sd_ticket_get(t, SD_F_URGENCY) : "-");
	field_line(ctx, out, "priority", tmp.data);
	sd_buf_reset(&tmp);
	int tier = sd_value_index(sd_tiers, sd_ticket_get(t, SD_F_TIER));
	if (tier >= 0 && *cfg->tiers[tier].name)
		sd_buf_printf(&tmp, "%s (%s)", sd_tiers[tier], cfg->tiers[tier].name);
	else
		sd_buf_adds(&tmp, sd_ticket_get(t, SD_F_TIER));
	field_line(ctx, out, "tier", tmp.data);
	field_line(ctx, out, "queue", sd_ticket_get(t, SD_F_QUEUE));
	field_line(ctx, out, "assignee", sd_ticket_get(t, SD_F_ASSIGNEE));
	field_line(ctx, out, "requester", sd_ticket_get(t, SD_F_REQUESTER));
	if (*sd_ticket_get(t, SD_F_CC))
		field_line(ctx, out, "cc", sd_ticket_get(t, SD_F_CC));
	field_line(ctx, out, "category", sd_ticket_get(t, SD_F_CATEGORY));
	sd_buf_reset(&tmp);
	sd_ticket_tags_join(t, &tmp);
	field_line(ctx, out, "tags", tmp.data);
	field_line(ctx, out, "asset", sd_ticket_get(t, SD_F_ASSET));
	show_links(ctx, out, t);
	for (enum sd_field f = SD_F_KEY; f <= SD_F_VENDOR_REF; f++)
		if (*sd_ticket_get(t, f))
			field_line(ctx, out, sd_fields[f].name, sd_ticket_get(t, f));
	sd_buf_reset(&tmp);
	if (ctx->date_mode == SD_DATE_RELATIVE)
		sd_buf_adds(&tmp, created); /* "3d ago" already */
	else
		sd_buf_printf(&tmp, "%s (%s ago)", created, age);
	field_line(ctx, out, "created", tmp.data);
	field_line(ctx, out, "updated", updated);
	show_sla(ctx, out, t);
	for (size_t i = 0; i < nfiles; i++) {
		sd_buf_reset(&tmp);
		sd_buf_printf(&tmp, "files/%s (%llu bytes)", files[i].name,
			      (unsigned long long)files[i].size);
		field_line(ctx, out, i ? "" : "files", tmp.data);
	}
	for (size_t i = 0; i < t->nextra; i++) {
		sd_buf_printf(out, "%s", sd_color(ctx, SD_DIM));
		sd_put_text(out, t->extra[i].raw);
		sd_buf_printf(out, "%s", sd_color(ctx, SD_RESET));
	}
	if (*t->description) {
		sd_buf_addch(out, '\n');
		indent_text(ctx, out, t->description, 1);
	}
	if (t->nentries)
		sd_buf_printf(out, "\n%sTimeline%s\n", sd_color(ctx, SD_BOLD),
			      sd_color(ctx, SD_RESET));
	for (size_t i = 0; i < t->nentries; i++) {
		const struct sd_entry *e = &t->entries[i];
		char when[48];
		sd_format_when(ctx, when, sd_stamp_seconds(e->at));
		sd_buf_printf(out, "\n%s%s%s  ", sd_color(ctx, SD_DIM), when,
			      sd_color(ctx, SD_RESET));
		sd_put_text(out, e->author);
		if (e->kind == SD_ENTRY_COMMENT) {
			sd_buf_printf(out, " %s%s%s\n", e->internal ? sd_color(ctx, SD_YELLOW) : "",
				      e->internal ? "(internal note)" : "commented",
				      e->internal ? sd_color(ctx, SD_RESET) : "");
			indent_text(ctx, out, e->body, 1);
		} else {
			sd_buf_adds(out, " changed ");
			sd_put_text(out, e->field);
			sd_buf_adds(out, ": ");
			sd_put_text(out, *e->from ? e->from : "(none)");
			sd_buf_adds(out, " → ");
			sd_put_text(out, *e->to ? e->to : "(none)");
			sd_buf_addch(out, '\n');
			if (*e->reason)
				indent_text(ctx, out, e->reason, 0);
		}
	}
	sd_buf_release(&tmp);
}

/* [{"name": ..., "path": ..., "size": ...}, ...] */
static void files_json(struct sd_buf *out, const char *id, const struct sd_attach_entry *files,
		       size_t n)
{
	struct sd_buf path = SD_BUF_INIT;
	sd_buf_addch(out, '[');
	for (size_t i = 0; i < n; i++) {
		sd_buf_reset(&path);
		sd_attach_dir(&path, id);
		sd_buf_printf(&path, "/%s", files[i].name);
		sd_buf_adds(out, i ? ",{\"name\":" : "{\"name\":");
		sd_json_string(out, files[i].name);
		sd_buf_adds(out, ",\"path\":");
		sd_json_string(out, path.data);
		sd_buf_printf(out, ",\"size\":%llu}", (unsigned long long)files[i].size);
	}
	sd_buf_addch(out, ']');
	sd_buf_release(&path);
}

sd_error *cmd_show(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_ticket t;
	struct sd_buf out = SD_BUF_INIT, raw = SD_BUF_INIT, rel = SD_BUF_INIT;
	char id[SD_ID_LEN + 1], short_id[SD_ID_LEN + 1];
	struct sd_attach_entry *files = NULL;
	size_t nfiles = 0;
	sd_error *err;
	sd_ticket_init(&t);
	if ((err = sd_args_count(args, 1, 1, ctx->cmd->usage)) || (err = sd_date_option(ctx, args)))
		goto done;
	if ((err = sd_store_resolve(ctx->store, id, args->pos.v[0])) ||
	    (err = sd_store_short_id_for(ctx->store, short_id, id)))
		goto done;
	sd_ticket_free(&t);
	if ((err = sd_store_read(ctx->store, id, &t, &raw)))
		goto done;
	sd_ticket_path(&rel, id);
	char *big = sd_ticket_size_warning(rel.data, raw.len);
	if (big)
		sd_warn(big);
	if ((err = sd_attach_list(ctx->store, id, &files, &nfiles)))
		goto done;
	if (sd_arg_flag(args, "files") && sd_arg_flag(args, "json")) {
		files_json(&out, id, files, nfiles);
		sd_buf_addch(&out, '\n');
	} else if (sd_arg_flag(args, "files")) {
		/* Names are anybody's text (a mail's attachment): inert. */
		for (size_t i = 0; i < nfiles; i++) {
			sd_put_line(&out, files[i].name);
			sd_buf_printf(&out, "\t%llu\n", (unsigned long long)files[i].size);
		}
	} else if (sd_arg_flag(args, "json")) {
		sd_ticket_json_full(&out, &t);
		/* The files, as one more key, when there are any: so a
		 * ticket without files reads as sd export writes it. */
		if (nfiles) {
			sd_buf_setlen(&out, out.len - 1);
			sd_buf_adds(&out, ",\"files\":");
			files_json(&out, id, files, nfiles);
			sd_buf_addch(&out, '}');
		}
		sd_buf_addch(&out, '\n');
	} else {
		rendered = ctx->stdout_tty && !sd_arg_flag(args, "raw");
		sd_pager_start(ctx);
		show_human(ctx, &out, &t, short_id, files, nfiles);
		/* Looked at: sd inbox stops listing it as changed. */
		sd_error *seen =
			sd_inbox_seen_mark(ctx->store, id, sd_ticket_get(&t, SD_F_UPDATED));
		if (seen) {
			sd_warn(sd_xstrdup(seen->msg));
			sd_error_free(seen);
		}
	}
	fwrite(out.data, 1, out.len, ctx->out);
done:
	sd_buf_release(&out);
	sd_buf_release(&raw);
	sd_buf_release(&rel);
	sd_attach_list_free(files, nfiles);
	sd_ticket_free(&t);
	return err;
}
