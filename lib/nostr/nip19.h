/*
 * nip19.h: NIP-19 bech32 entities (npub, nsec, note, nprofile, nevent, naddr) and
 * their NIP-21 URI form (nostr:...).
 *
 * npub/nsec/note carry 32 raw bytes.  nprofile/nevent/naddr carry a list of TLV
 * records (type byte, length byte, value):
 *   0 special  nprofile: 32-byte pubkey; nevent: 32-byte event id;
 *              naddr: the "d" tag identifier (0..255 bytes, may be empty)
 *   1 relay    a relay URL, may repeat (nprofile, nevent, naddr)
 *   2 author   32-byte pubkey (nevent optional, naddr required)
 *   3 kind     32-bit unsigned big-endian (nevent optional, naddr required)
 * Decoding skips TLV types that the entity's prefix does not define (NIP-19 asks
 * readers to ignore unknown types, and nprofile defines only 0 and 1); a record
 * whose length runs past the data, or a defined fixed-size record of the wrong
 * size, is an error.  When a single-valued type repeats, the first one counts.
 *
 * Everything is decoded into one fixed-size struct nip19 that the caller owns: no
 * allocation, no pointers into the input, no state kept between calls.  Relay and
 * identifier bytes are copied as they came (NIP-19 says ASCII, but nothing checks):
 * they may hold any byte, including NUL and control characters, so use their
 * lengths and escape them before display.
 *
 * Errors: functions return 0, a negative BECH32_ERR_* code from bech32.h when the
 * string is not valid bech32 (BECH32_ERR_TOO_LONG past NIP19_MAX_LEN), or a
 * negative NIP19_ERR_* code below; nip19_error_string() describes either kind.
 */
#ifndef NP_NIP19_H
#define NP_NIP19_H

#include <stddef.h>
#include <stdint.h>

/* NIP-19 entities may be up to 5000 characters, not bech32's usual 90. */
#define NIP19_MAX_LEN 5000
/* A TLV length is one byte. */
#define NIP19_MAX_TLV_VALUE 255
/* Relays kept per entity; more are counted in relays_dropped. */
#define NIP19_MAX_RELAYS 8
/* Characters in an npub/nsec/note string ("npub" "1" 52 data + 6 checksum),
 * and the buffer that holds one with its NUL. */
#define NIP19_KEY_LEN 63
#define NIP19_KEY_BUFSIZE 64
/* The buffer that holds any entity nip19_encode() can write, with its NUL. */
#define NIP19_BUFSIZE (NIP19_MAX_LEN + 1)

enum nip19_type {
	NIP19_NONE = 0,
	NIP19_NPUB,      /* public key */
	NIP19_NSEC,      /* secret key */
	NIP19_NOTE,      /* event id */
	NIP19_NPROFILE,  /* public key + relays */
	NIP19_NEVENT,    /* event id + relays + optional author and kind */
	NIP19_NADDR,     /* addressable event: identifier + author + kind + relays */
};

/* Codes start at -100 so that they never collide with bech32.h's. */
enum nip19_error {
	NIP19_ERR_PREFIX = -100,        /* not one of the six prefixes */
	NIP19_ERR_KEY_LENGTH = -101,    /* npub/nsec/note data is not 32 bytes */
	NIP19_ERR_TLV_TRUNCATED = -102, /* a TLV header or value runs past the data */
	NIP19_ERR_TLV_LENGTH = -103,    /* a fixed-size TLV (32 or 4 bytes) of another size */
	NIP19_ERR_TLV_MISSING = -104,   /* no special (type 0), or naddr without author/kind */
	NIP19_ERR_NSEC_URI = -105,      /* nostr:nsec1...: NIP-21 excludes secret keys */
	NIP19_ERR_TYPE = -106,          /* encode: type not valid for the function */
	NIP19_ERR_VALUE_TOO_LONG = -107,/* encode: identifier or relay over 255 bytes */
	NIP19_ERR_RELAY_COUNT = -108,   /* encode: relay_count over NIP19_MAX_RELAYS */
};

struct nip19_relay {
	size_t len;                          /* bytes in url, without the NUL */
	char url[NIP19_MAX_TLV_VALUE + 1];   /* NUL-terminated copy */
};

/*
 * A decoded entity.  Which fields mean something depends on type:
 *   key         npub, nsec, note, nprofile, nevent (pubkey, secret key or event id);
 *               all zero for naddr, whose pubkey is author
 *   author      nevent (when has_author), naddr (always)
 *   kind        nevent (when has_kind), naddr (always)
 *   identifier  naddr only (the "d" tag; identifier_len may be 0)
 *   relays      nprofile, nevent, naddr: relays[0..relay_count) in order of
 *               appearance; relays_dropped counts those past NIP19_MAX_RELAYS
 * Fields that do not apply are zero.
 */
struct nip19 {
	enum nip19_type type;
	uint8_t key[32];
	int has_author;
	uint8_t author[32];
	int has_kind;
	uint32_t kind;
	size_t identifier_len;
	char identifier[NIP19_MAX_TLV_VALUE + 1];  /* NUL-terminated copy */
	size_t relay_count;
	size_t relays_dropped;
	struct nip19_relay relays[NIP19_MAX_RELAYS];
};

/*
 * nip19_decode: decodes the entity s[0..len) (bech32, all lower or all upper case,
 * at most NIP19_MAX_LEN characters, no "nostr:" prefix) into *out, which it clears
 * first.  s need not be NUL-terminated and is never read past len.
 * Returns 0 or a negative error code; on error *out holds nothing useful.
 */
int nip19_decode(const char *s, size_t len, struct nip19 *out);

/*
 * nip19_decode_uri: nip19_decode, but first drops a "nostr:" prefix (any case;
 * NIP-21) when there is one, so it takes both "nostr:npub1..." from event content
 * and a bare "npub1..." from a command line.  After the prefix an nsec is refused
 * (NIP19_ERR_NSEC_URI), as NIP-21 excludes it; a bare nsec is decoded.
 */
int nip19_decode_uri(const char *s, size_t len, struct nip19 *out);

/*
 * nip19_uri_span: how many bytes at s[0..len) could belong to one entity or URI:
 * an optional "nostr:" (any case) then the run of ASCII letters and digits after it
 * (every bech32 character is one; the punctuation that ends a URI in text is not).
 * Returns 0 when no letter or digit follows.  Scanning text, call it where a match
 * may start and pass the span to nip19_decode_uri(); the span is not checked.
 */
size_t nip19_uri_span(const char *s, size_t len);

/*
 * nip19_encode: writes the entity in *in (type, then the fields that type uses;
 * see struct nip19) to out as a NUL-terminated lower-case string.  TLVs go in the
 * order special, relays, author, kind.  out_cap of NIP19_BUFSIZE always suffices
 * (NIP19_KEY_BUFSIZE for npub/nsec/note).  Returns 0, NIP19_ERR_TYPE,
 * NIP19_ERR_TLV_MISSING (naddr without has_author and has_kind),
 * NIP19_ERR_VALUE_TOO_LONG, NIP19_ERR_RELAY_COUNT, BECH32_ERR_TOO_LONG (over
 * NIP19_MAX_LEN characters), or BECH32_ERR_BUFFER.
 */
int nip19_encode(const struct nip19 *in, char *out, size_t out_cap);

/*
 * nip19_encode_key: writes key as an npub, nsec or note (type) to out (out_cap >=
 * NIP19_KEY_BUFSIZE), NUL-terminated.  Returns 0, NIP19_ERR_TYPE or BECH32_ERR_BUFFER.
 */
int nip19_encode_key(enum nip19_type type, const uint8_t key[32], char *out,
    size_t out_cap);

/* nip19_type_prefix: the bech32 prefix of type ("npub", ...), NULL for NIP19_NONE
 * and values outside the enum. */
const char *nip19_type_prefix(enum nip19_type type);

/* nip19_error_string: a constant description of a NIP19_ERR_* or BECH32_* code. */
const char *nip19_error_string(int code);

#endif
