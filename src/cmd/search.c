/* SPDX-License-Identifier: MIT */
/* sd search TEXT: tickets whose title, description or comments contain TEXT. */

#include <string.h>

#include "cmd/cmd.h"
#include "sd/text.h"

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
	if ((err = sd_filter_new(&filter, ctx, args, 1)) ||
	    (err = sd_rows_load_text(ctx, &rows, filter, text)))
		goto done;
	sd_rows_report(ctx, &rows);
	/* Every word must appear somewhere in the ticket's text; a quoted
	 * argument is one phrase. The texts cache decided most tickets while
	 * they were loaded; the others are looked up where the summary cache
	 * says their text lies, so most are decided without parsing them. */
	const struct sd_summary_info **infos = sd_xcalloc(rows.n ? rows.n : 1, sizeof(*infos));
	int *match = sd_xcalloc(rows.n ? rows.n : 1, sizeof(*match));
	int *found = sd_xcalloc(rows.n ? rows.n : 1, sizeof(*found));
	size_t nunknown = 0;
	for (size_t i = 0; i < rows.n; i++) {
		match[i] = rows.v[i].text_match;
		if (match[i] < 0)
			infos[nunknown++] = &rows.v[i].info;
	}
	sd_summaries_text_match(ctx->store, &rows.sums, rows.texts, infos, nunknown, text, found);
	for (size_t i = 0, k = 0; i < rows.n; i++)
		if (match[i] < 0)
			match[i] = found[k++];
	free(found);
	size_t kept = 0;
	for (size_t i = 0; i < rows.n; i++) {
		if (match[i] < 0) {
			if ((err = sd_row_read_full(ctx, &rows.v[i]))) {
				/* Changed or removed since the scan: reported
				 * like any unreadable file; the search goes on. */
				struct sd_buf msg = SD_BUF_INIT;
				sd_put_text(&msg, err->msg);
				fprintf(stderr, "sd: skipping %s\n", msg.data);
				sd_buf_release(&msg);
				sd_error_free(err);
				err = NULL;
				match[i] = 0;
			} else {
				match[i] = sd_ticket_text_match(&rows.v[i].t, text);
			}
		}
		if (match[i])
			rows.v[kept++] = rows.v[i];
		else
			sd_ticket_free(&rows.v[i].t);
	}
	free(infos);
	free(match);
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
