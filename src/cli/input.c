/* SPDX-License-Identifier: MIT */
/* Text the user gives: -m/-F, the editor, and keeping it safe. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sd/text.h"

sd_error *sd_read_message(struct sd_ctx *ctx, const struct sd_args *a, const char *what, char **out,
			  int *given)
{
	const char *msg = sd_arg_str(a, "message");
	const char *file = sd_arg_str(a, "file");
	struct sd_buf text = SD_BUF_INIT;
	sd_error *err = NULL;
	*out = NULL;
	*given = 0;
	if (msg && file)
		return sd_error_invalid("give the %s with -m or -F, not both", what);
	if (msg) {
		sd_buf_adds(&text, msg);
	} else if (file) {
		if ((err = sd_buf_read_file(&text, file, SD_TEXT_MAX_BYTES + 1)))
			goto done;
	} else {
		return NULL;
	}
	*given = 1;
	free(ctx->pending_text);
	ctx->pending_text = sd_xstrndup(text.data, text.len);
	if ((err = sd_text_validate(text.data, text.len, what)))
		goto done;
	*out = sd_text_trim_lines(text.data);
done:
	sd_buf_release(&text);
	return err;
}

sd_error *sd_run_editor(const char *path)
{
	const char *cmd = getenv("VISUAL");
	if (!cmd || !*cmd)
		cmd = getenv("EDITOR");
	if (!cmd || !*cmd)
		cmd = "vi";
	struct sd_strvec argv = SD_STRVEC_INIT;
	sd_split_command(&argv, cmd);
	if (!argv.n) {
		sd_strvec_clear(&argv);
		return sd_error_invalid("the editor command is empty; set VISUAL or EDITOR");
	}
	sd_strvec_push(&argv, path);
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		sd_strvec_clear(&argv);
		return sd_error_errno("fork");
	}
	if (pid == 0) {
		execvp(argv.v[0], argv.v);
		fprintf(stderr, "sd: cannot run editor '%s': %s\n", argv.v[0], strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sd_strvec_clear(&argv);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return sd_error_invalid("the editor ('%s') failed; nothing was changed", cmd);
	return NULL;
}

void sd_private_path(struct sd_ctx *ctx, const char *name, struct sd_buf *out)
{
	sd_store_private_path(ctx->store, name, out);
}

sd_error *sd_text_from_editor(struct sd_ctx *ctx, const char *name, const char *initial, size_t max,
			      struct sd_buf *out)
{
	struct sd_buf path = SD_BUF_INIT;
	sd_error *err = NULL;
	sd_private_path(ctx, name, &path);
	FILE *f = fopen(path.data, "we");
	if (!f || fputs(initial, f) < 0 || fclose(f) != 0) {
		err = sd_error_errno(path.data);
		goto done;
	}
	if ((err = sd_run_editor(path.data)) || (err = sd_buf_read_file(out, path.data, max)))
		goto done;
	free(ctx->pending_text);
	ctx->pending_text = sd_xstrndup(out->data, out->len);
done:
	remove(path.data);
	sd_buf_release(&path);
	return err;
}

char *sd_keep_text(struct sd_ctx *ctx, const char *text, const char *what)
{
	struct sd_buf path = SD_BUF_INIT;
	char stamp[SD_TIME_STRLEN];
	sd_time_format(stamp, ctx->now);
	for (char *p = stamp; *p; p++)
		if (*p == ':')
			*p = '-';
	if (ctx->store) {
		sd_private_path(ctx, "saved", &path);
	} else {
		const char *tmp = getenv("TMPDIR");
		sd_buf_printf(&path, "%s/sd-saved-%ld", tmp && *tmp ? tmp : "/tmp", (long)getuid());
	}
	mkdir(path.data, 0700);
	sd_buf_printf(&path, "/%s-%s-%ld.md", stamp, what, (long)getpid());
	FILE *f = fopen(path.data, "wxe");
	if (!f) {
		sd_buf_release(&path);
		return NULL;
	}
	size_t len = strlen(text);
	int ok = fwrite(text, 1, len, f) == len;
	if (fclose(f) != 0 || !ok) {
		unlink(path.data);
		sd_buf_release(&path);
		return NULL;
	}
	return sd_buf_detach(&path);
}
