/* SPDX-License-Identifier: MIT */
#ifndef SD_EXEC_H
#define SD_EXEC_H

/*
 * Running an external command that configuration names (a notify command,
 * later the mail issue's sendmail): never through a shell, always with a
 * time limit, and with nothing of sd's but stdin, stdout and stderr.
 *
 * The command runs in a process group of its own, so that a timeout stops
 * it and whatever it started (SIGTERM, then SIGKILL), and on Linux it is
 * killed when sd dies. Its stdin is the given bytes or /dev/null; its
 * stdout is sd's stderr unless keep_stdout is set, so that its chatter
 * never mixes with sd's data on stdout; every other descriptor is closed.
 */

#include <stddef.h>

#include "sd/error.h"

struct sd_exec {
	const char *const *argv; /* NULL-terminated; argv[0] is looked up in PATH */
	const char *input;	 /* bytes for the command's stdin; NULL: /dev/null */
	size_t input_len;
	int timeout_ms;	 /* <= 0: no limit */
	int keep_stdout; /* 1: the command writes to sd's stdout */
};

/* How a command ended. */
struct sd_exec_result {
	int started; /* the program was found and executed */
	int exited;  /* it exited; status is its exit status */
	int status;
	int signal;    /* killed by this signal (not counting a timeout's) */
	int timed_out; /* stopped by sd after timeout_ms */
};

/* Runs cmd and waits for it (at most timeout_ms, plus a grace of two
 * seconds between SIGTERM and SIGKILL). Returns NULL when it exited with
 * status 0; otherwise an error (status 128) saying why: it could not be
 * started, exited non-zero, was killed by a signal, or timed out. result,
 * when not NULL, gets the details either way. */
sd_error *sd_exec_run(const struct sd_exec *cmd, struct sd_exec_result *result);

#endif
