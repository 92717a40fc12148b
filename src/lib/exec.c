/* SPDX-License-Identifier: MIT */
/* External commands: argv only, a time limit, no inherited descriptors. */

#define _GNU_SOURCE /* pipe2 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "sd/exec.h"

/* Between SIGTERM and SIGKILL: time for a command to clean up. */
#define GRACE_MS 2000

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Closes every descriptor from 3 up, except keep. Everything sd opens is
 * close-on-exec already; this also catches descriptors of libraries and
 * of whoever started sd, which the command has no business holding. */
static void close_from_3(int keep)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3, keep - 1, 0) == 0 &&
	    syscall(SYS_close_range, keep + 1, ~0U, 0) == 0)
		return;
#endif
	long max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = 3; fd < max; fd++)
		if (fd != keep)
			close(fd);
}

/* The child, between fork and exec: only async-signal-safe calls. */
static _Noreturn void child(const struct sd_exec *cmd, pid_t parent, int in_fd, int report_fd)
{
	setpgid(0, 0);
#ifdef PR_SET_PDEATHSIG
	/* A killed sd must not leave its command running; and if sd died
	 * before this line, the signal will never come, so stop now. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
#else
	(void)parent;
#endif
	/* sd ignores SIGPIPE (for the pager) and may block signals; the
	 * command starts as a program started from a shell would. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (in_fd < 0)
		in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (in_fd < 0 || dup2(in_fd, 0) < 0)
		goto fail;
	if (!cmd->keep_stdout && dup2(2, 1) < 0)
		goto fail;
	close_from_3(report_fd);
	execvp(cmd->argv[0], (char *const *)cmd->argv);
fail:;
	int e = errno;
	if (write(report_fd, &e, sizeof(e)) < 0) {
		/* nothing left to tell it with */
	}
	_exit(127);
}

/* Waits for pid until deadline (ms, monotonic; < 0: forever), feeding
 * it the rest of the input. 1 when it ended (status set), 0 on timeout. */
static int wait_until(pid_t pid, int *status, int64_t deadline, int *in_fd, const char **input,
		      size_t *left)
{
	int step = 1;
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return 1;
		int64_t now = now_ms();
		if (deadline >= 0 && now >= deadline)
			return 0;
		int wait = step;
		if (deadline >= 0 && deadline - now < wait)
			wait = (int)(deadline - now);
		if (*in_fd >= 0) {
			struct pollfd p = { *in_fd, POLLOUT, 0 };
			if (poll(&p, 1, wait) > 0) {
				ssize_t w = write(*in_fd, *input, *left);
				if (w > 0) {
					*input += w;
					*left -= (size_t)w;
				}
				/* All written, or the command will not read
				 * more (EPIPE): either way, stdin ends. */
				if (!*left || (w < 0 && errno != EAGAIN && errno != EINTR)) {
					close(*in_fd);
					*in_fd = -1;
				}
				continue;
			}
		} else {
			poll(NULL, 0, wait);
		}
		/* Quick commands are seen at once; slow ones cost a few
		 * wake-ups a second. */
		if (step < 50)
			step *= 2;
	}
}

static sd_error *ended(const struct sd_exec *cmd, int status, int timed_out,
		       struct sd_exec_result *res)
{
	const char *name = cmd->argv[0];
	res->started = 1;
	res->timed_out = timed_out;
	if (WIFEXITED(status)) {
		res->exited = 1;
		res->status = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status) && !timed_out) {
		res->signal = WTERMSIG(status);
	}
	if (timed_out) {
		if (cmd->timeout_ms % 1000)
			return sd_error_fatal("'%s' did not finish within %d ms and was stopped",
					      name, cmd->timeout_ms);
		return sd_error_fatal("'%s' did not finish within %d s and was stopped", name,
				      cmd->timeout_ms / 1000);
	}
	if (res->signal)
		return sd_error_fatal("'%s' was killed by signal %d (%s)", name, res->signal,
				      strsignal(res->signal));
	if (res->status)
		return sd_error_fatal("'%s' exited with status %d", name, res->status);
	return NULL;
}

sd_error *sd_exec_run(const struct sd_exec *cmd, struct sd_exec_result *result)
{
	struct sd_exec_result dummy;
	struct sd_exec_result *res = result ? result : &dummy;
	int in[2] = { -1, -1 }, report[2] = { -1, -1 };
	struct sigaction ignore = { .sa_handler = SIG_IGN }, old_pipe;
	sd_error *err = NULL;
	memset(res, 0, sizeof(*res));
	if (!cmd->argv || !cmd->argv[0] || !*cmd->argv[0])
		return sd_error_invalid("an empty command cannot be run");
	if ((cmd->input && pipe2(in, O_CLOEXEC) < 0) || pipe2(report, O_CLOEXEC) < 0) {
		err = sd_error_errno("pipe");
		goto done;
	}
	int64_t start = now_ms();
	fflush(NULL); /* nothing buffered may be written twice */
	pid_t parent = getpid(), pid = fork();
	if (pid < 0) {
		err = sd_error_errno("fork");
		goto done;
	}
	if (pid == 0)
		child(cmd, parent, in[0], report[1]);
	/* Both sides set the group, so it exists whichever runs first. */
	setpgid(pid, pid);
	close(report[1]);
	report[1] = -1;
	if (in[0] >= 0) {
		close(in[0]);
		in[0] = -1;
	}
	/* The report pipe closes on exec, or carries the errno of a failed
	 * exec: a command that cannot start is told apart from one that
	 * exits 127. */
	int exec_errno = 0;
	ssize_t n;
	while ((n = read(report[0], &exec_errno, sizeof(exec_errno))) < 0 && errno == EINTR)
		;
	int status = 0;
	if (n == (ssize_t)sizeof(exec_errno)) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		err = sd_error_fatal("cannot run '%s': %s", cmd->argv[0], strerror(exec_errno));
		goto done;
	}
	const char *input = cmd->input;
	size_t left = cmd->input_len;
	if (in[1] >= 0) {
		fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
		if (!left) {
			close(in[1]);
			in[1] = -1;
		}
	}
	sigaction(SIGPIPE, &ignore, &old_pipe);
	int64_t deadline = cmd->timeout_ms > 0 ? start + cmd->timeout_ms : -1;
	int done_in_time = wait_until(pid, &status, deadline, &in[1], &input, &left);
	if (!done_in_time) {
		if (kill(-pid, SIGTERM) < 0)
			kill(pid, SIGTERM);
		if (!wait_until(pid, &status, now_ms() + GRACE_MS, &in[1], &input, &left)) {
			if (kill(-pid, SIGKILL) < 0)
				kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
		}
	}
	sigaction(SIGPIPE, &old_pipe, NULL);
	err = ended(cmd, status, !done_in_time, res);
done:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (report[i] >= 0)
			close(report[i]);
	}
	return err;
}
