#include "enrich/lang.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/text.h"

/*
 * The scripts told apart before any n-gram comparison.  SCRIPT_SOLO scripts
 * are, on Nostr, written in one language: the code says which.
 */
enum script {
	SCRIPT_OTHER, SCRIPT_LATIN, SCRIPT_CYRILLIC, SCRIPT_ARABIC, SCRIPT_DEVANAGARI,
	SCRIPT_KANA, SCRIPT_HAN, SCRIPT_HANGUL, SCRIPT_GREEK, SCRIPT_HEBREW, SCRIPT_THAI,
	SCRIPT_GEORGIAN, SCRIPT_ARMENIAN, SCRIPT_BENGALI, SCRIPT_TAMIL, SCRIPT_ETHIOPIC,
	SCRIPT_COUNT
};

static const char *const solo_code[SCRIPT_COUNT] = {
	[SCRIPT_KANA] = "ja", [SCRIPT_HAN] = "zh", [SCRIPT_HANGUL] = "ko",
	[SCRIPT_GREEK] = "el", [SCRIPT_HEBREW] = "he", [SCRIPT_THAI] = "th",
	[SCRIPT_GEORGIAN] = "ka", [SCRIPT_ARMENIAN] = "hy", [SCRIPT_BENGALI] = "bn",
	[SCRIPT_TAMIL] = "ta", [SCRIPT_ETHIOPIC] = "am",
};

/* The n-gram models per script: the file's name and the ISO 639-1 code. */
struct model_name {
	enum script script;
	const char *file, *code;
};

static const struct model_name model_names[] = {
	{ SCRIPT_LATIN, "en", "en" }, { SCRIPT_LATIN, "de", "de" },
	{ SCRIPT_LATIN, "es", "es" }, { SCRIPT_LATIN, "pt", "pt" },
	{ SCRIPT_LATIN, "fr", "fr" }, { SCRIPT_LATIN, "it", "it" },
	{ SCRIPT_LATIN, "nl", "nl" }, { SCRIPT_LATIN, "pl", "pl" },
	{ SCRIPT_LATIN, "sv", "sv" }, { SCRIPT_LATIN, "da", "da" },
	{ SCRIPT_LATIN, "nb", "no" }, { SCRIPT_LATIN, "fi", "fi" },
	{ SCRIPT_LATIN, "cs", "cs" }, { SCRIPT_LATIN, "sk", "sk" },
	{ SCRIPT_LATIN, "tr", "tr" }, { SCRIPT_LATIN, "id", "id" },
	{ SCRIPT_LATIN, "ro", "ro" }, { SCRIPT_LATIN, "hu", "hu" },
	{ SCRIPT_LATIN, "ca", "ca" }, { SCRIPT_LATIN, "vi", "vi" },
	{ SCRIPT_LATIN, "hr", "hr" }, { SCRIPT_LATIN, "sl", "sl" },
	{ SCRIPT_LATIN, "et", "et" }, { SCRIPT_LATIN, "lt", "lt" },
	{ SCRIPT_LATIN, "lv", "lv" }, { SCRIPT_LATIN, "eo", "eo" },
	{ SCRIPT_LATIN, "af", "af" }, { SCRIPT_LATIN, "sw", "sw" },
	{ SCRIPT_LATIN, "tl", "tl" }, { SCRIPT_LATIN, "eu", "eu" },
	{ SCRIPT_CYRILLIC, "ru", "ru" }, { SCRIPT_CYRILLIC, "uk", "uk" },
	{ SCRIPT_CYRILLIC, "bg", "bg" }, { SCRIPT_CYRILLIC, "be", "be" },
	{ SCRIPT_CYRILLIC, "mk", "mk" }, { SCRIPT_CYRILLIC, "sr-Cyrl", "sr" },
	{ SCRIPT_CYRILLIC, "kk", "kk" },
	{ SCRIPT_ARABIC, "ar", "ar" }, { SCRIPT_ARABIC, "fa", "fa" },
	{ SCRIPT_ARABIC, "ur", "ur" },
	{ SCRIPT_DEVANAGARI, "hi", "hi" }, { SCRIPT_DEVANAGARI, "mr", "mr" },
	{ SCRIPT_DEVANAGARI, "ne", "ne" },
};

#define NMODELS (sizeof model_names / sizeof model_names[0])

/* A runner-up this close to the best (out-of-place distances) makes the guess
 * unsure.  libexttextcat lists candidates within 1.03; on short notes, wrong
 * guesses (English taken for Afrikaans, Estonian...) came within 1.024-1.038
 * of the runner-up, right ones mostly beyond 1.05. */
#define LANG_UNSURE_RATIO 1.04

/*
 * The scoring is Cavnar and Trenkle's, as libexttextcat does it, on its
 * fingerprint files, but arranged for speed: every n-gram of every model
 * sits once in a hash table with its list of (model, rank) postings, so a
 * text costs one lookup per n-gram instead of one sorted merge per model.
 * A text n-gram of rank i adds |i - rank| for each model that has it and
 * LANG_OUT_OF_PLACE for each that has not.
 */
#define LANG_NGRAMS 400            /* n-grams per fingerprint (files hold 400) */
#define LANG_OUT_OF_PLACE 400      /* libexttextcat's MAXOUTOFPLACE */
#define LANG_NGRAM_CHARS 5         /* n-grams of 1 to 5 characters */
#define LANG_NGRAM_BYTES 24        /* 5 characters of up to 4 bytes, plus slack */
#define LANG_MAX_COUNT 1024        /* counts above this rank as equal */

struct gram {
	char text[LANG_NGRAM_BYTES];
	uint8_t len;
	uint32_t count;            /* text grams: occurrences */
	uint32_t postings;         /* model grams: first posting; text grams: rank */
	uint32_t npostings;
};

struct posting {
	uint16_t model, rank;
};

/* An open-addressing table of grams (power-of-two size, linear probing). */
struct gram_table {
	struct gram *slot;
	uint32_t *used;            /* indices of filled slots, for reset and sort */
	size_t size, n;
};

struct lang {
	struct gram_table models;  /* every model n-gram, with its postings */
	struct posting *posting;
	size_t nposting;
	struct gram_table text;    /* the text's n-grams, reset per guess */
	struct buf letters;        /* the text reduced to what the models see */
	uint32_t *order;           /* text grams sorted by count */
	int64_t score[sizeof model_names / sizeof model_names[0]];
};

static uint32_t
gram_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;  /* FNV-1a */

	while (len--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void
table_init(struct gram_table *t, size_t size)
{
	t->slot = xcalloc(size, sizeof *t->slot);
	t->used = xcalloc(size, sizeof *t->used);
	t->size = size;
	t->n = 0;
}

static void
table_free(struct gram_table *t)
{
	free(t->slot);
	free(t->used);
}

/* table_get: the gram s[0..len), added (zeroed) when absent, or NULL when full. */
static struct gram *
table_get(struct gram_table *t, const char *s, size_t len)
{
	size_t i = gram_hash(s, len) & (t->size - 1);
	struct gram *g;

	for (;;) {
		g = &t->slot[i];
		if (g->len == 0)
			break;
		if (g->len == len && memcmp(g->text, s, len) == 0)
			return g;
		i = (i + 1) & (t->size - 1);
	}
	if (t->n * 4 >= t->size * 3)
		return NULL;
	memcpy(g->text, s, len);
	g->len = (uint8_t)len;
	t->used[t->n++] = (uint32_t)i;
	return g;
}

static struct gram *
table_find(const struct gram_table *t, const char *s, size_t len)
{
	size_t i = gram_hash(s, len) & (t->size - 1);
	struct gram *g;

	for (;;) {
		g = &t->slot[i];
		if (g->len == 0)
			return NULL;
		if (g->len == len && memcmp(g->text, s, len) == 0)
			return g;
		i = (i + 1) & (t->size - 1);
	}
}

static void
table_reset(struct gram_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		memset(&t->slot[t->used[i]], 0, sizeof(struct gram));
	t->n = 0;
}

void
lang_free(struct lang *l)
{
	if (l == NULL)
		return;
	table_free(&l->models);
	table_free(&l->text);
	free(l->posting);
	free(l->order);
	buf_free(&l->letters);
	free(l);
}

/* read_model: a libexttextcat .lm file: one n-gram per line, most frequent first. */
static int
read_model(struct lang *l, size_t model, const char *path, struct posting **pending,
    uint32_t **gram_of, size_t *npending)
{
	char line[256], *tab;
	FILE *f;
	size_t rank = 0, len;
	struct gram *g;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (rank < LANG_NGRAMS && fgets(line, sizeof line, f) != NULL) {
		/* "ngram<TAB>count", or, in some files, the n-gram alone. */
		line[strcspn(line, "\r\n")] = '\0';
		if ((tab = strchr(line, '\t')) == NULL)
			tab = line + strlen(line);
		len = (size_t)(tab - line);
		if (len == 0 || len >= LANG_NGRAM_BYTES)
			continue;
		if ((g = table_get(&l->models, line, len)) == NULL)
			break;
		g->npostings++;
		*pending = xrealloc(*pending, (*npending + 1) * sizeof **pending);
		*gram_of = xrealloc(*gram_of, (*npending + 1) * sizeof **gram_of);
		(*pending)[*npending] = (struct posting){ (uint16_t)model, (uint16_t)rank };
		(*gram_of)[*npending] = (uint32_t)(g - l->models.slot);
		(*npending)++;
		rank++;
	}
	fclose(f);
	return rank > 0 ? 0 : -1;
}

struct lang *
lang_new(const char *dir, const char **why)
{
	struct lang *l;
	struct posting *pending = NULL;
	uint32_t *gram_of = NULL, *fill;
	size_t npending = 0, i;
	char path[4096];
	int n;

	if (dir == NULL)
		dir = getenv("NP_TEXTCAT_DIR");
	if (dir == NULL || *dir == '\0')
		dir = LANG_DATA_DIR_DEFAULT;
	l = xcalloc(1, sizeof *l);
	table_init(&l->models, 1 << 15);
	table_init(&l->text, 1 << 12);
	l->order = xcalloc(1 << 12, sizeof *l->order);
	for (i = 0; i < NMODELS; i++) {
		n = snprintf(path, sizeof path, "%s/%s.lm", dir, model_names[i].file);
		if (n < 0 || (size_t)n >= sizeof path) {
			*why = "libexttextcat data directory name too long";
			goto fail;
		}
		if (read_model(l, i, path, &pending, &gram_of, &npending) < 0) {
			*why = "cannot read libexttextcat fingerprints (set NP_TEXTCAT_DIR)";
			goto fail;
		}
	}
	/* Lay the postings out per gram, contiguously. */
	l->posting = xcalloc(npending ? npending : 1, sizeof *l->posting);
	fill = xcalloc(l->models.size, sizeof *fill);
	for (i = 0, n = 0; i < l->models.n; i++) {
		struct gram *g = &l->models.slot[l->models.used[i]];

		g->postings = (uint32_t)n;
		n += (int)g->npostings;
	}
	for (i = 0; i < npending; i++) {
		struct gram *g = &l->models.slot[gram_of[i]];

		l->posting[g->postings + fill[gram_of[i]]++] = pending[i];
	}
	l->nposting = npending;
	free(fill);
	free(pending);
	free(gram_of);
	return l;
fail:
	free(pending);
	free(gram_of);
	lang_free(l);
	return NULL;
}

static enum script
script_of(uint32_t cp)
{
	if (cp < 0x250 || (cp >= 0x1e00 && cp <= 0x1eff))
		return SCRIPT_LATIN;
	if (cp >= 0x370 && cp <= 0x3ff)
		return SCRIPT_GREEK;
	if (cp >= 0x400 && cp <= 0x52f)
		return SCRIPT_CYRILLIC;
	if (cp >= 0x530 && cp <= 0x58f)
		return SCRIPT_ARMENIAN;
	if (cp >= 0x590 && cp <= 0x5ff)
		return SCRIPT_HEBREW;
	if ((cp >= 0x600 && cp <= 0x6ff) || (cp >= 0x750 && cp <= 0x77f) ||
	    (cp >= 0xfb50 && cp <= 0xfdff) || (cp >= 0xfe70 && cp <= 0xfeff))
		return SCRIPT_ARABIC;
	if (cp >= 0x900 && cp <= 0x97f)
		return SCRIPT_DEVANAGARI;
	if (cp >= 0x980 && cp <= 0x9ff)
		return SCRIPT_BENGALI;
	if (cp >= 0xb80 && cp <= 0xbff)
		return SCRIPT_TAMIL;
	if (cp >= 0xe00 && cp <= 0xe7f)
		return SCRIPT_THAI;
	if (cp >= 0x10a0 && cp <= 0x10ff)
		return SCRIPT_GEORGIAN;
	if (cp >= 0x1200 && cp <= 0x137f)
		return SCRIPT_ETHIOPIC;
	if ((cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0x3130 && cp <= 0x318f) ||
	    (cp >= 0xac00 && cp <= 0xd7af))
		return SCRIPT_HANGUL;
	if ((cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x31f0 && cp <= 0x31ff) ||
	    (cp >= 0xff66 && cp <= 0xff9f))
		return SCRIPT_KANA;
	if ((cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
	    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3134f))
		return SCRIPT_HAN;
	return SCRIPT_OTHER;
}

/*
 * rank_by_count: l->order = the text's grams by count, most frequent first
 * (equal counts in order of first appearance).  A counting sort: counts are
 * small, and this runs for every note, so only the buckets from the largest
 * count down are cleared and summed, not all LANG_MAX_COUNT of them.
 */
static void
rank_by_count(struct lang *l)
{
	uint32_t start[LANG_MAX_COUNT + 2], c, most = 1;
	size_t i, lo;

	for (i = 0; i < l->text.n; i++) {
		c = l->text.slot[l->text.used[i]].count;
		if (c > most)
			most = c < LANG_MAX_COUNT ? c : LANG_MAX_COUNT;
	}
	/* A gram counted c times (1 to most) goes to bucket LANG_MAX_COUNT - c. */
	lo = LANG_MAX_COUNT - most;
	memset(start + lo, 0, (LANG_MAX_COUNT + 2 - lo) * sizeof *start);
	for (i = 0; i < l->text.n; i++) {
		c = l->text.slot[l->text.used[i]].count;
		start[LANG_MAX_COUNT - (c < LANG_MAX_COUNT ? c : LANG_MAX_COUNT) + 1]++;
	}
	for (i = lo + 1; i <= LANG_MAX_COUNT + 1; i++)
		start[i] += start[i - 1];
	for (i = 0; i < l->text.n; i++) {
		c = l->text.slot[l->text.used[i]].count;
		l->order[start[LANG_MAX_COUNT - (c < LANG_MAX_COUNT ? c : LANG_MAX_COUNT)]++] =
		    l->text.used[i];
	}
}

/*
 * count_grams: the n-grams of l->letters (words padded with '_' as
 * libexttextcat does: "_word_" gives "_", "_w", ..., "d_"), ranked by count,
 * scored against every model.  Returns how many n-grams the text has.
 */
static size_t
count_grams(struct lang *l)
{
	const char *s = l->letters.data;
	size_t len = l->letters.len, i, start, end, n, k, j, rank, tie_end;
	long twice_rank;
	size_t pos[LANG_MAX_BYTES + 8];
	struct gram *g;
	char word[LANG_MAX_BYTES + 8];

	table_reset(&l->text);
	for (start = 0; start < len; start = end + 1) {
		end = start;
		while (end < len && s[end] != ' ')
			end++;
		if (end == start)
			continue;
		/* "_word_" and the offsets where its characters start. */
		word[0] = '_';
		memcpy(word + 1, s + start, end - start);
		word[end - start + 1] = '_';
		n = end - start + 2;
		for (i = 0, k = 0; i < n; i++)
			if (((unsigned char)word[i] & 0xc0) != 0x80)
				pos[k++] = i;
		pos[k] = n;
		for (i = 0; i < k; i++)
			for (j = 1; j <= LANG_NGRAM_CHARS && i + j <= k; j++) {
				if (pos[i + j] - pos[i] >= LANG_NGRAM_BYTES)
					break;
				if ((g = table_get(&l->text, word + pos[i], pos[i + j] - pos[i])) == NULL)
					goto counted;
				g->count++;
			}
	}
counted:
	if (l->text.n == 0)
		return 0;
	rank_by_count(l);
	n = l->text.n < LANG_NGRAMS ? l->text.n : LANG_NGRAMS;
	/* Scores are doubled so that a tie group's mean rank stays an integer. */
	for (k = 0; k < NMODELS; k++)
		l->score[k] = (int64_t)n * 2 * LANG_OUT_OF_PLACE;
	for (rank = 0; rank < n; rank = tie_end) {
		uint32_t count = l->text.slot[l->order[rank]].count;

		/*
		 * Grams of equal count share the mean of their ranks: which of them
		 * comes first is arbitrary and must not sway the guess.
		 */
		for (tie_end = rank + 1; tie_end < n &&
		    l->text.slot[l->order[tie_end]].count == count; tie_end++)
			;
		twice_rank = (long)(rank + tie_end - 1);
		for (i = rank; i < tie_end; i++) {
			const struct gram *t = &l->text.slot[l->order[i]];
			const struct gram *m = table_find(&l->models, t->text, t->len);

			if (m == NULL)
				continue;
			for (j = 0; j < m->npostings; j++) {
				const struct posting *p = &l->posting[m->postings + j];
				long d = twice_rank - 2 * (long)p->rank;

				l->score[p->model] -= 2 * LANG_OUT_OF_PLACE - (d < 0 ? -d : d);
			}
		}
	}
	return n;
}

const char *
lang_guess(struct lang *l, const char *s, size_t len)
{
	size_t count[SCRIPT_COUNT] = { 0 };
	size_t i = 0, total = 0, k;
	enum script best = SCRIPT_OTHER;
	int prev_space = 1;
	int64_t score, best_score = INT64_MAX, second = INT64_MAX;
	const char *code = "und";
	uint32_t cp;

	/*
	 * Keep letters and single spaces between words: digits, punctuation and
	 * emoji say nothing about the language and only add noise n-grams.
	 */
	buf_reset(&l->letters);
	while (i < len && l->letters.len < LANG_MAX_BYTES) {
		cp = text_decode(s, len, &i);
		if (text_is_letter(cp)) {
			count[script_of(cp)]++;
			total++;
			text_put(&l->letters, text_fold(cp));
			prev_space = 0;
		} else if (!prev_space) {
			buf_putc(&l->letters, ' ');
			prev_space = 1;
		}
	}
	if (total < LANG_MIN_LETTERS)
		return "und";
	for (k = 1; k < SCRIPT_COUNT; k++)
		if (count[k] > count[best])
			best = (enum script)k;
	/* Japanese mixes kana with Han; any real share of kana means Japanese. */
	if ((best == SCRIPT_HAN || best == SCRIPT_KANA) &&
	    count[SCRIPT_KANA] * 10 >= count[SCRIPT_HAN]) {
		best = SCRIPT_KANA;
		count[SCRIPT_KANA] += count[SCRIPT_HAN];
	}
	/* A text in no script's majority (say, half Latin, half Cyrillic) is unsure. */
	if (count[best] * 10 < total * 6)
		return "und";
	if (solo_code[best] != NULL)
		return solo_code[best];
	if (best == SCRIPT_OTHER)
		return "und";

	if (count_grams(l) == 0)
		return "und";
	for (k = 0; k < NMODELS; k++) {
		if (model_names[k].script != best)
			continue;
		score = l->score[k];
		if (score < best_score) {
			second = best_score;
			best_score = score;
			code = model_names[k].code;
		} else if (score < second) {
			second = score;
		}
	}
	if (best_score == INT64_MAX || (double)second < (double)best_score * LANG_UNSURE_RATIO)
		return "und";
	return code;
}
