/*
 * test_bech32.c: bech32.h against the BIP-173 and BIP-350 test vectors, plus the
 * length parameter, buffer capacities and bit regrouping.
 */
#include "nostr/bech32.h"
#include "tap.h"

#include <stdlib.h>

#define BIG 5000

static const char *const valid_bech32[] = {
	"A12UEL5L",
	"a12uel5l",
	"an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
	"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
	"11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
	"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
	"?1ezyfcl",
};

static const char *const valid_bech32m[] = {
	"A1LQFN3A",
	"a1lqfn3a",
	"abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
	"?1v759aa",
};

static void
lower_copy(char *dst, const char *src)
{
	while ((*dst = *src) != '\0') {
		if (*dst >= 'A' && *dst <= 'Z')
			*dst = (char)(*dst - 'A' + 'a');
		dst++, src++;
	}
}

static int
decode_str(const char *s, size_t max_len)
{
	char hrp[BECH32_MAX_HRP_LEN + 1];
	uint8_t data[BIG];
	size_t n;

	return bech32_decode(s, strlen(s), hrp, sizeof hrp, data, sizeof data, &n, max_len);
}

/* Every BIP-173 valid vector decodes, and encoding its parts again gives the
 * string back in lower case. */
static void
test_bip173_valid_round_trip(void)
{
	size_t i;

	for (i = 0; i < sizeof valid_bech32 / sizeof valid_bech32[0]; i++) {
		const char *s = valid_bech32[i];
		char hrp[BECH32_MAX_HRP_LEN + 1], out[128], want[128];
		uint8_t data[128];
		size_t n = 0;

		CHECK_EQ_INT(bech32_decode(s, strlen(s), hrp, sizeof hrp, data, sizeof data,
		    &n, BECH32_MAX_LEN_BIP173), BECH32_OK);
		CHECK_EQ_INT(bech32_encode(out, sizeof out, hrp, data, n,
		    BECH32_MAX_LEN_BIP173), BECH32_OK);
		lower_copy(want, s);
		CHECK_EQ_STR(out, want);
	}
}

static void
test_bip173_decoded_parts(void)
{
	char hrp[BECH32_MAX_HRP_LEN + 1];
	uint8_t data[64];
	size_t n = 99, i;
	const char *s = "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw";

	CHECK_EQ_INT(bech32_decode(s, strlen(s), hrp, sizeof hrp, data, sizeof data, &n,
	    BECH32_MAX_LEN_BIP173), BECH32_OK);
	CHECK_EQ_STR(hrp, "abcdef");
	/* The data part spells the alphabet in order: values 0..31. */
	CHECK_EQ_INT(n, 32);
	for (i = 0; i < 32 && i < n; i++)
		CHECK_EQ_INT(data[i], i);

	s = "A12UEL5L";
	CHECK_EQ_INT(bech32_decode(s, strlen(s), hrp, sizeof hrp, data, sizeof data, &n,
	    BECH32_MAX_LEN_BIP173), BECH32_OK);
	CHECK_EQ_STR(hrp, "a");  /* upper-case input, lower-case HRP out */
	CHECK_EQ_INT(n, 0);
}

static void
test_bip173_invalid(void)
{
	static const char nul_inside[] = "a1\0qqqqqqq";
	char hrp[8];
	uint8_t data[16];
	size_t n;

	CHECK_EQ_INT(decode_str(" 1nwldj5", 90), BECH32_ERR_CHAR);
	CHECK_EQ_INT(decode_str("\x7f" "1axkwrx", 90), BECH32_ERR_CHAR);
	CHECK_EQ_INT(decode_str("\x80" "1eym55h", 90), BECH32_ERR_CHAR);
	CHECK_EQ_INT(decode_str("an84characterslonghumanreadablepartthatcontainsthenumber1"
	    "andtheexcludedcharactersbio1569pvx", 90), BECH32_ERR_TOO_LONG);
	/* Without the 90 limit the same string still fails on its 84-character HRP. */
	CHECK_EQ_INT(decode_str("an84characterslonghumanreadablepartthatcontainsthenumber1"
	    "andtheexcludedcharactersbio1569pvx", BIG), BECH32_ERR_HRP_TOO_LONG);
	CHECK_EQ_INT(decode_str("pzry9x0s0muk", 90), BECH32_ERR_NO_SEPARATOR);
	CHECK_EQ_INT(decode_str("1pzry9x0s0muk", 90), BECH32_ERR_HRP_EMPTY);
	CHECK_EQ_INT(decode_str("x1b4n0q5v", 90), BECH32_ERR_DATA_CHAR);
	CHECK_EQ_INT(decode_str("li1dgmt3", 90), BECH32_ERR_TOO_SHORT);
	CHECK_EQ_INT(decode_str("de1lg7wt\xff", 90), BECH32_ERR_CHAR);
	CHECK_EQ_INT(decode_str("A1G7SGD8", 90), BECH32_ERR_CHECKSUM);
	CHECK_EQ_INT(decode_str("10a06t8", 90), BECH32_ERR_HRP_EMPTY);
	CHECK_EQ_INT(decode_str("1qzzfhee", 90), BECH32_ERR_HRP_EMPTY);
	CHECK_EQ_INT(decode_str("a12UEL5L", 90), BECH32_ERR_MIXED_CASE);
	CHECK_EQ_INT(decode_str("A12uEL5L", 90), BECH32_ERR_MIXED_CASE);
	CHECK_EQ_INT(decode_str("", 90), BECH32_ERR_NO_SEPARATOR);
	CHECK_EQ_INT(decode_str("1", 90), BECH32_ERR_HRP_EMPTY);
	CHECK_EQ_INT(decode_str("a1", 90), BECH32_ERR_TOO_SHORT);
	/* A NUL inside the given length is a bad byte, not the end of the string. */
	CHECK_EQ_INT(bech32_decode(nul_inside, sizeof nul_inside - 1, hrp, sizeof hrp,
	    data, sizeof data, &n, 90), BECH32_ERR_CHAR);
}

/* Bech32 detects every single-character substitution: try them all on a vector. */
static void
test_single_substitution_detected(void)
{
	static const char alphabet[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	const char *orig = "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w";
	char s[128];
	size_t i, j, sep = 5, accepted = 0;

	for (i = sep + 1; i < strlen(orig); i++) {
		for (j = 0; j < 32; j++) {
			if (alphabet[j] == orig[i])
				continue;
			strcpy(s, orig);
			s[i] = alphabet[j];
			if (decode_str(s, 90) != BECH32_ERR_CHECKSUM)
				accepted++;
		}
	}
	CHECK_EQ_INT(accepted, 0);
}

static void
test_bech32m_variant(void)
{
	char hrp[BECH32_MAX_HRP_LEN + 1], out[128], want[128];
	uint8_t data[128];
	size_t i, n;

	for (i = 0; i < sizeof valid_bech32m / sizeof valid_bech32m[0]; i++) {
		const char *s = valid_bech32m[i];

		CHECK_EQ_INT(bech32_decode_variant(s, strlen(s), hrp, sizeof hrp, data,
		    sizeof data, &n, 90, BECH32_VARIANT_BECH32M), BECH32_OK);
		CHECK_EQ_INT(bech32_encode_variant(out, sizeof out, hrp, data, n, 90,
		    BECH32_VARIANT_BECH32M), BECH32_OK);
		lower_copy(want, s);
		CHECK_EQ_STR(out, want);
		/* Nostr and BOLT 11 need plain bech32: a bech32m string must not pass. */
		CHECK_EQ_INT(decode_str(s, 90), BECH32_ERR_CHECKSUM);
	}
	for (i = 0; i < sizeof valid_bech32 / sizeof valid_bech32[0]; i++) {
		const char *s = valid_bech32[i];

		CHECK_EQ_INT(bech32_decode_variant(s, strlen(s), hrp, sizeof hrp, data,
		    sizeof data, &n, 90, BECH32_VARIANT_BECH32M), BECH32_ERR_CHECKSUM);
	}
	CHECK_EQ_INT(bech32_decode_variant("a12uel5l", 8, hrp, sizeof hrp, data,
	    sizeof data, &n, 90, (enum bech32_variant)7), BECH32_ERR_ARGUMENT);
	CHECK_EQ_INT(bech32_encode_variant(out, sizeof out, "a", data, 0, 90,
	    (enum bech32_variant)0), BECH32_ERR_ARGUMENT);
}

/* NIP-19 and BOLT 11 strings run past 90 characters: the cap is the caller's. */
static void
test_length_parameter(void)
{
	static uint8_t data[BIG], back[BIG];
	static char s[BIG + 2];
	char hrp[16];
	size_t i, n, len;

	for (i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)((i * 7 + 3) % 32);
	/* 4 + 1 + 4989 + 6 = 5000 characters exactly. */
	CHECK_EQ_INT(bech32_encode(s, sizeof s, "test", data, 4989, BIG), BECH32_OK);
	len = strlen(s);
	CHECK_EQ_INT(len, BIG);
	CHECK_EQ_INT(bech32_encode(s, sizeof s, "test", data, 4990, BIG), BECH32_ERR_TOO_LONG);
	CHECK_EQ_INT(bech32_encode(s, sizeof s, "test", data, SIZE_MAX, BIG),
	    BECH32_ERR_TOO_LONG);
	CHECK_EQ_INT(bech32_encode(s, sizeof s, "test", data, 4989, BIG), BECH32_OK);

	CHECK_EQ_INT(bech32_decode(s, len, hrp, sizeof hrp, back, sizeof back, &n, BIG),
	    BECH32_OK);
	CHECK_EQ_INT(n, 4989);
	CHECK_EQ_MEM(back, data, 4989);
	CHECK_EQ_INT(bech32_decode(s, len, hrp, sizeof hrp, back, sizeof back, &n, BIG - 1),
	    BECH32_ERR_TOO_LONG);
	CHECK_EQ_INT(bech32_decode(s, len, hrp, sizeof hrp, back, sizeof back, &n,
	    BECH32_MAX_LEN_BIP173), BECH32_ERR_TOO_LONG);
}

static void
test_buffers_exact(void)
{
	const char *s = "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw";
	char hrp[8], out[64];
	uint8_t data[32];
	size_t n = 12345;

	CHECK_EQ_INT(bech32_decode(s, strlen(s), hrp, 7, data, 32, &n, 90), BECH32_OK);
	CHECK_EQ_INT(bech32_decode(s, strlen(s), hrp, 6, data, 32, &n, 90), BECH32_ERR_BUFFER);
	CHECK_EQ_INT(bech32_decode(s, strlen(s), hrp, 7, data, 31, &n, 90), BECH32_ERR_BUFFER);

	/* strlen(s) characters plus the NUL. */
	CHECK_EQ_INT(bech32_encode(out, strlen(s) + 1, "abcdef", data, 32, 90), BECH32_OK);
	CHECK_EQ_STR(out, s);
	CHECK_EQ_INT(bech32_encode(out, strlen(s), "abcdef", data, 32, 90), BECH32_ERR_BUFFER);
}

/* The string is s[0..len): bytes after it are never looked at. */
static void
test_no_read_past_len(void)
{
	char *s = malloc(8);
	char hrp[4];
	uint8_t data[4];
	size_t n;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	memcpy(s, "a12uel5l", 8);  /* no terminating NUL: ASan catches an overread */
	CHECK_EQ_INT(bech32_decode(s, 8, hrp, sizeof hrp, data, sizeof data, &n, 90),
	    BECH32_OK);
	CHECK_EQ_INT(bech32_decode(s, 7, hrp, sizeof hrp, data, sizeof data, &n, 90),
	    BECH32_ERR_TOO_SHORT);
	free(s);
	CHECK_EQ_INT(bech32_decode("a12uel5lqq", 8, hrp, sizeof hrp, data, sizeof data,
	    &n, 90), BECH32_OK);
}

static void
test_encode_errors(void)
{
	char out[256], long_hrp[BECH32_MAX_HRP_LEN + 2];
	uint8_t data[4] = { 0, 31, 1, 2 }, bad[2] = { 3, 32 };

	CHECK_EQ_INT(bech32_encode(out, sizeof out, "", data, 4, 90), BECH32_ERR_HRP_EMPTY);
	CHECK_EQ_INT(bech32_encode(out, sizeof out, "a b", data, 4, 90), BECH32_ERR_CHAR);
	CHECK_EQ_INT(bech32_encode(out, sizeof out, "a\x7f", data, 4, 90), BECH32_ERR_CHAR);
	CHECK_EQ_INT(bech32_encode(out, sizeof out, "a", bad, 2, 90), BECH32_ERR_VALUE);
	memset(long_hrp, 'x', BECH32_MAX_HRP_LEN + 1);
	long_hrp[BECH32_MAX_HRP_LEN + 1] = '\0';
	CHECK_EQ_INT(bech32_encode(out, sizeof out, long_hrp, data, 0, BIG),
	    BECH32_ERR_HRP_TOO_LONG);
	long_hrp[BECH32_MAX_HRP_LEN] = '\0';
	CHECK_EQ_INT(bech32_encode(out, sizeof out, long_hrp, data, 0, 90), BECH32_OK);
	CHECK_EQ_INT(strlen(out), 90);
	/* 83 + 1 + 0 + 6 = 90: fits exactly, one more data value does not. */
	CHECK_EQ_INT(bech32_encode(out, sizeof out, long_hrp, data, 1, 90),
	    BECH32_ERR_TOO_LONG);
	/* An upper-case HRP is written in lower case, with a checksum to match. */
	CHECK_EQ_INT(bech32_encode(out, sizeof out, "A", data, 0, 90), BECH32_OK);
	CHECK_EQ_STR(out, "a12uel5l");
}

/* BIP-173's segwit example: witness v0 program 751e76e8...3bd6 is bc1qw508d6...f3t4. */
static void
test_convert_bits_segwit(void)
{
	static const uint8_t program[20] = {
		0x75, 0x1e, 0x76, 0xe8, 0x19, 0x91, 0x96, 0xd4, 0x54, 0x94,
		0x1c, 0x45, 0xd1, 0xb3, 0xa3, 0x23, 0xf1, 0x43, 0x3b, 0xd6,
	};
	const char *addr = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
	char hrp[8], out[64];
	uint8_t data5[64], bytes[32];
	size_t n5, n8;

	CHECK_EQ_INT(bech32_decode(addr, strlen(addr), hrp, sizeof hrp, data5, sizeof data5,
	    &n5, 90), BECH32_OK);
	CHECK_EQ_STR(hrp, "bc");
	CHECK_EQ_INT(n5, 33);
	CHECK_EQ_INT(data5[0], 0);  /* witness version */
	CHECK_EQ_INT(bech32_convert_bits(bytes, sizeof bytes, &n8, 8, data5 + 1, n5 - 1, 5, 0),
	    BECH32_OK);
	CHECK_EQ_INT(n8, 20);
	CHECK_EQ_MEM(bytes, program, 20);

	data5[0] = 0;
	CHECK_EQ_INT(bech32_convert_bits(data5 + 1, sizeof data5 - 1, &n5, 5, program, 20, 8, 1),
	    BECH32_OK);
	CHECK_EQ_INT(n5, 32);
	CHECK_EQ_INT(bech32_encode(out, sizeof out, "bc", data5, n5 + 1, 90), BECH32_OK);
	CHECK_EQ_STR(out, addr);
}

/* 8 -> 5 with padding then 5 -> 8 without gives the bytes back, for every length. */
static void
test_convert_bits_round_trip(void)
{
	uint8_t bytes[64], five[128], back[64];
	size_t len, i, n5, n8;

	for (i = 0; i < sizeof bytes; i++)
		bytes[i] = (uint8_t)(i * 37 + 11);
	for (len = 0; len <= sizeof bytes; len++) {
		CHECK_EQ_INT(bech32_convert_bits(five, sizeof five, &n5, 5, bytes, len, 8, 1),
		    BECH32_OK);
		CHECK_EQ_INT(n5, (len * 8 + 4) / 5);
		CHECK_EQ_INT(bech32_convert_bits(back, sizeof back, &n8, 8, five, n5, 5, 0),
		    BECH32_OK);
		CHECK_EQ_INT(n8, len);
		CHECK_EQ_MEM(back, bytes, len);
	}
}

static void
test_convert_bits_errors(void)
{
	uint8_t out[8];
	size_t n;
	/* 2 values = 10 bits: one byte and 2 zero bits of padding. */
	static const uint8_t ok2[2] = { 0x1f, 0x1c };
	/* Same, with a 1 in the padding. */
	static const uint8_t bad_pad[2] = { 0x1f, 0x1d };
	/* 3 values = 15 bits: one byte and 7 bits, more than a whole 5-bit group. */
	static const uint8_t excess[3] = { 0x1f, 0x1c, 0 };
	static const uint8_t too_wide[1] = { 32 };
	static const uint8_t byte[1] = { 0xff };

	CHECK_EQ_INT(bech32_convert_bits(out, sizeof out, &n, 8, ok2, 2, 5, 0), BECH32_OK);
	CHECK_EQ_INT(n, 1);
	CHECK_EQ_INT(out[0], 0xff);
	CHECK_EQ_INT(bech32_convert_bits(out, sizeof out, &n, 8, bad_pad, 2, 5, 0),
	    BECH32_ERR_PADDING);
	CHECK_EQ_INT(bech32_convert_bits(out, sizeof out, &n, 8, excess, 3, 5, 0),
	    BECH32_ERR_PADDING);
	/* With padding allowed the same input is fine. */
	CHECK_EQ_INT(bech32_convert_bits(out, sizeof out, &n, 8, excess, 3, 5, 1), BECH32_OK);
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_INT(bech32_convert_bits(out, sizeof out, &n, 8, too_wide, 1, 5, 1),
	    BECH32_ERR_VALUE);
	CHECK_EQ_INT(bech32_convert_bits(out, 1, &n, 5, byte, 1, 8, 1), BECH32_ERR_BUFFER);
	CHECK_EQ_INT(bech32_convert_bits(out, 2, &n, 5, byte, 1, 8, 1), BECH32_OK);
	CHECK_EQ_INT(bech32_convert_bits(out, 0, &n, 5, byte, 1, 8, 0), BECH32_ERR_BUFFER);
	CHECK_EQ_INT(bech32_convert_bits(out, sizeof out, &n, 0, byte, 1, 8, 1),
	    BECH32_ERR_ARGUMENT);
	CHECK_EQ_INT(bech32_convert_bits(out, sizeof out, &n, 5, byte, 1, 9, 1),
	    BECH32_ERR_ARGUMENT);
	CHECK_EQ_INT(bech32_convert_bits(out, sizeof out, &n, 5, byte, 0, 8, 0), BECH32_OK);
	CHECK_EQ_INT(n, 0);
}

static void
test_error_strings(void)
{
	int code, i;

	CHECK_EQ_STR(bech32_error_string(BECH32_OK), "success");
	for (code = BECH32_ERR_TOO_LONG; code >= BECH32_ERR_ARGUMENT; code--) {
		const char *s = bech32_error_string(code);

		CHECK(s != NULL && strcmp(s, "unknown error") != 0);
		for (i = code + 1; i < 0; i++)
			CHECK(strcmp(s, bech32_error_string(i)) != 0);
	}
	CHECK_EQ_STR(bech32_error_string(BECH32_ERR_ARGUMENT - 1), "unknown error");
	CHECK_EQ_STR(bech32_error_string(1), "unknown error");
}

int
main(void)
{
	TEST(test_bip173_valid_round_trip);
	TEST(test_bip173_decoded_parts);
	TEST(test_bip173_invalid);
	TEST(test_single_substitution_detected);
	TEST(test_bech32m_variant);
	TEST(test_length_parameter);
	TEST(test_buffers_exact);
	TEST(test_no_read_past_len);
	TEST(test_encode_errors);
	TEST(test_convert_bits_segwit);
	TEST(test_convert_bits_round_trip);
	TEST(test_convert_bits_errors);
	TEST(test_error_strings);
	return tap_done();
}
