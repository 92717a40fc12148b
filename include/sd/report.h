/* SPDX-License-Identifier: MIT */
#ifndef SD_REPORT_H
#define SD_REPORT_H

/*
 * The figures of sd report, computed from tickets' timelines alone, so
 * that every clone computes the same report for the same period.
 * doc/sd-report.1.md defines each figure; this module is its only
 * implementation.
 *
 * The period is the half-open interval [since, until) of UTC seconds.
 * Only entries before `until` are read: the state "at the end" is the
 * state after them, and a ticket created at or after `until` does not
 * exist yet. Tickets are added one at a time (slim summaries from the
 * cache will do: the module reads fields, entry times, kinds, comment
 * authors and visibility, and the field, from and to of events), so a
 * report over a large store holds only a few numbers per ticket.
 *
 * Ownership: a struct sd_report owns every array and string it points
 * to; sd_report_release frees them. It borrows the config, which must
 * outlive it.
 */

#include <stddef.h>
#include <stdint.h>

#include "sd/config.h"
#include "sd/error.h"
#include "sd/ticket.h"
#include "sd/time.h"

#define SD_REPORT_AGES 5  /* backlog age buckets: <1d, 1-3d, 3-7d, 7-30d, >=30d */
#define SD_REPORT_DIST 7  /* resolution times: <1h, 1-8h, 8h-1d, 1-3d, 3-7d, 7-30d, >=30d */
#define SD_REPORT_PRIOS 6 /* P1..P5, then "none" */
#define SD_REPORT_TIERS 5 /* L0..L4 */
#define SD_REPORT_TOP 10  /* rows of the recurring tables */

enum sd_report_clock { SD_RC_FIRST_RESPONSE, SD_RC_NEXT_RESPONSE, SD_RC_RESOLUTION, SD_RC_COUNT };
extern const char *const sd_report_clocks[SD_RC_COUNT]; /* "first_response", ... */
extern const char *const sd_report_age_labels[SD_REPORT_AGES];
extern const char *const sd_report_dist_labels[SD_REPORT_DIST];

/* A distribution of durations in seconds. */
struct sd_report_times {
	size_t n;
	int64_t mean, median, p90; /* valid when n > 0 */
	int64_t *v;		   /* the values, sorted by sd_report_finish */
	size_t alloc;
};

/* The figures of one group (or of all tickets). */
struct sd_report_figures {
	char *key;	/* the group's value of --by ("" for none); NULL for the total */
	size_t tickets; /* tickets that exist at the end of the period */
	size_t opened, resolved, reopened, cancelled, backlog;
	size_t age[SD_REPORT_AGES];
	/* [0] business time, [1] wall time */
	struct sd_report_times first_response[2], resolution[2];
	size_t dist[SD_REPORT_DIST]; /* wall resolution times */
	/* SLA clocks decided in the period, per clock and priority */
	size_t sla_decided[SD_RC_COUNT][SD_REPORT_PRIOS], sla_met[SD_RC_COUNT][SD_REPORT_PRIOS];
	size_t fcr; /* of the resolved */
	size_t at_tier[SD_REPORT_TIERS], escalated[SD_REPORT_TIERS], deescalated[SD_REPORT_TIERS];
	size_t resolved_kb;	 /* of the resolved: with a knowledge-base article */
	size_t linked_incidents; /* incidents opened, linked to a problem at the end */
};

struct sd_report_count {
	char *name;
	size_t n;
};

/* A problem and the incidents opened in the period linked to it. */
struct sd_report_problem {
	char *id;
	char *title; /* "" when the problem ticket was not among those read */
	size_t n;
};

struct sd_report_agent {
	char *name;
	size_t open, resolved;
	struct sd_report_times resolution; /* wall */
};

struct sd_report_index; /* private: names to positions */

struct sd_report {
	struct sd_config *cfg;
	sd_time since, until;
	int by; /* an enum sd_field, or -1 */
	/* The series of the charts: buckets of a day (or of bucket_days)
	 * aligned to UTC midnight (weeks: to Monday), cut to the period. */
	int bucket_days;
	size_t nbuckets;
	sd_time *bucket_start; /* the first instant of each, >= since */
	size_t *series_opened, *series_resolved;
	int64_t *series_backlog; /* open at the end of each bucket */
	struct sd_report_figures total;
	struct sd_report_figures *groups; /* sorted by key after finish */
	size_t ngroups;
	struct sd_report_count *categories, *assets; /* top first after finish */
	size_t ncategories, nassets;
	struct sd_report_agent *agents; /* by name after finish */
	size_t nagents;
	struct sd_report_problem *problems; /* most incidents first after finish */
	size_t nproblems;
	/* Portal deflections (sd_report_read_deflections): records in the
	 * period, and per article, most first after finish. */
	size_t deflections;
	struct sd_report_count *deflection_articles;
	size_t narticles;
	struct sd_report_index *group_index, *category_index, *asset_index, *agent_index,
		*problem_index, *article_index;
};

/* Starts an empty report over [since, until), grouped by field `by`
 * (-1: not grouped). An empty period is an error (status 2). */
sd_error *sd_report_init(struct sd_report *r, struct sd_config *cfg, sd_time since, sd_time until,
			 int by);
/* Adds one ticket's part to every figure. An error (a time that does not
 * parse) names the ticket; the report is unchanged then. */
sd_error *sd_report_add(struct sd_report *r, const struct sd_ticket *t);
/* Counts the portal's deflection records (DIR/YYYY-MM/ID.yaml with
 * "at:" and "article:" lines, as sd serve writes them) dated in the
 * period; with category not NULL, only those of that category. A
 * missing DIR is none; a record without a valid "at" is skipped. */
sd_error *sd_report_read_deflections(struct sd_report *r, const char *dir, const char *category);
/* Sorts, computes the means and percentiles, keeps the top recurring
 * rows. Call once, after the last sd_report_add. */
void sd_report_finish(struct sd_report *r);
void sd_report_release(struct sd_report *r);

/* The value of field f as it stood just before `at`: the ticket's value
 * with the events at or after `at` undone. Points into t. */
const char *sd_report_field_at(const struct sd_ticket *t, enum sd_field f, sd_time at);

/* Rates as a share in [0, 1]; -1 when the denominator is 0. */
double sd_report_share(size_t part, size_t whole);

#endif
