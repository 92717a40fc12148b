/* SPDX-License-Identifier: MIT */
/* sd agents: the team of .sd/config.yaml with each agent's open load per
 * queue, shift and absence now. */

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "sd/intake.h"
#include "sd/text.h"

const struct sd_option agents_options[] = { { SD_OPT_BOOL, 0, "json", NULL, "print a JSON array" },
					    SD_WIDE_OPTION_ROW,
					    { SD_OPT_END, 0, NULL, NULL, NULL } };

static void json_agent(struct sd_buf *out, struct sd_config *cfg, const struct sd_agent *a,
		       const struct sd_team_load *l, sd_time now)
{
	struct sd_agent_state st;
	sd_agent_state(&st, cfg, a, l, now);
	sd_buf_adds(out, "{\"email\":");
	sd_json_string(out, a->email);
	sd_buf_adds(out, ",\"name\":");
	sd_json_string(out, a->name);
	sd_buf_adds(out, ",\"queues\":{");
	for (size_t i = 0; i < a->queues.n; i++) {
		sd_buf_adds(out, i ? "," : "");
		sd_json_string(out, a->queues.v[i]);
		sd_buf_printf(out, ":%zu", sd_team_load_open(l, a, a->queues.v[i]));
	}
	sd_buf_adds(out, "},\"tiers\":[");
	for (size_t i = 0; i < a->tiers.n; i++) {
		sd_buf_adds(out, i ? "," : "");
		sd_json_string(out, a->tiers.v[i]);
	}
	sd_buf_adds(out, "],\"calendar\":");
	if (*a->calendar)
		sd_json_string(out, a->calendar);
	else
		sd_buf_adds(out, "null");
	sd_buf_printf(out, ",\"on_shift\":%s,\"away\":", st.on_shift ? "true" : "false");
	if (st.away)
		sd_buf_printf(out, "{\"from\":\"%s\",\"to\":\"%s\"}", st.away->from, st.away->to);
	else
		sd_buf_adds(out, "null");
	sd_buf_printf(out, ",\"open\":%zu,\"capacity\":", st.open);
	if (a->capacity)
		sd_buf_printf(out, "%ld", a->capacity);
	else
		sd_buf_adds(out, "null");
	sd_buf_addch(out, '}');
}

/* Pads with blanks to width columns, as the terminal shows text. */
static void pad(struct sd_buf *out, const char *s, size_t width)
{
	size_t start = out->len;
	sd_put_line(out, s);
	for (size_t w = sd_text_width(out->data + start); w < width; w++)
		sd_buf_addch(out, ' ');
}

sd_error *cmd_agents(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_config *cfg = sd_store_config(ctx->store);
	const struct sd_team *team = &cfg->team;
	struct sd_team_load load = { 0 };
	struct sd_buf out = SD_BUF_INIT;
	sd_error *err = sd_args_count(args, 0, 0, ctx->cmd->usage);
	if (err || (err = sd_team_load_store(&load, ctx->store)))
		goto done;
	if (sd_arg_flag(args, "json")) {
		sd_buf_addch(&out, '[');
		for (size_t i = 0; i < team->nagents; i++) {
			sd_buf_adds(&out, i ? ",\n" : "\n");
			json_agent(&out, cfg, &team->agents[i], &load, ctx->now);
		}
		sd_buf_adds(&out, team->nagents ? "\n]\n" : "]\n");
	} else if (!team->nagents) {
		fprintf(stderr, "sd: no agents in %s; see sd-config(5) for the agents section\n",
			SD_CONFIG_PATH);
	} else {
		/* Columns as wide as their widest cell, by display width. */
		size_t w_email = 5, w_name = 4, w_open = 4, w_away = 4;
		size_t columns = sd_row_columns(ctx, args);
		char(*open)[32] = sd_xcalloc(team->nagents, sizeof(*open));
		char(*away)[48] = sd_xcalloc(team->nagents, sizeof(*away));
		struct sd_agent_state *st = sd_xcalloc(team->nagents, sizeof(*st));
		for (size_t i = 0; i < team->nagents; i++) {
			const struct sd_agent *a = &team->agents[i];
			size_t n = sd_text_width(a->email);
			w_email = n > w_email ? n : w_email;
			n = sd_text_width(a->name);
			w_name = n > w_name ? n : w_name;
			sd_agent_state(&st[i], cfg, a, &load, ctx->now);
			if (a->capacity)
				snprintf(open[i], sizeof(open[i]), "%zu/%ld", st[i].open,
					 a->capacity);
			else
				snprintf(open[i], sizeof(open[i]), "%zu", st[i].open);
			if (st[i].away)
				snprintf(away[i], sizeof(away[i]), "until %s", st[i].away->to);
			else
				snprintf(away[i], sizeof(away[i]), "-");
			w_open = strlen(open[i]) > w_open ? strlen(open[i]) : w_open;
			w_away = strlen(away[i]) > w_away ? strlen(away[i]) : w_away;
		}
		pad(&out, "EMAIL", w_email + 2);
		pad(&out, "NAME", w_name + 2);
		pad(&out, "OPEN", w_open + 2);
		pad(&out, "SHIFT", 7);
		pad(&out, "AWAY", w_away + 2);
		sd_buf_adds(&out, "QUEUES");
		if (columns)
			sd_text_cut_line(&out, 0, columns);
		sd_buf_addch(&out, '\n');
		for (size_t i = 0; i < team->nagents; i++) {
			const struct sd_agent *a = &team->agents[i];
			size_t line = out.len;
			pad(&out, a->email, w_email + 2);
			pad(&out, a->name, w_name + 2);
			pad(&out, open[i], w_open + 2);
			pad(&out, st[i].on_shift ? "on" : "off", 7);
			pad(&out, away[i], w_away + 2);
			for (size_t q = 0; q < a->queues.n; q++) {
				sd_buf_adds(&out, q ? ", " : "");
				sd_put_line(&out, a->queues.v[q]);
				sd_buf_printf(&out, " %zu",
					      sd_team_load_open(&load, a, a->queues.v[q]));
			}
			/* The queues come last and are what a narrow terminal cuts. */
			if (columns)
				sd_text_cut_line(&out, line, columns);
			sd_buf_adds(&out, "\n");
		}
		free(open);
		free(away);
		free(st);
	}
	fwrite(out.data, 1, out.len, ctx->out);
done:
	sd_buf_release(&out);
	sd_team_load_release(&load);
	return err;
}
