/* SPDX-License-Identifier: MIT */
/* Paths inside a store: git's verify_path rules, NTFS and HFS+ spellings
 * of .git, the layout under tickets/, and trees checked by a pull. */

#include <stdlib.h>

#include <git2/sys/mempack.h>

#include "sd/buf.h"
#include "sd/path.h"
#include "unit.h"

/* A component given with its length, so a NUL inside can be tested. */
static void test_components(void)
{
	static const struct {
		const char *name;
		size_t len; /* 0: strlen */
		int ok;
	} cases[] = {
		{ "ab", 0, 1 },
		{ "ab7k2m9xw4qz.md", 0, 1 },
		{ ".gitkeep", 0, 1 },
		{ ".github", 0, 1 },
		{ ".gitx", 0, 1 },
		{ "git", 0, 1 },
		{ "a.git", 0, 1 },
		{ "...a", 0, 1 },
		{ "git~2", 0, 1 },
		{ "a very long name that is fine", 0, 1 },
		{ "", 0, 0 },
		{ ".", 0, 0 },
		{ "..", 0, 0 },
		{ "...", 0, 0 },
		{ ". ", 0, 0 },
		{ ".. ", 0, 0 },
		{ "..:stream", 0, 0 },
		{ ".git", 0, 0 },
		{ ".GIT", 0, 0 },
		{ ".Git", 0, 0 },
		{ ".git.", 0, 0 },
		{ ".git ", 0, 0 },
		{ ".git. . ", 0, 0 },
		{ ".git.............", 0, 0 },
		{ ".git . .\xe2\x80\x8c. .  .", 0, 0 },
		{ ".gitt", 0, 1 },
		{ ".git.x", 0, 1 },
		{ "x.git", 0, 1 },
		{ ".git~1", 0, 1 },
		{ ".git::$INDEX_ALLOCATION", 0, 0 },
		{ "git~1", 0, 0 },
		{ "GIT~1", 0, 0 },
		{ "git~1.", 0, 0 },
		{ ".g\xe2\x80\x8cit", 0, 0 }, /* U+200C inside: HFS+ reads .git */
		{ ".gi\xef\xbb\xbft", 0, 0 }, /* U+FEFF */
		{ "\xe2\x80\xae.git", 0, 0 }, /* U+202E first */
		{ ".git\xe2\x81\xaf", 0, 0 }, /* U+206F last */
		{ "..\\", 0, 0 },
		{ "a\\b", 0, 0 },
		{ "a/b", 0, 0 },
		{ "a\0b", 3, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].name);
		const char *why = sd_path_component_problem(cases[i].name, len);
		CHECK((why == NULL) == cases[i].ok, "component %zu '%s': %s", i, cases[i].name,
		      why ? why : "accepted");
	}
}

static void test_paths(void)
{
	static const struct {
		const char *path;
		int ok;
	} cases[] = {
		{ "tickets/ab/ab7k2m9xw4qz.md", 1 },
		{ ".sd/config.yaml", 1 },
		{ "README.md", 1 },
		{ "docs/a b/c", 1 },
		{ "", 0 },
		{ "/etc/passwd", 0 },
		{ "tickets/", 0 },
		{ "tickets//ab", 0 },
		{ "tickets/../../OUTSIDE.txt", 0 },
		{ "tickets/ab/../../x", 0 },
		{ "tickets/./ab", 0 },
		{ ".git/config", 0 },
		{ "tickets/.GIT/config", 0 },
		{ "tickets/..\\/x", 0 },
		{ "a/git~1/config", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = sd_path_problem(cases[i].path);
		CHECK((why == NULL) == cases[i].ok, "path '%s': %s", cases[i].path,
		      why ? why : "accepted");
	}
}

static void test_ticket_paths(void)
{
	static const struct {
		const char *path;
		int ticket, attachment;
	} cases[] = {
		{ "tickets/ab/ab7k2m9xw4qz.md", 1, 0 },
		{ "tickets/00/0000000000zz.md", 1, 0 },
		{ "tickets/ab/ab7k2m9xw4qz/files/screen shot.png", 0, 1 },
		{ "tickets/ab/ab7k2m9xw4qz/files/mail.eml", 0, 1 },
		{ "tickets/ab/ab7k2m9xw4qz/files/.hidden", 0, 0 },
		{ "tickets/ab/ab7k2m9xw4qz/files/a\x1b[2Jb", 0, 0 },
		{ "tickets/ab/ab7k2m9xw4qz/files/..", 0, 0 },
		{ "tickets/ab/ab7k2m9xw4qz/other/x", 0, 0 },
		{ "tickets/ab/cd7k2m9xw4qz.md", 0, 0 },	 /* wrong shard */
		{ "tickets/AB/AB7K2M9XW4QZ.md", 0, 0 },	 /* ids are lower case */
		{ "tickets/ab/ab7k2m9xw4q.md", 0, 0 },	 /* 11 characters */
		{ "tickets/ab/ab7k2m9xw4qzz.md", 0, 0 }, /* 13 */
		{ "tickets/ab/ab7k2m9xw4qu.md", 0, 0 },	 /* u is not in the alphabet */
		{ "tickets/ab/ab7k2m9xw4qz.txt", 0, 0 },
		{ "tickets/ab/ab7k2m9xw4qz.md/x", 0, 0 },
		{ "tickets/ab7k2m9xw4qz.md", 0, 0 },
		{ "tickets/ab/../ab/ab7k2m9xw4qz.md", 0, 0 },
		{ "x/tickets/ab/ab7k2m9xw4qz.md", 0, 0 },
		{ "tickets/ab/ab7k2m9xw4qz.md ", 0, 0 },
		{ "", 0, 0 },
	};
	static const struct {
		const char *path;
		int article;
	} articles[] = {
		{ "kb/vpn-does-not-connect.md", 1 },
		{ "kb/x.md", 1 },
		{ "kb/x", 0 },
		{ "kb/X.md", 0 },
		{ "kb/a/b.md", 0 },
		{ "kb/x-.md", 0 },
		{ "kb/../x.md", 0 },
		{ "x/kb/a.md", 0 },
		{ "kb/.gitkeep", 0 },
		{ "kb/a_b.md", 0 },
		{ "tickets/ab/ab7k2m9xw4qz.md", 0 },
	};
	for (size_t i = 0; i < sizeof(articles) / sizeof(articles[0]); i++)
		CHECK(sd_path_is_article(articles[i].path) == articles[i].article,
		      "article path '%s'", articles[i].path);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(sd_path_is_ticket(cases[i].path) == cases[i].ticket, "ticket path '%s'",
		      cases[i].path);
		CHECK(sd_path_is_attachment(cases[i].path) == cases[i].attachment,
		      "attachment path '%s'", cases[i].path);
	}
}

/* Entries of a tree: the layout sd keeps, by path and git file mode. */
static void test_entries(void)
{
	enum {
		T = GIT_FILEMODE_TREE,
		F = GIT_FILEMODE_BLOB,
		X = GIT_FILEMODE_BLOB_EXECUTABLE,
		L = GIT_FILEMODE_LINK,
		S = GIT_FILEMODE_COMMIT
	};
	static const struct {
		const char *path;
		unsigned mode;
		const char *why; /* NULL: accepted; else a word of the reason */
	} cases[] = {
		{ "tickets", T, NULL },
		{ "tickets/.gitkeep", F, NULL },
		{ "tickets/ab", T, NULL },
		{ "tickets/ab/ab7k2m9xw4qz.md", F, NULL },
		{ "tickets/ab/ab7k2m9xw4qz.md", X, NULL },
		{ "tickets/ab/ab7k2m9xw4qz", T, NULL },
		{ "tickets/ab/ab7k2m9xw4qz/files", T, NULL },
		{ "tickets/ab/ab7k2m9xw4qz/files/log.txt", F, NULL },
		{ ".sd", T, NULL },
		{ ".sd/config.yaml", F, NULL },
		{ ".sd/templates", T, NULL },
		{ ".gitattributes", F, NULL },
		{ "README.md", F, NULL },
		{ "docs/link", L, NULL },
		{ "vendor/lib", S, NULL },
		{ "tickets", F, "directory" },
		{ "TICKETS/ab/ab7k2m9xw4qz.md", L, "symlink" },
		{ "Tickets/x", F, "not a ticket" },
		{ ".SD/config.yaml", L, "symlink" },
		{ "tickets", L, "symlink" },
		{ "tickets", S, "submodule" },
		{ ".sd", L, "directory" },
		{ ".sd/config.yaml", L, "symlink" },
		{ ".sd/x", S, "submodule" },
		{ ".gitattributes", L, "symlink" },
		{ "docs/.GITIGNORE", L, "symlink" },
		{ ".gitmodules", L, "symlink" },
		{ "tickets/ab", F, "file where" },
		{ "tickets/ab", L, "symlink" },
		{ "tickets/ab/ab7k2m9xw4qz.md", L, "symlink" },
		{ "tickets/ab/ab7k2m9xw4qz.md", S, "submodule" },
		{ "tickets/ab/ab7k2m9xw4qz.md", T, "directory where" },
		{ "tickets/ab/ab7k2m9xw4qz", F, "file where" },
		{ "tickets/ab/ab7k2m9xw4qz/files/x", T, "directory where" },
		{ "tickets/ab/ab7k2m9xw4qz/files/x/y", F, "not a ticket" },
		{ "tickets/.gitkeep", T, "directory where" },
		{ "tickets/README.md", F, "not a ticket" },
		{ "tickets/abc", T, "not a ticket" },
		{ "tickets/ab/notes.txt", F, "not a ticket" },
		{ "tickets/..", T, "'..'" },
		{ "tickets/../../OUTSIDE.txt", F, "'..'" },
		{ "tickets/ab/../../x", F, "'..'" },
		{ "tickets/.git", T, ".git" },
		{ "tickets/.GIT/config", F, ".git" },
		{ "tickets/..\\", T, "'\\'" },
		{ ".git", T, ".git" },
		{ ".git/config", F, ".git" },
		/* The knowledge base: kb/SLUG.md and nothing else. */
		{ "kb", T, NULL },
		{ "kb/.gitkeep", F, NULL },
		{ "kb/vpn-does-not-connect.md", F, NULL },
		{ "kb/a1.md", F, NULL },
		{ "kb", F, "file where" },
		{ "kb", L, "symlink" },
		{ "KB/x.md", L, "symlink" },
		{ "kb/vpn.md", L, "symlink" },
		{ "kb/vpn.md", S, "submodule" },
		{ "kb/vpn.md", T, "directory where" },
		{ "kb/sub", T, "not an article" },
		{ "kb/sub/x.md", F, "not an article" },
		{ "kb/VPN.md", F, "not an article" },
		{ "kb/-vpn.md", F, "not an article" },
		{ "kb/vpn--x.md", F, "not an article" },
		{ "kb/vpn.txt", F, "not an article" },
		{ "kb/.md", F, "not an article" },
		{ "kb/\xd0\xb2\xd0\xbf\xd0\xbd.md", F, "not an article" },
		{ "kb/../../x.md", F, "'..'" },
		{ "kb/.git", T, ".git" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = sd_path_entry_problem(cases[i].path, cases[i].mode);
		if (!cases[i].why)
			CHECK(why == NULL, "entry '%s' %o: %s", cases[i].path, cases[i].mode,
			      why ? why : "");
		else
			CHECK(why && strstr(why, cases[i].why), "entry '%s' %o: want '%s', got %s",
			      cases[i].path, cases[i].mode, cases[i].why, why ? why : "accepted");
	}
}

/* Builds a tree from raw entries (names as given, in the order given,
 * as a hostile sender would) in an in-memory object database. */
static git_oid raw_tree(git_repository *repo, const char *const *names, const unsigned *modes,
			const git_oid *ids, size_t n)
{
	struct sd_buf raw = SD_BUF_INIT;
	git_odb *odb = NULL;
	git_oid id;
	for (size_t i = 0; i < n; i++) {
		sd_buf_printf(&raw, "%o %s", modes[i], names[i]);
		sd_buf_addch(&raw, '\0');
		sd_buf_add(&raw, ids[i].id, 20);
	}
	git_repository_odb(&odb, repo);
	git_odb_write(&id, odb, raw.data, raw.len, GIT_OBJECT_TREE);
	git_odb_free(odb);
	sd_buf_release(&raw);
	return id;
}

static void test_trees(void)
{
	git_repository *repo = NULL;
	git_odb *odb = NULL;
	git_oid blob, blob2, shard, tickets, good, bad, order, evil;
	git_tree *t_good = NULL, *t_bad = NULL, *t_order = NULL, *t_evil = NULL;
	char *path = NULL;
	git_odb_backend *mem = NULL;
	CHECK(git_odb_new(&odb) == 0 && git_mempack_new(&mem) == 0 &&
		      git_odb_add_backend(odb, mem, 1) == 0 &&
		      git_repository_wrap_odb(&repo, odb) == 0,
	      "an object database in memory");
	git_odb_write(&blob, odb, "x\n", 2, GIT_OBJECT_BLOB);
	git_odb_write(&blob2, odb, "y\n", 2, GIT_OBJECT_BLOB);

	const char *n1[] = { "ab7k2m9xw4qz.md" };
	unsigned m1[] = { GIT_FILEMODE_BLOB };
	shard = raw_tree(repo, n1, m1, &blob, 1);
	const char *n2[] = { ".gitkeep", "ab" };
	unsigned m2[] = { GIT_FILEMODE_BLOB, GIT_FILEMODE_TREE };
	git_oid i2[] = { blob, shard };
	tickets = raw_tree(repo, n2, m2, i2, 2);
	const char *n3[] = { "README.md", "tickets" };
	unsigned m3[] = { GIT_FILEMODE_BLOB, GIT_FILEMODE_TREE };
	git_oid i3[] = { blob, tickets };
	good = raw_tree(repo, n3, m3, i3, 2);

	/* tickets/../../OUTSIDE.txt, as in the attack. */
	const char *n4[] = { "OUTSIDE.txt" };
	git_oid out = raw_tree(repo, n4, m1, &blob2, 1);
	const char *n5[] = { ".." };
	unsigned m5[] = { GIT_FILEMODE_TREE };
	git_oid up = raw_tree(repo, n5, m5, &out, 1);
	const char *n6[] = { "..", ".gitkeep", "ab" };
	unsigned m6[] = { GIT_FILEMODE_TREE, GIT_FILEMODE_BLOB, GIT_FILEMODE_TREE };
	git_oid i6[] = { up, blob, shard };
	git_oid evil_tickets = raw_tree(repo, n6, m6, i6, 3);
	git_oid i7[] = { blob, evil_tickets };
	evil = raw_tree(repo, n3, m3, i7, 2);

	/* A change to README.md only, and one entry twice. */
	git_oid i8[] = { blob2, tickets };
	bad = raw_tree(repo, n3, m3, i8, 2);
	const char *n9[] = { "README.md", "README.md", "tickets" };
	unsigned m9[] = { GIT_FILEMODE_BLOB, GIT_FILEMODE_BLOB, GIT_FILEMODE_TREE };
	git_oid i9[] = { blob, blob2, tickets };
	order = raw_tree(repo, n9, m9, i9, 3);

	git_tree_lookup(&t_good, repo, &good);
	git_tree_lookup(&t_bad, repo, &bad);
	git_tree_lookup(&t_order, repo, &order);
	git_tree_lookup(&t_evil, repo, &evil);
	CHECK(t_good && t_bad && t_order && t_evil, "trees: %s",
	      git_error_last() ? git_error_last()->message : "");
	if (!(t_good && t_bad && t_order && t_evil))
		goto done;

	CHECK(!sd_path_check_tree(repo, t_good, NULL, &path) && !path, "a good tree passes");
	CHECK(!sd_path_check_tree(repo, t_bad, t_good, &path), "a changed README passes");
	const char *why = sd_path_check_tree(repo, t_evil, t_good, &path);
	CHECK(why && path && !strcmp(path, "tickets/.."), "the attack: %s at %s",
	      why ? why : "accepted", path ? path : "");
	free(path);
	path = NULL;
	why = sd_path_check_tree(repo, t_evil, NULL, &path);
	CHECK(why && path && !strcmp(path, "tickets/.."), "the attack, nothing before");
	free(path);
	path = NULL;
	why = sd_path_check_tree(repo, t_order, t_good, &path);
	CHECK(why && strstr(why, "repeated") && path && !strcmp(path, "README.md"),
	      "an entry twice: %s", why ? why : "accepted");
	free(path);
	path = NULL;
	/* What we have already is not checked again (so a check costs what
	 * a pull changes). */
	CHECK(!sd_path_check_tree(repo, t_evil, t_evil, &path), "unchanged: not walked");
done:
	free(path);
	git_tree_free(t_good);
	git_tree_free(t_bad);
	git_tree_free(t_order);
	git_tree_free(t_evil);
	git_repository_free(repo);
	git_odb_free(odb);
}

int main(void)
{
	git_libgit2_init();
	test_components();
	test_paths();
	test_ticket_paths();
	test_entries();
	test_trees();
	git_libgit2_shutdown();
	return unit_done("t-path");
}
