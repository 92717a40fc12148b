/* SPDX-License-Identifier: MIT */
/* Paths inside a store: what git's verify_path refuses, the layout sd
 * keeps under tickets/, and the check of a tree that arrives by a pull. */

#include <stdlib.h>
#include <string.h>

#include "sd/buf.h"
#include "sd/id.h"
#include "sd/kb.h"
#include "sd/path.h"
#include "sd/text.h"
#include "sd/util.h"

/* Deeper than this, a tree is refused rather than walked: no store needs
 * it, and a hostile chain of nested trees must not exhaust the stack. */
#define PATH_MAX_DEPTH 64
/* The commits looked at to name the one that brought a bad path in. */
#define CULPRIT_MAX_COMMITS 100000

/* Length of a code point HFS+ ignores when it compares names (U+200C to
 * U+200F, U+202A to U+202E, U+206A to U+206F, U+FEFF) at p, else 0: git
 * treats ".g\u200cit" as ".git" for this reason. */
static size_t hfs_ignorable(const unsigned char *p, size_t left)
{
	if (left < 3)
		return 0;
	if (p[0] == 0xe2 && p[1] == 0x80 &&
	    ((p[2] >= 0x8c && p[2] <= 0x8f) || (p[2] >= 0xaa && p[2] <= 0xae)))
		return 3;
	if (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xaa && p[2] <= 0xaf)
		return 3;
	if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return 3;
	return 0;
}

const char *sd_path_component_problem(const char *name, size_t len)
{
	if (len == 0)
		return "an empty path component";
	if (memchr(name, '\0', len))
		return "a NUL byte in a name";
	if (memchr(name, '/', len))
		return "a '/' inside a name";
	if (memchr(name, '\\', len))
		return "a '\\' in a name, which Windows reads as a directory separator";
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return "a '.' or '..' component, which leads out of its directory";
	/* The name as Windows and macOS may read it: up to an NTFS stream
	 * (":$DATA"), without the trailing dots and spaces Windows drops,
	 * without the code points HFS+ ignores, in ASCII lower case. */
	const unsigned char *p = (const unsigned char *)name;
	size_t end = 0;
	while (end < len && name[end] != ':')
		end++;
	while (end) {
		if (name[end - 1] == '.' || name[end - 1] == ' ')
			end--;
		else if (end >= 3 && hfs_ignorable(p + end - 3, 3))
			end -= 3;
		else
			break;
	}
	char folded[6];
	size_t n = 0;
	for (size_t i = 0; i < end && n < sizeof(folded);) {
		size_t skip = hfs_ignorable(p + i, end - i);
		if (skip) {
			i += skip;
			continue;
		}
		folded[n++] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
		i++;
	}
	if (n == 0)
		return "a name that Windows reads as empty, '.' or '..'";
	if ((n == 4 && !memcmp(folded, ".git", 4)) || (n == 5 && !memcmp(folded, "git~1", 5)))
		return "a '.git' component (in some spelling), git's own directory";
	return NULL;
}

const char *sd_path_problem(const char *path)
{
	if (!*path)
		return "an empty path";
	if (*path == '/')
		return "an absolute path";
	for (const char *c = path;;) {
		const char *slash = strchr(c, '/');
		size_t len = slash ? (size_t)(slash - c) : strlen(c);
		const char *why = sd_path_component_problem(c, len);
		if (why)
			return why;
		if (!slash)
			return NULL;
		c = slash + 1;
	}
}

/* ---- the layout under tickets/ ---- */

/* A path split at '/', for the layout checks (at most 6 components are
 * kept; n counts them all). */
struct parts {
	const char *c[6];
	size_t len[6];
	size_t n;
};

static void split(struct parts *out, const char *path)
{
	memset(out, 0, sizeof(*out));
	for (const char *c = path;;) {
		const char *slash = strchr(c, '/');
		size_t len = slash ? (size_t)(slash - c) : strlen(c);
		if (out->n < 6) {
			out->c[out->n] = c;
			out->len[out->n] = len;
		}
		out->n++;
		if (!slash)
			return;
		c = slash + 1;
	}
}

static int is(const struct parts *p, size_t i, const char *s)
{
	return p->len[i] == strlen(s) && !memcmp(p->c[i], s, p->len[i]);
}

/* is(), ignoring ASCII case. */
static int is_folded(const struct parts *p, size_t i, const char *s)
{
	if (p->len[i] != strlen(s))
		return 0;
	for (size_t k = 0; k < p->len[i]; k++) {
		char c = p->c[i][k];
		if ((c >= 'A' && c <= 'Z' ? (char)(c + 32) : c) != s[k])
			return 0;
	}
	return 1;
}

static int is_shard(const char *c, size_t len)
{
	return len == 2 && c[0] && strchr(SD_ID_ALPHABET, c[0]) && c[1] &&
		strchr(SD_ID_ALPHABET, c[1]);
}

/* 1 when c[0..len) is a full ticket id that belongs in shard. */
static int is_id_in(const char *c, size_t len, const char *shard)
{
	char id[SD_ID_LEN + 1];
	if (len != SD_ID_LEN || memcmp(c, shard, 2))
		return 0;
	memcpy(id, c, SD_ID_LEN);
	id[SD_ID_LEN] = '\0';
	return sd_id_valid(id);
}

/* An attachment's file name: no leading dot (nothing hidden, nothing git
 * reads), no control characters, valid UTF-8. */
static int is_attachment_name(const char *c, size_t len)
{
	if (!len || c[0] == '.' || sd_path_component_problem(c, len))
		return 0;
	char *copy = sd_xstrndup(c, len);
	int bad = sd_text_has_control(copy);
	free(copy);
	return !bad;
}

/* Whether p (under tickets/) is a place in sd's layout: 1 for a file
 * (*dir set to 0) or a directory (*dir set to 1), 0 for neither. */
static int tickets_layout(const struct parts *p, int *dir)
{
	*dir = 1;
	if (p->n == 1)
		return 1; /* tickets itself */
	if (p->n == 2 && is(p, 1, ".gitkeep")) {
		*dir = 0;
		return 1;
	}
	if (!is_shard(p->c[1], p->len[1]))
		return 0;
	if (p->n == 2)
		return 1;
	const char *shard = p->c[1];
	if (p->n == 3) {
		if (p->len[2] == SD_ID_LEN + 3 && !memcmp(p->c[2] + SD_ID_LEN, ".md", 3) &&
		    is_id_in(p->c[2], SD_ID_LEN, shard)) {
			*dir = 0;
			return 1;
		}
		return is_id_in(p->c[2], p->len[2], shard); /* the attachments' */
	}
	if (!is_id_in(p->c[2], p->len[2], shard) || !is(p, 3, "files"))
		return 0;
	if (p->n == 4)
		return 1;
	*dir = 0;
	return p->n == 5 && is_attachment_name(p->c[4], p->len[4]);
}

int sd_path_is_ticket(const char *path)
{
	struct parts p;
	int dir;
	if (sd_path_problem(path))
		return 0;
	split(&p, path);
	return p.n == 3 && is(&p, 0, "tickets") && tickets_layout(&p, &dir) && !dir;
}

int sd_path_is_attachment(const char *path)
{
	struct parts p;
	int dir;
	if (sd_path_problem(path))
		return 0;
	split(&p, path);
	return p.n == 5 && is(&p, 0, "tickets") && tickets_layout(&p, &dir) && !dir;
}

/* 1 when c[0..len) is SLUG.md with a valid article slug. */
static int is_article_name(const char *c, size_t len)
{
	if (len < 4 || len > SD_KB_SLUG_MAX + 3 || memcmp(c + len - 3, ".md", 3))
		return 0;
	char slug[SD_KB_SLUG_MAX + 1];
	memcpy(slug, c, len - 3);
	slug[len - 3] = '\0';
	return sd_kb_slug_valid(slug);
}

int sd_path_is_article(const char *path)
{
	struct parts p;
	if (sd_path_problem(path))
		return 0;
	split(&p, path);
	return p.n == 2 && is(&p, 0, "kb") && is_article_name(p.c[1], p.len[1]);
}

/* Case-insensitive in ASCII only, whatever the locale. */
static int ascii_caseeq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char ca = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
		char cb = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
		if (ca != cb)
			return 0;
	}
	return *a == *b;
}

static int is_file_mode(unsigned mode)
{
	return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

const char *sd_path_entry_problem(const char *path, unsigned mode)
{
	const char *why = sd_path_problem(path);
	struct parts p;
	if (why)
		return why;
	split(&p, path);
	if (p.n > PATH_MAX_DEPTH)
		return "directories nested too deep";
	if (mode == GIT_FILEMODE_LINK) {
		const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		if (ascii_caseeq(name, ".gitattributes") || ascii_caseeq(name, ".gitignore") ||
		    ascii_caseeq(name, ".gitmodules"))
			return "a symlink in place of a file git reads";
	}
	/* In any case: on a file system that ignores case, TICKETS/ is
	 * tickets/, and its entries land there. */
	if (is_folded(&p, 0, ".sd")) {
		if (p.n == 1 && mode != GIT_FILEMODE_TREE)
			return "not a directory, where sd keeps its configuration";
		if (mode == GIT_FILEMODE_LINK)
			return "a symlink under .sd/";
		if (mode == GIT_FILEMODE_COMMIT)
			return "a submodule under .sd/";
		return NULL;
	}
	if (is_folded(&p, 0, "kb")) {
		/* The knowledge base is flat: kb/SLUG.md and nothing else, so a
		 * pull cannot plant a file sd would not read or check. */
		if (mode == GIT_FILEMODE_LINK)
			return "a symlink under kb/";
		if (mode == GIT_FILEMODE_COMMIT)
			return "a submodule under kb/";
		if (p.n == 1)
			return mode == GIT_FILEMODE_TREE ? NULL
							 : "a file where sd keeps a directory";
		if (p.n == 2 && (is(&p, 1, ".gitkeep") || is_article_name(p.c[1], p.len[1])))
			return is_file_mode(mode) ? NULL : "a directory where sd keeps a file";
		return "not an article file kb/SLUG.md (SLUG of a-z, 0-9 and '-')";
	}
	if (!is_folded(&p, 0, "tickets"))
		return NULL;
	if (mode == GIT_FILEMODE_LINK)
		return "a symlink under tickets/";
	if (mode == GIT_FILEMODE_COMMIT)
		return "a submodule under tickets/";
	int dir;
	if (!tickets_layout(&p, &dir))
		return "not a ticket file tickets/XX/ID.md, nor an attachment "
		       "tickets/XX/ID/files/NAME";
	if (dir && mode != GIT_FILEMODE_TREE)
		return "a file where sd keeps a directory";
	if (!dir && !is_file_mode(mode))
		return "a directory where sd keeps a file";
	return NULL;
}

sd_error *sd_path_refused(const char *path, const char *why)
{
	struct sd_buf shown = SD_BUF_INIT;
	sd_text_inert(&shown, path, strlen(path), 0);
	sd_error *err = sd_error_invalid("refusing the path '%s': %s", shown.data, why);
	sd_buf_release(&shown);
	return err;
}

/* ---- trees ---- */

/* git's order of tree entries: by name, a directory compared as if its
 * name ended in '/'. */
static int entry_cmp(const char *a, int a_dir, const char *b, int b_dir)
{
	size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;
	int c = memcmp(a, b, n);
	if (c)
		return c;
	unsigned char ca = a[n] ? (unsigned char)a[n] : a_dir ? '/' : 0;
	unsigned char cb = b[n] ? (unsigned char)b[n] : b_dir ? '/' : 0;
	return (int)ca - (int)cb;
}

static const char *walk(git_repository *repo, const git_tree *tree, const git_tree *old,
			struct sd_buf *path, size_t depth)
{
	size_t n = git_tree_entrycount(tree), base = path->len;
	const char *prev = NULL;
	int prev_dir = 0;
	if (depth > PATH_MAX_DEPTH)
		return "directories nested too deep";
	for (size_t i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		unsigned mode = (unsigned)git_tree_entry_filemode(e);
		int is_dir = mode == GIT_FILEMODE_TREE;
		sd_buf_setlen(path, base);
		sd_buf_printf(path, "%s%s", base ? "/" : "", name);
		/* Out of order, two entries could name one file, and a lookup
		 * by name in this tree could miss one of them. */
		if (prev && entry_cmp(prev, prev_dir, name, is_dir) >= 0)
			return "entries out of order or repeated in its directory";
		prev = name;
		prev_dir = is_dir;
		const git_tree_entry *o = old ? git_tree_entry_byname(old, name) : NULL;
		if (o && git_oid_equal(git_tree_entry_id(o), git_tree_entry_id(e)) &&
		    (unsigned)git_tree_entry_filemode(o) == mode)
			continue; /* what we have already */
		const char *why = sd_path_component_problem(name, strlen(name));
		if (!why)
			why = sd_path_entry_problem(path->data, mode);
		if (!why && !is_dir && !is_file_mode(mode) && mode != GIT_FILEMODE_LINK &&
		    mode != GIT_FILEMODE_COMMIT)
			why = "an entry of an unknown kind";
		if (why)
			return why;
		if (!is_dir)
			continue;
		git_tree *sub = NULL, *old_sub = NULL;
		if (git_tree_lookup(&sub, repo, git_tree_entry_id(e)) < 0)
			return "a directory that cannot be read";
		if (o && git_tree_entry_filemode(o) == GIT_FILEMODE_TREE &&
		    git_tree_lookup(&old_sub, repo, git_tree_entry_id(o)) < 0)
			old_sub = NULL; /* then every entry is checked */
		why = walk(repo, sub, old_sub, path, depth + 1);
		git_tree_free(sub);
		git_tree_free(old_sub);
		if (why)
			return why;
	}
	return NULL;
}

const char *sd_path_check_tree(git_repository *repo, const git_tree *tree, const git_tree *old,
			       char **bad_path)
{
	struct sd_buf path = SD_BUF_INIT;
	const char *why = walk(repo, tree, old, &path, 1);
	*bad_path = why ? sd_buf_detach(&path) : NULL;
	sd_buf_release(&path);
	return why;
}

/* The first commit after ours, in the order they were made, whose tree
 * brings in bad_path (as the check of tree against its first parent's
 * finds it); theirs when none does. */
static void find_culprit(git_repository *repo, const git_commit *theirs, const git_commit *ours,
			 const char *bad_path, git_oid *out)
{
	git_revwalk *walker = NULL;
	git_oid id;
	*out = *git_commit_id(theirs);
	if (git_revwalk_new(&walker, repo) < 0)
		return;
	git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	if (git_revwalk_push(walker, git_commit_id(theirs)) < 0 ||
	    (ours && git_revwalk_hide(walker, git_commit_id(ours)) < 0)) {
		git_revwalk_free(walker);
		return;
	}
	for (size_t seen = 0; seen < CULPRIT_MAX_COMMITS && git_revwalk_next(&id, walker) == 0;
	     seen++) {
		git_commit *c = NULL, *parent = NULL;
		git_tree *tree = NULL, *ptree = NULL;
		char *bad = NULL;
		int found = 0;
		if (git_commit_lookup(&c, repo, &id) == 0 && git_commit_tree(&tree, c) == 0) {
			if (git_commit_parentcount(c) && git_commit_parent(&parent, c, 0) == 0)
				git_commit_tree(&ptree, parent);
			found = sd_path_check_tree(repo, tree, ptree, &bad) &&
				!strcmp(bad, bad_path);
		}
		free(bad);
		git_tree_free(ptree);
		git_tree_free(tree);
		git_commit_free(parent);
		git_commit_free(c);
		if (found) {
			*out = id;
			break;
		}
	}
	git_revwalk_free(walker);
}

sd_error *sd_path_check_incoming(git_repository *repo, const git_commit *theirs,
				 const git_commit *ours, const char *where)
{
	git_tree *their_tree = NULL, *our_tree = NULL;
	char *bad = NULL;
	sd_error *err = NULL;
	if (git_commit_tree(&their_tree, theirs) < 0 ||
	    (ours && git_commit_tree(&our_tree, ours) < 0)) {
		err = sd_error_git("cannot read the commits to merge");
		goto done;
	}
	const char *why = sd_path_check_tree(repo, their_tree, our_tree, &bad);
	if (!why)
		goto done;
	git_oid culprit;
	char hex[GIT_OID_HEXSZ + 1];
	struct sd_buf shown = SD_BUF_INIT;
	find_culprit(repo, theirs, ours, bad, &culprit);
	git_oid_tostr(hex, sizeof(hex), &culprit);
	/* The path is the sender's text: inert, so it can neither move the
	 * cursor nor start a line that looks like sd's own. */
	sd_text_inert(&shown, bad, strlen(bad), 0);
	err = sd_error_invalid("refusing to pull %s: commit %s has the path '%s', which sd does "
			       "not accept: %s; nothing was changed. Have that commit removed "
			       "from the remote, or the path deleted by a later commit, then "
			       "sync again",
			       where, hex, shown.data, why);
	sd_buf_release(&shown);
done:
	free(bad);
	git_tree_free(their_tree);
	git_tree_free(our_tree);
	return err;
}
