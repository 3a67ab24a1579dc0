/*
 * secp-bench: the reference for nostr-verify's speed: how many events a
 * second one core verifies with libsecp256k1 alone (x-only pubkey parse +
 * BIP-340 verify), on the same events, already decoded to binary.
 *
 * usage: secp-bench FILE     (NDJSON events; prints "N events/s")
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "nostr/event.h"
#include "base/ndjson.h"

struct item {
	uint8_t id[32], pubkey[32], sig[64];
};

int
main(int argc, char *argv[])
{
	struct event_parser parser;
	struct line_reader r;
	struct line line;
	struct event ev;
	struct item *items = NULL;
	size_t n = 0, cap = 0, i, ok = 0;
	struct timespec t0, t1;
	secp256k1_context *ctx;
	double secs;
	FILE *f;

	if (argc != 2)
		errx(2, "usage: secp-bench FILE");
	if ((f = fopen(argv[1], "r")) == NULL)
		err(1, "%s", argv[1]);
	event_parser_init(&parser);
	line_reader_init(&r, fileno(f), 0, NULL, NULL);
	while (line_reader_next(&r, &line) == LINE_OK) {
		if (event_parse(&parser, line.data, line.len, &ev) != EVENT_OK)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			if ((items = realloc(items, cap * sizeof(*items))) == NULL)
				err(1, NULL);
		}
		memcpy(items[n].id, ev.id, 32);
		memcpy(items[n].pubkey, ev.pubkey, 32);
		memcpy(items[n].sig, ev.sig, 64);
		n++;
	}
	ctx = secp256k1_context_create(SECP256K1_CONTEXT_VERIFY);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		secp256k1_xonly_pubkey pk;

		if (secp256k1_xonly_pubkey_parse(ctx, &pk, items[i].pubkey) &&
		    secp256k1_schnorrsig_verify(ctx, items[i].sig, items[i].id, 32, &pk))
			ok++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (ok != n)
		warnx("%zu of %zu signatures did not verify", n - ok, n);
	printf("%.0f events/s\n", (double)n / secs);
	secp256k1_context_destroy(ctx);
	line_reader_free(&r);
	event_parser_free(&parser);
	free(items);
	fclose(f);
	return 0;
}
