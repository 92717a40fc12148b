/* SPDX-License-Identifier: MIT */
/* bench-exec OUT COMMAND [ARG...]: run COMMAND and write to the file OUT
 * "SECONDS MAXRSS_KIB EXIT_STATUS\n" for it alone.
 *
 * bench/run needs this small program because on Linux a process's peak RSS
 * (ru_maxrss) starts at the peak of the process it was forked from, kept
 * across exec.  Forked straight from Python, every command would seem to
 * use at least as much memory as the Python interpreter.  Forked from this
 * program, the floor is this program's own few hundred KiB.  It also takes
 * the time around fork and wait only, not Python's own start-up of a
 * child.  Standard input, output and error are the command's. */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int status;
	pid_t pid;
	FILE *out;

	if (argc < 3) {
		fprintf(stderr, "usage: bench-exec OUT COMMAND [ARG...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("bench-exec: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "bench-exec: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("bench-exec: wait4");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out = fopen(argv[1], "w");
	if (!out) {
		perror(argv[1]);
		return 2;
	}
	fprintf(out, "%.6f %ld %d\n",
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	if (fclose(out) != 0) {
		perror(argv[1]);
		return 2;
	}
	return 0;
}
