/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sd/buf.h"
#include "sd/util.h"

char sd_buf_empty[1];

void sd_buf_init(struct sd_buf *buf)
{
	buf->data = sd_buf_empty;
	buf->len = buf->alloc = 0;
}

void sd_buf_grow(struct sd_buf *buf, size_t extra)
{
	size_t need = buf->len + extra + 1;
	if (need <= buf->alloc)
		return;
	size_t alloc = buf->alloc ? buf->alloc : 64;
	while (alloc < need)
		alloc = alloc * 3 / 2 + 16;
	if (buf->alloc == 0) {
		buf->data = sd_xmalloc(alloc);
		buf->data[0] = '\0';
	} else {
		buf->data = sd_xrealloc(buf->data, alloc);
	}
	buf->alloc = alloc;
}

void sd_buf_add(struct sd_buf *buf, const void *data, size_t len)
{
	if (!len)
		return;
	sd_buf_grow(buf, len);
	memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
}

void sd_buf_adds(struct sd_buf *buf, const char *s)
{
	sd_buf_add(buf, s, strlen(s));
}

void sd_buf_addch(struct sd_buf *buf, char c)
{
	sd_buf_add(buf, &c, 1);
}

void sd_buf_printf(struct sd_buf *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char small[256];
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		sd_buf_add(buf, small, (size_t)n);
		return;
	}
	sd_buf_grow(buf, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->len += (size_t)n;
}

void sd_buf_setlen(struct sd_buf *buf, size_t len)
{
	if (len > buf->len)
		abort();
	buf->len = len;
	if (buf->alloc)
		buf->data[len] = '\0';
}

void sd_buf_reset(struct sd_buf *buf)
{
	sd_buf_setlen(buf, 0);
}

char *sd_buf_detach(struct sd_buf *buf)
{
	char *s = buf->alloc ? buf->data : sd_xstrdup("");
	sd_buf_init(buf);
	return s;
}

void sd_buf_release(struct sd_buf *buf)
{
	if (buf->alloc)
		free(buf->data);
	sd_buf_init(buf);
}

sd_error *sd_buf_read_file(struct sd_buf *buf, const char *path, size_t max)
{
	int is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "rbe");
	if (!f)
		return sd_error_new(errno == ENOENT ? SD_EXIT_INVALID : SD_EXIT_FATAL,
				    "cannot open %s: %s", path, strerror(errno));
	char chunk[65536];
	size_t n;
	sd_error *err = NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf->len + n > max) {
			err = sd_error_invalid("%s is larger than the limit of %zu bytes",
					       is_stdin ? "standard input" : path, max);
			break;
		}
		sd_buf_add(buf, chunk, n);
	}
	if (!err && ferror(f))
		err = sd_error_new(errno == EISDIR ? SD_EXIT_INVALID : SD_EXIT_FATAL,
				   "cannot read %s: %s", is_stdin ? "standard input" : path,
				   strerror(errno));
	if (!is_stdin)
		fclose(f);
	return err;
}
