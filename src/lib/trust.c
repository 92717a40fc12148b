/* SPDX-License-Identifier: MIT */
/* Approvals of commands from the tracked config: .git/sd/trusted. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sd/trust.h"

#define TRUSTED_NAME "trusted"

const char *const sd_trust_states[] = { "unset", "local", "approved", "not approved", "changed" };

struct sd_trust {
	struct sd_store *store;
	struct sd_strvec lines; /* the file's lines, without newlines */
};

/* "KEY\targ\targ": the record that approves argv for key. */
static void record(struct sd_buf *out, const char *key, const struct sd_strvec *argv)
{
	sd_buf_adds(out, key);
	for (size_t i = 0; i < argv->n; i++) {
		sd_buf_addch(out, '\t');
		for (const unsigned char *p = (const unsigned char *)argv->v[i]; *p; p++) {
			if (*p == '\\')
				sd_buf_adds(out, "\\\\");
			else if (*p == '\t')
				sd_buf_adds(out, "\\t");
			else if (*p == '\n')
				sd_buf_adds(out, "\\n");
			else if (*p < 0x20 || *p == 0x7f)
				sd_buf_printf(out, "\\x%02x", *p);
			else
				sd_buf_addch(out, (char)*p);
		}
	}
}

/* Whether line is a record for key (any argv). */
static int is_for(const char *line, const char *key)
{
	size_t n = strlen(key);
	return !strncmp(line, key, n) && (line[n] == '\t' || !line[n]);
}

static void path_of(struct sd_trust *t, struct sd_buf *out)
{
	sd_store_private_path(t->store, TRUSTED_NAME, out);
}

static sd_error *read_lines(struct sd_trust *t)
{
	struct sd_buf path = SD_BUF_INIT, text = SD_BUF_INIT;
	sd_error *err = NULL;
	sd_strvec_clear(&t->lines);
	path_of(t, &path);
	if (access(path.data, F_OK) == 0 && !(err = sd_buf_read_file(&text, path.data, 1u << 20))) {
		char *p = text.data, *end = text.data + text.len;
		while (p < end) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			if (n)
				sd_strvec_push_owned(&t->lines, sd_xstrndup(p, n));
			p += n + 1;
		}
	}
	sd_buf_release(&path);
	sd_buf_release(&text);
	return err;
}

sd_error *sd_trust_load(struct sd_trust **out, struct sd_store *store)
{
	struct sd_trust *t = sd_xcalloc(1, sizeof(*t));
	t->store = store;
	sd_error *err = read_lines(t);
	if (err) {
		sd_trust_free(t);
		t = NULL;
	}
	*out = t;
	return err;
}

void sd_trust_free(struct sd_trust *t)
{
	if (!t)
		return;
	sd_strvec_clear(&t->lines);
	free(t);
}

const struct sd_strvec *sd_trust_command(const struct sd_trust *t, const struct sd_config *cfg,
					 int key, enum sd_trust_state *state)
{
	const struct sd_config_command *c = &cfg->commands[key];
	if (c->has_local) {
		*state = c->local.n ? SD_TRUST_LOCAL : SD_TRUST_UNSET;
		return c->local.n ? &c->local : NULL;
	}
	if (!c->tracked.n) {
		*state = SD_TRUST_UNSET;
		return NULL;
	}
	struct sd_buf want = SD_BUF_INIT;
	record(&want, sd_command_keys[key], &c->tracked);
	*state = SD_TRUST_UNAPPROVED;
	for (size_t i = 0; i < t->lines.n; i++) {
		if (!strcmp(t->lines.v[i], want.data)) {
			*state = SD_TRUST_APPROVED;
			break;
		}
		if (is_for(t->lines.v[i], sd_command_keys[key]))
			*state = SD_TRUST_CHANGED;
	}
	sd_buf_release(&want);
	return *state == SD_TRUST_APPROVED ? &c->tracked : NULL;
}

/* Replaces the file with t->lines: a temporary file, synced, renamed. */
static sd_error *write_lines(struct sd_trust *t)
{
	struct sd_buf path = SD_BUF_INIT, tmp = SD_BUF_INIT, text = SD_BUF_INIT;
	sd_error *err = NULL;
	path_of(t, &path);
	sd_buf_printf(&tmp, "%s.tmp-%ld", path.data, (long)getpid());
	sd_buf_adds(&text,
		    "# Commands of .sd/config.yaml approved on this clone: see sd-trust(1).\n");
	for (size_t i = 0; i < t->lines.n; i++)
		if (t->lines.v[i][0] != '#')
			sd_buf_printf(&text, "%s\n", t->lines.v[i]);
	unlink(tmp.data); /* left by a killed sd of the same pid */
	int fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || sd_write_all(fd, text.data, text.len) < 0 || fsync(fd) < 0) {
		err = sd_error_errno(tmp.data);
		if (fd >= 0)
			close(fd);
		unlink(tmp.data);
		goto done;
	}
	if (close(fd) < 0 || rename(tmp.data, path.data) < 0) {
		err = sd_error_errno(path.data);
		unlink(tmp.data);
	}
done:
	sd_buf_release(&path);
	sd_buf_release(&tmp);
	sd_buf_release(&text);
	return err;
}

/* Drops the records for key; returns how many there were. */
static size_t drop(struct sd_trust *t, const char *key)
{
	size_t kept = 0, dropped = 0;
	for (size_t i = 0; i < t->lines.n; i++) {
		if (is_for(t->lines.v[i], key)) {
			free(t->lines.v[i]);
			dropped++;
		} else {
			t->lines.v[kept++] = t->lines.v[i];
		}
	}
	t->lines.n = kept;
	if (t->lines.v)
		t->lines.v[kept] = NULL;
	return dropped;
}

/* Reads the file again under the store lock, changes it, writes it. */
static sd_error *update(struct sd_trust *t, const char *key, const char *add, int *had)
{
	sd_error *err = sd_store_lock(t->store);
	if (err)
		return err;
	if (!(err = read_lines(t))) {
		*had = drop(t, key) > 0;
		if (add)
			sd_strvec_push(&t->lines, add);
		if (add || *had)
			err = write_lines(t);
	}
	sd_store_unlock(t->store);
	return err;
}

sd_error *sd_trust_approve(struct sd_trust *t, const struct sd_config *cfg, int key)
{
	const struct sd_config_command *c = &cfg->commands[key];
	if (!c->tracked.n)
		return sd_error_invalid("%s is not set in " SD_CONFIG_PATH "; nothing to approve",
					sd_command_keys[key]);
	struct sd_buf line = SD_BUF_INIT;
	int had;
	record(&line, sd_command_keys[key], &c->tracked);
	sd_error *err = update(t, sd_command_keys[key], line.data, &had);
	sd_buf_release(&line);
	return err;
}

sd_error *sd_trust_revoke(struct sd_trust *t, int key)
{
	int had = 0;
	sd_error *err = update(t, sd_command_keys[key], NULL, &had);
	if (!err && !had)
		err = sd_error_invalid("%s is not approved on this clone; nothing to revoke",
				       sd_command_keys[key]);
	return err;
}

void sd_trust_show_argv(struct sd_buf *out, const struct sd_strvec *argv)
{
	sd_buf_addch(out, '[');
	for (size_t i = 0; i < argv->n; i++) {
		sd_buf_adds(out, i ? ", \"" : "\"");
		for (const unsigned char *p = (const unsigned char *)argv->v[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				sd_buf_printf(out, "\\%c", *p);
			else if (*p >= 0x20 && *p < 0x7f)
				sd_buf_addch(out, (char)*p);
			else
				sd_buf_printf(out, "\\x%02x", *p);
		}
		sd_buf_addch(out, '"');
	}
	sd_buf_addch(out, ']');
}
