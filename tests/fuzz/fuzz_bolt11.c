/*
 * fuzz_bolt11.c: libFuzzer target for bolt11.h, which reads the bolt11 tag of
 * zap receipts from the network.  The input is tried as an invoice as it is,
 * and also re-wrapped with a valid checksum (first byte picks the HRP, the rest
 * are 5-bit groups), since random bytes almost never pass a bech32 checksum and
 * the field parser behind it must be reached too.
 */
#include "nostr/bech32.h"
#include "nostr/bolt11.h"

#include <stdlib.h>
#include <string.h>

#define REQUIRE(cond) do { if (!(cond)) abort(); } while (0)

static const char *const hrps[] = {
	"lnbc", "lnbc10u", "lnbc2500u", "lnbc20m", "lnbc9678785340p", "lntb1n",
	"lnbcrt", "lntbs5m", "lnsb1", "lnbc1p", "lnbc0", "lnbc01m", "lnxy", "ln",
	"lnbc184467440", "lnbc184467441", "bc", "lnbc1x",
};

static void
check_decoded(const struct bolt11 *b)
{
	REQUIRE(b->currency[0] != '\0');
	REQUIRE(!b->has_amount || b->amount_msat > 0);
	REQUIRE(b->has_amount || b->amount_msat == 0);
	REQUIRE(b->timestamp < (UINT64_C(1) << 35));
	REQUIRE(b->description_len <= BOLT11_MAX_DESCRIPTION);
	REQUIRE(b->description[b->description_len] == '\0');
	REQUIRE(b->has_description || b->description_len == 0);
	REQUIRE(b->has_expiry || b->expiry == BOLT11_DEFAULT_EXPIRY);
	REQUIRE(b->recovery_id >= 0 && b->recovery_id <= 255);
}

static void
try_decode(const char *s, size_t len)
{
	static struct bolt11 b;
	int rc = bolt11_decode(s, len, &b);

	if (rc == 0)
		check_decoded(&b);
	else
		REQUIRE(rc < 0 && bolt11_error_string(rc) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t groups[BOLT11_MAX_LEN];
	static char s[BOLT11_MAX_LEN + 16];
	const char *hrp;
	size_t i, n;

	try_decode((const char *)data, size);
	if (size == 0)
		return 0;

	hrp = hrps[data[0] % (sizeof hrps / sizeof hrps[0])];
	n = size - 1;
	if (n > BOLT11_MAX_LEN - 32)
		n = BOLT11_MAX_LEN - 32;
	for (i = 0; i < n; i++)
		groups[i] = data[1 + i] & 31;
	REQUIRE(bech32_encode(s, sizeof s, hrp, groups, n, sizeof s - 1) == 0);
	try_decode(s, strlen(s));
	/* The same string upper-cased, and behind the URI scheme, must agree. */
	if (data[0] & 0x80) {
		static char up[BOLT11_MAX_LEN + 32];
		static struct bolt11 lower, upper;
		size_t len = strlen(s);
		int rc_lower, rc_upper;

		memcpy(up, "LIGHTNING:", 10);
		for (i = 0; i < len; i++)
			up[10 + i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 'a' + 'A' : s[i]);
		rc_lower = bolt11_decode(s, len, &lower);
		rc_upper = bolt11_decode(up, len + 10, &upper);
		REQUIRE(rc_lower == rc_upper);
		if (rc_lower == 0)
			REQUIRE(memcmp(&lower, &upper, sizeof lower) == 0);
	}
	return 0;
}
