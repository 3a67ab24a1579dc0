/*
 * enrich-invoice: writes a BOLT 11 invoice string for zap tests and
 * benchmarks: a chosen amount (or none), a payment hash, and optionally the
 * description hash of a file (NIP-57: the zap request), with a valid bech32
 * checksum and a dummy signature (nothing here reads signatures).
 *
 *   enrich-invoice [--msat N] [--hrp-amount TEXT] [--description FILE]
 *
 * --msat 0 (the default) makes an invoice without amount; --hrp-amount sets the
 * amount part of the HRP verbatim (e.g. 10u), to test multipliers.
 */
#include <err.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nostr/bech32.h"
#include "base/buf.h"
#include "cli/cli.h"
#include "base/sha256.h"

static void
put_bits(uint8_t *groups, size_t *n, uint64_t value, int count)
{
	/* count 5-bit groups, most significant first */
	for (int i = count - 1; i >= 0; i--)
		groups[(*n)++] = (uint8_t)(value >> (5 * i) & 31);
}

static void
put_field(uint8_t *groups, size_t *n, int type, const uint8_t bytes[32])
{
	size_t len;

	groups[(*n)++] = (uint8_t)type;
	put_bits(groups, n, 52, 2);
	if (bech32_convert_bits(groups + *n, 64, &len, 5, bytes, 32, 8, 1) != 0)
		errx(1, "convert");
	*n += len;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "msat", required_argument, NULL, 'm' },
		{ "hrp-amount", required_argument, NULL, 'a' },
		{ "description", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	uint8_t groups[512], payment_hash[32], desc_hash[32];
	char hrp[64], out[1024];
	const char *hrp_amount = NULL, *desc_file = NULL;
	long long msat = 0;
	struct buf desc = BUF_INIT;
	size_t n = 0, i;
	FILE *f;
	int ch;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'm': msat = cli_number(optarg, 0, INT64_MAX / 10, "--msat"); break;
		case 'a': hrp_amount = optarg; break;
		case 'd': desc_file = optarg; break;
		default:
			fprintf(stderr, "usage: enrich-invoice [--msat N] [--hrp-amount TEXT] "
			    "[--description FILE]\n");
			return 2;
		}
	}
	/* 1 msat is 10 pico-bitcoin: the p multiplier writes any msat amount. */
	if (hrp_amount != NULL)
		snprintf(hrp, sizeof hrp, "lnbc%s", hrp_amount);
	else if (msat > 0)
		snprintf(hrp, sizeof hrp, "lnbc%lldp", msat * 10);
	else
		snprintf(hrp, sizeof hrp, "lnbc");
	put_bits(groups, &n, 1700000000, 7);
	for (i = 0; i < 32; i++)
		payment_hash[i] = (uint8_t)(i * 7 + 1);
	put_field(groups, &n, 1, payment_hash);
	if (desc_file != NULL) {
		char chunk[4096];
		size_t got;

		if ((f = fopen(desc_file, "r")) == NULL)
			err(1, "%s", desc_file);
		while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_append(&desc, chunk, got);
		fclose(f);
		/* The file holds one line: the description is without its newline. */
		while (desc.len > 0 && desc.data[desc.len - 1] == '\n')
			desc.len--;
		sha256(desc.data, desc.len, desc_hash);
		put_field(groups, &n, 23, desc_hash);
	}
	for (i = 0; i < 104; i++)   /* signature r||s and recovery id 0 */
		groups[n++] = (uint8_t)(i < 103 ? (i * 3 + 5) & 31 : 0);
	if (bech32_encode(out, sizeof out, hrp, groups, n, 4096) != 0)
		errx(1, "bech32_encode failed");
	puts(out);
	buf_free(&desc);
	return 0;
}
