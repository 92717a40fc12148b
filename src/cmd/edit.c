/* SPDX-License-Identifier: MIT */
/* sd edit ID: change a ticket in your editor; the result is validated. */

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"

const struct sd_option edit_options[] = { { SD_OPT_END, 0, NULL, NULL, NULL } };

/* Records an event for every front-matter field the edit changed, so the
 * timeline says what happened even when the change was made by hand. */
static sd_error *record_changes(struct sd_ctx *ctx, const struct sd_ticket *old,
				struct sd_ticket *edited)
{
	const char *author;
	sd_error *err = sd_store_author(ctx->store, NULL, NULL, &author);
	for (int f = 0; !err && f < SD_F_COUNT; f++) {
		if (f == SD_F_UPDATED || f == SD_F_ID || f == SD_F_CREATED)
			continue;
		struct sd_buf before = SD_BUF_INIT, after = SD_BUF_INIT;
		if (f == SD_F_TAGS) {
			sd_ticket_tags_join(old, &before);
			sd_ticket_tags_join(edited, &after);
		} else {
			sd_buf_adds(&before, sd_ticket_get(old, (enum sd_field)f));
			sd_buf_adds(&after, sd_ticket_get(edited, (enum sd_field)f));
		}
		if (strcmp(before.data, after.data)) {
			/* Put the old value back, then change it as a command would. */
			if (f == SD_F_TAGS)
				err = sd_ticket_set_tags(edited, before.data);
			else
				sd_ticket_set(edited, (enum sd_field)f, before.data);
			if (!err)
				err = sd_ticket_change(edited, (enum sd_field)f, after.data, author,
						       ctx->clock, "edited by hand", NULL);
		}
		sd_buf_release(&before);
		sd_buf_release(&after);
	}
	return err;
}

/* Reads the bytes of a ticket that does not parse; takes over err. */
static sd_error *read_broken(struct sd_ctx *ctx, const char *id, struct sd_buf *raw, sd_error *err)
{
	struct sd_buf abs = SD_BUF_INIT;
	struct stat st;
	sd_buf_adds(&abs, sd_store_root(ctx->store));
	sd_ticket_path(&abs, id);
	if (lstat(abs.data, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > (off_t)SD_TICKET_READ_MAX_BYTES) {
		sd_buf_release(&abs);
		return err;
	}
	struct sd_buf shown = SD_BUF_INIT;
	sd_put_text(&shown, err->msg);
	fprintf(stderr,
		"sd: %s\nsd: fix it in the editor; the result is checked before it is saved\n",
		shown.data);
	sd_buf_release(&shown);
	sd_error_free(err);
	sd_buf_reset(raw);
	err = sd_buf_read_file(raw, abs.data, SD_TICKET_READ_MAX_BYTES);
	sd_buf_release(&abs);
	return err;
}

sd_error *cmd_edit(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_ticket old, edited;
	struct sd_buf raw = SD_BUF_INIT, path = SD_BUF_INIT, text = SD_BUF_INIT, rel = SD_BUF_INIT;
	char id[SD_ID_LEN + 1];
	sd_error *err;
	int keep = 0;
	sd_ticket_init(&old);
	sd_ticket_init(&edited);
	if ((err = sd_args_count(args, 1, 1, ctx->cmd->usage)))
		goto done;
	if ((err = sd_store_lock(ctx->store)) ||
	    (err = sd_store_resolve(ctx->store, id, args->pos.v[0])))
		goto done;
	sd_ticket_free(&old);
	int old_valid = 1;
	if ((err = sd_store_read(ctx->store, id, &old, &raw))) {
		/* A file broken by hand is what sd edit is for: open it as it
		 * is, provided it is a plain file inside the store. */
		if (err->status != SD_EXIT_INVALID || (err = read_broken(ctx, id, &raw, err)))
			goto done;
		old_valid = 0;
	}
	char name[SD_ID_LEN + 16];
	snprintf(name, sizeof(name), "edit-%s.md", id);
	sd_private_path(ctx, name, &path);
	FILE *f = fopen(path.data, "we");
	if (!f || fwrite(raw.data, 1, raw.len, f) != raw.len || fclose(f) != 0) {
		err = sd_error_errno(path.data);
		goto done;
	}
	if ((err = sd_run_editor(path.data)) ||
	    (err = sd_buf_read_file(&text, path.data, SD_TICKET_READ_MAX_BYTES + 1)))
		goto done;
	if (text.len == raw.len && !memcmp(text.data, raw.data, raw.len)) {
		fprintf(stderr, "sd: no changes\n");
		goto done;
	}
	/* From here on the user's edit is kept whatever happens. */
	keep = 1;
	sd_ticket_path(&rel, id);
	sd_ticket_free(&edited);
	if ((err = sd_ticket_parse(&edited, text.data, text.len, rel.data)) ||
	    (err = sd_ticket_validate(&edited, rel.data)))
		goto done;
	if (strcmp(sd_ticket_get(&edited, SD_F_ID), id)) {
		err = sd_error_invalid("%s:%zu: the id cannot be changed (it names the file)",
				       rel.data, edited.field_line[SD_F_ID]);
		goto done;
	}
	if (old_valid &&
	    strcmp(sd_ticket_get(&edited, SD_F_CREATED), sd_ticket_get(&old, SD_F_CREATED))) {
		err = sd_error_invalid("%s:%zu: the creation time cannot be changed", rel.data,
				       edited.field_line[SD_F_CREATED]);
		goto done;
	}
	if ((old_valid && (err = record_changes(ctx, &old, &edited))) ||
	    (err = sd_save_ticket(ctx, &edited, "edit")))
		goto done;
	keep = 0;
done:
	if (keep && err) {
		sd_error *kept = sd_error_new(err->status,
					      "%s\nsd: the edit was not saved; your text is "
					      "kept in %s",
					      err->msg, path.data);
		sd_error_free(err);
		err = kept;
	} else if (path.len) {
		remove(path.data);
	}
	sd_buf_release(&raw);
	sd_buf_release(&path);
	sd_buf_release(&text);
	sd_buf_release(&rel);
	sd_ticket_free(&old);
	sd_ticket_free(&edited);
	return err;
}
