/*
 * negentropy-bench: how fast the NIP-77 negentropy client reconciles, in
 * items of its set per second of its own CPU time (building its storage
 * included), beside a reference measured in the same run on the same items:
 * just sorting them and hashing each id once with SHA-256.
 *
 * usage: negentropy-bench [-n ITEMS] [-d DIFF%] [-l FRAME_LIMIT] [-s SEED]
 *
 * The client holds ITEMS items (default 1000000); of all the items made,
 * DIFF% (default 1) are on one side only, half on each.  The client's time is
 * building its storage (build_s: adding and sealing) and its steps
 * (reconcile_s); the server runs in the same thread, timed apart (server_s:
 * its answers only, not building its storage).  Prints one line of key=value
 * pairs; exits 1 if the differences found are not exactly the ones made.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/sha256.h"
#include "cli/cli.h"
#include "nostr/negentropy.h"

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t
rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static double
cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
item_cmp(const void *a, const void *b)
{
	const struct neg_item *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return memcmp(x->id, y->id, NEG_ID_SIZE);
}

/* reference: seconds of CPU to sort a copy of the n items and hash each id. */
static double
reference(const struct neg_item *items, size_t n)
{
	struct neg_item *copy = xmalloc((n ? n : 1) * sizeof *copy);
	uint8_t digest[32], fold = 0;
	double t0 = cpu_now();

	memcpy(copy, items, n * sizeof *copy);
	qsort(copy, n, sizeof *copy, item_cmp);
	for (size_t i = 0; i < n; i++) {
		sha256(copy[i].id, NEG_ID_SIZE, digest);
		fold ^= digest[0];
	}
	t0 = cpu_now() - t0;
	free(copy);
	if (fold == 0xff)   /* keeps the hashing from being optimised away */
		fprintf(stderr, "#\n");
	return t0;
}

int
main(int argc, char *argv[])
{
	size_t n = 1000000, limit = 0, only_c = 0, only_s = 0, nc = 0, sent = 0, recv = 0;
	long long diff = 1, seed = 1;
	struct neg_item *citems;
	struct neg_storage cs = NEG_STORAGE_INIT, ss = NEG_STORAGE_INIT;
	struct neg c, s;
	struct buf cm = BUF_INIT, sm = BUF_INIT, have = BUF_INIT, need = BUF_INIT;
	double t, build, client = 0, server = 0, ref;
	int ch, done = 0, rounds = 0;
	const char *why;

	while ((ch = getopt(argc, argv, "n:d:l:s:")) != -1) {
		switch (ch) {
		case 'n': n = (size_t)cli_number(optarg, 1, 100000000, "-n"); break;
		case 'd': diff = cli_number(optarg, 0, 100, "-d"); break;
		case 'l': limit = (size_t)cli_number(optarg, 0, 1 << 30, "-l"); break;
		case 's': seed = cli_number(optarg, 0, 1 << 30, "-s"); break;
		default:
			fprintf(stderr, "usage: negentropy-bench [-n ITEMS] [-d DIFF%%] "
			    "[-l FRAME_LIMIT] [-s SEED]\n");
			return 2;
		}
	}
	rng_state += (uint64_t)seed * 0x9e3779b97f4a7c15ULL;
	citems = xmalloc(n * sizeof *citems);
	while (nc < n) {
		struct neg_item it;
		uint64_t r;

		/* Events of a year, some in the same second. */
		it.ts = 1700000000 + rng() % (365 * 86400);
		for (int k = 0; k < 4; k++) {
			r = rng();
			memcpy(it.id + 8 * k, &r, 8);
		}
		/* diff% on one side only, half of them on each */
		r = rng() % 200;
		if (r < (uint64_t)diff) {
			citems[nc++] = it;
			only_c++;
		} else if (r < 2 * (uint64_t)diff) {
			neg_storage_add(&ss, it.ts, it.id);
			only_s++;
		} else {
			citems[nc++] = it;
			neg_storage_add(&ss, it.ts, it.id);
		}
	}
	neg_storage_seal(&ss);
	ref = reference(citems, nc);

	t = cpu_now();
	for (size_t i = 0; i < nc; i++)
		neg_storage_add(&cs, citems[i].ts, citems[i].id);
	neg_storage_seal(&cs);
	if (neg_init(&c, &cs, limit) != 0 || neg_init(&s, &ss, limit) != 0)
		errx(1, "frame limit too small");
	build = cpu_now() - t;
	t = cpu_now();
	neg_initiate(&c, &cm);
	client += cpu_now() - t;
	while (!done) {
		rounds++;
		sent += cm.len;
		t = cpu_now();
		buf_reset(&sm);
		if ((why = neg_server_step(&s, (const uint8_t *)cm.data, cm.len, &sm)) != NULL)
			errx(1, "server: %s", why);
		server += cpu_now() - t;
		recv += sm.len;
		t = cpu_now();
		buf_reset(&cm);
		if ((why = neg_client_step(&c, (const uint8_t *)sm.data, sm.len, &cm, &have,
		    &need, &done)) != NULL)
			errx(1, "client: %s", why);
		client += cpu_now() - t;
	}
	printf("items=%zu diff=%lld%% limit=%zu rounds=%d have=%zu need=%zu sent=%zu recv=%zu "
	    "build_s=%.3f reconcile_s=%.3f client_items_per_s=%.0f server_s=%.3f "
	    "ref_sort_hash_s=%.3f ref_items_per_s=%.0f\n",
	    nc, diff, limit, rounds, have.len / 32, need.len / 32, sent, recv,
	    build, client, (double)nc / (build + client), server, ref, (double)nc / ref);
	neg_free(&c);
	neg_free(&s);
	neg_storage_free(&cs);
	neg_storage_free(&ss);
	free(citems);
	buf_free(&cm);
	buf_free(&sm);
	if (have.len / 32 != only_c || need.len / 32 != only_s) {
		fprintf(stderr, "negentropy-bench: expected have=%zu need=%zu\n", only_c, only_s);
		return 1;
	}
	buf_free(&have);
	buf_free(&need);
	return 0;
}
