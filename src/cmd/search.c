/* sd search TEXT: tickets whose title, description or comments contain TEXT. */

#include <string.h>

#include "cmd/cmd.h"
#include "sd/text.h"

static int ticket_contains_word(const struct sd_ticket *t, const char *text)
{
	if (sd_strcasestr(sd_ticket_get(t, SD_F_TITLE), text) || sd_strcasestr(t->description, text))
		return 1;
	for (size_t i = 0; i < t->nentries; i++) {
		const struct sd_entry *e = &t->entries[i];
		if (e->kind == SD_ENTRY_COMMENT && sd_strcasestr(e->body, text))
			return 1;
		if (e->kind == SD_ENTRY_EVENT && sd_strcasestr(e->reason, text))
			return 1;
	}
	return 0;
}

/* Every word must appear somewhere in the ticket; a quoted argument is
 * one phrase. */
static int ticket_contains(const struct sd_ticket *t, const struct sd_strvec *words)
{
	for (size_t i = 0; i < words->n; i++)
		if (!ticket_contains_word(t, words->v[i]))
			return 0;
	return 1;
}

sd_error *cmd_search(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_filter *filter = NULL;
	struct sd_rows rows = { NULL, 0 };
	sd_error *err;
	if (!args->pos.n)
		return sd_error_invalid("missing argument; usage: sd search TEXT [filters]");
	for (size_t i = 0; i < args->pos.n; i++)
		if (!*args->pos.v[i])
			return sd_error_invalid("empty search text");
	const struct sd_strvec *text = &args->pos;
	/* Search looks through every ticket, resolved and closed ones too:
	 * an old answer is what people search for. */
	if ((err = sd_filter_new(&filter, ctx, args, 1)) || (err = sd_rows_load(ctx, &rows)))
		goto done;
	size_t kept = 0;
	for (size_t i = 0; i < rows.n; i++) {
		if (sd_filter_match(filter, &rows.v[i].t) && ticket_contains(&rows.v[i].t, text))
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
