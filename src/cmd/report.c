/* SPDX-License-Identifier: MIT */
/* sd report: volumes, response and resolution times, SLA compliance and
 * backlog over a period, as tables, JSON, CSV or one HTML page. */

#define _GNU_SOURCE /* mkostemp */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "sd/html.h"
#include "sd/calendar.h"
#include "sd/csv.h"
#include "sd/report.h"
#include "sd/text.h"

const struct sd_option report_options[] = {
	SD_FILTER_OPTION_ROWS,
	{ SD_OPT_STRING, 0, "since", "DATE",
	  "start of the period: YYYY-MM-DD, an RFC 3339 time, or a duration before its end "
	  "such as 30d (default: 30d)" },
	{ SD_OPT_STRING, 0, "until", "DATE", "end of the period, not included (default: now)" },
	{ SD_OPT_STRING, 0, "at", "TIME", "compute as if now were this RFC 3339 instant" },
	{ SD_OPT_STRING, 0, "by", "FIELD",
	  "group by queue, tier, assignee, priority, category, type or channel" },
	{ SD_OPT_BOOL, 0, "json", NULL, "print the figures as JSON" },
	{ SD_OPT_BOOL, 0, "csv", NULL, "print one CSV table per figure family" },
	{ SD_OPT_STRING, 0, "html", "FILE", "write one self-contained HTML page with charts" },
	{ SD_OPT_END, 0, NULL, NULL, NULL }
};

static const char *const by_fields[] = { "queue",    "tier", "assignee", "priority",
					 "category", "type", "channel",	 NULL };

/* ---- tables: built once, printed as text, CSV or HTML ---- */

enum mode { HUMAN, MACHINE };

struct table {
	const char *name;  /* CSV's first column: "volumes" */
	const char *title; /* for people */
	struct sd_strvec cells;
	size_t ncols;
};

struct tables {
	struct table v[16];
	size_t n;
};

static struct table *table_new(struct tables *ts, const char *name, const char *title,
			       const char *const *header)
{
	struct table *t = &ts->v[ts->n++];
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->title = title;
	for (; header[t->ncols]; t->ncols++)
		sd_strvec_push(&t->cells, header[t->ncols]);
	return t;
}

static void cell(struct table *t, const char *s)
{
	sd_strvec_push(&t->cells, s);
}

static void cellf(struct table *t, const char *fmt, ...) SD_PRINTF(2, 3);
static void cellf(struct table *t, const char *fmt, ...)
{
	struct sd_buf b = SD_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	char tmp[256];
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	sd_buf_adds(&b, tmp);
	sd_strvec_push_owned(&t->cells, sd_buf_detach(&b));
}

static void cell_n(struct table *t, size_t n)
{
	cellf(t, "%zu", n);
}

/* A duration for people, in its two largest units: "1d6h", "3h20m",
 * "4m30s"; seconds beyond them are noise in a report (machine formats
 * keep every second). */
static void human_duration(char out[32], int64_t secs)
{
	int64_t d = secs / 86400, h = secs % 86400 / 3600, m = secs % 3600 / 60, s = secs % 60;
	if (d)
		snprintf(out, 32, h ? "%lldd%lldh" : "%lldd", (long long)d, (long long)h);
	else if (h)
		snprintf(out, 32, m ? "%lldh%lldm" : "%lldh", (long long)h, (long long)m);
	else if (m)
		snprintf(out, 32, s ? "%lldm%llds" : "%lldm", (long long)m, (long long)s);
	else
		snprintf(out, 32, "%llds", (long long)s);
}

static void cell_duration(struct table *t, enum mode m, int known, int64_t secs)
{
	char d[32];
	if (!known) {
		cell(t, m == HUMAN ? "-" : "");
	} else if (m == MACHINE) {
		cellf(t, "%lld", (long long)secs);
	} else {
		human_duration(d, secs);
		cell(t, d);
	}
}

static void cell_share(struct table *t, enum mode m, size_t part, size_t whole)
{
	double s = sd_report_share(part, whole);
	if (s < 0)
		cell(t, m == HUMAN ? "-" : "");
	else if (m == MACHINE)
		cellf(t, "%.4f", s);
	else
		cellf(t, "%.1f%%", s * 100);
}

static void tables_release(struct tables *ts)
{
	for (size_t i = 0; i < ts->n; i++)
		sd_strvec_clear(&ts->v[i].cells);
}

/* The same names in CSV: a spreadsheet's reader needs them as much. */
static const char *group_name(const struct sd_report_figures *f, enum mode m)
{
	(void)m;
	if (!f->key)
		return "(all)";
	return *f->key ? f->key : "(none)";
}

/* The total, then each group. */
static size_t nfigs(const struct sd_report *r)
{
	return 1 + r->ngroups;
}

static const struct sd_report_figures *fig(const struct sd_report *r, size_t i)
{
	return i ? &r->groups[i - 1] : &r->total;
}

static void build_tables(struct tables *ts, const struct sd_report *r, enum mode m)
{
	static const char *const prio_names[SD_REPORT_PRIOS] = { "P1", "P2", "P3",
								 "P4", "P5", "none" };
	const char *g = r->by >= 0 ? sd_fields[r->by].name : "group";
	{
		const char *h[] = { g,
				    "opened",
				    "resolved",
				    "reopened",
				    "cancelled",
				    "backlog",
				    "backlog <1d",
				    "backlog 1-3d",
				    "backlog 3-7d",
				    "backlog 7-30d",
				    "backlog >=30d",
				    NULL };
		struct table *t = table_new(ts, "volumes", "Volumes", h);
		for (size_t i = 0; i < nfigs(r); i++) {
			const struct sd_report_figures *f = fig(r, i);
			cell(t, group_name(f, m));
			cell_n(t, f->opened);
			cell_n(t, f->resolved);
			cell_n(t, f->reopened);
			cell_n(t, f->cancelled);
			cell_n(t, f->backlog);
			for (int k = 0; k < SD_REPORT_AGES; k++)
				cell_n(t, f->age[k]);
		}
	}
	{
		const char *h[] = { g, "measure", "time", "tickets", "mean", "median", "p90", NULL };
		struct table *t = table_new(ts, "times", "Response and resolution times", h);
		for (size_t i = 0; i < nfigs(r); i++) {
			const struct sd_report_figures *f = fig(r, i);
			for (int k = 0; k < 4; k++) {
				const struct sd_report_times *x =
					k < 2 ? &f->first_response[k] : &f->resolution[k - 2];
				cell(t, group_name(f, m));
				cell(t, k < 2 ? "first response" : "resolution");
				cell(t, k % 2 ? "wall" : "business");
				cell_n(t, x->n);
				cell_duration(t, m, x->n > 0, x->mean);
				cell_duration(t, m, x->n > 0, x->median);
				cell_duration(t, m, x->n > 0, x->p90);
			}
		}
	}
	{
		const char *h[] = { g, "clock", "all", "P1", "P2", "P3", "P4", "P5", "none", NULL };
		const char *hm[] = { g, "clock", "priority", "decided", "met", "share", NULL };
		struct table *t =
			table_new(ts, "sla", "SLA compliance: clocks met of those decided",
				  m == HUMAN ? h : hm);
		for (size_t i = 0; i < nfigs(r); i++) {
			const struct sd_report_figures *f = fig(r, i);
			for (int c = 0; c < SD_RC_COUNT; c++) {
				size_t dec = 0, met = 0;
				for (int p = 0; p < SD_REPORT_PRIOS; p++)
					dec += f->sla_decided[c][p], met += f->sla_met[c][p];
				if (m == HUMAN) {
					cell(t, group_name(f, m));
					cell(t, sd_report_clocks[c]);
				}
				for (int p = -1; p < SD_REPORT_PRIOS; p++) {
					size_t d = p < 0 ? dec : f->sla_decided[c][p];
					size_t k = p < 0 ? met : f->sla_met[c][p];
					if (m == MACHINE) {
						cell(t, group_name(f, m));
						cell(t, sd_report_clocks[c]);
						cell(t, p < 0 ? "all" : prio_names[p]);
						cell_n(t, d);
						cell_n(t, k);
						cell_share(t, m, k, d);
					} else if (!d) {
						cell(t, "-");
					} else {
						cellf(t, "%.0f%% %zu/%zu",
						      sd_report_share(k, d) * 100, k, d);
					}
				}
			}
		}
	}
	{
		const char *h[] = { g,		"resolved", "first contact",
				    "FCR rate", "reopened", "reopen rate",
				    NULL };
		struct table *t =
			table_new(ts, "quality", "First-contact resolution and reopens", h);
		for (size_t i = 0; i < nfigs(r); i++) {
			const struct sd_report_figures *f = fig(r, i);
			cell(t, group_name(f, m));
			cell_n(t, f->resolved);
			cell_n(t, f->fcr);
			cell_share(t, m, f->fcr, f->resolved);
			cell_n(t, f->reopened);
			cell_share(t, m, f->reopened, f->resolved);
		}
	}
	{
		const char *h[] = {
			g, "tier", "at tier", "escalated", "escalation rate", "de-escalated", NULL
		};
		struct table *t = table_new(ts, "escalations", "Escalations per tier", h);
		for (size_t i = 0; i < nfigs(r); i++) {
			const struct sd_report_figures *f = fig(r, i);
			for (int k = 0; k < SD_REPORT_TIERS; k++) {
				if (!f->at_tier[k] && m == HUMAN)
					continue;
				cell(t, group_name(f, m));
				cell(t, sd_tiers[k]);
				cell_n(t, f->at_tier[k]);
				cell_n(t, f->escalated[k]);
				cell_share(t, m, f->escalated[k], f->at_tier[k]);
				cell_n(t, f->deescalated[k]);
			}
		}
	}
	{
		const char *h[] = { g,	    "<1h",   "1-8h",  "8h-1d", "1-3d",
				    "3-7d", "7-30d", ">=30d", NULL };
		struct table *t = table_new(ts, "distribution",
					    "Resolution times (wall), tickets per range", h);
		for (size_t i = 0; i < nfigs(r); i++) {
			const struct sd_report_figures *f = fig(r, i);
			cell(t, group_name(f, m));
			for (int k = 0; k < SD_REPORT_DIST; k++)
				cell_n(t, f->dist[k]);
		}
	}
	{
		const char *h[] = { "kind", "name", "opened", NULL };
		struct table *t =
			table_new(ts, "recurring", "Recurring: top categories and assets", h);
		for (size_t i = 0; i < r->ncategories; i++) {
			cell(t, "category");
			cell(t, r->categories[i].name);
			cell_n(t, r->categories[i].n);
		}
		for (size_t i = 0; i < r->nassets; i++) {
			cell(t, "asset");
			cell(t, r->assets[i].name);
			cell_n(t, r->assets[i].n);
		}
	}
	{
		const char *h[] = { "problem", "title", "incidents opened", NULL };
		struct table *t = table_new(ts, "problems", "Incidents linked to problems", h);
		if (r->total.linked_incidents) {
			cell(t, "(all)");
			cell(t, "");
			cell_n(t, r->total.linked_incidents);
		}
		for (size_t i = 0; i < r->nproblems; i++) {
			cell(t, r->problems[i].id);
			cell(t, r->problems[i].title);
			cell_n(t, r->problems[i].n);
		}
	}
	{
		const char *h[] = { g, "resolved", "with a KB article", "share", NULL };
		struct table *t = table_new(ts, "self_service",
					    "Self-service: tickets resolved with an article", h);
		for (size_t i = 0; i < nfigs(r); i++) {
			const struct sd_report_figures *f = fig(r, i);
			cell(t, group_name(f, m));
			cell_n(t, f->resolved);
			cell_n(t, f->resolved_kb);
			cell_share(t, m, f->resolved_kb, f->resolved);
		}
	}
	{
		const char *h[] = { "article", "deflections", NULL };
		struct table *t =
			table_new(ts, "deflections",
				  "Portal deflections: \"that solved it\" per article", h);
		cell(t, "(all)");
		cell_n(t, r->deflections);
		for (size_t i = 0; i < r->narticles; i++) {
			cell(t, r->deflection_articles[i].name);
			cell_n(t, r->deflection_articles[i].n);
		}
	}
	{
		const char *h[] = { "agent", "open", "resolved", "median resolution", NULL };
		struct table *t = table_new(ts, "workload", "Workload per agent", h);
		for (size_t i = 0; i < r->nagents; i++) {
			const struct sd_report_agent *a = &r->agents[i];
			cell(t, a->name);
			cell_n(t, a->open);
			cell_n(t, a->resolved);
			cell_duration(t, m, a->resolution.n > 0, a->resolution.median);
		}
	}
	{
		const char *h[] = { "start", "opened", "resolved", "backlog at end", NULL };
		struct table *t =
			table_new(ts, "series",
				  r->bucket_days == 1 ? "Per day (UTC)" : "Per week (UTC)", h);
		for (size_t k = 0; k < r->nbuckets; k++) {
			char d[SD_TIME_STRLEN];
			sd_time_format(d, r->bucket_start[k]);
			if (m == HUMAN)
				d[10] = '\0';
			cell(t, d);
			cell_n(t, r->series_opened[k]);
			cell_n(t, r->series_resolved[k]);
			cellf(t, "%lld", (long long)r->series_backlog[k]);
		}
	}
}

/* ---- text ---- */

static int numeric(const char *s)
{
	return (*s >= '0' && *s <= '9') || (*s == '-' && !s[1]);
}

static void print_human(struct sd_ctx *ctx, const struct sd_report *r, const struct tables *ts)
{
	struct sd_buf out = SD_BUF_INIT;
	char a[32], b[32];
	sd_time_format_human(a, r->since);
	sd_time_format_human(b, r->until);
	sd_buf_printf(&out, "%sReport%s from %s to %s (not included), %zu tickets by then\n",
		      sd_color(ctx, SD_BOLD), sd_color(ctx, SD_RESET), a, b, r->total.tickets);
	for (size_t i = 0; i < ts->n; i++) {
		const struct table *t = &ts->v[i];
		size_t nrows = t->cells.n / t->ncols;
		if (nrows < 2)
			continue;
		size_t *w = sd_xcalloc(t->ncols, sizeof(*w));
		for (size_t k = 0; k < t->cells.n; k++) {
			size_t cw = sd_text_width(t->cells.v[k]);
			if (cw > w[k % t->ncols])
				w[k % t->ncols] = cw;
		}
		sd_buf_printf(&out, "\n%s%s%s\n", sd_color(ctx, SD_BOLD), t->title,
			      sd_color(ctx, SD_RESET));
		for (size_t row = 0; row < nrows; row++) {
			for (size_t c = 0; c < t->ncols; c++) {
				const char *s = t->cells.v[row * t->ncols + c];
				size_t pad = w[c] - sd_text_width(s);
				int right = row && c && numeric(s);
				if (c)
					sd_buf_adds(&out, "  ");
				if (right)
					for (size_t k = 0; k < pad; k++)
						sd_buf_addch(&out, ' ');
				/* Group names, agents and categories come from
				 * tickets: inert on a terminal. */
				sd_put_line(&out, s);
				if (!right && c + 1 < t->ncols)
					for (size_t k = 0; k < pad; k++)
						sd_buf_addch(&out, ' ');
			}
			sd_buf_addch(&out, '\n');
		}
		free(w);
	}
	fwrite(out.data, 1, out.len, ctx->out);
	sd_buf_release(&out);
}

static void print_csv(struct sd_ctx *ctx, const struct tables *ts)
{
	struct sd_buf out = SD_BUF_INIT;
	for (size_t i = 0; i < ts->n; i++) {
		const struct table *t = &ts->v[i];
		if (i)
			sd_buf_addch(&out, '\n');
		for (size_t row = 0; row < t->cells.n / t->ncols; row++) {
			sd_csv_field(&out, row ? t->name : "table");
			for (size_t c = 0; c < t->ncols; c++) {
				sd_buf_addch(&out, ',');
				sd_csv_field(&out, t->cells.v[row * t->ncols + c]);
			}
			sd_buf_addch(&out, '\n');
		}
	}
	if (ctx->stdout_tty) {
		struct sd_buf inert = SD_BUF_INIT;
		sd_text_inert(&inert, out.data, out.len, 1);
		fwrite(inert.data, 1, inert.len, ctx->out);
		sd_buf_release(&inert);
	} else {
		fwrite(out.data, 1, out.len, ctx->out);
	}
	sd_buf_release(&out);
}

/* ---- JSON ---- */

static void json_times(struct sd_buf *o, const struct sd_report_times *t)
{
	if (!t->n) {
		sd_buf_adds(o, "{\"count\":0,\"mean\":null,\"median\":null,\"p90\":null}");
		return;
	}
	sd_buf_printf(o, "{\"count\":%zu,\"mean\":%lld,\"median\":%lld,\"p90\":%lld}", t->n,
		      (long long)t->mean, (long long)t->median, (long long)t->p90);
}

static void json_share(struct sd_buf *o, size_t part, size_t whole)
{
	double s = sd_report_share(part, whole);
	if (s < 0)
		sd_buf_adds(o, "null");
	else
		sd_buf_printf(o, "%.4f", s);
}

static void json_figures(struct sd_buf *o, const struct sd_report_figures *f)
{
	static const char *const prio_names[SD_REPORT_PRIOS] = { "P1", "P2", "P3",
								 "P4", "P5", "none" };
	sd_buf_printf(o,
		      "\"tickets\":%zu,\"opened\":%zu,\"resolved\":%zu,\"reopened\":%zu,"
		      "\"cancelled\":%zu,\"backlog\":%zu,\"backlog_age\":{",
		      f->tickets, f->opened, f->resolved, f->reopened, f->cancelled, f->backlog);
	for (int k = 0; k < SD_REPORT_AGES; k++)
		sd_buf_printf(o, "%s\"%s\":%zu", k ? "," : "", sd_report_age_labels[k], f->age[k]);
	sd_buf_adds(o, "},\"first_response\":{\"business\":");
	json_times(o, &f->first_response[0]);
	sd_buf_adds(o, ",\"wall\":");
	json_times(o, &f->first_response[1]);
	sd_buf_adds(o, "},\"resolution\":{\"business\":");
	json_times(o, &f->resolution[0]);
	sd_buf_adds(o, ",\"wall\":");
	json_times(o, &f->resolution[1]);
	sd_buf_adds(o, "},\"resolution_distribution\":{");
	for (int k = 0; k < SD_REPORT_DIST; k++)
		sd_buf_printf(o, "%s\"%s\":%zu", k ? "," : "", sd_report_dist_labels[k],
			      f->dist[k]);
	sd_buf_adds(o, "},\"sla\":{");
	for (int c = 0; c < SD_RC_COUNT; c++) {
		size_t dec = 0, met = 0;
		for (int p = 0; p < SD_REPORT_PRIOS; p++)
			dec += f->sla_decided[c][p], met += f->sla_met[c][p];
		sd_buf_printf(o, "%s\"%s\":{\"decided\":%zu,\"met\":%zu,\"share\":", c ? "," : "",
			      sd_report_clocks[c], dec, met);
		json_share(o, met, dec);
		sd_buf_adds(o, ",\"by_priority\":{");
		for (int p = 0; p < SD_REPORT_PRIOS; p++) {
			sd_buf_printf(o, "%s\"%s\":{\"decided\":%zu,\"met\":%zu,\"share\":",
				      p ? "," : "", prio_names[p], f->sla_decided[c][p],
				      f->sla_met[c][p]);
			json_share(o, f->sla_met[c][p], f->sla_decided[c][p]);
			sd_buf_addch(o, '}');
		}
		sd_buf_adds(o, "}}");
	}
	sd_buf_printf(o, "},\"first_contact_resolution\":{\"count\":%zu,\"rate\":", f->fcr);
	json_share(o, f->fcr, f->resolved);
	sd_buf_printf(o, "},\"resolved_with_kb\":{\"count\":%zu,\"rate\":", f->resolved_kb);
	json_share(o, f->resolved_kb, f->resolved);
	sd_buf_printf(o, "},\"linked_incidents\":%zu,\"reopen_rate\":", f->linked_incidents);
	json_share(o, f->reopened, f->resolved);
	sd_buf_adds(o, ",\"escalation\":{");
	for (int k = 0; k < SD_REPORT_TIERS; k++) {
		sd_buf_printf(o,
			      "%s\"%s\":{\"at_tier\":%zu,\"escalated\":%zu,\"rate\":", k ? "," : "",
			      sd_tiers[k], f->at_tier[k], f->escalated[k]);
		json_share(o, f->escalated[k], f->at_tier[k]);
		sd_buf_printf(o, ",\"deescalated\":%zu}", f->deescalated[k]);
	}
	sd_buf_adds(o, "}");
}

static void json_counts(struct sd_buf *o, const struct sd_report_count *v, size_t n)
{
	sd_buf_addch(o, '[');
	for (size_t i = 0; i < n; i++) {
		sd_buf_adds(o, i ? ",{\"name\":" : "{\"name\":");
		sd_json_string(o, v[i].name);
		sd_buf_printf(o, ",\"opened\":%zu}", v[i].n);
	}
	sd_buf_addch(o, ']');
}

static void print_json(struct sd_ctx *ctx, const struct sd_report *r)
{
	struct sd_buf o = SD_BUF_INIT;
	char a[SD_TIME_STRLEN], b[SD_TIME_STRLEN];
	sd_time_format(a, r->since);
	sd_time_format(b, r->until);
	sd_buf_printf(&o, "{\"schema_version\":1,\"since\":\"%s\",\"until\":\"%s\",\"by\":", a, b);
	if (r->by >= 0)
		sd_json_string(&o, sd_fields[r->by].name);
	else
		sd_buf_adds(&o, "null");
	sd_buf_adds(&o, ",\n\"total\":{");
	json_figures(&o, &r->total);
	sd_buf_adds(&o, "},\n\"groups\":[");
	for (size_t i = 0; i < r->ngroups; i++) {
		sd_buf_adds(&o, i ? ",\n{\"key\":" : "\n{\"key\":");
		sd_json_string(&o, r->groups[i].key);
		sd_buf_addch(&o, ',');
		json_figures(&o, &r->groups[i]);
		sd_buf_addch(&o, '}');
	}
	sd_buf_printf(&o, "],\n\"bucket_days\":%d,\"series\":[", r->bucket_days);
	for (size_t k = 0; k < r->nbuckets; k++) {
		char s[SD_TIME_STRLEN];
		sd_time_format(s, r->bucket_start[k]);
		sd_buf_printf(&o,
			      "%s{\"start\":\"%s\",\"opened\":%zu,\"resolved\":%zu,\"backlog\":%lld}",
			      k ? "," : "", s, r->series_opened[k], r->series_resolved[k],
			      (long long)r->series_backlog[k]);
	}
	sd_buf_adds(&o, "],\n\"recurring\":{\"categories\":");
	json_counts(&o, r->categories, r->ncategories);
	sd_buf_adds(&o, ",\"assets\":");
	json_counts(&o, r->assets, r->nassets);
	sd_buf_adds(&o, ",\"problems\":[");
	for (size_t i = 0; i < r->nproblems; i++) {
		sd_buf_adds(&o, i ? ",{\"id\":" : "{\"id\":");
		sd_json_string(&o, r->problems[i].id);
		sd_buf_adds(&o, ",\"title\":");
		sd_json_string(&o, r->problems[i].title);
		sd_buf_printf(&o, ",\"incidents\":%zu}", r->problems[i].n);
	}
	sd_buf_printf(&o, "]},\n\"self_service\":{\"deflections\":%zu,\"articles\":[",
		      r->deflections);
	for (size_t i = 0; i < r->narticles; i++) {
		sd_buf_adds(&o, i ? ",{\"article\":" : "{\"article\":");
		sd_json_string(&o, r->deflection_articles[i].name);
		sd_buf_printf(&o, ",\"deflections\":%zu}", r->deflection_articles[i].n);
	}
	sd_buf_adds(&o, "]},\n\"workload\":[");
	for (size_t i = 0; i < r->nagents; i++) {
		const struct sd_report_agent *ag = &r->agents[i];
		sd_buf_adds(&o, i ? ",{\"agent\":" : "{\"agent\":");
		sd_json_string(&o, ag->name);
		sd_buf_printf(&o, ",\"open\":%zu,\"resolved\":%zu,\"median_resolution\":", ag->open,
			      ag->resolved);
		if (ag->resolution.n)
			sd_buf_printf(&o, "%lld}", (long long)ag->resolution.median);
		else
			sd_buf_adds(&o, "null}");
	}
	sd_buf_adds(&o, "]}\n");
	fwrite(o.data, 1, o.len, ctx->out);
	sd_buf_release(&o);
}

/* ---- HTML ---- */

/* Every value that goes into the page, ticket text or not, passes here. */
static void html_text(struct sd_buf *o, const char *s)
{
	sd_html_escape(o, s);
}

static void html_table(struct sd_buf *o, const struct table *t)
{
	size_t nrows = t->cells.n / t->ncols;
	sd_buf_adds(o, "<section><h2>");
	html_text(o, t->title);
	sd_buf_adds(o, "</h2>\n");
	if (nrows < 2) {
		sd_buf_adds(o, "<p class=\"none\">Nothing in this period.</p></section>\n");
		return;
	}
	sd_buf_adds(o, "<div class=\"scroll\"><table>\n<thead><tr>");
	for (size_t c = 0; c < t->ncols; c++) {
		sd_buf_adds(o, "<th scope=\"col\">");
		html_text(o, t->cells.v[c]);
		sd_buf_adds(o, "</th>");
	}
	sd_buf_adds(o, "</tr></thead>\n<tbody>\n");
	for (size_t row = 1; row < nrows; row++) {
		sd_buf_adds(o, "<tr>");
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cells.v[row * t->ncols + c];
			sd_buf_adds(o,
				    c ? (numeric(s) ? "<td class=\"n\">" : "<td>")
				      : "<th scope=\"row\">");
			html_text(o, s);
			sd_buf_adds(o, c ? "</td>" : "</th>");
		}
		sd_buf_adds(o, "</tr>\n");
	}
	sd_buf_adds(o, "</tbody></table></div></section>\n");
}

#define CHART_W 640
#define CHART_H 260
#define PAD_L 48
#define PAD_B 40
#define PAD_T 16

struct chart_series {
	const char *name;
	const char *css; /* class: a, b */
	double *v;
	char (*label)[16]; /* shown above each bar when there are few; NULL: none */
};

/* A "nice" upper bound for the axis: four steps of 1, 2, 3 or 5 times a
 * power of ten, so every tick is a round number (whole for counts). */
static double axis_max(double m)
{
	double p = 1;
	if (m <= 0)
		return 4;
	while (p * 10 <= m / 4)
		p *= 10;
	for (;;) {
		if (m <= 4 * p)
			return 4 * p;
		if (m <= 8 * p)
			return 8 * p;
		if (m <= 12 * p)
			return 12 * p;
		if (m <= 20 * p)
			return 20 * p;
		p *= 10;
	}
}

static void chart_open(struct sd_buf *o, const char *id, const char *title, const char *desc)
{
	sd_buf_printf(o,
		      "<figure><svg viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"%s-t %s-d\" "
		      "xmlns=\"http://www.w3.org/2000/svg\"><title id=\"%s-t\">",
		      CHART_W, CHART_H, id, id, id);
	html_text(o, title);
	sd_buf_printf(o, "</title><desc id=\"%s-d\">", id);
	html_text(o, desc);
	sd_buf_adds(o, "</desc>\n");
}

static void chart_axis(struct sd_buf *o, double max, int percent)
{
	int plot_h = CHART_H - PAD_B - PAD_T;
	for (int k = 0; k <= 4; k++) {
		double v = max * k / 4;
		double y = PAD_T + plot_h - plot_h * k / 4.0;
		sd_buf_printf(o,
			      "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
			      "<text class=\"ax\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">",
			      PAD_L, CHART_W - 4, y, y, PAD_L - 6, y + 4);
		if (percent)
			sd_buf_printf(o, "%.0f%%", v * 100);
		else
			sd_buf_printf(o, "%g", v);
		sd_buf_adds(o, "</text>");
	}
}

/* Bars of one or two series over labelled slots. */
static void chart_bars(struct sd_buf *o, const char *id, const char *title, const char *desc,
		       const char *const *labels, size_t n, const struct chart_series *s, size_t ns,
		       int percent)
{
	double max = 0;
	for (size_t j = 0; j < ns; j++)
		for (size_t i = 0; i < n; i++)
			if (s[j].v[i] > max)
				max = s[j].v[i];
	max = percent ? 1 : axis_max(max);
	chart_open(o, id, title, desc);
	chart_axis(o, max, percent);
	int plot_w = CHART_W - PAD_L - 8, plot_h = CHART_H - PAD_B - PAD_T;
	double slot = n ? (double)plot_w / (double)n : plot_w;
	double bw = slot * 0.8 / (double)(ns ? ns : 1);
	size_t every = n > 8 ? (n + 7) / 8 : 1; /* labels that fit */
	for (size_t i = 0; i < n; i++) {
		double x0 = PAD_L + slot * (double)i + slot * 0.1;
		for (size_t j = 0; j < ns; j++) {
			double h = s[j].v[i] > 0 ? plot_h * s[j].v[i] / max : 0;
			sd_buf_printf(o,
				      "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				      "height=\"%.1f\"/>",
				      s[j].css, x0 + bw * (double)j, PAD_T + plot_h - h, bw, h);
			/* Few bars: each says its value, so 0 is not mistaken
			 * for nothing to show. */
			if (n <= 8 && s[j].label)
				sd_buf_printf(o,
					      "<text class=\"val\" x=\"%.1f\" y=\"%.1f\" "
					      "text-anchor=\"middle\">%s</text>",
					      x0 + bw * ((double)j + 0.5), PAD_T + plot_h - h - 4,
					      s[j].label[i]);
		}
		if (i % every == 0) {
			sd_buf_printf(o,
				      "<text class=\"ax\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
				      x0 + slot * 0.4, CHART_H - PAD_B + 16);
			html_text(o, labels[i]);
			sd_buf_adds(o, "</text>");
		}
	}
	for (size_t j = 0; j < ns && ns > 1; j++) {
		int lx = PAD_L + 8 + (int)j * 120;
		sd_buf_printf(o,
			      "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"12\" height=\"12\"/>"
			      "<text class=\"ax\" x=\"%d\" y=\"%d\">",
			      s[j].css, lx, CHART_H - 16, lx + 16, CHART_H - 6);
		html_text(o, s[j].name);
		sd_buf_adds(o, "</text>");
	}
	sd_buf_adds(o, "</svg></figure>\n");
}

static void chart_line(struct sd_buf *o, const char *id, const char *title, const char *desc,
		       const char *const *labels, size_t n, const double *v)
{
	double max = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	max = axis_max(max);
	chart_open(o, id, title, desc);
	chart_axis(o, max, 0);
	int plot_w = CHART_W - PAD_L - 8, plot_h = CHART_H - PAD_B - PAD_T;
	double step = n > 1 ? (double)plot_w / (double)(n - 1) : 0;
	size_t every = n > 8 ? (n + 7) / 8 : 1;
	sd_buf_adds(o, "<polyline class=\"line\" points=\"");
	for (size_t i = 0; i < n; i++)
		sd_buf_printf(o, "%s%.1f,%.1f", i ? " " : "", PAD_L + step * (double)i,
			      PAD_T + plot_h - plot_h * v[i] / max);
	sd_buf_adds(o, "\"/>");
	for (size_t i = 0; i < n; i += every) {
		sd_buf_printf(o, "<text class=\"ax\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
			      PAD_L + step * (double)i, CHART_H - PAD_B + 16);
		html_text(o, labels[i]);
		sd_buf_adds(o, "</text>");
	}
	sd_buf_adds(o, "</svg></figure>\n");
}

static const char html_style[] =
	":root{color-scheme:light;--a:#2f6db5;--b:#e08a1e;--ink:#1b1b1b;--mute:#5b5b5b}"
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ink);"
	"max-width:60rem;margin:0 auto;padding:1rem}"
	"h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .5rem}"
	"p.meta{color:var(--mute);margin:.2rem 0 1rem}"
	".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.6rem}"
	".card{border:1px solid #ccc;border-radius:6px;padding:.5rem .7rem}"
	".card b{display:block;font-size:1.4rem}.card span{color:var(--mute);font-size:.85rem}"
	".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,26rem),1fr));"
	"gap:1rem 2rem}"
	"figure{margin:0}svg{width:100%;height:auto;display:block}"
	"figcaption{font-weight:600;margin-bottom:.3rem}"
	"rect.a{fill:var(--a)}rect.b{fill:var(--b)}polyline.line{fill:none;stroke:var(--a);"
	"stroke-width:2.5}line.grid{stroke:#ddd;stroke-width:1}text.ax{font-size:15px;fill:#333}text.val{font-size:14px;fill:#111}"
	".scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.9rem;min-width:50%}"
	"th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:left;"
	"white-space:nowrap}td.n{text-align:right;font-variant-numeric:tabular-nums}"
	"thead th{border-bottom:2px solid #888}p.none{color:var(--mute)}"
	"@media print{body{max-width:none;font-size:11pt}section,figure{break-inside:avoid}"
	".scroll{overflow:visible}}";

static void html_card(struct sd_buf *o, const char *label, const char *value)
{
	sd_buf_adds(o, "<div class=\"card\"><b>");
	html_text(o, value);
	sd_buf_adds(o, "</b><span>");
	html_text(o, label);
	sd_buf_adds(o, "</span></div>\n");
}

static void html_charts(struct sd_buf *o, const struct sd_report *r)
{
	static const char *const prio_names[SD_REPORT_PRIOS] = { "P1", "P2", "P3",
								 "P4", "P5", "none" };
	const struct sd_report_figures *f = &r->total;
	size_t n = r->nbuckets;
	char(*labels)[16] = sd_xcalloc(n ? n : 1, sizeof(*labels));
	const char **lp = sd_xcalloc(n ? n : 1, sizeof(*lp));
	double *va = sd_xcalloc(n ? n : 1, sizeof(*va)), *vb = sd_xcalloc(n ? n : 1, sizeof(*vb));
	struct sd_buf desc = SD_BUF_INIT;
	for (size_t k = 0; k < n; k++) {
		char d[SD_TIME_STRLEN];
		sd_time_format(d, r->bucket_start[k]);
		snprintf(labels[k], sizeof(labels[k]), "%.5s", d + 5); /* MM-DD */
		lp[k] = labels[k];
		va[k] = (double)r->series_opened[k];
		vb[k] = (double)r->series_resolved[k];
		sd_buf_printf(&desc, "%s%.10s: %zu opened, %zu resolved", k ? "; " : "", d,
			      r->series_opened[k], r->series_resolved[k]);
	}
	const char *unit = r->bucket_days == 1 ? "day" : "week";
	char title[96];
	sd_buf_adds(o, "<section><h2>Charts</h2><div class=\"charts\">\n");
	snprintf(title, sizeof(title), "Opened and resolved per %s", unit);
	struct chart_series ab[2] = { { "opened", "a", va, NULL }, { "resolved", "b", vb, NULL } };
	sd_buf_printf(o, "<div><p><b>%s</b></p>", title);
	chart_bars(o, "c-volume", title, desc.data, lp, n, ab, 2, 0);
	sd_buf_adds(o, "</div>");

	sd_buf_reset(&desc);
	for (size_t k = 0; k < n; k++) {
		char d[SD_TIME_STRLEN];
		sd_time_format(d, r->bucket_start[k]);
		va[k] = (double)r->series_backlog[k];
		sd_buf_printf(&desc, "%s%.10s: %lld open", k ? "; " : "", d,
			      (long long)r->series_backlog[k]);
	}
	snprintf(title, sizeof(title), "Backlog at the end of each %s", unit);
	sd_buf_printf(o, "<div><p><b>%s</b></p>", title);
	chart_line(o, "c-backlog", title, desc.data, lp, n, va);
	sd_buf_adds(o, "</div>");

	/* SLA: every clock of a priority together. */
	double sla[SD_REPORT_PRIOS];
	char sla_l[SD_REPORT_PRIOS][16];
	const char *plabels[SD_REPORT_PRIOS];
	sd_buf_reset(&desc);
	for (int p = 0; p < SD_REPORT_PRIOS; p++) {
		size_t dec = 0, met = 0;
		for (int c = 0; c < SD_RC_COUNT; c++)
			dec += f->sla_decided[c][p], met += f->sla_met[c][p];
		sla[p] = dec ? (double)met / (double)dec : 0;
		plabels[p] = prio_names[p];
		if (dec)
			snprintf(sla_l[p], sizeof(sla_l[p]), "%.0f%%", sla[p] * 100);
		else
			snprintf(sla_l[p], sizeof(sla_l[p]), "-");
		if (dec)
			sd_buf_printf(&desc, "%s%s: %.1f%% of %zu clocks met", desc.len ? "; " : "",
				      prio_names[p], sla[p] * 100, dec);
		else
			sd_buf_printf(&desc, "%s%s: no clocks", desc.len ? "; " : "",
				      prio_names[p]);
	}
	struct chart_series s1 = { "met", "a", sla, sla_l };
	sd_buf_adds(o, "<div><p><b>SLA compliance per priority</b></p>");
	chart_bars(o, "c-sla", "SLA compliance per priority", desc.data, plabels, SD_REPORT_PRIOS,
		   &s1, 1, 1);
	sd_buf_adds(o, "</div>");

	double dist[SD_REPORT_DIST];
	char dist_l[SD_REPORT_DIST][16];
	sd_buf_reset(&desc);
	for (int k = 0; k < SD_REPORT_DIST; k++) {
		dist[k] = (double)f->dist[k];
		snprintf(dist_l[k], sizeof(dist_l[k]), "%zu", f->dist[k]);
		sd_buf_printf(&desc, "%s%s: %zu", k ? "; " : "", sd_report_dist_labels[k],
			      f->dist[k]);
	}
	struct chart_series s2 = { "tickets", "a", dist, dist_l };
	sd_buf_adds(o, "<div><p><b>Resolution times (wall)</b></p>");
	chart_bars(o, "c-dist", "Resolution times (wall), tickets per range", desc.data,
		   sd_report_dist_labels, SD_REPORT_DIST, &s2, 1, 0);
	sd_buf_adds(o, "</div>");

	double esc[SD_REPORT_TIERS], de[SD_REPORT_TIERS];
	char esc_l[SD_REPORT_TIERS][16], de_l[SD_REPORT_TIERS][16];
	sd_buf_reset(&desc);
	for (int k = 0; k < SD_REPORT_TIERS; k++) {
		esc[k] = (double)f->escalated[k];
		de[k] = (double)f->deescalated[k];
		snprintf(esc_l[k], sizeof(esc_l[k]), "%zu", f->escalated[k]);
		snprintf(de_l[k], sizeof(de_l[k]), "%zu", f->deescalated[k]);
		sd_buf_printf(&desc, "%s%s: %zu escalated, %zu de-escalated", k ? "; " : "",
			      sd_tiers[k], f->escalated[k], f->deescalated[k]);
	}
	struct chart_series s3[2] = { { "escalated", "a", esc, esc_l },
				      { "de-escalated", "b", de, de_l } };
	sd_buf_adds(o, "<div><p><b>Escalations per tier</b></p>");
	chart_bars(o, "c-esc", "Escalations per tier", desc.data, sd_tiers, SD_REPORT_TIERS, s3, 2,
		   0);
	sd_buf_adds(o, "</div></div></section>\n");
	sd_buf_release(&desc);
	free(labels);
	free(lp);
	free(va);
	free(vb);
}

static void build_html(struct sd_buf *o, const struct sd_report *r, const struct tables *ts)
{
	char a[SD_TIME_STRLEN], b[SD_TIME_STRLEN], v[64];
	const struct sd_report_figures *f = &r->total;
	sd_time_format(a, r->since);
	sd_time_format(b, r->until);
	sd_buf_adds(o,
		    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		    "style-src 'unsafe-inline'; img-src data:\">"
		    "<title>sd report ");
	html_text(o, a);
	sd_buf_adds(o, " to ");
	html_text(o, b);
	sd_buf_printf(o, "</title><style>%s</style></head><body>\n<h1>Service desk report</h1>",
		      html_style);
	char ha[32], hb[32];
	sd_time_format_human(ha, r->since);
	sd_time_format_human(hb, r->until);
	sd_buf_adds(o, "<p class=\"meta\">From ");
	html_text(o, ha);
	sd_buf_adds(o, " to ");
	html_text(o, hb);
	sd_buf_adds(o, " (not included)");
	if (r->by >= 0) {
		sd_buf_adds(o, ", grouped by ");
		html_text(o, sd_fields[r->by].name);
	}
	sd_buf_adds(o, ".</p>\n<div class=\"cards\">\n");
	snprintf(v, sizeof(v), "%zu", f->opened);
	html_card(o, "opened", v);
	snprintf(v, sizeof(v), "%zu", f->resolved);
	html_card(o, "resolved", v);
	snprintf(v, sizeof(v), "%zu", f->backlog);
	html_card(o, "open at the end", v);
	if (f->first_response[0].n)
		human_duration(v, f->first_response[0].median);
	else
		strcpy(v, "-");
	html_card(o, "median first response (business)", v);
	if (f->resolution[0].n)
		human_duration(v, f->resolution[0].median);
	else
		strcpy(v, "-");
	html_card(o, "median resolution (business)", v);
	size_t dec = 0, met = 0;
	for (int c = 0; c < SD_RC_COUNT; c++)
		for (int p = 0; p < SD_REPORT_PRIOS; p++)
			dec += f->sla_decided[c][p], met += f->sla_met[c][p];
	if (dec)
		snprintf(v, sizeof(v), "%.1f%%", 100.0 * (double)met / (double)dec);
	else
		strcpy(v, "-");
	html_card(o, "SLA clocks met", v);
	snprintf(v, sizeof(v), "%zu", f->resolved_kb);
	html_card(o, "resolved with a KB article", v);
	snprintf(v, sizeof(v), "%zu", r->deflections);
	html_card(o, "portal deflections", v);
	sd_buf_adds(o, "</div>\n");
	html_charts(o, r);
	for (size_t i = 0; i < ts->n; i++)
		html_table(o, &ts->v[i]);
	sd_buf_adds(o, "</body></html>\n");
}

/* ---- the command ---- */

/* YYYY-MM-DD (midnight UTC) or an RFC 3339 instant. */
static sd_error *parse_date(sd_time *out, const char *s, const char *option)
{
	char buf[32];
	const char *given = s;
	sd_error *err;
	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
		snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
		s = buf;
	}
	if ((err = sd_time_parse(out, s))) {
		sd_error_free(err);
		return sd_error_invalid("invalid --%s '%s': use a date (2026-10-01) or an RFC 3339 "
					"time (2026-10-01T08:00:00Z)%s",
					option, given,
					!strcmp(option, "since") ? ", or a duration such as 30d"
								 : "");
	}
	return NULL;
}

struct loader {
	struct sd_report *r;
	const struct sd_filter *filter;
	sd_error *err;
};

static int take(struct sd_summary *s, void *arg)
{
	struct loader *l = arg;
	if (l->err || !sd_filter_match(l->filter, &s->t))
		return 0;
	l->err = sd_report_add(l->r, &s->t);
	return 0; /* the report keeps numbers, never the ticket */
}

sd_error *cmd_report(struct sd_ctx *ctx, struct sd_args *args)
{
	struct sd_filter *filter = NULL;
	struct sd_summaries sums = { 0 };
	struct sd_report report = { 0 };
	struct tables ts = { 0 };
	struct sd_buf page = SD_BUF_INIT;
	sd_time now = ctx->now, since, until;
	const char *v, *html = sd_arg_str(args, "html");
	int by = -1, json = sd_arg_flag(args, "json"), csv = sd_arg_flag(args, "csv");
	sd_error *err = NULL;

	if (args->pos.n) {
		err = sd_error_invalid("unexpected argument '%s'; usage: sd %s", args->pos.v[0],
				       ctx->cmd->usage);
		goto done;
	}
	if (json + csv + (html != NULL) > 1) {
		err = sd_error_invalid("--json, --csv and --html cannot be used together");
		goto done;
	}
	if (html && !*html) {
		err = sd_error_invalid("--html needs a file name");
		goto done;
	}
	if ((v = sd_arg_str(args, "at")) && (err = sd_time_parse(&now, v))) {
		err = sd_error_wrap(err, "--at");
		goto done;
	}
	until = now;
	if ((v = sd_arg_str(args, "until")) && (err = parse_date(&until, v, "until")))
		goto done;
	since = until - 30 * 86400;
	if ((v = sd_arg_str(args, "since"))) {
		int64_t d;
		sd_error *derr = sd_duration_parse(&d, v);
		if (!derr)
			since = until - d;
		else
			err = parse_date(&since, v, "since");
		sd_error_free(derr);
		if (err)
			goto done;
	}
	if ((v = sd_arg_str(args, "by")) && (by = sd_value_index(by_fields, v)) < 0) {
		err = sd_error_invalid("invalid --by '%s': use queue, tier, assignee, priority, "
				       "category, type or channel",
				       v);
		goto done;
	}
	if (by >= 0)
		by = sd_field_lookup(by_fields[by]);
	if ((err = sd_report_init(&report, sd_store_config(ctx->store), since, until, by)) ||
	    (err = sd_filter_new(&filter, ctx, args, 1)))
		goto done;
	sd_filter_set_time(filter, until);
	struct loader l = { &report, filter, NULL };
	if ((err = sd_summaries_load(ctx->store, &sums, take, &l)))
		goto done;
	if ((err = l.err))
		goto done;
	/* Deflections are records of the desk, not tickets: only --category
	 * narrows them (doc/sd-report.1.md). */
	struct sd_buf dpath = SD_BUF_INIT;
	sd_buf_printf(&dpath, "%sdeflections", sd_store_root(ctx->store));
	err = sd_report_read_deflections(&report, dpath.data, sd_arg_str(args, "category"));
	sd_buf_release(&dpath);
	if (err)
		goto done;
	for (size_t i = 0; i < sums.problems.n; i++) {
		struct sd_buf msg = SD_BUF_INIT;
		sd_put_text(&msg, sums.problems.v[i]);
		fprintf(stderr, "sd: skipping %s\n", msg.data);
		sd_buf_release(&msg);
	}
	if (sums.problems.n) {
		fprintf(stderr,
			"sd: %zu ticket file%s could not be read, so the report lacks them; "
			"'sd check' lists the problems\n",
			sums.problems.n, sums.problems.n == 1 ? "" : "s");
		ctx->exit_status = SD_EXIT_FOUND_NOTHING;
	}
	sd_report_finish(&report);
	if (json) {
		print_json(ctx, &report);
		goto done;
	}
	build_tables(&ts, &report, csv ? MACHINE : HUMAN);
	if (csv) {
		print_csv(ctx, &ts);
	} else if (html) {
		build_html(&page, &report, &ts);
		err = sd_write_file_atomically(html, page.data, page.len);
	} else {
		sd_pager_start(ctx);
		print_human(ctx, &report, &ts);
	}
done:
	tables_release(&ts);
	sd_buf_release(&page);
	sd_report_release(&report);
	sd_summaries_free(&sums);
	sd_filter_free(filter);
	return err;
}
