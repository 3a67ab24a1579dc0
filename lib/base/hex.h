/*
 * hex.h: lower-case hexadecimal, as Nostr writes ids, pubkeys and signatures.
 */
#ifndef NP_HEX_H
#define NP_HEX_H

#include <stddef.h>
#include <stdint.h>

/*
 * hex_decode: decodes exactly 2*n lower-case hex digits from `s` into n bytes
 * of `out`.  Returns 0, or -1 when a character is not in [0-9a-f] (upper case
 * is refused: NIP-01 ids and keys are lower-case).  `out` is undefined on error.
 */
int hex_decode(const char *s, uint8_t *out, size_t n);

/* hex_encode: writes 2*n lower-case digits of `in` and a NUL to `out`. */
void hex_encode(const uint8_t *in, size_t n, char *out);

/* hex_is_lower: true when the len bytes at s are all lower-case hex digits. */
int hex_is_lower(const char *s, size_t len);

/* hex_is_key: s[0..len) is 64 lower-case hex digits (an event id or pubkey). */
int hex_is_key(const char *s, size_t len);

#endif
