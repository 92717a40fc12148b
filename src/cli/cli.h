/* SPDX-License-Identifier: MIT */
#ifndef SD_CLI_H
#define SD_CLI_H

/*
 * The command layer: one file per subcommand in src/cmd/, one dispatch
 * table in src/sd.c, and the shared pieces here.
 *
 * Adding a command:
 *   1. write src/cmd/NAME.c with `sd_error *cmd_NAME(struct sd_ctx *, struct sd_args *)`
 *      and its option table `NAME_options[]`;
 *   2. declare both below and add one row to the table in src/sd.c;
 *   3. write doc/sd-NAME.1.md, add it to doc/sd.1.md, and a test in tests/e2e/;
 *      completions pick the command and its options up from `sd __complete`.
 */

#include <stdio.h>

#include "sd/buf.h"
#include "sd/error.h"
#include "sd/cache.h"
#include "sd/store.h"
#include "sd/ticket.h"
#include "sd/util.h"

/* ---- options, described as data ---- */

enum sd_opt_kind {
	SD_OPT_END = 0,
	SD_OPT_BOOL,   /* --flag */
	SD_OPT_STRING, /* --name VALUE, --name=VALUE, -n VALUE; last one wins */
	SD_OPT_LIST    /* like STRING, repeatable: every value kept */
};

struct sd_option {
	enum sd_opt_kind kind;
	char short_name;       /* 0: none */
	const char *long_name; /* without "--" */
	const char *arg;       /* argument name for help and completion: "STATUS" */
	const char *help;
};

#define SD_MAX_OPTIONS 32

struct sd_args {
	const struct sd_option *options;
	int set[SD_MAX_OPTIONS];	   /* times given */
	const char *value[SD_MAX_OPTIONS]; /* last value of STRING options */
	struct sd_strvec list[SD_MAX_OPTIONS];
	struct sd_strvec pos; /* positional arguments */
	/* Global options given after the command name, as git and ripgrep
	 * take them: --color[=WHEN] ("always" when bare), and --no-pager
	 * (pager -1) or --paginate (1). main applies them. */
	const char *color;
	int pager;
	int progress; /* --progress 1, --quiet -1 */
};

/* Parses argv (argv[0] is the command name) against options, and the
 * global options above. "--" ends options. "--help"/"-h" sets *help. */
sd_error *sd_args_parse(struct sd_args *a, const struct sd_option *options, int argc, char **argv,
			int *help);
void sd_args_release(struct sd_args *a);
/* Checks the number of positional arguments, naming the first extra one. */
sd_error *sd_args_count(const struct sd_args *a, size_t min, size_t max, const char *usage);
/* Whether the command declares the option: for code shared by commands
 * whose options differ (the others abort on an undeclared name). */
int sd_arg_declared(const struct sd_args *a, const char *long_name);
int sd_arg_flag(const struct sd_args *a, const char *long_name);
const char *sd_arg_str(const struct sd_args *a, const char *long_name);
const struct sd_strvec *sd_arg_list(const struct sd_args *a, const char *long_name);

/* ---- the running command ---- */

struct sd_command;

struct sd_ctx {
	const struct sd_command *cmd;
	struct sd_store *store; /* open when the command needs a store */
	const char *dir;	/* -C DIR, or "." */
	FILE *out;		/* stdout, or the pager */
	int color;		/* colour on */
	int no_pager;
	int stdout_tty, stdin_tty;
	/* The terminal's width for rows cut to fit it (TIOCGWINSZ, else
	 * COLUMNS, else 80); 0 when stdout is not a terminal. */
	int columns;
	/* How human output shows instants: --date, local by default. */
	int date_mode;
	/* Progress lines: 1 --progress, -1 --quiet, 0 on a terminal only. */
	int progress;
	struct sd_progress *stage; /* the line sd_progress_report draws */
	int exit_status;	   /* 1 for "found nothing" / "found problems" */
	sd_time now;		   /* the clock (SD_NOW), in seconds */
	sd_stamp clock;		   /* the same to the millisecond, for changes */
	/* Text the user typed that is not saved yet; main keeps it in a file
	 * if the command fails, so nothing typed is lost. */
	char *pending_text;
};

#define SD_NEEDS_STORE 1u
#define SD_LENIENT_STORE 2u /* open even with an invalid config */
#define SD_HIDDEN 4u

struct sd_command {
	const char *name;
	sd_error *(*run)(struct sd_ctx *ctx, struct sd_args *args);
	const struct sd_option *options;
	unsigned flags;
	const char *usage;   /* after "sd ": "new TITLE [options]" */
	const char *summary; /* one line */
};

extern const struct sd_command sd_commands[];
const struct sd_command *sd_command_lookup(const char *name);
void sd_command_usage(FILE *out, const struct sd_command *cmd);
void sd_main_usage(FILE *out);

/* ---- output ---- */

/* Starts the pager when stdout is a terminal and paging is on. */
void sd_pager_start(struct sd_ctx *ctx);
/* Waits for the pager; returns an error when stdout could not be written. */
sd_error *sd_output_finish(struct sd_ctx *ctx);
/* "\033[31m" when colour is on, else "". */
const char *sd_color(const struct sd_ctx *ctx, const char *code);
#define SD_RESET "0"
#define SD_BOLD "1"
#define SD_DIM "2"
#define SD_RED "31"
#define SD_GREEN "32"
#define SD_YELLOW "33"
#define SD_BLUE "34"
#define SD_CYAN "36"

/* Appends untrusted text made inert for a terminal. */
void sd_put_text(struct sd_buf *out, const char *s);
/* Same for a one-line value: newlines and tabs are escaped too, so that
 * line-oriented output stays one line per ticket. */
void sd_put_line(struct sd_buf *out, const char *s);

/* Writes data to path through a temporary file in the same directory,
 * fsync and a rename, so readers see the old file or the whole new one;
 * the file gets the umask's ordinary mode (sd export -o, sd report
 * --html). */
sd_error *sd_write_file_atomically(const char *path, const char *data, size_t len);

/* ---- progress ---- */

/*
 * A progress line on stderr for work that can take more than a second:
 * "Importing tickets:  42% (42000/100000), 5012/s", redrawn in place at
 * most ten times a second, finished with ", done." and a newline. Shown
 * only when sd_progress_wanted: stderr a terminal (not TERM=dumb, not CI)
 * or --progress, and never with --quiet. Work done within a quarter of a
 * second shows nothing. sd_progress_start returns NULL when nothing is to
 * be shown; every function takes NULL, so callers never test. The caller
 * ends each progress with sd_progress_done, which frees it.
 */
struct sd_progress;
int sd_progress_wanted(const struct sd_ctx *ctx);
/* what: "Importing tickets"; total 0 when unknown (a count, no percent). */
struct sd_progress *sd_progress_start(const struct sd_ctx *ctx, const char *what, uint64_t total);
void sd_progress_set_total(struct sd_progress *p, uint64_t total);
/* done: items finished so far, of total. */
void sd_progress_update(struct sd_progress *p, uint64_t done);
void sd_progress_done(struct sd_progress *p);
/* Takes the line off the terminal before other output (a report on
 * stdout, a warning); the next update draws it again. */
void sd_progress_clear(struct sd_progress *p);
/* Ends the line without ", done.", for work that failed; frees p. */
void sd_progress_abort(struct sd_progress *p);
/* A progress function for the library (sd_store_set_progress, import):
 * arg is the struct sd_ctx; a new `what` starts a new line, done ==
 * total finishes it. sd_progress_finish ends a line left open. */
void sd_progress_report(void *arg, const char *what, uint64_t done, uint64_t total);
void sd_progress_finish(struct sd_ctx *ctx);

/* ---- input ---- */

/* Reads the text of -m TEXT / -F FILE / -F - into *out (validated, trimmed).
 * *given is 0 when neither option was used. */
sd_error *sd_read_message(struct sd_ctx *ctx, const struct sd_args *a, const char *what, char **out,
			  int *given);
/* Runs $VISUAL/$EDITOR (split into argv, no shell) on path. */
sd_error *sd_run_editor(const char *path);
/* "<git dir>/sd/NAME" in out, creating the directory: where sd keeps its
 * own files (editor buffers, kept text), never committed. */
void sd_private_path(struct sd_ctx *ctx, const char *name, struct sd_buf *out);
/* Opens the editor on `initial` in .git/sd/NAME and reads back what the
 * user wrote (at most max bytes) into out. The text becomes
 * ctx->pending_text, so it is kept if the command then fails. */
sd_error *sd_text_from_editor(struct sd_ctx *ctx, const char *name, const char *initial, size_t max,
			      struct sd_buf *out);
/* Writes text to a file that survives (under .git/sd/saved/ or $TMPDIR)
 * and returns its path, which the caller frees. */
char *sd_keep_text(struct sd_ctx *ctx, const char *text, const char *what);

/* ---- tickets for humans and scripts ---- */

/* A loaded ticket with the pieces listing needs. */
struct sd_row {
	struct sd_ticket t;
	char short_id[SD_ID_LEN + 1];
	sd_time created;
	/* Filled by sd_rows_sort for its comparison. */
	const char *sort_text;
	sd_stamp sort_time; /* created or updated, which sort by time */
	int sort_rank;
	/* A slim ticket (from the cache) lacks its text; sd_row_read_full
	 * replaces it with the whole ticket before anything needs that. */
	struct sd_summary_info info;
	/* Loaded for a search: 1 when the texts cache says every word is
	 * there, -1 when it cannot tell (see sd_texts_match). */
	int text_match;
};

struct sd_filter;

struct sd_rows {
	struct sd_row *v;
	size_t n;
	size_t alloc;
	struct sd_summaries sums; /* what the rows' tickets came from */
	struct sd_texts *texts;	  /* open for a search (sd_rows_load_text) */
};

/* Loads the tickets that match filter (every one when it is NULL); tickets
 * that fail to parse are reported on stderr and skipped. */
sd_error *sd_rows_load(struct sd_ctx *ctx, struct sd_rows *rows, const struct sd_filter *filter);
/* The same, leaving out tickets whose cached texts cannot hold every word
 * (those the cache cannot tell about stay, for the caller to test). */
sd_error *sd_rows_load_text(struct sd_ctx *ctx, struct sd_rows *rows,
			    const struct sd_filter *filter, const struct sd_strvec *words);
void sd_rows_free(struct sd_rows *rows);
/* For list, search and sla, after loading: warns about each ticket file
 * over the write limit, and makes the exit status 1 when a ticket could
 * not be read, so that a script never passes over a ticket it lost. */
void sd_rows_report(struct sd_ctx *ctx, const struct sd_rows *rows);
/* Prints "sd: warning: MSG" on stderr, made inert; frees msg. */
void sd_warn(char *msg);
/* Makes the row's ticket the whole ticket read from its file. */
sd_error *sd_row_read_full(struct sd_ctx *ctx, struct sd_row *row);

/* The filters of list, search and sla, as rows of an option table. */
/* clang-format off */
#define SD_FILTER_OPTION_ROWS                                                                      \
	{ SD_OPT_LIST, 's', "status", "STATUS", "only tickets in this status (repeatable)" },      \
	{ SD_OPT_STRING, 0, "type", "TYPE", "only tickets of this type" },                         \
	{ SD_OPT_STRING, 'p', "priority", "PRIORITY", "only tickets with this priority" },         \
	{ SD_OPT_STRING, 0, "tier", "TIER", "only tickets at this support tier" },                 \
	{ SD_OPT_STRING, 'q', "queue", "QUEUE", "only tickets in this queue" },                    \
	{ SD_OPT_STRING, 'a', "assignee", "ASSIGNEE", "only tickets assigned to this user" },      \
	{ SD_OPT_BOOL, 0, "mine", NULL, "only tickets assigned to you" },                          \
	{ SD_OPT_BOOL, 0, "waiting", NULL, "only tickets whose requester spoke last (awaiting an answer)" }, \
	{ SD_OPT_STRING, 0, "requester", "REQUESTER", "only tickets from this requester" },        \
	{ SD_OPT_LIST, 't', "tag", "TAG", "only tickets with this tag (repeatable: all must match)" }, \
	{ SD_OPT_STRING, 0, "category", "CATEGORY", "only tickets in this category" },             \
	{ SD_OPT_STRING, 0, "asset", "ASSET", "only tickets about this asset" },                   \
	{ SD_OPT_STRING, 0, "problem", "PID", "only the incidents linked to this problem" },        \
	{ SD_OPT_STRING, 0, "key", "KEY", "only the ticket with this idempotency key" },           \
	{ SD_OPT_STRING, 0, "sla", "SLA", "only tickets with a clock in this state: running, at-risk, paused, met or breached" }, \
	{ SD_OPT_BOOL, 0, "all", NULL, "include resolved, closed and cancelled tickets" }
/* clang-format on */

/* --wide, for every command whose rows are cut to the terminal. */
#define SD_WIDE_OPTION_ROW \
	{ \
		SD_OPT_BOOL, 0, "wide", NULL, "do not cut rows to the terminal's width" \
	}
/* The width rows are cut to: 0 for --wide or off a terminal. */
size_t sd_row_columns(const struct sd_ctx *ctx, const struct sd_args *a);
/* Appends s, the last column of the line that starts at out->data + line,
 * made inert and cut to what is left of columns (0: whole). */
void sd_put_last_column(struct sd_buf *out, size_t line, const char *s, size_t columns);

/* --date=MODE, for commands that show instants to people. */
enum { SD_DATE_LOCAL, SD_DATE_UTC, SD_DATE_ISO, SD_DATE_RELATIVE, SD_DATE_CALENDAR };
#define SD_DATE_OPTION_ROW \
	{ \
		SD_OPT_STRING, 0, "date", "MODE", \
			"show times as local (TZ, else display.timezone, else UTC), utc, iso, " \
			"relative or calendar (SLA due times in the calendar's zone)" \
	}
/* Sets ctx->date_mode from --date; an unknown mode is a usage error. */
sd_error *sd_date_option(struct sd_ctx *ctx, const struct sd_args *a);
/* An instant for people, as --date asks: "2026-12-02 18:48 CET". JSON and
 * files keep UTC and never use this. */
void sd_format_when(const struct sd_ctx *ctx, char out[48], sd_time t);
/* An SLA due time: with --date=calendar in the zone of the calendar the
 * clock counts in (UTC for 24x7), else as sd_format_when. */
void sd_format_due(const struct sd_ctx *ctx, char out[48], sd_time t, const char *calendar);

/* Filters shared by list and search, taken from their options. */
extern const struct sd_option sd_filter_options[];
struct sd_filter;
sd_error *sd_filter_new(struct sd_filter **out, struct sd_ctx *ctx, const struct sd_args *a,
			int default_all);
/* Evaluates --sla at this instant instead of now (sd sla --at). */
void sd_filter_set_time(struct sd_filter *f, sd_time at);
int sd_filter_match(const struct sd_filter *f, const struct sd_ticket *t);
/* A filter of the open tickets (sd list without filters), for commands
 * without filter options such as sd inbox. */
struct sd_filter *sd_filter_open_tickets(struct sd_ctx *ctx);
void sd_filter_free(struct sd_filter *f);

/* Sorts by --sort (default: priority). */
sd_error *sd_rows_sort(struct sd_rows *rows, const char *key);
/* Prints rows as list does: aligned lines, --json or --format. */
sd_error *sd_rows_print(struct sd_ctx *ctx, const struct sd_rows *rows, const struct sd_args *a);

/* JSON object of a ticket; with_body adds description and timeline. */
void sd_ticket_json(struct sd_buf *out, const struct sd_ticket *t, const char *short_id,
		    int with_body);

/* JSON object of one timeline entry, as in the ticket's "timeline". */
void sd_entry_json(struct sd_buf *out, const struct sd_entry *e);

/* Loads the ticket named by a user-typed prefix, for a change. */
sd_error *sd_load_ticket(struct sd_ctx *ctx, const char *prefix, struct sd_ticket *t);
/* Sets updated=now, writes and commits; clears ctx->pending_text. */
sd_error *sd_save_ticket(struct sd_ctx *ctx, struct sd_ticket *t, const char *verb);

#endif
