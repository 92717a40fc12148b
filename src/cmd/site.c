/* SPDX-License-Identifier: MIT */
/* sd site OUTDIR: the published public articles as a static HTML site. */

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "sd/kb.h"
#include "sd/site.h"
#include "sd/text.h"

const struct sd_option site_options[] = {
	{ SD_OPT_STRING, 0, "name", "NAME",
	  "the site's name in every header (default: Help centre)" },
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

/* The file that marks a directory as sd site's own, so that a later run
 * may remove the pages of articles no longer published, and never
 * touches a directory it did not make. */
#define MARKER ".sd-site"

static sd_error *write_file(const char *dir, const char *name, const struct sd_buf *content)
{
	struct sd_buf path = SD_BUF_INIT, tmp = SD_BUF_INIT;
	sd_error *err = NULL;
	sd_buf_printf(&path, "%s/%s", dir, name);
	sd_buf_printf(&tmp, "%s/.%s.tmp", dir, name);
	FILE *f = fopen(tmp.data, "we");
	if (!f) {
		err = sd_error_errno(tmp.data);
		goto done;
	}
	int ok = fwrite(content->data, 1, content->len, f) == content->len;
	if (fclose(f) != 0 || !ok || rename(tmp.data, path.data) < 0) {
		err = sd_error_errno(path.data);
		unlink(tmp.data);
	}
done:
	sd_buf_release(&path);
	sd_buf_release(&tmp);
	return err;
}

/* Makes dir ready: created when missing; an existing one must be empty
 * or made by sd site. *ours is 1 when it was made by sd site before. */
static sd_error *prepare_dir(const char *dir, int *ours)
{
	struct stat st;
	*ours = 0;
	if (lstat(dir, &st) < 0) {
		if (errno != ENOENT)
			return sd_error_errno(dir);
		if (mkdir(dir, 0777) < 0)
			return sd_error_errno(dir);
		return NULL;
	}
	if (!S_ISDIR(st.st_mode))
		return sd_error_invalid("%s is not a directory; give a new or empty directory",
					dir);
	DIR *d = opendir(dir);
	if (!d)
		return sd_error_errno(dir);
	struct dirent *e;
	int others = 0;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!strcmp(e->d_name, MARKER))
			*ours = 1;
		else
			others = 1;
	}
	closedir(d);
	if (others && !*ours)
		return sd_error_invalid("%s is not empty and was not written by sd site; give a new "
					"or empty directory, so that nothing of yours is overwritten",
					dir);
	return NULL;
}

/* Removes the pages an earlier run wrote that this run did not. */
static void remove_stale(const char *dir, const struct sd_strvec *written)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n > 5 && !strcmp(e->d_name + n - 5, ".html") &&
		    !sd_strvec_has(written, e->d_name)) {
			struct sd_buf path = SD_BUF_INIT;
			sd_buf_printf(&path, "%s/%s", dir, e->d_name);
			unlink(path.data);
			sd_buf_release(&path);
		}
	}
	closedir(d);
}

sd_error *cmd_site(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_article *all = NULL;
	struct sd_strvec problems = SD_STRVEC_INIT, written = SD_STRVEC_INIT;
	struct sd_buf page = SD_BUF_INIT;
	struct sd_site_links links;
	size_t n = 0, k = 0;
	int ours;
	sd_error *err;
	if ((err = sd_args_count(args, 1, 1, ctx->cmd->usage)))
		return err;
	const char *name = sd_arg_str(args, "name");
	if (name && (err = sd_field_validate(SD_F_TITLE, name)))
		return sd_error_wrap(err, "--name");
	const char *dir = args->pos.v[0];
	if ((err = sd_kb_read_all(ctx->store, &all, &n, &problems)))
		return err;
	if (problems.n) {
		/* A broken article is left out, never published half-read. */
		for (size_t i = 0; i < problems.n; i++)
			sd_warn(sd_xstrdup(problems.v[i]));
		ctx->exit_status = 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!sd_site_visible(&all[i])) {
			sd_article_free(&all[i]);
			continue;
		}
		if (k != i) {
			all[k] = all[i];
			memset(&all[i], 0, sizeof(all[i]));
		}
		k++;
	}
	if ((err = prepare_dir(dir, &ours)))
		goto done;
	sd_site_links_static(&links, name);
	struct sd_buf css = SD_BUF_INIT, marker = SD_BUF_INIT;
	sd_buf_adds(&css, sd_site_css());
	sd_buf_adds(&marker, "Written by sd site; the next run replaces every .html file here.\n");
	err = write_file(dir, "sd.css", &css);
	if (!err)
		err = write_file(dir, MARKER, &marker);
	sd_buf_release(&css);
	sd_buf_release(&marker);
	for (size_t i = 0; !err && i < k; i++) {
		struct sd_buf file = SD_BUF_INIT;
		sd_buf_printf(&file, "%s.html", all[i].slug);
		sd_buf_reset(&page);
		sd_site_render_article(&page, &links, &all[i]);
		err = write_file(dir, file.data, &page);
		sd_strvec_push(&written, file.data);
		sd_buf_release(&file);
	}
	if (!err) {
		sd_buf_reset(&page);
		sd_site_render_index(&page, &links, all, k);
		err = write_file(dir, "index.html", &page);
		sd_strvec_push(&written, "index.html");
	}
	if (!err) {
		sd_buf_reset(&page);
		sd_site_render_faq(&page, &links, all, k);
		err = write_file(dir, "faq.html", &page);
		sd_strvec_push(&written, "faq.html");
	}
	if (err)
		goto done;
	if (ours)
		remove_stale(dir, &written);
	size_t faqs = 0;
	for (size_t i = 0; i < k; i++)
		faqs += all[i].faq != 0;
	struct sd_buf shown = SD_BUF_INIT;
	sd_put_line(&shown, dir);
	fprintf(ctx->out, "wrote %zu article%s (%zu in the FAQ) to %s\n", k, k == 1 ? "" : "s",
		faqs, shown.data);
	sd_buf_release(&shown);
done:
	sd_strvec_clear(&problems);
	sd_strvec_clear(&written);
	sd_buf_release(&page);
	sd_kb_articles_free(all, n);
	return err;
}
