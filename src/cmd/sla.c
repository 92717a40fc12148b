/* SPDX-License-Identifier: MIT */
/* sd sla: the SLA clocks of tickets; --check for CI, --apply for cron. */

#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "sd/calendar.h"
#include "sd/exec.h"
#include "sd/sla.h"
#include "sd/text.h"
#include "sd/trust.h"

const struct sd_option sla_options[] = {
	SD_FILTER_OPTION_ROWS,
	{ SD_OPT_STRING, 0, "at", "TIME",
	  "evaluate the clocks at this RFC 3339 instant instead of now" },
	{ SD_OPT_BOOL, 0, "json", NULL, "print a JSON array" },
	{ SD_OPT_BOOL, 0, "check", NULL, "exit 1 if a selected ticket has a breached clock" },
	{ SD_OPT_BOOL, 0, "apply", NULL,
	  "escalate and notify for breaches and risks not yet acted on" },
	SD_WIDE_OPTION_ROW,
	SD_DATE_OPTION_ROW,
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

struct sla_row {
	struct sd_row *row;
	struct sd_sla sla;
	int focus;     /* index of the clock the line's due and left are about; -1: none */
	int changed;   /* --apply touched it */
	int escalated; /* --apply moved it up a tier this run */
};

static const char *const clock_names[] = { "first_response", "next_response", "resolution" };

static const struct sd_clock *clock_at(const struct sd_sla *s, int i)
{
	return i == 0 ? &s->first_response : i == 1 ? &s->next_response : &s->resolution;
}

static int counts(const struct sd_clock *c)
{
	return c->present && c->active;
}

/* The clock most in need of attention: the worst state, then the
 * earliest due. An index, since rows move when sorted. */
static int focus_clock(const struct sd_sla *s)
{
	static const int rank[] = { [SD_CLOCK_BREACHED] = 4,
				    [SD_CLOCK_AT_RISK] = 3,
				    [SD_CLOCK_RUNNING] = 2,
				    [SD_CLOCK_PAUSED] = 1,
				    [SD_CLOCK_MET] = 0 };
	const struct sd_clock *best = NULL;
	int best_i = -1;
	for (int i = 0; i < 3; i++) {
		const struct sd_clock *c = clock_at(s, i);
		if (!counts(c) || c->state == SD_CLOCK_MET)
			continue;
		if (!best || rank[c->state] > rank[best->state] ||
		    (rank[c->state] == rank[best->state] && c->has_due &&
		     (!best->has_due || c->due < best->due)))
			best = c, best_i = i;
	}
	return best_i;
}

static const struct sd_clock *focus_of(const struct sla_row *r)
{
	return r->focus >= 0 ? clock_at(&r->sla, r->focus) : NULL;
}

static int cmp_sla_rows(const void *pa, const void *pb)
{
	const struct sla_row *a = pa, *b = pb;
	int ua = sd_sla_urgency(&a->sla), ub = sd_sla_urgency(&b->sla);
	if (ua != ub)
		return ub - ua;
	const struct sd_clock *fa = focus_of(a), *fb = focus_of(b);
	int da = fa && fa->has_due, db = fb && fb->has_due;
	if (da != db)
		return db - da;
	if (da && fa->due != fb->due)
		return fa->due < fb->due ? -1 : 1;
	return strcmp(sd_ticket_get(&a->row->t, SD_F_ID), sd_ticket_get(&b->row->t, SD_F_ID));
}

/* ---- output ---- */

static void json_clock(struct sd_buf *out, const struct sd_clock *c)
{
	if (!c->present) {
		sd_buf_adds(out, "null");
		return;
	}
	int64_t elapsed = c->active ? c->elapsed : 0;
	sd_buf_printf(out,
		      "{\"state\":\"%s\",\"target\":%lld,\"elapsed\":%lld,\"remaining\":%lld,\"due\":",
		      c->active ? sd_clock_states[c->state] : "met", (long long)c->target,
		      (long long)elapsed, (long long)(c->target - elapsed));
	if (c->active && c->has_due && c->state != SD_CLOCK_PAUSED) {
		char due[SD_TIME_STRLEN];
		sd_time_format(due, c->due);
		sd_buf_printf(out, "\"%s\"}", due);
	} else {
		sd_buf_adds(out, "null}");
	}
}

static void relative(char out[48], sd_time due, sd_time now)
{
	char d[32];
	sd_duration_format_minutes(d, due - now);
	snprintf(out, 48, due >= now ? "in %s" : "%s ago", d + (d[0] == '-'));
}

static void print_human(struct sd_ctx *ctx, const struct sd_args *args, struct sla_row *rows,
			size_t n, sd_time at, size_t columns)
{
	struct sd_buf out = SD_BUF_INIT;
	/* Columns as wide as their widest cell (by display width). */
	size_t w_id = 4, w_pol = 6, w_due = 3, w_left = 1, w_clock[3] = { 0, 0, 0 };
	static const char *const label[] = { "first:", "next:", "resolution:" };
	char(*due)[48] = sd_xcalloc(n ? n : 1, sizeof(*due));
	char(*left)[32] = sd_xcalloc(n ? n : 1, sizeof(*left));
	for (size_t i = 0; i < n; i++) {
		const struct sd_clock *f = focus_of(&rows[i]);
		strcpy(due[i], "-");
		strcpy(left[i], "-");
		if (f && f->has_due && f->state != SD_CLOCK_PAUSED) {
			/* Without --date: relative on a terminal, else an
			 * instant in the user's zone, as before. */
			if (ctx->date_mode == SD_DATE_RELATIVE ||
			    (!sd_arg_str(args, "date") && ctx->stdout_tty))
				relative(due[i], f->due, at);
			else if (sd_arg_str(args, "date"))
				sd_format_due(ctx, due[i], f->due, rows[i].sla.policy->calendar);
			else
				sd_time_format_local(due[i], f->due);
		}
		if (f)
			sd_duration_format(left[i], f->target - f->elapsed);
		if (strlen(rows[i].row->short_id) > w_id)
			w_id = strlen(rows[i].row->short_id);
		if (sd_text_width(rows[i].sla.policy->name) > w_pol)
			w_pol = sd_text_width(rows[i].sla.policy->name);
		if (sd_text_width(due[i]) > w_due)
			w_due = sd_text_width(due[i]);
		if (strlen(left[i]) > w_left)
			w_left = strlen(left[i]);
		for (int c = 0; c < 3; c++) {
			const struct sd_clock *cl = clock_at(&rows[i].sla, c);
			size_t w = strlen(label[c]) +
				strlen(counts(cl) ? sd_clock_states[cl->state] : "-");
			if (w > w_clock[c])
				w_clock[c] = w;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct sd_sla *s = &rows[i].sla;
		size_t line = out.len;
		sd_buf_printf(&out, "%s%-*s%s  ", sd_color(ctx, SD_YELLOW), (int)w_id,
			      rows[i].row->short_id, sd_color(ctx, SD_RESET));
		sd_put_line(&out, s->policy->name);
		for (size_t k = sd_text_width(s->policy->name); k < w_pol + 2; k++)
			sd_buf_addch(&out, ' ');
		for (int c = 0; c < 3; c++) {
			const struct sd_clock *cl = clock_at(s, c);
			const char *state = !cl->present ? "-"
				: !cl->active		 ? "-"
							 : sd_clock_states[cl->state];
			const char *color = !counts(cl)		 ? SD_RESET
				: cl->state == SD_CLOCK_BREACHED ? "1;31"
				: cl->state == SD_CLOCK_AT_RISK	 ? SD_YELLOW
				: cl->state == SD_CLOCK_MET	 ? SD_GREEN
								 : SD_RESET;
			sd_buf_printf(&out, "%s%s%s%s", label[c], sd_color(ctx, color), state,
				      sd_color(ctx, SD_RESET));
			for (size_t k = strlen(label[c]) + strlen(state); k < w_clock[c]; k++)
				sd_buf_addch(&out, ' ');
			sd_buf_adds(&out, "  ");
		}
		sd_buf_adds(&out, due[i]);
		for (size_t k = sd_text_width(due[i]); k < w_due + 2; k++)
			sd_buf_addch(&out, ' ');
		sd_buf_printf(&out, "%-*s  ", (int)w_left, left[i]);
		sd_put_last_column(&out, line, sd_ticket_get(&rows[i].row->t, SD_F_TITLE), columns);
		sd_buf_addch(&out, '\n');
	}
	fwrite(out.data, 1, out.len, ctx->out);
	sd_buf_release(&out);
	free(due);
	free(left);
}

static void print_json(struct sd_ctx *ctx, struct sla_row *rows, size_t n)
{
	struct sd_buf out = SD_BUF_INIT;
	sd_buf_addch(&out, '[');
	for (size_t i = 0; i < n; i++) {
		const struct sd_sla *s = &rows[i].sla;
		sd_buf_adds(&out, i ? ",\n{\"id\":" : "\n{\"id\":");
		sd_json_string(&out, sd_ticket_get(&rows[i].row->t, SD_F_ID));
		sd_buf_adds(&out, ",\"short_id\":");
		sd_json_string(&out, rows[i].row->short_id);
		sd_buf_adds(&out, ",\"policy\":");
		sd_json_string(&out, s->policy->name);
		for (int c = 0; c < 3; c++) {
			sd_buf_printf(&out, ",\"%s\":", clock_names[c]);
			json_clock(&out, clock_at(s, c));
		}
		sd_buf_addch(&out, '}');
	}
	sd_buf_adds(&out, n ? "\n]\n" : "]\n");
	fwrite(out.data, 1, out.len, ctx->out);
	sd_buf_release(&out);
}

/* ---- --apply ---- */

struct notification {
	char *ticket_json;
	int key; /* an sd_command_key */
};

static int already_recorded(const struct sd_ticket *t, const char *key, const char *state)
{
	for (size_t i = 0; i < t->nentries; i++) {
		const struct sd_entry *e = &t->entries[i];
		if (e->kind == SD_ENTRY_EVENT && !strcmp(e->field, "sla") &&
		    !strcmp(e->from, key) && !strcmp(e->to, state))
			return 1;
	}
	return 0;
}

static sd_error *act_on_clock(struct sd_ctx *ctx, struct sla_row *r, int which, const char *author,
			      struct notification **notes, size_t *nnotes)
{
	const struct sd_config *cfg = sd_store_config(ctx->store);
	const struct sd_clock *c = clock_at(&r->sla, which);
	struct sd_ticket *t = &r->row->t;
	char key[64], target[32], due[SD_TIME_STRLEN] = "";
	struct sd_buf reason = SD_BUF_INIT;
	sd_error *err = NULL;
	if (!counts(c) || (c->state != SD_CLOCK_BREACHED && c->state != SD_CLOCK_AT_RISK))
		return NULL;
	const char *state = sd_clock_states[c->state];
	if (which == 1) {
		char started[SD_TIME_STRLEN];
		sd_time_format(started, c->started);
		snprintf(key, sizeof(key), "%s@%s", clock_names[which], started);
	} else {
		snprintf(key, sizeof(key), "%s", clock_names[which]);
	}
	if (already_recorded(t, key, state))
		return NULL;
	sd_duration_format(target, c->target);
	if (c->has_due)
		sd_time_format(due, c->due);
	sd_buf_printf(&reason, "policy %s: %s target %s %s%s%s", r->sla.policy->name,
		      clock_names[which], target,
		      c->state == SD_CLOCK_BREACHED ? "passed" : "nearly used up",
		      *due ? ", due " : "", due);
	/* The record's id comes from what it records, so two clones that act
	 * on the same breach before syncing end with one record, not two. */
	char id[SD_ENTRY_ID_LEN + 1];
	const char *parts[] = { sd_ticket_get(t, SD_F_ID), key, state };
	sd_id_from_content(id, SD_ENTRY_ID_LEN, parts, 3);
	sd_ticket_add_event_with_id(t, id, author, ctx->clock, "sla", key, state, reason.data);
	if (c->state == SD_CLOCK_BREACHED) {
		struct sd_buf why = SD_BUF_INIT;
		sd_buf_printf(&why, "SLA breach: %s (policy %s)", clock_names[which],
			      r->sla.policy->name);
		/* Clocks that breach together are one failure: the ticket
		 * moves up one tier and one priority step per run. */
		int tier = sd_value_index(sd_tiers, sd_ticket_get(t, SD_F_TIER));
		if (!r->escalated && cfg->breach_escalate && tier >= 0 && tier < 4)
			err = sd_escalate_ticket(ctx, t, tier + 1, author, why.data, NULL);
		int prio = sd_value_index(sd_priorities, sd_ticket_get(t, SD_F_PRIORITY));
		if (!err && !r->escalated && cfg->breach_bump_priority && prio > 0)
			err = sd_ticket_change(t, SD_F_PRIORITY, sd_priorities[prio - 1], author,
					       ctx->clock, why.data, NULL);
		r->escalated = 1;
		sd_buf_release(&why);
	}
	int cmd = c->state == SD_CLOCK_BREACHED ? SD_CMD_BREACH_NOTIFY : SD_CMD_RISK_NOTIFY;
	/* Whether it may run is decided when it would run. */
	if (!err && (cfg->commands[cmd].tracked.n || cfg->commands[cmd].local.n)) {
		*notes = sd_xrealloc(*notes, (*nnotes + 1) * sizeof(**notes));
		struct sd_buf json = SD_BUF_INIT;
		sd_ticket_json(&json, t, r->row->short_id, 1);
		sd_buf_addch(&json, '\n');
		(*notes)[*nnotes].ticket_json = sd_buf_detach(&json);
		(*notes)[*nnotes].key = cmd;
		(*nnotes)++;
	}
	r->changed = 1;
	sd_buf_release(&reason);
	return err;
}

/* Prints "sd: warning: MSG", inert. */
static void warn(const char *msg)
{
	struct sd_buf line = SD_BUF_INIT;
	sd_put_text(&line, msg);
	fprintf(stderr, "sd: warning: %s\n", line.data);
	sd_buf_release(&line);
}

/*
 * Runs the notify commands, each with its ticket's JSON on stdin, after
 * the commit and after the store lock is released: a command that hangs
 * holds up this cron run (until commands.timeout), never the desk.
 * Failures are reported, never fatal: the breach is already recorded. A
 * command from the tracked config runs only if approved on this clone.
 */
static void notify(struct sd_ctx *ctx, const struct notification *notes, size_t n)
{
	const struct sd_config *cfg = sd_store_config(ctx->store);
	struct sd_trust *trust = NULL;
	int warned[SD_CMD_COUNT] = { 0 }, timed_out[SD_CMD_COUNT] = { 0 };
	if (!n)
		return;
	sd_error *err = sd_trust_load(&trust, ctx->store);
	if (err) {
		err = sd_error_wrap(err, "not running notify commands");
		warn(err->msg);
		sd_error_free(err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *key = sd_command_keys[notes[i].key];
		enum sd_trust_state state;
		const struct sd_strvec *argv = sd_trust_command(trust, cfg, notes[i].key, &state);
		struct sd_buf msg = SD_BUF_INIT;
		if (!argv) {
			if ((state == SD_TRUST_UNAPPROVED || state == SD_TRUST_CHANGED) &&
			    !warned[notes[i].key]++) {
				sd_buf_printf(&msg,
					      "not running %s from " SD_CONFIG_PATH ": %s on this "
					      "clone; review it with 'sd trust', then run 'sd trust "
					      "--approve %s'",
					      key,
					      state == SD_TRUST_CHANGED
						      ? "it changed since it was approved"
						      : "it is not approved",
					      key);
				warn(msg.data);
			}
			sd_buf_release(&msg);
			continue;
		}
		/* A command that hung once would hang for every ticket: one
		 * timeout per run, not one per breach. */
		if (timed_out[notes[i].key]) {
			timed_out[notes[i].key]++;
			continue;
		}
		struct sd_exec cmd = { (const char *const *)argv->v, notes[i].ticket_json,
				       strlen(notes[i].ticket_json), cfg->command_timeout * 1000,
				       0 };
		struct sd_exec_result res;
		if ((err = sd_exec_run(&cmd, &res))) {
			sd_buf_printf(&msg, "%s: %s; the breach is recorded all the same", key,
				      err->msg);
			warn(msg.data);
			sd_error_free(err);
			timed_out[notes[i].key] = res.timed_out;
		}
		sd_buf_release(&msg);
	}
	for (int k = 0; k < SD_CMD_COUNT; k++)
		if (timed_out[k] > 1) {
			struct sd_buf msg = SD_BUF_INIT;
			sd_buf_printf(&msg, "%s: not run for %d more ticket%s after it timed out",
				      sd_command_keys[k], timed_out[k] - 1,
				      timed_out[k] == 2 ? "" : "s");
			warn(msg.data);
			sd_buf_release(&msg);
		}
	sd_trust_free(trust);
}

/* Records, escalates and commits; *notes gets the notifications to send
 * once the lock is released (the caller frees them with free_notes). */
static sd_error *apply(struct sd_ctx *ctx, struct sla_row *rows, size_t n,
		       struct notification **notes_out, size_t *nnotes_out)
{
	const char *author;
	struct notification *notes = NULL;
	size_t nnotes = 0, nchanged = 0;
	struct sd_change *changes = sd_xcalloc(n ? n : 1, sizeof(*changes));
	struct sd_buf *contents = sd_xcalloc(n ? n : 1, sizeof(*contents));
	struct sd_buf *paths = sd_xcalloc(n ? n : 1, sizeof(*paths));
	struct sd_buf msg = SD_BUF_INIT, list = SD_BUF_INIT;
	sd_error *err = sd_store_author(ctx->store, NULL, NULL, &author);
	for (size_t i = 0; !err && i < n; i++) {
		/* A ticket about to change is written whole, so a summary
		 * from the cache is replaced by the file first. */
		for (int c = 0; !err && c < 3; c++) {
			const struct sd_clock *k = clock_at(&rows[i].sla, c);
			if (counts(k) &&
			    (k->state == SD_CLOCK_BREACHED || k->state == SD_CLOCK_AT_RISK))
				err = sd_row_read_full(ctx, rows[i].row);
		}
		for (int c = 0; !err && c < 3; c++)
			err = act_on_clock(ctx, &rows[i], c, author, &notes, &nnotes);
	}
	if (err)
		goto done;
	for (size_t i = 0; i < n; i++) {
		if (!rows[i].changed)
			continue;
		struct sd_ticket *t = &rows[i].row->t;
		char now[SD_STAMP_STRLEN];
		sd_stamp_format(now, sd_ticket_updated_stamp(t, ctx->clock));
		sd_ticket_set(t, SD_F_UPDATED, now);
		sd_buf_init(&contents[nchanged]);
		sd_buf_init(&paths[nchanged]);
		sd_ticket_write(t, &contents[nchanged]);
		sd_ticket_path(&paths[nchanged], sd_ticket_get(t, SD_F_ID));
		changes[nchanged] =
			(struct sd_change){ paths[nchanged].data, contents[nchanged].data,
					    contents[nchanged].len };
		const char *title = sd_ticket_get(t, SD_F_TITLE);
		sd_buf_printf(&list, "%s \"", rows[i].row->short_id);
		sd_text_inert(&list, title, strlen(title), 0);
		sd_buf_adds(&list, "\"\n");
		nchanged++;
	}
	if (!nchanged)
		goto done;
	/* One commit for the whole run, so a cron job adds one entry to the
	 * history however many tickets it touched. */
	sd_buf_printf(&msg, "sd: sla apply, %zu ticket%s\n\n%s", nchanged, nchanged == 1 ? "" : "s",
		      list.data);
	if ((err = sd_store_commit(ctx->store, changes, nchanged, msg.data)))
		goto done;
	*notes_out = notes;
	*nnotes_out = nnotes;
	notes = NULL;
	nnotes = 0;
	fprintf(stderr, "sd: acted on SLA breaches and risks of %zu ticket%s\n", nchanged,
		nchanged == 1 ? "" : "s");
done:
	for (size_t i = 0; i < nchanged; i++) {
		sd_buf_release(&contents[i]);
		sd_buf_release(&paths[i]);
	}
	for (size_t i = 0; i < nnotes; i++)
		free(notes[i].ticket_json);
	free(notes);
	free(changes);
	free(contents);
	free(paths);
	sd_buf_release(&msg);
	sd_buf_release(&list);
	return err;
}

/* The SLA events just recorded go out by mail through the outbox (sd
 * mail send), when the desk has mail: no notify command is needed for
 * that. A failure is a warning: the events are recorded, and the next
 * sd mail send sends what is still owed. */
static void mail_sla_events(struct sd_ctx *ctx, const struct sla_row *rows, size_t n)
{
	struct sd_strvec ids = SD_STRVEC_INIT;
	const struct sd_config *cfg = sd_store_config(ctx->store);
	if (!cfg->mail.addresses.n || !sd_config_sendmail(cfg)->n)
		return;
	for (size_t i = 0; i < n; i++)
		if (rows[i].changed)
			sd_strvec_push(&ids, sd_ticket_get(&rows[i].row->t, SD_F_ID));
	sd_error *err = ids.n
		? sd_mail_send(ctx, (const char *const *)ids.v, ids.n, "notify-sla:", 0, stderr)
		: NULL;
	if (err) {
		err = sd_error_wrap(err, "mail about the SLA events");
		warn(err->msg);
		sd_error_free(err);
	}
	sd_strvec_clear(&ids);
}

static void free_notes(struct notification *notes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(notes[i].ticket_json);
	free(notes);
}

/* ---- the command ---- */

sd_error *cmd_sla(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_config *cfg = sd_store_config(ctx->store);
	struct sd_filter *filter = NULL;
	struct sd_rows rows = { 0 };
	struct sla_row *sla = NULL;
	struct sd_strvec wanted = SD_STRVEC_INIT;
	struct notification *notes = NULL;
	size_t n = 0, nnotes = 0;
	sd_time at = ctx->now;
	const char *at_arg = sd_arg_str(args, "at");
	sd_error *err = NULL;

	if ((err = sd_date_option(ctx, args)))
		goto done;
	if (at_arg && (err = sd_time_parse(&at, at_arg))) {
		err = sd_error_wrap(err, "--at");
		goto done;
	}
	if (sd_arg_flag(args, "apply") && (err = sd_store_lock(ctx->store)))
		goto done;
	for (size_t i = 0; i < args->pos.n; i++) {
		char id[SD_ID_LEN + 1];
		if ((err = sd_store_resolve(ctx->store, id, args->pos.v[i])))
			goto done;
		sd_strvec_push(&wanted, id);
	}
	/* Tickets named by id are shown whatever their status. */
	if ((err = sd_filter_new(&filter, ctx, args, wanted.n > 0)))
		goto done;
	sd_filter_set_time(filter, at);
	if ((err = sd_rows_load(ctx, &rows, filter)))
		goto done;
	sd_rows_report(ctx, &rows);
	sla = sd_xcalloc(rows.n ? rows.n : 1, sizeof(*sla));
	for (size_t i = 0; i < rows.n; i++) {
		const struct sd_ticket *t = &rows.v[i].t;
		if (wanted.n && !sd_strvec_has(&wanted, sd_ticket_get(t, SD_F_ID)))
			continue;
		struct sla_row *r = &sla[n];
		r->row = &rows.v[i];
		if ((err = sd_sla_evaluate(&r->sla, cfg, t, at)))
			goto done;
		if (!r->sla.policy)
			continue; /* no policy: no clocks to show */
		r->focus = focus_clock(&r->sla);
		n++;
	}
	qsort(sla, n, sizeof(*sla), cmp_sla_rows);
	if (sd_arg_flag(args, "apply")) {
		if ((err = apply(ctx, sla, n, &notes, &nnotes)))
			goto done;
		sd_store_unlock(ctx->store);
		notify(ctx, notes, nnotes);
		mail_sla_events(ctx, sla, n);
	}
	if (sd_arg_flag(args, "json")) {
		print_json(ctx, sla, n);
	} else {
		sd_pager_start(ctx);
		print_human(ctx, args, sla, n, at, sd_row_columns(ctx, args));
	}
	if (sd_arg_flag(args, "check"))
		for (size_t i = 0; i < n; i++)
			for (int c = 0; c < 3; c++)
				if (counts(clock_at(&sla[i].sla, c)) &&
				    clock_at(&sla[i].sla, c)->state == SD_CLOCK_BREACHED)
					ctx->exit_status = SD_EXIT_FOUND_NOTHING;
done:
	free_notes(notes, nnotes);
	free(sla);
	sd_strvec_clear(&wanted);
	sd_rows_free(&rows);
	sd_filter_free(filter);
	return err;
}
