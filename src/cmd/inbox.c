/* SPDX-License-Identifier: MIT */
/* sd inbox: what needs me now, in sections (see sd/inbox.h), from the
 * same cached summaries as sd list, so it is as fast. */

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "sd/inbox.h"
#include "sd/team.h"
#include "sd/text.h"

const struct sd_option inbox_options[] = {
	{ SD_OPT_STRING, 'n', "limit", "N",
	  "show the first N tickets of each section (0: all; 5)" },
	{ SD_OPT_BOOL, 0, "json", NULL,
	  "print an object of sections, each with its count and tickets" },
	{ SD_OPT_STRING, 0, "format", "FMT", "print each ticket with FMT, as sd list does" },
	SD_WIDE_OPTION_ROW,
	SD_DATE_OPTION_ROW,
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

static const char *const headings[SD_INBOX_COUNT] = {
	"Breached or at risk, assigned to you",
	"Waiting for your answer",
	"Unassigned in your queues",
	"Opened by you, changed since you looked",
};

static sd_error *parse_limit(const char *v, size_t *out)
{
	*out = 5;
	if (!v)
		return NULL;
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < 0 || n > 1000000)
		return sd_error_invalid("invalid --limit '%s': use a number of tickets, 0 for all",
					v);
	*out = (size_t)n;
	return NULL;
}

sd_error *cmd_inbox(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_config *cfg = sd_store_config(ctx->store);
	struct sd_filter *open = NULL;
	struct sd_inbox_seen *seen = NULL;
	struct sd_rows rows = { 0 };
	struct sd_rows part[SD_INBOX_COUNT];
	struct sd_buf out = SD_BUF_INIT;
	size_t limit, count[SD_INBOX_COUNT] = { 0 };
	const char *name, *email;
	sd_error *err;
	memset(part, 0, sizeof(part));
	if ((err = sd_args_count(args, 0, 0, ctx->cmd->usage)) ||
	    (err = parse_limit(sd_arg_str(args, "limit"), &limit)) ||
	    (err = sd_date_option(ctx, args)))
		return err;
	if (sd_arg_flag(args, "json") && sd_arg_str(args, "format"))
		return sd_error_invalid("--json and --format cannot be used together");
	if ((err = sd_store_author(ctx->store, &name, &email, NULL)) ||
	    (err = sd_inbox_seen_load(&seen, ctx->store)))
		goto done;
	struct sd_inbox_me me = {
		name, email, sd_team_agent(&cfg->team, email), cfg, ctx->now, seen
	};
	open = sd_filter_open_tickets(ctx);
	if ((err = sd_rows_load(ctx, &rows, open)))
		goto done;
	sd_rows_report(ctx, &rows);
	if ((err = sd_rows_sort(&rows, NULL)))
		goto done;
	for (int s = 0; s < SD_INBOX_COUNT; s++)
		part[s].v = sd_xcalloc(rows.n ? rows.n : 1, sizeof(*part[s].v));
	for (size_t i = 0; i < rows.n; i++) {
		unsigned bits = sd_inbox_sections(&me, &rows.v[i].t);
		for (int s = 0; s < SD_INBOX_COUNT; s++) {
			if (!(bits & (1u << s)))
				continue;
			/* Shallow copies: the rows own the tickets. */
			if (!limit || part[s].n < limit)
				part[s].v[part[s].n++] = rows.v[i];
			count[s]++;
		}
	}
	if (sd_arg_flag(args, "json")) {
		sd_buf_addch(&out, '{');
		for (int s = 0; s < SD_INBOX_COUNT; s++) {
			sd_buf_printf(&out, "%s\n\"%s\":{\"count\":%zu,\"tickets\":[", s ? "," : "",
				      sd_inbox_section_names[s], count[s]);
			for (size_t i = 0; i < part[s].n; i++) {
				sd_buf_adds(&out, i ? ",\n" : "\n");
				sd_ticket_json(&out, &part[s].v[i].t, part[s].v[i].short_id, 0);
			}
			sd_buf_adds(&out, "]}");
		}
		sd_buf_adds(&out, "\n}\n");
		fwrite(out.data, 1, out.len, ctx->out);
		goto done;
	}
	sd_pager_start(ctx);
	for (int s = 0; s < SD_INBOX_COUNT && !err; s++) {
		sd_buf_reset(&out);
		if (s)
			fputc('\n', ctx->out);
		sd_buf_printf(&out, "%s%s (%zu)", sd_color(ctx, SD_BOLD), headings[s], count[s]);
		if (s == SD_INBOX_QUEUE && me.agent && me.agent->queues.n) {
			sd_buf_adds(&out, ": ");
			for (size_t q = 0; q < me.agent->queues.n; q++) {
				sd_buf_adds(&out, q ? ", " : "");
				sd_put_line(&out, me.agent->queues.v[q]);
			}
		} else if (s == SD_INBOX_QUEUE) {
			sd_buf_adds(&out, ": you serve no queue in the team directory");
		}
		sd_buf_adds(&out, sd_color(ctx, SD_RESET));
		if (sd_row_columns(ctx, args))
			sd_text_cut_line(&out, 0, sd_row_columns(ctx, args));
		sd_buf_addch(&out, '\n');
		fwrite(out.data, 1, out.len, ctx->out);
		err = sd_rows_print(ctx, &part[s], args);
		if (count[s] > part[s].n)
			fprintf(ctx->out, "… %zu more (--limit 0 shows all)\n",
				count[s] - part[s].n);
	}
done:
	for (int s = 0; s < SD_INBOX_COUNT; s++)
		free(part[s].v);
	sd_buf_release(&out);
	sd_rows_free(&rows);
	sd_filter_free(open);
	sd_inbox_seen_free(seen);
	return err;
}
