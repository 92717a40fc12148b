/* SPDX-License-Identifier: MIT */
/*
 * Progress on a terminal: one line on stderr, redrawn in place with a
 * carriage return, as git clone shows how far it is. Shown only when
 * stderr is a terminal (or --progress forces it), never with --quiet,
 * never in CI logs (CI set) or on a dumb terminal, so a pipe or a log
 * file never fills with redrawn lines.
 */

#define _GNU_SOURCE

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

struct sd_progress {
	char *what;
	uint64_t total, done;
	double start, last; /* monotonic seconds */
	int drawn;
	int tty;    /* \033[K clears what a longer earlier line left */
	int forced; /* --progress: from the first update, quick or not */
};

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int sd_progress_wanted(const struct sd_ctx *ctx)
{
	if (ctx->progress < 0)
		return 0;
	if (ctx->progress > 0)
		return 1;
	const char *ci = getenv("CI"), *term = getenv("TERM");
	if ((ci && *ci) || (term && !strcmp(term, "dumb")))
		return 0;
	return isatty(2);
}

struct sd_progress *sd_progress_start(const struct sd_ctx *ctx, const char *what, uint64_t total)
{
	if (!sd_progress_wanted(ctx))
		return NULL;
	struct sd_progress *p = sd_xcalloc(1, sizeof(*p));
	p->what = sd_xstrdup(what);
	p->total = total;
	p->start = now_seconds();
	p->tty = isatty(2);
	p->forced = ctx->progress > 0;
	return p;
}

void sd_progress_set_total(struct sd_progress *p, uint64_t total)
{
	if (p)
		p->total = total;
}

static void draw(struct sd_progress *p, double t, const char *end)
{
	char line[256], rate[48] = "";
	double secs = t - p->start;
	int n;
	/* A rate only once there is enough time behind it to mean anything. */
	if (secs >= 0.5)
		snprintf(rate, sizeof(rate), ", %.0f/s", (double)p->done / secs);
	if (p->total)
		n = snprintf(line, sizeof(line), "%s: %3u%% (%llu/%llu)%s%s", p->what,
			     (unsigned)(p->done >= p->total ? 100 : p->done * 100 / p->total),
			     (unsigned long long)p->done, (unsigned long long)p->total, rate, end);
	else
		n = snprintf(line, sizeof(line), "%s: %llu%s%s", p->what,
			     (unsigned long long)p->done, rate, end);
	if (n < 0)
		return;
	fprintf(stderr, "\r%s%s", line, p->tty ? "\033[K" : "");
	fflush(stderr);
	p->drawn = 1;
	p->last = t;
}

void sd_progress_update(struct sd_progress *p, uint64_t done)
{
	if (!p)
		return;
	p->done = done;
	/* Ten redraws a second at most: a terminal that redraws on every
	 * ticket of 100,000 costs more than the work it reports. */
	double t = now_seconds();
	if (p->drawn && t - p->last < 0.1)
		return;
	if (!p->drawn && !p->forced && t - p->start < 0.25)
		return; /* quick work shows no progress at all */
	if (!p->drawn && p->last > 0 && t - p->last < 0.1)
		return;
	draw(p, t, "");
}

void sd_progress_clear(struct sd_progress *p)
{
	if (!p || !p->drawn)
		return;
	fputs(p->tty ? "\r\033[K" : "\n", stderr);
	fflush(stderr);
	p->drawn = 0;
}

static void stop(struct sd_progress *p, int ok)
{
	if (!p)
		return;
	/* A line was started: finish it, so the next output starts clean;
	 * work that failed half-way is not called done. */
	if (p->drawn && !ok) {
		fputc('\n', stderr);
	} else if (p->drawn) {
		if (p->total && p->done < p->total)
			p->done = p->total;
		draw(p, now_seconds(), ", done.");
		fputc('\n', stderr);
	}
	free(p->what);
	free(p);
}

void sd_progress_done(struct sd_progress *p)
{
	stop(p, 1);
}

void sd_progress_abort(struct sd_progress *p)
{
	stop(p, 0);
}

void sd_progress_report(void *arg, const char *what, uint64_t done, uint64_t total)
{
	struct sd_ctx *ctx = arg;
	if (ctx->stage && strcmp(ctx->stage->what, what)) {
		sd_progress_done(ctx->stage);
		ctx->stage = NULL;
	}
	if (!ctx->stage && !(ctx->stage = sd_progress_start(ctx, what, total)))
		return;
	sd_progress_set_total(ctx->stage, total);
	sd_progress_update(ctx->stage, done);
	if (total && done >= total)
		sd_progress_finish(ctx);
}

void sd_progress_finish(struct sd_ctx *ctx)
{
	sd_progress_done(ctx->stage);
	ctx->stage = NULL;
}
