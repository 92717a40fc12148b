/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sd/util.h"

static void out_of_memory(size_t n)
{
	fprintf(stderr, "sd: out of memory allocating %zu bytes\n", n);
	abort();
}

void *sd_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *sd_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory(n * size);
	return p;
}

void *sd_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(n);
	return q;
}

char *sd_xstrdup(const char *s)
{
	return sd_xstrndup(s, strlen(s));
}

char *sd_xstrndup(const char *s, size_t n)
{
	char *p = sd_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void sd_strvec_push_owned(struct sd_strvec *sv, char *s)
{
	if (sv->n + 1 >= sv->alloc) {
		sv->alloc = sv->alloc ? sv->alloc * 2 : 16;
		sv->v = sd_xrealloc(sv->v, sv->alloc * sizeof(*sv->v));
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void sd_strvec_push(struct sd_strvec *sv, const char *s)
{
	sd_strvec_push_owned(sv, sd_xstrdup(s));
}

void sd_strvec_clear(struct sd_strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->alloc = 0;
}

int sd_strvec_has(const struct sd_strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void sd_strvec_sort(struct sd_strvec *sv)
{
	if (sv->n > 1)
		qsort(sv->v, sv->n, sizeof(*sv->v), cmp_str);
}

struct keyed_at {
	struct sd_keyed k;
	size_t index;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed_at *x = a, *y = b;
	int c = strcmp(x->k.key, y->k.key);
	if (c)
		return c;
	if (x->k.rank != y->k.rank)
		return x->k.rank < y->k.rank ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

static int cmp_key_rank(const void *a, const void *b)
{
	const struct sd_keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->rank > y->rank) - (x->rank < y->rank);
}

void sd_keyed_sort(struct sd_keyed *items, size_t n)
{
	if (n > 1)
		qsort(items, n, sizeof(*items), cmp_key_rank);
}

size_t sd_keyed_find(const struct sd_keyed *items, size_t n, const char *key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(items[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !strcmp(items[lo].key, key) ? items[lo].rank : SIZE_MAX;
}

void sd_mark_repeats(const struct sd_keyed *items, size_t n, unsigned char *repeat)
{
	struct keyed_at *v = sd_xmalloc((n ? n : 1) * sizeof(*v));
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		repeat[i] = 0;
		if (items[i].key)
			v[m++] = (struct keyed_at){ items[i], i };
	}
	qsort(v, m, sizeof(*v), cmp_keyed);
	for (size_t k = 1; k < m; k++)
		if (!strcmp(v[k].k.key, v[k - 1].k.key))
			repeat[v[k].index] = 1;
	free(v);
}

void sd_strvec_uniq(struct sd_strvec *sv)
{
	if (sv->n < 2)
		return;
	struct sd_keyed *items = sd_xmalloc(sv->n * sizeof(*items));
	unsigned char *dup = sd_xmalloc(sv->n);
	for (size_t i = 0; i < sv->n; i++)
		items[i] = (struct sd_keyed){ sv->v[i], i };
	sd_mark_repeats(items, sv->n, dup);
	size_t out = 0;
	for (size_t i = 0; i < sv->n; i++) {
		if (dup[i])
			free(sv->v[i]);
		else
			sv->v[out++] = sv->v[i];
	}
	sv->n = out;
	sv->v[out] = NULL;
	free(dup);
	free(items);
}

void sd_strvec_split(struct sd_strvec *out, const char *list)
{
	const char *p = list;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *start = p;
		while (*p && *p != ',')
			p++;
		const char *end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end > start)
			sd_strvec_push_owned(out, sd_xstrndup(start, (size_t)(end - start)));
	}
}

int sd_streq(const char *a, const char *b)
{
	return !strcmp(a, b);
}

int sd_strcaseeq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (sd_ascii_tolower((unsigned char)*a) != sd_ascii_tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

int sd_strncaseeq(const char *a, const char *b, size_t n)
{
	for (; n && *a && *b; a++, b++, n--)
		if (sd_ascii_tolower((unsigned char)*a) != sd_ascii_tolower((unsigned char)*b))
			return 0;
	return !n || *a == *b;
}

int sd_starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

void sd_split_command(struct sd_strvec *out, const char *cmd)
{
	const char *p = cmd;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		size_t cap = strlen(p) + 1, len = 0;
		char *word = sd_xmalloc(cap);
		char quote = 0;
		for (; *p; p++) {
			if (quote) {
				if (*p == quote)
					quote = 0;
				else
					word[len++] = *p;
			} else if (*p == '\'' || *p == '"') {
				quote = *p;
			} else if (*p == ' ' || *p == '\t' || *p == '\n') {
				break;
			} else {
				word[len++] = *p;
			}
		}
		word[len] = '\0';
		sd_strvec_push_owned(out, word);
	}
}

int sd_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

struct parallel_part {
	size_t n, first, step;
	int slot;
	sd_parallel_fn *work;
	void *arg;
};

static void *parallel_worker(void *arg)
{
	struct parallel_part *part = arg;
	for (size_t i = part->first; i < part->n; i += part->step)
		part->work(part->arg, i, part->slot);
	return NULL;
}

void sd_parallel_for(size_t n, size_t per_thread, sd_parallel_fn *work, void *arg)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nthreads = per_thread ? n / per_thread : 1;
	if (cpus > 0 && nthreads > (size_t)cpus)
		nthreads = (size_t)cpus;
	if (nthreads > SD_THREADS_MAX)
		nthreads = SD_THREADS_MAX;
	if (nthreads < 1)
		nthreads = 1;
	struct parallel_part parts[SD_THREADS_MAX];
	pthread_t threads[SD_THREADS_MAX];
	int started[SD_THREADS_MAX] = { 0 };
	for (size_t i = 0; i < nthreads; i++)
		parts[i] = (struct parallel_part){ n, i, nthreads, (int)i, work, arg };
	for (size_t i = 1; i < nthreads; i++)
		started[i] = pthread_create(&threads[i], NULL, parallel_worker, &parts[i]) == 0;
	parallel_worker(&parts[0]);
	/* A thread that could not start leaves its part to this one. */
	for (size_t i = 1; i < nthreads; i++) {
		if (started[i])
			pthread_join(threads[i], NULL);
		else
			parallel_worker(&parts[i]);
	}
}

size_t sd_edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b), d[33][33];
	if (n > 32 || m > 32)
		return 99;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[n][m];
}
