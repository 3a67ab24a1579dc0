/*
 * bech32.c: BIP-173 / BIP-350 encoding and decoding.  See bech32.h for contracts.
 */
#include "nostr/bech32.h"

#include <string.h>

static const char bech32_alphabet[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/* The value each alphabet letter stands for, -1 for bytes that are not letters of it.
 * Built from bech32_alphabet at compile time would need C23; spelled out instead. */
static const int8_t bech32_value[128] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	15, -1, 10, 17, 21, 20, 26, 30,  7,  5, -1, -1, -1, -1, -1, -1,
	-1, 29, -1, 24, 13, 25,  9,  8, 23, -1, 18, 22, 31, 27, 19, -1,
	 1,  0,  3, 16, 11, 28, 12, 14,  6,  4,  2, -1, -1, -1, -1, -1,
	-1, 29, -1, 24, 13, 25,  9,  8, 23, -1, 18, 22, 31, 27, 19, -1,
	 1,  0,  3, 16, 11, 28, 12, 14,  6,  4,  2, -1, -1, -1, -1, -1,
};

/* The residue a valid checksum leaves: BIP-173 chose 1, BIP-350 changed it so that
 * inserting or deleting a 'q' before a final 'p' no longer goes unnoticed. */
static uint32_t
variant_constant(enum bech32_variant variant)
{
	return variant == BECH32_VARIANT_BECH32M ? 0x2bc830a3u : 1u;
}

/* One step of the BCH code's polynomial remainder (BIP-173 "polymod"). */
static uint32_t
polymod_step(uint32_t chk, uint8_t value)
{
	static const uint32_t gen[5] = {
		0x3b6a57b2u, 0x26508e6du, 0x1ea119fau, 0x3d4233ddu, 0x2a1462b3u,
	};
	uint32_t top = chk >> 25;
	int i;

	chk = ((chk & 0x1ffffffu) << 5) ^ value;
	for (i = 0; i < 5; i++)
		if ((top >> i) & 1)
			chk ^= gen[i];
	return chk;
}

/* The checksum covers the HRP as its high bits, a zero, then its low bits, so that
 * a change of case-insensitive letters in the HRP changes the checksum. */
static uint32_t
polymod_hrp(const char *hrp, size_t hrp_len)
{
	uint32_t chk = 1;
	size_t i;

	for (i = 0; i < hrp_len; i++)
		chk = polymod_step(chk, (uint8_t)hrp[i] >> 5);
	chk = polymod_step(chk, 0);
	for (i = 0; i < hrp_len; i++)
		chk = polymod_step(chk, (uint8_t)hrp[i] & 31);
	return chk;
}

static char
to_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

int
bech32_decode_variant(const char *s, size_t len, char *hrp, size_t hrp_cap,
    uint8_t *data5, size_t data5_cap, size_t *data5_len, size_t max_len,
    enum bech32_variant variant)
{
	int has_lower = 0, has_upper = 0;
	size_t i, sep, hrp_len, ndata;
	uint32_t chk;

	if (variant != BECH32_VARIANT_BECH32 && variant != BECH32_VARIANT_BECH32M)
		return BECH32_ERR_ARGUMENT;
	/* Checked first so that hostile input costs at most max_len steps. */
	if (len > max_len)
		return BECH32_ERR_TOO_LONG;

	sep = len;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 33 || c > 126)
			return BECH32_ERR_CHAR;
		if (c >= 'a' && c <= 'z')
			has_lower = 1;
		else if (c >= 'A' && c <= 'Z')
			has_upper = 1;
		else if (c == '1')
			sep = i;  /* the last one wins: the HRP itself may hold a '1' */
	}
	if (has_lower && has_upper)
		return BECH32_ERR_MIXED_CASE;
	if (sep == len)
		return BECH32_ERR_NO_SEPARATOR;
	hrp_len = sep;
	if (hrp_len == 0)
		return BECH32_ERR_HRP_EMPTY;
	if (hrp_len > BECH32_MAX_HRP_LEN)
		return BECH32_ERR_HRP_TOO_LONG;
	if (len - sep - 1 < BECH32_CHECKSUM_LEN)
		return BECH32_ERR_TOO_SHORT;
	ndata = len - sep - 1 - BECH32_CHECKSUM_LEN;
	if (hrp_cap < hrp_len + 1 || data5_cap < ndata)
		return BECH32_ERR_BUFFER;

	for (i = 0; i < hrp_len; i++)
		hrp[i] = to_lower(s[i]);
	hrp[hrp_len] = '\0';

	chk = polymod_hrp(hrp, hrp_len);
	for (i = sep + 1; i < len; i++) {
		int8_t v = bech32_value[(unsigned char)s[i]];  /* s[i] < 127, checked above */

		if (v < 0)
			return BECH32_ERR_DATA_CHAR;
		chk = polymod_step(chk, (uint8_t)v);
		if (i - sep - 1 < ndata)
			data5[i - sep - 1] = (uint8_t)v;
	}
	if (chk != variant_constant(variant))
		return BECH32_ERR_CHECKSUM;
	*data5_len = ndata;
	return BECH32_OK;
}

int
bech32_decode(const char *s, size_t len, char *hrp, size_t hrp_cap,
    uint8_t *data5, size_t data5_cap, size_t *data5_len, size_t max_len)
{
	return bech32_decode_variant(s, len, hrp, hrp_cap, data5, data5_cap,
	    data5_len, max_len, BECH32_VARIANT_BECH32);
}

int
bech32_encode_variant(char *out, size_t out_cap, const char *hrp,
    const uint8_t *data5, size_t data5_len, size_t max_len,
    enum bech32_variant variant)
{
	size_t hrp_len, total, i, pos;
	uint32_t chk;

	if (variant != BECH32_VARIANT_BECH32 && variant != BECH32_VARIANT_BECH32M)
		return BECH32_ERR_ARGUMENT;
	/* Bounded scan: an HRP longer than the limit is an error, not a long read. */
	for (hrp_len = 0; hrp_len <= BECH32_MAX_HRP_LEN && hrp[hrp_len] != '\0'; hrp_len++) {
		unsigned char c = (unsigned char)hrp[hrp_len];

		if (c < 33 || c > 126)
			return BECH32_ERR_CHAR;
	}
	if (hrp_len == 0)
		return BECH32_ERR_HRP_EMPTY;
	if (hrp_len > BECH32_MAX_HRP_LEN)
		return BECH32_ERR_HRP_TOO_LONG;
	/* Compare before adding so that a huge data5_len cannot wrap the sum. */
	if (data5_len > max_len || max_len - data5_len < hrp_len + 1 + BECH32_CHECKSUM_LEN)
		return BECH32_ERR_TOO_LONG;
	total = hrp_len + 1 + data5_len + BECH32_CHECKSUM_LEN;
	if (out_cap < total + 1)
		return BECH32_ERR_BUFFER;

	for (i = 0; i < hrp_len; i++)
		out[i] = to_lower(hrp[i]);
	chk = polymod_hrp(out, hrp_len);
	pos = hrp_len;
	out[pos++] = '1';
	for (i = 0; i < data5_len; i++) {
		if (data5[i] > 31)
			return BECH32_ERR_VALUE;
		chk = polymod_step(chk, data5[i]);
		out[pos++] = bech32_alphabet[data5[i]];
	}
	/* The checksum is the remainder after six more zero values, offset by the
	 * variant's constant, so that decoding the whole string leaves that constant. */
	for (i = 0; i < BECH32_CHECKSUM_LEN; i++)
		chk = polymod_step(chk, 0);
	chk ^= variant_constant(variant);
	for (i = 0; i < BECH32_CHECKSUM_LEN; i++)
		out[pos++] = bech32_alphabet[(chk >> (5 * (5 - i))) & 31];
	out[pos] = '\0';
	return BECH32_OK;
}

int
bech32_encode(char *out, size_t out_cap, const char *hrp, const uint8_t *data5,
    size_t data5_len, size_t max_len)
{
	return bech32_encode_variant(out, out_cap, hrp, data5, data5_len, max_len,
	    BECH32_VARIANT_BECH32);
}

int
bech32_convert_bits(uint8_t *out, size_t out_cap, size_t *out_len, int out_bits,
    const uint8_t *in, size_t in_len, int in_bits, int pad)
{
	uint32_t acc = 0, out_mask;
	int bits = 0;
	size_t i, n = 0;

	if (in_bits < 1 || in_bits > 8 || out_bits < 1 || out_bits > 8)
		return BECH32_ERR_ARGUMENT;
	out_mask = (1u << out_bits) - 1;
	for (i = 0; i < in_len; i++) {
		if (in[i] >> in_bits)
			return BECH32_ERR_VALUE;
		/* acc never holds more than in_bits + out_bits - 1 <= 15 live bits;
		 * masking keeps the dead high bits from growing the value. */
		acc = ((acc << in_bits) | in[i]) & 0xffffu;
		bits += in_bits;
		while (bits >= out_bits) {
			bits -= out_bits;
			if (n == out_cap)
				return BECH32_ERR_BUFFER;
			out[n++] = (uint8_t)((acc >> bits) & out_mask);
		}
	}
	if (pad) {
		if (bits > 0) {
			if (n == out_cap)
				return BECH32_ERR_BUFFER;
			out[n++] = (uint8_t)((acc << (out_bits - bits)) & out_mask);
		}
	} else if (bits >= in_bits || ((acc << (out_bits - bits)) & out_mask) != 0) {
		/* A whole input group of padding, or padding that is not zero, means the
		 * writer did not encode these bytes: BIP-173 says reject. */
		return BECH32_ERR_PADDING;
	}
	*out_len = n;
	return BECH32_OK;
}

const char *
bech32_error_string(int code)
{
	switch (code) {
	case BECH32_OK:               return "success";
	case BECH32_ERR_TOO_LONG:     return "bech32 string too long";
	case BECH32_ERR_CHAR:         return "bech32 string has a byte outside printable ASCII";
	case BECH32_ERR_MIXED_CASE:   return "bech32 string mixes upper and lower case";
	case BECH32_ERR_NO_SEPARATOR: return "bech32 string has no separator '1'";
	case BECH32_ERR_HRP_EMPTY:    return "bech32 human-readable part is empty";
	case BECH32_ERR_HRP_TOO_LONG: return "bech32 human-readable part too long";
	case BECH32_ERR_TOO_SHORT:    return "bech32 data part shorter than the checksum";
	case BECH32_ERR_DATA_CHAR:    return "bech32 data part has a character outside the alphabet";
	case BECH32_ERR_CHECKSUM:     return "bech32 checksum mismatch";
	case BECH32_ERR_BUFFER:       return "bech32 output buffer too small";
	case BECH32_ERR_VALUE:        return "bech32 input value too wide for its bit width";
	case BECH32_ERR_PADDING:      return "bech32 data has invalid padding";
	case BECH32_ERR_ARGUMENT:     return "bech32 argument out of range";
	}
	return "unknown error";
}
