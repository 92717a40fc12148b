/* SPDX-License-Identifier: MIT */
/* Output: the pager, colour, and checking that stdout was written. */

#define _GNU_SOURCE /* pipe2, mkostemp: descriptors closed on exec */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sd/text.h"

static pid_t pager_pid = -1;

void sd_pager_start(struct sd_ctx *ctx)
{
	if (ctx->no_pager || !ctx->stdout_tty || pager_pid > 0)
		return;
	const char *cmd = getenv("SD_PAGER");
	if (!cmd)
		cmd = getenv("PAGER");
	if (!cmd)
		cmd = "less";
	if (!*cmd || !strcmp(cmd, "cat"))
		return;
	struct sd_strvec argv = SD_STRVEC_INIT;
	sd_split_command(&argv, cmd);
	if (!argv.n) {
		sd_strvec_clear(&argv);
		return;
	}
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0) {
		sd_strvec_clear(&argv);
		return;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		sd_strvec_clear(&argv);
		return;
	}
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		/* As git does: quit if one screen, keep colours, no init. */
		setenv("LESS", getenv("LESS") ? getenv("LESS") : "FRX", 0);
		setenv("LV", "-c", 0);
		execvp(argv.v[0], argv.v);
		/* No pager: copy through so output is not lost. */
		char buf[8192];
		ssize_t n;
		while ((n = read(0, buf, sizeof(buf))) > 0)
			if (write(1, buf, (size_t)n) < 0)
				break;
		_exit(0);
	}
	close(fds[0]);
	dup2(fds[1], 1);
	close(fds[1]);
	pager_pid = pid;
	signal(SIGPIPE, SIG_IGN);
	sd_strvec_clear(&argv);
}

sd_error *sd_output_finish(struct sd_ctx *ctx)
{
	sd_error *err = NULL;
	if (fflush(ctx->out) != 0 || ferror(ctx->out))
		/* A reader that went away (a closed pipe) is not worth an error
		 * message; a full disk is. */
		if (errno != EPIPE)
			err = sd_error_errno("cannot write output");
	if (pager_pid > 0) {
		fclose(stdout);
		close(1);
		int status;
		while (waitpid(pager_pid, &status, 0) < 0 && errno == EINTR)
			;
		pager_pid = -1;
	}
	return err;
}

const char *sd_color(const struct sd_ctx *ctx, const char *code)
{
	static char buf[8][16];
	static int next;
	if (!ctx->color)
		return "";
	char *b = buf[next++ % 8];
	snprintf(b, 16, "\033[%sm", code);
	return b;
}

void sd_put_text(struct sd_buf *out, const char *s)
{
	sd_text_inert(out, s, strlen(s), 1);
}

void sd_put_line(struct sd_buf *out, const char *s)
{
	sd_text_inert(out, s, strlen(s), 0);
}

/* Writes data to path through a temporary file in the same directory and
 * a rename, so that readers see the old file or the whole new one. */
sd_error *sd_write_file_atomically(const char *path, const char *data, size_t len)
{
	struct sd_buf tmp = SD_BUF_INIT;
	sd_error *err = NULL;
	sd_buf_printf(&tmp, "%s.XXXXXX", path);
	int fd = mkostemp(tmp.data, O_CLOEXEC);
	if (fd < 0) {
		err = sd_error_errno(path);
		goto done;
	}
	/* mkstemp makes the file private; an export is an ordinary file. */
	mode_t mask = umask(0);
	umask(mask);
	if (sd_write_all(fd, data, len) < 0)
		err = sd_error_errno(path);
	if (!err && (fchmod(fd, 0666 & ~mask) < 0 || fsync(fd) < 0))
		err = sd_error_errno(path);
	if (close(fd) < 0 && !err)
		err = sd_error_errno(path);
	if (!err && rename(tmp.data, path) < 0)
		err = sd_error_errno(path);
	if (err)
		unlink(tmp.data);
done:
	sd_buf_release(&tmp);
	return err;
}
