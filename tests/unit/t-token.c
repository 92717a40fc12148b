/* SPDX-License-Identifier: MIT */
/* Status-link tokens: HMAC-SHA256 against values computed with Python's
 * hmac module, and verification of wrong, short and long tokens. */

#include <string.h>

#include "sd/token.h"
#include "unit.h"

int main(void)
{
	unsigned char secret[32];
	for (int i = 0; i < 32; i++)
		secret[i] = (unsigned char)i;
	struct sd_token_key *key = sd_token_key_from_bytes(secret, sizeof(secret));
	char tok[SD_TOKEN_LEN + 1];
	const char *id = "0123456789ab";

	/* python3: base64.urlsafe_b64encode(hmac.new(bytes(range(32)),
	 * b"sd-status-link\n0123456789ab", "sha256").digest()) */
	sd_token_make(key, id, tok);
	CHECK_STR("kWoebOIEXS7C3pGTGcAS5WompN3Xte8gOHpqGdJ0DBI", tok, "token of 0123456789ab");
	sd_token_mac(key, "form", "xyz", 3, tok);
	CHECK_STR("JOIYFnjypk7UmxyvKiiSVHEffjcMkKNwiHT-327m_N0", tok, "mac of form xyz");

	sd_token_make(key, id, tok);
	CHECK(sd_token_verify(key, id, tok), "its own token verifies");
	CHECK(!sd_token_verify(key, "0123456789ac", tok), "another ticket's token does not");
	char bad[SD_TOKEN_LEN + 2];
	memcpy(bad, tok, sizeof(tok));
	bad[5] ^= 1;
	CHECK(!sd_token_verify(key, id, bad), "a changed character fails");
	memcpy(bad, tok, sizeof(tok));
	bad[SD_TOKEN_LEN - 1] = '\0';
	CHECK(!sd_token_verify(key, id, bad), "a truncated token fails");
	memcpy(bad, tok, sizeof(tok));
	bad[SD_TOKEN_LEN] = 'A';
	bad[SD_TOKEN_LEN + 1] = '\0';
	CHECK(!sd_token_verify(key, id, bad), "a longer token fails");
	CHECK(!sd_token_verify(key, id, ""), "an empty token fails");
	CHECK(!sd_token_verify(key, "../../etc", tok), "a non-id fails");
	CHECK(sd_token_mac_verify(key, "form", "xyz", 3,
				  "JOIYFnjypk7UmxyvKiiSVHEffjcMkKNwiHT-327m_N0"),
	      "a form mac verifies");
	CHECK(!sd_token_mac_verify(key, "other", "xyz", 3,
				   "JOIYFnjypk7UmxyvKiiSVHEffjcMkKNwiHT-327m_N0"),
	      "labels keep uses apart");

	unsigned char other[32] = { 1 };
	struct sd_token_key *key2 = sd_token_key_from_bytes(other, sizeof(other));
	CHECK(!sd_token_verify(key2, id, tok), "another clone's secret gives other tokens");
	sd_token_key_free(key2);
	sd_token_key_free(key);
	return unit_done("t-token");
}
