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
		sd_error *rerr = sd_tmpl_render(t, v, m, &out);
		CHECK(!rerr, "render %s: %s", tmpl, rerr ? rerr->msg : "");
		sd_error_free(rerr);
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

/* A list section inside itself renders it once per item of each: a
 * pulled template nesting one list sixteen deep must not hang a worker. */
static void test_explosion(void)
{
	struct sd_tmpl_vars *v = sd_tmpl_vars_new();
	struct sd_buf text = SD_BUF_INIT, out = SD_BUF_INIT;
	struct sd_tmpl *t = NULL;
	for (int i = 0; i < 10; i++)
		sd_tmpl_set(sd_tmpl_add_item(v, "entries"), "body", "Принтер ne dela, čšž.");
	for (int i = 0; i < SD_TMPL_DEPTH; i++)
		sd_buf_adds(&text, "{{#entries}}<p>{{body}}</p>");
	for (int i = 0; i < SD_TMPL_DEPTH; i++)
		sd_buf_adds(&text, "{{/entries}}");
	sd_error *err = sd_tmpl_parse(&t, text.data, text.len, "explode.html");
	CHECK(!err && t, "the nested template parses");
	sd_buf_adds(&out, "kept");
	err = t ? sd_tmpl_render(t, v, NULL, &out) : NULL;
	CHECK(err != NULL, "rendering 10^16 paragraphs is refused");
	if (err)
		CHECK(strstr(err->msg, "explode.html: the template renders more than") != NULL,
		      "the error names the template: %s", err->msg);
	CHECK_STR("kept", out.data, "nothing is appended on refusal");
	sd_error_free(err);
	sd_tmpl_free(t);
	/* Two levels of the same list stay fine: 100 paragraphs. */
	sd_buf_reset(&out);
	err = sd_tmpl_parse(&t, "{{#entries}}{{#entries}}x{{/entries}}{{/entries}}", 49, "ok.html");
	CHECK(!err, "two levels parse");
	sd_error_free(err);
	err = t ? sd_tmpl_render(t, v, NULL, &out) : NULL;
	CHECK(!err && out.len == 100, "two levels render: %zu bytes", out.len);
	sd_error_free(err);
	sd_tmpl_free(t);
	sd_tmpl_vars_free(v);
	sd_buf_release(&text);
	sd_buf_release(&out);
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
	test_explosion();
	return unit_done("t-tmpl");
}
