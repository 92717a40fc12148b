/* SPDX-License-Identifier: MIT */
/* sd merge-file BASE OURS THEIRS [PATH]: git's merge driver for tickets. */

#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "sd/kb.h"
#include "sd/merge.h"
#include "sd/path.h"
#include "sd/text.h"

const struct sd_option merge_file_options[] = { { SD_OPT_END, 0, NULL, NULL, NULL } };

static sd_error *read_ticket(struct sd_ticket *t, const char *file, const char *label, int *empty)
{
	struct sd_buf text = SD_BUF_INIT;
	sd_error *err = sd_buf_read_file(&text, file, SD_TICKET_READ_MAX_BYTES + 1);
	if (!err && empty && text.len == 0)
		*empty = 1;
	else if (!err) {
		sd_ticket_free(t);
		err = sd_ticket_parse(t, text.data, text.len, label);
	}
	sd_buf_release(&text);
	return err;
}

/* Writes the result over OURS, as git expects of a merge driver. */
static sd_error *write_result(const char *path, const struct sd_buf *content)
{
	FILE *f = fopen(path, "wbe");
	if (!f)
		return sd_error_errno(path);
	int ok = fwrite(content->data, 1, content->len, f) == content->len;
	if (fclose(f) != 0 || !ok)
		return sd_error_errno(path);
	return NULL;
}

/* Merges a knowledge-base article (see sd_article_merge): conflicting
 * lines of the text are written with markers and the merge fails, as
 * git's own merge of a text file does, for the user to finish. */
static sd_error *merge_article(struct sd_ctx *ctx, struct sd_args *args, const char *path,
			       const char *label)
{
	struct sd_article side[3], merged;
	struct sd_buf text = SD_BUF_INIT, out = SD_BUF_INIT;
	sd_error *err = NULL;
	int base_empty = 0, conflicts = 0;
	(void)ctx;
	sd_article_init(&merged);
	for (int i = 0; i < 3; i++)
		sd_article_init(&side[i]);
	for (int i = 0; i < 3 && !err; i++) {
		sd_buf_reset(&text);
		err = sd_buf_read_file(&text, args->pos.v[i], SD_KB_READ_MAX_BYTES + 1);
		if (!err && i == 0 && text.len == 0)
			base_empty = 1;
		else if (!err)
			err = sd_article_parse(&side[i], text.data, text.len, label);
		size_t n = strlen(path + 3) - 3; /* kb/SLUG.md */
		if (!err && !(i == 0 && base_empty) &&
		    (strlen(side[i].slug) != n || strncmp(side[i].slug, path + 3, n)))
			err = sd_error_invalid("%s is another article (its slug is not the file's "
					       "name)",
					       i == 0		? "the base"
						       : i == 1 ? "ours"
								: "theirs");
	}
	if (!err)
		err = sd_article_merge(&merged, base_empty ? NULL : &side[0], &side[1], &side[2],
				       &conflicts);
	if (!err) {
		sd_article_write(&merged, &out);
		err = write_result(args->pos.v[1], &out);
	}
	if (err) {
		sd_error *cause = err;
		err = sd_error_new(SD_EXIT_FOUND_NOTHING, "cannot merge %s by its meaning: %s",
				   label, cause->msg);
		sd_error_free(cause);
	} else if (conflicts) {
		err = sd_error_new(SD_EXIT_FOUND_NOTHING,
				   "%s: %d conflict%s in the text, marked with <<<<<<< and >>>>>>>; "
				   "edit the file, then git add it",
				   label, conflicts, conflicts == 1 ? "" : "s");
	}
	for (int i = 0; i < 3; i++)
		sd_article_free(&side[i]);
	sd_article_free(&merged);
	sd_buf_release(&text);
	sd_buf_release(&out);
	return err;
}

sd_error *cmd_merge_file(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_ticket base, ours, theirs, merged;
	struct sd_buf out = SD_BUF_INIT;
	int base_empty = 0;
	sd_error *err = sd_args_count(args, 3, 4, ctx->cmd->usage);
	if (err)
		return err;
	const char *path = args->pos.n == 4 ? args->pos.v[3] : NULL;
	/* The path comes from git, the file names from a tracked
	 * .gitattributes: both are shown inert. */
	struct sd_buf shown = SD_BUF_INIT;
	sd_text_inert(&shown, path ? path : args->pos.v[1], strlen(path ? path : args->pos.v[1]),
		      0);
	const char *label = shown.data;
	sd_ticket_init(&base);
	sd_ticket_init(&ours);
	sd_ticket_init(&theirs);
	sd_ticket_init(&merged);
	/* A tracked .gitattributes decides which files git hands to this
	 * driver; sd merges only what is a ticket by its path, and only
	 * sides that are that ticket. Anything else is git's conflict. */
	if (path && sd_path_is_article(path)) {
		err = merge_article(ctx, args, path, label);
		goto done;
	}
	if (path && !sd_path_is_ticket(path)) {
		err = sd_error_invalid("not a ticket file (tickets/XX/ID.md) nor an article "
				       "(kb/SLUG.md)");
		goto fail;
	}
	if ((err = read_ticket(&base, args->pos.v[0], label, &base_empty)) ||
	    (err = read_ticket(&ours, args->pos.v[1], label, NULL)) ||
	    (err = read_ticket(&theirs, args->pos.v[2], label, NULL)))
		goto fail;
	if (path) {
		const char *id = strrchr(path, '/') + 1;
		const struct sd_ticket *sides[3] = { base_empty ? NULL : &base, &ours, &theirs };
		static const char *const names[3] = { "the base", "ours", "theirs" };
		for (int i = 0; i < 3 && !err; i++) {
			const char *has = sides[i] ? sd_ticket_get(sides[i], SD_F_ID) : NULL;
			if (has && (strlen(has) != SD_ID_LEN || strncmp(has, id, SD_ID_LEN)))
				err = sd_error_invalid("%s is another ticket (its id is not the one "
						       "in the file name)",
						       names[i]);
		}
		if (err)
			goto fail;
	}
	if ((err = sd_ticket_merge(&merged, base_empty ? NULL : &base, &ours, &theirs)))
		goto fail;
	sd_ticket_write(&merged, &out);
	/* Two sides each under the limit can merge into a ticket over it:
	 * that is left as a conflict, not written. */
	if ((err = sd_ticket_check_size(label, out.len)))
		goto fail;
	err = write_result(args->pos.v[1], &out);
	goto done;
fail:
	/* A side that does not parse cannot be merged by meaning; git then
	 * reports the conflict and the user resolves it, nothing is lost. */
	{
		sd_error *cause = err;
		err = sd_error_new(SD_EXIT_FOUND_NOTHING, "cannot merge %s by its meaning: %s",
				   label, cause->msg);
		sd_error_free(cause);
	}
done:
	sd_buf_release(&shown);
	sd_buf_release(&out);
	sd_ticket_free(&base);
	sd_ticket_free(&ours);
	sd_ticket_free(&theirs);
	sd_ticket_free(&merged);
	return err;
}
