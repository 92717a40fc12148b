/* SPDX-License-Identifier: MIT */
#ifndef SD_UTIL_H
#define SD_UTIL_H

#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

/* Allocation wrappers: they abort with a message when memory runs out. */
void *sd_xmalloc(size_t n);
void *sd_xcalloc(size_t n, size_t size);
void *sd_xrealloc(void *p, size_t n);
char *sd_xstrdup(const char *s);
char *sd_xstrndup(const char *s, size_t n);

/* A list of owned strings. sd_strvec_clear frees every string. */
struct sd_strvec {
	char **v;
	size_t n;
	size_t alloc;
};
/* clang-format off */
#define SD_STRVEC_INIT { NULL, 0, 0 }
/* clang-format on */
/* Appends a copy of s. */
void sd_strvec_push(struct sd_strvec *sv, const char *s);
/* Appends s itself; the vector takes ownership. */
void sd_strvec_push_owned(struct sd_strvec *sv, char *s);
void sd_strvec_clear(struct sd_strvec *sv);
int sd_strvec_has(const struct sd_strvec *sv, const char *s);
void sd_strvec_sort(struct sd_strvec *sv);
/* Drops every string that equals an earlier one, keeping the order of the
 * rest, in O(n log n). */
void sd_strvec_uniq(struct sd_strvec *sv);

/* Finding repeated keys by sorting rather than comparing every pair, as
 * hostile input may hold hundreds of thousands: repeat[i] is set for each
 * item whose key equals that of an item of lower rank (of equal ranks,
 * lower index); the first of each key is left unset, and so is an item
 * whose key is NULL. */
struct sd_keyed {
	const char *key;
	size_t rank; /* such as a line number */
};
void sd_mark_repeats(const struct sd_keyed *items, size_t n, unsigned char *repeat);

/* Sorts items by key, then rank, so that sd_keyed_find can look keys up
 * in log time: lookups by key never scan (a hostile side of a merge or an
 * import may hold 100,000 items). Keys must not be NULL. */
void sd_keyed_sort(struct sd_keyed *items, size_t n);

/* The rank of the first item (lowest rank) with key in a table sorted by
 * sd_keyed_sort, or SIZE_MAX when none has it. */
size_t sd_keyed_find(const struct sd_keyed *items, size_t n, const char *key);

/* Appends the items of a comma-separated list, blanks trimmed, empty items
 * dropped: " a, b,,c " gives a, b, c. */
void sd_strvec_split(struct sd_strvec *out, const char *list);

/* ASCII character classes and case folding, the same in every locale.
 * The <ctype.h> functions follow LC_CTYPE, which sd sets from the user's
 * environment: under tr_TR.UTF-8 tolower('I') is 'I' (its lower case,
 * dotless i, has no single-byte form), so two cron jobs in different
 * locales would disagree on which queue or requester a text names. sd
 * never calls them (they are poisoned below, after their headers, so a
 * call does not compile); bytes outside ASCII are never letters or
 * blanks here, so UTF-8 text beyond ASCII compares byte for byte. */
/* clang-format off */
#undef tolower
#undef toupper
#undef isupper
#undef islower
#undef isalpha
#undef isalnum
#undef isdigit
#undef isspace
#undef isxdigit
#undef isprint
#undef iscntrl
#undef ispunct
#undef isgraph
#undef strcasecmp
#undef strncasecmp
/* clang-format on */
#pragma GCC poison tolower toupper isupper islower isalpha isalnum isdigit isspace isxdigit
#pragma GCC poison isprint iscntrl ispunct isgraph strcasecmp strncasecmp
static inline int sd_ascii_isupper(int c)
{
	return c >= 'A' && c <= 'Z';
}
static inline int sd_ascii_islower(int c)
{
	return c >= 'a' && c <= 'z';
}
static inline int sd_ascii_isalpha(int c)
{
	return sd_ascii_isupper(c) || sd_ascii_islower(c);
}
static inline int sd_ascii_isdigit(int c)
{
	return c >= '0' && c <= '9';
}
static inline int sd_ascii_isalnum(int c)
{
	return sd_ascii_isalpha(c) || sd_ascii_isdigit(c);
}
static inline int sd_ascii_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
static inline int sd_ascii_tolower(int c)
{
	return sd_ascii_isupper(c) ? c - 'A' + 'a' : c;
}
static inline int sd_ascii_toupper(int c)
{
	return sd_ascii_islower(c) ? c - 'a' + 'A' : c;
}

int sd_streq(const char *a, const char *b);
/* Equality with ASCII letters folded (sd_ascii_tolower), whatever the
 * locale: for queues, tiers, e-mail addresses and file suffixes. */
int sd_strcaseeq(const char *a, const char *b);
/* The same for at most n bytes, as strncasecmp in the C locale. */
int sd_strncaseeq(const char *a, const char *b, size_t n);
int sd_starts_with(const char *s, const char *prefix);

/* Splits a command line such as "vim -f" on blanks into argv (no shell, no
 * quoting rules beyond single and double quotes). */
void sd_split_command(struct sd_strvec *out, const char *cmd);

/* Edit distance with transpositions ("titel" is one step from "title"),
 * for "did you mean"; words over 32 bytes are never close (99). */
size_t sd_edit_distance(const char *a, const char *b);

/* Writes all len bytes, retrying short writes; -1 (errno set) on failure. */
int sd_write_all(int fd, const void *data, size_t len);

/* Calls work(arg, i, slot) for every i in [0, n), spread over up to
 * SD_THREADS_MAX threads (no more than there are processors, and none for
 * fewer than per_thread items each). slot, below SD_THREADS_MAX, names the
 * calling thread, so work can keep output of its own without locks. For
 * work that costs system calls, as reading many files does. */
#define SD_THREADS_MAX 4
typedef void sd_parallel_fn(void *arg, size_t i, int slot);
void sd_parallel_for(size_t n, size_t per_thread, sd_parallel_fn *work, void *arg);

#endif
