/* SPDX-License-Identifier: MIT */
/* Editing a few entries of git's index in place (see index.h). The format
 * is git's Documentation/gitformat-index.txt. */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sd/buf.h"
#include "sd/index.h"
#include "sd/sha1.h"
#include "sd/util.h"

/* ---- the index ---- */

#define ENTRY_FIXED 62 /* stat data, oid and flags */
#define FLAG_EXTENDED 0x4000u
#define FLAG_STAGE 0x3000u
#define NAME_MASK 0x0fffu
#define TREE_DEPTH_MAX 64

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void add_entry(struct sd_buf *out, const struct sd_index_update *u)
{
	unsigned char e[ENTRY_FIXED];
	size_t namelen = strlen(u->path);
	put32(e, (uint32_t)u->st.st_ctim.tv_sec);
	put32(e + 4, (uint32_t)u->st.st_ctim.tv_nsec);
	put32(e + 8, (uint32_t)u->st.st_mtim.tv_sec);
	put32(e + 12, (uint32_t)u->st.st_mtim.tv_nsec);
	put32(e + 16, (uint32_t)u->st.st_dev);
	put32(e + 20, (uint32_t)u->st.st_ino);
	put32(e + 24, 0100644);
	put32(e + 28, (uint32_t)u->st.st_uid);
	put32(e + 32, (uint32_t)u->st.st_gid);
	put32(e + 36, (uint32_t)u->st.st_size);
	memcpy(e + 40, u->oid, 20);
	unsigned flags = namelen < NAME_MASK ? (unsigned)namelen : NAME_MASK;
	e[60] = (unsigned char)(flags >> 8);
	e[61] = (unsigned char)flags;
	sd_buf_add(out, e, sizeof(e));
	sd_buf_add(out, u->path, namelen);
	/* One to eight NULs, padding the entry to a multiple of eight. */
	size_t total = (ENTRY_FIXED + namelen + 8) & ~(size_t)7;
	for (size_t i = ENTRY_FIXED + namelen; i < total; i++)
		sd_buf_addch(out, '\0');
}

/* Whether dir (ending in '/', or "" for the root) holds any updated path. */
static int holds_update(const char *dir, size_t dirlen, const struct sd_index_update *u, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strncmp(u[i].path, dir, dirlen))
			return 1;
	return 0;
}

/* Copies one cache-tree node and its subtrees, marking the directories of
 * updated paths invalid (entry count -1, no object id) as git does. */
static int copy_tree_node(const unsigned char *p, size_t len, size_t *pos, struct sd_buf *dir,
			  const struct sd_index_update *u, size_t n, struct sd_buf *out, int depth)
{
	if (depth > TREE_DEPTH_MAX)
		return -1;
	const unsigned char *name = p + *pos;
	const unsigned char *nul = memchr(name, '\0', len - *pos);
	if (!nul)
		return -1;
	*pos = (size_t)(nul - p) + 1;
	const unsigned char *nl = memchr(p + *pos, '\n', len - *pos);
	if (!nl)
		return -1;
	char counts[64];
	size_t clen = (size_t)(nl - (p + *pos));
	if (clen >= sizeof(counts))
		return -1;
	memcpy(counts, p + *pos, clen);
	counts[clen] = '\0';
	*pos += clen + 1;
	long entries, subtrees;
	char *end;
	entries = strtol(counts, &end, 10);
	if (*end != ' ')
		return -1;
	subtrees = strtol(end + 1, &end, 10);
	if (*end || subtrees < 0 || entries < -1)
		return -1;
	if (entries >= 0) {
		if (len - *pos < 20)
			return -1;
		*pos += 20;
	}
	size_t dirlen = dir->len;
	if (nul > name) {
		sd_buf_add(dir, name, (size_t)(nul - name));
		sd_buf_addch(dir, '/');
	}
	sd_buf_add(out, name, (size_t)(nul - name) + 1);
	if (entries >= 0 && !holds_update(dir->data, dir->len, u, n)) {
		sd_buf_printf(out, "%ld %ld\n", entries, subtrees);
		sd_buf_add(out, p + *pos - 20, 20);
	} else {
		sd_buf_printf(out, "-1 %ld\n", subtrees);
	}
	for (long i = 0; i < subtrees; i++)
		if (copy_tree_node(p, len, pos, dir, u, n, out, depth + 1) < 0)
			return -1;
	sd_buf_setlen(dir, dirlen);
	return 0;
}

static int rewrite_tree_extension(const unsigned char *p, size_t len,
				  const struct sd_index_update *u, size_t n, struct sd_buf *out)
{
	struct sd_buf dir = SD_BUF_INIT, body = SD_BUF_INIT;
	size_t pos = 0;
	int rc = 0;
	while (rc == 0 && pos < len)
		rc = copy_tree_node(p, len, &pos, &dir, u, n, &body, 0);
	if (rc == 0) {
		unsigned char head[8];
		memcpy(head, "TREE", 4);
		put32(head + 4, (uint32_t)body.len);
		sd_buf_add(out, head, 8);
		sd_buf_add(out, body.data, body.len);
	}
	sd_buf_release(&dir);
	sd_buf_release(&body);
	return rc;
}

/*
 * The new index is described as pieces rather than built in memory: at
 * 100,000 entries it is 10 MB, nearly all of it runs of unchanged entries
 * that are hashed and written straight from the mapped old index. Pieces
 * made here (the header, new entries, the cache tree) live in `made`;
 * pieces name offsets, since `made` moves as it grows.
 */
struct piece {
	int made; /* 1: an offset into made; 0: into the old index */
	size_t off, len;
};

struct new_index {
	struct piece *pieces;
	size_t n, alloc;
	struct sd_buf made;
};

static void add_piece(struct new_index *ni, int made, size_t off, size_t len)
{
	if (!len)
		return;
	struct piece *last = ni->n ? &ni->pieces[ni->n - 1] : NULL;
	if (last && last->made == made && last->off + last->len == off) {
		last->len += len;
		return;
	}
	if (ni->n == ni->alloc) {
		ni->alloc = ni->alloc ? 2 * ni->alloc : 64;
		ni->pieces = sd_xrealloc(ni->pieces, ni->alloc * sizeof(*ni->pieces));
	}
	ni->pieces[ni->n++] = (struct piece){ made, off, len };
}

static void add_old(struct new_index *ni, size_t off, size_t len)
{
	add_piece(ni, 0, off, len);
}

/* Appends what the caller put into ni->made since `since` as a piece. */
static void add_made(struct new_index *ni, size_t since)
{
	add_piece(ni, 1, since, ni->made.len - since);
}

/* Describes the new index in ni, all but its checksum; -1 when this
 * editor leaves the index to libgit2. */
static int edit_index(const unsigned char *p, size_t len, const struct sd_index_update *u, size_t n,
		      struct new_index *ni)
{
	if (len < 12 + 20 || memcmp(p, "DIRC", 4))
		return -1;
	uint32_t version = get32(p + 4), count = get32(p + 8);
	if (version != 2 && version != 3)
		return -1;
	size_t body_end = len - 20, pos = 12, next = 0;
	uint32_t written = 0;
	/* Unchanged entries stay in runs of the old index: one piece for the
	 * thousands between two updates, not one each. */
	size_t run = pos;
	sd_buf_add(&ni->made, p, 12); /* the header; its count is set below */
	add_made(ni, 0);
	for (uint32_t i = 0; i < count; i++) {
		if (body_end - pos < ENTRY_FIXED + 1)
			return -1;
		unsigned flags = (unsigned)p[pos + 60] << 8 | p[pos + 61];
		size_t fixed = ENTRY_FIXED + ((flags & FLAG_EXTENDED) ? 2 : 0);
		if ((flags & FLAG_EXTENDED) && version < 3)
			return -1;
		const char *name = (const char *)p + pos + fixed;
		const char *nul = memchr(name, '\0', body_end - pos - fixed);
		if (!nul)
			return -1;
		size_t namelen = (size_t)(nul - name);
		size_t elen = (fixed + namelen + 8) & ~(size_t)7;
		if (elen > body_end - pos)
			return -1;
		size_t start = pos;
		pos += elen;
		int replaced = next > 0 && !strcmp(u[next - 1].path, name);
		int inserts = next < n && strcmp(u[next].path, name) <= 0;
		if (!replaced && !inserts) {
			written++; /* unchanged: stays in the run */
			continue;
		}
		add_old(ni, run, start - run);
		run = pos;
		size_t since = ni->made.len;
		while (next < n && strcmp(u[next].path, name) < 0) {
			add_entry(&ni->made, &u[next++]);
			written++;
		}
		if (next < n && !strcmp(u[next].path, name)) {
			/* The new entry replaces every stage of the path, as
			 * git add resolves a conflict. */
			add_entry(&ni->made, &u[next++]);
			written++;
			add_made(ni, since);
		} else if (!(next > 0 && !strcmp(u[next - 1].path, name))) {
			add_made(ni, since);
			add_old(ni, start, elen);
			written++;
		} else {
			add_made(ni, since);
		}
	}
	add_old(ni, run, pos - run);
	size_t since = ni->made.len;
	for (; next < n; next++, written++)
		add_entry(&ni->made, &u[next]);
	add_made(ni, since);
	put32((unsigned char *)ni->made.data + 8, written);
	while (pos < body_end) {
		if (body_end - pos < 8)
			return -1;
		const unsigned char *sig = p + pos;
		uint32_t size = get32(p + pos + 4);
		if (size > body_end - pos - 8)
			return -1;
		if (sig[0] < 'A' || sig[0] > 'Z')
			return -1; /* a mandatory extension: split or sparse index */
		if (!memcmp(sig, "TREE", 4)) {
			since = ni->made.len;
			if (rewrite_tree_extension(p + pos + 8, size, u, n, &ni->made) < 0)
				return -1;
			add_made(ni, since);
		} else if (!memcmp(sig, "REUC", 4)) {
			add_old(ni, pos, 8 + (size_t)size);
		}
		/* Other optional extensions (the untracked cache, offset
		 * tables, fsmonitor) describe the old entries; git rebuilds
		 * them when they are missing. */
		pos += 8 + (size_t)size;
	}
	return 0;
}

/* Checking the old index's checksum runs beside the editing and writing:
 * the two hashes over 10 MB are most of an update's time. */
struct checksum_check {
	const unsigned char *p;
	size_t len;
	int ok;
};

static void *check_checksum(void *arg)
{
	static const unsigned char zero[20];
	struct checksum_check *c = arg;
	unsigned char sum[20];
	/* An all-zero checksum is git's index.skipHash: nothing to check. */
	if (!memcmp(c->p + c->len - 20, zero, 20)) {
		c->ok = 1;
		return NULL;
	}
	sd_sha1(c->p, c->len - 20, sum);
	c->ok = !memcmp(sum, c->p + c->len - 20, 20);
	return NULL;
}

/* Hashes and writes the pieces a slice at a time, so each slice is still
 * in the processor's cache when it is written; then the checksum, or
 * twenty zeros to keep an index.skipHash index that way. */
static int write_new_index(int fd, const unsigned char *old, const struct new_index *ni,
			   int skip_hash)
{
	enum { SLICE = 256 * 1024 };
	struct sd_sha1_ctx ctx;
	sd_sha1_init(&ctx);
	for (size_t i = 0; i < ni->n; i++) {
		const struct piece *pc = &ni->pieces[i];
		const unsigned char *base = pc->made ? (const unsigned char *)ni->made.data : old;
		for (size_t done = 0; done < pc->len;) {
			size_t step = pc->len - done < SLICE ? pc->len - done : SLICE;
			const unsigned char *at = base + pc->off + done;
			if (!skip_hash)
				sd_sha1_add(&ctx, at, step);
			if (sd_write_all(fd, at, step) < 0)
				return -1;
			done += step;
		}
	}
	unsigned char sum[20] = { 0 };
	if (!skip_hash)
		sd_sha1_done(&ctx, sum);
	return sd_write_all(fd, sum, sizeof(sum));
}

/* Edits the mapped old index into fd: 0 when written, -1 with errno set
 * when writing failed, 1 when this editor leaves the index to libgit2. */
static int rewrite_index(int fd, const unsigned char *p, size_t len,
			 const struct sd_index_update *u, size_t n)
{
	static const unsigned char zero[20];
	struct new_index ni = { 0 };
	ni.made = (struct sd_buf)SD_BUF_INIT;
	struct checksum_check check = { p, len, 0 };
	pthread_t checker;
	int threaded =
		len >= 12 + 20 && pthread_create(&checker, NULL, check_checksum, &check) == 0;
	int rc = edit_index(p, len, u, n, &ni) < 0 ? 1 : 0;
	if (rc == 0 && write_new_index(fd, p, &ni, !memcmp(p + len - 20, zero, 20)) < 0)
		rc = -1;
	int saved_errno = errno;
	if (threaded)
		pthread_join(checker, NULL);
	else if (rc == 0)
		check_checksum(&check);
	/* A damaged old index is left to libgit2, which reports it; what was
	 * written of the new one goes with the lock file. */
	if (rc == 0 && !check.ok)
		rc = 1;
	errno = saved_errno;
	free(ni.pieces);
	sd_buf_release(&ni.made);
	return rc;
}

sd_error *sd_index_update(const char *index_path, const struct sd_index_update *updates, size_t n,
			  int *unsupported)
{
	struct sd_buf lock = SD_BUF_INIT;
	sd_error *err = NULL;
	*unsupported = 0;
	sd_buf_printf(&lock, "%s.lock", index_path);
	int fd = open(lock.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0) {
		err = errno == EEXIST
			? sd_error_invalid("%s exists: another git command is running, or one "
					   "crashed; remove it if none is running",
					   lock.data)
			: sd_error_errno(lock.data);
		sd_buf_release(&lock);
		return err;
	}
	int edited = 1, saved_errno = 0;
	/* Read under the lock, so a concurrent git command's change is not
	 * lost; mapped, as most of it is copied once and never changed. */
	int ifd = open(index_path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (ifd >= 0 && fstat(ifd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
				 ifd, 0);
		if (map != MAP_FAILED) {
			edited = rewrite_index(fd, map, (size_t)st.st_size, updates, n);
			saved_errno = errno;
			munmap(map, (size_t)st.st_size);
		}
	}
	if (ifd >= 0)
		close(ifd);
	if (edited > 0) {
		*unsupported = 1;
	} else if (edited < 0) {
		errno = saved_errno;
		err = sd_error_errno(lock.data);
	}
	if (close(fd) < 0 && !err && !*unsupported)
		err = sd_error_errno(lock.data);
	if (err || *unsupported || rename(lock.data, index_path) < 0) {
		if (!err && !*unsupported)
			err = sd_error_errno(index_path);
		unlink(lock.data);
	}
	sd_buf_release(&lock);
	return err;
}
