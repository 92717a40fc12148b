/* SPDX-License-Identifier: MIT */
/* Reading configuration from libyaml's node tree (yamlnode.h). */

#include <stdarg.h>

#include "sd/yamlnode.h"

yaml_node_t *sd_ynode(const struct sd_ydoc *d, int index)
{
	return yaml_document_get_node(d->doc, index);
}

const char *sd_yscalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

sd_error *sd_yerror(const struct sd_ydoc *d, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sd_error *err = sd_error_newv(SD_EXIT_INVALID, fmt, ap);
	va_end(ap);
	return sd_ywrap(d, n, err);
}

sd_error *sd_ywrap(const struct sd_ydoc *d, const yaml_node_t *n, sd_error *err)
{
	return err ? sd_error_wrap(err, "%s:%zu", d->path, n->start_mark.line + 1) : NULL;
}

sd_error *sd_ymapping(const struct sd_ydoc *d, const yaml_node_t *n, const char *what)
{
	return n->type == YAML_MAPPING_NODE ? NULL
					    : sd_yerror(d, n, "'%s' must be a mapping", what);
}

static sd_error *take(const struct sd_ydoc *d, yaml_node_t *n, const char *what,
		      struct sd_strvec *out, sd_error *(*check)(const char *))
{
	const char *value = sd_yscalar(n);
	if (!value)
		return sd_yerror(d, n, "'%s' must be a list of plain values", what);
	sd_error *err = check ? check(value) : NULL;
	if (err)
		return sd_ywrap(d, n, sd_error_wrap(err, "%s", what));
	sd_strvec_push(out, value);
	return NULL;
}

sd_error *sd_ylist(const struct sd_ydoc *d, yaml_node_t *n, const char *what, struct sd_strvec *out,
		   sd_error *(*check)(const char *value))
{
	if (n->type == YAML_SCALAR_NODE)
		return take(d, n, what, out, check);
	if (n->type != YAML_SEQUENCE_NODE)
		return sd_yerror(d, n, "'%s' must be a value or a list of values", what);
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		sd_error *err = take(d, sd_ynode(d, *it), what, out, check);
		if (err)
			return err;
	}
	return NULL;
}
