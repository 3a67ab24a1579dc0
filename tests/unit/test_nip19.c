/*
 * test_nip19.c: nip19.h against the examples in NIP-19, round trips of all six
 * entity types, and every error path.
 */
#include "nostr/bech32.h"
#include "nostr/nip19.h"
#include "tap.h"

static const char pub_hex[] =
    "7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e";
static const char pub_npub[] =
    "npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg";
static const char sec_hex[] =
    "67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa";
static const char sec_nsec[] =
    "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";
static const char fiatjaf_hex[] =
    "3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d";
static const char fiatjaf_npub[] =
    "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6";
static const char nprofile_example[] =
    "nprofile1qqsrhuxx8l9ex335q7he0f09aej04zpazpl0ne2cgukyawd24mayt8gpp4mhxue69uhhytnc9e3k7"
    "mgpz4mhxue69uhkg6nzv9ejuumpv34kytnrdaksjlyr9p";

/* Test helper: 64 lower-case hex digits to 32 bytes. */
static void
hex32(const char *hex, uint8_t out[32])
{
	size_t i;

	for (i = 0; i < 32; i++) {
		unsigned hi = (unsigned)(hex[2 * i] <= '9' ? hex[2 * i] - '0' : hex[2 * i] - 'a' + 10);
		unsigned lo = (unsigned)(hex[2 * i + 1] <= '9' ? hex[2 * i + 1] - '0' :
		    hex[2 * i + 1] - 'a' + 10);

		out[i] = (uint8_t)(hi << 4 | lo);
	}
}

/* Test helper: bytes under any HRP, bypassing nip19_encode's checks, so that the
 * decoder can be shown malformed entities.  Returns the bech32 result. */
static int
make_entity(const char *hrp, const uint8_t *bytes, size_t n, char *out, size_t cap)
{
	static uint8_t five[8192];
	size_t n5;
	int rc;

	rc = bech32_convert_bits(five, sizeof five, &n5, 5, bytes, n, 8, 1);
	if (rc != 0)
		return rc;
	return bech32_encode(out, cap, hrp, five, n5, 8192);
}

static int
decode_bytes(const char *hrp, const uint8_t *bytes, size_t n, struct nip19 *e)
{
	static char s[8192];
	int rc = make_entity(hrp, bytes, n, s, sizeof s);

	if (rc != 0)
		return 1000 + rc;  /* a test setup failure, never a nip19 result */
	return nip19_decode(s, strlen(s), e);
}

static void
test_nip19_examples_keys(void)
{
	struct nip19 e;
	uint8_t want[32];
	char out[NIP19_KEY_BUFSIZE];

	CHECK_EQ_INT(nip19_decode(pub_npub, strlen(pub_npub), &e), 0);
	CHECK_EQ_INT(e.type, NIP19_NPUB);
	hex32(pub_hex, want);
	CHECK_EQ_MEM(e.key, want, 32);
	CHECK_EQ_INT(nip19_encode_key(NIP19_NPUB, want, out, sizeof out), 0);
	CHECK_EQ_STR(out, pub_npub);
	CHECK_EQ_INT(strlen(out), NIP19_KEY_LEN);

	CHECK_EQ_INT(nip19_decode(sec_nsec, strlen(sec_nsec), &e), 0);
	CHECK_EQ_INT(e.type, NIP19_NSEC);
	hex32(sec_hex, want);
	CHECK_EQ_MEM(e.key, want, 32);
	CHECK_EQ_INT(nip19_encode_key(NIP19_NSEC, want, out, sizeof out), 0);
	CHECK_EQ_STR(out, sec_nsec);

	CHECK_EQ_INT(nip19_decode(fiatjaf_npub, strlen(fiatjaf_npub), &e), 0);
	hex32(fiatjaf_hex, want);
	CHECK_EQ_MEM(e.key, want, 32);
	CHECK_EQ_INT(nip19_encode_key(NIP19_NPUB, want, out, sizeof out), 0);
	CHECK_EQ_STR(out, fiatjaf_npub);
}

static void
test_nip19_example_nprofile(void)
{
	struct nip19 e;
	uint8_t want[32];
	char out[NIP19_BUFSIZE];

	CHECK_EQ_INT(nip19_decode(nprofile_example, strlen(nprofile_example), &e), 0);
	CHECK_EQ_INT(e.type, NIP19_NPROFILE);
	hex32(fiatjaf_hex, want);
	CHECK_EQ_MEM(e.key, want, 32);
	CHECK_EQ_INT(e.relay_count, 2);
	CHECK_EQ_INT(e.relays_dropped, 0);
	CHECK_EQ_STR(e.relays[0].url, "wss://r.x.com");
	CHECK_EQ_INT(e.relays[0].len, 13);
	CHECK_EQ_STR(e.relays[1].url, "wss://djbas.sadkb.com");
	CHECK_EQ_INT(e.has_author, 0);
	CHECK_EQ_INT(e.has_kind, 0);
	/* Encoding the decoded form gives the example back byte for byte. */
	CHECK_EQ_INT(nip19_encode(&e, out, sizeof out), 0);
	CHECK_EQ_STR(out, nprofile_example);
}

static void
round_trip(const struct nip19 *in, struct nip19 *back)
{
	char s[NIP19_BUFSIZE];

	CHECK_EQ_INT(nip19_encode(in, s, sizeof s), 0);
	CHECK_EQ_INT(strncmp(s, nip19_type_prefix(in->type), strlen(nip19_type_prefix(in->type))), 0);
	CHECK_EQ_INT(nip19_decode(s, strlen(s), back), 0);
	CHECK_EQ_INT(back->type, in->type);
}

static void
test_round_trip_keys(void)
{
	static const enum nip19_type types[] = { NIP19_NPUB, NIP19_NSEC, NIP19_NOTE };
	struct nip19 in, back;
	size_t i, j;

	for (i = 0; i < 3; i++) {
		memset(&in, 0, sizeof in);
		in.type = types[i];
		for (j = 0; j < 32; j++)
			in.key[j] = (uint8_t)(j * 29 + i);
		round_trip(&in, &back);
		CHECK_EQ_MEM(back.key, in.key, 32);
		CHECK_EQ_INT(back.relay_count, 0);
	}
}

static void
test_round_trip_nprofile(void)
{
	struct nip19 in, back;

	memset(&in, 0, sizeof in);
	in.type = NIP19_NPROFILE;
	hex32(pub_hex, in.key);
	round_trip(&in, &back);  /* no relays at all */
	CHECK_EQ_MEM(back.key, in.key, 32);
	CHECK_EQ_INT(back.relay_count, 0);

	in.relay_count = 1;
	strcpy(in.relays[0].url, "wss://relay.damus.io");
	in.relays[0].len = strlen(in.relays[0].url);
	/* nprofile has no author or kind: set here, they must not be written. */
	in.has_author = 1;
	in.has_kind = 1;
	round_trip(&in, &back);
	CHECK_EQ_INT(back.relay_count, 1);
	CHECK_EQ_STR(back.relays[0].url, "wss://relay.damus.io");
	CHECK_EQ_INT(back.has_author, 0);
	CHECK_EQ_INT(back.has_kind, 0);
}

static void
test_round_trip_nevent(void)
{
	struct nip19 in, back;
	size_t i;

	memset(&in, 0, sizeof in);
	in.type = NIP19_NEVENT;
	hex32(sec_hex, in.key);
	round_trip(&in, &back);
	CHECK_EQ_MEM(back.key, in.key, 32);
	CHECK_EQ_INT(back.has_author, 0);
	CHECK_EQ_INT(back.has_kind, 0);

	in.has_author = 1;
	hex32(pub_hex, in.author);
	in.has_kind = 1;
	in.kind = 0xfffffffeu;  /* all 32 bits, big-endian */
	in.relay_count = NIP19_MAX_RELAYS;
	for (i = 0; i < NIP19_MAX_RELAYS; i++)
		in.relays[i].len = (size_t)snprintf(in.relays[i].url, sizeof in.relays[i].url,
		    "wss://relay%zu.example.com", i);
	round_trip(&in, &back);
	CHECK_EQ_MEM(back.key, in.key, 32);
	CHECK_EQ_INT(back.has_author, 1);
	CHECK_EQ_MEM(back.author, in.author, 32);
	CHECK_EQ_INT(back.has_kind, 1);
	CHECK_EQ_INT(back.kind, 0xfffffffeu);
	CHECK_EQ_INT(back.relay_count, NIP19_MAX_RELAYS);
	for (i = 0; i < NIP19_MAX_RELAYS; i++) {
		CHECK_EQ_INT(back.relays[i].len, in.relays[i].len);
		CHECK_EQ_STR(back.relays[i].url, in.relays[i].url);
	}
}

static void
test_round_trip_naddr(void)
{
	struct nip19 in, back;
	size_t i;

	memset(&in, 0, sizeof in);
	in.type = NIP19_NADDR;
	in.has_author = 1;
	hex32(fiatjaf_hex, in.author);
	in.has_kind = 1;
	in.kind = 30023;
	/* An empty "d" tag is a valid identifier. */
	round_trip(&in, &back);
	CHECK_EQ_INT(back.identifier_len, 0);
	CHECK_EQ_STR(back.identifier, "");
	CHECK_EQ_INT(back.kind, 30023);
	CHECK_EQ_MEM(back.author, in.author, 32);

	strcpy(in.identifier, "my-article");
	in.identifier_len = 10;
	in.relay_count = 1;
	strcpy(in.relays[0].url, "wss://nos.lol");
	in.relays[0].len = 13;
	round_trip(&in, &back);
	CHECK_EQ_STR(back.identifier, "my-article");
	CHECK_EQ_INT(back.relay_count, 1);
	CHECK_EQ_STR(back.relays[0].url, "wss://nos.lol");
	for (i = 0; i < 32; i++)
		CHECK_EQ_INT(back.key[i], 0);

	/* Identifier bytes are kept as they are, NUL included. */
	memcpy(in.identifier, "a\0b", 3);
	in.identifier_len = 3;
	round_trip(&in, &back);
	CHECK_EQ_INT(back.identifier_len, 3);
	CHECK_EQ_MEM(back.identifier, "a\0b", 4);
}

/* The largest entity the struct can hold: every value at 255 bytes, 8 relays. */
static void
test_round_trip_largest(void)
{
	static struct nip19 in, back;
	size_t i;

	memset(&in, 0, sizeof in);
	in.type = NIP19_NADDR;
	in.has_author = in.has_kind = 1;
	in.identifier_len = NIP19_MAX_TLV_VALUE;
	memset(in.identifier, 'd', NIP19_MAX_TLV_VALUE);
	in.relay_count = NIP19_MAX_RELAYS;
	for (i = 0; i < NIP19_MAX_RELAYS; i++) {
		in.relays[i].len = NIP19_MAX_TLV_VALUE;
		memset(in.relays[i].url, (int)('a' + i), NIP19_MAX_TLV_VALUE);
	}
	round_trip(&in, &back);
	CHECK_EQ_INT(back.identifier_len, NIP19_MAX_TLV_VALUE);
	CHECK_EQ_INT(back.relay_count, NIP19_MAX_RELAYS);
	CHECK_EQ_MEM(back.relays[7].url, in.relays[7].url, NIP19_MAX_TLV_VALUE + 1);
}

/* Builds an naddr of exactly total_bytes of TLV data, padded with unknown types. */
static size_t
build_padded_naddr(uint8_t *buf, size_t total_bytes)
{
	size_t n = 0, rest;

	buf[n++] = 0, buf[n++] = 1, buf[n++] = 'x';
	buf[n++] = 2, buf[n++] = 32;
	memset(buf + n, 0xab, 32), n += 32;
	buf[n++] = 3, buf[n++] = 4;
	buf[n++] = 0, buf[n++] = 0, buf[n++] = 0x75, buf[n++] = 0x47;  /* 30023 */
	while ((rest = total_bytes - n) > 0) {
		size_t len = rest - 2 > 255 ? 255 : rest - 2;

		buf[n++] = 9;  /* no such type: skipped */
		buf[n++] = (uint8_t)len;
		memset(buf + n, 0x5a, len);
		n += len;
	}
	return n;
}

/* NIP-19 allows 5000 characters: 3117 bytes under "naddr" make exactly that. */
static void
test_length_limit(void)
{
	static uint8_t buf[4096];
	static char s[8192];
	struct nip19 e;
	size_t n;

	n = build_padded_naddr(buf, 3117);
	CHECK_EQ_INT(make_entity("naddr", buf, n, s, sizeof s), 0);
	CHECK_EQ_INT(strlen(s), NIP19_MAX_LEN);
	CHECK_EQ_INT(nip19_decode(s, strlen(s), &e), 0);
	CHECK_EQ_INT(e.type, NIP19_NADDR);
	CHECK_EQ_STR(e.identifier, "x");
	CHECK_EQ_INT(e.kind, 30023);

	n = build_padded_naddr(buf, 3118);
	CHECK_EQ_INT(make_entity("naddr", buf, n, s, sizeof s), 0);
	CHECK_EQ_INT(strlen(s), NIP19_MAX_LEN + 1);
	CHECK_EQ_INT(nip19_decode(s, strlen(s), &e), BECH32_ERR_TOO_LONG);
}

static void
test_upper_case_accepted(void)
{
	char up[NIP19_KEY_BUFSIZE];
	struct nip19 e;
	uint8_t want[32];
	size_t i;

	for (i = 0; pub_npub[i] != '\0'; i++)
		up[i] = (char)(pub_npub[i] >= 'a' && pub_npub[i] <= 'z' ?
		    pub_npub[i] - 'a' + 'A' : pub_npub[i]);
	up[i] = '\0';
	CHECK_EQ_INT(nip19_decode(up, strlen(up), &e), 0);
	CHECK_EQ_INT(e.type, NIP19_NPUB);
	hex32(pub_hex, want);
	CHECK_EQ_MEM(e.key, want, 32);
	/* Mixed case is not bech32. */
	up[6] = (char)(up[6] - 'A' + 'a');
	CHECK_EQ_INT(nip19_decode(up, strlen(up), &e), BECH32_ERR_MIXED_CASE);
}

static void
test_bech32_errors_pass_through(void)
{
	char s[NIP19_KEY_BUFSIZE];
	struct nip19 e;

	strcpy(s, pub_npub);
	s[20] = s[20] == 'q' ? 'p' : 'q';
	CHECK_EQ_INT(nip19_decode(s, strlen(s), &e), BECH32_ERR_CHECKSUM);
	CHECK_EQ_INT(nip19_decode("", 0, &e), BECH32_ERR_NO_SEPARATOR);
	CHECK_EQ_INT(nip19_decode("npub1 ", 6, &e), BECH32_ERR_CHAR);
	CHECK_EQ_INT(nip19_decode(pub_npub, 20, &e), BECH32_ERR_CHECKSUM);
	CHECK_EQ_INT(e.type, NIP19_NONE);  /* cleared, not left half-filled */
}

static void
test_error_prefix(void)
{
	uint8_t key[32] = { 0 };
	struct nip19 e;

	CHECK_EQ_INT(decode_bytes("npubx", key, 32, &e), NIP19_ERR_PREFIX);
	CHECK_EQ_INT(decode_bytes("nrelay", key, 32, &e), NIP19_ERR_PREFIX);
	CHECK_EQ_INT(decode_bytes("bc", key, 32, &e), NIP19_ERR_PREFIX);
	CHECK_EQ_INT(decode_bytes("npu", key, 32, &e), NIP19_ERR_PREFIX);
}

static void
test_error_key_length(void)
{
	uint8_t key[33] = { 1 };
	struct nip19 e;

	CHECK_EQ_INT(decode_bytes("npub", key, 31, &e), NIP19_ERR_KEY_LENGTH);
	CHECK_EQ_INT(decode_bytes("note", key, 33, &e), NIP19_ERR_KEY_LENGTH);
	CHECK_EQ_INT(decode_bytes("nsec", key, 0, &e), NIP19_ERR_KEY_LENGTH);
	CHECK_EQ_INT(decode_bytes("note", key, 32, &e), 0);
}

/* 5-bit data whose leftover bits are not zero was not written by an encoder. */
static void
test_error_padding(void)
{
	uint8_t five[52];
	char s[NIP19_KEY_BUFSIZE];
	struct nip19 e;

	memset(five, 0, sizeof five);
	five[51] = 1;  /* 260 bits = 32 bytes + 4 padding bits, one of them set */
	CHECK_EQ_INT(bech32_encode(s, sizeof s, "npub", five, 52, 90), 0);
	CHECK_EQ_INT(nip19_decode(s, strlen(s), &e), BECH32_ERR_PADDING);
	five[51] = 0;
	CHECK_EQ_INT(bech32_encode(s, sizeof s, "npub", five, 52, 90), 0);
	CHECK_EQ_INT(nip19_decode(s, strlen(s), &e), 0);
}

static void
test_error_tlv_truncated(void)
{
	uint8_t buf[64];
	struct nip19 e;

	memset(buf, 0, sizeof buf);
	buf[0] = 0, buf[1] = 32;
	/* The special is whole, then a lone type byte with no length. */
	buf[34] = 1;
	CHECK_EQ_INT(decode_bytes("nprofile", buf, 35, &e), NIP19_ERR_TLV_TRUNCATED);
	/* A relay that claims 10 bytes where 3 remain. */
	buf[35] = 10;
	CHECK_EQ_INT(decode_bytes("nprofile", buf, 39, &e), NIP19_ERR_TLV_TRUNCATED);
	/* The special itself cut short. */
	CHECK_EQ_INT(decode_bytes("nevent", buf, 20, &e), NIP19_ERR_TLV_TRUNCATED);
	/* Even an unknown type must fit. */
	buf[34] = 200, buf[35] = 255;
	CHECK_EQ_INT(decode_bytes("nevent", buf, 60, &e), NIP19_ERR_TLV_TRUNCATED);
	/* Exactly fitting records are fine. */
	buf[34] = 1, buf[35] = 3;
	CHECK_EQ_INT(decode_bytes("nevent", buf, 39, &e), 0);
	CHECK_EQ_INT(e.relay_count, 1);
	CHECK_EQ_INT(e.relays[0].len, 3);
}

static void
test_error_tlv_length(void)
{
	uint8_t buf[128];
	struct nip19 e;

	memset(buf, 0, sizeof buf);
	buf[0] = 0, buf[1] = 31;
	CHECK_EQ_INT(decode_bytes("nprofile", buf, 33, &e), NIP19_ERR_TLV_LENGTH);
	CHECK_EQ_INT(decode_bytes("nevent", buf, 33, &e), NIP19_ERR_TLV_LENGTH);
	buf[1] = 33;
	CHECK_EQ_INT(decode_bytes("nevent", buf, 35, &e), NIP19_ERR_TLV_LENGTH);

	buf[1] = 32;
	buf[34] = 2, buf[35] = 31;  /* nevent author of 31 bytes */
	CHECK_EQ_INT(decode_bytes("nevent", buf, 36 + 31, &e), NIP19_ERR_TLV_LENGTH);
	/* nprofile defines no author: the same record is skipped as unknown. */
	CHECK_EQ_INT(decode_bytes("nprofile", buf, 36 + 31, &e), 0);
	CHECK_EQ_INT(e.has_author, 0);

	buf[34] = 3, buf[35] = 3;  /* kind of 3 bytes */
	CHECK_EQ_INT(decode_bytes("nevent", buf, 39, &e), NIP19_ERR_TLV_LENGTH);
	buf[35] = 5;
	CHECK_EQ_INT(decode_bytes("nevent", buf, 41, &e), NIP19_ERR_TLV_LENGTH);
	CHECK_EQ_INT(decode_bytes("nprofile", buf, 41, &e), 0);
	CHECK_EQ_INT(e.has_kind, 0);
}

static void
test_error_tlv_missing(void)
{
	uint8_t buf[128] = { 0 };
	struct nip19 e;
	size_t n;

	CHECK_EQ_INT(decode_bytes("nprofile", buf, 0, &e), NIP19_ERR_TLV_MISSING);
	CHECK_EQ_INT(decode_bytes("nevent", buf, 0, &e), NIP19_ERR_TLV_MISSING);
	CHECK_EQ_INT(decode_bytes("naddr", buf, 0, &e), NIP19_ERR_TLV_MISSING);
	/* Relays alone. */
	buf[0] = 1, buf[1] = 2, buf[2] = 'w', buf[3] = 's';
	CHECK_EQ_INT(decode_bytes("nprofile", buf, 4, &e), NIP19_ERR_TLV_MISSING);

	/* naddr with identifier and kind but no author, then with author but no kind. */
	n = 0;
	buf[n++] = 0, buf[n++] = 1, buf[n++] = 'd';
	buf[n++] = 3, buf[n++] = 4, buf[n++] = 0, buf[n++] = 0, buf[n++] = 0, buf[n++] = 1;
	CHECK_EQ_INT(decode_bytes("naddr", buf, n, &e), NIP19_ERR_TLV_MISSING);
	n = 3;
	buf[n++] = 2, buf[n++] = 32;
	memset(buf + n, 7, 32), n += 32;
	CHECK_EQ_INT(decode_bytes("naddr", buf, n, &e), NIP19_ERR_TLV_MISSING);
	buf[n++] = 3, buf[n++] = 4, buf[n++] = 0, buf[n++] = 0, buf[n++] = 0x75, buf[n++] = 0x47;
	CHECK_EQ_INT(decode_bytes("naddr", buf, n, &e), 0);
	CHECK_EQ_INT(e.kind, 30023);
	/* naddr without an identifier record at all. */
	CHECK_EQ_INT(decode_bytes("naddr", buf + 3, n - 3, &e), NIP19_ERR_TLV_MISSING);
}

static void
test_unknown_and_repeated_tlv(void)
{
	uint8_t buf[256];
	struct nip19 e;
	size_t n = 0, i;

	buf[n++] = 0x42, buf[n++] = 3, buf[n++] = 1, buf[n++] = 2, buf[n++] = 3;  /* unknown */
	buf[n++] = 0, buf[n++] = 32;
	memset(buf + n, 0x11, 32), n += 32;
	buf[n++] = 0, buf[n++] = 32;  /* a second special: the first counts */
	memset(buf + n, 0x22, 32), n += 32;
	buf[n++] = 3, buf[n++] = 4, buf[n++] = 0, buf[n++] = 0, buf[n++] = 0, buf[n++] = 1;
	buf[n++] = 3, buf[n++] = 4, buf[n++] = 0, buf[n++] = 0, buf[n++] = 0, buf[n++] = 7;
	buf[n++] = 0xff, buf[n++] = 0;  /* unknown, empty */
	CHECK_EQ_INT(decode_bytes("nevent", buf, n, &e), 0);
	for (i = 0; i < 32; i++)
		CHECK_EQ_INT(e.key[i], 0x11);
	CHECK_EQ_INT(e.kind, 1);
}

static void
test_relays_over_limit_counted(void)
{
	uint8_t buf[512];
	struct nip19 e;
	size_t n = 0, i;

	buf[n++] = 0, buf[n++] = 32;
	memset(buf + n, 0x33, 32), n += 32;
	for (i = 0; i < NIP19_MAX_RELAYS + 3; i++) {
		buf[n++] = 1, buf[n++] = 4;
		buf[n++] = 'w', buf[n++] = 's', buf[n++] = ':', buf[n++] = (uint8_t)('0' + i);
	}
	buf[n++] = 1, buf[n++] = 0;  /* an empty relay still counts as one */
	CHECK_EQ_INT(decode_bytes("nprofile", buf, n, &e), 0);
	CHECK_EQ_INT(e.relay_count, NIP19_MAX_RELAYS);
	CHECK_EQ_INT(e.relays_dropped, 4);
	CHECK_EQ_STR(e.relays[0].url, "ws:0");
	CHECK_EQ_STR(e.relays[NIP19_MAX_RELAYS - 1].url, "ws:7");
}

static void
test_decode_uri(void)
{
	char s[256];
	struct nip19 e;
	uint8_t want[32];

	hex32(pub_hex, want);
	snprintf(s, sizeof s, "nostr:%s", pub_npub);
	CHECK_EQ_INT(nip19_decode_uri(s, strlen(s), &e), 0);
	CHECK_EQ_INT(e.type, NIP19_NPUB);
	CHECK_EQ_MEM(e.key, want, 32);
	snprintf(s, sizeof s, "NoStR:%s", pub_npub);
	CHECK_EQ_INT(nip19_decode_uri(s, strlen(s), &e), 0);
	CHECK_EQ_INT(nip19_decode_uri(pub_npub, strlen(pub_npub), &e), 0);
	CHECK_EQ_MEM(e.key, want, 32);
	snprintf(s, sizeof s, "nostr:%s", nprofile_example);
	CHECK_EQ_INT(nip19_decode_uri(s, strlen(s), &e), 0);
	CHECK_EQ_INT(e.type, NIP19_NPROFILE);

	/* NIP-21 leaves nsec out of URIs; a bare nsec (a CLI argument) is fine. */
	snprintf(s, sizeof s, "nostr:%s", sec_nsec);
	CHECK_EQ_INT(nip19_decode_uri(s, strlen(s), &e), NIP19_ERR_NSEC_URI);
	CHECK_EQ_INT(e.type, NIP19_NONE);
	CHECK_EQ_INT(nip19_decode_uri(sec_nsec, strlen(sec_nsec), &e), 0);
	CHECK_EQ_INT(e.type, NIP19_NSEC);

	CHECK_EQ_INT(nip19_decode_uri("nostr:", 6, &e), BECH32_ERR_NO_SEPARATOR);
	CHECK_EQ_INT(nip19_decode_uri("nostr", 5, &e), BECH32_ERR_NO_SEPARATOR);
	CHECK_EQ_INT(nip19_decode_uri("", 0, &e), BECH32_ERR_NO_SEPARATOR);
	snprintf(s, sizeof s, "nostr://%s", pub_npub);
	CHECK(nip19_decode_uri(s, strlen(s), &e) != 0);
	snprintf(s, sizeof s, "nostr:nostr:%s", pub_npub);
	CHECK(nip19_decode_uri(s, strlen(s), &e) != 0);
}

static void
test_uri_span(void)
{
	char s[256];

	snprintf(s, sizeof s, "nostr:%s, and more", pub_npub);
	CHECK_EQ_INT(nip19_uri_span(s, strlen(s)), 6 + strlen(pub_npub));
	snprintf(s, sizeof s, "%s.", pub_npub);
	CHECK_EQ_INT(nip19_uri_span(s, strlen(s)), strlen(pub_npub));
	/* The length bounds the scan. */
	CHECK_EQ_INT(nip19_uri_span(s, 10), 10);
	CHECK_EQ_INT(nip19_uri_span("NOSTR:npub1x)", 13), 12);
	CHECK_EQ_INT(nip19_uri_span("nostr:", 6), 0);
	CHECK_EQ_INT(nip19_uri_span("nostr:.", 7), 0);
	CHECK_EQ_INT(nip19_uri_span("nostr", 5), 5);
	CHECK_EQ_INT(nip19_uri_span(" npub", 5), 0);
	CHECK_EQ_INT(nip19_uri_span("", 0), 0);
	CHECK_EQ_INT(nip19_uri_span("npub1\xc3\xa9", 7), 5);
}

static void
test_encode_errors(void)
{
	struct nip19 in;
	uint8_t key[32] = { 0 };
	char out[NIP19_BUFSIZE];

	CHECK_EQ_INT(nip19_encode_key(NIP19_NPROFILE, key, out, sizeof out), NIP19_ERR_TYPE);
	CHECK_EQ_INT(nip19_encode_key(NIP19_NONE, key, out, sizeof out), NIP19_ERR_TYPE);
	CHECK_EQ_INT(nip19_encode_key(NIP19_NOTE, key, out, NIP19_KEY_BUFSIZE - 1),
	    BECH32_ERR_BUFFER);
	CHECK_EQ_INT(nip19_encode_key(NIP19_NOTE, key, out, NIP19_KEY_BUFSIZE), 0);

	memset(&in, 0, sizeof in);
	CHECK_EQ_INT(nip19_encode(&in, out, sizeof out), NIP19_ERR_TYPE);
	in.type = (enum nip19_type)42;
	CHECK_EQ_INT(nip19_encode(&in, out, sizeof out), NIP19_ERR_TYPE);

	in.type = NIP19_NADDR;
	CHECK_EQ_INT(nip19_encode(&in, out, sizeof out), NIP19_ERR_TLV_MISSING);
	in.has_author = 1;
	CHECK_EQ_INT(nip19_encode(&in, out, sizeof out), NIP19_ERR_TLV_MISSING);
	in.has_kind = 1;
	CHECK_EQ_INT(nip19_encode(&in, out, sizeof out), 0);
	in.identifier_len = NIP19_MAX_TLV_VALUE + 1;
	CHECK_EQ_INT(nip19_encode(&in, out, sizeof out), NIP19_ERR_VALUE_TOO_LONG);
	in.identifier_len = 0;
	in.relay_count = 1;
	in.relays[0].len = NIP19_MAX_TLV_VALUE + 1;
	CHECK_EQ_INT(nip19_encode(&in, out, sizeof out), NIP19_ERR_VALUE_TOO_LONG);
	in.relays[0].len = 0;
	in.relay_count = NIP19_MAX_RELAYS + 1;
	CHECK_EQ_INT(nip19_encode(&in, out, sizeof out), NIP19_ERR_RELAY_COUNT);
	in.relay_count = 0;
	CHECK_EQ_INT(nip19_encode(&in, out, 10), BECH32_ERR_BUFFER);
}

static void
test_prefix_and_error_strings(void)
{
	int code;

	CHECK_EQ_STR(nip19_type_prefix(NIP19_NPUB), "npub");
	CHECK_EQ_STR(nip19_type_prefix(NIP19_NSEC), "nsec");
	CHECK_EQ_STR(nip19_type_prefix(NIP19_NOTE), "note");
	CHECK_EQ_STR(nip19_type_prefix(NIP19_NPROFILE), "nprofile");
	CHECK_EQ_STR(nip19_type_prefix(NIP19_NEVENT), "nevent");
	CHECK_EQ_STR(nip19_type_prefix(NIP19_NADDR), "naddr");
	CHECK(nip19_type_prefix(NIP19_NONE) == NULL);
	CHECK(nip19_type_prefix((enum nip19_type)99) == NULL);

	for (code = NIP19_ERR_PREFIX; code >= NIP19_ERR_RELAY_COUNT; code--)
		CHECK(strcmp(nip19_error_string(code), "unknown error") != 0);
	/* bech32 codes are described too, since nip19 passes them through. */
	CHECK_EQ_STR(nip19_error_string(BECH32_ERR_CHECKSUM),
	    bech32_error_string(BECH32_ERR_CHECKSUM));
	CHECK_EQ_STR(nip19_error_string(0), "success");
	CHECK_EQ_STR(nip19_error_string(-99), "unknown error");
}

int
main(void)
{
	TEST(test_nip19_examples_keys);
	TEST(test_nip19_example_nprofile);
	TEST(test_round_trip_keys);
	TEST(test_round_trip_nprofile);
	TEST(test_round_trip_nevent);
	TEST(test_round_trip_naddr);
	TEST(test_round_trip_largest);
	TEST(test_length_limit);
	TEST(test_upper_case_accepted);
	TEST(test_bech32_errors_pass_through);
	TEST(test_error_prefix);
	TEST(test_error_key_length);
	TEST(test_error_padding);
	TEST(test_error_tlv_truncated);
	TEST(test_error_tlv_length);
	TEST(test_error_tlv_missing);
	TEST(test_unknown_and_repeated_tlv);
	TEST(test_relays_over_limit_counted);
	TEST(test_decode_uri);
	TEST(test_uri_span);
	TEST(test_encode_errors);
	TEST(test_prefix_and_error_strings);
	return tap_done();
}
