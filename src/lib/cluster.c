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

static void model_build(struct model *m, const struct sd_cluster_doc *docs, size_t n)
{
	memset(m, 0, sizeof(*m));
	m->n = n;
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

static int may_share(const struct sd_cluster_doc *a, const struct sd_cluster_doc *b)
{
	const char *ca = a->category ? a->category : "", *cb = b->category ? b->category : "";
	const char *aa = a->asset ? a->asset : "", *ab = b->asset ? b->asset : "";
	return sd_strcaseeq(ca, cb) || (*aa && sd_strcaseeq(aa, ab));
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

static double similarity(const struct model *m, const struct sd_cluster_doc *docs, size_t a,
			 size_t b)
{
	return may_share(&docs[a], &docs[b]) ? cosine(m, a, b) : 0;
}

double sd_cluster_similarity(const struct sd_cluster_doc *docs, size_t n, size_t a, size_t b)
{
	struct model m;
	model_build(&m, docs, n);
	double s = similarity(&m, docs, a, b);
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

/* The sums of similarities between the groups of one component, and
 * each group's best partner by average, kept up to date as they merge. */
struct linkage {
	size_t k;
	double *sum; /* k x k */
	size_t *size;
	int *alive;
	size_t *best;
	double *best_avg;
};

static double avg(const struct linkage *l, size_t i, size_t j)
{
	return l->sum[i * l->k + j] / ((double)l->size[i] * (double)l->size[j]);
}

static void find_best(struct linkage *l, size_t i)
{
	l->best[i] = i;
	l->best_avg[i] = -1;
	for (size_t j = 0; j < l->k; j++) {
		if (j == i || !l->alive[j])
			continue;
		double a = avg(l, i, j);
		if (a > l->best_avg[i]) { /* ties: the lower index, seen first */
			l->best_avg[i] = a;
			l->best[i] = j;
		}
	}
}

/* Groups the k docs of a component (idx) by average linkage; group[i]
 * gets the index (into idx) of the group's first member. */
static void link_component(const double *sim, size_t k, double threshold, size_t *group)
{
	struct linkage l = { k,
			     sd_xmalloc(k * k * sizeof(double)),
			     sd_xmalloc(k * sizeof(size_t)),
			     sd_xmalloc(k * sizeof(int)),
			     sd_xmalloc(k * sizeof(size_t)),
			     sd_xmalloc(k * sizeof(double)) };
	memcpy(l.sum, sim, k * k * sizeof(double));
	for (size_t i = 0; i < k; i++) {
		l.size[i] = 1;
		l.alive[i] = 1;
		group[i] = i;
	}
	for (size_t i = 0; i < k; i++)
		find_best(&l, i);
	for (;;) {
		size_t a = k;
		for (size_t i = 0; i < k; i++)
			if (l.alive[i] && l.best[i] != i &&
			    (a == k || l.best_avg[i] > l.best_avg[a]))
				a = i;
		if (a == k || l.best_avg[a] < threshold)
			break;
		size_t b = l.best[a];
		if (b < a) {
			size_t t = a;
			a = b;
			b = t;
		}
		/* b joins a: sums add, since the average is over all pairs. */
		for (size_t x = 0; x < k; x++) {
			l.sum[a * k + x] += l.sum[b * k + x];
			l.sum[x * k + a] = l.sum[a * k + x];
		}
		l.size[a] += l.size[b];
		l.alive[b] = 0;
		for (size_t x = 0; x < k; x++)
			if (group[x] == b)
				group[x] = a;
		for (size_t x = 0; x < k; x++) {
			if (!l.alive[x])
				continue;
			if (x == a || l.best[x] == a || l.best[x] == b)
				find_best(&l, x);
			else if (avg(&l, x, a) > l.best_avg[x] ||
				 (avg(&l, x, a) == l.best_avg[x] && a < l.best[x]))
				l.best_avg[x] = avg(&l, x, a), l.best[x] = a;
		}
	}
	free(l.sum);
	free(l.size);
	free(l.alive);
	free(l.best);
	free(l.best_avg);
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
		/* The form of the stem seen most often among the members. */
		const char *best = NULL;
		size_t best_n = 0;
		for (size_t i = 0; i < m->nocc; i++) {
			if (!member[m->occ[i].doc] || strcmp(m->occ[i].stem, wc[j].stem))
				continue;
			size_t count = 0;
			for (size_t x = 0; x < m->nocc; x++)
				if (member[m->occ[x].doc] &&
				    !strcmp(m->occ[x].word, m->occ[i].word))
					count++;
			if (count > best_n || (count == best_n && strcmp(m->occ[i].word, best) < 0))
				best = m->occ[i].word, best_n = count;
		}
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
				if (b <= a || !may_share(&docs[a], &docs[b]))
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
		double *sim = sd_xcalloc(k * k, sizeof(*sim));
		for (size_t i = 0; i < k; i++)
			for (size_t j = i + 1; j < k; j++)
				sim[i * k + j] = sim[j * k + i] =
					similarity(&m, docs, idx[i], idx[j]);
		link_component(sim, k, threshold, group);
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
						s += sim[i * k + j];
				total += s;
				if (s > best)
					best = s, c->central = idx[i];
			}
			c->cohesion = total / ((double)size * (double)(size - 1));
			c->title = sd_xstrdup(docs[c->central].title ? docs[c->central].title : "");
			cluster_words(c, &m);
		}
		free(sim);
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
