/*
 * fuzz_negentropy.c: libFuzzer target for the NIP-77 negentropy module, where
 * it reads a peer's message: neg_parse, a server answering it, a client
 * reading it as the server's reply.
 *
 * Checks, on every input: a parsed message's ranges are as many as neg_parse
 * counted, their payloads inside the input; whatever a server or client
 * writes in answer is itself a message neg_parse accepts, within the frame
 * limit; refused input leaves every output as it was.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sha256.h"
#include "nostr/negentropy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct neg_storage server_items, client_items;

/* fill: items i < n with i % mod != 0, three to a second, fixed ids. */
static void
fill(struct neg_storage *s, int n, int mod)
{
	uint8_t id[32];

	neg_storage_init(s);
	for (int i = 0; i < n; i++) {
		if (i % mod == 0)
			continue;
		sha256(&i, sizeof i, id);
		neg_storage_add(s, 1700000000 + (uint64_t)(i / 3), id);
	}
	neg_storage_seal(s);
}

static void
check_message(const struct buf *b, size_t from, size_t limit)
{
	struct neg_msg m;

	if (limit && b->len - from > limit)
		abort();
	if (neg_parse((const uint8_t *)b->data + from, b->len - from, &m) != NULL)
		abort();
}

static void
check_parse(const uint8_t *data, size_t size)
{
	struct neg_msg m;
	struct neg_range r;
	size_t n = 0;

	if (neg_parse(data, size, &m) != NULL)
		return;
	while (neg_msg_next(&m, &r)) {
		if (r.payload < data || r.payload + r.count * NEG_ID_SIZE > data + size ||
		    r.upper.len > NEG_ID_SIZE)
			abort();
		n++;
	}
	if (n != m.nranges)
		abort();
}

static void
check_server(const uint8_t *data, size_t size, size_t limit)
{
	struct neg srv;
	struct buf out = BUF_INIT;

	if (neg_init(&srv, &server_items, limit) != 0)
		abort();
	buf_putc(&out, 'x');
	if (neg_server_step(&srv, data, size, &out) != NULL) {
		if (out.len != 1)
			abort();
	} else {
		check_message(&out, 1, limit);
	}
	neg_free(&srv);
	buf_free(&out);
}

static void
check_client(const uint8_t *data, size_t size, size_t limit)
{
	struct neg c;
	struct buf out = BUF_INIT, have = BUF_INIT, need = BUF_INIT;
	int done;

	if (neg_init(&c, &client_items, limit) != 0 || neg_initiate(&c, &out) != NULL)
		abort();
	check_message(&out, 0, limit);
	buf_reset(&out);
	if (neg_client_step(&c, data, size, &out, &have, &need, &done) != NULL) {
		if (out.len || have.len || need.len)
			abort();
	} else if (done) {
		if (out.len)
			abort();
	} else {
		check_message(&out, 0, limit);
	}
	if (have.len % 32 || need.len % 32)
		abort();
	neg_free(&c);
	buf_free(&out);
	buf_free(&have);
	buf_free(&need);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!server_items.sealed) {
		fill(&server_items, 300, 7);
		fill(&client_items, 300, 11);
	}
	check_parse(data, size);
	check_server(data, size, 0);
	check_server(data, size, NEG_FRAME_MIN);
	check_client(data, size, 0);
	check_client(data, size, NEG_FRAME_MIN);
	return 0;
}
