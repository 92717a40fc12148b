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
	/* Every object once: index + 1 into objects by id, open addressing.
	 * A pack naming an object twice is one git fsck complains about. */
	size_t *set, set_cap;
	unsigned long serial; /* tells this writer from a later one (trees) */
	/* Two compressors: resetting one clears its hash table, 64 KB for
	 * zlib's defaults, which cost more than deflating a small object
	 * (a delta, a ticket): those go to one with a small table. */
	z_stream z, zsmall;
	int z_ready, zsmall_ready;
};

/* Objects smaller than this use the small compressor, whose window
 * (4 KB) still sees all of them. */
#define SMALL_OBJECT 4096

static unsigned long writer_serial;

static const char *const type_names[] = { NULL, "commit", "tree", "blob" };

struct sd_pack_writer *sd_pack_new(const char *pack_dir)
{
	struct sd_pack_writer *w = sd_xcalloc(1, sizeof(*w));
	w->dir = sd_xstrdup(pack_dir);
	w->serial = ++writer_serial;
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
	if (w->zsmall_ready)
		deflateEnd(&w->zsmall);
	sd_buf_release(&w->pack);
	free(w->objects);
	free(w->set);
	free(w->dir);
	free(w);
}

static void object_id(enum sd_pack_type type, const void *data, size_t len, unsigned char oid[20])
{
	sd_git_object_id(type_names[type], data, len, oid);
}

static size_t set_slot(const struct sd_pack_writer *w, const unsigned char oid[20])
{
	uint64_t h;
	memcpy(&h, oid, sizeof(h));
	size_t i = (size_t)h & (w->set_cap - 1);
	while (w->set[i] && memcmp(w->objects[w->set[i] - 1].oid, oid, 20))
		i = (i + 1) & (w->set_cap - 1);
	return i;
}

/* The index in objects of the object called oid, or SIZE_MAX. */
static size_t find_object(const struct sd_pack_writer *w, const unsigned char oid[20])
{
	if (!w->set_cap)
		return SIZE_MAX;
	size_t i = set_slot(w, oid);
	return w->set[i] ? w->set[i] - 1 : SIZE_MAX;
}

static void remember_object(struct sd_pack_writer *w, size_t index)
{
	if (2 * (w->n + 1) > w->set_cap) {
		size_t cap = w->set_cap ? w->set_cap * 2 : 1024;
		free(w->set);
		w->set = sd_xcalloc(cap, sizeof(*w->set));
		w->set_cap = cap;
		for (size_t i = 0; i < w->n; i++)
			if (i != index)
				w->set[set_slot(w, w->objects[i].oid)] = i + 1;
	}
	w->set[set_slot(w, w->objects[index].oid)] = index + 1;
}

/* Appends deflated data to the pack. */
static void put_deflated(struct sd_pack_writer *w, const void *data, size_t len)
{
	int small = len < SMALL_OBJECT;
	z_stream *z = small ? &w->zsmall : &w->z;
	int *ready = small ? &w->zsmall_ready : &w->z_ready;
	if (!*ready) {
		memset(z, 0, sizeof(*z));
		if (deflateInit2(z, Z_BEST_SPEED, Z_DEFLATED, small ? 12 : 15, small ? 2 : 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			abort(); /* only out of memory */
		*ready = 1;
	} else {
		deflateReset(z);
	}
	uLong bound = deflateBound(z, (uLong)len);
	sd_buf_grow(&w->pack, bound);
	z->next_in = (Bytef *)(uintptr_t)data;
	z->avail_in = (uInt)len;
	z->next_out = (Bytef *)w->pack.data + w->pack.len;
	z->avail_out = (uInt)bound;
	if (deflate(z, Z_FINISH) != Z_STREAM_END)
		abort(); /* deflateBound guarantees the room */
	size_t packed = (size_t)bound - z->avail_out;
	w->pack.len += packed;
	w->pack.data[w->pack.len] = '\0';
}

/* The header of an object: type and size, seven bits at a time after the
 * first four. */
static void put_header(struct sd_pack_writer *w, unsigned type, size_t size)
{
	unsigned char head[16];
	size_t h = 0;
	head[h] = (unsigned char)((type << 4) | (size & 15));
	size >>= 4;
	while (size) {
		head[h++] |= 0x80;
		head[h] = (unsigned char)(size & 0x7f);
		size >>= 7;
	}
	sd_buf_add(&w->pack, head, h + 1);
}

/* Starts the entry of a new object called oid: its index in objects. */
static size_t new_object(struct sd_pack_writer *w, const unsigned char oid[20])
{
	if (w->n == w->alloc) {
		w->alloc = w->alloc ? w->alloc * 2 : 256;
		w->objects = sd_xrealloc(w->objects, w->alloc * sizeof(*w->objects));
	}
	struct packed_object *o = &w->objects[w->n];
	memcpy(o->oid, oid, 20);
	o->offset = w->pack.len;
	remember_object(w, w->n);
	return w->n++;
}

static void end_object(struct sd_pack_writer *w, size_t index)
{
	struct packed_object *o = &w->objects[index];
	o->crc = (uint32_t)crc32(0, (const Bytef *)w->pack.data + o->offset,
				 (uInt)(w->pack.len - o->offset));
}

void sd_pack_add(struct sd_pack_writer *w, enum sd_pack_type type, const void *data, size_t len,
		 unsigned char oid[20])
{
	object_id(type, data, len, oid);
	if (find_object(w, oid) != SIZE_MAX)
		return; /* the same text twice */
	size_t index = new_object(w, oid);
	put_header(w, type, len);
	put_deflated(w, data, len);
	end_object(w, index);
}

static void put_varint(struct sd_buf *b, size_t v)
{
	do {
		unsigned char c = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			c |= 0x80;
		sd_buf_addch(b, (char)c);
	} while (v);
}

/* A delta instruction copying size bytes of the base from offset. */
static void put_copy(struct sd_buf *d, size_t offset, size_t size)
{
	while (size) {
		size_t n = size > 0xffff ? 0xffff : size;
		unsigned char op = 0x80, arg[7];
		size_t k = 0;
		for (int i = 0; i < 4; i++)
			if ((offset >> (8 * i)) & 0xff) {
				op |= (unsigned char)(1 << i);
				arg[k++] = (unsigned char)(offset >> (8 * i));
			}
		for (int i = 0; i < 2; i++)
			if ((n >> (8 * i)) & 0xff) {
				op |= (unsigned char)(0x10 << i);
				arg[k++] = (unsigned char)(n >> (8 * i));
			}
		sd_buf_addch(d, (char)op);
		sd_buf_add(d, arg, k);
		offset += n;
		size -= n;
	}
}

/* Adds a tree (or any object) as a delta against base, an object of this
 * pack at index base_index with content base_data: what changed between
 * two versions of one tree is an entry or two, so the delta is the new
 * bytes between the common start and end (gitformat-pack.txt,
 * "Deltified representation"). */
static void add_delta(struct sd_pack_writer *w, enum sd_pack_type type, const void *data,
		      size_t len, const void *base_data, size_t base_len, size_t base_index,
		      unsigned char oid[20])
{
	object_id(type, data, len, oid);
	if (find_object(w, oid) != SIZE_MAX)
		return;
	const unsigned char *a = base_data, *b = data;
	size_t min = len < base_len ? len : base_len, pre = 0, suf = 0;
	while (pre < min && a[pre] == b[pre])
		pre++;
	while (suf < min - pre && a[base_len - 1 - suf] == b[len - 1 - suf])
		suf++;
	struct sd_buf d = SD_BUF_INIT;
	put_varint(&d, base_len);
	put_varint(&d, len);
	put_copy(&d, 0, pre);
	for (size_t at = pre; at < len - suf;) {
		size_t n = len - suf - at > 127 ? 127 : len - suf - at;
		sd_buf_addch(&d, (char)n);
		sd_buf_add(&d, b + at, n);
		at += n;
	}
	put_copy(&d, base_len - suf, suf);
	uint64_t base_offset = w->objects[base_index].offset;
	size_t index = new_object(w, oid);
	put_header(w, 6, d.len); /* OBJ_OFS_DELTA */
	/* The distance back to the base, in git's own variable-length form. */
	uint64_t ofs = w->objects[index].offset - base_offset;
	unsigned char enc[16];
	size_t pos = sizeof(enc) - 1;
	enc[pos] = (unsigned char)(ofs & 127);
	while (ofs >>= 7)
		enc[--pos] = (unsigned char)(128 | (--ofs & 127));
	sd_buf_add(&w->pack, enc + pos, sizeof(enc) - pos);
	put_deflated(w, d.data, d.len);
	end_object(w, index);
	sd_buf_release(&d);
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

/* ---- a tree changed commit after commit (a run of commits) ---- */

/* Trees at least this large are written as a delta against their last
 * version, at most this many deltas deep (git's own default depth). */
#define DELTA_MIN_BYTES 512
#define DELTA_MAX_DEPTH 50

struct tnode {
	char *name;
	unsigned mode; /* 040000: a tree */
	/* "MODE NAME\0" as the parent's tree names it, made when first
	 * written: a large tree is written once per commit. */
	char *entry;
	size_t entry_len;
	unsigned char oid[20];
	int loaded; /* a tree's entries are in kids */
	int dirty;  /* changed since it was last written */
	struct tnode *kids;
	size_t nkids, alloc;
	/* Its last version, when written to the pack writer of this serial:
	 * the base of the next version's delta. */
	struct sd_buf body;
	unsigned long serial;
	size_t index; /* in that writer's objects */
	int depth;
};

struct sd_pack_tree {
	git_repository *repo;
	struct tnode root;
};

static void tnode_free(struct tnode *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		tnode_free(&n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n->entry);
	sd_buf_release(&n->body);
}

static int tnode_cmp(const char *a, int a_dir, const char *b, int b_dir)
{
	size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;
	int c = memcmp(a, b, n);
	if (c)
		return c;
	unsigned char ca = la > n ? (unsigned char)a[n] : (a_dir ? '/' : 0);
	unsigned char cb = lb > n ? (unsigned char)b[n] : (b_dir ? '/' : 0);
	return (int)ca - (int)cb;
}

/* Where an entry name (a tree when dir) is, or would go, in n's kids. */
static size_t tnode_pos(const struct tnode *n, const char *name, int dir, int *found)
{
	size_t lo = 0, hi = n->nkids;
	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct tnode *k = &n->kids[mid];
		int c = tnode_cmp(k->name, k->mode == 040000, name, dir);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct tnode *tnode_insert(struct tnode *n, size_t at, const char *name, size_t len,
				  unsigned mode)
{
	if (n->nkids == n->alloc) {
		n->alloc = n->alloc ? n->alloc * 2 : 8;
		n->kids = sd_xrealloc(n->kids, n->alloc * sizeof(*n->kids));
	}
	memmove(&n->kids[at + 1], &n->kids[at], (n->nkids - at) * sizeof(*n->kids));
	n->nkids++;
	struct tnode *k = &n->kids[at];
	memset(k, 0, sizeof(*k));
	k->name = sd_xstrndup(name, len);
	k->mode = mode;
	sd_buf_init(&k->body);
	return k;
}

/* Reads a tree's entries from the repository, once. */
static sd_error *tnode_load(struct sd_pack_tree *t, struct tnode *n)
{
	git_tree *tree = NULL;
	git_oid id;
	if (n->loaded)
		return NULL;
	n->loaded = 1;
	memcpy(id.id, n->oid, 20);
	if (git_tree_lookup(&tree, t->repo, &id) < 0)
		return sd_error_git("cannot read a tree of HEAD");
	size_t count = git_tree_entrycount(tree);
	n->kids = sd_xcalloc(count ? count : 1, sizeof(*n->kids));
	n->alloc = count ? count : 1;
	for (size_t i = 0; i < count; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		struct tnode *k = &n->kids[n->nkids++];
		k->name = sd_xstrdup(git_tree_entry_name(e));
		k->mode = (unsigned)git_tree_entry_filemode(e);
		memcpy(k->oid, git_tree_entry_id(e)->id, 20);
		sd_buf_init(&k->body);
	}
	git_tree_free(tree);
	return NULL;
}

struct sd_pack_tree *sd_pack_tree_new(git_repository *repo, const git_oid *base)
{
	struct sd_pack_tree *t = sd_xcalloc(1, sizeof(*t));
	t->repo = repo;
	t->root.mode = 040000;
	sd_buf_init(&t->root.body);
	if (base)
		memcpy(t->root.oid, base->id, 20);
	else
		t->root.loaded = t->root.dirty = 1; /* the empty tree */
	return t;
}

void sd_pack_tree_free(struct sd_pack_tree *t)
{
	if (!t)
		return;
	tnode_free(&t->root);
	free(t);
}

sd_error *sd_pack_tree_set(struct sd_pack_tree *t, const char *path, const git_oid *blob)
{
	struct tnode *n = &t->root;
	sd_error *err;
	for (const char *p = path;;) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		char *name = sd_xstrndup(p, len);
		int found, other;
		if ((err = tnode_load(t, n))) {
			free(name);
			return err;
		}
		n->dirty = 1;
		size_t at = tnode_pos(n, name, slash != NULL, &found);
		tnode_pos(n, name, slash == NULL, &other);
		free(name);
		if (other)
			return sd_error_invalid("cannot commit %s: %.*s is a %s in HEAD", path,
						(int)(p + len - path), path,
						slash ? "file" : "directory");
		struct tnode *k = found ? &n->kids[at] : tnode_insert(n, at, p, len, 0);
		if (!slash) {
			if (k->mode != 0100644) {
				free(k->entry);
				k->entry = NULL;
			}
			k->mode = 0100644;
			memcpy(k->oid, blob->id, 20);
			return NULL;
		}
		if (!found) {
			k->mode = 040000;
			k->loaded = 1;
		}
		n = k;
		p = slash + 1;
	}
}

static void tnode_write(struct tnode *n, struct sd_pack_writer *w)
{
	struct sd_buf body = SD_BUF_INIT;
	sd_buf_grow(&body, n->body.len + 64);
	for (size_t i = 0; i < n->nkids; i++) {
		struct tnode *k = &n->kids[i];
		if (k->mode == 040000 && k->dirty)
			tnode_write(k, w);
		if (!k->entry) {
			struct sd_buf e = SD_BUF_INIT;
			sd_buf_printf(&e, "%o %s", k->mode, k->name);
			k->entry_len = e.len + 1;
			k->entry = sd_buf_detach(&e);
		}
		sd_buf_add(&body, k->entry, k->entry_len);
		sd_buf_add(&body, k->oid, 20);
	}
	if (body.len >= DELTA_MIN_BYTES && n->serial == w->serial && n->depth < DELTA_MAX_DEPTH) {
		add_delta(w, SD_PACK_TREE, body.data, body.len, n->body.data, n->body.len, n->index,
			  n->oid);
		n->depth++;
	} else {
		sd_pack_add(w, SD_PACK_TREE, body.data, body.len, n->oid);
		n->depth = 0;
	}
	n->dirty = 0;
	sd_buf_release(&n->body);
	if (body.len >= DELTA_MIN_BYTES) {
		/* The base of the next version. */
		n->body = body;
		n->serial = w->serial;
		n->index = find_object(w, n->oid);
	} else {
		sd_buf_release(&body);
		n->serial = 0;
	}
}

void sd_pack_tree_write(struct sd_pack_tree *t, struct sd_pack_writer *w, git_oid *root)
{
	if (t->root.dirty)
		tnode_write(&t->root, w);
	memcpy(root->id, t->root.oid, 20);
}

void sd_pack_add_commit(struct sd_pack_writer *w, const git_oid *tree, const git_oid *parent,
			const git_signature *sig, const char *message, git_oid *out)
{
	struct sd_buf body = SD_BUF_INIT;
	char hex[41];
	oid_hex(hex, tree->id);
	sd_buf_printf(&body, "tree %s\n", hex);
	if (parent) {
		oid_hex(hex, parent->id);
		sd_buf_printf(&body, "parent %s\n", hex);
	}
	put_signature(&body, "author", sig);
	put_signature(&body, "committer", sig);
	sd_buf_printf(&body, "\n%s", message);
	sd_pack_add(w, SD_PACK_COMMIT, body.data, body.len, out->id);
	sd_buf_release(&body);
}
