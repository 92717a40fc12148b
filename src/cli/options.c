/* SPDX-License-Identifier: MIT */
/* Option parsing from the tables each command declares. */

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static int find_long(const struct sd_option *o, const char *name, size_t len)
{
	for (int i = 0; o[i].kind; i++)
		if (strlen(o[i].long_name) == len && !strncmp(o[i].long_name, name, len))
			return i;
	return -1;
}

static int find_short(const struct sd_option *o, char c)
{
	for (int i = 0; o[i].kind; i++)
		if (o[i].short_name == c)
			return i;
	return -1;
}

/* "-x" and "--name" are options; "-", "- dash first" and "---" are text
 * (a title may well start with a dash). */
static int looks_like_option(const char *arg)
{
	if (arg[0] != '-')
		return 0;
	if (sd_ascii_isalnum((unsigned char)arg[1]))
		return 1;
	return arg[1] == '-' && (arg[2] == '\0' || sd_ascii_isalpha((unsigned char)arg[2]));
}

static void take_value(struct sd_args *a, int i, const char *value)
{
	a->set[i]++;
	if (a->options[i].kind == SD_OPT_STRING)
		a->value[i] = value;
	else if (a->options[i].kind == SD_OPT_LIST)
		sd_strvec_push(&a->list[i], value);
}

/* A global option after the command name, unless the command has its own
 * of that name: 1 when taken. */
static int global_option(struct sd_args *a, const char *name, size_t len, const char *eq)
{
	if (len == 5 && !strncmp(name, "color", 5)) {
		a->color = eq ? eq + 1 : "always";
		return 1;
	}
	if (!eq && len == 8 && !strncmp(name, "no-pager", 8)) {
		a->pager = -1;
		return 1;
	}
	if (!eq && len == 8 && !strncmp(name, "paginate", 8)) {
		a->pager = 1;
		return 1;
	}
	if (!eq && len == 8 && !strncmp(name, "progress", 8)) {
		a->progress = 1;
		return 1;
	}
	if (!eq && len == 5 && !strncmp(name, "quiet", 5)) {
		a->progress = -1;
		return 1;
	}
	return 0;
}

sd_error *sd_args_parse(struct sd_args *a, const struct sd_option *options, int argc, char **argv,
			int *help)
{
	memset(a, 0, sizeof(*a));
	a->options = options;
	*help = 0;
	int only_positional = 0;
	for (int k = 1; k < argc; k++) {
		const char *arg = argv[k];
		if (only_positional || !looks_like_option(arg)) {
			sd_strvec_push(&a->pos, arg);
			continue;
		}
		if (!strcmp(arg, "--")) {
			only_positional = 1;
			continue;
		}
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			*help = 1;
			return NULL;
		}
		int i;
		const char *inline_value = NULL;
		if (arg[1] == '-') {
			const char *name = arg + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			i = find_long(options, name, len);
			if (i < 0 && global_option(a, name, len, eq))
				continue;
			if (i < 0)
				return sd_error_invalid(
					"unknown option '--%.*s' for '%s'; see 'sd %s --help'",
					(int)len, name, argv[0], argv[0]);
			if (eq)
				inline_value = eq + 1;
		} else {
			i = find_short(options, arg[1]);
			if (i < 0)
				return sd_error_invalid(
					"unknown option '-%c' for '%s'; see 'sd %s --help'", arg[1],
					argv[0], argv[0]);
			if (arg[2])
				inline_value = arg + 2;
		}
		const struct sd_option *o = &options[i];
		if (o->kind == SD_OPT_BOOL) {
			if (inline_value)
				return sd_error_invalid("option '--%s' takes no value",
							o->long_name);
			a->set[i]++;
			continue;
		}
		if (!inline_value) {
			if (k + 1 >= argc)
				return sd_error_invalid("option '%s' needs a value (%s)", arg,
							o->arg);
			inline_value = argv[++k];
		}
		take_value(a, i, inline_value);
	}
	return NULL;
}

sd_error *sd_args_count(const struct sd_args *a, size_t min, size_t max, const char *usage)
{
	if (a->pos.n > max)
		return sd_error_invalid("unexpected argument '%s'; usage: sd %s", a->pos.v[max],
					usage);
	if (a->pos.n < min)
		return sd_error_invalid("missing argument; usage: sd %s", usage);
	return NULL;
}

void sd_args_release(struct sd_args *a)
{
	for (int i = 0; i < SD_MAX_OPTIONS; i++)
		sd_strvec_clear(&a->list[i]);
	sd_strvec_clear(&a->pos);
}

static int index_of(const struct sd_args *a, const char *long_name)
{
	int i = find_long(a->options, long_name, strlen(long_name));
	if (i < 0)
		abort(); /* a command asked for an option it does not declare */
	return i;
}

int sd_arg_declared(const struct sd_args *a, const char *long_name)
{
	return find_long(a->options, long_name, strlen(long_name)) >= 0;
}

int sd_arg_flag(const struct sd_args *a, const char *long_name)
{
	return a->set[index_of(a, long_name)];
}

const char *sd_arg_str(const struct sd_args *a, const char *long_name)
{
	return a->value[index_of(a, long_name)];
}

const struct sd_strvec *sd_arg_list(const struct sd_args *a, const char *long_name)
{
	return &a->list[index_of(a, long_name)];
}
