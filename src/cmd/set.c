/* SPDX-License-Identifier: MIT */
/* sd set ID KEY=VALUE...: change fields, each change an event in the timeline. */

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

const struct sd_option set_options[] = { { SD_OPT_STRING, 'm', "message", "REASON",
					   "why the fields change" },
					 { SD_OPT_END, 0, NULL, NULL, NULL } };

struct assignment {
	enum sd_field field;
	char op; /* '=', '+' (tags+=), '-' (tags-=) */
	const char *value;
};

static sd_error *parse_assignment(struct assignment *a, const char *arg)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		return sd_error_invalid("'%s' is not KEY=VALUE (e.g. priority=P2, tags+=vpn)", arg);
	size_t len = (size_t)(eq - arg);
	a->op = '=';
	if (eq[-1] == '+' || eq[-1] == '-') {
		a->op = eq[-1];
		len--;
	}
	char *name = sd_xstrndup(arg, len);
	int f = sd_field_lookup(name);
	sd_error *err = NULL;
	if (f < 0 || !sd_fields[f].settable)
		err = sd_error_invalid("cannot set '%s': use title, type, status, priority, impact, "
				       "urgency, tier, queue, assignee, requester, category, tags, "
				       "asset, key, vendor or vendor_ref",
				       name);
	else if (a->op != '=' && f != SD_F_TAGS)
		err = sd_error_invalid("'%s%c=' works only for tags; use %s=VALUE", name, a->op,
				       name);
	free(name);
	if (err)
		return err;
	a->field = (enum sd_field)f;
	a->value = eq + 1;
	if (a->field == SD_F_TAGS && a->op != '=') {
		if (!*a->value)
			return sd_error_invalid("tags%c= needs a tag", a->op);
		return sd_field_validate(SD_F_TAGS, a->value);
	}
	if (a->field == SD_F_TAGS) {
		struct sd_ticket probe;
		sd_ticket_init(&probe);
		err = sd_ticket_set_tags(&probe, a->value);
		sd_ticket_free(&probe);
		return err;
	}
	return sd_field_validate(a->field, a->value);
}

/* The tag list after tags+=x or tags-=x. */
static void edited_tags(struct sd_buf *out, const struct sd_ticket *t, const struct assignment *a)
{
	int first = 1;
	for (size_t i = 0; i < t->tags.n; i++) {
		if (a->op == '-' && !strcmp(t->tags.v[i], a->value))
			continue;
		sd_buf_printf(out, "%s%s", first ? "" : ",", t->tags.v[i]);
		first = 0;
	}
	if (a->op == '+')
		sd_buf_printf(out, "%s%s", first ? "" : ",", a->value);
}

sd_error *cmd_set(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_ticket t;
	struct assignment *as = NULL;
	const char *author, *reason = sd_arg_str(args, "message");
	sd_error *err = NULL;
	int any = 0, priority_given = 0, matrix_input = 0;
	size_t n = args->pos.n ? args->pos.n - 1 : 0;
	sd_ticket_init(&t);
	if (args->pos.n < 2) {
		err = sd_error_invalid(
			"usage: sd set ID KEY=VALUE... (e.g. sd set 7f3k priority=P2)");
		goto done;
	}
	if (reason && (err = sd_text_validate(reason, strlen(reason), "the reason")))
		goto done;
	as = sd_xcalloc(n, sizeof(*as));
	for (size_t i = 0; i < n; i++) {
		if ((err = parse_assignment(&as[i], args->pos.v[i + 1])))
			goto done;
		priority_given |= as[i].field == SD_F_PRIORITY;
		matrix_input |= as[i].field == SD_F_IMPACT || as[i].field == SD_F_URGENCY;
	}
	sd_ticket_free(&t);
	if ((err = sd_load_ticket(ctx, args->pos.v[0], &t)) ||
	    (err = sd_store_author(ctx->store, NULL, NULL, &author)))
		goto done;
	for (size_t i = 0; i < n; i++) {
		struct sd_buf value = SD_BUF_INIT;
		int changed;
		if (as[i].field == SD_F_TAGS && as[i].op != '=')
			edited_tags(&value, &t, &as[i]);
		else
			sd_buf_adds(&value, as[i].value);
		err = sd_ticket_change(&t, as[i].field, value.data, author, ctx->clock, reason,
				       &changed);
		sd_buf_release(&value);
		if (err)
			goto done;
		any |= changed;
	}
	/* Priority follows impact and urgency (the ITIL matrix) unless it is
	 * set in the same command. */
	if (matrix_input && !priority_given) {
		const char *p = sd_config_priority(sd_store_config(ctx->store),
						   sd_ticket_get(&t, SD_F_IMPACT),
						   sd_ticket_get(&t, SD_F_URGENCY));
		int changed = 0;
		if (p &&
		    (err = sd_ticket_change(&t, SD_F_PRIORITY, p, author, ctx->clock,
					    "impact x urgency", &changed)))
			goto done;
		any |= changed;
	}
	if (!any) {
		fprintf(stderr, "sd: nothing changed\n");
		goto done;
	}
	err = sd_save_ticket(ctx, &t, "set");
done:
	free(as);
	sd_ticket_free(&t);
	return err;
}
