/* SPDX-License-Identifier: MIT */
/* Page templates: what each tag renders, escaping, and parse errors. */

#include <stdlib.h>
#include <string.h>

#include "sd/tmpl.h"
#include "unit.h"

static void expect_render(const char *tmpl, const struct sd_tmpl_vars *v,
			  const struct sd_tmpl_msgs *m, const char *want)
{
	struct sd_tmpl *t = NULL;
	struct sd_buf out = SD_BUF_INIT;
	sd_error *err = sd_tmpl_parse(&t, tmpl, strlen(tmpl), "t");
	CHECK(!err, "parse %s: %s", tmpl, err ? err->msg : "");
	if (t) {
		sd_tmpl_render(t, v, m, &out);
		CHECK_STR(want, out.data, tmpl);
	}
	sd_error_free(err);
	sd_tmpl_free(t);
	sd_buf_release(&out);
}

static void expect_error(const char *tmpl, const char *want)
{
	struct sd_tmpl *t = NULL;
	sd_error *err = sd_tmpl_parse(&t, tmpl, strlen(tmpl), "page.html");
	CHECK(err && !t, "%s parses", tmpl);
	if (err)
		CHECK_STR(want, err->msg, tmpl);
	sd_error_free(err);
	sd_tmpl_free(t);
}

int main(void)
{
	struct sd_tmpl_vars *v = sd_tmpl_vars_new();
	sd_tmpl_set(v, "title", "<script>alert('x')</script> & \"čšž\"");
	sd_tmpl_set_html(v, "body", "<p>ok</p>");
	sd_tmpl_set(v, "empty", "");
	sd_tmpl_set(v, "who", "Ана");
	for (int i = 0; i < 2; i++) {
		struct sd_tmpl_vars *item = sd_tmpl_add_item(v, "items");
		sd_tmpl_set(item, "name", i ? "b<" : "a");
	}
	struct sd_tmpl_msgs *en = NULL, *sl = NULL;
	const char *en_text = "# English\nhello = Hello <you>\nbye=Bye\n";
	const char *sl_text = "hello = Živjo\n\n";
	CHECK(!sd_tmpl_msgs_parse(&en, en_text, strlen(en_text), "en", NULL), "en parses");
	CHECK(!sd_tmpl_msgs_parse(&sl, sl_text, strlen(sl_text), "sl", en), "sl parses");

	expect_render("<h1>{{title}}</h1>", v, NULL,
		      "<h1>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;čšž&quot;</h1>");
	expect_render("{{body}}{{ who }}", v, NULL, "<p>ok</p>Ана");
	expect_render("[{{#items}}{{name}}:{{who}},{{/items}}]", v, NULL, "[a:Ана,b&lt;:Ана,]");
	expect_render("{{#empty}}x{{/empty}}{{^empty}}y{{/empty}}{{^nothing}}z{{/nothing}}", v,
		      NULL, "yz");
	expect_render("{{#who}}<b>{{who}}</b>{{/who}}{{! a comment }}", v, NULL, "<b>Ана</b>");
	expect_render("{{_ hello}} {{_ bye}} {{_ unknown.key}}", v, sl, "Živjo Bye unknown.key");
	expect_render("{{_ hello}}", v, en, "Hello &lt;you&gt;");
	expect_render("{{missing}}{ {not a tag} }", v, NULL, "{ {not a tag} }");

	expect_error("a\n{{#x}}b", "page.html:2: a section is not closed");
	expect_error("{{#x}}{{/y}}",
		     "page.html:1: '{{/...}}' does not close the section open here");
	expect_error("{{x", "page.html:1: '{{' without a closing '}}'");
	expect_error("{{a b}}",
		     "page.html:1: a tag must hold a name of letters, digits, '_', '.' "
		     "or '-' (with #, ^, / or _ before it)");
	expect_error("{{&raw}}",
		     "page.html:1: a tag must hold a name of letters, digits, '_', '.' "
		     "or '-' (with #, ^, / or _ before it)");
	struct sd_tmpl_msgs *bad = NULL;
	sd_error *err = sd_tmpl_msgs_parse(&bad, "ok = 1\nno equals\n", 17, "ru", NULL);
	CHECK(err && !bad, "a line without = is refused");
	if (err)
		CHECK_STR("ru:2: a message line is 'key = text', the key of letters, digits, '_', "
			  "'.' or '-'",
			  err->msg, "msgs error");
	sd_error_free(err);

	sd_tmpl_msgs_free(sl);
	sd_tmpl_msgs_free(en);
	sd_tmpl_vars_free(v);
	return unit_done("t-tmpl");
}
