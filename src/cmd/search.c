/* sd search TEXT: tickets whose title, description or comments contain TEXT. */

#include <string.h>

#include "cmd/cmd.h"
#include "sd/text.h"

/* Every word must appear somewhere in the ticket's text; a quoted argument
 * is one phrase. The cache knows where the text lies in each file, so most
 * tickets are decided without parsing them. */
static sd_error *row_matches(struct sd_ctx *ctx, struct sd_row *r, const struct sd_strvec *words,
			     int *match)
{
	*match = sd_summary_text_match(ctx->store, &r->info, words);
	if (*match >= 0)
		return NULL;
	sd_error *err = sd_row_read_full(ctx, r);
	if (!err)
		*match = sd_ticket_text_match(&r->t, words);
	return err;
}

sd_error *cmd_search(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_filter *filter = NULL;
	struct sd_rows rows = { 0 };
	sd_error *err;
	if (!args->pos.n)
		return sd_error_invalid("missing argument; usage: sd search TEXT [filters]");
	for (size_t i = 0; i < args->pos.n; i++)
		if (!*args->pos.v[i])
			return sd_error_invalid("empty search text");
	const struct sd_strvec *text = &args->pos;
	/* Search looks through every ticket, resolved and closed ones too:
	 * an old answer is what people search for. */
	if ((err = sd_filter_new(&filter, ctx, args, 1)) || (err = sd_rows_load(ctx, &rows, filter)))
		goto done;
	size_t kept = 0;
	for (size_t i = 0; i < rows.n; i++) {
		int match = 1;
		if ((err = row_matches(ctx, &rows.v[i], text, &match))) {
			/* Changed or removed since the scan: reported like
			 * any unreadable file, and the search goes on. */
			struct sd_buf msg = SD_BUF_INIT;
			sd_put_text(&msg, err->msg);
			fprintf(stderr, "sd: skipping %s\n", msg.data);
			sd_buf_release(&msg);
			sd_error_free(err);
			err = NULL;
			match = 0;
		}
		if (match)
			rows.v[kept++] = rows.v[i];
		else
			sd_ticket_free(&rows.v[i].t);
	}
	rows.n = kept;
	if ((err = sd_rows_sort(&rows, sd_arg_str(args, "sort"))))
		goto done;
	if (!rows.n)
		ctx->exit_status = SD_EXIT_FOUND_NOTHING;
	if (!sd_arg_flag(args, "json") && !sd_arg_str(args, "format"))
		sd_pager_start(ctx);
	err = sd_rows_print(ctx, &rows, args);
done:
	sd_rows_free(&rows);
	sd_filter_free(filter);
	return err;
}
