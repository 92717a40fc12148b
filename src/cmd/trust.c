/* SPDX-License-Identifier: MIT */
/* sd trust: which commands from configuration may run on this clone. */

#include <string.h>

#include "cmd/cmd.h"
#include "sd/trust.h"

const struct sd_option trust_options[] = {
	{ SD_OPT_STRING, 0, "approve", "COMMAND",
	  "let this command of .sd/config.yaml run on this clone, as it is now" },
	{ SD_OPT_STRING, 0, "revoke", "COMMAND", "withdraw the approval of a command" },
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

static sd_error *command_key(const char *name, int *out)
{
	*out = sd_value_index(sd_command_keys, name);
	if (*out >= 0)
		return NULL;
	struct sd_buf keys = SD_BUF_INIT;
	for (int i = 0; i < SD_CMD_COUNT; i++)
		sd_buf_printf(&keys, "%s%s", i ? ", " : "", sd_command_keys[i]);
	sd_error *err = sd_error_invalid("'%s' is not a command key; sd runs commands from %s",
					 name, keys.data);
	sd_buf_release(&keys);
	return err;
}

/* One line per command set anywhere: KEY, state, where, argv. */
static void list(struct sd_ctx *ctx, const struct sd_trust *trust, const struct sd_config *cfg)
{
	struct sd_buf out = SD_BUF_INIT;
	int waiting = -1;
	for (int k = 0; k < SD_CMD_COUNT; k++) {
		const struct sd_config_command *c = &cfg->commands[k];
		enum sd_trust_state state;
		sd_trust_command(trust, cfg, k, &state);
		if (!c->tracked.n && !c->has_local)
			continue;
		sd_buf_printf(&out, "%-22s %-13s ", sd_command_keys[k], sd_trust_states[state]);
		if (c->has_local) {
			sd_buf_adds(&out, ".git/sd/config.yaml  ");
			sd_trust_show_argv(&out, &c->local);
		} else {
			sd_buf_printf(&out, "%s:%zu  ", SD_CONFIG_PATH, c->tracked_line);
			sd_trust_show_argv(&out, &c->tracked);
		}
		sd_buf_addch(&out, '\n');
		if (waiting < 0 && (state == SD_TRUST_UNAPPROVED || state == SD_TRUST_CHANGED))
			waiting = k;
	}
	fwrite(out.data, 1, out.len, ctx->out);
	if (!out.len)
		fprintf(stderr,
			"sd: no commands are set in " SD_CONFIG_PATH " or .git/sd/config.yaml\n");
	else if (waiting)
		fprintf(stderr,
			"sd: a command that is not approved does not run; read it, then "
			"'sd trust --approve KEY'\n");
	sd_buf_release(&out);
}

sd_error *cmd_trust(struct sd_ctx *ctx, struct sd_args *args)
{
	const struct sd_config *cfg = sd_store_config(ctx->store);
	const char *approve = sd_arg_str(args, "approve"), *revoke = sd_arg_str(args, "revoke");
	struct sd_trust *trust = NULL;
	int key;
	sd_error *err = sd_args_count(args, 0, 0, "sd trust [--approve KEY | --revoke KEY]");
	if (err)
		return err;
	if (approve && revoke)
		return sd_error_invalid("use --approve or --revoke, not both");
	if ((approve && (err = command_key(approve, &key))) ||
	    (revoke && (err = command_key(revoke, &key))))
		return err;
	if ((err = sd_trust_load(&trust, ctx->store)))
		return err;
	if (approve) {
		if (!(err = sd_trust_approve(trust, cfg, key))) {
			struct sd_buf out = SD_BUF_INIT;
			sd_buf_printf(&out, "approved %s: ", sd_command_keys[key]);
			sd_trust_show_argv(&out, &cfg->commands[key].tracked);
			fprintf(ctx->out, "%s\n", out.data);
			sd_buf_release(&out);
			if (cfg->commands[key].has_local)
				fprintf(stderr,
					"sd: .git/sd/config.yaml sets %s too, and that one "
					"runs instead\n",
					sd_command_keys[key]);
		}
	} else if (revoke) {
		if (!(err = sd_trust_revoke(trust, key)))
			fprintf(ctx->out, "revoked %s\n", sd_command_keys[key]);
	} else {
		list(ctx, trust, cfg);
	}
	sd_trust_free(trust);
	return err;
}
