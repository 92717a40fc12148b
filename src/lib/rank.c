/* SPDX-License-Identifier: MIT */
/* BM25F ranking with light stemming for English, Russian and Slovenian:
 * see include/sd/rank.h. */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sd/buf.h"
#include "sd/fold.h"
#include "sd/rank.h"
#include "sd/text.h"

#define W_TITLE 3.0
#define W_TAGS 2.0
#define W_BODY 1.0
#define K1 1.2
#define B 0.75
/* A prefix match counts for less than the same word. */
#define W_PREFIX 0.6
#define MIN_STEM 3
#define MIN_PREFIX 4

/* Letters and digits of the scripts a desk is likely to write in; every
 * other code point separates words. */
static int word_char(unsigned c)
{
	if (c < 0x80)
		return sd_ascii_isalnum((int)c);
	if (c == 0xd7 || c == 0xf7)
		return 0;
	return (c >= 0xc0 && c <= 0x24f) ||
		(c >= 0x370 && c <= 0x3ff && c != 0x37e && c != 0x387) ||
		(c >= 0x400 && c <= 0x52f) ||
		(c >= 0x3040 && c != 0xfffd && !(c >= 0xfe30 && c <= 0xff0f));
}

static const char *const stop_words[] = {
	/* English */
	"a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how",
	"i", "in", "is", "it", "my", "of", "on", "or", "the", "to", "what", "when", "why", "with",
	"you", "your", "not", "this", "that", "me", "we", "our",
	/* Russian */
	"и", "в", "во", "не", "на", "с", "со", "что", "как", "а", "но", "к", "у", "по", "из", "за",
	"от", "до", "для", "я", "мы", "вы", "он", "она", "оно", "они", "мой", "мне", "меня", "это",
	"ли", "же", "бы", "или", "при", "о", "об", "нет", "да",
	/* Slovenian */
	"in", "je", "se", "na", "v", "za", "da", "ne", "ki", "so", "pa", "z", "s", "ali", "kako",
	"kaj", "mi", "me", "moj", "moja", "moje", "to", "ta", "od", "do", "po", "pri", "sem", "si",
	NULL
};

static int is_stop(const char *w)
{
	for (const char *const *s = stop_words; *s; s++)
		if (!strcmp(*s, w))
			return 1;
	return 0;
}

static size_t letters(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xc0) != 0x80;
	return k;
}

/* Takes the longest of endings off w (in place) when at least MIN_STEM
 * letters are left; returns 1 when one was taken. */
static int strip(struct sd_buf *w, const char *const *endings)
{
	size_t best = 0;
	for (const char *const *e = endings; *e; e++) {
		size_t n = strlen(*e);
		if (n > best && n < w->len && !memcmp(w->data + w->len - n, *e, n) &&
		    letters(w->data, w->len - n) >= MIN_STEM)
			best = n;
	}
	if (best)
		sd_buf_setlen(w, w->len - best);
	return best > 0;
}

static const char *const ru_reflexive[] = { "ся", "сь", NULL };
static const char *const ru_endings[] = {
	"иями", "ями",	"ами",	"ием",	"ией",	"иях",	"ение", "ения", "ений", "ении", "ением",
	"ание", "ания", "аний", "ании", "ость", "ости", "ого",	"его",	"ому",	"ему",	"ыми",
	"ими",	"ешь",	"ишь",	"ете",	"ите",	"ает",	"яет",	"ует",	"еет",	"ают",	"яют",
	"уют",	"ать",	"ять",	"ить",	"еть",	"уть",	"ыть",	"ала",	"ила",	"ало",	"ило",
	"али",	"или",	"ал",	"ил",	"ет",	"ит",	"ут",	"ют",	"ат",	"ят",	"ая",
	"яя",	"ое",	"ее",	"ые",	"ие",	"ый",	"ий",	"ой",	"ей",	"ую",	"юю",
	"ов",	"ев",	"ах",	"ях",	"ом",	"ем",	"ам",	"ям",	"ия",	"ию",	"а",
	"я",	"о",	"е",	"ы",	"и",	"у",	"ю",	"ь",	"й",	NULL
};
static const char *const en_endings[] = { "'s", "ing", "ings", "ed", "es", "s", "ly", NULL };
static const char *const sl_endings[] = { "ega", "emu", "ama", "ami", "ih",  "im",  "om",
					  "em",	 "ov",	"ev",  "ati", "iti", "eti", "amo",
					  "ate", "ajo", "imo", "ite", "ijo", "ala", "ila",
					  "alo", "ilo", "ali", "ili", "ja",  "je",  "jo",
					  "ju",	 "a",	"e",   "i",   "o",   "u",   NULL };

static void stem(struct sd_buf *w)
{
	unsigned char c0 = (unsigned char)w->data[0];
	if (c0 == 0xd0 || c0 == 0xd1) { /* Cyrillic */
		strip(w, ru_reflexive);
		strip(w, ru_endings);
		return;
	}
	if (c0 >= 0x80 && c0 != 0xc3 && c0 != 0xc4 && c0 != 0xc5)
		return; /* scripts without rules here */
	/* English and Slovenian share the Latin alphabet and many words look
	 * like either: both sets of endings go, the same for the question
	 * and the articles, which is what matters for matching. */
	if (w->len > 3 && !memcmp(w->data + w->len - 3, "ies", 3)) {
		sd_buf_setlen(w, w->len - 3);
		sd_buf_addch(w, 'y');
	} else if (!(w->len > 2 && !memcmp(w->data + w->len - 2, "ss", 2))) {
		strip(w, en_endings);
	}
	strip(w, sl_endings);
}

static void add_word(struct sd_strvec *out, struct sd_buf *w)
{
	if (!w->len)
		return;
	if (letters(w->data, w->len) >= 2 && !is_stop(w->data)) {
		stem(w);
		sd_strvec_push(out, w->data);
	}
	sd_buf_reset(w);
}

void sd_rank_words(struct sd_strvec *out, const char *text)
{
	struct sd_buf w = SD_BUF_INIT;
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	while (*p) {
		size_t len;
		unsigned c = sd_utf8_next((const char *)p, &len);
		p += len;
		if (!word_char(c)) {
			add_word(out, &w);
			continue;
		}
		c = sd_fold_char(c);
		if (c == 0x451)
			c = 0x435; /* ё is written as е as often as not */
		sd_utf8_put(&w, c);
	}
	add_word(out, &w);
	sd_buf_release(&w);
}

/* One field of one document: its words, sorted for lookups. */
struct field {
	struct sd_strvec words;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* How strongly document word d answers question word q: 1 for the same
 * word, W_PREFIX when one begins the other and the shorter has at least
 * MIN_PREFIX letters, else 0. */
static double match(const char *q, const char *d)
{
	if (!strcmp(q, d))
		return 1;
	size_t lq = strlen(q), ld = strlen(d);
	const char *shorter = lq < ld ? q : d, *longer = lq < ld ? d : q;
	size_t ls = lq < ld ? lq : ld;
	if (letters(shorter, ls) >= MIN_PREFIX && !strncmp(longer, shorter, ls))
		return W_PREFIX;
	return 0;
}

/* The weighted frequency of q in a field: a scan, as a knowledge base
 * holds hundreds of articles, not millions of words. */
static double field_tf(const struct field *f, const char *q)
{
	double tf = 0;
	for (size_t i = 0; i < f->words.n; i++)
		tf += match(q, f->words.v[i]);
	return tf;
}

/* Best first; equal scores in the documents' order, so every run agrees. */
static int cmp_hits(const void *x, const void *y)
{
	const struct sd_rank_hit *a = x, *b = y;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return (a->doc > b->doc) - (a->doc < b->doc);
}

size_t sd_rank(struct sd_rank_hit **out, const struct sd_rank_doc *docs, size_t n,
	       const char *query)
{
	struct sd_strvec q = SD_STRVEC_INIT;
	struct field *f = sd_xcalloc(n ? 3 * n : 1, sizeof(*f));
	double *len = sd_xcalloc(n ? n : 1, sizeof(*len)), avg = 0;
	*out = sd_xcalloc(n ? n : 1, sizeof(**out));
	sd_rank_words(&q, query);
	sd_strvec_sort(&q);
	sd_strvec_uniq(&q);
	for (size_t i = 0; i < n; i++) {
		sd_rank_words(&f[3 * i].words, docs[i].title);
		for (size_t t = 0; docs[i].tags && t < docs[i].tags->n; t++)
			sd_rank_words(&f[3 * i + 1].words, docs[i].tags->v[t]);
		sd_rank_words(&f[3 * i + 2].words, docs[i].body);
		for (int k = 0; k < 3; k++)
			if (f[3 * i + k].words.n > 1)
				qsort(f[3 * i + k].words.v, f[3 * i + k].words.n, sizeof(char *),
				      cmp_str);
		len[i] = W_TITLE * (double)f[3 * i].words.n +
			W_TAGS * (double)f[3 * i + 1].words.n +
			W_BODY * (double)f[3 * i + 2].words.n;
		avg += len[i];
	}
	avg = n ? avg / (double)n : 1;
	if (avg <= 0)
		avg = 1;
	double *score = sd_xcalloc(n ? n : 1, sizeof(*score));
	double *tf = sd_xcalloc(n ? n : 1, sizeof(*tf));
	for (size_t k = 0; k < q.n; k++) {
		double df = 0;
		for (size_t i = 0; i < n; i++) {
			tf[i] = W_TITLE * field_tf(&f[3 * i], q.v[k]) +
				W_TAGS * field_tf(&f[3 * i + 1], q.v[k]) +
				W_BODY * field_tf(&f[3 * i + 2], q.v[k]);
			df += tf[i] > 0;
		}
		double idf = log(1 + ((double)n - df + 0.5) / (df + 0.5));
		for (size_t i = 0; i < n; i++)
			if (tf[i] > 0)
				score[i] += idf * tf[i] * (K1 + 1) /
					(tf[i] + K1 * (1 - B + B * len[i] / avg));
	}
	size_t hits = 0;
	for (size_t i = 0; i < n; i++)
		if (score[i] > 0)
			(*out)[hits++] = (struct sd_rank_hit){ i, score[i] };
	if (hits > 1)
		qsort(*out, hits, sizeof(**out), cmp_hits);
	for (size_t i = 0; i < 3 * n; i++)
		sd_strvec_clear(&f[i].words);
	free(f);
	free(len);
	free(score);
	free(tf);
	sd_strvec_clear(&q);
	return hits;
}
