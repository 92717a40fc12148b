/* SPDX-License-Identifier: MIT */
#ifndef SD_BUF_H
#define SD_BUF_H

/*
 * A growable byte string.
 *
 * Rules: `data` is never NULL and is always NUL-terminated, so a buffer can
 * be passed as a C string at any time (the empty buffer points at a static
 * ""). The buffer owns `data`; sd_buf_detach() hands it to the caller, who
 * frees it with free(). Running out of memory aborts: there is no sensible
 * way for a command-line tool to continue.
 */

#include <stddef.h>
#include "sd/error.h"

struct sd_buf {
	char *data;
	size_t len;
	size_t alloc;
};

extern char sd_buf_empty[];
/* clang-format off */
#define SD_BUF_INIT { sd_buf_empty, 0, 0 }
/* clang-format on */

void sd_buf_init(struct sd_buf *buf);
void sd_buf_grow(struct sd_buf *buf, size_t extra);
void sd_buf_add(struct sd_buf *buf, const void *data, size_t len);
void sd_buf_adds(struct sd_buf *buf, const char *s);
void sd_buf_addch(struct sd_buf *buf, char c);
void sd_buf_printf(struct sd_buf *buf, const char *fmt, ...) SD_PRINTF(2, 3);
void sd_buf_setlen(struct sd_buf *buf, size_t len);
void sd_buf_reset(struct sd_buf *buf);
/* Returns the string; the caller frees it with free(). The buffer is reset. */
char *sd_buf_detach(struct sd_buf *buf);
void sd_buf_release(struct sd_buf *buf);

/* Reads a whole file (or stdin when path is "-") into buf, refusing more
 * than max bytes. */
sd_error *sd_buf_read_file(struct sd_buf *buf, const char *path, size_t max);

#endif
