/* SPDX-License-Identifier: MIT */
/* sd import [FILE]: many tickets from JSON Lines or CSV, in one commit. */

#include <string.h>

#include "cmd/cmd.h"
#include "sd/import.h"
#include "sd/intake.h"

const struct sd_option import_options[] = {
	{ SD_OPT_STRING, 0, "format", "FORMAT",
	  "jsonl or csv (default: from FILE's name, else jsonl)" },
	{ SD_OPT_BOOL, 0, "skip-invalid", NULL,
	  "import the valid records, list the invalid ones and skip them" },
	{ SD_OPT_BOOL, 'n', "dry-run", NULL,
	  "check every record and say what would be imported, but import nothing" },
	{ SD_OPT_BOOL, 0, "route", NULL,
	  "route each open ticket by the rules of .sd/config.yaml, as sd new does" },
	{ SD_OPT_BOOL, 0, "raw-csv", NULL,
	  "take CSV cells as they are, without removing the ' that sd export adds" },
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

/* Large enough for any desk's history; the whole input is read at once. */
#define IMPORT_MAX_BYTES ((size_t)1 << 30)
/* Errors listed before "and N more" when nothing is imported. */
#define ERRORS_SHOWN 20

static void report(const sd_error *err)
{
	struct sd_buf msg = SD_BUF_INIT;
	sd_put_text(&msg, err->msg);
	fprintf(stderr, "sd: %s\n", msg.data);
	sd_buf_release(&msg);
}

/* Lists the records that are not imported: every one when the others
 * are (each is data left behind), else the first few. */
static void report_invalid(const struct sd_import *im, int all)
{
	size_t shown = 0;
	for (size_t i = 0; i < im->n; i++) {
		if (!im->v[i].err)
			continue;
		if (!all && shown == ERRORS_SHOWN) {
			fprintf(stderr, "sd: and %zu more invalid record%s\n", im->nerr - shown,
				im->nerr - shown == 1 ? "" : "s");
			return;
		}
		report(im->v[i].err);
		shown++;
	}
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* The commit just made, abbreviated as git would. */
static sd_error *head_short(struct sd_ctx *ctx, struct sd_buf *out)
{
	git_repository *repo = sd_store_repo(ctx->store);
	git_object *head = NULL;
	git_buf buf = { 0 };
	if (git_revparse_single(&head, repo, "HEAD") < 0 || git_object_short_id(&buf, head) < 0) {
		git_object_free(head);
		return sd_error_git("committed, but cannot read HEAD");
	}
	sd_buf_adds(out, buf.ptr);
	git_buf_dispose(&buf);
	git_object_free(head);
	return NULL;
}

static sd_error *commit(struct sd_ctx *ctx, const struct sd_import *im, size_t nok)
{
	struct sd_change *changes = sd_xcalloc(nok, sizeof(*changes));
	struct sd_strvec paths = SD_STRVEC_INIT;
	struct sd_buf msg = SD_BUF_INIT, head = SD_BUF_INIT;
	size_t k = 0;
	sd_error *err;
	for (size_t i = 0; i < im->n; i++) {
		if (im->v[i].err)
			continue;
		struct sd_buf path = SD_BUF_INIT;
		sd_ticket_path(&path, im->v[i].id);
		sd_strvec_push_owned(&paths, sd_buf_detach(&path));
		changes[k].path = paths.v[k];
		changes[k].content = im->v[i].text.data;
		changes[k].len = im->v[i].text.len;
		k++;
	}
	sd_buf_printf(&msg, "sd: import %zu ticket%s\n", nok, plural(nok));
	if (!(err = sd_store_commit(ctx->store, changes, nok, msg.data)) &&
	    !(err = head_short(ctx, &head))) {
		fprintf(ctx->out, "imported %zu ticket%s in commit %s", nok, plural(nok),
			head.data);
		if (im->nerr)
			fprintf(ctx->out, "; skipped %zu invalid record%s", im->nerr,
				plural(im->nerr));
		fputc('\n', ctx->out);
	}
	sd_buf_release(&msg);
	sd_buf_release(&head);
	sd_strvec_clear(&paths);
	free(changes);
	return err;
}

struct route_arg {
	struct sd_ctx *ctx;
	struct sd_team_load load;
	const char *author;
};

/* Routes an imported ticket as intake routes a new one: the fields the
 * record gave stay. Finished work is left as it was. */
static sd_error *route_one(void *arg, struct sd_ticket *t, unsigned long given)
{
	struct route_arg *ra = arg;
	struct sd_route_outcome o = { 0 };
	if (sd_status_is_done(sd_ticket_get(t, SD_F_STATUS)))
		return NULL;
	if (!*sd_ticket_get(t, SD_F_CHANNEL))
		sd_ticket_set(t, SD_F_CHANNEL, "import");
	sd_error *err = sd_route_apply(&o, sd_store_config(ra->ctx->store), t, given, 0, &ra->load,
				       ra->author, ra->ctx->clock);
	sd_route_outcome_release(&o);
	return err;
}

sd_error *cmd_import(struct sd_ctx *ctx, struct sd_args *args)
{
	struct route_arg ra = { ctx, { 0 }, NULL };
	struct sd_buf data = SD_BUF_INIT;
	struct sd_strvec existing = SD_STRVEC_INIT;
	struct sd_import im = { NULL, 0, 0 };
	struct sd_import_options opt;
	const char *email, *author;
	int skip = sd_arg_flag(args, "skip-invalid"), dry = sd_arg_flag(args, "dry-run");
	sd_error *err;

	if ((err = sd_args_count(args, 0, 1, ctx->cmd->usage)))
		goto done;
	const char *file = args->pos.n ? args->pos.v[0] : "-";
	int from_stdin = !strcmp(file, "-");
	if (!args->pos.n && ctx->stdin_tty) {
		err = sd_error_invalid("no FILE given, and standard input is a terminal; usage: sd %s",
				       ctx->cmd->usage);
		goto done;
	}
	memset(&opt, 0, sizeof(opt));
	if ((err = sd_transfer_format(&opt.format, sd_arg_str(args, "format"),
				      from_stdin ? NULL : file)))
		goto done;
	if (sd_arg_flag(args, "raw-csv") && opt.format != SD_IMPORT_CSV) {
		err = sd_error_invalid("--raw-csv is for CSV; add --format csv or give a FILE.csv");
		goto done;
	}
	if ((err = sd_store_author(ctx->store, NULL, &email, &author)) ||
	    (err = sd_buf_read_file(&data, file, IMPORT_MAX_BYTES)))
		goto done;
	/* Held from reading the ids to the commit, so that no other sd
	 * creates a ticket with an id this import is about to use. */
	if (!dry && (err = sd_store_lock(ctx->store)))
		goto done;
	if ((err = sd_store_list_ids(ctx->store, &existing)))
		goto done;
	opt.path = from_stdin ? "<stdin>" : file;
	opt.cfg = sd_store_config(ctx->store);
	opt.author = author;
	opt.requester = email;
	opt.now = ctx->clock;
	opt.existing = &existing;
	opt.raw_csv = sd_arg_flag(args, "raw-csv");
	opt.progress = sd_progress_report;
	opt.progress_arg = ctx;
	if (sd_arg_flag(args, "route")) {
		ra.author = author;
		if ((err = sd_team_load_store(&ra.load, ctx->store)))
			goto done;
		opt.route = route_one;
		opt.route_arg = &ra;
	}
	if ((err = sd_import_parse(&im, data.data, data.len, &opt)))
		goto done;
	size_t nok = im.n - im.nerr;
	if (im.nerr)
		report_invalid(&im, skip);
	if (im.nerr && !skip) {
		err = sd_error_invalid("nothing imported: %zu of %zu record%s %s invalid; fix %s, "
				       "or import the others with --skip-invalid",
				       im.nerr, im.n, plural(im.n), im.nerr == 1 ? "is" : "are",
				       im.nerr == 1 ? "it" : "them");
		goto done;
	}
	if (!im.n) {
		fprintf(ctx->out, "nothing to import: %s holds no records\n", opt.path);
		goto done;
	}
	if (!nok) {
		err = sd_error_invalid("nothing imported: all %zu record%s invalid", im.n,
				       im.n == 1 ? " is" : "s are");
		goto done;
	}
	if (dry) {
		fprintf(ctx->out, "would import %zu ticket%s", nok, plural(nok));
		if (im.nerr)
			fprintf(ctx->out, "; would skip %zu invalid record%s", im.nerr,
				plural(im.nerr));
		fputc('\n', ctx->out);
		goto done;
	}
	err = commit(ctx, &im, nok);
done:
	sd_team_load_release(&ra.load);
	sd_import_release(&im);
	sd_strvec_clear(&existing);
	sd_buf_release(&data);
	return err;
}
