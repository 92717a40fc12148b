/* SPDX-License-Identifier: MIT */
/* Walking history, shallow clones included (see history.h). */

#include <stdlib.h>

#include "sd/history.h"
#include "sd/util.h"

struct sd_history {
	git_repository *repo;
	git_revwalk *walk; /* NULL in a shallow clone */
	git_oid *todo, *seen;
	size_t ntodo, nseen;
};

/* Adds id to the commits still to visit unless it was seen already. */
static void visit(struct sd_history *h, const git_oid *id)
{
	for (size_t i = 0; i < h->nseen; i++)
		if (git_oid_equal(&h->seen[i], id))
			return;
	h->seen = sd_xrealloc(h->seen, (h->nseen + 1) * sizeof(*h->seen));
	h->seen[h->nseen++] = *id;
	h->todo = sd_xrealloc(h->todo, (h->ntodo + 1) * sizeof(*h->todo));
	h->todo[h->ntodo++] = *id;
}

sd_error *sd_history_open(struct sd_history **out, git_repository *repo, const git_oid *start)
{
	git_oid head;
	*out = NULL;
	if (!start) {
		if (git_reference_name_to_id(&head, repo, "HEAD") < 0)
			return NULL; /* no commits yet */
		start = &head;
	}
	struct sd_history *h = sd_xcalloc(1, sizeof(*h));
	h->repo = repo;
	if (git_repository_is_shallow(repo) == 1) {
		visit(h, start);
	} else if (git_revwalk_new(&h->walk, repo) < 0 || git_revwalk_push(h->walk, start) < 0) {
		sd_history_free(h);
		return sd_error_git("cannot walk history");
	}
	*out = h;
	return NULL;
}

sd_error *sd_history_next(struct sd_history *h, git_oid *id, int *more)
{
	*more = 0;
	if (h->walk) {
		int rc = git_revwalk_next(id, h->walk);
		if (rc < 0 && rc != GIT_ITEROVER)
			return sd_error_git("cannot walk history");
		*more = rc == 0;
		return NULL;
	}
	while (h->ntodo) {
		*id = h->todo[--h->ntodo];
		git_commit *c = NULL;
		if (git_commit_lookup(&c, h->repo, id) < 0)
			continue; /* beyond the boundary */
		for (unsigned i = 0; i < git_commit_parentcount(c); i++)
			visit(h, git_commit_parent_id(c, i));
		git_commit_free(c);
		*more = 1;
		return NULL;
	}
	return NULL;
}

void sd_history_free(struct sd_history *h)
{
	if (!h)
		return;
	git_revwalk_free(h->walk);
	free(h->todo);
	free(h->seen);
	free(h);
}

int sd_history_reaches(git_repository *repo, const git_oid *desc, const git_oid *anc)
{
	if (git_oid_equal(desc, anc))
		return 1;
	/* libgit2's own test is quicker, but fails at a shallow boundary. */
	if (git_repository_is_shallow(repo) != 1)
		return git_graph_descendant_of(repo, desc, anc) == 1;
	struct sd_history *h = NULL;
	sd_error *err = sd_history_open(&h, repo, desc);
	git_oid id;
	int more = 0, found = 0;
	while (!err && h && !found && !(err = sd_history_next(h, &id, &more)) && more)
		found = git_oid_equal(&id, anc);
	sd_error_free(err);
	sd_history_free(h);
	return found;
}
