/*
 * bech32.h: BIP-173 bech32 (and BIP-350 bech32m) strings, and the 8-bit <-> 5-bit
 * regrouping that goes with them.
 *
 * A bech32 string is HRP '1' DATA CHECKSUM: a human-readable part of 1 to 83
 * characters in US-ASCII 33..126, the separator (the LAST '1' in the string),
 * then data characters from the 32-letter alphabet "qpzry9x8gf2tvdw0s3jn54khce6mua7l",
 * each one 5-bit value, the last six of which are the checksum.  A string is
 * all lower case or all upper case, never mixed.
 *
 * BIP-173 caps a string at 90 characters; NIP-19 entities may be up to 5000
 * (NIP19_MAX_LEN in nip19.h) and BOLT 11 invoices are long too, so every
 * function here takes the length cap as a parameter (BECH32_MAX_LEN_BIP173 for
 * the classic limit).  Work is linear in the input and bounded by that cap.
 *
 * Nostr (NIP-19) and Lightning (BOLT 11) use bech32, not bech32m: bech32_decode
 * and bech32_encode use bech32; the *_variant functions choose.
 *
 * Memory: nothing is allocated.  The caller provides every output buffer with its
 * capacity; on error, outputs may have been partly written and must be ignored.
 * No function keeps state between calls; all are safe to call from any thread.
 *
 * Errors: functions return 0 (BECH32_OK) or a negative enum bech32_error value;
 * bech32_error_string() names it.  Other modules (nip19.h, bolt11.h) pass these
 * codes through unchanged, and their own codes do not overlap them.
 */
#ifndef NP_BECH32_H
#define NP_BECH32_H

#include <stddef.h>
#include <stdint.h>

/* BIP-173's limit on the whole string, for callers who want the classic rule. */
#define BECH32_MAX_LEN_BIP173 90
/* BIP-173's limit on the human-readable part, kept whatever the total limit. */
#define BECH32_MAX_HRP_LEN 83
/* Characters in the checksum at the end of every string. */
#define BECH32_CHECKSUM_LEN 6

enum bech32_variant {
	BECH32_VARIANT_BECH32 = 1,   /* BIP-173: NIP-19, BOLT 11, segwit v0 */
	BECH32_VARIANT_BECH32M = 2,  /* BIP-350: segwit v1+ */
};

enum bech32_error {
	BECH32_OK = 0,
	BECH32_ERR_TOO_LONG = -1,       /* string longer than the caller's max_len */
	BECH32_ERR_CHAR = -2,           /* a byte outside US-ASCII 33..126 */
	BECH32_ERR_MIXED_CASE = -3,     /* upper- and lower-case letters together */
	BECH32_ERR_NO_SEPARATOR = -4,   /* no '1' in the string */
	BECH32_ERR_HRP_EMPTY = -5,      /* nothing before the separator */
	BECH32_ERR_HRP_TOO_LONG = -6,   /* more than BECH32_MAX_HRP_LEN before it */
	BECH32_ERR_TOO_SHORT = -7,      /* fewer than 6 characters after it */
	BECH32_ERR_DATA_CHAR = -8,      /* a data character not in the alphabet */
	BECH32_ERR_CHECKSUM = -9,       /* checksum does not match */
	BECH32_ERR_BUFFER = -10,        /* a caller's output buffer is too small */
	BECH32_ERR_VALUE = -11,         /* an input value does not fit its bit width */
	BECH32_ERR_PADDING = -12,       /* regrouping left non-zero or whole-group padding */
	BECH32_ERR_ARGUMENT = -13,      /* a bit width or variant out of range */
};

/*
 * bech32_decode: checks the bech32 (BIP-173, not bech32m) string s[0..len) and
 * splits it.  s need not be NUL-terminated and is never read past len.
 * On success writes the HRP, lower-cased and NUL-terminated, to hrp (needs
 * hrp_cap >= HRP length + 1, so BECH32_MAX_HRP_LEN + 1 always suffices), the
 * 5-bit data values without the checksum to data5 (needs data5_cap >= len - HRP
 * length - 7, so max_len always suffices) and their count to *data5_len.
 * Returns 0, or BECH32_ERR_TOO_LONG when len > max_len, or another BECH32_ERR_*.
 */
int bech32_decode(const char *s, size_t len, char *hrp, size_t hrp_cap,
    uint8_t *data5, size_t data5_cap, size_t *data5_len, size_t max_len);

/* bech32_decode_variant: bech32_decode, checking the checksum of the given variant. */
int bech32_decode_variant(const char *s, size_t len, char *hrp, size_t hrp_cap,
    uint8_t *data5, size_t data5_cap, size_t *data5_len, size_t max_len,
    enum bech32_variant variant);

/*
 * bech32_encode: writes the bech32 (BIP-173) string for hrp (NUL-terminated, 1 to
 * 83 characters in 33..126; written lower-cased) and data5[0..data5_len) (each
 * value < 32) to out, NUL-terminated.  Needs out_cap >= strlen(hrp) + 1 +
 * data5_len + 6 + 1.  Returns 0, BECH32_ERR_TOO_LONG when the string would exceed
 * max_len characters, BECH32_ERR_BUFFER, BECH32_ERR_VALUE, or an HRP error.
 */
int bech32_encode(char *out, size_t out_cap, const char *hrp, const uint8_t *data5,
    size_t data5_len, size_t max_len);

/* bech32_encode_variant: bech32_encode with the checksum of the given variant. */
int bech32_encode_variant(char *out, size_t out_cap, const char *hrp,
    const uint8_t *data5, size_t data5_len, size_t max_len,
    enum bech32_variant variant);

/*
 * bech32_convert_bits: regroups in[0..in_len), values of in_bits bits each, into
 * values of out_bits bits (both 1..8), big-endian bit order, written to out[0..out_cap)
 * with the count in *out_len.  With pad != 0 (encoding, 8 -> 5) the last group is
 * filled with zero bits.  With pad == 0 (decoding, 5 -> 8) the leftover bits must
 * be fewer than in_bits and all zero, else BECH32_ERR_PADDING, as BIP-173 requires.
 * Returns 0, BECH32_ERR_VALUE (an input value too wide), BECH32_ERR_BUFFER, or
 * BECH32_ERR_ARGUMENT (a bit width out of range).
 */
int bech32_convert_bits(uint8_t *out, size_t out_cap, size_t *out_len, int out_bits,
    const uint8_t *in, size_t in_len, int in_bits, int pad);

/*
 * bech32_error_string: a short constant English description of a BECH32_* code
 * (never NULL; "unknown error" for codes this module does not define).
 */
const char *bech32_error_string(int code);

#endif
