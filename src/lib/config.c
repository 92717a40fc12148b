/* .sd/config.yaml: defaults, parsing and validation. */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "sd/config.h"
#include "sd/ticket.h"
#include "sd/util.h"

const char sd_config_default_text[] =
	"# sd configuration: see sd-config(5).\n"
	"# Lines starting with # are comments; every value below is the default.\n"
	"\n"
	"priority_matrix:          # impact (rows) x urgency (columns) -> priority\n"
	"  high:   {high: P1, medium: P2, low: P3}\n"
	"  medium: {high: P2, medium: P3, low: P4}\n"
	"  low:    {high: P3, medium: P4, low: P5}\n"
	"\n"
	"tiers:                    # order matters: escalation goes down this list\n"
	"  L0: {name: Self-service}\n"
	"  L1: {name: Service desk, queue: desk}\n"
	"  L2: {name: Technical support, queue: second-line}\n"
	"  L3: {name: Experts, queue: experts}\n"
	"  L4: {name: External vendor}\n"
	"\n"
	"defaults:                 # what 'sd new' uses when not told otherwise\n"
	"  type: incident\n"
	"  tier: L1\n";

static const char *const default_matrix[3][3] = {
	{ "P1", "P2", "P3" },
	{ "P2", "P3", "P4" },
	{ "P3", "P4", "P5" },
};

static const char *const default_tier_names[5] = {
	"Self-service", "Service desk", "Technical support", "Experts", "External vendor"
};
static const char *const default_tier_queues[5] = { "", "desk", "second-line", "experts", "" };

void sd_config_init(struct sd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++)
			memcpy(cfg->priority_matrix[i][j], default_matrix[i][j], 3);
	for (int i = 0; i < 5; i++) {
		cfg->tiers[i].name = sd_xstrdup(default_tier_names[i]);
		cfg->tiers[i].queue = sd_xstrdup(default_tier_queues[i]);
	}
	cfg->default_type = sd_xstrdup("incident");
	cfg->default_tier = sd_xstrdup("L1");
}

void sd_config_release(struct sd_config *cfg)
{
	for (int i = 0; i < 5; i++) {
		free(cfg->tiers[i].name);
		free(cfg->tiers[i].queue);
	}
	free(cfg->default_type);
	free(cfg->default_tier);
	memset(cfg, 0, sizeof(*cfg));
}

const char *sd_config_priority(const struct sd_config *cfg, const char *impact,
			       const char *urgency)
{
	int i = sd_value_index(sd_levels, impact), u = sd_value_index(sd_levels, urgency);
	if (i < 0 || u < 0)
		return NULL;
	return cfg->priority_matrix[i][u];
}

struct cfg_parse {
	yaml_document_t doc;
	const char *path;
};

static sd_error *node_error(struct cfg_parse *c, yaml_node_t *node, const char *fmt, ...)
	SD_PRINTF(3, 4);

static sd_error *node_error(struct cfg_parse *c, yaml_node_t *node, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sd_error *err = sd_error_newv(SD_EXIT_INVALID, fmt, ap);
	va_end(ap);
	return sd_error_wrap(err, "%s:%zu", c->path, node->start_mark.line + 1);
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A node as an error message shows it. */
static const char *shown(yaml_node_t *n)
{
	return scalar(n) ? scalar(n) : "(a list or mapping)";
}

static sd_error *expect_mapping(struct cfg_parse *c, yaml_node_t *n, const char *what)
{
	if (n->type != YAML_MAPPING_NODE)
		return node_error(c, n, "'%s' must be a mapping", what);
	return NULL;
}

static sd_error *parse_matrix(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map)
{
	sd_error *err = expect_mapping(c, map, "priority_matrix");
	if (err)
		return err;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&c->doc, p->value);
		int impact = scalar(k) ? sd_value_index(sd_levels, scalar(k)) : -1;
		if (impact < 0)
			return node_error(c, k, "priority_matrix: unknown impact '%s'; use high, medium or low",
					  shown(k));
		if ((err = expect_mapping(c, v, shown(k))))
			return err;
		for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
			yaml_node_t *uk = yaml_document_get_node(&c->doc, q->key);
			yaml_node_t *uv = yaml_document_get_node(&c->doc, q->value);
			int urgency = scalar(uk) ? sd_value_index(sd_levels, scalar(uk)) : -1;
			if (urgency < 0)
				return node_error(c, uk, "priority_matrix: unknown urgency '%s'; use high, medium or low",
						  shown(uk));
			if (!scalar(uv) || sd_value_index(sd_priorities, scalar(uv)) < 0)
				return node_error(c, uv, "priority_matrix: invalid priority '%s'; use P1 to P5",
						  shown(uv));
			memcpy(cfg->priority_matrix[impact][urgency], scalar(uv), 3);
		}
	}
	return NULL;
}

static sd_error *parse_tiers(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map)
{
	sd_error *err = expect_mapping(c, map, "tiers");
	if (err)
		return err;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&c->doc, p->value);
		int tier = scalar(k) ? sd_value_index(sd_tiers, scalar(k)) : -1;
		if (tier < 0)
			return node_error(c, k, "tiers: unknown tier '%s'; use L0 to L4", shown(k));
		if ((err = expect_mapping(c, v, shown(k))))
			return err;
		for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
			yaml_node_t *fk = yaml_document_get_node(&c->doc, q->key);
			yaml_node_t *fv = yaml_document_get_node(&c->doc, q->value);
			const char *name = scalar(fk), *value = scalar(fv);
			if (!value)
				return node_error(c, fv, "tiers: '%s' must be a single value", name ? name : "");
			char **slot = NULL;
			if (name && !strcmp(name, "name"))
				slot = &cfg->tiers[tier].name;
			else if (name && !strcmp(name, "queue"))
				slot = &cfg->tiers[tier].queue;
			else
				return node_error(c, fk, "tiers: unknown key '%s'; a tier has name and queue",
						  shown(fk));
			free(*slot);
			*slot = sd_xstrdup(value);
		}
	}
	return NULL;
}

static sd_error *parse_defaults(struct cfg_parse *c, struct sd_config *cfg, yaml_node_t *map)
{
	sd_error *err = expect_mapping(c, map, "defaults");
	if (err)
		return err;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&c->doc, p->value);
		const char *name = scalar(k), *value = scalar(v);
		enum sd_field f;
		char **slot;
		if (name && !strcmp(name, "type"))
			f = SD_F_TYPE, slot = &cfg->default_type;
		else if (name && !strcmp(name, "tier"))
			f = SD_F_TIER, slot = &cfg->default_tier;
		else
			return node_error(c, k, "defaults: unknown key '%s'; use type or tier", name ? name : "");
		if (!value)
			return node_error(c, v, "defaults: '%s' must be a single value", name ? name : "");
		if ((err = sd_field_validate(f, value)))
			return sd_error_wrap(err, "%s:%zu", c->path, v->start_mark.line + 1);
		free(*slot);
		*slot = sd_xstrdup(value);
	}
	return NULL;
}

sd_error *sd_config_parse(struct sd_config *cfg, const char *text, size_t len, const char *path)
{
	yaml_parser_t parser;
	struct cfg_parse c = { .path = path };
	sd_error *err = NULL;
	if (!yaml_parser_initialize(&parser))
		return sd_error_fatal("cannot initialise the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &c.doc)) {
		err = sd_error_invalid("%s:%zu: %s", path, parser.problem_mark.line + 1,
				       parser.problem ? parser.problem : "invalid YAML");
		yaml_parser_delete(&parser);
		return err;
	}
	yaml_node_t *root = yaml_document_get_root_node(&c.doc);
	if (!root)
		goto done; /* an empty file keeps every default */
	if ((err = expect_mapping(&c, root, "the configuration")))
		goto done;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(&c.doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&c.doc, p->value);
		const char *name = scalar(k);
		if (!name)
			err = node_error(&c, k, "keys must be plain words");
		else if (!strcmp(name, "priority_matrix"))
			err = parse_matrix(&c, cfg, v);
		else if (!strcmp(name, "tiers"))
			err = parse_tiers(&c, cfg, v);
		else if (!strcmp(name, "defaults"))
			err = parse_defaults(&c, cfg, v);
		/* Other sections belong to features that read them (sla,
		 * calendars, ...); unknown ones are left alone so that an older
		 * sd can work in a store configured by a newer one. */
		if (err)
			break;
	}
done:
	yaml_document_delete(&c.doc);
	yaml_parser_delete(&parser);
	return err;
}
