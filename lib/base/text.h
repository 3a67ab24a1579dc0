/*
 * text.h: the Unicode needed to read note content: decoding UTF-8 one code
 * point at a time, telling word characters from the rest, and case folding.
 *
 * Character classes come from glibc's C.UTF-8 locale (iswalnum_l, towlower_l),
 * opened once per process and never changed, so every function here is safe
 * to call from any thread.  The process's own locale (setlocale) is not used
 * or touched.
 */
#ifndef NP_TEXT_H
#define NP_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/*
 * text_decode: the code point starting at s[*i] (len bytes in s), advancing *i
 * past it.  A byte that does not start a well-formed sequence decodes as
 * U+FFFD and advances one byte, so scanning never stalls on bad input.
 */
uint32_t text_decode(const char *s, size_t len, size_t *i);

/* text_put: appends code point cp as UTF-8. */
void text_put(struct buf *out, uint32_t cp);

/*
 * text_is_word: 1 for a character that may be part of a word or hashtag:
 * letters and digits of any script, '_', combining marks (so text in
 * decomposed form, NFD, is not cut inside a letter) and the zero-width
 * (non-)joiners some scripts need inside words.
 */
int text_is_word(uint32_t cp);

/* text_is_letter: 1 for a letter (any script, including ideographs). */
int text_is_letter(uint32_t cp);

/* text_is_space: 1 for white space, ASCII or Unicode (including NBSP). */
int text_is_space(uint32_t cp);

/*
 * text_fold: simple Unicode case folding of one code point (lower case, and
 * final sigma to sigma), so that #Nostr, #NOSTR and #nostr are one hashtag.
 */
uint32_t text_fold(uint32_t cp);

/* text_fold_append: appends s[0..len) case-folded. */
void text_fold_append(struct buf *out, const char *s, size_t len);

/*
 * text_is_cjk: 1 for a Han ideograph or kana: scripts written without spaces,
 * where each character counts as a word (Korean puts spaces between words).
 */
int text_is_cjk(uint32_t cp);

/*
 * text_has_prefix_ci: 1 when s[0..len) starts with prefix (lower-case ASCII,
 * NUL-terminated), matching ASCII letters in either case and nothing else:
 * URI schemes (nostr:, lightning:) are case-insensitive (RFC 3986), and the
 * locale must not change what matches.
 */
int text_has_prefix_ci(const char *s, size_t len, const char *prefix);

#endif
