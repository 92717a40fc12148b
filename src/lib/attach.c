/* SPDX-License-Identifier: MIT */
/* Files attached to tickets (see attach.h). */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sd/attach.h"
#include "sd/path.h"
#include "sd/text.h"
#include "sd/util.h"

#define NAME_MAX_BYTES 120

void sd_attach_dir(struct sd_buf *out, const char *id)
{
	sd_buf_printf(out, "tickets/%.2s/%s/files", id, id);
}

/* The length of the UTF-8 sequence at s (len bytes left), or 0 when it
 * is not a valid one. */
static size_t utf8_len(const unsigned char *s, size_t len)
{
	size_t n = s[0] < 0x80		? 1
		: (s[0] & 0xe0) == 0xc0 ? 2
		: (s[0] & 0xf0) == 0xe0 ? 3
		: (s[0] & 0xf8) == 0xf0 ? 4
					: 0;
	if (!n || n > len)
		return 0;
	return sd_utf8_valid((const char *)s, n, NULL) ? n : 0;
}

/* Code points a file name must not carry: C1 controls, the bidirectional
 * overrides and isolates that make "gpj.exe" read as "exe.jpg", and the
 * byte-order mark. */
static int unwanted(const unsigned char *s, size_t n)
{
	if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0)
		return 1;
	if (n == 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] >= 0xaa && s[2] <= 0xae))
		return 1;
	if (n == 3 && s[0] == 0xe2 && s[1] == 0x81 && (s[2] >= 0xa6 && s[2] <= 0xa9))
		return 1;
	if (n == 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0x8e || s[2] == 0x8f))
		return 1;
	return n == 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf;
}

/* Cuts buf to at most max bytes at a character boundary, keeping the
 * extension (up to 16 bytes after the last '.') at the end. */
static void cut_name(struct sd_buf *buf, size_t max)
{
	if (buf->len <= max)
		return;
	const char *dot = strrchr(buf->data, '.');
	size_t ext = dot && buf->len - (size_t)(dot - buf->data) <= 16
		? buf->len - (size_t)(dot - buf->data)
		: 0;
	size_t keep = max - ext;
	while (keep && ((unsigned char)buf->data[keep] & 0xc0) == 0x80)
		keep--;
	memmove(buf->data + keep, buf->data + buf->len - ext, ext);
	sd_buf_setlen(buf, keep + ext);
}

void sd_attach_sanitize(struct sd_buf *out, const char *name)
{
	struct sd_buf b = SD_BUF_INIT;
	/* The last component, whichever separator the sender's system used. */
	const char *base = name;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	const unsigned char *p = (const unsigned char *)base;
	size_t left = strlen(base);
	while (left) {
		size_t n = utf8_len(p, left);
		if (!n) {
			sd_buf_addch(&b, '_');
			p++, left--;
			continue;
		}
		if ((n == 1 && (*p < 0x20 || *p == 0x7f || strchr(":*?\"<>|", *p))) ||
		    unwanted(p, n))
			sd_buf_addch(&b, '_');
		else
			sd_buf_add(&b, p, n);
		p += n, left -= n;
	}
	/* No hidden file, nothing Windows trims away. */
	size_t lead = 0;
	while (lead < b.len && (b.data[lead] == '.' || b.data[lead] == ' '))
		lead++;
	memmove(b.data, b.data + lead, b.len - lead);
	sd_buf_setlen(&b, b.len - lead);
	while (b.len && (b.data[b.len - 1] == '.' || b.data[b.len - 1] == ' '))
		sd_buf_setlen(&b, b.len - 1);
	cut_name(&b, NAME_MAX_BYTES);
	if (!b.len || sd_path_component_problem(b.data, b.len)) {
		/* ".git", "git~1" and their kin: kept readable, made harmless. */
		struct sd_buf safe = SD_BUF_INIT;
		sd_buf_printf(&safe, "file-%s", b.data);
		if (!b.len || sd_path_component_problem(safe.data, safe.len)) {
			sd_buf_reset(&safe);
			sd_buf_adds(&safe, "attachment");
		}
		sd_buf_release(&b);
		b = safe;
	}
	sd_buf_add(out, b.data, b.len);
	sd_buf_release(&b);
}

/* Whether name is taken, without regard to ASCII case: a clone on a
 * file system that ignores case must not see two files as one. */
static int taken(const struct sd_strvec *names, const char *name)
{
	for (size_t i = 0; i < names->n; i++)
		if (sd_strcaseeq(names->v[i], name))
			return 1;
	return 0;
}

/* name, or name-2.ext, name-3.ext, ... whichever is free. */
static void unique_name(struct sd_buf *out, const char *name, const struct sd_strvec *names)
{
	sd_buf_adds(out, name);
	const char *dot = strrchr(name, '.');
	size_t stem = dot && dot != name ? (size_t)(dot - name) : strlen(name);
	for (unsigned k = 2; taken(names, out->data); k++) {
		sd_buf_reset(out);
		sd_buf_add(out, name, stem);
		sd_buf_printf(out, "-%u%s", k, name + stem);
	}
}

static void existing_names(struct sd_store *store, const char *id, struct sd_strvec *out)
{
	struct sd_attach_entry *list = NULL;
	size_t n = 0;
	sd_error *err = sd_attach_list(store, id, &list, &n);
	sd_error_free(err); /* none readable: nothing to avoid */
	for (size_t i = 0; i < n; i++)
		sd_strvec_push(out, list[i].name);
	sd_attach_list_free(list, n);
}

sd_error *sd_attach_plan(struct sd_attach_plan *out, struct sd_store *store, const char *id,
			 const struct sd_attach_file *files, size_t n,
			 const struct sd_attach_limits *limits, const char *what_file,
			 const char *what_total)
{
	struct sd_strvec names = SD_STRVEC_INIT;
	struct sd_buf dir = SD_BUF_INIT;
	int64_t total = 0;
	size_t counted = 0;
	memset(out, 0, sizeof(*out));
	out->items = sd_xcalloc(n ? n : 1, sizeof(*out->items));
	existing_names(store, id, &names);
	sd_attach_dir(&dir, id);
	for (size_t i = 0; i < n; i++) {
		struct sd_attach_item *it = &out->items[out->n++];
		struct sd_buf shown = SD_BUF_INIT, clean = SD_BUF_INIT, name = SD_BUF_INIT,
			      why = SD_BUF_INIT;
		const char *given = files[i].name ? files[i].name : "";
		sd_text_inert(&shown, given, strlen(given), 0);
		cut_name(&shown, 200);
		it->given = sd_buf_detach(&shown);
		it->len = files[i].len;
		int64_t own = files[i].own_limit;
		if (own) {
			if ((int64_t)files[i].len > own)
				sd_buf_printf(&why, "%zu bytes, over %s (%lld)", files[i].len,
					      what_total, (long long)own);
		} else if (limits->max_files && counted >= limits->max_files)
			sd_buf_printf(&why, "more than %zu files", limits->max_files);
		else if ((int64_t)files[i].len > limits->max_file)
			sd_buf_printf(&why, "%zu bytes, over %s (%lld)", files[i].len, what_file,
				      (long long)limits->max_file);
		else if (total + (int64_t)files[i].len > limits->max_total)
			sd_buf_printf(&why, "%zu bytes, past %s (%lld) with the files before it",
				      files[i].len, what_total, (long long)limits->max_total);
		if (why.len) {
			it->dropped = sd_buf_detach(&why);
			out->ndropped++;
			continue;
		}
		if (!own) {
			total += (int64_t)files[i].len;
			counted++;
		}
		sd_attach_sanitize(&clean, *given ? given : "attachment");
		unique_name(&name, clean.data, &names);
		sd_strvec_push(&names, name.data);
		struct sd_buf path = SD_BUF_INIT;
		sd_buf_printf(&path, "%s/%s", dir.data, name.data);
		if (!sd_path_is_attachment(path.data)) {
			/* Sanitising makes this impossible; refuse rather than write. */
			sd_error *err = sd_path_refused(path.data, "not a plain attachment name");
			sd_buf_release(&path);
			sd_buf_release(&clean);
			sd_buf_release(&name);
			sd_strvec_clear(&names);
			sd_buf_release(&dir);
			return err;
		}
		it->path = sd_buf_detach(&path);
		it->stored = sd_buf_detach(&name);
		it->data = sd_xmalloc(files[i].len ? files[i].len : 1);
		if (files[i].len)
			memcpy(it->data, files[i].data, files[i].len);
		out->nstored++;
		sd_buf_release(&clean);
	}
	sd_strvec_clear(&names);
	sd_buf_release(&dir);
	return NULL;
}

void sd_attach_plan_release(struct sd_attach_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		free(plan->items[i].given);
		free(plan->items[i].stored);
		free(plan->items[i].path);
		free(plan->items[i].dropped);
		free(plan->items[i].data);
	}
	free(plan->items);
	memset(plan, 0, sizeof(*plan));
}

sd_error *sd_attach_commit(struct sd_store *store, const struct sd_ticket *t,
			   const struct sd_attach_plan *plan, const char *verb)
{
	struct sd_buf content = SD_BUF_INIT, path = SD_BUF_INIT, msg = SD_BUF_INIT;
	char short_id[SD_ID_LEN + 1];
	const char *id = sd_ticket_get(t, SD_F_ID);
	size_t n = 1 + (plan ? plan->nstored : 0);
	sd_error *err = sd_store_short_id_for(store, short_id, id);
	if (err)
		return err;
	struct sd_change *changes = sd_xcalloc(n, sizeof(*changes));
	sd_ticket_write(t, &content);
	sd_ticket_path(&path, id);
	const char *title = sd_ticket_get(t, SD_F_TITLE);
	sd_buf_printf(&msg, "sd: %s %s \"", verb, short_id);
	sd_text_inert(&msg, title, strlen(title), 0);
	sd_buf_adds(&msg, "\"\n");
	changes[0] = (struct sd_change){ path.data, content.data, content.len };
	for (size_t i = 0, k = 1; plan && i < plan->n; i++)
		if (plan->items[i].stored)
			changes[k++] = (struct sd_change){ plan->items[i].path, plan->items[i].data,
							   plan->items[i].len };
	err = sd_store_commit(store, changes, n, msg.data);
	free(changes);
	sd_buf_release(&content);
	sd_buf_release(&path);
	sd_buf_release(&msg);
	return err;
}

sd_error *sd_attach_record(struct sd_ticket *t, const struct sd_attach_plan *plan,
			   const char *author, sd_stamp at, int record_stored,
			   const struct sd_entry_mail *mail)
{
	size_t dropped = 0;
	for (size_t i = 0; i < plan->n; i++) {
		const struct sd_attach_item *it = &plan->items[i];
		char id[SD_ENTRY_ID_LEN + 1];
		if (it->stored && !record_stored)
			continue;
		if (!it->stored && (!mail || ++dropped > SD_ATTACH_MAX_DROPS_RECORDED))
			continue; /* a message of 10,000 parts must not make 10,000 events */
		struct sd_buf reason = SD_BUF_INIT;
		if (!it->stored)
			sd_buf_printf(&reason, "not stored: %s", it->dropped);
		sd_error *err = sd_id_generate(id, SD_ENTRY_ID_LEN);
		if (!err) {
			sd_ticket_add_event_with_id(t, id, author, at, "file",
						    it->stored ? "" : it->given,
						    it->stored ? it->stored : "", reason.data);
			struct sd_entry *e = sd_ticket_entry(t, id);
			if (e && mail)
				sd_entry_set_mail(e, mail);
		}
		sd_buf_release(&reason);
		if (err)
			return err;
	}
	return NULL;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct sd_attach_entry *)a)->name,
		      ((const struct sd_attach_entry *)b)->name);
}

sd_error *sd_attach_list(struct sd_store *store, const char *id, struct sd_attach_entry **out,
			 size_t *n)
{
	struct sd_buf dir = SD_BUF_INIT;
	size_t alloc = 0;
	*out = NULL;
	*n = 0;
	sd_buf_adds(&dir, sd_store_root(store));
	sd_attach_dir(&dir, id);
	DIR *d = opendir(dir.data);
	if (!d) {
		sd_error *err =
			errno == ENOENT || errno == ENOTDIR ? NULL : sd_error_errno(dir.data);
		sd_buf_release(&dir);
		return err;
	}
	for (struct dirent *de; (de = readdir(d));) {
		struct sd_buf path = SD_BUF_INIT;
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		sd_buf_printf(&path, "%s/%s", dir.data, de->d_name);
		/* Only regular files: what a pull could put there is checked
		 * by the path rules, and nothing else is listed. */
		if (!lstat(path.data, &st) && S_ISREG(st.st_mode)) {
			if (*n == alloc) {
				alloc = alloc ? 2 * alloc : 8;
				*out = sd_xrealloc(*out, alloc * sizeof(**out));
			}
			(*out)[*n].name = sd_xstrdup(de->d_name);
			(*out)[*n].size = (uint64_t)st.st_size;
			(*n)++;
		}
		sd_buf_release(&path);
	}
	closedir(d);
	if (*n)
		qsort(*out, *n, sizeof(**out), by_name);
	sd_buf_release(&dir);
	return NULL;
}

void sd_attach_list_free(struct sd_attach_entry *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i].name);
	free(list);
}
