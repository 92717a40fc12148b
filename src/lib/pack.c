/* SPDX-License-Identifier: MIT */
/* One git pack of new objects, without deltas (see pack.h). */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "sd/buf.h"
#include "sd/pack.h"
#include "sd/sha1.h"
#include "sd/util.h"

struct packed_object {
	unsigned char oid[20];
	uint32_t crc;
	uint64_t offset;
};

struct sd_pack_writer {
	char *dir;
	struct sd_buf pack; /* header and objects; the trailer is added at the end */
	struct packed_object *objects;
	size_t n, alloc;
	z_stream z;
	int z_ready;
};

static const char *const type_names[] = { NULL, "commit", "tree", "blob" };

struct sd_pack_writer *sd_pack_new(const char *pack_dir)
{
	struct sd_pack_writer *w = sd_xcalloc(1, sizeof(*w));
	w->dir = sd_xstrdup(pack_dir);
	/* "PACK", version 2, and the count, filled in at the end. */
	sd_buf_add(&w->pack, "PACK\0\0\0\2\0\0\0\0", 12);
	return w;
}

void sd_pack_free(struct sd_pack_writer *w)
{
	if (!w)
		return;
	if (w->z_ready)
		deflateEnd(&w->z);
	sd_buf_release(&w->pack);
	free(w->objects);
	free(w->dir);
	free(w);
}

static void object_id(enum sd_pack_type type, const void *data, size_t len, unsigned char oid[20])
{
	sd_git_object_id(type_names[type], data, len, oid);
}

void sd_pack_add(struct sd_pack_writer *w, enum sd_pack_type type, const void *data, size_t len,
		 unsigned char oid[20])
{
	object_id(type, data, len, oid);
	for (size_t i = w->n; i-- > 0 && i + 64 >= w->n;)
		if (!memcmp(w->objects[i].oid, oid, 20))
			return; /* recent duplicates are common: the same text twice */
	if (w->n == w->alloc) {
		w->alloc = w->alloc ? w->alloc * 2 : 256;
		w->objects = sd_xrealloc(w->objects, w->alloc * sizeof(*w->objects));
	}
	struct packed_object *o = &w->objects[w->n++];
	memcpy(o->oid, oid, 20);
	o->offset = w->pack.len;

	/* The header: type and size, seven bits at a time after the first four. */
	unsigned char head[16];
	size_t h = 0, size = len;
	head[h] = (unsigned char)((type << 4) | (size & 15));
	size >>= 4;
	while (size) {
		head[h++] |= 0x80;
		head[h] = (unsigned char)(size & 0x7f);
		size >>= 7;
	}
	h++;
	sd_buf_add(&w->pack, head, h);

	if (!w->z_ready) {
		memset(&w->z, 0, sizeof(w->z));
		if (deflateInit(&w->z, Z_BEST_SPEED) != Z_OK)
			abort(); /* only out of memory */
		w->z_ready = 1;
	} else {
		deflateReset(&w->z);
	}
	uLong bound = deflateBound(&w->z, (uLong)len);
	sd_buf_grow(&w->pack, bound);
	w->z.next_in = (Bytef *)(uintptr_t)data;
	w->z.avail_in = (uInt)len;
	w->z.next_out = (Bytef *)w->pack.data + w->pack.len;
	w->z.avail_out = (uInt)bound;
	if (deflate(&w->z, Z_FINISH) != Z_STREAM_END)
		abort(); /* deflateBound guarantees the room */
	size_t packed = (size_t)bound - w->z.avail_out;
	w->pack.len += packed;
	w->pack.data[w->pack.len] = '\0';
	o->crc = (uint32_t)crc32(0, (const Bytef *)w->pack.data + o->offset,
				 (uInt)(w->pack.len - o->offset));
}

static void put32(struct sd_buf *b, uint32_t v)
{
	unsigned char be[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
				(unsigned char)(v >> 8), (unsigned char)v };
	sd_buf_add(b, be, 4);
}

static int cmp_objects(const void *a, const void *b)
{
	return memcmp(((const struct packed_object *)a)->oid,
		      ((const struct packed_object *)b)->oid, 20);
}

static sd_error *write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (fd < 0)
		return sd_error_errno(path);
	if (sd_write_all(fd, data, len) < 0) {
		sd_error *err = sd_error_errno(path);
		close(fd);
		unlink(path);
		return err;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		sd_error *err = sd_error_errno(path);
		unlink(path);
		return err;
	}
	return NULL;
}

sd_error *sd_pack_finish(struct sd_pack_writer *w)
{
	struct sd_buf idx = SD_BUF_INIT, tmp_pack = SD_BUF_INIT, tmp_idx = SD_BUF_INIT,
		      final_pack = SD_BUF_INIT, final_idx = SD_BUF_INIT;
	sd_error *err = NULL;
	unsigned char sum[20];
	if (!w->n) {
		sd_pack_free(w);
		return NULL;
	}
	if (w->pack.len >= ((uint64_t)1 << 31)) {
		sd_pack_free(w);
		return sd_error_invalid(
			"too much to commit at once (a pack over 2 GB); import in parts");
	}
	unsigned char *count = (unsigned char *)w->pack.data + 8;
	count[0] = (unsigned char)(w->n >> 24);
	count[1] = (unsigned char)(w->n >> 16);
	count[2] = (unsigned char)(w->n >> 8);
	count[3] = (unsigned char)w->n;
	sd_sha1(w->pack.data, w->pack.len, sum);
	sd_buf_add(&w->pack, sum, 20);

	qsort(w->objects, w->n, sizeof(*w->objects), cmp_objects);
	sd_buf_add(&idx, "\377tOc\0\0\0\2", 8);
	size_t k = 0;
	for (int byte = 0; byte < 256; byte++) {
		while (k < w->n && w->objects[k].oid[0] <= byte)
			k++;
		put32(&idx, (uint32_t)k);
	}
	for (size_t i = 0; i < w->n; i++)
		sd_buf_add(&idx, w->objects[i].oid, 20);
	for (size_t i = 0; i < w->n; i++)
		put32(&idx, w->objects[i].crc);
	for (size_t i = 0; i < w->n; i++)
		put32(&idx, (uint32_t)w->objects[i].offset);
	sd_buf_add(&idx, sum, 20);
	unsigned char idx_sum[20];
	sd_sha1(idx.data, idx.len, idx_sum);
	sd_buf_add(&idx, idx_sum, 20);

	char hex[41];
	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", sum[i]);
	sd_buf_printf(&tmp_pack, "%s/tmp_sd_%ld.pack", w->dir, (long)getpid());
	sd_buf_printf(&tmp_idx, "%s/tmp_sd_%ld.idx", w->dir, (long)getpid());
	sd_buf_printf(&final_pack, "%s/pack-%s.pack", w->dir, hex);
	sd_buf_printf(&final_idx, "%s/pack-%s.idx", w->dir, hex);
	unlink(tmp_pack.data);
	unlink(tmp_idx.data);
	/* The pack first, then its index: git sees a pack by its index. */
	if (!(err = write_file(tmp_pack.data, w->pack.data, w->pack.len)) &&
	    !(err = write_file(tmp_idx.data, idx.data, idx.len))) {
		if (rename(tmp_pack.data, final_pack.data) < 0)
			err = sd_error_errno(final_pack.data);
		else if (rename(tmp_idx.data, final_idx.data) < 0)
			err = sd_error_errno(final_idx.data);
	}
	if (err) {
		unlink(tmp_pack.data);
		unlink(tmp_idx.data);
	}
	sd_buf_release(&idx);
	sd_buf_release(&tmp_pack);
	sd_buf_release(&tmp_idx);
	sd_buf_release(&final_pack);
	sd_buf_release(&final_idx);
	sd_pack_free(w);
	return err;
}

/* ---- a commit of many tickets as one pack ---- */

struct tree_item {
	char *name;
	unsigned mode;
	unsigned char oid[20];
};

/* git orders a tree's entries by name, a subtree's name as if it ended
 * in '/'. */
static int cmp_items(const void *pa, const void *pb)
{
	const struct tree_item *a = pa, *b = pb;
	size_t la = strlen(a->name), lb = strlen(b->name), n = la < lb ? la : lb;
	int c = memcmp(a->name, b->name, n);
	if (c)
		return c;
	unsigned char ca = la > n ? (unsigned char)a->name[n] : (a->mode == 040000 ? '/' : 0);
	unsigned char cb = lb > n ? (unsigned char)b->name[n] : (b->mode == 040000 ? '/' : 0);
	return (int)ca - (int)cb;
}

struct tree_items {
	struct tree_item *v;
	size_t n, alloc;
};

static void items_set(struct tree_items *t, const char *name, unsigned mode,
		      const unsigned char oid[20])
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].name, name)) {
			t->v[i].mode = mode;
			memcpy(t->v[i].oid, oid, 20);
			return;
		}
	if (t->n == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 64;
		t->v = sd_xrealloc(t->v, t->alloc * sizeof(*t->v));
	}
	t->v[t->n].name = sd_xstrdup(name);
	t->v[t->n].mode = mode;
	memcpy(t->v[t->n].oid, oid, 20);
	t->n++;
}

static void items_free(struct tree_items *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* The entries of the subtree called name in tree (none when tree is NULL
 * or has no such subtree). */
static int items_load(struct tree_items *t, git_repository *repo, const git_tree *tree,
		      const char *name, git_tree **sub_out)
{
	*sub_out = NULL;
	if (!tree)
		return 0;
	const git_tree_entry *e = name ? git_tree_entry_byname(tree, name) : NULL;
	const git_tree *from = tree;
	if (name) {
		if (!e || git_tree_entry_type(e) != GIT_OBJECT_TREE)
			return 0;
		if (git_tree_lookup(sub_out, repo, git_tree_entry_id(e)) < 0)
			return -1;
		from = *sub_out;
	}
	size_t count = git_tree_entrycount(from);
	for (size_t i = 0; i < count; i++) {
		const git_tree_entry *x = git_tree_entry_byindex(from, i);
		items_set(t, git_tree_entry_name(x), (unsigned)git_tree_entry_filemode(x),
			  git_tree_entry_id(x)->id);
	}
	return 0;
}

static void items_write(struct tree_items *t, struct sd_pack_writer *w, unsigned char oid[20])
{
	struct sd_buf body = SD_BUF_INIT;
	qsort(t->v, t->n, sizeof(*t->v), cmp_items);
	for (size_t i = 0; i < t->n; i++) {
		sd_buf_printf(&body, "%o %s", t->v[i].mode, t->v[i].name);
		sd_buf_addch(&body, '\0');
		sd_buf_add(&body, t->v[i].oid, 20);
	}
	sd_pack_add(w, SD_PACK_TREE, body.data, body.len, oid);
	sd_buf_release(&body);
}

static int ticket_path_parts(const char *path, char shard[3], const char **file)
{
	/* "tickets/XX/<XX...>.md", nothing else */
	if (strncmp(path, "tickets/", 8) || !path[8] || !path[9] || path[10] != '/' ||
	    strncmp(path + 8, path + 11, 2) || strchr(path + 11, '/') || !path[11])
		return 0;
	memcpy(shard, path + 8, 2);
	shard[2] = '\0';
	*file = path + 11;
	return 1;
}

static int cmp_paths(const void *a, const void *b)
{
	return strcmp(**(const char *const *const *)a, **(const char *const *const *)b);
}

static void put_signature(struct sd_buf *out, const char *role, const git_signature *sig)
{
	int offset = sig->when.offset;
	char sign = sig->when.sign == '-' || offset < 0 ? '-' : '+';
	if (offset < 0)
		offset = -offset;
	sd_buf_printf(out, "%s %s <%s> %lld %c%02d%02d\n", role, sig->name, sig->email,
		      (long long)sig->when.time, sign, offset / 60, offset % 60);
}

static void oid_hex(char out[41], const unsigned char oid[20])
{
	for (int i = 0; i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x", oid[i]);
}

sd_error *sd_pack_commit(git_repository *repo, const git_commit *parent,
			 const struct sd_change *changes, size_t n, const git_signature *sig,
			 const char *message, git_oid *blob_ids, git_oid *commit_id,
			 int *unsupported)
{
	char shard[3];
	const char *file;
	*unsupported = 0;
	for (size_t i = 0; i < n; i++)
		if (!ticket_path_parts(changes[i].path, shard, &file)) {
			*unsupported = 1;
			return NULL;
		}
	git_tree *root = NULL, *tickets = NULL;
	struct sd_buf dir = SD_BUF_INIT, body = SD_BUF_INIT;
	struct tree_items root_items = { 0 }, ticket_items = { 0 };
	sd_error *err = NULL;
	if (parent && git_commit_tree(&root, parent) < 0)
		return sd_error_git("cannot read HEAD's tree");
	sd_buf_printf(&dir, "%sobjects/pack", git_repository_path(repo));
	struct sd_pack_writer *w = sd_pack_new(dir.data);
	sd_buf_release(&dir);

	/* The changes in path order, so each shard's are together. */
	const char **order = sd_xcalloc(n ? n : 1, sizeof(*order));
	const char ***byref = sd_xcalloc(n ? n : 1, sizeof(*byref));
	for (size_t i = 0; i < n; i++) {
		order[i] = changes[i].path;
		byref[i] = &order[i];
	}
	qsort(byref, n, sizeof(*byref), cmp_paths);

	if (items_load(&root_items, repo, root, NULL, &tickets) < 0 ||
	    items_load(&ticket_items, repo, root, "tickets", &tickets) < 0) {
		err = sd_error_git("cannot read HEAD's tree");
		goto done;
	}
	for (size_t k = 0; k < n;) {
		struct tree_items shard_items = { 0 };
		git_tree *base_shard = NULL;
		size_t i = (size_t)(byref[k] - order);
		ticket_path_parts(changes[i].path, shard, &file);
		if (items_load(&shard_items, repo, tickets, shard, &base_shard) < 0) {
			git_tree_free(base_shard);
			items_free(&shard_items);
			err = sd_error_git("cannot read HEAD's tree");
			goto done;
		}
		git_tree_free(base_shard);
		char this_shard[3];
		memcpy(this_shard, shard, 3);
		for (; k < n; k++) {
			i = (size_t)(byref[k] - order);
			ticket_path_parts(changes[i].path, shard, &file);
			if (strcmp(shard, this_shard))
				break;
			sd_pack_add(w, SD_PACK_BLOB, changes[i].content, changes[i].len,
				    blob_ids[i].id);
			items_set(&shard_items, file, 0100644, blob_ids[i].id);
		}
		unsigned char shard_oid[20];
		items_write(&shard_items, w, shard_oid);
		items_free(&shard_items);
		items_set(&ticket_items, this_shard, 040000, shard_oid);
	}
	unsigned char tickets_oid[20], root_oid[20];
	items_write(&ticket_items, w, tickets_oid);
	items_set(&root_items, "tickets", 040000, tickets_oid);
	items_write(&root_items, w, root_oid);

	char hex[41];
	oid_hex(hex, root_oid);
	sd_buf_printf(&body, "tree %s\n", hex);
	if (parent) {
		oid_hex(hex, git_commit_id(parent)->id);
		sd_buf_printf(&body, "parent %s\n", hex);
	}
	put_signature(&body, "author", sig);
	put_signature(&body, "committer", sig);
	sd_buf_printf(&body, "\n%s", message);
	sd_pack_add(w, SD_PACK_COMMIT, body.data, body.len, commit_id->id);
	err = sd_pack_finish(w);
	w = NULL;
done:
	sd_pack_free(w);
	sd_buf_release(&body);
	items_free(&root_items);
	items_free(&ticket_items);
	git_tree_free(tickets);
	git_tree_free(root);
	free(order);
	free(byref);
	return err;
}
