/* SPDX-License-Identifier: MIT */
/* The report's figures (report.h) on tickets built here: nearest-rank
 * percentiles, the floor of the mean, the edges of the period and of the
 * age buckets, fields as they stood at the end. */

#include <stdlib.h>

#include "sd/config.h"
#include "sd/report.h"
#include "unit.h"

#define T0 1795000000 /* 2026-11-18T... : any instant well inside 2026 */
#define DAY 86400

/* A ticket created at `created` (seconds), resolved `resolve` seconds
 * later when resolve >= 0. */
static void make(struct sd_ticket *t, const char *id, sd_time created, int64_t resolve,
		 const char *queue)
{
	char at[SD_TIME_STRLEN];
	sd_ticket_init(t);
	sd_time_format(at, created);
	sd_ticket_set(t, SD_F_ID, id);
	sd_ticket_set(t, SD_F_TITLE, "Tiskalnik — принтер");
	sd_ticket_set(t, SD_F_STATUS, "new");
	sd_ticket_set(t, SD_F_PRIORITY, "P3");
	sd_ticket_set(t, SD_F_TIER, "L1");
	sd_ticket_set(t, SD_F_QUEUE, queue);
	sd_ticket_set(t, SD_F_CREATED, at);
	sd_ticket_set(t, SD_F_UPDATED, at);
	if (resolve >= 0)
		sd_error_free(sd_ticket_change(t, SD_F_STATUS, "resolved", "Bob <bob@x>",
					       (created + resolve) * 1000, "", NULL));
}

static void test_times(void)
{
	struct sd_config cfg;
	struct sd_report r;
	sd_config_init(&cfg);
	cfg.npolicies = 0; /* no policy: business time on 24x7, no clocks */
	CHECK(!sd_report_init(&r, &cfg, T0, T0 + 30 * DAY, -1), "init");
	/* Resolution times 1..10 hours: mean 5.5 h rounds down to 19800 s,
	 * median is the 5th value, p90 the 9th. */
	for (int i = 1; i <= 10; i++) {
		struct sd_ticket t;
		char id[16];
		snprintf(id, sizeof(id), "00000000000%d", i % 10);
		make(&t, id, T0 + i, (int64_t)i * 3600, i % 2 ? "desk" : "mreža");
		CHECK(!sd_report_add(&r, &t), "add %d", i);
		sd_ticket_free(&t);
	}
	sd_report_finish(&r);
	const struct sd_report_times *w = &r.total.resolution[1];
	CHECK(w->n == 10, "n %zu", w->n);
	CHECK(w->mean == 19800, "mean %lld", (long long)w->mean);
	CHECK(w->median == 5 * 3600, "median %lld", (long long)w->median);
	CHECK(w->p90 == 9 * 3600, "p90 %lld", (long long)w->p90);
	CHECK(r.total.resolution[0].p90 == 9 * 3600, "business on 24x7 is wall");
	CHECK(r.total.opened == 10 && r.total.resolved == 10 && r.total.backlog == 0, "volumes");
	CHECK(r.total.dist[1] == 7 && r.total.dist[0] == 0 && r.total.dist[2] == 3, "distribution");
	sd_report_release(&r);
	sd_config_release(&cfg);
}

static void test_edges(void)
{
	struct sd_config cfg;
	struct sd_report r;
	struct sd_ticket t;
	sd_config_init(&cfg);
	cfg.npolicies = 0;
	sd_error *err = sd_report_init(&r, &cfg, T0, T0, -1);
	CHECK(err != NULL, "an empty period is an error");
	sd_error_free(err);
	sd_report_release(&r);
	CHECK(!sd_report_init(&r, &cfg, T0, T0 + 10 * DAY, SD_F_QUEUE), "init by queue");
	/* Created exactly at since: opened; exactly at until: not there yet. */
	make(&t, "aaaaaaaaaaaa", T0, -1, "desk");
	sd_report_add(&r, &t);
	sd_ticket_free(&t);
	make(&t, "bbbbbbbbbbbb", T0 + 10 * DAY, -1, "desk");
	sd_report_add(&r, &t);
	sd_ticket_free(&t);
	/* Open for exactly one day at the end: the 1-3d bucket. Moved from
	 * desk to сеть after the end: grouped under desk. */
	make(&t, "cccccccccccc", T0 + 9 * DAY, -1, "desk");
	sd_error_free(sd_ticket_change(&t, SD_F_QUEUE, "сеть", "Bob <bob@x>",
				       (T0 + 11 * (int64_t)DAY) * 1000, "", NULL));
	sd_report_add(&r, &t);
	CHECK_STR("desk", sd_report_field_at(&t, SD_F_QUEUE, T0 + 10 * DAY), "queue at the end");
	CHECK_STR("сеть", sd_report_field_at(&t, SD_F_QUEUE, T0 + 12 * DAY), "queue later");
	sd_ticket_free(&t);
	sd_report_finish(&r);
	CHECK(r.total.tickets == 2, "tickets %zu", r.total.tickets);
	CHECK(r.total.opened == 2, "opened %zu", r.total.opened);
	CHECK(r.total.age[1] == 1 && r.total.age[4] == 0 && r.total.age[2] == 0, "ages");
	CHECK(r.ngroups == 1 && !strcmp(r.groups[0].key, "desk"), "one group, desk");
	CHECK(r.nbuckets == 11 && r.series_backlog[r.nbuckets - 1] == 2, "series %zu", r.nbuckets);
	sd_report_release(&r);
	sd_config_release(&cfg);
}

int main(void)
{
	test_times();
	test_edges();
	return unit_done("t-report");
}
