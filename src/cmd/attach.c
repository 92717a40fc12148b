/* SPDX-License-Identifier: MIT */
/* sd attach ID FILE...: files committed with the ticket, under
 * tickets/XX/ID/files/, in one commit that also records them on its
 * timeline. FILE "-" is standard input, named by --name. */

#include <string.h>

#include "cmd/cmd.h"
#include "sd/attach.h"

const struct sd_option attach_options[] = {
	{ SD_OPT_STRING, 0, "name", "NAME", "the name of the file read from standard input (-)" },
	{ SD_OPT_END, 0, NULL, NULL, NULL },
};

sd_error *cmd_attach(struct sd_ctx *ctx, struct sd_args *args)
{
	const struct sd_config *cfg = sd_store_config(ctx->store);
	struct sd_ticket t;
	struct sd_attach_plan plan = { 0 };
	size_t n = args->pos.n ? args->pos.n - 1 : 0;
	struct sd_buf *data = sd_xcalloc(n ? n : 1, sizeof(*data));
	struct sd_attach_file *files = sd_xcalloc(n ? n : 1, sizeof(*files));
	const char *author;
	sd_error *err;
	sd_ticket_init(&t);
	const char *name = sd_arg_str(args, "name");
	size_t from_stdin = 0;
	for (size_t i = 0; i < n; i++) {
		sd_buf_init(&data[i]);
		from_stdin += !strcmp(args->pos.v[i + 1], "-");
	}
	if ((err = sd_args_count(args, 2, SIZE_MAX, ctx->cmd->usage)))
		goto done;
	/* Standard input has no name of its own: the person gives one, which
	 * is made a plain file name like any other (sd_attach_sanitize). */
	if (from_stdin > 1) {
		err = sd_error_invalid("standard input (-) can be attached only once");
		goto done;
	}
	if (from_stdin && (!name || !*name)) {
		err = sd_error_invalid("attaching standard input (-) needs its file name: "
				       "add --name NAME");
		goto done;
	}
	if (!from_stdin && name) {
		err = sd_error_invalid("--name names the file read from standard input; "
				       "give - among the files, or leave --name out");
		goto done;
	}
	/* Every file is read before anything is locked or changed. */
	for (size_t i = 0; i < n; i++) {
		const char *path = args->pos.v[i + 1];
		int is_stdin = !strcmp(path, "-");
		if ((err = sd_buf_read_file(&data[i], path, (size_t)cfg->mail.max_file_bytes)))
			goto done;
		files[i] = (struct sd_attach_file){ is_stdin ? name : path, data[i].data,
						    data[i].len, 0 };
	}
	sd_ticket_free(&t);
	if ((err = sd_load_ticket(ctx, args->pos.v[0], &t)))
		goto done;
	struct sd_attach_limits lim = { cfg->mail.max_file_bytes, cfg->mail.max_message_bytes,
					SD_ATTACH_MAX_FILES };
	if ((err = sd_attach_plan(&plan, ctx->store, sd_ticket_get(&t, SD_F_ID), files, n, &lim,
				  "mail.max_file_bytes", "mail.max_message_bytes")))
		goto done;
	for (size_t i = 0; i < plan.n; i++)
		if (plan.items[i].dropped) {
			/* On the command line a file over a limit is an error,
			 * not a drop: the person can do something about it. */
			err = sd_error_invalid("%s: %s; nothing was attached (see mail.max_file_bytes "
					       "in sd-config(5))",
					       plan.items[i].given, plan.items[i].dropped);
			goto done;
		}
	char stamp[SD_STAMP_STRLEN];
	if ((err = sd_store_author(ctx->store, NULL, NULL, &author)) ||
	    (err = sd_attach_record(&t, &plan, author, ctx->clock, 1, NULL)))
		goto done;
	sd_stamp_format(stamp, sd_ticket_updated_stamp(&t, ctx->clock));
	sd_ticket_set(&t, SD_F_UPDATED, stamp);
	if ((err = sd_attach_commit(ctx->store, &t, &plan, "attach")))
		goto done;
	for (size_t i = 0; i < plan.n; i++) {
		struct sd_buf line = SD_BUF_INIT;
		sd_put_line(&line, plan.items[i].path);
		fprintf(ctx->out, "%s\n", line.data);
		sd_buf_release(&line);
	}
done:
	for (size_t i = 0; i < n; i++)
		sd_buf_release(&data[i]);
	free(data);
	free(files);
	sd_attach_plan_release(&plan);
	sd_ticket_free(&t);
	return err;
}
