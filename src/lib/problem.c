/* SPDX-License-Identifier: MIT */
/* Links between problems and incidents: see include/sd/problem.h. */

#include <stdlib.h>
#include <string.h>

#include "sd/problem.h"
#include "sd/util.h"

static sd_error *check_types(const struct sd_ticket *problem, const struct sd_ticket *incident)
{
	const char *pid = sd_ticket_get(problem, SD_F_ID), *iid = sd_ticket_get(incident, SD_F_ID);
	if (strcmp(sd_ticket_get(problem, SD_F_TYPE), "problem"))
		return sd_error_invalid("ticket %s is %s %s, not a problem; open one with 'sd problem "
					"new TITLE --from ID...', or make it one with 'sd set %s "
					"type=problem'",
					pid,
					!strcmp(sd_ticket_get(problem, SD_F_TYPE), "incident")
						? "an"
						: "a",
					sd_ticket_get(problem, SD_F_TYPE), pid);
	if (!strcmp(pid, iid))
		return sd_error_invalid("ticket %s cannot be linked to itself", pid);
	if (strcmp(sd_ticket_get(incident, SD_F_TYPE), "incident"))
		return sd_error_invalid("ticket %s is of type %s, not an incident; only incidents are linked "
					"to a problem",
					iid, sd_ticket_get(incident, SD_F_TYPE));
	return NULL;
}

/* Makes the problem's incidents its list without drop (NULL: none) and
 * with the n incidents added, recording one event when that changes it. */
static sd_error *change_list(struct sd_ticket *problem, const char *drop,
			     struct sd_ticket *const *add, size_t n, const char *author,
			     sd_stamp at, const char *reason)
{
	struct sd_strvec ids = SD_STRVEC_INIT, kept = SD_STRVEC_INIT;
	struct sd_ticket tmp;
	sd_error *err;
	sd_ticket_incidents(problem, &ids);
	for (size_t i = 0; i < ids.n; i++)
		if (!drop || strcmp(ids.v[i], drop))
			sd_strvec_push(&kept, ids.v[i]);
	for (size_t i = 0; i < n; i++)
		sd_strvec_push(&kept, sd_ticket_get(add[i], SD_F_ID));
	/* The list as the field holds it: sorted, each once. */
	sd_ticket_init(&tmp);
	sd_ticket_set_incidents(&tmp, &kept);
	err = sd_ticket_change(problem, SD_F_INCIDENTS, sd_ticket_get(&tmp, SD_F_INCIDENTS), author,
			       at, reason, NULL);
	sd_ticket_free(&tmp);
	sd_strvec_clear(&ids);
	sd_strvec_clear(&kept);
	return err;
}

static int lists(const struct sd_ticket *problem, const char *id)
{
	struct sd_strvec ids = SD_STRVEC_INIT;
	sd_ticket_incidents(problem, &ids);
	int has = sd_strvec_has(&ids, id);
	sd_strvec_clear(&ids);
	return has;
}

sd_error *sd_problem_link(struct sd_ticket *problem, struct sd_ticket *const *incidents, size_t n,
			  const char *author, sd_stamp at, const char *reason, size_t *changed)
{
	const char *pid = sd_ticket_get(problem, SD_F_ID);
	sd_error *err = NULL;
	*changed = 0;
	/* Everything is checked before anything changes. */
	for (size_t i = 0; i < n; i++) {
		const char *iid = sd_ticket_get(incidents[i], SD_F_ID);
		const char *now = sd_ticket_get(incidents[i], SD_F_PROBLEM);
		if ((err = check_types(problem, incidents[i])))
			return err;
		if (*now && strcmp(now, pid))
			return sd_error_invalid("incident %s is linked to problem %s; unlink it "
						"first ('sd unlink %s')",
						iid, now, iid);
	}
	if ((err = change_list(problem, NULL, incidents, n, author, at, reason)))
		return err;
	for (size_t i = 0; i < n; i++) {
		int c = 0;
		if ((err = sd_ticket_change(incidents[i], SD_F_PROBLEM, pid, author, at, reason,
					    &c)))
			return err;
		*changed += c;
	}
	return NULL;
}

sd_error *sd_problem_unlink(struct sd_ticket *problem, struct sd_ticket *incident,
			    const char *author, sd_stamp at, const char *reason, int *changed)
{
	const char *iid = sd_ticket_get(incident, SD_F_ID);
	sd_error *err = NULL;
	int c = 0;
	*changed = 0;
	if (problem && lists(problem, iid)) {
		if ((err = change_list(problem, iid, NULL, 0, author, at, reason)))
			return err;
		*changed = 1;
	}
	if ((err = sd_ticket_change(incident, SD_F_PROBLEM, "", author, at, reason, &c)))
		return err;
	*changed |= c;
	return NULL;
}

sd_error *sd_problem_known_error(struct sd_ticket *problem, const char *workaround,
				 const char *author, sd_stamp at)
{
	const char *pid = sd_ticket_get(problem, SD_F_ID);
	sd_error *err;
	if (strcmp(sd_ticket_get(problem, SD_F_TYPE), "problem"))
		return sd_error_invalid("ticket %s is not a problem; only a problem becomes a known "
					"error",
					pid);
	char *text = sd_text_trim_lines(workaround);
	if (!*text) {
		free(text);
		return sd_error_invalid("say what the workaround is: sd problem known-error %s "
					"--workaround TEXT",
					pid);
	}
	/* The event's reason is one line: the workaround's first. */
	char *nl = strchr(text, '\n');
	size_t len = nl ? (size_t)(nl - text) : strlen(text);
	if (len > 160) {
		/* Cut on a character boundary; the comment has it whole. */
		len = 160;
		while (len && ((unsigned char)text[len] & 0xc0) == 0x80)
			len--;
	}
	char *first = sd_xstrndup(text, len);
	if (!(err = sd_ticket_add_comment(problem, author, at, 0, text))) {
		struct sd_buf reason = SD_BUF_INIT;
		sd_buf_printf(&reason, "workaround: %s", first);
		err = sd_ticket_change(problem, SD_F_KNOWN_ERROR, "true", author, at, reason.data,
				       NULL);
		sd_buf_release(&reason);
	}
	free(first);
	free(text);
	return err;
}

int sd_problem_is_known_error(const struct sd_ticket *t)
{
	return !strcmp(sd_ticket_get(t, SD_F_KNOWN_ERROR), "true");
}
