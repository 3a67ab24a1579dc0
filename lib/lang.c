#include "lang.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fingerprint.h>

#include "buf.h"
#include "text.h"

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
 * unsure: libexttextcat's own THRESHOLDVALUE is 1.03. */
#define LANG_UNSURE_RATIO 1.02

struct lang {
	void *model[NMODELS];
	void *text;             /* scratch fingerprint of the text */
	struct buf letters;     /* the text reduced to what the models saw */
};

void
lang_free(struct lang *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < NMODELS; i++)
		if (l->model[i] != NULL)
			fp_Done(l->model[i]);
	if (l->text != NULL)
		fp_Done(l->text);
	buf_free(&l->letters);
	free(l);
}

struct lang *
lang_new(const char *dir, const char **why)
{
	struct lang *l;
	char path[4096];
	size_t i;
	int n;

	if (dir == NULL)
		dir = getenv("NP_TEXTCAT_DIR");
	if (dir == NULL || *dir == '\0')
		dir = LANG_DATA_DIR_DEFAULT;
	l = xcalloc(1, sizeof *l);
	for (i = 0; i < NMODELS; i++) {
		n = snprintf(path, sizeof path, "%s/%s.lm", dir, model_names[i].file);
		if (n < 0 || (size_t)n >= sizeof path) {
			*why = "libexttextcat data directory name too long";
			goto fail;
		}
		l->model[i] = fp_Init(model_names[i].code);
		if (l->model[i] == NULL) {
			*why = "out of memory";
			goto fail;
		}
		fp_SetProperty(l->model[i], TCPROP_UTF8AWARE, TC_TRUE);
		if (fp_Read(l->model[i], path, 400) == 0) {
			*why = "cannot read libexttextcat fingerprints (set NP_TEXTCAT_DIR)";
			goto fail;
		}
	}
	return l;
fail:
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

const char *
lang_guess(struct lang *l, const char *s, size_t len)
{
	size_t count[SCRIPT_COUNT] = { 0 };
	size_t i = 0, total = 0, k;
	enum script best = SCRIPT_OTHER;
	int prev_space = 1, score, best_score = INT_MAX, second = INT_MAX;
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

	if (l->text != NULL)
		fp_Done(l->text);
	l->text = NULL;
	if ((l->text = fp_Init("text")) == NULL)
		return "und";
	fp_SetProperty(l->text, TCPROP_UTF8AWARE, TC_TRUE);
	fp_SetProperty(l->text, TCPROP_MINIMUM_DOCUMENT_SIZE, LANG_MIN_LETTERS);
	if (fp_Create(l->text, l->letters.data, (unsigned)l->letters.len, 400) == 0)
		return "und";
	for (k = 0; k < NMODELS; k++) {
		if (model_names[k].script != best)
			continue;
		score = fp_Compare(l->model[k], l->text, second);
		if (score < best_score) {
			second = best_score;
			best_score = score;
			code = model_names[k].code;
		} else if (score < second) {
			second = score;
		}
	}
	if (best_score == INT_MAX || (double)second < best_score * LANG_UNSURE_RATIO)
		return "und";
	return code;
}
