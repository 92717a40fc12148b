/* SPDX-License-Identifier: MIT */
/* Ticket summaries and the stat-keyed cache behind them (see cache.h). */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sd/cache.h"
#include "sd/text.h"
#include "sd/util.h"

/*
 * File layout, native byte order (the cache never leaves the machine):
 *   header
 *   data: the records the index points at, each 8-byte aligned
 *   index: one cache_entry per ticket, sorted by id
 * The index comes last so that the cache can be written as its records
 * are made, without holding them all.
 * A record:
 *   record_head
 *   record_entry[nentries]
 *   sd_text_span[nspans]
 *   uint32_t offsets[nstr] into the strings
 *   strings, each ending in NUL, each stored once however often used: the
 *   fields but tags in field order, the tags, then the author of each
 *   comment and the field, from and to of each event, each followed by
 *   the entry's message_id.
 * Entry ids, event authors and all text are left out: what reads a
 * summary (filters, sorting, SLA clocks, list output) does not use them,
 * and leaving them out keeps the cache small enough to read whole.
 */

#define CACHE_MAGIC "sd-cache"
#define TEXT_MAGIC "sd-texts" /* the texts of tickets, for search */
#define CACHE_FORMAT \
	8 /* 4: the checksum in four lanes; 5: entry times in milliseconds; 6: channel;    \
	     7: problem, incidents, known_error; 8: cc, entries' message_id */
#define CACHE_BYTE_ORDER 0x01020304u
#define RECORD_MAX_ITEMS 0xffffu

struct cache_header {
	char magic[8];
	uint32_t format;
	uint32_t byte_order;
	uint64_t build;	   /* which sd wrote it: another may parse differently */
	uint64_t count;	   /* index entries */
	uint64_t data_len; /* bytes of records */
	uint64_t checksum; /* of everything after the header */
	uint64_t reserved[2];
};

struct cache_entry {
	char id[SD_ID_LEN];
	uint32_t rec_len;
	int64_t mtime_ns, ctime_ns, size;
	uint64_t ino;
	uint64_t rec_off;
};

struct record_head {
	uint32_t nstr;
	uint16_t ntags, nentries, nspans, flags;
	uint32_t strings_len;
};

struct record_entry {
	int64_t at; /* sd_stamp */
	uint8_t kind, internal, pad[6];
};

#define RECORD_TEXT_KNOWN 1u
#define FILES_PER_THREAD 64
#define FRESH_BATCH 4096	      /* files read between two handovers */
#define FIXED_FIELDS (SD_F_COUNT - 1) /* every field but the tags */

struct sd_cache {
	void *map;
	size_t map_len;
	const struct cache_entry *index;
	size_t count;
	const unsigned char *data;
	size_t data_len;
	/* Records made in this run, in chunks per reading thread: slim
	 * tickets borrow from them as from the map. Chunks, not one growing
	 * buffer, since a buffer that doubles holds its old and new copies at
	 * once: on a cold start at 100,000 tickets that was 50 MB more. */
	struct arena_chunk *fresh[SD_THREADS_MAX];
	struct sd_buf scratch[SD_THREADS_MAX]; /* a record being made */
	/* Copies of the records of the tickets kept (see sd_summary_keep). */
	struct arena_chunk *kept;
	/* The tag and entry arrays of the summary being offered. */
	char **tags;
	struct sd_entry *entries;
	size_t tags_alloc, entries_alloc;
};

/* Memory that only grows at its end and never moves, for records whose
 * tickets a caller keeps while the mapped cache behind them is let go. */
struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	unsigned char data[];
};

#define ARENA_CHUNK (1u << 20)

static unsigned char *arena_push(struct arena_chunk **head, const void *p, size_t len)
{
	struct arena_chunk *k = *head;
	if (!k || k->size - k->used < len) {
		size_t size = len > ARENA_CHUNK ? len : ARENA_CHUNK;
		k = sd_xmalloc(sizeof(*k) + size);
		k->next = *head;
		k->used = 0;
		k->size = size;
		*head = k;
	}
	unsigned char *at = k->data + k->used;
	memcpy(at, p, len);
	k->used += len; /* records are multiples of eight bytes */
	return at;
}

static void arena_free(struct arena_chunk **head)
{
	while (*head) {
		struct arena_chunk *next = (*head)->next;
		free(*head);
		*head = next;
	}
}

/* Gives back the pages of the map before offset: read already, and
 * needed again only by a rewrite, which reads them from the page cache.
 * So the cache of a large store never stays resident whole. Only in steps
 * of RELEASE_STEP: each madvise flushes the TLB of every core the process
 * runs on, and called for every page it was a quarter of a warm list. */
#define RELEASE_STEP (4u << 20)

static void release_pages(void *map, size_t *released, size_t offset)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t upto = offset / page * page;
	if (upto >= *released + RELEASE_STEP) {
		madvise((unsigned char *)map + *released, upto - *released, MADV_DONTNEED);
		*released = upto;
	}
}

#define CHECKSUM_START 0x84222325cbf29ce4ull
#define CHECKSUM_MUL 0x9e3779b97f4a7c15ull

/* A running checksum in four lanes, each 8-byte word going to the next
 * lane in turn: the multiplications of one lane wait for each other, so
 * four chains keep the core busy and check a warm list's cache (75 MB at
 * 100,000 tickets) about three times as fast as one chain did. */
struct checksum {
	uint64_t h[4];
	uint64_t words;
};

static void checksum_init(struct checksum *c)
{
	for (int i = 0; i < 4; i++)
		c->h[i] = CHECKSUM_START + (uint64_t)i;
	c->words = 0;
}

static inline uint64_t checksum_mix(uint64_t h, const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	h = (h ^ w) * CHECKSUM_MUL;
	return h ^ (h >> 29);
}

/* Adds len bytes; every piece but the last must be a multiple of eight
 * bytes long, as index entries and records are. */
static void checksum_add(struct checksum *c, const unsigned char *p, size_t len)
{
	size_t i = 0;
	for (; i + 8 <= len && c->words % 4; i += 8, c->words++)
		c->h[c->words % 4] = checksum_mix(c->h[c->words % 4], p + i);
	uint64_t h0 = c->h[0], h1 = c->h[1], h2 = c->h[2], h3 = c->h[3];
	for (; i + 32 <= len; i += 32) {
		h0 = checksum_mix(h0, p + i);
		h1 = checksum_mix(h1, p + i + 8);
		h2 = checksum_mix(h2, p + i + 16);
		h3 = checksum_mix(h3, p + i + 24);
		c->words += 4;
	}
	c->h[0] = h0, c->h[1] = h1, c->h[2] = h2, c->h[3] = h3;
	for (; i + 8 <= len; i += 8, c->words++)
		c->h[c->words % 4] = checksum_mix(c->h[c->words % 4], p + i);
	for (; i < len; i++)
		c->h[0] = (c->h[0] ^ p[i]) * 0x100000001b3ull;
}

static uint64_t checksum_end(const struct checksum *c, uint64_t len)
{
	uint64_t h = c->h[0];
	for (int i = 1; i < 4; i++) {
		h = (h ^ c->h[i]) * CHECKSUM_MUL;
		h ^= h >> 29;
	}
	return h ^ len;
}

static uint64_t checksum(const unsigned char *p, size_t len)
{
	struct checksum c;
	checksum_init(&c);
	checksum_add(&c, p, len);
	return checksum_end(&c, len);
}

/* The checksum of the body, read a megabyte at a time and let go. */
static uint64_t checksum_mapped(void *map, size_t start, size_t len)
{
	struct checksum c;
	size_t released = 0;
	checksum_init(&c);
	for (size_t off = start; off < len;) {
		size_t end = off + ARENA_CHUNK < len ? (off + ARENA_CHUNK) / 4096 * 4096 : len;
		if (end <= off)
			end = len;
		checksum_add(&c, (const unsigned char *)map + off, end - off);
		release_pages(map, &released, end);
		off = end;
	}
	return checksum_end(&c, len - start);
}

static uint64_t build_id(void)
{
	const char *v = "sd " SD_VERSION;
	return checksum((const unsigned char *)v, strlen(v)) + CACHE_FORMAT;
}

/* ---- reading ---- */

static void cache_close(struct sd_cache *c)
{
	if (!c)
		return;
	if (c->map)
		munmap(c->map, c->map_len);
	for (int i = 0; i < SD_THREADS_MAX; i++) {
		arena_free(&c->fresh[i]);
		sd_buf_release(&c->scratch[i]);
	}
	arena_free(&c->kept);
	free(c->tags);
	free(c->entries);
	free(c);
}

/* The cache as it is on disk, or an empty one when it is missing, damaged
 * or from another build. */
static struct sd_cache *cache_open(const char *path, const char *magic)
{
	struct sd_cache *c = sd_xcalloc(1, sizeof(*c));
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd < 0)
		return c;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size < sizeof(struct cache_header) ||
	    (uint64_t)st.st_size > SIZE_MAX / 2) {
		close(fd);
		return c;
	}
	void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return c;
	const struct cache_header *h = map;
	size_t len = (size_t)st.st_size, body = len - sizeof(*h);
	if (memcmp(h->magic, magic, 8) || h->format != CACHE_FORMAT ||
	    h->byte_order != CACHE_BYTE_ORDER || h->build != build_id() ||
	    h->count > body / sizeof(struct cache_entry) ||
	    h->data_len != body - h->count * sizeof(struct cache_entry) || h->data_len % 8 ||
	    h->checksum != checksum_mapped(map, sizeof(*h), len)) {
		munmap(map, len);
		return c;
	}
	c->map = map;
	c->map_len = len;
	c->data = (const unsigned char *)(h + 1);
	c->data_len = (size_t)h->data_len;
	c->index = (const struct cache_entry *)(c->data + c->data_len);
	c->count = (size_t)h->count;
	return c;
}

static int entry_matches(const struct cache_entry *e, const struct sd_ticket_file *f)
{
	return f->regular && e->mtime_ns == f->mtime_ns && e->ctime_ns == f->ctime_ns &&
		e->size == f->size && e->ino == f->ino;
}

/* Makes a borrowed slim ticket from a record, its strings in the record
 * and its arrays in c's (see sd_summary_keep); 0 when the record does not
 * hold together. */
static int record_load(struct sd_summary *s, struct sd_cache *c, const unsigned char *rec,
		       size_t len)
{
	struct record_head h;
	if (len < sizeof(h))
		return 0;
	memcpy(&h, rec, sizeof(h));
	size_t entries_at = sizeof(h);
	size_t spans_at = entries_at + (size_t)h.nentries * sizeof(struct record_entry);
	size_t offsets_at = spans_at + (size_t)h.nspans * sizeof(struct sd_text_span);
	size_t strings_at = offsets_at + (size_t)h.nstr * sizeof(uint32_t);
	if (strings_at > len || h.strings_len == 0 || h.strings_len > len - strings_at)
		return 0;
	const char *strings = (const char *)rec + strings_at;
	if (strings[h.strings_len - 1] != '\0')
		return 0;
	const struct record_entry *fixed = (const struct record_entry *)(rec + entries_at);
	size_t want_str = FIXED_FIELDS + (size_t)h.ntags;
	for (size_t i = 0; i < h.nentries; i++)
		want_str += fixed[i].kind ? 4 : 2;
	if (h.nstr != want_str)
		return 0;
	const uint32_t *offsets = (const uint32_t *)(rec + offsets_at);
	for (size_t i = 0; i < h.nstr; i++)
		if (offsets[i] >= h.strings_len)
			return 0;
	const struct sd_text_span *spans = (const struct sd_text_span *)(rec + spans_at);
	for (size_t i = 0; i < h.nspans; i++)
		if ((uint64_t)spans[i].start + spans[i].len > (uint64_t)s->info.file.size)
			return 0;

	struct sd_ticket *t = &s->t;
	memset(t, 0, sizeof(*t));
	t->borrowed = 1;
	size_t k = 0;
	for (int f = 0; f < SD_F_COUNT; f++)
		t->field[f] = (char *)(f == SD_F_TAGS ? "" : strings + offsets[k++]);
	if (h.ntags) {
		if (c->tags_alloc < h.ntags) {
			c->tags_alloc = RECORD_MAX_ITEMS + 1;
			c->tags = sd_xrealloc(c->tags, c->tags_alloc * sizeof(*c->tags));
		}
		t->tags.v = c->tags;
		for (size_t i = 0; i < h.ntags; i++)
			t->tags.v[i] = (char *)(strings + offsets[k++]);
		t->tags.n = t->tags.alloc = h.ntags;
	}
	t->description = (char *)"";
	if (h.nentries) {
		if (c->entries_alloc < h.nentries) {
			c->entries_alloc = c->entries_alloc * 2 > h.nentries ? c->entries_alloc * 2
									     : h.nentries;
			c->entries =
				sd_xrealloc(c->entries, c->entries_alloc * sizeof(*c->entries));
		}
		t->entries = c->entries;
		memset(t->entries, 0, h.nentries * sizeof(*t->entries));
		for (size_t i = 0; i < h.nentries; i++) {
			struct sd_entry *e = &t->entries[i];
			e->kind = fixed[i].kind ? SD_ENTRY_EVENT : SD_ENTRY_COMMENT;
			e->internal = fixed[i].internal;
			e->at = fixed[i].at;
			e->id = e->author = e->field = e->from = e->to = (char *)"";
			e->body = e->reason = (char *)"";
			e->mail_from = e->mail_to = e->reply_to = (char *)"";
			if (e->kind == SD_ENTRY_COMMENT) {
				e->author = (char *)(strings + offsets[k++]);
			} else {
				e->field = (char *)(strings + offsets[k++]);
				e->from = (char *)(strings + offsets[k++]);
				e->to = (char *)(strings + offsets[k++]);
			}
			e->message_id = (char *)(strings + offsets[k++]);
		}
		t->nentries = h.nentries;
	}
	s->info.slim = 1;
	s->info.spans = spans;
	s->info.nspans = h.nspans;
	s->info.text_known = (h.flags & RECORD_TEXT_KNOWN) != 0;
	s->rec = rec;
	s->rec_len = len;
	s->cache = c;
	return 1;
}

_Static_assert(sizeof(struct sd_entry) % 8 == 0, "entries keep the kept arena aligned");

static void rebase(char **p, const unsigned char *from, size_t len, unsigned char *to)
{
	const unsigned char *at = (const unsigned char *)*p;
	/* Only what lies in the record moves; "" and the like stay. */
	if (at >= from && at < from + len)
		*p = (char *)(to + (at - from));
}

void sd_summary_keep(struct sd_summary *s)
{
	if (!s->rec)
		return;
	struct sd_ticket *t = &s->t;
	const unsigned char *from = s->rec;
	size_t len = s->rec_len;
	unsigned char *to = arena_push(&s->cache->kept, from, len);
	for (int f = 0; f < SD_F_COUNT; f++)
		rebase(&t->field[f], from, len, to);
	/* The arrays go next to the record, not to malloc: a search for a
	 * common word keeps every ticket, and a malloc each cost a fifth of
	 * its time. Both sizes are multiples of eight, as records are. */
	t->borrowed = SD_BORROWED_ALL;
	if (t->tags.n) {
		t->tags.v = (char **)(void *)arena_push(&s->cache->kept, t->tags.v,
							t->tags.n * sizeof(*t->tags.v));
		t->tags.alloc = t->tags.n;
		for (size_t i = 0; i < t->tags.n; i++)
			rebase(&t->tags.v[i], from, len, to);
	}
	if (t->nentries) {
		struct sd_entry *e =
			(struct sd_entry *)(void *)arena_push(&s->cache->kept, t->entries,
							      t->nentries * sizeof(*e));
		t->entries = e;
		for (size_t i = 0; i < t->nentries; i++) {
			rebase(&e[i].author, from, len, to);
			rebase(&e[i].field, from, len, to);
			rebase(&e[i].from, from, len, to);
			rebase(&e[i].to, from, len, to);
			rebase(&e[i].message_id, from, len, to);
		}
	}
	if (s->info.spans)
		s->info.spans =
			(const struct sd_text_span *)(to +
						      ((const unsigned char *)s->info.spans -
						       from));
	s->rec = NULL;
	s->rec_len = 0;
}

/* ---- writing ---- */

/* The strings of one record, each stored once. */
struct record_strings {
	struct sd_buf bytes;
	struct sd_buf offsets;
};

static void add_string(struct record_strings *rs, const char *s)
{
	size_t n = strlen(s) + 1;
	uint32_t off = (uint32_t)rs->bytes.len;
	/* A record holds a few dozen short strings; a linear look finds the
	 * repeated authors and empty values. */
	for (size_t at = 0; at < rs->bytes.len; at += strlen(rs->bytes.data + at) + 1)
		if (!strcmp(rs->bytes.data + at, s)) {
			off = (uint32_t)at;
			break;
		}
	if (off == rs->bytes.len)
		sd_buf_add(&rs->bytes, s, n);
	sd_buf_add(&rs->offsets, &off, sizeof(off));
}

/* Where text lies in the file, or 0 when it is not there as it is (YAML
 * escapes, folded lines, an escaped marker line). Any occurrence will do:
 * the bytes are the same. */
static int add_span(struct sd_buf *spans, const char *raw, size_t raw_len, const char *text)
{
	size_t n = strlen(text);
	if (!n)
		return 1;
	if (raw_len > UINT32_MAX)
		return 0;
	/* memmem's preparation of a long needle costs more than this walk:
	 * the text is usually found at the first candidate. */
	const char *at = NULL, *p = raw, *end = raw + raw_len;
	while (n <= (size_t)(end - p) && (p = memchr(p, text[0], (size_t)(end - p) - n + 1))) {
		if (!memcmp(p, text, n)) {
			at = p;
			break;
		}
		p++;
	}
	if (!at)
		return 0;
	struct sd_text_span sp = { (uint32_t)(at - raw), (uint32_t)n };
	sd_buf_add(spans, &sp, sizeof(sp));
	return 1;
}

/* Appends the record of a whole ticket read from raw; 0 when it cannot be
 * recorded (too many items), and then nothing is appended. */
static int record_write(struct sd_buf *out, const struct sd_ticket *t, const char *raw,
			size_t raw_len)
{
	if (t->tags.n > RECORD_MAX_ITEMS || t->nentries > RECORD_MAX_ITEMS)
		return 0;
	struct sd_buf entries = SD_BUF_INIT, spans = SD_BUF_INIT;
	struct record_strings rs = { SD_BUF_INIT, SD_BUF_INIT };
	int known = add_span(&spans, raw, raw_len, sd_ticket_get(t, SD_F_TITLE)) &&
		add_span(&spans, raw, raw_len, t->description);
	for (int f = 0; f < SD_F_COUNT; f++)
		if (f != SD_F_TAGS)
			add_string(&rs, sd_ticket_get(t, (enum sd_field)f));
	for (size_t i = 0; i < t->tags.n; i++)
		add_string(&rs, t->tags.v[i]);
	for (size_t i = 0; i < t->nentries; i++) {
		const struct sd_entry *e = &t->entries[i];
		struct record_entry fixed = { .at = e->at,
					      .kind = e->kind == SD_ENTRY_EVENT,
					      .internal = (uint8_t)(e->internal != 0) };
		sd_buf_add(&entries, &fixed, sizeof(fixed));
		if (e->kind == SD_ENTRY_COMMENT) {
			add_string(&rs, e->author);
		} else {
			add_string(&rs, e->field);
			add_string(&rs, e->from);
			add_string(&rs, e->to);
		}
		/* Threading finds a message's ticket from the summaries. */
		add_string(&rs, e->message_id ? e->message_id : "");
		if (known)
			known = add_span(&spans, raw, raw_len,
					 e->kind == SD_ENTRY_COMMENT ? e->body : e->reason);
	}
	size_t nspans = spans.len / sizeof(struct sd_text_span);
	int ok = nspans <= RECORD_MAX_ITEMS && rs.bytes.len <= UINT32_MAX;
	if (ok) {
		struct record_head h = {
			.nstr = (uint32_t)(rs.offsets.len / sizeof(uint32_t)),
			.ntags = (uint16_t)t->tags.n,
			.nentries = (uint16_t)t->nentries,
			.nspans = (uint16_t)(known ? nspans : 0),
			.flags = known ? RECORD_TEXT_KNOWN : 0,
			.strings_len = (uint32_t)rs.bytes.len,
		};
		sd_buf_add(out, &h, sizeof(h));
		sd_buf_add(out, entries.data, entries.len);
		if (known)
			sd_buf_add(out, spans.data, spans.len);
		sd_buf_add(out, rs.offsets.data, rs.offsets.len);
		sd_buf_add(out, rs.bytes.data, rs.bytes.len);
		while (out->len % 8)
			sd_buf_addch(out, '\0');
	}
	sd_buf_release(&entries);
	sd_buf_release(&spans);
	sd_buf_release(&rs.offsets);
	sd_buf_release(&rs.bytes);
	return ok;
}

/* Where each ticket's record for the next cache comes from: the old cache
 * (most of them) or one made in this run. The new cache is assembled only
 * when something changed, so a warm run copies nothing. */
/* A new cache being written next to the old one, records first and the
 * index last, so that the records need not all be in memory at once.
 * Failure (a read-only .git, a full disk) only costs speed, so it is not
 * reported: the new cache is then simply not put in place. */
struct cache_writer {
	int fd;
	int bad;
	struct sd_buf tmp_path;
	struct sd_buf index;   /* entries, in id order */
	struct sd_buf pending; /* records not yet written */
	uint64_t data_len;
	struct checksum sum;
};

static void writer_open(struct cache_writer *w, const char *path)
{
	memset(w, 0, sizeof(*w));
	checksum_init(&w->sum);
	sd_buf_printf(&w->tmp_path, "%s.tmp.%ld", path, (long)getpid());
	w->fd = open(w->tmp_path.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	/* The header is written last, when its counts are known. */
	w->bad = w->fd < 0 || lseek(w->fd, sizeof(struct cache_header), SEEK_SET) < 0;
}

static void writer_flush(struct cache_writer *w)
{
	if (!w->bad && w->pending.len)
		w->bad = sd_write_all(w->fd, w->pending.data, w->pending.len) < 0;
	sd_buf_reset(&w->pending);
}

static void writer_add(struct cache_writer *w, const struct sd_ticket_file *f,
		       const unsigned char *rec, size_t len)
{
	struct cache_entry e;
	memset(&e, 0, sizeof(e));
	memcpy(e.id, f->id, SD_ID_LEN);
	e.rec_len = (uint32_t)len;
	e.mtime_ns = f->mtime_ns;
	e.ctime_ns = f->ctime_ns;
	e.size = f->size;
	e.ino = f->ino;
	e.rec_off = w->data_len;
	sd_buf_add(&w->index, &e, sizeof(e));
	/* Records are multiples of eight bytes, as checksum_add needs. */
	checksum_add(&w->sum, rec, len);
	w->data_len += len;
	sd_buf_add(&w->pending, rec, len);
	if (w->pending.len >= ARENA_CHUNK)
		writer_flush(w);
}

static void writer_finish(struct cache_writer *w, const char *path, const char *magic)
{
	writer_flush(w);
	if (!w->bad) {
		struct cache_header h;
		memset(&h, 0, sizeof(h));
		memcpy(h.magic, magic, 8);
		h.format = CACHE_FORMAT;
		h.byte_order = CACHE_BYTE_ORDER;
		h.build = build_id();
		h.count = w->index.len / sizeof(struct cache_entry);
		h.data_len = w->data_len;
		checksum_add(&w->sum, (const unsigned char *)w->index.data, w->index.len);
		h.checksum = checksum_end(&w->sum, w->data_len + w->index.len);
		w->bad = sd_write_all(w->fd, w->index.data, w->index.len) < 0 ||
			pwrite(w->fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h);
	}
	if (w->fd >= 0)
		w->bad |= close(w->fd) < 0;
	if (w->fd >= 0 && (w->bad || rename(w->tmp_path.data, path) < 0))
		unlink(w->tmp_path.data);
	sd_buf_release(&w->tmp_path);
	sd_buf_release(&w->index);
	sd_buf_release(&w->pending);
}

/* ---- loading summaries ---- */

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A file the cache could not vouch for, read by one of the threads. */
struct fresh_read {
	const unsigned char *rec; /* its record, when len > 0 */
	size_t len;
	int persist;		 /* old enough to go into the cache */
	struct sd_ticket *whole; /* when no record could be made */
	char *problem;		 /* when it could not be read */
};

struct read_job {
	struct sd_store *store;
	const struct sd_ticket_file *files;
	const size_t *which; /* indexes into files */
	struct fresh_read *out;
	struct sd_cache *cache; /* whose fresh chunks take the records */
	int64_t scan_start;
};

static void read_one(void *arg, size_t k, int slot)
{
	struct read_job *job = arg;
	const struct sd_ticket_file *f = &job->files[job->which[k]];
	struct fresh_read *r = &job->out[k];
	struct sd_buf *record = &job->cache->scratch[slot];
	struct sd_buf raw = SD_BUF_INIT;
	struct sd_ticket t;
	sd_error *err = sd_store_read(job->store, f->id, &t, &raw);
	if (err) {
		r->problem = sd_xstrdup(err->msg);
		sd_error_free(err);
		sd_ticket_free(&t);
	} else {
		sd_buf_reset(record);
		if (record_write(record, &t, raw.data, raw.len)) {
			r->rec = arena_push(&job->cache->fresh[slot], record->data, record->len);
			r->len = record->len;
			sd_ticket_free(&t);
		} else {
			r->whole = sd_xmalloc(sizeof(*r->whole));
			*r->whole = t;
		}
		/* Changed in the last moments, the file could change again
		 * within the same clock tick and keep its stat data; if it
		 * changed between the scan and the read, its size tells most
		 * often, and the next scan the rest. */
		r->persist = r->len && f->regular && (int64_t)raw.len == f->size &&
			f->mtime_ns <= job->scan_start - SD_CACHE_RACY_NS &&
			f->ctime_ns <= job->scan_start - SD_CACHE_RACY_NS;
	}
	sd_buf_release(&raw);
}

/* Reads and parses the files the cache could not vouch for, sharing them
 * between threads: on a cold start that is every ticket. */
static void read_fresh(struct sd_store *store, struct sd_cache *c,
		       const struct sd_ticket_file *files, const size_t *which, size_t n,
		       struct fresh_read *out, int64_t scan_start)
{
	struct read_job job = { store, files, which, out, c, scan_start };
	sd_parallel_for(n, FILES_PER_THREAD, read_one, &job);
}

static int record_fits(const struct sd_cache *c, const struct cache_entry *e)
{
	return e->rec_off <= c->data_len && e->rec_len <= c->data_len - e->rec_off &&
		!(e->rec_off % 8);
}

/* Starts the new cache once a reason to write it turns up at file upto:
 * every file before it was then vouched for by the old cache (or is not
 * to be cached), so their records come from there. */
static void start_writer(struct cache_writer *w, const char *path, const struct sd_cache *c,
			 const struct sd_ticket_file *files, const struct cache_entry *const *hit,
			 size_t upto)
{
	writer_open(w, path);
	for (size_t i = 0; i < upto; i++)
		if (hit[i])
			writer_add(w, &files[i], c->data + hit[i]->rec_off, hit[i]->rec_len);
}

sd_error *sd_summaries_load(struct sd_store *store, struct sd_summaries *out,
			    sd_summary_take_fn *take, void *arg)
{
	struct sd_ticket_file *files = NULL;
	size_t nfiles = 0;
	struct sd_buf path = SD_BUF_INIT;
	memset(out, 0, sizeof(*out));
	int64_t scan_start = now_ns();
	sd_error *err = sd_store_scan(store, &files, &nfiles);
	if (err)
		return err;
	sd_store_private_path(store, "cache", &path);
	struct sd_cache *c = cache_open(path.data, CACHE_MAGIC);
	out->cache = c;
	out->files = files;
	out->nfiles = nfiles;

	/* Which cache entry vouches for each file, if any. */
	const struct cache_entry **hit = sd_xcalloc(nfiles ? nfiles : 1, sizeof(*hit));
	size_t *which = sd_xcalloc(nfiles ? nfiles : 1, sizeof(*which));
	size_t nfresh = 0, j = 0;
	for (size_t i = 0; i < nfiles; i++) {
		while (j < c->count && memcmp(c->index[j].id, files[i].id, SD_ID_LEN) < 0)
			j++;
		if (j < c->count && !memcmp(c->index[j].id, files[i].id, SD_ID_LEN) &&
		    entry_matches(&c->index[j], &files[i]) && record_fits(c, &c->index[j]))
			hit[i] = &c->index[j++];
		else
			which[nfresh++] = i;
	}
	/* The new cache is written only when something changed, and then
	 * as the records go by; until then, a warm run copies nothing. */
	struct cache_writer w;
	int writing = 0;
	size_t k = 0, used = 0, released = 0; /* of the map */
	struct fresh_read *fresh =
		sd_xcalloc(nfresh < FRESH_BATCH ? (nfresh ? nfresh : 1) : FRESH_BATCH,
			   sizeof(*fresh));
	size_t batch_start = 0, batch_len = 0;
	struct sd_summary s;
	for (size_t i = 0; i < nfiles; i++) {
		if (k == batch_start + batch_len && k < nfresh && which[k] == i) {
			/* The files the cache cannot vouch for are read a
			 * batch at a time, so that on a cold start the records
			 * of the tickets not kept never pile up. */
			for (size_t b = 0; b < batch_len; b++) {
				free(fresh[b].problem);
				free(fresh[b].whole);
			}
			for (int t = 0; t < SD_THREADS_MAX; t++)
				arena_free(&c->fresh[t]);
			batch_start = k;
			batch_len = nfresh - k < FRESH_BATCH ? nfresh - k : FRESH_BATCH;
			memset(fresh, 0, batch_len * sizeof(*fresh));
			/* A cold rebuild reads every ticket: worth showing. */
			if (nfresh >= 2000)
				sd_store_progress(store, "Reading tickets", k, nfresh);
			read_fresh(store, c, files, which + k, batch_len, fresh, scan_start);
			if (nfresh >= 2000 && k + batch_len == nfresh)
				sd_store_progress(store, "Reading tickets", nfresh, nfresh);
		}
		memset(&s, 0, sizeof(s));
		s.info.file = files[i];
		s.info.file_index = i;
		const unsigned char *source = NULL;
		size_t len = 0;
		struct fresh_read *f =
			k < nfresh && which[k] == i ? &fresh[k++ - batch_start] : NULL;
		if (!f) {
			len = hit[i]->rec_len;
			source = c->data + hit[i]->rec_off;
			release_pages(c->map, &released,
				      (size_t)(c->data - (const unsigned char *)c->map) +
					      hit[i]->rec_off);
		} else if (f->problem) {
			sd_strvec_push_owned(&out->problems, f->problem);
			f->problem = NULL;
			continue;
		} else if (f->whole) {
			s.t = *f->whole;
		} else {
			len = f->len;
			source = f->rec;
			if (f->persist && !writing) {
				writing = 1;
				start_writer(&w, path.data, c, files, hit, i);
			}
		}
		/* Read in place: the caller copies what it keeps (see
		 * sd_summary_keep), so the map and the batch can be let go
		 * as they are read. */
		if (source && !record_load(&s, c, source, len)) {
			/* Only a bug makes a record that passed the checksum
			 * fall apart; the file itself is the answer, and the
			 * cache loses the record. */
			source = NULL;
			if (!writing) {
				writing = 1;
				start_writer(&w, path.data, c, files, hit, i);
			}
			sd_error *e2 = sd_store_read(store, files[i].id, &s.t, NULL);
			if (e2) {
				sd_strvec_push(&out->problems, e2->msg);
				sd_error_free(e2);
				sd_ticket_free(&s.t);
				continue;
			}
		}
		if (!f)
			used++;
		if (writing && source && (!f || f->persist))
			writer_add(&w, &files[i], source, len);
		if (!take(&s, arg) && !s.rec)
			sd_ticket_free(&s.t);
		/* else its arrays are c's, for the next one */
	}
	/* Entries of files that went away also make the cache worth
	 * rewriting, or it would keep them forever. */
	if (!writing && used != c->count) {
		writing = 1;
		start_writer(&w, path.data, c, files, hit, nfiles);
	}
	if (writing)
		writer_finish(&w, path.data, CACHE_MAGIC);
	for (size_t b = 0; b < batch_len; b++) {
		free(fresh[b].problem);
		free(fresh[b].whole);
	}
	for (int t = 0; t < SD_THREADS_MAX; t++)
		arena_free(&c->fresh[t]);
	free(fresh);
	free(hit);
	free(which);
	sd_buf_release(&path);
	return NULL;
}

void sd_summary_short_id(const struct sd_summaries *all, const struct sd_summary_info *s,
			 char out[SD_ID_LEN + 1])
{
	/* In a sorted list only the neighbours can share a longer prefix. */
	char *near[2];
	size_t n = 0, i = s->file_index;
	if (i > 0)
		near[n++] = (char *)all->files[i - 1].id;
	if (i + 1 < all->nfiles)
		near[n++] = (char *)all->files[i + 1].id;
	size_t len = sd_id_unique_len(s->file.id, near, n);
	memcpy(out, s->file.id, len);
	out[len] = '\0';
}

void sd_summaries_free(struct sd_summaries *s)
{
	free(s->files);
	sd_strvec_clear(&s->problems);
	cache_close(s->cache);
	memset(s, 0, sizeof(*s));
}

/* ---- text search ---- */

/* ASCII lower case, as sd_strcasestr compares (sd_ascii_tolower, whatever
 * the locale), without a function call per byte. */
static unsigned char fold[256];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

static void fold_init(void)
{
	for (int c = 0; c < 256; c++)
		fold[c] = (unsigned char)sd_ascii_tolower(c);
}

static int span_has(const char *text, size_t len, const char *word)
{
	const unsigned char *t = (const unsigned char *)text, *w = (const unsigned char *)word;
	size_t n = strlen(word);
	if (!n)
		return 1;
	if (n > len)
		return 0;
	/* The candidates are found with memchr, for the first byte of the
	 * word in either case, which skips the bytes between them many at a
	 * time; only a candidate is compared with folding. A byte-by-byte
	 * folding loop was most of a rare word's search. */
	unsigned char lo = fold[w[0]];
	unsigned char up = lo >= 'a' && lo <= 'z' ? (unsigned char)(lo - 32) : lo;
	const unsigned char *p = t, *end = t + (len - n) + 1; /* candidates before end */
	const unsigned char *next_lo = NULL, *next_up = NULL;
	while (p < end) {
		if (!next_lo || next_lo < p)
			next_lo = memchr(p, lo, (size_t)(end - p));
		if (up != lo && (!next_up || next_up < p))
			next_up = memchr(p, up, (size_t)(end - p));
		if (!next_lo)
			next_lo = end;
		if (up == lo || !next_up)
			next_up = end;
		const unsigned char *at = next_lo < next_up ? next_lo : next_up;
		if (at >= end)
			return 0;
		size_t k = 1;
		while (k < n && fold[at[k]] == fold[w[k]])
			k++;
		if (k == n)
			return 1;
		p = at + 1;
	}
	return 0;
}

/* The file's bytes, if it is still the one the summary was made from. */
static int read_if_unchanged(struct sd_store *store, const struct sd_summary_info *s,
			     struct sd_buf *out)
{
	struct sd_buf path = SD_BUF_INIT;
	struct stat st;
	int ok = 0;
	sd_buf_adds(&path, sd_store_root(store));
	sd_ticket_path(&path, s->file.id);
	int fd = open(path.data, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	sd_buf_release(&path);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == s->file.size &&
	    (uint64_t)st.st_ino == s->file.ino &&
	    (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec == s->file.mtime_ns &&
	    (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec == s->file.ctime_ns) {
		size_t want = (size_t)st.st_size, got = 0;
		char *data = sd_xmalloc(want + 1);
		while (got < want) {
			ssize_t r = read(fd, data + got, want - got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
			got += (size_t)r;
		}
		sd_buf_add(out, data, got);
		free(data);
		ok = got == want;
	}
	close(fd);
	return ok;
}

/*
 * The texts cache (<git dir>/sd/texts) holds, for each ticket file as
 * lstat saw it, the texts search looks in: title, description, comment
 * bodies, event reasons. It is kept like the summary cache (same layout,
 * same rules) but apart from it, since list never needs it. A record:
 * uint32_t count, then count times uint32_t length and the bytes; padded
 * to eight bytes.
 */

static int text_record_match(const unsigned char *rec, size_t len, const struct sd_strvec *words)
{
	uint32_t count, n;
	if (len < 4)
		return -1;
	memcpy(&count, rec, 4);
	for (size_t w = 0; w < words->n; w++) {
		size_t at = 4;
		int found = 0;
		for (uint32_t i = 0; i < count; i++) {
			if (len - at < 4)
				return -1;
			memcpy(&n, rec + at, 4);
			at += 4;
			if (n > len - at)
				return -1;
			if (!found)
				found = span_has((const char *)rec + at, n, words->v[w]);
			at += n;
		}
		if (!found)
			return 0;
	}
	return 1;
}

/* A ticket searched for the first time since it changed. */
struct text_read {
	const struct sd_summary_info *info;
	size_t slot; /* in the caller's results */
	int result;
	const unsigned char *rec; /* its record, when len > 0 */
	size_t len;
};

struct text_job {
	struct sd_store *store;
	struct text_read *reads;
	const struct sd_strvec *words;
	struct sd_cache *cache; /* whose fresh chunks take the records */
};

static void text_read_one(void *arg, size_t k, int slot)
{
	struct text_job *job = arg;
	struct text_read *r = &job->reads[k];
	const struct sd_summary_info *s = r->info;
	struct sd_buf *record = &job->cache->scratch[slot];
	struct sd_buf raw = SD_BUF_INIT;
	r->result = -1;
	if (s->slim && s->text_known && read_if_unchanged(job->store, s, &raw)) {
		sd_buf_reset(record);
		uint32_t count = (uint32_t)s->nspans;
		sd_buf_add(record, &count, 4);
		for (size_t i = 0; i < s->nspans; i++) {
			uint32_t n = s->spans[i].len;
			sd_buf_add(record, &n, 4);
			sd_buf_add(record, raw.data + s->spans[i].start, n);
		}
		while (record->len % 8)
			sd_buf_addch(record, '\0');
		r->rec = arena_push(&job->cache->fresh[slot], record->data, record->len);
		r->len = record->len;
		r->result = text_record_match(r->rec, r->len, job->words);
	}
	sd_buf_release(&raw);
}

static const struct cache_entry *find_entry(const struct sd_cache *c, const char *id)
{
	size_t lo = 0, hi = c->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = memcmp(c->index[mid].id, id, SD_ID_LEN);
		if (!cmp)
			return &c->index[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct sd_texts {
	struct sd_cache *cache;
	size_t released; /* of the map, by sd_texts_match */
};

struct sd_texts *sd_texts_open(struct sd_store *store)
{
	struct sd_buf path = SD_BUF_INIT;
	struct sd_texts *t = sd_xcalloc(1, sizeof(*t));
	pthread_once(&fold_once, fold_init);
	sd_store_private_path(store, "texts", &path);
	t->cache = cache_open(path.data, TEXT_MAGIC);
	sd_buf_release(&path);
	return t;
}

int sd_texts_match(struct sd_texts *t, const struct sd_summary_info *s,
		   const struct sd_strvec *words)
{
	const struct sd_cache *c = t->cache;
	const struct cache_entry *e = find_entry(c, s->file.id);
	if (!e || !entry_matches(e, &s->file) || !record_fits(c, e))
		return -1;
	int r = text_record_match(c->data + e->rec_off, e->rec_len, words);
	/* The records are in id order too: those passed are not read again
	 * by this search (a rewrite reads them from the page cache). At
	 * 100,000 tickets the texts are 70 MB. */
	release_pages(c->map, &t->released,
		      (size_t)(c->data - (const unsigned char *)c->map) + e->rec_off);
	return r;
}

void sd_texts_close(struct sd_texts *t)
{
	if (!t)
		return;
	cache_close(t->cache);
	free(t);
}

static int cmp_read_file(const void *x, const void *y)
{
	size_t a = ((const struct text_read *)x)->info->file_index;
	size_t b = ((const struct text_read *)y)->info->file_index;
	return a < b ? -1 : a > b;
}

/* Writing the new texts cache in file order while the reads go by: each
 * file's record is this run's (fresh) or the old cache's, if still good. */
struct text_save {
	struct cache_writer w;
	int writing;
	size_t next; /* the first file not yet written */
	const struct sd_cache *old;
	const struct sd_summaries *all;
	const unsigned char *read; /* files with a read in this run */
	const char *path;
};

/* Adds the old cache's records of the files before upto that were not
 * read in this run, starting the writer first if need be. */
static void save_old_upto(struct text_save *ts, size_t upto)
{
	if (!ts->writing) {
		writer_open(&ts->w, ts->path);
		ts->writing = 1;
	}
	for (; ts->next < upto; ts->next++) {
		const struct sd_ticket_file *f = &ts->all->files[ts->next];
		const struct cache_entry *e =
			ts->read[ts->next] ? NULL : find_entry(ts->old, f->id);
		if (e && entry_matches(e, f) && record_fits(ts->old, e))
			writer_add(&ts->w, f, ts->old->data + e->rec_off, e->rec_len);
	}
}

void sd_summaries_text_match(struct sd_store *store, const struct sd_summaries *all,
			     struct sd_texts *texts, const struct sd_summary_info *const *infos,
			     size_t n, const struct sd_strvec *words, int *results)
{
	struct sd_buf path = SD_BUF_INIT;
	pthread_once(&fold_once, fold_init);
	sd_store_private_path(store, "texts", &path);
	struct sd_texts *opened = texts ? NULL : sd_texts_open(store);
	struct sd_cache *c = texts ? texts->cache : opened->cache;
	struct text_read *reads = sd_xcalloc(n ? n : 1, sizeof(*reads));
	unsigned char *read = sd_xcalloc(all->nfiles ? all->nfiles : 1, 1);
	size_t nreads = 0;
	for (size_t i = 0; i < n; i++) {
		const struct cache_entry *e = find_entry(c, infos[i]->file.id);
		results[i] = -1;
		if (e && entry_matches(e, &infos[i]->file) && record_fits(c, e))
			results[i] = text_record_match(c->data + e->rec_off, e->rec_len, words);
		if (results[i] < 0) {
			reads[nreads++] = (struct text_read){ infos[i], i, -1, NULL, 0 };
			if (infos[i]->file_index < all->nfiles)
				read[infos[i]->file_index] = 1;
		}
	}
	/* Kept old records of files gone or changed make the cache worth
	 * rewriting even when nothing new is saved. */
	size_t kept_old = 0;
	for (size_t i = 0; i < all->nfiles; i++) {
		const struct cache_entry *e = read[i] ? NULL : find_entry(c, all->files[i].id);
		kept_old += e && entry_matches(e, &all->files[i]) && record_fits(c, e);
	}
	qsort(reads, nreads, sizeof(*reads), cmp_read_file);

	/* The others are read from their files on all cores, a batch at a
	 * time in file order, so that the new cache is written as they go and
	 * never held whole: at 100,000 tickets it is 250 MB. */
	struct text_save ts = { .old = c, .all = all, .read = read, .path = path.data };
	int64_t recent = now_ns() - SD_CACHE_RACY_NS;
	for (size_t start = 0; start < nreads; start += FRESH_BATCH) {
		size_t len = nreads - start < FRESH_BATCH ? nreads - start : FRESH_BATCH;
		struct text_job job = { store, reads + start, words, c };
		sd_parallel_for(len, FILES_PER_THREAD, text_read_one, &job);
		for (size_t r = start; r < start + len; r++) {
			const struct sd_summary_info *s = reads[r].info;
			results[reads[r].slot] = reads[r].result;
			if (!reads[r].len || s->file.mtime_ns > recent ||
			    s->file.ctime_ns > recent || s->file_index >= all->nfiles)
				continue;
			save_old_upto(&ts, s->file_index);
			writer_add(&ts.w, &s->file, reads[r].rec, reads[r].len);
			ts.next = s->file_index + 1;
		}
		for (int t = 0; t < SD_THREADS_MAX; t++)
			arena_free(&c->fresh[t]);
	}
	if (ts.writing || kept_old != c->count) {
		save_old_upto(&ts, all->nfiles);
		writer_finish(&ts.w, path.data, TEXT_MAGIC);
	}
	free(read);
	free(reads);
	sd_texts_close(opened);
	sd_buf_release(&path);
}

int sd_ticket_text_match(const struct sd_ticket *t, const struct sd_strvec *words)
{
	for (size_t w = 0; w < words->n; w++) {
		const char *word = words->v[w];
		int found = sd_strcasestr(sd_ticket_get(t, SD_F_TITLE), word) ||
			sd_strcasestr(t->description, word);
		for (size_t i = 0; !found && i < t->nentries; i++) {
			const struct sd_entry *e = &t->entries[i];
			found = sd_strcasestr(e->kind == SD_ENTRY_COMMENT ? e->body : e->reason,
					      word) != NULL;
		}
		if (!found)
			return 0;
	}
	return 1;
}
