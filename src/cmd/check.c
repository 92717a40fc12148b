/* SPDX-License-Identifier: MIT */
/* sd check: validate every ticket and the config, like git fsck. */

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "sd/kb.h"
#include "sd/path.h"
#include "sd/route.h"
#include "sd/text.h"
#include "sd/trust.h"

const struct sd_option check_options[] = { { SD_OPT_END, 0, NULL, NULL, NULL } };

/* What check keeps of each ticket to check the links between them. */
struct link_info {
	char *id, *type, *problem, *incidents;
	size_t problem_line, incidents_line;
};

struct check {
	struct sd_ctx *ctx;
	size_t problems, tickets;
	struct link_info *links; /* in id order, as the files are read */
	size_t nlinks;
};

static void problem(struct check *c, const char *msg)
{
	struct sd_buf line = SD_BUF_INIT;
	sd_put_text(&line, msg);
	fprintf(c->ctx->out, "%s\n", line.data);
	sd_buf_release(&line);
	c->problems++;
}

static void problem_at(struct check *c, const char *rel, const char *what)
{
	struct sd_buf msg = SD_BUF_INIT;
	sd_buf_printf(&msg, "%s:1: %s", rel, what);
	problem(c, msg.data);
	sd_buf_release(&msg);
}

static void check_ticket(struct check *c, const char *shard, const char *name)
{
	struct sd_buf rel = SD_BUF_INIT;
	sd_buf_printf(&rel, "tickets/%s/%s", shard, name);
	size_t n = strlen(name);
	char id[SD_ID_LEN + 1];
	struct stat st;
	if (n == SD_ID_LEN && !strncmp(name, shard, 2) && sd_id_valid(name)) {
		/* A ticket's own directory: its attachments, files/NAME. */
		struct sd_buf full = SD_BUF_INIT;
		sd_buf_printf(&full, "%s%s", sd_store_root(c->ctx->store), rel.data);
		if (lstat(full.data, &st) || !S_ISDIR(st.st_mode))
			problem_at(c, rel.data, "not a ticket file; tickets are tickets/XX/ID.md");
		sd_buf_release(&full);
		goto done;
	}
	if (n != SD_ID_LEN + 3 || strcmp(name + SD_ID_LEN, ".md")) {
		problem_at(c, rel.data, "not a ticket file; tickets are tickets/XX/ID.md");
		goto done;
	}
	memcpy(id, name, SD_ID_LEN);
	id[SD_ID_LEN] = '\0';
	if (!sd_id_valid(id) || strncmp(id, shard, 2)) {
		problem_at(c, rel.data, "file name is not a ticket id in its shard directory");
		goto done;
	}
	struct sd_ticket t;
	struct sd_buf raw = SD_BUF_INIT;
	sd_error *err = sd_store_read(c->ctx->store, id, &t, &raw);
	c->tickets++;
	if (err)
		problem(c, err->msg);
	/* Read, but sd would refuse every change to it. */
	char *big = err ? NULL : sd_ticket_size_warning(rel.data, raw.len);
	if (big)
		problem(c, big);
	free(big);
	sd_buf_release(&raw);
	/* Reading shows such values inert; check holds files to what sd
	 * itself would write. */
	for (int f = 0; !err && f < SD_F_COUNT; f++) {
		if (sd_fields[f].values || f == SD_F_TAGS)
			continue;
		const char *v = sd_ticket_get(&t, (enum sd_field)f);
		sd_error *bad =
			*v || f == SD_F_TITLE ? sd_field_validate((enum sd_field)f, v) : NULL;
		if (bad) {
			struct sd_buf msg = SD_BUF_INIT;
			sd_buf_printf(&msg, "%s:%zu: %s", rel.data,
				      t.field_line[f] ? t.field_line[f] : 1, bad->msg);
			problem(c, msg.data);
			sd_buf_release(&msg);
			sd_error_free(bad);
		}
	}
	if (!err) {
		c->links = sd_xrealloc(c->links, (c->nlinks + 1) * sizeof(*c->links));
		c->links[c->nlinks++] = (struct link_info){
			sd_xstrdup(id),
			sd_xstrdup(sd_ticket_get(&t, SD_F_TYPE)),
			sd_xstrdup(sd_ticket_get(&t, SD_F_PROBLEM)),
			sd_xstrdup(sd_ticket_get(&t, SD_F_INCIDENTS)),
			t.field_line[SD_F_PROBLEM],
			t.field_line[SD_F_INCIDENTS],
		};
	}
	sd_error_free(err);
	sd_ticket_free(&t);
done:
	sd_buf_release(&rel);
}

static const struct link_info *find_link(const struct check *c, const char *id)
{
	size_t lo = 0, hi = c->nlinks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(c->links[mid].id, id);
		if (!cmp)
			return &c->links[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void link_problem(struct check *c, const struct link_info *l, size_t line, int warn,
			 const char *what)
{
	struct sd_buf msg = SD_BUF_INIT, shown = SD_BUF_INIT;
	sd_buf_printf(&msg, "tickets/%.2s/%s.md:%zu: %s", l->id, l->id, line ? line : 1, what);
	if (warn) {
		sd_put_text(&shown, msg.data);
		fprintf(stderr, "sd: warning: %s\n", shown.data);
	} else {
		problem(c, msg.data);
	}
	sd_buf_release(&msg);
	sd_buf_release(&shown);
}

/* A link names an existing ticket of the right type; one only one side
 * records (a merge of two clones that linked an incident to different
 * problems leaves one) is doubtful, so a warning. */
static void check_problem_link(struct check *c, const struct link_info *l, struct sd_buf *m)
{
	const struct link_info *p = find_link(c, l->problem);
	struct sd_strvec ids = SD_STRVEC_INIT;
	int warn = 0;
	sd_buf_reset(m);
	if (strcmp(l->type, "incident")) {
		sd_buf_printf(m,
			      "this ticket (type %s) names problem %s; only incidents link to a problem",
			      l->type, l->problem);
	} else if (!p) {
		sd_buf_printf(m, "problem %s is no ticket here", l->problem);
	} else if (strcmp(p->type, "problem")) {
		sd_buf_printf(m, "problem %s is of type %s, not a problem", l->problem, p->type);
	} else {
		sd_strvec_split(&ids, p->incidents);
		warn = 1;
		if (!sd_strvec_has(&ids, l->id))
			sd_buf_printf(m,
				      "problem %s does not list this incident; 'sd link %s "
				      "--problem ID' links both sides",
				      l->problem, l->id);
	}
	if (m->len)
		link_problem(c, l, l->problem_line, warn, m->data);
	sd_strvec_clear(&ids);
}

static void check_incidents_link(struct check *c, const struct link_info *l, struct sd_buf *m)
{
	struct sd_strvec ids = SD_STRVEC_INIT;
	if (strcmp(l->type, "problem")) {
		sd_buf_reset(m);
		sd_buf_printf(m, "this ticket (type %s) lists incidents; only a problem does",
			      l->type);
		link_problem(c, l, l->incidents_line, 0, m->data);
		return;
	}
	sd_strvec_split(&ids, l->incidents);
	for (size_t j = 0; j < ids.n; j++) {
		const struct link_info *inc = find_link(c, ids.v[j]);
		int warn = 0;
		sd_buf_reset(m);
		if (!inc) {
			sd_buf_printf(m, "incident %s is no ticket here", ids.v[j]);
		} else if (strcmp(inc->type, "incident")) {
			sd_buf_printf(m, "incident %s is of type %s, not an incident", ids.v[j],
				      inc->type);
		} else if (strcmp(inc->problem, l->id)) {
			warn = 1;
			sd_buf_printf(m,
				      "incident %s does not name this problem; 'sd link %s --problem "
				      "ID' links both sides",
				      ids.v[j], ids.v[j]);
		}
		if (m->len)
			link_problem(c, l, l->incidents_line, warn, m->data);
	}
	sd_strvec_clear(&ids);
}

static void check_links(struct check *c)
{
	struct sd_buf m = SD_BUF_INIT;
	for (size_t i = 0; i < c->nlinks; i++) {
		if (*c->links[i].problem)
			check_problem_link(c, &c->links[i], &m);
		if (*c->links[i].incidents)
			check_incidents_link(c, &c->links[i], &m);
	}
	sd_buf_release(&m);
}

static sd_error *check_shard(struct check *c, const char *root, const char *shard)
{
	struct sd_buf dir = SD_BUF_INIT;
	sd_buf_printf(&dir, "%stickets/%s", root, shard);
	DIR *d = opendir(dir.data);
	sd_error *err = NULL;
	if (!d) {
		err = sd_error_errno(dir.data);
		sd_buf_release(&dir);
		return err;
	}
	struct sd_strvec names = SD_STRVEC_INIT;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			sd_strvec_push(&names, de->d_name);
	closedir(d);
	sd_strvec_sort(&names);
	for (size_t i = 0; i < names.n; i++)
		check_ticket(c, shard, names.v[i]);
	sd_strvec_clear(&names);
	sd_buf_release(&dir);
	return NULL;
}

/* Commands of the tracked config that will not run here. A warning, not a
 * problem: a CI clone nobody approves anything on must still pass. */
static void check_commands(struct check *c)
{
	const struct sd_config *cfg = sd_store_config(c->ctx->store);
	struct sd_trust *trust = NULL;
	sd_error *err = sd_trust_load(&trust, c->ctx->store);
	if (err) {
		problem(c, err->msg);
		sd_error_free(err);
		return;
	}
	for (int k = 0; k < SD_CMD_COUNT; k++) {
		enum sd_trust_state state;
		sd_trust_command(trust, cfg, k, &state);
		if (state != SD_TRUST_UNAPPROVED && state != SD_TRUST_CHANGED)
			continue;
		struct sd_buf msg = SD_BUF_INIT, line = SD_BUF_INIT;
		sd_buf_printf(&msg,
			      "%s:%zu: %s %s on this clone, so it does not run; read it with 'sd "
			      "trust', then run 'sd trust --approve %s'",
			      SD_CONFIG_PATH, cfg->commands[k].tracked_line, sd_command_keys[k],
			      state == SD_TRUST_CHANGED ? "changed since it was approved"
							: "is not approved",
			      sd_command_keys[k]);
		sd_put_text(&line, msg.data);
		fprintf(stderr, "sd: warning: %s\n", line.data);
		sd_buf_release(&msg);
		sd_buf_release(&line);
	}
	sd_trust_free(trust);
}

/* The team and routing: doubtful, not wrong, so warnings. */
static void check_team(struct check *c)
{
	struct sd_strvec warnings = SD_STRVEC_INIT;
	sd_team_check(sd_store_config(c->ctx->store), &warnings);
	for (size_t i = 0; i < warnings.n; i++) {
		struct sd_buf line = SD_BUF_INIT;
		sd_put_text(&line, warnings.v[i]);
		fprintf(stderr, "sd: warning: %s\n", line.data);
		sd_buf_release(&line);
	}
	sd_strvec_clear(&warnings);
}

/* Every file under kb/: an article that reads and validates, nothing
 * else (hand edits are checked here as tickets are). */
static void check_kb(struct check *c, const char *root)
{
	struct sd_buf dir = SD_BUF_INIT;
	sd_buf_printf(&dir, "%skb", root);
	DIR *d = opendir(dir.data);
	sd_buf_release(&dir);
	if (!d)
		return; /* no knowledge base yet */
	struct sd_strvec names = SD_STRVEC_INIT;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			sd_strvec_push(&names, de->d_name);
	closedir(d);
	sd_strvec_sort(&names);
	for (size_t i = 0; i < names.n; i++) {
		struct sd_buf rel = SD_BUF_INIT;
		sd_buf_printf(&rel, "kb/%s", names.v[i]);
		if (!strcmp(names.v[i], ".gitkeep")) {
			;
		} else if (!sd_path_is_article(rel.data)) {
			problem_at(c, rel.data,
				   "not an article file; articles are kb/SLUG.md, SLUG of a-z, 0-9 "
				   "and '-'");
		} else {
			struct sd_article a;
			sd_article_init(&a);
			rel.data[rel.len - 3] = '\0';
			sd_error *err = sd_kb_read(c->ctx->store, rel.data + 3, &a);
			if (err)
				problem(c, err->msg);
			sd_error_free(err);
			sd_article_free(&a);
		}
		sd_buf_release(&rel);
	}
	sd_strvec_clear(&names);
}

sd_error *cmd_check(struct sd_ctx *ctx, struct sd_args *args)
{
	struct check c = { ctx, 0, 0, NULL, 0 };
	const char *root = sd_store_root(ctx->store);
	struct sd_buf dir = SD_BUF_INIT;
	sd_error *err = NULL;
	if (args->pos.n)
		return sd_error_invalid("'sd check' takes no arguments");
	const sd_error *cfg = sd_store_config_error(ctx->store);
	if (cfg)
		problem(&c, cfg->msg);
	check_commands(&c);
	if (!cfg)
		check_team(&c);
	sd_buf_printf(&dir, "%stickets", root);
	struct stat st;
	if (lstat(dir.data, &st) < 0 || !S_ISDIR(st.st_mode)) {
		problem(&c, "tickets: missing or not a directory; 'sd init' creates it");
		goto summary;
	}
	/* A scan sweeps away the temporary files of a killed sd first, so
	 * they are not reported as strays. */
	struct sd_ticket_file *files = NULL;
	size_t nfiles = 0;
	sd_error_free(sd_store_scan(ctx->store, &files, &nfiles));
	free(files);
	DIR *d = opendir(dir.data);
	if (!d) {
		err = sd_error_errno(dir.data);
		goto done;
	}
	struct sd_strvec names = SD_STRVEC_INIT;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			sd_strvec_push(&names, de->d_name);
	closedir(d);
	sd_strvec_sort(&names);
	for (size_t i = 0; i < names.n && !err; i++) {
		const char *name = names.v[i];
		struct sd_buf path = SD_BUF_INIT, rel = SD_BUF_INIT;
		sd_buf_printf(&path, "%s/%s", dir.data, name);
		sd_buf_printf(&rel, "tickets/%s", name);
		int is_dir = lstat(path.data, &st) == 0 && S_ISDIR(st.st_mode);
		if (!strcmp(name, ".gitkeep"))
			;
		else if (is_dir && strlen(name) == 2 && strchr(SD_ID_ALPHABET, name[0]) &&
			 strchr(SD_ID_ALPHABET, name[1]))
			err = check_shard(&c, root, name);
		else
			problem_at(&c, rel.data,
				   "unexpected here; tickets live in tickets/XX/ID.md");
		sd_buf_release(&path);
		sd_buf_release(&rel);
	}
	sd_strvec_clear(&names);
	check_kb(&c, root);
	if (!err)
		check_links(&c);
summary:
	/* Like git fsck: the problems are the output, nothing else. */
	if (c.problems)
		ctx->exit_status = SD_EXIT_FOUND_NOTHING;
done:
	for (size_t i = 0; i < c.nlinks; i++) {
		free(c.links[i].id);
		free(c.links[i].type);
		free(c.links[i].problem);
		free(c.links[i].incidents);
	}
	free(c.links);
	sd_buf_release(&dir);
	return err;
}
