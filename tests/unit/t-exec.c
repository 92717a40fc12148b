/* SPDX-License-Identifier: MIT */
/* Running external commands: exit status, timeouts, stdin, descriptors. */

#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "sd/exec.h"
#include "unit.h"

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs argv; returns its error message ("" for none) in msg. */
static void run(const char *const *argv, const char *input, size_t len, int timeout_ms,
		struct sd_exec_result *res, char msg[256])
{
	struct sd_exec cmd = { argv, input, len, timeout_ms, 0 };
	sd_error *err = sd_exec_run(&cmd, res);
	snprintf(msg, 256, "%s", err ? err->msg : "");
	sd_error_free(err);
}

int main(void)
{
	struct sd_exec_result res;
	char msg[256];

	const char *ok[] = { "true", NULL };
	run(ok, NULL, 0, 5000, &res, msg);
	CHECK(!*msg && res.started && res.exited && res.status == 0, "true: %s", msg);

	const char *three[] = { "sh", "-c", "exit 3", NULL };
	run(three, NULL, 0, 5000, &res, msg);
	CHECK(res.exited && res.status == 3, "exit 3: status %d", res.status);
	CHECK_STR("'sh' exited with status 3", msg, "exit 3: message");

	const char *killed[] = { "sh", "-c", "kill -9 $$", NULL };
	run(killed, NULL, 0, 5000, &res, msg);
	CHECK(res.signal == 9 && !res.timed_out, "killed: signal %d", res.signal);
	CHECK(strstr(msg, "killed by signal 9") != NULL, "killed: %s", msg);

	const char *missing[] = { "/nonexistent/sd-no-such-command", NULL };
	run(missing, NULL, 0, 5000, &res, msg);
	CHECK(!res.started, "missing: not started");
	CHECK_STR("cannot run '/nonexistent/sd-no-such-command': No such file or directory", msg,
		  "missing: message");

	/* A hanging command is stopped at the limit, not after it ends. */
	const char *sleeper[] = { "sleep", "30", NULL };
	double t0 = seconds();
	run(sleeper, NULL, 0, 200, &res, msg);
	double took = seconds() - t0;
	CHECK(res.timed_out && took < 5, "timeout: timed_out %d after %.1f s", res.timed_out, took);
	CHECK_STR("'sleep' did not finish within 200 ms and was stopped", msg, "timeout: message");

	/* The same for what it started: the whole process group goes. */
	const char *group[] = { "sh", "-c", "sleep 30 & wait", NULL };
	t0 = seconds();
	run(group, NULL, 0, 200, &res, msg);
	CHECK(res.timed_out && seconds() - t0 < 5, "group: timed out in %.1f s", seconds() - t0);

	/* A command that never reads its input cannot hang sd either. */
	size_t big = 1 << 20;
	char *lots = calloc(1, big);
	t0 = seconds();
	run(sleeper, lots, big, 200, &res, msg);
	CHECK(res.timed_out && seconds() - t0 < 5, "unread input: timed out in %.1f s",
	      seconds() - t0);
	run(ok, lots, big, 5000, &res, msg);
	CHECK(!*msg, "input not read, command exits 0: %s", msg);
	free(lots);

	/* stdin: the given bytes, or /dev/null (read fails at once). */
	const char *reader[] = { "sh", "-c", "read x && [ \"$x\" = hello ]", NULL };
	run(reader, "hello\n", 6, 5000, &res, msg);
	CHECK(!*msg, "stdin bytes: %s", msg);
	run(reader, NULL, 0, 5000, &res, msg);
	CHECK(res.exited && res.status == 1, "stdin /dev/null: status %d", res.status);

	/* A descriptor sd left inheritable by mistake is closed all the same. */
	int fd = open("/dev/null", O_RDONLY);
	CHECK(fd >= 0 && dup2(fd, 42) == 42, "dup2");
	const char *probe[] = { "sh", "-c", "[ ! -e /dev/fd/42 ]", NULL };
	run(probe, NULL, 0, 5000, &res, msg);
	CHECK(!*msg, "fd 42 not inherited: %s", msg);
	close(42);
	close(fd);

	const char *empty[] = { NULL };
	run(empty, NULL, 0, 5000, &res, msg);
	CHECK(*msg != 0, "empty argv is an error");
	return unit_done("t-exec");
}
