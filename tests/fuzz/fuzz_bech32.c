/*
 * fuzz_bech32.c: libFuzzer target for bech32.h and nip19.h, which read strings
 * from event content and the command line.  Besides "no crash, no overread", it
 * checks round trips: whatever decodes must encode back to the same thing.
 */
#include "nostr/bech32.h"
#include "nostr/nip19.h"

#include <stdlib.h>
#include <string.h>

#define REQUIRE(cond) do { if (!(cond)) abort(); } while (0)

/* A decoded bech32 string re-encodes to the input, lower-cased. */
static void
fuzz_bech32_round_trip(const char *s, size_t len, enum bech32_variant variant)
{
	static uint8_t data5[NIP19_MAX_LEN];
	static char out[NIP19_MAX_LEN + 1];
	char hrp[BECH32_MAX_HRP_LEN + 1];
	size_t n, i;

	if (bech32_decode_variant(s, len, hrp, sizeof hrp, data5, sizeof data5, &n,
	    NIP19_MAX_LEN, variant) != 0)
		return;
	REQUIRE(bech32_encode_variant(out, sizeof out, hrp, data5, n, NIP19_MAX_LEN,
	    variant) == 0);
	REQUIRE(strlen(out) == len);
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		REQUIRE(out[i] == c);
	}
}

/* Decode, encode, decode again: the second decode equals the first, except for
 * what encoding drops on purpose (unknown TLVs, repeats, relays over the limit). */
static void
fuzz_nip19(const char *s, size_t len)
{
	static struct nip19 first, second;
	static char out[NIP19_BUFSIZE];
	size_t span, i;
	int rc;

	span = nip19_uri_span(s, len);
	REQUIRE(span <= len);
	rc = nip19_decode_uri(s, len, &first);
	if (rc != 0) {
		REQUIRE(rc < 0);
		REQUIRE(nip19_error_string(rc) != NULL);
		return;
	}
	REQUIRE(first.type >= NIP19_NPUB && first.type <= NIP19_NADDR);
	REQUIRE(first.relay_count <= NIP19_MAX_RELAYS);
	REQUIRE(first.identifier_len <= NIP19_MAX_TLV_VALUE);
	REQUIRE(nip19_encode(&first, out, sizeof out) == 0);
	REQUIRE(nip19_decode(out, strlen(out), &second) == 0);
	REQUIRE(second.type == first.type);
	REQUIRE(memcmp(second.key, first.key, 32) == 0);
	REQUIRE(second.has_author == first.has_author);
	REQUIRE(memcmp(second.author, first.author, 32) == 0);
	REQUIRE(second.has_kind == first.has_kind);
	REQUIRE(second.kind == first.kind);
	REQUIRE(second.identifier_len == first.identifier_len);
	REQUIRE(memcmp(second.identifier, first.identifier, first.identifier_len + 1) == 0);
	REQUIRE(second.relay_count == first.relay_count);
	REQUIRE(second.relays_dropped == 0);
	for (i = 0; i < first.relay_count; i++) {
		REQUIRE(second.relays[i].len == first.relays[i].len);
		REQUIRE(memcmp(second.relays[i].url, first.relays[i].url,
		    first.relays[i].len + 1) == 0);
	}
}

/* Bytes to 5-bit groups and back is the identity. */
static void
fuzz_convert_bits(const uint8_t *data, size_t size)
{
	static uint8_t five[NIP19_MAX_LEN * 2], back[NIP19_MAX_LEN];
	size_t n5, n8;

	if (size > NIP19_MAX_LEN)
		size = NIP19_MAX_LEN;
	REQUIRE(bech32_convert_bits(five, sizeof five, &n5, 5, data, size, 8, 1) == 0);
	REQUIRE(bech32_convert_bits(back, sizeof back, &n8, 8, five, n5, 5, 0) == 0);
	REQUIRE(n8 == size && memcmp(back, data, size) == 0);
	/* Raw input as 5-bit values: must fail cleanly or regroup within bounds. */
	if (bech32_convert_bits(back, sizeof back, &n8, 8, data, size, 5, 0) == 0)
		REQUIRE(n8 <= size * 5 / 8);
}

/* Random bytes almost never carry a valid checksum, so the TLV parser behind it
 * is reached by re-wrapping: the first byte picks a prefix (and whether the rest
 * is bytes or raw 5-bit groups, to reach the padding rules), the rest is data. */
static void
fuzz_nip19_wrapped(const uint8_t *data, size_t size)
{
	static const char *const prefixes[] = {
		"npub", "nsec", "note", "nprofile", "nevent", "naddr", "nrelay",
	};
	static uint8_t five[NIP19_MAX_LEN];
	static char s[NIP19_MAX_LEN + 16];
	const char *prefix;
	size_t n5, i;

	if (size == 0)
		return;
	prefix = prefixes[(data[0] & 0x7f) % (sizeof prefixes / sizeof prefixes[0])];
	data++, size--;
	if (data[-1] & 0x80) {
		n5 = size < sizeof five ? size : sizeof five;
		for (i = 0; i < n5; i++)
			five[i] = data[i] & 31;
	} else {
		if (size > NIP19_MAX_LEN * 5 / 8)
			size = NIP19_MAX_LEN * 5 / 8;
		REQUIRE(bech32_convert_bits(five, sizeof five, &n5, 5, data, size, 8, 1) == 0);
	}
	/* Over NIP19_MAX_LEN on purpose when the input is long: the limit is tested. */
	if (bech32_encode(s, sizeof s, prefix, five, n5, sizeof s - 1) == 0)
		fuzz_nip19(s, strlen(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char hrp[BECH32_MAX_HRP_LEN + 1];
	uint8_t data5[BECH32_MAX_LEN_BIP173];
	size_t n;

	fuzz_bech32_round_trip(s, size, BECH32_VARIANT_BECH32);
	fuzz_bech32_round_trip(s, size, BECH32_VARIANT_BECH32M);
	/* The classic limit, with buffers sized to it. */
	(void)bech32_decode(s, size, hrp, sizeof hrp, data5, sizeof data5, &n,
	    BECH32_MAX_LEN_BIP173);
	fuzz_nip19(s, size);
	fuzz_nip19_wrapped(data, size);
	fuzz_convert_bits(data, size);
	return 0;
}
