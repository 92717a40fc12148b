/* SPDX-License-Identifier: MIT */
/* sd agents: the team of .sd/config.yaml with each agent's open load per
 * queue, shift and absence now. */

#include <string.h>

#include "cmd/cmd.h"
#include "sd/intake.h"
#include "sd/text.h"

const struct sd_option agents_options[] = { { SD_OPT_BOOL, 0, "json", NULL, "print a JSON array" },
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
		size_t w_email = 5, w_name = 4;
		for (size_t i = 0; i < team->nagents; i++) {
			size_t n = sd_text_width(team->agents[i].email);
			w_email = n > w_email ? n : w_email;
			n = sd_text_width(team->agents[i].name);
			w_name = n > w_name ? n : w_name;
		}
		pad(&out, "EMAIL", w_email + 2);
		pad(&out, "NAME", w_name + 2);
		sd_buf_adds(&out, "OPEN    SHIFT  AWAY                    QUEUES\n");
		for (size_t i = 0; i < team->nagents; i++) {
			const struct sd_agent *a = &team->agents[i];
			struct sd_agent_state st;
			char open[32], away[32];
			sd_agent_state(&st, cfg, a, &load, ctx->now);
			pad(&out, a->email, w_email + 2);
			pad(&out, a->name, w_name + 2);
			if (a->capacity)
				snprintf(open, sizeof(open), "%zu/%ld", st.open, a->capacity);
			else
				snprintf(open, sizeof(open), "%zu", st.open);
			if (st.away)
				snprintf(away, sizeof(away), "until %s", st.away->to);
			else
				snprintf(away, sizeof(away), "-");
			sd_buf_printf(&out, "%-8s%-7s%-24s", open, st.on_shift ? "on" : "off",
				      away);
			for (size_t q = 0; q < a->queues.n; q++) {
				sd_buf_adds(&out, q ? ", " : "");
				sd_put_line(&out, a->queues.v[q]);
				sd_buf_printf(&out, " %zu",
					      sd_team_load_open(&load, a, a->queues.v[q]));
			}
			sd_buf_adds(&out, "\n");
		}
	}
	fwrite(out.data, 1, out.len, ctx->out);
done:
	sd_buf_release(&out);
	sd_team_load_release(&load);
	return err;
}
