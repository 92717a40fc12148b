/* SPDX-License-Identifier: MIT */
/* sd export: every ticket as JSON Lines or CSV, for sd import or other tools. */

#define _GNU_SOURCE /* pipe2, mkostemp: descriptors closed on exec */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "sd/csv.h"
#include "sd/import.h"
#include "sd/text.h"

const struct sd_option export_options[] = {
	SD_FILTER_OPTION_ROWS,
	{ SD_OPT_STRING, 0, "format", "FORMAT",
	  "jsonl or csv (default: from the output file's name, else jsonl)" },
	{ SD_OPT_STRING, 'o', "output", "FILE",
	  "write to FILE, replacing it at once, instead of standard output" },
	{ SD_OPT_BOOL, 0, "raw-csv", NULL,
	  "keep CSV cells that start with = + - @ as they are (for programs)" },
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

void sd_extra_json(struct sd_buf *out, const struct sd_ticket *t)
{
	sd_buf_addch(out, '{');
	for (size_t i = 0; i < t->nextra; i++) {
		if (i)
			sd_buf_addch(out, ',');
		sd_json_string(out, t->extra[i].key);
		sd_buf_addch(out, ':');
		sd_json_string(out, t->extra[i].raw);
	}
	sd_buf_addch(out, '}');
}

void sd_ticket_json_full(struct sd_buf *out, const struct sd_ticket *t)
{
	/* sd_ticket_json writes one object; "extra" goes in before its
	 * closing brace, so that show --json and export share one writer. */
	size_t start = out->len;
	sd_ticket_json(out, t, NULL, 1);
	if (out->len == start || out->data[out->len - 1] != '}')
		return;
	sd_buf_setlen(out, out->len - 1);
	sd_buf_adds(out, ",\"extra\":");
	sd_extra_json(out, t);
	sd_buf_addch(out, '}');
}

sd_error *sd_transfer_format(enum sd_import_format *out, const char *given, const char *path)
{
	if (given) {
		if (!strcmp(given, "jsonl"))
			*out = SD_IMPORT_JSONL;
		else if (!strcmp(given, "csv"))
			*out = SD_IMPORT_CSV;
		else
			return sd_error_invalid("invalid --format '%s': use jsonl or csv", given);
		return NULL;
	}
	const char *dot = path ? strrchr(path, '.') : NULL;
	*out = dot && sd_strcaseeq(dot, ".csv") ? SD_IMPORT_CSV : SD_IMPORT_JSONL;
	return NULL;
}

typedef void csv_field_fn(struct sd_buf *out, const char *s);

static void csv_row(struct sd_buf *out, const struct sd_ticket *t, csv_field_fn *field)
{
	struct sd_buf cell = SD_BUF_INIT;
	for (int f = 0; f < SD_F_COUNT; f++) {
		if (f == SD_F_TAGS) {
			sd_ticket_tags_join(t, &cell);
			field(out, cell.data);
			sd_buf_reset(&cell);
		} else {
			field(out, sd_ticket_get(t, (enum sd_field)f));
		}
		sd_buf_addch(out, ',');
	}
	field(out, t->description);
	sd_buf_addch(out, ',');
	if (t->nentries) {
		sd_buf_addch(&cell, '[');
		for (size_t i = 0; i < t->nentries; i++) {
			if (i)
				sd_buf_addch(&cell, ',');
			sd_entry_json(&cell, &t->entries[i]);
		}
		sd_buf_addch(&cell, ']');
		field(out, cell.data);
		sd_buf_reset(&cell);
	}
	sd_buf_addch(out, ',');
	if (t->nextra) {
		sd_extra_json(&cell, t);
		field(out, cell.data);
	}
	sd_buf_addch(out, '\n');
	sd_buf_release(&cell);
}

sd_error *cmd_export(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_strvec ids = SD_STRVEC_INIT;
	struct sd_buf out = SD_BUF_INIT;
	struct sd_filter *filter = NULL;
	enum sd_import_format format;
	const char *path = sd_arg_str(args, "output");
	int raw = sd_arg_flag(args, "raw-csv");
	sd_error *err;

	if (args->pos.n) {
		err = sd_error_invalid("unexpected argument '%s'; usage: sd %s", args->pos.v[0],
				       ctx->cmd->usage);
		goto done;
	}
	if (path && !*path) {
		err = sd_error_invalid("--output needs a file name");
		goto done;
	}
	if ((err = sd_transfer_format(&format, sd_arg_str(args, "format"), path)))
		goto done;
	if (raw && format != SD_IMPORT_CSV) {
		err = sd_error_invalid("--raw-csv is for CSV; add --format csv or -o FILE.csv");
		goto done;
	}
	if ((err = sd_filter_new(&filter, ctx, args, 1)) ||
	    (err = sd_store_list_ids(ctx->store, &ids)))
		goto done;
	if (format == SD_IMPORT_CSV) {
		for (size_t i = 0; sd_import_csv_columns[i]; i++)
			sd_buf_printf(&out, "%s%s", i ? "," : "", sd_import_csv_columns[i]);
		sd_buf_addch(&out, '\n');
	}
	struct sd_progress *progress = sd_progress_start(ctx, "Exporting tickets", ids.n);
	for (size_t i = 0; i < ids.n; i++) {
		struct sd_ticket t;
		sd_progress_update(progress, i);
		/* An export that silently lacked a ticket would lose it on the
		 * way to another store: a broken file stops the export. */
		struct sd_buf text = SD_BUF_INIT, rel = SD_BUF_INIT;
		if ((err = sd_store_read(ctx->store, ids.v[i], &t, &text))) {
			err = sd_error_wrap(err, "cannot export (run sd check)");
			sd_ticket_free(&t);
			sd_progress_abort(progress);
			goto done;
		}
		/* Exported all the same: an import of it will refuse it. */
		sd_ticket_path(&rel, ids.v[i]);
		char *big = sd_ticket_size_warning(rel.data, text.len);
		if (big) {
			sd_progress_clear(progress);
			sd_warn(big);
		}
		sd_buf_release(&text);
		sd_buf_release(&rel);
		if (sd_filter_match(filter, &t)) {
			if (format == SD_IMPORT_CSV) {
				csv_row(&out, &t, raw ? sd_csv_field_raw : sd_csv_field);
			} else {
				sd_ticket_json_full(&out, &t);
				sd_buf_addch(&out, '\n');
			}
		}
		sd_ticket_free(&t);
	}
	sd_progress_update(progress, ids.n);
	sd_progress_done(progress);
	if (path) {
		err = sd_write_file_atomically(path, out.data, out.len);
	} else if (ctx->stdout_tty && format == SD_IMPORT_CSV) {
		/* JSON escapes control characters itself; CSV carries text as
		 * it is, so on a terminal it is shown inert, as sd show does. */
		struct sd_buf inert = SD_BUF_INIT;
		sd_text_inert(&inert, out.data, out.len, 1);
		fwrite(inert.data, 1, inert.len, ctx->out);
		sd_buf_release(&inert);
	} else {
		fwrite(out.data, 1, out.len, ctx->out);
	}
done:
	sd_filter_free(filter);
	sd_strvec_clear(&ids);
	sd_buf_release(&out);
	return err;
}
