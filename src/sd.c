/* SPDX-License-Identifier: MIT */
/* sd: the entry point, global options and the one table of commands. */

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <git2.h>

#include "cli/cli.h"
#include "cmd/cmd.h"
#include "sd/calendar.h"

const struct sd_command sd_commands[] = {
	{ "init", cmd_init, init_options, 0, "init [DIR]", "make a directory a ticket store" },
	{ "new", cmd_new, new_options, SD_NEEDS_STORE, "new TITLE [-m TEXT | -F FILE] [options]",
	  "open a new ticket" },
	{ "show", cmd_show, show_options, SD_NEEDS_STORE, "show ID [--json] [--files] [--raw]",
	  "show a ticket" },
	{ "attach", cmd_attach, attach_options, SD_NEEDS_STORE, "attach ID FILE...",
	  "attach files to a ticket, in one commit" },
	{ "inbox", cmd_inbox, inbox_options, SD_NEEDS_STORE, "inbox [--limit N] [--json]",
	  "what needs you now: SLA risks, answers owed, your queues, your tickets" },
	{ "list", cmd_list, sd_filter_options, SD_NEEDS_STORE,
	  "list [filters] [--sort KEY] [--json | --format FMT]", "list tickets" },
	{ "comment", cmd_comment, comment_options, SD_NEEDS_STORE,
	  "comment ID [-m TEXT | -F FILE] [--internal]", "add a comment to a ticket" },
	{ "assign", cmd_assign, assign_options, SD_NEEDS_STORE,
	  "assign ID (USER | --me | --none) [-m REASON]", "assign a ticket" },
	{ "status", cmd_status, status_options, SD_NEEDS_STORE, "status ID STATUS [-m REASON]",
	  "change a ticket's status" },
	{ "resolve", cmd_resolve, resolve_options, SD_NEEDS_STORE,
	  "resolve ID -m RESOLUTION [--kb SLUG | --incidents]", "resolve a ticket" },
	{ "close", cmd_close, close_options, SD_NEEDS_STORE, "close ID [-m REASON]",
	  "close a ticket" },
	{ "reopen", cmd_reopen, reopen_options, SD_NEEDS_STORE, "reopen ID -m REASON",
	  "reopen a resolved or closed ticket" },
	{ "escalate", cmd_escalate, escalate_options, SD_NEEDS_STORE,
	  "escalate ID [--to TIER] -m REASON [--assignee A] [--queue Q] [--vendor NAME --vendor-ref REF]",
	  "move a ticket to the next (or another) support tier" },
	{ "route", cmd_route, route_options, SD_NEEDS_STORE,
	  "route ID... [--dry-run] | route --explain [--title T] [-m TEXT] [--requester R] [...]",
	  "apply the routing rules to tickets, or explain them" },
	{ "agents", cmd_agents, agents_options, SD_NEEDS_STORE, "agents [--json]",
	  "list the team: open load per queue, on shift, away" },
	{ "sla", cmd_sla, sla_options, SD_NEEDS_STORE,
	  "sla [ID...] [filters] [--at TIME] [--json] [--check] [--apply]",
	  "show SLA clocks; check or act on breaches" },
	{ "set", cmd_set, set_options, SD_NEEDS_STORE, "set ID KEY=VALUE... [-m REASON]",
	  "change fields of a ticket" },
	{ "edit", cmd_edit, edit_options, SD_NEEDS_STORE, "edit ID",
	  "edit a ticket in your editor" },
	{ "log", cmd_log, log_options, SD_NEEDS_STORE, "log ID", "show a ticket's history" },
	{ "search", cmd_search, sd_filter_options, SD_NEEDS_STORE,
	  "search TEXT [filters] [--json | --format FMT]", "find tickets by text" },
	{ "check", cmd_check, check_options, SD_NEEDS_STORE | SD_LENIENT_STORE, "check",
	  "validate every ticket and the config" },
	{ "mail", cmd_mail, mail_options, 0,
	  "mail [--mbox FILE | --maildir DIR] [--tag TAG] [< MESSAGE] | mail send [--dry-run] [--local]",
	  "take mail in (a new ticket or a comment), or send the mail tickets owe" },
	{ "import", cmd_import, import_options, SD_NEEDS_STORE,
	  "import [FILE | -] [--format jsonl|csv] [--raw-csv] [--route] [--skip-invalid] [--dry-run]",
	  "create tickets from JSON Lines or CSV, in one commit" },
	{ "export", cmd_export, export_options, SD_NEEDS_STORE,
	  "export [filters] [--format jsonl|csv] [--raw-csv] [-o FILE]",
	  "write tickets as JSON Lines or CSV" },
	{ "report", cmd_report, report_options, SD_NEEDS_STORE,
	  "report [--since DATE|DURATION] [--until DATE] [--by FIELD] [filters] [--json | --csv | --html FILE]",
	  "volumes, response and resolution times, SLA compliance and backlog over a period" },
	{ "trust", cmd_trust, trust_options, SD_NEEDS_STORE,
	  "trust [--approve COMMAND | --revoke COMMAND]",
	  "let commands from .sd/config.yaml run on this clone" },
	{ "serve", cmd_serve, serve_options, SD_NEEDS_STORE,
	  "serve [--listen ADDR:PORT] [--base-url URL] [--tls-cert F --tls-key F] [--check]",
	  "serve the requester portal: the form, status pages, the knowledge base" },
	{ "sync", cmd_sync, sync_options, SD_NEEDS_STORE, "sync [REMOTE]",
	  "pull, merge tickets by meaning, and push" },
	{ "pull", cmd_pull, pull_options, SD_NEEDS_STORE, "pull [REMOTE]",
	  "fetch and merge tickets by meaning" },
	{ "push", cmd_push, push_options, SD_NEEDS_STORE, "push [REMOTE]",
	  "send this clone's changes" },
	{ "merge-file", cmd_merge_file, merge_file_options, 0, "merge-file BASE OURS THEIRS [PATH]",
	  "merge three versions of a ticket (git's merge driver)" },
	{ "kb", cmd_kb, kb_options, SD_NEEDS_STORE,
	  "kb (new | edit | show | list | publish | unpublish | search | suggest | from) ...",
	  "write, find and suggest knowledge-base articles" },
	{ "site", cmd_site, site_options, SD_NEEDS_STORE, "site OUTDIR [--name NAME]",
	  "write the published public articles as a static HTML site" },
	{ "problem", cmd_problem, problem_options, SD_NEEDS_STORE,
	  "problem new TITLE --from ID... | suggest | known-error PID --workaround TEXT [--kb]",
	  "manage problems: the causes behind recurring incidents" },
	{ "link", cmd_link, link_options, SD_NEEDS_STORE, "link ID... --problem PID",
	  "link incidents to a problem" },
	{ "unlink", cmd_unlink, unlink_options, SD_NEEDS_STORE, "unlink ID...",
	  "unlink incidents from their problem" },
	{ "help", cmd_help, help_options, 0, "help [COMMAND]", "show help for sd or a command" },
	{ "__complete", cmd_complete, complete_options, SD_HIDDEN,
	  "__complete (commands | options CMD | ids | slugs | kb-commands | values FIELD)",
	  "candidates for shell completion" },
	{ NULL, NULL, NULL, 0, NULL, NULL }
};

const struct sd_command *sd_command_lookup(const char *name)
{
	for (const struct sd_command *c = sd_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* Options are laid out as git's parse-options does: a short option and its
 * long form as "-m, --message TEXT", a long-only option indented by the width
 * of "-m, " so every "--" sits in one column, and every description starting
 * in one column; a left side too wide for it puts the description on the next
 * line rather than pushing it out of line. */
#define SD_HELP_LEFT 26

static void print_option(FILE *out, const char *left, const char *help)
{
	size_t n = strlen(left);

	if (n > SD_HELP_LEFT)
		fprintf(out, "  %s\n  %*s %s\n", left, SD_HELP_LEFT, "", help);
	else
		fprintf(out, "  %-*s %s\n", SD_HELP_LEFT, left, help);
}

void sd_command_usage(FILE *out, const struct sd_command *cmd)
{
	fprintf(out, "usage: sd %s\n\n%s.\n", cmd->usage, cmd->summary);
	fprintf(out, "\noptions:\n");
	for (const struct sd_option *o = cmd->options; o->kind; o++) {
		char left[128];

		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->long_name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->long_name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		print_option(out, left, o->help);
	}
	print_option(out, "-h, --help", "show this help");
}

void sd_main_usage(FILE *out)
{
	fprintf(out,
		"usage: sd [-C DIR] [--no-pager] [--color=WHEN] COMMAND [ARGS]\n\n"
		"sd is a help desk that lives in git: every ticket is a Markdown file,\n"
		"every change one commit.\n\ncommands:\n");
	for (const struct sd_command *c = sd_commands; c->name; c++)
		if (!(c->flags & SD_HIDDEN))
			fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out,
		"\nglobal options:\n"
		"  -C DIR              run as if sd was started in DIR\n"
		"      --no-pager      do not page output\n"
		"      --color=WHEN    colour output: auto, always or never\n"
		"      --progress      show progress on stderr even off a terminal\n"
		"      --quiet         show no progress\n"
		"      --version       print the version\n"
		"  -h, --help          show this help\n\n"
		"See 'sd help COMMAND' or 'man sd-COMMAND' for a command's details.\n");
}

static sd_error *unknown_command(const char *name)
{
	const struct sd_command *best = NULL;
	size_t best_d = 3;
	for (const struct sd_command *c = sd_commands; c->name; c++) {
		size_t d = sd_edit_distance(name, c->name);
		if (!(c->flags & SD_HIDDEN) && d < best_d)
			best = c, best_d = d;
	}
	if (best)
		return sd_error_invalid("'%s' is not an sd command; did you mean '%s'?", name,
					best->name);
	return sd_error_invalid("'%s' is not an sd command; see 'sd help'", name);
}

/* Prints err on stderr after "sd: " and what (such as "warning: "),
 * frees it and returns its exit status. */
static int report(sd_error *err, const char *what)
{
	int status = err->status;
	/* Messages can quote what the user typed; keep them inert too. */
	struct sd_buf msg = SD_BUF_INIT;
	sd_put_text(&msg, err->msg);
	fprintf(stderr, "sd: %s%s\n", what, msg.data);
	sd_buf_release(&msg);
	sd_error_free(err);
	return status;
}

#ifndef SD_GIT_COMMIT
#define SD_GIT_COMMIT ""
#endif

/* "sd version 0.2.0", and in a build from git the commit, as
 * git describe names it, so a bug report says exactly what ran. */
static void print_version(void)
{
	if (*SD_GIT_COMMIT)
		printf("sd version %s (git %s)\n", SD_VERSION, SD_GIT_COMMIT);
	else
		printf("sd version %s\n", SD_VERSION);
}

static sd_error *parse_color(struct sd_ctx *ctx, const char *when)
{
	/* NO_COLOR is the user's standing wish; it beats any flag. */
	if (!strcmp(when, "always"))
		ctx->color = !getenv("NO_COLOR");
	else if (!strcmp(when, "never"))
		ctx->color = 0;
	else if (!strcmp(when, "auto"))
		ctx->color = ctx->stdout_tty && !getenv("NO_COLOR");
	else
		return sd_error_invalid("invalid --color '%s': use auto, always or never", when);
	return NULL;
}

/* Read before the pager takes stdout over. COLUMNS is what a user or a
 * script sets by hand; anything unusable falls back to 80. */
static int terminal_columns(void)
{
	struct winsize ws;
	if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	const char *c = getenv("COLUMNS");
	if (c && *c) {
		char *end;
		long n = strtol(c, &end, 10);
		if (!*end && n > 0 && n < 10000)
			return (int)n;
	}
	return 80;
}

static sd_error *run(int argc, char **argv, struct sd_ctx *ctx)
{
	sd_error *err = NULL;
	int i = 1;
	ctx->dir = ".";
	ctx->stdout_tty = isatty(1);
	ctx->stdin_tty = isatty(0);
	ctx->color = ctx->stdout_tty && !getenv("NO_COLOR");
	ctx->columns = ctx->stdout_tty ? terminal_columns() : 0;
	ctx->out = stdout;
	if ((err = sd_stamp_now(&ctx->clock)))
		return err;
	ctx->now = sd_stamp_seconds(ctx->clock);
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-C")) {
			if (++i >= argc)
				return sd_error_invalid("-C needs a directory");
			ctx->dir = argv[i];
		} else if (!strcmp(a, "--no-pager")) {
			ctx->no_pager = 1;
		} else if (!strcmp(a, "--paginate")) {
			ctx->no_pager = 0;
		} else if (!strcmp(a, "--progress")) {
			ctx->progress = 1;
		} else if (!strcmp(a, "--quiet")) {
			ctx->progress = -1;
		} else if (sd_starts_with(a, "--color=")) {
			if ((err = parse_color(ctx, a + 8)))
				return err;
		} else if (!strcmp(a, "--color")) {
			ctx->color = !getenv("NO_COLOR");
		} else if (!strcmp(a, "--version")) {
			print_version();
			return sd_output_finish(ctx);
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			sd_main_usage(stdout);
			return sd_output_finish(ctx);
		} else {
			return sd_error_invalid("unknown option '%s'; see 'sd --help'", a);
		}
	}
	/* sd alone, on a terminal, inside a store: the inbox, as the day
	 * starts. Anywhere else it is a usage error, as before. */
	static char *inbox_argv[] = { "inbox", NULL };
	int implicit = 0;
	if (i >= argc) {
		if (!ctx->stdout_tty)
			return sd_error_invalid("no command given; 'sd help' lists the commands");
		argv = inbox_argv;
		argc = 1;
		i = 0;
		implicit = 1;
	}
	const struct sd_command *cmd = sd_command_lookup(argv[i]);
	if (!cmd)
		return unknown_command(argv[i]);
	ctx->cmd = cmd;

	struct sd_args args;
	int help;
	if ((err = sd_args_parse(&args, cmd->options, argc - i, argv + i, &help)))
		goto done;
	if (args.color && (err = parse_color(ctx, args.color)))
		goto done;
	if (args.pager)
		ctx->no_pager = args.pager < 0;
	if (args.progress)
		ctx->progress = args.progress;
	if (help) {
		sd_command_usage(stdout, cmd);
		err = sd_output_finish(ctx);
		goto done;
	}
	if (cmd->flags & SD_NEEDS_STORE) {
		unsigned flags = cmd->flags & SD_LENIENT_STORE ? SD_STORE_LENIENT : 0;
		if ((err = sd_store_open(&ctx->store, ctx->dir, flags))) {
			if (implicit) {
				sd_error_free(err);
				err = sd_error_invalid("no command given; 'sd help' lists the "
						       "commands");
			}
			goto done;
		}
		sd_store_set_terminal(ctx->store, ctx->stdout_tty);
		sd_time_set_display_zone(sd_store_config(ctx->store)->display_timezone);
		if (sd_progress_wanted(ctx))
			sd_store_set_progress(ctx->store, sd_progress_report, ctx);
	}
	err = cmd->run(ctx, &args);
	if (err)
		sd_progress_abort(ctx->stage);
	else
		sd_progress_done(ctx->stage);
	ctx->stage = NULL;
	sd_error *out_err = sd_output_finish(ctx);
	if (!err)
		err = out_err;
	else
		sd_error_free(out_err);
done:
	sd_args_release(&args);
	return err;
}

/*
 * libgit2 parses the system's whole CA bundle when it initialises its TLS
 * stream, whether or not anything will use it: over 80% of the
 * instructions of a short sd command. sd never talks to a network through
 * libgit2 (fetch and push run git itself), so this executable defines the
 * two mbedTLS loaders libgit2 calls there, and the dynamic linker, which
 * looks in the executable first, binds libgit2's calls to these. A TLS
 * connection made through libgit2 would then trust no certificate and
 * fail, never succeed unverified. A libgit2 built with OpenSSL never calls
 * them.
 */
int mbedtls_x509_crt_parse_file(void *chain, const char *path);
int mbedtls_x509_crt_parse_path(void *chain, const char *path);
int mbedtls_x509_crt_parse_file(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}
int mbedtls_x509_crt_parse_path(void *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}

int main(int argc, char **argv)
{
	struct sd_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	setlocale(LC_CTYPE, "");
	git_libgit2_init();
	/* libgit2 caches no tree over 4 KB; a store's tickets/ tree and its
	 * shards are larger, and a sync reads them in several diffs. */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)1 << 20);
	sd_error *err = run(argc, argv, &ctx);
	int status = ctx.exit_status;
	sd_error *warning = sd_store_take_warning(ctx.store);
	if (warning)
		report(warning, "warning: ");
	if (err) {
		if (ctx.pending_text && *ctx.pending_text) {
			char *kept = sd_keep_text(&ctx, ctx.pending_text,
						  ctx.cmd ? ctx.cmd->name : "text");
			status = report(err, "");
			if (kept)
				fprintf(stderr, "sd: your text was kept in %s\n", kept);
			free(kept);
		} else {
			status = report(err, "");
		}
	}
	free(ctx.pending_text);
	sd_store_free(ctx.store);
	git_libgit2_shutdown();
	return status;
}
