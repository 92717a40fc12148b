/* SPDX-License-Identifier: MIT */
#ifndef SD_YAMLNODE_H
#define SD_YAMLNODE_H

/*
 * Reading .sd/config.yaml as libyaml's node tree (config.c, team.c): the
 * node at an index, its plain value, and errors that name the file and
 * line of the node at fault, so every section's messages read alike.
 *
 * The document and the path belong to the caller; these functions keep
 * nothing. Errors are new sd_errors with status 2, the caller's to free.
 */

#include <yaml.h>

#include "sd/error.h"
#include "sd/util.h"

struct sd_ydoc {
	yaml_document_t *doc;
	const char *path; /* as errors name the file */
};

yaml_node_t *sd_ynode(const struct sd_ydoc *d, int index);
/* The value of a scalar node; NULL for a list, a mapping or no node. */
const char *sd_yscalar(const yaml_node_t *n);

/* "PATH:LINE: message", LINE that of node n. */
sd_error *sd_yerror(const struct sd_ydoc *d, const yaml_node_t *n, const char *fmt, ...)
	SD_PRINTF(3, 4);
/* err (may be NULL: then NULL) prefixed with "PATH:LINE: ". */
sd_error *sd_ywrap(const struct sd_ydoc *d, const yaml_node_t *n, sd_error *err);

/* NULL when n is a mapping, else "'WHAT' must be a mapping". */
sd_error *sd_ymapping(const struct sd_ydoc *d, const yaml_node_t *n, const char *what);

/* A plain value or a list of plain values, appended to out. Each passes
 * check when it is not NULL; its error reads "PATH:LINE: WHAT: ...". */
sd_error *sd_ylist(const struct sd_ydoc *d, yaml_node_t *n, const char *what, struct sd_strvec *out,
		   sd_error *(*check)(const char *value));

/* Walks the pairs of mapping node MAP, K and V (variables of type
 * yaml_node_t *, named after the pair) set to each key and value node. */
#define SD_YAML_FOR_PAIRS(D, MAP, K, V) \
	for (yaml_node_pair_t *K##_pair = (MAP)->data.mapping.pairs.start; \
	     K##_pair < (MAP)->data.mapping.pairs.top && \
	     ((K) = sd_ynode((D), K##_pair->key), (V) = sd_ynode((D), K##_pair->value), 1); \
	     K##_pair++)

#endif
