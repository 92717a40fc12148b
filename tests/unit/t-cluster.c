/* SPDX-License-Identifier: MIT */
/* Clusters of similar tickets (include/sd/cluster.h): the words and
 * stems of English, Slovenian and Russian text, and planted clusters
 * found among noise, whatever the order of the tickets. */

#include <stdlib.h>

#include "sd/cluster.h"
#include "unit.h"

#define NELEM(a) (sizeof(a) / sizeof(*(a)))
#define THRESHOLD 0.25

static void test_terms(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "The PRINTER on floor 3 doesn't print!", "print floor print" },
		{ "Tiskalnik NE TISKA, prosim pomoč", "tiska tiska pomoč" },
		{ "ČŠŽ: Šef ne more tiskati", "čšž šef tiska" },
		{ "Принтер не печатает, ЁЛКА ёлка", "принт печат елка елка" },
		{ "PRN-042 error 0x1F, 42 pages", "prn error 0x1f pages" },
		{ "a I и в", "" },
	};
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct sd_strvec terms = SD_STRVEC_INIT;
		struct sd_buf got = SD_BUF_INIT;
		sd_cluster_terms(&terms, cases[i].text);
		for (size_t j = 0; j < terms.n; j++)
			sd_buf_printf(&got, "%s%s", j ? " " : "", terms.v[j]);
		CHECK_STR(cases[i].want, got.data, cases[i].text);
		sd_strvec_clear(&terms);
		sd_buf_release(&got);
	}
}

/* Three planted runs, one per language, among tickets about other things
 * in the same categories; two of the noise share a word with a run. */
static const struct sd_cluster_doc desk[] = {
	{ "Tiskalnik ne tiska", "Tiskalnik v 3. nadstropju ne tiska več.", "hardware", "" },
	{ "Laptop battery drains fast", "Battery lasts one hour.", "hardware", "" },
	{ "Принтер не печатает", "Принтер на втором этаже не печатает документы.", "hardware", "" },
	{ "Printer does not print", "The printer in room 12 prints nothing.", "hardware", "PRN-7" },
	{ "Ne morem tiskati", "Tiskalnik javlja napako, dokumenti se ne tiskajo.", "hardware", "" },
	{ "VPN ne dela", "Povezava VPN se prekine.", "network", "" },
	{ "Не печатает принтер", "Опять принтер не печатает, горит красная лампа.", "hardware",
	  "" },
	{ "Printer prints nothing", "Jobs sit in the queue, the printer does not print.",
	  "hardware", "PRN-7" },
	{ "Monitor flickers", "The monitor flickers after lunch.", "hardware", "" },
	{ "Tiskalnik spet ne tiska", "Tiskalnik ne tiska dokumentov.", "hardware", "" },
	{ "Пароль не подходит", "Не могу войти, пароль не подходит.", "accounts", "" },
	{ "Printer not printing", "Our printer stopped printing this morning.", "hardware",
	  "PRN-7" },
	{ "Принтер перестал печатать", "Принтер не печатает с утра.", "hardware", "" },
	{ "Outlook ne sinhronizira", "Pošta ne prihaja v Outlook.", "software", "" },
	{ "Printer toner order", "Please order toner for the printer.", "supplies", "" },
	{ "Tipkovnica ne dela", "Tipke se zatikajo.", "hardware", "" },
};

/* The clusters found as text: "0 4 9|2 6 12|..." in the docs' numbering. */
static char *clusters_text(const size_t *order, size_t n, double threshold)
{
	struct sd_cluster_doc *docs = malloc(n * sizeof(*docs));
	for (size_t i = 0; i < n; i++)
		docs[i] = desk[order[i]];
	struct sd_clusters found;
	sd_cluster_find(&found, docs, n, threshold, 3);
	/* Each cluster's members in desk numbering, sorted; clusters sorted. */
	char lines[16][64];
	size_t nl = 0;
	for (size_t c = 0; c < found.n && nl < 16; c++) {
		size_t ids[NELEM(desk)], k = found.v[c].n;
		for (size_t i = 0; i < k; i++)
			ids[i] = order[found.v[c].members[i]];
		for (size_t i = 1; i < k; i++)
			for (size_t j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
				size_t t = ids[j];
				ids[j] = ids[j - 1];
				ids[j - 1] = t;
			}
		int len = 0;
		for (size_t i = 0; i < k; i++)
			len += snprintf(lines[nl] + len, sizeof(lines[nl]) - (size_t)len, "%s%zu",
					i ? " " : "", ids[i]);
		nl++;
	}
	sd_clusters_free(&found);
	free(docs);
	for (size_t i = 1; i < nl; i++)
		for (size_t j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
			char t[64];
			memcpy(t, lines[j], 64);
			memcpy(lines[j], lines[j - 1], 64);
			memcpy(lines[j - 1], t, 64);
		}
	char *out = calloc(1, 1024);
	for (size_t i = 0; i < nl; i++)
		snprintf(out + strlen(out), 1024 - strlen(out), "%s%s", i ? "|" : "", lines[i]);
	return out;
}

static void test_planted(void)
{
	size_t order[NELEM(desk)];
	for (size_t i = 0; i < NELEM(desk); i++)
		order[i] = i;
	char *want = clusters_text(order, NELEM(desk), THRESHOLD);
	CHECK_STR("0 4 9|2 6 12|3 7 11", want, "the planted runs, and nothing else");
	/* The same clusters in any order of the tickets. */
	unsigned seed = 7;
	for (int round = 0; round < 20; round++) {
		for (size_t i = NELEM(desk) - 1; i > 0; i--) {
			seed = seed * 1103515245u + 12345u;
			size_t j = (seed >> 16) % (i + 1), t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		char *got = clusters_text(order, NELEM(desk), THRESHOLD);
		CHECK_STR(want, got, "shuffled");
		free(got);
	}
	free(want);

	/* Members, the central one, the title and the words. */
	struct sd_clusters found;
	sd_cluster_find(&found, desk, NELEM(desk), THRESHOLD, 3);
	CHECK(found.n == 3, "three clusters, got %zu", found.n);
	for (size_t c = 0; c < found.n; c++) {
		const struct sd_cluster *cl = &found.v[c];
		CHECK(cl->n == 3 && cl->members[0] < cl->members[1], "cluster %zu: 3 sorted", c);
		CHECK(cl->cohesion >= THRESHOLD && cl->cohesion <= 1.0001, "cohesion %f",
		      cl->cohesion);
		CHECK_STR(desk[cl->central].title, cl->title, "title of the central member");
		CHECK(cl->words.n >= 1, "cluster %zu has words", c);
	}
	if (found.n == 3) {
		/* By first member: Slovenian, Russian, English. */
		CHECK_STR("tiskalnik", found.v[0].words.v[0], "Slovenian words");
		CHECK(sd_strvec_has(&found.v[1].words, "принтер") &&
			      sd_strvec_has(&found.v[1].words, "печатает"),
		      "Russian words: %s", found.v[1].words.v[0]);
		CHECK_STR("printer", found.v[2].words.v[0], "English words");
	}
	sd_clusters_free(&found);

	/* Another category keeps a ticket out however alike its text. */
	struct sd_cluster_doc two[] = { desk[0], desk[9] };
	CHECK(sd_cluster_similarity(two, 2, 0, 1) > THRESHOLD, "alike: %f",
	      sd_cluster_similarity(two, 2, 0, 1));
	two[1].category = "network";
	CHECK(sd_cluster_similarity(two, 2, 0, 1) == 0, "apart: %f",
	      sd_cluster_similarity(two, 2, 0, 1));
	two[0].asset = two[1].asset = "PRN-1";
	CHECK(sd_cluster_similarity(two, 2, 0, 1) > THRESHOLD, "the same asset joins them");

	/* Nothing to find: no docs, and a threshold over 1. */
	sd_cluster_find(&found, desk, 0, THRESHOLD, 3);
	CHECK(found.n == 0, "no docs");
	sd_clusters_free(&found);
	sd_cluster_find(&found, desk, NELEM(desk), 1.01, 2);
	CHECK(found.n == 0, "threshold over 1");
	sd_clusters_free(&found);
}

/* SD_CLUSTER_DEBUG=1: every pair's similarity, to choose the threshold. */
static void print_pairs(void)
{
	if (!getenv("SD_CLUSTER_DEBUG"))
		return;
	for (size_t a = 0; a < NELEM(desk); a++)
		for (size_t b = a + 1; b < NELEM(desk); b++) {
			double s = sd_cluster_similarity(desk, NELEM(desk), a, b);
			if (s > 0)
				printf("%.3f %zu %zu\n", s, a, b);
		}
}

int main(void)
{
	print_pairs();
	test_terms();
	test_planted();
	return unit_done("unit/cluster");
}
