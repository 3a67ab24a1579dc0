/*
 * bolt11.h: reads a BOLT 11 Lightning invoice far enough for zap analytics
 * (NIP-57): network, amount, timestamp, and the tagged fields p, d, h, x, n.
 *
 * An invoice is bech32 (checksum verified; no 90-character limit) with
 *   HRP   "ln" + currency ("bc", "tb", "bcrt", "tbs", "sb") + optional amount:
 *         a positive decimal integer without leading zeros, then an optional
 *         multiplier m (1e-3), u (1e-6), n (1e-9) or p (1e-12) of one bitcoin
 *   data  35-bit timestamp, tagged fields (5-bit type, 10-bit length in 5-bit
 *         groups, value), and a 520-bit signature (64 bytes + recovery id)
 * Amounts are exact integer millisatoshi (1 BTC = 1e11 msat); a p amount must
 * end in 0, since sub-millisatoshi amounts cannot be paid.
 *
 * Not checked, as analytics does not need them and a payer does: the signature
 * (no key recovery), feature bits, the description hash against a description,
 * expiry against the clock.  A decoded invoice is well-formed, not proof that
 * anything was paid.
 *
 * Tagged fields: as BOLT 11 asks of readers, p, h and n fields of the wrong
 * length are skipped, as are unknown types; when a type repeats, the first
 * usable one counts.  Field values are read whole bytes first; the zero bits
 * that pad a value to 5-bit groups are dropped unchecked.
 *
 * Memory: bolt11_decode fills a caller-owned struct bolt11 (about 1 KiB), and
 * allocates nothing, keeps no pointer into the input and no state between calls.
 *
 * Errors: 0, a negative BECH32_ERR_* code (bech32.h) when the string is not valid
 * bech32 (BECH32_ERR_TOO_LONG past BOLT11_MAX_LEN), or a negative BOLT11_ERR_*
 * code below; bolt11_error_string() describes either kind.
 */
#ifndef NP_BOLT11_H
#define NP_BOLT11_H

#include <stddef.h>
#include <stdint.h>

/* Longest invoice accepted, in characters after any "lightning:" prefix.  BOLT 11
 * sets no limit; real invoices, even with many route hints, stay under 2000. */
#define BOLT11_MAX_LEN 8192
/* A d field holds at most 1023 5-bit groups: 639 whole bytes. */
#define BOLT11_MAX_DESCRIPTION 639
/* Expiry in seconds when the invoice has no x field (BOLT 11). */
#define BOLT11_DEFAULT_EXPIRY 3600
/* One bitcoin in millisatoshi. */
#define BOLT11_MSAT_PER_BTC UINT64_C(100000000000)

/* Codes start at -200 so that they never collide with bech32.h's or nip19.h's. */
enum bolt11_error {
	BOLT11_ERR_PREFIX = -200,           /* HRP does not start with "ln" */
	BOLT11_ERR_CURRENCY = -201,         /* currency not bc, tb, bcrt, tbs or sb */
	BOLT11_ERR_AMOUNT = -202,           /* amount not digits, leading 0, bad multiplier */
	BOLT11_ERR_AMOUNT_PRECISION = -203, /* p amount not a whole millisatoshi */
	BOLT11_ERR_AMOUNT_OVERFLOW = -204,  /* amount over 2^64-1 millisatoshi */
	BOLT11_ERR_TOO_SHORT = -205,        /* data shorter than timestamp + signature */
	BOLT11_ERR_FIELD_TRUNCATED = -206,  /* a tagged field runs into the signature */
	BOLT11_ERR_NO_PAYMENT_HASH = -207,  /* no usable p field (BOLT 11: exactly one) */
	BOLT11_ERR_EXPIRY = -208,           /* x field value over 2^64-1 */
};

struct bolt11 {
	char currency[8];          /* "bc", "tb", "bcrt", "tbs" or "sb", NUL-terminated */
	int has_amount;            /* 0: "any amount", the payer chooses */
	uint64_t amount_msat;      /* when has_amount; never 0 */
	uint64_t timestamp;        /* unix seconds, 35 bits */
	uint8_t payment_hash[32];  /* first p field of 52 groups; always present */
	int has_description;
	size_t description_len;    /* bytes, 0..BOLT11_MAX_DESCRIPTION */
	char description[BOLT11_MAX_DESCRIPTION + 1];  /* NUL-terminated copy; bytes
	                              as written, not checked as UTF-8, may hold NUL */
	int has_description_hash;
	uint8_t description_hash[32];  /* h: SHA-256 of the description (NIP-57:
	                              of the zap request) */
	int has_expiry;
	uint64_t expiry;           /* seconds after timestamp; BOLT11_DEFAULT_EXPIRY
	                              when has_expiry is 0 */
	int has_payee;
	uint8_t payee[33];         /* n: payee node id, compressed public key */
	uint8_t signature[64];     /* r || s, not verified */
	int recovery_id;           /* the byte after it: 0..3 in a valid signature,
	                              but not checked, like the signature itself */
};

/*
 * bolt11_decode: decodes the invoice s[0..len) into *out, which it clears first.
 * Takes an optional "lightning:" prefix (any case; BOLT 11's URI form) and an
 * all-upper-case invoice (QR codes); mixed case is an error.  s need not be
 * NUL-terminated and is never read past len; no white space is skipped.
 * Returns 0 or a negative error code; on error *out holds nothing useful.
 */
int bolt11_decode(const char *s, size_t len, struct bolt11 *out);

/* bolt11_error_string: a constant description of a BOLT11_ERR_* or BECH32_* code. */
const char *bolt11_error_string(int code);

#endif
