/* SPDX-License-Identifier: MIT */
#ifndef SD_ID_H
#define SD_ID_H

/*
 * Ticket and entry ids: lowercase Crockford base32. A ticket id has 12
 * characters (60 random bits), an entry id 10 (50 random bits), so clones
 * that work offline never collide in practice.
 */

#include <stddef.h>
#include "sd/error.h"

#define SD_ID_LEN 12
#define SD_ENTRY_ID_LEN 10
#define SD_SHORT_ID_MIN 4
#define SD_ID_ALPHABET "0123456789abcdefghjkmnpqrstvwxyz"

/* Writes len random id characters and a NUL to out (len + 1 bytes). */
sd_error *sd_id_generate(char *out, size_t len);
/* Writes len id characters and a NUL, derived from the n strings in parts
 * (each hashed with its length, so no choice of text makes two different
 * lists alike by construction). For records that every clone must create
 * with the same id. */
void sd_id_from_content(char *out, size_t len, const char *const *parts, size_t n);
/* 1 when s is a full ticket id. */
int sd_id_valid(const char *s);
/* Checks a user-typed prefix of SD_SHORT_ID_MIN to SD_ID_LEN characters;
 * on success writes it lowercased to out (SD_ID_LEN + 1 bytes). */
sd_error *sd_id_normalize_prefix(char out[SD_ID_LEN + 1], const char *s);
/* Length of the shortest prefix of id that no other id in others shares,
 * at least SD_SHORT_ID_MIN. */
size_t sd_id_unique_len(const char *id, char *const *others, size_t n);

#endif
