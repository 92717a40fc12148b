/* SPDX-License-Identifier: MIT */
#ifndef SD_SHA1_H
#define SD_SHA1_H

/* SHA-1, as git names objects and checks its index and pack files. Only
 * for files git itself will read: git's own choice of hash. */

#include <stddef.h>
#include <stdint.h>

struct sd_sha1_ctx {
	uint32_t h[5];
	uint64_t len;
	unsigned char block[64];
	size_t used;
};

void sd_sha1_init(struct sd_sha1_ctx *c);
void sd_sha1_add(struct sd_sha1_ctx *c, const void *data, size_t len);
void sd_sha1_done(struct sd_sha1_ctx *c, unsigned char out[20]);
/* For tests: 1 makes the portable code run even where the processor's
 * SHA instructions would. */
void sd_sha1_portable_only(int on);
/* All three at once. */
void sd_sha1(const void *data, size_t len, unsigned char out[20]);
/* The name git gives an object of type ("blob", "tree", "commit") with
 * this content: the SHA-1 of "TYPE LEN\0" and the content. Much faster
 * than libgit2's collision-detecting hash, which is for objects from
 * others; this one is for content sd is about to write or compare. */
void sd_git_object_id(const char *type, const void *data, size_t len, unsigned char out[20]);

#endif
