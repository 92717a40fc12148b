/* SPDX-License-Identifier: MIT */
#ifndef SD_TOKEN_H
#define SD_TOKEN_H

/*
 * Status-link tokens: what lets a requester, who has no account, open
 * their own ticket on the portal and no other.
 *
 * Each clone keeps a secret of SD_TOKEN_SECRET_LEN random bytes (OpenSSL's
 * RAND_bytes) in .git/sd/portal-secret, mode 0600, made on first use and
 * never committed. A ticket's token is HMAC-SHA256 under that secret of
 * "sd-status-link\n" followed by the ticket id, written in unpadded
 * base64url (43 characters); the status link is BASE_URL/t/ID/TOKEN.
 * Tokens of one clone do not open tickets on another clone with another
 * secret: copy the file to serve the same links from two machines.
 *
 * The module owns the key: sd_token_key_load returns one the caller frees
 * with sd_token_key_free, which wipes it.
 */

#include <stddef.h>

#include "sd/buf.h"
#include "sd/error.h"
#include "sd/store.h"

#define SD_TOKEN_SECRET_LEN 32
/* Characters of a token: 32 bytes of HMAC in unpadded base64url. */
#define SD_TOKEN_LEN 43
/* The secret's name under .git/sd/. */
#define SD_TOKEN_SECRET_NAME "portal-secret"

struct sd_token_key;

/* Reads the clone's secret, making it (0600, through a temporary file and
 * link, so two processes that start at once agree) when it is missing.
 * A secret file of the wrong size is an error naming it. */
sd_error *sd_token_key_load(struct sd_token_key **out, struct sd_store *store);
/* The key from the given secret bytes (for tests and fuzz targets). */
struct sd_token_key *sd_token_key_from_bytes(const unsigned char *secret, size_t len);
void sd_token_key_free(struct sd_token_key *key);

/* HMAC-SHA256 under key of label, a newline and the len bytes of data,
 * in unpadded base64url: SD_TOKEN_LEN characters and a NUL into out.
 * Labels keep the uses of the one secret apart (status links, forms). */
void sd_token_mac(const struct sd_token_key *key, const char *label, const void *data, size_t len,
		  char out[SD_TOKEN_LEN + 1]);
/* The status-link token of ticket id. */
void sd_token_make(const struct sd_token_key *key, const char *id, char out[SD_TOKEN_LEN + 1]);
/* 1 when token is id's token. The comparison takes the same time whatever
 * the token holds (CRYPTO_memcmp over a fixed length), and a token of the
 * wrong length is simply wrong: callers answer it as an unknown ticket. */
int sd_token_verify(const struct sd_token_key *key, const char *id, const char *token);
/* 1 when mac (any string) is the sd_token_mac of label and data, in
 * constant time. */
int sd_token_mac_verify(const struct sd_token_key *key, const char *label, const void *data,
			size_t len, const char *mac);

/* Appends to buf the status link of ticket id, "BASE_URL/t/ID/TOKEN",
 * when portal.base_url is set in the local configuration; appends
 * nothing when it is not (*buf unchanged, no error). */
sd_error *sd_status_link(struct sd_store *store, const char *id, struct sd_buf *buf);

#endif
