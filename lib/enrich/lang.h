/*
 * lang.h: guessing the language of a short text (a note's content) as an
 * ISO 639-1 code, or "und" (undetermined) when the text is too short or the
 * guess is unsure.
 *
 * Two steps.  First the writing system: scripts that one language dominates
 * on Nostr decide at once (kana: ja, Han without kana: zh, Hangul: ko, Thai,
 * Greek, Hebrew, Georgian, Armenian, and a few Indic scripts), because n-gram
 * models are weak on short CJK text and costly to run.  Texts in Latin,
 * Cyrillic, Arabic or Devanagari script are then compared with libexttextcat's
 * n-gram fingerprints (its data files; Cavnar and Trenkle's out-of-place
 * measure) against the languages of that script only: fewer comparisons, fewer
 * confusions.  The scoring is done here, from one hash table of all models'
 * n-grams, about ten times faster than the library's per-model merge.
 *
 * A struct lang holds the fingerprints, loaded once from the libexttextcat data
 * directory; it is read-only after lang_new, but the scratch fingerprint of
 * the text is not, so give each thread its own struct lang.
 */
#ifndef NP_LANG_H
#define NP_LANG_H

#include <stddef.h>

/* Where Debian's libexttextcat-data puts its fingerprints (*.lm). */
#define LANG_DATA_DIR_DEFAULT "/usr/share/libexttextcat"

/* Fewer letters than this and the answer is "und". */
#define LANG_MIN_LETTERS 12

/* Bytes of text looked at: the n-gram profile of a few hundred bytes suffices. */
#define LANG_MAX_BYTES 1024

struct lang;

/*
 * lang_new: loads the fingerprints from dir (NULL: $NP_TEXTCAT_DIR, else
 * LANG_DATA_DIR_DEFAULT).  Returns NULL, with errno set or a message in
 * *why (a constant string), when the directory or a file cannot be read.
 */
struct lang *lang_new(const char *dir, const char **why);

/* lang_free: releases everything (NULL is fine). */
void lang_free(struct lang *l);

/*
 * lang_guess: the ISO 639-1 code (a constant string such as "en") of the UTF-8
 * text s[0..len), or "und".  len may be large: only the first LANG_MAX_BYTES
 * bytes' worth of letters is used.  The text should already be stripped of
 * URLs, hashtags and mentions, which are not written in any language.
 */
const char *lang_guess(struct lang *l, const char *s, size_t len);

#endif
