/* SPDX-License-Identifier: MIT */
#ifndef SD_TRUST_H
#define SD_TRUST_H

/*
 * Which commands from configuration may run on this clone.
 *
 * Anyone who can push can change the tracked .sd/config.yaml, and every
 * clone pulls it, so a command named there is a request, not an order: it
 * runs only once a person approved that exact argv on this clone (sd trust
 * --approve), recorded in .git/sd/trusted, which nothing pulls or pushes.
 * Changing a single byte of the argv in the tracked file withdraws the
 * approval. A command in the local .git/sd/config.yaml runs as it is: the
 * clone's owner wrote it there.
 *
 * .git/sd/trusted holds one line per approval: the key, a tab, and the
 * arguments separated by tabs, each with backslash, tab, newline and other
 * control bytes escaped (\\, \t, \n, \xNN), so that equal lines mean equal
 * argv and the file can be read and edited by hand.
 */

#include "sd/config.h"
#include "sd/error.h"
#include "sd/store.h"
#include "sd/util.h"

enum sd_trust_state {
	SD_TRUST_UNSET,	     /* no command for the key */
	SD_TRUST_LOCAL,	     /* from .git/sd/config.yaml: runs */
	SD_TRUST_APPROVED,   /* from .sd/config.yaml, approved as it is: runs */
	SD_TRUST_UNAPPROVED, /* from .sd/config.yaml, never approved: skipped */
	SD_TRUST_CHANGED     /* from .sd/config.yaml, approved with another argv: skipped */
};
/* "unset", "local", "approved", "not approved", "changed"; by state. */
extern const char *const sd_trust_states[];

/* The approvals of this clone. */
struct sd_trust;

/* Reads .git/sd/trusted (none yet: no approvals). Free with sd_trust_free. */
sd_error *sd_trust_load(struct sd_trust **out, struct sd_store *store);
void sd_trust_free(struct sd_trust *trust);

/* What runs for command key (an sd_command_key): *state says why, and the
 * return value is the argv to run, or NULL when nothing may run (unset,
 * set to an empty list locally, or not approved). Owned by cfg. */
const struct sd_strvec *sd_trust_command(const struct sd_trust *trust, const struct sd_config *cfg,
					 int key, enum sd_trust_state *state);

/* Approves the tracked argv of key as it is now, or revokes the approval
 * of key, and writes .git/sd/trusted (under the store lock). Approving a
 * key with no tracked command, or revoking one with no approval, is an
 * error (status 2) and changes nothing. */
sd_error *sd_trust_approve(struct sd_trust *trust, const struct sd_config *cfg, int key);
sd_error *sd_trust_revoke(struct sd_trust *trust, int key);

/* The argv for a person to review: ["prog", "arg"], with `"` and `\`
 * escaped by a backslash and every byte outside printable ASCII as \xNN,
 * so that what is shown is exactly what would run: no control character,
 * bidirectional override or look-alike letter can disguise an argument. */
void sd_trust_show_argv(struct sd_buf *out, const struct sd_strvec *argv);

#endif
