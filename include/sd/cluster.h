/* SPDX-License-Identifier: MIT */
#ifndef SD_CLUSTER_H
#define SD_CLUSTER_H

/*
 * Clusters of similar tickets, for `sd problem suggest`: the same
 * incident reported again and again. Pure: it sees only the texts and
 * fields it is given, and its answer depends on nothing else (no locale,
 * no clock, no hash order), so every clone suggests the same clusters.
 *
 * Each ticket becomes a vector of terms weighted by tf-idf (the title
 * counts twice), compared by cosine similarity. Terms are words split on
 * anything that is not a letter or digit, case folded by sd_fold_char
 * (ASCII, Latin-1, Latin Extended-A such as č š ž, Greek, Cyrillic, ё read
 * as е), without the commonest English, Slovenian and Russian function
 * words, and cut to their first SD_CLUSTER_STEM letters: a light prefix
 * stem under which "tiskalnik", "tiskalnika" and "tiskati", or "принтер"
 * and "принтера", are one term.
 *
 * Two tickets may share a cluster only when they have the same category
 * (both none counts) or the same asset (not none). Clusters grow by
 * average linkage: the two clusters whose pairs are most alike on
 * average join while that average reaches the threshold, so a chain of
 * loosely related tickets does not become one cluster.
 *
 * Ownership: the docs and their strings stay the caller's; the clusters
 * and their titles belong to the struct sd_clusters until
 * sd_clusters_free.
 */

#include <stddef.h>

#include "sd/buf.h"
#include "sd/util.h"

#define SD_CLUSTER_STEM 5 /* letters of a word that make its term */

struct sd_cluster_doc {
	const char *title;
	const char *text;     /* the description; "" for none */
	const char *category; /* "" for none */
	const char *asset;    /* "" for none */
};

struct sd_cluster {
	size_t *members; /* indexes into the docs, ascending */
	size_t n;
	size_t central;		/* the member most like the others */
	double cohesion;	/* mean similarity of the members' pairs */
	struct sd_strvec words; /* the commonest significant words, most common first */
	char *title;		/* a suggested title: the central member's */
};

struct sd_clusters {
	struct sd_cluster *v;
	size_t n;
};

/* Appends the terms of text (folded, stop words dropped, stemmed), in
 * order, repeats kept. For the tests and for callers that index. */
void sd_cluster_terms(struct sd_strvec *out, const char *text);

/* Cosine similarity of two docs as sd_cluster_find weighs them among
 * the n docs (tf-idf depends on the set). For the tests. */
double sd_cluster_similarity(const struct sd_cluster_doc *docs, size_t n, size_t a, size_t b);

/* Finds the clusters of at least min_size docs whose average pairwise
 * similarity reaches threshold (0 to 1) among the n docs. Clusters come
 * largest first, then by their first member. out is initialised here;
 * free it with sd_clusters_free. */
void sd_cluster_find(struct sd_clusters *out, const struct sd_cluster_doc *docs, size_t n,
		     double threshold, size_t min_size);
void sd_clusters_free(struct sd_clusters *c);

#endif
