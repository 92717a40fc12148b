/* SPDX-License-Identifier: MIT */
/* Clusters of similar tickets: see include/sd/cluster.h. */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sd/cluster.h"
#include "sd/fold.h"

/* Words too common to say what a ticket is about, folded. Sorted, so
 * they are found by binary search (the test checks the order). */
static const char *const stop_words[] = {
	"about",   "after",   "again",	"all",	 "also",       "am",	       "an",	 "and",
	"any",	   "are",     "as",	"at",	 "be",	       "been",	       "before", "bi",
	"bo",	   "but",     "by",	"can",	 "cannot",     "could",	       "da",	 "danes",
	"did",	   "do",      "does",	"doesn", "don",	       "for",	       "from",	 "ga",
	"had",	   "has",     "have",	"he",	 "hello",      "here",	       "hi",	 "how",
	"hvala",   "i",	      "if",	"in",	 "into",       "is",	       "iz",	 "it",
	"je",	   "jih",     "jo",	"just",	 "kaj",	       "kako",	       "kar",	 "ker",
	"ki",	   "kje",     "ko",	"kot",	 "lahko",      "me",	       "mi",	 "more",
	"my",	   "na",      "nam",	"ne",	 "ni",	       "niso",	       "no",	 "not",
	"od",	   "of",      "on",	"or",	 "our",	       "pa",	       "please", "po",
	"pozdrav", "pri",     "prosim", "se",	 "sem",	       "si",	       "smo",	 "so",
	"spet",	   "ste",     "still",	"thank", "thanks",     "that",	       "the",	 "there",
	"they",	   "this",    "to",	"tudi",	 "up",	       "us",	       "vam",	 "very",
	"was",	   "we",      "were",	"what",	 "when",       "which",	       "who",	 "why",
	"will",	   "with",    "would",	"you",	 "your",       "za",	       "zelo",	 "če",
	"še",	   "že",      "а",	"бы",	 "был",	       "была",	       "были",	 "было",
	"в",	   "вас",     "во",	"все",	 "вы",	       "да",	       "для",	 "до",
	"его",	   "ее",      "еще",	"же",	 "за",	       "здравствуйте", "и",	 "из",
	"или",	   "их",      "к",	"как",	 "ли",	       "мне",	       "мы",	 "на",
	"нас",	   "не",      "нет",	"но",	 "о",	       "об",	       "он",	 "она",
	"они",	   "опять",   "от",	"по",	 "пожалуйста", "при",	       "с",	 "снова",
	"со",	   "спасибо", "так",	"у",	 "уже",	       "что",	       "это",	 "я",
};

static int is_stop_word(const char *w)
{
	size_t lo = 0, hi = sizeof(stop_words) / sizeof(*stop_words);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(stop_words[mid], w);
		if (!c)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Letters and digits of the scripts sd folds; anything else splits words. */
static int word_char(unsigned c)
{
	if (c < 0x80)
		return sd_ascii_isalnum((int)c);
	return (c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7) || (c >= 0x370 && c <= 0x3ff) ||
		(c >= 0x400 && c <= 0x52f);
}

/* Calls take(word, stem) for each significant word of text, folded. */
typedef void term_fn(void *arg, const char *word, const char *stem);

static void each_term(const char *text, term_fn *take, void *arg)
{
	struct sd_buf word = SD_BUF_INIT, stem = SD_BUF_INIT;
	size_t letters = 0, stem_letters = 0;
	int digits_only = 1;
	const char *p = text;
	for (;;) {
		size_t n = 0;
		unsigned c = *p ? sd_fold_decode(p, &n) : 0;
		if (c && word_char(c)) {
			c = sd_fold_char(c);
			if (c == 0x451)
				c = 0x435; /* ё is written е as often as not */
			sd_fold_encode(&word, c);
			if (stem_letters < SD_CLUSTER_STEM) {
				sd_fold_encode(&stem, c);
				stem_letters++;
			}
			letters++;
			digits_only &= c < 0x80 && sd_ascii_isdigit((int)c);
			p += n;
			continue;
		}
		/* One letter, a number alone or a function word says nothing
		 * about what went wrong. */
		if (letters >= 2 && !digits_only && !is_stop_word(word.data))
			take(arg, word.data, stem.data);
		sd_buf_reset(&word);
		sd_buf_reset(&stem);
		letters = stem_letters = 0;
		digits_only = 1;
		if (!c)
			break;
		p += n;
	}
	sd_buf_release(&word);
	sd_buf_release(&stem);
}

static void push_stem(void *arg, const char *word, const char *stem)
{
	(void)word;
	sd_strvec_push(arg, stem);
}

void sd_cluster_terms(struct sd_strvec *out, const char *text)
{
	each_term(text, push_stem, out);
}

/* ---- vectors ---- */

struct weight {
	size_t term;
	double w;
};

struct occurrence {
	char *stem, *word;
	size_t doc;
	int in_title;
};

struct model {
	size_t n, nterms;
	char **terms;		/* sorted stems */
	struct weight **vec;	/* per doc, by term, unit length */
	size_t *len;		/* entries of each vector */
	struct occurrence *occ; /* every word of every doc */
	size_t nocc, occ_alloc;
	size_t cur_doc;
	int cur_title;
	/* Which docs may share a cluster, as numbers: the same cat, or the
	 * same asset when it is not -1 (none). */
	long *cat, *asset;
};

static void take_occurrence(void *arg, const char *word, const char *stem)
{
	struct model *m = arg;
	if (m->nocc == m->occ_alloc) {
		m->occ_alloc = m->occ_alloc ? 2 * m->occ_alloc : 256;
		m->occ = sd_xrealloc(m->occ, m->occ_alloc * sizeof(*m->occ));
	}
	m->occ[m->nocc++] =
		(struct occurrence){ sd_xstrdup(stem), sd_xstrdup(word), m->cur_doc, m->cur_title };
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t term_index(const struct model *m, const char *stem)
{
	size_t lo = 0, hi = m->nterms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(m->terms[mid], stem) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int cmp_occ(const void *a, const void *b)
{
	const struct occurrence *x = a, *y = b;
	if (x->doc != y->doc)
		return x->doc < y->doc ? -1 : 1;
	return strcmp(x->stem, y->stem);
}

struct keyed_doc {
	char *key;
	size_t doc;
};

static int cmp_keyed_doc(const void *a, const void *b)
{
	const struct keyed_doc *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->doc > y->doc) - (x->doc < y->doc);
}

/* Numbers the values of one field (category or asset) without regard to
 * ASCII case, as sd_strcaseeq compares them; "" is -1 when none_apart. */
static long *number_values(const struct sd_cluster_doc *docs, size_t n, int asset, int none_apart)
{
	struct keyed_doc *k = sd_xmalloc((n ? n : 1) * sizeof(*k));
	long *id = sd_xmalloc((n ? n : 1) * sizeof(*id));
	for (size_t i = 0; i < n; i++) {
		const char *v = asset ? docs[i].asset : docs[i].category;
		k[i].key = sd_xstrdup(v ? v : "");
		for (char *p = k[i].key; *p; p++)
			*p = (char)sd_ascii_tolower((unsigned char)*p);
		k[i].doc = i;
	}
	if (n > 1)
		qsort(k, n, sizeof(*k), cmp_keyed_doc);
	long next = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && strcmp(k[i].key, k[i - 1].key))
			next++;
		id[k[i].doc] = none_apart && !*k[i].key ? -1 : next;
	}
	for (size_t i = 0; i < n; i++)
		free(k[i].key);
	free(k);
	return id;
}

static void model_build(struct model *m, const struct sd_cluster_doc *docs, size_t n)
{
	memset(m, 0, sizeof(*m));
	m->n = n;
	m->cat = number_values(docs, n, 0, 0);
	m->asset = number_values(docs, n, 1, 1);
	for (size_t i = 0; i < n; i++) {
		m->cur_doc = i;
		m->cur_title = 1;
		each_term(docs[i].title ? docs[i].title : "", take_occurrence, m);
		m->cur_title = 0;
		each_term(docs[i].text ? docs[i].text : "", take_occurrence, m);
	}
	/* The terms: every stem once, sorted. */
	m->terms = sd_xmalloc((m->nocc ? m->nocc : 1) * sizeof(*m->terms));
	for (size_t i = 0; i < m->nocc; i++)
		m->terms[i] = m->occ[i].stem;
	if (m->nocc > 1)
		qsort(m->terms, m->nocc, sizeof(*m->terms), cmp_str);
	for (size_t i = 0; i < m->nocc; i++)
		if (!m->nterms || strcmp(m->terms[m->nterms - 1], m->terms[i]))
			m->terms[m->nterms++] = m->terms[i];
	/* Occurrences by doc then stem: each run is one term of one doc. */
	if (m->nocc > 1)
		qsort(m->occ, m->nocc, sizeof(*m->occ), cmp_occ);
	size_t *df = sd_xcalloc(m->nterms ? m->nterms : 1, sizeof(*df));
	m->vec = sd_xcalloc(n ? n : 1, sizeof(*m->vec));
	m->len = sd_xcalloc(n ? n : 1, sizeof(*m->len));
	for (size_t i = 0; i < m->nocc;) {
		size_t j = i, doc = m->occ[i].doc;
		while (j < m->nocc && m->occ[j].doc == doc)
			j++;
		m->vec[doc] = sd_xmalloc((j - i) * sizeof(**m->vec));
		for (size_t k = i; k < j;) {
			size_t e = k;
			double tf = 0;
			while (e < j && !strcmp(m->occ[e].stem, m->occ[k].stem)) {
				tf += m->occ[e].in_title ? 2 : 1; /* the title says it best */
				e++;
			}
			size_t t = term_index(m, m->occ[k].stem);
			df[t]++;
			m->vec[doc][m->len[doc]++] = (struct weight){ t, 1 + log(tf) };
			k = e;
		}
		i = j;
	}
	for (size_t d = 0; d < n; d++) {
		double norm = 0;
		for (size_t k = 0; k < m->len[d]; k++) {
			struct weight *w = &m->vec[d][k];
			w->w *= log(1 + (double)n / (double)df[w->term]);
			norm += w->w * w->w;
		}
		norm = sqrt(norm);
		for (size_t k = 0; norm > 0 && k < m->len[d]; k++)
			m->vec[d][k].w /= norm;
	}
	free(df);
}

static void model_free(struct model *m)
{
	for (size_t i = 0; i < m->nocc; i++) {
		free(m->occ[i].stem);
		free(m->occ[i].word);
	}
	free(m->occ);
	free(m->terms);
	for (size_t i = 0; i < m->n; i++)
		free(m->vec[i]);
	free(m->vec);
	free(m->len);
	free(m->cat);
	free(m->asset);
	memset(m, 0, sizeof(*m));
}

/* The weight of term t in doc d's vector, 0 when absent. */
static double cosine_weight(const struct model *m, size_t d, size_t t)
{
	size_t lo = 0, hi = m->len[d];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->vec[d][mid].term < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->len[d] && m->vec[d][lo].term == t ? m->vec[d][lo].w : 0;
}

static int may_share(const struct model *m, size_t a, size_t b)
{
	return m->cat[a] == m->cat[b] || (m->asset[a] >= 0 && m->asset[a] == m->asset[b]);
}

static double cosine(const struct model *m, size_t a, size_t b)
{
	double dot = 0;
	size_t i = 0, j = 0;
	while (i < m->len[a] && j < m->len[b]) {
		if (m->vec[a][i].term == m->vec[b][j].term)
			dot += m->vec[a][i++].w * m->vec[b][j++].w;
		else if (m->vec[a][i].term < m->vec[b][j].term)
			i++;
		else
			j++;
	}
	return dot;
}

static double similarity(const struct model *m, size_t a, size_t b)
{
	return may_share(m, a, b) ? cosine(m, a, b) : 0;
}

double sd_cluster_similarity(const struct sd_cluster_doc *docs, size_t n, size_t a, size_t b)
{
	struct model m;
	model_build(&m, docs, n);
	double s = similarity(&m, a, b);
	model_free(&m);
	return s;
}

/* ---- components, then average linkage inside each ---- */

static size_t find_root(size_t *parent, size_t x)
{
	while (parent[x] != x)
		x = parent[x] = parent[parent[x]];
	return x;
}

/* Groups the k docs of a component by average linkage; sum holds their
 * pairwise similarities (k x k) and is used up. group[i] gets the index
 * of the first member of i's group.
 *
 * The nearest-neighbour chain: follow each group to the one most like it
 * until two are each other's nearest, and join those. Average linkage
 * never makes a joined group more alike to a third than the more alike
 * of its parts was, so this joins the same groups as always joining the
 * best pair first, in O(k^2) rather than O(k^3); and a group whose
 * nearest is under the threshold can never reach it, so it is set aside
 * for good. Ties go to the group already on the chain, then the lower
 * index: the answer depends on nothing but the input. */
static void link_component(float *sum, size_t k, double threshold, size_t *group)
{
	size_t *size = sd_xmalloc(k * sizeof(*size)), *chain = sd_xmalloc(k * sizeof(*chain));
	unsigned char *open = sd_xmalloc(k);
	size_t len = 0, next = 0;
	for (size_t i = 0; i < k; i++) {
		size[i] = 1;
		open[i] = 1;
		group[i] = i;
	}
	for (;;) {
		if (!len) {
			while (next < k && !open[next])
				next++;
			if (next == k)
				break;
			chain[len++] = next;
		}
		size_t c = chain[len - 1], d = k;
		double best = -1;
		if (len >= 2) {
			d = chain[len - 2];
			best = sum[c * k + d] / ((double)size[c] * (double)size[d]);
		}
		for (size_t x = 0; x < k; x++) {
			if (!open[x] || x == c)
				continue;
			double a = sum[c * k + x] / ((double)size[c] * (double)size[x]);
			if (a > best)
				best = a, d = x;
		}
		if (d == k || best < threshold) {
			open[c] = 0; /* nothing will ever join it */
			len--;
			continue;
		}
		if (len < 2 || d != chain[len - 2]) {
			chain[len++] = d;
			continue;
		}
		/* c and d are each other's nearest: the higher joins the lower. */
		size_t a = c < d ? c : d, b = c < d ? d : c;
		len -= 2;
		for (size_t x = 0; x < k; x++) {
			sum[a * k + x] += sum[b * k + x];
			sum[x * k + a] = sum[a * k + x];
		}
		size[a] += size[b];
		open[b] = 0;
		for (size_t x = 0; x < k; x++)
			if (group[x] == b)
				group[x] = a;
	}
	free(size);
	free(chain);
	free(open);
}

struct word_count {
	const char *stem;
	size_t docs;
	double weight;
};

static int cmp_word_count(const void *a, const void *b)
{
	const struct word_count *x = a, *y = b;
	if (x->docs != y->docs)
		return x->docs > y->docs ? -1 : 1;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return strcmp(x->stem, y->stem);
}

/* The words most of the members share, each as its commonest form. */
static void cluster_words(struct sd_cluster *c, const struct model *m)
{
	struct word_count *wc = NULL;
	size_t nwc = 0;
	for (size_t i = 0; i < c->n; i++) {
		size_t d = c->members[i];
		for (size_t k = 0; k < m->len[d]; k++) {
			const char *stem = m->terms[m->vec[d][k].term];
			size_t j;
			for (j = 0; j < nwc && strcmp(wc[j].stem, stem); j++)
				;
			if (j == nwc) {
				wc = sd_xrealloc(wc, (nwc + 1) * sizeof(*wc));
				wc[nwc++] = (struct word_count){ stem, 0, 0 };
			}
			wc[j].docs++;
			wc[j].weight += m->vec[d][k].w;
		}
	}
	if (nwc > 1)
		qsort(wc, nwc, sizeof(*wc), cmp_word_count);
	unsigned char *member = sd_xcalloc(m->n ? m->n : 1, 1);
	for (size_t i = 0; i < c->n; i++)
		member[c->members[i]] = 1;
	for (size_t j = 0; j < nwc && c->words.n < 3; j++) {
		if (wc[j].docs * 2 < c->n || wc[j].docs < 2)
			break;
		/* The form of the stem seen most often among the members (of
		 * equal counts, the first in byte order), counted by sorting:
		 * a large cluster holds very many words. */
		const char **forms = sd_xmalloc((m->nocc ? m->nocc : 1) * sizeof(*forms));
		size_t nforms = 0;
		for (size_t i = 0; i < m->nocc; i++)
			if (member[m->occ[i].doc] && !strcmp(m->occ[i].stem, wc[j].stem))
				forms[nforms++] = m->occ[i].word;
		if (nforms > 1)
			qsort(forms, nforms, sizeof(*forms), cmp_str);
		const char *best = NULL;
		size_t best_n = 0;
		for (size_t i = 0; i < nforms;) {
			size_t e = i;
			while (e < nforms && !strcmp(forms[e], forms[i]))
				e++;
			if (e - i > best_n)
				best = forms[i], best_n = e - i;
			i = e;
		}
		free(forms);
		sd_strvec_push(&c->words, best ? best : wc[j].stem);
	}
	free(member);
	free(wc);
}

static int cmp_cluster(const void *a, const void *b)
{
	const struct sd_cluster *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return (x->members[0] > y->members[0]) - (x->members[0] < y->members[0]);
}

void sd_cluster_find(struct sd_clusters *out, const struct sd_cluster_doc *docs, size_t n,
		     double threshold, size_t min_size)
{
	struct model m;
	memset(out, 0, sizeof(*out));
	if (min_size < 2)
		min_size = 2;
	model_build(&m, docs, n);
	/* Pairs at or over the threshold, found through the terms they
	 * share, join components; no cluster spans two. */
	size_t *parent = sd_xmalloc((n ? n : 1) * sizeof(*parent));
	for (size_t i = 0; i < n; i++)
		parent[i] = i;
	size_t **postings = sd_xcalloc(m.nterms ? m.nterms : 1, sizeof(*postings));
	size_t *npost = sd_xcalloc(m.nterms ? m.nterms : 1, sizeof(*npost));
	for (size_t d = 0; d < n; d++)
		for (size_t k = 0; k < m.len[d]; k++) {
			size_t t = m.vec[d][k].term;
			postings[t] = sd_xrealloc(postings[t], (npost[t] + 1) * sizeof(**postings));
			postings[t][npost[t]++] = d;
		}
	double *acc = sd_xcalloc(n ? n : 1, sizeof(*acc));
	size_t *touched = sd_xmalloc((n ? n : 1) * sizeof(*touched));
	for (size_t a = 0; a < n; a++) {
		size_t nt = 0;
		for (size_t k = 0; k < m.len[a]; k++) {
			size_t t = m.vec[a][k].term;
			for (size_t p = 0; p < npost[t]; p++) {
				size_t b = postings[t][p];
				if (b <= a || !may_share(&m, a, b))
					continue;
				if (acc[b] == 0)
					touched[nt++] = b;
				acc[b] += m.vec[a][k].w * cosine_weight(&m, b, t);
			}
		}
		for (size_t i = 0; i < nt; i++) {
			if (acc[touched[i]] >= threshold)
				parent[find_root(parent, touched[i])] = find_root(parent, a);
			acc[touched[i]] = 0;
		}
	}
	free(acc);
	free(touched);
	for (size_t t = 0; t < m.nterms; t++)
		free(postings[t]);
	free(postings);
	free(npost);

	/* Each component of at least min_size docs, in order of its first. */
	size_t *idx = sd_xmalloc((n ? n : 1) * sizeof(*idx));
	size_t *group = sd_xmalloc((n ? n : 1) * sizeof(*group));
	unsigned char *done = sd_xcalloc(n ? n : 1, 1);
	for (size_t first = 0; first < n; first++) {
		if (done[first])
			continue;
		size_t root = find_root(parent, first), k = 0;
		for (size_t d = first; d < n; d++)
			if (!done[d] && find_root(parent, d) == root) {
				idx[k++] = d;
				done[d] = 1;
			}
		if (k < min_size)
			continue;
		float *sim = sd_xcalloc(k * k, sizeof(*sim));
		for (size_t i = 0; i < k; i++)
			for (size_t j = i + 1; j < k; j++)
				sim[i * k + j] = sim[j * k + i] =
					(float)similarity(&m, idx[i], idx[j]);
		link_component(sim, k, threshold, group);
		free(sim);
		for (size_t g = 0; g < k; g++) {
			size_t size = 0;
			for (size_t i = 0; i < k; i++)
				size += group[i] == g;
			if (size < min_size)
				continue;
			out->v = sd_xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
			struct sd_cluster *c = &out->v[out->n++];
			memset(c, 0, sizeof(*c));
			c->members = sd_xmalloc(size * sizeof(*c->members));
			double best = -1, total = 0;
			for (size_t i = 0; i < k; i++) {
				if (group[i] != g)
					continue;
				c->members[c->n++] = idx[i];
				double s = 0;
				for (size_t j = 0; j < k; j++)
					if (group[j] == g && j != i)
						s += similarity(&m, idx[i], idx[j]);
				total += s;
				if (s > best)
					best = s, c->central = idx[i];
			}
			c->cohesion = total / ((double)size * (double)(size - 1));
			c->title = sd_xstrdup(docs[c->central].title ? docs[c->central].title : "");
			cluster_words(c, &m);
		}
	}
	free(idx);
	free(group);
	free(done);
	free(parent);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_cluster);
	model_free(&m);
}

void sd_clusters_free(struct sd_clusters *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].members);
		free(c->v[i].title);
		sd_strvec_clear(&c->v[i].words);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}
