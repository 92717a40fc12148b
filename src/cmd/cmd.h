/* SPDX-License-Identifier: MIT */
#ifndef SD_CMD_H
#define SD_CMD_H

/* One file per command; see the checklist in src/cli/cli.h. */

#include "cli/cli.h"
#include "sd/import.h"

extern const struct sd_option init_options[];
extern const struct sd_option new_options[];
extern const struct sd_option show_options[];
extern const struct sd_option attach_options[];
extern const struct sd_option inbox_options[];
extern const struct sd_option comment_options[];
extern const struct sd_option mail_options[];
extern const struct sd_option assign_options[];
extern const struct sd_option status_options[];
extern const struct sd_option resolve_options[];
extern const struct sd_option close_options[];
extern const struct sd_option reopen_options[];
extern const struct sd_option set_options[];
extern const struct sd_option edit_options[];
extern const struct sd_option log_options[];
extern const struct sd_option check_options[];
extern const struct sd_option help_options[];
extern const struct sd_option complete_options[];
extern const struct sd_option sla_options[];
extern const struct sd_option serve_options[];
extern const struct sd_option escalate_options[];
extern const struct sd_option merge_file_options[];
extern const struct sd_option pull_options[];
extern const struct sd_option push_options[];
extern const struct sd_option sync_options[];
extern const struct sd_option import_options[];
extern const struct sd_option export_options[];
extern const struct sd_option trust_options[];
extern const struct sd_option route_options[];
extern const struct sd_option agents_options[];
extern const struct sd_option kb_options[];
extern const struct sd_option site_options[];
extern const struct sd_option report_options[];
extern const struct sd_option link_options[];
extern const struct sd_option unlink_options[];
extern const struct sd_option problem_options[];

sd_error *cmd_init(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_new(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_show(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_attach(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_comment(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_mail(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_mail_send(struct sd_ctx *ctx, struct sd_args *args);
/* Sends the mail the tickets owe (all, or those of the nonly ids in
 * only; with what_prefix, only messages whose kind starts so, such as
 * "notify-sla:") and records it, a line per message sent to report;
 * shared by sd mail send and sd sla --apply. */
sd_error *sd_mail_send(struct sd_ctx *ctx, const char *const *only, size_t nonly,
		       const char *what_prefix, int dry_run, FILE *report);
sd_error *cmd_assign(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_status(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_resolve(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_close(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_reopen(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_set(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_edit(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_log(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_check(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_help(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_complete(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_sla(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_serve(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_escalate(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_merge_file(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_pull(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_push(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_sync(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_import(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_export(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_trust(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_route(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_agents(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_kb(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_site(struct sd_ctx *ctx, struct sd_args *args);

/* The knowledge base's pieces other commands use (src/cmd/kb.c). */
extern const char *const sd_kb_subcommands[];
/* Prints up to limit published articles that answer question, best first
 * (as sd kb suggest does); exit status 1 when none does. */
sd_error *sd_kb_suggest(struct sd_ctx *ctx, const char *question, size_t limit, int json);
/* The same on stderr, at most three, after a line saying what they are;
 * nothing when no article matches. Never fails: a hint must not turn a
 * ticket that was opened into an error. */
void sd_kb_hint(struct sd_ctx *ctx, const char *question);
/* sd resolve ID --kb SLUG: resolves the ticket (when it is not yet),
 * records an event with field "kb" to SLUG and adds the ticket to the
 * article's tickets, in one commit. */
sd_error *sd_kb_resolve(struct sd_ctx *ctx, const char *prefix, const char *resolution,
			const char *slug);
sd_error *cmd_report(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_link(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_unlink(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_problem(struct sd_ctx *ctx, struct sd_args *args);

struct sd_sync_target;
struct sd_sync_stats;
/* The halves of sync, shared by pull, push and sync. */
sd_error *sd_fetch(struct sd_ctx *ctx, const struct sd_sync_target *t);
sd_error *sd_pull(struct sd_ctx *ctx, const struct sd_sync_target *t, struct sd_sync_stats *stats);
/* Says how many tickets a pull's rebalancing moved, if any. */
void sd_put_rebalanced(struct sd_ctx *ctx, size_t n);
sd_error *sd_push(struct sd_ctx *ctx, const struct sd_sync_target *t, int *rejected);
sd_error *cmd_list(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_inbox(struct sd_ctx *ctx, struct sd_args *args);
sd_error *cmd_search(struct sd_ctx *ctx, struct sd_args *args);

/* Shared by status, resolve, close and reopen. */
sd_error *sd_change_status(struct sd_ctx *ctx, const char *prefix, const char *status,
			   const char *reason, const char *verb);
/* The same, refusing (with only_from_done) a ticket that is not resolved,
 * closed or cancelled: reopening an open ticket is a mistake, not a no-op. */
sd_error *sd_change_status_from(struct sd_ctx *ctx, const char *prefix, const char *status,
				const char *reason, const char *verb, int only_from_done);

/* Moves t to tier `to`, with its queue (or the tier's), recording events;
 * shared by escalate and sla --apply. */
sd_error *sd_escalate_ticket(struct sd_ctx *ctx, struct sd_ticket *t, int to, const char *author,
			     const char *reason, const char *queue);

/* The JSON object of sd show --json and sd export: sd_ticket_json with
 * the description, the timeline and "extra", the front-matter keys sd
 * does not know (key: their YAML lines). Shared by show and export. */
void sd_ticket_json_full(struct sd_buf *out, const struct sd_ticket *t);
/* The "extra" object alone. */
void sd_extra_json(struct sd_buf *out, const struct sd_ticket *t);
/* The format of import and export: --format when given, else from the
 * file name's extension (.csv is CSV), else JSON Lines. */
sd_error *sd_transfer_format(enum sd_import_format *out, const char *given, const char *path);

/* Several tickets changed together and committed in one commit (a link
 * changes both of its sides): each loaded once, the batch owns them. */
struct sd_batch {
	struct sd_ticket **v;
	int *dirty; /* to be saved */
	size_t n;
};
/* Takes the store lock (held to the commit) and loads the ticket a
 * user-typed prefix names, or finds it in the batch; *out belongs to b. */
sd_error *sd_batch_load(struct sd_ctx *ctx, struct sd_batch *b, const char *prefix,
			struct sd_ticket **out);
/* Marks t (a ticket of b) to be saved. */
void sd_batch_mark(struct sd_batch *b, const struct sd_ticket *t);
size_t sd_batch_dirty(const struct sd_batch *b);
/* Sets `updated` on the marked tickets and commits them in one commit,
 * the first marked one naming it; nothing when none is marked. */
sd_error *sd_batch_save(struct sd_ctx *ctx, struct sd_batch *b, const char *verb);
void sd_batch_free(struct sd_batch *b);
/* Links the n incidents to problem (all in b), first unlinking each from
 * the problem it named, which is loaded into b; marks what changed and
 * counts in *changed the incidents newly linked. */
sd_error *sd_link_incidents(struct sd_ctx *ctx, struct sd_batch *b, struct sd_ticket *problem,
			    struct sd_ticket *const *incidents, size_t n, const char *author,
			    const char *reason, size_t *changed);
/* sd resolve PID --incidents: the problem and every open incident linked
 * to it resolved, in one commit. */
sd_error *sd_resolve_incidents(struct sd_ctx *ctx, const char *prefix, const char *resolution);

#endif
