/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "sd/buf.h"
#include "sd/error.h"
#include "sd/util.h"

sd_error *sd_error_newv(int status, const char *fmt, va_list ap)
{
	struct sd_buf msg = SD_BUF_INIT;
	va_list copy;
	va_copy(copy, ap);
	char small[512];
	int n = vsnprintf(small, sizeof(small), fmt, copy);
	va_end(copy);
	if (n >= 0 && (size_t)n < sizeof(small)) {
		sd_buf_add(&msg, small, (size_t)n);
	} else if (n >= 0) {
		sd_buf_grow(&msg, (size_t)n);
		vsnprintf(msg.data, (size_t)n + 1, fmt, ap);
		msg.len = (size_t)n;
	}
	sd_error *err = sd_xmalloc(sizeof(*err));
	err->status = status;
	err->msg = sd_buf_detach(&msg);
	return err;
}

sd_error *sd_error_new(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sd_error *err = sd_error_newv(status, fmt, ap);
	va_end(ap);
	return err;
}

sd_error *sd_error_invalid(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sd_error *err = sd_error_newv(SD_EXIT_INVALID, fmt, ap);
	va_end(ap);
	return err;
}

sd_error *sd_error_fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sd_error *err = sd_error_newv(SD_EXIT_FATAL, fmt, ap);
	va_end(ap);
	return err;
}

sd_error *sd_error_git(const char *what)
{
	const git_error *e = git_error_last();
	return sd_error_fatal("%s: %s", what,
			      e && e->message ? e->message : "unknown libgit2 error");
}

sd_error *sd_error_errno(const char *what)
{
	return sd_error_fatal("%s: %s", what, strerror(errno));
}

sd_error *sd_error_wrap(sd_error *err, const char *fmt, ...)
{
	if (!err)
		return NULL;
	struct sd_buf msg = SD_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	char small[512];
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n > 0)
		sd_buf_add(&msg, small, (size_t)n < sizeof(small) ? (size_t)n : sizeof(small) - 1);
	sd_buf_adds(&msg, ": ");
	sd_buf_adds(&msg, err->msg);
	free(err->msg);
	err->msg = sd_buf_detach(&msg);
	return err;
}

void sd_error_free(sd_error *err)
{
	if (!err)
		return;
	free(err->msg);
	free(err);
}
