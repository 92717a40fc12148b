/* SPDX-License-Identifier: MIT */
#ifndef SD_ERROR_H
#define SD_ERROR_H

/*
 * Errors travel up the stack as values and are printed once, by main.
 *
 * Every fallible function in the core returns `sd_error *`: NULL on success,
 * otherwise an error the caller owns and must release with sd_error_free()
 * (or hand further up). An error carries the exit status it maps to, so the
 * command layer never has to guess whether something was misuse or failure.
 */

#include <stdarg.h>

/* Exit statuses, documented in sd(1). */
enum {
	SD_EXIT_OK = 0,
	SD_EXIT_FOUND_NOTHING = 1, /* check found problems, search found nothing */
	SD_EXIT_INVALID = 2,	   /* usage error or invalid input */
	SD_EXIT_FATAL = 128	   /* anything else: I/O, repository, memory */
};

typedef struct sd_error {
	int status; /* one of SD_EXIT_* */
	char *msg;  /* one line, without the "sd: " prefix */
} sd_error;

#define SD_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* A usage error or invalid input (exit status 2). */
sd_error *sd_error_invalid(const char *fmt, ...) SD_PRINTF(1, 2);
/* A failure that is not the user's fault (exit status 128). */
sd_error *sd_error_fatal(const char *fmt, ...) SD_PRINTF(1, 2);
sd_error *sd_error_new(int status, const char *fmt, ...) SD_PRINTF(2, 3);
sd_error *sd_error_newv(int status, const char *fmt, va_list ap) SD_PRINTF(2, 0);
/* A fatal error from the last libgit2 call, prefixed with `what`. */
sd_error *sd_error_git(const char *what);
/* A fatal error from errno, as "what: strerror(errno)". */
sd_error *sd_error_errno(const char *what);
/* Prepends "context: " to err's message; returns err. */
sd_error *sd_error_wrap(sd_error *err, const char *fmt, ...) SD_PRINTF(2, 3);
void sd_error_free(sd_error *err);

#endif
