/*
 * bolt11.c: BOLT 11 invoice reading.  See bolt11.h for contracts.
 */
#include "nostr/bolt11.h"

#include "nostr/bech32.h"
#include "base/text.h"

#include <string.h>

/* 5-bit groups in the fixed parts of the data. */
#define TIMESTAMP_GROUPS 7    /* 35 bits */
#define SIGNATURE_GROUPS 104  /* 520 bits: 64-byte signature + recovery id byte */
#define FIELD_HEADER_GROUPS 3 /* type (5 bits) + data_length (10 bits) */

/* Tagged field types: the value of the field's letter in the bech32 alphabet. */
enum field_type {
	FIELD_PAYMENT_HASH = 1,       /* p */
	FIELD_EXPIRY = 6,             /* x */
	FIELD_DESCRIPTION = 13,       /* d */
	FIELD_PAYEE = 19,             /* n */
	FIELD_DESCRIPTION_HASH = 23,  /* h */
};

static const char *const currencies[] = { "bc", "tb", "bcrt", "tbs", "sb" };

/* Reads the amount after the currency: digits, then at most one multiplier. */
static int
parse_amount(const char *p, struct bolt11 *out)
{
	uint64_t value = 0, per_unit;

	if (*p == '\0')
		return 0;  /* no amount: the payer chooses */
	/* BOLT 11: a positive decimal integer with no leading 0s, so also not "0". */
	if (*p < '1' || *p > '9')
		return BOLT11_ERR_AMOUNT;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned digit = (unsigned)(*p - '0');

		if (value > (UINT64_MAX - digit) / 10)
			return BOLT11_ERR_AMOUNT_OVERFLOW;
		value = value * 10 + digit;
	}
	switch (*p) {
	case '\0':
		per_unit = BOLT11_MSAT_PER_BTC;
		break;
	case 'm':
		per_unit = BOLT11_MSAT_PER_BTC / 1000;
		break;
	case 'u':
		per_unit = BOLT11_MSAT_PER_BTC / 1000000;
		break;
	case 'n':
		per_unit = BOLT11_MSAT_PER_BTC / 1000000000;
		break;
	case 'p':
		/* One pico-bitcoin is a tenth of a millisatoshi. */
		if (value % 10 != 0)
			return BOLT11_ERR_AMOUNT_PRECISION;
		value /= 10;
		per_unit = 1;
		break;
	default:
		return BOLT11_ERR_AMOUNT;
	}
	if (*p != '\0' && p[1] != '\0')
		return BOLT11_ERR_AMOUNT;  /* something after the multiplier */
	if (value > UINT64_MAX / per_unit)
		return BOLT11_ERR_AMOUNT_OVERFLOW;
	out->amount_msat = value * per_unit;
	out->has_amount = 1;
	return 0;
}

static int
parse_hrp(const char *hrp, struct bolt11 *out)
{
	const char *p;
	size_t n, i;

	if (strncmp(hrp, "ln", 2) != 0)
		return BOLT11_ERR_PREFIX;
	p = hrp + 2;
	/* The currency is the letters before the amount's first digit. */
	for (n = 0; p[n] >= 'a' && p[n] <= 'z'; n++)
		;
	for (i = 0; i < sizeof currencies / sizeof currencies[0]; i++)
		if (strlen(currencies[i]) == n && memcmp(currencies[i], p, n) == 0)
			break;
	if (i == sizeof currencies / sizeof currencies[0])
		return BOLT11_ERR_CURRENCY;
	memcpy(out->currency, p, n);
	out->currency[n] = '\0';
	return parse_amount(p + n, out);
}

/* Big-endian value of n 5-bit groups; n <= 12 so it fits. */
static uint64_t
groups_value(const uint8_t *g, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v << 5 | g[i];
	return v;
}

/* Packs 5-bit groups into the whole bytes they hold, dropping the pad bits. */
static size_t
groups_to_bytes(const uint8_t *g, size_t n, uint8_t *out)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		acc = (acc << 5 | g[i]) & 0xfffu;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[len++] = (uint8_t)(acc >> bits);
		}
	}
	return len;
}

/* x: a big-endian integer of any length; leading zero groups are legal. */
static int
parse_expiry(const uint8_t *g, size_t n, uint64_t *expiry)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (v > UINT64_MAX >> 5)
			return BOLT11_ERR_EXPIRY;
		v = v << 5 | g[i];
	}
	*expiry = v;
	return 0;
}

/* Reads one tagged field; the first usable one of each type counts (BOLT 11
 * lists the most preferred first, and says to skip p/h/n of other lengths). */
static int
parse_field(unsigned type, const uint8_t *g, size_t n, struct bolt11 *out,
    int *has_payment_hash)
{
	uint8_t bytes[BOLT11_MAX_DESCRIPTION + 1];

	switch (type) {
	case FIELD_PAYMENT_HASH:
		if (n == 52 && !*has_payment_hash) {
			groups_to_bytes(g, n, bytes);
			memcpy(out->payment_hash, bytes, 32);
			*has_payment_hash = 1;
		}
		break;
	case FIELD_DESCRIPTION:
		if (!out->has_description) {
			out->description_len = groups_to_bytes(g, n, bytes);
			memcpy(out->description, bytes, out->description_len);
			out->description[out->description_len] = '\0';
			out->has_description = 1;
		}
		break;
	case FIELD_DESCRIPTION_HASH:
		if (n == 52 && !out->has_description_hash) {
			groups_to_bytes(g, n, bytes);
			memcpy(out->description_hash, bytes, 32);
			out->has_description_hash = 1;
		}
		break;
	case FIELD_EXPIRY:
		if (!out->has_expiry) {
			int rc = parse_expiry(g, n, &out->expiry);

			if (rc != 0)
				return rc;
			out->has_expiry = 1;
		}
		break;
	case FIELD_PAYEE:
		if (n == 53 && !out->has_payee) {
			groups_to_bytes(g, n, bytes);
			memcpy(out->payee, bytes, 33);
			out->has_payee = 1;
		}
		break;
	default:
		break;  /* s, c, f, r, 9, t and unknown types: not needed here */
	}
	return 0;
}

int
bolt11_decode(const char *s, size_t len, struct bolt11 *out)
{
	char hrp[BECH32_MAX_HRP_LEN + 1];
	uint8_t data5[BOLT11_MAX_LEN], sig[65];
	size_t n, pos, end;
	int rc, has_payment_hash = 0;

	memset(out, 0, sizeof *out);
	out->expiry = BOLT11_DEFAULT_EXPIRY;
	if (text_has_prefix_ci(s, len, "lightning:")) {
		s += 10;
		len -= 10;
	}
	rc = bech32_decode(s, len, hrp, sizeof hrp, data5, sizeof data5, &n, BOLT11_MAX_LEN);
	if (rc != 0)
		return rc;
	rc = parse_hrp(hrp, out);
	if (rc != 0)
		return rc;
	if (n < TIMESTAMP_GROUPS + SIGNATURE_GROUPS)
		return BOLT11_ERR_TOO_SHORT;
	out->timestamp = groups_value(data5, TIMESTAMP_GROUPS);

	end = n - SIGNATURE_GROUPS;
	pos = TIMESTAMP_GROUPS;
	while (pos < end) {
		unsigned type;
		size_t flen;

		if (end - pos < FIELD_HEADER_GROUPS)
			return BOLT11_ERR_FIELD_TRUNCATED;
		type = data5[pos];
		flen = (size_t)data5[pos + 1] << 5 | data5[pos + 2];
		pos += FIELD_HEADER_GROUPS;
		if (flen > end - pos)
			return BOLT11_ERR_FIELD_TRUNCATED;
		rc = parse_field(type, data5 + pos, flen, out, &has_payment_hash);
		if (rc != 0)
			return rc;
		pos += flen;
	}
	if (!has_payment_hash)
		return BOLT11_ERR_NO_PAYMENT_HASH;

	/* Signature and recovery id are copied, not checked: analytics needs
	 * neither, and BOLT 11's check is key recovery, which a payer does. */
	groups_to_bytes(data5 + end, SIGNATURE_GROUPS, sig);
	memcpy(out->signature, sig, 64);
	out->recovery_id = sig[64];
	return 0;
}

const char *
bolt11_error_string(int code)
{
	switch (code) {
	case BOLT11_ERR_PREFIX:           return "invoice does not start with \"ln\"";
	case BOLT11_ERR_CURRENCY:         return "invoice currency unknown";
	case BOLT11_ERR_AMOUNT:           return "invoice amount malformed";
	case BOLT11_ERR_AMOUNT_PRECISION: return "invoice amount is not a whole millisatoshi";
	case BOLT11_ERR_AMOUNT_OVERFLOW:  return "invoice amount too large";
	case BOLT11_ERR_TOO_SHORT:        return "invoice data too short for timestamp and signature";
	case BOLT11_ERR_FIELD_TRUNCATED:  return "invoice tagged field runs past the data";
	case BOLT11_ERR_NO_PAYMENT_HASH:  return "invoice has no payment hash";
	case BOLT11_ERR_EXPIRY:           return "invoice expiry too large";
	}
	return bech32_error_string(code);
}
