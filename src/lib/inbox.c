/* SPDX-License-Identifier: MIT */
/* The sections of sd inbox and the record of looks (inbox.h). */

#define _GNU_SOURCE /* mkostemp */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sd/inbox.h"
#include "sd/sla.h"
#include "sd/team.h"
#include "sd/util.h"

const char *const sd_inbox_section_names[SD_INBOX_COUNT] = { "sla", "waiting", "queue", "changed" };

struct sd_inbox_seen {
	struct sd_strvec lines; /* "ID UPDATED", sorted by id */
};

static int same_address(const char *a, const char *b)
{
	struct sd_buf x = SD_BUF_INIT, y = SD_BUF_INIT;
	sd_email_of(&x, a);
	sd_email_of(&y, b);
	int same = *x.data && sd_strcaseeq(x.data, y.data);
	sd_buf_release(&x);
	sd_buf_release(&y);
	return same;
}

int sd_inbox_is_me(const struct sd_inbox_me *me, const char *who)
{
	if (!*who)
		return 0;
	return sd_strcaseeq(who, me->email) || !strcmp(who, me->name) ||
		same_address(who, me->email);
}

int sd_inbox_requester_spoke_last(const struct sd_ticket *t)
{
	const char *requester = sd_ticket_get(t, SD_F_REQUESTER);
	if (!*requester)
		return 0;
	for (size_t i = t->nentries; i-- > 0;) {
		const struct sd_entry *e = &t->entries[i];
		if (e->kind != SD_ENTRY_COMMENT || e->internal)
			continue;
		return same_address(e->author, requester);
	}
	return 0;
}

static int sla_needs_me(const struct sd_inbox_me *me, const struct sd_ticket *t)
{
	struct sd_sla sla;
	sd_error *err = sd_sla_evaluate(&sla, me->cfg, t, me->now);
	int hit = 0;
	const struct sd_clock *clocks[] = { &sla.first_response, &sla.next_response,
					    &sla.resolution };
	/* The same test as sd list --sla STATE. */
	for (int i = 0; !err && i < 3; i++)
		hit |= clocks[i]->present && clocks[i]->active &&
			(clocks[i]->state == SD_CLOCK_BREACHED ||
			 clocks[i]->state == SD_CLOCK_AT_RISK);
	sd_error_free(err);
	return hit;
}

unsigned sd_inbox_sections(const struct sd_inbox_me *me, const struct sd_ticket *t)
{
	unsigned bits = 0;
	if (sd_status_is_done(sd_ticket_get(t, SD_F_STATUS)))
		return 0;
	const char *who = sd_ticket_get(t, SD_F_ASSIGNEE);
	/* --mine compares the address without case, or the name exactly. */
	int mine = *who && (sd_strcaseeq(who, me->email) || !strcmp(who, me->name));
	if (mine && sla_needs_me(me, t))
		bits |= 1u << SD_INBOX_SLA;
	if (mine && sd_inbox_requester_spoke_last(t))
		bits |= 1u << SD_INBOX_WAITING;
	if (!*who && me->agent && sd_agent_in_queue(me->agent, sd_ticket_get(t, SD_F_QUEUE)))
		bits |= 1u << SD_INBOX_QUEUE;
	if (sd_strcaseeq(sd_ticket_get(t, SD_F_REQUESTER), me->email)) {
		const char *seen =
			me->seen ? sd_inbox_seen_get(me->seen, sd_ticket_get(t, SD_F_ID)) : NULL;
		const char *updated = sd_ticket_get(t, SD_F_UPDATED);
		if (strcmp(updated, seen ? seen : sd_ticket_get(t, SD_F_CREATED)))
			bits |= 1u << SD_INBOX_CHANGED;
	}
	return bits;
}

/* ---- the record of looks ---- */

static void seen_path(struct sd_store *store, struct sd_buf *out)
{
	sd_store_private_path(store, "seen", out);
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

sd_error *sd_inbox_seen_load(struct sd_inbox_seen **out, struct sd_store *store)
{
	struct sd_inbox_seen *s = sd_xcalloc(1, sizeof(*s));
	struct sd_buf path = SD_BUF_INIT, text = SD_BUF_INIT;
	sd_error *err = NULL;
	seen_path(store, &path);
	if (access(path.data, F_OK) == 0 && (err = sd_buf_read_file(&text, path.data, 64u << 20)))
		goto done;
	for (char *p = text.data; p && *p;) {
		char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		/* A line that is not "ID UPDATED" is dropped, not trusted. */
		if (n > SD_ID_LEN + 1 && n < 128 && p[SD_ID_LEN] == ' ')
			sd_strvec_push_owned(&s->lines, sd_xstrndup(p, n));
		p = nl ? nl + 1 : NULL;
	}
	if (s->lines.n)
		qsort(s->lines.v, s->lines.n, sizeof(*s->lines.v), cmp_lines);
done:
	sd_buf_release(&path);
	sd_buf_release(&text);
	if (err) {
		sd_inbox_seen_free(s);
		s = NULL;
	}
	*out = s;
	return err;
}

void sd_inbox_seen_free(struct sd_inbox_seen *seen)
{
	if (!seen)
		return;
	sd_strvec_clear(&seen->lines);
	free(seen);
}

static char **find(const struct sd_inbox_seen *seen, const char *id)
{
	size_t lo = 0, hi = seen->lines.n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(seen->lines.v[mid], id, SD_ID_LEN);
		if (!c)
			return &seen->lines.v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *sd_inbox_seen_get(const struct sd_inbox_seen *seen, const char *id)
{
	if (strlen(id) != SD_ID_LEN)
		return NULL;
	char **line = find(seen, id);
	return line ? *line + SD_ID_LEN + 1 : NULL;
}

sd_error *sd_inbox_seen_mark(struct sd_store *store, const char *id, const char *updated)
{
	struct sd_inbox_seen *seen = NULL;
	struct sd_buf path = SD_BUF_INIT, tmp = SD_BUF_INIT, text = SD_BUF_INIT;
	sd_error *err = sd_inbox_seen_load(&seen, store);
	int fd = -1;
	if (err)
		return err;
	if (strlen(id) != SD_ID_LEN || strchr(updated, '\n') || strlen(updated) > 64)
		goto done;
	const char *was = sd_inbox_seen_get(seen, id);
	if (was && !strcmp(was, updated))
		goto done; /* nothing new: no write */
	char **line = find(seen, id);
	struct sd_buf l = SD_BUF_INIT;
	sd_buf_printf(&l, "%s %s", id, updated);
	if (line) {
		free(*line);
		*line = sd_buf_detach(&l);
	} else {
		sd_strvec_push_owned(&seen->lines, sd_buf_detach(&l));
	}
	for (size_t i = 0; i < seen->lines.n; i++)
		sd_buf_printf(&text, "%s\n", seen->lines.v[i]);
	/* Written whole and renamed over, so a reader never sees half. */
	seen_path(store, &path);
	sd_buf_printf(&tmp, "%s.XXXXXX", path.data);
	if ((fd = mkostemp(tmp.data, O_CLOEXEC)) < 0) {
		err = sd_error_errno("cannot write .git/sd/seen");
		goto done;
	}
	if (write(fd, text.data, text.len) != (ssize_t)text.len || close(fd) != 0) {
		fd = -1;
		err = sd_error_errno("cannot write .git/sd/seen");
		unlink(tmp.data);
		goto done;
	}
	fd = -1;
	if (rename(tmp.data, path.data) != 0) {
		err = sd_error_errno("cannot write .git/sd/seen");
		unlink(tmp.data);
	}
done:
	if (fd >= 0)
		close(fd);
	sd_inbox_seen_free(seen);
	sd_buf_release(&path);
	sd_buf_release(&tmp);
	sd_buf_release(&text);
	return err;
}
