/* test_nip77.c: NIP-77 messages of one reconciliation, the batches of needed
 * ids, and the have file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/hex.h"
#include "base/sha256.h"
#include "nostr/nip77.h"
#include "tap.h"

/* fill: items i < n with i % mod != skip, two to a second. */
static void
fill(struct neg_storage *s, int n, int mod, int skip)
{
	uint8_t id[32];

	neg_storage_init(s);
	for (int i = 0; i < n; i++) {
		if (i % mod == skip)
			continue;
		sha256(&i, sizeof i, id);
		neg_storage_add(s, 1700000000 + (uint64_t)(i / 2), id);
	}
	neg_storage_seal(s);
}

/* payload: the hex string of the last element of a NEG-* message, in place. */
static char *
payload(struct buf *msg, size_t *len)
{
	char *end = strrchr(msg->data, '"'), *start;

	*end = '\0';
	start = strrchr(msg->data, '"') + 1;
	*len = (size_t)(end - start);
	return start;
}

/* A whole reconciliation through the messages, against our own server. */
static void
reconcile_through_messages(void)
{
	struct neg_storage ours, theirs;
	struct nip77 x;
	struct neg server;
	struct buf msg = BUF_INIT, bin = BUF_INIT, reply = BUF_INIT;
	char *hex;
	size_t len, rounds = 0;
	int done = 0;

	fill(&ours, 5000, 50, 7);     /* we lack 100 */
	fill(&theirs, 5000, 1, 1);
	CHECK(neg_init(&server, &theirs, 0) == 0);
	CHECK(nip77_open(&x, &ours, NEG_FRAME_NOSTR, "f0.1", "{}", &msg) == NULL);
	CHECK(strncmp(msg.data, "[\"NEG-OPEN\",\"f0.1\",{},\"61", 25) == 0);
	while (!done && rounds++ < 100) {
		hex = payload(&msg, &len);
		buf_reset(&bin);
		buf_reserve(&bin, len / 2);
		CHECK(hex_decode(hex, (uint8_t *)bin.data, len / 2) == 0);
		buf_reset(&reply);
		CHECK(neg_server_step(&server, (const uint8_t *)bin.data, len / 2, &reply) == NULL);
		buf_reset(&bin);
		for (size_t i = 0; i < reply.len; i++)
			buf_printf(&bin, "%02x", (unsigned char)reply.data[i]);
		CHECK(nip77_step(&x, "f0.1", bin.data, bin.len, &msg, &done) == NULL);
	}
	CHECK(done);
	CHECK_EQ_STR(msg.data, "[\"NEG-CLOSE\",\"f0.1\"]");
	CHECK_EQ_INT(x.need.len / 32, 100);
	/* Batches of 40: 40, 40, 20, then nothing. */
	CHECK_EQ_INT(nip77_batch(&x, 40, &msg), 40);
	CHECK(strncmp(msg.data, "{\"ids\":[\"", 9) == 0);
	CHECK_EQ_INT(msg.len, 9 + 40 * 67 - 1 + 1);
	nip77_batch_abandon(&x);
	CHECK_EQ_INT(nip77_batch(&x, 40, &msg), 40);
	nip77_batch_abandon(&x);
	CHECK_EQ_INT(nip77_batch(&x, 40, &msg), 40);
	for (int i = 0; i < 40; i++)
		CHECK(nip77_got(&x, (const uint8_t *)x.need.data + 32 * i));
	CHECK_EQ_INT(nip77_batch_end(&x), 0);
	CHECK_EQ_INT(nip77_batch(&x, 40, &msg), 40);
	for (int i = 40; i < 80; i++)
		CHECK(nip77_got(&x, (const uint8_t *)x.need.data + 32 * i));
	CHECK_EQ_INT(nip77_batch_end(&x), 0);
	CHECK_EQ_INT(nip77_batch(&x, 40, &msg), 20);
	for (int i = 80; i < 100; i++)
		CHECK(nip77_got(&x, (const uint8_t *)x.need.data + 32 * i));
	CHECK_EQ_INT(nip77_batch_end(&x), 0);
	CHECK_EQ_INT(x.fetched, 100);
	CHECK_EQ_INT(nip77_batch(&x, 40, &msg), 0);
	CHECK_EQ_STR(msg.data, "{\"ids\":[]}");
	nip77_free(&x);
	neg_free(&server);
	neg_storage_free(&ours);
	neg_storage_free(&theirs);
	buf_free(&msg);
	buf_free(&bin);
	buf_free(&reply);
}

/* contains: whether filter text holds the hex of id. */
static int
contains(const struct buf *filter, const uint8_t id[32])
{
	char hex[65];

	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
	return strstr(filter->data, hex) != NULL;
}

/* A relay that ends batches short: what did not come is asked again, then given up. */
static void
short_batches(void)
{
	struct nip77 x;
	struct buf f = BUF_INIT;
	uint8_t id[3][32];

	memset(&x, 0, sizeof(x));
	for (int i = 0; i < 3; i++) {
		sha256(&i, sizeof i, id[i]);
		buf_append(&x.need, id[i], 32);
	}
	CHECK_EQ_INT(nip77_batch(&x, 2, &f), 2);
	CHECK(contains(&f, id[0]) && contains(&f, id[1]) && !contains(&f, id[2]));
	CHECK_EQ_INT(nip77_got(&x, id[0]), 1);
	CHECK_EQ_INT(nip77_got(&x, id[0]), 0);     /* once */
	CHECK_EQ_INT(nip77_got(&x, id[2]), 0);     /* not asked in this batch */
	CHECK_EQ_INT(nip77_batch_end(&x), 0);      /* id 1: tried once */
	CHECK_EQ_INT(nip77_batch(&x, 2, &f), 2);   /* id 1 again, then id 2 */
	CHECK(!contains(&f, id[0]) && contains(&f, id[1]) && contains(&f, id[2]));
	nip77_batch_abandon(&x);                   /* lost connection: not a try */
	CHECK_EQ_INT(nip77_batch(&x, 2, &f), 2);
	CHECK_EQ_INT(nip77_batch_end(&x), 0);      /* id 1: two tries, id 2: one */
	CHECK_EQ_INT(nip77_batch(&x, 2, &f), 2);
	CHECK_EQ_INT(nip77_batch_end(&x), 1);      /* id 1 given up after three */
	CHECK_EQ_INT(nip77_batch(&x, 2, &f), 1);
	CHECK(contains(&f, id[2]));
	CHECK_EQ_INT(nip77_batch_end(&x), 1);
	CHECK_EQ_INT(nip77_batch(&x, 2, &f), 0);
	CHECK_EQ_INT(x.fetched, 1);
	CHECK_EQ_INT(x.missing, 2);
	nip77_free(&x);
	buf_free(&f);
}

static void
malformed_payloads(void)
{
	struct neg_storage ours;
	struct nip77 x;
	struct buf msg = BUF_INIT;
	int done = 1;

	fill(&ours, 100, 1, 1);
	CHECK(nip77_open(&x, &ours, NEG_FRAME_NOSTR, "f0.1", "{}", &msg) == NULL);
	CHECK_EQ_STR(nip77_step(&x, "f0.1", "611", 3, &msg, &done),
	    "NEG-MSG payload is not an even number of hex digits");
	CHECK_EQ_INT(msg.len, 0);
	CHECK_EQ_INT(done, 0);
	CHECK_EQ_STR(nip77_step(&x, "f0.1", "", 0, &msg, &done),
	    "NEG-MSG payload is not an even number of hex digits");
	CHECK_EQ_STR(nip77_step(&x, "f0.1", "61zz", 4, &msg, &done),
	    "NEG-MSG payload is not lower-case hex");
	CHECK_EQ_STR(nip77_step(&x, "f0.1", "61FF", 4, &msg, &done),
	    "NEG-MSG payload is not lower-case hex");
	CHECK(nip77_step(&x, "f0.1", "61ffffff", 8, &msg, &done) != NULL);
	CHECK_EQ_INT(msg.len, 0);
	CHECK_EQ_INT(x.need.len, 0);
	CHECK_EQ_INT(x.rounds, 0);
	nip77_free(&x);
	neg_storage_free(&ours);
	buf_free(&msg);
}

/* load: nip77_have_load over text; returns its status, the error in err. */
static int
load(const char *text, struct neg_storage *st, char *err, size_t errlen)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	int rc;

	neg_storage_init(st);
	err[0] = '\0';
	rc = nip77_have_load(fp, st, err, errlen);
	fclose(fp);
	return rc;
}

static void
have_file(void)
{
	struct neg_storage st;
	char err[128];
	const char *id = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	char text[512];

	snprintf(text, sizeof(text), "1700000000 %s\n\n  12\t%s \r\n", id, id);
	CHECK(load(text, &st, err, sizeof(err)) == 0);
	CHECK_EQ_INT(st.n, 2);
	neg_storage_free(&st);
	snprintf(text, sizeof(text), "1 %s\n2 %.63s\n", id, id);
	CHECK(load(text, &st, err, sizeof(err)) == -1);
	CHECK_EQ_STR(err, "line 2: id is not 64 lower-case hex digits");
	neg_storage_free(&st);
	CHECK(load("x 1\n", &st, err, sizeof(err)) == -1);
	CHECK_EQ_STR(err, "line 1: created_at is not a number");
	neg_storage_free(&st);
	snprintf(text, sizeof(text), "1 %s extra\n", id);
	CHECK(load(text, &st, err, sizeof(err)) == -1);
	CHECK_EQ_STR(err, "line 1: data after the id");
	neg_storage_free(&st);
	snprintf(text, sizeof(text), "18446744073709551615 %s\n", id);
	CHECK(load(text, &st, err, sizeof(err)) == -1);
	CHECK_EQ_STR(err, "line 1: created_at out of range");
	neg_storage_free(&st);
	snprintf(text, sizeof(text), "1%s\n", id);
	CHECK(load(text, &st, err, sizeof(err)) == -1);
	CHECK_EQ_STR(err, "line 1: created_at out of range");
	neg_storage_free(&st);
}

int
main(void)
{
	TEST(reconcile_through_messages);
	TEST(short_batches);
	TEST(malformed_payloads);
	TEST(have_file);
	return tap_done();
}
