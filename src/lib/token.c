/* SPDX-License-Identifier: MIT */
/* Status-link tokens: the clone's secret and HMAC-SHA256 (token.h). */
#define _GNU_SOURCE /* mkostemp: descriptors closed on exec */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "sd/id.h"
#include "sd/token.h"
#include "sd/util.h"

struct sd_token_key {
	unsigned char secret[SD_TOKEN_SECRET_LEN];
};

struct sd_token_key *sd_token_key_from_bytes(const unsigned char *secret, size_t len)
{
	struct sd_token_key *k = sd_xcalloc(1, sizeof(*k));
	memcpy(k->secret, secret, len < sizeof(k->secret) ? len : sizeof(k->secret));
	return k;
}

void sd_token_key_free(struct sd_token_key *key)
{
	if (!key)
		return;
	OPENSSL_cleanse(key->secret, sizeof(key->secret));
	free(key);
}

/* Reads exactly SD_TOKEN_SECRET_LEN bytes from path into secret. Returns
 * 0, or -1 with errno (ENOENT: no file yet), or -2 for a wrong size. */
static int read_secret(const char *path, unsigned char *secret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	unsigned char extra[SD_TOKEN_SECRET_LEN + 1];
	size_t got = 0;
	ssize_t r;
	while (got < sizeof(extra) && (r = read(fd, extra + got, sizeof(extra) - got)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	if (got != SD_TOKEN_SECRET_LEN) {
		OPENSSL_cleanse(extra, sizeof(extra));
		return -2;
	}
	memcpy(secret, extra, SD_TOKEN_SECRET_LEN);
	OPENSSL_cleanse(extra, sizeof(extra));
	return 0;
}

/* Writes a new secret to a temporary file and links it into place: the
 * link fails if another process made one first, and then both use that
 * one, so two servers or a server and sd mail started together never hand
 * out links under different secrets. */
static sd_error *make_secret(const char *path)
{
	unsigned char secret[SD_TOKEN_SECRET_LEN];
	struct sd_buf tmp = SD_BUF_INIT;
	sd_error *err = NULL;
	int fd = -1;
	if (RAND_bytes(secret, sizeof(secret)) != 1)
		return sd_error_fatal("cannot get random bytes for the portal secret from OpenSSL");
	sd_buf_printf(&tmp, "%s.tmpXXXXXX", path);
	if ((fd = mkostemp(tmp.data, O_CLOEXEC)) < 0) {
		err = sd_error_errno(tmp.data);
		goto done;
	}
	if (fchmod(fd, 0600) < 0 || write(fd, secret, sizeof(secret)) != (ssize_t)sizeof(secret) ||
	    fsync(fd) < 0) {
		err = sd_error_errno(tmp.data);
		goto done;
	}
	if (link(tmp.data, path) < 0 && errno != EEXIST)
		err = sd_error_errno(path);
done:
	OPENSSL_cleanse(secret, sizeof(secret));
	if (fd >= 0) {
		close(fd);
		unlink(tmp.data);
	}
	sd_buf_release(&tmp);
	return err;
}

sd_error *sd_token_key_load(struct sd_token_key **out, struct sd_store *store)
{
	struct sd_buf path = SD_BUF_INIT;
	struct sd_token_key *k = sd_xcalloc(1, sizeof(*k));
	sd_error *err = NULL;
	*out = NULL;
	sd_store_private_path(store, SD_TOKEN_SECRET_NAME, &path);
	int r = read_secret(path.data, k->secret);
	if (r == -1 && errno == ENOENT) {
		if (!(err = make_secret(path.data)))
			r = read_secret(path.data, k->secret);
	}
	if (!err && r == -2)
		err = sd_error_fatal("%s: the portal secret must be exactly %d bytes; remove the "
				     "file to make a new one (every status link sent so far "
				     "stops working)",
				     path.data, SD_TOKEN_SECRET_LEN);
	else if (!err && r < 0)
		err = sd_error_errno(path.data);
	if (err)
		sd_token_key_free(k);
	else
		*out = k;
	sd_buf_release(&path);
	return err;
}

void sd_token_mac(const struct sd_token_key *key, const char *label, const void *data, size_t len,
		  char out[SD_TOKEN_LEN + 1])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	unsigned char b64[4 * ((32 + 2) / 3) + 1];
	struct sd_buf msg = SD_BUF_INIT;
	sd_buf_adds(&msg, label);
	sd_buf_addch(&msg, '\n');
	sd_buf_add(&msg, data, len);
	/* OpenSSL without HMAC-SHA256 cannot make tokens at all. */
	if (!HMAC(EVP_sha256(), key->secret, sizeof(key->secret), (const unsigned char *)msg.data,
		  msg.len, mac, &maclen) ||
	    maclen != 32)
		abort();
	sd_buf_release(&msg);
	EVP_EncodeBlock(b64, mac, (int)maclen);
	OPENSSL_cleanse(mac, sizeof(mac));
	for (size_t i = 0; i < SD_TOKEN_LEN; i++)
		out[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : (char)b64[i];
	out[SD_TOKEN_LEN] = '\0';
}

void sd_token_make(const struct sd_token_key *key, const char *id, char out[SD_TOKEN_LEN + 1])
{
	sd_token_mac(key, "sd-status-link", id, strlen(id), out);
}

int sd_token_mac_verify(const struct sd_token_key *key, const char *label, const void *data,
			size_t len, const char *mac)
{
	char want[SD_TOKEN_LEN + 1];
	char given[SD_TOKEN_LEN + 1];
	sd_token_mac(key, label, data, len, want);
	/* Copy at most SD_TOKEN_LEN bytes so the comparison always covers
	 * the same length; a shorter or longer token differs somewhere. */
	size_t n = strnlen(mac, SD_TOKEN_LEN + 1);
	memset(given, 0, sizeof(given));
	memcpy(given, mac, n < SD_TOKEN_LEN ? n : SD_TOKEN_LEN);
	int same = CRYPTO_memcmp(want, given, SD_TOKEN_LEN) == 0;
	return same && n == SD_TOKEN_LEN;
}

int sd_token_verify(const struct sd_token_key *key, const char *id, const char *token)
{
	return sd_id_valid(id) & sd_token_mac_verify(key, "sd-status-link", id, strlen(id), token);
}

sd_error *sd_status_link(struct sd_store *store, const char *id, struct sd_buf *buf)
{
	const char *base = sd_store_config(store)->portal.base_url;
	struct sd_token_key *key = NULL;
	char token[SD_TOKEN_LEN + 1];
	if (!base || !*base)
		return NULL;
	if (!sd_id_valid(id))
		return sd_error_invalid("'%s' is not a ticket id", id);
	sd_error *err = sd_token_key_load(&key, store);
	if (err)
		return err;
	sd_token_make(key, id, token);
	sd_buf_printf(buf, "%s/t/%s/%s", base, id, token);
	sd_token_key_free(key);
	return NULL;
}
