/* SPDX-License-Identifier: MIT */
#ifndef SD_TMPL_H
#define SD_TMPL_H

/*
 * Page templates: the small language of the portal's pages, which a desk
 * may restyle and translate (.sd/templates/web/, sd-serve(1)). Templates
 * arrive by pull, so they are data: they can place values and text, never
 * run anything, and every value is HTML-escaped unless the server itself
 * made it as HTML.
 *
 *   {{name}}            the value, escaped (&, <, >, ", ')
 *   {{#name}}..{{/name}} once per item of a list, or once when the value is
 *                       set and not empty; inside, an item's names first
 *   {{^name}}..{{/name}} when the value is unset, empty or an empty list
 *   {{_ key}}           the message key of the page's language, escaped
 *   {{! words }}        a comment
 *
 * Names and keys are [a-z0-9_.-]; sections nest at most SD_TMPL_DEPTH deep.
 *
 * Ownership: a template from sd_tmpl_parse is freed with sd_tmpl_free;
 * vars from sd_tmpl_vars_new (and every item list added to them) with
 * sd_tmpl_vars_free on the top one; messages with sd_tmpl_msgs_free.
 * Setters copy their strings.
 */

#include <stddef.h>

#include "sd/buf.h"
#include "sd/html.h" /* sd_html_escape */
#include "sd/error.h"

#define SD_TMPL_DEPTH 16
/* What one rendering may produce and visit (sd_tmpl_render). */
#define SD_TMPL_MAX_OUTPUT (16 << 20)
#define SD_TMPL_MAX_VISITS 4000000

struct sd_tmpl;
struct sd_tmpl_vars;
struct sd_tmpl_msgs;

/* Parses text (len bytes); errors (status 2) read "name:line: ...". */
sd_error *sd_tmpl_parse(struct sd_tmpl **out, const char *text, size_t len, const char *name);
void sd_tmpl_free(struct sd_tmpl *t);

struct sd_tmpl_vars *sd_tmpl_vars_new(void);
void sd_tmpl_vars_free(struct sd_tmpl_vars *v);
/* Sets name to text, which is escaped wherever it is placed. */
void sd_tmpl_set(struct sd_tmpl_vars *v, const char *name, const char *text);
/* Sets name to HTML the server made (rendered Markdown, a page body). */
void sd_tmpl_set_html(struct sd_tmpl_vars *v, const char *name, const char *html);
/* Appends an item to list name (made when missing) and returns it; it
 * belongs to v. */
struct sd_tmpl_vars *sd_tmpl_add_item(struct sd_tmpl_vars *v, const char *name);

/* Parses a message catalog: "key = text" lines, blank lines and lines
 * starting with # ignored. fallback (may be NULL, not owned) answers the
 * keys this one lacks. */
sd_error *sd_tmpl_msgs_parse(struct sd_tmpl_msgs **out, const char *text, size_t len,
			     const char *name, const struct sd_tmpl_msgs *fallback);
void sd_tmpl_msgs_free(struct sd_tmpl_msgs *m);
/* The text of key, or the key itself when no catalog has it. */
const char *sd_tmpl_msg(const struct sd_tmpl_msgs *m, const char *key);

/* Appends t rendered with vars and messages msgs (may be NULL) to out.
 * A rendering that would pass SD_TMPL_MAX_OUTPUT bytes or
 * SD_TMPL_MAX_VISITS nodes (a section nesting a list in itself) appends
 * nothing and returns an error (status 2) naming the template. */
sd_error *sd_tmpl_render(const struct sd_tmpl *t, const struct sd_tmpl_vars *vars,
			 const struct sd_tmpl_msgs *msgs, struct sd_buf *out);
/* The same within other bounds (for the fuzz target, which must not
 * spend seconds on each input that reaches them). */
sd_error *sd_tmpl_render_within(const struct sd_tmpl *t, const struct sd_tmpl_vars *vars,
				const struct sd_tmpl_msgs *msgs, struct sd_buf *out,
				size_t max_output, size_t max_visits);

#endif
